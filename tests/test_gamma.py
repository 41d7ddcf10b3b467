r"""The gamma function family (issue 8) and the value of an index (\sum_{i=1}^n i x_i).

Γ, log Γ, the digamma ψ and the polygamma functions, in every spelling the reader takes
(``\Gamma(x)`` only where Γ is no variable of the document, ``\log\Gamma`` / ``\ln\Gamma``
/ ``\log(\Gamma(..))`` as log-gamma, ``\operatorname{lgamma}``, ``\digamma``, ``\psi``
only where a sentence names it or, in a claimed derivative, where it is the derivative of
the document's log Γ), and the index of a sum or product used as a number. Every gradient
is compared with central finite differences of an independent NumPy/SciPy objective at
points away from the poles (including derivatives wrt ν that need the digamma, and
Hessians that need the trigamma and tetragamma); the refusals name both readings.
"""
from __future__ import annotations

import math
import sys

import numpy as np
import pytest
from helpers import RTOL, check_gradient, jacobian_fd, refused
from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc
from matcalc import numeric

# the references: SciPy's special functions and densities (matcalc's code falls back to
# mpmath without SciPy, tested below by hiding it)
sc = pytest.importorskip("scipy.special")
ss = pytest.importorskip("scipy.stats")

VEC = r"x \in \mathbb{R}^n \\ "
POS = dict(mode="positive")


# ------------------------------------------------------------------ the functions

@pytest.mark.parametrize("spelling, ref", [
    (r"\Gamma(x_i)", sc.gamma),
    (r"\Gamma\left(x_i\right)", sc.gamma),
    (r"\operatorname{gamma}(x_i)", sc.gamma),
    (r"\log\Gamma(x_i)", sc.gammaln),
    (r"\ln \Gamma (x_i)", sc.gammaln),
    (r"\log (\Gamma (x_i))", sc.gammaln),
    (r"\operatorname{lgamma}(x_i)", sc.gammaln),
    (r"\operatorname{gammaln}(x_i)", sc.gammaln),
    (r"\digamma(x_i)", sc.psi),
    (r"\operatorname{digamma}(x_i)", sc.psi),
    (r"\operatorname{trigamma}(x_i)", lambda v: sc.polygamma(1, v)),
    (r"\Gamma'(x_i)", lambda v: sc.gamma(v) * sc.psi(v)),
])
def test_each_spelling_against_finite_differences(spelling, ref):
    doc = VEC + rf"f = \sum_{{i=1}}^{{n}} (1 + x_i) {spelling}"
    check_gradient(doc, "x", f=lambda x: float(np.sum((1 + x) * ref(x))), **POS)


def test_log_gamma_is_one_function_that_does_not_overflow():
    """\\log\\Gamma(x) is lgamma, not the log of Γ(x) (which is inf past x = 171)."""
    g = matcalc.gradient(VEC + r"f = \sum_i \log\Gamma(x_i)", "x")
    assert "_lgamma(" in g.objective_source() and "_gamma(" not in g.objective_source()
    x = np.array([200.0, 500.0])
    assert np.allclose(g.objective_numpy()(x=x), np.sum(sc.gammaln(x)))
    assert np.allclose(g.to_numpy()(x=x), sc.psi(x))


def test_gamma_of_an_array():
    r"""\operatorname{gamma} of a vector is entrywise; \Gamma of one may be a matrix Γ times
    it (Tikhonov's \Gamma x): refused, naming both readings."""
    doc = r"A \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n \\ f = \mathbf{1}^T \operatorname{gamma}(A x)"
    check_gradient(doc, "x", f=lambda A, x: float(np.sum(sc.gamma(A @ x))),
                   kwargs=dict(A=np.array([[0.5, 0.2], [0.1, 0.4], [0.3, 0.3]]),
                               x=np.array([1.3, 2.1])))
    for body in (r"\Gamma(A x)", r"\log\Gamma(A x)"):
        refused(doc.replace(r"\operatorname{gamma}(A x)", body), "x", "two readings",
                "gamma function entry by entry", r"undeclared matrix \Gamma times it")


def test_hessians_need_trigamma_and_tetragamma():
    a = np.array([0.7, 1.9, 3.4])
    for doc, grad in ((VEC + r"f = \sum_i \log\Gamma(x_i)", sc.psi),
                      (VEC + r"f = \sum_i \operatorname{digamma}(x_i)",
                       lambda v: sc.polygamma(1, v))):
        h = matcalc.hessian(doc, "x").to_numpy()(x=a)
        want = jacobian_fd(lambda x: grad(x), {"x": a}, "x")
        assert numeric.relative_error(h, want) < RTOL
    assert "tetragamma" in matcalc.hessian(VEC + r"f = \sum_i \digamma(x_i)", "x").latex()


@given(a=st.floats(0.05, 60.0))
@settings(max_examples=25, deadline=None)
def test_recurrence_property(a):
    """log Γ(a + 1) - log Γ(a) = log a, so its derivative is 1/a (digamma's recurrence)."""
    g = matcalc.gradient(r"a \in \mathbb{R} \\ f = \log\Gamma(a + 1) - \log\Gamma(a)", "a")
    assert math.isclose(float(g.to_numpy()(a=a)), 1 / a, rel_tol=1e-9)


def test_generated_code_without_scipy(monkeypatch):
    """Where SciPy is not installed the generated code computes with mpmath."""
    doc = VEC + r"f = \sum_i \Gamma(x_i) + \log\Gamma(x_i) + \digamma(x_i)"
    g = matcalc.gradient(doc, "x")
    x = np.array([0.3, 1.7, 4.2])
    with_scipy = g.to_numpy()(x=x), g.objective_numpy()(x=x)
    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.special", None)
    without = matcalc.gradient(doc, "x")
    got = without.to_numpy()(x=x), without.objective_numpy()(x=x)
    for a, b in zip(with_scipy, got):
        assert np.allclose(a, b, rtol=1e-12)


# ------------------------------------------------------------------ when Γ and ψ are read so

def test_gamma_note_says_why():
    g = matcalc.gradient(VEC + r"f = \sum_i \Gamma(x_i)", "x")
    assert any("gamma function" in n.reason and "only applied" in n.reason for n in g.notes)


def test_declared_gamma_stays_a_variable():
    """Tikhonov's Γ (corpus 116): Γ(x) of a declared matrix is the product Γ x."""
    doc = r"x \in \mathbb{R}^n, \Gamma \in \mathbb{R}^{k \times n} \\ f = \|\Gamma(x)\|^2"
    check_gradient(doc, "x", f=lambda x, Gamma: float(np.sum((Gamma @ x) ** 2)))


def test_gamma_applied_and_used_as_a_value_is_refused():
    refused(VEC + r"f = \mathbf{1}^T \Gamma(x) + x^T \Gamma x", "x",
            "two readings", "gamma function", "used as a value", "declare")


def test_defined_gamma_is_its_definition():
    doc = VEC + r"\Gamma = x^T x \\ f = \Gamma (x^T x)"
    check_gradient(doc, "x", f=lambda x: float((x @ x) ** 2))


def test_psi_is_not_the_digamma_unless_the_text_says_so():
    refused(VEC + r"f = \sum_i \psi(x_i)", "x", r"unknown function \psi")


@pytest.mark.parametrize("sentence", [
    r"where $\psi$ is the digamma function.",
    r"where $\psi(\cdot)$ denotes the digamma function.",
    r"and $\psi$ is the logarithmic derivative of the gamma function.",
])
def test_psi_named_the_digamma_in_words(sentence):
    doc = rf"$x \in \mathbb{{R}}^n$ and $$f = \sum_i \psi(x_i)$$ {sentence}"
    g = check_gradient(doc, "x", f=lambda x: float(np.sum(sc.psi(x))), **POS)
    assert any("digamma" in n.reason for n in g.notes)


def test_psi_declared_and_named_in_words_is_refused():
    doc = (r"$x \in \mathbb{R}^n, \psi \in \mathbb{R}$ and $$f = \sum_i \psi(x_i)$$ "
           r"where $\psi$ is the digamma function.")
    refused(doc, "x", "two readings")


def test_psi_in_a_claimed_derivative_of_log_gamma():
    doc = r"""$a \in \mathbb{R}$, $x \in \mathbb{R}^n$
$$f = \sum_{i=1}^n \log \Gamma(a + x_i)$$
$$\frac{\partial f}{\partial a} = \sum_{i=1}^n \psi(a + x_i)$$"""
    (v,) = matcalc.check_all(doc)
    assert v.status == "right"
    assert not matcalc.check(doc, "a", claim=r"\sum_{i=1}^n \psi(a + x_i) + 1").ok
    # beside a document with no log Γ, \psi is nothing known
    with pytest.raises(matcalc.MatcalcError, match=r"unknown function \\psi"):
        matcalc.check(r"a \in \mathbb{R} \\ f = \log(a)", "a", claim=r"\psi(a)")


def test_printed_gradients_read_back():
    for body in (r"\mathbf{1}^T \operatorname{gamma}(x)", r"\sum_i \log\Gamma(x_i)",
                 r"\mathbf{1}^T \digamma(x)", r"\sum_i \Gamma(x_i^2)"):
        doc = VEC + "f = " + body
        g = matcalc.gradient(doc, "x")
        assert matcalc.check(doc, "x", claim=g.latex()).ok, g.latex()


# ------------------------------------------------------------------ an index as a number

def _ar(x, lo=1):
    return np.arange(lo, x.size + 1, dtype=float)


@pytest.mark.parametrize("doc, f", [
    (VEC + r"f = \sum_{i=1}^{n} i x_i^2", lambda x: np.sum(_ar(x) * x ** 2)),
    (VEC + r"f = \sum_{i=2}^{n} i x_i^2", lambda x: np.sum(_ar(x, 2) * x[1:] ** 2)),
    (VEC + r"f = \sum_{i=1}^{n} \frac{x_i^2}{i}", lambda x: np.sum(x ** 2 / _ar(x))),
    (VEC + r"f = \sum_{i=1}^{n} (x_i - i)^2", lambda x: np.sum((x - _ar(x)) ** 2)),
    (VEC + r"f = \sum_{i=1}^{n} \sum_{j=1}^{i} j x_i^2",
     lambda x: np.sum(_ar(x) * (_ar(x) + 1) / 2 * x ** 2)),
    (VEC + r"v_i = i x_i \\ f = v^T v", lambda x: np.sum((_ar(x) * x) ** 2)),
])
def test_index_value_against_finite_differences(doc, f):
    g = check_gradient(doc, "x", f=lambda x: float(f(x)), **POS)
    assert matcalc.check(doc, "x", claim=g.latex()).ok, g.latex()


def test_index_value_in_an_exponent():
    # (its printed gradient, [i]_i ⊙ x^{∘ [i]_i - 1}, does not read back: the bracket in
    # the exponent takes no size from its context)
    check_gradient(VEC + r"f = \sum_{i=1}^{n} x_i^i",
                   "x", f=lambda x: float(np.sum(x ** _ar(x))), **POS)


def test_index_value_wrt_nu_needs_digamma():
    """The multivariate gamma's product, log Γ_k(ν/2) - k(k-1)/4 log π, wrt ν."""
    doc = (r"\nu \in \mathbb{R}, k \in \mathbb{N} \\ "
           r"f = \log \prod_{i=1}^k \Gamma(\frac{\nu + 1 - i}{2})")
    for k in (2, 3, 5):
        nu = k + 0.7
        ref = lambda nu, k=k: float(sum(sc.gammaln((nu + 1 - i) / 2) for i in range(1, k + 1)))
        check_gradient(doc, r"\nu", f=lambda nu, k, ref=ref: ref(nu), kwargs=dict(nu=nu, k=k))
    doc = r"\nu \in \mathbb{R}, k \in \mathbb{N} \\ f = \sum_{i=1}^{k} \log\Gamma(\nu - i)"
    check_gradient(doc, r"\nu", f=lambda nu, k: float(sum(sc.gammaln(nu - i)
                                                           for i in range(1, k + 1))),
                   kwargs=dict(nu=6.3, k=4))


def test_index_value_without_a_range_is_refused():
    refused(r"a \in \mathbb{R} \\ f = \sum_{i} i a", "a", "index i is used as a number",
            "range is not known")


# ------------------------------------------------------------------ the multivariate gamma

def test_multivariate_gamma_as_its_product():
    """\\Gamma_p(a) = π^{p(p-1)/4} ∏_{j=1}^p Γ(a + (1-j)/2) (scipy's multigammaln), wrt ν."""
    doc = r"\nu \in \mathbb{R}, p \in \mathbb{N} \\ f = \log \Gamma_p(\nu / 2)"
    for p in (1, 2, 4):
        g = check_gradient(doc, r"\nu", f=lambda nu, p: float(sc.multigammaln(nu / 2, p)),
                           kwargs=dict(nu=p + 1.3, p=p))
    assert any("multivariate gamma" in n.reason for n in g.notes)
    g = check_gradient(r"a \in \mathbb{R} \\ f = \Gamma_3(a)", "a",
                       f=lambda a: float(np.exp(sc.multigammaln(a, 3))), kwargs=dict(a=2.4))


def test_multivariate_gamma_only_where_unambiguous():
    # a declared \Gamma_p is a variable; a subscript that is a declared real or an index in
    # scope is no dimension: the function is unknown
    check_gradient(r"a \in \mathbb{R}, \Gamma_p \in \mathbb{R} \\ f = \Gamma_p(a^2)", "a",
                   f=lambda a, Gamma_p: Gamma_p * a ** 2)
    refused(r"a, p \in \mathbb{R} \\ f = \Gamma_p(a)", "a", r"unknown function \Gamma_{p}")
    refused(VEC + r"f = \sum_i \Gamma_i(x_i)", "x", r"unknown function \Gamma_{i}")


# ------------------------------------------------------------------ likelihoods

_RNG = np.random.default_rng(1)
_LIKELIHOODS = [
    ("dirichlet", r"$\alpha, x \in \mathbb{R}^K$ $$\log p = \log \Gamma(\sum_{k=1}^K \alpha_k) - "
     r"\sum_{k=1}^K \log\Gamma(\alpha_k) + \sum_{k=1}^K (\alpha_k - 1) \log x_k$$", r"\alpha",
     r"\log p", lambda alpha, x: ss.dirichlet.logpdf(x, alpha),
     dict(alpha=_RNG.uniform(0.5, 3, 4), x=_RNG.dirichlet(np.ones(4)))),
    ("dirichlet-density", r"$\alpha, x \in \mathbb{R}^K$ $$p = \frac{\Gamma(\sum_{k=1}^K "
     r"\alpha_k)}{\prod_{k=1}^K \Gamma(\alpha_k)} \prod_{k=1}^K x_k^{\alpha_k - 1}$$", r"\alpha",
     "p", lambda alpha, x: ss.dirichlet.pdf(x, alpha),
     dict(alpha=_RNG.uniform(0.5, 3, 4), x=_RNG.dirichlet(np.ones(4)))),
    ("gamma", r"$a, b \in \mathbb{R}, x \in \mathbb{R}^n$ $$L = \sum_{i=1}^n \left( a \log b - "
     r"\log\Gamma(a) + (a-1)\log x_i - b x_i \right)$$", "a", "L",
     lambda a, b, x: np.sum(ss.gamma.logpdf(x, a, scale=1 / b)),
     dict(a=1.7, b=0.8, x=_RNG.gamma(2.0, 1.0, 6))),
    ("beta", r"$\alpha, \beta \in \mathbb{R}, x \in \mathbb{R}^n$ $$\ell = \sum_{i=1}^n "
     r"\left((\alpha - 1)\log x_i + (\beta-1)\log(1-x_i)\right) - n \log B(\alpha,\beta)$$ "
     r"where $B(\alpha, \beta) = \frac{\Gamma(\alpha)\Gamma(\beta)}{\Gamma(\alpha+\beta)}$",
     r"\beta", r"\ell", lambda alpha, beta, x: np.sum(ss.beta.logpdf(x, alpha, beta)),
     dict(alpha=1.5, beta=2.5, x=_RNG.uniform(0.1, 0.9, 5))),
    ("student-t", r"$\nu \in \mathbb{R}, x \in \mathbb{R}^n$ $$\ell = \sum_{i=1}^n "
     r"\left(\log\Gamma(\frac{\nu+1}{2}) - \log\Gamma(\frac{\nu}{2}) - \frac{1}{2}\log(\nu\pi)"
     r" - \frac{\nu+1}{2}\log(1 + \frac{x_i^2}{\nu})\right)$$", r"\nu", r"\ell",
     lambda nu, x: np.sum(ss.t.logpdf(x, nu)), dict(nu=3.3, x=_RNG.standard_normal(5))),
]


@pytest.mark.parametrize("doc, wrt, objective, ref, kw", [
    pytest.param(*row[1:], id=row[0]) for row in _LIKELIHOODS])
def test_likelihoods_with_the_gamma_function(doc, wrt, objective, ref, kw):
    """Log-likelihoods as posts write them, against scipy.stats' log-densities."""
    check_gradient(doc, wrt, f=ref, objective=objective, kwargs=kw)
