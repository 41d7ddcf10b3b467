"""Lowering products in matrix notation: juxtaposition and ``\\cdot`` chains, fractions
and slashes (the other binary forms and sums of terms: terms.py).

Contract: `ProductLowering` methods return `Val`s and hold the matrix-notation rules (what a
row vector times a matrix is, what may be added to what); a mismatch is a `ShapeError`
naming both operands' shapes; a text with two readings (``a/2b``) is refused naming both.
"""
from __future__ import annotations

from .. import ir, names
from ..ir import contract
from ..read import syntax as S
from ..read.words import PERIOD_PRODUCT
from ..values import Val, describe
from .base import LoweringBase, chain_factors, union


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
        factors, signs, preset = self.join_derivative_marks(factors, signs, scope)
        for a, b in zip(factors, factors[1:]):
            self._check_slash(a, b)
        is_delta = [isinstance(f, S.Sub) and isinstance(f.base, S.Sym) and f.base.name == "delta"
                    and "delta" not in self.info for f in factors]
        vals = [None] * len(factors)
        for k in sorted(range(len(factors)), key=lambda k: is_delta[k]):
            vals[k] = preset[k] if k in preset else self.expr(factors[k], scope)
        self._refuse_lost_subscript(factors, signs, vals, scope)
        acc = vals[0]
        k = 0
        while k + 1 < len(vals):
            k += 1
            if acc.kind == "s" and not acc.lazy and vals[k].lazy and k + 1 < len(vals) and \
                    signs[k - 1] not in ("cdot", "period") and \
                    signs[k] not in ("cdot", "period"):
                # s 1^T h: a scalar leaves a lazy 1 or I no size, the factor after it does;
                # s (1^T h) is (s 1^T) h, so the lazy factor is joined to its right first
                vals[k + 1] = self.product(vals[k], vals[k + 1], e)
                continue
            if signs[k - 1] == "period" and not (
                    acc.kind == "c" and vals[k].kind == "c" and len(vals) == 2):
                # v.u: the dot product of two vectors and nothing else (a scalar, a matrix or
                # a longer chain around the period has no one reading)
                here = (f"{describe(acc)} . {describe(vals[k])}" if len(vals) == 2 else
                        f"a product of {len(vals)} factors: which two it joins is not written")
                raise self.perr(PERIOD_PRODUCT + f" (here: {here})", e)
            if signs[k - 1] in ("cdot", "period") and acc.kind == "c" and vals[k].kind == "c" \
                    and \
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

    def _refuse_lost_subscript(self, factors, signs, vals, scope):
        """``bi`` inside ``\\sum_{i=1}^{m}`` with b a declared m-vector: b times the index i,
        or b_i with its subscript lost (a copied page's ``bi`` for ``b_i``) -- different
        numbers, refused naming both. Only a one-letter name glued to the index (no space,
        no sign) whose vector length is the index's range."""
        for k in range(1, len(factors)):
            a, b = factors[k - 1], factors[k]
            if signs[k - 1] or not (isinstance(a, S.Sym) and isinstance(b, S.Sym)):
                continue
            kw = names.keyword_of(b)
            cell = scope.get(kw) if kw is not None else None
            v = vals[k - 1]
            if cell is None or cell.dim is None or v.kind not in ("c", "r") or \
                    not (a.span.line and a.span.end_line == b.span.line and
                         a.span.end_column == b.span.column):
                continue
            if not ir.same_dim(v.mat_dims()[0], cell.dim):
                continue
            x, i = names.latex_of(a), names.latex_of(b)
            raise self.perr(f"{x}{i} has two readings that give different numbers: {x} times "
                            f"the index {i} (a vector), or {x}_{i} with its subscript lost; "
                            f"write {x}_{{{i}}}, or {x} \\cdot {i} for the product",
                            S.Sym(a.name, span=a.span.cover(b.span)))

    def _join_runs(self, factors, signs):
        """Letters written together that spell a name the document defines (``RSS``,
        ``cossim(a, b)``: see `letter_run`) are that name, not a product."""
        known = lambda kw: kw in self.defsrc or kw in self.functions or kw in self.info
        out, out_signs, k = [], [], 0
        while k < len(factors):
            best = self._labelled_application(factors, signs, k)
            for j in (range(len(factors), k + 1, -1) if best is None else ()):  # longest first
                if any(signs[m] for m in range(k, j - 1)):
                    continue
                last = factors[j - 1]
                tail = last.func if isinstance(last, S.Apply) else last
                chain = factors[k:j - 1] + [tail]
                node = chain[0]
                for x in chain[1:]:
                    node = S.BinOp(S.MUL, node, x, span=node.span.cover(x.span))
                sym = self.run_node(node) if len(chain) > 1 else None
                if sym is not None and known(names.keyword_of(sym)):
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

    def _labelled_application(self, factors, signs, k):
        """``RSS^{OLS}(\\theta)`` from factor k on: a letter run whose last letter carries a
        word superscript, applied to a name in parentheses (`labelled_run`): (end, the
        application of that name), None where the factors are not written so. The letters
        are no product R S S^{OLS} \\theta; a function the document never defines is
        refused where it is lowered, as any unknown function."""
        for j in range(min(len(factors), k + 8), k + 2, -1):
            if any(signs[m] for m in range(k, j - 1)):
                continue
            node = factors[k]
            for x in factors[k + 1:j]:
                node = S.BinOp(S.MUL, node, x, span=node.span.cover(x.span))
            got = self.labelled_run(node)
            if got is None or got[1] is None:
                continue
            sym, params = got       # defined or not: an unknown one is refused where lowered
            return j, S.Apply(sym, params, span=node.span)
        return None

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
        partial = self.claimed_partial(e, scope)   # \frac{\partial L}{\partial D} in a claim
        if partial is not None:
            return partial
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
