"""Lowered values: what every lowered subexpression is, before it becomes plain IR.

Contract: a `Val` is an IR node whose axes each carry a label. Labels that are strings are
index names (``i``, ``k_2``) from index notation; the labels in `mat` (ordered: rows,
columns) are the axes seen in matrix notation, made by `mlabel()`. A `Cell` is an index in
scope. The lowering stages and the ops' own lowering rules (`ops`) share these types.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from .ir import Const

_fresh = itertools.count()

def mlabel():
    return ("_m", next(_fresh))


def fmt_shape(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")" if shape else "scalar"


@dataclass
class Cell:
    """An index in scope: its dimension once known; `hint` is the upper bound of its sum
    (used as its range when only another sum's bounds use the index); `where` says, for a
    refusal, what binds it when that is not its own sum (a bracket ``[...]_i``), or why its
    range waits on another index's. `origin` is the number of the first entry of the axes
    it indexes (0 or 1, once it indexes an input: `lower.numbering`), `array` the first
    of them (for messages); `valued` marks an index already used as a number."""
    dim: object = None
    hint: object = None
    where: str = ""
    origin: object = None
    array: str = ""
    valued: bool = False


@dataclass(frozen=True)
class Val:
    """A lowered value: `node`'s axes carry `labels`; `mat` lists the matrix-notation labels
    in order (0, 1 or 2 of them); `row` marks a rank-1 matrix part that is a row vector.
    `lazy` is "ones" or "eye" for a \\mathbf{1} or I whose size comes from the context
    (then `node` is None)."""
    node: object
    labels: tuple
    mat: tuple
    row: bool = False
    lazy: str | None = None

    @property
    def index_labels(self):
        return tuple(l for l in self.labels if l not in self.mat)

    def dims(self) -> dict:
        return dict(zip(self.labels, self.node.shape)) if self.node is not None else {}

    def mat_dims(self) -> tuple:
        d = self.dims()
        return tuple(d[l] for l in self.mat)

    @property
    def kind(self) -> str:
        return {0: "s", 1: "r" if self.row else "c", 2: "m"}[len(self.mat)]


def describe(v: Val) -> str:
    if v.node is None:
        return "a vector of ones" if v.lazy == "ones" else "an identity matrix"
    m = v.mat_dims()
    text = {"s": "a scalar", "c": f"a column vector of length {m[0] if m else ''}",
            "r": f"a row vector of length {m[0] if m else ''}",
            "m": f"a {m[0]}×{m[1]} matrix" if len(m) == 2 else "a matrix"}[v.kind]
    if v.index_labels:
        text += " (indexed by " + ", ".join(str(i) for i in v.index_labels) + ")"
    return text


def scalar(value) -> Val:
    return Val(Const(sp.sympify(value), ()), (), ())
