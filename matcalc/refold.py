"""Writing a derived result through the document's own definitions.

Contract: `in_document_names(problem, node)` returns (an equal-valued node, the names of
the definitions whose uses it changed); it tries, one definition at a time, to inline it,
simplify, fold powers and products of the definitions back into their names (`fold_powers`,
`fold_products`, and once with products of sums distributed, `distribute`), and keeps a
try only if the result is shorter as written. Every rewrite is an identity.
"""
from __future__ import annotations

from . import ir
from .ir import Add, Const, Contract, Pow, Ref, add, contract, pow_


# the result is rewritten through single definitions (see `in_document_names`) only for
# documents and results this small: each try simplifies the whole result again
NAMES_MAX_DEFS = 12
NAMES_MAX_SIZE = 400


def in_document_names(problem, node, tidier=None):
    """The result written through the document's definitions where that shortens it: one
    definition at a time is inlined, the result simplified, powers and products of the
    definitions folded back into their names (and, in a second try, products of sums
    distributed first), and the try kept if it is shorter as written. This turns seed
    003's gradient with p held into the paper's (ν+1)/ν Σ_j (1 + ‖z_i - μ_j‖²/ν)^{-1}
    (p_ij - q_ij)(z_i - μ_j). Every step is an identity, so the value never changes.
    `tidier` is the derivation's `diff.Tidier` (its fold table and simplifier memo are
    reused; a new one if None). Returns (node, the names of the definitions it went
    through)."""
    from .diff import _written_size
    names = [n for n in problem.order if n in problem.defs and n != problem.objective
             and n not in getattr(problem, "adjoints", ())]
    if not names or len(names) > NAMES_MAX_DEFS or _written_size(node) > NAMES_MAX_SIZE:
        return node, []
    defs = [(Ref(n, problem.defs[n].shape), problem.defs[n]) for n in names]
    best, size = node, _written_size(node)
    from .diff import Tidier
    if tidier is None:
        tidier = Tidier(problem)   # one fold table and cache for every try
    tried = {}                 # (node, name or None, spread) -> result, or None if refused
    for _ in range(3):
        improved = False
        for name in reversed(names):
            ref = defs[names.index(name)][0]
            for spread in (False, True):
                # a try is a function of (best, name, spread) only, and of best and
                # spread alone where best does not use the name (substituting it is
                # then the identity): a repeated try is not recomputed
                key = (best, name if ref in best.deps() else None, spread)
                if key not in tried:
                    try:
                        tried[key] = _through(problem, best, name, defs, spread, tidier)
                    except ir.IRError:
                        tried[key] = None
                x = tried[key]
                if x is None:
                    continue
                if _written_size(x) < size:
                    best, size, improved = x, _written_size(x), True   # sized once: kept on x
        if not improved:
            break
    if best is node:
        return node, []
    before, after = _name_uses(node), _name_uses(best)
    return best, [n for n in names if before.get(n, 0) != after.get(n, 0)]


def _name_uses(node) -> dict:
    """name -> how often the definition's name is written in `node`."""
    uses = {}
    for n in ir.walk(node):
        uses[n.uid] = {n.name: 1} if isinstance(n, Ref) else {}
        for c in ir.operands(n):
            for k, v in uses[c.uid].items():
                uses[n.uid][k] = uses[n.uid].get(k, 0) + v
    return uses[node.uid]


def _through(problem, node, name, defs, spread, tidier):
    x = ir.substitute(node, {Ref(name, problem.defs[name].shape): problem.defs[name]})
    simplify = tidier.simplify     # its memo, and the inputs declared symmetric
    x = simplify(fold_powers(simplify(x), defs))
    if spread:
        x = simplify(distribute(x))
    x = simplify(fold_products(x, defs))
    return tidier.fold(x)


def fold_powers(node, defs):
    """B^e written through a definition h = B^{e0} where e - e0 is a number:
    h ⊙ B^{e - e0} (q̂ = (1 + ‖z - μ‖²/ν)^{-(ν+1)/2}, so the power -(ν+3)/2 is q̂ ⊙ (…)^{-1}).
    `defs` is [(Ref, body)] of the document's definitions."""
    pdefs = [(ref, body) for ref, body in defs if isinstance(body, Pow)]
    if not pdefs:
        return node

    def at(cur):
        if isinstance(cur, Pow):
            for ref, body in pdefs:
                if cur.base == body.base and cur.exp != body.exp and cur.shape == body.shape:
                    delta = add([cur.exp, body.exp], [1, -1])
                    if isinstance(delta, Const):
                        labs = ir.letters(cur.rank)
                        return contract([ref, pow_(cur.base, delta)], [labs, labs], labs)
        return cur
    return ir.transform(node, at)


def _match_product(host, body):
    """(host operand positions, label map) where the operands of the product `body` occur
    among `host`'s with consistent labels, its summed labels carried by nothing else of
    host; None if they do not."""
    hops = list(zip(host.ops, host.idx))

    def search(i, used, mp):
        if i == len(body.ops):
            for s in (mp[l] for l in mp if l not in body.out):
                if s in host.out or any(k not in used and s in l for k, (_, l) in enumerate(hops)):
                    return None
            return used, mp
        bop, bl = body.ops[i], body.idx[i]
        for k, (o, l) in enumerate(hops):
            if k in used or o != bop or len(l) != len(bl):
                continue
            new = dict(mp)
            if all(new.setdefault(a, b) == b for a, b in zip(bl, l)) and \
                    len(set(new.values())) == len(new):
                found = search(i + 1, used | {k}, new)
                if found:
                    return found
        return None
    return search(0, frozenset(), {})


def fold_products(node, defs):
    """The operands of a definition's product found inside a larger product are written
    as its name: q̂_ik (Σ_m q̂_im)^{-1} inside a sum over k is q_ik."""
    cdefs = [(ref, body) for ref, body in defs if isinstance(body, Contract) and len(body.ops) > 1]
    if not cdefs:
        return node

    def at(cur):
        for _ in range(20):
            if not isinstance(cur, Contract):
                return cur
            for ref, body in cdefs:
                m = _match_product(cur, body)
                if m:
                    used, mp = m
                    ops_ = [o for k, o in enumerate(cur.ops) if k not in used] + [ref]
                    idx = [l for k, l in enumerate(cur.idx) if k not in used] + \
                        [tuple(mp[l] for l in body.out)]
                    cur = contract(ops_, idx, cur.out)
                    break
            else:
                return cur
        return cur
    return ir.transform(node, at)


def distribute(node):
    """(a - b) c = a c - b c, once at every product holding a sum of arrays."""
    def at(cur):
        if isinstance(cur, Contract):
            for k, op in enumerate(cur.ops):
                if isinstance(op, Add) and op.rank > 0:
                    terms = []
                    for t in op.terms:
                        ops_ = list(cur.ops)
                        ops_[k] = t
                        terms.append(contract(ops_, cur.idx, cur.out))
                    return add(terms, op.coeffs)
        return cur
    return ir.transform(node, at)
