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

from .. import names, ops
from ..ir import Const
from .contract import ContractPrinting
from .entries import IndexNotation
from .matrix import MatrixNotation
from .nodes import NodePrinting
from .present import present
from .style import (ADD, ATOM, COLON, HAD, INDEX_LETTERS, LATEX, MUL, NEG, POW, TEXT,
                    _latex_to_text)


class Renderer(NodePrinting, ContractPrinting, MatrixNotation, IndexNotation):
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
        # the inputs the document declares symmetric and its definitions symmetric by
        # construction: Sᵀ (and S⁻ᵀ) of one prints as S (S⁻¹)
        self.symmetric_inputs = problem.symmetric_names() if problem is not None else \
            frozenset()

    def expr(self, node) -> str:
        return self._r(self._present(node))[0]

    def _present(self, node):
        return present(node, self._presented)

    def name(self, kw: str) -> str:
        latex = self.problem.latex.get(kw, kw) if self.problem else kw
        if self.style == "latex":
            latex = names.printed_latex(latex)   # é, x², as the document wrote them
            self._names.add(latex)
            return latex
        return _latex_to_text(latex)

    def _ends_with_name(self, s: str) -> bool:
        if re.search(r"(^|[^A-Za-z\\])\\pi$", s):
            return True          # \pi (x) reads as a call too
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
        """A number or a SymPy expression in this style; remembered per renderer (a sum of
        L terms prints each coefficient in every step: SymPy's printer was most of the
        cost), keyed with the number of named symbols so far, which only grows."""
        try:
            key = (v, len(self._symnames))
            memo = self.__dict__.setdefault("_num_memo", {})
            if key in memo:
                return memo[key]
        except TypeError:       # not hashable: not remembered
            return self._num_uncached(v)
        memo[key] = out = self._num_uncached(v)
        return out

    def _num_uncached(self, v) -> str:
        v = sp.nsimplify(v) if isinstance(v, float) else v
        if isinstance(v, sp.Basic) and v.has(*self._named_constants):
            # the document names a variable \pi (or e): the constant printed as \pi would
            # read back as that variable -- a different function -- so it is its value
            v = v.subs({c: sp.Float(c, 17) for c in self._named_constants})
        if self.style == "latex":
            words = _word_symbols(v)     # a dimension named eval: \mathrm{eval}, not e v a l
            if words or (self._symnames and isinstance(v, sp.Basic)
                         and v.free_symbols & set(self._symnames)):
                return _nth_roots(self._brace_groups(
                    sp.latex(v, symbol_names={**words, **self._symnames})))
            return _nth_roots(sp.latex(v))
        # an exponent of several characters in parentheses, as x^(3/2) is: α^17 would read
        # back as α^1 times 7 (LaTeX takes one character after ^)
        s = re.sub(r"\*\*([A-Za-z0-9_.]{2,})", r"^(\1)", str(v))
        s = s.replace("**", "^").replace("*", " ")
        if "_s" in s and self._symnames:
            by_name = {k.name: n for k, n in self._symnames.items()}
            s = re.sub(r"_s\d+_", lambda m: by_name.get(m.group(0), m.group(0)), s)
        return s

    @property
    def _named_constants(self) -> tuple:
        """The SymPy constants (π, e) whose printed name is also a variable's name."""
        got = getattr(self, "_constants_taken", None)
        if got is None:
            spelled = set(self.problem.latex.values()) if self.problem else set()
            spelled = {_latex_to_text(n) for n in spelled} | spelled
            got = tuple(c for c, names in ((sp.pi, ("\\pi", "π")), (sp.E, ("e",)))
                        if spelled & set(names))
            self._constants_taken = got
        return got

    def _factor_num(self, v) -> str:
        """A number used as a factor: a symbolic sum (m - 1) in parentheses."""
        s = self._num(v)
        return f"{self.t['lp']}{s}{self.t['rp']}" if isinstance(v, sp.Add) else s

    def _r(self, node):
        """(string, precedence) of node: the core nodes here, every other op by its own
        block's `render`."""
        scopes = self.__dict__.get("_scopes")
        # inside an entry written in index notation the letters it binds are taken, so the
        # same node may print other letters there (render/entries.py)
        key = (node.uid, frozenset().union(*scopes)) if scopes else node.uid
        done = self._done.get(key)
        if done is None:
            method = getattr(self, "_r_" + type(node).__name__, None)
            done = method(node) if method is not None else \
                ops.NODE_OPS[type(node)].render(node, self)
            self._done[key] = done
        return done

    ADD, COLON, HAD, MUL, NEG, POW, ATOM = ADD, COLON, HAD, MUL, NEG, POW, ATOM
    INDEX_LETTERS = INDEX_LETTERS

    @property
    def is_latex(self) -> bool:
        return self.style == "latex"

    def part(self, node):
        """(string, precedence) of a sub-node: an operand of an op, which may be a function's
        argument, so the zero array keeps its shape (`arg`)."""
        return self.arg(node)

    def arg(self, node):
        r"""(string, precedence) of an argument of a function, a power or an op. The zero
        array is written 0 as a whole value, but an argument ``\det(0)`` reads back as a
        number: there it is ``0 \mathbf{1}_{n} \mathbf{1}_{n}^{T}``, the array of its shape."""
        if isinstance(node, Const) and node.value == 0 and node.shape:
            return f"0{self.t['mul']}{self._ones(node.shape)[0]}", MUL
        return self._r(node)

    def wrap(self, s, prec, need):
        """`s` in parentheses if its precedence is below `need`."""
        return self._wrap(s, prec, need)

    def apply(self, latex_name, text_name, arg):
        """``name(arg)`` in this style: the form of every function-like op."""
        name = latex_name if self.is_latex else text_name
        return f"{name}{self.t['lp']}{self.arg(self._present(arg))[0]}{self.t['rp']}", ATOM

def latex(node, problem=None) -> str:
    return Renderer(problem, "latex").expr(node)


def text(node, problem=None) -> str:
    return Renderer(problem, "text").expr(node)


def _word_symbols(v) -> dict:
    """{symbol: \\mathrm{name}} for the multi-letter symbols of v that SymPy would print as
    bare letters (a dimension `eval`); Greek names (nu) and subscripted ones (n_1) are
    SymPy's to print."""
    if not isinstance(v, sp.Basic):
        return {}
    out = {}
    for x in v.free_symbols:
        name = x.name
        if len(name) > 1 and name.isalpha() and sp.latex(x) == name:
            out[x] = r"\mathrm{" + name + "}"
    return out

_NTH_ROOT = re.compile(r"\\sqrt\[(\d+)\]\{")


def _nth_roots(latex: str) -> str:
    """SymPy's ``\\sqrt[4]{x}`` written as the power ``\\left(x\\right)^{\\frac{1}{4}}``, which
    the reader takes (it reads only square roots: a printed result must read back)."""
    while True:
        m = _NTH_ROOT.search(latex)
        if m is None:
            return latex
        depth, k = 1, m.end()
        while k < len(latex) and depth:
            depth += {"{": 1, "}": -1}.get(latex[k], 0)
            k += 1
        body = latex[m.end():k - 1]
        latex = (latex[:m.start()] + f"\\left({body}\\right)^{{\\frac{{1}}{{{m.group(1)}}}}}"
                 + latex[k:])
