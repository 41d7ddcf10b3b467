"""A left side whose argument is a set of names (issue 8, corpus 091):
``L\\left(\\left\\{W_\\ell, \\gamma_\\ell, \\beta_\\ell\\right\\}_{\\ell=1}^3\\right) := ...``
defines L; the set lists what L depends on, as a list of names would. A set has no order,
so a definition written so is never applied to other arguments (which name is which?),
and a set anywhere else has no value: both refused, located."""
import numpy as np
import pytest
from helpers import check_gradient, refused

import matcalc

HEAD = r"$W_1 \in \mathbb{R}^{m \times n}, W_2 \in \mathbb{R}^{q \times m}, x \in \mathbb{R}^n$ "


def sig(t):
    return 1.0 / (1.0 + np.exp(-t))


@pytest.mark.parametrize("left", [
    r"L\left(\left\{W_\ell\right\}_{\ell=1}^2\right)",
    r"L(\{W_1, W_2\})",
    r"L\left(\left\{W_\ell \right\}_{\ell=1}^{2}\right)",
    r"L(\{W_\ell\}^2_{\ell=1})",
])
def test_a_set_of_names_on_the_left_defines_the_name(left):
    doc = HEAD + f"${left} := \\|W_2 \\sigma(W_1 x)\\|^2$"
    for wrt in ("W_1", "W_2"):
        g = check_gradient(doc, wrt, f=lambda W_1, W_2, x: float(np.sum(
            (W_2 @ sig(W_1 @ x)) ** 2)))
    assert g.lhs_latex == r"\frac{\partial L}{\partial W_{2}}"
    # named as written, and by its name
    for name in ("L", left):
        assert matcalc.gradient(doc, "W_1", objective=name).text() == \
            matcalc.gradient(doc, "W_1").text()


def test_over_a_family_of_samples():
    """091's shape: a sum over samples x_i, y_i of a network's squared error."""
    doc = (r"$x_i \in \mathbb{R}^n, y_i \in \mathbb{R}^q, i = 1, \dots, N$, "
           r"$W_1 \in \mathbb{R}^{m \times n}, W_2 \in \mathbb{R}^{q \times m}$ "
           r"$$L\left(\left\{W_\ell\right\}_{\ell=1}^2\right) := \sum_{i=1}^N "
           r"\| W_2 \sigma\left(W_1 x_i\right) - y_i \|_2^2$$")
    check_gradient(doc, "W_1", f=lambda W_1, W_2, x, y: float(np.sum(
        (sig(x @ W_1.T) @ W_2.T - y) ** 2)))


def test_the_same_set_again_is_the_name_and_a_mention_is_prose():
    doc = (HEAD + r"$L(\{W_1, W_2\}) := \|W_2 W_1 x\|^2$ "
           r"and we minimise $L(\{W_1, W_2\})$ over $\{W_1, W_2\}$. "
           r"$f = 3 L(\{W_1, W_2\}) + x^T x$")
    check_gradient(doc, "W_1", f=lambda W_1, W_2, x: 3 * float(np.sum((W_2 @ W_1 @ x) ** 2))
                   + float(x @ x))


def test_a_function_with_dummy_arguments_stays_one():
    """g(z) beside a set-argument definition: g's z is still a dummy, applied to W_1 x."""
    doc = (HEAD + r"$g(z) = \mathbf{1}^T \log(1 + \exp(z))$ "
           r"$L(\{W_1, W_2\}) := g(W_1 x) + \|W_2 W_1 x\|^2$")
    check_gradient(doc, "W_1", f=lambda W_1, W_2, x: float(
        np.sum(np.log1p(np.exp(W_1 @ x))) + np.sum((W_2 @ W_1 @ x) ** 2)))


H2 = r"$A, B \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n$ "


@pytest.mark.parametrize("doc, pieces", [
    # a set has no order: which of A, B is which parameter?
    (H2 + r"$L(\{A, B\}) := \|B A x\|^2$ $f = L(\{B, A\})$",
     ("set of names as its argument", "a set has no order")),
    (H2 + r"$L(\{A, B\}) := \|B A x\|^2$ $f = L(A x, B)$", ("a set has no order",)),
    # a set is no value
    (H2 + r"$g(z) := \|z\|^2$ $f = g(\{A x, B x\})$", ("read only as the argument list",)),
    (H2 + r"$g(u, v) := u^T v$ $f = g(\{A x, B x\})$", ("takes 2 arguments, not 1",)),
    # only names, and at most a range after it
    (H2 + r"$L(\{A, \dots, B\}) := \|B A x\|^2$", ("without dots",)),
])
def test_sets_that_are_not_a_left_side_list_are_refused(doc, pieces):
    refused(doc, "A", *pieces)
