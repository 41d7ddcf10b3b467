r"""A quantity defined per term and its total under the same letter (corpus 153):
`L_i = ...` then `L = \frac{1}{n}\sum_i L_i`, `V_{ij} = ...` then `V = \frac12\sum_i\sum_j
V_{ij}`. The terms are a family of their own and the letter alone the whole (noted); it
was "the objective L has shape (n), not a scalar". A pair sum's condition written after
the formula, `(i $\neq$ j)`, is the inner sum's own (it was skipped: the diagonal i = j
made the potential infinite). The value of a masked sum of a named definition that is
infinite on the excluded terms is finite (it was 0·∞ = nan). Every gradient against
central differences of an independent reference."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient

PER_EXAMPLE = r"$w, x_i \in \mathbb{R}^d, y_i \in \mathbb{R}, i = 1,\dots,n$" "\n"


@pytest.mark.parametrize("total, scale", [
    (r"L = \frac{1}{n}\sum_{i=1}^n L_i", "mean"),
    (r"L = \sum_{i=1}^{n} L_i + \lambda w^T w", "sum"),
])
def test_a_loss_per_example_and_the_loss(total, scale):
    doc = (PER_EXAMPLE + r"$\lambda \in \mathbb{R}$" "\n"
           r"$$L_i = (y_i - w^T x_i)^2$$" "\n" rf"$${total}$$")

    def ref(w, x, y, lambda_=0.0):
        r = (y - x @ w) ** 2
        return float(np.mean(r)) if scale == "mean" else float(np.sum(r) + lambda_ * w @ w)
    f = ref if scale == "sum" else (lambda w, x, y, lambda_: ref(w, x, y))
    g = check_gradient(doc, "w", f, objective="L")
    assert any("a family of their own" in n.reason for n in g.notes), g.notes


def test_a_pair_potential_and_the_potential_with_the_condition_after_it():
    doc = (r"$R_i \in \mathbb{R}^3, m_i \in \mathbb{R}, i = 1,\dots,n, \quad G \in \mathbb{R}$"
           "\n" r"$V_{ij} = - \frac {G m_i m_j}{\|R_i - R_j\|}$" "\n"
           r"$V = \frac{1}{2} \sum_{i = 1}^{n} \sum_{j = 1}^{n}V_{ij}$ (i $\neq$ j)")

    def ref(R, m, G):
        d = np.linalg.norm(R[:, None, :] - R[None, :, :], axis=2)
        np.fill_diagonal(d, np.inf)
        return float(-0.5 * G * np.sum(m[:, None] * m[None, :] / d))
    g = check_gradient(doc, "R_i", ref, objective="V")
    assert any(r"condition (i \neq j)" in n.reason for n in g.notes), g.notes


def test_without_the_condition_the_pair_sum_keeps_its_diagonal():
    """A finite pair term summed over all pairs, the diagonal included (no condition)."""
    doc = (r"$x_i \in \mathbb{R}^2, m_i \in \mathbb{R}, i = 1,\dots,n$" "\n"
           r"$$V_{ij} = m_i m_j \|x_i - x_j\|^2 + m_i$$" "\n"
           r"$$V = \sum_{i=1}^n\sum_{j=1}^n V_{ij}$$")

    def ref(x, m):
        d2 = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=2)
        return float(np.sum(m[:, None] * m[None, :] * d2) + len(m) * np.sum(m))
    check_gradient(doc, "x_i", ref, objective="V")


def test_a_declared_family_under_the_letter_is_not_split():
    """`L_i` declared as data: the terms are not a definition to split off, and the letter
    names both the data and the whole -- refused (circular), located, as before."""
    doc = (r"$L_i \in \mathbb{R}, w \in \mathbb{R}^n, i = 1,\dots,n$" "\n"
           r"$$L = \sum_{i=1}^n L_i w_i^2$$")
    with pytest.raises(matcalc.MatcalcError, match="circular definition") as err:
        matcalc.gradient(doc, "w")
    assert err.value.line == 2
