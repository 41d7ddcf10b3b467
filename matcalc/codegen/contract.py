"""Emitting a contraction: ``@`` where a pair is a matrix product, broadcasting ``*``
and ``.sum`` where they are that, ``np.vdot`` for a full contraction, and otherwise a
chain of pairwise contractions in the planner's order (`plan.pair_order`), with
``np.einsum`` only where nothing better fits. Diag is never materialised.

Contract: `ContractEmission._c_Contract(node)` returns Python source (a mixin of
`emit.Emitter`, whose `value`, `temp` and `_pyexpr` it uses).
"""
from __future__ import annotations


import sympy as sp

from .. import ir, ops
from ..ir import Add, Const, Map, Mask, Pow, Ref
from .plan import pair_order as _pair_order
from .source import _atom, _pyexpr

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _mask_like(op) -> bool:
    """A Mask, or a sum of Masks with positive coefficients (``\\sum_{j \\ne i}``: the
    masks of j < i and j > i): 0 exactly on the excluded terms."""
    if isinstance(op, Mask):
        return True
    return isinstance(op, Add) and all(isinstance(t, Mask) for t in op.terms) and \
        all(c > 0 for c in op.coeffs)


def _divisors(tens, out, scaled):
    """An entrywise product with negative whole powers among its factors, written as
    divisions: ``a ⊙ b^{∘-k}`` (k = 1, 2, 3) becomes ``a / b / … / b``, k divisions after
    the numerator. Dividing by each factor in turn keeps every intermediate near the
    result's magnitude where ``b ** -2`` alone overflows (σ(t) ⊘ softplus(t)² at t = -400:
    both 1e-174, the result 5e173 is finite), and it is one pass per factor with no power.
    Only for a product that sums nothing (every operand carries exactly the output's
    axes) with a numerator left (another factor, or a scalar factor when `scaled`), and
    no mask (a masked product keeps its guard); returns (numerator operands, divisor
    nodes), the divisors () otherwise."""
    if len(tens) < 2 - scaled or any(isinstance(op, tuple) or _mask_like(op) or tuple(ls) != tuple(out)
                            for op, ls in tens):
        return tens, ()
    num, den = [], []
    for op, ls in tens:
        e = op.exp.value if isinstance(op, Pow) and isinstance(op.exp, Const) else None
        if e is not None and e.is_Integer and -3 <= e <= -1 and op.base.shape == op.shape:
            den.extend([op.base] * int(-e))
        else:
            num.append((op, ls))
    if not (num or scaled) or not den:
        return tens, ()
    return num, tuple(den)


class ContractEmission:
    """Mixin of `emit.Emitter`: contractions."""

    def _c_Contract(self, node):
        dims = node.label_dims()
        scal, tens, bcast = [], [], []
        for op, labels in zip(node.ops, node.idx):
            if op.shape == ():
                scal.append(op)
            elif isinstance(op, Const) and op.value == 1:
                bcast.extend(labels)
            elif self._square_summed(node, op, labels):
                # Σ x² as Σ x·x: one einsum pass, no squared temporary
                tens.extend([(op.base, tuple(labels))] * 2)
            else:
                tens.append((op, tuple(labels)))
        tens = self._guard_masked(tens)
        factor = self._scalar_factor(scal)
        tens, divisors = _divisors(tens, node.out, bool(factor))
        # a ones operand summed over an axis nothing else carries counts that axis
        carried = {l for _, ls in tens for l in ls} | set(node.out)
        counted = [dims[l] for l in dict.fromkeys(bcast) if l not in carried]
        if counted:
            count = _pyexpr(sp.Mul(*counted))
            factor = f"{factor} * {count}" if factor else count
        if not tens:
            body, labels = None, ()
        else:
            if factor and len(tens) > 1:
                # scale the smallest operand, not the (larger) result
                k = min(range(len(tens)), key=lambda i: len(tens[i][1]))
                tens = list(tens)
                tens[k] = (("code", f"{factor} * {_atom(self._operand(tens[k][0]))}"),
                           tens[k][1])
                factor = ""
            body, labels = self._contract(tens, tuple(l for l in node.out if l not in bcast
                                                      or any(l in ls for _, ls in tens)))
        if divisors:
            # the sign and scalar factors on the numerator, then one division per factor
            if body is None:
                body, factor, labels = factor, "", tuple(node.out)
            elif factor == "-1.0":
                body, factor = f"-{_atom(body)}", ""
            elif factor:
                body, factor = f"{factor} * {_atom(body)}", ""
            codes = {}
            for d in divisors:    # a base divided by twice is computed once
                if d.uid not in codes:
                    code = self.value(d)
                    codes[d.uid] = self.temp(code) if divisors.count(d) > 1 and \
                        not code.isidentifier() else code
            body = _atom(body) + "".join(f" / {_atom(codes[d.uid])}" for d in divisors)
        # broadcast to missing output labels
        if tuple(labels) != tuple(node.out):
            if body is None:
                shape = ", ".join(_pyexpr(dims[l]) for l in node.out)
                body = self.backend.ones(shape)
            else:
                body = self._broadcast(body, labels, node.out, dims)
        if body is None:
            return factor or "1.0"
        if factor:
            return f"{factor} * {_atom(body)}"
        return body

    def _operand(self, op) -> str:
        """Source of an operand: a node, or ("code", source) made by this module."""
        return op[1] if isinstance(op, tuple) else self.value(op)

    def _guard_masked(self, tens):
        """A masked sum leaves out its excluded terms: where an operand that can be
        infinite at finite inputs (`_may_be_singular`) carries every axis of a Mask
        operand, it is taken as ``np.where(mask > 0, op, 0.0)`` -- so a term such as
        ``\\|x_i - x_j\\|^{-s}`` on the excluded diagonal of ``\\sum_{j=i+1}`` is 0, not
        ``0 * inf = nan``. The generated function then evaluates under ``np.errstate``
        (`self.guarded`), since the excluded entries are still computed."""
        masks = [(op, labels) for op, labels in tens
                 if _mask_like(op) and len(set(labels)) == len(labels)]
        if not masks:
            return tens
        out = []
        for op, labels in tens:
            if not isinstance(op, tuple) and not _mask_like(op) and \
                    len(set(labels)) == len(labels) \
                    and self._may_be_singular(op):
                base = code = self._operand(op)
                for m, ml in masks:
                    if set(ml) <= set(labels):
                        mask = self._expand(self.value(m), ml, labels)
                        code = f"{self.backend.ns}.where({mask} > 0, {code}, 0.0)"
                if code != base:
                    op, self.guarded = ("code", code), True
            out.append((op, labels))
        return out

    def _may_be_singular(self, node) -> bool:
        """Whether node can be infinite or NaN at finite inputs: it contains a power
        whose exponent is not a whole number >= 0, an elementwise function whose domain
        is not all of R (the registry's `domain`), or a registered op other than the core
        ones (an inverse, a log-determinant). Memoised per emitter."""
        memo = self.__dict__.setdefault("_singular", {})
        if node.uid not in memo:
            if isinstance(node, Pow):
                e = node.exp
                own = not (isinstance(e, Const) and e.value.is_integer is True
                            and e.value.is_nonnegative is True)
            elif isinstance(node, Map):
                f = ops.FUNCTIONS[node.fn]
                own = f.user or f.domain != "real"
            elif isinstance(node, Ref):
                # a named definition (V_{ij} = -G m_i m_j / r_{ij} summed over j \ne i):
                # singular where its body is
                body = getattr(getattr(self, "problem", None), "defs", {}).get(node.name)
                memo[node.uid] = False            # a definition never contains itself
                own = body is not None and self._may_be_singular(body)
            else:
                own = type(node) in ops.NODE_OPS
            memo[node.uid] = own or any(self._may_be_singular(c) for c in ir.operands(node))
        return memo[node.uid]

    def _square_summed(self, node, op, labels) -> bool:
        """Is `op` a square x², used only here, summed along an axis no other operand of
        `node` carries?"""
        if not (isinstance(op, Pow) and isinstance(op.exp, Const) and op.exp.value == 2
                and self.uses.get(op.uid, 0) <= 1 and op.uid not in self.names):
            return False
        others = {l for o, ls in zip(node.ops, node.idx) if o is not op for l in ls}
        return any(l not in node.out and l not in others for l in labels)

    def _scalar_factor(self, scal):
        """Product of scalar operands: a leading -1 as a sign, reciprocals as division."""
        sign, num, den = "", [], []
        for s in scal:
            if isinstance(s, Const) and s.value == -1:
                sign = "-" if not sign else ""
            elif isinstance(s, Pow) and isinstance(s.exp, Const) and s.exp.value == -1:
                den.append(_atom(self.value(s.base)))
            else:
                num.append(_atom(self.value(s)))
        if not num and not den:
            return "-1.0" if sign else ""
        code = " * ".join(num) if num else "1.0"
        for d in den:
            code += f" / {d}"
        return f"{sign}{code}" if not sign or len(num) + len(den) == 1 else f"-({code})"

    def _broadcast(self, code, labels, out, dims):
        present = [l for l in out if l in labels]
        code = self._permute(code, labels, tuple(present))
        index = ", ".join(":" if l in labels else "None" for l in out)
        shape = ", ".join(_pyexpr(dims[l]) for l in out)
        return f"{self.ns}.broadcast_to({_atom(code)}[{index}], ({shape},))"

    def _permute(self, code, labels, target):
        labels, target = tuple(labels), tuple(target)
        if labels == target:
            return code
        if len(labels) == 2:
            return f"{_atom(code)}.T"
        perm = ", ".join(str(labels.index(l)) for l in target)
        return self.backend.permute(code, perm)

    def _contract(self, tens, out):
        """Contract tensors (code, labels) pairwise, cheapest pair first; returns
        (code, labels) with labels == out."""
        items = []
        for op, labels in tens:
            code = self._operand(op)
            if len(set(labels)) < len(labels):  # a diagonal: take it first
                uniq = tuple(dict.fromkeys(labels))
                code, labels = self._single(code, labels, uniq), uniq
            items.append((code, labels))
        items = dict(enumerate(items))
        for a, b, keep, new in _pair_order([ls for _, ls in items.values()], out):
            code = self._pair(items.pop(a), items.pop(b), keep)
            if items:
                code = self.temp(code)
            items[new] = (code, keep)
        code, labels = items.popitem()[1]
        return self._single(code, labels, out), out

    def _single(self, code, labels, out):
        """One operand: diagonal, sums over axes, then a permutation."""
        if len(set(labels)) < len(labels):
            spec = self._spec([labels], out)
            return self.backend.einsum(spec, [code])
        summed = tuple(k for k, l in enumerate(labels) if l not in out)
        if summed:
            if len(summed) == len(labels):
                code = f"{self.ns}.sum({code})"
            else:
                axis = summed[0] if len(summed) == 1 else summed
                code = self.backend.sum_axis(code, axis)
            labels = tuple(l for l in labels if l in out)
        return self._permute(code, labels, out)

    def _pair(self, a, b, keep):
        if keep and keep[0] in b[1] and keep[0] not in a[1]:
            a, b = b, a  # the operand carrying the first output axis goes left
        (ca, la), (cb, lb) = a, b
        # sum away labels only one side has and nothing needs
        ca, la = self._presum(ca, la, keep, lb)
        cb, lb = self._presum(cb, lb, keep, la)
        shared = [l for l in la if l in lb]
        contracted = [l for l in shared if l not in keep]
        batch = [l for l in shared if l in keep]
        if not contracted:
            # broadcasting product, in the layout of the larger operand when it carries
            # every kept axis (then the product of a transposed pair is that product
            # transposed, one temporary, not a second product)
            order = tuple(la) if set(keep) == set(la) and len(la) == len(keep) else tuple(keep)
            code = f"{self._expand(ca, la, order)} * {self._expand(cb, lb, order)}"
            return self._permute(self.code_names.get(code, code), order, keep)
        if len(contracted) == 1 and not batch and len(la) <= 2 and len(lb) <= 2:
            k = contracted[0]
            fa = [l for l in la if l != k]
            fb = [l for l in lb if l != k]
            res = tuple(fa + fb)
            return self._permute(self.backend.matmul(ca, len(la), la[-1] != k,
                                                     cb, len(lb), lb[0] != k), res, keep)
        if not batch and set(la) == set(lb) and not keep:
            return self.backend.vdot(ca, self._permute(cb, lb, la))
        if set(la) == set(lb):
            # same axes: the entrywise product, if computed before, summed; else one
            # einsum pass (no product temporary)
            prod = f"{_atom(ca)} * {_atom(self._permute(cb, lb, la))}"
            if prod in self.code_names:
                return self._single(self.code_names[prod], la, keep)
            return self.backend.einsum_pass(self._spec([la, lb], keep), [ca, cb])
        spec = self._spec([la, lb], keep)
        return self.backend.einsum(spec, [ca, cb])

    def _presum(self, code, labels, keep, other):
        drop = [k for k, l in enumerate(labels) if l not in keep and l not in other]
        if not drop:
            return code, labels
        if len(drop) == len(labels):
            return f"{self.ns}.sum({code})", ()
        axis = drop[0] if len(drop) == 1 else tuple(drop)
        return self.backend.sum_axis(code, axis), tuple(l for l in labels if l in keep or l in other)

    def _expand(self, code, labels, order):
        """code (axes labels) arranged to `order`, with None for missing axes."""
        present = tuple(l for l in order if l in labels)
        code = self._permute(code, labels, present)
        if present == tuple(order):
            return _atom(code)
        if not present:
            return _atom(code)
        index = ", ".join(":" if l in labels else "None" for l in order)
        # leading None axes are implicit in NumPy broadcasting
        return f"{_atom(code)}[{index}]"

    @staticmethod
    def _spec(label_lists, out):
        letters = {}
        for ls in list(label_lists) + [out]:
            for l in ls:
                letters.setdefault(l, LETTERS[len(letters)])
        ins = ",".join("".join(letters[l] for l in ls) for ls in label_lists)
        return f"{ins}->{''.join(letters[l] for l in out)}"
