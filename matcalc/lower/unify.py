"""The unifier behind shape inference (`infer.py`): dimension variables, bound by union-find
to SymPy dimensions, and the "either ... or ..." constraints of matrix notation.

Contract: `Solver.unify(a, b)` makes two dimensions equal or raises `Contradiction`
(two different known dimensions; a `\\mathbf{1}` / `I` size made 1). A deferred
constraint ``(kind, a, b, r)`` on shape terms (pairs of dimensions) says: a is a scalar and
r = b, or b is a scalar and r = a, or (kind "prod") a's columns equal b's rows and r is
(a's rows, b's columns) / (kind "same") a = b = r; kind "vector" says a is the column b
(b = (n, 1)) or the row (1, n) -- a vector definition indexed ``h_j``; kind "diag" (b
unused) says r is Diag(a) of a vector a (n x n) or diag(a) of a square matrix (n x 1), as
either spelling does either, and never of a scalar (n is not 1: the lowering refuses the
diagonal of a scalar, so that reading is not well-formed). `solutions(solver)` decides every open
constraint by trying each alternative and returns the consistent solvers; more than
`MAX_BRANCHES` alternatives raise `TooOpen` (a part of the solutions proves nothing).
`solve(solver)` does the same for each group of open constraints that share no variable
with the others (the solutions of the whole are every combination of the groups'), so
that many independent open products do not make one whole too open: a `Solutions`.
"""
from __future__ import annotations

import itertools

import sympy as sp

ONE = sp.Integer(1)
MAX_BRANCHES = 400


class Contradiction(Exception):
    """Two constraints that cannot both hold."""


class TooOpen(Exception):
    """More alternatives than `MAX_BRANCHES`: nothing is inferred (an answer from a part
    of the solutions could be one of several)."""


class Var:
    """A dimension variable (compared by identity, never equal to a SymPy number)."""
    __slots__ = ("id",)

    def __init__(self, id_):
        self.id = id_

    def __repr__(self):
        return f"?{self.id}"


class Solver:
    """Union-find over dimension variables (`Var`), bound to SymPy dimensions, with the
    deferred "either/or" constraints."""

    def __init__(self):
        self.parent: dict = {}
        self.value: dict = {}
        self.deferred: list = []
        self.count = 0
        self.nonone: set = set()        # variables that are not 1 (the size of a 1 or I)

    def fresh(self, nonone=False):
        self.count += 1
        v = Var(self.count)
        self.parent[v] = v
        if nonone:
            self.nonone.add(v)
        return v

    def find(self, d):
        if not isinstance(d, Var):
            return d
        while self.parent[d] != d:
            self.parent[d] = self.parent[self.parent[d]]
            d = self.parent[d]
        return self.value.get(d, d)

    def unify(self, a, b):
        a, b = self.find(a), self.find(b)
        if isinstance(a, Var) and isinstance(b, Var):
            if a != b:
                self.parent[a] = b
                if a in self.nonone:
                    self.nonone.add(b)
        elif isinstance(a, Var) or isinstance(b, Var):
            var, val = (a, b) if isinstance(a, Var) else (b, a)
            if var in self.nonone and val == ONE:
                raise Contradiction("a \\mathbf{1} or I of size 1")
            self.value[var] = val
        elif sp.expand(a - b) != 0:
            raise Contradiction(f"{a} != {b}")

    def shape(self, t):
        return tuple(self.find(d) for d in t)

    def not_one(self, d):
        """Dimension d is not 1 (from now on: a later unify with 1 contradicts)."""
        d = self.find(d)
        if isinstance(d, Var):
            self.nonone.add(d)
        elif d == ONE:
            raise Contradiction("a dimension of 1 that must not be 1")

    def unify_shape(self, a, b):
        self.unify(a[0], b[0])
        self.unify(a[1], b[1])

    def scalar(self, t) -> bool:
        return self.shape(t) == (ONE, ONE)

    def not_scalar(self, t) -> bool:
        return any(not isinstance(d, Var) and d != ONE for d in self.shape(t))

    def copy(self):
        other = Solver()
        other.parent, other.value = dict(self.parent), dict(self.value)
        other.deferred, other.count = list(self.deferred), self.count
        other.nonone = set(self.nonone)
        return other

    # -------------------------------------------------------- either/or constraints
    def propagate(self):
        """Apply every deferred constraint whose alternative is decided, to a fixed point."""
        changed = True
        while changed:
            changed, keep = False, []
            for c in self.deferred:
                if self._decide(c):
                    changed = True
                else:
                    keep.append(c)
            self.deferred = keep

    def _decide(self, c) -> bool:
        kind, a, b, r = c
        if kind == "vector":
            return self._decide_vector(a, b)
        if kind == "diag":
            return self._decide_diag(a, r)
        if kind.startswith("bars-"):
            return self._decide_bars(a, r, kind[len("bars-"):])
        if self.scalar(a):
            self.unify_shape(r, b)
        elif self.scalar(b):
            self.unify_shape(r, a)
        elif self.not_scalar(a) and self.not_scalar(b):
            self.apply(kind, a, b, r)
        else:
            return False
        return True

    def _decide_vector(self, a, b) -> bool:
        rows, cols = self.shape(a)
        if rows == ONE or (not isinstance(cols, Var) and cols != ONE):
            self.unify_shape(a, (b[1], b[0]))       # a row vector
        elif cols == ONE or not isinstance(rows, Var):
            self.unify_shape(a, b)
        else:
            return False
        return True

    def _decide_bars(self, a, r, reading) -> bool:
        """|a| once a's shape is known: a vector's has its shape under the entrywise
        reading ("abs") and is a scalar under the 2-norm ("norm"); a scalar's and a
        matrix's (a determinant) are scalars."""
        rows, cols = self.shape(a)
        if isinstance(rows, Var) or isinstance(cols, Var):
            return False
        if (rows == ONE) != (cols == ONE) and reading == "abs":
            self.unify_shape(r, a)
        else:
            self.unify_shape(r, (ONE, ONE))
        return True

    def _decide_diag(self, a, r) -> bool:
        rows, cols = self.shape(a)
        known = [d for d in (rows, cols) if not isinstance(d, Var)]
        if len(known) == 2 and rows != ONE and cols != ONE:
            self.unify(rows, cols)                  # diag of a square matrix
            self.unify_shape(r, (rows, ONE))
        elif rows == ONE and cols != ONE and not isinstance(cols, Var):
            self.unify_shape(r, (cols, cols))       # Diag of a row vector
        elif cols == ONE and rows != ONE and not isinstance(rows, Var):
            self.unify_shape(r, (rows, rows))       # Diag of a column vector
        elif rows == ONE and cols == ONE:           # of a scalar: the lowering refuses it
            raise Contradiction("the diagonal of a scalar")
        else:
            return False
        return True

    def apply(self, kind, a, b, r):
        if kind == "prod":
            self.unify(a[1], b[0])
            self.unify_shape(r, (a[0], b[1]))
        else:                                   # "same": +, -, Hadamard
            self.unify_shape(a, b)
            self.unify_shape(r, a)

    def alternatives(self, c):
        """The ways an open constraint can hold: a scalar on the left, on the right, or
        the constraint proper."""
        kind, a, b, r = c
        if kind == "vector":
            return [lambda s: s.unify_shape(a, b), lambda s: s.unify_shape(a, (b[1], b[0]))]
        if kind.startswith("bars-"):
            return [lambda s: None]     # left open: |a| constrains nothing while a is
        if kind == "diag":
            return [lambda s: (s.unify(a[1], ONE), s.not_one(a[0]),
                               s.unify_shape(r, (a[0], a[0]))),
                    lambda s: (s.unify(a[0], ONE), s.not_one(a[1]),
                               s.unify_shape(r, (a[1], a[1]))),
                    lambda s: (s.unify(a[0], a[1]), s.not_one(a[0]),
                               s.unify_shape(r, (a[0], ONE)))]
        return [lambda s: (s.unify_shape(a, (ONE, ONE)), s.unify_shape(r, b)),
                lambda s: (s.unify_shape(b, (ONE, ONE)), s.unify_shape(r, a)),
                lambda s: s.apply(kind, a, b, r)]


def solutions(solver, budget=None, choose=None):
    """Every complete assignment reachable by deciding open constraints, up to `budget`
    branches; a branch that contradicts itself is dropped. `choose(solver, c)`, when given,
    returns the alternatives of the open constraint c to try (default: all of them)."""
    budget = [MAX_BRANCHES] if budget is None else budget
    try:
        solver.propagate()
    except Contradiction:
        return []
    if not solver.deferred:
        return [solver]
    if budget[0] <= 0:
        raise TooOpen()
    c = solver.deferred[0]
    out = []
    for alt in (solver.alternatives(c) if choose is None else choose(solver, c)):
        budget[0] -= 1
        s = solver.copy()
        s.deferred = s.deferred[1:]
        try:
            alt(s)
        except Contradiction:
            continue
        out.extend(solutions(s, budget, choose))
    return out


def _groups(solver) -> list:
    """The open constraints of `solver` in groups, two constraints in one group when they
    share a variable (through any chain of constraints)."""
    owner: dict = {}                            # root variable -> a constraint's index
    parent = list(range(len(solver.deferred)))

    def top(k):
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k
    for k, (_, a, b, r) in enumerate(solver.deferred):
        for t in (a, b, r):
            for d in (t or ()):
                v = solver.find(d)
                if isinstance(v, Var):
                    if v in owner:
                        parent[top(k)] = top(owner[v])
                    else:
                        owner[v] = k
    groups: dict = {}
    for k, c in enumerate(solver.deferred):
        groups.setdefault(top(k), []).append(c)
    return list(groups.values())


class Solutions:
    """Every complete solution of a solver, kept per independent group of open constraints
    (`solve`). Falsy when no solution exists. `values(dims)` is the set of the tuples of
    values `dims` take over all solutions, or None when a group they fall in had more than
    `MAX_BRANCHES` alternatives (nothing is known of it)."""

    def __init__(self, base, groups):
        self.base, self.groups = base, groups   # groups: [(root vars, [solvers] | None)]

    def __bool__(self):
        return self.base is not None and all(sols is None or sols for _, sols in self.groups)

    def values(self, dims):
        roots = [self.base.find(d) for d in dims]
        spots = []                              # per dim: (group index or None)
        for r in roots:
            spots.append(next((g for g, (vs, _) in enumerate(self.groups)
                               if isinstance(r, Var) and r in vs), None))
        involved = sorted({g for g in spots if g is not None})
        if any(self.groups[g][1] is None for g in involved):
            return None
        # per group, the joint values of its dims; across groups, every combination
        per = [{tuple(s.find(d) for d, g2 in zip(dims, spots) if g2 == g)
                for s in self.groups[g][1]} for g in involved]
        out = set()
        for combo in itertools.product(*per):
            vals, taken = [], {g: iter(c) for g, c in zip(involved, combo)}
            for r, g in zip(roots, spots):
                vals.append(r if g is None else next(taken[g]))
            out.add(tuple(vals))
        return out


def solve(solver, choose=None) -> Solutions:
    """The solutions of `solver`, each group of its open constraints decided on its own
    (`_groups`; a group with more than `MAX_BRANCHES` alternatives is left unknown);
    `choose` as in `solutions`."""
    try:
        solver.propagate()
    except Contradiction:
        return Solutions(None, [])
    groups = []
    for cs in _groups(solver):
        part = solver.copy()
        part.deferred = cs
        roots = {solver.find(d) for _, a, b, r in cs for t in (a, b, r) for d in (t or ())}
        try:
            sols = solutions(part, choose=choose)
        except TooOpen:
            sols = None
        groups.append(({v for v in roots if isinstance(v, Var)}, sols))
    return Solutions(solver, groups)
