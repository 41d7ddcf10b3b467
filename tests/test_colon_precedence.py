"""The colon product written without brackets in a sum (issue 8, corpus 110): authors of
the colon style write ``f = Y - XX^T : Y - XX^T`` for ``(Y - XX^T) : (Y - XX^T)``, the colon
below + and -. matcalc's own precedence puts the colon above them (``A:B + C:D``). Which is
meant is read from shapes (matcalc/lower/colonchain.py): a sum of scalars keeps the tight
reading; where it would add a colon product (a scalar) to a matrix and the objective must
be a scalar, the loose reading is taken and noted; elsewhere both are named and refused."""
import numpy as np
import pytest
from helpers import check_gradient, refused
from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc

HEAD = (r"$X \in \mathbb{R}^{n \times k}, Y, A, B \in \mathbb{R}^{n \times n}, "
        r"c \in \mathbb{R}$ ")


def fro2(m):
    return float(np.sum(m * m))


def _noted(g):
    assert any(n.kind == "inferred" and "below + and -" in n.reason for n in g.notes), g.notes


@pytest.mark.parametrize("formula, f", [
    (r"f = Y - XX^T:Y - XX^T", lambda X, Y: fro2(Y - X @ X.T)),
    # corpus 110's chain: the first member is the restatement, the last the value
    (r"f := \left\|Y - XX^T\right\|_F^2 \equiv Y - XX^T:Y - XX^T",
     lambda X, Y: fro2(Y - X @ X.T)),
    (r"f = \frac{1}{2} (Y - XX^T:Y - XX^T)", lambda X, Y: 0.5 * fro2(Y - X @ X.T)),
    # the factor stays with its term: (-2 Y - XX^T) : (Y + XX^T)
    (r"f = -2\, Y - XX^T : Y + XX^T",
     lambda X, Y: float(np.sum((-2 * Y - X @ X.T) * (Y + X @ X.T)))),
    (r"f = A : XX^T - B", lambda X, A, B: float(np.sum(A * (X @ X.T - B)))),
])
def test_bare_colon_of_sums_in_the_objective(formula, f):
    g = check_gradient(HEAD + f"${formula}$", "X", f=f, objective="f")
    _noted(g)


def test_bare_colon_of_vector_sums():
    doc = (r"$X \in \mathbb{R}^{n \times d}, w \in \mathbb{R}^d, y \in \mathbb{R}^n$ "
           r"$\phi = Xw - y : Xw - y$")
    g = check_gradient(doc, "w", f=lambda X, w, y: float(np.sum((X @ w - y) ** 2)))
    _noted(g)
    assert matcalc.check(doc, "w", claim=r"2 X^T (Xw - y)").ok
    assert not matcalc.check(doc, "w", claim=r"X^T (Xw - y)").ok


@pytest.mark.parametrize("formula, f", [
    # scalars added: the colon binds tighter, as matcalc always read it
    (r"f = A : XX^T + B : XX^T", lambda X, A, B: float(np.sum((A + B) * (X @ X.T)))),
    (r"f = \mathrm{tr}(X^T X) + A : XX^T - c",
     lambda X, A, c: float(np.trace(X.T @ X) + np.sum(A * (X @ X.T)) - c)),
    # a group of its own is one term
    (r"f = (A : XX^T) - c", lambda X, A, c: float(np.sum(A * (X @ X.T)) - c)),
    (r"f = \langle A, XX^T \rangle - c", lambda X, A, c: float(np.sum(A * (X @ X.T)) - c)),
    (r"f = (Y - XX^T):(Y - XX^T) + c", lambda X, Y, c: fro2(Y - X @ X.T) + c),
])
def test_tight_reading_kept_where_it_is_a_scalar(formula, f):
    g = check_gradient(HEAD + f"${formula}$", "X", f=f)
    assert not any("below + and -" in n.reason for n in g.notes)


@pytest.mark.parametrize("doc, wrt", [
    # not the objective: a matrix Y - (XX^T:Y) - XX^T is a value too
    (HEAD + r"$M = Y - XX^T:Y - XX^T$ $f = \|M\|_F^2$", "X"),
    (HEAD + r"$f = \left\|Y - XX^T:Y - XX^T\right\|_F^2$", "X"),
    # every operand a scalar: a + (x:b) + x and (a + x):(b + x) are both scalars
    (r"$x, a, b \in \mathbb{R}$ $f = a + x : b + x$", "x"),
])
def test_two_readings_of_a_bare_colon_are_refused(doc, wrt):
    refused(doc, wrt, "has two readings", "the colon binding tighter than + and -",
            "the colon below + and -", "write the brackets")


def test_the_readings_are_spelled_out():
    e = refused(HEAD + r"$M = Y - XX^T:Y - XX^T$ $f = \|M\|_F^2$", "X")
    assert "Y - (XX^T : Y) - XX^T" in str(e) and "(Y - XX^T) : (Y - XX^T)" in str(e)


SQ = ["A", "B", "XX^T", "X X^T A", "A^T"]
NP = {"A": lambda X, A, B: A, "B": lambda X, A, B: B, "XX^T": lambda X, A, B: X @ X.T,
      "X X^T A": lambda X, A, B: X @ X.T @ A, "A^T": lambda X, A, B: A.T}


@settings(max_examples=20, deadline=None)
@given(left=st.lists(st.tuples(st.sampled_from("+-"), st.sampled_from(SQ)), min_size=1,
                     max_size=3),
       right=st.lists(st.tuples(st.sampled_from("+-"), st.sampled_from(SQ)), min_size=1,
                      max_size=3))
def test_bare_colon_is_the_bracketed_one(left, right):
    """`P : Q` with P, Q sums of n×n terms, as the objective, has the numbers of
    `(P) : (Q)` and of tr(P^T Q) computed here."""
    def tex(terms):
        return " ".join(("" if k == 0 and s == "+" else f"{s} ") + t
                        for k, (s, t) in enumerate(terms))

    def val(terms, kw):
        return sum((1 if s == "+" else -1) * NP[t](**kw) for s, t in terms)
    if not any("X" in t for _, t in left + right):
        left = left + [("+", "XX^T")]
    head = r"$X \in \mathbb{R}^{n \times k}, A, B \in \mathbb{R}^{n \times n}$ "
    bare = head + f"$f = {tex(left)} : {tex(right)}$"
    ref = lambda X, A, B: float(np.sum(val(left, dict(X=X, A=A, B=B)) *
                                       val(right, dict(X=X, A=A, B=B))))
    if len(left) == len(right) == 1:
        g = check_gradient(bare, "X", f=ref, nontrivial=False)
        return
    g = check_gradient(bare, "X", f=ref, nontrivial=False)
    _noted(g)
    h = matcalc.gradient(head + f"$f = ({tex(left)}) : ({tex(right)})$", "X")
    rng = np.random.default_rng(3)
    kw = dict(X=rng.standard_normal((3, 2)), A=rng.standard_normal((3, 3)),
              B=rng.standard_normal((3, 3)))
    kw = {k: v for k, v in kw.items() if k in h.inputs.values()}
    assert np.allclose(g.to_numpy()(**{k: kw[k] for k in g.inputs.values()}),
                       h.to_numpy()(**kw), rtol=1e-10)
