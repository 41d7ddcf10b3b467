"""Every derivation step cites the rule that produced it.

Over every derivation of the cookbook corpus (tests/test_cookbook.py), each colon-move
step is replayed: for every move it records, the rule it names is the FIRST row of
`colon.MOVES` that applies to what it moved, and applying that row again gives exactly
the recorded parts (nodes are interned: equal is identical). Every simplification step
names rules that exist in the simplifier's phases.
"""
from __future__ import annotations

import pytest
from test_cookbook import CASES

import matcalc
from matcalc import colon, simplify
from matcalc.api import lower_document
from matcalc.diff import differentiate


def _cases():
    """(doc, wrt) of every cookbook row, with its id."""
    return [pytest.param(c.values[2], c.values[3], id=c.id) for c in CASES]


def _all_rewrites():
    return {r for _, rules in simplify.phases() for r in rules}


@pytest.mark.parametrize("doc, wrt", _cases())
def test_each_step_names_the_rule_that_fired(doc, wrt):
    problem = lower_document(doc)
    kw = matcalc.api._resolve_wrt(problem, wrt)
    _, steps, _ = differentiate(problem, kw)
    rewrites = _all_rewrites()
    for st in steps:
        for rule, term, parts in st.moves:
            if term is None:  # a simplification step: the rules that fired
                assert rule in rewrites, rule.name
                continue
            first = next(r for r in colon.MOVES if r.apply(term) is not None)
            assert first is rule, (st.rule.name, first.name, rule.name)
            assert tuple(rule.apply(term)) == parts
            assert rule.name in st.rule.name.split("+")
