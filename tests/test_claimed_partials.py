r"""Derivatives by name inside a claim (`lower/claimpartials.py`): the chain-rule steps of
backpropagation, ``\frac{\partial L}{\partial W} = \frac{\partial L}{\partial z} x^T``, are
derived from the document's own definitions and judged numerically like closed forms."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError

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


def test_a_jacobian_inside_a_claim_is_not_supported_and_says_so():
    post = LAYER.replace("{act}", r"\tanh") + "\n" + (
        r"$$\frac{\partial L}{\partial z} = \frac{\partial h}{\partial z} \frac{\partial L}{\partial h}$$")
    (v,) = matcalc.check_all(post, objective="L")
    assert v.status in ("ill-formed", "unchecked")
    assert "not a scalar" in v.reason or "Jacobian" in v.reason


def test_a_claimed_partial_is_the_gradient_wrt_that_definition():
    """∂L/∂z in a claim equals matcalc.gradient(doc, wrt="z") at random points."""
    doc = LAYER.replace("{act}", r"\tanh")
    g = matcalc.gradient(doc, "z")
    r = matcalc.check(doc, "z", claim=r"\frac{\partial L}{\partial z}")
    assert r.ok and r.error < 1e-12
    assert np.isfinite(r.error)
