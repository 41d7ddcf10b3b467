"""Index notation, the fallback for what has no matrix reading: the entry of a
contraction with one consistent set of index letters (``\\sum_{j} A_{ij} x_{j}``).

Contract: `IndexNotation._index_notation(tensors, out)` returns (text, precedence);
`_entry(node, idx, used)` the entry of any node at index letters `idx`.
"""
from __future__ import annotations

from .. import ops
from ..ir import Add, Const, Contract, Delta, Map, Pow, Ref, Var
from .style import ADD, ATOM, MUL, NEG, POW, INDEX_LETTERS, _neg


class IndexNotation:
    """Mixin of `printer.Renderer`: entrywise readings."""

    def _index_notation(self, tensors, out):
        """Fallback: the entry of a contraction in index notation, every factor written
        entrywise with one consistent set of index letters."""
        letters = {l: INDEX_LETTERS[k] for k, l in enumerate(out)}
        body = self._entry_contract(tensors, out, letters, set(letters.values()))
        if out:
            idx = ",".join(letters[l] for l in out)
            return ((rf"\left[{body}\right]_{{{idx}}}" if self.style == "latex"
                     else f"[{body}]_{idx}"), ATOM)
        return body, MUL

    def _fresh(self, used):
        for c in INDEX_LETTERS:
            if c not in used:
                used.add(c)
                return c
        c = f"i{len(used)}"
        used.add(c)
        return c

    def _entry_contract(self, tensors, out, letters, used):
        used = set(used)
        summed = []
        for _, labels in tensors:
            for l in labels:
                if l not in letters:
                    letters = {**letters, l: self._fresh(used)}
                    summed.append(letters[l])
        factors = []
        for op, labels in tensors:
            if isinstance(op, Const) and op.value == 1 and op.shape:
                continue
            s, p = self._entry(op, tuple(letters[l] for l in labels), used)
            factors.append(self._wrap(s, p, MUL + 1 if p == MUL else MUL))
        body = self.t["mul"].join(factors) if factors else "1"
        if summed:
            sub = ",".join(summed)
            body = (rf"\sum_{{{sub}}} {body}" if self.style == "latex" else f"Σ_{sub} {body}")
        return body

    def _sub(self, s, idx):
        if not idx:
            return s
        j = "".join(idx) if all(len(i) == 1 for i in idx) else ",".join(idx)
        return f"{s}_{{{j}}}" if self.style == "latex" else f"{s}_{j}"

    def _entry(self, node, idx, used):
        """(text, precedence) of the entry of `node` at index letters `idx`."""
        used = set(used) | set(idx)
        if isinstance(node, (Var, Ref)):
            return self._sub(self.name(node.name), idx), ATOM
        if isinstance(node, Const):
            return self._num(node.value), ATOM if not _neg(node.value) else NEG
        if isinstance(node, Delta):
            return self._sub(r"\delta" if self.style == "latex" else "δ", idx), ATOM
        if isinstance(node, Add):
            parts = []
            for k, (t, c) in enumerate(zip(node.terms, node.coeffs)):
                s, p = self._entry(t, idx, used)
                if isinstance(t, Const):
                    s = self._num(c * t.value)
                    neg = _neg(c * t.value)
                    s = s.lstrip("-") if neg else s
                else:
                    neg = _neg(c)
                    mag = -c if neg else c
                    s = s if mag == 1 else f"{self._num(mag)}{self.t['mul']}{self._wrap(s, p, MUL)}"
                    s = self._wrap(s, p, ADD + 1) if mag == 1 and p <= NEG else s
                parts.append((neg, s))
            text = ("-" if parts[0][0] else "") + parts[0][1]
            for neg, s in parts[1:]:
                text += (" - " if neg else " + ") + s
            return text, ADD
        if isinstance(node, Map):
            f = ops.FUNCTIONS[node.fn]
            arg = self._entry(node.arg, idx, used)[0]
            return f.fill(f.latex if self.is_latex else f.text, arg), ATOM
        if isinstance(node, Pow):
            b, bp = self._entry(node.base, idx, used)
            e = node.exp
            es = self._num(e.value) if isinstance(e, Const) else self.expr(e)
            if self.style == "latex":
                return f"{self._wrap(b, bp, ATOM)}^{{{es}}}", POW
            return f"{self._wrap(b, bp, ATOM)}^{self._wrap(es, ATOM if len(es) == 1 else 0, ATOM)}", POW
        if isinstance(node, Contract):
            letters = dict(zip(node.out, idx))
            tensors = list(zip(node.ops, node.idx))
            return self._entry_contract(tensors, node.out, letters, used), MUL
        s, p = self._r(node)
        if not idx:
            return s, p
        base = s if p >= ATOM else f"{self.t['lp']}{s}{self.t['rp']}"
        return self._sub(base, idx), ATOM
