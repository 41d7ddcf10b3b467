"""reStructuredText math: the ``:math:`..``` role and the ``.. math::`` directive (Sphinx
docs, rST READMEs), read as math regions of the scanner (read/scan.py).

Contract: `rst_math(text, i) -> (after, stop, why) | None`, a pure function that never
raises. At offset i it finds

  - a ROLE ``:math:`x \\in \\mathbb{R}^n``` -- the math runs from after the opening backtick
    to the closing one, which must come before a blank line (else it is no role: None);
  - a DIRECTIVE ``.. math::`` opening a line -- the math is what follows on its line and
    the indented block after it; the block ends at the first line that is neither blank nor
    indented, or at a directive option (``:label: lm-update``, ``:nowrap:``), which is no
    math; blank lines at its end are not part of it.

`after` is the offset where the math starts, `stop` where it ends (the closing backtick,
the end of the block), `why` the note the reader gives the region.
"""
from __future__ import annotations

import re

ROLE = ":math:`"
_DIRECTIVE = re.compile(r"\.\.[ \t]+math::[ \t]*")
_OPTION = re.compile(r"[ \t]+:[A-Za-z][\w-]*:")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")
ROLE_NOTE = "read as math: a reStructuredText math role :math:`...`"
DIRECTIVE_NOTE = "read as math: a reStructuredText '.. math::' directive and its indented block"


def rst_math(text: str, i: int):
    if text.startswith(ROLE, i):
        after = i + len(ROLE)
        stop = text.find("`", after)
        if stop < 0 or _BLANK_LINE.search(text, after, stop) or stop == after:
            return None
        return after, stop, ROLE_NOTE
    if (i == 0 or text[i - 1] == "\n") and text.startswith("..", i):
        m = _DIRECTIVE.match(text, i)
        if m is None:
            return None
        line_end = text.find("\n", m.end())
        stop = len(text) if line_end < 0 else line_end
        k = stop + 1
        while 0 < k <= len(text) and line_end >= 0:
            nxt = text.find("\n", k)
            line = text[k:len(text) if nxt < 0 else nxt]
            if line.strip() and (not line[:1].isspace() or _OPTION.match(line)):
                break
            if line.strip():
                stop = k + len(line)
            if nxt < 0:
                break
            k = nxt + 1
        if not text[m.end():stop].strip():
            return None
        return m.end(), stop, DIRECTIVE_NOTE
    return None


def has_rst_math(text: str) -> bool:
    """Does the text hold a math role or a math directive (then it is prose with math, not
    all math)?"""
    return ROLE in text or re.search(r"(?m)^\.\.[ \t]+math::", text) is not None
