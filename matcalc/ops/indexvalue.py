"""The value of an index: one block (see `ops/linalg.py` for what a block holds).

An index of a sum, a product or an entrywise definition that the text uses as a number
(``\\sum_{i=1}^{n} i x_i``, ``\\prod_{i=1}^{k} \\Gamma(\\frac{\\nu + 1 - i}{2})``) is the
vector of its values 1, 2, ..., n along the index's axis (`lower.naming.resolve_name`).
Entries are numbered from 1, as every index is (a sum from 0 is refused where it is
lowered), so entry j is the number j. It is a constant: no differential.
"""
from __future__ import annotations

import numpy as np

from ..ir import Node
from .registry import node_op


@node_op
class IndexValue(Node):
    """The vector (1, 2, ..., n): the values an index with n entries takes."""
    _fields = ("n",)
    examples = (
        dict(doc=r"x \in \mathbb{R}^n \\ f = \sum_{i=1}^{n} i x_i^2", wrt="x",
             f=lambda x: float(np.sum(np.arange(1, x.size + 1) * x ** 2))),
        dict(doc=r"x \in \mathbb{R}^n, \nu \in \mathbb{R} \\ "
                 r"f = \sum_{i=2}^{n} \log(\nu^2 + i) x_i", wrt=r"\nu",
             f=lambda x, nu: float(np.sum(np.log(nu ** 2 + np.arange(2, x.size + 1))
                                          * x[1:]))),
    )
    identity = r"d\,i = 0 \text{ (the value of an index is a constant)}"

    @staticmethod
    def _shape(n):
        return (n,)

    @staticmethod
    def jvp(node, d):
        return None

    @staticmethod
    def render(node, r):
        """(1, 2, ..., n) as the index-notation vector [i]_{i=1}^{n}... written with a
        letter the printer picks: ``\\left[i\\right]_{i}``."""
        (i,) = r.index_letters(1, dims=node.shape)
        if r.is_latex:
            return rf"\left[{i}\right]_{{{i}}}", r.ATOM
        return f"[{i}]_{i}", r.ATOM

    @staticmethod
    def render_entry(node, r, idx, used):
        return idx[0], r.ATOM

    @staticmethod
    def numpy(node, em):
        return em.backend.constant(f"np.arange(1.0, {em.dim_code(node.n)} + 1.0)")

    @staticmethod
    def sympy(node, conv, idx):
        return idx[0] + 1          # SymPy's indices count from 0
