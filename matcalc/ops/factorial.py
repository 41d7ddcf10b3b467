"""The factorial ``y_i !`` of data: one block (see `ops/linalg.py` for what a block holds).

The reader (`read.words`) turns a postfix ``!`` into a call of ``factorial`` on the operand
before it, so ``\\ln y_i !`` is ``\\ln (y_i!)``. The factorial is a function of whole numbers:
it has no derivative, so differentiating through it is refused (a `MatcalcError` naming
it); a factorial of data (constant with respect to the variable) is only evaluated. The
generated code computes it entrywise with `math.lgamma` and refuses, at run time, an entry
that is not a whole number >= 0 (the gamma function would give a number for it, silently).
"""
from __future__ import annotations

import math

import numpy as np
import sympy as sp

from ..ir import Node
from ..values import Val
from .registry import CallOp, call_op, node_op, not_differentiable

FACTORIAL_SOURCE = '''def _factorial(x):
    """x! entrywise, for whole numbers x >= 0 (anything else is an error, not gamma(x+1))."""
    import math
    x = np.asarray(x, dtype=float)
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("the factorial is defined for whole numbers >= 0 only")
    return np.exp(np.vectorize(math.lgamma, otypes=[float])(x + 1.0))
'''


# the other back ends: torch and the array API check the entries as NumPy does; under
# jax.jit the entries are not known, so JAX's code does not check them
BACKEND_SOURCES = {
    "jax": {"_factorial": '''def _factorial(x):
    """x! entrywise, for whole numbers x >= 0 (not checked: JAX traces its inputs)."""
    return jnp.exp(jax.scipy.special.gammaln(jnp.asarray(x, dtype=float) + 1.0))
'''},
    "torch": {"_factorial": '''def _factorial(x):
    """x! entrywise, for whole numbers x >= 0 (anything else is an error, not gamma(x+1))."""
    x = torch.as_tensor(x, dtype=torch.float64) if not torch.is_tensor(x) else x
    if bool(torch.any(x < 0)) or bool(torch.any(x != torch.round(x))):
        raise ValueError("the factorial is defined for whole numbers >= 0 only")
    return torch.exp(torch.lgamma(x + 1.0))
'''},
    "array_api": {"_factorial": '''def _factorial(x):
    """x! entrywise, for whole numbers x >= 0 (computed with NumPy, returned in x's
    namespace)."""
    import math
    if isinstance(x, (int, float)):
        x = np.asarray(float(x))
    xp = array_api_compat.array_namespace(x)
    v = np.asarray(x, dtype=float)
    if np.any(v < 0) or np.any(v != np.round(v)):
        raise ValueError("the factorial is defined for whole numbers >= 0 only")
    out = np.exp(np.vectorize(math.lgamma, otypes=[float])(v + 1.0))
    return xp.asarray(out, dtype=x.dtype)
'''},
}


@node_op
class Factorial(Node):
    """Entrywise x! of `arg` (data: its differential is refused, see the module). `where`
    is (line, column) of the ``!`` in the document, for that refusal (or ())."""
    _fields = ("arg", "where")
    # (a registry example cannot sample whole numbers: the factorial here is of a number;
    # tests/test_sets_reader.py checks factorials of data)
    examples = (dict(doc=r"w \in \mathbb{R}^n \\ f = 3! \, w^T w + \ln (4!) \mathbf{1}^T w",
                     wrt="w", f=lambda w: float(6 * w @ w + math.log(24) * np.sum(w))),)
    identity = r"x! \text{ is not differentiable (a function of whole numbers)}"
    helpers = {"_factorial": FACTORIAL_SOURCE}
    backend_helpers = BACKEND_SOURCES

    @staticmethod
    def _shape(arg, where):
        return arg.shape

    jvp = not_differentiable(
        "a factorial `x!` of an expression that depends on the variable "
        "is not differentiable (x! is defined on whole numbers): "
        "differentiate with respect to a variable the factorial does "
        "not depend on")

    @staticmethod
    def render(node, r):
        inner, _ = r.apply("", "", node.arg)
        return inner + "!", r.ATOM

    @staticmethod
    def numpy(node, em):
        em.helpers.add("_factorial")
        return f"_factorial({em.value(node.arg)})"

    @staticmethod
    def sympy(node, conv, idx):
        return sp.factorial(conv(node.arg, idx))


def _factorial(lw, args, e, scope):
    v = lw.one_arg("the factorial", args, e, scope)
    where = (e.span.line, e.span.column) if e.span.line else ()
    return Val(Factorial(v.node, where), v.labels, v.mat, v.row)


call_op(CallOp("factorial", _factorial, words=("factorial",), examples=(
    dict(doc=r"w \in \mathbb{R}^n \\ f = \operatorname{factorial}(3) \, w^T w", wrt="w",
         f=lambda w: float(6 * w @ w)),)))
