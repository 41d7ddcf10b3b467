"""A copy cut short: the text ends inside a display region (``... can be written $$
\\begin{aligned} a_{ii} &= ..`` -- a stored page whose text stops mid-formula).

Contract: `cut_short(text, start, opener, closer)` says whether the display opened at
`start` by `opener` and never closed can be read as running to the end of the text: its
closer is one of CUT_SHORT_CLOSERS and what follows the opener holds no ``$`` (another
delimiter: a lost or stray one, where the region would end is unknown) and no blank line
(a paragraph break: prose after a lost closer). Then the scanner closes it at the end,
and the reader notes `CUT_SHORT_NOTE` (read/scan.py). A pure function; never raises.
"""
from __future__ import annotations

import re

CUT_SHORT_CLOSERS = ("$$", "\\]")
CUT_SHORT_NOTE = ("the text ends inside this display (its closing '{closer}' never comes: "
                  "a copy cut short): read to the end of the text")
_BLANK_LINE = re.compile(r"\n[ \t]*\n")


def cut_short(text: str, start: int, opener: str, closer: str) -> bool:
    rest = text[start + len(opener):]
    return closer in CUT_SHORT_CLOSERS and bool(rest.strip()) and "$" not in rest \
        and _BLANK_LINE.search(rest) is None
