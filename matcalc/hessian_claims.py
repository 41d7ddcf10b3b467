"""Claimed Hessians in a post: read, and judged against `hessian` (check_all's second order).

Contract: `hessian_form(stmt)` (lower/second.py, syntax only) finds a claimed second
derivative in a statement -- its left side (``\\nabla^2 f(x) = ...``, ``\\nabla^2_x f =
...``, ``\\frac{\\partial^2 f}{\\partial x \\partial x^T} = ...``, ``\\frac{\\partial^2 f}
{\\partial x^2}``, the operator form ``\\frac{\\partial^2}{\\partial x \\partial y^T} f``,
the entrywise ``\\frac{\\partial^2 f}{\\partial X_{ij} \\partial X_{kl}}``), or a name's
value or middle (``H = \\nabla^2 f(x) = ...``) -- and `judge_hessian(checker, claim)`
gives the claim's (status, reason, judge, read, wrt) with the statuses and diagnoses of
first-order claims (claims.py); `hessian_variable` is its variable for `check_all(wrt=)`:

- The claim is compared at random float64 points with ``hessian`` (the Jacobian of the
  gradient, ``H[a, b] = ∂²f/∂x_a∂y_b``, shape ``shape(x) + shape(y)``), as `Judge` compares
  a gradient; wrong claims get the same diagnoses (sign, constant factor, which entries,
  ``right if A is symmetric`` -- ``2A`` for ``x^T A x``), "Hessian" said for "gradient".
- Layout. For a vector (or scalar) x the Hessian of a scalar is the n×n matrix of
  ``∂²f/∂x_i∂x_j``; it is symmetric, so ``\\partial x \\partial x^T``, ``\\partial x^2`` and
  ``\\nabla^2_x`` have one reading and no transpose ambiguity. A mixed block
  ``\\frac{\\partial^2 f}{\\partial x \\partial y^T}`` (both declared vectors) has rows by x,
  columns by y (by y, x when only the first is transposed, ``\\partial x^T \\partial y``);
  written with neither (or both) transposed and x, y of the same size, the two layouts are
  two readings: judged only when both give the same verdict, else refused naming both.
- A matrix variable X: only the entrywise form ``\\partial X_{ij} \\partial X_{kl}`` (the
  4-index array, entry [i, j, k, l]) is judged; a claim written as a matrix has several
  readings (vec by columns or by rows, which factor of a Kronecker product is which) and
  is refused (`REFUSALS["matrix layout"]`), never guessed.
- Refused with a reason, never left out: a Hessian of a non-scalar, of an expression
  written out, without its variable, by an intermediate (not an input), by a transpose
  entry, a right side written with derivatives, a name only naming the Hessian
  (``H = \\nabla^2 f`` with no closed form), a second derivative inside an expression.
"""
from __future__ import annotations

import numpy as np

from . import ir, names
from .check import Judge, explain
from .diff import DiffError
from .errors import MatcalcError
from .lower.classify import is_second_derivative, namelike
from .lower.second import denominator, hessian_form, second_sides
from .read import syntax as S

REFUSALS = {
    "matrix layout": ("a Hessian by the matrix {x} written as a matrix: its layout has "
                      "several readings (vec by columns or by rows, which factor of a "
                      "Kronecker product comes first) giving different numbers; matcalc does "
                      "not choose: write it entrywise, \\frac{{\\partial^2 {f}}}{{\\partial "
                      "{x}_{{ij}} \\partial {y}_{{kl}}}} = ..."),
    "no variable": ("the Hessian of {f} without its variable, which its definition does "
                    "not settle: write it (\\nabla^2_x {f})"),
    "not scalar": "a Hessian of {f}, which is not a scalar: only Hessians of scalars are checked",
    "intermediate": ("a Hessian by {x}, which the document defines: only Hessians by the "
                     "document's inputs are checked"),
    "names only": ("it names the Hessian, and claims no closed form for it: nothing to "
                   "check"),
    "inside": ("a second derivative inside an expression: only a Hessian standing alone "
               "on one side of an equation is judged"),
    "written out": ("the Hessian of an expression written out, not of a quantity the "
                    "document names"),
    "chain rule": ("the right side is written with derivatives: only closed forms are "
                   "checked"),
    "denominator": ("the denominator of the second derivative is not two variables "
                    "(\\partial x \\partial y, or \\partial x^2)"),
    "half entrywise": ("one variable is written entrywise and the other whole: write both "
                       "by their entries, or both whole"),
    "transposed entry": "a second derivative by an entry of a transpose",
}


def _naming(e, known) -> bool:
    """A name the document does not know standing as one side (``H`` in ``\\nabla^2 f = H =
    A + A^T``): the claim's name for the Hessian, not a value claimed for it."""
    if not namelike(e) or names.keyword_of(e) in known:
        return False
    return not (isinstance(e, S.Sub) and names.keyword_of(e.base) in known)


class HessianJudge(Judge):
    """A `Judge` whose "gradient" is a Hessian: claims are read in its shape, and no
    intermediate is held constant (a stop-gradient's second derivative is refused by
    `hessian` itself)."""

    @property
    def claim_shape(self):
        """Claims are read in the Hessian's shape, shape(x) + shape(y)."""
        return tuple(self.g.node.shape)

    def held_right(self, got):
        return None


def _hessian(checker, objective, x, y):
    """The `Hessian` ∂²f/∂x∂y of the document read with `objective` (cached on the
    checker); a MatcalcError when it cannot be derived."""
    from .api import _lower
    from .calculus.hessian import gradient_problem
    from .calculus.jacobian import jacobian_of
    from .calculus.results import Hessian
    cache = checker.__dict__.setdefault("hessians", {})
    key = (objective, x, y)
    if key not in cache:
        try:
            problem, _ = _lower(checker.document, objective)
            gp, gkw, g, gsteps = gradient_problem(problem, x)
            h = Hessian(jacobian_of(gp, gkw, y), problem, x, y, g, gsteps, gp)
            cache[key] = HessianJudge(checker.document, h, checker.seed, checker.trials)
        except MatcalcError as err:
            cache[key] = err
        except (ir.IRError, DiffError) as err:      # as claims.py's differential steps
            cache[key] = MatcalcError(f"cannot derive the Hessian: {err}")
    return cache[key]


def _as_hessian(reason: str) -> str:
    return reason.replace("the gradient", "the Hessian")


def hessian_variable(checker, head) -> str:
    """The keyword of the variable of a claimed Hessian (for `check_all(wrt=...)`): x of
    ∂²f/∂x², '' for a mixed block (about both: kept for either) or one not known."""
    from .claims import _variable, implied_variable
    sides = second_sides(hessian_form(head)[0])
    if sides is None:
        return ""
    first, second = sides.first, sides.second
    if first is None and sides.num is not None:
        first = second = implied_variable(checker.document, sides.num)
    if first is None:
        return ""
    p = checker.problem
    known = set(p.inputs) | set(p.defs)
    x, y = (_variable(v.arg if isinstance(v, S.Transpose) else v, known)[0]
            for v in (first, second))
    return x if x == y and x else ""


def judge_hessian(checker, claim):
    """(status, reason, judge or None, read, wrt keyword) of a claimed Hessian (see the
    module docstring); `checker` is claims.py's `_Checker`."""
    from .claims import _has_derivative, _latex, _name_of, _source, _variable, \
        implied_variable
    head = claim.head
    form, parts = hessian_form(head)
    if claim.stmt is not head:
        parts = tuple(claim.stmt.middle) + (claim.stmt.value,)
    sides = second_sides(form)
    src, p = checker.src, checker.problem

    def out(status, key_or_reason, judge=None, read="", wrt="", **fill):
        reason = REFUSALS[key_or_reason].format(**fill) if key_or_reason in REFUSALS \
            else key_or_reason
        return status, reason, judge, read, wrt

    if sides is None:
        if isinstance(form, S.Frac) and denominator(form.den) is None:
            return out("ill-formed", "denominator")
        return out("unchecked", "inside")
    known = set(p.inputs) | set(p.defs)
    num = sides.num
    num_kw = _name_of(num, known) if num is not None else None
    if num is not None and num_kw is None and p.written is not None and num == p.written:
        num_kw = p.objective
    if num_kw is None:
        return out("unchecked", "written out")
    f_latex = f"${_source(src, num.span) or p.latex.get(num_kw, num_kw)}$"
    if num_kw in p.inputs:
        return out("unchecked", f"{_latex(p, num_kw)} is an input: it has no derivative "
                                f"to check")
    if num_kw not in p.defs and num_kw not in checker.defined:
        return out("ill-formed", f"{f_latex} is not defined in the document")
    if num_kw in p.defs and p.defs[num_kw].shape != ():
        return out("unchecked", "not scalar", f=_latex(p, num_kw))
    first, second = sides.first, sides.second
    if first is None:
        first = second = implied_variable(checker.document, num)
        if first is None:
            return out("unchecked", "no variable", f=f_latex)
    tx, ty = isinstance(first, S.Transpose), isinstance(second, S.Transpose)
    first = first.arg if tx else first
    second = second.arg if ty else second
    (x, ix), (y, iy) = _variable(first, known), _variable(second, known)
    for v, syn in ((x, first), (y, second)):
        if v not in known:
            return out("ill-formed", f"${_source(src, syn.span)}$ is not a variable of the "
                                     f"document")
        if v not in p.inputs:
            return out("unchecked", "intermediate", f=f_latex, x=_latex(p, v))
    if bool(ix) != bool(iy):
        return out("unchecked", "half entrywise", wrt=x)
    if (tx or ty) and ix:
        return out("unchecked", "transposed entry", wrt=x)
    sx, sy = p.shape_of(x), p.shape_of(y)
    if not ix and (len(sx) > 1 or len(sy) > 1):
        return out("unchecked", "matrix layout", wrt=x, f=p.latex.get(num_kw, num_kw),
                   x=p.latex.get(x, x), y=p.latex.get(y, y))
    parts = [e for e in parts if not _naming(e, known)]
    if not parts:
        return out("unchecked", "names only", wrt=x)
    if any(_has_derivative(e) or is_second_derivative(e) for e in parts):
        return out("unchecked", "chain rule", wrt=x)
    as_read = checker.objective if num_kw in p.unnamed else num_kw
    judge = _hessian(checker, as_read, x, y)
    if isinstance(judge, MatcalcError):
        return out("unchecked", f"cannot differentiate {f_latex} twice with respect to "
                                f"{_latex(p, x)}" + (f" and {_latex(p, y)}" if y != x else "")
                   + f": {judge.bare_message}", wrt=x)
    index_syntax = ()
    if ix:
        from .check import split_indices
        for syn, idx, shape in ((first, ix, sx), (second, iy, sy)):
            if len(split_indices(idx, len(shape))) != len(shape):
                return out("ill-formed", f"${_source(src, syn.span)}$ is written with "
                                         f"{len(split_indices(idx, len(shape)))} indices, "
                                         f"but its variable has {len(shape)} axes", wrt=x)
        index_syntax = split_indices(ix, len(sx)) + split_indices(iy, len(sy))
    layout = _layout(x, y, sx, sy, tx, ty)
    read = ""
    for e in parts:
        status, reason, read = _part(checker, judge, e, index_syntax, layout)
        if status != "right":
            return status, _as_hessian(reason), judge, read, x
    h = judge.g
    whole = f"${h.lhs_latex}$"
    if num_kw in p.unnamed and _source(src, num.span):
        # a function the page does not name (f is matcalc's): the Hessian of it
        whole = f"of ${_source(src, num.span)}$"
    how = ""
    f_name = p.latex.get(num_kw, num_kw) if whole.startswith("$") else ""
    if not ix and len(sx) == 1 and x == y:
        how = (f" (the matrix of entries $\\partial^2{' ' + f_name if f_name else ''} / "
               f"\\partial {p.latex.get(x, x)}_i \\partial {p.latex.get(x, x)}_j$: symmetric, "
               f"so one layout)")
    elif layout != "rows x":
        how = f" ({LAYOUTS[layout]})"
    return "right", f"equals the Hessian {whole} at every point tried{how}", judge, read, x


LAYOUTS = {
    "rows x": "rows by the first variable, columns by the second",
    "rows y": "rows by the second variable (the first is transposed), columns by the first",
    "either": ("its rows by either variable: both layouts, rows by the first or by the "
               "second, give this verdict"),
}


def _layout(x, y, sx, sy, tx, ty) -> str:
    """How a mixed block ∂²f/∂x∂y of two vectors is laid out (`LAYOUTS`): by the marking
    transpose, else by the shapes; "either" when the text does not say (judged both ways)."""
    if x == y or len(sx) != 1 or len(sy) != 1:
        return "rows x"
    if tx != ty:
        return "rows y" if tx else "rows x"
    return "either" if ir.same_dim(sx[0], sy[0]) else "rows x"


def _part(checker, judge, value, index_syntax, layout):
    """(status, reason, read) of one right-hand side claimed for the Hessian."""
    try:
        read, got = judge.evaluate(value, index_syntax, [], checker.src)
    except MatcalcError as err:
        where = (f" (line {err.line}, column {err.column})"
                 if err.line is not None and err.column is not None else "")
        return checker._ill_formed(f"{err.bare_message}{where}")
    if layout == "rows y":      # compared with the Hessian's rows by x: transposed
        got = [np.swapaxes(a, 0, 1) if np.ndim(a) == 2 else a for a in got]
    result = judge.compare(got)
    if layout == "either":
        other = judge.compare([np.swapaxes(a, 0, 1) if np.ndim(a) == 2 else a for a in got])
        if other.ok != result.ok:
            return "unchecked", (f"two readings of the layout give different verdicts: "
                                 f"rows by the first variable ({'right' if result.ok else 'wrong'}"
                                 f"), rows by the second ({'right' if other.ok else 'wrong'}); "
                                 f"mark the column variable with a transpose "
                                 f"(\\partial x \\partial y^T)"), read
    if result.ok:
        return "right", "", read
    special = judge.right_if(value, index_syntax, [], checker.src, result.diagnosis) \
        if layout != "rows y" else None
    if special:
        return "wrong", special, read
    if layout == "rows y":
        return "wrong", result.diagnosis + " (read with rows by the second variable)", read
    both = "; wrong in both layouts (rows by either variable)" if layout == "either" else ""
    return "wrong", explain(judge, result, value, index_syntax, [], checker.src) + both, read
