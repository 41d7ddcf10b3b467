"""Rebuilding and measuring IR: `transform` (bottom-up rebuild through the builders),
`substitute`, `rebuild`, `nonfinite`, `count_nodes`.
"""
from __future__ import annotations

import sympy as sp

from .build import add, contract, pow_
from .nodes import Add, Const, Contract, Node, Pow, walk

def transform(root: Node, fn=None, mapping=None, raw=False, stop=None, memo=None) -> Node:
    """Rebuild `root` bottom-up: every node first gets its (transformed) children, then
    `fn(node)` may replace it (return the node itself to keep it). `mapping` replaces
    nodes by identity before anything else. Nodes for which `stop(node)` holds are kept
    as they are, subtree and all. Rebuilt nodes go through the canonicalising builders
    unless `raw` (presentation keeps the arrangement it makes). `memo` (uid -> result),
    if given, is read and extended: several calls with the same `fn` then rebuild each
    subtree once, and the walk does not enter a subtree already done."""
    if memo is None:
        memo = {}
    elif memo:
        outer = stop
        stop = (lambda n: n.uid in memo) if outer is None else \
            (lambda n: n.uid in memo or outer(n))
    mapping = mapping or {}
    for node in walk(root, stop):
        if node.uid in memo:
            continue
        if node in mapping:
            memo[node.uid] = mapping[node]
            continue
        if stop is not None and stop(node):
            memo[node.uid] = node
            continue
        fields, changed = [], False
        for f in node.fields:
            if isinstance(f, Node):
                g = memo.get(f.uid, f)
            elif isinstance(f, tuple) and any(isinstance(c, Node) for c in f):
                g = tuple(memo.get(c.uid, c) if isinstance(c, Node) else c for c in f)
                if all(a is b for a, b in zip(g, f)):
                    g = f  # nothing below changed: no rebuild
            else:
                g = f
            changed |= g is not f
            fields.append(g)
        cur = node
        if changed:
            cur = type(node)(*fields) if raw else rebuild(node, fields)
        memo[node.uid] = fn(cur) if fn is not None else cur
    return memo[root.uid]


def substitute(root: Node, mapping: dict) -> Node:
    """Replace nodes (keys of mapping, by identity) throughout root."""
    return transform(root, mapping=mapping)


def rebuild(node: Node, fields: list) -> Node:
    """Rebuild `node` with new fields through the canonicalising builders."""
    if isinstance(node, Contract):
        return contract(fields[0], fields[1], fields[2])
    if isinstance(node, Add):
        return add(fields[0], fields[1])
    if isinstance(node, Pow):
        return pow_(fields[0], fields[1])
    return type(node)(*fields)


def nonfinite(root: Node):
    """The first constant below `root` whose value is not a finite number (``1/0`` is
    SymPy's zoo), or None; a coefficient of a sum counts as a constant (``\\alpha/0 +
    \\alpha^2`` is the sum zoo·α + α²)."""
    bad = (sp.zoo, sp.nan, sp.oo, -sp.oo)
    for n in walk(root):
        if isinstance(n, Const) and n.value.has(*bad):
            return n
        if isinstance(n, Add):
            for c in n.coeffs:
                if sp.sympify(c).has(*bad):
                    return Const(c, ())
    return None


def count_nodes(root: Node) -> int:
    """The number of distinct nodes below `root` (kept on the node: nodes never change)."""
    n = root.__dict__.get("_count")
    if n is None:
        n = root.__dict__["_count"] = len(walk(root))
    return n
