r"""Linear-algebra ops: inverse, determinant, log-determinant. One class block each.

Each block is an IR node class (see `ir.Node`) registered with `@node_op`; everything
matcalc knows about the op is in its body: the shape rule, the differential (`jvp`), the
identity a derivation cites, the printed forms (`render(node, r)` for LaTeX and text, with
`r` the printer), the code (`numpy(node, em)`, with `em` the emitter, in its namespace
``em.ns``: NumPy's names serve jax.numpy, torch and the array API for these ops; a method
named after a back end where one spells it otherwise) and the op's own rewrites.

Batches: each op takes an argument of order 2 + b whose LAST two axes are square and whose
b leading axes are a batch (the index of a family of matrices, Σ_m, m = 1..M): it is the
op applied member by member, as np.linalg.inv/det/slogdet do on stacked arrays. Inv keeps
the argument's shape; Det and LogDet have the batch's shape. The shape rule, differential,
printed forms (a member written Σ_{m}^{-1}, \det \Sigma_{m}), code and SymPy entry say so
in each block; b = 0 is the plain matrix op.
"""
from __future__ import annotations

import numpy as np
import sympy as sp

from ..ir import Contract, Delta, IRError, Map, Node, const, contract, same_dim
from ..rules import Rule
from .core import defjvp
from .registry import node_op


FAMILY = (r"S_m \in \mathbb{R}^{n\times n}, \; m = 1,\dots,M, \; "
          r"a, b \in \mathbb{R}^n ")      # the examples' family of matrices (a batch)


def _square(arg, what) -> tuple:
    """The batch shape of `arg` (its leading axes); its last two axes must be square."""
    if arg.rank < 2 or not same_dim(*arg.shape[-2:]):
        raise IRError(f"{what}: needs a square matrix (or a batch of them)")
    return tuple(arg.shape[:-2])


def _batch(node) -> tuple:
    """Labels of `node`'s batch axes (its argument's leading axes)."""
    return tuple(("_b", k) for k in range(node.arg.rank - 2))


def _member(node, r, idx, used):
    """The text of the member of `node.arg` at the batch letters `idx`: a family's name
    subscripted (Σ_{m}), else the member's matrix in index notation [..]_{p,q}."""
    from ..ir import Ref, Var
    arg = node.arg
    if isinstance(arg, (Var, Ref)):
        return r.entry(arg, idx, used)
    p, q = r.index_letters(2, set(used) | set(idx), dims=arg.shape[-2:])
    body, _ = r.entry(arg, tuple(idx) + (p, q), set(used) | {p, q})
    return ((rf"\left[{body}\right]_{{{p},{q}}}" if r.is_latex else f"[{body}]_{p},{q}"),
            r.ATOM)


def _batched_render(node, r, entry):
    """A batched op as a whole: its entries in index notation, [..]_{m} / [..]_{m,i,j}."""
    idx = r.index_letters(node.rank, dims=node.shape)
    body, _ = entry(node, r, tuple(idx), set(idx))
    sub = ",".join(idx)
    return (rf"\left[{body}\right]_{{{sub}}}" if r.is_latex else f"[{body}]_{sub}"), r.ATOM


def _member_matrix(node, conv, batch):
    """The member of `node.arg` at the SymPy batch indices as a SymPy matrix expression."""
    if not batch:
        return conv.matrix(node.arg)
    n, m = node.arg.shape[-2:]
    i, j = conv.index(), conv.index()
    return sp.FunctionMatrix(n, m, sp.Lambda((i, j), conv(node.arg, tuple(batch) + (i, j))))


# ------------------------------------------------------------------ inverse

def _inverse_inverse(node):
    if isinstance(node, Inv) and isinstance(node.arg, Inv):
        return node.arg.arg
    return None


def _inverse_cancel(node):
    """X X^{-1} = I and X^{-1} X = I inside a contraction (labels carry the transposes);
    a diagonal (X_jj, the diag of X) is not a matrix product and never cancels."""
    if not isinstance(node, Contract):
        return None
    for k, op in enumerate(node.ops):
        if not isinstance(op, Inv) or op.rank != 2:
            continue          # a batch of inverses never cancels here (kept simple)
        r, s_ = node.idx[k]
        if r == s_:
            continue
        for j, x in enumerate(node.ops):
            if j == k or x is not op.arg or len(node.idx[j]) != 2:
                continue
            p, q = node.idx[j]
            if p == q:
                continue
            others = [l for m, l in enumerate(node.idx) if m not in (j, k)]
            for shared, a, b in ((q, p, s_) if q == r else (None, None, None),
                                 (p, r, q) if s_ == p else (None, None, None)):
                if shared is None or shared in node.out or any(shared in l for l in others):
                    continue
                ops_ = [o for m, o in enumerate(node.ops) if m not in (j, k)] + [Delta(op.shape[0])]
                return contract(ops_, others + [(a, b)], node.out)
    return None


@node_op
class Inv(Node):
    """Matrix inverse; of a batch (leading axes), the inverse of each member."""
    _fields = ("arg",)
    examples = (dict(doc=r"X \in \mathbb{R}^{n\times n}, a, b \in \mathbb{R}^n \\ f = a^T X^{-1} b",
                     wrt="X", f=lambda X, a, b: a @ np.linalg.solve(X, b)),
                dict(doc=FAMILY + r"\\ f = \sum_{m=1}^M a^T S_m^{-1} b", wrt="S",
                     f=lambda S, a, b: sum(a @ np.linalg.solve(s, b) for s in S)),
                dict(doc=FAMILY + r"\\ f = \sum_{m=1}^M a^T S_m^{-1} a", wrt="a",
                     f=lambda S, a, b: sum(a @ np.linalg.solve(s, a) for s in S)))
    identity = r"d(X^{-1}) = -X^{-1}\,dX\,X^{-1}"
    symmetric_from = ("arg",)      # (S^{-1})^T = S^{-1} for a symmetric S (symmetric.py)
    rewrites = (
        Rule("inverse-inverse", r"(X^{-1})^{-1} = X", _inverse_inverse),
        Rule("inverse-cancel", r"X X^{-1} = X^{-1} X = I", _inverse_cancel),
    )

    @staticmethod
    def _shape(arg):
        _square(arg, "Inv")
        return arg.shape

    jvp = staticmethod(defjvp(lambda node, dx: contract(
        [const(-1), node, dx, node],
        [(), _batch(node) + ("i", "k"), _batch(node) + ("k", "l"), _batch(node) + ("l", "j")],
        _batch(node) + ("i", "j"))))

    @staticmethod
    def render_entry(node, r, idx, used):
        """The entry (i, j) of the member m: {Σ_{m}^{-1}}_{ij}."""
        if node.rank == 2:
            s, p = Inv.render(node, r)
        else:
            m, mp = _member(node, r, idx[:-2], used)
            s, p = f"{r.wrap(m, mp, r.ATOM)}{r.t['inv']}", r.POW
        sub = "".join(idx[-2:]) if all(len(i) == 1 for i in idx[-2:]) else ",".join(idx[-2:])
        if r.is_latex:
            return f"{{{s}}}_{{{sub}}}", r.ATOM
        return f"({s})_{sub}", r.ATOM

    @staticmethod
    def render(node, r):
        if node.rank > 2:
            return _batched_render(node, r, Inv.render_entry)
        s, p = r.part(node.arg)
        if r.is_latex and p >= r.ATOM and "^" in s:
            return f"{{{s}}}{r.t['inv']}", r.POW
        return f"{r.wrap(s, p, r.ATOM)}{r.t['inv']}", r.POW

    @staticmethod
    def numpy(node, em):
        return f"{em.ns}.linalg.inv({em.value(node.arg)})"

    @staticmethod
    def sympy(node, conv, idx):
        return sp.Inverse(_member_matrix(node, conv, idx[:-2]))[idx[-2], idx[-1]]


# ------------------------------------------------------------------ determinants

@node_op
class Det(Node):
    """Determinant of a square matrix; of a batch (leading axes), of each member."""
    _fields = ("arg",)
    examples = (dict(doc=r"X \in \mathbb{R}^{n\times n} \\ f = \det X", wrt="X",
                     f=lambda X: np.linalg.det(X)),
                dict(doc=FAMILY + r"\\ f = \sum_{m=1}^M a^T b \det S_m", wrt="S",
                     f=lambda S, a, b: (a @ b) * np.sum(np.linalg.det(S))))
    identity = r"d\det X = \det X\; X^{-T} : dX"

    @staticmethod
    def _shape(arg):
        return _square(arg, "Det")

    jvp = staticmethod(defjvp(lambda node, dx: contract(
        [node, Inv(node.arg), dx], [_batch(node), _batch(node) + (1, 0),
                                    _batch(node) + (0, 1)], _batch(node))))

    @staticmethod
    def render_entry(node, r, idx, used):
        """The member m: \\det(Σ_{m})."""
        if not idx:
            return Det.render(node, r)
        m, _ = _member(node, r, idx, used)
        name = r"\det" if r.is_latex else "det"
        return f"{name}{r.t['lp']}{m}{r.t['rp']}", r.ATOM

    @staticmethod
    def render(node, r):
        if node.rank:
            return _batched_render(node, r, Det.render_entry)
        return r.apply(r"\det", "det", node.arg)

    @staticmethod
    def numpy(node, em):
        return f"{em.ns}.linalg.det({em.value(node.arg)})"

    @staticmethod
    def sympy(node, conv, idx):
        return sp.Determinant(_member_matrix(node, conv, idx))


def _log_of_det(node):
    if isinstance(node, Map) and node.fn == "log" and isinstance(node.arg, Det):
        return LogDet(node.arg.arg)
    return None


@node_op
class LogDet(Node):
    """log det of a square matrix (with positive determinant); of a batch, of each member."""
    _fields = ("arg",)
    examples = (dict(doc=r"X \in \mathbb{R}^{n\times n} \\ f = \log\det(X^T X)", wrt="X",
                     f=lambda X: np.linalg.slogdet(X.T @ X)[1]),
                dict(doc=FAMILY + r"\\ f = \sum_{m=1}^M \log\det S_m", wrt="S",
                     f=lambda S: np.sum(np.linalg.slogdet(S)[1])))
    identity = r"d\log\det X = X^{-T} : dX"
    rewrites = (Rule("log-det", r"\log(\det X) = \log\det X", _log_of_det),)

    @staticmethod
    def _shape(arg):
        return _square(arg, "LogDet")

    jvp = staticmethod(defjvp(lambda node, dx: contract(
        [Inv(node.arg), dx], [_batch(node) + (1, 0), _batch(node) + (0, 1)], _batch(node))))

    @staticmethod
    def render_entry(node, r, idx, used):
        """The member m: \\log\\det(Σ_{m})."""
        if not idx:
            return LogDet.render(node, r)
        m, _ = _member(node, r, idx, used)
        name = r"\log\det" if r.is_latex else "logdet"
        return f"{name}{r.t['lp']}{m}{r.t['rp']}", r.ATOM

    @staticmethod
    def render(node, r):
        if node.rank:
            return _batched_render(node, r, LogDet.render_entry)
        return r.apply(r"\log\det", "logdet", node.arg)

    @staticmethod
    def numpy(node, em):
        return f"{em.ns}.linalg.slogdet({em.value(node.arg)})[1]"

    @staticmethod
    def sympy(node, conv, idx):
        return sp.log(sp.Determinant(_member_matrix(node, conv, idx)))
