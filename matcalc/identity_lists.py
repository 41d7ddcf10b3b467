"""A list of claimed identities, each judged on its own (`check_all` on such a page).

Contract: a page that defines nothing and claims two or more derivatives, each of its OWN
function (the Matrix Cookbook's ``\\frac{\\partial \\det(\\mathbf{X})}{\\partial \\mathbf{X}}
= ...``, a cheat sheet's ``\\frac{\\partial}{\\partial X} \\mathrm{tr}(XA) = A^\\top``), has no
single objective: `gradient` refuses it, naming two of the functions. `identity_groups`
recognises such a page from its syntax; `check_each` judges every claim against the
function under its own derivative operator, by reading the page with only that claim
(and the lines that continue it) beside its declarations and prose, and running the one-
objective `check_all` on it. Verdicts keep the claims' own lines and columns (the reduced
page is the same text). A claim whose reduced page cannot be read is "unchecked" with the
reason: a name the page gives no shape is named, with the declaration line that would
settle it (sizes are never invented); a left side that sums entries of one derivative
(``\\sum_k \\frac{\\partial \\det X}{\\partial X_{ik}} X_{jk}``) is judged by `entry_sums`
where it can be, else said to be no single derivative; a row the reader cannot read (an
unknown command in one row of an ``aligned`` list) is unchecked with the reader's error.
Nothing here is ever counted as right without the numeric comparison.
"""
from __future__ import annotations

import dataclasses

from . import names
from .claims import _has_derivative, unreadable_verdict
from .entry_sums import judge_entry_sum
from .errors import MatcalcError
from .expression_claims import judge_unread
from .lower.base import walk_syntax
from .lower.classify import is_differential
from .notes import Note
from .read import syntax as S
from .verdicts import Verdict, Verdicts

# names a claim may use undeclared: the identity, the Kronecker delta, Euler's e, pi
_BUILTIN = {"I", "delta", "e", "pi", "d", "partial", "nabla"}


@dataclasses.dataclass
class _Group:
    """One claim: its statement and the continued lines after it (``&= ...``)."""
    head: S.Def
    rest: list

    @property
    def statements(self):
        return [self.head] + self.rest


def _looks_claimed(st, source) -> bool:
    """Is the unreadable fragment `st` written as a claimed derivative?"""
    from .notes import span_text
    text = span_text(source, st.span)
    return "=" in text and any(w in text for w in ("\\partial", "\\nabla", "\\frac{d"))


def identity_groups(document: S.Document, least: int = 2):
    """(the claim groups, the other statements, the fragments written as claims that
    cannot be read) when `document` is a list of identities: it defines nothing (every
    equation's left side holds a derivative) and claims at least two derivatives; else
    None."""
    groups, context, broken, current = [], [], [], None
    for st in document.statements:
        if isinstance(st, S.Unreadable) and _looks_claimed(st, document.source):
            broken.append(st)
            current = None
            continue
        if isinstance(st, S.Def) and st.target is not None:
            if not (_has_derivative(st.target) or is_differential(st.target)):
                return None           # a definition: the page has an objective of its own
            current = _Group(st, [])
            groups.append(current)
        elif isinstance(st, S.Def) and current is not None:
            current.rest.append(st)   # a continued line of the claim before it
        else:
            current = None
            if not isinstance(st, S.Bare):
                # an expression standing alone is a mention (``Traces of $XA$``) or a
                # derivative asked for without a value: no claim's rival, not kept
                context.append(st)
    return (groups, context, broken) if len(groups) + len(broken) >= least and groups \
        else None


def _variable_keyword(target):
    """The keyword of the variable a claim's left side differentiates by (``\\partial
    X^\\top``: X), or None."""
    from .claims import variable_syntax
    den = variable_syntax(target)
    while isinstance(den, (S.Transpose, S.Sub)):
        den = den.arg if isinstance(den, S.Transpose) else den.base
    return names.keyword_of(den) if isinstance(den, S.Sym) else None


def _asked(wrt):
    """The keywords `wrt` may mean (as written, as Python reads it)."""
    from .api import parse
    out = {wrt, names.python_name(wrt)}
    try:
        st = parse(wrt).statements[-1]
        if isinstance(st, S.Bare):
            value = st.value.base if isinstance(st.value, S.Sub) else st.value
            out.add(names.keyword_of(value))
    except (MatcalcError, IndexError):
        pass
    return out


def _undeclared(group: _Group, document: S.Document) -> list:
    """The names (LaTeX) the claim uses that no declaration of the page gives a shape."""
    declared = set()
    for st in document.statements:
        if isinstance(st, S.Decl):
            for t in st.targets:
                declared.add(names.keyword_of(t.base if isinstance(t, S.Sub) else t))
    subs = set()
    for st in group.statements:
        for part in (st.target, *st.middle, st.value):
            for n in walk_syntax(part) if part is not None else ():
                if isinstance(n, S.Sub):
                    subs.update(id(x) for s in n.subs for x in walk_syntax(s))
                elif isinstance(n, S.BigOp):
                    subs.update(id(x) for s in n.indices for x in walk_syntax(s))
    found = {}
    for st in group.statements:
        for part in (st.target, *st.middle, st.value):
            for n in walk_syntax(part) if part is not None else ():
                if not isinstance(n, S.Sym) or id(n) in subs or n.name in _BUILTIN or \
                        names.keyword_of(n) in declared:
                    continue
                where = (n.span.line, n.span.column)
                latex = names.latex_of(n)
                found[latex] = min(found.get(latex, where), where)
    return sorted(found, key=found.get)     # in the order the claim writes them


def _unchecked(group: _Group, document: S.Document, err: MatcalcError) -> Verdict:
    """The verdict on a claim whose own page cannot be read: why, and what would settle
    it."""
    from .claims import COMBINED, _left_side, _source, derivative_sides
    st = group.head
    text = _source(document.source, st.span)
    lhs = _left_side(text)
    if is_differential(st.target):
        reason = ("a differential of an expression the page does not name: differential "
                  "steps are judged only in a document that defines its objective")
    elif derivative_sides(st.target) is None:
        reason = COMBINED
    else:
        missing = _undeclared(group, document)
        if missing and "unknown name" in err.bare_message:
            listed = ", ".join(missing)
            reason = (f"the page gives no shape for ${listed}$: a declaration line in front, "
                      f"such as `{listed} \\in \\mathbb{{R}}^{{n\\times n}}` (with the sizes "
                      f"the page means), settles it")
        else:
            reason = f"cannot read the function it differentiates: {err.bare_message}"
    return Verdict(st.span.line, st.span.column, text, lhs, "unchecked", reason)


def _entry_sum(v: Verdict, page, group: _Group, seed, trials) -> Verdict:
    """`v`, or where it is unchecked for a left side that sums entries of a derivative, the
    verdict of `entry_sums` when it can judge the claim."""
    from .claims import COMBINED
    if v.status != "unchecked" or v.reason != COMBINED or v.line != group.head.span.line:
        return v
    got = judge_entry_sum(page, group.head, seed, trials)
    if got is None:
        return v
    return dataclasses.replace(v, status=got[0], reason=got[1])


def check_each(document: S.Document, found, wrt=None, seed: int = 0,
               trials: int = 3) -> Verdicts:
    """The verdicts on a list of identities (`found` = identity_groups(document)): every
    claim judged against its own function (see the module docstring); with `wrt`, only the
    claims by that variable."""
    from .claims import check_all
    groups, context, broken = found
    order = {id(st): k for k, st in enumerate(document.statements)}
    want = _asked(wrt) if wrt is not None else None
    out, notes = Verdicts(), []
    for group in groups:
        if want is not None and _variable_keyword(group.head.target) not in want:
            continue
        kept = sorted(context + group.statements, key=lambda s: order[id(s)])
        page = dataclasses.replace(document, statements=tuple(kept))
        try:
            got = check_all(page, seed=seed, trials=trials)
        except MatcalcError as err:
            # \nabla_x b^T x + c: judged in both scopes of the operator (expression_claims)
            got = Verdicts(judge_unread(page, group.statements, seed, trials) or
                           [_unchecked(group, document, err)])
        got = Verdicts(_entry_sum(v, page, group, seed, trials) for v in got)
        out.extend(got)
        notes.extend(n for n in got.notes if n not in notes)
    if want is None:
        out.extend(unreadable_verdict(st, document) for st in broken)
    out.sort(key=lambda v: (v.line, v.column))
    first = groups[0].head.span
    out.notes = [Note(first.line, first.column, f"a list of identities ({len(groups)} claims, "
                      f"no objective defined): each claim is judged against the function "
                      f"under its own derivative operator", "", "inferred")] + notes
    return out


def check_alone(document: S.Document, seed: int = 0, trials: int = 3):
    """The verdicts of a page that defines nothing and claims one derivative of an
    expression written out that the reader refuses as an objective (an operator whose
    scope has two readings), judged by `expression_claims`; None for any other page (its
    error stands)."""
    found = identity_groups(document, least=1)
    if found is None or len(found[0]) != 1 or found[2]:
        return None
    got = judge_unread(document, found[0][0].statements, seed, trials)
    return Verdicts(got) if got is not None else None
