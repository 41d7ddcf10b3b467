"""A page's own macros, used but defined nowhere in the text (issue 8; read/pagemacros.py):
``\\g x`` as a bold font where every use stands before one letter and one use is declared,
``\\H`` as a set's name where every use stands where a set does. Anything else stays an
unknown command, refused by name with its two readings (a font, or an operator).

Every derived gradient is checked against central finite differences of an independent
NumPy objective written here (`helpers.check_gradient`).
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_gradient, refused

import matcalc


def lstsq_ridge(X, w, y):
    r = X @ w - y
    return float(r @ r + w @ w)


@pytest.mark.parametrize("g", [r"\g", r"\vb", r"\bx"])
def test_a_declared_macro_before_letters_is_a_font(g):
    doc = (rf"$X \in \R^{{m \times n}}, {g} w \in \R^n, {g} y \in \R^m$" "\n"
           rf"$$L = \|X {g} w - {g} y\|^2 + {g} w^T {g} w$$")
    got = check_gradient(doc, "w", lstsq_ridge)
    font = [n for n in got.notes if "read as a bold font" in n.reason]
    assert len(font) == 1 and font[0].line == 1


def test_the_font_over_a_greek_letter_and_its_entries():
    """mlweb's kernel ridge regression: \\g \\alpha \\in \\R^N, its entries \\alpha_j."""
    doc = (r"$K \in \R^{N \times N}, y \in \R^N$, the parameter vector "
           r"$\g \alpha \in \R^N$ of entries $\alpha_j$:" "\n"
           r"$$L = \sum_{i=1}^N \left(y_i - \sum_{j=1}^N K_{ij} \alpha_j \right)^2 "
           r"+ \lambda \g \alpha^T K \g \alpha$$" "\n" r"$\lambda \in \R$")
    check_gradient(doc, r"\alpha",
                   lambda K, y, alpha, lambda_: float(np.sum((y - K @ alpha) ** 2)
                                                      + lambda_ * alpha @ K @ alpha),
                   objective="L")


def test_a_macro_never_declared_is_refused_naming_both_readings():
    refused(r"$w \in \R^n$" "\n" r"$$L = \g w^T w$$", "w",
            r"unknown command \g", "a font", "an operator applied to w")


def test_an_expectation_macro_is_never_read_as_a_font():
    # \E x: an operator applied to x; nothing declares \E x, so it is no font
    refused(r"$x, \mu \in \R^n$" "\n" r"$$L = \|\E x - \mu\|^2$$", "x", r"unknown command \E")


def test_a_macro_also_used_before_a_group_is_no_font():
    doc = r"$\g w \in \R^n$" "\n" r"$$L = \g{w}^T w$$"
    refused(doc, "w", r"unknown command \g")


def test_a_macro_only_where_a_set_stands_is_the_name_of_a_set():
    doc = (r"$f \in \H$ with norm $\|f\|_{\H}$, and $w \in \R^n, X \in \R^{m \times n}, "
           r"y \in \R^m$" "\n" r"$$L = \|Xw - y\|^2 + w^Tw$$")
    g = check_gradient(doc, "w", lstsq_ridge, objective="L")
    assert any(r"\H is defined nowhere" in n.reason and "name of a set" in n.reason
               for n in g.notes)


def test_a_macro_defined_in_the_text_is_expanded_not_guessed():
    doc = (r"$\newcommand{\g}{\mathbf}$" "\n" r"$X \in \R^{m \times n}, w \in \R^n, y \in \R^m$"
           "\n" r"$$L = \|X \g w - \g y\|^2 + \g w^T \g w$$")
    g = check_gradient(doc, "w", lstsq_ridge)
    assert not any("defined nowhere" in n.reason for n in g.notes)


@pytest.mark.parametrize("doc, wrt, ref", [
    # \llbracket after \in is read by the sum's domain, never as a page's set
    (r"$x, w \in \R^n$ $f = \sum_{i \in \llbracket 1, n \rrbracket} w_i x_i^3$", "x",
     lambda x, w: float(w @ x ** 3)),
    # \mathbf x \in ... : a known font used like a page's macro stays itself
    (r"$\mathbf x \in \R^n, \boldsymbol \mu \in \R^n$ $f = \|\mathbf x - \boldsymbol \mu\|^2$",
     "x", lambda x, mu: float((x - mu) @ (x - mu))),
])
def test_a_known_command_is_never_a_page_macro(doc, wrt, ref):
    g = check_gradient(doc, wrt, ref)
    assert not any("defined nowhere" in n.reason for n in g.notes)


def test_bold_and_plain_are_one_name():
    # \g w declared, w used plain: the same name (as \mathbf{w} and w are)
    doc = (r"$X \in \R^{m \times n}, \g w \in \R^n, y \in \R^m$" "\n"
           r"$$L = \|X w - y\|^2 + \g w^T w$$")
    check_gradient(doc, "w", lstsq_ridge)


def test_the_corpus_page_now_stops_at_its_undeclared_data():
    from realworld.cases import HERE
    text = (HERE / "104_kernel_ridge_g_macro.tex").read_text()
    with pytest.raises(matcalc.MatcalcError) as info:
        matcalc.gradient(text, r"\alpha")
    assert "unknown name y" in str(info.value) and r"unknown command" not in str(info.value)
