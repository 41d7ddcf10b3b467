"""Raw TeX pasted as a markdown list (pastebin, corpus 158): each line opens with ``- ``.
Where three or more such lines run together and some item is only words or empty, the
dashes are bullets, read away with one note; otherwise a leading ``-`` stays a minus sign.
A formula line's letters glued to a script (``net_1``) are a name, not prose, and a letter
run ending in a subscript on a left side (``net_1 = ...``) is that name wherever it is
used. Gradients against central differences of NumPy references."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError
from matcalc.read.scan import list_bullets

from helpers import check_gradient

DECL = r"$x \in \mathbb{R}^{d}, W \in \mathbb{R}^{n \times d}, v \in \mathbb{R}^{n}$" "\n"


def sig(t):
    return 1 / (1 + np.exp(-t))


def ref(x, W, v):
    return float(v @ sig(W @ x))


def test_a_pasted_list_of_definitions_is_read_without_its_bullets():
    doc = DECL + ("- \\\\\n- Feed \\ forward \\\\\n- net_1 = Wx \\\\\n- h=\\sigma(net_1) \\\\\n"
                  "- L = v^T h \\\\\n")
    g = check_gradient(doc, "W", f=ref, objective="L")
    noted = [n for n in g.notes if "list marker" in n.reason]
    assert len(noted) == 1 and noted[0].reason.startswith("3 list markers")


def test_a_leading_minus_without_a_list_stays_a_minus():
    """All math (no dollar), two lines only, no item of words: -L = ... is a statement
    about -L, which defines nothing (it is refused, not read as L = ...)."""
    doc = ("x \\in \\mathbb{R}^{d}, W \\in \\mathbb{R}^{n \\times d}, v \\in \\mathbb{R}^{n} \\\\\n"
           "- L = v^T \\sigma(Wx) \\\\\n- K = L \\\\\n")
    assert list_bullets(doc) == set()
    with pytest.raises(MatcalcError):
        matcalc.gradient(doc, wrt="W", objective="L")


def test_list_bullets_needs_a_run_of_three_with_a_prose_item():
    assert len(list_bullets("- a = 1 \\\\\n- b = 2 \\\\\n- c = 3 \\\\\n")) == 0
    assert len(list_bullets("- Intro \\\\\n- b = 2 \\\\\n- c = 3 \\\\\n")) == 3
    assert len(list_bullets("- Intro \\\\\n- b = 2 \\\\\n\n- c = 3 \\\\\n")) == 0


def test_a_subscripted_letter_run_is_one_name_where_it_is_defined_and_used():
    doc = DECL + "$$net_1 = Wx$$\n$$L = v^T \\sigma(net_1)$$"
    check_gradient(doc, "W", f=ref, objective="L")
    check_gradient(doc, "x", f=ref, objective="L")


def test_a_product_of_declared_letters_with_a_subscript_stays_a_product():
    """``xv_1`` with x, v declared is x times v_1, not a name."""
    doc = (r"$x \in \mathbb{R}, v \in \mathbb{R}^{n}$" "\n" r"$$L = xv_1 + x^2$$")
    check_gradient(doc, "x", f=lambda x, v: float(x * v[0] + x ** 2))


def test_list_bullets_is_linear_on_long_lines():
    """A long line that is no prose item fails fast (the check has no nested repeats)."""
    import time
    text = ("- " + "ab " * 3000 + "= 1 \\\\\n") * 40 + ("- " + "x_1 " * 3000 + "\n") * 3
    t0 = time.process_time()
    assert list_bullets(text) == set()
    assert time.process_time() - t0 < 2.0
