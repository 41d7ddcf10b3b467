"""Lowering function applications: the registry's functions (``\\exp``, ``\\operatorname{Tr}``,
softmax; a letter's function such as ``\\Gamma``: letters.py), ``\\sigma'``, and the
document's own functions defined with dummy arguments (``g(z) = \\frac{1}{1+e^{-z}}``, then
``g(\\theta^T x)``).

Contract: `CallLowering` is a part of `document.Lowerer`. `collect_functions()` finds the
definitions with parameters; `x_Apply`/`x_Call` lower an application (a user function's
body with its arguments substituted, or the op the registry names); a wrong number of
arguments or an unknown function is a located `ParseError`.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from .. import names, ops
from ..ir import Map, fmap
from ..read import syntax as S
from ..values import Val, scalar
from .base import SIGMA_NAMES, LoweringBase, chain_factors, walk_syntax


def written_args(apply):
    """The arguments of an application as a left side lists them: a set of names
    ``\\{W_\\ell, b_\\ell\\}_{\\ell=1}^3`` stands for its names (`build.definition`)."""
    return tuple(x for a in apply.args for x in (a.items if isinstance(a, S.SetOf) else (a,)))


class CallLowering(LoweringBase):
    """Applications of built-in and user-defined functions."""

    # ------------------------------------------------------------ functions
    @property
    def functions(self) -> dict:
        """keyword -> DefSource of each definition with parameters that the document
        applies to other arguments (``g(z) = ...`` then ``g(\\theta^T x)``): a function,
        not a value (see `collect_functions`)."""
        return self.__dict__.setdefault("_functions", {})

    def collect_functions(self):
        """Move each definition written with parameters (``g(z) = \\frac{1}{1+e^{-z}}``,
        ``s(x) = ...``) that the document applies to arguments other than its parameters
        out of the definitions: it is a function, its parameters are dummies (shadowing a
        declared variable of the same name), and each application is its body with the
        arguments put in. A definition applied only to its own parameters, or never
        (``f(W, H) = ...``, ``\\ell(\\theta) = ...``), stays a named value."""
        applied: dict = {}
        claims = {c.span for c in self.claims}     # df = f(x + dx) - f(x) applies nothing
        for st in self.doc.statements:
            if getattr(st, "span", None) in claims:
                continue
            for part in (getattr(st, "value", None), *getattr(st, "middle", ())):
                if part is None:
                    continue
                own = names.keyword_of(st.target) if isinstance(st, S.Def) and \
                    getattr(st, "target", None) is not None and \
                    isinstance(st.target, (S.Sym, S.Sub)) else None
                for node in walk_syntax(part):
                    if isinstance(node, S.Apply):
                        kw = names.keyword_of(node.func)
                        if kw is not None and kw == own:
                            continue  # f(x) = f([x_1, ..., x_n]) = ...: a restatement
                        applied.setdefault(kw, []).append((node, st))
                    elif isinstance(node, S.BinOp) and node.op == S.MUL:
                        # s q(a): the letters written together before an application
                        factors, signs = self._join_runs(*chain_factors(node))
                        for x in factors:
                            if isinstance(x, S.Apply) and len(x.func.name if isinstance(
                                    x.func, S.Sym) else "") > 1:
                                applied.setdefault(x.func.name, []).append((x, st))
        for kw, ds in list(self.defsrc.items()):
            params = ds.stmt.params
            if params is None or ds.indices:
                continue
            # f(x) = f([x_1, ..., x_n]) = ...: its own statement restates f, never applies it
            uses = [u for u, st in applied.get(kw, []) if st is not ds.stmt and
                     not _same_place(st, ds.stmt)]
            if not any(written_args(u) != tuple(params) for u in uses):
                continue
            if ds.stmt.set_params:
                f = names.latex_of(ds.stmt.target)
                raise self.perr(f"{f} is defined with a set of names as its argument, and "
                                f"applied here to other arguments: a set has no order, so "
                                f"which argument stands for which parameter is not written "
                                f"(define {f} with a list of names, {f}(a, b) = ...)",
                                next(u for u in uses if written_args(u) != tuple(params)))
            for prm in params:
                if not isinstance(prm, S.Sym):
                    raise self.perr("a function's parameters must be names", prm)
            self.functions[kw] = ds
            del self.defsrc[kw]
            info = self.info.pop(kw)
            if info.decl_shape is not None:     # a declared variable of that name stays one
                self.info[kw] = dataclasses.replace(info, kind="input", shape=info.decl_shape)

    def apply_function(self, kw, e, scope):
        """A function applied: its body with each parameter replaced by the argument
        written (as syntax), lowered where it is applied."""
        ds = self.functions[kw]
        params = ds.stmt.params
        if len(e.args) != len(params):
            raise self.perr(f"{names.latex_of(e.func)} takes {len(params)} argument"
                            f"{'s' if len(params) != 1 else ''}, not {len(e.args)}", e)
        active = self.__dict__.setdefault("_applying", [])
        if kw in active:
            raise self.perr(f"{names.latex_of(e.func)} is defined in terms of itself", e)
        mapping = {names.keyword_of(p): a for p, a in zip(params, e.args)}
        body = _substitute(ds.stmt.value, mapping)
        active.append(kw)
        try:
            return self.expr(body, scope)
        finally:
            active.pop()

    def x_SetOf(self, e, scope):
        raise self.perr("a set of names \\{...\\} is read only as the argument list of a "
                        "left side, L(\\{W_\\ell, b_\\ell\\}_{\\ell=1}^{3}) := ..., naming what L "
                        "depends on; it has no value here", e)

    def x_Apply(self, e, scope):
        f = e.func
        kw = names.keyword_of(f)
        if kw in self.functions:
            return self.apply_function(kw, e, scope)
        if self.prose_function(kw) is not None:     # "$S$ is softmax function"
            return self.apply_prose_function(kw, e, scope)
        if isinstance(f, S.Sym) and f.name in SIGMA_NAMES and kw not in self.info:
            return self.call("sigma", e.args, e, scope, f.primes)
        if kw in self.defsrc and self.defsrc[kw].stmt.params is not None:
            # f(x) for a definition written f(x) = ...: only at its own arguments
            params = self.defsrc[kw].stmt.params
            ds = self.defsrc[kw]
            if ds.indices and len(params) == 1 and len(e.args) == 1 and \
                    isinstance(params[0], S.Sub) and isinstance(e.args[0], S.Sub) and \
                    names.keyword_of(e.args[0].base) == names.keyword_of(params[0].base) and \
                    len(e.args[0].subs) == 1:
                # f(x_i) = ... read entrywise: f(x_j) is the entry f_j
                return self.expr(S.Sub(f, e.args[0].subs, span=e.span), scope)
            args = written_args(e)
            if len(args) == len(params) and all(
                    names.keyword_of(a) is not None and names.keyword_of(a) ==
                    names.keyword_of(p) for a, p in zip(args, params)):
                return self.resolve_name(kw, f, scope)
            own = ", ".join(names.latex_of(p) for p in params)
            raise self.perr(f"{names.latex_of(f)} is defined as {names.latex_of(f)}({own}); "
                            f"applied to other arguments it has two readings -- "
                            f"{names.latex_of(f)} at new arguments, or {names.latex_of(f)} "
                            f"times the parenthesis: write {names.latex_of(f)}({own}) or "
                            f"{names.latex_of(f)} \\cdot (...)", e)
        if isinstance(f, S.Sym) and f.primes == 1 and kw not in self.info and len(e.args) == 1:
            primed = self._primed_vector_product(f, e, scope)
            if primed is not None:
                return primed
        density = self.named_density(e, scope)      # \mathcal{N}(x | \mu, \Sigma)
        if density is not None:
            return density
        # a variable before parentheses multiplies them; the argument is lowered first,
        # since it may fix index ranges the factor needs (\delta_{jl} (v_j + v_l))
        if kw is not None and kw in self.info:
            if len(e.args) != 1:
                raise self.perr(f"{names.latex_of(f)} is not a function", e)
            b = self.expr(e.args[0], scope)
            return self.product(self.expr(f, scope), b, e)
        letter = self.letter_function(f, e)
        if letter is not None:                      # \Gamma(x): the gamma function
            return self.call(letter, e.args, e, scope, f.primes,
                             check=lambda v: self._letter_of_scalar(letter, f, v, e))
        letter = self.claim_letter_function(f, e)
        if letter is not None:                      # \psi(a) in a claim beside log Γ
            return self.call(letter, e.args, e, scope, f.primes)
        multi = self.multivariate_gamma(f, e, scope)
        if multi is not None:                       # \Gamma_p(a)
            return multi
        if isinstance(f, S.Sub) and len(e.args) == 1:
            base = names.keyword_of(f.base) if isinstance(f.base, S.Sym) else None
            if kw not in self.info and base not in self.info and base not in self.functions \
                    and isinstance(f.base, S.Sym) and f.base.name != "delta" and \
                    not (f.base.name == "I" and "I" not in self.info):
                raise self.perr(f"unknown function {names.latex_of(f)}: the document applies "
                                f"it but does not define it (write "
                                f"{names.latex_of(f)}(x) = ...)", f)
            b = self.expr(e.args[0], scope)
            return self.product(self.expr(f, scope), b, e)
        if kw == "pi" and isinstance(f, S.Sym) and not f.primes and len(e.args) == 1:
            # \pi (x^T x): the constant pi (undeclared) times the parenthesis
            return self.product(scalar(sp.pi), self.expr(e.args[0], scope), e)
        if kw == "e" and isinstance(f, S.Sym) and len(e.args) == 1:
            raise self.perr("e (...) has two readings: a function e applied, or Euler's "
                            "number times the parenthesis (e is Euler's number only in a "
                            "power): define e, or write e^{1} \\cdot (...) or \\exp(1)", f)
        raise self.perr(f"unknown function {names.latex_of(f)}: the document applies it but "
                        f"never says which function it is (a generic differentiable function "
                        f"has no numbers to check): define it ({names.latex_of(f)}(z) = ...) "
                        f"or name it in a sentence (\"${names.latex_of(f)}$ is the sigmoid "
                        f"function\")", f)

    def _primed_vector_product(self, f, e, scope):
        """``\\phi'(\\mu - R_f\\mathbf{1})`` with the vector \\phi declared and \\phi' not: a
        vector is no function, so the prime is a transpose and the parenthesis a factor,
        \\phi^T(\\mu - R_f 1) (with a note, as for y'y). With \\phi anything else known (a
        matrix, a definition), or the parenthesis not a vector, the two readings -- the
        derivative \\phi' applied, and \\phi^T times the parenthesis -- are refused."""
        plain = dataclasses.replace(f, primes=0)
        info = self.info.get(names.keyword_of(plain))
        if info is None:
            return None
        b = self.expr(e.args[0], scope)
        if info.kind == "input" and not info.family and len(info.shape) == 1 and \
                len(b.mat) == 1 and not b.index_labels:
            return self.product(self.expr(f, scope), b, e)
        p = names.latex_of(plain)
        raise self.perr(f"{p}'(...) has two readings: the derivative {p}' applied to the "
                        f"parenthesis, and {p}^T times it; write {p}^T(...) for the product", e)

    def x_Call(self, e, scope):
        return self.call(e.func, e.args, e, scope, e.primes)

    def one_arg(self, what, args, e, scope) -> Val:
        """The one argument of a call, lowered; another count is an error naming `what`."""
        if len(args) != 1:
            raise self.perr(f"{what} takes one argument, not {len(args)}", e)
        return self.materialise(self.expr(args[0], scope), args[0])

    def call(self, fn, args, e, scope, primes=0, check=None):
        """A function applied to arguments: an array function lowers by its own block
        (`ops.CALLS`); an elementwise function (`ops.FUNCTIONS`) maps entrywise, and with
        a prime (``\\sigma'``) is its derivative. `check(v)`, if given, sees the lowered
        argument first (and may refuse it)."""
        op = ops.CALLS.get(fn)
        if op is not None:
            if primes:
                raise self.perr(f"{fn}' is not an elementwise function's derivative", e)
            return op.lower(self, args, e, scope)
        f = ops.FUNCTIONS.get(fn)
        if f is None:
            raise self.perr(f"unknown function {fn}", e)
        v = self.one_arg(fn, args, e, scope)
        if check is not None:
            check(v)
        node = fmap(f.name, v.node)
        inner = v.node
        if isinstance(inner, Map) and ops.fused(f.name, inner.fn) is not None:
            # \log\Gamma(x): the reader writes log(Γ(x)) as the one function lgamma
            node = fmap(ops.fused(f.name, inner.fn), inner.arg)
        if primes == 1:
            node = fmap(f.prime, v.node) if f.prime else f.derivative(v.node, node)
        elif primes > 1:
            raise self.perr(f"only the first derivative {fn}' is known", e)
        return Val(node, v.labels, v.mat, v.row)


def _substitute(e, mapping):
    """The syntax tree e with every name whose keyword is in `mapping` replaced by its
    syntax (a function's parameters by the arguments it is applied to)."""
    if isinstance(e, S.Sym):
        kw = names.keyword_of(e)
        return mapping.get(kw, e)
    if not dataclasses.is_dataclass(e) or isinstance(e, S.Span):
        return e
    changes = {}
    for f in dataclasses.fields(e):
        if f.name == "span":
            continue
        v = getattr(e, f.name)
        if isinstance(v, tuple):
            new = tuple(_substitute(x, mapping) for x in v)
            if any(a is not b for a, b in zip(new, v)):
                changes[f.name] = new
        elif dataclasses.is_dataclass(v):
            new = _substitute(v, mapping)
            if new is not v:
                changes[f.name] = new
    return dataclasses.replace(e, **changes) if changes else e


def _same_place(a, b):
    return getattr(a, "span", None) is not None and a.span == getattr(b, "span", None)
