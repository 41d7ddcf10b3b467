"""Recovering matrix notation from a contraction: operands over the same axes joined by
⊙ (⊘ for negative powers, a colon when everything is summed), chains read as matrix
products with transposes, ``1ᵀ`` for a lone sum, ``Diag(v)`` for a vector shared by a
chain, ``Tr`` for a cycle, ``u vᵀ`` for an outer product, ``‖x‖²`` for a sum of squares,
a pair regrouped first where that gives a chain (W₂ᵀ(W₂H - Y) inside a Hadamard product).

Contract: `MatrixNotation._matrix(tensors, out)` returns (text, precedence) or None when the
contraction has no matrix reading (then `IndexNotation` prints it entrywise).
"""
from __future__ import annotations

import itertools

from .. import ir
from ..ir import Add, Const, Contract, Mask, Pow
from ..symmetric import symmetric
from .chains import ChainNotation, _dim_of
from .style import ATOM, HAD, MUL, POW, _neg, _size


class MatrixNotation(ChainNotation):
    """Mixin of `printer.Renderer`: matrix-notation readings of contractions."""

    def _matrix(self, tensors, out):
        """Matrix-notation reading of a contraction of tensors (scalars excluded), or None."""
        if len(out) > 2 or any(op.rank > 2 or op.rank == 0 or
                               (isinstance(op, Mask) and op.rank == 2) for op, _ in tensors):
            return None  # a 2-D mask is a sum's bounds: index notation reads it
        if not out and len(tensors) == 1 and len(tensors[0][1]) == 2 and \
                tensors[0][1][0] == tensors[0][1][1]:
            # Σ_i M_ii is Tr(M), not diag(M)ᵀ 1
            return f"{self.t['tr']}{self.t['lp']}{self.expr(tensors[0][0])}{self.t['rp']}", ATOM
        split = self._hadamard_split(tensors, out)
        if split is not None:
            return split
        groups = {}
        for op, labels in tensors:
            if len(labels) == 2 and labels[0] == labels[1]:
                op, labels = ("diag", op), (labels[0],)
            key = frozenset(labels)
            groups.setdefault(key, []).append((op, labels))
        groups = [dict(members=m, labels=tuple(out) if set(m[0][1]) == set(out) and
                       len(set(m[0][1])) == len(out) else tuple(m[0][1]))
                  for m in groups.values()]
        fresh = itertools.count()
        # a vector shared by a chain and something else becomes Diag(v)
        for g in list(groups):
            if len(g["labels"]) != 1:
                continue
            a = g["labels"][0]
            others = [h for h in groups if h is not g and a in h["labels"]]
            degree = len(others) + (a in out)
            if degree >= 2 and others:
                a2 = ("diag", next(fresh))
                h = others[-1]
                h["labels"] = tuple(a2 if l == a else l for l in h["labels"])
                h["members"] = [(op, tuple(a2 if l == a else l for l in ls)) for op, ls in h["members"]]
                g["diag"] = True
                g["labels"] = (a, a2)
        degree = {}
        for g in groups:
            for l in g["labels"]:
                degree[l] = degree.get(l, 0) + 1
        for l in out:
            degree[l] = degree.get(l, 0) + 1
        if any(d > 2 for d in degree.values()):
            return None
        for g in groups:
            g["text"] = self._group(g)
            if len(g["labels"]) == 2 and not g.get("diag"):
                g["text_t"] = self._group(dict(g, labels=g["labels"][::-1]))
        # components
        comps, unused = [], list(groups)
        while unused:
            comp = [unused.pop(0)]
            grow = True
            while grow:
                grow = False
                labs = {l for g in comp for l in g["labels"]}
                for g in list(unused):
                    if labs & set(g["labels"]):
                        comp.append(g)
                        unused.remove(g)
                        grow = True
            comps.append(comp)
        factors, out_parts = [], {}
        for comp in comps:
            labs = [l for g in comp for l in g["labels"]]
            free = [l for l in out if l in labs]
            text = self._chain(comp, free, out)
            if text is None:
                return None
            if free:
                out_parts[tuple(free)] = text
            else:
                factors.append(text)
        if len(out) == 2 and (out[0],) in out_parts and (out[1],) in out_parts:
            left, right = out_parts[(out[0],)], out_parts[(out[1],)]
            body = (self.juxt([self._wrap(left[0], left[1], MUL),
                               self._wrap(right[0], right[1], MUL)]), MUL)
            factors.append(body)
        elif out:
            factors.append(out_parts[tuple(out)] if tuple(out) in out_parts else None)
            if factors[-1] is None:
                return None
        if len(factors) == 1:
            return factors[0]
        return self.juxt(self._wrap(s, p, MUL + 1 if p == MUL else MUL)
                                  for s, p in factors), MUL

    def _hadamard_split(self, tensors, out):
        """y ⊙ (X w), not Diag(y) X w: vectors over the one output label, when a chain
        also carries that label, are an entrywise factor of the chain's vector."""
        if len(out) != 1:
            return None
        vecs = [t for t in tensors if t[1] == tuple(out) and not isinstance(t[0], (Const, Mask))]
        rest = [t for t in tensors if t not in vecs]
        if not vecs or not any(out[0] in l for _, l in rest) or \
                any(isinstance(op, Const) and op.value == 1 for op, _ in rest if len(rest) == 1):
            return None
        body = self._matrix(rest, out)
        if body is None:
            return None
        parts = [self._r(op) for op, _ in sorted(vecs, key=lambda t: _size(t[0]))] + [body]
        return self.t["had"].join(self._wrap(a, b, HAD + 1) for a, b in parts), HAD

    def _group(self, g):
        """Text of a group of same-axes operands joined by ⊙ (⊘ for negative powers),
        oriented along g['labels']; Diag(v) for a vector made diagonal."""
        num, den = [], []
        lead = g["labels"] if not g.get("diag") else g["labels"][:1]
        members = sorted(g["members"], key=lambda m: _size(m[0][1] if isinstance(m[0], tuple) else m[0]))
        for op, labels in members:
            if isinstance(op, tuple):  # ("diag", X)
                s = f"{self.t['diagv']}{self.t['lp']}{self.expr(op[1])}{self.t['rp']}"
                num.append((s, ATOM))
                continue
            transposed = len(labels) == 2 and tuple(labels) != tuple(lead) and \
                not symmetric(op, self.symmetric_inputs)
            if transposed and isinstance(op, Add):
                # (A + Bᵀ)ᵀ as Aᵀ + B
                num.append(self._r(ir.add([ir.transpose(t) for t in op.terms], op.coeffs)))
                continue
            if transposed and isinstance(op, Contract):
                # a product read the other way round: (AB)ᵀ as Bᵀ Aᵀ
                num.append(self._r(ir.transpose(op)))
                continue
            if isinstance(op, Pow) and isinstance(op.exp, Const) and _neg(op.exp.value):
                base = ir.pow_(op.base, -op.exp.value)
                s, p = self._r(base)
                den.append(self._t(s, p) if transposed else (s, p))
                continue
            if isinstance(op, Const) and op.value == 1:
                continue  # ones broadcast: implicit in matrix notation
            s, p = self._mask_vector(op) if isinstance(op, Mask) else self._r(op)
            num.append(self._t(s, p) if transposed else (s, p))
        if not num and g.get("diag"):
            # Diag(1_n) is the identity: a chain leaves it out
            return self._r(ir.Delta(_dim_of(g, g["labels"][0]))) if not den else \
                (f"{self.t['diag']}{self.t['lp']}{self._ones_for(g)[0]}{self.t['hdiv']}"
                 f"{self.t['hdiv'].join(self._wrap(d, dp, HAD + 1) for d, dp in den)}"
                 f"{self.t['rp']}", ATOM)
        if not num:
            num = [self._ones_for(g)]
        s = self.t["had"].join(self._wrap(a, b, HAD + 1) for a, b in num) if len(num) > 1 \
            else num[0][0]
        p = HAD if len(num) > 1 else num[0][1]
        for d, dp in den:
            s = f"{self._wrap(s, p, HAD)}{self.t['hdiv']}{self._wrap(d, dp, HAD + 1)}"
            p = HAD
        if g.get("diag"):
            s, p = f"{self.t['diag']}{self.t['lp']}{s}{self.t['rp']}", ATOM
        return s, p

    def _mask_vector(self, node):
        """A 0/1 vector inside matrix notation: 1 on entries lo..hi. (The reader does not
        read this form back; the index-notation form is in `printer._r_Mask`.)"""
        lo, hi = self._num(node.lo), self._num(node.hi)
        if self.style == "latex":
            return rf"\mathbf{{1}}_{{[{lo},\,{hi}]}}", ATOM
        return f"1[{lo}..{hi}]", ATOM

    def _ones_for(self, g):
        """The ones matrix (or vector) a group of broadcast ones stands for, oriented
        along the group's labels: 1_n 1_mᵀ where the group reads (n, m)."""
        op, labels = g["members"][0]
        shape = op.shape
        lead = g["labels"] if not g.get("diag") else g["labels"][:1]
        if len(labels) == 2 and tuple(labels) != tuple(lead):
            shape = shape[::-1]
        return self._ones(shape)

    def _t(self, s, p):
        inv = self.t["inv"]
        if s.endswith(self.t["T"]) and p == POW and not s.startswith(self.t["lp"]):
            return s[: -len(self.t["T"])], ATOM  # (h^T)^T = h
        if s.endswith(inv) and p == POW:
            base = s[: -len(inv)]
            return base + ("^{-T}" if self.style == "latex" else "⁻ᵀ"), POW
        if self.style == "latex" and p >= ATOM and "^" in s and not s.startswith("\\left"):
            return f"{{{s}}}{self.t['T']}", POW  # W^{(2)} transposed: {W^{(2)}}^{T}
        return f"{self._wrap(s, p, ATOM)}{self.t['T']}", POW
