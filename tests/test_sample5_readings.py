"""Readings found by the fifth corpus sample (tests/realworld 200-209: Markdown READMEs,
Jekyll/MkDocs posts, a raw notebook), each on small documents of our own, gradients checked
by central finite differences against hand-written NumPy references (helpers):

- Markdown-escaped delimiters ``\\\\[ .. \\\\]`` and ``\\\\( .. \\\\)`` around TeX written with
  single backslashes (kramdown renders ``\\\\[`` as ``\\[``; 207) are math, noted -- they
  were refused as a doubled-escape copy mixing doubled and single backslashes; a ``\\\\``
  inside (a row break, or Markdown's escaped backslash) stays refused, naming both;
- a notebook's raw JSON (205): a doubled-escape copy whose string literals end in ``\\n``
  and are joined by ``", "`` (the lines of a cell's "source") -- both read as blank space,
  noted; the quote was an "unexpected character";
- an objective named as its left side is written, with its subscript and its arguments
  (``\\mathcal{L}_{\\theta, \\phi}(\\mathbf{x})``; 203), names that definition -- it was
  "not defined", without a place.
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient, refused

DECL = r"$A \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m$" "\n"


def ref_lsq(A, x, b):
    return float(0.5 * np.sum((A @ x - b) ** 2))


# ------------------------------------------------ Markdown-escaped \\[ .. \\] and \\( .. \\)
@pytest.mark.parametrize("body", [
    r"The loss is \\[ f = \frac{1}{2}\|A x - b\|^2 \\] for the fit.",
    "The loss is\n\\\\[ f = \\frac{1}{2}\\|A x -\nb\\|^2 \\\\]\n",
    r"The loss is \\( f = \frac{1}{2}\|A x - b\|^2 \\) for the fit.",
])
def test_markdown_escaped_delimiters_are_math(body):
    g = check_gradient(DECL + body, "x", f=ref_lsq)
    assert any("Markdown-escaped delimiters" in str(n) for n in g.notes), g.notes


def test_markdown_escaped_declarations_and_objective():
    doc = (r"Let \\(\mathbf{W} \in \mathbb{R}^{n \times n}\\), \\(\mathbf{y} \in "
           r"\mathbb{R}^{n}\\) and \\(\boldsymbol{\beta} \in \mathbb{R}^{n}\\)." "\n"
           r"\\[ l = -\frac{1}{2} (\mathbf{y} -" "\n" r"\boldsymbol{\beta})^\intercal "
           r"\mathbf{W} (\mathbf{y} - \boldsymbol{\beta}) \\]")

    def ref(W, y, beta):
        r = y - beta
        return float(-0.5 * r @ W @ r)
    check_gradient(doc, r"\boldsymbol{\beta}", f=ref, objective="l")


def test_row_break_inside_markdown_escaped_delimiters_names_both_readings():
    doc = DECL + r"\\[ f = \frac{1}{2}\|A x - b\|^2 \\ g = 1 \\]"
    e = refused(doc, "x", "two readings", "row break", "escaped backslash")
    assert e.line == 2


def test_a_doubled_escape_copy_is_still_read_undoubled():
    doc = DECL + r"\\[ f = \\frac{1}{2}\\|A x - b\\|^2 \\]"
    g = check_gradient(doc, "x", f=ref_lsq)
    assert any("doubled-escape copy" in str(n) for n in g.notes)


def test_mixed_doubled_and_single_commands_stay_refused():
    refused(DECL + r"\\[ f = \\frac{1}{2}\|A x - b\\|^2 \\]", "x",
            "mixed doubled and single backslashes")


# ------------------------------------------------------------ a notebook's raw JSON
NB = ('{ "cells": [ { "cell_type": "markdown", "metadata": {}, "source": [ '
      '"The fit solves\\n", "$$\\\\min_{x \\\\in \\\\mathbb{R}^n} \\\\|\\n", '
      '"A x - b \\\\|^{2}_{2} +\\n", "\\\\lambda \\\\| x \\\\|^2_2$$" ] } ] }')


def test_notebook_json_cell_is_read():
    doc = r"$A \in \mathbb{R}^{m \times n}, b \in \mathbb{R}^m, \lambda \in \mathbb{R}$" \
        "\n" + NB
    g = check_gradient(doc, "x", f=lambda A, x, b, lambda_: float(
        np.sum((A @ x - b) ** 2) + lambda_ * np.sum(x ** 2)))
    assert g.inputs[r"\lambda"] == "lambda_"
    assert any("string literals" in str(n) for n in g.notes), g.notes


def test_a_single_backslash_command_in_a_doubled_copy_is_no_newline():
    # \nabla written once among doubled commands: mixed, not a string's "\n" + "abla"
    refused(DECL + r"\\[ f = \\frac{1}{2}\\|A x - b\\|^2 + \nabla \\]", "x",
            "mixed doubled and single backslashes")


# ------------------------------------------------ the objective named with its arguments
def test_objective_named_with_subscript_and_arguments_is_located():
    doc = (r"$\theta \in \mathbb{R}^n, \phi \in \mathbb{R}^n, x \in \mathbb{R}^n$" "\n"
           r"$$\mathcal{L}_{\theta, \phi}(x) = (\theta^T x)^2 + \phi^T x$$")
    e = refused(doc, r"\theta", objective=r"\mathcal{L}_{\theta, \phi}(x)")
    assert "not defined" not in str(e)


def test_objective_with_a_subscript_label_and_argument_derives():
    doc = (r"$\theta \in \mathbb{R}^n, x \in \mathbb{R}^n$" "\n"
           r"$$f_{\theta}(x) = (\theta^T x)^2 + \theta^T\theta$$")
    check_gradient(doc, r"\theta", f=lambda theta, x: float((theta @ x) ** 2 + theta @ theta),
                   objective=r"f_{\theta}(x)")


# ------------------------------------------------ a sentence says which norm of a matrix
MF = (r"$R \in \mathbb{R}^{N \times M}, U \in \mathbb{R}^{N \times F}, "
      r"V \in \mathbb{R}^{M \times F}$" "\n")


def ref_mf(R, U, V):
    return float(0.5 * np.sum((R - U @ V.T) ** 2))


@pytest.mark.parametrize("sentence", [
    r"where $|| \cdot ||^2$ is the sum of the matrix's entries squared.",
    r"where $\|\cdot\|^2$ denotes the sum of squared entries.",
    r"where $\| \cdot \|$ is the Frobenius norm.",
])
def test_a_sentence_says_the_matrix_norm_is_frobenius(sentence):
    doc = MF + "$$\nL = \\frac{1}{2}||R - U V^\\top||^2,\n$$\n" + sentence
    g = check_gradient(doc, "U", f=ref_mf, objective="L")
    assert any("Frobenius norm, as the sentence says" in str(n) for n in g.notes), g.notes


@pytest.mark.parametrize("sentence", [
    "",
    r"where $R$ is the matrix of ratings.",
    r"where $\| \cdot \|$ is the sum of the entries squared.",   # a norm is no sum of squares
])
def test_without_such_a_sentence_the_matrix_norm_stays_refused(sentence):
    doc = MF + "$$\nL = \\frac{1}{2}||R - U V^\\top||^2,\n$$\n" + sentence
    refused(doc, "U", "the norm of a matrix is ambiguous", objective="L")


def test_the_sentence_leaves_a_vector_norm_alone():
    doc = (r"$A \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m$" "\n"
           r"$$f = \|Ax - b\|^2$$ where $\|\cdot\|^2$ is the sum of the squared entries.")
    check_gradient(doc, "x", f=lambda A, x, b: float(np.sum((A @ x - b) ** 2)))


def test_a_doubled_sign_among_single_commands_is_the_mixed_refusal():
    # \\| is a doubled sign (a doubled copy's norm bar): mixed, not a row break
    refused(DECL + r"so \\(f = \\|A x - b\\|^2 + \alpha\\) holds", "x",
            "mixed doubled and single backslashes")


def test_a_pretty_printed_notebook_cell_is_read():
    # nbformat 4 as written to disk: one string of the cell's source per line, indented
    doc = (r"$A \in \mathbb{R}^{m\times n}, b \in \mathbb{R}^m$" "\n"
           '{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "metadata": {},\n'
           '   "source": [\n    "The loss is\\n",\n    "$$f = \\\\frac{1}{2} \\\\|\\n",\n'
           '    "A x - b\\\\|^2$$"\n   ]\n  }\n ]\n}\n')
    check_gradient(doc, "x", f=ref_lsq)
