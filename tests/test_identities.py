"""Identities about a defined quantity (issue 8; lower/identities.py, lower/implied.py):
``M = ...`` then ``tr(M) = ...``, an equation whose left side is an expression over a
defined name. Unnamed, after a last definition that is not a scalar, it is the objective
when its two sides agree (checked at random points) and refused naming both when they
differ; named as written, its left side is the objective and its right side is judged
(noted: it holds, or the claim is false).

Every derived gradient is checked against central finite differences of an independent
NumPy objective written here (`helpers.check_gradient`).
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_gradient, refused

import matcalc

DECL = r"$K \in \mathbb{R}^{n \times m}, H \in \mathbb{R}^{m \times n}, P \in " \
       r"\mathbb{R}^{n \times n}, R \in \mathbb{R}^{m \times m}$" + "\n"
COV = r"$$M = P - (KHP + PH^TK^T) + K(HPH^T + R)K^T$$" + "\n"


def trace_cov(K, H, P, R):
    M = P - (K @ H @ P + P @ H.T @ K.T) + K @ (H @ P @ H.T + R) @ K.T
    return float(np.trace(M))


FALSE = r"$$tr(M) = tr(P) + 2tr(KHP) + tr(K(HPH^T + R)K^T)$$"     # 073's sign slip


@pytest.mark.parametrize("tr", ["tr", r"\operatorname{tr}", r"\mathrm{Tr}"])
def test_a_true_identity_after_a_matrix_is_the_objective(tr):
    doc = DECL + COV + (r"$$%s(M) = %s(P) - %s(KHP) - %s(PH^TK^T) + %s(K(HPH^T + R)K^T)$$"
                        % ((tr,) * 5))
    g = check_gradient(doc, "K", trace_cov)
    assert any("the objective" in n.reason and "left side" in n.reason for n in g.notes)


def test_a_false_identity_unnamed_is_refused_naming_both_sides():
    e = refused(DECL + COV + FALSE, "K", "two sides give different values", "tr(M)",
                "--objective 'tr(M)'")
    assert e.line == 3 or e.line == 2


def test_a_false_identity_named_takes_its_left_side_and_says_the_claim_is_false():
    g = check_gradient(DECL + COV + FALSE, "K", trace_cov, objective="tr(M)")
    false = [n for n in g.notes if "FALSE" in n.reason]
    assert len(false) == 1 and false[0].line == 3


def test_a_true_identity_named_is_checked_and_noted():
    doc = DECL + COV + r"$$tr(M) = tr(P) - tr(KHP) - tr(PH^TK^T) + tr(K(HPH^T + R)K^T)$$"
    g = check_gradient(doc, "K", trace_cov, objective="tr(M)")
    assert any("gives the values of tr(M)" in n.reason for n in g.notes)


def test_the_named_left_side_is_not_the_users_definition_of_tr():
    """Before: `--objective 'tr(M)'` read the line as the document's own definition of the
    built-in tr with parameter M, so the author's (false) right side was differentiated,
    with only a note."""
    g = matcalc.gradient(DECL + COV + FALSE, "K", objective="tr(M)")
    assert not any("defines the built-in" in n.reason for n in g.notes)


def test_an_own_definition_of_a_builtin_with_a_declared_argument_still_reads():
    doc = r"$x \in \mathbb{R}^n$" + "\n" + \
        r"$$\mathrm{logsumexp}(x) := \log\left(\sum_i \exp(x_i)\right)$$"
    check_gradient(doc, "x", lambda x: float(np.log(np.sum(np.exp(x)))),
                   objective=r"\mathrm{logsumexp}(x)")


def test_an_identity_on_declared_names_only_is_no_objective():
    # tr(P) = 3 states something about the input P; it does not stand for an objective
    doc = DECL + COV + r"$$tr(P) = 3$$"
    refused(doc, "K", "not a scalar")


def test_two_identities_are_not_picked_between():
    doc = DECL + COV + r"$$tr(M) = tr(M^T)$$" + "\n" + r"$$\det(M) = \det(M^T)$$"
    refused(doc, "K", "not a scalar")


def test_an_identity_with_a_scalar_last_definition_changes_nothing():
    doc = DECL + COV + r"$$f = tr(M)$$" + "\n" + r"$$tr(M) = 0$$"
    check_gradient(doc, "K", trace_cov)
