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

import itertools

import sympy as sp

from . import ir, names, ops
from .ir import (Add, Const, Contract, Delta, Map, Pow, Ref, Var)

# precedence: higher binds tighter
ADD, COLON, HAD, MUL, NEG, POW, ATOM = 1, 2, 3, 4, 5, 6, 7

LATEX = dict(had=r" \odot ", hdiv=r" \oslash ", colon=" : ", mul=" ", T="^{T}", ones=r"\mathbf{1}",
             eye="I", diag=r"\operatorname{Diag}", diagv=r"\operatorname{diag}",
             tr=r"\operatorname{Tr}", det=r"\det", logdet=r"\log\det", sg=r"\operatorname{sg}",
             lp=r"\left(", rp=r"\right)", sum=r"\sum", prod=r"\prod", inv="^{-1}",
             rowprod=r"\operatorname{rowprod}", vec=r"\operatorname{vec}", cdot=r" \cdot ")
TEXT = dict(had=" ⊙ ", hdiv=" ⊘ ", colon=" : ", mul=" ", T="ᵀ", ones="1", eye="I",
            diag="Diag", diagv="diag", tr="Tr", det="det", logdet="logdet", sg="sg",
            lp="(", rp=")", sum="Σ", prod="Π", inv="⁻¹", rowprod="rowprod", vec="vec",
            cdot=" · ")
TEXT_NAMES = names.GREEK
INDEX_LETTERS = "ijklmnpqrstuvwabcdefgh"
REGROUP_SEARCH = 6     # operands up to which Renderer._regrouped searches exhaustively
REGROUP_BUDGET = 400   # matrix readings that search may try


class Renderer:
    def __init__(self, problem=None, style: str = "latex"):
        self.problem = problem
        self.style = style
        self.t = LATEX if style == "latex" else TEXT
        # a node is rendered once per renderer: shared subexpressions (and the same
        # cotangent in every step of a derivation) cost their size once, not per use
        self._done: dict = {}
        self._presented: dict = {}

    # ------------------------------------------------------------ public
    def expr(self, node) -> str:
        return self._r(self._present(node))[0]

    def _present(self, node):
        return present(node, self._presented)

    def name(self, kw: str) -> str:
        latex = self.problem.latex.get(kw, kw) if self.problem else kw
        return latex if self.style == "latex" else _latex_to_text(latex)

    def form(self, pairs, lhs: str) -> str:
        """Render ``lhs = Σ G : lin`` for a derivation step."""
        parts = []
        for g, lin in pairs:
            parts.append(self.colon_term(g, lin))
        return f"{lhs} = " + (" + ".join(parts) if parts else "0")

    def colon_term(self, g, lin) -> str:
        gs, gp = self._r(self._present(g))
        ls, lp = self._r(self._present(lin))
        if g.shape == () and lin.shape == ():
            if isinstance(g, Const) and g.value == 1:
                return ls
            return f"{self._wrap(gs, gp, MUL)}{self.t['mul']}{self._wrap(ls, lp, NEG + 1)}"
        return f"{self._wrap(gs, gp, COLON + 1)}{self.t['colon']}{self._wrap(ls, lp, COLON + 1)}"

    # ------------------------------------------------------------ helpers
    def _wrap(self, s, prec, need):
        return f"{self.t['lp']}{s}{self.t['rp']}" if prec < need else s

    def _num(self, v) -> str:
        v = sp.nsimplify(v) if isinstance(v, float) else v
        if self.style == "latex":
            return sp.latex(v)
        return str(v).replace("**", "^").replace("*", " ")

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

    # ------------------------------------------------------------ for the ops' blocks
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
        return f"{self._num(node.value)}{self.t['mul']}{ones[0]}", MUL

    def _ones(self, shape):
        o = self.t["ones"]
        if len(shape) == 1:
            n = self._num(shape[0])
            return (f"{o}_{{{n}}}" if self.style == "latex"
                    else f"{o}_{n}" if n.isidentifier() or n.isdigit() else f"{o}_({n})"), ATOM
        if len(shape) == 2:
            a = self._ones(shape[:1])[0]
            b = self._ones(shape[1:])[0]
            return f"{a}{b}{self.t['T']}", MUL
        return o, ATOM

    def _r_Delta(self, node):
        return self.t["eye"], ATOM

    def _r_Mask(self, node):
        i = sp.Symbol("i")
        lo, hi = self._num(node.lo.subs(ir.I0, i)), self._num(node.hi.subs(ir.I0, i))
        if node.rank == 2:  # 1 where lo(i) <= j <= hi(i): a band of the (i, j) plane
            if self.style == "latex":
                return rf"\mathbf{{1}}[{lo} \le j \le {hi}]", ATOM
            return f"1[{lo} ≤ j ≤ {hi}]", ATOM
        if self.style == "latex":
            return rf"\mathbf{{1}}_{{[{lo},\,{hi}]}}", ATOM
        return f"1[{lo}..{hi}]", ATOM

    def _r_Map(self, node):
        f = ops.FUNCTIONS[node.fn]
        return f.fill(f.latex if self.is_latex else f.text, self.expr(node.arg)), ATOM

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
            es = self._num(v)
        else:
            es = self.expr(e)
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
        # reading order: positive before negative, a constant first (1 - s), bigger terms
        # before smaller ones (W x + b)
        items.sort(key=lambda tc: (_neg(tc[1]), not isinstance(tc[0], Const), -_size(tc[0])[0]))
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
                body = self._wrap(s, p, ADD + 1) if p <= NEG else s
            else:
                body = f"{self._factor_num(mag)}{self.t['mul']}{self._wrap(s, p, MUL)}"
            if k == 0:
                out = ("-" if neg else "") + body
            else:
                out += (" - " if neg else " + ") + body
        return out, ADD

    # ------------------------------------------------------------ contractions
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
            if op.shape == ():
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

    def _assemble(self, coeff, scalars, body):
        """coefficient · scalar factors · body, with negative powers as a fraction."""
        num, den = [], []
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
        if cn != 1 or (not num):
            parts.append((self._factor_num(cn) if num else self._num(cn), ATOM))
        parts.extend(num)
        # juxtaposition: wrap what binds looser than a product (and, in text, a division)
        need = MUL + 1 if self.style == "text" else MUL
        text = self.t["mul"].join(
            self._wrap(s, p, need if "/" in s else MUL) if len(parts) > 1 else s
            for s, p in parts)
        prec = MUL if len(parts) > 1 else parts[0][1]
        if den or cd != 1:
            dparts = ([(self._num(cd), ATOM)] if cd != 1 else []) + den
            dtext = self.t["mul"].join(self._wrap(s, p, MUL) if len(dparts) > 1 else s
                                       for s, p in dparts)
            if self.style == "latex":
                text, prec = rf"\frac{{{text}}}{{{dtext}}}", ATOM
            else:
                dt = dtext if len(dparts) == 1 and dparts[0][1] >= ATOM else f"({dtext})"
                text, prec = f"{self._wrap(text, prec, MUL)}/{dt}", MUL
        if neg:
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

    def _matrix(self, tensors, out):
        """Matrix-notation reading of a contraction of tensors (scalars excluded), or None."""
        if len(out) > 2 or any(op.rank > 2 or op.rank == 0 for op, _ in tensors):
            return None
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
            body = (f"{self._wrap(left[0], left[1], MUL)}{self.t['mul']}"
                    f"{self._wrap(right[0], right[1], MUL)}", MUL)
            factors.append(body)
        elif out:
            factors.append(out_parts[tuple(out)] if tuple(out) in out_parts else None)
            if factors[-1] is None:
                return None
        if len(factors) == 1:
            return factors[0]
        return self.t["mul"].join(self._wrap(s, p, MUL + 1 if p == MUL else MUL)
                                  for s, p in factors), MUL

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
            transposed = len(labels) == 2 and tuple(labels) != tuple(lead)
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
            s, p = self._r(op)
            num.append(self._t(s, p) if transposed else (s, p))
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

    def _ones_for(self, g):
        op = g["members"][0][0]
        return self._ones(op.shape)

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
        parts, visited = [], set()
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
        if len(visited) != len(comp):
            return None
        if len(parts) > 1:
            parts = [pt for pt in parts if pt[0] != self.t["eye"]] or parts[:1]
        text = self.t["mul"].join(self._wrap(s, p, MUL + 1 if p == MUL else MUL)
                                  for s, p in parts) if len(parts) > 1 else parts[0][0]
        prec = MUL if len(parts) > 1 else parts[0][1]
        if start[0] == "cycle":
            return f"{self.t['tr']}{self.t['lp']}{text}{self.t['rp']}", ATOM
        return text, prec

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
        sa, sb = self._r(a), self._r(b)
        if len(g["labels"]) == 1:
            return (f"{self._wrap(sa[0], sa[1], ATOM)}{self.t['T']}"
                    f"{self._wrap(sb[0], sb[1], MUL + 1)}", MUL)
        if tuple(la) != tuple(lb):
            sb = self._t(*sb)
        return (f"{self._wrap(sa[0], sa[1], COLON + 1)}{self.t['colon']}"
                f"{self._wrap(sb[0], sb[1], COLON + 1)}", COLON)

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


def _size(node):
    """Reading order: smaller expressions first, names alphabetically."""
    name = node.name if isinstance(node, (Var, Ref)) else "~"
    return (ir.count_nodes(node), name)


def _mixed(node) -> bool:
    """A difference a - b of two non-constant terms (1 - s is left as it is)."""
    return isinstance(node, Add) and len(node.terms) == 2 and \
        _neg(node.coeffs[0]) != _neg(node.coeffs[1]) and \
        not any(isinstance(t, Const) for t in node.terms)


def _flip_product(node, keep_value=True):
    """-c · (a - b) · rest  ->  c · (b - a) · rest (keep_value), or the product with the
    difference reversed and so negated (keep_value=False); None if there is none."""
    if not isinstance(node, Contract):
        return None
    for k, op in enumerate(node.ops):
        if _mixed(op):
            ops_ = list(node.ops)
            ops_[k] = ir.add(op.terms, [-c for c in op.coeffs])
            if not keep_value:
                return ir.contract(ops_, list(node.idx), node.out)
            return ir.contract([Const(sp.Integer(-1), ())] + ops_, [()] + list(node.idx), node.out)
    return None


def present(root, memo=None):
    """The same value arranged for reading: a negated difference is written the other
    way round, -(y - s) x as (s - y) x and -2 Xᵀ(y - Xw) as + 2 Xᵀ(Xw - y). `memo`
    (uid -> result) may be shared between calls, so a subtree is arranged once."""
    def at(cur):
        if isinstance(cur, Contract) and cur.ops and isinstance(cur.ops[0], Const) \
                and cur.ops[0].shape == () and _neg(cur.ops[0].value):
            flipped = _flip_product(cur)
            return flipped if flipped is not None else cur
        if isinstance(cur, Add):
            terms, coeffs = list(cur.terms), list(cur.coeffs)
            for k, (t, c) in enumerate(zip(terms, coeffs)):
                if _neg(c):
                    flipped = _flip_product(t, keep_value=False)
                    if flipped is not None:
                        terms[k], coeffs[k] = flipped, -c
            if terms != list(cur.terms):
                return Add(tuple(terms), tuple(coeffs))
        return cur
    return ir.transform(root, at, raw=True, memo=memo)


def _neg(c) -> bool:
    """Is the SymPy coefficient c written with a minus sign?"""
    c = sp.sympify(c)
    if c.is_Rational:  # the common case, without SymPy's (slow) assumption system
        return c.p < 0
    return bool(c.could_extract_minus_sign())


def _dim_of(g, label):
    for op, labels in g["members"]:
        if isinstance(op, tuple):
            op = op[1]
            return op.shape[0]
        if label in labels:
            return op.shape[list(labels).index(label)]
    return g["members"][0][0].shape[0]


def _latex_to_text(latex: str) -> str:
    """A readable plain-text spelling of a LaTeX name (``\\alpha`` -> ``α``,
    ``a^{(2)}`` -> ``a⁽²⁾``... kept simple: ``a^(2)``)."""
    s = latex
    for k, v in TEXT_NAMES.items():
        s = s.replace("\\" + k, v)
    import re
    for cmd, mark in ((r"\hat", "\u0302"), (r"\bar", "\u0304"), (r"\tilde", "\u0303"),
                      (r"\vec", "\u20d7"), (r"\dot", "\u0307"), (r"\check", "\u030c")):
        s = re.sub(re.escape(cmd) + r"\{([^{}]*)\}", lambda m: m.group(1) + mark, s)
    s = s.replace(r"\mathrm", "")
    while r"\overline{" in s:  # a named adjoint: a bar on the name's first letter
        start = s.rindex(r"\overline{")  # innermost first
        depth, end = 0, start + len(r"\overline")
        for end in range(end, len(s)):
            depth += {"{": 1, "}": -1}.get(s[end], 0)
            if depth == 0:
                break
        inner = s[start + len(r"\overline{"):end]
        k = next((i for i, c in enumerate(inner) if c not in "{}\\"), len(inner) - 1)
        s = s[:start] + inner[:k + 1] + "\u0305" + inner[k + 1:] + s[end + 1:]
    s = s.replace("{", "").replace("}", "")
    return s


_IDENTITY_TEXT = [
    (r"\left", ""), (r"\right", ""), (r"\Big", ""), (r"\big", ""), (r"\,", " "),
    (r"\;", " "), (r"\quad", "   "), (r"\odot", "⊙"), (r"\oslash", "⊘"), (r"\circ ", "∘"),
    (r"^{T}", "ᵀ"), (r"^{-T}", "⁻ᵀ"), (r"^{-1}", "⁻¹"), (r"^{*}", "*"), (r"\mathbf{1}", "1"),
    (r"\mathcal{C}", "C"), (r"\operatorname{Tr}", "Tr"), (r"\operatorname{Diag}", "Diag"),
    (r"\sum", "Σ"), (r"\prod", "Π"), (r"\tfrac", r"\frac"), (r"\sqrt", "√"),
    (r"\partial", "∂"), (r"\iff", "⇔"), (r"\le", "≤"), (r"\det", "det"), (r"\log", "log"),
    (r"\exp", "exp"), (r"\tanh", "tanh"), (r"\text", ""),
]


def identity_text(latex: str) -> str:
    """A plain-text reading of an identity written in LaTeX (for terminal derivations)."""
    import re
    s = re.sub(r"\bd\\(?=[A-Za-z])", "d \\\\", latex)  # d\exp -> d \exp
    s = re.sub(r"\\operatorname\{([A-Za-z]+)\}", r"\1", s)   # \operatorname{relu} -> relu
    s = re.sub(r"\\bar\{([^{}]*)\}", lambda m: m.group(1) + "\u0304", s)
    for a, b in _IDENTITY_TEXT:
        s = s.replace(a, b)
    s = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", s)
    for k, v in TEXT_NAMES.items():
        s = re.sub(r"\\" + k + r"(?![A-Za-z])", v, s)
    s = s.replace("{", "").replace("}", "").replace("\\", "")
    return re.sub(r" {2,}", "  ", s)


def latex(node, problem=None) -> str:
    return Renderer(problem, "latex").expr(node)


def text(node, problem=None) -> str:
    return Renderer(problem, "text").expr(node)
