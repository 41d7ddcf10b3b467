"""Matrix products recovered from a contraction's connected operands (a mixin of
`matrix.MatrixNotation`): a chain read left to right with transposes, ``1ᵀ`` where a
summed axis meets no other operand, ``Tr`` for a cycle, ``u vᵀ`` for an outer product.

Contract: `ChainNotation._chain(comp, free, out)` returns (text, precedence) or None when
the component is not a chain.
"""
from __future__ import annotations

from .. import ops
from ..ir import Add, Const, Contract, Delta, Map, Mask, Pow, Ref, Var
from .style import _Eye, ADD, ATOM, COLON, MUL, POW, _neg


def carried_length(node, axis) -> bool:
    """Does the printed `node` show the length of its axis `axis` -- through a name (a
    declared or defined array) along that axis, which the reader sizes it by? Not where
    only constants, 0/1 masks and deltas run along it (an entry builder
    ``[\\prod_j (1 + \\sum_{k=i+1}^{n} \\delta_{jk})]_i`` takes its length from where it
    stands). An op without `axis_sources` is taken to show it."""
    if isinstance(node, (Var, Ref)):
        return True
    if isinstance(node, (Const, Mask, Delta)) or not node.shape:
        return False
    if isinstance(node, Map):
        return carried_length(node.arg, axis)
    if isinstance(node, Pow):
        return carried_length(node.base, axis) or \
            (node.exp.shape == node.shape and carried_length(node.exp, axis))
    if isinstance(node, Add):
        return any(carried_length(t, axis) for t in node.terms)
    if isinstance(node, Contract):
        label = node.out[axis]
        return any(carried_length(op, k) for op, labels in zip(node.ops, node.idx)
                   for k, l in enumerate(labels) if l == label)
    sources = getattr(ops.NODE_OPS.get(type(node)), "axis_sources", None)
    if sources is None:
        return True
    return any(carried_length(n, k) for n, k in sources(node, axis))


class ChainNotation:
    """Mixin of `MatrixNotation`: chains of matrix products."""

    def _chain(self, comp, free, out):
        """Render one connected component (a path or a cycle of groups) as a matrix
        product. A component holding out[1] alone is walked from its far end, so it reads
        as a row (the right factor of an outer product)."""
        special = self._isolated(comp, free)
        if special is not None:
            return special
        by_label = {}
        for g in comp:
            for l in g["labels"]:
                by_label.setdefault(l, []).append(g)
        vectors = [g for g in comp if len(g["labels"]) == 1]
        ends = [l for l, gs in by_label.items() if len(gs) == 1 and
                not (len(gs[0]["labels"]) == 1)]
        row_factor = len(free) == 1 and len(out) == 2 and free[0] == out[1]
        # choose where to start
        if free and not row_factor:
            start = ("label", free[0])
        else:
            far_vectors = [g for g in vectors if not (free and g["labels"][0] in free)]
            far_ends = [l for l in ends if l not in free]
            if far_vectors:
                start = ("group", far_vectors[0])
            elif far_ends:
                start = ("label", far_ends[0])
            elif free:
                start = ("label", free[0])  # a lone vector carrying the free label
            else:
                start = ("cycle", comp[0])
        parts, visited, squares = [], set(), set()   # squares: the matrix factors' places
        if start[0] == "group":
            g = start[1]
            s, p = g["text"]
            parts.append(self._t(s, p))
            visited.add(id(g))
            label = g["labels"][0]
        elif start[0] == "cycle":
            g = start[1]
            label = g["labels"][0]
        else:
            label = start[1]
            if label not in free:
                parts.append((self._ones((_dim_of(by_label[label][0], label),))[0] + self.t["T"], POW))
        while True:
            if start[0] == "cycle" and not parts:
                g = start[1]
            else:
                cand = [h for h in by_label.get(label, []) if id(h) not in visited]
                if not cand:
                    if start[0] != "cycle" and label not in free and parts and \
                            not (len(visited) and any(len(h["labels"]) == 1 and id(h) in visited
                                                      and h is not start[1] for h in comp)):
                        parts.append(self._ones((_dim_of(by_label[label][0], label),)))
                    break
                g = cand[0]
            visited.add(id(g))
            s, p = g["text"]
            if len(g["labels"]) == 1:
                parts.append((s, p) if not row_factor or parts else self._t(s, p))
                break
            a, b = g["labels"]
            if g.get("diag") or label == a:
                parts.append((s, p))
                label = b if label == a else a
            else:
                parts.append(g.get("text_t") or self._t(s, p))
                label = a
            if not g.get("diag"):
                squares.add(len(parts) - 1)
        if len(visited) != len(comp):
            return None
        parts = self._powers(parts, squares)
        if len(parts) > 1:
            parts = [pt for pt in parts if not isinstance(pt[0], _Eye)] or parts[:1]
        text = self.juxt(self._wrap(s, p, MUL + 1 if p == MUL else MUL)
                                  for s, p in parts) if len(parts) > 1 else parts[0][0]
        prec = MUL if len(parts) > 1 else parts[0][1]
        if start[0] == "cycle":
            return f"{self.t['tr']}{self.t['lp']}{text}{self.t['rp']}", ATOM
        return text, prec

    def _powers(self, parts, squares):
        """A run of k equal matrix factors as one power, X X as X^2: the same text is the
        same matrix (the renderer is deterministic), and {tanh(X)}^2 as written stays
        linear in size where nested squares would double the text per level."""
        out, k = [], 0
        while k < len(parts):
            run = 1
            while k + run < len(parts) and k in squares and k + run in squares and \
                    parts[k + run] == parts[k] and not isinstance(parts[k][0], _Eye):
                run += 1
            s, p = parts[k]
            inv = self.t["inv"]
            if run > 1 and p == POW and s.endswith(inv) and len(s) > len(inv):
                # X^{-1} X^{-1} as X^{-2}: the inverse's base is already set off for a power
                base = s[: -len(inv)]
                out.append((f"{base}^{{-{run}}}" if self.is_latex else f"{base}^(-{run})", POW))
            elif run > 1:
                base = s if p >= ATOM and not any(c in s for c in "^'ᵀ⁻") else \
                    f"{self.t['lp']}{s}{self.t['rp']}"
                exp = str(run)
                out.append((f"{base}^{{{exp}}}" if self.is_latex else f"{base}^{exp}", POW))
            else:
                out.append((s, p))
            k += run
        return out

    def _isolated(self, comp, free):
        """A colon product A : B, or an inner product xᵀy, of one all-summed group."""
        if len(comp) != 1 or free:
            return None
        g = comp[0]
        members = [(op, ls) for op, ls in g["members"] if not isinstance(op, Const)]
        if g.get("diag") or len(members) != 2 or any(
                isinstance(op, tuple) or (isinstance(op, Pow) and isinstance(op.exp, Const)
                                          and _neg(op.exp.value)) for op, _ in members):
            return None
        (a, la), (b, lb) = members
        if len(g["labels"]) == 1 and isinstance(a, Mask) != isinstance(b, Mask):
            mask, other = (a, b) if isinstance(a, Mask) else (b, a)
            if not carried_length(other, 0):
                return self._masked_sum(mask, other)
        sa, sb = [self._mask_vector(o) if isinstance(o, Mask) else self._r(o) for o in (a, b)]
        if len(g["labels"]) == 1:
            return (f"{self._wrap(sa[0], sa[1], ATOM)}{self.t['T']}"
                    f"{self._wrap(sb[0], sb[1], MUL + 1)}", MUL)
        if tuple(la) != tuple(lb):
            sb = self._t(*sb)
        return (f"{self._wrap(sa[0], sa[1], COLON + 1)}{self.t['colon']}"
                f"{self._wrap(sb[0], sb[1], COLON + 1)}", COLON)

    def _masked_sum(self, mask, v):
        """``\\sum_{i=lo}^{hi} v_i`` for 1_{[lo,hi]}ᵀ v where nothing in v shows its length:
        written as the mask's inner product, neither side would be sized when read back
        (the 0/1 vector takes its length from v, and v from it); the sum's bounds are
        its own."""
        i = self.index_letters(1, dims=list(mask.shape))[0]
        lo, hi = self._mask_bounds(mask, [i])
        s, p = self.entry(v, (i,))
        body = self._wrap(s, p, MUL + 1 if p == MUL else MUL)
        if self.style == "latex":
            return rf"\sum_{{{i}={lo}}}^{{{hi}}} {body}", ADD
        return f"Σ_{i}={lo}..{hi} {body}", ADD


def _dim_of(g, label):
    for op, labels in g["members"]:
        if isinstance(op, tuple):
            op = op[1]
            return op.shape[0]
        if label in labels:
            return op.shape[list(labels).index(label)]
    return g["members"][0][0].shape[0]
