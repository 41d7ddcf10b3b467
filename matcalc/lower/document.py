"""Pass 2 of lowering a document: each definition lowered on first use, the objective
picked; and a claimed gradient lowered in its document's context (`lower_claim`).

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


import sympy as sp

from .. import ir, names, ops
from ..errors import ParseError, ShapeError, error_at
from ..ir import Const, Ref, Var, contract
from ..problem import Problem
from ..read import syntax as S
from ..values import Cell, Val, fmt_shape as _fmt
from .atoms import AtomLowering, read_vector_bars, vector_bars_of
from .declarations import DefSource, DeclarationCollector, Info, _same_shape
from .indexing import IndexLowering
from .products import ProductLowering
from .sums import SumLowering

class Lowerer(DeclarationCollector, IndexLowering, AtomLowering, ProductLowering, SumLowering):
    """Lowers one document: collects its declarations and definitions, lowers each
    definition on first use (so the order of the text does not matter), picks the objective.
    The expression lowering is in the mixins, one job each; this class is their context."""
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
        # |v| of a vector: the entrywise or the norm reading, whichever fits (atoms.py)
        def make(reading):
            lw = type(self)(self.doc)
            lw.vector_bars = reading
            return lw
        return read_vector_bars(make, lambda lw: lw._run(objective), self.doc)

    def _run(self, objective=None) -> Problem:
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
        from ..simplify import simplify
        defs = self._hold(self._inline_constants({k: simplify(b) for k, b in self.defs.items()}))
        order = list(self.order)
        return Problem(inputs, defs, order, obj, latex, list(self.dims), set(self.held),
                       self.src, dict(self.index_latex),
                       {kw: i.family for kw, i in self.info.items() if i.family},
                       {kw for kw, i in self.info.items() if i.row and kw in defs})

    def _inline_constants(self, defs):
        """A definition whose value is a constant (J = 1_n 1_m^T) is used as that constant,
        so identities such as (J - F) = (1 - F) are seen."""
        from ..simplify import simplify
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


def lower(doc: S.Document, objective=None) -> Problem:
    return Lowerer(doc).run(objective)


def lower_claim(doc: S.Document, shape: tuple, value, index_syntax, helpers, claim_text: str):
    """Lower a claimed gradient in the context of its document: `value` (syntax) is the
    claim, written entrywise in the indices `index_syntax` (``\\frac{\\partial L}{\\partial
    z_i}``: they run over the leading axes of the variable, of shape `shape`) or as a whole
    array; `helpers` are definitions the claim makes (``where S = Diag(s)``). Returns
    (claim node, {name: node} of the definitions it needs beyond the document's, their
    order). Errors are located in `claim_text`."""
    lw = Lowerer(doc)
    lw.vector_bars = vector_bars_of(doc)     # |v| read as the document's lowering read it
    lw.collect()
    for h in helpers:
        lw._collect_def(h)
    indices = tuple(names.keyword_of(i) for i in index_syntax)
    if any(i is None for i in indices):
        raise ParseError("the claim's variable must be subscripted by index names")
    for i, d in zip(indices, shape):
        if i not in lw.ranges:
            lw.ranges[i] = (1, d)
    lw.defsrc["__claim"] = DefSource("__claim", S.Def(S.Sym("__claim"), None, value,
                                                      span=value.span), indices, index_syntax)
    lw.info["__claim"] = Info("def", "claim")
    lw.src = claim_text
    for kw in lw.defsrc:
        lw.define(kw)
    return lw.defs["__claim"], lw.defs, list(lw.order)
