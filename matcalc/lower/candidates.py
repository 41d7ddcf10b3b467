"""Two candidates for the objective: a bare expression and a claimed derivative's function.

A whole post may mention an expression in its prose (``the first term is the same as
$\\phi'(\\mu - R_f\\mathbf{1})$``) and differentiate another one in a claim
(``\\frac{\\partial \\phi'(\\mu-R_f\\mathbf{1})-1/2\\alpha\\phi'\\Sigma\\phi}{\\partial \\phi} = ...``).
When no objective is named, the bare expression would be taken as the objective -- silently
wrong when the post means the claimed function.

Contract: `refuse_rival_claims(lw, kw)` is called by `ObjectiveChoice._lower_objective` after
a bare expression was lowered as the objective `kw` (no objective named). For every claimed derivative (or
relation) whose left side differentiates a written expression -- not a bare name --, that
expression is lowered tentatively and compared with the bare one at random inputs. If one
differs, or cannot be read, a located `ParseError` names both candidates (the bare
expression and the claim) and asks for the objective to be named. It returns None when
every claimed function is the bare expression (a restatement) or none is written. A claim
that names a definition (``\\frac{\\partial L}{\\partial x}``) makes that definition the rival.
`refuse_prose_mention(lw, kw)`: a bare expression after the last definition that is an
inline ``$...$`` mention inside a prose sentence, differing from the last scalar definition,
is refused the same way (naming both).
"""
from __future__ import annotations

import dataclasses

from .. import names
from ..errors import MatcalcError
from ..notes import excerpt
from ..read import syntax as S
from .base import short_error
from .classify import is_derivative

D_NAMES = ("d", "partial")


def _strip_d(e):
    """``\\partial a^Tx - x^Tx`` (the numerator of a derivative) -> ``a^Tx - x^Tx``: the
    leading ``\\partial`` / ``d`` of the leftmost factor removed; None when there is none."""
    if isinstance(e, S.Apply) and isinstance(e.func, S.Sym) and e.func.name in D_NAMES \
            and e.func.accent is None and len(e.args) == 1:
        return e.args[0]                  # \partial (a^Tx - x^Tx)
    if isinstance(e, S.BinOp):
        if e.op == S.MUL and isinstance(e.left, S.Sym) and e.left.name in D_NAMES \
                and e.left.accent is None:
            return e.right
        if e.op in (S.MUL, S.ADD, S.SUB, S.DIV):
            left = _strip_d(e.left)
            if left is None:
                return None
            return dataclasses.replace(e, left=left, span=left.span.cover(e.right.span))
    return None


def _is_d(e) -> bool:
    return isinstance(e, S.BinOp) and e.op == S.MUL and isinstance(e.left, S.Sym) and \
        e.left.name in D_NAMES and e.left.accent is None


def claimed_function(target):
    """The expression a claim's left side differentiates, when it is written as an
    expression (``\\frac{\\partial (a^Tx - x^Tx)}{\\partial x}``, ``\\frac{\\partial}{\\partial
    x}(a^Tx - x^Tx)``), a Hessian's too (``\\nabla^2_x (x^T A x)``, `second.second_sides`);
    None for a name (``\\partial L / \\partial w``) or no derivative."""
    from .classify import is_second_derivative
    from .second import second_sides
    e = None
    if is_second_derivative(target):
        sides = second_sides(target)
        e = sides.num if sides is not None else None
    elif isinstance(target, S.Frac) and _is_d(target.den):
        e = _strip_d(target.num)        # also \frac{\partial a - b}{\partial x}: d on a only
    elif isinstance(target, S.BinOp) and target.op == S.MUL and \
            isinstance(target.left, S.Frac) and is_derivative(target.left) and \
            isinstance(target.left.num, S.Sym):
        e = target.right
    elif isinstance(target, S.Apply) and isinstance(target.func, S.Frac) and \
            is_derivative(target.func) and isinstance(target.func.num, S.Sym) and \
            len(target.args) == 1:
        e = target.args[0]
    if e is None or isinstance(e, (S.Sym, S.Sub, S.Apply)):
        return None                       # a name, f(x): it names a definition, not a rival
    return e


def claimed_name(target, lw):
    """The keyword of the definition a claim differentiates by name (``\\frac{\\partial L}
    {\\partial x}``, ``\\frac{\\partial}{\\partial x} L``), or None."""
    e = None
    if isinstance(target, S.Frac) and _is_d(target.den) and _is_d(target.num):
        e = target.num.right
    elif isinstance(target, S.BinOp) and target.op == S.MUL and \
            isinstance(target.left, S.Frac) and _is_d(target.left.den) and \
            isinstance(target.left.num, S.Sym) and target.left.num.name in D_NAMES:
        e = target.right
    if isinstance(e, S.Apply):
        e = e.func
    if not isinstance(e, (S.Sym, S.Sub)):
        return None
    k = names.keyword_of(e)
    return k if k in lw.defsrc else None


def _rival(lw, mine, fn, named):
    """(the rival's text, why it is refused) for one claim, or None when it agrees."""
    try:
        if named is not None:
            lw.tentatively(lambda: lw.define(named))
            other = lw.defs[named]
        else:
            other = _with_inference(lw, fn, lambda: lw.tentatively(lambda: _lowered(lw, fn)))
        if other.shape != () or lw._same_value(mine, other):
            return None
        why = "they differ"
    except MatcalcError as e:
        why = f"the claimed one cannot be read ({short_error(e)})"
    if named is not None:
        return f"the definition of {lw.info[named].latex} it names", why
    text = excerpt(lw.src, fn.span) if getattr(fn, "span", None) else "?"
    return f"the function it differentiates, {text}", why


def refuse_rival_claims(lw, kw):
    bare = lw.defsrc[kw].stmt
    mine = lw.defs.get(kw)
    if mine is None:
        return
    seen = set()
    for st in list(lw.claims) + list(lw.not_defs):
        if id(st) in seen or getattr(st, "target", None) is None:
            continue
        seen.add(id(st))
        fn = claimed_function(st.target)
        named = claimed_name(st.target, lw) if fn is None else None
        if (fn is None and named is None) or named == kw:
            continue
        got = _rival(lw, mine, fn, named)
        if got is None:
            continue
        theirs, why = got
        ours = excerpt(lw.src, bare.span)
        raise lw.perr(f"two candidates for the objective: the expression {ours} standing "
                      f"alone here, and, by the claim at line {st.span.line}, column "
                      f"{st.span.column}, {theirs}; {why}: name the objective, or write "
                      f"it as a definition (f = ...)", bare)


def refuse_rival_stationarity(lw, kw):
    """The objective `kw` taken by the rule (none named), and a stationarity condition
    ``0 = \\nabla_X F`` (``\\frac{\\partial}{\\partial X} F = 0``) whose F is written out: F is
    the function the post sets the gradient of to 0. When F names another definition, or
    is an expression that can be read and gives other numbers than `kw`, the two are
    candidates, refused naming both; F that cannot be read is noted (the definition is
    what the document defines)."""
    from .operators import statement_operand
    mine = lw.defs.get(kw)
    if mine is None or mine.shape != ():
        return
    own = lw.defsrc[kw].stmt.value
    known = frozenset(k for k, v in lw.info.items() if v.kind != "index")
    for st in lw.not_defs:
        got = statement_operand(st, known)
        if got is None or not got.stationary or got.expr is None or got.expr == own:
            continue
        e = got.expr.func if isinstance(got.expr, S.Apply) else got.expr
        named = names.keyword_of(e) if isinstance(e, (S.Sym, S.Sub)) else None
        if named is not None and named not in lw.defsrc:
            continue                    # \nabla_w J(w) = 0 with J defined nowhere: a mention
        if named == kw:
            continue
        rival = _rival(lw, mine, None if named else got.expr, named)
        if rival is None:
            continue
        theirs, why = rival
        if not named and why != "they differ":
            lw.note(st, f"the function under the operator of this stationarity condition "
                        f"cannot be read ({why}): the objective is the definition of "
                        f"{lw.info[kw].latex}", "inferred")
            continue
        ds = lw.defsrc[kw].stmt
        raise lw.perr(f"two candidates for the objective: the definition of "
                      f"{lw.info[kw].latex} (line {ds.span.line}), and, by the stationarity "
                      f"condition here (its gradient set to 0), {theirs}; {why}: name the "
                      f"objective", st)


def _inline_in_prose(lw, span) -> bool:
    """Is the fragment at `span` inline math (``$...$``, ``\\(...\\)``) with prose text
    before it on its line?"""
    lines = lw.src.splitlines()
    if not span.line or span.line > len(lines):
        return False
    before = lines[span.line - 1][:span.column - 1].rstrip()
    if before.endswith("$$") or not (before.endswith("$") or before.endswith("\\(")):
        return False
    text = before[:-2] if before.endswith("\\(") else before[:-1]
    return any(ch.isalpha() for ch in text.split("$")[-1])


def refuse_prose_mention(lw, kw):
    """A bare expression after the last definition that is an inline mention in a prose
    sentence (``$$L = a^Tx - x^Tx$$ where the first term is $a^Tx$``) and differs from the
    last (scalar) definition: two candidates, refused naming both."""
    if lw.bare is None or not _inline_in_prose(lw, lw.bare.span):
        return
    last = [k for k in lw.defsrc if k != kw]
    if not last:
        return
    got = _rival(lw, lw.defs[kw], None, last[-1])
    if got is None:
        return
    _theirs, why = got
    ds = lw.defsrc[last[-1]]
    raise lw.perr(f"two candidates for the objective: the expression "
                  f"{excerpt(lw.src, lw.bare.span)} mentioned in the prose here, after the "
                  f"last definition, and that definition, {lw.info[last[-1]].latex} (line "
                  f"{ds.stmt.span.line}); {why}: name the objective", lw.bare)


def written(src, span) -> str:
    """The source text of `span` with all white space removed (not shortened): how an
    objective named as written (``--objective '\\operatorname{det}(\\mathbf{X})'``) is
    compared with a candidate."""
    if span is None or not span.line:
        return ""
    lines = src.splitlines(keepends=True)
    if span.end_line > len(lines):
        return ""
    starts = [0]
    for ln in lines:
        starts.append(starts[-1] + len(ln))
    a = starts[span.line - 1] + span.column - 1
    b = starts[span.end_line - 1] + span.end_column - 1
    return "".join(src[a:max(a, b)].split())


def objective_of_claims(lw):
    """A document that only claims derivatives (the Matrix Cookbook's
    ``\\frac{\\partial \\det(\\mathbf{X})}{\\partial \\mathbf{X}} = ...``): the function a claim
    differentiates is the objective (a `Bare`), the claims kept for check. Several different
    ones: the one the named objective writes, else refused naming two (when no objective is
    named); None when no claim differentiates a written expression."""
    found, seen = [], set()
    for st in list(lw.claims) + list(lw.not_defs):
        if id(st) in seen:
            continue
        seen.add(id(st))
        t = getattr(st, "target", None)
        fn = claimed_function(t) if t is not None else None
        if fn is not None and all(fn != other for _st, other in found):
            found.append((st, fn))
    if not found:
        return None
    named = getattr(lw, "objective_text", "")
    if named:
        want = "".join(named.split())
        for st, fn in found:
            if written(lw.src, fn.span) == want:
                return S.Bare(fn, span=fn.span)
        return None
    if len(found) > 1 and named is None:
        (a, fa), (b, fb) = found[0], found[1]
        raise lw.perr(f"two candidates for the objective, and the document defines none: "
                      f"the function differentiated by the claim at line {a.span.line}, "
                      f"{excerpt(lw.src, fa.span)}, and by the claim here, "
                      f"{excerpt(lw.src, fb.span)}: name the objective (as written, e.g. "
                      f"--objective '{excerpt(lw.src, fa.span)}')", fb)
    st, fn = found[0]
    lw.note(fn, f"the function the claim at line {st.span.line} differentiates: read as the "
                f"objective (the document defines none; the claim is kept for check)",
            "inferred")
    return S.Bare(fn, span=fn.span)


def _with_inference(lw, fn, run):
    """run() with the shapes inferred over the document and the candidate `fn` as a
    scalar (its unsized ``\\mathbf{1}`` and its undeclared names sized by their use in it);
    the document's own inference is restored after."""
    from .declarations import DefSource, Info
    from .infer import infer_shapes
    saved, key = lw.inferred, "__candidate"
    lw.defsrc[key] = DefSource(key, S.Def(S.Sym(key), None, fn, span=fn.span), (), ())
    lw.info[key] = Info("def", key)
    try:
        try:
            got = infer_shapes(lw, key)
        except Exception:   # noqa: BLE001 - inference is a help (as run_inference)
            got = saved
    finally:
        del lw.defsrc[key], lw.info[key]
    lw.inferred = got if got is not None else saved
    try:
        return run()
    finally:
        lw.inferred = saved


def _lowered(lw, e):
    v = lw.materialise(lw.expr(e, {}), e)
    if v.index_labels:
        raise lw.perr("an indexed expression", e)
    return v.node
