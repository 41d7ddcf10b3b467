"""The built-in elementwise functions: one block each, every fact of the function in it.

A block is one `Function(...)` call (see `registry.Function` for the fields). To add a
function, add a block here; the reader, the differentiator, the simplifier, the printers,
the code generator and the registry-driven tests pick it up from the registry.
"""
from __future__ import annotations

import sympy as sp

from .. import ir
from ..ir import Add, Const, Contract, Map, Pow, add, const, fmap, mul, ones, pow_
from ..rules import Rule
from .registry import Function, function


def one_minus(x):
    return add([ones(x.shape), x], [1, -1])


def one_plus(x):
    return add([ones(x.shape), x], [1, 1])


def _is_fn(node, name) -> bool:
    return isinstance(node, Map) and node.fn == name


def _plus_one(node):
    """u if node is 1 + u (ones of any shape, coefficients 1), else None."""
    if isinstance(node, Add) and len(node.terms) == 2 and tuple(node.coeffs) == (1, 1):
        c, u = node.terms
        if isinstance(c, Const) and c.value == 1:
            return u
    return None


# ------------------------------------------------------------------ exp and log

def _exp_of_log(node):
    return node.arg.arg if _is_fn(node, "exp") and _is_fn(node.arg, "log") else None


EXP = function(Function(
    "exp", lambda x, fx: fx,
    r"d\exp(X) = \exp(X) \odot dX",
    r"\exp\left({}\right)", "exp({})", "np.exp({})",
    commands=("exp",), words=("exp",), runs=("exp",), value=sp.exp,
    rewrites=(Rule("exp-log", r"\exp(\log x) = x", _exp_of_log),)))


def _log_of_exp(node):
    return node.arg.arg if _is_fn(node, "log") and _is_fn(node.arg, "exp") else None


def _log_stable(arg, em):
    """log(1 + exp(u)) as np.logaddexp(0, u); log(1 + u) as np.log1p(u)."""
    u = _plus_one(arg)
    if u is None:
        return None
    if _is_fn(u, "exp"):  # softplus, in the back end's form
        return em.backend.fill(em.backend.form(SOFTPLUS), em.value(u.arg), em)
    return f"{em.ns}.log1p({em.value(u)})"


LOG = function(Function(
    "log", lambda x, fx: pow_(x, -1),
    r"d\log(X) = dX \oslash X",
    r"\log\left({}\right)", "log({})", "np.log({})",
    commands=("log", "ln"), words=("log", "ln"), runs=("log", "ln"), value=sp.log,
    stable=_log_stable, domain="positive",
    rewrites=(Rule("log-exp", r"\log(\exp x) = x", _log_of_exp),)))


# ------------------------------------------------------------------ the logistic function

SIGMOID_SOURCE = '''def _sigmoid(x):
    """Logistic function, stable for large |x|: one exp of -|x|, one division."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)
'''


def _logistic(node):
    """(1 + exp(v))^{-1} = σ(-v), and exp(v) ⊙ σ(-v) = σ(v)."""
    if isinstance(node, Pow) and isinstance(node.exp, Const) and node.exp.value == -1:
        v = _plus_one(node.base)
        if v is not None and _is_fn(v, "exp"):
            return fmap("sigma", ir.scale(-1, v.arg))
    if not isinstance(node, Contract):
        return None
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if not _is_fn(op, "exp"):
            continue
        minus_v = ir.scale(-1, op.arg)
        for j, (op2, labels2) in enumerate(zip(node.ops, node.idx)):
            if j != k and labels2 == labels and _is_fn(op2, "sigma") and op2.arg is minus_v:
                ops_ = [o for i, o in enumerate(node.ops) if i not in (j, k)] + [fmap("sigma", op.arg)]
                idx = [l for i, l in enumerate(node.idx) if i not in (j, k)] + [labels]
                return ir.contract(ops_, idx, node.out)
    return None


SIGMA = function(Function(
    "sigma", lambda x, fx: mul(fx, one_minus(fx)),
    r"d\sigma(X) = \sigma(X) \odot (1 - \sigma(X)) \odot dX",
    r"\sigma\left({}\right)", "σ({})", "_sigmoid({})",
    commands=("sigmoid",), words=("sigma", "sigmoid", "sigm"), runs=("sigm", "sigmoid"),
    helpers={"_sigmoid": SIGMOID_SOURCE}, value=lambda v: 1 / (1 + sp.exp(-v)),
    prime="dsigma", forms={"jax": "jax.nn.sigmoid({})", "torch": "torch.sigmoid({})"},
    rewrites=(Rule("logistic", r"\frac{e^{u}}{1 + e^{u}} = \sigma(u)", _logistic),)))


def _sigma_prime(node):
    if _is_fn(node, "dsigma"):
        s = fmap("sigma", node.arg)
        return mul(s, one_minus(s))
    return None


# σ' as written by the user; its own rewrite turns it into σ ⊙ (1 - σ)
DSIGMA = function(Function(
    "dsigma", lambda x, fx: mul(fx, one_minus(mul(const(2), fmap("sigma", x)))),
    r"d\sigma'(X) = \sigma'(X) \odot (1 - 2\sigma(X)) \odot dX",
    r"\sigma'\left({}\right)", "σ'({})", "_dsigmoid({})",
    helpers={"_sigmoid": SIGMOID_SOURCE, "_dsigmoid": '''def _dsigmoid(x):
    """Derivative of the logistic function."""
    s = _sigmoid(x)
    return s * (1.0 - s)
'''}, value=lambda v: sp.exp(-v) / (1 + sp.exp(-v)) ** 2,
    rewrites=(Rule("sigma-prime", r"\sigma'(x) = \sigma(x)(1 - \sigma(x))", _sigma_prime),)))


SOFTPLUS = function(Function(
    "softplus", lambda x, fx: fmap("sigma", x),
    r"d\operatorname{softplus}(X) = \sigma(X) \odot dX",
    r"\operatorname{softplus}\left({}\right)", "softplus({})", "np.logaddexp(0.0, {})",
    commands=("softplus",), words=("softplus",), runs=("softplus",),
    forms={"torch": "torch.nn.functional.softplus({})",
           "array_api": "xp.logaddexp(xp.zeros_like({}), {})"},
    value=lambda v: sp.log(1 + sp.exp(v))))


# ------------------------------------------------------------------ hyperbolic

TANH = function(Function(
    "tanh", lambda x, fx: one_minus(mul(fx, fx)),
    r"d\tanh(X) = (1 - \tanh^2(X)) \odot dX",
    r"\tanh\left({}\right)", "tanh({})", "np.tanh({})",
    commands=("tanh",), words=("tanh",), runs=("tanh",), value=sp.tanh))

SINH = function(Function(
    "sinh", lambda x, fx: fmap("cosh", x),
    r"d\sinh(X) = \cosh(X) \odot dX",
    r"\sinh\left({}\right)", "sinh({})", "np.sinh({})",
    commands=("sinh",), words=("sinh",), runs=("sinh",), value=sp.sinh))

COSH = function(Function(
    "cosh", lambda x, fx: fmap("sinh", x),
    r"d\cosh(X) = \sinh(X) \odot dX",
    r"\cosh\left({}\right)", "cosh({})", "np.cosh({})",
    commands=("cosh",), words=("cosh",), runs=("cosh",), value=sp.cosh))


# ------------------------------------------------------------------ trigonometric

SIN = function(Function(
    "sin", lambda x, fx: fmap("cos", x),
    r"d\sin(X) = \cos(X) \odot dX",
    r"\sin\left({}\right)", "sin({})", "np.sin({})",
    commands=("sin",), words=("sin",), runs=("sin",), value=sp.sin))

COS = function(Function(
    "cos", lambda x, fx: ir.scale(-1, fmap("sin", x)),
    r"d\cos(X) = -\sin(X) \odot dX",
    r"\cos\left({}\right)", "cos({})", "np.cos({})",
    commands=("cos",), words=("cos",), runs=("cos",), value=sp.cos))

TAN = function(Function(
    "tan", lambda x, fx: one_plus(mul(fx, fx)),
    r"d\tan(X) = (1 + \tan^2(X)) \odot dX",
    r"\tan\left({}\right)", "tan({})", "np.tan({})",
    commands=("tan",), words=("tan",), runs=("tan",), value=sp.tan, domain="unit"))

ARCSIN = function(Function(
    "arcsin", lambda x, fx: pow_(one_minus(mul(x, x)), sp.Rational(-1, 2)),
    r"d\arcsin(X) = (1 - X^{\circ 2})^{\circ -1/2} \odot dX",
    r"\arcsin\left({}\right)", "arcsin({})", "np.arcsin({})",
    commands=("arcsin",), words=("arcsin", "asin"), runs=("arcsin",), value=sp.asin,
    domain="unit", forms={"array_api": "xp.asin({})"}))

ARCCOS = function(Function(
    "arccos", lambda x, fx: ir.scale(-1, pow_(one_minus(mul(x, x)), sp.Rational(-1, 2))),
    r"d\arccos(X) = -(1 - X^{\circ 2})^{\circ -1/2} \odot dX",
    r"\arccos\left({}\right)", "arccos({})", "np.arccos({})",
    commands=("arccos",), words=("arccos", "acos"), runs=("arccos",), value=sp.acos,
    domain="unit", forms={"array_api": "xp.acos({})"}))

ARCTAN = function(Function(
    "arctan", lambda x, fx: pow_(one_plus(mul(x, x)), -1),
    r"d\arctan(X) = (1 + X^{\circ 2})^{\circ -1} \odot dX",
    r"\arctan\left({}\right)", "arctan({})", "np.arctan({})",
    commands=("arctan",), words=("arctan", "atan"), runs=("arctan",), value=sp.atan,
    forms={"array_api": "xp.atan({})"}))


# ------------------------------------------------------------------ kinks

ABS = function(Function(
    "abs", lambda x, fx: fmap("sign", x),
    r"d|X| = \operatorname{sign}(X) \odot dX",
    r"\left|{}\right|", "|{}|", "np.abs({})",
    words=("abs",), value=sp.Abs, domain="nonzero"))

SIGN = function(Function(
    "sign", lambda x, fx: ir.zeros(x.shape),
    r"d\operatorname{sign}(X) = 0",
    r"\operatorname{sign}\left({}\right)", "sign({})", "np.sign({})",
    words=("sign", "sgn"), value=sp.sign, domain="nonzero"))

# relu'(x) = 1 for x > 0 and 0 for x <= 0: the subgradient convention of PyTorch and JAX
RELU = function(Function(
    "relu", lambda x, fx: fmap("drelu", x),
    r"d\operatorname{relu}(X) = \operatorname{relu}'(X) \odot dX,\ "
    r"\operatorname{relu}'(x) = [x > 0]",
    r"\operatorname{relu}\left({}\right)", "relu({})", "np.maximum({}, 0.0)",
    words=("relu", "ReLU"), runs=("relu", "ReLU"), value=lambda v: sp.Max(v, 0),
    prime="drelu", domain="nonzero",
    forms={"torch": "torch.relu({})", "array_api": "xp.where({} > 0, {}, xp.zeros_like({}))"}))

DRELU = function(Function(
    "drelu", lambda x, fx: ir.zeros(x.shape),
    r"d\operatorname{relu}'(X) = 0",
    r"\operatorname{relu}'\left({}\right)", "relu'({})", "np.heaviside({}, 0.0)",
    value=lambda v: sp.Heaviside(v, 0), domain="nonzero",
    forms={"torch": "({} > 0).to({}.dtype)", "array_api": "xp.astype({} > 0, {}.dtype)"}))

# the indicator of a comparison, [a > b] = step(a - b) (read/comparisons.py), as posts write
# a ReLU's derivative: \mathbb{1}(Wx > 0), 1[z \geq 0]. Flat where it is differentiable.
STEP = function(Function(
    "step", lambda x, fx: ir.zeros(x.shape),
    r"d\,\mathbb{1}[X > 0] = 0",
    r"\mathbb{1}\left[{} > 0\right]", "1[{} > 0]", "np.heaviside({}, 0.0)",
    value=lambda v: sp.Heaviside(v, 0), domain="nonzero",
    forms={"torch": "({} > 0).to({}.dtype)", "array_api": "xp.astype({} > 0, {}.dtype)"}))

# [a >= b] = step0(a - b): the same with the tie counted, entrywise [x >= 0]
STEP0 = function(Function(
    "step0", lambda x, fx: ir.zeros(x.shape),
    r"d\,\mathbb{1}[X \geq 0] = 0",
    r"\mathbb{1}\left[{} \geq 0\right]", "1[{} ≥ 0]", "np.heaviside({}, 1.0)",
    value=lambda v: sp.Heaviside(v, 1), domain="nonzero",
    forms={"torch": "({} >= 0).to({}.dtype)", "array_api": "xp.astype({} >= 0, {}.dtype)"}))


# ------------------------------------------------------------------ special functions

ERF = function(Function(
    "erf", lambda x, fx: ir.scale(2 / sp.sqrt(sp.pi), fmap("exp", ir.scale(-1, mul(x, x)))),
    r"d\operatorname{erf}(X) = \tfrac{2}{\sqrt{\pi}} \exp(-X^{\circ 2}) \odot dX",
    r"\operatorname{erf}\left({}\right)", "erf({})", "_erf({})",
    commands=("erf",), words=("erf",), runs=("erf",), value=sp.erf,
    # the array API has no erf, and a polynomial approximation would not be double precision
    forms={"jax": "jax.scipy.special.erf({})", "torch": "torch.special.erf({})",
           "array_api": None},
    helpers={"_erf": '''def _erf(x):
    """The error function, entrywise, to double precision."""
    try:
        from scipy.special import erf
    except ImportError:
        import math
        return np.vectorize(math.erf, otypes=[float])(x)
    return erf(x)
'''}))

# the standard normal CDF (probit models; a post names it \Phi in words, read/prose.py):
# Phi(x) = erfc(-x / sqrt 2) / 2, accurate in the lower tail; Phi'(x) = phi(x), the density
NORMCDF = function(Function(
    "normcdf", lambda x, fx: ir.scale(1 / sp.sqrt(2 * sp.pi),
                                      fmap("exp", ir.scale(sp.Rational(-1, 2), mul(x, x)))),
    r"d\Phi(X) = \phi(X) \odot dX,\ \phi(x) = \tfrac{1}{\sqrt{2\pi}} e^{-x^2/2}",
    r"\operatorname{normcdf}\left({}\right)", "Φ({})", "_normcdf({})",
    words=("normcdf",), value=lambda v: (1 + sp.erf(v / sp.sqrt(2))) / 2,
    forms={"jax": "jax.scipy.stats.norm.cdf({})", "torch": "torch.special.ndtr({})",
           "array_api": None},
    helpers={"_normcdf": '''def _normcdf(x):
    """The standard normal CDF, entrywise, to double precision."""
    try:
        from scipy.special import ndtr
    except ImportError:
        import math
        return np.vectorize(lambda v: 0.5 * math.erfc(-v / math.sqrt(2.0)), otypes=[float])(x)
    return ndtr(x)
'''}))
