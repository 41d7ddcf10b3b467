"""Linear-algebra ops: inverse, determinant, log-determinant. One class block each.

Each block is an IR node class (see `ir.Node`) registered with `@node_op`; everything
matcalc knows about the op is in its body: the shape rule, the differential (`jvp`), the
identity a derivation cites, the printed forms (`render(node, r)` for LaTeX and text, with
`r` the printer), the code (`numpy(node, em)`, with `em` the emitter, in its namespace
``em.ns``: NumPy's names serve jax.numpy, torch and the array API for these ops; a method
named after a back end where one spells it otherwise) and the op's own rewrites.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..ir import Contract, Delta, IRError, Map, Node, const, contract, same_dim, transpose
from ..rules import Rule
from .core import defjvp
from .registry import node_op


def _square(arg, what):
    if arg.rank != 2 or not same_dim(*arg.shape):
        raise IRError(f"{what}: needs a square matrix")


# ------------------------------------------------------------------ inverse

def _inverse_inverse(node):
    if isinstance(node, Inv) and isinstance(node.arg, Inv):
        return node.arg.arg
    return None


def _inverse_cancel(node):
    """X X^{-1} = I and X^{-1} X = I inside a contraction (labels carry the transposes);
    a diagonal (X_jj, the diag of X) is not a matrix product and never cancels."""
    if not isinstance(node, Contract):
        return None
    for k, op in enumerate(node.ops):
        if not isinstance(op, Inv):
            continue
        r, s_ = node.idx[k]
        if r == s_:
            continue
        for j, x in enumerate(node.ops):
            if j == k or x is not op.arg:
                continue
            p, q = node.idx[j]
            if p == q:
                continue
            others = [l for m, l in enumerate(node.idx) if m not in (j, k)]
            for shared, a, b in ((q, p, s_) if q == r else (None, None, None),
                                 (p, r, q) if s_ == p else (None, None, None)):
                if shared is None or shared in node.out or any(shared in l for l in others):
                    continue
                ops_ = [o for m, o in enumerate(node.ops) if m not in (j, k)] + [Delta(op.shape[0])]
                return contract(ops_, others + [(a, b)], node.out)
    return None


@node_op
class Inv(Node):
    """Matrix inverse."""
    _fields = ("arg",)
    examples = (dict(doc=r"X \in \mathbb{R}^{n\times n}, a, b \in \mathbb{R}^n \\ f = a^T X^{-1} b",
                     wrt="X", f=lambda X, a, b: a @ np.linalg.solve(X, b)),)
    identity = r"d(X^{-1}) = -X^{-1}\,dX\,X^{-1}"
    rewrites = (
        Rule("inverse-inverse", r"(X^{-1})^{-1} = X", _inverse_inverse),
        Rule("inverse-cancel", r"X X^{-1} = X^{-1} X = I", _inverse_cancel),
    )

    @staticmethod
    def _shape(arg):
        _square(arg, "Inv")
        return arg.shape

    jvp = staticmethod(defjvp(lambda node, dx: contract(
        [const(-1), node, dx, node], [(), ("i", "k"), ("k", "l"), ("l", "j")], ("i", "j"))))

    @staticmethod
    def render(node, r):
        s, p = r.part(node.arg)
        if r.is_latex and p >= r.ATOM and "^" in s:
            return f"{{{s}}}{r.t['inv']}", r.POW
        return f"{r.wrap(s, p, r.ATOM)}{r.t['inv']}", r.POW

    @staticmethod
    def numpy(node, em):
        return f"{em.ns}.linalg.inv({em.value(node.arg)})"

    @staticmethod
    def sympy(node, conv, idx):
        return sp.Inverse(conv.matrix(node.arg))[idx[0], idx[1]]


# ------------------------------------------------------------------ determinants

@node_op
class Det(Node):
    """Determinant of a square matrix."""
    _fields = ("arg",)
    examples = (dict(doc=r"X \in \mathbb{R}^{n\times n} \\ f = \det X", wrt="X",
                     f=lambda X: np.linalg.det(X)),)
    identity = r"d\det X = \det X\; X^{-T} : dX"

    @staticmethod
    def _shape(arg):
        _square(arg, "Det")
        return ()

    jvp = staticmethod(defjvp(lambda node, dx: contract(
        [node, transpose(Inv(node.arg)), dx], [(), (0, 1), (0, 1)], ())))

    @staticmethod
    def render(node, r):
        return r.apply(r"\det", "det", node.arg)

    @staticmethod
    def numpy(node, em):
        return f"{em.ns}.linalg.det({em.value(node.arg)})"

    @staticmethod
    def sympy(node, conv, idx):
        return sp.Determinant(conv.matrix(node.arg))


def _log_of_det(node):
    if isinstance(node, Map) and node.fn == "log" and isinstance(node.arg, Det):
        return LogDet(node.arg.arg)
    return None


@node_op
class LogDet(Node):
    """log det of a square matrix (with positive determinant)."""
    _fields = ("arg",)
    examples = (dict(doc=r"X \in \mathbb{R}^{n\times n} \\ f = \log\det(X^T X)", wrt="X",
                     f=lambda X: np.linalg.slogdet(X.T @ X)[1]),)
    identity = r"d\log\det X = X^{-T} : dX"
    rewrites = (Rule("log-det", r"\log(\det X) = \log\det X", _log_of_det),)

    @staticmethod
    def _shape(arg):
        _square(arg, "LogDet")
        return ()

    jvp = staticmethod(defjvp(lambda node, dx: contract(
        [transpose(Inv(node.arg)), dx], [(0, 1), (0, 1)], ())))

    @staticmethod
    def render(node, r):
        return r.apply(r"\log\det", "logdet", node.arg)

    @staticmethod
    def numpy(node, em):
        return f"{em.ns}.linalg.slogdet({em.value(node.arg)})[1]"

    @staticmethod
    def sympy(node, conv, idx):
        return sp.log(sp.Determinant(conv.matrix(node.arg)))
