"""A subscript group that opens with ``_`` (``\\mathbf{C}_{_\\theta x}``, a notebook's
typo): TeX sets a subscript of an empty base inside the subscript, which renders as the
one subscript θx. It is read as that subscript, with a note; the name is the same as the
one written ``C_{\\theta x}``. Gradients against central differences of NumPy references."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError

from helpers import check_gradient


def test_the_empty_base_subscript_is_the_name_written_plainly():
    doc = (r"$a \in \mathbb{R}^n, C_{x\theta} \in \mathbb{R}^n, C_{xx} \in \mathbb{R}^{n \times n}$"
           "\n" r"$$M = a^T C_{xx} a - a^T C_{x\theta} - C_{_\theta x} a$$" "\n"
           r"$$C_{\theta x} = C_{x\theta}^T$$")

    def ref(a, C_xtheta, C_xx):
        return float(a @ C_xx @ a - 2 * a @ C_xtheta)
    g = check_gradient(doc, "a", f=ref, objective="M")
    noted = [n for n in g.notes if "empty base" in n.reason]
    assert len(noted) == 1 and noted[0].line == 2


def test_a_bound_index_in_an_empty_base_subscript_is_the_index():
    doc = (r"$x \in \mathbb{R}^n, w \in \mathbb{R}^n$" "\n"
           r"$$L = \sum_{i=1}^n w_{_i} x_i^2$$")
    check_gradient(doc, "x", f=lambda x, w: float(w @ x ** 2))


def test_an_empty_subscript_group_is_still_refused():
    """``x_{_}`` has nothing after the inner ``_``: not a name, refused where it stands."""
    doc = r"$x \in \mathbb{R}^n$" "\n" r"$$L = x_{_}^T x$$"
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="x")
    assert e.value.line == 2
