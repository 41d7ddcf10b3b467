"""Pass 1 of lowering, the shapes declared: ``x \\in \\mathbb{R}^{n}``, families
(``z_i \\in \\mathbb{R}^d, i = 1,\\dots,n``), index ranges, stacked layouts, and the
dimensions they name.

Contract: `DeclaredShapes` is a part of `document.Lowerer`; `_declare(target, space, st)`
records what the declaration says of a name in `info` (shape, family axes, kind) and
`ranges`; `dim(e, scope)` reads a dimension or an index bound as SymPy (a positive whole
number or a dimension symbol); both raise a located `ParseError` for a name declared twice
differently or a dimension that is not a positive whole number.
"""
from __future__ import annotations

import dataclasses

import re

import sympy as sp

from .. import ir, names
from ..ir import dim_expr
from ..read import syntax as S
from ..values import fmt_shape as _fmt
from .base import LoweringBase
from .declarations import Info, Skip, _declared_name, _same_shape


class DeclaredShapes(LoweringBase):
    """Declarations read into shapes, families, ranges and dimensions."""

    def _declare_range(self, index, lo, hi, st):
        kw = names.keyword_of(index)
        if kw is None:
            raise self.perr("an index range needs an index name", index)
        self.ranges[kw] = (self.dim(lo, {}), self.dim(hi, {}))
        self.index_latex[kw] = names.latex_of(index)

    def _declare(self, target, space, st, renamed_from=None, members=None):
        """Declare `target` in `space`; `members` = (base keyword, first, last index syntax)
        when the statement lists a family's members (``x_1, \\dots, x_m \\in R^n``,
        `classify.listed_members`)."""
        written = target
        target = self.declared_name(target)     # W^Q; x^{(i)}, i = 1..n: a family
        dims = tuple(self.size(d) for d in space.dims)
        if _squared_name(target) and not dims and space.kind == "real":
            # \sigma^2 \in \mathbb{R}: the variance declared, so \sigma is a number
            self.note(st, f"{names.latex_of(target.base)}^2 declared a number: "
                          f"{names.latex_of(target.base)} is a number", "inferred")
            target = target.base
        family, fam_dims = 0, ()
        kw = names.keyword_of(target)
        if members is not None:
            kw, lo, hi = members
            family, latex = 1, self._member_base_latex(target)
            fam_dims = (dim_expr(self.dim(hi, {}) - self.dim(lo, {}) + 1),)
            self.note(st, f"{latex}: a family of {fam_dims[0]} members, from the list of "
                          f"its members", "inferred")
        elif isinstance(target, S.Sub) and isinstance(target.base, S.Sym):
            items = self._index_items(target.subs)
            base = names.keyword_of(target.base)
            if items is not None and all(i in self.ranges for i in items):
                kw = base
                family = len(items)
                fam_dims = tuple(self._range_dim(i, target) for i in items)
                latex = names.latex_of(target.base)
            elif items is not None and len(items) == 1 and base in self.layouts and \
                    len(items[0]) == 1:
                # x = [x_1, ..., x_{N_p}] and x_i \in R^{D_p}: the members of a family
                kw, family, latex = base, 1, names.latex_of(target.base)
                lo, hi = self.layouts[base]
                fam_dims = (dim_expr(self.dim(hi, {}) - self.dim(lo, {}) + 1),)
            else:
                latex = names.latex_of(target)
        else:
            latex = names.latex_of(target)
        if kw is None:
            # W^Q \in R^{d \times d_k}: not a name matcalc reads; skipped unless needed
            about = _declared_name(target)
            about_kw = names.keyword_of(about) if about is not None else None
            if about_kw is None:        # \mathbf{1}_n \in R^n: a fact, about no name
                self.note(st, "declares no name (only a name can be declared with \\in): "
                              "defines nothing")
                return
            err = self.perr("a declaration needs a name on the left of \\in", target)
            self.skips.append(Skip(target.span, err, (), (about_kw,),
                                   {about_kw: names.latex_of(about)},
                                   (names.latex_of(about),)))
            return
        shape = fam_dims + dims
        if kw in self.info and self.info[kw].kind == "dim" and shape:
            raise self.perr(f"{latex} is used as a dimension, so it cannot also be an array "
                            f"{_fmt(shape)}", target)
        if kw in self.info and self.info[kw].kind in ("input", "natural"):
            prev = self.info[kw]
            if _same_shape(prev.shape, shape) and prev.family == family:
                return  # the same declaration restated
            if self._stacked(prev, shape, family, st):
                return
            font = _font_before(self.src, getattr(target, "span", None))
            same = (f" (\\{font} {latex} and {prev.latex} are one name: a font command does "
                    f"not make a different variable)" if font else "")
            raise self.perr(f"{latex} is declared twice with different shapes{same}", target)
        if kw in self.defsrc and self.info.get(kw) is not None and self.info[kw].kind == "def":
            # y = 2x \in R^n: the type of a definition, checked against its value -- never a
            # second, free variable of the same name (the gradient through y would be 0)
            self.info[kw].decl_shape = shape
            return
        # y_i \in N (a family of naturals) is an array input, like y \in R^k
        kind = "natural" if space.kind == "natural" and not shape else "input"
        self.info[kw] = Info(kind, latex, shape, family, target)
        if family and self.layer_member(written) is not None:
            # z_i^{(k)}, k = 1..2: a family indexed in its layer superscript, whose
            # z_i^{(1)} is member (1, i) (naming.layer_member)
            self.info[kw].layer_index = True
        if renamed_from is None and kw in self.renamed:
            new, rst = self.renamed[kw]
            if new not in self._declared and new not in self.info:
                self._declare(rst.new if family == 0 else S.Sub(rst.new, target.subs),
                              space, st, renamed_from=kw)

    @staticmethod
    def _member_base_latex(target) -> str:
        if isinstance(target, S.Sub):
            return names.latex_of(target.base)
        return names.latex_of(dataclasses.replace(target, layer=None))

    def _stacked(self, prev, shape, family, st) -> bool:
        """x \\in R^N and its members x_i \\in R^{D_p} (N_p of them, N = N_p D_p): one
        family, stored by its members; the flat declaration is their stack."""
        flat, fam = (prev.shape, shape) if family else (shape, prev.shape)
        members = family or prev.family
        if len(flat) != 1 or (family and prev.family) or not members or \
                not ir.same_dim(flat[0], sp.Mul(*fam)):
            return False
        if family:
            prev.shape, prev.family = tuple(shape), family
        self.note(st, f"{prev.latex} is read as the stack of its {_fmt(fam[:members])} members "
                      f"(one family of shape {_fmt(fam)})", "inferred")
        return True

    def _range_dim(self, index, where):
        lo, hi = self.ranges[index]
        return dim_expr(hi - lo + 1)

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
    def size(self, e) -> sp.Expr:
        """A length (a declared dimension, the subscript of ``\\mathbf{1}_n`` / ``I_n``):
        `dim`, refused unless it can be a positive whole number (``-n``, ``0``, ``1/2``)."""
        d = self.dim(e, {})
        if d.is_positive is False or (d.is_number and not (d.is_integer and d > 0)):
            raise self.perr(f"a dimension must be a positive whole number, not {d}", e)
        return d

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


_FONT_BEFORE = re.compile(r"\\(mathcal|mathscr|mathfrak|mathbf|mathrm|mathit|mathsf|boldsymbol|bm|"
                          r"cal|bf|rm|it)\s*\{?\s*$")


def _font_before(src: str, span):
    """The font command written right before `span` in the source (``\\mathcal{`` of
    ``\\mathcal{L}``), or None."""
    if span is None or not span.line or not src:
        return None
    lines = src.splitlines()
    if span.line > len(lines):
        return None
    m = _FONT_BEFORE.search(lines[span.line - 1][:span.column - 1])
    return m.group(1) if m else None


def _squared_name(e) -> bool:
    r"""``\sigma^2``: a name (not an entrywise power) squared."""
    return isinstance(e, S.Pow) and not e.hadamard and isinstance(e.exp, S.Num) and \
        e.exp.value == "2" and (isinstance(e.base, S.Sym) or
                                (isinstance(e.base, S.Sub) and isinstance(e.base.base, S.Sym)))
