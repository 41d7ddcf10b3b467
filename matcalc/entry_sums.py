"""A claim whose left side is an expression in ONE entry of a gradient, summed over an
index (the Matrix Cookbook's ``\\sum_k \\frac{\\partial \\det(\\mathbf{X})}{\\partial X_{ik}}
X_{jk} = \\delta_{ij} \\det(\\mathbf{X})``), judged on a list of identities.

Contract: `judge_entry_sum(page, group_head, seed, trials)` returns (status, reason) with
status "right" or "wrong", or None when the claim is not of that form or cannot be
judged so (the caller then reports it unchecked). The form: the left side holds exactly
one derivative ``\\partial F / \\partial V_{ab}`` of a function F written out, by an entry of
a declared matrix V whose axes have one size (so that every free index runs over it); the
indices left free on the left side after its sums are as many as V's axes. Then the
gradient G of F by V (derived by matcalc) is put in place of the derivative as a matrix
``\\check G`` with G's values at the random points, and both sides are evaluated there as
index expressions in the free indices (``[i, j]``) and compared, as any claim is. Nothing
is judged on a guess: any step that does not fit gives None.
"""
from __future__ import annotations

import dataclasses

from . import names
from .errors import MatcalcError
from .lower.base import walk_syntax
from .lower.claimpartials import after_d
from .lower.classify import is_derivative
from .read import syntax as S

_STAND_IN = S.Sym("G", accent="check")        # the gradient's entries, \check G_{ab}


def _replace(e, old, new):
    """`e` with the node `old` (that very object) replaced by `new` (syntax is frozen)."""
    if e is old:
        return new
    if not dataclasses.is_dataclass(e):
        return e
    changes = {}
    for f in dataclasses.fields(e):
        v = getattr(e, f.name)
        if isinstance(v, tuple):
            nv = tuple(_replace(x, old, new) for x in v)
            changed = any(a is not b for a, b in zip(nv, v))
        elif dataclasses.is_dataclass(v):
            nv = _replace(v, old, new)
            changed = nv is not v
        else:
            continue
        if changed:
            changes[f.name] = nv
    return dataclasses.replace(e, **changes) if changes else e


def _free_indices(e) -> list:
    """The index letters of `e`'s subscripts that no sum in `e` binds, in order."""
    bound, out = set(), []
    for n in walk_syntax(e):
        if isinstance(n, S.BigOp):
            bound.update(names.keyword_of(i) for i in n.indices)
    for n in walk_syntax(e):
        if isinstance(n, S.Sub):
            for s in n.subs:
                for x in walk_syntax(s):
                    if isinstance(x, S.Sym) and names.keyword_of(x) not in bound and \
                            x.name not in [o.name for o in out]:
                        out.append(x)
    return sorted(out, key=lambda x: (x.span.line, x.span.column))


def _declaration_of(document, kw):
    for st in document.statements:
        if isinstance(st, S.Decl) and any(names.keyword_of(t) == kw for t in st.targets):
            return st
    return None


def judge_entry_sum(document: S.Document, head: S.Def, seed: int = 0, trials: int = 3):
    """(status, reason) of the claim `head` of `document` (see the module docstring), read
    with the document's declarations alone, or None."""
    page = dataclasses.replace(document, statements=tuple(
        st for st in document.statements if isinstance(st, S.Decl)) + (head,))
    from .api import gradient
    from .check import Judge
    derivs = [n for n in walk_syntax(head.target) if isinstance(n, S.Frac) and is_derivative(n)]
    if len(derivs) != 1 or head.middle:
        return None
    d = derivs[0]
    fn, den = after_d(d.num), after_d(d.den)
    if fn is None or not isinstance(den, S.Sub) or not isinstance(den.base, S.Sym):
        return None
    kw = names.keyword_of(den.base)
    decl = _declaration_of(page, kw)
    if decl is None or len(decl.space.dims) != 2 or decl.space.dims[0] != decl.space.dims[1]:
        return None
    if any(names.keyword_of(n) == names.keyword_of(_STAND_IN)
           for st in page.statements for n in S.walk(st) if isinstance(n, S.Sym)):
        return None
    free = _free_indices(head.target)
    theirs = {x.name for x in _free_indices(head.value)}
    if len(free) != 2 or (theirs and theirs != {x.name for x in free}):
        return None
    others = [st for st in page.statements if st is not head]
    stand_in = S.Decl((_STAND_IN,), decl.space, span=decl.span)
    try:
        doc = dataclasses.replace(page, statements=tuple(others) +
                                  (stand_in, S.Bare(fn, span=fn.span)))
        g = gradient(doc, kw)
        judge = Judge(doc, g, seed, trials)
        stand = names.python_name(names.keyword_of(_STAND_IN))
        for point, value in zip(judge.points, judge.expected):
            point[stand] = value
        lhs = _replace(head.target, d, S.Sub(_STAND_IN, den.subs, span=d.span))
        _, got = judge.evaluate(lhs, tuple(free), [], page.source)
        _, want = judge.evaluate(head.value, tuple(free), [], page.source)
        out = judge.compare(got, want)
    except (MatcalcError, KeyError, ValueError, TypeError):
        return None
    latex = names.latex_of(den.base)
    if out.ok:
        return "right", (f"both sides agree at every point tried, indexed [{free[0].name}, "
                         f"{free[1].name}], with the derivative by ${latex}$'s entries taken "
                         f"from the gradient matcalc derives")
    return "wrong", (f"the two sides differ ({out.diagnosis}), indexed [{free[0].name}, "
                     f"{free[1].name}], with the derivative by ${latex}$'s entries taken from "
                     f"the gradient matcalc derives")
