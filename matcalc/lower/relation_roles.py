"""Relations that are not what they look like (a part of pass 1,
`declarations.DeclarationCollector`): ``X = UV^T`` about an optimisation variable is a
solution statement; ``X\\hat{w} = \\hat{y}`` and ``LL^T = \\Sigma`` are definitions written
right to left (`reversed.py`); a matrix literal with elided entries that nothing else uses
only describes its target.

Contract: `_solution_statements(stmts)` and `_turn_around(stmts)` run on the classified
statements before definitions are collected; they change `self._kinds` (and, for a
definition written right to left, the statement itself) and note what they read.
`_turn_around` raises a located `ParseError` where a declared name on the right side
gives two readings (an equation the data satisfies, or its definition).
`_describes_entries(st) -> bool`: True, with a note, for a literal that is not read.
"""
from __future__ import annotations

from .. import names
from ..notes import excerpt
from ..read import syntax as S
from .base import LoweringBase, walk_syntax
from .builtin_defs import own_builtin
from .classify import is_function_name, kind_of_def, namelike
from .reversed import named_right, names_beside, names_used, right_to_left


class RelationRoles(LoweringBase):
    """Statements read for what they are, not as written (see the module docstring)."""

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
