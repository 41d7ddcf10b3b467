"""IR nodes: the node classes, interning, structural keys and the walk (the contract of
the IR is in `ir/__init__.py`; builders in build.py, rebuilding in transform.py)."""
from __future__ import annotations

import hashlib
import itertools
import weakref

import sympy as sp

Shape = tuple  # tuple of sympy expressions


class IRError(Exception):
    """An internal inconsistency (a bug in matcalc, not in the user's input)."""


# Interning is weak: a node nothing refers to any more is dropped from the table, so a
# long session does not keep every expression it ever built.
_TABLE = weakref.WeakValueDictionary()
_counter = itertools.count()


class Node:
    """Base class. Subclasses define `_fields` and `_shape(*fields) -> Shape`."""
    __slots__ = ("fields", "shape", "uid", "skey", "_deps", "_operands", "__weakref__")
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
        node._operands = None
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


def _field_text(f) -> str:
    if isinstance(f, Node):
        return f.skey
    if isinstance(f, tuple):
        return "(" + ",".join(_field_text(x) for x in f) + ")"
    if not hasattr(f, "free_symbols"):
        return repr(f)
    if isinstance(f, sp.Integer):  # the same text as str(f), without SymPy's printer
        return f"s:{f.p}"
    if isinstance(f, sp.Rational):
        return f"s:{f.p}/{f.q}"
    return "s:" + str(f)


def _digest(name, fields) -> str:
    """A structural key, the same in every process (unlike id() or hash() of strings):
    it orders the operands of a product canonically."""
    text = name + "|" + "|".join(_field_text(f) for f in fields)
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def walk(root: Node, stop=None) -> list:
    """All nodes below root (root included), children before parents, each once; the
    children of a node for which `stop(node)` is true are not visited. (The order is
    that of a depth-first walk visiting operands in order.)"""
    seen, order = {root.uid}, []
    if stop is not None and stop(root):
        return [root]
    stack = [(root, iter(operands(root)))]
    while stack:
        node, rest = stack[-1]
        for c in rest:
            if c.uid in seen:
                continue
            seen.add(c.uid)
            if stop is not None and stop(c):
                order.append(c)
                continue
            stack.append((c, iter(operands(c))))
            break
        else:
            stack.pop()
            order.append(node)
    return order


def operands(node: Node) -> tuple:
    """The direct sub-nodes of `node`, including those held in tuples (kept on the node
    after the first call: nodes never change, and every walk asks for them)."""
    out = node._operands
    if out is None:
        out = []
        for f in node.fields:
            if isinstance(f, Node):
                out.append(f)
            elif isinstance(f, tuple):
                out.extend(c for c in f if isinstance(c, Node))
        out = node._operands = tuple(out)
    return out


def dim_expr(e):
    """A dimension expression in a short exact form, without `sympy.simplify`.

    Contract: the result equals `e` identically. A rational function of the dimension
    symbols (all that index ranges and shapes produce: `N + M - (N + 1) + 1`, `n*K/K`) is put
    in canonical form by `cancel`, and the shortest of that, its factored form and `e` is
    returned (as `simplify` chooses); anything else falls back to `sympy.simplify`. Cheap: no
    `simplify`, whose first call imports `sympy.physics.units` (~0.15 s CPU)."""
    e = sp.sympify(e)
    if e.is_Atom:
        return e
    if not e.is_rational_function():
        return sp.simplify(e)
    r = sp.cancel(e)
    if r.is_Atom:
        return r
    return min((r, sp.factor(r), e), key=sp.count_ops)   # the first of the shortest


class FreshDim(sp.Symbol):
    """A dimension the document never names, made up for an undeclared array (``m_X``,
    `lower.fresh`): unequal to every other dimension symbol, its value read from the array
    passed. Whether it equals another dimension is unknown, not false."""


def same_dim(a, b) -> bool:
    """Whether two dimension expressions are identically equal (exact algebra)."""
    if a == b:
        return True
    d = sp.sympify(a - b)
    if d.is_rational_function():
        return sp.cancel(d) == 0
    return sp.simplify(d) == 0


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
    """Entrywise power base ** exp; `exp` is a scalar node or has base's shape (then the
    power is taken entry by entry, as in ``p_i^{y_i}``)."""
    _fields = ("base", "exp")

    @staticmethod
    def _shape(base, exp):
        if exp.shape not in ((), base.shape):
            raise IRError("Pow: exponent must be scalar or of the base's shape")
        return base.shape
