"""A definition written right to left with a plain name on the right (corpus 160:
``\\mathbf{L}\\mathbf{L}^\\top = \\bm{\\Sigma}``): read as the definition of the name where the
left side is an expression of known names and the name is declared nowhere, defined
nowhere else, and used only where the left side would stand (noted); kept an equation of
data beside ``\\|Ax - b\\|^2``; refused, naming both readings, where the name is declared or
defined otherwise. Gradients and the verdicts on the corpus document's claims are compared
with central differences of hand-written NumPy references."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError

from helpers import central, check_gradient

HEAD = r"$x, \mu \in \mathbb{R}^n, L \in \mathbb{R}^{n \times n}$" "\n"
OBJ = r"$$\ell = -\frac{1}{2}\log|\Sigma| - \frac{1}{2}(x-\mu)^T\Sigma^{-1}(x-\mu)$$" "\n"


def logpdf(x, mu, L):
    S = L @ L.T
    r = x - mu
    return float(-0.5 * np.linalg.slogdet(S)[1] - 0.5 * r @ np.linalg.solve(S, r))


def right_to_left_noted(g):
    return [n for n in g.notes if n.reason.startswith("a definition written right to left")]


@pytest.mark.parametrize("wrt", ["L", "x", r"\mu"])
def test_a_factorisation_written_right_to_left_defines_the_new_name(wrt):
    g = check_gradient(HEAD + r"$$L L^T = \Sigma$$" "\n" + OBJ, wrt, f=logpdf)
    assert len(right_to_left_noted(g)) == 1 and "Sigma" in g.notes[0].reason


def test_any_expression_of_known_names():
    doc = r"$A \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n$" "\n" r"$$A x = z$$" "\n" \
        r"$$f = \|z\|^2 + \mathbf{1}^T z$$"
    g = check_gradient(doc, "x", f=lambda A, x: float(np.sum((A @ x) ** 2) + np.sum(A @ x)))
    assert right_to_left_noted(g)


def test_data_fitted_by_an_equation_is_not_turned_around():
    """Ax = b beside \\|Ax - b\\|^2: b is the data the equation models (turned around the
    objective would be 0)."""
    doc = r"$A \in \mathbb{R}^{m \times n}, x, \in \mathbb{R}^n, b \in \mathbb{R}^m$" "\n" \
        r"$$A x = b$$" "\n" r"$$f = \|A x - b\|^2$$"
    g = check_gradient(doc, "x", f=lambda A, x, b: float(np.sum((A @ x - b) ** 2)))
    assert not right_to_left_noted(g)


def test_undeclared_data_fitted_by_an_equation_is_not_turned_around():
    doc = r"$A \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n$" "\n" r"$$A x = b$$" "\n" \
        r"$$f = \|A x - b\|^2$$"
    try:
        g = matcalc.gradient(doc, wrt="x")
    except MatcalcError as e:
        assert "right to left" not in str(e)
        return
    assert not right_to_left_noted(g)


def test_a_declared_right_name_is_two_readings():
    decl = HEAD.replace("$\n", r", \Sigma \in \mathbb{R}^{n \times n}$" "\n")
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(decl + r"$$L L^T = \Sigma$$" "\n" + OBJ, wrt="L")
    msg = str(e.value)
    assert "two readings" in msg and "declared" in msg and "right to left" in msg


def test_a_name_defined_otherwise_elsewhere_is_refused():
    doc = HEAD + r"$$L L^T = \Sigma$$" "\n" r"$$\Sigma = L^T L$$" "\n" + OBJ
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="L")
    assert "defined twice, differently" in str(e.value)


def test_a_name_defined_the_same_elsewhere_is_read():
    doc = HEAD + r"$$L L^T = \Sigma$$" "\n" r"$$\Sigma = L L^{\top}$$" "\n" + OBJ
    check_gradient(doc, "L", f=logpdf)


def test_a_single_name_on_the_left_stays_refused():
    with pytest.raises(MatcalcError):
        matcalc.gradient(HEAD + r"$$L = \Sigma$$" "\n" + OBJ, wrt="L")


def test_a_left_side_with_an_unknown_name_is_not_a_definition():
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(HEAD + r"$$L M^T = \Sigma$$" "\n" + OBJ, wrt="L")
    assert "right to left" not in str(e.value)


def test_a_relation_on_the_next_source_line_continues_the_row():
    """An aligned block whose first row's ``& =`` stands on the next line: one row."""
    doc = HEAD + r"$$f = x^T L x$$" "\n" "$$\n\\begin{aligned}\n\\frac{\\partial f}{\\partial x}\n" \
        "  & = (L + L^T) x\n  \\\\ & = 2 L x\n\\end{aligned}\n$$\n"
    got = {v.line: v.status for v in matcalc.check_all(doc)}
    assert list(got.values()) == ["right", "wrong"]


# ---------------------------------------------------------------- the corpus document
DOC = (Path(__file__).parent / "realworld" / "160_mvn_logpdf_cholesky_L_readme.tex").read_text()


def claimed(x, mu, L):
    """The README's right-hand sides, by hand: (variable, line, value)."""
    S, r = L @ L.T, x - mu
    Si = np.linalg.inv(S)
    return [("x", 18, -0.5 * Si @ (2 * x - 2 * mu)), ("x", 20, -np.linalg.solve(S, r)),
            ("mu", 28, 0.5 * Si @ (2 * x - 2 * mu)), ("mu", 30, np.linalg.solve(S, r)),
            ("L", 38, -0.5 * np.linalg.inv(S.T) - 0.5 * (-S.T @ S.T) @ np.outer(r, r)),
            ("L", 40, 0.5 * (S @ S @ np.outer(r, r) - Si))]


def test_the_corpus_claims_are_judged_as_finite_differences_say():
    verdicts = {v.line: v.status for v in matcalc.check_all(
        DOC, objective=r"\log{p(\mathbf{x} \mid \bm{\mu}, \mathbf{L})}")}
    rng = np.random.default_rng(11)
    n = 3
    points = [dict(x=rng.standard_normal(n), mu=rng.standard_normal(n),
                   L=rng.standard_normal((n, n)) + 2 * np.eye(n)) for _ in range(3)]
    for k, (var, line, _) in enumerate(claimed(**points[0])):
        right = True
        for p in points:
            want = central(lambda v: logpdf(**{**p, var: v}), p[var])
            right &= bool(np.allclose(claimed(**p)[k][2], want, rtol=1e-6, atol=1e-8))
        assert verdicts[line] == ("right" if right else "wrong"), (line, verdicts)
    assert sorted(verdicts.values()) == ["right"] * 4 + ["wrong"] * 2


def test_the_corpus_gradient_by_L():
    g = check_gradient(DOC, r"\mathbf{L}",
                       f=lambda x, mu, L: logpdf(x, mu, L) - 0.5 * len(x) * np.log(2 * np.pi),
                       objective=r"\log{p(\mathbf{x} \mid \bm{\mu}, \mathbf{L})}")
    assert right_to_left_noted(g)


def test_a_size_on_the_right_is_no_definition():
    """\\sum_i x_i = n with n a dimension: a relation of sizes, neither refused nor read."""
    doc = r"$x \in \mathbb{R}^n$" "\n" r"$$\sum_i x_i = n$$" "\n" r"$$f = x^T x + n$$"
    g = check_gradient(doc, "x", f=lambda x: float(x @ x + len(x)))
    assert not right_to_left_noted(g)
