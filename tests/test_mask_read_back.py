r"""Issue 6, round trip as a property, for the 0/1 vector ``\mathbf{1}_{[a,b]}`` (1 on entries
a..b) that matcalc prints for a sub-range sum: its length is set by unification with what
it multiplies, and check() reads the printed gradient back with the same meaning.

Found as rows 0, 3-7, 22, 23 of tests/roundtrip_unreadable.jsonl ("cannot tell the length
of this 0/1 vector"), reduced here:
  * the claim's inference did not know the shape of the document's entrywise definitions
    (``q_j := c + x_j`` is q of j's length), so ``o^T \mathbf{1}_{[2,\,m]}`` left the
    length free, or so many either/or constraints open that nothing was inferred;
  * ``\mathbf{1}_{[2,\,m]}^T \sigma([\prod_j ...]_i)`` has nothing to size either side (the
    entry builder takes its length from where it stands too): it is printed
    ``\sum_{i=2}^{m} \sigma(\prod_j ...)``, and the old form stays refused;
  * a claim's own ``where \bar{q} = ...`` was replaced by the gradient's adjoint of the same
    name, so any body was judged right.
Every gradient is compared with central finite differences of an independent NumPy
objective (helpers.check_gradient).
"""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient, reads_back_both_ways


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


O_DOC = (r"u \in \mathbb{R}^{m}, x \in \mathbb{R}^{n}" "\n" r"o_j = u_j^2" "\n"
         r"f = \log(1 + (\sum_{j=2}^{m} o_j)^2) \, \mathbf{1}^T x")

Q_DOC = (r"x \in \mathbb{R}^{n}, c \in \mathbb{R}" "\n" r"q_j = c + x_j" "\n"
         r"f = \sum_{j=2}^{n} \frac{q_j}{1 + {\frac{q_j}{1 + q_j^2}}^2}")

K_DOC = (r"p \in \mathbb{R}^{n}" "\n" r"K_{ik} = p_k p_i" "\n"
         r"f = \log(1 + \exp(\sum_{i=2}^{n} \sigma(K_{ii})))")

NU_DOC = (r"x \in \mathbb{R}^{n}, \nu \in \mathbb{R}^{m}" "\n"
          r"f = \frac{x^T x}{1 + (\sum_{j=2}^{m} \sigma(\prod_{l=j+1}^{m} "
          r"\tanh(\nu_l)))^2}")

# the document of row 4: its gradient names the adjoint \bar{q}
ROW4_DOC = (r"h_j = \frac{\text{in}_j \cdot \text{float}}{1 + \text{float}^2}" "\n"
            r"q_j \coloneqq \text{float} + \text{in}_j" "\n"
            r"\mathcal{L} = \sum_{j=2}^{\mathrm{eval}} \frac{q_j}{1 + {\frac{q_j}{1 + q_j^2}}^2}"
            r" - \mathbf{1}^T h" "\n"
            r"\text{float} \in \mathbb R \quad \text{in} \in R^{\mathrm{eval}}")


def _o(u, x):
    return np.log(1 + np.sum(u[1:] ** 2) ** 2) * np.sum(x)


def _q(x, c):
    q = (c + x)[1:]
    return np.sum(q / (1 + (q / (1 + q ** 2)) ** 2))


def _k(p):
    return np.log(1 + np.exp(np.sum(sigmoid(p[1:] ** 2))))


def _nu(x, nu):
    t = np.tanh(nu)
    s = sum(sigmoid(np.prod(t[j + 1:])) for j in range(1, len(nu)))
    return x @ x / (1 + s ** 2)


def _row4(float_, in_):
    q = (float_ + in_)[1:]
    return np.sum(q / (1 + (q / (1 + q ** 2)) ** 2)) - np.sum(in_ * float_ / (1 + float_ ** 2))


@pytest.mark.parametrize("doc, wrt, f, old, new", [
    (O_DOC, "x", _o, r"[2,\,m]", r"[1,\,m]"),
    (O_DOC, "u", _o, r"[2,\,m]", r"[1,\,m]"),
    (Q_DOC, "x", _q, r"[2,\,n]", r"[1,\,n]"),
    (Q_DOC, "c", _q, r"[2,\,n]", r"[1,\,n]"),
    (K_DOC, "p", _k, r"[2,\,n]", r"[1,\,n]"),
    (NU_DOC, "x", _nu, r"\sum_{i=2}^{m}", r"\sum_{i=1}^{m}"),
    (NU_DOC, "nu", _nu, r"\sum_{i=2}^{m}", r"\sum_{i=1}^{m}"),
    (ROW4_DOC, "in_", _row4, r"[2,\,\mathrm{eval}]", r"[1,\,\mathrm{eval}]"),
], ids=["o-x", "o-u", "q-x", "q-c", "K-p", "nu-x", "nu-nu", "row4"])
def test_printed_sub_range_gradient_reads_back(doc, wrt, f, old, new):
    g = check_gradient(doc, wrt, f)
    g.text()
    reads_back_both_ways(doc, wrt, g.latex(), old, new)


@pytest.mark.parametrize("claim, ok", [
    (r"\log(1 + (o^T \mathbf{1}_{[2,\,m]})^2) \mathbf{1}_n", True),
    (r"\log\left(1 + \left(\mathbf{1}_{[2,\,m]}^{T}o\right)^{2}\right) \mathbf{1}_{n}", True),
    (r"\log(1 + (\sum_{j=2}^{m} o_j)^2) \mathbf{1}_n", True),
    (r"\log(1 + (o^T \mathbf{1}_{[1,\,m]})^2) \mathbf{1}_n", False),
    (r"\log(1 + (o^T \mathbf{1}_{[2,\,m - 1]})^2) \mathbf{1}_n", False),
    (r"(o^T \mathbf{1}_{[2,\,m]}) \mathbf{1}_n", False),
], ids=["right", "right-printed", "right-sum", "wrong-from-1", "wrong-to-m-1", "wrong-no-log"])
def test_entrywise_definition_sizes_a_mask_in_a_claim(claim, ok):
    """o_j = u_j^2 defines o entrywise: o has m entries, and so has the 0/1 vector beside it
    (the claim's inference was given no shape for o, and the length was left free)."""
    assert matcalc.check(O_DOC, "x", claim=claim).ok is ok


def test_mask_sized_by_an_entrywise_matrix_through_diag():
    r"""K_{ik} = p_k p_i is n x n, so diag(K) and the 0/1 vector dotted with it have n
    entries (row 6: K had no shape in the claim's inference)."""
    right = (r"2 \sigma\left(\mathbf{1}_{[2,\,n]}^{T}\sigma\left(\operatorname{diag}(K)\right)"
             r"\right) \left(p \odot \sigma(\operatorname{diag}(K)) \odot "
             r"(1 - \sigma(\operatorname{diag}(K))) \odot \mathbf{1}_{[2,\,n]}\right)")
    assert matcalc.check(K_DOC, "p", claim=right).ok
    assert not matcalc.check(K_DOC, "p", claim=right.replace(r"[2,\,n]}^{T}", r"[3,\,n]}^{T}")).ok


def test_masked_sum_without_a_sized_side_is_printed_with_its_bounds():
    g = matcalc.gradient(NU_DOC, "x")
    assert r"\mathbf{1}_{[" not in g.latex()
    # the old printed form: neither the 0/1 vector nor the entry builder [..]_i has a length
    old = (r"\frac{2 x}{1 + \left(\mathbf{1}_{[2,\,m]}^{T}\sigma\left(\left[\prod_{j} "
           r"\left(1 - \left(\sum_{k=i + 1}^{m} \delta_{jk}\right) + \tanh\left(\nu_{j}"
           r"\right) \left(\sum_{k=i + 1}^{m} \delta_{jk}\right)\right)\right]_{i}\right)"
           r"\right)^{2}}")
    with pytest.raises(matcalc.MatcalcError, match="cannot tell the length"):
        matcalc.check(NU_DOC, "x", claim=old)


def test_mask_of_undetermined_length_is_still_refused_in_a_claim():
    with pytest.raises(matcalc.MatcalcError, match="cannot tell the length"):
        matcalc.check(O_DOC, "x", claim=r"(\mathbf{1}_{[2,\,3]}^T \mathbf{1}_{[1,\,3]}) "
                                          r"\mathbf{1}_n")


# row 4's gradient as matcalc printed it before entrywise polynomials were normalised
# (hadamard_poly.py; it now prints as one rational function, without the adjoint)
ROW4_WITH_ADJOINT = (
    r"\bar{q} - \frac{\mathrm{float}}{\mathrm{float}^{2} + 1} \mathbf{1}_{\mathrm{eval}} "
    r"\quad\text{where}\quad \bar{q} = 4 \left(q^{\circ 4} \odot \left(1 + q^{\circ 2}"
    r"\right)^{\circ -3} \odot \left(1 + q^{\circ 2} \oslash \left(1 + q^{\circ 2}\right)"
    r"^{\circ 2}\right)^{\circ -2} \odot \mathbf{1}_{[2,\,\mathrm{eval}]}\right) + \left(1 + "
    r"q^{\circ 2} \oslash \left(1 + q^{\circ 2}\right)^{\circ 2}\right)^{\circ -1} \odot "
    r"\mathbf{1}_{[2,\,\mathrm{eval}]} - 2 \left(q^{\circ 2} \odot \left(1 + q^{\circ 2}"
    r"\right)^{\circ -2} \odot \left(1 + q^{\circ 2} \oslash \left(1 + q^{\circ 2}\right)"
    r"^{\circ 2}\right)^{\circ -2} \odot \mathbf{1}_{[2,\,\mathrm{eval}]}\right)")


def test_claims_where_is_its_own_not_the_gradients_adjoint():
    r"""A claim of row 4 written `\bar{q} - ... where \bar{q} = B`: the claim's B is what
    its \bar{q} means (whatever the gradient's own adjoint, if it names one, is)."""
    g = matcalc.gradient(ROW4_DOC, "in_")
    assert matcalc.check(ROW4_DOC, "in_", claim=g.latex()).ok
    latex = ROW4_WITH_ADJOINT
    head, sep, body = latex.partition(r"\quad\text{where}\quad \bar{q} = ")
    assert sep, latex
    assert matcalc.check(ROW4_DOC, "in_", claim=latex).ok
    same = head + sep + rf"2 \left({body}\right) - \left({body}\right)"
    assert matcalc.check(ROW4_DOC, "in_", claim=same).ok
    for wrong in ("0", rf"2 \left({body}\right)", body.replace(r"[2,\,", r"[1,\,", 1)):
        assert not matcalc.check(ROW4_DOC, "in_", claim=head + sep + wrong).ok, wrong
