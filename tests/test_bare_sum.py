"""``\\sum`` written with no index and no bounds, as posts write a loss
(``L = \\frac12 \\sum (y - \\hat y)^2``): one free index of the summand is summed over; no
free index over an array sums all its entries (a square of a vector or of a non-square
matrix entrywise, since the other reading, the squared norm, is the same number); every
other case is refused, naming what to write. Gradients against central differences of
NumPy references; the readings are noted."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import matcalc
from matcalc import MatcalcError

from helpers import check_gradient

DECL = (r"$y, z \in \mathbb{R}^{n}, R, Q \in \mathbb{R}^{1 \times n}, "
        r"M \in \mathbb{R}^{m \times n}, A \in \mathbb{R}^{n \times n}, c \in \mathbb{R}$" "\n")


@pytest.mark.parametrize("body,wrt,ref,said", [
    (r"L = \frac{1}{2}\sum (y - z)^2", "z", lambda y, z: float(0.5 * np.sum((y - z) ** 2)),
     "sum of all its entries"),
    (r"L = \sum (R - Q)^{2}", "Q", lambda R, Q: float(np.sum((R - Q) ** 2)), "sum of all its entries"),
    (r"L = \sum (M \odot M)", "M", lambda M: float(np.sum(M * M)), "sum of all its entries"),
    (r"L = \sum z_i^2", "z", lambda z: float(np.sum(z ** 2)), "the sum over i"),
    (r"L = \sum (y_i - z_i)^2 + c", "z", lambda y, z, c: float(np.sum((y - z) ** 2) + c),
     "the sum over i"),
    (r"L = \sum \log(1 + e^{z_k})", "z", lambda z: float(np.sum(np.log1p(np.exp(z)))),
     "the sum over k"),
    (r"L = \sum_j \left(\sum M_{ij}\right)^2", "M", lambda M: float(np.sum(M.sum(axis=0) ** 2)),
     "the sum over i"),
])
def test_a_sum_without_index_reads_its_summand(body, wrt, ref, said):
    g = check_gradient(DECL + "$$" + body + "$$", wrt, f=ref)
    assert any(said in n.reason for n in g.notes), [n.reason for n in g.notes]


@pytest.mark.parametrize("body,piece", [
    (r"L = \sum A_{ij} z_j", "two indices nothing binds, i and j"),
    (r"L = \sum c", "its terms are a number"),
    (r"L = \sum (A - z z^T)^2", "square of a square matrix"),   # matrix or entrywise square
    (r"L = \sum (y - z)^2 (y + z)^2", "ambiguous"),   # Σ a²b² or ‖a‖²‖b‖²: differ
])
def test_a_sum_without_index_that_has_two_readings_is_refused(body, piece):
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(DECL + "$$" + body + "$$", wrt="z")
    assert piece in str(e.value) and e.value.line == 2


@settings(max_examples=25, deadline=None)
@given(k=st.integers(1, 4), scale=st.sampled_from(["", r"\frac{1}{2}", "3"]))
def test_the_bare_sum_is_the_sum_written_with_its_index(k, scale):
    """Property: ``\\sum (y - z)^2`` and ``\\sum_{i=1}^n (y_i - z_i)^2`` give one gradient."""
    bare = matcalc.gradient(DECL + f"$$L = {scale}\\sum (y - z)^2$$", wrt="z")
    full = matcalc.gradient(DECL + f"$$L = {scale}\\sum_{{i=1}}^n (y_i - z_i)^2$$", wrt="z")
    rng = np.random.default_rng(k)
    n = k + 1
    kw = {"y": rng.normal(size=n), "z": rng.normal(size=n), "n": n}
    got = matcalc.numeric.call(bare.to_numpy(), kw)
    want = matcalc.numeric.call(full.to_numpy(), kw)
    assert np.allclose(got, want)
