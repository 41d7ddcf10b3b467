"""An identity about a defined quantity: ``M_k = \\dots`` then ``tr(M_k) = tr(\\hat{M}_k) +
2tr(K_kH\\hat{M}_k) + \\dots`` (corpus 073): an equation whose left side is an expression --
not a name, so it defines nothing -- over a name the document defines. Its left side has a
meaning already (the trace of M_k as defined); its right side is the author's claim about
that value, which may be wrong (073's notes slip a sign).

Contract (a part of `document.Lowerer`):

- `identity_relation(st)`: is the statement such an identity (a `Def` whose target is not
  name-like, no parameters, no chain, whose left side uses a name the document defines)?
  Pure; `implied.py` takes these, like an equation after ``\\Rightarrow``, as the objective
  when no objective is named and the last definition is not a scalar -- their two sides
  must then give the same numbers, else two readings, refused naming both.
- `identity_subject(st)`: with the objective named as written as an identity's left side
  (``--objective 'tr(M_k)'``), the bare expression of that left side (the objective, by
  `_objective_bare`'s rule for an expression named as written), with the identity kept to
  judge; else None.
- `judge_identity(kw)`: after the objective `kw` (the left side) is lowered, its right
  side is lowered too and compared at random points; the verdict is noted -- it holds, it
  does not (the claim is false: not used), or it cannot be read. Never raises.
"""
from __future__ import annotations

from .. import names
from ..errors import MatcalcError
from ..notes import excerpt
from ..read import syntax as S
from .base import LoweringBase, short_error, walk_syntax
from .candidates import written
from .classify import namelike
from .declarations import DefSource


def _names_in(e):
    out = set()
    for n in walk_syntax(e):
        if isinstance(n, S.Sym):
            out.add(names.keyword_of(n))
        elif isinstance(n, S.Sub):
            out.add(names.keyword_of(n))
            if isinstance(n.base, S.Sym):
                out.add(names.keyword_of(n.base))
    return out - {None}


class Identities(LoweringBase):
    """Equations about a defined quantity, read as claims (module docstring)."""

    def identity_relation(self, st) -> bool:
        if not isinstance(st, S.Def) or st.target is None or namelike(st.target) or \
                st.params is not None or st.middle:
            return False
        return bool(_names_in(st.target) & set(self.defsrc))

    def identity_subject(self, st):
        want = "".join((getattr(self, "objective_text", None) or "").split())
        if not want or not isinstance(st, S.Def) or st.target is None or \
                namelike(st.target) or st.params is not None or st.middle or \
                written(self.src, st.target.span) != want:
            return None
        bare = S.Bare(st.target, span=st.target.span)
        self.identity_of = getattr(self, "identity_of", {})
        self.identity_of[id(bare)] = st
        return bare

    def judge_identity(self, kw):
        st = getattr(self, "identity_of", {}).get(id(self.bare)) if self.bare else None
        if st is None or kw not in self.defs:
            return
        lhs = excerpt(self.src, st.target.span).strip()
        right = DefSource(kw, S.Def(S.Sym(kw), None, st.value, span=st.value.span), (), ())
        start = len(self.notes)
        try:
            got = self.tentatively(lambda: self._lower_def(right))
        except MatcalcError as e:
            del self.notes[start:]
            self.note(st.value, f"the right side of the equation about {lhs} cannot be read "
                                f"({short_error(e)}): the objective is its left side, as "
                                f"named; the equation is not checked", "unreadable")
            return
        del self.notes[start:]
        if self._same_value(got, self.defs[kw]):
            self.note(st.value, f"the equation's right side gives the values of {lhs} (checked "
                                f"at random points); the objective is its left side, as "
                                f"named", "inferred")
        else:
            self.note(st.value, f"the equation claims a value of {lhs} that is FALSE: its "
                                f"right side gives different numbers at random points (the "
                                f"claim is not used; the objective is {lhs} as the "
                                f"definitions give it, as named)", "claim")
