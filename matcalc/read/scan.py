"""Pass 1 of reading: characters -> raw tokens, one list per math region.

Contract: `scan(text) -> list[Tok]` of commands, letters, numbers, braces, punctuation and
newlines; it picks the math regions (``$..$``, ``$$..$$``, ``\\[..\\]``, ``\\(..\\)``, math
environments; a text with none of these is all math), drops ``%`` comments and maps pasted
Unicode (``α``, ``−``, ``∈``, ``ᵀ`` ...) to LaTeX. Every token keeps its span in the
original text; each delimited region ends with a ``break`` token.

`A construct that only math has, standing in prose because the page lost its delimiters
(``\\eqalign{ r &= X\\beta - y \\\\ }`` copied from a rendered math.SE page: ROWS_GROUPS),
is a region of its own, `bare` (the reader notes it): the command, then a braced group that
balances, holds no ``$`` and has math in it (a relation, ``&`` or a row break). A mention
of the command (``use \\eqalign for this``, ``\\eqalign{...}``) stays prose.

A line of prose that is only a formula (a relation, TeX markup and no word:
``p( x_j) = \\lambda x_j^2`` on a line of its own, `formula_line`) is such a region too.
So are the other kinds of math whose delimiters a copy lost or damaged (read/lost.py): a
run of TeX in running text, a Scrapbox line ``$ ...`` with no closing dollar, and a
doubled-escape copy (``\\\\( .. \\\\)``, every backslash doubled), read undoubled; the
``///`` markers of a source view's joined comment lines are dropped inside math.

`regions(text) -> list[Region]` is the same pass kept per region, for reading whole posts:
a region whose characters cannot be read (an unknown character, a lone backslash) carries
its `ParseError`, and scanning resumes after its closing delimiter, so one bad fragment
does not stop the rest. Only a region that is never closed stops the scan (where it would
end is unknown). `scan` raises the first region's error.
"""
from __future__ import annotations

import re

from ..errors import ParseError
from ..notes import offsets, position

from .cutshort import CUT_SHORT_NOTE, cut_short
from .mdescapes import escaped_script
from .rst import has_rst_math, rst_math
from .lost import (SOURCE_MARKER, STRING_JOIN, dollar_line, doubled_opener,
                   doubled_refusal, doubling, newline_escape, plain_words, single_only,
                   prose_words, scan_run, without_markup)
from .tokens import (IGNORED_CHARS, MATH_ENVS, PUNCT, TEXT_COMMANDS, Tok, UNICODE,
                     UNICODE_SUP, err)


# ---------------------------------------------------------------- 1. scan

class _Src:
    def __init__(self, text):
        self.text = text
        self.starts = offsets(text)

    def pos(self, i):
        return position(self.starts, i)

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
    if "\\[" in text or "\\(" in text or has_rst_math(text):
        return True
    return any(f"\\begin{{{env}" in text for env in MATH_ENVS)


_TEXT_GROUP = re.compile(r"\\(" + "|".join(sorted(TEXT_COMMANDS, key=len, reverse=True))
                         + r")\s*\{")


def _outside_text_groups(text):
    """`text` with every ``\\text{...}`` group (any of TEXT_COMMANDS, braces balanced)
    blanked; None where a group does not close."""
    out, i = [], 0
    for m in _TEXT_GROUP.finditer(text):
        if m.start() < i:
            continue
        end = braced_end(text, m.end() - 1)
        if end is None:
            return None
        out.append(text[i:m.start()])
        i = end
    out.append(text[i:])
    return " ".join(out)


def _all_math(text):
    """A text is all math when it has no math delimiters, or when the only ones stand
    inside ``\\text{...}`` groups of formulas: ``L = \\operatorname{tr}(AX) \\quad
    \\text{where $A$ is fixed}`` is a formula with a text aside, not prose with one math
    region ``$A$`` (which would drop the formula around it). The rest must have no prose
    words and hold a relation, so a paragraph of prose in ``\\textbf{...}`` stays prose."""
    if not _has_delimiters(text):
        return True
    rest = _outside_text_groups(text)
    return rest is not None and rest != text and not _has_delimiters(rest) \
        and not plain_words(rest) and re.search(r"=|\\in\b|\\le|\\ge", rest) is not None


def braced_end(text, i):
    """text[i] == '{': the index after its matching '}' (escaped braces skipped), or None
    where it does not close."""
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
                return j + 1
        j += 1
    return None


def _read_braced_raw(text, i, src, opener_index):
    """text[i] == '{': return (content, index after the matching '}')."""
    end = braced_end(text, i)
    if end is None:
        raise err("unclosed '{'", src.tok("x", "", opener_index, i + 1, False), text)
    return text[i + 1:end - 1], end


class Region:
    """One math region: `start`/`end` offsets in the text (delimiters included), its
    `opener` (``$``, ``$$``, ``\\[``, ``\\(``, ``\\begin{align}``; "" when the whole text is
    math), its raw tokens, and `error` (a ParseError) when its characters cannot be read
    (then `toks` holds the tokens read before the error). `bare` is the command (``eqalign``)
    of a construct read as math in prose (then `opener` is ``\\eqalign`` and the region is
    the command and its braced group), "formula line", "dollar line" or "TeX run" for the
    other math found in prose (read/lost.py), else None. `doubled`: its backslashes are
    doubled (a doubled-escape copy, read undoubled). `why` is the reason the reader notes
    for a region whose delimiters were lost or damaged (None for a well-delimited one);
    `markers` counts the source-comment markers (``///``) dropped inside it, `bullets` the
    list markers (``- `` opening each line of a pasted list, `list_bullets`)."""
    __slots__ = ("start", "end", "opener", "toks", "error", "bare", "doubled", "why",
                 "markers", "bullets", "escapes")

    def __init__(self, start, opener, bare=None, why=None):
        self.start, self.end, self.opener = start, None, opener
        self.toks, self.error, self.bare = [], None, bare
        self.doubled, self.why, self.markers, self.bullets = False, why, 0, 0
        self.escapes = 0           # Markdown's '\\_' read as '_' (read/mdescapes.py)

    def __repr__(self):
        return f"Region({self.opener!r}, {self.start}:{self.end}, {len(self.toks)} toks)"


# a line of a pasted list: "- " at the start, then the rest of the line
_BULLET_LINE = re.compile(r"^- (.*)$", re.M)
# a bullet's rest that can only be prose or an empty item, once its trailing row breaks
# are stripped: nothing, or words with spaces and control spaces (no nested repeats: a
# long line that fails must fail in linear time)
_BULLET_PROSE = re.compile(r"(?:[A-Za-z'.,\s]|\\ )*")


def _prose_item(rest: str) -> bool:
    body = rest.rstrip()
    while body.endswith("\\\\"):
        body = body[:-2].rstrip()
    return _BULLET_PROSE.fullmatch(body) is not None


def list_bullets(text: str) -> set:
    """The offsets of list markers: the ``- `` that opens each of three or more consecutive
    lines (a markdown list pasted as text, each item a line of TeX), where at least one
    item is only words or empty (``- Feed \\ forwarding \\\\``, ``- \\\\``), so the dashes
    are bullets, not minus signs (``- L = ...`` would otherwise say -L = ...). Lines not in
    such a run keep their dash."""
    lines = [(m.start(), m.group(1)) for m in _BULLET_LINE.finditer(text)]
    out: set = set()
    run: list = []

    def close():
        if len(run) >= 3 and any(_prose_item(rest) for _, rest in run):
            out.update(at for at, _ in run)
    for at, rest in lines:
        if run and text.count("\n", run[-1][0], at) != 1:
            close()
            run = []
        run.append((at, rest))
    close()
    return out


def scan(text: str) -> list:
    """Characters -> raw tokens. Raw kinds: cmd, letter, num, char, param, '{', '}', text,
    begin, end, newline, break (end of a math region). Raises the first ParseError."""
    out: list = []
    for r in regions(text):
        if r.error is not None:
            raise r.error
        out.extend(r.toks)
    return out


def regions(text: str) -> list:
    """The math regions of `text`, in order, each with its raw tokens or its error.
    Raises ParseError only for a region that is never closed -- unless a ``%`` comment
    holds a math delimiter (``A \\in \\mathbb{R}^n % in $``): then, the text being unreadable
    with the comment kept as text, it is read again with those comments dropped (LaTeX's
    reading of ``%``). Otherwise a ``%`` is kept, and after a digit ("5%") it is always text."""
    sc = _Scanner(text)
    try:
        return sc.run()
    except ParseError as e:
        # the % comments that hold a math delimiter, blanked (offsets kept)
        spans = [m.span() for m in _COMMENT.finditer(text) if _has_delimiters(m.group(0))]
        if not spans or "unclosed math region" not in str(e):
            raise
        bare = list(text)
        for a, b in spans:
            bare[a:b] = " " * (b - a)
        try:
            return _Scanner("".join(bare)).run()
        except ParseError:
            raise e from None


# commands whose braced group is math rows (read/clean.py): in prose, a lost display
ROWS_GROUPS = ("eqalign", "eqalignno", "displaylines")
# what makes a braced group math rather than a mention: a relation, an alignment mark or
# a row break (``\\\\``, ``\\cr``)
_MATH_CONTENT = re.compile(r"[=&<>]|\\\\|\\cr\b|\\(?:le|ge|leq|geq|in|approx|equiv)\b")


def bare_construct(text, i):
    """The end offset (after its closing brace) of a math-only construct starting at
    text[i] (``\\eqalign{..}``, see ROWS_GROUPS) standing in prose, with its command's name;
    (None, None) when text[i:] is not one (a mention, unbalanced braces, no math inside)."""
    m = re.match(r"\\(" + "|".join(ROWS_GROUPS) + r")(?![A-Za-z])\s*\{", text[i:i + 40])
    if not m:
        return None, None
    k = i + m.end() - 1
    depth, j = 0, k
    while j < len(text):
        ch = text[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "$":
            return None, None           # math delimiters inside: not a lost display
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                break
        j += 1
    else:
        return None, None               # unbalanced: prose that mentions the command
    body = text[k + 1:j]
    if not _MATH_CONTENT.search(body) or not re.search(r"[A-Za-z0-9]", body):
        return None, None
    return j + 1, m.group(1)


# A line of prose that is only a formula, ``p( x_j) = \lambda x_j^2`` or
# ``k_{SE}(r)=exp\Big(-\frac{r^2}{2l^2}\Big)`` (R documentation and lecture pages whose
# stored text lost the delimiters): a relation, TeX markup, and no word (`plain_words`).


# a run of letters glued to a script after it, ``net_1``, ``xw_{1}``: a name (or a
# product ending in one) in a formula line, never a word of prose
_SCRIPTED_WORD = re.compile(r"(?<![A-Za-z\\])[A-Za-z]{2,}(?=\s*[_^])")


def formula_line(text, i):
    """The end offset of the line starting at text[i] when it is only a formula (see
    above), else None. Letters glued to a script (``net_1``) are names, and runs that read
    as names or products (``Wx``, ``AX``: `plain_words`) are math, not words."""
    j = text.find("\n", i)
    j = len(text) if j < 0 else j
    line = text[i:j]
    if not line.strip() or len(line) > 300 or "$" in line or "=" not in line or \
            not re.search(r"[\\^_]", line) or _has_delimiters(line):
        return None
    if plain_words(_SCRIPTED_WORD.sub(" ", line)):
        return None
    if not re.search(r"[A-Za-z]", without_markup(line)) or \
            re.search(r"[:;?!]\s*$", line.rstrip(". ")):
        return None
    return j


# an unescaped % to the end of its line; "5%" (after a digit) is a percent sign
_COMMENT = re.compile(r"(?<![\\0-9])%[^\n]*")


class _Scanner:
    """The scanning state: position, the closing delimiter of the open region (None in
    prose, "" when all the text is math), whether blank space precedes the next token."""

    def __init__(self, text):
        self.text, self.src, self.n = text, _Src(text), len(text)
        self.i, self.closer, self.sp = 0, None, False
        self.stop = None           # the end offset of a bare region (its closer is "")
        self.quiet = 0             # no TeX run starts before this offset (scan_run)
        self.unclosed: set = set()  # doubled closers found nowhere after the scan's place
        self.found: list = []
        self.bullets = list_bullets(text)

    def _open(self, closer, at, after, doubled=False):
        """A delimited region from `at`; its math starts at `after`. Its backslashes are
        read undoubled when it is written with doubled delimiters (`doubled`) or when all
        of them are doubled (`doubling`: ``$\\\\alpha$``, a string literal's copy)."""
        self.closer, self.i, self.sp = closer, after, False
        region = Region(at, self.text[at:after] if closer else "")
        self.found.append(region)
        if not doubled:
            end = self.n if not closer else _closing(self.text, closer, after)
            doubled = end >= 0 and doubling(self.text, after, end)[0] == "doubled"
        if doubled:
            region.doubled = True
            region.why = ("read as math: a doubled-escape copy (every backslash doubled, as "
                          "a source view or a string literal writes it), read undoubled")

    def _open_bare(self, at, stop, name, why=None, after=None):
        """Math found in prose (a bare construct, a formula line, a TeX run, read/lost.py):
        the region starts at `at`, its math at `after` (default `at`) and ends at `stop`."""
        self.closer, self.i, self.sp, self.stop = "", at if after is None else after, False, stop
        what = "a line that is only a formula" if name == "formula line" else f"an \\{name}"
        self.found.append(Region(at, "\\" + name, bare=name, why=why or (
            f"read as math: {what} outside math delimiters (the page lost them)")))

    def _close(self):
        self.found[-1].end = self.i
        self.closer, self.sp, self.stop = None, False, None

    def run(self):
        if _all_math(self.text):
            self._open("", 0, 0)
        while self.i < self.n:
            if self.closer is None:
                self._prose()
                continue
            region = self.found[-1]
            try:
                self._math(region.toks)
            except ParseError as e:
                if getattr(e, "bare_message", "").startswith("unexpected character") \
                        and self.text[self.i] != self.closer[:1]:
                    # the region stays unreadable (its first error), but the rest of its
                    # tokens are read: what it declares and defines is still known
                    region.error = region.error or e
                    self.i += 1
                    continue
                region.error = region.error or e   # its tokens so far are kept
                if self.stop is not None:    # a bare construct: prose after its brace
                    self.i = self.stop
                    self._close()
                    continue
                if not self.closer:          # all the text is math: nothing after it
                    region.end = self.n
                    return self.found
                j = _closing(self.text, self.closer, self.i)
                if j < 0:
                    raise
                self.i = j + len(self.closer)
                self._close()
        if self.closer and cut_short(self.text, self.found[-1].start, self.found[-1].opener,
                                     self.closer):
            self.found[-1].why = CUT_SHORT_NOTE.format(closer=self.closer)
            self._close()
        if self.closer:
            region = self.found[-1]
            what = self.closer.replace("\\end", "\\begin") if self.closer.startswith("\\end") \
                else self.closer
            raise err(f"unclosed math region: '{what}' is never closed",
                      self.src.tok("x", "", region.start, region.start + 1, False), self.text)
        if self.stop is not None:         # a bare construct ending the text
            self._emit(self.found[-1].toks, "break", "", self.i, self.i)
            self._close()
        if self.found and self.found[-1].end is None:
            self.found[-1].end = self.n
        return self.found

    def _prose(self):
        """Skip prose up to the next math delimiter (and open that region)."""
        text, i, n = self.text, self.i, self.n
        ch = text[i]
        if ch in ":." and (got := rst_math(text, i)) is not None:
            after, stop, why = got            # :math:`..`, .. math:: (read/rst.py)
            self._open_bare(i, stop, "rst", why=why, after=after)
            return
        if ch == "\\" and i + 1 < n:
            nx = text[i + 1]
            if nx in "[(":
                self._open("\\]" if nx == "[" else "\\)", i, i + 2)
                return
            if text.startswith("\\begin{", i):
                j = text.find("}", i)
                name = text[i + 7:j] if j > 0 else ""
                if name.rstrip("*") in MATH_ENVS:
                    self._open("\\end{" + name + "}", i, j + 1)
                    return
            if nx == "\\" and self._doubled_region(i):
                return
            stop, name = bare_construct(text, i)
            if stop is not None:
                self._open_bare(i, stop, name)
                return
            if self._tex_run(i):
                return
            self.i = i + 2
            return
        if ch == "$":
            stop = dollar_line(text, i)
            if stop is not None:
                self._open_bare(i, stop, "dollar line", after=i + 1, why=(
                    "read as math: a line that starts with '$ ' and has no closing dollar "
                    "(Scrapbox display math)"))
                return
            self._open("$$" if text.startswith("$$", i) else "$", i,
                       i + (2 if text.startswith("$$", i) else 1))
            return
        if (i == 0 or text[i - 1] == "\n") and not ch.isspace():
            stop = formula_line(text, i)
            if stop is not None:
                self._open_bare(i, stop, "formula line")
                return
        if (ch.isascii() and ch.isalnum() or ch == "{") and self._tex_run(i):
            return              # {\boldsymbol \beta }\in ...: a group may open a run
        self.i = i + 1

    def _doubled_region(self, i):
        """``\\\\(`` .. ``\\\\)`` (or ``\\\\[``, ``\\\\begin{..}``) in prose: a region read
        undoubled; one whose commands are all single (Markdown-escaped delimiters, ``\\\\[
        \\frac{1}{2} x \\\\]``) read as written, noted; one that mixes doubled and single
        backslashes, or has a ``\\\\`` among single ones, is not (a ``\\\\`` is also a row
        break): it carries its error and the scan resumes after its closer."""
        got = doubled_opener(self.text, i, self.unclosed)
        if got is None:
            return False
        after, closer, close_at, mixed = got
        if mixed is not None and single_only(self.text, after, close_at):
            # Markdown-escaped delimiters around TeX as written: one reading only (no
            # command is doubled, no row break inside), noted
            self._open(closer, i, after)
            self.found[-1].why = (
                f"read as math: Markdown-escaped delimiters '{self.text[i:after]}' .. "
                f"'{closer}' (a Markdown source, rendered '{self.text[i + 1:after]}' .. "
                f"'{closer[1:]}'), the formula inside read as written")
            return True
        self._open(closer, i, after, doubled=True)
        if mixed is not None:
            region = self.found[-1]
            msg, at, end = doubled_refusal(self.text, i, after, closer, close_at, mixed)
            region.error = err(msg, self.src.tok("x", "", at, end, False), self.text)
            region.why = None
            self.i = close_at + len(closer)
            self._close()
        return True

    def _tex_run(self, i):
        """A run of TeX in running text (`tex_run`): a region of its own, noted; one with a
        lone "a" beside a word at its edge (the article or a name) carries the error that
        names both readings."""
        if i < self.quiet:
            return False
        run, self.quiet = scan_run(self.text, i)
        if run is None:
            return False
        text = self.text
        shown = text[run.start:run.end]
        why = (f"read as math: TeX outside math delimiters in running text, "
               f"'{shown if len(shown) <= 40 else shown[:37] + '...'}' (the page lost them)")
        if run.flat:
            why += "; a '%' in it stood at a line break the copy lost, not a comment"
        self._open_bare(run.start, run.end, "TeX run", why=why)
        if run.article is not None:
            a = run.article
            region = self.found[-1]
            other = (text[run.start:a] if a > run.start else text[a + 1:run.end]).strip()
            region.error = err(
                f"two readings of TeX outside math delimiters: '{shown}', with "
                f"'{text[a]}' a name, or '{other}', with '{text[a]}' an English word of the "
                f"sentence: write the formula in $...$", self.src.tok("x", "", a, a + 1, False),
                text)
            region.why = None
            self.i = run.end
            self._close()
        return True

    def _emit(self, out, kind, value, i, j):
        out.append(self.src.tok(kind, value, i, j, self.sp))
        self.i, self.sp = j, False

    def _math(self, out):
        """Read one token of the open region (or skip a blank or a comment)."""
        text, src, i, n, closer = self.text, self.src, self.i, self.n, self.closer
        if self.stop is not None and i >= self.stop:
            self._emit(out, "break", "", i, i)
            self._close()
            return
        n = self.stop if self.stop is not None else n
        region = self.found[-1]
        ch = text[i]
        if closer and text.startswith(closer, i) and not (closer == "$" and text.startswith("$$", i)):
            self._emit(out, "break", closer, i, i + len(closer))
            self._close()
            return
        if closer == "$" and text.startswith("$$", i):
            # "$$" inside "$..$": the inline region ends here and a new one starts
            self._emit(out, "break", "$", i, i + 1)
            self._close()
            self._open("$", i + 1, i + 2)
            return
        if ch == "$":
            raise err("unexpected '$'", src.tok("x", "$", i, i + 1, self.sp), text)
        if src.is_newline(i):
            if ch == "\r" and i + 1 < n and text[i + 1] == "\n":
                i += 1
            self._emit(out, "newline", "\n", i, i + 1)
            self.sp = True
            return
        if ch.isspace() or ch == "\u00a0":
            self.i, self.sp = i + 1, True
            return
        if ch == "-" and i in self.bullets:
            region.bullets += 1                  # "- " of a pasted list: not a minus
            self.i, self.sp = i + 2, True
            return
        if ch == "%" and region.bare == "TeX run" and i + 1 < n and text[i + 1] in " \t":
            self.i, self.sp = i + 1, True       # a line break the copy lost (tex_run)
            return
        if ch == "/" and (i == 0 or text[i - 1].isspace()) and SOURCE_MARKER.match(text, i):
            # ``///`` of a source view's comment lines joined into one: not math
            region.markers += 1
            self.i, self.sp = i + 3, True
            return
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
            self.i = j
            return
        if region.doubled and (ch == '"' and STRING_JOIN.match(text, i)
                               or ch == "\\" and newline_escape(text, i, n)):
            # a string literal's copy: "\n" ends a line, '", "' joins the next string
            width = 2 if ch == "\\" else STRING_JOIN.match(text, i).end() - i
            self._string_join(region, i, width)
            return
        if ch == "\\":
            if region.doubled:
                run = len(text[i:i + 8]) - len(text[i:i + 8].lstrip("\\"))
                if run == 4:                    # a doubled row break
                    self._emit(out, "cmd", "\\", i, i + 4)
                    return
                if run == 2:
                    self.i = i + 1              # the first of the pair: its escape
            self._command(out)
            return
        if ch.isascii() and ch.isalpha():
            self._emit(out, "letter", ch, i, i + 1)
            return
        if ch.isascii() and ch.isdigit():
            j = i
            while j < n and text[j].isascii() and text[j].isdigit():
                j += 1
            if j + 1 < n and text[j] == "." and text[j + 1].isascii() and text[j + 1].isdigit():
                j += 1
                while j < n and text[j].isascii() and text[j].isdigit():
                    j += 1
            self._emit(out, "num", text[i:j], i, j)
            return
        if text.startswith("...", i):
            self._emit(out, "cmd", "dots", i, i + 3)
            return
        if ch == "#" and i + 1 < n and text[i + 1].isascii() and text[i + 1].isdigit():
            self._emit(out, "param", text[i + 1], i, i + 2)
            return
        if ch in "{}":
            self._emit(out, ch, ch, i, i + 1)
            return
        if ch in PUNCT:
            self._emit(out, "char", ch, i, i + 1)
            return
        if ch in IGNORED_CHARS:
            self.i = i + 1
            return
        if ch in UNICODE:
            kind, val = UNICODE[ch]
            self._emit(out, kind, val, i, i + 1)
            return
        if ch in UNICODE_SUP:
            sup = UNICODE_SUP[ch]
            self._emit(out, "char", "^", i, i + 1)
            out.append(src.tok("letter" if sup.isalpha() else "num", sup, i, i + 1, False))
            return
        raise err(f"unexpected character {ch!r}", src.tok("x", ch, i, i + 1, self.sp), text)

    def _string_join(self, region, i, width):
        """Skip a string literal's newline escape or the join of two strings of a list,
        as blank space, and say so once in the region's note."""
        if region.why and "string literals" not in region.why:
            region.why += ("; the line breaks of its string literals ('\\n', and the "
                           "'\", \"' joining the strings of a list, as a notebook's JSON "
                           "writes a cell) read as blank space")
        self.i, self.sp = i + width, True

    def _command(self, out):
        text, src, i, n = self.text, self.src, self.i, self.n
        if i + 1 >= n:
            raise err("a lone backslash", src.tok("x", "\\", i, i + 1, self.sp), text)
        j = i + 1
        if text[j].isascii() and text[j].isalpha():
            while j < n and text[j].isascii() and text[j].isalpha():
                j += 1
            name = text[i + 1:j]
            if j < n and text[j] == "*" and name in ("hspace", "operatorname"):
                j += 1
        else:
            name = " " if src.is_newline(j) else text[j]
            j += 1
        if name == "_" and self.found and escaped_script(text, j):
            self.found[-1].escapes += 1         # Markdown's escape of a subscript
            self._emit(out, "char", "_", i, j)
            return
        if name not in TEXT_COMMANDS and name not in ("begin", "end"):
            self._emit(out, "cmd", name, i, j)
            return
        k = j
        while k < n and text[k] in " \t":
            k += 1
        if k < n and text[k] == "{":
            content, k2 = _read_braced_raw(text, k, src, i)
        elif name in ("begin", "end"):
            raise err(f"\\{name} needs an environment name in braces",
                      src.tok("x", "", i, j, self.sp), text)
        elif k < n:
            content, k2 = text[k], k + 1
        else:
            content, k2 = "", k
        kind = name if name in ("begin", "end") else "text"
        if kind == "end" and self.closer == "\\end{" + content + "}":
            self._emit(out, "break", self.closer, i, k2)
            self._close()
            return
        self._emit(out, kind, content, i, k2)


def _closing(text, closer, i):
    """Where the region's closing delimiter `closer` is, searching from i (-1: nowhere)."""
    while closer:
        j = text.find(closer, i)
        if j <= 0 or closer != "$" or text[j - 1] != "\\":
            return j
        i = j + 1
    return -1
