"""A family indexed in its layer superscript as well as its subscript, ``z_i^{(k)}`` with
k = 1..2 declared (corpus 095, the two views of a contrastive loss): ``z_i^{(1)}`` is the
member (1, i) of that family, noted -- before, it was read as a new name z^{(1)}, a vector
whose shape was inferred beside the declared family (a different function: the gradient
wrt the family missed every term written with a numbered view).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import matcalc
from matcalc import numeric
from helpers import check_gradient

FAMILY = r"$x_i^{(k)} \in \mathbb{R}^d, \; i = 1,\dots,n, \; k = 1,\dots,2$. "


def test_a_numbered_view_is_a_member_of_the_family():
    doc = FAMILY + r"$f = \sum_{i=1}^{n} \langle x_i^{(1)}, x_i^{(2)} \rangle + \sum_{k=1}^{2} \|x_1^{(k)}\|^2$"

    def ref(x):
        return float(np.sum(x[0] * x[1]) + np.sum(x[:, 0, :] ** 2))
    g = check_gradient(doc, "x", ref)
    assert set(g.inputs.values()) == {"x"}          # no new vector x1, x2
    assert any("member 1 (by its layer superscript) of the family x" in n.reason
               for n in g.notes)


def test_a_numbered_view_without_its_other_index_is_refused():
    with pytest.raises(matcalc.ParseError, match=r"x\^\{\(1\)\} is not declared, and the "
                                                 r"family x is, with 2 indices"):
        matcalc.gradient(FAMILY + r"$f = \|x^{(1)}\|^2$", "x")


def test_a_name_with_a_numbered_layer_and_no_such_family_is_still_a_name():
    doc = r"$W^{(1)}, W^{(2)} \in \mathbb{R}^{n \times n}$. $f = \|W^{(1)} W^{(2)}\|_F^2$"
    g = matcalc.gradient(doc, "W^{(1)}")
    assert set(g.inputs.values()) == {"W1", "W2"}


def test_the_objective_named_with_its_layer_index_is_the_entrywise_definition():
    doc = FAMILY + r"$\mathcal{L}_i^{(k)} = \|x_i^{(k)}\|^2$"
    with pytest.raises(matcalc.ShapeError, match=r"defined entrywise over k, i: L_\{k,i\} is "
                                                 r"one value for each k, i"):
        matcalc.gradient(doc, "x", objective=r"\mathcal{L}_i^{(k)}")


def test_the_page_of_corpus_095_its_losses_summed():
    """The InfoNCE page (corpus 095) with its declaration line, and the per-anchor, per-view
    losses summed by a line added here (not in the corpus: the page has no single scalar):
    read right against explicit loops over k, i and the domain of U_{i,k}."""
    page = (Path(__file__).parent / "realworld" / "095_infonce_dcl_U_ik.tex").read_text()
    doc = page + "\n$$F = \\sum_{k=1}^{2} \\sum_{i=1}^{N} \\mathcal{L}_i^{(k)}$$\n"

    def ref(z, tau):
        _, n, _ = z.shape
        total = 0.0
        for k in range(2):
            for i in range(n):
                pos = np.exp(z[0, i] @ z[1, i] / tau)
                u = sum(np.exp(z[k, i] @ z[l, j] / tau)
                        for l in range(2) for j in range(n) if j != i)
                total -= np.log(pos / (pos + u))
        return float(total)
    rng = np.random.default_rng(0)
    kw = dict(z=rng.standard_normal((2, 4, 3)) * 0.5, tau=0.7)
    g = check_gradient(doc, "z", ref, objective="F", kwargs=kw)
    assert np.isclose(numeric.call(g.objective_numpy(), kw), ref(**kw), rtol=1e-12)
    check_gradient(doc, r"\tau", ref, objective="F", kwargs=kw)
