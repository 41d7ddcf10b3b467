"""Notation people actually write (issue 8): each construct read as written, checked
numerically -- the gradient against central finite differences of an independent NumPy
objective written here, float64 (`helpers.check_gradient`) -- or refused with a located
MatcalcError that names the construct (and, where the text has two readings that give
different numbers, both readings).
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_gradient

import matcalc
from matcalc import MatcalcError


def refused(doc, wrt, *pieces, objective=None):
    """The document is refused with a located error whose message holds every piece."""
    with pytest.raises(MatcalcError) as info:
        matcalc.gradient(doc, wrt, objective=objective)
    e = info.value
    assert getattr(e, "line", None) is not None and getattr(e, "column", None) is not None, \
        f"refused without a place: {e}"
    for p in pieces:
        assert p in str(e), f"{p!r} not in: {e}"
    return e


X_N = r"x \in \mathbb{R}^n, "
SQ = r"A \in \mathbb{R}^{n\times n}, "


def quad(x, A):
    return float(x @ A @ x)


# ------------------------------------------------------------------ TeX layout

@pytest.mark.parametrize("doc", [
    r"$$\eqalign{ M &= A x \cr f &= x^T M \cr }$$",
    r"$$\eqalign{ M &= A x \cr\cr f &= x^T M \cr\cr }$$",
    r"$$\eqalign{ M &= A x \cr f &= x^T M \cr df &= dx^T M + x^T A\,dx \cr &= (M + A^Tx):dx \cr }$$",
])
def test_cr_row_breaks_in_eqalign(doc):
    check_gradient("$" + X_N + SQ[:-2] + "$\n" + doc, "x", quad, objective="f")


@pytest.mark.parametrize("doc, f", [
    (r"f = {1 \over 2} x^T A x", lambda x, A: 0.5 * quad(x, A)),
    (r"f = {x^T A x \over 1 + x^T x}", lambda x, A: quad(x, A) / (1 + x @ x)),
    (r"f = \exp\left({-x^T x \over 2}\right)", lambda x, A: np.exp(-(x @ x) / 2)),
    (r"f = e^{x^T x \over 4}", lambda x, A: np.exp((x @ x) / 4)),
    (r"f = {1\over \sqrt{ 1 + x^T x}}", lambda x, A: 1 / np.sqrt(1 + x @ x)),
])
def test_tex_over(doc, f):
    check_gradient(X_N + SQ + r"\\ " + doc, "x", f)


def test_over_outside_braces_is_refused():
    refused(X_N + r"\\ f = 1 \over x^T x", "x", r"\over outside braces")


@pytest.mark.parametrize("doc", [
    r"f = \qty(x^T A x)",
    r"f = \frac{1}{2} \qty(x^T A x) + \frac{1}{2}\qty[x^T A x]",
    r"J\qty(x) = \qty(x^T A x)",
])
def test_physics_qty_parentheses(doc):
    check_gradient(X_N + SQ + r"\\ " + doc, "x", quad)


def test_physics_qty_braces_refused():
    refused(X_N + r"\\ f = \qty{x^T x}", "x", r"\qty")


def test_physics_abs_and_norm():
    check_gradient(X_N + r"\alpha \in \mathbb{R} \\ f = \norm{x}^2 + \abs{\alpha}", "x",
                   lambda x, alpha: x @ x + abs(alpha))


@pytest.mark.parametrize("doc", [
    r"f = \underset{\text{scalar}}{x^T A x}",
    r"f = \overset{\text{quad}}{x^T A x}",
    r"f = \underbrace{x^T A x}_{1\times 1}",
    r"f = \overbrace{x^T}^{1 \times n} A x",
    r"f \stackrel{\text{def}}{=} x^T A x",
])
def test_annotations_keep_their_base(doc):
    check_gradient(X_N + SQ + r"\\ " + doc, "x", quad)


def test_underset_index_of_a_sum():
    doc = r"x_i \in \mathbb{R}^d, i = 1,\dots,n, \; w \in \mathbb{R}^d \\ L = \underset{i}{\sum} (w^T x_i)^2"
    check_gradient(doc, "w", lambda x, w: float(np.sum((x @ w) ** 2)))


@pytest.mark.parametrize("colour", [
    r"\definecolor{mint}{rgb}{0.67, 0.94, 0.82} ",
    r"{\color{red} x^T A x}",
    r"\textcolor{blue}{x^T A x}",
    r"\colorbox{mint}{x^T A x}",
    r"\boxed{x^T A x}",
])
def test_colour_commands_dropped(colour):
    body = colour if "x^T" in colour else colour + "x^T A x"
    check_gradient(X_N + SQ + r"\\ f = " + body, "x", quad)


@pytest.mark.parametrize("integral", [r"\int_0^T x^T x \, dt", r"\iint x^T x", r"\oint x"])
def test_integral_refused_naming_it(integral):
    refused(X_N + r"\\ J = " + integral, "x", "an integral (\\", "not supported")


def test_sum_counted_from_zero_refused():
    # \sum_{i=0}^{n} over x in R^n once read i = 1..n silently (n+1 terms written)
    refused(X_N + r"\\ f = \sum_{i=0}^{n} x_i^2", "x", "runs from 0 to n", "numbered 1 to n")
    refused(X_N + r"\\ f = \sum_{i=0}^{n-1} x_i^2", "x", "runs from 0 to n - 1")
    refused(X_N + r"\\ f = \sum_{i=1}^{n+1} x_i^2", "x", "runs from 1 to n + 1")


def test_sum_bounds_inside_the_range_still_read():
    check_gradient(X_N + r"\\ f = \sum_{i=2}^{n} x_i^2", "x",
                   lambda x: float(np.sum(x[1:] ** 2)))


def test_bare_e_is_not_eulers_number():
    # e^Te once read e as 2.718..: a constant, gradient 0
    refused(X_N + r"\\ S = e^T e + x^T x", "x", "unknown name e")
    check_gradient(X_N + r"\\ S = e^{x^T x} + x^T x \cdot 2^e", "x",
                   lambda x: np.exp(x @ x) + (x @ x) * 2 ** np.e)
