"""The cheap forms of code generation (matcalc/codegen/forms.py): each rule fires where it
should, and the code it gives computes the same numbers as the plain form (the rules
switched off) and as central differences of an independent NumPy objective. Also: float32
inputs stay float32."""
import inspect
from pathlib import Path

import numpy as np
import pytest

import matcalc
from matcalc import codegen, numeric
from matcalc.codegen import forms

SEEDS = Path(__file__).parent / "seeds"


def seed(name):
    return (SEEDS / name).read_text()


PAIRS = r"""$x_i \in \mathbb{R}^d, \; i = 1,\dots,n$, $y_j \in \mathbb{R}^d, \; j = 1,\dots,m$
$$ f = \sum_{i}\sum_{j} \exp(-\|x_i - y_j\|^2) $$"""


def pairs_numpy(x, y):
    return float(np.exp(-((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)).sum())


POWERS = r"""$x \in \mathbb{R}^n$, $\nu \in \mathbb{R}$
$$ f = \sum_i (1 + x_i^2)^{-\nu} $$"""


def powers_numpy(x, nu):
    return float(((1 + x ** 2) ** -nu).sum())


RANGES = r"""$x \in \mathbb{R}^n$, $A \in \mathbb{R}^{n \times n}$
$$ f = \sum_{i=2}^{n-1} x_i^2 + \sum_{i=1}^{3} (Ax)_i $$"""


def ranges_numpy(x, A):
    return float((x[1:-1] ** 2).sum() + (A @ x)[:3].sum())


COLUMNS = r"""$A \in \mathbb{R}^{n \times m}, x \in \mathbb{R}^m, y \in \mathbb{R}^n$
$$ f = \sum_{i=1}^{n} \sum_{j=2}^{m} y_i A_{ij} x_j + \sum_{i}\sum_{j=1}^{1} A_{ij}^2 $$"""


def columns_numpy(A, x, y):
    return float(y @ A[:, 1:] @ x[1:] + (A[:, :1] ** 2).sum())


def dec_numpy(z, mu, nu):
    D = ((z[:, None, :] - mu[None, :, :]) ** 2).sum(-1)
    qh = (1 + D / nu) ** (-(nu + 1) / 2)
    q = qh / qh.sum(1, keepdims=True)
    ph = q ** 2 / q.sum(0)
    p = ph / ph.sum(1, keepdims=True)
    return float((p * np.log(p / q)).sum())


def s004_numpy(alpha, beta, I, D, y):
    F = 1 / (1 + np.exp(-(alpha * I + beta * D)))
    return float(0.5 * (y - (I.shape[0] - np.prod(1 - F, axis=1).sum())) ** 2)


def s002_numpy(h, phi, N):
    return float((h[:N] @ phi[:N]) @ (h[N:] @ phi[N:]))


HELD = seed("003.tex") + "\n$p \\text{ constant}$\n"

# (rule, document, wrt, independent objective (None: p held, checked against the plain
# form only), input mode, dimensions)
CASES = [
    ("square-of-broadcast-difference", PAIRS, ["x", "y"], pairs_numpy, "normal", None),
    ("square-of-broadcast-difference", seed("003.tex"), ["z", r"\mu"], dec_numpy, "positive", None),
    ("split-broadcast-sum", PAIRS, ["x", "y"], pairs_numpy, "normal", None),
    ("split-broadcast-sum", seed("003.tex"), ["z", r"\mu"], dec_numpy, "positive", None),
    # seed 003's result is written through q-hat itself (render), so no second power of
    # its base is left there for this rule; a power with a symbolic exponent and its
    # derivative's power
    ("power-from-power", POWERS, ["x"], powers_numpy, "positive", None),
    ("product-except-times-factor", seed("004_question.tex"), [r"\alpha", r"\beta"], s004_numpy,
     "normal", None),
    ("mask-to-slice", seed("002.tex"), [r"\phi"], s002_numpy, "normal", {"N": 3, "M": 4}),
    ("mask-to-slice", RANGES, ["x"], ranges_numpy, "normal", {"n": 6}),
    ("mask-to-place", seed("002.tex"), [r"\phi"], s002_numpy, "normal", {"N": 3, "M": 4}),
    ("mask-to-place", RANGES, ["x"], ranges_numpy, "normal", {"n": 6}),
    ("mask-to-place", COLUMNS, ["A", "x"], columns_numpy, "normal", {"n": 3, "m": 5}),
]


def _rule(name):
    return next(r for r in forms.ALL_RULES if r.name == name)


def _nodes(grads):
    p = grads.problem
    roots = grads._roots(True)
    return [p.defs[d] for d in p.needed(roots)] + list(roots)


def _inputs(grads, rng, mode, dims):
    g = grads.gradients[0]
    dvals = numeric.dimension_values(g.problem, rng)
    if dims:
        dvals.update({s: dims[s.name] for s in dvals if s.name in dims})
    return numeric.sample_inputs(g.problem, rng, g.objective_numpy(), mode=mode, dims=dvals)


@pytest.mark.parametrize("rule, doc, wrt, f, mode, dims", CASES,
                         ids=[f"{c[0]}-{k}" for k, c in enumerate(CASES)])
def test_rule_fires_and_agrees_with_the_plain_form(rule, doc, wrt, f, mode, dims):
    grads = matcalc.gradient(doc, wrt=wrt)
    nodes = _nodes(grads)
    assert forms.cheap_forms(nodes, rules=(_rule(rule),)) != nodes, f"{rule} did not fire"
    accepts = tuple(a for g in grads for a in g._accepts)
    fname = grads.function_name
    fast = codegen.compile_module(codegen.generate(grads.problem, grads._roots(True), fname,
                                                   also=accepts), fname)
    plain = codegen.compile_module(codegen.generate(grads.problem, grads._roots(True), fname,
                                                    also=accepts, rules=()), fname)
    rng = np.random.default_rng(7)
    for _ in range(3):
        kw = _inputs(grads, rng, mode, dims)
        got, want = numeric.call(fast, kw), numeric.call(plain, kw)
        assert len(got) == len(want) == len(wrt) + 1
        for a, b in zip(got, want):
            assert np.shape(a) == np.shape(b)
            assert np.allclose(a, b, rtol=1e-10, atol=1e-12), (a, b)
        if f is None:
            continue
        assert np.isclose(float(got[0]), numeric.call(f, kw), rtol=1e-10)
        for g, grad in zip(grads, got[1:]):
            key = matcalc.names.python_name(g.wrt)
            fd = numeric.central_difference(f, kw, key)
            assert np.max(np.abs(fd)) > 1e-6
            assert numeric.relative_error(grad, fd) < 1e-6


def test_expanded_distance_is_clipped_at_zero_where_points_coincide():
    # ‖x‖² + ‖y‖² - 2xᵀy can round below 0 where x_i = y_j: clipped, the sqrt of the norm
    # never sees it (no NaN), and the error stays within the documented cancellation
    # bound, sqrt(eps (‖x_i‖² + ‖y_j‖²)) for each coincident pair
    doc = PAIRS.replace(r"\exp(-\|x_i - y_j\|^2)", r"\|x_i - y_j\|")
    g = matcalc.gradient(doc, wrt="x")
    rng = np.random.default_rng(1)
    y = rng.standard_normal((3, 4)) * 1e3
    x = np.concatenate([y, rng.standard_normal((2, 4))])
    with np.errstate(invalid="raise"):
        value = g.objective_numpy()(x=x, y=y)
    want = np.sqrt(((x[:, None, :] - y[None, :, :]) ** 2).sum(-1)).sum()
    bound = 3 * np.sqrt(np.finfo(float).eps * 2 * (y * y).sum(1)).sum()
    assert np.isfinite(value) and abs(value - want) <= bound


POWERS = r"""$x_i \in \mathbb{R}, i=1,\dots,n$, $a \in \mathbb{R}$
$$ f = \sum_i x_i^{a} $$"""


@pytest.mark.parametrize("a", [2.0, 3.0, 0.5, -1.0])
def test_power_from_power_falls_back_where_the_base_is_not_positive(a):
    # x^(a-1) from x^a / x is exact only for x > 0: at 0 and below the helper computes
    # the power itself, so the numbers are the plain form's (nan where it is nan)
    grads = matcalc.gradient(POWERS, wrt=["x"])
    accepts = tuple(a_ for g in grads for a_ in g._accepts)
    src = codegen.generate(grads.problem, grads._roots(True), "f", also=accepts)
    assert "_pow_from" in src
    fast = codegen.compile_module(src, "f")
    plain = codegen.compile_module(codegen.generate(grads.problem, grads._roots(True), "f",
                                                    also=accepts, rules=()), "f")
    x = np.array([0.0, -2.0, 3.0, 0.5, -0.25])
    with np.errstate(all="ignore"):
        got, want = fast(x=x, a=a), plain(x=x, a=a)
    for g, w in zip(got, want):
        assert np.allclose(g, w, rtol=1e-12, equal_nan=True), (g, w)


def test_seed003_code_has_no_order_3_temporaries():
    # the n×K×d difference z_i - μ_j is never formed: the peak memory of one call stays
    # well below the size of one such array
    import tracemalloc
    fn = matcalc.gradient(seed("003.tex"), wrt=["z", r"\mu"]).to_numpy()
    n, K, d = 400, 20, 200
    rng = np.random.default_rng(0)
    z, mu = rng.standard_normal((n, d)), rng.standard_normal((K, d))
    tracemalloc.start()
    try:
        fn(z=z, mu=mu, nu=1.0)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < n * K * d * 8 / 2, peak


def test_seed004_code_uses_the_product_not_prefix_suffix_products():
    src = matcalc.gradient(seed("004_question.tex"), wrt=[r"\alpha", r"\beta"]).numpy_source()
    assert "_prod_except" not in src


def test_seed002_code_slices_instead_of_masks():
    src = matcalc.gradient(seed("002.tex"), wrt=r"\phi").numpy_source()
    assert "_mask" not in src


FLOAT32 = [
    (seed("001_question.tex"), ["W"], dict(W=(6, 4), x=(4,), b=(6,), w=(6,)), dict(y=1.0)),
    (seed("003.tex"), ["z", r"\mu"], dict(z=(7, 3), mu=(4, 3)), dict(nu=1.0)),
    (seed("004_question.tex"), [r"\alpha", r"\beta"], dict(I=(5, 4), D=(5, 4)),
     dict(alpha=-2.0, beta=-1.0, y=0.5)),
    (seed("002.tex"), [r"\phi"], dict(h=(7,), phi=(7, 3)), dict(N=3)),
    (seed("000.tex"), ["t^{(1)}", "t^{(2)}", "c"],
     dict(x=(3, 2), c=(4,), t2=(4, 6), t1=(3, 2, 2)), {}),
]


@pytest.mark.parametrize("doc, wrt, shapes, scalars", FLOAT32, ids=["001", "003", "004", "002",
                                                                    "000"])
def test_float32_inputs_stay_float32(doc, wrt, shapes, scalars):
    fn = matcalc.gradient(doc, wrt=wrt).to_numpy(value=True)
    rng = np.random.default_rng(0)
    arrays = {k: rng.uniform(0.5, 1.0, s) for k, s in shapes.items()}
    out64 = fn(**arrays, **scalars)
    out32 = fn(**{k: v.astype(np.float32) for k, v in arrays.items()}, **scalars)
    for a, b in zip(out32, out64):
        assert a.dtype == np.float32, a.dtype
        assert b.dtype == np.float64
        assert np.allclose(a, b, rtol=2e-3, atol=1e-4)


def test_float32_arrays_with_a_python_float_scalar_compute_in_float32():
    """Seed 001 with float32 arrays and y = 1.0: the scalar takes the arrays' dtype, so the
    n×d outer product is computed in float32 (one float32 n×d array at the peak), not in
    float64 and cast back (a float64 n×d array and its float32 copy: 3× that). The float64
    gradient is checked against central differences, the float32 one against it."""
    import tracemalloc
    g = matcalc.gradient(seed("001_question.tex"), wrt="W")
    fn = g.to_numpy()
    rng = np.random.default_rng(3)
    n, d = 300, 200
    kw = dict(W=rng.standard_normal((n, d)) / np.sqrt(d), x=rng.standard_normal(d),
              b=rng.standard_normal(n), w=rng.standard_normal(n), y=1.0)
    g64 = fn(**kw)
    fd = numeric.central_difference(g.objective_numpy(), kw, "W")
    assert np.max(np.abs(fd)) > 1e-6 and numeric.relative_error(g64, fd) < 1e-6
    kw32 = {k: (v.astype(np.float32) if isinstance(v, np.ndarray) else v) for k, v in kw.items()}
    fn(**kw32)
    tracemalloc.start()
    try:
        g32 = fn(**kw32)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert g32.dtype == np.float32
    assert np.allclose(g32, g64, rtol=1e-4, atol=1e-6)
    assert peak < 1.5 * n * d * 4, peak


def test_integer_inputs_compute_in_float64():
    fn = matcalc.gradient(PAIRS, wrt="x").to_numpy()
    x, y = np.arange(6).reshape(3, 2), np.arange(4).reshape(2, 2)
    got = fn(x=x, y=y)
    assert got.dtype == np.float64
    assert np.allclose(got, fn(x=x.astype(float), y=y.astype(float)))


def test_complex_inputs_are_refused_not_truncated():
    fn = matcalc.gradient(PAIRS, wrt="x").to_numpy()
    with pytest.raises(TypeError):
        fn(x=np.ones((3, 2)) + 1j, y=np.ones((2, 2)))


# ---------------------------------------------------------------- out=: the caller's buffers

def _call_out(fn, kw, out):
    """fn at the inputs of `kw` that it takes, with out=out."""
    return fn(**{k: v for k, v in kw.items() if k in inspect.signature(fn).parameters}, out=out)


OUT_CASES = [(seed("003.tex"), ["z", r"\mu"], dec_numpy, "positive", None),
             (PAIRS, ["x", "y"], pairs_numpy, "normal", None),
             (seed("002.tex"), [r"\phi"], s002_numpy, "normal", {"N": 3, "M": 4})]


@pytest.mark.parametrize("doc, wrt, f, mode, dims", OUT_CASES, ids=["003", "pairs", "002"])
def test_out_buffers_receive_the_gradients(doc, wrt, f, mode, dims):
    grads = matcalc.gradient(doc, wrt=wrt)
    fn, fv = grads.to_numpy(), grads.to_numpy(value=True)
    rng = np.random.default_rng(3)
    for _ in range(2):
        kw = _inputs(grads, rng, mode, dims)
        want = numeric.call(fn, kw)
        want = [want] if len(wrt) == 1 else list(want)   # one gradient: one array
        bufs = [np.full(np.shape(w), np.nan) for w in want]
        got = _call_out(fn, kw, bufs[0] if len(wrt) == 1 else bufs)
        got = [got] if len(wrt) == 1 else got
        assert all(g is b for g, b in zip(got, bufs))
        value, *got_v = _call_out(fv, kw, [None] + bufs[1:])
        assert got_v[0] is not bufs[0] and all(g is b for g, b in zip(got_v[1:], bufs[1:]))
        assert np.isclose(float(value), numeric.call(f, kw), rtol=1e-10)
        for g, buf, w in zip(grads, bufs, want):
            assert np.array_equal(buf, w)
            fd = numeric.central_difference(f, kw, matcalc.names.python_name(g.wrt))
            assert numeric.relative_error(buf, fd) < 1e-6


def test_out_single_gradient_takes_one_array_and_casts_same_kind():
    g = matcalc.gradient(seed("001_question.tex"), wrt="W")
    fn = g.to_numpy()
    rng = np.random.default_rng(5)
    kw = numeric.sample_inputs(g.problem, rng, g.objective_numpy())
    want = numeric.call(fn, kw)
    buf = np.zeros(want.shape, np.float32)
    assert _call_out(fn, kw, buf) is buf
    assert np.allclose(buf, want, rtol=1e-5, atol=1e-6) and np.max(np.abs(want)) > 1e-3
    f = g.objective_numpy()
    fd = numeric.central_difference(f, kw, "W")
    assert numeric.relative_error(buf.astype(float), fd) < 1e-4
    with pytest.raises(TypeError):          # float into int: refused, not truncated
        _call_out(fn, kw, np.zeros(want.shape, int))


def test_out_of_the_wrong_shape_or_count_is_refused_before_any_work():
    fn = matcalc.gradient(PAIRS, wrt=["x", "y"]).to_numpy()
    x, y = np.ones((3, 2)), np.ones((4, 2))
    with pytest.raises(matcalc.ShapeError, match=r"out\[1\]: expected an array of shape "
                                                 r"\(m, d\) = \(4, 2\), got \(2, 4\)"):
        fn(x=x, y=y, out=(None, np.zeros((2, 4))))
    with pytest.raises(matcalc.ShapeError, match="a sequence of 2 arrays"):
        fn(x=x, y=y, out=np.zeros((3, 2)))
    with pytest.raises(TypeError, match=r"out\[0\]: expected a NumPy array"):
        fn(x=x, y=y, out=([0.0] * 6, None))
    ro = np.zeros((3, 2))
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        fn(x=x, y=y, out=(ro, None))


def test_out_is_numpy_only_and_not_offered_over_an_input_named_out():
    g = matcalc.gradient(PAIRS, wrt="x")
    assert "out=None" in g.numpy_source() and "out=None" not in g.source(backend="jax")
    doc = r"""$\mathrm{out} \in \mathbb{R}^n$, $w \in \mathbb{R}^n$
$$ f = \sum_i w_i \, \mathrm{out}_i^2 $$"""
    g = matcalc.gradient(doc, wrt="w")
    got = g.to_numpy()(out=np.array([1.0, 2.0]), w=np.array([3.0, 4.0]))
    assert np.allclose(got, [1.0, 4.0])


def test_out_is_not_offered_when_an_unused_input_is_named_out():
    doc = r"""$\mathrm{out} \in \mathbb{R}^n$, $w \in \mathbb{R}^n$
$$ f = \sum_i w_i^2 $$"""
    g = matcalc.gradient(doc, wrt="w")
    assert "out=None" not in g.numpy_source()
    assert np.allclose(numeric.call(g.to_numpy(), {"out": np.zeros(2), "w": np.ones(2)}), 2.0)


@pytest.mark.parametrize("doc, wrt, dims, marker", [
    (seed("001_question.tex"), ["W"], None, "np.multiply("),
    (seed("002.tex"), [r"\phi"], {"N": 3, "M": 4}, "t5 = _buffer("),
    (seed("003.tex"), ["z", r"\mu"], None, "out=_b1"),
    ("W \\in \\mathbb{R}^{m\\times n}, x \\in \\mathbb{R}^n\n"
     "f = \\mathbf{1}^T \\tanh(W x)", ["x"], None, "np.matmul(")],
    ids=["001", "002", "003", "matmul"])
def test_out_last_operation_writes_into_the_buffer(doc, wrt, dims, marker):
    """The last operation writes straight into the caller's array (no temporary and copy);
    the numbers are the plain call's exactly, also where the buffer is an input itself
    (then the copy path is taken: the function still reads that input) and where its
    dtype differs (float32 buffer, float64 computation: cast by the copy)."""
    grads = matcalc.gradient(doc, wrt=wrt)
    src = grads.numpy_source()
    assert marker in src and "_buffer(_out[0]" in src
    fn = grads.to_numpy()
    rng = np.random.default_rng(11)
    kw = _inputs(grads, rng, "positive" if marker == "out=_b1" else "normal", dims)
    many = len(wrt) > 1
    want = numeric.call(fn, kw)
    want = list(want) if many else [want]
    bufs = [np.full(w.shape, np.nan) for w in want]
    got = _call_out(fn, kw, bufs if many else bufs[0])
    got = list(got) if many else [got]
    for g_, b, w in zip(got, bufs, want):
        assert g_ is b and np.array_equal(b, w)
    # a buffer that is an input of the same shape: the result is still the right one
    for name, v in kw.items():
        if isinstance(v, np.ndarray) and v.shape == want[0].shape:
            alias = dict(kw, **{name: v.copy()})
            o = alias[name]
            res = _call_out(fn, alias, [o] + [None] * (len(want) - 1) if many else o)
            res = res[0] if many else res
            assert res is o and np.array_equal(o, want[0])
    f32 = [np.zeros(w.shape, np.float32) for w in want]
    _call_out(fn, kw, f32 if many else f32[0])
    for b, w in zip(f32, want):
        assert b.dtype == np.float32 and np.allclose(b, w, rtol=1e-5, atol=1e-6)


QUOTIENTS = [   # (document, wrt, independent objective)
    (r"x, y \in \mathbb{R}^n" "\n" r"f = \mathbf{1}^T (x \oslash (y \odot y))", "y",
     lambda x, y: float(np.sum(x / y ** 2))),
    (r"x, y \in \mathbb{R}^n" "\n" r"f = \mathbf{1}^T \log(\mathbf{1} \oslash y)", "y",
     lambda x, y: float(np.sum(-np.log(y)))),
    (r"x, y \in \mathbb{R}^n" "\n" r"f = 3\,\mathbf{1}^T ((x \odot x) \oslash y)", "x",
     lambda x, y: float(3 * np.sum(x * x / y))),
]


@pytest.mark.parametrize("doc, wrt, f", QUOTIENTS)
def test_entrywise_quotients_are_divisions(doc, wrt, f):
    """An entrywise product with a negative whole power is emitted as divisions (no `**`
    of a negative exponent, no `1.0 / y` then a product), right against central
    differences, float32 kept."""
    g = matcalc.gradient(doc, wrt=wrt)
    src = g.numpy_source()
    body = src[src.index("def grad_"):]
    assert "** (-" not in body and "1.0 / y" not in body, body
    rng = np.random.default_rng(3)
    kw = dict(x=rng.uniform(0.5, 2.0, 5), y=rng.uniform(0.5, 2.0, 5))
    got = numeric.call(g.to_numpy(), kw)
    want = numeric.central_difference(f, kw, wrt)
    assert numeric.relative_error(got, want) < 1e-7
    got32 = numeric.call(g.to_numpy(), {k: v.astype(np.float32) for k, v in kw.items()})
    assert got32.dtype == np.float32 and np.allclose(got32, got, rtol=1e-4)


def test_quotient_by_a_square_does_not_overflow_where_the_result_is_finite():
    # σ(t) / softplus(t)² at t = -400: both ~1e-174, the quotient ~5e173; softplus(t)**-2
    # alone is inf
    doc = r"t \in \mathbb{R}^n" "\n" \
          r"f = \mathbf{1}^T (\mathbf{1} \oslash \operatorname{softplus}(t))"
    t = np.array([-400.0, -10.0, 3.0])
    got = matcalc.gradient(doc, wrt="t").to_numpy()(t=t)
    sp_t = np.logaddexp(0.0, t)
    want = -np.exp(-np.logaddexp(0.0, -t) - 2 * np.log(sp_t))
    assert np.all(np.isfinite(got)) and np.allclose(got, want, rtol=1e-12)
