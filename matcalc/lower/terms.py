"""Lowering sums of terms and the entrywise binary operators: ``a + b``, ``a - b``,
``A \\odot B``, ``A \\oslash B``, ``A : B``, ``a / b``.

Contract: `TermLowering` is a part of `document.Lowerer`. `plus_chain(e, scope)` lowers a
chain of ``+``/``-`` without recursion; `plus`, `elementwise`, `colon`, `divide` combine two
lowered `Val`s, aligning their index labels and matrix axes; a mismatch is a located
`ShapeError` (with a hint when a big operator's scope is the likely cause).
"""
from __future__ import annotations

from .. import ir, names
from ..ir import add, pow_
from ..read import syntax as S
from ..values import Val, describe
from .base import LoweringBase, UnboundIndex, union, walk_syntax


class TermLowering(LoweringBase):
    """Sums of terms, Hadamard products and quotients, colon products."""

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
        out = union(a.index_labels, b.index_labels) + big.mat
        return self._combine(a, b, bl, out, big.mat, big.row, e)

    def colon(self, a, b, e):
        a, b, bl = self._align(a, b, e, "the colon product")
        if a.kind == "s" and b.kind == "s":
            out = union(a.index_labels, b.index_labels)
        elif a.kind == "s" or b.kind == "s":
            raise self.serr(f"the colon product needs operands of the same shape, not "
                            f"{describe(a)} and {describe(b)}", e)
        else:
            out = union(a.index_labels, b.index_labels)
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
        out = union(a.index_labels, b.index_labels) + big.mat
        dims = {**a.dims(), **dict(zip(bl, b.node.shape))}
        na = ir.broadcast(a.node, a.labels, dims, out)
        nb = ir.broadcast(b.node, bl, dims, out)
        return Val(add([na, nb], [1, 1 if sign == "+" else -1]), out, big.mat, big.row)

    def _bigop_hint(self, err, before, term):
        """If an earlier term ends in a sum/product binding err.index, suggest parentheses."""
        used = {names.keyword_of(i) for n in walk_syntax(term) if isinstance(n, S.Sub)
                for i in n.subs}
        used |= {p for n in walk_syntax(term) if isinstance(n, S.Sub) for s in n.subs
                 if isinstance(s, S.BinOp) for p in (self._juxt_syms(s) or [])}
        for prev in reversed(before):
            chain, node = [], prev
            while True:
                if isinstance(node, S.BigOp):
                    chain.append(node)
                    node = node.body
                elif isinstance(node, S.BinOp) and node.op in (S.MUL, S.HADAMARD, S.DIV):
                    node = node.right
                elif isinstance(node, S.Neg):
                    node = node.arg
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
