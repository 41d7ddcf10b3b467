"""Two characters read as one token (``||``, ``:=``, MATLAB's ``.*``) keep both in the
token's span: a note quotes the whole construct and an error's caret covers it. The norm
``||R - \\hat{R}||`` was quoted without its last bar (corpus 200), a bare-sum note cut short
the same way. The gradients are checked by central differences (helpers)."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient

DECL = r"$X, Y, M \in \mathbb{R}^{n \times m}$" + "\n"


def _notes(g):
    return [n.text for n in g.notes]


def test_double_bar_norm_is_quoted_whole():
    doc = DECL + r"$f = ||X - Y||_F^2 + \mathrm{tr}(X^T M)$" + "\n" + r"$g = ||M||$" + "\n"
    g = check_gradient(doc, "X", lambda X, Y, M: float(np.sum((X - Y) ** 2) + np.sum(X * M)),
                       objective="f")
    texts = _notes(g)
    assert "g = ||M||" in texts, texts      # the note on g, quoted to its last bar


def test_colon_equals_definition_reads_and_is_spanned():
    doc = DECL + r"$f := \|X \odot M\|_F^2$" + "\n"
    check_gradient(doc, "X", lambda X, M, Y=None: float(np.sum((X * M) ** 2)))
    with pytest.raises(matcalc.MatcalcError) as e:
        matcalc.gradient(DECL + r"$f := $" + "\n", "X")
    assert "line 2" in str(e.value)


@pytest.mark.parametrize("text, kind", [("(X - Y) .* M", "HAD"), ("||X||", "BAR2"),
                                        ("f := x", "REL")])
def test_two_character_tokens_span_both(text, kind):
    from matcalc.read.words import tokenize
    toks = [t for t in tokenize(text) if t.kind == kind]
    assert toks and toks[0].end_col - toks[0].col == 2, [(t.kind, t.col, t.end_col) for t in toks]


def test_matlab_elementwise_product_reads():
    doc = DECL + r"$f = \|(X - Y) .* M\|_F^2$" + "\n"
    check_gradient(doc, "X", lambda X, Y, M: float(np.sum(((X - Y) * M) ** 2)))
