"""Division by a vector or a matrix, as posts write it (issue 8): ``\\frac{1}{1+e^{-Xw}}``
for the sigmoid of a vector (corpus 105). A vector in a denominator has no matrix meaning,
so a scalar over a vector, and two vectors (or non-square matrices) of one shape, are the
entrywise quotient -- read so and noted. Over a square matrix the matrix inverse is a
second reading (a B^{-1}, A B^{-1}): refused, naming both; a vector over a matrix or a
matrix over a vector is refused."""
import numpy as np
import pytest
from helpers import check_gradient, refused
from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc

SIG = r"$X \in \mathbb{R}^{n \times d}, w \in \mathbb{R}^d, y \in \mathbb{R}^n$ "


def sig(t):
    return 1.0 / (1.0 + np.exp(-t))


def _noted(g, *pieces):
    assert any(n.kind == "inferred" and "read entrywise" in n.reason and
               all(p in n.reason for p in pieces) for n in g.notes), g.notes


@pytest.mark.parametrize("doc, f", [
    # the sigmoid of a vector written as 1 over it (corpus 105), as \frac and as a slash
    (SIG + r"$h = \frac{1}{1+e^{-Xw}}$ $f = \|y - h\|^2$",
     lambda X, w, y: float(np.sum((y - sig(X @ w)) ** 2))),
    (SIG + r"$f = \mathbf{1}^T \left(2 / (1 + \exp(-Xw))\right)$",
     lambda X, w, y: float(np.sum(2 * sig(X @ w)))),
    # the ones vector over a vector takes its size
    (SIG + r"$f = y^T \frac{\mathbf{1}}{1+e^{-Xw}}$",
     lambda X, w, y: float(y @ sig(X @ w))),
    # a vector over a vector of the same length
    (SIG + r"$f = y^T \frac{Xw}{1 + (Xw) \odot (Xw)}$",
     lambda X, w, y: float(y @ ((X @ w) / (1 + (X @ w) ** 2)))),
    # a scalar expression over a vector
    (SIG + r"$f = \mathbf{1}^T \frac{w^T w}{2 + \exp(Xw)}$",
     lambda X, w, y: float(np.sum((w @ w) / (2 + np.exp(X @ w))))),
])
def test_quotient_by_a_vector_is_entrywise(doc, f):
    g = check_gradient(doc, "w", f=f)
    _noted(g, "column vector of length n", "\\oslash")


def test_a_row_vector_over_a_row_vector():
    doc = r"$u, v \in \mathbb{R}^n$ $f = \frac{u^T}{1 + \exp(v^T)} v$"
    g = check_gradient(doc, "v", f=lambda u, v: float((u / (1 + np.exp(v))) @ v))
    _noted(g, "row vector of length n")


def test_over_a_matrix_that_is_not_square():
    """An n×k matrix has no inverse: a scalar or an n×k matrix over it is entrywise."""
    doc = (r"$X \in \mathbb{R}^{n \times k}, Y \in \mathbb{R}^{n \times k}$ "
           r"$f = \mathrm{tr}\left(Y^T \frac{1}{1 + \exp(-X)}\right) + \mathrm{tr}(Y^T (X / (1 + X \odot X)))$")
    g = check_gradient(doc, "X", f=lambda X, Y: float(
        np.sum(Y * sig(X)) + np.sum(Y * X / (1 + X * X))))
    _noted(g, "not square")


def test_inside_a_sum_over_a_family():
    doc = (r"$x_i \in \mathbb{R}^d, i = 1, \dots, m$, $w \in \mathbb{R}^d$ "
           r"$f = \sum_{i=1}^m \mathbf{1}^T \frac{1}{1 + \exp(-w \odot x_i)}$")
    check_gradient(doc, "w", f=lambda x, w: float(np.sum(sig(w * x))))


def test_a_claim_reads_the_quotient_too():
    doc = SIG + r"$f = \mathbf{1}^T \frac{1}{1+e^{-Xw}}$"
    g = matcalc.gradient(doc, "w")
    assert matcalc.check(doc, "w", claim=g.latex()).ok
    assert matcalc.check(doc, "w", claim=r"X^T \left(\sigma(Xw) \odot (1 - \sigma(Xw))\right)").ok
    assert not matcalc.check(doc, "w", claim=r"X^T \sigma(Xw)").ok


SQ = r"$A, B \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n, C \in \mathbb{R}^{n \times k}$ "


@pytest.mark.parametrize("formula, wrt, pieces", [
    # over a square matrix: the matrix inverse is a second reading with other numbers
    (r"f = \mathrm{tr}(A / B)", "A", ("two readings", "A (B)^{-1}", "A \\oslash B")),
    (r"f = \mathrm{tr}\left(\frac{1}{B}\right)", "B", ("two readings", "1 (B)^{-1}",
                                                        "1 \\oslash B")),
    # no reading in ordinary notation
    (r"f = \mathbf{1}^T (x / A) ", "x", ("cannot divide a column vector of length n by a n×n",)),
    (r"f = \mathbf{1}^T \frac{A}{x} \mathbf{1}", "x", ("cannot divide a n×n matrix by a column",)),
    (r"f = \mathbf{1}^T \frac{x}{x^T} \mathbf{1}", "x", ("by a row vector of length n",)),
    (r"f = \mathbf{1}^T (C / A) \mathbf{1}", "C", ("cannot divide a n×k matrix by a n×n",)),
    (r"f = \mathbf{1}^T (x / \mathbf{1})", "x", ("cannot divide", "vector of ones")),
])
def test_quotients_without_one_reading_are_refused(formula, wrt, pieces):
    e = refused(SQ + f"${formula}$", wrt, *pieces)
    assert e.line == 1


@settings(max_examples=25, deadline=None)
@given(num=st.sampled_from([("1", "s"), (r"\alpha", "s"), ("y", "v"), ("(y \\odot y)", "v")]),
       den=st.sampled_from(["1 + \\exp(x)", "2 + x \\odot x", "\\exp(-x)",
                            "1 + \\sigma(x)"]),
       slash=st.booleans())
def test_quotient_is_the_written_oslash(num, den, slash):
    """`N / D` and `\\frac{N}{D}` with D a vector give the numbers of `N \\oslash (D)`."""
    head = r"$x, y \in \mathbb{R}^n, \alpha \in \mathbb{R}$ "
    n, _ = num
    quotient = f"{n} / ({den})" if slash else f"\\frac{{{n}}}{{{den}}}"
    g = matcalc.gradient(head + f"$f = \\mathbf{{1}}^T \\left({quotient}\\right)$", "x")
    h = matcalc.gradient(head + f"$f = \\mathbf{{1}}^T \\left({n} \\oslash ({den})\\right)$", "x")
    rng = np.random.default_rng(1)
    kw = dict(x=rng.standard_normal(3), y=rng.standard_normal(3), alpha=0.7)
    kw = {k: v for k, v in kw.items() if k in g.inputs.values()}
    assert np.allclose(g.to_numpy()(**kw), h.to_numpy()(**kw), rtol=1e-12)
    assert np.allclose(g.objective_numpy()(**kw), h.objective_numpy()(**kw), rtol=1e-12)
