"""Readings found by the sixth corpus sample (tests/realworld 210-218: trace and log-det
questions, Laplace/MAP, Cox, masked completion, bundle adjustment), each on small documents
of our own, gradients checked by central finite differences in float64 at random inputs
against hand-written NumPy references (helpers.check_gradient):

- a star script ``B_*`` is one symbol, as LaTeX sets it (``B_{*}``), and ``X \\in B_*`` under
  ``\\min`` a named constraint set, noted and not used (216: "expected '{' or a single
  symbol after '_'");
- an empty script ``^{}`` sets nothing (``\\sum\\limits_{l \\in R}^{}``: it was "a bound
  beside \\in"; 214);
- a copy cut short inside a display (``$$ \\begin{aligned} ...`` and the text ends) is read
  to the end, noted (213: "unclosed math region");
- an entrywise definition with a repeated index (``a_{ii} = ...``) is a located refusal,
  not an internal "Contract: repeated output label" (213);
- a skipped fragment whose left side opens with a derivative (``d/dX(X^{-1}) = ..``), or
  is an application (``p(y=\\pm 1 \\mid x) = ..``), defines nothing of its arguments (210,
  213: refused as "defining" X, y);
- describing words before a size (``Let $X$ be a square invertible $n \\times n$ matrix``)
  state a shape (210: "unknown name X");
- reStructuredText math, the ``:math:`..``` role and the ``.. math::`` directive with its
  indented block (217: a TeX run whose bmatrix was "never closed");
- a function defined twice with other parameters (``f(\\Theta) = ..``, ``f(L) = ..``) and
  asked for at those (``\\partial f(L) / \\partial L``) stays a named value (212: f became a
  function and the objective was "not read as one name").
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient, refused


def _noted(g, piece):
    return any(piece in str(n) for n in g.notes)


# ------------------------------------------------------- star scripts, constraint sets
def ref_masked(X, Y, O):
    return float(0.5 * np.sum((Y - X * O) ** 2))


@pytest.mark.parametrize("under", [r"X\in B_*", r"X \in B_{*}", r"X \in \mathcal{C}",
                                   r"X\in B_*^{m\times n}"])
def test_named_constraint_set_under_min_is_noted(under):
    doc = (r"$Y, X, O \in \mathbb{R}^{m \times n}$" "\n"
           rf"\[ \min_{{{under}}}\frac{{1}}{{2}}\|Y-X \odot O\|_F^2 \]")
    g = check_gradient(doc, "X", f=ref_masked)
    assert _noted(g, "a constraint under \\min"), g.notes


def test_a_function_space_under_min_is_no_constraint_set():
    # \min_{f \in \mathcal{H}} over a function f (applied in the minimand): not an array
    # constrained to a set -- the optimisation stays unread, as before
    doc = (r"$x_i \in \mathbb{R}^d, y_i \in \mathbb{R}, i = 1, \dots, N$" "\n"
           r"$$ \min_{f \in \mathcal{H}} \sum_{i=1}^N (y_i - f(x_i))^2 $$")
    with pytest.raises(matcalc.MatcalcError):
        matcalc.gradient(doc, "f")


def test_star_script_elsewhere_is_still_a_located_refusal():
    # x_* (a test point) is no name matcalc has yet: refused with a place, never read wrongly
    refused(r"$x, y \in \mathbb{R}^{n}$ $$f = (x - y_*)^T(x - y_*)$$", "x")


def test_optimum_star_still_reads():
    doc = (r"$A \in \mathbb{R}^{m \times n}, b \in \mathbb{R}^m$" "\n"
           r"$$x^* = \arg\min_{x \in \mathbb{R}^n} \|A x - b\|^2$$")
    check_gradient(doc, "x", f=lambda A, x, b: float(np.sum((A @ x - b) ** 2)))


# ------------------------------------------------------------------- empty scripts
def test_empty_bound_beside_a_set_is_the_sum_over_the_set():
    doc = r"$x \in \mathbb{R}^n$" "\n" r"$$f = \sum\limits_{j \in C}^{} x_j^2$$"
    rng = np.random.default_rng(3)
    x, m = rng.standard_normal(5), (rng.random(5) > 0.3).astype(float)
    g = check_gradient(doc, "x", f=lambda x, C: float(np.sum(C * x ** 2)),
                       kwargs={"x": x, "C": m}, trials=1)
    assert g.inputs["C"] == "C" and _noted(g, "an empty script"), g.notes


def test_empty_superscript_on_a_name_sets_nothing():
    doc = r"$A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n$ $$f = x^{}^T A x$$"
    g = check_gradient(doc, "x", f=lambda A, x: float(x @ A @ x))
    assert _noted(g, "an empty script"), g.notes


def test_a_bound_beside_a_set_is_still_refused():
    refused(r"$x \in \mathbb{R}^n$ $$f = \sum_{j \in C}^{n} x_j^2$$", "x",
            "a bound beside")


# ------------------------------------------------------------- a copy cut short
def ref_lsq(A, x, b):
    return float(0.5 * np.sum((A @ x - b) ** 2))


def test_text_ending_inside_a_display_is_read_to_its_end():
    doc = (r"$A \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m$" "\n"
           r"The fit is $$ f = \frac{1}{2}\|A x - b\|^2 $$ and the Hessian can be written "
           r"$$ \begin{aligned} H &= A^T A")
    g = check_gradient(doc, "x", f=ref_lsq, objective="f")
    assert _noted(g, "a copy cut short"), g.notes


def test_the_objective_itself_cut_short_is_read():
    doc = (r"$A \in \mathbb{R}^{m \times n}, b \in \mathbb{R}^m$" "\n"
           r"The fit is $$ f = \frac{1}{2}\|A x - b\|^2")
    g = check_gradient(doc, "x", f=ref_lsq)
    assert _noted(g, "a copy cut short"), g.notes


@pytest.mark.parametrize("tail", [
    "$$ f = x^T x\n\nThen the prose goes on with $y$.",     # a paragraph after: lost closer
    "$$ f = x^T x and $y$ later",                           # another delimiter after it
])
def test_an_unclosed_display_with_more_text_after_it_is_refused(tail):
    with pytest.raises(matcalc.MatcalcError) as info:
        matcalc.gradient(r"$x, y \in \mathbb{R}^n$ " + tail, "x")
    assert getattr(info.value, "line", None) is not None


def test_single_dollar_left_open_is_still_refused():
    refused(r"$x \in \mathbb{R}^n$ and $f = x^T x", "x", "unclosed math region")


# --------------------------------------------------- a repeated index on a left side
def test_diagonal_entry_definition_is_a_located_refusal():
    refused(r"$x \in \mathbb{R}^n$ $$a_{ii} = x_i^2$$ $$f = \sum_i a_{ii}$$", "x",
            "index i stands twice")


def test_unused_diagonal_entry_definition_is_noted():
    doc = r"$x \in \mathbb{R}^n$ $$a_{ii} = x_i^2$$ $$f = x^T x$$"
    g = check_gradient(doc, "x", f=lambda x: float(x @ x), objective="f")
    assert _noted(g, "index i stands twice"), g.notes


# ---------------------------------- what a skipped fragment's left side defines
def ref_trinv(X):
    return float(np.trace(np.linalg.inv(X)))


@pytest.mark.parametrize("attempt", [
    r"$$d/dX(X^{-1}) = -X^{-1}\otimes X^{-1}$$",
    r"$$\frac{d}{dX}(X^{-1}) = -X^{-1}\otimes X^{-1}$$",
    r"$$\frac{\partial X^{-1}}{\partial X} = -X^{-1}\otimes X^{-1}$$",
])
def test_a_derivative_attempt_that_cannot_be_read_defines_nothing(attempt):
    doc = ("Let $X$ be a square invertible $n \\times n$ matrix.\n"
           r"$$ g(X)=\operatorname{tr}\left(X^{-1}\right) $$" "\nI get " + attempt)
    g = check_gradient(doc, "X", f=ref_trinv, objective="g", mode="spd")
    assert _noted(g, "cannot be read"), g.notes


def test_a_skipped_probability_statement_defines_its_function_not_its_argument():
    doc = (r"$\mathbf{x} \in \mathbb{R}^d, y \in \mathbb{R}$" "\n"
           r"$$ p(y=\pm 1 \mid \mathbf{x}, \mathbf{w})=\sigma(y \mathbf{w}^T \mathbf{x}) $$"
           "\n" r"$$ l(\mathbf{w}) = \log(1 + \exp(-y \mathbf{w}^T \mathbf{x})) $$")
    g = check_gradient(doc, r"\mathbf{w}",
                       f=lambda x, y, w: float(np.log1p(np.exp(-y * (w @ x)))), objective="l")
    assert _noted(g, "cannot be read"), g.notes


def test_a_skipped_definition_of_an_input_is_still_refused():
    # the fragment's left side is the name y itself: without it y would be an input
    refused(r"$\mathbf{x}, \mathbf{w} \in \mathbb{R}^d$ $$ y = \pm \mathbf{w}^T\mathbf{x} $$"
            "\n" r"$$ l = y^2 $$", r"\mathbf{w}", "cannot be skipped")


# --------------------------------------------- describing words before a size
@pytest.mark.parametrize("sentence", [
    "Let $X$ be a square invertible $n \\times n$ matrix.",
    "where $X$ is a symmetric positive definite $n \\times n$ matrix,",
    "Let $X$ be an invertible $n \\times n$ real matrix.",
])
def test_describing_words_before_the_size_state_the_shape(sentence):
    doc = sentence + "\n" + r"$$ g(X)=\operatorname{tr}\left(X^{-1}\right) $$"
    g = check_gradient(doc, "X", f=ref_trinv, objective="g", mode="spd")
    assert _noted(g, "as this sentence says"), g.notes


def test_a_function_word_before_the_size_states_no_shape():
    doc = ("Let $X$ be the first row of the $n \\times n$ matrix.\n"
           r"$$ g(X)=\operatorname{tr}\left(X^{-1}\right) $$")
    g = matcalc.gradient(doc, "X", objective="g")
    assert not _noted(g, "as this sentence says"), g.notes


# ------------------------- a function defined twice, asked for at its parameters
def ref_prec(L, x):
    return float(len(x) * np.linalg.slogdet(L)[1] - np.sum((x @ L) ** 2))


def test_two_definitions_with_other_parameters_asked_at_one_of_them():
    doc = (r"$L \in \mathbb{R}^{n \times n}, \mathbf{x}_i \in \mathbb{R}^n, i = 1, \dots, N$"
           "\n" r"$$ f(\Theta) = \frac{N}{2}\log|\Theta|-\sum_i \mathbf{x}_i^T\Theta"
           r"\mathbf{x}_i $$ with $LL^T=\Theta$, $$ f(L) = {N}\log|L|-\sum_i "
           r"\mathbf{x}_i^TLL^T\mathbf{x}_i $$ what is $\frac{\partial f(L)}{\partial L}$?")
    g = check_gradient(doc, "L", f=ref_prec, objective="f(L)", mode="spd")
    assert _noted(g, "in other words (the same values)"), g.notes


def test_a_function_applied_at_other_arguments_is_still_a_function():
    doc = (r"$x, y \in \mathbb{R}^n$" "\n" r"$$ s(z) = z^T z $$" "\n"
           r"$$ f = s(x) + s(y) $$")
    check_gradient(doc, "x", f=lambda x, y: float(x @ x + y @ y), objective="f")


# --------------------------------- the objective written inside a chain, located
def test_objective_as_a_middle_member_of_a_chain_is_located():
    doc = (r"$x \in \mathbb{R}^n$" "\n" r"$$ g(x) = \exp(x^T x) $$" "\n"
           r"$$ \log g(x) = h(x) = x^T x $$")
    e = refused(doc, "x", "stands inside the chain of equalities", objective="h")
    assert e.line == 3


# ------------------------------------------------------- reStructuredText math
RST = """Let :math:`A \\in \\mathbb{R}^{m \\times n}`, :math:`x \\in \\mathbb{R}^n` and
:math:`b \\in \\mathbb{R}^m`. The loss is

.. math::
    f = \\frac{1}{2}
    \\|A x - b\\|^2
    :label: loss

which we minimise.
"""


def test_rst_role_and_directive_are_math():
    g = check_gradient(RST.replace("\\frac{1}{2}\n    ", "\\frac{1}{2}"), "x", f=ref_lsq)
    assert _noted(g, "reStructuredText math role") and _noted(g, "'.. math::' directive"), \
        g.notes


def test_rst_directive_block_ends_at_its_option_and_its_indentation():
    from matcalc.read.rst import rst_math
    at = RST.index(".. math::")
    after, stop, _ = rst_math(RST, at)
    body = RST[after:stop]
    assert "\\|A x - b\\|^2" in body and ":label:" not in body and "minimise" not in body


def test_rst_directive_with_a_matrix_over_indented_lines():
    doc = (":math:`x \\in \\mathbb{R}^2`\n\n.. math::\n    f = x^T \\begin{bmatrix}\n"
           "        2 & 1 \\\\\n        1 & 3\n    \\end{bmatrix} x\n")
    M = np.array([[2.0, 1.0], [1.0, 3.0]])
    check_gradient(doc, "x", f=lambda x: float(x @ M @ x))


def test_a_backtick_without_its_role_is_no_math():
    from matcalc.read.rst import rst_math
    assert rst_math("see :math:`x and more\n\nnever closed` here", 4) is None
    assert rst_math("a .. math:: in the middle of a line", 2) is None
