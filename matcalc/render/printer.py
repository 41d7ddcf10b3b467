"""Rendering IR as LaTeX or text, in matrix notation where the expression has one.

Contract: `Renderer(problem, style)` with style "latex" or "text"; `.expr(node)` returns a
string. A `Contract` is read back as matrix notation: operands over the same axes are joined
by ⊙ (a colon when everything is summed), the rest form chains (matmul with transposes,
``1ᵀ`` for a lone sum, ``Diag(v)`` for a vector shared by a chain, ``Tr`` for a cycle,
``u vᵀ`` for an outer product). What has no such reading (order-3 arrays, a label shared
three ways) falls back to index notation (``\\sum_{j} A_{ij} x_{j}``).
Names are printed as the document spells them (`problem.latex`).
"""
from __future__ import annotations

import re

import sympy as sp

from .. import ir, ops
from ..ir import Const
from .contract import ContractPrinting
from .entries import IndexNotation
from .matrix import MatrixNotation
from .present import present
from .style import (_Eye, ADD, ATOM, COLON, HAD, INDEX_LETTERS, LATEX, MUL, NEG, POW, TEXT,
                    _latex_to_text, _neg, _size)


class Renderer(ContractPrinting, MatrixNotation, IndexNotation):
    """Prints IR nodes in one style; the core nodes here, every other op by its block."""

    def __init__(self, problem=None, style: str = "latex"):
        self.problem = problem
        self.style = style
        self.t = LATEX if style == "latex" else TEXT
        # a node is rendered once per renderer: shared subexpressions (and the same
        # cotangent in every step of a derivation) cost their size once, not per use
        self._done: dict = {}
        self._presented: dict = {}
        self._names: set = set()   # the names printed so far (see `juxt`)
        self._syms: dict = {}        # scalar name -> SymPy symbol (contract._scalar_sym)
        self._symnames: dict = {}    # that symbol -> the name as printed

    def expr(self, node) -> str:
        return self._r(self._present(node))[0]

    def _present(self, node):
        return present(node, self._presented)

    def name(self, kw: str) -> str:
        latex = self.problem.latex.get(kw, kw) if self.problem else kw
        if self.style == "latex":
            if not latex.isascii():   # é, x², as the document wrote them: \text{é}
                if "\\" not in latex and "{" not in latex:
                    latex = rf"\text{{{latex}}}"
                elif latex.startswith("\\mathrm{") and latex.endswith("}") \
                        and latex.count("{") == 1:
                    latex = r"\text" + latex[len("\\mathrm"):]
            self._names.add(latex)
            return latex
        return _latex_to_text(latex)

    def _ends_with_name(self, s: str) -> bool:
        for n in self._names:
            if s.endswith(n) and (len(s) == len(n) or s[-len(n) - 1] in " -{(,"):
                return True
        return False

    def _brace_groups(self, s: str) -> str:
        r"""`s` with every parenthesised group that directly follows a name braced (see
        `juxt`): SymPy prints lpha \left(1 - lpha
ight)."""
        out, k = "", 0
        while True:
            m = s.find(r"\left(", k)
            if m < 0:
                return out + s[k:]
            head = s[k:m]
            if not self._ends_with_name((out + head).rstrip()):
                out, k = out + head + r"\left(", m + 6
                continue
            depth, e = 0, m
            while e < len(s):
                if s.startswith(r"\left(", e):
                    depth, e = depth + 1, e + 6
                elif s.startswith(r"\right)", e):
                    depth, e = depth - 1, e + 7
                    if depth == 0:
                        break
                else:
                    e += 1
            out, k = out + head + "{" + s[m:e] + "}", e

    def juxt(self, parts) -> str:
        r"""Factors (strings) written side by side. In LaTeX a name directly followed by a
        parenthesis reads as a call (``L \left(1 - L\right)`` is L applied to 1 - L), so
        such a factor is put in braces, invisible when typeset: ``L {\left(1 - L\right)}``."""
        out = ""
        for k, s in enumerate(parts):
            if k and s.startswith("-"):   # 2 -x would read as 2 - x
                s = f"{self.t['lp']}{s}{self.t['rp']}"
            if k and self.style == "latex" and s.startswith(("\\left(", "(")) \
                    and self._ends_with_name(out):
                s = "{" + s + "}"
            out = s if not k else out + self.t["mul"] + s
        return out

    def form(self, pairs, lhs: str) -> str:
        """Render ``lhs = Σ G : lin`` for a derivation step."""
        out = ""
        for g, lin in pairs:
            t = self.colon_term(g, lin)
            if not out:
                out = t
            elif t.startswith("-"):   # + -p ⊘ q : dq reads as - p ⊘ q : dq
                out += " - " + t[1:]
            else:
                out += " + " + t
        return f"{lhs} = " + (out or "0")

    def colon_term(self, g, lin) -> str:
        gs, gp = self._r(self._present(g))
        ls, lp = self._r(self._present(lin))
        if g.shape == () and lin.shape == ():
            if isinstance(g, Const) and g.value == 1:
                return ls
            return self.juxt([self._wrap(gs, gp, MUL), self._wrap(ls, lp, NEG + 1)])
        return f"{self._wrap(gs, gp, COLON + 1)}{self.t['colon']}{self._wrap(ls, lp, COLON + 1)}"

    def _wrap(self, s, prec, need):
        return f"{self.t['lp']}{s}{self.t['rp']}" if prec < need else s

    def _num(self, v) -> str:
        v = sp.nsimplify(v) if isinstance(v, float) else v
        if self.style == "latex":
            if self._symnames and isinstance(v, sp.Basic) and v.free_symbols & set(self._symnames):
                return self._brace_groups(sp.latex(v, symbol_names=self._symnames))
            return sp.latex(v)
        s = str(v).replace("**", "^").replace("*", " ")
        if "_s" in s and self._symnames:
            by_name = {k.name: n for k, n in self._symnames.items()}
            s = re.sub(r"_s\d+_", lambda m: by_name.get(m.group(0), m.group(0)), s)
        return s

    def _factor_num(self, v) -> str:
        """A number used as a factor: a symbolic sum (m - 1) in parentheses."""
        s = self._num(v)
        return f"{self.t['lp']}{s}{self.t['rp']}" if isinstance(v, sp.Add) else s

    def _r(self, node):
        """(string, precedence) of node: the core nodes here, every other op by its own
        block's `render`."""
        done = self._done.get(node.uid)
        if done is None:
            method = getattr(self, "_r_" + type(node).__name__, None)
            done = method(node) if method is not None else \
                ops.NODE_OPS[type(node)].render(node, self)
            self._done[node.uid] = done
        return done

    ADD, COLON, HAD, MUL, NEG, POW, ATOM = ADD, COLON, HAD, MUL, NEG, POW, ATOM
    INDEX_LETTERS = INDEX_LETTERS

    @property
    def is_latex(self) -> bool:
        return self.style == "latex"

    def part(self, node):
        """(string, precedence) of a sub-node."""
        return self._r(node)

    def wrap(self, s, prec, need):
        """`s` in parentheses if its precedence is below `need`."""
        return self._wrap(s, prec, need)

    def apply(self, latex_name, text_name, arg):
        """``name(arg)`` in this style: the form of every function-like op."""
        name = latex_name if self.is_latex else text_name
        return f"{name}{self.t['lp']}{self.expr(arg)}{self.t['rp']}", ATOM

    def _r_Var(self, node):
        return self.name(node.name), ATOM

    def _r_Ref(self, node):
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
                    else f"{o}_{n}" if n.isidentifier() or n.isdigit() else f"{o}_({n})"), ATOM
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
        idx = self.index_letters(node.rank)
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
        return f.fill(template, self.expr(node.arg)), ATOM

    def _r_Pow(self, node):
        base, bp = self._r(node.base)
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
            sym = self._scalar_sym(e)
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
                body = self._num(mag * t.value)
                if _neg(mag * t.value):
                    neg, body = not neg, self._num(-mag * t.value)
            elif mag == 1:
                body = self._wrap(s, p, ADD + 1) if p <= NEG or (k and s.startswith("-")) else s
            elif self.style == "latex" and s.startswith(r"\frac{") and mag.is_Integer:
                body = rf"\frac{{{mag} " + s[len(r"\frac{"):]   # 2 \frac{a}{b} as \frac{2 a}{b}
            else:
                body = self.juxt([self._factor_num(mag), self._wrap(s, p, MUL)])
            if k == 0:
                out = ("-" if neg else "") + body
            else:
                out += (" - " if neg else " + ") + body
        return out, ADD


def latex(node, problem=None) -> str:
    return Renderer(problem, "latex").expr(node)


def text(node, problem=None) -> str:
    return Renderer(problem, "text").expr(node)
