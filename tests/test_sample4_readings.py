"""Readings found by the fourth corpus sample (tests/realworld 190-197), each on small
documents of our own, gradients checked by central finite differences (helpers).

- an objective written as a function of the variable asked for, ``L(\\theta) = ...``, whose
  value never uses it (190: K_y depends on the hyperparameters, unsaid): refused at the
  argument -- it was a gradient 0 without a word;
- an update step ``\\theta^{(t+1)} = \\theta^{(t)} + \\eta \\nabla_\\theta L(\\theta^{(t)})`` is
  no definition, and does not make L a function (190 was "not defined" without a place);
- ``RSS^{lasso}(\\theta) = ...``: a letter run with a word label and its argument is one
  name, ``RSS^{OLS}(\\theta)`` on a right side an application (192);
- ``\\|X\\|_\\text{Fro}`` is the Frobenius norm (193);
- a declared array equated to a formula that would leave the objective a constant
  (193's ``V = WH``, the factorisation sought) is an equation about the data, noted -- it
  was read as the definition: ``\\|V - WH\\|^2`` identically 0, gradient 0 without a word.
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient

DECL_GP = r"$y \in \mathbb{R}^n, K \in \mathbb{R}^{n \times n}, \theta \in \mathbb{R}^p$" "\n"


# ---------------------------------------------------------------- L(theta), theta unused
@pytest.mark.parametrize("body", [
    r"$$L(\theta) = -\frac{1}{2} y^T K^{-1} y - \frac{1}{2}\log |K|$$",
    r"$$L(\theta) = \log p(y | \theta) = y^T K^{-1} y$$",
])
def test_argument_the_value_never_uses_is_refused_at_the_argument(body):
    with pytest.raises(matcalc.MatcalcError) as e:
        matcalc.gradient(DECL_GP + body, wrt=r"\theta")
    msg = str(e.value)
    assert "is written as a function of \\theta" in msg and "gives 0" in msg
    assert e.value.line == 2


def test_the_same_objective_wrt_a_name_it_uses_derives():
    doc = DECL_GP + r"$$L(\theta) = -\frac{1}{2} y^T K^{-1} y - \frac{1}{2}\log |K|$$"

    def f(y, K, **_):
        return float(-0.5 * y @ np.linalg.solve(K, y) - 0.5 * np.log(abs(np.linalg.det(K))))
    check_gradient(doc, "K", f, mode="spd")


def test_a_declared_variable_the_objective_does_not_name_keeps_gradient_zero():
    # nothing in the text says L depends on theta: its gradient is 0, as written
    g = matcalc.gradient(DECL_GP + r"$$L = y^T K^{-1} y$$", wrt=r"\theta")
    assert g.latex().strip() == "0"


def test_an_argument_the_value_uses_is_not_refused():
    doc = r"$x, a \in \mathbb{R}^n$" "\n" r"$$f(x) = (a^T x)^2 + x^T x$$"
    check_gradient(doc, "x", lambda x, a: float((a @ x) ** 2 + x @ x))


# ---------------------------------------------------------------- update steps
def test_an_update_step_is_no_definition_and_applies_no_function():
    doc = (DECL_GP + r"$$\mathcal{L}(\theta) = -\frac{1}{2} y^T K^{-1} y$$" "\n"
           r"This enables $$\theta^{(t+1)} = \theta^{(t)} + \eta \nabla_{\theta} "
           r"\mathcal{L}(\theta^{(t)})$$")
    g = check_gradient(doc, "K", lambda y, K, **_: float(-0.5 * y @ np.linalg.solve(K, y)),
                       objective=r"\mathcal{L}(\theta)", mode="spd")
    assert any("a step of an iteration" in n.reason for n in g.notes)


def test_an_update_step_is_not_the_objective_by_the_last_definition_rule():
    doc = (r"$w, x \in \mathbb{R}^n, y, \eta \in \mathbb{R}$" "\n"
           r"$$J(w) = (y - w^T x)^2$$" "\n"
           r"$$w^{(t+1)} = w^{(t)} - \eta \nabla_w J(w^{(t)})$$")
    check_gradient(doc, "w", lambda w, x, y, **_: float((y - w @ x) ** 2))


# ---------------------------------------------------------------- RSS^{lasso}(theta)
def test_a_labelled_letter_run_is_one_name_with_its_argument():
    doc = (r"$\theta, x \in \mathbb{R}^{n}, \lambda \in \mathbb{R}$" "\n"
           r"$$RSS^{lasso}(\theta) = (x^T\theta)^2 + \lambda \theta^T \theta$$")
    g = check_gradient(doc, r"\theta", lambda theta, x, lambda_: float(
        (x @ theta) ** 2 + lambda_ * theta @ theta), objective=r"RSS^{lasso}(\theta)")
    assert "RSS" in g.problem.latex[g.problem.objective]


def test_a_labelled_run_applied_on_the_right_is_a_function_of_the_document():
    doc = (r"$\theta, x \in \mathbb{R}^{n}, \lambda \in \mathbb{R}$" "\n"
           r"$$RSS^{OLS}(\theta) = (x^T\theta)^2$$" "\n"
           r"$$RSS^{lasso}(\theta) = RSS^{OLS}(\theta) + \lambda \theta^T \theta$$")
    check_gradient(doc, r"\theta", lambda theta, x, lambda_: float(
        (x @ theta) ** 2 + lambda_ * theta @ theta), objective=r"RSS^{lasso}(\theta)")


def test_an_undefined_labelled_run_in_a_chain_leaves_the_last_member_the_value():
    doc = (r"$\theta, x \in \mathbb{R}^{n}, \lambda \in \mathbb{R}$" "\n"
           r"$$\begin{aligned} RSS^{lasso}(\theta) & = RSS^{OLS}(\theta) + \lambda "
           r"\theta^T\theta \\ &= (x^T\theta)^2 + \lambda \theta^T\theta \end{aligned}$$")
    g = check_gradient(doc, r"\theta", lambda theta, x, lambda_: float(
        (x @ theta) ** 2 + lambda_ * theta @ theta), objective=r"RSS^{lasso}(\theta)")
    assert any("unknown function" in n.reason and "RSS" in n.reason for n in g.notes)


def test_a_declared_letter_run_stays_a_product():
    # A, x declared: A x^{T}... is no name; a superscript word on a declared letter is not
    # taken for a label of a letter run either
    doc = r"$A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n$" "\n" r"$$f = x^T A x$$"
    check_gradient(doc, "x", lambda A, x: float(x @ A @ x))


# ---------------------------------------------------------------- \|X\|_\text{Fro}
@pytest.mark.parametrize("sub", [r"_\text{Fro}", r"_{\mathrm{Fro}}", r"_{fro}", r"_F"])
def test_frobenius_subscripts(sub):
    doc = (r"$V \in \mathbb{R}^{m \times n}, W \in \mathbb{R}^{m \times k}, "
           r"H \in \mathbb{R}^{k \times n}$" "\n" r"$$l = \| V - WH \|" + sub + "^2$$")
    check_gradient(doc, "W", lambda V, W, H: float(np.sum((V - W @ H) ** 2)))


def test_an_unknown_norm_subscript_of_a_matrix_stays_refused():
    doc = r"$X \in \mathbb{R}^{m \times n}$" "\n" r"$$l = \| X \|_\text{nuc}^2$$"
    with pytest.raises(matcalc.MatcalcError):
        matcalc.gradient(doc, wrt="X")


# ---------------------------------------------------------------- V = WH, V declared
NMF = (r"$V \in \mathbb{R}^{m \times n}, W \in \mathbb{R}^{m \times k}, "
       r"H \in \mathbb{R}^{k \times n}$" "\n" r"Find a solution of $V = WH$ with" "\n"
       r"$$l(W, H) = \| V - WH \|_F^2$$")


@pytest.mark.parametrize("wrt", ["W", "H"])
def test_a_declared_array_equated_to_the_factorisation_sought_stays_data(wrt):
    g = check_gradient(NMF, wrt, lambda V, W, H: float(np.sum((V - W @ H) ** 2)),
                       objective="l(W, H)")
    assert "V" in g.inputs
    assert any("an equation about the data V" in n.reason for n in g.notes)


def test_a_declared_intermediate_then_defined_stays_a_definition():
    # h declared, then defined: the objective still varies, so h = \sigma(Wx) defines h
    doc = (r"$W \in \mathbb{R}^{k \times n}, x \in \mathbb{R}^n, h, v \in \mathbb{R}^k$" "\n"
           r"$$h = \sigma(Wx)$$" "\n" r"$$f = v^T h$$")

    def f(W, x, v):
        return float(v @ (1 / (1 + np.exp(-(W @ x)))))
    g = check_gradient(doc, "W", f)
    assert "h" not in g.inputs


def test_a_constant_objective_without_a_declared_definition_is_left_alone():
    # nothing declared is equated: a loss of a difference that vanishes is the author's
    doc = (r"$W \in \mathbb{R}^{m \times k}, H \in \mathbb{R}^{k \times n}$" "\n"
           r"$$V = WH$$" "\n" r"$$l = \| V - WH \|_F^2$$")
    g = matcalc.gradient(doc, wrt="W")
    assert g.latex().strip() == "0"


# ---------------------------------------------------------------- Y = 1 for a case
CONTRASTIVE = (r"$U, V \in \mathbb{R}^n, Y, m \in \mathbb{R}$" "\n"
               r"so $Y = 1$ for a similar pair and $Y = 0$ for a dissimilar pair:" "\n"
               r"$$L = Y\frac{1}{2}\|U - V\|^2 + (1 - Y)\frac{1}{2} m^2$$")


def test_a_label_set_to_numbers_for_cases_stays_an_input():
    g = check_gradient(CONTRASTIVE, "U", lambda U, V, Y, m: float(
        Y * 0.5 * np.sum((U - V) ** 2) + (1 - Y) * 0.5 * m ** 2))
    assert "Y" in g.inputs
    assert sum("a case the words after it state" in n.reason for n in g.notes) == 2


@pytest.mark.parametrize("words", ["if the points are similar", "when they agree",
                                   "otherwise", ", for the positive pairs"])
def test_case_words(words):
    doc = (r"$U, V \in \mathbb{R}^n, Y \in \mathbb{R}$" "\n" r"Here $Y = 0$ " + words + "\n"
           r"$$L = Y \|U - V\|^2$$")
    g = check_gradient(doc, "U", lambda U, V, Y: float(Y * np.sum((U - V) ** 2)))
    assert "Y" in g.inputs


def test_a_number_given_without_case_words_is_still_a_definition():
    # "we set \lambda = 0.1": a parameter's value, which the objective then uses
    doc = (r"$x, a \in \mathbb{R}^n$" "\n" r"$$f = \lambda a^T x + x^T x$$" "\n"
           r"where we set $\lambda = 0.1$.")
    check_gradient(doc, "x", lambda a, x: float(0.1 * a @ x + x @ x))


# ---------------------------------------------------------------- t_1 + \dots + t_n
@pytest.mark.parametrize("dots", [r"\ldots", r"\dots", r"\cdots", "..."])
def test_an_elided_sum_of_one_pattern_is_the_sum(dots):
    doc = (r"$U, V \in \mathbb{R}^n$" "\n"
           r"$$D = \sqrt{(U_1 - V_1)^2 + " + dots + r" + (U_n - V_n)^2}$$")
    g = check_gradient(doc, "U", lambda U, V: float(np.sqrt(np.sum((U - V) ** 2))))
    assert any("an elided sum of one pattern" in n.reason for n in g.notes)


def test_an_elided_sum_with_its_second_term_written():
    doc = (r"$x, w \in \mathbb{R}^n$" "\n" r"$$f = (w_1 x_1 + w_2 x_2 + \dots + w_n x_n)^2$$")
    check_gradient(doc, "w", lambda x, w: float((w @ x) ** 2))


def test_an_elided_sum_whose_terms_follow_no_one_pattern_stays_refused():
    doc = (r"$x, w \in \mathbb{R}^n$" "\n" r"$$f = w_1 x_1 + \dots + w_n x_1$$")
    with pytest.raises(matcalc.MatcalcError) as e:
        matcalc.gradient(doc, wrt="w")
    assert "elided" in str(e.value)


def test_a_number_one_outside_subscripts_is_not_the_index():
    # only whole subscript items are the index: the 1 of (x_1 - 1)^2 stays a 1
    doc = (r"$x \in \mathbb{R}^n$" "\n" r"$$f = (x_1 - 1)^2 + \dots + (x_n - 1)^2$$")
    check_gradient(doc, "x", lambda x: float(np.sum((x - 1) ** 2)))


# ---------------------------------------------------------------- F: R^p \to R
@pytest.mark.parametrize("sig,shape", [(r"\mathbb{R}^p \to \mathbb{R}", "p"),
                                       (r"\mathbb{R}^{p} \rightarrow \mathbb{R}", "p"),
                                       (r"\mathbb{R}^{n \times p} \to \mathbb{R}", "np")])
def test_a_signature_declares_the_parameter_of_the_definition(sig, shape):
    if shape == "p":
        decl = r"$X \in \mathbb{R}^{n \times p}, Y \in \mathbb{R}^n$"
        body, wrt = r"$$F(\beta) = \frac{1}{2n}\|Y - X\beta\|^2$$", r"\beta"

        def f(X, Y, beta):
            return float(np.sum((Y - X @ beta) ** 2) / (2 * len(Y)))
    else:
        decl = r"$A \in \mathbb{R}^{p \times n}$"
        body, wrt = r"$$F(B) = \operatorname{tr}(A B)^2$$", "B"

        def f(A, B):
            return float(np.trace(A @ B) ** 2)
    doc = decl + "\n" + r"Define $F: " + sig + r"$ by" + "\n" + body
    g = check_gradient(doc, wrt, f)
    assert any("declared by the signature" in n.reason for n in g.notes)


def test_a_declared_parameter_keeps_its_declaration():
    doc = (r"$x \in \mathbb{R}^n$" "\n" r"Define $f: \mathbb{R}^n \to \mathbb{R}$ by" "\n"
           r"$$f(x) = x^T x$$")
    g = check_gradient(doc, "x", lambda x: float(x @ x))
    assert not any("declared by the signature" in n.reason for n in g.notes)


def test_a_signature_of_a_product_of_spaces_declares_nothing():
    """The signature declares nothing (x is not made an n-vector by it); x is then read
    by the most general reading its uses allow (lower/fresh.py), noted, and its gradient
    checked by finite differences."""
    doc = (r"Define $f: \mathbb{R}^n \times \mathbb{R}^n \to \mathbb{R}$ by" "\n"
           r"$$f(x) = x^T x$$")
    g = check_gradient(doc, "x", f=lambda x: float(x @ x))
    assert not any("declared by the signature" in n.reason for n in g.notes)
    assert any("never declared" in n.reason for n in g.notes), [n.reason for n in g.notes]


def test_a_function_of_two_arguments_that_uses_one_keeps_gradient_zero_for_the_other():
    doc = r"$x, y \in \mathbb{R}^n$" "\n" r"$$f(x, y) = y^T y$$"
    g = matcalc.gradient(doc, wrt="x")
    assert g.latex().strip() == "0"


def test_an_undeclared_name_set_for_a_case_is_still_its_value():
    doc = (r"$x, a \in \mathbb{R}^n$" "\n" r"$$f = \lambda a^T x + x^T x$$" "\n"
           r"where we set $\lambda = 0.1$ for the experiments.")
    check_gradient(doc, "x", lambda a, x: float(0.1 * a @ x + x @ x))
