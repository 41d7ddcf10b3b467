r"""A derivation laid out as LaTeX a person would put on a page: an ``aligned`` block with
``&=`` under each other, the definition a step substitutes on its own line, the
identities each step applied on their own lines (``\text{by …}``), and lines broken to fit
the width of an A4 page.

Contract: `derivation_latex(steps, width=WIDTH)` takes the `DerivationStep`s of a gradient
(their `latex` is ``lhs = rhs`` or ``h = body \;\Rightarrow\; lhs = rhs``) and returns
``\begin{aligned} … \end{aligned}``; `break_lines(latex, width)` splits one formula into
lines no wider than about `width` (an estimate of typeset width in characters of
10 pt math), breaking at the loosest operator available.
"""
from __future__ import annotations

import re

WIDTH = 44          # characters of 10 pt math per line after the aligned "&=" (A4: ~345 pt)
INDENT = r"\qquad "  # continuation lines

_IMPLIES = r" \;\Rightarrow\; "
_BIG = ((r"\left(", r"\bigl("), (r"\right)", r"\bigr)"), (r"\left[", r"\bigl["),
        (r"\right]", r"\bigr]"), (r"\left\|", r"\bigl\|"), (r"\right\|", r"\bigr\|"),
        (r"\left|", r"\bigl|"), (r"\right|", r"\bigr|"))
# break candidates, loosest first (a lower rank is a better place to break)
_OPS = ((" + ", 0), (" - ", 0), (" = ", 0), (" : ", 1), (r" \odot ", 2), (r" \oslash ", 2),
        (" ", 3))
_TOKEN = re.compile(r"\\[A-Za-z]+|\\.|.", re.S)
_WORD = re.compile(r"\\(?:operatorname|mathrm|text|mathbf|hat|bar|overline|tilde)\{([^{}]*)\}")
_INVISIBLE = re.compile(r"\\(?:left|right|bigl|bigr|quad|qquad|,|;|!)(?![A-Za-z])")


def width(s: str) -> float:
    """Estimated typeset width of math `s`, in characters: sub- and superscripts count
    0.7, a fraction its wider part, spaces between factors a little."""
    s = _INVISIBLE.sub("", s)
    s = _WORD.sub(lambda m: m.group(1), s)
    return _width(s)


def _width(s: str) -> float:
    total, k, scale = 0.0, 0, 1.0
    toks = _TOKEN.findall(s)
    while k < len(toks):
        t = toks[k]
        if t == r"\frac" and k + 1 < len(toks):
            num, k = _group(toks, k + 1)
            den, k = _group(toks, k)
            total += max(_width(num), _width(den))
            continue
        if t in ("^", "_"):
            arg, k = _group(toks, k + 1)
            total += 0.7 * _width(arg)
            continue
        if t in "{}":
            k += 1
            continue
        total += 0.35 if t == " " else (1.6 if t in ("+", "-", "=", ":", r"\odot", r"\oslash")
                                        else 1.0)
        k += 1
    return total * scale


def _group(toks, k):
    """The text of the braced group (or single token) at toks[k], and the index after it."""
    if k >= len(toks):
        return "", k
    if toks[k] != "{":
        return toks[k], k + 1
    depth, start = 0, k
    for j in range(k, len(toks)):
        depth += {"{": 1, "}": -1}.get(toks[j], 0)
        if depth == 0:
            return "".join(toks[start + 1:j]), j + 1
    return "".join(toks[start + 1:]), len(toks)


def _breakable(s: str) -> str:
    """`s` with \\left/\\right made fixed-size: a line may then end inside a parenthesis."""
    for a, b in _BIG:
        s = s.replace(a, b)
    return s


def _candidates(s: str):
    """(position, rank, depth) of every place `s` may break: at brace depth 0 (a group in
    braces cannot be split), before an operator; depth is the parenthesis depth."""
    out, brace, paren, k = [], 0, 0, 0
    while k < len(s):
        c = s[k]
        if c == "\\" and s.startswith((r"\bigl", r"\left"), k):
            paren += 1
        elif c == "\\" and s.startswith((r"\bigr", r"\right"), k):
            paren -= 1
        if c == "\\":
            m = re.match(r"\\[A-Za-z]+|\\.", s[k:])
            k += len(m.group(0)) if m else 1
            continue
        if c == "{":
            brace += 1
        elif c == "}":
            brace -= 1
        elif brace == 0 and c == " ":
            for op, rank in _OPS:
                if s.startswith(op, k):
                    out.append((k, rank, paren))
                    break
        k += 1
    return out


def break_lines(s: str, limit: float = WIDTH) -> list:
    """`s` split into lines of estimated width <= `limit` where it can be: each break is
    the loosest operator (fewest parentheses open, then + - before : before ⊙ before a
    product) in the part of the line that fits. A piece that has no break point is
    left whole."""
    if width(s) <= limit:
        return [s]
    s = _breakable(s)
    lines = []
    while width(s) > limit:
        every = [c for c in _candidates(s) if 0 < c[0]]
        if not every:
            break
        # a prefix's width grows with its length: bisect for the candidates that fit (and
        # for those past half the line) instead of measuring every prefix (cubic on a long
        # formula: 100 s for a 9,000-character gradient)
        fits = _last_below(every, s, limit)
        cands = every[:fits + 1] if fits >= 0 else every[:1]
        half = _last_below(cands, s, limit / 2, strict=True) + 1
        # the loosest place in the second half of the line (a short line wastes a row)
        late = cands[half:] or cands
        pos = min(late, key=lambda c: (c[2], c[1], -c[0]))[0]
        lines.append(s[:pos])
        s = s[pos:].lstrip()
        if s.startswith(": "):
            s = ":" + s[1:]
    lines.append(s)
    return lines


def _last_below(cands, s: str, limit: float, strict: bool = False) -> int:
    """The index of the last candidate whose prefix of `s` is narrower than `limit` (at
    most `limit` unless `strict`), -1 if none; prefix widths are taken as increasing."""
    lo, hi = 0, len(cands) - 1
    best = -1
    while lo <= hi:
        mid = (lo + hi) // 2
        w = width(s[:cands[mid][0]])
        if w < limit or (not strict and w == limit):
            best, lo = mid, mid + 1
        else:
            hi = mid - 1
    return best


def _aligned(lhs: str, rhs: str, limit: float) -> list:
    """``lhs &= rhs`` broken into lines; continuation lines indented under the rhs."""
    parts = break_lines(rhs, limit)
    rows = [f"{lhs} &= {parts[0]}"]
    rows += [f"&{INDENT}{p}" for p in parts[1:]]
    return rows


def _cited(st) -> list:
    """(rule name, identity) pairs a step cites, one per line: a step that applied several
    rules (``simplify: merge-powers, ones``, ``hadamard+matmul-left``) names each."""
    if st.rule == "substitute" and getattr(st, "uses", ()):
        return [("substitute", u) for u in st.uses]
    idents = [i for i in st.identity.split(r",\quad ") if i.strip()]
    head, _, tail = st.rule.partition(": ")
    names = re.split(r",\s*|\+", tail if tail else head)
    if len(names) == len(idents) and len(idents) > 1:
        return list(zip(names, idents))
    return [(st.rule, i) for i in idents] or [(st.rule, st.identity)]


def derivation_latex(steps, limit: float = WIDTH + 8) -> str:
    """The steps as one ``aligned`` block (see the module docstring); `limit` is the
    width of a whole line, the left column (the widest left-hand side) included."""
    lhs_w = max((width(st.latex.split(_IMPLIES)[-1].partition(" = ")[0]) for st in steps),
                default=0)
    limit = max(limit - lhs_w, 20)
    rows, last_lhs = [], None
    for k, st in enumerate(steps, 1):
        lat = st.latex
        definition = None
        if _IMPLIES in lat:
            definition, lat = lat.split(_IMPLIES, 1)
        if definition is not None:
            d_lhs, _, d_rhs = definition.partition(" = ")
            rows += [r"&\text{with } " + p if i == 0 else f"&{INDENT}{p}"
                     for i, p in enumerate(break_lines(f"{d_lhs} = {d_rhs}", limit))]
        lhs, _, rhs = lat.partition(" = ")
        shown = lhs if lhs != last_lhs else ""
        rows += _aligned(shown, rhs, limit)
        last_lhs = lhs
        for j, (rule, ident) in enumerate(_cited(st)):
            label = rf"\text{{by {rule}: }}"
            room = limit - 4 - width(label)
            for i, p in enumerate(break_lines(ident, room)):
                rows.append(f"&{INDENT}{label if i == 0 else INDENT + INDENT}{p}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


WHERE = r" \quad\text{where}\quad "


def result_latex(lhs: str, rhs: str, limit: float = WIDTH + 8) -> str:
    r"""``lhs = rhs`` as one line if it fits, else an ``aligned`` block: the gradient
    broken into lines, then each named adjoint of its ``\quad\text{where}\quad`` part on
    its own line (``\text{where } \bar{q} &= …``)."""
    body, _, where = rhs.partition(WHERE)
    if not where and width(f"{lhs} = {rhs}") <= limit:
        return f"{lhs} = {rhs}"
    defs = [d.partition(" = ") for d in where.split(r",\; ")] if where else []
    lhs_w = max([width(lhs)] + [width(r"\text{where } " + d[0]) for d in defs])
    room = max(limit - lhs_w, 20)
    rows = _aligned(lhs, body, room)
    for k, (name, _, value) in enumerate(defs):
        rows += _aligned((r"\text{where } " if k == 0 else "") + name, value, room)
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"
