"""The parser: text -> `syntax.Document`.

Contract: `parse(text: str) -> syntax.Document` raises only `ParseError` (line, column and
a caret excerpt of the original text) at the first fragment it cannot read.
`read(text: str) -> syntax.Document` reads a whole post: a fragment it cannot read becomes
an `syntax.Unreadable` statement in its place (its error, and the names it looks like it
defines, from `fragments`), renamings become `syntax.Rename`, and what is left out is in
the document's `notes`; it raises only when nothing can be read or a math region is never
closed. Nothing in the text is ever evaluated.

Flow, math region by math region (`scan.regions`), phase by phase: macros (`macros.expand`,
their definitions carried from one region to the next), `words.clean` and `words.words`,
rows of clauses (`clauses.split_rows`); each clause is parsed by the LALR grammar
``grammar/matcalc.lark`` whose callbacks (`Build`, run on reduce: no recursion) make the
syntax nodes with spans in original-text coordinates; then, per row, a bare name before a
declaration joins its targets (``\\alpha, \\beta \\in \\mathbb{R}``) and ``i = 1, \\dots, n``
becomes a `Range`. Trees deeper than `MAX_TREE_DEPTH` are refused (checked iteratively).
"""
from __future__ import annotations

import dataclasses
from pathlib import Path

from lark import Lark, Token
from lark.exceptions import UnexpectedEOF, UnexpectedInput, UnexpectedToken
from lark.lexer import Lexer

from . import syntax as S
from ..cache import parser_cache_file
from ..errors import ParseError
from .clauses import canon, split_rows
from .fragments import guess_raw, guess_tokens, renames
from .macros import expand
from .scan import regions
from .words import clean, layout, words

MAX_TREE_DEPTH = 400

_PARSER = None


def _grammar_text() -> str:
    try:
        from importlib.resources import files
        return files("matcalc.grammar").joinpath("matcalc.lark").read_text(encoding="utf-8")
    except (ImportError, ModuleNotFoundError, FileNotFoundError, OSError, TypeError):
        path = Path(__file__).resolve().parents[2] / "grammar" / "matcalc.lark"
        return path.read_text(encoding="utf-8")


class _Feed(Lexer):
    """The 'lexer' lark calls: the token list prepared by read.words, as lark Tokens."""
    __future_interface__ = 2

    def __init__(self, lexer_conf):
        pass

    def lex(self, lexer_state, parser_state):
        return iter(lexer_state.text)


class _Dims:
    """The exponent of a space, ``R^{n \\times d}``: its factors and span."""
    __slots__ = ("items", "span")

    def __init__(self, items, span):
        self.items, self.span = items, span


def _span(x) -> S.Span:
    if isinstance(x, Token):
        return S.Span(x.line, x.column, x.end_line, x.end_column)
    if isinstance(x, list):
        return _span(x[0]).cover(_span(x[-1]))
    return x.span


def _cover(a, b) -> S.Span:
    return _span(a).cover(_span(b))


def _sym_base(e):
    """The Sym under a name's subscripts (names are Sym or Sub(Sym, ...))."""
    return e.base if isinstance(e, S.Sub) else e


def _namelike(e) -> bool:
    """A name: Sym, Sym with subscripts, or ``W^Q`` (a letter superscript, which lower
    reads as part of the name where it cannot be a power)."""
    if isinstance(e, S.Pow) and not e.hadamard and isinstance(e.exp, S.Sym) and \
            isinstance(e.base, S.Sym) and e.exp.accent is None and e.exp.layer is None:
        return True
    return isinstance(e, S.Sym) or (isinstance(e, S.Sub) and isinstance(e.base, S.Sym))


class Build:
    """Grammar callbacks: one small method per alias in matcalc.lark."""

    def __init__(self):
        self.source = ""

    def _err(self, msg, at):
        sp = _span(at)
        end = sp.end_column if sp.end_line == sp.line else None
        return ParseError(msg, sp.line, sp.column, self.source, end)

    # ---- clauses
    def start(self, c):
        return c[0]

    def bare(self, c):
        return S.Bare(c[0], span=_span(c[0]))

    def definition(self, c):
        target, rels = c
        values = [e for _r, e in rels]
        params = None
        if isinstance(target, S.Apply):
            target, params = target.func, target.args
            target = dataclasses.replace(target, span=_span(target))
        return S.Def(target, params, values[-1], tuple(values[:-1]), span=_cover(c[0], values[-1]))

    def continuation(self, c):
        rels = c[0]
        values = [e for _r, e in rels]
        return S.Def(None, None, values[-1], tuple(values[:-1]),
                     span=_cover(rels[0][0], values[-1]))

    def def_decl(self, c):
        d = self.definition(c[:2])
        target = d.value if _namelike(d.value) else d.target
        if target is None or not _namelike(target):
            raise self._err("only a name can be declared with \\in", c[2])
        return [d, S.Decl((target,), c[3], span=_cover(target, c[3]))]

    def decl(self, c):
        return S.Decl((c[0],), c[2], span=_cover(c[0], c[2]))

    def hold(self, c):
        return S.Hold(c[0], span=_cover(c[0], c[1]))

    def rels_first(self, c):
        return [(c[0], c[1])]

    def rels_more(self, c):
        c[0].append((c[1], c[2]))
        return c[0]

    # ---- spaces
    def space_real(self, c):
        dims = c[1].items if len(c) > 1 else ()
        return S.Space("real", dims, span=_cover(c[0], c[-1]))

    def space_nat(self, c):
        dims = c[-1].items if isinstance(c[-1], _Dims) else ()
        return S.Space("natural", dims, span=_cover(c[0], c[-1]))

    def dims(self, c):
        return _Dims(tuple(c[2]), _cover(c[0], c[3]))

    def space_set(self, c):
        items = c[1]
        dims = c[3].items if len(c) > 3 else ()
        span = _cover(c[0], c[-1])
        if items and all(_is_number(x) for x in items):
            # a finite set of numbers ({0,1}, {-1,1}): labels, treated as real
            return S.Space("binary", dims, span=span)
        if len(items) == 3 and isinstance(items[1], S.Dots) and not dims:
            return S.Space("range", (items[0], items[2]), span=span)
        raise self._err("a set must be numbers such as {0,1} or {-1,1}, or a range like "
                        "{1, ..., K}", c[0])

    # ---- operators
    def _bin(self, op, left, right):
        return S.BinOp(op, left, right, span=_cover(left, right))

    def add(self, c):
        return self._bin(S.ADD, c[0], c[2])

    def sub(self, c):
        return self._bin(S.SUB, c[0], c[2])

    def colon(self, c):
        return self._bin(S.COLON, c[0], c[2])

    def hadamard(self, c):
        return self._bin(S.HDIV if c[1].value == "hdiv" else S.HADAMARD, c[0], c[2])

    def neg(self, c):
        return S.Neg(c[1], span=_cover(c[0], c[1]))

    def pos(self, c):
        return c[1]

    def juxt(self, c):
        return self._bin(S.MUL, c[0], c[1])

    def mulop(self, c):
        return S.BinOp(S.MUL, c[0], c[2], span=_cover(c[0], c[2]), sign=str(c[1].value))

    def div(self, c):
        return self._bin(S.DIV, c[0], c[2])

    # ---- big operators
    def bigop(self, c):
        big, (indices, lower, upper, _lim), body = c
        kind, _, written = str(big.value).partition("|")
        return S.BigOp(kind, tuple(indices), lower, upper, body, span=_cover(big, body),
                       written=written)

    def lim_none(self, c):
        return ((), None, None, None)

    def lim_sub(self, c):
        idx, lower = c[2]
        return (idx, lower, None, c)

    def lim_sub_sup(self, c):
        idx, lower = c[2]
        return (idx, lower, c[6], c)

    def lim_sup_sub(self, c):
        idx, lower = c[6]
        return (idx, lower, c[2], c)

    def index_eq(self, c):
        if c[1].value != "=":
            raise self._err(f"expected '=' in the range of a sum, not '{c[1].value}'", c[1])
        return ([c[0]], c[2])

    def index_list(self, c):
        return (c[0], None)

    def names_first(self, c):
        return [c[0]]

    def names_more(self, c):
        c[0].append(c[-1])
        return c[0]

    # ---- postfix
    def pow(self, c):
        return S.Pow(c[0], c[3], span=_cover(c[0], c[4]))

    def hpow(self, c):
        return S.Pow(c[0], c[3], hadamard=True, span=_cover(c[0], c[4]))

    def transpose(self, c):
        return S.Transpose(c[0], span=_cover(c[0], c[1]))

    def subscript(self, c):
        base, subs = c[0], c[3]
        span = _cover(c[0], c[4])
        if isinstance(base, S.Norm) and base.sub is None and len(subs) == 1:
            return dataclasses.replace(base, sub=subs[0], span=span)
        if isinstance(base, S.Pow) and isinstance(base.base, S.Norm) and \
                base.base.sub is None and len(subs) == 1 and not base.hadamard:
            # \|A\|^2_F, ||M||^2_F: the norm's subscript written after its power
            norm = dataclasses.replace(base.base, sub=subs[0])
            return dataclasses.replace(base, base=norm, span=span)
        if isinstance(base, S.Ones) and base.size is None and len(subs) == 1:
            return S.Ones(subs[0], span=span)
        if isinstance(base, S.Num):
            if base.value == "1" and len(subs) == 1:
                return S.Ones(subs[0], span=span)
            raise self._err("a number cannot take a subscript", c[1])
        return S.Sub(base, tuple(subs), span=span)

    def prime(self, c):
        raise self._err("a prime (') can only follow a name", c[1])

    def _angle(self, lpar, items, rpar):
        """``\\langle a, b \\rangle`` / ``<a, b>``: the inner product a : b (aᵀb of vectors,
        tr(AᵀB) of matrices); None for a parenthesis."""
        opened, closed = lpar.value == "langle", rpar.value == "rangle"
        if not opened and not closed:
            return None
        if opened != closed:
            raise self._err("an angle bracket closed by a parenthesis (or the other way "
                            "round)", lpar if opened else rpar)
        if len(items) != 2 or any(isinstance(x, S.Dots) for x in items):
            raise self._err(f"an inner product \\langle a, b \\rangle takes two arguments, "
                            f"not {len(items)}", lpar)
        return S.BinOp(S.COLON, items[0], items[1], span=_cover(lpar, rpar))

    def paren(self, c):
        items = c[1]
        inner = self._angle(c[0], items, c[2])
        if inner is not None:
            return inner
        if len(items) == 1 and not isinstance(items[0], S.Dots):
            return items[0]
        return S.Stack(tuple(items), span=_cover(c[0], c[2]))

    def apply(self, c):
        inner = self._angle(c[1], c[2], c[3])
        if inner is not None:                 # c \langle a, b \rangle: a product
            return S.BinOp(S.MUL, c[0], inner, span=_cover(c[0], c[3]))
        return S.Apply(c[0], tuple(c[2]), span=_cover(c[0], c[3]))

    def fhead(self, c):
        return (c[0].value, 0, c[0])

    def fhead_prime(self, c):
        f, p, tok = c[0]
        return (f, p + 1, tok)

    def call1(self, c):
        f, p, tok = c[0]
        return S.Call(f, (c[1],), primes=p, span=_cover(tok, c[1]))

    def call(self, c):
        f, p, tok = c[0]
        inner = self._angle(c[1], c[2], c[3])
        args = (inner,) if inner is not None else tuple(c[2])
        return S.Call(f, args, primes=p, span=_cover(tok, c[3]))

    # ---- names
    def sym(self, c):
        name, _, accent = c[0].value.partition("|")
        return S.Sym(name, accent or None, span=_span(c[0]))

    def name_sub(self, c):
        if isinstance(c[0], S.Sub):
            raise self._err("double subscript", c[1])
        return S.Sub(c[0], tuple(c[3]), span=_cover(c[0], c[4]))

    def name_layer(self, c):
        base = _sym_base(c[0])
        if base.layer is not None:
            raise self._err("a second layer superscript", c[1])
        new = dataclasses.replace(base, layer=c[1].value)
        if isinstance(c[0], S.Sub):
            return dataclasses.replace(c[0], base=new, span=_cover(c[0], c[1]))
        return dataclasses.replace(new, span=_cover(c[0], c[1]))

    def name_prime(self, c):
        base = _sym_base(c[0])
        new = dataclasses.replace(base, primes=base.primes + 1)
        if isinstance(c[0], S.Sub):
            return dataclasses.replace(c[0], base=new, span=_cover(c[0], c[1]))
        return dataclasses.replace(new, span=_cover(c[0], c[1]))

    # ---- atoms
    def num(self, c):
        return S.Num(str(c[0]), span=_span(c[0]))

    def ones(self, c):
        return S.Ones(None, span=_span(c[0]))

    def dots(self, c):
        return S.Dots(span=_span(c[0]))

    def frac(self, c):
        return S.Frac(c[2], c[5], span=_cover(c[0], c[6]))

    def brace(self, c):
        return c[1]

    def bracket(self, c):
        items = c[1]
        if len(items) == 1 and not isinstance(items[0], S.Dots):
            return items[0]
        return S.Stack(tuple(items), span=_cover(c[0], c[2]))

    def array(self, c):
        return S.Stack(tuple(c[1]), span=_cover(c[0], c[2]))

    def norm(self, c):
        return S.Norm(c[1], None, "norm", span=_cover(c[0], c[2]))

    def abs(self, c):
        return S.Norm(c[1], None, "abs", span=_cover(c[0], c[2]))

    def list_first(self, c):
        return [c[0]]

    def list_more(self, c):
        c[0].append(c[2])
        return c[0]


_BUILD = Build()


def _parser() -> Lark:
    global _PARSER
    if _PARSER is None:
        _PARSER = Lark(_grammar_text(), parser="lalr", lexer=_Feed, transformer=_BUILD,
                       strict=True, maybe_placeholders=False, cache=parser_cache_file())
    return _PARSER


# ---------------------------------------------------------------- errors

WORDS = {"NAME": "a name", "NUMBER": "a number", "ONES": "a ones vector", "FUNC": "a function",
         "BIG": "\\sum or \\prod", "FRAC": "\\frac", "PLUS": "'+'", "MINUS": "'-'",
         "MULOP": "a product sign", "SLASH": "'/'", "HAD": "\\odot", "COLON": "':'",
         "REL": "'='", "IN": "\\in", "REALS": "\\mathbb{R}", "NATS": "\\mathbb{N}",
         "LSET": "'\\{'", "RSET": "'\\}'", "LPAR": "'('", "RPAR": "')'", "LBRACK": "'['",
         "RBRACK": "']'", "LBRACE": "'{'", "RBRACE": "'}'", "NORM_OPEN": "a norm '\\|'",
         "NORM_CLOSE": "a closing '\\|'", "ABS_OPEN": "'|'", "ABS_CLOSE": "a closing '|'",
         "SUB": "a subscript '_'", "SUP": "a superscript '^'", "HPOW": "a Hadamard power '^{\\circ p}'", "TRANSPOSE": "a transpose",
         "LAYER": "a layer superscript", "PRIME": "a prime", "COMMA": "','", "DOTS": "dots",
         "HOLD": "\\text{constant}", "ARR_OPEN": "an array", "ARR_CLOSE": "\\end{array}",
         "$END": "the end of the formula"}
EXPR_START = {"NAME", "NUMBER", "ONES", "FUNC", "BIG", "FRAC", "LPAR", "LBRACK", "LBRACE",
              "NORM_OPEN", "ABS_OPEN", "DOTS", "ARR_OPEN", "MINUS", "PLUS"}


def _expected(names) -> str:
    names = set(names)
    parts = []
    if {"NAME", "NUMBER"} <= names:
        parts.append("an expression")
        names -= EXPR_START
    rest = sorted(WORDS.get(x, x.lower()) for x in names)
    if len(rest) > 5:
        parts.append("an operator")
        rest = [w for w in rest if w in ("the end of the formula", "')'", "'}'", "']'")]
    parts += rest
    if not parts:
        return "something else"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " or " + parts[-1]


def _describe(tok) -> str:
    if tok.type == "NAME":
        return f"name '{tok.value.partition('|')[0]}'"
    return WORDS.get(tok.type, repr(str(tok.value)))


def _lark_tokens(toks):
    out = []
    for t in toks:
        v = t.value
        if t.kind == "NAME":
            v = v[0] if v[1] is None else f"{v[0]}|{v[1]}"
        out.append(Token(t.kind, str(v), 0, t.line, t.col, t.end_line, t.end_col, 0))
    return out


def _eof_error(last, expected, source):
    end = last.end_column if last.end_line == last.line else None
    return ParseError(f"the formula ends too early after {_describe(last)}; expected "
                      f"{_expected(expected)}", last.line, last.column, source, end)


def _parse_clause(toks, source):
    ltoks = _lark_tokens(toks)
    if not ltoks:
        first = toks[0] if toks else None
        line, col = (first.line, first.col) if first is not None else (1, 1)
        raise ParseError("an empty formula: nothing to read here", line, col, source)
    _BUILD.source = source
    try:
        return _parser().parse(ltoks)
    except UnexpectedToken as e:
        tok = e.token
        if tok.type == "$END":
            raise _eof_error(ltoks[-1], e.expected, source) from None
        end = tok.end_column if tok.end_line == tok.line else None
        raise ParseError(f"unexpected {_describe(tok)}; expected {_expected(e.expected)}",
                         tok.line, tok.column, source, end) from None
    except UnexpectedEOF as e:
        raise _eof_error(ltoks[-1], e.expected, source) from None
    except UnexpectedInput as e:                      # pragma: no cover - defensive
        raise ParseError(f"cannot read this: {e.__class__.__name__}",
                         getattr(e, "line", None), getattr(e, "column", None), source) from None


# ---------------------------------------------------------------- checks and merging

def _children(node):
    for f in dataclasses.fields(node):
        if f.name == "span":
            continue
        v = getattr(node, f.name)
        if isinstance(v, tuple):
            for x in v:
                if dataclasses.is_dataclass(x):
                    yield x
        elif dataclasses.is_dataclass(v) and not isinstance(v, S.Span):
            yield v


def _check_depth(stmt, source):
    """Reject trees nested deeper than MAX_TREE_DEPTH. A flat chain of + and - (left-deep
    in the tree, read iteratively downstream) does not count as nesting."""
    stack = [(stmt, 1)]
    while stack:
        node, d = stack.pop()
        if d > MAX_TREE_DEPTH:
            sp = stmt.span
            raise ParseError("expression nested too deeply; split it into definitions",
                             sp.line or None, sp.column or None, source)
        chain = isinstance(node, S.BinOp) and node.op in ("+", "-")
        for ch in _children(node):
            flat = chain and ch is node.left and isinstance(ch, S.BinOp) and ch.op in ("+", "-")
            stack.append((ch, d if flat else d + 1))


def _merge_row(stmts):
    out = []
    i, n = 0, len(stmts)
    while i < n:
        s = stmts[i]
        if isinstance(s, S.Def) and s.target is not None and _namelike(s.target) and \
                s.params is None and not s.middle and i + 2 < n and \
                isinstance(stmts[i + 1], S.Bare) and isinstance(stmts[i + 1].value, S.Dots) and \
                isinstance(stmts[i + 2], S.Bare):
            out.append(S.Range(s.target, s.value, stmts[i + 2].value,
                               span=s.span.cover(stmts[i + 2].span)))
            i += 3
            continue
        if isinstance(s, S.Bare) and _namelike(s.value):
            j = i
            while j < n and isinstance(stmts[j], S.Bare) and _namelike(stmts[j].value):
                j += 1
            if j < n and isinstance(stmts[j], S.Decl):
                d = stmts[j]
                targets = tuple(x.value for x in stmts[i:j]) + d.targets
                out.append(S.Decl(targets, d.space, span=s.span.cover(d.span)))
                i = j + 1
                continue
        out.append(s)
        i += 1
    return out


def parse(text: str) -> S.Document:
    """Parse a document strictly (see the module docstring): the first fragment that
    cannot be read raises its ParseError."""
    return _Reader(text, strict=True).run()


def read(text: str) -> S.Document:
    """Read a whole post: like `parse`, but a fragment that cannot be read (a math region,
    or one clause of it) becomes an `S.Unreadable` statement in its place, carrying its
    error and the names it looks like it defines, and scanning goes on. Renamings
    (``I \\to A``) are read as `S.Rename`; what the reader leaves out (a differential
    step after ``\\implies``, a signature with an arrow) is listed in the document's
    `notes`. Raises ParseError only when nothing at all can be read, or a math region is
    never closed."""
    return _Reader(text, strict=False).run()


class _Reader:
    """Reads the math regions phase by phase (scan, macros, words, rows, clauses). In
    strict mode the first error raises; otherwise it is recorded in the region's place."""

    def __init__(self, text, strict):
        self.text, self.strict = text, strict
        self.notes: list = []
        self._starts = None

    def _unreadable(self, error, defines=(), declares=(), span=None):
        if self.strict:
            raise error
        return S.Unreadable(error, tuple(defines), tuple(declares),
                            span if span is not None else _error_span(error))

    def _region_span(self, r):
        """The span of a region's formula: its tokens, without the delimiters."""
        toks = [t for t in r.toks if t.kind != "break"]
        if toks:
            return S.Span(toks[0].line, toks[0].col, toks[-1].end_line, toks[-1].end_col)
        from .scan import _Src
        if self._starts is None:
            self._starts = _Src(self.text)
        l1, c1 = self._starts.pos(r.start)
        l2, c2 = self._starts.pos(max(r.start, (r.end or len(self.text)) - 1))
        return S.Span(l1, c1, l2, c2 + 1)

    def _parse_expr(self, toks):
        return _parse_clause(canon(toks, self.text), self.text)

    def run(self) -> S.Document:
        text = self.text
        if not isinstance(text, str):
            raise ParseError("the document must be a string")
        try:
            slots = self._read_regions(regions(text))
        except RecursionError:                         # pragma: no cover - defensive
            raise ParseError("expression nested too deeply; split it into definitions") from None
        statements = [st for slot in slots for st in slot]
        readable = [st for st in statements if not isinstance(st, S.Unreadable)]
        if not readable:
            broken = [st for st in statements if isinstance(st, S.Unreadable)]
            if broken:
                raise next((b for b in broken if b.defines or b.declares), broken[0]).error
            raise ParseError("empty document: no formula found", 1, 1, text)
        return S.Document(tuple(statements), source=text, notes=tuple(self.notes))

    def _read_regions(self, regs):
        text = self.text
        slots: list = [None] * len(regs)       # per region: its statements, once known
        toks: dict = {}

        def fail(k, error, raw=None, clauses=None, macros=None):
            if clauses is not None:
                guess = guess_tokens(clauses, self._parse_expr)
            elif raw is not None:
                guess = guess_raw(raw, text, macros or {}, self._parse_expr)
            else:
                guess = ((), ())
            slots[k] = [self._unreadable(error, *guess, span=self._region_span(regs[k]))]

        for k, r in enumerate(regs):
            if r.error is not None:
                fail(k, r.error, raw=r.toks)
        macros: dict = {}
        for k, r in enumerate(regs):
            if slots[k] is None:
                before = dict(macros)
                try:
                    toks[k] = expand(r.toks, text, macros)
                except ParseError as e:
                    fail(k, e, raw=r.toks, macros=before)
        for k in range(len(regs)):
            if slots[k] is None:
                try:
                    toks[k] = words(clean(layout(toks[k], text), text), text)
                except ParseError as e:
                    fail(k, e, raw=toks[k], macros=macros)
        rows: dict = {}
        for k in range(len(regs)):
            if slots[k] is None:
                dropped: list = []
                try:
                    rows[k] = split_rows(toks[k], text, dropped, keep_arrows=not self.strict)
                except ParseError as e:
                    fail(k, e, clauses=[toks[k]])
                    continue
                self._dropped(dropped)
        for k in range(len(regs)):
            if slots[k] is None:
                slots[k] = [st for row in rows[k] for st in self._row(row)]
        return slots

    def _dropped(self, dropped):
        from ..notes import note_at
        for kind, a, b in dropped:
            span = S.Span(a.line, a.col, b.end_line, b.end_col)
            reason = ("a differential step after \\implies: not read as a definition"
                      if kind == "differential" else
                      "an arrow (a signature or a mapping): states nothing matcalc uses")
            self.notes.append(note_at(self.text, span, reason,
                                      "differential" if kind == "differential" else "prose"))

    def _row(self, row):
        """The statements of one row of clauses (an unreadable clause in its place)."""
        stmts: list = []
        for clause in row:
            span = S.Span(clause[0].line, clause[0].col, clause[-1].end_line, clause[-1].end_col)
            if not self.strict and any(t.kind == "MAPSTO" for t in clause):
                got = renames(clause, self._parse_expr)
                if got is None:
                    self._dropped([("arrow", clause[0], clause[-1])])
                    continue
                stmts.extend(S.Rename(old, new, span=S.Span(a.line, a.col, b.end_line, b.end_col))
                             for old, new, a, b in got)
                continue
            try:
                got = self._parse_expr(clause)
                got = got if isinstance(got, list) else [got]
                if len(got) == 1:           # the statement spans its clause: ``(..)`` too
                    got = [dataclasses.replace(got[0], span=got[0].span.cover(span))]
                for st in got:
                    _check_depth(st, self.text)
                    stmts.append(st)
            except ParseError as e:
                defines, declares = guess_tokens([clause], self._parse_expr)
                if declares:       # \alpha, \beta \in ...: the names before it join it
                    j = len(stmts)
                    while j > 0 and isinstance(stmts[j - 1], S.Bare) and \
                            _namelike(stmts[j - 1].value):
                        j -= 1
                    declares = tuple(x.value for x in stmts[j:]) + declares
                stmts.append(self._unreadable(e, defines, declares, span))
        return _merge_row(stmts)


def _error_span(e) -> S.Span:
    line, col = getattr(e, "line", None) or 0, getattr(e, "column", None) or 0
    return S.Span(line, col, line, col + 1)


def _is_number(x) -> bool:
    """A numeric literal, possibly negated (an element of a label set like {-1,1})."""
    return isinstance(x, S.Num) or (isinstance(x, S.Neg) and isinstance(x.arg, S.Num))
