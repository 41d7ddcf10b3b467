"""Printing a contraction: a sum of squares as a norm, scalar factors and fractions
around a matrix reading (`matrix.MatrixNotation`), a pair of operands regrouped first
where that gives one, and index notation (`entries.IndexNotation`) where nothing does.

Contract: `ContractPrinting._r_Contract(node)` returns (text, precedence).
"""
from __future__ import annotations

import itertools

import sympy as sp

from .. import ir
from ..ir import Add, Const, Contract, Pow, Ref, Var
from .style import ADD, ATOM, HAD, MUL, NEG, POW, _neg, _size

REGROUP_SEARCH = 6     # operands up to which _regrouped searches exhaustively
REGROUP_BUDGET = 400   # matrix readings that search may try


class ContractPrinting:
    """Mixin of `printer.Renderer`: contractions."""

    def _norm_sq(self, node):
        """x if node is the sum of all squared entries of x (a vector or a matrix)."""
        if isinstance(node, Contract) and not node.out:
            ts = [(o, l) for o, l in zip(node.ops, node.idx) if not (isinstance(o, Const) and o.value == 1)]
            if len(ts) == 1 and isinstance(ts[0][0], Pow) and isinstance(ts[0][0].exp, Const) \
                    and ts[0][0].exp.value == 2 and ts[0][0].rank in (1, 2) \
                    and len(set(ts[0][1])) == ts[0][0].rank:
                return ts[0][0].base
            if len(ts) == 2 and ts[0][0] is ts[1][0] and ts[0][1] == ts[1][1] and ts[0][0].rank in (1, 2):
                return ts[0][0]
        return None

    @staticmethod
    def _summed_square(node, op, labels) -> bool:
        """Is `op` (with `labels`, an operand of `node`) an entrywise square of a vector or
        matrix whose every index is summed and used by no other operand?"""
        if not (isinstance(op, Pow) and isinstance(op.exp, Const) and op.exp.value == 2
                and op.rank in (1, 2) and len(set(labels)) == op.rank) or len(node.ops) < 2:
            return False
        others = set()
        for o, ls in zip(node.ops, node.idx):
            if o is not op or ls != labels:
                others.update(ls)
        return not (set(labels) & (set(node.out) | others))

    def _norm(self, x):
        s = self.expr(x)
        sub = "_F" if x.rank == 2 else ""
        if self.style == "latex":
            return rf"\left\|{s}\right\|{sub}"
        return f"‖{s}‖{sub}"

    def _r_Contract(self, node):
        x = self._norm_sq(node)
        if x is not None:
            n = self._norm(x)
            return (f"{n}^{{2}}" if self.style == "latex" else f"{n}²"), POW
        coeff = sp.Integer(1)
        scalars, tensors = [], []
        for op, labels in zip(node.ops, node.idx):
            if self._summed_square(node, op, labels):
                # xᵀx/σ³, (xᵀx) I: the sum of squares of an operand, summed on its own, is
                # the scalar factor ‖x‖², not (x^∘2)ᵀ 1_n
                scalars.append(Contract((op,), (labels,), ()))
            elif op.shape == ():
                if isinstance(op, Const):
                    coeff *= op.value
                else:
                    scalars.append(op)
            else:
                tensors.append((op, labels))
        body = self._matrix(tensors, node.out) if tensors else None
        if body is None and tensors:
            body = self._regrouped(tensors, node.out)
        if body is None and tensors:
            body = self._index_notation(tensors, node.out)
        return self._assemble(coeff, scalars, body)

    def _scalar_sym(self, node):
        """The SymPy value of a scalar made of numbers, scalar names, sums, products and
        constant powers (ν, -1/2 - ν/2, 1/ν); None for anything else."""
        if node.shape != ():
            return None
        if isinstance(node, Const):
            return node.value
        if isinstance(node, (Var, Ref)):
            if self.problem is not None and node.name in getattr(self.problem, "unnamed", ()):
                return None     # printed as its value (nodes._r_Ref)
            return self._symbol(node.name)
        if isinstance(node, Add):
            # a sum of one name and numbers (ν + 1); s - y keeps its reading order
            parts = [self._scalar_sym(t) for t in node.terms]
            if any(p is None for p in parts) or \
                    len(set().union(*[p.free_symbols for p in parts]) & set(self._symnames)) > 1:
                return None
            return sp.Add(*[c * p for c, p in zip(node.coeffs, parts)])
        if isinstance(node, Pow) and isinstance(node.exp, Const):
            b = self._scalar_sym(node.base)
            return None if b is None else b ** node.exp.value
        if isinstance(node, Contract) and all(op.shape == () for op in node.ops):
            parts = [self._scalar_sym(o) for o in node.ops]
            return None if any(p is None for p in parts) else sp.Mul(*parts)
        return None

    def _symbol(self, kw):
        """A SymPy symbol standing for the scalar name kw (printed as the document's)."""
        sym = self._syms.get(kw)
        if sym is None:
            sym = sp.Symbol(f"_s{len(self._syms)}_")
            self._syms[kw] = sym
            self._symnames[sym] = self.name(kw)
        return sym

    def _tidy_scalar(self, c):
        """c or its factored form, whichever prints shorter: -(ν + 1)/ν."""
        if not (isinstance(c, sp.Basic) and c.free_symbols) or c.is_Symbol:
            return c
        best = c
        for cand in (sp.factor(sp.together(c)),):
            if len(self._num(cand)) < len(self._num(best)):
                best = cand
        return best

    def _assemble(self, coeff, scalars, body):
        """coefficient · scalar factors · body, with negative powers as a fraction; scalar
        algebra (numbers and scalar names) is simplified with SymPy into the coefficient."""
        num, den = [], []
        rest, symbolic = [], sp.Integer(1)
        for s in scalars:
            v = self._scalar_sym(s)
            if v is None:
                rest.append(s)
            else:
                symbolic = symbolic * v
        # the number last: 2 (1 - L) alone would be distributed into 2 - 2 L
        coeff = sp.Mul(coeff, symbolic) if symbolic != 1 else coeff
        scalars = rest
        coeff = self._tidy_scalar(coeff)
        for s in sorted(scalars, key=_size):
            if isinstance(s, Pow) and isinstance(s.exp, Const) and _neg(s.exp.value):
                e = -s.exp.value
                den.append(self._r(ir.pow_(s.base, e)))
            else:
                num.append(self._r(s))
        if body is not None:
            num.append(body)
        neg = _neg(coeff)
        c = -coeff if neg else coeff
        cn, cd = sp.fraction(c)
        parts = []
        if num and isinstance(cd, sp.Basic) and cd.free_symbols and not cn.is_number:
            # a symbolic ratio stands before what it scales: (ν + 1)/ν Σ_j ...
            frac = (rf"\frac{{{self._num(cn)}}}{{{self._num(cd)}}}" if self.style == "latex"
                    else f"({self._num(cn)})/({self._num(cd)})" if isinstance(cd, sp.Mul)
                    else f"({self._num(cn)})/{self._factor_num(cd)}")   # /((a + 1) (b + 2))
            parts.append((frac, ATOM if self.style == "latex" else MUL))
            cn, cd = sp.Integer(1), sp.Integer(1)
        if cn != 1 or (not num):
            # a lone symbolic sum binds like a sum: -(2 α + 4), not -2 α + 4
            lone = ADD if isinstance(cn, sp.Add) else MUL if isinstance(cn, sp.Mul) else ATOM
            parts.append((self._factor_num(cn), ATOM) if num else (self._num(cn), lone))
        parts.extend(num)
        # juxtaposition: wrap what binds looser than a product (and, in text, a division)
        need = MUL + 1 if self.style == "text" else MUL
        text = self.juxt(
            self._wrap(s, p, need if "/" in s else MUL) if len(parts) > 1 else s
            for s, p in parts)
        prec = MUL if len(parts) > 1 else parts[0][1]
        if den or cd != 1:
            # a symbolic denominator (é² + 1, ν(ν + 1)) is parenthesised where it is joined
            cprec = ADD if isinstance(cd, sp.Add) else MUL if isinstance(cd, sp.Mul) else ATOM
            dparts = ([(self._num(cd), cprec)] if cd != 1 else []) + den
            dtext = self.juxt(self._wrap(s, p, MUL) if len(dparts) > 1 else s
                                       for s, p in dparts)
            if self.style == "latex":
                text, prec = rf"\frac{{{text}}}{{{dtext}}}", ATOM
            else:
                dt = dtext if len(dparts) == 1 and dparts[0][1] >= POW else f"({dtext})"
                text, prec = f"{self._wrap(text, prec, MUL)}/{dt}", MUL
        if neg:
            if not den and cd == 1 and not num and isinstance(cn, sp.Add):
                return self._num(coeff), ADD   # -2 α - 4: SymPy writes the negated sum
            if prec == HAD and not text.startswith("-"):
                return "-" + text, HAD   # -y ⊙ X w: (-y) ⊙ (X w), unary minus binds tighter
            return "-" + self._wrap(text, prec, MUL), NEG
        return text, prec

    def _regrouped(self, tensors, out, depth=0, budget=None):
        """Contract a pair of operands over an index only they carry into one matrix first
        (W₂ᵀ(W₂H - Y) inside a Hadamard product), then read the rest in matrix notation.
        The search over pairs is exhaustive to depth 3 for a few operands, trying at most
        REGROUP_BUDGET readings (it is exponential in the number of operands); otherwise,
        and when it fails, only the first pair at each step is followed (polynomial)."""
        if len(tensors) < 3:
            return None
        if budget is None:
            body = None
            if len(tensors) <= REGROUP_SEARCH:
                body = self._regrouped(tensors, out, 0, [REGROUP_BUDGET])
            return body if body is not None else self._regrouped_greedy(tensors, out)
        if depth > 3:
            return None
        for rest in self._regroupings(tensors, out):
            if budget[0] <= 0:
                return None
            budget[0] -= 1
            body = self._matrix(rest, out) or self._regrouped(rest, out, depth + 1, budget)
            if body is not None:
                return body
        return None

    def _regrouped_greedy(self, tensors, out):
        while len(tensors) >= 3:
            tensors = next(self._regroupings(tensors, out), None)
            if tensors is None:
                return None
            body = self._matrix(tensors, out)
            if body is not None:
                return body
        return None

    @staticmethod
    def _regroupings(tensors, out):
        """The operand lists made by contracting one pair over an index only they carry."""
        for a, b in itertools.combinations(range(len(tensors)), 2):
            (pa, la), (pb, lb) = tensors[a], tensors[b]
            others = [l for k, (_, l) in enumerate(tensors) if k not in (a, b)]
            private = [l for l in set(la) & set(lb)
                       if l not in out and not any(l in o for o in others)]
            if not private:
                continue
            keep = tuple(l for l in dict.fromkeys(la + lb) if l not in private)
            if not keep or len(keep) > 2:
                continue  # a scalar or an order-3 result has no place in a matrix chain
            sub = ir.contract([pa, pb], [la, lb], keep)
            yield [t for k, t in enumerate(tensors) if k not in (a, b)] + [(sub, keep)]
