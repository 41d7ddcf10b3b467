"""A definition written as a chain of equalities, ``f = A = B`` (``\\equiv`` too): the value
is the last member, and every earlier member that can be read must give its numbers --
two members with different values are two readings of f, refused naming both (the last
member was taken silently: ``f = \\|x\\|^2 = x^T x + 1^T x`` derived 2x + 1). A member that
cannot be read is noted; a chain-rule step or a restatement of f itself is not compared."""
import numpy as np
import pytest
from helpers import check_gradient, refused

import matcalc

X = r"$x \in \mathbb{R}^n, A \in \mathbb{R}^{m \times n}, b \in \mathbb{R}^m$ "


@pytest.mark.parametrize("chain", [
    r"f = \|Ax - b\|^2 = (Ax - b)^T (Ax - b) = x^T A^T A x - 2 b^T A x + b^T b",
    r"f := \|Ax - b\|^2 \equiv (Ax - b):(Ax - b)",
    r"f := \|Ax - b\|^2 \equiv Ax - b : Ax - b",       # the colon style (corpus 110)
])
def test_members_that_agree(chain):
    check_gradient(X + f"${chain}$", "x", f=lambda x, A, b: float(np.sum((A @ x - b) ** 2)))


@pytest.mark.parametrize("chain", [
    r"f = \|x\|^2 = x^T x + \mathbf{1}^T x",
    r"f := \|Ax - b\|^2 \equiv Ax - b : Ax + b",
    r"f = \|Ax - b\|^2 = x^T A^T A x - b^T A x + b^T b",
])
def test_members_that_disagree_are_refused(chain):
    e = refused(X + f"${chain}$", "x", "chain of equalities", "give different values",
                "two readings")
    assert e.line == 1


def test_a_member_that_cannot_be_read_is_noted():
    doc = X + r"$f = (Ax - b)^2 = \|Ax - b\|^2$"
    g = check_gradient(doc, "x", f=lambda x, A, b: float(np.sum((A @ x - b) ** 2)))
    assert any(n.kind == "unreadable" and "chain of equalities" in n.reason for n in g.notes)


def test_a_restatement_of_the_name_itself_is_not_compared():
    doc = r"$x \in \mathbb{R}^2$ $f(x) = f([x_1, x_2]) = x_1^2 + 3 x_2$"
    check_gradient(doc, "x", f=lambda x: float(x[0] ** 2 + 3 * x[1]))


def test_a_last_member_that_cannot_be_read_leaves_the_one_before():
    """``f = \\|Ax - b\\|^2 = (Ax - b)^2``: the power of a vector has two readings, so the
    member before it is the value (the chain says they are equal), noted."""
    doc = X + r"$f = \|Ax - b\|^2 = (Ax - b)^2$"
    g = check_gradient(doc, "x", f=lambda x, A, b: float(np.sum((A @ x - b) ** 2)))
    assert any(n.kind == "unreadable" and "the last member" in n.reason for n in g.notes)


def test_an_unreadable_chain_is_still_refused():
    refused(X + r"$f = (Ax)^2 = (Ax - b)^2$", "x", "power of a vector")


ALIGNED = r"""$x \in \mathbb{R}^n$
\begin{align}
f &= \log(1 + x^T x) \\
  &= {ROW}
\end{align}"""


def test_a_continued_row_is_a_member_that_must_agree():
    """``f &= A \\\\ &= B`` in an align: B is compared with A like a member of a one-line
    chain (it was only noted: a continued row that disagreed went unseen)."""
    f = lambda x: float(np.log(1 + x @ x))
    g = check_gradient(ALIGNED.replace("{ROW}", r"\log(1 + \sum_i x_i^2)"), "x", f=f)
    assert any("continues the definition of f" in n.reason for n in g.notes)
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(ALIGNED.replace("{ROW}", r"\log(1 + 2 x^T x)"), "x")
    assert "chain of equalities" in str(err.value) and "two readings" in str(err.value)


def test_a_continued_row_that_cannot_be_read_is_noted_and_the_first_is_the_value():
    # a shorthand the prose defines (\ell_j): the row cannot be compared, A is used
    g = check_gradient(ALIGNED.replace("{ROW}", r"\sum_j \ell_j"), "x",
                       f=lambda x: float(np.log(1 + x @ x)))
    assert any("never introduces" in n.reason and "is not read" in n.reason
               for n in g.notes)


def test_members_that_agree_on_their_common_domain_are_one_reading():
    """log Γ is log|Γ|: Stan's Wishart density written with log(∏ Γ) and with Σ log Γ
    agree wherever both are finite (corpus 114); compared there, not refused."""
    doc = (r"$a \in \mathbb{R}$" "\n" r"\begin{align} f &= \log(a^2) \\ &= 2 \log |a| "
           r"\end{align}")
    check_gradient(doc, "a", f=lambda a: float(np.log(a ** 2)), kwargs=dict(a=0.7))


def test_a_last_member_with_a_name_never_introduced_leaves_the_readable_one():
    """``L = \\|y - X\\theta\\|^2 = \\sum_i (y^{(i)} - \\hat{y}^{(i)})^2`` with \\hat{y} never
    introduced (corpus 204): the first member is the value, and the note names the name
    the last one writes (it was refused: 'unknown name')."""
    doc = (r"$X \in \mathbb{R}^{m \times n}, y \in \mathbb{R}^m, \theta \in \mathbb{R}^n$ "
           r"$L = \|y - X\theta\|^2 = \sum_{i=1}^m (y^{(i)} - \hat{y}^{(i)})^2$")
    g = check_gradient(doc, r"\theta", f=lambda theta, X, y: float(np.sum((y - X @ theta) ** 2)))
    assert any(n.kind == "unreadable" and "never introduces" in n.reason and
               "y^{(i)}" in n.reason for n in g.notes), [n.reason for n in g.notes]


def test_a_declared_variable_chain_with_a_new_name_stays_refused():
    """The chain defines a declared x and its last member writes a new name: a model
    equation of the data or x's definition with a new input -- two readings, refused."""
    doc = (r"$x \in \mathbb{R}^n, U \in \mathbb{R}^{n \times n}, z \in \mathbb{R}^n$ "
           r"$x = Uz = Uz + \epsilon$ $f = x^T x$")
    with pytest.raises(matcalc.MatcalcError):
        matcalc.gradient(doc, "z")
