"""The Gaussian density applied by name, ``\\mathcal{N}(x | \\mu, \\Sigma)`` (lower/densities.py):
every gradient against central differences of an independent NumPy density, the readings it
must not take refused or left alone."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient


def gauss(x, mu, S):
    d = x - mu
    k = len(d)
    return float(np.exp(-0.5 * d @ np.linalg.solve(S, d))
                 / np.sqrt((2 * np.pi) ** k * np.linalg.det(S)))


def spd(rng, n):
    a = rng.uniform(-1, 1, (n, n))
    return a @ a.T + n * np.eye(n)


MV = r"$x, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n\times n}$" "\n"


@pytest.mark.parametrize("written", [r"\mathcal{N}(x|\mu, \Sigma)",
                                     r"\mathcal{N}(x \mid \mu, \Sigma)",
                                     r"\mathcal{N}(x; \mu, \Sigma)", r"N(x, \mu, \Sigma)"])
@pytest.mark.parametrize("wrt", [r"\mu", "x", r"\Sigma"])
def test_the_multivariate_density_and_its_log(written, wrt):
    rng = np.random.default_rng(3)
    kw = dict(x=rng.normal(size=3), mu=rng.normal(size=3), Sigma=spd(rng, 3))
    check_gradient(MV + f"$$f = {written}$$", wrt,
                   lambda x, mu, Sigma: gauss(x, mu, Sigma), kwargs=kw)
    check_gradient(MV + f"$$f = \\log {written}$$", wrt,
                   lambda x, mu, Sigma: np.log(gauss(x, mu, Sigma)), kwargs=kw)


@pytest.mark.parametrize("wrt", [r"\mu", r"\Sigma"])
def test_it_is_reported_derived_and_read_back(wrt):
    doc = MV + r"$$f = \log \mathcal{N}(x|\mu, \Sigma)$$"
    g = matcalc.gradient(doc, wrt)
    assert any("Gaussian density" in n.reason and n.kind == "inferred" for n in g.notes)
    assert g.steps and g.derivation() and "def " in g.numpy_source()
    assert matcalc.check(doc, wrt, claim=g.latex()).ok, g.latex()
    if wrt == r"\mu":
        assert not matcalc.check(doc, wrt, claim=r"\Sigma^{-1}(\mu - x)").ok


@pytest.mark.parametrize("wrt", ["s", r"\mu"])
def test_a_variance_third_argument_is_the_scalar_density(wrt):
    doc = r"$x, \mu, s \in \mathbb{R}$" "\n" r"$$f = \mathcal{N}(x; \mu, s^2)$$"

    def f(x, mu, s):
        return float(np.exp(-(x - mu) ** 2 / (2 * s ** 2)) / np.sqrt(2 * np.pi * s ** 2))
    check_gradient(doc, wrt, f, kwargs=dict(x=0.3, mu=-0.4, s=0.8))


def test_a_likelihood_of_samples_in_a_sum():
    doc = (r"$x_n \in \mathbb{R}^d, \; n = 1,\dots,N, \; \mu \in \mathbb{R}^d, \; "
           r"\Sigma \in \mathbb{R}^{d \times d}$" "\n"
           r"$$L = \sum_{n=1}^N \log \mathcal{N}(x_n|\mu, \Sigma)$$")
    rng = np.random.default_rng(5)
    kw = dict(x=rng.normal(size=(4, 2)), mu=rng.normal(size=2), Sigma=spd(rng, 2))

    def f(x, mu, Sigma):
        return sum(np.log(gauss(xn, mu, Sigma)) for xn in x)
    for wrt in (r"\mu", r"\Sigma"):
        check_gradient(doc, wrt, f, kwargs=kw)


def test_the_document_names_are_never_captured_by_the_formula():
    # the formula's own placeholders are X, M, S and its constant is 2 pi: a document whose
    # names are S, M, X and whose \pi is a mixture weight must get the same density
    doc = (r"$S, M \in \mathbb{R}^n, X \in \mathbb{R}^{n\times n}, \pi \in \mathbb{R}$" "\n"
           r"$$f = \pi \log \mathcal{N}(S|M, X)$$")
    rng = np.random.default_rng(7)
    kw = dict(S=rng.normal(size=3), M=rng.normal(size=3), X=spd(rng, 3), pi=0.3)
    for wrt in ("M", "X", r"\pi"):
        check_gradient(doc, wrt, lambda S, M, X, pi: pi * np.log(gauss(S, M, X)), kwargs=kw)


def test_a_defined_N_is_the_documents_own():
    doc = (r"$x, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n\times n}$" "\n"
           r"$$\mathcal{N}(x, \mu, \Sigma) = (x - \mu)^T \Sigma (x - \mu)$$" "\n"
           r"$$f = \mathcal{N}(x, \mu, \Sigma)$$")
    rng = np.random.default_rng(1)
    kw = dict(x=rng.normal(size=3), mu=rng.normal(size=3), Sigma=spd(rng, 3))
    check_gradient(doc, r"\mu", lambda x, mu, Sigma: (x - mu) @ Sigma @ (x - mu), kwargs=kw)


@pytest.mark.parametrize("doc, says", [
    (r"$x, \mu, v \in \mathbb{R}^n$" "\n" r"$$f = \log \mathcal{N}(x|\mu, v)$$",
     r"a variance \(a scalar\) or a covariance"),
    (r"$x \in \mathbb{R}^n, \mu \in \mathbb{R}^m, \Sigma \in \mathbb{R}^{n\times n}$" "\n"
     r"$$f = \log \mathcal{N}(x|\mu, \Sigma)$$", "same shape"),
    (r"$x \in \mathbb{R}^n, N \in \mathbb{R}$" "\n" r"$$f = N(x, x, x)$$", "not a function"),
    (r"$x \in \mathbb{R}^n$" "\n" r"$$f = \sum_i \mathcal{N}(i) x_i$$", "unknown function"),
])
def test_what_is_not_a_density_is_refused(doc, says):
    with pytest.raises(matcalc.MatcalcError, match=says):
        matcalc.gradient(doc, "x")
