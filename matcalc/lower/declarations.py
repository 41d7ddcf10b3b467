"""Pass 1 of lowering a document: what every name is, before anything is lowered.

Contract: `DeclarationCollector.collect()` reads the document's statements and fills the
context (`base.LoweringBase`): `info` (keyword -> `Info`: input, definition, dimension,
index, natural number; its shape, family axes and declaration), `ranges` (declared index
ranges), `defsrc` (keyword -> `DefSource`, the syntax of each definition, entrywise ones
with their indices), `rivals` (keyword -> the other, different definitions of the same
name, settled when it is lowered), `claims` (derivative statements kept for `check`),
`skips` (fragments that could not be read, with the names they would define) and `notes`.
`dim(e, scope)` reads a dimension or index bound as SymPy. A name declared twice
differently, a dimension that is not a positive whole number, a name that is both a
dimension and an array: each a located `ParseError`.

A whole post says more than its definitions: every statement is classified first
(`classify.kind_of_def`): claimed derivatives and differential steps are kept as claims,
identities, relations between indices and statements about known functions define
nothing, ``N = N_p D_p`` relates dimensions, ``x = [x_1, \\dots, x_{N_p}]`` gives the layout
of a family, ``(I \\to A)`` renames; prose math (a name, a derivative mentioned in a
sentence) defines nothing. Everything not used as a definition or declaration is listed
in `notes`.
"""
from __future__ import annotations

import dataclasses

from dataclasses import dataclass

import sympy as sp

from .. import ir, names, ops
from ..notes import Note, excerpt, offsets
from ..read import syntax as S
from .base import SIGMA_NAMES, LoweringBase, walk_syntax
from .classify import (is_layout, dimension_names, index_names, kind_of_def, layout_range,
                       namelike, listed_members, matrix_layout)
from .columns import column_definitions
from .elidedsums import elided_sums
from .signatures import SignatureDeclarations
from .bare_objective import BareObjective
from .relation_roles import RelationRoles
from .candidates import claimed_function, objective_of_claims, written
from .operators import operand_of_claims, operator_variable, statement_operand, taken_note
from .timesletter import times_letter
from . import symmetry
from .identitydecl import says_identity
from .termfamily import split_term_families
from .aftercondition import conditions_after
from .valuecases import states_a_case

NOTE_REASONS = {
    "claim": "a claimed derivative: kept for check, not read as a definition",
    "differential": "a differential step: not read as a definition",
    "relation": "an identity or a relation (its left side is not a name to define): defines nothing",
    "indices": "a relation between indices: defines nothing",
    "function": "a statement about a known function: defines nothing",
    "layout": "read as the layout of a vector (the stack of its parts) or of a matrix (its "
              "named entries, elided: it gives the shape)",
    "dimension": "read as an equation between dimensions",
    "case": "the value the name takes in a case the words after it state ('for ...', "
            "'if ...'): defines nothing",
    "update": "a step of an iteration that applies the gradient operator (what an optimiser "
              "does with the objective): defines nothing",
    "symmetry": "a symmetry statement (the matrix equals its transpose): a property of an "
                "input, defines nothing; the gradient uses it (the matrix's transpose is "
                "the matrix: x^T A x gives 2 A x, where (A + A^T) x holds for every "
                "matrix), and a gradient with respect to this matrix is refused (the "
                "symmetric convention would change it)",
    "supposed symmetry": "a symmetry statement made under a condition ('WORD'): a "
                         "hypothesis about an input, defines nothing; the result is "
                         "written for every matrix, so it holds for a symmetric one "
                         "((A + A^T) x, not 2 A x, for x^T A x); a check draws the matrix "
                         "symmetric, and a gradient with respect to it is refused (the "
                         "symmetric convention would change it)",
    "solution": "a solution statement of the optimisation variable: noted, not read as a "
                "definition",
}


@dataclass
class Info:
    """What a name is. kind: "input" | "def" | "dim" | "index" | "natural"."""
    kind: str
    latex: str
    shape: tuple = ()
    family: int = 0           # leading family axes
    span: object = None
    decl_shape: tuple | None = None
    row: bool = False         # a definition whose value is a row vector


@dataclass
class DefSource:
    name: str
    stmt: S.Def
    indices: tuple            # index keywords of an entrywise definition
    index_syntax: tuple
    entry_rank: int | None = None   # axes of each entry, when known (a claim: ∂L/∂z_i)


@dataclass
class Skip:
    """A fragment left out: it could not be read (`error`), and it looks like it defines
    or declares the names `defines` / `declares` (keywords; `latex` spells them)."""
    span: object
    error: object
    defines: tuple
    declares: tuple
    latex: dict
    shown: tuple = ()         # the names as written, for the note
    minimand: bool = False    # the function inside an optimisation operator (optimum.py)


class DeclarationCollector(SignatureDeclarations, RelationRoles, BareObjective, LoweringBase):
    """Collects declarations, index ranges and definitions (see the module docstring)."""

    # ------------------------------------------------------------ pass 1: collect
    def collect(self):
        self._scope_readings = {}      # id(Bare) -> why its operator's scope has two readings
        self._operator_vars = {}       # id(Bare) -> the X of the operator around it
        self.operator_wrt = None       # the X of the operator around the objective, if any
        # RSS(\lambda) = ..., NLL = ...: a letter run on the left names what it defines
        stmts = [self.run_named(st) or self.sup_named(st) or _plain_arguments(st) or st
                 if isinstance(st, S.Def) and st.target is not None
                 and not self._is_claim(st.target) else st for st in self.doc.statements]
        self.notes.extend(self.doc.notes)
        stmts, families = split_term_families(stmts)   # L_i = ..., L = \sum_i L_i
        for st, reason in families:
            self.note(st, reason, "inferred")
        stmts, conditions = conditions_after(stmts, self.src)   # \sum_i\sum_j ... (i \neq j)
        for st, reason in conditions:
            self.note(st, reason, "inferred")
        stmts, columns = column_definitions(stmts)   # (e_1 ... e_n) = (...): e_j = ...
        for st, reason in columns:
            self.note(st, reason, "inferred")
        stmts, elided = elided_sums(stmts)   # (U_1 - V_1)^2 + \ldots + (U_n - V_n)^2
        for st, reason in elided:
            self.note(st, reason, "inferred")
        self._note_via_families(stmts)
        stmts, timed = times_letter(stmts)          # X \in R^{D x N}: D×N
        for st, reason in timed:
            self.note(st.space, reason, "inferred")
        decl_targets = {names.keyword_of(t) for st in stmts if isinstance(st, S.Decl)
                        and st.space.kind in ("real", "binary") for t in st.targets}
        decl_targets |= {names.keyword_of(t.base) for st in stmts if isinstance(st, S.Decl)
                         for t in st.targets if isinstance(t, S.Sub)}
        self._declared = decl_targets - {None}
        self._dimnames = dimension_names(stmts)
        self._indices = index_names(stmts)
        self._kinds = {}
        for k, st in enumerate(stmts):
            if isinstance(st, S.Def):
                self._kinds[k] = kind_of_def(st, self._declared, self._dimnames, self._indices)
                if self._kinds[k] is None and names.keyword_of(st.target) in self._declared \
                        and states_a_case(self.src, st):
                    self._kinds[k] = "case"         # $Y = 1$ for a positive pair
        self._solution_statements(stmts)
        self._turn_around(stmts)
        shaped = []         # matrices laid out by their named entries: declared below
        for k, st in enumerate(stmts):
            if isinstance(st, S.Rename):
                self._rename(st)
            elif self._kinds.get(k) == "dimension":
                sym = sp.Symbol(names.keyword_of(st.target), integer=True, positive=True)
                self.dim_subst[sym] = self.dim(st.value, {})
            elif self._kinds.get(k) == "layout":
                got = layout_range(st)
                if got is not None:
                    self.layouts[got[0]] = (got[1], got[2])
                elif matrix_layout(st) is not None:
                    shaped.append(st)
        for st in stmts:
            if isinstance(st, S.Range):
                self._declare_range(st.index, st.lower, st.upper, st)
            elif isinstance(st, S.Decl) and st.space.kind == "range":
                lo, hi = st.space.dims
                for t in st.targets:
                    self._declare_range(t, lo, hi, st)
                if st.relation == "=":          # k = \{1, \dots, K\}: the values k takes
                    self.note(st, f"the set of values {names.latex_of(st.targets[0])} takes, "
                                  f"written with '=': read as the range of an index, not a "
                                  f"definition", "inferred")
        self.ranges_from_sums(stmts)                  # X_i \in R^n: i's range from its sums
        self.declare_prose_shapes(self._declared, stmts)   # "$X$ is an $m \times n$ matrix"
        self.declare_prose_constants(self._declared, stmts)   # "+ c, for some constant c"
        candidates, last_def, minimands = [], -1, []
        chained = None      # the definition a continued row ``&= ...`` goes on with
        for st in shaped:     # \Sigma = (s_{11} \cdots s_{1k}; \vdots; s_{k1} \cdots s_{kk})
            target, rows, cols = matrix_layout(st)
            self._declare(target, S.Space("real", (rows, cols), span=st.value.span), st)
        listed = listed_members(stmts)
        summed_sets = _summed_sets(stmts)
        for k, st in enumerate(stmts):
            if k in listed and st.space.kind == "real":     # x_1, \dots, x_m \in R^n
                self._declare(st.targets[0], st.space, st, members=listed[k])
            elif isinstance(st, S.Decl) and st.relation == "=" and \
                    names.keyword_of(st.targets[0]) in summed_sets:
                # S = \{1, 2\} with \sum_{i \in S}: the set written out, not the values of
                # a name; not read (the sum reads S as a mask input, lower/setsums.py)
                self.note(st, f"the set {names.latex_of(st.targets[0])} written out, which a "
                              f"sum runs over: not read (see the note on the sum)")
            elif isinstance(st, S.Decl) and st.space.kind != "range":
                for t in st.targets:
                    if says_identity(self.src, st, t):
                        self.note(t, f"{names.latex_of(t)} is the identity, as the words "
                                     f"after its declaration say: not an input", "inferred")
                        continue
                    self._declare(t, st.space, st)
                    if st.space.positive and not st.space.dims and namelike(t):
                        # \sigma \in \mathbb{R}_+: the sign `powers` needs for wrt \sigma^2
                        self.positive[names.keyword_of(t)] = \
                            f"{names.latex_of(t)} \\in \\mathbb{{R}}_+"
                if st.space.symmetric:
                    # \Sigma \in \mathbb{S}^n_{++}: square, symmetric -- a gradient with
                    # respect to it has two readings (api.py); the simplifier and the
                    # printer take its transpose to be itself (Problem.symmetric)
                    for t in st.targets:
                        self.symmetric.setdefault(names.keyword_of(t), st)
                    self.note(st, f"{', '.join(names.latex_of(t) for t in st.targets)}: the "
                                  "symmetric matrices, read as square matrices; the "
                                  "gradient uses their symmetry (a transpose of one is "
                                  "itself: 2 S^{-1} r, not (S^{-1} + S^{-T}) r), and a "
                                  "gradient with respect to one is refused: the entrywise "
                                  "and the symmetric-matrix conventions give different "
                                  "numbers",
                              "inferred")
                if st.relation == "=":          # y_i = \{0, 1\}: the values y_i takes
                    self.note(st, f"the set of values {names.latex_of(st.targets[0])} takes, "
                                  f"written with '=': read as a declaration (its entries "
                                  f"are data in that set, treated as real), not a definition",
                              "inferred")
            elif isinstance(st, S.Def) and self.prose_size(st):
                # $X = (m, n)$ input matrix: a shape written as a tuple (read/prose_shapes.py)
                self.note(st, "a shape written as a tuple, part of a sentence that states "
                              "it: not a definition", "prose")
            elif isinstance(st, S.Def):
                kind = self._kinds.get(k)
                if kind == "function" and self._own_function(st):
                    kind = self._kinds[k] = None
                if kind is None and self._collect_def(st):
                    last_def = k
                    chained = self._defined_by(st)
                elif st.target is None and chained is not None and \
                        self._continue_chain(chained, st):
                    pass                        # f &= A \\ &= B: f = A = B
                elif kind == "relation" and (bare := self.identity_subject(st)) is not None:
                    # tr(M_k) = ... named as the objective: its left side (identities.py)
                    candidates.append((k, bare))
                    self.not_defs.append(st)
                elif kind is not None:
                    self._not_a_definition(st, kind)
                if st.target is not None:
                    chained = chained if kind is None else None
            elif isinstance(st, S.Sign):
                self._sign(st, stmts)
            elif isinstance(st, S.Hold):
                kw = names.keyword_of(st.target)
                if kw is None:
                    raise self.perr("only a name can be held constant", st)
                self.held.add(kw)
                self.held_at.setdefault(kw, st)
            elif isinstance(st, S.Bare) and self.prose_size(st):
                self.note(st, "part of a sentence that states a shape",
                          "prose")
            elif isinstance(st, S.Bare) and self.prose_member(st):
                self.note(st, "part of a sentence that says which rows or columns of a "
                              "matrix a name's members are", "prose")
            elif isinstance(st, S.Bare) and self.prose_formula(st) is not None:
                self.check_prose_formula(st, *self.prose_formula(st))
            elif isinstance(st, S.Bare):
                got = statement_operand(st, self._known_names())
                if got is not None and got.expr is not None:
                    # \nabla_X tr(XAX): the objective is tr(XAX)
                    self.note(st, "a derivative operator applied to an expression: the "
                                  "objective is what it is applied to" + taken_note(got),
                              "inferred")
                    st = S.Bare(got.expr, span=st.span)
                    self._operator_vars[id(st)] = operator_variable(got.op)
                elif got is not None:
                    self._scope_readings[id(st)] = got.ambiguous
                candidates.append((k, st))
            elif isinstance(st, S.Optimum):
                minimands.append((k, st))
            elif isinstance(st, S.Unreadable):
                self._skip(st)
        self.declare_signatures()                     # F: R^p \to R, F(\beta) = ...
        self.collect_functions()                      # g(z) = ... applied as g(Wx)
        self._last_def = stmts[last_def].span if last_def >= 0 else None
        if not self.defsrc:
            candidates = self._asked_derivatives(candidates)
        if not self.defsrc and not self._real(candidates):
            # \frac{\partial}{\partial a_{ij}} (x^T A x) = ..., 0 = \nabla_\Sigma ...: the
            # function is written only under the operator -- that expression is the objective
            # (prose mentions of a name, $\Sigma$, do not compete with it)
            operand = operand_of_claims(self, self._known_names())
            if operand is not None:
                candidates.append((-1, operand))
            claimed = objective_of_claims(self) if not self._real(candidates) else None
            if claimed is not None:
                candidates.append((-1, claimed))
        forced = self.objective_inside(minimands, candidates) if minimands else None
        if getattr(self, "objective_text", None):
            # the objective named as written: a claim's function (``--objective
            # '\\phi'(\\mu-R_f\\mathbf{1})-1/2\\alpha\\phi'\\Sigma\\phi'``) is that objective
            forced = objective_of_claims(self) or forced
        self._objective_bare(candidates, last_def, forced)
        self._stacked_dims()

    def _asked_derivatives(self, candidates):
        """The candidates with each derivative asked for replaced by its function; two
        different ones with no objective named are refused, naming both (as two claims'
        functions are: `objective_of_claims`)."""
        out, asked = [], []
        for k, st in candidates:
            got = self._asked_derivative(st)
            if got is not st:
                asked.append(got)
            out.append((k, got))
        texts = {written(self.src, b.value.span) for b in asked}
        if len(texts) > 1 and not getattr(self, "objective_text", None):
            a, b = asked[0], asked[-1]
            fa, fb = excerpt(self.src, a.value.span), excerpt(self.src, b.value.span)
            raise self.perr(f"two candidates for the objective, and the document defines "
                            f"none: the functions of the derivatives asked for, {fa} and "
                            f"{fb}: name the objective (as written, e.g. --objective '{fa}')",
                            b.value)
        return out

    def _asked_derivative(self, st):
        r"""``What is $\frac{\partial \|X^T - A\|_F^2}{\partial X}$ ?``: in a document that
        defines nothing, a derivative asked for without a claimed value differentiates the
        expression in its numerator, which is the objective (noted), as a claim's would be;
        any other bare statement is returned as it is."""
        fn = claimed_function(st.value)
        if fn is None:
            return st
        self.note(st, "a derivative asked for (no value claimed): the function it "
                      "differentiates is read as the objective", "inferred")
        bare = S.Bare(fn, span=fn.span)
        self._operator_vars[id(bare)] = operator_variable(st.value)
        return bare

    def _defined_by(self, st):
        """The keyword of the definition `_collect_def` just registered for `st`, or None."""
        for kw, ds in reversed(list(self.defsrc.items())):
            if ds.stmt.span == st.span:
                return kw
        return None

    def _continue_chain(self, kw, st) -> bool:
        r"""``f &= A \\ &= B``: a row continuing the definition of f right above it is a
        member of f's chain of equalities, noted: A stays the value, and B must give its
        numbers (`definitions._check_chain`: else two readings, refused; a row that cannot
        be read, a shorthand the prose defines, is noted). Not for an entrywise
        definition, nor a row that writes f itself (a recursion, or a restatement of f):
        those stay rows kept with the equation (False)."""
        ds = self.defsrc.get(kw)
        if ds is None or ds.indices or kw in self.rivals or any(
                isinstance(n, (S.Sym, S.Sub)) and names.keyword_of(n) == kw
                for n in walk_syntax(st.value)):
            return False
        stmt = dataclasses.replace(ds.stmt, middle=tuple(ds.stmt.middle) + (st.value,))
        self.defsrc[kw] = dataclasses.replace(ds, stmt=stmt)
        self.note(st, f"continues the definition of {self.info[kw].latex} above: a member of "
                      f"its chain of equalities (each must give the same numbers)", "inferred")
        return True

    def _sign(self, st: S.Sign, stmts):
        """``\\sigma > 0``: each name is positive (the sign `powers` needs for a derivative
        wrt \\sigma^2), noted. A sign declares no shape; only a name that would otherwise
        be read as a function (\\sigma, the logistic) and that no declaration names is made
        a real scalar by it, noted (a number is compared with 0, a function is not)."""
        declared = {names.keyword_of(t) for d in stmts if isinstance(d, S.Decl)
                    for t in d.targets}
        rel = ">" if st.relation == ">" else "\\geq"
        sign = "positive" if rel == ">" else "nonnegative"
        for t in st.targets:
            kw, latex = names.keyword_of(t), names.latex_of(t)
            self.positive[kw] = f"{latex} {rel} 0"
            if kw not in declared and isinstance(t, S.Sym) and (
                    t.name in SIGMA_NAMES or ops.spelled("command", t.name)):
                self._declare(t, S.Space("real", (), span=st.span), st)
                self.note(st, f"{latex} is read as a {sign} scalar (a number compared "
                              f"with 0), not the function {latex}", "inferred")
            else:
                self.note(st, f"{latex} is {sign} (read only as its sign)", "inferred")

    def _known_names(self):
        """The names the document gives a meaning other than an index (an operator's later
        terms go under it only through a sum's index that is none of these)."""
        return frozenset(k for k, v in self.info.items() if v.kind != "index") | \
            frozenset(self._dimnames)

    def _note_via_families(self, stmts):
        """One note per family read through a nested subscript (`viafamily.py`)."""
        for base, w, k in getattr(self, "via_patterns", ()):
            first = next((n for st in stmts for n in walk_syntax(st)
                          if isinstance(n, S.Sub) and isinstance(n.base, S.Sym)
                          and n.base.via is not None
                          and names.keyword_of(n.base) == f"{base}_{w}"), None)
            if first is not None:
                self.note(first, f"{names.latex_of(first)} read as member {k} of a family "
                                 f"of vectors {names.latex_of(first.base)}, one per {k} (the "
                                 f"nested subscript labels the {k}-th item; it is no one "
                                 f"name)", "inferred")

    def note(self, node, reason, kind="prose"):
        span = getattr(node, "span", node)
        if span is None or not getattr(span, "line", 0):
            return
        if self._starts is None:
            self._starts = offsets(self.src)
        self.notes.append(Note(span.line, span.column, reason,
                               excerpt(self.src, span, self._starts), kind))

    def _own_function(self, st) -> bool:
        """``\\sigma(z) = \\alpha 1^T (z - \\mu(z))^{\\circ 2}``: a known function's name defined
        with parameters. Where the formula equals the built-in at test points (``\\sigma(z) =
        \\frac{1}{1+e^{-z}}``) it is a statement about the built-in and defines nothing;
        otherwise (it differs, or cannot be compared) it is the document's own function of
        that name, which its applications use -- noted, never the built-in silently."""
        t = st.target
        if st.params is None or st.set_params or not isinstance(t, S.Sym) or t.primes or \
                not st.params or not all(isinstance(p, S.Sym) for p in st.params):
            return False
        from .base import SIGMA_NAMES
        from .prose_names import formula_agrees
        from .. import ops
        word = "sigma" if t.name in SIGMA_NAMES else ops.spelled("command", t.name)
        text = excerpt(self.src, st.value.span)
        agrees = formula_agrees(text, word, st.value) if word and len(st.params) == 1 \
            else None
        if agrees:
            return False
        builtin = {"sigma": "the logistic sigmoid"}.get(word, f"the built-in {word}")
        why = "differs from it at test points" if agrees is False else \
            "is not compared with it (a formula of other names)"
        self.note(st.target, f"{names.latex_of(t)} is defined here with parameters: the "
                             f"document's own function {names.latex_of(t)}, not {builtin} "
                             f"(its formula {why}); its applications use this definition",
                  "inferred")
        return True

    def _not_a_definition(self, st, kind):
        if kind in ("claim", "differential"):
            self.claims.append(st)
        word = None
        if kind == "symmetry":
            kw = names.keyword_of(st.target)
            if self.symmetric.setdefault(kw, st) is st:
                word = symmetry.condition(self.src, st)    # "if A is symmetric, A = A^T"
                if word:
                    self.symmetric_if[kw] = word
        if kind != "dimension":
            self.not_defs.append(st)
        if kind == "dimension":
            reason = (f"read as an equation between dimensions: "
                      f"{names.latex_of(st.target)} stands for the product written")
        elif st.target is None:
            reason = "continues the equation above: kept with it, not read as a definition"
        elif word:
            reason = NOTE_REASONS["supposed symmetry"].replace("WORD", word)
        else:
            reason = NOTE_REASONS[kind]
        self.note(st, reason, "inferred" if kind in ("layout", "dimension") else
                  kind if kind in ("claim", "differential") else "relation")

    def _skip(self, st: S.Unreadable):
        """A fragment that cannot be read: the names it would define, as keywords (an
        entrywise ``K_{ij} = ..`` defines K, a name ``E_{max}`` itself: both are kept)."""
        latex, defines, declares, shown = {}, [], [], []
        for group, out in ((st.defines, defines), (st.declares, declares)):
            for e in group:
                shown.append(names.latex_of(e))
                for x in (e, e.base if isinstance(e, S.Sub) else None):
                    kw = names.keyword_of(x) if x is not None else None
                    if kw is not None and kw not in out:
                        out.append(kw)
                        latex[kw] = names.latex_of(x)
        self.skips.append(Skip(st.span, st.error, tuple(defines), tuple(declares), latex,
                               tuple(dict.fromkeys(shown)), st.minimand))

    def _rename(self, st: S.Rename):
        """``I \\to A``: A is declared as I was; a renamed dimension is the same one."""
        old, new = names.keyword_of(st.old), names.keyword_of(st.new)
        if old is None or new is None or old == new:
            return
        self.renamed[old] = (new, st)
        if old in self._dimnames or new in self._dimnames:
            self.dim_subst[sp.Symbol(old, integer=True, positive=True)] = \
                sp.Symbol(new, integer=True, positive=True)
        self.note(st, f"read as a renaming: {names.latex_of(st.new)} is what "
                      f"{names.latex_of(st.old)} was", "inferred")

    def _juxt_syms(self, e):
        if isinstance(e, S.Sym) and len(e.name) == 1:
            return [names.keyword_of(e)]
        if isinstance(e, S.BinOp) and e.op == S.MUL:
            a, b = self._juxt_syms(e.left), self._juxt_syms(e.right)
            return a + b if a is not None and b is not None else None
        return None

    def _collect_def(self, st: S.Def) -> bool:
        """Register a definition (or a claim, for `lower_claim`'s helpers). Returns True
        when `st` is a definition of a name."""
        t = st.target
        if t is not None and not self._is_claim(t):
            st = self.run_named(st) or st           # RSS(\lambda) = ..., NLL = ...
            t = st.target
        if t is None or not isinstance(t, (S.Sym, S.Sub)) or self._is_claim(t):
            self.claims.append(st)
            return False
        if is_layout(st):
            return False  # a layout statement: a vector written as the stack of its entries
        if self._describes_entries(st):
            return False
        indices, index_syntax = (), ()
        kw = names.keyword_of(t)
        latex = names.latex_of(t)
        self._refuse_entry_definition(t)
        if isinstance(t, S.Sub) and isinstance(t.base, S.Sym):
            items = self._index_items(t.subs)
            simple = items is not None and all(
                len(i.replace("_prime", "")) == 1 or i in self.ranges for i in items)
            simple = simple and not self.subscript_is_name(t, st)      # W_{out} = ...
            if simple or kw is None:
                if items is None:
                    raise self.perr("cannot read this left-hand side", t)
                kw = names.keyword_of(t.base)
                latex = names.latex_of(t.base)
                indices = tuple(items)
                index_syntax = t.subs
        if kw is None:
            raise self.perr("cannot read this left-hand side", t)
        member = _member_argument(st, self._declared)
        if not indices and member is not None:      # f(x_i) = ...: the entries f_i
            indices, index_syntax = (names.keyword_of(member.subs[0]),), member.subs
        ds = DefSource(kw, st, indices, index_syntax)
        if kw in self.defsrc:
            prev = self.defsrc[kw]
            for other in [prev] + self.rivals.get(kw, []):
                if other.stmt.value == st.value and other.indices == tuple(indices):
                    self.note(st, f"{latex} restated as at line {other.stmt.span.line}",
                              "restated")
                    return True
            # settled when kw is lowered: the one that can be read, or the same value
            self.rivals.setdefault(kw, []).append(ds)
            return True
        self.defsrc[kw] = ds
        prev = self.info.get(kw)
        decl_shape = prev.shape if prev is not None and prev.kind == "input" else None
        self.info[kw] = Info("def", latex, span=t.span, decl_shape=decl_shape)
        return True

    def _refuse_entry_definition(self, t):
        """``z_1 = \\sigma(\\alpha^T x)`` with z a declared vector: entry 1 of z, or a new
        name z_1? As a new name the declared z stays a free input, and every gradient
        through it is 0 (corpus 106): refused, naming both readings."""
        if not (isinstance(t, S.Sub) and isinstance(t.base, S.Sym)) or \
                not all(isinstance(x, S.Num) for x in t.subs):
            return
        base = self.info.get(names.keyword_of(t.base))
        if base is None or base.kind != "input" or not base.shape or \
                names.keyword_of(t) in self.info:
            return
        raise self.perr(f"{names.latex_of(t)} = ... has two readings: entry "
                        f"{', '.join(x.value for x in t.subs)} of the declared "
                        f"{names.latex_of(t.base)} (matcalc does not assemble an array from "
                        f"definitions of its entries), or a new name {names.latex_of(t)} "
                        f"(then {names.latex_of(t.base)} stays a free input): write "
                        f"{names.latex_of(t.base)} = \\begin{{pmatrix}} ... \\end{{pmatrix}}, "
                        f"or rename", t)

    def _is_claim(self, t) -> bool:
        # d\lambda = ..., dX = ... (a differential), \frac{\partial L}{\partial W} = ...
        if isinstance(t, S.Frac):
            return True
        if isinstance(t, S.BinOp) and t.op == S.MUL and isinstance(t.left, S.Sym) \
                and t.left.name in ("d", "partial"):
            return True
        return False


def _declared_name(e):
    """The name a declaration with an unreadable left side is about: W of ``W^Q``,
    ``W^{\\top}``, ``(W)``; None for ``\\mathbf{1}_n`` (a fact about the ones vector)."""
    while not namelike(e):
        if isinstance(e, (S.Pow, S.Transpose)):
            e = e.base if isinstance(e, S.Pow) else e.arg
        elif isinstance(e, S.Apply):
            e = e.func
        else:
            return None
    return e


def _same_shape(a, b):
    return len(a) == len(b) and all(ir.same_dim(x, y) for x, y in zip(a, b))


def _summed_sets(stmts) -> set:
    """The keywords of the sets sums run over (``\\sum_{j \\in C_i}``: C)."""
    out = set()
    for st in stmts:
        for n in walk_syntax(st):
            if isinstance(n, S.BigOp) and n.over is not None:
                e = n.over.base if isinstance(n.over, S.Sub) else n.over
                out.add(names.keyword_of(e) if namelike(e) else None)
    return out - {None}


def _plain_arguments(st: S.Def):
    """``d(\\Pi', \\Sigma^{-1}) = ...``: a left side whose arguments are names, some
    written transposed or to a power, lists what the name depends on (its value is the
    right side either way): the arguments as those names. None when some argument is
    not a decorated name (``x(0) = x_0``: a value at a point) or nothing is decorated."""
    if st.params is None:
        return None
    plain, changed = [], False
    for p in st.params:
        if isinstance(p, S.Pow) and not p.hadamard and namelike(p.base) and \
                isinstance(p.exp, (S.Num, S.Neg)):
            p, changed = p.base, True
        elif isinstance(p, S.Transpose) and namelike(p.arg):
            p, changed = p.arg, True
        if not namelike(p):
            return None
        plain.append(p)
    return dataclasses.replace(st, params=tuple(plain)) if changed else None


def _member_argument(st: S.Def, declared):
    """``f(x_i) = \\sum_k w_k e^{-\\lambda_k \\|x_i - \\mu_k\\|^2}``: a definition whose one
    argument is the member x_i of a declared family, by one index letter: f is read
    entrywise, f_i its value at x_i (applied to x_j it is f_j). The argument, or None."""
    if st.params is None or len(st.params) != 1 or not namelike(st.target) or \
            isinstance(st.target, S.Sub):
        return None
    p = st.params[0]
    if not (isinstance(p, S.Sub) and isinstance(p.base, S.Sym) and len(p.subs) == 1 and
            isinstance(p.subs[0], S.Sym) and len(p.subs[0].name) == 1):
        return None
    return p if names.keyword_of(p.base) in declared else None
