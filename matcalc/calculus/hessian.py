"""Hessians and Hessian-vector products: second derivatives from two first-order sweeps.

Contract:
- `hessian(doc, wrt)` -- the Hessian of the scalar objective: the Jacobian of the gradient
  ``∇_X f`` (a definition added after the gradient's named adjoints) with respect to X, so
  ``H[a, b] = ∂²f/∂X_a∂X_b`` has shape ``shape(X) + shape(X)``; ``wrt=(X, Y)`` gives the
  mixed block ``H[a, b] = ∂²f/∂X_a∂Y_b = ∂(∇_X f)_a/∂Y_b``, shape ``shape(X) + shape(Y)``.
  Closed forms read back in matrix notation (``xᵀAx → A + Aᵀ``, logistic regression
  ``→ Xᵀ Diag(s ⊙ (1 - s)) X``), index form otherwise (``log det X``).
- `hvp(doc, wrt)` -- the Hessian-vector product ``(∇²f) v``: the gradient of the scalar
  ``ψ = ∇_X f : v`` with respect to X, for a direction ``v`` shaped like X (an input of
  the generated function). It is one more reverse sweep over the gradient's definitions,
  so its cost is a small multiple of the gradient's; the Hessian is never formed.
Both raise MatcalcError for a non-scalar objective, as `gradient` does, and for an
objective holding constant (a stop-gradient) something that varies with X: its second
derivative has two readings that differ.
"""
from __future__ import annotations

from .. import ir, names, ops
from ..api import derive
from ..diff import differentiate, tidy, with_adjoints
from ..errors import MatcalcError
from ..internal import reported
from .jacobian import extend, fresh_name, jacobian_of


def _refuse_held(problem, wrt: str):
    """A stop-gradient (``sg(e)``, ``p \\text{ constant}``) of something that varies with
    wrt gives a second derivative two readings -- the derivative of the gradient's value,
    or the held part held at both orders (as jax.hessian reads it) -- that differ: refuse."""
    varies = set()
    for name in problem.order:
        if any((isinstance(n, ir.Var) and n.name == wrt) or
               (isinstance(n, ir.Ref) and n.name in varies) for n in problem.defs[name].deps()):
            varies.add(name)
    for name in problem.needed([ir.Ref(problem.objective, ())]) + [problem.objective]:
        for n in ir.walk(problem.defs[name]):
            if isinstance(n, ops.StopGrad) and any(
                    (isinstance(d, ir.Var) and d.name == wrt) or
                    (isinstance(d, ir.Ref) and d.name in varies) for d in n.arg.deps()):
                raise MatcalcError(
                    f"the objective holds a quantity constant (a stop-gradient in "
                    f"{problem.latex.get(name, name)}) that depends on "
                    f"{problem.latex.get(wrt, wrt)}: its second derivative has two readings "
                    f"(the derivative of the gradient's value, or the held part held "
                    f"constant at both orders, as jax.hessian reads it) that differ; matcalc "
                    f"does not choose")


def gradient_problem(problem, wrt: str):
    """(problem with the gradient ``∇_X f`` as its last definition, its keyword, the
    gradient's diff steps): the gradient's named adjoints are definitions before it.
    A stop-gradient of something that varies is refused (`_refuse_held`)."""
    _refuse_held(problem, wrt)
    g, steps, adjoints = derive(problem, wrt)
    p = with_adjoints(problem, adjoints)
    f_latex = problem.latex.get(problem.objective, problem.objective)
    kw, latex = fresh_name(p, f"grad_{names.python_name(problem.objective)}_"
                              f"{names.python_name(wrt)}",
                           rf"\nabla_{{{problem.latex.get(wrt, wrt)}}} {f_latex}")
    p = extend(p, defs=[(kw, g, latex)])
    return p, kw, g, steps


def _split(wrt):
    from ..api import _split_wrt
    if isinstance(wrt, str) and _split_wrt(wrt) is not None:
        wrt = _split_wrt(wrt)                      # "W,V", as the CLI takes it
    if isinstance(wrt, (tuple, list)):
        if len(wrt) != 2:
            raise MatcalcError(f"wrt={wrt!r}: a Hessian block names two variables, "
                               f"wrt=(X, Y)")
        return list(wrt)
    return [wrt, wrt]


def hessian(doc, wrt):
    """The Hessian of the objective (see the module docstring): a `Hessian`."""
    from ..api import _lower, _resolve
    from .results import Hessian
    first, second = _split(wrt)
    problem, lowerer = _lower(doc)
    x = _resolve(problem, lowerer, first)
    y = _resolve(problem, lowerer, second)
    gp, gkw, g, gsteps = gradient_problem(problem, x)
    parts = jacobian_of(gp, gkw, y)
    return Hessian(parts, problem, x, y, g, gsteps, gp)


def hvp(doc, wrt):
    """The Hessian-vector product (see the module docstring): an `HVP`."""
    from ..api import _lower, _resolve
    from .results import HVP
    problem, lowerer = _lower(doc)
    x = _resolve(problem, lowerer, wrt)
    gp, gkw, g, gsteps = gradient_problem(problem, x)
    shape = problem.shape_of(x)
    v_kw, v_latex = fresh_name(gp, "v", "v")
    v = ir.Var(v_kw, shape)
    psi = ir.inner(ir.Ref(gkw, shape), v) if shape else ir.mul(ir.Ref(gkw, shape), v)
    psi_kw, psi_latex = fresh_name(gp, "psi_" + names.python_name(problem.objective),
                                   r"\psi", (v_kw, v_latex))
    hp = extend(gp, inputs=[(v, v_latex)], defs=[(psi_kw, psi, psi_latex)], objective=psi_kw)
    with reported("cannot differentiate the gradient of this document"):
        node, steps, adjoints = differentiate(hp, x)
        hp2 = with_adjoints(hp, adjoints)
        hp2.adjoints = list(getattr(gp, "adjoints", ())) + [a[0] for a in adjoints]
        node = tidy(hp2, node)
    return HVP(hp2, x, node, steps, problem, v, gsteps, gp, g)
