"""What each operation is: one block per op, holding its differential, the identity it
prints in a derivation, and its LaTeX, text and NumPy forms.

Contract:
- `FUNCTIONS[name]` is an elementwise function. `derivative(x, fx)` returns the entrywise
  derivative f'(x) as an IR node (given x and f(x), so σ' can be written σ⊙(1-σ));
  `latex`/`text`/`numpy` are format templates with one `{}` for the argument;
  `helpers` names NumPy helper functions (see codegen.HELPERS) the template needs.
  Adding an elementwise function (softplus, say) is one row here and nothing elsewhere.
- `JVP[NodeClass](node, d)` returns the differential of `node` as a node linear in `Dvar`
  leaves, where `d(child)` gives the differential of a child (None when the child does not
  depend on the variable). It returns None when the differential is zero.
- `JVP_IDENTITY[NodeClass]` (and `Function.identity`) is the LaTeX identity a derivation
  step cites when it linearises that op.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable


from . import ir
from .ir import (Add, Contract, Det, Inv, LogDet, Map, Pow, ProdAxis, Reshape, StopGrad,
                 add, const, contract, fmap, letters, mul, ones, pow_, transpose)


@dataclass(frozen=True)
class Function:
    name: str
    derivative: Callable  # (x, fx) -> f'(x), entrywise
    identity: str         # LaTeX of d f(X)
    latex: str
    text: str
    numpy: str
    helpers: tuple = ()
    inverse: str | None = None   # f(g(x)) = x for g = inverse
    aliases: tuple = field(default=())


def _one_minus(x):
    return add([ones(x.shape), x], [1, -1])


FUNCTIONS: dict[str, Function] = {f.name: f for f in [
    Function("exp", lambda x, fx: fx,
             r"d\exp(X) = \exp(X) \odot dX",
             r"\exp\left({}\right)", "exp({})", "np.exp({})", inverse="log"),
    Function("log", lambda x, fx: pow_(x, -1),
             r"d\log(X) = dX \oslash X",
             r"\log\left({}\right)", "log({})", "np.log({})", inverse="exp"),
    Function("sigma", lambda x, fx: mul(fx, _one_minus(fx)),
             r"d\sigma(X) = \sigma(X) \odot (1 - \sigma(X)) \odot dX",
             r"\sigma\left({}\right)", "sigma({})", "_sigmoid({})", ("_sigmoid",)),
    # σ' as written by the user; simplify rewrites it to σ ⊙ (1 - σ)
    Function("dsigma",
             lambda x, fx: mul(fmap("dsigma", x), _one_minus(mul(const(2), fmap("sigma", x)))),
             r"d\sigma'(X) = \sigma'(X) \odot (1 - 2\sigma(X)) \odot dX",
             r"\sigma'\left({}\right)", "sigma'({})", "_dsigmoid({})",
             ("_sigmoid", "_dsigmoid")),
    Function("tanh", lambda x, fx: _one_minus(mul(fx, fx)),
             r"d\tanh(X) = (1 - \tanh^2(X)) \odot dX",
             r"\tanh\left({}\right)", "tanh({})", "np.tanh({})"),
    Function("softplus", lambda x, fx: fmap("sigma", x),
             r"d\operatorname{softplus}(X) = \sigma(X) \odot dX",
             r"\operatorname{softplus}\left({}\right)", "softplus({})",
             "np.logaddexp(0.0, {})"),
    Function("abs", lambda x, fx: fmap("sign", x),
             r"d|X| = \operatorname{sign}(X) \odot dX",
             r"\left|{}\right|", "|{}|", "np.abs({})"),
    Function("sign", lambda x, fx: ir.zeros(x.shape),
             r"d\operatorname{sign}(X) = 0",
             r"\operatorname{sign}\left({}\right)", "sign({})", "np.sign({})"),
]}


# ---------------------------------------------------------------- differentials

def _jvp_map(node, d):
    dx = d(node.arg)
    if dx is None:
        return None
    return mul(FUNCTIONS[node.fn].derivative(node.arg, node), dx)


def _jvp_contract(node, d):
    terms = []
    for k, op in enumerate(node.ops):
        dk = d(op)
        if dk is None:
            continue
        ops = list(node.ops)
        ops[k] = dk
        terms.append(contract(ops, node.idx, node.out))
    return add(terms) if terms else None


def _jvp_add(node, d):
    pairs = [(d(t), c) for t, c in zip(node.terms, node.coeffs)]
    pairs = [(t, c) for t, c in pairs if t is not None]
    return add([t for t, _ in pairs], [c for _, c in pairs]) if pairs else None


def _jvp_pow(node, d):
    b, e = node.base, node.exp
    db, de = d(b), d(e)
    terms = []
    if db is not None:
        terms.append(mul(e, pow_(b, add([e, const(-1)])), db))
    if de is not None:
        terms.append(mul(node, fmap("log", b), de))
    return add(terms) if terms else None


def _jvp_prod(node, d):
    # d prod_j x_j = sum_j (prod_{k != j} x_k) dx_j  -- no division, exact at zeros
    dx = d(node.arg)
    if dx is None:
        return None
    labs = letters(node.arg.rank)
    out = labs[:node.axis] + labs[node.axis + 1:]
    return contract([ir.ProdExcept(node.arg, node.axis), dx], [labs, labs], out)


def _jvp_inv(node, d):
    dx = d(node.arg)
    if dx is None:
        return None
    return contract([const(-1), node, dx, node], [(), ("i", "k"), ("k", "l"), ("l", "j")],
                    ("i", "j"))


def _jvp_det(node, d):
    dx = d(node.arg)
    if dx is None:
        return None
    return contract([node, transpose(Inv(node.arg)), dx], [(), (0, 1), (0, 1)], ())


def _jvp_logdet(node, d):
    dx = d(node.arg)
    if dx is None:
        return None
    return contract([transpose(Inv(node.arg)), dx], [(0, 1), (0, 1)], ())


def _jvp_reshape(node, d):
    dx = d(node.arg)
    return None if dx is None else Reshape(dx, node.shape)


JVP: dict = {
    Map: _jvp_map,
    Contract: _jvp_contract,
    Add: _jvp_add,
    Pow: _jvp_pow,
    ProdAxis: _jvp_prod,
    Inv: _jvp_inv,
    Det: _jvp_det,
    LogDet: _jvp_logdet,
    StopGrad: lambda node, d: None,
    Reshape: _jvp_reshape,
}

JVP_IDENTITY: dict = {
    Contract: r"d(AB) = dA\,B + A\,dB",
    Add: r"d(A + B) = dA + dB",
    Pow: r"d(X^{\circ p}) = p\,X^{\circ (p-1)} \odot dX",
    ProdAxis: r"d\prod_j x_j = \sum_j \Big(\prod_{k \ne j} x_k\Big)\, dx_j",
    Inv: r"d(X^{-1}) = -X^{-1}\,dX\,X^{-1}",
    Det: r"d\det X = \det X\; X^{-T} : dX",
    LogDet: r"d\log\det X = X^{-T} : dX",
    StopGrad: r"d\,\operatorname{sg}(X) = 0",
    Reshape: r"d\operatorname{vec}(X) = \operatorname{vec}(dX)",
}


def jvp_identity(node) -> str | None:
    if isinstance(node, Map):
        return FUNCTIONS[node.fn].identity
    return JVP_IDENTITY.get(type(node))
