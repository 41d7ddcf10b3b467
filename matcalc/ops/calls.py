"""Functions of a whole array written like functions: trace, determinants, Diag/diag,
stop-gradient, softmax, log-sum-exp, square root, elementwise max/min. One block each:
the spellings and the lowering (syntax arguments -> a `values.Val`).

Contract: `lower(lw, args, e, scope)` gets the lowerer `lw` (for `lw.one_arg`, `lw.expr`,
`lw.perr`, `lw.serr`), the syntax arguments, the call's syntax node `e` (for error
locations) and the index scope, and returns a `Val`.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from .. import ir
from ..ir import Delta, contract, fmap, pow_
from ..values import Val, describe, mlabel
from .linalg import Det, LogDet
from .reduce import LogSumExp, Softmax
from .registry import CallOp, call_op
from .structural import Reshape, StopGrad


def _square(lw, v, e, what):
    if v.kind != "m" or not ir.same_dim(*v.mat_dims()):
        raise lw.serr(f"{what} needs a square matrix, not {describe(v)}", e)


def _trace(lw, args, e, scope):
    v = lw.one_arg("the trace", args, e, scope)
    if v.kind == "s":
        return v   # a scalar is its own trace (1 x 1): d\lambda = Tr(w^T S' dW x), seed 001
    _square(lw, v, e, "the trace")
    r, c = v.mat
    labels = tuple(r if l == c else l for l in v.labels)
    return Val(contract([v.node], [labels], v.index_labels), v.index_labels, ())


def _determinant(cls):
    """det / log det of a square matrix, or entrywise over the index of a family of them."""
    def lower(lw, args, e, scope):
        v = lw.one_arg("the determinant", args, e, scope)
        _square(lw, v, e, "the determinant")
        # a member of a family (Σ_m): the determinant of each member, over the family's
        # index (the batch axes lead, as ops/linalg.py's blocks take them)
        out = v.index_labels
        return Val(cls(contract([v.node], [v.labels], out + v.mat)), out, ())
    return lower


def _diag(lw, args, e, scope):
    """Diag(v) of a vector is the diagonal matrix; diag(X) of a square matrix its diagonal
    (either spelling does either, as texts use both)."""
    v = lw.one_arg("Diag", args, e, scope)
    if v.kind in ("c", "r"):
        a, b = v.mat[0], mlabel()
        node = contract([v.node, Delta(v.mat_dims()[0])], [v.labels, (a, b)],
                        v.index_labels + (a, b))
        return Val(node, v.index_labels + (a, b), (a, b))
    if v.kind == "m" and ir.same_dim(*v.mat_dims()):
        r, c = v.mat
        labels = tuple(r if l == c else l for l in v.labels)
        out = v.index_labels + (r,)
        return Val(contract([v.node], [labels], out), out, (r,))
    raise lw.serr(f"diag needs a vector or a square matrix, not {describe(v)}", e)


def _stop_gradient(lw, args, e, scope):
    v = lw.one_arg("sg", args, e, scope)
    return Val(StopGrad(v.node), v.labels, v.mat, v.row)


def _sqrt(lw, args, e, scope):
    v = lw.one_arg("the square root", args, e, scope)
    from ..lower.matrixfunctions import refuse_matrix_function   # lower imports ops
    refuse_matrix_function(lw, "sqrt", v, e, "\\sqrt{...}", args[0])
    return Val(pow_(v.node, sp.Rational(1, 2)), v.labels, v.mat, v.row)


def _vec(lw, args, e, scope):
    """vec(X) stacks the columns of X into one column vector (the convention of every
    text, the Matrix Cookbook's); a column vector is its own vec. A row vector, a scalar or
    a family's member is refused (vec of which?)."""
    v = lw.one_arg("vec", args, e, scope)
    if v.index_labels or v.kind in ("s", "r"):
        raise lw.serr(f"vec needs a column vector or a matrix, not {describe(v)}", e)
    if v.kind == "c":
        return v
    rows, cols = v.mat
    by_columns = contract([v.node], [v.labels], (cols, rows))     # X^T, row-major
    n, m = v.mat_dims()
    lab = mlabel()
    return Val(Reshape(by_columns, (n * m,)), (lab,), (lab,))


def _last_axis(lw, v, e, what):
    if v.kind == "s":
        raise lw.serr(f"{what} needs a vector or a matrix, not {describe(v)}", e)
    return v.labels.index(v.mat[-1])


def _softmax(lw, args, e, scope):
    v = lw.one_arg("softmax", args, e, scope)
    return Val(Softmax(v.node, _last_axis(lw, v, e, "softmax")), v.labels, v.mat, v.row)


def _logsumexp(lw, args, e, scope):
    v = lw.one_arg("logsumexp", args, e, scope)
    axis = _last_axis(lw, v, e, "logsumexp")
    keep = v.labels[:axis] + v.labels[axis + 1:]
    return Val(LogSumExp(v.node, axis), keep, tuple(l for l in v.mat if l in keep))


def _extreme(sign):
    """max(a, b) = (a + b + |a - b|)/2 and min(a, b) = (a + b - |a - b|)/2, entrywise: at a
    tie the derivative splits 1/2 : 1/2 (the subgradient |x|' = sign(x) = 0 at 0)."""
    def lower(lw, args, e, scope):
        if len(args) != 2:
            raise lw.perr(f"\\{'max' if sign > 0 else 'min'} of an array is not supported: "
                          f"write it with two arguments, \\max(a, b), for the entrywise "
                          f"maximum", e)
        a, b = lw.expr(args[0], scope), lw.expr(args[1], scope)
        total = lw.plus(a, b, "+", e)
        gap = lw.plus(a, b, "-", e)
        gap = Val(fmap("abs", gap.node), gap.labels, gap.mat, gap.row)
        both = lw.plus(total, gap, "+" if sign > 0 else "-", e)
        return Val(ir.scale(sp.Rational(1, 2), both.node), both.labels, both.mat, both.row)
    return lower


def _ex(doc, wrt, f):
    return (dict(doc=doc, wrt=wrt, f=f),)


SQ = r"X \in \mathbb{R}^{n\times n}, "
for _op in [
    CallOp("tr", _trace, commands=("tr", "Tr", "trace", "Trace"),
           words=("tr", "Tr", "trace", "Trace"), runs=("tr", "Tr", "trace", "Trace"),
           examples=_ex(SQ + r"A \in \mathbb{R}^{n\times n} \\ f = \operatorname{Tr}(A X X)", "X",
                        lambda X, A: np.trace(A @ X @ X))),
    CallOp("det", _determinant(Det), commands=("det",), words=("det",), runs=("det",),
           examples=_ex(SQ + r"\\ f = \det(X X)", "X", lambda X: np.linalg.det(X @ X))),
    CallOp("logdet", _determinant(LogDet), words=("logdet",), runs=("logdet",),
           examples=_ex(SQ + r"\\ f = \operatorname{logdet}(X^T X)", "X",
                        lambda X: np.linalg.slogdet(X.T @ X)[1])),
    CallOp("Diag", _diag, commands=("Diag",), words=("Diag",), runs=("Diag",),
           examples=_ex(SQ + r"v \in \mathbb{R}^n \\ f = \operatorname{Tr}(X \operatorname{Diag}(v))",
                        "v", lambda X, v: np.trace(X @ np.diag(v)))),
    CallOp("diag", _diag, commands=("diag",), words=("diag",), runs=("diag",),
           examples=_ex(SQ + r"v \in \mathbb{R}^n \\ f = v^T \operatorname{diag}(X X)", "X",
                        lambda X, v: v @ np.diag(X @ X))),
    CallOp("sg", _stop_gradient, commands=("sg",), words=("sg", "stopgrad"), runs=("sg",),
           stops_gradient=True,
           examples=(dict(doc=r"x \in \mathbb{R}^n \\ f = \|x\|^2 \operatorname{sg}(x^T x)",
                          wrt="x", f=lambda x: (x @ x) ** 2, grad=lambda x: 2 * (x @ x) * x),)),
    CallOp("vec", _vec, operator_words=("vec",),
           examples=_ex(r"X \in \mathbb{R}^{n\times m}, a \in \mathbb{R}^{nm} \\ "
                        r"f = a^T \operatorname{vec}(X X^T X)", "X",
                        lambda X, a: a @ (X @ X.T @ X).reshape(-1, order="F"))),
    CallOp("sqrt", _sqrt, commands=("sqrt",), words=("sqrt",), runs=("sqrt",),
           examples=_ex(r"x \in \mathbb{R}^n \\ f = \mathbf{1}^T \sqrt{x \odot x + 1}", "x",
                        lambda x: np.sum(np.sqrt(x * x + 1)))),
    CallOp("softmax", _softmax, commands=("softmax",), words=("softmax",), runs=("softmax",),
           examples=_ex(r"x, y \in \mathbb{R}^n \\ f = y^T \operatorname{softmax}(x)", "x",
                        lambda x, y: y @ np.exp(x) / np.sum(np.exp(x)))),
    # spellings that mean only it: log-sum-exp with or without hyphens, its initials LSE
    CallOp("logsumexp", _logsumexp, commands=("logsumexp", "LSE"),
           words=("logsumexp", "LSE", "lse", "log-sum-exp", "Log-Sum-Exp", "LogSumExp",
                  "logSumExp"), runs=("logsumexp",),
           examples=_ex(r"X \in \mathbb{R}^{n\times m} \\ f = \mathbf{1}^T \operatorname{logsumexp}(X)",
                        "X", lambda X: np.sum(np.log(np.sum(np.exp(X), axis=1))))),
    CallOp("max", _extreme(+1), commands=("max",), words=("max",),
           examples=_ex(r"x, y \in \mathbb{R}^n \\ f = \mathbf{1}^T \max(x, y \odot y)", "x",
                        lambda x, y: np.sum(np.maximum(x, y * y)))),
    CallOp("min", _extreme(-1), commands=("min",), words=("min",),
           examples=_ex(r"x, y \in \mathbb{R}^n \\ f = \mathbf{1}^T \min(x, y \odot y)", "x",
                        lambda x, y: np.sum(np.minimum(x, y * y)))),
]:
    call_op(_op)
