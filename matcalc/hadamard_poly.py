"""Entrywise polynomials: (1 - y) ⊙ s - y ⊙ (1 - s) = s - y.

Contract: `normalise(node)` takes a sum (`Add`) or an entrywise product (a `Contract`
that sums over nothing) whose parts are sums, entrywise products, integer powers and
constants of the same entrywise atoms -- arrays of the node's shape that are none of
those (σ(Xw), y, Xᵀa, a transposed or broadcast operand) and scalars, which broadcast --
and returns an equal-valued node in the shortest of two normal forms of that polynomial
(or rational function, where integer powers are negative): factored (a number times
powers of irreducible factors, each with a positive constant term where it has one), and
expanded, with like monomials collected and zero terms dropped (a ratio of two such). SymPy does the algebra on one
symbol per atom. It returns None where neither form writes fewer atoms than `node`
(`size`; (1 - t²) ⊙ t is not made t - t³)
(so a rule built on it never lengthens a result and cannot cycle with the factoring
rules, which shorten too), where there is nothing to expand (no product or power of a
sum), or where the expansion could swell (more than MAX_TERMS monomials, a power above
MAX_POWER).

Rational forms: x ⊙ x⁻¹ = 1 is used as `simplify._merge_powers` uses it (where x ≠ 0;
matcalc's results are identities of functions where they are defined).
"""
from __future__ import annotations

import sympy as sp

from .ir import Add, Const, Contract, Pow, add, contract, ones, pow_
from .ir import letters

MAX_POWER = 4        # (a + b)^k is expanded for |k| <= MAX_POWER only
MAX_TERMS = 64       # bound on the monomials an expansion may produce
MAX_NODES = 200      # larger sums are left alone


def normalise(node):
    """The shortest normal form of the entrywise polynomial `node`, or None (module
    docstring). In a product that also sums over axes, its entrywise part (the
    operands over the same axes) is normalised."""
    if not isinstance(node, (Add, Contract)):
        return None
    cached = node.__dict__.get("_hadamard_poly", False)
    if cached is not False:
        return cached
    node.__dict__["_hadamard_poly"] = result = _normalise(node)
    return result


def _normalise(node):
    if isinstance(node, Contract) and not _entrywise(node):
        return _normalise_part(node)
    if not _promising([node], node.shape):
        return None     # nothing to expand, or every atom once: nothing can cancel
    reader = _Reader(node.shape)
    try:
        expr = reader.read(node)
    except _Skip:
        return None
    if not (reader.expandable and reader.repeated):
        return None     # nothing to expand, or every atom once: nothing can cancel
    syms = list(reader.atoms)
    writer = _Writer(reader.atoms, node.shape)
    try:
        if expr.is_polynomial(*syms):
            expanded = num = sp.expand(expr)
            den = sp.Integer(1)
        else:
            expanded = sp.cancel(expr)
            num, den = sp.fraction(sp.together(expanded))
        if len(sp.Add.make_args(expanded)) > MAX_TERMS:
            return None
        c1, f1 = sp.factor_list(num, *syms)
        c2, f2 = sp.factor_list(den, *syms) if den != 1 else (sp.Integer(1), [])
    except (sp.PolynomialError, sp.CoercionFailed, ValueError, TypeError):
        return None
    factors = [(f, e) for f, e in f1] + [(f, -e) for f, e in f2]
    candidates = [lambda: writer.factors(c1 / c2, factors), lambda: writer.write(expanded)]
    best, least = None, size(node)
    for make in candidates:
        try:
            built = make()
        except ValueError:
            continue
        if built is None or built.shape != node.shape:
            continue
        got = size(built)
        if got[0] < size(node)[0] and got < least:   # fewer atoms written, or no change
            best, least = built, got
    return best


def _normalise_part(node):
    """The entrywise part of a product that also sums (Xᵀ(s ⊙ (1 - s) ⊘ (s - s²))): the
    operands over one and the same axes, taken as one entrywise product and normalised
    (the rest of the product around it unchanged)."""
    groups = {}
    for k, labels in enumerate(node.idx):
        if labels and len(set(labels)) == len(labels):
            groups.setdefault(labels, []).append(k)
    dims = node.label_dims()
    for labels, ks in groups.items():
        if len(ks) < 2 or not any(isinstance(node.ops[k], (Add, Pow)) for k in ks) or \
                not _promising([node.ops[k] for k in ks], tuple(dims[l] for l in labels)):
            continue
        part = contract([node.ops[k] for k in ks], [labels] * len(ks), labels)
        new = normalise(part)
        if new is None:
            continue
        keep = [k for k in range(len(node.ops)) if k not in ks]
        return contract([node.ops[k] for k in keep] + [new],
                        [node.idx[k] for k in keep] + [labels], node.out)
    return None


def _promising(nodes, shape) -> bool:
    """A cheap look (no SymPy) at the entrywise product of `nodes`, each of `shape` or a
    scalar: is there a product or power of a sum to expand, and an atom met twice? (Only
    then can an expansion cancel anything.)"""
    seen, flags, budget = set(), [False, False], [MAX_NODES]

    def look(n, top=False):
        budget[0] -= 1
        if budget[0] < 0:
            return
        if isinstance(n, Const):
            return
        if isinstance(n, Add):
            for t in n.terms:
                look(t)
            return
        if isinstance(n, Contract) and n.shape in ((), shape) and _entrywise(n):
            for op, labels in zip(n.ops, n.idx):
                if isinstance(op, Const):
                    continue
                if labels == n.out or not labels:
                    flags[0] = flags[0] or isinstance(op, Add)
                    look(op)
                else:
                    atom((op, labels, n.out))
            return
        if isinstance(n, Pow) and isinstance(n.exp, Const) and n.exp.shape == ():
            flags[0] = flags[0] or isinstance(n.base, Add)
            look(n.base)
            return
        atom(n)

    def atom(key):
        if key in seen:
            flags[1] = True
        seen.add(key)

    for n in nodes:
        look(n)
    flags[0] = flags[0] or (len(nodes) > 1 and any(isinstance(n, Add) for n in nodes))
    return budget[0] >= 0 and flags[0] and flags[1]


def _entrywise(node) -> bool:
    """A product that sums over no axis and takes no diagonal: an entrywise product."""
    out = set(node.out)
    return all(set(labels) <= out and len(set(labels)) == len(labels) for labels in node.idx)


def _view(op, labels, node):
    """Operand `op` of the entrywise product `node` as an array of node's shape (its axes
    as `labels` place them, broadcast along the axes it lacks)."""
    dims = node.label_dims()
    missing = tuple(l for l in node.out if l not in labels)
    ops_, idx = [op], [labels]
    if missing:
        ops_.append(ones(tuple(dims[l] for l in missing)))
        idx.append(missing)
    return contract(ops_, idx, node.out)


def size(node) -> tuple:
    """The length of `node` as a person reads an entrywise polynomial: (the atoms written,
    each occurrence by its own written size; the numbers other than ±1 and the exponents
    written). The sums and products that join them do not count: x ⊙ (1 - s) and
    x - x ⊙ s are (2, 1) and (3, 0), s - y is (2, 0) and (1 - y) ⊙ s - y ⊙ (1 - s) (4, 2)."""
    from .diff import _written_size
    got = node.__dict__.get("_poly_size")
    if got is not None:
        return got
    if isinstance(node, Const):
        got = (0, 1)
    elif isinstance(node, Add):
        got = _total([size(t) for t in node.terms] +
                     [(0, 0 if abs(c) == 1 else 1) for c in node.coeffs])
    elif isinstance(node, Contract) and _entrywise(node):
        got = _total([(0, 0) if isinstance(op, Const) and op.shape == () and abs(op.value) == 1
                      else size(op) for op in node.ops])
    elif isinstance(node, Pow) and isinstance(node.exp, Const):
        got = _total([size(node.base), (0, 0 if node.exp.value == -1 else 1)])  # ⊘ x
    else:
        got = (_written_size(node), 0)
    node.__dict__["_poly_size"] = got
    return got


def _total(sizes) -> tuple:
    return (sum(a for a, _ in sizes), sum(b for _, b in sizes))


class _Skip(Exception):
    """The node is not a small entrywise polynomial."""


class _Reader:
    """IR -> SymPy: sums, entrywise products, integer powers and constants are read as
    such; anything else of the node's shape, or a scalar, is an atom (one Dummy each)."""

    def __init__(self, shape):
        self.shape = tuple(shape)
        self.atoms = {}          # Dummy -> node
        self.by_node = {}        # node -> Dummy
        self.expandable = False  # a product or power of a sum was met
        self.count = 0
        self.repeated = False    # an atom was met twice (else nothing can cancel)

    def atom(self, node):
        if node.shape not in ((), self.shape):
            raise _Skip
        s = self.by_node.get(node)
        if s is None:
            s = self.by_node[node] = sp.Dummy(f"a{len(self.atoms)}")
            self.atoms[s] = node
        else:
            self.repeated = True
        return s

    def read(self, node):
        self.count += 1
        if self.count > MAX_NODES:
            raise _Skip
        if isinstance(node, Const):
            return node.value
        if isinstance(node, Add):
            return sp.Add(*[c * self.read(t) for t, c in zip(node.terms, node.coeffs)])
        if isinstance(node, Contract) and node.shape in ((), self.shape) and _entrywise(node):
            factors = []
            for op, labels in zip(node.ops, node.idx):
                if isinstance(op, Const):
                    factors.append(op.value)       # a constant array, broadcast or not
                elif labels == node.out or not labels:
                    if isinstance(op, Add):
                        self.expandable = True
                    factors.append(self.read(op))
                else:                               # transposed or broadcast: an atom
                    factors.append(self.atom(_view(op, labels, node)))
            return sp.Mul(*factors)
        if isinstance(node, Pow) and isinstance(node.exp, Const) and node.exp.shape == () \
                and node.exp.value.is_integer and abs(node.exp.value) <= MAX_POWER:
            if isinstance(node.base, Add):
                self.expandable = True
            return self.read(node.base) ** node.exp.value
        return self.atom(node)


class _Writer:
    """SymPy -> IR over the atoms of a `_Reader`; every term of a sum is an array of the
    node's shape (a scalar monomial times the ones array)."""

    def __init__(self, atoms, shape):
        self.atoms = atoms
        self.shape = tuple(shape)
        self.labs = letters(len(shape))

    def write(self, expr):
        node = self.node(expr)
        return None if node is None else self.full(node)

    def factors(self, c, factors):
        """c times the product of the powers f^e of `factors` (SymPy polynomials in the
        atoms), each factor's sign chosen so that its constant term is positive (1 - s,
        not s - 1)."""
        syms = list(self.atoms)
        ops_ = []
        for f, e in factors:
            const, _ = f.as_independent(*syms, as_Add=True)
            if const.is_number and const.is_negative:
                f, c = -f, c * sp.Integer(-1) ** e
            ops_.append(pow_(self.node(sp.expand(f)), Const(sp.Integer(e), ())))
        if c != 1:
            ops_.insert(0, Const(c, ()))
        node = contract(ops_, [self.labs if o.shape else () for o in ops_],
                        self.labs if any(o.shape for o in ops_) else ())
        return self.full(node)

    def full(self, node):
        if node.shape == self.shape:
            return node
        if isinstance(node, Const):
            return Const(node.value, self.shape)
        return contract([node, ones(self.shape)], [(), self.labs], self.labs)

    def node(self, expr):
        if expr in self.atoms:
            return self.atoms[expr]
        syms = list(self.atoms)
        if not expr.has(*syms):
            return Const(expr, ())
        if expr.is_Add:
            terms, coeffs = [], []
            for arg in expr.args:
                c, m = arg.as_independent(*syms, as_Add=False)
                terms.append(self.full(self.node(m)))
                coeffs.append(c)
            return add(terms, coeffs)
        if expr.is_Mul:
            c, m = expr.as_independent(*syms, as_Add=False)
            factors = [self.node(f) for f in sp.Mul.make_args(m)]
            if c != 1:
                factors.insert(0, Const(c, ()))
            return contract(factors, [self.labs if f.shape else () for f in factors],
                            self.labs if any(f.shape for f in factors) else ())
        if expr.is_Pow and expr.exp.is_Integer:
            return pow_(self.node(expr.base), Const(expr.exp, ()))
        raise ValueError(f"not an entrywise polynomial: {expr}")
