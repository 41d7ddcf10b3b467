r"""Math whose delimiters a copy lost or damaged (issue 8, read/lost.py): a doubled-escape
copy (``\\( \\boldsymbol{x} \\)`` of a source view, every command doubled) is read
undoubled and one that mixes doubled and single backslashes is not; the ``///`` markers of
a source view's joined comment lines are dropped; a Scrapbox line ``$ ...`` with no closing
dollar is display math; a run of TeX in running text (``\alpha = \boldsymbol{x}^T
\boldsymbol{A}\boldsymbol{x},with ...``) is math, delimited by prose words. Each is noted
where it stands (line, column); each gradient is checked by central differences.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import matcalc
from matcalc.read.lost import doubling, tex_run
from matcalc.read.scan import regions

from helpers import check_gradient

DECL = r"$A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m$" "\n"


def lstsq(A, x, b):
    return float(np.sum((A @ x - b) ** 2))


def lost_notes(g):
    return [n for n in g.notes if n.reason.startswith("read as math")]


# ------------------------------------------------------------------ doubled escapes
@pytest.mark.parametrize("body", [
    r"\\(f = \\|A x - b\\|^2\\)",
    r"\\[f = \\left\\| A x - b \\right\\|^2\\]",
    r"\\begin{equation} f = \\|A x - b\\|^2 \\end{equation}",
    r"$f = \\left\\| A x - b \\right\\|^2$",
])
def test_a_doubled_escape_copy_is_read_undoubled_and_noted(body):
    doc = DECL + "the loss /// " + body + " /// fn loss() {}"
    g = check_gradient(doc, "x", f=lstsq)
    (note,) = lost_notes(g)
    assert "doubled-escape copy" in note.reason
    line = doc.splitlines()[1]
    assert (note.line, note.column) == (2, line.index("f =", line.index(body[:2])) + 1)


def test_a_whole_document_doubled_is_read_undoubled():
    single = r"A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m" "\n" \
             r"f = \frac{1}{2} \|A x - b\|^2"
    g = check_gradient(single.replace("\\", "\\\\"), "x", f=lambda A, x, b: lstsq(A, x, b) / 2)
    assert any("doubled-escape copy" in n.reason for n in g.notes)
    assert g.text() == matcalc.gradient(single, wrt="x").text()


def test_mixed_doubling_is_refused_at_the_single_backslash():
    doc = DECL + r"so \\(f = \\|A x - b\\|^2 + \alpha\\) holds"
    with pytest.raises(matcalc.MatcalcError, match="mixed doubled and single backslashes") as e:
        matcalc.gradient(doc, wrt="x")
    col = doc.splitlines()[1].index(r"\alpha") + 1
    assert f"line 2, column {col}" in str(e.value)


def test_mixed_doubling_elsewhere_is_skipped_not_read():
    """Beside a formula that defines the objective, the mixed fragment is noted as
    unreadable; its \\alpha never becomes an input."""
    doc = DECL + r"$$f = \|A x - b\|^2$$ and \\(g = \\|x\\|^2 + \alpha\\) holds"
    g = check_gradient(doc, "x", f=lstsq, objective="f")
    assert "alpha" not in g.inputs.values()


@pytest.mark.parametrize("text, want", [
    (r"\\alpha + \\beta", ("doubled", None)),
    (r"a \\ b = \alpha", (None, 2)),          # a row break and a single command
    (r"\\alpha \\ b", ("mixed", 8)),          # a row break before a blank is single
    (r"\\alpha + \beta", ("mixed", 10)),
    (r"a \\\\ b \\alpha", ("doubled", None)),  # a doubled row break
    (r"x + y", (None, None)),
])
def test_doubling(text, want):
    assert doubling(text, 0, len(text)) == want


def test_row_breaks_of_a_single_backslash_document_are_not_undoubled():
    doc = DECL + r"$$\begin{aligned} r &= A x - b \\ f &= r^T r \end{aligned}$$"
    g = check_gradient(doc, "x", f=lstsq, objective="f")
    assert not lost_notes(g)


def test_source_comment_markers_inside_a_display_are_dropped():
    doc = DECL + "/// \\[ f = \\|A x /// - b\\|^2 \\]\n"
    g = check_gradient(doc, "x", f=lstsq)
    assert any("source-comment marker ('///')" in n.reason for n in g.notes)


# ------------------------------------------------------------------ Scrapbox dollar lines
SCRAP = (r"$A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m$" "\n"
         "最小二乗\n"
         "$ r = A x - b\n"
         "$ f = \\| r \\|^2\n")


def test_dollar_lines_are_display_math_and_noted():
    g = check_gradient(SCRAP, "x", f=lstsq)
    assert [(n.line, "Scrapbox" in n.reason) for n in lost_notes(g)] == [(3, True), (4, True)]
    closed = SCRAP.replace("- b\n", "- b $\n").replace("^2\n", "^2 $\n")
    assert g.text() == matcalc.gradient(closed, wrt="x").text()


def test_a_dollar_closed_on_a_later_line_keeps_the_tex_pairing():
    """``$ f = ...`` closed by a dollar inside a later line is TeX's inline math, and a
    dollar line whose pair opens a line of words is too."""
    doc = DECL + "$ f = \\|A x - b\\|^2\n + 0 $ is the loss"
    g = check_gradient(doc, "x", f=lstsq)
    assert not lost_notes(g)
    doc = DECL + "$ f = \\|A x - b\\|^2\n$ is the loss"
    g = check_gradient(doc, "x", f=lstsq)
    assert not lost_notes(g)


# ------------------------------------------------------------------ TeX in running text
QUAD = (r"$\boldsymbol{x} \in \mathbb{R}^n, \boldsymbol{A} \in \mathbb{R}^{n\times n}$" "\n"
        r"We write the scalar \alpha of \boldsymbol{x} first." "\n"
        r"\alpha = \boldsymbol{x}^T\boldsymbol{A}\boldsymbol{x},with \boldsymbol{x} a vector"
        "\n")


def test_a_tex_run_in_running_text_is_read_and_noted():
    g = check_gradient(QUAD, r"\boldsymbol{x}", f=lambda x, A: float(x @ A @ x),
                       objective=r"\alpha")
    (note,) = lost_notes(g)
    assert (note.line, note.column) == (3, 1) and "running text" in note.reason


def test_a_tex_run_after_words_on_its_line():
    doc = DECL + r"The loss is f = \|Ax - b\|^2 and we minimise it."
    g = check_gradient(doc, "x", f=lstsq)
    (note,) = lost_notes(g)
    assert (note.line, note.column) == (2, len("The loss is ") + 1)


def test_a_percent_in_a_run_is_a_lost_line_break():
    """arXiv alttext: the '%' that ended a line of the LaTeX source, the line break lost;
    the MathML unicode rendering before it (no TeX command) stays prose, no rival."""
    decl = r"$X, M, D \in \mathbb{R}^{n \times n}$" "\n"
    doc = decl + ("function: f=tr((X⋅M⋅X⊤+D)⊤⋅(X⋅M⋅X⊤+D))𝑓tr⋅𝑋𝑀𝐷f=\\mathrm{tr}((X\\cdot "
                  "M\\cdot X^{\\top}+D)^{\\top}\\cdot(X\\cdot M% \\cdot X^{\\top}+D))italic_f = "
                  "roman_tr ( ( italic_X ) ) gradient: ∂f∂M")

    def ref(X, M, D):
        E = X @ M @ X.T + D
        return float(np.trace(E.T @ E))
    g = check_gradient(doc, "M", f=ref)
    (note,) = lost_notes(g)
    assert "lost line break" in note.reason.replace("line break the copy lost", "lost line break")
    assert not [n for n in g.notes if n.kind in ("restated", "unreadable")]


@pytest.mark.parametrize("prose", [
    r"We write out the sums involved in the calculation of \alpha",   # no relation
    r"the derivative of \alpha with respect to x_k is",
    r"The loss f = 2ab \|A x\|^2 is odd.",         # 'ab' glued: a product or a word
    r"Then g = x^T A^T b, with x a vector.",       # no TeX command
    r"so \alpha = (b^T A x the notes) here",      # a word inside its brackets
])
def test_prose_with_a_stray_command_is_not_an_objective(prose):
    doc = DECL + r"$$f = \|A x - b\|^2$$" "\n" + prose
    g = check_gradient(doc, "x", f=lstsq)
    assert not lost_notes(g)


def test_an_undelimited_definition_after_the_formula_is_a_rival_objective():
    """A definition in running text after the page's delimited formula, which it does
    not use: the page's objective or a prose mention -- refused naming both; named, either
    is taken; one that uses the formula is the objective."""
    doc = DECL + r"$$f = \|A x - b\|^2$$" "\n" + r"(see \alpha = b^T A x in the notes)"
    with pytest.raises(matcalc.MatcalcError, match="two candidates for the objective") as e:
        matcalc.gradient(doc, wrt="x")
    assert r"\alpha here" in str(e.value) and "f, defined in math delimiters" in str(e.value)
    check_gradient(doc, "x", f=lstsq, objective="f")
    check_gradient(doc, "x", f=lambda A, x, b: float(b @ A @ x), objective=r"\alpha")
    doc = DECL + r"$$f = \|A x - b\|^2$$" "\n" + r"so L = 2 f + \|x\|^2 is minimised"
    check_gradient(doc, "x", f=lambda A, x, b: 2 * lstsq(A, x, b) + float(x @ x))


def test_prose_with_only_a_stray_command_defines_nothing():
    doc = DECL + r"the derivative of \alpha with respect to x is wanted"
    with pytest.raises(matcalc.MatcalcError, match="defines nothing"):
        matcalc.gradient(doc, wrt="x")


@pytest.mark.parametrize("prose, shown", [
    (r"We have a \alpha = b^T A x here.", r"'\alpha = b^T A x'"),
    (r"Then \alpha = b^T \Sigma a vector of sums.", r"'\alpha = b^T \Sigma'"),
])
def test_a_lone_letter_beside_a_word_is_two_readings(prose, shown):
    doc = r"$A \in \mathbb{R}^{m\times n}, x, a \in \mathbb{R}^n, b, \Sigma \in " \
          r"\mathbb{R}^m$" "\n" + prose
    with pytest.raises(matcalc.MatcalcError, match="two readings") as e:
        matcalc.gradient(doc, wrt="x" if "A x" in prose else "a")
    assert shown in str(e.value)


def test_tex_run_extent():
    text = r"so \alpha = \boldsymbol{x}^T\boldsymbol{A}\boldsymbol{x},with x"
    run = tex_run(text, 3)
    assert text[run.start:run.end] == r"\alpha = \boldsymbol{x}^T\boldsymbol{A}\boldsymbol{x}"
    assert tex_run(text, 4) is None                # inside a command: no boundary
    assert tex_run(r"\forall k =0,1,\dots,n-1 .", 0).end == len(r"\forall k =0,1,\dots,n-1")


# ------------------------------------------------------------------ what lies behind
def test_a_number_given_to_a_parameter_is_not_the_objective():
    """'we set \\lambda = 0.1' after the loss: as the last definition it was the objective,
    gradient 0 with no error (delimited or not)."""
    for lam in (r"\lambda = 0.1", r"$\lambda = 0.1$"):
        doc = DECL + r"$$f = \|A x - b\|^2 + \lambda \|x\|^2$$ where we set " + lam + " here."
        g = check_gradient(doc, "x", f=lambda A, x, b: lstsq(A, x, b) + 0.1 * float(x @ x))
        assert any("a number given to \\lambda" in n.reason for n in g.notes)


def test_a_symmetry_statement_defines_nothing():
    doc = (r"$A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n$" "\n"
           r"$$f = x^T A x$$ and if A is symmetric, $A = A^T$, then")
    g = check_gradient(doc, "x", f=lambda A, x: float(x @ A @ x))
    assert any("symmetry statement" in n.reason for n in g.notes)
    with pytest.raises(matcalc.MatcalcError, match="two readings"):
        matcalc.gradient(doc, wrt="A")


# ------------------------------------------------------------------ corpus
def test_the_corpus_documents_behind_the_lost_delimiters():
    sys.path.insert(0, str(Path(__file__).parent / "realworld"))
    from cases import CASES
    by_id = {c.id: c for c in CASES}
    for key in ("124", "129"):
        c = by_id[key]
        g = check_gradient(c.text, c.wrt, f=c.ref, objective=c.objective)
        assert lost_notes(g)
    got = [r for r in regions(by_id["142"].text) if r.doubled]
    assert len(got) == 4 and got[-1].markers == 2


# ------------------------------------------------------------------ property
sys.path.insert(0, str(Path(__file__).parent))
import fuzz_docs as F  # noqa: E402


@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck),
          database=None)
@given(case=F.cases(exclude=tuple(F.KNOWN_BUGS)), style=st.sampled_from(["all", "paren"]))
def test_property_doubling_every_backslash_gives_the_same_gradient(case, style):
    """A generated document and its doubled-escape copy (every backslash doubled, as a
    string literal writes it; or, for a document that is all math, inside doubled
    ``\\\\( .. \\\\)`` of a source view) read the same: the same gradient, or the same
    refusal."""
    doubled = case.doc.replace("\\", "\\\\")
    if style == "paren" and "$" not in case.doc and "\\" in case.doc:
        doubled = "doc: \\\\(" + doubled + "\\\\) end"

    def read(doc):
        try:
            return matcalc.gradient(doc, wrt=case.wrt).text()
        except matcalc.MatcalcError as e:
            return "refused: " + type(e).__name__
    assert read(doubled) == read(case.doc)


@pytest.mark.parametrize("body", ["x + " * 4000, r"\alpha + " * 3000, "a b c d " * 3000,
                                  "(x " * 4000, r"( \alpha = " * 3000, r"\\( x " * 4000])
def test_prose_is_scanned_in_linear_time(body):
    """Each offset of prose is tried as the start of a TeX run once (scan_run's offset
    before which no run starts): a long line of TeX-like prose took seconds to minutes."""
    import time
    t = time.perf_counter()
    regions(DECL + body)
    assert time.perf_counter() - t < 2.0


@pytest.mark.parametrize("text, start, article", [
    (r"we have a \alpha = b^T A x here", 8, 8),
    (r"so. A \alpha = 1", 4, 4),                    # a capital article starts a sentence
    (r"Then \alpha = b^T \Sigma a vector", 5, 25),
    (r"then A \cdot B = \alpha", 5, None),          # names, not articles
    (r"then A x = \alpha b", 5, None),
    (r"Then \alpha = \Sigma A matrix", 5, None),
    (r"x I \alpha = 1", 2, None),
])
def test_the_article_beside_a_run(text, start, article):
    assert tex_run(text, start).article == article


@pytest.mark.parametrize("text, shown", [
    (r"f=\mathrm{tr}(X^{\top}X)Let us", r"f=\mathrm{tr}(X^{\top}X)"),    # a word glued on
    (r"f = \|Ax - b\|^2.If so", r"f = \|Ax - b\|^2"),
    (r"f = \mathrm{tr}(XAX^\top) is", r"f = \mathrm{tr}(XAX^\top)"),      # capitals: math
])
def test_where_a_run_ends(text, shown):
    run = tex_run(text, 0)
    assert text[run.start:run.end] == shown


def test_a_tex_run_may_open_with_a_braced_bold_name():
    """Corpus 151 (a rendered edX question): `Let {\\boldsymbol \\beta }\\in \\mathbb {R}^n and
    let ...` -- the declaration's run opens with a brace group; it was not found, so beta
    was undeclared."""
    doc = (r"Let {\boldsymbol \beta }\in \mathbb {R}^n and let $A \in \mathbb{R}^{m \times n}, "
           r"b \in \mathbb{R}^m$ be data." "\n"
           r"The loss is f = \|A {\boldsymbol \beta } - b\|^2 and we minimise it.")
    g = check_gradient(doc, r"\beta", f=lambda beta, A, b: float(np.sum((A @ beta - b) ** 2)))
    assert any((n.line, n.column) == (1, 5) and "running text" in n.reason for n in g.notes), \
        g.notes
