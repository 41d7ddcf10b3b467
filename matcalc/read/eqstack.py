"""A one-column array of equations: ``\\begin{array}{l} h_t = ... \\\\ z_t = ... \\end{array}``.

Posts (Hugo and Jekyll notes above all) stack a model's equations in a one-column array
inside one display, as ``aligned`` would. Read as an array it is a matrix whose entries
are equations ("unexpected '='"); read as the display it renders as, each row is one
equation. So an array is a STACK OF EQUATIONS when all of these hold:

- its column specification is one column (``{l}``, ``{c}`` or ``{r}``);
- it is the whole formula: it opens the region (or follows a row break of it) and its
  ``\\end{array}`` ends the region (or a row break follows it);
- it has at least two rows, and every row that is not empty holds an ``=`` outside braces.

An array used as an operand (``\\left\\{ \\begin{array}{l} ... \\end{array} \\right.``, a
column vector) is none of these and stays an array. Empty rows (a Markdown-escaped row
break ``\\\\\\\\`` read as two) are nothing.

Contract: `equation_stack(toks, i)` -> the index of the matching ``end`` token when
``toks[i]`` (a ``begin`` token of ``array``) opens a stack of equations, else None. Pure.
`STACK_NOTE` is the reason the reader notes.
"""
from __future__ import annotations

STACK_NOTE = ("a one-column array whose rows are equations, the whole formula, read as "
              "the rows of a display (one equation a row), as it renders")

_ONE_COLUMN = frozenset("lcr")
_ROW_BREAKS = frozenset({"\\", "cr"})


def _spec_end(toks, i):
    """The index after the column spec ``{l}`` of the array begun at toks[i], and whether
    the spec is one column; (None, False) without a spec."""
    if i + 1 >= len(toks) or toks[i + 1].kind != "{":
        return None, False
    j, letters = i + 2, []
    while j < len(toks) and toks[j].kind != "}":
        letters.append(toks[j].value if toks[j].kind == "letter" else "?")
        j += 1
    return j + 1, len(letters) == 1 and letters[0] in _ONE_COLUMN


def _is_row_break(t) -> bool:
    return t.kind == "cmd" and t.value in _ROW_BREAKS


def equation_stack(toks, i):
    """See the module docstring."""
    t = toks[i]
    if t.kind != "begin" or t.value != "array":
        return None
    if i > 0 and toks[i - 1].kind != "break" and not _is_row_break(toks[i - 1]):
        return None
    start, one = _spec_end(toks, i)
    if start is None or not one:
        return None
    depth, braces, rows, row_eq, row_any = 0, 0, 0, False, False
    for j in range(start, len(toks)):
        u = toks[j]
        if u.kind == "begin":
            depth += 1
        elif u.kind == "end" and depth:
            depth -= 1
        elif u.kind == "end":
            if u.value != "array":
                return None
            if row_any:
                if not row_eq:
                    return None
                rows += 1
            after = toks[j + 1] if j + 1 < len(toks) else None
            if rows < 2 or not (after is None or after.kind == "break"
                                or _is_row_break(after)):
                return None
            return j
        elif u.kind == "{":
            braces += 1
        elif u.kind == "}":
            braces -= 1
        elif depth == 0 and braces == 0 and _is_row_break(u):
            if row_any:
                if not row_eq:
                    return None
                rows += 1
            row_eq = row_any = False
            continue
        elif depth == 0 and braces == 0 and u.kind == "char" and u.value == "=":
            row_eq = True
        if u.kind != "newline":
            row_any = True
    return None
