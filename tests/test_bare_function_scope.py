r"""How far a function written without parentheses reaches (read/build.py `_bare_argument`).

`\log 2\pi` is `\log(2\pi)`, as Gaussian densities write it, with a note (the other reading,
`(\log 2)\pi`, differs by a constant). Any other factor glued after a one-factor argument --
`\log 2x`, `\log\sigma x^Tx`, `\log x^T x`, `\exp x^T A x`, `\sum_i \log x_i y_i` -- has two
readings with different gradients and is refused naming both; until this change `\log 2 x^Tx`
and `\log\sigma x^Tx` were silently `(\log 2) x^Tx`, `(\log\sigma) x^Tx`, and `\log x^T x`
silently `\sum_i x_i \log x_i`. Spacing written after the argument (`\log\sigma\, x^Tx`) ends
it. Every accepted reading is compared with central differences of an independent NumPy
objective.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc
from helpers import check_gradient

DECL = r"$x, y \in \mathbb{R}^n, \sigma \in \mathbb{R}, A \in \mathbb{R}^{n\times n}$" "\n"
X = np.array([0.3, -0.4, 0.8])
A = np.array([[1.0, 0.2, -0.1], [0.3, 0.9, 0.4], [-0.2, 0.1, 1.2]])


def _doc(f):
    return DECL + "$$f = " + f + "$$"


@pytest.mark.parametrize("written, const", [
    (r"\log 2\pi + x^Tx", np.log(2 * np.pi)),
    (r"-\frac{3}{2}\log 2 \pi + x^Tx", -1.5 * np.log(2 * np.pi)),
    (r"\log 2\,\pi + x^Tx", np.log(2 * np.pi)),     # a thin space inside the constant
    (r"\frac12 \log 2\pi + \log(2\pi) + x^Tx", 1.5 * np.log(2 * np.pi)),
])
def test_a_number_times_pi_is_the_argument_noted(written, const):
    g = check_gradient(_doc(written), "x", lambda x, **_: const + x @ x,
                       kwargs=dict(x=X))
    assert any("read as \\log(2" in str(n) for n in g.notes), g.notes
    assert np.isclose(g.objective_numpy()(x=X), const + X @ X)


@pytest.mark.parametrize("written, readings", [
    (r"\log 2\pi\sigma^2 + x^Tx", (r"\log(2\pi \sigma^2)", r"(\log 2\pi) \sigma^2")),
    (r"\log 2x_1 + x^Tx", (r"\log(2 x_1)", r"(\log 2) x_1")),
    (r"\log 2 x^Tx", (r"\log(2 x^T)", r"(\log 2) x^T")),
    (r"\log \sigma x^Tx", (r"\log(\sigma x^T)", r"(\log \sigma) x^T")),
    (r"\log x^T x", (r"\log(x^T x)", r"(\log x^T) x")),
    (r"\exp x^T A x", (r"\exp(x^T A)", r"(\exp x^T) A")),
    (r"\tanh \sigma x_1 + x^Tx", (r"\tanh(\sigma x_1)", r"(\tanh \sigma) x_1")),
    (r"\sum_{i=1}^{n} \log x_i y_i", (r"\log(x_i y_i)", r"(\log x_i) y_i")),
    # an applied function as the argument (last session's open item: it was (log σ(x₁)) x₂)
    (r"\log \sigma(x_1) x_2 + x^Tx", (r"\log(\sigma(x_1) x_2)", r"(\log \sigma(x_1)) x_2")),
    (r"\exp \tanh(x_1) x_2", (r"\exp(\tanh(x_1) x_2)", r"(\exp \tanh(x_1)) x_2")),
])
def test_a_factor_glued_after_a_bare_argument_is_two_readings(written, readings):
    with pytest.raises(matcalc.MatcalcError, match="has two readings") as err:
        matcalc.gradient(_doc(written), "x")
    assert all(r in str(err.value) for r in readings), str(err.value)
    assert err.value.line == 2


def test_written_parentheses_or_spacing_settle_the_reading():
    s = 0.7
    check_gradient(_doc(r"\log(\sigma) x^Tx"), "x",
                   lambda x, sigma: np.log(sigma) * x @ x, kwargs=dict(x=X, sigma=s))
    check_gradient(_doc(r"\log \sigma \, x^Tx"), "x",
                   lambda x, sigma: np.log(sigma) * x @ x, kwargs=dict(x=X, sigma=s))
    check_gradient(_doc(r"\log(x^T x)"), "x", lambda x: np.log(x @ x), kwargs=dict(x=X))
    check_gradient(_doc(r"\exp(x^T A x)"), "x", lambda x, A: np.exp(x @ A @ x),
                   kwargs=dict(x=X, A=A))
    check_gradient(_doc(r"\log \sigma \cdot x^Tx"), "x",
                   lambda x, sigma: np.log(sigma) * x @ x, kwargs=dict(x=X, sigma=s))
    check_gradient(_doc(r"\exp \tanh(x_1)\, x_2 + x^Tx"), "x",
                   lambda x: np.exp(np.tanh(x[0])) * x[1] + x @ x, kwargs=dict(x=X))
    check_gradient(_doc(r"x_2 \exp \tanh(x_1) + x^Tx"), "x",
                   lambda x: np.exp(np.tanh(x[0])) * x[1] + x @ x, kwargs=dict(x=X))
    # a closed argument takes nothing after it
    check_gradient(_doc(r"\log|A| \, x^Tx"), "x",
                   lambda x, A: np.log(abs(np.linalg.det(A))) * x @ x, kwargs=dict(x=X, A=A))


FUNCS = {"log": np.log, "exp": np.exp, "tanh": np.tanh}
FACTORS = {r"\sigma": lambda x, s: s, "x_1": lambda x, s: x[0], "2": lambda x, s: 2.0,
           r"\sigma^2": lambda x, s: s ** 2}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FUNCS)), st.sampled_from(sorted(FACTORS)),
       st.sampled_from(sorted(FACTORS)), st.sampled_from(["", "(", r"\, "]))
def test_bare_function_readings_property(func, a, b, how):
    """`\\f a b` is refused; `\\f(a) b` and `\\f a\\, b` are f(a)·b; `\\f(a b)` is f(ab) -- each
    against finite differences in x."""
    fa, fb, F = FACTORS[a], FACTORS[b], FUNCS[func]
    s = 0.6
    if how == "(":
        written = f"\\{func}({a}) {b} x_2 + x^Tx"
        ref = lambda x, sigma: F(fa(x, sigma)) * fb(x, sigma) * x[1] + x @ x  # noqa: E731
    elif how:
        written = f"\\{func} {a}{how}{b} x_2 + x^Tx"
        ref = lambda x, sigma: F(fa(x, sigma)) * fb(x, sigma) * x[1] + x @ x  # noqa: E731
    else:
        written = f"\\{func} {a} {b} x_2 + x^Tx"
        if a == "2" and b == "2":
            return          # 2 2 is no product of a person's writing
        with pytest.raises(matcalc.MatcalcError, match="two readings"):
            matcalc.gradient(_doc(written), "x")
        return
    if a == "2" and b == "2":
        return
    check_gradient(_doc(written), "x", ref, kwargs=dict(x=X, sigma=s))
    check_gradient(_doc(f"\\{func}({a} {b}) x_2 + x^Tx"), "x",
                   lambda x, sigma: F(fa(x, sigma) * fb(x, sigma)) * x[1] + x @ x,
                   kwargs=dict(x=X, sigma=s))


@pytest.mark.parametrize("written, ref", [
    (r"\mathrm{tr} X^T A X", lambda X, A: np.trace(X.T @ A @ X)),
    (r"tr X^TAX", lambda X, A: np.trace(X.T @ A @ X)),
    (r"\operatorname{Tr} X^T (A + A^T) X + \mathrm{tr}\, X",
     lambda X, A: np.trace(X.T @ (A + A.T) @ X) + np.trace(X)),
    (r"\text{tr} A X A \exp(1)", lambda X, A: np.trace(A @ X @ A) * np.e),
    (r"\mathrm{tr} A X \, \mathrm{tr} X", lambda X, A: np.trace(A @ X) * np.trace(X)),
    # 30-minute run, seed 6001: a first factor that ends in parentheses was taken as closed
    # (\exp(A) there before: of a square A it is now two readings, test_matrix_functions.py)
    (r"\operatorname{Tr} \tanh(X^T) \sigma(A)",
     lambda X, A: np.trace(np.tanh(X.T) @ (1 / (1 + np.exp(-A))))),
    # seed 6001 again: a first factor in braces of a power, {X}^T, is no braced argument
    (r"\mathrm{tr} {X}^T A X", lambda X, A: np.trace(X.T @ A @ X)),
    # fuzz seed 11002: a bracket closes a bare trace, (\operatorname{tr} X) \tanh(A)
    (r"(\operatorname{tr} X) \operatorname{tr}(\tanh(A X))",
     lambda X, A: np.trace(X) * np.trace(np.tanh(A @ X))),
])
def test_a_bare_trace_takes_the_whole_product(written, ref):
    """`\\mathrm{tr} X^T A X` is tr(X^T A X), as texts on matrices write it; it was the trace of
    X^T times A X (refused: not a scalar)."""
    doc = r"$X, A \in \mathbb{R}^{n\times n}$" "\n$$f = " + written + "$$"
    check_gradient(doc, "X", ref, kwargs=dict(X=A.T + 0.3, A=A))


def test_central_differences_of_a_column_major_input():
    """numeric.central_difference wrote its entries into a copy for an input in column-major
    order (A.T + 0.3): every gradient it returned was 0 (found writing the test above)."""
    from matcalc import numeric
    X0 = A.T + 0.3
    assert not X0.flags.c_contiguous
    got = numeric.central_difference(lambda X: float(np.sum(X ** 3)), dict(X=X0), "X")
    assert np.allclose(got, 3 * X0 ** 2, rtol=1e-6)


@pytest.mark.parametrize("written, ref", [
    (r"\exp\{-x^Tx\}", lambda x, A: np.exp(-x @ x)),
    (r"\exp\left\{-\frac{1}{2} x^T A x\right\}", lambda x, A: np.exp(-0.5 * x @ A @ x)),
    (r"\log\{1 + x^Tx\} + \exp\Big\{x_1\Big\}^2", lambda x, A: np.log(1 + x @ x) + np.exp(x[0]) ** 2),
])
def test_braces_after_a_function_are_its_parentheses(written, ref):
    """`\\exp\\left\\{ ... \\right\\}`, as Gaussian densities write it, was refused ("unexpected
    '\\{'"): braces right after a function are its parentheses."""
    check_gradient(_doc(written), "x", ref, kwargs=dict(x=X, A=A))
