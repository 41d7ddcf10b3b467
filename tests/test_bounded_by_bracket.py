r"""Issue 6, round trip as a property, for sums whose bounds use the index of the bracket
they stand in (``[\sum_{j=1}^{i-1} ... \sum_{l=j+1}^{d} ...]_i``, ``[\sum_{j=i}^{n} x_j]_i``).

Found by the fuzz runs as documents with a product over a sub-range that depends on the
definition's own index, ``q_j = \prod_{l=j+1}^{d} (1 - \sigma(u_l)) + u_j``, and an entrywise
``\Omega_{ik} = \sum_{j=1}^{i} \eta_j A_{jk} + \eta_i``: their printed gradients must read
back as right claims, a one-edit wrong variant as wrong. The bracket's index gets its range
before the body's sums need it, from the claim's shape (the context of the bracket) or a
declared array the body indexes with it; where neither says, the refusal names the index
and the bracket. The printer nests a sum whose bounds use another summed index inside
that one (``\sum_{k=1}^{i-1} \sum_{j=k+1}^{d}``; it printed j's sum outside, unreadable).
Every gradient is compared with central finite differences of an independent NumPy
objective (helpers.check_gradient).
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient, reads_back_both_ways


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _tail_products(u):
    """prod_{l=j+1}^{d} (1 - sigma(u_l)) for j = 1..d (an empty product is 1)."""
    s = 1.0 - sigmoid(u)
    return np.array([np.prod(s[j + 1:]) for j in range(len(u))])


_Q = r"u \in \mathbb{R}^d" "\n" r"q_j = \prod_{l=j+1}^{d} (1 - \sigma(u_l)) + u_j" "\n"
_ETA = (r"\eta \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n}" "\n"
        r"\Omega_{ik} = \sum_{j=1}^{i} \eta_j A_{jk} + \eta_i" "\n"
        r"f = \|\Omega^T \eta\|^2")
_X = (r"\eta \in \mathbb{R}^n, x \in \mathbb{R}^n" "\n"
      r"f = \sum_{i=1}^{n} x_i \sum_{j=1}^{i} \eta_j")
_Y = (r"u \in \mathbb{R}^d, y \in \mathbb{R}^d" "\n"
      r"f = \sum_{i=1}^{d} y_i \sum_{j=1}^{i-1} \prod_{l=j+1}^{d} (1 - \sigma(u_l))")


def _omega(eta, A):
    return np.cumsum(eta[:, None] * A, axis=0) + eta[:, None]


CASES = [
    # (document, wrt, independent objective, the printed text a one-edit makes wrong)
    (_Q + r"f = \sum_j q_j^2", "u", lambda u: np.sum((_tail_products(u) + u) ** 2),
     (r"\sum_{j=1}^{i - 1}", r"\sum_{j=1}^{i}")),
    (_Q + r"f = \mathbf{1}^T q", "u", lambda u: np.sum(_tail_products(u) + u),
     (r"\sum_{j=1}^{i - 1}", r"\sum_{j=1}^{i}")),
    (_ETA, r"\eta", lambda eta, A: np.sum((_omega(eta, A).T @ eta) ** 2),
     (r"\sum_{j=i}^{n}", r"\sum_{j=i + 1}^{n}")),
    (_X, "x", lambda eta, x: x @ np.cumsum(eta), (r"\sum_{j=1}^{i}", r"\sum_{j=1}^{i - 1}")),
    (_X, r"\eta", lambda eta, x: x @ np.cumsum(eta), (r"\sum_{j=i}^{n}", r"\sum_{j=i + 1}^{n}")),
    (_Y, "y", lambda u, y: sum(y[i] * _tail_products(u)[:i].sum() for i in range(len(u))),
     (r"\sum_{j=1}^{i - 1}", r"\sum_{j=1}^{i}")),
    # the printed \sum_{k=1}^{i-1} \sum_{j=k+1}^{d}: j's bounds use k, so k's sum is outside
    (_Y, "u", lambda u, y: sum(y[i] * _tail_products(u)[:i].sum() for i in range(len(u))),
     (r"\sum_{j=k + 1}^{d}", r"\sum_{j=k}^{d}")),
]


@pytest.mark.parametrize("doc, wrt, f, edit", CASES)
def test_printed_gradient_reads_back(doc, wrt, f, edit):
    g = check_gradient(doc, wrt, f=f)
    reads_back_both_ways(doc, wrt, g.latex(), *edit)


@pytest.mark.parametrize("claim, ok", [
    # i indexes nothing in the bracket: its range is the claim's (y's) length d, which j's
    # range 1..i-1 and then l's bounds j+1..d need
    (r"\left[\sum_{j=1}^{i-1} \prod_{l=j+1}^{d} (1-\sigma(u_l))\right]_i", True),
    (r"\left[\sum_{j=1}^{i-1} \prod_{l=j}^{d} (1-\sigma(u_l))\right]_i", False),
    (r"2\left[\sum_{j=1}^{i-1} \prod_{l=j+1}^{d} (1-\sigma(u_l))\right]_i"
     r" - \left[\sum_{j=1}^{i-1} \prod_{l=j+1}^{d} (1-\sigma(u_l))\right]_i", True),
])
def test_bracket_index_takes_the_claims_shape_before_inner_sums(claim, ok):
    assert matcalc.check(_Y, "y", claim=claim).ok is ok


_C = (r"u \in \mathbb{R}^d, \eta \in \mathbb{R}^n, c \in \mathbb{R}" "\n"
      r"f = c \sum_{i=1}^{d} \sum_{j=1}^{i-1} \prod_{l=j+1}^{d} (1-\sigma(u_l))"
      r" + c \sum_{i=1}^{n} \sum_{j=1}^{i} \eta_j")


@pytest.mark.parametrize("claim, says", [
    # a scalar claim: \mathbf{1}^T has no length, and i indexes nothing in the bracket
    (r"\mathbf{1}^T \left[\sum_{j=1}^{i} \eta_j\right]_i",
     r"range of index i: .*the bracket \[\\ldots\]_\{i\} binds i"),
    (r"\mathbf{1}^T \left[\sum_{j=1}^{i-1} \prod_{l=j+1}^{d} (1-\sigma(u_l))\right]_i",
     r"range of index j: .*runs from 1 to i - 1, where the range of i is unknown "
     r"\(the bracket \[\\ldots\]_\{i\} binds i"),
])
def test_bracket_index_of_undetermined_range_is_refused_naming_it(claim, says):
    with pytest.raises(matcalc.MatcalcError, match=says) as info:
        matcalc.check(_C, "c", claim=claim)
    assert info.value.line is not None and info.value.column is not None
