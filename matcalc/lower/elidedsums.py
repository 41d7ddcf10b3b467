"""A sum written out with an elision: ``(U_1 - V_1)^2 + \\ldots + (U_n - V_n)^2``.

Corpus 197 writes the Euclidean distance ``D = \\sqrt{(U_1 - V_1)^2 + \\ldots + (U_n -
V_n)^2}``: its first and last terms follow one pattern, the subscript 1 of the first made
n in the last, so the run is ``\\sum_{i=1}^{n} (U_i - V_i)^2``. Without this the elision was
refused ("an elided run is only understood in a range").

Contract: `elided_sums(stmts) -> (stmts, notes)`, pure. In the value (and the middle members)
of each definition, a chain of ``+`` whose terms are ``t_1 [+ t_2] + \\dots + t_n`` -- one
elision, its first term with whole subscript items 1, its last the same with those items
n (a name or a number other than 1), a term written out between them the same with 2 --
is replaced by the sum over a letter used nowhere in the document, from 1 to n, of the
first term with its 1s made that letter (`columns._subst_subscripts`: only whole subscript
items, never a 1 elsewhere). Anything else stays as written (and is refused where lowered).
`notes` lists (statement, reason) for each sum read.
"""
from __future__ import annotations

import dataclasses

from .. import names
from ..read import syntax as S
from .columns import INDEX_LETTERS, _letters, _subst_subscripts


def _terms(e):
    """The terms of a chain of + (only +: a - in it is not this case), or None."""
    if not (isinstance(e, S.BinOp) and e.op == "+"):
        return None
    out = []
    while isinstance(e, S.BinOp) and e.op == "+":
        out.append(e.right)
        e = e.left
    out.append(e)
    return out[::-1]


def _subscript_items(e):
    for n in S.walk(e):
        if isinstance(n, S.Sub):
            for s in n.subs:
                if isinstance(s, (S.Sym, S.Num)):
                    yield s


def _as_sum(e, letter):
    terms = _terms(e)
    if terms is None or sum(isinstance(t, S.Dots) for t in terms) != 1 or \
            not isinstance(terms[-2], S.Dots) or len(terms) not in (3, 4):
        return None
    first, last = terms[0], terms[-1]
    idx = S.Sym(letter, span=first.span)
    pattern = _subst_subscripts(first, S.Num("1"), idx)
    if pattern == first:
        return None
    for n in dict.fromkeys(s for s in _subscript_items(last) if s != S.Num("1")):
        if _subst_subscripts(last, n, idx) != pattern:
            continue
        if len(terms) == 4 and _subst_subscripts(terms[1], S.Num("2"), idx) != pattern:
            return None
        return S.BigOp("sum", (idx,), S.Num("1"), n, pattern, span=e.span), n
    return None


def elided_sums(stmts):
    used = set(_letters(stmts))
    notes = []

    def rewrite(e, st):
        letter = next((c for c in INDEX_LETTERS if c not in used), None)
        got = _as_sum(e, letter) if letter is not None else None
        if got is not None:
            used.add(letter)
            total, n = got
            notes.append((st, f"an elided sum of one pattern (its first term with the "
                              f"subscript 1, its last with {names.latex_of(n)}): read as "
                              f"\\sum_{{{letter}=1}}^{{{names.latex_of(n)}}} of the first "
                              f"term with 1 made {letter}"))
            return total
        return S.rebuilt(e, lambda c: rewrite(c, st))

    out = []
    for st in stmts:
        if isinstance(st, S.Def) and any(isinstance(n, S.Dots) for n in S.walk(st.value)) or \
                isinstance(st, S.Def) and any(isinstance(n, S.Dots) for m in st.middle
                                              for n in S.walk(m)):
            st = dataclasses.replace(st, value=rewrite(st.value, st),
                                     middle=tuple(rewrite(m, st) for m in st.middle))
        out.append(st)
    return out, notes
