"""Equations stated after an implication arrow: ``\\Rightarrow \\|r\\|^2 = x^TA^TAx - ...``.

Contract: `implied_equations(toks, dropped, parse_expr, source) -> list[S.Def]`. The clause
splitter drops what follows ``\\implies`` / ``\\Rightarrow`` to the end of its row (a
differential step, usually) and lists it in `dropped` as ("differential", the arrow token,
the last token). Each such piece that reads as an equation whose left side is an
expression -- not a name, not a differential -- is returned (as a `Def` with that left
side as `target`), so lowering may take it as the objective where nothing else is one
(`lower/implied.py`). The statements of the document are unchanged; a piece that does not
parse is left out. Never raises.
"""
from __future__ import annotations

from ..errors import ParseError
from . import syntax as S
from .clauses import split_rows


def implied_equations(toks, dropped, parse_expr, source) -> list:
    where = {id(t): j for j, t in enumerate(toks)}
    out = []
    for kind, first, last in dropped:
        if kind != "differential" or id(first) not in where or id(last) not in where:
            continue
        piece = toks[where[id(first)] + 1:where[id(last)] + 1]
        if not piece:
            continue
        try:
            rows = split_rows(piece + [piece[-1].at("BREAK", "")], source)
            if len(rows) != 1 or len(rows[0]) != 1:
                continue
            st = parse_expr(rows[0][0])
        except (ParseError, IndexError, RecursionError):
            continue
        if isinstance(st, list):
            if len(st) != 1:
                continue
            st = st[0]
        if isinstance(st, S.Def) and st.target is not None and st.params is None and \
                not isinstance(st.target, (S.Sym, S.Sub)):
            span = S.Span(piece[0].line, piece[0].col, last.end_line, last.end_col)
            out.append(S.Def(st.target, None, st.value, st.middle, span=span))
    return out
