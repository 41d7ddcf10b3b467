"""Undeclared names read with their most general shapes: fresh dimension symbols
(matcalc/lower/fresh.py, issue 8).

1. Documents with no declaration at all derive, and their gradients match central
   differences of hand-written NumPy objectives, at sizes drawn so that every made-up
   dimension differs from every other (a transposed answer cannot pass), and equal the
   declared documents' gradients at the same sizes.
2. Where a reading turns on a shape the document leaves open -- is the matrix square
   (exp, |X|, a power, diag), is a factor a scalar (lambda x) -- matcalc refuses, naming
   the readings.
3. Property: random well-shaped documents (the generators of test_shape_inference) with
   every declaration removed either derive the declared document's gradient, number for
   number at the same sizes, or refuse with a MatcalcError -- never another number.
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_gradient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_shape_inference import HEADER, _env, objective

import matcalc
from matcalc import MatcalcError, ir, numeric


def sig(z):
    return 1 / (1 + np.exp(-z))


def _fresh_sizes(g):
    """The made-up dimensions of a gradient's inputs."""
    return {s for v in g.problem.inputs.values() for d in v.shape
            for s in getattr(d, "free_symbols", ()) if isinstance(s, ir.FreshDim)}


# ------------------------------------------------------------------ 1. derived, numerically

UNDECLARED = [
    (r"f = \|(X - Y) \odot M\|_F^2", "X",
     lambda X, Y, M: float(np.sum(((X - Y) * M) ** 2))),
    (r"f(X) = \sum_{i,j} (X_{ij} - Y_{ij})^2", "X",
     lambda X, Y: float(np.sum((X - Y) ** 2))),
    (r"f = \|X - Y\|_F^2", "Y", lambda X, Y: float(np.sum((X - Y) ** 2))),
    (r"f = \operatorname{tr}(A X B X^T)", "X",
     lambda A, X, B: float(np.trace(A @ X @ B @ X.T))),
    (r"f = \operatorname{tr}(A X B X^T)", "B",
     lambda A, X, B: float(np.trace(A @ X @ B @ X.T))),
    (r"f = \operatorname{tr}(X^T X) + a^T X b", "X",
     lambda X, a, b: float(np.sum(X * X) + a @ X @ b)),
    (r"f = x^T A x + b^T x", "x", lambda x, A, b: float(x @ A @ x + b @ x)),
    (r"f = x^T A x + b^T x", "A", lambda x, A, b: float(x @ A @ x + b @ x)),
    (r"f = \|A x - b\|^2 + \lambda \|x\|^2", "x",
     lambda A, x, b, lambda_: float(np.sum((A @ x - b) ** 2) + lambda_ * x @ x)),
    (r"f = \|W_2 \sigma(W_1 x) - y\|^2", "W_1",
     lambda W_2, W_1, x, y: float(np.sum((W_2 @ sig(W_1 @ x) - y) ** 2))),
    (r"f = \|W_2 \sigma(W_1 x) - y\|^2", "W_2",
     lambda W_2, W_1, x, y: float(np.sum((W_2 @ sig(W_1 @ x) - y) ** 2))),
    (r"f = \|X W - Y\|_F^2", "W", lambda X, W, Y: float(np.sum((X @ W - Y) ** 2))),
    # a lower-case name scaling an unsized 1 or I is the scalar that scales it
    (r"f = \|x - \alpha \mathbf{1}\|^2", r"\alpha",
     lambda x, alpha: float(np.sum((x - alpha) ** 2))),
    (r"f = x^T (A + \lambda I) x", "x",
     lambda x, A, lambda_: float(x @ A @ x + lambda_ * x @ x)),
    (r"f = \log\det(X) - \operatorname{tr}(S X)", "X",
     lambda X, S: float(np.linalg.slogdet(X)[1] - np.trace(S @ X))),
]


@pytest.mark.parametrize("doc,wrt,f", UNDECLARED, ids=[d for d, w, _ in UNDECLARED])
def test_undeclared_names_derive_with_fresh_sizes(doc, wrt, f):
    g = check_gradient(doc, wrt, f=f, trials=3)
    assert _fresh_sizes(g), "no made-up size: nothing was read with the general reading"
    notes = [n for n in g.notes if "most general shape" in n.reason]
    assert notes and all("declare it" in n.reason for n in notes)


def test_made_up_sizes_differ_from_one_another():
    g = matcalc.gradient(r"f = \operatorname{tr}(A X B X^T)", "X")
    rng = np.random.default_rng(0)
    for _ in range(5):
        vals = numeric.dimension_values(g.problem, rng)
        fresh = [vals[s] for s in _fresh_sizes(g)]
        assert len(fresh) == 2 and len(set(fresh)) == 2


@pytest.mark.parametrize("decl,doc,wrt", [
    (r"X, Y, M \in \mathbb{R}^{m \times n}", r"f = \|(X - Y) \odot M\|_F^2", "X"),
    (r"A \in \mathbb{R}^{m \times m}, X \in \mathbb{R}^{m \times n}, "
     r"B \in \mathbb{R}^{n \times n}", r"f = \operatorname{tr}(A X B X^T)", "X"),
    (r"W_1 \in \mathbb{R}^{h \times d}, W_2 \in \mathbb{R}^{k \times h}, "
     r"x \in \mathbb{R}^{d}, y \in \mathbb{R}^{k}", r"f = \|W_2 \sigma(W_1 x) - y\|^2", "W_1"),
])
def test_the_general_reading_gives_the_declared_numbers(decl, doc, wrt):
    declared = matcalc.gradient(f"{decl}\n{doc}", wrt)
    general = matcalc.gradient(doc, wrt)
    rng = np.random.default_rng(3)
    kw = {k: v for k, v in numeric.sample_inputs(declared.problem, rng).items()
          if k in declared.inputs.values()}
    assert set(general.inputs.values()) == set(kw)
    a, b = numeric.call(declared.to_numpy(), kw), numeric.call(general.to_numpy(), kw)
    assert np.shape(a) == np.shape(b) and np.allclose(a, b, rtol=1e-10, atol=1e-12)


def test_a_scalar_instance_gives_the_scalar_numbers():
    # the scalar reading is the 1x1 instance: the general formula at size 1
    general = matcalc.gradient(r"f = x^T A x + b^T x", "x")
    scalar = matcalc.gradient(r"x, A, b \in \mathbb{R}" "\n" r"f = x^T A x + b^T x", "x")
    x, A, b = 0.7, -1.3, 0.4
    got = numeric.call(general.to_numpy(), dict(x=np.array([x]), A=np.array([[A]]),
                                                b=np.array([b])))
    want = numeric.call(scalar.to_numpy(), dict(x=x, A=A, b=b))
    assert np.allclose(np.ravel(got), want)


# ------------------------------------------------------------------ 2. refused, naming both

REFUSED = [
    (r"f = \mathbf{1}^T \exp(X) \mathbf{1}", "X", "matrix exponential"),
    (r"f = \mathbf{1}^T \sqrt{X} \mathbf{1}", "X", "matrix square root"),
    (r"f = \log|X| + \operatorname{tr}(S X)", "X", "determinant"),
    (r"f = \|X^2 - A\|_F^2", "X", "matrix power"),
    (r"f = \operatorname{diag}(X)^T y", "X", "diagonal"),
    (r"f = \|\lambda x - y\|^2", "x", "a scalar or a matrix"),
    (r"f = y^T c x", "x", "not a column vector"),
    (r"f = \|X\|", "X", "norm of a matrix is ambiguous here: write"),
]


@pytest.mark.parametrize("doc,wrt,words", REFUSED, ids=[d for d, _, _ in REFUSED])
def test_a_reading_that_turns_on_an_open_shape_is_refused(doc, wrt, words):
    with pytest.raises(MatcalcError) as err:
        matcalc.gradient(doc, wrt)
    assert words in str(err.value)
    assert "declare" in str(err.value) or "write" in words


def test_a_name_only_inside_an_unmodelled_construct_is_not_read():
    # the kind of an arbitrary function is unknown: its argument's shape stays unknown
    doc = "$g$ is an arbitrary differentiable function.\n$$f = g(X)$$"
    with pytest.raises(MatcalcError):
        matcalc.gradient(doc, "X")


def test_a_sum_to_a_named_bound_sizes_the_array():
    # \sum_j^C y_j log p_j with y, a never declared: y, a in R^C, not a part of a longer y
    doc = (r"L = -\sum_j^C y_j \log p_j" "\n"
           r"p_j = \frac{\exp(a_j)}{\sum_k^C \exp(a_k)}")
    g = matcalc.gradient(doc, "a", objective="L")
    assert [str(d) for d in g.problem.inputs["a"].shape] == ["C"]
    assert [str(d) for d in g.problem.inputs["y"].shape] == ["C"]


# ------------------------------------------------------------------ 3. property

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(obj=objective(), wrt=st.sampled_from(["x", "A", "C", "alpha"]),
       dims=st.sampled_from([(3, 2), (2, 4), (4, 3)]), seed=st.integers(0, 2**16))
def test_declarations_removed_same_gradient_or_refused(obj, wrt, dims, seed):
    n, m = dims
    env = _env(seed, n, m)
    name = wrt if wrt != "alpha" else r"\alpha"
    declared = matcalc.gradient(f"{HEADER}\nf = {obj.bare}", wrt=name)
    kw = {k: v for k, v in env.items() if k in declared.inputs.values()}
    want = np.asarray(numeric.call(declared.to_numpy(), kw), dtype=float)
    try:
        general = matcalc.gradient(f"f = {obj.bare}", wrt=name)
    except MatcalcError:
        return
    # the declared document's inputs, and its sizes n, m: a number the text writes
    # (\frac{1}{n}) is, undeclared, a scalar input the caller gives
    assert set(general.inputs.values()) <= set(kw) | {"n", "m"}, (general.inputs, obj.bare)
    for key, v in general.problem.inputs.items():   # every input of its declared order
        assert len(v.shape) == np.ndim(env[key]), (key, v.shape, obj.bare)
    mine = {k: env[k] for k in general.inputs.values()}
    got = np.asarray(numeric.call(general.to_numpy(), mine), dtype=float)
    assert got.shape == want.shape, obj.bare
    scale = max(1.0, float(np.max(np.abs(want))))
    assert float(np.max(np.abs(got - want))) / scale < 1e-9, obj.bare
