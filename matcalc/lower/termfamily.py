"""A quantity defined per term and its total under the same letter.

``L_i = (y_i - w^T x_i)^2`` then ``L = \\frac{1}{n} \\sum_{i=1}^n L_i`` (a loss per example and
the loss), ``V_{ij} = -G m_i m_j / r_{ij}`` then ``V = \\frac12 \\sum_i \\sum_j V_{ij}`` (a pair
potential and the potential energy, corpus 153): the text defines a family entrywise and,
under the same letter without subscripts, a whole quantity built from its members. Read
with one name, the second definition would define the array L by a sum of its own entries
(circular) and the objective L would be the array of terms, not a scalar; no reader takes
it so. `split_term_families(stmts)` gives the family its own name -- the letter marked
with the accent ``term``, printed as the letter itself (``L_{i}``), keyword ``L_term`` --
in every subscripted use, so that the letter alone is the whole (the objective). Returns
the statements and a note for each family so split.

Taken only where exactly one whole definition ``X = ...`` (no parameters) and at least one
entrywise definition ``X_{...} = ...`` of the same letter exist and the whole definition's
right side writes a member ``X_{...}``; nothing is declared under the letter with a
subscript (a declared family ``L_i \\in R^n`` is data, not this pattern).
"""
from __future__ import annotations

import dataclasses

from .. import names
from ..read import syntax as S
from .base import walk_syntax

TERM = "term"           # the accent of the per-term family (printed as nothing)


def _letter(target):
    """The letter keyword of an entrywise target X_{...} (or None)."""
    if isinstance(target, S.Sub) and isinstance(target.base, S.Sym) and \
            not target.base.accent:
        return names.keyword_of(target.base)
    return None


def _is_member(n, kw) -> bool:
    return isinstance(n, S.Sub) and isinstance(n.base, S.Sym) and \
        names.keyword_of(n.base) == kw and not n.base.accent


def _members(e, kw) -> bool:
    """Does `e` write members of letter `kw`, each under a sum or product that binds one
    of its subscripts (``\\sum_i L_i``: a total of the terms -- not a matrix literal laying
    out the entries, ``a = (a_{1,1} \\vdots a_{n,d})``, corpus seed 000)?"""
    found = [n for n in walk_syntax(e) if _is_member(n, kw)]
    if not found:
        return False
    bound = set()
    for op in walk_syntax(e):
        if isinstance(op, S.BigOp):
            idx = {names.keyword_of(i) for i in op.indices}
            for n in walk_syntax(op.body):
                if _is_member(n, kw) and idx & {names.keyword_of(x) for s in n.subs
                                                for x in walk_syntax(s)
                                                if isinstance(x, S.Sym)}:
                    bound.add(id(n))
    return all(id(n) in bound for n in found)


def _declared_with_subscript(stmts, kw) -> bool:
    return any(isinstance(st, S.Decl) and any(_letter(t) == kw for t in st.targets)
               for st in stmts)


def _renamed(e, kw):
    """`e` with the base of every member X_{...} of letter `kw` marked as the term family."""
    if isinstance(e, S.Sub) and isinstance(e.base, S.Sym) and \
            names.keyword_of(e.base) == kw and not e.base.accent:
        base = dataclasses.replace(e.base, accent=TERM)
        return dataclasses.replace(e, base=base,
                                   subs=tuple(_renamed(s, kw) for s in e.subs))
    if not dataclasses.is_dataclass(e) or isinstance(e, (S.Span, type)):
        return e
    return S.rebuilt(e, lambda c: _renamed(c, kw))


def split_term_families(stmts):
    """(statements, [(statement, note)]) -- see the module docstring."""
    wholes, terms = {}, {}
    for st in stmts:
        if not isinstance(st, S.Def) or st.target is None:
            continue
        if isinstance(st.target, S.Sym) and st.params is None and not st.target.accent:
            wholes.setdefault(names.keyword_of(st.target), []).append(st)
        kw = _letter(st.target)
        if kw is not None:
            terms.setdefault(kw, []).append(st)
    split = [kw for kw, ws in wholes.items()
             if len(ws) == 1 and kw in terms and _members(ws[0].value, kw)
             and not _declared_with_subscript(stmts, kw)]
    notes = []
    for kw in split:
        whole = wholes[kw][0]
        letter = names.latex_of(whole.target)
        stmts = [st if st is whole else _renamed(st, kw) for st in stmts]
        whole_new = dataclasses.replace(whole, value=_renamed(whole.value, kw))
        stmts = [whole_new if st is whole else st for st in stmts]
        notes.append((whole_new, f"{letter} is defined as a whole from its terms "
                                 f"{letter}_{{...}}, which are defined entrywise: the terms "
                                 f"are a family of their own and {letter} the whole"))
    return stmts, notes
