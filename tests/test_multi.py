"""Several variables at once: gradient(doc, wrt=[...]) gives every gradient in wrt order
from one generated function (with the objective's value first when asked), each checked
against central finite differences of an independent NumPy objective."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import matcalc
from matcalc import numeric
from helpers import check_gradient

DOC = open(__import__("pathlib").Path(__file__).parents[1] / "examples" / "logistic_layer.tex").read()


def objective(W, x, b, w, y):
    s = 1 / (1 + np.exp(-(W @ x + b)))
    return float(np.log1p(np.exp(-y * (w @ s))))


def _inputs(rng):
    return dict(W=rng.standard_normal((3, 4)), x=rng.standard_normal(4),
                b=rng.standard_normal(3), w=rng.standard_normal(3), y=float(rng.standard_normal()))


@pytest.mark.parametrize("wrt", [["W", "b"], ("b", "W", "x"), "W,b", "w, y"])
def test_one_function_for_several_variables(wrt):
    G = matcalc.gradient(DOC, wrt=wrt)
    names = [w.strip() for w in (wrt.split(",") if isinstance(wrt, str) else wrt)]
    assert list(G.wrt) == names and len(G) == len(names)
    rng = np.random.default_rng(1)
    for _ in range(2):
        kw = _inputs(rng)
        value, *grads = G.to_numpy(value=True)(**kw)
        assert np.isclose(value, objective(**kw), rtol=1e-12)
        only = G.to_numpy()(**kw)
        for name, got, alone in zip(names, grads, only):
            want = numeric.central_difference(objective, kw, name)
            assert numeric.relative_error(got, want) < 1e-6, name
            assert np.allclose(alone, got)
            assert np.allclose(G[name].to_numpy()(**kw), got)
    assert G.latex().startswith(r"\begin{aligned}") and G.text().count("∂") == 2 * len(names)


def test_single_variable_with_value():
    g = matcalc.gradient(DOC, wrt="W")
    kw = _inputs(np.random.default_rng(2))
    value, grad = g.to_numpy(value=True)(**kw)
    assert np.isclose(value, objective(**kw)) and np.allclose(grad, g.to_numpy()(**kw))


def test_a_comma_inside_braces_is_one_name():
    doc = (r"t_{p,k} \in \mathbb{R}^D, p = 1,\dots,P, k = 1,\dots,K \\ "
           r"f = \sum_{p=1}^{P}\sum_{k=1}^{K} \|t_{p,k}\|^2")
    g = matcalc.gradient(doc, wrt="t_{p,k}")
    assert isinstance(g, matcalc.Gradient)


@pytest.mark.parametrize("wrt", [["W", "W"], [], "W,nope"])
def test_bad_lists_are_refused(wrt):
    with pytest.raises(matcalc.MatcalcError):
        matcalc.gradient(DOC, wrt=wrt)


FAMILY = (r"z_i \in \mathbb{R}^d, \; i = 1,\dots,n, \; \mu_j \in \mathbb{R}^d, \; j = 1,\dots,K"
          "\n" r"L = \sum_{i=1}^n \sum_{j=1}^K \|z_i - \mu_j\|^2")


@pytest.mark.parametrize("member, family", [(r"\mu_j", r"\mu"), (r"\mu_k", r"\mu"),
                                            ("z_i", "z"), (r"z_{i}", "z")])
def test_wrt_a_member_of_a_family_is_the_family(member, family):
    """--wrt z_i (as the issue asks it) differentiates wrt the whole family z: the same
    gradient as --wrt z, right against finite differences."""
    g, whole = matcalc.gradient(FAMILY, wrt=member), matcalc.gradient(FAMILY, wrt=family)
    assert g.wrt == whole.wrt
    check_gradient(FAMILY, member, lambda z, mu: sum(
        float(np.sum((z[i] - mu[j]) ** 2)) for i in range(len(z)) for j in range(len(mu))))


def test_wrt_a_subscripted_scalar_is_not_a_family():
    doc = r"\alpha \in \mathbb{R}, x \in \mathbb{R}^n" "\n" r"f = \alpha x^T x"
    with pytest.raises(matcalc.MatcalcError, match="not a variable"):
        matcalc.gradient(doc, wrt=r"\alpha_1")


SEEDS = Path(__file__).parent / "seeds"
MEMBERS = [
    pytest.param(FAMILY, "z_i", r"\partial z_{i}", id="z_i"),
    pytest.param(FAMILY, r"\mu_j", r"\partial \mu_{j}", id="mu_j"),
    pytest.param((SEEDS / "003.tex").read_text(), "z_i", r"\partial z_{i}", id="seed003-z_i"),
    pytest.param((SEEDS / "000.tex").read_text(), "t^{(1)}_{i,j}", r"\partial t^{(1)}_{i,j}",
                 id="seed000-t1_ij"),
    pytest.param((SEEDS / "002.tex").read_text(), r"\phi_k", r"\partial \phi_{k}", id="seed002-phi_k"),
]


@pytest.mark.parametrize("doc, member, lhs", MEMBERS)
def test_the_result_is_written_in_the_asked_member(doc, member, lhs):
    """--wrt z_i: ∂L/∂z_i = (a vector expression in i), read back by check with the same
    meaning (as the printed claim, bare or with its left-hand side)."""
    g = matcalc.gradient(doc, wrt=member)
    assert g.member_form and lhs in g.lhs_latex, g.lhs_latex
    assert r"\right]_{" not in g.latex().split(r"\quad\text{where}")[0], g.latex()
    for claim in (g.latex(), f"{g.lhs_latex} = {g.latex()}"):
        res = matcalc.check(doc, member, claim=claim)
        assert res.ok, res.message


@pytest.mark.parametrize("claim", [r"3 \sum_{k} (z_{i} - \mu_{k})", r"2 \sum_{k} (z_{i} + \mu_{k})",
                                   r"-2 \sum_{k} (z_{i} - \mu_{k})"])
def test_a_wrong_member_claim_is_wrong(claim):
    res = matcalc.check(FAMILY, "z_i", claim=claim)
    assert not res.ok and res.message.startswith("wrong"), res.message


def test_a_member_without_a_vector_reading_is_written_for_the_family():
    """A gradient whose entries mix the vector axis with a matrix (W z_i) keeps the
    family's entry notation, never a member form that drops the axis wrongly."""
    doc = (r"z_i \in \mathbb{R}^d, \; i = 1,\dots,n, \; W \in \mathbb{R}^{d\times d}" "\n"
           r"L = \sum_{i=1}^n z_i^T W z_i")
    g = matcalc.gradient(doc, wrt="z_i")
    check_gradient(doc, "z_i", lambda z, W: float(np.einsum("ia,ab,ib->", z, W, z)))
    res = matcalc.check(doc, "z_i", claim=g.latex())
    assert res.ok, (g.latex(), res.message)


def test_an_ill_shaped_member_claim_is_located():
    with pytest.raises(matcalc.ShapeError) as err:
        matcalc.check(FAMILY, "z_i", claim=r"2 \sum_{k} (z_{k} - \mu_{k})")
    assert "column 16" in str(err.value), str(err.value)
