"""Lowering subscripts: families and their members, entries ``A_{ij}``, ``[t_k]_{i,j}``,
Kronecker deltas, the entry builder ``[body]_{i,j}``, and binding indices to the axes they
index (which name a written symbol is: naming.py).

Contract: `IndexLowering` methods return `Val`s; an index used where nothing binds it is an
`UnboundIndex`; an axis indexed by an index of another range is a `ShapeError`.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from .. import ir, names, ops
from ..ir import Delta, Mask, Var, contract
from ..notes import excerpt
from ..read import syntax as S
from ..values import Cell, Val, describe, fmt_shape, mlabel, scalar
from .base import LoweringBase, UnboundIndex, walk_syntax


def _letters_then_position(e):
    """``B_{i1}``, ``T_{ij2}``: one-letter indices, then one whole-number position last (the
    column 1 of row i); as [index keywords..., int]. None for anything else: a number first
    (``x_{2i}`` is the entry 2i as often as the pair 2, i) or inside is not read."""
    leaves, stack = [], [e]
    while stack:
        n = stack.pop()
        if isinstance(n, S.BinOp) and n.op == S.MUL:
            stack.extend((n.right, n.left))
        else:
            leaves.append(n)
    *letters, last = leaves
    if not letters or not (isinstance(last, S.Num) and last.value.isdigit()) or \
            not all(isinstance(x, S.Sym) and len(x.name) == 1 for x in letters):
        return None
    return [names.keyword_of(x) for x in letters] + [int(last.value)]


class IndexLowering(LoweringBase):
    """Names, subscripts and indices."""

    def x_Sub(self, e, scope):
        return self.resolve_sub(e, scope)

    def _primed_member(self, e):
        """``x_{i}'`` (the prime after the subscript of a declared input x, x' never
        declared): the transpose of x_i, as ``y'`` of a declared y is (`resolve_name`);
        noted. The `Transpose` to read, or None."""
        base = e.base
        if not (isinstance(base, S.Sym) and base.primes == 1) or \
                names.keyword_of(base) in self.info or names.keyword_of(e) in self.info:
            return None
        plain = dataclasses.replace(base, primes=0)
        pinfo = self.info.get(names.keyword_of(plain))
        if pinfo is None or pinfo.kind != "input":
            return None
        member = S.Sub(plain, e.subs, span=e.span)
        noted = self.__dict__.setdefault("_primes_noted", set())
        if names.keyword_of(base) not in noted:
            noted.add(names.keyword_of(base))
            self.note(e, f"{names.latex_of(base)} is not declared: {names.latex_of(member)}' "
                         f"is read as the transpose of {names.latex_of(member)}", "inferred")
        return S.Transpose(member, span=e.span)

    def _capital_entry(self, e, base, items, scope):
        """``x_{dn}`` where x is no name of the document (not declared or defined) and X is
        a declared matrix, indexed by two bound indices: the entry X_{dn}, the lowercase
        letter for the entries of a matrix, noted -- before x is inferred as a new matrix
        of its own, which would leave the declared X unused (the index ranges are then
        checked against X's: a transposed use is refused, not read). The `Sub` to read
        instead, or None. (One index, ``u_i`` beside a matrix U, is a row or a column:
        refused elsewhere, `infer._refuse_member_of_capital`.)"""
        if not (len(base.name) == 1 and base.name.islower() and base.accent is None and
                base.layer is None and not base.primes and base.sup is None):
            return None
        cap = dataclasses.replace(base, name=base.name.upper())
        info = self.info.get(names.keyword_of(cap))
        idx = self._index_names(items)
        if info is None or info.kind != "input" or info.family or info.shape is None or \
                len(info.shape) != 2 or len(items) != 2 or len(idx) != 2 or \
                not all(i in scope for i in idx):
            return None
        written = excerpt(self.src, e.span)
        if not written.startswith(base.name + "_"):
            written = names.latex_of(e)
        entry = info.latex + written[len(base.name):]
        reason = (f"{names.latex_of(base)} is not declared: {written} is read as the "
                  f"entry {entry} of the declared matrix "
                  f"{info.latex} (a lowercase letter for the entries of a matrix)")
        if not any(n.reason == reason for n in self.notes):
            self.note(e, reason, "inferred")
        return S.Sub(cap, e.subs, span=e.span)

    def resolve_sub(self, e, scope):
        if self._apply_is_product(e.base):
            # x_i (B)_{ij} is x_i · (B)_{ij}, not (x_i B)_{ij}: the subscript is (B)'s
            inner = S.Sub(e.base.args[0], e.subs, span=e.span)
            return self.product(self.expr(e.base.func, scope), self.expr(inner, scope), e)
        self._refuse_nested_index(e, scope)
        marked = self.vec_mark(e)
        if marked is not None:
            e = marked
        e = self._sup_then_sub(e, scope)
        member = self.layer_member(e, scope)
        if member is not None:
            e = member
        primed = self._primed_member(e)
        if primed is not None:
            return self.x_Transpose(primed, scope)
        kw = names.keyword_of(e)
        if kw is not None and kw in self.info and kw not in scope:
            return self.resolve_name(kw, e, scope)
        base = e.base
        items = self._sub_items(e)
        if isinstance(base, S.Sym) and base.name == "delta" and "delta" not in self.info:
            return self._delta(e, items, scope)
        if isinstance(base, S.Sym) and base.name == "I" and "I" not in self.info \
                and len(e.subs) == 1:
            n = self.size(e.subs[0])
            a, b = mlabel(), mlabel()
            return Val(Delta(n), (a, b), (a, b))
        own = self._own_index_bracket(e, items, scope)
        if own is not None:
            return own
        if isinstance(base, S.Sym):
            bkw = names.keyword_of(base)
            info = self.info.get(bkw)
            stated = self.stated_member(e, base, items, scope)
            if stated is not None:                  # "a_i^T is the i-th row of A"
                node, row, latex = stated
                return self._index(node, [None] * node.rank, items, e, scope, latex,
                                   row=row)
            if info is None and bkw not in self.defsrc:
                capital = self._capital_entry(e, base, items, scope)
                if capital is not None:             # x_{dn} of the declared X
                    return self.resolve_sub(capital, scope)
            if info is None and bkw is not None and bkw not in self.functions and \
                    any(i in scope for i in self._index_names(items)):
                info = self.adopt_inferred(bkw, base)
            if info is None:
                if kw is not None and all(i not in scope for i in self._index_names(items)):
                    return self.resolve_name(kw, e, scope)
                return self.resolve_name(bkw, base, scope)  # raises unknown name
            if info.kind in ("dim", "natural"):
                raise self.perr(f"{info.latex} is a number and cannot be indexed", e)
            node = self.define(bkw) if info.kind == "def" else Var(bkw, tuple(info.shape))
            row = info.row
            if node.rank == 2 and len(items) == 1 and not info.family:
                row = self.orient_member(e, info.latex, node.shape)   # X_i: rows.py
                if self.member_axis == "column" and ir.same_dim(*node.shape):
                    node = ir.transpose(node)       # column i of a square X (rows.py)
            return self._index(node, [None] * node.rank, items, e, scope, info.latex,
                               row=row, array=bkw)
        free = [i for i in self._index_names(items) if i not in scope]
        if free and len(free) == len(items) and len(set(free)) == len(free):
            built = self._entry_builder(base, free, scope, e)
            if built is not None:
                return built
        v = self.materialise(self.expr(base, scope), base)
        return self._index_val(v, items, e, scope)

    def own_index_bracket(self, e, scope) -> bool:
        """Is `e` ``\\left[i\\right]_{i}`` (as `ops.IndexValue` prints): a bracket around a
        bare name subscripted by that same name, the name neither declared, defined nor
        bound here -- the vector whose entry i is the number i? (Without the brackets,
        i_i is a name.) Shape inference asks too (`infer.sub`)."""
        base = e.base
        if not (isinstance(base, S.Sym) and len(e.subs) == 1 and isinstance(e.subs[0], S.Sym)
                and not (base.accent or base.primes or base.layer)):
            return False
        kw = names.keyword_of(base)
        if kw is None or names.keyword_of(e.subs[0]) != kw or kw in scope or \
                kw in self.info or kw in self.defsrc or names.keyword_of(e) in self.info:
            return False
        sub, lines = e.subs[0].span, self.src.splitlines()
        if not (base.span.end_line == sub.line and 1 <= sub.line <= len(lines)):
            return False
        between = lines[sub.line - 1][base.span.end_column - 1:sub.column - 1]
        return any(c in between for c in ")]")

    def _own_index_bracket(self, e, items, scope):
        """`own_index_bracket`'s vector (1, ..., n), n from the bracket's context; or None."""
        if not self.own_index_bracket(e, scope):
            return None
        return self._entry_builder(e.base, [items[0][0]], scope, e)

    def _sup_then_sub(self, e, scope):
        """``k^s_{ij}`` (TeX: k with superscript s and subscript ij) where neither k nor s is
        a declared name or a number: the name k^s indexed by ij, not the power k^s indexed
        (nothing to raise to a power). Else e unchanged."""
        named = self.sup_name(e.base) if isinstance(e.base, S.Pow) else None
        if not isinstance(named, S.Sym):
            return e
        if names.keyword_of(named) not in self.info and any(
                names.keyword_of(x) in self.info or names.keyword_of(x) in scope
                for x in (e.base.base, e.base.exp)):
            return e
        return S.Sub(named, e.subs, span=e.span)

    def _refuse_nested_index(self, e, scope):
        """``v_{w_k}`` inside a sum over k: the subscript ``w_k`` is no index, and reading it
        as part of a name makes one vector where the text means one per k (the sum then
        counts one term K times). Refused, naming the index."""
        for sub in e.subs:
            if not isinstance(sub, S.Sub) or names.keyword_of(sub) in scope:
                continue
            bound = [names.keyword_of(n) for n in walk_syntax(sub)
                     if isinstance(n, S.Sym) and names.keyword_of(n) in scope]
            if bound:
                raise self.perr(f"{names.latex_of(e)}: its subscript "
                                f"{names.latex_of(sub)} depends on the index {bound[0]} bound "
                                f"here, so it is not one name; a family indexed through a "
                                f"nested subscript is not supported: write it with its own "
                                f"index ({names.latex_of(e.base)}_{bound[0]}, declared over "
                                f"the range of {bound[0]})", e)

    def _entry_builder(self, body, free, scope, e):
        """``[\\sum_k A_{ik} B_{kj}]_{i,j}``: the array whose entry (i, j) is the bracket's
        body, read with its subscripts bound inside (as matcalc prints index notation); a
        subscript that indexes no array in the body (``[\\sum_{j=1}^{i} x_j]_i``) runs over
        the length the context gives the bracket (shape inference). A subscript the body
        does not carry at all (``[x_i]_{i,j}``) makes the array constant along it, over the
        length the document's range or the context gives it; where neither does, refused
        naming the index and the bracket. None when the body uses none of the subscripts
        as free indices."""
        inner = dict(scope)
        for i in free:
            # the range before the body is lowered: a sum in it whose bounds use i
            # (\sum_{j=1}^{i-1}) needs it before the u_i that would bind it is met
            inner[i] = Cell(self._range_dim(i, body) if i in self.ranges else
                            self.inferred_range(e, i) or self._range_from_body(i, body),
                            where=f"the bracket [\\ldots]_{{{','.join(free)}}} binds {i}: "
                                  f"no declared input its body indexes with {i}, nor the "
                                  f"shape the context gives the bracket, says how far {i} "
                                  f"runs")
        try:
            v = self.materialise(self.expr(body, inner), body)
        except UnboundIndex:
            return None
        if v.mat or not any(i in v.labels for i in free) or len(free) > 2:
            return None
        for i in free:
            if i not in v.labels:
                v = self._constant_along(v, i, inner[i].dim, free, e)
        new = tuple(mlabel() for _ in free)
        labels = tuple(new[free.index(l)] if l in free else l for l in v.labels)
        return Val(v.node, labels, new)

    def _constant_along(self, v, i, dim, free, e):
        """The entry `v` of a bracket ``[body]_{free}`` whose body lacks index i, broadcast
        along i (length `dim`): every entry along i is the body."""
        if dim is None:
            raise self.perr(f"the bracket [...]_{{{','.join(free)}}} does not use its index "
                            f"{i} in its body, so it is constant along {i}, but nothing says "
                            f"how far {i} runs: declare {i} = 1,\\dots,n, or write the "
                            f"constant direction with a \\mathbf{{1}}_n", e)
        node = ir.broadcast(v.node, v.labels, {**v.dims(), i: dim}, v.labels + (i,))
        return Val(node, v.labels + (i,), v.mat, v.row)

    def _sub_items(self, e):
        items = []
        for s in e.subs:
            if isinstance(s, S.BinOp) and s.op == S.MUL:
                parts = self._juxt_syms(s)
                if parts is None:
                    parts = _letters_then_position(s)
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
        return ops.Reshape(node, node.shape[:axis] + tuple(dims) + node.shape[axis + 1:])

    def _index(self, node, labels, items, e, scope, latex, row=False, array=None):
        """Index the leading axes of `node` by `items`; the rest become matrix axes. A
        numeric index (``x_1``) selects one position, counted as the axis of input `array`
        is numbered (`numbering`: from 0 where the text fixes it); one that is no entry is
        refused. More indices than axes unstack the last indexed axis (see `_unstack`)."""
        origins = self.axis_origins(array, e) if array is not None else ()
        plain = isinstance(node, Var) and node.name == array
        if 0 in origins and not plain:
            raise self.perr(f"{latex} is numbered from 0 (as a sum over its entries fixes), "
                            f"and indexed here as an array of another form: not read", e)
        if len(items) > node.rank and node.rank >= 1:
            split = self._unstack(node, node.rank - 1, items[node.rank - 1:], scope)
            if split is not None and 0 in origins:
                raise self.perr(f"{latex} is numbered from 0, and indexed here by more "
                                f"indices than it has axes: not read", e)
            node = split if split is not None else node
        if len(items) > node.rank:
            raise self.serr(f"{latex} has {node.rank} axes {fmt_shape(node.shape)} but is "
                            f"indexed by {len(items)} indices", e)
        ops_, idx, given = [node], [None], []
        for axis, ((index, syn), d) in enumerate(zip(items, node.shape)):
            origin = origins[axis] if axis < len(origins) else 1
            if isinstance(index, int):
                lab = mlabel()
                pos = self.entry_position(index, d, origin, latex, syn)
                ops_.append(Mask((d,), pos, pos))
                idx.append((lab,))
                given.append(lab)
            else:
                self._bind(index, d, syn, scope)
                if array is not None:
                    self.bind_origin(scope[index], index, origin, latex, syn)
                given.append(index)
        rest = tuple(mlabel() for _ in node.shape[len(items):])
        if len(rest) > 2:
            raise self.serr(f"{latex} indexed this way is an array of order {len(rest)}", e)
        all_labels = tuple(given) + rest
        idx[0] = all_labels
        keep = tuple(dict.fromkeys(l for l, (i, _) in zip(given, items)
                                   if isinstance(i, str))) + rest
        row = row and len(rest) == 1
        if len(ops_) == 1 and keep == all_labels:
            return Val(node, all_labels, rest, row)
        return Val(contract(ops_, idx, keep), keep, rest, row)

    def _index_val(self, v, items, e, scope):
        """Index the matrix axes of an expression: ``[t_k]_{i,j}``, ``(AB)_{ij}``."""
        if len(items) > len(v.mat) and len(v.mat) == 1:
            axis = v.labels.index(v.mat[0])
            split = self._unstack(v.node, axis, items, scope)
            if split is not None:
                new = tuple(mlabel() for _ in items)
                labels = v.labels[:axis] + new + v.labels[axis + 1:]
                v = Val(split, labels, new)
        if len(items) > len(v.mat):
            raise self.serr(f"{describe(v)} cannot take {len(items)} indices", e)
        ops_, idx, ren, drop = [v.node], [None], {}, set()
        dims = v.dims()
        for (index, syn), lab in zip(items, v.mat):
            if isinstance(index, int):
                pos = self.entry_position(index, dims[lab], 1, describe(v), syn)
                ops_.append(Mask((dims[lab],), pos, pos))
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
        if d is None:                   # \sum_{i=1}^{n} \sum_{j=1}^{n} \delta_{ij}: the bounds
            hints = [c.hint for c in (ca, cb) if c.hint is not None]
            if len(hints) == 2 and not ir.same_dim(*hints):
                raise self.perr(f"the indices of this \\delta run over 1..{hints[0]} and "
                                f"1..{hints[1]}: a Kronecker delta needs one range", e)
            d = hints[0] if hints else None
        if d is None:
            raise self.perr("cannot tell the range of the indices of this \\delta", e)
        self._bind(a, d, sa, scope)
        self._bind(b, d, sb, scope)
        if a == b:
            return scalar(1)
        return Val(Delta(d), (a, b), ())
