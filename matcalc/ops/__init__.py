r"""The op registry (see `registry.py` for the contract) and the built-in ops' blocks:

    core.py         the generalised product, sum, power and elementwise map: differentials
    elementwise.py  the elementwise functions (exp, log, σ, tanh, sin, relu, erf, ...)
    linalg.py       inverse, determinant, log-determinant
    matpow.py       the matrix power X^p and its differential Σ_k X^k dX X^{p-1-k}
    reduce.py       product along an axis, softmax, log-sum-exp
    structural.py   stop-gradient, reshape
    calls.py        array functions written like functions (Tr, det, Diag, sg, softmax, max)
    gamma.py        the gamma function family: Γ, log Γ, digamma, polygamma
    factorial.py    the factorial y! of data
    indicator.py    the indicator 1{y_n = k} of data (a one-hot array)
    indexvalue.py   the values 1..n of an index used as a number (\sum_i i x_i)
    opaque.py       functions the document leaves arbitrary (f(D), \phi'(Z))
    user.py         define_function: a user's elementwise function, through the same door
"""
from __future__ import annotations

from . import calls, elementwise, factorial, gamma, indicator  # noqa: F401  (blocks register themselves)
from .indexvalue import IndexValue
from .core import CORE, defjvp
from .linalg import Det, Inv, LogDet
from .opaque import Opaque, Unknown, UnknownGrad, UnknownOf
from .matpow import COMPACT_POWER, Krylov, MatPow, PowSum
from .reduce import LogSumExp, ProdAxis, ProdExcept, Softmax
from .registry import (CALLS, FUNCTIONS, NODE_OPS, CallOp, Function, call_op, function,
                       fused, helper_sources, node_op, rewrites, spelled)
from .structural import Reshape, StopGrad
from .user import define_function, undefine_function


def jvp_rule(node):
    """The differential rule `(node, d) -> node | None` of `node`'s op, or None."""
    core = CORE.get(type(node))
    if core is not None:
        return core[0]
    cls = NODE_OPS.get(type(node))
    return cls.jvp if cls is not None else None


def jvp_identity(node):
    """The LaTeX identity a derivation cites when it linearises `node`, or None."""
    core = CORE.get(type(node))
    if core is not None:
        ident = core[1]
        return ident(node) if callable(ident) else ident
    cls = NODE_OPS.get(type(node))
    return getattr(cls, "identity", None) if cls is not None else None


__all__ = ["CALLS", "FUNCTIONS", "NODE_OPS", "CallOp", "Function", "call_op", "function",
           "node_op", "spelled", "fused", "rewrites", "helper_sources", "jvp_rule", "jvp_identity",
           "defjvp", "define_function", "undefine_function", "Inv", "Det", "LogDet",
           "MatPow", "PowSum", "Krylov", "COMPACT_POWER",
           "IndexValue", "Opaque", "Unknown", "UnknownOf", "UnknownGrad", "ProdAxis", "ProdExcept", "Softmax", "LogSumExp", "StopGrad", "Reshape"]
