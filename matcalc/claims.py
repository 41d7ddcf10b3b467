"""A verdict on every claimed derivative in a post: `check_all(doc)`.

Contract: `check_all(doc, objective=None)` reads the document (a whole post may be given),
finds every claimed derivative the reader kept (``\\frac{\\partial f}{\\partial x} = ...``,
``\\frac{\\partial}{\\partial W_{ij}} F = ...``, ``\\nabla_x f = ...``, differential steps,
and the continued lines ``&= ...`` of such an equation) and returns one `Verdict` per
claimed right-hand side, in source order, with the 1-based `line` and `column` where it
starts:

    "right"       the claim equals the gradient at every random point tried
    "wrong"       it does not; `reason` says how (sign, constant factor, transpose, shape,
                  which entries), which intermediate held constant makes it right
                  (``right if p is held constant``), and where it goes wrong when one
                  local edit of the claim makes it right (``at \\exp(z^{(2)}) ...``)
    "ill-formed"  it cannot be read in the document's context; `reason` says why and where
    "unchecked"   it is no gradient of a scalar the document defines (a Jacobian of an
                  intermediate, a chain-rule step written with derivatives, notation): said
                  why, never counted as right

A derivative ``\\partial N / \\partial X`` is checked as the gradient of the scalar
definition N (the objective, or any other scalar the document defines) with respect to the
input or definition X, written entrywise when X carries subscripts (``\\phi_{k,l}``).
A differential step (``dL = (s-y)\\,ds``, ``dz = dW\\,x``, and the continued lines
``&= ...`` of a back-substitution) gets a verdict too (`differentials.DifferentialJudge`):
both sides as exact directional derivatives, with only the inputs whose differentials
the post's steps write varying (``d\\alpha``: the others are constants there).
A derivative by a transposed matrix (``\\partial X^\\top``) is compared with the transpose
of the gradient. A left side summing entries of one derivative (``\\sum_k \\frac{\\partial
\\det X}{\\partial X_{ik}} X_{jk}``) is judged by `entry_sums`, or unchecked. A page that
defines nothing and claims derivatives of several functions (a list of identities) has no
one objective: each claim is judged against its own function (`identity_lists`).
A claim about an expression written out (``\\frac{\\partial x^T A x}{\\partial x}``,
``\\nabla_x (b^T x)``) is judged against that expression's own gradient, whatever the
document's objective (`expression_claims`; ``\\nabla_x b^T x + c``: both scopes judged).
A claimed second derivative (``\\nabla^2 f(x) = ...``, ``\\frac{\\partial^2 f}{\\partial x
\\partial x^T} = ...``) is judged against the Hessian (`hessian_claims`), or said why not.
A document that cannot be read at all raises, as `gradient` does.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import ir, names, powers
from .diff import DiffError
from .check import Judge, explain
from .errors import MatcalcError, ShapeError
from .lower import Lowerer
from .lower.base import chain_factors, walk_syntax
from .lower.claimpartials import after_d as _after_d
from .lower.classify import is_derivative, is_differential, is_gradient
from .lower.naming import log_named
from .lower.operators import operator_and_operand
from .read import syntax as S
from .repair import locate
from .verdicts import STATUSES, Verdict, Verdicts  # noqa: F401  (STATUSES, Verdict: re-exported)

# ---------------------------------------------------------------- reading the claims

COMBINED = ("its left side is no single derivative (it combines derivatives, e.g. a sum "
            "over entries of one): only a derivative standing alone on the left is judged")
STATIONARY = ("sets the derivative to 0: a first-order condition, which holds where the "
              "gradient vanishes (at an optimum), not a closed form of the gradient to judge")
ZERO_TAIL = ("; the last member, = 0, sets it to zero (a first-order condition at an "
             "optimum, not judged)")


def _is_zero(e) -> bool:
    """The literal 0 (``= 0`` ending ``\nabla_\theta L = -2X^T(y - X\theta) = 0``)."""
    try:
        return isinstance(e, S.Num) and float(e.value) == 0
    except ValueError:
        return False

def derivative_sides(target):
    """(numerator, denominator) syntax of a claimed derivative's left side: ``\\frac{\\partial
    f(x)}{\\partial t_{i,j}}``, ``\\frac{\\partial}{\\partial W_{ij}} F``, ``\\nabla_x f``;
    numerator None when it is not written; None when the left side is no derivative."""
    if isinstance(target, S.Frac) and is_derivative(target):
        return _after_d(target.num), _after_d(target.den)
    if isinstance(target, S.BinOp) and target.op == S.MUL:
        head = target.left
        if isinstance(head, S.Frac) and is_derivative(head) and _after_d(head.num) is None:
            return target.right, _after_d(head.den)
        if is_gradient(head) and isinstance(head, S.Sub) and len(head.subs) == 1:
            return target.right, head.subs[0]
        if is_gradient(head) and isinstance(head, S.Sym):
            return target.right, None     # a bare \nabla J: `implied_variable`
    if isinstance(target, S.Apply) and isinstance(target.func, S.Frac) and \
            is_derivative(target.func) and len(target.args) == 1:
        return target.args[0], _after_d(target.func.den)
    got = operator_and_operand(target)      # \frac{\partial}{\partial X} a^T X b: (a^T X) b
    if got is not None and isinstance(got[0], S.Frac) and is_derivative(got[0]) and \
            _after_d(got[0].num) is None:
        return got[1], _after_d(got[0].den)
    return None


def implied_variable(document, num):
    """The variable of a bare ``\\nabla J`` (no subscript): the one argument of J as its
    definition writes it (``J(\\beta) = ...``, or ``\\nabla J(\\beta)`` in the claim);
    None when J is written with no argument or with several (then the claim does not say
    which gradient it is)."""
    if isinstance(num, S.Apply):
        return num.args[0] if len(num.args) == 1 else None
    if not isinstance(num, (S.Sym, S.Sub)):
        return None
    kw = names.keyword_of(num)
    for st in document.statements:
        if isinstance(st, S.Def) and st.target is not None and st.params is not None and \
                isinstance(st.target, (S.Sym, S.Sub)) and names.keyword_of(st.target) == kw:
            return st.params[0] if len(st.params) == 1 else None
    return None


def variable_syntax(target):
    """The denominator of a claim's left side (``\\partial X``, ``\\partial X^\\top``); for a
    left side that sums entries of one derivative, that derivative's (``\\partial X_{ik}``);
    else None."""
    sides = derivative_sides(target)
    if sides is not None:
        return sides[1]
    dens = {_after_d(n.den) for n in walk_syntax(target) if isinstance(n, S.Frac) and
            is_derivative(n)}
    return dens.pop() if len(dens) == 1 else None


def _name_of(e, known):
    """The keyword of a named quantity as written in a derivative: ``f``, ``f(x)``,
    ``F(h,\\phi)``, ``\\text{KL}``, an entry ``q_{ij}`` of q (its name), ``\\log p(x \\mid
    \\theta)`` (log p, as its definition names it); None for an expression."""
    logged = log_named(e)
    if logged is not None and names.keyword_of(logged) in known:
        return names.keyword_of(logged)
    if isinstance(e, S.Apply):
        e = e.func
    kw = names.keyword_of(e) if isinstance(e, (S.Sym, S.Sub)) else None
    if kw not in known and isinstance(e, S.Sub):
        kw = names.keyword_of(e.base)
    return kw


def _variable(e, known):
    """(keyword, index syntax) of the denominator: ``\\phi``, ``z_i``, ``t^{(1)}_{i,j}``,
    ``W_{ij}``; a subscripted name that is itself a name (``E_{max}``) is that name."""
    kw = names.keyword_of(e) if isinstance(e, (S.Sym, S.Sub)) else None
    if kw in known:
        return kw, ()
    if isinstance(e, S.Sub):
        return names.keyword_of(e.base), tuple(e.subs)
    power = _power_of(e, known)
    return (power, ()) if power is not None else (kw, ())


def _power_of(e, known):
    """``\\partial \\sigma^2``: the keyword of the power (``sigma_sq``, which `gradient`
    reads as the variable σ², `powers`) of a name of the document by a whole number."""
    if not (isinstance(e, S.Pow) and not e.hadamard and isinstance(e.base, (S.Sym, S.Sub))):
        return None
    kw = names.keyword_of(e.base)
    neg = isinstance(e.exp, S.Neg)
    k = e.exp.arg if neg else e.exp
    if kw not in known or not (isinstance(k, S.Num) and k.value.isdigit()):
        return None
    return powers.keyword(kw, -int(k.value) if neg else int(k.value))


def _has_derivative(e) -> bool:
    return any(is_derivative(n) or (isinstance(n, S.Sym) and n.name == "nabla")
               for n in walk_syntax(e))


def _named_derivatives(e, known) -> bool:
    """Is every derivative in `e` one the claim's reader derives (`lower.claimpartials`): a
    whole name of the document by a whole name, ``\\frac{\\partial L}{\\partial D}``, or a
    function applied to names by one of them, ``df(y)/dy``; and
    every ``\\nabla`` the gradient of an applied (arbitrary) function, ``\\nabla f(D)``?"""
    marks = set()
    for n in walk_syntax(e):
        if isinstance(n, S.BinOp) and n.op == S.MUL:
            factors = chain_factors(n)[0]
            for a, b in zip(factors, factors[1:]):
                if isinstance(b, S.Apply):
                    marks.add(id(a.base if isinstance(a, S.Sub) else a))
    for n in walk_syntax(e):
        if is_derivative(n):
            num, den = _after_d(n.num), _after_d(n.den)
            if isinstance(num, S.Apply) and den is not None and any(
                    names.keyword_of(a) == names.keyword_of(den) for a in num.args):
                continue        # df(y)/dy: an arbitrary function's derivative at y
            if any(x is None or not isinstance(x, (S.Sym, S.Sub)) or
                   names.keyword_of(x) not in known for x in (num, den)):
                return False
        elif isinstance(n, S.Sym) and n.name == "nabla" and id(n) not in marks:
            return False
    return True


@dataclass
class _Claim:
    stmt: S.Def
    head: S.Def | None        # the statement whose left side this one continues
    differential: bool = False


def _claims(document: S.Document):
    """(the claimed-derivative statements of the document in source order, each with the
    statement whose left side it has (itself, or the head of a continued equation); the
    keywords the document defines)."""
    lw = Lowerer(document)
    lw.collect()
    from .expression_claims import operator_sum
    kept = {id(st) for st in lw.claims} | {id(st) for st in lw.not_defs if operator_sum(st)}
    out, prev = [], None
    for st in document.statements:
        if id(st) not in kept:
            prev = None
            continue
        if st.target is not None:
            prev = st
            out.append(_Claim(st, st, is_differential(st.target)))
        elif prev is not None:
            out.append(_Claim(st, prev, is_differential(prev.target)))
        else:
            out.append(_Claim(st, None))
    return out, set(lw.defsrc)


# ---------------------------------------------------------------- verdicts

def _source(text, span) -> str:
    if span is None or not span.line:
        return ""
    lines = text.splitlines(keepends=True)
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln))
    a = starts[span.line - 1] + span.column - 1
    b = starts[span.end_line - 1] + span.end_column - 1
    return " ".join(text[a:b].split())


def _left_side(text: str) -> str:
    """The left side of an equation as written (before its first ``=``, alignment marks
    dropped): the source of a left side that came through a macro is not one span."""
    left = text.split("=", 1)[0] if "=" in text else text
    return left.replace("&", "").strip()


class _Checker:
    """The verdicts of one document; one Judge per (objective, variable)."""

    def __init__(self, document, problem, defined, seed, trials):
        self.document, self.problem = document, problem
        self.defined = defined                # keywords the document defines
        self.steps = None                     # the DifferentialJudge, made on first use
        self.varying = set()                  # the inputs the differential steps vary
        self.seed, self.trials = seed, trials
        self.src = document.source
        self.judges = {}
        self.objective = None                 # the objective check_all was asked for

    def judge(self, num, wrt):
        from .api import gradient
        key = (num, wrt)
        if key not in self.judges:
            # the unnamed objective (a claim's function, a minimand): as the document read it
            as_read = self.objective if num in self.problem.unnamed else num
            try:
                g = gradient(self.document, wrt, as_read)
                self.judges[key] = Judge(self.document, g, self.seed, self.trials)
            except MatcalcError as err:
                self.judges[key] = err
        return self.judges[key]

    def variable_of(self, claim: _Claim) -> str:
        """The keyword of the variable a claim differentiates by ('' if none)."""
        if claim.head is None:
            return ""
        from .hessian_claims import hessian_form, hessian_variable
        if hessian_form(claim.head) is not None:
            return hessian_variable(self, claim.head)
        sides = self.sides(claim.head)
        den = sides[1] if sides is not None and sides[1] is not None else \
            variable_syntax(claim.head.target)
        while isinstance(den, S.Transpose):
            den = den.arg
        if den is None:
            return ""
        p = self.problem
        return _variable(den, set(p.inputs) | set(p.defs))[0] or ""

    def sides(self, head):
        """`derivative_sides` of a claim's left side, with the variable of a bare
        ``\\nabla J`` implied by J's written argument (`implied_variable`)."""
        sides = derivative_sides(head.target)
        if sides is not None and sides[1] is None and sides[0] is not None and \
                isinstance(head.target, S.BinOp) and is_gradient(head.target.left):
            return sides[0], implied_variable(self.document, sides[0])
        return sides

    def verdict(self, claim: _Claim) -> Verdict:
        st = claim.stmt
        text = _source(self.src, st.span)
        lhs_stmt = claim.head
        lhs = _left_side(_source(self.src, lhs_stmt.span)) if lhs_stmt is not None else ""
        span = st.span

        wrt = ""

        def say(status, reason, judge=None, read=""):
            g = judge.g if judge is not None else None
            return Verdict(span.line, span.column, text, lhs, status, reason,
                           f"{g.lhs_text} = {g.text()}" if g else "",
                           f"{g.lhs_latex} = {g.latex()}" if g else "", wrt or "", read)

        if lhs_stmt is None:
            return say("unchecked", "a continued line with no derivative before it")
        if claim.differential:
            status, reason, read = self._differential(claim)
            return say(status, reason, None, read)
        from .hessian_claims import hessian_form, judge_hessian   # (lower/second.py)
        if hessian_form(lhs_stmt) is not None:       # a claimed second derivative
            status, reason, judge, read, wrt = judge_hessian(self, claim)
            return say(status, reason, judge, read)
        from .expression_claims import judge_written
        sides = self.sides(lhs_stmt)
        written = judge_written(self, claim, sides)    # of an expression written out
        if written is not None:
            status, reason, judge, read, wrt = written
            return say(status, reason, judge, read)
        if sides is None:
            if _has_derivative(lhs_stmt.target):
                from .entry_sums import judge_entry_sum
                got = judge_entry_sum(self.document, st, self.seed, self.trials) \
                    if st is lhs_stmt else None
                return say(*got) if got is not None else say("unchecked", COMBINED)
            return say("unchecked", "its left side is not a derivative of a named quantity "
                       "(a statement about notation)")
        num, den = sides
        p = self.problem
        known = set(p.inputs) | set(p.defs)
        # \partial X^\top: the derivative by the transpose is the gradient's transpose
        transposed = isinstance(den, S.Transpose)
        if transposed:
            den = den.arg
        wrt, index_syntax = _variable(den, known) if den is not None else ("", ())
        wrt = wrt or ""
        if transposed and index_syntax:
            return say("unchecked", "a derivative by an entry of a transpose: write it by "
                       "the entry of the variable itself")
        num_kw = _name_of(num, known) if num is not None else None
        if num is not None and num_kw is None and p.written is not None and num == p.written:
            num_kw = p.objective        # the function the objective was read from (a claim's)
        if num is None:
            return say("unchecked", "the function it differentiates is not written (an "
                       "operator with nothing after it)")
        if num_kw is None:
            return say("unchecked", "the derivative of an expression written out, not of a "
                       "quantity the document names")
        if num_kw not in p.defs:
            if num_kw in p.inputs:
                return say("unchecked", f"{_latex(p, num_kw)} is an input: it has no "
                           f"derivative to check")
            if num_kw not in self.defined:
                return say("ill-formed", f"${_source(self.src, num.span) or num_kw}$ is not "
                           f"defined in the document")
            # defined, but not read with the document's objective: read it as its own
            err = self.judge(num_kw, wrt or num_kw)
            if isinstance(err, MatcalcError):
                return say("unchecked", f"the definition of "
                           f"${_source(self.src, num.span) or num_kw}$ cannot be read: "
                           f"{err.bare_message}")
            p = err.g.problem
            known = set(p.inputs) | set(p.defs)
        if p.defs[num_kw].shape != () or (isinstance(num, S.Sub) and
                                          num_kw != names.keyword_of(num)):
            return say("unchecked", f"a derivative of {_latex(p, num_kw)}, which is not a "
                       f"scalar: only gradients of scalars are checked")
        if den is None and isinstance(lhs_stmt.target, S.BinOp) and \
                is_gradient(lhs_stmt.target.left):
            return say("unchecked", f"the gradient of {_latex(p, num_kw)} without its "
                       f"variable, which its definition does not settle: write it "
                       f"(\\nabla_x {p.latex.get(num_kw, num_kw)})")
        if den is None:
            return say("ill-formed", "the variable of the derivative is not written")
        if wrt not in known and _power_of(den, known) is None:
            return say("ill-formed", f"${_source(self.src, den.span)}$ is not a variable of "
                       f"the document")
        if wrt in p.defs and wrt not in p.needed([p.defs[num_kw]]):
            return say("unchecked", f"{_latex(p, num_kw)} is not written in terms of "
                       f"{_latex(p, wrt)} in the document, so the partial derivative depends "
                       f"on how it is written")
        def whole(judge):
            if num_kw in p.unnamed and _source(self.src, num.span):
                # a function the page does not name (f is matcalc's): the gradient of it
                return f"the gradient of ${_source(self.src, num.span)}$"
            return _latex(p, num_kw, judge.g.lhs_latex)
        return self.closed_forms(say, st, p, wrt, lambda: self.judge(num_kw, wrt),
                                 whole, transposed, index_syntax, _latex(p, num_kw))

    def closed_forms(self, say, st, p, wrt, get_judge, whole, transposed, index_syntax,
                     f_latex):
        """The verdict (by `say`) on the right sides of `st` claimed for the gradient by
        `wrt` (a keyword of problem `p`) that `get_judge()` gives (a Judge, or the
        MatcalcError of deriving it); `whole(judge)` names that gradient in a right
        verdict, `f_latex` its function in a refusal. Shared by named claims and claims
        about an expression written out (expression_claims.py)."""
        known = set(p.inputs) | set(p.defs)
        parts = tuple(st.middle) + (st.value,)     # a continued line's middles too
        parts = [e for e in parts if not _has_derivative(e) or _named_derivatives(e, known)]
        if not parts:
            return say("unchecked", "the right side is written with derivatives (a "
                       "chain-rule step): only closed forms are checked")
        if len(parts) == 1 and _is_zero(parts[0]):
            return say("unchecked", STATIONARY)
        zero_tail = len(parts) > 1 and _is_zero(parts[-1])
        parts = parts[:-1] if zero_tail else parts
        judge = get_judge()
        if isinstance(judge, MatcalcError):
            return say("unchecked", f"cannot differentiate {f_latex} with respect "
                       f"to {_latex(p, wrt)}: {judge.bare_message}")
        if transposed and len(p.shape_of(wrt)) != 2:
            return say("unchecked", f"a derivative by the transpose of {_latex(p, wrt)}, "
                       f"which is not a matrix: whether it is a row or a column is a layout "
                       f"convention the text does not settle", judge)
        read, how = "", []
        for e in parts:     # a `where` clause is read as a definition of the document
            status, reason, read = (self._part_transposed(judge, e, _latex(p, wrt))
                                    if transposed else self._part(judge, e, index_syntax))
            if status != "right":
                return say(status, reason, judge, read)
            how += [reason] if reason else []     # the layout of a Jacobian it writes
        layouts = "".join(f"; {r}" for r in how) + (ZERO_TAIL if zero_tail else "")
        whole = whole(judge)
        if transposed:
            return say("right", f"equals the transpose of {whole} (the derivative by "
                       f"${p.latex.get(wrt, wrt)}^\\top$) at every point tried{layouts}",
                       judge, read)
        return say("right", f"equals {whole} at every point tried{layouts}", judge, read)

    def _differential(self, claim: _Claim):
        """(status, reason, read) of a differential step ``dY = E`` (and its continued
        lines)."""
        from .differentials import DifferentialJudge, marked
        left = claim.head.target.right
        kw = _name_of(left, set(self.problem.inputs) | set(self.problem.defs))
        if kw is None:
            return "unchecked", "the differential of an expression written out", ""
        if self.steps is None:
            try:
                self.steps = DifferentialJudge(self.document, self.problem, self.varying,
                                               self.seed, self.trials)
            except (MatcalcError, ir.IRError, DiffError) as err:
                self.steps = err
        if not isinstance(self.steps, DifferentialJudge):
            return "unchecked", f"cannot linearise the document: {self.steps}", ""
        st = claim.stmt
        parts = tuple(st.middle) + (st.value,)     # a continued line's middles too
        known = set(self.problem.inputs) | set(self.problem.defs)
        for name in [kw] + [n for e in parts for n in marked(e)[1]]:
            if name not in known and name in self.defined:
                err = self.judge(name, name)
                if isinstance(err, MatcalcError):
                    return "unchecked", f"the definition of {_latex(self.problem, name)} " \
                                        f"cannot be read: {err.bare_message}", ""
                return "unchecked", f"{_latex(self.problem, name)} is read only as the " \
                                    f"objective: name it (objective=..., --objective) to " \
                                    f"check the differential steps", ""
        read = ""
        for e in parts:
            status, reason, read = self.steps.verdict(kw, e, self.src)
            if status != "right":
                return status, reason, read
        held = "" if self.steps.varying == set(self.problem.inputs) else \
            (", with only " + ", ".join(f"${_latex(self.problem, k)[1:-1]}$"
                                        for k in sorted(self.steps.varying)) +
             " varying (the inputs whose differentials the post writes)")
        return "right", reason + held, read

    def _fresh_names(self) -> list:
        """The inputs never declared, read with sizes the document does not fix
        (`lower.fresh`), in LaTeX."""
        return [_latex(self.problem, k) for k, v in self.problem.inputs.items()
                if any(isinstance(s, ir.FreshDim) for d in v.shape
                       for s in getattr(d, "free_symbols", ()))]

    def _ill_formed(self, reason):
        """A claim that cannot be read: ill-formed, or, where the document's names are
        read with made-up sizes, unchecked (a declaration may make it readable)."""
        fresh = self._fresh_names()
        if not fresh:
            return "ill-formed", reason, ""
        return "unchecked", (f"{reason}; {', '.join(fresh)} never declared, read with "
                             f"sizes the document does not fix: declare them to check this "
                             f"claim"), ""

    def _part_transposed(self, judge, value, variable):
        """(status, reason, the claim as read) of a right-hand side claimed for the
        derivative by the transpose of the matrix `variable` (LaTeX): compared with the
        transpose of the gradient at the same points."""
        try:
            read, got = judge.evaluate(value, (), [], self.src)
        except MatcalcError as err:
            where = (f" (line {err.line}, column {err.column})"
                     if err.line is not None and err.column is not None else "")
            return self._ill_formed(f"{err.bare_message}{where}")
        out = judge.compare(got, [np.transpose(b) for b in judge.expected])
        if out.ok:
            return "right", "", read
        how = out.diagnosis
        if "transpose" in how:
            how = (f"it is the gradient by {variable} itself; the derivative by its "
                   f"transpose is the transpose of that")
        return "wrong", (f"{how} (compared with the derivative by the transpose, "
                         f"the transpose of the gradient by {variable})"), read

    def _part(self, judge, value, index_syntax):
        """(status, reason, the claim as read in LaTeX) of one right-hand side."""
        from .layouts import judged, readings
        try:
            rs = readings(judge, value, index_syntax, [], self.src)
        except MatcalcError as err:
            where = (f" (line {err.line}, column {err.column})"
                     if err.line is not None and err.column is not None else "")
            if self._fresh_names():
                return self._ill_formed(f"{err.bare_message}{where}")
            found = locate(judge, value, index_syntax, [], self.src) \
                if isinstance(err, ShapeError) else ""
            if found:       # unreadable as written, and one local edit from right
                return "wrong", f"as written, {err.bare_message}{where}; {found}", ""
            return "ill-formed", f"{err.bare_message}{where}", ""
        if len(rs) > 1:         # a square Jacobian: layouts that fit, different numbers
            ok, _, how = judged(judge, rs)
            return ("right" if ok else "wrong"), how, rs[0].latex
        read, got = rs[0].latex, rs[0].values
        out = judge.compare(got)
        if out.ok:
            return "right", rs[0].why, read
        held = judge.held_right(got) if out.worst != float("inf") else None
        if held is not None:
            return "wrong", (f"wrong in full ({out.diagnosis}); right if ${held}$ is held "
                             f"constant"), read
        special = judge.right_if(value, index_syntax, [], self.src, out.diagnosis)
        if special:
            return "wrong", special, read
        return "wrong", explain(judge, out, value, index_syntax, [], self.src), read


def _latex(problem, kw, whole=None):
    """A name (or `whole`, already LaTeX) marked as LaTeX for a reason."""
    return f"${whole if whole is not None else problem.latex.get(kw, kw)}$"


def _written_differentials(claims, problem) -> set:
    """The inputs whose differentials the post's differential steps write (``d\\alpha``):
    the ones its steps vary."""
    from .differentials import marked
    out = set()
    for c in claims:
        if c.differential:
            st = c.stmt
            for e in tuple(st.middle) + (st.value, c.head.target):
                out.update(marked(e)[1])
    return out & set(problem.inputs)


def check_all(doc, objective=None, wrt=None, seed: int = 0, trials: int = 3) -> Verdicts:
    """A `Verdict` on every claimed derivative in `doc` (text or a read Document), in
    source order (see the module docstring); with `wrt`, only the claims about that
    variable (a LaTeX name, its keyword, or a member of a family: ``\\phi_{k,l}``).
    `objective` names the document's objective, as for `gradient`. Raises MatcalcError
    when the document itself cannot be read, as `gradient` would."""
    from .api import _document, _lower, _resolve_wrt
    from .identity_lists import check_each, identity_groups
    document = _document(doc)
    listed = identity_groups(document) if objective is None else None
    try:
        problem, _ = _lower(document, objective)
    except MatcalcError:
        if listed is None:
            from .identity_lists import check_alone
            alone = check_alone(document, seed, trials)     # \nabla_x b^T x + c = b alone
            if alone is None:
                raise
            return alone
        # a list of identities, each of its own function: no one objective to read
        return check_each(document, listed, wrt, seed, trials)
    only = _resolve_wrt(problem, wrt) if wrt is not None else None
    claims, defined = _claims(document)
    checker = _Checker(document, problem, defined, seed, trials)
    checker.objective = objective
    checker.varying = _written_differentials(claims, problem)
    # with `wrt`, the claims about another variable are left out; a claim whose variable
    # is not known (a bare \nabla J, a continued line with no head) is kept, never hidden
    out = [checker.verdict(c) for c in claims
           if only is None or checker.variable_of(c) in (only, "")]
    out = Verdicts(sorted(out + _unreadable_claims(document),
                          key=lambda v: (v.line, v.column)))
    out.notes = list(getattr(problem, "notes", ()))
    return out


def _unreadable_claims(document) -> list:
    """An "unchecked" verdict for each fragment the reader skipped as unreadable whose left
    side is a derivative (`claim_like`): a claim that could not be read is reported as
    one, with the reader's error, not only in the notes (unchecked, not ill-formed: what
    matcalc cannot read, an unknown command, may be a right claim; as identity_lists.py
    says of an unreadable row)."""
    from .lower.objective import claim_like
    out = []
    for st in document.statements:
        if not isinstance(st, S.Unreadable) or st.span is None or not st.span.line:
            continue
        text = _source(document.source, st.span)
        right = text.split("=", 1)[1] if "=" in text else ""
        if not claim_like(text) or right.replace("{", "").replace(" ", "").startswith("?"):
            continue            # not a derivative, or a question (``= {?}``), not a claim
        out.append(unreadable_verdict(st, document))
    return out


def unreadable_verdict(st: S.Unreadable, document: S.Document) -> Verdict:
    """The verdict on a claim that cannot be read: unchecked, with the reader's error (in a
    post, `_unreadable_claims`; in a list of identities, identity_lists.py)."""
    text = _source(document.source, st.span)
    err = st.error
    where = f" (line {err.line}, column {err.column})" if err.line is not None else ""
    return Verdict(st.span.line, st.span.column, text, _left_side(text), "unchecked",
                   f"it cannot be read: {err.bare_message}{where}")
