"""Powers whose exponent is an entry or an array: ``p_i^{y_i}`` (every Bernoulli
likelihood), ``\\alpha^{x_i}``, ``x^{\\circ y}``. Each gradient is compared with central
finite differences of an independent NumPy objective written here (float64), and the
printed gradient is read back by check() as a right claim; a wrong claim is judged wrong.
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_gradient, refused

import matcalc


def sigmoid(t):
    return 1.0 / (1.0 + np.exp(-t))


BERNOULLI = r"""$X \in \mathbb{R}^{n\times d}, w \in \mathbb{R}^d, y \in \mathbb{R}^n$
$p_i = \sigma(X_i^T w)$
$L = -\log \left(\prod_{i=1}^n p_i^{y_i}(1-p_i)^{1-y_i}\right)$
"""


def bernoulli(X, w, y):
    p = sigmoid(X @ w)
    return -np.log(np.prod(p ** y * (1 - p) ** (1 - y)))


CASES = [
    # (document, wrt, independent objective)
    (BERNOULLI, "w", bernoulli),
    (BERNOULLI, "y", bernoulli),
    ("$x \\in \\mathbb{R}^n, \\alpha \\in \\mathbb{R}$\n$f = \\sum_i (1+\\alpha^2)^{x_i}$\n",
     "x", lambda x, alpha: np.sum((1 + alpha ** 2) ** x)),
    ("$x \\in \\mathbb{R}^n, \\alpha \\in \\mathbb{R}$\n$f = \\sum_i (1+\\alpha^2)^{x_i}$\n",
     "\\alpha", lambda x, alpha: np.sum((1 + alpha ** 2) ** x)),
    # base and exponent over different indices: the power spreads over both
    ("$a \\in \\mathbb{R}^n, b \\in \\mathbb{R}^m$\n"
     "$f = \\sum_i \\sum_j (1 + a_i^2)^{b_j}$\n",
     "a", lambda a, b: np.sum((1 + a[:, None] ** 2) ** b[None, :])),
    ("$a \\in \\mathbb{R}^n, b \\in \\mathbb{R}^m$\n"
     "$f = \\sum_i \\sum_j (1 + a_i^2)^{b_j}$\n",
     "b", lambda a, b: np.sum((1 + a[:, None] ** 2) ** b[None, :])),
    # matrix notation: the Hadamard power with an exponent of the base's shape
    ("$x \\in \\mathbb{R}^n, y \\in \\mathbb{R}^n$\n$f = \\mathbf{1}^T (\\exp(x)^{\\circ y})$\n",
     "x", lambda x, y: np.sum(np.exp(x) ** y)),
    ("$x \\in \\mathbb{R}^n, y \\in \\mathbb{R}^n$\n$f = \\mathbf{1}^T (\\exp(x)^{\\circ y})$\n",
     "y", lambda x, y: np.sum(np.exp(x) ** y)),
]


@pytest.mark.parametrize("doc, wrt, f", CASES)
def test_entry_power_gradient(doc, wrt, f):
    g = check_gradient(doc, wrt, f=f)
    # what matcalc prints it reads back as a right claim
    res = matcalc.check(doc, wrt, claim=g.latex())
    assert res.ok, (g.latex(), res.message)


def test_wrong_claim_is_wrong():
    # the exponent's own derivative log(p) left out: not the gradient wrt y
    res = matcalc.check(BERNOULLI, "y", claim=r"-\log(p) \odot \mathbf{1}")
    assert not res.ok


def test_bernoulli_gradient_is_the_textbook_one():
    g = matcalc.gradient(BERNOULLI, "w")
    fn = g.to_numpy()
    rng = np.random.default_rng(3)
    X, w, y = rng.normal(size=(7, 3)), rng.normal(size=3), rng.integers(0, 2, 7).astype(float)
    got = fn(X=X, w=w, y=y)
    assert np.allclose(got, X.T @ (sigmoid(X @ w) - y), rtol=1e-9, atol=1e-12)


def test_hadamard_power_of_other_shape_refused():
    refused("$x \\in \\mathbb{R}^n, y \\in \\mathbb{R}^m$\n$f = \\mathbf{1}^T (x^{\\circ y})$\n",
            "x", "Hadamard power")


def test_matrix_power_with_array_exponent_refused():
    refused("$X \\in \\mathbb{R}^{n\\times n}, y \\in \\mathbb{R}^n$\n"
            "$f = \\operatorname{Tr}(X^{y})$\n", "X", "exponent must be a scalar")


# ------------------------------------------------ a function applied to a \sum / \prod

LSE = "$x \\in \\mathbb{R}^n, y \\in \\mathbb{R}^n$\n"


@pytest.mark.parametrize("body, f", [
    # the log takes the whole sum; the sum its Hadamard-level term; + ends both
    (r"f = \log \sum_j \exp(x_j)", lambda x, y: np.log(np.sum(np.exp(x)))),
    (r"f = \sum_i y_i x_i - \log \sum_j e^{x_j} + \log \sum_j x_j^2",
     lambda x, y: y @ x - np.log(np.sum(np.exp(x))) + np.log(np.sum(x ** 2))),
    (r"f = \sqrt \sum_j x_j^2 y_j^2", lambda x, y: np.sqrt(np.sum(x ** 2 * y ** 2))),
    (r"f = \log \prod_j (1 + x_j^2) - x^T y", lambda x, y: np.log(np.prod(1 + x ** 2)) - x @ y),
])
def test_function_of_a_big_operator(body, f):
    doc = LSE + f"${body}$\n"
    g = check_gradient(doc, "x", f=f)
    assert matcalc.check(doc, "x", claim=g.latex()).ok


def test_bernoulli_without_parentheses_is_the_same():
    doc = BERNOULLI.replace(r"\left(", "").replace(r"\right)", "")
    assert r"-\log \prod" in doc
    check_gradient(doc, "w", f=bernoulli)
