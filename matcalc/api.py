"""The public API: `gradient`, `check`, `parse`, and the result objects.

Contract (DESIGN.md): `gradient(doc, wrt, objective=None)` reads a document (text or a
parsed Document), differentiates its objective with respect to `wrt` (a LaTeX name or its
Python keyword) and returns a `Gradient`. Every failure caused by the input is a
`MatcalcError` raised here; internal failures are reported as MatcalcError naming the
construct, never as a bare traceback from the engine.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from . import codegen, ir, names, numeric
from .read import syntax as S
from .diff import DiffError, differentiate, tidy
from .errors import MatcalcError, ParseError
from .lower import Lowerer, lower_claim
from .render import Renderer, identity_text

def parse(text: str) -> S.Document:
    """Parse a document into its syntax tree (raises ParseError)."""
    from .read.parse import parse as _parse
    if not isinstance(text, str):
        raise MatcalcError(f"expected the document as a string, got {type(text).__name__}")
    return _parse(text)


def read(text: str) -> S.Document:
    """Read a document that may be a whole post (prose, inline and displayed math): a
    fragment that cannot be read is kept as `syntax.Unreadable` instead of raising, so the
    lowering can skip it, or refuse when the rest needs it (raises ParseError only when
    nothing can be read)."""
    from .read.parse import read as _read
    if not isinstance(text, str):
        raise MatcalcError(f"expected the document as a string, got {type(text).__name__}")
    return _read(text)


def _document(doc) -> S.Document:
    if isinstance(doc, S.Document):
        return doc
    return read(doc)


def _resolve_wrt(problem, wrt: str) -> str:
    if not isinstance(wrt, str) or not wrt.strip():
        raise MatcalcError("wrt must name a variable of the document, e.g. wrt=\"W\"")
    cands = list(problem.inputs) + list(problem.defs)
    if wrt in cands:
        return wrt
    for kw in cands:  # the Python keyword, or the name as Python reads it (NFKC)
        if names.python_name(wrt) == names.python_name(kw) and not wrt.startswith("\\"):
            return kw
    norm = wrt.replace(" ", "")
    for kw in cands:
        if problem.latex.get(kw, "").replace(" ", "") == norm:
            return kw
    try:
        d = parse(wrt)
        st = d.statements[-1] if d.statements else None
        if isinstance(st, S.Bare):
            kw = names.keyword_of(st.value)
            if kw is None and isinstance(st.value, S.Sub):
                kw = names.keyword_of(st.value.base)  # wrt="z_i" means the family z
            if kw in cands:
                return kw
    except MatcalcError:
        pass
    listing = ", ".join(problem.latex.get(k, k) for k in problem.inputs)
    raise MatcalcError(f"wrt={wrt!r} is not a variable of the document (its inputs: {listing})")


@dataclass(frozen=True)
class DerivationStep:
    """One printed line of a derivation: the identity used (`rule` name and `identity` in
    LaTeX), what it is about, and the resulting equation in LaTeX and text."""
    rule: str
    identity: str
    subject: str | None
    latex: str
    text: str
    uses: tuple = ()


class Gradient:
    """The gradient of a problem's objective with respect to one variable."""

    def __init__(self, problem, wrt: str, node, steps):
        self.problem = problem
        self.wrt = wrt
        self.node = node
        self._steps = steps

    @property
    def notes(self) -> list:
        """What the reader skipped or inferred: `Note`s with 1-based `line`, `column`, a
        `reason`, the fragment's `text` and a `kind` (see `matcalc.notes`)."""
        return list(getattr(self.problem, "notes", ()))

    # -------------------------------------------------------- rendering
    def latex(self) -> str:
        """The closed-form gradient (right-hand side) in LaTeX."""
        return Renderer(self.problem, "latex").expr(self.node)

    def text(self) -> str:
        return Renderer(self.problem, "text").expr(self.node)

    @property
    def lhs_latex(self) -> str:
        p = self.problem
        return (rf"\frac{{\partial {p.latex.get(p.objective, p.objective)}}}"
                rf"{{\partial {p.latex.get(self.wrt, self.wrt)}}}")

    @property
    def lhs_text(self) -> str:
        r = Renderer(self.problem, "text")
        return f"∂{r.name(self.problem.objective)}/∂{r.name(self.wrt)}"

    @cached_property
    def steps(self) -> list:
        """The derivation as DerivationStep values, in order."""
        out = []
        lr, tr = Renderer(self.problem, "latex"), Renderer(self.problem, "text")
        obj = self.problem.objective
        dl = "d" + lr.name(obj)
        dt = "d" + tr.name(obj)
        defs_shown = set()
        for st in self._steps:
            if st.rule.name == "gradient":
                lat = f"{self.lhs_latex} = {self.latex()}"
                txt = f"{self.lhs_text} = {self.text()}"
            else:
                lat = lr.form(st.form, dl)
                txt = tr.form(st.form, dt)
            if st.rule.name == "substitute" and st.subject in self.problem.defs \
                    and st.subject not in defs_shown:
                defs_shown.add(st.subject)
                body = self.problem.defs[st.subject]
                lat = (rf"{lr.name(st.subject)} = {lr.expr(body)} \;\Rightarrow\; " + lat)
                txt = f"[{tr.name(st.subject)} = {tr.expr(body)}]  " + txt
            identity = st.rule.latex
            if st.rule.name == "substitute" and st.identities:
                identity = r",\quad ".join(st.identities)
            out.append(DerivationStep(st.rule.name, identity, st.subject, lat, txt,
                                      st.identities))
        return out

    def derivation(self, fmt: str = "text") -> str:
        """The whole derivation, one step a line, each naming its identity."""
        lines = []
        for k, s in enumerate(self.steps, 1):
            if fmt == "latex":
                lines.append(rf"{s.latex} && \text{{({s.rule}: ${s.identity}$)}} \\")
            elif fmt == "markdown":
                lines.append(f"{k}. $${s.latex}$$  \n   *by {s.rule}:* ${s.identity}$")
            else:
                by = f"       by {s.rule}: {identity_text(s.identity)}"
                lines.append(f"{k:>3}. {s.text}\n{by}")
        if fmt == "latex":
            return "\\begin{aligned}\n" + "\n".join(lines) + "\n\\end{aligned}"
        return "\n".join(lines)

    def _repr_latex_(self):
        return f"$${self.lhs_latex} = {self.latex()}$$"

    def _repr_markdown_(self):
        return f"$${self.lhs_latex} = {self.latex()}$$\n\n" + self.derivation("markdown")

    def __repr__(self):
        return f"<Gradient {self.lhs_text} = {self.text()}>"

    # -------------------------------------------------------- code
    @property
    def function_name(self) -> str:
        return "grad_" + names.python_name(self.wrt)

    def numpy_source(self) -> str:
        """A NumPy module defining `grad_<wrt>(**inputs)`."""
        doc = (f"Gradient {self.lhs_text} of the document's objective.\n\n"
               f"    {self.lhs_text} = {self.text()}\n\n"
               f"    Returns an array shaped like {names.python_name(self.wrt)} "
               f"{_fmt(self.problem.shape_of(self.wrt))}.")
        return _generate(self.problem, self.node, self.function_name, doc, self._accepts)

    @property
    def _accepts(self):
        """Nodes whose inputs every generated function accepts: the objective and wrt."""
        p = self.problem
        return (ir.Ref(p.objective, p.defs[p.objective].shape), p.node_of(self.wrt))

    def to_numpy(self):
        """The generated gradient as a Python callable(**arrays) -> ndarray."""
        return codegen.compile_module(self.numpy_source(), self.function_name)

    def objective_source(self) -> str:
        p = self.problem
        return _generate(p, ir.Ref(p.objective, p.defs[p.objective].shape), "objective",
                         f"Value of {p.objective}.", self._accepts)

    def objective_numpy(self):
        """The objective's value as a callable(**arrays) -> float (used by `check`)."""
        return codegen.compile_module(self.objective_source(), "objective")

    @property
    def inputs(self) -> dict:
        """{LaTeX name: Python keyword} for every input the generated function takes
        (arrays, then dimensions no array's shape determines)."""
        inputs, required, _, _ = codegen.signature(self.problem, (self.node,), self._accepts)
        out = {self.problem.latex.get(v.name, v.name): names.python_name(v.name) for v in inputs}
        for s in required:
            out[self.problem.latex.get(s.name, s.name)] = names.python_name(s.name)
        return out


def _generate(problem, node, fname, doc, accepts):
    """codegen.generate, with what it cannot write reported as a MatcalcError."""
    try:
        return codegen.generate(problem, node, fname, doc, also=accepts)
    except (ir.IRError, RecursionError) as err:
        raise MatcalcError(f"cannot generate code for this document: {err}") from None


def _fmt(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")" if shape else "(scalar)"


def _lower(doc, objective=None):
    document = _document(doc)
    lowerer = Lowerer(document)
    try:
        return lowerer.run(objective), lowerer
    except MatcalcError:
        raise
    except (ir.IRError, RecursionError) as err:
        raise MatcalcError(f"cannot read this document: {err}") from None


def lower_document(doc, objective=None):
    return _lower(doc, objective)[0]


def gradient(doc, wrt, objective=None) -> Gradient:
    """Differentiate the document's objective with respect to `wrt`."""
    problem, lowerer = _lower(doc, objective)
    try:
        kw = _resolve_wrt(problem, wrt)
    except MatcalcError:
        # a wrt that only a fragment which cannot be read declares: say so, there
        missing = lowerer.explain_missing(wrt) if isinstance(wrt, str) else None
        if missing is not None:
            raise missing from None
        raise
    try:
        node, steps = differentiate(problem, kw)
        node = tidy(problem, node)
    except MatcalcError:
        raise
    except (DiffError, ir.IRError, RecursionError) as err:
        raise MatcalcError(f"cannot differentiate this document: {err}") from None
    bad = ir.nonfinite(node)
    if bad is not None:
        raise MatcalcError(f"the gradient wrt {problem.latex.get(kw, kw)} contains a constant "
                           f"that is not finite ({bad.value})")
    return Gradient(problem, kw, node, steps)


# ------------------------------------------------------------------ check

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
    from .problem import Problem
    document = _document(doc)
    g = gradient(document, wrt, objective)
    value, index_syntax, helpers = _claim_value(claim)
    try:
        claim_node, defs, order = lower_claim(document, g.problem.shape_of(g.wrt), value,
                                              index_syntax, helpers, claim)
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
    worst, diag = 0.0, ""
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
        err = float(np.max(np.abs(got - expected), initial=0.0)) / scale
        if err > worst:
            worst, diag = err, _diagnose(got, expected)
    ok = worst < 1e-6
    if ok:
        msg = f"correct: the claim agrees with {g.lhs_text} (max relative error {worst:.1e})"
    else:
        msg = (f"wrong: the claim differs from {g.lhs_text} (max relative error {worst:.2g})"
               f"{'; ' + diag if diag else ''}.\nThe gradient is {g.lhs_text} = {g.text()}")
    return CheckResult(ok, worst, msg, g.latex(), claim_latex, tuple(g.notes))


def _diagnose(got, want) -> str:
    tiny = 1e-9 * max(float(np.max(np.abs(want), initial=0.0)), 1e-300)
    if np.allclose(got, -want, rtol=1e-6, atol=tiny):
        return "it has the wrong sign"
    if got.ndim == 2 and got.shape == want.shape[::-1] and np.allclose(got.T, want, atol=tiny):
        return "it is the transpose of the gradient"
    if got.ndim == 2 and got.shape == want.shape and got.shape[0] == got.shape[1] \
            and np.allclose(got.T, want, atol=tiny):
        return "it is the transpose of the gradient"
    mask = np.abs(want) > tiny
    if mask.any():
        ratio = got[mask] / want[mask] if got.shape == want.shape else None
        if ratio is not None and np.allclose(ratio, ratio.flat[0], rtol=1e-6):
            return f"it is off by a constant factor of {ratio.flat[0]:.6g}"
    if got.shape == want.shape and got.size > 1:
        bad = np.argwhere(~np.isclose(got, want, rtol=1e-6, atol=tiny))
        return (f"{len(bad)} of {got.size} entries differ, first at index "
                f"{tuple(int(i) for i in bad[0])}") if len(bad) else ""
    return ""
