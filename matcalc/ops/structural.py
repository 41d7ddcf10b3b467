"""Structural ops: stop-gradient and row-major reshape. One class block each (see
`ops/linalg.py` for what a block holds)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..ir import IRError, Node, same_dim
from .core import defjvp
from .registry import node_op


@node_op
class StopGrad(Node):
    """Evaluates to `arg`; no gradient flows through it."""
    _fields = ("arg",)
    # a stop-gradient's gradient is not the derivative of its value: the example gives it
    examples = (dict(doc=r"x, y \in \mathbb{R}^n \\ f = x^T \operatorname{sg}(x) + y^T x", wrt="x",
                     f=lambda x, y: x @ x + y @ x, grad=lambda x, y: x + y),)
    identity = r"d\,\operatorname{sg}(X) = 0"
    symmetric_from = ("arg",)      # sg(S) is S (symmetric.py)

    @staticmethod
    def _shape(arg):
        return arg.shape

    @staticmethod
    def jvp(node, d):
        return None

    @staticmethod
    def render(node, r):
        return r.apply(r"\operatorname{sg}", "sg", node.arg)

    @staticmethod
    def numpy(node, em):
        return em.value(node.arg)

    @staticmethod
    def sympy(node, conv, idx):
        return conv(node.arg, idx)


@node_op
class Reshape(Node):
    """Row-major reshape of `arg` to `shp` (same number of entries). Linear: its adjoint
    reshapes the cotangent back."""
    _fields = ("arg", "shp")
    examples = (dict(doc=r"a \in \mathbb{R}^{nm}, B \in \mathbb{R}^{n\times m} \\ "
                         r"f = \sum_{i=1}^{n}\sum_{j=1}^{m} B_{ij} a_{i,j}^2",
                     wrt="a", f=lambda a, B: np.sum(B.reshape(-1) * a ** 2)),)
    identity = r"d\operatorname{vec}(X) = \operatorname{vec}(dX)"
    adjoint_name = "reshape"
    adjoint_identity = r"G : \operatorname{reshape}(dX) = \operatorname{reshape}^{-1}(G) : dX"

    @staticmethod
    def _shape(arg, shp):
        if not same_dim(sp.Mul(*arg.shape), sp.Mul(*shp)):
            raise IRError(f"Reshape: {arg.shape} to {shp}")
        return tuple(shp)

    jvp = staticmethod(defjvp(lambda node, dx: Reshape(dx, node.shape)))

    @staticmethod
    def adjoint(lin, g):
        """G : reshape(dX) = reshape⁻¹(G) : dX"""
        return [(Reshape(g, lin.arg.shape), lin.arg)]

    @staticmethod
    def render(node, r):
        """Row-major, as NumPy's reshape. A matrix read row by row into a vector is
        ``vec(X^T)`` (vec stacks columns, the convention every text uses, and
        ``\\operatorname{vec}`` reads back so); any other reshape is written with its
        shape, ``reshape_{n \\times m}(a)`` (row-major: docs/notation.md) -- never a bare
        vec, which a reader would take column by column."""
        from ..ir import transpose
        if node.arg.rank == 2 and node.rank == 1:
            return r.apply(r"\operatorname{vec}", "vec", transpose(node.arg))
        times = r" \times " if r.is_latex else "×"
        dims = [r._num(d) for d in node.shape]
        shape = times.join(f"({d})" if " " in d else d for d in dims)   # n×(m n), not n×m n
        if r.is_latex:
            return r.apply(rf"\operatorname{{reshape}}_{{{shape}}}", "", node.arg)
        return r.apply("", f"reshape_{{{shape}}}", node.arg)

    @staticmethod
    def render_entry(node, r, idx, used):
        """A named vector read row-major by several indices is written as the documents
        write it, a_{i,j}; anything else as vec(...) subscripted."""
        from ..ir import Ref, Var
        if isinstance(node.arg, (Var, Ref)) and node.arg.rank == 1 and len(idx) > 1:
            sub = ",".join(idx)
            name = r.name(node.arg.name)
            return (f"{name}_{{{sub}}}" if r.is_latex else f"{name}_{sub}"), r.ATOM
        s, _ = r.part(node)
        sub = "".join(idx) if all(len(i) == 1 for i in idx) else ",".join(idx)
        return (f"{s}_{{{sub}}}" if r.is_latex else f"{s}_{sub}"), r.ATOM

    @staticmethod
    def numpy(node, em):
        shape = ", ".join(em.dim_code(d) for d in node.shape)
        return f"{em.ns}.reshape({em.value(node.arg)}, ({shape},))"

    @staticmethod
    def vmap(node, arg, lead):
        """The reshape of an argument with leading axes `lead` added (row-major: the
        leading axes stay in front)."""
        return Reshape(arg, tuple(lead) + tuple(node.shape))

    @staticmethod
    def sympy(node, conv, idx):
        """Row-major: the flat position of idx, read back in the argument's shape."""
        flat = sum(i * sp.Mul(*node.shape[k + 1:]) for k, i in enumerate(idx))
        out, shape = [], node.arg.shape
        for k in range(len(shape)):
            out.append(sp.Mod(sp.floor(flat / sp.Mul(*shape[k + 1:])), shape[k]))
        return conv(node.arg, tuple(out))
