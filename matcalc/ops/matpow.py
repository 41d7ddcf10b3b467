"""The matrix power X^p and its differential Σ_k X^k dX X^{p-1-k}. One class block each
(see `ops/linalg.py` for what a block holds).

A matrix power written as a product of p factors has a differential of p terms of p
factors each (quadratic in p to carry, print and compile). `MatPow` keeps the power as one
node and `PowSum` keeps its differential as one term: a sum over k with the powers shared.
PowSum's colon move is PowSum again with the transposed base,

    G : Σ_k B^k dX B^{p-1-k} = Σ_k (B^T)^k G (B^T)^{p-1-k} : dX,

so the gradient of a power is one compact term however large p is, and the generated code
computes it in a loop that accumulates the powers (3(p-1) matrix products; 2(p-1)
matrix-vector products and one n×p by p×n product when G is an outer product u vᵀ).

Lowering makes a MatPow for an integer exponent with |p| >= COMPACT_POWER (a negative one as
the power of the inverse, which is computed once); smaller powers stay products, whose
differential reads (and computes) best written out: Xᵀ a bᵀ + a bᵀ Xᵀ.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..ir import Contract, Delta, IRError, Node, add, contract, same_dim, transpose
from .registry import node_op

COMPACT_POWER = 4      # |p| from which X^p is one node (smaller: a product of |p| factors)


def _square(arg, what):
    if arg.rank != 2 or not same_dim(*arg.shape):
        raise IRError(f"{what}: needs a square matrix")


def _exponent(k, what, least):
    if not isinstance(k, int) or isinstance(k, bool) or k < least:
        raise IRError(f"{what}: the exponent must be an integer >= {least}, not {k!r}")


def power(base, k: int):
    """base^k for an integer k >= 0 as lowering writes it: δ, the base, a product of k
    factors below COMPACT_POWER, else a MatPow."""
    if k == 0:
        return Delta(base.shape[0])
    if k == 1:
        return base
    return _product(*[base] * k) if k < COMPACT_POWER else MatPow(base, k)


def _product(*factors):
    """The matrix product of `factors` (each n×n), left to right."""
    n = len(factors)
    return contract(list(factors), [(i, i + 1) for i in range(n)], (0, n))


def _base_text(r, base):
    """The base of a power in this style, parenthesised unless it is a bare name."""
    s, p = r.part(base)
    plain = p >= r.ATOM and "^" not in s and "'" not in s and "ᵀ" not in s \
        and "⁻" not in s
    return s if plain else f"{r.t['lp']}{s}{r.t['rp']}"


def _sup(r, base_text, exp_text):
    """base^exponent in this style (text: the exponent in parentheses unless one word)."""
    if r.is_latex:
        return f"{base_text}^{{{exp_text}}}"
    return f"{base_text}^{exp_text}" if exp_text.isalnum() else f"{base_text}^({exp_text})"


@node_op
class MatPow(Node):
    """The matrix power arg^k, k an integer >= 2 (a negative power is the MatPow of the
    inverse)."""
    _fields = ("arg", "k")
    examples = (
        dict(doc=r"X \in \mathbb{R}^{n\times n}, a, b \in \mathbb{R}^n \\ f = a^T X^{5} b",
             wrt="X", f=lambda X, a, b: a @ np.linalg.matrix_power(X, 5) @ b),
        dict(doc=r"X \in \mathbb{R}^{n\times n}, a, b \in \mathbb{R}^n \\ f = a^T X^{-4} b",
             wrt="X", f=lambda X, a, b: a @ np.linalg.matrix_power(np.linalg.inv(X), 4) @ b),
    )
    identity = r"d(X^{p}) = \sum_{k=0}^{p-1} X^{k}\,dX\,X^{p-1-k}"
    symmetric_from = ("arg",)      # (S^k)^T = S^k for a symmetric S (symmetric.py)

    @staticmethod
    def _shape(arg, k):
        _square(arg, "MatPow")
        _exponent(k, "MatPow", 2)
        return arg.shape

    @staticmethod
    def jvp(node, d):
        dx = d(node.arg)
        return None if dx is None else PowSum(node.arg, node.k, dx)

    @staticmethod
    def render(node, r):
        from .linalg import Inv
        if isinstance(node.arg, Inv):          # X^{-p}, as it is written
            s = _base_text(r, node.arg.arg)
            return _sup(r, s, f"-{node.k}"), r.POW
        return _sup(r, _base_text(r, node.arg), str(node.k)), r.POW

    @staticmethod
    def numpy(node, em):
        return f"{em.ns}.linalg.matrix_power({em.value(node.arg)}, {node.k})"

    @staticmethod
    def times_vector(node):
        """The code form (codegen/forms.py) of a product holding X^p and a vector: X^p as
        the chain of its p factors, which the contraction planner evaluates as p
        matrix-vector products (X^p itself would take log p matrix products)."""
        if not isinstance(node, Contract) or not any(op.rank == 1 for op in node.ops):
            return None
        for j, op in enumerate(node.ops):
            if isinstance(op, MatPow):
                ops_ = list(node.ops)
                ops_[j] = _product(*[op.arg] * op.k)
                return contract(ops_, node.idx, node.out)
        return None

    @staticmethod
    def sympy(node, conv, idx):
        return sp.MatPow(conv.matrix(node.arg), node.k)[idx[0], idx[1]]


# ------------------------------------------------------------------ the differential

_POW_SUM = '''def _pow_sum(b, k, m):
    """Σ_{j=0}^{k-1} b^j m b^{k-1-j} for square b, m: R_0 = m, R_j = b R_{j-1} + m b^j
    (the powers of b accumulated, 3(k-1) matrix products)."""
    r, p = m, b
    for j in range(1, k):
        r = b @ r + m @ p
        if j < k - 1:
            p = p @ b
    return r
'''

_POW_SUM_OUTER = '''def _pow_sum_outer(b, k, u, v):
    """Σ_{j=0}^{k-1} b^j u vᵀ b^{k-1-j} = Σ_j (b^j u)((bᵀ)^{k-1-j} v)ᵀ = U Wᵀ, U and W the
    n×k matrices of those columns: 2(k-1) matrix-vector products and one matrix product."""
    dt = np.result_type(b, u, v)
    us, ws = np.empty((u.shape[0], k), dtype=dt), np.empty((v.shape[0], k), dtype=dt)
    us[:, 0], ws[:, k - 1] = u, v
    bt = b.T
    for j in range(1, k):
        us[:, j] = b @ us[:, j - 1]
        ws[:, k - 1 - j] = bt @ ws[:, k - j]
    return us @ ws.T
'''

# JAX arrays cannot be written in place: the other back ends accumulate the outer products
_POW_SUM_OUTER_PLAIN = '''def _pow_sum_outer(b, k, u, v):
    """Σ_{j=0}^{k-1} b^j u vᵀ b^{k-1-j} = Σ_j (b^j u)((bᵀ)^{k-1-j} v)ᵀ: 2(k-1)
    matrix-vector products and k outer products."""
    us, ws = [u], [v]
    bt = b.T
    for _ in range(1, k):
        us.append(b @ us[-1])
        ws.append(bt @ ws[-1])
    r = us[0][:, None] * ws[k - 1][None, :]
    for j in range(1, k):
        r = r + us[j][:, None] * ws[k - 1 - j][None, :]
    return r
'''


def _outer(m):
    """(u, v) if `m` is an outer product u vᵀ: a product whose operands fall into two
    groups sharing no axis, one carrying the row axis and the other the column axis
    (a scalar factor goes with u); else None."""
    if not isinstance(m, Contract) or len(m.out) != 2:
        return None
    row, col = m.out
    group = {row: 0, col: 1}          # label -> side, grown until nothing changes
    side = [None] * len(m.ops)
    changed = True
    while changed:
        changed = False
        for k, ls in enumerate(m.idx):
            sides = {group[l] for l in ls if l in group}
            if len(sides) > 1:
                return None           # one operand joins the row and the column
            if sides and side[k] is None:
                side[k] = sides.pop()
                for l in ls:
                    group[l] = side[k]
                changed = True
    parts = ([], [])
    for k, (op, ls) in enumerate(zip(m.ops, m.idx)):
        parts[side[k] or 0].append((op, ls))
    if not parts[1]:
        return None
    u, v = (contract([o for o, _ in p], [l for _, l in p], (lab,))
            for p, lab in zip(parts, (row, col)))
    return u, v


def _core(b):
    """(node, transposed): `b` as a product holds it (a transpose is its operand with the
    axes swapped)."""
    if isinstance(b, Contract) and len(b.ops) == 1 and b.out == (0, 1):
        if b.idx[0] == (1, 0):
            return b.ops[0], True
        if b.idx[0] == (0, 1):
            return b.ops[0], False
    return b, False


@node_op
class PowSum(Node):
    """Σ_{j=0}^{k-1} base^j arg base^{k-1-j} (base and arg square, k >= 1): the
    differential of base^k in the direction arg, and, with the base transposed, its
    adjoint. Linear in `arg`."""
    _fields = ("base", "k", "arg")
    examples = (dict(doc=r"X \in \mathbb{R}^{n\times n}, A \in \mathbb{R}^{n\times n} \\ "
                         r"f = \operatorname{Tr}(A X^{6})",
                     wrt="X", f=lambda X, A: np.trace(A @ np.linalg.matrix_power(X, 6))),)
    identity = MatPow.identity
    # (Σ_k B^k A B^{p-1-k})^T = Σ_k B^{p-1-k} A B^k for symmetric A, B: the same sum
    symmetric_from = ("base", "arg")
    adjoint_name = "matrix-power"
    adjoint_identity = (r"G : \sum_{k=0}^{p-1} X^{k}\,dY\,X^{p-1-k} = "
                        r"\sum_{k=0}^{p-1} (X^{T})^{k}\,G\,(X^{T})^{p-1-k} : dY")
    helpers = {"_pow_sum": _POW_SUM, "_pow_sum_outer": _POW_SUM_OUTER}
    backend_helpers = {b: {"_pow_sum": _POW_SUM, "_pow_sum_outer": _POW_SUM_OUTER_PLAIN}
                       for b in ("jax", "torch", "array_api")}

    @staticmethod
    def _shape(base, k, arg):
        _square(base, "PowSum")
        _exponent(k, "PowSum", 1)
        if arg.rank != 2 or not all(same_dim(a, b) for a, b in zip(arg.shape, base.shape)):
            raise IRError("PowSum: the argument must have the base's shape")
        return base.shape

    @staticmethod
    def adjoint(lin, g):
        """G : PowSum(B, k, dY) = PowSum(Bᵀ, k, G) : dY"""
        return [(PowSum(transpose(lin.base), lin.k, g), lin.arg)]

    @staticmethod
    def vmap(node, arg, lead):
        """PowSum of an argument with leading axes `lead`: one per leading index (written
        out: each term is a product of matrices broadcast over the leading axes)."""
        return _expanded(node, arg, len(lead))

    @staticmethod
    def jvp(node, d):
        """d Σ_j B^j M B^{k-1-j} = PowSum(B, k, dM) + Σ_j [d(B^j) M B^{k-1-j} +
        B^j M d(B^{k-1-j})], with d(B^j) = PowSum(B, j, dB): O(k) compact terms."""
        b, k, m = node.base, node.k, node.arg
        db, dm = d(b), d(m)
        terms = [PowSum(b, k, dm)] if dm is not None else []
        if db is not None:
            for j in range(1, k):
                terms.append(_product(PowSum(b, j, db), m, power(b, k - 1 - j)))
                terms.append(_product(power(b, k - 1 - j), m, PowSum(b, j, db)))
        return add(terms) if terms else None

    @staticmethod
    def render(node, r):
        (k,) = r.index_letters(1, ("i", "j"))
        b = _base_text(r, node.base)
        m, mp = r.part(node.arg)
        top = node.k - 1
        left = _sup(r, b, k)
        right = _sup(r, b, f"{top}-{k}" if r.is_latex else f"{top}−{k}")
        body = r.juxt([left, r.wrap(m, mp, r.MUL), right])
        if r.is_latex:
            return rf"\sum_{{{k}=0}}^{{{top}}} {body}", r.ADD
        return f"Σ_{k}=0^{top} {body}", r.ADD

    @staticmethod
    def numpy(node, em):
        b = em.value(node.base)
        uv = _outer(node.arg)
        if uv is not None:
            em.helpers.add("_pow_sum_outer")
            return f"_pow_sum_outer({b}, {node.k}, {em.value(uv[0])}, {em.value(uv[1])})"
        em.helpers.add("_pow_sum")
        return f"_pow_sum({b}, {node.k}, {em.value(node.arg)})"

    @staticmethod
    def of_outer_product(node):
        """The code form (codegen/forms.py) of a product holding Σ_j B^j u vᵀ B^{k-1-j}:
        that operand as K(B, u) K'(Bᵀ, v)ᵀ, two n×k matrices (columns B^j u and
        (Bᵀ)^{k-1-j} v: 2(k-1) matrix-vector products), so that the matrices around it
        multiply n×k, not n×n, factors. (A PowSum that is no product's operand is computed
        by `_pow_sum_outer`, the same work.)"""
        if not isinstance(node, Contract):
            return None
        for j, op in enumerate(node.ops):
            uv = _outer(op.arg) if isinstance(op, PowSum) and op.k >= 2 else None
            if uv is None:
                continue
            r, c = node.idx[j]
            q = ("_krylov", j)
            u, v = uv
            ops_ = list(node.ops[:j]) + list(node.ops[j + 1:]) + [
                Krylov(op.base, u, op.k, False), Krylov(transpose(op.base), v, op.k, True)]
            idx = list(node.idx[:j]) + list(node.idx[j + 1:]) + [(r, q), (c, q)]
            return contract(ops_, idx, node.out)
        return None

    @staticmethod
    def absorb_neighbours(node):
        """The code form (codegen/forms.py) of B PowSum(B, k, u vᵀ) B = PowSum(B, k,
        (B u)(Bᵀ v)ᵀ) inside a product (the gradient of X^{-p}: X⁻ᵀ (…) X⁻ᵀ), so that the
        sandwich costs two matrix-vector products, not two matrix products. Only where the
        two axes joining them are carried by nothing else."""
        if not isinstance(node, Contract):
            return None
        for j, op in enumerate(node.ops):
            if not isinstance(op, PowSum) or _outer(op.arg) is None:
                continue
            r, c = node.idx[j]
            core, swapped = _core(op.base)
            left = right = None
            for m, (o, ls) in enumerate(zip(node.ops, node.idx)):
                if m == j or o is not core or len(ls) != 2:
                    continue
                p_, q_ = ls[::-1] if swapped else ls          # o's axes as B's
                if q_ == r and p_ != r and left is None:
                    left = (m, p_)
                elif p_ == c and q_ != c and right is None and m != (left or (None,))[0]:
                    right = (m, q_)
            if left is None or right is None:
                continue
            holders = [ls for m, ls in enumerate(node.idx) if m not in (j, left[0], right[0])]
            if any(r in ls or c in ls for ls in holders) or r in node.out or c in node.out:
                continue
            u, v = _outer(op.arg)
            b = op.base
            bu = contract([b, u], [(0, 1), (1,)], (0,))
            btv = contract([b, v], [(1, 0), (1,)], (0,))
            new = PowSum(b, op.k, contract([bu, btv], [(0,), (1,)], (0, 1)))
            keep = [m for m in range(len(node.ops)) if m not in (j, left[0], right[0])]
            return contract([node.ops[m] for m in keep] + [new],
                            [node.idx[m] for m in keep] + [(left[1], right[1])], node.out)
        return None

    @staticmethod
    def sympy(node, conv, idx):
        b, m = conv.matrix(node.base), conv.matrix(node.arg)
        k = node.k
        total = sp.ZeroMatrix(*b.shape)
        for j in range(k):
            total = total + sp.MatPow(b, j) * m * sp.MatPow(b, k - 1 - j)
        return total[idx[0], idx[1]]


_KRYLOV = '''def _krylov(b, u, k, reverse):
    """The n×k matrix of columns u, b u, ..., b^{k-1} u (in reverse order if `reverse`)."""
    out = np.empty((u.shape[0], k), dtype=np.result_type(b, u))
    c = u
    for j in range(k):
        out[:, k - 1 - j if reverse else j] = c
        if j < k - 1:
            c = b @ c
    return out
'''


@node_op
class Krylov(Node):
    """The n×k matrix whose column j is base^j vec (base^{k-1-j} vec if `reverse`): made
    only by PowSum's code form (`of_outer_product`), never by a derivation."""
    _fields = ("base", "vec", "k", "reverse")
    examples = ()   # code only: PowSum's example covers it
    helpers = {"_krylov": _KRYLOV}

    @staticmethod
    def _shape(base, vec, k, reverse):
        _square(base, "Krylov")
        _exponent(k, "Krylov", 1)
        if vec.rank != 1:
            raise IRError("Krylov: needs a vector")
        return (base.shape[0], sp.Integer(k))

    @staticmethod
    def jvp(node, d):
        raise IRError("Krylov is a code form: it is never differentiated")

    @staticmethod
    def render(node, r):
        b, (u, up) = _base_text(r, node.base), r.part(node.vec)
        top = node.k - 1
        cols = (f"{u}, \\dots, {_sup(r, b, str(top))} {r.wrap(u, up, r.MUL)}" if r.is_latex
                else f"{u}, …, {_sup(r, b, str(top))} {r.wrap(u, up, r.MUL)}")
        return f"{r.t['lp']}{cols}{r.t['rp']}", r.ATOM

    @staticmethod
    def numpy(node, em):
        em.helpers.add("_krylov")
        return (f"_krylov({em.value(node.base)}, {em.value(node.vec)}, {node.k}, "
                f"{node.reverse})")


def _expanded(node, arg, lead: int):
    """Σ_j B^j arg B^{k-1-j} written out, `arg` with `lead` leading axes (batched)."""
    b, k = node.base, node.k
    L = tuple(("_l", i) for i in range(lead))
    terms = []
    for j in range(k):
        left, right = power(b, j), power(b, k - 1 - j)
        terms.append(contract([left, arg, right], [("i", "p"), L + ("p", "q"), ("q", "j")],
                              L + ("i", "j")))
    return add(terms)
