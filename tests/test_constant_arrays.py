r"""A function of a constant array keeps the array's shape where it is printed (issue 8).

The 30-minute fuzz run with seed 6001 found two gradients that derived right but whose
printed forms read back with another shape: softplus of an M x N zero array (written
``\operatorname{softplus}((V^T - V^T)^\top)``) printed as the scalar
``\operatorname{softplus}(0)`` inside a trace, and ``\log(\operatorname{softplus}(b - b))``
of a zero vector as a scalar factor of a Hadamard product. The simplifier now writes a
function of an array filled with c as f(c) times the ones array ("constant-array" in
simplify.py; softmax and logsumexp of a constant fold to their values in their op blocks),
and a zero array that is still a function's argument prints with its shape,
``0 \mathbf{1}_{N}\mathbf{1}_{N}^{T}``.

Each case: the gradient matches central differences of an independent NumPy objective,
its printed form reads back as a right claim, and (where an edit of the printed form is
meaningful) the same text with the constant changed reads back as a wrong one.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc
from helpers import check_gradient, reads_back_both_ways

DECL = (r"A \in \mathbb{R}^{N \times N}, V \in \mathbb{R}^{N \times M}, "
        r"C \in \mathbb{R}^{M \times N}, x, y, b \in \mathbb{R}^{N}, a \in \mathbb{R}" "\n")
LOG2 = np.log(2.0)


def softplus(z):
    return np.logaddexp(0.0, z)


def softmax_rows(X):
    e = np.exp(X - X.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


CASES = [
    # softplus of an N x M zero array in a trace: softplus(0) 1_N 1_M^T V^T
    (r"f = \operatorname{Tr}(\operatorname{softplus}(V - V)^T A V)", "A",
     lambda A, V: np.trace(softplus(V - V).T @ A @ V), r"\mathbf{1}_{M}^{T}"),
    # log softplus of a zero vector under a Hadamard product with a chain
    (r"f = x^T (b^{\circ 3} \odot C^T C \log(\operatorname{softplus}(y - y)))", "x",
     lambda x, b, C, y: x @ (b ** 3 * (C.T @ C @ np.log(softplus(y - y)))), r"\mathbf{1}_{N}"),
    # softmax of a constant array (rows): every entry 1/M
    (r"f = \operatorname{Tr}(\operatorname{softmax}(V - V)^T A V)", "A",
     lambda A, V: np.trace(softmax_rows(V - V).T @ A @ V), r"\mathbf{1}_{M}^{T}"),
    # logsumexp of a zero vector: log N
    (r"f = \operatorname{logsumexp}(y - y) x^T A x", "A",
     lambda y, x, A: np.log(np.sum(np.exp(y - y))) * (x @ A @ x), r"\log\left(N\right)"),
    # a zero matrix left as a function's argument: det(0 1 1^T), not det(0)
    (r"f = x^T x \exp(\det(A - A))", "x",
     lambda x, A: (x @ x) * np.exp(np.linalg.det(A - A)), r"0 \mathbf{1}_{N}"),
    # a constant array to a scalar power: 2^a 1
    (r"f = x^T (y - y + 2 \mathbf{1})^{\circ a}", "a",
     lambda x, y, a: x @ (y - y + 2.0) ** a, r"\mathbf{1}_{N}"),
    # a nonzero constant array: tanh(1) 1_N 1_M^T
    (r"f = \operatorname{Tr}(\tanh(V - V + \mathbf{1}\mathbf{1}^T)^T A V)", "A",
     lambda A, V: np.trace(np.tanh(V - V + 1.0).T @ A @ V), r"\tanh\left(1\right)"),
    # a sum of constant arrays: tanh(1 + softplus(0)) x 1_N^T
    (r"f = x^T A \tanh(1 + \operatorname{softplus}(y - y))", "A",
     lambda x, A, y: x @ A @ np.tanh(1.0 + softplus(y - y)),
     r"\tanh\left(1 + \operatorname{softplus}\left(0\right)\right)"),
    # an array filled with a scalar expression: cos(a) 1_N^T A V 1_M
    (r"f = \operatorname{Tr}(\sin(a (V - V + \mathbf{1}\mathbf{1}^T))^T A V)", "a",
     lambda a, A, V: np.trace(np.sin(a * (V - V + 1.0)).T @ A @ V), r"\cos\left(a\right)"),
]


@pytest.mark.parametrize("obj, wrt, f, shaped", CASES, ids=[c[1] + str(k) for k, c in enumerate(CASES)])
def test_a_function_of_a_constant_array_is_right_and_reads_back(obj, wrt, f, shaped):
    doc = DECL + obj
    g = check_gradient(doc, wrt, f)
    printed = g.latex()
    assert shaped in printed, printed        # printed with its shape (or its folded value)
    res = matcalc.check(doc, wrt, claim=printed)
    assert res.ok, (printed, res.message)


def test_the_printed_constant_array_is_read_as_meant():
    """The round trip is a test of meaning: the printed softplus(0) 1_N 1_M^T V^T is
    right, and with softplus(0) replaced by softplus(1) it is wrong."""
    doc = DECL + r"f = \operatorname{Tr}(\operatorname{softplus}(V - V)^T A V)"
    g = matcalc.gradient(doc, "A")
    reads_back_both_ways(doc, "A", g.latex(), r"\operatorname{softplus}\left(0\right)",
                         r"\operatorname{softplus}\left(1\right)")


def test_the_fuzz_documents_gradients_match_finite_differences():
    """The two documents of the 6001 run (test_fuzz_regressions.py pins their round
    trip): their gradients against independent NumPy references."""
    from test_fuzz_regressions import _CONSTANT_IN_TRACE_DOC, _HADAMARD_BEFORE_LOG_DOC

    def sig(z):
        return 1.0 / (1.0 + np.exp(-z))
    check_gradient(_CONSTANT_IN_TRACE_DOC, "A", lambda A, V, w: sig(
        np.sum(softplus(V.T - V.T).T * (0.5 * -(A @ V)))) + w @ w)
    check_gradient(_HADAMARD_BEFORE_LOG_DOC, "u", lambda b, u, C, alpha: sig(
        (b * b * (u * b)) @ (alpha * (C.T @ C)).T @ np.log(softplus(b - b))))


# ---------------------------------------------------------------- property

FUNCS = {   # LaTeX of an elementwise function -> NumPy (finite everywhere on the draws)
    r"\operatorname{softplus}": softplus,
    r"\tanh": np.tanh,
    r"\exp": np.exp,
    r"\sigma": lambda z: 1.0 / (1.0 + np.exp(-z)),
    r"\sin": np.sin,
    r"\cos": np.cos,
    r"\operatorname{softmax}": softmax_rows,
}
CONSTANTS = {   # the constant array, written with the document's names -> its value
    "0": (r"(V - V)", lambda V: V - V),
    "1": (r"(V - V + \mathbf{1}\mathbf{1}^T)", lambda V: V - V + 1.0),
    "-2": (r"(V - V - 2 \mathbf{1}\mathbf{1}^T)", lambda V: V - V - 2.0),
    "a": (r"a (V - V + \mathbf{1}\mathbf{1}^T)", None),
}
CONTEXTS = {   # where the N x M constant array F stands -> the objective of F, A, V, x
    "trace": (r"\operatorname{Tr}({F}^T A V)", lambda F, A, V, x: np.trace(F.T @ A @ V)),
    "hadamard": (r"x^T ({F} \odot (A V)) \mathbf{1}", lambda F, A, V, x: x @ (F * (A @ V)) @ np.ones(F.shape[1])),
    "chain": (r"x^T A {F} V^T x", lambda F, A, V, x: x @ A @ F @ V.T @ x),
    "scaled": (r"x^T A x \, \mathbf{1}^T {F}^T x", lambda F, A, V, x: (x @ A @ x) * (np.ones(F.shape[1]) @ F.T @ x)),
}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(sorted(FUNCS)), st.lists(st.sampled_from(sorted(FUNCS)), max_size=2),
       st.sampled_from(sorted(CONSTANTS)), st.sampled_from(sorted(CONTEXTS)),
       st.sampled_from(["A", "x", "a"]))
def test_a_printed_gradient_through_a_constant_array_reads_back(first, then, c, ctx, wrt):
    """For random chains of elementwise functions (and row-wise softmax) of random constant
    arrays (a number or a scalar times the ones array) in random places (a trace, a
    Hadamard product, a chain, a scalar factor): the gradient matches finite differences
    and its printed form reads back."""
    fns = [first] + then
    arg, value = CONSTANTS[c]
    form, objective = CONTEXTS[ctx]
    written = arg
    for fn in fns:
        written = rf"{fn}({written})"
    doc = DECL + "f = " + form.replace("{F}", written) + " + a^2 x^T x"

    def f(A, V, x, a):
        F = value(V) if value is not None else a * (V - V + 1.0)
        for fn in fns:
            F = FUNCS[fn](F)
        return objective(F, A, V, x) + a ** 2 * (x @ x)
    g = check_gradient(doc, wrt, f, nontrivial=False)
    res = matcalc.check(doc, wrt, claim=g.latex())
    assert res.ok, (doc, g.latex(), res.message)


def test_checking_a_gradient_through_a_matrix_singular_by_construction_is_an_error():
    """(A - A)^{-1} is singular at every input: check() said so with a NumPy traceback
    (LinAlgError from the generated code); it is a MatcalcError that names the cause."""
    doc = DECL + r"f = x^T (A - A)^{-1} x"
    g = matcalc.gradient(doc, "x")
    assert r"\left(0 \mathbf{1}_{N}\mathbf{1}_{N}^{T}\right)^{-1}" in g.latex(), g.latex()
    with pytest.raises(matcalc.MatcalcError, match="cannot be evaluated at a point tried"):
        matcalc.check(doc, "x", claim=g.latex())
