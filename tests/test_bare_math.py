"""Math standing in prose without its delimiters (issue 8): an ``\\eqalign{..}`` block a
copied page lost its ``$$`` around is read as display math, noted; a mention of the
command stays prose. An annotation column ``&({\\rm residual\\,vector})`` is words. The
diagonal of a scalar is not a reading shape inference offers (the lowering refuses it).
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import matcalc
from matcalc.read.scan import bare_construct, regions

from helpers import check_gradient

DECL = r"$X \in \mathbb{R}^{m \times n}, \beta \in \mathbb{R}^n, y, w \in \mathbb{R}^m$" "\n"


def ref_weighted(X, beta, y, w):
    return float(np.sum(w * (X @ beta - y) ** 2))


def test_bare_eqalign_in_prose_is_read_and_noted():
    doc = (DECL + r"If we define \eqalign{ r &= X\beta - y \\ R &= {\rm Diag}(r) \\ "
           r"W &= {\rm Diag}(w) \\ } then the objective is \eqalign{ \phi &= W:R^2 \\ } "
           "where the colon is the trace product.")
    g = check_gradient(doc, r"\beta", f=ref_weighted, objective=r"\phi")
    bare = [n for n in g.notes if "outside math delimiters" in n.reason]
    line2 = doc.splitlines()[1]
    first = line2.index("\\eqalign") + 1
    second = line2.index("\\eqalign", first) + 1
    assert [(n.line, n.column) for n in bare] == [(2, first), (2, second)]
    assert all(n.reason.startswith(r"read as math: an \eqalign") for n in bare)


def test_bare_eqalign_same_gradient_as_delimited():
    body = r"\eqalign{ r &= X\beta - y \cr \phi &= r^T {\rm Diag}(w) r \cr }"
    bare = matcalc.gradient(DECL + "so " + body + " as claimed.", wrt=r"\beta")
    kept = matcalc.gradient(DECL + "so $$" + body + "$$ as claimed.", wrt=r"\beta")
    assert bare.text() == kept.text()
    check_gradient(DECL + "so " + body, r"\beta", f=ref_weighted)


@pytest.mark.parametrize("prose", [
    r"use \eqalign for this",                       # no braces: a mention
    r"write \eqalign{...} around the rows",         # no math inside
    r"an \eqalign{ a &= b without its brace",       # unbalanced
    r"the block \eqalign{ $a = b$ } here",          # delimiters inside: not a lost display
    r"the \eqalignment{ a &= b } of rows",          # another command
])
def test_mentions_of_the_command_stay_prose(prose):
    assert bare_construct(prose, prose.index("\\")) == (None, None)
    doc = DECL + prose + "\n" + r"$$f = \|X\beta - y\|^2$$"
    g = matcalc.gradient(doc, wrt=r"\beta")
    assert not [n for n in g.notes if "outside math delimiters" in n.reason]
    check_gradient(doc, r"\beta", f=lambda X, beta, y: float(np.sum((X @ beta - y) ** 2)))


def test_bare_eqalign_that_cannot_be_read_is_located():
    doc = DECL + r"so $$f = \|X\beta - y\|^2$$ and \eqalign{ g &= \foo{y} \\ }"
    with pytest.raises(matcalc.MatcalcError) as e:
        matcalc.parse(doc)
    col = doc.splitlines()[1].index("\\foo") + 1
    assert f"line 2, column {col}" in str(e.value) and "foo" in str(e.value)
    g = check_gradient(doc, r"\beta", f=lambda X, beta, y: float(np.sum((X @ beta - y) ** 2)),
                       objective="f")
    assert any("outside math delimiters" in n.reason for n in g.notes)
    assert any(n.kind == "unreadable" for n in g.notes)


def test_a_bare_eqalign_ending_the_text():
    doc = DECL + r"so \eqalign{ f &= \|X\beta - y\|^2 }"
    (r,) = [r for r in regions(doc) if r.bare]
    assert r.end == len(doc) and r.toks[-1].kind == "break"
    check_gradient(doc, r"\beta", f=lambda X, beta, y: float(np.sum((X @ beta - y) ** 2)))


@pytest.mark.parametrize("note", [
    r"&({\rm residual/error\,vector})", r"\qquad&({\rm residual/error\,vector})",
    r"\qquad({\rm as\,a\,diagonal\,matrix})", r"&(\text{the residual})",
    r"\quad (\mathrm{residual})",
])
def test_an_annotation_column_is_words(note):
    doc = (DECL + r"$$\eqalign{ r &= X\beta - y \qquad" + note + r" \\ "
           r"\phi &= r^T {\rm Diag}(w) r " + note + r" \\ }$$")
    g = check_gradient(doc, r"\beta", f=ref_weighted, objective=r"\phi")
    # nothing of the annotation is read as a name
    assert set(g.inputs.values()) == {"X", "beta", "y", "w"}


def test_parenthesised_math_after_a_quad_is_still_math():
    """``\\qquad (x)`` is a clause of its own, a mention (one letter: no word); a word
    in parentheses that is not the last column is read as it was."""
    doc = DECL + r"$$\eqalign{ \phi &= r^T {\rm Diag}(w) r \qquad (r) \cr r &= X\beta - y }$$"
    check_gradient(doc, r"\beta", f=ref_weighted, objective=r"\phi")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.sampled_from(["residual", "error", "vector", "as", "a", "diagonal",
                                 "matrix", "weights", "of", "the"]), min_size=1, max_size=4),
       st.sampled_from([r"\,", " ", r"\;", "/"]), st.booleans())
def test_property_annotation_words_never_change_the_gradient(words, space, bare):
    note = "({\\rm " + space.join(words) + "})"
    body = (r"\eqalign{ r &= X\beta - y \qquad&" + note + r" \\ "
            r"\phi &= r^T {\rm Diag}(w) r \\ }")
    doc = DECL + "then " + (body if bare else "$$" + body + "$$") + " holds."
    plain = DECL + "$$" + r"\eqalign{ r &= X\beta - y \\ \phi &= r^T {\rm Diag}(w) r \\ }" + "$$"
    g = matcalc.gradient(doc, wrt=r"\beta", objective=r"\phi")
    assert g.text() == matcalc.gradient(plain, wrt=r"\beta", objective=r"\phi").text()


# ------------------------------------------------ Diag of an undeclared name: not a scalar
def test_diag_of_an_undeclared_name_is_never_a_scalar():
    """Diag(w) of a scalar is refused by the lowering, so a scalar is no reading of an
    undeclared w: the only well-formed one is taken (noted), and where a row and a column
    are both left the refusal names only those."""
    doc = r"$b \in \mathbb{R}^3$" "\n" r"$W = \operatorname{Diag}(w)$" "\n" r"$f = b^T W b"
    g = check_gradient(doc + r" + b^T w$", "w", f=lambda b, w: float(np.sum(w * b * b + b * w)))
    assert any("w: not declared; inferred 3×1 (a vector)" in n.reason for n in g.notes)
    with pytest.raises(matcalc.MatcalcError, match="unknown name w") as e:
        matcalc.gradient(doc + "$", wrt="w")
    assert "a scalar" not in str(e.value) and "3×1 (a vector)" in str(e.value)


def test_diag_of_a_declared_scalar_is_still_refused():
    doc = r"$w \in \mathbb{R}, b \in \mathbb{R}^3$" "\n" r"$W = {\rm Diag}(w)$" "\n" \
          r"$f = b^T W b$"
    with pytest.raises(matcalc.MatcalcError, match="not a scalar"):
        matcalc.gradient(doc, wrt="w")


# ------------------------------------------------------------ a line that is only a formula
from matcalc.read.scan import formula_line  # noqa: E402

KERNEL_DOCS = ("$r, l \\in \\mathbb{R}$\nGaussian RBF Kernels\n\n"
               "k_{SE}(r)=exp\\Big(-\\frac{r^2}{2l^2}\\Big)\n")


def test_a_line_that_is_only_a_formula_is_read_and_noted():
    """R documentation whose stored text lost its delimiters (corpus 139): the formula
    line is display math, noted; exp without a backslash is the exponential; the two
    capitals of k_{SE}, which the definition never uses, label the name."""
    g = check_gradient(KERNEL_DOCS, "r", f=lambda r, l: float(np.exp(-r ** 2 / (2 * l ** 2))),
                       kwargs=dict(r=0.7, l=1.3))
    assert any("a line that is only a formula" in n.reason and n.line == 4 for n in g.notes)


@pytest.mark.parametrize("line", [
    r"The penalty function is given by: p(x_j) = \lambda x_j^2",   # words
    r"x = np.dot(A, b)",                                            # code, no TeX markup
    r"where \alpha = x^T A x, with x a vector",                     # words after it
    r"a = b",                                                       # no markup
    r"see $x^2 = y$ here",                                          # delimited already
])
def test_a_line_with_words_or_without_markup_stays_prose(line):
    assert formula_line(line + "\n", 0) is None


@pytest.mark.parametrize("line", [
    r"p( x_j) = \lambda x_j^2", r"k_{SE}(r)=exp\Big(-\frac{r^2}{2l^2}\Big)",
    r"f(x) = \log(1 + e^{-y w^T x})"])
def test_a_formula_line_is_found(line):
    assert formula_line("text\n" + line + "\nmore", 5) == 5 + len(line)


def test_two_capitals_used_by_the_definition_stay_indices():
    doc = (r"$X \in \mathbb{R}^{n \times n}$ $$K_{IJ} = X_{IJ}^2$$ "
           r"$$f = \mathbf{1}^T K \mathbf{1}$$")
    check_gradient(doc, "X", f=lambda X: float(np.sum(X ** 2)))


# ------------------------------------------- delimiters only inside a \text{...} aside

def ref_tr_ax(X, A):
    return float(np.trace(A @ X))


@pytest.mark.parametrize("aside", [
    r"\text{where $A$ is fixed}",
    r"\quad \mbox{(with $A$ held constant)}",
    r"\textrm{ for a given $A \in \mathbb{R}^{n \times n}$}",
])
def test_formulas_with_dollars_only_inside_a_text_aside_are_all_math(aside):
    """Plain formulas with a `\\text{...}` aside that holds `$A$`: the formulas are the
    document, not prose around one math region `$A$` (which dropped `L = tr(AX)` and made A
    the objective)."""
    doc = ("X \\in \\mathbb{R}^{n \\times n}, \\quad A \\in \\mathbb{R}^{n \\times n}\n"
           "L = \\operatorname{tr}(AX) " + aside + "\n")
    assert [r.opener for r in regions(doc)] == [""]
    g = check_gradient(doc, "X", f=ref_tr_ax)
    plain = matcalc.gradient(doc.replace(aside, ""), wrt="X")
    assert g.text() == plain.text()


@pytest.mark.parametrize("prose", [
    r"\textbf{Let $X$ be a matrix and $L = \operatorname{tr}(AX)$ the loss}",
    r"We minimise \text{the loss $L = \operatorname{tr}(AX)$} over X.",
])
def test_prose_around_text_groups_stays_a_post(prose):
    """Prose words outside the text groups (or no formula outside them) keep the text a
    post whose math is the delimited regions."""
    assert all(r.opener != "" for r in regions(prose))
