r"""A derivative written inside a claim: ``\frac{\partial L}{\partial W} = \frac{\partial
L}{\partial D} X^T``, the backpropagation step as people write it, with the upstream
gradient ∂L/∂D by name.

Contract (a part of `document.Lowerer`, used only while a claim is lowered, `in_claim`):
`claimed_partial(e, scope)` lowers ``\frac{\partial F}{\partial V}`` (or ``\frac{dF}{dV}``), with F a
scalar definition of the document (the objective, or another) and V an input or a
definition it depends on, to the gradient of F with respect to V as the document defines
them -- derived by `diff.differentiate` over the definitions lowered so far, V taken as a
leaf where it is a definition. The named adjoints the derivation makes join the claim's
definitions. None where `e` is no such derivative (then it is read as before, and refused:
an operator inside the objective). ``df(y)/dy`` of an arbitrary function applied to y is its
derivative there, f'(y) (`lower.opaque`). A derivative of a vector F by a vector V is its
Jacobian, in the layout the claim is read in (`claim_layout`; the checker reads a claim in
both and says under which it is right, `check.Judge.readings`). A derivative of a matrix, of
or by an entry (``\partial L / \partial W_{ij}``), is refused naming what is not supported.
"""
from __future__ import annotations

from .. import names
from ..errors import MatcalcError
from ..ir import Var, transpose
from ..read import syntax as S
from ..values import Val, mlabel
from .base import LoweringBase
from .classify import is_derivative


def after_d(e):
    """X of ``dX`` / ``\\partial X``."""
    if isinstance(e, S.BinOp) and e.op == S.MUL and isinstance(e.left, S.Sym) and \
            e.left.name in ("d", "partial") and e.left.accent is None:
        return e.right
    return None


class ClaimPartials(LoweringBase):
    """Derivatives by name inside a claim (module docstring)."""

    def claimed_partial(self, e, scope):
        if not getattr(self, "in_claim", False) or not is_derivative(e):
            return None
        num, den = after_d(e.num), after_d(e.den)
        if num is None or den is None:
            return None
        arbitrary = self._arbitrary_partial(num, den, scope)
        if arbitrary is not None:
            return arbitrary
        f, v = names.keyword_of(num), names.keyword_of(den)
        if f is None or v is None or f == "__claim":
            return None
        if f not in self.defsrc or (v not in self.defsrc and
                                    getattr(self.info.get(v), "kind", None) != "input"):
            return None
        self.define(f)
        if v in self.defsrc:
            self.define(v)
        from ..diff import differentiate
        from ..problem import Problem
        inputs = {kw: Var(kw, tuple(i.shape)) for kw, i in self.info.items()
                  if i.kind in ("input", "natural") and kw not in self.defs}
        latex = {kw: i.latex for kw, i in self.info.items()}
        order = [k for k in self.order if k in self.defs]
        problem = Problem(inputs, dict(self.defs), order, f, latex, list(self.dims),
                          set(self.held))
        if self.defs[f].shape != ():
            return self._claimed_jacobian(problem, f, v, num, den, e)
        try:
            node, _, adjoints = differentiate(problem, v, record_steps=False)
        except MatcalcError as err:
            raise self.perr(f"cannot derive {names.latex_of(num)} by {names.latex_of(den)} "
                            f"inside the claim: {getattr(err, 'bare_message', err)}", e) from None
        for name, body, tex in adjoints:
            if name not in self.defs:
                self.defs[name] = body
                self.order.append(name)
        labels = tuple(mlabel() for _ in node.shape)
        # in the numerator layout throughout (`claim_layout` "rows"), the derivative of a
        # scalar by a vector is a row: \frac{\partial y}{\partial u} \frac{\partial u}{\partial w}
        row = getattr(self.info.get(v), "row", False) or \
            getattr(self, "claim_layout", "numerator") == "rows"
        if len(labels) > 2:
            raise self.perr(f"the derivative by {names.latex_of(den)}, an array of order "
                            f"{len(labels)}, inside a claim is not supported", e)
        return Val(node, labels, labels, row and len(labels) == 1)

    def _claimed_jacobian(self, problem, f, v, num, den, e):
        """``\\frac{\\partial h}{\\partial z}`` of a vector h by a vector z: the Jacobian, in the
        layout the claim is read in (`claim_layout`: "numerator" and "rows", entry [a, b] =
        ∂h_a/∂z_b, m×n for h ∈ Rᵐ, z ∈ Rⁿ -- "rows" also makes a gradient by name a row;
        "denominator", its transpose). Each one read is recorded in
        `jacobians_read` (the checker reads the claim in both layouts, `check.Judge`)."""
        F, V = names.latex_of(num), names.latex_of(den)
        shape_v = problem.shape_of(v)
        if len(self.defs[f].shape) != 1 or len(shape_v) != 1:
            raise self.perr(f"{F} is not a scalar: its derivative by {V} inside a claim is "
                            f"supported as the Jacobian of a vector by a vector only", e)
        from ..calculus.jacobian import jacobian_of
        try:
            parts = jacobian_of(problem, f, v)
        except MatcalcError as err:
            raise self.perr(f"cannot derive the Jacobian of {F} by {V} inside the claim: "
                            f"{getattr(err, 'bare_message', err)}", e) from None
        for name in parts.problem.needed([parts.node]):
            if name not in self.defs:
                self.defs[name] = parts.problem.defs[name]
                self.order.append(name)
                self.jacobian_latex[name] = parts.problem.latex.get(name, name)
        node = parts.node
        if getattr(self, "claim_layout", "numerator") == "denominator":
            node = transpose(node)
        self.jacobians_read.append((F, V, self.defs[f].shape[0], shape_v[0]))
        labels = (mlabel(), mlabel())
        return Val(node, labels, labels)

    @property
    def jacobian_latex(self) -> dict:
        """keyword -> LaTeX of the definitions a Jacobian in the claim brought in."""
        return self.__dict__.setdefault("_jacobian_latex", {})

    @property
    def jacobians_read(self) -> list:
        """(F, V, rows of F, rows of V) of each Jacobian the claim reads."""
        return self.__dict__.setdefault("_jacobians_read", [])

    def _arbitrary_partial(self, num, den, scope):
        """``df(y)/dy``: an arbitrary function (`lower.opaque`) applied to names, by one of
        them: its derivative (gradient) in that argument, f'(y); None otherwise."""
        if not isinstance(num, S.Apply) or not isinstance(num.func, S.Sym):
            return None
        kw = names.keyword_of(num.func)
        if kw in self.info or kw in self.defsrc or self.arbitrary_function(num.func) is None:
            return None
        by = names.keyword_of(den)
        at = [k for k, a in enumerate(num.args) if names.keyword_of(a) == by]
        if len(at) != 1:
            return None
        return self.apply_arbitrary(num.func, num, scope, grad=at[0])
