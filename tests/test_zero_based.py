"""Zero-based axes (CS229's \\theta_0 .. \\theta_n) and a chain member that applies a
function the document defines nowhere (corpus 192).

Where the text fixes it -- a sum over an index from 0 to hi over an axis of exactly hi + 1
entries -- that axis is numbered from 0 throughout the document: a sum from 1 then skips
entry 0, a literal subscript 0 is the first entry, an index used as a number takes the
values 0, 1, .... Where it does not (a sum from 0 whose count is not the axis's length,
an array of a length the text does not give), or where two sums number one axis both
ways, matcalc refuses naming both readings; a literal subscript that is no entry is
refused, never read as 0. Every reading is checked by central differences against an
independent NumPy reference.
"""
import numpy as np
import pytest
from helpers import check_gradient, refused

import matcalc

CS229 = r"""$\theta \in \mathbb{R}^{n+1}, x^{(i)} \in \mathbb{R}^{n+1}, y^{(i)} \in \mathbb{R},
\lambda \in \mathbb{R}, i = 1, \dots, m$
$J(\theta) = \frac{1}{2} \sum_{i=1}^m \left[y^{(i)} - \sum_{j=0}^n \theta_j x_j^{(i)}\right]^2
+ \lambda \sum_{j=1}^n |\theta_j|$"""


def _lasso(theta, x, y, lambda_):
    # theta_0 .. theta_n: the intercept theta_0 is fitted, not penalised
    return float(0.5 * np.sum((y - x @ theta) ** 2) + lambda_ * np.sum(np.abs(theta[1:])))


def test_cs229_sum_from_zero_fixes_the_numbering_and_the_penalty_skips_theta_0():
    g = check_gradient(CS229, r"\theta", f=_lasso)
    assert any(r"\theta is numbered from 0 (\theta_0 .. \theta_{n})" in n.reason and
               r"\sum_{j=0}^{n}" in n.reason and "line 3" in n.reason for n in g.notes)


def test_a_literal_subscript_0_is_the_first_entry_of_a_zero_based_axis():
    doc = r"$w \in \mathbb{R}^{n+1}, x \in \mathbb{R}^{n+1}$ " \
          r"$f(w) = \left(\sum_{j=0}^{n} w_j x_j\right)^2 + w_0^2 + 3 w_1$"
    check_gradient(doc, "w", f=lambda w, x: float((w @ x) ** 2 + w[0] ** 2 + 3 * w[1]))


def test_both_axes_of_a_matrix_numbered_from_0_with_literal_entries():
    doc = r"$x \in \mathbb{R}^{n+1}, A \in \mathbb{R}^{(n+1) \times (n+1)}$ " \
          r"$f(x) = \sum_{j=0}^{n} \sum_{k=0}^{n} A_{jk} x_j x_k + A_{0,1} x_0 + A_{2,0} x_1$"
    g = check_gradient(doc, "x", f=lambda x, A: float(x @ A @ x + A[0, 1] * x[0]
                                                       + A[2, 0] * x[1]))
    assert any("A is numbered from 0 along its axis 2" in n.reason for n in g.notes)


def test_a_sum_over_exactly_n_entries_numbered_from_0():
    doc = r"$x \in \mathbb{R}^n$ $f(x) = \sum_{i=0}^{n-1} x_i^3 + \sum_{i=1}^{n-1} x_i$"
    check_gradient(doc, "x", f=lambda x: float(np.sum(x ** 3) + np.sum(x[1:])))


def test_an_index_used_as_a_number_takes_its_values_from_0():
    doc = r"$x \in \mathbb{R}^{n+1}$ $f(x) = \sum_{j=0}^{n} j x_j^2 + \sum_{j=1}^{n} j x_j$"
    check_gradient(doc, "x", f=lambda x: float(np.sum(np.arange(x.size) * x ** 2)
                                                + np.sum(np.arange(1, x.size) * x[1:])))


def test_one_based_documents_are_read_as_before():
    doc = r"$x \in \mathbb{R}^n$ $f(x) = \sum_{i=1}^{n} i x_i^2 + x_1$"
    check_gradient(doc, "x", f=lambda x: float(np.sum(np.arange(1, x.size + 1) * x ** 2)
                                                + x[0]))


@pytest.mark.parametrize("doc, count", [
    # 0..n is n+1 entries for an n-vector
    (r"$x \in \mathbb{R}^n$ $f(x) = \sum_{i=0}^{n} x_i^2$", "n + 1 terms"),
    # x never declared: its length is not fixed to n by the text
    (r"$f(x) = \sum_{i=0}^{n-1} x_i^2$", "n terms"),
])
def test_a_numbering_the_text_does_not_fix_is_refused_naming_both(doc, count):
    e = refused(doc, "x", "runs from 0", count, "two readings", "numbered from 0",
                "or from 1")
    assert e.line == 1


def test_one_axis_numbered_both_ways_is_refused_naming_both():
    doc = r"$x \in \mathbb{R}^n$ $f(x) = \sum_{i=0}^{n-1} x_i^2 + \sum_{i=1}^{n} x_i$"
    refused(doc, "x", "numbered two ways", r"from 0 by \sum_{i=0}^{n-1}",
            r"from 1 by \sum_{i=1}^{n}", "two readings")


def test_one_index_over_axes_numbered_differently_is_refused():
    doc = r"$w \in \mathbb{R}^{n+1}, v \in \mathbb{R}^{n+1}, u \in \mathbb{R}^{n+1}$ " \
          r"$f(w) = \sum_{j=0}^{n} w_j u_j + \sum_{j=1}^{n+1} v_j w_j$"
    refused(doc, "w", "numbered two ways")
    doc = r"$w \in \mathbb{R}^{n+1}, v \in \mathbb{R}^{n+1}$ " \
          r"$f(w) = \sum_{j=0}^{n} w_j^2 + \sum_{j=1}^{n} v_j w_j$"
    refused(doc, "w", "index j indexes", "numbered from 0", "numbered from 1",
            "two numberings")


@pytest.mark.parametrize("doc, pieces", [
    # w_0 of a vector numbered from 1: entry 0 from 0, or a bias w_0 of its own --
    # it was read as 0 without a word
    (r"$w \in \mathbb{R}^3$ $f(w) = w_0^2 + w_3$",
     ("w_0", "two readings", "numbered from 0", "a name w_0 of its own")),
    (r"$w \in \mathbb{R}^3$ $f(w) = w_4^2 + w_3$", ("w_{4} is no entry of w", "1 to 3")),
    (r"$w \in \mathbb{R}^{n+1}$ $f(w) = \sum_{j=0}^{n} w_j^2 + \sum_{j=0}^{n+1} w_j$",
     ("numbered from 0", "no entry")),
])
def test_a_literal_or_a_bound_that_is_no_entry_is_refused(doc, pieces):
    refused(doc, "w", *pieces)


def test_a_declared_name_w_0_is_still_its_own_name():
    doc = r"$w \in \mathbb{R}^n, x \in \mathbb{R}^n, w_0 \in \mathbb{R}$ " \
          r"$f(w) = (w^T x + w_0)^2$"
    check_gradient(doc, "w", f=lambda w, x, w_0: float((w @ x + w_0) ** 2))


# ------------------------------------------------ a chain member applying an undefined h
X = r"$x \in \mathbb{R}^n, A \in \mathbb{R}^{n \times n}$ "


def _restatement(g):
    return [n for n in g.notes if "a function the document defines nowhere" in n.reason
            and "restatement" in n.reason]


def test_a_middle_member_with_an_undefined_function_is_a_noted_restatement():
    doc = X + r"$f(x) = h(x) + x^T x = x^T A x + x^T x$"
    g = check_gradient(doc, "x", f=lambda x, A: float(x @ A @ x + x @ x))
    (n,) = _restatement(g)
    assert (n.line, n.column) == (1, 61) and "h" in n.reason


def test_an_aligned_first_row_with_an_undefined_function_gives_way_to_the_next():
    doc = X + r"""\begin{aligned} f(x) & = h(x) + \|x\|^2 \\
&= x^T A x + x^T x \end{aligned}"""
    g = check_gradient(doc, "x", f=lambda x, A: float(x @ A @ x + x @ x))
    (n,) = _restatement(g)
    assert n.line == 1 and "the first member" in n.reason and "line 2" in n.reason


def test_corpus_192_derives_with_theta_0_fitted_and_the_restatement_noted():
    from pathlib import Path
    doc = (Path(__file__).parent / "realworld" /
           "192_lasso_rss_theta_j_zero_based.tex").read_text()
    g = check_gradient(doc, r"\theta", f=_lasso, objective=r"RSS^{lasso}(\theta)")
    assert _restatement(g) and r"\mathrm{RSS}^{\mathrm{OLS}}" in _restatement(g)[0].reason


def test_an_undefined_function_in_the_only_member_is_refused():
    e = refused(X + r"$f(x) = h(x) + x^T x$", "x", "unknown function h")
    assert (e.line, e.column) == (1, 61)


def test_no_readable_member_keeps_the_located_refusal():
    doc = X + r"""\begin{aligned} f(x) & = h(x) + x^T x \\ &= g(x) \end{aligned}"""
    refused(doc, "x", "unknown function h")


def test_a_function_defined_elsewhere_is_compared_not_a_restatement():
    doc = X + r"$h(z) = z^T A z$ $f(x) = h(x) + x^T x = x^T A x + 2 x^T x$"
    with pytest.raises(matcalc.MatcalcError, match="give different values"):
        matcalc.gradient(doc, "x", objective="f")
