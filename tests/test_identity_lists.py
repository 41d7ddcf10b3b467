"""A list of claimed identities, each of its own function, checked claim by claim
(`matcalc.identity_lists`, through `check_all` and `matcalc check`).

Every verdict asserted here is also decided by the numbers alone: central differences of a
hand-written NumPy reference of the claim's function against the claimed right-hand side
evaluated by NumPy (`_numbers_say`); the test fails when matcalc's verdict disagrees.
"""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import matcalc
from matcalc import numeric

N = 3
DECL = r"$X, A, B \in \mathbb{R}^{n\times n}, a, b \in \mathbb{R}^{n}$" + "\n"


def _point(seed):
    rng = np.random.default_rng(seed)
    kw = {k: rng.standard_normal((N, N)) for k in "XAB"}
    kw.update(a=rng.standard_normal(N), b=rng.standard_normal(N))
    return kw


def _numbers_say(of, rhs, transpose=False, post=lambda v: v) -> str:
    """"right" when post(rhs) equals the central differences of `of` (wrt X; transposed
    for a derivative by X^T) at two random points, "wrong" when at neither."""
    said = set()
    for seed in (0, 1):
        kw = _point(seed)
        want = numeric.central_difference(of, kw, "X")
        want = want.T if transpose else want
        got = post(np.asarray(numeric.call(rhs, kw), dtype=float))
        said.add(got.shape == want.shape and numeric.relative_error(got, want) < 1e-6)
    assert len(said) == 1, "the claim holds at one point and not the other"
    return "right" if said.pop() else "wrong"


# (the function in LaTeX, its gradient wrt X in LaTeX, the function and the gradient in
# NumPy, written by hand from the math)
IDENTITIES = [
    (r"\mathrm{tr}(XA)", r"A^\top", lambda X, A: np.trace(X @ A), lambda A: A.T),
    (r"\mathrm{tr}(AX^\top)", r"A", lambda X, A: np.trace(A @ X.T), lambda A: A),
    (r"\mathrm{tr}(X^\top A X)", r"(A + A^\top) X", lambda X, A: np.trace(X.T @ A @ X),
     lambda X, A: (A + A.T) @ X),
    (r"\mathrm{tr}(AXB)", r"A^\top B^\top", lambda X, A, B: np.trace(A @ X @ B),
     lambda A, B: A.T @ B.T),
    (r"\det(X)", r"\det(X) (X^{-1})^\top", lambda X: np.linalg.det(X),
     lambda X: np.linalg.det(X) * np.linalg.inv(X).T),
    (r"\mathrm{tr}(X^2)", r"2 X^\top", lambda X: np.trace(X @ X), lambda X: 2 * X.T),
    (r"\|X\|_F^2", r"2 X", lambda X: np.sum(X * X), lambda X: 2 * X),
    (r"a^\top X b", r"a b^\top", lambda X, a, b: a @ X @ b, lambda a, b: np.outer(a, b)),
]

# how a right-hand side is spoiled: (LaTeX of the spoiled claim, the same on its values)
PERTURB = {
    "none": (lambda s: s, lambda v: v),
    "sign": (lambda s: rf"-({s})", lambda v: -v),
    "factor": (lambda s: rf"2({s})", lambda v: 2 * v),
    "transpose": (lambda s: rf"({s})^\top", lambda v: v.T),
}


def _line(fn, rhs, by=r"X"):
    return rf"$$\frac{{\partial}}{{\partial {by}}} {fn} = {rhs}$$"


def _doc(lines):
    return DECL + "\n".join(lines) + "\n"


def _by_line(verdicts):
    return {v.line: v for v in verdicts}


def test_each_claim_is_judged_against_its_own_function():
    doc = _doc([_line(f, g) for f, g, _, _ in IDENTITIES])
    with pytest.raises(matcalc.MatcalcError):
        matcalc.gradient(doc, "X")          # no single objective
    got = _by_line(matcalc.check_all(doc))
    assert sorted(got) == list(range(2, 2 + len(IDENTITIES)))
    for k, (f, _, of, g) in enumerate(IDENTITIES):
        v = got[2 + k]
        assert v.status == _numbers_say(of, g) == "right", v.reason
        assert v.column == 3
        assert f"the gradient of ${f}$" in v.reason     # its own function, as written


@pytest.mark.parametrize("how", ["sign", "factor", "transpose"])
def test_a_spoiled_claim_is_wrong_and_the_others_stay_right(how):
    latex, numpy_ = PERTURB[how]
    lines, want = [], {}
    for k, (f, g, of, ref) in enumerate(IDENTITIES):
        spoiled = k % 2 == 1
        lines.append(_line(f, latex(g) if spoiled else g))
        want[2 + k] = _numbers_say(of, ref, post=numpy_ if spoiled else PERTURB["none"][1])
    got = _by_line(matcalc.check_all(_doc(lines)))
    assert {k: v.status for k, v in got.items()} == want
    assert "wrong" in want.values()


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(0, len(IDENTITIES) - 1), st.sampled_from(sorted(PERTURB))),
                min_size=2, max_size=4))
def test_random_identity_lists_get_the_verdicts_the_numbers_give(picks):
    lines, want = [], {}
    for k, (i, how) in enumerate(picks):
        f, g, of, ref = IDENTITIES[i]
        latex, numpy_ = PERTURB[how]
        lines.append(_line(f, latex(g)))
        want[2 + k] = _numbers_say(of, ref, post=numpy_)
    got = _by_line(matcalc.check_all(_doc(lines)))
    assert {k: v.status for k, v in got.items()} == want, "\n".join(lines)


@pytest.mark.parametrize("rhs, ref", [
    (r"A", lambda A: A),
    (r"A^\top", lambda A: A.T),
    (r"-A", lambda A: -A),
])
def test_derivative_by_the_transpose_is_the_transposed_gradient(rhs, ref):
    of = IDENTITIES[0][2]
    doc = _doc([_line(r"\mathrm{tr}(XA)", rhs, by=r"X^\top"),
                _line(r"\mathrm{tr}(X^2)", r"2 X^\top")])
    v = _by_line(matcalc.check_all(doc))[2]
    assert v.status == _numbers_say(of, ref, transpose=True), v.reason
    if v.status == "wrong" and rhs == r"A^\top":
        assert "transpose" in v.reason


def test_derivative_by_the_transpose_of_a_non_square_matrix():
    doc = (r"$X \in \mathbb{R}^{m\times n}, A \in \mathbb{R}^{n\times m}$" "\n"
           + _line(r"\mathrm{tr}(XA)", "A", by=r"X^\top") + "\n"
           + _line(r"\mathrm{tr}(XA)", r"A^\top", by=r"X^\top") + "\n")
    got = _by_line(matcalc.check_all(doc))
    assert got[2].status == "right", got[2].reason
    assert got[3].status == "wrong", got[3].reason


def test_derivative_by_a_transposed_vector_is_not_judged():
    doc = _doc([_line(r"a^\top X b", r"a b^\top"), _line(r"b^\top a", "b", by=r"a^\top")])
    v = _by_line(matcalc.check_all(doc))[3]
    assert v.status == "unchecked" and "layout" in v.reason


def test_without_shapes_each_claim_is_judged_with_made_up_sizes():
    # no declaration: X, A, B are read with their most general shapes (lower/fresh.py), at
    # sizes all different from one another; these identities hold for every size, and a
    # transposed claim does not fit them (unchecked, naming the declaration), never right
    doc = "\n".join(_line(f, g) for f, g, _, _ in IDENTITIES[:4]) + "\n"
    verdicts = matcalc.check_all(doc)
    assert [v.status for v in verdicts] == ["right"] * 4
    for (f, g, of, rhs), v in zip(IDENTITIES[:4], verdicts):
        assert _numbers_say(of, rhs) == "right", f
    bad = matcalc.check_all(_line(r"\mathrm{tr}(XA)", "A") + "\n")
    assert [v.status for v in bad] in (["wrong"], ["unchecked"])
    if bad[0].status == "unchecked":
        assert "declare them" in bad[0].reason


def _entry_numbers_say(of, lhs, rhs) -> str:
    """A claim lhs(G) = rhs with G the gradient of `of` wrt X, by the numbers alone (G by
    central differences), at two random points."""
    said = set()
    for seed in (0, 1):
        kw = _point(seed)
        G = numeric.central_difference(of, kw, "X")
        said.add(numeric.relative_error(lhs(G, kw), rhs(kw)) < 1e-6)
    assert len(said) == 1
    return "right" if said.pop() else "wrong"


DET = lambda X: np.linalg.det(X)                    # noqa: E731
TRXA = lambda X, A: np.trace(X @ A)                 # noqa: E731
ENTRY_SUMS = [       # (left side, right side, function, left side of G, right side)
    (r"\sum_{k} \frac{\partial \det(X)}{\partial X_{i k}} X_{j k}", r"\delta_{i j} \det(X)",
     DET, lambda G, kw: G @ kw["X"].T, lambda kw: DET(kw["X"]) * np.eye(N)),
    (r"\sum_{k} \frac{\partial \det(X)}{\partial X_{k i}} X_{k j}", r"\delta_{i j} \det(X)",
     DET, lambda G, kw: G.T @ kw["X"], lambda kw: DET(kw["X"]) * np.eye(N)),
    (r"\sum_{k} \frac{\partial \det(X)}{\partial X_{i k}} X_{k j}", r"\delta_{i j} \det(X)",
     DET, lambda G, kw: G @ kw["X"], lambda kw: DET(kw["X"]) * np.eye(N)),
    (r"\sum_{k} \frac{\partial \det(X)}{\partial X_{i k}} X_{j k}", r"\delta_{i j}",
     DET, lambda G, kw: G @ kw["X"].T, lambda kw: np.eye(N)),
    (r"\sum_{k} \frac{\partial \mathrm{tr}(XA)}{\partial X_{i k}} A_{j k}",
     r"(A^\top A^\top)_{i j}", TRXA, lambda G, kw: G @ kw["A"].T,
     lambda kw: kw["A"].T @ kw["A"].T),
    (r"\sum_{k} \frac{\partial \mathrm{tr}(XA)}{\partial X_{i k}} A_{j k}", r"(A A)_{i j}",
     TRXA, lambda G, kw: G @ kw["A"].T, lambda kw: kw["A"] @ kw["A"]),
]


def test_a_sum_over_entries_of_a_derivative_is_judged_by_the_numbers():
    lines = [rf"$${lhs} = {rhs}$$" for lhs, rhs, *_ in ENTRY_SUMS]
    doc = _doc(lines + [_line(r"\mathrm{tr}(X^2)", r"2X^\top")])
    got = _by_line(matcalc.check_all(doc))
    assert [v.status for v in matcalc.check_all(doc, wrt="X")] == \
        [got[k].status for k in sorted(got)]         # each is a claim by X
    for k, (_, _, of, lhs, rhs) in enumerate(ENTRY_SUMS):
        v = got[2 + k]
        assert v.status == _entry_numbers_say(of, lhs, rhs), v.reason
        assert "indexed [i, j]" in v.reason
    assert {v.status for v in got.values()} == {"right", "wrong"}


def test_a_sum_over_entries_it_cannot_index_is_unchecked_with_the_reason():
    doc = _doc([r"$$\sum_{k} \frac{\partial \det(X)}{\partial X_{i k}} = \sum_k A_{k i}$$",
                _line(r"\det(X)", r"\det(X) (X^{-1})^\top")])
    got = _by_line(matcalc.check_all(doc))
    assert got[2].status == "unchecked" and "no single derivative" in got[2].reason
    assert got[3].status == "right"


def test_gradient_refuses_pointing_to_check():
    doc = _doc([_line(f, g) for f, g, _, _ in IDENTITIES[:2]])
    with pytest.raises(matcalc.MatcalcError, match="matcalc check"):
        matcalc.gradient(doc, "X")


def test_check_wrt_keeps_the_claims_by_that_variable():
    doc = _doc([_line(r"\mathrm{tr}(XA)", r"A^\top"),
                r"$$\frac{\partial}{\partial A} \mathrm{tr}(XA) = X^\top$$",
                _line(r"\mathrm{tr}(X^2)", r"X^\top")])
    got = matcalc.check_all(doc, wrt="X")
    assert [(v.line, v.status) for v in got] == [(2, "right"), (4, "wrong")]
    assert [v.line for v in matcalc.check_all(doc, wrt="A")] == [3]
    assert _numbers_say(lambda X: np.trace(X @ X), lambda X: X.T) == "wrong"


def test_cli_check_reports_each_claim_and_exits_1_on_a_wrong_one(tmp_path):
    doc = _doc([_line(r"\mathrm{tr}(XA)", r"A^\top"), _line(r"\mathrm{tr}(AXB)", r"B A")])
    path = tmp_path / "identities.tex"
    path.write_text(doc)
    run = subprocess.run([sys.executable, "-m", "matcalc", "check", str(path)],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stderr
    assert "line 2, column 3: right" in run.stdout
    assert "line 3, column 3: wrong" in run.stdout
    assert "a list of identities" in run.stderr
    derive = subprocess.run([sys.executable, "-m", "matcalc", "derive", str(path), "--wrt", "X"],
                            capture_output=True, text=True)
    assert derive.returncode == 2 and "matcalc check" in derive.stderr


def test_an_unreadable_row_of_an_aligned_list_leaves_the_others_judged():
    doc = DECL + (r"$$\begin{aligned}" "\n"
                  r"& \frac{\partial}{\partial X} \mathrm{tr}(X^2) = 2 X^\top \\" "\n"
                  r"& \frac{\partial}{\partial X} \mathrm{tr}(X \otimes X) = 2 \mathrm{tr}(X) I \\"
                  "\n"
                  r"& \frac{\partial}{\partial X} \mathrm{tr}(XA) = A" "\n"
                  r"\end{aligned}$$" "\n")
    got = _by_line(matcalc.check_all(doc))
    assert got[3].status == "right"
    assert got[4].status == "unchecked" and "otimes" in got[4].reason
    assert got[5].status == _numbers_say(IDENTITIES[0][2], lambda A: A) == "wrong"


@pytest.mark.parametrize("written", [r"\mathbf{X A}^{\top}", r"\mathbf{XA}^T",
                                     r"\boldsymbol{X A}^{-1}", r"\mathbf{X A}_{11}",
                                     r"\textbf{X A}^T"])
def test_a_bold_group_of_names_with_a_script_is_refused_naming_both(written):
    doc = r"$X, A \in \mathbb{R}^{n\times n}$" "\n" rf"$f = \mathrm{{tr}}({written} X)$"
    with pytest.raises(matcalc.ParseError, match="two readings") as info:
        matcalc.gradient(doc, "X")
    assert "(X A)" in str(info.value) and "as it is typeset" in str(info.value)


@pytest.mark.parametrize("written, ref", [
    (r"\mathbf{x}_i^\top \mathbf{x}_i", lambda x: float(np.sum(x * x))),
    (r"\mathbf{x_i}^\top \mathbf{x_i}", lambda x: float(np.sum(x * x))),
    (r"(\mathbf{A x})^\top \mathbf{A x}", None),
])
def test_a_bold_name_with_a_script_still_reads(written, ref):
    doc = (r"$A \in \mathbb{R}^{n\times n}, x_i \in \mathbb{R}^{d}, i = 1,\dots,m$" "\n"
           if ref is not None else r"$A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n$" "\n")
    doc += rf"$f = {written}$" if ref is None else rf"$f = \sum_i {written}$"
    g = matcalc.gradient(doc, "x")
    kw = numeric.sample_inputs(g.problem, np.random.default_rng(0))
    want = numeric.central_difference(ref or (lambda A, x: float((A @ x) @ (A @ x))), kw, "x")
    assert numeric.relative_error(numeric.call(g.to_numpy(), kw), want) < 1e-6


@pytest.mark.parametrize("middle, last", [("2A", r"A^\top"), (r"A^\top", "2A"),
                                          (r"A^\top", r"A^\top")])
def test_every_right_side_of_a_continued_line_is_checked(middle, last):
    doc = DECL + (r"$$\begin{aligned}" "\n"
                  r"\frac{\partial}{\partial X} \mathrm{tr}(XA) & = A^\top \\" "\n"
                  rf"& = {middle} = {last}" "\n"
                  r"\end{aligned}$$" "\n")
    refs = {"2A": lambda A: 2 * A, r"A^\top": lambda A: A.T}
    of = IDENTITIES[0][2]
    want = "right" if all(_numbers_say(of, refs[p]) == "right" for p in (middle, last)) \
        else "wrong"
    got = _by_line(matcalc.check_all(doc))
    assert got[3].status == "right"
    assert got[4].status == want, got[4].reason
