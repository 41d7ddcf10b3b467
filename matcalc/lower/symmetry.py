"""How a document says an input is symmetric: outright, or as a hypothesis.

Contract: `said(latex, st)` is how the text says it (``A = A^T``, ``A \\in \\mathbb{S}^n``);
`condition(source, st)` is the word that makes a symmetry statement a hypothesis -- ``if A
is symmetric, A = A^T, then ...``, ``If the matrix A is symmetric, that is A = A^T`` --
or None where the text states it (``where A = A^T``, ``A = A^T``, a declaration in
``\\mathbb{S}^n``). A stated symmetry is used in the result (Sᵀ = S: ``2 A x``); a supposed
one is not (the result then holds for every matrix: ``(A + A^T) x``). Both make a check
draw the matrix symmetric and refuse a gradient with respect to it (`Problem.symmetric`).
The hypothesis is read from the words of the statement's own sentence before it: from the
end of the previous sentence (``.``, ``!``, ``?`` before a space or a capital), a blank
line or a display (``$$``, ``\\]``, ``\\end{...}``) up to the statement.
"""
from __future__ import annotations

import re

from ..notes import offsets
from ..read import syntax as S

_WORD = re.compile(r"(?<![\\A-Za-z])(if|when|whenever|provided)(?![A-Za-z])", re.I)
_SENTENCE_END = re.compile(r"[.!?](?=\s|[A-Z])|\n[ \t]*\n|\$\$|\\\]|\\end\{[^}]*\}")


def said(latex, st) -> str:
    """How the document says an input is symmetric: ``A = A^T``, or its declaration in the
    symmetric matrices ``\\mathbb{S}^n``."""
    if isinstance(st, S.Decl):
        return f"{latex} \\in \\mathbb{{S}}^n"
    return f"{latex} = {latex}^T"


def condition(source: str, st) -> str | None:
    """The word (``if``) that makes the symmetry statement `st` a hypothesis of its
    sentence, or None (a declaration, or a statement made outright)."""
    if isinstance(st, S.Decl) or not source or not st.span.line:
        return None
    starts = offsets(source)
    if st.span.line > len(starts):
        return None
    before = source[:starts[st.span.line - 1] + st.span.column - 1]
    ends = list(_SENTENCE_END.finditer(before))
    clause = before[ends[-1].end():] if ends else before
    m = _WORD.search(clause)
    return m.group(1).lower() if m else None
