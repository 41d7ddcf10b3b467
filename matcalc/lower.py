"""Lowering: syntax tree -> Problem (IR), resolving names, scoping indices, checking shapes.

Contract: `lower(doc, objective=None) -> Problem`. Every problem in the document raises a
`ParseError` (unknown name, unbound index, ambiguous notation) or a `ShapeError`
(mismatched dimensions, non-scalar objective), located at the offending syntax node.

How values are carried: every lowered subexpression is a `Val`: an IR node whose axes each
carry a label. Labels that are strings are index names (``i``, ``k_2``) from index notation;
the labels in `mat` (ordered: rows, columns) are the axes seen in matrix notation. So
``\\phi_i^T \\phi_j`` is a node with labels (i, j) and no matrix axes, ``W x`` a node whose
one axis is a matrix axis, and a sum over ``j`` is a contraction of label ``j``.
Definitions and inputs store arrays with index (family) axes first, then matrix axes.
"""
from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from . import ir, names, ops
from .read import syntax as S
from .errors import ParseError, ShapeError, error_at
from .ir import Const, Ref, Var, contract
from .lower_expr import Cell, ExprLowering, Val, fmt_shape as _fmt
from .problem import Problem

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


class Lowerer(ExprLowering):
    def __init__(self, doc: S.Document):
        self.doc = doc
        self.src = doc.source
        self.info: dict[str, Info] = {}
        self.ranges: dict[str, tuple] = {}      # index keyword -> (lo, hi) sympy
        self.defsrc: dict[str, DefSource] = {}
        self.defs: dict[str, object] = {}
        self.order: list[str] = []
        self.lowering: list[str] = []
        self.held: set = set()
        self.claims: list = []
        self.dim_subst: dict = {}
        self.dims: dict = {}
        self.bare: S.Bare | None = None
        self.index_latex: dict = {}

    # ------------------------------------------------------------ errors
    def perr(self, msg, node):
        return error_at(ParseError, msg, getattr(node, "span", None), self.src)

    def serr(self, msg, node):
        return error_at(ShapeError, msg, getattr(node, "span", None), self.src)

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

    # ------------------------------------------------------------ pass 2: definitions
    def define(self, kw):
        """Lower definition `kw` (once), returning its Ref."""
        if kw in self.defs:
            return Ref(kw, self.defs[kw].shape)
        ds = self.defsrc[kw]
        if kw in self.lowering:
            chain = " -> ".join(self.lowering[self.lowering.index(kw):] + [kw])
            raise self.perr(f"circular definition: {chain}", ds.stmt.target)
        self.lowering.append(kw)
        try:
            body = self._lower_def(ds)
        finally:
            self.lowering.pop()
        bad = ir.nonfinite(body)
        if bad is not None:
            raise self.perr(f"the definition of {self.info[kw].latex} contains a constant "
                            f"that is not finite ({bad.value}): a division by zero?",
                            ds.stmt.value)
        self.defs[kw] = body
        self.order.append(kw)
        info = self.info[kw]
        info.shape = body.shape
        info.family = len(ds.indices)
        return Ref(kw, body.shape)

    def _lower_def(self, ds: DefSource):
        scope = {}
        for i in ds.indices:
            scope[i] = Cell(self._range_dim(i, ds.stmt.target) if i in self.ranges else None)
        v = self.expr(ds.stmt.value, scope)
        v = self.materialise(v, ds.stmt.value)
        idx = ds.indices
        # an entrywise definition whose body is a whole matrix: g_{ij} = sigm(f)
        if idx and not any(i in v.labels for i in idx) and len(v.mat) == len(idx):
            v = Val(v.node, tuple(dict(zip(v.mat, idx)).get(l, l) for l in v.labels), (), False)
        for i in idx:
            if i not in v.labels:
                d = scope[i].dim
                if d is None:
                    raise self.perr(f"cannot tell the range of index {i}: declare it, e.g. "
                                    f"`{i} = 1,\\dots,n`", ds.stmt.target)
                node = ir.broadcast(v.node, v.labels, {**v.dims(), i: d}, v.labels + (i,))
                v = Val(node, v.labels + (i,), v.mat, v.row)
        extra = [l for l in v.index_labels if l not in idx]
        if extra:
            raise self.perr(f"index {extra[0]} is free in the definition of "
                            f"{self.info[ds.name].latex} but not on its left side",
                            ds.stmt.value)
        out = tuple(idx) + tuple(v.mat)
        node = contract([v.node], [v.labels], out) if tuple(v.labels) != out else v.node
        # a row vector is stored as a vector; its uses read it back as a row
        self.info[ds.name].row = bool(v.row and len(v.mat) == 1)
        decl = self.info[ds.name].decl_shape
        if decl is not None and not _same_shape(decl, node.shape):
            if ir.same_dim(sp.Mul(*decl), sp.Mul(*node.shape)) and len(decl) == 1:
                node = ops.Reshape(node, tuple(decl))
            else:
                raise self.serr(f"{self.info[ds.name].latex} is declared with shape "
                                f"{_fmt(decl)} but its definition has shape {_fmt(node.shape)}",
                                ds.stmt.target)
        return node

    def run(self, objective=None) -> Problem:
        self.collect()
        if not self.defsrc:
            msg = ("the document defines nothing to differentiate: write the objective as "
                   "`f = ...` or as an expression on the last line")
            if self.claims:  # say where the nearest thing to a definition is, and why not
                first = self.claims[0]
                target = first.target if first.target is not None else first.value
                raise self.perr(msg + "; this line is read as a statement about a derivative "
                                "or a known function, not as a definition", target)
            stmts = [st for st in self.doc.statements if getattr(st, "span", None)]
            if stmts:
                raise self.perr(msg, stmts[-1])
            raise ParseError(msg)
        for kw in self.defsrc:
            self.define(kw)
        obj = self._objective(objective)
        inputs = {}
        for kw, info in self.info.items():
            if info.kind in ("input", "natural") and kw not in self.defs:
                inputs[kw] = Var(kw, tuple(info.shape))
        latex = {kw: info.latex for kw, info in self.info.items()}
        latex.update(self.index_latex)
        from .simplify import simplify
        defs = self._hold(self._inline_constants({k: simplify(b) for k, b in self.defs.items()}))
        order = list(self.order)
        return Problem(inputs, defs, order, obj, latex, list(self.dims), set(self.held),
                       self.claims, self.src, dict(self.index_latex),
                       {kw: i.family for kw, i in self.info.items() if i.family},
                       {kw for kw, i in self.info.items() if i.row and kw in defs})

    def _inline_constants(self, defs):
        """A definition whose value is a constant (J = 1_n 1_m^T) is used as that constant,
        so identities such as (J - F) = (1 - F) are seen."""
        from .simplify import simplify
        consts = {}
        for kw in self.order:
            body = simplify(defs[kw])
            if isinstance(body, Const):
                consts[Ref(kw, body.shape)] = body
        if not consts:
            return defs
        return {k: simplify(ir.substitute(b, consts)) for k, b in defs.items()}

    def _hold(self, defs):
        if not self.held:
            return defs
        for h in self.held:
            if h not in defs:
                raise ParseError(f"{h} is held constant but is not defined")
        repl = {Ref(h, defs[h].shape): ops.StopGrad(Ref(h, defs[h].shape)) for h in self.held}
        return {k: ir.substitute(b, repl) for k, b in defs.items()}

    def _objective(self, objective):
        if objective is not None:
            kw = objective if objective in self.defs else None
            if kw is None:
                for k, info in self.info.items():
                    if info.latex == objective and k in self.defs:
                        kw = k
            if kw is None:
                raise ParseError(f"objective {objective!r} is not defined in the document "
                                 f"(definitions: {', '.join(self.info[k].latex for k in self.order)})")
        else:
            last = list(self.defsrc)[-1]
            kw = last
            if self.defs[last].shape != ():
                used = {n.name for b in self.defs.values() for n in ir.walk(b) if isinstance(n, Ref)}
                roots = [k for k in self.defsrc if k not in used and self.defs[k].shape == ()]
                if len(roots) == 1:
                    kw = roots[0]
        shape = self.defs[kw].shape
        if shape != ():
            ds = self.defsrc[kw]
            raise error_at(ShapeError, f"the objective {self.info[kw].latex} has shape "
                           f"{_fmt(shape)}, not a scalar: a gradient needs a scalar function",
                           ds.stmt.span, self.src)
        return kw


def _same_shape(a, b):
    return len(a) == len(b) and all(ir.same_dim(x, y) for x, y in zip(a, b))


def lower(doc: S.Document, objective=None) -> Problem:
    return Lowerer(doc).run(objective)
