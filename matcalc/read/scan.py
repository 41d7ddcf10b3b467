"""Pass 1 of reading: characters -> raw tokens.

Contract: `scan(text) -> list[Tok]` of commands, letters, numbers, braces, punctuation and
newlines; it picks the math regions (``$..$``, ``$$..$$``, ``\\[..\\]``, math environments;
text without ``$`` is all math), drops ``%`` comments and maps pasted Unicode (``α``,
``−``, ``∈``, ``ᵀ`` ...) to LaTeX. Every token keeps its span in the original text.
"""
from __future__ import annotations

import bisect

from .tokens import (IGNORED_CHARS, MATH_ENVS, PUNCT, TEXT_COMMANDS, Tok, UNICODE,
                     UNICODE_SUP, err)


# ---------------------------------------------------------------- 1. scan

class _Src:
    def __init__(self, text):
        self.text = text
        self.starts = [0]
        for ln in text.splitlines(keepends=True):
            self.starts.append(self.starts[-1] + len(ln))

    def pos(self, i):
        nlines = max(1, len(self.starts) - 1)
        line = max(0, min(bisect.bisect_right(self.starts, i) - 1, nlines - 1))
        return line + 1, i - self.starts[line] + 1

    def tok(self, kind, value, i, j, sp):
        l1, c1 = self.pos(i)
        l2, c2 = self.pos(max(i, j - 1))
        return Tok(kind, value, l1, c1, l2, c2 + 1, sp)

    def is_newline(self, i):
        ch = self.text[i]
        return ch in "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def _has_delimiters(text):
    i = 0
    while True:
        i = text.find("$", i)
        if i < 0:
            break
        if i == 0 or text[i - 1] != "\\":
            return True
        i += 1
    return "\\[" in text or "\\(" in text


def _read_braced_raw(text, i, src, opener_index):
    """text[i] == '{': return (content, index after the matching '}')."""
    depth, j = 0, i
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                return text[i + 1:j], j + 1
        j += 1
    raise err("unclosed '{'", src.tok("x", "", opener_index, i + 1, False), text)


def scan(text: str) -> list:
    """Characters -> raw tokens. Raw kinds: cmd, letter, num, char, param, '{', '}', text,
    begin, end, newline, break (end of a math region)."""
    src = _Src(text)
    out: list = []
    n = len(text)
    math_all = not _has_delimiters(text)
    i = 0
    closer = None          # None: prose; "" : all math; else the closing delimiter
    region_open = None
    sp = False
    if math_all:
        closer = ""
    while i < n:
        ch = text[i]
        if closer is None:                                   # prose: look for math
            if ch == "\\" and i + 1 < n:
                nx = text[i + 1]
                if nx in "[(":
                    closer, region_open, i = ("\\]" if nx == "[" else "\\)"), i, i + 2
                    continue
                if text.startswith("\\begin{", i):
                    j = text.find("}", i)
                    name = text[i + 7:j] if j > 0 else ""
                    if name.rstrip("*") in MATH_ENVS:
                        closer, region_open, i = "\\end{" + name + "}", i, j + 1
                        continue
                i += 2
                continue
            if ch == "$":
                if text.startswith("$$", i):
                    closer, region_open, i = "$$", i, i + 2
                else:
                    closer, region_open, i = "$", i, i + 1
                continue
            i += 1
            continue
        # ---- math
        if closer and text.startswith(closer, i) and not (closer == "$" and text.startswith("$$", i)):
            out.append(src.tok("break", closer, i, i + len(closer), sp))
            i += len(closer)
            closer, sp = None, False
            continue
        if closer == "$" and text.startswith("$$", i):
            # "$$" inside "$..$": an empty inline region followed by a new one
            out.append(src.tok("break", "$", i, i + 1, sp))
            closer, region_open, i = "$", i + 1, i + 2
            continue
        if ch == "$":
            raise err("unexpected '$'", src.tok("x", "$", i, i + 1, sp), text)
        if src.is_newline(i):
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            out.append(src.tok("newline", "\n", i, i + 1, sp))
            i += 1
            sp = True
            continue
        if ch.isspace() or ch == "\u00a0":
            sp = True
            i += 1
            continue
        if ch == "%":
            # to the end of the line; but never past the end of the math region (pasted
            # Q&A text often has a whole environment, comments included, on one line)
            j = i
            while j < n and not src.is_newline(j):
                j += 1
            for stop in ((closer, "\\end{") if closer else ("\\end{",)):
                k = text.find(stop, i, j)
                if k >= 0:
                    j = k
            i = j
            continue
        start = i
        if ch == "\\":
            if i + 1 >= n:
                raise err("a lone backslash", src.tok("x", "\\", i, i + 1, sp), text)
            j = i + 1
            if text[j].isascii() and text[j].isalpha():
                while j < n and text[j].isascii() and text[j].isalpha():
                    j += 1
                name = text[i + 1:j]
                if j < n and text[j] == "*" and name in ("hspace", "operatorname"):
                    j += 1
            else:
                if src.is_newline(j):
                    name = " "
                else:
                    name = text[j]
                j += 1
            if name in TEXT_COMMANDS or name in ("begin", "end"):
                k = j
                while k < n and text[k] in " \t":
                    k += 1
                if k < n and text[k] == "{":
                    content, k2 = _read_braced_raw(text, k, src, i)
                elif name in ("begin", "end"):
                    raise err(f"\\{name} needs an environment name in braces",
                              src.tok("x", "", i, j, sp), text)
                elif k < n:
                    content, k2 = text[k], k + 1
                else:
                    content, k2 = "", k
                kind = name if name in ("begin", "end") else "text"
                t = src.tok(kind, content, i, k2, sp)
                if kind == "end" and closer == "\\end{" + content + "}":
                    t = src.tok("break", closer, i, k2, sp)
                    closer = None
                out.append(t)
                i, sp = k2, False
                continue
            out.append(src.tok("cmd", name, i, j, sp))
            i, sp = j, False
            continue
        if ch.isascii() and ch.isalpha():
            out.append(src.tok("letter", ch, i, i + 1, sp))
            i, sp = i + 1, False
            continue
        if ch.isascii() and ch.isdigit():
            j = i
            while j < n and text[j].isascii() and text[j].isdigit():
                j += 1
            if j + 1 < n and text[j] == "." and text[j + 1].isascii() and text[j + 1].isdigit():
                j += 1
                while j < n and text[j].isascii() and text[j].isdigit():
                    j += 1
            out.append(src.tok("num", text[i:j], i, j, sp))
            i, sp = j, False
            continue
        if text.startswith("...", i):
            out.append(src.tok("cmd", "dots", i, i + 3, sp))
            i, sp = i + 3, False
            continue
        if ch == "#" and i + 1 < n and text[i + 1].isascii() and text[i + 1].isdigit():
            out.append(src.tok("param", text[i + 1], i, i + 2, sp))
            i, sp = i + 2, False
            continue
        if ch in "{}":
            out.append(src.tok(ch, ch, i, i + 1, sp))
            i, sp = i + 1, False
            continue
        if ch in PUNCT:
            out.append(src.tok("char", ch, i, i + 1, sp))
            i, sp = i + 1, False
            continue
        if ch in IGNORED_CHARS:
            i += 1
            continue
        if ch in UNICODE:
            kind, val = UNICODE[ch]
            out.append(src.tok(kind, val, i, i + 1, sp))
            i, sp = i + 1, False
            continue
        if ch in UNICODE_SUP:
            out.append(src.tok("char", "^", i, i + 1, sp))
            out.append(src.tok("letter" if UNICODE_SUP[ch].isalpha() else "num",
                               UNICODE_SUP[ch], i, i + 1, False))
            i, sp = i + 1, False
            continue
        raise err(f"unexpected character {ch!r}", src.tok("x", ch, start, start + 1, sp), text)
    if closer:
        opener = region_open if region_open is not None else 0
        what = closer.replace("\\end", "\\begin") if closer.startswith("\\end") else closer
        raise err(f"unclosed math region: '{what}' is never closed",
                  src.tok("x", "", opener, opener + 1, False), text)
    return out
