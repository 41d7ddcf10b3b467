"""Families indexed through a nested subscript: ``v'_{w_k}`` inside ``\\sum_{k=1}^K``.

word2vec writes ``\\sum_{k=1}^K \\log\\sigma(-v_{w_{k}}^{'}.u_{w_{I}})``: the k-th negative
sample is the word w_k and v'_{w_k} its output vector. Read as one name ``v'_{w_k}`` the sum
would count one term K times (silently wrong once); read as a row of a vocabulary matrix
V' it needs the labels w_k, which the text never gives. The reading taken here: member k of
a family of vectors ``v'_{w}`` (one vector per k) -- `Sym.via` holds the nested
subscript's letter.

Contract: `via_families(doc) -> (doc, patterns)` is a pure function of the syntax. A
pattern (base keyword, letter w, index k) is taken when ``base_{w_k}`` stands inside a sum
or product over k AND both letters are used nowhere else except in that nested form:
w never on its own (a declared label vector w would make ``v_{w_k}`` a lookup) and the
base never on its own or with another kind of subscript (a declared matrix v would make it
a row of v). Every ``base_{w_k}`` with that k -- its declaration included -- becomes
``Sub(base with via=w, (k,))``; ``v'_{w_O}`` (no index) stays a name of its own. Anything
else is left unchanged (and `indexing._refuse_nested_index` refuses it, naming the index).
"""
from __future__ import annotations

import dataclasses

from .. import names
from ..read import syntax as S


def _nested(e):
    """(base Sym, w Sym, k Sym) of ``base_{w_k}``, or None."""
    if not (isinstance(e, S.Sub) and isinstance(e.base, S.Sym) and len(e.subs) == 1
            and e.base.via is None):
        return None
    inner = e.subs[0]
    if isinstance(inner, S.Sub) and isinstance(inner.base, S.Sym) and len(inner.subs) == 1 \
            and isinstance(inner.subs[0], S.Sym):
        return e.base, inner.base, inner.subs[0]
    return None


def _bound_uses(root, found):
    """Collect (base kw, w kw, k kw) of the nested subscripts whose k a sum binds (a walk
    without recursion: a flat sum of 5000 terms is a deep tree)."""
    stack = [(root, frozenset())]
    while stack:
        node, bound = stack.pop()
        if isinstance(node, S.BigOp):
            bound = bound | {names.keyword_of(i) for i in node.indices}
        got = _nested(node)
        if got is not None and names.keyword_of(got[2]) in bound:
            found.add(tuple(names.keyword_of(x) for x in got))
        stack.extend((c, bound) for c in S.children(node))


def _alone(doc, kw, allowed_ids):
    """Does the letter kw appear anywhere but at the nodes whose ids are allowed?"""
    for st in doc.statements:
        for n in _walk(st):
            if isinstance(n, S.Sym) and n.via is None and names.keyword_of(n) == kw \
                    and id(n) not in allowed_ids:
                return True
    return False


def _walk(node):
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        stack.extend(S.children(n))


def via_families(doc):
    found: set = set()
    for st in doc.statements:
        _bound_uses(st, found)
    if not found:
        return doc, ()
    nested_ids = {}                     # letter kw -> ids of its nested-form occurrences
    for st in doc.statements:
        for n in _walk(st):
            got = _nested(n)
            if got is not None:
                base, w, _k = got
                nested_ids.setdefault(names.keyword_of(base), set()).add(id(base))
                nested_ids.setdefault(names.keyword_of(w), set()).add(id(w))
    patterns = tuple(sorted(p for p in found
                            if not _alone(doc, p[0], nested_ids.get(p[0], set()))
                            and not _alone(doc, p[1], nested_ids.get(p[1], set()))
                            and p[0] != p[1]))
    if not patterns:
        return doc, ()
    take = {(b, w, k) for b, w, k in patterns}

    def fix(node):
        got = _nested(node)
        if got is not None:
            base, w, k = got
            key = tuple(names.keyword_of(x) for x in got)
            if key in take:
                fam = dataclasses.replace(base, via=w.name if not w.accent else
                                          names.keyword_of(w))
                return S.Sub(fam, (k,), span=node.span)
        return S.rebuilt(node, fix)

    def fixed(st):
        if not any(_nested(n) is not None for n in _walk(st)):
            return st
        try:
            return fix(st)
        except RecursionError:      # too deep to rebuild: left as written (then refused)
            return st

    new = tuple(fixed(st) for st in doc.statements)
    return dataclasses.replace(doc, statements=new), patterns
