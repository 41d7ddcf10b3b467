"""The public API: `gradient`, `check`, `parse`, and the result objects.

Contract (DESIGN.md): `gradient(doc, wrt, objective=None)` reads a document (text or a
parsed Document), differentiates its objective with respect to `wrt` (a LaTeX name or its
Python keyword) and returns a `Gradient`. Every failure caused by the input is a
`MatcalcError` raised here; internal failures are reported as MatcalcError naming the
construct, never as a bare traceback from the engine.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from functools import cached_property

from . import codegen, ir, names, powers
from .ops import opaque
from .read import syntax as S
from .read.restate import named_by_restatement
from .read.scripts import as_spelled
from .check import CheckResult, check  # noqa: F401  (the API's check lives in check.py)
from .claims import Verdict, check_all  # noqa: F401  (a verdict on every claim in a post)
from .codegen.backends import BackendViews
from .diff import differentiate, tidy, with_adjoints
from .arguments import refuse_unused_argument
from . import vanishing
from .notes import note_at
from .errors import MatcalcError
from .internal import reported
from .lower import Lowerer
from .render import Renderer, identity_text
from .render.layout import derivation_latex, result_latex

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
    return named_by_restatement(read(doc))


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
            kw = names.keyword_of(as_spelled(st.value, wrt))   # {\cal V}: V_cal if one
            kw = kw if kw in cands else names.keyword_of(st.value)
            if kw not in cands and isinstance(st.value, S.Sub):
                kw = names.keyword_of(st.value.base)  # wrt="z_i" means the family z
                if kw in cands and not problem.shape_of(kw):
                    kw = None   # a scalar's subscript is not a member of a family
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


class Gradient(BackendViews):
    """The gradient of a problem's objective with respect to one variable; its code in
    every back end: numpy_source(), source(backend), to_numpy(), to_jax(), ... ."""

    def __init__(self, problem, wrt: str, node, steps):
        self.problem = problem
        self.wrt = wrt
        self.node = node
        self._steps = steps
        self._source = None
        self._renderers = {}
        self.member = None   # index letters of a family member asked as wrt (z_i: ("i",))
        # wrt a power x^k of the scalar input `wrt` (powers.PowerOf; ∂f/∂σ²), and the
        # gradient node of x itself, which the derivation shows before the change of variable
        self.power = None
        self.base_node = None

    @property
    def key(self) -> str:
        """The Python keyword of what the gradient is taken with respect to: the variable's
        (``sigma``), or the power's (``sigma_sq`` for ∂f/∂σ²); `wrt` accepts it."""
        return self.power.keyword if self.power else names.python_name(self.wrt)

    @property
    def wrt_latex(self) -> str:
        """The variable as the document writes it (``\\sigma^{2}`` for a power)."""
        return self.power.latex if self.power else self.problem.latex.get(self.wrt, self.wrt)

    @property
    def notes(self) -> list:
        """What the reader skipped or inferred: `Note`s with 1-based `line`, `column`, a
        `reason`, the fragment's `text` and a `kind` (see `matcalc.notes`)."""
        return list(getattr(self.problem, "notes", ()))

    # -------------------------------------------------------- rendering
    def latex(self) -> str:
        """The closed-form gradient (right-hand side) in LaTeX; a large derivation names
        cotangents (``\\bar{h}_{3} = ∂f/∂h_3``), defined after ``where``."""
        return self._rendered("latex")

    def text(self) -> str:
        return self._rendered("text")

    def _renderer(self, style: str) -> Renderer:
        """One renderer per style, shared by the result and the steps: each node of the
        derivation is rendered once."""
        if style not in self._renderers:
            self._renderers[style] = Renderer(self.problem, style)
        return self._renderers[style]

    def _rendered(self, style: str, where: bool = True) -> str:
        r = self._renderer(style)
        out = self._member_form(r)
        out = r.expr(self.node) if out is None else out
        names = self._adjoints_used() if where else []
        if names:
            defs = [f"{r.name(n)} = {r.expr(self.problem.defs[n])}" for n in names]
            if style == "latex":
                out += r" \quad\text{where}\quad " + r",\; ".join(defs)
            else:
                out += ", where " + ", ".join(defs)
        return out

    def _adjoints_used(self) -> list:
        """The named adjoints the gradient refers to, first referred to first."""
        adjoints = set(getattr(self.problem, "adjoints", ()))
        if not adjoints:
            return []
        return [n for n in reversed(self.problem.needed([self.node])) if n in adjoints]

    @property
    def numerator(self) -> str:
        """The keyword of what is differentiated: the objective (a Jacobian's F)."""
        return self.problem.objective

    def _member_form(self, r):
        """The gradient for the asked member z_i of a family (∂L/∂z_i, a vector expression
        in i), when every entry of it reads as one; None otherwise."""
        if not self.member or self._member_lhs(r.style) is None:
            return None
        return r.member(self.node, self.member, self.problem.shape_of(self.wrt))

    def _member_lhs(self, style):
        """The wrt written in the asked member (z_{i}; z_i in text), if its form prints."""
        if not self.member:
            return None
        r = self._renderer(style)
        if r.member(self.node, self.member, self.problem.shape_of(self.wrt)) is None:
            return None
        name = self.problem.latex.get(self.wrt, self.wrt) if style == "latex" else \
            r.name(self.wrt)
        return r.member_name(name, self.member)

    @property
    def member_form(self) -> bool:
        """Is the result written for the asked member z_i of a family (∂L/∂z_i = ...)?"""
        return self._member_lhs("latex") is not None

    @property
    def lhs_latex(self) -> str:
        p, top = self.problem, self.numerator
        x = self._member_lhs("latex") or self.wrt_latex
        return rf"\frac{{\partial {p.latex.get(top, top)}}}{{\partial {x}}}"

    @property
    def lhs_text(self) -> str:
        r = self._renderer("text")
        x = self._member_lhs('text') or r.name(self.wrt)
        k = self.power.k if self.power else 1
        return f"∂{r.name(self.numerator)}/∂{x}" + ("" if k == 1 else f"^{k}" if k > 0 else
                                                      f"^({k})")

    @cached_property
    def steps(self) -> list:
        """The derivation as DerivationStep values, in order."""
        out = []
        lr, tr = self._renderer("latex"), self._renderer("text")
        obj = self.problem.objective
        dl = "d" + lr.name(obj)
        dt = "d" + tr.name(obj)
        defs_shown = set()
        for st in self._steps:
            if st.rule.name == "gradient" and self.power is not None:
                # wrt x^k: the gradient of x, then the change of variable
                lat = rf"\frac{{\partial {lr.name(obj)}}}{{\partial {lr.name(self.wrt)}}} = " \
                      f"{lr.expr(self.base_node)}"
                txt = f"∂{tr.name(obj)}/∂{tr.name(self.wrt)} = {tr.expr(self.base_node)}"
            elif st.rule.name in ("gradient", powers.POWER.name):
                # the names of adjoints were defined in the steps that made them
                lat = f"{self.lhs_latex} = {self._rendered('latex', where=False)}"
                txt = f"{self.lhs_text} = {self._rendered('text', where=False)}"
            else:
                lat = lr.form(st.form, dl)
                txt = tr.form(st.form, dt)
            if st.rule.name in ("substitute", "adjoint", "partial-adjoint") \
                    and st.subject in self.problem.defs \
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
        if fmt == "latex":   # aligned, identities on their own lines, fits an A4 page
            return derivation_latex(self.steps)
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

    def result(self, fmt: str = "text") -> str:
        """``∂f/∂X = ...`` in `fmt` (text, latex or markdown)."""
        if fmt == "latex":   # broken into lines where it would not fit a page
            return result_latex(self.lhs_latex, self.latex())
        if fmt == "markdown":
            return f"**Result:** $${self.lhs_latex} = {self.latex()}$$"
        return f"{self.lhs_text} = {self.text()}"

    # Jupyter shows one of these (the front end's choice), so both show the same: the
    # result alone. The derivation is shown when asked for (`derivation("markdown")`),
    # so a notebook never shows it twice.
    def _repr_latex_(self):
        return f"$${self.lhs_latex} = {self.latex()}$$"

    def _repr_markdown_(self):
        return self._repr_latex_()

    def __repr__(self):
        return f"<Gradient {self.lhs_text} = {self.text()}>"

    # -------------------------------------------------------- code
    @property
    def function_name(self) -> str:
        return "grad_" + self.key

    def numpy_source(self) -> str:
        """A NumPy module defining `grad_<wrt>(**inputs)` (generated once, then kept)."""
        if self._source is None:
            self._source = self._generate_source()
        return self._source

    def _source_for(self, backend) -> str:
        return self.numpy_source() if backend.name == "numpy" else \
            self._generate_source(backend)

    def _generate_source(self, backend=None) -> str:
        doc = (f"Gradient {self.lhs_text} of the document's objective.\n\n"
               f"    {self.lhs_text} = {self.text()}\n\n"
               f"    Returns an array shaped like {names.python_name(self.wrt)} "
               f"{_fmt(self.problem.shape_of(self.wrt))}." +
               (f"\n\n    The variable is {self.lhs_text.split('/∂', 1)[1]}; the function takes "
                f"{names.python_name(self.wrt)} itself." if self.power else ""))
        return _generate(self.problem, self.node, self.function_name, doc, self._accepts,
                         backend, out_from=0)

    @property
    def _accepts(self):
        """Nodes whose inputs every generated function accepts: the objective and wrt."""
        p = self.problem
        return (ir.Ref(p.objective, p.defs[p.objective].shape), p.node_of(self.wrt))

    def to_numpy(self, value: bool = False):
        """The generated gradient as a Python callable(**arrays) -> ndarray; with
        `value=True` it returns (objective value, gradient), sharing the forward pass."""
        if value:
            return Gradients([self]).to_numpy(value=True)
        return codegen.compile_module(self.numpy_source(), self.function_name)

    def objective_source(self) -> str:
        p = self.problem
        # it accepts what the gradient takes (the callables of an arbitrary function, f_grad
        # beside f, optional): the keyword arguments of `inputs` serve both
        return _generate(p, ir.Ref(p.objective, p.defs[p.objective].shape), "objective",
                         f"Value of {p.objective}.", self._accepts + (self.node,))

    def objective_numpy(self):
        """The objective's value as a callable(**arrays) -> float (used by `check`)."""
        return codegen.compile_module(self.objective_source(), "objective")

    @property
    def inputs(self) -> dict:
        """{LaTeX name: Python keyword} for every input the generated function takes
        (arrays, then dimensions no array's shape determines, then the callables of a
        function the document leaves arbitrary, ``\nabla f`` -> ``f_grad``: `ops.opaque`)."""
        inputs, required, _, _ = codegen.signature(self.problem, (self.node,), self._accepts)
        out = {self.problem.latex.get(v.name, v.name): names.python_name(v.name) for v in inputs}
        for s in required:
            out[self.problem.latex.get(s.name, s.name)] = names.python_name(s.name)
        # the callables the gradient calls, then those only the objective calls (f beside
        # f_grad): the same keyword arguments serve the gradient and the objective
        calls, optional = codegen.callables(self.problem, (self.node,), self._accepts)
        roots = (self.node,) + tuple(self._accepts)
        heads = opaque.callable_heads(list(roots) + [self.problem.defs[d] for d in
                                                     self.problem.needed(roots)])
        out.update({heads[c]: c for c in calls + optional})
        return out


class Gradients(BackendViews):
    """The gradients of one objective with respect to several variables (``wrt=["W",
    "b"]``), in wrt order: a sequence of `Gradient`, and one generated function that
    computes them all, sharing the forward pass and every common subexpression."""

    def __init__(self, grads):
        self.gradients = list(grads)
        self.problem = _joint_problem([g.problem for g in self.gradients])

    def __iter__(self):
        return iter(self.gradients)

    def __len__(self):
        return len(self.gradients)

    def __getitem__(self, key):
        if isinstance(key, int):
            return self.gradients[key]
        for g in self.gradients:
            if key in (g.key, g.wrt_latex) or (g.power is None and key == g.wrt):
                return g
        raise KeyError(key)

    @property
    def wrt(self) -> tuple:
        return tuple(g.wrt for g in self.gradients)

    @property
    def notes(self) -> list:
        """What the reader skipped or inferred (the same for every variable)."""
        return self.gradients[0].notes

    def latex(self) -> str:
        """Every gradient, one aligned line each."""
        rows = [rf"{g.lhs_latex} &= {g.latex()}" for g in self.gradients]
        return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"

    def text(self) -> str:
        return "\n".join(f"{g.lhs_text} = {g.text()}" for g in self.gradients)

    def derivation(self, fmt: str = "text") -> str:
        return "\n\n".join(g.derivation(fmt) for g in self.gradients)

    def result(self, fmt: str = "text") -> str:
        if fmt == "latex":
            return self.latex()
        if fmt == "markdown":
            return "**Result:** $$" + self.latex() + "$$"
        return self.text()

    def _repr_latex_(self):
        return f"$${self.latex()}$$"

    def __repr__(self):
        return "<Gradients " + "; ".join(f"{g.lhs_text} = {g.text()}" for g in self.gradients) + ">"

    @property
    def function_name(self) -> str:
        return "grad_" + "_".join(g.key for g in self.gradients)

    def _roots(self, value):
        p = self.problem
        obj = (ir.Ref(p.objective, p.defs[p.objective].shape),) if value else ()
        return obj + tuple(g.node for g in self.gradients)

    def _source_for(self, backend) -> str:
        return self.numpy_source(backend=backend)

    def numpy_source(self, value: bool = False, backend=None) -> str:
        """A NumPy module defining one function that returns the gradients in wrt order
        (preceded by the objective's value if `value`); `backend` spells it for another."""
        what = ", ".join(g.lhs_text for g in self.gradients)
        doc = (f"{'Value and g' if value else 'G'}radients {what} of the document's "
               f"objective, in this order.")
        accepts = tuple(a for g in self.gradients for a in g._accepts)
        return _generate(self.problem, self._roots(value), self.function_name, doc, accepts,
                         backend, out_from=1 if value else 0)

    def to_numpy(self, value: bool = False):
        """callable(**arrays) -> (grad_1, ..., grad_k), or (value, grad_1, ...) if `value`."""
        return codegen.compile_module(self.numpy_source(value), self.function_name)

    @property
    def inputs(self) -> dict:
        out = {}
        for g in self.gradients:
            out.update(g.inputs)
        return out


def _joint_problem(problems):
    """One problem holding every gradient's named adjoints (a name means the same
    cotangent whichever variable is differentiated, so they merge)."""
    base = problems[0]
    defs, order, latex = dict(base.defs), list(base.order), dict(base.latex)
    adjoints = list(getattr(base, "adjoints", ()))
    for p in problems[1:]:
        for name in p.order:
            if name not in defs:
                defs[name] = p.defs[name]
                order.append(name)
                latex[name] = p.latex.get(name, name)
                adjoints.append(name)
            elif defs[name] is not p.defs[name]:
                raise MatcalcError(f"internal: two gradients define {name} differently")
    joint = dataclasses.replace(base, defs=defs, order=order, latex=latex)
    joint.adjoints = adjoints
    return joint


def _split_wrt(wrt):
    """`wrt` as a list of names: a list or tuple as given, a string split at the commas
    outside braces (``"W,b"``, but ``"t^{(1)}_{i,j}"`` is one name); None if one name."""
    if isinstance(wrt, (list, tuple)):
        return list(wrt)
    if not isinstance(wrt, str):
        return None
    parts, depth, cur = [], 0, ""
    for ch in wrt:
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    parts.append(cur.strip())
    return parts if len(parts) > 1 else None


def _generate(problem, node, fname, doc, accepts, backend=None, out_from=None):
    """codegen.generate, with what it cannot write reported as a MatcalcError."""
    with reported("cannot generate code for this document"):
        return codegen.generate(problem, node, fname, doc, also=accepts, backend=backend,
                                out_from=out_from)


def _fmt(shape):
    return "(" + ", ".join(str(d) for d in shape) + ")" if shape else "(scalar)"


def _lower(doc, objective=None, lowerer_class=None):
    """(Problem, lowerer) of `doc`; what the lowering cannot do is a MatcalcError.
    `lowerer_class` (default `Lowerer`) chooses the reading (the Jacobian's: any shape).
    A declared array whose definition would leave the objective a constant is read as data:
    the document is lowered again without that definition, noted (`vanishing`)."""
    document = _document(doc)
    lowerer = (lowerer_class or Lowerer)(document)
    with reported("cannot read this document"):
        problem = lowerer.run(objective)
    found = vanishing.vanishing_definition(problem)
    if found is None:
        return problem, lowerer
    # V declared, then V = WH, the factorisation sought: read as data, without that line
    kw, span = found
    kept = tuple(st for st in document.statements if getattr(st, "span", None) != span)
    note = note_at(document.source, span, vanishing.note_reason(problem, kw), "inferred")
    again = dataclasses.replace(document, statements=kept, notes=tuple(document.notes) + (note,))
    lowerer = (lowerer_class or Lowerer)(again)
    try:
        with reported("cannot read this document"):
            reread = lowerer.run(objective)
    except MatcalcError:
        vanishing.refuse_vanishing_definition(problem)
        raise
    if kw not in reread.inputs:
        vanishing.refuse_vanishing_definition(problem)
    return reread, lowerer


def lower_document(doc, objective=None):
    return _lower(doc, objective)[0]


def _resolve(problem, lowerer, wrt):
    """The keyword of `wrt`; a wrt that only a fragment which cannot be read declares is
    refused at that fragment."""
    try:
        kw = _resolve_wrt(problem, wrt)
    except MatcalcError:
        missing = lowerer.explain_missing(wrt) if isinstance(wrt, str) else None
        if missing is not None:
            raise missing from None
        raise
    if kw in getattr(problem, "constants", {}):
        latex = problem.latex.get(kw, kw)
        raise MatcalcError(f"{latex} is a constant, as the words \"{problem.constants[kw]}\" "
                           f"say: not a variable to differentiate with respect to (declare "
                           f"it, e.g. `{latex} \\in \\mathbb{{R}}`, to take it as one)")
    if kw in getattr(problem, "conditioned", {}):
        latex = problem.latex.get(kw, kw)
        raise MatcalcError(f"the members of a chain of equalities in the document agree only "
                           f"where \\mathbf{{1}}^T {latex} = 1 (\"{problem.conditioned[kw]}\"): "
                           f"a gradient with respect to {latex} has two readings (one per "
                           f"member; they differ by a multiple of \\mathbf{{1}}): refused")
    if kw in problem.symmetric:
        latex = problem.latex.get(kw, kw)
        line, said = problem.symmetric[kw]
        raise MatcalcError(
            f"the document states {said} (line {line}): the "
            f"gradient with respect to a symmetric {latex} has two readings -- every entry "
            f"independent (G), or the symmetric-matrix convention (G + G^T - Diag(G)); "
            f"they give different numbers: refused (declared in \\mathbb{{R}}^{{n \\times n}}, "
            f"with no symmetry stated, every entry is independent)")
    refuse_unused_argument(problem, kw)
    return kw


def _member(problem, kw, wrt):
    """The index letters of a family member asked as wrt (``z_i`` -> ("i",)), when kw is a
    family of as many axes; None otherwise (the result is then written for the family)."""
    fam = problem.families.get(kw)
    if not fam or not isinstance(wrt, str) or "_" not in wrt:
        return None
    try:
        d = parse(wrt)
    except MatcalcError:
        return None
    st = d.statements[-1] if len(d.statements) == 1 else None
    if not (isinstance(st, S.Bare) and isinstance(st.value, S.Sub)
            and names.keyword_of(st.value.base) == kw and len(st.value.subs) == fam):
        return None
    letters = tuple(x.name for x in st.value.subs if isinstance(x, S.Sym) and
                    x.accent is None and x.sup is None and not x.primes and len(x.name) == 1)
    if len(letters) != fam or len(set(letters)) != fam or \
            set(letters) & ({str(d) for d in problem.dims} | set(problem.inputs)):
        return None
    return letters


def _asked(problem, lowerer, wrt) -> Gradient:
    try:
        kw = _resolve(problem, lowerer, wrt)
    except MatcalcError:
        power = _power_asked(problem, wrt)
        if power is None:
            raise
        return _power_gradient(problem, power)
    g = _gradient(problem, kw)
    g.member = _member(problem, kw, wrt)
    return g


def _power_asked(problem, wrt):
    """The `powers.PowerOf` a wrt that names no variable writes (``\\sigma^2``, ``sigma_sq``),
    None when it is no power of a variable; a power that is no variable is refused."""
    split = powers.split_power(wrt)
    if split is None:
        return None
    base, k = split
    try:
        kw = _resolve_wrt(problem, base)
    except MatcalcError:
        return None
    return powers.power_variable(problem, kw, k, wrt)


def _power_gradient(problem, power) -> Gradient:
    """∂f/∂(x^k) = (∂f/∂x)/(k x^{k-1}): the gradient of x, then the change of variable,
    tidied so the result reads in powers of x; the derivation ends with that step."""
    from .diff import Step
    g = _gradient(problem, power.base)
    node = tidy(g.problem, powers.chain(g.node, g.problem.inputs[power.base], power.k))
    out = Gradient(g.problem, power.base, node, list(g._steps) +
                   [Step(powers.POWER, (), power.base)])
    out.power, out.base_node = power, g.node
    return out


def _pointed_to_check(doc, objective, err: MatcalcError) -> MatcalcError:
    """`err`, and where the document is a list of identities each of its own function (no
    single objective: `identity_lists`), the way to have each judged: `check`."""
    from .identity_lists import identity_groups
    try:
        listed = objective is None and identity_groups(_document(doc)) is not None
    except MatcalcError:
        listed = False
    if not listed:
        return err
    return type(err)(f"{err.bare_message}; the page is a list of identities, each of its "
                     f"own function: `matcalc check FILE` (check_all) judges each claim "
                     f"against its own function", err.line, err.column, err.source,
                     err.end_column)


def gradient(doc, wrt=None, objective=None):
    """Differentiate the document's objective with respect to `wrt`: one name gives a
    `Gradient`; a list (or ``"W,b"``) gives `Gradients`, in that order, with one generated
    function for all of them. Without `wrt`, the variable of the derivative operator the
    objective is written under (``0 = \\nabla_\\Sigma ...``: \\Sigma), noted; a document
    without one is refused."""
    try:
        problem, lowerer = _lower(doc, objective)
    except MatcalcError as err:
        raise _pointed_to_check(doc, objective, err) from None
    if wrt is None:
        wrt = problem.default_wrt
        if wrt is None:
            raise MatcalcError("wrt must name a variable of the document, e.g. wrt=\"W\" "
                               "(only an objective written under \\nabla_X or "
                               "\\frac{\\partial}{\\partial X} names its variable)")
        problem.notes.append(problem.default_wrt_note)
    several = _split_wrt(wrt)
    if several is not None:
        if not several or len(set(several)) != len(several):
            raise MatcalcError(f"wrt={wrt!r} must name distinct variables")
        return Gradients([_asked(problem, lowerer, w) for w in several])
    return _asked(problem, lowerer, wrt)


def derive(problem, kw) -> tuple:
    """(tidied gradient node, diff steps, named adjoints) of the problem's objective wrt the
    keyword kw; what the differentiator cannot do is reported as a MatcalcError."""
    with reported("cannot differentiate this document"):
        node, steps, adjoints = differentiate(problem, kw)
        return tidy(problem, node), steps, adjoints


def _gradient(problem, kw) -> Gradient:
    node, steps, adjoints = derive(problem, kw)
    bad = ir.nonfinite(node)
    if bad is not None:
        raise MatcalcError(f"the gradient wrt {problem.latex.get(kw, kw)} contains a constant "
                           f"that is not finite ({bad.value})")
    return Gradient(with_adjoints(problem, adjoints), kw, node, steps)

