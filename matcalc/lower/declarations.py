"""Pass 1 of lowering a document: what every name is, before anything is lowered.

Contract: `DeclarationCollector.collect()` reads the document's statements and fills the
context (`base.LoweringBase`): `info` (keyword -> `Info`: input, definition, dimension,
index, natural number; its shape, family axes and declaration), `ranges` (declared index
ranges), `defsrc` (keyword -> `DefSource`, the syntax of each definition, entrywise ones
with their indices), `rivals` (keyword -> the other, different definitions of the same
name, settled when it is lowered), `claims` (derivative statements kept for `check`),
`skips` (fragments that could not be read, with the names they would define) and `notes`.
`dim(e, scope)` reads a dimension or index bound as SymPy. A name declared twice
differently, a dimension that is not a positive whole number, a name that is both a
dimension and an array: each a located `ParseError`.

A whole post says more than its definitions: every statement is classified first
(`classify.kind_of_def`): claimed derivatives and differential steps are kept as claims,
identities, relations between indices and statements about known functions define
nothing, ``N = N_p D_p`` relates dimensions, ``x = [x_1, \\dots, x_{N_p}]`` gives the layout
of a family, ``(I \\to A)`` renames; prose math (a name, a derivative mentioned in a
sentence) defines nothing. Everything not used as a definition or declaration is listed
in `notes`.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from .. import ir, names
from ..notes import Note, excerpt, offsets
from ..read import syntax as S
from ..values import fmt_shape as _fmt
from .base import LoweringBase
from .classify import (_head, dimension_names, index_names, is_derivative, is_differential,
                       kind_of_def, layout_range, namelike, prose_bare)

NOTE_REASONS = {
    "claim": "a claimed derivative: kept for check, not read as a definition",
    "differential": "a differential step: not read as a definition",
    "relation": "an identity or a relation (its left side is not a name to define): defines nothing",
    "indices": "a relation between indices: defines nothing",
    "function": "a statement about a known function: defines nothing",
    "layout": "read as the layout of a vector (the stack of its parts)",
    "dimension": "read as an equation between dimensions",
}


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


@dataclass
class Skip:
    """A fragment left out: it could not be read (`error`), and it looks like it defines
    or declares the names `defines` / `declares` (keywords; `latex` spells them)."""
    span: object
    error: object
    defines: tuple
    declares: tuple
    latex: dict
    shown: tuple = ()         # the names as written, for the note


class DeclarationCollector(LoweringBase):
    """Collects declarations, index ranges and definitions (see the module docstring)."""

    # ------------------------------------------------------------ pass 1: collect
    def collect(self):
        # RSS(\lambda) = ..., NLL = ...: a letter run on the left names what it defines
        stmts = [self.run_named(st) or st if isinstance(st, S.Def) and st.target is not None
                 and not self._is_claim(st.target) else st for st in self.doc.statements]
        self.notes.extend(self.doc.notes)
        decl_targets = {names.keyword_of(t) for st in stmts if isinstance(st, S.Decl)
                        and st.space.kind in ("real", "binary") for t in st.targets}
        decl_targets |= {names.keyword_of(t.base) for st in stmts if isinstance(st, S.Decl)
                         for t in st.targets if isinstance(t, S.Sub)}
        self._declared = decl_targets - {None}
        self._dimnames = dimension_names(stmts)
        self._indices = index_names(stmts)
        self._kinds = {}
        for k, st in enumerate(stmts):
            if isinstance(st, S.Def):
                self._kinds[k] = kind_of_def(st, self._declared, self._dimnames, self._indices)
        for k, st in enumerate(stmts):
            if isinstance(st, S.Rename):
                self._rename(st)
            elif self._kinds.get(k) == "dimension":
                sym = sp.Symbol(names.keyword_of(st.target), integer=True, positive=True)
                self.dim_subst[sym] = self.dim(st.value, {})
            elif self._kinds.get(k) == "layout":
                got = layout_range(st)
                if got is not None:
                    self.layouts[got[0]] = (got[1], got[2])
        for st in stmts:
            if isinstance(st, S.Range):
                self._declare_range(st.index, st.lower, st.upper, st)
            elif isinstance(st, S.Decl) and st.space.kind == "range":
                lo, hi = st.space.dims
                for t in st.targets:
                    self._declare_range(t, lo, hi, st)
        candidates, last_def = [], -1
        for k, st in enumerate(stmts):
            if isinstance(st, S.Decl) and st.space.kind != "range":
                for t in st.targets:
                    self._declare(t, st.space, st)
            elif isinstance(st, S.Def):
                kind = self._kinds.get(k)
                if kind is None and self._collect_def(st):
                    last_def = k
                elif kind is not None:
                    self._not_a_definition(st, kind)
            elif isinstance(st, S.Hold):
                kw = names.keyword_of(st.target)
                if kw is None:
                    raise self.perr("only a name can be held constant", st)
                self.held.add(kw)
            elif isinstance(st, S.Bare):
                candidates.append((k, st))
            elif isinstance(st, S.Unreadable):
                self._skip(st)
        self.collect_functions()                      # g(z) = ... applied as g(Wx)
        self._last_def = stmts[last_def].span if last_def >= 0 else None
        self._objective_bare(candidates, last_def)
        self._stacked_dims()

    # ------------------------------------------------------------ what is not a definition
    def note(self, node, reason, kind="prose"):
        span = getattr(node, "span", node)
        if span is None or not getattr(span, "line", 0):
            return
        if self._starts is None:
            self._starts = offsets(self.src)
        self.notes.append(Note(span.line, span.column, reason,
                               excerpt(self.src, span, self._starts), kind))

    def _not_a_definition(self, st, kind):
        if kind in ("claim", "differential"):
            self.claims.append(st)
        if kind != "dimension":
            self.not_defs.append(st)
        if kind == "dimension":
            reason = (f"read as an equation between dimensions: "
                      f"{names.latex_of(st.target)} stands for the product written")
        elif st.target is None:
            reason = "continues the equation above: kept with it, not read as a definition"
        else:
            reason = NOTE_REASONS[kind]
        self.note(st, reason, "inferred" if kind in ("layout", "dimension") else
                  kind if kind in ("claim", "differential") else "relation")

    def _skip(self, st: S.Unreadable):
        """A fragment that cannot be read: the names it would define, as keywords (an
        entrywise ``K_{ij} = ..`` defines K, a name ``E_{max}`` itself: both are kept)."""
        latex, defines, declares, shown = {}, [], [], []
        for group, out in ((st.defines, defines), (st.declares, declares)):
            for e in group:
                shown.append(names.latex_of(e))
                for x in (e, e.base if isinstance(e, S.Sub) else None):
                    kw = names.keyword_of(x) if x is not None else None
                    if kw is not None and kw not in out:
                        out.append(kw)
                        latex[kw] = names.latex_of(x)
        self.skips.append(Skip(st.span, st.error, tuple(defines), tuple(declares), latex,
                               tuple(dict.fromkeys(shown))))

    def _objective_bare(self, candidates, last_def):
        """A bare expression is the objective when nothing is defined (the last one), or
        when it stands after the last definition and is more than a mention of a name
        (``3a`` after ``a = x^Tx``). The others define nothing and are noted."""
        chosen = None
        real = [(k, st) for k, st in candidates if not prose_bare(st.value)]
        if not self.defsrc and real:
            chosen = real[-1][1]
        elif not self.defsrc and candidates and not self.skips:
            chosen = candidates[-1][1]      # only a name: it is the objective, if anything
        elif real and real[-1][0] > last_def:
            chosen = real[-1][1]
        for _k, st in candidates:
            if st is chosen:
                continue
            self.note(st, _mention(st.value))
        if chosen is None:
            return
        if not self.defsrc:
            name = "f"
            self.defsrc[name] = DefSource(name, S.Def(S.Sym("f"), None, chosen.value,
                                                      span=chosen.span), (), ())
            self.info[name] = Info("def", "f", span=chosen.span)
        else:
            self.bare = chosen

    def _rename(self, st: S.Rename):
        """``I \\to A``: A is declared as I was; a renamed dimension is the same one."""
        old, new = names.keyword_of(st.old), names.keyword_of(st.new)
        if old is None or new is None or old == new:
            return
        self.renamed[old] = (new, st)
        if old in self._dimnames or new in self._dimnames:
            self.dim_subst[sp.Symbol(old, integer=True, positive=True)] = \
                sp.Symbol(new, integer=True, positive=True)
        self.note(st, f"read as a renaming: {names.latex_of(st.new)} is what "
                      f"{names.latex_of(st.old)} was", "inferred")

    def _declare_range(self, index, lo, hi, st):
        kw = names.keyword_of(index)
        if kw is None:
            raise self.perr("an index range needs an index name", index)
        self.ranges[kw] = (self.dim(lo, {}), self.dim(hi, {}))
        self.index_latex[kw] = names.latex_of(index)

    def _declare(self, target, space, st, renamed_from=None):
        target = self.declared_name(target)     # W^Q; x^{(i)}, i = 1..n: a family
        dims = tuple(self.dim(d, {}) for d in space.dims)
        for d, syn in zip(dims, space.dims):
            if d.is_positive is False or (d.is_number and not (d.is_integer and d > 0)):
                raise self.perr(f"a dimension must be a positive whole number, not {d}", syn)
        family, fam_dims = 0, ()
        kw = names.keyword_of(target)
        if isinstance(target, S.Sub) and isinstance(target.base, S.Sym):
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
                fam_dims = (sp.simplify(self.dim(hi, {}) - self.dim(lo, {}) + 1),)
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
            raise self.perr(f"{latex} is declared twice with different shapes", target)
        if kw in self.defsrc and self.info.get(kw) is not None and self.info[kw].kind == "def":
            # y = 2x \in R^n: the type of a definition, checked against its value -- never a
            # second, free variable of the same name (the gradient through y would be 0)
            self.info[kw].decl_shape = shape
            return
        kind = "natural" if space.kind == "natural" and not dims else "input"
        self.info[kw] = Info(kind, latex, shape, family, target)
        if renamed_from is None and kw in self.renamed:
            new, rst = self.renamed[kw]
            if new not in self._declared and new not in self.info:
                self._declare(rst.new if family == 0 else S.Sub(rst.new, target.subs),
                              space, st, renamed_from=kw)

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

    def _collect_def(self, st: S.Def) -> bool:
        """Register a definition (or a claim, for `lower_claim`'s helpers). Returns True
        when `st` is a definition of a name."""
        t = st.target
        if t is not None and not self._is_claim(t):
            st = self.run_named(st) or st           # RSS(\lambda) = ..., NLL = ...
            t = st.target
        if t is None or not isinstance(t, (S.Sym, S.Sub)) or self._is_claim(t):
            self.claims.append(st)
            return False
        if isinstance(st.value, S.Stack):
            return False  # a layout statement: a vector written as the stack of its entries
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
        ds = DefSource(kw, st, indices, index_syntax)
        if kw in self.defsrc:
            prev = self.defsrc[kw]
            for other in [prev] + self.rivals.get(kw, []):
                if other.stmt.value == st.value and other.indices == tuple(indices):
                    self.note(st, f"{latex} restated as at line {other.stmt.span.line}",
                              "restated")
                    return True
            # settled when kw is lowered: the one that can be read, or the same value
            self.rivals.setdefault(kw, []).append(ds)
            return True
        self.defsrc[kw] = ds
        prev = self.info.get(kw)
        decl_shape = prev.shape if prev is not None and prev.kind == "input" else None
        self.info[kw] = Info("def", latex, span=t.span, decl_shape=decl_shape)
        return True

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


def _declared_name(e):
    """The name a declaration with an unreadable left side is about: W of ``W^Q``,
    ``W^{\\top}``, ``(W)``; None for ``\\mathbf{1}_n`` (a fact about the ones vector)."""
    while not namelike(e):
        if isinstance(e, (S.Pow, S.Transpose)):
            e = e.base if isinstance(e, S.Pow) else e.arg
        elif isinstance(e, S.Apply):
            e = e.func
        else:
            return None
    return e


def _mention(e) -> str:
    """Why a bare expression is not used, in words."""
    if is_derivative(e) or is_derivative(_head(e)):
        return "mentions a derivative: defines nothing"
    if is_differential(e):
        return "mentions a differential: defines nothing"
    if prose_bare(e):
        return "mentions a name: defines nothing"
    return "an expression, not a definition: not used"


def _same_shape(a, b):
    return len(a) == len(b) and all(ir.same_dim(x, y) for x, y in zip(a, b))
