"""Rows and clauses: the token stream of `lex` split into statements, ready for the grammar.

Contract: `split_rows(toks, source)` cuts the stream at row ends (newlines, ``\\\\``, row
breaks) except inside brackets or where a line ends or starts with an operator, and
checks bracket balance and depth (ParseError, never a RecursionError); each row is split
into clauses at top-level separators. `canon(clause, source)` rewrites one clause into the
tokens the grammar expects (argument-less functions, subscript groups, ``KL(P||Q)`` names,
norm bars as openers or closers). Raises only `ParseError`.
"""
from __future__ import annotations

from .tokens import err

# ---------------------------------------------------------------- 5. statements

OPENERS = {"LPAR": "RPAR", "LBRACK": "RBRACK", "LBRACE": "RBRACE", "LSET": "RSET",
           "ARR_OPEN": "ARR_CLOSE"}
CLOSERS = {v: k for k, v in OPENERS.items()}
# every token that opens / closes a group, norm and absolute-value bars included
GROUP_OPENERS = frozenset(OPENERS) | {"NORM_OPEN", "ABS_OPEN"}
GROUP_CLOSERS = frozenset(CLOSERS) | {"NORM_CLOSE", "ABS_CLOSE"}
SHOW = {"LPAR": "(", "RPAR": ")", "LBRACK": "[", "RBRACK": "]", "LBRACE": "{", "RBRACE": "}",
        "LSET": "\\{", "RSET": "\\}", "ARR_OPEN": "\\begin{array}", "ARR_CLOSE": "\\end{array}",
        "NORM_OPEN": "\\|", "ABS_OPEN": "|"}
OPERAND_END = {"NAME", "NUMBER", "ONES", "RPAR", "RBRACK", "RBRACE", "RSET", "ARR_CLOSE",
               "NORM_CLOSE", "ABS_CLOSE", "PRIME", "TOPSYM", "DOTS"}
CONT_END = {"PLUS", "MINUS", "MULOP", "SLASH", "HAD", "COLON", "REL", "IN"}
CONT_START = {"PLUS", "MINUS", "MULOP", "SLASH", "HAD", "COLON"}
ROW_ENDS = {"NEWLINE", "ROWSEP", "BREAK"}
MAX_DEPTH = 100


def split_rows(toks: list, source: str, dropped: list | None = None,
               keep_arrows: bool = False) -> list:
    """Token stream -> rows -> clauses (lists of tokens). A row ends at a region end, a
    ``\\\\`` or a newline at bracket depth 0 (unless the row ends with a binary operator or
    the next starts with one, or with a relation after a row that has none); clauses are separated at depth 0 by ``,`` ``;`` ``\\quad``,
    separator words, and ``\\;`` when relations stand on both sides. Also resolves norm
    bars into openers/closers and checks bracket balance and depth.

    What is left out is told to `dropped` when given, as (kind, first token, last token):
    "differential" for the stated differential after ``\\implies``, "arrow" for a clause
    with an arrow (a signature ``f: R^n \\to R``). With `keep_arrows` the arrow clauses
    stay in the rows (the caller reads renamings ``I \\to A`` from them)."""
    rows: list = []
    row: list = []              # (token, depth) ; separators as ("SEP"/"SOFT", 0)
    stack: list = []
    inner_text = None           # a \text{..} separator met inside brackets
    n = len(toks)

    def end_row():
        if row:
            rows.append(_clauses(row, dropped, keep_arrows))
        row.clear()

    def next_kind(i):
        while i < n and toks[i].kind == "NEWLINE":
            i += 1
        return toks[i].kind if i < n else None

    i = 0
    while i < n:
        t = toks[i]
        k = t.kind
        i += 1
        if k == "BREAK":
            if stack:
                raise err(f"unclosed '{SHOW[stack[-1].kind]}'", stack[-1], source)
            end_row()
            continue
        if k in ("NEWLINE", "ROWSEP"):
            if stack:
                continue
            last = row[-1][0] if row else None
            if last is not None and not isinstance(last, str) and last.kind in CONT_END:
                continue
            if next_kind(i) in CONT_START:
                continue
            if next_kind(i) == "REL" and last is not None and not isinstance(last, str) \
                    and last.kind in OPERAND_END and not any(
                        not isinstance(x, str) and x.kind in ("REL", "IN") and d == 0
                        for x, d in row):
                # a line that starts with a relation goes on with the one before when that
                # one has none (a left side alone): a newline is a blank in TeX
                # (``\\frac{\\partial f}{\\partial x}`` then ``& = 2x`` on the next line of
                # an aligned block, corpus 160); after a relation, ``&= B`` rows are the
                # chain's own (continued by lowering)
                continue
            end_row()
            continue
        if k == "IMPLIES":               # the stated differential: dropped to the row end
            d, first = 0, i
            while i < n:
                x = toks[i]
                if x.kind in OPENERS:
                    d += 1
                elif x.kind in CLOSERS:
                    if d == 0:
                        break
                    d -= 1
                elif x.kind == "BREAK" or (x.kind in ROW_ENDS and d == 0):
                    break
                i += 1
            if dropped is not None and i > first:
                dropped.append(("differential", t, toks[i - 1]))
            continue
        depth = len(stack)
        if k in OPENERS:
            stack.append(t)
            if len(stack) > MAX_DEPTH:
                raise err("nested too deeply (more than 100 open brackets)", t, source)
        elif k in CLOSERS:
            want = CLOSERS[k]
            if not stack:
                raise err(f"unmatched '{SHOW[k]}'", t, source)
            if stack[-1].kind != want:
                if any(s.kind == want for s in stack):
                    raise err(f"unclosed '{SHOW[stack[-1].kind]}'", stack[-1], source)
                raise err(f"unmatched '{SHOW[k]}'", t, source)
            stack.pop()
            depth -= 1
            if not stack and inner_text is not None:
                raise err(f"text inside brackets ('{inner_text.value}') is not read as math: "
                          f"move it out of the formula", inner_text, source)
        elif k in ("BAR1", "BAR2"):
            kind = "NORM" if k == "BAR2" else "ABS"
            prev = row[-1][0] if row else None
            prev_ok = prev is not None and not isinstance(prev, str) and prev.kind in OPERAND_END
            closing = t.lr == "right" or (t.lr != "left" and bool(stack) and
                                          stack[-1].kind == kind + "_OPEN" and prev_ok)
            if closing:
                if not stack or stack[-1].kind != kind + "_OPEN":
                    if stack and stack[-1].kind in ("NORM_OPEN", "ABS_OPEN"):
                        raise err(f"unclosed '{SHOW[stack[-1].kind]}'", stack[-1], source)
                    raise err("a closing bar without an opening one", t, source)
                stack.pop()
                if not stack and inner_text is not None:
                    raise err(f"text inside brackets ('{inner_text.value}') is not read as "
                              f"math: move it out of the formula", inner_text, source)
                row.append((t.at(kind + "_CLOSE"), depth - 1))
            else:
                nt = t.at(kind + "_OPEN")
                stack.append(nt)
                if len(stack) > MAX_DEPTH:
                    raise err("nested too deeply (more than 100 open brackets)", t, source)
                row.append((nt, depth))
            continue
        elif k in ("COMMA", "SEMI", "QUAD", "SEP", "SEMISP"):
            if depth == 0:
                row.append(("SOFT", 0) if k == "SEMISP" else ("SEP", t))
                continue
            if k == "SEMI":
                if stack[-1].kind != "LPAR":
                    raise err("unexpected ';'", t, source)
                t = t.at("COMMA", ";")     # a comma to the grammar; build sees the ';'
            elif k == "SEP":
                # \text{ and } inside brackets: dropping it would join what it separates
                # (refused once the brackets close: an unclosed one is the better error)
                inner_text = inner_text or t
                continue
            elif k != "COMMA":
                continue
        elif k == "PERIOD":
            nk = next_kind(i)
            if depth == 0 and (nk is None or nk in ROW_ENDS or nk in ("COMMA", "SEMI", "QUAD", "SEP")):
                continue
            raise err("unexpected '.'", t, source)
        row.append((t, depth))
    if stack:
        raise err(f"unclosed '{SHOW[stack[-1].kind]}'", stack[-1], source)
    end_row()
    return rows


def distribution_statement(clause) -> bool:
    """``W \\sim \\mathrm{Wishart}_\\nu(S)``, ``y_i \\sim \\mathcal{N}(\\mu, \\sigma^2)``: a
    clause with ``\\sim`` outside every bracket states a random variable's distribution; it
    defines nothing (the caller skips it, with a note). ``E_{z \\sim q}`` inside a group is
    not one."""
    return any(t.kind == "SIM" and depth == 0 for t, depth in _depths(clause))


def _has_relation(items):
    return any(not isinstance(t, str) and d == 0 and t.kind in ("REL", "IN") for t, d in items)


def _soft_parts(row):
    """The row cut at each ``\\;`` (SOFT) whose sides, up to the neighbouring cuts, both
    hold a relation and do not end or start with an operator."""
    parts, start = [], 0
    for p, item in enumerate(row):
        if item[0] != "SOFT":
            continue
        left = [x for x in row[start:p] if x[0] not in ("SOFT", "SEP")]
        nxt = next((q for q in range(p + 1, len(row)) if row[q][0] == "SOFT"), len(row))
        right = [x for x in row[p + 1:nxt] if x[0] not in ("SOFT", "SEP")]
        if left and right and _has_relation(left) and _has_relation(right) \
                and left[-1][0].kind not in CONT_END and right[0][0].kind not in CONT_END:
            parts.append(row[start:p])
            start = p + 1
    parts.append(row[start:])
    return parts


def _clauses(row, dropped=None, keep_arrows=False):
    """Split one row at its separators; `\\;` separates only between two relations, and
    more loosely than ``,`` (``x \\in R^n\\; A, B \\in R^{n \\times n}``: the comma then
    groups A and B). Each clause records the separator before it (`Clause.after`)."""
    out = []
    for k, part in enumerate(_soft_parts(row)):
        segs, cur, seps = [], [], ["SOFT" if k else None]
        for item in part:
            if item[0] == "SEP":
                segs.append(cur)
                seps.append(item[1])
                cur = []
            else:
                cur.append(item)
        segs.append(cur)
        for seg, sep in zip(segs, seps):
            out.append(Clause([x[0] for x in seg if x[0] != "SOFT"], sep))
    # a clause with an arrow (a signature f: R^n \to R, a renaming I \to A) states nothing
    # matcalc uses: it is dropped (unless the caller reads renamings from it) -- but for a
    # definition after the arrow, (x, y) \mapsto S(x, y) = ..., which is kept
    kept = []
    for c in out:
        after = c.after
        marks = [k for k, t in enumerate(c) if t.kind == "MAPSTO"]
        if marks:
            tail = c[marks[-1] + 1:]
            if tail and any(t.kind == "REL" for t in tail) and tail[0].kind != "REL" and \
                    _balanced(tail):
                c = tail
            elif not keep_arrows:
                if dropped is not None:
                    dropped.append(("arrow", c[0], c[-1]))
                c = []
        if c:
            kept.append(c if isinstance(c, Clause) else Clause(c, after))
    return kept


class Clause(list):
    """The tokens of one clause, and `after`: the separator before it in its row (the
    SEP/COMMA/QUAD token: ``\\text{s.t.}`` before a constraint, ``\\text{where}``), "SOFT"
    after a ``\\;`` between two relations, None for a row's first clause."""

    def __init__(self, toks=(), after=None):
        super().__init__(toks)
        self.after = after


def _depths(toks):
    """Each token with the bracket depth after it (brackets, norm and absolute-value bars)."""
    depth = 0
    for t in toks:
        if t.kind in OPENERS or t.kind in ("NORM_OPEN", "ABS_OPEN"):
            depth += 1
        elif t.kind in CLOSERS or t.kind in ("NORM_CLOSE", "ABS_CLOSE"):
            depth -= 1
        yield t, depth


def _balanced(toks):
    depth = 0
    for _, depth in _depths(toks):
        if depth < 0:
            return False
    return depth == 0


# ---------------------------------------------------------------- 6. per clause

ARGABLE = {"NAME", "NUMBER", "ONES", "TOPSYM", "DOTS", "PRIME"}


def _shift(t, kind, value, dcol):
    x = t.at(kind, value)
    if x.line == x.end_line:
        x.col = min(t.col + dcol, t.end_col - 1)
        x.end_col = x.col + len(value)
    return x


def _show_owner(owner):
    return "\\frac" if owner is not None and owner.kind == "FRAC" else \
        f"'{owner.value if owner is not None else ''}'"


def _star_script(t, owner) -> bool:
    """``B_*``, ``x^*``: a bare star after ``_`` / ``^`` is one symbol, as LaTeX sets it
    (the same as ``B_{*}``); after ``\\frac`` it is no argument."""
    return t.kind == "MULOP" and t.value == "*" and owner is not None \
        and owner.kind in ("SUB", "SUP")


def canon(clause: list, source: str) -> list:
    """Canonicalise one clause: every argument of ``_`` ``^`` ``\\frac`` in braces (``x_12``
    is ``x_{1}2``, ``\\frac12`` is ``\\frac{1}{2}``); free braces around one token dropped;
    ``^T`` ``^\\top`` -> TRANSPOSE, ``^{(2)}`` -> LAYER, ``\\in R`` -> REALS; in ``R^{a \\times b}``
    the product signs become commas."""
    toks = _function_braces(list(clause))
    out: list = []
    stack: list = []            # (kind, index in out of '{', pending after close)
    pending = 0
    owner = None
    i = 0
    while i < len(toks):
        t = toks[i]
        i += 1
        k = t.kind
        if pending:
            if k == "LBRACE":
                stack.append(("arg", len(out), pending - 1))
                pending = 0
                out.append(t)
                continue
            if k == "NUMBER" and len(t.value) > 1:
                toks.insert(i, _shift(t, "NUMBER", t.value[1:], 1))
                t = _shift(t, "NUMBER", t.value[0], 0)
            elif k not in ARGABLE and not _star_script(t, owner):
                raise err(f"expected '{{' or a single symbol after {_show_owner(owner)}",
                          t, source)
            out += [t.at("LBRACE", "{"), t, t.at("RBRACE", "}")]
            pending -= 1
            continue
        if k == "LBRACE":
            stack.append(("free", len(out), 0))
            out.append(t)
            continue
        if k == "RBRACE":
            kind, at, after = stack.pop()
            inside = len(out) - at - 1
            if kind == "free" and inside == 1:
                inner = out.pop()
                out.pop()
                out.append(inner)
            elif kind == "free" and inside == 0:
                out.pop()
            else:
                out.append(t)
            pending = after
            continue
        if k in ("SUB", "SUP"):
            pending, owner = 1, t
        elif k == "FRAC":
            pending, owner = 2, t
        out.append(t)
    if pending:
        raise err(f"{_show_owner(owner)} is missing its argument", owner, source)
    return _special(out, source)


# functions whose braces are a set (\\min\\{a, b\\}, the operators of read/optimum.py)
SET_FUNCTIONS = {"min", "max"}


def _function_braces(toks: list) -> list:
    """``\\exp\\{-\\frac12 x^Tx\\}``, ``\\exp\\left\\{ ... \\right\\}``: braces written right after a
    function are its parentheses (as densities write them; a function of a set is not
    read), so they become LPAR ... RPAR."""
    for i in range(len(toks) - 1):
        if toks[i].kind == "FUNC" and toks[i].value not in SET_FUNCTIONS and \
                toks[i + 1].kind == "LSET":
            j = _match(toks, i + 1)
            if toks[j].kind == "RSET":
                toks[i + 1] = toks[i + 1].at("LPAR", "(")
                toks[j] = toks[j].at("RPAR", ")")
    return toks


def _match(toks, i):
    """toks[i] is an opener kind: index of its closer."""
    opener, closer = toks[i].kind, OPENERS[toks[i].kind]
    depth = 0
    for j in range(i, len(toks)):
        if toks[j].kind == opener:
            depth += 1
        elif toks[j].kind == closer:
            depth -= 1
            if depth == 0:
                return j
    return len(toks) - 1


def _span_tok(a, b, kind, value):
    t = a.at(kind, value)
    if b.end_line >= a.line:
        t.end_line, t.end_col = b.end_line, b.end_col
    return t


def _big_limit(out) -> bool:
    """Is a superscript that comes after `out` the upper limit of a sum or product
    (``\\sum^{T}``, ``\\sum_{t=1}^{T}``)? Then ``^{T}`` is the limit T, a time horizon, not
    a transpose."""
    if out and out[-1].kind == "BIG":
        return True
    if not out or out[-1].kind != "RBRACE":
        return False
    depth = 0
    for j in range(len(out) - 1, -1, -1):
        depth += {"RBRACE": 1, "LBRACE": -1}.get(out[j].kind, 0)
        if depth == 0:
            return j >= 2 and out[j - 1].kind == "SUB" and out[j - 2].kind == "BIG"
    return False


def _special(toks, source):
    out: list = []
    i, n = 0, len(toks)
    while i < n:
        t = toks[i]
        k = t.kind
        if k == "SUP" and i + 1 < n and toks[i + 1].kind == "LBRACE":
            e = _match(toks, i + 1)
            inner = toks[i + 2:e]
            kinds = [x.kind for x in inner]
            is_t = lambda x: x.kind == "TOPSYM" or (x.kind == "NAME" and x.value == ("T", None))
            if len(inner) == 1 and is_t(inner[0]) and not _big_limit(out):
                out.append(_span_tok(t, toks[e], "TRANSPOSE", "T"))
                i = e + 1
                continue
            if len(inner) >= 2 and kinds[0] == "HAD" and inner[0].value == "hadamard":
                # X^{\circ p}: the Hadamard (entrywise) power
                out += [t.at("HPOW", "^"), toks[i + 1]]
                i += 3
                continue
            if len(inner) == 2 and kinds[0] == "MINUS" and is_t(inner[1]):
                tr = _span_tok(t, toks[e], "TRANSPOSE", "T")
                out += [tr, t.at("SUP"), t.at("LBRACE", "{"), inner[0],
                        inner[1].at("NUMBER", "1"), toks[e]]
                i = e + 1
                continue
            if len(inner) >= 3 and kinds[0] == "LPAR" and kinds[-1] == "RPAR" and \
                    all(x in ("NAME", "NUMBER", "PLUS", "MINUS") for x in kinds[1:-1]) and \
                    (len(inner) == 3 or kinds[1] != "MINUS"):
                text = "".join(x.value[0] if x.kind == "NAME" else x.value for x in inner[1:-1])
                out.append(_span_tok(t, toks[e], "LAYER", text))
                i = e + 1
                continue
        if k == "NAME" and t.value == ("R", None) and out and out[-1].kind == "IN":
            t, k = t.at("REALS", "R"), "REALS"   # plain R^{n\times m}: a matrix, as \mathbb{R}
        if k == "REALS" and i + 2 < n and toks[i + 1].kind == "SUP" and toks[i + 2].kind == "LBRACE":
            e = _match(toks, i + 2)
            out += [t, toks[i + 1], toks[i + 2]]
            depth = 0
            for x in toks[i + 3:e]:
                if x.kind in OPENERS or x.kind in ("NORM_OPEN", "ABS_OPEN"):
                    depth += 1
                elif x.kind in CLOSERS or x.kind in ("NORM_CLOSE", "ABS_CLOSE"):
                    depth -= 1
                out.append(x.at("COMMA", ",") if depth == 0 and x.kind == "MULOP" else x)
            out.append(toks[e])
            i = e + 1
            continue
        if k == "TOPSYM":
            raise err("\\top is only read as a transpose (^\\top)", t, source)
        out.append(t)
        i += 1
    return out
