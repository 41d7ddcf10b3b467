"""Pass 1 of lowering a document: what every name is, before anything is lowered.

Contract: `DeclarationCollector.collect()` reads the document's statements and fills the
context (`base.LoweringBase`): `info` (keyword -> `Info`: input, definition, dimension,
index, natural number; its shape, family axes and declaration), `ranges` (declared index
ranges), `defsrc` (keyword -> `DefSource`, the syntax of each definition, entrywise ones
with their indices) and `claims` (derivative statements kept for `check`). `dim(e, scope)`
reads a dimension or index bound as SymPy. A name declared twice differently, a dimension
that is not a positive whole number, a name that is both a dimension and an array, a
definition given twice differently: each a located `ParseError`.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .. import ir, names
from ..read import syntax as S
from ..values import fmt_shape as _fmt
from .base import LoweringBase


@dataclass
class Info:
    """What a name is. kind: "input" | "def" | "dim" | "index" | "natural"."""
    kind: str
    latex: str
    shape: tuple = ()
    family: int = 0           # leading family axes
    span: object = None
    decl_shape: tuple | None = None
    row: bool = False         # a definition whose value is a row vector


@dataclass
class DefSource:
    name: str
    stmt: S.Def
    indices: tuple            # index keywords of an entrywise definition
    index_syntax: tuple


class DeclarationCollector(LoweringBase):
    """Collects declarations, index ranges and definitions (see the module docstring)."""

    # ------------------------------------------------------------ pass 1: collect
    def collect(self):
        for st in self.doc.statements:
            if isinstance(st, S.Range):
                self._declare_range(st.index, st.lower, st.upper, st)
            elif isinstance(st, S.Decl) and st.space.kind == "range":
                lo, hi = st.space.dims
                for t in st.targets:
                    self._declare_range(t, lo, hi, st)
        for st in self.doc.statements:
            if isinstance(st, S.Decl) and st.space.kind != "range":
                for t in st.targets:
                    self._declare(t, st.space, st)
            elif isinstance(st, S.Def):
                self._collect_def(st)
            elif isinstance(st, S.Hold):
                kw = names.keyword_of(st.target)
                if kw is None:
                    raise self.perr("only a name can be held constant", st)
                self.held.add(kw)
            elif isinstance(st, S.Bare):
                self.bare = st
        self.collect_functions()                      # g(z) = ... applied as g(Wx)
        if self.bare is not None and not self.defsrc:
            name = "f"
            self.defsrc[name] = DefSource(name, S.Def(S.Sym("f"), None, self.bare.value,
                                                      span=self.bare.span), (), ())
            self.info[name] = Info("def", "f", span=self.bare.span)
        self._stacked_dims()

    def _declare_range(self, index, lo, hi, st):
        kw = names.keyword_of(index)
        if kw is None:
            raise self.perr("an index range needs an index name", index)
        self.ranges[kw] = (self.dim(lo, {}), self.dim(hi, {}))
        self.index_latex[kw] = names.latex_of(index)

    def _declare(self, target, space, st):
        target = self.declared_name(target)     # W^Q; x^{(i)}, i = 1..n: a family
        dims = tuple(self.dim(d, {}) for d in space.dims)
        for d, syn in zip(dims, space.dims):
            if d.is_positive is False or (d.is_number and not (d.is_integer and d > 0)):
                raise self.perr(f"a dimension must be a positive whole number, not {d}", syn)
        family, fam_dims = 0, ()
        kw = names.keyword_of(target)
        if isinstance(target, S.Sub) and isinstance(target.base, S.Sym):
            items = self._index_items(target.subs)
            if items is not None and all(i in self.ranges for i in items):
                kw = names.keyword_of(target.base)
                family = len(items)
                fam_dims = tuple(self._range_dim(i, target) for i in items)
                latex = names.latex_of(target.base)
            else:
                latex = names.latex_of(target)
        else:
            latex = names.latex_of(target)
        if kw is None:
            raise self.perr("a declaration needs a name on the left of \\in", target)
        if kw in self.info and self.info[kw].kind == "dim" and (fam_dims + dims):
            raise self.perr(f"{latex} is used as a dimension, so it cannot also be an array "
                            f"{_fmt(fam_dims + dims)}", target)
        if kw in self.info and self.info[kw].kind in ("input", "natural"):
            if _same_shape(self.info[kw].shape, fam_dims + dims) and self.info[kw].family == family:
                return  # the same declaration restated
            raise self.perr(f"{latex} is declared twice with different shapes", target)
        kind = "natural" if space.kind == "natural" and not dims else "input"
        self.info[kw] = Info(kind, latex, fam_dims + dims, family, target)

    def _range_dim(self, index, where):
        lo, hi = self.ranges[index]
        return sp.simplify(hi - lo + 1)

    def _index_items(self, subs):
        """Index keywords of subscript items, or None if some item is not index-like."""
        out = []
        for s in subs:
            if isinstance(s, S.BinOp) and s.op == S.MUL:
                parts = self._juxt_syms(s)
                if parts is None:
                    return None
                out.extend(parts)
            elif isinstance(s, S.Sym) or (isinstance(s, S.Sub) and names.keyword_of(s)):
                out.append(names.keyword_of(s))
            else:
                return None
        return out

    def _juxt_syms(self, e):
        if isinstance(e, S.Sym) and len(e.name) == 1:
            return [names.keyword_of(e)]
        if isinstance(e, S.BinOp) and e.op == S.MUL:
            a, b = self._juxt_syms(e.left), self._juxt_syms(e.right)
            return a + b if a is not None and b is not None else None
        return None

    def _collect_def(self, st: S.Def):
        t = st.target
        if t is not None and not self._is_claim(t):
            st = self.run_named(st) or st           # RSS(\lambda) = ..., NLL = ...
            t = st.target
        if t is None or not isinstance(t, (S.Sym, S.Sub)) or self._is_claim(t):
            self.claims.append(st)
            return
        if isinstance(st.value, S.Stack):
            return  # a layout statement: a vector written as the stack of its own entries
        indices, index_syntax = (), ()
        kw = names.keyword_of(t)
        latex = names.latex_of(t)
        if isinstance(t, S.Sub) and isinstance(t.base, S.Sym):
            items = self._index_items(t.subs)
            simple = items is not None and all(
                len(i.replace("_prime", "")) == 1 or i in self.ranges for i in items)
            simple = simple and not self.subscript_is_name(t, st)      # W_{out} = ...
            if simple or kw is None:
                if items is None:
                    raise self.perr("cannot read this left-hand side", t)
                kw = names.keyword_of(t.base)
                latex = names.latex_of(t.base)
                indices = tuple(items)
                index_syntax = t.subs
        if kw is None:
            raise self.perr("cannot read this left-hand side", t)
        if kw in self.defsrc:
            prev = self.defsrc[kw]
            if prev.stmt.value == st.value and prev.indices == tuple(indices):
                return  # the same definition restated (as seed prose does)
            raise self.perr(f"{latex} is defined twice, differently (first at line "
                            f"{prev.stmt.span.line})", t)
        self.defsrc[kw] = DefSource(kw, st, indices, index_syntax)
        prev = self.info.get(kw)
        decl_shape = prev.shape if prev is not None and prev.kind == "input" else None
        self.info[kw] = Info("def", latex, span=t.span, decl_shape=decl_shape)

    def _is_claim(self, t) -> bool:
        # d\lambda = ..., dX = ... (a differential), \frac{\partial L}{\partial W} = ...
        if isinstance(t, S.Frac):
            return True
        if isinstance(t, S.BinOp) and t.op == S.MUL and isinstance(t.left, S.Sym) \
                and t.left.name in ("d", "partial"):
            return True
        return False

    def _stacked_dims(self):
        """A vector declared in R^K and defined entrywise over two or more indices is the
        row-major stack of its entries: K equals the product of the index ranges."""
        for kw, ds in self.defsrc.items():
            dshape = self.info[kw].decl_shape
            if dshape and len(ds.indices) >= 2 and len(dshape) == 1 and \
                    all(i in self.ranges for i in ds.indices) and dshape[0].is_Symbol:
                self.dim_subst[dshape[0]] = sp.Mul(*[self._range_dim(i, None) for i in ds.indices])
        if self.dim_subst:
            for info in self.info.values():
                info.shape = tuple(sp.sympify(d).subs(self.dim_subst) for d in info.shape)
                if info.decl_shape:
                    info.decl_shape = tuple(sp.sympify(d).subs(self.dim_subst)
                                            for d in info.decl_shape)

    # ------------------------------------------------------------ dimensions
    def dim(self, e, scope) -> sp.Expr:
        """A dimension or index-bound expression as SymPy (indices in scope become their
        own symbols)."""
        if isinstance(e, S.Num):
            try:
                v = sp.Rational(e.value)
            except (TypeError, ValueError):
                raise self.perr(f"{e.value} is not a number", e) from None
            return v
        if isinstance(e, (S.Sym, S.Sub)):
            kw = names.keyword_of(e)
            if kw is None:
                raise self.perr("expected a dimension name", e)
            if kw in scope:
                return sp.Symbol(kw, integer=True, positive=True)
            info = self.info.get(kw)
            if info is not None and info.kind in ("input", "def") and info.shape != ():
                raise self.perr(f"{info.latex} is an array, not a dimension", e)
            sym = sp.Symbol(kw, integer=True, positive=True)
            self.dims[sym] = None
            if kw not in self.info:
                self.info[kw] = Info("dim", names.latex_of(e))
            elif self.info[kw].kind == "natural":
                self.info[kw].kind = "dim"
            return self.dim_subst.get(sym, sym)
        if isinstance(e, S.BinOp) and e.op in ("+", "-", S.MUL):
            a, b = self.dim(e.left, scope), self.dim(e.right, scope)
            return {"+": a + b, "-": a - b, S.MUL: a * b}[e.op]
        if isinstance(e, S.Neg):
            return -self.dim(e.arg, scope)
        raise self.perr("cannot read this as a dimension", e)


def _same_shape(a, b):
    return len(a) == len(b) and all(ir.same_dim(x, y) for x, y in zip(a, b))
