"""``X_i`` of an n×d matrix is row i of X; which way it stands, a column vector of length d
(``X_i^T w``) or a row vector 1×d (``X_i W``, corpus 107), is read from the shapes
(`lower/rows.py`): the one reading whose shapes agree is taken (the row reading noted),
and where both agree with different numbers the document is refused naming both."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc
from helpers import check_gradient

XW = r"$X \in \mathbb{R}^{n \times d}, W \in \mathbb{R}^{d \times K}, y \in \mathbb{R}^{n\times K}$" "\n"


def lse(Z):
    m = Z.max(axis=1, keepdims=True)
    return (m + np.log(np.exp(Z - m).sum(axis=1, keepdims=True)))[:, 0]


@pytest.mark.parametrize("body, f", [
    (r"$f = \sum_{i=1}^{n} \|X_i W - y_i\|^2$", lambda X, W, y: np.sum((X @ W - y) ** 2)),
    (r"$f = -\sum_{i=1}^{n} \sum_{k=1}^{K} y_{ik} \log(\text{softmax}(X_i W)_k)$",
     lambda X, W, y: -np.sum(y * (X @ W - lse(X @ W)[:, None]))),
    (r"$p_i = \text{softmax}(X_i W)$" "\n" r"$f = -\frac{1}{n}\sum_{i=1}^{n} \sum_{k=1}^{K} y_{ik} \log p_{ik}$",
     lambda X, W, y: -np.sum(y * (X @ W - lse(X @ W)[:, None])) / X.shape[0]),
])
def test_a_row_where_only_the_row_reading_fits(body, f):
    g = check_gradient(XW + body, "W", f=f)
    said = [n.reason for n in g.notes if "read as a row vector (1×d)" in n.reason]
    assert len(said) == 1 and said[0].startswith("X_{i}: row i of X")
    assert g.problem.member_rows == "row"
    assert matcalc.check(XW + body, "W", claim=g.latex()).ok


@pytest.mark.parametrize("doc, wrt, f", [
    (r"$X \in \mathbb{R}^{n \times d}, w \in \mathbb{R}^{d}$" "\n"
     r"$f = \sum_{i=1}^{n} \log(1+\exp(X_i^T w))$", "w",
     lambda X, w: np.sum(np.log1p(np.exp(X @ w)))),
    (r"$X \in \mathbb{R}^{n \times d}, A \in \mathbb{R}^{d \times d}$" "\n"
     r"$f = \sum_{i=1}^{n} X_i^T A X_i$", "A", lambda X, A: np.einsum("ij,jk,ik", X, A, X)),
    # both readings agree on the number: the column reading, as always, without a note
    (r"$X \in \mathbb{R}^{n \times d}$" "\n" r"$f = \sum_{i=1}^{n} \|X_i\|^2$", "X",
     lambda X: np.sum(X ** 2)),
])
def test_the_column_reading_stays_where_it_fits(doc, wrt, f):
    g = check_gradient(doc, wrt, f=f)
    assert g.problem.member_rows == "column"
    assert not any("read as a row vector" in n.reason for n in g.notes)


def test_a_row_times_a_matrix_times_its_transpose():
    doc = (r"$X \in \mathbb{R}^{n \times d}, A \in \mathbb{R}^{d \times d}$" "\n"
           r"$f = \sum_{i=1}^{n} X_i A X_i^T$")
    check_gradient(doc, "A", f=lambda X, A: np.einsum("ij,jk,ik", X, A, X))


@pytest.mark.parametrize("doc", [
    # S: d×d outer products (columns), or a number (rows); tr(S A) takes either
    r"$X \in \mathbb{R}^{n \times d}, A \in \mathbb{R}^{d \times d}$" "\n"
    r"$S = \sum_{i=1}^{n} X_i X_i^T$" "\n" r"$f = \mathrm{tr}(S A)$",
    # a square X: X_i^T X_i is a number (columns) or an n×n matrix (rows)
    r"$X \in \mathbb{R}^{n \times n}, A \in \mathbb{R}^{n \times n}$" "\n"
    r"$f = \mathrm{tr}(A \sum_{i=1}^{n} X_i^T X_i)$",
])
def test_both_readings_fit_with_different_numbers_is_refused(doc):
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, "A")
    msg = str(err.value)
    assert "two readings" in msg and "as a column vector of length" in msg \
        and "as a row vector 1×" in msg, msg
    assert err.value.line in (2, 3)


def test_mixed_orientations_are_refused_with_the_column_error():
    doc = (r"$X \in \mathbb{R}^{n \times d}, W \in \mathbb{R}^{d \times K}, w \in \mathbb{R}^d$"
           "\n" r"$f = \sum_{i=1}^{n} \|X_i W\|^2 + X_i^T w$")
    with pytest.raises(matcalc.ShapeError, match="cannot multiply a column vector"):
        matcalc.gradient(doc, "W")


def test_a_family_member_is_not_reoriented():
    # x_i a declared family of vectors: a column each, never a row of a matrix
    doc = (r"$x_i \in \mathbb{R}^{d}, i = 1, \dots, n, W \in \mathbb{R}^{d \times K}$" "\n"
           r"$f = \sum_{i=1}^{n} \|W^T x_i\|^2$")
    g = check_gradient(doc, "W", f=lambda x, W: np.sum((x @ W) ** 2))
    assert not any("read as a row vector" in n.reason for n in g.notes)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 50), bold=st.booleans(), numbered=st.booleans())
def test_row_reading_matches_finite_differences(seed, bold, numbered):
    X = r"\mathbf{X}" if bold else "X"
    i = "1" if numbered else "i"
    body = (rf"$f = \|{X}_{i} W - c^T\|^2$" if numbered else
            rf"$f = \sum_{{i=1}}^{{n}} \|{X}_{i} W - c^T\|^2$")
    doc = (rf"${X} \in \mathbb{{R}}^{{n \times d}}, W \in \mathbb{{R}}^{{d \times K}}, "
           rf"c \in \mathbb{{R}}^{{K}}$" "\n" + body)
    rows = (lambda X: X[:1]) if numbered else (lambda X: X)
    check_gradient(doc, "W", f=lambda X, W, c: np.sum((rows(X) @ W - c) ** 2), seed=seed)


@pytest.mark.parametrize("body", [
    r"$f = \sum_{i=1}^{n} \exp(X_i^T w)$",      # row i or column i, as a column vector
    r"$f = \exp(X_1^T w)$",
    r"$f = \sum_{i=1}^{n} (X_i W w)^2$",       # as a row vector: W is n×n here
])
def test_a_square_matrix_row_or_column_is_refused(body):
    doc = (r"$X \in \mathbb{R}^{n \times n}, W \in \mathbb{R}^{n \times n}, "
           r"w \in \mathbb{R}^{n}$" "\n" + body)
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, "w")
    msg = str(err.value)
    assert "two readings" in msg and "or column" in msg and "square matrix X" in msg, msg
    assert err.value.line == 2


def test_a_square_matrix_where_rows_and_columns_agree():
    doc = r"$X \in \mathbb{R}^{n \times n}$" "\n" r"$f = \sum_{i=1}^{n} \|X_i\|^2$"
    check_gradient(doc, "X", f=lambda X: np.sum(X ** 2))
