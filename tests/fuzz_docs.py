r"""A differential fuzzer over whole matcalc documents.

`cases()` is a hypothesis strategy that builds, together, a random well-shaped DOCUMENT (the
text a person would paste: declarations, a chain of definitions, an objective) and an
independent NumPy evaluator of its objective. Nothing from matcalc is used to compute the
expected values: every construct carries its own NumPy/Python semantics here.

What a document can contain
  * declarations `\mathbb{R}^{n\times m}`, `\mathbb{R}^n`, scalars, families
    `z_i \in \mathbb{R}^m, \; i = 1,\dots,n`, grouped (`x, y \in ...`) and separated by `,`,
    `\quad`, `\;`, `and`, new lines, `$...$` fragments with prose around them;
  * symbolic dimensions with several spellings (`n`, `N`, `n_1`, ...), concrete in the check;
  * chains of definitions (`h = ...`, `h := ...`, `align*` with `&=`), of any shape -- row
    vectors included (`h = x^T A`, `h = x^T`), used later and used twice; entrywise
    definitions (`K_{ik} = ...`, `w_i = ...`) used in matrix and in index notation;
    hold-constant (`h \text{ constant}`) and stop-gradients (`\operatorname{sg}(.)`);
  * matrix notation: products (juxtaposition, `\cdot`, `*`), `^T` (`^\top`, `^{\mathsf T}`),
    `^{-1}` / `\det` / `\log\det` of SPD matrices, `\odot` `\circ` `\oslash`, `A : B`,
    `\operatorname{Tr}`, `\operatorname{diag}` / `\operatorname{Diag}`, `\|x\|^2`, `\|x\|`,
    `\|X\|_F`, `\mathbf{1}`, `\mathbf{1}_n`, `I`, square-matrix powers, `\frac`, `/`;
  * every elementwise function of `matcalc.ops.FUNCTIONS` that has a LaTeX spelling
    (REFERENCE below), `\sqrt`, scalar powers (constant and variable exponents);
  * index notation: `\sum_i`, `\sum_{i=1}^{n}`, `\sum_{i=2}^{n}`, `\sum_{k=i+1}^{n}`,
    `\sum_{k=1}^{i}`, `\sum_{i,k}`, `\prod_k`, `\delta_{ik}`, entries `A_{ij}` `A_{i,j}`,
    family members `z_i^T z_k`, `\|z_i - z_k\|^2`;
  * names: Greek letters, accents (`\hat q`), primes, layer superscripts `W^{(2)}`,
    multi-letter subscripts `E_{max}`, font commands (`\mathbf{w}` declared, `w` used), odd
    names through `\text{...}` (`\text{ﬁ}` beside `\text{fi}`, `\text{np}`, `\text{float}`,
    `\text{x²}`, `\text{𝑥}`, `\text{e}`, ...), and a bare math-alphanumeric letter (`𝑥`, a
    construct matcalc may refuse: such documents are tagged `may-refuse`);
  * arbitrary functions (tags `opaque:*`): a loss of arrays `L = f(M)`, `\ell(M, N)` with a
    sentence ("where $f$ is an arbitrary loss function", "$\ell$ is a loss function", "some
    smooth scalar function"); an entrywise function of a matrix expression with a sentence
    (elementwise, an activation) or with `\phi'(Z)` written (a definition G = \phi'(Z) the
    objective may or may not use); `\sum_i \ell(y_i, \hat y_i)` in index notation; f of
    scalars; `\nabla f(D)` written; nested in every other construct and in each other; and
    as refusals (may-refuse) a function of an array whose kind the text does not say --
    accepted only as the whole objective `L = f(D)`, else a `wrong` (`Case.must_refuse`).
    Each has the fuzzer's OWN smooth instance (EntrywiseFamily, ScalarFamily), whose
    callables (f, f_prime, f_d12, f_grad, ...) go to the evaluator and to matcalc's code.

Inputs are sampled in a safe domain: entries in [-1, 1], positive variables in [0.5, 1.5],
SPD matrices a aᵀ/n + I; every log / sqrt / ⊘ / ^{-1} argument is built positive with a
lower bound; magnitudes are tracked and squashed so that central differences are accurate.

Each construct carries a set of feature tags. `KNOWN_BUGS` maps a tag to the regression test
(tests/test_fuzz_regressions.py) that pins an engine bug it triggers; `cases(exclude=...)`
leaves those constructs out, so the CI fuzz test stays green while the bug is open, and
`cases(exclude=())` (the long runs) generates everything.

`run_case(case)` runs every stage of matcalc on a case and classifies the outcome; `main()`
(python tests/fuzz_docs.py --minutes 20) fuzzes for a time budget and prints every distinct
failure, minimised with hypothesis.
"""
from __future__ import annotations

import math
import re
import sys
import time
import traceback
import unicodedata
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
from hypothesis import strategies as st

from matcalc.ops.gamma import POLYGAMMA_NAMES

# ------------------------------------------------------------------ reference semantics


def sigmoid(z):
    z = np.asarray(z, dtype=float)
    return np.where(z >= 0, 1.0 / (1.0 + np.exp(-np.abs(z))),
                    np.exp(-np.abs(z)) / (1.0 + np.exp(-np.abs(z))))


def dsigmoid(z):
    s = sigmoid(z)
    return s * (1.0 - s)


def softplus(z):
    return np.logaddexp(0.0, z)


# name in matcalc.ops.FUNCTIONS -> (LaTeX spellings, each a template with {} for the
# argument -- None when no spelling reads it --, NumPy function, domain of the argument):
#   "bounded"  |arg| <= 3 (exp: keeps magnitudes moderate)
#   "positive" arg >= a positive lower bound
#   "real"     anything
#   "kink"     anything, but finite differences are unreliable near 0 (tracked per point)
def _special(name, *order):
    """scipy.special's function `name` (of order `order`), or mpmath's where SciPy is
    absent: the fuzz reference of the gamma family, independent of matcalc's code."""
    try:
        import scipy.special as sc
        return lambda x: getattr(sc, name)(*order, x)
    except ImportError:
        import mpmath
        f = {"psi": mpmath.digamma, "polygamma": mpmath.polygamma}[name]
        return np.vectorize(lambda v: float(f(*order, v)), otypes=[float])


REFERENCE = {
    "exp": ((r"\exp({})", r"\exp\left({}\right)", r"\exp\big({}\big)"), np.exp, "bounded"),
    "log": ((r"\log({})", r"\ln({})", r"\log\left({}\right)"), np.log, "positive"),
    "sigma": ((r"\sigma({})", r"\operatorname{sigmoid}({})", r"\mathrm{sigm}({})",
               r"\sigma\left({}\right)"), sigmoid, "real"),
    "dsigma": ((r"\sigma'({})", r"\sigma'\left({}\right)"), dsigmoid, "real"),
    "tanh": ((r"\tanh({})", r"\tanh\left({}\right)"), np.tanh, "real"),
    "softplus": ((r"\operatorname{softplus}({})", r"\mathrm{softplus}({})"), softplus, "real"),
    "abs": ((r"\operatorname{abs}({})", r"\left|{}\right|", "|{}|"), np.abs, "kink"),
    # matcalc prints sign(.) (the derivative of |.|) but reads no spelling of it:
    # \operatorname{sign} is "unknown function"
    "sign": (None, np.sign, "kink"),
    "sin": ((r"\sin({})", r"\sin\left({}\right)"), np.sin, "real"),
    "cos": ((r"\cos({})",), np.cos, "real"),
    "sinh": ((r"\sinh({})",), np.sinh, "bounded"),
    "cosh": ((r"\cosh({})",), np.cosh, "bounded"),
    "arctan": ((r"\arctan({})",), np.arctan, "real"),
    "erf": ((r"\operatorname{erf}({})",), np.vectorize(math.erf, otypes=[float]), "real"),
    "relu": ((r"\operatorname{relu}({})",), lambda x: np.maximum(x, 0.0), "kink"),
    # the indicator of a comparison (read/comparisons.py): [x > 0] and [x >= 0]
    "step": ((r"\mathbb{1}\left({} > 0\right)",), lambda x: np.asarray(x > 0, dtype=float),
             "kink"),
    "step0": ((r"\mathbb{1}\left({} \geq 0\right)",), lambda x: np.asarray(x >= 0, dtype=float),
              "kink"),
    "normcdf": ((r"\operatorname{normcdf}({})",),
                np.vectorize(lambda v: 0.5 * math.erfc(-v / math.sqrt(2.0)), otypes=[float]),
                "real"),
    # the gamma family: positive arguments; Γ itself is not generated (Γ(30) ~ 1e30 would
    # swamp every sum it enters)
    "gamma": (None, np.vectorize(math.gamma, otypes=[float]), "positive"),
    "lgamma": ((r"\log\Gamma({})", r"\operatorname{lgamma}({})", r"\ln \Gamma\left({}\right)"),
               np.vectorize(math.lgamma, otypes=[float]), "positive"),
    "digamma": ((r"\operatorname{digamma}({})",), _special("psi"), "positive"),
    # trigamma (ψ' ~ 1/x^2, 625 at the lowest positive argument) only as a derivative
    "trigamma": (None, _special("polygamma", 1), "positive"),
    # no domain here keeps these inside theirs (|x| < 1, |x| < pi/2): not generated
    "tan": (None, np.tan, "real"),
    "arcsin": (None, np.arcsin, "real"),
    "arccos": (None, np.arccos, "real"),
    "drelu": (None, lambda x: (x > 0).astype(float), "kink"),
}
# the polygamma functions of order 2 and more are registered when a derivative first needs one
for _m, _name in POLYGAMMA_NAMES.items():
    REFERENCE[_name] = (None, _special("polygamma", _m), "positive")
# `|.|` is only used on scalars (on a vector it could mean a norm); \operatorname{abs} anywhere.
# \Gamma of a vector may be a matrix Γ times it (refused): \log\Gamma too.
SCALAR_ONLY_SPELLINGS = {"|{}|", r"\left|{}\right|", r"\log\Gamma({})", r"\ln \Gamma\left({}\right)"}
# the log written before the call without parentheses: a power after it binds inside the log
UNPARENTHESISED_LOG = {r"\log\Gamma({})", r"\ln \Gamma\left({}\right)"}

# Constructs (feature tags) that trigger an engine bug pinned by a regression test. The CI fuzz
# test leaves them out; the long runs generate them. Tag -> regression test id.
KNOWN_BUGS: dict = {
}

# Failures recognised by their outcome (where no construct tag isolates them):
# (regex over Outcome.signature() + detail, regression test id).
KNOWN_SIGNATURES: list = [
    # empty: the three once here (an objective-only dimension missing from g.inputs, 'cannot
    # tell the range of index' of an index whose range only a later subscript fixes, a
    # SymPy constant in the generated code) are fixed and their tests
    # (test_objective_only_dimension, test_bounds_before_subscript, test_constant_in_code)
    # pass; kept, the second hid every refusal 'cannot tell the range of index' of a
    # supported document (h_l before \sum_{n=l+1}^{N}: test_a_triangular_sum_takes_...)
]

# Tags of constructs matcalc may refuse with a MatcalcError (genuinely unsupported input).
MAY_REFUSE = {"name:math-alnum", "spell:layerT", "macro:outside-math",
              # an arbitrary function of an array whose kind the text does not say (two
              # readings; accepted only where a use on scalars fixed it: Case.must_refuse)
              "opaque:kind-unsaid",
              # \nabla f(D) written: its derivative (a Hessian through it) is refused
              "opaque:grad-written",
              # z_{in}: its subscript letters are an index (i of a sum) and a dimension (n);
              # beside \sum_i matcalc refuses naming both readings (a member (i, n) of a
              # family, or one name z_in) -- right, so a refusal there is allowed
              "name:index-letters"}

SCALAR = ()
ADD, COLON, HAD, NEG, PROD, POST, ATOM = range(1, 8)
MAXDIM = 4
BOUND = 30.0          # subexpressions whose entries may exceed this are squashed
EXP_ARG = 3.0         # bound of |argument| of exp
POS_LO = 0.04         # lower bound of any positive argument (log, sqrt, ⊘, ^{-1})


# ------------------------------------------------------------------ the expression model

@dataclass(frozen=True)
class E:
    tex: str
    fn: Callable            # (env, ix) -> float / ndarray; ix: index name -> 0-based value
    shape: tuple            # () | ("c", d) | ("r", d) | ("M", a, b); d, a, b in {"n", "m"}
    prec: int
    vars: frozenset = frozenset()   # input keys the value depends on
    mag: float = 1.0        # crude bound of |entries|
    lo: float = 0.0         # > 0: every entry is >= lo
    greedy: bool = False    # the text ends in an open \sum / \prod (covers what follows)
    idx: frozenset = frozenset()    # indices that subscript arrays in it
    tags: frozenset = frozenset()   # features used


def U(*es, attr="vars"):
    out = frozenset()
    for e in es:
        out |= getattr(e, attr)
    return out


def mk(tex, fn, shape, prec, parts, mag, lo=0.0, greedy=False, tags=(), idx=None):
    """An E whose vars / tags / idx are the union of its parts'."""
    return E(tex, fn, shape, prec, U(*parts), mag, lo, greedy,
             U(*parts, attr="idx") if idx is None else idx,
             U(*parts, attr="tags") | frozenset(tags))


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


class Env:
    """Values of the inputs at the evaluation point (`vals`) and at the base point (`base`):
    a stop-gradient / held-constant part is evaluated at the base point, so finite
    differences do not see through it. Definitions are cached per evaluation."""

    def __init__(self, vals, base, dims, kinks=None, fns=None):
        self.vals, self.base, self.dims = vals, base, dims
        self.kinks = kinks
        self.fns = fns or {}      # keyword -> callable: the arbitrary functions (FAMILIES)
        self.cache = {}
        self._frozen = None

    def frozen(self):
        if self.vals is self.base:
            return self
        if self._frozen is None:
            self._frozen = Env(self.base, self.base, self.dims, self.kinks, self.fns)
        return self._frozen

    def defval(self, d):
        env = self.frozen() if d.hold else self
        if d.key not in env.cache:
            env.cache[d.key] = d.compute(env)
        return env.cache[d.key]

    def kink(self, v):
        if self.kinks is not None:
            self.kinks.append(float(np.min(np.abs(v))) if np.size(v) else 1.0)


# ------------------------------------------------------------------ names

@dataclass(frozen=True)
class Name:
    use: str          # LaTeX where it is used
    decl: str         # LaTeX in its declaration (may carry a font command)
    kw: str           # its Python keyword (DESIGN.md rules)
    tags: frozenset = frozenset()
    indexable: bool = True   # may take an index subscript (x_i)


def N(use, kw, decl=None, tags=(), indexable=None):
    if indexable is None:
        indexable = "_" not in use and "^" not in use and "'" not in use
    return Name(use, decl or use, kw, frozenset(tags), indexable)


# role -> candidate names. No pool uses a dimension name (n m N M d), an index name
# (i j k l), T, I, e or a function name (\sigma \delta).
POOLS = {
    "s": [N(r"\alpha", "alpha"), N(r"\beta", "beta"), N(r"\gamma", "gamma"),
          N(r"\lambda", "lambda_"), N("c", "c"), N(r"\text{lr}", "lr"),
          N(r"\text{fi}", "fi"), N(r"\text{ﬁ}", "ﬁ", tags={"name:nfkc"}),
          N(r"\text{np}", "np", tags={"name:np"}), N(r"\text{float}", "float",
                                                    tags={"name:builtin"}),
          N(r"\text{x²}", "x²", tags={"name:nonident"}), N("s'", "s_prime"),
          N("E_{max}", "E_max"), N(r"\hat\beta", "beta_hat"), N(r"\epsilon", "epsilon"),
          N(r"\text{é}", "é"), N(r"\omega^{(2)}", "omega2"), N(r"\text{def}", "def_"),
          N(r"\text{e}", "e", tags={"name:e"}), N(r"\pi", "pi", tags={"name:pi"}),
          N(r"\mathbf{c}", "c"), N(r"\tau", "tau")],
    "cn": [N("x", "x"), N("y", "y"), N("v", "v"), N(r"\hat q", "q_hat", indexable=True),
           N(r"\bar x", "x_bar", indexable=True), N("w^{(2)}", "w2"),
           N("w", "w", decl=r"\mathbf{w}"), N(r"\theta", "theta"), N(r"\mu", "mu"),
           N("b'", "b_prime"), N("z_{in}", "z_in", tags={"name:index-letters"}), N(r"\text{vec}", "vec"),
           N(r"\text{𝑥}", "𝑥", tags={"name:nfkc"}), N("𝑥", "𝑥", tags={"name:math-alnum"}),
           N(r"\boldsymbol{\eta}", "eta", decl=r"\boldsymbol{\eta}")],
    "cm": [N("u", "u"), N("b", "b"), N(r"\nu", "nu"), N("a^{(1)}", "a1"),
           N(r"\tilde u", "u_tilde", indexable=True), N(r"\text{in}", "in_")],
    "pn": [N("p", "p"), N("r", "r"), N(r"\rho", "rho"), N(r"\text{prob}", "prob")],
    "Mnn": [N("A", "A"), N("B", "B"), N("W", "W"), N("W^{(1)}", "W1"),
            N(r"\hat W", "W_hat", indexable=True), N(r"\Theta", "Theta"), N("M'", "M_prime"),
            N("X", "X", decl=r"\mathbf{X}"), N(r"\text{Wt}", "Wt")],
    "spd": [N("S", "S"), N(r"\Sigma", "Sigma"), N(r"\Lambda", "Lambda"), N("P", "P"),
            N(r"\hat\Sigma", "Sigma_hat", indexable=True)],
    "Mnm": [N("C", "C"), N("V", "V"), N("U^{(2)}", "U2"), N(r"\Phi", "Phi"),
            N("G", "G", decl=r"\mathbf{G}")],
    "F": [N("z", "z"), N(r"\phi", "phi"), N(r"\xi", "xi"), N(r"t^{(1)}", "t1", indexable=True)],
}
ROLE_SHAPE = {"s": SCALAR, "cn": ("c", "n"), "cm": ("c", "m"), "pn": ("c", "n"),
              "Mnn": ("M", "n", "n"), "spd": ("M", "n", "n"), "Mnm": ("M", "n", "m"),
              "F": ("F", "n", "m")}
ROLE_DOMAIN = {"pn": "positive", "spd": "spd"}
DEF_NAMES = [N("h", "h"), N("g", "g"), N("H", "H"), N("q", "q"), N(r"\hat y", "y_hat"),
             N("o'", "o_prime"), N("a^{(3)}", "a3"), N(r"\text{out}", "out"),
             N(r"\tilde h", "h_tilde"), N("Q", "Q"), N("R_{1}", "R_1")]
ENTRY_NAMES = [N("K", "K"), N("Z", "Z"), N(r"\Omega", "Omega"), N("Y", "Y")]
OBJ_NAMES = [("f", "f"), ("L", "L"), ("J", "J"), (r"\ell", "ell"), (r"\mathcal{L}", "L")]
# (tex of dimension "n", kw; tex of "m", kw; tags)
DIMS = [("n", "n", "m", "m", ()), ("N", "N", "M", "M", ()), ("n", "n", "d", "d", ()),
        ("n_1", "n_1", "n_2", "n_2", ()), ("n", "n", r"\mathrm{eval}", "eval", ("dim:word",))]
GROUPS = {"n": ["i", "k", "i'"], "m": ["j", "l", "j'"]}


@dataclass
class Var:
    key: str
    name: Name
    role: str
    shape: tuple
    domain: str = "real"


@dataclass
class Def:
    key: str
    name: Name
    shape: tuple
    body: E | None
    lines: list
    hold: bool = False
    entry: tuple = ()        # entrywise: the index names on the left
    compute: Callable = None  # (env) -> value

    def ref(self, transposed=False):
        d = self
        tex = d.name.use
        shape = d.shape
        if transposed:
            tex = (("{" + tex + "}") if "^" in tex else tex) + "^T"
            shape = transpose_shape(shape)
        fn = (lambda env, ix, d=d: _t(env.defval(d))) if transposed else \
             (lambda env, ix, d=d: env.defval(d))
        vars_ = frozenset() if d.hold else d.vars
        return E(tex, fn, shape, POST if transposed else ATOM, vars_, d.mag, d.lo,
                 tags=d.tags | ({"use:row-def"} if "r" in (d.shape[:1] or ()) else set()))

    @property
    def vars(self):
        return self.body.vars

    @property
    def mag(self):
        return self.body.mag

    @property
    def lo(self):
        return self.body.lo

    @property
    def tags(self):
        return self.body.tags


# the excluded tags of the document being generated (for helpers without a ctx)
EXCLUDE_NOW = [frozenset()]


class Ctx:
    """Per-document state: dimension spellings, variables, definitions, excluded tags."""

    def __init__(self, draw, exclude):
        self.draw = draw
        self.exclude = frozenset(exclude)
        EXCLUDE_NOW[0] = self.exclude
        dims = [d for d in DIMS if not (set(d[4]) & self.exclude)]
        dn, dnk, dm, dmk, dtags = draw(st.sampled_from(dims))
        self.dimtex = {"n": dn, "m": dm}
        self.dimkw = {"n": dnk, "m": dmk}
        self.dimtags = frozenset(dtags)
        self.vars: dict = {}
        self.defs: list = []
        self.doc_tags = set()      # tags of the text (spellings) rather than of expressions
        # a variable spelled e / \pi, or the constants e / \pi: not both in one document
        self.const_names = draw(st.booleans())
        self.used_kws = set()
        self.counter = 0
        self.fns: dict = {}        # keyword -> Fn: the arbitrary functions of the document

    def on(self, tag):
        return tag not in self.exclude

    def var(self, role):
        draw = self.draw
        have = [v for v in self.vars.values() if v.role == role]
        if have and (len(have) >= 2 or draw(st.integers(0, 2)) > 0):
            return draw(st.sampled_from(have))
        pool = [nm for nm in POOLS[role] if nm.kw not in self.used_kws
                and nm.use not in {v.name.use for v in self.vars.values()}
                and not (nm.tags & self.exclude)
                and not (self.const_names and nm.kw in ("e", "pi"))]
        if not pool:
            return draw(st.sampled_from(have)) if have else None
        # plain names first: odd names are a minority of documents
        nm = pool[0] if draw(st.integers(0, 3)) == 0 else draw(st.sampled_from(pool))
        self.counter += 1
        v = Var(f"v{self.counter}", nm, role, ROLE_SHAPE[role], ROLE_DOMAIN.get(role, "real"))
        self.vars[v.key] = v
        self.used_kws.add(nm.kw)
        return v

    def leaf(self, v: Var) -> E:
        return E(v.name.use, lambda env, ix, k=v.key: env.vals[k], v.shape, ATOM,
                 frozenset({v.key}), 1.5 if v.domain != "spd" else 2.0 * MAXDIM,
                 0.5 if v.domain == "positive" else 0.0, tags=v.name.tags)

    def new_name(self, pool):
        cands = [nm for nm in pool if nm.kw not in self.used_kws and not (nm.tags & self.exclude)]
        nm = cands[0] if self.draw(st.integers(0, 2)) == 0 else self.draw(st.sampled_from(cands))
        self.used_kws.add(nm.kw)
        return nm


def _paren(tex, style):
    return {0: f"({tex})", 1: rf"\left({tex}\right)", 2: rf"\big({tex}\big)"}[style]


def wrap(draw, e: E, level: int, greedy_ok=False) -> str:
    """e's text, parenthesised if it binds looser than `level` or ends in an open sum
    (sometimes needlessly)."""
    if e.prec < level or (e.greedy and not greedy_ok and level > ADD) or \
            (e.prec < ATOM and draw(st.integers(0, 9)) == 0):
        return _paren(e.tex, draw(st.integers(0, 2)))
    return e.tex


def as_base(e: E) -> str:
    """e as the base of a postfix (^T, ^2, ^{-1})."""
    if e.prec == ATOM and not e.greedy and "^" not in e.tex and "'" not in e.tex[-1:]:
        return e.tex
    if e.prec == ATOM and not e.greedy:
        return "{" + e.tex + "}"
    return "(" + e.tex + ")"


def const_e(c, tex):
    return E(tex, lambda env, ix, c=c: c, SCALAR, ATOM, mag=abs(c), lo=c if c > 0 else 0.0)


CONSTS = [(2.0, "2", ()), (3.0, "3", ()), (0.5, "0.5", ()), (0.5, r"\frac{1}{2}", ()),
          (0.25, r"\tfrac{1}{4}", ()), (math.sqrt(2.0), r"\sqrt{2}", ("const:sqrt",)),
          (math.pi, r"\pi", ("const:pi",)),
          # Euler's number only as a power: a bare e is refused by design ("e is read as
          # Euler's number only in a power, e^{x}")
          (math.e, "e^{1}", ("const:e",))]


def draw_const(draw, ctx):
    opts = [c for c in CONSTS if not (set(c[2]) & ctx.exclude)]
    if not ctx.const_names:
        opts = [c for c in opts if c[1] not in ("e^{1}", r"\pi")]   # e / \pi may be variables
    c, tex, tags = draw(st.sampled_from(opts))
    e = const_e(c, tex)
    return E(e.tex, e.fn, e.shape, e.prec, mag=e.mag, lo=e.lo, tags=frozenset(tags))


# ------------------------------------------------------------------ products

def _ends_with_name(tex):
    return bool(re.search(r"([A-Za-z}']|\\[A-Za-z]+)$", tex)) and not tex.endswith(")")


def product(draw, l: E, r: E, shape) -> E:
    """l r (juxtaposition, \\cdot or *)."""
    op = draw(st.sampled_from([" ", " ", " ", r" \cdot ", " * ", " ", r" \cdot ", r" \times "]))
    mixed = (l.shape == SCALAR) != (r.shape == SCALAR)
    # `x^T A x (C^T)` reads `x (C^T)` first (a name before "(" is an Apply, documented)
    lt = wrap(draw, l, POST if mixed else PROD)
    rt = wrap(draw, r, POST, greedy_ok=True)
    tags = ()
    if l.shape == SCALAR and r.shape == SCALAR and r.prec == PROD and not r.greedy and \
            draw(st.booleans()):
        # a scalar chain is associative: `\alpha x^T y` = \alpha (x^T y)
        if r.tex.startswith((r"\mathbf{1}", "I")):
            # `\alpha \mathbf{1}^T x`: refused (KNOWN_BUGS) -- the size of 1 is not
            # carried past the scalar
            if "lazy-after-scalar" not in EXCLUDE_NOW[0]:
                rt, tags = r.tex, ("lazy-after-scalar",)
        else:
            rt = r.tex
    if op == " " and rt[0].isdigit():
        op = r" \cdot "
    if op == " " and rt.startswith(("(", r"\left(", r"\big(", "|", r"\left|")):
        # `A (x^T)^T` is the Apply (A(x^T))^T; `\tanh x (u)` is \tanh(x(u)): documented
        # readings, not the product we mean. `a |b|` is fine but `|a| |b|` is not.
        if r.prec == POST or not _ends_with_name(lt) or \
                re.search(r"\\(tanh|exp) [^ ]+$", lt) or "|" in lt:
            op = r" \cdot "
    if op == " " and (lt.endswith("|") or rt.startswith("|")):
        op = r" \cdot "
    if op == " " and re.search(r"\\[A-Za-z]+ [^ (){}]+$", lt) and \
            re.search(r"\\(tanh|exp|det|log|ln) [^ ]+$", lt):
        # \tanh x y, \det A x: a factor glued after a bare function's argument has two
        # readings, refused by design (test_bare_function_scope.py)
        op = r" \cdot "
    if op == " " and rt.startswith(("(", r"\left(", r"\big(")) and \
            re.search(r"(?<![A-Za-z\\])e$", lt):
        # e (...): a function e applied, or Euler's number times: refused as two readings
        # (test_e_before_parenthesis_has_two_readings); \pi (...) is pi times
        op = r" \cdot "

    def fn(env, ix, lf=l.fn, rf=r.fn, ls=l.shape, rs=r.shape):
        a, b = lf(env, ix), rf(env, ix)
        if ls == SCALAR or rs == SCALAR:
            return a * b
        if ls[0] == "c" and rs[0] == "r":
            return np.outer(a, b)
        return a @ b
    inner = 1 if (l.shape == SCALAR or r.shape == SCALAR or
                  (l.shape[0] == "c" and r.shape[0] == "r")) else MAXDIM
    lo = l.lo * r.lo if (l.shape == SCALAR or r.shape == SCALAR) else 0.0
    return mk(f"{lt}{op}{rt}", fn, shape, PROD, (l, r), l.mag * r.mag * inner, lo,
              greedy=r.greedy and rt == r.tex, tags=tags)


# ------------------------------------------------------------------ squashing, positivity

def squash(draw, ctx, e: E, bound=BOUND) -> E:
    """Keep magnitudes moderate so that finite differences are accurate."""
    if e.mag <= bound:
        return e
    k = draw(st.integers(0, 2))
    if k == 0:
        return apply_fn(draw, ctx, "tanh", e)
    if k == 1:
        return apply_fn(draw, ctx, "sigma", e)
    # log(1 + e^2): grows slowly, never saturates
    if e.shape == SCALAR:
        tex = rf"\log(1 + {as_base(e)}^2)"
    else:
        if _square(e.shape):
            ctx.doc_tags.add("fn:square")
        tex = rf"\log(1 + {wrap(draw, e, HAD)} \odot {wrap(draw, e, NEG)})"
    return mk(tex, lambda env, ix, f=e.fn: np.log1p(f(env, ix) ** 2), e.shape, ATOM, (e,),
              2 * math.log1p(e.mag) + 1)


def _square(shape) -> bool:
    """A square matrix shape: exp / log of one has two readings (entrywise, or the matrix
    function) unless the text says they apply elementwise (lower/matrixfunctions.py)."""
    return len(shape) == 3 and shape[1] == shape[2]


# the sentence a document gets where exp or log is applied to a square matrix
ENTRYWISE_SENTENCE = "exp and log apply elementwise"


def apply_fn(draw, ctx, name, arg: E) -> E:
    """name(arg) for a function of REFERENCE, its argument fitted to the domain."""
    spellings, npf, domain = REFERENCE[name]
    if domain == "bounded" and arg.mag > EXP_ARG:
        arg = apply_fn(draw, ctx, "tanh", arg)
    if domain == "positive" and arg.lo < POS_LO:
        arg = positive(draw, ctx, arg.shape, arg)
    opts = [s for s in spellings if arg.shape == SCALAR or s not in SCALAR_ONLY_SPELLINGS]
    if arg.tex.lstrip().startswith("|") or arg.tex.rstrip().endswith("|"):
        # |||x||_2^2|: bars beside bars cannot be paired (refused by design)
        opts = [s for s in opts if s != "|{}|"] or opts
    tmpl = draw(st.sampled_from(opts))
    if name in ("exp", "log") and _square(arg.shape):
        ctx.doc_tags.add("fn:square")     # entrywise only where the text says so
    if name == "exp" and arg.shape == SCALAR and ctx.const_names and draw(st.integers(0, 4)) == 0:
        tmpl = "e^{{}}"
    tex = tmpl.replace("{}", arg.tex, 1)
    if name in ("tanh", "exp") and arg.prec == ATOM and re.fullmatch(r"[A-Za-z]", arg.tex) \
            and draw(st.integers(0, 3)) == 0:
        tex = rf"\{name} {arg.tex}"          # \tanh x: no parentheses
        prec = POST
    elif tmpl in UNPARENTHESISED_LOG:
        # \log\Gamma(z)^2 reads as \log(\Gamma(z)^2), as \log x^2 is \log(x^2): a power of
        # the log-gamma needs its braces, {\log\Gamma(z)}^2
        prec = POST
    else:
        prec = ATOM
    if domain == "kink":
        def fn(env, ix, f=arg.fn, g=npf):
            v = f(env, ix)
            env.kink(v)
            return g(v)
    else:
        fn = lambda env, ix, f=arg.fn, g=npf: g(f(env, ix))  # noqa: E731
    mag = {"exp": math.exp(min(arg.mag, 50)), "log": max(abs(math.log(max(arg.lo, 1e-300))),
                                                          math.log(max(arg.mag, 1.0))) + 1,
           "sigma": 1.0, "dsigma": 0.25, "tanh": 1.0, "softplus": arg.mag + 1.0,
           "abs": arg.mag, "sin": 1.0, "cos": 1.0, "arctan": 1.6, "erf": 1.0,
           "sinh": math.sinh(min(arg.mag, 50)), "cosh": math.cosh(min(arg.mag, 50)),
           "relu": arg.mag, "normcdf": 1.0, "step": 1.0, "step0": 1.0,
           # log Γ(x) ~ -log x near 0, ~ x log x far out; ψ(x) ~ -1/x near 0, ~ log x far out
           "lgamma": max(-math.log(max(arg.lo, 1e-300)), math.lgamma(max(arg.mag, 2.0))) + 1,
           "digamma": 1 / max(arg.lo, 1e-300) + math.log(max(arg.mag, 1.0)) + 1}[name]
    lo = {"exp": math.exp(-arg.mag), "sigma": float(sigmoid(-arg.mag)),
          "dsigma": float(dsigmoid(arg.mag)), "softplus": float(softplus(-arg.mag)),
          "normcdf": 0.5 * math.erfc(min(arg.mag, 30) / math.sqrt(2.0))}.get(name, 0.0)
    return mk(tex, fn, arg.shape, prec, (arg,), mag, lo, tags={"fn:" + name})


def positive(draw, ctx, shape, e: E | None = None) -> E:
    """A positive expression of `shape` (entries >= POS_LO), from e when given."""
    if e is None:
        e = expr(draw, ctx, shape, 1)
    k = draw(st.integers(0, 5))
    if k == 0 and shape == ("c", "n") and ctx.on("role:pn"):
        v = ctx.var("pn")
        if v is not None:
            return ctx.leaf(v)
    if k <= 1:
        return apply_fn(draw, ctx, "exp", e)
    if k == 2:
        return apply_fn(draw, ctx, "sigma", e if e.mag <= EXP_ARG else
                        apply_fn(draw, ctx, "tanh", e))
    if k == 3 and ctx.on("fn:softplus"):
        return apply_fn(draw, ctx, "softplus", e if e.mag <= EXP_ARG else
                        apply_fn(draw, ctx, "tanh", e))
    # 1 + e^2
    if e.mag > BOUND:
        e = squash(draw, ctx, e)
    if shape == SCALAR:
        tex = rf"1 + {as_base(e)}^2"
    else:
        one = draw(st.sampled_from(["1", r"\mathbf{1}"])) if shape[0] == "c" else "1"
        tex = rf"{one} + {wrap(draw, e, HAD)} \odot {wrap(draw, e, NEG)}"
    return mk(tex, lambda env, ix, f=e.fn: 1.0 + f(env, ix) ** 2, shape, ADD, (e,),
              1 + e.mag ** 2, 1.0)


def spd(draw, ctx) -> E:
    """A symmetric positive definite n x n expression (eigenvalues >= 1)."""
    k = draw(st.integers(0, 4))
    s = ctx.leaf(ctx.var("spd"))
    if k <= 1:
        return s
    if k == 2:
        b = ctx.leaf(ctx.var("Mnn"))
        tt = draw(st.sampled_from(["^T", r"^\top"]))
        btx = as_base(b)
        return mk(f"{s.tex} + {b.tex} {btx}{tt}",
                  lambda env, ix, f=s.fn, g=b.fn: f(env, ix) + g(env, ix) @ g(env, ix).T,
                  ("M", "n", "n"), ADD, (s, b), s.mag + MAXDIM * b.mag ** 2)
    if k == 3 and ctx.on("ident:I"):
        c = ctx.leaf(ctx.var("Mnm"))
        return mk(f"I + {c.tex} {as_base(c)}^T",
                  lambda env, ix, g=c.fn: np.eye(np.shape(g(env, ix))[0]) + g(env, ix) @ g(env, ix).T,
                  ("M", "n", "n"), ADD, (c,), 1 + MAXDIM * c.mag ** 2, tags={"ident:I"})
    v = expr(draw, ctx, ("c", "n"), 1)
    if v.mag > EXP_ARG:
        v = apply_fn(draw, ctx, "tanh", v)
    return mk(rf"{s.tex} + \operatorname{{Diag}}(\exp({v.tex}))",
              lambda env, ix, f=s.fn, g=v.fn: f(env, ix) + np.diag(np.exp(g(env, ix))),
              ("M", "n", "n"), ADD, (s, v), s.mag + math.exp(v.mag))


# ------------------------------------------------------------------ leaves

def leaf_for(draw, ctx, shape) -> E:
    """An input, a definition or a simple expression of the given shape."""
    refs = []
    for d in ctx.defs:
        if d.shape == shape:
            refs.append((d, False))
        elif d.shape != SCALAR and transpose_shape(d.shape) == shape:
            refs.append((d, True))
    if refs and draw(st.integers(0, 2)) > 0:
        d, tr = draw(st.sampled_from(refs))
        return d.ref(tr)
    if shape == SCALAR:
        k = draw(st.integers(0, 5))
        if k <= 2:
            return ctx.leaf(ctx.var("s"))
        if k == 3:
            return draw_const(draw, ctx)
        v = ctx.leaf(ctx.var("cn"))
        a = ctx.leaf(ctx.var("Mnn"))
        return mk(f"{as_base(v)}^T {a.tex} {v.tex}",
                  lambda env, ix, f=v.fn, g=a.fn: f(env, ix) @ g(env, ix) @ f(env, ix),
                  SCALAR, PROD, (v, a), MAXDIM ** 2 * 3.4)
    kind = shape[0]
    if kind == "c":
        if shape[1] == "n":
            role = draw(st.sampled_from(["cn", "cn", "cn", "pn"] if ctx.on("role:pn") else ["cn"]))
        else:
            role = "cm"
        return ctx.leaf(ctx.var(role))
    if kind == "r":
        c = leaf_for(draw, ctx, ("c", shape[1]))
        tt = draw(st.sampled_from(["^T", "^T", r"^\top", r"^{\mathsf T}", "^{T}"]))
        if re.fullmatch(r"[A-Za-z]\^\{\(\d\)\}", c.tex) and draw(st.integers(0, 5)) == 0:
            # w^{(2)T}: the transpose inside the layer superscript (may be refused)
            return mk(c.tex[:-1] + "T}", lambda env, ix, f=c.fn: f(env, ix), shape, POST, (c,),
                      c.mag, c.lo, tags={"spell:layerT"})
        return mk(as_base(c) + tt, lambda env, ix, f=c.fn: f(env, ix), shape, POST, (c,), c.mag,
                  c.lo)
    _, a, b = shape
    if (a, b) == ("n", "n"):
        if draw(st.integers(0, 4)) == 0 and ctx.on("role:spd"):
            return ctx.leaf(ctx.var("spd"))
        return ctx.leaf(ctx.var("Mnn"))
    if (a, b) == ("n", "m"):
        return ctx.leaf(ctx.var("Mnm"))
    if (a, b) == ("m", "n"):
        c = ctx.leaf(ctx.var("Mnm"))
        return mk(as_base(c) + "^T", lambda env, ix, f=c.fn: f(env, ix).T, shape, POST, (c,),
                  c.mag)
    # m x m
    if draw(st.booleans()):
        u = leaf_for(draw, ctx, ("c", "m"))
        return mk(rf"\operatorname{{Diag}}({u.tex})", lambda env, ix, f=u.fn: np.diag(f(env, ix)),
                  shape, ATOM, (u,), u.mag)
    c = ctx.leaf(ctx.var("Mnm"))
    return mk(rf"{as_base(c)}^T {c.tex}", lambda env, ix, f=c.fn: f(env, ix).T @ f(env, ix), shape,
              PROD, (c,), MAXDIM * c.mag ** 2)


# ------------------------------------------------------------------ matrix expressions

def expr(draw, ctx, shape, depth) -> E:
    if depth <= 0 or draw(st.integers(0, 5)) == 5:
        return leaf_for(draw, ctx, shape)
    sub = lambda s: expr(draw, ctx, s, depth - 1)  # noqa: E731
    dim = st.sampled_from(["n", "m"])
    choices = ["add", "smul", "neg", "fn", "fn", "transpose", "prod", "prod", "prod"]
    if ctx.on("sg"):
        choices += ["sg"]
    if shape != SCALAR:
        choices += ["had", "oslash"]
    else:
        choices += ["trace", "colon", "norm", "ones", "power", "logexp", "frob", "prod",
                    "index", "index", "logdet", "frac", "sqrt", "det", "vpow"]
    if shape and shape[0] == "M" and shape[1] == shape[2]:
        choices += ["diag", "mpow"]
    if shape == ("M", "n", "n"):
        choices += ["inv", "ident"]
    if shape and shape[0] == "c":
        choices += ["diagof", "invsolve", "ones_vec"]
    if shape and shape[0] in "cM" and ctx.on("softmax"):
        choices += ["softmax"]
    if shape == ("c", "m") and ctx.on("family"):
        choices += ["famsum"]
    if shape != SCALAR:
        choices += ["vfrac"]
    if ctx.on("opaque"):
        choices += ["opq"]
    kind = draw(st.sampled_from(choices))

    if kind == "add":
        l, r = sub(shape), sub(shape)
        op = draw(st.sampled_from(["+", "-"]))
        lt, rt = wrap(draw, l, ADD), wrap(draw, r, COLON, greedy_ok=True)
        sign = 1.0 if op == "+" else -1.0
        e = mk(f"{lt} {op} {rt}", lambda env, ix, a=l.fn, b=r.fn, s=sign: a(env, ix) + s * b(env, ix),
               shape, ADD, (l, r), l.mag + r.mag, greedy=r.greedy and rt == r.tex)
    elif kind == "smul":
        body = sub(shape)
        if draw(st.booleans()):
            c = draw_const(draw, ctx)
            bt = wrap(draw, body, POST)
            sep = r" \cdot " if bt[0].isdigit() or bt.startswith("(") or draw(st.booleans()) \
                else " "
            e = mk(f"{c.tex}{sep}{bt}", lambda env, ix, f=body.fn, c=c.fn: c(env, ix) * f(env, ix),
                   shape, PROD, (c, body), c.mag * body.mag)
        else:
            e = product(draw, sub(SCALAR), body, shape)
    elif kind == "neg":
        body = sub(shape)
        e = mk("-" + wrap(draw, body, NEG), lambda env, ix, f=body.fn: -f(env, ix), shape, NEG,
               (body,), body.mag)
    elif kind == "fn":
        body = sub(shape)
        names = [nm for nm, (sp_, _, _) in REFERENCE.items() if sp_ is not None
                 and ctx.on("fn:" + nm)]
        e = apply_fn(draw, ctx, draw(st.sampled_from(names)), body)
    elif kind == "sg":
        body = sub(shape)
        e = mk(rf"\operatorname{{sg}}({body.tex})",
               lambda env, ix, f=body.fn: f(env.frozen(), ix), shape, ATOM, (body,), body.mag,
               body.lo, tags={"sg"})
        e = E(e.tex, e.fn, e.shape, e.prec, frozenset(), e.mag, e.lo, tags=e.tags)
    elif kind == "transpose":
        body = sub(transpose_shape(shape))
        tt = draw(st.sampled_from(["^T", r"^\top", r"^{\mathsf T}", "^{T}"]))
        e = mk(as_base(body) + tt, lambda env, ix, f=body.fn: _t(f(env, ix)), shape, POST,
               (body,), body.mag, body.lo)
    elif kind == "had":
        l, r = sub(shape), sub(shape)
        op = draw(st.sampled_from([r"\odot", r"\circ"]))
        e = mk(f"{wrap(draw, l, HAD)} {op} {wrap(draw, r, NEG)}",
               lambda env, ix, a=l.fn, b=r.fn: a(env, ix) * b(env, ix), shape, HAD, (l, r),
               l.mag * r.mag, l.lo * r.lo)
    elif kind == "oslash":
        l = sub(shape)
        d = positive(draw, ctx, shape)
        e = mk(rf"{wrap(draw, l, HAD)} \oslash {wrap(draw, d, NEG)}",
               lambda env, ix, a=l.fn, b=d.fn: a(env, ix) / b(env, ix), shape, HAD,
               (l, d), l.mag / d.lo, tags={"oslash"})
    elif kind == "diag":
        v = sub(("c", shape[1]))
        name = draw(st.sampled_from([r"\operatorname{Diag}", r"\operatorname{diag}"]))
        e = mk(rf"{name}({v.tex})", lambda env, ix, f=v.fn: np.diag(f(env, ix)), shape, ATOM, (v,),
               v.mag, tags={"Diag"})
    elif kind == "diagof":
        m = sub(("M", shape[1], shape[1]))
        if not ctx.on("inv-diag-same") and any(v.name.use == m.tex for v in ctx.vars.values()
                                               if v.role == "spd"):
            # diag(S) beside S^{-1}: folded to the identity (KNOWN_BUGS); use another matrix
            m = ctx.leaf(ctx.var("Mnn"))
        e = mk(rf"\operatorname{{diag}}({m.tex})", lambda env, ix, f=m.fn: np.diag(f(env, ix)).copy(),
               shape, ATOM, (m,), m.mag, tags={"diag"})
    elif kind == "inv":
        s = spd(draw, ctx)
        if draw(st.integers(0, 3)) == 0:      # X^{-T}, as matcalc prints it
            e = mk(as_base(s) + "^{-T}", lambda env, ix, f=s.fn: np.linalg.inv(f(env, ix)).T,
                   shape, POST, (s,), 1.0, tags={"inv"})
        else:
            e = mk(as_base(s) + "^{-1}", lambda env, ix, f=s.fn: np.linalg.inv(f(env, ix)),
                   shape, POST, (s,), 1.0, tags={"inv"})
    elif kind == "invsolve":   # S^{-1} v
        s = spd(draw, ctx)
        v = sub(shape)
        if shape[1] != "n":
            e = leaf_for(draw, ctx, shape)
        else:
            e = mk(f"{as_base(s)}^{{-1}} {wrap(draw, v, POST)}",
                   lambda env, ix, f=s.fn, g=v.fn: np.linalg.solve(f(env, ix), g(env, ix)), shape,
                   PROD, (s, v), MAXDIM * v.mag, tags={"inv"})
    elif kind == "ident":
        if shape[1] != "n" or not ctx.on("ident:I"):
            e = leaf_for(draw, ctx, shape)
        else:
            m = sub(shape)
            op = draw(st.sampled_from(["+", "-"]))
            s = 1.0 if op == "+" else -1.0
            it = draw(st.sampled_from(["I", "I", rf"I_{{{ctx.dimtex['n']}}}"]))
            tg = {"ident:I"}
            ci = 1.0           # coefficient of I
            if ctx.on("ident:scaled") and draw(st.integers(0, 3)) == 0:
                c = draw(st.sampled_from([(2.0, "2"), (0.5, r"\frac{1}{2}")]))
                ci = c[0]
                it = f"{c[1]} {it}"
                tg.add("ident:scaled")
            if draw(st.booleans()):
                e = mk(f"{wrap(draw, m, ADD)} {op} {it}",
                       lambda env, ix, f=m.fn, s=s * ci: f(env, ix) + s * np.eye(np.shape(f(env, ix))[0]),
                       shape, ADD, (m,), m.mag + 2, tags=tg)
            else:
                e = mk(f"{it} {op} {wrap(draw, m, COLON)}",
                       lambda env, ix, f=m.fn, s=s, ci=ci: ci * np.eye(np.shape(f(env, ix))[0]) + s * f(env, ix),
                       shape, ADD, (m,), m.mag + 2, tags=tg)
    elif kind == "famsum":     # \sum_i z_i: a vector summed over a family
        v = ctx.var("F")
        a = draw(st.sampled_from(GROUPS["n"][:2]))
        e = E(rf"(\sum_{{{a}}} {v.name.use}_{sub_idx(a)})",
              lambda env, ix, k=v.key: env.vals[k].sum(axis=0), shape, ATOM,
              frozenset({v.key}), 1.5 * MAXDIM, tags=v.name.tags | {"family", "sum"})
    elif kind == "vfrac":      # \frac{v}{p}, v / p for a positive scalar p
        v = sub(shape)
        b = positive(draw, ctx, SCALAR)
        if draw(st.booleans()):
            e = mk(rf"\frac{{{v.tex}}}{{{b.tex}}}",
                   lambda env, ix, f=v.fn, g=b.fn: f(env, ix) / g(env, ix), shape, ATOM, (v, b),
                   v.mag / b.lo, tags={"frac"})
        else:
            # a slash binds looser than a product here: a/b c has two readings (refused),
            # so as a factor the quotient is parenthesised
            e = mk(f"{wrap(draw, v, PROD)} / {wrap(draw, b, ATOM)}",
                   lambda env, ix, f=v.fn, g=b.fn: f(env, ix) / g(env, ix), shape, NEG, (v, b),
                   v.mag / b.lo, tags={"div"})
    elif kind == "softmax":    # of a vector, or row-wise of a matrix
        v = sub(shape)
        if v.mag > EXP_ARG:
            v = apply_fn(draw, ctx, "tanh", v)

        def fn(env, ix, f=v.fn):
            z = f(env, ix)
            ez = np.exp(z - np.max(z, axis=-1, keepdims=True))
            return ez / np.sum(ez, axis=-1, keepdims=True)
        e = mk(rf"\operatorname{{softmax}}({v.tex})", fn, shape, ATOM, (v,), 1.0,
               math.exp(-2 * v.mag) / MAXDIM, tags={"softmax"})
    elif kind == "mpow":
        m = sub(shape)
        if m.mag > 3:
            m = squash(draw, ctx, m, 3)
        e = mk(as_base(m) + "^2", lambda env, ix, f=m.fn: f(env, ix) @ f(env, ix), shape, POST,
               (m,), MAXDIM * m.mag ** 2, tags={"mpow"})
    elif kind == "ones_vec":
        # 1 ⊘ p, or v + 1
        if draw(st.booleans()):
            p = positive(draw, ctx, shape)
            one = draw(st.sampled_from([r"\mathbf{1}", rf"\mathbf{{1}}_{{{ctx.dimtex[shape[1]]}}}"]))
            e = mk(rf"{one} \oslash {wrap(draw, p, NEG)}",
                   lambda env, ix, f=p.fn: 1.0 / f(env, ix), shape, HAD, (p,), 1 / p.lo,
                   tags={"ones", "oslash"})
        else:
            v = sub(shape)
            e = mk(rf"{wrap(draw, v, ADD)} + \mathbf{{1}}", lambda env, ix, f=v.fn: f(env, ix) + 1.0,
                   shape, ADD, (v,), v.mag + 1, tags={"ones"})
    elif kind == "prod":
        if shape == SCALAR:
            k = draw(dim)
            if draw(st.booleans()):   # row col
                e = product(draw, sub(("r", k)), sub(("c", k)), shape)
            else:                     # row mat col
                k2 = draw(dim)
                l, mid, r = sub(("r", k)), sub(("M", k, k2)), sub(("c", k2))
                e = product(draw, product(draw, l, mid, ("r", k2)), r, shape)
        elif shape[0] == "c":
            k = draw(dim)
            e = product(draw, sub(("M", shape[1], k)), sub(("c", k)), shape)
        elif shape[0] == "r":
            k = draw(dim)
            e = product(draw, sub(("r", k)), sub(("M", k, shape[1])), shape)
        else:
            _, a, b = shape
            if draw(st.integers(0, 3)) == 0:   # outer product
                e = product(draw, sub(("c", a)), sub(("r", b)), shape)
            else:
                k = draw(dim)
                e = product(draw, sub(("M", a, k)), sub(("M", k, b)), shape)
    elif kind == "trace":
        k = draw(dim)
        m = sub(("M", k, k))
        name = draw(st.sampled_from([r"\operatorname{Tr}", r"\mathrm{tr}", r"\operatorname{tr}",
                                     r"{\rm Trace}"]))
        bare = name != r"{\rm Trace}" and m.prec >= PROD and not m.greedy and \
            not m.tex.startswith(("(", r"\left(")) and \
            not re.search(r"\\cdot|\\times|\*|/", m.tex) and draw(st.integers(0, 3)) == 0
        # \mathrm{tr} A B: a trace written without parentheses takes the whole product after
        # it (greedy, like a \sum), so it is wrapped wherever something follows it
        e = mk(rf"{name} {m.tex}" if bare else rf"{name}({m.tex})",
               lambda env, ix, f=m.fn: float(np.trace(f(env, ix))), SCALAR,
               PROD if bare else ATOM, (m,), MAXDIM * m.mag, greedy=bare,
               tags={"bare-trace"} if bare else ())
    elif kind == "colon":
        s = draw(st.sampled_from([("M", "n", "n"), ("M", "n", "m"), ("M", "m", "n"),
                                  ("c", "n"), ("c", "m"), ("r", "n")]))
        l, r = sub(s), sub(s)
        e = mk(f"{wrap(draw, l, COLON)} : {wrap(draw, r, HAD)}",
               lambda env, ix, a=l.fn, b=r.fn: float(np.sum(a(env, ix) * b(env, ix))), SCALAR,
               COLON, (l, r), MAXDIM ** 2 * l.mag * r.mag, tags={"colon"})
    elif kind == "norm":
        v = sub(draw(st.sampled_from([("c", "n"), ("c", "m"), ("r", "n")])))
        if draw(st.integers(0, 2)) == 0:     # \|v\| (a kink at v = 0)
            sq = draw(st.sampled_from(["", "_2"]))

            def fn(env, ix, f=v.fn):
                n = float(np.sqrt(np.sum(f(env, ix) ** 2)))
                env.kink(n)
                return n
            e = mk(rf"\|{v.tex}\|{sq}", fn, SCALAR, ATOM, (v,), MAXDIM * v.mag, tags={"norm"})
        else:
            sq = draw(st.sampled_from(["^2", "^{2}", "_2^2"]))
            bar, tg = r"\|", ()
            if ctx.on("spell:||") and "|" not in v.tex and draw(st.integers(0, 4)) == 0:
                bar, tg = "||", ("spell:||",)
            e = mk(rf"{bar}{v.tex}{bar}{sq}", lambda env, ix, f=v.fn: float(np.sum(f(env, ix) ** 2)),
                   SCALAR, POST, (v,), MAXDIM * v.mag ** 2, tags=tg)
    elif kind == "frob":
        s = draw(st.sampled_from([("M", "n", "n"), ("M", "n", "m")]))
        v = sub(s)
        if draw(st.booleans()):
            e = mk(rf"\|{v.tex}\|_F^2", lambda env, ix, f=v.fn: float(np.sum(f(env, ix) ** 2)),
                   SCALAR, POST, (v,), MAXDIM ** 2 * v.mag ** 2)
        else:
            def fn(env, ix, f=v.fn):
                n = float(np.sqrt(np.sum(f(env, ix) ** 2)))
                env.kink(n)
                return n
            e = mk(rf"\|{v.tex}\|_F", fn, SCALAR, ATOM, (v,), MAXDIM * v.mag, tags={"norm"})
    elif kind == "ones":
        d = draw(dim)
        v = sub(("c", d))
        one = draw(st.sampled_from([r"\mathbf{1}", rf"\mathbf{{1}}_{{{ctx.dimtex[d]}}}"]))
        if draw(st.integers(0, 3)) == 0:
            e = mk(rf"{as_base(v)}^T {one}", lambda env, ix, f=v.fn: float(np.sum(f(env, ix))),
                   SCALAR, PROD, (v,), MAXDIM * v.mag, tags={"ones"})
        else:
            e = mk(rf"{one}^T {wrap(draw, v, POST, greedy_ok=True)}",
                   lambda env, ix, f=v.fn: float(np.sum(f(env, ix))), SCALAR, PROD, (v,),
                   MAXDIM * v.mag, tags={"ones"})
            if draw(st.integers(0, 4)) == 0:
                # a scalar before it: `\alpha \mathbf{1}^T v` (or `\alpha (\mathbf{1}^T v)`)
                c = leaf_for(draw, ctx, SCALAR) if draw(st.booleans()) else draw_const(draw, ctx)
                if c.prec < PROD or c.greedy:
                    c = E("(" + c.tex + ")", c.fn, c.shape, ATOM, c.vars, c.mag, c.lo,
                          tags=c.tags)
                if ctx.on("lazy-after-scalar"):
                    tex, tg = f"{c.tex} {e.tex}", {"lazy-after-scalar"}
                else:
                    tex, tg = f"{c.tex} \\cdot ({e.tex})", set()
                e = mk(tex, lambda env, ix, f=c.fn, g=e.fn: f(env, ix) * g(env, ix), SCALAR, PROD,
                       (c, e), c.mag * e.mag, tags=tg)
    elif kind == "power":
        s = sub(SCALAR)
        if s.mag > 4:
            s = squash(draw, ctx, s, 4)
        p = draw(st.sampled_from([2, 3, 2]))
        pt = draw(st.sampled_from([f"^{p}", f"^{{{p}}}"]))
        e = mk(as_base(s) + pt, lambda env, ix, f=s.fn, p=p: f(env, ix) ** p, SCALAR, POST, (s,),
               s.mag ** p)
    elif kind == "vpow":     # positive ^ {exponent}: constant fractions, negatives, variables
        b = positive(draw, ctx, SCALAR)
        if b.mag > 10:
            b = positive(draw, ctx, SCALAR, squash(draw, ctx, b, 3))
        k = draw(st.integers(0, 4))
        if k <= 2:
            p, pt = draw(st.sampled_from([(0.5, "^{1/2}"), (0.5, "^{0.5}"), (-1.0, "^{-1}"),
                                          (-2.0, "^{-2}"), (1.5, "^{3/2}")]))
            pe = const_e(p, "")
        else:
            pe = sub(SCALAR)
            if pe.mag > 2:
                pe = apply_fn(draw, ctx, "tanh", pe)
            pt = "^{" + pe.tex + "}"
        e = mk(f"({b.tex}){pt}" if b.prec < ATOM or "^" in b.tex else as_base(b) + pt,
               lambda env, ix, f=b.fn, g=pe.fn: f(env, ix) ** g(env, ix), SCALAR, POST, (b, pe),
               max(b.mag, 1 / b.lo) ** max(2.0, pe.mag), tags={"vpow"})
    elif kind == "sqrt":
        b = positive(draw, ctx, SCALAR)
        e = mk(rf"\sqrt{{{b.tex}}}", lambda env, ix, f=b.fn: np.sqrt(f(env, ix)), SCALAR, ATOM,
               (b,), math.sqrt(b.mag) + 1, math.sqrt(b.lo), tags={"sqrt"})
    elif kind == "frac":
        a = sub(SCALAR)
        b = positive(draw, ctx, SCALAR)
        if draw(st.booleans()):
            e = mk(rf"\frac{{{a.tex}}}{{{b.tex}}}", lambda env, ix, f=a.fn, g=b.fn: f(env, ix) / g(env, ix),
                   SCALAR, ATOM, (a, b), a.mag / b.lo, tags={"frac"})
        else:
            e = mk(f"{wrap(draw, a, PROD)} / {wrap(draw, b, ATOM)}",
                   lambda env, ix, f=a.fn, g=b.fn: f(env, ix) / g(env, ix), SCALAR, NEG, (a, b),
                   a.mag / b.lo, tags={"div"})
    elif kind == "det":
        s = spd(draw, ctx)
        e = mk(rf"\det({s.tex})" if s.prec < ATOM or draw(st.booleans()) else rf"\det {s.tex}",
               lambda env, ix, f=s.fn: float(np.linalg.det(f(env, ix))), SCALAR, ATOM, (s,),
               (s.mag * MAXDIM) ** MAXDIM, 1.0, tags={"det"})
        if draw(st.booleans()):
            e = mk(rf"\frac{{1}}{{{e.tex}}}", lambda env, ix, f=e.fn: 1.0 / f(env, ix), SCALAR,
                   ATOM, (e,), 1.0, tags={"frac"})
    elif kind == "logdet":
        s = spd(draw, ctx)
        form = draw(st.sampled_from([r"\log\det({})", r"\log \det\left({}\right)",
                                     r"\log(\det({}))"]))
        e = mk(form.format(s.tex), lambda env, ix, f=s.fn: float(np.linalg.slogdet(f(env, ix))[1]),
               SCALAR, ATOM, (s,), MAXDIM * math.log(s.mag * MAXDIM + 1), tags={"logdet"})
    elif kind == "index":
        e = index_top(draw, ctx, depth)
    elif kind == "opq":
        e = opaque_expr(draw, ctx, shape, depth)
        if e is None:
            e = leaf_for(draw, ctx, shape)
    else:  # logexp: log(1 + exp(s))
        s = sub(SCALAR)
        if s.mag > 30:
            s = squash(draw, ctx, s)
        e = mk(rf"\log(1 + \exp({s.tex}))", lambda env, ix, f=s.fn: np.logaddexp(0.0, f(env, ix)),
               SCALAR, ATOM, (s,), s.mag + 1.0, float(softplus(-s.mag)))
    assert e.shape == shape, (kind, e.shape, shape)
    return squash(draw, ctx, e)


# ------------------------------------------------------------------ arbitrary functions
#
# A function the text leaves arbitrary ("where $f$ is an arbitrary loss function", "$\phi$
# is applied elementwise", or with its derivative \phi'(Z) written): matcalc's generated
# code takes it as callables (f, f_prime, f_prime2, f_d12, f_grad, f_grad2: the keywords
# docs/notation.md documents). The fuzzer draws its OWN smooth instance of each (FAMILIES
# below, independent of matcalc.ops.opaque) and passes the same callables to its evaluator
# and to matcalc's code.

MAX_PARTIAL = 3          # entrywise partials provided (a derivative written, then differentiated)


def _tanh_derivative(t, k):
    """d^k/ds^k tanh(s), written in t = tanh(s) (k <= 3)."""
    u = 1.0 - t * t
    return (t, u, -2.0 * t * u, u * (6.0 * t * t - 2.0))[k]


class EntrywiseFamily:
    """f(x_1..x_a) = A tanh(w.x + c) + x^T Q x / 2 + p.x on scalars, applied entry by entry to
    arrays of one shape: its value and its partials of order <= MAX_PARTIAL."""

    def __init__(self, arity, rng):
        self.arity = arity
        self.A, self.c = rng.uniform(0.5, 1.5), rng.uniform(-0.5, 0.5)
        self.w = rng.uniform(0.5, 1.5, arity) * rng.choice([-1.0, 1.0], arity)
        q = rng.uniform(-0.5, 0.5, (arity, arity))
        self.Q, self.p = (q + q.T) / 2, rng.uniform(-1, 1, arity)

    def partial(self, diff):
        """The partial derivative in the argument positions `diff` (sorted; () is f)."""
        def call(*xs):
            xs = [np.asarray(x, dtype=float) for x in xs]
            t = np.tanh(sum(w * x for w, x in zip(self.w, xs)) + self.c)
            val = self.A * float(np.prod([self.w[i] for i in diff])) * \
                _tanh_derivative(t, len(diff))
            if not diff:
                val = val + sum(0.5 * self.Q[i, j] * xs[i] * xs[j] for i in range(self.arity)
                                for j in range(self.arity)) + \
                    sum(p * x for p, x in zip(self.p, xs))
            elif len(diff) == 1:
                i = diff[0]
                val = val + sum(self.Q[i, j] * xs[j] for j in range(self.arity)) + self.p[i]
            elif len(diff) == 2:
                val = val + self.Q[diff[0], diff[1]]
            return float(val) if np.ndim(val) == 0 else val
        return call


class ScalarFamily:
    """f(A_1..A_a) = sum_i (<C_i, A_i o A_i>/2 + <P_i, A_i>) + softplus(sum_i <W_i, A_i> + c), a
    scalar function of whole arrays, with coefficient arrays drawn per argument and shape;
    and its gradient in each argument (an array shaped like it)."""

    def __init__(self, arity, rng):
        self.arity, self.seed = arity, int(rng.integers(2 ** 31))
        self.c = float(rng.uniform(-0.5, 0.5))

    def coef(self, i, shape):
        g = np.random.default_rng([self.seed, i, *shape])
        size = max(1, int(np.prod(shape)))
        return (g.uniform(0.2, 1.0, shape) / size, g.uniform(-1, 1, shape) / size,
                g.uniform(-1, 1, shape) / math.sqrt(size))

    def _parts(self, xs):
        xs = [np.asarray(x, dtype=float) for x in xs]
        cs = [self.coef(i, x.shape) for i, x in enumerate(xs)]
        s = sum(float(np.sum(W * x)) for (C, P, W), x in zip(cs, xs)) + self.c
        return xs, cs, s

    def value(self, *xs):
        xs, cs, s = self._parts(xs)
        return float(sum(np.sum(C * x * x) / 2 + np.sum(P * x) for (C, P, W), x in zip(cs, xs))
                     + softplus(s))

    def gradient(self, i):
        def call(*xs):
            xs, cs, s = self._parts(xs)
            C, P, W = cs[i]
            return C * xs[i] + P + float(sigmoid(s)) * W
        return call


def fn_keyword(key, kind, arity, diff=(), grad=None):
    """The keyword of a callable by the documented rule: f; f_prime, f_prime2 (one
    argument); f_d1, f_d12 (several); f_grad, f_grad1, f_grad2 (a scalar function of
    arrays)."""
    if kind == "scalar":
        if grad is None:
            return key
        return f"{key}_grad" + ("" if arity == 1 else str(grad + 1))
    if not diff:
        return key
    if arity == 1:
        return f"{key}_prime" + (str(len(diff)) if len(diff) > 1 else "")
    return f"{key}_d" + "".join(str(i + 1) for i in diff)


def function_callables(specs, seed) -> dict:
    """{keyword: callable} of a random instance of each (key, kind, arity) in `specs`."""
    import itertools
    out = {}
    for n, (key, kind, arity) in enumerate(sorted(specs)):
        rng = np.random.default_rng([seed % 2 ** 32, 7919, n])
        if kind == "scalar":
            fam = ScalarFamily(arity, rng)
            out[key] = fam.value
            for i in range(arity):
                out[fn_keyword(key, kind, arity, grad=i)] = fam.gradient(i)
        else:
            fam = EntrywiseFamily(arity, rng)
            for k in range(MAX_PARTIAL + 1):
                for diff in itertools.combinations_with_replacement(range(arity), k):
                    out[fn_keyword(key, kind, arity, diff)] = fam.partial(diff)
    return out


# name of the function (none in a pool: a variable, definition or objective takes another)
FUNCTION_NAMES = [N("f", "f"), N(r"\ell", "ell"), N(r"\phi", "phi"), N(r"\psi", "psi"),
                  N("g", "g"), N(r"\varphi", "varphi")]
# what the text says of it (@ is its name): a loss is a scalar function of its (array)
# arguments, elementwise / an activation is entrywise, neutral says neither (on an array:
# two readings, refused); "none": no sentence, the text writes its derivative instead
SENTENCES = {
    "loss": ["$@$ is an arbitrary loss function", "$@$ is a loss function",
             "$@$ is some smooth scalar function", "$@$ denotes a generic cost function",
             "$@$ is a differentiable real-valued function"],
    "elementwise": ["$@$ is a differentiable function applied elementwise",
                    "$@$ is an activation function", "$@$ is a smooth elementwise function",
                    "$@$ is an arbitrary nonlinearity",
                    "$@$ is any differentiable function, applied entrywise"],
    "neutral": ["$@$ is a differentiable function", "$@$ is an arbitrary function",
                "$@$ is a smooth function", "$@$ is some twice differentiable function"],
}


@dataclass
class Fn:
    name: Name
    arity: int
    kind: str                # "entrywise" | "scalar" (of whole arrays)
    say: str                 # a SENTENCES key, or "none" (its derivative is written)
    sentence: str = ""
    arrays: bool = False     # applied (entrywise) to arrays somewhere
    scalars: bool = False    # applied to scalars somewhere

    def key(self, diff=(), grad=None):
        return fn_keyword(self.name.kw, self.kind, self.arity, diff, grad)


def opaque_fn(draw, ctx, kind, arity, arrays, say=None):
    """An arbitrary function of `kind` and `arity` for an application (to arrays or to
    scalars): one of the document's that may be applied so, or a new one (None when no
    name is left). `say` asks for what the text says of a new one."""
    fits = [f for f in ctx.fns.values() if f.kind == kind and f.arity == arity and
            (say is None or f.say == say) and not (kind == "scalar" and f.say == "neutral") and
            (kind == "scalar" or not arrays or f.say in ("elementwise", "none", say))]
    if fits and draw(st.integers(0, 2)) > 0:
        return draw(st.sampled_from(fits))
    pool = [nm for nm in FUNCTION_NAMES if nm.kw not in ctx.used_kws]
    if not pool:
        return draw(st.sampled_from(fits)) if fits else None
    nm = draw(st.sampled_from(pool))
    if say is None:
        if kind == "scalar":
            say = "loss"
        elif arrays:
            say = draw(st.sampled_from(["elementwise", "none"] if arity == 1 else
                                       ["elementwise"]))
        else:
            say = draw(st.sampled_from(["loss", "neutral", "elementwise"] +
                                       (["none"] if arity == 1 else [])))
    ctx.used_kws.add(nm.kw)
    f = Fn(nm, arity, kind, say, draw(st.sampled_from(SENTENCES[say])).replace("@", nm.use)
           if say in SENTENCES else "")
    ctx.fns[nm.kw] = f
    if say == "none":
        # no sentence: the text writes the derivative, in a definition the objective may or
        # may not use, \phi' of an input (or a definition) of the application's shape
        shape = draw(st.sampled_from([("c", "n"), ("M", "n", "m")])) if arrays else SCALAR
        d = prime_definition(draw, ctx, f, leaf_for(draw, ctx, shape))
        if d is None:
            del ctx.fns[nm.kw]
            return None
    return f


def _fn_paren(draw):
    return draw(st.sampled_from([("(", ")"), ("(", ")"), (r"\left(", r"\right)"),
                                 (r"\big(", r"\big)")]))


def _fit_argument(draw, ctx, a: E) -> E:
    """An argument with entries bounded by EXP_ARG (the families' magnitudes stay moderate)."""
    return apply_fn(draw, ctx, "tanh", a) if a.mag > EXP_ARG else a


def apply_opaque(draw, ctx, f: Fn, args, diff=(), grad=None) -> E:
    """f(args) (or the derivative `diff` of an entrywise f, \\phi'(Z); or the gradient `grad`
    of a scalar f, \\nabla f(D)), with its reference: our callable of that keyword."""
    args = [_fit_argument(draw, ctx, a) for a in args]
    lp, rp = _fn_paren(draw)
    head = f.name.use
    if diff:
        head += draw(st.sampled_from(["'", "'", "^{\\prime}"])) if len(diff) == 1 else "''"
    if grad is not None:
        head = (r"\nabla " if f.arity == 1 else rf"\nabla_{{{grad + 1}}} ") + head
    tex = f"{head}{lp}{', '.join(a.tex for a in args)}{rp}"
    key = f.key(diff, grad)
    scalars = all(a.shape == SCALAR for a in args)
    if f.kind == "entrywise":
        if scalars:
            f.scalars = True
        else:
            f.arrays = True
    m = max(a.mag for a in args)
    if f.kind == "scalar" and grad is None:
        mag, shape = f.arity * (m * m / 2 + 5 * m) + 2, SCALAR
    elif f.kind == "scalar":
        mag, shape = 3.0, args[grad].shape
    elif not diff:
        mag, shape = 1.5 + 0.25 * (f.arity * m) ** 2 + f.arity * m, args[0].shape
    else:
        mag, shape = 1.5 * 1.5 ** len(diff) * 2 + f.arity * m + 1, args[0].shape
    tags = {"opaque", "opaque:" + (("grad-written" if grad is not None else "loss")
                                   if f.kind == "scalar" else
                                   ("scalars" if scalars else "entrywise"))}
    if diff:
        tags.add("opaque:prime")
    if f.kind == "entrywise" and not scalars and f.say == "neutral":
        tags.add("opaque:kind-unsaid")
    if any("opaque" in a.tags for a in args):
        tags.add("opaque:nested")

    def fn(env, ix, key=key, fs=tuple(a.fn for a in args), sc=shape == SCALAR):
        v = env.fns[key](*[g(env, ix) for g in fs])
        return float(v) if sc else v
    return mk(tex, fn, shape, ATOM, args, mag, tags=tags)


def prime_definition(draw, ctx, f: Fn, arg: E):
    """A definition G = \\phi'(arg), added to ctx.defs (its derivative written)."""
    cands = [nm for nm in DEF_NAMES if nm.kw not in ctx.used_kws]
    if not cands:
        return None
    body = apply_opaque(draw, ctx, f, [arg], diff=(0,))
    body = E(body.tex, body.fn, body.shape, body.prec, body.vars, body.mag, body.lo,
             tags=body.tags | {"opaque:prime-def"})
    nm = ctx.new_name(DEF_NAMES)
    ctx.counter += 1
    d = Def(f"d{ctx.counter}", nm, body.shape, body, [(nm.use, body.tex)],
            compute=lambda env, g=body.fn: g(env, {}))
    ctx.defs.append(d)
    return d


ARRAY_SHAPES = [("c", "n"), ("c", "m"), ("r", "n"), ("M", "n", "n"), ("M", "n", "m")]


def opaque_expr(draw, ctx, shape, depth):
    """An application of an arbitrary function giving `shape`, or None (no name left)."""
    sub = lambda s: expr(draw, ctx, s, depth - 1)  # noqa: E731
    if shape == SCALAR:
        how = draw(st.sampled_from(["loss", "loss", "scalars"]))
        if how == "loss" and ctx.on("opaque:loss"):
            arity = draw(st.sampled_from([1, 1, 2]))
            f = opaque_fn(draw, ctx, "scalar", arity, True)
            if f is None:
                return None
            return apply_opaque(draw, ctx, f, [sub(draw(st.sampled_from(ARRAY_SHAPES)))
                                               for _ in range(arity)])
        if not ctx.on("opaque:scalars"):
            return None
        arity = draw(st.sampled_from([1, 1, 2]))
        f = opaque_fn(draw, ctx, "entrywise", arity, False)
        if f is None:
            return None
        args = [sub(SCALAR) for _ in range(arity)]
        prime = f.arity == 1 and ctx.on("opaque:prime") and draw(st.integers(0, 4)) == 0
        return apply_opaque(draw, ctx, f, args, diff=(0,) if prime else ())
    how = draw(st.sampled_from(["entrywise"] * 4 + ["grad", "unsaid"]))
    if how == "grad" and ctx.on("opaque:grad-written"):
        # \nabla f(D): the gradient of a loss as an array (its Hessian is refused)
        arity = draw(st.sampled_from([1, 1, 2]))
        f = opaque_fn(draw, ctx, "scalar", arity, True)
        if f is None:
            return None
        i = draw(st.integers(0, arity - 1))
        args = [sub(shape if k == i else draw(st.sampled_from(ARRAY_SHAPES)))
                for k in range(arity)]
        return apply_opaque(draw, ctx, f, args, grad=i)
    if how == "unsaid" and ctx.on("opaque:kind-unsaid"):
        f = opaque_fn(draw, ctx, "entrywise", 1, True, say="neutral")
        if f is None:
            return None
        return apply_opaque(draw, ctx, f, [sub(shape)])
    if not ctx.on("opaque:entrywise"):
        return None
    arity = draw(st.sampled_from([1, 1, 1, 2]))
    f = opaque_fn(draw, ctx, "entrywise", arity, True)
    if f is None:
        return None
    prime = arity == 1 and ctx.on("opaque:prime") and draw(st.integers(0, 3)) == 0
    return apply_opaque(draw, ctx, f, [sub(shape) for _ in range(arity)],
                        diff=(0,) if prime else ())


def opaque_index(draw, ctx, sub):
    """\\ell(y_i, \\hat y_i), f(x_i): an arbitrary function of entries (index notation)."""
    arity = draw(st.sampled_from([1, 2, 2]))
    f = opaque_fn(draw, ctx, "entrywise", arity, False)
    if f is None:
        return None
    e = apply_opaque(draw, ctx, f, [sub() for _ in range(arity)])
    return E(e.tex, e.fn, e.shape, e.prec, e.vars, e.mag, e.lo, idx=e.idx,
             tags=e.tags | {"opaque:index"})


def whole_loss(draw, ctx, depth):
    """L = f(D) with f "a differentiable function" (kind unsaid): the whole objective, so
    only the scalar reading is well formed. None when no name is left."""
    f = opaque_fn(draw, ctx, "scalar", 1, True, say="neutral")
    if f is None:
        return None
    arg = expr(draw, ctx, draw(st.sampled_from(ARRAY_SHAPES)), depth)
    for _ in range(4):
        if arg.vars:
            break
        arg = leaf_for(draw, ctx, arg.shape)
    if not arg.vars:
        return None     # a constant f(sg(x)) would get a term added: no longer the whole
    e = apply_opaque(draw, ctx, f, [arg])
    return E(e.tex, e.fn, e.shape, e.prec, e.vars, e.mag, e.lo,
             tags=e.tags | {"opaque:whole"})


def opaque_sentences(draw, ctx) -> list:
    """The sentences saying what the document's arbitrary functions are."""
    return [f.sentence for f in ctx.fns.values() if f.sentence]


# ------------------------------------------------------------------ index notation

def sub_idx(*idx):
    if len(idx) == 1:
        return idx[0] if len(idx[0]) == 1 else "{" + idx[0] + "}"
    sep = "," if any("'" in a for a in idx) else ""
    return "{" + sep.join(idx) + "}"


def ileaves(draw, ctx, scope):
    """Candidate leaves in index notation for the indices in scope (thunks)."""
    by = {g: [a for a, gg in scope if gg == g] for g in GROUPS}
    out = [lambda: leaf_for(draw, ctx, SCALAR)]

    def entry(v_or_d, idxs, is_def=False):
        if is_def:
            d = v_or_d
            base, fn0 = d.name.use, (lambda env, d=d: env.defval(d))
            vars_, mag, lo, tags = (frozenset() if d.hold else d.vars), d.mag, d.lo, d.tags
        else:
            v = v_or_d
            base, fn0 = v.name.use, (lambda env, k=v.key: env.vals[k])
            vars_ = frozenset({v.key})
            mag, lo, tags = (1.5 if v.domain != "spd" else 2.0 * MAXDIM), \
                (0.5 if v.domain == "positive" else 0.0), v.name.tags
        form = sub_idx(*idxs)
        if len(idxs) == 2 and "'" not in "".join(idxs) and draw(st.booleans()):
            form = "{%s,%s}" % idxs
        return E(f"{base}_{form}",
                 lambda env, ix, f=fn0, idxs=idxs: float(f(env)[tuple(ix[a] for a in idxs)]),
                 SCALAR, ATOM, vars_, mag, lo, idx=frozenset(idxs), tags=tags | {"index"})

    roles = {"n": ["cn", "pn"] if ctx.on("role:pn") else ["cn"], "m": ["cm"]}
    for g in GROUPS:
        for a in by[g]:
            for role in roles[g]:
                out.append(lambda role=role, a=a: _ivar(draw, ctx, role, entry, (a,)))
    for a in by["n"]:
        for b in by["n"]:
            out.append(lambda a=a, b=b: _ivar(draw, ctx, "Mnn", entry, (a, b)))
        for b in by["m"]:
            out.append(lambda a=a, b=b: _ivar(draw, ctx, "Mnm", entry, (a, b)))
    # family members
    if ctx.on("family"):
        for a in by["n"]:
            out.append(lambda a=a: family_leaf(draw, ctx, a, None))
            for b in by["n"]:
                if a != b:
                    out.append(lambda a=a, b=b: family_leaf(draw, ctx, a, b))
    # entries of definitions
    for d in ctx.defs:
        if not d.name.indexable:
            continue
        gs = _groups_of(d.shape)
        if not gs:
            continue
        if ("use:row-def" in d.tags or d.shape[0] == "r") and not ctx.on("use:row-def"):
            continue
        pos = [(a,) for a in by[gs[0]]] if len(gs) == 1 else \
              [(a, b) for a in by[gs[0]] for b in by[gs[1]]]
        for p in pos:
            out.append(lambda d=d, p=p: entry(d, p, True))
    return out


def _groups_of(shape):
    if shape == SCALAR:
        return ()
    if shape[0] in "cr":
        return (shape[1],)
    return (shape[1], shape[2])


def _ivar(draw, ctx, role, entry, idxs):
    v = ctx.var(role)
    if v is None or not v.name.indexable:
        return None
    return entry(v, idxs)


def family_leaf(draw, ctx, a, b):
    v = ctx.var("F")
    if v is None:
        return None
    z = v.name.use
    if b is None:
        k = draw(st.integers(0, 3))
        if k == 0:
            return E(rf"\|{z}_{sub_idx(a)}\|^2",
                     lambda env, ix, key=v.key, a=a: float(env.vals[key][ix[a]] @ env.vals[key][ix[a]]),
                     SCALAR, ATOM, frozenset({v.key}), 2.25 * MAXDIM, idx=frozenset({a}),
                     tags=v.name.tags | {"family"})
        if k == 1 and ctx.var("Mnm") is not None:
            x, c = ctx.leaf(ctx.var("cn")), ctx.leaf(ctx.var("Mnm"))
            return E(rf"{as_base(x)}^T {c.tex} {z}_{sub_idx(a)}",
                     lambda env, ix, key=v.key, a=a, f=x.fn, g=c.fn:
                     float(f(env, ix) @ g(env, ix) @ env.vals[key][ix[a]]),
                     SCALAR, PROD, x.vars | c.vars | {v.key}, 2.25 * MAXDIM ** 2,
                     idx=frozenset({a}), tags=v.name.tags | x.tags | c.tags | {"family"})
        u = ctx.leaf(ctx.var("cm"))
        return E(rf"{z}_{sub_idx(a)}^T {u.tex}",
                 lambda env, ix, key=v.key, a=a, g=u.fn: float(env.vals[key][ix[a]] @ g(env, ix)),
                 SCALAR, PROD, u.vars | {v.key}, 2.25 * MAXDIM, idx=frozenset({a}),
                 tags=v.name.tags | u.tags | {"family"})
    if draw(st.booleans()):
        return E(rf"{z}_{sub_idx(a)}^T {z}_{sub_idx(b)}",
                 lambda env, ix, key=v.key, a=a, b=b: float(env.vals[key][ix[a]] @ env.vals[key][ix[b]]),
                 SCALAR, PROD, frozenset({v.key}), 2.25 * MAXDIM, idx=frozenset({a, b}),
                 tags=v.name.tags | {"family"})
    return E(rf"\|{z}_{sub_idx(a)} - {z}_{sub_idx(b)}\|^2",
             lambda env, ix, key=v.key, a=a, b=b:
             float(np.sum((env.vals[key][ix[a]] - env.vals[key][ix[b]]) ** 2)),
             SCALAR, ATOM, frozenset({v.key}), 9 * MAXDIM, idx=frozenset({a, b}),
             tags=v.name.tags | {"family"})


def ileaf(draw, ctx, scope):
    opts = ileaves(draw, ctx, scope)
    for _ in range(4):
        e = draw(st.sampled_from(opts))()
        if e is not None:
            return e
    return leaf_for(draw, ctx, SCALAR)


def fresh(draw, scope, group):
    used = {a for a, _ in scope}
    free = [a for a in GROUPS[group] if a not in used]
    return draw(st.sampled_from(free)) if free else None


def ranges_for(draw, ctx, group, a, scope):
    """Bounds of a new index `a` of `group` given outer indices `scope`:
    (head text, (ix, dims) -> range of 0-based values, triangular?)."""
    D = ctx.dimtex[group]
    Dt = D if len(D) == 1 else "{" + D + "}"
    a_ = a if len(a) == 1 else "{" + a + "}"
    opts = [("_" + a_, lambda ix, dm, g=group: range(dm[g]), False),
            ("_{%s=1}^{%s}" % (a, D), lambda ix, dm, g=group: range(dm[g]), False),
            ("_{%s=1}^%s" % (a, Dt), lambda ix, dm, g=group: range(dm[g]), False),
            ("_{%s=2}^{%s}" % (a, D), lambda ix, dm, g=group: range(1, dm[g]), False)]
    for b, g in scope:
        if g == group:
            opts.append(("_{%s=%s+1}^{%s}" % (a, b, D),
                         lambda ix, dm, b=b, g=group: range(ix[b] + 1, dm[g]), True))
            opts.append(("_{%s=1}^{%s}" % (a, b), lambda ix, dm, b=b: range(0, ix[b] + 1), True))
            opts.append(opts[-2])
    return draw(st.sampled_from(opts))


def fix_bigop(ctx, head, rng, tri, body, a, group):
    """Around documented engine restrictions: a triangular sum needs a body that uses its
    index; a bare \\sum_a needs an array subscripted by a."""
    D = ctx.dimtex[group]
    if (tri and a not in body.idx) or ((head == "" or head.startswith("_")) and
                                       "=" not in head and a not in body.idx):
        head = "_{%s=1}^{%s}" % (a, D)
        rng = lambda ix, dm, g=group: range(dm[g])  # noqa: E731
    return head, rng


def make_sum(draw, ctx, head, rng, body, a, group):
    if body.mag * MAXDIM > BOUND * 4:
        body = squash(draw, ctx, body)
    bt = _paren(body.tex, draw(st.integers(0, 1))) if body.prec <= ADD or \
        (body.prec < PROD and not body.greedy) else body.tex
    return mk(r"\sum%s %s" % (head, bt),
              lambda env, ix, f=body.fn, a=a, rng=rng: float(sum(
                  f(env, {**ix, a: i}) for i in rng(ix, env.dims))),
              SCALAR, PROD, (body,), body.mag * MAXDIM, greedy=True, tags={"sum"})


def iexpr(draw, ctx, scope, depth) -> E:
    """A scalar expression in index notation, free indices within scope."""
    if depth <= 0 or draw(st.integers(0, 4)) == 0:
        return ileaf(draw, ctx, scope)
    kinds = ["mul", "mul", "add", "fn", "square", "sum", "sum", "frac"]
    if ctx.on("pow:indexed-exponent"):
        kinds += ["ipow"]
    if ctx.on("prod"):
        kinds += ["prod"]
    if ctx.on("opaque") and ctx.on("opaque:index"):
        kinds += ["opq"]
    if ctx.on("delta") and sum(1 for _, g in scope if g == "n") >= 2 or \
            sum(1 for _, g in scope if g == "m") >= 2:
        kinds += ["delta", "delta"]
    kind = draw(st.sampled_from(kinds))
    sub = lambda: iexpr(draw, ctx, scope, depth - 1)  # noqa: E731
    if kind == "opq":
        e = opaque_index(draw, ctx, sub)
        return e if e is not None else ileaf(draw, ctx, scope)
    if kind == "mul":
        a, b = sub(), sub()
        if a.mag * b.mag > BOUND:
            b = squash(draw, ctx, b, 3)
            if a.mag > BOUND:
                a = squash(draw, ctx, a, 3)
        return product(draw, a, b, SCALAR)
    if kind == "add":
        a, b = sub(), sub()
        op = draw(st.sampled_from(["+", "-"]))
        s = 1.0 if op == "+" else -1.0
        rt = wrap(draw, b, COLON, greedy_ok=True)
        return mk(f"{a.tex} {op} {rt}", lambda env, ix, f=a.fn, g=b.fn, s=s: f(env, ix) + s * g(env, ix),
                  SCALAR, ADD, (a, b), a.mag + b.mag, greedy=b.greedy and rt == b.tex)
    if kind == "fn":
        e = sub()
        names = [nm for nm in ("exp", "sigma", "tanh", "log", "softplus", "dsigma", "abs")
                 if ctx.on("fn:" + nm)]
        return apply_fn(draw, ctx, draw(st.sampled_from(names)), e)
    if kind == "square":
        e = sub()
        if e.mag > 5:
            e = squash(draw, ctx, e, 3)
        return mk(as_base(e) + "^2", lambda env, ix, f=e.fn: f(env, ix) ** 2, SCALAR, POST, (e,),
                  e.mag ** 2)
    if kind == "ipow":      # 2^{e}, (1 + \alpha^2)^{e}: an exponent in index notation
        e = sub()
        if e.mag > 3:
            e = squash(draw, ctx, e, 3)
        if draw(st.booleans()):
            b = const_e(2.0, "2")
        else:
            s_ = ctx.leaf(ctx.var("s"))
            b = mk(rf"(1 + {as_base(s_)}^2)", lambda env, ix, f=s_.fn: 1 + f(env, ix) ** 2, SCALAR,
                   ATOM, (s_,), 3.25, 1.0)
        return mk(f"{b.tex}^{{{e.tex}}}", lambda env, ix, f=b.fn, g=e.fn: f(env, ix) ** g(env, ix),
                  SCALAR, POST, (b, e), 3.25 ** 3, tags={"pow:indexed-exponent"})
    if kind == "frac":
        a, b = sub(), sub()
        if b.mag > 5:
            b = squash(draw, ctx, b, 3)
        return mk(r"\frac{%s}{1 + %s^2}" % (a.tex, as_base(b)),
                  lambda env, ix, f=a.fn, g=b.fn: f(env, ix) / (1 + g(env, ix) ** 2), SCALAR, ATOM,
                  (a, b), a.mag, tags={"frac"})
    if kind == "sum":
        group = draw(st.sampled_from(sorted(GROUPS)))
        a = fresh(draw, scope, group)
        if a is None:
            return ileaf(draw, ctx, scope)
        if draw(st.integers(0, 4)) == 0:      # \sum_{a,b}
            g2 = draw(st.sampled_from(sorted(GROUPS)))
            b = fresh(draw, scope + [(a, group)], g2)
            if b is not None:
                body = iexpr(draw, ctx, scope + [(a, group), (b, g2)], depth - 1)
                if body.mag * MAXDIM ** 2 > BOUND * 4:
                    body = squash(draw, ctx, body)
                bt = _paren(body.tex, 0) if body.prec < PROD else body.tex
                if {a, b} <= body.idx:
                    head = r"\sum_{%s,%s}" % (a, b)
                else:
                    head = r"\sum_{%s=1}^{%s} \sum_{%s=1}^{%s}" % (a, ctx.dimtex[group], b,
                                                                  ctx.dimtex[g2])
                return mk(f"{head} {bt}",
                          lambda env, ix, f=body.fn, a=a, b=b, ga=group, gb=g2: float(sum(
                              f(env, {**ix, a: i, b: j}) for i in range(env.dims[ga])
                              for j in range(env.dims[gb]))),
                          SCALAR, PROD, (body,), body.mag * MAXDIM ** 2, greedy=True,
                          tags={"sum"})
        head, rng, tri = ranges_for(draw, ctx, group, a, scope)
        if ctx.on("bare-sum") and draw(st.integers(0, 7)) == 0:
            # \sum with no index: over the one index of its terms nothing else binds
            head, tri = "", False
            rng = lambda ix, dm, g=group: range(dm[g])  # noqa: E731
        body = iexpr(draw, ctx, scope + [(a, group)], depth - 1)
        head, rng = fix_bigop(ctx, head, rng, tri, body, a, group)
        return make_sum(draw, ctx, head, rng, body, a, group)
    if kind == "delta":
        pairs = [(p, q) for p, gp in scope for q, gq in scope if gp == gq and p < q]
        e = sub()
        p, q = draw(st.sampled_from(pairs))
        if not {p, q} <= e.idx:
            grp = dict(scope)[p]
            an = mk_anchor(draw, ctx, p, grp), mk_anchor(draw, ctx, q, grp)
            an = [x for x in an if x is not None]
            for x in an:
                e = product(draw, x, e, SCALAR)
            if not {p, q} <= e.idx:
                return e
        lt = wrap(draw, e, PROD)
        text = (r"\delta_%s %s" % (sub_idx(p, q), lt)) if draw(st.booleans()) else \
            (r"%s \delta_%s" % (lt, sub_idx(p, q)))
        return mk(text, lambda env, ix, f=e.fn, p=p, q=q: f(env, ix) * float(ix[p] == ix[q]),
                  SCALAR, PROD, (e,), e.mag, tags={"delta"})
    # prod
    group = draw(st.sampled_from(sorted(GROUPS)))
    a = fresh(draw, scope, group)
    if a is None:
        return ileaf(draw, ctx, scope)
    head, rng, tri = ranges_for(draw, ctx, group, a, scope)
    e = iexpr(draw, ctx, scope + [(a, group)], depth - 1)
    if e.mag > 3:
        e = squash(draw, ctx, e, 3)
    form = draw(st.integers(0, 2))
    if form == 0:
        body = mk(r"(1 - \sigma(%s))" % e.tex,
                  lambda env, ix, f=e.fn: 1 - sigmoid(f(env, ix)), SCALAR, ATOM, (e,), 1.0)
    elif form == 1:
        body = mk(r"(2 + \tanh(%s))" % e.tex, lambda env, ix, f=e.fn: 2 + np.tanh(f(env, ix)),
                  SCALAR, ATOM, (e,), 3.0)
    else:
        body = mk(r"\sigma(%s)" % e.tex, lambda env, ix, f=e.fn: sigmoid(f(env, ix)), SCALAR,
                  ATOM, (e,), 1.0)
    head, rng = fix_bigop(ctx, head, rng, tri, body, a, group)
    return mk(r"\prod%s %s" % (head, body.tex),
              lambda env, ix, f=body.fn, a=a, rng=rng: float(np.prod(
                  [f(env, {**ix, a: i}) for i in rng(ix, env.dims)])),
              SCALAR, PROD, (body,), body.mag ** MAXDIM, greedy=True, tags={"prod"})


def mk_anchor(draw, ctx, a, group):
    role = "cn" if group == "n" else "cm"
    v = ctx.var(role)
    if v is None or not v.name.indexable:
        return None
    return E(f"{v.name.use}_{sub_idx(a)}", lambda env, ix, k=v.key, a=a: float(env.vals[k][ix[a]]),
             SCALAR, ATOM, frozenset({v.key}), 1.5, idx=frozenset({a}), tags=v.name.tags)


def index_top(draw, ctx, depth) -> E:
    """A scalar in index notation with no free index (a sum or product over inputs)."""
    group = draw(st.sampled_from(sorted(GROUPS)))
    a = GROUPS[group][0]
    head, rng, tri = ranges_for(draw, ctx, group, a, [])
    body = iexpr(draw, ctx, [(a, group)], max(1, depth - 1))
    head, rng = fix_bigop(ctx, head, rng, tri, body, a, group)
    return make_sum(draw, ctx, head, rng, body, a, group)


# ------------------------------------------------------------------ definitions

def definition(draw, ctx):
    """A definition of random shape (row vectors included), added to ctx.defs."""
    shapes = [SCALAR, ("c", "n"), ("c", "m"), ("M", "n", "n"), ("M", "n", "m")]
    if ctx.on("row-def"):
        shapes += [("r", "n"), ("r", "n"), ("r", "m")]
    entry = ctx.on("entry-def") and draw(st.integers(0, 4)) == 0
    ctx.counter += 1
    key = f"d{ctx.counter}"
    if entry:
        shape = draw(st.sampled_from([("M", "n", "n"), ("M", "n", "m"), ("c", "n"), ("c", "m")]))
        gs = _groups_of(shape)
        idxs = tuple(GROUPS[g][0] if k == 0 else (GROUPS[g][1] if g == gs[0] else GROUPS[g][0])
                     for k, g in enumerate(gs))
        scope = list(zip(idxs, gs))
        body = iexpr(draw, ctx, scope, draw(st.integers(1, 2)))
        missing = [(a, g) for a, g in scope if a not in body.idx]
        for a, g in missing:
            an = mk_anchor(draw, ctx, a, g)
            if an is None:
                return None
            body = mk(f"{wrap(draw, body, ADD)} + {an.tex}",
                      lambda env, ix, f=body.fn, g=an.fn: f(env, ix) + g(env, ix), SCALAR, ADD,
                      (body, an), body.mag + an.mag)
        body = squash(draw, ctx, body)
        nm = ctx.new_name(ENTRY_NAMES if len(gs) == 2 else
                          [n_ for n_ in DEF_NAMES if n_.indexable])
        lhs = f"{nm.use}_{sub_idx(*idxs)}"

        def compute(env, body=body, idxs=idxs, gs=gs):
            shp = tuple(env.dims[g] for g in gs)
            out = np.empty(shp)
            for pos in np.ndindex(*shp):
                out[pos] = body.fn(env, dict(zip(idxs, pos)))
            return out
        body_e = E(body.tex, body.fn, shape, ATOM, body.vars, body.mag, body.lo,
                   tags=body.tags | {"entry-def"})
        d = Def(key, nm, shape, body_e, [(lhs, body.tex)], entry=idxs, compute=compute)
    else:
        shape = draw(st.sampled_from(shapes))
        if shape and shape[0] == "r" and draw(st.integers(0, 2)) == 0:
            # the minimal row-vector definitions: h = x^T, h = x^T A
            c = leaf_for(draw, ctx, ("c", shape[1]))
            body = mk(as_base(c) + "^T", lambda env, ix, f=c.fn: f(env, ix), shape, POST, (c,),
                      c.mag)
            if draw(st.booleans()):
                m = leaf_for(draw, ctx, ("M", shape[1], shape[1]))
                body = product(draw, body, m, shape)
        else:
            body = expr(draw, ctx, shape, draw(st.integers(1, 3)))
        if shape and shape[0] == "r":
            body = E(body.tex, body.fn, body.shape, body.prec, body.vars, body.mag, body.lo,
                     body.greedy, body.idx, body.tags | {"row-def"})
        nm = ctx.new_name(DEF_NAMES)
        d = Def(key, nm, shape, body, [(nm.use, body.tex)],
                compute=lambda env, f=body.fn: f(env, {}))
    if ctx.on("hold") and draw(st.integers(0, 9)) == 0:
        d.hold = True
        d.body = E(d.body.tex, d.body.fn, d.body.shape, d.body.prec, d.body.vars, d.body.mag,
                   d.body.lo, tags=d.body.tags | {"hold"})
    ctx.defs.append(d)
    return d


# ------------------------------------------------------------------ documents

@dataclass
class Case:
    doc: str
    wrt: str                 # as passed to matcalc
    wrt_key: str             # internal key of the variable
    vars: dict               # key -> Var
    dimkw: dict              # "n"/"m" -> keyword
    dimvals: dict            # "n"/"m" -> concrete size
    objective: E
    defs: list
    seed: int
    tags: frozenset = frozenset()
    fspecs: tuple = ()       # (keyword, kind, arity) of each arbitrary function
    must_refuse: bool = False

    @property
    def fns(self) -> dict:
        """The callables of our instance of each arbitrary function (FAMILIES), passed to
        our evaluator and to matcalc's code alike."""
        if "_fns" not in self.__dict__:
            self.__dict__["_fns"] = function_callables(self.fspecs, self.seed)
        return self.__dict__["_fns"]

    @property
    def may_refuse(self):
        return bool(self.tags & MAY_REFUSE) or self.nfkc_clash

    @property
    def nfkc_clash(self):
        """Two variables whose names are one after NFKC (\\text{ﬁ} and \\text{fi}, \\text{𝑥}
        and x): matcalc must refuse the document, never merge them."""
        kws = {v.name.kw for v in self.vars.values()}
        return any(a != b and unicodedata.normalize("NFKC", a) == unicodedata.normalize("NFKC", b)
                   for a in kws for b in kws)

    def point(self, seed=None) -> dict:
        rng = np.random.default_rng(self.seed if seed is None else seed)
        vals = {}
        for k, v in self.vars.items():
            shp = _concrete(v.shape, self.dimvals)
            if v.domain == "positive":
                vals[k] = rng.uniform(0.5, 1.5, shp) if shp else float(rng.uniform(0.5, 1.5))
            elif v.domain == "spd":
                a = rng.uniform(-1, 1, shp)
                vals[k] = a @ a.T / shp[0] + np.eye(shp[0])
            else:
                x = rng.uniform(-1, 1, shp) if shp else float(rng.uniform(-1, 1))
                vals[k] = x
        return vals

    def f(self, vals, base=None, kinks=None) -> float:
        env = Env(vals, vals if base is None else base, self.dimvals, kinks, self.fns)
        return float(self.objective.fn(env, {}))

    def kwargs(self, vals) -> dict:
        """Keyword arguments for matcalc's generated code (keys: expected keywords)."""
        kw = {expected_keyword(self.vars[k].name.kw): v for k, v in vals.items()}
        for g, name in self.dimkw.items():
            kw.setdefault(expected_keyword(name), self.dimvals[g])
        kw.update(self.fns)
        return kw


def expected_keyword(kw: str) -> str:
    """The keyword of a name in generated code, by the rule of issue 6 (written here from
    the rule, not from matcalc): NFKC-normalised as Python reads identifiers (ﬁ -> fi,
    𝑥 -> x), other non-identifier characters as _ (x² -> x2), and a Python keyword, a
    builtin or np given a trailing _ (np -> np_, float -> float_)."""
    import builtins
    import keyword
    kw = unicodedata.normalize("NFKC", kw)
    kw = "".join(c if ("_" + c).isidentifier() else "_" for c in kw)
    if not kw or kw[0].isdigit():
        kw = "_" + kw
    reserved = keyword.iskeyword(kw) or kw == "np" or (
        not kw.startswith("_") and kw in dir(builtins))
    return kw + "_" if reserved else kw


def _concrete(shape, dims):
    if shape == SCALAR:
        return ()
    if shape[0] == "c":
        return (dims[shape[1]],)
    if shape[0] == "F":
        return (dims[shape[1]], dims[shape[2]])
    return (dims[shape[1]], dims[shape[2]])


def _space(draw, ctx, shape, role=None):
    R = draw(st.sampled_from([r"\mathbb{R}"] * 6 + [r"\mathbb R", "R"]))
    if shape == SCALAR:
        return R
    if shape[0] == "c":
        d = ctx.dimtex[shape[1]]
        if role == "cn" and ctx.on("decl:set") and draw(st.integers(0, 9)) == 0:
            return rf"\{{0,1\}}^{{{d}}}"       # treated as real (DESIGN.md)
        if len(d) == 1 and draw(st.booleans()):
            return rf"{R}^{d}"
        return rf"{R}^{{{d}}}"
    a, b = ctx.dimtex[shape[1]], ctx.dimtex[shape[2]]
    x = draw(st.sampled_from([r"\times ", r" \times "]))
    if R == "R":
        # R^{n\times m} declares a vector of length n m (KNOWN_BUGS)
        if ctx.on("spell:R-matrix"):
            ctx.doc_tags.add("spell:R-matrix")
        else:
            R = r"\mathbb{R}"
    return rf"{R}^{{{a}{x}{b}}}"


def _declarations(draw, ctx, used):
    """Declaration clauses (strings), grouped by space."""
    groups: dict = {}
    fams = []
    for v in used:
        if v.shape and v.shape[0] == "F":
            idx = GROUPS["n"][0]
            dots = draw(st.sampled_from([r"\dots", r"\ldots", r"\dots"]))
            sep = draw(st.sampled_from([r", \; ", r",\ ", ", ", r", \quad "]))
            fams.append(rf"{v.name.decl}_{idx} \in {_space(draw, ctx, ('c', 'm'))}{sep}"
                        rf"{idx} = 1,{dots},{ctx.dimtex['n']}")
            continue
        sp_ = _space(draw, ctx, v.shape, v.role)
        if draw(st.integers(0, 2)) == 0:
            sp_ = sp_ + " "       # a different group
        groups.setdefault(sp_, []).append(v)
    clauses = [", ".join(v.name.decl for v in vs) + r" \in " + sp_.strip()
               for sp_, vs in groups.items()]
    clauses = draw(st.permutations(clauses)) if clauses else []
    return list(clauses), fams


def _closure_vars(obj: E, ctx):
    return obj.vars


@st.composite
def cases(draw, exclude=None):
    """A random document and its independent evaluator (a Case)."""
    exclude = frozenset(KNOWN_BUGS) if exclude is None else frozenset(exclude)
    ctx = Ctx(draw, exclude)
    for _ in range(draw(st.integers(0, 3))):
        definition(draw, ctx)
    obj = None
    if ctx.on("opaque") and ctx.on("opaque:whole") and draw(st.integers(0, 11)) == 7:
        obj = whole_loss(draw, ctx, draw(st.integers(1, 3)))      # L = f(D), f unsaid
    whole = obj is not None
    if obj is None:
        obj = expr(draw, ctx, SCALAR, draw(st.integers(1, 4)))
    # mostly use the definitions: a term referencing each unused one
    for d in ctx.defs:
        if whole:
            break
        if not d.name.kw or draw(st.integers(0, 3)) == 0:
            continue
        if not _mentions(obj, d):
            ref = _reduce(draw, ctx, d)
            if ref is not None:
                op = draw(st.sampled_from(["+", "-"]))
                s = 1.0 if op == "+" else -1.0
                rt = wrap(draw, ref, COLON, greedy_ok=True)
                obj = mk(f"{obj.tex} {op} {rt}",
                         lambda env, ix, f=obj.fn, g=ref.fn, s=s: f(env, ix) + s * g(env, ix),
                         SCALAR, ADD, (obj, ref), obj.mag + ref.mag,
                         greedy=ref.greedy and rt == ref.tex)
    if not obj.vars:
        tail = expr(draw, ctx, SCALAR, 1)
        if not tail.vars:
            tail = leaf_for(draw, ctx, SCALAR)
            while not tail.vars:
                tail = ctx.leaf(ctx.var("s"))
        obj = mk(f"{obj.tex} + {wrap(draw, tail, COLON, greedy_ok=True)}",
                 lambda env, ix, f=obj.fn, g=tail.fn: f(env, ix) + g(env, ix), SCALAR, ADD,
                 (obj, tail), obj.mag + tail.mag)
    used_keys = set(obj.vars)
    # inputs that only occur under sg / held definitions still need declaring
    text_all = obj.tex + " ".join(b for d in ctx.defs for _, b in d.lines)
    used = [v for v in ctx.vars.values()]
    wrt_var = ctx.vars[draw(st.sampled_from(sorted(used_keys)))]
    wrt = draw(st.sampled_from([wrt_var.name.kw, wrt_var.name.use]))
    obj_tex, obj_kw = draw(st.sampled_from([o for o in OBJ_NAMES
                                            if o[1] not in ctx.used_kws]))
    tags = set(obj.tags) | set(ctx.dimtags)
    for d in ctx.defs:
        tags |= d.tags
    for v in used:
        tags |= v.name.tags
    if any(v.shape and v.shape[0] == "F" for v in used):
        tags.add("family")

    # ---- the text
    decls, fams = _declarations(draw, ctx, used)
    style = draw(st.sampled_from(["lines", "lines", "dollar", "prose", "align"]))
    sentences = opaque_sentences(draw, ctx)
    square_fn = "fn:square" in ctx.doc_tags
    if (sentences or square_fn) and style == "lines":
        style = "dollar"          # prose beside plain lines: the lines would be prose too
    defeq = lambda: draw(st.sampled_from(["=", "=", "=", ":=", r"\coloneqq"]))  # noqa: E731
    deflines = []
    for d in ctx.defs:
        for lhs, body in d.lines:
            deflines.append((lhs, defeq(), body))
        if d.hold:
            deflines.append((d.name.use, None, r"\text{ constant}"))
    if draw(st.integers(0, 7)) == 0:
        obj_tex = f"{obj_tex}({wrt_var.name.use})"       # f(W) = ...
    deflines.append((obj_tex, "=", obj.tex))
    if draw(st.integers(0, 9)) == 0 and "(" not in obj_tex and not whole:
        # the last definition is the objective: g = 2 f after f = ...
        c = draw(st.sampled_from([(2.0, "2"), (-1.0, "-"), (0.5, r"\frac{1}{2}")]))
        last = ctx.new_name([nm for nm in DEF_NAMES if nm.kw != obj_kw])
        deflines.append((last.use, "=", f"{c[1]} {obj_tex}" if c[1] != "-" else f"-{obj_tex}"))
        obj = E(last.use, lambda env, ix, f=obj.fn, c=c[0]: c * f(env, ix), SCALAR, ATOM, obj.vars,
                obj.mag, tags=obj.tags | {"objective:last"})
        tags.add("objective:last")
    elif style in ("lines", "dollar") and not whole and "f" not in ctx.fns and \
            draw(st.integers(0, 9)) == 0 and \
            not obj.tex.lstrip().startswith(("-", "+")) and \
            not (ctx.defs and _mention_like(obj.tex)) and \
            (ctx.on("objective:bare") or not ctx.defs):
        # after definitions, a bare name or a function of one name (\sigma'(h)) is a
        # mention by design (noted, the last definition is the objective): not generated
        deflines[-1] = (None, None, obj.tex)                # a bare final expression
        if ctx.defs:
            tags.add("objective:bare")
    declsep = draw(st.sampled_from([", ", r", \quad ", r" \quad ", r"\; ", " and ", "\n"]))
    if declsep == r"\; " and any("," in c.split(r" \in ")[0] for c in decls[1:]):
        if ctx.on("sep:semicolon-group"):
            tags.add("sep:semicolon-group")
        else:
            declsep = r" \quad "
    decl_lines = []
    if decls:
        decl_lines.append(declsep.join(decls))
    decl_lines += fams
    def line(l, op, b):
        if l is None:
            return b
        return f"{l} {op} {b}" if op else f"{l} {b}"
    if style == "lines":
        body_lines = [line(*d) for d in deflines]
        if draw(st.integers(0, 6)) == 0 and decl_lines and fams == [] and \
                deflines[-1][0] is not None:
            # declarations after the formulas: `f = ... \quad \text{where } x \in ...`
            sep = draw(st.sampled_from([r" \quad \text{where } ", "\n", r", \quad "]))
            doc = "\n".join(body_lines) + sep + " and ".join(decl_lines)
            tags.add("decl:after")
        else:
            doc = "\n".join(decl_lines + body_lines)
    elif style == "dollar":
        lines = ["$" + ln.replace("\n", "$\n$") + "$" for ln in decl_lines]
        lines += ["$" + line(l, op, b) + "$" for l, op, b in deflines]
        doc = "\n".join(lines)
    elif style == "prose":
        parts = ["Let " + " and ".join("$" + ln.replace("\n", "$, $") + "$" for ln in decl_lines)
                 + "."]
        for l, op, b in deflines[:-1]:
            parts.append("Define $" + (f"{l} {op} {b}" if op else f"{l}{b}") + "$.")
        l, op, b = deflines[-1]
        parts.append("We minimise\n$$" + f"{l} {op} {b}" + "$$")
        doc = "\n".join(parts)
    else:  # align
        rows = []
        for l, op, b in deflines:
            if op is None:
                rows.append(None)
                continue
            rows.append(f"{l} &{op} {b}")
        body_rows = [r for r in rows if r is not None]
        # beside a math environment, lines outside it are prose: the declarations in $...$
        decls = ["$" + ln.replace("\n", "$\n$") + "$" for ln in decl_lines]
        doc = "\n".join(decls) + "\n\\begin{align*}\n" + " \\\\\n".join(body_rows) + \
            "\n\\end{align*}"
        for d in ctx.defs:
            if d.hold:
                doc += f"\n${d.name.use} \\text{{ constant}}$"
    if sentences:
        doc = _with_sentences(draw, doc, style, sentences)
    if square_fn:
        # a sentence of its own: joined to one about an arbitrary f, "elementwise" would
        # say f is applied entrywise too
        doc = doc + "\n" + ENTRYWISE_SENTENCE[0].upper() + ENTRYWISE_SENTENCE[1:] + "."
    if style != "prose" and draw(st.integers(0, 5)) == 0:
        if ctx.on("comment:dollar") and draw(st.booleans()):
            # a $ inside a % comment opens a math region (KNOWN_BUGS)
            doc = doc.replace("\n", " % a comment, with $ and \\mathbb{R}\n", 1)
            tags.add("comment:dollar")
        else:
            doc = doc.replace("\n", " % a comment, with \\mathbb{R} and {\n", 1)
    if style != "prose" and ctx.on("macro") and draw(st.integers(0, 5)) == 0:
        if draw(st.booleans()) and r"\mathbf{1}" in doc:
            macro, doc = "\\def\\o{\\mathbf{1}}", doc.replace(r"\mathbf{1}", r"\o ")
            tags.add("macro")
        elif r"\mathbb{R}" in doc:
            macro, doc = "\\newcommand{\\R}{\\mathbb{R}}", doc.replace(r"\mathbb{R}", r"\R")
            tags.add("macro")
        else:
            macro = None
        if macro and style in ("dollar", "align"):  # math regions: prose around them
            if draw(st.booleans()):
                macro = "$" + macro + "$"
            else:
                # a \def on its own line outside $...$: ignored (the post has math regions)
                tags.add("macro:outside-math")
        if macro:
            doc = macro + "\n" + doc
    for v in ctx.vars.values():
        if v.role == "spd" and v.name.use + "^{-" in doc.replace("{" + v.name.use + "}", v.name.use) \
                and rf"\operatorname{{diag}}({v.name.use})" in doc:
            tags.add("inv-diag-same")
    tags |= ctx.doc_tags
    dimvals = {"n": draw(st.sampled_from([2, 3, 3, 4, 1])),
               "m": draw(st.sampled_from([2, 3, 2, 4, 1]))}
    seed = draw(st.integers(0, 2 ** 32 - 1))
    del text_all
    fspecs = tuple((f.name.kw, f.kind, f.arity) for f in ctx.fns.values())
    # kind unsaid on an array in the objective, and no use on scalars to fix it: two readings
    must_refuse = "opaque:kind-unsaid" in obj.tags and not any(
        f.say == "neutral" and f.scalars for f in ctx.fns.values())
    return Case(doc, wrt, wrt_var.key, dict(ctx.vars), dict(ctx.dimkw), dimvals, obj,
                list(ctx.defs), seed, frozenset(tags), fspecs, must_refuse)


def _with_sentences(draw, doc, style, sentences) -> str:
    """The document with the sentences saying what its arbitrary functions are: after the
    formulas ("where $f$ is ..."), on the last line, or before them ("Let $f$ be ...")."""
    joined = " and ".join(sentences)
    where = draw(st.integers(0, 3))
    if where == 0 and style != "align":
        return doc.rstrip() + ", where " + joined + "."
    if where == 1:
        lets = ". ".join("Let " + re.sub(r"\$ (is|denotes) ", "$ be ", t, 1)
                         for t in sentences)
        return lets + ".\n" + doc
    if where == 2:
        return doc + "\n" + ". ".join(t[0].upper() + t[1:] if t[0].isalpha() else t
                                      for t in sentences) + "."
    return doc + "\nwhere " + joined + "."


def _mention_like(tex: str) -> bool:
    """A bare name, or a function applied to names (\\ell(h, h): two readings, refused):
    what matcalc reads, after definitions, as a mention in prose rather than the objective
    (classify.prose_bare)."""
    name = r"(\\(text|mathrm)\{[^{}]+\}|(\\[A-Za-z]+|[A-Za-z])(\s*\{?\\?[A-Za-z]+\}?)?)('|_\{?[A-Za-z0-9]+\}?|\^\{?\([0-9]\)\}?)*"
    head = r"(\\[A-Za-z]+(\{[A-Za-z]+\})?|[A-Za-z])'*"
    t = re.sub(r"\^(\{\\mathsf T\}|\\top|T|\{T\}|\{\\top\})$", "", tex.strip())  # a name^T too
    if t.startswith("{") and t.endswith("}"):
        t = t[1:-1].strip()                              # {a^{(3)}}^T: the name braced
    return bool(re.fullmatch(name, t) or re.fullmatch(
        head + r"\s*(\\left)?\(\s*" + name + r"(\s*,\s*" + name + r")*\s*(\\right)?\)", t))


def _mentions(e: E, d: Def) -> bool:
    return bool(re.search(r"(?<![A-Za-z\\])" + re.escape(d.name.use) + r"(?![A-Za-z{])", e.tex))


def _reduce(draw, ctx, d: Def):
    """A scalar that uses definition d."""
    r = d.ref(False)
    sh = d.shape
    if sh == SCALAR:
        return r
    if sh[0] == "c":
        how = draw(st.integers(0, 2))
        if how == 0:
            v = leaf_for(draw, ctx, ("r", sh[1]))
            return product(draw, v, r, SCALAR)
        if how == 1:
            return mk(rf"\|{r.tex}\|^2", lambda env, ix, f=r.fn: float(np.sum(f(env, ix) ** 2)),
                      SCALAR, POST, (r,), MAXDIM * r.mag ** 2)
        return mk(rf"\mathbf{{1}}^T {r.tex}", lambda env, ix, f=r.fn: float(np.sum(f(env, ix))),
                  SCALAR, PROD, (r,), MAXDIM * r.mag, tags={"ones"})
    if sh[0] == "r":
        how = draw(st.integers(0, 2))
        if how == 0:        # h y
            v = leaf_for(draw, ctx, ("c", sh[1]))
            return product(draw, r, v, SCALAR)
        if how == 1:        # Tr(h^T h A)
            rt = d.ref(True)
            m = leaf_for(draw, ctx, ("M", sh[1], sh[1]))
            name = draw(st.sampled_from([r"\operatorname{Tr}", r"\mathrm{tr}"]))
            return mk(rf"{name}({rt.tex} {r.tex} {m.tex})",
                      lambda env, ix, f=r.fn, g=m.fn: float(np.trace(np.outer(f(env, ix), f(env, ix)) @ g(env, ix))),
                      SCALAR, ATOM, (r, m), MAXDIM ** 2 * r.mag ** 2 * m.mag)
        return product(draw, r, d.ref(True), SCALAR)     # h h^T
    m = r
    how = draw(st.integers(0, 2))
    if how == 0:
        return mk(rf"\|{m.tex}\|_F^2", lambda env, ix, f=m.fn: float(np.sum(f(env, ix) ** 2)),
                  SCALAR, POST, (m,), MAXDIM ** 2 * m.mag ** 2)
    if how == 1:
        other = leaf_for(draw, ctx, sh)
        return mk(f"{m.tex} : {wrap(draw, other, HAD)}",
                  lambda env, ix, f=m.fn, g=other.fn: float(np.sum(f(env, ix) * g(env, ix))),
                  SCALAR, COLON, (m, other), MAXDIM ** 2 * m.mag * other.mag, tags={"colon"})
    a, b = sh[1], sh[2]
    l = leaf_for(draw, ctx, ("r", a))
    rr = leaf_for(draw, ctx, ("c", b))
    return product(draw, product(draw, l, m, ("r", b)), rr, SCALAR)


# ------------------------------------------------------------------ running a case

def central_difference(f, vals, key, h=1e-4):
    """Fourth-order central differences of the scalar f(vals) wrt vals[key]."""
    x0 = np.array(vals[key], dtype=float)
    flat = x0.reshape(-1)
    out = np.zeros(flat.size)
    for i in range(flat.size):
        hi = h * max(1.0, abs(flat[i]))
        fs = []
        for step in (2, 1, -1, -2):
            xs = flat.copy()
            xs[i] += step * hi
            v = xs.reshape(x0.shape) if x0.shape else float(xs[0])
            fs.append(f({**vals, key: v}))
        out[i] = (-fs[0] + 8 * fs[1] - 8 * fs[2] + fs[3]) / (12 * hi)
    return out.reshape(x0.shape) if x0.shape else float(out[0])


def relative_error(a, b) -> float:
    a, b = np.asarray(a, float), np.asarray(b, float)
    scale = max(1.0, float(np.max(np.abs(b))) if b.size else 1.0)
    return float(np.max(np.abs(a - b)) / scale) if a.size else 0.0


@dataclass
class Outcome:
    status: str              # ok | refused | wrong | exception | skipped
    stage: str = ""
    detail: str = ""
    roundtrip: str = ""      # ok | mismatch | noisy | unreadable | exception | "" (not run)
    roundtrip_detail: str = ""
    text_roundtrip: str = ""  # the same for claim=g.text()
    latex: str = ""
    skip_reason: str = ""

    @property
    def failed(self):
        return self.status in ("wrong", "exception", "slow")

    def signature(self):
        """A short key grouping failures by cause."""
        msg = re.sub(r"line \d+, column \d+: ", "", self.detail.split("\n")[0])
        msg = re.sub(r"'([^']{0,24})[^']*'", r"'\1'", msg)
        msg = re.sub(r"\(ours: .*", "", msg)
        msg = re.sub(r"[-+]?\d[\d.e+-]*", "#", msg)
        return f"{self.status}:{self.stage}:{msg[:90]}"


STAGES = [
    ("latex", lambda g: g.latex()),
    ("text", lambda g: g.text()),
    ("steps", lambda g: g.steps),
    ("derivation-text", lambda g: g.derivation("text")),
    ("derivation-latex", lambda g: g.derivation("latex")),
    ("derivation-markdown", lambda g: g.derivation("markdown")),
    ("repr_latex", lambda g: g._repr_latex_()),
    ("repr_markdown", lambda g: g._repr_markdown_()),
    ("repr", lambda g: repr(g)),
    ("numpy_source", lambda g: g.numpy_source()),
    ("to_numpy", lambda g: g.to_numpy()),
    ("objective_numpy", lambda g: g.objective_numpy()),
]


def known_failure(oc: "Outcome"):
    """The regression test id pinning this failed (or refused) outcome, or None."""
    if not oc.failed and oc.status != "refused":
        return None
    text = oc.signature() + "\n" + oc.detail
    for rx, test_id in KNOWN_SIGNATURES:
        if re.search(rx, text):
            return test_id
    return None


def _exc(e):
    return f"{type(e).__name__}: {e}"


class CaseTimeout(BaseException):
    """A stage ran past the time budget (expression swell, a hang)."""


def run_case(case: Case, roundtrip=True, fd_check=True, budget=None) -> Outcome:
    """Run every stage of matcalc on a case; compare numbers with the case's evaluator.
    `budget` (seconds, main thread only) bounds the whole case: past it the outcome is
    status "slow" at the stage that was running."""
    import signal
    import threading
    if not budget or threading.current_thread() is not threading.main_thread():
        return _run_case(case, roundtrip, fd_check, [""])
    where = [""]

    def alarm(signum, frame):
        raise CaseTimeout()
    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, budget)
    try:
        return _run_case(case, roundtrip, fd_check, where)
    except CaseTimeout:
        return Outcome("slow", where[0], f"more than {budget:g} s (in {where[0]})")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _run_case(case: Case, roundtrip, fd_check, where) -> Outcome:
    import matcalc
    where[0] = "gradient"
    try:
        g = matcalc.gradient(case.doc, wrt=case.wrt)
    except matcalc.MatcalcError as e:
        return Outcome("refused", "gradient", _exc(e))
    except Exception as e:  # noqa: BLE001
        return Outcome("exception", "gradient", _exc(e) + "\n" + _tb(e))
    if case.must_refuse:
        return Outcome("wrong", "gradient", "accepted an arbitrary function of an array whose "
                       "kind the text does not say (a scalar function of the array, or "
                       "entrywise: two readings)")
    # two names that are one after NFKC, accepted: right only if nothing was merged -- the
    # numbers below (our evaluator keeps them apart) and g.inputs say whether it was (the
    # fragment with the raw 𝑥 may be skipped as unreadable when the objective never uses it)
    if case.nfkc_clash and len({case.vars[k].name.kw for k in case.vars}) > len(
            set(g.inputs.values())) and any(
            unicodedata.normalize("NFKC", v.name.kw) in g.inputs.values()
            and v.name.kw not in g.inputs.values() for v in case.vars.values()):
        return Outcome("wrong", "gradient", "two names that are one after NFKC were accepted "
                       f"(merged silently): inputs {g.inputs}")
    results = {}
    for name, stage in STAGES:
        where[0] = name
        try:
            results[name] = stage(g)
        except Exception as e:  # noqa: BLE001
            return Outcome("exception", name, _exc(e) + "\n" + _tb(e))
    latex = results["latex"]
    grad_fn, obj_fn = results["to_numpy"], results["objective_numpy"]
    # ---- inputs: every keyword matcalc asks for must be one of ours
    try:
        inputs = g.inputs
    except Exception as e:  # noqa: BLE001
        return Outcome("exception", "inputs", _exc(e) + "\n" + _tb(e), latex=latex)
    vals = case.point()
    kw_all = case.kwargs(vals)
    unknown = [k for k in inputs.values() if k not in kw_all]
    if unknown:
        return Outcome("wrong", "inputs", f"g.inputs asks for {unknown} (ours: "
                       f"{sorted(kw_all)}; g.inputs = {inputs})", latex=latex)
    kw = {k: kw_all[k] for k in inputs.values()}
    # ---- our numbers
    kinks: list = []
    with np.errstate(all="ignore"):
        try:
            ours = case.f(vals, kinks=kinks)
        except (FloatingPointError, np.linalg.LinAlgError, OverflowError, ZeroDivisionError):
            return Outcome("skipped", skip_reason="evaluator failed", latex=latex)
    if not np.isfinite(ours) or abs(ours) > 1e8:
        return Outcome("skipped", skip_reason="objective not finite / too large", latex=latex)
    if kinks and min(kinks) < 1e-2:
        return Outcome("skipped", skip_reason="near a kink (|.| or a norm near 0)", latex=latex)
    # ---- generated code
    where[0] = "call"
    try:
        with np.errstate(all="ignore"):
            got = grad_fn(**kw)
            theirs = obj_fn(**kw)
    except Exception as e:  # noqa: BLE001
        return Outcome("exception", "call", _exc(e) + "\n" + _tb(e), latex=latex)
    try:
        theirs = float(np.asarray(theirs, dtype=float))
    except (TypeError, ValueError) as e:
        return Outcome("wrong", "objective", f"objective is not a scalar: {e}: "
                       f"shape {np.shape(theirs)}", latex=latex)
    if not math.isclose(theirs, ours, rel_tol=1e-9, abs_tol=1e-9):
        return Outcome("wrong", "objective", f"generated objective {theirs!r}, ours {ours!r}",
                       latex=latex)
    if fd_check:
        where[0] = "finite differences (ours)"
        var = case.vars[case.wrt_key]
        f = lambda v: case.f(v, base=vals)  # noqa: E731
        with np.errstate(all="ignore"):
            want = central_difference(f, vals, case.wrt_key)
            want2 = central_difference(f, vals, case.wrt_key, h=2e-4)
        if not np.all(np.isfinite(want)):
            return Outcome("skipped", skip_reason="finite differences not finite", latex=latex)
        if relative_error(want, want2) > 1e-8:
            # two step sizes disagree: the objective is not smooth enough here
            return Outcome("skipped", skip_reason="finite differences unreliable", latex=latex)
        got_a = np.asarray(got, dtype=float) if np.ndim(got) or np.isscalar(got) or \
            isinstance(got, np.ndarray) else got
        want_shape = _concrete(var.shape, case.dimvals)
        if np.shape(got_a) != tuple(want_shape):
            return Outcome("wrong", "gradient-shape", f"gradient shape {np.shape(got_a)}, "
                           f"expected {tuple(want_shape)}", latex=latex)
        if not np.all(np.isfinite(got_a)):
            return Outcome("wrong", "gradient", f"gradient not finite: {got_a!r} (want {want!r})",
                           latex=latex)
        err = relative_error(got_a, want)
        if err >= 1e-6:
            return Outcome("wrong", "gradient", f"relative error {err:.3g}\n"
                           f"matcalc: {results['text']}\ngot  {np.round(got_a, 6)!r}\n"
                           f"want {np.round(want, 6)!r}", latex=latex)
    out = Outcome("ok", latex=latex)
    if roundtrip:
        want_here = want if fd_check else np.asarray(got, dtype=float)
        for form in ("latex", "text"):
            where[0] = f"check (round trip of g.{form}())"
            rt, detail, read = round_trip(case, results[form])
            if rt == "mismatch":
                # check() says the printed result is another function: at OUR point (safe
                # domain, bounded magnitudes) is it? If not, a wrong printed answer.
                agrees, here = printed_at(case, g, results[form], kw, want_here)
                if not agrees and form == "text" and _word_names_in(g, results[form]):
                    # plain text writes the name \text{np} as np, which LaTeX reads n p:
                    # ambiguous by nature of plain text (the LaTeX form is \mathrm{np})
                    out.text_roundtrip = "ambiguous (a multi-letter name in plain text)"
                    continue
                if not agrees and form == "text" and _one_glyph_names(case.doc):
                    # \phi and \varphi both print φ in plain text (\epsilon, \varepsilon:
                    # ε): two names of the document, one glyph -- ambiguous by nature of
                    # plain text (the LaTeX form keeps them apart)
                    out.text_roundtrip = "ambiguous (two names print one glyph)"
                    continue
                if not agrees:
                    return printed_wrong(form, results[form], read, detail, here, results)
                rt, detail = "noisy", "check's points only (right at the fuzz point): " + detail
            if form == "latex":
                out.roundtrip, out.roundtrip_detail = rt, detail
            else:
                out.text_roundtrip = rt
                if rt == "exception":
                    out.roundtrip, out.roundtrip_detail = rt, detail
    return out


def _word_names_in(g, text: str) -> bool:
    """Does the plain text use one of the document's multi-letter names (\\text{np})?"""
    for latex in getattr(g.problem, "latex", {}).values():
        m = re.fullmatch(r"\\(?:mathrm|text|operatorname)\{([A-Za-z]{2,})\}", latex or "")
        if m and re.search(r"(?<![A-Za-z])" + m.group(1) + r"(?![A-Za-z])", text):
            return True
    return False


def _one_glyph_names(doc: str) -> bool:
    """Does the document write two Greek commands the plain text prints as one glyph?"""
    from matcalc.names import GREEK
    glyphs: dict = {}
    for cmd, glyph in GREEK.items():
        if re.search(r"\\" + cmd + r"(?![A-Za-z])", doc):
            glyphs.setdefault(glyph, set()).add(cmd)
    return any(len(cmds) > 1 for cmds in glyphs.values())


def printed_at(case: Case, g, printed: str, kw: dict, want) -> tuple:
    """(does the printed result, read back as a claim, equal `want` -- the finite
    differences of our evaluator -- at our point `kw`?, its values there)."""
    from matcalc.api import _document
    from matcalc.check import Judge, _claim_value
    import matcalc
    try:
        judge = Judge(_document(case.doc), g, trials=1)
        judge.points = [kw]
        value, index_syntax, helpers = _claim_value(printed)
        _, vals = judge.evaluate(value, index_syntax, helpers, printed)
    except matcalc.MatcalcError as e:
        return False, _exc(e)
    here = np.asarray(vals[0], dtype=float)
    want = np.asarray(want, dtype=float)
    ok = here.shape == want.shape and bool(np.all(np.isfinite(here))) and \
        relative_error(here, want) < 1e-6
    return ok, np.round(here, 6)


def round_trip(case: Case, printed: str):
    """check(doc, wrt, claim=printed): (ok | mismatch | unreadable | exception, the message,
    the claim as matcalc read it back, re-printed in LaTeX)."""
    import matcalc
    try:
        res = matcalc.check(case.doc, case.wrt, claim=printed)
    except matcalc.MatcalcError as e:
        return "unreadable", _exc(e), ""
    except Exception as e:  # noqa: BLE001
        return "exception", _exc(e) + "\n" + _tb(e), ""
    return ("ok" if res.ok else "mismatch"), res.message, res.claim_latex


def printed_wrong(form, printed, read, message, here, results) -> "Outcome":
    """A printed result (g.latex() or g.text()) that matcalc reads back as a different
    function, while the generated code is right (it matched finite differences): the
    worst class, `wrong`. Either the printed form means something else (a renderer bug:
    a silently wrong printed answer) or the reader misreads matcalc's own output -- the
    detail shows the printed form and how it was read, for the triage."""
    return Outcome("wrong", f"printed {form}",
                   f"the printed result reads back as a different function: "
                   f"{message.splitlines()[0]}\nprinted ({form}): {printed}\n"
                   f"read back as: {read}\nits value at the fuzz point: {here!r}\n"
                   f"text: {results['text']}", latex=results["latex"])


def _tb(e):
    tb = traceback.extract_tb(e.__traceback__)
    frames = [f for f in tb if "matcalc" in f.filename or "generated" in f.filename]
    return " <- ".join(f"{f.filename.rsplit('/', 1)[-1]}:{f.lineno} {f.name}"
                       for f in reversed(frames[-4:]))


def known_roundtrip_exception(oc: "Outcome"):
    """The regression test pinning a non-Matcalc exception raised by check(), or None."""
    if oc.roundtrip != "exception":
        return None
    return known_failure(Outcome("exception", "check", oc.roundtrip_detail))


# ------------------------------------------------------------------ long runs

def main(argv=None):
    """Fuzz for a time budget; print counts and every distinct failure, minimised."""
    import argparse
    import collections
    import json

    from hypothesis import HealthCheck, given, seed as hseed, settings, find

    ap = argparse.ArgumentParser()
    ap.add_argument("--minutes", type=float, default=20.0)
    ap.add_argument("--exclude-known", action="store_true",
                    help="leave out constructs of KNOWN_BUGS (default: generate everything)")
    ap.add_argument("--out", default="/tmp/matcalc_fuzz.jsonl")
    ap.add_argument("--minimise", action="store_true",
                    help="shrink an example of each failure class with hypothesis.find (slow)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--budget", type=float, default=60.0,
                    help="seconds per document before it counts as a failure (status slow)")
    args = ap.parse_args(argv)
    exclude = frozenset(KNOWN_BUGS) if args.exclude_known else frozenset()
    counts = collections.Counter()
    rt_counts = collections.Counter()
    unread = collections.Counter()
    refusals = collections.Counter()
    failures: dict = {}
    deadline = time.time() + 60 * args.minutes
    t0 = time.time()
    out = open(args.out, "w")

    def record(sig, case, detail):
        d, w, det, c = failures.get(sig, (case.doc, case.wrt, detail, 0))
        if len(case.doc) < len(d):
            d, w, det = case.doc, case.wrt, detail
        failures[sig] = (d, w, det, c + 1)

    def body(case):
        if time.time() > deadline:
            return
        counts["generated"] += 1
        t1 = time.time()
        oc = run_case(case, budget=args.budget)
        counts[oc.status] += 1
        if oc.status != "refused":
            counts["accepted"] += 1
        if oc.status == "skipped":
            counts["skipped: " + oc.skip_reason] += 1
        known = known_failure(oc)
        if known:
            counts["known signature"] += 1
        if oc.status == "refused":
            refusals[oc.signature()] += 1
            if case.may_refuse:
                counts["refused (may-refuse construct)"] += 1
            elif not known:
                counts["refused a supported document"] += 1
                record("refused:" + oc.signature(), case, oc.detail)
        if oc.failed:
            record(oc.signature(), case, oc.detail)
        if oc.text_roundtrip:
            rt_counts["text " + oc.text_roundtrip] += 1
        if oc.roundtrip:
            rt_counts[oc.roundtrip] += 1
            if oc.roundtrip not in ("ok", "noisy"):
                # every failed round trip is a failure (what matcalc prints it reads back)
                sig = "roundtrip-" + oc.roundtrip + ":" + re.sub(
                    r"[-+]?\d[\d.e+-]*", "#", oc.roundtrip_detail.split("\n")[0])[:80]
                unread[sig] += 1
                record(sig, case, oc.roundtrip_detail + "\nlatex: " + oc.latex)
        out.write(json.dumps({"doc": case.doc, "wrt": case.wrt, "status": oc.status,
                              "stage": oc.stage, "detail": oc.detail[:500], "known": known,
                              "may_refuse": case.may_refuse, "tags": sorted(case.tags),
                              "roundtrip": oc.roundtrip, "latex": oc.latex,
                              "rt_detail": oc.roundtrip_detail[:300],
                              "skip": oc.skip_reason, "seconds": time.time() - t1}) + "\n")

    run = 0
    while time.time() < deadline:
        run += 1
        test = settings(max_examples=500, deadline=None, database=None,
                        suppress_health_check=list(HealthCheck))(
            given(cases(exclude=exclude))(body))
        test = hseed(args.seed * 100003 + run)(test)
        test()
        elapsed = time.time() - t0
        print(f"[{elapsed/60:.1f} min] {dict(counts)} roundtrip {dict(rt_counts)} "
              f"distinct failures {len(failures)}", flush=True)
    out.close()
    print("\n==== counts", dict(counts))
    print("==== round trip", dict(rt_counts))
    print("==== failed round trips (each also under failures)", dict(unread))
    print("==== refusals")
    for sig, c in refusals.most_common():
        print(f"  {c:6d}  {sig}")
    print("==== failures")
    for sig, (d, w, det, c) in sorted(failures.items(), key=lambda kv: -kv[1][3]):
        print(f"\n---- [{c}] {sig}\nwrt={w!r}\n{d}\n  -> {det[:400]}")
        if args.minimise and not sig.startswith(("roundtrip", "refused")):
            try:
                small = find(cases(exclude=exclude),
                             lambda cs, sig=sig: run_case(cs, roundtrip=False).signature() == sig,
                             settings=settings(max_examples=3000, deadline=None, database=None,
                                               suppress_health_check=list(HealthCheck)))
                print(f"  minimised: wrt={small.wrt!r}\n{small.doc}")
            # hypothesis.find shrinks towards the smallest document with the same signature
            except Exception as e:  # noqa: BLE001
                print("  (not minimised:", type(e).__name__, ")")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(__import__("pathlib").Path(__file__).resolve().parents[1]))
    sys.exit(main())
