"""Shared numeric assertions for the test suite.

`check_gradient(doc, wrt, f=None, ...)` derives the gradient with matcalc, runs the
generated NumPy code at random float64 inputs, and compares it with central finite
differences of an objective: `f` (an independent hand-written NumPy function taking the
same keyword arguments) when given, else the objective code matcalc generates. It also
checks the generated objective against `f` when both exist, and (unless
nontrivial=False) that the gradient is not ~0 at the test point. `kwargs` fixes the
inputs instead of sampling them. Returns the Gradient.

`ir_value(node, inputs, kw)` evaluates an IR node by generated code (`inputs`: keyword ->
the Var it names; `kw`: the arrays, and each dimension symbol's value by its name).
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError, codegen, ir, numeric

RTOL = 1e-6


def check_gradient(doc, wrt, f=None, objective=None, seed=0, trials=2, mode=None,
                   dims=None, kwargs=None, nontrivial=True):
    g = matcalc.gradient(doc, wrt, objective=objective)
    grad = g.to_numpy()
    obj = g.objective_numpy()
    rng = np.random.default_rng(seed)
    key = g.inputs.get(wrt, None) or matcalc.names.python_name(g.wrt)
    for _ in range(trials):
        if kwargs is None:
            dvals = None
            if dims is not None:
                dvals = {s: dims[s.name] for s in numeric.dimension_values(g.problem, rng)
                         if s.name in dims}
                dvals = {**numeric.dimension_values(g.problem, rng), **dvals}
            kw = numeric.sample_inputs(g.problem, rng, obj, mode=mode, dims=dvals)
        else:
            kw = kwargs
        with np.errstate(all="raise", under="ignore"):
            got = numeric.call(grad, kw)
        target = f if f is not None else obj
        want = numeric.central_difference(target, kw, key) if g.power is None else \
            numeric.central_difference_power(target, kw, key, g.power.k)   # wrt \sigma^2
        assert np.shape(got) == np.shape(want), (np.shape(got), np.shape(want))
        if nontrivial:
            # a check at a point where the gradient vanishes proves nothing
            assert np.max(np.abs(want)) > 1e-6, f"gradient wrt {wrt} is ~0 at the test point"
        err = numeric.relative_error(got, want)
        assert err < RTOL, f"gradient wrt {wrt} off by {err:.3g}:\n{g.text()}\n{g.numpy_source()}"
        if f is not None:
            a, b = numeric.call(obj, kw), numeric.call(f, kw)
            assert np.allclose(a, b, rtol=1e-9, atol=1e-12), (a, b)
    return g


def central(f, x, eps=1e-6):
    """Central differences of the scalar function f of one array x: an array of x's shape."""
    x = np.asarray(x, dtype=float)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


def jacobian_fd(F, kwargs, wrt, eps=1e-6):
    """Central differences of the array function F (called with the keyword arguments
    kwargs) with respect to the argument wrt: an array of shape(F) + shape(x), entry
    [a..., b...] = ∂F_a/∂x_b. A Hessian is jacobian_fd of the gradient function."""
    x0 = np.array(kwargs[wrt], dtype=float, order="C")
    f0 = np.asarray(numeric.call(F, kwargs), dtype=float)
    out = np.zeros(f0.shape + x0.shape)
    flat = x0.reshape(-1)
    cols = out.reshape(f0.shape + (flat.size,))
    for k in range(flat.size):
        xp, xm = flat.copy(), flat.copy()
        h = eps * max(1.0, abs(flat[k]))
        xp[k] += h
        xm[k] -= h
        fp = numeric.call(F, {**kwargs, wrt: xp.reshape(x0.shape)})
        fm = numeric.call(F, {**kwargs, wrt: xm.reshape(x0.shape)})
        cols[..., k] = (np.asarray(fp) - np.asarray(fm)) / (2 * h)
    return out


def refused(doc, wrt, *pieces, objective=None):
    """The document is refused with a located error whose message holds every piece."""
    with pytest.raises(MatcalcError) as info:
        matcalc.gradient(doc, wrt, objective=objective)
    e = info.value
    assert getattr(e, "line", None) is not None and getattr(e, "column", None) is not None, \
        f"refused without a place: {e}"
    for p in pieces:
        assert p in str(e), f"{p!r} not in: {e}"
    return e


def reads_back_both_ways(doc, wrt, printed, old, new):
    """The printed gradient `printed` reads back as a right claim, and the same text with
    one edit (the first `old` replaced by `new`) as a wrong one: the round trip is a test
    of meaning, not only of parsing."""
    assert matcalc.check(doc, wrt, claim=printed).ok, printed
    assert old in printed, printed
    wrong = printed.replace(old, new, 1)
    assert not matcalc.check(doc, wrt, claim=wrong).ok, wrong


def ir_value(node, inputs, kw):
    """The IR `node` evaluated by the NumPy code matcalc generates for it, at the arrays
    `kw` (keyword -> array, and dimension name -> int) of the Vars in `inputs`."""
    import inspect
    from matcalc.problem import Problem
    dims = {s for v in inputs.values() for d in v.shape for s in ir.dim_expr(d).free_symbols}
    p = Problem(dict(inputs), {"v": node}, ["v"], "v", {k: k for k in inputs}, dims)
    fn = codegen.compile_module(codegen.generate(p, ir.Ref("v", node.shape), "val"), "val")
    params = inspect.signature(fn).parameters
    return fn(**{k: v for k, v in kw.items() if k in params})
