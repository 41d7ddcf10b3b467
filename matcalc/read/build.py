"""The grammar's callbacks: one small method per alias in ``grammar/matcalc.lark``, run by
lark on each reduce (no recursion), making `syntax` nodes with spans in original-text
coordinates.

Contract: `Build().<alias>(children)` returns a syntax node (or a list / helper value for
the inner rules); `Build.source` is the text being parsed, for the located `ParseError`s
the callbacks raise (a space ``\\mathbb{R}^{..}`` of no dimensions, a malformed range).
Clause-level rules (definitions, declarations, spaces, the limits of big operators) are in
`ClauseBuild`; expressions (operators, postfix, names, atoms) in `ExprBuild`.
"""
from __future__ import annotations

import dataclasses

from lark import Token

from . import sumdomain
from . import syntax as S
from ..errors import ParseError, error_at
from ..notes import excerpt, span_text
from .tokens import BRACED_ARGUMENT


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


class _Args(list):
    """An argument list with a ``;`` in it: `lead` arguments stand before it."""
    lead = None


def _grouped(e):
    """A colon product in brackets of its own, ``(A:B)``: one term, never split."""
    if isinstance(e, S.BinOp) and e.op == S.COLON and e.sign == ":":
        return dataclasses.replace(e, sign="()")
    return e


# functions written without parentheses that take the whole product after them, as every
# text on matrices writes them: \\operatorname{tr} X^T A X is tr(X^T A X) (the other reading,
# (tr X^T) A X, is a matrix where a trace is written to get a number; a scalar factor gives
# the same number either way)
WHOLE_PRODUCT = {"tr"}

# spacing written between a bare function's argument and the next factor: it ends the
# argument (``\\det A \\, x^Tx`` is ``(\\det A) x^Tx``)
ARGUMENT_ENDS = ("\\,", "\\;", "\\:", "\\!", "\\ ", "\\quad", "\\qquad", "~")


def _glued_constant(e) -> bool:
    """``\\pi``, or a number times \\pi glued (``2\\pi``): what a bare function's number
    argument takes after it (``\\log 2\\pi``)."""
    if isinstance(e, S.Sym):
        return e.name == "pi" and not (e.accent or e.layer or e.sup or e.primes)
    return isinstance(e, S.BinOp) and e.op == S.MUL and not e.sign and \
        isinstance(e.left, S.Num) and _glued_constant(e.right)


def _sym_base(e):
    """The Sym under a name's subscripts (names are Sym or Sub(Sym, ...))."""
    return e.base if isinstance(e, S.Sub) else e


def _namelike(e) -> bool:
    """A name: Sym, Sym with subscripts, or ``W^Q`` (a letter superscript, which lower
    reads as part of the name where it cannot be a power)."""
    if isinstance(e, S.Pow) and not e.hadamard and isinstance(e.exp, S.Sym) and \
            isinstance(e.base, S.Sym) and e.exp.accent is None and e.exp.layer is None:
        return True
    if isinstance(e, S.Sub) and isinstance(e.base, S.Pow):
        return _namelike(e.base)                  # k^s_{ij}: the name k^s, indexed
    return isinstance(e, S.Sym) or (isinstance(e, S.Sub) and isinstance(e.base, S.Sym))


class _Located:
    def __init__(self):
        self.source = ""

    def _err(self, msg, at):
        sp = _span(at)
        end = sp.end_column if sp.end_line == sp.line else None
        return ParseError(msg, sp.line, sp.column, self.source, end)


class ClauseBuild(_Located):
    """Callbacks of the clause-level rules: definitions, declarations, spaces, limits."""

    # ---- clauses
    def start(self, c):
        self.__dict__.pop("_indexing", None)        # per clause (see `bracket`)
        return c[0]

    def bare(self, c):
        return S.Bare(c[0], span=_span(c[0]))

    def definition(self, c):
        target, rels = c
        values = [e for _r, e in rels]
        params, as_set = None, False
        if isinstance(target, S.Apply):
            # L(\{W_l, b_l\}_{l=1}^3) := ...: the set's names are the parameters
            as_set = any(isinstance(a, S.SetOf) for a in target.args)
            target, params = target.func, tuple(
                x for a in target.args for x in (a.items if isinstance(a, S.SetOf) else (a,)))
            target = dataclasses.replace(target, span=_span(target))
        lead = None
        if isinstance(c[0], S.Apply):
            lead = c[0].lead
        return S.Def(target, params, values[-1], tuple(values[:-1]), span=_cover(c[0], values[-1]),
                     set_params=as_set, lead=lead)

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

    def set_values(self, c):
        """``y_i = \\{0, 1\\}``, ``y = \\left\\{ 0,1 \\right\\}``, ``k = \\{1, \\dots, K\\}``: the set
        of values a name takes, written with '=': a declaration, as with \\in (lowering
        notes it). A space of numbers after '=' (``x = \\mathbb{R}^n``) is refused."""
        target, rel, space = c
        if rel.value != "=" or space.kind not in ("binary", "range"):
            raise self._err("a space after '=' is not read: declare with \\in "
                            "(x \\in \\mathbb{R}^n)", rel)
        if not _namelike(target):
            raise self._err("only a name can take the values of a set", c[0])
        return S.Decl((target,), space, span=_cover(target, space), relation="=")

    def compare(self, c):
        """``\\sigma > 0``, ``x \\geq 0``: the sign of a name (`syntax.Sign`); any other
        comparison (a constraint, a bound) is not read."""
        target, rel, bound = c
        if rel.value not in (">", ">=") or not (isinstance(bound, S.Num) and
                                                bound.value in ("0", "0.0")) \
                or not _namelike(target):
            raise self._err("a comparison is read only as the sign of a name (x > 0, "
                            "x \\geq 0)", rel)
        return S.Sign((target,), rel.value, span=_cover(target, bound))

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
        return S.Space("real", dims, span=_cover(c[0], c[-1]),
                       positive=getattr(c[0], "value", "") == "R+",
                       symmetric=getattr(c[0], "value", "") == "S")

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

    # ---- big operators
    def bigop(self, c):
        big, (indices, lower, upper, _lim), body = c
        value, _, flags = str(big.value).partition(sumdomain.FLAGS)
        kind, _, written = value.partition("|")
        over = excluded = compare = None
        if isinstance(lower, tuple):        # \sum_{j \in C_i}, \sum_{j \ne i}, \sum_{i<j}
            (how, what), lower = lower, None
            if how == "in":
                over = what
            elif how == "ne":
                excluded = what
            else:                           # (relation, the other index)
                compare = (how, what)
                if upper is not None:
                    raise self._err(f"a {kind} over a comparison of indices takes no upper "
                                    f"bound", big)
        node = S.BigOp(kind, tuple(indices), lower, upper, body, span=_cover(big, body),
                       written=written, over=over, excluded=excluded, compare=compare,
                       part=flags == sumdomain.PART,
                       domain="" if flags == sumdomain.PART else flags)
        if isinstance(body, S.BigOp) and body.part:
            node = self._with_condition(node, body)
        return node

    def _with_condition(self, node, cond):
        """``\\sum_{j \\in [\\![1,N]\\!],\\; j \\neq i}`` (read/sumdomain.py): the condition part
        `cond` merged into the binding `node` over the same index -- its bounds with the
        excluded value, or with the comparison."""
        if node.kind != cond.kind or len(node.indices) != 1 or \
                tuple(cond.indices) != tuple(node.indices) or node.over is not None or \
                node.excluded is not None or node.compare is not None:
            raise error_at(ParseError, "this condition under the sum cannot be joined to "
                           "the index it restricts", cond.span, self.source)
        return dataclasses.replace(node, body=cond.body, excluded=cond.excluded,
                                   compare=cond.compare)

    def lim_none(self, c):
        return ((), None, None, None)

    def lim_sub(self, c):
        idx, lower = c[2]
        return (idx, lower, None, c)

    def lim_sub_sup(self, c):
        idx, lower = c[2]
        if c[4].value in ("in", "ne"):     # read.commands._sum_over_set's mark
            if len(idx) > 1 and c[4].value == "ne":
                raise self._err("\\ne under a sum is read only after one index "
                                "(\\sum_{j \\ne i})", c[4])
            return (idx, (c[4].value, c[6]), None, c)
        return (idx, lower, c[6], c)

    def lim_sup_sub(self, c):
        idx, lower = c[6]
        return (idx, lower, c[2], c)

    def index_eq(self, c):
        if c[1].value in ("<", ">", "<=", ">="):
            return ([c[0]], (str(c[1].value), c[2]))
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


class ExprBuild(_Located):
    """Callbacks of the expression rules: operators, postfix, names, atoms."""

    # ---- operators
    def _bin(self, op, left, right):
        return S.BinOp(op, left, right, span=_cover(left, right))

    def add(self, c):
        return self._bin(S.ADD, c[0], c[2])

    def sub(self, c):
        return self._bin(S.SUB, c[0], c[2])

    def colon(self, c):
        # sign ":" marks a colon written bare, which a sum around it may split (the colon
        # style's low precedence, lower/colonchain.py); a group around it unmarks it
        node = self._bin(S.COLON, c[0], c[2])
        return dataclasses.replace(node, sign=":")

    def hadamard(self, c):
        return self._bin(S.HDIV if c[1].value == "hdiv" else S.HADAMARD, c[0], c[2])

    def neg(self, c):
        return S.Neg(c[1], span=_cover(c[0], c[1]))

    def pos(self, c):
        return c[1]

    def juxt(self, c):
        entry = self._bracket_entry(c[0], c[1])
        if entry is not None:
            return entry
        glued = self._bare_argument(c[0], c[1])
        if glued is not None:
            return glued
        slash = self._slash_derivative(c[0], c[1])
        if slash is not None:
            return slash
        return self._bin(S.MUL, c[0], c[1])

    def _slash_derivative(self, left, right):
        """``dL/dx``, ``\\partial L/\\partial x``, ``df(y)/dy``, ``2\\,dL/dx``: the derivative
        written with a slash, as plain-text posts write it, is ``\\frac{dL}{dx}`` (the
        grammar reads it as (dL/d)·x, the slash binding tighter than juxtaposition). The
        numerator is from its d on (a factor before it multiplies the fraction); None
        when `left` is no such (d.../d) or `right` no name."""
        if not (isinstance(left, S.BinOp) and left.op == S.DIV and
                isinstance(left.right, S.Sym) and left.right.name in ("d", "partial") and
                left.right.accent is None and left.right.sup is None and
                isinstance(right, (S.Sym, S.Sub))):
            return None
        factors, signs, node = [], [], left.left
        while isinstance(node, S.BinOp) and node.op == S.MUL:
            factors.append(node.right)
            signs.append(node.sign)
            node = node.left
        factors, signs = [node] + factors[::-1], signs[::-1]   # signs[k-1] before factors[k]
        d = left.right.name
        # the numerator: from the last d after which only juxtaposition follows
        k = next((k for k in range(len(factors) - 2, -1, -1)
                  if isinstance(factors[k], S.Sym) and factors[k].name == d and
                  factors[k].accent is None and not any(signs[k:])), None)
        if k is None:
            return None
        num = factors[k]
        for f in factors[k + 1:]:
            num = self._bin(S.MUL, num, f)
        out = S.Frac(num, self._bin(S.MUL, left.right, right), span=_cover(left, right))
        if k == 0:
            return out
        head = factors[0]
        for f, sign in zip(factors[1:k], signs[:k - 1]):
            head = S.BinOp(S.MUL, head, f, span=_cover(head, f), sign=sign)
        return S.BinOp(S.MUL, head, out, span=_cover(head, out), sign=signs[k - 1])

    def _bracket_entry(self, left, right):
        """``z[k]``: a name with a one-letter index or a number in square brackets written
        right after it (no space) is its entry, the name subscripted, z_k (programming
        notation); None otherwise (``A [x + y]``, ``W [x]`` stay products)."""
        got = self.__dict__.get("_indexing", {}).get(id(right))
        if got is None or got[0] is not right or not isinstance(left, (S.Sym, S.Sub)):
            return None
        sp, at = _span(left), got[1]
        if (sp.end_line, sp.end_column) != at:
            return None
        if isinstance(left, S.Sub):
            return None             # W_1[k]: the entry of a subscripted name is not read
        return S.Sub(left, (right,), span=_cover(left, got[2]))

    def _bare_argument(self, whole, right):
        """A function written without parentheses whose one-factor argument (a number, a
        name, a power or a transpose) has another factor glued after it: ``\\log 2\\pi``,
        ``\\log 2x``, ``\\log \\sigma x^Tx``, ``\\exp x^T A x``, ``\\sum_i \\log x_i y_i``.
        A trace takes the whole product (`WHOLE_PRODUCT`: ``\\mathrm{tr} X^T A X``).
        Where a number is followed by the constant \\pi the argument is the product,
        ``\\log(2\\pi)``, as every Gaussian density writes it (the other reading,
        ``(\\log 2)\\pi``, differs by a constant; read/parse.py notes the reading): the
        rebuilt product is returned. Spacing written between the argument and the factor
        (``\\log\\sigma\\, x``) ends the argument: None. Any other glued factor has two
        readings with different gradients, ``\\log(\\sigma x^T x)`` and
        ``(\\log\\sigma) x^T x``: refused naming both. None when there is nothing to decide."""
        left, path = whole, []
        while isinstance(left, S.BinOp) and left.op == S.MUL and not left.sign:
            path.append(left)
            left = left.right
        if not (isinstance(left, S.Call) and left.bare and len(left.args) == 1 and
                left.func not in BRACED_ARGUMENT and
                (isinstance(right, (S.Sym, S.Sub, S.Num, S.Pow, S.Transpose)) or
                 left.func in WHOLE_PRODUCT)):
            return None
        ls0, rs0 = _span(left), _span(right)
        upto = span_text(self.source, S.Span(ls0.line, ls0.column, rs0.line, rs0.column))
        if upto.count(")") > upto.count("(") or upto.count("]") > upto.count("["):
            return None     # (\operatorname{tr} B) \sinh(..): a bracket closed the call
        arg = left.args[0]
        constant = _glued_constant(arg)
        applied = isinstance(arg, S.Apply) or (isinstance(arg, S.Call) and not arg.bare)
        if not (isinstance(arg, (S.Num, S.Sym, S.Sub, S.Pow, S.Transpose)) or applied or
                constant or left.func in WHOLE_PRODUCT):
            return None
        written = span_text(self.source, left.span)
        n = span_text(self.source, arg.span).strip()
        head = written[:len(written) - len(n)] if n and written.endswith(n) else written
        a = arg.span
        after = span_text(self.source, S.Span(a.end_line, a.end_column, a.end_line,
                                              a.end_column + 1))
        if (head.rstrip().endswith(("{", "(")) and after in ("}", ")")) or \
                written.rstrip().endswith("!"):
            return None     # \log{2}\pi: braced ({U}^T U is not); 3! a^2: closed
        glued = isinstance(arg, S.Num) and _glued_constant(right)
        if left.func in WHOLE_PRODUCT or glued:
            call = dataclasses.replace(left, args=(self._bin(S.MUL, arg, right),),
                                       span=_cover(left, right), glued=glued)
            for node in reversed(path):
                call = dataclasses.replace(node, right=call, span=_cover(node, call))
            return call
        ls, rs = _span(left), _span(right)
        between = span_text(self.source, S.Span(ls.end_line, ls.end_column, rs.line, rs.column))
        if any(space in between for space in ARGUMENT_ENDS):
            return None     # \log\sigma\, x: the space the author wrote ends the argument
        both = excerpt(self.source, _cover(left, right))
        f = written[:len(written) - len(n)].strip() if written.endswith(n) else f"\\{left.func}"
        rest = both[len(written):].strip()
        sp = _cover(left, right)
        raise ParseError(f"{both} has two readings, {f}({n} {rest}) and ({f} {n}) {rest}: "
                         f"write the parentheses", sp.line, sp.column, self.source,
                         sp.end_column if sp.end_line == sp.line else None)

    def mulop(self, c):
        return S.BinOp(S.MUL, c[0], c[2], span=_cover(c[0], c[2]), sign=str(c[1].value))

    def div(self, c):
        return self._bin(S.DIV, c[0], c[2])

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
        script = self._script_before_subscript(base, c[1], subs, c[4])
        if script is not None:
            return script
        if isinstance(base, S.Num):
            if base.value == "1" and len(subs) == 1:
                return S.Ones(subs[0], span=span)
            raise self._err("a number cannot take a subscript", c[1])
        return S.Sub(base, tuple(subs), span=span)

    def prime(self, c):
        if self._after_group(c[1]):
            # (A - UV')': a prime after a parenthesis is a transpose (MATLAB, econometrics)
            return S.Transpose(c[0], span=_cover(c[0], c[1]))
        raise self._err("a prime (') can only follow a name or a parenthesis", c[1])

    def _script_before_subscript(self, base, sub_tok, subs, close):
        """``K^T_k`` / ``x^2_i``: TeX sets a superscript written before the subscript of a
        bare name exactly as ``K_k^T`` / ``x_i^2``, so it is read so -- a transpose or a
        numeric power of the member K_k. Not after a parenthesis: ``(K^T)_k`` indexes the
        transpose. None when the rule does not apply."""
        if isinstance(base, S.Transpose):
            inner = base.arg
        elif isinstance(base, S.Pow) and not base.hadamard and (
                isinstance(base.exp, S.Num) or (isinstance(base.exp, S.Neg) and
                                                isinstance(base.exp.arg, S.Num))):
            inner = base.base
        else:
            return None
        if not isinstance(inner, S.Sym) or inner.primes or not self._glued(base, sub_tok):
            return None
        member = S.Sub(inner, tuple(subs), span=_cover(inner, close))
        return dataclasses.replace(base, **{"arg" if isinstance(base, S.Transpose) else
                                            "base": member}, span=_cover(base, close))

    def _glued(self, base, tok) -> bool:
        """Does `tok` follow `base` with nothing but spaces between them?"""
        lines, sp = self.source.splitlines(), base.span
        line, col = getattr(tok, "line", None), getattr(tok, "column", None)
        if line is None or sp.end_line != line or not 1 <= line <= len(lines) or \
                col < sp.end_column:
            return False
        return lines[line - 1][sp.end_column - 1:col - 1].strip() == ""

    def _after_group(self, prime) -> bool:
        """Does a closing parenthesis stand right before the prime token?"""
        lines = self.source.splitlines()
        line, col = getattr(prime, "line", None), getattr(prime, "column", None)
        if line is None or not 1 <= line <= len(lines):
            return False
        return lines[line - 1][:col - 1].rstrip().endswith(")")

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
            return _grouped(items[0])
        return S.Stack(tuple(items), span=_cover(c[0], c[2]))

    def apply(self, c):
        inner = self._angle(c[1], c[2], c[3])
        if inner is not None:                 # c \langle a, b \rangle: a product
            return S.BinOp(S.MUL, c[0], inner, span=_cover(c[0], c[3]))
        return S.Apply(c[0], tuple(c[2]), span=_cover(c[0], c[3]),
                       lead=getattr(c[2], "lead", None))

    def apply_set(self, c):
        """``L(\\{W_\\ell, \\gamma_\\ell\\}_{\\ell=1}^3)``: a set of names as the argument (a
        definition's left side lists what it depends on so)."""
        indices, lower, upper, _lim = c[5]
        if isinstance(lower, tuple) or len(indices) > 1:
            raise self._err("a set of names as an argument takes at most a range "
                            "_{i=1}^{n} after it", c[4])
        if any(isinstance(x, S.Dots) for x in c[3]):
            raise self._err("a set of names as an argument is read only as a list of names, "
                            "without dots", c[2])
        index = indices[0] if indices else None
        inner = S.SetOf(tuple(c[3]), index, lower, upper, span=_cover(c[2], c[5][3][-1]
                                                                       if c[5][3] else c[4]))
        return S.Apply(c[0], (inner,), span=_cover(c[0], c[6]))

    def fhead(self, c):
        return (c[0].value, 0, c[0])

    def fhead_prime(self, c):
        f, p, tok = c[0]
        return (f, p + 1, tok)

    def call1(self, c):
        f, p, tok = c[0]
        return S.Call(f, (c[1],), primes=p, span=_cover(tok, c[1]), bare=True)

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
        return _grouped(c[1])

    def bracket(self, c):
        items = c[1]
        if len(items) == 1 and not isinstance(items[0], S.Dots):
            x = items[0]
            if (isinstance(x, S.Sym) and len(x.name) == 1 and x.layer is None and
                    not x.primes and x.accent is None) or \
                    (isinstance(x, S.Num) and x.value.isdigit()):
                # [k] that may index the name before it (`_bracket_entry`)
                self.__dict__.setdefault("_indexing", {})[id(x)] = (
                    x, (c[0].line, c[0].column), c[2])
            return _grouped(items[0])
        return S.Stack(tuple(items), span=_cover(c[0], c[2]))

    def array(self, c):
        """A one-column array is a stacked vector; ``ARR_OPEN`` valued ``array:R:C`` (C > 1,
        from `clean`) opens a matrix literal of R rows of C entries."""
        span = _cover(c[0], c[2])
        parts = str(c[0].value).split(":")
        if len(parts) != 3:
            return S.Stack(tuple(c[1]), span=span, grid=True)
        rows, width = int(parts[1]), int(parts[2])
        if len(c[1]) != rows * width:
            raise self._err("a comma inside a matrix literal: its entries are separated by "
                            "& and its rows by \\\\", c[0])
        # with an elided run (\\cdots, \\vdots, \\ddots) it is only the layout of a matrix of
        # named entries (lower/classify.matrix_layout); as a value the lowering refuses it
        return S.Stack(tuple(c[1]), span=span, width=width, grid=True)

    def norm(self, c):
        return S.Norm(c[1], None, "norm", span=_cover(c[0], c[2]))

    def abs(self, c):
        return S.Norm(c[1], None, "abs", span=_cover(c[0], c[2]))

    def list_first(self, c):
        return [c[0]]

    def list_more(self, c):
        if str(c[1]) == ";":        # f(z; \theta): the arguments before it are `lead`
            if getattr(c[0], "lead", None) is not None:
                raise self._err("a second ';' in one argument list", c[1])
            c[0] = _Args(c[0])
            c[0].lead = len(c[0])
        c[0].append(c[2])
        return c[0]


class Build(ClauseBuild, ExprBuild):
    """Every callback of the grammar."""


def _is_number(x) -> bool:
    """A numeric literal, possibly negated (an element of a label set like {-1,1})."""
    return isinstance(x, S.Num) or (isinstance(x, S.Neg) and isinstance(x.arg, S.Num))
