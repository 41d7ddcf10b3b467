"""Factoring a shared matrix out of a sum: Xᵀa - Xᵀb = Xᵀ(a - b).

Contract: `factor_shared(node)` takes a sum (`Add`) and returns an equal-valued sum in
which two terms that are products with operands in common (the same node over the same
axes, up to renaming the summed labels) are one product: the common operands once, times
the sum of what is left of each term. None where no two terms qualify. It applies only
where the factored form costs no more to compute than the two products did:

  - what is left of each term ("the rest") is one connected product (no outer product of
    parts that the terms never multiplied: A(x xᵀ + y yᵀ) is left as it is); the inner
    sum has no more axes than some array of the rest; and where the rest contracts
    inside itself (a matrix product), no more axes than the widest common operand -- so
    (AB + CD)x, which would form AB where A(Bx) did, is left, and K(H M Hᵀ + R) is made;
  - the common operands hold an array that is not a constant (a ones vector in common is
    a sum over an axis, which `simplify._sum_through` distributes the other way).

The shapes are the terms' own (an `Add` has terms of one shape), a scalar operand of the
rest is a factor of its term (broadcast), and the value is the same by distributivity.
The first term's coefficient goes outside, as `simplify._collect` does, where it is a
number or never 0 (1/n), and so does the number all the inner sum's coefficients share
(Wᵀ(2Wβ - 2y) is 2Wᵀ(Wβ - y)); one that may be 0 for some sizes (2n - 2) is never
divided by: both stay inside. Every sum it writes (the inner one, a common one) has its
first term in the canonical order positive, the sign outside: a sum and its negation
are then one node, which generated code computes once (the printer puts a positive
term first, -2Xᵀ(y - Xβ) as 2Xᵀ(Xβ - y)).
"""
from __future__ import annotations

import sympy as sp

from . import ir
from .ir import Add, Const, Contract, add, contract

MAX_OPERANDS = 8          # products with more operands are not searched for a match
MAX_TRIES = 400           # the matching's search budget per pair of terms
MAX_FOUND = 16            # matchings compared per pair of terms (the largest first)
MAX_PAIRS = 300           # pairs of terms compared per sum


def factor_shared(node):
    """Xᵀa - Xᵀb = Xᵀ(a - b): see the module docstring. Of the pairs of terms that
    qualify, the one with the most in common is factored (then, of those, one whose
    coefficients have one sign: K(HMHᵀ + R) before (KHM - M)Hᵀ)."""
    if not isinstance(node, Add) or len(node.terms) < 2:
        return None
    from .diff import _written_size
    items = list(zip(node.terms, node.coeffs))
    best, tried = None, 0
    for a, (ta, ca) in enumerate(items):
        if not _candidate(ta):
            continue
        for b in range(a + 1, len(items)):
            tb, cb = items[b]
            if not _candidate(tb) or tb.out != ta.out:
                continue
            tried += 1
            if tried > MAX_PAIRS:
                break
            split = _split(ta, tb)
            if split is None:
                continue
            score = (sum(_written_size(o) for o, _ in split[0]),
                     bool(sp.sympify(split[4] * cb / ca).is_positive))
            if best is None or score > best[0]:
                best = (score, a, b, split)
    if best is None:
        return None
    _, a, b, (shared, rest_a, rest_b, boundary, sign) = best
    (ta, ca), (tb, cb) = items[a], items[b]
    cb = cb * sign
    inner_a = contract([o for o, _ in rest_a], [l for _, l in rest_a], boundary)
    inner_b = contract([o for o, _ in rest_b], [l for _, l in rest_b], boundary)
    if not (len(inner_a.shape) == len(inner_b.shape) and
            all(ir.same_dim(x, y) for x, y in zip(inner_a.shape, inner_b.shape))):
        return None      # cannot happen (matched axes have one size): never raise
    shared, flips = _oriented(shared)
    if sp.sympify(ca).is_number or sp.sympify(ca).is_nonzero:
        summed, outside = add([inner_a, inner_b], [1, cb / ca]), ca * flips
        g = _content(summed)
        if g != 1:     # Wᵀ(2Wβ - 2y) = 2Wᵀ(Wβ - y): the number the inner sum's terms share
            summed, outside = add(summed.terms, [c / g for c in summed.coeffs]), outside * g
        if isinstance(summed, Add) and _leads_negative(summed):
            summed, outside = _negated(summed), -outside
    else:
        summed, outside = add([inner_a, inner_b], [ca * flips, cb * flips]), 1
    term = contract([o for o, _ in shared] + [summed],
                    [l for _, l in shared] + [boundary], ta.out)
    rest = [it for k, it in enumerate(items) if k not in (a, b)]
    return add([term] + [t for t, _ in rest], [outside] + [c for _, c in rest])


def _candidate(t) -> bool:
    return isinstance(t, Contract) and 1 < len(t.ops) <= MAX_OPERANDS


def _split(ta, tb):
    """(common operands with ta's labels, ta's rest, tb's rest relabelled onto ta's labels,
    the axes the rests share with the rest of the product, the sign tb's common operands
    carry: -1 where a sum is matched to its negation) for the largest set of operands
    ta and tb have in common that qualifies (module docstring), or None."""
    from .diff import _written_size
    if not _in_common(ta.ops, tb.ops):
        return None
    pa, pb = list(zip(ta.ops, ta.idx)), list(zip(tb.ops, tb.idx))
    found = _matchings(pa, pb, {l: l for l in ta.out})
    found.sort(key=lambda m: -sum(_written_size(pa[i][0]) for i, _ in m[0]))
    for pairs, mapping in found:
        got = _qualified(ta, pa, pb, pairs, mapping)
        if got is not None:
            return got
    return None


def _qualified(ta, pa, pb, pairs, mapping):
    """The split of `_split` for one matching, or None if it does not qualify."""
    out = set(ta.out)
    matched_a = {i for i, _ in pairs}
    matched_b = {j for _, j in pairs}
    shared = [pa[i] for i in sorted(matched_a)]
    if not any(o.rank and not isinstance(o, Const) for o, _ in shared):
        return None
    rest_a = [pa[i] for i in range(len(pa)) if i not in matched_a]
    rest_b = [(o, tuple(mapping.get(l, ("rest", l)) for l in labels))
              for j, (o, labels) in enumerate(pb) if j not in matched_b]
    if not rest_a or not rest_b:
        return None
    outer = out | {l for _, labels in shared for l in labels}
    widest_shared = max(o.rank for o, _ in shared if not isinstance(o, Const))
    boundary = None
    for rest in (rest_a, rest_b):
        carried = {l for _, labels in rest for l in labels}
        here = carried & outer
        if boundary is None:
            boundary = here
        elif here != boundary:
            return None
        if not _connected([labels for o, labels in rest if o.rank]):
            return None        # an outer product of parts the terms never multiplied
        if len(here) > max(o.rank for o, _ in rest):
            return None        # an inner sum larger than any array of the rest
        local = carried - outer
        if len(here) > widest_shared and \
                any(sum(l in labels for _, labels in rest) > 1 for l in local):
            return None        # a matrix product formed where a matrix-vector one did
    sign = 1
    for i, j in pairs:
        sign *= _sign(pa[i][0], pb[j][0])
    return shared, rest_a, rest_b, tuple(sorted(boundary, key=_key)), sign


def _connected(idx) -> bool:
    """Do the label tuples `idx` form one group through shared labels?"""
    if not idx:
        return True
    seen, frontier = set(idx[0]), [idx[0]]
    left = list(idx[1:])
    while frontier:
        frontier.pop()
        for labels in list(left):
            if seen & set(labels):
                seen.update(labels)
                left.remove(labels)
                frontier.append(labels)
    return not left


def _key(label):
    return (0, label) if isinstance(label, int) else (1, str(label))


def _matchings(pa, pb, start):
    """The maximal matchings of operands of pa onto the same nodes of pb (or a sum onto
    the same sum negated: `_sign`) with labels renamed consistently (an injective map of
    pb's labels onto pa's, the output labels fixed), as ([(i, j)], pb label -> pa label):
    the greedy one first, at most MAX_FOUND within a search budget."""
    found = []
    tries = [0]

    def search(i, used, mapping, pairs):
        tries[0] += 1
        if tries[0] > MAX_TRIES or len(found) >= MAX_FOUND:
            return
        if i == len(pa):
            if pairs:
                found.append((list(pairs), dict(mapping)))
            return
        op, la = pa[i]
        matched = False
        for j, (ob, lb) in enumerate(pb):
            if j in used or _sign(op, ob) is None:
                continue
            new = _extend(mapping, lb, la)
            if new is not None:
                matched = True
                search(i + 1, used | {j}, new, pairs + [(i, j)])
        if not matched or any(_sign(op, ob) for j, (ob, _) in enumerate(pb) if j not in used):
            search(i + 1, used, mapping, pairs)

    search(0, frozenset(), dict(start), [])
    return found


def _in_common(ops_a, ops_b) -> bool:
    """Do two products have an array operand in common (a sum, or its negation)? The
    cheap test before the matching."""
    common = set(ops_a) & set(ops_b)
    if any(o.rank and not isinstance(o, Const) for o in common):
        return True
    sums_b = [o for o in ops_b if isinstance(o, Add)]
    return any(_sign(o, ob) for o in ops_a if isinstance(o, Add) for ob in sums_b)


def _sign(a, b):
    """1 if `b` is `a`, -1 if `b` is the sum `a` negated (μ - Aμ and Aμ - μ), else None."""
    if a is b:
        return 1
    if isinstance(a, Add) and isinstance(b, Add) and len(a.terms) == len(b.terms) and \
            _negated(b) is a:
        return -1
    return None


def _extend(mapping, lb, la):
    """`mapping` (pb label -> pa label) extended by lb -> la, or None if inconsistent."""
    new = dict(mapping)
    images = set(new.values())
    for x, y in zip(lb, la):
        if x in new:
            if new[x] != y:
                return None
        elif y in images:
            return None
        else:
            new[x] = y
            images.add(y)
    return new


def _oriented(shared):
    """The common operands with each sum among them written with its first term (in the
    canonical order) positive, and the sign that takes: μ - z and z - μ factor out as one
    sum, whichever term held which (so the gradients wrt z and μ of seed 003 share it)."""
    out, sign = [], 1
    for o, labels in shared:
        if isinstance(o, Add) and _leads_negative(o):
            o, sign = _negated(o), -sign
        out.append((o, labels))
    return out, sign


def _leads_negative(node) -> bool:
    c = sp.sympify(node.coeffs[0])
    return bool(c.is_number and c.is_negative)


def _negated(node):
    return add(node.terms, [-c for c in node.coeffs])


def _content(node):
    """The largest positive rational that divides every coefficient of the sum `node`
    into a whole number (1 if it is not a sum of rational multiples)."""
    if not isinstance(node, Add) or not all(sp.sympify(c).is_Rational for c in node.coeffs):
        return sp.Integer(1)
    g = sp.Integer(0)
    for c in node.coeffs:
        g = sp.gcd(g, sp.sympify(c))
    return abs(g) if g else sp.Integer(1)

