"""Lowering sums and products over indices (``\\sum_{i=1}^{n}``, sub-ranges, bounds that
depend on another index, ``\\prod_j``); function calls are in calls.py.

Contract: `SumLowering` methods return `Val`s; a bound that uses its own index, an index
whose range nothing gives, a range past the entries it indexes (``\\sum_{i=0}^{n} x_i``), or
a range nothing gives is a located `ParseError`.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from .. import ir, names, ops
from ..ir import Const, Mask, add, contract, ones, pow_
from .fresh import involves_fresh
from ..ir import dim_expr
from ..read import syntax as S
from ..values import Cell, Val
from ..errors import MatcalcError
from .base import LoweringBase, UnboundIndex, union, walk_syntax


UNROLL_TERMS = 4096   # terms of a sum over an index used only in exponents (see `_unrolled`)


def _only_in_exponents(body, kw) -> bool:
    """Does index `kw` occur in `body`, and only inside the exponent of a power?"""
    found, stack = False, [(body, False)]
    while stack:
        n, in_exp = stack.pop()
        if isinstance(n, S.Sym) and names.keyword_of(n) == kw:
            if not in_exp:
                return False
            found = True
        for f in getattr(n, "__dataclass_fields__", {}):
            v = getattr(n, f)
            under = in_exp or (isinstance(n, S.Pow) and f == "exp")
            for x in (v if isinstance(v, tuple) else (v,)):
                if hasattr(x, "__dataclass_fields__") and not isinstance(x, S.Span):
                    stack.append((x, under))
    return found


def _with_value(e, kw, value: int):
    """The syntax tree `e` with the index `kw` replaced by the number `value`."""
    if isinstance(e, S.Sym) and names.keyword_of(e) == kw:
        return S.Num(str(value), span=e.span, written=False)
    if not hasattr(e, "__dataclass_fields__") or isinstance(e, S.Span):
        return e
    changes = {}
    for f in e.__dataclass_fields__:
        v = getattr(e, f)
        if isinstance(v, tuple):
            new = tuple(_with_value(x, kw, value) for x in v)
        else:
            new = _with_value(v, kw, value)
        if new is not v and new != v:
            changes[f] = new
    return dataclasses.replace(e, **changes) if changes else e


def _index_word(e) -> str:
    """``\\sum_{bonds}``: the word its indices spell, three or more plain letters written
    side by side with no bound, set or condition; else "". (The caller refuses it where
    none of the letters has a range or occurs in the terms: a set named in words.)"""
    ix = e.indices
    if len(ix) < 3 or e.lower is not None or e.upper is not None or e.over is not None or \
            e.excluded is not None or e.compare is not None:
        return ""
    if not all(isinstance(i, S.Sym) and len(i.name) == 1 and i.name.isalpha() and
               i.accent is None and not i.primes for i in ix):
        return ""
    spans = [i.span for i in ix]
    if any(not sp_.line for sp_ in spans) or any(
            b.line != a.line or b.column != a.end_column for a, b in zip(spans, spans[1:])):
        return ""
    return "".join(i.name for i in ix)


class SumLowering(LoweringBase):
    """Sums, products over indices, and calls."""

    def _depends_on_inputs(self, kw, seen=None) -> bool:
        """Does the definition of kw use an array or scalar input of the document, through
        the definitions it uses?"""
        seen = set() if seen is None else seen
        ds = self.defsrc.get(kw)
        if ds is None or kw in seen:
            return False
        seen.add(kw)
        for part in (ds.stmt.value, *ds.stmt.middle):
            for n in walk_syntax(part):
                k = names.keyword_of(n) if isinstance(n, (S.Sym, S.Sub)) else None
                info = self.info.get(k) if k is not None else None
                if info is not None and info.kind == "input":
                    return True
                if info is not None and info.kind == "def" and \
                        self._depends_on_inputs(k, seen):
                    return True
        return False

    def x_BigOp(self, e, scope):
        if e.span in self.ambiguous_sums:       # p_i declared, i bound here (familyrange.py)
            raise self.perr(self.ambiguous_sums[e.span], e)
        for bound in () if e.domain else (e.lower, e.upper):     # (j \in [g]: setsums)
            kw = names.keyword_of(bound) if isinstance(bound, (S.Sym, S.Sub)) else None
            info = self.info.get(kw) if kw is not None else None
            if info is not None and info.kind == "def" and self._depends_on_inputs(kw):
                # g = x^T x, then \sum_{j=1}^{g}: read as a size, g was a new input and its
                # definition was never used
                raise self.perr(f"{info.latex} is defined by the document as a value of its "
                                f"variables, so it cannot be the bound of a sum", bound)
            if info is not None and info.kind == "input" and not info.shape and \
                    not info.family and kw in getattr(self, "_declared", ()):
                # \tau \in \mathbb{R}, then \sum_{t=1}^{\tau}: a real number bounds no sum
                raise self.perr(f"{info.latex} is declared a real number, so it cannot be the "
                                f"bound of a sum (the number of its terms): declare it a "
                                f"natural number ({info.latex} \\in \\mathbb{{N}}) or a size",
                                bound)
        if e.written and (e.written in self.info or any(
                kw == e.written or kw.startswith(e.written + "_") for kw in self.info)):
            raise self.perr(f"\\{e.written} with limits reads as a summation sign here, but "
                            f"\\{e.written} is also declared: write \\sum for the sum, or the "
                            f"declared \\{e.written} without an index range under it", e)
        if e.part:          # read/build.py merges every condition part into its binding
            raise self.perr("a condition under this sum restricts no index it binds", e)
        if e.domain:
            self.domain_note(e)
        if e.excluded is not None:              # \sum_{j \ne i} (setsums.py)
            return self.excluding(e, scope)
        if e.compare is not None:
            return self.expr(self._compared(e, scope), scope)
        if e.kind == "sum" and not e.indices and e.lower is None and e.upper is None and \
                e.over is None:
            return self._bare_sum(e, scope)
        unrolled = self._unrolled(e, scope)
        if unrolled is not None:
            return self.expr(unrolled, scope)
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
                d = dim_expr(hi - lo + 1)
            if d is None:
                d = self._range_from_body(kw, e.body)
            if d is None and e.lower is None and e.upper is None:
                d = self.inferred_range(e, kw)      # an entrywise definition it indexes
            inner[kw] = Cell(d)
            self.preset_origin(kw, e.body, inner[kw])
            idx.append((kw, i))
        word = _index_word(e)
        if word and all(inner[kw].dim is None for kw, _ in idx) and not (
                {kw for kw, _ in idx} & {names.keyword_of(n) for n in walk_syntax(e.body)
                                         if isinstance(n, S.Sym)}):
            # \sum_{bonds}: the letters of a word, none with a range or in the terms
            raise self.perr(f"\\{e.kind}_{{{word}}} runs over a set named by the word "
                            f"'{word}', which the text does not define (read as the indices "
                            f"{', '.join(kw for kw, _ in idx)}, none of them has a range): "
                            f"write its index and its set, e.g. \\{e.kind}_{{b \\in B}} with "
                            f"B declared", e)
        if e.lower is not None and len(idx) > 1:
            raise self.perr("bounds are only understood on a sum over one index", e)
        lo = self.dim(e.lower, inner) if e.lower is not None else None
        hi = self.dim(e.upper, inner) if e.upper is not None else None
        for bound, syn in ((lo, e.lower), (hi, e.upper)):
            own = {s.name for s in getattr(bound, "free_symbols", ())} & {k for k, _ in idx}
            if own:
                raise self.perr(f"the bound of this {e.kind} over {idx[0][0]} uses {idx[0][0]} "
                                f"itself", syn)
        if len(idx) == 1 and hi is not None \
                and not (hi.free_symbols & {sp.Symbol(k, integer=True, positive=True) for k in inner}):
            inner[idx[0][0]].hint = hi
        elif len(idx) == 1 and inner[idx[0][0]].dim is None and lo is not None and hi is not None:
            # \sum_{j=1}^{i-1} inside [...]_i: a sum in the body whose bounds use j
            # (\sum_{k=j+1}^{M}) needs j's range before anything j indexes is met
            cell = inner[idx[0][0]]
            cell.hint = self._range_from_outer(lo, hi, scope)
            if cell.hint is None:
                cell.where = self._waits_on(lo, hi, scope)
        body = self.materialise(self.expr(e.body, inner), e.body)
        if e.over is not None:                  # \sum_{j \in C_i}: a mask (setsums.py)
            body = self.set_mask(e, body, inner, scope)
        for kw, syn in reversed(idx):
            body = self._reduce(e.kind, body, kw, inner[kw], lo, hi, scope, e)
        return body

    def _bare_sum(self, e, scope):
        """``\\sum`` written with no index and no bounds (``L = \\frac12\\sum(y - \\hat y)^2``,
        ``\\sum x_i^2``). Its summand decides what it sums, and the reader notes it:

        - one index of the summand that nothing binds (``x_i``): the sum over it, its
          range from what it indexes, as if written ``\\sum_i``;
        - two or more such indices: refused, naming them (all of them, or one?);
        - none, and the summand is an array: the sum of all its entries. A square of a
          vector or of a non-square matrix is then its entrywise square (Σ v_i² -- the
          other reading, ‖v‖², summed alone, is the same number); of a square matrix it
          is refused (the matrix power and the entrywise square differ);
        - none, and the summand is a number: refused (a sum over what?)."""
        body = e.body
        try:
            if isinstance(body, S.Pow) and not body.hadamard and \
                    isinstance(body.exp, S.Num) and body.exp.value == "2":
                base = self.materialise(self.expr(body.base, scope), body.base)
                if base.kind == "m" and ir.same_dim(*base.mat_dims()):
                    raise self.perr("this \\sum has no index over the square of a square "
                                    "matrix: the sum of the entries of its matrix square, or "
                                    "of its squared entries (different numbers): write "
                                    "\\sum_{i,j} of the entries meant, or \\|.\\|_F^2", e)
                if base.kind != "s":
                    v = self.expr(dataclasses.replace(body, hadamard=True), scope)
                    return self._entries_summed(v, e, " (its square entrywise: the sum of "
                                                      "the squared entries)")
            v = self.materialise(self.expr(body, scope), body)
        except UnboundIndex as err:
            free = err.index
            widened = dataclasses.replace(e, indices=(S.Sym(free, span=e.span),))
            try:
                out = self.x_BigOp(widened, scope)
            except UnboundIndex as again:
                raise self.perr(f"this \\sum has no index, and its terms have two indices "
                                f"nothing binds, {free} and {again.index}: write the sum "
                                f"over the ones meant, e.g. \\sum_{{{free},{again.index}}}",
                                e) from None
            self.note(e, f"\\sum with no index: the sum over {free}, the one index of its "
                         f"terms that nothing else binds", "inferred")
            return out
        return self._entries_summed(v, e, "")

    def _entries_summed(self, v, e, how):
        if v.kind == "s":
            raise self.perr("this \\sum has no index and its terms are a number: write the "
                            "index it runs over and its range, e.g. \\sum_{i=1}^{n}", e)
        if set(v.labels) != set(v.mat):
            raise self.perr("this \\sum has no index, and its terms are indexed by a family: "
                            "write the index it runs over", e)
        self.note(e, f"\\sum with no index over an array: the sum of all its entries{how}",
                  "inferred")
        return Val(contract((v.node,), (v.labels,), ()), (), (), False)

    def _unrolled(self, e, scope):
        """``\\sum_{k=0}^{p-1} (X^T)^{k} G (X^T)^{p-1-k}`` (the printed gradient of a matrix
        power, `ops/matpow.py`) as the sum of its terms: a sum over one index with integer
        bounds whose index appears only in exponents (where no array is indexed by it, so
        the index-notation reading has nothing to run over) is the sum of the body at each
        value; None for any other sum."""
        if e.kind != "sum" or len(e.indices) != 1 or e.lower is None or e.upper is None \
                or e.over is not None or e.excluded is not None or e.compare is not None:
            return None
        kw = names.keyword_of(e.indices[0])
        if kw is None or kw in scope or not _only_in_exponents(e.body, kw):
            return None
        try:
            lo, hi = self.dim(e.lower, scope), self.dim(e.upper, scope)
        except MatcalcError:
            return None
        if not (getattr(lo, "is_Integer", False) and getattr(hi, "is_Integer", False)) \
                or lo < 0 or hi < lo or hi - lo >= UNROLL_TERMS:
            return None
        terms = [_with_value(e.body, kw, int(v)) for v in range(int(lo), int(hi) + 1)]
        out = terms[0]
        for t in terms[1:]:
            out = S.BinOp(S.ADD, out, t, span=e.span)
        return out

    def _compared(self, e, scope):
        """``\\sum_{i<j}`` as the sums it stands for: with j bound by an enclosing sum, one
        sum over i with a bound (i runs 1..j-1); with neither bound, a sum over each index,
        the second's range starting past the first (\\sum_i \\sum_{j=i+1}). Also ``\\le``,
        ``>``, ``\\ge``. Either index already bound on its own left side is an error."""
        rel, other = e.compare
        (mine,) = e.indices
        a, b = names.keyword_of(mine), names.keyword_of(other)
        if a is None or b is None or a == b:
            raise self.perr("a comparison under a sum must be between two index names", e)
        one = S.Num("1", span=e.span)
        if e.lower is not None or e.upper is not None:
            return self._compared_within(e, scope, b, one)
        if a in scope and b in scope:
            raise self.perr(f"both {a} and {b} are already bound by enclosing sums", e)
        if b in scope or a in scope:
            run, fixed, rel = (mine, other, rel) if b in scope else (
                other, mine, {"<": ">", ">": "<", "<=": ">=", ">=": "<="}[rel])
            bound = fixed if "=" in rel else S.BinOp(S.SUB if rel[0] == "<" else S.ADD,
                                                       fixed, one, span=e.span)
            lower, upper = (None, bound) if rel[0] == "<" else (bound, None)
            return S.BigOp(e.kind, (run,), lower, upper, e.body, span=e.span)
        # the smaller index outside, the larger one's range starting past it
        small, large = (mine, other) if rel[0] == "<" else (other, mine)
        start = small if "=" in rel else S.BinOp(S.ADD, small, one, span=e.span)
        inner = S.BigOp(e.kind, (large,), start, None, e.body, span=e.span)
        return S.BigOp(e.kind, (small,), None, None, inner, span=e.span)

    def _range_from_body(self, kw, body):
        """The length of the axis index kw runs over, read from a declared input or a
        definition of known shape that the body indexes with it (``u_i``; ``h_i`` of
        h = A u), so that a sum inside the body whose bounds use kw (``\\sum_{k=i+1}^{n}``)
        knows it before the term that indexes u is lowered; None if nothing of known shape
        is indexed by kw. Binding still checks every use."""
        for node in walk_syntax(body):
            if not (isinstance(node, S.Sub) and isinstance(node.base, S.Sym)):
                continue
            info = self.info.get(names.keyword_of(node.base))
            if info is None or info.kind not in ("input", "def") or not info.shape or \
                    names.keyword_of(node) in self.info:
                continue
            try:
                items = self._sub_items(node)
            except MatcalcError:
                continue
            if len(items) > len(info.shape):      # a_{i,j} of a stacked vector: unstacked
                continue
            for pos, (index, _) in enumerate(items):
                if index == kw:
                    return info.shape[pos]
        return None

    def _reduce(self, kind, v, kw, cell, lo, hi, scope, e):
        """Sum or multiply `v` over index `kw` (bounds lo..hi, 1-based, inclusive)."""
        outer = [s for s in getattr(lo, "free_symbols", set()) | getattr(hi, "free_symbols", set())
                 if s.name in scope and s.name != kw]
        if cell.dim is None:
            if hi is None or lo is None:
                raise self.perr(f"cannot tell the range of index {kw}: it indexes no array "
                                f"and the sum gives no bounds", e)
            if not outer:
                cell.dim = hi
        n = cell.dim
        written = (lo, hi)
        lo, hi = self.bound_positions(cell, lo, hi, outer, kind, kw, e)
        lo = sp.Integer(1) if lo is None else lo
        hi = n if hi is None else hi
        if dim_expr(hi - lo + 1).is_negative:
            # \sum_{k=3}^{1} c was the count -1, -c (an empty sum is 0, or a typo)
            raise self.perr(f"the {kind} over {kw} runs from {lo} down to {hi}: write its "
                            f"bounds from the first entry to the last", e)
        if kw not in v.labels and outer:
            n = self._count_range(kind, cell, lo, hi, outer, scope)
            if n is None:
                raise self.perr(f"a {kind} over {kw} with bounds depending on another "
                                f"index and a body that does not use {kw} is read only as a "
                                f"count (a sum) whose bounds are linear in that index and "
                                f"start at 1 or later", e)
        if kw not in v.labels and not outer:
            count = dim_expr(hi - lo + 1)
            if kind == "sum":
                return self._scale_sym(v, count)
            return Val(pow_(v.node, Const(count, ())), v.labels, v.mat, v.row)
        if dim_expr(lo - 1).is_negative or dim_expr(hi - n).is_positive:
            # \sum_{i=0}^{n} x_i over x in R^n: entries are numbered 1..n, so the text
            # counts from 0 (x_0 .. x_{n-1}?) or runs past the end; either way a reading
            # would drop or invent a term
            raise self.range_refusal(kind, kw, lo if written[0] is None else written[0],
                                     n if written[1] is None else written[1], n, cell, e)
        full = not outer and dim_expr(lo - 1) == 0 and dim_expr(hi - n) == 0
        if not full and not outer and involves_fresh(n, lo, hi):
            # x_j, j = 1..C, of an undeclared x read with a made-up length n_x (lower.fresh):
            # the whole of x (n_x = C) or its first C entries -- unknown, not a sub-range
            raise self.perr(f"the {kind} over {kw} runs from {lo} to {hi} over an array that is "
                            f"never declared, whose length the document does not fix: all of "
                            f"it ({hi} entries) or a part of a longer one: declare it (e.g. "
                            f"`\\in \\mathbb{{R}}^{{{hi}}}`)", e)
        mask = None
        if not full:
            if len(outer) > 1:
                raise self.perr("bounds may depend on at most one other index", e)
            if outer:
                o = outer[0].name
                ocell = scope[o]
                if ocell.dim is None:
                    ocell.dim = ocell.hint
                if ocell.dim is None and self.lowering:
                    # w_j = \prod_{l=j+1}^{m} ... + v_j: j's range from the definition's v_j
                    ds = self.defsrc.get(self.lowering[-1])
                    if ds is not None:
                        ocell.dim = self._range_from_body(o, ds.stmt.value)
                if ocell.dim is None:
                    what = "sum" if kind == "sum" else "product"
                    raise self.perr(f"cannot tell the range of index {o}: the bounds of "
                                    f"this {what} over {kw} use {o}"
                                    + (f", and {ocell.where}" if ocell.where else ""), e)
                if self._covering(lo, hi, outer[0], ocell.dim, [n]) is None:
                    # \sum_{j=1}^{i+1} x_j over x in R^n, i = 1..n: x_{n+1} is no entry
                    # (a mask would drop the term the text writes)
                    raise self.perr(f"the {kind} over {kw} runs from {lo} to {hi} for {o} = "
                                    f"1..{ocell.dim}, which is not shown to stay within the "
                                    f"entries 1..{n} that {kw} indexes: write bounds that do",
                                    e)
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
                full_labels = union(v.labels, mask[1])
                dims = {**v.dims(), **dict(zip(mask[1], mask[0].shape))}
                m = ir.broadcast(mask[0], mask[1], dims, full_labels)
                xb = ir.broadcast(x, v.labels, dims, full_labels)
                x = add([ir.mul(xb, m), ones(m.shape), m], [1, 1, -1])
                labels = full_labels
            else:
                labels = v.labels
            node = ops.ProdAxis(x, labels.index(kw))
            out = tuple(l for l in labels if l != kw)
        mat = tuple(l for l in v.mat if l in out)
        return Val(node, out, mat, v.row)

    @staticmethod
    def _covering(lo, hi, o, n_o, candidates):
        r"""The first of `candidates` that is a range 1..N holding every entry the bounds
        lo(o)..hi(o) reach for o in 1..n_o (bounds linear in o, so their ends are at o = 1
        and o = n_o; lo >= 1 there); None where no candidate can be shown to."""
        if any(sp.Poly(b, o).degree() > 1 for b in (lo, hi) if b.is_polynomial(o)) or \
                not (lo.is_polynomial(o) and hi.is_polynomial(o)):
            return None
        ends = [(lo.subs(o, x), hi.subs(o, x)) for x in (sp.Integer(1), n_o)]
        if not all(dim_expr(a - 1).is_nonnegative for a, _ in ends):
            return None
        for c in candidates:
            if c is not None and dim_expr(c).is_positive and \
                    all(dim_expr(c - b).is_nonnegative for _, b in ends):
                return c
        return None

    def _range_from_outer(self, lo, hi, scope):
        r"""The range of an index whose bounds lo..hi use one enclosing index o of known
        range 1..n_o: the range of o itself where it holds every entry the bounds reach
        (\sum_{j=1}^{i-1} in [...]_i: j runs over i's range), else the last entry they
        reach; None where the bounds use no or several enclosing indices, or are not
        linear in o."""
        outer = [s for s in lo.free_symbols | hi.free_symbols if s.name in scope]
        if len(outer) != 1:
            return None
        o = outer[0]
        cell = scope[o.name]
        n_o = cell.dim if cell.dim is not None else cell.hint
        if n_o is None:
            return None
        return self._covering(lo, hi, o, n_o, [n_o, hi.subs(o, sp.Integer(1)), hi.subs(o, n_o)])

    @staticmethod
    def _waits_on(lo, hi, scope) -> str:
        """Why a sum's index whose bounds lo..hi use an enclosing index has no range yet:
        that index's range is unknown (and what binds it), for a refusal; "" otherwise."""
        outer = sorted(s.name for s in lo.free_symbols | hi.free_symbols if s.name in scope)
        if len(outer) != 1:
            return ""
        cell = scope[outer[0]]
        if cell.dim is not None or cell.hint is not None:
            return ""
        return (f"its sum runs from {lo} to {hi}, where the range of {outer[0]} is unknown"
                + (f" ({cell.where})" if cell.where else ""))

    def _count_range(self, kind, cell, lo, hi, outer, scope):
        """``\\sum_{k=1}^{i-1} c`` (a body without k, bounds linear in one outer index i):
        the count hi - lo + 1 for each i, made as the 0/1 mask lo(i) <= k <= hi(i) over a
        range k = 1..N that holds every entry the bounds reach (lo >= 1 and hi <= N at both
        ends of i's range, so the mask counts exactly). Sets and returns N (k's range, kept
        if given); None where that cannot be shown (a product, bounds not linear in i)."""
        if kind != "sum" or len(outer) != 1:
            return None
        o = outer[0]
        n_o = scope[o.name].dim if scope[o.name].dim is not None else scope[o.name].hint
        if n_o is None:
            return None
        candidates = [cell.dim] if cell.dim is not None else \
            [hi.subs(o, sp.Integer(1)), hi.subs(o, n_o), n_o]
        c = self._covering(lo, hi, o, n_o, candidates)
        if c is not None:
            cell.dim = c
        return c

    def _scale_sym(self, v, count):
        return Val(contract([v.node, Const(count, ())], [v.labels, ()], v.labels),
                   v.labels, v.mat, v.row)



