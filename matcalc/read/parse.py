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
``grammar/matcalc.lark`` whose callbacks (`build.Build`, run on reduce: no recursion) make the
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
from .build import Build, _namelike
from ..notes import excerpt
from .comparisons import comparison_indicators
from .constants import additive_constants
from ..errors import ParseError
from .clauses import Clause, canon, distribution_statement, split_rows
from .fragments import guess_raw, guess_tokens, renames
from .implied import implied_equations
from .optimum import Optima, raw_has_operator
from .macros import expand
from .pagemacros import page_macros
from .scan import regions
from .scripts import script_names
from .tokens import SEP_WORDS
from .emptyscripts import EMPTY_SCRIPT_NOTE, empty_script
from .mdescapes import ESCAPE_NOTE
from .eqstack import STACK_NOTE, equation_stack
from .words import clean, layout, nested_subscript, words

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
         "HOLD": "\\text{constant}", "ARR_OPEN": "an array", "ARR_CLOSE": "\\end{array}", "CMP": "a comparison",
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
            if j < n and isinstance(stmts[j], S.Sign):      # \alpha, \beta > 0
                d = stmts[j]
                out.append(S.Sign(tuple(x.value for x in stmts[i:j]) + d.targets,
                                  d.relation, span=s.span.cover(d.span)))
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


def _with_group(text, span):
    """`span` extended over the braced group right after it on its line: a word's token
    from ``\\mathrm{const}`` spans only the command."""
    from ..notes import offsets
    from .scan import braced_end
    starts = offsets(text)
    if not 1 <= span.end_line < len(starts):
        return span
    at = starts[span.end_line - 1] + span.end_column - 1
    end = braced_end(text, at) if at < len(text) and text[at] == "{" else None
    if end is None or end > starts[span.end_line]:
        return span                                  # none, or not closed on its line
    return S.Span(span.line, span.column, span.end_line, end - starts[span.end_line - 1] + 1)


def _words_by_row(toks, text):
    """(the words of the rows of a region that can be read, [(error, span, tokens)] of those
    that cannot) when the region has several rows (``\\\\`` at depth 0) and the words pass
    fails on some only: one unknown command in a row of a list (the Matrix Cookbook's
    ``\\otimes``) leaves the other rows readable. None when no row, or every row, fails."""
    chunks, chunk, depth = [], [], 0
    for t in toks:
        chunk.append(t)
        depth += {"{": 1, "}": -1}.get(t.kind, 0)
        if t.kind == "rowsep" and depth == 0:
            chunks.append(chunk)
            chunk = []
    if chunk:
        chunks.append(chunk)
    if len(chunks) < 2:
        return None
    out, bad = [], []
    for chunk in chunks:
        try:
            out.extend(words(chunk, text))
        except ParseError as e:
            shown = [t for t in chunk if t.kind not in ("rowsep", "break", "newline")]
            span = S.Span(shown[0].line, shown[0].col, shown[-1].end_line,
                          shown[-1].end_col) if shown else _error_span(e)
            bad.append((e, span, chunk))
            kept = [t for t in chunk if t.kind in ("rowsep", "break")]
            out.extend(words(kept, text) if kept else [])
    return (out, bad) if len(bad) < len(chunks) else None


class _Reader:
    """Reads the math regions phase by phase (scan, macros, words, rows, clauses). In
    strict mode the first error raises; otherwise it is recorded in the region's place."""

    def __init__(self, text, strict):
        self.text, self.strict = text, strict
        self.notes: list = []
        self.implied: list = []        # equations after \Rightarrow (read/implied.py)
        self.undelimited: list = []    # spans of TeX read in running text (read/lost.py)
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
        toks, dropped = additive_constants(toks)
        for a, b in dropped:
            span = _with_group(self.text, S.Span(a.line, a.col, b.end_line, b.end_col))
            if not any(n.line == a.line and n.column == a.col and n.kind == "inferred" and
                       n.reason.startswith("an additive constant") for n in self.notes):
                self._note(span, "an additive constant, left out: it changes no derivative "
                           "(the objective's value is given without it)", "inferred")
        return _parse_clause(canon(comparison_indicators(toks), self.text), self.text)

    def run(self) -> S.Document:
        text = self.text
        if not isinstance(text, str):
            raise ParseError("the document must be a string")
        try:
            slots = self._read_regions(regions(text))
        except RecursionError:                         # pragma: no cover - defensive
            raise ParseError("expression nested too deeply; split it into definitions") from None
        statements = [st for slot in slots for st in slot]
        statements, script_notes = script_names(statements, text)   # \mathcal{V} beside V
        self.notes.extend(script_notes)
        self._note_glued_constants(statements)
        readable = [st for st in statements if not isinstance(st, S.Unreadable)]
        if not readable:
            broken = [st for st in statements if isinstance(st, S.Unreadable)]
            if broken:
                raise next((b for b in broken if b.defines or b.declares), broken[0]).error
            raise ParseError("empty document: no formula found", 1, 1, text)
        return S.Document(tuple(statements), source=text, notes=tuple(self.notes),
                          implied=tuple(self.implied), undelimited=tuple(self.undelimited))

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
            made = self._unreadable(error, *guess, span=self._region_span(regs[k]))
            if raw_has_operator(regs[k].toks):
                made = dataclasses.replace(made, minimand=True)     # \min_x ... with a typo
            slots[k] = [made]

        bullets = [r for r in regs if r.bullets]
        if bullets:                          # once, at the first: one list of lines
            count = sum(r.bullets for r in bullets)
            self._note(self._region_span(bullets[0]), f"{count} list marker"
                       f"{'s' * (count > 1)} ('- ' opening each line of a pasted list, some "
                       "items only words) read as bullets, not minus signs", "inferred")
        for k, r in enumerate(regs):
            if r.bare == "TeX run":
                self.undelimited.append(self._region_span(r))
            if r.why or r.markers:     # delimiters lost or damaged (read/lost.py)
                why = r.why or "read as math"
                if r.markers:
                    why += (f"; {r.markers} source-comment marker{'s' * (r.markers > 1)} "
                            "('///') inside it dropped (a source view's comment lines, "
                            "joined)")
                self._note(self._region_span(r), why, "inferred")
            if r.escapes:
                self._note(self._region_span(r), f"{ESCAPE_NOTE} ({r.escapes} in this "
                           "formula)", "inferred")
            if r.error is not None:
                fail(k, r.error, raw=r.toks)
            for j in range(len(r.toks)):
                if nested_subscript(r.toks, j):
                    a, b = r.toks[j - 2], r.toks[j + 1]
                    self._note(S.Span(a.line, a.col, b.end_line, b.end_col),
                               "a subscript group that opens with '_' (a subscript of an "
                               "empty base) is read as one subscript, as it renders",
                               "inferred")
                if equation_stack(r.toks, j) is not None:
                    a = r.toks[j]
                    self._note(S.Span(a.line, a.col, a.end_line, a.end_col), STACK_NOTE,
                               "inferred")
                if empty_script(r.toks, j):
                    a, b = r.toks[j], r.toks[j + 2]
                    self._note(S.Span(a.line, a.col, b.end_line, b.end_col),
                               EMPTY_SCRIPT_NOTE, "inferred")
        macros: dict = {}
        for k, r in enumerate(regs):
            if slots[k] is None:
                before = dict(macros)
                try:
                    toks[k] = expand(r.toks, text, macros)
                except ParseError as e:
                    fail(k, e, raw=r.toks, macros=before)
        cleaned: dict = {}
        for k in range(len(regs)):
            if slots[k] is None:
                try:
                    cleaned[k] = clean(layout(toks[k], text), text)
                except ParseError as e:
                    fail(k, e, raw=toks[k], macros=macros)
        cleaned, page_notes = page_macros(cleaned)     # \g x: a macro of the page
        for t, reason in page_notes:
            self._note(S.Span(t.line, t.col, t.end_line, t.end_col), reason, "inferred")
        broken_rows: dict = {}          # region -> its rows that cannot be read
        for k in cleaned:
            try:
                toks[k] = words(cleaned[k], text)
            except ParseError as e:
                got = None if self.strict else _words_by_row(cleaned[k], text)
                if got is None:
                    fail(k, e, raw=toks[k], macros=macros)
                    continue
                toks[k], bad = got
                # each unreadable row with the names it looks like it defines, so that a
                # row the objective needs is the error (not "unknown name" further on)
                broken_rows[k] = [self._unreadable(err, *guess_raw(chunk, text, macros or {},
                                                                   self._parse_expr), span)
                                  for err, span, chunk in bad]
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
                self.implied.extend(implied_equations(toks[k], dropped, self._parse_expr,
                                                       text))
        for k in range(len(regs)):
            if slots[k] is None:
                optima = Optima(self._parse_expr, text, self._note)
                slots[k] = []
                for row in rows[k]:
                    try:
                        items = optima.rows(row)
                    except ParseError as e:
                        slots[k].append(self._unreadable(e, (), (),
                                                         _row_span(row) if row else None))
                        continue
                    slots[k].extend(self._row(items))
                slots[k].extend(broken_rows.get(k, ()))
        return slots

    def _note_glued_constants(self, statements):
        """``\\log 2\\pi`` is read as ``\\log(2\\pi)`` (read/build.py): say so, once per place."""
        seen = set()
        for st in statements:
            for node in S.walk(st):
                if isinstance(node, S.Call) and node.glued and node.span.line and \
                        (node.span.line, node.span.column) not in seen:
                    seen.add((node.span.line, node.span.column))
                    arg = excerpt(self.text, node.args[0].span).strip()
                    num = excerpt(self.text, node.args[0].left.span).strip()
                    self._note(node.span, f"read as \\{node.func}({arg}), as densities write "
                               f"it; the other reading, (\\{node.func} {num}) times the rest, "
                               f"differs by a constant (the same gradient)", "inferred")

    def _note(self, span, reason, kind):
        from ..notes import note_at
        self.notes.append(note_at(self.text, span, reason, kind))

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
        """The statements of one row of clauses (an unreadable clause in its place); an
        item of the row that is already a statement (read/optimum.py made it of an
        optimisation operator) stays as it is."""
        stmts: list = []
        row = _distributions_joined(row)
        for clause in row:
            if not isinstance(clause, list):
                stmts.append(clause)
                continue
            span = S.Span(clause[0].line, clause[0].col, clause[-1].end_line, clause[-1].end_col)
            if not self.strict and any(t.kind == "MAPSTO" for t in clause):
                got = renames(clause, self._parse_expr)
                if got is None:
                    self._dropped([("arrow", clause[0], clause[-1])])
                    continue
                stmts.extend(S.Rename(old, new, span=S.Span(a.line, a.col, b.end_line, b.end_col))
                             for old, new, a, b in got)
                continue
            if distribution_statement(clause):
                self._note(span, "a distribution statement (\\sim: the distribution of a "
                                 "random variable): defines nothing to differentiate",
                           "prose")
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


def _distributions_joined(row):
    """A distribution statement's clause with the clauses after it that only a text word
    separates (``W \\sim \\mbox{\\sf{Wishart}}_{\\nu}(S)``: the distribution's name is
    text), up to a separator word, comma or ``\\quad``: one clause, skipped whole."""
    out = []
    for clause in row:
        after = getattr(clause, "after", None)
        joins = out and isinstance(out[-1], list) and isinstance(clause, list) and \
            distribution_statement(out[-1]) and not isinstance(after, str) and \
            after is not None and after.kind == "SEP" and \
            str(after.value).lower().rstrip(":") not in SEP_WORDS
        if joins:
            out[-1] = Clause(list(out[-1]) + [after] + list(clause), out[-1].after)
        else:
            out.append(clause)
    return out


def _row_span(row) -> S.Span:
    a, b = row[0][0], row[-1][-1]
    return S.Span(a.line, a.col, b.end_line, b.end_col)


def _error_span(e) -> S.Span:
    line, col = getattr(e, "line", None) or 0, getattr(e, "column", None) or 0
    return S.Span(line, col, line, col + 1)
