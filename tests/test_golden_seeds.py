"""Reviewed derivations of the five founding problems (tests/seeds/000..004): the text
matcalc prints for each (the derivation, one step a line with the identity it used, then
the result) is compared with tests/golden/seed_NNN.txt -- string equality against files
reviewed by eye -- and the final gradient of each is checked against central differences
of an independent NumPy objective (the functions of tests/test_seeds.py).

After an intended change of the printed forms, regenerate and review the diff:

    MATCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_golden_seeds.py -q
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import matcalc
import test_seeds as S
from helpers import check_gradient

GOLDEN = Path(__file__).parent / "golden"
UPDATE = bool(os.environ.get("MATCALC_UPDATE_GOLDEN"))


def _seed002_inputs():
    rng = np.random.default_rng(2)
    N, M, K = 3, 4, 2
    return dict(h=rng.integers(0, 2, N + M).astype(float) + 0.5,
                phi=rng.standard_normal((N + M, K)), N=N)


def _dec_inputs():
    rng = np.random.default_rng(4)
    return dict(z=rng.standard_normal((4, 2)), mu=rng.standard_normal((3, 2)), nu=1.7)


def _kl_p_frozen():
    """KL with p frozen at the inputs of _dec_inputs (the seed's "p held constant")."""
    kw = _dec_inputs()
    _, _, p = S.dec_parts(kw["z"], kw["mu"], kw["nu"])

    def f(z, mu, nu):
        _, q, _ = S.dec_parts(z, mu, nu)
        return (p * np.log(p / q)).sum()
    return f


# (golden name, seed file, wrt, objective, independent objective, fixed inputs, sampling mode)
CASES = [
    ("seed_000", "000.tex", "t^{(1)}", "f", S.rbf_numpy,
     lambda: S.rbf_inputs(np.random.default_rng(0)), None),
    ("seed_001", "001_question.tex", "W", None, S.seed001_numpy, None, None),
    ("seed_002", "002.tex", r"\phi", None, S.seed002_numpy, _seed002_inputs, None),
    ("seed_003", "003.tex", "z", None, S.dec_numpy, None, "positive"),
    ("seed_004", "004_question.tex", r"\alpha", None, S.seed004_question_numpy, None, None),
    # seed 003 with p held constant: the paper's (ν+1)/ν Σ_j (1 + ‖z_i - μ_j‖²/ν)^{-1}
    # (p_ij - q_ij)(z_i - μ_j)
    ("seed_003_p_held", "003.tex+held", "z", None, _kl_p_frozen(), _dec_inputs, None),
]


def _read(name):
    if name.endswith("+held"):
        return S.HELD
    return S.read(name)


def derivation_text(name, wrt, objective) -> str:
    g = matcalc.gradient(_read(name), wrt, objective=objective)
    return f"{g.derivation('text')}\n\n{g.result('text')}\n"


@pytest.mark.parametrize("golden, name, wrt, objective, f, inputs, mode", CASES,
                         ids=[c[0] for c in CASES])
def test_golden_derivation(golden, name, wrt, objective, f, inputs, mode):
    path = GOLDEN / f"{golden}.txt"
    text = derivation_text(name, wrt, objective)
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path.name} missing; run with MATCALC_UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8")


def test_seed003_result_is_a_few_lines():
    """The full gradient of seed 003 (∂KL/∂z, p not held) is written in the document's
    names with a named adjoint: well under 800 characters as text."""
    g = matcalc.gradient(S.read("003.tex"), "z")
    assert len(g.result("text")) < 800, len(g.result("text"))


@pytest.mark.parametrize("golden, name, wrt, objective, f, inputs, mode", CASES,
                         ids=[c[0] for c in CASES])
def test_golden_gradient_is_right(golden, name, wrt, objective, f, inputs, mode):
    """The gradient whose derivation is golden agrees with finite differences."""
    check_gradient(_read(name), wrt, f=f, objective=objective,
                   kwargs=inputs() if inputs else None, mode=mode, seed=3,
                   trials=1 if inputs else 2)
