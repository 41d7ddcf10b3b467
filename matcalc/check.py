"""`check`: is a hand-derived gradient right, and if not, how is it wrong?

Contract: `check(doc, wrt, claim)` reads the claim (LaTeX in the document's names: a
right-hand side, or ``\\frac{\\partial L}{\\partial z_i} = ...`` in index notation) in
the document's context, evaluates it and the derived gradient at several random points,
and returns a `CheckResult`. A diagnosis (wrong sign, a constant factor, the transpose)
is given only when it holds at EVERY point; otherwise the entries that differ are named,
with the term of the gradient the claim lacks, or the place where one local edit makes it
right (repair.py). Entries that are not finite on both sides (outside a function's domain)
say nothing; finite on one side only is a difference. A claim that is wrong in full but
right when one of the document's intermediates is held constant (no gradient through it)
says which (``right if p is held constant``). A claim ill-shaped as written is a
ShapeError (bad input), which names the edit that makes it right when there is one.

`Judge` is the comparison itself, shared with `check_all` (claims.py): the derived gradient
at fixed random points, against which any number of claims (syntax) are evaluated.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from . import codegen, ir, names, numeric
from .errors import MatcalcError, ParseError, ShapeError
from .lower import Lowerer, lower_claim
from .problem import Problem
from .read import syntax as S
from .render import Renderer

TOLERANCE = 1e-6          # largest relative difference of a right claim
SATURATED = 1e-6          # a point's scale is at least this times the median point's


@dataclass(frozen=True)
class CheckResult:
    """Outcome of `check`: `ok`, the largest relative error, a diagnosis in words, and
    the correct gradient (LaTeX). `held` names the intermediate (LaTeX) with which held
    constant the claim is right, if it is wrong in full but right so; `how` is the
    diagnosis alone (LaTeX only between $...$), `lhs_latex` the derivative checked."""
    ok: bool
    error: float
    message: str
    expected_latex: str
    claim_latex: str
    notes: tuple = ()         # what the reader skipped or inferred in the document
    held: str | None = None
    how: str = ""
    lhs_latex: str = ""

    def __bool__(self):
        return self.ok

    def report(self, fmt: str = "text") -> str:
        """The verdict in `fmt`: text (the message), markdown or latex (the claim and the
        gradient as displayed equations)."""
        if fmt == "text":
            return self.message
        word = "correct" if self.ok else "wrong"
        lhs = self.lhs_latex or r"\text{the gradient}"
        how = f"; {self.how}" if self.how else ""
        if fmt != "markdown":
            how = latex_text(how)
        if fmt == "markdown":
            return (f"**{word}**{how}\n\n- claim: $${lhs} = {self.claim_latex}$$\n"
                    f"- gradient: $${lhs} = {self.expected_latex}$$")
        return (f"\\textbf{{{word}}}{how}\n\\[ \\text{{claim: }} {lhs} = {self.claim_latex} \\]\n"
                f"\\[ \\text{{gradient: }} {lhs} = {self.expected_latex} \\]")

    def _repr_markdown_(self):
        return self.report("markdown")


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


def _unknown_arguments(fn, kwargs) -> list:
    """The keyword-only arguments of the generated claim function that no input provides."""
    code = fn.__code__
    kwonly = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    defaults = fn.__kwdefaults__ or {}
    return [k for k in kwonly if k not in kwargs and k not in defaults]


def _letters(e):
    """The one-letter names of a juxtaposed subscript ``{ij}``, or None."""
    if isinstance(e, S.Sym) and e.accent is None and e.layer is None:
        return [e]
    if isinstance(e, S.BinOp) and e.op == S.MUL:
        a, b = _letters(e.left), _letters(e.right)
        return a + b if a is not None and b is not None else None
    return None


def split_indices(index_syntax, ndim: int):
    """The indices of ``\\partial W_{ij}``: a single subscript ``{ij}`` of a variable with
    `ndim` axes is the `ndim` indices i, j when it has that many letters."""
    index_syntax = tuple(index_syntax)
    if len(index_syntax) == 1 and ndim > 1:
        letters = _letters(index_syntax[0])
        if letters is not None and len(letters) == ndim:
            return tuple(letters)
    return index_syntax


@dataclass(frozen=True)
class Outcome:
    """A claim compared with a gradient: `ok`, the largest relative error `worst`, and the
    diagnosis in words (empty when ok)."""
    ok: bool
    worst: float
    diagnosis: str = ""


class Judge:
    """The gradient `g` of a document evaluated at `trials` random points; claims (syntax,
    in the document's context) are evaluated at the same points and compared.
    `claim_shape`, when set, is the shape a claim is read in (a Hessian's, shape(x) +
    shape(y): hessian_claims.py); by default the variable's."""

    claim_shape = None

    def __init__(self, document: S.Document, g, seed: int = 0, trials: int = 3):
        self.document, self.g = document, g
        problem = g.problem
        obj_fn = g.objective_numpy()
        rng = np.random.default_rng(seed)
        self.seed = seed
        self.points = [numeric.sample_inputs(problem, rng, obj_fn) for _ in range(trials)]
        self.expected = self._at_points(g.to_numpy())
        self._held = None           # (keyword, name syntax) of intermediates to hold
        self._held_values = {}      # keyword -> gradient with it held, at the points

    def _at_points(self, fn, what: str = "the gradient") -> list:
        """fn's values at the points. A linear-algebra failure there (the inverse of a
        matrix singular by construction, (A - A)^{-1}) is a MatcalcError saying so, not a
        traceback: no comparison is made at such a point."""
        out = []
        for kw in self.points:
            with np.errstate(all="ignore"):
                try:
                    out.append(np.asarray(numeric.call(fn, kw), dtype=float))
                except np.linalg.LinAlgError as err:
                    raise MatcalcError(f"cannot check the claim: {what} cannot be evaluated "
                                       f"at a point tried ({err}: a matrix singular for "
                                       "every input?)") from None
        return out

    def evaluate(self, value, index_syntax, helpers, src: str, layout: str = "numerator",
                 seen: dict | None = None):
        """(the claim's LaTeX as read, its values at the points). Raises MatcalcError when
        the claim cannot be read in the document's context (located in `src`). A Jacobian
        the claim writes is read in `layout`; `seen` gets what was read so (`lower_claim`;
        `layouts.readings` reads a claim in both)."""
        g = self.g
        problem = g.problem
        shape = problem.shape_of(g.wrt) if self.claim_shape is None else self.claim_shape
        index_syntax = split_indices(index_syntax, len(shape))
        try:
            node, defs, order, spelled = lower_claim(self.document, shape, value,
                                            index_syntax, helpers, src,
                                            bars=getattr(problem, "vector_bars", None),
                                            rows=getattr(problem, "member_rows", None),
                                            objective=problem.objective, layout=layout,
                                            seen=seen)
            # the gradient's named adjoints are not the claim's: a claim's own
            # `where \bar{q} = ...` is what its \bar{q} means (it was replaced by the
            # gradient's \bar{q} of the same name, and any claim so written was right)
            adjoints = set(getattr(problem, "adjoints", ()))
            mine = {k: b for k, b in problem.defs.items() if k not in adjoints}
            extra = [k for k in order if k not in mine]
            full = Problem(problem.inputs, dict(mine, **{k: defs[k] for k in extra}),
                           [k for k in problem.order if k not in adjoints] + extra,
                           problem.objective,
                           dict(problem.latex, **{k: spelled[k] for k in extra if k in spelled}),
                           problem.dims)
            fn = codegen.compile_module(codegen.generate(full, ir.Ref("__claim", node.shape),
                                                         "claim", also=g._accepts), "claim")
            latex = Renderer(full).expr(node)
            unknown = _unknown_arguments(fn, self.points[0]) if self.points else []
            if unknown:   # a name the document does not have (1_n_1 read as 1_n, _1)
                raise ParseError(f"cannot read the claim: it uses {', '.join(unknown)}, which "
                                 "the document does not declare")
        except MatcalcError:
            raise
        except (ir.IRError, RecursionError) as err:
            raise MatcalcError(f"cannot read the claim: {err}") from None
        return latex, self._at_points(fn, "the claim")

    def compare(self, got: list, want: list | None = None) -> Outcome:
        """Compare claim values with the gradient's (or with `want`) at every point."""
        want = self.expected if want is None else want
        wrt = self.g.problem.latex.get(self.g.wrt, self.g.wrt)
        worst, pairs, compared = 0.0, [], 0
        # a point where the gradient all but vanishes (a saturated tanh: 4e-12) is compared
        # on the scale of a typical point's gradient, not on its own rounding noise; the
        # median point's, so that one huge gradient (a nearly singular X^{-12}: 1e90) does
        # not make every other point's difference look small (2 + G was judged right)
        sizes = [max(_finite_max(a), _finite_max(b)) for a, b in zip(got, want)
                 if a.shape == b.shape]
        floor = SATURATED * float(np.median(sizes)) if sizes else 0.0
        for a, b in zip(got, want):
            if a.ndim == 0 and b.ndim and a == 0:
                a = np.zeros(b.shape)   # a claimed 0 is the zero array of the gradient's shape
            if a.shape != b.shape:
                if a.ndim == 2 and a.shape == b.shape[::-1] and np.allclose(a.T, b):
                    return Outcome(False, float("inf"), "the claim is the transpose of the "
                                   "gradient")
                return Outcome(False, float("inf"), f"the claim has shape {a.shape} but the "
                               f"gradient has shape {b.shape} (the shape of ${wrt}$)")
            # entries where neither is finite (outside a function's domain) say nothing;
            # finite on one side only is a difference
            fa, fb = np.isfinite(a), np.isfinite(b)
            if np.any(fa != fb):
                return Outcome(False, float("inf"), "the claim is not finite where the "
                               "gradient is, or finite where it is not")
            a, b = np.where(fa, a, 0.0), np.where(fb, b, 0.0)
            compared += int(np.sum(fa))
            # relative to the gradient's own scale: a tiny gradient is still compared
            scale = max(float(np.max(np.abs(b), initial=0.0)),
                        float(np.max(np.abs(a), initial=0.0)), floor, 1e-300)
            worst = max(worst, float(np.max(np.abs(a - b), initial=0.0)) / scale)
            pairs.append((a, b))
        if not compared and any(x.size for x in want):
            raise MatcalcError("cannot check the claim: the gradient is not finite at any "
                               "point tried")
        if worst < TOLERANCE:
            return Outcome(True, worst)
        return Outcome(False, worst, diagnose(pairs))

    def missing_term(self, got: list):
        """The term of the gradient (text) that the claim lacks, when the claim equals the
        gradient without that one term at every point; else None."""
        node = self.g.node
        if not isinstance(node, ir.Add) or len(node.terms) < 2:
            return None
        g = self.g
        for k, (term, coeff) in enumerate(zip(node.terms, node.coeffs)):
            rest = ir.add([t for j, t in enumerate(node.terms) if j != k],
                          [c for j, c in enumerate(node.coeffs) if j != k])
            try:
                fn = codegen.compile_module(codegen.generate(g.problem, rest, "rest",
                                                             also=g._accepts), "rest")
            except (MatcalcError, ir.IRError):
                continue
            if self.compare(got, self._at_points(fn)).ok:
                return Renderer(g.problem, "latex").expr(ir.add([term], [coeff]))
        return None

    def held_right(self, got: list):
        """The intermediate (LaTeX) with which held constant the gradient equals the claim
        values `got`, or None: the definitions the objective uses, nearest the objective
        first (``p`` before the ``\\hat p`` it normalises); only those that change the
        gradient when held count."""
        if self._held is None:
            self._held = _held_candidates(self)
        for kw, target in self._held:
            want = self._held_gradient(kw, target)
            if want is not None and self.compare(got, want).ok:
                return self.g.problem.latex.get(kw, kw)
        return None

    def symmetric_right(self, value, index_syntax, helpers, src):
        """The square-matrix inputs (LaTeX names) that, taken symmetric, make the wrong
        claim right: the claim and the gradient agree at points where they are drawn
        symmetric (positive definite, an open set of the symmetric matrices, so agreement
        there is agreement for every symmetric value the formulas are defined at). One
        input alone if one does, else all of them together; None when even that does not.
        A covariance Σ in a Gaussian likelihood is symmetric although the post never
        declares it so: its claim ``-\\tfrac{N}{2}\\Sigma^{-1} + ...`` is then wrong for a
        general Σ only."""
        problem = self.g.problem
        said = set(getattr(problem, "symmetric", {}))
        cands = [k for k, v in problem.inputs.items() if k not in said and
                 len(v.shape) == 2 and ir.same_dim(*v.shape)]
        if not cands:
            return None
        tries = [[k] for k in cands] + ([cands] if len(cands) > 1 else [])
        for ks in tries:
            try:
                if self._right_if_symmetric(value, index_syntax, helpers, src, ks):
                    return [problem.latex.get(k, k) for k in ks]
            except MatcalcError:
                continue
        return None

    def _right_if_symmetric(self, value, index_syntax, helpers, src, ks) -> bool:
        problem = self.g.problem
        taken = dataclasses.replace(problem, symmetric={
            **getattr(problem, "symmetric", {}), **{k: (0, "supposed") for k in ks}})
        rng = np.random.default_rng(self.seed + 1)
        return self._right_at([numeric.sample_inputs(taken, rng, self.g.objective_numpy())
                               for _ in self.points], value, index_syntax, helpers, src)

    def _right_at(self, points, value, index_syntax, helpers, src) -> bool:
        """Does the claim equal the gradient at `points` (instead of the judge's own)?"""
        other = Judge.__new__(Judge)
        other.__dict__.update(self.__dict__)
        other.points = points
        other.expected = other._at_points(self.g.to_numpy())
        _, got = other.evaluate(value, index_syntax, helpers, src)
        return other.compare(got).ok

    def right_if(self, value, index_syntax, helpers, src, diagnosis):
        """The reason of a wrong claim that is right for a symmetric matrix input
        (`symmetric_right`) or where an input sums to 1 (`normalised_right`), tried in that
        order; None when neither makes it right."""
        sym = self.symmetric_right(value, index_syntax, helpers, src)
        if sym:
            return symmetric_reason(sym, diagnosis,
                                    self.g.problem.latex.get(self.g.wrt, self.g.wrt))
        summed = self.normalised_right(value, index_syntax, helpers, src)
        return normalised_reason(summed, diagnosis) if summed else None

    def normalised_right(self, value, index_syntax, helpers, src):
        """(LaTeX name, "entries" | "columns" | "rows") of the one array input that, drawn
        with entries summing to 1 -- a vector, or a matrix by columns or by rows -- makes
        the wrong claim right: a one-hot label or a probability vector, as softmax
        cross-entropy posts mean y (their ``\\hat y - y`` is right only where 1ᵀy = 1).
        Drawn from the open simplex, so agreement there is agreement on the whole affine
        set the sum fixes (the formulas are analytic). None when no input does."""
        problem, g = self.g.problem, self.g
        rng = np.random.default_rng(self.seed + 2)
        for k, var in problem.inputs.items():
            if k == g.wrt or len(var.shape) not in (1, 2):
                continue
            for axis in ((0,) if len(var.shape) == 1 else (0, 1)):
                points = []
                for p in self.points:
                    q = dict(p)
                    key = names.python_name(k)
                    q[key] = numeric.on_simplex(rng, np.shape(p[key]), axis)
                    points.append(q)
                try:
                    if self._right_at(points, value, index_syntax, helpers, src):
                        how = ("entries" if len(var.shape) == 1 else
                               "columns" if axis == 0 else "rows")
                        return problem.latex.get(k, k), how
                except MatcalcError:
                    continue
        return None

    def _held_gradient(self, kw, target):
        """The gradient with `kw` held constant at the points (None if it cannot be
        computed or is the gradient itself); computed once per intermediate."""
        from .api import gradient
        if kw not in self._held_values:
            doc = self.document
            held_doc = dataclasses.replace(doc, statements=doc.statements + (S.Hold(target),))
            try:
                hg = gradient(held_doc, self.g.key, self.g.problem.objective)
                want = self._at_points(hg.to_numpy())
                self._held_values[kw] = None if self.compare(want).ok else want
            except MatcalcError:
                self._held_values[kw] = None
        return self._held_values[kw]


def _held_candidates(judge: Judge) -> list:
    """(keyword, name syntax) of each definition the objective uses, nearest it first."""
    g = judge.g
    problem = g.problem
    adjoints = set(getattr(problem, "adjoints", ()))
    lw = Lowerer(judge.document)
    lw.collect()
    out = []
    for kw in reversed(problem.needed([problem.defs[problem.objective]])):
        if kw in adjoints or kw == g.wrt or kw in problem.held or kw not in lw.defsrc:
            continue
        target = lw.defsrc[kw].stmt.target
        target = target.base if isinstance(target, S.Sub) else target
        if names.keyword_of(target) == kw:
            out.append((kw, target))
    return out


def check(doc, wrt, claim: str, objective=None, seed: int = 0, trials: int = 3) -> CheckResult:
    r"""Is `claim` (LaTeX, in the document's names) the gradient of the objective with
    respect to `wrt`? The claim is a right-hand side, or ``\\frac{\\partial L}{\\partial
    z_i} = ...`` in index notation (its free indices are the subscripts of the variable).
    Compares numerically at random inputs and diagnoses a wrong claim (sign, constant
    factor, transpose, which entries; right if an intermediate is held constant)."""
    from .api import _document, gradient
    document = _document(doc)
    g = gradient(document, wrt, objective)
    value, index_syntax, helpers = _claim_value(claim)
    if not index_syntax and g.member_form:
        # wrt asked as a member (z_i): a bare claim is in the member's index, as printed
        from .api import parse
        index_syntax = parse(wrt).statements[-1].value.subs
    judge = Judge(document, g, seed, trials)
    base = dict(expected_latex=g.latex(), notes=tuple(g.notes), lhs_latex=g.lhs_latex)
    from .layouts import judged, readings
    try:
        rs = readings(judge, value, index_syntax, helpers, claim)
    except ShapeError as err:
        # ill-shaped as written (bad input), said with the one local edit that makes it
        # right, if there is one
        from .repair import locate
        where = locate(judge, value, index_syntax, helpers, claim)
        if not where:
            raise
        raise ShapeError(f"{err.bare_message}; {plain(where)}", err.line, err.column,
                         err.source, err.end_column) from None
    base["claim_latex"] = rs[0].latex
    if len(rs) > 1:             # a square Jacobian: layouts that fit, different numbers
        ok, worst, how = judged(judge, rs)
        msg = (f"correct: {plain(how)}" if ok else
               f"wrong: the claim differs from {g.lhs_text}: {plain(how)}.\nThe gradient is "
               f"{g.lhs_text} = {g.text()}")
        return CheckResult(ok, worst, msg, how=how, **base)
    got = rs[0].values
    out = judge.compare(got)
    if out.ok:
        msg = f"correct: the claim agrees with {g.lhs_text} (max relative error {out.worst:.1e})"
        if rs[0].why:
            msg += f"; {plain(rs[0].why)}"
        return CheckResult(True, out.worst, msg, how=rs[0].why, **base)
    held = judge.held_right(got) if np.isfinite(out.worst) else None
    special = None if held else judge.right_if(value, index_syntax, helpers, claim,
                                               out.diagnosis)
    if held:
        how = f"right if ${held}$ is held constant"
    elif special:
        how = special
    else:
        how = explain(judge, out, value, index_syntax, helpers, claim)
    if np.isfinite(out.worst):
        msg = (f"wrong: the claim differs from {g.lhs_text} (max relative error "
               f"{out.worst:.2g}); {plain(how)}.")
    else:
        msg = f"wrong: {plain(how)}."
    msg += f"\nThe gradient is {g.lhs_text} = {g.text()}"
    return CheckResult(False, out.worst, msg, held=held, how=how, **base)


_SUMS = {"entries": "the entries of {} sum to 1", "columns": "each column of {} sums to 1",
         "rows": "each row of {} sums to 1"}


def normalised_reason(found, diagnosis: str) -> str:
    """The reason of a claim right only where an input sums to 1 (`normalised_right`)."""
    name, how = found
    return (f"wrong for a general ${name}$ ({diagnosis}); right if "
            f"{_SUMS[how].format(f'${name}$')} (a one-hot label or a probability vector)")


def symmetric_reason(latex_names, diagnosis: str, wrt_latex: str = "") -> str:
    """The reason of a claim right only for symmetric inputs (`Judge.symmetric_right`).
    When the variable itself is one of them, stating its symmetry would not help (the
    gradient wrt a symmetric matrix has two conventions, refused): the reason says the
    claim is the gradient of independent entries at a symmetric point."""
    them = " and ".join(f"${n}$" for n in latex_names)
    say = " and ".join(f"${n} = {n}^T$" for n in latex_names)
    if wrt_latex in latex_names:
        return (f"wrong for a general {them} ({diagnosis}); right at every symmetric "
                f"{them}: it is the gradient with every entry independent, evaluated where "
                f"{say} (as for a covariance)")
    one = len(latex_names) == 1
    return (f"wrong for a general {them} ({diagnosis}); right if {them} "
            f"{'is' if one else 'are'} symmetric: state {say} (or declare "
            f"{'it' if one else 'them'} in \\mathbb{{S}}^n) if {'it is' if one else 'they are'}, "
            f"as a covariance is")


def explain(judge: Judge, out: Outcome, value, index_syntax, helpers, src: str) -> str:
    """How a wrong claim (values compared in `out`) differs: the diagnosis, then the term
    it lacks, or where one local edit makes it right (LaTeX pieces between $)."""
    how = out.diagnosis
    if global_diagnosis(how):
        return how
    if np.isfinite(out.worst):
        _, got = judge.evaluate(value, index_syntax, helpers, src)
        lacks = judge.missing_term(got)
        if lacks is not None:
            return f"{how}; it lacks the term ${lacks}$ of the gradient"
    from .repair import locate
    where = locate(judge, value, index_syntax, helpers, src)
    return how + (f"; {where}" if where else "")


def plain(text: str) -> str:
    """A diagnosis for the terminal: the $ around its LaTeX pieces dropped."""
    return text.replace("$", "")


def latex_text(marked: str) -> str:
    """A reason for LaTeX text mode: the pieces between $ stay math, the rest is escaped
    (a `quoted` piece becomes typewriter text)."""
    out = []
    for k, piece in enumerate(marked.split("$")):
        if k % 2:
            out.append(f"${piece}$")
            continue
        for j, bit in enumerate(piece.split("`")):
            esc = "".join(_ESCAPES.get(ch, ch) for ch in bit)
            out.append(f"\\texttt{{{esc}}}" if j % 2 else esc)
    return "".join(out)


_ESCAPES = {"\\": r"\textbackslash{}", "_": r"\_", "^": r"\^{}", "&": r"\&", "%": r"\%",
            "#": r"\#", "{": r"\{", "}": r"\}", "~": r"\~{}"}


def global_diagnosis(how: str) -> bool:
    """A diagnosis that already says what is wrong everywhere (sign, factor, transpose):
    no place in the claim is looked for."""
    return how.startswith(("it has the wrong sign", "it is off by", "it is the transpose",
                           "the claim is the transpose"))


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


def _finite_max(x) -> float:
    """The largest finite |entry| of the array x (0 for none)."""
    x = np.asarray(x, dtype=float)
    return float(np.max(np.abs(x[np.isfinite(x)]), initial=0.0))
