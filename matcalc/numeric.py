"""Numeric checking: random inputs for a problem and central finite differences.

Contract: `sample_inputs(problem, rng)` returns keyword arguments for the generated
functions (arrays for inputs, ints for dimensions no shape determines) at which the
objective is finite, trying plain normal entries, then positive entries, then symmetric
positive definite matrices (each member of a family of square matrices, too); an input the
document states symmetric (`Problem.symmetric`) is always symmetric positive definite. A
function the document leaves arbitrary (`ops.opaque`) is a random smooth instance, given
as the callables of it the generated code takes (``f``, ``f_prime``, ``f_grad``).
`on_simplex(rng, shape, axis)` draws an input whose entries sum to 1 along `axis`.
`central_difference(f, kwargs, wrt)` returns the gradient of the scalar function
f(**kwargs) with respect to kwargs[wrt] by central differences (float64).
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from . import ir
from .ops import opaque
from .names import python_name


def dimension_values(problem, rng, low=2, high=5) -> dict:
    """A random value for every dimension symbol, consistent with the shapes."""
    values = {}
    for s in problem.dims:
        values[s] = int(rng.integers(low, high + 1))
    for v in problem.inputs.values():
        for d in v.shape:
            for s in sp.sympify(d).free_symbols:
                values.setdefault(s, int(rng.integers(low, high + 1)))
    for body in problem.defs.values():
        for n in ir.walk(body):
            for d in n.shape:
                for s in sp.sympify(d).free_symbols:
                    values.setdefault(s, int(rng.integers(low, high + 1)))
    values.pop(ir.I0, None)
    # the sizes made up for undeclared arrays (lower.fresh) differ from one another and
    # from every other size drawn, so that a transposed or mis-sized answer cannot pass
    fresh = sorted((s for s in values if isinstance(s, ir.FreshDim)), key=str)
    if fresh:
        others = {v for s, v in values.items() if s not in fresh}
        pool = [v for v in range(low, high + 2 * len(fresh) + len(others) + 1)
                if v not in others]
        for s, v in zip(fresh, rng.permutation(pool)[:len(fresh)]):
            values[s] = int(v)
    return values


def _shape(shape, dims):
    return tuple(int(sp.sympify(d).subs(dims)) for d in shape)


def sample_inputs(problem, rng, fn=None, mode=None, dims=None) -> dict:
    """Random keyword arguments; if `fn` (the scalar objective) is given, retry until
    fn(**kwargs) is finite and well conditioned there (`_steady`), with new dimension
    values on each retry unless `dims` was given (log det(XᵀX) with X of n < m rows is
    finite in floating point at every point: only other sizes serve). Returns the last
    point drawn when none qualifies."""
    given = dims is not None
    dims = dims or dimension_values(problem, rng)
    modes = [mode] if mode else ["normal", "positive", "spd", "unit"]
    last, first = None, True
    functions = opaque.functions_in(problem.defs.values())
    for m in modes:
        for _ in range(3):
            if not (first or given):
                dims = dimension_values(problem, rng)
            first = False
            kwargs = {}
            symmetric = getattr(problem, "symmetric", {})
            for name, var in problem.inputs.items():
                # an input the text says is symmetric (A = A^T, \\mathbb{S}^n_{++}) is drawn
                # symmetric positive definite in every mode: claims may use its symmetry
                kwargs[python_name(name)] = _draw(var.shape, dims, rng,
                                                  "spd" if name in symmetric else m)
            for s, v in dims.items():
                kwargs.setdefault(python_name(s.name), v)
            for spec, kind in functions.items():
                # an arbitrary function of the document: a random instance of it
                kwargs.update(opaque.instance(spec, kind, rng))
            last = kwargs
            if fn is None:
                return kwargs
            try:
                with np.errstate(all="ignore"):
                    val = fn(**_only(fn, kwargs))
                    if np.all(np.isfinite(val)) and _steady(fn, kwargs, val):
                        return kwargs
            except (ValueError, np.linalg.LinAlgError, FloatingPointError):
                continue
    return last


STEADY_STEP = 1e-9     # relative perturbation of every array input
STEADY_TOL = 1e-5      # allowed change of the value, relative to |f| + 1: a condition ~1e4


def on_simplex(rng, shape, axis=0):
    """Entries drawn from the open simplex along `axis`: positive, each vector along it
    summing to 1 (a probability vector; agreement of two analytic formulas at such points
    is agreement on the whole affine set the sum fixes, one-hot labels included). Used by
    `check.Judge.normalised_right` and the chain check of `lower/definitions.py`."""
    draw = rng.uniform(0.2, 1.0, shape)
    return draw / draw.sum(axis=axis, keepdims=True)


def _steady(fn, kwargs, val) -> bool:
    """Whether the scalar fn is well conditioned at kwargs: perturbing every array input
    entry by a relative STEADY_STEP changes the value by at most STEADY_TOL (|f| + 1).
    A point where it changes more is one where floating point, not the formula, decides
    the value (a determinant of a matrix singular by construction, a cancellation): no
    derivative compares there. A non-scalar value is not judged. The perturbation has its
    own fixed generator: the caller's stream of points is not moved by the test."""
    if np.ndim(val) != 0:
        return True
    rng = np.random.default_rng(20261203)
    moved = {k: (v * (1 + STEADY_STEP * rng.standard_normal(np.shape(v)))
                 if isinstance(v, np.ndarray) else v) for k, v in kwargs.items()}
    other = fn(**_only(fn, moved))
    return bool(np.isfinite(other)) and \
        abs(float(other) - float(val)) <= STEADY_TOL * (abs(float(val)) + 1)


def _draw(shape, dims, rng, mode):
    shp = _shape(shape, dims)
    if mode == "normal":
        return rng.standard_normal(shp) if shp else float(rng.standard_normal())
    if mode == "unit":  # inside (-1, 1): arcsin, arccos, log(1 - x)
        return rng.uniform(-0.9, 0.9, shp) if shp else float(rng.uniform(-0.9, 0.9))
    if mode == "positive":
        x = rng.uniform(0.5, 1.5, shp) if shp else float(rng.uniform(0.5, 1.5))
        return x
    if len(shp) >= 2 and shp[-2] == shp[-1]:
        # a square matrix, or a family of them (leading axes): each one SPD
        a = rng.standard_normal(shp)
        return a @ np.swapaxes(a, -1, -2) / shp[-1] + np.eye(shp[-1])
    return rng.uniform(0.5, 1.5, shp) if shp else float(rng.uniform(0.5, 1.5))


def _only(fn, kwargs):
    """The subset of kwargs that fn takes."""
    names = fn.__code__.co_varnames[:fn.__code__.co_argcount + fn.__code__.co_kwonlyargcount]
    return {k: v for k, v in kwargs.items() if k in names}


def call(fn, kwargs):
    return fn(**_only(fn, kwargs))


def central_difference(f, kwargs, wrt, eps=1e-6):
    """∂f/∂kwargs[wrt] by central differences, same shape as kwargs[wrt]."""
    x0 = np.array(kwargs[wrt], dtype=float, order="C")    # reshape(-1) below is a view
    grad = np.zeros_like(x0)
    flat = x0.reshape(-1)
    g = grad.reshape(-1)
    for k in range(flat.size):
        xp, xm = flat.copy(), flat.copy()
        h = eps * max(1.0, abs(flat[k]))
        xp[k] += h
        xm[k] -= h
        fp = call(f, {**kwargs, wrt: xp.reshape(x0.shape) if x0.shape else float(xp[0])})
        fm = call(f, {**kwargs, wrt: xm.reshape(x0.shape) if x0.shape else float(xm[0])})
        g[k] = (float(fp) - float(fm)) / (2 * h)
    return grad if x0.shape else float(grad)


def central_difference_power(f, kwargs, wrt, k, eps=1e-6):
    """∂f/∂v at v = x^k, x = kwargs[wrt] a scalar, by central differences IN v: v is moved
    and x recovered from it (the positive root of an even power where x > 0, the real root
    of an odd one); for an even k at x < 0, the negative root (the result of a gradient wrt
    x^k taken where f is even in x, `powers`)."""
    x = float(kwargs[wrt])
    v = x ** k
    h = eps * max(1.0, abs(v))

    def at(u):
        r = abs(u) ** (1.0 / k)
        return float(-r if (x < 0 and (k % 2 == 0 or u < 0)) else r)
    fp = call(f, {**kwargs, wrt: at(v + h)})
    fm = call(f, {**kwargs, wrt: at(v - h)})
    return (float(fp) - float(fm)) / (2 * h)


def relative_error(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    return float(np.max(np.abs(a - b)) / scale) if a.size else 0.0
