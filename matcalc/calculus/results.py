"""The results of `jacobian`, `hessian` and `hvp`: printed forms, derivation and code.

Contract: each class is a `Gradient` (latex(), text(), steps, derivation(), result(),
numpy_source(), to_numpy(), inputs, notes, and the back ends) whose node is the
derivative it names:
- `Jacobian`: shape ``shape(F) + shape(X)``, numerator layout (`LAYOUT`); its generated
  function ``jacobian_<F>_<X>(**inputs)`` returns the full array.
- `Hessian`: shape ``shape(X) + shape(Y)``, entry [a, b] = ∂²f/∂X_a∂Y_b; the function
  ``hessian_<f>_<X>[_<Y>]``.
- `HVP`: shape of X; the function ``hvp_<f>_<X>(**inputs, v=...)`` takes the direction v.
The derivation lists the sweeps in order: the gradient's (for the second derivatives),
then the sweep of the scalar ``U : F`` (or ``∇f : v``) and the step that puts the
identity in for U. ``to_numpy(value=True)`` is a gradient's only: refused here.
"""
from __future__ import annotations

from .. import ir, names
from ..api import DerivationStep, Gradient
from ..errors import MatcalcError
from .jacobian import IDENTITY, LAYOUT


def _fmt(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")" if shape else "(scalar)"


class _Derivative(Gradient):
    """What the three results share: the code's docstring and the refusal of value=True."""

    kind = "derivative"

    def to_numpy(self, value: bool = False):
        if value:
            raise MatcalcError(f"value=True is for gradients; a {self.kind} has no "
                               f"objective value to return")
        return super().to_numpy()

    def _generate_source(self, backend=None) -> str:
        from ..api import _generate
        doc = (f"{self.kind.capitalize()} {self.lhs_text} of the document.\n\n"
               f"    {self.lhs_text} = {self.text()}\n\n"
               f"    Returns an array of shape {_fmt(self.node.shape)}{self._layout_note()}.")
        return _generate(self.problem, self.node, self.function_name, doc, self._accepts,
                         backend)

    def _layout_note(self) -> str:
        return ""

    def _layout_latex(self) -> str:
        return ""

    def result(self, fmt: str = "text") -> str:
        out = super().result(fmt)
        note = self._layout_note()
        if not note:
            return out
        if fmt == "latex":
            return out + rf" \quad \text{{(}}{self._layout_latex()}\text{{)}}"
        return out + f"\n({note.strip(', ')})"

    def __repr__(self):
        return f"<{type(self).__name__} {self.lhs_text} = {self.text()}>"


class Jacobian(_Derivative):
    """The Jacobian ∂F/∂X of a definition F (see `jacobian.jacobian`)."""

    kind = "Jacobian"
    layout = LAYOUT

    def __init__(self, parts, base_problem):
        super().__init__(parts.problem, parts.wrt, parts.node, parts.steps)
        self.of = parts.of
        self.parts = parts
        self.base_problem = base_problem

    @property
    def numerator(self) -> str:
        return self.of

    @property
    def function_name(self) -> str:
        return f"jacobian_{names.python_name(self.of)}_{names.python_name(self.wrt)}"

    @property
    def _accepts(self):
        p = self.problem
        return (ir.Ref(self.of, p.shape_of(self.of)), p.node_of(self.wrt))

    def value_source(self) -> str:
        """A NumPy module defining ``value_<F>(**inputs)``: the value of F itself (the
        tests difference it)."""
        from ..api import _generate
        p = self.problem
        name = "value_" + names.python_name(self.of)
        return _generate(p, ir.Ref(self.of, p.shape_of(self.of)), name,
                         f"Value of {self._renderer('text').name(self.of)}.", self._accepts)

    def value_numpy(self):
        from .. import codegen
        return codegen.compile_module(self.value_source(), "value_" + names.python_name(self.of))

    def _layout_note(self) -> str:
        if not self.problem.shape_of(self.of):
            return ", laid out like the variable (F is a scalar: the gradient)"
        r = self._renderer("text")
        return (f", numerator layout: entry [a, b] is ∂{r.name(self.of)}_a/∂"
                f"{r.name(self.wrt)}_b, the axes of {r.name(self.of)} first")

    def _layout_latex(self) -> str:
        p = self.problem
        if not p.shape_of(self.of):
            return r"\text{laid out like the variable}"
        return (rf"\text{{numerator layout: entry }} [a, b] = \partial "
                rf"{{{p.latex.get(self.of)}}}_a / \partial {{{p.latex.get(self.wrt)}}}_b")

    @property
    def steps(self) -> list:
        """The sweep of ``φ = U : F`` (its last step gives ∂φ/∂X, linear in U), then the
        identity put in for U."""
        if "_jsteps" not in self.__dict__:
            self.__dict__["_jsteps"] = self._sweep_steps(self.parts, self.lhs_latex,
                                                         self.lhs_text, self.node)
        return self.__dict__["_jsteps"]

    def _sweep_steps(self, parts, lhs_latex, lhs_text, node):
        lr, tr = self._renderer("latex"), self._renderer("text")
        out = list(Gradient.steps.func(self))
        phi = self.problem.objective
        last = out.pop()  # the sweep's result: ∂φ/∂X = 𝒥*(U)
        vjp_l = (rf"\frac{{\partial {lr.name(phi)}}}{{\partial {lr.name(parts.wrt)}}} = "
                 rf"{lr.expr(parts.vjp)}")
        vjp_t = f"∂{tr.name(phi)}/∂{tr.name(parts.wrt)} = {tr.expr(parts.vjp)}"
        u = lr.name(parts.cotangent.name)
        define_l = (rf"{lr.name(phi)} = {u} : {lr.name(parts.of)}")
        define_t = f"{tr.name(phi)} = {tr.name(parts.cotangent.name)} : {tr.name(parts.of)}"
        head = DerivationStep("cotangent", r"\varphi = U : F \text{ for a } U "
                              r"\text{ shaped like } F",
                              phi, define_l, define_t)
        out.insert(0, head)
        out.append(DerivationStep(last.rule, last.identity, last.subject, vjp_l, vjp_t))
        result_l = f"{lhs_latex} = {self._rendered_node('latex', node)}"
        result_t = f"{lhs_text} = {self._rendered_node('text', node)}"
        out.append(DerivationStep(IDENTITY.name, IDENTITY.latex, parts.of, result_l,
                                  result_t))
        return out

    def _rendered_node(self, style, node):
        return self._renderer(style).expr(node)


class Hessian(Jacobian):
    """The Hessian ∂²f/∂X∂Y: the Jacobian of the gradient ∇_X f with respect to Y."""

    kind = "Hessian"

    def __init__(self, parts, base_problem, x, y, grad_node, grad_steps, grad_problem):
        super().__init__(parts, base_problem)
        self.x, self.y = x, y
        self.gradient = Gradient(grad_problem, x, grad_node, grad_steps)
        self.layout = "entry [a, b] is ∂²f/∂X_a∂Y_b: the axes of X first, then those of Y"

    @property
    def lhs_latex(self) -> str:
        p, f = self.problem, self.base_problem.objective
        x, y = p.latex.get(self.x, self.x), p.latex.get(self.y, self.y)
        den = rf"\partial {x}^{{2}}" if self.x == self.y else rf"\partial {x}\,\partial {y}"
        return rf"\frac{{\partial^{{2}} {p.latex.get(f, f)}}}{{{den}}}"

    @property
    def lhs_text(self) -> str:
        r = self._renderer("text")
        f = r.name(self.base_problem.objective)
        if self.x == self.y:
            return f"∂²{f}/∂{r.name(self.x)}²"
        return f"∂²{f}/∂{r.name(self.x)}∂{r.name(self.y)}"

    @property
    def function_name(self) -> str:
        f = names.python_name(self.base_problem.objective)
        tail = names.python_name(self.x) if self.x == self.y else \
            f"{names.python_name(self.x)}_{names.python_name(self.y)}"
        return f"hessian_{f}_{tail}"

    @property
    def _accepts(self):
        p, f = self.problem, self.base_problem.objective
        return (ir.Ref(f, p.shape_of(f)), p.node_of(self.x), p.node_of(self.y))

    def _layout_note(self) -> str:
        r = self._renderer("text")
        f = r.name(self.base_problem.objective)
        return (f", entry [a, b] is ∂²{f}/∂{r.name(self.x)}_a∂{r.name(self.y)}_b, the "
                f"axes of {r.name(self.x)} first")

    def _layout_latex(self) -> str:
        p, f = self.problem, self.base_problem.objective
        return (rf"\text{{entry }} [a, b] = \partial^{{2}} {p.latex.get(f)} / \partial "
                rf"{{{p.latex.get(self.x)}}}_a \partial {{{p.latex.get(self.y)}}}_b")

    @property
    def steps(self) -> list:
        """The gradient's derivation, then the Jacobian of the gradient."""
        if "_hsteps" not in self.__dict__:
            self.__dict__["_hsteps"] = list(self.gradient.steps) + self._sweep_steps(
                self.parts, self.lhs_latex, self.lhs_text, self.node)
        return self.__dict__["_hsteps"]


class HVP(_Derivative):
    """The Hessian-vector product (∇²f) v: the gradient of ψ = ∇_X f : v."""

    kind = "Hessian-vector product"

    def __init__(self, problem, x, node, steps, base_problem, v, grad_steps, grad_problem,
                 grad_node):
        super().__init__(problem, x, node, steps)
        self.base_problem = base_problem
        self.direction = v
        self.gradient = Gradient(grad_problem, x, grad_node, grad_steps)

    @property
    def lhs_latex(self) -> str:
        p, f = self.problem, self.base_problem.objective
        return (rf"\nabla^{{2}}_{{{p.latex.get(self.wrt, self.wrt)}}} "
                rf"{p.latex.get(f, f)}\; {p.latex.get(self.direction.name)}")

    @property
    def lhs_text(self) -> str:
        r = self._renderer("text")
        return (f"∇²_{r.name(self.wrt)} {r.name(self.base_problem.objective)} "
                f"{r.name(self.direction.name)}")

    @property
    def function_name(self) -> str:
        return (f"hvp_{names.python_name(self.base_problem.objective)}_"
                f"{names.python_name(self.wrt)}")

    @property
    def _accepts(self):
        p, f = self.problem, self.base_problem.objective
        return (ir.Ref(f, p.shape_of(f)), p.node_of(self.wrt), self.direction)

    @property
    def steps(self) -> list:
        """The gradient's derivation, then the sweep of ψ = ∇f : v."""
        if "_vsteps" not in self.__dict__:
            self.__dict__["_vsteps"] = list(self.gradient.steps) + list(
                Gradient.steps.func(self))
        return self.__dict__["_vsteps"]
