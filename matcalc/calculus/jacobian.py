"""Jacobians of vector- and matrix-valued definitions, by the reverse sweep the gradient uses.

Contract: `jacobian(doc, wrt, of=None)` returns a `Jacobian` of the definition `of` (by
default the document's last definition, whatever its shape) with respect to `wrt`.
Its `node` has shape ``shape(F) + shape(X)`` -- numerator layout: entry ``[a, b]`` is
``∂F_a/∂X_b``, F's axes first (so ``∂(Ax)/∂x = A``, an m×n matrix for x ∈ Rⁿ, F ∈ Rᵐ).
For a scalar F this is the gradient, laid out like X, as in `gradient`.

How: a fresh cotangent U shaped like F makes the scalar ``φ = U : F``; the existing
reverse sweep gives ``∂φ/∂X = 𝒥*(U)``, linear in U, with every step named by its
identity; replacing U by the identity (``U = e_a`` for each entry a, `identity.expand`)
gives the Jacobian as a contraction with F's axes free. The simplifier then reads it back
in matrix notation where one exists (``A``, ``Diag(σ(z) ⊙ (1 - σ(z)))``, ``X``), in index
form otherwise (``∂(AXB)/∂X`` is ``[A_ik B_lj]_{i,j,k,l}``).

`jacobian_of(problem, of, wrt)` is the engine-level step (also used by the Hessian): it
returns a `JacobianParts` (the node, the problem holding every definition it refers to,
the steps and the vector-Jacobian product before the identity was put in).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import ir, names
from ..diff import differentiate, tidy, with_adjoints
from ..internal import reported
from ..errors import MatcalcError, ShapeError
from ..lower import Lowerer
from ..rules import Rule
from .identity import expand

LAYOUT = ("numerator layout: entry [a, b] is ∂F_a/∂X_b, the axes of F first, then those "
          "of X")
IDENTITY = Rule("identity", r"\partial F_a / \partial X = \partial (U : F) / \partial X"
                            r" \text{ at } U = e_a")


class AnyShapeLowerer(Lowerer):
    """The document's lowering, with an objective of any shape: the last definition (or
    the one named), not refused for not being a scalar."""

    def _lower_objective(self, objective):
        try:
            kw = super()._lower_objective(objective)
        except ShapeError:
            kw = self._objective_kw(objective, check=False)
            if kw is None or kw not in self.defs or self.defs[kw].shape == ():
                raise
            return kw
        last = self._objective_kw(objective, check=False)
        return last if last in self.defs else kw


def lower_any(doc, objective=None):
    """(Problem, lowerer) for `doc` with the objective `objective` of any shape."""
    from ..api import _lower
    return _lower(doc, objective, AnyShapeLowerer)


def fresh_name(problem, kw: str, latex: str, *more) -> tuple:
    """(keyword, LaTeX) not used by the problem (nor in `more`, pairs already taken)."""
    taken_kw = set(problem.inputs) | set(problem.defs) | {str(d) for d in problem.dims} | \
        {m[0] for m in more}
    taken_latex = set(problem.latex.values()) | {m[1] for m in more}
    while kw in taken_kw or names.python_name(kw) in {names.python_name(t) for t in taken_kw}:
        kw += "_"
    while latex in taken_latex:
        latex = latex + "'"
    return kw, latex


def extend(problem, inputs=(), defs=(), objective=None):
    """`problem` with more inputs (Var nodes, with their LaTeX) and definitions
    ((keyword, body, LaTeX) after its own), and another objective if given."""
    new_inputs, new_defs = dict(problem.inputs), dict(problem.defs)
    order, latex = list(problem.order), dict(problem.latex)
    for var, tex in inputs:
        new_inputs[var.name] = var
        latex[var.name] = tex
    for kw, body, tex in defs:
        new_defs[kw] = body
        order.append(kw)
        latex[kw] = tex
    out = dataclasses.replace(problem, inputs=new_inputs, defs=new_defs, order=order,
                              latex=latex, objective=objective or problem.objective)
    out.adjoints = list(getattr(problem, "adjoints", ()))
    return out


@dataclass
class JacobianParts:
    node: object          # the Jacobian, shape(F) + shape(X)
    problem: object       # holds every definition node refers to
    steps: list           # diff.Step values of the reverse sweep of U : F
    vjp: object           # ∂(U : F)/∂X, linear in the cotangent U
    cotangent: object     # the Var U
    of: str
    wrt: str


def jacobian_of(problem, of: str, wrt: str) -> JacobianParts:
    """The Jacobian of definition `of` wrt `wrt` (see the module docstring)."""
    shape = problem.shape_of(of)
    f_latex = problem.latex.get(of, of)
    u_kw, u_latex = fresh_name(problem, "U_" + names.python_name(of), "U")
    phi_kw, phi_latex = fresh_name(problem, "phi_" + names.python_name(of), r"\varphi",
                                   (u_kw, u_latex))
    u = ir.Var(u_kw, shape)
    phi = ir.inner(u, ir.Ref(of, shape)) if shape else ir.mul(u, ir.Ref(of, shape))
    p = extend(problem, inputs=[(u, u_latex)], defs=[(phi_kw, phi, phi_latex)],
               objective=phi_kw)
    with reported(f"cannot differentiate {f_latex} with respect to "
                  f"{problem.latex.get(wrt, wrt)}"):
        vjp, steps, adjoints = differentiate(p, wrt)
        p = with_adjoints(p, adjoints)
        p.adjoints = list(getattr(problem, "adjoints", ())) + [a[0] for a in adjoints]
        jac, made = expand(vjp, u, p.defs, p.order)
        p = extend(p, defs=[(kw, body, p.latex[old] + r"^{\mathcal{J}}")
                            for kw, body, old in made])
        p.adjoints += [kw for kw, _, _ in made]
        jac = tidy(p, jac)
    bad = ir.nonfinite(jac)
    if bad is not None:
        raise MatcalcError(f"the Jacobian of {f_latex} contains a constant that is not "
                           f"finite ({bad.value})")
    return JacobianParts(jac, p, steps, vjp, u, of, wrt)


def jacobian(doc, wrt, of=None):
    """The Jacobian of `of` (default: the last definition) with respect to `wrt`: a
    `Jacobian`, numerator layout (see the module docstring)."""
    from ..api import _resolve
    from .results import Jacobian
    problem, lowerer = lower_any(doc, of)
    kw = _resolve(problem, lowerer, wrt)
    if kw == problem.objective:
        raise MatcalcError(f"wrt={wrt!r} is the function being differentiated")
    parts = jacobian_of(problem, problem.objective, kw)
    return Jacobian(parts, problem)
