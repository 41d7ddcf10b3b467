"""The contraction-order planner: in which order to contract a product's operands
pairwise, so that a chain of k factors costs O(k log k) to plan and a factorisable double
sum stays linear to evaluate.

Contract: `pair_order(labels, out)` (see its docstring) returns the merge steps.
"""
from __future__ import annotations

import heapq
import itertools
from collections import Counter


def pair_order(labels, out):
    """The order in which to contract operands with axis `labels` (a list) pairwise into
    axes `out`: a list of (a, b, keep, new) merging operands a and b (ids: positions in
    `labels`, then len(labels), len(labels)+1, ... for the results) into `new` with axes
    `keep`. Each step takes the cheapest pair - fewest distinct axes, then fewest kept,
    then most shared; ties to the earliest pair - among pairs sharing an axis (among all
    pairs when none does). Costs live in a heap and only the pairs whose axes' holders
    changed are re-costed, so a chain of k factors costs O(k log k), not O(k^3)."""
    alive = dict(enumerate(tuple(ls) for ls in labels))
    count = Counter(l for ls in alive.values() for l in set(ls))
    holders: dict = {}
    for k, ls in alive.items():
        for l in set(ls):
            holders.setdefault(l, set()).add(k)
    heap, current = [], {}

    def cost(a, b):
        la, lb = alive[a], alive[b]
        sa, sb = set(la), set(lb)
        # a label of the pair stays if another operand carries it too
        keep = tuple(l for l in out if l in sa or l in sb) + tuple(
            l for l in dict.fromkeys(la + lb) if count[l] > (l in sa) + (l in sb) and l not in out)
        return (len(sa | sb), len(keep), -len(sa & sb)), keep

    def push(a, b):
        c, keep = cost(a, b)
        if current.get((a, b), (None,))[0] != c:
            current[(a, b)] = (c, keep)
            heapq.heappush(heap, (c, a, b))

    def push_around(ks):
        """(Re)cost every pair sharing an axis with one of the operands ks."""
        for x in ks:
            for l in set(alive[x]):
                for y in holders[l]:
                    if y != x:
                        push(min(x, y), max(x, y))

    push_around(list(alive))
    steps, new = [], len(alive)
    while len(alive) > 1:
        best = None
        while heap:
            c, a, b = heap[0]
            if a in alive and b in alive and current[(a, b)][0] == c:
                best = (a, b, current[(a, b)][1])
                break
            heapq.heappop(heap)
        if best is None:  # no two operands share an axis: every pair (outer products)
            _, a, b = min((cost(a, b)[0], a, b)
                          for a, b in itertools.combinations(sorted(alive), 2))
            best = (a, b, cost(a, b)[1])
        a, b, keep = best
        changed = set(alive[a]) | set(alive[b])
        for x in (a, b):
            for l in set(alive.pop(x)):
                count[l] -= 1
                holders[l].discard(x)
        alive[new] = keep
        for l in set(keep):
            count[l] += 1
            holders[l].add(new)
        steps.append((a, b, keep, new))
        # only pairs holding an axis whose count changed can cost differently now
        push_around(sorted({y for l in changed for y in holders[l]}))
        new += 1
    return steps


