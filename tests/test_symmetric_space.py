r"""`\Sigma \in \mathbb{S}^n_{++}` (the symmetric positive definite matrices, as statistics and
optimisation texts declare a covariance) is an n x n matrix, with a note; the cone signs `_+`,
`_{++}` and the size in either order. A gradient with respect to it is refused naming the two
conventions, as for a matrix the text states symmetric (`A = A^T`): every entry independent
(G) or the symmetric-matrix convention (G + G^T - Diag(G)) give different numbers. A gradient
with respect to another input is the usual one. Each gradient against central differences at
SPD points."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient


def _ref(x, mu, Sigma):
    r = x - mu
    return np.linalg.slogdet(Sigma)[1] + r @ np.linalg.solve(Sigma, r)


@pytest.mark.parametrize("space", [r"\mathbb{S}^n_{++}", r"\mathbb{S}_{++}^{n}",
                                   r"\mathbb{S}^{n}", r"\mathbb S^n_+", r"\mathbb{S}^{n}_{+}"])
def test_a_symmetric_space_declares_a_square_matrix(space):
    doc = (rf"$x, \mu \in \mathbb{{R}}^n, \Sigma \in {space}$" "\n"
           r"$$f = \log\det\Sigma + (x - \mu)^T\Sigma^{-1}(x - \mu)$$")
    g = check_gradient(doc, r"\mu", _ref, mode="spd")
    assert any("symmetric matrices" in str(n) for n in g.notes), g.notes
    with pytest.raises(matcalc.MatcalcError, match=r"two readings.*G \+ G\^T - Diag\(G\)"):
        matcalc.gradient(doc, r"\Sigma")


def test_declared_in_the_reals_the_gradient_is_the_entrywise_one():
    doc = (r"$x, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n\times n}$" "\n"
           r"$$f = \log\det\Sigma + (x - \mu)^T\Sigma^{-1}(x - \mu)$$")
    check_gradient(doc, r"\Sigma", _ref, mode="spd")


def test_a_symmetric_space_without_a_size_is_refused():
    with pytest.raises(matcalc.MatcalcError, match=r"symmetric matrices of a size") as err:
        matcalc.gradient("$x \\in \\mathbb{R}^n, \\Sigma \\in \\mathbb{S}$\n$$f = x^T\\Sigma x$$",
                         "x")
    assert err.value.line == 1


def test_a_definiteness_condition_is_noted_and_the_fragment_read():
    r"""`\Sigma \succ 0` beside declarations: an unknown command once, which dropped the whole
    fragment with the declarations in it; now a condition, skipped and noted as \succeq is."""
    doc = (r"$x, \mu \in \mathbb{R}^n, \Sigma \succ 0, \Sigma \in \mathbb{R}^{n\times n}$" "\n"
           r"$$f = \log\det\Sigma + (x - \mu)^T\Sigma^{-1}(x - \mu)$$")
    g = check_gradient(doc, r"\Sigma", _ref, mode="spd")
    assert any("succ" in str(n) for n in g.notes), g.notes


@pytest.mark.parametrize("decl, said", [
    (r"\Sigma \in \mathbb{S}^n_{++}", ""),
    (r"\Sigma \in \mathbb{R}^{n\times n}", r" where $\Sigma = \Sigma^T$"),
])
def test_a_claim_that_uses_the_stated_symmetry_is_checked_on_symmetric_matrices(decl, said):
    """2 Sigma^{-1}(mu - x) is the gradient wrt mu for every symmetric Sigma: a check drew a
    random (non-symmetric) Sigma and said 'wrong' where the text declares Sigma symmetric; it
    is still wrong where nothing says so."""
    doc = (rf"$x, \mu \in \mathbb{{R}}^n, {decl}$" "\n"
           r"$$f = \log\det\Sigma + (x - \mu)^T\Sigma^{-1}(x - \mu)$$" + said)
    assert matcalc.check(doc, r"\mu", claim=r"2\Sigma^{-1}(\mu - x)").ok
    assert not matcalc.check(doc, r"\mu", claim=r"\Sigma^{-1}(\mu - x)").ok
    plain = (r"$x, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n\times n}$" "\n"
             r"$$f = \log\det\Sigma + (x - \mu)^T\Sigma^{-1}(x - \mu)$$")
    assert not matcalc.check(plain, r"\mu", claim=r"2\Sigma^{-1}(\mu - x)").ok


# ------------------------------------------------- \text{ symmetric} after a square space
@pytest.mark.parametrize("words", [r"\text{ symmetric}", r"\text{ symmetric positive definite}",
                                   r"\ \text{symmetric}"])
def test_symmetric_in_words_after_a_square_space_is_the_symmetric_matrices(words):
    """Corpus 154: `P \\in \\mathbb{R}^{n \\times n} \\text{ symmetric}` inside the declaration
    list (it was read as the name `symmetric`, and the declaration line refused)."""
    doc = (rf"$K \in \mathbb{{R}}^{{n \times q}}, \ C \in \mathbb{{R}}^{{q \times n}}, \ "
           rf"P \in \mathbb{{R}}^{{n \times n}} {words}$" "\n"
           r"$$J = \operatorname{Tr}(K C P C^T K^T) - 2\operatorname{Tr}(K C P)$$")
    g = check_gradient(doc, "K", lambda K, C, P: float(np.trace(K @ C @ P @ C.T @ K.T)
                                                       - 2 * np.trace(K @ C @ P)), mode="spd")
    assert any("symmetric matrices" in str(n) for n in g.notes), g.notes
    with pytest.raises(matcalc.MatcalcError, match="two readings"):
        matcalc.gradient(doc, "P")


def test_symmetric_in_words_after_a_non_square_space_is_refused():
    with pytest.raises(matcalc.ParseError, match="a symmetric matrix is square") as err:
        matcalc.gradient(r"$x \in \mathbb{R}^n, P \in \mathbb{R}^{n \times m} \text{ symmetric}$"
                         "\n$$f = x^T P x$$", "x")
    assert err.value.line == 1
