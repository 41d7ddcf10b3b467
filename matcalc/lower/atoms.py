"""Lowering the leaves and unary forms: numbers, negation, stacks, ones, transposes,
powers (entrywise, Hadamard ``X^{\\circ p}`` and matrix powers; ``W^Q`` as a name where it
cannot be a power; ``e^{x}``), norms (``\\|x\\|``, ``_1``, ``_2``, ``_F``) and bars (``|a|``
of a scalar, ``|X|`` of a square matrix: its determinant, ``|v|`` of a vector: the reading
that fits, see `read_vector_bars`), and the lazy ``\\mathbf{1}`` / ``I`` whose size the
context gives.

Contract: `AtomLowering` methods return `Val`s; what the notation leaves ambiguous (the power
of a vector, the norm of a matrix without a subscript, ``|v|`` where both readings fit) is a
`ParseError`/`ShapeError` saying how to write it.
"""
from __future__ import annotations

# subscripts that name the Frobenius norm of a matrix: \|X\|_F, \|X\|_\text{Fro}, _{fro}
FROBENIUS_SUBSCRIPTS = frozenset({"F", "Fro", "fro", "Frob", "frob", "Frobenius"})


import sympy as sp

from .. import ir, names, ops
from ..errors import MatcalcError
from ..ir import Const, Delta, contract, fmap, ones, pow_
from ..read import syntax as S
from ..values import Val, describe, mlabel, scalar
from .base import LoweringBase, walk_syntax
from .matrixfunctions import refuse_matrix_function


MAX_MATRIX_POWER = 4096  # |k| of a matrix power X^k (ops.MatPow from ops.COMPACT_POWER)


class AtomLowering(LoweringBase):
    """Leaves, powers and norms."""

    def x_Num(self, e, scope):
        try:
            return scalar(sp.Rational(e.value))
        except (TypeError, ValueError):
            raise self.perr(f"{e.value} is not a number", e) from None

    def x_Neg(self, e, scope):
        v = self.expr(e.arg, scope)
        return self._scale(v, -1)

    def _scale(self, v, c):
        if v.node is None:
            raise self.perr("cannot tell the size of this \\mathbf{1} or I", None)
        return Val(ir.scale(c, v.node), v.labels, v.mat, v.row)

    def x_Dots(self, e, scope):
        raise self.perr("an elided run (\\dots) is only understood in a range such as "
                        "`i = 1,\\dots,n`", e)

    def x_Stack(self, e, scope):
        """A vector or matrix literal written entry by entry (``\\begin{pmatrix} a & b \\\\
        c & d \\end{pmatrix}``, one column: a column vector, one row: a row vector): the sum
        of its entries, each times the 0/1 array that is 1 at its place. Entries are scalars
        (they may carry the indices in scope); a block entry is refused."""
        if any(isinstance(x, S.Dots) for x in e.items):
            if e.width > 1:
                raise self.perr("an elided run (\\dots) inside a matrix literal is not "
                                "supported in a formula: write every entry", e)
            raise self.perr("a stacked vector [a, ..., b] with an elided run is not supported "
                            "in a formula: write every entry", e)
        if not e.grid:      # [a, b]: a row or a column? (an array environment says)
            raise self.perr("a stacked vector [a, ..., b] is not supported in a formula: "
                            "write it as \\begin{pmatrix} a \\\\ b \\end{pmatrix} (a column) "
                            "or \\begin{pmatrix} a & b \\end{pmatrix} (a row)", e)
        rows, cols = len(e.items) // e.width, e.width
        ra, ca = mlabel(), mlabel()
        if rows == 1:
            axes, places = ((ca, cols),), [((j + 1,),) for j in range(cols)]
        elif cols == 1:
            axes, places = ((ra, rows),), [((i + 1,),) for i in range(rows)]
        else:
            axes = ((ra, rows), (ca, cols))
            places = [((i + 1,), (j + 1,)) for i in range(rows) for j in range(cols)]
        mat = tuple(lab for lab, _ in axes)
        acc = None
        for item, place in zip(e.items, places):
            v = self.expr(item, scope)
            if v.lazy or v.kind != "s":
                raise self.serr(f"an entry of a matrix literal must be a scalar, not "
                                f"{describe(v)} (block matrices are not supported)", item)
            masks = [ir.Mask((sp.Integer(n),), sp.Integer(k[0]), sp.Integer(k[0]))
                     for (_, n), k in zip(axes, place)]
            node = contract([v.node] + masks, [v.labels] + [(lab,) for lab in mat],
                            v.labels + mat)
            term = Val(node, v.labels + mat, mat, rows == 1)
            acc = term if acc is None else self.plus(acc, term, "+", e)
        return acc

    def x_Ones(self, e, scope):
        if isinstance(e.size, S.Stack) and len(e.size.items) == 2:
            # \mathbf{1}_{[a,\,b]} (as matcalc prints a sub-range): the 0/1 vector that is 1
            # on entries a..b, its length from where it stands
            n = self.inferred_size(e)
            if n is None:
                raise self.perr("cannot tell the length of this 0/1 vector \\mathbf{1}_{[a,b]} "
                                "from where it stands", e)
            lo, hi = (self.dim(x, {}) for x in e.size.items)
            if ir.dim_expr(lo - 1).is_negative or ir.dim_expr(hi - n).is_positive or \
                    ir.dim_expr(hi - lo + 1).is_negative or \
                    any(b.is_number and not b.is_integer for b in (lo, hi)):
                raise self.perr(f"the 0/1 vector \\mathbf{{1}}_{{[{lo},\\,{hi}]}} has "
                                f"length {n}: its entries are numbered 1 to {n}", e)
            m = mlabel()
            return Val(ir.Mask((n,), lo, hi), (m,), (m,))
        if e.size is None:
            n = self.inferred_size(e)
            if n is None:
                return Val(None, (), (), lazy="ones")
            m = mlabel()
            return Val(ones((n,)), (m,), (m,))
        n = self.size(e.size)
        m = mlabel()
        return Val(ones((n,)), (m,), (m,))

    def x_Transpose(self, e, scope):
        if self._apply_is_product(e.arg):
            inner = S.Transpose(e.arg.args[0], span=e.span)  # W (x)^T is W · xᵀ
            return self.product(self.expr(e.arg.func, scope), self.expr(inner, scope), e)
        if isinstance(e.arg, S.Num) and e.arg.value == "1":
            # 1^T: the number one has no transpose; the row of ones \mathbf{1}^T, its size
            # from the context (1^T z), as the ones vector written \mathbf{1}
            noted = self.__dict__.setdefault("_ones_t_noted", set())
            if e.span not in noted:
                noted.add(e.span)
                self.note(e, "1^T read as the row of ones \\mathbf{1}^T (the number 1 has no "
                             "transpose)", "inferred")
            return Val(None, (), (), True, "ones")
        v = self.expr(e.arg, scope)
        if len(v.mat) == 2:
            return Val(v.node, v.labels, (v.mat[1], v.mat[0]), False, v.lazy)
        if len(v.mat) == 1:
            return Val(v.node, v.labels, v.mat, not v.row, v.lazy)
        if v.lazy == "ones":
            return Val(None, (), (), True, "ones")
        return v

    def concrete(self, v: Val, shape_like: Val = None, n=None, where=None) -> Val:
        if v.node is not None:
            return v
        if n is None and shape_like is not None and shape_like.mat:
            n = shape_like.mat_dims()[0]
        if n is None:
            raise self.perr("cannot tell the size of this \\mathbf{1} or I from its "
                            "context: give it a subscript (\\mathbf{1}_n, I_n)", where)
        if v.lazy == "ones":
            m = mlabel()
            return Val(ones((n,)), (m,), (m,), v.row)
        a, b = mlabel(), mlabel()
        return Val(Delta(n), (a, b), (a, b))

    def materialise(self, v: Val, where) -> Val:
        if v.node is None:
            raise self.perr("cannot tell the size of this \\mathbf{1} or I from its "
                            "context: give it a subscript (\\mathbf{1}_n, I_n)", where)
        return v

    def _closed_by_group(self, e) -> bool:
        """Does a closing bracket follow e before the postfix, as in ``(x (u))^T`` (the
        postfix applies to the whole group), unlike ``x (u)^T``?"""
        sp_ = e.span
        lines = self.src.splitlines()
        if not sp_ or sp_.end_line < 1 or sp_.end_line > len(lines):
            return False
        rest = lines[sp_.end_line - 1][sp_.end_column - 1:].lstrip()
        return rest.startswith((")", "]", "}", "\\right", "\\big", "\\Big", "\\r"))

    def _apply_is_product(self, e):
        """An Apply whose name is a variable (a (b)^2): the postfix belongs to (b)."""
        if isinstance(e, S.Apply) and len(e.args) == 1 and not self._closed_by_group(e):
            kw = names.keyword_of(e.func)
            if kw in self.functions or self.family_member(e.func) is not None:
                return False
            if kw in self.info and not (kw in self.defsrc and self.defsrc[kw].stmt.params):
                self.refuse_dependence(kw, e)
                return True
            if isinstance(e.func, S.Sub) and kw not in self.info:
                return True
        return False

    def _scalar_name(self, e) -> bool:
        """Is the name e a scalar of the document (so that W^e could be a power)? A
        definition that uses W^e itself (Q = x W^Q) is not."""
        kw = names.keyword_of(e)
        info = self.info.get(kw)
        if info is None:
            return False
        if info.kind == "def":
            if kw in self.lowering:
                return False
            return self.define(kw).shape == ()
        return info.kind in ("dim", "natural") or not info.shape

    def _is_euler(self, e) -> bool:
        """An undeclared e as a power's base or exponent: Euler's number."""
        return isinstance(e, S.Sym) and names.keyword_of(e) == "e" and "e" not in self.info

    def _lowercase_t(self, e, scope):
        """``y^tK^{-1}y``: a lower-case t over a vector or matrix is its transpose when t is
        no name or index anywhere in the document (with a note); when t is one, the text
        has two readings (the transpose, and the power t) and is refused naming both.
        None when the base is a scalar (a power, read as usual)."""
        b = self.materialise(self.expr(e.base, scope), e.base)
        if b.kind == "s":
            return None
        base = names.latex_of(e.base) if isinstance(e.base, (S.Sym, S.Sub)) else "the base"
        if self._t_is_used(e.exp):
            raise self.perr(f"{base}^t has two readings: the transpose {base}^T, and {base} "
                            f"to the power t (t is also a name or an index in this document); "
                            f"write ^T for the transpose", e)
        self.note(e, f"{base}^t: t is no name or index here, so ^t is read as the "
                     f"transpose {base}^T", "inferred")
        return self.x_Transpose(S.Transpose(e.base, span=e.span), scope)

    def _t_is_used(self, exp) -> bool:
        """Is t declared, an index, bound, or written anywhere in the document other than
        as a superscript ^t?"""
        if "t" in self.info or "t" in self.ranges or "t" in self.functions:
            return True
        notes = list(self.notes) + list(getattr(self.doc, "notes", None) or ())
        if any(getattr(n, "text", None) == "t" for n in notes):
            return True
        sups, ts = set(), []
        for st in self.doc.statements:
            for node in walk_syntax(st):
                if isinstance(node, S.Pow) and isinstance(node.exp, S.Sym):
                    sups.add(id(node.exp))
                elif isinstance(node, S.Sym) and node.name == "t":
                    ts.append(node)
        return any(id(n) not in sups for n in ts)

    def x_Pow(self, e, scope):
        if self._apply_is_product(e.base):
            # a (b)^2 is a · b², not (a b)²
            inner = S.Pow(e.base.args[0], e.exp, e.hadamard, span=e.span)
            return self.product(self.expr(e.base.func, scope), self.expr(inner, scope), e)
        if isinstance(e.base, S.Transpose) and self._apply_is_product(e.base.arg):
            # a (B)^{-T} is a · ((B)^T)^{-1}, not ((a B)^T)^{-1}: the -T is one postfix,
            # read as a power of a transpose
            app = e.base.arg
            inner = S.Pow(S.Transpose(app.args[0], span=e.base.span), e.exp, e.hadamard,
                          span=e.span)
            return self.product(self.expr(app.func, scope), self.expr(inner, scope), e)
        if isinstance(e.base, S.Sub) and self._apply_is_product(e.base.base):
            # a (B)_{ij}^2 is a · ((B)_{ij})², not ((a B)_{ij})²
            app = e.base.base
            inner = S.Pow(S.Sub(app.args[0], e.base.subs, span=e.base.span), e.exp,
                          e.hadamard, span=e.span)
            return self.product(self.expr(app.func, scope), self.expr(inner, scope), e)
        named = self.sup_name(e)
        if named is not None and names.keyword_of(named) in self.info:
            # W^Q declared as a name: a power only if Q is also a number here
            if self._scalar_name(e.exp):
                raise self.perr(f"{names.latex_of(named)} has two readings: the declared "
                                f"name {names.latex_of(named)} and {names.latex_of(e.base)} "
                                f"to the power {names.latex_of(e.exp)}; rename one of them", e)
            return self.x_Sym(named, scope)
        zero = self.zero_name(e)
        if zero is not None:
            if names.keyword_of(zero) in self.info:
                return self.expr(zero, scope)            # r_{ij}^0 \in R declared: a name
            raise self.perr(f"{names.latex_of(e.base) if names.keyword_of(e.base) else 'this'}"
                            f"^0 has two readings: a power 0 (which is 1) or a name with the "
                            f"superscript 0 (a reference value, as r^0 in physics); declare "
                            f"the name, or write 1", e)
        if self._is_euler(e.base):
            v = self.expr(e.exp, scope)
            refuse_matrix_function(self, "exp", v, e, "e^{...}", e.exp)
            return Val(fmap("exp", v.node), v.labels, v.mat, v.row)
        if isinstance(e.base, S.Norm) and isinstance(e.exp, S.Num) and e.exp.value == "2":
            return self.norm(e.base, scope, squared=True)
        if isinstance(e.exp, S.Sym) and e.exp == S.Sym("t") and not e.hadamard:
            t_read = self._lowercase_t(e, scope)
            if t_read is not None:
                return t_read
        if self._is_euler(e.exp):
            x = scalar(sp.E)                 # x^e
        else:
            x = self.expr(e.exp, scope)
        if x.lazy or (x.kind != "s" and not e.hadamard):
            raise self.serr(f"an exponent must be a scalar, not {describe(x)}", e.exp)
        b = self.materialise(self.expr(e.base, scope), e.base)
        if x.kind != "s":
            return self._hadamard_power(b, x, e)
        if x.index_labels:
            return self._indexed_power(b, x, e)
        if b.kind == "s" or e.hadamard:
            return Val(pow_(b.node, x.node), b.labels, b.mat, b.row)
        if b.kind in ("c", "r"):
            raise self.serr("a power of a vector is ambiguous: write x \\odot x for the "
                            "entrywise square, or \\|x\\|^2", e)
        k = x.node.value if isinstance(x.node, Const) else None
        n1, n2 = b.mat_dims()
        if k is None or not k.is_integer or not ir.same_dim(n1, n2):
            raise self.serr(f"a power of {describe(b)} needs a square matrix and an integer "
                            f"exponent", e)
        fam = b.index_labels       # Σ_m^{-1}: member by member over the family's index
        if fam and abs(k) >= ops.COMPACT_POWER:
            raise self.serr(f"the power {k} of a member of a family of matrices is not "
                            f"supported (only powers below {ops.COMPACT_POWER}, as a "
                            f"product, and the inverse)", e)
        if abs(k) > MAX_MATRIX_POWER:
            raise self.serr(f"the matrix power {k} is too large (at most {MAX_MATRIX_POWER})", e)
        B = tuple(("_b", j) for j in range(len(fam)))
        node = contract([b.node], [b.labels], fam + b.mat)
        if k < 0:
            node = ops.Inv(node)   # of a batch: the inverse of each member (ops/linalg.py)
            k = -k
        k = int(k)
        if k >= ops.COMPACT_POWER:
            # one node, whose differential is one term Σ_j X^j dX X^{k-1-j} (ops/matpow.py)
            result = ops.MatPow(node, k)
        else:
            # one product of k factors (a product per factor would copy the chain k times)
            result = contract([node] * k, [B + (i, i + 1) for i in range(k)], B + (0, k)) \
                if k > 1 else node
        m = (mlabel(), mlabel())
        if k == 0:
            return Val(Delta(n1), m, m)
        return Val(result, fam + m, m)

    def _indexed_power(self, b, x, e):
        """``p_i^{y_i}``, ``\\alpha^{x_i}``: an entry to the power of an entry, taken entry by
        entry over the indices of both (each broadcast to the union of their indices)."""
        if b.kind != "s":
            raise self.serr(f"an exponent indexed by {', '.join(map(str, x.index_labels))} "
                            f"needs a scalar or an entry as its base, not {describe(b)}", e)
        self._check_index_dims(b, x, e)
        dims = {**b.dims(), **x.dims()}
        out = tuple(dict.fromkeys(b.labels + x.labels))

        def spread(v):
            miss = tuple(l for l in out if l not in v.labels)
            if not miss:
                return contract([v.node], [v.labels], out)
            return contract([v.node, ones(tuple(dims[l] for l in miss))], [v.labels, miss], out)
        return Val(pow_(spread(b), spread(x)), out, (), False)

    def _hadamard_power(self, b, x, e):
        """``A^{\\circ B}``: entry by entry, B of A's shape (or A a scalar, spread to B's)."""
        if x.index_labels or b.index_labels:
            raise self.serr("a Hadamard power of indexed arrays: write it entry by entry "
                            "(p_i^{y_i})", e)
        if b.kind == "s":
            node = contract([b.node, ones(x.node.shape)], [(), x.labels], x.labels) \
                if b.node.shape == () else b.node
            return Val(pow_(node, x.node), x.labels, x.mat, x.row)
        if b.kind != x.kind or not all(ir.same_dim(p, q) for p, q in
                                       zip(b.mat_dims(), x.mat_dims())):
            raise self.serr(f"a Hadamard power needs an exponent of its base's shape: "
                            f"{describe(b)} to the power {describe(x)}", e)
        return Val(pow_(b.node, x.node), b.labels, b.mat, b.row)

    def x_Norm(self, e, scope):
        return self.norm(e, scope)

    def norm(self, e, scope, squared=False):
        """``\\|x\\|``, ``\\|x\\|_2``, ``\\|x\\|_1``, ``\\|X\\|_F`` and the bars ``|x|``: of a
        scalar the absolute value, of a square matrix the determinant (as a Gaussian density
        writes ``|\\Sigma|``), of a vector the reading `vector_bars` says (see
        `read_vector_bars`); with a subscript (``|x|_2``) bars are a norm. Bars around a
        set a sum runs over are its number of entries (`setsums.set_size`)."""
        size = self.set_size(e, scope)
        if size is not None:
            return Val(pow_(size.node, 2), size.labels, ()) if squared else size
        v = self.materialise(self.expr(e.arg, scope), e.arg)
        sub = e.sub
        sub_txt = names.sub_text(sub) if sub is not None else None
        if v.kind == "s":
            node = pow_(v.node, 2) if squared else fmap("abs", v.node)
            return Val(node, v.labels, v.mat, v.row)
        if e.kind == "abs" and sub is None:
            if v.kind == "m":
                n1, n2 = v.mat_dims()
                if not ir.same_dim(n1, n2):
                    raise self.serr(f"|X| of {describe(v)} (not square) is neither a "
                                    f"determinant nor a norm: write \\|X\\|_F or "
                                    f"\\operatorname{{abs}}(X)", e)
                d = ops.CALLS["det"].lower(self, (e.arg,), e, scope)
                return Val(pow_(d.node, 2), (), ()) if squared else d
            self.bars_seen.append(e)
            if self.vector_bars == "abs":
                node = pow_(v.node, 2) if squared else fmap("abs", v.node)
                return Val(node, v.labels, v.mat, v.row)
        if sub_txt in FROBENIUS_SUBSCRIPTS:
            sub_txt = "F"               # \|V - WH\|_\text{Fro}: the Frobenius norm
        if v.kind == "m" and sub_txt is None and self.prose.frobenius:
            # "where $|| \cdot ||^2$ is the sum of the matrix's entries squared" (normwords)
            sub_txt = "F"
            self.note(e, f"the norm of a matrix read as the Frobenius norm, as the sentence "
                         f"says: \"{self.prose.frobenius[0]}\"", "prose")
        if v.kind == "m" and sub_txt != "F":
            raise self.perr("the norm of a matrix is ambiguous here: write \\|X\\|_F for the "
                            "Frobenius norm", e)
        if v.kind in ("c", "r") and sub_txt == "1":
            # the 1-norm: the sum of the entries' absolute values
            total = contract([fmap("abs", v.node)], [v.labels], v.index_labels)
            node = pow_(total, 2) if squared else total
            return Val(node, v.index_labels, ())
        if v.kind in ("c", "r") and sub_txt not in (None, "2"):
            raise self.perr(f"only the 1-norm and the 2-norm of a vector are supported "
                            f"(got _{sub_txt})", e)
        sq = contract([v.node, v.node], [v.labels, v.labels], v.index_labels)
        node = sq if squared else pow_(sq, sp.Rational(1, 2))
        return Val(node, v.index_labels, ())

    # ------------------------------------------------------------ |v| of a vector
    vector_bars = "abs"          # how |v| of a vector is read: "abs" (entrywise) | "norm"

    @property
    def bars_seen(self) -> list:
        """The |v| of a vector met while lowering (syntax nodes)."""
        return self.__dict__.setdefault("_bars_seen", [])


def read_vector_bars(make, run, doc=None):
    """Lower a document whose ``|v|`` of a vector has two readings, the entrywise absolute
    value and the 2-norm: `make(reading)` builds a fresh lowerer, `run(lowerer)` lowers.
    The reading that fits the document (the one that lowers: a scalar objective, shapes
    that agree) is used; when both fit, the document is refused naming both readings; when
    neither does, the entrywise reading's error is raised. Without such bars the document
    is lowered once."""
    first = make("abs")
    try:
        return_abs, err_abs = run(first), None
    except MatcalcError as err:
        return_abs, err_abs = None, err
    seen = list(first.bars_seen)
    if not seen:
        if err_abs is not None:
            raise err_abs
        return return_abs
    second = make("norm")
    try:
        return_norm, err_norm = run(second), None
    except MatcalcError:
        return_norm, err_norm = None, True
    if err_abs is None and err_norm is None:
        at = seen[0]
        raise first.perr("|v| of a vector has two readings here that give different "
                         "numbers: the entrywise absolute value (|v_i|) and the 2-norm "
                         "(\\|v\\|_2): write \\|v\\| for the norm or \\operatorname{abs}(v) "
                         "for the entries", at)
    if err_abs is None:
        return return_abs
    if err_norm is None:
        return return_norm
    raise err_abs
