"""Lowering the binary forms of matrix notation: products (juxtaposition, ``\\cdot``),
Hadamard products and divisions, the colon product, fractions and slashes, sums of terms.

Contract: `ProductLowering` methods return `Val`s and hold the matrix-notation rules (what a
row vector times a matrix is, what may be added to what); a mismatch is a `ShapeError`
naming both operands' shapes; a text with two readings (``a/2b``) is refused naming both.
"""
from __future__ import annotations


from .. import ir, names
from ..ir import add, contract, pow_
from ..read import syntax as S
from ..values import Val, describe
from .base import LoweringBase, UnboundIndex, chain_factors, union, walk_syntax


class ProductLowering(LoweringBase):
    """Products, quotients and sums of terms."""

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
        factors, signs = chain_factors(e)   # signs[k - 1] is written before factors[k]
        factors, signs = self._join_runs(factors, signs)
        for a, b in zip(factors, factors[1:]):
            self._check_slash(a, b)
        is_delta = [isinstance(f, S.Sub) and isinstance(f.base, S.Sym) and f.base.name == "delta"
                    and "delta" not in self.info for f in factors]
        vals = [None] * len(factors)
        for k in sorted(range(len(factors)), key=lambda k: is_delta[k]):
            vals[k] = self.expr(factors[k], scope)
        acc = vals[0]
        for k in range(1, len(vals)):
            if signs[k - 1] == "cdot" and acc.kind == "c" and vals[k].kind == "c" and \
                    sum(v.kind != "s" for v in vals[:k]) == 1:
                # a \cdot b of two column vectors: the dot product aᵀb (the one reading: a
                # matrix product of two columns does not exist)
                acc = Val(acc.node, acc.labels, acc.mat, True, acc.lazy)
            elif signs[k - 1] == "cdot" and acc.kind == "c" and vals[k].kind in ("c", "m"):
                raise self.serr("\\cdot after a column vector is read as the dot product only "
                                "between two single vector factors (a \\cdot b); here the "
                                "factors around it are products, so which ones it joins is not "
                                "written: use a^T b or \\langle a, b \\rangle", e)
            acc = self.product(acc, vals[k], e)
        return acc

    def _join_runs(self, factors, signs):
        """Letters written together that spell a name the document defines (``RSS``,
        ``cossim(a, b)``: see `letter_run`) are that name, not a product."""
        known = lambda name: name in self.defsrc or name in self.functions or name in self.info
        out, out_signs, k = [], [], 0
        while k < len(factors):
            best = None
            for j in range(len(factors), k + 1, -1):       # the longest run first
                if any(signs[m] for m in range(k, j - 1)):
                    continue
                last = factors[j - 1]
                tail = last.func if isinstance(last, S.Apply) else last
                chain = factors[k:j - 1] + [tail]
                node = chain[0]
                for x in chain[1:]:
                    node = S.BinOp(S.MUL, node, x, span=node.span.cover(x.span))
                name = self.letter_run(node) if len(chain) > 1 else None
                if name is not None and known(name):
                    sym = S.Sym(name, span=node.span)
                    best = (j, S.Apply(sym, last.args, span=node.span.cover(last.span))
                            if isinstance(last, S.Apply) else sym)
                    break
            if best is None:
                out.append(factors[k])
                if k < len(signs):
                    out_signs.append(signs[k])
                k += 1
                continue
            j, joined = best
            out.append(joined)
            if j - 1 < len(signs):
                out_signs.append(signs[j - 1])
            k = j
        return out, out_signs[:max(0, len(out) - 1)]

    def _check_slash(self, a, b):
        """``a/2b`` has two readings that give different numbers, (a/2)·b and a/(2b): refuse
        and name both. Unambiguous: a group ``(a/2) b``, an explicit ``a/2 \\cdot b``, and a
        numeric fraction before a factor (``1/2 x``)."""
        if not (isinstance(a, S.BinOp) and a.op == S.DIV) or self._closed_by_group(a):
            return
        if isinstance(a.left, S.Num) and isinstance(a.right, S.Num):
            return
        lines = self.src.splitlines()
        sa, sb = a.span, b.span
        if sa and sb and sa.end_line == sb.line and 1 <= sb.line <= len(lines):
            gap = lines[sb.line - 1][sa.end_column - 1:sb.column - 1]
            if any(op in gap for op in ("\\cdot", "*", "\\times", "\\ast")):
                return
        num, den = self._source(a.left), self._source(a.right)
        rest = self._source(b)
        raise self.perr(f"`{num}/{den} {rest}` has two readings: ({num}/{den})·{rest} and "
                        f"{num}/({den} {rest}); write \\frac{{{num}}}{{{den} {rest}}} or "
                        f"({num}/{den})\\, {rest}", a)

    def _source(self, e) -> str:
        """The source text of a syntax node on one line (a short excerpt otherwise)."""
        sp_ = e.span
        lines = self.src.splitlines()
        if sp_ and sp_.line == sp_.end_line and 1 <= sp_.line <= len(lines):
            return lines[sp_.line - 1][sp_.column - 1:sp_.end_column - 1]
        return "…"

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
            out = union(a.index_labels, b.index_labels) + (a.mat[0], b.mat[0])
            return self._combine(a, b, b.labels, out, (a.mat[0], b.mat[0]), False, e)
        inner_a, inner_b = a.mat[-1], b.mat[0]
        if not ir.same_dim(da[-1], db[0]):
            raise self.serr(f"cannot multiply {describe(a)} by {describe(b)}: inner "
                            f"dimensions {da[-1]} and {db[0]} differ", e)
        b_labels = tuple(inner_a if l == inner_b else l for l in b.labels)
        mat = a.mat[:-1] + b.mat[1:]
        row = ka == "r" and kb == "m"
        out = union(a.index_labels, b.index_labels) + mat
        return self._combine(a, b, b_labels, out, mat, row, e)

    def _scalar_times(self, s, v, e):
        if v.lazy:
            raise self.perr("cannot tell the size of this \\mathbf{1} or I", e)
        out = union(s.index_labels, v.index_labels) + v.mat
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
