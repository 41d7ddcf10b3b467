"""Pass 5 of reading, and `tokenize`, which runs all five: LaTeX text -> a flat stream of
semantic tokens for the grammar.

Contract: `tokenize(text) -> list[Tok]`. It never evaluates anything and raises only
`ParseError` (located in the original text). Passes, each a flat loop (no recursion):

1. `scan`      characters -> raw tokens (commands, letters, numbers, braces, punctuation,
               newlines); picks the math regions (``$..$``, ``$$..$$``, ``\\[..\\]``, math
               environments; text without ``$`` is all math), drops ``%`` comments, maps
               pasted Unicode (``α``, ``−``, ``∈``, ``ᵀ`` ...) to LaTeX.
2. `expand`    ``\\def`` / ``\\newcommand`` / ``\\renewcommand`` macros, bounded. Tokens from
               a macro body carry the span of the macro call; arguments keep their own.
3. `layout`    (layout.py) TeX layout read for what it shows: ``{a \\over b}``,
               ``\\underset``/``\\overset``/``\\underbrace`` (their base; ``\\underset{i}{\\sum}``
               is ``\\sum_{i}``), colour commands (dropped), the physics package's
               ``\\qty(..)``, ``\\abs``, ``\\norm``.
4. `clean`     (clean.py) environments and ``\\eqalign{}`` (row breaks, ``\\\\`` and ``\\cr``),
               ``&``, ``\\left`` / ``\\big`` sizing, spacing commands, ``\\implies``,
               ``{\\rm I\\!R}``.
5. `words`     (here: letters, text, braces and characters; commands in commands.py)
               names, Greek letters, fonts, accents (also over a font command or a
               subscripted name), ``\\text{..}`` (``\\textbf{Ax - b}`` is math), function words
               (``\\log``, ``sigm``, ``{\\rm Trace}``), operators -> grammar token kinds;
               ``<a, b>`` and ``\\langle a, b \\rangle`` (the inner product), a conditioning
               bar among a function's arguments, ``\\Sigma_{i=0}^{n}`` as a sum sign,
               ``x^{\\prime}``; integrals, factorials, indicators ``1\\{..\\}``, sums over sets,
               MATLAB ``.*`` and ``./`` between operands (Hadamard); ``.^`` and ``v.u`` refused.

Every token keeps (line, col, end_line, end_col) of the original text, 1-based, end
exclusive. The statement splitter (`matcalc.parse`) takes the stream from here.
"""
from __future__ import annotations

from .. import ops
from ..errors import ParseError
from .ahead import (OPERAND_KINDS, angle_end, group_end, is_char, lone_bar, operand_start,
                    prime_superscript, word_of)
from .clean import clean
from .emptyscripts import empty_script
from .commands import _iverson as iverson, command, name_token, word_token
from .layout import layout
from .macros import expand
from .scan import scan
from .tokens import (BRACED_ARGUMENT, CHARS, FONT_SWITCH, HOLD_TEXT, ONES_FONTS, SEP_WORDS,
                     SYMMETRIC_TEXT,
                     WORD_FONTS, err)

__all__ = ["clean", "layout", "tokenize", "words"]

# raw kinds passed on as they are (the statement splitter's marks), upper-cased
STRUCTURAL = ("break", "rowsep", "newline", "QUAD", "SEMISP", "IMPLIES", "ARR_OPEN",
              "ARR_CLOSE", "COMMA")


MATH_FONT_TEXT = ("textbf", "textit", "textsf", "textup", "textnormal")


def _font_math(t, source):
    """A text token written ``\\textbf{Ax - b}``, ``\\textsf{A x}`` (a font-style text
    command around an expression -- an operator, or single letters apart --, never prose:
    no words like 'where'): its content scanned as math, placed in the source; else None."""
    content = t.value
    chunks = content.split()
    letters = len(chunks) > 1 and all(len(c) == 1 and c.isalnum() for c in chunks)
    if t.line != t.end_line or not (letters or any(op in content for op in "+-*/^_=")):
        return None
    if any(w.lower() in SEP_WORDS for w in content.replace("-", " ").split()):
        return None
    lines = source.splitlines()
    if not 1 <= t.line <= len(lines):
        return None
    written = lines[t.line - 1][t.col - 1:t.end_col - 1]
    cmd = written[1:].split("{", 1)[0].strip()
    if cmd not in MATH_FONT_TEXT or "{" not in written:
        return None
    start = t.col + written.index("{") + 1            # the column of the content
    try:
        inner = scan(content)
    except ParseError:
        return None
    for x in inner:
        if x.line != 1 or x.kind in ("newline", "break"):
            return None
        x.line = x.end_line = t.line
        x.col, x.end_col = x.col + start - 1, x.end_col + start - 1
    return inner


class WordPass:
    """The state of pass 5 over one token list: the tokens (edited in place by `splice`),
    the output, and what is open -- braces (``"sub"``, ``"arg"`` of a braced-argument
    function, ``"free"``), ``<a, b>`` closers and parentheses (``"args"`` after a name,
    else ``"group"``). `run` reads token after token, one handler per raw kind."""

    def __init__(self, toks: list, source: str):
        self.toks = list(toks)
        self.source = source
        self.out: list = []
        self.braces: list = []
        self.closers: list = []     # indices of the '>' closing an open '<a, b>'
        self.parens: list = []      # [kind, bars seen] per open '('
        self.i = 0

    @property
    def n(self) -> int:
        return len(self.toks)

    def peek(self, kind, value=None, at=None):
        """Is the token at `at` (default: the next one) of `kind` (and `value`)?"""
        j = self.i if at is None else at
        return j < self.n and self.toks[j].kind == kind and \
            (value is None or self.toks[j].value == value)

    def splice(self, a, b, new):
        """toks[a:b] = new, keeping the '>' positions in `closers` right."""
        self.toks[a:b] = new
        shift = len(new) - (b - a)
        self.closers[:] = [c + shift if c >= b else c for c in self.closers]

    def run(self) -> list:
        handlers = {"letter": self.letter, "num": self.number, "text": self.text,
                    "{": self.open_brace, "}": self.close_brace, "param": self.param,
                    "char": self.char, "cmd": lambda t: command(self, t)}
        while self.i < self.n:
            t = self.toks[self.i]
            self.i += 1
            if t.kind in STRUCTURAL:
                k = t.kind
                self.out.append(t.at(k.upper() if k in ("break", "rowsep", "newline") else k))
                continue
            handler = handlers.get(t.kind)
            if handler is None:
                raise err(f"unexpected {t.value!r}", t, self.source)
            handler(t)
        return self.out

    # ------------------------------------------------------------ letters, numbers, text
    def letter(self, t):
        toks, out, i = self.toks, self.out, self.i
        j = i
        while j < self.n and toks[j].kind == "letter" and not toks[j].sp:
            j += 1
        word = "".join(x.value for x in toks[i - 1:j])
        in_sub = bool(self.braces) and self.braces[-1] == "sub" or (out and out[-1].kind == "SUB")
        if len(word) > 1 and not in_sub:
            if ops.spelled("run", word):
                out.append(t.at("FUNC", ops.spelled("run", word)))
                self.i = j
                return
            if word in SEP_WORDS:
                out.append(t.at("SEP", word))
                self.i = j
                return
        out.append(name_token(t, t.value))

    def number(self, t):
        self.out.append(t.at("NUMBER"))

    def param(self, t):
        raise err(f"#{t.value} outside a macro definition", t, self.source)

    def text(self, t):
        out, toks = self.out, self.toks
        inner = _font_math(t, self.source)
        if inner is not None:
            # \textbf{Ax - b}: a bold font around an expression, read as math; around
            # names only with a script after it (\textbf{X B}^T), two readings: refused
            nxt = toks[self.i] if self.i < self.n else None
            if nxt is not None and nxt.kind == "char" and nxt.value in "^_" and \
                    all(x.kind in ("letter", "space") for x in inner):
                body = " ".join(x.value for x in inner if x.kind == "letter")
                *head, last = body.split(" ")
                written = self.source.splitlines()[t.line - 1][t.col - 1:t.end_col - 1]
                raise err(f"{written}{nxt.value}... (a text font around names) has "
                          f"two readings: ({body}){nxt.value}... (the script on the whole "
                          f"group) or {' '.join(head)} {last}{nxt.value}... (on its last "
                          f"letter, as it is typeset); write the brackets or the script on "
                          f"the letter", t, self.source)
            self.splice(self.i, self.i, inner)
            return
        content = " ".join(t.value.split())
        low = content.lower().strip()
        if not low:
            return
        if low in HOLD_TEXT:
            out.append(t.at("HOLD", content))
            return
        if low in SYMMETRIC_TEXT and self.symmetric_space(t):
            return
        if low.rstrip(":") in SEP_WORDS or not content.replace("_", "").isalnum():
            out.append(t.at("SEP", content))
            return
        if content.isdigit():
            out.append(t.at("NUMBER", content))
            return
        tok = word_token(t, content, "text", self.source)
        out.append(tok)
        if tok.kind == "NAME" and self.peek("char", "("):
            # \text{KL}(P||Q): the parenthesised argument list is part of the name
            depth, j, bars = 0, self.i, False
            while j < self.n:
                x = toks[j]
                if x.kind == "char" and x.value == "(":
                    depth += 1
                elif x.kind == "char" and x.value == ")":
                    depth -= 1
                    if depth == 0:
                        break
                elif (x.kind == "char" and x.value == "|") or \
                        (x.kind == "cmd" and x.value in ("|", "parallel", "Vert")):
                    bars = True
                elif x.kind in ("break", "rowsep"):
                    break
                j += 1
            if bars and j < self.n and depth == 0:
                self.i = j + 1

    def symmetric_space(self, t) -> bool:
        """``P \\in \\mathbb{R}^{n \\times n} \\text{ symmetric}``: the space just read becomes
        the symmetric matrices of that size (its REALS token marked "S", as \\mathbb{S}^n
        makes it) and the words are dropped. False (the words stay a name, refused later)
        unless the words follow a space ``\\mathbb{R}^{a \\times b}``; a and b written
        differently are refused (a symmetric matrix is square)."""
        out = self.out
        if not out or out[-1].kind != "RBRACE":
            return False
        k = len(out) - 1
        depth = 0
        while k >= 0:
            if out[k].kind == "RBRACE":
                depth += 1
            elif out[k].kind == "LBRACE":
                depth -= 1
                if depth == 0:
                    break
            k -= 1
        if k < 2 or out[k - 1].kind != "SUP" or out[k - 2].kind != "REALS" or \
                out[k - 2].value != "R":
            return False
        inner = out[k + 1:-1]
        times = [j for j, x in enumerate(inner) if x.kind == "MULOP" and x.value == "times"]
        if len(times) != 1:
            return False
        a, b = inner[:times[0]], inner[times[0] + 1:]
        if [(x.kind, x.value) for x in a] != [(x.kind, x.value) for x in b]:
            raise err("a symmetric matrix is square: its space has two different sizes",
                      t, self.source)
        out[k - 2] = out[k - 2].at("REALS", "S")
        return True

    # ------------------------------------------------------------ braces
    def open_brace(self, t):
        out, toks, i = self.out, self.toks, self.i
        kind = "free"
        if out and out[-1].kind == "SUB":
            kind = "sub"
        elif out and out[-1].kind == "FUNC" and out[-1].value in BRACED_ARGUMENT:
            kind = "arg"
        # {\rm word} / {\tt 1}: a font switch with a word or a 1 inside
        if self.peek("cmd") and toks[i].value in FONT_SWITCH:
            end = group_end(toks, i - 1)
            if end is not None:
                inner = toks[i + 1:end]
                font = toks[i].value
                word = word_of(inner)
                if word is not None and len(word) > 1 and font in WORD_FONTS:
                    wt = word_token(t, word, font, self.source)
                    if wt is not None:
                        out.append(wt)
                        self.i = end + 1
                        return
                if len(inner) == 1 and inner[0].kind == "num" and inner[0].value == "1" \
                        and font in ONES_FONTS:
                    out.append(inner[0].at("ONES", "1"))
                    self.i = end + 1
                    return
        self.braces.append(kind)
        out.append(t.at("LPAR", "(") if kind == "arg" else t.at("LBRACE"))

    def close_brace(self, t):
        kind = self.braces.pop() if self.braces else "free"
        self.out.append(t.at("RPAR", ")") if kind == "arg" else t.at("RBRACE"))

    # ------------------------------------------------------------ characters
    def char(self, t):
        out, toks, v, source = self.out, self.toks, t.value, self.source
        if v == "_" and nested_subscript(toks, self.i - 1):
            return           # C_{_\theta x}: the empty base's subscript renders as C_{θx}
        if empty_script(toks, self.i - 1):
            self.i += 2      # x^{}: an empty script sets nothing (read/emptyscripts.py)
            return
        if v == "^":
            primes, after = prime_superscript(toks, self.i)
            if primes:
                # x^{\prime}, x^\prime, v^{'}: primes written as a superscript
                out.extend(t.at("PRIME", "'") for _ in range(primes))
                self.i = after
                return
        if v == ":" and self.peek("char", "="):
            out.append(t.through(toks[self.i], "REL", ":="))
            self.i += 1
            return
        if v == "[" and out and out[-1].kind == "IN" and self.index_interval(t):
            return
        if v == ":":
            out.append(t.at("COLON", ":"))
            return
        if v == "|" and self.peek("char", "|") and not toks[self.i].sp and \
                t.lr is None and toks[self.i].lr is None:
            # || glued is one norm bar; a bar of \left| or \right| is paired by its
            # \left/\right, so \left|a\right|\left|b\right| stays two absolute values
            out.append(t.through(toks[self.i], "BAR2", "||"))
            self.i += 1
            return
        if v == "." and self.i < self.n and not toks[self.i].sp:
            nxt = toks[self.i]
            if nxt.kind == "char" and nxt.value in "*/" and out and \
                    out[-1].kind in OPERAND_KINDS and self.i + 1 < self.n:
                # MATLAB's (X - Y) .* M, A ./ B between two operands: elementwise
                out.append(t.through(nxt, "HAD", "hadamard" if nxt.value == "*" else "hdiv"))
                self.i += 1
                return
            if nxt.kind == "char" and nxt.value in "*/^":
                raise err(f"MATLAB's elementwise .{nxt.value} is not LaTeX: write "
                          + {"*": "\\odot", "/": "\\oslash", "^": "X^{\\circ p}"}[nxt.value],
                          t, source)
            if out and out[-1].kind in OPERAND_KINDS and nxt.kind in ("letter", "cmd"):
                if t.sp:
                    raise err(PERIOD_PRODUCT, t, source)
                # v.u glued on both sides: a product sign that lowering reads as the dot
                # product of two vectors, and refuses between anything else
                out.append(t.at("MULOP", "period"))
                return
        parens = self.parens
        if v == "|" and parens and parens[-1][0] == "args":
            if not parens[-1][1] and lone_bar(toks, self.i):
                # p(X | \mu, \Sigma): a conditioning bar among a function's arguments
                out.append(t.at("COMMA", ","))
                return
            parens[-1][1] = True                  # g(|a| + b): the bars of |a|
        if v == "(" and not t.sp and out and out[-1].kind in ("NUMBER", "ONES") and \
                out[-1].value == "1" and iverson(self, t, "paren"):
            return                  # 1(y^{(i)}=j): the Iverson bracket, as 1\{y_n=k\}
        if v == "(":
            # after a name, with or without a space (``p (W \\, | \\, \\nu, S)``): an
            # argument list, whose lone bar is a conditioning bar (nothing else reads one)
            parens.append(["args" if out and out[-1].kind in ("NAME", "RBRACE") else "group",
                           False])
        elif v == ")" and parens:
            parens.pop()
        if v in CHARS:
            out.append(t.at(CHARS[v], v))
            return
        if v == "<":
            self.angle(t)
            return
        if v == ">" and self.closers and self.closers[-1] == self.i - 1:
            self.closers.pop()
            out.append(t.at("RPAR", "rangle"))
            return
        if v == ">":                    # \sigma > 0: a comparison (the grammar reads a sign)
            out.append(t.at("CMP", ">"))
            return
        if v == "!":
            self.factorial(t)
            return
        raise err(f"unexpected '{v}'", t, source)

    def index_interval(self, t) -> bool:
        """``i \\in [1,k]``: an interval from 1 after \\in (no power after it) is the index
        range ``\\{1, \\dots, k\\}`` (the tokens up to the matching ']' are rewritten so);
        False (nothing done) unless the bracket holds 1 and one more item."""
        toks, depth, comma, end = self.toks, 0, None, None
        for k in range(self.i, self.n):
            x = toks[k]
            if x.kind == "{" or (x.kind == "char" and x.value in "(["):
                depth += 1
            elif x.kind == "}" or (x.kind == "char" and x.value in ")"):
                depth -= 1
            elif x.kind == "char" and x.value == "]":
                if depth == 0:
                    end = k
                    break
                depth -= 1
            elif depth == 0 and x.kind == "char" and x.value == ",":
                if comma is not None:
                    return False
                comma = k
            elif x.kind in ("newline", "break", "rowsep"):
                return False
        if end is None or comma is None or end == comma + 1:
            return False
        first = toks[self.i:comma]
        if not (len(first) == 1 and first[0].kind == "num" and first[0].value == "1") or \
                (end + 1 < self.n and is_char(toks[end + 1], "^")):
            return False        # [0,1]^n, [0, T]: a box or an interval of reals, not indices
        c = toks[comma]
        new = [t.at("cmd", "{"), *toks[self.i:comma], c, c.at("cmd", "dots"), c,
               *toks[comma + 1:end], toks[end].at("cmd", "}")]
        self.splice(self.i - 1, end + 1, new)
        self.i -= 1
        return True

    def factorial(self, t):
        """``y_i !``, ``(n-k)!``: the operand before the ``!`` (a name with its subscripts
        and superscripts, a number, or a parenthesised group, with a function name before
        it) becomes the argument of a ``factorial`` call (`ops/factorial.py`)."""
        start = operand_start(self.out)
        if start is None:
            raise err("a factorial (!) is read only after a name, a number or a "
                      "parenthesised expression", t, self.source)
        self.out[start:] = [t.at("FUNC", "factorial"), t.at("LPAR", "("),
                            *self.out[start:], t.at("RPAR", ")")]

    def angle(self, t):
        end = angle_end(self.toks, self.i)
        prev = self.out[-1].kind if self.out else None
        after = self.toks[end + 1] if end is not None and end + 1 < self.n else None
        if end is not None and prev not in OPERAND_KINDS and not (
                after is not None and not after.sp and after.kind in ("letter", "num")):
            # <Ax, x>: the inner product, as \langle Ax, x \rangle
            self.out.append(t.at("LPAR", "langle"))
            self.closers.append(end)
            return
        # a < b: a comparison, as '>' is (the grammar reads one only where it may stand:
        # an indicator 1(a < b), read/comparisons.py, or a constraint clause)
        self.out.append(t.at("CMP", "<"))


PERIOD_PRODUCT = ("a period between two factors (v.u) is read as the dot product only between "
                  "two vectors written together: write v^T u, v \\cdot u or "
                  "\\langle v, u \\rangle")


def words(toks: list, source: str) -> list:
    """Raw tokens -> grammar token kinds (plus structural kinds for the splitter)."""
    return WordPass(toks, source).run()


def nested_subscript(toks: list, k: int) -> bool:
    """Is raw token k a ``_`` that opens a subscript group (``C_{_\\theta x}``)? TeX sets
    it as a subscript of an empty base inside the subscript, which renders as one
    subscript θx; the reader reads it so (and the parser notes it)."""
    return (toks[k].kind == "char" and toks[k].value == "_" and k >= 2 and
            toks[k - 1].kind == "{" and toks[k - 2].kind == "char" and toks[k - 2].value == "_"
            and k + 1 < len(toks) and toks[k + 1].kind in ("letter", "cmd", "{", "num"))


def tokenize(text: str) -> list:
    """Text -> semantic token stream (grammar kinds plus BREAK/ROWSEP/NEWLINE/QUAD/SEMISP/
    SEP/IMPLIES/SEMI/PERIOD/BAR1/BAR2/TOPSYM for the statement splitter)."""
    return words(clean(layout(expand(scan(text), text), text), text), text)
