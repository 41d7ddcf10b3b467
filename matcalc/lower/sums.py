"""Lowering sums and products over indices (``\\sum_{i=1}^{n}``, sub-ranges, bounds that
depend on another index, ``\\prod_j``), function calls (looked up in the op registry) and
the document's own functions (``g(z) = ...`` applied as ``g(\\theta^T x)``).

Contract: `SumLowering` methods return `Val`s; a bound that uses its own index, an index
whose range nothing gives, a range past the entries it indexes (``\\sum_{i=0}^{n} x_i``), or
an unknown function is a located `ParseError`.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from .. import ir, names, ops
from ..ir import Const, Mask, add, contract, fmap, ones, pow_
from ..read import syntax as S
from ..values import Cell, Val
from ..errors import MatcalcError
from .base import SIGMA_NAMES, LoweringBase, chain_factors, union, walk_syntax


class SumLowering(LoweringBase):
    """Sums, products over indices, and calls."""

    def x_BigOp(self, e, scope):
        if e.written and (e.written in self.info or any(
                kw == e.written or kw.startswith(e.written + "_") for kw in self.info)):
            raise self.perr(f"\\{e.written} with limits reads as a summation sign here, but "
                            f"\\{e.written} is also declared: write \\sum for the sum, or the "
                            f"declared \\{e.written} without an index range under it", e)
        inner = dict(scope)
        idx = []
        for i in e.indices:
            kw = names.keyword_of(i)
            if kw is None:
                raise self.perr("cannot read this as an index name", i)
            if kw in scope:
                raise self.perr(f"index {kw} is already bound by an enclosing sum or "
                                f"definition", i)
            d = None
            if kw in self.ranges:
                lo, hi = self.ranges[kw]
                d = sp.simplify(hi - lo + 1)
            if d is None:
                d = self._range_from_body(kw, e.body)
            inner[kw] = Cell(d)
            idx.append((kw, i))
        if e.lower is not None and len(idx) > 1:
            raise self.perr("bounds are only understood on a sum over one index", e)
        lo = self.dim(e.lower, inner) if e.lower is not None else None
        hi = self.dim(e.upper, inner) if e.upper is not None else None
        for bound, syn in ((lo, e.lower), (hi, e.upper)):
            own = {s.name for s in getattr(bound, "free_symbols", ())} & {k for k, _ in idx}
            if own:
                raise self.perr(f"the bound of this {e.kind} over {idx[0][0]} uses {idx[0][0]} "
                                f"itself", syn)
        if len(idx) == 1 and hi is not None \
                and not (hi.free_symbols & {sp.Symbol(k, integer=True, positive=True) for k in inner}):
            inner[idx[0][0]].hint = hi
        body = self.materialise(self.expr(e.body, inner), e.body)
        for kw, syn in reversed(idx):
            body = self._reduce(e.kind, body, kw, inner[kw], lo, hi, scope, e)
        return body

    def _range_from_body(self, kw, body):
        """The length of the axis index kw runs over, read from a declared input the body
        indexes with it (``u_i``), so that a sum inside the body whose bounds use kw
        (``\\sum_{k=i+1}^{n}``) knows it before the term that indexes u is lowered; None
        if no input is indexed by kw. Binding still checks every use."""
        for node in walk_syntax(body):
            if not (isinstance(node, S.Sub) and isinstance(node.base, S.Sym)):
                continue
            info = self.info.get(names.keyword_of(node.base))
            if info is None or info.kind != "input" or names.keyword_of(node) in self.info:
                continue
            try:
                items = self._sub_items(node)
            except MatcalcError:
                continue
            if len(items) > len(info.shape):      # a_{i,j} of a stacked vector: unstacked
                continue
            for pos, (index, _) in enumerate(items):
                if index == kw:
                    return info.shape[pos]
        return None

    def _reduce(self, kind, v, kw, cell, lo, hi, scope, e):
        """Sum or multiply `v` over index `kw` (bounds lo..hi, 1-based, inclusive)."""
        if cell.dim is None:
            if hi is None or lo is None:
                raise self.perr(f"cannot tell the range of index {kw}: it indexes no array "
                                f"and the sum gives no bounds", e)
            cell.dim = hi
        n = cell.dim
        lo = sp.Integer(1) if lo is None else lo
        hi = n if hi is None else hi
        outer = [s for s in (lo.free_symbols | hi.free_symbols)
                 if s.name in scope and s.name != kw]
        if kw not in v.labels:
            if outer:
                raise self.perr(f"a {kind} over {kw} with bounds depending on another "
                                f"index needs a body that uses {kw}", e)
            count = sp.simplify(hi - lo + 1)
            if kind == "sum":
                return self._scale_sym(v, count)
            return Val(pow_(v.node, Const(count, ())), v.labels, v.mat, v.row)
        if sp.simplify(lo - 1).is_negative or sp.simplify(hi - n).is_positive:
            # \sum_{i=0}^{n} x_i over x in R^n: entries are numbered 1..n, so the text
            # counts from 0 (x_0 .. x_{n-1}?) or runs past the end; either way a reading
            # would drop or invent a term
            sym = "\\sum" if kind == "sum" else "\\prod"
            raise self.perr(f"the {kind} over {kw} runs from {lo} to {hi}, but {kw} indexes an "
                            f"axis whose entries are numbered 1 to {n}: write "
                            f"{sym}_{{{kw}=1}}^{{{n}}} (matcalc does not shift an index "
                            f"counted from 0)", e)
        full = not outer and sp.simplify(lo - 1) == 0 and sp.simplify(hi - n) == 0
        mask = None
        if not full:
            if len(outer) > 1:
                raise self.perr("bounds may depend on at most one other index", e)
            if outer:
                o = outer[0].name
                ocell = scope[o]
                if ocell.dim is None:
                    ocell.dim = ocell.hint
                if ocell.dim is None and self.lowering:
                    # w_j = \prod_{l=j+1}^{m} ... + v_j: j's range from the definition's v_j
                    ds = self.defsrc.get(self.lowering[-1])
                    if ds is not None:
                        ocell.dim = self._range_from_body(o, ds.stmt.value)
                if ocell.dim is None:
                    raise self.perr(f"cannot tell the range of index {o}", e)
                sub = {outer[0]: ir.I0}
                mask = (Mask((ocell.dim, n), lo.subs(sub), hi.subs(sub)), (o, kw))
            else:
                mask = (Mask((n,), lo, hi), (kw,))
        out = tuple(l for l in v.labels if l != kw)
        if mask is not None:
            for o in mask[1]:
                if o not in out and o != kw:
                    out = (o,) + out
        if kind == "sum":
            ops_, idx = [v.node], [v.labels]
            if mask is not None:
                ops_.append(mask[0])
                idx.append(mask[1])
            node = contract(ops_, idx, out)
        else:
            x = v.node
            if mask is not None:
                full_labels = union(v.labels, mask[1])
                dims = {**v.dims(), **dict(zip(mask[1], mask[0].shape))}
                m = ir.broadcast(mask[0], mask[1], dims, full_labels)
                xb = ir.broadcast(x, v.labels, dims, full_labels)
                x = add([ir.mul(xb, m), ones(m.shape), m], [1, 1, -1])
                labels = full_labels
            else:
                labels = v.labels
            node = ops.ProdAxis(x, labels.index(kw))
            out = tuple(l for l in labels if l != kw)
        mat = tuple(l for l in v.mat if l in out)
        return Val(node, out, mat, v.row)

    def _scale_sym(self, v, count):
        return Val(contract([v.node, Const(count, ())], [v.labels, ()], v.labels),
                   v.labels, v.mat, v.row)

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
            if not any(tuple(u.args) != tuple(params) for u in uses):
                continue
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

    def x_Apply(self, e, scope):
        f = e.func
        kw = names.keyword_of(f)
        if kw in self.functions:
            return self.apply_function(kw, e, scope)
        if isinstance(f, S.Sym) and f.name in SIGMA_NAMES and kw not in self.info:
            return self.call("sigma", e.args, e, scope, f.primes)
        if kw in self.defsrc and self.defsrc[kw].stmt.params is not None:
            return self.resolve_name(kw, f, scope)  # f(x) for a definition written f(x) = ...
        # a variable before parentheses multiplies them; the argument is lowered first,
        # since it may fix index ranges the factor needs (\delta_{jl} (v_j + v_l))
        if kw is not None and kw in self.info:
            if len(e.args) != 1:
                raise self.perr(f"{names.latex_of(f)} is not a function", e)
            b = self.expr(e.args[0], scope)
            return self.product(self.expr(f, scope), b, e)
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
        raise self.perr(f"unknown function {names.latex_of(f)}", f)

    def x_Call(self, e, scope):
        return self.call(e.func, e.args, e, scope, e.primes)

    def one_arg(self, what, args, e, scope) -> Val:
        """The one argument of a call, lowered; another count is an error naming `what`."""
        if len(args) != 1:
            raise self.perr(f"{what} takes one argument, not {len(args)}", e)
        return self.materialise(self.expr(args[0], scope), args[0])

    def call(self, fn, args, e, scope, primes=0):
        """A function applied to arguments: an array function lowers by its own block
        (`ops.CALLS`); an elementwise function (`ops.FUNCTIONS`) maps entrywise, and with
        a prime (``\\sigma'``) is its derivative."""
        op = ops.CALLS.get(fn)
        if op is not None:
            if primes:
                raise self.perr(f"{fn}' is not an elementwise function's derivative", e)
            return op.lower(self, args, e, scope)
        f = ops.FUNCTIONS.get(fn)
        if f is None:
            raise self.perr(f"unknown function {fn}", e)
        v = self.one_arg(fn, args, e, scope)
        node = fmap(f.name, v.node)
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
