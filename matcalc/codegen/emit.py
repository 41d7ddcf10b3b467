"""The NumPy emitter: one Python expression per IR node, temporaries for what is used
twice (CSE by node identity and by code text), the core nodes here and every other op by
its block's `numpy` form; contractions in `contract.ContractEmission`, the nodes of
`forms` in `forms_emit.FormsEmission`.

Contract: `Emitter(problem, reserved).value(node)` returns Python source for node, after
appending the statements it needs to `.lines`; `_pyexpr(e)` is the source of a SymPy
number or dimension (a non-finite constant is an `ir.IRError`).
"""
from __future__ import annotations

import itertools

import sympy as sp

from .. import ir, ops
from ..ir import Const, Contract, Dvar, Ref, Var
from ..names import python_name
from .backends import NUMPY
from .contract import ContractEmission
from .forms import Place
from .forms_emit import HELPERS as FORMS_HELPERS
from .forms_emit import FormsEmission
from .source import _atom, _pyexpr

HELPERS = {  # the core nodes' helpers; each op's own are in its block (ops.helper_sources)
    "_mask": '''def _mask(n, lo, hi):
    """0/1 vector of length n: 1 where lo <= j <= hi (1-based)."""
    j = np.arange(1, n + 1)
    return ((j >= lo) & (j <= hi)).astype(float)
''',
    "_mask2": '''def _mask2(n, m, lo, hi):
    """0/1 n-by-m matrix: 1 where lo(i) <= j <= hi(i) (1-based)."""
    i = np.arange(1, n + 1)[:, None]
    j = np.arange(1, m + 1)[None, :]
    return ((j >= lo(i)) & (j <= hi(i))).astype(float)
''',
}
HELPERS.update(FORMS_HELPERS)




MAX_TERMS = 200   # terms of one generated sum expression (longer sums: partial sums)


class Emitter(ContractEmission, FormsEmission):
    def __init__(self, problem, reserved=(), backend=None):
        self.problem = problem
        self.backend = backend or NUMPY    # how the code spells what is not an op
        self.ns = self.backend.ns          # the array namespace the ops' forms write in
        self.reserved = set(reserved)
        self.lines: list[str] = []
        self.helpers: set = set()
        self.names: dict = {}          # node uid -> python variable
        self.counter = itertools.count(1)
        self.uses: dict = {}
        self.code_names: dict = {}     # generated code -> temporary holding it
        self.guarded = False           # a masked sum's excluded terms are computed (np.where)

    def count_uses(self, roots):
        for root in roots:
            for node in ir.walk(root):
                for c in ir.operands(node):
                    self.uses[c.uid] = self.uses.get(c.uid, 0) + 1
            self.uses[root.uid] = self.uses.get(root.uid, 0) + 1

    def value(self, node) -> str:
        """A Python expression for node, emitting temporaries as needed."""
        if node.uid in self.names:
            return self.names[node.uid]
        code = self._code(node)
        cheap = isinstance(node, (Var, Ref, Const, Dvar)) or code.isidentifier()
        if not cheap and (self.uses.get(node.uid, 0) > 1 or len(code) > 70):
            name = self.temp(code)
            self.names[node.uid] = name
            return name
        return self.code_names.get(code, code)

    def temp(self, code: str) -> str:
        """A temporary holding `code`; the same code twice is computed once."""
        if code in self.code_names:
            return self.code_names[code]
        name = f"t{next(self.counter)}"
        while name in self.reserved:
            name = f"t{next(self.counter)}"
        self.lines.append(f"{name} = {code}")
        self.code_names[code] = name
        return name

    def assign(self, name, node):
        code = self._code(node)
        self.lines.append(f"{name} = {code}")
        self.names[node.uid] = name

    def _code(self, node) -> str:
        core = getattr(self, "_c_" + type(node).__name__, None)
        if core is not None:
            return core(node)
        return self.backend.node_code(ops.NODE_OPS[type(node)], node, self)  # the op's block

    def dim_code(self, d) -> str:
        """Python source of a dimension expression (for the ops' blocks)."""
        return _pyexpr(d)

    def _c_Var(self, node):
        return python_name(node.name)

    def _c_Ref(self, node):
        return python_name(node.name)

    def _c_Const(self, node):
        v = _pyexpr(node.value)
        if node.shape == ():
            return v if v.startswith("(") or not v.startswith("-") else f"({v})"
        shape = ", ".join(_pyexpr(d) for d in node.shape)
        return self.backend.full(shape, v)

    def _c_Delta(self, node):
        return self.backend.eye(_pyexpr(node.n))

    def _c_Mask(self, node):
        if node.rank == 1:
            self.helpers.add("_mask")
            return self.backend.constant(
                f"_mask({_pyexpr(node.shape[0])}, {_pyexpr(node.lo)}, {_pyexpr(node.hi)})")
        self.helpers.add("_mask2")
        i = sp.Symbol("i")
        lo = _pyexpr(node.lo.subs(ir.I0, i))
        hi = _pyexpr(node.hi.subs(ir.I0, i))
        return self.backend.constant(f"_mask2({_pyexpr(node.shape[0])}, "
                                     f"{_pyexpr(node.shape[1])}, lambda i: {lo}, lambda i: {hi})")

    def _c_Map(self, node):
        return self.backend.function_code(ops.FUNCTIONS[node.fn], node, self)

    def _c_Pow(self, node):
        b = self.value(node.base)
        if isinstance(node.exp, Const):
            v = node.exp.value
            if v == -1:
                return f"1.0 / {_atom(b)}"
            if v == sp.Rational(1, 2):
                return f"{self.ns}.sqrt({b})"
            if v == 2:
                return f"{self.ns}.square({b})"
            if v.is_Integer and v < 0:    # an integer base (sg(3)) to a negative power
                return f"{_atom(b)} ** ({int(v)}.0)"
            return f"{_atom(b)} ** {_pyexpr(v)}"
        return f"{_atom(b)} ** {_atom(self.value(node.exp))}"

    def _c_Add(self, node):
        if all(isinstance(t, Place) for t in node.terms) and \
                len({(t.axis, t.n) for t in node.terms}) == 1:
            return self._placed(list(node.terms), list(node.coeffs))
        common = self._common_factor(node)
        if common is not None:
            factor, inner = common
            return f"{factor} * {_atom(self.value(inner))}"
        parts = []
        for t, c in zip(node.terms, node.coeffs):
            if isinstance(t, Const):
                s = _pyexpr(c * t.value)
                if node.shape != () and all(isinstance(x, Const) for x in node.terms):
                    s = self._c_Const(Const(c * t.value, t.shape))
            else:
                s = self.value(t)
                if c == -1:
                    s = f"-{_atom(s)}"
                elif c != 1:
                    s = f"{_pyexpr(c)} * {_atom(s)}"
            parts.append(s)
        # a positive term first, and a - b rather than a + -b (no separate negation pass)
        first = next((k for k, p in enumerate(parts) if not p.startswith("-")), 0)
        parts = [parts[first]] + parts[:first] + parts[first + 1:]
        out = parts[0]
        for k, p in enumerate(parts[1:], 1):
            if k % MAX_TERMS == 0:   # a partial sum: Python's compiler recurses per `+`
                out = self.temp(out)
            out += f" - {p[1:]}" if p.startswith("-") else f" + {p}"
        return out

    def _common_factor(self, node):
        """(scalar code, the rest) when every term of an array Add is a product sharing
        scalar factors (or one coefficient up to sign): c·(a - b) is one pass over the
        result where c·a - c·b is three. None otherwise."""
        if node.shape == () or len(node.terms) < 2 or \
                not all(isinstance(t, Contract) for t in node.terms):
            return None
        shared = None
        for t in node.terms:
            mine = [op for op in t.ops if op.shape == ()]
            shared = mine if shared is None else _common(shared, mine)
        c = abs(node.coeffs[0])
        same = c != 1 and all(abs(x) == c for x in node.coeffs)
        if not shared and not same:
            return None
        terms = []
        for t in node.terms:
            ops, idx, drop = [], [], list(shared)
            for op, ls in zip(t.ops, t.idx):
                if op in drop:
                    drop.remove(op)
                else:
                    ops.append(op)
                    idx.append(ls)
            terms.append(ir.contract(ops, idx, t.out))
        coeffs = [sp.cancel(x / c) for x in node.coeffs] if same else list(node.coeffs)
        scal = list(shared) + ([Const(c, ())] if same else [])
        return self._scalar_factor(scal), ir.add(terms, coeffs)

    def _c_Dvar(self, node):
        raise ir.IRError("a differential cannot be evaluated")


def _common(a: list, b: list) -> list:
    """The factors of `a` that `b` also has, counted with multiplicity: c·c·x and c·y share
    one c, not two (a list test kept both, and the sum was emitted as c²·(c x + y): the 30-
    minute fuzz run of 3 Dec, a gradient off by a factor (1 + λ²) in one of its terms)."""
    left, out = list(b), []
    for op in a:
        if op in left:
            left.remove(op)
            out.append(op)
    return out
