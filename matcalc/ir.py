"""The intermediate representation: small, immutable, interned tensor expressions.

Contract:
- Every node is interned: constructing a node equal to an existing one returns that same
  object, so `a is b` is structural equality and common subexpressions are shared for free.
- Every node has a `shape`: a tuple of SymPy expressions (symbolic dimensions); `()` is a
  scalar. Constructors check that their arguments fit and raise `IRError` (an internal bug,
  never a user error: `lower` checks user shapes first and raises `ShapeError`).
- One generalised product, `Contract` (an einsum with integer axis labels), covers matmul,
  Hadamard, outer products, traces, the colon product, Diag, transposes and sums over axes.
  Beside it: `Add` (a linear combination), `Map` (an elementwise function named in `ops`),
  `Pow` (elementwise power with a scalar exponent), `ProdAxis` (product over one axis),
  `Inv`, `Det`, `LogDet`, `StopGrad`, `Reshape`, the leaves `Var` (an input), `Ref` (a named
  definition, kept by name so the chain is not inlined), `Dvar` (a differential, ``dX``),
  `Const` (a constant-filled tensor), `Delta` (the identity matrix) and `Mask` (the 0/1
  indicator of an index sub-range).
"""
from __future__ import annotations

import hashlib
import itertools
from typing import Iterable, Sequence

import sympy as sp

Shape = tuple  # tuple of sympy expressions


class IRError(Exception):
    """An internal inconsistency (a bug in matcalc, not in the user's input)."""


_TABLE: dict = {}
_counter = itertools.count()


class Node:
    """Base class. Subclasses define `_fields` and `_shape(*fields) -> Shape`."""
    __slots__ = ("fields", "shape", "uid", "skey", "_deps", "__weakref__")
    _fields: tuple = ()

    def __new__(cls, *fields):
        key = (cls, *fields)
        node = _TABLE.get(key)
        if node is not None:
            return node
        node = object.__new__(cls)
        node.fields = fields
        node.shape = cls._shape(*fields)
        node.uid = next(_counter)
        node.skey = _digest(cls.__name__, fields)
        node._deps = None
        _TABLE[key] = node
        return node

    def __init__(self, *fields):  # fields were set by __new__
        pass

    def __init_subclass__(cls, **kwargs):
        # each field by name as a property: a lookup in _fields per access is slow
        super().__init_subclass__(**kwargs)
        for i, name in enumerate(cls.__dict__.get("_fields", ())):
            setattr(cls, name, property(lambda self, i=i: self.fields[i]))

    def __getattr__(self, name):
        try:
            return self.fields[type(self)._fields.index(name)]
        except ValueError:
            raise AttributeError(name) from None

    def __reduce__(self):
        return (type(self), self.fields)

    @property
    def children(self) -> tuple:
        """The sub-nodes this node depends on, in order."""
        return tuple(f for f in self.fields if isinstance(f, Node))

    @property
    def rank(self) -> int:
        return len(self.shape)

    def deps(self) -> frozenset:
        """Names of the Var/Ref/Dvar leaves below this node (cached)."""
        if self._deps is None:
            out = set()
            for n in walk(self):
                if isinstance(n, (Var, Ref, Dvar)):
                    out.add(n)
            self._deps = frozenset(out)
        return self._deps

    def __repr__(self):
        inner = ", ".join(repr(f) if not isinstance(f, Node) else f"#{f.uid}" for f in self.fields)
        return f"{type(self).__name__}({inner})"


_SYMPY_TEXT: dict = {}   # (type, SymPy value) -> its text in a structural key


def _field_text(f) -> str:
    if isinstance(f, Node):
        return f.skey
    if isinstance(f, tuple):
        return "(" + ",".join(_field_text(x) for x in f) + ")"
    if not hasattr(f, "free_symbols"):
        return repr(f)
    text = _SYMPY_TEXT.get((type(f), f))
    if text is None:  # printing a SymPy number is slow, and the same ones recur
        text = _SYMPY_TEXT[(type(f), f)] = "s:" + str(f)
    return text


def _digest(name, fields) -> str:
    """A structural key, the same in every process (unlike id() or hash() of strings):
    it orders the operands of a product canonically."""
    text = name + "|" + "|".join(_field_text(f) for f in fields)
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def walk(root: Node, stop=None) -> list:
    """All nodes below root (root included), children before parents, each once; the
    children of a node for which `stop(node)` is true are not visited."""
    seen, order, stack = set(), [], [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if node.uid in seen:
            continue
        seen.add(node.uid)
        stack.append((node, True))
        if stop is not None and stop(node):
            continue
        for c in reversed(operands(node)):
            if c.uid not in seen:
                stack.append((c, False))
    return order


def operands(node: Node) -> tuple:
    """The direct sub-nodes of `node`, including those held in tuples."""
    out = []
    for f in node.fields:
        if isinstance(f, Node):
            out.append(f)
        elif isinstance(f, tuple):
            out.extend(c for c in f if isinstance(c, Node))
    return tuple(out)


def same_dim(a, b) -> bool:
    return a == b or sp.simplify(a - b) == 0


def _check_shape(a: Shape, b: Shape, what: str):
    if len(a) != len(b) or not all(same_dim(x, y) for x, y in zip(a, b)):
        raise IRError(f"{what}: shapes {a} and {b} differ")


# ---------------------------------------------------------------- leaves

class Var(Node):
    """An input array named `name` (the Python keyword)."""
    _fields = ("name", "shp")

    @staticmethod
    def _shape(name, shp):
        return tuple(shp)


class Ref(Node):
    """A named definition (its body lives in the Problem's definitions table)."""
    _fields = ("name", "shp")

    @staticmethod
    def _shape(name, shp):
        return tuple(shp)


class Dvar(Node):
    """The differential ``d<name>`` of a Var or Ref."""
    _fields = ("name", "shp")

    @staticmethod
    def _shape(name, shp):
        return tuple(shp)


class Const(Node):
    """A tensor of shape `shp` every entry of which is the SymPy number `value`."""
    _fields = ("value", "shp")

    @staticmethod
    def _shape(value, shp):
        return tuple(shp)


class Delta(Node):
    """The n-by-n identity matrix (Kronecker delta)."""
    _fields = ("n",)

    @staticmethod
    def _shape(n):
        return (n, n)


I0 = sp.Symbol("_i0", integer=True, positive=True)  # the outer index inside a 2-D Mask's bounds


class Mask(Node):
    """0/1 indicator over `shp`. 1-D: entry j (1-based) is 1 iff lo <= j <= hi. 2-D: entry
    (i, j) is 1 iff lo(i) <= j <= hi(i), where lo and hi may use the symbol `I0` for i."""
    _fields = ("shp", "lo", "hi")

    @staticmethod
    def _shape(shp, lo, hi):
        if len(shp) not in (1, 2):
            raise IRError("Mask is 1-D or 2-D")
        return tuple(shp)


# ---------------------------------------------------------------- operations

class Contract(Node):
    """einsum: operand k has axis labels idx[k] (ints); the result has labels `out`.
    A label absent from `out` is summed over. Labels are canonical: numbered by first
    appearance, output labels first (see `contract`, which builds canonical nodes)."""
    _fields = ("ops", "idx", "out")

    @staticmethod
    def _shape(ops, idx, out):
        dims = {}
        if len(ops) != len(idx):
            raise IRError("Contract: one label tuple per operand")
        for op, labels in zip(ops, idx):
            if len(labels) != op.rank:
                raise IRError(f"Contract: operand of rank {op.rank} given labels {labels}")
            for lab, d in zip(labels, op.shape):
                if lab in dims and not same_dim(dims[lab], d):
                    raise IRError(f"Contract: label {lab} has sizes {dims[lab]} and {d}")
                dims.setdefault(lab, d)
        if len(set(out)) != len(out):
            raise IRError("Contract: repeated output label")
        try:
            return tuple(dims[lab] for lab in out)
        except KeyError:
            raise IRError("Contract: output label not on any operand") from None

    def label_dims(self) -> dict:
        dims = {}
        for op, labels in zip(self.ops, self.idx):
            for lab, d in zip(labels, op.shape):
                dims.setdefault(lab, d)
        return dims


class Add(Node):
    """sum_k coeffs[k] * terms[k]; coefficients are SymPy numbers; shapes are equal."""
    _fields = ("terms", "coeffs")

    @staticmethod
    def _shape(terms, coeffs):
        if not terms or len(terms) != len(coeffs):
            raise IRError("Add: needs terms with one coefficient each")
        for t in terms[1:]:
            _check_shape(terms[0].shape, t.shape, "Add")
        return terms[0].shape


class Map(Node):
    """An elementwise function `fn` (a key of `ops.FUNCTIONS`) applied entrywise."""
    _fields = ("fn", "arg")

    @staticmethod
    def _shape(fn, arg):
        return arg.shape


class Pow(Node):
    """Entrywise power base ** exp; `exp` is a scalar node."""
    _fields = ("base", "exp")

    @staticmethod
    def _shape(base, exp):
        if exp.shape != ():
            raise IRError("Pow: exponent must be scalar")
        return base.shape


class ProdAxis(Node):
    """Product of the entries of `arg` along `axis` (the axis disappears)."""
    _fields = ("arg", "axis")

    @staticmethod
    def _shape(arg, axis):
        return arg.shape[:axis] + arg.shape[axis + 1:]


class ProdExcept(Node):
    """Entry j along `axis` is the product of the OTHER entries along that axis: the
    derivative of a product, exact where an entry is zero (no division)."""
    _fields = ("arg", "axis")

    @staticmethod
    def _shape(arg, axis):
        return arg.shape


class Inv(Node):
    """Matrix inverse."""
    _fields = ("arg",)

    @staticmethod
    def _shape(arg):
        if arg.rank != 2 or not same_dim(*arg.shape):
            raise IRError("Inv: needs a square matrix")
        return arg.shape


class Det(Node):
    """Determinant of a square matrix."""
    _fields = ("arg",)

    @staticmethod
    def _shape(arg):
        if arg.rank != 2 or not same_dim(*arg.shape):
            raise IRError("Det: needs a square matrix")
        return ()


class LogDet(Node):
    """log det of a square matrix (with positive determinant)."""
    _fields = ("arg",)

    @staticmethod
    def _shape(arg):
        if arg.rank != 2 or not same_dim(*arg.shape):
            raise IRError("LogDet: needs a square matrix")
        return ()


class StopGrad(Node):
    """Evaluates to `arg`; no gradient flows through it."""
    _fields = ("arg",)

    @staticmethod
    def _shape(arg):
        return arg.shape


class Reshape(Node):
    """Row-major reshape of `arg` to `shp` (same number of entries)."""
    _fields = ("arg", "shp")

    @staticmethod
    def _shape(arg, shp):
        if sp.simplify(sp.Mul(*arg.shape) - sp.Mul(*shp)) != 0:
            raise IRError(f"Reshape: {arg.shape} to {shp}")
        return tuple(shp)


# ---------------------------------------------------------------- builders

ZERO, ONE = sp.Integer(0), sp.Integer(1)


def const(value, shape: Shape = ()) -> Node:
    if isinstance(value, int):  # the common case; nsimplify is slow
        return Const(sp.Integer(value), tuple(shape))
    return Const(sp.nsimplify(value) if not isinstance(value, sp.Basic) else value, tuple(shape))


def zeros(shape: Shape) -> Node:
    return Const(ZERO, tuple(shape))


def ones(shape: Shape) -> Node:
    return Const(ONE, tuple(shape))


def is_zero(node: Node) -> bool:
    return isinstance(node, Const) and node.value == 0


def is_const(node: Node, value=None) -> bool:
    return isinstance(node, Const) and (value is None or node.value == value)


def contract(ops: Sequence[Node], idx: Sequence[Sequence], out: Sequence) -> Node:
    """Build a canonical Contract: nested Contracts are inlined, scalar Const factors are
    multiplied together, a zero factor gives zeros, a lone operand with identity labels is
    returned as is, and labels are renumbered (output first, then by first appearance).
    Labels may be any hashable values."""
    flat_ops, flat_idx = [], []
    fresh = itertools.count()
    coeff = ONE
    pending = list(zip(ops, (tuple(l) for l in idx)))
    while pending:
        op, labels = pending.pop(0)
        if isinstance(op, Contract):
            # inline: op's output labels become `labels`, its summed labels fresh ones
            mapping = dict(zip(op.out, labels))
            inner = []
            for inner_op, inner_labels in zip(op.ops, op.idx):
                new = []
                for lab in inner_labels:
                    if lab not in mapping:
                        mapping[lab] = ("_inl", next(fresh))
                    new.append(mapping[lab])
                inner.append((inner_op, tuple(new)))
            pending[:0] = inner
            continue
        if isinstance(op, Const) and op.shape == ():
            coeff = coeff * op.value
            continue
        flat_ops.append(op)
        flat_idx.append(labels)
    out = tuple(out)
    dims = {}
    for op, labels in zip(flat_ops, flat_idx):
        for lab, d in zip(labels, op.shape):
            dims.setdefault(lab, d)
    if coeff == 0 or any(is_zero(op) for op in flat_ops):
        return zeros(tuple(dims[lab] for lab in out))
    # scalar-Const ones tensor factors of value c: pull value into coeff, keep the ones
    for k, op in enumerate(flat_ops):
        if isinstance(op, Const) and op.value != 1:
            coeff = coeff * op.value
            flat_ops[k] = ones(op.shape)
    if coeff != 1:
        flat_ops.insert(0, Const(coeff, ()))
        flat_idx.insert(0, ())
    if len(flat_ops) == 1 and flat_idx[0] == out:
        return flat_ops[0]
    if not flat_ops:
        return Const(coeff, ())
    # canonical operand order (a scalar coefficient first), so equal products are one node
    pairs = sorted(zip(flat_ops, flat_idx),
                   key=lambda p: (0 if isinstance(p[0], Const) and p[0].shape == () else 1,
                                  p[0].rank, p[0].skey))
    flat_ops, flat_idx = [p[0] for p in pairs], [p[1] for p in pairs]
    flat_ops, flat_idx = _canonical_ties(flat_ops, flat_idx, out)
    # renumber: output labels first
    number = {}
    for lab in out:
        number.setdefault(lab, len(number))
    for labels in flat_idx:
        for lab in labels:
            number.setdefault(lab, len(number))
    return Contract(tuple(flat_ops), tuple(tuple(number[l] for l in ls) for ls in flat_idx),
                    tuple(number[l] for l in out))


def _renumbered(idx, out):
    number = {}
    for lab in out:
        number.setdefault(lab, len(number))
    for labels in idx:
        for lab in labels:
            number.setdefault(lab, len(number))
    return tuple(tuple(number[l] for l in ls) for ls in idx)


def _canonical_ties(ops, idx, out):
    """Order runs of identical operands so that the renumbered labels are smallest: then
    X_ab X_bc and X_bc X_ab are the same node."""
    start = 0
    ops, idx = list(ops), list(idx)
    while start < len(ops):
        end = start
        while end + 1 < len(ops) and ops[end + 1] is ops[start]:
            end += 1
        if end > start and end - start < 5:
            best = None
            for perm in itertools.permutations(range(start, end + 1)):
                trial = idx[:start] + [idx[k] for k in perm] + idx[end + 1:]
                key = _renumbered(trial, out)
                if best is None or key < best[0]:
                    best = (key, trial)
            idx = best[1]
        start = end + 1
    return ops, idx


def letters(n: int) -> tuple:
    return tuple(range(n))


def scale(c, node: Node) -> Node:
    """c * node for a SymPy number c."""
    c = sp.sympify(c)
    if c == 1:
        return node
    if c == 0:
        return zeros(node.shape)
    if isinstance(node, Const):
        return Const(c * node.value, node.shape)
    return add([node], [c])


def mul(*factors: Node) -> Node:
    """Elementwise (Hadamard) product of same-shaped nodes, scalars broadcast."""
    shape = max((f.shape for f in factors), key=len)
    labs = letters(len(shape))
    return contract(factors, [labs if f.shape else () for f in factors], labs)


def add(terms: Iterable[Node], coeffs: Iterable | None = None) -> Node:
    """A canonical linear combination: nested Adds flattened, zeros dropped, like terms
    (the same node) collected, scalar constants folded."""
    terms = list(terms)
    coeffs = [sp.sympify(c) for c in coeffs] if coeffs is not None else [ONE] * len(terms)
    acc: dict = {}
    order = []
    shape = terms[0].shape if terms else ()
    cval = ZERO

    def put(t, c):
        nonlocal cval
        if c == 0 or is_zero(t):
            return
        if isinstance(t, Add):
            for tt, cc in zip(t.terms, t.coeffs):
                put(tt, c * cc)
            return
        if isinstance(t, Contract) and t.ops and isinstance(t.ops[0], Const) and t.ops[0].shape == ():
            # pull a numeric coefficient out of a product
            rest = contract(t.ops[1:], t.idx[1:], t.out)
            put(rest, c * t.ops[0].value)
            return
        if isinstance(t, Const) and t.shape == ():
            cval += c * t.value
            return
        if t not in acc:
            acc[t] = ZERO
            order.append(t)
        acc[t] += c

    for t, c in zip(terms, coeffs):
        put(t, c)
    items = [(t, acc[t]) for t in order if acc[t] != 0]
    if cval != 0:
        items.insert(0, (Const(ONE, ()), cval)) if shape == () else items.insert(0, (ones(shape), cval))
    if not items:
        return zeros(shape)
    if len(items) == 1:
        t, c = items[0]
        if c == 1:
            return t
        if isinstance(t, Const):
            return Const(c * t.value, t.shape)
        labs = letters(t.rank)
        return contract([Const(c, ()), t], [(), labs], labs)  # a scaled term is a product
    # canonical term order (constants first), so equal sums are one node
    items.sort(key=lambda tc: (0 if isinstance(tc[0], Const) else 1, tc[0].skey))
    return Add(tuple(t for t, _ in items), tuple(c for _, c in items))


def matmul(a: Node, b: Node) -> Node:
    """Matrix product for ranks (2,2), (2,1), (1,2) [outer when (1,1) is not meant: use
    `inner`/`outer`], scalars scale."""
    if a.rank == 0 or b.rank == 0:
        return mul(a, b)
    la = ("a", "k") if a.rank == 2 else ("k",)
    lb = ("k", "b") if b.rank == 2 else ("k",)
    out = tuple(l for l in la[:-1]) + tuple(l for l in lb[1:])
    return contract([a, b], [la, lb], out)


def transpose(a: Node) -> Node:
    if a.rank < 2:
        return a
    return contract([a], [(0, 1)], (1, 0))


def inner(a: Node, b: Node) -> Node:
    """Full contraction a : b of two same-shaped tensors."""
    labs = letters(a.rank)
    return contract([a, b], [labs, labs], ())


def sum_all(a: Node) -> Node:
    return contract([a], [letters(a.rank)], ())


def pow_(base: Node, exponent) -> Node:
    e = exponent if isinstance(exponent, Node) else const(exponent)
    if is_const(e, 1):
        return base
    if is_const(e, 0):
        return ones(base.shape)
    if isinstance(base, Const) and isinstance(e, Const):
        return Const(sp.Pow(base.value, e.value), base.shape)
    if isinstance(base, Pow) and isinstance(e, Const) and e.value.is_integer:
        # (b^a)^k = b^(a k) for an integer k
        inner = base.exp
        new = Const(inner.value * e.value, ()) if isinstance(inner, Const) else \
            contract([Const(e.value, ()), inner], [(), ()], ())
        return pow_(base.base, new)
    return Pow(base, e)


def fmap(fn: str, arg: Node) -> Node:
    return Map(fn, arg)


def broadcast(node: Node, labels: tuple, shape_by_label: dict, out: tuple) -> Node:
    """Broadcast `node` (axes labelled `labels`) to the axes `out` (each label's size in
    shape_by_label), multiplying by a ones tensor over the missing labels."""
    missing = tuple(l for l in out if l not in labels)
    if not missing and tuple(labels) == tuple(out):
        return node
    ops, idx = [node], [tuple(labels)]
    if missing:
        ops.append(ones(tuple(shape_by_label[l] for l in missing)))
        idx.append(missing)
    return contract(ops, idx, out)


def transform(root: Node, fn=None, mapping=None, raw=False, stop=None, memo=None) -> Node:
    """Rebuild `root` bottom-up: every node first gets its (transformed) children, then
    `fn(node)` may replace it (return the node itself to keep it). `mapping` replaces
    nodes by identity before anything else. Nodes for which `stop(node)` holds are kept
    as they are, subtree and all. Rebuilt nodes go through the canonicalising builders
    unless `raw` (presentation keeps the arrangement it makes). `memo` (uid -> result),
    if given, is read and extended: several calls with the same `fn` then rebuild each
    subtree once, and the walk does not enter a subtree already done."""
    if memo is None:
        memo = {}
    elif memo:
        outer = stop
        stop = (lambda n: n.uid in memo) if outer is None else \
            (lambda n: n.uid in memo or outer(n))
    mapping = mapping or {}
    for node in walk(root, stop):
        if node.uid in memo:
            continue
        if node in mapping:
            memo[node.uid] = mapping[node]
            continue
        if stop is not None and stop(node):
            memo[node.uid] = node
            continue
        fields, changed = [], False
        for f in node.fields:
            if isinstance(f, Node):
                g = memo.get(f.uid, f)
            elif isinstance(f, tuple) and any(isinstance(c, Node) for c in f):
                g = tuple(memo.get(c.uid, c) if isinstance(c, Node) else c for c in f)
                if all(a is b for a, b in zip(g, f)):
                    g = f  # nothing below changed: no rebuild
            else:
                g = f
            changed |= g is not f
            fields.append(g)
        cur = node
        if changed:
            cur = type(node)(*fields) if raw else rebuild(node, fields)
        memo[node.uid] = fn(cur) if fn is not None else cur
    return memo[root.uid]


def substitute(root: Node, mapping: dict) -> Node:
    """Replace nodes (keys of mapping, by identity) throughout root."""
    return transform(root, mapping=mapping)


def rebuild(node: Node, fields: list) -> Node:
    """Rebuild `node` with new fields through the canonicalising builders."""
    if isinstance(node, Contract):
        return contract(fields[0], fields[1], fields[2])
    if isinstance(node, Add):
        return add(fields[0], fields[1])
    if isinstance(node, Pow):
        return pow_(fields[0], fields[1])
    return type(node)(*fields)


_COUNTS: dict = {}   # uid -> number of distinct nodes below (nodes never change)


def count_nodes(root: Node) -> int:
    n = _COUNTS.get(root.uid)
    if n is None:
        n = _COUNTS[root.uid] = len(walk(root))
    return n
