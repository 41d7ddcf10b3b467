"""An objective written only as the left side of an equation after the last definition:
``r = Ax - b`` then ``\\Rightarrow \\|r\\|^2 = x^TA^TAx - 2b^TAx + b^Tb``, or an identity about a
defined quantity written without the arrow, ``tr(M_k) = ...`` after ``M_k = ...``
(`identities.py`).

Contract (a part of `document.Lowerer`): `implied_objective(kw)` is called when no
objective was named and the one picked, `kw`, is not a scalar. If exactly one equation
stated after an implication arrow (`Document.implied`, `read/implied.py`; its left side an
expression, not a name: `classify` kind "relation") stands after the last definition, its two sides are read as two definitions of one
objective ``f`` -- the restatement rule: they must give the same numbers at random points
(`definitions._settle`), else the document is refused naming both. Returns "f" when that
objective is a scalar, else None (the caller then reports `kw`'s shape). Never picks
between two such equations.
"""
from __future__ import annotations

from ..errors import MatcalcError
from ..notes import excerpt
from ..read import syntax as S
from .base import LoweringBase, short_error
from .classify import kind_of_def, namelike
from .declarations import DefSource, Info


class ImpliedObjective(LoweringBase):
    def _implied_relations(self):
        last = self._last_def
        out = []
        # an identity about a defined quantity stands for itself (identities.py: tr(M_k) =
        # ... after M_k = ...), an equation after an arrow where its left side is no name
        stated = [st for st in self.not_defs if self.identity_relation(st)]
        for st in list(getattr(self.doc, "implied", ())) + stated:
            if kind_of_def(st, self._declared, self._dimnames, self._indices) != "relation" \
                    or namelike(st.target) or st.middle:
                continue
            if last is not None and (st.span.line, st.span.column) <= (last.line, last.column):
                continue
            out.append(st)
        return out

    def implied_objective(self, kw):
        """(new objective keyword or None, a sentence for the caller's error or None)."""
        found = self._implied_relations()
        if len(found) != 1 or "f" in self.info:
            return None, None
        st = found[0]
        left = DefSource("f", S.Def(S.Sym("f"), None, st.target, span=st.span), (), ())
        right = DefSource("f", S.Def(S.Sym("f"), None, st.value, span=st.span), (), ())
        self.defsrc["f"] = left
        self.rivals["f"] = [right]
        self.info["f"] = Info("def", "f", span=st.target.span)
        try:
            self.tentatively(lambda: self._define_deep("f"))
        except MatcalcError as e:
            for table in (self.defsrc, self.rivals, self.info):
                table.pop("f", None)
            if "defined twice, differently" in str(e):
                lhs = " ".join(excerpt(self.src, st.target.span).split())
                what = (f"its two sides give different values at random points: two "
                        f"readings, its left side {lhs} with the definitions above, or its "
                        f"right side as written")
                if st in self.not_defs:
                    what += f" (name the objective, --objective '{lhs}', for the left side)"
            else:
                what = short_error(e)
            return None, f"the equation at line {st.span.line} would be the objective, but {what}"
        if self.defs["f"].shape != ():
            return None, None
        # the reader's note "a differential step after \implies" is replaced by this one
        arrow = max((n for n in self.notes if n.kind == "differential" and
                     n.line == st.span.line and n.column < st.span.column),
                    key=lambda n: n.column, default=None)
        self.notes[:] = [n for n in self.notes if n is not arrow]
        self.notes[:] = [n for n in self.notes if not (
            n.kind == "restated" and (n.line, n.column) == (st.span.line, st.span.column))]
        self.note(st, "the equation after the last definition is read as the objective: "
                      "its left side, checked equal to its right side at random points",
                  "inferred")
        return "f", None
