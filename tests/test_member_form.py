"""--wrt z_i over the fuzzer's documents: the result written in the asked member
(∂f/∂z_i = ...) means the gradient -- `check` reads it back as right -- and the generated
function is the family's gradient, as for --wrt z (tests/fuzz_docs.py makes the documents)."""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, assume, event, given, settings

import fuzz_docs as F
import matcalc
from matcalc import numeric

LETTERS = "pqrsuvw"


def _member(g):
    """A member of g's variable (a family) in letters the document does not use."""
    p = g.problem
    fam = p.families.get(g.wrt)
    if not fam:
        return None
    taken = set(p.latex.values()) | set(p.inputs) | set(p.defs) | {str(d) for d in p.dims}
    taken |= set(p.index_names.values()) | set(p.index_names)
    free = [c for c in LETTERS if c not in taken]
    if len(free) < fam:
        return None
    return p.latex.get(g.wrt, g.wrt) + "_{" + ",".join(free[:fam]) + "}"


@settings(max_examples=150, deadline=None, derandomize=True,
          suppress_health_check=list(HealthCheck))
@given(case=F.cases())
def test_member_form_reads_back(case):
    try:
        g = matcalc.gradient(case.doc, wrt=case.wrt)
    except matcalc.MatcalcError:
        assume(False)
    member = _member(g)
    event("family" if member else "not a family")
    assume(member is not None)
    gm = matcalc.gradient(case.doc, wrt=member)
    assert gm.wrt == g.wrt
    event("member form" if gm.member_form else "family form")
    kw = case.kwargs(case.point())
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(numeric.call(gm.to_numpy(), kw),
                                      numeric.call(g.to_numpy(), kw))
    if not gm.member_form:
        return   # written for the family, as for --wrt z: test_fuzz's round trip covers it
    try:
        res = matcalc.check(case.doc, member, claim=gm.latex())
    except matcalc.MatcalcError as err:
        # what the reader cannot read in the member form it must not read in the family
        # form either (those are test_fuzz's known unreadable constructs)
        try:
            whole = matcalc.check(case.doc, case.wrt, claim=g.latex()).ok
        except matcalc.MatcalcError:
            whole = False
        assert not whole, (member, gm.latex(), str(err), case.doc)
        event("unreadable in both forms")
        return
    assert res.ok, (member, gm.lhs_latex, gm.latex(), res.message, case.doc)
