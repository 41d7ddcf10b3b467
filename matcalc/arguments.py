"""The variable asked for, written as an argument of the objective but absent from its value.

``\\mathcal{L}(\\theta) = -\\frac12 y^\\top K_y^{-1} y - \\frac12 \\log|K_y|`` (a Gaussian
process's log marginal likelihood, corpus 190) says L is a function of θ, yet θ stands
nowhere on the right: the text means that K_y depends on θ and does not say how. The
gradient of the formula as written is 0, which is not the page's ∂L/∂θ_j, so it is refused
at the argument instead of being printed as 0. A variable the objective's left side does
not name (``L = y^T K^{-1} y`` with θ declared and unused) keeps its gradient 0: nothing in
the text says L depends on it.

Contract: `refuse_unused_argument(problem, kw)` returns None, or raises a located
`MatcalcError` when `kw` is a parameter of the objective's definition (``L(\\theta) = ...``)
and no definition the objective reaches uses `kw` nor any other of its parameters, in
the IR or in the text as written (``f(x, y) = y^T y`` wrt x keeps its gradient 0: the value
depends on what it is written of; so does ``f(u) = h - h``, which writes u through h and
cancels it).
"""
from __future__ import annotations

from . import ir
from .errors import ParseError, error_at


def uses_input(problem, name: str, kw: str) -> bool:
    """Does definition `name` (or an input named so) reach the input `kw`, through the
    definitions it refers to?"""
    seen, todo = set(), [name]
    while todo:
        n = todo.pop()
        if n == kw:
            return True
        if n in seen or n not in problem.defs:
            continue
        seen.add(n)
        for node in ir.walk(problem.defs[n]):
            if isinstance(node, ir.Var) and node.name == kw:
                return True
            if isinstance(node, ir.Ref):
                todo.append(node.name)
    return False


def refuse_unused_argument(problem, kw) -> None:
    """Refuse a gradient wrt an argument of the objective's left side that its value never
    uses (the dependence is left to the reader: 0 would be a wrong answer, not a reading)."""
    span = problem.arguments.get(kw)
    if span is None or kw not in problem.inputs or any(
            a in problem.written_reach or uses_input(problem, problem.objective, a)
            for a in problem.arguments):
        return      # f(x, y) = y^T y: written of y too, and uses it -- x may well not matter;
        #             f(u) = h - h with h = u^T b: written with u, its gradient 0 is a reading
    f = problem.latex.get(problem.objective, problem.objective)
    x = problem.latex.get(kw, kw)
    raise error_at(
        ParseError,
        f"{f} is written as a function of {x}, but its value does not use {x}: the text "
        f"does not say how the names in it depend on {x} (a matrix or function of {x} "
        f"written without its argument, such as a covariance K of hyperparameters), so "
        f"the gradient wrt {x} cannot be read -- the formula as written gives 0; define "
        f"that dependence, or ask for the gradient wrt a name the value uses",
        span, problem.source)
