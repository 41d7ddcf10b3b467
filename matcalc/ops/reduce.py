"""Reductions along one axis: the product, the product of the others (the product's
derivative), softmax and log-sum-exp. One class block each (see `ops/linalg.py` for what
a block holds)."""
from __future__ import annotations

from ..ir import IRError, Node, add, broadcast, contract, letters, mul
from .core import defjvp
from .registry import node_op


def _without(shape, axis):
    return shape[:axis] + shape[axis + 1:]


def _check_axis(arg, axis, what):
    if not 0 <= axis < arg.rank:
        raise IRError(f"{what}: no axis {axis} in an array of order {arg.rank}")


@node_op
class ProdAxis(Node):
    """Product of the entries of `arg` along `axis` (the axis disappears)."""
    _fields = ("arg", "axis")
    identity = r"d\prod_j x_j = \sum_j \Big(\prod_{k \ne j} x_k\Big)\, dx_j"

    @staticmethod
    def _shape(arg, axis):
        _check_axis(arg, axis, "ProdAxis")
        return _without(arg.shape, axis)

    @staticmethod
    def _jvp(node, dx):
        # d prod_j x_j = sum_j (prod_{k != j} x_k) dx_j  -- no division, exact at zeros
        labs = letters(node.arg.rank)
        out = _without(labs, node.axis)
        return contract([ProdExcept(node.arg, node.axis), dx], [labs, labs], out)

    jvp = staticmethod(defjvp(_jvp))

    @staticmethod
    def render(node, r):
        arg = r.expr(node.arg)
        if node.arg.rank == 2 and node.axis == 1:
            return r.apply(r"\operatorname{rowprod}", "rowprod", node.arg)
        idx = r.INDEX_LETTERS[:node.arg.rank]
        j, sub = idx[node.axis], ",".join(idx)
        if r.is_latex:
            return rf"\prod_{{{j}}} \left[{arg}\right]_{{{sub}}}", r.MUL
        return f"Π_{j} [{arg}]_{sub}", r.MUL

    @staticmethod
    def numpy(node, em):
        return f"np.prod({em.value(node.arg)}, axis={node.axis})"


@node_op
class ProdExcept(Node):
    """Entry j along `axis` is the product of the OTHER entries along that axis: the
    derivative of a product, exact where an entry is zero (no division)."""
    _fields = ("arg", "axis")
    identity = r"d\prod_{k \ne j} x_k = \sum_{l \ne j} \Big(\prod_{k \ne j, l} x_k\Big)\, dx_l"
    helpers = {"_prod_except": '''def _prod_except(x, axis):
    """Product of the other entries along axis, by prefix and suffix products (exact
    where an entry is zero: no division)."""
    x = np.moveaxis(x, axis, -1)
    one = np.ones(x.shape[:-1] + (1,))
    left = np.cumprod(np.concatenate([one, x[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([one, x[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return np.moveaxis(left * right, -1, axis)
'''}

    @staticmethod
    def _shape(arg, axis):
        _check_axis(arg, axis, "ProdExcept")
        return arg.shape

    @staticmethod
    def jvp(node, d):
        raise IRError("the second derivative of a product over an index is not supported")

    @staticmethod
    def render(node, r):
        name = (r"\operatorname{prod}_{\neg}", "prod¬")
        if node.arg.rank == 2:
            name = ((r"\operatorname{rowprod}_{\neg}", "rowprod¬") if node.axis == 1 else
                    (r"\operatorname{colprod}_{\neg}", "colprod¬"))
        return r.apply(name[0], name[1], node.arg)

    @staticmethod
    def numpy(node, em):
        em.helpers.add("_prod_except")
        return f"_prod_except({em.value(node.arg)}, {node.axis})"


@node_op
class Softmax(Node):
    """softmax along `axis`: exp(x) normalised to sum 1 along that axis (row-wise on a
    matrix, as DESIGN.md reads it)."""
    _fields = ("arg", "axis")
    identity = (r"d\operatorname{softmax}(x) = s \odot dx - s\,(s^{T} dx),\quad "
                r"s = \operatorname{softmax}(x)")
    helpers = {"_softmax": '''def _softmax(x, axis):
    """softmax along axis, stable: the largest entry is subtracted first."""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)
'''}

    @staticmethod
    def _shape(arg, axis):
        _check_axis(arg, axis, "Softmax")
        return arg.shape

    @staticmethod
    def _jvp(node, dx):
        labs = letters(node.rank)
        keep = _without(labs, node.axis)
        inner = contract([node, dx], [labs, labs], keep)
        back = broadcast(inner, keep, dict(zip(labs, node.shape)), labs)
        return mul(node, add([dx, back], [1, -1]))

    jvp = staticmethod(defjvp(_jvp))

    @staticmethod
    def render(node, r):
        return r.apply(r"\operatorname{softmax}", "softmax", node.arg)

    @staticmethod
    def numpy(node, em):
        em.helpers.add("_softmax")
        return f"_softmax({em.value(node.arg)}, {node.axis})"


@node_op
class LogSumExp(Node):
    """log Σ exp along `axis` (the axis disappears)."""
    _fields = ("arg", "axis")
    identity = r"d\operatorname{logsumexp}(x) = \operatorname{softmax}(x)^{T} dx"
    helpers = {"_logsumexp": '''def _logsumexp(x, axis):
    """log of the sum of exp along axis, stable: the largest entry is taken out first."""
    m = np.max(x, axis=axis, keepdims=True)
    return np.squeeze(m, axis) + np.log(np.sum(np.exp(x - m), axis=axis))
'''}

    @staticmethod
    def _shape(arg, axis):
        _check_axis(arg, axis, "LogSumExp")
        return _without(arg.shape, axis)

    @staticmethod
    def _jvp(node, dx):
        labs = letters(node.arg.rank)
        return contract([Softmax(node.arg, node.axis), dx], [labs, labs],
                        _without(labs, node.axis))

    jvp = staticmethod(defjvp(_jvp))

    @staticmethod
    def render(node, r):
        return r.apply(r"\operatorname{logsumexp}", "logsumexp", node.arg)

    @staticmethod
    def numpy(node, em):
        em.helpers.add("_logsumexp")
        return f"_logsumexp({em.value(node.arg)}, {node.axis})"
