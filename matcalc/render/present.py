"""Arranging a value for reading before it is printed (no change of value).

Contract: `present(root, memo=None)` returns an equal-valued node in which a negated
difference is written the other way round, -(y - s) x as (s - y) x, and a number that a
sum's coefficients share and the product's number cancel is not written:
2(½A - ½B)X as (A - B)X.
"""
from __future__ import annotations

import functools

import sympy as sp

from .. import ir
from ..ir import Add, Const, Contract
from .style import _neg


def _mixed(node) -> bool:
    """A difference a - b of two non-constant terms (1 - s is left as it is)."""
    return isinstance(node, Add) and len(node.terms) == 2 and \
        _neg(node.coeffs[0]) != _neg(node.coeffs[1]) and \
        not any(isinstance(t, Const) for t in node.terms)


def _flip_product(node, keep_value=True):
    """-c · (a - b) · rest  ->  c · (b - a) · rest (keep_value), or the product with the
    difference reversed and so negated (keep_value=False); None if there is none."""
    if not isinstance(node, Contract):
        return None
    for k, op in enumerate(node.ops):
        if _mixed(op):
            ops_ = list(node.ops)
            ops_[k] = ir.add(op.terms, [-c for c in op.coeffs])
            if not keep_value:
                return ir.contract(ops_, list(node.idx), node.out)
            return ir.contract([Const(sp.Integer(-1), ())] + ops_, [()] + list(node.idx), node.out)
    return None


def _cancelled(node):
    """c (k a + k b) · rest -> (a + b) · rest where c k = 1 (2(½K⁻¹ - ½K⁻¹yyᵀK⁻¹)X as
    (K⁻¹ - K⁻¹yyᵀK⁻¹)X); None if no sum's numbers cancel the product's."""
    if not (isinstance(node, Contract) and isinstance(node.ops[0], Const)
            and node.ops[0].shape == ()):
        return None
    c = node.ops[0].value
    for k, op in enumerate(node.ops):
        if not isinstance(op, Add) or not all(sp.sympify(x).is_Rational for x in op.coeffs):
            continue
        g = functools.reduce(sp.gcd, op.coeffs)
        if g * c != 1:
            continue
        ops_ = list(node.ops[1:])
        ops_[k - 1] = ir.add(op.terms, [x / g for x in op.coeffs])
        return ir.contract(ops_, list(node.idx[1:]), node.out)
    return None


def present(root, memo=None):
    """The same value arranged for reading: a negated difference is written the other
    way round, -(y - s) x as (s - y) x and -2 Xᵀ(y - Xw) as + 2 Xᵀ(Xw - y), and a number
a sum's coefficients share cancels the product's (`_cancelled`). `memo`
    (uid -> result) may be shared between calls, so a subtree is arranged once."""
    def at(cur):
        cur = _cancelled(cur) or cur
        if isinstance(cur, Contract) and cur.ops and isinstance(cur.ops[0], Const) \
                and cur.ops[0].shape == () and _neg(cur.ops[0].value):
            flipped = _flip_product(cur)
            return flipped if flipped is not None else cur
        if isinstance(cur, Contract):
            # -(ν + 1)/2 · (q - p): the scalar sum's sign moves into the difference
            k = next((k for k, op in enumerate(cur.ops) if isinstance(op, Add) and op.shape == ()
                      and all(_neg(c) for c in op.coeffs)), None)
            if k is not None:
                flipped = _flip_product(cur, keep_value=False)
                if flipped is not None:
                    ops_ = list(flipped.ops)
                    j = next(j for j, op in enumerate(ops_) if op == cur.ops[k])
                    ops_[j] = ir.add(cur.ops[k].terms, [-c for c in cur.ops[k].coeffs])
                    return ir.contract(ops_, list(flipped.idx), flipped.out)
        if isinstance(cur, Add):
            terms, coeffs = list(cur.terms), list(cur.coeffs)
            for k, (t, c) in enumerate(zip(terms, coeffs)):
                if _neg(c):
                    flipped = _flip_product(t, keep_value=False)
                    if flipped is not None:
                        terms[k], coeffs[k] = flipped, -c
            if terms != list(cur.terms):
                return Add(tuple(terms), tuple(coeffs))
        return cur
    return ir.transform(root, at, raw=True, memo=memo)
