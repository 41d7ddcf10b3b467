r"""A matrix the document declares symmetric (`\Sigma \in \mathbb{S}^n_{++}`, or a statement
`A = A^T`) is its own transpose in the result: the simplifier and the printer get the set of
such inputs from the Problem (`Problem.symmetric`), so Σ⁻ᵀ is Σ⁻¹, Aᵀ is A, and like terms
collect -- the gradient of (x - μ)ᵀΣ⁻¹(x - μ) wrt μ prints 2Σ⁻¹(μ - x), as a person writes
it, not (Σ⁻¹ + Σ⁻ᵀ)(μ - x). Every gradient against central differences at points where the
declared inputs are symmetric (positive definite: `numeric.sample_inputs`); the printed form
is asserted, reads back (`check` of `g.latex()`), and the person's claim is accepted. The
same documents without the declaration print the form that holds for every matrix, and a
gradient with respect to the symmetric matrix itself stays refused (two conventions)."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient

GAUSS = r"$$f = \log\det\Sigma + (x - \mu)^T\Sigma^{-1}(x - \mu)$$"
DECLARED = {
    "space": r"$x, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{S}^n_{++}$" "\n" + GAUSS,
    "statement": (r"$x, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n\times n}$" "\n" + GAUSS
                  + r" where $\Sigma = \Sigma^T$"),
}
PLAIN = r"$x, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n\times n}$" "\n" + GAUSS


def _gauss(x, mu, Sigma):
    r = x - mu
    return np.linalg.slogdet(Sigma)[1] + r @ np.linalg.solve(Sigma, r)


def _reads_back(doc, wrt, g):
    assert matcalc.check(doc, wrt, claim=g.latex()).ok, g.latex()


@pytest.mark.parametrize("how", sorted(DECLARED))
@pytest.mark.parametrize("wrt, printed, claim", [
    (r"\mu", r"2 \Sigma^{-1} \left(\mu - x\right)", r"2\Sigma^{-1}(\mu - x)"),
    ("x", r"2 \Sigma^{-1} \left(x - \mu\right)", r"2\Sigma^{-1}(x - \mu)"),
])
def test_the_gaussian_gradient_reads_as_a_person_writes_it(how, wrt, printed, claim):
    doc = DECLARED[how]
    g = check_gradient(doc, wrt, _gauss)
    assert g.latex() == printed
    assert "-T" not in g.latex() and "⁻ᵀ" not in g.text()
    assert matcalc.check(doc, wrt, claim=claim).ok
    _reads_back(doc, wrt, g)
    with pytest.raises(matcalc.MatcalcError, match=r"two readings.*G \+ G\^T - Diag\(G\)"):
        matcalc.gradient(doc, r"\Sigma")


def test_without_the_declaration_the_gradient_holds_for_every_matrix():
    """The same formula with Σ in R^{n x n}: the form for every matrix, before and after a
    document that declares Σ symmetric was derived, and the declared one after the plain one.
    The IR is shared between documents (interned; kept alive here, so the nodes -- and the
    simplifier's marks on them -- are the same objects): one document's symmetry must not
    carry into another."""
    kept = []

    def plain():
        g = check_gradient(PLAIN, r"\mu", _gauss, mode="spd")
        assert r"\Sigma^{-T}" in g.latex(), g.latex()
        assert not matcalc.check(PLAIN, r"\mu", claim=r"2\Sigma^{-1}(\mu - x)").ok
        kept.append(g)
        return g.latex()

    def declared():
        g = matcalc.gradient(DECLARED["space"], r"\mu")
        assert g.latex() == r"2 \Sigma^{-1} \left(\mu - x\right)"
        kept.append(g)

    before = plain()
    declared()
    assert plain() == before
    declared()


@pytest.mark.parametrize("declared", [True, False])
def test_a_quadratic_form_of_a_stated_symmetric_matrix(declared):
    """x^T A x with `A = A^T` stated: 2Ax (the page's answer when A is symmetric); without
    the statement (A + A^T)x, which holds for every A."""
    said = ", $A = A^T$" if declared else ""
    doc = rf"$x \in \mathbb{{R}}^n, A \in \mathbb{{R}}^{{n\times n}}${said}" "\n" r"$$f = x^T A x$$"
    g = check_gradient(doc, "x", lambda x, A: float(x @ A @ x))
    assert g.latex() == (r"2 A x" if declared else r"\left(A + A^{T}\right) x")
    _reads_back(doc, "x", g)
    if declared:
        assert matcalc.check(doc, "x", claim="2Ax").ok
        assert any("symmetry statement" in n.reason and "uses it" in n.reason for n in g.notes)


@pytest.mark.parametrize("said, supposed", [
    (r"$$f = x^T A x$$ where $A = A^T$.", None),
    (r"Let $A = A^T$. $$f = x^T A x$$", None),
    (r"If $n > 2$ we stop. Here $A = A^T$. $$f = x^T A x$$", None),
    (r"$$f = x^T A x$$ and if A is symmetric, $A = A^T$, then", "if"),
    (r"When $A = A^T$ holds, $$f = x^T A x$$", "when"),
])
def test_a_symmetry_supposed_under_a_condition_is_not_used_in_the_result(said, supposed):
    """`if A is symmetric, A = A^T, then ...` supposes the symmetry: the result is written for
    every matrix, (A + A^T) x, which holds for a symmetric one (noted); a check still draws A
    symmetric (a claim may use the hypothesis: 2Ax is accepted), and a gradient wrt A is still
    refused. Stated outright (`where A = A^T`), the result uses it: 2Ax."""
    doc = r"$A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n$" "\n" + said
    g = check_gradient(doc, "x", lambda x, A: float(x @ A @ x))
    assert g.problem.symmetric_if == ({"A": supposed} if supposed else {})
    assert g.latex() == (r"\left(A + A^{T}\right) x" if supposed else "2 A x")
    if supposed:
        assert any(f"under a condition ('{supposed}')" in n.reason for n in g.notes), g.notes
    assert matcalc.check(doc, "x", claim="2Ax").ok
    _reads_back(doc, "x", g)
    with pytest.raises(matcalc.MatcalcError, match="two readings"):
        matcalc.gradient(doc, "A")


def test_a_declaration_in_the_symmetric_matrices_is_never_a_hypothesis():
    doc = (r"If $x, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{S}^n_{++}$, then" "\n" + GAUSS)
    g = check_gradient(doc, r"\mu", _gauss)
    assert g.latex() == r"2 \Sigma^{-1} \left(\mu - x\right)"


def test_a_transpose_of_a_symmetric_input_prints_as_the_input():
    doc = (r"$x \in \mathbb{R}^n, A, B \in \mathbb{R}^{n\times n}$, $A = A^T$" "\n"
           r"$$f = x^T A^T B x + x^T A^{-T} x$$")
    g = check_gradient(doc, "x", lambda x, A, B: float(x @ A.T @ B @ x
                                                     + x @ np.linalg.solve(A.T, x)))
    assert "A^{T}" not in g.latex() and "A^{-T}" not in g.latex(), g.latex()
    assert "B^{T}" in g.latex()          # B is not declared symmetric
    _reads_back(doc, "x", g)


@pytest.mark.parametrize("shape, body, f, printed", [
    (r"n\times k", r"\operatorname{tr}(X^T A X)", lambda X, A: np.trace(X.T @ A @ X), r"2 A X"),
    # X^T A X is symmetric when A is: its inverse's two orientations are one term
    (r"n\times k", r"\log\det(X^T A X)", lambda X, A: np.linalg.slogdet(X.T @ A @ X)[1],
     r"2 A X {\left(X^{T} A X\right)^{-1}}"),
    (r"k\times n", r"\|X A\|_F^2", lambda X, A: np.sum((X @ A) ** 2), r"2 X A^{2}"),
])
def test_products_of_a_symmetric_input_collect(shape, body, f, printed):
    doc = rf"$X \in \mathbb{{R}}^{{{shape}}}, A \in \mathbb{{S}}^n_{{++}}$" "\n" rf"$$f = {body}$$"
    g = check_gradient(doc, "X", f)
    assert g.latex() == printed
    _reads_back(doc, "X", g)


def test_a_definition_through_a_symmetric_input():
    doc = (r"$x, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{S}^n_{++}$" "\n"
           r"$$r = x - \mu$$ $$f = \exp(-\frac{1}{2} r^T\Sigma^{-1}r)$$")
    g = check_gradient(doc, "x", lambda x, mu, Sigma: float(
        np.exp(-0.5 * (x - mu) @ np.linalg.solve(Sigma, x - mu))))
    assert "-T" not in g.latex() and "+" not in g.latex(), g.latex()
    _reads_back(doc, "x", g)


def test_the_hessian_of_a_symmetric_quadratic_form():
    doc = r"$x \in \mathbb{R}^n, A \in \mathbb{S}^n$" "\n" r"$$f = \frac{1}{2} x^T A x + x^T A x$$"
    assert matcalc.hessian(doc, "x").latex() == "3 A"


def test_the_simplifier_keeps_each_set_of_symmetric_inputs_apart():
    """simplify(node) marks the nodes it leaves at its fixed point; a node that uses a
    declared input is done only for the set it was simplified with: (Σ⁻¹ + Σ⁻ᵀ) r, at the
    fixed point with nothing declared, is 2 Σ⁻¹ r with Σ declared, and back again -- also
    through one memo per set (the `Tidier`'s)."""
    import sympy as sp
    from matcalc import ir
    from matcalc.simplify import simplify, symmetric
    n = sp.Symbol("n", integer=True, positive=True)
    S, r = ir.Var("Sigma", (n, n)), ir.Var("r", (n,))
    inv = matcalc.ops.Inv(S)
    node = ir.add([ir.matmul(inv, r), ir.matmul(ir.transpose(inv), r)])
    memo = {}
    plain = simplify(node, memo=memo)
    assert plain is not ir.scale(2, ir.matmul(inv, r))
    assert simplify(plain, memo=memo, symmetric={"Sigma"}) is ir.scale(2, ir.matmul(inv, r))
    assert simplify(node, memo=memo) is plain
    assert symmetric(inv, frozenset({"Sigma"})) and not symmetric(inv)
    assert not symmetric(ir.matmul(S, ir.Var("B", (n, n))), frozenset({"Sigma"}))


# ------------------------------------------------------------------ property

from hypothesis import HealthCheck, assume, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import test_properties as P  # noqa: E402

SYM_HEADER = P.HEADER.replace(r"A, B \in \mathbb{R}^{n\times n}",
                              r"A \in \mathbb{S}^{n}, B \in \mathbb{R}^{n\times n}")


@settings(max_examples=int(60 * P.SCALE), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(obj=P.objective(), data=st.data(),
       dims=st.sampled_from([(2, 3), (3, 2), (3, 1), (4, 2)]), seed=st.integers(0, 2**32 - 1))
def test_random_expressions_of_a_symmetric_input(obj, data, dims, seed):
    """The expression model of test_properties with A declared in S^n and drawn symmetric:
    the gradient wrt any other input matches central differences of the model's own
    evaluator, A's transpose is never printed, and the printed result reads back."""
    n, m = dims
    assume("A" in obj.vars and len(obj.vars) > 1)
    doc = f"{SYM_HEADER}\n{P._objective_lines(obj)}"
    key = data.draw(st.sampled_from(sorted(obj.vars - {"A"})), label="wrt")
    env = P.inputs(seed, n, m)
    env["A"] = env["A"] + env["A"].T
    with np.errstate(all="ignore"):
        ours = float(obj.fn(env))
    assume(np.isfinite(ours) and abs(ours) < 1e6)
    g = matcalc.gradient(doc, wrt=P.LEAVES[key][0])
    got = np.asarray(P._call(g.to_numpy(), env), dtype=float)
    want = P.central_difference(lambda e: obj.fn(e), env, key)
    err = float(np.max(np.abs(got - want))) / max(1.0, float(np.max(np.abs(want))))
    assert err < 1e-6, (f"gradient wrt {key} off by {err:.3g}\n{doc}\nmatcalc: {g.text()}")
    assert "A^{T}" not in g.latex() and "A^{-T}" not in g.latex(), (doc, g.latex())
    assert matcalc.check(doc, P.LEAVES[key][0], claim=g.latex()).ok, (doc, g.latex())
