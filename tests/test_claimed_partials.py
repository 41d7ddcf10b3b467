r"""Derivatives by name inside a claim (`lower/claimpartials.py`): the chain-rule steps of
backpropagation, ``\frac{\partial L}{\partial W} = \frac{\partial L}{\partial z} x^T``, are
derived from the document's own definitions and judged numerically like closed forms."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError, numeric
from matcalc.check import Judge, _claim_value

from helpers import jacobian_fd

LAYER = (r"$W \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, y \in \mathbb{R}^m$, $z = Wx$, "
         r"$h = {act}(z)$, $L = \|h - y\|^2$")
ACTS = {r"\tanh": r"(1 - h \odot h)", r"\sigma": r"(h \odot (1 - h))", r"\exp": "h"}


@pytest.mark.parametrize("act", sorted(ACTS))
def test_a_backprop_step_with_the_upstream_gradient_by_name_is_checked(act):
    doc = LAYER.replace("{act}", act)
    right = [r"\frac{\partial L}{\partial z} x^T",
             rf"\left(\frac{{\partial L}}{{\partial h}} \odot {ACTS[act]}\right) x^T"]
    for claim in right:
        r = matcalc.check(doc, "W", claim=claim)
        assert r.ok, (claim, r.message)
    wrong = [(r"x \frac{\partial L}{\partial z}^T", "transpose"),
             (r"2 \frac{\partial L}{\partial z} x^T", ""),
             (r"\left(\frac{\partial L}{\partial h} \odot (1 - h)\right) x^T", "")]
    for claim, how in wrong:
        r = matcalc.check(doc, "W", claim=claim)
        assert not r.ok and how in r.message, (claim, r.message)


def test_every_step_of_a_post_gets_a_verdict():
    post = LAYER.replace("{act}", r"\tanh") + "\n" + (
        r"$$\frac{\partial L}{\partial h} = 2(h - y)$$" "\n"
        r"$$\frac{\partial L}{\partial z} = \frac{\partial L}{\partial h}\odot(1-h\odot h)$$" "\n"
        r"$$\frac{\partial L}{\partial W} = \frac{\partial L}{\partial z} x^T$$" "\n"
        r"$$\frac{\partial L}{\partial x} = \frac{\partial L}{\partial z}^T W$$" "\n"
        r"$$\frac{\partial L}{\partial x} = W^T \frac{\partial L}{\partial h}$$" "\n")
    verdicts = matcalc.check_all(post, objective="L")
    statuses = [v.status for v in verdicts]
    # the row (∂L/∂z)ᵀW is the gradient in the numerator layout, accepted for a vector;
    # the last skips the activation's derivative
    assert statuses == ["right", "right", "right", "right", "wrong"], verdicts


def test_the_upstream_gradient_of_an_arbitrary_loss():
    doc = (r"$X \in \mathbb{R}^{m\times n}, W \in \mathbb{R}^{h\times m}$, $D = WX$ and "
           r"$L = f(D)$, where $f$ is an arbitrary loss function.")
    assert matcalc.check(doc, "W", claim=r"\frac{\partial L}{\partial D} X^T").ok
    assert not matcalc.check(doc, "W", claim=r"\frac{\partial L}{\partial D} X^T + W").ok
    with pytest.raises(MatcalcError):        # X^T (h x n)... cannot multiply: a shape error
        matcalc.check(doc, "W", claim=r"X^T \frac{\partial L}{\partial D}")


def test_a_jacobian_of_an_elementwise_layer_in_a_claim_is_checked():
    """∂h/∂z of h = tanh(z) is Diag(1 - h⊙h): symmetric, so both layouts give the same
    numbers and the step is right without a choice (it was 'not supported')."""
    post = LAYER.replace("{act}", r"\tanh") + "\n" + (
        r"$$\frac{\partial L}{\partial z} = \frac{\partial h}{\partial z} \frac{\partial L}{\partial h}$$")
    (v,) = matcalc.check_all(post, objective="L")
    assert v.status == "right", v
    assert "same numbers" in v.reason


SQUARE = (r"$A \in \mathbb{R}^{n\times n}, z, y \in \mathbb{R}^n$, $h = \tanh(Az)$, "
          r"$L = \|h - y\|^2$")
J, G = r"\frac{\partial h}{\partial z}", r"\frac{\partial L}{\partial h}"


def _reference(A, z, y):
    """(the Jacobian ∂h_a/∂z_b by central differences, ∂L/∂h) of h = tanh(Az), L = |h-y|²,
    independent of matcalc."""
    h = lambda z: np.tanh(A @ z)  # noqa: E731
    jac = jacobian_fd(h, {"z": z}, "z")
    return jac, 2 * (h(z) - y)


def test_a_jacobian_read_in_a_claim_matches_finite_differences_in_each_layout():
    """The claim's ∂h/∂z, read in each layout, at the checker's own points: J^T g in the
    numerator layout (entry [a, b] = ∂h_a/∂z_b) and J g in the denominator layout, J from
    central differences."""
    g = matcalc.gradient(SQUARE, "z")
    judge = Judge(matcalc.api._document(SQUARE), g)
    value, idx, helpers = _claim_value(rf"{J}^T {G}")
    for layout, form in (("numerator", lambda jac, u: jac.T @ u),
                         ("denominator", lambda jac, u: jac @ u)):
        _, got = judge.evaluate(value, idx, helpers, rf"{J}^T {G}", layout)
        for kw, val in zip(judge.points, got):
            jac, u = _reference(kw["A"], kw["z"], kw["y"])
            assert np.allclose(val, form(jac, u), rtol=1e-6, atol=1e-8), layout


@pytest.mark.parametrize("claim, layout", [(rf"{J}^T {G}", "numerator"),
                                           (rf"{J} {G}", "denominator"),
                                           (rf"{G}^T {J}", "numerator")])
def test_a_square_jacobian_is_judged_in_both_layouts_and_the_verdict_names_one(claim, layout):
    """∂h/∂z of h = tanh(Az) is square and not symmetric: both layouts fit the claim's
    shapes and give different numbers; the verdict says under which the claim is right
    (never one picked silently), and that the other gives a wrong gradient."""
    r = matcalc.check(SQUARE, "z", claim=claim)
    other = "denominator" if layout == "numerator" else "numerator"
    assert r.ok, r.message
    assert f"right in the {layout} layout" in r.message
    assert f"in the {other} layout" in r.message and "wrong" in r.message
    post = SQUARE + "\n" + rf"$$\frac{{\partial L}}{{\partial z}} = {claim}$$"
    (v,) = matcalc.check_all(post, objective="L")
    assert v.status == "right" and f"right in the {layout} layout" in v.reason, v


def test_a_claim_wrong_in_both_layouts_says_so_for_each():
    r = matcalc.check(SQUARE, "z", claim=rf"2 {J} {G}")
    assert not r.ok
    assert "numerator layout" in r.message and "denominator layout" in r.message
    assert "constant factor of 2" in r.message       # right but for the 2, in one layout


@pytest.mark.parametrize("claim, layout", [
    (r"\frac{\partial z}{\partial x}^T \frac{\partial L}{\partial z}", "numerator layout ("),
    (r"\frac{\partial z}{\partial x} \frac{\partial L}{\partial z}", "denominator layout"),
    (r"\frac{\partial L}{\partial z}^T \frac{\partial z}{\partial x}", "numerator layout (")])
def test_a_rectangular_jacobian_takes_the_one_layout_its_shapes_fit(claim, layout):
    """z = Wx with W m×n: ∂z/∂x is m×n in the numerator layout, n×m in the denominator;
    only one fits each claim, and the verdict names it."""
    doc = LAYER.replace("{act}", r"\tanh")
    r = matcalc.check(doc, "x", claim=claim)
    assert r.ok and layout in r.message and "the one layout" in r.message, r.message
    assert not matcalc.check(doc, "x", claim="2 " + claim).ok


def test_the_numerator_layout_throughout_reads_a_gradient_by_name_as_a_row():
    """∂y/∂w = ∂y/∂u ∂u/∂w (Parr & Howard, CS224n): ∂y/∂u is a row in the numerator layout;
    the product is the gradient as a row, right -- checked against finite differences of
    y by the checker; and a wrong activation's derivative is caught."""
    doc = (r"$w, x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n}$, $u = \tanh(A w) \odot x$, "
           r"$y = \mathbf{1}^T u$")
    claim = r"\frac{\partial y}{\partial u}\frac{\partial u}{\partial w}"
    r = matcalc.check(doc, "w", claim=claim)
    assert r.ok and "numerator layout throughout" in r.message, r.message
    g = matcalc.gradient(doc, "w")
    rng = np.random.default_rng(2)
    kw = {"w": rng.standard_normal(4), "x": rng.standard_normal(4),
          "A": rng.standard_normal((4, 4))}
    f = lambda w, x, A: float(np.sum(np.tanh(A @ w) * x))  # noqa: E731
    assert np.allclose(g.to_numpy()(**kw), numeric.central_difference(f, kw, "w"), atol=1e-7)


def test_a_jacobian_of_a_matrix_in_a_claim_is_refused_naming_what_is_supported():
    with pytest.raises(MatcalcError, match="Jacobian of a vector by a vector only"):
        matcalc.check(SQUARE, "z", claim=r"\frac{\partial h}{\partial A}")


def test_a_claimed_partial_is_the_gradient_wrt_that_definition():
    """∂L/∂z in a claim equals matcalc.gradient(doc, wrt="z") at random points."""
    doc = LAYER.replace("{act}", r"\tanh")
    g = matcalc.gradient(doc, "z")
    r = matcalc.check(doc, "z", claim=r"\frac{\partial L}{\partial z}")
    assert r.ok and r.error < 1e-12
    assert np.isfinite(r.error)
