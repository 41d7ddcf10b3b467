"""A matrix literal with elided entries (\\dots, \\vdots, \\ddots) on the right of a
definition: never a value. Where no other formula uses its entries it describes its target
(noted, not read); where other formulas use them it stays a definition the lowering
refuses where it is needed (an elided run cannot be computed)."""
from __future__ import annotations

import numpy as np

import matcalc
from helpers import check_gradient, refused

DECL = r"$y_t \in \mathbb{R}^k, x_t \in \mathbb{R}^{p}, B \in \mathbb{R}^{p \times k}$" "\n"
OBJ = r"$$d = \sum_{t=1}^{T} (y_t - B' x_t)' (y_t - B' x_t)$$" "\n"
LITERAL = (r"with $$B' = \left[\begin{array}{ccc} \mu & ... & \Phi_{1p} \\ \vdots & \ddots & "
           r"\vdots \\ \mu & ... & \Phi_{kp} \end{array}\right]$$")


def ref(y, x, B):
    """rows y_t, x_t: sum_t |y_t - B^T x_t|^2"""
    return float(np.sum((y - x @ B) ** 2))


def test_a_literal_whose_entries_nothing_else_uses_describes_its_target():
    doc = DECL + OBJ + LITERAL
    g = check_gradient(doc, "B", ref, objective="d")
    notes = [n.reason for n in g.notes]
    assert any("elided entries describes B'" in r for r in notes), notes
    assert any("transpose of B" in r for r in notes), notes
    # the same numbers as the document without the literal
    plain = check_gradient(DECL + OBJ, "B", ref, objective="d")
    assert g.text() == plain.text()


def test_a_literal_whose_entries_another_formula_uses_is_not_skipped():
    # \mu is the objective's own input: the literal relates B' to it, it cannot be dropped
    doc = (r"$y_t \in \mathbb{R}^k, x_t \in \mathbb{R}^{p}, \mu \in \mathbb{R}$" "\n"
           r"$$d = \sum_{t=1}^{T} (y_t - B' x_t)' (y_t - B' x_t) + \mu^2$$" "\n" + LITERAL)
    refused(doc, r"\mu", "elided run", objective="d")


def test_a_described_target_that_nothing_else_gives_is_refused():
    # C is declared nowhere and only the literal describes it: it stays unknown
    doc = (r"$x \in \mathbb{R}^{n}$" "\n" r"$$f = x^T C x$$" "\n"
           r"$$C = \begin{pmatrix} a & \cdots & b \\ \vdots & \ddots & \vdots \\ c & \cdots "
           r"& e \end{pmatrix}$$")
    refused(doc, "x", "unknown name C", "two shapes")
