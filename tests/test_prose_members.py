"""Members named in a sentence as the rows or columns of a matrix: "where $a_i^T$ is the
$i$-th row of $A$", "$x_j$ denotes the $j$th column of the matrix $X$". The member is that
row (column) of the matrix, so the gradient with respect to the MATRIX has the data term
(a new vector a would leave A unused: a zero gradient). Every gradient is compared with
central differences of an independent NumPy reference."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import matcalc
from matcalc import MatcalcError

from helpers import check_gradient

ROWS = (r"$x \in \mathbb{R}^n$, $A \in \mathbb{R}^{m \times n}$, $b \in \mathbb{R}^m$" "\n"
        r"$f(x) = \sum_{i=1}^m \sqrt{1 + (a_i^T x - b_i)^2}$ where {SENTENCE}" "\n")


def pseudo_huber(x, A, b):
    return float(np.sum(np.sqrt(1 + (A @ x - b) ** 2)))


@pytest.mark.parametrize("sentence", [
    r"$a_i^T$ is the $i$-th row of $A$",
    r"$a_i^T$ denotes the $i$th row of $A$",
    r"$a_i^T$ is the $i^{th}$ row of the matrix $A$",
    r"$a_i^T$ is the i-th row of $A$",
    r"$a_i$ is the $i$-th row of $A$",          # untransposed: the shapes orient it
])
@pytest.mark.parametrize("wrt", ["x", "A"])
def test_a_member_stated_as_a_row(sentence, wrt):
    g = check_gradient(ROWS.replace("{SENTENCE}", sentence), wrt, f=pseudo_huber)
    assert any("row i of A" in n.reason and "as the text says" in n.reason for n in g.notes)


COLUMNS = (r"Let $w \in \mathbb{R}^d$, $X \in \mathbb{R}^{d \times n}$, $y \in \mathbb{R}^n$, "
           r"and let $x_j$ denote the $j$th column of the matrix $X$." "\n"
           r"$$L(w) = \sum_{j=1}^{n} \log\left(1 + \exp(-y_j w^T x_j)\right)$$" "\n")


def logistic(w, X, y):
    return float(np.sum(np.log1p(np.exp(-y * (w @ X)))))


@pytest.mark.parametrize("wrt", ["w", "X"])
def test_a_member_stated_as_a_column(wrt):
    g = check_gradient(COLUMNS, wrt, f=logistic)
    assert any("column j of X" in n.reason for n in g.notes)


def test_a_declared_member_beside_the_sentence_is_refused():
    doc = ROWS.replace("{SENTENCE}", r"$a_i^T$ is the $i$-th row of $A$") + \
        r"$a_i \in \mathbb{R}^n$"
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="A")
    assert "two readings" in str(e.value)


def test_a_sentence_about_a_matrix_the_document_lacks_is_refused():
    doc = ROWS.replace("{SENTENCE}", r"$a_i^T$ is the $i$-th row of $B$")
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="x")
    assert "B" in str(e.value) and e.value.line == 2


def test_another_index_letter_is_no_statement():
    doc = ROWS.replace("{SENTENCE}", r"$a_i^T$ is the $j$-th row of $A$")
    with pytest.raises(MatcalcError):
        matcalc.gradient(doc, wrt="A")


@settings(max_examples=20, deadline=None)
@given(axis=st.sampled_from(["row", "column"]), letter=st.sampled_from("ijk"),
       ordinal=st.sampled_from(["${l}$-th", "${l}$th", "{l}-th", "${l}^{{th}}$"]),
       seed=st.integers(0, 50))
def test_property_rows_and_columns_in_words(axis, letter, ordinal, seed):
    """f = \\sum_l (c_l^T v)^2 with c_l a row (or column) of C in words: the gradient wrt C
    is that of \\|C v\\|^2 (or \\|C^T v\\|^2)."""
    shape = r"m \times n" if axis == "row" else r"n \times m"
    doc = (rf"$v \in \mathbb{{R}}^n$, $C \in \mathbb{{R}}^{{{shape}}}$" "\n"
           rf"$f = \sum_{{{letter}=1}}^{{m}} (c_{letter}^T v)^2$, where $c_{letter}$ is the "
           + ordinal.format(l=letter) + rf" {axis} of $C$" "\n")
    ref = (lambda v, C: float(np.sum((C @ v) ** 2))) if axis == "row" else \
        (lambda v, C: float(np.sum((C.T @ v) ** 2)))
    check_gradient(doc, "C", f=ref, seed=seed)
