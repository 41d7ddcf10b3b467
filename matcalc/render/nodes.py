"""The core IR nodes printed (a mixin of `printer.Renderer`): names, constants, the
identity, masks, elementwise functions, powers and sums. Each method returns (string,
precedence) in the renderer's style; every other op prints by its registry block.
"""
from __future__ import annotations

import sympy as sp

from .. import ir, ops
from ..ir import Const
from .literal import literal_entries, render_literal
from .style import _Eye, ADD, ATOM, MUL, NEG, POW, _neg, _size


class NodePrinting:
    """Mixin of `Renderer`: the `_r_<Node>` printers of the core nodes."""

    def _r_Var(self, node):
        return self.name(node.name), ATOM

    def _r_Ref(self, node):
        if self.problem is not None and node.name in getattr(self.problem, "unnamed", ()):
            # a name the document never writes (its bare objective): printed as its value
            return self._r(self._present(self.problem.defs[node.name]))
        name = self.name(node.name)
        if self.problem is not None and node.name in self.problem.rows and node.rank == 1:
            # a row-vector definition h = x^T A: as a (column) vector it is h^T
            return self._t(name, ATOM)
        return name, ATOM

    def _r_Dvar(self, node):
        return ("d" if self.style == "latex" else "d") + self.name(node.name), ATOM

    def _r_Const(self, node):
        if node.shape == ():
            s = self._num(node.value)
            prec = ATOM if (node.value.is_Atom and not _neg(node.value)) else (
                NEG if node.value.could_extract_minus_sign() else MUL)
            if self.style == "latex" and isinstance(node.value, sp.Rational) and not node.value.is_Integer:
                prec = ATOM if not _neg(node.value) else NEG
            return s, prec
        if node.value == 0:
            return "0", ATOM    # the zero array is written 0, as a person writes it
        ones = self._ones(node.shape)
        if node.value == 1:
            return ones
        if _neg(node.value):
            return "-" + self._wrap(self._r_Const(Const(-node.value, node.shape))[0], MUL, MUL), NEG
        return f"{self._factor_num(node.value)}{self.t['mul']}{ones[0]}", MUL

    def _ones(self, shape):
        o = self.t["ones"]
        if len(shape) == 1:
            n = self._num(shape[0])
            return (f"{o}_{{{n}}}" if self.style == "latex"
                    # 1_n, but 1_{n_1}: 1_n_1 reads back as 1_n followed by _1
                    else f"{o}_{n}" if n.isalnum() else f"{o}_{{{n}}}"), ATOM
        if len(shape) == 2:
            a = self._ones(shape[:1])[0]
            b = self._ones(shape[1:])[0]
            sep = "" if self.style == "latex" else " "
            return f"{a}{sep}{b}{self.t['T']}", MUL
        return o, ATOM

    def _r_Delta(self, node):
        """I_n in LaTeX (a bare I has no size when read back), I in text."""
        if self.style == "latex":
            return _Eye(f"{self.t['eye']}_{{{self._num(node.n)}}}"), ATOM
        return _Eye(self.t["eye"]), ATOM

    def _r_Mask(self, node):
        """A 0/1 mask in index notation: [Σ_{k=2}^{n} δ_{ik}]_i (1 where 2 <= i <= n)."""
        idx = self.index_letters(node.rank, dims=node.shape)
        body, _ = self._mask_entry(node, idx, set(idx))
        sub = ",".join(idx)
        if self.style == "latex":
            return rf"\left[{body}\right]_{{{sub}}}", ATOM
        return f"[{body}]_{sub}", ATOM

    def _r_Map(self, node):
        f = ops.FUNCTIONS[node.fn]
        template = f.latex if self.is_latex else f.text
        if node.rank == 2 and template.lstrip().startswith(("\\left|", "|")):
            # |X| of a square matrix reads as its determinant: abs(X), entrywise
            name = f.words[0] if f.words else f.name
            template = (rf"\operatorname{{{name}}}\left({{}}\right)" if self.is_latex
                        else f"{name}({{}})")
        return f.fill(template, self.arg(self._present(node.arg))[0]), ATOM

    def _r_Pow(self, node):
        base, bp = self.arg(node.base)
        e = node.exp
        if isinstance(e, Const):
            v = e.value
            if v == sp.Rational(1, 2):
                x = self._norm_sq(node.base)
                if x is not None:
                    return self._norm(x), ATOM
                return (rf"\sqrt{{{base}}}" if self.style == "latex" else f"sqrt({base})"), ATOM
            if v == sp.Rational(-1, 2) and self._norm_sq(node.base) is not None:
                n = self._norm(self._norm_sq(node.base))
                return (rf"\frac{{1}}{{{n}}}" if self.style == "latex" else f"1/{n}"), \
                    (ATOM if self.style == "latex" else MUL)
            if v == -1 and node.shape == ():
                num = "1"
                return (rf"\frac{{{num}}}{{{base}}}" if self.style == "latex"
                        else f"1/{self._wrap(base, bp, ATOM)}"), (ATOM if self.style == "latex" else MUL)
            x = self._norm_sq(node.base) if v != -1 else None
            if x is not None:   # (‖x‖²)^2 = ‖x‖⁴
                n2 = self._num(2 * v)
                if self.style == "latex":
                    return f"{self._norm(x)}^{{{n2}}}", POW
                return f"{self._norm(x)}^{self._wrap(n2, ATOM if len(n2) == 1 else 0, ATOM)}", POW
            es = self._num(self._tidy_scalar(v))
        else:
            sym = self._scalar_sym(e) if not e.shape else None
            es = self._num(self._tidy_scalar(sym)) if sym is not None else self.expr(e)
        circ = r"\circ " if node.shape != () and self.style == "latex" else ""
        if self.style == "latex":
            b = self._wrap(base, bp, ATOM)
            if "^" in b and bp >= ATOM and not b.startswith("\\left"):
                b = "{" + b + "}"  # z^{(1)} squared: {z^{(1)}}^{2}
            return f"{b}^{{{circ}{es}}}", POW
        circ = "∘" if node.shape != () else ""
        return f"{self._wrap(base, bp, ATOM)}^{circ}{self._wrap(es, ATOM if len(es) == 1 else 0, ATOM)}", POW

    def _r_Add(self, node):
        entries = literal_entries(node)
        if entries is not None:          # a matrix literal: written back as one
            return render_literal(self, node, entries)
        items = list(zip(node.terms, node.coeffs))
        consts = [(t, c) for t, c in items if isinstance(t, Const)]
        if len(consts) > 1 or (consts and len(consts) == len(items)):
            # constant tensors are one number: (2 + 1) of vectors is 3, and a sum of
            # constants only keeps its shape (3 1_n, not the number 3)
            total = sp.nsimplify(sum(c * t.value for t, c in consts))
            if len(consts) == len(items):
                return self._r_Const(Const(total, node.shape))
            items = [(t, c) for t, c in items if not isinstance(t, Const)]
            if total != 0:
                items.insert(0, (Const(sp.Integer(1), node.shape), total))
        # reading order: positive before negative, a constant first (1 - s), bigger terms
        # before smaller ones (W x + b)
        items.sort(key=lambda tc: (_neg(tc[1]), not isinstance(tc[0], Const), -_size(tc[0])[0]))
        # a transpose right after what it transposes: A + Aᵀ
        for k in range(len(items)):
            t = items[k][0]
            if isinstance(t, ir.Contract) and len(t.ops) == 1 and t.rank == 2:
                at = next((j for j, (u, c) in enumerate(items) if u is t.ops[0]), None)
                if at is not None and at > k and _neg(items[at][1]) == _neg(items[k][1]):
                    items.insert(at, items.pop(k))
        out = ""
        for k, (t, c) in enumerate(items):
            s, p = self._r(t)
            neg = _neg(c)
            mag = -c if neg else c
            if isinstance(t, Const):
                # a constant tensor in a sum reads as the number (1 - σ(z), J - F aside)
                val = mag * t.value
                if _neg(val):
                    neg, val = not neg, -val
                body = self._num(val)
                if neg and isinstance(sp.expand(val), sp.Add):
                    body = self._wrap(body, ADD, ADD + 1)     # - (2 m + 1), not - 2 m + 1
            elif mag == 1:
                body = self._wrap(s, p, ADD + 1) if p <= NEG or (k and s.startswith("-")) else s
            elif _scalar_quotient(t, mag):
                # 1/2 ‖r‖²σ^{-4} - n/2 σ^{-2} as ‖r‖²/(2σ⁴) - n/(2σ²): the coefficient in
                # the fraction (the product's own rendering puts it there)
                body, bp = self._r(ir.add([t], [mag]))
                body = self._wrap(body, bp, ADD + 1) if bp <= NEG else body
            elif self.style == "latex" and s.startswith(r"\frac{") and mag.is_Integer:
                body = _scaled_fraction(mag, s)   # 2 \frac{a}{b} as \frac{2 a}{b}
            elif self.style == "latex" and s.startswith(r"\frac{1}{"):
                body = r"\frac{" + self._num(mag) + s[len(r"\frac{1"):]  # n/σ
            elif self.style != "latex" and s.startswith("1/") and p >= MUL:
                body = self._factor_num(mag) + s[1:]                       # n 1/σ as n/σ
            else:
                body = self.juxt([self._factor_num(mag), self._wrap(s, p, MUL)])
            if k == 0:
                out = ("-" if neg else "") + body
            else:
                out += (" - " if neg else " + ") + body
        return out, ADD


def _scalar_quotient(t, mag) -> bool:
    """A scalar term that is a fraction, a negative power (σ^{-2}, with any coefficient
    but an integer) or a product with one among its scalar factors (‖r‖² σ^{-4}, with a
    non-integer rational coefficient), outside a differential: it takes the sum's
    coefficient into it, as its own product rendering does."""
    def negative_power(n):
        return isinstance(n, ir.Pow) and n.shape == () and isinstance(n.exp, Const) and \
            _neg(n.exp.value)
    if t.shape != () or getattr(mag, "is_Integer", True) or \
            any(isinstance(n, ir.Dvar) for n in ir.walk(t)):
        return False
    if negative_power(t):
        return True
    return isinstance(t, ir.Contract) and bool(getattr(mag, "is_Rational", False)) and \
        any(negative_power(o) for o in t.ops)


def _scaled_fraction(mag, frac: str) -> str:
    r"""``mag \frac{a}{b}`` written ``\frac{mag a}{b}``, with a numerator that is a sum in
    parentheses (``\frac{2 \left(1 - t^{2}\right)}{b}``, never ``\frac{2 1 - t^{2}}{b}``)."""
    depth, paren, end, top_sum = 1, 0, None, False
    for k in range(len(r"\frac{"), len(frac)):
        ch = frac[k]
        if frac.startswith(r"\left", k):
            paren += 1
        elif frac.startswith(r"\right", k):
            paren -= 1
        elif ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
            if depth == 0:
                end = k
                break
        elif ch in "+-" and depth == 1 and paren == 0 and k > len(r"\frac{"):
            top_sum = True
    num = frac[len(r"\frac{"):end]
    if top_sum or num.lstrip().startswith("-"):
        num = rf"\left({num}\right)"
    return rf"\frac{{{mag} {num}" + frac[end:]

