"""Where an objective the user names, defined nowhere, stands in the document.

The last refusal of `ObjectiveChoice._objective_kw` ("objective ... is not defined in the
document") had no place. Two cases are common and located here:

- an ENTRY of a defined vector (``y_i`` after ``y = \\operatorname{softmax}(z)``): the
  objective's base is defined and its subscript names an index no definition fixes; this
  asks for one derivative per entry (a Jacobian's rows), not a scalar's gradient -- the
  error points at the vector's definition and says so;
- a text WRITTEN in the document but defined by no formula (``\\frac{\\partial \\log
  |\\Omega(X)|}{\\partial x}`` whose function is never set equal to anything matcalc reads):
  the error points at its first occurrence (spaces aside) outside ``%`` comment lines.

Contract: `locate(src, objective, defs)` -> a located `ParseError`, or None when the
objective's text occurs nowhere. `defs` maps the keyword of each definition to (its LaTeX,
the span of its left side). Pure: reads the text, changes nothing.
"""
from __future__ import annotations

import re

from ..errors import ParseError
from ..notes import offsets, position

# the objective read as `base_index`: a name (a command or a letter, a font around it
# allowed), then a one-letter subscript, braced or not
_ENTRY = re.compile(r"^\s*(?P<base>\\[A-Za-z]+\s*\{[^{}]*\}|\\[A-Za-z]+|[A-Za-z])\s*_\s*"
                    r"(?:\{\s*(?P<b>[A-Za-z])\s*\}|(?P<i>[A-Za-z]))\s*$")


def _in_comment_line(src: str, offset: int) -> bool:
    """Whether `offset` is on a line that is a ``%`` comment (a header, a draft line)."""
    start = src.rfind("\n", 0, offset) + 1
    return src[start:offset].lstrip().startswith("%")


def _pattern(text: str):
    """`text` as a regular expression that allows any blank space between its tokens."""
    toks = re.findall(r"\\[A-Za-z]+|\\.|\S", text)
    return re.compile(r"\s*".join(re.escape(t) for t in toks)) if toks else None


def locate(src: str, objective: str, defs: dict):
    """A located ParseError for `objective`, defined nowhere (see the module docstring)."""
    m = _ENTRY.match(objective)
    if m is not None:
        base = "".join(m.group("base").split())
        index = m.group("b") or m.group("i")
        for kw, (latex, span) in defs.items():
            if span is not None and "".join(latex.split()) == base.lstrip("\\") or \
                    span is not None and latex == base:
                return ParseError(
                    f"objective {objective!r} is entry {index} of {latex}, defined here, with "
                    f"{index} fixed by nothing: it asks for one derivative per entry (the "
                    f"rows of a Jacobian), not the gradient of a scalar; name a scalar "
                    f"objective", span.line, span.column, src,
                    span.end_column if span.end_line == span.line else None)
    pat = _pattern(objective)
    hit = next((h for h in (pat.finditer(src) if pat is not None else ())
                if not _in_comment_line(src, h.start())), None)
    if hit is None:
        return None
    starts = offsets(src)
    line, col = position(starts, hit.start())
    end_line, end_col = position(starts, hit.end())
    return ParseError(f"objective {objective!r} is written here, but no formula the reader "
                      f"reads defines it (it is not the left side of a definition: set a "
                      f"name equal to it, f = ...)", line, col, src,
                      end_col if end_line == line else None)
