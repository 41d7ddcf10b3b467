"""Symmetry by construction: is a matrix its own transpose because of how it is built?

Contract: `symmetric(node, names)` is True only if the square matrix `node` equals its
transpose for every value of the inputs -- by one of the rows of `FORMS` (a Gram matrix
XᵀX, the identity and scalar multiples, a diagonal matrix Diag(v), a sum equal to its own
transpose A + Aᵀ, inverses, powers and entrywise functions of symmetric matrices, a
congruence Bᵀ S B, S ⊙ T) -- or because it is one of `names`: inputs the document declares
symmetric (``\\Sigma \\in \\mathbb{S}^n``) and definitions symmetric by construction
(``K = X X^T + \\sigma^2 I``: `definitions`). Never guessed from values. A False is "not
known", never "not symmetric": the tests are sufficient, not necessary.

Every row is an identity Sᵀ = S for every value of its operands, so a rewrite that takes Sᵀ
for S (`simplify._symmetric_labels`, the printer's S⁻¹ for S⁻ᵀ) never changes a number.
Ops outside the core IR say which of their fields carry symmetry over in their own block
(`symmetric_from`: Inv, MatPow, StopGrad: the node is symmetric when those fields are).

The answer is a function of `node` and of the names it uses only, so it is kept on the
node (nodes are interned and shared between documents: the mark holds the names it was
computed with, see `context`).
"""
from __future__ import annotations

from . import ir
from .ir import Add, Const, Contract, Delta, Map, Pow
from .rules import Rule


def context(node, names: frozenset) -> frozenset:
    """The symmetric `names` that `node` uses (inputs and definitions below it): what an
    answer about `node` depends on, beyond `node` itself (empty for a document without)."""
    if not names:
        return names
    return frozenset(v.name for v in node.deps()
                     if isinstance(v, (ir.Var, ir.Ref)) and v.name in names)


def symmetric(node, names: frozenset = frozenset()) -> bool:
    """Is the square matrix `node` symmetric by construction (see the module contract)?"""
    if node.rank != 2 or node.shape[0] != node.shape[1]:
        return False
    if isinstance(node, (ir.Var, ir.Ref)):
        return node.name in names
    if isinstance(node, (Delta, Const)):
        return True
    ctx = context(node, names)
    seen = node.__dict__.get("_symmetric_in")       # (the names used, the answer)
    if seen is None or seen[0] != ctx:
        answer = any(form.apply(node, ctx) for form in FORMS)
        seen = node.__dict__["_symmetric_in"] = (ctx, answer)
    return seen[1]


# ---------------------------------------------------------------- the forms

def _of_symmetric(node, names):
    """f(S), S^{∘p}, S^{-1}, S^k, sg(S): an op whose symmetric operands make it symmetric
    (entrywise maps and powers here; other ops by their `symmetric_from` fields)."""
    if isinstance(node, Map):
        return symmetric(node.arg, names)
    if isinstance(node, Pow):
        return (node.exp.rank == 0 or symmetric(node.exp, names)) and \
            symmetric(node.base, names)
    fields = getattr(type(node), "symmetric_from", None)
    return bool(fields) and all(symmetric(getattr(node, f), names) for f in fields)


def _sum(node, names):
    """S + T of symmetric terms, or a sum equal to its transpose term by term (A + Aᵀ,
    XY + YᵀXᵀ): its terms transposed (a symmetric one kept) are its terms."""
    if not isinstance(node, Add):
        return False
    flags = [symmetric(t, names) for t in node.terms]
    if all(flags):
        return True
    flipped = [t if s else ir.transpose(t) for t, s in zip(node.terms, flags)]
    return ir.add(flipped, node.coeffs) is node


def _diagonal(node, names):
    """Diag(v), c ⊙ I, or any product with δ_pq on its two output labels: zero off the
    diagonal, so its own transpose."""
    if not isinstance(node, Contract) or len(node.out) != 2:
        return False
    out = set(node.out)
    return any(isinstance(_delta_of(op), Delta) and len(set(l)) == 2 and set(l) == out
               for op, l in zip(node.ops, node.idx))


def _delta_of(op):
    """δ, or δ^∘p (δ ⊙ δ printed as a repeated product: still zero off the diagonal)."""
    return op.base if isinstance(op, Pow) and isinstance(op.base, Delta) else op


def _gram(node, names):
    """XᵀX or XXᵀ: one matrix twice, summed over the same axis."""
    if not isinstance(node, Contract) or len(node.out) != 2 or len(node.ops) != 2 \
            or node.ops[0] is not node.ops[1] or node.ops[0].rank != 2:
        return False
    (a1, a2), (b1, b2) = node.idx
    out = set(node.out)
    return (a1 == b1 and a1 not in out and {a2, b2} == out) or \
        (a2 == b2 and a2 not in out and {a1, b1} == out)


def _self_transposed(node, names):
    """Is the product its own transpose as built: the product with its two output labels
    swapped (and its symmetric matrix operands read either way round, Sᵀ = S) the same
    sum of products, up to the order of the operands and the names of the summed labels?
    (c S, Bᵀ S B, (AB)ᵀ(AB) = BᵀAᵀAB, S ⊙ T, B (XᵀX)⁻¹ Bᵀ. A bounded search: a product
    whose symmetry it does not find is reported not symmetric, never the other way.)"""
    if not isinstance(node, Contract) or len(node.out) != 2 or len(node.ops) > 8:
        return False
    p, q = node.out
    swap = {p: q, q: p}
    flipped = [tuple(swap.get(l, l) for l in ls) for ls in node.idx]
    sym = [len(l) == 2 and symmetric(op, names) for op, l in zip(node.ops, node.idx)]
    return _matches(node.ops, flipped, node.idx, set(node.out), sym)


def _matches(ops, have, want, fixed, sym, budget=2000):
    """Is there a one-to-one map of the operands (each onto an identical operand) and of
    the labels (the `fixed` ones onto themselves, summed ones onto summed ones) taking
    the labels `have` onto `want` (a symmetric operand's two labels either way round)?"""
    steps = [budget]

    def search(k, used, label_map, taken):
        if k == len(ops):
            return True
        steps[0] -= 1
        if steps[0] < 0:
            return False
        for m in range(len(ops)):
            if m in used or ops[m] is not ops[k]:
                continue
            readings = [want[m]] + ([want[m][::-1]] if sym[m] and want[m][0] != want[m][1] else [])
            for target in readings:
                new, new_taken, ok = dict(label_map), set(taken), True
                for a, b in zip(have[k], target):
                    if a in new:
                        ok = new[a] == b
                    elif (a in fixed) != (b in fixed) or (a in fixed and a != b) or b in new_taken:
                        ok = False
                    else:
                        new[a] = b
                        new_taken.add(b)
                    if not ok:
                        break
                if ok and search(k + 1, used | {m}, new, new_taken):
                    return True
        return False

    return search(0, frozenset(), {}, set())


FORMS = [
    Rule("gram", r"(X^{T} X)^{T} = X^{T} X", _gram),
    Rule("diagonal", r"\operatorname{Diag}(v)^{T} = \operatorname{Diag}(v)", _diagonal),
    Rule("of-symmetric", r"f(S)^{T} = f(S),\ (S^{-1})^{T} = S^{-1}", _of_symmetric),
    Rule("sum", r"(A + A^{T})^{T} = A + A^{T}", _sum),
    Rule("self-transposed", r"(B^{T} S B)^{T} = B^{T} S B", _self_transposed),
]


def definitions(problem, names: frozenset = frozenset()) -> frozenset:
    """The document's definitions whose bodies are symmetric by construction, given the
    symmetric inputs `names`: ``K = X X^T + \\sigma^2 I``, ``\\Sigma = A A^T``, and those
    built from them (``M = K^{-1}``), in the document's order. A definition's value is
    always computed from its body (also when it is the wrt of a gradient), so its name
    may be read as symmetric wherever it is used."""
    from .simplify import simplify          # (simplify uses this module)
    found = set()
    for name in problem.order:
        body = problem.defs.get(name)
        if body is None or body.rank != 2 or body.shape[0] != body.shape[1]:
            continue
        known = frozenset(names) | frozenset(found)
        # as written, or simplified (Diag(v) Diag(v) is Diag(v ⊙ v) once the deltas meet)
        if symmetric(body, known) or symmetric(simplify(body, symmetric=known), known):
            found.add(name)
    return frozenset(found)
