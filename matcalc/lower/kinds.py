r"""The kind of an arbitrary function (`lower.opaque`), decided from ALL its uses in the
document, in whatever order the lowering meets them.

An arbitrary function applied to an array is either entrywise (f: R -> R on each entry, its
derivative f') or a scalar function of the whole array (a loss, its gradient \nabla f). Each
use says something, or nothing, about which (`USES`): f(x_i) on scalars makes f a function
of scalars, so on an array it can only be entrywise; f'(D) writes the derivative of an
entrywise function; L = f(D), the whole objective, must be a scalar; \nabla f(D) writes a
gradient (weakly: of an entrywise f it is the derivative at each entry). The text may say
too (`ArbitraryFunctions.arbitrary_function`: a sentence, or a derivative written).

Contract:
  - `decide(said, uses) -> Decision`: pure. `said` is (kind or None, why) from the text,
    `uses` the categories of the uses met (`USES` keys, each with where it stands). The
    kind is "entrywise" where the strong evidence is all entrywise, "scalar" where it is all
    scalar (or only a gradient is written), "conflict" where strong evidence says both
    (`Decision.entry` / `Decision.scalar` name it), "open" where nothing decides, and
    "scalars" where f is never applied to an array (both readings are then one).
  - `KindSurvey.survey_arbitrary(objective)`, run before a document is lowered: lowers the
    document's definitions in twin lowerers (each refusal swallowed) to collect the uses of
    every arbitrary function, to a fixed point (each round takes the kinds the previous
    round's uses decide, so a use behind a refused one is met). What it finds is
    `kind_evidence` (keyword -> {use key: (category, where)}), the prior every use of the
    real lowering decides with: the outcome does not depend on which use is lowered first.
"""
from __future__ import annotations

from dataclasses import dataclass

from .. import names
from ..errors import MatcalcError
from ..notes import excerpt
from ..read import syntax as S
from .base import LoweringBase, walk_syntax
from .infer import span_key

# what one use of f says of its kind: category -> (the reading it implies, how strongly,
# how a message describes it). A weak reading decides only where nothing strong does.
USES = {
    "scalars": ("entrywise", "strong", "applied to scalars"),
    "prime": ("entrywise", "strong", "its derivative {f}' written at an array"),
    "objective": ("scalar", "strong", "the whole value of the objective, a scalar"),
    "grad": ("scalar", "weak", "its gradient \\nabla {f} written at an array"),
    "array": (None, None, "applied to an array"),
}
MAX_ROUNDS = 4          # survey rounds; each can only reach uses a refusal hid before


@dataclass(frozen=True)
class Decision:
    kind: str           # "entrywise" | "scalar" | "conflict" | "open" | "scalars"
    entry: tuple = ()   # why entrywise: the text's word and the uses, described
    scalar: tuple = ()  # why a scalar function of the array


def decide(said, uses, latex="f") -> Decision:
    """The kind the text (`said`: (kind or None, why) or None) and the uses (an iterable of
    (category, where)) give the function `latex` (module docstring)."""
    uses = sorted(set(uses))
    if all(cat == "scalars" for cat, _ in uses):
        return Decision("scalars")
    strong = {"entrywise": [], "scalar": []}
    weak = []
    if said is not None and said[1] is not None:
        strong[said[1]].append(said[0])
    for cat, where in uses:
        reading, how, what = USES[cat]
        if reading is None:
            continue
        why = f"{what.format(f=latex)}, {where}"
        (strong[reading] if how == "strong" else weak).append(why)
    entry, scalar = tuple(strong["entrywise"]), tuple(strong["scalar"])
    if entry and scalar:
        return Decision("conflict", entry, scalar)
    if entry:
        return Decision("entrywise", entry)
    if scalar or weak:
        return Decision("scalar", (), scalar + tuple(weak))
    return Decision("open")


class KindSurvey(LoweringBase):
    """The uses of the document's arbitrary functions, met before it is lowered."""

    @property
    def kind_evidence(self) -> dict:
        """keyword -> {use key: (category, where)}: the uses the survey met (the prior)."""
        return self.__dict__.setdefault("_kind_evidence", {})

    @property
    def kind_seen(self) -> dict:
        """keyword -> {use key: ((category, where), kind taken)}: the uses this lowering met."""
        return self.__dict__.setdefault("_kind_seen", {})

    def kind_of_use(self, f, e, category, said) -> Decision:
        """The decision for one use `e` of the arbitrary function `f` (of `category`): from
        the survey's uses and this one; the use is recorded (for the survey's next round)."""
        kw = names.keyword_of(S.Sym(f.name))
        latex = names.latex_of(S.Sym(f.name))
        sp_ = getattr(e, "span", None)
        where = (f"{excerpt(self.src, sp_)} at line {sp_.line}, column {sp_.column}"
                 if sp_ is not None and sp_.line else "in the text")
        key = (span_key(e) or repr(e)[:200], category)
        use = (category, where)
        prior = self.kind_evidence.get(kw, {})
        uses = dict(prior)
        uses.setdefault(key, use)
        d = decide(said, uses.values(), latex)
        if getattr(self, "in_claim", False) and prior and key not in prior:
            # a claim is read in its document's terms: a function the document applies only
            # to scalars is, applied to an array in a claim (the printed X^T \partial_2
            # \ell(y, \hat y)), that function of scalars at each entry -- not a new one
            before = decide(said, prior.values(), latex)
            if before.kind == "scalars":
                d = Decision("entrywise", ("applied only to scalars in the document",))
        self.kind_seen.setdefault(kw, {})[key] = (use, d.kind)
        return d

    def decided_kind(self, kw):
        """The kind the survey's uses give the function `kw` ("entrywise" / "scalar"), or None
        (not surveyed, never applied to an array, or not decided)."""
        uses = self.kind_evidence.get(kw)
        if not uses:
            return None
        said = self._said_of(kw)
        d = decide(said, uses.values())
        return d.kind if d.kind in ("entrywise", "scalar") else None

    def _said_of(self, kw):
        for n in self._applied_names():
            if names.keyword_of(S.Sym(n.name)) == kw:
                return self.arbitrary_function(n)
        return None

    def _applied_names(self):
        """The names the document applies that are arbitrary functions."""
        got = self.__dict__.get("_arbitrary_names")
        if got is None:
            got, self.__dict__["_arbitrary_uses"] = [], 0
            for st in self.doc.statements:
                for n in walk_syntax(st):
                    if not isinstance(n, S.Apply) or not isinstance(n.func, S.Sym):
                        continue
                    kw = names.keyword_of(S.Sym(n.func.name))
                    if any(kw == names.keyword_of(S.Sym(g.name)) for g in got):
                        self.__dict__["_arbitrary_uses"] += 1
                    elif kw not in self.info and kw not in self.defsrc and \
                            self.arbitrary_function(n.func) is not None:
                        got.append(n.func)
                        self.__dict__["_arbitrary_uses"] += 1
            self.__dict__["_arbitrary_names"] = got
        return got

    def _one_use_each(self) -> bool:
        """Is every arbitrary function applied once, outside any function the document
        defines (its body is applied at every call)? Then that use's own evidence is all
        there is, and no survey is needed."""
        self._applied_names()
        return self.__dict__["_arbitrary_uses"] == len(self._applied_names()) and not any(
            ds.stmt.params is not None for ds in self.defsrc.values())

    def survey_arbitrary(self, objective=None, claim=False):
        """Collect the uses of every arbitrary function the document applies (module
        docstring); a no-op for a document that applies none, inside a survey, and (but
        for a `claim`, whose own uses are decided with the document's) where each function
        has one use."""
        if getattr(self, "surveying", False) or not self._applied_names() or \
                (not claim and self._one_use_each()):
            return
        prior: dict = {}
        for _ in range(MAX_ROUNDS):
            sv = self._twin()
            sv.surveying = True
            sv.__dict__["_kind_evidence"] = {k: dict(v) for k, v in prior.items()}
            sv._survey_round(objective)
            found = {k: dict(v) for k, v in prior.items()}
            settled = True
            for kw, seen in sv.kind_seen.items():
                for key, (use, _) in seen.items():
                    found.setdefault(kw, {}).setdefault(key, use)
            for kw, seen in sv.kind_seen.items():
                final = decide(sv._said_of(kw), found[kw].values()).kind
                # a use that took another kind (or was refused) may hide uses behind it
                settled = settled and all(taken == final or use[0] == "scalars"
                                          for use, taken in seen.values())
            if settled or found == prior:
                prior = found
                break
            prior = found
        self.__dict__["_kind_evidence"] = prior

    def _twin(self):
        """A fresh lowerer of this document that reads it as this one does."""
        lw = type(self)(self.doc)
        for attr in ("vector_bars", "member_rows", "member_axis", "via_patterns", "sized"):
            if attr in self.__dict__ or hasattr(type(self), attr):
                setattr(lw, attr, getattr(self, attr))
        return lw

    def _survey_round(self, objective):
        """One survey round: every definition lowered, each refusal swallowed."""
        try:
            self.collect()
            kw = self._objective_kw(objective, check=False)
            if kw == "f" and self.bare is not None and "f" not in self.info:
                self.adopt_bare_objective()
            self.run_inference(kw)
            if kw is not None:
                self.scalar_wanted.add(kw)
        except MatcalcError:
            return
        for k in list(self.defsrc):
            if k in self.defs:
                continue
            try:
                self.tentatively(lambda: self.define(k))
            except MatcalcError:
                pass
