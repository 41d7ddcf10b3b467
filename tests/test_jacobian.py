"""Jacobians of vector- and matrix-valued expressions, checked against central finite
differences of an independent NumPy function at random float64 inputs; their printed forms
(numerator layout) are in the reviewed golden file tests/golden/jacobians.txt.

Regenerate the golden file with
    MATCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_jacobian.py tests/test_hessian.py -q
and review the diff.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import matcalc
from matcalc import numeric
from helpers import jacobian_fd

GOLDEN = Path(__file__).parent / "golden" / "jacobians.txt"
RTOL = 1e-6


def softmax(x):
    e = np.exp(x - x.max())
    return e / e.sum()


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# id, document, wrt, independent F(**inputs)
CASES = [
    ("linear_Ax", r"A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n \\ z = A x", "x",
     lambda A, x: A @ x),
    ("linear_Xw", r"X \in \mathbb{R}^{m\times n}, w \in \mathbb{R}^n \\ y = X w", "w",
     lambda X, w: X @ w),
    ("linear_Ax_wrt_A", r"A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n \\ z = A x", "A",
     lambda A, x: A @ x),
    ("affine_transpose", r"A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^m, b \in \mathbb{R}^n"
     r" \\ z = A^T x + b", "x", lambda A, x, b: A.T @ x + b),
    ("sigmoid", r"z \in \mathbb{R}^n \\ s = \sigma(z)", "z", lambda z: sigmoid(z)),
    ("exp", r"x \in \mathbb{R}^n \\ y = \exp(x)", "x", lambda x: np.exp(x)),
    ("hadamard", r"x, y \in \mathbb{R}^n \\ z = x \odot y", "x", lambda x, y: x * y),
    ("tanh_layer_b", r"W \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m \\ "
     r"h = \tanh(W x + b)", "b", lambda W, x, b: np.tanh(W @ x + b)),
    ("tanh_layer_x", r"W \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m \\ "
     r"h = \tanh(W x + b)", "x", lambda W, x, b: np.tanh(W @ x + b)),
    ("tanh_layer_W", r"W \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m \\ "
     r"h = \tanh(W x + b)", "W", lambda W, x, b: np.tanh(W @ x + b)),
    ("softmax", r"x \in \mathbb{R}^n \\ y = \operatorname{softmax}(x)", "x",
     lambda x: softmax(x)),
    ("softmax_Wx", r"W \in \mathbb{R}^{k\times n}, x \in \mathbb{R}^n \\ "
     r"p = \operatorname{softmax}(W x)", "x", lambda W, x: softmax(W @ x)),
    ("normalise", r"x \in \mathbb{R}^n \\ y = x / \|x\|", "x",
     lambda x: x / np.linalg.norm(x)),
    ("scaled_by_norm_sq", r"x \in \mathbb{R}^n \\ y = (x^T x) x", "x", lambda x: (x @ x) * x),
    ("outer", r"x \in \mathbb{R}^n \\ Y = x x^T", "x", lambda x: np.outer(x, x)),
    ("product_AXB", r"A \in \mathbb{R}^{m\times n}, X \in \mathbb{R}^{n\times k}, "
     r"B \in \mathbb{R}^{k\times l} \\ Y = A X B", "X", lambda A, X, B: A @ X @ B),
    ("product_XtX", r"X \in \mathbb{R}^{n\times k} \\ Y = X^T X", "X", lambda X: X.T @ X),
    ("inverse", r"X \in \mathbb{R}^{n\times n} \\ Y = X^{-1}", "X", lambda X: np.linalg.inv(X)),
    ("inverse_times_b", r"X \in \mathbb{R}^{n\times n}, b \in \mathbb{R}^n \\ y = X^{-1} b", "X",
     lambda X, b: np.linalg.solve(X, b)),
    ("chain_softplus", r"A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n \\ u = A x \\ "
     r"z = \operatorname{softplus}(u) \odot u", "x",
     lambda A, x: np.logaddexp(0, A @ x) * (A @ x)),
    ("entrywise_of_reshape", r"a \in \mathbb{R}^{nm}, B \in \mathbb{R}^{n\times m} \\ "
     r"C_{ij} = B_{ij} a_{i,j}^2", "a", lambda a, B: B * a.reshape(B.shape) ** 2),
    ("family_norms", r"z_i \in \mathbb{R}^d,\ i = 1,\dots,n \\ q_i = \|z_i\|^2", "z",
     lambda z: (z * z).sum(1)),
    ("row_softmax_of_matrix", r"X \in \mathbb{R}^{n\times m} \\ Y = \operatorname{softmax}(X)",
     "X", lambda X: np.exp(X) / np.exp(X).sum(1, keepdims=True)),
    ("scalar_is_gradient", r"A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ f = x^T A x", "x",
     lambda A, x: x @ A @ x),
]


def _inputs(j, seed):
    rng = np.random.default_rng(seed)
    return numeric.sample_inputs(j.problem, rng, j.value_numpy())


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_jacobian_matches_finite_differences(case):
    _, doc, wrt, F = case
    j = matcalc.jacobian(doc, wrt)
    fn = j.to_numpy()
    for seed in (0, 1):
        kw = _inputs(j, seed)
        np.testing.assert_allclose(numeric.call(j.value_numpy(), kw), numeric.call(F, kw),
                                   rtol=1e-10, atol=1e-12)
        got = numeric.call(fn, kw)
        want = jacobian_fd(F, kw, wrt)
        assert got.shape == want.shape
        assert np.max(np.abs(want)) > 1e-6
        err = numeric.relative_error(got, want)
        assert err < RTOL, f"{j.text()} off by {err:.3g}\n{j.numpy_source()}"


def test_numerator_layout_of_a_linear_map():
    """∂(Ax)/∂x = A: an m×n matrix for x ∈ Rⁿ, z ∈ Rᵐ, entry [i, j] = ∂z_i/∂x_j."""
    j = matcalc.jacobian(CASES[0][1], "x")
    rng = np.random.default_rng(3)
    A, x = rng.standard_normal((4, 3)), rng.standard_normal(3)
    np.testing.assert_allclose(j.to_numpy()(A=A, x=x), A, rtol=1e-12)
    assert "numerator layout" in j.result()


def test_scalar_function_jacobian_is_the_gradient():
    doc, F = CASES[-1][1], CASES[-1][3]
    j, g = matcalc.jacobian(doc, "x"), matcalc.gradient(doc, "x")
    rng = np.random.default_rng(4)
    A, x = rng.standard_normal((3, 3)), rng.standard_normal(3)
    np.testing.assert_allclose(j.to_numpy()(A=A, x=x), g.to_numpy()(A=A, x=x), rtol=1e-12)


def test_named_definition_and_wrt_keyword():
    doc = r"A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n \\ z = A x \\ y = \exp(z)"
    j = matcalc.jacobian(doc, "x", of="z")
    assert j.text() == "A"
    rng = np.random.default_rng(5)
    A, x = rng.standard_normal((2, 3)), rng.standard_normal(3)
    want = jacobian_fd(lambda A, x: np.exp(A @ x), dict(A=A, x=x), "x")
    np.testing.assert_allclose(matcalc.jacobian(doc, "x").to_numpy()(A=A, x=x), want,
                               rtol=1e-6)


def test_derivation_names_the_cotangent_and_the_identity():
    j = matcalc.jacobian(CASES[4][1], "z")
    rules = [s.rule for s in j.steps]
    assert rules[0] == "cotangent" and rules[-1] == "identity"
    assert "hadamard" in rules


def test_generated_code_never_builds_a_diag_matrix_from_a_vector():
    """The Diag of σ(z) ⊙ (1 - σ(z)) is the identity scaled by broadcasting, not np.diag."""
    src = matcalc.jacobian(CASES[4][1], "z").numpy_source()
    assert "np.diag(" not in src and "einsum" not in src


def test_bad_wrt_and_unknown_definition():
    with pytest.raises(matcalc.MatcalcError):
        matcalc.jacobian(CASES[0][1], "q")
    with pytest.raises(matcalc.MatcalcError):
        matcalc.jacobian(CASES[0][1], "z")
    with pytest.raises(matcalc.MatcalcError):
        matcalc.jacobian(CASES[0][1], "x", of="nothing")


# ---------------------------------------------------------------- golden forms

def golden_forms() -> dict:
    from test_hessian import CASES as HESSIANS
    forms = {}
    for cid, doc, wrt, _ in CASES:
        forms[f"jacobian {cid}  d/d {wrt}"] = matcalc.jacobian(doc, wrt).text()
    for case in HESSIANS:
        cid, doc, wrt = case[:3]
        forms[f"hessian {cid}  d/d {wrt}"] = matcalc.hessian(doc, wrt).text()
    return forms


def read_golden() -> dict:
    out, key = {}, None
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            key = line[3:]
        elif key is not None and line.startswith("   "):
            out[key] = line[3:]
    return out


def write_golden(forms) -> None:
    head = ["# Matrix forms matcalc prints (j.text(), h.text()) for tests/test_jacobian.py and",
            "# tests/test_hessian.py. Jacobians in numerator layout: entry [a, b] is dF_a/dX_b,",
            "# the axes of F first; a Hessian's entry [a, b] is d2f/dX_a dY_b. Order-3 and",
            "# order-4 results are in index form [..]_{i,j,k,l}, labels in that order.",
            "# Reviewed by eye; regenerate with",
            "#   MATCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_jacobian.py -q",
            "# and review the diff.", ""]
    body = []
    for k, v in forms.items():
        body += [f"## {k}", f"   {v}"]
    GOLDEN.write_text("\n".join(head + body) + "\n", encoding="utf-8")


def test_golden_forms():
    forms = golden_forms()
    if os.environ.get("MATCALC_UPDATE_GOLDEN"):
        write_golden(forms)
    assert read_golden() == forms


# ---------------------------------------------------------------- the command line

def _cli(*args, stdin):
    import subprocess
    import sys
    root = Path(__file__).resolve().parent.parent
    return subprocess.run([sys.executable, "-m", "matcalc", *args], input=stdin,
                          capture_output=True, text=True, cwd=root, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})


def test_cli_derive_jacobian_and_hessian():
    r = _cli("derive", "-", "--wrt", "z", "--jacobian", stdin=CASES[4][1])
    assert r.returncode == 0, r.stderr
    assert "∂s/∂z = Diag(s ⊙ (1 - s))" in r.stdout and "numerator layout" in r.stdout
    assert "by identity" in r.stdout
    r = _cli("derive", "-", "--wrt", "x,y", "--hessian",
             stdin=r"A \in \mathbb{R}^{n\times m}, x \in \mathbb{R}^n, y \in \mathbb{R}^m \\ "
                   r"f = x^T A y")
    assert r.returncode == 0, r.stderr
    assert "∂²f/∂x∂y = A" in r.stdout
    r = _cli("code", "-", "--wrt", "x", "--jacobian", stdin=CASES[0][1])
    assert r.returncode == 0 and "def jacobian_z_x(" in r.stdout
    r = _cli("derive", "-", "--wrt", "x", "--hessian", stdin=CASES[0][1])
    assert r.returncode == 2 and "not a scalar" in r.stderr


# ---------------------------------------------------------------- property: random chains

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

FUNCS = {"tanh": (r"\tanh", np.tanh), "sigma": (r"\sigma", sigmoid),
         "softplus": (r"\operatorname{softplus}", lambda u: np.logaddexp(0, u)),
         "sin": (r"\sin", np.sin), "exp": (r"\exp", np.exp)}


@st.composite
def chains(draw):
    """F = g(B f(A x) + c) or its Hadamard product with x-free terms, random functions."""
    f, g = draw(st.sampled_from(sorted(FUNCS))), draw(st.sampled_from(sorted(FUNCS)))
    hadamard = draw(st.booleans())
    doc = (r"A \in \mathbb{R}^{m\times n}, B \in \mathbb{R}^{k\times m}, x \in \mathbb{R}^n, "
           r"c \in \mathbb{R}^k \\ u = " + FUNCS[f][0] + r"(A x) \\ F = " + FUNCS[g][0] +
           r"(B u + c)" + (r" \odot (B u)" if hadamard else ""))

    def value(A, B, x, c):
        u = FUNCS[f][1](A @ x)
        out = FUNCS[g][1](B @ u + c)
        return out * (B @ u) if hadamard else out
    return doc, value, draw(st.integers(0, 10 ** 6))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains())
def test_random_chain_jacobians_match_finite_differences(case):
    doc, F, seed = case
    j = matcalc.jacobian(doc, "x")
    rng = np.random.default_rng(seed)
    n, m, k = rng.integers(2, 5, 3)
    kw = dict(A=rng.standard_normal((m, n)) * 0.5, B=rng.standard_normal((k, m)) * 0.5,
              x=rng.standard_normal(n), c=rng.standard_normal(k) * 0.5)
    got = j.to_numpy()(**kw)
    assert got.shape == (k, n)
    assert numeric.relative_error(got, jacobian_fd(F, kw, "x")) < RTOL, j.text()
