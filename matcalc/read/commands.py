"""Pass 5 of reading, its commands: one backslash command -> grammar tokens.

Contract: `command(w, t)` reads the command token `t` (its name in `t.value`) at the
position of the `words.WordPass` `w` (the token after it is `w.toks[w.i]`), appends to
`w.out` and may consume the command's arguments (advancing `w.i`). Raises only a located
`ParseError` naming the command. `COMMAND_ROWS` is the order the readings are tried in:
each row returns True when it read the command; an unknown command is refused by name.
"""
from __future__ import annotations

from .. import ops
from . import sumdomain
from .ahead import accent_target, group_end, is_char, raw_arg, sigma_limits, word_of
from .emptyscripts import empty_script
from .tokens import (ACCENTS, COMMAND_PAIRS, FONT_ARG, FONT_SWITCH, GREEK, HOLD_TEXT,
                     INTEGRALS, NAME_FONTS, NO_OPTIONAL_ARGUMENT, ONES_FONTS, SEP_WORDS,
                     SIMPLE, SYMBOL_NAMES, WORD_FONTS, err)

SET_RELATIONS = ("notin", "subset", "subseteq", "subsetneq")


def name_token(t, name, accent=None):
    return t.at("NAME", (name, accent))


def word_token(t, word, font, source):
    """A word written in a font command or \\text: FUNC / SEP / HOLD / NAME / None (letters)."""
    if ops.spelled("word", word):
        return t.at("FUNC", ops.spelled("word", word))
    if font == "operatorname" and ops.spelled("operator_word", word):
        return t.at("FUNC", ops.spelled("operator_word", word))
    if word in SEP_WORDS:
        return t.at("SEP", word)
    if word.lower() in HOLD_TEXT:
        return t.at("HOLD", word)
    if font in ("operatorname", "text") or font in NAME_FONTS:
        # a multi-letter word in an upright or italic font is one name (\mathrm{KL},
        # W_{\mathrm{out}}, \mathbb{R}^{\mathrm{eval}}), never a product of letters
        nt = name_token(t, word)
        nt.textname = font == "text"
        return nt
    return None


def _sum_sign(w, t, v):
    """\\Sigma_{i=0}^n x_i: a capital sigma with limits on both sides and an index range
    under it is a summation sign (lower checks that Sigma is not declared)."""
    if v in ("Sigma", "Pi") and sigma_limits(w.toks, w.i):
        w.out.append(t.at("BIG", ("sum" if v == "Sigma" else "prod") + "|" + v))
        return True
    return False


def _letter_name(w, t, v):
    if v in GREEK or v in SYMBOL_NAMES:
        w.out.append(name_token(t, v))
        return True
    return False


def _function(w, t, v):
    """A function command (``\\exp``), or two that spell one op (``\\log\\det``)."""
    f = ops.spelled("command", v)
    if not f:
        return False
    if w.peek("cmd") and (f, w.toks[w.i].value) in COMMAND_PAIRS:
        f = COMMAND_PAIRS[(f, w.toks[w.i].value)]
        w.i += 1
    if f in NO_OPTIONAL_ARGUMENT and w.peek("char", "["):
        raise err(NO_OPTIONAL_ARGUMENT[f], t, w.source)
    w.out.append(t.at("FUNC", f))
    return True


# \sum_{j \in C_i} / \sum_{j \ne i}: the subscript is rewritten as \sum_{j}<mark>{C_i}, a
# superscript whose SUP token has the value "in" / "ne" (build.lim_sub_sup reads it): the
# grammar's limits rule then carries the set or the excluded value
SET_MARKS = {"in": "\x00in", "ne": "\x00ne", "neq": "\x00ne"}


def _top_level(under, values):
    """Index of the first token of `under` at brace/parenthesis depth 0 that is a command
    in `values`, or None."""
    depth = 0
    for k, x in enumerate(under):
        if x.kind == "{" or (x.kind == "char" and x.value in "(["):
            depth += 1
        elif x.kind == "}" or (x.kind == "char" and x.value in ")]"):
            depth -= 1
        elif depth == 0 and x.kind == "cmd" and x.value in values:
            return k
    return None


def _literal_range(right):
    """(lo tokens, hi tokens) of a set written ``\\{lo, \\dots, hi\\}``, else None."""
    if len(right) < 2 or not (right[0].kind == "cmd" and right[0].value in ("{", "lbrace")
                              and right[-1].kind == "cmd" and right[-1].value in ("}", "rbrace")):
        return None
    items = _split_commas(right[1:-1])
    if len(items) != 3 or not (len(items[1]) == 1 and items[1][0].kind == "cmd" and
                               items[1][0].value in DOTS_COMMANDS) or not items[0] or not items[2]:
        return None
    return items[0], items[2]


def _sum_over_set(w, t, v):
    """\\sum_{j \\in C_i}, \\sum_{(i,j) \\in \\Omega}, \\sum_{i,j \\in S}, \\sum_{j \\ne i}:
    the subscript is rewritten (see SET_MARKS) and read by the grammar; what a set is,
    lower decides (`lower/setsums.py`). \\notin, \\subset and a bound beside a set are
    refused. The sign itself is appended by `_simple`."""
    toks, i = w.toks, w.i
    kind = sumdomain.sign_kind(v)
    if not (kind and i + 1 < w.n and is_char(toks[i], "_") and toks[i + 1].kind == "{"):
        return False
    if v in ("sum", "prod"):
        # several bindings, an integer interval, a literal set (read/sumdomain.py): one
        # sign per binding, this one the first
        sumdomain.rewrite(w, t, kind)
        toks = w.toks
    v = kind
    end = group_end(toks, i + 1)
    under = toks[i + 2:end] if end is not None else []
    rel = _index_comparison(under)
    if rel is not None:
        # \sum_{i<j}: the comparison becomes a REL token the grammar's index rule takes
        w.splice(i + 3, i + 4, [under[1].at("cmd", INDEX_COMPARISONS[rel])])
        return False
    bad = [x for x in under if x.kind == "cmd" and x.value in SET_RELATIONS]
    if bad:
        raise err(f"a {v} over \\{bad[0].value} is not supported: write the set as "
                  f"\\{v}_{{j \\in C}} (C read as a 0/1 mask), or the index range, "
                  f"e.g. \\{v}_{{j=1}}^{{n}}", bad[0], w.source)
    k = _top_level(under, SET_MARKS)
    if k is None:
        return False
    rel = under[k]
    left, right = under[:k], under[k + 1:]
    if len(left) > 2 and is_char(left[0], "(") and is_char(left[-1], ")"):
        left = left[1:-1]                        # (i,j) \in \Omega
    if not left or not right:
        raise err(f"\\{rel.value} in the subscript of \\{v} needs an index before it and a "
                  f"set or value after it", rel, w.source)
    if empty_script(toks, end + 1):              # \sum_{l \in R}^{}: no bound
        w.splice(end + 1, end + 4, [])
        toks = w.toks
    if end + 1 < w.n and is_char(toks[end + 1], "^"):
        raise err(f"a bound beside \\{rel.value} under \\{v} is not supported: write the set "
                  f"or the bound, not both", toks[end + 1], w.source)
    rng = _literal_range(right) if rel.value == "in" and len(left) == 1 else None
    if rng is not None:                          # \sum_{k \in \{1, \dots, K\}}: k = 1..K
        lo, hi = rng
        new = [toks[i], toks[i + 1], *left, rel.at("char", "="), *lo, toks[end],
               rel.at("char", "^"), rel.at("{", "{"), *hi, rel.at("}", "}")]
        w.splice(i, end + 1, new)
        return False
    new = [toks[i], toks[i + 1], *left, toks[end], rel.at("cmd", SET_MARKS[rel.value]),
           rel.at("{", "{"), *right, rel.at("}", "}")]
    w.splice(i, end + 1, new)
    return False


# \sum_{i<j}, \sum_{i \le j}, ... : a comparison between two index letters under a sum sign.
# The internal command names hold '<' / '>', which no command written in a text can.
INDEX_COMPARISONS = {"<": "<", "lt": "<", ">": ">", "gt": ">", "le": "<=", "leq": "<=",
                     "leqslant": "<=", "ge": ">=", "geq": ">=", "geqslant": ">="}


def _index_comparison(under):
    """The relation of ``i < j`` (two single letters and a comparison), or None."""
    if len(under) != 3 or under[0].kind != "letter" or under[2].kind != "letter":
        return None
    r = under[1]
    if (r.kind == "char" and r.value in "<>") or (r.kind == "cmd" and r.value in
                                                  INDEX_COMPARISONS and r.value not in "<>"):
        return r.value
    return None


def _marked_sum(w, t, v):
    """A sign `sumdomain.rewrite` wrote (or re-marked): the BIG token with its flags."""
    kind = sumdomain.sign_kind(v)
    if kind is None or v == kind:
        return False
    w.out.append(t.at("BIG", kind + "|" + sumdomain.FLAGS + v.split(sumdomain.FLAGS, 1)[1]))
    return True


def _index_relation(w, t, v):
    """The REL token of a comparison under a sum sign (marked by `_sum_over_set`)."""
    if v in ("<", ">", "<=", ">="):
        w.out.append(t.at("REL", v))
        return True


def _set_mark(w, t, v):
    """The mark `_sum_over_set` wrote: a SUP token whose value says what follows."""
    if v in SET_MARKS.values():
        w.out.append(t.at("SUP", v[1:]))
        return True
    if v == "\x00iverson":                     # `_iverson`'s call
        w.out.append(t.at("FUNC", "indicator"))
        return True
    return False


DOTS_COMMANDS = ("dots", "ldots", "cdots")


def _split_commas(toks):
    """toks split at the commas outside braces."""
    items, cur, depth = [], [], 0
    for x in toks:
        depth += (x.kind == "{") - (x.kind == "}")
        if depth == 0 and is_char(x, ","):
            items.append(cur)
            cur = []
        else:
            cur.append(x)
    return items + [cur]


def _member(item):
    """(base tokens, index tokens) of ``x_{1}`` / ``x_n`` (index braces dropped), or None."""
    k = next((j for j, x in enumerate(item) if is_char(x, "_")), None)
    if not k or k + 1 >= len(item):
        return None
    base, index = item[:k], item[k + 1:]
    if index[0].kind == "{" and index[-1].kind == "}":
        index = index[1:-1]
    return (base, index) if index and all(x.kind in ("letter", "num", "cmd") for x in base) \
        else None


def _space_end(toks, k):
    """toks[k:] starts a space (\\mathbb{R}^{D}, \\mathbb R^D, R^D): the index past it."""
    if k < len(toks) and toks[k].kind == "cmd" and toks[k].value in ("mathbb", "Bbb"):
        k += 1
        k = (group_end(toks, k) + 1) if k < len(toks) and toks[k].kind == "{" and \
            group_end(toks, k) is not None else k + 1
    elif k < len(toks) and toks[k].kind == "letter" and toks[k].value == "R":
        k += 1
    else:
        return None
    if k + 1 < len(toks) and is_char(toks[k], "^"):
        k += 1
        k = (group_end(toks, k) + 1) if toks[k].kind == "{" and \
            group_end(toks, k) is not None else k + 1
    return k


def _set_of_vectors(w, t, v):
    """``\\{x_{1}, ..., x_n\\} \\in \\mathbb{R}^{D}``: a set of vectors declared is the
    family ``x_i \\in \\mathbb{R}^{D}, i = 1, \\dots, n`` (the tokens are rewritten so;
    the family's index is named i)."""
    if v != "{":
        return False
    toks, i = w.toks, w.i
    depth, end = 1, None
    for k in range(i, w.n):
        if toks[k].kind == "cmd" and toks[k].value in ("{", "lbrace"):
            depth += 1
        elif toks[k].kind == "cmd" and toks[k].value in ("}", "rbrace"):
            depth -= 1
            if depth == 0:
                end = k
                break
    if end is None or end + 1 >= w.n or not (toks[end + 1].kind == "cmd" and
                                             toks[end + 1].value == "in"):
        return False
    items = _split_commas(toks[i:end])
    if len(items) != 3 or not (len(items[1]) == 1 and items[1][0].kind == "cmd" and
                               items[1][0].value in DOTS_COMMANDS):
        return False
    first, last = _member(items[0]), _member(items[2])
    if first is None or last is None or \
            [(x.kind, x.value) for x in first[0]] != [(x.kind, x.value) for x in last[0]]:
        return False
    stop = _space_end(toks, end + 2)
    if stop is None:
        return False
    at = toks[end]
    idx = at.at("letter", "i")
    new = [*first[0], at.at("char", "_"), at.at("{", "{"), idx, at.at("}", "}"),
           *toks[end + 1:stop], at.at("char", ","), idx, at.at("char", "="), *first[1],
           at.at("char", ","), at.at("cmd", "dots"), at.at("char", ","), *last[1]]
    w.splice(i - 1, stop, new)
    w.i = i - 1
    return True


# the brackets of an Iverson bracket after a 1: 1\\{y_n=k\\}, and 1(y^{(i)}=j) (UFLDL's
# notation glued to the 1): (kind of the token, opening values, closing values)
IVERSON_BRACKETS = {"brace": ("cmd", ("{", "lbrace"), ("}", "rbrace")),
                    "paren": ("char", ("(",), (")",))}


def _iverson(w, t, bracket="brace") -> bool:
    """``1\\{y_n=k\\}`` (or ``1(y_n=k)``, `bracket` "paren"): the 1 already read is dropped
    and the bracket rewritten as a call ``indicator(y_n, k)`` (`ops/indicator.py`); False
    unless the bracket holds one '=' at its top level."""
    kind, opens, closes = IVERSON_BRACKETS[bracket]
    toks, depth, eq, end = w.toks, 1, None, None
    for k in range(w.i, w.n):
        x = toks[k]
        if x.kind == kind and x.value in opens:
            depth += 1
        elif x.kind == kind and x.value in closes:
            depth -= 1
            if depth == 0:
                end = k
                break
        elif depth == 1 and is_char(x, "="):
            if eq is not None:
                return False
            eq = k
    if end is None or eq is None or eq == w.i or end == eq + 1:
        return False
    w.out.pop()
    w.splice(w.i - 1, end + 1, [t.at("cmd", "\x00iverson"), t.at("char", "("),
                                *toks[w.i:eq], toks[eq].at("char", ","), *toks[eq + 1:end],
                                toks[end].at("char", ")")])
    w.i -= 1
    return True


_COMPARISON_RAW = {("char", "<"), ("char", ">"), ("cmd", "le"), ("cmd", "leq"), ("cmd", "ge"),
                   ("cmd", "geq"), ("cmd", "lt"), ("cmd", "gt"), ("cmd", "leqslant"),
                   ("cmd", "geqslant")}


def _compares(w) -> bool:
    """Does the bracket ``\\{ ... \\}`` after a 1 hold a comparison at its own level
    (``1\\{x < c\\}``: read by read/comparisons.py as the step function)?"""
    depth = 1
    for k in range(w.i, w.n):
        x = w.toks[k]
        if x.kind == "cmd" and x.value in ("{", "lbrace"):
            depth += 1
        elif x.kind == "cmd" and x.value in ("}", "rbrace"):
            depth -= 1
            if depth == 0:
                return False
        elif depth == 1 and (x.kind, x.value) in _COMPARISON_RAW:
            return True
    return False


def _simple(w, t, v):
    if v not in SIMPLE:
        return False
    out = w.out
    kind, val = SIMPLE[v]
    if kind == "LSET" and out and out[-1].kind in ("NUMBER", "ONES") and \
            out[-1].value == "1" and not t.sp:
        if _iverson(w, t):
            return True
        if not _compares(w):
            raise err("an indicator 1\\{...\\} is not supported: write the 0/1 labels as "
                      "a declared array (y \\in \\{0,1\\}^{n})", out[-1], w.source)
    nt = t.at(kind, val)
    if v in ("lVert", "lvert"):
        nt.lr = "left"
    elif v in ("rVert", "rvert"):
        nt.lr = "right"
    out.append(nt)
    return True


def _mid(w, t, v):
    if v != "mid":
        return False
    if w.parens and w.parens[-1][0] == "args":
        w.out.append(t.at("COMMA", ","))      # p(y \mid X, \theta)
        return True
    raise err("\\mid is read only as the conditioning bar among a function's "
              "arguments, p(y \\mid x)", t, w.source)


def _integral(w, t, v):
    if v in INTEGRALS:
        raise err(f"an integral (\\{v}) is not supported: matcalc differentiates sums and "
                  f"products, not integrals", t, w.source)
    return False


def _accent(w, t, v):
    if v not in ACCENTS:
        return False
    if v in ("vec", "overrightarrow") and _ones_argument(w):
        return True                             # \vec{1}: the ones vector
    got = accent_target(w.toks, w.i)
    inner = None if got is not None else _stacked(w.toks, w.i, ACCENTS[v] == "bar")
    if got is None and inner is None:
        raise err(f"\\{v} must be put on a single letter (or a letter with a "
                  f"subscript, \\{v}{{x_i}})", t, w.source)
    if inner is not None:
        # \overline{\hat{y}}, \hat{\bar{x}}: an accent over an accented letter is one
        # name, y with the accents innermost first (hat_bar) -- matcalc's name for the
        # adjoint of \hat y, \overline{\bar{x}} for that of \bar x, and a name people write
        (target, rest, _), accent, after = inner
        accent = accent + "_" + ACCENTS[v] if accent else ACCENTS[v]
    else:
        (target, rest, after), accent = got, ACCENTS[v]
    w.out.append(name_token(t, target.value, accent))
    # \tilde{y_i}, \overrightarrow{x_n}: the subscript under the accent is read on
    if rest or after != w.i:
        w.splice(w.i, after, rest)
    return True


MAX_STACKED = 4     # accents over one letter at most (\overline{\overline{\bar{x}}}: three)


def _stacked(toks, i, words=False, depth=1):
    """((letter, rest, _), inner accents innermost first, index after) of an accent's
    argument at toks[i] that is itself an accented letter (``\\hat{y}`` in
    ``\\overline{\\hat{y}}``, ``\\overline{\\bar{x}}`` in ``\\overline{\\overline{\\bar{x}}}``),
    with `words` also a word's name (``\\mathrm{out}``, accents ""); None for anything else
    or past MAX_STACKED accents. `rest` -- a subscript, prime or superscript after the
    letter, inside or after the inner accent (``\\hat{y_i}``, ``\\hat{y}_i``) -- is read on."""
    a = raw_arg(toks, i)
    if a is None:
        return None
    inner, after = list(a[0]), a[1]
    word = _word_name(inner) if words else None
    if word is not None:      # \overline{\mathrm{out}}: the adjoint of a word's name
        return (word, [], None), "", after
    if not inner or inner[0].kind != "cmd" or inner[0].value not in ACCENTS or \
            depth >= MAX_STACKED:
        return None
    got = accent_target(inner, 1)
    if got is not None:
        (target, rest, end), accents = got, ACCENTS[inner[0].value]
    else:
        deeper = _stacked(inner, 1, depth=depth + 1)
        if deeper is None:
            return None
        (target, rest, _), below, end = deeper
        accents = below + "_" + ACCENTS[inner[0].value]
    tail = inner[end:]
    if tail and not (tail[0].kind == "char" and tail[0].value in "_^'"):
        return None
    return (target, list(rest) + tail, None), accents, after


def _word_name(inner):
    """The token of a multi-letter word in an upright font or \\text (a name), or None.
    In \\text any word that `words.WordPass.text` reads as a name is one (``\\text{x²}``,
    ``\\text{W_2}``: letters, digits and _), so that matcalc's adjoint of such a name,
    ``\\overline{\\text{x²}}``, reads back; in a font command only letters."""
    if len(inner) == 1 and inner[0].kind == "text":
        word = " ".join(inner[0].value.split())
        if not word.replace("_", "").isalnum() or word.isdigit() or \
                word.lower().rstrip(":") in SEP_WORDS or word.lower() in HOLD_TEXT:
            return None
    elif inner and inner[0].kind == "cmd" and inner[0].value in ("mathrm", "operatorname",
                                                                   "textrm", "mathit"):
        fa = raw_arg(inner, 1)
        word = word_of(list(fa[0])) if fa is not None and fa[1] == len(inner) else None
        if not word or not word.isalpha():
            return None
    else:
        return None
    if len(word) < 2 or ops.spelled("word", word):
        return None
    return inner[0].at("NAME", word)


def _ones_argument(w):
    """``\\vec{1}`` / ``\\vec 1``: the ones vector, as ``\\mathbf{1}`` (consumed here)."""
    toks, i = w.toks, w.i
    if i < w.n and toks[i].kind == "num" and toks[i].value == "1":
        w.out.append(toks[i].at("ONES", "1"))
        w.i = i + 1
        return True
    if i + 2 < w.n and toks[i].kind == "{" and toks[i + 1].kind == "num" \
            and toks[i + 1].value == "1" and toks[i + 2].kind == "}":
        w.out.append(toks[i + 1].at("ONES", "1"))
        w.i = i + 3
        return True
    return False


def _real_numbers(w, t, v):
    """``x \\in \\Re^n``: \\Re after a set relation is the real numbers, as \\mathbb{R}; anywhere
    else it would be the real part of a complex number, which is not supported."""
    if v != "Re":
        return False
    if w.out and w.out[-1].kind == "IN":
        w.out.append(t.at("REALS", "R"))
        return True
    raise err("\\Re is read only as the real numbers after \\in (x \\in \\Re^n); the real "
              "part of a complex number is not supported", t, w.source)


def _font_argument(w, t, v):
    """``\\mathbb{R}``, ``\\operatorname{Tr}``, ``\\mathbf{1}``, ``\\mathrm{KL}``; a font
    around anything else is dropped and its argument read on."""
    if not (v in ("mathbb", "Bbb", "operatorname", "operatorname*") or v in FONT_ARG):
        return False
    toks, i, source = w.toks, w.i, w.source
    if i >= w.n:
        raise err(f"\\{v} needs an argument", t, source)
    if toks[i].kind == "{":
        end = group_end(toks, i)
        if end is None:
            raise err("unclosed '{'", toks[i], source)
        inner, after = toks[i + 1:end], end + 1
    else:
        inner, after = [toks[i]], i + 1
    font = "mathbb" if v == "Bbb" else v.rstrip("*")
    word = word_of(inner)
    if word is None and font in WORD_FONTS:
        word = _hyphenated_op(inner)        # \operatorname{log-sum-exp}: that op's spelling
    _refuse_scripted_product(t, v, font, inner, toks, after, source)
    if font == "mathbb" and word == "S":
        got = _symmetric_space(toks, after)
        if got is None:
            raise err("\\mathbb{S} is read only as the symmetric matrices of a size, "
                      "\\mathbb{S}^n (also \\mathbb{S}^n_{+}, \\mathbb{S}^n_{++})", t, source)
        made, end = got
        w.out.append(t.at("REALS", "S"))      # the reals' token, marked symmetric
        w.splice(after, end, made)      # \mathbb{S}^n_{++}: R^{n \times n}
        w.i = after
        return True
    if font == "mathbb":
        w.out.append(_blackboard(t, inner, word, source))
        w.i = after
        if word == "R":
            w.i = _positive_sign(toks, after)
            if w.i != after:           # \mathbb{R}_+: the positive reals (a sign, no shape)
                w.out[-1] = w.out[-1].at("REALS", "R+")
        return True
    if font in ONES_FONTS and len(inner) == 1 and inner[0].kind == "num" \
            and inner[0].value == "1":
        w.out.append(inner[0].at("ONES", "1"))
        w.i = after
        return True
    if font == "operatorname":
        if word is None:
            hyphens = " (a name with hyphens is read only where it spells a function "\
                "matcalc knows, \\operatorname{log-sum-exp})" if any(
                    x.kind == "char" and x.value == "-" for x in inner) else ""
            raise err("\\operatorname needs a word of letters" + hyphens, t, source)
        w.out.append(word_token(t, word, "operatorname", source))
        w.i = after
        return True
    if word is not None and len(word) > 1 and font in WORD_FONTS:
        wt = word_token(t, word, font, source)
        if wt is not None:
            w.out.append(wt)
            w.i = after
    return True                     # else the font is dropped; its argument is read on


def _hyphenated_op(inner):
    """``log-sum-exp`` in an upright font: the word with its hyphens, when the letters
    between the hyphens are words and the hyphenated word is an op's spelling (the op
    lists it, ``ops/calls.py``); else None -- the hyphens then stay minus signs or are
    refused, as before."""
    parts, cur = [], []
    for x in inner:
        if x.kind == "letter":
            cur.append(x.value)
        elif x.kind == "char" and x.value == "-" and cur:
            parts.append("".join(cur))
            cur = []
        else:
            return None
    if not cur or not parts:
        return None
    word = "-".join(parts + ["".join(cur)])
    return word if ops.spelled("word", word) else None


def _atoms(inner) -> list:
    """The depth-0 letters, Greek letters and numbers of a font's argument, each with
    its scripts skipped (``x_i`` is one atom, ``X B`` two)."""
    out, depth, skip = [], 0, False
    for x in inner:
        if x.kind == "{":
            depth += 1
        elif x.kind == "}":
            depth -= 1
            if depth == 0 and skip:
                skip = False
            continue
        if depth:
            continue
        if skip:
            skip = x.kind == "{"
            continue
        if x.kind == "char" and x.value in "^_'":
            skip = x.value != "'"
        elif x.kind in ("letter", "num") or (x.kind == "cmd" and x.value in GREEK):
            out.append(x)
        elif x.kind not in ("space",):
            out.append(None)        # an operator or a bracket: not a product of names
    return out


def _refuse_scripted_product(t, v, font, inner, toks, after, source):
    """``\\mathbf{X B}^{T}``: a bold (italic, script) group of several names with a
    superscript or subscript after it has two readings that give different numbers --
    the script on the whole group, (X B)^T, as TeX groups it, or on its last letter,
    X B^T, as it is typeset (the Matrix Cookbook's transcriptions write it so). Refused,
    naming both; an upright word (``\\mathrm{KL}_{ij}``) is one name and is not refused."""
    if font in WORD_FONTS or font in ("mathbb", "operatorname") or after >= len(toks):
        return
    nxt = toks[after]
    if not (nxt.kind == "char" and nxt.value in "^_"):
        return
    atoms = _atoms(inner)
    if len(atoms) < 2 or any(a is None for a in atoms):
        return
    body = " ".join(("\\" + a.value) if a.kind == "cmd" else a.value for a in atoms)
    *head, last = body.split(" ")
    mark = nxt.value
    raise err(f"\\{v}{{{body}}}{mark}... has two readings: ({body}){mark}... (the script on "
              f"the whole group, as TeX groups it) or {' '.join(head)} {last}{mark}... (on "
              f"its last letter, as it is typeset); write the brackets, "
              f"(\\{v}{{{body}}}){mark}..., or the script on the letter, "
              f"{' '.join(head)} \\{v}{{{last}}}{mark}...", t, source)


def _symmetric_space(toks, k):
    """After ``\\mathbb{S}``: (the raw tokens of ``^{n \\times n}``, the index past the size
    and the cone signs ``_+``, ``_{++}`` in either order), or None without a size. The
    symmetric (positive semi-/definite) matrices are n x n matrices (`Space.symmetric`:
    lowering notes it, a check draws them symmetric, the simplifier and the printer take
    one's transpose to be itself, a gradient wrt one is refused)."""
    size, j = None, k
    for _ in range(2):
        if j + 1 < len(toks) and toks[j].kind == "char" and toks[j].value in "^_":
            nxt = toks[j + 1]
            if nxt.kind == "{":
                end = group_end(toks, j + 1)
                if end is None:
                    return None
                inner, after = toks[j + 2:end], end + 1
            else:
                inner, after = [nxt], j + 2
            if inner and all(is_char(x, "+") for x in inner):
                j = after
                continue
            if toks[j].value == "^" and size is None and inner:
                size, j = inner, after
                continue
        break
    if size is None:
        return None
    t = toks[k - 1]
    made = [t.at("char", "^"), t.at("{", "{"), *size, t.at("cmd", "times"), *size,
            t.at("}", "}")]
    return made, j


def _positive_sign(toks, k):
    """After ``\\mathbb{R}``: the index past ``^+``, ``_+``, ``^{+}``, ``_{+}`` (the positive
    reals: the REALS token says so, a sign is not a shape), else k."""
    if k + 1 < len(toks) and toks[k].kind == "char" and toks[k].value in "^_":
        nxt = toks[k + 1]
        if is_char(nxt, "+"):
            return k + 2
        if nxt.kind == "{" and k + 3 < len(toks) and is_char(toks[k + 2], "+") and \
                toks[k + 3].kind == "}":
            return k + 4
    return k


def _blackboard(t, inner, word, source):
    """The token of ``\\mathbb{..}``: the reals, the naturals, a ones vector or a letter."""
    if word in ("R",):
        return t.at("REALS", "R")
    if word in ("N", "Z"):
        return t.at("NATS", word)
    if word == "C":
        raise err("complex spaces are not supported (\\mathbb{C}): matcalc differentiates "
                  "real-valued functions of real vectors and matrices", t, source)
    if len(inner) == 3 and inner[0].kind == "letter" and inner[0].value in "NZ" \
            and inner[1].value == "_" and inner[2].kind == "num":
        return t.at("NATS", inner[0].value)
    if len(inner) == 1 and inner[0].kind == "num" and inner[0].value == "1":
        return t.at("ONES", "1")
    if word is not None and len(word) == 1:
        return name_token(inner[0], word)
    raise err(f"unsupported set \\mathbb{{{''.join(str(x.value) for x in inner)}}}",
              t, source)


def _font_switch(w, t, v):
    if v not in FONT_SWITCH:
        return False
    if w.peek("num", "1") and v in ONES_FONTS:
        w.out.append(w.toks[w.i].at("ONES", "1"))
        w.i += 1
    return True


def _arg_operator(w, t, v):
    """``\\arg\\min`` / ``\\arg\\max`` (and ``\\argmin``): one name, argmin / argmax, as
    ``\\operatorname{argmin}`` reads (what follows is read by read/optimum.py)."""
    if v in ("argmin", "argmax"):               # \argmin, as \DeclareMathOperator makes it
        w.out.append(name_token(t, v))
        return True
    if v != "arg" or not (w.peek("cmd", "min") or w.peek("cmd", "max")):
        return False
    nxt = w.toks[w.i]
    nt = name_token(t, "arg" + nxt.value)
    nt.end_line, nt.end_col = nxt.end_line, nxt.end_col
    w.out.append(nt)
    w.i += 1
    return True


COMMAND_ROWS = (_index_relation, _sum_sign, _letter_name, _arg_operator, _function,
                _sum_over_set, _marked_sum, _set_mark,
                _set_of_vectors, _simple, _mid, _integral, _real_numbers, _accent, _font_argument,
                _font_switch)


def command(w, t):
    for row in COMMAND_ROWS:
        if row(w, t, t.value):
            return
    nxt = w.toks[w.i] if w.i < w.n else None
    if nxt is not None and (nxt.kind == "letter" or (nxt.kind == "cmd" and nxt.value in GREEK)):
        # \g x: a page's macro (read/pagemacros.py reads it where one reading alone fits)
        letter = f"\\{nxt.value}" if nxt.kind == "cmd" else nxt.value
        raise err(f"unknown command \\{t.value} (a macro of the page, defined nowhere in the "
                  f"text?): before {letter} it is a font (\\{t.value} {letter} the name "
                  f"{letter}) or an operator applied to {letter}, two readings; define it "
                  f"with \\newcommand, or declare \\{t.value} {letter} (\\in ...) if it is "
                  f"a font", t, w.source)
    raise err(f"unknown command \\{t.value}", t, w.source)
