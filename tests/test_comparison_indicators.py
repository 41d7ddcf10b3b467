"""The indicator of a comparison, as posts write a ReLU's derivative: ``\\mathbb{1}(Wx > 0)``,
``1[z \\geq 0]``, ``\\mathbb{1}_{z < 1}``, ``1\\{a \\le b\\}`` -- the step function of the
difference, entrywise, ties exact. In a definition it is flat where it is differentiable;
in a claim it is evaluated. Gradients are compared with central differences of
independent NumPy references; a claim's verdict is confirmed by the numbers.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import matcalc
from matcalc import MatcalcError, numeric

from helpers import central, check_gradient

DECL = r"x, v, y \in \mathbb{R}^n, c \in \mathbb{R} \\ "
OPS = {">": np.greater, "<": np.less, r"\geq": np.greater_equal, r"\leq": np.less_equal,
       r"\ge": np.greater_equal, r"\le": np.less_equal}


@pytest.mark.parametrize("spelling, ref", [
    (r"\mathbb{1}(x > 0)", lambda x, y, c: x > 0),
    (r"1[x \geq c]", lambda x, y, c: x >= c),
    (r"\mathbb{1}_{x<1}", lambda x, y, c: x < 1),
    (r"\mathbf{1}\{x \le y\}", lambda x, y, c: x <= y),
    (r"1\{y > x\}", lambda x, y, c: y > x),
    (r"\mathbb{1}\left(x - y > c\right)", lambda x, y, c: x - y > c),
    (r"[x > 0]", lambda x, y, c: x > 0),                 # Iverson's bracket alone
    (r"\mathbb{1}\left(\mathbb{1}\left(x \geq y\right) \geq c\right)",   # nested (fuzz)
     lambda x, y, c: (x >= y).astype(float) >= c),
    (r"[x \leq y]", lambda x, y, c: x <= y),
])
def test_an_indicator_of_a_comparison_is_a_step(spelling, ref):
    doc = DECL + rf"f = v^T \left({spelling} \odot (x \odot x)\right) + v^T x"
    check_gradient(doc, "x", f=lambda x, v, y, c: float(v @ (ref(x, y, c) * x * x) + v @ x))


@pytest.mark.parametrize("op, tie", [(">", 0.0), ("<", 0.0), (r"\geq", 1.0), (r"\leq", 1.0)])
def test_ties_are_exact(op, tie):
    g = matcalc.gradient(DECL + rf"f = v^T (\mathbb{{1}}(x {op} y) \odot x)", wrt="x")
    x = np.array([0.5, -0.5, 2.0])
    kw = dict(x=x, v=np.ones(3), y=x.copy(), c=0.0, n=3)
    assert np.allclose(numeric.call(g.to_numpy(), kw), tie)
    assert np.isclose(numeric.call(g.objective_numpy(), kw), tie * x.sum())


@pytest.mark.parametrize("body", [
    r"f = v^T \mathbb{1}(x > 0, y)",      # a comma: no comparison of two sides
    r"f = v^T \mathbb{1}(x > 0 > y)",     # two comparisons
    r"f = v^T \mathbb{1}(x > )",          # a side missing
])
def test_other_brackets_after_a_one_are_refused(body):
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(DECL + body, wrt="x")
    assert e.value.line == 1 and e.value.column


@settings(max_examples=30, deadline=None)
@given(op=st.sampled_from(sorted(OPS)), shift=st.floats(-1, 1), power=st.integers(1, 3),
       seed=st.integers(0, 10 ** 6))
def test_property_indicator_gradients(op, shift, power, seed):
    doc = DECL + (rf"f = v^T \left(\mathbb{{1}}(x {op} {shift:.3f} y) \odot "
                  rf"x^{{\circ {power}}}\right) + v^T x")
    s = float(f"{shift:.3f}")
    check_gradient(doc, "x", seed=seed % 100,
                   f=lambda x, v, y, c: float(v @ (OPS[op](x, s * y) * x ** power) + v @ x))


# ---------------------------------------------------------------- a ReLU network's claims

NET = (r"Consider input $x \in \mathbb{R}^d$, weights $W_1 \in \mathbb{R}^{h \times d}$, "
       r"$W_2 \in \mathbb{R}^{k \times h}$ and label $y \in \mathbb{R}^k$:" "\n"
       r"$$h = \mathrm{ReLU}(W_1 x), \qquad \hat{y} = \mathrm{softmax}(W_2 h), \qquad "
       r"L = -\sum_{j=1}^k y_j \log \hat{y}_j.$$" "\n"
       r"I computed $\frac{\partial L}{\partial W_2} = (\hat{y} - y) h^T$ and "
       r"$\frac{\partial L}{\partial W_1} = \left[(W_2^T(\hat y - y)) \odot "
       r"\mathbb{1}(W_1 x > 0)\right] x^T$." "\n")


def _net(W1, W2, x, y):
    h = np.maximum(W1 @ x, 0)
    z = W2 @ h
    p = np.exp(z - z.max())
    p /= p.sum()
    return -float(y @ np.log(p)), h, p


def test_the_relu_network_claims_are_right_where_y_sums_to_one():
    vs = matcalc.check_all(NET)
    assert [v.status for v in vs] == ["wrong", "wrong"]
    assert all("right if the entries of $y$ sum to 1" in v.reason for v in vs)
    rng = np.random.default_rng(0)
    d, h, k = 4, 5, 3
    W1, W2, x = rng.normal(size=(h, d)), rng.normal(size=(k, h)), rng.normal(size=d)
    for y, right in ((np.eye(k)[1], True), (rng.normal(size=k), False)):
        _, hid, p = _net(W1, W2, x, y)
        claim2 = np.outer(p - y, hid)
        claim1 = np.outer((W2.T @ (p - y)) * (W1 @ x > 0), x)
        g2 = central(lambda W: _net(W1, W, x, y)[0], W2)
        g1 = central(lambda W: _net(W, W2, x, y)[0], W1)
        assert np.allclose(claim2, g2, atol=1e-5) == right
        assert np.allclose(claim1, g1, atol=1e-5) == right


def test_a_one_hot_matrix_by_columns():
    doc = (r"Z, Y \in \mathbb{R}^{k \times n} \\ "
           r"L = -\sum_{i=1}^{n} \sum_{j=1}^{k} Y_{ji} \log \operatorname{softmax}(Z^T)_{ij}")
    r = matcalc.check(doc, "Z", r"\operatorname{softmax}(Z^T)^T - Y")
    assert not r.ok and "each column of $Y$ sums to 1" in r.how
