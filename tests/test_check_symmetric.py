"""A claim right only for a symmetric matrix says so: ``right if \\Sigma is symmetric``.

Posts rarely declare a covariance symmetric, yet every Gaussian-likelihood derivation uses
Σ = Σᵀ (``\\partial\\ell/\\partial\\mu = \\sum_i \\Sigma^{-1}(x_i - \\mu)``), and the classic
``\\nabla (x^T A x) = 2Ax`` holds only for a symmetric A. matcalc judges them against the
general matrix (wrong, as it is for a general Σ) and says that the claim is right for a
symmetric one. The tests confirm every such diagnosis independently: the claim evaluated
in NumPy equals central differences at a symmetric point and differs at a general one.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import matcalc

from helpers import central

GAUSS = (r"Given data $x_1, \dots, x_N \in \mathbb{R}^d$, $\mu \in \mathbb{R}^d$ and "
         r"$\Sigma \in \mathbb{R}^{d \times d}${SYM}, the log-likelihood is" "\n"
         r"$$\ell(\mu, \Sigma) = -\frac{N}{2}\log|\Sigma| - \frac{1}{2}\sum_{i=1}^N "
         r"(x_i - \mu)^T \Sigma^{-1} (x_i - \mu) + \text{const}$$" "\n"
         r"Taking derivatives I get" "\n"
         r"$$\frac{\partial \ell}{\partial \mu} = \sum_{i=1}^N \Sigma^{-1}(x_i - \mu)$$" "\n"
         r"and" "\n"
         r"$$\frac{\partial \ell}{\partial \Sigma} = -\frac{N}{2}\Sigma^{-1} + \frac{1}{2}"
         r"\sum_i \Sigma^{-1}(x_i-\mu)(x_i-\mu)^T\Sigma^{-1}$$" "\n")


def loglik(x, mu, S):
    r = x - mu
    return -len(x) / 2 * np.linalg.slogdet(S)[1] - 0.5 * np.einsum(
        "ni,ij,nj->", r, np.linalg.inv(S), r)


def test_the_gaussian_claims_are_right_for_a_symmetric_sigma_only():
    vs = matcalc.check_all(GAUSS.replace("{SYM}", ""))
    assert [v.status for v in vs] == ["wrong", "wrong"]
    assert r"right if $\Sigma$ is symmetric" in vs[0].reason
    assert r"right at every symmetric $\Sigma$" in vs[1].reason
    # the diagnosis, confirmed independently
    rng = np.random.default_rng(3)
    N, d = 5, 3
    x, mu = rng.normal(size=(N, d)), rng.normal(size=d)
    A = rng.normal(size=(d, d))
    for S, right in ((A @ A.T / d + np.eye(d), True), (A / 3 + 2 * np.eye(d), False)):
        Si = np.linalg.inv(S)
        claim_mu = Si @ (x - mu).sum(axis=0)
        claim_S = -N / 2 * Si + 0.5 * Si @ (x - mu).T @ (x - mu) @ Si
        assert np.allclose(claim_mu, central(lambda m: loglik(x, m, S), mu), atol=1e-6) == right
        assert np.allclose(claim_S, central(lambda s: loglik(x, mu, s), S), atol=1e-5) == right


def test_with_the_symmetry_stated_the_mean_claim_is_right():
    vs = matcalc.check_all(GAUSS.replace("{SYM}", r" with $\Sigma = \Sigma^T$"))
    assert vs[0].status == "right"
    # wrt a stated-symmetric Σ the gradient has two conventions: unchecked, saying so
    assert vs[1].status == "unchecked" and "two readings" in vs[1].reason


QUAD = r"x \in \mathbb{R}^n, A \in \mathbb{R}^{n \times n} \\ f = {F}"


@pytest.mark.parametrize("f, claim, symmetric", [
    (r"x^T A x", "2Ax", True),
    (r"x^T A x", "2A^Tx", True),
    (r"\frac{1}{2} x^T A x", "Ax", True),
    (r"x^T A x", "(A + A^T)x", None),     # right for every A
    (r"x^T A x", "-2Ax", False),          # wrong for every A
    (r"x^T A x", "Ax", False),            # a factor 2 off, symmetric or not
])
def test_the_classic_quadratic_form_claims(f, claim, symmetric):
    r = matcalc.check(QUAD.replace("{F}", f), "x", claim)
    if symmetric is None:
        assert r.ok
        return
    assert not r.ok
    assert ("right if $A$ is symmetric" in r.how) == symmetric


def test_wrt_the_symmetric_matrix_itself():
    doc = r"x \in \mathbb{R}^n, A \in \mathbb{R}^{n \times n} \\ f = x^T A^{-1} x"
    r = matcalc.check(doc, "A", r"-A^{-1} x x^T A^{-1}")
    assert not r.ok and "right at every symmetric $A$" in r.how
    assert matcalc.check(doc, "A", r"-A^{-T} x x^T A^{-T}").ok


def test_two_matrices_symmetric_together():
    doc = (r"x \in \mathbb{R}^n, A, B \in \mathbb{R}^{n \times n} \\ "
           r"f = x^T A x + x^T B x")
    r = matcalc.check(doc, "x", "2Ax + 2Bx")
    assert not r.ok and "right if $A$ and $B$ are symmetric" in r.how
    r = matcalc.check(doc, "x", "(A + A^T)x + 2Bx")
    assert not r.ok and "right if $B$ is symmetric" in r.how


@settings(max_examples=25, deadline=None)
@given(a=st.integers(1, 3), b=st.integers(-2, 2), transposed=st.booleans())
def test_property_a_symmetric_diagnosis_is_confirmed_by_the_numbers(a, b, transposed):
    """f = a x^T M x + b y^T M x; the claim written for a symmetric M (2a Mx + b My, or
    its transposed spelling) is diagnosed 'right if M is symmetric' exactly when central
    differences at a symmetric M agree with it and at a general M do not."""
    doc = (r"x, y \in \mathbb{R}^n, M \in \mathbb{R}^{n \times n} \\ "
           rf"f = {a} x^T M x + {b} y^T M x")
    t = "^T" if transposed else ""
    claim = rf"{2 * a} M{t} x + {b} M{t} y"
    r = matcalc.check(doc, "x", claim)
    rng = np.random.default_rng(a * 10 + b)
    n = 4
    x, y = rng.normal(size=n), rng.normal(size=n)
    G = rng.normal(size=(n, n))

    def agree(M):
        Mc = M.T if transposed else M
        return np.allclose(2 * a * Mc @ x + b * Mc @ y,
                           central(lambda v: a * v @ M @ v + b * y @ M @ v, x), atol=1e-6)

    assert agree(G + G.T) and not agree(G)      # right for symmetric M only
    assert not r.ok and "right if $M$ is symmetric" in r.how
