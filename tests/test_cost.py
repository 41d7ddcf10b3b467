"""Cost: derivations whose output used to swell stay linear in the document, and are right.

No test here times anything (speed is measured by benchmarks/bench_cost.py). Instead each
family of documents that used to blow up is derived at two sizes, L and 2L, and what the
work is proportional to - derivation steps, the characters of the result, the derivation
and the generated code, the IR nodes the code evaluates - must grow at most linearly (a
ratio of at most GROWTH; quadratic growth would be 4). Each family's gradient is checked
against central differences of an independent NumPy evaluator, in float64, at random
inputs; the sizes are chosen so that the named adjoints (h̄ = ∂f/∂h) the large
derivations introduce are exercised. The size guard is checked to refuse, with a
MatcalcError that says why, what would still be too large.
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import codegen, diff, ir, numeric
from matcalc.errors import MatcalcError

from helpers import check_gradient

R = r"\mathbb{R}"
N = 4
GROWTH = 2.25   # the largest ratio allowed between a measure at 2L and at L


# ---------------------------------------------------------------- the families

def power_doc(p):
    """X^{-p}: one node, its derivative one term (a sum over k, ops/matpow.py)."""
    return (f"$A \\in {R}^{{n\\times n}}, v \\in {R}^n$\n"
            f"$f = \\mathbf{{1}}_n^T\\exp((\\tanh(A)+2I_n)^{{-{p}}}v)$")


def shared_doc(L):
    """Every definition is used twice by the next."""
    lines = [f"$s_0, \\alpha \\in {R}$"]
    lines += [f"$s_{{{k}}} = \\tanh(s_{{{k - 1}}})\\, s_{{{k - 1}}} + \\alpha$"
              for k in range(1, L + 1)]
    return "\n".join(lines + [f"$f = s_{{{L}}}$"])


def hchain_doc(L):
    """One parameter (A) and one input (x) used at every level."""
    lines = [f"$h_0, x \\in {R}^n, A \\in {R}^{{n\\times n}}$"]
    lines += [f"$h_{{{k}}} = \\tanh(A h_{{{k - 1}}}) + x$" for k in range(1, L + 1)]
    return "\n".join(lines + [f"$f = \\mathbf{{1}}^T h_{{{L}}}$"])


def poly_doc(L):
    """One sum of L terms with distinct coefficients."""
    terms = ["\\alpha"] + [f"{k}\\alpha^{{{k}}}" for k in range(2, L + 1)]
    return f"$\\alpha \\in {R}$\n$f = " + " + ".join(terms) + "$"


def sigmoid_doc(L):
    """A depth-L network with a weight matrix per layer."""
    ws = ", ".join(f"W^{{({k})}}" for k in range(1, L + 1))
    lines = [f"${ws} \\in {R}^{{n\\times n}}, h^{{(0)}}, c \\in {R}^n$"]
    lines += [f"$h^{{({k})}} = \\sigma(W^{{({k})}} h^{{({k - 1})}})$" for k in range(1, L + 1)]
    return "\n".join(lines + [f"$f = c^T h^{{({L})}}$"])


# ---------------------------------------------------------------- measures

def measures(doc, wrt) -> dict:
    g = matcalc.gradient(doc, wrt)
    p = g.problem
    code_roots = [g.node] + [p.defs[d] for d in p.needed([g.node])]
    return {
        "steps": len(g.steps),
        "text": len(g.text()),
        "latex": len(g.latex()),
        "derivation": len(g.derivation()),
        "code": len(g.numpy_source()),
        "nodes": len({n.uid for root in code_roots for n in ir.walk(root)}),
    }


LINEAR = [  # (family, document, wrt, L): every measure at most linear from L to 2L
    ("power", power_doc, "A", 12),
    ("shared", shared_doc, "s_0", 12),
    ("hchain wrt A", hchain_doc, "A", 30),
    ("hchain wrt x", hchain_doc, "x", 30),
    ("poly", poly_doc, "alpha", 200),
    ("sigmoid", sigmoid_doc, "W1", 40),
]


@pytest.mark.parametrize("family, make, wrt, L", LINEAR, ids=[f[0] for f in LINEAR])
def test_every_output_grows_at_most_linearly(family, make, wrt, L):
    small, large = measures(make(L), wrt), measures(make(2 * L), wrt)
    for what in small:
        ratio = large[what] / max(small[what], 1)
        assert ratio <= GROWTH, f"{family}: {what} grew {ratio:.2f}x from L={L} to {2 * L}"


def test_longest_step_does_not_grow_with_depth():
    """The variable's cotangent is printed in every step: it is named once large."""
    longest = []
    for L in (30, 60):
        g = matcalc.gradient(hchain_doc(L), "A")
        longest.append(max(len(s.text) for s in g.steps))
    assert longest[1] <= 1.25 * longest[0], longest


def test_matrix_power_derivative_does_not_grow_with_its_exponent():
    """X^{-p}'s derivative is one term Σ_k (X^{-T})^k G (X^{-T})^{p-1-k}: what is printed,
    derived and compiled is the same size for every p but for the digits of p (written
    out, it was p terms of p factors). The code computes X^{-p} v as p matrix-vector
    products, one line each: linear in p."""
    small, large = measures(power_doc(6), "A"), measures(power_doc(36), "A")
    assert large["steps"] == small["steps"]
    for what in ("text", "latex", "derivation"):
        assert large[what] <= 1.05 * small[what] + 20, what
    for what in ("code", "nodes"):
        assert large[what] <= 6 * small[what], what


def test_a_definition_used_twice_is_named_not_copied():
    g = matcalc.gradient(shared_doc(12), "s_0")
    assert "where" in g.text() and "s̄_" in g.text()
    assert r"\bar{s}_{" in g.latex()
    rules = [s.rule for s in g.steps]
    assert "adjoint" in rules
    step = next(s for s in g.steps if s.rule == "adjoint")
    assert step.text.startswith("[s̄_") and "df = s̄_" in step.text
    src = g.numpy_source()
    assert "_bar = " in src


def test_small_derivations_name_nothing():
    for doc, wrt in ((shared_doc(3), "s_0"), (hchain_doc(3), "A"), (sigmoid_doc(4), "W1")):
        g = matcalc.gradient(doc, wrt)
        assert "where" not in g.text()
        assert not {"adjoint", "partial-adjoint"} & {s.rule for s in g.steps}


# ---------------------------------------------------------------- numbers

def power_f(p):
    def f(A, v):
        B = np.tanh(A) + 2 * np.eye(A.shape[0])
        return float(np.sum(np.exp(np.linalg.matrix_power(np.linalg.inv(B), p) @ v)))
    return f


def shared_f(L):
    def f(s_0, alpha):
        s = s_0
        for _ in range(L):
            s = np.tanh(s) * s + alpha
        return float(s)
    return f


def hchain_f(L):
    def f(h_0, x, A):
        h = h_0
        for _ in range(L):
            h = np.tanh(A @ h) + x
        return float(np.sum(h))
    return f


def poly_f(L):
    def f(alpha):
        return float(sum(k * alpha ** k for k in range(1, L + 1)))
    return f


def sigmoid_f(L, kw):
    h = kw["h0"]
    for k in range(1, L + 1):
        h = 1.0 / (1.0 + np.exp(-(kw[f"W{k}"] @ h)))
    return float(kw["c"] @ h)


@pytest.mark.parametrize("p", [3, 12, 36])
def test_matrix_power_gradient_is_right(p):
    rng = np.random.default_rng(p)
    kw = {"A": 0.5 * rng.standard_normal((N, N)), "v": rng.standard_normal(N)}
    check_gradient(power_doc(p), "A", f=power_f(p), kwargs=kw)


@pytest.mark.parametrize("L", [3, 12, 24])
def test_shared_definitions_gradient_is_right(L):
    rng = np.random.default_rng(L)
    kw = {"s_0": float(rng.uniform(0.3, 0.7)), "alpha": float(rng.uniform(0.6, 1.0))}
    check_gradient(shared_doc(L), "s_0", f=shared_f(L), kwargs=kw)


@pytest.mark.parametrize("wrt", ["A", "x"])
@pytest.mark.parametrize("L", [3, 30])
def test_hchain_gradient_is_right(L, wrt):
    rng = np.random.default_rng(L)
    kw = {"h_0": rng.standard_normal(N), "x": rng.standard_normal(N),
          "A": rng.standard_normal((N, N)) / N}
    g = check_gradient(hchain_doc(L), wrt, f=hchain_f(L), kwargs=kw)
    if L == 30:  # the named adjoints and partial sums are exercised
        assert {"adjoint", "partial-adjoint"} <= {s.rule for s in g.steps}


def test_poly_gradient_is_right():
    L = 300
    kw = {"alpha": 0.9}
    g = check_gradient(poly_doc(L), "alpha", f=poly_f(L), kwargs=kw)
    got = float(numeric.call(g.to_numpy(), kw))
    assert got == pytest.approx(sum(k * k * 0.9 ** (k - 1) for k in range(1, L + 1)), rel=1e-9)


@pytest.mark.parametrize("L", [4, 30])
def test_sigmoid_chain_gradient_is_right(L):
    """Weights near 4(I - 11ᵀ/n) keep the pre-activations near 0, where σ' = 1/4, so the
    gradient through 30 layers does not vanish and the comparison means something."""
    rng = np.random.default_rng(L)
    P = 4 * (np.eye(N) - np.ones((N, N)) / N)
    kw = {f"W{k}": P + 0.3 * rng.standard_normal((N, N)) for k in range(1, L + 1)}
    kw |= {"h0": rng.standard_normal(N), "c": rng.standard_normal(N)}
    g = matcalc.gradient(sigmoid_doc(L), "W1")
    got = numeric.call(g.to_numpy(), kw)
    want = np.zeros((N, N))
    for i in range(N):
        for j in range(N):
            h = 1e-6 * max(1.0, abs(kw["W1"][i, j]))
            up, down = kw["W1"].copy(), kw["W1"].copy()
            up[i, j] += h
            down[i, j] -= h
            want[i, j] = (sigmoid_f(L, {**kw, "W1": up})
                          - sigmoid_f(L, {**kw, "W1": down})) / (2 * h)
    scale = np.max(np.abs(want))
    assert scale > 1e-5
    assert np.max(np.abs(got - want)) < 1e-5 * scale  # relative to the gradient's own size
    assert (L == 30) == ("adjoint" in {s.rule for s in g.steps})


# ---------------------------------------------------------------- the size guard

def test_a_derivation_too_large_is_refused_with_the_reason():
    # a product of 60 factors that all vary: the product rule makes 60 terms of 60
    chain = " ".join(["A A^T"] * 30)
    doc = f"$A \\in {R}^{{n\\times n}}, v \\in {R}^n$\n$f = \\mathbf{{1}}_n^T {chain} v$"
    with pytest.raises(MatcalcError) as err:
        matcalc.gradient(doc, "A")
    msg = str(err.value)
    assert "too large" in msg and "product of 61 factors" in msg and "limit" in msg


def test_a_matrix_power_too_large_is_refused():
    with pytest.raises(MatcalcError) as err:
        matcalc.gradient(power_doc(100_000), "A")
    assert "too large" in str(err.value) and err.value.line == 2


def test_a_long_document_past_the_limit_is_refused(monkeypatch):
    monkeypatch.setattr(diff, "MAX_DERIVATION_SIZE", 200)
    matcalc.gradient(hchain_doc(5), "A")
    with pytest.raises(MatcalcError) as err:
        matcalc.gradient(hchain_doc(40), "A")
    assert "too large" in str(err.value) and "h_{" in str(err.value)


def test_generated_code_too_large_is_refused(monkeypatch):
    g = matcalc.gradient(hchain_doc(40), "A")
    monkeypatch.setattr(codegen.module, "MAX_CODE_NODES", 100)
    with pytest.raises(MatcalcError) as err:
        g.numpy_source()
    assert "generated code would be too large" in str(err.value)


# ---------------------------------------------------------------- start-up

def _fresh(code, **env):
    """Run code in a fresh interpreter importing this tree; its stdout."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = str(Path(__file__).resolve().parent.parent)
    full = {**os.environ, "PYTHONPATH": root, **env}
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=full,
                       cwd=root, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout.strip()


def test_import_matcalc_loads_no_engine_and_the_first_use_does():
    out = _fresh("import sys, matcalc\n"
                 "print(sorted(m for m in ('sympy', 'lark', 'numpy', 'matcalc.api') if m in sys.modules))\n"
                 "matcalc.gradient\n"
                 "print(sorted(m for m in ('sympy', 'lark', 'matcalc.api') if m in sys.modules))\n"
                 "matcalc.gradient(r'$x \\in \\mathbb{R}^n$ $f = x^T x$', wrt='x')\n"
                 "print('lark' in sys.modules)")
    assert out.splitlines() == ["[]", "['matcalc.api', 'sympy']", "True"]


def test_public_names_and_submodules_resolve_lazily():
    out = _fresh("import matcalc\n"
                 "from matcalc import MatcalcError, numeric\n"
                 "print(issubclass(MatcalcError, ValueError), matcalc.names.__name__,"
                 " all(hasattr(matcalc, n) for n in matcalc.__all__))\n"
                 "try:\n    matcalc.no_such_name\nexcept AttributeError:\n    print('AttributeError')")
    assert out.splitlines() == ["True matcalc.names True", "AttributeError"]


DERIVE = ("import matcalc, numpy as np\n"
          "g = matcalc.gradient(r'$x \\in \\mathbb{R}^n$ $f = x^T x$', wrt='x')\n"
          "print(g.to_numpy()(x=np.arange(3.0)).tolist())")


def test_parser_tables_are_cached_and_reused(tmp_path):
    assert _fresh(DERIVE, MATCALC_CACHE_DIR=str(tmp_path)) == "[0.0, 2.0, 4.0]"
    files = list(tmp_path.iterdir())
    assert len(files) == 1 and files[0].stat().st_size > 0
    assert _fresh(DERIVE, MATCALC_CACHE_DIR=str(tmp_path)) == "[0.0, 2.0, 4.0]"


def test_a_cache_that_cannot_be_written_or_read_is_no_reason_to_fail(tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert _fresh(DERIVE, MATCALC_CACHE_DIR=str(blocker / "sub")) == "[0.0, 2.0, 4.0]"
    assert _fresh(DERIVE, MATCALC_CACHE_DIR="") == "[0.0, 2.0, 4.0]"     # disabled
    corrupt = tmp_path / "c"
    assert _fresh(DERIVE, MATCALC_CACHE_DIR=str(corrupt)) == "[0.0, 2.0, 4.0]"
    for f in corrupt.iterdir():
        f.write_bytes(b"garbage\n\x00\x01")
    assert _fresh(DERIVE, MATCALC_CACHE_DIR=str(corrupt)) == "[0.0, 2.0, 4.0]"


# ---------------------------------------------------------------- dimension algebra

_DIMS = [__import__("sympy").Symbol(s, positive=True, integer=True) for s in ("n", "m", "N")]


def _dim_exprs():
    """Dimension expressions as index ranges, shapes and sub-range bounds make them:
    integers and dimension symbols under +, -, * and division by a symbol."""
    import sympy as sp
    from hypothesis import strategies as st
    leaf = st.one_of(st.integers(-3, 4).map(sp.Integer), st.sampled_from(_DIMS))
    return st.recursive(leaf, lambda e: st.one_of(
        st.tuples(e, e).map(lambda t: t[0] + t[1]), st.tuples(e, e).map(lambda t: t[0] - t[1]),
        st.tuples(e, e).map(lambda t: t[0] * t[1]),
        st.tuples(e, st.sampled_from(_DIMS)).map(lambda t: t[0] / t[1])), max_leaves=8)


def test_dimension_algebra_is_exact_and_agrees_with_simplify():
    """ir.dim_expr / ir.same_dim (cancel and factor, no sympy.simplify): the same value,
    a number wherever simplify gives a number (the lowering tests `== 0`, `.is_Integer`
    and signs on these), never longer than the input, and same_dim is simplify's
    equality."""
    import sympy as sp
    from hypothesis import given, settings

    @settings(max_examples=150, deadline=None)
    @given(_dim_exprs(), _dim_exprs())
    def check(a, b):
        r, s = ir.dim_expr(a), sp.simplify(a)
        assert sp.expand(r - a) == 0 or sp.cancel(r - a) == 0
        if s.is_number:
            assert r == s
        assert sp.count_ops(r) <= sp.count_ops(a)
        assert r.is_negative == s.is_negative and r.is_positive == s.is_positive
        assert ir.same_dim(a, b) == (sp.simplify(a - b) == 0)
    check()


def test_lowering_index_ranges_does_not_call_sympy_simplify():
    """An index range N+1..N+M is M by exact algebra: a warm derivation of seed 002
    (sub-range sums) imports nothing of sympy.simplify's (sympy.physics.units)."""
    out = _fresh("import sys, matcalc, pathlib\n"
                 "matcalc.gradient(r'$x \\in \\mathbb{R}^n$ $f = x^T x$', wrt='x').to_numpy()\n"
                 "doc = pathlib.Path('tests/seeds/002.tex').read_text()\n"
                 "matcalc.gradient(doc, wrt=r'\\phi').to_numpy()\n"
                 "print('sympy.physics.units' in sys.modules)")
    assert out == "False"
