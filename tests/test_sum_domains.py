"""Sum and product domains as people write them (issue 8, corpus 095): several bindings in
one subscript (``\\sum_{l \\in \\{1,2\\},\\; j \\in [\\![1,N]\\!],\\; j \\neq i}``), an index in
a literal set of integers or an integer interval, ``\\setminus \\{i\\}``, with conditions.

Each is read as the nested sums it stands for: every derived gradient is compared with
central finite differences of an independent NumPy objective written as explicit nested
loops over the domain (tests/helpers.py); refusals are located MatcalcErrors naming what
stays ambiguous or unread.
"""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc
from matcalc import numeric
from helpers import check_gradient, refused

X = r"$x, w \in \mathbb{R}^n$. "


def _loops(x, w, pairs):
    return float(sum(w[i] * x[j] ** 3 for i, j in pairs))


# ------------------------------------------------------------------ one index, a domain

@pytest.mark.parametrize("domain", [r"[\![1,n]\!]", r"\llbracket 1, n \rrbracket", r"[1..n]",
                                    r"[n]", r"[1,n]", r"\{1,\dots,n\}", r"\{1, 2, \ldots, n\}",
                                    r"\{1,\ldots,n\}"])
def test_an_index_over_the_whole_range(domain):
    doc = X + rf"$f = \sum_{{j \in {domain}}} w_j x_j^3$"
    g = check_gradient(doc, "x", lambda x, w: float(np.sum(w * x ** 3)))
    note = [n.reason for n in g.notes if "under the sum read as the integers" in n.reason]
    # [n] and [1,n] are read by a convention (a sum runs over integers): said in a note
    assert bool(note) == (domain in ("[n]", "[1,n]")), note


@pytest.mark.parametrize("domain, rows", [(r"\{1,2\}", [0, 1]), (r"\{2,3\}", [1, 2]),
                                          (r"\{2\}", [1]), (r"[\![2,3]\!]", [1, 2]),
                                          (r"\{1, 2, \dots, 3\}", [0, 1, 2])])
def test_an_index_over_part_of_the_range(domain, rows):
    doc = r"$x \in \mathbb{R}^4$. " + rf"$f = \sum_{{l \in {domain}}} x_l^2$"
    check_gradient(doc, "x", lambda x: float(sum(x[r] ** 2 for r in rows)))


def test_a_literal_set_that_is_not_a_run_is_refused():
    with pytest.raises(matcalc.ParseError, match=r"not a run of consecutive integers"):
        matcalc.gradient(r"$x \in \mathbb{R}^3$. $f = \sum_{j \in \{1,3\}} x_j^2$", "x")
    with pytest.raises(matcalc.ParseError, match=r"only over integers"):
        matcalc.gradient(r"$x \in \mathbb{R}^3$. $f = \sum_{j \in \{a,b\}} x_j^2$", "x")
    with pytest.raises(matcalc.ParseError, match=r"only as a run of integers"):
        matcalc.gradient(r"$x \in \mathbb{R}^3$. $f = \sum_{j \in \{1,3,\dots,n\}} x_j^2$", "x")


def test_a_range_counted_from_zero_is_refused_as_before():
    # 0..n is n + 1 entries of an n-vector: numbered from 0 or from 1, both named
    with pytest.raises(matcalc.ParseError, match=r"two readings -- numbered from 0"):
        matcalc.gradient(X + r"$f = \sum_{j \in \{0,\dots,n\}} x_j^2$", "x")


def test_a_bracket_of_something_that_is_no_size_is_refused():
    """[N] is the integers 1..N only where N is a size: a matrix, a defined value or a
    declared real is refused, naming the readings."""
    with pytest.raises(matcalc.ParseError, match=r"A is declared as an array, not a size"):
        matcalc.gradient(r"$A \in \mathbb{R}^{n \times n}$, $x \in \mathbb{R}^n$. "
                         r"$f = \sum_{j \in [A]} x_j^2$", "x")
    with pytest.raises(matcalc.ParseError, match=r"g is defined, not a size, so \[g\] may be "
                                                 r"the integers up to it or a bracket"):
        matcalc.gradient(r"$x \in \mathbb{R}^n$, $g = x^T x$. $f = \sum_{j \in [g]} x_j$", "x")
    with pytest.raises(matcalc.ParseError, match=r"declared as a value, not a size"):
        matcalc.gradient(r"$t \in \mathbb{R}$, $x \in \mathbb{R}^n$. $f = \sum_{j \in [t]} x_j$",
                         "x")
    with pytest.raises(matcalc.ParseError, match=r"a bracket under a sum is read as"):
        matcalc.gradient(r"$x \in \mathbb{R}^n$. $f = \sum_{j \in [n-1, n, 2]} x_j$", "x")


def test_a_bound_beside_a_domain_is_refused():
    with pytest.raises(matcalc.ParseError, match=r"a bound above \\sum beside a domain"):
        matcalc.gradient(X + r"$f = \sum_{j \in [n]}^{n} x_j^2$", "x")


# ------------------------------------------------------------------ several bindings

N_PAIRS = lambda n: [(i, j) for i in range(n) for j in range(n) if j != i]   # noqa: E731


@pytest.mark.parametrize("under", [
    r"i \in [n],\; j \in [\![1,n]\!],\; j \neq i",
    r"i \in [\![1,n]\!], j \in [\![1,n]\!], j \ne i",
    r"i, j \in \{1,\dots,n\},\, j \neq i",
    r"i, j \in \llbracket 1, n \rrbracket, i \neq j",
    r"i \in [1..n] \; j \in [1..n] \; j \neq i",
    r"i, j \ne i",
    r"i \in [n],\; j \in [n] \setminus \{i\}",
])
def test_two_bindings_and_a_condition(under):
    doc = X + rf"$f = \sum_{{{under}}} w_i x_j^3$"
    check_gradient(doc, "x", lambda x, w: _loops(x, w, N_PAIRS(len(x))))


def test_as_nested_sums_with_the_condition_inside():
    doc = X + r"$f = \sum_{i=1}^{n} \sum_{j \in [n] \setminus \{i\}} w_i x_j^3$"
    check_gradient(doc, "x", lambda x, w: _loops(x, w, N_PAIRS(len(x))))
    doc = X + r"$f = \sum_{i=1}^{n} \sum_{j=1,\; j \ne i}^{n} w_i x_j^3$"
    check_gradient(doc, "x", lambda x, w: _loops(x, w, N_PAIRS(len(x))))


@pytest.mark.parametrize("under", [r"i,j", r"i,\; j", r"i \in [n], j \in [n]",
                                   r"i, j \in [\![1,n]\!]"])
def test_two_bindings_without_a_condition(under):
    doc = X + rf"$f = \sum_{{{under}}} w_i x_j^3$"
    check_gradient(doc, "x", lambda x, w: float(np.sum(w) * np.sum(x ** 3)))


@pytest.mark.parametrize("under, keep", [
    (r"i, j \in [n], i < j", lambda i, j: i < j),
    (r"i, j \in [n], j > i", lambda i, j: i < j),
    (r"i \in [n], j \in [n], i \le j", lambda i, j: i <= j),
    (r"i \in [n], j \in [n], j \geq i", lambda i, j: i <= j),
    (r"i, j \in [n], i > j", lambda i, j: i > j),
    (r"i, j \in [\![1,n]\!], j \leq i", lambda i, j: j <= i),
])
def test_a_comparison_between_two_bound_indices(under, keep):
    doc = X + rf"$f = \sum_{{{under}}} w_i x_j^3$"

    def ref(x, w):
        n = len(x)
        return _loops(x, w, [(i, j) for i in range(n) for j in range(n) if keep(i, j)])
    check_gradient(doc, "x", ref)
    check_gradient(doc, "w", ref)


def test_the_excluded_term_is_never_evaluated():
    """\\|x_i - x_j\\|^{-2} over j != i: the diagonal 0^{-2} must not turn into NaN."""
    doc = (r"$x_i \in \mathbb{R}^{d}, \ i = 1,\dots,n$" "\n"
           r"$E = \sum_{i \in [\![1,n]\!],\; j \in [\![1,n]\!],\; j \neq i} \|x_i - x_j\|^{-2}$")

    def ref(x):
        n = len(x)
        return float(sum(1.0 / np.sum((x[i] - x[j]) ** 2)
                         for i in range(n) for j in range(n) if j != i))
    rng = np.random.default_rng(1)
    check_gradient(doc, "x", ref, kwargs=dict(x=rng.standard_normal((4, 3))))


def test_a_product_over_a_domain_without_one_value():
    doc = X + r"$f = \sum_{i=1}^{n} w_i \prod_{j \in [\![1,n]\!],\; j \neq i} x_j$"
    check_gradient(doc, "x", lambda x, w: float(sum(w[i] * np.prod(np.delete(x, i))
                                                    for i in range(len(x)))))


def test_the_infonce_shape_of_corpus_095():
    """U_i = sum over l in {1,2} and j in [1,N], j != i, of exp(x_i S_{lj} x_j / tau) -- the
    domain of corpus 095 over a matrix S of two rows (its page's z_j^{(l)} is a family
    indexed in its layer superscript, which the reader does not take: see the corpus)."""
    doc = (r"$x \in \mathbb{R}^N$, $S \in \mathbb{R}^{3 \times N}$, $\tau \in \mathbb{R}$. "
           r"$U_i = \sum_{l \in \{1,2\},\; j \in [\![1,N]\!],\; j \neq i} "
           r"\exp(x_i S_{lj} x_j / \tau)$, $L = \sum_{i=1}^{N} \log U_i$")

    def ref(x, S, tau):
        n = len(x)
        return float(sum(np.log(sum(np.exp(x[i] * S[l, j] * x[j] / tau)
                                    for l in range(2) for j in range(n) if j != i))
                         for i in range(n)))
    rng = np.random.default_rng(7)
    kw = dict(x=rng.standard_normal(4) * 0.5, S=rng.standard_normal((3, 4)), tau=1.7)
    for wrt in ("x", "S"):
        check_gradient(doc, wrt, ref, objective="L", kwargs=kw)


# ------------------------------------------------------------------ refusals

def test_conditions_that_cannot_be_read_are_refused():
    with pytest.raises(matcalc.ParseError, match=r"two conditions on j"):
        matcalc.gradient(X + r"$f = \sum_{i,k \in [n], j \in [n], j \ne i, j \ne k} w_i x_j$",
                         "x")
    with pytest.raises(matcalc.ParseError, match=r"two conditions on j"):
        matcalc.gradient(X + r"$f = \sum_{i \in [n], j \in [n] \setminus \{i\}, j \ne 1} x_j$",
                         "x")
    with pytest.raises(matcalc.ParseError, match=r"a condition on j beside the set"):
        matcalc.gradient(X + r"$f = \sum_{i \in [n], j \in C, j \ne i} w_i x_j$", "x")
    with pytest.raises(matcalc.ParseError, match=r"not after a named set"):
        matcalc.gradient(X + r"$f = \sum_{i \in [n], j \in C \setminus \{i\}} w_i x_j$", "x")
    with pytest.raises(matcalc.ParseError, match=r"cannot read this part of the subscript"):
        matcalc.gradient(X + r"$f = \sum_{i \in [n], 2i} w_i x_i$", "x")
    with pytest.raises(matcalc.ParseError, match=r"only between two single-letter indices"):
        matcalc.gradient(X + r"$f = \sum_{i \in [n], x_i > 0} w_i x_i$", "x")
    with pytest.raises(matcalc.ParseError, match=r"taken out of its own domain"):
        matcalc.gradient(X + r"$f = \sum_{i,\; j \in [n] \setminus \{i\}} w_i x_j$", "x")


def test_an_excluded_index_whose_range_is_not_within_the_domain_is_refused():
    """j over 1..n without i, where i runs over 1..m: for i > n + 1 the part 1..i-1 would
    run past n (the terms beside the excluded value are not the domain)."""
    doc = (r"$x \in \mathbb{R}^n$, $y \in \mathbb{R}^m$. "
           r"$f = \sum_{i=1}^{m} y_i \sum_{j \in [\![1,n]\!],\; j \ne i} x_j^2$")
    with pytest.raises(matcalc.ParseError, match=r"not shown to lie within 1..n"):
        matcalc.gradient(doc, "x")
    doc = r"$x \in \mathbb{R}^n$. $f = \sum_{j \in [\![1,n]\!],\; j \ne i} x_j^2$"
    with pytest.raises(matcalc.ParseError, match=r"leaves out i, which no enclosing sum"):
        matcalc.gradient(doc, "x")


def test_a_comparison_whose_bound_may_leave_the_domain_is_refused():
    doc = (r"$x \in \mathbb{R}^n$, $y \in \mathbb{R}^m$. "
           r"$f = \sum_{i \in [m], j \in [n], j < i} y_i x_j^2$")
    with pytest.raises(matcalc.ParseError, match=r"not shown to stay within 1..n"):
        matcalc.gradient(doc, "x")


# ------------------------------------------------------------------ a property

@settings(max_examples=15, deadline=None)
@given(st.integers(2, 6), st.integers(0, 10 ** 6),
       st.sampled_from([r"i \in [n],\; j \in [\![1,n]\!],\; j \neq i",
                        r"i, j \in \{1,\dots,n\},\, j \neq i",
                        r"i \in [n],\; j \in [n] \setminus \{i\}"]))
def test_a_domain_matches_the_nested_sums(n, seed, under):
    """sum over the domain of exp(a_i - a_j) w_j at random sizes: the generated objective
    equals explicit loops, and the gradient wrt a matches central differences."""
    rng = np.random.default_rng(seed)
    kw = dict(a=rng.standard_normal(n) * 0.5, w=rng.standard_normal(n))
    doc = rf"$a, w \in \mathbb{{R}}^n$. $f = \sum_{{{under}}} \exp(a_i - a_j) w_j$"

    def ref(a, w):
        return float(sum(np.exp(a[i] - a[j]) * w[j]
                         for i in range(len(a)) for j in range(len(a)) if j != i))
    g = matcalc.gradient(doc, "a")
    assert np.isclose(numeric.call(g.objective_numpy(), kw), ref(**kw), rtol=1e-12)
    got = numeric.call(g.to_numpy(), kw)
    assert numeric.relative_error(got, numeric.central_difference(ref, kw, "a")) < 1e-6


@pytest.mark.parametrize("under", [r"i,j=1", r"i,\; j=1"])
def test_two_indices_over_one_written_range(under):
    """\\sum_{i,j=1}^{n}: each of i and j runs over 1..n."""
    doc = X + rf"$f = \sum_{{{under}}}^{{n}} w_i x_j^3$"
    check_gradient(doc, "x", lambda x, w: float(np.sum(w) * np.sum(x ** 3)))
    doc = X + rf"$f = \sum_{{{under},\; j \neq i}}^{{n}} w_i x_j^3$"
    check_gradient(doc, "x", lambda x, w: _loops(x, w, N_PAIRS(len(x))))


@pytest.mark.parametrize("under", [r"i=1,\dots,n", r"i = 1, 2, \ldots, n", r"i=1,\; \cdots,\; n"])
def test_a_range_written_as_a_run(under):
    """\\sum_{i=1,\\dots,n}: i over 1..n (it was a parse error)."""
    check_gradient(X + rf"$f = \sum_{{{under}}} w_i x_i^3$", "x",
                   lambda x, w: float(np.sum(w * x ** 3)))


@pytest.mark.parametrize("under", [r"i, j : i \neq j", r"i, j \mid j \ne i",
                                   r"i, j \in [n] : j \neq i"])
def test_a_condition_after_a_colon_or_mid(under):
    """\\sum_{i,j : i \\neq j} ("such that"): the condition on the indices before it."""
    check_gradient(X + rf"$f = \sum_{{{under}}} w_i x_j^3$", "x",
                   lambda x, w: _loops(x, w, N_PAIRS(len(x))))


def test_a_bracket_n_is_the_integers_not_a_set_named_n():
    """\\sum_{i \\in [n]} was read as a sum over a set named n, a 0/1 mask input `n_set` the
    caller had to fill with ones; it is now the integers 1..n, noted."""
    g = check_gradient(X + r"$f = \sum_{i \in [n]} w_i x_i^3$", "x",
                       lambda x, w: float(np.sum(w * x ** 3)))
    assert "n_set" not in g.inputs.values()


def test_a_definition_of_the_variables_as_a_sum_bound_is_refused():
    """g = x^T x, then \\sum_{j=1}^{g}: g was read as a size, a new input, and its
    definition never used (no note); a dimension defined from dimensions stays a size."""
    with pytest.raises(matcalc.ParseError, match=r"g is defined by the document as a value "
                                                 r"of its variables"):
        matcalc.gradient(r"$x \in \mathbb{R}^n$ $$g = x^Tx$$ $$f = \sum_{j=1}^{g} x_j$$",
                         "x", objective="f")
    check_gradient(r"$x \in \mathbb{R}^{n}$, $m = n - 1$ $$f = \sum_{j=1}^{m} x_j^2$$", "x",
                   f=lambda x: float(np.sum(x[:-1] ** 2)))


def test_a_number_declared_real_bounds_no_sum():
    """τ ∈ ℝ then \\sum_{i=1}^{τ}: a sum to a real bound was read as a mask over 1..τ (the
    entries up to the number's value) without a word; the declaration says τ is no count."""
    refused(r"x \in \mathbb{R}^n, \tau \in \mathbb{R} \\ f = \tau \sum_{i=1}^{\tau} x_i^2", "x",
            r"\tau is declared a real number", r"\mathbb{N}")
    check_gradient(r"x \in \mathbb{R}^n, \tau \in \mathbb{N} \\ f = \tau \sum_{i=1}^{\tau} x_i^2",
                   "x", dims={"n": 5})
