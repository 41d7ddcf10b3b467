"""A column of names set equal to a column of expressions: the definitions of its names.

``\\begin{pmatrix} e_1 \\\\ \\vdots \\\\ e_n \\end{pmatrix} = \\begin{pmatrix} \\|x_1^a -
P_1\\Delta x_1^b\\| \\\\ \\vdots \\\\ \\|x_n^a - P_n\\Delta x_n^b\\| \\end{pmatrix}`` (corpus 084)
defines the vector e entrywise, ``e_j = \\|x_j^a - P_j\\Delta x_j^b\\|`` for j = 1..n; and
``\\begin{pmatrix} a \\\\ b \\end{pmatrix} = \\begin{pmatrix} x^Tx \\\\ 3 \\end{pmatrix}``
defines a and b.

Contract: `column_definitions(stmts) -> (stmts, notes)`, pure. A `Def` whose left side is
a one-column stack (no parameters, no chain) and whose right side is a one-column stack of
as many rows, elisions at the same rows, is replaced by:

- rows without an elision, each left row a plain name (a letter, no subscript), the names
  all different: one definition per row;
- one elided run, the left side ``e_1, \\vdots, e_n`` (one name, subscripts 1 and a name or
  number n): the entrywise definition ``e_j = E(j)`` where E(j) is the first row with each
  subscript written 1 made j, and must equal the last row with each subscript written n
  made j (else nothing is read: the rows follow no one pattern); j is a letter used nowhere
  else in the document, and ``j = 1, \\dots, n`` is added as its range. The row between the
  first and the last is only an elision; rows written out between them are compared with
  the pattern too.

Anything else is left as it is (a relation: it defines nothing). `notes` lists (statement,
reason) for what was read.
"""
from __future__ import annotations

from .. import names
from ..read import syntax as S
from .base import walk_syntax

INDEX_LETTERS = ("j", "i", "k", "l", "m", "p", "q", "r", "s", "t", "u", "v")


def _column(e):
    return isinstance(e, S.Stack) and e.width == 1


def _letters(stmts) -> set:
    out = set()
    for st in stmts:
        for n in walk_syntax(st):
            if isinstance(n, S.Sym):
                out.add(n.name)
    return out


def _subst_subscripts(e, old, new):
    """e with every subscript item equal to `old` (a Num or a Sym) replaced by `new`; only
    whole subscript items (``x_1``, ``P_{1}``), never a 1 elsewhere (``\\|x_1 - 1\\|``)."""
    if isinstance(e, S.Sub):
        base = _subst_subscripts(e.base, old, new)
        subs = tuple(new if s == old else _subst_subscripts(s, old, new) for s in e.subs)
        return S.Sub(base, subs, span=e.span)
    return S.rebuilt(e, lambda c: _subst_subscripts(c, old, new))


def _plain_rows(st, left, right):
    if any(isinstance(x, S.Dots) for x in left + right):
        return None
    if not all(isinstance(x, S.Sym) for x in left):
        return None
    kws = [names.keyword_of(x) for x in left]
    if None in kws or len(set(kws)) != len(kws):
        return None
    defs = tuple(S.Def(x, None, v, span=st.span) for x, v in zip(left, right))
    shown = ", ".join(names.latex_of(x) for x in left)
    return defs, f"a column of names set equal to a column: read as the definitions of {shown}"


def _elided_rows(st, left, right, used):
    dots = [k for k, x in enumerate(left) if isinstance(x, S.Dots)]
    if len(dots) != 1 or [k for k, x in enumerate(right) if isinstance(x, S.Dots)] != dots:
        return None
    first, last = left[0], left[-1]
    if not (isinstance(first, S.Sub) and isinstance(last, S.Sub) and
            isinstance(first.base, S.Sym) and first.base == last.base and
            len(first.subs) == 1 and len(last.subs) == 1 and first.subs[0] == S.Num("1") and
            isinstance(last.subs[0], (S.Sym, S.Num)) and last.subs[0] != S.Num("1")):
        return None
    if any(not isinstance(x, S.Dots) and not (isinstance(x, S.Sub) and x.base == first.base
                                               and len(x.subs) == 1)
           for x in left):
        return None
    j = next((c for c in INDEX_LETTERS if c not in used), None)
    if j is None:
        return None
    idx = S.Sym(j, span=first.span)
    pattern = _subst_subscripts(right[0], S.Num("1"), idx)
    if pattern == right[0] or _subst_subscripts(right[-1], last.subs[0], idx) != pattern:
        return None
    for x, v in zip(left[1:-1], right[1:-1]):       # rows written out between them
        if not isinstance(x, S.Dots) and _subst_subscripts(v, x.subs[0], idx) != pattern:
            return None
    n = last.subs[0]
    target = S.Sub(first.base, (idx,), span=S.Span(first.span.line, first.span.column,
                                                     last.span.end_line, last.span.end_column))
    made = (S.Range(idx, S.Num("1"), n, span=st.span),
            S.Def(target, None, pattern, span=st.span))
    e = names.latex_of(first.base)
    return made, (f"a column {e}_1, ..., {e}_{names.latex_of(n)} set equal to a column of "
                  f"one pattern: read as the entrywise definition of {e}, {e}_{j} = the first "
                  f"row with its subscript 1 made {j} (the last row, with "
                  f"{names.latex_of(n)} made {j}, agrees), {j} = 1, ..., {names.latex_of(n)}")


def column_definitions(stmts):
    used = _letters(stmts)
    out, notes = [], []
    for st in stmts:
        got = None
        if isinstance(st, S.Def) and st.params is None and not st.middle and \
                _column(st.target) and _column(st.value) and \
                len(st.target.items) == len(st.value.items) and len(st.target.items) > 1:
            left, right = st.target.items, st.value.items
            got = _plain_rows(st, left, right) or _elided_rows(st, left, right, used)
        if got is None:
            out.append(st)
            continue
        made, reason = got
        out.extend(made)
        notes.append((st, reason))
    return out, notes
