"""The inverse, determinant and log-determinant of a MEMBER of a family of matrices (Σ_m,
m = 1..M): each op taken member by member over the family's index (ops/linalg.py's batch
axes), checked against central differences of independent NumPy references at SPD
inputs (issue 8)."""
from __future__ import annotations

import functools
import math

import numpy as np
import pytest

from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc
from helpers import check_gradient, refused

H = r"$x \in \mathbb{R}^D, \; \Sigma_m \in \mathbb{R}^{D \times D}, \; m = 1,\dots,M$" "\n"


inv = np.linalg.inv


def spd(rng, n):
    a = rng.uniform(-1, 1, (n, n))
    return a @ a.T + n * np.eye(n)


def inputs(seed=0, D=3, M=4):
    rng = np.random.default_rng(seed)
    return dict(x=rng.normal(size=D), Sigma=np.array([spd(rng, D) for _ in range(M)]))


def quad(x, Sigma):
    return sum(float(x @ np.linalg.solve(S, x)) for S in Sigma)


def logdets(x, Sigma):
    return sum(math.log(np.linalg.det(S)) for S in Sigma)


def dets(x, Sigma):
    return sum(float(np.linalg.det(S)) for S in Sigma)


CASES = [
    (r"f = \sum_{m=1}^M x^T \Sigma_m^{-1} x", quad, ("x", r"\Sigma")),
    (r"f = \sum_{m=1}^M \log\det \Sigma_m", logdets, (r"\Sigma",)),
    (r"f = \sum_{m=1}^M \log(\det \Sigma_m)", logdets, (r"\Sigma",)),
    (r"f = \sum_{m=1}^M \det \Sigma_m", dets, (r"\Sigma",)),
    (r"f = \sum_{m=1}^M x^T x \det(\Sigma_m^{-1})",
     lambda x, Sigma: sum(float(x @ x / np.linalg.det(S)) for S in Sigma), ("x", r"\Sigma")),
]


@pytest.mark.parametrize("text, ref, wrts", CASES)
def test_gradients_of_members_against_finite_differences(text, ref, wrts):
    for wrt in wrts:
        g = check_gradient(H + f"$${text}$$", wrt, ref, kwargs=inputs())
        assert g.steps and g.derivation() and "def " in g.numpy_source()
        assert g.latex() and g.text()


MORE = [
    (r"f = \sum_{m=1}^M x^T (\Sigma_m + I)^{-1} x",
     lambda x, Sigma: sum(x @ inv(S + np.eye(len(x))) @ x for S in Sigma)),
    (r"f = \sum_{m=1}^M x^T \Sigma_m^{-2} x",
     lambda x, Sigma: sum(x @ inv(S) @ inv(S) @ x for S in Sigma)),
    (r"f = \sum_{m=1}^M x^T \Sigma_m^T \Sigma_m^{-1} x",
     lambda x, Sigma: sum(x @ S.T @ inv(S) @ x for S in Sigma)),
    (r"f = \sum_{m=1}^M \sum_{i=1}^D (\Sigma_m^{-1})_{ii} x_i",
     lambda x, Sigma: sum(np.diag(inv(S)) @ x for S in Sigma)),
]


@pytest.mark.parametrize("text, ref", MORE)
def test_more_members_inverses_and_their_round_trip(text, ref):
    rng = np.random.default_rng(2)
    kw = inputs(1)
    kw["Sigma"] = kw["Sigma"] + 0.3 * rng.normal(size=kw["Sigma"].shape)   # not symmetric
    doc = H + f"$${text}$$"
    for wrt in ("x", r"\Sigma"):
        g = check_gradient(doc, wrt, ref, kwargs=kw)
        assert g.steps and g.derivation() and "def " in g.numpy_source()
    g = matcalc.gradient(doc, "x")
    assert matcalc.check(doc, "x", claim=g.latex()).ok, g.latex()


def test_bars_of_a_member_are_its_determinant():
    check_gradient(H + r"$$f = \sum_{m=1}^M \log |\Sigma_m|$$", r"\Sigma", logdets,
                   kwargs=inputs())


def test_a_product_power_of_a_member():
    check_gradient(H + r"$$f = \sum_{m=1}^M x^T \Sigma_m^{2} x$$", r"\Sigma",
                   lambda x, Sigma: sum(float(x @ S @ S @ x) for S in Sigma), kwargs=inputs())


def test_the_gradient_wrt_x_reads_back():
    doc = H + r"$$f = \sum_{m=1}^M x^T \Sigma_m^{-1} x$$"
    g = matcalc.gradient(doc, "x")
    assert r"\Sigma_{" in g.latex() and "^{-1}" in g.latex()
    assert matcalc.check(doc, "x", claim=g.latex()).ok, g.latex()
    assert not matcalc.check(doc, "x", claim=r"\sum_{m=1}^M \Sigma_m^{-1} x").ok


def gauss(x, mu, S):
    d = x - mu
    return math.exp(-0.5 * d @ np.linalg.solve(S, d)) / math.sqrt(
        (2 * math.pi) ** len(x) * np.linalg.det(S))


GMM = (r"$x_n \in \mathbb{R}^D, \; n = 1,\dots,N, \; \mu_m \in \mathbb{R}^D, \; "
       r"\Sigma_m \in \mathbb{R}^{D \times D}, \; m = 1,\dots,M, \; \alpha \in \mathbb{R}^M$"
       "\n" r"$$L = \sum_{n=1}^N \log \sum_{m=1}^M \alpha_m \mathcal{N}(x_n|\mu_m, \Sigma_m)$$")


@pytest.mark.parametrize("wrt", [r"\mu", r"\Sigma", r"\alpha", "x"])
def test_the_gmm_log_likelihood(wrt):
    rng = np.random.default_rng(4)
    D, M, N = 2, 3, 5
    kw = dict(x=rng.normal(size=(N, D)), mu=rng.normal(size=(M, D)),
              Sigma=np.array([spd(rng, D) for _ in range(M)]), alpha=rng.uniform(0.2, 1, M))

    def f(x, mu, Sigma, alpha):
        return sum(math.log(sum(a * gauss(xn, m, S) for a, m, S in zip(alpha, mu, Sigma)))
                   for xn in x)
    g = check_gradient(GMM, wrt, f, kwargs=kw)
    assert g.steps and g.derivation() and "def " in g.numpy_source()
    if wrt in (r"\mu", r"\alpha"):
        assert matcalc.check(GMM, wrt, claim=g.latex()).ok, g.latex()


@functools.lru_cache(maxsize=None)
def quad_gradient():
    doc = H + r"$$f = \sum_{m=1}^M x^T \Sigma_m^{-1} x + \log\det \Sigma_m$$"
    return matcalc.gradient(doc, r"\Sigma").to_numpy()


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 4), st.integers(1, 4), st.integers(0, 10_000))
def test_member_gradients_are_the_closed_form_per_member(D, M, seed):
    """d/dΣ_m (xᵀ Σ_m⁻¹ x + log det Σ_m) = Σ_m⁻ᵀ - Σ_m⁻ᵀ x xᵀ Σ_m⁻ᵀ, member by member, for
    any sizes (a family of one member, 1×1 members), at non-symmetric members."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=D)
    Sigma = np.array([spd(rng, D) + 0.3 * rng.normal(size=(D, D)) for _ in range(M)])
    got = quad_gradient()(x=x, Sigma=Sigma)
    want = np.array([inv(S).T - inv(S).T @ np.outer(x, x) @ inv(S).T for S in Sigma])
    assert got.shape == (M, D, D)
    assert np.allclose(got, want, rtol=1e-8, atol=1e-10)


def test_non_square_members_are_still_refused():
    doc = (r"$x \in \mathbb{R}^D, \; A_m \in \mathbb{R}^{D \times K}, \; m = 1,\dots,M$" "\n")
    refused(doc + r"$$f = \sum_{m=1}^M \log\det A_m$$", "A", "square")
    refused(doc + r"$$f = \sum_{m=1}^M x^T A_m^{-1} x$$", "A", "square")


def test_a_large_power_of_a_member_is_refused():
    refused(H + r"$$f = \sum_{m=1}^M x^T \Sigma_m^{5} x$$", r"\Sigma", "family of matrices")
