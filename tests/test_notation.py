"""Notation people actually write (issue 8): each construct read as written, checked
numerically -- the gradient against central finite differences of an independent NumPy
objective written here, float64 (`helpers.check_gradient`) -- or refused with a located
MatcalcError that names the construct (and, where the text has two readings that give
different numbers, both readings).
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_gradient, refused

import matcalc
from matcalc import MatcalcError




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
    refused(X_N + r"\\ f = \sum_{i=0}^{n} x_i^2", "x", "runs from 0 to n", "two readings",
            "numbered from 0", "or from 1")
    refused(X_N + r"\\ f = \sum_{i=1}^{n+1} x_i^2", "x", "runs from 1 to n + 1")


def test_sum_from_zero_over_exactly_the_entries_numbers_them_from_zero():
    # 0..n-1 is the n entries of x in R^n: the text numbers x from 0 (test_zero_based.py)
    check_gradient(X_N + r"\\ f = \sum_{i=0}^{n-1} x_i^2", "x", lambda x: float(x @ x))


def test_sum_bounds_inside_the_range_still_read():
    check_gradient(X_N + r"\\ f = \sum_{i=2}^{n} x_i^2", "x",
                   lambda x: float(np.sum(x[1:] ** 2)))


def test_bare_e_is_not_eulers_number():
    # e^Te once read e as 2.718..: a constant, gradient 0
    refused(X_N + r"\\ S = e^T e + x^T x", "x", "unknown name e")
    check_gradient(X_N + r"\\ S = e^{x^T x} + x^T x \cdot 2^e", "x",
                   lambda x: np.exp(x @ x) + (x @ x) * 2 ** np.e)


# ------------------------------------------------------------------ bars and norms

S_K = r"x, \mu \in \mathbb{R}^k, \Sigma \in \mathbb{R}^{k\times k} \\ "


def spd_kwargs(seed=0, k=3):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((k, k))
    return dict(x=rng.standard_normal(k), mu=rng.standard_normal(k),
                Sigma=a @ a.T / k + np.eye(k))


@pytest.mark.parametrize("doc, f", [
    (r"f = \log|\Sigma| + (x-\mu)^T\Sigma^{-1}(x-\mu)",
     lambda x, mu, Sigma: np.log(np.linalg.det(Sigma)) + (x - mu) @ np.linalg.solve(Sigma, x - mu)),
    (r"f = \frac{1}{|\Sigma|^{1/2}} \exp(-(x-\mu)^T\Sigma^{-1}(x-\mu))",
     lambda x, mu, Sigma: np.exp(-(x - mu) @ np.linalg.solve(Sigma, x - mu))
     / np.sqrt(np.linalg.det(Sigma))),
    (r"f = {1\over \sqrt{(2\pi)^k |\Sigma |}} e^{-0.5 (x-\mu)^T \Sigma^{-1} (x-\mu)}",
     lambda x, mu, Sigma: np.exp(-0.5 * (x - mu) @ np.linalg.solve(Sigma, x - mu))
     / np.sqrt((2 * np.pi) ** len(x) * np.linalg.det(Sigma))),
    (r"f = |\Sigma|^2", lambda x, mu, Sigma: np.linalg.det(Sigma) ** 2),
    (r"f = \left|\Sigma\right| \, x^T x", lambda x, mu, Sigma: np.linalg.det(Sigma) * (x @ x)),
])
@pytest.mark.parametrize("wrt", [r"\Sigma", r"\mu"])
def test_bars_of_a_square_matrix_are_its_determinant(doc, f, wrt):
    if wrt == r"\mu" and "mu" not in doc:
        return
    check_gradient(S_K + doc, wrt, f, kwargs=spd_kwargs())


def test_bars_of_a_scalar_are_the_absolute_value():
    check_gradient(r"\alpha \in \mathbb{R}, x \in \mathbb{R}^n \\ f = |\alpha| x^T x + |x^T x - 1|",
                   r"\alpha", lambda alpha, x: abs(alpha) * (x @ x) + abs(x @ x - 1))
    check_gradient(r"A \in \mathbb{R}^{n\times m} \\ f = \sum_{i,j} |A_{ij}|^3", "A",
                   lambda A: float(np.sum(np.abs(A) ** 3)))


def test_bars_of_a_non_square_matrix_refused():
    refused(r"A \in \mathbb{R}^{n\times m} \\ f = |A|", "A", "not square", "neither a determinant")


@pytest.mark.parametrize("doc, f", [
    # only the norm reading gives a scalar objective
    (r"k(x,z) = \exp\left(-\frac{|x-z|^2}{2\sigma^2}\right)",
     lambda x, z, sigma: np.exp(-np.sum((x - z) ** 2) / (2 * sigma ** 2))),
    (r"f = |x - z| + \sigma", lambda x, z, sigma: np.linalg.norm(x - z) + sigma),
    # only the entrywise reading does
    (r"f = z^T |x| + \sigma", lambda x, z, sigma: z @ np.abs(x) + sigma),
    (r"f = \mathbf{1}^T |x - z|", lambda x, z, sigma: np.sum(np.abs(x - z))),
])
def test_bars_of_a_vector_read_as_the_one_reading_that_fits(doc, f):
    check_gradient(r"x, z \in \mathbb{R}^d, \sigma \in \mathbb{R} \\ " + doc, "x", f)


def test_bars_of_a_vector_with_two_fitting_readings_refused():
    e = refused(r"x, z \in \mathbb{R}^d \\ f = |x|^T |z|", "x", "two readings",
                "entrywise absolute value", "2-norm")
    assert e.column == 30          # the first bars


@pytest.mark.parametrize("doc, f", [
    (r"f = |x|_2", lambda x, z: np.linalg.norm(x)),
    (r"f = |x|_2^2 + |z|_1", lambda x, z: x @ x + np.sum(np.abs(z))),
    (r"f = \|x\|_1", lambda x, z: np.sum(np.abs(x))),
    (r"f = \|x - z\|_1^2", lambda x, z: np.sum(np.abs(x - z)) ** 2),
    (r"f = \|x\|^2_2 + \lVert x - z \rVert_2^2", lambda x, z: x @ x + (x - z) @ (x - z)),
    (r"f = \Vert x \Vert + \vert x^T z \vert", lambda x, z: np.linalg.norm(x) + abs(x @ z)),
    (r"f = ||x||^2_2 - \left\lVert z \right\rVert_1", lambda x, z: x @ x - np.sum(np.abs(z))),
])
def test_vector_norms(doc, f):
    check_gradient(r"x, z \in \mathbb{R}^d \\ " + doc, "x", f)


@pytest.mark.parametrize("doc", [
    r"f(W,H) = \frac{1}{2}||V-WH ||^2_F",
    r"f = \frac12 \|V - WH\|^2_F",
    r"f = \frac12 \|V - WH\|_F^2",
    r"L(W, H) = \frac{1}{2}\left\|WH-V\right\|^2_F",
])
def test_frobenius_subscript_either_side_of_the_power(doc):
    check_gradient(r"V \in \mathbb{R}^{m \times n}, W \in \mathbb{R}^{m \times r}, "
                   r"H \in \mathbb{R}^{r \times n} \\ " + doc, "W",
                   lambda V, W, H: 0.5 * float(np.sum((V - W @ H) ** 2)))


def test_matrix_norms_without_frobenius_refused():
    refused(r"A \in \mathbb{R}^{n \times n} \\ f = \|A\|_1", "A", "ambiguous")
    refused(r"A \in \mathbb{R}^{n \times n} \\ f = \|A\|^2", "A", "ambiguous")


def test_layer_superscript_index_is_a_family_member():
    # x^{(i)} with i = 1..m declared (CS229): the members of a family, not one vector
    doc = (r"x^{(i)} \in \mathbb{R}^n, \; y^{(i)} \in \mathbb{R}, \; i = 1,\dots,m, "
           r"\; \theta \in \mathbb{R}^n \\ J = \frac12 \sum_{i=1}^m (\theta^T x^{(i)} - y^{(i)})^2")
    check_gradient(doc, r"\theta", lambda x, y, theta: 0.5 * float(np.sum((x @ theta - y) ** 2)))
    doc2 = (r"x^{(i)} \in \mathbb{R}^n, \; i = 1,\dots,m, \; \theta \in \mathbb{R}^n \\ "
            r"J = \sum_{i=1}^m \sum_{j=1}^n \theta_j x^{(i)}_j")
    check_gradient(doc2, r"\theta", lambda x, theta: float(np.sum(x @ theta)))


def test_layer_superscript_number_is_still_a_name():
    doc = r"W^{(1)} \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ f = x^T W^{(1)} x"
    check_gradient(doc, "W^{(1)}", lambda W1, x: x @ W1 @ x)


# ------------------------------------------------------------------ accents

@pytest.mark.parametrize("decl, use, wrt, key", [
    (r"\hat{\textbf{y}}", r"\hat{\textbf{y}}", r"\hat{y}", "y_hat"),
    (r"\hat{\mathbf{w}}", r"\hat w", r"\hat{\mathbf{w}}", "w_hat"),
    (r"\hat w", r"\hat{\mathbf{w}}", r"\hat{w}", "w_hat"),
    (r"\hat\boldsymbol\mu", r"\hat{\boldsymbol{\mu}}", r"\hat{\mu}", "mu_hat"),
    (r"\bar{\bm{x}}", r"\bar x", r"\bar x", "x_bar"),
    (r"\tilde{\mathbf w}", r"\tilde{{\bf w}}", r"\tilde{w}", "w_tilde"),
])
def test_accent_over_a_font_command(decl, use, wrt, key):
    doc = decl + r", u \in \mathbb{R}^n \\ f = (" + use + r"^T u)^2"
    f = eval(f"lambda u, {key}: float(({key} @ u) ** 2)")   # keyword = the accented name
    g = check_gradient(doc, wrt, f)
    assert key in g.inputs.values()


@pytest.mark.parametrize("use", [r"\overrightarrow{x_n}", r"\overrightarrow{x}_n",
                                 r"\vec{x}_{n}", r"\vec{\mathbf{x}_n}"])
def test_accent_over_a_subscripted_name(use):
    doc = (r"\overrightarrow{x}_n \in \mathbb{R}^d, n = 1,\dots,N, w \in \mathbb{R}^d \\ "
           r"f = \sum_{n=1}^{N} (w^T " + use + ")^2")
    check_gradient(doc, "w", lambda x_vec, w: float(np.sum((x_vec @ w) ** 2)))


@pytest.mark.parametrize("use", [r"\tilde{y_i}", r"\tilde y_i", r"\tilde{y}_i"])
def test_tilde_over_an_indexed_entry(use):
    doc = r"\tilde{y}, w \in \mathbb{R}^N \\ f = \sum_{i=1}^{N} w_i^2 " + use
    check_gradient(doc, "w", lambda y_tilde, w: float(np.sum(w ** 2 * y_tilde)))


def test_accent_over_two_letters_refused():
    refused(X_N + r"\\ f = \hat{xy}", "x", r"\hat must be put on a single letter")


# ------------------------------------------------------------------ inner products

IP = r"x, y \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n}, c \in \mathbb{R} \\ "


@pytest.mark.parametrize("doc, f", [
    (r"f = \langle x, y \rangle", lambda x, y, A, c: x @ y),
    (r"f = \frac{\langle Ax, x \rangle}{\langle x, x\rangle}", lambda x, y, A, c: (A @ x) @ x / (x @ x)),
    (r"f = \frac{<Ax,x>}{|x|_2}", lambda x, y, A, c: (A @ x) @ x / np.linalg.norm(x)),
    (r"f = < x, A y >", lambda x, y, A, c: x @ A @ y),
    (r"f = c\langle x, y\rangle + \log\langle x, x \rangle", lambda x, y, A, c: c * x @ y + np.log(x @ x)),
    (r"f = \left\langle x, A y \right\rangle^2", lambda x, y, A, c: (x @ A @ y) ** 2),
    (r"f = \langle A, x y^T\rangle", lambda x, y, A, c: x @ A @ y),
    (r"f = x \cdot y", lambda x, y, A, c: x @ y),
    (r"f = 2c\, x \cdot y", lambda x, y, A, c: 2 * c * x @ y),
    (r"f = \frac{x\cdot{y}}{\|x\| \cdot \|y\|}",
     lambda x, y, A, c: x @ y / (np.linalg.norm(x) * np.linalg.norm(y))),
    (r"f = x^T \cdot A \cdot y", lambda x, y, A, c: x @ A @ y),
])
def test_inner_products(doc, f):
    check_gradient(IP + doc, "x", f)


@pytest.mark.parametrize("doc, piece", [
    (r"f = \langle x, y)", "an angle bracket closed by a parenthesis"),
    (r"f = \langle x, y, x\rangle", "takes two arguments, not 3"),
    (r"f = c<x, y>", "unexpected a comparison"),
    (r"f = A x \cdot y", r"between two single vector factors"),
    (r"f = c x \cdot A y", r"between two single vector factors"),
])
def test_inner_products_refused(doc, piece):
    refused(IP + doc, "x", piece)


def test_a_comparison_beside_a_formula_is_skipped_like_its_mirror():
    """``c < 1`` beside the objective is a constraint the reader skips with a note, as it
    skips ``c > 1`` (it was refused: '<' was read only as an inner product)."""
    for rel in ("<", ">"):
        g = matcalc.gradient(IP + rf"f = x^T y, \; c {rel} 1", wrt="x")
        assert [n for n in g.notes if f"c {rel} 1" in n.text and "skipped" in n.reason]


def test_mapsto_definition_kept():
    doc = (r"$x, y \in \mathbb{R}^n$ $$ \begin{align*} \mathcal{S} : \mathbb{R}^n \times "
           r"\mathbb{R}^n &\to \mathbb{R} \\ (x, y) &\mapsto \mathcal{S}(x, y) = "
           r"\frac{\langle x, y \rangle}{\| x \| \| y \|}, \end{align*} $$")
    check_gradient(doc, "x", lambda x, y: x @ y / (np.linalg.norm(x) * np.linalg.norm(y)))


@pytest.mark.parametrize("doc, piece", [
    (r"f = \sum_{i=1}^{n} x_i ! ", "a factorial `x!` of an expression that depends on the variable"),
    (r"f = \sum_{i=1}^{n} 1\{x_i = 1\} x_i", r"an indicator 1\{a = b\} is read only as"),
])
def test_constructs_refused_by_name(doc, piece):
    refused(X_N + r"\\ " + doc, "x", piece)


# ------------------------------------------------------------------ names

@pytest.mark.parametrize("doc, wrt, f", [
    (r"\Sigma_x \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ f = x^T\Sigma_x x", "x",
     lambda Sigma_x, x: x @ Sigma_x @ x),
    (r"W_{out} \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ f = x^TW_{out} x", "W_{out}",
     lambda W_out, x: x @ W_out @ x),
    (r"x \in \mathbb{R}^n \\ L_{\text{train}} = x^Tx", "x", lambda x: x @ x),
    (r"x \in \mathbb{R}^n, \sigma_w \in \mathbb{R} \\ f = \sigma_w^2 x^Tx", r"\sigma_w",
     lambda x, sigma_w: sigma_w ** 2 * (x @ x)),
    (r"x, x' \in \mathbb{R}^n \\ f = x^Tx^{\prime}", "x", lambda x, x_prime: x @ x_prime),
    (r"x, x'' \in \mathbb{R}^n \\ f = x^T x^{\prime\prime} + x^T x^{''}", "x",
     lambda x, x_prime_prime: 2 * x @ x_prime_prime),
    (r"v^{'} \in \mathbb{R}^n, x \in \mathbb{R}^n \\ f = x^T v'", "x", lambda v_prime, x: x @ v_prime),
])
def test_names_with_subscripts_and_primes(doc, wrt, f):
    check_gradient(doc, wrt, f)


ATT = r"x \in \mathbb{R}^{n}, W^Q, W^K \in \mathbb{R}^{n\times d} \\ "


@pytest.mark.parametrize("doc, wrt", [
    (r"f = x^T W^Q (W^K)^T x", "W^Q"),
    (r"f = x^T W^Q (W^K)^T x", "WQ"),
    (r"f = x^T W^Q {W^K}^T x", "W^K"),
    (r"q = {W^Q}^T x \\ k = {W^K}^T x \\ f = q^T k", "W^Q"),
])
def test_letter_superscript_names(doc, wrt):
    check_gradient(ATT + doc, wrt, lambda x, WQ, WK: x @ WQ @ WK.T @ x)


def test_letter_superscript_name_defined_through_its_own_letter():
    # Q = x^T W^Q: Q is a vector, so W^Q cannot be W to the power Q
    check_gradient(ATT + r"Q = x^T W^Q \\ f = Q Q^T", "W^Q",
                   lambda x, WQ: float((x @ WQ) @ (x @ WQ)))


def test_letter_superscript_two_readings_refused():
    refused(r"W^Q \in \mathbb{R}^{n\times n}, Q \in \mathbb{R}, x \in \mathbb{R}^n \\ "
            r"f = x^T W^Q x", "x", "two readings", "the declared name W^Q", "to the power Q")


def test_letter_superscript_still_a_power_of_a_scalar():
    check_gradient(r"w, q \in \mathbb{R}, x \in \mathbb{R}^n \\ f = w^q x^T x", "x",
                   lambda w, q, x: w ** q * (x @ x), mode="positive")


@pytest.mark.parametrize("reals", [r"{\rm I\!R}", r"\mathrm{I\!R}", r"\Bbb R", r"\Bbb{R}",
                                   r"\mathbb R"])
def test_spellings_of_the_reals(reals):
    check_gradient(r"a \in " + reals + r"^n, X \in " + reals + r"^{n\times n} \\ "
                   r"f = \mathbf{a}^T X^2 \mathbf{a}", "X", lambda a, X: a @ X @ X @ a)


@pytest.mark.parametrize("doc, f", [
    (r"f = \Sigma_{i=1}^n\Sigma_{j=1}^nA_{ij}x_ix_j", lambda x, A: x @ A @ x),
    (r"f = \Sigma^n_{i=1} x_i^2", lambda x, A: x @ x),
    (r"f = \Pi_{i=1}^{n} x_i", lambda x, A: np.prod(x)),
])
def test_capital_sigma_with_limits_is_a_sum(doc, f):
    check_gradient(X_N + SQ + r"\\ " + doc, "x", f)


def test_capital_sigma_with_limits_but_declared_refused():
    refused(X_N + r"\Sigma \in \mathbb{R} \\ f = \Sigma_{i=1}^n x_i", "x",
            "reads as a summation sign", "also declared")
    refused(X_N + r"\Sigma_k \in \mathbb{R} \\ f = \Sigma_{i=1}^n x_i", "x", "also declared")


def test_capital_sigma_as_a_matrix_still_a_name():
    check_gradient(r"\Sigma \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ "
                   r"f = x^T \Sigma^{-1} x + \Sigma_{1,1}", "x",
                   lambda Sigma, x: x @ np.linalg.solve(Sigma, x) + Sigma[0, 0], mode="spd")


@pytest.mark.parametrize("doc, piece", [
    # (sums over sets and MATLAB's .* ./ are read: tests/test_sets_reader.py)
    (r"f = \sum_{j \notin C} x_j", "a sum over \\notin is not supported"),
    (r"f = \mathbf{1}^T (x .^ 2)", "MATLAB's elementwise .^"),
    (r"y \in \mathbb{R}^n \\ f = 2 x.y", "a period between two factors"),
])
def test_unsupported_constructs_refused_by_name(doc, piece):
    refused(X_N + r"\\ " + doc, "x", piece)


def test_sum_bound_using_an_outer_index_ranged_by_a_later_term():
    # found by the index property test: the range of i comes from u_i, after the inner sum
    doc = (r"A \in \mathbb{R}^{n\times m}, u \in \mathbb{R}^n \\ "
           r"f = \sum_i \left(\sum_{k=i+1}^{n} \prod_j (1 - \sigma(A_{kj})) + u_i\right)")

    def f(A, u):
        p = np.prod(1 - 1 / (1 + np.exp(-A)), axis=1)
        return float(sum(p[i + 1:].sum() + u[i] for i in range(len(u))))
    check_gradient(doc, "A", f)


def test_sum_bound_using_a_definition_index_ranged_by_a_later_term():
    doc = r"v \in \mathbb{R}^m \\ w_j = \prod_{l=j+1}^{m} (1 - \sigma(v_l)) + v_j \\ f = \sum_j w_j"

    def f(v):
        q = 1 - 1 / (1 + np.exp(-v))
        return float(sum(np.prod(q[j + 1:]) + v[j] for j in range(len(v))))
    check_gradient(doc, "v", f)


# ------------------------------------------------------------------ functions

FAM = r"x_i \in \mathbb{R}^d, y_i \in \mathbb{R}, i = 1,\dots,n, \theta \in \mathbb{R}^d \\ "


def sig(t):
    return 1 / (1 + np.exp(-t))


@pytest.mark.parametrize("doc, f", [
    (r"g(z) = \frac{1}{1+e^{-z}} \\ J = \sum_i (g(\theta^T x_i) - y_i)^2",
     lambda x, y, theta: float(np.sum((sig(x @ theta) - y) ** 2))),
    (r"h_\theta(x) = \theta^T x \\ J = \frac12\sum_{i=1}^n (h_\theta(x_i) - y_i)^2",
     lambda x, y, theta: 0.5 * float(np.sum((x @ theta - y) ** 2))),
    (r"h_\theta(x) = g(\theta^T x) = \frac{1}{1+e^{-\theta^T x}} \\ "
     r"J = -\sum_{i} \left(y_i \log h_\theta(x_i) + (1 - y_i)\log(1 - h_\theta(x_i))\right)",
     lambda x, y, theta: float(-np.sum(y * np.log(sig(x @ theta))
                                       + (1 - y) * np.log(1 - sig(x @ theta))))),
    (r"\ell(z, t) = (z - t)^2 \\ L = \sum_i \ell(\theta^T x_i, y_i)",
     lambda x, y, theta: float(np.sum((x @ theta - y) ** 2))),
    (r"L = \sum_i \ell(\theta^T x_i, y_i) \\ \ell(z, t) = (z - t)^2",
     lambda x, y, theta: float(np.sum((x @ theta - y) ** 2))),
])
def test_function_with_dummy_arguments_applied_later(doc, f):
    check_gradient(FAM + doc, r"\theta", f)


def test_function_parameter_shadows_a_declared_variable():
    # s(x) with x declared as the family x_i: the parameter is a dummy
    doc = (r"w \in \mathbb{R}^d, \; x_i \in \mathbb{R}^d, \; i = 1,\dots,N, \; y \in \mathbb{R} \\ "
           r"NLL = - \sum_{i=1}^N[(1-y)log(1-s(w^Tx_i))+y\;log\;(s(w^Tx_i))] \\ "
           r"s(x) =\frac{1}{e^{-x}+1}")
    check_gradient(doc, "w", lambda w, x, y: float(-np.sum((1 - y) * np.log(1 - sig(x @ w))
                                                            + y * np.log(sig(x @ w)))),
                   objective="NLL")


def test_function_applied_to_matrices_and_vectors():
    doc = (r"x \in \mathbb{R}^n, A \in \mathbb{R}^{n \times n} \\ q(v) = v^T A v \\ "
           r"f = q(x) + q(Ax)")
    check_gradient(doc, "x", lambda x, A: x @ A @ x + (A @ x) @ A @ (A @ x))


@pytest.mark.parametrize("doc", [r"f(W, H) = \frac12 \|V - WH\|_F^2",
                                 r"\ell(W) = \frac12 \|V - WH\|_F^2 \\ f = \ell(W)"])
def test_left_sides_with_arguments_are_named_values(doc):
    check_gradient(r"V \in \mathbb{R}^{m \times n}, W \in \mathbb{R}^{m \times r}, "
                   r"H \in \mathbb{R}^{r \times n} \\ " + doc, "W",
                   lambda V, W, H: 0.5 * float(np.sum((V - W @ H) ** 2)))


@pytest.mark.parametrize("doc, piece", [
    (r"g(z) = z^2 \\ f = \sum_i g(x_i) + g", "g is a function: apply it"),
    (r"g(z) = g(z) + 1 \\ f = \sum_i g(x_i)", "g is defined in terms of itself"),
    (r"g(a, b) = a b \\ f = \sum_i g(x_i)", "g takes 2 arguments, not 1"),
])
def test_function_misuse_refused(doc, piece):
    refused(X_N + r"\\ " + doc, "x", piece)


def test_a_function_never_applied_reads_its_undeclared_argument_generally():
    # f(z) = z^T z with z never declared: z is an n_z-vector (lower/fresh.py; this was
    # refused as 'unknown name z' before the general reading)
    g = check_gradient(r"f(z) = z^Tz", "z", lambda z: float(z @ z))
    assert any(n.text == "z" and "most general shape" in n.reason for n in g.notes)


@pytest.mark.parametrize("doc, wrt, f", [
    (r"y \in \mathbb{R}^n, X \in \mathbb{R}^{n \times p}, \beta \in \mathbb{R}^p, "
     r"\lambda \in \mathbb{R} \\ RSS(\lambda) = (y−X\beta)^T(y−X\beta) +λ\beta^T\beta", r"\beta",
     lambda y, X, beta, lambda_: float((y - X @ beta) @ (y - X @ beta) + lambda_ * beta @ beta)),
    (r"y \in \mathbb{R}^n, X \in \mathbb{R}^{n \times p}, \beta \in \mathbb{R}^p \\ "
     r"RSS = (y-X\beta)^T(y-X\beta) \\ f = 2 RSS", r"\beta",
     lambda y, X, beta: 2 * float((y - X @ beta) @ (y - X @ beta))),
    (r"a, b \in \mathbb{R}^n \\ cossim(a,b)=\frac{a\cdot{b}}{\|a\| \|b\|}", "a",
     lambda a, b: a @ b / (np.linalg.norm(a) * np.linalg.norm(b))),
    (r"a, b \in \mathbb{R}^n \\ cossim(a,b)=\frac{a\cdot{b}}{\|a\| \|b\|} \\ f = 2 cossim(a,b) + 1",
     "a", lambda a, b: 2 * a @ b / (np.linalg.norm(a) * np.linalg.norm(b)) + 1),
    (r"a, b \in \mathbb{R}^n \\ sq(v)=v^Tv \\ f = sq(a) sq(b)", "a",
     lambda a, b: (a @ a) * (b @ b)),
])
def test_multi_letter_names_defined(doc, wrt, f):
    check_gradient(doc, wrt, f)


def test_letters_of_declared_arrays_stay_a_product():
    # Ax = b states an equation about the product Ax: no name Ax is defined
    doc = r"A \in \mathbb{R}^{n \times n}, x, b \in \mathbb{R}^n \\ Ax = b \\ f = x^T A x"
    check_gradient(doc, "x", lambda A, x, b: x @ A @ x)
    # a differential dS = ... is never a name
    doc = r"x \in \mathbb{R}^n \\ S = x^T x \\ dS = 2x^T dx"
    check_gradient(doc, "x", lambda x: x @ x)


def test_index_outside_a_negated_sum_gets_the_hint():
    refused(FAM + r"J = -\sum_{i} y_i \theta^T x_i + (1 - y_i)", r"\theta",
            "is used outside the \\sum that binds it", "did you mean")


def test_multi_letter_subscript_on_a_definition_is_part_of_the_name():
    doc = X_N + r"\\ W_{out} = x x^T \\ f = \operatorname{tr}(W_{out}) + \operatorname{tr}(W_{out} W_{out})"
    g = check_gradient(doc, "x", lambda x: x @ x + (x @ x) ** 2)
    assert "W_out" in g.problem.defs
    # an entrywise definition whose indices appear in its value is still entrywise
    doc = r"x_i \in \mathbb{R}^d, i = 1,\dots,n \\ K_{ij} = \exp(-\|x_i - x_j\|^2) \\ f = \sum_{i,j} K_{ij}"
    check_gradient(doc, "x", lambda x: float(np.sum(np.exp(-((x[:, None] - x[None]) ** 2).sum(-1)))))


# ------------------------------------------------------------------ small spellings

@pytest.mark.parametrize("doc, f", [
    (r"f = e^{-x^T x} + e^{2}", lambda x, A, d: np.exp(-(x @ x)) + np.exp(2)),
    (r"f = \pi x^T x + \sqrt{2\pi}", lambda x, A, d: np.pi * (x @ x) + np.sqrt(2 * np.pi)),
    (r"f = \frac{x^T A x}{\sqrt{d}}", lambda x, A, d: x @ A @ x / np.sqrt(d)),
    (r"f = \dfrac{1}{2}x^Tx + \tfrac12 x^TAx", lambda x, A, d: 0.5 * x @ x + 0.5 * x @ A @ x),
    (r"f = {\bf x}^T A {\it x} + \bm{x}^T\boldsymbol{x}", lambda x, A, d: x @ A @ x + x @ x),
    (r"f = \ln(1 + x^Tx)", lambda x, A, d: np.log(1 + x @ x)),
    (r"f = \operatorname*{tr}(A x x^\intercal)", lambda x, A, d: x @ A @ x),
    (r"f = \operatorname{Tr}(A x x^{\mathsf T}) + x^\top x", lambda x, A, d: x @ A @ x + x @ x),
])
def test_small_spellings(doc, f):
    check_gradient(X_N + SQ + r"d \in \mathbb{N} \\ " + doc, "x", f)


def test_sqrt_of_a_dimension_from_a_declaration():
    doc = (r"q, k \in \mathbb{R}^{d_k}, W \in \mathbb{R}^{d_k \times d_k} \\ "
           r"s = \frac{q^T W k}{\sqrt{d_k}}")
    check_gradient(doc, "W", lambda q, k, W: q @ W @ k / np.sqrt(len(q)))


# ------------------------------------------------------------------ conditioning bars

GAUSS = r"x_n \in \mathbb{R}^D, \; n = 1,\dots,N, \; \mu \in \mathbb{R}^D, \; \Sigma \in \mathbb{R}^{D \times D} \\ "


def gauss_kwargs(seed=0):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal((3, 3))
    return dict(x=rng.standard_normal((4, 3)), mu=rng.standard_normal(3), Sigma=a @ a.T / 3 + np.eye(3))


def gauss_ll(x, mu, Sigma):
    e = x - mu
    return float(-len(x) / 2 * np.log(np.linalg.det(Sigma))
                 - 0.5 * np.sum(e * np.linalg.solve(Sigma, e.T).T))


@pytest.mark.parametrize("lhs", [r"\ln p(X|\mu,\Sigma)", r"\log p(X \mid \mu, \Sigma)",
                                 r"\ell(\mu, \Sigma \mid X)", r"L(\mu|X, \Sigma)"])
@pytest.mark.parametrize("wrt", [r"\mu", r"\Sigma"])
def test_conditioning_bar_in_a_left_side(lhs, wrt):
    doc = GAUSS + lhs + (r"=-\frac{N}{2}\ln|\Sigma|-\frac{1}{2}\sum_{n=1}^N(x_n-\mu)^T"
                         r"\Sigma^{-1}(x_n-\mu)")
    check_gradient(doc, wrt, gauss_ll, kwargs=gauss_kwargs())


def test_two_bars_in_arguments_are_an_absolute_value():
    doc = r"\alpha, \beta \in \mathbb{R} \\ g(z) = z^2 \\ f = g(|\alpha| + \beta)"
    check_gradient(doc, r"\beta", lambda alpha, beta: (abs(alpha) + beta) ** 2)


def test_mid_outside_arguments_refused():
    refused(X_N + r"\\ f = x^T x \mid x", "x", r"\mid is read only as the conditioning bar")


@pytest.mark.parametrize("doc", [
    r"f(\textbf{x}) = \frac{1}{2} || \textbf{Ax - b} ||_2^2",
    r"f = \frac{1}{2} \textbf{(Ax - b)}^T (\textbf{A}\textbf{x} - \textbf{b})",
    r"f = \frac{1}{2} \left\| \textit{Ax - b} \right\|^2",
    r"f = \frac{1}{2} \left\| \textsf{A x} - \textsf{b} \right\|^2",
])
def test_font_command_around_an_expression(doc):
    check_gradient(r"\textbf{A} \in \mathbb{R}^{m \times n}, \textbf{x} \in \mathbb{R}^n, "
                   r"\textbf{b} \in \mathbb{R}^m \\ " + doc, "x",
                   lambda A, x, b: 0.5 * float((A @ x - b) @ (A @ x - b)))


def test_font_command_around_an_expression_is_located():
    e = refused(X_N + r"\\ f = \| \textbf{Ax - b} \|^2", "x", "unknown name A")
    assert e.column == 39


@pytest.mark.parametrize("doc", [
    r"f = \left( x^T x \text{ and } x^T A x \right)",
    r"f = \| x \text{ for all } x \|^2",
    r"f = \left( x^T x \text{, } 1 \right)",
])
def test_text_inside_brackets_refused(doc):
    # once dropped silently: (x^T x \text{ and } x^T A x) read as the product of both
    refused(X_N + SQ + r"\\ " + doc, "x", "text inside brackets")


def test_application_in_a_claim_does_not_make_a_function():
    doc = X_N + r"\\ f(x) = x^T x \\ df = f(x + dx) - f(x) = 2 x^T dx"
    check_gradient(doc, "x", lambda x: x @ x)


def test_check_reads_bars_as_the_document_did():
    doc = r"x, z \in \mathbb{R}^d, \sigma \in \mathbb{R} \\ k = \exp\left(-\frac{|x-z|^2}{2\sigma^2}\right)"
    assert matcalc.check(doc, "x", r"-k (x - z)/\sigma^2").ok
    assert matcalc.check(doc, "x", r"-\frac{|x - z|}{\sigma^2} \frac{k (x - z)}{|x - z|}").ok
    assert not matcalc.check(doc, "x", r"k (x - z)/\sigma^2").ok


def test_check_with_a_function_applied():
    doc = FAM + r"g(z) = \frac{1}{1+e^{-z}} \\ J = \sum_i (g(\theta^T x_i) - y_i)^2"
    claim = r"2 \sum_i (g(\theta^T x_i) - y_i) g(\theta^T x_i)(1 - g(\theta^T x_i)) x_i"
    assert matcalc.check(doc, r"\theta", claim).ok


@pytest.mark.parametrize("doc", [
    r"x \in \mathbb{R}^n \\ f = \underbrace \mapsto - n = e",     # found by fuzzing
    r"x \in \mathbb{R}^n \\ f = \over x", r"f = \underset{i}", r"f = \hat{\mathbf}",
    r"f = <x, > y", r"f = \qty", r"f = \textcolor{red}", r"x \in \mathbb{R}^n \\ f = \Sigma_{i=}^{}",
    r"f = p(x | y | z)", r"f = \langle \rangle", r"f(x) = f(", r"x \in \mathbb{R}^n \\ g(z) = z \\ f = g()",
])
def test_broken_notation_gives_a_matcalc_error(doc):
    with pytest.raises(MatcalcError):
        matcalc.gradient(doc, "x")


def test_many_layout_commands_read_in_linear_time():
    """Reading k layout commands costs about k, not k²: four times as many take well under
    16 times as long (CPU time, best of three: a wall-clock limit failed on a loaded
    machine, 4 s for a 3 s bound)."""
    import time
    from matcalc.read.words import tokenize

    def cost(text):
        best = float("inf")
        for _ in range(3):
            t = time.process_time()
            tokenize(text)
            best = min(best, time.process_time() - t)
        return best
    for piece in (r"\hat{x_i} + ", r"\boxed{x} + ", r"\underbrace{x}_{a} + ", r"\abs{x} + "):
        small, large = cost(piece * 1000 + "x"), cost(piece * 4000 + "x")
        assert large < 8 * max(small, 1e-3), (piece, small, large)


def test_layer_superscript_index_on_a_definition_is_entrywise():
    doc = (r"x^{(i)} \in \mathbb{R}^n, \; y^{(i)} \in \mathbb{R}, \; i = 1,\dots,m, "
           r"\; \theta \in \mathbb{R}^n \\ J^{(i)} = (\theta^T x^{(i)} - y^{(i)})^2 \\ "
           r"L = \frac{1}{m}\sum_{i=1}^m J^{(i)}")
    check_gradient(doc, r"\theta", lambda x, y, theta: float(np.mean((x @ theta - y) ** 2)),
                   objective="L")


def test_undefined_subscripted_function_named():
    refused(FAM + r"J = \sum_i (h_\theta(x_i) - y_i)^2", r"\theta", "unknown function h_{theta}",
            "does not define it")


# ---------------------------------------------------------------- docs/notation.md

def _docs_examples():
    import re
    from pathlib import Path
    text = (Path(__file__).parent.parent / "docs" / "notation.md").read_text()
    out = []
    for block in re.findall(r"```matcalc\n(.*?)```", text, re.S):
        head, _, body = block.partition("\n")
        wrt, _, obj = head.removeprefix("% wrt:").partition("objective:")
        out.append(pytest.param(body, wrt.strip(), obj.strip() or None,
                                id=f"{len(out):02d}-{wrt.strip()}"))
    return out


@pytest.mark.parametrize("doc, wrt, objective", _docs_examples())
def test_docs_examples(doc, wrt, objective):
    """Every example in docs/notation.md derives, and its gradient matches central
    differences of its objective."""
    from helpers import check_gradient
    check_gradient(doc, wrt, objective=objective)


def test_docs_has_examples():
    assert len(_docs_examples()) >= 10
