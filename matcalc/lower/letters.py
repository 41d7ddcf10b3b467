"""Lowering functions named by a letter: ``\\Gamma(x)`` (the gamma function where Γ is no
variable of the document), ``\\psi(a)`` in a claimed derivative beside log Γ (the digamma),
and the multivariate gamma ``\\Gamma_p(a)`` as its product formula.

Contract (a part of `document.Lowerer`, used by `calls.x_Apply` and shape inference):
  - `letter_function(f, e)` is the op a letter applied names by its block's `letters`
    (``Gamma`` -> "gamma") where the document gives the letter no other meaning, or None;
    a letter applied at `e` and used as a value elsewhere is refused, naming both readings.
  - `claim_letter_function(f, e)`: the same by `claim_letters`, only inside a claim whose
    document's functions differentiate to that op.
  - `_letter_of_scalar` refuses a letter function of a vector or matrix (an undeclared
    matrix Γ times it is the other reading).
  - `multivariate_gamma(f, e, scope)` lowers ``\\Gamma_p(a)`` or returns None.
Every refusal is a located `ParseError`.
"""
from __future__ import annotations

import sympy as sp

from .. import ir, names, ops
from ..ir import Map, fmap
from ..ir import walk as ir_walk
from ..read import syntax as S
from ..values import Val, describe, mlabel
from .base import LoweringBase, walk_syntax


class LetterFunctions(LoweringBase):
    """Functions a document names by a letter."""

    def claim_letter_function(self, f, e):
        """Inside a claimed derivative (`in_claim`), the function a letter applied names
        by its block's `claim_letters` (``\\psi(a)``: the digamma) where the document
        gives the letter no other meaning (as `letter_function`) and differentiating one
        of the functions its formulas apply gives that function (log Γ, Γ: ψ); noted.
        None otherwise."""
        if not getattr(self, "in_claim", False) or not isinstance(f, S.Sym) or \
                f.accent or f.layer or f.sup or f.via or f.primes:
            return None
        op = ops.spelled("claim_letter", f.name)
        kw = names.keyword_of(f)
        if op is None or kw in self.info or kw in self.defsrc or kw in self.functions or \
                self.prose_function(kw) is not None or self._letter_value_use(f.name):
            return None
        if op not in self._derivative_functions():
            return None
        latex = names.latex_of(f)
        self.note(e, f"{latex}(...) in the claim is read as the {op} function: {latex} is "
                     f"not declared or defined, and the {op} is the derivative of a function "
                     f"the document applies", "inferred")
        return op

    def _derivative_functions(self) -> set:
        """The elementwise functions that differentiating the document's lowered
        definitions brings in (log Γ -> digamma)."""
        out = set()
        for body in list(self.defs.values()):
            for n in ir_walk(body):
                if isinstance(n, Map):
                    d = ops.FUNCTIONS[n.fn].derivative(n.arg, n)
                    out.update(m.fn for m in ir_walk(d) if isinstance(m, Map))
        return out

    def _letter_of_scalar(self, op, f, v, e):
        """A letter read as a function takes a scalar (entries of index notation too):
        applied to a vector or matrix, \\Gamma(x) is as well an undeclared matrix Γ times
        x (Tikhonov's Γ x) -- refused, naming both readings."""
        if v.mat:
            latex = names.latex_of(S.Sym(f.name))
            raise self.perr(f"{latex}(...) of {describe(v)} has two readings: the {op} "
                            f"function entry by entry, or an undeclared matrix {latex} times "
                            f"it: declare {latex} (a matrix), or write "
                            f"\\operatorname{{{op}}}(...) for the function", e)

    def multivariate_gamma(self, f, e, scope):
        """``\\Gamma_p(a)``, the multivariate gamma function, as its product formula
        π^{p(p-1)/4} ∏_{j=1}^{p} Γ(a + (1 - j)/2), entrywise in a, noted -- where Γ reads
        as the gamma function (`letter_function`), Γ_p is no name of the document, and p
        is a whole number or a dimension (no index in scope, no declared real). None
        otherwise."""
        if not (isinstance(f, S.Sub) and isinstance(f.base, S.Sym) and len(f.subs) == 1
                and len(e.args) == 1) or names.keyword_of(f) in self.info or \
                names.keyword_of(f) in self.defsrc:
            return None
        if self.letter_function(f.base) != "gamma":
            return None
        p = f.subs[0]
        if isinstance(p, S.Num):
            if not p.value.isdigit() or int(p.value) < 1:
                return None
        elif not isinstance(p, S.Sym) or names.keyword_of(p) in scope or \
                getattr(self.info.get(names.keyword_of(p)), "kind", "dim") not in \
                ("dim", "natural"):
            return None
        self.letter_function(f.base, e)             # its note
        n = self.dim(p, scope)
        v = self.one_arg("the multivariate gamma function", e.args, e, scope)
        if v.mat:
            raise self.perr(f"{names.latex_of(f)}(...) of {describe(v)}: the multivariate "
                            f"gamma function is read only of a scalar (its product formula)", e)
        j = mlabel()                                # the product's own axis
        labels = v.labels + (j,)
        dims = {**v.dims(), j: n}
        a = ir.broadcast(v.node, v.labels, dims, labels)
        jv = ir.broadcast(ops.IndexValue(n), (j,), dims, labels)
        one = ir.ones(a.shape)
        arg = ir.add([a, one, jv], [1, sp.Rational(1, 2), sp.Rational(-1, 2)])
        node = ops.ProdAxis(fmap("gamma", arg), len(labels) - 1)
        node = ir.scale(sp.pi ** (n * (n - 1) / 4), node)
        self.note(e, f"{names.latex_of(f)}(...) is read as the multivariate gamma function, "
                     f"\\pi^{{{n}({n}-1)/4}} \\prod_{{j=1}}^{{{n}}} \\Gamma(a + (1-j)/2)",
                  "inferred")
        return Val(node, v.labels, v.mat, v.row)

    def letter_function(self, f, e=None):
        """The function a letter applied names (``\\Gamma(x)``: "gamma", the `letters`
        spelling of its block) where the document gives the letter no other meaning: it is
        not declared, defined, a function of the document or named in words, and wherever
        it is written it is applied to a parenthesis; noted once. None for any other name
        (a declared \\Gamma times the parenthesis). A letter applied at `e` and used as a
        value elsewhere (``\\Gamma^T \\Gamma``) has two readings: refused, naming both."""
        if not isinstance(f, S.Sym) or f.accent or f.layer or f.sup or f.via:
            return None
        op = ops.spelled("letter", f.name)
        kw = names.keyword_of(f)
        base = names.keyword_of(S.Sym(f.name))
        if op is None or any(k in self.info or k in self.defsrc or k in self.functions
                             or self.prose_function(k) is not None for k in (kw, base)):
            return None
        value = self._letter_value_use(f.name)
        latex = names.latex_of(S.Sym(f.name))
        if value is not None:
            if e is None:
                return None
            raise self.perr(f"{latex}(...) has two readings: the {op} function applied, or "
                            f"{latex} -- used as a value at line {value.span.line}, column "
                            f"{value.span.column} -- times the parenthesis: declare "
                            f"{latex} (a variable), or write \\operatorname{{{op}}}(...) "
                            f"for the function", e)
        noted = self.__dict__.setdefault("_letters_noted", set())
        if e is not None and f.name not in noted:
            noted.add(f.name)
            self.note(e, f"{latex}(...) is read as the {op} function: {latex} is not "
                         f"declared or defined, and is written only applied", "inferred")
        return op

    def _letter_value_use(self, letter):
        """The first place the document writes the letter (any primes) other than applied
        to a parenthesis or as the base of an applied subscript (\\Gamma_p(a)); a math
        region holding the letter alone is a mention, not a use. None if there is none."""
        cache = self.__dict__.setdefault("_letter_uses", {})
        if letter in cache:
            return cache[letter]
        found = None
        for st in self.doc.statements:
            if isinstance(st, S.Bare) and isinstance(st.value, S.Sym):
                continue
            applied = set()
            for node in walk_syntax(st):
                if isinstance(node, S.Apply):
                    func = node.func.base if isinstance(node.func, S.Sub) else node.func
                    applied.add(id(func))
                elif isinstance(node, S.Sym) and node.name == letter and \
                        id(node) not in applied and not (node.accent or node.layer):
                    found = node
                    break
            if found is not None:
                break
        cache[letter] = found
        return found
