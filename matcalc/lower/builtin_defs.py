"""A document's own definition of a built-in function's name, asked for as the objective:
``\\mathrm{logsumexp}(\\mathbf{x}) := \\log\\left(\\sum_i \\exp(x_i)\\right)`` with
objective ``\\mathrm{logsumexp}(\\mathbf{x})``.

Contract: `own_builtin(st, objective) -> S.Def | None`, pure. A statement whose left side
is a known function applied to names (an `S.Call`, no prime) is otherwise a statement about
that function and defines nothing. When the objective asked for (`objective`, LaTeX text)
is that same function at the same arguments, the user's definition is what is asked for:
it is returned as the definition of a name spelled like the function (``\\mathrm{logsumexp}``,
keyword ``logsumexp``) with the arguments as parameters, so the user's formula -- not the
built-in -- is differentiated. An argument the document defines (`defined`, keywords) is
no parameter: ``tr(M_k) = ...`` after ``M_k = ...`` is an identity about the trace of M_k
(`identities.py`), and None is returned. Anything else returns None.
"""
from __future__ import annotations

from .. import names
from ..errors import MatcalcError
from ..read import syntax as S
from .classify import namelike


def _call_of_text(text):
    from ..read.parse import parse
    try:
        st = parse(text).statements[-1]
    except (MatcalcError, IndexError, RecursionError):
        return None
    return st.value if isinstance(st, S.Bare) and isinstance(st.value, S.Call) else None


def own_builtin(st: S.Def, objective, defined=()) -> S.Def | None:
    t = st.target
    if objective is None or not isinstance(t, S.Call) or t.primes or st.params is not None:
        return None
    if not t.args or not all(namelike(a) for a in t.args):
        return None
    if any(names.keyword_of(a) in defined for a in t.args):
        return None         # tr(M_k) = ... with M_k defined: an identity (identities.py)
    asked = _call_of_text(objective)
    if asked is None or asked.func != t.func or asked.primes or \
            [names.keyword_of(a) for a in asked.args] != [names.keyword_of(a) for a in t.args]:
        return None
    return S.Def(S.Sym(t.func, span=t.span), tuple(t.args), st.value, st.middle, span=st.span)


def objective_of_call(objective):
    """The keyword `own_builtin` gives the objective ``\\mathrm{logsumexp}(\\mathbf{x})``."""
    asked = _call_of_text(objective) if objective is not None else None
    return names.keyword_of(S.Sym(asked.func)) if asked is not None else None
