"""The shape term of each syntax node of a document's definitions (the constraint side of
`infer.py`'s unification).

Contract: `Terms(lowerer, solver)` walks the definitions given to `Terms.definition(ds,
objective, shape)` and gives every matrix-notation value a shape term (rows, cols) of
dimensions -- SymPy expressions where known, `unify.Var` where not -- adding to `solver`
the constraints each construct imposes (see `infer.py`'s docstring for the list). What it
records for `infer.infer_shapes` to read off the solutions: `targets` (undeclared name ->
(term, first use)), `sizes` (span key of an unsized ``\\mathbf{1}`` / ``I`` -> its size),
`ranges` ((span key of a sum, index) -> its length), `indexed` (undeclared x used as x_i),
`bound_layers` (x^{(i)} with i bound), `opaque` (names inside arbitrary functions). It
raises `unify.Contradiction` where two constraints disagree; a construct it does not know
gets an unconstrained term.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp

from .. import names, ops
from ..read import syntax as S
from . import fresh
from .base import SIGMA_NAMES, substitute_names, walk_syntax
from .unify import ONE, Solver, Var

# the shape of a call's value from its argument's, for the calls that are not elementwise
# functions of the registry (those keep their argument's shape): data, looked up by name
CALL_SHAPES = {"abs": "same", "sg": "same", "softmax": "same", "sqrt": "same",
               "Diag": "diagonal", "diag": "diagonal",
               "tr": "scalar of square", "det": "scalar of square",
               "logdet": "scalar of square"}
# symbols that are operators, never a quantity whose shape could be inferred
NOT_QUANTITIES = {"nabla", "partial", "infty", "d", "mathrm{d}"}


def span_key(e):
    sp_ = getattr(e, "span", None)
    return None if sp_ is None or sp_.line == 0 else \
        (type(e).__name__, sp_.line, sp_.column, sp_.end_line, sp_.end_column)


class Terms:
    """The shape term of each syntax node of the document's definitions."""

    def __init__(self, lw, solver: Solver):
        self.lw, self.s = lw, solver
        self.defs: dict = {}            # definition keyword -> its term
        self.targets: dict = {}         # undeclared keyword -> (term, first use)
        self.sizes: dict = {}           # span key of a \mathbf{1} / I -> dimension var
        self.ranges: dict = {}          # (span key of a sum, index) -> dimension var
        self.entry_dims: dict = {}      # entrywise definition -> its indices' dimensions
        self.entries: dict = {}         # entrywise definition -> the term of one entry
        self.indexed: dict = {}         # undeclared x read by one bound index x_i -> first use
        self.members: set = set()       # ... read instead as a family of vectors (`_rival`)
        self.bound_layers: dict = {}    # undeclared x^{(i)}, i bound -> first use
        self.bound: list = []           # the terms of functions' compound arguments
        self.inline = True              # a document function's application: its body's term
        self.inlining = 0               # depth inside such bodies (their spans are shared)
        self.general = False            # matrix powers recorded in `pows`, not applied
        self.pows: list = []            # (base term, syntax) of each matrix power
        self.opaque: set = set()        # undeclared names inside constructs not modelled

    def fresh(self):
        return (self.s.fresh(), self.s.fresh())

    def unmodelled(self, e):
        """The term of a construct the inference does not model: open, and the undeclared
        names inside it are never given a general reading (`fresh.py`)."""
        for n in walk_syntax(e):
            if isinstance(n, (S.Sym, S.Sub)):
                for m in (n, getattr(n, "base", None)):
                    kw = names.keyword_of(m) if m is not None else None
                    if kw is not None and kw not in self.lw.info:
                        self.opaque.add(kw)
        return self.fresh()

    def known(self, shape):
        shape = tuple(sp.sympify(d) for d in shape)
        if len(shape) == 0:
            return (ONE, ONE)
        return (shape[0], ONE) if len(shape) == 1 else shape[-2:]

    def lowered(self, kw, info):
        """The term of a definition the lowering has already lowered (a claim's inference
        runs after its document's definitions are lowered): its bare name is that node
        (`NamingLowering.resolve_name`), entrywise or not, a vector a row where it is
        stored as one; None when not lowered, or of an order the bare name refuses."""
        node = self.lw.defs.get(kw)
        if node is None or len(node.shape) > 2:
            return None
        t = self.known(node.shape)
        if len(node.shape) == 1 and info.row:
            t = (ONE, t[0])
        if not info.family:
            self.s.unify_shape(self.of_def(kw), t)
        return t

    def of_def(self, kw):
        if kw not in self.defs:
            self.defs[kw] = self.fresh()
        return self.defs[kw]

    def target(self, kw, e):
        if kw not in self.targets:
            self.targets[kw] = (self.fresh(), e)
        return self.targets[kw][0]

    def undeclared(self, kw, e) -> bool:
        lw = self.lw
        base = e.base if isinstance(e, S.Sub) else e
        if not isinstance(base, S.Sym) or base.name in NOT_QUANTITIES:
            return False
        if base.primes and names.keyword_of(S.Sym(base.name, base.accent, base.layer)) in \
                lw.info:
            return False            # y' of a declared y: more likely y^T than a new name
        return kw is not None and kw not in lw.info and kw not in lw.functions and \
            kw not in ("e", "I", "pi") and not (isinstance(e, S.Sym) and (
                e.name in SIGMA_NAMES or ops.spelled("command", e.name)))

    # -------------------------------------------------------- names
    def name(self, e, scope):
        kw = names.keyword_of(e)
        if kw in scope:
            return (ONE, ONE)
        info = self.lw.info.get(kw)
        if info is not None:
            if info.kind in ("dim", "natural", "index"):
                return (ONE, ONE)
            if info.kind == "def":
                lowered = self.lowered(kw, info)
                if lowered is not None:
                    return lowered
                return self.of_def(kw) if not info.family else self.fresh()
            if info.family and len(info.shape) > 2:
                return self.fresh()
            return self.known(info.shape)   # a family of vectors, bare: its stacked matrix
        if isinstance(e, S.Sym) and e.name == "I" and kw == "I":
            n = self.s.fresh(nonone=True)
            if not self.inlining:
                self.sizes[span_key(e)] = n
            return (n, n)
        if isinstance(e, S.Sym) and e.name == "pi":
            return (ONE, ONE)
        if isinstance(e, S.Sym) and e.primes == 1 and e.layer is None:
            plain = S.Sym(e.name, e.accent, e.layer, sup=e.sup)
            pinfo = self.lw.info.get(names.keyword_of(plain))
            if pinfo is not None and pinfo.kind == "input":       # y': the transpose of y
                t = self.name(plain, scope)
                return (t[1], t[0])
        if self.undeclared(kw, e):
            if isinstance(e, S.Sym) and e.layer is not None and e.layer in scope:
                # x^{(i)} with i bound: the i-th member of a family, not one name
                self.bound_layers.setdefault(kw, e)
                return self.fresh()
            return self.target(kw, e)
        return self.fresh()

    def sub(self, e, scope):
        kw = names.keyword_of(e)
        if kw in self.lw.info and kw not in scope:
            return self.name(e, scope)
        try:
            idx = [i for i, _ in self.lw._sub_items(e)]
        except Exception:   # noqa: BLE001 - not indices: the lowering says what it is
            idx = []
        bkw = names.keyword_of(e.base) if isinstance(e.base, S.Sym) else None
        if self.lw.own_index_bracket(e, scope):      # [i]_i: the values of i
            return self.entry_builder(e, idx, scope)
        if not isinstance(e.base, S.Sym) and idx and len(idx) <= 2 and \
                len(set(idx)) == len(idx) and all(isinstance(i, str) and i not in scope
                                                  for i in idx):
            return self.entry_builder(e, idx, scope)
        if not isinstance(e.base, S.Sym) or not idx or any(i not in scope for i in idx):
            if kw is not None and self.undeclared(kw, e) and bkw not in self.lw.info \
                    and bkw not in self.entry_dims:
                return self.target(kw, e)
            return self.unmodelled(e)
        dims = [scope[i] for i in idx]
        info = self.lw.info.get(bkw)
        if bkw == "delta" and info is None and len(dims) == 2:
            self.s.unify(dims[0], dims[1])          # a Kronecker delta: one range
            return (ONE, ONE)
        if info is None and self.undeclared(bkw, e.base) and len(dims) <= 2:
            t = self.target(bkw, e.base)
            if len(dims) == 1 and bkw in self.members:     # x_i the member of a family
                n = self.s.fresh(nonone=True)
                self.s.unify_shape(t, (dims[0], n))
                return (n, ONE)
            if len(dims) == 1:
                self.indexed.setdefault(bkw, e)
            self.s.unify_shape(t, (dims[0], dims[1] if len(dims) == 2 else ONE))
            return (ONE, ONE)
        if info is not None and info.kind == "input" and len(info.shape) == len(dims):
            for d, n in zip(dims, info.shape):       # an entry: x_i, A_{ij}, z_{ij} of z_i
                self.s.unify(d, sp.sympify(n))
            return (ONE, ONE)
        if info is not None and info.kind == "input" and info.family == len(dims) and \
                len(info.shape) - len(dims) <= 2:
            for d, n in zip(dims, info.shape):       # a member z_i of a family
                self.s.unify(d, sp.sympify(n))
            return self.known(info.shape[len(dims):])
        if bkw in self.entry_dims and len(self.entry_dims[bkw]) == len(dims):
            for d, n in zip(dims, self.entry_dims[bkw]):     # \hat q_{ik} = ..., then q_{ik}
                self.s.unify(d, n)
            return self.entries.get(bkw) or self.fresh()
        if info is not None and info.kind == "def" and not info.family and len(dims) <= 2:
            t = self.of_def(bkw)
            if len(dims) == 2:
                self.s.unify_shape(t, (dims[0], dims[1]))
            else:                   # h_j of a column or of a row vector (h = x^T A)
                self.s.deferred.append(("vector", t, (dims[0], ONE), None))
            return (ONE, ONE)
        return self.fresh()

    def entry_builder(self, e, idx, scope):
        """``[body]_{i,j}`` with i, j bound by nothing outside: the array whose entry (i, j)
        is the body (`IndexLowering._entry_builder`); i and j run over its rows and columns,
        so where the body indexes no array the context gives their ranges (not 1: a range
        of one entry is not written as an index, as the size of a \\mathbf{1} is not 1)."""
        inner = dict(scope)
        for i in idx:
            if i in self.lw.ranges:
                inner[i] = lw_range(self.lw, i, e, self.s)
            else:
                inner[i] = self.s.fresh(nonone=True)
                if not self.inlining:
                    self.ranges[(span_key(e), i)] = inner[i]
        self.term(e.base, inner)
        return (inner[idx[0]], inner[idx[1]] if len(idx) == 2 else ONE)

    # -------------------------------------------------------- expressions
    def term(self, e, scope):
        method = getattr(self, "t_" + type(e).__name__, None)
        return method(e, scope) if method is not None else self.unmodelled(e)

    def t_Num(self, e, scope):
        return (ONE, ONE)

    def t_Sym(self, e, scope):
        return self.name(e, scope)

    def t_Sub(self, e, scope):
        return self.sub(e, scope)

    def t_Neg(self, e, scope):
        return self.term(e.arg, scope)

    def t_Ones(self, e, scope):
        if e.size is not None and not (isinstance(e.size, S.Stack) and len(e.size.items) == 2):
            try:
                return (self.lw.dim(e.size, {}), ONE)
            except Exception:   # noqa: BLE001 - the lowering says what is wrong with it
                return self.fresh()
        n = self.s.fresh(nonone=True)
        if not self.inlining:       # one span, many applications: the lowering sizes it
            self.sizes[span_key(e)] = n
        return (n, ONE)

    def t_Transpose(self, e, scope):
        if isinstance(e.arg, S.Num) and e.arg.value == "1":
            return (ONE, self.s.fresh(nonone=True))     # 1^T: a row of ones (atoms.py)
        a = self.term(e.arg, scope)
        return (a[1], a[0])

    def t_BinOp(self, e, scope):
        if e.op == S.MUL and not e.sign:
            got = self.lw.labelled_run(e)    # RSS^{OLS}(\theta): a name applied, no product
            if got is not None and got[1] is not None:
                return self.term(S.Apply(got[0], got[1], span=e.span), scope)
        a, b = self.term(e.left, scope), self.term(e.right, scope)
        if self.general and e.op == S.MUL:
            self._scales_unsized(e.left, a, e.right)
            self._scales_unsized(e.right, b, e.left)
        if e.op == S.COLON:
            self.s.unify_shape(a, b)
            return (ONE, ONE)
        if e.op == S.DIV:
            self.s.unify_shape(b, (ONE, ONE))
            return a
        if e.op == S.MUL and e.sign == "period":     # v.u: two vectors of one length
            self.s.unify(a[1], ONE)
            self.s.unify(b[1], ONE)
            self.s.unify(a[0], b[0])
            return (ONE, ONE)
        if e.op == S.MUL:
            # \nabla f(D), x^T \partial_{2} \ell(a, b): a derivative mark and the application
            # after it are the derivative (`lower.opaque`), not a product with a name
            pos = self.lw.derivative_mark(e.left, e.right)
            if pos is not None:
                return self.arbitrary_term(e.right, scope, pos)
            if isinstance(e.left, S.BinOp) and e.left.op == S.MUL and \
                    e.left.sign != "period":
                pos = self.lw.derivative_mark(e.left.right, e.right)
                if pos is not None:
                    a = self.term(e.left.left, scope)
                    b = self.arbitrary_term(e.right, scope, pos)
        r = self.fresh()
        self.s.deferred.append(("prod" if e.op == S.MUL else "same", a, b, r))
        return r

    def _scales_unsized(self, x, t, other):
        """``\\alpha \\mathbf{1}``, ``\\lambda I``: a lower-case undeclared name beside an
        unsized ones vector or identity is the scalar that scales it (a matrix there would
        multiply a size nothing gives) -- in the general reading (`fresh.py`) only."""
        unsized = (isinstance(other, S.Ones) and other.size is None) or \
            (isinstance(other, S.Sym) and other.name == "I" and "I" not in self.lw.info)
        kw = names.keyword_of(x) if isinstance(x, (S.Sym, S.Sub)) else None
        if unsized and kw is not None and self.undeclared(kw, x) and \
                fresh.is_lower(names.latex_of(x)):
            self.s.unify_shape(t, (ONE, ONE))

    def t_Frac(self, e, scope):
        if self.inlining:
            # \frac{1}{1 + \exp(-z)} in a function applied to a vector: the denominator is
            # not forced to be a scalar (the lowering reads the quotient entrywise where
            # that is its one reading, `terms.divide`); forcing it would pick one shape
            # for an undeclared name in the argument (\gamma of f(\gamma W x)) where the
            # lowering takes two
            a, b = self.term(e.num, scope), self.term(e.den, scope)
            r = self.fresh()
            self.s.deferred.append(("same", a, b, r))
            return r
        self.s.unify_shape(self.term(e.den, scope), (ONE, ONE))
        return self.term(e.num, scope)

    def _has_unknowns(self, e, scope) -> bool:
        """Does e use a name the document never declares (whose shape is inferred)? The
        name of a function applied (``g_1`` of ``g_1(W_1 x)``) is not one."""
        heads = {id(n.func) for n in walk_syntax(e) if isinstance(n, S.Apply)}
        for n in walk_syntax(e):
            if isinstance(n, (S.Sym, S.Sub)) and id(n) not in heads:
                kw = names.keyword_of(n)
                if kw is not None and kw not in scope and self.undeclared(kw, n):
                    return True
        return False

    def t_Pow(self, e, scope):
        a = self.term(e.base, scope)
        self.term(e.exp, scope)
        if e.hadamard:
            return a
        if isinstance(e.base, S.Sym) and e.base.name == "e" and "e" not in self.lw.info:
            return (ONE, ONE) if e.exp is None else self.term(e.exp, scope)
        if e.exp is not None:       # a name in an exponent (w^{(2)T}): not read generally
            self.unmodelled(e.exp)
        self.pows.append((a, e))
        if not self.general:
            self.s.unify(a[0], a[1])           # a power of a vector is refused
        return a

    def t_Norm(self, e, scope):
        a = self.term(e.arg, scope)
        if e.kind == "abs" and e.sub is None and not self.s.scalar(a):
            # |v| of a vector has the shape the lowering's reading gives it (the entrywise
            # absolute value: v's shape; the 2-norm: a scalar; atoms.read_vector_bars);
            # of a square matrix it is a determinant; while open, it stays open
            reading = getattr(self.lw, "vector_bars", "abs")
            r, c = self.s.shape(a)
            if (r == ONE) != (c == ONE) and self.s.not_scalar(a):
                return a if reading == "abs" else (ONE, ONE)
            # not known yet (\Phi u, a product whose shape a deferred constraint gives):
            # decided once it is (unify.Solver._decide_bars), open otherwise
            out = self.fresh()
            self.s.deferred.append(("bars-" + reading, a, None, out))
            return out
        return (ONE, ONE)

    def t_Call(self, e, scope):
        args = [self.term(x, scope) for x in e.args]
        f = e.func
        if len(args) != 1:
            return self.unmodelled(e)
        rule = "same" if f in ops.FUNCTIONS else CALL_SHAPES.get(f)
        if rule == "scalar of square":
            self.s.unify(args[0][0], args[0][1])
            return (ONE, ONE)
        if rule == "same":
            return args[0]
        if rule == "diagonal":          # of a vector or of a square matrix (unify.py)
            r = self.fresh()
            self.s.deferred.append(("diag", args[0], None, r))
            return r
        return self.unmodelled(e)

    def t_Apply(self, e, scope):
        kw = names.keyword_of(e.func)
        body = self.inlined(e, kw, scope)
        if body is not None:
            self.inlining += 1
            try:
                return self.term(body, scope)
            finally:
                self.inlining -= 1
        info = self.lw.info.get(kw)
        if info is None and isinstance(e.func, S.Sym) and e.func.name in SIGMA_NAMES \
                and len(e.args) == 1 and kw not in self.lw.functions:
            return self.term(e.args[0], scope)        # \sigma(z): the logistic function
        if info is None and len(e.args) == 1 and self.lw.letter_function(e.func) is not None:
            return self.term(e.args[0], scope)        # \Gamma(z): entrywise, z's shape
        if self.lw.density_name(e) is not None:         # \mathcal{N}(x | \mu, \Sigma)
            x, mean, _ = (self.term(a, scope) for a in e.args)
            self.s.unify_shape(x, mean)
            return (ONE, ONE)
        if info is None and self._arbitrary_applied(e):
            return self.arbitrary_term(e, scope)
        ds = self.lw.defsrc.get(kw)
        if info is not None and len(e.args) == 1 and \
                not (ds is not None and ds.stmt.params is not None):
            # W (x + b), n (h), c (…) with c defined: a product, as lowering reads it
            a, b = self.name(e.func, scope), self.term(e.args[0], scope)
            r = self.fresh()
            self.s.deferred.append(("prod", a, b, r))
            return r
        for x in e.args:
            self.term(x, scope)
        return self.unmodelled(e)

    def _arbitrary_applied(self, e) -> bool:
        r"""Does `e` apply an arbitrary function: a name (primes aside) neither declared,
        defined nor named in prose (\phi'(...) with \phi a declared vector is a transpose),
        that the text says is arbitrary or differentiates?"""
        f = e.func
        if not isinstance(f, S.Sym):
            return False
        base = names.keyword_of(S.Sym(f.name))
        if base in self.lw.info or base in self.lw.defsrc or base in self.lw.functions:
            return False
        return self.lw.arbitrary_function(f) is not None

    def arbitrary_term(self, e, scope, grad=None):
        r"""The shape of an application of an arbitrary function (`lower.opaque`), or of its
        derivative in argument `grad` (written \nabla / \partial_{k} before it), under
        postfixes (``\nabla f(D)^T``): an entrywise function's is its first argument's, a
        scalar function's a scalar and its gradient the argument's. The kind is the one all its
        uses decide (`lower.kinds`), else the one the lowering took, else a prime or the
        text's word for entrywise; else open."""
        if isinstance(e, S.Transpose):
            r, c = self.arbitrary_term(e.arg, scope, grad)
            return (c, r)
        if not isinstance(e, S.Apply):
            return self.term(e, scope)
        args = [self.term(a, scope) for a in e.args]
        kw = names.keyword_of(e.func)
        known = self.lw.arbitrary.get(kw)
        said = self.lw.arbitrary_function(e.func)
        decided = self.lw.decided_kind(kw)     # from all its uses (`lower.kinds`)
        kind = decided if decided is not None else known[1] if known is not None else \
            "entrywise" if getattr(e.func, "primes", 0) or (said and said[1] == "entrywise") \
            else None
        if kind == "entrywise" and args:
            return args[0]
        if kind == "scalar":
            return (ONE, ONE) if grad is None else \
                (args[grad] if 0 <= grad < len(args) else self.fresh())
        return self.unmodelled(e)

    def inlined(self, e, kw, scope):
        """The body of a document function (or a member of a family of functions) applied
        at `e`, its arguments put in: its shape is the application's, so names used only
        inside function bodies (``\\gamma_3`` of ``g_3``) get their shapes from where the
        function is applied. None when `e` applies no such function."""
        if not self.inline or self.inlining > 16:
            return None
        try:
            got = self.lw.applied_parts(e, kw)
        except Exception:   # noqa: BLE001 - a wrong application: the lowering says so
            return None
        if got is None:
            return None
        pairs, value = got
        mapping = {}
        for p, a in pairs:       # a compound argument's term once, as the lowering does
            if isinstance(a, (S.Sym, S.Sub, S.Num)):
                mapping[names.keyword_of(p)] = a
            else:
                self.bound.append(self.term(a, scope))
                mapping[names.keyword_of(p)] = _BoundTerm(len(self.bound) - 1, span=a.span)
        return substitute_names(value, mapping)

    def t__BoundTerm(self, e, scope):
        return self.bound[e.key]

    def t_BigOp(self, e, scope):
        inner = dict(scope)
        for i in e.indices:
            kw = names.keyword_of(i)
            if kw is None:
                return self.unmodelled(e)
            inner[kw] = self._range(e, kw, scope)
            if isinstance(inner[kw], Var) and e.lower is None and e.upper is None and \
                    not self.inlining:
                self.ranges[(span_key(e), kw)] = inner[kw]
        return self.term(e.body, inner)

    def _range(self, e, kw, scope):
        lw = self.lw
        bounds = [n for b in (e.lower, e.upper) if b is not None for n in walk_syntax(b)]
        if any(isinstance(n, (S.Sym, S.Sub)) and names.keyword_of(n) in scope
               for n in bounds):
            return self.s.fresh()           # \sum_{j=1}^{i} inside a sum over i
        try:
            if e.lower is not None and e.upper is not None and len(e.indices) == 1:
                lo, hi = lw.dim(e.lower, {}), lw.dim(e.upper, {})
                # only 1..n runs over a whole axis: a sub-range (k+1..n) says nothing of it
                return hi if lo == ONE and isinstance(hi, sp.Symbol) and \
                    str(hi) in {str(d) for d in lw.dims} | _dimension_names(lw) \
                    else self.s.fresh()
            if self.general and e.lower is None and e.upper is not None and \
                    len(e.indices) == 1:
                # \sum_j^C of an undeclared y_j: the general reading takes y of C entries
                # (a longer y summed in part is no reading a text writes this way)
                hi = lw.dim(e.upper, {})
                if isinstance(hi, sp.Symbol) and str(hi) in \
                        {str(d) for d in lw.dims} | _dimension_names(lw):
                    return hi
            if kw in lw.ranges:
                return lw._range_dim(kw, e)
        except Exception:   # noqa: BLE001 - a bound using another index: not a constraint
            pass
        return self.s.fresh()

    # -------------------------------------------------------- definitions
    def definition(self, ds, objective, shape=()):
        scope = {}
        for i in ds.indices:
            scope[i] = lw_range(self.lw, i, ds.stmt.target, self.s)
        if ds.indices:
            self.entry_dims.setdefault(ds.name, [scope[i] for i in ds.indices])
            for d, n in zip(self.entry_dims[ds.name], [scope[i] for i in ds.indices]):
                self.s.unify(d, n)
        v = self.term(ds.stmt.value, scope)
        info = self.lw.info.get(ds.name)
        if ds.indices and ds.name not in self.entries and any(
                isinstance(n, S.Sym) and names.keyword_of(n) in ds.indices
                for n in walk_syntax(ds.stmt.value)):
            # K_{ij} = <body using i, j>: an entry K_{ik} has the body's shape (a body that
            # does not use them, g_{ij} = sigm(f), is the whole array: its entries scalars)
            self.entries[ds.name] = v
        if ds.indices and len(ds.indices) <= 2 and ds.name in self.entries and \
                not self.s.not_scalar(v) and info is not None and not info.family and \
                info.decl_shape is None and ds.name not in self.lw.layouts:
            # K_{ik} = <a body using i, k>: the bare K is the matrix of those entries (rows
            # i, columns k), q_j = ... the column vector -- as the lowering reads them, so
            # that I and 1 beside K (K + \frac{1}{2} I) get their size from it. (A body that
            # turns out not to be scalar has no bare matrix: the lowering refuses bare K.)
            dims = [scope[i] for i in ds.indices]
            self.s.unify_shape(self.of_def(ds.name), (dims[0], dims[1] if len(dims) == 2 else ONE))
        if ds.indices or (info is not None and info.family):
            return
        self.s.unify_shape(self.of_def(ds.name), v)
        if info is not None and info.decl_shape is not None:
            self.s.unify_shape(v, self.known(info.decl_shape))
        if ds.name == objective and len(shape) <= 2:
            self.s.unify_shape(v, self.known(shape))


@dataclass(frozen=True)
class _BoundTerm:
    """A function's compound argument whose term is computed (`Terms.inlined`)."""
    key: int
    span: S.Span = field(default=S.NOSPAN, compare=False)


def _dimension_names(lw):
    return {k for k, i in lw.info.items() if i.kind == "dim"}


def lw_range(lw, i, where, solver):
    try:
        return lw._range_dim(i, where) if i in lw.ranges else solver.fresh()
    except Exception:   # noqa: BLE001
        return solver.fresh()
