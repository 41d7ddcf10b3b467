"""`check`: is a hand-derived gradient right, and if not, how is it wrong?

Contract: `check(doc, wrt, claim)` reads the claim (LaTeX in the document's names: a
right-hand side, or ``\\frac{\\partial L}{\\partial z_i} = ...`` in index notation) in
the document's context, evaluates it and the derived gradient at several random points,
and returns a `CheckResult`. A diagnosis (wrong sign, a constant factor, the transpose)
is given only when it holds at EVERY point; otherwise the entries that differ are named.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import codegen, ir, numeric
from .errors import MatcalcError, ParseError
from .lower import lower_claim
from .read import syntax as S
from .render import Renderer


@dataclass(frozen=True)
class CheckResult:
    """Outcome of `check`: `ok`, the largest relative error, a diagnosis in words, and
    the correct gradient (LaTeX)."""
    ok: bool
    error: float
    message: str
    expected_latex: str
    claim_latex: str
    notes: tuple = ()         # what the reader skipped or inferred in the document

    def __bool__(self):
        return self.ok

    def _repr_markdown_(self):
        return self.message


def _claim_value(claim: str):
    r"""(value expression, index syntax, helper definitions) of a claim: a bare expression,
    ``G = ...``, or ``\frac{\partial L}{\partial X_{ij}} = ...`` whose subscripts name the free
    indices; other definitions in the claim (``where S = Diag(s)``) are helpers."""
    from .api import parse
    claim_doc = parse(claim)
    if not claim_doc.statements:
        raise ParseError("the claim is empty")
    main, helpers = None, []
    for st in claim_doc.statements:
        if main is None and isinstance(st, S.Bare):
            main = (st.value, ())
            continue
        if isinstance(st, S.Def):
            t = st.target
            while isinstance(t, (S.BinOp, S.Apply)):
                t = t.left if isinstance(t, S.BinOp) else t.func  # \frac{\partial}{\partial x} F(..)
            if isinstance(t, S.Frac):
                if main is None:
                    den = t.den.right if isinstance(t.den, S.BinOp) else None
                    main = (st.value, den.subs if isinstance(den, S.Sub) else ())
                continue
            if st.target is not None:
                helpers.append(st)
    if main is None:
        last = claim_doc.statements[-1]
        if isinstance(last, S.Def):
            main, helpers = (last.value, ()), [h for h in helpers if h is not last]
        else:
            raise ParseError("the claim must be an expression for the gradient, or "
                             "\\frac{\\partial L}{\\partial X} = ...")
    return main[0], main[1], helpers


def check(doc, wrt, claim: str, objective=None, seed: int = 0, trials: int = 3) -> CheckResult:
    r"""Is `claim` (LaTeX, in the document's names) the gradient of the objective with
    respect to `wrt`? The claim is a right-hand side, or ``\\frac{\\partial L}{\\partial
    z_i} = ...`` in index notation (its free indices are the subscripts of the variable).
    Compares numerically at random inputs and diagnoses a wrong claim (sign, constant
    factor, transpose, which entries)."""
    from .api import _document, gradient
    from .problem import Problem
    document = _document(doc)
    g = gradient(document, wrt, objective)
    value, index_syntax, helpers = _claim_value(claim)
    try:
        claim_node, defs, order = lower_claim(document, g.problem.shape_of(g.wrt), value,
                                              index_syntax, helpers, claim,
                                              bars=getattr(g.problem, "vector_bars", None))
    except MatcalcError:
        raise
    except ir.IRError as err:
        raise MatcalcError(f"cannot read the claim: {err}") from None
    problem = g.problem
    extra = [k for k in order if k not in problem.defs]
    full = Problem(problem.inputs, dict(problem.defs, **{k: defs[k] for k in extra}),
                   list(problem.order) + extra, problem.objective, problem.latex,
                   problem.dims)
    claim_ref = ir.Ref("__claim", claim_node.shape)
    claim_fn = codegen.compile_module(codegen.generate(full, claim_ref, "claim", also=g._accepts),
                                      "claim")
    grad_fn = g.to_numpy()
    obj_fn = g.objective_numpy()
    rng = np.random.default_rng(seed)
    worst, pairs = 0.0, []
    claim_latex = Renderer(full).expr(claim_node)
    for _ in range(trials):
        kwargs = numeric.sample_inputs(problem, rng, obj_fn)
        with np.errstate(all="ignore"):
            expected = np.asarray(numeric.call(grad_fn, kwargs), dtype=float)
            got = np.asarray(numeric.call(claim_fn, kwargs), dtype=float)
        if got.shape != expected.shape:
            if got.ndim == 2 and got.shape == expected.shape[::-1] and np.allclose(got.T, expected):
                return CheckResult(False, float("inf"), "wrong: the claim is the transpose of "
                                   "the gradient", g.latex(), claim_latex, tuple(g.notes))
            return CheckResult(False, float("inf"),
                               f"wrong: the claim has shape {got.shape} but the gradient has "
                               f"shape {expected.shape} (the shape of {wrt})", g.latex(),
                               claim_latex, tuple(g.notes))
        # relative to the gradient's own scale: a tiny gradient is still compared
        scale = max(float(np.max(np.abs(expected), initial=0.0)),
                    float(np.max(np.abs(got), initial=0.0)), 1e-300)
        worst = max(worst, float(np.max(np.abs(got - expected), initial=0.0)) / scale)
        pairs.append((got, expected))
    diag = "" if worst < 1e-6 else diagnose(pairs)
    ok = worst < 1e-6
    if ok:
        msg = f"correct: the claim agrees with {g.lhs_text} (max relative error {worst:.1e})"
    else:
        msg = (f"wrong: the claim differs from {g.lhs_text} (max relative error {worst:.2g})"
               f"{'; ' + diag if diag else ''}.\nThe gradient is {g.lhs_text} = {g.text()}")
    return CheckResult(ok, worst, msg, g.latex(), claim_latex, tuple(g.notes))


def _tiny(want):
    return 1e-9 * max(float(np.max(np.abs(want), initial=0.0)), 1e-300)


def _negated(got, want) -> bool:
    return np.allclose(got, -want, rtol=1e-6, atol=_tiny(want))


def _transposed(got, want) -> bool:
    return got.ndim == 2 and got.shape[::-1] == want.shape and got.shape[0] == got.shape[1] \
        and np.allclose(got.T, want, rtol=1e-6, atol=_tiny(want))


def _factor(got, want):
    """The one number c with got = c·want at this point, or None."""
    mask = np.abs(want) > _tiny(want)
    if not mask.any():
        return None
    ratio = got[mask] / want[mask]
    c = ratio.flat[0]
    return c if np.allclose(ratio, c, rtol=1e-6) and np.allclose(got, c * want, rtol=1e-6,
                                                                  atol=_tiny(want)) else None


def diagnose(pairs) -> str:
    """How a wrong claim differs from the gradient, said only when it holds at EVERY point
    (claim, gradient) in `pairs`: the sign, a constant factor (the same at each point:
    one point's ratio is no constant), the transpose; else which entries differ."""
    if all(_negated(g, w) for g, w in pairs):
        return "it has the wrong sign"
    if all(_transposed(g, w) for g, w in pairs):
        return "it is the transpose of the gradient"
    factors = [_factor(g, w) for g, w in pairs]
    if len(pairs) > 1 and all(c is not None for c in factors) and \
            np.allclose(factors, factors[0], rtol=1e-6):
        return f"it is off by a constant factor of {factors[0]:.6g}"
    got, want = pairs[-1]
    if got.size > 1:
        bad = np.argwhere(~np.isclose(got, want, rtol=1e-6, atol=_tiny(want)))
        if len(bad):
            return (f"{len(bad)} of {got.size} entries differ, first at index "
                    f"{tuple(int(i) for i in bad[0])}")
    return "it differs by more than a sign, a constant factor or a transpose"
