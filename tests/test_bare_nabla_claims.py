"""A claimed gradient written with a bare ``\\nabla J`` (no subscript), as posts write it
("I get $\\nabla J = ...$"): judged as the gradient wrt J's one written argument
(``J(\\beta) = ...``); without one it is listed unchecked, naming what to write -- never
dropped from `check_all(..., wrt=...)` (it was: "0 claims"). The verdicts are numeric (the
claim against matcalc's gradient at random points), and that gradient is compared here with
central differences of an independent NumPy reference.
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc

from helpers import check_gradient

POST = (r"Let $X \in \mathbb{R}^{n \times p}$, $y \in \mathbb{R}^n$ and "
        r"$\beta \in \mathbb{R}^p$. The ridge objective is" "\n"
        r"$$ J{ARG} = \frac{1}{2n}\|y - X\beta\|_2^2 + \frac{\lambda}{2}\|\beta\|_2^2 $$" "\n"
        r"with $\lambda > 0$. I get $\nabla J{CLAIMARG} = {CLAIM}$. Is that right?" "\n")
RIGHT = r"-\frac{1}{n}X^T(y - X\beta) + \lambda \beta"


def post(arg=r"(\beta)", claim=RIGHT, claim_arg=""):
    return POST.replace("{ARG}", arg).replace("{CLAIM}", claim).replace("{CLAIMARG}", claim_arg)


def ridge(X, y, beta, lambda_):
    n = X.shape[0]
    return float(np.sum((y - X @ beta) ** 2) / (2 * n) + lambda_ / 2 * beta @ beta)


def test_the_gradient_the_claims_are_judged_against_is_right():
    check_gradient(post(), r"\beta", f=ridge)


@pytest.mark.parametrize("wrt", [None, r"\beta"])
@pytest.mark.parametrize("arg, claim_arg", [(r"(\beta)", ""), ("", r"(\beta)")])
def test_a_bare_nabla_is_the_gradient_wrt_the_written_argument(wrt, arg, claim_arg):
    vs = matcalc.check_all(post(arg, claim_arg=claim_arg), wrt=wrt)
    assert [v.status for v in vs] == ["right"]
    assert vs[0].wrt == "beta"


@pytest.mark.parametrize("claim, how", [
    (r"\frac{1}{n}X^T(y - X\beta) + \lambda \beta", r"\frac{1}{n}X^T(y - X\beta)"),
    (r"-\frac{1}{n}X^T(y - X\beta) + 2\lambda \beta", None),
])
def test_a_wrong_bare_nabla_claim_is_wrong_and_located(claim, how):
    vs = matcalc.check_all(post(claim=claim), wrt=r"\beta")
    assert [v.status for v in vs] == ["wrong"]
    if how is not None:   # the located term is printed whole, with its closing parenthesis
        assert f"goes wrong at ${how}$" in vs[0].reason


def test_a_bare_nabla_without_an_argument_is_listed_unchecked_not_dropped():
    for wrt in (None, r"\beta"):
        vs = matcalc.check_all(post(arg=""), wrt=wrt)
        assert [v.status for v in vs] == ["unchecked"]
        assert r"\nabla_x J" in vs[0].reason


def test_a_bare_nabla_of_a_function_of_two_arguments_is_unchecked():
    doc = post(arg=r"(\beta, X)")
    vs = matcalc.check_all(doc)
    assert [v.status for v in vs] == ["unchecked"]
