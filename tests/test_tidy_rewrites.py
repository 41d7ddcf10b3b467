r"""The rewrites that make results read as a person writes them are exact: hypothesis
builds random IR expressions -- products with repeated powers and repeated sums
((Xβ) ⊙ (Xβ), 2^{a} 2^{-a}, x^{p} ⊙ x^{q}), and matrices symmetric by construction inside
products with their transposes -- and the simplified node must have the value of the node
as built (both evaluated by generated code at random inputs). Every matrix the symmetry
test accepts must be symmetric in value. The printed forms the rewrites are for are
checked end to end (gradients against central differences) in
tests/test_symmetric_definitions.py and below."""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc
from helpers import check_gradient, ir_value
from matcalc import ir, ops
from matcalc.render.present import present
from matcalc.simplify import simplify
from matcalc.symmetric import symmetric

N, M = sp.Symbol("n", integer=True, positive=True), sp.Symbol("m", integer=True, positive=True)
X = ir.Var("X", (N, M))
A = ir.Var("A", (N, N))
B = ir.Var("B", (N, N))
x = ir.Var("x", (N,))
beta = ir.Var("beta", (M,))
a = ir.Var("a", ())
INPUTS = {"X": X, "A": A, "B": B, "x": x, "beta": beta, "a": a}


def _value(node, kw):
    """`node` evaluated by generated code at the inputs `kw`."""
    return ir_value(node, INPUTS, dict(kw, n=4, m=3))


def _inputs(seed):
    rng = np.random.default_rng(seed)
    n, m = 4, 3
    return {"X": rng.normal(size=(n, m)) / 2, "A": rng.normal(size=(n, n)) / 2,
            "B": rng.normal(size=(n, n)) / 2, "x": rng.uniform(0.5, 1.5, size=n),
            "beta": rng.normal(size=m), "a": float(rng.uniform(0.5, 1.5))}


def _same(u, v):
    return np.allclose(u, v, rtol=1e-9, atol=1e-11)


# ---------------------------------------------------------------- powers

def _xbeta():
    return ir.matmul(X, beta)                 # Σ_j X_ij β_j, a vector over n


EXPONENTS = [ir.const(2), ir.const(-1), ir.const(3), a, ir.mul(ir.const(-1), a),
             ir.mul(ir.const(sp.Rational(1, 2)), a)]


@st.composite
def power_factor(draw):
    """A vector over n: a power of x, of Xβ, or of a number 2 (broadcast)."""
    kind = draw(st.sampled_from(["x", "xbeta", "two", "even", "square"]))
    e = draw(st.sampled_from(EXPONENTS))
    signed = ir.matmul(A, x)                  # entries of both signs
    if kind == "even":                        # (y²)^p, y of any sign: √(y²) = |y|
        return ir.pow_(ir.pow_(signed, 2), draw(st.sampled_from(
            [ir.const(sp.Rational(1, 2)), ir.const(sp.Rational(-3, 2)), ir.const(-1)])))
    if kind == "square":                      # y^{2m}
        return ir.pow_(signed, draw(st.sampled_from([2, -2, 4])))
    if kind == "x":
        return ir.pow_(x, e)
    if kind == "xbeta":
        return ir.pow_(_xbeta(), e) if e.rank == 0 and isinstance(e, ir.Const) and \
            e.value > 0 else _xbeta()
    return ir.mul(ir.pow_(ir.const(2), e), ir.ones((N,)))


@settings(max_examples=40, deadline=None)
@given(factors=st.lists(power_factor(), min_size=2, max_size=4), seed=st.integers(0, 5))
def test_products_of_powers_simplify_to_the_same_values(factors, seed):
    node = ir.mul(*factors)
    kw = _inputs(seed)
    assert _same(_value(simplify(node), kw), _value(node, kw))


def test_a_repeated_sum_is_one_square_and_numbers_merge():
    node = ir.mul(_xbeta(), _xbeta())
    out = simplify(node)
    assert isinstance(out, ir.Pow) and out.base is _xbeta(), out
    two = ir.mul(ir.pow_(ir.const(2), ir.mul(ir.const(-1), a)), ir.pow_(ir.const(2), a))
    assert simplify(two) is ir.const(1)
    y = ir.matmul(A, x)
    root = ir.mul(ir.pow_(ir.pow_(y, 2), ir.const(sp.Rational(1, 2))), ir.pow_(y, 2))
    assert simplify(root) is ir.pow_(ir.pow_(y, 2), ir.const(sp.Rational(3, 2)))
    for seed in range(3):   # √(y²) y² = |y|³, y of both signs
        kw = _inputs(seed)
        assert _same(_value(simplify(root), kw), np.abs(kw["A"] @ kw["x"]) ** 3)
    inverse = ir.mul(ir.pow_(ir.pow_(y, 2), ir.const(-1)), ir.pow_(y, -2))
    assert simplify(inverse) is ir.pow_(y, -4)


# ---------------------------------------------------------------- symmetry

SYM_LEAVES = [lambda: ir.matmul(X, ir.transpose(X)), lambda: ir.matmul(ir.transpose(A), A),
              lambda: ir.add([A, ir.transpose(A)]), lambda: ir.mul(a, ir.Delta(N)),
              lambda: ir.contract([x, ir.Delta(N)], [(0,), (0, 1)], (0, 1)),
              lambda: ir.add([ir.matmul(B, A), ir.matmul(ir.transpose(A), ir.transpose(B))])]


@st.composite
def sym_node(draw, depth=2):
    """An n x n matrix symmetric by construction."""
    if depth == 0:
        return draw(st.sampled_from(SYM_LEAVES))()
    kind = draw(st.sampled_from(["leaf", "sum", "scale", "congruence", "hadamard",
                                 "inverse", "map", "square"]))
    sub = sym_node(depth - 1)
    if kind == "leaf":
        return draw(st.sampled_from(SYM_LEAVES))()
    if kind == "sum":
        return ir.add([draw(sub), draw(sub)], [1, draw(st.sampled_from([1, -2, sp.Rational(1, 3)]))])
    if kind == "scale":
        return ir.mul(a, draw(sub))
    if kind == "congruence":
        b = draw(st.sampled_from([A, B]))
        return ir.matmul(ir.matmul(ir.transpose(b), draw(sub)), b)
    if kind == "hadamard":
        return ir.mul(draw(sub), draw(sub))
    s = draw(sub)
    if kind == "inverse":
        return ops.Inv(ir.add([ir.matmul(s, s), ir.Delta(N)]))    # SPD
    if kind == "map":
        return ir.fmap("tanh", s)
    return ir.matmul(s, s)


@settings(max_examples=40, deadline=None)
@given(s=sym_node(), seed=st.integers(0, 5))
def test_what_is_judged_symmetric_is_symmetric_and_its_rewrites_are_exact(s, seed):
    kw = _inputs(seed)
    v = _value(s, kw)
    assert _same(v, v.T)
    # recognised as built, or once simplified (Diag(x) Diag(x): the deltas must meet first)
    assert symmetric(s) or symmetric(simplify(s)), s
    # Sᵀ used beside S, inside products: the simplified form reads Sᵀ as S
    t = ir.transpose(s)
    node = ir.add([ir.matmul(ir.matmul(t, A), s), ir.matmul(s, ir.matmul(A, t)),
                   ir.matmul(A, t), ir.matmul(A, ops.Inv(ir.add([ir.matmul(s, t), ir.Delta(N)])))])
    assert _same(_value(simplify(node), kw), _value(node, kw))


@settings(max_examples=30, deadline=None)
@given(s=sym_node(depth=1), seed=st.integers(0, 5),
       other=st.sampled_from([lambda: A, lambda: ir.matmul(A, B), lambda: ir.matmul(X, ir.transpose(ir.matmul(B, X))),
                              lambda: ir.add([A, ir.transpose(B)]), lambda: ir.matmul(ir.add([A, ir.transpose(A)]), B)]))
def test_a_product_of_a_symmetric_matrix_and_another_is_not_judged_symmetric(s, seed, other):
    """S B (for S symmetric and B not) is not symmetric: the test must never say it is."""
    node = ir.matmul(s, other())
    kw = _inputs(seed)
    v = _value(node, kw)
    if not _same(v, v.T):
        assert not symmetric(node)


# ---------------------------------------------------------------- printed forms

@pytest.mark.parametrize("doc, wrt, printed", [
    # a ridge solution: M = XᵀX + λI is symmetric, M⁻¹M⁻¹ is M^{-2}
    (r"X \in \mathbb{R}^{n \times d}, y \in \mathbb{R}^n, \lambda \in \mathbb{R}" "\n"
     r"M = X^T X + \lambda I" "\n" r"w = M^{-1} X^T y" "\n" r"f = \|y - X w\|^2",
     r"\lambda", r"2 y^{T} X M^{-2} X^{T} \left(y - X w\right)"),
    # Σ_i M_ii is Tr(M)
    (r"X \in \mathbb{R}^{n \times d}, y \in \mathbb{R}^n, \sigma \in \mathbb{R}" "\n"
     r"K = X X^T + \sigma^2 I" "\n" r"L = \frac{1}{2} y^T K^{-1} y + \frac{1}{2} \log\det K",
     r"\sigma", r"\sigma \operatorname{Tr}\left(K^{-1} - K^{-1} y y^{T} K^{-1}\right)"),
])
def test_printed_as_a_person_writes_it(doc, wrt, printed):
    g = check_gradient(doc, wrt, mode="spd")
    assert g.latex() == printed
    assert matcalc.check(doc, wrt, claim=g.latex()).ok


MATRICES = [lambda: A, lambda: ir.transpose(A), lambda: B, lambda: ir.transpose(B),
            lambda: ops.Inv(ir.add([A, ir.mul(ir.const(3), ir.Delta(N))])),
            lambda: ir.transpose(ops.Inv(ir.add([A, ir.mul(ir.const(3), ir.Delta(N))]))),
            lambda: ir.contract([x, x], [(0,), (1,)], (0, 1))]


@settings(max_examples=40, deadline=None)
@given(terms=st.lists(st.lists(st.sampled_from(MATRICES), min_size=1, max_size=3),
                      min_size=1, max_size=3),
       coeffs=st.lists(st.sampled_from([1, -1, 2, sp.Rational(1, 2)]), min_size=3, max_size=3),
       seed=st.integers(0, 5))
def test_a_trace_of_a_sum_reads_its_terms_either_way(terms, coeffs, seed):
    """Tr(Σ_t c_t P_t) with each P_t a product of matrices and transposes: the
    simplified trace (its terms read transposed where that drops transposes) and, with a
    number c k = 1 in front, the printed product, have the value as built."""
    prods = []
    for factors in terms:
        p = factors[0]()
        for f in factors[1:]:
            p = ir.matmul(p, f())
        prods.append(p)
    total = ir.add(prods, coeffs[:len(prods)])
    node = ir.contract([ir.const(2), total], [(), (0, 0)], ())
    kw = _inputs(seed)
    assert _same(_value(simplify(node), kw), _value(node, kw))
    half = ir.add(prods, [sp.Rational(1, 2) * c for c in coeffs[:len(prods)]])
    shown = ir.contract([ir.const(2), half, A], [(), (0, 1), (1, 2)], (0, 2))
    assert _same(_value(present(shown), kw), _value(shown, kw))
