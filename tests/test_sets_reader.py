"""Sums over sets, sums over all values but one, factorials of data, families whose index
range comes from their sums, sets of vectors declared (issue 8, the real-world corpus).

Every derived gradient is compared with central finite differences of an independent NumPy
objective (tests/helpers.py); refusals are MatcalcErrors that name the construct.
"""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc
from matcalc import numeric
from helpers import check_gradient


def _mask(rng, shape):
    m = (rng.random(shape) < 0.5).astype(float)
    m.flat[0] = 1.0
    return m


# ------------------------------------------------------------------ sums over a set

PAIRS = (r"M \in \mathbb{R}^{m \times n}, U \in \mathbb{R}^{m \times k}, "
         r"V \in \mathbb{R}^{n \times k} \\ ")


@pytest.mark.parametrize("under", [r"(i,j)\in\Omega", r"(i,j) \in {\Omega}", r"i,j \in \Omega"])
def test_sum_over_a_set_of_pairs_is_a_masked_sum(under):
    doc = PAIRS + rf"F = \sum_{{{under}}} (M_{{ij}} - \sum_{{l}} U_{{il}} V_{{jl}})^2"
    rng = np.random.default_rng(3)
    kw = dict(M=rng.standard_normal((3, 4)), U=rng.standard_normal((3, 2)),
              V=rng.standard_normal((4, 2)), Omega=_mask(rng, (3, 4)))
    g = check_gradient(doc, "U", lambda M, U, V, Omega: float(np.sum(Omega * (M - U @ V.T) ** 2)),
                       kwargs=kw)
    assert g.inputs[r"\Omega"] == "Omega"
    note = [n.reason for n in g.notes if "0/1 mask" in n.reason]
    assert note and "Omega[i, j] = 1 when (i, j)" in note[0]
    # the mask is data: the gradient wrt it is the masked residual squared, entry by entry
    check_gradient(doc, r"\Omega", lambda M, U, V, Omega: float(np.sum(Omega * (M - U @ V.T) ** 2)),
                   kwargs=kw)


def test_set_subscripted_by_an_outer_index():
    """sum_i sum_{j in C_i} ||x_j - mu_i||^2: the mask C is k x n, C[i, j] = 1 iff j in C_i."""
    doc = (r"x_j \in \mathbb{R}^d, \; j = 1,\dots,n, \; \mu_i \in \mathbb{R}^d, \; i = 1,\dots,k"
           "\n" r"F = \sum_{i=1}^{k} \sum_{j \in C_i} \|x_j - \mu_i\|^2")
    rng = np.random.default_rng(5)
    kw = dict(x=rng.standard_normal((5, 2)), mu=rng.standard_normal((3, 2)),
              C=_mask(rng, (3, 5)))

    def ref(x, mu, C):
        d = x[None, :, :] - mu[:, None, :]
        return float(np.sum(C * np.sum(d * d, axis=2)))
    g = check_gradient(doc, r"\mu", ref, kwargs=kw)
    assert g.inputs["C"] == "C"


def test_set_named_like_an_array_is_its_own_input():
    """(u,i) in M with M the ratings matrix: the set is the input M_set, with a note."""
    doc = (r"M \in \mathbb{R}^{m \times n}, U \in \mathbb{R}^{m \times r}, V \in \mathbb{R}^{n \times r}"
           "\n" r"E = \sum_{(u,i)\in M} \left( M_{u,i} -\sum_{k=1}^r U_{u,k} V_{i,k} \right)^2")
    rng = np.random.default_rng(7)
    kw = dict(M=rng.standard_normal((3, 4)), U=rng.standard_normal((3, 2)),
              V=rng.standard_normal((4, 2)), M_set=_mask(rng, (3, 4)))
    g = check_gradient(doc, "V", lambda M, U, V, M_set: float(np.sum(M_set * (M - U @ V.T) ** 2)),
                       kwargs=kw)
    assert "M_set" in g.inputs.values()
    assert any("pass all ones" in n.reason for n in g.notes)


def test_product_over_a_set():
    doc = r"x \in \mathbb{R}^n \\ f = \prod_{i \in S} (1 + x_i^2)"
    rng = np.random.default_rng(2)
    kw = dict(x=rng.standard_normal(5), S=_mask(rng, (5,)))
    check_gradient(doc, "x", lambda x, S: float(np.prod(np.where(S > 0, 1 + x ** 2, 1.0))),
                   kwargs=kw)


def test_set_sum_refusals():
    with pytest.raises(matcalc.MatcalcError, match=r"subscripted by i, which no enclosing"):
        matcalc.gradient(r"x \in \mathbb{R}^n \\ f = \sum_{j \in C_i} x_j", "x")
    with pytest.raises(matcalc.ParseError, match=r"notin is not supported"):
        matcalc.gradient(r"x \in \mathbb{R}^n \\ f = \sum_{j \notin C} x_j", "x")
    with pytest.raises(matcalc.ParseError, match=r"a bound beside"):
        matcalc.gradient(r"x \in \mathbb{R}^n \\ f = \sum_{j \in C}^{n} x_j", "x")
    with pytest.raises(matcalc.ParseError, match=r"cannot tell the range of index j"):
        matcalc.gradient(r"a \in \mathbb{R} \\ f = \sum_{j \in C} a^2", "a")


# ------------------------------------------------------------------ \ne under a sum

@pytest.mark.parametrize("ne", [r"\ne", r"\neq"])
def test_sum_over_all_but_one(ne):
    doc = rf"x \in \mathbb{{R}}^n \\ f = \sum_{{i=1}}^{{n}} \sum_{{j {ne} i}} x_i x_j^3"
    check_gradient(doc, "x", lambda x: float(np.sum(x) * np.sum(x ** 3) - np.sum(x ** 4)))


def test_excluded_term_is_never_evaluated():
    """sum_{j != i} ||x_i - x_j||^{-2}: the diagonal 0^{-2} must not turn into NaN."""
    doc = (r"x_i \in \mathbb{R}^{d}, \ i = 1,\dots,n" "\n"
           r"E = \sum_{i=1}^{n} \sum_{j \ne i} \|x_i - x_j\|^{-2}")

    def ref(x):
        d = np.sum((x[:, None, :] - x[None, :, :]) ** 2, axis=2)
        off = ~np.eye(len(x), dtype=bool)
        return float(np.sum(1.0 / d[off]))
    rng = np.random.default_rng(1)
    check_gradient(doc, "x", ref, kwargs=dict(x=rng.standard_normal((4, 3))))


def test_product_over_all_but_one():
    doc = r"x \in \mathbb{R}^n \\ f = \sum_{i=1}^{n} \prod_{j \ne i} x_j"
    check_gradient(doc, "x", lambda x: float(sum(np.prod(np.delete(x, i)) for i in range(len(x)))))


# ------------------------------------------------------------------ factorials of data

def test_factorial_of_data():
    doc = (r"y_i \in \mathbb N, \; \lambda_i \in \mathbb R^+, \; i\in[1,k], \; "
           r"\beta \in \mathbb{R}^n, \; X_i \in \mathbb R^n" "\n"
           r"\lambda_i = \beta^T X_i" "\n"
           r"L = \sum_{i=1}^k \left(- \lambda_i + y_i \ln \lambda_i - \ln y_i !\right)")
    rng = np.random.default_rng(4)
    X = rng.uniform(0.5, 1.5, (5, 3))
    kw = dict(X=X, beta=rng.uniform(0.5, 1.5, 3), y=rng.integers(0, 7, 5).astype(float))

    def ref(X, beta, y):
        lam = X @ beta
        return float(np.sum(-lam + y * np.log(lam)) -
                     sum(math.log(math.factorial(int(v))) for v in y))
    check_gradient(doc, r"\beta", ref, kwargs=kw)


def test_factorial_of_the_variable_is_refused():
    with pytest.raises(matcalc.MatcalcError, match=r"factorial `x!` of an expression that "
                                                    r"depends on the variable"):
        matcalc.gradient(r"x \in \mathbb{R}^n \\ f = \mathbf{1}^T \log(x!)", "x")


def test_factorial_code_refuses_a_non_whole_number():
    g = matcalc.gradient(r"x, y \in \mathbb{R}^n \\ f = x^T \log((y + \mathbf{1})!)", "x")
    fn = g.to_numpy()
    assert np.allclose(fn(x=np.ones(3), y=np.array([0.0, 1.0, 3.0])), np.log([1, 2, 24]))
    with pytest.raises(ValueError, match="whole numbers"):
        fn(x=np.ones(2), y=np.array([0.5, 1.0]))


@pytest.mark.parametrize("written,value", [(r"(5-3)!", 2.0), (r"3!", 6.0), (r"{4}!", 24.0),
                                           (r"\ln 3!", math.log(6.0))])
def test_factorial_operands(written, value):
    g = matcalc.gradient(rf"a \in \mathbb{{R}} \\ f = {written} \, a^2", "a")
    assert np.isclose(g.to_numpy()(a=1.5), 2 * value * 1.5)


# ------------------------------------------------------------------ families and sets of vectors

def test_family_range_from_its_sum():
    doc = (r"y \in \mathbb{R}^k" "\n" r"L = \sum_{i=1}^k (y_i - \mu_i )^2" "\n"
           r"\mu_i = \beta^T X_i" "\n" r"X_i \in \mathbb R^n, \beta \in \mathbb R^n")
    g = check_gradient(doc, r"\beta", lambda y, beta, X: float(np.sum((y - X @ beta) ** 2)),
                       objective="L")
    assert any("the range of i is not declared; read as 1..k" in n.reason for n in g.notes)


def test_family_range_two_sums_disagree():
    doc = (r"X_i \in \mathbb R^n, \beta \in \mathbb R^n" "\n"
           r"L = \sum_{i=1}^k (\beta^T X_i)^2 + \sum_{i=1}^m \beta^T X_i")
    with pytest.raises(matcalc.ParseError, match=r"the sums over i give two ranges"):
        matcalc.gradient(doc, r"\beta")


def test_set_of_vectors_declared_is_a_family():
    doc = (r"Given $$\{x_{1}, ..., x_n\}\in\mathbb{R}^{D}$$ and $A \in \mathbb{R}^{D \times D}$"
           "\n" r"$$L = \sum_{i=1}^{n} x_i^T A x_i$$")
    g = check_gradient(doc, "A", lambda x, A: float(np.einsum("id,de,ie->", x, A, x)),
                       objective="L")
    assert [str(d) for d in g.problem.inputs["x"].shape] == ["n", "D"]


# ------------------------------------------------------------------ MATLAB .* and ./

def test_matlab_elementwise_product_and_division():
    doc = (r"X, Y, M \in \mathbb{R}^{n \times m}" "\n" r"f(X) = || (X - Y) .* M ||_F^2"
           "\n" r"g = \mathbf{1}^T (X ./ (M .* M + 1)) \mathbf{1}")
    rng = np.random.default_rng(0)
    kw = dict(X=rng.standard_normal((3, 2)), Y=rng.standard_normal((3, 2)),
              M=rng.standard_normal((3, 2)))
    check_gradient(doc, "X", lambda X, Y, M: float(np.sum(((X - Y) * M) ** 2)), objective="f",
                   kwargs=kw)
    check_gradient(doc, "X", lambda X, Y, M: float(np.sum(X / (M * M + 1))), objective="g",
                   kwargs=kw)


def test_matlab_power_still_refused():
    with pytest.raises(matcalc.ParseError, match=r"MATLAB's elementwise .\^"):
        matcalc.gradient(r"x \in \mathbb{R}^n \\ f = \mathbf{1}^T x.^2", "x")


# ------------------------------------------------------------------ a property test

@settings(max_examples=25, deadline=None)
@given(st.integers(2, 5), st.integers(2, 5), st.integers(0, 10 ** 6))
def test_masked_sum_equals_hadamard_form(m, n, seed):
    """A sum over a set of pairs derives the same gradient as the Hadamard form with the
    mask declared, at random sizes and masks."""
    rng = np.random.default_rng(seed)
    kw = dict(A=rng.standard_normal((m, n)), W=rng.standard_normal((m, n)),
              Omega=_mask(rng, (m, n)))
    g1 = matcalc.gradient(r"A, W \in \mathbb{R}^{m \times n} \\ "
                          r"f = \sum_{(i,j) \in \Omega} \exp(W_{ij}) A_{ij}^2", "W")
    g2 = matcalc.gradient(r"A, W, \Omega \in \mathbb{R}^{m \times n} \\ "
                          r"f = \mathbf{1}^T (\Omega \odot \exp(W) \odot A \odot A) \mathbf{1}",
                          "W")
    a, b = numeric.call(g1.to_numpy(), kw), numeric.call(g2.to_numpy(), kw)
    assert numeric.relative_error(a, b) < 1e-12


def test_docs_factorial_block():
    """The factorial block of docs/notation.md (not sampled by the docs test: counts)."""
    doc = (r"y_i \in \mathbb N, \; x_i \in \mathbb{R}^n, \; i \in [1,m], \; \beta \in \mathbb{R}^n"
           "\n" r"l(\beta) = \Sigma_i^m \Big( y_i \beta^T x_i - e^{\beta^T x_i} - \log( y_i ! ) \Big)")
    rng = np.random.default_rng(8)
    kw = dict(x=rng.standard_normal((4, 3)) * 0.5, beta=rng.standard_normal(3) * 0.5,
              y=rng.integers(0, 6, 4).astype(float))

    def ref(x, beta, y):
        t = x @ beta
        return float(np.sum(y * t - np.exp(t)) - sum(math.lgamma(v + 1) for v in y))
    check_gradient(doc, r"\beta", ref, kwargs=kw)


# ------------------------------------------------------------------ the indicator 1{y_n = k}

def test_indicator_of_labels_is_a_one_hot_array():
    """Softmax cross-entropy written with an indicator (labels y in 1..K)."""
    doc = (r"X \in \mathbb{R}^{N \times M}, W \in \mathbb{R}^{M \times K}, y \in \mathbb{R}^N"
           "\n" r"E = \sum_{n=1}^{N} \sum_{k=1}^{K} 1\{y_n=k\} \left(\log \left(\sum_{j=1}^{K} "
           r"\exp(\sum_{m} X_{nm} W_{mj})\right) - \sum_{m} X_{nm} W_{mk}\right)")
    rng = np.random.default_rng(6)
    kw = dict(X=rng.standard_normal((5, 3)), W=rng.standard_normal((3, 4)),
              y=rng.integers(1, 5, 5).astype(float))

    def ref(X, W, y):
        z = X @ W
        lse = np.log(np.sum(np.exp(z), axis=1))
        onehot = y[:, None] == np.arange(1, W.shape[1] + 1)[None, :]
        return float(np.sum(onehot * (lse[:, None] - z)))
    g = check_gradient(doc, "W", ref, kwargs=kw)
    assert any("read as [y_{n} = k] for k = 1..K" in n.reason for n in g.notes)


def test_indicator_of_the_variable_is_refused():
    doc = (r"y \in \mathbb{R}^n, W \in \mathbb{R}^{n \times K} \\ "
           r"f = \sum_{i=1}^{n}\sum_{k=1}^{K} 1\{y_i=k\} W_{ik}^2")
    with pytest.raises(matcalc.ParseError, match="whose truth depends on the variable"):
        matcalc.gradient(doc, "y")


def test_indicator_not_of_labels_and_an_index_is_refused():
    with pytest.raises(matcalc.ParseError, match=r"read only as \[labels = index\]"):
        matcalc.gradient(r"x, y \in \mathbb{R}^n \\ f = \sum_{i=1}^{n} 1\{x_i = y_i\} x_i^2",
                         "x")
    with pytest.raises(matcalc.ParseError, match=r"an indicator 1\\\{\.\.\.\\\} is not supported"):
        matcalc.gradient(r"x \in \mathbb{R}^n \\ f = \sum_{i=1}^{n} 1\{x_i\} x_i^2", "x")


# ------------------------------------------------------------------ a Kronecker delta's range

def test_kronecker_delta_range_from_the_sum_bounds():
    doc = (r"a \in \mathbb{R}, c \in \mathbb{R}^n \\ "
           r"f = \sum_{i=1}^{n}\sum_{j=1}^{n} \delta_{ij} a^2 + a c^T c")
    rng = np.random.default_rng(9)
    check_gradient(doc, "a", lambda a, c: float(len(c) * a ** 2 + a * c @ c),
                   kwargs=dict(a=1.3, c=rng.standard_normal(4)))
    g = matcalc.gradient(r"a \in \mathbb{R} \\ f = \sum_{i=1}^{n}\sum_{j=1}^{n} \delta_{ij} a^2",
                         "a")
    assert np.isclose(g.to_numpy()(a=1.5, n=4), 2 * 1.5 * 4)


def test_kronecker_delta_over_two_ranges_refused():
    with pytest.raises(matcalc.ParseError, match=r"run over 1..n and 1..m"):
        matcalc.gradient(r"a \in \mathbb{R} \\ f = \sum_{i=1}^{n}\sum_{j=1}^{m} \delta_{ij} a^2",
                         "a")


def test_interval_from_one_is_an_index_range_only():
    doc = (r"$y_i \in \mathbb{R}$, $i \in [1,k]$, $\beta \in \mathbb{R}$" "\n"
           r"$$L = \sum_{i=1}^{k} (y_i - \beta)^2$$")
    check_gradient(doc, r"\beta", lambda y, beta: float(np.sum((y - beta) ** 2)), objective="L")
    # [0,1]^n is a box of reals, not an index range: still refused, as before
    with pytest.raises(matcalc.ParseError):
        matcalc.gradient(r"x \in [0,1]^n \\ f = x^T x", "x")


def test_sum_over_a_literal_range_set():
    doc = r"x \in \mathbb{R}^K \\ f = \sum_{k \in \{1, \dots, K\}} x_k^2"
    check_gradient(doc, "x", lambda x: float(x @ x))


def test_lowercase_member_beside_a_declared_matrix_is_refused():
    """u_i v_j^T with U, V declared and u, v not: rows of U, V, or new vectors? (read as new
    vectors, the gradient wrt U of the data term was silently 0)"""
    doc = (r"M \in \mathbb{R}^{m \times n}, U \in \mathbb{R}^{m \times k}, "
           r"V \in \mathbb{R}^{n \times k}, \lambda \in \mathbb{R}" "\n"
           r"F = \frac{1}{2}\sum_{(i,j)\in\Omega}(M_{ij}-u_iv_{j}^T)^2 + \frac{\lambda}{2}\|U\|^2_F")
    with pytest.raises(matcalc.ParseError, match=r"u_i may be row or column i of U, or entry i "
                                                  r"of a new vector u"):
        matcalc.gradient(doc, "U")


@settings(max_examples=20, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10 ** 6))
def test_sum_over_all_but_one_matches_finite_differences(n, seed):
    """sum_i sum_{j != i} exp(a_i - a_j) w_j at random sizes: the gradient wrt a matches
    central differences of an independent NumPy objective."""
    rng = np.random.default_rng(seed)
    kw = dict(a=rng.standard_normal(n) * 0.5, w=rng.standard_normal(n))
    doc = r"a, w \in \mathbb{R}^n \\ f = \sum_{i=1}^{n} \sum_{j \ne i} \exp(a_i - a_j) w_j"

    def ref(a, w):
        e = np.exp(a[:, None] - a[None, :]) * w[None, :]
        return float(np.sum(e) - np.sum(np.diag(e)))
    g = matcalc.gradient(doc, "a")
    got = numeric.call(g.to_numpy(), kw)
    want = numeric.central_difference(ref, kw, "a")
    assert numeric.relative_error(got, want) < 1e-6


@pytest.mark.parametrize("bracket", [r"1(y^{(i)}=j)", r"1\{y^{(i)}=j\}"])
def test_indicator_in_parentheses_is_the_iverson_bracket(bracket):
    """Corpus 156 (stats.SE 193473): UFLDL's `1(y^{(i)}=j)`, the 1 glued to a parenthesis that
    holds one '=', is the indicator as `1\\{...\\}` is (it was refused, "unexpected '='")."""
    doc = (r"$\theta_j \in \mathbb{R}^n, j = 1,\dots,k, \quad x^{(i)} \in \mathbb{R}^n, "
           r"y^{(i)} \in \mathbb{R}, i = 1,\dots,m$" "\n"
           rf"$J(\theta)=\frac{{-1}}{{m}}\sum_{{i=1}}^m\sum_{{j=1}}^k {bracket}"
           r"\log(\frac{\exp(\theta_j^{T}x^{(i)})}{\sum_{l=1}^k\exp(\theta_l^{T}x^{(i)})})$")
    rng = np.random.default_rng(3)
    kw = dict(theta=rng.standard_normal((3, 4)), x=rng.standard_normal((6, 4)),
              y=rng.integers(1, 4, 6).astype(float))

    def ref(theta, x, y):
        z = x @ theta.T
        ls = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
        return float(-np.mean(ls[np.arange(len(y)), y.astype(int) - 1]))
    g = check_gradient(doc, r"\theta", ref, kwargs=kw)
    assert any("indicator is read as" in n.reason for n in g.notes), g.notes


@pytest.mark.parametrize("doc, f", [
    (r"$x \in \mathbb{R}^n$ $$f = 1(x^Tx) + x^Tx$$", lambda x: 2 * float(x @ x)),
    (r"$x, a \in \mathbb{R}^n$ $$f = 1 (a^T x)^2$$", lambda x, a: float(a @ x) ** 2),
])
def test_a_one_before_parentheses_without_an_equation_is_a_product(doc, f):
    check_gradient(doc, "x", f)
