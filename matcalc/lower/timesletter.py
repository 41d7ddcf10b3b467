"""``X \\in R^{D x N}``: the letter x written for the times sign in a space's exponent.

Contract: `times_letter(stmts) -> (stmts, [(decl, reason)])` is a pure function of the
statements. A declaration's exponent that is one juxtaposition of three factors
``a x b`` -- a, b sizes (a number or a plain name), x the plain letter x -- is read as the
shape a×b where the letter x is no name or size of the document: it is the target of no
declaration, definition or index range, and it stands in no other exponent, index range
or sum bound except as such a middle letter. Elsewhere the exponent is left as written
(the product of three sizes, as before). Each rewritten declaration is returned with the
reason the lowerer notes.
"""
from __future__ import annotations

import dataclasses

from .. import names
from ..read import syntax as S
from .base import chain_factors, walk_syntax

LETTER = "x"


def _plain(e) -> bool:
    return isinstance(e, S.Num) or (isinstance(e, (S.Sym, S.Sub)) and
                                    names.keyword_of(e) not in (None, LETTER))


def _times(d):
    """(a, b) when the exponent `d` is ``a x b``, else None."""
    if not (isinstance(d, S.BinOp) and d.op == S.MUL):
        return None
    factors, signs = chain_factors(d)
    if len(factors) != 3 or any(signs):
        return None
    a, x, b = factors
    if not (isinstance(x, S.Sym) and x.name == LETTER and x.accent is None and
            x.layer is None and not x.primes and x.sup is None):
        return None
    return (a, b) if _plain(a) and _plain(b) else None


def _named(stmts) -> bool:
    """Does the document make the letter x a name or a size (other than in ``a x b``)?"""
    for st in stmts:
        if isinstance(st, S.Decl):
            if any(names.keyword_of(t) == LETTER for t in st.targets):
                return True
            if st.space.kind == "range" and any(
                    names.keyword_of(n) == LETTER for d in st.space.dims
                    for n in walk_syntax(d) if isinstance(n, S.Sym)):
                return True
            for d in st.space.dims:
                if st.space.kind != "range" and _times(d) is not None:
                    continue
                if any(isinstance(n, S.Sym) and names.keyword_of(n) == LETTER
                       for n in walk_syntax(d)):
                    return True
        elif isinstance(st, S.Def) and st.target is not None and \
                names.keyword_of(st.target) == LETTER:
            return True
        elif isinstance(st, S.Range) and (
                names.keyword_of(st.index) == LETTER or
                any(isinstance(n, S.Sym) and names.keyword_of(n) == LETTER
                    for b in (st.lower, st.upper) for n in walk_syntax(b))):
            return True
        for node in walk_syntax(st):
            if isinstance(node, S.BigOp) and any(
                    isinstance(n, S.Sym) and names.keyword_of(n) == LETTER
                    for b in (node.lower, node.upper) if b is not None
                    for n in walk_syntax(b)):
                return True
    return False


def times_letter(stmts):
    hits = [k for k, st in enumerate(stmts) if isinstance(st, S.Decl) and
            st.space.kind == "real" and len(st.space.dims) == 1 and
            _times(st.space.dims[0]) is not None]
    if not hits or _named(stmts):
        return stmts, []
    out, read = list(stmts), []
    for k in hits:
        st = stmts[k]
        a, b = _times(st.space.dims[0])
        space = dataclasses.replace(st.space, dims=(a, b))
        out[k] = dataclasses.replace(st, space=space)
        targets = ", ".join(names.latex_of(t) for t in st.targets)
        read.append((out[k], f"{_text(a)} x {_text(b)} in the space of {targets}: the letter "
                             f"x read as the times sign, {_text(a)}×{_text(b)} (x is not "
                             f"declared or defined, and is no size of the document)"))
    return out, read


def _text(e) -> str:
    return e.value if isinstance(e, S.Num) else names.latex_of(e)
