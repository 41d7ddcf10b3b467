"""Reductions along one axis: the product, the product of the others (the product's
derivative), softmax and log-sum-exp. One class block each (see `ops/linalg.py` for what
a block holds)."""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..ir import (Const, Contract, IRError, Map, Node, add, broadcast, contract, filled, letters,
                  mul, ones, transpose)
from ..rules import Rule
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
    examples = (dict(doc=r"A \in \mathbb{R}^{n\times m} \\ f = \sum_i \prod_j A_{ij}", wrt="A",
                     f=lambda A: np.sum(np.prod(A, axis=1))),)
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
    def render_entry(node, r, idx, used):
        """\\prod_k (2 + \\tanh(x_k)): the entry at index letters idx, ADD precedence (a
        product takes what follows as its body, so it is wrapped inside a product)."""
        k = r.index_letters(1, set(used) | set(idx), dims=[node.arg.shape[node.axis]])[0]
        at = list(idx)
        at.insert(node.axis, k)
        body = r.wrap(*r.entry(node.arg, at, set(used) | set(idx)), r.MUL)
        return (rf"\prod_{{{k}}} {body}" if r.is_latex else f"Π_{k} {body}"), r.ADD

    @staticmethod
    def axis_sources(node, axis):
        """The (operand, its axis) that output axis `axis` is (the renderer's
        `carried_length`): the argument's axis, past the one multiplied out."""
        return [(node.arg, axis if axis < node.axis else axis + 1)]

    @staticmethod
    def render(node, r):
        free = r.index_letters(node.rank, dims=node.shape)
        s, p = ProdAxis.render_entry(node, r, free, free)
        if not free:
            return s, p
        sub = ",".join(free)
        return (rf"\left[{s}\right]_{{{sub}}}" if r.is_latex else f"[{s}]_{sub}"), r.ATOM

    @staticmethod
    def numpy(node, em):
        return f"{em.ns}.prod({em.value(node.arg)}, axis={node.axis})"

    @staticmethod
    def sympy(node, conv, idx):
        k = conv.index()
        full = idx[:node.axis] + (k,) + idx[node.axis:]
        return sp.Product(conv(node.arg, full), (k, 0, node.arg.shape[node.axis] - 1))


@node_op
class ProdExcept(Node):
    """Entry j along `axis` is the product of the OTHER entries along that axis: the
    derivative of a product, exact where an entry is zero (no division)."""
    _fields = ("arg", "axis")
    examples = ()  # only made by ProdAxis's differential (its example covers it)
    identity = r"d\prod_{k \ne j} x_k = \sum_{l \ne j} \Big(\prod_{k \ne j, l} x_k\Big)\, dx_l"
    helpers = {"_prod_except": '''def _prod_except(x, axis):
    """Product of the other entries along axis, by prefix and suffix products (exact
    where an entry is zero: no division)."""
    x = np.moveaxis(x, axis, -1)
    one = np.ones_like(x[..., :1])
    left = np.cumprod(np.concatenate([one, x[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([one, x[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return np.moveaxis(left * right, -1, axis)
'''}
    backend_helpers = {"torch": {"_prod_except": '''def _prod_except(x, axis):
    """Product of the other entries along axis, by prefix and suffix products (exact
    where an entry is zero: no division)."""
    x = torch.movedim(x, axis, -1)
    one = torch.ones_like(x[..., :1])
    left = torch.cumprod(torch.cat([one, x[..., :-1]], dim=-1), dim=-1)
    rev = torch.flip(x[..., 1:], dims=(-1,))
    right = torch.flip(torch.cumprod(torch.cat([one, rev], dim=-1), dim=-1), dims=(-1,))
    return torch.movedim(left * right, -1, axis)
'''}, "array_api": {"_prod_except": '''def _prod_except(x, axis):
    """Product of the other entries along axis: the product over a copy of the axis with
    the entry itself replaced by 1 (exact where an entry is zero: no division)."""
    xp = array_api_compat.array_namespace(x)
    x = xp.moveaxis(x, axis, -1)
    n = x.shape[-1]
    own = xp.eye(n, dtype=xp.bool, device=array_api_compat.device(x))
    others = xp.where(own, xp.ones_like(x[..., None, :]), x[..., None, :])
    return xp.moveaxis(xp.prod(others, axis=-1), -1, axis)
'''}}

    @staticmethod
    def _shape(arg, axis):
        _check_axis(arg, axis, "ProdExcept")
        return arg.shape

    @staticmethod
    def jvp(node, d):
        raise IRError("the second derivative of a product over an index is not supported")

    @staticmethod
    def render_entry(node, r, idx, used):
        """The product of the others as a person writes it where no entry is zero,
        \\prod_k v_k / v_j (the code computes it without dividing)."""
        used = set(used) | set(idx)
        k = r.index_letters(1, used, dims=[node.arg.shape[node.axis]])[0]
        at_k = list(idx)
        at_k[node.axis] = k
        num = r.wrap(*r.entry(node.arg, at_k, used | {k}), r.MUL)
        den, dp = r.entry(node.arg, idx, used | {k})
        if r.is_latex:
            return rf"\frac{{\prod_{{{k}}} {num}}}{{{den}}}", r.ATOM
        return f"(Π_{k} {num})/{r.wrap(den, dp, r.ATOM)}", r.MUL

    @staticmethod
    def render(node, r):
        idx = r.index_letters(node.rank, dims=node.shape)
        s, p = ProdExcept.render_entry(node, r, idx, idx)
        sub = ",".join(idx)
        return (rf"\left[{s}\right]_{{{sub}}}" if r.is_latex else f"[{s}]_{sub}"), r.ATOM

    @staticmethod
    def numpy(node, em):
        em.helpers.add("_prod_except")
        return f"_prod_except({em.value(node.arg)}, {node.axis})"

    @staticmethod
    def sympy(node, conv, idx):
        k = conv.index()
        other = idx[:node.axis] + (k,) + idx[node.axis + 1:]
        return sp.Product(sp.Piecewise((conv(node.arg, other), sp.Ne(k, idx[node.axis])),
                                       (1, True)), (k, 0, node.shape[node.axis] - 1))


def _sums_to_one(node):
    """Σ_j softmax(x)_j = 1: a softmax summed over its own axis, which nothing else
    carries, is a ones factor."""
    if not isinstance(node, Contract):
        return None
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if not isinstance(op, Softmax):
            continue
        a = labels[op.axis]
        if a in node.out or labels.count(a) > 1 or \
                any(a in l for j, l in enumerate(node.idx) if j != k):
            continue
        rest = tuple(l for l in labels if l != a)
        ops_, idx = list(node.ops), list(node.idx)
        ops_[k] = ones(tuple(d for l, d in zip(labels, op.shape) if l != a))
        idx[k] = rest
        return contract(ops_, idx, node.out)
    return None


def _softmax_of_constant(node):
    """softmax of an array with every entry c (c 1 1^T, c any scalar) is 1/n in every
    entry, n the length of its axis: the constant array it is, printed with its shape."""
    if isinstance(node, Softmax) and filled(node.arg) is not None:
        return Const(sp.Integer(1) / node.shape[node.axis], node.shape)
    return None


@node_op
class Softmax(Node):
    """softmax along `axis`: exp(x) normalised to sum 1 along that axis (row-wise on a
    matrix, as DESIGN.md reads it)."""
    _fields = ("arg", "axis")
    examples = (dict(doc=r"x, y \in \mathbb{R}^n \\ f = y^T \log \operatorname{softmax}(x)", wrt="x",
                     f=lambda x, y: y @ (x - np.log(np.sum(np.exp(x))))),
                dict(doc=r"X, Y \in \mathbb{R}^{n\times m} \\ f = Y : \operatorname{softmax}(X)",
                     wrt="X", f=lambda X, Y: np.sum(Y * np.exp(X) / np.exp(X).sum(1, keepdims=True))))
    identity = (r"d\operatorname{softmax}(x) = s \odot dx - s\,(s^{T} dx),\quad "
                r"s = \operatorname{softmax}(x)")
    rewrites = (Rule("softmax-sums-to-one", r"\sum_j \operatorname{softmax}(x)_j = 1",
                     _sums_to_one),
                Rule("softmax-of-constant",
                     r"\operatorname{softmax}(c\,\mathbf{1}_n) = \tfrac{1}{n}\mathbf{1}_n",
                     _softmax_of_constant))
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
        if node.arg.rank == 2 and node.axis == 0:
            # column-wise: softmax(X^T)^T, since softmax(X) of a matrix reads row-wise
            s, _ = r.apply(r"\operatorname{softmax}", "softmax", transpose(node.arg))
            return r._t(s, r.ATOM)
        return r.apply(r"\operatorname{softmax}", "softmax", node.arg)

    @staticmethod
    def numpy(node, em):
        em.helpers.add("_softmax")
        return f"_softmax({em.value(node.arg)}, {node.axis})"

    @staticmethod
    def jax(node, em):
        return f"jax.nn.softmax({em.value(node.arg)}, axis={node.axis})"

    @staticmethod
    def torch(node, em):
        return f"torch.softmax({em.value(node.arg)}, dim={node.axis})"

    @staticmethod
    def sympy(node, conv, idx):
        k = conv.index()
        other = idx[:node.axis] + (k,) + idx[node.axis + 1:]
        return sp.exp(conv(node.arg, idx)) / sp.Sum(sp.exp(conv(node.arg, other)),
                                                    (k, 0, node.shape[node.axis] - 1))


def _logsumexp_of_constant(node):
    """logsumexp of an array with every entry c (c 1 1^T, c any scalar) is c + log n in
    every entry, n the length of its axis (an array over the other axes keeps its shape)."""
    c = filled(node.arg) if isinstance(node, LogSumExp) else None
    if c is None:
        return None
    value = add([c, Map("log", Const(node.arg.shape[node.axis], ()))])
    if not node.shape:
        return value
    labs = letters(node.rank)
    return contract([value, ones(node.shape)], [(), labs], labs)


@node_op
class LogSumExp(Node):
    """log Σ exp along `axis` (the axis disappears)."""
    _fields = ("arg", "axis")
    examples = (dict(doc=r"A \in \mathbb{R}^{n\times m}, x \in \mathbb{R}^m \\ "
                         r"f = \operatorname{logsumexp}(Ax)",
                     wrt="A", f=lambda A, x: np.log(np.sum(np.exp(A @ x)))),)
    identity = r"d\operatorname{logsumexp}(x) = \operatorname{softmax}(x)^{T} dx"
    rewrites = (Rule("logsumexp-of-constant",
                     r"\operatorname{logsumexp}(c\,\mathbf{1}_n) = c + \log n",
                     _logsumexp_of_constant),)
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
        arg = transpose(node.arg) if node.arg.rank == 2 and node.axis == 0 else node.arg
        return r.apply(r"\operatorname{logsumexp}", "logsumexp", arg)  # row-wise, as read

    @staticmethod
    def numpy(node, em):
        em.helpers.add("_logsumexp")
        return f"_logsumexp({em.value(node.arg)}, {node.axis})"

    @staticmethod
    def jax(node, em):
        return f"jax.scipy.special.logsumexp({em.value(node.arg)}, axis={node.axis})"

    @staticmethod
    def torch(node, em):
        return f"torch.logsumexp({em.value(node.arg)}, dim={node.axis})"

    @staticmethod
    def sympy(node, conv, idx):
        k = conv.index()
        full = idx[:node.axis] + (k,) + idx[node.axis:]
        return sp.log(sp.Sum(sp.exp(conv(node.arg, full)),
                             (k, 0, node.arg.shape[node.axis] - 1)))
