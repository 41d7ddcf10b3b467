"""Two constructs of softmax cross-entropy posts (corpus 155): the log-sum-exp written as an
operator name with hyphens (``\\operatorname{log-sum-exp}``, also ``\\mathrm{logsumexp}``,
``\\operatorname{LSE}``), read as the logsumexp op; and a chain of equalities ``\\ell =
-y:\\log(s) = \\lambda\\, y:1 - y:u = \\lambda - y:u`` whose members agree only where
1ᵀy = 1: read where the text says so in words (y one-hot, a probability vector), noted,
and refused where it does not (two readings). Gradients are compared with central
differences of hand-written NumPy references, at one-hot y where the chain needs it."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError

from helpers import central, check_gradient


def lse(u):
    m = np.max(u)
    return float(m + np.log(np.sum(np.exp(u - m))))


@pytest.mark.parametrize("spelling", [r"\operatorname{log-sum-exp}", r"\mathrm{logsumexp}",
                                      r"\operatorname{LSE}", r"\mathrm{LSE}",
                                      r"\operatorname{LogSumExp}", r"\mathrm{log-sum-exp}"])
def test_spellings_of_log_sum_exp(spelling):
    doc = r"$u, w \in \mathbb{R}^n$" "\n" rf"$$f = w^T u \, {spelling}(u)$$"
    check_gradient(doc, "u", f=lambda u, w: float(w @ u) * lse(u))


@pytest.mark.parametrize("spelling", [r"\operatorname{log-sum}", r"\operatorname{sum-exp}",
                                      r"\operatorname{log-exp}"])
def test_an_unknown_hyphenated_operator_is_refused(spelling):
    doc = r"$u \in \mathbb{R}^n$" "\n" rf"$$f = {spelling}(u)$$"
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="u")
    assert "hyphens" in str(e.value)


def test_a_hyphen_in_an_upright_font_stays_a_minus_elsewhere():
    """\\mathrm{a-b}: not a spelling of any op, so the letters and the minus are read."""
    doc = r"$a, b \in \mathbb{R}$" "\n" r"$$f = (\mathrm{a-b})^2$$"
    check_gradient(doc, "a", f=lambda a, b: (a - b) ** 2)


CHAIN = ("$$s = \\operatorname{softmax}(u)$$\n$$\\lambda = \\operatorname{log-sum-exp}(u)$$\n"
         "$$\\ell = -y:\\log(s) = \\lambda\\, y:\\mathbf{1} - y:u = \\lambda - y:u$$\n")
DECL = r"$u, y \in \mathbb{R}^K$"


def first_member(u, y):
    return float(-y @ (u - lse(u)))             # -y : log(softmax(u))


def last_member(u, y):
    return float(lse(u) - y @ u)


def one_hot(rng, n):
    y = np.zeros(n)
    y[rng.integers(n)] = 1.0
    return y


@pytest.mark.parametrize("words", [", where $y$ is one-hot.", ", where y is one-hot.",
                                   " and $y$ is a probability vector.",
                                   ", where $y$ is a one-hot encoded label",
                                   " ($y$ sums to 1)"])
def test_a_chain_that_needs_one_hot_y_is_read_where_the_text_says_so(words):
    g = matcalc.gradient(DECL + words + "\n" + CHAIN, wrt="u")
    noted = [n for n in g.notes if "only where" in n.reason and "text states" in n.reason]
    assert len(noted) == 2              # the two earlier members, each equal only there
    grad = g.to_numpy()
    rng = np.random.default_rng(7)
    for n in (3, 5):
        for _ in range(3):
            u, y = rng.standard_normal(n), one_hot(rng, n)
            got = matcalc.numeric.call(grad, {"u": u, "y": y})
            for member in (first_member, last_member):      # every member gives it there
                want = central(lambda v: member(v, y), u)
                assert np.allclose(got, want, rtol=1e-6, atol=1e-8)


def test_without_the_words_the_chain_is_two_readings():
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(DECL + "\n" + CHAIN, wrt="u")
    assert "chain of equalities whose members give different values" in str(e.value)
    assert "two readings" in str(e.value)


def test_a_chain_wrong_even_where_y_sums_to_1_is_refused():
    bad = CHAIN.replace(r"= \lambda - y:u$$", r"= 2\lambda - y:u$$")
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(DECL + ", where $y$ is one-hot.\n" + bad, wrt="u")
    assert "two readings" in str(e.value)


def test_the_gradient_with_respect_to_the_normalised_input_is_refused():
    doc = DECL + ", where $y$ is one-hot.\n" + CHAIN
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="y")
    assert "two readings" in str(e.value) and "one-hot" in str(e.value)


def test_a_statement_about_another_name_does_not_settle_the_chain():
    doc = r"$u, y, p \in \mathbb{R}^K$, where $p$ is one-hot." "\n" + CHAIN + \
        "$$L = \\ell + p^T u$$\n"
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="u", objective=r"\ell")
    assert "two readings" in str(e.value)


def test_a_chain_whose_members_agree_everywhere_needs_no_words():
    doc = DECL + "\n" + CHAIN.replace(r"= \lambda\, y:\mathbf{1} - y:u = \lambda - y:u",
                                      r"= \lambda\, y:\mathbf{1} - y:u")
    g = check_gradient(doc, "u", f=first_member)
    assert not any("only where" in n.reason for n in g.notes)
