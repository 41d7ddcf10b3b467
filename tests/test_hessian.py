"""Hessians of scalar objectives, checked against central finite differences of the
gradient at random float64 inputs, against hand-written closed forms where the textbook
has one, and Hessian-vector products checked against the Hessian. The printed forms are in
tests/golden/jacobians.txt (see tests/test_jacobian.py)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import matcalc
from matcalc import numeric
from helpers import jacobian_fd

RTOL = 1e-5

LOGREG = r"X \in \mathbb{R}^{n\times d}, y \in \mathbb{R}^n, w \in \mathbb{R}^d \\ "
NET = (r"W \in \mathbb{R}^{h\times d}, V \in \mathbb{R}^{k\times h}, x \in \mathbb{R}^d, "
       r"y \in \mathbb{R}^k \\ f = \|V \tanh(W x) - y\|^2")


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


# id, document, wrt, an independent closed form of the Hessian (or None)
CASES = [
    ("quadratic_form", r"A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ f = x^T A x", "x",
     lambda A, x: A + A.T),
    ("least_squares", r"A \in \mathbb{R}^{m\times n}, b \in \mathbb{R}^m, x \in \mathbb{R}^n \\ "
     r"f = \|A x - b\|^2", "x", lambda A, b, x: 2 * A.T @ A),
    ("ridge", r"A \in \mathbb{R}^{m\times n}, b \in \mathbb{R}^m, x \in \mathbb{R}^n, "
     r"\lambda \in \mathbb{R} \\ f = \|A x - b\|^2 + \lambda \|x\|^2", "x",
     lambda A, b, x, lambda_: 2 * A.T @ A + 2 * lambda_ * np.eye(len(x))),
    ("logistic_softplus", LOGREG + r"f = \mathbf{1}^T \operatorname{softplus}(X w) - y^T X w",
     "w", lambda X, y, w: X.T @ ((sigmoid(X @ w) * (1 - sigmoid(X @ w)))[:, None] * X)),
    ("logistic_log_sigma", LOGREG + r"s = \sigma(X w) \\ "
     r"f = -y^T \log s - (\mathbf{1} - y)^T \log(\mathbf{1} - s)", "w",
     lambda X, y, w: X.T @ ((sigmoid(X @ w) * (1 - sigmoid(X @ w)))[:, None] * X)),
    ("logistic_margin", LOGREG + r"f = \mathbf{1}^T \log(1 + \exp(-y \odot X w))", "w", None),
    ("log_det", r"X \in \mathbb{R}^{n\times n} \\ f = \log\det X", "X",
     lambda X: -np.einsum("jk,li->ijkl", np.linalg.inv(X), np.linalg.inv(X))),
    ("softmax_cross_entropy", r"W \in \mathbb{R}^{k\times d}, x \in \mathbb{R}^d, "
     r"y \in \mathbb{R}^k \\ f = -y^T \log \operatorname{softmax}(W x)", "W", None),
    ("softmax_cross_entropy_logits", r"z, y \in \mathbb{R}^k \\ "
     r"f = -y^T \log \operatorname{softmax}(z)", "z", None),
    ("tanh_network_W", NET, "W", None),
    ("tanh_network_V", NET, "V", None),
    ("trace_XtAX", r"A \in \mathbb{R}^{n\times n}, X \in \mathbb{R}^{n\times m} \\ "
     r"f = \operatorname{Tr}(X^T A X)", "X", None),
    ("bilinear_inverse", r"X \in \mathbb{R}^{n\times n}, a, b \in \mathbb{R}^n \\ "
     r"f = a^T X^{-1} b", "X", None),
    ("norm_fourth", r"x \in \mathbb{R}^n \\ f = (x^T x)^2", "x",
     lambda x: 4 * np.outer(x, x) * 2 + 4 * (x @ x) * np.eye(len(x)) / 1 / 1),
    ("sum_exp", r"A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n \\ "
     r"f = \mathbf{1}^T \exp(A x)", "x", lambda A, x: A.T @ (np.exp(A @ x)[:, None] * A)),
    ("logsumexp", r"A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n \\ "
     r"f = \operatorname{logsumexp}(A x)", "x", None),
    ("sum_sin", r"x \in \mathbb{R}^n \\ f = \mathbf{1}^T \sin(x)", "x",
     lambda x: -np.diag(np.sin(x))),
]
# (x^T x)^2: gradient 4 (x^T x) x, Hessian 8 x x^T + 4 (x^T x) I (written out above)


def _inputs(g, seed):
    return numeric.sample_inputs(g.problem, np.random.default_rng(seed), g.objective_numpy())


def _pair(doc, first, second):
    """(Hessian block, gradient wrt first, keyword of second)."""
    h = matcalc.hessian(doc, (first, second))
    return h, matcalc.gradient(doc, first), second


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hessian_matches_finite_differences_of_the_gradient(case):
    _, doc, wrt, closed = case
    h, g = matcalc.hessian(doc, wrt), matcalc.gradient(doc, wrt)
    fn, grad = h.to_numpy(), g.to_numpy()
    for seed in (0, 1):
        kw = _inputs(g, seed)
        got = numeric.call(fn, kw)
        want = jacobian_fd(grad, kw, wrt)
        assert got.shape == want.shape
        assert np.max(np.abs(want)) > 1e-6
        err = numeric.relative_error(got, want)
        assert err < RTOL, f"{h.text()} off by {err:.3g}\n{h.numpy_source()}"
        if closed is not None:
            np.testing.assert_allclose(got, numeric.call(closed, kw), rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_hvp_matches_the_hessian(case):
    _, doc, wrt, _ = case
    h, v = matcalc.hessian(doc, wrt), matcalc.hvp(doc, wrt)
    g = matcalc.gradient(doc, wrt)
    rng = np.random.default_rng(7)
    for seed in (0, 1):
        kw = _inputs(g, seed)
        x = np.asarray(kw[wrt])
        direction = rng.standard_normal(x.shape)
        H = numeric.call(h.to_numpy(), kw)
        want = np.tensordot(H, direction, axes=x.ndim)
        got = numeric.call(v.to_numpy(), {**kw, v.direction.name: direction})
        assert got.shape == x.shape
        assert numeric.relative_error(got, want) < 1e-9


def test_mixed_block_of_the_tanh_network():
    """wrt=(W, V): entry [a, b] = ∂²f/∂W_a∂V_b, checked against differences of ∇_W f in V."""
    h, g, second = _pair(NET, "W", "V")
    kw = _inputs(g, 0)
    got = numeric.call(h.to_numpy(), kw)
    want = jacobian_fd(g.to_numpy(), kw, second)
    assert got.shape == (kw["W"].shape + kw["V"].shape)
    assert numeric.relative_error(got, want) < RTOL


def test_mixed_block_of_a_bilinear_form_is_its_matrix():
    doc = r"A \in \mathbb{R}^{n\times m}, x \in \mathbb{R}^n, y \in \mathbb{R}^m \\ f = x^T A y"
    h = matcalc.hessian(doc, ("x", "y"))
    assert h.text() == "A"
    A = np.random.default_rng(0).standard_normal((3, 2))
    np.testing.assert_allclose(h.to_numpy()(A=A, x=np.ones(3), y=np.ones(2)), A)


def test_logistic_hessian_code_never_builds_diag():
    src = matcalc.hessian(CASES[3][1], "w").numpy_source()
    assert "np.diag(" not in src and "np.eye(" not in src and "einsum" not in src
    assert "[None, :]" in src or "[:, None]" in src  # a broadcast scaling


def test_hessian_derivation_has_both_sweeps():
    h = matcalc.hessian(CASES[0][1], "x")
    rules = [s.rule for s in h.steps]
    assert rules.count("gradient") == 2 and rules[-1] == "identity"


def test_hvp_takes_the_direction():
    v = matcalc.hvp(CASES[0][1], "x")
    assert "v" in v.inputs.values()
    with pytest.raises(matcalc.MatcalcError):
        v.to_numpy(value=True)


def test_nonscalar_objective_is_refused():
    with pytest.raises(matcalc.ShapeError):
        matcalc.hessian(r"A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n \\ z = A x", "x")
    with pytest.raises(matcalc.MatcalcError):
        matcalc.hessian(CASES[0][1], ("x", "x", "x"))


SEEDS = Path(__file__).parent / "seeds"


@pytest.mark.parametrize("seed, wrt", [("001_question", "W"), ("002", r"\phi"),
                                       ("004_answer", "alpha")])
def test_seed_hessians_and_hvps(seed, wrt):
    """The founding problems' Hessians, as written, against differences of the gradient."""
    doc = (SEEDS / f"{seed}.tex").read_text()
    h, g, v = matcalc.hessian(doc, wrt), matcalc.gradient(doc, wrt), matcalc.hvp(doc, wrt)
    kw = _inputs(g, 0)
    key = g.inputs.get(wrt) or matcalc.names.python_name(g.wrt)
    got = numeric.call(h.to_numpy(), kw)
    want = jacobian_fd(g.to_numpy(), kw, key)
    assert np.max(np.abs(want)) > 1e-6
    assert numeric.relative_error(got, want) < RTOL
    d = np.random.default_rng(1).standard_normal(np.shape(kw[key]))
    hv = numeric.call(v.to_numpy(), {**kw, v.direction.name: d})
    assert numeric.relative_error(hv, np.tensordot(got, d, axes=np.ndim(d))) < 1e-9


def test_second_derivative_of_a_product_over_an_index_is_refused():
    doc = (SEEDS / "004_question.tex").read_text()
    with pytest.raises(matcalc.MatcalcError, match="product over an index"):
        matcalc.hessian(doc, "beta")


def test_a_stop_gradient_of_the_variable_is_refused():
    """sg(x) in f: d/dx of the gradient's value and the second derivative with sg(x) held at
    both orders (jax.hessian) differ: both readings are named."""
    doc = r"x, y \in \mathbb{R}^n \\ f = x^T \operatorname{sg}(x) (x^T x) + y^T x"
    for make in (matcalc.hessian, matcalc.hvp):
        with pytest.raises(matcalc.MatcalcError, match="two readings"):
            make(doc, "x")
    # a stop-gradient of something that does not vary with the variable is no ambiguity
    h = matcalc.hessian(r"x, y \in \mathbb{R}^n \\ f = (x^T x) \operatorname{sg}(y^T y)", "x")
    y = np.arange(3.0)
    np.testing.assert_allclose(h.to_numpy()(x=np.ones(3), y=y), 2 * (y @ y) * np.eye(3))
