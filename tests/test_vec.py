"""``\\operatorname{vec}(X)`` stacks the columns of X (the convention of every text, the
Matrix Cookbook's), and a row-major reshape inside matcalc prints as what it is: a matrix
read row by row into a vector is ``vec(X^T)``, any other reshape ``reshape_{n×m}(·)``
(row-major, as NumPy's). It printed ``vec(...)`` for both -- a user applying the printed
gradient with the usual vec would have permuted its entries. Gradients checked by central
differences (helpers.check_gradient) against NumPy references using order="F"."""
import numpy as np
import pytest

import matcalc
from helpers import check_gradient

DECL = r"$X \in \mathbb{R}^{n \times m}, a \in \mathbb{R}^{nm}, A \in \mathbb{R}^{n \times n}$" + "\n"


def vec(M):
    return M.reshape(-1, order="F")


@pytest.mark.parametrize("body, f", [
    (r"f = a^T \operatorname{vec}(X)", lambda X, a, A: a @ vec(X)),
    (r"f = a^T \operatorname{vec}(A X)", lambda X, a, A: a @ vec(A @ X)),
    (r"f = \|\operatorname{vec}(X) - a\|^2", lambda X, a, A: np.sum((vec(X) - a) ** 2)),
    (r"f = \operatorname{vec}(X)^T \operatorname{vec}(A X)", lambda X, a, A: vec(X) @ vec(A @ X)),
])
def test_vec_stacks_columns(body, f):
    check_gradient(DECL + f"${body}$", "X", f)


def test_vec_of_a_column_vector_is_itself():
    doc = r"$x \in \mathbb{R}^n$ $f = \operatorname{vec}(x)^T \operatorname{vec}(x)$"
    check_gradient(doc, "x", lambda x: float(x @ x))


def test_vec_of_a_row_or_scalar_is_refused():
    with pytest.raises(matcalc.MatcalcError) as e:
        matcalc.gradient(r"$x \in \mathbb{R}^n$ $f = \mathbf{1}^T \operatorname{vec}(x^T)$", "x")
    assert "vec needs" in str(e.value)


def test_a_gradient_written_with_vec_reads_back_right():
    doc = DECL + r"$f = a^T \operatorname{vec}(X X^T X)$"
    g = matcalc.gradient(doc, "a")
    assert "vec" in g.text()
    assert matcalc.check(doc, "a", claim=g.latex()).ok


def test_row_major_reshapes_print_with_their_shape():
    doc = (r"$a \in \mathbb{R}^{nm}, B \in \mathbb{R}^{n\times m}$ "
           r"$f = \sum_{i=1}^{n}\sum_{j=1}^{m} B_{ij} a_{i,j}^2$")
    g = check_gradient(doc, "a", lambda a, B: float(np.sum(B.reshape(-1) * a ** 2)))
    text = g.text()
    assert "reshape_{n×m}" in text, text
    # the matrix read back into a vector is vec of its transpose, never a bare vec(matrix)
    assert "vec(" in text and "ᵀ" in text.split("vec(", 1)[1], text


def test_a_declared_text_or_mathrm_vec_is_a_name():
    """The fuzzer's \\text{vec} \\in \\{0,1\\}^n is a name, and matcalc prints a multi-letter
    name as \\mathrm{vec}: only \\operatorname{vec} is the operator, so answers read back."""
    doc = (r"$\text{vec} \in \mathbb{R}^{n}, x \in \mathbb{R}^n$ "
           r"$f = \text{vec}^T x + x^T \mathrm{vec}$")
    g = check_gradient(doc, "x", lambda vec, x: float(2 * vec @ x))
    assert matcalc.check(doc, "x", claim=g.latex()).ok
