"""Lowering sums of terms and the entrywise binary operators: ``a + b``, ``a - b``,
``A \\odot B``, ``A \\oslash B``, ``A : B``, ``a / b``.

Contract: `TermLowering` is a part of `document.Lowerer`. `plus_chain(e, scope)` lowers a
chain of ``+``/``-`` without recursion; `plus`, `elementwise`, `colon`, `divide` combine two
lowered `Val`s, aligning their index labels and matrix axes; a mismatch is a located
`ShapeError` (with a hint when a big operator's scope is the likely cause).
"""
from __future__ import annotations

import dataclasses

from .. import ir, names
from ..ir import add, pow_
from ..read import syntax as S
from ..values import Val, describe
from .base import LoweringBase, UnboundIndex, union, walk_syntax
from .fresh import undecided_square


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
        # the operands' kinds, for the precedence of a bare colon (colonchain.py)
        self.__dict__.setdefault("colon_kinds", {})[id(e)] = (a.kind, b.kind)
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
        """``a / b`` and ``\\frac{a}{b}``: by a scalar, the product with its inverse; by a
        vector or matrix, what `quotient_reading` decides -- the entrywise quotient (noted)
        where it is the one reading that gives a number, else a located refusal."""
        if b.kind == "s" and not b.lazy:
            a = self.materialise(a, e)
            inv = Val(pow_(b.node, -1), b.labels, b.mat, b.row)
            return self._scalar_times(inv, a, e)
        if a.lazy == "ones" and not b.lazy and b.kind in ("c", "r"):
            a = self.concrete(a, shape_like=b, where=e)     # \frac{\mathbf{1}}{v}: v's size
        if b.lazy or a.lazy:
            raise self.serr(f"cannot divide {describe(a)} by {describe(b)}: use \\oslash "
                            f"for entrywise division", e)
        verdict = quotient_reading(a, b)
        num, den = (self._operand(x) for x in _num_den(e))
        if verdict == "two":
            raise self.serr(f"`{num} / {den}` ({describe(a)} over {describe(b)}) has two "
                            f"readings that give different numbers: {num} ({den})^{{-1}} with "
                            f"the matrix inverse, and the entrywise quotient {num} \\oslash "
                            f"{den}; write the one you mean", e)
        if verdict != "entrywise":
            raise self.serr(f"cannot divide {describe(a)} by {describe(b)}: division by a "
                            f"vector or matrix is read only entrywise, between operands of "
                            f"one shape or by a scalar over it (write \\oslash, or a "
                            f"matrix inverse ^{{-1}})", e)
        self.note(e, f"read entrywise: {describe(b)} in the denominator has no matrix "
                     f"meaning{'' if b.kind != 'm' else ' here (not square)'}, so "
                     f"`{num} / {den}` is the entrywise quotient {num} \\oslash {den}",
                  "inferred")
        return self.elementwise(a, b, e, "hdiv")

    def _operand(self, node) -> str:
        """The source of an operand of a quotient, in parentheses unless it is one factor
        (a placeholder when it spans lines or is long)."""
        text = self._source(node)
        if text == "…" or len(text) > 40 or text.count("{") != text.count("}"):
            return "…"          # (a span inside a command's braces, \mathbf{1}: not shown)
        compound = isinstance(node, (S.BinOp, S.Neg)) and not text.startswith(("(", "\\left"))
        return f"({text})" if compound else text

    def plus_chain(self, e, scope):
        """A chain of + and -; one holding a colon written bare has two readings of its
        precedence, settled in `colonchain.ColonChains.colon_chain`."""
        if self.has_bare_colon(e):
            return self.colon_chain(e, scope, self._plus_chain)
        return self._plus_chain(e, scope)

    def _plus_chain(self, e, scope):
        terms = []
        node = e
        while isinstance(node, S.BinOp) and node.op in ("+", "-"):
            terms.append((node.op, node.right))
            node = node.left
        terms.append(("+", node))
        terms.reverse()
        vals = []
        k = 0
        while k < len(terms):
            sign, t = terms[k]
            try:
                vals.append((sign, self.expr(t, scope)))
            except UnboundIndex as err:
                j, why_not = self._extendable_sum(terms, k, err)
                if j is None:
                    hint = self._bigop_hint(err, [tt for _, tt in terms[:k]], t, why_not)
                    if hint is None:
                        raise
                    raise hint from None
                terms = self._extend_sum(terms, j)
                del vals[j:]
                k = j
                continue
            k += 1
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
        if (a.kind == "s") != (b.kind == "s"):
            self._note_broadcast(a if a.kind == "s" else b, b if a.kind == "s" else a, e)
        big = a if a.kind != "s" else b
        out = union(a.index_labels, b.index_labels) + big.mat
        dims = {**a.dims(), **dict(zip(bl, b.node.shape))}
        na = ir.broadcast(a.node, a.labels, dims, out)
        nb = ir.broadcast(b.node, bl, dims, out)
        return Val(add([na, nb], [1, 1 if sign == "+" else -1]), out, big.mat, big.row)

    def _note_broadcast(self, small, big, e):
        """A vector or matrix plus a scalar that is not a number (``z - \\mu(z)``): read as
        the scalar added to every entry, z - \\mu(z) \\mathbf{1} -- noted, since the text
        leaves the ones vector out (a number, 1 - \\sigma(z), is not noted)."""
        if isinstance(small.node, ir.Const):
            return
        noted = self.__dict__.setdefault("_broadcast_noted", set())
        if e.span in noted:
            return
        noted.add(e.span)
        self.note(e, f"{describe(big)} plus or minus a scalar: read as the scalar added to "
                     f"every entry (the scalar times a ones vector or matrix)", "inferred")

    def _extendable_sum(self, terms, k, err):
        """(j, None) when the ``\\sum`` term at j extends over terms j+1.. (see
        `_extend_sum`) because term k failed only by using that sum's index; (None, why
        not) when a sum binds the index but extending it is one of two readings; (None,
        None) when no earlier sum binds it.

        A sum's body is the product term after it; an author who writes
        ``\\sum_{i=1}^k - \\lambda_i + y_i \\ln \\lambda_i`` means the sum to go on while its
        index does. That is the only reading when (a) the index is bound nowhere else (term k
        raised `UnboundIndex` for it), (b) the sum stands as a term of its own with a plus
        sign (``c\\sum_i a_i + b_i`` or ``-\\sum_i a_i + b_i`` could also mean
        ``c\\sum_i a_i + \\sum_i b_i``: a different number), (c) its body holds no other sum
        (``\\sum_i\\sum_j a_{ij} + b_i``: over j too, or over i only?), and (d) every term
        after it uses its index (``\\sum_i a_i + c + b_i``: is c summed?)."""
        for j in range(k - 1, -1, -1):
            sign, term = terms[j]
            big = _tail_sum(term, err.index)
            if big is None:
                continue
            head = self._sum_head(big)
            if big is not term or sign != "+":
                return None, (f"{head} is multiplied "
                              f"or negated here, so `c{head}(a + b)` and `c{head} a + "
                              f"{head} b` are two readings with different numbers")
            if any(isinstance(n, S.BigOp) for n in walk_syntax(big.body)):
                return None, (f"the body of {head} holds another sum: the later terms "
                              f"could go into either, two readings with different numbers")
            bound = {names.keyword_of(i) for i in big.indices}
            gap = [t for _, t in terms[j + 1:] if not bound & self._indices_used(t)]
            if gap:
                return None, (f"a term after {head} does not use its index: inside the "
                              f"sum it is counted once per term, outside it once -- two "
                              f"readings")
            return j, None
        return None, None

    def _extend_sum(self, terms, j):
        """Terms with the sum at j taking the terms after it into its body (noted)."""
        big = terms[j][1]
        body = big.body
        for sign, t in terms[j + 1:]:
            body = S.BinOp(sign, body, t, span=body.span.cover(t.span))
        new = dataclasses.replace(big, body=body, span=big.span.cover(body.span))
        self.note(new, f"read as one sum: the body of {self._sum_head(big)} is not in "
                       f"parentheses, and the terms after it use its index, which nothing "
                       f"else binds, so the sum extends over them", "inferred")
        return terms[:j] + [(terms[j][0], new)]

    def _sum_head(self, big):
        s, b = big.span, big.body.span
        if s.line == b.line:
            return self.src.splitlines()[s.line - 1][s.column - 1:b.column - 1].strip()
        return "the sum"

    def _indices_used(self, term):
        """Index names a term uses in subscripts (syntactically)."""
        used = {names.keyword_of(i) for n in walk_syntax(term) if isinstance(n, S.Sub)
                for i in n.subs}
        used |= {p for n in walk_syntax(term) if isinstance(n, S.Sub) for s in n.subs
                 if isinstance(s, S.BinOp) for p in (self._juxt_syms(s) or [])}
        return used

    def _bigop_hint(self, err, before, term, why_not=None):
        """If an earlier term ends in a sum/product binding err.index, suggest parentheses."""
        used = self._indices_used(term)
        for prev in reversed(before):
            for big in reversed(_tail_chain(prev)):
                bound = {names.keyword_of(i) for i in big.indices}
                hit = bound & used
                if hit:
                    index = sorted(hit)[0]
                    op = "\\sum" if big.kind == "sum" else "\\prod"
                    text = self._suggest(big, term)
                    msg = (f"index {index} is used outside the {op} that binds it "
                           f"(a {op} covers only the product term after it)")
                    if why_not:
                        msg += (f"; the sum could extend over the terms after it, but "
                                f"{why_not}")
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


def quotient_reading(a, b) -> str:
    """What ``a / b`` means when b is a vector or a matrix (not lazy): "entrywise" when
    the entrywise quotient is the one reading that gives a number -- a scalar over a
    vector, two vectors of one shape, or a scalar or same-shaped matrix over a matrix that
    is not square (it has no inverse) --, "two" when a square matrix B also gives a B^{-1}
    or A B^{-1} (different numbers), "none" otherwise (a vector over a matrix, a matrix
    over a vector: neither reading is written in ordinary notation)."""
    da, db = a.mat_dims(), b.mat_dims()
    same = a.kind == b.kind and all(ir.same_dim(x, y) for x, y in zip(da, db))
    if b.kind in ("c", "r"):
        return "entrywise" if a.kind == "s" or same else "none"
    # of an undeclared B (fresh sizes, lower.fresh) squareness is unknown: both readings
    square = ir.same_dim(db[0], db[1]) or undecided_square(db[0], db[1])
    if a.kind == "s" or same:
        return "two" if square else "entrywise"
    return "none"


def _num_den(e):
    """The numerator and denominator syntax of a slash or a fraction."""
    return (e.num, e.den) if isinstance(e, S.Frac) else (e.left, e.right)


def _tail_chain(term) -> list:
    """The sums and products at the end of `term`'s product chain, outermost first (the
    term itself, the right factor of a product, under a minus sign, nested in such a sum)."""
    chain, node = [], term
    while True:
        if isinstance(node, S.BigOp):
            chain.append(node)
            node = node.body
        elif isinstance(node, S.BinOp) and node.op in (S.MUL, S.HADAMARD, S.DIV):
            node = node.right
        elif isinstance(node, S.Neg):
            node = node.arg
        else:
            return chain


def _tail_sum(term, index):
    """The ``\\sum`` binding `index` at the end of `term`'s product chain, or None."""
    return next((big for big in _tail_chain(term) if big.kind == "sum" and
                 index in {names.keyword_of(i) for i in big.indices}), None)
