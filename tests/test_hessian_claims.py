"""Claimed Hessians in a post get a verdict from `check_all` (hessian_claims.py), never
silently nothing: right and wrong claims judged as expected, each expectation verified
here independently (second central differences of the objective, written in NumPy, in
float64); the symmetric diagnosis (``2A`` for ``x^T A x``); mixed blocks and their
layouts; the index form of a matrix variable's Hessian; the refusals, each with its
reason; a hypothesis property over random quadratic and logistic forms; a pasted post
with a Hessian claim among first-order claims."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc

RTOL = 1e-5
RNG = np.random.default_rng(7)


def fd_hessian(f, x, h=1e-4):
    """∂²f/∂x_a∂x_b by second central differences of the objective (x of any shape)."""
    x = np.asarray(x, dtype=float)
    n = x.size
    H = np.zeros((n, n))
    for a in range(n):
        for b in range(n):
            def at(da, db):
                y = x.copy().ravel()
                y[a] += da
                y[b] += db
                return f(y.reshape(x.shape))
            H[a, b] = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
    return H.reshape(x.shape + x.shape)


def fd_mixed(f, x, y, h=1e-4):
    """∂²f/∂x_a∂y_b (rows by x) by central differences of the objective f(x, y)."""
    H = np.zeros((x.size, y.size))
    for a in range(x.size):
        for b in range(y.size):
            def at(da, db):
                u, v = x.copy(), y.copy()
                u[a] += da
                v[b] += db
                return f(u, v)
            H[a, b] = (at(h, h) - at(h, -h) - at(-h, h) + at(-h, -h)) / (4 * h * h)
    return H


def close(a, b) -> bool:
    return np.allclose(a, b, rtol=RTOL, atol=RTOL * max(1.0, np.max(np.abs(b))))


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


def verdicts(doc):
    return {v.line: v for v in matcalc.check_all(doc)}


QUAD = (r"$A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n$" "\n"
        r"$f(x) = x^T A x$" "\n")


# ------------------------------------------------------------- the founding example

def test_quadratic_form_right_and_wrong():
    doc = QUAD + "\n".join([
        r"$\nabla f(x) = (A + A^T) x$",
        r"$\nabla^2 f(x) = A + A^T$",
        r"$\nabla^2 f(x) = 2A$",
        r"$\nabla^2_x f(x) = A^T + A$",
        r"$\frac{\partial^2 f}{\partial x \partial x^T} = A + A^T$",
        r"$\frac{\partial^2 f}{\partial x\,\partial x^\top} = A + A^T$",
        r"$\frac{\partial^2 f}{\partial x^2} = -A - A^T$",
        r"$\frac{\partial^2}{\partial x \partial x^T} f(x) = A + A^T$",
        r"$\frac{\partial^2 f}{\partial x_i \partial x_j} = A_{ij} + A_{ji}$",
        r"$H = \nabla^2 f(x) = A + A^T$",
    ])
    A, x = RNG.standard_normal((4, 4)), RNG.standard_normal(4)
    want = fd_hessian(lambda x: x @ A @ x, x)
    assert close(A + A.T, want) and not close(2 * A, want) and not close(-(A + A.T), want)
    S = (A + A.T) / 2       # at a symmetric A, 2A is the Hessian: the diagnosis says so
    assert close(2 * S, fd_hessian(lambda x: x @ S @ x, x))
    got = verdicts(doc)
    assert got[3].status == "right"                     # the gradient, as before
    for line in (4, 6, 7, 8, 10, 11, 12):
        assert got[line].status == "right", (line, got[line].reason)
        assert "the Hessian" in got[line].reason
    assert got[5].status == "wrong"
    assert "right if $A$ is symmetric" in got[5].reason
    assert got[9].status == "wrong" and "wrong sign" in got[9].reason
    assert "symmetric, so one layout" in got[4].reason
    assert got[5].gradient.startswith("∂²f/∂x²") and "the Hessian:" in got[5].report()


def test_notes_say_kept_for_check():
    v = matcalc.check_all(QUAD + r"$\nabla^2 f(x) = 2A$")
    note = [n for n in v.notes if n.line == 3]
    assert note and "kept for check" in note[0].reason
    assert [x.status for x in v] == ["wrong"]


def test_naming_the_hessian_alone_is_reported():
    # once a traceback-free error; then "defines nothing"; now a verdict saying why
    v = matcalc.check_all(QUAD + r"$H = \nabla^2 f$")
    assert [x.status for x in v] == ["unchecked"]
    assert "names the Hessian" in v[0].reason


# ------------------------------------------------------------- logistic regression

LOGISTIC = "\n".join([
    r"$X \in \mathbb{R}^{N \times d}, y \in \mathbb{R}^N, w \in \mathbb{R}^d$",
    r"$s = \sigma(X w)$",
    r"$L(w) = -\mathbf{1}^T (y \odot \log(s) + (1 - y) \odot \log(1 - s))$",
    r"$\nabla_w L = X^T (s - y)$",
    r"$\nabla^2_w L = X^T \operatorname{Diag}(s \odot (1 - s)) X$",
    r"$\nabla^2_w L = X^T \operatorname{Diag}(s) X$",
    r"$\nabla^2_w L = X^T X$",
])


def test_logistic_hessian():
    X, y, w = RNG.standard_normal((5, 3)), RNG.random(5), RNG.standard_normal(3)

    def L(w):
        s = sigmoid(X @ w)
        return -np.sum(y * np.log(s) + (1 - y) * np.log(1 - s))
    s = sigmoid(X @ w)
    want = fd_hessian(L, w)
    assert close(X.T @ np.diag(s * (1 - s)) @ X, want)
    assert not close(X.T @ np.diag(s) @ X, want) and not close(X.T @ X, want)
    got = verdicts(LOGISTIC)
    assert [got[k].status for k in (4, 5, 6, 7)] == ["right", "right", "wrong", "wrong"]


# ------------------------------------------------------------- mixed blocks

MIXED = (r"$x \in \mathbb{R}^n, y \in \mathbb{R}^m, B \in \mathbb{R}^{n \times m}$" "\n"
         r"$f = x^T B y + (x^T x)(y^T y)$" "\n")


def test_mixed_block_layouts():
    doc = MIXED + "\n".join([
        r"$\frac{\partial^2 f}{\partial x \partial y^T} = B + 4 x y^T$",
        r"$\frac{\partial^2 f}{\partial x \partial y^T} = B^T + 4 y x^T$",
        r"$\frac{\partial^2 f}{\partial x^T \partial y} = B^T + 4 y x^T$",
        r"$\frac{\partial^2 f}{\partial x \partial y^T} = B + 2 x y^T$",
    ])
    x, y, B = RNG.standard_normal(3), RNG.standard_normal(2), RNG.standard_normal((3, 2))
    want = fd_mixed(lambda x, y: x @ B @ y + (x @ x) * (y @ y), x, y)
    assert close(B + 4 * np.outer(x, y), want)
    assert close((B.T + 4 * np.outer(y, x)).T, want)
    assert not close(B + 2 * np.outer(x, y), want)
    got = verdicts(doc)
    assert got[3].status == "right"
    assert got[4].status == "wrong" and "transpose" in got[4].reason
    assert got[5].status == "right" and "rows by the second" in got[5].reason
    assert got[6].status == "wrong"


def test_square_mixed_block_without_a_transpose_has_two_readings():
    doc = (r"$x \in \mathbb{R}^n, y \in \mathbb{R}^n, B \in \mathbb{R}^{n \times n}$" "\n"
           r"$f = x^T B y$" "\n"
           r"$\frac{\partial^2 f}{\partial x \partial y} = B$" "\n"
           r"$\frac{\partial^2 f}{\partial x \partial y^T} = B$" "\n"
           r"$\frac{\partial^2 f}{\partial x \partial y} = B + B^T$" "\n")
    x, y, B = RNG.standard_normal(3), RNG.standard_normal(3), RNG.standard_normal((3, 3))
    want = fd_mixed(lambda x, y: x @ B @ y, x, y)
    assert close(B, want) and not close(B.T, want)
    got = verdicts(doc)
    assert got[3].status == "unchecked" and "two readings" in got[3].reason
    assert "rows by the first variable (right)" in got[3].reason
    assert got[4].status == "right"
    assert got[5].status == "wrong" and "both layouts" in got[5].reason


# ------------------------------------------------------------- a matrix variable

TRACE = (r"$X \in \mathbb{R}^{m \times n}, A \in \mathbb{R}^{m \times m}$" "\n"
         r"$f(X) = \operatorname{tr}(X^T A X)$" "\n")


def test_matrix_variable_index_form():
    doc = TRACE + "\n".join([
        r"$\frac{\partial^2 f}{\partial X_{ij} \partial X_{kl}} = (A_{ik} + A_{ki}) \delta_{jl}$",
        r"$\frac{\partial^2 f}{\partial X_{ij} \partial X_{kl}} = 2 A_{ik} \delta_{jl}$",
        r"$\frac{\partial^2 f}{\partial X_{ij} \partial X_{kl}} = A_{ik} \delta_{jl}$",
    ])
    X, A = RNG.standard_normal((3, 2)), RNG.standard_normal((3, 3))
    want = fd_hessian(lambda X: np.trace(X.T @ A @ X), X)
    ref = np.einsum("ik,jl->ijkl", A + A.T, np.eye(2))
    assert close(ref, want)
    assert not close(np.einsum("ik,jl->ijkl", 2 * A, np.eye(2)), want)
    got = verdicts(doc)
    assert got[3].status == "right"
    assert got[4].status == "wrong" and "right if $A$ is symmetric" in got[4].reason
    assert got[5].status == "wrong"


def test_matrix_variable_written_as_a_matrix_is_refused():
    doc = TRACE + r"$\nabla^2_X f = A + A^T$" "\n" + \
        r"$\frac{\partial^2 f}{\partial X \partial X^T} = 2A$" "\n"
    got = verdicts(doc)
    for line in (3, 4):
        assert got[line].status == "unchecked"
        assert "several readings" in got[line].reason and "entrywise" in got[line].reason


# ------------------------------------------------------------- refusals, each said

def test_refusals_say_why():
    doc = "\n".join([
        r"$A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n$",
        r"$g = A x$",
        r"$f = x^T g$",
        r"$\nabla^2_x g = A$",
        r"$\nabla^2 f = A + A^T$",
        r"$\nabla^2_g f = 0$",
        r"$\frac{\partial^2 f}{\partial z^2} = A$",
        r"$\nabla^2_x f = A + A^T + \frac{\partial f}{\partial x}$",
        r"$\nabla^2_x f = A + A^T + y$",
        r"$\frac{\partial^2 A}{\partial x^2} = A$",
    ])
    got = verdicts(doc)
    assert len(got) == 7
    assert got[4].status == "unchecked" and "not a scalar" in got[4].reason
    assert got[5].status == "unchecked" and "without its variable" in got[5].reason
    assert got[6].status == "unchecked" and "inputs" in got[6].reason
    assert got[7].status == "ill-formed" and "not a variable" in got[7].reason
    assert got[8].status == "unchecked" and "with derivatives" in got[8].reason
    assert got[9].status == "ill-formed" and "unknown name y" in got[9].reason
    assert got[10].status == "unchecked" and "is an input" in got[10].reason


def test_held_constant_objective_is_refused_with_the_reason():
    doc = "\n".join([r"$x \in \mathbb{R}^n$", r"$p = \operatorname{sg}(x)$",
                     r"$f = p^T x + x^T x$", r"$\nabla^2_x f = 2 I$"])
    v = matcalc.check_all(doc)
    assert [x.status for x in v] == ["unchecked"] and "two readings" in v[0].reason


def test_hessian_of_an_expression_written_out():
    # a page that defines nothing: the function under the operator is the objective, as
    # for a first-order claim (candidates.claimed_function); in a list of identities too
    one = (r"$A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n$" "\n"
           r"$\frac{\partial^2 (x^T A x)}{\partial x \partial x^T} = A + A^T$" "\n")
    v = matcalc.check_all(one)
    assert [x.status for x in v] == ["right"] and "of $x^T A x$" in v[0].reason
    listed = (r"$A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^n$" "\n"
              r"$\frac{\partial (b^T x)}{\partial x} = b$" "\n"
              r"$\nabla^2_x (x^T A x) = 2 A$" "\n")
    got = verdicts(listed)
    assert got[3].status == "wrong" and "right if $A$ is symmetric" in got[3].reason


def test_scalar_variable():
    doc = "\n".join([r"$a \in \mathbb{R}$", r"$f = a^3$", r"$\frac{d^2 f}{d a^2} = 6 a$",
                     r"$\frac{\partial^2 f}{\partial a^2} = 3 a$"])
    a = 0.7
    assert abs(fd_hessian(lambda a: a ** 3, np.array(a)) - 6 * a) < 1e-5
    got = verdicts(doc)
    assert got[3].status == "right"
    assert got[4].status == "wrong" and "constant factor of 0.5" in got[4].reason


def test_cli_lists_hessian_verdicts(tmp_path, capsys):
    from matcalc.cli import main
    f = tmp_path / "post.tex"
    f.write_text(QUAD + r"$\nabla^2 f(x) = 2A$" "\n")
    assert main(["check", str(f)]) == 1
    out = capsys.readouterr().out
    assert "wrong" in out and "the Hessian: ∂²f/∂x² = A + Aᵀ" in out


def test_docs_example():
    """The example of docs/notation.md's "Claimed Hessians" says what it says."""
    import re
    from pathlib import Path
    text = (Path(__file__).parent.parent / "docs" / "notation.md").read_text()
    section = text.split("### Claimed Hessians", 1)[1]
    body = re.search(r"```matcalc\n% wrt: x\n(.*?)```", section, re.S).group(1)
    got = verdicts(body)
    assert [got[k].status for k in (3, 4, 5)] == ["right", "right", "wrong"]
    assert "right if $A$ is symmetric" in got[5].reason


# ------------------------------------------------------------- a pasted post

POST = r"""
I'm trying to use Newton's method for ridge-regularised least squares and need the Hessian.
Let $A \in \mathbb{R}^{m \times n}$, $b \in \mathbb{R}^m$, $x \in \mathbb{R}^n$ and
$\lambda \in \mathbb{R}$, and

$$f(x) = \|A x - b\|^2 + \lambda \|x\|^2$$

The gradient is

$$\nabla f(x) = 2 A^T (A x - b) + 2 \lambda x$$

and differentiating once more,

$$\nabla^2 f(x) = 2 A^T A + \lambda I$$

Is this right? Then I take the Newton step with it.
"""


def test_pasted_post():
    A, b, x, lam = (RNG.standard_normal((4, 3)), RNG.standard_normal(4),
                    RNG.standard_normal(3), 0.3)
    want = fd_hessian(lambda x: np.sum((A @ x - b) ** 2) + lam * x @ x, x)
    assert close(2 * A.T @ A + 2 * lam * np.eye(3), want)
    assert not close(2 * A.T @ A + lam * np.eye(3), want)
    v = matcalc.check_all(POST)
    by = {x.line: x for x in v}
    assert [x.line for x in v] == [10, 14]      # the gradient, then the Hessian
    assert by[10].status == "right"
    assert by[14].status == "wrong" and "the Hessian: ∂²f/∂x² = 2 λ I" in by[14].report()


# ------------------------------------------------------------- a property

# (LaTeX of a term of f, LaTeX of its Hessian by w, NumPy f, NumPy Hessian); the inputs
# A (d×d), C (N×d), a (d), w (d)
TERMS = [
    (r"w^T A w", r"(A + A^T)", lambda A, C, a, w: w @ A @ w, lambda A, C, a, w: A + A.T),
    (r"\|C w\|^2", r"2 C^T C", lambda A, C, a, w: np.sum((C @ w) ** 2),
     lambda A, C, a, w: 2 * C.T @ C),
    (r"(a^T w)^2", r"2 a a^T", lambda A, C, a, w: (a @ w) ** 2,
     lambda A, C, a, w: 2 * np.outer(a, a)),
    (r"\mathbf{1}^T \log(1 + \exp(C w))",
     r"C^T \operatorname{Diag}(\sigma(C w) \odot (1 - \sigma(C w))) C",
     lambda A, C, a, w: np.sum(np.log1p(np.exp(C @ w))),
     lambda A, C, a, w: C.T @ np.diag(sigmoid(C @ w) * (1 - sigmoid(C @ w))) @ C),
    (r"w^T w", r"2 I", lambda A, C, a, w: w @ w, lambda A, C, a, w: 2 * np.eye(len(w))),
]
DECL = (r"$A \in \mathbb{R}^{d \times d}, C \in \mathbb{R}^{N \times d}, a \in \mathbb{R}^d, "
        r"w \in \mathbb{R}^d$")


@settings(max_examples=12, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(range(len(TERMS))), st.integers(1, 3)),
                min_size=1, max_size=3, unique_by=lambda t: t[0]),
       st.integers(0, 2), st.sampled_from([-1, 1, 2]))
def test_property_random_forms(terms, which, bump):
    which = which % len(terms)
    f = " + ".join(f"{c} {TERMS[k][0]}" for k, c in terms)
    right = " + ".join(f"{c} {TERMS[k][1]}" for k, c in terms)
    # perturbed: one term's coefficient changed (by bump, never to the same number)
    wrong = " + ".join(f"{c + (bump if j == which else 0) or 5} {TERMS[k][1]}"
                       for j, (k, c) in enumerate(terms))
    A, C = RNG.standard_normal((3, 3)), RNG.standard_normal((4, 3))
    a, w = RNG.standard_normal(3), RNG.standard_normal(3)
    want = fd_hessian(lambda w: sum(c * TERMS[k][2](A, C, a, w) for k, c in terms), w)
    coef = [c + (bump if j == which else 0) or 5 for j, (k, c) in enumerate(terms)]
    assert close(sum(c * TERMS[k][3](A, C, a, w) for k, c in terms), want)
    assert not close(sum(c * TERMS[k][3](A, C, a, w) for c, (k, _) in zip(coef, terms)), want)
    doc = "\n".join([DECL, f"$f(w) = {f}$", f"$\\nabla^2_w f = {right}$",
                     f"$\\nabla^2_w f = {wrong}$"])
    got = verdicts(doc)
    assert got[3].status == "right", (doc, got[3].reason)
    assert got[4].status == "wrong", (doc, got[4].reason)


def test_wrt_keeps_the_hessian_claims_by_that_variable():
    doc = MIXED + "\n".join([r"$\nabla^2_x f = 2 (y^T y) I$",
                             r"$\nabla^2_y f = 2 (x^T x) I$",
                             r"$\frac{\partial^2 f}{\partial x \partial y^T} = B + 4 x y^T$"])
    x, y, B = RNG.standard_normal(3), RNG.standard_normal(2), RNG.standard_normal((3, 2))
    assert close(2 * (y @ y) * np.eye(3), fd_hessian(lambda x: x @ B @ y + (x @ x) * (y @ y), x))
    got = matcalc.check_all(doc, wrt="x")
    assert [(v.line, v.status) for v in got] == [(3, "right"), (5, "right")]  # mixed: kept
    assert [v.line for v in matcalc.check_all(doc, wrt="y")] == [4, 5]
