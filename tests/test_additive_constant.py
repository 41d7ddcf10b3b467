"""An additive constant written as a word (``+ \\text{const}``), as likelihoods are written:
left out with a note, since it changes no derivative; anywhere it would change one (inside
a function, as a factor) it is refused as before. Gradients are compared with central
differences of an independent NumPy reference (which has no constant either: the value
matcalc gives is without it, as the note says)."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError

from helpers import check_gradient

DECL = r"$x \in \mathbb{R}^n, \; A \in \mathbb{R}^{n \times n}$" "\n"


def ref(x, A):
    return float(-0.5 * x @ A @ x)


@pytest.mark.parametrize("body", [
    r"$$\ell(x) = -\frac{1}{2} x^T A x + \text{const}$$",
    r"$$\ell(x) = -\frac{1}{2} x^T A x + \mathrm{const}$$",
    r"$$\ell(x) = -\frac{1}{2} x^T A x - \text{const.}$$",
    r"$$\ell(x) = -\frac{1}{2} x^T A x + \text{ constant }$$",
    r"$$\ell(x) = \text{const} - \frac{1}{2} x^T A x$$",
    r"$$\ell(x) = -\frac{1}{4} x^T A x + \text{const} - \frac{1}{4} x^T A x$$",
])
def test_an_additive_constant_is_left_out_and_noted(body):
    g = check_gradient(DECL + body, "x", f=ref)
    noted = [n for n in g.notes if n.reason.startswith("an additive constant")]
    assert len(noted) == 1 and "const" in noted[0].text


@pytest.mark.parametrize("body", [
    r"$$\ell(x) = \log(x^T A x + \text{const})$$",      # inside a function: it matters
    r"$$\ell(x) = \frac{x^T A x}{1 + \text{const}}$$",  # inside a fraction
    r"$$\ell(x) = x^T A x \cdot \text{const}$$",        # a factor
])
def test_a_constant_that_would_change_the_derivative_is_refused(body):
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(DECL + body, wrt="x")
    assert e.value.line == 2


def test_a_held_constant_is_still_a_hold():
    """``p \\text{ constant}`` (no sign before it) keeps its meaning: p is held."""
    doc = DECL + r"$p = x^T x$ \\ $p \text{ constant}$ \\ $L = p\, x^T A x$"
    g = matcalc.gradient(doc, wrt="x")
    x = np.arange(1.0, 4.0)
    A = np.eye(3)
    out = matcalc.numeric.call(g.to_numpy(), {"x": x, "A": A, "n": 3})
    assert np.allclose(out, (x @ x) * 2 * A @ x)
