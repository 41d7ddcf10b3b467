"""A name introduced by a restatement (seed 001: ``ds = {\\rm Diag}(s')\\,dz = S'\\,dz``)
is defined as the expression it replaces, with a note; and a scalar is its own trace."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


RESTATED = (r"$W \in \mathbb{R}^{n\times d}, x \in \mathbb{R}^d, w \in \mathbb{R}^n$" "\n"
            r"$$ z = Wx, \quad s = \sigma(z) $$" "\n"
            r"$$ dq = \operatorname{Diag}(w)\,ds = D\,ds $$" "\n"
            r"$$ f = \mathbf{1}^T D s $$")


def test_a_name_introduced_by_a_restatement_is_defined():
    g = matcalc.gradient(RESTATED, wrt="W")
    check_gradient(RESTATED, "W", lambda W, x, w: float(np.sum(w * sigmoid(W @ x))))
    inferred = [n for n in g.notes if n.kind == "inferred" and "D read as" in n.reason]
    assert len(inferred) == 1 and inferred[0].line == 3, g.notes


def test_a_declared_name_keeps_its_declaration():
    doc = RESTATED.replace(r"w \in \mathbb{R}^n", r"w \in \mathbb{R}^n, D \in \mathbb{R}^{n\times n}")
    g = matcalc.gradient(doc, wrt="D")     # D is an input: the restatement names nothing
    assert not [n for n in g.notes if n.kind == "inferred" and "D read as" in n.reason]
    check_gradient(doc, "D", lambda W, x, w, D: float(np.sum(D @ sigmoid(W @ x))))


@pytest.mark.parametrize("chain", [
    r"dq = \operatorname{Diag}(w)\,ds = D\,dz",        # differs in two places
    r"dq = \operatorname{Diag}(w)\,ds = D\,D\,ds",     # not the same shape of expression
])
def test_no_restatement_no_name(chain):
    doc = RESTATED.replace(r"dq = \operatorname{Diag}(w)\,ds = D\,ds", chain)
    with pytest.raises(matcalc.MatcalcError, match="unknown name D"):
        matcalc.gradient(doc, wrt="W")


def test_a_scalar_is_its_own_trace():
    doc = r"A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n" "\n" r"f = \operatorname{Tr}(x^T A x)"
    check_gradient(doc, "x", lambda A, x: float(x @ A @ x))
