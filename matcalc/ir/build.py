"""Canonicalising builders: the only way the engine makes products, sums and powers.

Contract: `contract(ops, idx, out)` builds a canonical `Contract` (nested products inlined,
scalar constants multiplied, zero factors giving zeros, labels renumbered, operands in a
canonical order, so equal products are one node); `add` a canonical linear combination
(like terms collected); `pow_`, `mul`, `matmul`, `transpose`, `inner`, `scale`,
`broadcast` and `fmap` the rest.
"""
from __future__ import annotations

import itertools
from typing import Iterable, Sequence

import sympy as sp

from .nodes import Add, Const, Contract, Delta, Map, Node, Pow, Shape


ZERO, ONE = sp.Integer(0), sp.Integer(1)


def const(value, shape: Shape = ()) -> Node:
    if isinstance(value, int):  # the common case; nsimplify is slow
        return Const(sp.Integer(value), tuple(shape))
    return Const(sp.nsimplify(value) if not isinstance(value, sp.Basic) else value, tuple(shape))


def zeros(shape: Shape) -> Node:
    return Const(ZERO, tuple(shape))


def ones(shape: Shape) -> Node:
    return Const(ONE, tuple(shape))


def is_zero(node: Node) -> bool:
    return isinstance(node, Const) and node.value == 0


def is_const(node: Node, value=None) -> bool:
    return isinstance(node, Const) and (value is None or node.value == value)


def filled(node: Node):
    """The scalar c (a node) if `node` is an array with every entry c -- a constant array,
    a product of scalars and ones arrays with no summed axis (c 1_n 1_m^T), or a sum of
    such arrays -- else None (also for a scalar)."""
    if isinstance(node, Const) and node.shape:
        return Const(node.value, ())
    if isinstance(node, Add) and node.shape:
        parts = [filled(t) for t in node.terms]
        return None if any(p is None for p in parts) else add(parts, node.coeffs)
    if isinstance(node, Contract) and node.shape:
        out = set(node.out)
        if all(not op.shape or (is_const(op, 1) and set(labels) <= out)
               for op, labels in zip(node.ops, node.idx)):
            scalars = [op for op in node.ops if not op.shape]
            return contract(scalars, [() for _ in scalars], ())
    return None


def contract(ops: Sequence[Node], idx: Sequence[Sequence], out: Sequence) -> Node:
    """Build a canonical Contract: nested Contracts are inlined, scalar Const factors are
    multiplied together, a zero factor gives zeros, a lone operand with identity labels is
    returned as is, and labels are renumbered (output first, then by first appearance).
    Labels may be any hashable values."""
    flat_ops, flat_idx = [], []
    fresh = itertools.count()
    coeff = ONE
    pending = list(zip(ops, (tuple(l) for l in idx)))
    while pending:
        op, labels = pending.pop(0)
        if isinstance(op, Contract):
            # inline: op's output labels become `labels`, its summed labels fresh ones
            mapping = dict(zip(op.out, labels))
            inner = []
            for inner_op, inner_labels in zip(op.ops, op.idx):
                new = []
                for lab in inner_labels:
                    if lab not in mapping:
                        mapping[lab] = ("_inl", next(fresh))
                    new.append(mapping[lab])
                inner.append((inner_op, tuple(new)))
            pending[:0] = inner
            continue
        if isinstance(op, Const) and op.shape == ():
            coeff = coeff * op.value
            continue
        flat_ops.append(op)
        flat_idx.append(labels)
    out = tuple(out)
    dims = {}
    for op, labels in zip(flat_ops, flat_idx):
        for lab, d in zip(labels, op.shape):
            dims.setdefault(lab, d)
    if coeff == 0 or any(is_zero(op) for op in flat_ops):
        return zeros(tuple(dims[lab] for lab in out))
    # scalar-Const ones tensor factors of value c: pull value into coeff, keep the ones
    for k, op in enumerate(flat_ops):
        if isinstance(op, Const) and op.value != 1:
            coeff = coeff * op.value
            flat_ops[k] = ones(op.shape)
    if coeff != 1:
        flat_ops.insert(0, Const(coeff, ()))
        flat_idx.insert(0, ())
    if len(flat_ops) == 1 and flat_idx[0] == out:
        return flat_ops[0]
    if not flat_ops:
        return Const(coeff, ())
    # canonical operand order (a scalar coefficient first), so equal products are one node
    pairs = sorted(zip(flat_ops, flat_idx),
                   key=lambda p: (0 if isinstance(p[0], Const) and p[0].shape == () else 1,
                                  p[0].rank, p[0].skey))
    flat_ops, flat_idx = [p[0] for p in pairs], [p[1] for p in pairs]
    flat_ops, flat_idx = _canonical_ties(flat_ops, flat_idx, out)
    # renumber: output labels first
    number = {}
    for lab in out:
        number.setdefault(lab, len(number))
    for labels in flat_idx:
        for lab in labels:
            number.setdefault(lab, len(number))
    return Contract(tuple(flat_ops), tuple(tuple(number[l] for l in ls) for ls in flat_idx),
                    tuple(number[l] for l in out))


def _renumbered(idx, out):
    number = {}
    for lab in out:
        number.setdefault(lab, len(number))
    for labels in idx:
        for lab in labels:
            number.setdefault(lab, len(number))
    return tuple(tuple(number[l] for l in ls) for ls in idx)


def _canonical_ties(ops, idx, out):
    """Order runs of identical operands so that the renumbered labels are smallest: then
    X_ab X_bc and X_bc X_ab are the same node."""
    start = 0
    ops, idx = list(ops), list(idx)
    while start < len(ops):
        end = start
        while end + 1 < len(ops) and ops[end + 1] is ops[start]:
            end += 1
        if end > start and end - start < 5:
            best = None
            for perm in itertools.permutations(range(start, end + 1)):
                trial = idx[:start] + [idx[k] for k in perm] + idx[end + 1:]
                key = _renumbered(trial, out)
                if best is None or key < best[0]:
                    best = (key, trial)
            idx = best[1]
        start = end + 1
    return ops, idx


def letters(n: int) -> tuple:
    return tuple(range(n))


def scale(c, node: Node) -> Node:
    """c * node for a SymPy number c."""
    c = sp.sympify(c)
    if c == 1:
        return node
    if c == 0:
        return zeros(node.shape)
    if isinstance(node, Const):
        return Const(c * node.value, node.shape)
    return add([node], [c])


def mul(*factors: Node) -> Node:
    """Elementwise (Hadamard) product of same-shaped nodes, scalars broadcast."""
    shape = max((f.shape for f in factors), key=len)
    labs = letters(len(shape))
    return contract(factors, [labs if f.shape else () for f in factors], labs)


def add(terms: Iterable[Node], coeffs: Iterable | None = None) -> Node:
    """A canonical linear combination: nested Adds flattened, zeros dropped, like terms
    (the same node) collected, scalar constants folded."""
    terms = list(terms)
    coeffs = [sp.sympify(c) for c in coeffs] if coeffs is not None else [ONE] * len(terms)
    acc: dict = {}
    order = []
    shape = terms[0].shape if terms else ()
    cval = ZERO

    def put(t, c):
        nonlocal cval
        if c == 0 or is_zero(t):
            return
        if isinstance(t, Add):
            for tt, cc in zip(t.terms, t.coeffs):
                put(tt, c * cc)
            return
        if isinstance(t, Contract) and t.ops and isinstance(t.ops[0], Const) and t.ops[0].shape == ():
            # pull a numeric coefficient out of a product
            rest = contract(t.ops[1:], t.idx[1:], t.out)
            put(rest, c * t.ops[0].value)
            return
        if isinstance(t, Const) and t.shape == ():
            cval += c * t.value
            return
        if t not in acc:
            acc[t] = ZERO
            order.append(t)
        acc[t] += c

    for t, c in zip(terms, coeffs):
        put(t, c)
    items = [(t, acc[t]) for t in order if acc[t] != 0]
    if cval != 0:
        items.insert(0, (Const(ONE, ()), cval)) if shape == () else items.insert(0, (ones(shape), cval))
    if not items:
        return zeros(shape)
    if len(items) == 1:
        t, c = items[0]
        if c == 1:
            return t
        if isinstance(t, Const):
            return Const(c * t.value, t.shape)
        labs = letters(t.rank)
        return contract([Const(c, ()), t], [(), labs], labs)  # a scaled term is a product
    # canonical term order (constants first), so equal sums are one node
    items.sort(key=lambda tc: (0 if isinstance(tc[0], Const) else 1, tc[0].skey))
    return Add(tuple(t for t, _ in items), tuple(c for _, c in items))


def matmul(a: Node, b: Node) -> Node:
    """Matrix product for ranks (2,2), (2,1), (1,2) [outer when (1,1) is not meant: use
    `inner`/`outer`], scalars scale."""
    if a.rank == 0 or b.rank == 0:
        return mul(a, b)
    la = ("a", "k") if a.rank == 2 else ("k",)
    lb = ("k", "b") if b.rank == 2 else ("k",)
    out = tuple(l for l in la[:-1]) + tuple(l for l in lb[1:])
    return contract([a, b], [la, lb], out)


def transpose(a: Node) -> Node:
    """The transpose of a matrix (a vector or scalar is returned as is); a constant
    matrix's transpose is the constant matrix of the swapped shape, the identity's the
    identity (so (1 1ᵀ - S)ᵀ prints 1 - Sᵀ, not 1_m 1_nᵀ - Sᵀ)."""
    if a.rank < 2 or isinstance(a, Delta):
        return a
    if isinstance(a, Const) and a.rank == 2:
        return Const(a.value, a.shape[::-1])
    return contract([a], [(0, 1)], (1, 0))


def inner(a: Node, b: Node) -> Node:
    """Full contraction a : b of two same-shaped tensors."""
    labs = letters(a.rank)
    return contract([a, b], [labs, labs], ())


def pow_(base: Node, exponent) -> Node:
    e = exponent if isinstance(exponent, Node) else const(exponent)
    if is_const(e, 1):
        return base
    if is_const(e, 0):
        return ones(base.shape)
    if isinstance(base, Const) and isinstance(e, Const):
        return Const(sp.Pow(base.value, e.value), base.shape)
    if isinstance(base, Pow) and isinstance(e, Const) and e.value.is_integer:
        # (b^a)^k = b^(a k) for an integer k
        inner = base.exp
        new = Const(inner.value * e.value, inner.shape) if isinstance(inner, Const) else \
            mul(Const(e.value, ()), inner)
        return pow_(base.base, new)
    return Pow(base, e)


def fmap(fn: str, arg: Node) -> Node:
    return Map(fn, arg)


def broadcast(node: Node, labels: tuple, shape_by_label: dict, out: tuple) -> Node:
    """Broadcast `node` (axes labelled `labels`) to the axes `out` (each label's size in
    shape_by_label), multiplying by a ones tensor over the missing labels."""
    missing = tuple(l for l in out if l not in labels)
    if not missing and tuple(labels) == tuple(out):
        return node
    ops, idx = [node], [tuple(labels)]
    if missing:
        ops.append(ones(tuple(shape_by_label[l] for l in missing)))
        idx.append(missing)
    return contract(ops, idx, out)
