"""Names introduced by a restatement: ``ds = {\\rm Diag}(s')\\,dz \\;=\\; S'\\,dz``.

A chain of equalities whose two neighbouring sides are the same expression except that, in
one place, the later side has a name that the document never declares or defines where the
earlier side has an expression, introduces that name for the expression: here S' is
Diag(s'). Seed 001 writes this way, and then uses S' in every later step.

Contract: `named_by_restatement(doc)` returns the Document with each such name defined
(an `S.Def` placed right after the chain) and a note of kind "inferred" saying what was read
and where; a Document with nothing to name is returned unchanged. A side pair that differs
in more than one place, or where the name also stands elsewhere in the side, names nothing.
"""
from __future__ import annotations

import dataclasses

from .. import names
from ..notes import Note, excerpt
from . import syntax as S


def named_by_restatement(doc: S.Document) -> S.Document:
    known = _known(doc)
    out, notes, named = [], [], set()
    for st in doc.statements:
        out.append(st)
        if not (isinstance(st, S.Def) and st.middle):
            continue
        sides = list(st.middle) + [st.value]
        for a, b in zip(sides, sides[1:]):
            got = _introduced(a, b, known | named)
            if got is None:
                continue
            name, expr = got
            kw = names.keyword_of(name)
            named.add(kw)
            out.append(S.Def(target=name, params=None, value=expr, span=name.span))
            text = excerpt(doc.source, S.Span(a.span.line, a.span.column, b.span.end_line,
                                              b.span.end_column))
            notes.append(Note(name.span.line, name.span.column,
                              f"{excerpt(doc.source, name.span)} read as "
                              f"{excerpt(doc.source, expr.span)} (the two sides of the "
                              f"restatement differ only there)", text, "inferred"))
    if not notes:
        return doc
    return dataclasses.replace(doc, statements=tuple(out), notes=tuple(doc.notes) + tuple(notes))


def _known(doc) -> set:
    """Keywords the document declares or defines (their own meaning wins)."""
    out = set()
    for st in doc.statements:
        targets = getattr(st, "targets", None) or (getattr(st, "target", None),)
        for t in targets:
            if t is None:
                continue
            out.add(names.keyword_of(t))
            if isinstance(t, S.Sub):
                out.add(names.keyword_of(t.base))
    return out - {None}


def _introduced(a, b, known):
    """(name, expression) when b is a with one sub-expression replaced by a name that is
    not in `known` (or a is b so, the other way round); None otherwise."""
    diffs = []
    if not _diff(a, b, diffs) or len(diffs) != 1:
        return None
    x, y = diffs[0]
    for expr, name, side in ((x, y, b), (y, x, a)):
        kw = names.keyword_of(name) if isinstance(name, S.Sym) else None
        if kw is None or kw in known or isinstance(expr, S.Sym) or \
                not getattr(expr, "span", None) or not expr.span.line:
            continue
        if sum(1 for n in _walk(side) if isinstance(n, S.Sym) and
               names.keyword_of(n) == kw) != 1 or any(
                isinstance(n, S.Sym) and names.keyword_of(n) == kw for n in _walk(expr)):
            continue
        return name, expr
    return None


def _diff(a, b, out) -> bool:
    """Collect in `out` the outermost pairs of sub-trees where a and b differ; False when
    they differ in their shape above those (then nothing is collected that means much)."""
    if a == b:
        return True
    if type(a) is not type(b) or not dataclasses.is_dataclass(a) or isinstance(a, S.Sym):
        out.append((a, b))
        return True
    same_kind = all(getattr(a, f.name) == getattr(b, f.name) for f in dataclasses.fields(a)
                    if f.name != "span" and not _has_nodes(getattr(a, f.name))
                    and not _has_nodes(getattr(b, f.name)))
    ca, cb = list(S.children(a)), list(S.children(b))
    if not same_kind or len(ca) != len(cb):
        out.append((a, b))
        return True
    return all(_diff(x, y, out) for x, y in zip(ca, cb))


def _has_nodes(v) -> bool:
    return any(dataclasses.is_dataclass(x) and not isinstance(x, S.Span)
               for x in (v if isinstance(v, tuple) else (v,)))


def _walk(e):
    yield e
    for c in S.children(e):
        yield from _walk(c)
