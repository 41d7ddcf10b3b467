"""Empty scripts: ``\\sum\\limits_{l \\in R}^{}``, ``x^{}`` -- a ``^`` or ``_`` whose group is
empty sets nothing, so it is read as not written.

Contract: `empty_script(toks, k)` says whether raw token k (after `scan`/`expand`, kinds
"char" / "{" / "}") is such a script; `EMPTY_SCRIPT_NOTE` is the note the parser gives it
(read/parse.py), the word pass skips the three tokens (read/words.py), and a sum over a set
with an empty bound beside it is the sum over the set (read/commands.py). A script with
anything inside, a space included (``^{\\ }``), is not empty.
"""
from __future__ import annotations

SCRIPT_CHARS = ("^", "_")
EMPTY_SCRIPT_NOTE = ("an empty script ('^{}' or '_{}') sets nothing: read as not written")


def empty_script(toks: list, k: int) -> bool:
    """Is raw token k a ``^`` / ``_`` followed by an empty group ``{}``?"""
    return (0 <= k and k + 2 < len(toks) and toks[k].kind == "char"
            and toks[k].value in SCRIPT_CHARS and toks[k + 1].kind == "{"
            and toks[k + 2].kind == "}")
