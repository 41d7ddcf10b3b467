"""Differential fuzzing of whole documents (the generator and evaluator: tests/fuzz_docs.py).

For each random document: `matcalc.gradient(doc, wrt)`, then every stage -- latex(), text(),
steps, derivation("text" | "latex" | "markdown"), _repr_latex_(), _repr_markdown_(),
numpy_source(), to_numpy() called with the inputs keyed by g.inputs, objective_numpy() --
and the gradient compared with fourth-order central differences of OUR evaluator (relative
error < 1e-6; points near a kink, or where two step sizes disagree, are skipped), the
generated objective with our evaluator. A MatcalcError from gradient() is accepted only for
documents tagged as possibly unsupported (a bare math-alphanumeric letter, `W^{(2)T}`); any
other exception anywhere, a wrong number, or a document that takes more than BUDGET
seconds (expression swell), fails.

Round trip: `matcalc.check(doc, wrt, claim=g.latex()).ok` must hold -- what matcalc prints
it must read back with the same meaning; a printed result check() cannot read (or reads
as another function at its points while it is right at ours: "noisy", counted apart) fails.
How often it holds is reported as hypothesis events (`--hypothesis-show-statistics`) and
by the long-run script.

Constructs that trigger an open engine bug (fuzz_docs.KNOWN_BUGS) are left out here and
pinned by xfail(strict=True) regression tests; MATCALC_FUZZ_ALL=1 puts them back.

Profiles: by default (and under `ci`) a derandomised few hundred documents;
`--hypothesis-profile=long` runs the profile's max_examples (100000) with fresh randomness.
A census without stopping at the first failure: `python tests/fuzz_docs.py --minutes 20`.
"""
from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, event, given, settings

import fuzz_docs as F
import matcalc
from matcalc import ops

LONG = settings.get_current_profile_name() == "long"
ALL = bool(os.environ.get("MATCALC_FUZZ_ALL"))
EXCLUDE = frozenset() if ALL else frozenset(F.KNOWN_BUGS)
HEALTH = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much,
          HealthCheck.large_base_example]
BUDGET = 30.0     # seconds per document: past it, a failure (expression swell, a hang)
FUZZ = settings(deadline=None, suppress_health_check=HEALTH) if LONG else \
    settings(max_examples=300, derandomize=True, deadline=None, suppress_health_check=HEALTH)


def test_reference_covers_every_function():
    """A new elementwise op must get a REFERENCE row (a spelling, NumPy, a domain) so that
    it is fuzzed."""
    missing = sorted(set(ops.FUNCTIONS) - set(F.REFERENCE))
    assert not missing, f"ops.FUNCTIONS without a fuzz_docs.REFERENCE entry: {missing}"


CASES = [(name, tmpl) for name, (spellings, _, _) in sorted(F.REFERENCE.items())
         if spellings for tmpl in spellings]


@pytest.mark.parametrize("name, tmpl", CASES)
def test_reference_spelling(name, tmpl):
    """Each spelling in REFERENCE reads as its function: gradient and objective of
    f = sum(fn(z)) agree with NumPy (z positive where the domain needs it)."""
    _, npf, domain = F.REFERENCE[name]
    scalar = tmpl in F.SCALAR_ONLY_SPELLINGS
    arg = r"\alpha" if scalar else "x"
    body = tmpl.replace("{}", arg, 1)
    doc = (r"\alpha \in \mathbb{R}" if scalar else r"x \in \mathbb{R}^n") + "\n" + \
        (f"f = {body}" if scalar else rf"f = \mathbf{{1}}^T {body}")
    g = matcalc.gradient(doc, wrt=arg.strip("\\"))
    rng = np.random.default_rng(3)
    z = rng.uniform(0.5, 1.5, () if scalar else 4) * (1 if domain == "positive" else
                                                      rng.choice([-1, 1], () if scalar else 4))
    kw = {"alpha": float(z)} if scalar else {"x": z}
    got = g.to_numpy()(**kw)
    h = 1e-6
    zz = np.atleast_1d(np.asarray(z, float))
    want = np.array([(np.sum(npf(zz + h * e)) - np.sum(npf(zz - h * e))) / (2 * h)
                     for e in np.eye(zz.size)])
    assert np.allclose(np.atleast_1d(got), want, rtol=1e-6, atol=1e-8), (doc, got, want)
    assert np.isclose(float(g.objective_numpy()(**kw)), float(np.sum(npf(zz))), rtol=1e-12)


@FUZZ
@given(case=F.cases(exclude=EXCLUDE))
def test_fuzz_document(case):
    oc = F.run_case(case, budget=BUDGET)
    event(f"outcome: {oc.status}" + (f" ({oc.skip_reason})" if oc.skip_reason else ""))
    report = f"\n--- document (wrt={case.wrt!r}):\n{case.doc}\n--- {oc.stage}: {oc.detail}"
    known = F.known_failure(oc)
    if known:
        event(f"known bug: {known}")
        return
    if oc.status == "refused":
        assert case.may_refuse, "refused a supported document" + report
        return
    assert not oc.failed, report
    if oc.roundtrip:
        event(f"round trip: {oc.roundtrip}")
        # check() itself must not raise anything but a MatcalcError
        if oc.roundtrip == "exception" and F.known_roundtrip_exception(oc):
            event(f"known bug: {F.known_roundtrip_exception(oc)} (in check)")
            return
        assert oc.roundtrip != "exception", (f"check(doc, claim=g.latex()) raised "
                                             f"{oc.roundtrip_detail}" + report)
        # noisy: right at our point, not at check's
        assert oc.roundtrip in ("ok", "noisy"), (
            f"round trip {oc.roundtrip}: check(doc, claim=g.latex()) -> "
            f"{oc.roundtrip_detail}\n--- latex: {oc.latex}" + report)
