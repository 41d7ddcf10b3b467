"""Members a post names in a sentence as the rows or columns of a matrix: "where $a_i^T$ is
the $i$-th row of $A$", "$x_i$ denotes the $i$th column of $X$", as optimisation and
statistics posts write them.

Contract: `member_statements(text, regs, k, inner)` -> a `MemberStatement` when the region
`regs[k]` holds one name with one index letter (``a_i``, or its transpose ``a_i^T``) and
the prose right after it, on one line, is ``is``/``denote(s)``/``represent(s)``/``be``
[``the``] <ordinal of that same letter> ``row``|``column`` ``of`` [``the``] [``matrix``]
then a region holding one name (the matrix): the ordinals ``$i$-th``, ``$i$th``, ``i-th``,
``ith``, ``$i^{th}$``, ``$i^\\text{th}$``. Else None. Pure; never raises. The statement
says: the member (syntax, without the transpose), the matrix (syntax), the axis ("row" |
"column"), whether the sentence wrote the member transposed (``a_i^T`` is the row: a_i is
a column vector), the sentence, and `part`, the (start, end) offsets of the text from the
member's region to the matrix's (its math is part of the sentence, never a formula).
The lowerer (`lower/prose_names.py`) reads ``a_i`` as that row (or column) of the matrix.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Tuple

from . import syntax as S

_ORDINAL = (r"(?:\$\s*(?P<a>[a-z])\s*\$\s*-?\s*'?\s*th"
            r"|\$\s*(?P<b>[a-z])\s*\^\s*\{?\s*(?:\\(?:text|mathrm|rm)\s*\{?\s*)?th\s*\}?\s*\}?\s*\$"
            r"|(?P<c>[a-z])\s*-?\s*th)")
_MEMBER_SENTENCE = re.compile(
    r"\s*,?\s*(?:is|denotes|denote|represents|represent|stands for|be|being)\s+(?:the\s+)?" + _ORDINAL +
    r"\s+(?P<axis>row|column)\s+of\s+(?:the\s+)?(?:matrix\s+)?"
    r"(?P<open>\$\$?|\\\()(?P<mat>[^$\n]{1,60}?)(?:\$\$?|\\\))", re.IGNORECASE)


@dataclass(frozen=True)
class MemberStatement:
    member: object            # S.Sub: a_i (the transpose the sentence wrote is `transposed`)
    matrix: object            # S.Sym / S.Sub: A
    axis: str                 # "row" | "column"
    transposed: bool
    sentence: str
    part: Tuple[int, int]


def _one(src: str, kind):
    from .prose_shapes import lone_statement
    st = lone_statement(src, S.Bare)
    e = st.value if st is not None else None
    return e if isinstance(e, kind) else None


def member_statements(text, regs, k, inner) -> Optional[MemberStatement]:
    r = regs[k]
    src = inner(text, r)
    if src is None:
        return None
    e = _one(src, (S.Sub, S.Transpose))
    transposed = isinstance(e, S.Transpose)
    if transposed:
        e = e.arg
    if not (isinstance(e, S.Sub) and isinstance(e.base, S.Sym) and len(e.subs) == 1 and
            isinstance(e.subs[0], S.Sym) and len(e.subs[0].name) == 1):
        return None
    m = _MEMBER_SENTENCE.match(text, r.end)
    if m is None or "\n" in text[r.end:m.end()]:
        return None
    letter = m.group("a") or m.group("b") or m.group("c")
    if letter != e.subs[0].name:
        return None
    matrix = _one(m.group("mat"), (S.Sym, S.Sub))
    if matrix is None:
        return None
    sentence = " ".join(text[r.start:m.end()].split())
    return MemberStatement(e, matrix, m.group("axis").lower(), transposed, sentence,
                           (r.start, m.end()))
