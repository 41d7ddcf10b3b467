r"""`\Sigma \in \mathbb{S}^n_{++}` (the symmetric positive definite matrices, as statistics and
optimisation texts declare a covariance) is an n x n matrix whose entries are independent
(DESIGN.md: no symmetric-matrix convention), with a note saying so; the cone signs `_+`,
`_{++}` and the size in either order. Each gradient against central differences at SPD
points."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient


@pytest.mark.parametrize("space", [r"\mathbb{S}^n_{++}", r"\mathbb{S}_{++}^{n}",
                                   r"\mathbb{S}^{n}", r"\mathbb S^n_+", r"\mathbb{S}^{n}_{+}"])
def test_a_symmetric_space_declares_a_square_matrix(space):
    doc = (rf"$x \in \mathbb{{R}}^n, \Sigma \in {space}$" "\n"
           r"$$f = \log\det\Sigma + x^T\Sigma^{-1}x$$")
    g = check_gradient(doc, r"\Sigma",
                       lambda x, Sigma: np.linalg.slogdet(Sigma)[1] + x @ np.linalg.solve(Sigma, x),
                       mode="spd")
    assert any("symmetric matrices" in str(n) for n in g.notes), g.notes


def test_the_gradient_is_the_entrywise_one():
    """tr(A Sigma) with A not symmetric: A^T (independent entries), not (A + A^T)/2."""
    doc = (r"$A \in \mathbb{R}^{n\times n}, \Sigma \in \mathbb{S}^n_{++}$" "\n"
           r"$$f = \operatorname{tr}(A\Sigma)$$")
    g = matcalc.gradient(doc, r"\Sigma")
    A = np.array([[1.0, 2.0], [0.0, 1.0]])
    assert np.allclose(g.to_numpy()(A=A, Sigma=np.eye(2)), A.T)


def test_a_symmetric_space_without_a_size_is_refused():
    with pytest.raises(matcalc.MatcalcError, match=r"symmetric matrices of a size") as err:
        matcalc.gradient("$x \\in \\mathbb{R}^n, \\Sigma \\in \\mathbb{S}$\n$$f = x^T\\Sigma x$$",
                         r"\Sigma")
    assert err.value.line == 1


def test_a_definiteness_condition_is_noted_and_the_fragment_read():
    r"""`\Sigma \succ 0` beside declarations: an unknown command once, which dropped the whole
    fragment with the declarations in it; now a condition, skipped and noted as \succeq is."""
    doc = (r"$x \in \mathbb{R}^n, \Sigma \succ 0, \Sigma \in \mathbb{R}^{n\times n}$" "\n"
           r"$$f = \log\det\Sigma + x^T\Sigma^{-1}x$$")
    g = check_gradient(doc, r"\Sigma",
                       lambda x, Sigma: np.linalg.slogdet(Sigma)[1] + x @ np.linalg.solve(Sigma, x),
                       mode="spd")
    assert any("succ" in str(n) for n in g.notes), g.notes
