"""Property tests (hypothesis).

1. Random well-shaped matrix expressions. One strategy builds, together, the LaTeX text of an
   expression, an independent NumPy evaluator for it and its shape, over the declared inputs
   A, B in R^{n x n}, C in R^{n x m}, x, y in R^n, u in R^m, alpha in R (n, m symbolic in the
   document, concrete in the numeric check). The objective reduces the expression to a
   scalar. We differentiate with matcalc wrt one input occurring in the expression and compare
   the generated gradient with central differences of OUR evaluator, and the generated
   objective with our evaluator. Nothing from matcalc is used to build the expected values.

2. Parser/API fuzzing: random unicode, random LaTeX-token sequences and random mutations of
   valid documents. `matcalc.gradient` must return a Gradient or raise a MatcalcError --
   never a RecursionError, IndexError, KeyError, TypeError, lark exception, IRError, ...
"""
from __future__ import annotations

import inspect
import math
import os
from dataclasses import dataclass
from typing import Callable

import numpy as np
import pytest
from helpers import check_gradient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import matcalc
from matcalc import MatcalcError

# ------------------------------------------------------------------ expression model

HEADER = (r"A, B \in \mathbb{R}^{n\times n}, C \in \mathbb{R}^{n\times m}, "
          r"x, y \in \mathbb{R}^n, u \in \mathbb{R}^m, \alpha \in \mathbb{R}")

# Precedence, loosest first (DESIGN.md / grammar): + -  |  :  |  \odot \circ \oslash  |
# unary -  |  product  |  postfix (^T, ^2)  |  atom.
ADD, COLON, HAD, NEG, PROD, POST, ATOM = range(1, 8)

# Shapes: () scalar, ("c", d) column vector, ("r", d) row vector, ("M", a, b) matrix;
# d, a, b are the dimension names "n" / "m".
SCALAR = ()
LEAVES = {  # keyword -> (latex, shape)
    "A": ("A", ("M", "n", "n")),
    "B": ("B", ("M", "n", "n")),
    "C": ("C", ("M", "n", "m")),
    "x": ("x", ("c", "n")),
    "y": ("y", ("c", "n")),
    "u": ("u", ("c", "m")),
    "alpha": (r"\alpha", SCALAR),
}
# Constructs left out of the generator because of known engine bugs (none at present;
# the constant-definition bug this once excluded is fixed and kept as a regression test).
EXCLUDED: set = set()
MAXDIM = 4      # largest concrete dimension used; for the magnitude bound below
BOUND = 30.0    # subexpressions whose entries may exceed this are squashed


@dataclass(frozen=True)
class E:
    tex: str
    fn: Callable  # env (dict keyword -> array) -> ndarray / float
    shape: tuple
    prec: int
    vars: frozenset
    mag: float    # a crude upper bound of |entries| for inputs in [-1, 1], dims <= MAXDIM


def transpose_shape(s):
    if s == SCALAR:
        return s
    if s[0] == "c":
        return ("r", s[1])
    if s[0] == "r":
        return ("c", s[1])
    return ("M", s[2], s[1])


def _t(v):
    return v.T if np.ndim(v) == 2 else v


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def softplus(z):
    return np.logaddexp(0.0, z)


def _paren(tex, style):
    return {0: f"({tex})", 1: rf"\left({tex}\right)", 2: rf"\big({tex}\big)"}[style]


@st.composite
def wrap(draw, e: E, level: int) -> str:
    """e's text, parenthesised if it binds looser than `level` (sometimes needlessly)."""
    if e.prec < level or (e.prec < ATOM and draw(st.integers(0, 9)) == 0):
        return _paren(e.tex, draw(st.integers(0, 2)))
    return e.tex


def squash(draw, e: E) -> E:
    """Keep magnitudes moderate so that finite differences are accurate."""
    if e.mag <= BOUND:
        return e
    if draw(st.booleans()):
        return E(rf"\tanh({e.tex})", lambda env, f=e.fn: np.tanh(f(env)), e.shape, ATOM,
                 e.vars, 1.0)
    return E(rf"\sigma({e.tex})", lambda env, f=e.fn: sigmoid(f(env)), e.shape, ATOM,
             e.vars, 1.0)


def leaf_for(draw, shape) -> E:
    """An input (or a simple expression of inputs) of the given shape."""
    if shape == SCALAR:
        if draw(st.booleans()):
            return E(r"\alpha", lambda env: env["alpha"], SCALAR, ATOM, frozenset({"alpha"}), 1.0)
        return _reduce_leaf(draw)
    kind = shape[0]
    if kind == "c":
        names = ["x", "y"] if shape[1] == "n" else ["u"]
        k = draw(st.sampled_from(names))
        return E(k, lambda env, k=k: env[k], shape, ATOM, frozenset({k}), 1.0)
    if kind == "r":
        c = leaf_for(draw, ("c", shape[1]))
        tt = draw(st.sampled_from(["^T", r"^\top", r"^{\mathsf T}"]))
        return E(c.tex + tt, c.fn, shape, POST, c.vars, 1.0)
    _, a, b = shape
    if (a, b) == ("n", "n"):
        k = draw(st.sampled_from(["A", "B"]))
        return E(k, lambda env, k=k: env[k], shape, ATOM, frozenset({k}), 1.0)
    if (a, b) == ("n", "m"):
        return E("C", lambda env: env["C"], shape, ATOM, frozenset({"C"}), 1.0)
    if (a, b) == ("m", "n"):
        return E("C^T", lambda env: env["C"].T, shape, POST, frozenset({"C"}), 1.0)
    # m x m
    if "diag" in EXCLUDED:
        return E(r"C^T C", lambda env: env["C"].T @ env["C"], shape, PROD, frozenset({"C"}),
                 MAXDIM)
    return E(r"\operatorname{Diag}(u)", lambda env: np.diag(env["u"]), shape, ATOM,
             frozenset({"u"}), 1.0)


def _reduce_leaf(draw):
    k = draw(st.sampled_from(["x", "y"]))
    return E(rf"{k}^T A {k}", lambda env, k=k: env[k] @ env["A"] @ env[k], SCALAR, PROD,
             frozenset({k, "A"}), MAXDIM ** 2)


def product(draw, l: E, r: E, shape) -> E:
    """l r (juxtaposition, \\cdot or *)."""
    op = draw(st.sampled_from([" ", " ", " ", r" \cdot ", " * "]))
    # A scalar that is itself a product (x^T A x) is parenthesised when it scales a vector or
    # matrix: in `x^T A x (C^T)` the grammar reads `x (C^T)` first (a name directly followed
    # by "(" binds tighter), which is a documented reading, not what we mean.
    mixed = (l.shape == SCALAR) != (r.shape == SCALAR)
    lt = draw(wrap(l, POST if mixed else PROD))
    rt = draw(wrap(r, POST))
    if op == " " and rt[0].isdigit():
        op = r" \cdot "
    if op == " " and r.prec == POST and rt.startswith(("(", r"\left(", r"\big(")):
        # `A (x^T)^T` reads as the Apply `(A(x^T))^T` (a name directly followed by "(" binds
        # first, as in f(x)^2) -- the grammar's documented reading, not the one we mean.
        op = r" \cdot "
    if op == " " and rt.startswith(("(", r"\left(", r"\big(")) and lt.startswith(r"\tanh ") \
            and lt[len(r"\tanh "):].isalpha():
        # `\tanh x (u^T)` reads as \tanh(x(u^T)) (x followed by "(" is an Apply): the
        # grammar's documented reading, not the (\tanh x)(u^T) we mean.
        op = r" \cdot "

    def fn(env, lf=l.fn, rf=r.fn, ls=l.shape, rs=r.shape):
        a, b = lf(env), rf(env)
        if ls == SCALAR or rs == SCALAR:
            return a * b
        if ls[0] == "c" and rs[0] == "r":
            return np.outer(a, b)
        return a @ b
    inner = 1 if (l.shape == SCALAR or r.shape == SCALAR or
                  (l.shape[0] == "c" and r.shape[0] == "r")) else MAXDIM
    return E(f"{lt}{op}{rt}", fn, shape, PROD, l.vars | r.vars, l.mag * r.mag * inner)


@st.composite
def expr(draw, shape, depth):
    if depth <= 0 or draw(st.integers(0, 5)) == 5:
        return leaf_for(draw, shape)
    sub = lambda s: expr(s, depth - 1)  # noqa: E731
    dim = st.sampled_from(["n", "m"])
    choices = ["add", "smul", "neg", "fn", "transpose", "prod", "prod", "prod"]
    if shape != SCALAR:
        choices += ["had", "oslash"]
    else:
        choices += ["trace", "colon", "norm", "ones", "power", "logexp", "frob", "prod"]
    if shape and shape[0] == "M" and shape[1] == shape[2] and "diag" not in EXCLUDED:
        choices += ["diag"]
    kind = draw(st.sampled_from(choices))

    if kind == "add":
        l, r = draw(sub(shape)), draw(sub(shape))
        op = draw(st.sampled_from(["+", "-"]))
        lt, rt = draw(wrap(l, ADD)), draw(wrap(r, COLON))
        sign = 1.0 if op == "+" else -1.0
        e = E(f"{lt} {op} {rt}", lambda env, a=l.fn, b=r.fn, s=sign: a(env) + s * b(env),
              shape, ADD, l.vars | r.vars, l.mag + r.mag)
    elif kind == "smul":
        body = draw(sub(shape))
        if draw(st.booleans()):
            c = draw(st.sampled_from([2, 3, 0.5, 0.25]))
            bt = draw(wrap(body, POST))
            sep = r" \cdot " if bt[0].isdigit() or draw(st.booleans()) else " "
            e = E(f"{c}{sep}{bt}", lambda env, f=body.fn, c=c: c * f(env), shape, PROD,
                  body.vars, abs(c) * body.mag)
        else:
            s = draw(sub(SCALAR))
            e = product(draw, s, body, shape)
    elif kind == "neg":
        body = draw(sub(shape))
        e = E("-" + draw(wrap(body, NEG)), lambda env, f=body.fn: -f(env), shape, NEG,
              body.vars, body.mag)
    elif kind == "fn":
        body = draw(sub(shape))
        # exp of a square matrix is two readings, entrywise or the matrix exponential
        # (test_matrix_functions.py): not drawn there
        square = len(shape) == 3 and shape[1] == shape[2]
        name = draw(st.sampled_from((["exp"] if not square else []) +
                                    ["tanh", "sigma", "softplus", "logsig"]))
        if name == "exp":
            if body.mag > 4:
                body = E(rf"\tanh({body.tex})", lambda env, f=body.fn: np.tanh(f(env)),
                         shape, ATOM, body.vars, 1.0)
            e = E(rf"\exp({body.tex})", lambda env, f=body.fn: np.exp(f(env)), shape, ATOM,
                  body.vars, math.exp(body.mag))
        elif name == "tanh":
            if body.prec == ATOM and body.tex.isalpha() and draw(st.booleans()):
                tex = rf"\tanh {body.tex}"   # \tanh x, no parentheses
                prec = POST
            else:
                tex, prec = rf"\tanh({body.tex})", ATOM
            e = E(tex, lambda env, f=body.fn: np.tanh(f(env)), shape, prec, body.vars, 1.0)
        elif name == "sigma":
            e = E(rf"\sigma({body.tex})", lambda env, f=body.fn: sigmoid(f(env)), shape, ATOM,
                  body.vars, 1.0)
        elif name == "softplus":
            e = E(rf"\operatorname{{softplus}}({body.tex})",
                  lambda env, f=body.fn: softplus(f(env)), shape, ATOM, body.vars,
                  body.mag + 1.0)
        else:  # log of something positive
            e = E(rf"\log(\sigma({body.tex}))",
                  lambda env, f=body.fn: np.log(sigmoid(f(env))), shape, ATOM, body.vars,
                  body.mag + 1.0)
    elif kind == "transpose":
        body = draw(sub(transpose_shape(shape)))
        tt = draw(st.sampled_from(["^T", r"^\top", r"^{\mathsf T}", "^{T}"]))
        e = E(draw(wrap(body, ATOM)) + tt, lambda env, f=body.fn: _t(f(env)), shape, POST,
              body.vars, body.mag)
    elif kind == "had":
        l, r = draw(sub(shape)), draw(sub(shape))
        op = draw(st.sampled_from([r"\odot", r"\circ"]))
        e = E(f"{draw(wrap(l, HAD))} {op} {draw(wrap(r, NEG))}",
              lambda env, a=l.fn, b=r.fn: a(env) * b(env), shape, HAD, l.vars | r.vars,
              l.mag * r.mag)
    elif kind == "oslash":
        l, d = draw(sub(shape)), draw(sub(shape))
        if d.mag > 4 or (len(shape) == 3 and shape[1] == shape[2]):
            # (of a square matrix, exp of a tanh: entrywise, not the matrix exponential)
            d = E(rf"\tanh({d.tex})", lambda env, f=d.fn: np.tanh(f(env)), shape, ATOM,
                  d.vars, 1.0)
        e = E(rf"{draw(wrap(l, HAD))} \oslash \exp({d.tex})",
              lambda env, a=l.fn, b=d.fn: a(env) / np.exp(b(env)), shape, HAD,
              l.vars | d.vars, l.mag * math.exp(d.mag))
    elif kind == "diag":
        v = draw(sub(("c", shape[1])))
        name = draw(st.sampled_from([r"\operatorname{Diag}", r"\operatorname{diag}"]))
        e = E(rf"{name}({v.tex})", lambda env, f=v.fn: np.diag(f(env)), shape, ATOM, v.vars,
              v.mag)
    elif kind == "prod":
        if shape == SCALAR:
            k = draw(dim)
            if draw(st.booleans()):   # row col
                l, r = draw(sub(("r", k))), draw(sub(("c", k)))
                e = product(draw, l, r, shape)
            else:                     # row mat col  (x^T M y)
                k2 = draw(dim)
                l, mid, r = draw(sub(("r", k))), draw(sub(("M", k, k2))), draw(sub(("c", k2)))
                e = product(draw, product(draw, l, mid, ("r", k2)), r, shape)
        elif shape[0] == "c":
            k = draw(dim)
            e = product(draw, draw(sub(("M", shape[1], k))), draw(sub(("c", k))), shape)
        elif shape[0] == "r":
            k = draw(dim)
            e = product(draw, draw(sub(("r", k))), draw(sub(("M", k, shape[1]))), shape)
        else:
            _, a, b = shape
            if draw(st.integers(0, 3)) == 0:   # outer product
                e = product(draw, draw(sub(("c", a))), draw(sub(("r", b))), shape)
            else:
                k = draw(dim)
                e = product(draw, draw(sub(("M", a, k))), draw(sub(("M", k, b))), shape)
    elif kind == "trace":
        k = draw(dim)
        m = draw(sub(("M", k, k)))
        name = draw(st.sampled_from([r"\operatorname{Tr}", r"\mathrm{tr}"]))
        e = E(rf"{name}({m.tex})", lambda env, f=m.fn: np.trace(f(env)), SCALAR, ATOM,
              m.vars, MAXDIM * m.mag)
    elif kind == "colon":
        s = draw(st.sampled_from([("M", "n", "n"), ("M", "n", "m"), ("M", "m", "n"),
                                  ("c", "n"), ("c", "m")]))
        l, r = draw(sub(s)), draw(sub(s))
        e = E(f"{draw(wrap(l, COLON))} : {draw(wrap(r, HAD))}",
              lambda env, a=l.fn, b=r.fn: float(np.sum(a(env) * b(env))), SCALAR, COLON,
              l.vars | r.vars, MAXDIM ** 2 * l.mag * r.mag)
    elif kind == "norm":
        v = draw(sub(("c", draw(dim))))
        sq = draw(st.sampled_from(["^2", "^{2}", "_2^2"]))
        e = E(rf"\|{v.tex}\|{sq}", lambda env, f=v.fn: float(np.sum(f(env) ** 2)), SCALAR,
              POST, v.vars, MAXDIM * v.mag ** 2)
    elif kind == "frob":
        s = draw(st.sampled_from([("M", "n", "n"), ("M", "n", "m")]))
        v = draw(sub(s))
        e = E(rf"\|{v.tex}\|_F^2", lambda env, f=v.fn: float(np.sum(f(env) ** 2)), SCALAR,
              POST, v.vars, MAXDIM ** 2 * v.mag ** 2)
    elif kind == "ones":
        v = draw(sub(("c", draw(dim))))
        e = E(rf"\mathbf{{1}}^T {draw(wrap(v, POST))}",
              lambda env, f=v.fn: float(np.sum(f(env))), SCALAR, PROD, v.vars,
              MAXDIM * v.mag)
    elif kind == "power":
        s = draw(sub(SCALAR))
        if s.mag > 4:
            s = E(rf"\tanh({s.tex})", lambda env, f=s.fn: np.tanh(f(env)), SCALAR, ATOM,
                  s.vars, 1.0)
        p = draw(st.sampled_from([2, 3]))
        pt = draw(st.sampled_from([f"^{p}", f"^{{{p}}}"]))
        e = E(draw(wrap(s, ATOM)) + pt, lambda env, f=s.fn, p=p: f(env) ** p, SCALAR, POST,
              s.vars, s.mag ** p)
    else:  # logexp: log(1 + exp(s))
        s = draw(sub(SCALAR))
        if s.mag > 30:
            s = E(rf"\tanh({s.tex})", lambda env, f=s.fn: np.tanh(f(env)), SCALAR, ATOM,
                  s.vars, 1.0)
        e = E(rf"\log(1 + \exp({s.tex}))", lambda env, f=s.fn: np.logaddexp(0.0, f(env)),
              SCALAR, ATOM, s.vars, s.mag + 1.0)
    assert e.shape == shape, (kind, e.shape, shape)
    return squash(draw, e)


VEC = {"n": ["x", "y"], "m": ["u"]}


def vec_leaf(k):
    return E(k, lambda env, k=k: env[k], ("c", LEAVES[k][1][1]), ATOM, frozenset({k}), 1.0)


@st.composite
def objective(draw):
    """(latex of the scalar objective, evaluator) built from a random expression."""
    shape = draw(st.sampled_from([SCALAR, ("c", "n"), ("c", "m"), ("M", "n", "n"),
                                  ("M", "n", "m"), ("M", "m", "n")]))
    e = draw(expr(shape, draw(st.integers(1, 4))))
    if shape == SCALAR:
        return e
    if draw(st.integers(0, 3)) == 0 and not ("const-def" in EXCLUDED and _is_constant(e)):
        # a chain of definitions: h = <e> on its own line, the objective reduces h
        name = draw(st.sampled_from(["h", "g", "H", "z"]))
        defn = f"{name} = {e.tex}\n"
        e = E(name, e.fn, e.shape, ATOM, e.vars, e.mag)
        r = draw(_reduce(e, shape))
        return E(defn + "f = " + r.tex, r.fn, SCALAR, r.prec, r.vars, r.mag)
    return draw(_reduce(e, shape))


def _is_constant(e: E) -> bool:
    """Does e evaluate to the same values at two different random inputs?"""
    with np.errstate(all="ignore"):
        a, b = e.fn(inputs(0, 3, 2)), e.fn(inputs(1, 3, 2))
    return bool(np.allclose(a, b, rtol=1e-12, atol=1e-12))


@st.composite
def _reduce(draw, e, shape):
    """A scalar objective from e of the given (non-scalar) shape."""
    if shape[0] == "c":
        how = draw(st.sampled_from(["dot", "ones", "norm"]))
        if how == "dot":
            v = vec_leaf(draw(st.sampled_from(VEC[shape[1]])))
            v = E(v.tex + "^T", v.fn, ("r", shape[1]), POST, v.vars, 1.0)
            return product(draw, v, e, SCALAR)
        if how == "ones":
            return E(rf"\mathbf{{1}}^T {draw(wrap(e, POST))}",
                     lambda env, f=e.fn: float(np.sum(f(env))), SCALAR, PROD, e.vars, 0)
        return E(rf"\|{e.tex}\|^2", lambda env, f=e.fn: float(np.sum(f(env) ** 2)), SCALAR,
                 POST, e.vars, 0)
    _, a, b = shape
    how = draw(st.sampled_from(["bilinear", "trace", "colon", "frob"] if a == b else
                               ["bilinear", "colon", "frob"]))
    if how == "bilinear":
        l = vec_leaf(draw(st.sampled_from(VEC[a])))
        l = E(l.tex + "^T", l.fn, ("r", a), POST, l.vars, 1.0)
        r = vec_leaf(draw(st.sampled_from(VEC[b])))
        return product(draw, product(draw, l, e, ("r", b)), r, SCALAR)
    if how == "trace":
        return E(rf"\operatorname{{Tr}}({e.tex})", lambda env, f=e.fn: float(np.trace(f(env))),
                 SCALAR, ATOM, e.vars, 0)
    if how == "colon":
        other = leaf_for(draw, shape)
        return E(f"{draw(wrap(e, COLON))} : {other.tex}",
                 lambda env, f=e.fn, g=other.fn: float(np.sum(f(env) * g(env))), SCALAR,
                 COLON, e.vars | other.vars, 0)
    return E(rf"\|{e.tex}\|_F^2", lambda env, f=e.fn: float(np.sum(f(env) ** 2)), SCALAR,
             POST, e.vars, 0)


def _objective_lines(obj):
    """The document lines for an objective: `f = ...`, after any definitions it carries."""
    if "\n" in obj.tex:
        return obj.tex
    return f"f = {obj.tex}"


# ------------------------------------------------------------------ numeric helpers

def _call(fn, env):
    """Call a generated function with only the keyword arguments it takes."""
    params = inspect.signature(fn).parameters
    return fn(**{k: v for k, v in env.items() if k in params})


def central_difference(f, env, key, h=1e-4):
    """Fourth-order central differences of the scalar f(env) wrt env[key]."""
    x0 = np.array(env[key], dtype=float)
    flat = x0.reshape(-1)
    out = np.zeros(flat.size)
    for i in range(flat.size):
        vals = []
        for step in (2, 1, -1, -2):
            xs = flat.copy()
            xs[i] += step * h
            v = xs.reshape(x0.shape) if x0.shape else float(xs[0])
            vals.append(float(f({**env, key: v})))
        out[i] = (-vals[0] + 8 * vals[1] - 8 * vals[2] + vals[3]) / (12 * h)
    return out.reshape(x0.shape) if x0.shape else float(out[0])


def inputs(seed, n, m):
    rng = np.random.default_rng(seed)
    return {"A": rng.uniform(-1, 1, (n, n)), "B": rng.uniform(-1, 1, (n, n)),
            "C": rng.uniform(-1, 1, (n, m)), "x": rng.uniform(-1, 1, n),
            "y": rng.uniform(-1, 1, n), "u": rng.uniform(-1, 1, m),
            "alpha": float(rng.uniform(-1, 1)), "n": n, "m": m}


# ------------------------------------------------------------------ 1. gradient properties

# MATCALC_PROPERTY_EXAMPLES scales every example count (e.g. 10 for a long local hunt).
SCALE = float(os.environ.get("MATCALC_PROPERTY_EXAMPLES", "1"))


@settings(max_examples=int(300 * SCALE), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(obj=objective(), data=st.data(),
       dims=st.sampled_from([(2, 3), (3, 2), (3, 1), (4, 2), (2, 4), (3, 4)]),
       seed=st.integers(0, 2**32 - 1))
def test_random_expression_gradient(obj, data, dims, seed):
    n, m = dims
    doc = f"{HEADER}\n{_objective_lines(obj)}"
    key = data.draw(st.sampled_from(sorted(obj.vars)), label="wrt")
    latex_wrt = LEAVES[key][0]
    wrt = data.draw(st.sampled_from([key, latex_wrt]), label="wrt spelling")
    env = inputs(seed, n, m)
    with np.errstate(all="ignore"):
        ours = float(obj.fn(env))
    assume(np.isfinite(ours) and abs(ours) < 1e6)

    g = matcalc.gradient(doc, wrt=wrt)
    assert set(g.inputs.values()) <= set(env), g.inputs
    grad_fn, obj_fn = g.to_numpy(), g.objective_numpy()
    got = np.asarray(_call(grad_fn, env), dtype=float)
    want = central_difference(lambda e: obj.fn(e), env, key)
    assert got.shape == np.shape(want), (doc, key, got.shape, np.shape(want))
    scale = max(1.0, float(np.max(np.abs(want))))
    err = float(np.max(np.abs(got - want))) / scale
    assert err < 1e-6, (f"gradient wrt {key} off by {err:.3g}\n{doc}\n"
                        f"matcalc: {g.text()}\ngot  {got}\nwant {want}")
    theirs = float(_call(obj_fn, env))
    assert math.isclose(theirs, ours, rel_tol=1e-9, abs_tol=1e-10), (doc, theirs, ours)


# ------------------------------------------------------------------ 2. parser/API fuzzing

TOKENS = [r"\frac", "{", "}", "(", ")", "[", "]", "^", "_", r"\sum", r"\prod", "x", "y",
          "A", "W", r"\|", "|", "&", r"\\", "=", ":=", r"\in", r"\mathbb{R}", "^T", r"\odot",
          ":", "+", "-", "1", "2", r"\alpha", r"\sigma", r"\exp", r"\log", r"\begin{align}",
          r"\end{align}", "$", r"\def", r"\o", " ", "\n", ",", "n", "i", "j", "_i", "_{ij}",
          r"\operatorname{Tr}", r"\mathbf{1}", r"\top", r"\left(", r"\right)", r"\cdot"]
WRTS = ["x", "A", "W", "y", r"\alpha", "alpha", "f", "zz"]

VALID_DOCS = [
    "A \\in \\mathbb{R}^{n\\times n}, x \\in \\mathbb{R}^n\nf = x^T A x",
    "W \\in \\mathbb{R}^{n \\times d}, x \\in \\mathbb{R}^d, y \\in \\mathbb{R}\n"
    "f = \\log(1 + \\exp(-y \\mathbf{1}^T \\sigma(W x)))",
    "$x \\in \\mathbb{R}^n$ and $A \\in \\mathbb{R}^{n\\times n}$: "
    "$$f = \\sum_{i=1}^{n} \\sum_j A_{ij} x_i x_j$$",
    "\\begin{align} A, W &\\in \\mathbb{R}^{n\\times n} \\\\ h &= \\tanh(W A) \\\\ "
    "f &= \\operatorname{Tr}(h^T h) \\end{align}",
    "\\def\\o{\\mathbf{1}}\nx, y \\in \\mathbb{R}^n, \\alpha \\in \\mathbb{R}\n"
    "g = x \\odot y \\oslash \\exp(x)\nf = \\alpha \\o^T g + \\|x\\|^2",
    HEADER + "\nf = (A B : C C^T) + u^T C^T \\operatorname{Diag}(x) y",
]


def _check_total(text, wrt):
    try:
        res = matcalc.gradient(text, wrt=wrt)
    except MatcalcError:
        return None
    assert isinstance(res, matcalc.Gradient)
    return res


FUZZ = settings(max_examples=int(150 * SCALE), deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


@FUZZ
@given(text=st.text(max_size=80), wrt=st.sampled_from(WRTS))
def test_fuzz_unicode(text, wrt):
    _check_total(text, wrt)


@FUZZ
@given(parts=st.lists(st.sampled_from(TOKENS), max_size=40), wrt=st.sampled_from(WRTS),
       sep=st.sampled_from(["", " "]))
def test_fuzz_latex_tokens(parts, wrt, sep):
    _check_total(sep.join(parts), wrt)


@st.composite
def mutated(draw):
    if draw(st.booleans()):
        text = draw(st.sampled_from(VALID_DOCS))
    else:
        text = f"{HEADER}\n{_objective_lines(draw(objective()))}"
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(text)))
        op = draw(st.sampled_from(["delete", "insert", "duplicate"]))
        if op == "delete" and i < len(text):
            text = text[:i] + text[i + 1:]
        elif op == "duplicate" and i < len(text):
            text = text[:i] + text[i] + text[i:]
        else:
            c = draw(st.one_of(st.sampled_from(list("{}()[]^_\\|&$=:+-,T 1\n")),
                               st.characters()))
            text = text[:i] + c + text[i:]
    return text


@FUZZ
@given(text=mutated(), wrt=st.sampled_from(["x", "A", "W", "y", "u", "C", r"\alpha"]))
def test_fuzz_mutated_documents(text, wrt):
    _check_total(text, wrt)


# ------------------------------------------------------------------ cases the generator found

D = r"\operatorname{Diag}"
SMALL = r"x, y \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n}"


@pytest.mark.parametrize("body, wrt, f", [
    # Found by the generator at 1d88fdd (fixed since): NumPy codegen of contractions that read
    # the diagonal of Diag(x) -- wrong shape (n, n) gradients, a vector objective, or
    # "repeated axis in transpose" at call time.
    (rf"\operatorname{{Tr}}({D}(x))", "x", lambda e: np.sum(e["x"])),
    (rf"{D}(x) : {D}(y)", "x", lambda e: e["x"] @ e["y"]),
    (rf"\|{D}(x)\|_F^2", "x", lambda e: e["x"] @ e["x"]),
    (rf"\operatorname{{Tr}}({D}(x) A {D}(y))", "x",
     lambda e: np.trace(np.diag(e["x"]) @ e["A"] @ np.diag(e["y"]))),
    (rf"\operatorname{{Tr}}({D}(x) \odot A)", "x", lambda e: e["x"] @ np.diag(e["A"])),
    (rf"\operatorname{{Tr}}({D}(x) \odot A)", "A", lambda e: e["x"] @ np.diag(e["A"])),
    # Seen while the engine was being edited (working tree between 1d88fdd and b8e9eeb).
    # (\exp(A) there: of a square A it is now two readings, test_matrix_functions.py)
    (r"\operatorname{Tr}(\exp(A \odot A))", "A", lambda e: np.trace(np.exp(e["A"] ** 2))),
    (r"\operatorname{Tr}((x^T A x) A)", "A",
     lambda e: (e["x"] @ e["A"] @ e["x"]) * np.trace(e["A"])),
])
def test_found_cases(body, wrt, f):
    g = matcalc.gradient(f"{SMALL}\nf = {body}", wrt=wrt)
    rng = np.random.default_rng(1)
    n = 3
    env = {"x": rng.uniform(-1, 1, n), "y": rng.uniform(-1, 1, n),
           "A": rng.uniform(-1, 1, (n, n)), "n": n}
    got = np.asarray(_call(g.to_numpy(), env), dtype=float)
    want = central_difference(f, env, wrt)
    assert got.shape == want.shape
    assert np.max(np.abs(got - want)) / max(1.0, np.max(np.abs(want))) < 1e-6
    assert math.isclose(float(_call(g.objective_numpy(), env)), float(f(env)), rel_tol=1e-9,
                        abs_tol=1e-12)


@pytest.mark.parametrize("body", [r"h = \exp(0 x)" "\n" r"f = h^T h",
                                  r"h = \exp(x - x)" "\n" r"f = \mathbf{1}^T h"])
def test_constant_vector_definition_objective(body):
    g = matcalc.gradient(r"x \in \mathbb{R}^n" "\n" + body, wrt="x")
    n = 3
    val = float(_call(g.objective_numpy(), {"x": np.full(n, 0.2), "n": n}))
    assert val == pytest.approx(n)


@pytest.mark.parametrize("body, f", [
    # grouping parentheses: the postfix applies to the whole group (found in a CI run)
    (r"h = (x (u^T))^T" "\n" r"f = h : C^T", lambda x, u, C: float(np.sum(np.outer(u, x) * C.T))),
    (r"h = (x (2 (u^T + u^T)))^T" "\n" r"f = h : C^T",
     lambda x, u, C: float(np.sum(4 * np.outer(u, x) * C.T))),
    # a name before a parenthesised power: a (b)^2 is a b^2; (a (b))^2 is (a b)^2
    (r"f = \alpha (\mathbf{1}^T x)^2",
     lambda alpha, x: alpha * float(np.sum(x)) ** 2),
    (r"f = (\alpha (\mathbf{1}^T x))^2", lambda alpha, x: (alpha * float(np.sum(x))) ** 2),
])
def test_postfix_after_a_parenthesised_argument(body, f):
    doc = r"x \in \mathbb{R}^n, u \in \mathbb{R}^m, C \in \mathbb{R}^{n\times m}, \alpha \in \mathbb{R}" + "\n" + body
    for wrt in ("x", "C" if "C" in body else r"\alpha"):
        check_gradient(doc, wrt, f=f)
