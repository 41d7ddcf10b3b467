"""The tokenizer: LaTeX text -> a flat stream of semantic tokens for the grammar.

Contract: `tokenize(text) -> list[Tok]`. It never evaluates anything and raises only
`ParseError` (located in the original text). Passes, each a flat loop (no recursion):

1. `scan`      characters -> raw tokens (commands, letters, numbers, braces, punctuation,
               newlines); picks the math regions (``$..$``, ``$$..$$``, ``\\[..\\]``, math
               environments; text without ``$`` is all math), drops ``%`` comments, maps
               pasted Unicode (``α``, ``−``, ``∈``, ``ᵀ`` ...) to LaTeX.
2. `expand`    ``\\def`` / ``\\newcommand`` / ``\\renewcommand`` macros, bounded. Tokens from
               a macro body carry the span of the macro call; arguments keep their own.
3. `clean`     environments and ``\\eqalign{}`` (row breaks), ``&``, ``\\\\``, ``\\left``
               / ``\\big`` sizing, spacing commands, ``\\implies``.
4. `words`     names, Greek letters, fonts, accents, ``\\text{..}``, function words
               (``\\log``, ``sigm``, ``{\\rm Trace}``), operators -> grammar token kinds.

Every token keeps (line, col, end_line, end_col) of the original text, 1-based, end
exclusive. The statement splitter (`matcalc.parse`) takes the stream from here.
"""
from __future__ import annotations

import bisect

from . import ops
from .errors import ParseError

MAX_EXPANSIONS = 20000
MAX_TOKENS = 200000


class Tok:
    """A token. `kind` is a grammar terminal name once `words` has run; `value` its text
    (or a tuple for names: (name, accent)). `sp` is True when whitespace preceded it.
    `lr` is "left"/"right" when ``\\left``/``\\right`` (or ``\\bigl``..) preceded it."""
    __slots__ = ("kind", "value", "line", "col", "end_line", "end_col", "sp", "lr", "textname")

    def __init__(self, kind, value, line, col, end_line, end_col, sp=False):
        self.kind, self.value = kind, value
        self.line, self.col, self.end_line, self.end_col = line, col, end_line, end_col
        self.sp, self.lr, self.textname = sp, None, False

    def at(self, kind, value=None):
        """A new token of `kind` at this token's place."""
        t = Tok(kind, self.value if value is None else value, self.line, self.col,
                self.end_line, self.end_col, self.sp)
        t.lr, t.textname = self.lr, self.textname
        return t

    def __repr__(self):
        return f"Tok({self.kind}, {self.value!r}, {self.line}:{self.col})"


def err(message, tok, source):
    end = tok.end_col if tok is not None and tok.end_line == tok.line else None
    if tok is None:
        return ParseError(message)
    return ParseError(message, tok.line, tok.col, source, end)


# ---------------------------------------------------------------- tables

GREEK = set("""alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa
varkappa lambda mu nu xi omicron pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi
psi omega Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega""".split())
SYMBOL_NAMES = {"partial", "ell", "nabla", "infty", "imath", "jmath", "hbar"}

UNICODE = {
    "−": ("char", "-"), "–": ("char", "-"), "·": ("cmd", "cdot"), "⋅": ("cmd", "cdot"),
    "×": ("cmd", "times"), "∗": ("cmd", "ast"), "∈": ("cmd", "in"), "ℝ": ("cmd", "R"),
    "⊙": ("cmd", "odot"), "∘": ("cmd", "circ"), "⊘": ("cmd", "oslash"), "‖": ("cmd", "|"),
    "∑": ("cmd", "sum"), "∏": ("cmd", "prod"), "∂": ("cmd", "partial"), "…": ("cmd", "dots"),
    "⋯": ("cmd", "cdots"), "⋮": ("cmd", "vdots"), "′": ("char", "'"), "≔": ("cmd", "coloneqq"),
    "∇": ("cmd", "nabla"), "⊤": ("cmd", "top"), "≜": ("cmd", "triangleq"), "⟹": ("cmd", "implies"),
    "⇒": ("cmd", "Rightarrow"), "⇔": ("cmd", "iff"), "∞": ("cmd", "infty"), "ℓ": ("cmd", "ell"),
}
for _g, _n in zip("αβγδεζηθικλμνξπρστυφχψωΓΔΘΛΞΠΣΥΦΨΩϵϕςϑ",
                  "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi pi "
                  "rho sigma tau upsilon phi chi psi omega Gamma Delta Theta Lambda Xi Pi Sigma "
                  "Upsilon Phi Psi Omega epsilon phi varsigma vartheta".split()):
    UNICODE[_g] = ("cmd", _n)
UNICODE_SUP = {"ᵀ": "T", "²": "2", "³": "3", "¹": "1"}
IGNORED_CHARS = {"´"}                       # stray acute accents pasted from Q&A sites

PUNCT = set("+-=,;:'()[]|*/<>!?.&^_~")
TEXT_COMMANDS = {"text", "textrm", "textit", "textbf", "textsf", "texttt", "mbox", "hbox",
                 "textnormal", "mathrm_text"}
MATH_ENVS = {"equation", "align", "eqnarray", "gather", "multline", "aligned", "split",
             "gathered", "displaymath", "math", "alignat", "flalign"}
ARRAY_ENVS = {"array", "pmatrix", "bmatrix", "matrix", "Bmatrix", "smallmatrix"}

SIZING = {"left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr",
          "biggl", "biggr", "Biggl", "Biggr", "bigm", "Bigm", "middle"}
DROPPED = {",", "!", ":", ">", " ", "thinspace", "enspace", "medspace", "thickspace",
           "negthinspace", "negmedspace", "displaystyle", "textstyle", "scriptstyle",
           "scriptscriptstyle", "large", "Large", "LARGE", "small", "normalsize", "huge",
           "Huge", "footnotesize", "limits", "nolimits", "nonumber", "notag", "relax",
           "quad_in", "allowbreak", "nobreak"}
DROPPED_WITH_ARG = {"label", "tag", "hspace", "vspace", "hspace*", "phantom", "hphantom",
                    "vphantom"}
IMPLIES = {"implies", "Rightarrow", "Longrightarrow", "iff", "Leftrightarrow",
           "Longleftrightarrow", "impliedby", "therefore"}

# Function spellings live with their ops (`ops.spelled`): commands, words, letter runs.
SEP_WORDS = {"and", "where", "with", "for", "if", "forall", "while"}
HOLD_TEXT = {"constant", "const", "const.", "is constant", "held constant", "fixed",
             "is fixed", "(constant)", "= const", "constant."}

FONT_ARG = {"mathbf", "mathrm", "mathit", "mathsf", "mathtt", "boldsymbol", "bm", "mathcal",
            "mathscr", "mathfrak", "pmb", "mathbfit", "mathds", "mathnormal", "bold",
            "textup"}
FONT_SWITCH = {"rm", "bf", "it", "tt", "sf", "cal", "mit", "bfseries", "rmfamily"}
ONES_FONTS = {"mathbf", "mathbb", "boldsymbol", "bm", "pmb", "mathds", "bf", "tt", "mathtt",
              "bold", "mathbfit"}
NAME_FONTS = {"mathrm", "mathit", "mathsf", "mathtt", "rm", "it", "sf", "tt"}
WORD_FONTS = {"mathrm", "operatorname", "mathit", "mathsf", "mathtt", "rm", "it", "sf", "tt"}
ACCENTS = {"hat": "hat", "widehat": "hat", "bar": "bar", "overline": "bar", "tilde": "tilde",
           "widetilde": "tilde", "dot": "dot", "vec": "vec", "check": "check",
           "overrightarrow": "vec"}

SIMPLE = {
    "cdot": ("MULOP", "cdot"), "times": ("MULOP", "times"), "ast": ("MULOP", "*"),
    "odot": ("HAD", "hadamard"), "circ": ("HAD", "hadamard"), "oslash": ("HAD", "hdiv"),
    "div": ("SLASH", "/"), "in": ("IN", "in"), "coloneqq": ("REL", ":="),
    "triangleq": ("REL", ":="), "equiv": ("REL", "="), "doteq": ("REL", "="),
    "eqqcolon": ("REL", "="),
    "dots": ("DOTS", "..."), "ldots": ("DOTS", "..."), "cdots": ("DOTS", "..."),
    "vdots": ("DOTS", "..."), "ddots": ("DOTS", "..."), "dotsc": ("DOTS", "..."),
    "dotsb": ("DOTS", "..."), "dotsm": ("DOTS", "..."),
    "{": ("LSET", "\\{"), "}": ("RSET", "\\}"), "lbrace": ("LSET", "\\{"),
    "rbrace": ("RSET", "\\}"), "lbrack": ("LBRACK", "["), "rbrack": ("RBRACK", "]"),
    "sum": ("BIG", "sum"), "prod": ("BIG", "prod"),
    "frac": ("FRAC", "frac"), "tfrac": ("FRAC", "frac"), "dfrac": ("FRAC", "frac"),
    "cfrac": ("FRAC", "frac"),
    "top": ("TOPSYM", "T"), "intercal": ("TOPSYM", "T"), "prime": ("PRIME", "'"),
    "R": ("REALS", "R"), "Reals": ("REALS", "R"),
    "to": ("MAPSTO", "to"), "mapsto": ("MAPSTO", "to"), "rightarrow": ("MAPSTO", "to"),
    "longmapsto": ("MAPSTO", "to"), "longrightarrow": ("MAPSTO", "to"),
    "|": ("BAR2", "\\|"), "Vert": ("BAR2", "\\|"), "lVert": ("BAR2", "\\|"),
    "rVert": ("BAR2", "\\|"), "parallel": ("BAR2", "\\|"),
    "vert": ("BAR1", "|"), "lvert": ("BAR1", "|"), "rvert": ("BAR1", "|"),
}
CHARS = {"+": "PLUS", "-": "MINUS", "*": "MULOP", "/": "SLASH", "=": "REL", ",": "COMMA",
         ";": "SEMI", "'": "PRIME", "(": "LPAR", ")": "RPAR", "[": "LBRACK", "]": "RBRACK",
         "|": "BAR1", ".": "PERIOD", "^": "SUP", "_": "SUB"}


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


# ---------------------------------------------------------------- 2. macros

class _Stream:
    """Tokens read from the front; expansions pushed back in front."""

    def __init__(self, toks):
        self.stack = list(reversed(toks))

    def pop(self):
        return self.stack.pop() if self.stack else None

    def peek(self):
        return self.stack[-1] if self.stack else None

    def push(self, toks):
        self.stack.extend(reversed(toks))


def _skip_newlines(st):
    while st.peek() is not None and st.peek().kind == "newline":
        st.pop()


def _read_group(st, opener, source):
    """The opener '{' has been popped: read to the matching '}' and return the inside."""
    depth, body = 1, []
    while True:
        t = st.pop()
        if t is None or t.kind == "break":
            raise err("unclosed '{'", opener, source)
        if t.kind == "{":
            depth += 1
        elif t.kind == "}":
            depth -= 1
            if depth == 0:
                return body
        body.append(t)


def _read_arg(st, at, source):
    _skip_newlines(st)
    t = st.pop()
    if t is None or t.kind in ("}", "break"):
        raise err("a macro argument is missing", at, source)
    if t.kind == "{":
        return _read_group(st, t, source), t
    return [t], t


def expand(toks: list, source: str) -> list:
    """Define and expand macros; return the stream without definitions."""
    st = _Stream(toks)
    macros: dict = {}
    out: list = []
    count = 0
    while True:
        t = st.pop()
        if t is None:
            return out
        if t.kind != "cmd":
            out.append(t)
            continue
        name = t.value
        if name == "def":
            _skip_newlines(st)
            m = st.pop()
            if m is None or m.kind != "cmd":
                raise err("\\def must be followed by a command name", t, source)
            nparams = 0
            while st.peek() is not None and st.peek().kind == "param":
                st.pop()
                nparams += 1
            _skip_newlines(st)
            b = st.pop()
            if b is None or b.kind != "{":
                raise err(f"\\def\\{m.value}: the definition needs a body in braces", m, source)
            macros[m.value] = (nparams, _read_group(st, b, source))
            continue
        if name in ("newcommand", "renewcommand", "providecommand", "DeclareMathOperator"):
            _skip_newlines(st)
            star = st.peek()
            if star is not None and star.kind == "char" and star.value == "*":
                st.pop()
            m = st.pop()
            if m is not None and m.kind == "{":
                inner = _read_group(st, m, source)
                if len(inner) != 1 or inner[0].kind != "cmd":
                    raise err(f"\\{name} must name a command", m, source)
                m = inner[0]
            if m is None or m.kind != "cmd":
                raise err(f"\\{name} must be followed by a command name", t, source)
            nparams = 0
            if st.peek() is not None and st.peek().kind == "char" and st.peek().value == "[":
                st.pop()
                num, close = st.pop(), st.pop()
                if num is None or num.kind != "num" or close is None or close.value != "]":
                    raise err("expected the number of arguments, e.g. [2]", t, source)
                nparams = int(num.value)
                if st.peek() is not None and st.peek().kind == "char" and st.peek().value == "[":
                    raise err("optional macro arguments are not supported", st.peek(), source)
            _skip_newlines(st)
            b = st.pop()
            if b is None or b.kind != "{":
                raise err(f"\\{name}: the definition needs a body in braces", m, source)
            body = _read_group(st, b, source)
            if name == "DeclareMathOperator":
                body = [b.at("cmd", "operatorname"), b.at("{", "{")] + body + [b.at("}", "}")]
            if name == "providecommand" and m.value in macros:
                continue
            macros[m.value] = (nparams, body)
            continue
        if name not in macros:
            out.append(t)
            continue
        count += 1
        if count > MAX_EXPANSIONS or len(st.stack) + len(out) > MAX_TOKENS:
            raise err(f"macro expansion does not end (does \\{name} call itself?)", t, source)
        nparams, body = macros[name]
        args, last = [], t
        for _ in range(nparams):
            a, last = _read_arg(st, t, source)
            args.append(a)
        end_line, end_col = t.end_line, t.end_col
        if last.line == t.line and last is not t:
            end_col = max(end_col, last.end_col)
        res = []
        for k, bt in enumerate(body):
            if bt.kind == "param":
                idx = int(bt.value) - 1
                if not 0 <= idx < len(args):
                    raise err(f"\\{name} uses #{bt.value} but takes {len(args)} arguments", t, source)
                res.extend(args[idx])
                continue
            c = Tok(bt.kind, bt.value, t.line, t.col, end_line, end_col, t.sp if k == 0 else bt.sp)
            res.append(c)
        st.push(res)


# ---------------------------------------------------------------- 3. clean

def clean(toks: list, source: str) -> list:
    """Environments, eqalign, alignment, sizing and spacing -> row breaks / nothing."""
    out: list = []
    braces: list = []          # per open '{': True when it is \eqalign's (to be dropped)
    envs: list = []            # open environments (name, token)
    pending_lr = None
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        i += 1
        k, v = t.kind, t.value
        in_array = bool(envs) and envs[-1][0].rstrip("*") in ARRAY_ENVS
        if k == "begin":
            env = v.rstrip("*")
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
            continue
        if k == "end":
            if not envs or envs[-1][0] != v:
                raise err(f"\\end{{{v}}} without a matching \\begin{{{v}}}", t, source)
            envs.pop()
            if v.rstrip("*") in ARRAY_ENVS:
                if out and out[-1].kind == "COMMA" and out[-1].value == "\\\\":
                    out.pop()
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
                raise err("arrays with several columns are not supported", t, source)
            continue
        elif k == "char" and v == "~":
            continue
        elif k == "cmd":
            if v == "\\":
                if i < n and toks[i].kind == "char" and toks[i].value == "[":   # \\[2pt]
                    while i < n and not (toks[i].kind == "char" and toks[i].value == "]"):
                        i += 1
                    i += 1
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
            if v in DROPPED:
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
        out.append(t)
    if envs:
        raise err(f"\\begin{{{envs[-1][0]}}} is never closed", envs[-1][1], source)
    return out


# ---------------------------------------------------------------- 4. words

def _group_end(toks, i):
    """toks[i] is '{': index of its matching '}' (or None)."""
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind == "{":
            depth += 1
        elif toks[j].kind == "}":
            depth -= 1
            if depth == 0:
                return j
    return None


def _word_of(toks):
    """The letters of `toks` as one word, or None when they are not all letters."""
    if toks and all(t.kind == "letter" for t in toks):
        return "".join(t.value for t in toks)
    return None


def _name(t, name, accent=None):
    return t.at("NAME", (name, accent))


def _word_token(t, word, font, source):
    """A word written in a font command or \\text: FUNC / SEP / HOLD / NAME / None (letters)."""
    if ops.spelled("word", word):
        return t.at("FUNC", ops.spelled("word", word))
    if word in SEP_WORDS:
        return t.at("SEP", word)
    if word.lower() in HOLD_TEXT:
        return t.at("HOLD", word)
    if font in ("operatorname", "text") or font in NAME_FONTS:
        # a multi-letter word in an upright or italic font is one name (\mathrm{KL},
        # W_{\mathrm{out}}, \mathbb{R}^{\mathrm{eval}}), never a product of letters
        nt = _name(t, word)
        nt.textname = font == "text"
        return nt
    return None


def words(toks: list, source: str) -> list:
    """Raw tokens -> grammar token kinds (plus structural kinds for the splitter)."""
    out: list = []
    braces: list = []          # kinds of open '{': "sub", "sqrt", "free"
    i, n = 0, len(toks)

    while i < n:
        t = toks[i]
        k, v = t.kind, t.value
        i += 1
        if k in ("break", "rowsep", "newline", "QUAD", "SEMISP", "IMPLIES", "ARR_OPEN",
                 "ARR_CLOSE", "COMMA"):
            out.append(t.at(k.upper() if k in ("break", "rowsep", "newline") else k))
            continue
        if k == "letter":
            j = i
            while j < n and toks[j].kind == "letter" and not toks[j].sp:
                j += 1
            word = "".join(x.value for x in toks[i - 1:j])
            in_sub = bool(braces) and braces[-1] == "sub" or (out and out[-1].kind == "SUB")
            if len(word) > 1 and not in_sub:
                if ops.spelled("run", word):
                    out.append(t.at("FUNC", ops.spelled("run", word)))
                    i = j
                    continue
                if word in SEP_WORDS:
                    out.append(t.at("SEP", word))
                    i = j
                    continue
            out.append(_name(t, v))
            continue
        if k == "num":
            out.append(t.at("NUMBER"))
            continue
        if k == "text":
            content = " ".join(v.split())
            low = content.lower().strip()
            if not low:
                continue
            if low in HOLD_TEXT:
                out.append(t.at("HOLD", content))
                continue
            if low.rstrip(":") in SEP_WORDS or not content.replace("_", "").isalnum():
                out.append(t.at("SEP", content))
                continue
            if content.isdigit():
                out.append(t.at("NUMBER", content))
                continue
            tok = _word_token(t, content, "text", source)
            out.append(tok)
            if tok.kind == "NAME" and i < n and toks[i].kind == "char" and toks[i].value == "(":
                # \text{KL}(P||Q): the parenthesised argument list is part of the name
                depth, j, bars = 0, i, False
                while j < n:
                    x = toks[j]
                    if x.kind == "char" and x.value == "(":
                        depth += 1
                    elif x.kind == "char" and x.value == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    elif (x.kind == "char" and x.value == "|") or (x.kind == "cmd" and x.value in ("|", "parallel", "Vert")):
                        bars = True
                    elif x.kind in ("break", "rowsep"):
                        break
                    j += 1
                if bars and j < n and depth == 0:
                    i = j + 1
            continue
        if k == "{":
            kind = "free"
            if out and out[-1].kind == "SUB":
                kind = "sub"
            elif out and out[-1].kind == "FUNC" and out[-1].value == "sqrt":
                kind = "sqrt"
            # {\rm word} / {\tt 1}: a font switch with a word or a 1 inside
            if i < n and toks[i].kind == "cmd" and toks[i].value in FONT_SWITCH:
                end = _group_end(toks, i - 1)
                if end is not None:
                    inner = toks[i + 1:end]
                    font = toks[i].value
                    word = _word_of(inner)
                    if word is not None and len(word) > 1 and font in WORD_FONTS:
                        wt = _word_token(t, word, font, source)
                        if wt is not None:
                            out.append(wt)
                            i = end + 1
                            continue
                    if len(inner) == 1 and inner[0].kind == "num" and inner[0].value == "1" \
                            and font in ONES_FONTS:
                        out.append(inner[0].at("ONES", "1"))
                        i = end + 1
                        continue
            braces.append(kind)
            out.append(t.at("LPAR", "(") if kind == "sqrt" else t.at("LBRACE"))
            continue
        if k == "}":
            kind = braces.pop() if braces else "free"
            out.append(t.at("RPAR", ")") if kind == "sqrt" else t.at("RBRACE"))
            continue
        if k == "param":
            raise err(f"#{v} outside a macro definition", t, source)
        if k == "char":
            if v == ":" and i < n and toks[i].kind == "char" and toks[i].value == "=":
                i += 1
                out.append(t.at("REL", ":="))
                continue
            if v == ":":
                out.append(t.at("COLON", ":"))
                continue
            if v == "|" and i < n and toks[i].kind == "char" and toks[i].value == "|" \
                    and not toks[i].sp:
                i += 1
                out.append(t.at("BAR2", "||"))
                continue
            if v in CHARS:
                kind = CHARS[v]
                out.append(t.at(kind, v))
                continue
            raise err(f"unexpected '{v}'", t, source)
        if k != "cmd":
            raise err(f"unexpected {v!r}", t, source)
        # ---- commands
        if v in GREEK or v in SYMBOL_NAMES:
            out.append(_name(t, v))
            continue
        if ops.spelled("command", v):
            f = ops.spelled("command", v)
            if f == "log" and i < n and toks[i].kind == "cmd" and toks[i].value == "det":
                i += 1
                f = "logdet"
            if f == "sqrt" and i < n and toks[i].kind == "char" and toks[i].value == "[":
                raise err("only square roots are supported (\\sqrt[n]{..} is not)", t, source)
            out.append(t.at("FUNC", f))
            continue
        if v in SIMPLE:
            kind, val = SIMPLE[v]
            out.append(t.at(kind, val))
            continue
        if v in ACCENTS:
            j = i
            target = None
            if j < n and toks[j].kind == "{":
                end = _group_end(toks, j)
                inner = toks[j + 1:end] if end is not None else []
                if len(inner) == 1:
                    target, i = inner[0], end + 1
            elif j < n:
                target, i = toks[j], j + 1
            if target is None or not (target.kind == "letter" or
                                      (target.kind == "cmd" and target.value in GREEK)):
                raise err(f"\\{v} must be put on a single letter", t, source)
            out.append(_name(t, target.value, ACCENTS[v]))
            continue
        if v in ("mathbb", "operatorname", "operatorname*") or v in FONT_ARG:
            if i >= n:
                raise err(f"\\{v} needs an argument", t, source)
            if toks[i].kind == "{":
                end = _group_end(toks, i)
                if end is None:
                    raise err("unclosed '{'", toks[i], source)
                inner, after = toks[i + 1:end], end + 1
            else:
                inner, after = [toks[i]], i + 1
            font = v.rstrip("*")
            word = _word_of(inner)
            if font == "mathbb":
                if word in ("R",):
                    out.append(t.at("REALS", "R"))
                elif word in ("N", "Z"):
                    out.append(t.at("NATS", word))
                elif len(inner) == 3 and inner[0].kind == "letter" and inner[0].value in "NZ" \
                        and inner[1].value == "_" and inner[2].kind == "num":
                    out.append(t.at("NATS", inner[0].value))
                elif len(inner) == 1 and inner[0].kind == "num" and inner[0].value == "1":
                    out.append(t.at("ONES", "1"))
                elif word is not None and len(word) == 1:
                    out.append(_name(inner[0], word))
                else:
                    raise err(f"unsupported set \\mathbb{{{''.join(str(x.value) for x in inner)}}}",
                              t, source)
                i = after
                continue
            if font in ONES_FONTS and len(inner) == 1 and inner[0].kind == "num" \
                    and inner[0].value == "1":
                out.append(inner[0].at("ONES", "1"))
                i = after
                continue
            if font == "operatorname":
                if word is None:
                    raise err("\\operatorname needs a word of letters", t, source)
                out.append(_word_token(t, word, "operatorname", source))
                i = after
                continue
            if word is not None and len(word) > 1 and font in WORD_FONTS:
                wt = _word_token(t, word, font, source)
                if wt is not None:
                    out.append(wt)
                    i = after
                    continue
            continue                     # the font is dropped; its argument is read on
        if v in FONT_SWITCH:
            if i < n and toks[i].kind == "num" and toks[i].value == "1" and v in ONES_FONTS:
                out.append(toks[i].at("ONES", "1"))
                i += 1
            continue
        raise err(f"unknown command \\{v}", t, source)
    return out


def tokenize(text: str) -> list:
    """Text -> semantic token stream (grammar kinds plus BREAK/ROWSEP/NEWLINE/QUAD/SEMISP/
    SEP/IMPLIES/SEMI/PERIOD/BAR1/BAR2/TOPSYM for the statement splitter)."""
    return words(clean(expand(scan(text), text), text), text)
