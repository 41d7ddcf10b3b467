"""Math whose delimiters a copy lost or damaged, found in prose (issue 8).

Contract: each finder looks at the text at one offset and says whether math starts there
and where it ends; the scanner (read/scan.py) opens a region for it, and the reader notes
the region (line, column) with the reason the finder's caller gives. No finder changes
the text: tokens keep the author's offsets, and what is not found stays prose.

- `doubling(text, a, b)`: whether text[a:b] is a doubled-escape copy -- every TeX command
  written with two backslashes, as a source view or a string literal writes it
  (``\\\\boldsymbol{x}``); "mixed" where doubled and single backslashes meet (a ``\\\\``
  is also a row break, so such a text is not undoubled).
- `doubled_opener(text, i)`: ``\\\\(``, ``\\\\[`` or ``\\\\begin{align}`` in prose, the
  delimiters of such a copy, with the closer written the same way.
- `dollar_line(text, i)`: a line that starts with ``$ `` and has no closing dollar
  (Scrapbox display math), where the TeX pairing of dollars cannot be meant.
- `tex_run(text, i)`: a run of TeX in running text, ``\\alpha = \\boldsymbol{x}^T\\boldsymbol{A}
  \\boldsymbol{x},with ...``: commands with backslashes and a relation, delimited by prose
  words. `prose_words(s)` are the words that delimit it (and that keep a line from being a
  formula line, read/scan.py).
"""
from __future__ import annotations

import re

from .tokens import MATH_ENVS

# ------------------------------------------------------------------- words and formulas

# names of functions written without their backslash: part of a formula, not words
FORMULA_WORDS = frozenset(
    "exp log ln sin cos tan sinh cosh tanh tr Tr det diag Diag max min arg argmin argmax "
    "sup inf lim softmax sigmoid relu sgn sign".split())
# two-letter capitalised English words (a capital and a small letter is otherwise A x)
_SHORT_WORDS = frozenset(
    "If In We As At An It Is Of On Or So To By Be Do No Up Us My He Me Go Am".split())
_SCRIPT_GROUP = re.compile(r"[_^]\s*\{[^{}]*\}")
_COMMAND = re.compile(r"\\[A-Za-z]+|\\.")


def without_markup(s: str) -> str:
    """`s` with its commands and braced subscripts and superscripts blanked."""
    return _COMMAND.sub(" ", _SCRIPT_GROUP.sub(" ", s))


def prose_words(s: str) -> list:
    """The words of `s`: runs of two or more letters outside commands, subscripts and
    superscripts that are not a function's name written without its backslash."""
    return [w for w in re.findall(r"[A-Za-z]{2,}", without_markup(s))
            if w not in FORMULA_WORDS]


def plain_words(s: str) -> list:
    """The prose words of `s` that cannot be math standing alone: `prose_words` without
    the runs that read as names or products (``AX``, ``XAX``; see `_letters`)."""
    return [w for w in prose_words(s) if _letters(w, False, False) == "word"]


def _letters(w: str, glued: bool, script: bool) -> str:
    """What a run of letters `w` inside a TeX run is: "math" (a name, a product of
    one-letter names ``Ax``, ``XAX``, a function ``tr``), "word" (prose: the run ends before
    it) or "open" (``ab`` glued to math: a product or a word, which the text does not say).
    `glued`: no blank or punctuation between it and the math before; `script`: right after
    ``_``/``^``."""
    if script or len(w) == 1 or w in FORMULA_WORDS:
        return "math"
    if w.isupper():
        return "math" if len(w) <= 4 else "word"
    if w[0].isupper() and w[1:].islower():     # Ax is math; If, Let (even glued: D))Let)
        return "word" if len(w) >= 3 or w in _SHORT_WORDS else "math"
    if w.islower():
        return "open" if glued and len(w) <= 3 else "word"
    return "open"


# ------------------------------------------------------------------- doubled escapes

_BACKSLASHES = re.compile(r"\\+")


def doubling(text: str, a: int, b: int):
    """("doubled", None) when every backslash in text[a:b] is doubled: each run of
    backslashes has even length, a run of two starts a command (a letter or a sign follows,
    never a blank) and at least one ``\\\\name`` occurs; ("mixed", offset of the first single
    one) when doubled commands and single backslashes (or a ``\\\\`` before a blank, a row
    break) both occur; (None, None) when no command is doubled, (None, offset) when a
    single backslash occurs then."""
    doubled, single = False, None
    for m in _BACKSLASHES.finditer(text, a, b):
        run, nxt = m.end() - m.start(), text[m.end()] if m.end() < b else ""
        if newline_escape(text, m.start(), b):
            continue                    # a string literal's "\n", not a TeX command
        if run % 2 or (run == 2 and (not nxt or nxt.isspace())):
            single = m.start() if single is None else single
        elif run == 2 and nxt.isascii() and nxt.isalpha():
            doubled = True
    if not doubled:
        return None, single
    return ("doubled", None) if single is None else ("mixed", single)


# the end of one string literal and the start of the next in a list of strings (the lines
# of a notebook cell's "source" in its JSON, a Python list of lines)
STRING_JOIN = re.compile(r'"[ \t]*,[ \t\r\n]*"')


def newline_escape(text: str, i: int, b: int | None = None) -> bool:
    """True when text[i:] is a string literal's newline escape ``\\n`` (one backslash,
    not a TeX command): an ``n`` that no letter follows, before the end `b`."""
    b = len(text) if b is None else b
    if not text.startswith("\\n", i) or (i > 0 and text[i - 1] == "\\"):
        return False
    return i + 2 >= b or not (text[i + 2].isascii() and text[i + 2].isalpha())


def single_only(text: str, a: int, b: int) -> bool:
    r"""True when text[a:b] has a backslash and every run of backslashes in it has length
    one: the body of a Markdown-escaped formula (``\\[ \frac{1}{2} x \\]``), where
    only the delimiters are doubled (Markdown renders ``\\[`` as ``\[``) and every
    command is written as TeX has it. A ``\\`` inside (a row break in TeX, an escaped
    backslash in Markdown) makes it False."""
    runs = [m.end() - m.start() for m in _BACKSLASHES.finditer(text, a, b)]
    return bool(runs) and all(r == 1 for r in runs)


def doubled_refusal(text: str, i: int, after: int, closer: str, close_at: int, mixed: int):
    """(message, start, end) of the refusal of a region opened at text[i] by a doubled
    delimiter (math from `after`, its `closer` at `close_at`) that is neither a doubled-
    escape copy nor Markdown-escaped TeX (`single_only`): where no command or sign inside
    is doubled, a ``\\\\`` before a blank has two readings (a row break, or Markdown's
    escaped backslash), named; otherwise doubled and single backslashes mix, at `mixed`."""
    body = text[after:close_at]
    if not re.search(r"(?<!\\)\\\\(?=[^\s\\])", body):
        row = re.search(r"\\{2,}", body)
        return (f"'\\\\' inside Markdown-escaped delimiters '{text[i:after]}' .. '{closer}' has "
                f"two readings: a row break (the TeX as written) or an escaped backslash "
                f"(Markdown renders '\\\\' as one): not read; write the formula between "
                f"$$ .. $$", after + row.start(), after + row.end())
    m = re.match(r"\\+[A-Za-z]*|\\+.?", text[mixed:mixed + 40])
    return (f"mixed doubled and single backslashes: '{text[i:after]}' .. '{closer}' is math "
            f"only in a doubled-escape copy, where every command is doubled, and "
            f"'{m.group(0)}' here is not (a '\\\\' is also a row break): not read; write the "
            f"formula with single backslashes", mixed, mixed + len(m.group(0)))


_DOUBLED_OPENER = re.compile(r"\\\\(?:(\()|(\[)|begin\{([A-Za-z]+\*?)\})")


def doubled_opener(text: str, i: int, absent=None):
    """At text[i] in prose, a math opener written with doubled backslashes: (after, closer,
    closer_at, mixed_at) -- the offset after the opener, the closer as written
    (``\\\\)``), where it starts, and the offset of a single backslash inside when the
    region mixes doubled and single ones (else None). None when there is no such opener
    or it is never closed (a row break before a parenthesis in prose). `absent`, a set
    kept by the caller, remembers the closers found nowhere after an offset, so that many
    openers without one cost one search."""
    if i > 0 and text[i - 1] == "\\":
        return None
    m = _DOUBLED_OPENER.match(text, i)
    if not m:
        return None
    if m.group(3) is not None:
        if m.group(3).rstrip("*") not in MATH_ENVS:
            return None
        closer = "\\\\end{" + m.group(3) + "}"
    else:
        closer = "\\\\)" if m.group(1) else "\\\\]"
    j = m.end()
    if absent is not None and closer in absent:
        return None
    while True:
        j = text.find(closer, j)
        if j < 0:
            if absent is not None:
                absent.add(closer)
            return None
        if text[j - 1] != "\\":
            break
        j += 1
    # the delimiters are doubled: any single backslash inside mixes the two
    return m.end(), closer, j, doubling(text, m.end(), j)[1]


# a source-comment marker inside math that a source view joined onto one line
SOURCE_MARKER = re.compile(r"//[/!](?=\s)")


# ------------------------------------------------------------------- Scrapbox lines

def _line_end(text, i):
    j = text.find("\n", i)
    return len(text) if j < 0 else j


def _next_dollar(text, i):
    while True:
        i = text.find("$", i)
        if i <= 0 or text[i - 1] != "\\":
            return i
        i += 1


def _dollar_line_body(text, i):
    """The end of the line at text[i] when it starts with ``$`` and a blank and has no
    other dollar, else None."""
    if not text.startswith(("$ ", "$\t"), i) or (i > 0 and text[i - 1] != "\n"):
        return None
    j = _line_end(text, i)
    return None if "$" in text[i + 1:j] else j


def dollar_line(text: str, i: int):
    """The end of the line at text[i] when it is Scrapbox display math: it starts with
    ``$`` and a blank and has no other dollar, and the dollar TeX would close it with is
    nowhere or opens another such line that is a formula (no words): the TeX pairing would
    leave that formula's markup in prose. Else None."""
    j = _dollar_line_body(text, i)
    if j is None:
        return None
    k = _next_dollar(text, j)
    if k < 0:
        return j
    e = _dollar_line_body(text, k)
    if e is not None and re.search(r"[\\^_]", text[k + 1:e]) and \
            not [w for w in prose_words(text[k + 1:e]) if not (w.isupper() and len(w) <= 4)]:
        return j                        # (XA: a product of capitals, not a word)
    return None


# ------------------------------------------------------------------- TeX runs

_OPERATOR_CMDS = ("cdot", "times", "odot", "circ", "otimes", "oslash", "pm", "mp", "in",
                  "le", "leq", "ge", "geq", "ne", "neq", "approx", "equiv", "colon")
_RELATION_CMDS = frozenset("le leq ge geq ne neq approx equiv in coloneqq triangleq".split())
_SPACING = frozenset(", ; ! : quad qquad".split())
_BOUNDARY = set(" \t,.;:!?()[]\"'")
_TRAILING = ",.;:"


def _braced_command(text, i) -> bool:
    """``{\\boldsymbol \\beta }\\in \\mathbb {R}^1``: a brace group opening with a command,
    as a copy of rendered math writes a bold name (corpus 151), starts a run too."""
    return text.startswith("{", i) and re.match(r"\{\s*\\[A-Za-z]", text[i:i + 40]) is not None


def _boundary(text, i):
    if i == 0:
        return True
    c = text[i - 1]
    return c in _BOUNDARY or c == "\n" or not c.isascii()


def _group_end(text, j, stop):
    """text[j] == '{': the offset after its matching brace on this line, else None."""
    depth = 0
    while j < stop:
        c = text[j]
        if c == "\\":
            j += 2
            continue
        if c == "$":
            return None
        depth += c == "{"
        depth -= c == "}"
        j += 1
        if depth == 0:
            return j
    return None


class Run:
    """A TeX run found in prose: `start`, `end` (offsets), `flat` (a ``%`` in it stood at
    a line break the copy lost), `article` (the offset of an ``a`` at its edge beside a
    word: the English article or a name, see `_article`) or None."""
    __slots__ = ("start", "end", "flat", "article")

    def __init__(self, start, end, flat, article):
        self.start, self.end, self.flat, self.article = start, end, flat, article


def tex_run(text: str, i: int):
    """The `Run` of TeX starting at text[i] in prose, else None (see `scan_run`)."""
    return scan_run(text, i)[0]


def scan_run(text: str, i: int):
    """(the `Run` of TeX starting at text[i] in prose or None, an offset before which no
    other run starts: a start inside a run that is not math gives none either, except past
    a bracket it left open -- so the scanner tries each offset once, in linear time).

    A run starts at a command or a letter or digit after a blank, punctuation or a
    non-ASCII character; it holds commands, one-letter names (and products of them,
    ``Ax``, ``XAX``), numbers, operators, braced groups and brackets, and ends at the end
    of its line, before a word (`_letters`), a ``$``, a row break, a character that is not
    ASCII, or a closing bracket it did not open; trailing punctuation is not in it. It is
    math only when it holds a command with a backslash and a relation (``=``, ``\\le``,
    ``\\in`` ...) outside brackets with math on both sides, and its brackets balance. A
    ``%`` before a blank is a line break the copy lost (arXiv alttext), not a comment.
    A run that ends at letters glued to it that may be a product or a word (``2ab``) is not
    math (None): where it ends is not clear."""
    n = len(text)
    c = text[i] if i < n else ""
    if not _boundary(text, i) or not (
            (c == "\\" and i + 1 < n and text[i + 1].isascii() and text[i + 1].isalpha())
            or (c.isascii() and c.isalnum()) or _braced_command(text, i)):
        return None, i
    stop = min(_line_end(text, i), i + 4000)
    j, end, stack, rel, cmd, flat = i, i, [], None, False, False
    word_at = None
    while j < stop:
        c = text[j]
        if c in " \t~":
            j += 1
            continue
        if c == "%":
            if j + 1 < stop and text[j + 1] in " \t":
                flat, j = True, j + 1
                continue
            break
        if c == "\\":
            m = re.match(r"\\([A-Za-z]+)", text[j:j + 40])
            if m:
                name = m.group(1)
                cmd = cmd or name not in _SPACING
                if name in _RELATION_CMDS and not stack and rel is None:
                    rel = j
                j = end = j + m.end()
                continue
            if j + 1 >= stop or text[j + 1] in "\\()[]$":
                break
            cmd = cmd or text[j + 1] not in _SPACING
            j = end = j + 2
            continue
        if c == "{":
            k = _group_end(text, j, stop)
            if k is None:
                return None, j + 1
            j = end = k
            continue
        if c in "([":
            stack.append((")" if c == "(" else "]", j))
            j = end = j + 1
            continue
        if c in ")]":
            if not stack or stack[-1][0] != c:
                break
            stack.pop()
            j = end = j + 1
            continue
        if c.isascii() and c.isalpha():
            k = j
            while k < stop and text[k].isascii() and text[k].isalpha():
                k += 1
            before = text[j - 1] if j > i else " "
            what = _letters(text[j:k], glued=j > i and before not in " \t~" + _TRAILING,
                            script=j > i and before in "_^")
            if what == "word":
                word_at = j
                break
            if what == "open":
                return None, k
            j = end = k
            continue
        if c.isascii() and c.isdigit():
            while j < stop and (text[j].isdigit() or (text[j] == "." and j + 1 < stop
                                                      and text[j + 1].isdigit())):
                j += 1
            end = j
            continue
        if c in "=<>" and not stack and rel is None:
            rel = j
        if c in "+-*/^_=<>,.;:'|!":
            j += 1
            if c not in _TRAILING:
                end = j
            continue
        break
    if stack:
        return None, stack[-1][1] + 1
    if not cmd or rel is None or not re.search(r"[\w\\]", text[i:rel]) or \
            not re.search(r"[\w\\]", text[rel + 1:end]):
        return None, max(j, i + 1)
    return Run(i, end, flat, _article(text, i, end, word_at)), end


def _article(text, start, end, word_at):
    """The English article at an edge of the run, set off by a blank: ``a`` after a word or
    ``A`` starting a sentence, before the formula (``we have a \\alpha = ...``), or ``a``
    before the word that ends it (``\\alpha = \\beta a vector``) -- the article, or a name
    multiplying the formula: two readings. Returns its offset, else None. (``A x = b``
    after a word, ``A \\cdot B``, ``I x`` are names: a capital article starts a sentence.)"""
    m = re.match(r"([aA])[ \t]+(?![=<>+\-*/^_:,.;]|\\(?:%s)\b)" % "|".join(_OPERATOR_CMDS),
                 text[start:end])
    before = text[max(0, start - 40):start]
    if m and (re.search(r"[A-Za-z]{2,}[ \t]+$", before) if m.group(1) == "a" else
              re.search(r"(^|[.!?:]\s+)$", before)):
        return start
    m = re.search(r"(?<=[ \t])a$", text[start:end])
    if m and word_at is not None and text[end:word_at].strip() == "":
        return start + m.start()
    return None
