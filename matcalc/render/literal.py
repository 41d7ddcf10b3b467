"""A small array with concrete dimensions that is a sum of scalars placed at single entries
(as a matrix literal ``\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}`` is lowered: each
entry times the 0/1 masks of its row and column), printed back as the literal.

Contract: `literal_entries(node)` returns {place (1-based tuple): scalar IR node} when
`node` is an `Add` of rank 1 or 2, of at most `MAX_SIDE` entries a side, each of whose terms
is a product of a scalar and one single-entry `Mask` per axis; otherwise None. The printer
writes such a node as a ``pmatrix`` (absent entries 0), which the reader reads back.
"""
from __future__ import annotations

import sympy as sp

from ..ir import Add, Const, Contract, Mask, Ref, Var, add, contract, transform

MAX_SIDE = 8


def _unit(op, labels, out):
    """The axis position (in out) of a single-entry 1-D mask over one output label."""
    if isinstance(op, Mask) and op.rank == 1 and len(labels) == 1 and labels[0] in out \
            and op.lo == op.hi and isinstance(op.lo, sp.Integer):
        return out.index(labels[0])
    return None


def _entries(node) -> dict | None:
    """{place: [(scalar node, coefficient)]} of node, or None when it is not of that form.
    A sum merges its terms'; a product is either one entry (a scalar times one unit mask
    per axis) or a scalar times a permuted literal (the transpose of one)."""
    if isinstance(node, Add):
        out: dict = {}
        for t, c in zip(node.terms, node.coeffs):
            sub = _entries(t)
            if sub is None:
                return None
            for p, vs in sub.items():
                out.setdefault(p, []).extend((v, c * k) for v, k in vs)
        return out
    if not isinstance(node, Contract):
        return None
    place, rest_ops, rest_idx = [None] * node.rank, [], []
    for op, labels in zip(node.ops, node.idx):
        k = _unit(op, labels, node.out)
        if k is not None and place[k] is None:
            place[k] = int(op.lo)
        else:
            rest_ops.append(op)
            rest_idx.append(labels)
    if None not in place:
        if any(l in node.out for ls in rest_idx for l in ls):
            return None
        value = contract(rest_ops, rest_idx, ()) if rest_ops else Const(sp.Integer(1), ())
        return {tuple(place): [(value, 1)]}
    arrays = [(op, ls) for op, ls in zip(node.ops, node.idx) if ls]
    if len(arrays) != 1 or not isinstance(arrays[0][0], Add) or \
            sorted(arrays[0][1]) != sorted(node.out) or len(set(arrays[0][1])) != node.rank:
        return None
    op, labels = arrays[0]
    sub = _entries(op)
    if sub is None:
        return None
    scalars = [o for o, ls in zip(node.ops, node.idx) if not ls]
    perm = [labels.index(l) for l in node.out]      # out axis k is op's axis perm[k]
    out = {}
    for p, vs in sub.items():
        q = tuple(p[perm[k]] for k in range(node.rank))
        out[q] = [(contract(scalars + [v], [()] * (len(scalars) + 1), ()), c) for v, c in vs]
    return out


def literal_entries(node):
    """(entries, rest): the entries of the terms of the sum `node` that place scalars at
    single entries (at least two places), and the other terms as one node (None if there
    are none); None when `node` has no such literal part."""
    if not isinstance(node, Add) or node.rank not in (1, 2):
        return None
    if not all(isinstance(d, sp.Integer) and 1 <= d <= MAX_SIDE for d in node.shape):
        return None
    entries, rest = {}, []
    for t, c in zip(node.terms, node.coeffs):
        sub = _entries(t)
        if sub is None:
            rest.append((t, c))
            continue
        for p, vs in sub.items():
            entries.setdefault(p, []).extend((v, c * k) for v, k in vs)
    if len(entries) < 2:
        return None
    lit = {p: add([v for v, _ in vs], [c for _, c in vs]) for p, vs in entries.items()}
    return lit, (add([t for t, _ in rest], [c for _, c in rest]) if rest else None)


def render_literal(r, node, found):
    """(string, precedence) of the literal in r's style, a pmatrix or [a, b; c, d], after
    the other terms of the sum if there are any."""
    entries, rest = found
    lit, prec = _render_grid(r, node, entries)
    if rest is None:
        return lit, prec
    s, _ = r.part(rest)
    return f"{s} + {lit}", r.ADD


def _render_grid(r, node, entries):
    shape = [int(d) for d in node.shape]
    rows, cols = (shape[0], 1) if len(shape) == 1 else tuple(shape)
    zero = Const(sp.Integer(0), ())

    def at(i, j):
        place = (i,) if len(shape) == 1 else (i, j)
        return r.expr(transform(entries.get(place, zero), fn=lambda n: _entry_name(r, n)))
    grid = [[at(i, j) for j in range(1, cols + 1)] for i in range(1, rows + 1)]
    if r.is_latex:
        body = r" \\ ".join(" & ".join(row) for row in grid)
        return rf"\begin{{pmatrix}} {body} \end{{pmatrix}}", r.ATOM
    return "[" + "; ".join(", ".join(row) for row in grid) + "]", r.ATOM


def _entry_name(r, node):
    """Entries of named vectors, ``x^T 1_{[k,k]}`` inside a product, as the documents write
    them: ``x_{k}`` (leaves named so for printing only)."""
    if not isinstance(node, Contract):
        return node
    ops, idx = list(node.ops), list(node.idx)
    count: dict = {}
    for ls in idx:
        for l in ls:
            count[l] = count.get(l, 0) + 1
    changed = False
    for k, (op, ls) in enumerate(zip(ops, idx)):
        if not isinstance(op, (Var, Ref)) or op.rank != 1 or ls[0] in node.out \
                or count[ls[0]] != 2:
            continue
        m = next((j for j, (o, lj) in enumerate(zip(ops, idx))
                  if j != k and o is not None and lj == ls and _unit(o, lj, lj) == 0), None)
        if m is None:
            continue
        name, sub = r.name(op.name), str(int(ops[m].lo))
        ops[k] = Var(f"{name}_{{{sub}}}" if r.is_latex else f"{name}_{sub}", ())
        idx[k], ops[m] = (), None
        changed = True
    if not changed:
        return node
    keep = [(o, ls) for o, ls in zip(ops, idx) if o is not None]
    return contract([o for o, _ in keep], [ls for _, ls in keep], node.out)
