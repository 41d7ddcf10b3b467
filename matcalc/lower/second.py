"""What a claimed second derivative writes: its function and its two variables (syntax only).

Contract: pure functions of the syntax tree (hessian_claims.py judges what they find;
`candidates.claimed_function` takes a Hessian's function written out as the objective of a
page that defines nothing). `second_sides(e)` reads ``\\nabla^2 f``, ``\\nabla^2_x f``,
``\\frac{\\partial^2 f}{\\partial x \\partial y^T}``, ``\\frac{\\partial^2 f}{\\partial x^2}``
and the operator forms ``\\frac{\\partial^2}{\\partial x^2} f`` as a `SecondSides`;
`hessian_form(stmt)` finds one in a statement with the right sides claimed for it.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..read import syntax as S
from .classify import D_WORDS, is_second_derivative, namelike


@dataclass(frozen=True)
class SecondSides:
    """A second derivative as written: its function (syntax, None when not written) and its
    two variables (syntax, None when not written; a ``\\partial x^2`` is x twice)."""
    num: object
    first: object
    second: object


def _squared(x) -> bool:
    return isinstance(x, S.Pow) and isinstance(x.exp, S.Num) and x.exp.value == "2"


def _factors(e) -> list:
    if isinstance(e, S.BinOp) and e.op == S.MUL:
        return _factors(e.left) + _factors(e.right)
    return [e]


def _is_d(x) -> bool:
    return isinstance(x, S.Sym) and x.name in D_WORDS and x.accent is None


def denominator(den):
    """(first, second) variables of ``\\partial x \\partial y^T`` or ``\\partial x^2``, or
    None."""
    fs = _factors(den)
    if len(fs) == 2 and _is_d(fs[0]) and _squared(fs[1]):
        return fs[1].base, fs[1].base
    if len(fs) == 4 and _is_d(fs[0]) and _is_d(fs[2]):
        return fs[1], fs[3]
    return None


def second_sides(e):
    """The `SecondSides` of an expression that is one second derivative, or None (not one,
    or its denominator unreadable: `denominator` is None)."""
    if isinstance(e, S.BinOp) and e.op == S.MUL and _squared(e.left):
        head = e.left.base
        if isinstance(head, S.Sym) and head.name == "nabla":
            return SecondSides(e.right, None, None)
        if isinstance(head, S.Sub) and isinstance(head.base, S.Sym) and \
                head.base.name == "nabla" and len(head.subs) == 1:
            return SecondSides(e.right, head.subs[0], head.subs[0])
    frac, operand = e, None
    if isinstance(e, S.BinOp) and e.op == S.MUL and isinstance(e.left, S.Frac):
        frac, operand = e.left, e.right
    elif isinstance(e, S.Apply) and isinstance(e.func, S.Frac) and len(e.args) == 1:
        frac, operand = e.func, e.args[0]
    if not isinstance(frac, S.Frac) or not is_second_derivative(frac):
        return None
    dens = denominator(frac.den)
    if dens is None:
        return None
    if operand is None:     # \partial^2 f, \partial^2 (x^T A x); not \partial^2 x^T A x
        n = frac.num
        num = n.right if isinstance(n, S.BinOp) and n.op == S.MUL and _squared(n.left) \
            else None
    else:
        num = operand if _squared(frac.num) else None
    return SecondSides(num, *dens)


def hessian_form(stmt):
    """(the syntax of the second derivative, the right-hand sides claimed for it) of a
    statement with a second derivative on its left side, or as a name's middle or value
    (``H = \\nabla^2 f(x) = A + A^T``); None for a statement with none."""
    t = getattr(stmt, "target", None)
    if t is None:
        return None
    sides = tuple(stmt.middle) + (stmt.value,)
    if is_second_derivative(t):
        return t, sides
    if namelike(t):
        for k, e in enumerate(sides):
            if is_second_derivative(e):
                return e, sides[k + 1:]
    return None
