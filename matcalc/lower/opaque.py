r"""Lowering a function the document leaves arbitrary (`ops.opaque`): ``L = f(D)`` where
"f is an arbitrary loss function"; ``F = \phi(Z)`` beside ``G = \phi'(Z)``; and the
printed forms of their derivatives read back, ``\nabla f(D)``, ``\partial_{2} f(a, b)``.

Contract (a part of `document.Lowerer`):
  - `arbitrary_function(f)` says why the name `f` (applied, neither declared, defined nor a
    known function) is an arbitrary function, or None: a sentence says so (`read.prose`,
    "$f$ is an arbitrary loss function"), or the text writes a derivative of it (``f'(``,
    ``\nabla f``, ``\partial f``, ``df(y)/dy``): a text that differentiates f treats it as a
    differentiable function it does not name. Without one of them an unknown function stays
    an error (`calls.py`): a product f·(D) with f undeclared is the other reading.
  - `apply_arbitrary(f, e, scope, primes, grad)` lowers one application. On scalar
    arguments (a number, or an entry in index notation: ``\sum_i \ell(y_i, \hat y_i)``)
    the function is entrywise, f: Rᵃ → R. On arrays it is a scalar function of the arrays
    (a loss, `UnknownOf`) where a sentence says loss/cost/scalar or the text writes ∇f or
    the application is the whole value of the objective; entrywise where a sentence says
    elementwise/activation or the text writes f'; with neither, the two readings (∇f(D) a
    matrix of partials, or f'(D) entrywise) give different gradients and are refused,
    naming both. One function has one kind: applied entrywise in one place and to whole
    arrays in another is refused. `primes` (``\phi'(Z)``) differentiates an entrywise
    function; `grad` (``\nabla f(D)``, ``\nabla_2``, ``\partial_1``: the argument's position)
    takes a gradient of a scalar one (of an entrywise one on scalars it is the partial).
    Each function is noted once, with the reading taken and why.
"""
from __future__ import annotations

import re

from .. import names
from ..ir import contract, ones, same_dim
from ..ops.opaque import Opaque, Unknown, UnknownGrad, UnknownOf
from ..read import syntax as S
from ..values import Val, describe
from .base import LoweringBase

# the marks before a function's name that write its derivative (\nabla f(D), \partial_2 f)
DERIVATIVE_MARKS = ("nabla", "partial")


# an opening parenthesis, sized or not: (, \left(, \big(, \Bigl(
_OPEN = r"(?:\\left|\\[bB]igg?l?)?\s*\("


def _derivative_written(src: str, latex: str):
    """The first derivative of the function `latex` the text writes (f', \\nabla f, df/dy,
    \\partial f), as an excerpt, and the kind it implies ("entrywise" for a prime, "scalar"
    for a gradient, None for a d or \\partial), or None."""
    src = re.sub(r"\\{2,}(?=[A-Za-z(])", r"\\", src)   # a source view's doubled escapes
    name = re.escape(latex) + (r"(?![A-Za-z])" if latex[-1:].isalpha() else "")
    for pattern, kind in ((name + r"\s*'+\s*" + _OPEN, "entrywise"),
                          (name + r"\s*\^\{?\\prime", "entrywise"),
                          (r"\\nabla\s*(?:_\{?[^{}\s]*\}?\s*)?" + name, "scalar"),
                          (r"(?:(?<![A-Za-z\\])d|\\partial|\\mathrm\{d\}|\\operatorname\{d\})"
                           r"\s*\{?\s*" + name + r"\s*(?:" + _OPEN + r"|/|\})", None)):
        m = re.search(pattern, src)
        if m:
            shown = re.match(r"[^\s$]*", src[m.start():m.start() + 24]).group(0)
            return (shown if len(shown) > len(m.group(0).strip()) else m.group(0).strip()), kind
    return None


def _applied(e):
    """The application under the postfixes of `e` (``f(D)^T``, ``f(D)^2`` -> ``f(D)``)."""
    while isinstance(e, (S.Transpose, S.Pow)):
        e = e.arg if isinstance(e, S.Transpose) else e.base
    return e


class ArbitraryFunctions(LoweringBase):
    """Applications of the functions a document leaves arbitrary."""

    @property
    def arbitrary(self) -> dict:
        """keyword -> [Opaque, kind or None] of the arbitrary functions lowered so far."""
        return self.__dict__.setdefault("_arbitrary", {})

    def arbitrary_function(self, f):
        """(why, kind hint) when the applied name `f` is an arbitrary function, else None
        (module docstring)."""
        if not isinstance(f, S.Sym) or f.accent or f.sup is not None:
            return None
        kw = names.keyword_of(S.Sym(f.name))
        said = self.prose.arbitrary.get(kw)
        if said is not None:
            return f"as the text says: \"{said[1]}\"", said[0]
        # a claim is read in its document (`lower_claim`): the document's text says too
        written = None
        for src in (self.src, getattr(self, "document_src", None)):
            written = written or (_derivative_written(src, names.latex_of(S.Sym(f.name)))
                                  if src else None)
        if written is not None:
            return f"the text writes its derivative, {written[0]}", written[1]
        return None

    def apply_arbitrary(self, f, e, scope, primes=0, grad=None) -> Val:
        if grad is None:        # under a postfix a mark before it differentiates: \nabla f(D)^T
            grad = self.marked_gradients.get(id(e))
        why, hint = self.arbitrary_function(f)
        kw = names.keyword_of(S.Sym(f.name))
        latex = names.latex_of(S.Sym(f.name))
        vals = [self.materialise(self.expr(a, scope), a) for a in e.args]
        fn = Opaque(kw, latex, len(vals))
        known = self.arbitrary.get(kw)
        if known is not None and known[0].arity != fn.arity:
            raise self.perr(f"{latex} is applied to {known[0].arity} arguments elsewhere and "
                            f"to {fn.arity} here", e)
        scalar_args = all(v.kind == "s" for v in vals)
        # the kind, from every use of f in the document (`lower.kinds`), this one among them
        d = self.kind_of_use(f, e, self._use_category(e, vals, primes, grad), (why, hint))
        if scalar_args:
            kind = "entrywise"      # on scalars both readings are one
        elif d.kind in ("entrywise", "scalar"):
            kind = d.kind
        elif d.kind == "conflict":
            # one message whichever use is lowered first: the decision's, not this use's
            raise self.perr(
                f"{latex} has two readings, and the text says both: applied entrywise "
                f"({'; '.join(d.entry)}) or a scalar function of the whole array "
                f"({'; '.join(d.scalar)}). One function cannot be both: it is applied "
                f"entrywise in one place and to a whole array in another. Say which: "
                f"\"${latex}$ is a scalar function\" (its gradient \\nabla {latex}(...)) or "
                f"\"${latex}$ is applied elementwise\" (its derivative {latex}')", e)
        else:
            shown = describe(next(v for v in vals if v.kind != "s"))
            raise self.perr(
                f"{latex}(...) of {shown} has two readings: a scalar function of the whole "
                f"array (its gradient \\nabla {latex}, an array of partial derivatives) or "
                f"{latex} applied entrywise (its derivative {latex}'); the text "
                f"({why}) does not say which: say \"${latex}$ is a scalar function\" or "
                f"\"${latex}$ is applied elementwise\"", e)
        self.arbitrary[kw] = [fn, kind]
        self._note_arbitrary(f, e, latex, why, d.kind if d.kind in ("entrywise", "scalar")
                             else "scalars")
        if kind == "entrywise":
            return self._entrywise(fn, vals, e, primes, grad)
        if primes:
            raise self.perr(f"{latex}' of a scalar function of an array: its derivative is "
                            f"the gradient, \\nabla {latex}", e)
        if any(v.index_labels for v in vals):
            raise self.perr(f"{latex} of a member of a family, as a function of the whole "
                            f"array, is not supported", e)
        args = tuple(contract([v.node], [v.labels], v.mat) for v in vals)
        if grad is None:
            return Val(UnknownOf(fn, args), (), ())
        if not 0 <= grad < fn.arity:
            raise self.perr(f"{latex} has {fn.arity} argument(s): no argument {grad + 1}", e)
        v = vals[grad]
        return Val(UnknownGrad(fn, args, grad), v.mat, v.mat, v.row)

    def _entrywise(self, fn, vals, e, primes, grad):
        if primes and fn.arity != 1:
            raise self.perr(f"{fn.latex}' of a function of {fn.arity} arguments: write the "
                            f"partial derivative, \\partial_{{1}} {fn.latex}(...)", e)
        diff = (0,) * primes if primes else ((grad,) if grad is not None else ())
        if grad is not None and not 0 <= grad < fn.arity:
            raise self.perr(f"{fn.latex} has {fn.arity} argument(s): no argument {grad + 1}", e)
        if fn.arity == 1:
            v = vals[0]
            return Val(Unknown(fn, (v.node,), diff), v.labels, v.mat, v.row)
        # the arguments entry by entry: the matrix axes of each laid on the first's (one
        # shape, as for a Hadamard product), the index axes of all of them broadcast
        first = vals[0]
        for v in vals[1:]:
            if v.kind != first.kind or len(v.mat) != len(first.mat) or \
                    not all(same_dim(a, b) for a, b in zip(v.mat_dims(), first.mat_dims())):
                raise self.serr(f"{fn.latex} applied entrywise needs arguments of one shape, "
                                f"not {describe(first)} and {describe(v)}", e)
        relabelled = []
        for v in vals:
            to = dict(zip(v.mat, first.mat))
            relabelled.append((v, tuple(to.get(l, l) for l in v.labels)))
        index = tuple(dict.fromkeys(l for v in vals for l in v.index_labels))
        labels = index + tuple(first.mat)
        dims = {l: d for v, ls in relabelled for l, d in zip(ls, v.node.shape)}
        args = []
        for v, ls in relabelled:
            missing = tuple(l for l in labels if l not in ls)
            ops_ = [v.node] + ([ones(tuple(dims[l] for l in missing))] if missing else [])
            idx = [ls] + ([missing] if missing else [])
            args.append(contract(ops_, idx, labels))
        return Val(Unknown(fn, tuple(args), diff), labels, first.mat, first.row)

    def _use_category(self, e, vals, primes, grad) -> str:
        """What this use says of the function's kind (`lower.kinds.USES`)."""
        if all(v.kind == "s" for v in vals):
            return "scalars"
        if primes:
            return "prime"
        if grad is not None:
            return "grad"
        return "objective" if self._whole_objective(e) else "array"

    def _whole_objective(self, e) -> bool:
        """Is the application `e` the whole value of a definition that must be a scalar
        (the objective, L = f(D))? Then only the scalar reading is well formed."""
        if not self.lowering or self.lowering[-1] not in self.scalar_wanted:
            return False
        ds = self.defsrc.get(self.lowering[-1])
        value = getattr(getattr(ds, "stmt", None), "value", None)
        return value is e

    def _note_arbitrary(self, f, e, latex, why, kind):
        noted = self.__dict__.setdefault("_arbitrary_noted", set())
        if latex in noted:
            return
        noted.add(latex)
        what = {"entrywise": f"a scalar function applied entrywise to arrays (its "
                             f"derivative {latex}')",
                "scalars": f"a scalar function of scalars (its derivative {latex}')",
                "scalar": f"a scalar function of the whole array (its gradient "
                          f"\\nabla {latex})"}[kind]
        self.note(e, f"{latex} is read as an arbitrary differentiable function, {what}, "
                     f"since {why}; the result is written in its derivatives, and the "
                     f"generated code takes them as callables", "inferred")

    # ------------------------------------------------------------ \nabla f(D) read back
    def derivative_mark(self, mark, target):
        """The argument position a derivative mark before an application writes (``\\nabla``:
        0, ``\\nabla_{2}`` / ``\\partial_2``: 1), when `mark` is such a mark, undeclared,
        and `target` an application of an arbitrary function; else None."""
        base, sub = (mark.base, mark.subs) if isinstance(mark, S.Sub) else (mark, ())
        target = _applied(target)
        if not isinstance(base, S.Sym) or base.name not in DERIVATIVE_MARKS or \
                base.name in self.info or not isinstance(target, S.Apply):
            return None
        f = target.func
        kw = names.keyword_of(f) if isinstance(f, S.Sym) else None
        if kw is None or kw in self.info or kw in self.defsrc or \
                self.arbitrary_function(f) is None:
            return None
        if not sub:
            return 0 if base.name == "nabla" else None
        if len(sub) == 1 and isinstance(sub[0], S.Num) and sub[0].value.isdigit():
            return int(sub[0].value) - 1
        return None

    def join_derivative_marks(self, factors, signs, scope):
        """A product chain's factors with each derivative mark and the application after it
        (``\\nabla f(D)``) joined: (factors, signs, {position: lowered value}) -- the
        application stands at the mark's place, already lowered as that derivative."""
        out, out_signs, preset = [], [], {}
        k = 0
        while k < len(factors):
            pos = self.derivative_mark(factors[k], factors[k + 1]) \
                if k + 1 < len(factors) else None
            if pos is None:
                if out:
                    out_signs.append(signs[k - 1])
                out.append(factors[k])
                k += 1
                continue
            target = factors[k + 1]
            if out:
                out_signs.append(signs[k - 1])
            if isinstance(target, S.Apply):
                preset[len(out)] = self.apply_arbitrary(target.func, target, scope, grad=pos)
            else:
                # \nabla f(D)^T: the postfix applies to the gradient (as the printer means
                # it); the application inside is lowered as that derivative
                self.marked_gradients[id(_applied(target))] = pos
            out.append(target)
            k += 2
        return out, out_signs, preset

    @property
    def marked_gradients(self) -> dict:
        """id(application) -> argument position, for the applications under a postfix that
        a derivative mark before them differentiates (``\nabla f(D)^T``)."""
        return self.__dict__.setdefault("_marked_gradients", {})
