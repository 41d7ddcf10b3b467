"""Pass 2 of lowering a document: each definition lowered on first use, the objective
picked; and a claimed gradient lowered in its document's context (`lower_claim`).

Contract: `lower(doc, objective=None) -> Problem`. Every problem in the document raises a
`ParseError` (unknown name, unbound index, ambiguous notation) or a `ShapeError`
(mismatched dimensions, non-scalar objective), located at the offending syntax node.

How values are carried: every lowered subexpression is a `Val`: an IR node whose axes each
carry a label. Labels that are strings are index names (``i``, ``k_2``) from index notation;
the labels in `mat` (ordered: rows, columns) are the axes seen in matrix notation. So
``\\phi_i^T \\phi_j`` is a node with labels (i, j) and no matrix axes, ``W x`` a node whose
one axis is a matrix axis, and a sum over ``j`` is a contraction of label ``j``.
Definitions and inputs store arrays with index (family) axes first, then matrix axes.
"""
from __future__ import annotations

import dataclasses

import unicodedata

from .. import names
from ..errors import MatcalcError, ParseError
from ..ir import Var
from ..problem import Problem
from ..read import syntax as S
from . import symmetry
from .atoms import AtomLowering, read_vector_bars
from .rows import MemberRows, read_member_rows
from .base import short_error
from .boldwords import BoldWords
from .opaque import ArbitraryFunctions
from .claimpartials import ClaimPartials
from .kinds import KindSurvey
from .calls import CallLowering
from .colonchain import ColonChains
from .declarations import DeclarationCollector, DefSource, Info
from .definitions import DefinitionLowering
from .familyrange import FamilyRanges
from .families import FamilyFunctions
from .implied import ImpliedObjective
from .identities import Identities
from .indexing import IndexLowering
from .letters import LetterFunctions
from .infer import InferredShapes
from .naming import NameLowering
from .numbering import AxisNumbering
from .objective import ObjectiveChoice
from .optimum import OptimumObjective
from .products import ProductLowering
from .setsums import SetSumLowering
from .prose_names import ProseFunctions
from .densities import NamedDensities
from .skipped import SkippedFragments
from .spaces import DeclaredShapes
from .sums import SumLowering
from .terms import TermLowering
from .viafamily import via_families
from .size_subscripts import note as size_note, size_subscripts


class Lowerer(DefinitionLowering, ObjectiveChoice, SkippedFragments, DeclarationCollector,
              FamilyRanges, DeclaredShapes, NameLowering, IndexLowering, AtomLowering,
              ProductLowering, TermLowering, ColonChains, SumLowering, SetSumLowering,
              CallLowering, FamilyFunctions, InferredShapes, ProseFunctions, NamedDensities,
              ImpliedObjective, Identities, OptimumObjective, MemberRows, LetterFunctions,
              BoldWords, ArbitraryFunctions, KindSurvey, ClaimPartials, AxisNumbering):
    """Lowers one document: collects its declarations and definitions, lowers each
    definition on first use (so the order of the text does not matter), picks the objective.
    Each job is a part of its own module (definitions, objective, skipped fragments,
    declarations and declared shapes, names, indices, atoms, products, terms, big
    operators, calls); this class holds
    their shared state, the context `base.LoweringBase` describes."""
    def __init__(self, doc: S.Document):
        doc, self.via_patterns = via_families(doc)      # v'_{w_k} in a sum over k
        doc, self.sized = size_subscripts(doc, doc.source)     # X_{p\times n}'
        self.doc = doc
        self.src = doc.source
        self.info: dict[str, Info] = {}
        self.ranges: dict[str, tuple] = {}      # index keyword -> (lo, hi) sympy
        self.defsrc: dict[str, DefSource] = {}
        self.rivals: dict[str, list] = {}       # keyword -> other definitions of it
        self.defs: dict[str, object] = {}
        self.order: list[str] = []
        self.lowering: list[str] = []
        self.scalar_wanted: set = set()         # definitions that must be scalars (the objective)
        self.held: set = set()
        self.held_at: dict = {}                 # held keyword -> its statement (a place)
        self.claims: list = []
        self.symmetric: dict = {}               # keyword -> its statement ``A = A^T``
        self.symmetric_if: dict = {}            # ... made as a hypothesis -> "if"
        self.dim_subst: dict = {}
        self.dims: dict = {}
        self.bare: S.Bare | None = None         # a bare final expression (the objective)
        self.index_latex: dict = {}
        self.notes: list = []
        self.skips: list = []                   # fragments that could not be read
        self.not_defs: list = []                # statements read as no definition
        self.layouts: dict = {}                 # keyword -> (first, last) of its stack
        self.ambiguous_sums: dict = {}          # span of a sum -> why it has two readings
        self.renamed: dict = {}                 # old keyword -> (new keyword, Rename)
        self._deps: dict = {}                   # keyword -> the definitions it uses, in order
        self._declared: set = set()
        self._last_def = None                   # where the last definition stands
        self._starts = None
        self.positive: dict = {}                # keyword of a scalar stated positive -> how
        self.constants: dict = {}               # keyword of a scalar named a constant -> words
        self.conditioned: dict = {}             # input a chain needs summing to 1 -> words

    def run(self, objective=None) -> Problem:
        # |v| of a vector: the entrywise or the norm reading, whichever fits (atoms.py)
        # X_i of a matrix: row i as a column or as a row vector, whichever fits (rows.py)
        made = []

        def make(rows, axis):
            def make_bars(reading):
                lw = type(self)(self.doc)
                lw.vector_bars = reading
                lw.member_rows, lw.member_axis = rows, axis
                lw.via_patterns = self.via_patterns      # self.doc is already rewritten
                lw.sized = self.sized
                made.append(lw)
                return lw
            return make_bars
        problem = read_member_rows(
            lambda rows, axis: read_vector_bars(make(rows, axis), lambda lw: lw._run(objective),
                                                self.doc),
            lambda: [m for lw in made for m in lw.rows_seen], self.perr)
        self.skips = made[0].skips   # what was skipped is the same whichever reading ran
        return problem

    def _inference_objective(self, objective):
        """The keyword of the objective as the inference names definitions (`ell_2` for
        the text ``\\ell_2``), so that the inference holds it to be a scalar; the text
        itself where it names no definition."""
        try:
            kw = self._objective_kw(objective, check=False)
        except Exception:   # noqa: BLE001 - the lowering says what is wrong with it
            kw = None
        return kw if kw is not None else objective

    def _run(self, objective=None) -> Problem:
        refuse_merged_spellings(self.doc)
        for z in self.sized.values():
            self.note(z.spans[0], size_note(z), "inferred")
        self.objective_text = objective        # a built-in's name defined (builtin_defs.py)
        self.collect()
        if not self.defsrc:
            self._defines_nothing()
        self.survey_arbitrary(objective)    # the kinds of arbitrary functions, from all uses
        self.run_inference(self._inference_objective(objective))
        try:
            obj = self._lower_objective(objective)
        except MatcalcError as err:
            if getattr(err, "fragment", False):      # already at the fragment that matters
                raise
            roots = [k for k in (self._objective_kw(objective, check=False),) if k]
            self._raise_if_needed(self._mentioned(roots or list(self.defsrc)), err)
            raise
        self._lower_rest()
        self._refuse_skipped_inputs(obj)
        for sk in self.skips:
            what = ", ".join(sk.shown)
            verb = "define" if sk.defines else "declare"
            self.note(sk.span, f"cannot be read ({short_error(sk.error, sk.span)}); skipped"
                      + (f": the objective does not need the {what} it would {verb}"
                         if what else ""), "unreadable")
        inputs = {}
        for kw, info in self.info.items():
            if info.kind in ("input", "natural") and kw not in self.defs:
                inputs[kw] = Var(kw, tuple(info.shape))
        latex = {kw: info.latex for kw, info in self.info.items()}
        latex.update(self.index_latex)
        from ..simplify import simplify
        defs = self._hold(self._inline_constants({k: simplify(b) for k, b in self.defs.items()}))
        self.order = self._source_order()
        self.notes.sort(key=lambda n: (n.line, n.column))
        problem = Problem(inputs, defs, list(self.order), obj, latex, list(self.dims),
                          set(self.held), self.src, dict(self.index_latex),
                          {kw: i.family for kw, i in self.info.items() if i.family},
                          {kw for kw, i in self.info.items() if i.row and kw in defs},
                          notes=list(self.notes), vector_bars=self.vector_bars,
                          member_rows=self.member_rows,
                          index_ranges={self.index_latex[kw]: self._range_dim(kw, None)
                                        for kw in self.index_latex if kw in self.ranges})
        problem.positive = {kw: how for kw, how in self.positive.items() if kw in inputs}
        problem.constants = {kw: w for kw, w in self.constants.items() if kw in inputs}
        problem.conditioned = {kw: w for kw, w in self.conditioned.items() if kw in inputs}
        problem.arguments = objective_arguments(self.defsrc.get(obj))
        problem.written_reach = written_reach(self.defsrc, obj)
        problem.declared_defs = {
            kw: (getattr(self.info[kw].span, "line", 0), self.defsrc[kw].stmt.span)
            for kw in defs if kw in self.info and kw in self.defsrc and
            self.info[kw].decl_shape is not None}
        if obj == "f" and obj in defs and not self.defsrc[obj].stmt.target.span.line:
            problem.unnamed = {obj}       # the bare final expression: "f" is not its name
            problem.written = self.defsrc[obj].stmt.value
        problem.symmetric = {kw: (st.span.line, symmetry.said(self.info[kw].latex, st))
                             for kw, st in self.symmetric.items() if kw in inputs}
        problem.symmetric_if = {kw: w for kw, w in self.symmetric_if.items()
                                if kw in problem.symmetric}
        x = getattr(self, "operator_wrt", None)
        if obj == "f" and x is not None and _variable_latex(x, inputs) is not None:
            problem.default_wrt = _variable_latex(x, inputs)   # \nabla_\Sigma ...: wrt \Sigma
            from ..notes import note_at
            problem.default_wrt_note = note_at(
                self.src, x.span, f"no wrt given: the gradient is with respect to "
                                  f"{problem.default_wrt}, the variable of the derivative "
                                  f"operator the objective is written under", "inferred")
        return problem


def objective_arguments(src) -> dict:
    """{keyword: span} of the names the objective's left side lists as its arguments
    (``L(\\theta) = ...``: theta); empty without a parameter list."""
    out = {}
    for p in getattr(getattr(src, "stmt", None), "params", None) or ():
        if isinstance(p, (S.Sym, S.Sub)):
            kw = names.keyword_of(p)
            if kw is not None:
                out.setdefault(kw, p.span)
    return out


def written_reach(defsrc, obj) -> frozenset:
    """The keywords the text of definition `obj` writes, and those of every definition it
    names, as written (``f(u) = \\tilde h - \\tilde h``, ``\\tilde h = u^T b``: u is
    reached though the value simplifies to 0)."""
    seen, todo = set(), [obj]
    while todo:
        src = defsrc.get(todo.pop())
        if src is None:
            continue
        for node in S.walk(src.stmt.value):
            kw = names.keyword_of(node)
            if kw is not None and kw not in seen:
                seen.add(kw)
                todo.append(kw)
    return frozenset(seen)


def _variable_latex(x, inputs):
    """The LaTeX of the variable an operator names (``\\nabla_\\Sigma``: \\Sigma), when it is
    an input or a power of one by a whole number (``\\partial \\sigma^2``: \\sigma^{2}, the
    variable `powers` reads); else None."""
    if names.keyword_of(x) in inputs:
        return names.latex_of(x)
    if isinstance(x, S.Pow) and not x.hadamard and names.keyword_of(x.base) in inputs:
        k = x.exp.arg if isinstance(x.exp, S.Neg) else x.exp
        if isinstance(k, S.Num) and k.value.isdigit():
            sign = "-" if isinstance(x.exp, S.Neg) else ""
            return f"{names.latex_of(x.base)}^{{{sign}{k.value}}}"
    return None


def refuse_merged_spellings(doc: S.Document):
    """Two names written differently that are one Python identifier after NFKC (``\\text{𝑥}``
    beside ``x``, ``\\text{ﬁ}`` beside ``\\text{fi}``) are refused naming both spellings:
    never silently one variable."""
    from .base import walk_syntax, error_at
    seen: dict = {}
    for st in doc.statements:
        nodes = list(walk_syntax(st))
        # letters of a subscript (E_{max}: m, a, x) are part of a name or indices
        inside = {id(x) for n in nodes if isinstance(n, S.Sub) for sub in n.subs
                  for x in walk_syntax(sub)}
        for n in nodes:
            if not isinstance(n, S.Sym) or id(n) in inside:
                continue
            kw = names.keyword_of(n)
            first = seen.setdefault(kw, n)
            a, b = _spelled(doc.source, first), _spelled(doc.source, n)
            if a != b and "\\" not in a + b and unicodedata.normalize("NFKC", a) == \
                    unicodedata.normalize("NFKC", b):   # 𝑥 (math italic) beside x
                raise error_at(ParseError, f"the names {a!r} and {b!r} are one name once "
                               "Unicode-normalised (NFKC), as Python and many fonts read "
                               "them: use one spelling, or two different names",
                               n.span, doc.source)
            if first.name != n.name and unicodedata.normalize("NFKC", first.name) == \
                    unicodedata.normalize("NFKC", n.name):
                raise error_at(ParseError, f"the names {first.name!r} and {n.name!r} are "
                               "one name once Unicode-normalised (NFKC), as Python and many "
                               "fonts read them: use one spelling, or two different names",
                               n.span, doc.source)


def _spelled(source: str, sym) -> str:
    """How a one-letter name is written in the source (𝑥 or x), else its name."""
    from ..notes import excerpt
    sp_ = getattr(sym, "span", None)
    text = excerpt(source, sp_) if sp_ is not None and sp_.line else ""
    return text if len(text) == 1 else sym.name


def lower(doc: S.Document, objective=None) -> Problem:
    return Lowerer(doc).run(objective)


def lower_claim(doc: S.Document, shape: tuple, value, index_syntax, helpers, claim_text: str,
                bars: str | None = None, objective: str | None = None,
                rows: str | None = None, layout: str = "numerator", seen: dict | None = None):
    """Lower a claimed gradient in the context of its document: `value` (syntax) is the
    claim, written entrywise in the indices `index_syntax` (``\\frac{\\partial L}{\\partial
    z_i}``: they run over the leading axes of the variable, of shape `shape`) or as a whole
    array; `helpers` are definitions the claim makes (``where S = Diag(s)``). Returns
    (claim node, {name: node} of the definitions it needs beyond the document's, their
    order, {name: LaTeX} of every name, the claim's helpers included). Errors are located in `claim_text`. `objective` (a keyword) is the document's
    objective, for the shapes inferred as its lowering inferred them. A Jacobian written
    in the claim (``\\frac{\\partial h}{\\partial z}``, vectors) is read in `layout`
    ("numerator" or "denominator"); `seen`, when given, gets "jacobians": what the claim
    read so (`ClaimPartials.jacobians_read`)."""
    lw = Lowerer(doc)
    # |v| read as the document's lowering read it (`Problem.vector_bars`)
    lw.vector_bars = bars if bars is not None else "abs"
    lw.member_rows = rows if rows is not None else "column"     # X_i, as the document's
    lw.collect()
    lw.survey_arbitrary(objective, claim=True)  # a function's kind, as the document's uses say
    if objective == "f" and lw.bare is not None and "f" not in lw.info:
        lw.adopt_bare_objective()   # the objective written bare, as the document's lowering
    # the shapes the document's lowering inferred (an undeclared c, y) hold in its claims
    lw.run_inference(objective or lw._objective_kw(None, check=False))
    lw.scalar_wanted.add(objective or lw._objective_kw(None, check=False))
    for kw in list(lw.defsrc):      # the document's own definitions, in its own text
        try:
            lw.tentatively(lambda: lw.define(kw))
        except MatcalcError:
            pass                    # not needed by the claim, or it fails again below
    own = set(lw.defsrc)
    for h in helpers:
        lw._collect_def(h)
    indices = tuple(names.keyword_of(i) for i in index_syntax)
    if any(i is None for i in indices):
        raise ParseError("the claim's variable must be subscripted by index names")
    for i, d in zip(indices, shape):
        if i not in lw.ranges:
            lw.ranges[i] = (1, d)
    lw.defsrc["__claim"] = DefSource("__claim", S.Def(S.Sym("__claim"), None, value,
                                                      span=value.span), indices, index_syntax,
                                     len(shape) - len(indices))
    lw.info["__claim"] = Info("def", "claim")
    lw.document_src = lw.src        # what the document says still holds (\phi'(Z) written)
    lw.src = claim_text
    lw.in_claim = True              # \psi beside log Γ (`claim_letter_function`)
    lw.claim_layout = layout        # of a Jacobian the claim writes (`claimpartials`)
    if seen is not None:
        seen["jacobians"] = lw.jacobians_read      # filled as read, kept if the claim fails
    # the claim's own unsized 1 / I and index ranges, by inference over the claim; the names
    # the document's inference declared stay (spans are the claim's own, so none of the
    # document's sizes, keyed by span, may be taken for the claim's); a claim written as a
    # whole array has the variable's shape past the axes its indices run over
    document_inferred = lw.inferred
    lw.run_inference("__claim", tuple(shape[len(indices):]))
    if document_inferred is not None:
        lw.inferred = dataclasses.replace(document_inferred, sizes=lw.inferred.sizes,
                                          ranges=lw.inferred.ranges)
    for kw in lw.defsrc:            # the claim and its helpers (the rest is lowered above)
        if kw not in own:
            lw.define(kw)
    spelled = {kw: info.latex for kw, info in lw.info.items() if info.latex}
    spelled.update(lw.jacobian_latex)
    return lw.defs["__claim"], lw.defs, list(lw.order), spelled
