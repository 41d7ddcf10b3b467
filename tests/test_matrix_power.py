"""Matrix powers X^p: the gradient against central differences for small and large,
positive and negative p, wrt the matrix itself and through a chain (X = f(Y)), with X not
symmetric; the compact form of the derivative (ops/matpow.py: one term Σ_k ... for
|p| >= COMPACT_POWER, not p terms of p factors); the printed gradient read back by
`matcalc.check` (right, and a wrong claim still wrong); the generated code's loop; the
second derivative through the compact form."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import numeric, ops

from helpers import check_gradient, jacobian_fd

R = r"\mathbb{R}"
N = 4
POWERS = [2, 3, 4, 7, 12, -1, -3, -4, -7]


def _mpow(X, p):
    return np.linalg.matrix_power(X if p >= 0 else np.linalg.inv(X), abs(p))


def _nonsymmetric(rng):
    """A well-conditioned matrix far from symmetric (so Xᵀ for X would be caught)."""
    X = np.eye(N) + 0.4 * rng.standard_normal((N, N))
    X += 0.5 * np.triu(np.ones((N, N)), 1)
    assert np.abs(X - X.T).max() > 0.3
    return X / max(1.0, np.abs(np.linalg.eigvals(X)).max())


def bilinear_doc(p):
    return f"$X \\in {R}^{{n\\times n}}, a, b \\in {R}^n$\n$f = a^T X^{{{p}}} b$"


def trace_doc(p):
    return (f"$X \\in {R}^{{n\\times n}}, A \\in {R}^{{n\\times n}}$\n"
            f"$f = \\operatorname{{Tr}}(A X^{{{p}}})$")


def chain_doc(p):
    return (f"$Y \\in {R}^{{n\\times n}}, W \\in {R}^{{n\\times n}}, v \\in {R}^n$\n"
            f"$X = \\tanh(Y) W + 2I_n$\n"
            f"$f = \\mathbf{{1}}_n^T\\exp(X^{{{p}}} v)$")


def _inputs(doc_kind, p, seed):
    rng = np.random.default_rng(seed + 100 * abs(p) + (p < 0))
    if doc_kind == "bilinear":
        return {"X": _nonsymmetric(rng), "a": rng.standard_normal(N), "b": rng.standard_normal(N)}
    if doc_kind == "trace":
        return {"X": _nonsymmetric(rng), "A": rng.standard_normal((N, N))}
    W = 0.5 * np.eye(N) + 0.3 * rng.standard_normal((N, N))      # X = tanh(Y) W + 2I ≈ 2I
    return {"Y": 0.5 * rng.standard_normal((N, N)), "W": W, "v": rng.standard_normal(N)}


def _f(doc_kind, p):
    if doc_kind == "bilinear":
        return lambda X, a, b: a @ _mpow(X, p) @ b
    if doc_kind == "trace":
        return lambda X, A: np.trace(A @ _mpow(X, p))

    def f(Y, W, v):
        X = np.tanh(Y) @ W + 2 * np.eye(N)
        return np.sum(np.exp(_mpow(X, p) @ v))
    return f


def _chain_inputs(p, seed):
    kw = _inputs("chain", p, seed)
    # X ≈ 2I: X^p v of order one (exp neither overflows nor flattens the gradient)
    kw["v"] = kw["v"] * 2.0 ** -p
    return kw


@pytest.mark.parametrize("p", POWERS)
@pytest.mark.parametrize("kind", ["bilinear", "trace"])
def test_power_gradient_wrt_the_matrix(kind, p):
    doc = bilinear_doc(p) if kind == "bilinear" else trace_doc(p)
    wrt = "X"
    for seed in (0, 1):
        check_gradient(doc, wrt, f=_f(kind, p), kwargs=_inputs(kind, p, seed))


@pytest.mark.parametrize("p", POWERS)
def test_power_gradient_through_a_chain(p):
    for seed in (0, 1):
        check_gradient(chain_doc(p), "Y", f=_f("chain", p), kwargs=_chain_inputs(p, seed))


@pytest.mark.parametrize("p", [4, 7, 36, -4, -12, -36])
def test_large_power_is_one_term(p):
    """From COMPACT_POWER on, the derivative is one sum over k (not |p| terms of |p|
    factors): its printed size does not depend on p, and the code calls the loop once."""
    g = matcalc.gradient(bilinear_doc(p), "X")
    assert abs(p) >= ops.COMPACT_POWER
    assert g.latex().count(r"\sum_{k=0}") == 1 and g.text().count("Σ_k=0^") == 1
    assert "matrix-power" in {s.rule for s in g.steps}
    small = matcalc.gradient(bilinear_doc(4 if p > 0 else -4), "X")
    assert len(g.latex()) <= len(small.latex()) + 8          # digits of p only
    src = g.numpy_source()
    body = src[src.index("def grad_X"):]
    # the outer-product cotangent a bᵀ: the loop once, or inside the sandwich X⁻ᵀ (…) X⁻ᵀ
    # two n×|p| matrices of powers times X⁻ᵀa and X⁻¹b; the inverse once
    if p > 0:
        assert body.count("_pow_sum_outer(") == 1 and "_krylov(" not in body
    else:
        assert body.count("_krylov(") == 2 and "_pow_sum" not in body
    assert "matrix_power" not in body
    assert body.count("np.linalg.inv(") == (1 if p < 0 else 0)
    jax = g.source("jax")             # the plain form elsewhere: the loop, one call
    assert jax.count("_pow_sum_outer(") == 2


def test_small_powers_read_as_products():
    """Below COMPACT_POWER the derivative is written out, as a person writes it."""
    g = matcalc.gradient(bilinear_doc(2), "X")
    assert r"\sum" not in g.latex() and "_pow_sum" not in g.numpy_source()
    assert g.text() == "Xᵀ a bᵀ + a bᵀ Xᵀ"


@pytest.mark.parametrize("doc, wrt", [(bilinear_doc(7), "X"), (bilinear_doc(-5), "X"),
                                      (trace_doc(6), "X"), (chain_doc(-12), "Y"),
                                      (chain_doc(5), "Y")])
def test_printed_gradient_reads_back(doc, wrt):
    g = matcalc.gradient(doc, wrt)
    assert matcalc.check(doc, wrt, claim=g.latex()).ok, g.latex()
    assert matcalc.check(doc, wrt, claim=f"2 \\left({g.latex()}\\right)").ok is False
    # the sum with one exponent off by one is a different matrix, judged wrong
    wrong = g.latex().replace("-k}", "-k+1}", 1)
    assert wrong != g.latex()
    assert matcalc.check(doc, wrt, claim=wrong).ok is False


def test_a_written_power_sum_reads_as_its_terms():
    """\\sum_{k=0}^{p-1} (X^T)^k G (X^T)^{p-1-k}, written by a person, is the sum of p
    matrix products (the index appears only in exponents, so it is unrolled)."""
    doc = bilinear_doc(3)
    claim = r"\sum_{k=0}^{2} (X^T)^{k} a b^T (X^T)^{2-k}"
    assert matcalc.check(doc, "X", claim=claim).ok
    assert not matcalc.check(doc, "X", claim=r"\sum_{k=0}^{2} X^{k} a b^T X^{2-k}").ok


def test_generated_code_matches_the_product_form_exactly_enough():
    """The loop (and the outer-product loop) against the powers computed directly."""
    rng = np.random.default_rng(5)
    for p in (4, 9, -6):
        kw = _inputs("trace", p, 3)
        got = matcalc.gradient(trace_doc(p), "X").to_numpy()(**kw)
        Y = _mpow(kw["X"], 1 if p > 0 else -1)
        k = abs(p)
        G = kw["A"].T
        S = sum(np.linalg.matrix_power(Y.T, j) @ G @ np.linalg.matrix_power(Y.T, k - 1 - j)
                for j in range(k))
        want = S if p > 0 else -Y.T @ S @ Y.T
        assert numeric.relative_error(got, want) < 1e-12
    del rng


@pytest.mark.parametrize("p", [5, -4])
def test_hessian_through_a_large_power(p):
    """The second derivative differentiates the compact differential (PowSum's own
    rule): the Hessian against central differences of the gradient."""
    doc = (f"$x \\in {R}^n, A \\in {R}^{{n\\times n}}, b \\in {R}^n$\n"
           f"$X = A + x x^T$\n$f = b^T X^{{{p}}} b$")
    rng = np.random.default_rng(2)
    kw = {"x": 0.3 * rng.standard_normal(N), "A": np.eye(N) + 0.3 * rng.standard_normal((N, N)),
          "b": rng.standard_normal(N)}
    H = matcalc.hessian(doc, "x").to_numpy()(**kw)
    grad = matcalc.gradient(doc, "x").to_numpy()
    want = jacobian_fd(grad, kw, "x")
    assert numeric.relative_error(H, want) < 1e-6
