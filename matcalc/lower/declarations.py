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
from .classify import (_head, is_layout, dimension_names, index_names, is_derivative, is_differential,
                       is_function_name, kind_of_def, layout_range, namelike,
                       is_ordinal, listed_members, matrix_layout, prose_bare)
from .builtin_defs import own_builtin
from .columns import column_definitions
from .elidedsums import elided_sums
from .signatures import SignatureDeclarations
from .candidates import claimed_function, objective_of_claims, written
from .operators import operand_of_claims, operator_variable, statement_operand, taken_note
from .reversed import named_right, names_beside, names_used, right_to_left
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


class DeclarationCollector(SignatureDeclarations, LoweringBase):
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

    def _names_a_function(self, e) -> bool:
        """Is `e` only the name of a function the document applies (``$\\ell$`` beside
        ``\\ell(U)``)?"""
        if not namelike(e):
            return False
        kw = names.keyword_of(e)
        return any(isinstance(n, S.Apply) and names.keyword_of(n.func) == kw
                   for st in self.doc.statements for n in S.walk(st))

    def _real(self, candidates):
        """The bare expressions that are more than a mention (a name, ``$\\Sigma$``, the
        variable of a derivative operator the document writes)."""
        return [(k, st) for k, st in candidates
                if not prose_bare(st.value) and not self._labelled_mention(st.value)
                and not self._variable_mention(st.value)]

    def _variable_mention(self, e) -> bool:
        """``... do not involve $\\sigma^2$`` after ``\\frac{\\partial}{\\partial \\sigma^2}
        \\det[...]``: an expression written as the variable of a derivative operator of the
        document only mentions that variable (corpus 123); it is not the objective."""
        return any(v is not None and v == e for v in self._operator_vars.values())

    def _solution_statements(self, stmts):
        """``X = UV^T`` where X is an optimisation variable (``\\min_{X} ...``): a solution
        statement, never a definition of X (read/optimum.py, lower/optimum.py)."""
        variables = {names.keyword_of(v) for st in stmts if isinstance(st, S.Optimum)
                     for v in st.variables} - {None}
        for k, st in enumerate(stmts):
            if isinstance(st, S.Def) and self._kinds.get(k) is None and st.params is None \
                    and namelike(st.target) and names.keyword_of(st.target) in variables:
                self._kinds[k] = "solution"

    def _turn_around(self, stmts):
        """``X\\hat{w} = \\hat{y}``: a relation whose right side is a new name used
        elsewhere is that name's definition, written right to left (`reversed.py`)."""
        defined = {names.keyword_of(st.target) for k, st in enumerate(stmts)
                   if isinstance(st, S.Def) and self._kinds.get(k) is None
                   and st.target is not None and namelike(st.target)}
        known = self._declared | self._dimnames | self._indices
        for k, st in enumerate(stmts):
            if self._kinds.get(k) != "relation" or not isinstance(st, S.Def):
                continue
            if isinstance(st.value, S.Sym) and is_function_name(st.value, self._declared):
                continue
            new = right_to_left(st, known, defined - {None}, names_used(stmts, k))
            own = own_builtin(st, getattr(self, "objective_text", None), defined)
            if own is not None:
                stmts[k] = own
                self._kinds[k] = None
                self.note(st, f"the document defines the built-in {own.target.name} itself: "
                              f"its own definition is the objective asked for", "inferred")
            elif new is not None:
                stmts[k] = new
                self._kinds[k] = kind_of_def(new, self._declared, self._dimnames,
                                             self._indices)
                self.note(st, f"a definition written right to left: "
                              f"{names.latex_of(new.target)} is defined as the left side",
                          "inferred")
            else:
                self._turn_around_named(stmts, k, st, known, defined - {None})

    def _turn_around_named(self, stmts, k, st, known, defined):
        """``\\mathbf{L}\\mathbf{L}^\\top = \\bm{\\Sigma}`` with Σ used only where LLᵀ would
        stand (`reversed.named_right`): Σ's definition when Σ is new, one more definition
        of it when it is defined elsewhere too (compared when lowered), and two readings,
        refused, when Σ is declared as data."""
        got = named_right(st, known, defined, names_used(stmts, k), names_beside(stmts, k))
        if got is None:
            return
        how, new = got
        latex = names.latex_of(new.target)
        if how == "declared" and names.keyword_of(new.target) not in self._declared:
            return              # a dimension or an index on the right: a relation of sizes
        if how == "declared":
            raise self.perr(f"two readings of {excerpt(self.src, st.span) or latex}: "
                            f"{latex} is declared, so an equation the data {latex} "
                            f"satisfies (it defines nothing, and the formulas that use "
                            f"{latex} do not depend on the names of the left side), or the "
                            f"definition of {latex} written right to left (as the formulas "
                            f"use {latex} only where the left side would stand); they give "
                            f"different values: remove the declaration of {latex} for the "
                            f"second reading", st)
        stmts[k] = new
        self._kinds[k] = kind_of_def(new, self._declared, self._dimnames, self._indices)
        self.note(st, f"a definition written right to left: {latex}, "
                      + ("declared nowhere and defined nowhere else" if how == "define" else
                         "defined elsewhere too (the two must give the same values)")
                      + f", is defined as the left side (the formulas use {latex} only where "
                        f"the left side would stand)", "inferred")

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

    def _labelled_mention(self, e) -> bool:
        """``$x_i^b$`` in prose with b declared nowhere: as a power it has no value, so it
        only mentions a name labelled b (the point in frame B)."""
        if not _labelled(e):
            return False
        kw = names.keyword_of(e.exp)
        return kw not in self.info and kw not in self._dimnames and kw not in self._indices

    # ------------------------------------------------------------ what is not a definition
    def _describes_entries(self, st: S.Def) -> bool:
        r"""``\Pi' = [\mu \; \dots \; \Phi_{1p} \\ \vdots \; \ddots \; \vdots \\ ...]``: a
        matrix literal with elided entries cannot be a value; where the names of its
        entries appear in no other formula of the document, nothing else depends on it,
        and it only describes what its target holds: noted and not read (the target is
        then what the rest of the document makes of it, e.g. the transpose of a declared
        \Pi). An elided literal whose entries other formulas use stays a definition,
        which the lowering refuses where it is needed."""
        v = st.value
        if not (isinstance(v, S.Stack) and v.grid and v.width > 1
                and any(isinstance(x, S.Dots) for x in v.items)):
            return False
        entries = [x for x in v.items if not isinstance(x, (S.Dots, S.Num))]
        if not all(namelike(x) for x in entries):
            return False
        own = {names.keyword_of(x.base if isinstance(x, S.Sub) else x) for x in entries}
        own -= {None, names.keyword_of(st.target)}
        others = set()
        for other in self.doc.statements:
            if other is not st and getattr(other, "value", None) is not v:
                others |= {names.keyword_of(n) for n in walk_syntax(other)
                           if isinstance(n, S.Sym)}
        if own & others:
            return False
        self.note(st, f"a matrix literal with elided entries describes "
                      f"{names.latex_of(st.target)}: it is not a formula, and no other "
                      f"formula uses its entries; not read", "inferred")
        return True

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

    def _objective_bare(self, candidates, last_def, forced=None):
        """A bare expression is the objective when nothing is defined (the last one), or
        when it stands after the last definition and is more than a mention of a name
        (``3a`` after ``a = x^Tx``); `forced`, the function inside an optimisation
        operator (lower/optimum.py), wherever it stands. The others define nothing and
        are noted."""
        chosen = None
        real = self._real(candidates)
        want = "".join((getattr(self, "objective_text", None) or "").split())
        for _k, st in candidates:       # the objective named as written: that expression
            if want and written(self.src, st.value.span) == want and not (
                    namelike(st.value) and names.keyword_of(st.value) in self.defsrc):
                forced = st             # (a mention of a defined name, $L$, is not it)
        if forced is not None:
            chosen = forced
        elif not self.defsrc and real:
            chosen = real[-1][1]
        elif not self.defsrc and candidates and not self.skips:
            # only a name: it is the objective, if anything -- but not the name of a
            # function the text applies ("where $\ell$ is a loss function" after
            # $\ell(U)$: the objective was \ell, a scalar, and every gradient 0)
            named = [c for c in candidates if not self._names_a_function(c[1].value)]
            chosen = (named or candidates)[-1][1]
        elif real and real[-1][0] > last_def:
            chosen = real[-1][1]
        if chosen is None and self.defsrc and getattr(self, "objective_text", "") is None \
                and self.objective_by_name is None:
            for k, st in candidates:
                if k > last_def and (_function_of_names(st.value, self.defsrc, self.info)
                                     or self._name_on_its_own_line(st)):
                    # \sigma(\text{lr}) after the last definition: the objective, or a
                    # mention of a function (and the last definition the objective)
                    last = list(self.defsrc)[-1]
                    what = "a name" if namelike(st.value) else "a function"
                    raise self.perr(
                        f"{excerpt(self.src, st.value.span)} after the last definition has two "
                        f"readings: it is the objective, or it mentions {what} and the "
                        f"objective is {self.info[last].latex}; name the objective "
                        f"(objective=... / --objective)", st.value)
        if chosen is not None and id(chosen) in self._scope_readings:
            raise self.perr(self._scope_readings[id(chosen)], chosen)     # \nabla_X a + b
        if chosen is not None and id(chosen) in self._operator_vars:
            self.operator_wrt = self._operator_vars[id(chosen)]
        for _k, st in candidates:
            if st is chosen:
                continue
            self.note(st, "mentions a name with a superscript label declared nowhere (not a "
                          "power): defines nothing" if self._labelled_mention(st.value)
                      else "mentions the variable of a derivative operator: defines nothing"
                      if self._variable_mention(st.value) else _mention(st.value))
        if chosen is None:
            return
        self.written_objective = written(self.src, chosen.value.span)
        if not self.defsrc:
            name = "f"
            scripts = {id(m) for n in S.walk(chosen.value) if isinstance(n, S.Sub)
                       for sub in n.subs for m in S.walk(sub)}     # R_f: no name f
            if any(isinstance(n, S.Sym) and id(n) not in scripts and
                   names.keyword_of(n) == name for n in S.walk(chosen.value)):
                raise self.perr("this expression, the objective, uses the name f, which is "
                                "the name an objective written without one gets: name the "
                                "objective (L = ...)", chosen.value)
            self.defsrc[name] = DefSource(name, S.Def(S.Sym("f"), None, chosen.value,
                                                      span=chosen.span), (), ())
            self.info[name] = Info("def", "f", span=chosen.span)
        else:
            self.bare = chosen

    def _name_on_its_own_line(self, st) -> bool:
        """A bare name of the document, not the last definition's, alone on its line (a
        line of a plain document, or a displayed formula): the objective, or a mention
        (``h = \\tanh(\\alpha\\beta)`` then ``\\beta``) -- two readings. A name inside a
        sentence of prose (``... of $\\Sigma$ ...``) is a mention only."""
        if not namelike(st.value) or not self.defsrc:
            return False
        kw = names.keyword_of(st.value)
        if kw is None or kw == list(self.defsrc)[-1] or kw not in self.info:
            return False
        span = st.value.span
        if not span.line or span.line != span.end_line:
            return False
        line = self.src.splitlines()[span.line - 1]
        rest = (line[:span.column - 1] + line[span.end_column - 1:]).strip()
        return rest.strip("$").strip() in ("", "\\[", "\\]", "\\[\\]")

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


def _labelled(e) -> bool:
    """``x_i^b``, ``x^a``: a name with a one-letter superscript (a power, or a label)."""
    return isinstance(e, S.Pow) and not e.hadamard and namelike(e.base) and \
        isinstance(e.exp, S.Sym) and len(e.exp.name) == 1 and e.exp.accent is None and \
        e.exp.layer is None and not e.exp.primes and e.exp.sup is None


def _mention(e) -> str:
    """Why a bare expression is not used, in words."""
    if is_derivative(e) or is_derivative(_head(e)):
        return "mentions a derivative: defines nothing"
    if is_differential(e):
        return "mentions a differential: defines nothing"
    if is_ordinal(e):
        return "an ordinal in prose (the i-th), not a power: defines nothing"
    if prose_bare(e):
        return "mentions a name: defines nothing"
    return "an expression, not a definition: not used"


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


def _function_of_names(e, defsrc, info) -> bool:
    """``\\sigma(\\text{lr})``, ``\\alpha^T``: a built-in function of names, or a transpose,
    standing alone -- an objective as much as a mention. A function the document defines or
    declares applied to names (``F(h,\\phi)``) restates it and is a mention only."""
    if isinstance(e, S.Transpose):
        return True
    if not isinstance(e, S.Apply):
        return False
    kw = names.keyword_of(e.func) if isinstance(e.func, (S.Sym, S.Sub)) else None
    return kw is not None and kw not in defsrc and kw not in info


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
