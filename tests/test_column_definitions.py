"""A column of names set equal to a column of expressions (issue 8; lower/columns.py):
``(e_1 \\vdots e_n) = (E_1 \\vdots E_n)`` defines e entrywise from the rows' one pattern
(corpus 084's reprojection errors), ``(a \\\\ b) = (.. \\\\ ..)`` defines a and b. Rows that
follow no one pattern define nothing.

Every derived gradient is checked against central finite differences of an independent
NumPy objective written here (`helpers.check_gradient`).
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_gradient, refused

DECL = r"$x, y \in \mathbb{R}^n, A \in \mathbb{R}^{n \times n}$" + "\n"


def col(*rows):
    return r"\begin{pmatrix} " + r" \\ ".join(rows) + r" \end{pmatrix}"


ELIDED = "$$" + col("e_1", r"\vdots", "e_n") + " = " + \
    col("(x_1 - y_1)^2", r"\vdots", "(x_n - y_n)^2") + "$$\n"


def test_an_elided_column_defines_the_vector_entrywise():
    g = check_gradient(DECL + ELIDED + r"$$f = e^Te + \sum_{i=1}^n e_i$$", "x",
                       lambda x, y, A: float(np.sum((x - y) ** 4) + np.sum((x - y) ** 2)))
    assert any("entrywise definition of e" in n.reason for n in g.notes)


def test_the_pattern_keeps_a_1_that_is_no_subscript():
    doc = DECL + "$$" + col("e_1", r"\vdots", "e_n") + " = " + \
        col(r"(x_1 - 1)^2", r"\vdots", r"(x_n - 1)^2") + "$$\n" + r"$$f = e^T A e$$"

    def ref(x, y, A):
        e = (x - 1) ** 2
        return float(e @ A @ e)
    check_gradient(doc, "x", ref)


def test_the_index_letter_is_one_the_document_does_not_use():
    doc = DECL + ELIDED + r"$$f = \sum_{j=1}^n e_j x_j$$"
    check_gradient(doc, "x", lambda x, y, A: float(np.sum((x - y) ** 2 * x)))


def test_a_row_written_out_between_must_follow_the_pattern():
    good = DECL + "$$" + col("e_1", "e_2", r"\vdots", "e_n") + " = " + \
        col("(x_1 - y_1)^2", "(x_2 - y_2)^2", r"\vdots", "(x_n - y_n)^2") + "$$\n" + \
        r"$$f = e^Te$$"
    check_gradient(good, "x", lambda x, y, A: float(np.sum((x - y) ** 4)))
    bad = good.replace("(x_2 - y_2)^2", "(x_2 + y_2)^2")
    refused(bad, "x", "unknown name e")


def test_rows_that_follow_no_pattern_define_nothing():
    doc = DECL + "$$" + col("e_1", r"\vdots", "e_n") + " = " + \
        col("(x_1 - y_1)^2", r"\vdots", "(y_n - x_n)^3") + "$$\n" + r"$$f = e^Te$$"
    refused(doc, "x", "unknown name e")


@pytest.mark.parametrize("first", ["e_0", "e_2", "d_1"])
def test_a_column_not_numbered_from_1_of_one_name_defines_nothing(first):
    doc = DECL + "$$" + col(first, r"\vdots", "e_n") + " = " + \
        col("(x_1 - y_1)^2", r"\vdots", "(x_n - y_n)^2") + "$$\n" + r"$$f = e^Te$$"
    refused(doc, "x", "unknown name e")


def test_a_column_of_plain_names_defines_each():
    doc = DECL + "$$" + col("a", "b") + " = " + col("x^Tx", "y^Tx") + "$$\n" + \
        r"$$f = a b + a$$"
    check_gradient(doc, "x", lambda x, y, A: float((x @ x) * (y @ x) + x @ x))


def test_a_power_of_the_defined_vector_stays_ambiguous():
    # 084's \min_\Delta e^2: e a vector, e^2 has two readings (entrywise, or the norm)
    doc = DECL + ELIDED + r"$$\min_x e^2$$"
    refused(doc, "x", "a power of a vector is ambiguous")
