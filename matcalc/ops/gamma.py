"""The gamma function family, entrywise: Γ, log Γ, the digamma ψ and the polygamma
functions ψ^(m). One block each (see `registry.Function` for the fields).

Spellings. ``\\Gamma(x)`` is the gamma function only where the document gives Γ no other
meaning (`letters`: never declared, defined, or used but applied -- a Tikhonov matrix Γ
stays a matrix, `lower.calls`) and x is a scalar (of a vector it may be a matrix Γ times
it: refused); ``\\operatorname{gamma}`` always, entrywise, and so it is printed. ``\\log\\Gamma(x)``,
``\\ln \\Gamma(x)``, ``\\log(\\Gamma(x))`` are read as lgamma (`of`: the reader writes
log(Γ(x)) as one function, which does not overflow where Γ does), as are
``\\operatorname{lgamma}`` / ``gammaln`` / ``loggamma`` (printed so: \\log\\Gamma of a
vector has the matrix reading too). The digamma ψ is spelled
``\\operatorname{digamma}`` or ``\\digamma``; ``\\psi`` is so often a variable that it is
the digamma only where a sentence says so (`read.prose`), or inside a claimed derivative
of a document whose functions differentiate to the digamma (Γ, log Γ), where ψ is not
declared, defined or used but applied (`claim_letters`, `lower.calls`). lgamma is log|Γ(x)| (what
scipy.special.gammaln computes): equal to log Γ(x) wherever Γ(x) > 0, all x > 0.

Derivatives: Γ' = Γ ψ, (log Γ)' = ψ, ψ' = ψ^(1) (trigamma), ψ^(m)' = ψ^(m+1). The
polygamma functions of order 2 and more (tetragamma, ...) are made by `polygamma(m)` when a
derivative first needs one (a Hessian of ψ), up to order `MAX_ORDER`.

Numbers in the generated NumPy code: scipy.special where SciPy is installed, else
mpmath's functions vectorised (mpmath is a SymPy dependency): the choice is made in one
place, the helper `_special`, when the generated code runs (nothing happens at import).
JAX and torch use their own special functions (torch has no Γ: |Γ| = exp(lgamma) with the
sign of Γ on the interval x lies in); the array API has none, so its code computes them
with NumPy and returns them in the inputs' namespace.
"""
from __future__ import annotations

import sympy as sp

from ..errors import MatcalcError
from ..ir import fmap, mul
from .registry import FUNCTIONS, Function, function

SPECIAL = '''def _special(name):
    """The special function `name` ("gamma", "gammaln", "psi", "polygamma"), entrywise on
    float arrays: scipy.special's where SciPy is installed, else mpmath's vectorised (a
    pole gives nan)."""
    try:
        import scipy.special as sc
    except ImportError:
        sc = None
    if sc is not None:
        return getattr(sc, name)
    import mpmath

    def real(f):
        def at(*a):
            try:
                return float(mpmath.re(f(*a)))
            except (ValueError, ZeroDivisionError):
                return float("nan")
        return np.vectorize(at, otypes=[float])
    table = {"gamma": mpmath.gamma, "gammaln": mpmath.loggamma, "psi": mpmath.digamma,
             "polygamma": lambda m, x: mpmath.polygamma(int(m), x)}
    return real(table[name])
'''


def _numpy_helper(name, special, doc, order=False):
    args, call = ("m, x", "(m, x)") if order else ("x", "(x)")
    return (f'def {name}({args}):\n    """{doc}"""\n'
            f'    return _special("{special}"){call}\n')


def _array_api_helper(name, special, doc, order=False):
    """The helper for the array API: NumPy's numbers, returned in x's namespace."""
    args, call = ("m, x", "(m, v)") if order else ("x", "(v)")
    return (f'def {name}({args}):\n    """{doc} (computed with NumPy, returned in x\'s '
            f'namespace)"""\n'
            f'    if isinstance(x, (int, float)):\n        x = np.asarray(float(x))\n'
            f'    xp = array_api_compat.array_namespace(x)\n'
            f'    v = np.asarray(x, dtype=float)\n'
            f'    return xp.asarray(_special("{special}"){call}, dtype=x.dtype)\n')


def _helpers(name, special, doc, order=False):
    """(NumPy helpers, array-API helpers) of a function computed by `_special(special)`."""
    return ({name: _numpy_helper(name, special, doc, order), "_special": SPECIAL},
            {"array_api": {name: _array_api_helper(name, special, doc, order),
                           "_special": SPECIAL}})


TORCH_GAMMA = {"_gamma": '''def _gamma(x):
    """The gamma function, entrywise: |Γ(x)| = exp(lgamma(x)), and Γ(x) < 0 exactly where
    x < 0 and floor(x) is odd."""
    one = torch.ones_like(x)
    sign = torch.where((x > 0) | (torch.remainder(torch.floor(x), 2) == 0), one, -one)
    return sign * torch.exp(torch.special.gammaln(x))
'''}

_np, _api = _helpers("_gamma", "gamma", "The gamma function, entrywise.")
GAMMA = function(Function(
    "gamma", lambda x, fx: mul(fx, fmap("digamma", x)),
    r"d\Gamma(X) = \Gamma(X) \odot \psi(X) \odot dX",
    r"\operatorname{gamma}\left({}\right)", "Γ({})", "_gamma({})",
    words=("gamma", "Gamma"), letters=("Gamma",), value=sp.gamma, domain="positive",
    helpers=_np, backend_helpers={**_api, "torch": TORCH_GAMMA},
    forms={"jax": "jax.scipy.special.gamma({})"}))

_np, _api = _helpers("_lgamma", "gammaln", "log|Γ(x)|, entrywise (log Γ(x) for x > 0).")
LGAMMA = function(Function(
    "lgamma", lambda x, fx: fmap("digamma", x),
    r"d\log\Gamma(X) = \psi(X) \odot dX",
    r"\operatorname{lgamma}\left({}\right)", "lgamma({})", "_lgamma({})",
    words=("lgamma", "gammaln", "loggamma", "lngamma"), runs=("lgamma", "gammaln"),
    of=("log", "gamma"), value=sp.loggamma, domain="positive",
    helpers=_np, backend_helpers=_api,
    forms={"jax": "jax.scipy.special.gammaln({})", "torch": "torch.special.gammaln({})"}))

_np, _api = _helpers("_digamma", "psi", "The digamma function ψ = Γ'/Γ, entrywise.")
DIGAMMA = function(Function(
    "digamma", lambda x, fx: fmap("trigamma", x),
    r"d\psi(X) = \psi^{(1)}(X) \odot dX",
    r"\operatorname{digamma}\left({}\right)", "digamma({})", "_digamma({})",
    commands=("digamma",), words=("digamma",), runs=("digamma",), claim_letters=("psi",),
    value=sp.digamma, domain="positive", helpers=_np, backend_helpers=_api,
    forms={"jax": "jax.scipy.special.digamma({})", "torch": "torch.special.digamma({})"}))


# torch's trigamma is good to ~5e-10 only: the recurrence and the asymptotic series for
# every order (one helper name has one source per back end)
TORCH_POLYGAMMA = {"_polygamma": '''def _polygamma(m, x):
    """ψ^(m)(x) entrywise (m >= 1, x > -20 and no pole), to double precision: the
    recurrence ψ^(m)(x) = ψ^(m)(x + 1) + (-1)^(m+1) m! / x^(m+1) up to x + 20, then the
    asymptotic series in 1/z with Bernoulli numbers."""
    import math
    total = torch.zeros_like(x)
    z = x
    for _ in range(20):
        total = total + z ** (-(m + 1))
        z = z + 1.0
    bern = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6)
    tail = math.factorial(m - 1) / z ** m + math.factorial(m) / (2 * z ** (m + 1))
    for k, b in enumerate(bern, start=1):
        tail = tail + b * math.factorial(2 * k + m - 1) / math.factorial(2 * k) / z ** (2 * k + m)
    return (-1.0) ** (m + 1) * (math.factorial(m) * total + tail)
'''}


def _polygamma_block(m: int, name: str, latex: str, text: str, words=()) -> Function:
    """The block of ψ^(m), the m-th derivative of the digamma function (m >= 1)."""
    np_, api = _helpers("_polygamma", "polygamma", "The polygamma function ψ^(m), entrywise.",
                        order=True)
    return Function(
        name, lambda x, fx: fmap(polygamma(m + 1).name, x),
        rf"d\psi^{{({m})}}(X) = \psi^{{({m + 1})}}(X) \odot dX",
        latex, text, f"_polygamma({m}, {{}})",
        words=words, runs=words, value=lambda v: sp.polygamma(m, v), domain="positive",
        helpers=np_, backend_helpers={**api, "torch": TORCH_POLYGAMMA},
        forms={"jax": f"jax.scipy.special.polygamma({m}, {{}})"})


TRIGAMMA = function(_polygamma_block(
    1, "trigamma", r"\operatorname{trigamma}\left({}\right)", "trigamma({})",
    words=("trigamma",)))


# ψ^(m) for m >= 2 by the names of the literature (tetragamma = ψ''), spelled and printed
# \operatorname{<name>} so that a printed Hessian reads back
POLYGAMMA_NAMES = {2: "tetragamma", 3: "pentagamma", 4: "hexagamma", 5: "heptagamma",
                   6: "octagamma"}
MAX_ORDER = max(POLYGAMMA_NAMES)


def polygamma(m: int) -> Function:
    """The block of ψ^(m): digamma for 0, trigamma for 1; an order from 2 to MAX_ORDER
    (`POLYGAMMA_NAMES`) is registered the first time a derivative asks for it. A higher
    order is a MatcalcError."""
    if m == 0:
        return DIGAMMA
    if m == 1:
        return TRIGAMMA
    if m > MAX_ORDER:
        raise MatcalcError(f"the derivative of the polygamma function of order {m - 1} is "
                           f"not available: matcalc knows the polygamma functions up to "
                           f"order {MAX_ORDER}")
    name = POLYGAMMA_NAMES[m]
    if name in FUNCTIONS:
        return FUNCTIONS[name]
    return function(_polygamma_block(m, name, rf"\operatorname{{{name}}}\left({{}}\right)",
                                     f"{name}({{}})", words=(name,)))
