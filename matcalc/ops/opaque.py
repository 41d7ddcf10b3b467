r"""Functions the document leaves arbitrary: ``L = f(D)``, "f is an arbitrary loss function";
``F = \phi(Z), G = \phi'(Z)``. One class block each (see `ops/linalg.py` for what a block
holds), and the random instances that give them numbers.

Contract. An `Opaque` names such a function: its keyword `key` (``f``, ``phi``), its
LaTeX `latex` and the number of its arguments `arity`. Two kinds of node use it:

- `Unknown(fn, args, diff)`: the scalar function fn: Rᵃ → R applied entrywise to the
  arguments `args` (all of one shape), differentiated once by the argument at each position
  listed in `diff` (a sorted tuple; () is f itself, (0,) is f', (0, 0) is f'', (0, 1) is
  ∂₁∂₂f). Its differential is Σᵢ Unknown(fn, args, diff + (i,)) ⊙ dargᵢ, so every order
  exists. It prints ``f'(Z)``, ``f''(Z)``, ``f^{(3)}(Z)`` for one argument and
  ``\partial_{1} f(a, b)`` for several.
- `UnknownOf(fn, args)`: a scalar function of whole arrays (a loss of a matrix) and
  `UnknownGrad(fn, args, i)`, its gradient in the i-th argument, an array of that
  argument's shape (``\nabla f(D)``; ``\nabla_{2} f(D, E)`` for several arguments). The
  gradient has no differential here: a second derivative of an arbitrary function of an
  array (a Hessian through it) is refused with a `MatcalcError`.

Generated code takes each function it calls as a keyword argument, a callable named by
`keyword(node)`: ``f``; ``f_prime``, ``f_prime2``, ``f_prime3`` (entrywise derivatives);
``f_d1``, ``f_d12`` (partials of an entrywise function of several arguments); ``f_grad``,
``f_grad1``, ``f_grad2`` (gradients of a scalar function of arrays). An entrywise callable
maps arrays entrywise (as NumPy's ufuncs do); a scalar function's callable returns a number,
its gradient an array shaped like that argument.

`instance(fn, kind, seed)` is a random smooth function of the given kind with ALL of those
callables (value and derivatives up to order MAX_ORDER), consistent with each other: the
checks (`numeric.sample_inputs`) put it in for the function, so a gradient that holds for
every f is checked at a random one.
"""
from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np
import sympy as sp

from ..ir import IRError, Node, same_dim
from ..rules import Rule
from .registry import node_op

MAX_ORDER = 3       # the derivatives an instance provides (entrywise functions)


@dataclass(frozen=True)
class Opaque:
    """An arbitrary function of the document: keyword, LaTeX name, number of arguments."""
    key: str
    latex: str
    arity: int


def _name(fn, r):
    """The function's name in the printer's style (φ in text, \\phi in LaTeX)."""
    if r.is_latex:
        return fn.latex
    from ..render.printer import _latex_to_text
    return _latex_to_text(fn.latex)


def _sum_over_arguments(node, d, term):
    """The differential Σᵢ term(i, argᵢ, dargᵢ) over the arguments that vary (None if none)."""
    from ..ir import add
    terms = [term(i, a, d(a)) for i, a in enumerate(node.args) if d(a) is not None]
    return add(terms) if terms else None


def _call(r, head, args):
    """``head(a, b)`` in the printer's style; a zero array argument keeps its shape
    (``\\psi(d, 0 \\mathbf{1}_{n})``: a bare 0 would read back as a scalar)."""
    inner = ", ".join(r.arg(r._present(a))[0] for a in args)
    return f"{head}{r.t['lp']}{inner}{r.t['rp']}", r.ATOM


def _entry_call(r, head, args, idx, used):
    inner = ", ".join(r.entry(a, idx, used)[0] for a in args)
    return f"{head}{r.t['lp']}{inner}{r.t['rp']}", r.ATOM


# ------------------------------------------------------------------ entrywise

def _of_constant_arrays(node):
    """f(c 1) = f(c) 1: an entrywise function of arrays each of whose entries is one number
    is that number's value on every entry. (Printed as f(0), the argument a zero vector,
    f(x - x) read back as a scalar.)"""
    from ..ir import contract, filled, ones
    if not isinstance(node, Unknown) or not node.shape:
        return None
    cs = [filled(a) for a in node.args]
    if any(c is None for c in cs):
        return None
    labels = tuple(range(len(node.shape)))
    return contract([Unknown(node.fn, tuple(cs), node.diff), ones(node.shape)],
                    [(), labels], labels)


@node_op
class Unknown(Node):
    """An arbitrary scalar function applied entrywise, or one of its partial derivatives."""
    _fields = ("fn", "args", "diff")
    examples = (dict(doc=r"$Z, Y \in \mathbb{R}^{m\times n}$ and $L = \operatorname{Tr}(Y^T "
                         r"\phi(Z))$, where $\phi$ is a differentiable function applied "
                         r"elementwise.",
                     wrt="Z", f=lambda Z, Y, phi: np.sum(Y * phi(Z))),)
    identity = r"d\,f(X) = f'(X) \odot dX"
    rewrites = (Rule("entrywise-constant", r"f(c \mathbf{1}) = f(c) \mathbf{1}",
                     _of_constant_arrays),)

    @staticmethod
    def _shape(fn, args, diff):
        if len(args) != fn.arity:
            raise IRError(f"Unknown: {fn.key} takes {fn.arity} arguments")
        for a in args[1:]:
            if len(a.shape) != len(args[0].shape) or \
                    not all(same_dim(x, y) for x, y in zip(a.shape, args[0].shape)):
                raise IRError("Unknown: the arguments of an entrywise function differ in shape")
        return args[0].shape

    @staticmethod
    def jvp(node, d):
        from ..ir import mul
        return _sum_over_arguments(node, d, lambda i, a, da: mul(
            Unknown(node.fn, node.args, tuple(sorted(node.diff + (i,)))), da))

    @staticmethod
    def head(node, r):
        """The printed function: f, f', f'', f^{(3)}, \\partial_{1} f."""
        name, k = _name(node.fn, r), len(node.diff)
        if node.fn.arity == 1:
            if k <= 2:
                return name + "'" * k
            return f"{name}^{{({k})}}" if r.is_latex else f"{name}^({k})"
        marks = "".join((rf"\partial_{{{i + 1}}}" if r.is_latex else f"∂{i + 1} ")
                        for i in node.diff)
        return marks + (" " if r.is_latex and marks else "") + name

    @staticmethod
    def render(node, r):
        return _call(r, Unknown.head(node, r), node.args)

    @staticmethod
    def render_entry(node, r, idx, used):
        return _entry_call(r, Unknown.head(node, r), node.args, idx, used)

    @staticmethod
    def numpy(node, em):
        return f"{keyword(node)}({', '.join(em.value(a) for a in node.args)})"

    @staticmethod
    def vmap(node, args, lead):
        return Unknown(node.fn, tuple(args), node.diff)

    @staticmethod
    def sympy(node, conv, idx):
        """The undefined SymPy function named by the callable (``phi_prime``) of the
        arguments' entries."""
        return sp.Function(keyword(node))(*[conv(a, idx) for a in node.args])


# ------------------------------------------------------------------ scalar of arrays

@node_op
class UnknownOf(Node):
    """An arbitrary scalar function of whole arrays (a loss L = f(D))."""
    _fields = ("fn", "args")
    examples = (dict(doc=r"$X \in \mathbb{R}^{m\times n}, W \in \mathbb{R}^{h\times m}$, "
                         r"$D = WX$ and $L = f(D)$, where $f$ is an arbitrary loss function.",
                     wrt="W", f=lambda W, X, f: f(W @ X)),)
    identity = r"d\,f(X) = \nabla f(X) : dX"

    @staticmethod
    def _shape(fn, args):
        if len(args) != fn.arity:
            raise IRError(f"UnknownOf: {fn.key} takes {fn.arity} arguments")
        return ()

    @staticmethod
    def jvp(node, d):
        from ..ir import contract
        return _sum_over_arguments(node, d, lambda i, a, da: contract(
            [UnknownGrad(node.fn, node.args, i), da], [tuple(range(a.rank))] * 2, ()))

    @staticmethod
    def render(node, r):
        return _call(r, _name(node.fn, r), node.args)

    @staticmethod
    def numpy(node, em):
        return f"{keyword(node)}({', '.join(em.value(a) for a in node.args)})"

    @staticmethod
    def sympy(node, conv, idx):
        """The undefined SymPy function ``f`` of the arguments as matrix expressions."""
        return sp.Function(keyword(node))(*[_sympy_arg(a, conv) for a in node.args])


@node_op
class UnknownGrad(Node):
    """The gradient of an `UnknownOf` function in its argument `i` (that argument's shape)."""
    _fields = ("fn", "args", "i")
    examples = (dict(doc=r"$A, D \in \mathbb{R}^{m\times n}$ and $L = A : \nabla f(D)$, where "
                         r"$f$ is an arbitrary loss function.",
                     wrt="A", f=lambda A, D, f_grad: np.sum(A * f_grad(D))),)
    identity = r"\nabla f(X) = \partial f / \partial X"

    @staticmethod
    def _shape(fn, args, i):
        return args[i].shape

    @staticmethod
    def jvp(node, d):
        if all(d(a) is None for a in node.args):
            return None
        from ..errors import MatcalcError
        raise MatcalcError(f"the second derivative of the arbitrary function {node.fn.latex} "
                           f"of an array is not supported (a Hessian through "
                           f"\\nabla {node.fn.latex}): only its gradient is")

    @staticmethod
    def head(node, r):
        if r.is_latex:
            mark = r"\nabla" if node.fn.arity == 1 else rf"\nabla_{{{node.i + 1}}}"
            return f"{mark} {node.fn.latex}"
        return ("∇" if node.fn.arity == 1 else f"∇{node.i + 1} ") + _name(node.fn, r)

    @staticmethod
    def render(node, r):
        return _call(r, UnknownGrad.head(node, r), node.args)

    @staticmethod
    def render_entry(node, r, idx, used):
        s, _ = UnknownGrad.render(node, r)
        sub = "".join(idx) if all(len(i) == 1 for i in idx) else ",".join(idx)
        return (f"\\left[{s}\\right]_{{{sub}}}" if r.is_latex else f"[{s}]_{sub}"), r.ATOM

    @staticmethod
    def numpy(node, em):
        return f"{keyword(node)}({', '.join(em.value(a) for a in node.args)})"

    @staticmethod
    def sympy(node, conv, idx):
        """Entry idx of the gradient: the undefined ``f_grad(D, i, j)``."""
        return sp.Function(keyword(node))(*[_sympy_arg(a, conv) for a in node.args], *idx)


def _sympy_arg(a, conv):
    """An argument of a scalar function of arrays in SymPy: a scalar's expression, else the
    array as a matrix expression."""
    return conv(a, ()) if a.rank == 0 else conv.matrix(a)


OPAQUE_NODES = (Unknown, UnknownOf, UnknownGrad)


def keyword(node) -> str:
    """The keyword of the callable the generated code calls for `node` (module docstring)."""
    if isinstance(node, Unknown):
        return partial_keyword(node.fn, node.diff)
    if isinstance(node, UnknownOf):
        return node.fn.key
    return gradient_keyword(node.fn, node.i)


def partial_keyword(fn: Opaque, diff: tuple) -> str:
    """The callable of the entrywise fn differentiated by the arguments at `diff`."""
    if not diff:
        return fn.key
    if fn.arity == 1:
        return f"{fn.key}_prime" + (str(len(diff)) if len(diff) > 1 else "")
    return f"{fn.key}_d" + "".join(str(i + 1) for i in diff)


def gradient_keyword(fn: Opaque, i: int) -> str:
    """The callable of the gradient of the scalar fn of arrays in its argument i."""
    return f"{fn.key}_grad" + ("" if fn.arity == 1 else str(i + 1))


def meaning(key: str) -> str:
    """What the callable named `key` (a `keyword`) computes, for a docstring."""
    for mark, what in (("_prime", "the derivative of {} (entrywise)"),
                       ("_grad", "the gradient of {} (an array shaped like its argument)"),
                       ("_d", "a partial derivative of {} (entrywise)")):
        if mark in key:
            base, rest = key.rsplit(mark, 1)
            if rest == "" or rest.isdigit():
                order = {"_prime": f" of order {rest}", "_grad": f" in argument {rest}",
                         "_d": f" in arguments {', '.join(rest)}"}[mark] if rest else ""
                return what.format(base) + order
    return f"the function {key}"


class _Heads:
    """A stand-in printer for `head`: LaTeX, nothing else."""
    is_latex = True


def callable_heads(nodes) -> dict:
    """{keyword: LaTeX of what it computes} for the callables the IR `nodes` call:
    ``f_grad`` -> ``\\nabla f``, ``phi_prime`` -> ``\\phi'``."""
    from ..ir import walk
    out = {}
    for root in nodes:
        for n in walk(root):
            if isinstance(n, OPAQUE_NODES):
                head = n.fn.latex if isinstance(n, UnknownOf) else \
                    type(n).head(n, _Heads())
                out.setdefault(keyword(n), head)
    return out


def kind_of(node) -> str:
    return "entrywise" if isinstance(node, Unknown) else "scalar"


def functions_in(nodes) -> dict:
    """{Opaque: kind} of the arbitrary functions the IR `nodes` use."""
    from ..ir import walk
    out = {}
    for root in nodes:
        for n in walk(root):
            if isinstance(n, OPAQUE_NODES):
                out.setdefault(n.fn, kind_of(n))
    return out


def callables_in(nodes) -> list:
    """The keywords of the callables the IR `nodes` call, in order of first use."""
    from ..ir import walk
    out = []
    for root in nodes:
        for n in walk(root):
            if isinstance(n, OPAQUE_NODES) and keyword(n) not in out:
                out.append(keyword(n))
    return out


# ------------------------------------------------------------------ random instances

def _partials(arity, order):
    """(), then every sorted tuple of argument positions of length 1..order."""
    return [()] + [p for k in range(1, order + 1)
                   for p in itertools.combinations_with_replacement(range(arity), k)]


def _namespace(x):
    """The array library of `x`: NumPy (and Python numbers), torch or jax.numpy -- an
    instance computes in the library of the arrays it is called on (a back end's code)."""
    lib = type(x).__module__.split(".")[0]
    if lib == "torch":
        import torch
        return torch
    if lib in ("jax", "jaxlib"):
        import jax.numpy as jnp
        return jnp
    return np


def _like(c, x, xp):
    """The NumPy coefficient array `c` in x's library (dtype and device)."""
    if xp is np:
        return c
    if xp.__name__ == "torch":
        return xp.as_tensor(c, dtype=x.dtype, device=x.device)
    return xp.asarray(c, dtype=x.dtype)


def _plain(v, xp):
    """A NumPy 0-d result as a float (as the generated code's own scalars are)."""
    return float(v) if xp is np and np.ndim(v) == 0 else v


def _entrywise_instance(fn, rng) -> dict:
    """f(x) = a sin(w·x + c) + (q/2)(v·x)², x the arguments' entries; every partial."""
    a, c, q = rng.uniform(0.5, 1.5), rng.uniform(-1, 1), rng.uniform(0.2, 0.8)
    w, v = rng.uniform(0.5, 1.5, fn.arity), rng.uniform(-1, 1, fn.arity)
    out = {}
    for p in _partials(fn.arity, MAX_ORDER):
        def call(*xs, p=p):
            xp = _namespace(xs[0])
            if xp is np:
                xs = [np.asarray(x, dtype=float) for x in xs]
            s = sum(float(wi) * x for wi, x in zip(w, xs)) + float(c)
            val = float(a * np.prod([w[i] for i in p])) * xp.sin(s + len(p) * math.pi / 2)
            t = sum(float(vi) * x for vi, x in zip(v, xs))
            if not p:
                val = val + float(q) / 2 * t * t
            elif len(p) == 1:
                val = val + float(q * v[p[0]]) * t
            elif len(p) == 2:
                val = val + float(q * v[p[0]] * v[p[1]])
            return _plain(val, xp)
        out[partial_keyword(fn, p)] = call
    return out


def _scalar_instance(fn, rng) -> dict:
    """f(A₁..Aₐ) = Σᵢ ⟨Cᵢ, sin(Aᵢ + Bᵢ)⟩ + (q/2)(Σᵢ ⟨Wᵢ, Aᵢ⟩)², with coefficient arrays drawn
    (once per argument and shape) from the instance's seed; and its gradients."""
    seed, q = int(rng.integers(2 ** 31)), float(rng.uniform(0.2, 0.8))
    coef: dict = {}

    def coefficients(i, shape):
        key = (i, shape)
        if key not in coef:
            g = np.random.default_rng([seed, i, *shape])
            coef[key] = (g.uniform(0.5, 1.5, shape), g.uniform(-1, 1, shape),
                         g.uniform(-1, 1, shape))
        return coef[key]

    def parts(xs):
        xp = _namespace(xs[0])
        if xp is np:
            xs = [np.asarray(x, dtype=float) for x in xs]
        cs = [tuple(_like(c, x, xp) for c in coefficients(i, tuple(int(d) for d in x.shape)))
              for i, x in enumerate(xs)]
        s = sum(xp.sum(W * x) for (C, B, W), x in zip(cs, xs))
        return xp, xs, cs, s

    def value(*xs):
        xp, xs, cs, s = parts(xs)
        return _plain(sum(xp.sum(C * xp.sin(x + B)) for (C, B, W), x in zip(cs, xs))
                      + q / 2 * s * s, xp)
    out = {fn.key: value}
    for i in range(fn.arity):
        def grad(*xs, i=i):
            xp, xs, cs, s = parts(xs)
            C, B, W = cs[i]
            return _plain(C * xp.cos(xs[i] + B) + q * s * W, xp)
        out[gradient_keyword(fn, i)] = grad
    return out


def instance(fn: Opaque, kind: str, rng) -> dict:
    """{keyword: callable} of a random smooth function of `kind` ("entrywise" or
    "scalar") standing for `fn`, its derivatives included (module docstring)."""
    return _entrywise_instance(fn, rng) if kind == "entrywise" else _scalar_instance(fn, rng)
