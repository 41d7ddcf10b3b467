"""The contraction-order planner (codegen/plan.py), on its own.

Following its plan pairwise gives what one einsum gives, for random label patterns; a chain
never holds an intermediate of more than two axes; a factorisable double sum is contracted
without building the outer product.
"""
from __future__ import annotations

import string

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from matcalc.codegen import pair_order

SIZES = dict(zip(string.ascii_lowercase, [2, 3, 4, 2, 3, 5, 2, 4, 3, 2, 3, 2]))


def _follow(arrays, labels, out):
    items = dict(enumerate(zip(arrays, labels)))
    for a, b, keep, new in pair_order(list(labels), out):
        (xa, la), (xb, lb) = items.pop(a), items.pop(b)
        spec = f"{''.join(la)},{''.join(lb)}->{''.join(keep)}"
        items[new] = (np.einsum(spec, xa, xb), keep)
    (x, lx), = items.values()
    return np.einsum(f"{''.join(lx)}->{''.join(out)}", x)


@st.composite
def patterns(draw):
    letters = "abcdefgh"
    k = draw(st.integers(2, 6))
    labels = [tuple(draw(st.lists(st.sampled_from(letters), min_size=1, max_size=3, unique=True)))
              for _ in range(k)]
    used = sorted({l for ls in labels for l in ls})
    out = tuple(draw(st.lists(st.sampled_from(used), max_size=2, unique=True)))
    return labels, out


@settings(max_examples=60, deadline=None)
@given(patterns(), st.integers(0, 100))
def test_following_the_plan_is_the_einsum(pattern, seed):
    labels, out = pattern
    rng = np.random.default_rng(seed)
    arrays = [rng.standard_normal([SIZES[l] for l in ls]) for ls in labels]
    spec = ",".join("".join(ls) for ls in labels) + "->" + "".join(out)
    assert np.allclose(_follow(arrays, labels, out), np.einsum(spec, *arrays))


def test_a_chain_stays_a_chain():
    k = 400
    labels = [(i, i + 1) for i in range(k)]
    steps = pair_order(labels, (0, k))
    assert len(steps) == k - 1
    assert max(len(keep) for _, _, keep, _ in steps) <= 2


def test_a_factorisable_double_sum_stays_linear():
    # sum_ij h_i h_j phi_i . phi_j = (sum_i h_i phi_i) . (sum_j h_j phi_j): no (i, j) array
    labels = [("i",), ("j",), ("i", "k"), ("j", "k")]
    steps = pair_order(labels, ())
    assert all(set(keep) != {"i", "j"} for _, _, keep, _ in steps)
