"""Pass 4 of reading: environments, ``\\eqalign{}`` rows, alignment, sizing and spacing.

Contract: `clean(toks, source) -> list` of raw tokens with row breaks (``break``,
``rowsep``), array brackets (``ARR_OPEN``/``ARR_CLOSE``), ``QUAD``/``SEMISP``/``IMPLIES``
marks; sizing and spacing are gone (a ``\\left``/``\\right`` is kept as the `lr` of the
token after it). A row's last column that is only words in parentheses, after ``&`` or a
quad (``r &= X\\beta - y \\qquad&({\\rm residual/error\\,vector}) \\\\``), is an
annotation: one ``text`` token (prose), never letters to multiply (`annotations`).
Raises only a located `ParseError` (an unknown or unclosed environment).
"""
from __future__ import annotations

from .eqstack import _spec_end, equation_stack
from .tokens import ARRAY_ENVS, DROPPED, DROPPED_WITH_ARG, IMPLIES, MATH_ENVS, SIZING, Tok, err


STYLE_GROUPS = ("displaystyle", "textstyle")


def _unwrap_style_group(toks: list) -> list:
    """``{\\displaystyle L(x) = ...}`` (how Wikipedia writes every formula): a group that
    opens with a style command and spans the whole region is the formula inside it."""
    body = [t for t in toks if t.kind != "break"]
    if len(body) < 3 or body[0].kind != "{" or body[1].kind != "cmd" or \
            body[1].value not in STYLE_GROUPS:
        return toks
    depth = 0
    for j, t in enumerate(body):
        depth += {"{": 1, "}": -1}.get(t.kind, 0)
        if depth == 0:
            if j != len(body) - 1:
                return toks           # the group closes before the end: not a wrapper
            break
    drop = {id(body[0]), id(body[-1])}
    return [t for t in toks if id(t) not in drop]


# an annotation column: what may stand before it, what ends its row, the font switches
# and commands of its words, and the characters and spacing commands between its words
_ANNOTATION_BEFORE = {("char", "&"), ("cmd", "quad"), ("cmd", "qquad")}
_ROW_END = {"}", "break", "end", "newline"}
_ROW_END_CMDS = {"\\", "cr", "crcr"}
_WORD_FONTS = {"rm", "textrm", "it", "sl", "sf", "tt", "bf", "mathrm"}
_WORD_CHARS = set("/-',.:")
_WORD_SPACES = {",", " ", ";", ":", "!", "thinspace", "enspace"}


def _words_group(toks, i):
    """(end index, words) of a text-only group at toks[i]: a ``text`` token, ``{\\rm ..}``
    or ``\\mathrm{..}`` holding letters, digits, spaces and ``/-',.:``; (None, None) else."""
    t = toks[i] if i < len(toks) else None
    if t is None:
        return None, None
    if t.kind == "text":
        return i + 1, t.value
    if t.kind == "{" and i + 1 < len(toks) and toks[i + 1].kind == "cmd" and \
            toks[i + 1].value in _WORD_FONTS:
        j = i + 2
    elif t.kind == "cmd" and t.value in _WORD_FONTS and i + 1 < len(toks) and \
            toks[i + 1].kind == "{":
        j = i + 2
    else:
        return None, None
    words = []
    while j < len(toks) and toks[j].kind != "}":
        x = toks[j]
        if x.kind in ("letter", "num") or (x.kind == "char" and x.value in _WORD_CHARS):
            words.append(("" if words and not x.sp else " " if words else "") + x.value)
        elif x.kind == "cmd" and x.value in _WORD_SPACES:
            words.append(" ")
        else:
            return None, None
        j += 1
    text = "".join(words).strip()
    # a word, not a symbol: two letters in a row somewhere
    if j >= len(toks) or not any(a.isalpha() and b.isalpha() for a, b in zip(text, text[1:])):
        return None, None
    return j + 1, text


def annotations(toks: list) -> list:
    """Each ``(words)`` standing as a row's last column after ``&`` or a quad (see the
    module docstring) -> one ``text`` token spanning it; everything else unchanged."""
    out, i, n = [], 0, len(toks)
    while i < n:
        t = toks[i]
        prev = out[-1] if out else None
        if t.kind == "char" and t.value == "(" and prev is not None and \
                (prev.kind, prev.value) in _ANNOTATION_BEFORE:
            j, text = _words_group(toks, i + 1)
            if j is not None and j < n and toks[j].kind == "char" and toks[j].value == ")":
                end = toks[j]
                k = j + 1
                while k < n and toks[k].kind == "cmd" and toks[k].value in _WORD_SPACES:
                    k += 1
                if k >= n or toks[k].kind in _ROW_END or \
                        (toks[k].kind == "cmd" and toks[k].value in _ROW_END_CMDS):
                    out.append(Tok("text", f"({text})", t.line, t.col, end.end_line,
                                   end.end_col, t.sp))
                    i = j + 1
                    continue
        out.append(t)
        i += 1
    return out


def clean(toks: list, source: str) -> list:
    """Environments, eqalign, alignment, sizing and spacing -> row breaks / nothing."""
    toks = annotations(_unwrap_style_group(toks))
    out: list = []
    braces: list = []          # per open '{': True when it is \eqalign's (to be dropped)
    envs: list = []            # open environments (name, token)
    grids: list = []           # per open environment: its `_Grid` (an array) or None
    pending_lr = None
    spaced = False             # a spacing command was dropped before the next token
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        i += 1
        k, v = t.kind, t.value
        in_array = bool(envs) and grids[-1] is not None
        if k == "begin":
            env = v.rstrip("*")
            if env == "array" and equation_stack(toks, i - 1) is not None:
                out.append(t.at("break"))       # rows of equations (read/eqstack.py)
                i, _ = _spec_end(toks, i - 1)
                envs.append((v, t))
                grids.append(None)
                continue
            if env in MATH_ENVS:
                out.append(t.at("break"))
            elif env in ARRAY_ENVS:
                if env == "array":          # skip the column spec {c}
                    if i < n and toks[i].kind == "{":
                        j = i + 1
                        while j < n and toks[j].kind != "}":
                            j += 1
                        i = j + 1
                out.append(t.at("ARR_OPEN", "array"))
            else:
                raise err(f"unsupported environment '{v}'", t, source)
            envs.append((v, t))
            grids.append(_Grid(len(out) - 1, t) if env in ARRAY_ENVS else None)
            continue
        if k == "end":
            if not envs or envs[-1][0] != v:
                raise err(f"\\end{{{v}}} without a matching \\begin{{{v}}}", t, source)
            envs.pop()
            grid = grids.pop()
            if grid is not None:
                if out and out[-1].kind == "COMMA" and out[-1].value == "\\\\":
                    out.pop()
                else:
                    grid.end_row(t)
                width = grid.width(source)
                if width > 1:
                    out[grid.at] = out[grid.at].at("ARR_OPEN",
                                                   f"array:{len(grid.rows)}:{width}")
                out.append(t.at("ARR_CLOSE", "array"))
            else:
                out.append(t.at("break"))
            continue
        if k == "break" and envs:
            raise err(f"\\begin{{{envs[-1][0]}}} is never closed", envs[-1][1], source)
        if k == "{":
            if out and out[-1].kind == "cmd" and out[-1].value in ("eqalign", "eqalignno",
                                                                  "displaylines"):
                out.pop()
                braces.append(True)
                out.append(t.at("break"))
                continue
            braces.append(False)
        elif k == "}":
            if braces and braces.pop():
                out.append(t.at("break"))
                continue
        elif k == "char" and v == "&":
            if in_array:
                grids[-1].cells += 1                # the next entry of this row
                out.append(t.at("COMMA", "&"))
            continue
        elif k == "char" and v == "~":
            continue
        elif k == "cmd":
            if v in ("\\", "cr", "crcr"):
                if i < n and toks[i].kind == "char" and toks[i].value == "[":   # \\[2pt]
                    while i < n and not (toks[i].kind == "char" and toks[i].value == "]"):
                        i += 1
                    i += 1
                if in_array:
                    grids[-1].end_row(t)
                out.append(t.at("COMMA", "\\\\") if in_array else t.at("rowsep"))
                continue
            if v in SIZING:
                if v in ("left", "bigl", "Bigl", "biggl", "Biggl"):
                    pending_lr = "left"
                elif v in ("right", "bigr", "Bigr", "biggr", "Biggr"):
                    pending_lr = "right"
                if v in ("left", "right", "middle") and i < n and toks[i].kind == "char" \
                        and toks[i].value == ".":
                    i += 1
                    pending_lr = None
                continue
            if v == "!" and out and out[-1].kind == "letter" and out[-1].value == "I" and \
                    i < n and toks[i].kind == "letter" and toks[i].value == "R":
                out[-1] = out[-1].at("cmd", "R")        # {\rm I\!R}: the reals
                i += 1
                continue
            if v in DROPPED:
                # a space written as a command still ends a word: ``\ \ where\ \ U``
                spaced = spaced or v in SPACES
                continue
            if v in DROPPED_WITH_ARG:
                if i < n and toks[i].kind == "{":
                    depth = 0
                    while i < n:
                        depth += {"{": 1, "}": -1}.get(toks[i].kind, 0)
                        i += 1
                        if depth == 0:
                            break
                continue
            if v in ("quad", "qquad"):
                out.append(t.at("QUAD"))
                continue
            if v == ";":
                out.append(t.at("SEMISP"))
                continue
            if v in IMPLIES:
                out.append(t.at("IMPLIES"))
                continue
            if v in ("eqalign", "eqalignno", "displaylines"):
                if i >= n or toks[i].kind != "{":
                    raise err(f"\\{v} needs its rows in braces", t, source)
        if pending_lr is not None:
            t.lr, pending_lr = pending_lr, None
        if spaced:
            t.sp, spaced = True, False
        out.append(t)
    if envs:
        raise err(f"\\begin{{{envs[-1][0]}}} is never closed", envs[-1][1], source)
    return out


# the dropped commands that write a space (``\!`` takes one away)
SPACES = {" ", ",", ":", ">", "thinspace", "enspace", "medspace", "thickspace"}


class _Grid:
    """The rows of one open array environment: how many entries each row has (one more
    than its ``&``s), so that a matrix literal's width is known and a ragged row refused."""

    def __init__(self, at: int, tok):
        self.at, self.rows, self.cells, self.first = at, [], 1, tok

    def end_row(self, tok):
        self.rows.append((self.cells, tok))
        self.cells = 1

    def width(self, source: str) -> int:
        """The common number of entries of the rows; a located ParseError at the end of
        the first row whose length differs from the first row's."""
        if not self.rows:
            return 1
        w0 = self.rows[0][0]
        for k, (w, tok) in enumerate(self.rows[1:], start=2):
            if w != w0:
                raise err(f"row {k} of this matrix has {w} entr{'y' if w == 1 else 'ies'} but row 1 "
                          f"has {w0}: "
                          "every row of a matrix literal needs the same number of entries",
                          tok, source)
        return w0
