"""The back ends: every registry op's gradient evaluated in NumPy, JAX, torch and through
the array API (on NumPy and Dask) and compared; Jacobians and Hessians in every back end;
JAX under jit; torch on its inputs' device; a gradient on a Dask array of several chunks;
dtypes kept; the input guards. A test whose extra (jax, torch, dask) is absent is skipped.
"""
from __future__ import annotations

import re

import numpy as np
import pytest

import matcalc
from matcalc import numeric, ops

SAMPLE = {"real": (-2.0, 2.0), "positive": (0.2, 3.0), "unit": (-0.9, 0.9),
          "nonzero": (0.1, 2.0)}
BACKENDS = ("jax", "torch", "array_api")
TOL = 1e-10


def _need(backend):
    if backend == "jax":
        return pytest.importorskip("jax")
    if backend == "torch":
        return pytest.importorskip("torch")
    pytest.importorskip("array_api_compat")
    return None


def evaluate(result, backend, kw):
    """result's generated function in `backend`, called on float64 copies of kw; the
    output as a NumPy array."""
    lib = _need(backend)
    if backend == "jax":
        with lib.enable_x64(True):
            plain = result.to_jax(jit=False)
            args = numeric._only(plain, kw)           # the keywords it takes
            static = [k for k, v in args.items() if callable(v)]   # an arbitrary function's
            out = lib.jit(plain, static_argnames=static)(
                **{k: (lib.numpy.asarray(v) if isinstance(v, np.ndarray) else v)
                   for k, v in args.items()})
            return np.asarray(out)
    if backend == "torch":
        fn = result.to_torch()
        out = numeric.call(fn, {k: (lib.tensor(v) if isinstance(v, np.ndarray) else v)
                                for k, v in kw.items()})
        return out.detach().cpu().numpy()
    return np.asarray(numeric.call(result.to_array_api(), kw))


def _sample(domain, rng, n=5):
    lo, hi = SAMPLE[domain]
    x = rng.uniform(lo, hi, n)
    if domain == "nonzero":
        x *= rng.choice([-1.0, 1.0], n)
    return x


@pytest.fixture(scope="module", autouse=True)
def softsign():
    """A user's function (its NumPy form in every namespace)."""
    matcalc.define_function("softsign", derivative=r"(1 + |x|)^{-2}",
                            numpy="x / (1 + np.abs(x))", domain="nonzero")
    yield
    matcalc.undefine_function("softsign")


def _function_names():
    names = list(ops.FUNCTIONS)
    return names + (["softsign"] if "softsign" not in names else [])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", _function_names())
def test_every_function_in_every_backend(name, backend):
    f = ops.FUNCTIONS[name]
    doc = (r"x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n} \\ f = \mathbf{1}^T "
           + f.fill(f.latex, "x") + r" + \mathbf{1}^T " + f.fill(f.latex, "x \\odot x")
           if f.domain == "real" else r"x \in \mathbb{R}^n \\ f = \mathbf{1}^T "
           + f.fill(f.latex, "x"))
    g = matcalc.gradient(doc, "x")
    rng = np.random.default_rng(sum(map(ord, name)))
    kw = {"x": _sample(f.domain, rng), "A": rng.standard_normal((5, 5))}
    want = numeric.call(g.to_numpy(), kw)
    got = evaluate(g, backend, kw)
    assert got.shape == want.shape
    assert numeric.relative_error(got, want) < TOL, (name, backend, g.source(backend))


def _examples():
    out = []
    for entry in list(ops.NODE_OPS.values()) + list(ops.CALLS.values()):
        label = getattr(entry, "__name__", None) or entry.name
        for k, ex in enumerate(entry.examples):
            out.append(pytest.param(ex, id=f"{label}-{k}"))
    return out


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("ex", _examples())
def test_every_op_example_in_every_backend(ex, backend):
    g = matcalc.gradient(ex["doc"], wrt=ex["wrt"])
    kw = numeric.sample_inputs(g.problem, np.random.default_rng(0), g.objective_numpy())
    want = numeric.call(g.to_numpy(), kw)
    got = evaluate(g, backend, kw)
    assert got.shape == np.shape(want)
    assert numeric.relative_error(got, want) < TOL, (ex["doc"], g.source(backend))


def test_prod_except_in_every_backend():
    """The product's derivative (ProdExcept, no example of its own), with a zero entry."""
    g = matcalc.gradient(r"A \in \mathbb{R}^{n\times m} \\ f = \sum_i \prod_j A_{ij}", "A")
    A = np.random.default_rng(1).standard_normal((3, 4))
    A[1, 2] = 0.0
    want = g.to_numpy()(A=A)
    for backend in BACKENDS:
        assert numeric.relative_error(evaluate(g, backend, {"A": A}), want) < TOL, backend


LOGREG = (r"X \in \mathbb{R}^{n\times d}, y \in \mathbb{R}^n, w \in \mathbb{R}^d \\ "
          r"f = \mathbf{1}^T \operatorname{softplus}(X w) - y^T X w")


def _logreg(n=40, d=3, seed=0):
    rng = np.random.default_rng(seed)
    return dict(X=rng.standard_normal((n, d)), y=(rng.random(n) < 0.5).astype(float),
                w=rng.standard_normal(d))


@pytest.mark.parametrize("backend", BACKENDS)
def test_jacobian_hessian_hvp_in_every_backend(backend):
    kw = _logreg()
    results = [matcalc.hessian(LOGREG, "w"), matcalc.hvp(LOGREG, "w"),
               matcalc.jacobian(r"W \in \mathbb{R}^{m\times d}, w \in \mathbb{R}^d \\ "
                                r"p = \operatorname{softmax}(W w)", "w")]
    kws = [kw, {**kw, "v": np.ones(3)}, {"W": np.random.default_rng(2).standard_normal((4, 3)),
                                         "w": kw["w"]}]
    for r, k in zip(results, kws):
        want = numeric.call(r.to_numpy(), k)
        assert numeric.relative_error(evaluate(r, backend, k), want) < TOL, r.source(backend)


def test_jax_code_is_jit_compatible():
    jax = pytest.importorskip("jax")
    g = matcalc.gradient(LOGREG, "w")
    src = g.source("jax")
    assert "import jax.numpy as jnp" in src
    assert not re.search(r"(?<![\w.])np\.(asarray|full|eye|ones)\(", src)  # arrays are jax's
    kw = _logreg()
    with jax.enable_x64(True):
        jitted = g.to_jax()                      # jax.jit of the generated function
        plain = g.to_jax(jit=False)
        a = jitted(**{k: jax.numpy.asarray(v) for k, v in kw.items()})
        b = plain(**kw)
        # the whole function traces: its jaxpr exists, no value was branched on
        jaxpr = jax.make_jaxpr(lambda X, y, w: plain(X=X, y=y, w=w))(kw["X"], kw["y"], kw["w"])
    assert "dot_general" in str(jaxpr)
    np.testing.assert_allclose(np.asarray(a), g.to_numpy()(**kw), rtol=1e-12)
    np.testing.assert_allclose(np.asarray(b), g.to_numpy()(**kw), rtol=1e-12)


def test_torch_code_runs_on_its_inputs_device_and_dtype():
    torch = pytest.importorskip("torch")
    g = matcalc.gradient(LOGREG, "w")
    fn = g.to_torch()
    kw = _logreg()
    # the meta device holds no data: a constant made on another device would fail here
    meta = {k: torch.tensor(v, dtype=torch.float32).to("meta") for k, v in kw.items()}
    out = fn(**meta)
    assert out.device.type == "meta" and out.dtype == torch.float32 and out.shape == (3,)
    out = fn(**{k: torch.tensor(v, dtype=torch.float32) for k, v in kw.items()})
    assert out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), g.to_numpy()(**kw), rtol=1e-4)
    h = matcalc.hessian(LOGREG, "w").to_torch()(**meta)
    assert h.device.type == "meta" and h.shape == (3, 3)


def test_gradient_on_a_dask_array_of_several_chunks():
    da = pytest.importorskip("dask.array")
    g = matcalc.gradient(LOGREG, "w")
    kw = _logreg(n=1000, d=5, seed=3)
    X = da.from_array(kw["X"], chunks=(100, 5))            # ten chunks of rows
    y = da.from_array(kw["y"], chunks=100)
    assert X.numblocks[0] > 1
    w = da.from_array(kw["w"])
    out = g.to_array_api()(X=X, y=y, w=w)
    assert isinstance(out, da.Array)                       # lazy: the graph, not the value
    np.testing.assert_allclose(out.compute(), g.to_numpy()(**kw), rtol=1e-12)
    h = matcalc.hessian(LOGREG, "w").to_array_api()(X=X, y=y, w=w)
    np.testing.assert_allclose(np.asarray(h.compute()),
                               matcalc.hessian(LOGREG, "w").to_numpy()(**kw), rtol=1e-12)


def test_array_api_einsum_fallback():
    """A namespace without einsum gets the broadcast-multiply-sum fallback."""
    pytest.importorskip("array_api_compat")
    from types import SimpleNamespace

    from matcalc.codegen.backends import EINSUM
    namespace = {}
    exec(EINSUM, namespace)  # noqa: S102  (our own helper's source)
    xp = SimpleNamespace(permute_dims=np.transpose, sum=np.sum, eye=np.eye)
    rng = np.random.default_rng(0)
    a, b, c = rng.standard_normal((3, 4)), rng.standard_normal((4, 3, 2)), rng.standard_normal((3, 3))
    e = rng.standard_normal((4, 2, 3))
    for spec, args in (("ij,jkl->ikl", (a, b)), ("ij,jki->kj", (a, e)), ("ii->i", (c,)),
                       ("ij,ji->", (a, a.T))):
        np.testing.assert_allclose(namespace["_einsum"](xp, spec, *args),
                                   np.einsum(spec, *args), rtol=1e-12)


def test_unknown_backend_is_refused():
    with pytest.raises(matcalc.MatcalcError, match="backend"):
        matcalc.gradient(LOGREG, "w").source("tensorflow")


# ---------------------------------------------------------------- dtypes and guards

def test_numpy_keeps_float32_and_makes_ints_float64():
    g = matcalc.gradient(LOGREG, "w")
    kw = _logreg()
    out = g.to_numpy()(**{k: v.astype(np.float32) for k, v in kw.items()})
    assert out.dtype == np.float32
    h = matcalc.hessian(LOGREG, "w").to_numpy()(**{k: v.astype(np.float32) for k, v in kw.items()})
    assert h.dtype == np.float32
    ints = g.to_numpy()(X=np.ones((4, 3), dtype=int), y=np.ones(4, dtype=int), w=np.zeros(3, int))
    assert ints.dtype == np.float64


def test_shape_error_names_variable_declared_and_given_shape():
    g = matcalc.gradient(LOGREG, "w")
    fn, kw = g.to_numpy(), _logreg()
    with pytest.raises(matcalc.ShapeError) as err:
        fn(X=kw["X"], y=kw["y"], w=np.ones(4))
    msg = str(err.value)
    assert msg.startswith("w: expected shape (d,) = (3,)") and "d from X.shape[1]" in msg
    assert "got (4,)" in msg
    with pytest.raises(matcalc.ShapeError, match=r"y: expected shape \(n,\) = \(40,\) "
                                                 r"\(n from X.shape\[0\]\), got \(39,\)"):
        fn(X=kw["X"], y=kw["y"][:-1], w=kw["w"])
    with pytest.raises(matcalc.ShapeError, match=r"X: expected an array of shape \(n, d\), "
                                                 r"got shape \(40,\)"):
        fn(X=kw["y"], y=kw["y"], w=kw["w"])


def test_shape_error_of_a_scalar():
    g = matcalc.gradient(r"x \in \mathbb{R}^n, \lambda \in \mathbb{R} \\ f = \lambda x^T x", "x")
    fn = g.to_numpy()
    np.testing.assert_allclose(fn(x=np.ones(3), lambda_=2.0), 4 * np.ones(3))
    with pytest.raises(matcalc.ShapeError, match=r"lambda_: expected a scalar, got shape \(2,\)"):
        fn(x=np.ones(3), lambda_=np.ones(2))


def test_a_backend_without_a_form_is_refused_by_name():
    """erf has no array-API form: the objective's code in that back end is refused."""
    from matcalc import api, ir
    g = matcalc.gradient(r"x \in \mathbb{R}^n \\ f = \mathbf{1}^T \operatorname{erf}(x)", "x")
    p = g.problem
    with pytest.raises(matcalc.MatcalcError, match="erf has no array_api form"):
        api._generate(p, ir.Ref(p.objective, ()), "objective", "", g._accepts, "array_api")


@pytest.mark.parametrize("backend", ["jax", "torch", "array_api"])
def test_shape_errors_in_every_backend(backend):
    lib = _need(backend)
    g = matcalc.gradient(LOGREG, "w")
    kw = {**_logreg(), "w": np.ones(4)}
    if backend == "torch":
        kw = {k: lib.tensor(v) for k, v in kw.items()}
        fn = g.to_torch()
    elif backend == "jax":
        fn = g.to_jax()
    else:
        fn = g.to_array_api()
    with pytest.raises(matcalc.ShapeError, match=r"w: expected shape \(d,\) = \(3,\)"):
        fn(**kw)


def test_cli_code_backend():
    import os
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parent.parent
    r = subprocess.run([sys.executable, "-m", "matcalc", "code", "-", "--wrt", "w", "--backend",
                        "torch"], input=LOGREG, capture_output=True, text=True, cwd=root,
                       timeout=120, env={**os.environ, "PYTHONPATH": str(root)})
    assert r.returncode == 0, r.stderr
    assert "import torch" in r.stdout and "def grad_w(" in r.stdout
    compile(r.stdout, "<cli>", "exec")


def test_several_gradients_in_every_backend():
    g = matcalc.gradient(LOGREG, ["X", "w"])
    kw = _logreg()
    want = g.to_numpy()(**kw)
    for backend in BACKENDS:
        lib = _need(backend)
        if backend == "jax":
            with lib.enable_x64(True):
                got = g.to_jax()(**kw)
        elif backend == "torch":
            got = [t.numpy() for t in g.to_torch()(**{k: lib.tensor(v) for k, v in kw.items()})]
        else:
            got = g.to_array_api()(**kw)
        for a, b in zip(got, want):
            assert numeric.relative_error(np.asarray(a), b) < TOL, backend


def test_jax_jit_with_a_dimension_passed_as_an_int():
    """A dimension no shape determines (N in N+M) is a static argument of the jitted code."""
    jax = pytest.importorskip("jax")
    doc = (r"h \in \mathbb{R}^{N+M} \\ "
           r"f = \sum_{i=1}^{N} \sum_{j=N+1}^{N+M} h_i h_j")
    g = matcalc.gradient(doc, "h")
    assert "N" in g.inputs.values()
    h = np.random.default_rng(0).standard_normal(5)
    want = g.to_numpy()(h=h, N=2)
    with jax.enable_x64(True):
        got = g.to_jax()(h=h, N=2)
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12)


def _derivatives():
    import test_hessian
    import test_jacobian
    return ([pytest.param("jacobian", c[1], c[2], id="J-" + c[0]) for c in test_jacobian.CASES]
            + [pytest.param("hessian", c[1], c[2], id="H-" + c[0]) for c in test_hessian.CASES])


@pytest.mark.parametrize("kind, doc, wrt", _derivatives())
def test_every_jacobian_and_hessian_in_every_backend(kind, doc, wrt):
    r = getattr(matcalc, kind)(doc, wrt)
    kw = numeric.sample_inputs(r.problem, np.random.default_rng(0), None, mode="spd")
    want = numeric.call(r.to_numpy(), kw)
    for backend in BACKENDS:
        got = evaluate(r, backend, kw)
        assert got.shape == want.shape
        assert numeric.relative_error(got, want) < TOL, (backend, r.source(backend))


# ---------------------------------------------------------------- SymPy interop

def _entry_function(name, v):
    """An input of order 3 or more (an `IndexedBase`, e.g. a family of matrices S_m) as a
    SymPy function that is its entry (a float) at integer indices and stays symbolic
    otherwise: a member S[m, k1, k2] is numbers as soon as m is, before SymPy takes its
    inverse or determinant (with the symbols left in, it expands them symbolically)."""
    import sympy as sp

    def eval(cls, *ix):
        if all(i.is_Integer for i in ix):
            return sp.Float(float(v[tuple(int(i) for i in ix)]))
    return type(f"_{name}_entry", (sp.Function,), {"eval": classmethod(eval)})


def _unroll_sums(e, env=None, done=None):
    """`e` with every `Sum` whose limits are integers written out as the sum of its terms,
    the outermost summation first (SymPy's first limit is the innermost), its index a
    number (`env`) in each term, so entries are numbers as they are built: a member of a
    family S[m, .., ..] before SymPy inverts it or takes its determinant (`Sum.doit()`
    evaluates its summand with the index a symbol, and so expands a symbolic inverse),
    and nested sums without `doit`'s symbolic summation (minutes for a^T X^5 b's form).
    An inner sum over the same name rebinds it (`env` is per scope, not `xreplace`). An
    inverse or determinant of a matrix of numbers is computed once (`done`)."""
    import sympy as sp
    env = {} if env is None else env
    done = {} if done is None else done
    if isinstance(e, sp.Symbol):
        return env.get(e, e)
    if isinstance(e, sp.MatrixBase) or not e.args:
        return e                     # an input's values: nothing to put in
    if isinstance(e, sp.Sum):
        *inner, (v, lo, hi) = e.limits
        lo, hi = _unroll_sums(lo, env, done), _unroll_sums(hi, env, done)
        if lo.is_Integer and hi.is_Integer:
            body = sp.Sum(e.function, *inner) if inner else e.function
            return sp.Add(*[_unroll_sums(body, {**env, v: sp.Integer(k)}, done)
                            for k in range(int(lo), int(hi) + 1)])
    out = e.func(*[_unroll_sums(a, env, done) for a in e.args])
    if isinstance(out, (sp.Inverse, sp.Determinant)) and not out.free_symbols \
            and all(sp.sympify(d).is_Integer for d in out.arg.shape):
        if out not in done:
            m = sp.ImmutableMatrix(out.arg.as_explicit())
            done[out] = m.inv() if isinstance(out, sp.Inverse) else m.det()
        return done[out]
    return out


def _sympy_value(r, kw):
    """r.to_sympy() with the inputs' values put in, evaluated entry by entry (floats)."""
    import itertools

    import sympy as sp
    from sympy.core.function import AppliedUndef

    from matcalc.names import python_name
    expr, p, subs, arrays = r.to_sympy(), r.problem, {}, {}
    for s in p.dims:
        if python_name(s.name) in kw and np.ndim(kw[python_name(s.name)]) == 0 \
                and isinstance(kw[python_name(s.name)], int):
            subs[s] = kw[python_name(s.name)]
    for name, var in p.inputs.items():
        key = python_name(name)
        if key not in kw:
            continue
        v = np.asarray(kw[key], float)
        if var.rank == 0:
            subs[sp.Symbol(key)] = float(v)
        elif var.rank <= 2:
            subs[sp.MatrixSymbol(key, *(var.shape + (1,))[:2])] = \
                sp.ImmutableMatrix(v.reshape(v.shape[0], -1))
        else:
            arrays[key] = _entry_function(key, v)
        for k, d in enumerate(var.shape):
            if isinstance(d, sp.Symbol):
                subs[d] = v.shape[k]
    if arrays:
        expr = expr.replace(lambda a: isinstance(a, sp.Indexed) and str(a.base) in arrays,
                            lambda a: arrays[str(a.base)](*a.indices))
    shape = tuple(int(sp.sympify(d).subs(subs)) for d in r.node.shape)
    callables = {k: v for k, v in kw.items() if callable(v)}   # arbitrary functions

    def called(a):
        """An arbitrary function's undefined SymPy function, evaluated by its callable on
        the arguments' numbers (a matrix argument as an array, then the entry's indices)."""
        def number(x):
            if isinstance(x, (sp.MatrixBase, sp.MatrixExpr)):
                m = x.as_explicit()
                return np.array([[value(m[i, j]) for j in range(m.shape[1])]
                                 for i in range(m.shape[0])])
            return value(x)
        matrices = [x for x in a.args if isinstance(x, (sp.MatrixBase, sp.MatrixExpr))]
        k = len(matrices) if matrices else len(a.args)
        arrays_ = [number(x) for x in a.args[:k]]
        index = [int(i) for i in a.args[k:]]
        out = callables[type(a).__name__](*[x.reshape(x.shape[0]) if np.ndim(x) == 2 and
                                              x.shape[1] == 1 else x for x in arrays_])
        return sp.Float(float(np.asarray(out)[tuple(index)] if index else out))

    def value(e):
        """A number: finite sums written out term by term (`_unroll_sums`), inner matrices
        of numeric size written out (a determinant of a FunctionMatrix is not evaluated
        otherwise), then whatever is left done."""
        e = _unroll_sums(e.xreplace(subs)).doit()
        if callables:
            e = e.replace(lambda a: isinstance(a, AppliedUndef) and type(a).__name__ in callables,
                          called)
        e = e.replace(lambda a: isinstance(a, sp.FunctionMatrix) and
                      all(sp.sympify(d).is_Integer for d in a.shape),
                      lambda a: a.as_explicit())
        return float(e.doit().evalf())
    if not shape:
        return value(sp.sympify(expr))
    if len(shape) <= 2:
        m = expr.xreplace(subs)
        return np.array([[value(m[i, j]) for j in range(m.shape[1])]
                         for i in range(m.shape[0])]).reshape(shape)
    out = np.zeros(shape)
    for ix in itertools.product(*map(range, shape)):
        out[ix] = value(expr(*ix))
    return out


SYMPY_CASES = [
    ("hessian", LOGREG, "w", None),
    ("gradient", LOGREG, "w", None),
    ("jacobian", r"x \in \mathbb{R}^n \\ y = \operatorname{softmax}(x)", "x", None),
    ("gradient", r"X \in \mathbb{R}^{n\times n} \\ f = \log\det X", "X", "spd"),
    ("jacobian", r"X \in \mathbb{R}^{n\times n} \\ Y = X^{-1}", "X", "spd"),
    ("gradient", r"A \in \mathbb{R}^{n\times m} \\ f = \sum_i \prod_j A_{ij}", "A", None),
    ("gradient", r"A \in \mathbb{R}^{n\times m}, x \in \mathbb{R}^m \\ "
                 r"f = \operatorname{logsumexp}(Ax)", "A", None),
    ("gradient", r"a \in \mathbb{R}^{nm}, B \in \mathbb{R}^{n\times m} \\ "
                 r"f = \sum_{i=1}^{n}\sum_{j=1}^{m} B_{ij} a_{i,j}^2", "a", None),
    ("gradient", r"h \in \mathbb{R}^{N+M} \\ f = \sum_{i=1}^{N} \sum_{j=N+1}^{N+M} h_i h_j",
     "h", None),
    ("hvp", r"x \in \mathbb{R}^n, \alpha \in \mathbb{R} \\ f = \alpha (\mathbf{1}^T \tanh(x))",
     "x", None),
]


@pytest.mark.parametrize("kind, doc, wrt, mode", SYMPY_CASES,
                         ids=[f"{c[0]}-{k}" for k, c in enumerate(SYMPY_CASES)])
def test_to_sympy_evaluates_to_the_generated_code(kind, doc, wrt, mode):
    r = getattr(matcalc, kind)(doc, wrt)
    kw = numeric.sample_inputs(r.problem, np.random.default_rng(1), None, mode=mode or "normal")
    want = numeric.call(r.to_numpy(), kw)
    assert numeric.relative_error(_sympy_value(r, kw), want) < 1e-12


def test_to_sympy_forms():
    import sympy as sp
    s = matcalc.gradient(LOGREG, "w").to_sympy()
    assert isinstance(s, sp.MatrixExpr) and s.shape[1] == 1
    j = matcalc.jacobian(r"X \in \mathbb{R}^{n\times n} \\ Y = X^{-1}", "X").to_sympy()
    assert isinstance(j, sp.Lambda) and len(j.variables) == 4 and j.has(sp.Inverse)
    several = matcalc.gradient(LOGREG, ["X", "w"]).to_sympy()
    assert len(several) == 2
    # a family of matrices S_m: the inverse of the member S[m, :, :], unexpanded, at the
    # result's first index (the member the entry (m, i, j) belongs to)
    from matcalc.ops.linalg import FAMILY
    fam = matcalc.gradient(FAMILY + r"\\ f = \sum_{m=1}^M a^T S_m^{-1} b", "S").to_sympy()
    assert isinstance(fam, sp.Lambda) and len(fam.variables) == 3
    invs = fam.atoms(sp.Inverse)
    assert invs and all(isinstance(v.arg, sp.FunctionMatrix) and v.arg.is_square
                        and fam.variables[0] in v.arg.free_symbols for v in invs)
    assert fam.count_ops() < 40      # the member's inverse is not written out entry by entry


@pytest.mark.parametrize("ex", _examples())
def test_every_op_example_to_sympy(ex):
    """Registry-driven: every op's example gradient, through SymPy, evaluates to the code's.
    Sizes small and distinct (2, 3, ..: a transposed or swapped axis still shows): SymPy
    evaluates the form term by term, n^k terms for k nested sums (a^T X^{-4} b: minutes at
    n = 5)."""
    g = matcalc.gradient(ex["doc"], wrt=ex["wrt"])
    dims = {s: 2 + k for k, s in enumerate(sorted(numeric.dimension_values(
        g.problem, np.random.default_rng(0)), key=str))}
    kw = numeric.sample_inputs(g.problem, np.random.default_rng(0), g.objective_numpy(),
                               dims=dims)
    assert numeric.relative_error(_sympy_value(g, kw), numeric.call(g.to_numpy(), kw)) < 1e-12


@pytest.mark.parametrize("name", _function_names())
def test_every_function_to_sympy(name):
    f = ops.FUNCTIONS[name]
    g = matcalc.gradient(r"x \in \mathbb{R}^n \\ f = \mathbf{1}^T " + f.fill(f.latex, "x"), "x")
    kw = {"x": _sample(f.domain, np.random.default_rng(0), 3)}
    from sympy.core.function import AppliedUndef
    undefined = {type(u).__name__ for u in g.to_sympy().atoms(AppliedUndef)}
    if undefined:   # only a user's function without a SymPy value stays undefined
        assert f.value is None and undefined == {name}
        return
    assert numeric.relative_error(_sympy_value(g, kw), g.to_numpy()(**kw)) < 1e-12
