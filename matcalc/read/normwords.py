"""Sentences that say which norm a bare norm of a matrix is.

``\\|X\\|`` of a matrix X has two readings (the Frobenius norm, the spectral norm) and is
refused unless the subscript says which (`lower/atoms.py`). A page may say it in words
instead, right after writing the norm of a placeholder: ``where $|| \\cdot ||^2$ is the
sum of the matrix's entries squared`` (corpus 200), ``where $\\|\\cdot\\|$ denotes the
Frobenius norm``. Such a sentence makes every bare norm of a matrix in the document the
Frobenius norm.

Contract: `frobenius_sentence(inner, prose) -> str | None`: `inner`, a math region's text
between its delimiters, `prose`, the words after it; the sentence (region and words) when
the region is the norm of a placeholder (``\\cdot``, ``\\cdot`` squared) and the words say
it is the Frobenius norm -- or, for the squared placeholder, the sum of the squared entries
-- else None. Pure; never raises.
"""
from __future__ import annotations

import re

_BAR = r"(?:\|\||\\\||\\[lr]?Vert|\\left\\\||\\right\\\|)"
_PLACEHOLDER = re.compile(rf"^\s*{_BAR}\s*\\cdot\s*{_BAR}\s*(\^\s*\{{?\s*2\s*\}}?)?\s*$")

_VERB = r"(?:is|denotes|means|stands\s+for|is\s+defined\s+as|represents)"
_OWNER = r"(?:(?:the|a|its)\s+)?(?:\w+(?:'s|’s)\s+)?"
_SQUARES = (rf"sum\s+of\s+{_OWNER}(?:squared\s+entries|entries\s+squared|"
            rf"squares\s+of\s+{_OWNER}entries|squared\s+elements|elements\s+squared)")
_FROBENIUS = r"(?:squared\s+)?frobenius\s+norm"
_SENTENCE = re.compile(rf"^[\s,]*{_VERB}\s+(?:the\s+)?(?:(?P<squares>{_SQUARES})|"
                       rf"(?P<frob>{_FROBENIUS}))", re.I)


def frobenius_sentence(inner: str, prose: str):
    m = _PLACEHOLDER.match(inner)
    if m is None:
        return None
    said = _SENTENCE.match(prose)
    if said is None or "\n\n" in prose[:said.end()]:
        return None
    squared = m.group(1) is not None
    if said.group("squares") is not None and not squared:
        return None         # "||.|| is the sum of squares": not a norm; no reading taken
    if said.group("frob") is not None and said.group("frob").lower().startswith("squared") \
            and not squared:
        return None
    return " ".join((inner.strip() + " " + prose[:said.end()].strip()).split())
