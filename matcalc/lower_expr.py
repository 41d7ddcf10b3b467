"""Lowering of expressions: one method per syntax node, each returning a `Val`.

Contract: `ExprLowering.expr(node, scope)` lowers a syntax expression; `scope` maps the
index names bound at this point (by an enclosing sum or product, or as the free indices of
an entrywise definition) to a `Cell` holding the index's dimension (None until the index
is first used on an array axis). Matrix-notation rules (what a product of a row vector and
a matrix is, what may be added to what) live here; a mismatch is a `ShapeError` naming both
operands' shapes.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass

import sympy as sp

from . import ir, names, syntax as S
from .errors import ParseError
from .ir import Const, Delta, Mask, Var, add, contract, fmap, ones, pow_

_fresh = itertools.count()

ELEMENTWISE = {"exp": "exp", "log": "log", "sigma": "sigma", "tanh": "tanh",
               "softplus": "softplus", "abs": "abs"}
SIGMA_NAMES = {"sigma", "sigm", "sigmoid"}


def _mlabel():
    return ("_m", next(_fresh))


def fmt_shape(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ")" if shape else "scalar"


class UnboundIndex(ParseError):
    """An index used where no sum, product or definition binds it."""

    def __init__(self, message, index, *args):
        super().__init__(message, *args)
        self.index = index


@dataclass
class Cell:
    """An index in scope: its dimension once known; `hint` is the upper bound of its sum
    (used as its range when only another sum's bounds use the index)."""
    dim: object = None
    hint: object = None


@dataclass(frozen=True)
class Val:
    """A lowered value: `node`'s axes carry `labels`; `mat` lists the matrix-notation labels
    in order (0, 1 or 2 of them); `row` marks a rank-1 matrix part that is a row vector.
    `lazy` is "ones" or "eye" for a \\mathbf{1} or I whose size comes from the context
    (then `node` is None)."""
    node: object
    labels: tuple
    mat: tuple
    row: bool = False
    lazy: str | None = None

    @property
    def index_labels(self):
        return tuple(l for l in self.labels if l not in self.mat)

    def dims(self) -> dict:
        return dict(zip(self.labels, self.node.shape)) if self.node is not None else {}

    def mat_dims(self) -> tuple:
        d = self.dims()
        return tuple(d[l] for l in self.mat)

    @property
    def kind(self) -> str:
        return {0: "s", 1: "r" if self.row else "c", 2: "m"}[len(self.mat)]


MAX_MATRIX_POWER = 256   # X^k is lowered as a product of |k| factors


def describe(v: Val) -> str:
    if v.node is None:
        return "a vector of ones" if v.lazy == "ones" else "an identity matrix"
    m = v.mat_dims()
    text = {"s": "a scalar", "c": f"a column vector of length {m[0] if m else ''}",
            "r": f"a row vector of length {m[0] if m else ''}",
            "m": f"a {m[0]}×{m[1]} matrix" if len(m) == 2 else "a matrix"}[v.kind]
    if v.index_labels:
        text += " (indexed by " + ", ".join(str(i) for i in v.index_labels) + ")"
    return text


def scalar(value) -> Val:
    return Val(Const(sp.sympify(value), ()), (), ())


def _walk_syntax(e):
    stack = [e]
    while stack:
        n = stack.pop()
        yield n
        for f in getattr(n, "__dataclass_fields__", {}):
            v = getattr(n, f)
            if isinstance(v, tuple):
                stack.extend(x for x in v if hasattr(x, "__dataclass_fields__"))
            elif hasattr(v, "__dataclass_fields__") and not isinstance(v, S.Span):
                stack.append(v)


class ExprLowering:
    """Mixin of `lower.Lowerer`: expression lowering (needs self.info, self.define, ...)."""

    # ------------------------------------------------------------ dispatch
    def expr(self, e, scope) -> Val:
        method = getattr(self, "x_" + type(e).__name__, None)
        if method is None:
            raise self.perr(f"{type(e).__name__.lower()} is not supported here", e)
        return method(e, scope)

    def x_Num(self, e, scope):
        try:
            return scalar(sp.Rational(e.value))
        except (TypeError, ValueError):
            raise self.perr(f"{e.value} is not a number", e) from None

    def x_Neg(self, e, scope):
        v = self.expr(e.arg, scope)
        return self._scale(v, -1)

    def _scale(self, v, c):
        if v.node is None:
            raise self.perr("cannot tell the size of this \\mathbf{1} or I", None)
        return Val(ir.scale(c, v.node), v.labels, v.mat, v.row)

    def x_Dots(self, e, scope):
        raise self.perr("an elided run (\\dots) is only understood in a range such as "
                        "`i = 1,\\dots,n`", e)

    def x_Stack(self, e, scope):
        raise self.perr("a stacked vector [a, ..., b] is not supported in a formula", e)

    def x_Ones(self, e, scope):
        if e.size is None:
            return Val(None, (), (), lazy="ones")
        n = self.dim(e.size, {})
        m = _mlabel()
        return Val(ones((n,)), (m,), (m,))

    def x_Transpose(self, e, scope):
        if self._apply_is_product(e.arg):
            inner = S.Transpose(e.arg.args[0], span=e.span)  # W (x)^T is W · xᵀ
            return self.product(self.expr(e.arg.func, scope), self.expr(inner, scope), e)
        v = self.expr(e.arg, scope)
        if len(v.mat) == 2:
            return Val(v.node, v.labels, (v.mat[1], v.mat[0]), False, v.lazy)
        if len(v.mat) == 1:
            return Val(v.node, v.labels, v.mat, not v.row, v.lazy)
        if v.lazy == "ones":
            return Val(None, (), (), True, "ones")
        return v

    # ------------------------------------------------------------ names
    def x_Sym(self, e, scope):
        kw = names.keyword_of(e)
        return self.resolve_name(kw, e, scope)

    def resolve_name(self, kw, e, scope):
        if kw in scope:
            raise self.perr(f"index {kw} is used as a value; only arrays can be indexed by it", e)
        info = self.info.get(kw)
        if info is None:
            if kw == "e":
                return scalar(sp.E)
            if kw == "I":
                return Val(None, (), (), lazy="eye")
            if kw == "pi":
                return scalar(sp.pi)
            if isinstance(e, S.Sym) and e.name in SIGMA_NAMES | {"exp", "log", "tanh"}:
                raise self.perr(f"\\{e.name} needs an argument in parentheses", e)
            raise self.perr(f"unknown name {names.latex_of(e)}: declare it (e.g. "
                            f"`{names.latex_of(e)} \\in \\mathbb{{R}}^{{n}}`) or define it", e)
        if info.kind in ("dim", "natural"):
            sym = sp.Symbol(kw, integer=True, positive=True)
            if info.kind == "dim":
                self.dims[sym] = None
                return scalar(sym)
            return Val(Var(kw, ()), (), ())
        node = self.define(kw) if info.kind == "def" else Var(kw, tuple(info.shape))
        if node.rank > 2:
            raise self.serr(f"{info.latex} is an array of order {node.rank} "
                            f"{fmt_shape(node.shape)}: index it, e.g. with subscripts", e)
        labels = tuple(_mlabel() for _ in node.shape)
        return Val(node, labels, labels)

    def x_Sub(self, e, scope):
        return self.resolve_sub(e, scope)

    def resolve_sub(self, e, scope):
        kw = names.keyword_of(e)
        if kw is not None and kw in self.info and kw not in scope:
            return self.resolve_name(kw, e, scope)
        base = e.base
        items = self._sub_items(e)
        if isinstance(base, S.Sym) and base.name == "delta" and "delta" not in self.info:
            return self._delta(e, items, scope)
        if isinstance(base, S.Sym) and base.name == "I" and "I" not in self.info \
                and len(e.subs) == 1:
            n = self.dim(e.subs[0], {})
            a, b = _mlabel(), _mlabel()
            return Val(Delta(n), (a, b), (a, b))
        if isinstance(base, S.Sym):
            bkw = names.keyword_of(base)
            info = self.info.get(bkw)
            if info is None:
                if kw is not None and all(i not in scope for i in self._index_names(items)):
                    return self.resolve_name(kw, e, scope)
                return self.resolve_name(bkw, base, scope)  # raises unknown name
            if info.kind in ("dim", "natural"):
                raise self.perr(f"{info.latex} is a number and cannot be indexed", e)
            node = self.define(bkw) if info.kind == "def" else Var(bkw, tuple(info.shape))
            return self._index(node, [None] * node.rank, items, e, scope, info.latex)
        v = self.materialise(self.expr(base, scope), base)
        return self._index_val(v, items, e, scope)

    def _sub_items(self, e):
        items = []
        for s in e.subs:
            if isinstance(s, S.BinOp) and s.op == S.MUL:
                parts = self._juxt_syms(s)
                if parts is None:
                    raise self.perr("cannot read this subscript as indices", s)
                items.extend((p, s) for p in parts)
            elif isinstance(s, S.Num):
                items.append((int(s.value) if s.value.isdigit() else s.value, s))
            else:
                kw = names.keyword_of(s)
                if kw is None:
                    raise self.perr("cannot read this subscript as an index", s)
                items.append((kw, s))
        return items

    @staticmethod
    def _index_names(items):
        return [i for i, _ in items if isinstance(i, str)]

    def _bind(self, index, dim, where, scope):
        """Check that `index` is bound and that it runs over `dim`."""
        cell = scope.get(index)
        if cell is None:
            raise UnboundIndex(f"index {index} is not bound here: no sum, product or "
                               f"definition on the left binds it", index,
                               *self._loc(where))
        if cell.dim is None:
            cell.dim = dim
        elif not ir.same_dim(cell.dim, dim):
            raise self.serr(f"index {index} runs over {cell.dim} elsewhere but indexes an "
                            f"axis of length {dim} here", where)

    def _loc(self, node):
        sp_ = getattr(node, "span", None)
        if sp_ is None or sp_.line == 0:
            return ()
        end = sp_.end_column if sp_.end_line == sp_.line else None
        return (sp_.line, sp_.column, self.src, end)

    def _unstack(self, node, axis, items, scope):
        """Axis `axis` of node read as the row-major stack of an array indexed by `items`
        (``a_{i,j}`` of a vector a in R^{N_p D_d}): a Reshape, or None if the index ranges
        do not multiply to the axis length."""
        dims = []
        for index, _ in items:
            cell = scope.get(index) if isinstance(index, str) else None
            if cell is None or cell.dim is None:
                return None
            dims.append(cell.dim)
        if not ir.same_dim(sp.Mul(*dims), node.shape[axis]):
            return None
        return ir.Reshape(node, node.shape[:axis] + tuple(dims) + node.shape[axis + 1:])

    def _index(self, node, labels, items, e, scope, latex):
        """Index the leading axes of `node` by `items`; the rest become matrix axes. A
        numeric index (``x_1``) selects one position. More indices than axes unstack the
        last indexed axis (see `_unstack`)."""
        if len(items) > node.rank and node.rank >= 1:
            split = self._unstack(node, node.rank - 1, items[node.rank - 1:], scope)
            node = split if split is not None else node
        if len(items) > node.rank:
            raise self.serr(f"{latex} has {node.rank} axes {fmt_shape(node.shape)} but is "
                            f"indexed by {len(items)} indices", e)
        ops_, idx, given = [node], [None], []
        for (index, syn), d in zip(items, node.shape):
            if isinstance(index, int):
                lab = _mlabel()
                ops_.append(Mask((d,), sp.Integer(index), sp.Integer(index)))
                idx.append((lab,))
                given.append(lab)
            else:
                self._bind(index, d, syn, scope)
                given.append(index)
        rest = tuple(_mlabel() for _ in node.shape[len(items):])
        if len(rest) > 2:
            raise self.serr(f"{latex} indexed this way is an array of order {len(rest)}", e)
        all_labels = tuple(given) + rest
        idx[0] = all_labels
        keep = tuple(dict.fromkeys(l for l, (i, _) in zip(given, items)
                                   if isinstance(i, str))) + rest
        if len(ops_) == 1 and keep == all_labels:
            return Val(node, all_labels, rest)
        return Val(contract(ops_, idx, keep), keep, rest)

    def _index_val(self, v, items, e, scope):
        """Index the matrix axes of an expression: ``[t_k]_{i,j}``, ``(AB)_{ij}``."""
        if len(items) > len(v.mat) and len(v.mat) == 1:
            axis = v.labels.index(v.mat[0])
            split = self._unstack(v.node, axis, items, scope)
            if split is not None:
                new = tuple(_mlabel() for _ in items)
                labels = v.labels[:axis] + new + v.labels[axis + 1:]
                v = Val(split, labels, new)
        if len(items) > len(v.mat):
            raise self.serr(f"{describe(v)} cannot take {len(items)} indices", e)
        ops_, idx, ren, drop = [v.node], [None], {}, set()
        dims = v.dims()
        for (index, syn), lab in zip(items, v.mat):
            if isinstance(index, int):
                ops_.append(Mask((dims[lab],), sp.Integer(index), sp.Integer(index)))
                idx.append((lab,))
                drop.add(lab)
            else:
                self._bind(index, dims[lab], syn, scope)
                ren[lab] = index
        labels = tuple(ren.get(l, l) for l in v.labels)
        idx[0] = labels
        out = tuple(dict.fromkeys(l for l in labels if l not in drop))
        mat = tuple(l for l in v.mat if l not in ren and l not in drop)
        return Val(contract(ops_, idx, out), out, mat, v.row and len(mat) == 1)

    def _delta(self, e, items, scope):
        if len(items) != 2 or not all(isinstance(i, str) for i, _ in items):
            raise self.perr("\\delta needs two indices, e.g. \\delta_{ik}", e)
        (a, sa), (b, sb) = items
        ca, cb = scope.get(a), scope.get(b)
        for i, c, s in ((a, ca, sa), (b, cb, sb)):
            if c is None:
                raise UnboundIndex(f"index {i} is not bound here", i, *self._loc(s))
        d = ca.dim or cb.dim
        if d is None:
            raise self.perr("cannot tell the range of the indices of this \\delta", e)
        self._bind(a, d, sa, scope)
        self._bind(b, d, sb, scope)
        if a == b:
            return scalar(1)
        return Val(Delta(d), (a, b), ())

    # ------------------------------------------------------------ lazy ones / identity
    def concrete(self, v: Val, shape_like: Val = None, n=None, where=None) -> Val:
        if v.node is not None:
            return v
        if n is None and shape_like is not None and shape_like.mat:
            n = shape_like.mat_dims()[0]
        if n is None:
            raise self.perr("cannot tell the size of this \\mathbf{1} or I from its "
                            "context: give it a subscript (\\mathbf{1}_n, I_n)", where)
        if v.lazy == "ones":
            m = _mlabel()
            return Val(ones((n,)), (m,), (m,), v.row)
        a, b = _mlabel(), _mlabel()
        return Val(Delta(n), (a, b), (a, b))

    def materialise(self, v: Val, where) -> Val:
        if v.node is None:
            raise self.perr("cannot tell the size of this \\mathbf{1} or I from its "
                            "context: give it a subscript (\\mathbf{1}_n, I_n)", where)
        return v

    # ------------------------------------------------------------ binary operations
    def x_BinOp(self, e, scope):
        if e.op in ("+", "-"):
            return self.plus_chain(e, scope)
        if e.op == S.MUL:
            return self.product_chain(e, scope)
        a = self.expr(e.left, scope)
        b = self.expr(e.right, scope)
        if e.op == S.MUL:
            return self.product(a, b, e)
        if e.op == S.HADAMARD:
            return self.elementwise(a, b, e, "hadamard")
        if e.op == S.HDIV:
            return self.elementwise(a, b, e, "hdiv")
        if e.op == S.COLON:
            return self.colon(a, b, e)
        if e.op == S.DIV:
            return self.divide(a, b, e)
        raise self.perr(f"operator {e.op} is not supported", e)

    def product_chain(self, e, scope):
        """A juxtaposition chain. Kronecker deltas are lowered after the other factors,
        whose arrays fix the indices' ranges (δ_ik u_i u_k), then the product is formed
        left to right as written."""
        factors, node = [], e
        while isinstance(node, S.BinOp) and node.op == S.MUL:
            factors.append(node.right)
            node = node.left
        factors.append(node)
        factors.reverse()
        is_delta = [isinstance(f, S.Sub) and isinstance(f.base, S.Sym) and f.base.name == "delta"
                    and "delta" not in self.info for f in factors]
        vals = [None] * len(factors)
        for k in sorted(range(len(factors)), key=lambda k: is_delta[k]):
            vals[k] = self.expr(factors[k], scope)
        acc = vals[0]
        for k in range(1, len(vals)):
            acc = self.product(acc, vals[k], e)
        return acc

    def x_Frac(self, e, scope):
        return self.divide(self.expr(e.num, scope), self.expr(e.den, scope), e)

    def _check_index_dims(self, a, b, e):
        da, db = a.dims(), b.dims()
        for l in set(a.index_labels) & set(b.index_labels):
            if not ir.same_dim(da[l], db[l]):
                raise self.serr(f"index {l} runs over {da[l]} on one side and {db[l]} on "
                                f"the other", e)

    def _combine(self, a, b, b_labels, out, mat, row, e):
        self._check_index_dims(a, b, e)
        node = contract([a.node, b.node], [a.labels, b_labels], out)
        return Val(node, out, mat, row)

    def product(self, a, b, e):
        """Matrix-notation product (juxtaposition, *, \\cdot)."""
        if a.lazy and b.lazy:
            raise self.perr("cannot tell the sizes of this product of \\mathbf{1} / I", e)
        if a.kind == "s" and not a.lazy:
            if b.lazy:
                raise self.perr("cannot tell the size of this \\mathbf{1} or I", e)
            return self._scalar_times(a, b, e)
        if b.kind == "s" and not b.lazy:
            return self._scalar_times(b, a, e)
        if a.lazy:
            n = b.mat_dims()[0] if b.mat and (a.row or a.lazy == "eye") else None
            a = self.concrete(a, n=n, where=e.left)
        if b.lazy:
            n = a.mat_dims()[-1] if a.mat and (b.lazy == "eye" or not b.row) and \
                a.kind in ("m", "r") else None
            b = self.concrete(b, n=n, where=e.right)
        ka, kb = a.kind, b.kind
        da, db = a.mat_dims(), b.mat_dims()
        ok = {("r", "c"), ("c", "r"), ("m", "c"), ("r", "m"), ("m", "m")}
        if (ka, kb) not in ok:
            raise self.serr(f"cannot multiply {describe(a)} by {describe(b)}", e)
        if (ka, kb) == ("c", "r"):
            out = _union(a.index_labels, b.index_labels) + (a.mat[0], b.mat[0])
            return self._combine(a, b, b.labels, out, (a.mat[0], b.mat[0]), False, e)
        inner_a, inner_b = a.mat[-1], b.mat[0]
        if not ir.same_dim(da[-1], db[0]):
            raise self.serr(f"cannot multiply {describe(a)} by {describe(b)}: inner "
                            f"dimensions {da[-1]} and {db[0]} differ", e)
        b_labels = tuple(inner_a if l == inner_b else l for l in b.labels)
        mat = a.mat[:-1] + b.mat[1:]
        row = ka == "r" and kb == "m"
        out = _union(a.index_labels, b.index_labels) + mat
        return self._combine(a, b, b_labels, out, mat, row, e)

    def _scalar_times(self, s, v, e):
        if v.lazy:
            raise self.perr("cannot tell the size of this \\mathbf{1} or I", e)
        out = _union(s.index_labels, v.index_labels) + v.mat
        return self._combine(v, s, s.labels, out, v.mat, v.row, e)

    def _align(self, a, b, e, what):
        """Check matching matrix parts (a scalar broadcasts); returns (a, b, b_labels)."""
        if a.lazy:
            a = self.concrete(a, shape_like=b, where=e)
        if b.lazy:
            b = self.concrete(b, shape_like=a, where=e)
        if a.kind == "s" or b.kind == "s":
            return a, b, b.labels
        if a.kind != b.kind or not all(ir.same_dim(x, y) for x, y in
                                       zip(a.mat_dims(), b.mat_dims())):
            raise self.serr(f"{what} needs operands of the same shape, not "
                            f"{describe(a)} and {describe(b)}", e)
        ren = dict(zip(b.mat, a.mat))
        return a, b, tuple(ren.get(l, l) for l in b.labels)

    def elementwise(self, a, b, e, op):
        a, b, bl = self._align(a, b, e, "\\odot" if op == "hadamard" else "\\oslash")
        if op == "hdiv":
            b = Val(pow_(b.node, -1), b.labels, b.mat, b.row)
        big = a if a.kind != "s" else b
        out = _union(a.index_labels, b.index_labels) + big.mat
        return self._combine(a, b, bl, out, big.mat, big.row, e)

    def colon(self, a, b, e):
        a, b, bl = self._align(a, b, e, "the colon product")
        if a.kind == "s" and b.kind == "s":
            out = _union(a.index_labels, b.index_labels)
        elif a.kind == "s" or b.kind == "s":
            raise self.serr(f"the colon product needs operands of the same shape, not "
                            f"{describe(a)} and {describe(b)}", e)
        else:
            out = _union(a.index_labels, b.index_labels)
        return self._combine(a, b, bl, out, (), False, e)

    def divide(self, a, b, e):
        if b.lazy or b.kind != "s":
            raise self.serr(f"cannot divide by {describe(b)}: use \\oslash for entrywise "
                            f"division", e)
        a = self.materialise(a, e)
        inv = Val(pow_(b.node, -1), b.labels, b.mat, b.row)
        return self._scalar_times(inv, a, e)

    def plus_chain(self, e, scope):
        terms = []
        node = e
        while isinstance(node, S.BinOp) and node.op in ("+", "-"):
            terms.append((node.op, node.right))
            node = node.left
        terms.append(("+", node))
        terms.reverse()
        vals = []
        for k, (sign, t) in enumerate(terms):
            try:
                vals.append((sign, self.expr(t, scope)))
            except UnboundIndex as err:
                hint = self._bigop_hint(err, [tt for _, tt in terms[:k]], t)
                if hint is None:
                    raise
                raise hint from None
        if len(vals) > 2 and all(v.labels == () and not v.lazy for _, v in vals):
            # scalars: one sum, not one per term (each of those copies the sum so far)
            return Val(add([v.node for _, v in vals], [1 if s_ == "+" else -1 for s_, _ in vals]),
                       (), ())
        acc = vals[0][1]
        for sign, v in vals[1:]:
            acc = self.plus(acc, v, sign, e)
        return acc

    def plus(self, a, b, sign, e):
        a, b, bl = self._align(a, b, e, "+" if sign == "+" else "-")
        self._check_index_dims(a, b, e)
        big = a if a.kind != "s" else b
        out = _union(a.index_labels, b.index_labels) + big.mat
        dims = {**a.dims(), **dict(zip(bl, b.node.shape))}
        na = ir.broadcast(a.node, a.labels, dims, out)
        nb = ir.broadcast(b.node, bl, dims, out)
        return Val(add([na, nb], [1, 1 if sign == "+" else -1]), out, big.mat, big.row)

    def _bigop_hint(self, err, before, term):
        """If an earlier term ends in a sum/product binding err.index, suggest parentheses."""
        used = {names.keyword_of(i) for n in _walk_syntax(term) if isinstance(n, S.Sub)
                for i in n.subs}
        used |= {p for n in _walk_syntax(term) if isinstance(n, S.Sub) for s in n.subs
                 if isinstance(s, S.BinOp) for p in (self._juxt_syms(s) or [])}
        for prev in reversed(before):
            chain, node = [], prev
            while True:
                if isinstance(node, S.BigOp):
                    chain.append(node)
                    node = node.body
                elif isinstance(node, S.BinOp) and node.op in (S.MUL, S.HADAMARD, S.DIV):
                    node = node.right
                else:
                    break
            for big in reversed(chain):
                bound = {names.keyword_of(i) for i in big.indices}
                hit = bound & used
                if hit:
                    index = sorted(hit)[0]
                    op = "\\sum" if big.kind == "sum" else "\\prod"
                    text = self._suggest(big, term)
                    msg = (f"index {index} is used outside the {op} that binds it "
                           f"(a {op} covers only the product term after it)")
                    if text:
                        msg += f"; did you mean `{text}`?"
                    loc = self._loc(term)
                    return UnboundIndex(msg, index, *loc)
        return None

    def _suggest(self, big, term):
        s, b, t = big.span, big.body.span, term.span
        if not (s.line == b.line == t.line == t.end_line):
            return None
        line = self.src.splitlines()[s.line - 1]
        header = line[s.column - 1:b.column - 1].rstrip()
        inner = line[b.column - 1:t.end_column - 1].strip()
        return f"{header} ({inner})"

    # ------------------------------------------------------------ powers and functions
    def _closed_by_group(self, e) -> bool:
        """Does a closing bracket follow e before the postfix, as in ``(x (u))^T`` (the
        postfix applies to the whole group), unlike ``x (u)^T``?"""
        sp_ = e.span
        lines = self.src.splitlines()
        if not sp_ or sp_.end_line < 1 or sp_.end_line > len(lines):
            return False
        rest = lines[sp_.end_line - 1][sp_.end_column - 1:].lstrip()
        return rest.startswith((")", "]", "}", "\\right", "\\big", "\\Big", "\\r"))

    def _apply_is_product(self, e):
        """An Apply whose name is a variable (a (b)^2): the postfix belongs to (b)."""
        if isinstance(e, S.Apply) and len(e.args) == 1 and not self._closed_by_group(e):
            kw = names.keyword_of(e.func)
            if kw in self.info and not (kw in self.defsrc and self.defsrc[kw].stmt.params):
                return True
            if isinstance(e.func, S.Sub) and kw not in self.info:
                return True
        return False

    def x_Pow(self, e, scope):
        if self._apply_is_product(e.base):
            # a (b)^2 is a · b², not (a b)²
            inner = S.Pow(e.base.args[0], e.exp, span=e.span)
            return self.product(self.expr(e.base.func, scope), self.expr(inner, scope), e)
        if isinstance(e.base, S.Sym) and names.keyword_of(e.base) == "e" and "e" not in self.info:
            v = self.expr(e.exp, scope)
            return Val(fmap("exp", v.node), v.labels, v.mat, v.row)
        if isinstance(e.base, S.Norm) and isinstance(e.exp, S.Num) and e.exp.value == "2":
            return self.norm(e.base, scope, squared=True)
        x = self.expr(e.exp, scope)
        if x.kind != "s" or x.index_labels or x.lazy:
            raise self.serr(f"an exponent must be a scalar, not {describe(x)}", e.exp)
        b = self.materialise(self.expr(e.base, scope), e.base)
        if b.kind == "s":
            return Val(pow_(b.node, x.node), b.labels, b.mat, b.row)
        if b.kind in ("c", "r"):
            raise self.serr("a power of a vector is ambiguous: write x \\odot x for the "
                            "entrywise square, or \\|x\\|^2", e)
        k = x.node.value if isinstance(x.node, Const) else None
        n1, n2 = b.mat_dims()
        if k is None or not k.is_integer or not ir.same_dim(n1, n2):
            raise self.serr(f"a power of {describe(b)} needs a square matrix and an integer "
                            f"exponent", e)
        if b.index_labels:
            raise self.serr("powers of indexed families of matrices are not supported", e)
        if abs(k) > MAX_MATRIX_POWER:
            raise self.serr(f"the matrix power {k} is too large: a power is written out as a "
                            f"product of that many factors (at most {MAX_MATRIX_POWER})", e)
        node = contract([b.node], [b.labels], b.mat)
        if k < 0:
            node = ir.Inv(node)
            k = -k
        # one product of k factors (a product per factor would copy the chain k times)
        k = int(k)
        result = contract([node] * k, [(i, i + 1) for i in range(k)], (0, k)) if k > 1 else node
        if k == 0:
            result = Delta(n1)
        m = (_mlabel(), _mlabel())
        return Val(result, m, m)

    def x_Norm(self, e, scope):
        return self.norm(e, scope)

    def norm(self, e, scope, squared=False):
        v = self.materialise(self.expr(e.arg, scope), e.arg)
        sub = e.sub
        sub_txt = names.sub_text(sub) if sub is not None else None
        if e.kind == "abs" or v.kind == "s":
            node = fmap("abs", v.node)
            if squared:
                node = pow_(v.node, 2)
            return Val(node, v.labels, v.mat, v.row)
        if v.kind == "m" and sub_txt != "F":
            raise self.perr("the norm of a matrix is ambiguous here: write \\|X\\|_F for the "
                            "Frobenius norm", e)
        if v.kind in ("c", "r") and sub_txt not in (None, "2"):
            raise self.perr(f"only the 2-norm of a vector is supported (got _{sub_txt})", e)
        sq = contract([v.node, v.node], [v.labels, v.labels], v.index_labels)
        node = sq if squared else pow_(sq, sp.Rational(1, 2))
        return Val(node, v.index_labels, ())

    def x_Apply(self, e, scope):
        f = e.func
        kw = names.keyword_of(f)
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
            b = self.expr(e.args[0], scope)
            return self.product(self.expr(f, scope), b, e)
        raise self.perr(f"unknown function {names.latex_of(f)}", f)

    def x_Call(self, e, scope):
        return self.call(e.func, e.args, e, scope, e.primes)

    def call(self, fn, args, e, scope, primes=0):
        if len(args) != 1:
            raise self.perr(f"{fn} takes one argument, not {len(args)}", e)
        v = self.materialise(self.expr(args[0], scope), args[0])
        if primes and fn != "sigma":
            raise self.perr(f"the derivative {fn}' is only known for \\sigma", e)
        if primes > 1:
            raise self.perr("only the first derivative \\sigma' is known", e)
        if fn == "sigma" and primes == 1:
            fn = "dsigma"
        if fn in ELEMENTWISE or fn == "dsigma":
            if fn == "log" and isinstance(v.node, ir.Det):
                return Val(ir.LogDet(v.node.arg), v.labels, ())
            return Val(fmap(ELEMENTWISE.get(fn, fn), v.node), v.labels, v.mat, v.row)
        if fn == "sqrt":
            return Val(pow_(v.node, sp.Rational(1, 2)), v.labels, v.mat, v.row)
        if fn == "sg":
            return Val(ir.StopGrad(v.node), v.labels, v.mat, v.row)
        if fn == "tr":
            if v.kind != "m" or not ir.same_dim(*v.mat_dims()):
                raise self.serr(f"the trace needs a square matrix, not {describe(v)}", e)
            r, c = v.mat
            labels = tuple(r if l == c else l for l in v.labels)
            return Val(contract([v.node], [labels], v.index_labels), v.index_labels, ())
        if fn in ("det", "logdet"):
            if v.kind != "m" or not ir.same_dim(*v.mat_dims()) or v.index_labels:
                raise self.serr(f"the determinant needs a square matrix, not {describe(v)}", e)
            node = contract([v.node], [v.labels], v.mat)
            return Val(ir.Det(node) if fn == "det" else ir.LogDet(node), (), ())
        if fn in ("Diag", "diag"):
            if v.kind in ("c", "r"):
                a = v.mat[0]
                b = _mlabel()
                node = contract([v.node, Delta(v.mat_dims()[0])], [v.labels, (a, b)],
                                v.index_labels + (a, b))
                return Val(node, v.index_labels + (a, b), (a, b))
            if v.kind == "m" and ir.same_dim(*v.mat_dims()):
                r, c = v.mat
                labels = tuple(r if l == c else l for l in v.labels)
                out = v.index_labels + (r,)
                return Val(contract([v.node], [labels], out), out, (r,))
            raise self.serr(f"{fn} needs a vector or a square matrix, not {describe(v)}", e)
        if fn == "softmax":
            if v.kind == "s":
                raise self.serr("softmax needs a vector or a matrix", e)
            ex = fmap("exp", v.node)
            last = v.mat[-1] if v.kind == "m" else v.mat[0]
            keep = tuple(l for l in v.labels if l != last)
            total = contract([ex], [v.labels], keep)
            node = contract([ex, pow_(total, -1)], [v.labels, keep], v.labels)
            return Val(node, v.labels, v.mat, v.row)
        raise self.perr(f"unknown function {fn}", e)

    # ------------------------------------------------------------ sums and products
    def x_BigOp(self, e, scope):
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
            inner[kw] = Cell(d)
            idx.append((kw, i))
        if e.lower is not None and len(idx) > 1:
            raise self.perr("bounds are only understood on a sum over one index", e)
        lo = self.dim(e.lower, inner) if e.lower is not None else None
        hi = self.dim(e.upper, inner) if e.upper is not None else None
        if len(idx) == 1 and hi is not None \
                and not (hi.free_symbols & {sp.Symbol(k, integer=True, positive=True) for k in inner}):
            inner[idx[0][0]].hint = hi
        body = self.materialise(self.expr(e.body, inner), e.body)
        for kw, syn in reversed(idx):
            body = self._reduce(e.kind, body, kw, inner[kw], lo, hi, scope, e)
        return body

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
                full_labels = _union(v.labels, mask[1])
                dims = {**v.dims(), **dict(zip(mask[1], mask[0].shape))}
                m = ir.broadcast(mask[0], mask[1], dims, full_labels)
                xb = ir.broadcast(x, v.labels, dims, full_labels)
                x = add([ir.mul(xb, m), ones(m.shape), m], [1, 1, -1])
                labels = full_labels
            else:
                labels = v.labels
            node = ir.ProdAxis(x, labels.index(kw))
            out = tuple(l for l in labels if l != kw)
        mat = tuple(l for l in v.mat if l in out)
        return Val(node, out, mat, v.row)

    def _scale_sym(self, v, count):
        return Val(contract([v.node, Const(count, ())], [v.labels, ()], v.labels),
                   v.labels, v.mat, v.row)


def _union(a, b):
    return tuple(dict.fromkeys(tuple(a) + tuple(b)))
