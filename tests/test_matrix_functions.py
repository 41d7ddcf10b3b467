r"""`\exp`, `\log`, `\sqrt` and `e^{...}` of a SQUARE matrix have two readings: entrywise, as
matcalc reads functions of arrays, or the matrix function (`\operatorname{tr}(e^{A})`,
`\log\det e^{\rho\log\sigma}` in matrix-calculus text mean the matrix exponential and
logarithm). They used to be read entrywise without a word -- a wrong number where the
author meant the matrix function (found in corpus 161) -- and are now refused naming both,
unless the text says the functions apply elementwise (then read entrywise, noted). On a
vector or a non-square matrix the entrywise reading is the only one and stays. Every
gradient that derives is compared with central differences."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient

SQUARE = r"$A \in \mathbb{R}^{n\times n}$" "\n"


@pytest.mark.parametrize("body, reading", [
    (r"f = \operatorname{tr}(e^{A})", "the matrix exponential"),
    (r"f = \log\det e^{A}", "the matrix exponential"),
    (r"f = \operatorname{tr}(\exp(A))", "the matrix exponential"),
    (r"f = \operatorname{tr}(\exp(-2 A^T A))", "the matrix exponential"),
    (r"f = \operatorname{tr}(\log(A))", "the matrix logarithm"),
    (r"f = \mathbf{1}^T \log(A A^T) \mathbf{1}", "the matrix logarithm"),
    (r"f = \operatorname{tr}(\sqrt{A^T A})", "the matrix square root"),
])
def test_a_function_of_a_square_matrix_is_refused_naming_both(body, reading):
    with pytest.raises(matcalc.MatcalcError, match="two readings") as err:
        matcalc.gradient(SQUARE + "$$" + body + "$$", "A")
    assert reading in str(err.value) and "entry by entry" in str(err.value)
    assert err.value.line == 2


def test_the_words_elementwise_make_the_entrywise_reading():
    doc = (SQUARE + r"$$f = \mathbf{1}^T \exp(A) \mathbf{1} + \operatorname{tr}(\log(A \odot A + 1))$$"
           "\nwhere exp and log are applied elementwise.")
    g = check_gradient(doc, "A", lambda A: float(np.sum(np.exp(A))
                                                  + np.trace(np.log(A * A + 1))))
    assert any("read entrywise" in n.reason for n in g.notes), g.notes


@pytest.mark.parametrize("doc, f", [
    (r"$A \in \mathbb{R}^{n\times m}$ $$f = \mathbf{1}^T e^{A} \mathbf{1}$$",
     lambda A: float(np.sum(np.exp(A)))),
    (r"$x \in \mathbb{R}^{n}$ $$f = \mathbf{1}^T \log(1 + \exp(x))$$",
     lambda x: float(np.sum(np.log1p(np.exp(x))))),
    (r"$x \in \mathbb{R}^{n}, A \in \mathbb{R}^{n\times n}$ $$f = e^{x^T A x}$$",
     lambda x, A: float(np.exp(x @ A @ x))),
    (r"$A \in \mathbb{R}^{n\times m}$ $$f = \mathbf{1}^T \sqrt{A \odot A + 1} \mathbf{1}$$",
     lambda A: float(np.sum(np.sqrt(A * A + 1)))),
])
def test_vectors_scalars_and_non_square_matrices_stay_entrywise(doc, f):
    wrt = "x" if "x \\in" in doc else "A"
    check_gradient(doc, wrt, f, dims={"n": 3, "m": 4})


def test_elementwise_said_of_another_function_does_not_make_exp_entrywise():
    doc = (SQUARE + r"$$f = \operatorname{tr}(e^{A}) + \mathbf{1}^T \sigma(A) \mathbf{1}$$"
           "\nwhere $\\sigma$ is applied elementwise.")
    with pytest.raises(matcalc.MatcalcError, match="the matrix exponential"):
        matcalc.gradient(doc, "A")


@pytest.mark.parametrize("body, f", [
    (r"f = \mathbf{1}^T \log(1 + A \odot A) \mathbf{1}", lambda A: float(np.sum(np.log1p(A * A)))),
    (r"f = \operatorname{tr}(\exp(A \odot A))", lambda A: float(np.trace(np.exp(A * A)))),
    (r"f = \mathbf{1}^T \sqrt{A \odot A + 1} \mathbf{1}",
     lambda A: float(np.sum(np.sqrt(A * A + 1)))),
])
def test_an_argument_written_entrywise_is_read_entrywise(body, f):
    """A number added to the matrix (a matrix function's argument would add I) or a
    Hadamard product at the argument's top: the text's own entrywise reading."""
    check_gradient(SQUARE + "$$" + body + "$$", "A", f)
