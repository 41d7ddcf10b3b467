"""Zero-based axes: where the document's own text numbers an array's entries from 0.

CS229 writes ``\\theta \\in \\mathbb{R}^{n+1}`` and ``\\sum_{j=0}^{n} \\theta_j x_j``: the
sum over j from 0 to n runs over exactly the n+1 entries of the axis it indexes, so that
axis of \\theta is numbered from 0 (\\theta_0 .. \\theta_n) throughout the document;
``\\sum_{j=1}^{n} |\\theta_j|`` then skips \\theta_0 (the intercept the penalty leaves out),
and a literal \\theta_0 is the first entry. Nothing else fixes a numbering from 0: a sum
from 0 whose count is not the axis's length (``\\sum_{i=0}^{n} x_i`` of x in R^n, or a sum
over an array whose length the text does not give) stays refused, naming both readings.

Contract: `AxisNumbering` is a part of `document.Lowerer`.

- `axis_origins(kw, where)` -- the number (0 or 1) of the first entry of each axis of
  input `kw`, decided for the whole document on first use, before any index is lowered
  (`_survey`): 0 where a sum over one index from 0 to hi, its bounds free of other indices,
  indexes that axis of a declared input whose length is exactly hi + 1; 1 otherwise. An
  axis that one such sum numbers from 0 and another sum, from 1 to its length, from 1 is
  a located `ParseError` naming both (at the first use of that array). A zero-based axis
  is noted once, with the sum that fixes it.
- `preset_origin(kw, body, cell)` -- a sum's index numbered from 0 before its body is
  lowered, where every axis it indexes there is.
- `bind_origin(cell, kw, origin, latex, where)` -- records on an index's `Cell` the
  numbering of an axis it indexes; one index over axes numbered differently is refused.
- `entry_position(index, length, origin, latex, where)` -- the position (from 1) a literal
  subscript selects; one that is no entry (``x_0`` of an axis numbered from 1, ``x_4`` of
  x in R^3) is refused, naming the readings, never read as 0.
- `bound_positions(cell, lo, hi, outer, kind, kw, e)` -- a sum's bounds as positions.
- `range_refusal(...)` -- the error for a sum that runs outside the entries it indexes.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from .. import names
from ..errors import MatcalcError
from ..ir import dim_expr, same_dim
from ..notes import excerpt
from ..read import syntax as S
from .base import LoweringBase, walk_syntax
from .fresh import involves_fresh


def _array_axis(sub, info_of):
    """The (keyword, first axis) a subscript `sub` (``\\theta_j``, ``x_j^{(i)}``) indexes
    with its subscripts, or None: the first axis is 1 past a family member's layer
    superscript (``x^{(i)}_j``: axis 0 is i)."""
    base = sub.base
    if not isinstance(base, S.Sym) or names.keyword_of(sub) in info_of:
        return None
    if base.layer and base.layer.isalpha():
        kw = names.keyword_of(dataclasses.replace(base, layer=None))
        info = info_of.get(kw)
        return (kw, 1) if info is not None and info.family > 0 else None
    kw = names.keyword_of(base)
    return (kw, 0) if kw in info_of else None


class AxisNumbering(LoweringBase):
    """The numbering of each input's axes, decided document-wide (see the module)."""

    def _bound_value(self, e, bound):
        """A sum's bound as SymPy, or None where it uses an index bound around it, an
        array, or anything but numbers and sizes (the survey then ignores the sum)."""
        if isinstance(e, S.Num):
            return sp.Integer(int(e.value)) if e.value.isdigit() else None
        if isinstance(e, (S.Sym, S.Sub)):
            kw = names.keyword_of(e)
            info = self.info.get(kw) if kw is not None else None
            if kw is None or kw in bound or (info is not None and info.kind not in
                                             ("dim", "natural")):
                return None
            sym = sp.Symbol(kw, integer=True, positive=True)
            return self.dim_subst.get(sym, sym)
        if isinstance(e, S.Neg):
            v = self._bound_value(e.arg, bound)
            return None if v is None else -v
        if isinstance(e, S.BinOp) and e.op in ("+", "-", S.MUL):
            a, b = self._bound_value(e.left, bound), self._bound_value(e.right, bound)
            if a is None or b is None:
                return None
            return {"+": a + b, "-": a - b, S.MUL: a * b}[e.op]
        return None

    def _survey(self):
        """(keyword, axis) -> {0: [sums numbering it from 0], 1: [sums from 1 to its
        length]}, over every sum of the document (see the module)."""
        found: dict = {}

        def visit(node, bound):
            if isinstance(node, S.BigOp) and node.kind == "sum" and len(node.indices) == 1:
                kw = names.keyword_of(node.indices[0])
                if kw is not None:
                    self._survey_sum(node, kw, bound, found)
                    bound = bound | {kw}
            for child in S.children(node):
                visit(child, bound)

        for st in self.doc.statements:
            visit(st, frozenset())
        return found

    def _survey_sum(self, e, kw, bound, found):
        if not (isinstance(e.lower, S.Num) and e.lower.value in ("0", "1")) or \
                e.upper is None or e.over is not None or e.excluded is not None:
            return
        hi = self._bound_value(e.upper, bound)
        if hi is None:
            return
        origin = int(e.lower.value)
        for node in walk_syntax(e.body):
            if not isinstance(node, S.Sub):
                continue
            where = _array_axis(node, self.info)
            if where is None:
                continue
            akw, first = where
            info = self.info[akw]
            if info.kind != "input":
                continue
            for p, index in enumerate(self._survey_items(node)):
                axis = first + p
                if index != kw or axis >= len(info.shape):
                    continue
                if same_dim(info.shape[axis], hi + 1 - origin):
                    found.setdefault((akw, axis), {0: [], 1: []})[origin].append(e)

    def _survey_items(self, sub):
        """The indices of a subscript in order (``A_{jk}``: j, k), as the lowering reads
        them (`indexing._sub_items`); () where it cannot be read."""
        try:
            return [index for index, _ in self._sub_items(sub)]
        except MatcalcError:
            return []

    def axis_origins(self, kw, where):
        """The number of the first entry of each axis of input `kw` (a tuple of 0 / 1),
        refusing an axis the text numbers both ways; a zero-based axis is noted."""
        if getattr(self, "_numbering", None) is None:
            self._numbering = self._survey()
        info = self.info.get(kw)
        if info is None or info.kind != "input":
            return ()
        out = []
        for axis in range(len(info.shape)):
            got = self._numbering.get((kw, axis))
            if got is None or not got[0]:
                out.append(1)
                continue
            zero = got[0][0]
            if got[1]:
                one = got[1][0]
                raise self.perr(
                    f"the entries of {info.latex} are numbered two ways: from 0 by "
                    f"{self._sum_text(zero)} at line {zero.span.line}, column "
                    f"{zero.span.column} (entries 0 .. {excerpt(self.src, zero.upper.span)}),"
                    f" and from 1 by {self._sum_text(one)} at line {one.span.line}, column "
                    f"{one.span.column} (entries 1 .. {excerpt(self.src, one.upper.span)}): "
                    f"two readings of the same entries; write one numbering", one)
            self._note_zero_based(info, axis, zero)
            out.append(0)
        return tuple(out)

    def _sum_text(self, e):
        return (f"\\sum_{{{names.latex_of(e.indices[0])}="
                f"{excerpt(self.src, e.lower.span)}}}^{{{excerpt(self.src, e.upper.span)}}}")

    def _note_zero_based(self, info, axis, e):
        last = excerpt(self.src, e.upper.span)
        x = info.latex
        span = f"({x}_0 .. {x}_{{{last}}})" if len(info.shape) == 1 else \
            f"along its axis {axis + 1} (indices 0 .. {last} there)"
        reason = (f"{x} is numbered from 0 {span}, as "
                  f"{self._sum_text(e)} "
                  f"at line {e.span.line}, column {e.span.column} fixes (it runs over all "
                  f"of its entries); every other use of {x} reads the same numbering (a "
                  f"printed \\mathbf{{1}}_{{[a,b]}} still counts positions from 1)")
        if not any(n.reason == reason for n in self.notes):
            self.note(e, reason, "inferred")

    def preset_origin(self, kw, body, cell):
        """Before a sum's `body` is lowered: where every axis its index `kw` indexes in it
        is numbered from 0, the index's `cell` is (so ``j \\theta_j`` takes j's values 0, 1,
        ... though j is met as a number first). Mixed axes are left to `bind_origin`."""
        seen = set()
        for node in walk_syntax(body):
            where = _array_axis(node, self.info) if isinstance(node, S.Sub) else None
            if where is None or self.info[where[0]].kind != "input":
                continue
            origins = self.axis_origins(where[0], node)
            for p, index in enumerate(self._survey_items(node)):
                if index == kw and where[1] + p < len(origins):
                    seen.add((origins[where[1] + p], self.info[where[0]].latex))
        if {o for o, _ in seen} == {0}:
            cell.origin, cell.array = 0, sorted(seen)[0][1]

    def bind_origin(self, cell, kw, origin, latex, where):
        """Record that index `kw` (its `cell`) indexes an axis of `latex` numbered from
        `origin`; refuse an index whose axes are numbered differently (θ_j y_j with θ from
        0 and y from 1 pairs θ's entry j+1 with y's entry j: not one index)."""
        if cell.origin is None:
            cell.origin, cell.array = origin, latex
            if origin == 0 and cell.valued:
                raise self.perr(f"index {kw} is used as a number before it indexes "
                                f"{latex}, numbered from 0: its values are 0, 1, ... or "
                                f"1, 2, ... -- write the number apart from the index", where)
        elif cell.origin != origin:
            raise self.perr(f"index {kw} indexes {cell.array}, numbered from {cell.origin}, "
                            f"and {latex}, numbered from {origin}: entry {kw} is not the "
                            f"same position in both (two numberings for one index); "
                            f"matcalc does not shift an index", where)

    def entry_position(self, index, length, origin, latex, where):
        """The position (counted from 1) that the literal subscript `index` selects on an
        axis of `length` entries numbered from `origin`; refused where it is no entry."""
        pos = index + 1 - origin
        if pos >= 1 and not dim_expr(length - pos).is_negative:
            return sp.Integer(pos)
        if origin == 1 and index == 0:
            raise self.perr(f"{latex}_0: the entries of {latex} are numbered from 1 here "
                            f"(nothing in the text numbers them from 0: a sum from 0 over "
                            f"all of them would): two readings -- the first entry of "
                            f"{latex} numbered from 0, or a name {latex}_0 of its own "
                            f"(declare it, e.g. {latex}_0 \\in \\mathbb{{R}})", where)
        first = 0 if origin == 0 else 1
        raise self.perr(f"{latex}_{{{index}}} is no entry of {latex}, whose entries are "
                        f"numbered {first} to {dim_expr(length - 1 + first)}", where)

    def bound_positions(self, cell, lo, hi, outer, kind, kw, e):
        """The bounds lo..hi (None: not written) of a sum over index `kw` as positions
        counted from 1 on the axis its cell indexes: shifted by one where it is numbered
        from 0. Bounds that use another index, over such an axis, are refused."""
        if getattr(cell, "origin", None) != 0:
            return lo, hi
        if outer:
            raise self.perr(f"the {kind} over {kw} has bounds that use another index, over "
                            f"{cell.array}, numbered from 0: not read", e)
        return (None if lo is None else lo + 1), (None if hi is None else hi + 1)

    def range_refusal(self, kind, kw, lo, hi, n, cell, e):
        """The error for a sum whose bounds (written) lo..hi run outside the n entries
        of the axis `kw` indexes, naming the readings."""
        sym = "\\sum" if kind == "sum" else "\\prod"
        x = getattr(cell, "array", "") or "an array"
        if getattr(cell, "origin", None) == 0:
            return self.perr(f"the {kind} over {kw} runs from {lo} to {hi}, but {x} is "
                             f"numbered from 0 (entries 0 to {dim_expr(n - 1)}, as the "
                             f"text fixes): {x}_{{{hi}}} is no entry; write "
                             f"{sym}_{{{kw}=0}}^{{{dim_expr(n - 1)}}}", e)
        if lo == 0:
            count = dim_expr(hi + 1)
            head = f"the {kind} over {kw} runs from 0 to {hi} ({count} terms)"
            tail = (f"; write {sym}_{{{kw}=1}}^{{{n}}} (matcalc does not shift an index "
                    f"counted from 0 unless the text fixes it)")
            if involves_fresh(n):
                return self.perr(f"{head} over {x}, whose length the text does not give "
                                 f"(read as {n}): two readings -- {x} numbered from 0 with "
                                 f"{count} entries ({kw} = 0 .. {hi}: declare {x} \\in "
                                 f"\\mathbb{{R}}^{{{count}}}), or from 1 (then the "
                                 f"term {kw} = 0 is no entry) (matcalc does not shift an "
                                 f"index counted from 0 unless the text fixes it)", e)
            past = dim_expr(hi + 1 - n)
            extra = f", and the term {kw} = {hi} is no entry" if past.is_number and past \
                else ""
            return self.perr(f"{head}, but {kw} indexes an axis of {x} with {n} entries, "
                             f"which the text does not number from 0 (a sum from 0 over "
                             f"exactly {n} entries would): two readings -- numbered from 0 "
                             f"({kw} = 0 .. {dim_expr(n - 1)}{extra}), or from 1 ({kw} = 1 "
                             f".. {n}, and the term {kw} = 0 is no entry)" + tail, e)
        return self.perr(f"the {kind} over {kw} runs from {lo} to {hi}, but {kw} indexes an "
                         f"axis whose entries are numbered 1 to {n}: write "
                         f"{sym}_{{{kw}=1}}^{{{n}}} (matcalc does not shift an index "
                         f"counted from 0)", e)

