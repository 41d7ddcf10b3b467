"""Replacing a symbolic cotangent by the identity: the step that turns a vector-Jacobian
product into the whole Jacobian.

Contract: `expand(node, u, defs)` takes a node linear in the input `Var` u (shape S_u) and
returns a node J of shape S_u + node.shape with ``J[a, ...] = node|_{u = e_a}``: the
cotangent u is replaced by the identity (a Kronecker delta per axis of u), and every node
that depends on u gets u's axes in front. `defs` (keyword -> body, evaluated in
`order`) holds the named definitions the node may refer to; a definition that depends on u (a named adjoint) is
expanded too and returned under a new keyword: `expand` returns (J, new_defs) with
new_defs a list of (keyword, body, old keyword) in dependency order.

Only linear structure can carry the cotangent: products (one operand depends on u), sums
(every term does), and the ops whose block declares `vmap` (a linear op such as reshape).
Anything else that depends on u means the node is not linear in it: `IRError`.
"""
from __future__ import annotations

from .. import ir, ops
from ..ir import Add, Const, Contract, Delta, IRError, Ref, Var, add, contract


def identity_tensor(shape) -> ir.Node:
    """The identity on arrays of `shape`: order 2·len(shape), entry [a, b] = δ_ab."""
    p = len(shape)
    if p == 0:
        return ir.ones(())
    return contract([Delta(d) for d in shape], [(("a", i), ("b", i)) for i in range(p)],
                    tuple(("a", i) for i in range(p)) + tuple(("b", i) for i in range(p)))


def expand(node, u: Var, defs: dict, order, suffix: str = "_J"):
    lead = tuple(u.shape)
    blabels = tuple(("_lead", i) for i in range(len(lead)))
    memo, made, renamed = {}, [], {}
    eye = identity_tensor(lead)

    def depends(n) -> bool:
        return any((isinstance(x, Var) and x is u) or (isinstance(x, Ref) and x.name in renamed)
                   for x in n.deps())

    def ex(n):
        if n.uid in memo:
            return memo[n.uid]
        out = _expand_one(n)
        memo[n.uid] = out
        return out

    def _expand_one(n):
        if n is u:
            return eye
        if isinstance(n, Ref):
            if n.name not in renamed:
                raise IRError(f"internal: {n.name} does not depend on the cotangent")
            new = renamed[n.name]
            return Ref(new, lead + tuple(n.shape))
        if isinstance(n, Contract):
            ks = [k for k, op in enumerate(n.ops) if depends(op)]
            if len(ks) != 1:
                raise IRError("the vector-Jacobian product is not linear in its cotangent")
            k = ks[0]
            ops_, idx = list(n.ops), [tuple(l) for l in n.idx]
            ops_[k] = ex(n.ops[k])
            idx[k] = blabels + idx[k]
            return contract(ops_, idx, blabels + tuple(n.out))
        if isinstance(n, Add):
            if not all(depends(t) for t in n.terms):
                raise IRError("the vector-Jacobian product is affine, not linear, in its "
                              "cotangent")
            return add([ex(t) for t in n.terms], n.coeffs)
        block = ops.NODE_OPS.get(type(n))
        vmap = getattr(block, "vmap", None)
        if vmap is not None:
            kids = [c for c in ir.operands(n) if depends(c)]
            if len(kids) == 1:
                return vmap(n, ex(kids[0]), lead)
        raise IRError(f"the vector-Jacobian product is not linear in its cotangent "
                      f"({type(n).__name__} of it)")

    # the named adjoints that depend on u, in definition order
    needed = _needed(node, defs, order)
    for name in needed:
        body = defs[name]
        if depends(body):
            renamed[name] = _fresh(name + suffix, defs, renamed)
            for sub in ir.walk(body):
                if depends(sub):
                    ex(sub)
            made.append((renamed[name], ex(body), name))
    for sub in ir.walk(node):
        if depends(sub):
            ex(sub)
    if not depends(node):
        return contract([ir.zeros(lead), node], [blabels, tuple(range(node.rank))],
                        blabels + tuple(range(node.rank))), made
    return ex(node), made


def _needed(node, defs, order) -> list:
    seen, stack = set(), [node]
    while stack:
        n = stack.pop()
        for x in ir.walk(n):
            if isinstance(x, Ref) and x.name in defs and x.name not in seen:
                seen.add(x.name)
                stack.append(defs[x.name])
    return [k for k in order if k in seen]


def _fresh(name, defs, renamed):
    taken = set(defs) | set(renamed.values())
    while name in taken:
        name += "_"
    return name
