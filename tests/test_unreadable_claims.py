"""A claimed derivative that cannot be read (``\\frac{\\partial L}{\\partial W} = 2Wxx^T
\\lhd 3``, an unknown command) is a claim, never the objective: `gradient` skips it with a
note, and `check_all` reports it "unchecked" at its place, with the reader's error (what
matcalc cannot read may be a right claim). An
unreadable DEFINITION after the last one is still refused (it may be the objective)."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError

from helpers import check_gradient

POST = (r"Let $W \in \mathbb{R}^{n \times d}$, $x \in \mathbb{R}^d$ and $L = \|Wx\|^2$." "\n"
        r"I computed ${CLAIM}$." "\n")


@pytest.mark.parametrize("claim", [
    r"\frac{\partial L}{\partial W} = 2Wx x^T \lhd 3",
    r"\nabla_W L = 2 W x x^T \lhd",
    r"\frac{dL}{dW} = 2 W x x^T \unknowncommand",
])
def test_an_unreadable_claim_is_skipped_and_reported(claim):
    doc = POST.replace("{CLAIM}", claim)
    g = check_gradient(doc, "W", f=lambda W, x: float(np.sum((W @ x) ** 2)))
    assert any("cannot be read" in n.reason and n.line == 2 for n in g.notes)
    vs = matcalc.check_all(doc)
    assert [(v.status, v.line) for v in vs] == [("unchecked", 2)]
    assert "cannot be read" in vs[0].reason and "line 2" in vs[0].reason
    assert [v.status for v in matcalc.check_all(doc, wrt="W")] == ["unchecked"]


def test_an_unreadable_definition_after_the_last_one_is_still_refused():
    doc = POST.replace("{CLAIM}", r"M = 2 W x x^T \lhd 3")
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="W")
    assert e.value.line == 2


def test_a_question_is_no_claim():
    """``\\frac{\\partial f}{\\partial x} = {?}`` asks; it claims nothing."""
    doc = POST.replace("{CLAIM}", r"\frac{\partial L}{\partial W}={?}")
    assert list(matcalc.check_all(doc)) == []
