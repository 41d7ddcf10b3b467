"""A declaration of I that the words after it call the identity.

``$K \\in \\mathbb{R}^{n \\times q}, \\ I \\in \\mathbb{R}^{n \\times n}$ is the identity matrix``
(corpus 154): the region's last declaration gives I its size and the sentence that goes
on after the region says what I is. Read as a declaration alone, I would be an n×n matrix
of data -- an input of the generated code, drawn at random by a check, printed as a
name -- where the text means the identity. `says_identity(source, st, target)` tells
when the words right after the declaration (past the closing ``$``) are one of
`IDENTITY_WORDS` ("is the identity", "is an n x n identity matrix", "denotes the
identity"): then the declaration declares nothing about I, which stays the identity of
the size its products force (noted by the caller). Only an undecorated I (or I with a
subscript) that is the declaration's last target is taken so.
"""
from __future__ import annotations

import re

from ..notes import offsets
from ..read import syntax as S

# the words right after the region, past its closing dollar(s)
IDENTITY_WORDS = re.compile(
    r"\s*\$*\s*(?:is|denotes|being)\s+(?:the|an|a)\s+(?:(?:\$[^$]*\$|[^\s.,;$]+)\s+){0,3}?"
    r"identity\b",
    re.IGNORECASE)


def is_identity_name(t) -> bool:
    """I or I_n, undecorated (no accent, no superscript)."""
    base = t.base if isinstance(t, S.Sub) else t
    return isinstance(base, S.Sym) and base.name == "I" and base.accent is None and \
        getattr(base, "sup", None) is None


def says_identity(source: str, st, target) -> bool:
    """Do the words right after declaration `st` (whose last target is `target`) say that
    I is the identity?"""
    if not source or not st.targets or st.targets[-1] is not target or \
            not is_identity_name(target) or not st.span.end_line:
        return False
    starts = offsets(source)
    if st.span.end_line > len(starts):
        return False
    end = starts[st.span.end_line - 1] + st.span.end_column - 1
    return IDENTITY_WORDS.match(source, end) is not None
