"""A name set to a number for a case the words state: ``$Y = 1$ for a 'positive' similar
pair and $Y = 0$ for a 'negative' dissimilar pair`` (corpus 197).

The sentence says which values the label Y takes, and when; it does not define Y. Read as
definitions, Y is defined twice, differently (refused), or -- with one such sentence --
silently a constant. `states_a_case(source, st)` tells when the definition `st` is a name
set to a number (``Y = 0``, ``y_i = -1``) standing alone in its math region, and the words
right after the region begin a condition (`CASE_WORDS`: "for", "if", "when", "whenever",
"otherwise", "in case"): then the statement defines nothing (the caller notes it, for a name
the document declares), and the name stays what its declaration makes it. An undeclared
name so set stays a definition (``we set $\\lambda = 0.1$ for the experiments``: the value).
"""
from __future__ import annotations

import re

from ..notes import offsets
from ..read import syntax as S
from .classify import namelike

CASE_WORDS = re.compile(r"\s*\$+\s*,?\s*(?:for|if|when|whenever|otherwise|in\s+case)\b",
                        re.IGNORECASE)


def _number(e) -> bool:
    if isinstance(e, S.Neg):
        e = e.arg
    return isinstance(e, S.Num)


def states_a_case(source: str, st) -> bool:
    """Is `st` (a Def) ``name = number`` followed, past its closing dollar, by a word that
    opens a condition?"""
    if not (isinstance(st, S.Def) and st.target is not None and st.params is None and
            not st.middle and namelike(st.target) and _number(st.value)) or \
            not source or not st.span.end_line:
        return False
    starts = offsets(source)
    if st.span.end_line > len(starts):
        return False
    end = starts[st.span.end_line - 1] + st.span.end_column - 1
    return CASE_WORDS.match(source, end) is not None
