"""The colon moves: rows that each move one linear map across the colon product,
``G : 𝓛(dX) = 𝓛*(G) : dX``, and cite the one identity they apply.

Contract: `MOVES` is the ordered table of `rules.Rule` rows. A row's `apply((g, lin))`
returns the parts ``[(g', lin'), ...]`` with ``Σ g' : lin' = g : lin`` when the row's
pattern fits `lin`'s outermost linear map, else None. `move(g, lin)` tries the rows in
order and returns ``(rule, parts)`` of the first that fits, or None when `lin` is a
differential ``dX`` (nothing left to move). A product's rows match its shape (a Hadamard
product, a matrix product on either side, a trace, a sum, a broadcast, an inner product,
a transpose, a scalar factor); the generic contraction adjoint is the named last row, so
every product has one. A linear op's own adjoint (reshape, the matrix power's differential)
comes from its block in `ops`, one row per such op.
The row that fits is the row that computes: a derivation step names the rule that fired.
"""
from __future__ import annotations

from . import ops
from .ir import Add, Const, Contract, Delta, Dvar, contract, ones, scale
from .rules import Rule


class MoveError(Exception):
    """A linear map no row can move (an internal error: raised as MatcalcError by api)."""


def is_linear(node) -> bool:
    """Does `node` hold a differential (so it is the operand the colon moves onto)?"""
    return any(isinstance(n, Dvar) for n in node.deps())


def adjoint(g, node: Contract, k: int):
    """The cotangent of operand k of Contract `node`, given the cotangent g of its result:
    the contraction of g with the other operands, over X's labels (a repeated label, as in
    a trace or a diagonal, gets a fresh label and a δ; a label nothing else carries, a ones
    factor: the cotangent is broadcast along it)."""
    xl = list(node.idx[k])
    ops_, idx = [g], [tuple(node.out)]
    for j, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if j != k:
            ops_.append(op)
            idx.append(labels)
    seen, result = set(), []
    dims = node.label_dims()
    for pos, lab in enumerate(xl):
        if lab in seen:
            fresh = ("_rep", pos)
            ops_.append(Delta(dims[lab]))
            idx.append((lab, fresh))
            result.append(fresh)
        else:
            seen.add(lab)
            result.append(lab)
    covered = {l for ls in idx for l in ls}
    missing = [l for l in result if l not in covered]
    if missing:
        ops_.append(ones(tuple(dims[l] for l in missing)))
        idx.append(tuple(missing))
    return contract(ops_, idx, tuple(result))


def _linear_operand(lin):
    ks = [k for k, op in enumerate(lin.ops) if is_linear(op)]
    if len(ks) != 1:
        raise MoveError("a product is not linear in exactly one differential")
    return ks[0]


def product_row(name: str, latex: str, fits) -> Rule:
    """A row for a product: `fits(xl, others, out)` says whether the pattern matches (xl:
    the linear operand's labels, others: the other operands' labels, scalars dropped,
    out: the result's labels); the move is the operand's adjoint."""
    def apply(term):
        g, lin = term
        if not isinstance(lin, Contract):
            return None
        k = _linear_operand(lin)
        others = [l for j, l in enumerate(lin.idx) if j != k and l]
        if not fits(tuple(lin.idx[k]), others, tuple(lin.out), lin):
            return None
        return [(adjoint(g, lin, k), lin.ops[k])]
    return Rule(name, latex, apply)


def _distinct_pair(xl):
    return len(xl) == 2 and xl[0] != xl[1]


def _zero(term):
    r"""A differential that cancelled to 0 (`h = \hat y` held, `-Tr(\hat y^T \hat y dS) +
    Tr(h^T h dS)`) moves nothing: no terms."""
    g, lin = term
    if isinstance(lin, Const) and lin.value == 0:
        return []
    return None


def _linearity(term):
    g, lin = term
    if not isinstance(lin, Add):
        return None
    return [(scale(c, g), t) for t, c in zip(lin.terms, lin.coeffs)]


def _op_row(cls) -> Rule:
    """The row of a linear op whose block gives its own adjoint (`adjoint(lin, g)`), named
    by the block's `adjoint_name` and citing its `adjoint_identity`."""
    def apply(term):
        g, lin = term
        return cls.adjoint(lin, g) if type(lin) is cls else None
    return Rule(cls.adjoint_name, cls.adjoint_identity, apply)


def _scalar_only(lin):
    return all(not l for l in lin.idx)


MOVES = (
    Rule("zero", r"G : 0 = 0", _zero),
    Rule("linearity", r"G : (a\,dX + b\,dY) = a\,G : dX + b\,G : dY", _linearity),
    *(_op_row(cls) for cls in ops.NODE_OPS.values() if hasattr(cls, "adjoint")),
    product_row("scalar", r"g\,(a\,dx) = (g\,a)\,dx",
                lambda xl, others, out, lin: not out and _scalar_only(lin)),
    product_row("transpose", r"A : B^{T} = A^{T} : B",
                lambda xl, others, out, lin: not others and set(xl) == set(out)),
    product_row("sum", r"a : B\mathbf{1} = a\mathbf{1}^{T} : B",
                lambda xl, others, out, lin: not others and set(out) < set(xl)),
    product_row("hadamard", r"A : (B \odot C) = (A \odot B) : C",
                lambda xl, others, out, lin: set(xl) == set(out)
                and all(set(l) <= set(out) for l in others)),
    product_row("broadcast", r"A : b\mathbf{1}^{T} = A\mathbf{1} : b",
                lambda xl, others, out, lin: set(xl) < set(out)
                and all(set(l) <= set(out) for l in others)),
    product_row("inner", r"g\,(a^{T} dx) = (g\,a) : dx",
                lambda xl, others, out, lin: not out and len(xl) == 1 and others == [xl]),
    product_row("trace", r"\operatorname{Tr}(A^{T}B) = A : B",
                lambda xl, others, out, lin: not out and _distinct_pair(xl)
                and any(len(l) == 2 for l in others)),
    product_row("matmul-right", r"A : BC = AC^{T} : B",
                lambda xl, others, out, lin: _distinct_pair(xl) and xl[0] in out
                and xl[1] not in out),
    product_row("matmul-left", r"A : BC = B^{T}A : C",
                lambda xl, others, out, lin: (_distinct_pair(xl) and xl[1] in out
                                              and xl[0] not in out)
                or (len(xl) == 1 and xl[0] not in out and bool(out))),
    product_row("contraction", r"G : \mathcal{C}(dX) = \mathcal{C}^{*}(G) : dX",
                lambda xl, others, out, lin: True),
)
BY_NAME = {r.name: r for r in MOVES}


def move(g, lin):
    """(rule, parts) of the first row that moves `g : lin`, or None if lin is a dX."""
    if isinstance(lin, Dvar):
        return None
    term = (g, lin)
    for rule in MOVES:
        parts = rule.apply(term)
        if parts is not None:
            return rule, parts
    raise MoveError(f"cannot transpose {type(lin).__name__}")
