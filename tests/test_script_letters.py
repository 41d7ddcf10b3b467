r"""A script letter beside the plain one (read/scripts.py, issue 8): \mathcal{V} is the
name V (DESIGN.md: a font command does not make a different variable) unless read so
the document is not well-formed -- a circular definition, two declarations of different
shapes, two different definitions -- when it is a name of its own (keyword V_cal), noted;
where both readings are well-formed and differ, refused naming both.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import matcalc
from matcalc import numeric

from helpers import check_gradient

FONTS = [(r"\mathcal{%s}", "cal"), (r"{\cal %s}", "cal"), (r"\mathscr{%s}", "scr"),
         (r"\mathfrak{%s}", "frak"), (r"\mathbb{%s}", "bb")]


def test_circular_as_one_name_makes_the_script_letter_its_own():
    """Corpus 063: V = \\frac{1}{2} q^T \\mathcal{V} q."""
    doc = (r"$\vec{q} \in \mathbb{R}^n, \mathcal{V} \in \mathbb{R}^{n \times n}$" "\n"
           r"$V = \frac{1}{2}\vec{q}^\intercal\mathcal{V}\vec{q} $")
    g = check_gradient(doc, r"\vec{q}", f=lambda q_vec, V_cal: 0.5 * q_vec @ V_cal @ q_vec)
    assert g.inputs[r"\mathcal{V}"] == "V_cal"
    assert r"\mathcal{V}" in g.latex() and "𝒱" in g.text()
    (note,) = [n for n in g.notes if "name of its own" in n.reason]
    assert (note.line, note.column) == (2, doc.splitlines()[1].index(r"\mathcal{V}") + 10)
    assert "would define itself" in note.reason and note.kind == "inferred"


@pytest.mark.parametrize("font, accent", FONTS)
def test_a_loss_defined_from_the_plain_letter(font, accent):
    r"""L = \|x\|^2, \mathcal{L} = 3 L + a^T x: the objective (last) is the script one."""
    spell = font % "L"
    doc = (r"x, a \in \mathbb{R}^n" "\n" r"L = x^T x" "\n" + spell + r" = 3 L + a^T x")
    g = check_gradient(doc, "x", f=lambda x, a: 3 * x @ x + a @ x)
    assert g.problem.objective == "L_" + accent
    check_gradient(doc, "x", f=lambda x, a: x @ x, objective="L")
    check_gradient(doc, "x", f=lambda x, a: 3 * x @ x + a @ x, objective=spell)


def test_two_different_definitions_are_two_names():
    doc = r"x \in \mathbb{R}^n" "\n" r"L = x^T x" "\n" r"\mathcal{L} = 2 \sum_i \exp(x_i)"
    g = check_gradient(doc, "x", f=lambda x: 2 * np.sum(np.exp(x)))
    assert any("defined differently" in n.reason for n in g.notes)


def test_both_declared_and_both_used_is_refused_naming_both():
    """Same shapes: read as one name f = 2 x^T L x, as two x^T (L + \\mathcal{L}) x --
    both well-formed, different numbers."""
    doc = (r"x \in \mathbb{R}^n, L, \mathcal{L} \in \mathbb{R}^{n \times n}" "\n"
           r"f = x^T L x + x^T \mathcal{L} x")
    with pytest.raises(matcalc.MatcalcError) as e:
        matcalc.gradient(doc, wrt="x")
    msg = str(e.value)
    assert r"L and \mathcal{L} both stand in the formulas" in msg
    assert "read as one name" in msg and "or as two" in msg
    assert f"line 2, column {doc.splitlines()[1].index(chr(92) + 'mathcal') + 10}" in msg


def test_a_declared_script_letter_beside_a_defined_plain_one_both_used_is_refused():
    doc = (r"x \in \mathbb{R}^n, \mathcal{L} \in \mathbb{R}" "\n" r"L = x^T x" "\n"
           r"f = \mathcal{L} L")
    with pytest.raises(matcalc.MatcalcError, match="both stand in the formulas"):
        matcalc.gradient(doc, wrt="x")


def test_one_spelling_introduced_is_one_name_as_design_reads_it():
    # declared script, used plain (sloppy): one name
    g = check_gradient(r"x \in \mathbb{R}^n, \mathcal{V} \in \mathbb{R}^{n \times n}" "\n"
                       r"f = x^T V x", "x", f=lambda x, V: x @ V @ x)
    assert set(g.inputs.values()) == {"x", "V"}
    assert not [n for n in g.notes if "name of its own" in n.reason]
    # both introduced, only one used: the readings agree, one name
    g = check_gradient(r"x \in \mathbb{R}^n, \mathcal{L} \in \mathbb{R}" "\n" r"L = x^T x"
                       "\n" r"f = 2 L", "x", f=lambda x: 2 * x @ x)
    assert not [n for n in g.notes if "name of its own" in n.reason]


def test_a_density_beside_a_dimension_of_the_same_letter():
    r"""\mathcal{N}(x | \mu, \Sigma) beside the count N: one spelling is a density, the
    other a dimension -- neither introduced twice, nothing changes."""
    doc = (r"x_n \in \mathbb{R}^d, n = 1,\dots,N, \; \mu \in \mathbb{R}^d, "
           r"\Sigma \in \mathbb{R}^{d \times d}" "\n"
           r"f = \sum_{n=1}^N \log \mathcal{N}(x_n | \mu, \Sigma)")
    def ref(x, mu, Sigma):
        d = x.shape[1]
        r = x - mu
        sol = np.linalg.solve(Sigma, r.T).T
        return float(np.sum(-0.5 * np.sum(r * sol, axis=1) - 0.5 * d * np.log(2 * np.pi)
                            - 0.5 * np.linalg.slogdet(Sigma)[1]))
    check_gradient(doc, r"\mu", f=ref, mode="spd")


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(FONTS), st.sampled_from("VLAQ"), st.floats(0.5, 3.0))
def test_property_circular_reading_always_takes_the_script_name(font, letter, c):
    spell = font[0] % letter
    c = float(f"{c:.3f}")
    doc = (r"q \in \mathbb{R}^n, " + spell + r" \in \mathbb{R}^{n \times n}" "\n" +
           letter + f" = {c}" + r" q^T " + spell + " q")
    kw = f"{letter}_{font[1]}"
    g = matcalc.gradient(doc, wrt="q")
    assert kw in g.inputs.values()
    rng = np.random.default_rng(0)
    args = numeric.sample_inputs(g.problem, rng, g.objective_numpy())
    M = args[kw]
    want = numeric.central_difference(lambda q: c * q @ M @ q, {"q": args["q"]}, "q")
    assert numeric.relative_error(numeric.call(g.to_numpy(), args), want) < 1e-6
    # wrt= names the script letter in any spelling
    assert matcalc.gradient(doc, wrt=spell).wrt == kw
