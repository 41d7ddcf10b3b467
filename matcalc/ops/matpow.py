"""The matrix power X^p and its differential Σ_k X^k dX X^{p-1-k}. One class block each
(see `ops/linalg.py` for what a block holds).

A matrix power written as a product of p factors has a differential of p terms of p
factors each (quadratic in p to carry, print and compile). `MatPow` keeps the power as one
node and `PowSum` keeps its differential as one term: a sum over k with the powers shared.
PowSum's colon move is PowSum again with the transposed base,

    G : Σ_k B^k dX B^{p-1-k} = Σ_k (B^T)^k G (B^T)^{p-1-k} : dX,

so the gradient of a power is one compact term however large p is, and the generated code
computes it in a loop that accumulates the powers (3(p-1) matrix products; 2p
matrix-vector products and one outer-product sum when G is an outer product u vᵀ).

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
    """base^k for an integer k >= 0 as the cheapest node: δ, the base, a product of two, or
    a MatPow."""
    if k == 0:
        return Delta(base.shape[0])
    if k == 1:
        return base
    if k == 2:
        return contract([base, base], [(0, 2), (2, 1)], (0, 1))
    return MatPow(base, k)


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
    """(u, v) if `m` is the outer product u vᵀ of two vectors, else None."""
    if isinstance(m, Contract) and len(m.ops) == 2 and m.out == (0, 1) \
            and [op.rank for op in m.ops] == [1, 1]:
        (a, b), (la, lb) = m.ops, m.idx
        if la == (0,) and lb == (1,):
            return a, b
        if la == (1,) and lb == (0,):
            return b, a
    return None


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
    adjoint_name = "matrix-power"
    adjoint_identity = (r"G : \sum_{k=0}^{p-1} X^{k}\,dY\,X^{p-1-k} = "
                        r"\sum_{k=0}^{p-1} (X^{T})^{k}\,G\,(X^{T})^{p-1-k} : dY")
    helpers = {"_pow_sum": _POW_SUM, "_pow_sum_outer": _POW_SUM_OUTER}

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
    def sympy(node, conv, idx):
        b, m = conv.matrix(node.base), conv.matrix(node.arg)
        k = node.k
        total = sp.ZeroMatrix(*b.shape)
        for j in range(k):
            total = total + sp.MatPow(b, j) * m * sp.MatPow(b, k - 1 - j)
        return total[idx[0], idx[1]]


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
