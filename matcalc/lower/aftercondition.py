"""A condition on a double sum's indices written after the formula: ``$V = \\frac{1}{2}
\\sum_{i = 1}^{n} \\sum_{j = 1}^{n}V_{ij}$ (i $\\neq$ j)`` (corpus 153).

Physics texts state the excluded diagonal of a pair sum in words after the formula. The
math alone sums over every pair, i = j included -- there the pair potential divides by
the distance 0, and the objective is infinite -- so reading the formula without its
condition derives a function the author did not write. `conditions_after(stmts, src)`
reads the condition as the inner sum's own, ``\\sum_{j \\ne i}``, where the words right
after a definition (past its closing ``$``) are ``(a \\neq b)`` (``\\ne`` too, the relation
alone in math or not) and a, b are the indices of two nested sums of that definition's
right side, the outer binding one and the inner the other, with no set or exclusion of
its own. Returns the statements and a note for each condition read. Anything else is left
as it is (the skipped ``\\neq`` fragment keeps its note).
"""
from __future__ import annotations

import dataclasses
import re

from .. import names
from ..notes import offsets
from ..read import syntax as S

AFTER = re.compile(r"\s*\$*\s*\(\s*([A-Za-z])\s*(?:\$\s*)?\\(?:neq|ne)(?![A-Za-z])(?:\s*\$)?"
                   r"\s*([A-Za-z])\s*\)")


def _index(op):
    return names.keyword_of(op.indices[0]) if len(op.indices) == 1 else None


def _excluded(e, pair):
    """`e` with the inner sum of the nested pair (outer, inner) over `pair` given its
    exclusion, or None where the pair is not nested so."""
    if not isinstance(e, S.BigOp):
        if isinstance(e, S.BinOp):
            left = _excluded(e.left, pair)
            if left is not None:
                return dataclasses.replace(e, left=left)
            right = _excluded(e.right, pair)
            return dataclasses.replace(e, right=right) if right is not None else None
        return None
    inner = e.body
    if e.kind == "sum" and isinstance(inner, S.BigOp) and inner.kind == "sum" and \
            {_index(e), _index(inner)} == set(pair) and inner.over is None and \
            inner.excluded is None and inner.compare is None:
        return dataclasses.replace(e, body=dataclasses.replace(inner, excluded=e.indices[0]))
    return None


def conditions_after(stmts, src):
    """(statements, [(statement, note)]) -- see the module docstring."""
    if not src:
        return stmts, []
    starts, out, notes = offsets(src), [], []
    for st in stmts:
        sp = getattr(st, "span", None)
        if not isinstance(st, S.Def) or st.value is None or sp is None or \
                not sp.end_line or sp.end_line > len(starts):
            out.append(st)
            continue
        m = AFTER.match(src, starts[sp.end_line - 1] + sp.end_column - 1)
        new = _excluded(st.value, (m.group(1), m.group(2))) if m else None
        if new is None:
            out.append(st)
            continue
        st = dataclasses.replace(st, value=new)
        notes.append((st, f"the condition ({m.group(1)} \\neq {m.group(2)}) written after the "
                          f"formula is read as its double sum's: the terms {m.group(1)} = "
                          f"{m.group(2)} are left out"))
        out.append(st)
    return out, notes
