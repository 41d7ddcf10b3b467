"""A member ``p_i`` declared without the range of i, inside a sum that binds i without
bounds (``\\sum_{i \\in S}``, ``\\sum_i``, ``\\sum_{i \\neq 2}``): the i-th member of a family,
or one name p_i in every term. Read as the one name it was silently wrong (the data term of
a matrix-factorisation loss vanished: corpus 135, declared as its own error message asked);
now refused naming both, where the objective needs the sum, and read as the family once the
range is declared."""
from __future__ import annotations

import numpy as np
import pytest

from helpers import check_gradient, refused

DECL = r"$p_i, q \in \mathbb{R}^k, r \in \mathbb{R}^{m}$"


@pytest.mark.parametrize("sub", [r"i \in S", "i", r"i \neq 2", r"(i,j) \in \Omega"])
def test_a_bound_member_without_a_range_has_two_readings(sub):
    doc = DECL + rf" $$L = \sum_{{{sub}}} (r_i - p_i^T q)^2$$"
    refused(doc, "q", "p_{i} is declared without the range of i", "two readings",
            r"i = 1,\dots,m")


def test_with_the_range_declared_it_is_the_family():
    doc = DECL + r", $i = 1, \dots, m$ $$L = \sum_{i \in S} (r_i - p_i^T q)^2$$"

    def f(p, q, r, S):
        return float(np.sum(S * (r - p @ q) ** 2))
    rng = np.random.default_rng(3)
    kw = dict(p=rng.normal(size=(4, 3)), q=rng.normal(size=3), r=rng.normal(size=4),
              S=np.array([1.0, 0.0, 1.0, 1.0]))
    check_gradient(doc, "q", f, kwargs=kw)


def test_a_bounded_sum_still_gives_the_range():
    doc = DECL + r" $$L = \sum_{i=1}^{m} (r_i - p_i^T q)^2$$"

    def f(p, q, r):
        return float(np.sum((r - p @ q) ** 2))
    check_gradient(doc, "q", f)


def test_an_ambiguous_sum_the_objective_does_not_need_is_not_refused():
    # V (the sum) is not the objective: the member's own formula is, as in corpus 088
    doc = (r"$k_{ij}, r_{ij} \in \mathbb{R}$" "\n"
           r"$$V = \sum_{(i,j) \in B} \frac{k_{ij}}{2} r_{ij}^2$$" "\n"
           r"$$V_{bond}^{ij} = \frac{k_{ij}}{2} r_{ij}^2$$")
    check_gradient(doc, "r_{ij}", lambda k_ij, r_ij: 0.5 * k_ij * r_ij ** 2,
                   objective=r"V_{bond}^{ij}")
    refused(doc, "r_{ij}", "k_{ij} is declared without the range of i", objective="V")
