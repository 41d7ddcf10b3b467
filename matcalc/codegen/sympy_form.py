"""SymPy interop: a result's closed form as a SymPy expression.

Contract: `to_sympy(problem, node)` returns, for a scalar node, a SymPy expression; for a
node of order 1 or 2, a `FunctionMatrix` (a SymPy matrix expression, n×1 for a vector) of
its entries; for higher orders a `Lambda` of 0-based integer indices. Inputs are
`MatrixSymbol`s (a vector is n×1, so ``x[i, 0]``; a scalar a `Symbol`; an array of order 3
or more an `IndexedBase`), dimensions their SymPy symbols, definitions inlined. A product
is a `Sum` over its summed labels, δ a `KroneckerDelta`, an elementwise function its SymPy
value, an inverse or determinant `Inverse`/`Determinant` of the argument as a matrix
expression (of a member of a family of matrices, S_m: of the `FunctionMatrix` of its
entries ``S[m, i, j]``, kept unevaluated, so the form stays small whatever the sizes).
Every node op says how in its block (`sympy(node, conv, idx)`, with `conv(child, idx)` a
child's entry and `conv.matrix(child)` a child as a matrix expression); an op without it,
or a user's function without a SymPy value, maps to an undefined function of its
argument's entries (``softsign(x[i, 0])``).
"""
from __future__ import annotations

import itertools

import sympy as sp

from .. import ir, ops
from ..ir import Add, Const, Contract, Delta, Map, Mask, Pow, Ref, Var
from ..names import python_name


class Converter:
    """Entries of IR nodes as SymPy expressions (see the module docstring)."""

    def __init__(self, problem):
        self.problem = problem
        self.fresh = itertools.count()
        self.memo = {}

    def index(self) -> sp.Symbol:
        return sp.Symbol(f"_k{next(self.fresh)}", integer=True, nonnegative=True)

    def leaf(self, node):
        name = python_name(node.name)
        if node.rank == 0:
            return sp.Symbol(name)
        if node.rank <= 2:
            rows, cols = (node.shape + (1,))[:2]
            return sp.MatrixSymbol(name, rows, cols)
        return sp.IndexedBase(name, shape=node.shape)

    def __call__(self, node, idx=()):
        key = (node.uid, tuple(idx))
        if key not in self.memo:
            self.memo[key] = self._entry(node, tuple(idx))
        return self.memo[key]

    def matrix(self, node):
        """`node` (order 2, or a vector as n×1) as a SymPy matrix expression."""
        if isinstance(node, Var):
            return self.leaf(node)
        rows, cols = (node.shape + (1,))[:2]
        i, j = self.index(), self.index()
        body = self(node, (i, j) if node.rank == 2 else (i,))
        return sp.FunctionMatrix(rows, cols, sp.Lambda((i, j), body))

    def _entry(self, node, idx):
        if isinstance(node, Var):
            leaf = self.leaf(node)
            if node.rank == 0:
                return leaf
            if node.rank <= 2:
                return leaf[idx[0], idx[1] if node.rank == 2 else 0]
            return leaf[idx]
        if isinstance(node, Ref):
            return self(self.problem.defs[node.name], idx)
        if isinstance(node, Const):
            return node.value
        if isinstance(node, Delta):
            return sp.KroneckerDelta(*idx)
        if isinstance(node, Mask):
            j = idx[-1] + 1
            lo, hi = node.lo, node.hi
            if node.rank == 2:
                lo, hi = lo.subs(ir.I0, idx[0] + 1), hi.subs(ir.I0, idx[0] + 1)
            return sp.Piecewise((1, sp.And(j >= lo, j <= hi)), (0, True))
        if isinstance(node, Contract):
            labels = dict(zip(node.out, idx))
            dims = node.label_dims()
            summed = []
            for ls in node.idx:
                for lab in ls:
                    if lab not in labels:
                        labels[lab] = self.index()
                        summed.append(lab)
            body = sp.Mul(*[self(op, tuple(labels[lab] for lab in ls))
                            for op, ls in zip(node.ops, node.idx)])
            for lab in summed:
                body = sp.Sum(body, (labels[lab], 0, dims[lab] - 1))
            return body
        if isinstance(node, Add):
            return sp.Add(*[c * self(t, idx) for t, c in zip(node.terms, node.coeffs)])
        if isinstance(node, Map):
            f = ops.FUNCTIONS[node.fn]
            fn = f.value if f.value is not None else sp.Function(node.fn)
            return fn(self(node.arg, idx))
        if isinstance(node, Pow):
            return self(node.base, idx) ** self(node.exp, ())
        own = getattr(ops.NODE_OPS.get(type(node)), "sympy", None)
        if own is not None:
            return own(node, self, idx)
        args = [self(c, idx) for c in ir.operands(node) if c.shape == node.shape]
        return sp.Function(type(node).__name__)(*args)


def to_sympy(problem, node):
    """The closed form of `node` (see the module docstring)."""
    conv = Converter(problem)
    if node.rank == 0:
        return conv(node, ())
    if node.rank <= 2:
        return conv.matrix(node) if not isinstance(node, Var) else conv.leaf(node)
    idx = tuple(sp.Symbol(c, integer=True, nonnegative=True) for c in "ijklmnpq"[:node.rank])
    return sp.Lambda(idx, conv(node, idx))
