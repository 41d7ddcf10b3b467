"""Matrix literals written entry by entry (issue 8): ``\\begin{pmatrix} a & b \\\\ c & d
\\end{pmatrix}`` and its bmatrix / matrix / array{cc} spellings. Gradients are checked
against central differences of independent NumPy objectives; ragged rows and block
entries are refused with a location; a printed gradient reads back through `check`."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient, refused

QUAD = r"""x \in \mathbb{R}^2, a, b, c, d \in \mathbb{R}
f = x^T \begin{pmatrix} a & b \\ c & d \end{pmatrix} x"""


def _quad(x, a, b, c, d):
    return x @ np.array([[a, b], [c, d]]) @ x


@pytest.mark.parametrize("wrt", ["x", "a", "b"])
def test_quadratic_form_of_a_literal(wrt):
    check_gradient(QUAD, wrt, f=_quad)


@pytest.mark.parametrize("env", ["pmatrix", "bmatrix", "matrix", "Bmatrix"])
def test_rotation_literal_wrt_angle(env):
    doc = (r"t \in \mathbb{R}, u, v \in \mathbb{R}^2" "\n"
           rf"f = u^T \begin{{{env}}}\cos t & -\sin t \\ \sin t & \cos t\end{{{env}}} v")

    def f(t, u, v):
        return u @ np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]]) @ v
    check_gradient(doc, "t", f=f)


def test_array_environment_with_a_column_spec():
    doc = (r"x \in \mathbb{R}^3, s \in \mathbb{R}" "\n"
           r"f = \|\left[\begin{array}{ccc} s & 2 & 0 \\ 1 & s^2 & x_3 \end{array}\right] x\|^2")

    def f(x, s):
        M = np.array([[s, 2, 0], [1, s ** 2, x[2]]])
        return np.sum((M @ x) ** 2)
    check_gradient(doc, "x", f=f)
    check_gradient(doc, "s", f=f)


def test_entries_of_a_vector_inside_a_literal():
    doc = (r"x \in \mathbb{R}^2, y \in \mathbb{R}^3" "\n"
           r"f = y^T \begin{pmatrix} x_1 & x_2 \\ x_2^2 & 1 \\ x_1 x_2 & \exp(x_1) \end{pmatrix} x")

    def f(x, y):
        M = np.array([[x[0], x[1]], [x[1] ** 2, 1], [x[0] * x[1], np.exp(x[0])]])
        return y @ M @ x
    check_gradient(doc, "x", f=f)


def test_one_row_is_a_row_vector_and_one_column_a_column_vector():
    doc = (r"x \in \mathbb{R}^2, a, b \in \mathbb{R}" "\n"
           r"f = \begin{pmatrix} a & b \end{pmatrix} x + x^T \begin{pmatrix} b \\ a^2 \end{pmatrix}")

    def f(x, a, b):
        return np.array([a, b]) @ x + x @ np.array([b, a ** 2])
    check_gradient(doc, "x", f=f)
    check_gradient(doc, "a", f=f)


def test_a_literal_as_a_definition():
    doc = (r"x \in \mathbb{R}^2, t \in \mathbb{R}" "\n"
           r"R = \begin{bmatrix}\cos t & -\sin t \\ \sin t & \cos t\end{bmatrix}" "\n"
           r"f = \|R x - x\|^2")

    def f(x, t):
        R = np.array([[np.cos(t), -np.sin(t)], [np.sin(t), np.cos(t)]])
        return np.sum((R @ x - x) ** 2)
    check_gradient(doc, "t", f=f)
    check_gradient(doc, "x", f=f)


def test_ragged_rows_are_refused_naming_the_row():
    doc = (r"x \in \mathbb{R}^2, a, b, c \in \mathbb{R}" "\n"
           r"f = x^T \begin{pmatrix} a & b \\ c \end{pmatrix} x")
    refused(doc, "x", "row 2", "has 1 entry", "row 1 has 2")


def test_block_entries_are_refused():
    doc = (r"x, y \in \mathbb{R}^2, a \in \mathbb{R}" "\n"
           r"f = \begin{pmatrix} x & y \\ a & a \end{pmatrix}^T x")
    refused(doc, "x", "must be a scalar", "block")


def test_a_bracketed_list_in_a_formula_is_still_refused():
    # [a, b]: a row or a column? Only an array environment says which.
    doc = r"x \in \mathbb{R}^2, a, b \in \mathbb{R}" "\n" r"f = x^T [a, b]"
    refused(doc, "x", "stacked vector")


ROT = (r"t \in \mathbb{R}, u, v \in \mathbb{R}^2" "\n"
       r"f = u^T \begin{bmatrix}\cos t & -\sin t \\ \sin t & \cos t\end{bmatrix} v")
ENTRIES = (r"x \in \mathbb{R}^2, y \in \mathbb{R}^2" "\n"
           r"f = y^T \begin{pmatrix} x_1 & x_2^2 \\ 3 & x_1 x_2 \end{pmatrix} x")


@pytest.mark.parametrize("doc,wrt", [(QUAD, "x"), (QUAD, "a"), (ROT, "u"), (ROT, "t"),
                                     (ENTRIES, "x"), (ENTRIES, "y")])
def test_printed_gradient_reads_back(doc, wrt):
    g = matcalc.gradient(doc, wrt)
    assert matcalc.check(doc, wrt, claim=g.latex()).ok, g.latex()
    # a wrong claim is not accepted: the same literal with one entry changed
    wrong = g.latex().replace("pmatrix} ", "pmatrix} 7 + ", 1)
    if wrong != g.latex():
        assert not matcalc.check(doc, wrt, claim=wrong).ok, wrong


def test_a_literal_in_a_gradient_prints_as_a_pmatrix():
    g = matcalc.gradient(QUAD, "x")
    assert r"\begin{pmatrix}" in g.latex(), g.latex()


def test_a_column_and_a_row_literal_as_definitions():
    doc = (r"a, b \in \mathbb{R}, x \in \mathbb{R}^2" "\n"
           r"v = \begin{pmatrix} a \\ b^2 \end{pmatrix}, r = \begin{pmatrix} b & a \end{pmatrix}" "\n"
           r"f = v^T x + r x \cdot a")

    def f(a, b, x):
        return np.array([a, b ** 2]) @ x + (np.array([b, a]) @ x) * a
    check_gradient(doc, "a", f=f)
    check_gradient(doc, "x", f=f)


def test_a_row_literal_keeps_its_orientation():
    doc = (r"a, b \in \mathbb{R}, x \in \mathbb{R}^2" "\n"
           r"r = \begin{pmatrix} a & b \end{pmatrix}" "\n" r"f = x^T r")
    refused(doc, "a", "row vector")
