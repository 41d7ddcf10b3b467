"""A claimed gradient that ends ``= 0`` (``\\nabla_\\theta L = -2X^T(y - X\\theta) + 2\\lambda
\\theta = 0``, as every closed-form derivation writes it) sets the gradient to zero: a
first-order condition at the optimum. Its closed-form members are judged and the ``= 0``
is not (it was judged as the claim "the gradient is 0" and the right member called wrong,
"off by a constant factor of 0"); ``\\nabla f = 0`` alone is unchecked, saying why, never
right. The closed forms are confirmed here by central differences (helpers.central)."""
import numpy as np
import pytest

import matcalc
from helpers import central

DECL = (r"$X \in \mathbb{R}^{m \times n}, y \in \mathbb{R}^m, \theta \in \mathbb{R}^n, "
        r"\lambda \in \mathbb{R}$" + "\n"
        r"$L(\theta) = \|y - X\theta\|^2 + \lambda \|\theta\|^2$" + "\n")
RIGHT = r"-2X^T (y - X\theta) + 2\lambda \theta"
WRONG = r"-2X^T (y - X\theta) + \lambda \theta"


def _fd_agrees(rhs_numpy):
    rng = np.random.default_rng(3)
    X, y, th, lam = rng.normal(size=(5, 3)), rng.normal(size=5), rng.normal(size=3), 0.7
    f = lambda t: float(np.sum((y - X @ t) ** 2) + lam * np.sum(t ** 2))
    return np.allclose(central(f, th), rhs_numpy(X, y, th, lam), rtol=1e-6, atol=1e-8)


def test_the_closed_forms_are_what_the_tests_say():
    assert _fd_agrees(lambda X, y, t, lam: -2 * X.T @ (y - X @ t) + 2 * lam * t)
    assert not _fd_agrees(lambda X, y, t, lam: -2 * X.T @ (y - X @ t) + lam * t)


@pytest.mark.parametrize("lhs", [r"\nabla_\theta L", r"\frac{\partial L}{\partial \theta}"])
def test_a_zero_last_member_is_the_first_order_condition(lhs):
    vs = matcalc.check_all(DECL + f"${lhs} = {RIGHT} = 0$\n", objective="L")
    assert [v.status for v in vs] == ["right"], [v.reason for v in vs]
    assert "first-order condition" in vs[0].reason


def test_a_wrong_member_before_zero_is_still_wrong():
    vs = matcalc.check_all(DECL + rf"$\nabla_\theta L = {WRONG} = 0$" + "\n", objective="L")
    assert [v.status for v in vs] == ["wrong"]


def test_the_gradient_set_to_zero_alone_is_unchecked():
    vs = matcalc.check_all(DECL + r"$\nabla_\theta L = 0$" + "\n", objective="L")
    assert [v.status for v in vs] == ["unchecked"]
    assert "first-order condition" in vs[0].reason


def test_a_zero_continued_row_is_unchecked_and_the_rows_before_judged():
    doc = DECL + "\\begin{align}\n\\nabla_\\theta L &= " + RIGHT + " \\\\\n &= 0\n\\end{align}\n"
    vs = matcalc.check_all(doc, objective="L")
    assert [v.status for v in vs] == ["right", "unchecked"], [(v.status, v.reason) for v in vs]
