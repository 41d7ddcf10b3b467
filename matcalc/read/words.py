"""Passes 3 to 5 of reading, and `tokenize`, which runs all five: LaTeX text -> a flat
stream of semantic tokens for the grammar.

Contract: `tokenize(text) -> list[Tok]`. It never evaluates anything and raises only
`ParseError` (located in the original text). Passes, each a flat loop (no recursion):

1. `scan`      characters -> raw tokens (commands, letters, numbers, braces, punctuation,
               newlines); picks the math regions (``$..$``, ``$$..$$``, ``\\[..\\]``, math
               environments; text without ``$`` is all math), drops ``%`` comments, maps
               pasted Unicode (``α``, ``−``, ``∈``, ``ᵀ`` ...) to LaTeX.
2. `expand`    ``\\def`` / ``\\newcommand`` / ``\\renewcommand`` macros, bounded. Tokens from
               a macro body carry the span of the macro call; arguments keep their own.
3. `layout`    TeX layout read for what it shows: ``{a \\over b}``, ``\\underset``/``\\overset``
               /``\\underbrace`` (their base; ``\\underset{i}{\\sum}`` is ``\\sum_{i}``), colour
               commands (dropped), the physics package's ``\\qty(..)``, ``\\abs``, ``\\norm``.
4. `clean`     environments and ``\\eqalign{}`` (row breaks, ``\\\\`` and ``\\cr``), ``&``,
               ``\\left`` / ``\\big`` sizing, spacing commands, ``\\implies``, ``{\\rm I\\!R}``.
5. `words`     names, Greek letters, fonts, accents (also over a font command or a
               subscripted name), ``\\text{..}`` (``\\textbf{Ax - b}`` is math), function words
               (``\\log``, ``sigm``, ``{\\rm Trace}``), operators -> grammar token kinds;
               ``<a, b>`` and ``\\langle a, b \\rangle`` (the inner product), a conditioning
               bar among a function's arguments, ``\\Sigma_{i=0}^{n}`` as a sum sign,
               ``x^{\\prime}``; integrals, factorials, indicators ``1\\{..\\}``, sums over sets,
               MATLAB ``.*`` and ``v.u`` refused by name.

Every token keeps (line, col, end_line, end_col) of the original text, 1-based, end
exclusive. The statement splitter (`matcalc.parse`) takes the stream from here.
"""
from __future__ import annotations

from .. import ops
from ..errors import ParseError
from .macros import expand
from .scan import scan
from .tokens import (ACCENTS, ARRAY_ENVS, CHARS, COLOR_COMMANDS, DROPPED, DROPPED_WITH_ARG, FONT_ARG,
                     FONT_SWITCH, GREEK, HOLD_TEXT, IMPLIES, INTEGRALS, MATH_ENVS, NAME_FONTS,
                     ONES_FONTS, SEP_WORDS, SIMPLE, SIZING, SYMBOL_NAMES, WORD_FONTS, err)


# ---------------------------------------------------------------- 3. layout

def _raw_arg(toks, i):
    """The argument at toks[i] (after newlines): (its tokens, index after it), or None."""
    while i < len(toks) and toks[i].kind == "newline":
        i += 1
    if i >= len(toks) or toks[i].kind in ("}", "break"):
        return None
    if toks[i].kind == "{":
        end = _group_end(toks, i)
        if end is None:
            return None
        return toks[i + 1:end], end + 1
    return [toks[i]], i + 1


def _braced(at, inner):
    return [at.at("{", "{")] + list(inner) + [at.at("}", "}")]


def _arg_start(toks, i):
    while i < len(toks) and toks[i].kind == "newline":
        i += 1
    return i


def _is_char(t, ch):
    return t is not None and t.kind == "char" and t.value == ch


def layout(toks: list, source: str) -> list:
    """TeX layout commands read for what they show: ``{a \\over b}`` is ``\\frac{a}{b}``;
    ``\\underset{i}{\\sum}`` is ``\\sum_{i}`` and ``\\underset{..}{x}``, ``\\overset``,
    ``\\stackrel``, ``\\underbrace{x}_{..}``, ``\\overbrace`` keep their base; colour
    commands are dropped with their arguments (``\\textcolor{c}{x}`` keeps x); the physics
    package's ``\\qty(..)``, ``\\abs{..}``, ``\\norm{..}`` are brackets and bars."""
    toks = list(toks)         # edited in place (slice assignment: no quadratic copying)
    out: list = []
    opens: list = []          # per open '{' in out: [index in out, index of \over or None]
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        i += 1
        k, v = t.kind, t.value
        if k == "{":
            opens.append([len(out), None])
            out.append(t)
            continue
        if k == "}":
            if opens:
                start, over = opens.pop()
                if over is not None:
                    num, den = out[start + 1:over], out[over + 1:]
                    frac = out[over].at("cmd", "frac")
                    del out[start + 1:]
                    out += [frac] + _braced(out[start], num) + _braced(t, den)
            out.append(t)
            continue
        if k == "break":
            opens.clear()
        if k != "cmd":
            out.append(t)
            continue
        if v in ("over", "atop", "choose", "above"):
            if v != "over":
                raise err(f"\\{v} is not supported", t, source)
            if not opens:
                raise err("\\over outside braces: write {a \\over b} or \\frac{a}{b}", t, source)
            if opens[-1][1] is not None:
                raise err("two \\over in one group", t, source)
            opens[-1][1] = len(out)
            out.append(t)
            continue
        if v in ("underset", "overset", "stackrel"):
            a = _raw_arg(toks, i)
            b = _raw_arg(toks, a[1]) if a is not None else None
            if b is None:
                raise err(f"\\{v} needs two arguments in braces", t, source)
            (mark, _), (base, after) = a, b
            if len(base) == 1 and base[0].kind == "cmd" and base[0].value in ("sum", "prod") \
                    and v != "stackrel":
                # \underset{i}{\sum}: the sum over i, its index set written under it
                script = "_" if v == "underset" else "^"
                toks[after:after] = [t.at("char", script)] + _braced(t, mark)
                n = len(toks)
                out.append(base[0])
                i = after
                continue
            i = _arg_start(toks, a[1])          # the base, read on where it stands
            continue
        if v in ("underbrace", "overbrace"):
            a = _raw_arg(toks, i)
            if a is None:
                raise err(f"\\{v} needs an argument in braces", t, source)
            start, after = _arg_start(toks, i), a[1]
            if after < n and _is_char(toks[after], "_" if v == "underbrace" else "^"):
                note = _raw_arg(toks, after + 1)
                if note is not None:
                    del toks[after:note[1]]   # the annotation under the brace is dropped
                    n = len(toks)
            i = start
            continue
        if v in COLOR_COMMANDS:
            drop, keep = COLOR_COMMANDS[v]
            for _ in range(drop):
                a = _raw_arg(toks, i)
                if a is None:
                    raise err(f"\\{v} is missing an argument", t, source)
                i = a[1]
            if keep and _raw_arg(toks, i) is None:
                raise err(f"\\{v} is missing an argument", t, source)
            continue                            # the kept argument is read where it stands
        if v == "qty":
            nxt = toks[i] if i < n else None
            if nxt is not None and (nxt.kind == "char" and nxt.value in "([|"
                                    or nxt.kind == "cmd" and nxt.value == "|"):
                out.append(t.at("cmd", "left"))
                continue
            raise err("\\qty is read only before '(', '[' or '|' (physics-package "
                      "brackets); write \\left( ... \\right)", t, source)
        if v in ("abs", "norm") and i < n and toks[i].kind == "{":
            a = _raw_arg(toks, i)
            if a is not None:
                kind = "char" if v == "abs" else "cmd"
                close = a[1] - 1                 # the argument's '}'
                toks[close:close + 1] = [t.at("cmd", "right"), t.at(kind, "|")]
                toks[i:i + 1] = [t.at("cmd", "left"), t.at(kind, "|")]
                n = len(toks)
                continue
        out.append(t)
    return out


# ---------------------------------------------------------------- 4. clean

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
            if v in ("\\", "cr", "crcr"):
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
            if v == "!" and out and out[-1].kind == "letter" and out[-1].value == "I" and \
                    i < n and toks[i].kind == "letter" and toks[i].value == "R":
                out[-1] = out[-1].at("cmd", "R")        # {\rm I\!R}: the reals
                i += 1
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


# ---------------------------------------------------------------- 5. words

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


def _lone_bar(toks, j):
    """The '|' before toks[j] is the only bar of its argument list (up to the ')' that
    closes it): a conditioning bar, not one of the two bars of |x|."""
    depth = 0
    for k in range(j, len(toks)):
        x = toks[k]
        if x.kind in ("break", "newline", "rowsep"):
            return False
        if x.kind == "{" or _is_char(x, "(") or _is_char(x, "["):
            depth += 1
        elif x.kind == "}" or _is_char(x, "]"):
            depth -= 1
        elif _is_char(x, ")"):
            if depth == 0:
                return True
            depth -= 1
        elif depth == 0 and (_is_char(x, "|") or (x.kind == "cmd" and x.value in
                                                  ("vert", "lvert", "rvert", "mid"))):
            return False
    return False


def _prime_superscript(toks, j):
    """toks[j-1] is '^': (number of primes, index after) when the superscript is only
    primes (``^{\\prime}``, ``^\\prime``, ``^{'}``, ``^{\\prime\\prime}``), else (0, j)."""
    if j < len(toks) and toks[j].kind == "cmd" and toks[j].value == "prime":
        return 1, j + 1
    if j < len(toks) and toks[j].kind == "{":
        end = _group_end(toks, j)
        inner = toks[j + 1:end] if end is not None else []
        if inner and all((x.kind == "cmd" and x.value == "prime") or _is_char(x, "'")
                         for x in inner):
            return len(inner), end + 1
    return 0, j


def _sigma_limits(toks, j):
    """Does ``\\Sigma`` at toks[j-1] carry sum limits: a subscript group with '=' in it
    (``_{i=0}``) and a superscript, in either order?"""
    def script(k, ch):
        if k + 1 >= len(toks) or not _is_char(toks[k], ch):
            return None
        if toks[k + 1].kind == "{":
            end = _group_end(toks, k + 1)
            return (toks[k + 2:end], end + 1) if end is not None else None
        return [toks[k + 1]], k + 2
    for first, second in (("_", "^"), ("^", "_")):
        a = script(j, first)
        b = script(a[1], second) if a is not None else None
        if b is not None:
            lower = a[0] if first == "_" else b[0]
            if any(_is_char(x, "=") for x in lower):
                return True
    return False


OPERAND_KINDS = {"NAME", "NUMBER", "ONES", "RPAR", "RBRACK", "RBRACE", "RSET", "PRIME"}


def _angle_end(toks, j):
    """The '<' before toks[j] opens ``<a, b>``: the index of its '>' -- the first one at
    the same bracket depth, on the same row, with exactly one comma between at that depth
    and no relation -- or None."""
    depth, commas = 0, 0
    for k in range(j, len(toks)):
        x = toks[k]
        if x.kind in ("break", "newline", "rowsep"):
            return None
        if x.kind == "{" or (x.kind == "char" and x.value in "(["):
            depth += 1
        elif x.kind == "}" or (x.kind == "char" and x.value in ")]"):
            depth -= 1
            if depth < 0:
                return None
        elif x.kind == "char" and x.value in "<=&;":
            return None
        elif depth == 0 and x.kind == "char" and x.value == ",":
            commas += 1
        elif depth == 0 and x.kind == "char" and x.value == ">":
            return k if commas == 1 and k > j else None
    return None


def _accent_target(toks, j):
    """What an accent at toks[j-1] is put on: (the letter or Greek token, the tokens after it
    inside the accent's argument -- a subscript, read on --, index after the argument), or
    None. A font command inside is dropped (``\\hat{\\mathbf{w}}``, ``\\hat{\\textbf{y}}``,
    ``\\hat\\boldsymbol\\mu``); ``\\tilde{y_i}`` and ``\\overrightarrow{x_n}`` give the
    letter and the subscript ``_i``."""
    a = _raw_arg(toks, j)
    if a is None:
        return None
    inner, after = a
    inner = list(inner)
    for _ in range(3):                       # \hat{\mathbf{\boldsymbol{w}}} at worst
        if inner and inner[0].kind == "{" and _group_end(inner, 0) == len(inner) - 1:
            inner = inner[1:-1]                 # \tilde{{\bf w}}
        if inner and inner[0].kind == "cmd" and (inner[0].value in FONT_ARG or
                                                 inner[0].value in FONT_SWITCH):
            font = inner[0].value
            if font in FONT_SWITCH:
                inner = inner[1:]
                continue
            if len(inner) == 1:              # \hat\mathbf w: the font's argument follows
                fa = _raw_arg(toks, after)
                if fa is None:
                    return None
                inner, after = list(fa[0]), fa[1]
                continue
            fa = _raw_arg(inner, 1)
            if fa is None:
                return None
            inner = list(fa[0]) + inner[fa[1]:]
    if not inner:
        return None
    first = inner[0]
    if first.kind == "text" and len(first.value.strip()) == 1 and first.value.strip().isalpha():
        first = first.at("letter", first.value.strip())
    if not (first.kind == "letter" or (first.kind == "cmd" and first.value in GREEK)):
        return None
    rest = inner[1:]
    if rest and not (rest[0].kind == "char" and rest[0].value in "_^'"):
        return None
    return first, rest, after


def words(toks: list, source: str) -> list:
    """Raw tokens -> grammar token kinds (plus structural kinds for the splitter)."""
    toks = list(toks)          # edited in place by `splice`
    out: list = []
    braces: list = []          # kinds of open '{': "sub", "sqrt", "free"
    closers: list = []         # indices of the '>' closing an open '<a, b>'
    parens: list = []          # open '(': "args" after a name (an argument list), else "group"
    i, n = 0, len(toks)

    def splice(a, b, new):
        """toks[a:b] = new, keeping the '>' positions in `closers` right."""
        toks[a:b] = new
        shift = len(new) - (b - a)
        closers[:] = [c + shift if c >= b else c for c in closers]
        return len(toks)

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
            inner = _font_math(t, source)
            if inner is not None:
                # \textbf{Ax - b}: a bold font around an expression, read as math
                n = splice(i, i, inner)
                continue
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
            if v == "^":
                primes, after = _prime_superscript(toks, i)
                if primes:
                    # x^{\prime}, x^\prime, v^{'}: primes written as a superscript
                    out += [t.at("PRIME", "'") for _ in range(primes)]
                    i = after
                    continue
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
            if v == "." and i < n and not toks[i].sp:
                nxt = toks[i]
                if nxt.kind == "char" and nxt.value in "*/^":
                    raise err(f"MATLAB's elementwise .{nxt.value} is not LaTeX: write "
                              + {"*": "\\odot", "/": "\\oslash", "^": "X^{\\circ p}"}[nxt.value],
                              t, source)
                if out and out[-1].kind in OPERAND_KINDS and nxt.kind in ("letter", "cmd"):
                    raise err("a period between two factors (v.u) is not read as a product: "
                              "write v^T u, v \\cdot u or \\langle v, u \\rangle", t, source)
            if v == "|" and parens and parens[-1][0] == "args":
                if not parens[-1][1] and _lone_bar(toks, i):
                    # p(X | \mu, \Sigma): a conditioning bar among a function's arguments
                    out.append(t.at("COMMA", ","))
                    continue
                parens[-1][1] = True                  # g(|a| + b): the bars of |a|
            if v == "(":
                parens.append(["args" if out and out[-1].kind in ("NAME", "RBRACE") and
                               not t.sp else "group", False])
            elif v == ")" and parens:
                parens.pop()
            if v in CHARS:
                kind = CHARS[v]
                out.append(t.at(kind, v))
                continue
            if v == "<":
                end = _angle_end(toks, i)
                prev = out[-1].kind if out else None
                after = toks[end + 1] if end is not None and end + 1 < n else None
                if end is not None and prev not in OPERAND_KINDS and not (
                        after is not None and not after.sp and after.kind in ("letter", "num")):
                    # <Ax, x>: the inner product, as \langle Ax, x \rangle
                    out.append(t.at("LPAR", "langle"))
                    closers.append(end)
                    continue
                raise err("'<' is read only as an inner product <a, b> (one comma, nothing "
                          "glued on either side); comparisons are not supported", t, source)
            if v == ">" and closers and closers[-1] == i - 1:
                closers.pop()
                out.append(t.at("RPAR", "rangle"))
                continue
            if v == "!":
                raise err("a factorial (!) is not supported", t, source)
            raise err(f"unexpected '{v}'", t, source)
        if k != "cmd":
            raise err(f"unexpected {v!r}", t, source)
        # ---- commands
        if v in ("Sigma", "Pi") and _sigma_limits(toks, i):
            # \Sigma_{i=0}^n x_i: a capital sigma with limits on both sides and an index
            # range under it is a summation sign (lower checks that Sigma is not declared)
            out.append(t.at("BIG", ("sum" if v == "Sigma" else "prod") + "|" + v))
            continue
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
        if v in ("sum", "prod") and i + 1 < n and _is_char(toks[i], "_") and toks[i + 1].kind == "{":
            end = _group_end(toks, i + 1)
            under = toks[i + 2:end] if end is not None else []
            if any(x.kind == "cmd" and x.value in ("in", "notin", "subset", "subseteq")
                   for x in under):
                raise err(f"a {v} over a set (\\{v}_{{j \\in C}}) is not supported: write the "
                          f"index range, e.g. \\{v}_{{j=1}}^{{n}}, with a 0/1 mask for the "
                          f"members", t, source)
        if v in SIMPLE:
            kind, val = SIMPLE[v]
            if kind == "LSET" and out and out[-1].kind in ("NUMBER", "ONES") and \
                    out[-1].value == "1" and not t.sp:
                raise err("an indicator 1\\{...\\} is not supported: write the 0/1 labels as "
                          "a declared array (y \\in \\{0,1\\}^{n})", out[-1], source)
            nt = t.at(kind, val)
            if v in ("lVert", "lvert"):
                nt.lr = "left"
            elif v in ("rVert", "rvert"):
                nt.lr = "right"
            out.append(nt)
            continue
        if v == "mid":
            if parens and parens[-1][0] == "args":
                out.append(t.at("COMMA", ","))      # p(y \mid X, \theta)
                continue
            raise err("\\mid is read only as the conditioning bar among a function's "
                      "arguments, p(y \\mid x)", t, source)
        if v in INTEGRALS:
            raise err(f"an integral (\\{v}) is not supported: matcalc differentiates sums and "
                      f"products, not integrals", t, source)
        if v in ACCENTS:
            got = _accent_target(toks, i)
            if got is None:
                raise err(f"\\{v} must be put on a single letter (or a letter with a "
                          f"subscript, \\{v}{{x_i}})", t, source)
            target, rest, after = got
            out.append(_name(t, target.value, ACCENTS[v]))
            # \tilde{y_i}, \overrightarrow{x_n}: the subscript under the accent is read on
            if rest or after != i:
                n = splice(i, after, rest)
            continue
        if v in ("mathbb", "Bbb", "operatorname", "operatorname*") or v in FONT_ARG:
            if i >= n:
                raise err(f"\\{v} needs an argument", t, source)
            if toks[i].kind == "{":
                end = _group_end(toks, i)
                if end is None:
                    raise err("unclosed '{'", toks[i], source)
                inner, after = toks[i + 1:end], end + 1
            else:
                inner, after = [toks[i]], i + 1
            font = "mathbb" if v == "Bbb" else v.rstrip("*")
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
    return words(clean(layout(expand(scan(text), text), text), text), text)
