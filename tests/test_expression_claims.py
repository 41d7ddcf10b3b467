"""A claimed first derivative of an expression written out is judged against that expression
(`matcalc.expression_claims`, through `check_all`): every form, right and wrong, with the
expected closed forms confirmed here independently by central differences in float64 of
hand-written NumPy functions; the two scopes of an operator followed by several terms;
a document that also defines an objective; names with no shape; a property over random
linear, quadratic and trace expressions.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc
from tests.helpers import central

N = 3
DECL = (r"$x, b \in \mathbb{R}^{n}, A, B, X \in \mathbb{R}^{n\times n}, c \in \mathbb{R}$"
        "\n")


def _point(seed):
    rng = np.random.default_rng(seed)
    kw = {k: rng.standard_normal((N, N)) for k in "ABX"}
    kw.update(x=rng.standard_normal(N), b=rng.standard_normal(N), c=float(rng.standard_normal()))
    return kw


def _numbers_say(f, wrt, rhs, post=lambda v: v) -> str:
    """"right" when rhs (NumPy, of the point) equals central differences of f by `wrt` at
    two random points, "wrong" when at neither (a mixed answer fails the test)."""
    said = set()
    for seed in (0, 1):
        kw = _point(seed)

        def of(v, kw=kw):
            return f(**{**kw, wrt: v})
        want = post(central(of, kw[wrt]))
        got = np.asarray(rhs(**kw), dtype=float)
        said.add(got.shape == want.shape and np.allclose(got, want, rtol=1e-6, atol=1e-7))
    assert len(said) == 1
    return "right" if said.pop() else "wrong"


# (the function in LaTeX, its variable, the function in NumPy, a right closed form and a
# wrong one, each (LaTeX, NumPy), and a word the wrong one's reason says)
EXPRESSIONS = {
    "quadratic": (r"x^T A x", "x", lambda x, A, **_: x @ A @ x,
                  (r"(A + A^T) x", lambda x, A, **_: (A + A.T) @ x),
                  (r"2 A x", lambda x, A, **_: 2 * A @ x), "symmetric"),
    "linear": (r"b^T x", "x", lambda x, b, **_: b @ x,
               (r"b", lambda b, **_: b), (r"-b", lambda b, **_: -b), "sign"),
    "trace": (r"\operatorname{tr}(AXB)", "X", lambda X, A, B, **_: np.trace(A @ X @ B),
              (r"A^T B^T", lambda A, B, **_: A.T @ B.T), (r"B A", lambda A, B, **_: B @ A),
              "transpose"),
}

FORMS = {
    "fraction": r"\frac{{\partial {f}}}{{\partial {v}}}",
    "fraction, parenthesised": r"\frac{{\partial ({f})}}{{\partial {v}}}",
    "operator": r"\frac{{\partial}}{{\partial {v}}} {f}",
    "nabla": r"\nabla_{v} {f}",
    "nabla, parenthesised": r"\nabla_{v} ({f})",
    "d over d": r"\frac{{d}}{{d{v}}} {f}",
}


def _claim(form, f, v, rhs):
    return "$" + FORMS[form].format(f=f, v=v) + f" = {rhs}$"


def _by_line(verdicts):
    return {v.line: v for v in verdicts}


@pytest.mark.parametrize("expr", sorted(EXPRESSIONS))
@pytest.mark.parametrize("form", sorted(FORMS))
def test_each_form_is_judged_against_its_expression(form, expr):
    f, v, of, (right, ref), (wrong, bad), word = EXPRESSIONS[expr]
    assert _numbers_say(of, v, ref) == "right"
    assert _numbers_say(of, v, bad) == "wrong"
    doc = DECL + _claim(form, f, v, right) + "\n" + _claim(form, f, v, wrong) + "\n"
    got = _by_line(matcalc.check_all(doc))
    assert got[2].status == "right", got[2].reason
    assert f"the gradient of ${f}$" in got[2].reason      # its own function, as written
    assert got[3].status == "wrong", got[3].reason
    assert word in got[3].reason


@pytest.mark.parametrize("form", sorted(FORMS))
def test_beside_an_objective_the_expression_is_its_own_function(form):
    """A document defining L: the claim about x^T A x is judged against x^T A x, not L;
    the claim about L stays judged against L."""
    f, v, of, (right, ref), (wrong, bad), _ = EXPRESSIONS["quadratic"]
    doc = (DECL + r"$L = \|A x - b\|^2$" "\n" r"$\frac{\partial L}{\partial x} = 2 A^T (A x - b)$"
           "\n" + _claim(form, f, v, right) + "\n" + _claim(form, f, v, wrong) + "\n")
    assert _numbers_say(lambda x, A, b, **_: np.sum((A @ x - b) ** 2), "x",
                        lambda x, A, b, **_: 2 * A.T @ (A @ x - b)) == "right"
    got = _by_line(matcalc.check_all(doc))
    assert got[3].status == "right", got[3].reason
    assert got[4].status == "right", got[4].reason
    assert "the gradient of $x^T A x$" in got[4].reason
    assert got[5].status == "wrong" and "symmetric" in got[5].reason


@pytest.mark.parametrize("rhs, ref, want", [
    (r"(A^T B^T)_{ij}", lambda A, B, **_: A.T @ B.T, "right"),
    (r"(B A)_{ij}", lambda A, B, **_: B @ A, "wrong"),
])
def test_entrywise_denominator(rhs, ref, want):
    of = EXPRESSIONS["trace"][2]
    assert _numbers_say(of, "X", ref) == want
    doc = DECL + rf"$\frac{{\partial \operatorname{{tr}}(AXB)}}{{\partial X_{{ij}}}} = {rhs}$" + "\n"
    v = matcalc.check_all(doc)[0]
    assert v.status == want, v.reason


@pytest.mark.parametrize("rhs, ref, want", [
    (r"B A", lambda A, B, **_: B @ A, "right"),
    (r"A^T B^T", lambda A, B, **_: A.T @ B.T, "wrong"),
])
def test_transposed_denominator(rhs, ref, want):
    of = EXPRESSIONS["trace"][2]
    assert _numbers_say(of, "X", ref, post=np.transpose) == want
    doc = (DECL + rf"$\frac{{\partial \operatorname{{tr}}(AXB)}}{{\partial X^T}} = {rhs}$" "\n"
           r"$\frac{\partial b^T x}{\partial x} = b$" "\n")
    v = _by_line(matcalc.check_all(doc))[2]
    assert v.status == want, v.reason
    if want == "right":
        assert "transpose of the gradient" in v.reason


@pytest.mark.parametrize("context", ["alone", "list", "objective"])
def test_an_operator_over_several_terms_has_two_scopes(context):
    """\\nabla_x b^T x + c = b: right over the whole sum, wrong over b^T x alone (then the
    claim says \\nabla_x(b^T x) = b - c): refused naming both. = 2b is wrong in both."""
    assert _numbers_say(lambda x, b, c, **_: b @ x + c, "x", lambda b, **_: b) == "right"
    assert _numbers_say(lambda x, b, **_: b @ x, "x", lambda b, c, **_: b - c) == "wrong"
    before = {"alone": "", "list": r"$\frac{\partial b^T x}{\partial x} = b$" "\n",
              "objective": r"$L = \|A x - b\|^2$" "\n"}[context]
    doc = DECL + before + r"$\nabla_x b^T x + c = b$" "\n" r"$\nabla_x b^T x + c = 2 b$" "\n"
    got = {v.claim: v for v in matcalc.check_all(doc)}
    v = got[r"\nabla_x b^T x + c = b"]
    assert v.status == "unchecked", v.reason
    assert "two readings" in v.reason
    assert r"\nabla_{x}(b^T x) + c: wrong" in v.reason
    assert r"\nabla_{x}(b^T x + c): right" in v.reason
    w = got[r"\nabla_x b^T x + c = 2 b"]
    assert w.status == "wrong" and "both give this verdict" in w.reason, w.reason


def test_parentheses_settle_the_scope():
    doc = DECL + r"$\nabla_x (b^T x + c) = b$" "\n" r"$\nabla_x (b^T x) + c = b$" "\n"
    got = _by_line(matcalc.check_all(doc))
    assert got[2].status == "right", got[2].reason
    # the operator over (b^T x) only: its left side is a derivative plus c, not judged
    assert got[3].status == "unchecked" and "no single derivative" in got[3].reason


@pytest.mark.parametrize("before", ["", r"$L = \|A x - b\|^2$" "\n"])
def test_names_with_no_shape_are_named(before):
    doc = (DECL + before + r"$\frac{\partial \operatorname{tr}(Q X)}{\partial X} = Q^T$" "\n"
           r"$\frac{\partial b^T x}{\partial x} = b$" "\n")
    got = [v for v in matcalc.check_all(doc) if "Q" in v.claim]
    assert len(got) == 1
    assert got[0].status in ("unchecked", "ill-formed"), got[0].reason
    assert "Q" in got[0].reason


def test_a_variable_the_expression_lacks_is_ill_formed():
    doc = DECL + r"$L = b^T b$" "\n" r"$\frac{\partial b^T x}{\partial y} = b$" "\n"
    v = [v for v in matcalc.check_all(doc) if "y" in v.claim][0]
    assert v.status == "ill-formed" and "y" in v.reason


def test_a_jacobian_of_an_expression_is_unchecked():
    doc = DECL + r"$L = b^T b$" "\n" r"$\frac{\partial A x}{\partial x} = A$" "\n"
    v = [v for v in matcalc.check_all(doc) if "A x" in v.claim][0]
    assert v.status == "unchecked" and "scalar" in v.reason


# random expressions: (LaTeX, variable, NumPy function, gradient LaTeX, gradient NumPy)
_MATS = {"A": lambda kw: kw["A"], "B": lambda kw: kw["B"]}


def _expression(kind, m, k):
    if kind == "linear":
        return (rf"{k} b^T x", "x", lambda x, b, **_: k * (b @ x),
                rf"{k} b", lambda b, **_: k * b)
    if kind == "quadratic":
        return (rf"{k} x^T {m} x", "x", lambda x, **kw: k * (x @ kw[m] @ x),
                rf"{k} ({m} + {m}^T) x", lambda x, **kw: k * (kw[m] + kw[m].T) @ x)
    return (rf"\operatorname{{tr}}({k} {m} X)", "X", lambda X, **kw: k * np.trace(kw[m] @ X),
            rf"{k} {m}^T", lambda **kw: k * kw[m].T)


SPOIL = {
    "sign": (lambda s: rf"-({s})", lambda v: -v),
    "factor": (lambda s: rf"3 ({s})", lambda v: 3 * v),
}


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(["linear", "quadratic", "trace"]), st.sampled_from(sorted(_MATS)),
       st.integers(2, 5), st.sampled_from(sorted(FORMS)), st.sampled_from(sorted(SPOIL)))
def test_random_expressions_right_and_spoiled(kind, m, k, form, how):
    f, v, of, g, ref = _expression(kind, m, k)
    latex, numpy_ = SPOIL[how]
    assert _numbers_say(of, v, ref) == "right"
    assert _numbers_say(of, v, lambda **kw: numpy_(np.asarray(ref(**kw)))) == "wrong"
    if form.startswith("nabla") or form in ("operator", "d over d"):
        f = f"({f})" if not form.endswith("parenthesised") else f
    doc = DECL + _claim(form, f, v, g) + "\n" + _claim(form, f, v, latex(g)) + "\n"
    got = _by_line(matcalc.check_all(doc))
    assert got[2].status == "right", (doc, got[2].reason)
    assert got[3].status == "wrong", (doc, got[3].reason)


def test_the_docs_example_says_what_it_says():
    """docs/notation.md's "A claimed derivative of an expression written out": each line's
    verdict, written after it, is the one check_all gives."""
    import re
    from pathlib import Path
    text = (Path(__file__).parent.parent / "docs" / "notation.md").read_text()
    section = text.split("### A claimed derivative of an expression written out", 1)[1]
    body = re.search(r"```\n(.*?)```", section, re.S).group(1)
    lines, want = [], {}
    for k, line in enumerate(body.splitlines(), start=1):
        claim, _, said = line.partition("$  ")
        lines.append(claim + ("$" if said else ""))
        if said:
            want[k] = said.strip().split(":")[0].split(" ")[0]
    got = _by_line(matcalc.check_all("\n".join(lines) + "\n"))
    assert {k: got[k].status for k in want} == want


def test_an_operator_sum_set_to_zero_is_a_first_order_condition_either_way():
    doc = (r"$w, b \in \mathbb{R}^n, \lambda \in \mathbb{R}$" "\n" r"$L = b^T w$" "\n"
           r"$\nabla_w L + \lambda w = 0$" "\n")
    (v,) = matcalc.check_all(doc)
    assert v.status == "unchecked" and "first-order condition" in v.reason
