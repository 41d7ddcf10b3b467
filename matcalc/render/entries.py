"""Index notation, the fallback for what has no matrix reading: the entry of a
contraction with one consistent set of index letters (``\\sum_{j} A_{ij} x_{j}``).

Contract: `IndexNotation._index_notation(tensors, out)` returns (text, precedence);
`_entry(node, idx, used)` the entry of any node at index letters `idx`.
"""
from __future__ import annotations

import contextlib

import sympy as sp

from .. import ir, ops
from ..ir import I0, Add, Const, Contract, Delta, Map, Mask, Pow, Ref, Var, dim_expr
from .style import ADD, ATOM, MUL, NEG, POW, INDEX_LETTERS, _neg


def _label_dims(tensors) -> dict:
    """label -> the length of the axes it labels, over (node, labels) pairs."""
    dims = {}
    for op, labels in tensors:
        for l, d in zip(labels, op.shape):
            dims.setdefault(l, d)
    return dims


def _outside_in(sums, uses) -> list:
    r"""The bounded sums `sums` in the order they are printed, outermost first: a sum whose
    bounds use another of them (the mask of j over (k, j), j = k+1..d) goes inside that
    one, so the reader meets k bound before j's bound names it (\sum_{k=1}^{i-1}
    \sum_{j=k+1}^{d}); otherwise their order is kept."""
    out, left = [], list(sums)
    while left:
        ready = [l for l in left if not any(u in left and u != l for u in uses.get(l, ()))]
        nxt = ready[0] if ready else left[0]    # a cycle is no mask two sums can make
        out.append(nxt)
        left.remove(nxt)
    return out


class _NotVector(Exception):
    """An entry that has no vector reading along the index being dropped."""


class IndexNotation:
    """Mixin of `printer.Renderer`: entrywise readings."""

    def _taken(self) -> set:
        """Letters an index must not be: the document's names and dimensions (an index
        n where n is a dimension reads back as the dimension), and the bases of the
        subscripted ones (n of n_1)."""
        if getattr(self, "_taken_cache", None) is None:
            taken = set()
            p = self.problem
            if p is not None:   # the document's own index letters (i, j) stay free
                taken |= {str(d) for d in getattr(p, "dims", ())}
                for kw in list(p.inputs) + list(p.defs):
                    taken |= {kw, p.latex.get(kw, kw)}
                # nor the base of a subscripted one: an index n makes I_{n_1} depend on it
                taken |= {t.split("_")[0] for t in taken if "_" in t}
            self._taken_cache = taken
        return self._taken_cache

    def index_letters(self, k: int, used=(), dims=None) -> list:
        """k index letters, none of them a name of the document or in `used`; with `dims`
        (the axes' lengths) a letter the document declares as an index (i = 1..n) is used
        only for an axis of its range's length."""
        used = set(used) | self._taken()
        return [self._fresh(used, dims[j] if dims else None) for j in range(k)]

    def _declared_ranges(self) -> dict:
        """LaTeX of each index the document declares (i = 1..n) -> the length of its range."""
        p = self.problem
        return getattr(p, "index_ranges", None) or {} if p is not None else {}

    def entry(self, node, idx, used=()):
        """(text, precedence) of the entry of `node` at the index letters `idx`."""
        return self._entry(node, tuple(idx), set(used) | set(idx))

    def _index_notation(self, tensors, out):
        """Fallback: the entry of a contraction in index notation, every factor written
        entrywise with one consistent set of index letters."""
        dims = _label_dims(tensors)
        letters = dict(zip(out, self.index_letters(len(out), dims=[dims.get(l) for l in out])))
        used = set(letters.values())
        with self._binding(used):
            body = self._entry_contract(tensors, out, letters, used)
        if out:
            idx = ",".join(letters[l] for l in out)
            return ((rf"\left[{body}\right]_{{{idx}}}" if self.style == "latex"
                     else f"[{body}]_{idx}"), ATOM)
        return body, MUL

    def _fresh(self, used, dim=None):
        used |= self._taken()
        for scope in getattr(self, "_scopes", ()):
            used |= scope             # letters an enclosing entry or bracket binds
        used |= set(getattr(self, "_drops", ()))   # a dropped vector index is never reused
        declared = self._declared_ranges() if dim is not None else {}
        for c in INDEX_LETTERS:
            if c in declared and not ir.same_dim(dim, declared[c]):
                continue   # i declared over n reads back as running over n
            if c not in used:
                used.add(c)
                return c
        c = f"i_{{{len(used)}}}"   # i_{35}: reads back as one index (i35 is i times 35)
        used.add(c)
        return c

    def _entry_contract(self, tensors, out, letters, used):
        used = set(used)
        summed = []
        dims = _label_dims(tensors)
        for _, labels in tensors:
            for l in labels:
                if l not in letters:
                    letters = {**letters, l: self._fresh(used, dims.get(l))}
                    summed.append(l)
        # a 0/1 mask over a summed index is the sum's bounds: Σ_{j=lo}^{hi}
        bounds, absorbed, uses = {}, set(), {}
        for k, (op, labels) in enumerate(tensors):
            if not isinstance(op, Mask) or (op.rank == 2 and labels[0] == labels[1]):
                continue
            if labels[-1] in summed and labels[-1] not in bounds:
                bounds[labels[-1]] = self._mask_bounds(op, [letters[l] for l in labels])
                uses[labels[-1]] = labels[:-1]
                absorbed.add(k)
            elif op.rank == 2 and labels[0] in summed and labels[0] not in bounds:
                inv = self._mask_inverse(op, letters[labels[1]])
                if inv is not None:
                    bounds[labels[0]] = inv
                    uses[labels[0]] = labels[1:]
                    absorbed.add(k)
        # scalar algebra (ν^{-1}, 2) is one coefficient, simplified with SymPy
        coeff = sp.Integer(1)
        for k, (op, labels) in enumerate(tensors):
            v = self._scalar_sym(op) if not labels and k not in absorbed else None
            if v is not None:
                coeff *= v
                absorbed.add(k)
        keep = [(op, labels) for k, (op, labels) in enumerate(tensors)
                if k not in absorbed and not (isinstance(op, Const) and op.value == 1 and op.shape)]
        norm = self._entry_norm(keep, summed, bounds, letters, used)
        if norm is not None:
            summed = [l for l in summed if l != norm[1]]
            factors = [norm[0]]
        else:
            factors = []
            outer = [x for x in letters.values() if x in getattr(self, "_drops", ())]
            carriers = 0
            for op, labels in keep:
                before = self._consumed(outer)
                s, p = self._entry(op, tuple(letters[l] for l in labels), used)
                carriers += self._consumed(outer) != before
                factors.append(self._wrap(s, p, MUL + 1 if p == MUL else MUL))
            if outer and carriers != 1:
                raise _NotVector()   # c 1 (no factor is the vector), or z_i ⊙ u (two are)
        body = self.juxt(factors) if factors else "1"
        # an index no array of the body carries (only a bound of another sum uses it,
        # \sum_{j=1}^{n} \sum_{i=j+1}^{n}) is printed with its range: the reader takes an
        # unbounded sum's range from the arrays it indexes
        carried = {l for op, labels in keep if not isinstance(op, (Mask, Delta, Const))
                   for l in labels}
        whole = [l for l in summed if l not in bounds and l not in carried and
                 dims.get(l) is not None]
        for l in whole:
            bounds[l] = ("1", self._num(dims[l]))
        plain = [letters[l] for l in summed if l not in bounds]
        heads = []
        if plain:
            sub = ",".join(plain)
            heads.append(rf"\sum_{{{sub}}}" if self.style == "latex" else f"Σ_{sub}")
        for l in _outside_in(whole + [l for l in summed if l not in whole and l in bounds],
                             uses):
            if l in bounds:
                lo, hi = bounds[l]
                heads.append(rf"\sum_{{{letters[l]}={lo}}}^{{{hi}}}" if self.style == "latex"
                             else f"Σ_{letters[l]}={lo}..{hi}")
        # the innermost sum last: Σ_{j=1}^{i} reads its bound i from an outer index
        text = " ".join(heads + [body]) if heads else body
        return self._scaled_entry(self._tidy_scalar(coeff), text)

    def _scaled_entry(self, c, text):
        r"""c · text, a symbolic denominator as a fraction: \frac{\|z_i - \mu_k\|^{2}}{\nu}."""
        if c == 1:
            return text
        neg = _neg(c)
        cn, cd = sp.fraction(-c if neg else c)
        if cn != 1:
            text = self.juxt([self._factor_num(cn), text])   # f {\left(1 - ...\right)}
        if cd != 1:
            text = (rf"\frac{{{text}}}{{{self._num(cd)}}}" if self.style == "latex"
                    else f"{text}/{self._factor_num(cd)}")
        return ("-" if neg else "") + text

    def _entry_norm(self, keep, summed, bounds, letters, used):
        """(‖z_i - μ_k‖², l) for Σ_l (z_il - μ_kl)², an entry whose only factor is a square
        summed over one index l that is the last axis of every family it indexes; None
        otherwise."""
        free_sums = [l for l in summed if l not in bounds]
        if len(keep) != 1 or len(free_sums) != 1:
            return None
        (op, labels), l = keep[0], free_sums[0]
        if not (isinstance(op, Pow) and isinstance(op.exp, Const) and op.exp.value == 2) \
                or l not in labels or op.rank != len(set(labels)):
            return None
        outer = getattr(self, "_drops", ())
        self._drops = outer + (letters[l],)
        try:
            s, _ = self._entry(op.base, tuple(letters[x] for x in labels), used)
        except _NotVector:
            return None
        finally:
            self._drops = outer
        n = rf"\left\|{s}\right\|^{{2}}" if self.style == "latex" else f"‖{s}‖²"
        return n, l

    def _mask_bounds(self, mask, letters):
        """(lo, hi) of a mask's last index as text, the first index (2-D) as letters[0]."""
        i = sp.Symbol(letters[0]) if mask.rank == 2 else None
        lo = mask.lo.subs(I0, i) if i is not None else mask.lo
        hi = mask.hi.subs(I0, i) if i is not None else mask.hi
        return self._num(lo), self._num(hi)

    def _mask_inverse(self, mask, b):
        """The bounds of the OUTER index a of a 2-D mask lo(a) <= b <= hi(a), given b, where
        they are plain: lo(a) = a + c, hi = the last entry -> a = 1..b - c (c >= 0);
        lo = 1, hi(a) = a - c -> a = b + c..n (c >= 0). None otherwise."""
        na, nb = mask.shape
        if dim_expr(na - nb) != 0:
            return None
        bs = sp.Symbol(b)
        c_lo, c_hi = dim_expr(mask.lo - I0), dim_expr(mask.hi - I0)
        if c_lo.is_Integer and c_lo >= 0 and dim_expr(mask.hi - nb) == 0:
            return "1", self._num(bs - c_lo)
        if mask.lo == 1 and c_hi.is_Integer and c_hi <= 0:
            return self._num(bs - c_hi), self._num(na)
        return None

    def _mask_entry(self, mask, idx, used):
        """The entry of a 0/1 mask: Σ_{k=lo}^{hi} δ_{jk} (1 where lo <= j <= hi)."""
        k = self._fresh(set(used) | set(idx), mask.shape[-1])
        lo, hi = self._mask_bounds(mask, list(idx))
        j = idx[-1]
        if self.style == "latex":
            return rf"\sum_{{{k}={lo}}}^{{{hi}}} \delta_{{{j}{k}}}", MUL
        return f"Σ_{k}={lo}..{hi} δ_{j}{k}", MUL

    def _sub(self, s, idx):
        if not idx:
            return s
        j = "".join(idx) if all(len(i) == 1 for i in idx) else ",".join(idx)
        if len(idx) > 1 and self._names_a_name(s, j):
            j = ",".join(idx)       # z_{i,n}: z_{in} is a name of the document
        if self.style == "latex" and "_" in s and not s.startswith("{"):
            s = "{" + s + "}"       # {R_{1}}_{ik}: R_{1}_{ik} is a double subscript
        return f"{s}_{{{j}}}" if self.style == "latex" else f"{s}_{j}"

    def _names_a_name(self, s, j) -> bool:
        """Whether `s` subscripted by the letters `j` spells a name of the document (the
        entry z_{in} of a family z beside a declared z_{in})."""
        pb = self.problem
        if pb is None:
            return False
        got = self.__dict__.get("_names_spelled")
        if got is None:
            got = self._names_spelled = (
                {str(v).replace(" ", "") for v in getattr(pb, "latex", {}).values()},
                set(getattr(pb, "inputs", {})) | set(getattr(pb, "defs", {})))
        spelled, keys = got
        return f"{s}_{{{j}}}".replace(" ", "") in spelled or f"{s}_{j}" in keys

    def _entry(self, node, idx, used):
        """(text, precedence) of the entry of `node` at index letters `idx`. While it is
        written, its letters and `used` stay taken for any bracket of its own a sub-node
        opens ([\\sum_k ... [\\sum_{k,l} ...]_{i,j} ...]_{ij} would read back as k bound
        twice)."""
        used = set(used) | set(idx)
        with self._binding(used):
            return self._entry_at(node, idx, used)

    @contextlib.contextmanager
    def _binding(self, used: set):
        """While an entry is written, the letters it binds (`used`, which grows as its sums
        choose theirs) are taken for every fresh letter below it (`_fresh`), and the
        printer's memo is keyed on them (printer._r)."""
        scopes = self.__dict__.setdefault("_scopes", [])
        scopes.append(used)
        try:
            yield
        finally:
            scopes.pop()

    def _entry_at(self, node, idx, used):
        used = set(used) | set(idx)
        hit = [x for x in idx if x in getattr(self, "_drops", ())]
        if isinstance(node, (Var, Ref)):
            if hit:
                # the vector z_i of a family: its last axis is the dropped index
                fam = getattr(self.problem, "families", {}).get(node.name) if self.problem else None
                if len(hit) > 1 or idx[-1] != hit[0] or not fam or fam != len(idx) - 1:
                    raise _NotVector()
                self._dropped = getattr(self, "_dropped", ()) + (hit[0],)
                idx = idx[:-1]
            return self._sub(self.name(node.name), idx), ATOM
        if hit and not isinstance(node, (Add, Map, Pow, Const, Contract)):
            raise _NotVector()
        if hit and isinstance(node, Const):
            raise _NotVector()       # a constant vector c 1 has no reading as a member
        if hit and isinstance(node, Pow) and not (isinstance(node.exp, Const)
                                                  and node.exp.value == 1):
            raise _NotVector()       # z_i^2 of a vector: z_i ⊙ z_i or ‖z_i‖²?
        if isinstance(node, Const):
            return self._num(node.value), ATOM if not _neg(node.value) else NEG
        if isinstance(node, Mask):
            return self._mask_entry(node, idx, used)
        if isinstance(node, Delta):
            return self._sub(r"\delta" if self.style == "latex" else "δ", idx), ATOM
        if isinstance(node, Add):
            parts = []
            for k, (t, c) in enumerate(zip(node.terms, node.coeffs)):
                before = self._consumed(hit)
                s, p = self._entry(t, idx, used)
                if hit and self._consumed(hit) == before:
                    raise _NotVector()   # z_i + 2: a vector plus a scalar
                if isinstance(t, Const):
                    val = c * t.value
                    neg = _neg(val)
                    s = self._num(-val if neg else val)
                    if neg and isinstance(sp.expand(val), sp.Add):
                        s = self._wrap(s, ADD, ADD + 1)   # - (2 m + 1), not - 2 m + 1
                else:
                    neg = _neg(c)
                    mag = -c if neg else c
                    s = s if mag == 1 else \
                        f"{self._factor_num(mag)}{self.t['mul']}{self._wrap(s, p, MUL)}"
                    s = self._wrap(s, p, ADD + 1) if mag == 1 and p <= NEG else s
                parts.append((neg, s))
            # reading order, as in matrix notation: positive terms first (x_kq - μ_mq)
            parts.sort(key=lambda part: part[0])
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
            sym = e.value if isinstance(e, Const) else self._scalar_sym(e) if not e.shape \
                else None
            if sym is not None:
                es = self._num(self._tidy_scalar(sym))
            else:   # p_i^{y_i}: an exponent of the base's shape is indexed as the base is
                es = self._entry(e, idx, used)[0] if e.shape else self.expr(e)
            if self.style == "latex":
                return f"{self._wrap(b, bp, ATOM)}^{{{es}}}", POW
            return f"{self._wrap(b, bp, ATOM)}^{self._wrap(es, ATOM if len(es) == 1 else 0, ATOM)}", POW
        if isinstance(node, Contract):
            letters = dict(zip(node.out, idx))
            tensors = list(zip(node.ops, node.idx))
            return self._entry_contract(tensors, node.out, letters, used), MUL
        hook = getattr(ops.NODE_OPS.get(type(node)), "render_entry", None)
        if hook is not None:
            return hook(node, self, idx, used)
        s, p = self._r(node)
        if not idx:
            return s, p
        base = s if p >= ATOM else f"{self.t['lp']}{s}{self.t['rp']}"
        return self._sub(base, idx), ATOM

    def _consumed(self, letters) -> int:
        """How many entries of a family dropped one of `letters` so far (see `member`)."""
        return sum(1 for x in getattr(self, "_dropped", ()) if x in letters)

    def member(self, node, member, shape):
        """The text of `node` (of the family's `shape`: its family axes, then at most one
        vector axis) for the member at the index letters `member`: the entry at the
        member's letters, the vector axis dropped where every factor that carries it is a
        family of vectors (2 (z_i - μ_k)); None where some entry has no such reading."""
        fam = len(member)
        if len(shape) not in (fam, fam + 1):
            return None
        used = set(member)
        idx = tuple(member)
        outer = getattr(self, "_drops", ())
        if len(shape) == fam + 1:
            idx = idx + (self._fresh(set(used), shape[-1]),)
            self._drops = outer + idx[-1:]
        self._dropped = ()
        try:
            text, _ = self.entry(node, idx, used)
            if len(shape) == fam + 1 and not self._consumed(idx[-1:]):
                return None          # nothing in it is a member's vector: c 1
        except _NotVector:
            return None
        finally:
            self._drops = outer
        return text

    def member_name(self, name, member):
        """The name of a family member: z_{i}, t_{i,j} (LaTeX); z_i, t_i,j (text)."""
        j = ",".join(member)
        return f"{name}_{{{j}}}" if self.style == "latex" else f"{name}_{j}"

