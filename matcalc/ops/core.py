"""The core nodes' differentials: the generalised product, the sum, the power and the
elementwise map (whose facts come from its `Function`).

Contract: `CORE[NodeClass] = (jvp, identity)`. `jvp(node, d)` returns the differential of
`node` as a node linear in `Dvar` leaves, where `d(child)` is the differential of a child
(None when the child does not vary); it returns None when the differential is zero.
`identity` is the LaTeX a derivation cites when it linearises that node (a string, or a
function of the node). `defjvp` builds the common one-argument case.
"""
from __future__ import annotations

from ..ir import Add, Contract, Map, Pow, add, const, contract, fmap, mul, pow_
from .registry import FUNCTIONS


def defjvp(rule):
    """A one-argument op's differential from `rule(node, darg)`: zero when the argument
    does not vary (the boilerplate every op would otherwise repeat)."""
    def jvp(node, d):
        darg = d(node.arg)
        return None if darg is None else rule(node, darg)
    return jvp


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


CORE = {
    Contract: (_jvp_contract, r"d(AB) = dA\,B + A\,dB"),
    Add: (_jvp_add, r"d(A + B) = dA + dB"),
    Pow: (_jvp_pow, r"d(X^{\circ p}) = p\,X^{\circ (p-1)} \odot dX"),
    Map: (defjvp(lambda node, dx: mul(FUNCTIONS[node.fn].derivative(node.arg, node), dx)),
          lambda node: FUNCTIONS[node.fn].identity),
}
