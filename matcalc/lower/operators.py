"""A derivative operator written around the function: what it is applied to.

Posts often write the function only under the operator -- ``\\nabla_X \\mbox{tr}(XAX)``,
``\\frac{d}{dX} \\operatorname{Tr}(X^TAXB)``, ``\\frac{\\partial}{\\partial a_{ij}} (x^TAx) =
...``, or a stationarity condition ``0 = \\nabla_\\Sigma \\sum_i ...`` / ``\\nabla_w L(w) = 0``.
With no definition in the document, that operand is the function to differentiate.

Contract:
  - `applied_operator(e)` -> the operand of a leading operator in one product term (``\\nabla_X
    f``, ``\\frac{d}{dX}(f)``, ``\\frac{\\partial}{\\partial x} f g``), or None.
  - `operator_operand(e, known)` -> an `Operand` for a whole expression ``\\nabla_X a \\pm b
    \\pm ...``: one term, its operand; later terms, the operand takes them only when they use
    the index of the sum the operand is (``\\nabla_\\Sigma \\sum_{i=1}^n -\\frac12 \\ln\\det
    \\Sigma - (x_i-\\mu)^T\\Sigma^{-1}(x_i-\\mu)``: outside the operator x_i has no index, so
    the later term is inside it; lowering then reads the sum as going on, `terms.py`) and
    the index is no name in `known`; otherwise ``\\nabla_X(a) + b`` and ``\\nabla_X(a + b)``
    are two readings with different functions: `Operand.ambiguous` says so. None when `e`
    does not start with an operator.
  - `statement_operand(st, known)` -> the `Operand` a statement writes: a bare expression, a
    claim's left side, or the non-zero side of a stationarity condition ``0 = \\nabla F``
    (``\\nabla F = 0``); None otherwise. `Operand.stationary` tells the last kind.
  - `operand_of_claims(lw, known)` -> the objective (a `Bare`) a document that defines
    nothing writes only under an operator in its claims and relations, noted; refused
    naming both when two differ or an operator's scope has two readings (no objective
    named). `taken_note(operand)` is what such a note adds; `operator_variable(op)` the X
    an operator names (``\\nabla_X``), recorded (`lw._operator_vars`) for the objective it
    gives, `lw.operator_wrt` once chosen: the variable `gradient` differentiates by when no wrt is given.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import names
from ..notes import excerpt
from ..read import syntax as S
from .base import walk_syntax
from .candidates import written
from .classify import is_derivative, is_gradient


@dataclass(frozen=True)
class Operand:
    """The function `expr` an operator `op` is applied to (None when `ambiguous` says why
    the operator's scope has two readings); `stationary` for ``0 = \\nabla F``."""
    op: S.Expr
    expr: S.Expr | None
    ambiguous: str | None = None
    stationary: bool = False
    extended: bool = False      # the terms after the operand's sum were taken into it


def is_operator(e) -> bool:
    """``\\nabla_X``, ``\\frac{d}{dX}``, ``\\frac{\\partial}{\\partial a_{ij}}``: an operator
    with nothing of its own to differentiate (its numerator is d or \\partial alone)."""
    if is_gradient(e):
        return True
    return is_derivative(e) and isinstance(e.num, S.Sym) and e.num.name in ("d", "partial")


def _head_operator(e):
    """(the operator, its operand) of one product term that starts with an operator."""
    if isinstance(e, S.Apply) and is_operator(e.func) and len(e.args) == 1:
        return e.func, e.args[0]
    if not (isinstance(e, S.BinOp) and e.op == S.MUL):
        return None
    spine = []
    node = e
    while isinstance(node, S.BinOp) and node.op == S.MUL:
        spine.append(node)
        node = node.left
    if not is_operator(node):
        return None
    rest = spine[-1].right                  # the factor right after the operator
    for outer in reversed(spine[:-1]):
        rest = S.BinOp(S.MUL, rest, outer.right, span=rest.span.cover(outer.right.span),
                       sign=outer.sign)
    return node, rest


def operator_and_operand(e):
    """(the derivative operator a product term starts with, the expression it is applied
    to) -- ``\\frac{\\partial}{\\partial X} a^T X b``: (the fraction, a^T X b) -- or None."""
    return _head_operator(e)


def operator_variable(op):
    """The X an operator names: ``\\nabla_X`` -> X, ``\\frac{d}{dX}`` / ``\\frac{\\partial}
    {\\partial X}`` -> X; None for ``\\nabla`` alone or anything else."""
    if isinstance(op, S.Sub) and is_gradient(op) and len(op.subs) == 1:
        return op.subs[0]
    den = op.den if isinstance(op, S.Frac) else None
    if isinstance(den, S.BinOp) and den.op == S.MUL and isinstance(den.left, S.Sym) and \
            den.left.name in ("d", "partial"):
        return den.right
    return None


def applied_operator(e):
    """The expression a leading derivative operator is applied to (``\\nabla_X f``,
    ``\\frac{d}{dX} \\operatorname{Tr}(..)``, ``\\frac{\\partial}{\\partial x}(..)``), or None."""
    got = _head_operator(e)
    return got[1] if got is not None else None


def _terms(e):
    """``a + b - c`` -> [("+", a), ("+", b), ("-", c)] (the chain of + and -)."""
    terms, node = [], e
    while isinstance(node, S.BinOp) and node.op in (S.ADD, S.SUB):
        terms.append((node.op, node.right))
        node = node.left
    terms.append(("+", node))
    return terms[::-1]


def _subscript_letters(e) -> set:
    """The index names a term uses in its subscripts (``x_i``, ``A_{ij}``)."""
    used = set()
    for n in walk_syntax(e):
        if not isinstance(n, S.Sub):
            continue
        for s in n.subs:
            stack = [s]
            while stack:
                x = stack.pop()
                if isinstance(x, S.Sym):
                    used.add(names.keyword_of(x))
                elif isinstance(x, S.BinOp) and x.op == S.MUL and not x.sign:
                    stack.extend((x.left, x.right))
    return used


def _text(op) -> str:
    if isinstance(op, S.Sub) and is_gradient(op):
        return "\\nabla_{" + names.latex_of(op.subs[0]) + "}" if len(op.subs) == 1 \
            else "\\nabla"
    if is_gradient(op):
        return "\\nabla"
    if isinstance(op, S.Frac):
        return "the derivative operator"
    return "the operator"


def operator_operand(e, known=frozenset()):
    """The `Operand` of an expression that starts with a derivative operator (see the
    module docstring), or None."""
    terms = _terms(e)
    got = _head_operator(terms[0][1])
    if got is None:
        return None
    op, first = got
    if len(terms) == 1:
        return Operand(op, first)
    later = [t for _, t in terms[1:]]
    if isinstance(first, S.BigOp) and first.kind == "sum":
        bound = {names.keyword_of(i) for i in first.indices} - {None}
        free = bound - set(known)
        if free and all(free & _subscript_letters(t) for t in later):
            expr = first
            for sign, t in terms[1:]:
                expr = S.BinOp(sign, expr, t, span=expr.span.cover(t.span))
            return Operand(op, expr, extended=True)
    o = _text(op)
    return Operand(op, None, ambiguous=(
        f"the scope of {o} has two readings: {o} is applied to the first term only "
        f"({o}(a) + b), or to all the terms after it ({o}(a + b)) -- different functions: "
        f"write the parentheses"))


def _is_zero(e) -> bool:
    return isinstance(e, S.Num) and e.value in ("0", "0.0")


def statement_operand(st, known=frozenset()):
    """The `Operand` a statement writes (see the module docstring), or None."""
    if isinstance(st, S.Bare):
        return operator_operand(st.value, known)
    if not isinstance(st, S.Def) or st.target is None:
        return None
    if _is_zero(st.target):                        # 0 = \nabla_\Sigma ...
        side = (st.middle + (st.value,))[0]
        got = operator_operand(side, known)
        return Operand(got.op, got.expr, got.ambiguous, True, got.extended) \
            if got is not None else None
    lhs = st.target if st.params is None else \
        S.Apply(st.target, st.params, span=st.target.span)   # \nabla_x (F) = 0: split off
    got = operator_operand(lhs, known)             # \frac{\partial}{\partial a} (..) = ...
    if got is not None and _is_zero(st.value) and not st.middle:
        return Operand(got.op, got.expr, got.ambiguous, True, got.extended)
    return got


def operand_of_claims(lw, known):
    """The function written only under a derivative operator by a claim or relation
    (``\\frac{\\partial}{\\partial a_{ij}}(x^TAx) = ...``, ``0 = \\nabla_\\Sigma ...``), as
    a `Bare`, noted; None when none writes one. With no objective named, two different
    ones, or an operator whose scope has two readings, are refused naming both."""
    found, named = [], getattr(lw, "objective_text", None)
    for st in lw.not_defs:
        got = statement_operand(st, known)
        if got is None:
            continue
        if got.expr is None:
            if named is None:
                raise lw.perr(got.ambiguous, st)
            continue
        if all(got.expr != other.expr for _st, other in found):
            found.append((st, got))
    if not found:
        return None
    if named:
        want = "".join(named.split())
        for _st, got in found:
            if written(lw.src, got.expr.span) == want:
                return S.Bare(got.expr, span=got.expr.span)
    if len(found) > 1 and named is None:
        (a, ga), (b, gb) = found[0], found[1]
        fa, fb = excerpt(lw.src, ga.expr.span), excerpt(lw.src, gb.expr.span)
        raise lw.perr(f"two candidates for the objective, and the document defines none: "
                      f"the function under the derivative operator at line "
                      f"{a.span.line}, {fa}, and the one here, {fb}: name the objective "
                      f"(as written, e.g. --objective '{fa}')", gb.expr)
    st, got = found[0]
    lw.note(st, "the expression under the derivative operator is read as the objective"
            + taken_note(got), "inferred")
    bare = S.Bare(got.expr, span=got.expr.span)
    lw._operator_vars[id(bare)] = operator_variable(got.op)
    return bare


def taken_note(got) -> str:
    """What a note on an operator's operand adds: a stationarity condition, later terms."""
    out = ""
    if got.stationary:
        out += " (a stationarity condition: the gradient of that function set to 0)"
    if got.extended:
        out += ("; the terms after its sum use the sum's index, which nothing else binds, "
                "so they are under the operator too")
    return out
