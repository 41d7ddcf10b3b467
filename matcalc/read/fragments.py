"""Fragments of a pasted post: what an unreadable fragment would have defined, and
renamings written with arrows.

Contract: `guess_tokens(clause, parse_expr)` and `guess_raw(raw, source, macros,
parse_expr)` return (defines, declares): the names (syntax expressions) that a fragment
which cannot be read looks like it defines (the name before its first top-level ``=`` /
``:=``) or declares (the names before ``\\in``, with a list such as ``\\alpha, \\beta``).
They never raise: a guess that cannot be made is empty. `renames(clause, parse_expr)`
reads ``\\big(I \\to A,\\; N \\to n\\big)`` as renamings (a list of pairs of names, or one pair
in parentheses; ``n \\to \\infty`` is none), or returns None. `parse_expr(toks)`
is the caller's parser of one clause of grammar tokens (it raises ParseError).
"""
from __future__ import annotations

from . import syntax as S
from ..errors import ParseError
from .clauses import CLOSERS, GROUP_CLOSERS, GROUP_OPENERS, OPENERS, split_rows
from .macros import expand
from .tokens import SEP_WORDS, Tok
from .words import clean, words

RELATIONS = ("REL", "IN")
# raw tokens that end a clause of a fragment (at brace depth 0)
RAW_SEPARATORS = {("char", ","), ("char", ";"), ("cmd", "\\"), ("cmd", "quad"),
                  ("cmd", "qquad"), ("cmd", ";"), ("cmd", "implies"), ("cmd", "Rightarrow"),
                  ("cmd", "iff"), ("cmd", "cr")}
RAW_ENDS = {"newline", "break", "begin", "end", "text"}
ROWS_GROUP = {"eqalign", "eqalignno", "displaylines"}


def _namelike(e) -> bool:
    return isinstance(e, S.Sym) or (isinstance(e, S.Sub) and isinstance(e.base, S.Sym))


def _target(e):
    """The name a left-hand side defines: ``f`` of ``f(x)``, ``K_{ij}``, ``\\alpha``."""
    if isinstance(e, S.Apply):
        e = e.func
    return e if _namelike(e) else None


def _lhs_of(clause, parse_expr):
    """(relation kind, the left side's name or None, the left side's parsed value or None)
    of one clause of grammar tokens; (None, ...) when there is no top-level relation."""
    depth = 0
    for k, t in enumerate(clause):
        if t.kind in GROUP_OPENERS:
            depth += 1
        elif t.kind in GROUP_CLOSERS:
            depth -= 1
        elif depth == 0 and t.kind in RELATIONS:
            return t.kind, _parsed_name(clause[:k], parse_expr)
    return None, _parsed_name(clause, parse_expr)


def _parsed_name(toks, parse_expr):
    if not toks:
        return None
    try:
        st = parse_expr(toks)
    except (ParseError, IndexError, RecursionError):   # a guess: unbalanced input is no name
        return None
    if isinstance(st, S.Bare):
        return _target(st.value)
    return None


def _collect(clauses, parse_expr):
    """Guess over consecutive clauses: bare names before a declaration join it."""
    defines, declares, pending = [], [], []
    for clause in clauses:
        kind, name = _lhs_of(clause, parse_expr)
        if kind is None:
            pending = pending + [name] if name is not None else []
            continue
        if name is None:
            pending = []
            continue
        if kind == "IN":
            declares.extend(pending + [name])
        else:
            defines.append(name)
        pending = []
    return tuple(defines), tuple(declares)


def guess_tokens(clauses, parse_expr):
    """(defines, declares) of clauses of grammar tokens (see the module docstring)."""
    return _collect(clauses, parse_expr)


def guess_raw(raw, source, macros, parse_expr):
    """(defines, declares) of a fragment known only by its raw tokens (it could not be
    lexed): each top-level piece between separators is lexed on its own."""
    clauses, piece, depth, groups = [], [], 0, []

    def flush():
        # only the left side is lexed (the right side is what could not be read), with a
        # relation of the same kind put back after it
        lhs, rel = _raw_lhs(piece)
        if lhs:
            try:
                toks = words(clean(expand(lhs + rel + [_break(piece[-1])], source,
                                          dict(macros)), source), source)
                for row in split_rows(toks, source):
                    clauses.extend(row)
            except (ParseError, IndexError, RecursionError):
                clauses.append([])
        piece.clear()

    prev = None
    words_at = _separator_words(raw)     # \tilde u \in R^d and \pi \in R: "and" separates
    for k, t in enumerate(raw):
        if k in words_at:
            if words_at[k]:
                flush()
            continue
        if t.kind == "{" and prev is not None and prev.kind == "cmd" and prev.value in ROWS_GROUP:
            groups.append(True)          # \eqalign{ ... }: its rows are at the top level
            flush()
            prev = t
            continue
        if t.kind == "{":
            groups.append(False)
        if t.kind == "}" and groups and groups.pop():
            flush()
            prev = t
            continue
        prev = t
        if t.kind == "cmd" and t.value in ROWS_GROUP:
            continue
        if t.kind == "{" or (t.kind == "char" and t.value in "(["):
            depth += 1
        elif t.kind == "}" or (t.kind == "char" and t.value in ")]"):
            depth = max(0, depth - 1)
        if t.kind == "text" and (depth > 0 or _text_name(raw, k)):
            piece.append(t)              # L_{\text{train}} =, \text{out} =: part of a name
            continue
        if t.kind in RAW_ENDS or (depth == 0 and (t.kind, t.value) in RAW_SEPARATORS):
            flush()
            if (t.kind, t.value) in (("char", ","),):
                continue
            continue
        if t.kind == "char" and t.value == "&":
            continue
        piece.append(t)
    flush()
    return _collect(clauses, parse_expr)


def _text_name(raw, k) -> bool:
    """Whether the text token raw[k] is a name (``\\text{out} = ...``, ``\\text{out}_k``):
    followed by a relation or a sub/superscript, and not a separating word."""
    if raw[k].value.strip() in SEP_WORDS or k + 1 >= len(raw):
        return False
    nxt = raw[k + 1]
    if nxt.kind == "char" and nxt.value == ":" and k + 2 < len(raw):
        nxt = raw[k + 2]
    return (nxt.kind, nxt.value) in RAW_RELATIONS or (nxt.kind == "char" and nxt.value in "_^")


def _separator_words(raw) -> dict:
    """{position: True at the first letter, False at the others} of the words that separate
    clauses (tokens.SEP_WORDS: ``and``, ``where``, ...) written as runs of letters in the
    raw tokens, as words.py reads them when the fragment can be lexed."""
    out, k, n = {}, 0, len(raw)
    while k < n:
        if raw[k].kind == "letter" and (k == 0 or raw[k - 1].kind != "letter" or raw[k].sp):
            j = k + 1
            while j < n and raw[j].kind == "letter" and not raw[j].sp:
                j += 1
            if "".join(t.value for t in raw[k:j]) in SEP_WORDS:
                out.update({m: m == k for m in range(k, j)})
            k = j
        else:
            k += 1
    return out


RAW_RELATIONS = {("char", "="), ("cmd", "in"), ("cmd", "coloneqq"), ("cmd", "triangleq"),
                 ("cmd", "equiv")}


def _raw_lhs(piece):
    """(the raw tokens before the first top-level relation, [that relation and a stand-in
    right side]); the whole piece and [] when there is no relation."""
    depth = 0
    for k, t in enumerate(piece):
        if t.kind == "{" or (t.kind == "char" and t.value in "(["):
            depth += 1
        elif t.kind == "}" or (t.kind == "char" and t.value in ")]"):
            depth = max(0, depth - 1)
        elif depth == 0 and (t.kind, t.value) in RAW_RELATIONS:
            k0 = k - 1 if k and piece[k - 1].kind == "char" and piece[k - 1].value == ":" else k
            stand_in = Tok("letter", "x", t.line, t.col, t.end_line, t.end_col, True)
            if t.value == "in":
                stand_in = Tok("cmd", "R", t.line, t.col, t.end_line, t.end_col, True)
            return list(piece[:k0]), [t, stand_in]
    return list(piece), []


def _break(t):
    b = Tok("break", "", t.line, t.col, t.end_line, t.end_col, False)
    return b


def renames(clause, parse_expr):
    """``(I \\to A, N \\to n)`` or ``I \\to A``: [(old, new, first token, last token)],
    or None when the clause is not a list of renamings of names."""
    toks = list(clause)
    wrapped = len(toks) >= 2 and toks[0].kind == "LPAR" and toks[-1].kind == "RPAR"
    if wrapped:
        toks = toks[1:-1]
    parts, cur, depth = [], [], 0
    for t in toks:
        if t.kind in OPENERS:
            depth += 1
        elif t.kind in CLOSERS:
            depth -= 1
        if depth == 0 and t.kind == "COMMA":
            parts.append(cur)
            cur = []
            continue
        cur.append(t)
    parts.append(cur)
    out = []
    for part in parts:
        arrows = [k for k, t in enumerate(part) if t.kind == "MAPSTO"]
        if len(arrows) != 1:
            return None
        k = arrows[0]
        old, new = _parsed_name(part[:k], parse_expr), _parsed_name(part[k + 1:], parse_expr)
        if old is None or new is None or not _namelike(old) or not _namelike(new) or \
                _base(new).name in NOT_NAMES or _base(old).name in NOT_NAMES:
            return None
        out.append((old, new, part[0], part[-1]))
    # a renaming is a list of them, or one in parentheses: ``x \to y`` alone is more
    # likely a limit or a map than a renaming
    return out if out and (wrapped or len(out) > 1) else None


NOT_NAMES = {"infty", "partial", "nabla"}


def _base(e):
    return e.base if isinstance(e, S.Sub) else e
