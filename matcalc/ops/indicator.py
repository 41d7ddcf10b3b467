"""The indicator (Iverson bracket) ``1\\{y_n = k\\}`` of data: one block (see `ops/linalg.py`
for what a block holds).

The reader (`read.commands`) turns ``1\\{a = b\\}`` into a call of ``indicator`` with the two
sides. It is read where one side is an index k in scope (1-based, over its range K) and the
other an array of labels y that does not use k: the value is the one-hot array
``[y_n = k]``, computed from the data by the generated code (`OneHot`). Its truth cannot
change smoothly: differentiating through an indicator of the variable is refused (a
located `ParseError`); an indicator of data is only evaluated. Two sides that are not an
index and labels are refused by name.
"""
from __future__ import annotations

import numpy as np

from .. import names
from ..ir import Node
from ..read import syntax as S
from ..values import Val
from .registry import CallOp, call_op, node_op, not_differentiable

EXAMPLE = dict(doc=r"y \in \mathbb{R}^n, W \in \mathbb{R}^{n \times K} \\ f = \sum_{i=1}^{n}"
                   r"\sum_{k=1}^{K} (1\{y_i=k\} W_{ik}^2 + W_{ik}^3)",
               wrt="W", f=lambda y, W: float(np.sum(
                   (y[:, None] == np.arange(1, W.shape[1] + 1)[None, :]) * W ** 2 + W ** 3)))


@node_op
class OneHot(Node):
    """``[arg[...] = k]`` for k = 1..n: shape arg.shape + (n,). `where` is (line, column) of
    the indicator in the document (for the refusal of its derivative), or ()."""
    _fields = ("arg", "n", "where")
    examples = (EXAMPLE,)
    identity = r"[y = k] \text{ is constant where it is differentiable}"

    @staticmethod
    def _shape(arg, n, where):
        return tuple(arg.shape) + (n,)

    jvp = not_differentiable(
        "an indicator 1\\{a = k\\} whose truth depends on the variable is "
        "not differentiable (it jumps from 0 to 1): differentiate with "
        "respect to a variable the bracket does not depend on")

    @staticmethod
    def render(node, r):
        return r.apply(r"\operatorname{onehot}", "onehot", node.arg)

    @staticmethod
    def numpy(node, em):
        ns, n = em.ns, em.dim_code(node.n)
        return (f"{ns}.where({em.value(node.arg)}[..., None] == {ns}.arange(1, {n} + 1), "
                f"1.0, 0.0)")

    @staticmethod
    def sympy(node, conv, idx):
        import sympy as sp
        return sp.Piecewise((1, sp.Eq(conv(node.arg, idx[:-1]), idx[-1] + 1)), (0, True))


def _indicator(lw, args, e, scope):
    if len(args) != 2:
        raise lw.perr("an indicator 1\\{a = b\\} compares two sides", e)
    for k, side in enumerate(args):
        kw = names.keyword_of(side) if isinstance(side, S.Sym) else None
        if kw is None or kw not in scope:
            continue
        other = args[1 - k]
        v = lw.materialise(lw.expr(other, scope), other)
        if kw in v.labels or v.mat:
            break
        cell = scope[kw]
        if cell.dim is None:
            raise lw.perr(f"cannot tell the range of index {kw} of the indicator: give its "
                          f"sum bounds", e)
        where = (e.span.line, e.span.column) if e.span.line else ()
        lw.note(e, f"the indicator is read as [{names.latex_of(other)} = {kw}] for "
                   f"{kw} = 1..{cell.dim}: a 0/1 array computed from the data", "inferred")
        return Val(OneHot(v.node, cell.dim, where), v.labels + (kw,), (), v.row)
    raise lw.perr("an indicator 1\\{a = b\\} is read only as [labels = index], e.g. "
                  "1\\{y_n = k\\} with k the index of an enclosing sum and y_n data", e)


call_op(CallOp("indicator", _indicator, words=("indicator",), examples=(EXAMPLE,)))
