"""The real-world corpus (tests/realworld/): formulas copied verbatim from public pages.

For every document in `tests/realworld/cases.py`:
  - status "right": matcalc derives the gradient; at 2 random float64 points it must match
    central finite differences of the hand-written NumPy reference (relative error < 1e-6),
    and matcalc's generated objective must equal the reference's value;
  - status "wrong: ...": as "right", marked xfail(strict): matcalc derives without an error
    but the numbers are wrong -- the worst outcome, kept visible until it is fixed;
  - status "refused: ...": matcalc must raise a MatcalcError (nothing else) that names a
    place (line and column for a ParseError / ShapeError) and still stops at the recorded
    construct. If it derives instead, the test fails -- "silently wrong" when the numbers
    disagree with the reference, else "now derives: update status to right";
  - status "checked: ...": a list of identities: `check_all` gives one verdict per claim,
    each at the recorded line with the recorded status, and every "right" / "wrong" is
    confirmed by the numbers: central differences of the hand-written reference of THAT
    claim's function against each claimed right-hand side evaluated by NumPy, at 2 random
    points (right: all agree; wrong: some disagree). `gradient` still refuses the page.
Every view of a derived Gradient (LaTeX, text, steps, NumPy source, the callables) is
exercised: any exception other than MatcalcError is a failure.
"""
from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

import matcalc
from matcalc import numeric
from matcalc.names import python_name

_spec = importlib.util.spec_from_file_location(
    "realworld_cases", Path(__file__).parent / "realworld" / "cases.py")
_cases = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _cases
_spec.loader.exec_module(_cases)
CASES = _cases.CASES

RTOL = 1e-6
SEEDS = (0, 1)


def _xfail_raises(case):
    """What a known defect may fail with. A silently wrong case fails its numbers check
    (an AssertionError, or a MatcalcError from the generated function when it cannot take
    the document's data); a refusal without a place fails its assertion. Anything else --
    pytest.fail("... update status") when the defect is fixed differently -- is a failure."""
    if case.status.startswith("wrong"):
        return (AssertionError, matcalc.MatcalcError)
    return AssertionError


def _params(pred):
    out = []
    for c in CASES:
        if not pred(c):
            continue
        marks = [pytest.mark.xfail(strict=True, reason=c.xfail, raises=_xfail_raises(c))] \
            if c.xfail else []
        out.append(pytest.param(c, id=c.file[:-4], marks=marks))
    return out


def _derive(case):
    return matcalc.gradient(case.text, wrt=case.wrt, objective=case.objective)


def _exercise(g):
    """Every view of the result: none may raise anything but MatcalcError."""
    assert isinstance(g.latex(), str) and isinstance(g.text(), str)
    steps = g.steps
    assert steps and all(isinstance(s.latex, str) and isinstance(s.text, str) for s in steps)
    g.derivation()
    assert "def " + g.function_name in g.numpy_source()
    assert isinstance(g.inputs, dict)


def _draw(case, g, obj, rng):
    if case.sample is not None:
        return case.sample(rng)
    return numeric.sample_inputs(g.problem, rng, obj, mode=case.mode)


def _check_numbers(case, g):
    """Assert the gradient matches central differences of the reference at 2 points, and
    the generated objective matches the reference's value. Returns the largest error."""
    grad, obj = g.to_numpy(), g.objective_numpy()
    key = python_name(g.wrt)
    worst = 0.0
    for seed in SEEDS:
        kw = _draw(case, g, obj, np.random.default_rng(seed))
        with np.errstate(all="raise", under="ignore"):
            got = numeric.call(grad, kw)
            value = numeric.call(obj, kw)
        want = numeric.central_difference(case.ref, kw, key) if g.power is None else \
            numeric.central_difference_power(case.ref, kw, key, g.power.k)   # wrt \sigma^2
        assert np.shape(got) == np.shape(want), \
            f"gradient shape {np.shape(got)}, reference {np.shape(want)}"
        assert np.max(np.abs(want)) > 1e-6, "gradient ~0 at the test point: proves nothing"
        err = numeric.relative_error(got, want)
        worst = max(worst, err)
        assert err < RTOL, (f"gradient wrt {case.wrt} off by {err:.3g} (seed {seed}):\n"
                            f"{g.text()}")
        ref_value = numeric.call(case.ref, kw)
        assert np.allclose(value, ref_value, rtol=1e-9, atol=1e-12), \
            f"objective value {value} but reference {ref_value} (seed {seed})"
    return worst


@pytest.mark.parametrize("case", _params(lambda c: c.status == "right"
                                         or c.status.startswith("wrong")))
def test_right(case):
    try:
        g = _derive(case)
    except matcalc.MatcalcError as e:
        if case.status.startswith("wrong"):
            pytest.fail(f"no longer derives (now refused): update status to refused: {e}")
        raise
    _exercise(g)
    _check_numbers(case, g)


def _has_place(e):
    if isinstance(e, (matcalc.ParseError, matcalc.ShapeError)):
        return e.line is not None and e.column is not None
    return e.line is not None or "'" in str(e) or "`" in str(e)


@pytest.mark.parametrize("case", _params(lambda c: c.status.startswith("refused")))
def test_refused(case):
    try:
        g = _derive(case)
    except matcalc.MatcalcError as e:
        msg = str(e)
        assert _has_place(e), f"refused without a place (no line/column): {msg}"
        assert case.expect and case.expect in msg, \
            f"refused, but no longer at the recorded construct: update status\n{msg}"
        return
    _exercise(g)
    if case.ref is None:
        pytest.fail("now derives: update status to right (and write a reference)")
    try:
        _check_numbers(case, g)
    except AssertionError as err:
        pytest.fail(f"silently wrong: derives {g.text()} but disagrees with the reference: {err}")
    except Exception as err:   # the reference's keywords no longer fit the document
        pytest.fail(f"now derives: update status to right (reference not evaluable: {err!r})")
    pytest.fail("now derives: update status to right")


def _claim_agrees(claim, kw) -> bool:
    """Do all of the claim's right-hand sides equal the central differences of its
    function at the point kw (the transposed differences for a derivative by X^T)?"""
    want = numeric.central_difference(claim.of, kw, claim.wrt)
    if claim.transpose:
        want = want.T
    assert np.max(np.abs(want)) > 1e-6, "gradient ~0 at the test point: proves nothing"
    if claim.lhs is not None:           # a left side in the gradient's entries
        want = claim.lhs(want, kw)
    for rhs in claim.rhs:
        got = np.asarray(numeric.call(rhs, kw), dtype=float)
        if got.shape != want.shape or numeric.relative_error(got, want) >= RTOL:
            return False
    return True


def _numbers_say(case, claim) -> str:
    """"right" or "wrong" for one claim, by the numbers alone (both points must agree)."""
    said = {_claim_agrees(claim, case.sample(np.random.default_rng(seed))) for seed in SEEDS}
    assert len(said) == 1, f"line {claim.line}: the claim holds at one point, not the other"
    return "right" if said.pop() else "wrong"


@pytest.mark.parametrize("case", _params(lambda c: c.status.startswith("checked")))
def test_checked(case):
    verdicts = matcalc.check_all(case.text)
    got = {v.line: v for v in verdicts}
    assert len(got) == len(verdicts), "two verdicts on one line"
    assert sorted(got) == sorted(c.line for c in case.claims), \
        f"verdicts at lines {sorted(got)}: update the claims\n{verdicts.report()}"
    for claim in case.claims:
        v = got[claim.line]
        assert v.status == claim.verdict, f"line {claim.line}: {v.status}: {v.reason}"
        assert claim.expect in v.reason, f"line {claim.line}: {v.reason}"
        if claim.answered:
            said = _numbers_say(case, claim)
            assert said == v.status, (f"line {claim.line}: matcalc says {v.status}, the "
                                      f"numbers say {said}: {v.reason}")
    with pytest.raises(matcalc.MatcalcError, match="check"):
        _derive(case)           # no single objective: gradient refuses, pointing to check


def test_corpus_is_complete():
    """Every .tex file in the folder has exactly one case, with the header the rule asks."""
    folder = Path(__file__).parent / "realworld"
    files = sorted(p.name for p in folder.glob("*.tex"))
    assert sorted(c.file for c in CASES) == files
    for c in CASES:
        for key in ("source", "title", "added", "wrt"):
            assert c.header(key), f"{c.file}: missing '% {key}:' line"
        # matcalc drops % comments only inside math: a $ in a header line would open math
        assert not any(line.startswith("%") and "$" in line for line in c.text.splitlines()), \
            f"{c.file}: a '$' in a header comment is read as math"
        wrt, _, objective = c.header("wrt").partition("objective:")
        assert wrt.strip() == c.wrt, f"{c.file}: header wrt {wrt.strip()!r}, case {c.wrt!r}"
        assert objective.strip() == (c.objective or "last"), f"{c.file}: header objective"
        assert c.status == "right" or c.status.startswith(("refused: ", "wrong: ",
                                                           "checked: ")), c.status
        if c.status.startswith("checked"):
            assert c.claims and c.sample is not None, f"{c.file}: a checked case needs claims"
            assert all(cl.of is not None and cl.rhs for cl in c.claims if cl.answered), c.file
        elif not c.status.startswith("refused"):
            assert c.ref is not None, f"{c.file}: a derived case needs a reference"
        if c.status.startswith("wrong"):
            assert c.xfail and c.xfail.startswith("silently wrong"), c.file


def test_summary(capsys):
    counts = Counter(c.status.split(":")[0] for c in CASES)
    lines = [f"realworld corpus: {len(CASES)} documents, {counts['right']} right, "
             f"{counts['refused']} refused, {counts['wrong']} silently wrong, "
             f"{counts['checked']} checked claim by claim"]
    for c in CASES:
        lines.append(f"  {c.id}  {c.status}")
    with capsys.disabled():
        print("\n" + "\n".join(lines))
    assert counts["right"] + counts["refused"] + counts["wrong"] + counts["checked"] == \
        len(CASES)


def test_readme_table_is_current():
    """The README's table is made from cases.py (tests/realworld/table.py --write)."""
    from realworld import table
    assert table.readme_table(table.README.read_text()) == table.table(), \
        "tests/realworld/README.md is stale: run python tests/realworld/table.py --write"


def _without_added_declaration(case):
    """The document as the page has it: the one declaration line the header says was added
    (the first line after the header) taken out; None when nothing such was added."""
    if not case.header("added").startswith("declaration line 1"):
        return None
    lines = case.text.splitlines(keepends=True)
    first = next(i for i, line in enumerate(lines) if not line.startswith("%"))
    return "".join(lines[:first] + lines[first + 1:])


@pytest.mark.parametrize("case", _params(lambda c: c.status == "right"
                                         and _without_added_declaration(c) is not None))
def test_without_the_added_declaration_never_guesses(case):
    """The declaration line we added (shapes the page gives in words, or none) is what a
    user types when matcalc asks for it: without it, matcalc refuses with a MatcalcError
    or, where it infers the shapes itself, derives the same numbers -- never another
    gradient."""
    text = _without_added_declaration(case)
    try:
        g = matcalc.gradient(text, wrt=case.wrt, objective=case.objective)
    except matcalc.MatcalcError:
        return
    _exercise(g)
    try:
        _check_numbers(case, g)
    except AssertionError as err:
        pytest.fail(f"silently wrong without the added declaration: {g.text()}: {err}")
    except Exception as err:   # inferred shapes the reference cannot take: say so
        pytest.fail(f"derives without the added declaration with other inputs "
                    f"{sorted(g.inputs)}: {err!r}")


@pytest.mark.parametrize("case", _params(lambda c: c.status.startswith("checked")
                                         and _without_added_declaration(c) is not None))
def test_checked_without_the_added_declaration_invents_no_sizes(case):
    """Without the declaration line we added, no claim is judged on invented shapes: a
    claim is unchecked naming the declaration that settles it, or gets the same verdict."""
    text = _without_added_declaration(case)
    want = {c.line - 1: c.verdict for c in case.claims}     # one line less above each
    for v in matcalc.check_all(text):
        if v.status == "unchecked":
            continue
        assert want.get(v.line) == v.status, \
            f"line {v.line}: {v.status} without the declaration: {v.reason}"
