"""A family declared without its index range takes the range of the sums over its index.

Contract (`FamilyRanges.ranges_from_sums(stmts)`, a part of pass 1, `declarations.collect`,
run after the declared ranges and before the declarations): for a declaration of a family
member ``X_i \\in \\mathbb{R}^n`` whose index i has no declared range (``i = 1,\\dots,k``,
``i \\in \\{1,\\dots,k\\}``), the range is read from the sums over i that give bounds
(``\\sum_{i=1}^{k}``), with a note -- only when every index of the member gets its range
so (``z_{in} \\in \\mathbb{R}^n`` with no sum over n is the name z_in, and the sums over
i say nothing about it); when two such sums give different ranges, a located
`ParseError` names both. No sum with bounds: nothing is done (the declaration is read as
before). A sum's index is bound only inside it, so this reading assumes that the family
and the sums count the same members -- the note says so.
"""
from __future__ import annotations

from .. import names
from ..errors import MatcalcError
from ..read import syntax as S
from .base import LoweringBase, walk_syntax


class FamilyRanges(LoweringBase):
    """Index ranges of families declared without them (module docstring)."""

    def ranges_from_sums(self, stmts):
        for st in stmts:
            if not isinstance(st, S.Decl) or st.space.kind == "range":
                continue
            for t in st.targets:
                if isinstance(t, S.Sym) and t.layer and t.layer.isalpha() and \
                        len(t.layer) == 1:
                    items = [t.layer]           # x^{(i)} \in R^n: a member, as x_i is
                elif isinstance(t, S.Sub) and isinstance(t.base, S.Sym):
                    items = self._index_items(t.subs)
                else:
                    continue
                open_ = [kw for kw in items or () if kw not in self.ranges and
                         kw not in self.info]
                found = {kw: self._sums_over(kw, stmts) for kw in open_}
                # every index of the member needs a range: z_{in} \in R^n with no sum over
                # n is a name (z "in"), not a family whose i counts the terms of \sum_{i=2}^n
                if all(found.values()):
                    for kw in open_:
                        self._range_of_sums(kw, t, st, found[kw])
                else:
                    self._refuse_bound_member(t, [kw for kw in open_ if not found[kw]],
                                              stmts)

    def _refuse_bound_member(self, target, unbounded, stmts):
        r"""``p_i \in R^k`` with no range for i, used inside a sum that binds i without
        bounds (``\sum_{i \in S}``, ``\sum_i``, ``\sum_{i \neq 2}``): p_i is the i-th
        member of a family of vectors, or one vector named p_i added once per term. The
        two give different numbers and no bound says how many members: the sum is refused,
        naming both, where it is lowered -- only if the objective needs it (read as the one
        name, it was silently wrong)."""
        base = names.keyword_of(target.base if isinstance(target, S.Sub) else target)
        for kw in unbounded:
            for node in self._binding_sums(kw, stmts):
                inside = {names.keyword_of(n.base if isinstance(n, S.Sub) else n)
                          for n in walk_syntax(node.body)
                          if isinstance(n, (S.Sub, S.Sym))}
                if base in inside and node.span not in self.ambiguous_sums:
                    shown = names.latex_of(target)
                    self.ambiguous_sums[node.span] = (
                        f"{shown} is declared without the range of {kw}, and the sum over "
                        f"{kw} here has no bounds: it has two readings, the {kw}-th member "
                        f"of a family (one per term) or one name {shown} in every term; "
                        f"declare the range, e.g. `{kw} = 1,\\dots,m`")

    def _binding_sums(self, kw, stmts):
        for other in stmts:
            if not isinstance(other, (S.Def, S.Bare)):
                continue
            for part in (other.value,) + tuple(getattr(other, "middle", ())):
                for node in walk_syntax(part):
                    if isinstance(node, S.BigOp) and any(
                            names.keyword_of(i) == kw for i in node.indices):
                        yield node

    def _sums_over(self, kw, stmts) -> list:
        """(lo, hi, the sum's index syntax, the sum) of every sum over kw with bounds."""
        found = []
        for other in stmts:
            if not isinstance(other, (S.Def, S.Bare)):
                continue
            parts = (other.value,) + tuple(getattr(other, "middle", ()))
            for part in parts:
                for node in walk_syntax(part):
                    got = self._bounds(node, kw)
                    if got is not None:
                        found.append(got)
        return found

    def _range_of_sums(self, kw, target, st, found):
        first = found[0]
        for other in found[1:]:
            if (other[0], other[1]) != (first[0], first[1]):
                raise self.perr(
                    f"{names.latex_of(target)} is declared without the range of {kw}, and "
                    f"the sums over {kw} give two ranges, {first[0]}..{first[1]} and "
                    f"{other[0]}..{other[1]}: declare it, e.g. `{kw} = 1,\\dots,n`", other[3])
        lo, hi, index, big = first
        self._declare_range(index, big.lower, big.upper, st)
        self.note(st, f"{names.latex_of(target)}: the range of {kw} is not declared; read as "
                      f"{lo}..{hi}, the range of the sum over {kw} at line {big.span.line}, "
                      f"column {big.span.column} (the family has one member per term)",
                  "inferred")

    def _bounds(self, node, kw):
        """(lo, hi, index syntax, node) of a sum or product over kw alone with both bounds
        given and free of other indices; else None."""
        if not isinstance(node, S.BigOp) or len(node.indices) != 1 or node.lower is None \
                or node.upper is None or names.keyword_of(node.indices[0]) != kw:
            return None
        try:
            lo, hi = self.dim(node.lower, {}), self.dim(node.upper, {})
        except MatcalcError:
            return None
        used = {s.name for s in lo.free_symbols | hi.free_symbols}
        if used & (set(getattr(self, "_indices", ())) | {kw}):
            return None                 # \sum_{i=j+1}^{n}: a sub-range, not the family's
        return lo, hi, node.indices[0], node
