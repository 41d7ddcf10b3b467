"""Lowering function applications: the registry's functions (``\\exp``, ``\\operatorname{Tr}``,
softmax; a letter's function such as ``\\Gamma``: letters.py), ``\\sigma'``, and the
document's own functions defined with dummy arguments (``g(z) = \\frac{1}{1+e^{-z}}``, then
``g(\\theta^T x)``).

Contract: `CallLowering` is a part of `document.Lowerer`. `collect_functions()` finds the
definitions with parameters (and the families of functions, `families.py`); `x_Apply`/
`x_Call` lower an application (a user function's body with its arguments put in -- a
compound argument lowered once and bound, `bind_arguments` -- or the op the registry
names); a wrong number of arguments or an unknown function is a located `ParseError`. A
function written as a chain of equalities has its members compared where it is applied
(`check_function_chain`). `applied_parts` gives the shape inference a function's
parameters and body.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from .. import names, ops
from ..errors import MatcalcError
from ..ir import Map, contract, fmap
from ..notes import excerpt
from ..read import syntax as S
from ..values import Val, mlabel, scalar
from .classify import is_update
from .matrixfunctions import refuse_matrix_function
from .base import (SIGMA_NAMES, LoweringBase, chain_factors, short_error, substitute_names,
                   walk_syntax)


# applications of one function nested in its own arguments (f(f(x))) at most this deep;
# deeper is a function defined in terms of itself
MAX_NESTING = 32


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
        (``f(W, H) = ...``, ``\\ell(\\theta) = ...``), stays a named value; so does one
        defined again with other parameters and applied only to those (``f(\\Theta) = ..``,
        ``f(L) = ..``, ``\\partial f(L)``: the rivals' values are compared when lowered)."""
        applied: dict = {}
        claims = {c.span for c in self.claims}     # df = f(x + dx) - f(x) applies nothing
        for st in self.doc.statements:
            if getattr(st, "span", None) in claims or is_update(st):
                continue        # an update step, x^{(t+1)} = x^{(t)} - \eta \nabla f(x^{(t)})
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
        from .families import applications
        self.collect_families(applications(self.doc.statements))
        moved = True
        while moved:        # a function applied in another function's body is one too
            moved = False
            for kw, ds in list(self.defsrc.items()):
                params = ds.stmt.params
                if params is None or ds.indices:
                    continue
                # f(x) = f([x_1, ..., x_n]) = ...: its own statement restates f, never applies it
                uses = [u for u, st in applied.get(kw, []) if st is not ds.stmt and
                        not _same_place(st, ds.stmt)]
                inside = self._applied_in_functions(kw)
                # f(\Theta) = .., f(L) = ..: each definition's own parameters name it
                own = {tuple(params)} | {tuple(r.stmt.params) for r in self.rivals.get(kw, [])
                                         if r.stmt.params is not None}
                if not inside and all(written_args(u) in own for u in uses):
                    continue
                self._make_function(kw, ds, uses)
                moved = True

    def _applied_in_functions(self, kw) -> bool:
        """Is `kw` applied in the body of a function or a family of functions? There the
        arguments are that function's dummies (\\mu(z) inside g(z) = ... \\mu(z)): the
        application is at other arguments, whatever the letters."""
        bodies = [ds.stmt for ds in self.functions.values()] + \
            [fam.stmt for fam in self.families.values()]
        return any(isinstance(n, S.Apply) and names.keyword_of(n.func) == kw
                   for st in bodies for part in (st.value, *st.middle)
                   for n in walk_syntax(part))

    def _make_function(self, kw, ds, uses):
        params = ds.stmt.params
        if ds.stmt.set_params:
            f = names.latex_of(ds.stmt.target)
            bad = [u for u in uses if written_args(u) != tuple(params)]
            raise self.perr(f"{f} is defined with a set of names as its argument, and "
                            f"applied here to other arguments: a set has no order, so "
                            f"which argument stands for which parameter is not written "
                            f"(define {f} with a list of names, {f}(a, b) = ...)",
                            bad[0] if bad else ds.stmt.target)
        lead = ds.stmt.lead if ds.stmt.lead is not None else len(params)
        for k, prm in enumerate(params):
            if not isinstance(prm, S.Sym) and not (k >= lead and isinstance(prm, S.Sub)):
                raise self.perr("a function's parameters must be names", prm)
        self.functions[kw] = ds
        del self.defsrc[kw]
        info = self.info.pop(kw)
        if info.decl_shape is not None:     # a declared variable of that name stays one
            self.info[kw] = dataclasses.replace(info, kind="input", shape=info.decl_shape)

    def applied_parts(self, e, kw):
        """(parameters, body) of the document's function `kw` (or the member of a family
        of functions) that the application `e` applies, the parameters paired with the
        arguments, or None when `e` applies no such function (for the shape inference,
        `infer.py`, which puts the arguments in)."""
        if kw in self.functions:
            ds = self.functions[kw]
            params = ds.stmt.params
            lead = ds.stmt.lead if ds.stmt.lead is not None else len(params)
            if len(e.args) not in (len(params), lead):
                return None
            return list(zip(params, e.args)), ds.stmt.value
        member = self.family_member(e.func)
        if member is None:
            return None
        _params, value, _middle, pairs = self.family_body(member[0], member[1], e, note=False)
        return pairs, value

    def apply_function(self, kw, e, scope):
        """A function applied: its body with each parameter replaced by the argument
        written (as syntax), lowered where it is applied."""
        ds = self.functions[kw]
        params = ds.stmt.params
        lead = ds.stmt.lead if ds.stmt.lead is not None else len(params)
        if len(e.args) not in (len(params), lead):
            raise self.perr(f"{names.latex_of(e.func)} takes {len(params)} argument"
                            f"{'s' if len(params) != 1 else ''}, not {len(e.args)}", e)
        active = self.__dict__.setdefault("_applying", [])
        if active.count(kw) > MAX_NESTING:      # f(f(x)) is fine; f(x) = f(x) + 1 is not
            raise self.perr(f"{names.latex_of(e.func)} is defined in terms of itself", e)
        mapping = self.bind_arguments(params, e.args, scope)
        body = substitute_names(ds.stmt.value, mapping)
        active.append(kw)
        try:
            v = self.expr(body, scope)
            middle = [substitute_names(m, mapping) for m in ds.stmt.middle]
            self.check_function_chain(names.latex_of(e.func), middle, v, scope, e)
            return v
        finally:
            active.pop()

    def bind_arguments(self, params, args, scope) -> dict:
        """{parameter keyword: the syntax put in its place}: a name or a number as written;
        a compound argument lowered once, here, and put in as a `Bound` value (each use
        of the parameter is that value with fresh matrix labels). Putting the argument's
        syntax in each place instead lowers it once per use: exponential in the depth of
        nested applications (g_3(W_3 f_2(g_2(...))) with z used five times in g)."""
        out = {}
        for p, a in zip(params, args):
            if isinstance(a, (S.Sym, S.Sub, S.Num)):
                out[names.keyword_of(p)] = a
                continue
            v = self.expr(a, scope)
            table = self.__dict__.setdefault("_bound", [])
            table.append(v)
            out[names.keyword_of(p)] = Bound(len(table) - 1, span=a.span)
        return out

    def x_Bound(self, e, scope):
        v = self._bound[e.key]
        ren = {m: mlabel() for m in v.mat}
        return Val(v.node, tuple(ren.get(l, l) for l in v.labels),
                   tuple(ren[m] for m in v.mat), v.row, v.lazy)

    def check_function_chain(self, f, members, v, scope, e):
        """``\\sigma(z) = A \\equiv B``: a function written as a chain of equalities is
        its last member (`v`, lowered at the application `e`); each earlier member that can
        be read there must give its numbers (else two readings, refused naming both); one
        that cannot be read is noted once."""
        from .classify import has_derivative
        for m in members:
            if has_derivative(m):
                continue
            start = len(self.notes)
            try:
                w = self.tentatively(lambda: self.expr(m, scope))
            except MatcalcError as err:
                del self.notes[start:]
                key = (m.span.line, m.span.column) if m.span else None
                noted = self.__dict__.setdefault("_chain_noted", set())
                if key not in noted:
                    noted.add(key)
                    self.note(m, f"a member of the chain of equalities that defines {f}, "
                                 f"which cannot be read where {f} is applied "
                                 f"({short_error(err)}); the last member is its value",
                              "unreadable")
                continue
            del self.notes[start:]
            if not self._same_val(v, w):
                inside = self.__dict__.get("applying_members") or []
                where = f" (inside {inside[-1]}(...))" if inside and inside[-1] != f else ""
                raise self.perr(f"{f} is written as a chain of equalities whose members give "
                                f"different values where it is applied here{where}: the member at "
                                f"line {m.span.line}, column {m.span.column} and the last one "
                                f"are two readings of {f}", e)

    def _same_val(self, a, b) -> bool:
        """Do two lowered values give the same numbers (`_same_value`, once b's axes are
        put in a's order)?"""
        if a.lazy or b.lazy or a.kind != b.kind:
            return False
        ren = dict(zip(b.mat, a.mat))
        bl = tuple(ren.get(l, l) for l in b.labels)
        if sorted(map(str, bl)) != sorted(map(str, a.labels)) or len(set(bl)) != len(bl):
            return False
        node = b.node if bl == a.labels else contract([b.node], [bl], a.labels)
        return self._same_value(a.node, node)

    def x_SetOf(self, e, scope):
        raise self.perr("a set of names \\{...\\} is read only as the argument list of a "
                        "left side, L(\\{W_\\ell, b_\\ell\\}_{\\ell=1}^{3}) := ..., naming what L "
                        "depends on; it has no value here", e)

    def x_Apply(self, e, scope):
        f = e.func
        kw = names.keyword_of(f)
        if kw in self.functions:
            return self.apply_function(kw, e, scope)
        member = self.family_member(f)
        if member is not None:                      # g_3(...) of g_\ell(z) = ...
            return self.apply_family(member[0], member[1], e, scope)
        if self.prose_function(kw) is not None:     # "$S$ is softmax function"
            return self.apply_prose_function(kw, e, scope)
        if isinstance(f, S.Sym) and kw not in self.info and kw not in self.defsrc and \
                names.keyword_of(S.Sym(f.name)) in self.prose.arbitrary:
            # "$\sigma$ is an activation function": the text says which reading, over the
            # letter's own (the logistic function)
            return self.apply_arbitrary(f, e, scope, f.primes)
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
            self.refuse_dependence(kw, e)
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
        if self.arbitrary_function(f) is not None:      # "f is an arbitrary loss"
            return self.apply_arbitrary(f, e, scope, f.primes)
        raise self.perr(f"unknown function {names.latex_of(f)}: the document applies it but "
                        f"never says which function it is: define it "
                        f"({names.latex_of(f)}(z) = ...), name it in a sentence "
                        f"(\"${names.latex_of(f)}$ is the sigmoid function\"), or say it is "
                        f"arbitrary (\"${names.latex_of(f)}$ is an arbitrary differentiable "
                        f"function\")", f)

    def refuse_dependence(self, kw, e):
        """``y(x)`` with y = x w + b: y written as a function of the x it depends on, or y
        times x -- two readings, refused naming both (`_depends_on`)."""
        if self._depends_on(kw, e):
            y, x = names.latex_of(e.func), excerpt(self.src, e.args[0].span)
            raise self.perr(f"{y}({x}) has two readings: {y}, written as a function of the "
                            f"{x} it depends on, or {y} times {x}: write {y} for the first, "
                            f"{y} \\cdot {x} for the second", e)

    def _depends_on(self, kw, e) -> bool:
        """Is ``y(x)`` a definition y (without parameters) applied to bare names of inputs
        that its value depends on (through the definitions it uses)?"""
        ds = self.defsrc.get(kw)
        if ds is None or ds.stmt.params is not None or self.info[kw].kind != "def" or \
                not all(isinstance(a, S.Sym) and self.info.get(names.keyword_of(a)) is not None
                        and self.info[names.keyword_of(a)].kind == "input" for a in e.args):
            return False
        wanted = {names.keyword_of(a) for a in e.args}
        seen, todo, found = set(), [kw], set()
        while todo:
            k = todo.pop()
            if k in seen or k not in self.defsrc:
                continue
            seen.add(k)
            for n in walk_syntax(self.defsrc[k].stmt.value):
                if isinstance(n, S.Sym):
                    name = names.keyword_of(n)
                    found.add(name)
                    todo.append(name)
        return wanted <= found

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
        self._note_power_inside(e)
        return self.call(e.func, e.args, e, scope, e.primes)

    def _note_power_inside(self, e):
        """A function written without parentheses takes the factor after it, its power
        included, as ``\\log x^2`` is log(x²). Where the factor is a call with its own
        parentheses (``\\log \\sigma(x)^2``, ``\\log f(x)^2``: log(σ(x)²)) that reading is
        taken and noted, since the parentheses make (log σ(x))² look close. Where it is in
        square brackets (``\\log [x]^2``, ``\\log\\left[x\\right]^2``), brackets people
        write for a function's own, as ``\\log(x)^2`` is (log x)², the two readings are
        refused. Braces around the argument (``\\log{\\sigma(x)^2}``) say it: nothing."""
        arg = e.args[0] if e.bare and len(e.args) == 1 else None
        if not isinstance(arg, S.Pow) or not arg.span.line:
            return
        head = excerpt(self.src, S.Span(e.span.line, e.span.column, arg.span.line,
                                        arg.span.column)).strip()
        written, power = excerpt(self.src, arg.span), excerpt(self.src, arg.exp.span)
        if not head or head.endswith("{") or "^" not in written or not power:
            return
        power = power if len(power) == 1 else "{" + power + "}"
        if head.endswith("["):
            f = head[:-1].rstrip()
            for size in ("\\left", "\\bigg", "\\Bigg", "\\big", "\\Big"):
                f = f.removesuffix(size).rstrip()
            both = excerpt(self.src, e.span)
            raise self.perr(f"{both} has two readings, {f}({both[len(f):].strip()}) (the "
                            f"power inside) and ({both[:both.rindex('^')].rstrip()})^{power} "
                            f"(the brackets as the {f}'s parentheses, as {f}(x)^2 is "
                            f"({f} x)^2): write the parentheses", e)
        if not isinstance(arg.base, (S.Call, S.Apply)) or \
                (isinstance(arg.base, S.Call) and arg.base.bare):
            return
        base = written[:written.rindex("^")].rstrip()
        self.note(e, f"read as {head}({written}): a function written without parentheses "
                     f"takes the power of its argument inside, as \\log x^2 is \\log(x^2); "
                     f"write ({head} {base})^{power} for the power of the {head}", "inferred")

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
        refuse_matrix_function(self, f.name, v, e, f"\\{fn}(...)", args[0])
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


@dataclasses.dataclass(frozen=True)
class Bound:
    """An argument already lowered, standing where a function's parameter stood
    (`CallLowering.bind_arguments`); `key` indexes the lowerer's table of values."""
    key: int
    span: S.Span = dataclasses.field(default=S.NOSPAN, compare=False)


def _same_place(a, b):
    return getattr(a, "span", None) is not None and a.span == getattr(b, "span", None)
