"""Lowering function applications: the registry's functions (``\\exp``, ``\\operatorname{Tr}``,
softmax), ``\\sigma'``, and the document's own functions defined with dummy arguments
(``g(z) = \\frac{1}{1+e^{-z}}``, then ``g(\\theta^T x)``).

Contract: `CallLowering` is a part of `document.Lowerer`. `collect_functions()` finds the
definitions with parameters; `x_Apply`/`x_Call` lower an application (a user function's
body with its arguments substituted, or the op the registry names); a wrong number of
arguments or an unknown function is a located `ParseError`.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from .. import ir, names, ops
from ..ir import Map, fmap
from ..ir import walk as ir_walk
from ..read import syntax as S
from ..values import Val, describe, scalar
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

    def claim_letter_function(self, f, e):
        """Inside a claimed derivative (`in_claim`), the function a letter applied names
        by its block's `claim_letters` (``\\psi(a)``: the digamma) where the document
        gives the letter no other meaning (as `letter_function`) and differentiating one
        of the functions its formulas apply gives that function (log Γ, Γ: ψ); noted.
        None otherwise."""
        if not getattr(self, "in_claim", False) or not isinstance(f, S.Sym) or \
                f.accent or f.layer or f.sup or f.via or f.primes:
            return None
        op = ops.spelled("claim_letter", f.name)
        kw = names.keyword_of(f)
        if op is None or kw in self.info or kw in self.defsrc or kw in self.functions or \
                self.prose_function(kw) is not None or self._letter_value_use(f.name):
            return None
        if op not in self._derivative_functions():
            return None
        latex = names.latex_of(f)
        self.note(e, f"{latex}(...) in the claim is read as the {op} function: {latex} is "
                     f"not declared or defined, and the {op} is the derivative of a function "
                     f"the document applies", "inferred")
        return op

    def _derivative_functions(self) -> set:
        """The elementwise functions that differentiating the document's lowered
        definitions brings in (log Γ -> digamma)."""
        out = set()
        for body in list(self.defs.values()):
            for n in ir_walk(body):
                if isinstance(n, Map):
                    d = ops.FUNCTIONS[n.fn].derivative(n.arg, n)
                    out.update(m.fn for m in ir_walk(d) if isinstance(m, Map))
        return out

    def _letter_of_scalar(self, op, f, v, e):
        """A letter read as a function takes a scalar (entries of index notation too):
        applied to a vector or matrix, \\Gamma(x) is as well an undeclared matrix Γ times
        x (Tikhonov's Γ x) -- refused, naming both readings."""
        if v.mat:
            latex = names.latex_of(S.Sym(f.name))
            raise self.perr(f"{latex}(...) of {describe(v)} has two readings: the {op} "
                            f"function entry by entry, or an undeclared matrix {latex} times "
                            f"it: declare {latex} (a matrix), or write "
                            f"\\operatorname{{{op}}}(...) for the function", e)

    def multivariate_gamma(self, f, e, scope):
        """``\\Gamma_p(a)``, the multivariate gamma function, as its product formula
        π^{p(p-1)/4} ∏_{j=1}^{p} Γ(a + (1 - j)/2), entrywise in a, noted -- where Γ reads
        as the gamma function (`letter_function`), Γ_p is no name of the document, and p
        is a whole number or a dimension (no index in scope, no declared real). None
        otherwise."""
        if not (isinstance(f, S.Sub) and isinstance(f.base, S.Sym) and len(f.subs) == 1
                and len(e.args) == 1) or names.keyword_of(f) in self.info or \
                names.keyword_of(f) in self.defsrc:
            return None
        if self.letter_function(f.base) != "gamma":
            return None
        p = f.subs[0]
        if isinstance(p, S.Num):
            if not p.value.isdigit() or int(p.value) < 1:
                return None
        elif not isinstance(p, S.Sym) or names.keyword_of(p) in scope or \
                getattr(self.info.get(names.keyword_of(p)), "kind", "dim") not in \
                ("dim", "natural"):
            return None
        self.letter_function(f.base, e)             # its note
        n = self.dim(p, scope)
        v = self.one_arg("the multivariate gamma function", e.args, e, scope)
        if v.mat:
            raise self.perr(f"{names.latex_of(f)}(...) of {describe(v)}: the multivariate "
                            f"gamma function is read only of a scalar (its product formula)", e)
        j = ("_mvgamma", id(e))
        labels = v.labels + (j,)
        dims = {**v.dims(), j: n}
        a = ir.broadcast(v.node, v.labels, dims, labels)
        jv = ir.broadcast(ops.IndexValue(n), (j,), dims, labels)
        one = ir.ones(a.shape)
        arg = ir.add([a, one, jv], [1, sp.Rational(1, 2), sp.Rational(-1, 2)])
        node = ops.ProdAxis(fmap("gamma", arg), len(labels) - 1)
        node = ir.scale(sp.pi ** (n * (n - 1) / 4), node)
        self.note(e, f"{names.latex_of(f)}(...) is read as the multivariate gamma function, "
                     f"\\pi^{{{n}({n}-1)/4}} \\prod_{{j=1}}^{{{n}}} \\Gamma(a + (1-j)/2)",
                  "inferred")
        return Val(node, v.labels, v.mat, v.row)

    def letter_function(self, f, e=None):
        """The function a letter applied names (``\\Gamma(x)``: "gamma", the `letters`
        spelling of its block) where the document gives the letter no other meaning: it is
        not declared, defined, a function of the document or named in words, and wherever
        it is written it is applied to a parenthesis; noted once. None for any other name
        (a declared \\Gamma times the parenthesis). A letter applied at `e` and used as a
        value elsewhere (``\\Gamma^T \\Gamma``) has two readings: refused, naming both."""
        if not isinstance(f, S.Sym) or f.accent or f.layer or f.sup or f.via:
            return None
        op = ops.spelled("letter", f.name)
        kw = names.keyword_of(f)
        base = names.keyword_of(S.Sym(f.name))
        if op is None or any(k in self.info or k in self.defsrc or k in self.functions
                             or self.prose_function(k) is not None for k in (kw, base)):
            return None
        value = self._letter_value_use(f.name)
        latex = names.latex_of(S.Sym(f.name))
        if value is not None:
            if e is None:
                return None
            raise self.perr(f"{latex}(...) has two readings: the {op} function applied, or "
                            f"{latex} -- used as a value at line {value.span.line}, column "
                            f"{value.span.column} -- times the parenthesis: declare "
                            f"{latex} (a variable), or write \\operatorname{{{op}}}(...) "
                            f"for the function", e)
        noted = self.__dict__.setdefault("_letters_noted", set())
        if e is not None and f.name not in noted:
            noted.add(f.name)
            self.note(e, f"{latex}(...) is read as the {op} function: {latex} is not "
                         f"declared or defined, and is written only applied", "inferred")
        return op

    def _letter_value_use(self, letter):
        """The first place the document writes the letter (any primes) other than applied
        to a parenthesis or as the base of an applied subscript (\\Gamma_p(a)); a math
        region holding the letter alone is a mention, not a use. None if there is none."""
        cache = self.__dict__.setdefault("_letter_uses", {})
        if letter in cache:
            return cache[letter]
        found = None
        for st in self.doc.statements:
            if isinstance(st, S.Bare) and isinstance(st.value, S.Sym):
                continue
            applied = set()
            for node in walk_syntax(st):
                if isinstance(node, S.Apply):
                    func = node.func.base if isinstance(node.func, S.Sub) else node.func
                    applied.add(id(func))
                elif isinstance(node, S.Sym) and node.name == letter and \
                        id(node) not in applied and not (node.accent or node.layer):
                    found = node
                    break
            if found is not None:
                break
        cache[letter] = found
        return found

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
