"""Looking ahead in a raw token list: the groups, arguments and short runs the reading
passes (`layout`, `words`) need to recognise before they consume a token.

Contract: pure functions over a list of `tokens.Tok` and an index; none edits the list or
raises. Each returns an index, a slice of tokens, or None / 0 when what it looks for is
not there.
"""
from __future__ import annotations

from .tokens import FONT_ARG, FONT_SWITCH, GREEK


def raw_arg(toks, i):
    """The argument at toks[i] (after newlines): (its tokens, index after it), or None."""
    while i < len(toks) and toks[i].kind == "newline":
        i += 1
    if i >= len(toks) or toks[i].kind in ("}", "break"):
        return None
    if toks[i].kind == "{":
        end = group_end(toks, i)
        if end is None:
            return None
        return toks[i + 1:end], end + 1
    return [toks[i]], i + 1


def braced(at, inner):
    return [at.at("{", "{")] + list(inner) + [at.at("}", "}")]


def arg_start(toks, i):
    while i < len(toks) and toks[i].kind == "newline":
        i += 1
    return i


def is_char(t, ch):
    return t is not None and t.kind == "char" and t.value == ch


def group_end(toks, i):
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


def word_of(toks):
    """The letters of `toks` as one word, or None when they are not all letters."""
    if toks and all(t.kind == "letter" for t in toks):
        return "".join(t.value for t in toks)
    return None


def lone_bar(toks, j):
    """The '|' before toks[j] is the only bar of its argument list (up to the ')' that
    closes it): a conditioning bar, not one of the two bars of |x|."""
    depth = 0
    for k in range(j, len(toks)):
        x = toks[k]
        if x.kind in ("break", "newline", "rowsep"):
            return False
        if x.kind == "{" or is_char(x, "(") or is_char(x, "["):
            depth += 1
        elif x.kind == "}" or is_char(x, "]"):
            depth -= 1
        elif is_char(x, ")"):
            if depth == 0:
                return True
            depth -= 1
        elif depth == 0 and (is_char(x, "|") or (x.kind == "cmd" and x.value in
                                                  ("vert", "lvert", "rvert", "mid"))):
            return False
    return False


def prime_superscript(toks, j):
    """toks[j-1] is '^': (number of primes, index after) when the superscript is only
    primes (``^{\\prime}``, ``^\\prime``, ``^{'}``, ``^{\\prime\\prime}``), else (0, j)."""
    if j < len(toks) and toks[j].kind == "cmd" and toks[j].value == "prime":
        return 1, j + 1
    if j < len(toks) and toks[j].kind == "{":
        end = group_end(toks, j)
        inner = toks[j + 1:end] if end is not None else []
        if inner and all((x.kind == "cmd" and x.value == "prime") or is_char(x, "'")
                         for x in inner):
            return len(inner), end + 1
    return 0, j


def sigma_limits(toks, j):
    """Does ``\\Sigma`` at toks[j-1] carry sum limits: a subscript group with '=' in it
    (``_{i=0}``) and a superscript, in either order, or ``_i^m`` (one letter each)?"""
    def script(k, ch):
        if k + 1 >= len(toks) or not is_char(toks[k], ch):
            return None
        if toks[k + 1].kind == "{":
            end = group_end(toks, k + 1)
            return (toks[k + 2:end], end + 1) if end is not None else None
        return [toks[k + 1]], k + 2
    for first, second in (("_", "^"), ("^", "_")):
        a = script(j, first)
        b = script(a[1], second) if a is not None else None
        if b is not None:
            lower, upper = (a[0], b[0]) if first == "_" else (b[0], a[0])
            if any(is_char(x, "=") for x in lower):
                return True
            # \Sigma_i^m (as \sum_i^m): one index letter under, one dimension letter over
            # (not ^T); lower refuses it where \Sigma is declared
            if first == "_" and len(lower) == 1 and lower[0].kind == "letter" and \
                    len(upper) == 1 and upper[0].kind == "letter" and upper[0].value != "T":
                return True
    return False


OPERAND_KINDS = {"NAME", "NUMBER", "ONES", "RPAR", "RBRACK", "RBRACE", "RSET", "PRIME"}


def angle_end(toks, j):
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


# letter commands an accent may be put on: the Greek letters and \\ell (\\bar{\\ell}, the
# adjoint matcalc prints for a definition named \\ell)
ACCENTABLE = GREEK | {"ell"}


def accent_target(toks, j):
    """What an accent at toks[j-1] is put on: (the letter or Greek token, the tokens after it
    inside the accent's argument -- a subscript, read on --, index after the argument), or
    None. A font command inside is dropped (``\\hat{\\mathbf{w}}``, ``\\hat{\\textbf{y}}``,
    ``\\hat\\boldsymbol\\mu``); ``\\tilde{y_i}`` and ``\\overrightarrow{x_n}`` give the
    letter and the subscript ``_i``."""
    a = raw_arg(toks, j)
    if a is None:
        return None
    inner, after = a
    inner = list(inner)
    for _ in range(3):                       # \hat{\mathbf{\boldsymbol{w}}} at worst
        if inner and inner[0].kind == "{" and group_end(inner, 0) == len(inner) - 1:
            inner = inner[1:-1]                 # \tilde{{\bf w}}
        if inner and inner[0].kind == "cmd" and (inner[0].value in FONT_ARG or
                                                 inner[0].value in FONT_SWITCH):
            font = inner[0].value
            if font in FONT_SWITCH:
                inner = inner[1:]
                continue
            if len(inner) == 1:              # \hat\mathbf w: the font's argument follows
                fa = raw_arg(toks, after)
                if fa is None:
                    return None
                inner, after = list(fa[0]), fa[1]
                continue
            fa = raw_arg(inner, 1)
            if fa is None:
                return None
            inner = list(fa[0]) + inner[fa[1]:]
    if not inner:
        return None
    first = inner[0]
    if first.kind == "text" and len(first.value.strip()) == 1 and first.value.strip().isalpha():
        first = first.at("letter", first.value.strip())
    if not (first.kind == "letter" or (first.kind == "cmd" and first.value in ACCENTABLE)):
        return None
    rest = inner[1:]
    if rest and not (rest[0].kind == "char" and rest[0].value in "_^'"):
        return None
    return first, rest, after


def _opening(out, j, close, open_):
    """Index of the `open_` token matching the `close` token out[j] (or None)."""
    depth = 0
    for k in range(j, -1, -1):
        if out[k].kind == close:
            depth += 1
        elif out[k].kind == open_:
            depth -= 1
            if depth == 0:
                return k
    return None


def operand_start(out):
    """Where the operand ending the grammar tokens `out` starts -- a name or number with
    its subscripts, superscripts, transposes and primes (``y_i``, ``x^{(2)}``), a
    parenthesised group or a call (``(n-k)``, ``g(x)``), a brace group -- or None. (Read
    before `clauses.canon` braces the argument of ``_``: ``y_i`` is NAME SUB NAME here.)"""
    j = len(out) - 1
    while j >= 0:
        k = out[j].kind
        if k in ("TRANSPOSE", "PRIME", "LAYER"):
            j -= 1
        elif k == "RBRACE":
            o = _opening(out, j, "RBRACE", "LBRACE")
            if o is None:
                return None
            if o > 0 and out[o - 1].kind in ("SUB", "SUP", "HPOW"):
                j = o - 2                       # the base of y_i, x^{2}
            else:
                return o                        # {a + b}
        elif k == "RPAR":
            o = _opening(out, j, "RPAR", "LPAR")
            if o is None:
                return None
            return o - 1 if o > 0 and out[o - 1].kind in ("NAME", "FUNC") else o
        elif k in ("NAME", "NUMBER"):
            if j > 0 and out[j - 1].kind in ("SUB", "SUP"):
                j -= 2                          # y_i before its subscript is braced
            else:
                return j
        else:
            return None
    return None
