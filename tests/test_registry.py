"""Tests generated from the op registry: every op, built in or defined by a user.

For every elementwise `Function` (built-ins and one defined here with `define_function`):
the gradient of 1ᵀ f(x) against central differences, the generated objective against the
function's SymPy value (independent of its NumPy template), every printed form (LaTeX with
balanced braces, text, the three derivation formats, Markdown), the generated code, and the
round trip: matcalc reads its own LaTeX of the gradient back as a right claim.
For every node op and array function: each of its block's `examples` (a document, an
independent NumPy objective, and the expected gradient where it is not f's derivative).
Adding an op to the registry adds its tests; an op without examples fails here.
"""
from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from helpers import RTOL

import matcalc
from matcalc import numeric, ops

SAMPLE = {"real": (-2.0, 2.0), "positive": (0.2, 3.0), "unit": (-0.9, 0.9),
          "nonzero": (0.1, 2.0)}


@pytest.fixture(scope="module", autouse=True)
def softsign():
    """A user's function, defined as the README shows; removed after the module."""
    matcalc.define_function("softsign", derivative=r"(1 + |x|)^{-2}",
                            numpy="x / (1 + np.abs(x))", domain="nonzero")
    yield
    matcalc.undefine_function("softsign")


def _sample(domain, rng, n=5):
    lo, hi = SAMPLE[domain]
    x = rng.uniform(lo, hi, n)
    if domain == "nonzero":
        x *= rng.choice([-1.0, 1.0], n)
    return x


def _balanced(latex: str) -> bool:
    depth = 0
    for k, ch in enumerate(latex):
        if ch in "{}" and k and latex[k - 1] == "\\":
            continue
        depth += {"{": 1, "}": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0 and latex.count(r"\left") == latex.count(r"\right")


def _all_views(g):
    for part in (g.latex(), g._repr_latex_()):
        assert _balanced(part), part
    assert g.text()
    for fmt in ("text", "latex", "markdown"):
        assert g.derivation(fmt)
    assert g._repr_markdown_()
    compile(g.numpy_source(), "<generated>", "exec")


def _function_names():
    names = list(ops.FUNCTIONS)
    return names + (["softsign"] if "softsign" not in names else [])


@pytest.mark.parametrize("name", _function_names())
def test_elementwise_function(name):
    f = ops.FUNCTIONS[name]
    doc = r"x \in \mathbb{R}^n \\ f = \mathbf{1}^T " + f.fill(f.latex, "x")
    g = matcalc.gradient(doc, wrt="x")
    _all_views(g)
    grad, obj = g.to_numpy(), g.objective_numpy()
    rng = np.random.default_rng(sum(map(ord, name)))
    for _ in range(2):
        x = _sample(f.domain, rng)
        want = numeric.central_difference(obj, {"x": x}, "x")
        got = grad(x=x)
        assert numeric.relative_error(got, want) < RTOL, (name, g.text())
        if f.value is not None:
            ref = sum(float(f.value(sp.Float(v, 30)).evalf(20)) for v in x)
            assert np.isclose(obj(x=x), ref, rtol=1e-10, atol=1e-12), (name, obj(x=x), ref)
    assert matcalc.check(doc, "x", claim=g.latex()).ok, g.latex()


def _examples():
    out = []
    for entry in list(ops.NODE_OPS.values()) + list(ops.CALLS.values()):
        label = getattr(entry, "__name__", None) or entry.name
        for k, ex in enumerate(entry.examples):
            out.append(pytest.param(ex, id=f"{label}-{k}"))
    return out


def test_every_op_has_examples():
    # ProdExcept exists only as ProdAxis's differential; ProdAxis's example exercises it;
    # Krylov only as PowSum's code form (PowSum's example exercises it)
    missing = [cls.__name__ for cls in ops.NODE_OPS.values()
               if not cls.examples and cls not in (ops.ProdExcept, ops.Krylov)]
    missing += [c.name for c in ops.CALLS.values() if not c.examples]
    assert not missing, f"ops without examples: {missing}"


@pytest.mark.parametrize("ex", _examples())
def test_op_example(ex):
    g = matcalc.gradient(ex["doc"], wrt=ex["wrt"])
    _all_views(g)
    grad, obj = g.to_numpy(), g.objective_numpy()
    rng = np.random.default_rng(0)
    key = g.inputs.get(ex["wrt"], ex["wrt"])
    for _ in range(2):
        kw = numeric.sample_inputs(g.problem, rng, obj)
        got = numeric.call(grad, kw)
        if ex.get("grad") is not None:
            want = numeric.call(ex["grad"], kw)
        else:
            want = numeric.central_difference(ex["f"], kw, key)
        assert numeric.relative_error(got, want) < RTOL, (ex["doc"], g.text())
        assert np.isclose(numeric.call(obj, kw), numeric.call(ex["f"], kw), rtol=1e-9)


def test_define_function_end_to_end():
    doc = r"x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n} \\ f = \mathbf{1}^T \operatorname{softsign}(Ax)"
    g = matcalc.gradient(doc, wrt="x")
    assert "_user_softsign" in g.objective_source()
    assert any("softsign" in s.identity for s in g.steps)  # the step cites its derivative
    rng = np.random.default_rng(3)
    A, x = rng.standard_normal((4, 4)), rng.standard_normal(4)
    ref = lambda A, x: np.sum((A @ x) / (1 + np.abs(A @ x)))  # noqa: E731
    want = numeric.central_difference(ref, {"A": A, "x": x}, "x")
    assert numeric.relative_error(g.to_numpy()(A=A, x=x), want) < RTOL
    assert matcalc.check(doc, "x", claim=r"A^T (1 + |Ax|)^{\circ -2}").ok
    assert not matcalc.check(doc, "x", claim=r"A^T (1 + |Ax|)^{\circ -1}").ok
    # the function spelled as a command and bare, too
    for spelling in (r"\softsign(Ax)", r"softsign(Ax)"):
        g2 = matcalc.gradient(doc.replace(r"\operatorname{softsign}(Ax)", spelling), wrt="x")
        assert numeric.relative_error(g2.to_numpy()(A=A, x=x), want) < RTOL


@pytest.mark.parametrize("kwargs, what", [
    (dict(name="exp", derivative="x", numpy="np.exp(x)"), "built-in"),
    (dict(name="Tr", derivative="x", numpy="x"), "built-in"),
    (dict(name="s", derivative="x", numpy="x"), "word of two or more letters"),
    (dict(name="wobble", derivative=r"\frac{", numpy="x"), "cannot read"),
    (dict(name="wobble", derivative="2x", numpy="x ** 2 +"), "not a Python expression"),
    (dict(name="wobble", derivative="2x", numpy="__import__('os').getcwd()"), "np.*"),
    (dict(name="wobble", derivative="2x", numpy="y * 2"), "expression in x"),
    (dict(name="wobble", derivative="2x", numpy="x.__class__"), "may not use"),
    (dict(name="wobble", derivative="3x^2", numpy="x ** 2"), "does not match"),
])
def test_define_function_refuses_bad_definitions(kwargs, what):
    with pytest.raises(matcalc.MatcalcError) as info:
        matcalc.define_function(**kwargs)
    assert what in str(info.value)
    assert "wobble" not in ops.FUNCTIONS


def test_softplus_abs_sign_render_in_every_format():
    # these once died in str.format: their templates hold braces
    for body in (r"\operatorname{softplus}(Ax)", r"|Ax|", r"(\operatorname{sign}(Ax) \odot Ax)"):
        doc = r"A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n \\ f = \mathbf{1}^T " + body
        _all_views(matcalc.gradient(doc, wrt="x"))
