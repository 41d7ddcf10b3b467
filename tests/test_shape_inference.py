"""Shape inference by unification (matcalc/lower/infer.py).

1. Property: random well-shaped expressions written with sized ones and identities
   (``\\mathbf{1}_n``, ``I_m``), then with every size removed (``\\mathbf{1}``, ``I``): the
   unsized document still derives, and its gradient matches central differences of an
   independent NumPy evaluator (and so the sized document's).
2. Undeclared names: a shape the equations determine is inferred, with a note; two shapes
   that give different values are refused naming both; a shape nothing fixes is refused.
3. The range of an index fixed by the array it indexes, where an inner bound uses it first.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from helpers import check_gradient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc
from matcalc import ParseError, numeric

HEADER = (r"x \in \mathbb{R}^{n}, u \in \mathbb{R}^{m}, A \in \mathbb{R}^{n \times n}, "
          r"C \in \mathbb{R}^{n \times m}, \alpha \in \mathbb{R}")


@dataclass(frozen=True)
class T:
    sized: str         # with \mathbf{1}_n, I_n
    bare: str          # the same with the sizes removed
    fn: Callable       # env -> value
    kind: str          # "n" (n-vector), "m" (m-vector), "nn" (n x n matrix)


def ones(d):
    return T(rf"\mathbf{{1}}_{d}", r"\mathbf{1}", lambda e, d=d: np.ones(e[d]), d)


def eye(d):
    return T(f"I_{d}", "I", lambda e, d=d: np.eye(e[d]), d + d)


LEAVES = {
    "n": [T("x", "x", lambda e: e["x"], "n"), T("A x", "A x", lambda e: e["A"] @ e["x"], "n"),
          T("C u", "C u", lambda e: e["C"] @ e["u"], "n")],
    "m": [T("u", "u", lambda e: e["u"], "m"), T("C^T x", "C^T x", lambda e: e["C"].T @ e["x"], "m")],
    "nn": [T("A", "A", lambda e: e["A"], "nn"),
           T("x x^T", "x x^T", lambda e: np.outer(e["x"], e["x"]), "nn")],
}


def _par(t: T) -> T:
    return T(f"({t.sized})", f"({t.bare})", t.fn, t.kind)


@st.composite
def vector(draw, d, depth=2):
    """A d-vector expression in which ones and identities appear without their sizes."""
    choice = draw(st.integers(0, 5 if depth > 0 else 0))
    if choice == 0:
        return draw(st.sampled_from(LEAVES[d]))
    v = draw(vector(d, depth - 1))
    if choice == 1:          # v + alpha 1
        o = ones(d)
        return T(rf"{v.sized} + \alpha {o.sized}", rf"{v.bare} + \alpha {o.bare}",
                 lambda e, v=v: v.fn(e) + e["alpha"], d)
    if choice == 2:          # (M + c I) v, M an n x n matrix or alpha I
        if d != "n":
            return v
        m = draw(st.sampled_from(LEAVES["nn"]))
        i = eye("n")
        c = draw(st.sampled_from(["2", r"\alpha", r"\frac{1}{2}"]))
        cv = {"2": lambda e: 2.0, r"\alpha": lambda e: e["alpha"], r"\frac{1}{2}": lambda e: 0.5}[c]
        sign = draw(st.sampled_from(["+", "-"]))
        s = 1.0 if sign == "+" else -1.0
        return T(rf"({m.sized} {sign} {c} {i.sized}) {_par(v).sized}",
                 rf"({m.bare} {sign} {c} {i.bare}) {_par(v).bare}",
                 lambda e, m=m, v=v, cv=cv, s=s: (m.fn(e) + s * cv(e) * np.eye(e["n"])) @ v.fn(e),
                 d)
    if choice == 3:          # tanh(v) - 1/2 1  (elementwise, then a shifted ones)
        o = ones(d)
        return T(rf"\tanh({v.sized}) - \frac{{1}}{{2}} {o.sized}",
                 rf"\tanh({v.bare}) - \frac{{1}}{{2}} {o.bare}",
                 lambda e, v=v: np.tanh(v.fn(e)) - 0.5, d)
    if choice == 4:          # (I - 1 1^T / d) v : centring
        if d != "n":
            return v
        i, o = eye("n"), ones("n")
        return T(rf"({i.sized} - \frac{{1}}{{n}} {o.sized} {o.sized}^T) {_par(v).sized}",
                 rf"({i.bare} - \frac{{1}}{{n}} {o.bare} {o.bare}^T) {_par(v).bare}",
                 lambda e, v=v: v.fn(e) - np.mean(v.fn(e)), d)
    return T(rf"\sigma({v.sized})", rf"\sigma({v.bare})",
             lambda e, v=v: 1 / (1 + np.exp(-v.fn(e))), d)


@st.composite
def objective(draw):
    d = draw(st.sampled_from(["n", "m"]))
    v = draw(vector(d))
    how = draw(st.sampled_from(["ones", "norm", "dot"]))
    if how == "ones":
        o = ones(d)
        return T(rf"{o.sized}^T {_par(v).sized}", rf"{o.bare}^T {_par(v).bare}",
                 lambda e, v=v: float(np.sum(v.fn(e))), "")
    if how == "norm":
        return T(rf"\|{v.sized}\|^2", rf"\|{v.bare}\|^2",
                 lambda e, v=v: float(v.fn(e) @ v.fn(e)), "")
    w = "x" if d == "n" else "u"
    return T(rf"{w}^T {_par(v).sized}", rf"{w}^T {_par(v).bare}",
             lambda e, v=v, w=w: float(e[w] @ v.fn(e)), "")


def _env(seed, n, m):
    rng = np.random.default_rng(seed)
    return dict(n=n, m=m, x=rng.standard_normal(n) * 0.5, u=rng.standard_normal(m) * 0.5,
                A=rng.standard_normal((n, n)) * 0.5, C=rng.standard_normal((n, m)) * 0.5,
                alpha=float(rng.standard_normal()))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(obj=objective(), wrt=st.sampled_from(["x", "A", "C", "alpha"]),
       dims=st.sampled_from([(3, 2), (2, 4), (4, 3)]), seed=st.integers(0, 2**16))
def test_sizes_removed_same_gradient(obj, wrt, dims, seed):
    n, m = dims
    env = _env(seed, n, m)
    got = {}
    for text in (obj.sized, obj.bare):
        g = matcalc.gradient(f"{HEADER}\nf = {text}", wrt=wrt if wrt != "alpha" else r"\alpha")
        kw = {k: v for k, v in env.items() if k in g.inputs.values()}
        got[text] = np.asarray(numeric.call(g.to_numpy(), kw), dtype=float)
        assert np.isclose(float(numeric.call(g.objective_numpy(), kw)), obj.fn(env))
    def f(x, u, A, C, alpha):
        return obj.fn({**env, "x": x, "u": u, "A": A, "C": C, "alpha": alpha})
    want = numeric.central_difference(f,
                                      {k: env[k] for k in ("x", "u", "A", "C", "alpha")}, wrt)
    scale = max(1.0, float(np.max(np.abs(want))))
    for text, g in got.items():
        assert np.shape(g) == np.shape(want)
        assert float(np.max(np.abs(g - want))) / scale < 1e-6, text


# ------------------------------------------------------------------ undeclared names

R = r"\mathbb{R}"


def test_an_undeclared_vector_is_inferred_from_its_subscript():
    doc = (rf"t \in {R}^{{K}}" "\n" r"f = \sum_{k=1}^{K} c_k \exp(-t_k^2)")
    g = check_gradient(doc, "t", f=lambda c, t: float(np.sum(c * np.exp(-t ** 2))))
    assert g.problem.inputs["c"].shape == g.problem.inputs["t"].shape
    note = next(n for n in g.notes if n.kind == "inferred")
    assert note.text == "c" and "K×1 (a vector)" in note.reason


def test_an_undeclared_scalar_is_inferred_from_a_sum_with_a_scalar():
    doc = (rf"x \in {R}^n" "\n" r"s = \mathbf{1}^T x" "\n" r"L = \frac{1}{2}(y - s)^2")
    g = check_gradient(doc, "x", f=lambda x, y: 0.5 * (y - np.sum(x)) ** 2)
    assert g.problem.inputs["y"].shape == ()
    assert any(n.text == "y" and "a scalar" in n.reason for n in g.notes)


def test_an_undeclared_matrix_is_inferred_from_a_difference():
    doc = (rf"Y \in {R}^{{p \times q}}, U \in {R}^{{p \times k}}" "\n"
           r"f = \|Y - U V^T\|_F^2")
    g = check_gradient(doc, "U", f=lambda Y, U, V: float(np.sum((Y - U @ V.T) ** 2)))
    assert [str(d) for d in g.problem.inputs["V"].shape] == ["q", "k"]


def test_scalar_or_matrix_is_refused_naming_both():
    with pytest.raises(ParseError) as err:
        matcalc.gradient(rf"x \in {R}^n" "\n" r"f = x^T A x", "x")
    assert "a scalar or n×n (a matrix)" in str(err.value)


def test_scalar_or_vector_is_read_as_the_vector_it_contains():
    # y - s with s a scalar: y a scalar, or a vector of a length nothing fixes broadcast
    # against s -- the scalar is the vector's 1x1 instance, so y is read as an n_y-vector
    # (lower/fresh.py; refused as two shapes before the general reading)
    doc = rf"x \in {R}^n, s \in {R}" "\n" r"f = \mathbf{1}^T \exp(x) (y - s)^T (y - s)"
    ref = lambda x, y, s: float(np.sum(np.exp(x)) * np.sum((y - s) ** 2))   # noqa: E731
    for wrt in ("x", "y", "s"):
        g = check_gradient(doc, wrt, f=ref)
    assert len(g.problem.inputs["y"].shape) == 1


def test_scalar_or_a_fixed_size_is_still_refused_naming_both():
    # y - x with x an n-vector: y a scalar or an n-vector, both of sizes the text fixes
    doc = rf"x \in {R}^n" "\n" r"f = (y - x)^T (y - x)"
    with pytest.raises(ParseError, match="unknown name y.*two shapes"):
        matcalc.gradient(doc, "x")


def test_a_shape_nothing_fixes_is_read_generally():
    # z's size is fixed by nothing: an n_z-vector, noted (refused before the general reading)
    g = check_gradient(rf"x \in {R}^n" "\n" r"f = x^T x + \|z\|^2", "z",
                       f=lambda x, z: float(x @ x + z @ z))
    assert any(n.text == "z" and "most general shape" in n.reason for n in g.notes)


def test_a_primed_declared_name_is_its_transpose():
    # y' beside a declared y (and y' declared nowhere) is y^T, as econometrics writes it
    g = check_gradient(rf"y \in {R}^n, b \in {R}^n" "\n" r"S = y'y - 2 b'y + b'b", "b",
                       f=lambda y, b: float(y @ y - 2 * b @ y + b @ b))
    assert any("read as the transpose of b" in n.reason for n in g.notes)


def test_a_prime_after_a_parenthesis_is_a_transpose():
    check_gradient(rf"A \in {R}^{{n \times m}}, U \in {R}^{{n \times k}}, V \in {R}^{{m \times k}}"
                   "\n" r"f = \operatorname{tr}((A - UV')'(A - UV'))", "U",
                   f=lambda A, U, V: float(np.sum((A - U @ V.T) ** 2)))


def test_operators_are_not_inferred_as_names():
    # the gradient operator applied to an expression asks for that expression's gradient
    g = check_gradient(rf"A \in {R}^{{n \times n}}, X \in {R}^{{n \times n}}" "\n"
                       r"\nabla_X \operatorname{tr}(X A X)", "X",
                       f=lambda A, X: float(np.trace(X @ A @ X)))
    assert not any(n.kind == "inferred" and "nabla" in n.text and "not declared" in n.reason
                   for n in g.notes)


# ------------------------------------------------------------------ index ranges

def test_the_range_of_an_index_fixed_by_the_array_it_indexes():
    # the inner bound uses k before \hat q_{ik} says that k runs over q's columns
    doc = (rf"\hat q \in {R}^{{n \times m}}, p \in {R}^{{n}}" "\n"
           r"f = \sum_i \sum_k (\sum_{i'=k+1}^{n} p_{i'} + \hat q_{ik})^2")

    def ref(p, q_hat):
        n, m = q_hat.shape
        return float(sum((sum(p[j] for j in range(k + 1, n)) + q_hat[i, k]) ** 2
                         for i in range(n) for k in range(m)))
    check_gradient(doc, "p", f=ref)


@pytest.mark.parametrize("outer", [r"\sum_i", r"\sum_{i=1}^{n}"])
@pytest.mark.parametrize("wrt", ["p", "A"])
def test_the_range_of_an_index_fixed_by_an_entrywise_definition(outer, wrt):
    # once refused "cannot tell the range of index k": the bound k+1 of the inner sum uses
    # k before \hat q_{ik} -- a definition, not an input -- says that k runs over 1..n
    doc = (rf"A \in {R}^{{n \times n}}, p \in {R}^{{n}}" "\n"
           r"\hat q_{ik} = \exp(A_{ik})" "\n"
           rf"f = {outer} \sum_k (\sum_{{i'=k+1}}^{{n}} p_{{i'}} + \hat q_{{ik}})^2")

    def ref(p, A):
        n = len(p)
        return float(sum((p[k + 1:].sum() + np.exp(A[i, k])) ** 2
                         for i in range(n) for k in range(n)))
    check_gradient(doc, wrt, f=ref)
