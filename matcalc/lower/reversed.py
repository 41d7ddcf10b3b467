"""A definition written right to left: ``X \\hat{\\mathbf{w}} = \\hat{\\mathbf{y}}``.

Contract: `right_to_left(st, known, defined, used) -> S.Def | None`, a pure function of
one `Def` statement. Posts name a value after writing it (``X\\hat{w} = \\hat{y}``, then use
``\\hat{y}``). Such a statement is read as the definition ``\\hat{y} = X\\hat{w}`` only when
that is its one reading:

  - its left side is an expression, not a name (else it is an ordinary definition), with
    no derivative or differential in it (those are claims);
  - its right side is a single name marked as a computed quantity by an accent (``\\hat y``,
    ``\\tilde y``, ``\\bar y``: a prediction or an estimate), no arguments, no chained
    equalities, that is
    not in `known` (declared as an array, a dimension, an index, or a known function),
    not in `defined` (the left side of any other definition of the document), and in
    `used` (written in another statement: a name nothing uses is not worth a definition,
    and must not become the objective by standing last).

`named_right(st, known, defined, used, beside) -> (how, S.Def) | None` reads the same
statement with an unaccented name on the right, ``\\mathbf{L}\\mathbf{L}^\\top =
\\bm{\\Sigma}`` (corpus 160: a factorisation written right to left), where the left side
is an expression of known names (`known` or `defined`; never the right name itself) and
the right name is used elsewhere but never in one expression with a name of the left side
(`beside(kw)`: the names written beside it). That last condition tells a definition from
a model equation of data: ``Ax = b`` beside ``\\|Ax - b\\|^2`` is an equation a post
fits (turned around, the objective would be 0), while a Σ the formulas use only where
LLᵀ would stand is LLᵀ's name. `how` says what the reading needs:

  - "define": the name is declared nowhere and defined nowhere else: its definition;
  - "rival": the name is defined elsewhere too: one more definition of it, which the
    lowering compares with the other (the same values, noted; else refused as two);
  - "declared": the name is declared as data: two readings (the data the equation models,
    or its definition written right to left), which the caller refuses naming both.

Anything else stays what `classify.kind_of_def` says (a relation, which defines nothing):
``Ax = b`` beside ``\\|Ax - b\\|^2``, with b declared or not, stays an equation of data.
"""
from __future__ import annotations

from .. import names
from ..read import syntax as S
from .base import walk_syntax
from .classify import has_derivative, is_derivative, is_differential, namelike

MARKED = ("hat", "tilde", "bar", "check")   # accents that mark a computed quantity


def right_to_left(st: S.Def, known: set, defined: set, used: set) -> S.Def | None:
    t, v = st.target, st.value
    if t is None or namelike(t) or st.params is not None or st.middle:
        return None
    if not isinstance(v, S.Sym) or v.accent not in MARKED:
        return None
    kw = names.keyword_of(v)
    if kw is None or kw in known or kw in defined or kw not in used:
        return None
    if has_derivative(t) or any(is_differential(n) or is_derivative(n)
                                for n in walk_syntax(t)):
        return None
    if isinstance(t, (S.Num, S.Stack)):
        return None
    return S.Def(v, None, t, span=st.span)


def named_right(st: S.Def, known: set, defined: set, used: set, beside) -> tuple | None:
    t, v = st.target, st.value
    if t is None or namelike(t) or st.params is not None or st.middle:
        return None
    if not isinstance(v, S.Sym) or isinstance(t, (S.Num, S.Stack)):
        return None
    kw = names.keyword_of(v)
    if kw is None or kw not in used:
        return None
    if has_derivative(t) or any(is_differential(n) or is_derivative(n)
                                for n in walk_syntax(t)):
        return None
    left = {names.keyword_of(n) for n in walk_syntax(t) if isinstance(n, S.Sym)} - {None}
    if not left or kw in left or not left <= (known | defined) or left & beside(kw):
        return None
    how = "rival" if kw in defined else "declared" if kw in known else "define"
    return how, S.Def(v, None, t, span=st.span)


def names_beside(statements, skip):
    """A function: kw -> the keywords of the names written in one expression with the
    name kw (a target, a value, a member of a chain) in `statements` other than the one
    at index `skip`."""
    parts = []
    for k, st in enumerate(statements):
        if k == skip:
            continue
        for f in ("target", "value", "middle"):
            v = getattr(st, f, None)
            for x in (v if isinstance(v, tuple) else (v,)):
                if x is not None and hasattr(x, "__dataclass_fields__"):
                    parts.append({names.keyword_of(n) for n in walk_syntax(x)
                                  if isinstance(n, S.Sym)} - {None})

    def beside(kw):
        return set().union(*[p for p in parts if kw in p]) - {kw}
    return beside


def names_used(statements, skip) -> set:
    """Keywords of the names written in `statements` other than the one at index `skip`."""
    out = set()
    for k, st in enumerate(statements):
        if k == skip:
            continue
        for f in ("target", "value", "middle", "params"):
            v = getattr(st, f, None)
            for x in (v if isinstance(v, tuple) else (v,)):
                if x is None or not hasattr(x, "__dataclass_fields__"):
                    continue
                for n in walk_syntax(x):
                    if isinstance(n, S.Sym):
                        out.add(names.keyword_of(n))
    out.discard(None)
    return out
