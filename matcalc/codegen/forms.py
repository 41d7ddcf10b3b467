"""Cheap forms: algebraic rewrites of the IR applied just before NumPy emission, so that
the generated code does what a careful hand-written closed form does.

Contract: `cheap_forms(nodes)` returns the nodes (a dict name -> node, a tuple or list;
the same kind back) with every rule of `RULES` applied bottom-up to a fixed point at each
node, sharing one memo (a subexpression used by several nodes is rewritten once and stays
one node). Each rule is a `rules.Rule` row: its name, the identity it uses (LaTeX) and a
function node -> rewritten node, or None where it does not apply. Every rewrite is an
exact identity in real arithmetic; where it changes rounding, its docstring says how.
Only the code changes: derivations, LaTeX and text print the plain forms.

The rules, and the cost each one removes:

- ``square-of-broadcast-difference``: ``Σ_c (a_ic - b_jc)²`` as ``Σ_c a_ic² + Σ_c b_jc² -
  2 Σ_c a_ic b_jc`` (two row norms and one matmul) instead of an n×K×d difference and its
  square (seed 003's ``‖z_i - μ_j‖²``).
- ``split-broadcast-sum``: a contraction of a difference of broadcasts,
  ``Σ_j G_ij (a_ic - b_jc)``, as ``a_ic Σ_j G_ij - Σ_j G_ij b_jc`` (a row sum and a matmul,
  seed 003's gradient), instead of an einsum over the n×K×d difference.
- ``product-except-times-factor``: ``(Π_{k≠j} x_k) x_j = Π_k x_k``: the product's
  gradient through the product itself where the factor it leaves out multiplies it back
  (seed 004, where σ'(X) = σ(X)(1 - σ(X)) brings the factor 1 - σ). Exact at zeros (no
  division), so it needs no zero guard; where the factor is absent the prefix/suffix form
  (zero-safe) stays.
- ``power-from-power``: ``b^{e-1}`` as ``b^e / b`` and ``b^{2e}`` as ``(b^e)²`` where the
  code computes ``b^e`` anyway (seed 003's ``(1 + D/ν)^{-(ν+3)/2}`` next to q̂), a division
  or a square instead of another ``**``; where ``b <= 0`` the helper computes the power
  itself (see `PowFrom`).
- ``matrix-power-times-vector`` and ``power-sum-of-outer-product`` (ops/matpow.py): X^p
  next to a vector as p matrix-vector products, and the gradient of a power with an
  outer-product cotangent Σ_k B^k u vᵀ B^{p-1-k} as a product of two n×k matrices of
  powers times u and v (2(p-1) matrix-vector products); ``power-sum-absorbs-its-base``
  takes the sandwich X⁻ᵀ (…) X⁻ᵀ of X^{-p}'s gradient into u and v (two matrix-vector
  products, not two matrix products).
- ``mask-to-slice`` and ``mask-to-place``: a 1-D index sub-range mask
  ``1[lo ≤ j ≤ hi]`` in a product becomes slices ``x[lo-1:hi]`` of the operands carrying
  j when j is summed, and a block written into place when j is an output axis (seed 002),
  instead of 0/1 vectors rebuilt on every call and outer products half of zeros.
"""
from __future__ import annotations

import dataclasses

import sympy as sp

from ..ir import (Add, Const, Contract, IRError, Map, Mask, Node, Pow, Ref, Var, add, contract, fmap,
                  is_const, ones, transform, walk)
from ..ops.matpow import MatPow, PowSum
from ..ops.reduce import ProdAxis, ProdExcept
from ..ops.registry import FUNCTIONS
from ..rules import Rule


# ---------------------------------------------------------------- codegen-only nodes

class Slice(Node):
    """Entries lo..hi (1-based, inclusive; SymPy expressions) of `arg` along `axis`."""
    _fields = ("arg", "axis", "lo", "hi")

    @staticmethod
    def _shape(arg, axis, lo, hi):
        if not 0 <= axis < arg.rank:
            raise IRError("Slice: no such axis")
        return arg.shape[:axis] + (sp.expand(hi - lo + 1),) + arg.shape[axis + 1:]


class Place(Node):
    """`arg` written at entries lo..hi of a zero array `n` long along `axis`."""
    _fields = ("arg", "axis", "lo", "hi", "n")

    @staticmethod
    def _shape(arg, axis, lo, hi, n):
        if not 0 <= axis < arg.rank:
            raise IRError("Place: no such axis")
        return arg.shape[:axis] + (n,) + arg.shape[axis + 1:]


class Shared(Node):
    """`arg` itself, computed once where several products use it: a Contract operand the
    builder does not inline (so the pieces of a split contraction share one product)."""
    _fields = ("arg",)

    @staticmethod
    def _shape(arg):
        return arg.shape


# ---------------------------------------------------------------- helpers

def _const_axes(node) -> set:
    """Positions of the axes along which `node` is constant: those of a Contract whose label
    only ones operands carry (a broadcast), every axis of a Const."""
    if isinstance(node, Const):
        return set(range(node.rank))
    if not isinstance(node, Contract):
        return set()
    out = set()
    for pos, lab in enumerate(node.out):
        holders = [op for op, ls in zip(node.ops, node.idx) if lab in ls]
        if holders and all(isinstance(op, Const) for op in holders):
            out.add(pos)
    return out


def _broadcast_terms(add_node) -> bool:
    """An Add of at least two terms, each a broadcast (constant along some axis) that is
    not itself constant: then each term is smaller than the sum."""
    return len(add_node.terms) >= 2 and all(
        isinstance(t, Contract) and _const_axes(t) for t in add_node.terms)


def _replace(node, k, new_ops, new_idx):
    """node's operands with operand k replaced by new_ops (labels new_idx)."""
    ops = list(node.ops[:k]) + list(new_ops) + list(node.ops[k + 1:])
    idx = list(node.idx[:k]) + list(new_idx) + list(node.idx[k + 1:])
    return contract(ops, idx, node.out)


# ---------------------------------------------------------------- the rules

def _expand_square(node):
    """Σ_c (Σ_t c_t t)² over the labels only the square carries, expanded into products of
    the terms, each a broadcast: Σ_c a² + Σ_c b² - 2 Σ_c a b for a difference.

    Rounding: the expanded sum loses relative accuracy where the difference is small
    against the terms (cancellation: an absolute error of about eps·(‖a‖² + ‖b‖²)
    instead of eps·‖a - b‖²), and can come out slightly negative; it is clipped at 0,
    which the exact sum of squares never is below."""
    if not isinstance(node, Contract):
        return None
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if not (isinstance(op, Pow) and is_const(op.exp, 2) and isinstance(op.base, Add)
                and _broadcast_terms(op.base) and len(set(labels)) == len(labels)):
            continue
        others = [l for j, ls in enumerate(node.idx) if j != k for l in ls]
        own = [l for l in labels if l not in node.out and l not in others]
        if not own:
            continue
        keep = tuple(l for l in labels if l not in own)
        terms, coeffs = op.base.terms, op.base.coeffs
        parts, weights = [], []
        for a in range(len(terms)):
            for b in range(a, len(terms)):
                parts.append(contract([terms[a], terms[b]], [labels, labels], keep))
                weights.append(coeffs[a] * coeffs[b] * (1 if a == b else 2))
        return _replace(node, k, [fmap("relu", add(parts, weights))], [keep])
    return None


def _tolerant(node) -> bool:
    """Whether an absolute error of about eps·(‖a‖² + ‖b‖²) in a squared distance D is
    harmless where `node` takes D: a function defined on all of R (exp(-D), tanh(D): its
    value moves by about that much), or a sum with a positive constant term (1 + D/ν,
    seed 003). Not so D^{-s}, log D or ‖a - b‖ = D^{1/2}: there the error is relative to a
    D that may be 0, so the expanded form would be wrong for close points."""
    if isinstance(node, Map):
        f = FUNCTIONS.get(node.fn)
        return f is not None and not f.user and f.domain == "real"
    if isinstance(node, Add):
        return any(isinstance(t, Const) and sp.sympify(t.value).is_positive is True
                   and sp.sympify(c).is_positive is True for t, c in zip(node.terms, node.coeffs))
    return False


def _expand_square_where_tolerated(node):
    """`_expand_square` applied to the squared distances that `node` takes, where it
    tolerates the expanded form's rounding (`_tolerant`)."""
    if not _tolerant(node):
        return None
    if isinstance(node, Map):
        new = _expand_square(node.arg)
        return None if new is None else fmap(node.fn, new)
    terms = [_expand_square(t) for t in node.terms]
    if all(t is None for t in terms):
        return None
    return add([n if n is not None else t for n, t in zip(terms, node.terms)], node.coeffs)


def _split_broadcast_sum(node):
    """Σ_j G_ij (a_ic - b_jc) = a_ic Σ_j G_ij - Σ_j G_ij b_jc: a contraction distributed
    over an Add of broadcasts when it sums along an axis some term is constant along
    (that term's sum then runs over the other operands only). Exact up to reassociation."""
    if not isinstance(node, Contract):
        return None
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if not (isinstance(op, Add) and _broadcast_terms(op)
                and len(set(labels)) == len(labels)):
            continue
        summed = {l for l in labels if l not in node.out}
        if not any(labels[p] in summed for t in op.terms for p in _const_axes(t)):
            continue
        ops, idx = [o for j, o in enumerate(node.ops) if j != k], \
            [ls for j, ls in enumerate(node.idx) if j != k]
        tensors = [j for j, o in enumerate(ops) if o.rank > 0]
        if len(tensors) > 1:
            # the other operands' product (scalars aside: they differ between uses),
            # computed once for every term and every gradient that needs it
            g_out = tuple(dict.fromkeys(l for j in tensors for l in idx[j]
                                        if l in labels or l in node.out))
            g = Shared(contract([ops[j] for j in tensors], [idx[j] for j in tensors], g_out))
            ops = [o for j, o in enumerate(ops) if j not in tensors] + [g]
            idx = [ls for j, ls in enumerate(idx) if j not in tensors] + [g_out]
        parts = [contract(ops + [t], idx + [labels], node.out) for t in op.terms]
        return add(parts, op.coeffs)
    return None


def _prod_except_times_factor(node):
    """(Π_{k≠j} x_k) · x_j = Π_k x_k: a ProdExcept and its own argument, with the same
    labels, in one product become the product along the axis (broadcast back over it)."""
    if not isinstance(node, Contract):
        return None
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if not isinstance(op, ProdExcept):
            continue
        for j, (other, olabels) in enumerate(zip(node.ops, node.idx)):
            if j == k or other is not op.arg or olabels != labels:
                continue
            axis_label = labels[op.axis]
            ops = [o for m, o in enumerate(node.ops) if m not in (j, k)]
            idx = [ls for m, ls in enumerate(node.idx) if m not in (j, k)]
            ops.append(ProdAxis(op.arg, op.axis))
            # drop the axis by position: with repeated labels (a diagonal, (i, i)) the
            # other axis keeps its label
            idx.append(labels[:op.axis] + labels[op.axis + 1:])
            if not any(axis_label in ls for ls in idx):
                ops.append(ones((op.shape[op.axis],)))   # keep the axis (its count)
                idx.append((axis_label,))
            return contract(ops, idx, node.out)
    return None


def _sub_range_mask(node):
    """The first 1-D Mask operand whose bounds are constant, with its labels; or None."""
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if isinstance(op, Mask) and op.rank == 1 and not (
                sp.sympify(op.lo).has(_I0) or sp.sympify(op.hi).has(_I0)):
            return k, op, labels[0]
    return None


def _sliced(node, k, mask, lab):
    """node's operands without mask k, every other operand carrying `lab` sliced to the
    mask's range along it (None when an operand carries `lab` twice)."""
    ops, idx = [], []
    for j, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if j == k:
            continue
        if labels.count(lab) > 1:
            return None
        if lab in labels:
            op = _slice(op, labels.index(lab), mask.lo, mask.hi)
        ops.append(op)
        idx.append(labels)
    if not any(lab in ls for ls in idx):
        ops.append(ones((sp.expand(mask.hi - mask.lo + 1),)))
        idx.append((lab,))
    return ops, idx


def _slice(op, axis, lo, hi):
    if isinstance(op, Const):
        return Const(op.value, op.shape[:axis] + (sp.expand(hi - lo + 1),) + op.shape[axis + 1:])
    if isinstance(op, Mask) and op.rank == 1:
        lo2, hi2 = sp.Max(op.lo, lo), sp.Min(op.hi, hi)
        if lo2 == lo and hi2 == hi:
            return ones((sp.expand(hi - lo + 1),))
    return Slice(op, axis, lo, hi)


def _mask_to_slice(node):
    """Σ_j 1[lo ≤ j ≤ hi] x_j … = Σ_{j=lo}^{hi} x_j …: a summed sub-range mask becomes
    slices of the operands carrying its axis."""
    if not isinstance(node, Contract):
        return None
    found = _sub_range_mask(node)
    if found is None or found[2] in node.out:
        return None
    k, mask, lab = found
    sliced = _sliced(node, k, mask, lab)
    return None if sliced is None else contract(sliced[0], sliced[1], node.out)


def _mask_to_place(node):
    """(1[lo ≤ j ≤ hi] x_j …)_j is zero outside lo..hi: the block lo..hi computed from
    slices and written into place."""
    if not isinstance(node, Contract):
        return None
    found = _sub_range_mask(node)
    if found is None or found[2] not in node.out:
        return None
    k, mask, lab = found
    sliced = _sliced(node, k, mask, lab)
    if sliced is None:
        return None
    block = contract(sliced[0], sliced[1], node.out)
    return Place(block, node.out.index(lab), mask.lo, mask.hi, mask.shape[0])


from ..ir import I0 as _I0  # noqa: E402  (the outer index of a 2-D Mask's bounds)


class PowFrom(Node):
    """base ** exp, where exp = k·e + d, computed from q = base ** e (a Pow the code
    computes anyway):
    q**k · base**d, with k in {1, 2, 3} and d in {-1, 0, 1}, one or two cheap passes
    instead of another ``**`` (an exp and a log per entry). Exact where base > 0; the
    emitted helper falls back to ``base ** (e·k + d)`` itself wherever base <= 0, where
    the two can differ (0 ** -e, a negative base to a fractional power)."""
    _fields = ("q", "base", "exp", "k", "d")

    @staticmethod
    def _shape(q, base, exp, k, d):
        return base.shape


def _sym(node):
    """A scalar IR expression as SymPy (Var and Ref as symbols), or None."""
    if node.shape != ():
        return None
    if isinstance(node, Const):
        return node.value
    if isinstance(node, (Var, Ref)):
        return sp.Symbol(f"{type(node).__name__}:{node.name}")
    if isinstance(node, Add):
        parts = [_sym(t) for t in node.terms]
        return None if None in parts else sp.Add(*[c * x for c, x in zip(node.coeffs, parts)])
    if isinstance(node, Contract) and all(not ls for ls in node.idx):
        parts = [_sym(o) for o in node.ops]
        return None if None in parts else sp.Mul(*parts)
    if isinstance(node, Pow) and isinstance(node.exp, Const):
        b = _sym(node.base)
        return None if b is None else b ** node.exp.value
    return None


def _power_rule(roots):
    """`power-from-power` bound to the Pow nodes below `roots`: b ** e1 rewritten from an
    existing b ** e2 when e1 = k·e2 + d (k = 1, 2, 3; d = -1, 0, 1; not both trivial);
    None when no base has two such powers."""
    by_base: dict = {}
    for root in roots:
        for n in walk(root):
            if isinstance(n, Pow) and n.base.rank > 0 and _sym(n.exp) is not None \
                    and not isinstance(n.exp, Const):
                by_base.setdefault(n.base.uid, {})[n.uid] = n
    # one anchor per base, computed as it is: a definition's body if one is such a power,
    # else the simplest exponent; the other powers of that base come from it
    anchor = {}
    for base, pows in by_base.items():
        if len(pows) < 2:
            continue
        named = [n for n in roots if n.uid in pows]
        anchor[base] = named[0] if named else min(
            pows.values(), key=lambda n: (len(str(_sym(n.exp))), n.skey))

    def apply(node):
        if not isinstance(node, Pow) or node.base.uid not in anchor:
            return None
        other = anchor[node.base.uid]
        if other is node:
            return None
        e1, e2 = _sym(node.exp), _sym(other.exp)
        if e1 is None or e2 == 0:
            return None
        for k in (1, 2, 3):
            d = sp.expand(e1 - k * e2)
            if d.is_Integer and abs(d) <= 1 and (k, d) != (1, 0):
                return PowFrom(other, node.base, node.exp, k, int(d))
        return None

    return dataclasses.replace(POWER_RULE, apply=apply) if anchor else None


POWER_RULE = Rule("power-from-power",
                  r"b^{k e + d} = (b^{e})^k\, b^{d}\quad (b > 0)", None)

RULES = (
    Rule("square-of-broadcast-difference",
         r"\sum_c (a_{ic} - b_{jc})^2 = \sum_c a_{ic}^2 + \sum_c b_{jc}^2 - 2\sum_c a_{ic} b_{jc}",
         _expand_square_where_tolerated),
    Rule("split-broadcast-sum",
         r"\sum_j G_{ij}(a_{ic} - b_{jc}) = a_{ic}\sum_j G_{ij} - \sum_j G_{ij} b_{jc}",
         _split_broadcast_sum),
    Rule("product-except-times-factor",
         r"\Big(\prod_{k \ne j} x_k\Big)\, x_j = \prod_k x_k", _prod_except_times_factor),
    Rule("mask-to-slice",
         r"\sum_j [lo \le j \le hi]\, x_j = \sum_{j=lo}^{hi} x_j", _mask_to_slice),
    Rule("mask-to-place",
         r"([lo \le j \le hi]\, x_j)_j = (0, \dots, x_{lo..hi}, \dots, 0)", _mask_to_place),
    # the matrix power's code forms are facts of its block (ops/matpow.py)
    Rule("matrix-power-times-vector", r"X^{p} v = X (X (\cdots (X v)))", MatPow.times_vector),
    Rule("power-sum-absorbs-its-base", r"B \Big(\sum_k B^{k} u v^{T} B^{p-1-k}\Big) B = "
         r"\sum_k B^{k} (B u)(B^{T} v)^{T} B^{p-1-k}", PowSum.absorb_neighbours),
    Rule("power-sum-of-outer-product",
         r"\sum_{k=0}^{p-1} B^{k} u v^{T} B^{p-1-k} = [u, \dots, B^{p-1} u]\,"
         r"[(B^{T})^{p-1} v, \dots, v]^{T}", PowSum.of_outer_product),
)

MAX_PASSES = 8   # rewrites at one node before giving up (each rule shrinks the work)


def _apply(node, rules):
    for _ in range(MAX_PASSES):
        for rule in rules:
            new = rule(node)
            if new is not None and new is not node:
                node = new
                break
        else:
            return node
    return node


ALL_RULES = RULES + (POWER_RULE,)


def cheap_forms(nodes, rules=ALL_RULES):
    """`nodes` (dict, tuple or list of IR nodes) with `rules` applied (module docstring).
    `POWER_RULE`, if among them, runs last, bound to the powers the rewritten nodes
    compute."""
    keys = list(nodes) if isinstance(nodes, dict) else None
    out = _rewrite(list(nodes.values()) if keys is not None else list(nodes),
                   tuple(r for r in rules if r is not POWER_RULE))
    power = _power_rule(out) if POWER_RULE in rules else None
    if power is not None:   # (None: no base has two powers)
        out = _rewrite(out, (power,))
    return dict(zip(keys, out)) if keys is not None else type(nodes)(out)


def _rewrite(nodes, rules):
    if not rules:
        return list(nodes)
    memo: dict = {}

    def fn(node):
        new = _apply(node, rules)
        if new is not node:  # a rewritten node's new parts may match too
            new = transform(new, fn=lambda n: _apply(n, rules), memo={})
        return new

    return [transform(v, fn=fn, memo=memo) for v in nodes]
