r"""Results as a person writes them: a shared matrix factored out of a sum
(Xᵀa - Xᵀb = Xᵀ(a - b), `matcalc/factoring.py`) and entrywise polynomials normalised
((1 - y) ⊙ s - y ⊙ (1 - s) = s - y, `matcalc/hadamard_poly.py`).

End to end, the logistic-regression gradient in matrix form prints Xᵀ(σ(Xw) - y); the
printed LaTeX is read back (a document evaluating vᵀ(printed) for basis vectors v) and
compared with central differences of an independent NumPy objective, and the derived
gradient is checked the same way. The rules themselves: their results have the value of
what they rewrite (evaluated by generated code), the factoring refuses the sums where it
would form a product the terms never formed, and hypothesis builds random sums of
Hadamard products in a few atoms (vectors, a scalar that broadcasts, σ of a vector) whose
normal form must have the same value and never be longer.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc
from helpers import check_gradient, ir_value
from matcalc import ir, numeric
from matcalc.factoring import factor_shared
from matcalc.hadamard_poly import normalise, size
from matcalc.render import Renderer
from matcalc.simplify import simplify


def sig(t):
    return 1.0 / (1.0 + np.exp(-t))


def logistic_nll(X, w, y):
    s = sig(X @ w)
    return float(-(y @ np.log(s) + (1 - y) @ np.log(1 - s)))


DECL = r"$X \in \mathbb{R}^{n \times d}, w \in \mathbb{R}^d, y \in \mathbb{R}^n$" + "\n"
LOGISTIC = {
    "bold-ones": DECL + r"$$L = -y^T \log\sigma(Xw) - (\mathbf{1}-y)^T \log(\mathbf{1} - \sigma(Xw))$$",
    "plain-ones": DECL + r"$$L = -y^T \log\sigma(Xw) - (1-y)^T \log(1 - \sigma(Xw))$$",
    "sigmoid-named": DECL + "\\begin{align*}\ns &= \\sigma(Xw) \\\\\n"
                            "L &= -y^T \\log s - (1-y)^T \\log(1 - s)\n\\end{align*}",
}


def _printed_value(doc, g, kw, wrt):
    """The printed gradient g.latex() read back and evaluated at `kw`: a document adding
    h = vᵀ(printed) (a matrix: tr(Vᵀ printed)), its objective evaluated at every basis
    vector v."""
    shape = np.shape(kw[wrt])
    if len(shape) == 1:
        extra = r"$v \in \mathbb{R}^{d}$" + "\n" + rf"$$h = v^T \left({g.latex()}\right)$$"
    else:
        extra = r"$V \in \mathbb{R}^{d \times k}$" + "\n" + \
            rf"$$h = \operatorname{{tr}}\left(V^T \left({g.latex()}\right)\right)$$"
    back = matcalc.gradient(doc + "\n" + extra, wrt="v" if len(shape) == 1 else "V",
                            objective="h")
    h = back.objective_numpy()
    out = np.zeros(shape)
    for idx in np.ndindex(shape):
        e = np.zeros(shape)
        e[idx] = 1.0
        out[idx] = numeric.call(h, {**kw, ("v" if len(shape) == 1 else "V"): e})
    return out


@pytest.mark.parametrize("key", list(LOGISTIC))
def test_logistic_gradient_prints_as_a_person_writes_it(key):
    doc = LOGISTIC[key]
    g = check_gradient(doc, "w", f=logistic_nll)
    assert g.text() == "Xᵀ (σ(X w) - y)" if key != "sigmoid-named" else g.text() == "Xᵀ (s - y)"
    rng = np.random.default_rng(3)
    for _ in range(2):
        kw = {"X": rng.normal(size=(5, 3)), "w": rng.normal(size=3),
              "y": rng.uniform(0, 1, size=5)}
        want = numeric.central_difference(logistic_nll, kw, "w")
        got = _printed_value(doc, g, kw, "w")
        assert numeric.relative_error(got, want) < 1e-6, (g.latex(), got, want)


def test_logistic_gradient_from_index_notation():
    doc = (r"$x_i \in \mathbb{R}^d, i=1,\dots,n$, $w \in \mathbb{R}^d, y \in \mathbb{R}^n$" +
           "\n" + r"$$L = -\sum_{i=1}^n \left( y_i \log \sigma(x_i^T w) + "
           r"(1-y_i)\log(1-\sigma(x_i^T w)) \right)$$")
    g = check_gradient(doc, "w", f=lambda x, w, y: logistic_nll(x, w, y))
    assert g.text() == "xᵀ (σ(x w) - y)"


def test_the_derivation_step_names_the_rules():
    g = matcalc.gradient(LOGISTIC["bold-ones"], wrt="w")
    names = " ".join(s.rule for s in g.steps)
    assert "factor" in names and "hadamard-polynomial" in names, names


def softmax_xent(X, W, Y):
    Z = X @ W
    Z = Z - Z.max(axis=1, keepdims=True)
    logp = Z - np.log(np.exp(Z).sum(axis=1, keepdims=True))
    return float(-(Y * logp).sum())


def test_softmax_cross_entropy_factors_X_out():
    doc = (r"$X \in \mathbb{R}^{n \times d}, W \in \mathbb{R}^{d \times k}, "
           r"Y \in \mathbb{R}^{n \times k}$" + "\n" +
           r"$$L = -\operatorname{Tr}(Y^T \log \operatorname{softmax}(XW))$$")
    g = check_gradient(doc, "W", f=softmax_xent)
    assert g.text().count("Xᵀ") == 1, g.text()
    rng = np.random.default_rng(5)
    kw = {"X": rng.normal(size=(4, 3)), "W": rng.normal(size=(3, 2)),
          "Y": rng.uniform(0, 1, size=(4, 2))}
    want = numeric.central_difference(softmax_xent, kw, "W")
    assert numeric.relative_error(_printed_value(doc, g, kw, "W"), want) < 1e-6


# ---------------------------------------------------------------- the rules on IR

n, d = sp.Symbol("n", integer=True, positive=True), sp.Symbol("d", integer=True, positive=True)
X = ir.Var("X", (n, d))
A, B, C, D = (ir.Var(k, (n, n)) for k in "ABCD")
a, b, s, y, u = (ir.Var(k, (n,)) for k in "absyu")
c = ir.Var("c", ())
INPUTS = {v.name: v for v in (X, A, B, C, D, a, b, s, y, u, c)}
ONE = ir.ones((n,))


def _inputs(seed):
    rng = np.random.default_rng(seed)
    kw = {k: rng.normal(size=(4, 3) if k == "X" else (4, 4)) for k in "XABCD"}
    kw.update({k: rng.uniform(0.2, 0.8, size=4) for k in "absyu"})
    kw.update(c=float(rng.uniform(0.2, 0.8)), n=4, d=3)
    return kw


def _same_value(p, q, seed=0):
    kw = _inputs(seed)
    return np.allclose(ir_value(p, INPUTS, kw), ir_value(q, INPUTS, kw), rtol=1e-9, atol=1e-12)


def _uses(node, leaf) -> int:
    """How often `leaf` is written in `node` (a shared node once per use)."""
    if node is leaf:
        return 1
    return sum(_uses(ch, leaf) for ch in ir.operands(node))


def _xt(v):
    return ir.matmul(ir.transpose(X), v)


def _minus(p, q):
    return ir.add([p, q], [1, -1])


def test_factor_a_shared_left_matrix():
    total = _minus(_xt(ir.mul(_minus(ONE, y), s)), _xt(ir.mul(y, _minus(ONE, s))))
    out = factor_shared(total)
    assert out is not None and _uses(out, X) == 1 and _same_value(out, total)
    tidy = simplify(total)
    assert _uses(tidy, X) == 1 and _uses(tidy, y) == 1 and _uses(tidy, s) == 1
    assert _same_value(tidy, total)


def test_factor_a_shared_right_matrix():
    left = ir.matmul(ir.matmul(ir.transpose(X), A), X)      # XᵀAX - XᵀBX = Xᵀ(A - B)X
    right = ir.matmul(ir.matmul(ir.transpose(X), B), X)
    total = _minus(left, right)
    out = factor_shared(total)
    assert out is not None and _uses(out, X) == 2 and _same_value(out, total)


def test_factoring_forms_no_product_the_terms_did_not():
    # (AB + CD)a would form the matrix AB where A(Ba) formed a vector
    total = ir.add([ir.matmul(A, ir.matmul(B, a)), ir.matmul(C, ir.matmul(D, a))])
    assert factor_shared(total) is None
    # A(a aᵀ + b bᵀ) would form an n x n outer product sum where A a was a vector
    outer = ir.add([ir.contract([A, a, a], [(0, 2), (2,), (1,)], (0, 1)),
                    ir.contract([A, b, b], [(0, 2), (2,), (1,)], (0, 1))])
    assert factor_shared(outer) is None


def test_a_broadcast_scalar():
    # (1 - c) s - c (1 - s) = s - c 1, c a scalar
    total = _minus(ir.mul(ir.add([ir.const(1), c], [1, -1]), s),
                   ir.mul(c, _minus(ONE, s)))
    out = normalise(total)
    assert out is not None and out.shape == total.shape
    assert _uses(out, s) == 1 and _uses(out, c) == 1 and _same_value(out, total)


def test_the_normal_form_of_the_logistic_residual():
    total = _minus(ir.mul(_minus(ONE, y), s), ir.mul(y, _minus(ONE, s)))
    out = normalise(total)
    assert out is not None and size(out) == (2, 0) and _same_value(out, total)


def test_a_ratio_cancels():
    # s ⊙ (1 - s) ⊙ ((1 - y) ⊘ (1 - s) - y ⊘ s) = s - y
    ratio = _minus(ir.mul(_minus(ONE, y), ir.pow_(_minus(ONE, s), -1)),
                   ir.mul(y, ir.pow_(s, -1)))
    total = ir.mul(s, _minus(ONE, s), ratio)
    out = normalise(total)
    assert out is not None and size(out) == (2, 0) and _same_value(out, total)


# ---------------------------------------------------------------- property

SIG = ir.fmap("sigma", s)
ATOMS = [s, y, u, c, SIG]


def _poly(draw, depth):
    """A random entrywise polynomial over ATOMS: sums (coefficients ±1, ±2), Hadamard
    products, squares; leaves are atoms and the ones vector."""
    if depth == 0 or draw(st.integers(0, 3)) == 0:
        k = draw(st.integers(0, len(ATOMS)))
        return ONE if k == len(ATOMS) else ATOMS[k]
    kind = draw(st.sampled_from(["add", "add", "mul", "square"]))
    if kind == "square":
        return ir.pow_(_poly(draw, depth - 1), 2)
    parts = [_poly(draw, depth - 1) for _ in range(draw(st.integers(2, 3)))]
    if kind == "mul":
        return ir.mul(*parts)
    coeffs = [draw(st.sampled_from([1, -1, 2, -2])) for _ in parts]
    return ir.add([p if p.shape else ir.mul(p, ONE) for p in parts], coeffs)


@st.composite
def polynomials(draw):
    node = _poly(draw, 3)
    return node if node.shape else ir.mul(node, ONE)


def _text(node) -> str:
    return Renderer(None, "text").expr(node)


@settings(max_examples=60, deadline=None)
@given(polynomials(), st.integers(0, 3))
def test_normal_form_has_the_value_and_is_never_longer(node, seed):
    out = normalise(node)
    if out is not None:
        assert out.shape == node.shape
        assert _same_value(out, node, seed), (_text(node), _text(out))
        assert size(out)[0] < size(node)[0] and size(out) <= size(node), (_text(node), _text(out))
    tidy = simplify(node)
    assert _same_value(tidy, node, seed), (_text(node), _text(tidy))
    assert size(tidy)[0] <= size(node)[0], (_text(node), _text(tidy))
