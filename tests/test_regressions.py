"""Regression tests: each reproducer from the fuzzing report (issue 6), kept as it was found.

Every case is either right against central finite differences of an independent NumPy
objective written here, or refused with a MatcalcError that names what and where -- never
another exception, anywhere in the pipeline (derivation, every renderer, the generated code).
"""
from __future__ import annotations

import inspect

import numpy as np
import pytest
from helpers import check_gradient

import matcalc
from matcalc import MatcalcError


def run_everything(g):
    """Every view of a Gradient, so that a traceback in any of them fails the test."""
    g.latex(), g.text(), g.steps, g._repr_latex_(), g._repr_markdown_()
    for fmt in ("text", "latex", "markdown"):
        g.derivation(fmt)
    fn = g.to_numpy()
    params = [p for p, v in inspect.signature(fn).parameters.items()
              if v.default is inspect.Parameter.empty]     # not the optional out=
    assert params == list(g.inputs.values()), (params, g.inputs)
    return fn


# ------------------------------------------------------------------ wrong numbers

def test_inverse_times_diag_is_not_identity():
    # (S^{-1})_{ij} S_{jj} was taken for (S^{-1})_{ij} S_{jk} = delta_ik
    doc = r"S \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ f = x^T S^{-1} \operatorname{diag}(S)"
    g = check_gradient(doc, "x", lambda S, x: x @ np.linalg.solve(S, np.diag(S)))
    run_everything(g)


def test_inverse_times_diag_through_a_definition():
    doc = (r"S \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ h = \operatorname{diag}(S)"
           r" \\ f = x^T S^{-1} h")
    check_gradient(doc, "x", lambda S, x: x @ np.linalg.solve(S, np.diag(S)))
    check_gradient(doc, "S", lambda S, x: x @ np.linalg.solve(S, np.diag(S)))


def test_row_vector_definition_trace():
    # h = x^T is a row vector: h^T h is the outer product x x^T, not x^T x
    doc = (r"x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n} \\ h = x^T \\ "
           r"f = \operatorname{Tr}(h^T h A)")
    g = check_gradient(doc, "x", lambda x, A: np.trace(np.outer(x, x) @ A))
    run_everything(g)


def test_row_vector_definition_times_vector():
    doc = (r"x \in \mathbb{R}^n, y \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n} \\ "
           r"h = x^T A \\ f = h y")
    check_gradient(doc, "x", lambda x, y, A: x @ A @ y)
    check_gradient(doc, "A", lambda x, y, A: x @ A @ y)


def test_row_vector_definition_check_claims():
    doc = r"x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n} \\ h = x^T \\ f = h A h^T"
    assert matcalc.check(doc, "x", claim=r"(A + A^T)x").ok
    assert not matcalc.check(doc, "x", claim=r"2\operatorname{Tr}(A)x").ok


# ------------------------------------------------------------------ tracebacks

@pytest.mark.parametrize("doc, wrt, f", [
    (r"A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ f = \mathbf{1}^T\operatorname{softplus}(Ax)",
     "x", lambda A, x: np.sum(np.logaddexp(0, A @ x))),
    (r"\alpha \in \mathbb{R} \\ f = |\alpha|", r"\alpha", lambda alpha: abs(alpha)),
    (r"\alpha \in \mathbb{R} \\ f = \sqrt{2}\alpha", r"\alpha", lambda alpha: np.sqrt(2) * alpha),
    (r"\alpha \in \mathbb{R} \\ f = \alpha^e", r"\alpha", lambda alpha: alpha ** np.e),
    (r"x \in \mathbb{R}^n \\ f = \sqrt{n}\, x^T x", "x", lambda x: np.sqrt(len(x)) * x @ x),
])
def test_every_view_renders_and_runs(doc, wrt, f):
    g = check_gradient(doc, wrt, f, mode="positive")
    run_everything(g)
    for part in (g.latex(), g.text()):
        assert "zoo" not in part and "nan" not in part


@pytest.mark.parametrize("doc, wrt, what", [
    (r"\alpha \in \mathbb{R} \\ f = \alpha/0", r"\alpha", "not finite"),
    (r"x \in \mathbb{R}^n \\ f = \mathbf{1}^T (x \oslash 0)", "x", "not finite"),
    (r"x \in \mathbb{R}^{-n} \\ f = x^T x", "x", "positive whole number"),
    (r"x \in \mathbb{R}^{0} \\ f = x^T x", "x", "positive whole number"),
    (r"h \in \mathbb{R}^N \\ f = \sum_{i=i}^N h_i", "h", "uses i itself"),
    (r"x \in \mathbb{R}^{v}, v \in \mathbb{R}^{v} \\ f = x^T v", "x", "used as a dimension"),
])
def test_refused_with_a_located_error(doc, wrt, what):
    with pytest.raises(MatcalcError) as info:
        matcalc.gradient(doc, wrt)
    assert what in str(info.value)
    assert info.value.line is not None and "^" in str(info.value)


# ------------------------------------------------------------------ names that survive Python

@pytest.mark.parametrize("doc, wrt, keyword, f", [
    (r"\text{np} \in \mathbb{R}^n \\ f = \text{np}^T \text{np}", r"\text{np}", "np_",
     lambda np_: np_ @ np_),
    (r"\text{float} \in \mathbb{R}^n \\ f = \text{float}^T \text{float}", "float", "float_",
     lambda float_: float_ @ float_),
    (r"\text{x²} \in \mathbb{R}^n \\ f = \text{x²}^T \text{x²}", "x²", "x2", lambda x2: x2 @ x2),
    (r"\text{𝐱} \in \mathbb{R}^n \\ f = \text{𝐱}^T \text{𝐱}", "𝐱", "x", lambda x: x @ x),
])
def test_python_names(doc, wrt, keyword, f):
    g = check_gradient(doc, wrt, f)
    assert list(g.inputs.values()) == [keyword]
    run_everything(g)


def test_ligature_and_letters_are_refused_as_one_name():
    # Python reads the identifiers ﬁ and fi as one (NFKC): matcalc refuses the document
    # naming both spellings, never merges them silently (issue 6)
    doc = r"\text{ﬁ} \in \mathbb{R}, \text{fi} \in \mathbb{R} \\ f = \text{ﬁ}\, \text{fi}"
    with pytest.raises(matcalc.ParseError, match="'ﬁ' and 'fi'|'fi' and 'ﬁ'"):
        matcalc.gradient(doc, wrt="fi")


def test_multiletter_roman_dimension_is_one_name():
    # \mathrm{eval} is one dimension, not e*v*a*l
    doc = r"x \in \mathbb{R}^{\mathrm{eval}} \\ f = x^T x"
    g = check_gradient(doc, "x", lambda x: x @ x)
    assert list(g.inputs.values()) == ["x"]
    assert "eval" in g.numpy_source()


# ------------------------------------------------------------------ wrong readings (issue 8)

def test_definition_with_a_type_is_still_a_definition():
    # y = 2x \in R^n once made y a free variable: the gradient through it was exactly 0
    doc = r"x \in \mathbb{R}^n \\ y = 2x \in \mathbb{R}^{n} \\ f = y^Ty"
    check_gradient(doc, "x", lambda x: 4 * x @ x)
    doc = (r"Q \in \mathbb{R}^{n\times d}, K \in \mathbb{R}^{m \times d} \\ "
           r"S = QK^T \in \mathbb{R}^{n \times m} \\ f = \mathbf{1}^T S \mathbf{1}")
    check_gradient(doc, "Q", lambda Q, K: float(np.sum(Q @ K.T)))


def test_definition_with_a_wrong_type_is_refused():
    with pytest.raises(MatcalcError) as info:
        matcalc.gradient(r"x \in \mathbb{R}^n \\ y = 2x \in \mathbb{R}^{m} \\ f = y^Ty", "x")
    assert "declared with shape" in str(info.value)


def test_plain_R_declares_a_matrix():
    doc = r"A \in R^{n\times m}, x \in \mathbb{R}^n, u \in \mathbb{R}^m \\ f = x^T A u"
    check_gradient(doc, "A", lambda A, x, u: x @ A @ u)


@pytest.mark.parametrize("doc, wrt", [
    (r"C \in \mathbb{R}^{n\times m} \\ f = \operatorname{softmax}(C^T) : (C^T)", "C"),
    (r"X \in \mathbb{R}^{n\times m} \\ f = \mathbf{1}^T \operatorname{logsumexp}(X^T)", "X"),
])
def test_column_wise_softmax_prints_what_it_means(doc, wrt):
    # softmax over a matrix's first axis once printed as softmax(C), read back row-wise
    g = matcalc.gradient(doc, wrt)
    assert matcalc.check(doc, wrt, claim=g.latex()).ok, g.latex()


# a masked sum leaves its excluded terms out: the diagonal of \sum_{j=i+1} has
# x_i - x_j = 0, where \|.\|^{-s} is infinite (it gave NaN: 0 * inf)
PAIRWISE = r"x_i \in \mathbb{R}^d, \; i = 1,\dots,n" "\n" r"s \in \mathbb{R}" "\n"


@pytest.mark.parametrize("body, f", [
    (r"f = \sum_i \sum_{j=i+1}^{n} \|x_i - x_j\|^{-s}",
     lambda x, s: sum(np.linalg.norm(x[i] - x[j]) ** -s
                      for i in range(len(x)) for j in range(i + 1, len(x)))),
    (r"f = \sum_{i=1}^{n} \sum_{j=1}^{i-1} \log \|x_i - x_j\|^2",
     lambda x, s: sum(np.log(np.sum((x[i] - x[j]) ** 2))
                      for i in range(len(x)) for j in range(i))),
], ids=["inverse-power", "log"])
def test_masked_sum_leaves_excluded_terms_out(body, f):
    doc = PAIRWISE + body
    check_gradient(doc, "x", f)
    g = matcalc.gradient(doc, ["x"])
    rng = np.random.default_rng(3)
    x, s = rng.normal(size=(5, 3)), 1.5
    with np.errstate(all="raise"):  # no warning escapes from the excluded terms
        kw = {k: v for k, v in {"x": x, "s": s}.items() if k in g.inputs.values()}
        value, grad = g.to_numpy(value=True)(**kw)
    assert np.isfinite(grad).all() and np.isclose(value, f(x, s))


def test_dimension_named_like_a_builtin():
    # the dimension `eval` is the Python variable eval_ in every expression of the code
    # (np.full((eval,), 2) called the builtin: TypeError)
    doc = r"b \in \mathbb{R}^{\mathrm{eval}}" "\n" r"J(b) = 2 \mathbf{1}_{\mathrm{eval}}^T b"
    check_gradient(doc, "b", lambda b: 2 * np.sum(b))
    g = matcalc.gradient(doc, "b")
    assert np.array_equal(g.to_numpy()(b=np.ones(3)), [2.0, 2.0, 2.0])


@pytest.mark.parametrize("body, f", [
    (r"f = \sum_i \sum_{j=i+1}^{n} \log(\|x_i - x_j\|^2)",
     lambda x: sum(np.log(np.sum((x[i] - x[j]) ** 2))
                   for i in range(len(x)) for j in range(i + 1, len(x)))),
    (r"f = \sum_i \sum_{j=i+1}^{n} \|x_i - x_j\|",
     lambda x: sum(np.linalg.norm(x[i] - x[j])
                   for i in range(len(x)) for j in range(i + 1, len(x)))),
], ids=["log", "norm"])
def test_close_points_keep_their_distance(body, f):
    # ||a - b||^2 expanded as ||a||^2 + ||b||^2 - 2 a.b loses D where D is small against
    # the norms; where the code takes log D or D^{1/2} that is a wrong number, so the
    # expansion is used only where a small absolute error in D is harmless
    doc = r"x_i \in \mathbb{R}^d, \; i = 1,\dots,n" "\n" + body
    x = np.random.default_rng(0).random((4, 3)) * 100
    x[1] = x[0] + 1e-6
    value, grad = matcalc.gradient(doc, ["x"]).to_numpy(value=True)(x=x)
    assert np.isclose(value, f(x), rtol=1e-9)
    d = x[0] - x[1]
    if "log" in body:   # the pair (0, 1) dominates: 2 d / |d|^2
        assert np.allclose(grad[0], 2 * d / (d @ d), rtol=1e-4)


@pytest.mark.parametrize("claim", [r"L \left(1 - L\right)", r"L(1 - L)"])
def test_function_style_name_at_other_arguments_is_refused(claim):
    # L(\alpha) = ... defines L at \alpha; L(1 - L) was read as L (the argument dropped):
    # it is L at new arguments or L times (1 - L), so it is refused, naming both
    doc = r"\alpha \in \mathbb{R}" "\n" r"L(\alpha) = \sigma(\alpha)"
    with pytest.raises(MatcalcError, match="two readings"):
        matcalc.check(doc, r"\alpha", claim=claim)
    assert matcalc.check(doc, r"\alpha", claim=r"L \cdot (1 - L)").ok
    assert matcalc.check(doc, r"\alpha", claim=r"L(\alpha)(1 - L(\alpha))").ok


def test_integer_times_fraction_keeps_the_numerators_parentheses():
    # 2 \frac{1 - t^2}{b} was printed \frac{2 1 - t^2}{b}: a different function in LaTeX
    doc = r"s' \in \mathbb R, \hat W \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^{n}" "\n" \
          r"L = (\exp\left(\tanh(s' + x^T \hat W x)\right))^{-2} + -s'"
    g = matcalc.gradient(doc, "s'")
    assert r"\frac{2 \left(1 - " in g.latex()
    assert matcalc.check(doc, "s'", claim=g.latex()).ok


def test_breaking_a_long_latex_line_measures_few_prefixes(monkeypatch):
    # break_lines measured the width of every candidate prefix for every line: cubic in
    # the formula's length (a 9,000-character derivation took 100 s); it bisects now
    from matcalc.render import layout
    calls = []
    real = layout.width
    monkeypatch.setattr(layout, "width", lambda s: calls.append(len(s)) or real(s))
    s = " + ".join(rf"\frac{{a_{{{k}}}}}{{b}} x_{{{k}}}" for k in range(400))
    lines = layout.break_lines(s)
    assert len(lines) > 10 and "".join(lines).replace(" ", "") == s.replace(" ", "")
    assert len(calls) < 40 * len(lines), len(calls)


def test_symbolic_coefficient_in_index_notation_keeps_its_parentheses():
    # (M - 1) x_i was printed M - 1 x_i in an entry of index notation (a different
    # function); found by the long fuzz run
    doc = (r"W \in \mathbb{R}^{N\times N}\; \rho \in \mathbb R^{N}\; \text{vec} \in \{0,1\}^{N}"
           r"\; v \in \mathbb{R}^{N}\; \alpha \in \mathbb R" "\n"
           r"K_{ik} = \sum_{i'} W_{i',k} + \rho_i \cdot W_{ii}" "\n"
           r"Y_{ik} \coloneqq \tanh(\prod_{l=2}^{M} (2 + \tanh(\tanh\left(\delta_{ik} v_k \cdot "
           r"\text{vec}_i K_{k,k}\right))))" "\n"
           r"h \coloneqq (\exp v) / (1 + (\alpha \alpha)^2)" "\n"
           r"J = -\alpha + \|K\|_F^2 + h^T Y * h")
    g = matcalc.gradient(doc, "W")
    assert r"\left(M - 1\right) \mathrm{vec}_{i}" in g.latex()
    assert matcalc.check(doc, "W", claim=g.latex()).ok


def test_an_empty_sub_range_gives_a_zero_gradient():
    # \sum_{i=2}^{n} at n = 1 is empty; the code divided by 2n - 2 (a common factor taken
    # out without cancelling: (2 - 2n)/(2n - 2)), ZeroDivisionError; found by the long fuzz run
    doc = r"W \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^{n}" "\n" \
          r"\ell = \sum_{i=2}^{n} \prod_{k=1}^{n} (1 - \sigma({\tanh\left(x^T W x + W_{kk}\right)}^2))"
    fn = matcalc.gradient(doc, "W").to_numpy()
    assert np.array_equal(fn(W=np.ones((1, 1)), x=np.ones(1)), [[0.0]])
    check_gradient(doc, "W")


def test_an_integer_constant_to_a_negative_power_in_code():
    # (1 + sg(3)^2)^{-2}: NumPy refuses an integer to a negative integer power (ValueError
    # from the generated objective); found by the long fuzz run
    doc = r"u \in \mathbb{R}^m" "\n" r"f = \mathbf{1}^T u \cdot \frac{1}{(1 + \operatorname{sg}(3)^2)^2}"
    g = matcalc.gradient(doc, "u")
    assert np.isclose(g.objective_numpy()(u=np.ones(3)), 0.03)
    check_gradient(doc, "u", lambda u: np.sum(u) / 100)


def test_objective_named_with_its_arguments():
    """--objective '\\text{TV}(f)' names the definition \\text{TV}(f) = ... (corpus 082)."""
    doc = r"$x \in \mathbb{R}^n$" "\n" r"$$\text{TV}(x) = \sum_{i=1}^{n} x_i^2$$"
    g = matcalc.gradient(doc, wrt="x", objective=r"\text{TV}(x)")
    x = np.array([0.5, -1.0, 2.0])
    np.testing.assert_allclose(g.to_numpy()(x=x), 2 * x)


def test_partial_operator_is_refused_by_name():
    doc = r"$f \in \mathbb{R}^n$" "\n" r"$$L = \sum_{i=1}^{n} (\partial_x f)_i^2$$"
    with pytest.raises(matcalc.MatcalcError, match="partial-derivative operator") as err:
        matcalc.gradient(doc, wrt="f")
    assert "line 2" in str(err.value)


def test_a_symbolic_coefficient_of_a_reciprocal_is_one_fraction():
    """-\\frac{n}{2}\\log\\sigma^2 differentiates to -n/σ: written \\frac{n}{\\sigma} (text
    n/σ), not n \\frac{1}{\\sigma} (text n 1/σ); (n - 1)/a without parentheses in the
    numerator; both read back as the gradient."""
    for doc, wrt, want_latex, want_text in [
            (r"$x \in \mathbb{R}^n, \sigma \in \mathbb{R}$ $$f = -\frac{n}{2}\log \sigma^2$$",
             r"\sigma", r"\frac{n}{\sigma}", "n/σ"),
            (r"$x \in \mathbb{R}^n, a \in \mathbb{R}$ $$f = (n-1) \log a + a$$", "a",
             r"\frac{n - 1}{a}", "(n - 1)/a")]:
        g = matcalc.gradient(doc, wrt)
        assert want_latex in g.latex() and want_text in g.text(), (g.latex(), g.text())
        assert matcalc.check(doc, wrt, claim=g.latex()).ok
        assert not matcalc.check(doc, wrt, claim=g.latex().replace(want_latex, "1")).ok


def test_a_sum_of_squares_beside_other_factors_is_a_norm():
    """x^Tx/(2σ²) differentiates to ‖x‖²/σ³ - n/σ: the sum of squares summed on its own is
    the factor ‖x‖², not (x^∘2)ᵀ 1_n, also beside I and a vector; each reads back."""
    for doc, wrt, want in [
            (r"$x \in \mathbb{R}^n, \sigma \in \mathbb{R}$ "
             r"$$f = -\frac{n}{2}\log \sigma^2 - \frac{x^Tx}{2\sigma^2}$$", r"\sigma",
             r"\frac{\left\|x\right\|^{2}}{\sigma^{3}}"),
            (r"$x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n}$ "
             r"$$f = \operatorname{tr}(A) x^Tx$$", "A", r"\left\|x\right\|^{2} I_{n}"),
            (r"$X \in \mathbb{R}^{n\times m}, a \in \mathbb{R}^m$ $$f = \|X\|_F^2 a^T a$$", "a",
             r"\left\|X\right\|_F^{2} a")]:
        g = matcalc.gradient(doc, wrt)
        assert want in g.latex() and "circ" not in g.latex(), g.latex()
        assert matcalc.check(doc, wrt, claim=g.latex()).ok
        assert not matcalc.check(doc, wrt, claim=g.latex().replace("^{2}", "^{3}", 1)).ok
