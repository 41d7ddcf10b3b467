"""The simplifier: named rewrite rules, run bottom-up to a fixed point.

Contract: `simplify(node, log=None)` returns an equal-valued node; each rule is a `Rewrite`
row (name, the identity in LaTeX, a function node -> node | None, where None means "does
not apply"). Rules are grouped into phases run in order: canonicalise (deltas, ones,
masks, constants), elementwise identities (σ' = σ(1-σ), log∘exp, powers), collect.
If `log` is a list, every rule applied (the `Rule` row) is appended to it.
"""
from __future__ import annotations

import functools

import sympy as sp

from . import ir, ops
from .ir import Add, Const, Contract, Delta, Map, Mask, Pow, add, const, contract, ones, pow_
from .factoring import factor_shared
from .hadamard_poly import normalise as _hadamard_poly
from .rules import Rule
from .symmetric import context as _context, symmetric


Rewrite = Rule  # one rule type for rewrites and colon moves (rules.py)


# ---------------------------------------------------------------- canonicalise

def _delta(node):
    """Contract a Kronecker delta against the other operands: rename one label into the
    other. δ_ii summed gives n."""
    if not isinstance(node, Contract):
        return None
    for k, op in enumerate(node.ops):
        if not isinstance(op, Delta):
            continue
        a, b = node.idx[k]
        rest_ops = node.ops[:k] + node.ops[k + 1:]
        rest_idx = node.idx[:k] + node.idx[k + 1:]
        if a == b:
            ops_ = list(rest_ops) + [Const(op.n, ())]
            idx = list(rest_idx) + [()]
            if a in node.out or any(a in l for l in rest_idx):
                continue  # a diagonal of a delta is ones: leave to the general case
            return contract(ops_, idx, node.out)
        if b not in node.out and any(b in l for l in rest_idx):
            old, new = b, a
        elif a not in node.out and any(a in l for l in rest_idx):
            old, new = a, b
        elif a not in node.out and b not in node.out:
            # a delta summed on both labels against nothing else: its trace, n
            if not any(a in l or b in l for l in rest_idx):
                return contract(list(rest_ops) + [Const(op.n, ())], list(rest_idx) + [()], node.out)
            continue
        else:
            continue
        idx = [tuple(new if x == old else x for x in l) for l in rest_idx]
        return contract(rest_ops, idx, node.out)
    return None


def _ones(node):
    """Drop all-ones factors that multiply something already carrying their labels; a
    ones factor summed over a label nothing else carries contributes the dimension."""
    if not isinstance(node, Contract):
        return None
    if all(isinstance(op, Const) for op in node.ops):
        # a product of constants (1_n 1_m^T, 1^T 1): a constant tensor
        dims = node.label_dims()
        value = sp.Mul(*[op.value for op in node.ops]) * sp.Mul(
            *[d for l, d in dims.items() if l not in node.out])
        return Const(value, node.shape)
    for k, op in enumerate(node.ops):
        if not (isinstance(op, Const) and op.value == 1 and op.shape):
            continue
        labels = node.idx[k]
        rest_idx = node.idx[:k] + node.idx[k + 1:]
        carried = {l for ls in rest_idx for l in ls}
        axes = dict(zip(labels, op.shape))  # a diagonal (labels i, i) counts i once
        keep = [(l, d) for l, d in axes.items() if l not in carried and l in node.out]
        factor = sp.Mul(*[d for l, d in axes.items() if l not in carried and l not in node.out])
        if len(keep) == len(labels) and len(axes) == len(labels):
            continue
        ops_ = list(node.ops[:k] + node.ops[k + 1:])
        idx = list(rest_idx)
        if keep:
            ops_.append(ones(tuple(d for _, d in keep)))
            idx.append(tuple(l for l, _ in keep))
        if factor != 1:
            ops_.append(Const(factor, ()))
            idx.append(())
        return contract(ops_, idx, node.out)
    return None


def _traits(node) -> tuple:
    """(has a sum among its operands, has an operand twice, has a power of a power) of the
    product `node`: the cheap tests that tell most rules below they do not apply (kept on
    the node: nodes never change)."""
    t = node.__dict__.get("_traits")
    if t is None:
        has_sum = pow_of_pow = False
        seen = set()
        for op in node.fields[0]:
            cls = type(op)
            has_sum = has_sum or cls is Add
            pow_of_pow = pow_of_pow or (cls is Pow and type(op.fields[0]) is Pow)
            seen.add(op.uid)
        t = node.__dict__["_traits"] = (has_sum, len(seen) < len(node.fields[0]), pow_of_pow)
    return t


def _broadcasts(t, pos) -> bool:
    """Is the array `t` constant along its axis `pos` because it is built with a ones
    factor there (μ 1ᵀ along its columns, a constant array)?"""
    if isinstance(t, Const):
        return True
    if not isinstance(t, Contract):
        return False
    lab = t.out[pos]
    return any(isinstance(o, Const) and o.value == 1 and lab in l for o, l in zip(t.ops, t.idx))


def _sum_through(node):
    """(xᵀ - μ 1ᵀ) 1 = xᵀ 1 - n μ: a sum summed over an axis that nothing else in the product
    carries (or only a ones vector), where a term of the sum is a broadcast along that
    axis, is summed term by term (the broadcast one becomes the dimension times what it
    broadcasts), so a result of an index-notation document reads Σ⁻¹(xᵀ1_N - Nμ), not
    Σ⁻¹(xᵀ - μ1_Nᵀ)1_N."""
    if not isinstance(node, Contract) or not _traits(node)[0]:
        return None
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if not isinstance(op, Add) or len(set(labels)) != len(labels):
            continue
        for pos, lab in enumerate(labels):
            if lab in node.out:
                continue
            others = [j for j, l in enumerate(node.idx) if j != k and lab in l]
            if any(not (isinstance(node.ops[j], Const) and node.ops[j].value == 1
                        and node.ops[j].rank == 1) for j in others):
                continue      # something else carries the axis: a product, not a sum
            if not any(_broadcasts(t, pos) for t in op.terms):
                continue
            labs = ir.letters(op.rank)
            rest = labs[:pos] + labs[pos + 1:]
            one = ones((op.shape[pos],))
            summed = add([contract([t, one], [labs, (labs[pos],)], rest) for t in op.terms],
                         op.coeffs)
            keep = [j for j in range(len(node.ops)) if j != k and j not in others]
            return contract([node.ops[j] for j in keep] + [summed],
                            [node.idx[j] for j in keep] + [labels[:pos] + labels[pos + 1:]],
                            node.out)
    return None


def _mask(node):
    """A mask covering its whole range is all ones."""
    if not isinstance(node, Mask) or len(node.shape) != 1:
        return None
    n = node.shape[0]
    if ir.dim_expr(node.lo - 1).is_nonpositive and ir.dim_expr(node.hi - n).is_nonnegative:
        return ones(node.shape)
    return None


def _fold_map(node):
    """Evaluate elementwise functions of constants (with the function's SymPy value)."""
    if isinstance(node, Map) and isinstance(node.arg, Const):
        f = ops.FUNCTIONS[node.fn].value
        if f is not None:
            v = f(node.arg.value)
            if v.is_Rational:
                return Const(v, node.shape)
    return None


def _of_filled(node):
    """A function of an array filled with c (a number or a scalar expression: a constant
    array, c 1 1^T) is that function of c times the ones array -- f(c 1 1^T) = f(c) 1 1^T,
    and (c 1 1^T)^{circ p} = c^p 1 1^T for a scalar p -- so the array keeps its shape
    where it is printed: softplus of an M x N zero array is softplus(0) 1_M 1_N^T, not
    the scalar softplus(0) (which reads back as a number). Not applied where the value
    folds to a number (`_fold_map`, `_pow_of_const_scalar` run first)."""
    if isinstance(node, Map) and node.shape:
        c = ir.filled(node.arg)
        return None if c is None else _times_ones(Map(node.fn, c), node.shape)
    if isinstance(node, Pow) and node.shape and node.exp.shape == ():
        c = ir.filled(node.base)
        return None if c is None else _times_ones(pow_(c, node.exp), node.shape)
    return None


def _times_ones(scalar, shape):
    """scalar * the ones array of `shape` (a product, so the ones factor is dropped where
    something else carries its axes)."""
    labs = ir.letters(len(shape))
    return contract([scalar, ones(shape)], [(), labs], labs)


# ---------------------------------------------------------------- elementwise identities

def _merge_powers(node):
    """x^p ⊙ x^q = x^(p+q) for operands with the same labels (so x ⊙ x^{-1} = 1); the
    exponents may be symbolic scalars, the base a number (2^{-νk/2} 2^{νk/2} = 1)."""
    if not isinstance(node, Contract):
        return None
    seen = {}
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        base, e = (op.base, op.exp) if isinstance(op, Pow) else (op, const(1))
        if isinstance(base, Const) and not isinstance(op, Pow):
            continue       # a ones array: `_ones` drops it
        key = (base, labels)
        if key in seen:
            j, e0 = seen[key]
            merged = pow_(base, add([e0, e]))
            ops_ = [o for i, o in enumerate(node.ops) if i not in (j, k)] + [merged]
            idx = [l for i, l in enumerate(node.idx) if i not in (j, k)] + [labels]
            return contract(ops_, idx, node.out)
        seen[key] = (k, e)
    return None


def _components(node):
    """The operands of the product `node` grouped by the summed labels they share (each
    group a sum of its own: Σ_j X_ij β_j and Σ_k X_ik β_k are two), as lists of positions."""
    out = set(node.out)
    groups = []
    for k, labels in enumerate(node.idx):
        summed = set(labels) - out
        joined = [g for g in groups if g[1] & summed]
        merged = ([k], set(summed))
        for g in joined:
            merged[0].extend(g[0])
            merged[1].update(g[1])
            groups.remove(g)
        groups.append(merged)
    return [sorted(g[0]) for g in groups if g[1]]


def _repeated_sum(node):
    """(Xβ) ⊙ (Xβ) = (Xβ)^{∘2}: two factors of a product that are the same sum over the same
    outer labels are one squared (Σ_j X_ij β_j Σ_k X_ik β_k = (Σ_j X_ij β_j)²), so the
    entrywise square of a matrix-vector product reads as one."""
    if not isinstance(node, Contract) or len(node.ops) < 4 or not _traits(node)[1]:
        return None      # nothing repeated
    comps = _components(node)
    if len(comps) < 2:
        return None
    built = []
    for comp in comps:
        labels = {l for k in comp for l in node.idx[k]}
        outer = tuple(l for l in node.out if l in labels)
        if not outer:
            built.append(None)     # a scalar sum: its powers are the coefficient's
            continue
        built.append((contract([node.ops[k] for k in comp], [node.idx[k] for k in comp],
                               outer), outer))
    for a in range(len(comps)):
        for b in range(a + 1, len(comps)):
            if built[a] is None or built[a] != built[b]:
                continue
            sub, outer = built[a]
            drop = set(comps[a]) | set(comps[b])
            ops_ = [o for k, o in enumerate(node.ops) if k not in drop] + [pow_(sub, 2)]
            idx = [l for k, l in enumerate(node.idx) if k not in drop] + [outer]
            return contract(ops_, idx, node.out)
    return None


def _even(e) -> bool:
    return isinstance(e, Const) and e.shape == () and e.value.is_integer and e.value % 2 == 0 \
        and e.value != 0


def _merge_even_powers(node):
    """(x^{2k})^{p} ⊙ x^{m} = (x^{2k})^{p + m/(2k)} for an even m: x^m = |x|^m = (x^{2k})^{m/(2k)}
    for every real x, so σ² √(σ²) is (σ²)^{3/2} and (σ²)^{-1} σ^{-2} is σ^{-4} (an odd power
    of x would need x > 0, and is left)."""
    if not isinstance(node, Contract) or not _traits(node)[2]:
        return None
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if not (isinstance(op, Pow) and isinstance(op.base, Pow) and _even(op.base.exp)):
            continue
        y, c = op.base.base, op.base.exp.value
        for m, (other, ol) in enumerate(zip(node.ops, node.idx)):
            if m == k or ol != labels or not (isinstance(other, Pow) and other.base is y
                                              and _even(other.exp)):
                continue
            merged = pow_(op.base, add([op.exp, const(other.exp.value / c)]))
            keep = [j for j in range(len(node.ops)) if j not in (k, m)]
            return contract([node.ops[j] for j in keep] + [merged],
                            [node.idx[j] for j in keep] + [labels], node.out)
    return None


def _neg_base(node):
    """(-x)^p = (-1)^p x^p for integer p: lets x ⊙ (-x)^{-1} cancel."""
    if isinstance(node, Pow) and isinstance(node.exp, Const) and node.exp.value.is_integer \
            and isinstance(node.base, Add) and node.base.coeffs[0].could_extract_minus_sign():
        pos = add(node.base.terms, [-c for c in node.base.coeffs])
        sign = (-1) ** int(node.exp.value)
        return contract([Const(sp.Integer(sign), ()), pow_(pos, node.exp)],
                        [(), ir.letters(node.rank)], ir.letters(node.rank))
    return None


def _power_of_product(node):
    """(a ⊙ b)^p = a^p ⊙ b^p for an entrywise product (no summed axes) and a constant p."""
    if not (isinstance(node, Pow) and isinstance(node.exp, Const)
            and isinstance(node.base, Contract)):
        return None
    c = node.base
    if any(set(l) - set(c.out) for l in c.idx) or any(len(set(l)) < len(l) for l in c.idx):
        return None
    return contract([pow_(op, node.exp) for op in c.ops], c.idx, c.out)


def _base_exp(op):
    if isinstance(op, Pow):
        return op.base, op.exp
    return op, const(1)


def _match_sum(node, k, b):
    """Find the factors of sum `b` (a Contract; operand k of `node` is a power of it)
    among the other operands of `node`: same base, labels mapped consistently (b's output
    labels onto operand k's labels), every label b sums mapped onto a label `node` sums
    that nothing else carries. An outer factor may hold a larger power than b's factor;
    the rest stays. Returns {operand position: leftover exponent}, or None."""
    lp = node.idx[k]
    start = {lab: lp[pos] for pos, lab in enumerate(b.out)}
    bfactors = [(_base_exp(op), l) for op, l in zip(b.ops, b.idx)]

    def search(i, used, mapping):
        if i == len(bfactors):
            summed = [mapping[l] for l in mapping if l not in b.out]
            if len(set(summed)) != len(summed):
                return None
            for m, lx in enumerate(node.idx):
                for outer in summed:
                    if outer in node.out or outer in lp:
                        return None
                    carries = outer in lx
                    if carries and (m not in used or not ir.is_zero(used[m])):
                        return None
            return used
        (base, e), lb = bfactors[i]
        for m, (op, lx) in enumerate(zip(node.ops, node.idx)):
            if m == k or m in used or len(lx) != len(lb):
                continue
            obase, oe = _base_exp(op)
            if obase is not base:
                continue
            new = dict(mapping)
            if all(new.setdefault(lab, outer) == outer for lab, outer in zip(lb, lx)):
                left = add([oe, e], [1, -1])
                found = search(i + 1, {**used, m: left}, new)
                if found is not None:
                    return found
        return None

    return search(0, {}, start)


def _resum(node):
    """Σ_j x_ij read back as the sum it is: with (Σ_j' x_ij')^p among the factors, the
    factors x_ij summed over j become one more power of that sum. So Σ_j x_ij / Σ_j' x_ij'
    = 1 (a normalised row sums to one) and Σ_l q_il · (Σ_l' q_il')^{-2} = (Σ_l' q_il')^{-1}."""
    if not isinstance(node, Contract):
        return None
    for k, op in enumerate(node.ops):
        b, e = _base_exp(op)
        if not isinstance(b, Contract) or not (set(l for ls in b.idx for l in ls) - set(b.out)):
            continue
        if any(isinstance(o, Const) for o in b.ops):
            continue
        found = _match_sum(node, k, b)
        if not found:
            continue
        ops_, idx = [], []
        for m, (o, l) in enumerate(zip(node.ops, node.idx)):
            if m == k:
                ops_.append(pow_(b, add([e, const(1)])))
                idx.append(l)
            elif m in found:
                base, _ = _base_exp(o)
                if not ir.is_zero(found[m]):
                    ops_.append(pow_(base, found[m]))
                    idx.append(l)
            else:
                ops_.append(o)
                idx.append(l)
        dims = node.label_dims()
        free = [l for l in node.out if not any(l in ls for ls in idx)]
        if free:
            ops_.append(ones(tuple(dims[l] for l in free)))
            idx.append(tuple(free))
        return contract(ops_, idx, node.out)
    return None


def _pow_of_const_scalar(node):
    if isinstance(node, Pow) and isinstance(node.base, Const) and isinstance(node.exp, Const):
        return Const(sp.Pow(node.base.value, node.exp.value), node.shape)
    return None


# ---------------------------------------------------------------- collect

def _symmetric_labels(node, inputs: frozenset = frozenset()):
    """Sᵀ = S for a symmetric S: its labels in a product are put in one order, so that
    X S and X Sᵀ are one term (X(XᵀX)⁻¹ + X(XᵀX)⁻ᵀ = 2X(XᵀX)⁻¹; with ``\\Sigma`` declared
    symmetric, Σ⁻¹(x - μ) + Σ⁻ᵀ(x - μ) = 2Σ⁻¹(x - μ); with ``K = X X^T + \\sigma^2 I``,
    K⁻ᵀ y = K⁻¹ y). What is symmetric is `symmetric.FORMS` and the names in `inputs`."""
    if not isinstance(node, Contract):
        return None
    inputs = _context(node, inputs)
    idx, changed = list(node.idx), False
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if len(labels) == 2 and labels[0] != labels[1] and _label_key(labels[0]) > \
                _label_key(labels[1]) and symmetric(op, inputs):
            idx[k] = (labels[1], labels[0])
            changed = True
    if len(node.ops) == 1 and set(idx[0]) == set(node.out) and len(node.out) == 2 \
            and symmetric(node.ops[0], inputs):
        return node.ops[0]
    return contract(node.ops, idx, node.out) if changed else None


def _label_key(lab):
    return (0, lab) if isinstance(lab, int) else (1, str(lab))


def _collect(node):
    """A x + Aᵀ x = (A + Aᵀ) x: two terms of a sum that are the same product but for one
    operand (over the same axes, maybe in another order) are one product of their sum."""
    if not isinstance(node, Add) or len(node.terms) < 2:
        return None
    items = list(zip(node.terms, node.coeffs))
    for a in range(len(items)):
        ta, ca = items[a]
        if not isinstance(ta, Contract):
            continue
        for b in range(a + 1, len(items)):
            tb, cb = items[b]
            if not isinstance(tb, Contract) or tb.out != ta.out or len(tb.ops) != len(ta.ops):
                continue
            pa = list(zip(ta.ops, ta.idx))
            pb = list(zip(tb.ops, tb.idx))
            rest_b = list(pb)
            odd_a = []
            for t in pa:
                if t in rest_b:
                    rest_b.remove(t)
                else:
                    odd_a.append(t)
            if len(odd_a) != 1 or len(rest_b) != 1:
                continue
            (oa, la), (ob, lb) = odd_a[0], rest_b[0]
            if oa.rank == 0 or set(la) != set(lb) or len(set(la)) != len(la):
                continue
            ob_aligned = ob if la == lb else contract([ob], [lb], la)
            shared = [t for t in pa if t is not odd_a[0]]
            if ob_aligned.shape != oa.shape or not any(o.rank for o, _ in shared):
                continue   # other axes, or nothing in common to factor out (‖a‖² + ‖b‖²)
            if sp.sympify(ca).is_number:        # the first term's factor outside
                summed, outside = add([oa, ob_aligned], [1, cb / ca]), ca
            else:
                # a dimension coefficient (2 n_2 - 2) may be 0 for some sizes: never divide
                # by it (cb / ca is 0/0 at n_2 = 1), keep both coefficients inside
                summed, outside = add([oa, ob_aligned], [ca, cb]), 1
            term = contract([o for o, _ in shared] + [summed],
                            [l for _, l in shared] + [la], ta.out)
            rest = [it for k, it in enumerate(items) if k not in (a, b)]
            return add([term] + [t for t, _ in rest], [outside] + [c for _, c in rest])
    return None


def _reversed_axes(node) -> int:
    """How many matrices the matrix `node` reads transposed when its chains are read from
    the row label out to the column label (K⁻ᵀ y yᵀ K⁻ᵀ: two; its transpose: none)."""
    if not isinstance(node, Contract) or len(node.out) != 2:
        return 0
    count, used = 0, set()
    for start, forward in ((node.out[0], True), (node.out[1], False)):
        cur = start
        while True:
            k = next((k for k, l in enumerate(node.idx) if k not in used and cur in l), None)
            if k is None or len(node.idx[k]) != 2:
                break
            used.add(k)
            a, b = node.idx[k]
            count += (a != cur) if forward else (a == cur)
            cur = b if a == cur else a
    return count


def _diagonal_transpose(node):
    """diag(Mᵀ) = diag(M): where a sum is read on its diagonal only (Tr(M), Σ_i M_ii v_i),
    each of its terms may be read transposed -- as the one with fewer transposes, so
    Tr(K⁻ᵀ y yᵀ K⁻ᵀ - K⁻ᵀ) is Tr(K⁻¹ y yᵀ K⁻¹ - K⁻¹)."""
    if not isinstance(node, Contract) or not _traits(node)[0]:
        return None
    for k, (op, labels) in enumerate(zip(node.ops, node.idx)):
        if not (isinstance(op, Add) and len(labels) == 2 and labels[0] == labels[1]):
            continue
        terms = [ir.transpose(t) if _reversed_axes(ir.transpose(t)) < _reversed_axes(t)
                 else t for t in op.terms]
        if all(a is b for a, b in zip(terms, op.terms)):
            continue
        ops_ = list(node.ops)
        ops_[k] = add(terms, op.coeffs)
        return contract(ops_, node.idx, node.out)
    return None


CANONICALISE = [
    Rewrite("delta", r"\sum_j A_{ij}\,\delta_{jk} = A_{ik}", _delta, on=(Contract,)),
    Rewrite("ones", r"A \odot (\mathbf{1}\mathbf{1}^T) = A", _ones, on=(Contract,)),
    Rewrite("sum-through", r"(X^{T} - \mu \mathbf{1}^{T}) \mathbf{1} = X^{T} \mathbf{1} - n \mu",
            _sum_through, on=(Contract,)),
    Rewrite("full-mask", r"[1 \le j \le n] = 1", _mask, on=(Mask,)),
    Rewrite("fold-constant", r"f(c) = \text{its value}", _fold_map, on=(Map,)),
    Rewrite("const-power", r"c^p = \text{its value}", _pow_of_const_scalar, on=(Pow,)),
    Rewrite("constant-array", r"f(c\,\mathbf{1}\mathbf{1}^T) = f(c)\,\mathbf{1}\mathbf{1}^T", _of_filled, on=(Map, Pow)),
]
ELEMENTWISE = [
    Rewrite("power-sign", r"(-x)^{p} = (-1)^{p} x^{p}", _neg_base, on=(Pow,)),
    Rewrite("merge-powers", r"x^{p} \odot x^{q} = x^{p+q}", _merge_powers, on=(Contract,)),
    Rewrite("even-powers", r"(x^{2})^{p}\, x^{2m} = (x^{2})^{p+m}", _merge_even_powers, on=(Contract,)),
    Rewrite("repeated-sum", r"(X \beta) \odot (X \beta) = (X \beta)^{\circ 2}", _repeated_sum, on=(Contract,)),
    Rewrite("power-of-product", r"(a \odot b)^{p} = a^{p} \odot b^{p}", _power_of_product, on=(Pow,)),
    Rewrite("resum", r"\sum_j x_{ij} \Big(\sum_{j'} x_{ij'}\Big)^{p} = \Big(\sum_{j'} x_{ij'}\Big)^{p+1}", _resum, on=(Contract,)),
]


FACTOR = [
    Rewrite("factor", r"X^{T} a - X^{T} b = X^{T} (a - b)", factor_shared, on=(Add,)),
    Rewrite("hadamard-polynomial", r"(1 - y) \odot s - y \odot (1 - s) = s - y",
            _hadamard_poly, on=(Add, Contract)),
]


SYMMETRIC_LATEX = r"S^{T} = S \text{ for } S = X^{T} X"
COLLECT = [
    Rewrite("symmetric", SYMMETRIC_LATEX, _symmetric_labels, on=(Contract,)),
    Rewrite("collect", r"A x + B x = (A + B) x", _collect, on=(Add,)),
    Rewrite("diagonal-transpose", r"\operatorname{Tr}(A^{T} + B) = \operatorname{Tr}(A + B)",
            _diagonal_transpose, on=(Contract,)),
] + FACTOR     # after collect: at a sum, A x + B x = (A + B) x is tried first




@functools.lru_cache(maxsize=64)
def _collect_for(inputs: frozenset) -> list:
    """The collect phase where the names in `inputs` are symmetric (inputs the document
    declares so, definitions symmetric by construction): the symmetric rule knows them
    too (one list per set of names, so a rule is one object)."""
    if not inputs:
        return COLLECT
    return [Rewrite("symmetric", SYMMETRIC_LATEX + r" \text{ or } S \text{ declared or defined symmetric}",
                    functools.partial(_symmetric_labels, inputs=inputs), on=(Contract,))] + COLLECT[1:]


def phases(symmetric: frozenset = frozenset()) -> list:
    """The rule phases, in order: the generic canonical forms, then every op's own
    rewrites (from the registry, so a user's function's rules take part), then the
    elementwise identities, then like terms collected, shared factors taken out of sums
    and entrywise polynomials normalised -- where `symmetric` names the
    inputs the document declares symmetric and its definitions symmetric by construction
    (`Problem.symmetric_names`), with Sᵀ = S for those."""
    return [("canonicalise", CANONICALISE), ("ops", ops.rewrites()),
            ("elementwise", ELEMENTWISE), ("collect", _collect_for(frozenset(symmetric)))]


def _done(node, inputs: frozenset = frozenset()) -> bool:
    """Is `node` known to be at the fixed point of every rule, with the inputs named in
    `inputs` declared symmetric? (A mark on the node itself -- nodes never change -- that
    holds the declared inputs it was simplified with, of those it uses: a node without
    any is done for every document.)"""
    return node.__dict__.get("_simplified") == _context(node, inputs)


_BY_CLASS: dict = {}    # the rules' ids -> (the rules, kept alive, {node class -> rules})


def _by_class(rules) -> dict:
    """node class -> the rules of `rules` that can apply to it (`Rule.on`), filled as
    classes are met: one table per list of rule objects (keyed by their ids, which the
    table keeps alive, so a key is never reused by other rules)."""
    key = tuple(map(id, rules))
    got = _BY_CLASS.get(key)
    if got is None:
        if len(_BY_CLASS) > 256:
            _BY_CLASS.clear()
        got = _BY_CLASS[key] = (tuple(rules), {})
    return got[1]


def _rewrite_once(root, rules, log, memo=None, inputs=frozenset()):
    """One bottom-up pass applying `rules` at every node until none applies there.
    `memo` (uid -> result) is that of earlier passes of the same rules (see
    `ir.transform`): a node met again is not rewritten again. Nodes marked done (with
    the symmetric `inputs`) are not walked."""
    by_class = _by_class(rules)

    def at(cur):
        for _ in range(50):
            cls = type(cur)
            applicable = by_class.get(cls)
            if applicable is None:
                applicable = by_class[cls] = [r for r in rules
                                              if not r.on or issubclass(cls, r.on)]
            for rule in applicable:
                nxt = rule.apply(cur)
                if nxt is not None and nxt is not cur:
                    if log is not None:
                        log.append(rule)
                    cur = nxt
                    break
            else:
                break
        return cur
    return ir.transform(root, at, stop=lambda n: _done(n, inputs), memo=memo)




def strip_stop_gradients(node):
    """The value of sg(x) is x: once a gradient is derived, its stop-gradients are only in
    the way of simplification. Subtrees known to hold none are not walked again."""
    def stop(n):
        return n.__dict__.get("_no_stop_gradient", False)
    out = ir.transform(node, lambda n: n.arg if isinstance(n, ops.StopGrad) else n, stop=stop)
    for n in ir.walk(out, stop):
        n.__dict__["_no_stop_gradient"] = True
    return out


def simplify(node, log: list | None = None, max_rounds: int = 20, memo: dict | None = None,
             symmetric: frozenset = frozenset()):
    """Run the phases to a fixed point (at most `max_rounds` rounds). Subtrees already
    known to be at the fixed point are not walked again, so re-simplifying an expression
    that grew by a few nodes costs time for those nodes only; a phase does not rewrite
    again a node it rewrote in an earlier round (a rewrite is a function of the node).
    `memo`, a dict the caller keeps, carries those rewrites over to later calls (the
    `Tidier` of one derivation shares one); it is not used with a `log` (every pass then
    runs, so each rule applied is logged). `symmetric` names the inputs the document
    declares symmetric and its definitions symmetric by construction
    (`Problem.symmetric_names`): their transposes are themselves, so like terms collect
    (Σ⁻¹r + Σ⁻ᵀr = 2Σ⁻¹r); the memo keeps the rewrites of each set apart."""
    inputs = frozenset(symmetric)
    memos = None if log is not None else ({} if memo is None else memo)
    for _ in range(max_rounds):
        before = node
        for k, (_, rules) in enumerate(phases(inputs)):
            node = _rewrite_once(node, rules, log, memos.setdefault((k, inputs), {})
                                 if memos is not None else None, inputs)
        if node is before:
            def done(n):
                return _done(n, inputs)
            for n in ir.walk(node, done):
                n.__dict__["_simplified"] = _context(n, inputs)
            break
    return node
