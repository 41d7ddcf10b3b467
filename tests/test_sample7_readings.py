"""Readings found by the seventh corpus sample (tests/realworld 220-229: the matrix-calculus
questions asked most -- traces, inverses, determinants, softmax layers, RNNs, mixtures),
each on small documents of our own, gradients checked by central finite differences in
float64 at random inputs against hand-written NumPy references (helpers.check_gradient):

- Markdown's escaped subscript ``\\_`` (``\\mathbf{h}\\_{t}``, as Hugo / kramdown / Jekyll
  posts write TeX so that ``_`` opens no emphasis) is read as the ``_`` the page renders,
  noted; a ``\\_`` before no script operand stays a located refusal (228: "unknown command
  \\_");
- a definition written with a defining sign (``f(X) := ...``) is the name's definition: a
  later ``f = ...`` that writes a name the document never introduces is a restatement,
  noted, not a rival; without a defining sign the two stay rivals, refused (220: "f is
  defined twice, and this definition cannot be compared");
- a one-column array of equations that is the whole formula (``\\begin{array}{l} h = ...
  \\\\\\\\ f = ... \\end{array}``) is the rows of a display, as it renders, noted; an array
  used as an operand, or whose rows are no equations, stays an array (228: "unexpected =");
- an objective the user names that no definition gives is refused at a place: an entry of
  a defined vector (``y_i`` after ``y = ...``) at the vector's definition, a text written
  only inside a derivative at its first occurrence (225, 227: refused without a place).
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import central, check_gradient, refused


def _noted(g, piece):
    return any(piece in str(n) for n in g.notes)


# ------------------------------------------------------- Markdown's escaped subscript
def ref_quad_family(x_t, A):
    return float(x_t @ A @ x_t)


@pytest.mark.parametrize("sub", [r"x\_{t}", r"x\_t", r"x\_ {t}"])
def test_markdown_escaped_subscript_reads_as_subscript(sub):
    doc = (rf"$A \in \mathbb{{R}}^{{n \times n}}, {sub} \in \mathbb{{R}}^n$" "\n"
           rf"$$ f = {sub}^T A {sub} $$")
    g = check_gradient(doc, "x_{t}", f=ref_quad_family)
    assert _noted(g, "Markdown's escape"), g.notes


def ref_layer(W_hz, h, b_z):
    return float(np.sum(np.tanh(W_hz @ h + b_z) ** 2))


def test_markdown_escaped_subscripts_in_a_layer_match_unescaped():
    escaped = (r"$W\_{hz} \in \mathbb{R}^{m \times n}, \mathbf{h} \in \mathbb{R}^n, "
               r"\mathbf{b}\_{z} \in \mathbb{R}^m$" "\n"
               r"$$ L = \|\tanh(W\_{hz} \mathbf{h}+\mathbf{b}\_{z})\|^2 $$")
    g1 = check_gradient(escaped, "W_{hz}", f=ref_layer, objective="L")
    g2 = check_gradient(escaped.replace("\\_", "_"), "W_{hz}", f=ref_layer, objective="L")
    assert g1.inputs == g2.inputs
    assert _noted(g1, "Markdown's escape") and not _noted(g2, "Markdown's escape")


def test_escaped_underscore_before_no_operand_stays_refused():
    doc = r"$x \in \mathbb{R}^n$" "\n" r"$$ f = x^T x \_ $$"
    refused(doc, "x", "\\_")


# ------------------------------------------------------- f := ... and a restatement
def ref_trace_xtx(X, A):
    M = X.T @ X - A
    return float(np.trace(M.T @ M))


@pytest.mark.parametrize("sign", [":=", r"\coloneqq", r"\triangleq"])
def test_defining_sign_beats_a_restatement_with_a_name_never_introduced(sign):
    doc = (r"$X \in \mathbb{R}^{m \times n}, A \in \mathbb{R}^{n \times n}$" "\n"
           rf"$$f(X) {sign} \mathrm{{tr}}((X^T X - A)^T (X^T X - A))$$" "\n"
           r"In terms of the residual, $$ \eqalign{ f &= \|M\|^2_F = M:M \cr "
           r"df &= 2\,M:dM } $$")
    g = check_gradient(doc, "X", f=ref_trace_xtx, objective="f")
    assert _noted(g, "defining sign"), g.notes


def test_without_a_defining_sign_the_restatement_stays_a_rival():
    doc = (r"$X \in \mathbb{R}^{m \times n}, A \in \mathbb{R}^{n \times n}$" "\n"
           r"$$f(X) = \mathrm{tr}((X^T X - A)^T (X^T X - A))$$" "\n"
           r"In terms of the residual, $$ \eqalign{ f &= \|M\|^2_F = M:M \cr "
           r"df &= 2\,M:dM } $$")
    refused(doc, "X", "defined twice", objective="f")


def test_an_inferred_new_name_in_the_restatement_stays_a_rival():
    # M gets a shape by inference (a new input): the two are compared, and differ
    doc = (r"$X \in \mathbb{R}^{m \times n}, A \in \mathbb{R}^{n \times n}$" "\n"
           r"$$f(X) := \mathrm{tr}((X^T X - A)^T (X^T X - A))$$" "\n"
           r"$$ f = \|M\|^2_F = M:M $$")
    refused(doc, "X", "defined twice", objective="f")


def test_a_restatement_written_with_the_defining_sign_stays_a_rival():
    doc = (r"$X \in \mathbb{R}^{m \times n}, A \in \mathbb{R}^{n \times n}$" "\n"
           r"$$f(X) := \mathrm{tr}((X^T X - A)^T (X^T X - A))$$" "\n"
           r"$$ \eqalign{ f &:= \|M\|^2_F = M:M \cr df &= 2\,M:dM } $$")
    refused(doc, "X", "defined twice", objective="f")


# ------------------------------------------------------- an objective defined nowhere
def test_entry_of_a_defined_vector_as_objective_is_located():
    doc = (r"$h \in \mathbb{R}^{1 \times m}, W \in \mathbb{R}^{m \times n}, "
           r"b \in \mathbb{R}^{1 \times n}$" "\n"
           r"$$y = \operatorname{softmax}(z)$$ $$z = hW + b$$")
    e = refused(doc, "W", "is entry i of y", objective="y_i")
    assert e.line == 2


def test_objective_written_only_inside_a_derivative_is_located():
    doc = (r"$X \in \mathbb{R}^{n \times n}$, $g = \mathrm{tr}(X)$" "\n"
           r"What is \begin{equation} \frac{\partial \log \left\vert X \right\vert}"
           r"{\partial X} = ?? \end{equation}")
    e = refused(doc, "X", "is written here",
                objective=r"\log \left\vert X \right\vert")
    assert e.line == 2


# ------------------------------------------------------- a one-column array of equations
def ref_stack(W, x, b):
    a = np.tanh(W @ x + b)
    return float(a @ a)


@pytest.mark.parametrize("brk", [r"\\", r"\\\\"])
def test_one_column_array_of_equations_is_rows(brk):
    doc = (r"$W \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m$" "\n"
           rf"$$ \begin{{array}}{{l}} a = \tanh(W x + b) {brk} f = a^T a \end{{array}} $$")
    g = check_gradient(doc, "W", f=ref_stack, objective="f")
    assert _noted(g, "one-column array whose rows are equations"), g.notes


def test_array_as_an_operand_stays_an_array():
    # a column vector of one-column array entries: no '=' in its rows
    doc = (r"$x \in \mathbb{R}^2$" "\n"
           r"$$ f = x^T \left( \begin{array}{c} 1 \\ 2 \end{array} \right) $$")
    g = check_gradient(doc, "x", f=lambda x: float(x @ np.array([1.0, 2.0])))
    assert not _noted(g, "one-column array whose rows are equations")


def test_two_column_array_is_not_a_stack():
    doc = (r"$x \in \mathbb{R}^n$" "\n"
           r"$$ \begin{array}{ll} a = x & b = x \\ f = a^T b & g = 1 \end{array} $$")
    with pytest.raises(matcalc.MatcalcError):
        matcalc.gradient(doc, "x", objective="f")
