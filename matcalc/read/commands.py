"""Pass 5 of reading, its commands: one backslash command -> grammar tokens.

Contract: `command(w, t)` reads the command token `t` (its name in `t.value`) at the
position of the `words.WordPass` `w` (the token after it is `w.toks[w.i]`), appends to
`w.out` and may consume the command's arguments (advancing `w.i`). Raises only a located
`ParseError` naming the command. `COMMAND_ROWS` is the order the readings are tried in:
each row returns True when it read the command; an unknown command is refused by name.
"""
from __future__ import annotations

from .. import ops
from .ahead import accent_target, group_end, is_char, sigma_limits, word_of
from .tokens import (ACCENTS, COMMAND_PAIRS, FONT_ARG, FONT_SWITCH, GREEK, HOLD_TEXT,
                     INTEGRALS, NAME_FONTS, NO_OPTIONAL_ARGUMENT, ONES_FONTS, SEP_WORDS, SIMPLE,
                     SYMBOL_NAMES, WORD_FONTS, err)

SET_RELATIONS = ("in", "notin", "subset", "subseteq")


def name_token(t, name, accent=None):
    return t.at("NAME", (name, accent))


def word_token(t, word, font, source):
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


def _sum_over_set(w, t, v):
    """\\sum_{j \\in C}: refused (the sign itself is read by `_simple`)."""
    toks, i = w.toks, w.i
    if v in ("sum", "prod") and i + 1 < w.n and is_char(toks[i], "_") and toks[i + 1].kind == "{":
        end = group_end(toks, i + 1)
        under = toks[i + 2:end] if end is not None else []
        if any(x.kind == "cmd" and x.value in SET_RELATIONS for x in under):
            raise err(f"a {v} over a set (\\{v}_{{j \\in C}}) is not supported: write the "
                      f"index range, e.g. \\{v}_{{j=1}}^{{n}}, with a 0/1 mask for the "
                      f"members", t, w.source)
        rel = _index_comparison(under)
        if rel is not None:
            # \sum_{i<j}: the comparison becomes a REL token the grammar's index rule takes
            w.splice(i + 3, i + 4, [under[1].at("cmd", INDEX_COMPARISONS[rel])])
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


def _index_relation(w, t, v):
    """The REL token of a comparison under a sum sign (marked by `_sum_over_set`)."""
    if v in ("<", ">", "<=", ">="):
        w.out.append(t.at("REL", v))
        return True
    return False


def _simple(w, t, v):
    if v not in SIMPLE:
        return False
    out = w.out
    kind, val = SIMPLE[v]
    if kind == "LSET" and out and out[-1].kind in ("NUMBER", "ONES") and \
            out[-1].value == "1" and not t.sp:
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
    if got is None:
        raise err(f"\\{v} must be put on a single letter (or a letter with a "
                  f"subscript, \\{v}{{x_i}})", t, w.source)
    target, rest, after = got
    w.out.append(name_token(t, target.value, ACCENTS[v]))
    # \tilde{y_i}, \overrightarrow{x_n}: the subscript under the accent is read on
    if rest or after != w.i:
        w.splice(w.i, after, rest)
    return True


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
    if font == "mathbb":
        w.out.append(_blackboard(t, inner, word, source))
        w.i = after
        return True
    if font in ONES_FONTS and len(inner) == 1 and inner[0].kind == "num" \
            and inner[0].value == "1":
        w.out.append(inner[0].at("ONES", "1"))
        w.i = after
        return True
    if font == "operatorname":
        if word is None:
            raise err("\\operatorname needs a word of letters", t, source)
        w.out.append(word_token(t, word, "operatorname", source))
        w.i = after
        return True
    if word is not None and len(word) > 1 and font in WORD_FONTS:
        wt = word_token(t, word, font, source)
        if wt is not None:
            w.out.append(wt)
            w.i = after
    return True                     # else the font is dropped; its argument is read on


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


COMMAND_ROWS = (_index_relation, _sum_sign, _letter_name, _function, _sum_over_set, _simple, _mid, _integral,
                _real_numbers, _accent, _font_argument, _font_switch)


def command(w, t):
    for row in COMMAND_ROWS:
        if row(w, t, t.value):
            return
    raise err(f"unknown command \\{t.value}", t, w.source)
