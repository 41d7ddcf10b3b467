"""Sizes written as subscripts inside a formula (corpus 123, issue 8): ``\\mathbf X_{p\\times
n}'(\\sigma^2 \\mathbf I_{n} + \\mathbf Z_{n\\times q}\\mathbf G_{q\\times q}\\mathbf Z_{q\\times
n}')^{-1}\\mathbf X_{n\\times p}`` declares X (n×p), Z (n×q), G (q×q); on a primed name the size
is that of what is written (X' is p×n). Checked against central finite differences of
hand-written NumPy; the readings that do not settle to one shape are refused."""
import numpy as np
import pytest

import matcalc
from helpers import check_gradient, refused


def lsq(A, x, b):
    return float(np.sum((A @ x - b) ** 2))


def test_sizes_as_subscripts_declare_the_names():
    doc = r"$$f = \|A_{m\times n} x_{n\times 1} - b_{m \times 1}\|^2$$"
    g = check_gradient(doc, "x", f=lsq)
    shapes = {k: tuple(map(str, v.shape)) for k, v in g.problem.inputs.items()}
    assert shapes == {"A": ("m", "n"), "x": ("n",), "b": ("m",)}
    assert any("as its size subscripts say" in n.reason for n in g.notes)


def test_a_primed_name_carries_the_size_of_its_transpose():
    """X_{p×n}' and X_{n×p}: X is n×p (the size of what is written); Z_{q×n}' beside
    Z_{n×q} likewise; X_{p×n}'(...)^{-1} is the product X^T (...)^{-1}, not a call."""
    doc = (r"$$f = \operatorname{tr}(\mathbf X_{p\times n}'(\mathbf I_{n} + \mathbf Z_{n\times q}"
           r"\mathbf Z_{q\times n}')^{-1}\mathbf X_{n\times p} W_{p \times p})$$")

    def f(X, Z, W):
        n = X.shape[0]
        return float(np.trace(X.T @ np.linalg.solve(np.eye(n) + Z @ Z.T, X) @ W))
    g = check_gradient(doc, "X", f=f)
    assert tuple(map(str, g.problem.inputs["X"].shape)) == ("n", "p")
    check_gradient(doc, "Z", f=f)


def test_a_subscript_size_that_is_not_one_shape_is_refused():
    refused(r"$$f = \|X_{p\times n}' w\|^2 + w^T w$$", "w", "has two readings")
    refused(r"$$f = \operatorname{tr}(X_{n\times p} X_{p\times n})$$", "X", "two shapes")
    refused("$X \\in \\mathbb{R}^{n \\times n}$\n$$f = \\operatorname{tr}(X_{n\\times p})$$",
            "X", "declared twice")


def test_the_identity_a_sentence_names_is_no_input():
    """``$$\\mathbf I_{n}$$ is a $n\\times n$ identity matrix`` leaves I_n the identity (it
    was declared an n×n matrix of data: the gradient then took a random matrix for I)."""
    doc = ("$A \\in \\mathbb{R}^{n \\times n}$, $x \\in \\mathbb{R}^n$, where $$\\mathbf I_{n}$$ is "
           "a $n\\times n$ identity matrix.\n$$f = x^T (\\mathbf I_{n} + A A^T)^{-1} x$$\n")

    def f(A, x):
        return float(x @ np.linalg.solve(np.eye(len(x)) + A @ A.T, x))
    g = check_gradient(doc, "x", f=f)
    assert set(g.inputs.values()) == {"A", "x"}
    assert any("is the identity, as this sentence says" in n.reason for n in g.notes)
    check_gradient(doc, "A", f=f)
