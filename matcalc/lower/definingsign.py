"""A definition written with a defining sign (``f(X) := ...``, ``\\coloneqq``, ``\\triangleq``).

An author who writes ``:=`` says: this IS the name's definition. When the same name is
set equal to something again with a plain ``=`` (an answer restating the question's
function in its own terms, ``f &= \\|M\\|^2_F = M:M`` with M never introduced), the later
statement is a restatement, not a rival definition: when it cannot be read because it
writes a name the document never introduces, the reader keeps the ``:=`` definition and
notes the other (lower/definitions.py `_settle`). Without a defining sign on either side
the two stay rivals (a name never introduced may mean something else: refused).

Contract: `by_defining_sign(src, stmt)` -- whether the first relation sign of `stmt` (a
Def, its text from its own span) is one of DEFINING_SIGNS, not ``=``. Pure.
"""
from __future__ import annotations

import re

from ..notes import excerpt

# the signs that say "is defined as" (named data: the order does not matter)
DEFINING_SIGNS = (":=", "\\coloneqq", "\\coloneq", "\\triangleq", "\\eqqcolon",
                  "\\overset{\\text{def}}{=}", "\\stackrel{\\text{def}}{=}",
                  "\\overset{\\mathrm{def}}{=}", "\\stackrel{\\mathrm{def}}{=}",
                  "\\overset{def}{=}", "\\stackrel{def}{=}")
_SIGN = re.compile("|".join(re.escape(s) for s in sorted(DEFINING_SIGNS, key=len,
                                                          reverse=True)) + "|=")


def by_defining_sign(src: str, stmt) -> bool:
    """Whether the Def `stmt` is written with a defining sign before any plain ``=``."""
    span = getattr(stmt, "span", None)
    if span is None or not span.line:
        return False
    m = _SIGN.search("".join(excerpt(src, span).split()))
    return m is not None and m.group(0) != "="
