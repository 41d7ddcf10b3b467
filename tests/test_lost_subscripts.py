"""``bi`` under ``\\sum_{i=1}^{m}`` with b a declared m-vector (a copied page's ``b_i``
without its underscore, math.SE 1441769's ``\\exp(a_i^Tx + bi)``): b times the index i, or
b_i -- refused naming both. A scalar times an index (``c i x_i``) and the written ``b_i``
derive, compared with central differences."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError

from helpers import check_gradient

DECL = r"x, b \in \mathbb{R}^n, c \in \mathbb{R} \\ "


def test_a_vector_glued_to_the_sum_index_is_two_readings():
    doc = DECL + r"f = \log \sum_{i=1}^{n} \exp(x_i + bi)"
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="x")
    assert "b_i with its subscript lost" in str(e.value)
    assert e.value.column == doc.index("bi)") + 1


@pytest.mark.parametrize("body, ref", [
    (r"f = \log \sum_{i=1}^{n} \exp(x_i + b_i)", lambda x, b, c: np.log(np.sum(np.exp(x + b)))),
    (r"f = \sum_{i=1}^{n} c i x_i^2",
     lambda x, b, c: c * np.sum(np.arange(1, len(x) + 1) * x ** 2)),
])
def test_the_written_readings_derive(body, ref):
    check_gradient(DECL + body, "x", f=ref)
