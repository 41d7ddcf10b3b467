"""Lowering sums and products over a set (``\\sum_{j \\in C_i}``, ``\\sum_{(i,j)\\in\\Omega}``,
``\\sum_{i,j \\in S}``), over all but one value (``\\sum_{j \\ne i}``), and over a domain
with a condition (``\\sum_{j \\in [\\![1,N]\\!],\\; j \\neq i}``, ``\\sum_{i,j \\in [N],\\; i<j}``:
read/sumdomain.py).

Contract (`SetSumLowering`, a part of `document.Lowerer`; see `base.LoweringBase`):

- `excluding(e, scope)`: ``\\sum_{j \\ne i} b`` is lowered as ``\\sum_{j=1}^{i-1} b +
  \\sum_{j=i+1}^{n} b`` (a product: the Hadamard product of the two), so the excluded term
  is never evaluated (the masked-sum code never computes it: no ``0^{-s}``).
- `set_mask(e, body, inner, scope)`: the set is not something the document can define,
  so it is read as a 0/1 mask INPUT of the generated function, indexed by the set's own
  subscripts and then the sum's indices, each over its range: ``C_{ij} = 1`` when
  ``j \\in C_i``; ``\\Omega_{ij} = 1`` when ``(i,j) \\in \\Omega``; ``S_{ij} = 1`` when
  ``(i,j) \\in S`` (``i,j \\in S`` is read as a set of index pairs, as ``(i,j) \\in S``).
  The body is multiplied by the mask before the reduction (a product: ``b m + 1 - m``).
  The Python keyword of the mask is the set's name; where that name is already an array
  of the document (``(u,i) \\in M`` with M the ratings matrix), it is ``<name>_set``. A
  note says how the set was read and what to pass. A set subscripted by an index that
  nothing binds, or an index whose range nothing gives, is a located `ParseError`.

- `set_size(e, scope)`: ``|\\Omega|`` of a set a sum runs over is the number of its
  entries, the sum of its mask (``\\frac{1}{|\\Omega|} \\sum_{(d,n) \\in \\Omega}``, corpus 136).

- `excluding` with bounds lo..hi (a domain) is lo..i-1 and i+1..hi, read only where i is
  shown to lie within lo..hi; `_compared_within`: a comparison with a bound index as a
  bound, read only where it stays within the domain; `domain_note`: ``j \\in [N]`` read as
  the integers 1..N, noted (refused where N is declared as an array or value, or defined).

Terms outside the set are computed and multiplied by 0: they must be finite at the inputs
given (a sum over a set does not guard against, e.g., ``\\log 0`` outside it).
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from .. import ir, names
from ..errors import ParseError
from ..ir import Var, contract, dim_expr
from ..notes import excerpt
from ..read import syntax as S
from ..values import Val, fmt_shape
from .base import LoweringBase, UnboundIndex, short_error, union, walk_syntax
from .declarations import Info


def _one(span):
    return S.Num("1", span=span)


class SetSumLowering(LoweringBase):
    """Sums and products over sets and over all values but one (module docstring)."""

    def excluding(self, e, scope):
        """``\\sum_{j \\ne i} b``: the two sub-ranges on either side of i. With bounds (a
        domain, ``\\sum_{j \\in [\\![1,N]\\!],\\; j \\neq i}``: lo..hi), lo..i-1 and
        i+1..hi, which is that domain without i only where i itself stays within lo..hi
        (else the lower part would run past hi): shown, or refused."""
        x, sp_ = e.excluded, e.excluded.span
        if e.lower is not None or e.upper is not None:
            self._excluded_within(e, scope)
        below = dataclasses.replace(e, excluded=None, domain="", lower=e.lower or _one(sp_),
                                    upper=S.BinOp(S.SUB, x, _one(sp_), span=sp_))
        above = dataclasses.replace(e, excluded=None, domain="", upper=e.upper,
                                    lower=S.BinOp(S.ADD, x, _one(sp_), span=sp_))
        op = S.ADD if e.kind == "sum" else S.HADAMARD
        return self.expr(S.BinOp(op, below, above, span=e.span), scope)

    def _excluded_within(self, e, scope):
        """The value a bounded domain excludes (a number, or an enclosing index over
        1..n) lies within its bounds lo..hi; else a located ParseError."""
        (j,) = e.indices
        lo = self.dim(e.lower, scope) if e.lower is not None else sp.Integer(1)
        hi = self.dim(e.upper, scope) if e.upper is not None else None
        x = e.excluded
        kw = names.keyword_of(x) if isinstance(x, (S.Sym, S.Sub)) else None
        if isinstance(x, S.Num) and x.value.isdigit():
            first = last = sp.Integer(int(x.value))
        elif kw is not None and kw in scope:
            last = self.range_from_definition(kw, scope)
            first = sp.Integer(1)
            if last is None:
                raise self.perr(f"the {e.kind} over {names.latex_of(j)} runs over {lo}..{hi} "
                                f"without {kw}, but the range of {kw} is not known here, so "
                                f"it is not shown to lie within {lo}..{hi}: declare it, e.g. "
                                f"`{kw} = 1,\\dots,{hi}`", x)
        elif kw is not None:
            raise self.perr(f"the {e.kind} over {names.latex_of(j)} leaves out {kw}, which no "
                            f"enclosing sum or definition binds", x)
        else:
            raise self.perr(f"the value a {e.kind} over a domain leaves out must be an index "
                            f"of an enclosing sum or definition, or a whole number", x)
        inside = dim_expr(first - lo).is_nonnegative and \
            (hi is None or dim_expr(hi - last).is_nonnegative)
        if not inside:
            raise self.perr(f"the {e.kind} over {names.latex_of(j)} runs over {lo}..{hi} "
                            f"without {names.latex_of(x)}, which runs over {first}..{last}: "
                            f"not shown to lie within {lo}..{hi}, so the terms on either "
                            f"side of it are not that domain; write the ranges", x)

    def _set_indices(self, written, subs, scope) -> list:
        """The keywords of a set's subscripts (C_i: i), each bound by an enclosing sum or
        entrywise definition (in `scope`), else refused at it."""
        outer = []
        for s in subs:
            kw = names.keyword_of(s)
            if kw is None or kw not in scope:
                raise self.perr(f"the set {names.latex_of(written)} is subscripted by "
                                f"{names.latex_of(s)}, which no enclosing sum or entrywise "
                                f"definition binds", s)
            outer.append(kw)
        return outer

    def set_mask(self, e, body: Val, inner: dict, scope: dict) -> Val:
        """`body` (lowered with the sum's indices in `inner`) restricted to the set."""
        base, subs = self._set_parts(e.over)
        set_kw = names.keyword_of(base)
        outer = self._set_indices(e.over, subs, scope)
        idx = [names.keyword_of(i) for i in e.indices]
        labels = tuple(outer) + tuple(idx)
        if len(set(labels)) != len(labels):
            raise self.perr("an index of the sum also subscripts its set", e.over)
        shape = []
        for kw, cell in [(k, scope[k]) for k in outer] + [(k, inner[k]) for k in idx]:
            d = cell.dim if cell.dim is not None else cell.hint
            if d is None:
                raise self.perr(f"cannot tell the range of index {kw} of the sum over "
                                f"{names.latex_of(e.over)}: it indexes no array; declare "
                                f"it, e.g. `{kw} = 1,\\dots,n`", e)
            cell.dim = d
            shape.append(d)
        mask = self._mask_input(e, base, set_kw, tuple(shape), labels, subs, idx)
        out = union(body.index_labels, labels) + body.mat
        dims = {**body.dims(), **dict(zip(labels, shape))}
        if e.kind == "sum":
            node = contract([body.node, mask], [body.labels, labels], out)
        else:                               # \prod over a set: b m + (1 - m)
            b = ir.broadcast(body.node, body.labels, dims, out)
            m = ir.broadcast(mask, labels, dims, out)
            node = ir.add([ir.mul(b, m), ir.ones(m.shape), m], [1, 1, -1])
        return Val(node, out, body.mat, body.row)

    def _set_parts(self, over):
        """(base Sym, subscript items) of a named set: ``C_i`` -> (C, (i,)); ``C_{ij}`` ->
        (C, (i, j)); ``\\Omega`` -> (Omega, ())."""
        if isinstance(over, S.Sym):
            return over, ()
        if isinstance(over, S.Sub) and isinstance(over.base, S.Sym):
            items = []
            for s in over.subs:
                letters = self._juxt_syms(s) if isinstance(s, S.BinOp) else None
                if letters:
                    items.extend(S.Sym(x, span=s.span) for x in letters)
                else:
                    items.append(s)
            return over.base, tuple(items)
        raise self.perr("a sum over a set is read only over a named set (C, C_i, \\Omega); "
                        "write the set's name, or the index range with a 0/1 mask", over)

    def _mask_input(self, e, base, set_kw, shape, labels, subs, idx):
        """The mask input's Var (declared on first use, with a note)."""
        taken = self.info.get(set_kw)
        # the set's own mask, declared by an earlier sum over it, is the same input
        kw = set_kw if taken is None or getattr(taken, "set_mask", False) else f"{set_kw}_set"
        latex = names.latex_of(base) if kw == set_kw else \
            f"{names.latex_of(base)}_{{set}}"
        info = self.info.get(kw)
        if info is not None and info.kind == "input" and getattr(info, "set_mask", False):
            if not all(ir.same_dim(a, b) for a, b in zip(info.shape, shape)) or \
                    len(info.shape) != len(shape):
                raise self.serr(f"the set {latex} is used over index ranges "
                                f"{fmt_shape(shape)} here and {fmt_shape(info.shape)} "
                                f"elsewhere", e.over)
            return Var(kw, tuple(info.shape))
        if info is not None:
            raise self.perr(f"{latex} names the set of a sum and something else", e.over)
        info = Info("input", latex, tuple(shape), 0, e.over)
        info.set_mask = True
        self.info[kw] = info
        written = names.latex_of(e.over)
        member = (f"{idx[0]} \\in {written}" if len(idx) == 1 else
                  f"({', '.join(idx)}) \\in {written}")
        entry = ", ".join(labels)
        clash = "" if kw == set_kw else \
            f" (the name {names.latex_of(base)} is also an array of the document: the set " \
            f"is its own input; pass all ones to sum over every entry)"
        reason = (f"the set {written} is not defined: read as a 0/1 mask input `{kw}` of "
                  f"shape {fmt_shape(shape)}, {kw}[{entry}] = 1 when {member}, else 0{clash}; "
                  f"terms outside the set are computed and multiplied by 0")
        if not any(n.reason == reason for n in self.notes):   # a lowering tried and undone
            self.note(e, reason, "inferred")
        return Var(kw, tuple(shape))

    def set_size(self, e, scope):
        """``|\\Omega|`` where Omega is the set a sum of the document runs over
        (``\\sum_{(d,n) \\in \\Omega}``) and no name of the document: the number of entries
        of the set, the sum of its 0/1 mask (``|C_i|``: over the sum's indices, i bound
        here), noted. The mask is declared by lowering that sum first where it is not yet
        (a sum inside this definition first). None where the bars hold something else; a
        located ParseError where the sum's ranges cannot be told here."""
        if e.kind != "abs" or e.sub is not None or not isinstance(e.arg, (S.Sym, S.Sub)):
            return None
        try:
            base, subs = self._set_parts(e.arg)
        except ParseError:
            return None
        kw = names.keyword_of(base)
        info = self.info.get(kw)
        if kw is None or kw in self.defsrc or kw in scope or \
                (info is not None and not getattr(info, "set_mask", False)):
            return None
        sums = self._sums_over_set(kw)
        if not sums:
            return None
        if info is None:
            try:
                self.expr(dataclasses.replace(sums[0], over=base if not subs else
                                              sums[0].over), scope)
            except UnboundIndex as err:
                # the sum's own errors are its own (raised as they are); one that needs an
                # index bound where it stands cannot be read at the bars
                raise self.perr(f"|{names.latex_of(e.arg)}| is read as the number of "
                                f"entries of the set the sum at line {sums[0].span.line} "
                                f"runs over, but that sum cannot be read here "
                                f"({short_error(err)})", e)
            info = self.info.get(kw)
            if info is None or not getattr(info, "set_mask", False):
                return None
        outer = self._set_indices(e.arg, subs, scope)
        if len(outer) > len(info.shape):
            return None
        labels = tuple(outer) + tuple(f"_size{k}" for k in range(len(info.shape) - len(outer)))
        node = contract([Var(kw, tuple(info.shape))], [labels], tuple(outer))
        reason = (f"|{names.latex_of(e.arg)}|: the number of entries of the set "
                  f"{names.latex_of(e.arg)} that the sum at line {sums[0].span.line} runs "
                  f"over, the sum of its mask `{kw}`")
        if not any(n.reason == reason for n in self.notes):
            self.note(e, reason, "inferred")
        return Val(node, tuple(outer), ())

    def _sums_over_set(self, kw):
        """The sums of the document over the set named `kw`, those of the definition
        being lowered first."""
        here = self.defsrc.get(self.lowering[-1]) if self.lowering else None
        parts = ([here.stmt] if here is not None else []) + list(self.doc.statements)
        out = []
        for part in parts:
            for node in walk_syntax(part):
                if isinstance(node, S.BigOp) and node.over is not None and node not in out:
                    try:
                        b, _ = self._set_parts(node.over)
                    except ParseError:
                        continue
                    if names.keyword_of(b) == kw:
                        out.append(node)
        return out

    def domain_note(self, e):
        """``j \\in [N]`` / ``j \\in [1,N]`` under a sum: read as the integers (a sum runs
        over whole numbers), said in a note."""
        (j,) = e.indices
        for bound in (e.lower, e.upper):
            kw = names.keyword_of(bound) if isinstance(bound, (S.Sym, S.Sub)) else None
            info = self.info.get(kw) if kw is not None else None
            if info is not None and info.kind in ("input", "def"):
                what = "defined" if info.kind == "def" else \
                    "declared as an array" if info.shape else "declared as a value"
                raise self.perr(f"{names.latex_of(j)} \\in {e.domain} under the {e.kind}: "
                                f"{info.latex} is {what}, not a size, so {e.domain} may be "
                                f"the integers up to it or a bracket of that value -- "
                                f"declare a size (`N \\in \\mathbb{{N}}`) or write the range "
                                f"{names.latex_of(j)}=1 to it", bound)
        reason = (f"{names.latex_of(j)} \\in {e.domain} under the {e.kind} read as the "
                  f"integers {names.latex_of(j)} = {self._bound_text(e.lower)}.."
                  f"{self._bound_text(e.upper)}")
        if not any(n.reason == reason for n in self.notes):
            self.note(e, reason, "inferred")

    def _bound_text(self, x) -> str:
        if isinstance(x, S.Num):
            return x.value
        if isinstance(x, (S.Sym, S.Sub)):
            return names.latex_of(x)
        return excerpt(self.src, x.span)

    def _compared_within(self, e, scope, b, one):
        r"""``\sum_{i,j \in [\![1,N]\!],\; i<j}`` (read/sumdomain.py): the sum over j in
        lo..hi with j > i, where i is bound outside, as the sum over max(lo, i+1)..hi --
        i+1 when lo <= 2, as every index is at least 1 -- (j >= i: lo <= 1); with j < i,
        lo..min(hi, i-1), i-1 when i's range 1..n has n - 1 <= hi (j <= i: n <= hi).
        Where that is not shown, a located ParseError."""
        rel, other = e.compare
        (mine,) = e.indices
        if b not in scope:
            raise self.perr(f"the condition {names.latex_of(mine)} {rel} "
                            f"{names.latex_of(other)} names {b}, which no sum or definition "
                            f"binds", e)
        lo = self.dim(e.lower, scope) if e.lower is not None else sp.Integer(1)
        hi = self.dim(e.upper, scope) if e.upper is not None else None
        lower, upper = e.lower, e.upper
        if rel[0] != ">":
            self.range_from_definition(b, scope)
        if rel[0] == ">":
            ok = dim_expr((1 if "=" in rel else 2) - lo).is_nonnegative
            lower = other if "=" in rel else S.BinOp(S.ADD, other, one, span=e.span)
        else:
            cell = scope[b]
            n = cell.dim if cell.dim is not None else cell.hint
            ok = hi is None or (n is not None and
                                dim_expr(hi - n + (0 if "=" in rel else 1)).is_nonnegative)
            upper = other if "=" in rel else S.BinOp(S.SUB, other, one, span=e.span)
        if not ok:
            raise self.perr(f"the {e.kind} over {names.latex_of(mine)} runs over {lo}..{hi} "
                            f"with {names.latex_of(mine)} {rel} {names.latex_of(other)}: "
                            f"the bounds that condition gives are not shown to stay within "
                            f"{lo}..{hi}; write the range", e)
        return S.BigOp(e.kind, (mine,), lower, upper, e.body, span=e.span)

    def range_from_definition(self, kw, scope):
        """The range of an index the enclosing entrywise definition binds, from what its
        value indexes with it (``U_i = \\sum_{j \\ne i} ... x_i``: x's length), set on its
        cell when nothing gave it yet; the cell's range (or None)."""
        cell = scope[kw]
        if cell.dim is None and cell.hint is None and self.lowering:
            ds = self.defsrc.get(self.lowering[-1])
            if ds is not None and kw in ds.indices:
                cell.dim = self._range_from_body(kw, ds.stmt.value)
        return cell.dim if cell.dim is not None else cell.hint
