"""Words that say an input sums to 1: ``where $y$ is one-hot``, ``$y$ is a probability
vector``, ``the one-hot label $y$``, ``the entries of $y$ sum to 1``.

Contract: `normalised_statements(text, regs, k, inner, one_name) -> [SumStatement]`, the
statements the prose around math region `regs[k]` makes (on its line); a pure function that
never raises. The name is the region's own (it holds one name) or, in the words after it,
a one-letter name written bare or a later region holding one name (``, where y is
one-hot``). What a statement is for: a chain of equalities ``\\ell = -y:\\log(s) = \\lambda
- y:u`` whose members agree only where 1ᵀy = 1 is read where the text states it
(lower/definitions.py). Only vectors are meant: a matrix "one-hot" says neither by rows nor
by columns, and the lowerer does not use the statement for one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Tuple

from .prose_shapes import SAID_NAME, masked_line, said_phrases

_ONE_HOT = r"(?:one[- ]?hot(?:[- ]encoded)?|a\s+one[- ]?hot\s+(?:encoded\s+)?" \
           r"(?:vector|label|encoding|target)s?)"
_PROBABILITY = r"(?:an?\s+|the\s+)?(?:probability|stochastic)\s+(?:vector|distribution)"
_TO_ONE = r"\s+to\s+(?:1|one)\b(?!\.\d)"
_NAME = SAID_NAME
# (how the phrase reads, the pattern after the region: {NAME} absent = the region's name)
SUM_PHRASES = (
    ("<y> is one-hot", r"(?:is|are|be|being)\s+(?:a\s+)?" + _ONE_HOT + r"(?![\w-])"),
    ("<y> is a probability vector", r"(?:is|be|being)\s+" + _PROBABILITY + r"(?![\w-])"),
    ("<y> sums to 1", r"(?:sums|adds\s+up)" + _TO_ONE + r"|(?:'s|whose)\s+(?:entries|"
     r"components|elements)\s+(?:sum|add\s+up)" + _TO_ONE),
    ("where <y> is one-hot", r"(?:where|with|and|here)\s+" + _NAME + r"\s+(?:is|being)\s+"
     r"(?:a\s+)?" + _ONE_HOT + r"(?![\w-])"),
    ("where <y> is a probability vector", r"(?:where|with|and|here)\s+" + _NAME +
     r"\s+(?:is|being)\s+" + _PROBABILITY + r"(?![\w-])"),
)
# before the region: "the one-hot label $y$", "the entries of $y$" (then "sum to 1" after)
_BEFORE_ONE_HOT = re.compile(r"\bone[- ]?hot(?:[- ]encoded)?(?:\s+(?:label|target|vector|"
                             r"encoding))?\s*$", re.IGNORECASE)
_BEFORE_ENTRIES = re.compile(r"\b(?:entries|components|elements)\s+of\s*$", re.IGNORECASE)
_AFTER_SUM = re.compile(r"\s*" + r"(?:sum|add\s+up)\s+to\s+(?:1|one)\b", re.IGNORECASE)
_COMPILED = tuple((how, re.compile(p, re.IGNORECASE)) for how, p in SUM_PHRASES)


@dataclass(frozen=True)
class SumStatement:
    """The words say `name` (syntax) sums to 1 (one-hot, a probability vector):
    `sentence` as written, at `place` ((start, end) offsets), by the row `phrase`."""
    name: object
    sentence: str
    place: Tuple[int, int]
    phrase: str


def normalised_statements(text, regs, k, inner, one_name) -> list:
    r = regs[k]
    bol = text.rfind("\n", 0, r.start) + 1
    eol = text.find("\n", r.end)
    eol = len(text) if eol < 0 else eol
    src = inner(text, r)
    own = one_name(src) if src is not None else None
    prose, spans = masked_line(text, regs, k, eol)
    lead = re.match(r"\s*[,;]?\s*", prose).end()
    out = []
    before = text[bol:r.start]
    if own is not None:
        m = _BEFORE_ONE_HOT.search(before)
        if m:
            out.append(SumStatement(own, text[bol + m.start():r.end].strip(),
                                    (bol + m.start(), r.end), "one-hot <y>"))
        m2 = _BEFORE_ENTRIES.search(before)
        a = _AFTER_SUM.match(text, r.end, eol)
        if m2 and a:
            out.append(SumStatement(own, text[bol + m2.start():a.end()].strip(),
                                    (bol + m2.start(), a.end()), "the entries of <y> sum to 1"))
    for how, name, (start, end) in said_phrases(_COMPILED, prose, lead, r, own, text, spans,
                                                inner, one_name):
        out.append(SumStatement(name, text[start:end].strip(), (start, end), how))
        break
    return out
