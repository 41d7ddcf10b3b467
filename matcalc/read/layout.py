"""Pass 3 of reading: TeX layout commands read for what they show.

Contract: `layout(toks, source) -> list` of raw tokens; raises only a located `ParseError`
(``\\atop``, an ``\\over`` outside braces, a command missing its argument). See
`layout` for what is read.
"""
from __future__ import annotations

from .ahead import arg_start, braced, is_char, raw_arg
from .tokens import COLOR_COMMANDS, err


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
                    out += [frac] + braced(out[start], num) + braced(t, den)
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
            a = raw_arg(toks, i)
            b = raw_arg(toks, a[1]) if a is not None else None
            if b is None:
                raise err(f"\\{v} needs two arguments in braces", t, source)
            (mark, _), (base, after) = a, b
            if v == "underset" and is_optimum_word(base):
                # \underset{x}{\arg\min}: the minimum over x, as \arg\min_{x} (read/optimum.py)
                toks[after:after] = [t.at("char", "_")] + braced(t, mark)
                n = len(toks)
                i = arg_start(toks, a[1])
                continue
            if len(base) == 1 and base[0].kind == "cmd" and base[0].value in ("sum", "prod") \
                    and v != "stackrel":
                # \underset{i}{\sum}: the sum over i, its index set written under it
                script = "_" if v == "underset" else "^"
                toks[after:after] = [t.at("char", script)] + braced(t, mark)
                n = len(toks)
                out.append(base[0])
                i = after
                continue
            i = arg_start(toks, a[1])          # the base, read on where it stands
            continue
        if v in ("underbrace", "overbrace"):
            a = raw_arg(toks, i)
            if a is None:
                raise err(f"\\{v} needs an argument in braces", t, source)
            start, after = arg_start(toks, i), a[1]
            if after < n and is_char(toks[after], "_" if v == "underbrace" else "^"):
                note = raw_arg(toks, after + 1)
                if note is not None:
                    del toks[after:note[1]]   # the annotation under the brace is dropped
                    n = len(toks)
            i = start
            continue
        if v in COLOR_COMMANDS:
            drop, keep = COLOR_COMMANDS[v]
            for _ in range(drop):
                a = raw_arg(toks, i)
                if a is None:
                    raise err(f"\\{v} is missing an argument", t, source)
                i = a[1]
            if keep and raw_arg(toks, i) is None:
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
            a = raw_arg(toks, i)
            if a is not None:
                kind = "char" if v == "abs" else "cmd"
                close = a[1] - 1                 # the argument's '}'
                toks[close:close + 1] = [t.at("cmd", "right"), t.at(kind, "|")]
                toks[i:i + 1] = [t.at("cmd", "left"), t.at(kind, "|")]
                n = len(toks)
                continue
        out.append(t)
    return out


OPTIMUM_WORDS = {"min", "max", "argmin", "argmax", "arg min", "arg max"}


def is_optimum_word(base) -> bool:
    """Raw tokens spelling an optimisation operator: ``\\min``, ``\\max``, ``\\arg\\min``,
    ``\\operatorname{argmin}``, ``\\operatorname*{arg\\,max}``, ``\\text{argmin}``,
    ``\\mathrm{argmin}``, ``\\argmin`` (read/optimum.py reads what follows)."""
    parts = []
    for x in base:
        if x.kind == "cmd" and x.value in ("operatorname", "operatorname*", "mathrm", "rm",
                                           ",", "!", " ", "text", "textrm"):
            continue
        if x.kind in ("{", "}"):
            continue
        if x.kind == "cmd" or x.kind == "text":
            parts.append(" " + str(x.value).strip() + " ")
        elif x.kind == "letter":
            parts.append(str(x.value))
        else:
            return False
    word = " ".join("".join(parts).split())
    return word in OPTIMUM_WORDS or word.replace(" ", "") in OPTIMUM_WORDS
