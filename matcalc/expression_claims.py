"""A claimed first derivative of an expression written out, judged against that expression.

Contract: `judge_written(checker, claim, sides)` is called by claims.py's `_Checker.verdict`
for every first-order claim; it returns None when the claim's function is a name (the
objective, a definition, an arbitrary function ``f(x)``: claims.py judges it) or no
derivative at all, else the claim's (status, reason, judge or None, read, wrt keyword).
The forms (`FORMS`): ``\\frac{\\partial EXPR}{\\partial x}``, ``\\frac{\\partial (EXPR)}
{\\partial x}``, ``\\frac{\\partial \\operatorname{tr}(AXB)}{\\partial X}``, the operator
forms ``\\frac{\\partial}{\\partial X} EXPR``, ``\\frac{d}{dx} EXPR``, ``\\nabla_x EXPR``,
``\\nabla_x (EXPR)``; the variable whole, entrywise (``\\partial X_{ij}``) or transposed
(``\\partial X^T``), as for a named function.

- The expression is its own objective, whatever the document defines: it is read on a
  page of the document's statements without its claims, the expression standing alone
  after them and named as the objective (as written), so the document's declarations,
  definitions and inferred sizes hold; its gradient is compared with the claim at random
  float64 points by claims.py's `_Checker.closed_forms`, with the same diagnoses (sign,
  factor, transpose, ``right if A is symmetric``) as a named claim.
- An operator followed by several terms (``\\nabla_x b^T x + c``) has two readings, the
  operator over the first term only (then the claim is ``\\nabla_x(b^T x) + c = RHS``,
  judged as ``\\nabla_x(b^T x) = RHS - c``) or over all of them (`operators.operator_operand`
  says when the text settles it). Both are judged; one verdict is given only when both
  agree, said so; else "unchecked", naming both readings and their verdicts.
- The expression cannot be read (a name the page neither declares nor lets infer, an
  unknown command): "unchecked", naming the names with no shape and the reader's error;
  a non-scalar expression (a Jacobian): "unchecked", said why. Never "right" without the
  numeric comparison.
"""
from __future__ import annotations

import dataclasses

from . import ir, names
from .diff import DiffError
from .errors import MatcalcError
from .lower.base import walk_syntax
from .lower.candidates import _strip_d, written
from .lower.claimpartials import after_d
from .lower.classify import is_derivative, is_differential, is_second_derivative
from .lower.operators import _head_operator, _terms, _text, operator_variable
from .read import syntax as S

FORMS = ("\\frac{\\partial EXPR}{\\partial x}", "\\frac{\\partial (EXPR)}{\\partial x}",
         "\\frac{\\partial}{\\partial x} EXPR", "\\frac{d}{dx} EXPR", "\\nabla_x EXPR",
         "\\nabla_x (EXPR)")

REASONS = {
    "not scalar": ("a derivative of {f}, which is not a scalar: only gradients of scalars "
                   "are checked"),
    "unreadable": "cannot read the function it differentiates, {f}: {err}",
    "no shape": ("the function it differentiates, {f}, uses {names}, which the document "
                 "neither declares nor lets infer a shape for: declare them to "
                 "check this claim"),
    "not variable": "{x} is not a variable of {f}",
    "transposed entry": ("a derivative by an entry of a transpose: write it by the entry "
                         "of the variable itself"),
    "same": ("; the scope of {op} has two readings, over the first term only ({first}) or "
             "over all the terms after it ({all}): both give this verdict"),
    "differ": ("the scope of {op} has two readings giving different verdicts: over the "
               "first term only, {first}: {s1} ({r1}); over all the terms after it, {all}: "
               "{s2} ({r2}); write the parentheses"),
}


@dataclasses.dataclass(frozen=True)
class Written:
    """A claim's function written out: `fn` (None when the operator's scope has two
    readings: then `first`, the first term under it, and `later`, the signed terms after
    it), its variable `den` as written (``x``, ``X_{ij}``, ``X^T``), the operator `op`."""
    fn: object
    den: object
    op: object = None
    first: object = None
    later: tuple = ()


def _is_name(e, known) -> bool:
    from .claims import _name_of
    return isinstance(e, (S.Sym, S.Sub, S.Apply)) and _name_of(e, known) is not None


def _between(src, a, b) -> str:
    """The source text from the end of span `a` to the start of span `b` (spaces dropped)."""
    from .claims import _source
    gap = dataclasses.replace(a, line=a.end_line, column=a.end_column, end_line=b.line,
                              end_column=b.column)
    return "".join(_source(src, gap).split()) if (a.end_line, a.end_column) <= \
        (b.line, b.column) else "?"


def _bracketed(src, op, first, after) -> bool:
    """Is the first term under the operator `op` exactly a bracketed group, ``\\nabla_x
    (b^T x) + c``, closed before the next term `after` (then the scope is settled)?"""
    return _between(src, op.span, first.span) in OPEN and \
        _between(src, first.span, after.span).startswith(CLOSE)


OPEN = ("(", "\\left(", "[", "\\left[", "\\{")
CLOSE = (")", "\\right)", "]", "\\right]", "\\}")


def written_function(target, params, known, src=""):
    """The `Written` function of a first-order claim's left side (`target`, its split-off
    `params`: ``\\nabla_x (b^T x)``), or None: a name, no derivative, a second one, an
    operator over a bracketed first term followed by others (its left side combines)."""
    if target is None or is_differential(target) or is_second_derivative(target):
        return None
    if params is not None:
        target = S.Apply(target, params, span=target.span)
    if isinstance(target, S.Frac) and is_derivative(target):
        den = after_d(target.den)
        fn = _strip_d(target.num)
        if den is None or fn is None or _is_name(fn, known):
            return None
        return Written(fn, den)
    terms = _terms(target)
    got = _head_operator(terms[0][1])
    if got is None:
        return None
    op, first = got
    den = operator_variable(op)
    if den is None or (len(terms) == 1 and _is_name(first, known)):
        return None
    if len(terms) == 1:
        return Written(first, den, op)
    if _bracketed(src, op, first, terms[1][1]):
        return None                 # \nabla_x (b^T x) + c: a derivative plus c
    from .lower.operators import operator_operand
    whole = operator_operand(target, known)
    if whole is not None and whole.expr is not None:      # the text settles it
        return Written(whole.expr, den, op)
    return Written(None, den, op, first, tuple(terms[1:]))


def _page(document, fn, defined):
    """The document's statements without its claims, `fn` standing alone after them; its
    definitions too when `fn` uses none of the keywords `defined` (then the names of `fn`
    get sizes inferred from it, as on a page that defines nothing)."""
    from .claims import _has_derivative
    uses = {names.keyword_of(n) for n in walk_syntax(fn) if isinstance(n, (S.Sym, S.Sub))}

    def claim(st):
        if isinstance(st, S.Def) and not uses & set(defined) and st.target is not None \
                and st.params is None and isinstance(st.target, (S.Sym, S.Sub)):
            return True         # a definition fn does not use
        if isinstance(st, S.Def):
            t = st.target
            return t is None or is_differential(t) or _has_derivative(t)
        if isinstance(st, S.Bare):
            return _has_derivative(st.value)
        return False
    kept = tuple(st for st in document.statements if not claim(st))
    return dataclasses.replace(document, statements=kept + (S.Bare(fn, span=fn.span),))


def _unshaped(fn, page) -> list:
    """The names (LaTeX) `fn` uses that no declaration of the page gives a shape."""
    declared = set()
    for st in page.statements:
        if isinstance(st, S.Decl):
            for t in st.targets:
                declared.add(names.keyword_of(t.base if isinstance(t, S.Sub) else t))
        elif isinstance(st, S.Def) and st.target is not None:
            declared.add(names.keyword_of(st.target) if isinstance(st.target, (S.Sym, S.Sub))
                         else None)
    from .identity_lists import _BUILTIN
    out = []
    for n in walk_syntax(fn):
        if isinstance(n, S.Sym) and n.name not in _BUILTIN and \
                names.keyword_of(n) not in declared and names.latex_of(n) not in out:
            out.append(names.latex_of(n))
    return out


def _judged(checker, stmt, fn, den, parts=None):
    """(status, reason, judge, read, wrt) of the claim `stmt` (its right sides `parts`, by
    default its own) about the function `fn` by the variable written `den`."""
    from .api import gradient, lower_document
    from .check import Judge
    from .claims import _Checker, _latex, _source, _variable
    src = checker.src
    f = f"${_source(src, fn.span) or names.latex_of(fn)}$"
    transposed = isinstance(den, S.Transpose)
    var = den.arg if transposed else den
    page = _page(checker.document, fn, checker.defined)
    text = written(src, fn.span)
    try:
        problem = lower_document(page, text)
    except MatcalcError as err:
        missing = _unshaped(fn, page)
        if missing and "unknown name" in err.bare_message:
            return ("unchecked", REASONS["no shape"].format(
                f=f, names="$" + "$, $".join(missing) + "$"),
                None, "", "")
        if "not a scalar" in err.bare_message:       # \frac{\partial A x}{\partial x}: a Jacobian
            return "unchecked", REASONS["not scalar"].format(f=f), None, "", ""
        return "unchecked", REASONS["unreadable"].format(f=f, err=err.bare_message), None, \
            "", ""
    known = set(problem.inputs) | set(problem.defs)
    wrt, index_syntax = _variable(var, known)
    if wrt not in known:
        return ("ill-formed", REASONS["not variable"].format(
            x=f"${_source(src, var.span) or names.latex_of(var)}$", f=f), None, "", "")
    if problem.defs[problem.objective].shape != ():
        return "unchecked", REASONS["not scalar"].format(f=f), None, "", wrt
    if transposed and index_syntax:
        return "unchecked", REASONS["transposed entry"], None, "", wrt
    sub = _Checker(page, problem, checker.defined, checker.seed, checker.trials)
    sub.objective = text

    def get_judge():
        try:
            g = gradient(page, wrt, text)
            sub.problem = g.problem
            return Judge(page, g, checker.seed, checker.trials)
        except MatcalcError as err:
            return err
        except (ir.IRError, DiffError) as err:      # as hessian_claims.py
            return MatcalcError(f"cannot derive the gradient: {err}")

    def say(status, reason, judge=None, read=""):
        return status, reason, judge, read, wrt

    if parts is not None:
        stmt = dataclasses.replace(stmt, middle=tuple(parts[:-1]), value=parts[-1])
    return sub.closed_forms(say, stmt, problem, wrt, get_judge,
                            lambda judge: f"the gradient of {f}", transposed,
                            index_syntax, _latex(problem, wrt, f[1:-1]))


def _minus(value, later):
    """The right side `value` with the `later` signed terms moved to it: RHS - (c) + ..."""
    out = value
    for sign, t in later:
        op = S.SUB if sign == S.ADD else S.ADD
        out = S.BinOp(op, out, t, span=out.span.cover(t.span))
    return out


def _fold(first, later):
    out = first
    for sign, t in later:
        out = S.BinOp(sign, out, t, span=out.span.cover(t.span))
    return out


def operator_sum(st) -> bool:
    """Does `st` claim a value for an operator followed by several terms (``\\nabla_x b^T x
    + c = b``), whose scope the text may leave open? (claims.py keeps it as a claim.)"""
    t = getattr(st, "target", None)
    if not isinstance(st, S.Def) or t is None or st.params is not None:
        return False
    terms = _terms(t)
    return len(terms) > 1 and _head_operator(terms[0][1]) is not None


def judge_written(checker, claim, sides):
    """The verdict parts of a claim about an expression written out (module docstring), or
    None when claims.py judges it (a name's derivative, or no derivative)."""
    head = claim.head
    p = checker.problem
    known = (set(p.inputs) | set(p.defs) if p is not None else set()) | set(checker.defined)
    if head is None or claim.differential:
        return None
    if sides is not None and sides[0] is not None:
        num = sides[0]
        from .claims import _name_of
        if _name_of(num, known) is not None or (p is not None and p.written is not None
                                                 and num == p.written):
            return None
    got = written_function(head.target, head.params, known, checker.src)
    if got is None:
        return None
    stmt = claim.stmt
    if got.fn is not None:
        return _judged(checker, stmt, got.fn, got.den)
    # \nabla_x b^T x + c: the operator over the first term, or over all of them
    parts = tuple(stmt.middle) + (stmt.value,)
    from .claims import STATIONARY, _is_zero
    if all(_is_zero(e) for e in parts):     # \nabla_w L + \lambda w = 0, either way
        return "unchecked", STATIONARY, None, "", ""
    first = _judged(checker, stmt, got.first, got.den,
                    [_minus(e, got.later) for e in parts])
    whole = _judged(checker, stmt, _fold(got.first, got.later), got.den)
    from .claims import _source
    o = _text(got.op)
    after = "".join(f" {sign} {_source(checker.src, t.span)}" for sign, t in got.later)
    fill = dict(op=o, first=f"{o}({_source(checker.src, got.first.span)}){after}",
                all=f"{o}({_source(checker.src, _fold(got.first, got.later).span)})")
    if first[0] == whole[0]:
        return (whole[0], whole[1] + REASONS["same"].format(**fill)) + whole[2:]
    return ("unchecked", REASONS["differ"].format(s1=first[0], r1=first[1], s2=whole[0],
                                                  r2=whole[1], **fill), None, "", whole[4])


def judge_unread(page, group, seed: int = 0, trials: int = 3):
    """The verdicts on a claim (its statements, the head first) of a page that cannot be
    read as a whole (``\\nabla_x b^T x + c = b`` with nothing defined: the reader refuses
    the operator's two scopes), when its function is written out; else None."""
    from .claims import _Checker, _Claim, _left_side, _source, derivative_sides
    from .verdicts import Verdict
    head = group[0]
    if getattr(head, "target", None) is None:
        return None
    checker = _Checker(page, None, set(), seed, trials)
    lhs = _left_side(_source(page.source, head.span))
    out = []
    for st in group:
        got = judge_written(checker, _Claim(st, head), derivative_sides(head.target))
        if got is None:
            return None
        status, reason, judge, read, wrt = got
        g = judge.g if judge is not None else None
        out.append(Verdict(st.span.line, st.span.column, _source(page.source, st.span), lhs,
                           status, reason, f"{g.lhs_text} = {g.text()}" if g else "",
                           f"{g.lhs_latex} = {g.latex()}" if g else "", wrt, read))
    return out
