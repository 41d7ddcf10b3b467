"""Entrywise polynomials: (1 - y) ⊙ s - y ⊙ (1 - s) = s - y.

Contract: `normalise(node)` takes a sum (`Add`) or an entrywise product (a `Contract`
that sums over nothing) whose parts are sums, entrywise products, integer powers and
constants of the same entrywise atoms -- arrays of the node's shape that are none of
those (σ(Xw), y, Xᵀa, a transposed or broadcast operand) and scalars, which broadcast --
and returns an equal-valued node in the shortest of two normal forms of that polynomial
(or rational function, where integer powers are negative): factored (a number times
powers of irreducible factors, each with a positive constant term where it has one), and
expanded, with like monomials collected and zero terms dropped (a ratio of two such).
SymPy's sparse rational-function field over QQ does the algebra, one generator per atom.
It returns None where neither form writes fewer atoms than `node` (`size`; (1 - t²) ⊙ t
is not made t - t³, so a rule built on it never lengthens a result and cannot cycle with
the factoring rules, which shorten too), where there is nothing to expand (no product or
power of a sum) or no atom twice (nothing can cancel), or where the expansion could
swell (more than MAX_TERMS monomials, a power above MAX_POWER, a sum of more than
MAX_NODES nodes).

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
        reader.read(node)                  # the atoms and coefficients, in reading order
        if not (reader.expandable and reader.repeated):
            return None
        f = reader.value(node)             # the rational function they make
    except _Skip:
        return None
    num, den = f.numer, f.denom
    if len(num) > MAX_TERMS or len(den) > MAX_TERMS:
        return None
    writer = _Writer(reader)
    (c1, f1), (c2, f2) = num.factor_list(), den.factor_list()
    factors = [(q, e) for q, e in f1] + [(q, -e) for q, e in f2]
    candidates = [lambda: writer.factors(sp.QQ.to_sympy(c1) / sp.QQ.to_sympy(c2), factors),
                  lambda: writer.ratio(num, den)]
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
    scalar: is there a product or power of a sum to expand, and an atom in two terms of
    one sum? Only then can a normal form write fewer atoms: (1 - y) ⊙ s - y ⊙ (1 - s)
    has y and s in both terms; z ⊙ (1 - z²), whose sum has z in one term, has no shorter
    form."""
    flags, budget = [False, False], [MAX_NODES]

    def look(n) -> set:
        budget[0] -= 1
        if budget[0] < 0 or isinstance(n, Const):
            return set()
        if isinstance(n, Add):
            seen = set()
            for t in n.terms:
                got = look(t)
                flags[1] = flags[1] or bool(seen & got)
                seen |= got
            return seen
        if isinstance(n, Contract) and n.shape in ((), shape) and _entrywise(n):
            seen = set()
            for op, labels in zip(n.ops, n.idx):
                if isinstance(op, Const):
                    continue
                if labels == n.out or not labels:
                    flags[0] = flags[0] or isinstance(op, Add)
                    seen |= look(op)
                else:
                    seen.add((op, labels, n.out))
            return seen
        if isinstance(n, Pow) and isinstance(n.exp, Const) and n.exp.shape == ():
            flags[0] = flags[0] or isinstance(n.base, Add)
            return look(n.base)
        return {n}

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
    """IR -> a rational function over QQ (SymPy's sparse field, no expression algebra):
    sums, entrywise products, integer powers and constants are read as such; anything
    else of the node's shape, or a scalar, is an atom (one generator each), and each
    coefficient that is not a rational number is its rational part times a generator of
    its own (√2/(2√π), a dimension n: an identity in a free generator holds for its every
    value, and the field stays QQ(generators), where the algebra is fast). `read` finds the
    generators in reading order; `value` then computes in the field they make."""

    def __init__(self, shape):
        self.shape = tuple(shape)
        self.atoms = []          # generator k -> its node (k < len(atoms))
        self.by_node = {}
        self.params = []         # then the coefficients' generators -> their values
        self.by_value = {}
        self.expandable = False  # a product or power of a sum was met
        self.repeated = False    # an atom was met twice (else nothing can cancel)
        self.count = 0
        self.field = self.gens = None

    def read(self, node):
        """Register the atoms and coefficients of `node` (and check it is small)."""
        self.count += 1
        if self.count > MAX_NODES:
            raise _Skip
        if isinstance(node, Const):
            self._param(node.value)
        elif isinstance(node, Add):
            for t, c in zip(node.terms, node.coeffs):
                self._param(c)
                self.read(t)
        elif self._product(node):
            for op, labels in zip(node.ops, node.idx):
                if isinstance(op, Const):
                    self._param(op.value)
                elif labels == node.out or not labels:
                    self.expandable = self.expandable or isinstance(op, Add)
                    self.read(op)
                else:
                    self._atom(_view(op, labels, node))
        elif self._power(node):
            self.expandable = self.expandable or isinstance(node.base, Add)
            self.read(node.base)
        else:
            self._atom(node)

    def _product(self, node):
        return isinstance(node, Contract) and node.shape in ((), self.shape) and \
            _entrywise(node)

    def _power(self, node):
        return isinstance(node, Pow) and isinstance(node.exp, Const) and \
            node.exp.shape == () and node.exp.value.is_Integer and \
            abs(node.exp.value) <= MAX_POWER

    def _atom(self, node):
        if node.shape not in ((), self.shape):
            raise _Skip
        if node in self.by_node:
            self.repeated = True
        else:
            self.by_node[node] = len(self.atoms)
            self.atoms.append(node)

    def _param(self, c):
        c = sp.sympify(c)
        if not c.is_Rational:
            rest = c.as_coeff_Mul()[1]
            if rest not in self.by_value:
                self.by_value[rest] = len(self.params)
                self.params.append(rest)

    def value(self, node):
        """`node` as an element of QQ(atoms, coefficients' generators) (after `read`)."""
        if self.field is None:
            names = [f"a{k}" for k in range(len(self.atoms))] + \
                [f"k{k}" for k in range(len(self.params))]
            self.field, *self.gens = sp.field(names, sp.QQ)
        F = self.field
        if isinstance(node, Const):
            return self._coeff(node.value)
        if isinstance(node, Add):
            out = F.zero
            for t, c in zip(node.terms, node.coeffs):
                out += self._coeff(c) * self.value(t)
            return self._bounded(out)
        if self._product(node):
            out = F.one
            for op, labels in zip(node.ops, node.idx):
                if isinstance(op, Const):
                    out *= self._coeff(op.value)
                elif labels == node.out or not labels:
                    out *= self.value(op)
                else:
                    out *= self.gens[self.by_node[_view(op, labels, node)]]
                out = self._bounded(out)
            return out
        if self._power(node):
            return self._bounded(self.value(node.base) ** int(node.exp.value))
        return self.gens[self.by_node[node]]

    def _coeff(self, c):
        c = sp.sympify(c)
        if c.is_Rational:
            return self.field(c)
        r, rest = c.as_coeff_Mul()
        return self.field(r) * self.gens[len(self.atoms) + self.by_value[rest]]

    def _bounded(self, f):
        if len(f.numer) > 4 * MAX_TERMS or len(f.denom) > 4 * MAX_TERMS:
            raise _Skip
        return f


class _Writer:
    """Polynomials of a `_Reader`'s field -> IR; every term of a sum is an array of the
    node's shape (a scalar monomial times the ones array)."""

    def __init__(self, reader):
        self.atoms = reader.atoms
        self.params = reader.params
        self.shape = reader.shape
        self.labs = letters(len(self.shape))

    def ratio(self, num, den):
        """num / den, both expanded."""
        top = self.poly(num)
        if den == 1:
            return top
        return self.full(self.product(sp.Integer(1), [top, pow_(self.poly(den), -1)]))

    def factors(self, c, factors):
        """c times the product of the powers q^e of the polynomials `factors`, each
        factor's sign chosen so that its constant term is positive (1 - s, not s - 1)."""
        ops_ = []
        for q, e in factors:
            if q.get(q.ring.zero_monom, 0) < 0:
                q, c = -q, c * sp.Integer(-1) ** e
            ops_.append(pow_(self.poly(q), Const(sp.Integer(e), ())))
        return self.full(self.product(c, ops_))

    def poly(self, q):
        """The polynomial q: a sum of monomials, each a coefficient (the rational number
        times the coefficients' generators' values) times powers of atoms."""
        terms, coeffs = [], []
        n = len(self.atoms)
        for monom, r in q.terms():
            c = sp.QQ.to_sympy(r) * sp.Mul(*[self.params[k] ** e
                                          for k, e in enumerate(monom[n:]) if e])
            ops_ = [pow_(self.atoms[k], Const(sp.Integer(e), ()))
                    for k, e in enumerate(monom[:n]) if e]
            terms.append(self.full(self.product(sp.Integer(1), ops_)))
            coeffs.append(c)
        if not terms:
            return Const(sp.Integer(0), self.shape)
        return add(terms, coeffs)

    def product(self, c, ops_):
        if c != 1:
            ops_ = [Const(c, ())] + list(ops_)
        if not ops_:
            return Const(sp.Integer(1), ())
        return contract(ops_, [self.labs if o.shape else () for o in ops_],
                        self.labs if any(o.shape for o in ops_) else ())

    def full(self, node):
        if node.shape == self.shape:
            return node
        if isinstance(node, Const):
            return Const(node.value, self.shape)
        return contract([node, ones(self.shape)], [(), self.labs], self.labs)
