"""An objective named with its subscript, ``\\mathcal{L}_i^{(k)}``, where the document
defines it entrywise (corpus 095): the subscript is the definition's index, kept -- never
dropped to name another definition, and never hidden in a message.

Before: the objective ``\\mathcal{L}_i^{(k)}`` was "not defined (definitions: L^{(k)})" --
the list showed the entrywise definition of L^{(k)} over i without its index, so the reading
looked like L^{(k)} with i lost; and the left side as written was not matched, because the
span of a name in a font starts inside the font command (``L}_i^{(k)}``).
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient

DOC = r"$x \in \mathbb{R}^n$, $i = 1,\dots,n$. $\mathcal{L}_i^{(k)} = x_i^2 x^T x$"


@pytest.mark.parametrize("objective", [r"\mathcal{L}_i^{(k)}", r"L_i^{(k)}", r"L^{(k)}_i",
                                       r"L^{(k)}", None])
def test_entry_of_an_entrywise_definition_is_that_definition(objective):
    """Named with its index (in a font or not) or as the vector: the same definition,
    one value per i -- refused as no single scalar, saying it is defined entrywise."""
    with pytest.raises(matcalc.ShapeError, match=r"defined entrywise over i: L\^\{\(k\)\}_\{i\} "
                                                 r"is one value for each i"):
        matcalc.gradient(DOC, "x", objective=objective)


def test_another_subscript_is_not_that_definition():
    """L_j or L_2 is not the entrywise definition over i: not defined, and the list of
    definitions shows the index (L^{(k)}_{i}), not a bare L^{(k)}."""
    for objective in (r"\mathcal{L}_j^{(k)}", r"L_2^{(k)}", r"L_i"):
        with pytest.raises(matcalc.ParseError, match=r"definitions: L\^\{\(k\)\}_\{i\}\)"):
            matcalc.gradient(DOC, "x", objective=objective)


def test_a_scalar_named_in_a_font_with_its_subscript_still_derives():
    """\\mathcal{L}_{reg} (a name with a subscript that is part of it) is found as written."""
    doc = r"$x \in \mathbb{R}^n$. $\mathcal{L}_{reg} = x^T x$. $f = \mathcal{L}_{reg} + 1$"
    g = check_gradient(doc, "x", lambda x: float(x @ x), objective=r"\mathcal{L}_{reg}")
    assert g.wrt == "x"
    check_gradient(doc, "x", lambda x: float(x @ x + 1))
