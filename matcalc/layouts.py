r"""A claim that writes a Jacobian, read in the layout its shapes give it -- or in both.

A backpropagation step writes the Jacobian of a vector by a vector by name,
``\frac{\partial L}{\partial x} = \frac{\partial h}{\partial x}^T \frac{\partial L}{\partial h}``.
Authors use either convention: the numerator layout (entry [a, b] of ∂h/∂x is ∂h_a/∂x_b,
m×n for h ∈ Rᵐ, x ∈ Rⁿ) or the denominator layout (its transpose). Where the claim's shapes
fit one layout only, that is the claim's; where they fit both (a square Jacobian) and the two
give different numbers, the claim is judged under each and the verdict says under which it
is right -- never one picked silently.

Contract:
  - `readings(judge, value, index_syntax, helpers, src) -> list[Reading]`: one reading when
    the claim writes no Jacobian, when its shapes fit one layout only (`Reading.why` says
    so), or when the layouts that fit give the same numbers (a symmetric Jacobian,
    Diag(σ'(z))); one reading per layout that fits otherwise. The layouts (`LAYOUTS`):
    numerator (Jacobian [∂F_a/∂V_b], a gradient by name a column, as ML notes mix them),
    denominator (the Jacobian's transpose), and the numerator layout throughout ("rows":
    a gradient by name ∂y/∂u is a row, ``\frac{\partial y}{\partial u}\frac{\partial
    u}{\partial w}``). Raises the numerator reading's MatcalcError when none can be read.
  - `judged(judge, rs) -> (ok, worst, how)`: a claim read in several layouts, compared with
    the gradient under each: right under one (`how` names it, and what the others give),
    or wrong under all (`how` gives each diagnosis).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .errors import MatcalcError

# what each layout means, for a verdict (F, V: the Jacobian's names, in LaTeX)
LAYOUTS = {
    "numerator": "the numerator layout (entry $[a, b]$ of ${J}$ is $\\partial {F}_a / \\partial {V}_b$)",
    "denominator": "the denominator layout (entry $[a, b]$ of ${J}$ is $\\partial {F}_b / "
                   "\\partial {V}_a$)",
    "rows": "the numerator layout throughout (entry $[a, b]$ of ${J}$ is $\\partial {F}_a / "
            "\\partial {V}_b$, and a derivative of a scalar by a vector is a row vector)",
}


@dataclass(frozen=True)
class Reading:
    layout: str | None     # None: no Jacobian, or both layouts give the same numbers
    latex: str
    values: list
    why: str = ""          # how the layout was decided (LaTeX between $), for a verdict


def _names(jacobians) -> str:
    """\\frac{\\partial h}{\\partial z} of each Jacobian read, for a verdict."""
    seen = dict.fromkeys(f"\\frac{{\\partial {f}}}{{\\partial {v}}}" for f, v, _, _ in jacobians)
    return ", ".join(seen)


def _meaning(layout, jacobians) -> str:
    f, v = jacobians[0][0], jacobians[0][1]
    return LAYOUTS[layout].format(J=f"\\frac{{\\partial {f}}}{{\\partial {v}}}", F=f, V=v)


def readings(judge, value, index_syntax, helpers, src) -> list:
    """The claim read in each layout that fits (module docstring)."""
    seen: dict = {}
    try:
        latex, got = judge.evaluate(value, index_syntax, helpers, src, "numerator", seen)
        first, err = Reading("numerator", latex, got), None
    except MatcalcError as e:
        first, err = None, e
    jacobians = list(seen.get("jacobians", ()))
    if not jacobians:
        if err is not None:
            raise err
        return [Reading(None, first.latex, first.values)]
    others = []
    for layout in ("denominator", "rows"):
        try:
            latex, got = judge.evaluate(value, index_syntax, helpers, src, layout, {})
            others.append(Reading(layout, latex, got))
        except MatcalcError:
            pass
    fits = [r for r in [first] + others if r is not None]
    if not fits:
        raise err
    if len(fits) == 1:
        r = fits[0]
        return [Reading(r.layout, r.latex, r.values,
                        f"${_names(jacobians)}$ read in {_meaning(r.layout, jacobians)}, the "
                        f"one layout the claim's shapes fit")]
    if all(_same(r.values, fits[0].values) for r in fits[1:]):
        return [Reading(None, fits[0].latex, fits[0].values,
                        f"${_names(jacobians)}$ gives the same numbers in "
                        + " and in ".join(_meaning(r.layout, jacobians) for r in fits))]
    return [Reading(r.layout, r.latex, r.values, _meaning(r.layout, jacobians))
            for r in fits]


def _same(a, b) -> bool:
    """The same numbers at every point (a row and a column of one vector alike)?"""
    return all(np.shape(x) == np.shape(y) and
               np.allclose(x, y, rtol=1e-12, atol=1e-300, equal_nan=True) for x, y in zip(a, b))


def judged(judge, rs) -> tuple:
    """(ok, worst error, how) of a claim read in two layouts (module docstring)."""
    outs = [judge.compare(r.values) for r in rs]
    right = [(r, o) for r, o in zip(rs, outs) if o.ok]
    wrong = [(r, o) for r, o in zip(rs, outs) if not o.ok]
    if right:
        return True, max(o.worst for _, o in right), (
            "right in " + " and in ".join(r.why for r, _ in right) + "; the claim's shapes "
            "fit more than one layout, and in " + "; in ".join(
                f"{r.why} it is wrong ({o.diagnosis})" for r, o in wrong))
    return False, min(o.worst for o in outs), "; ".join(
        f"in {r.why} {o.diagnosis}" for r, o in wrong) + \
        " (the claim's shapes fit each of these layouts; it is right in none)"
