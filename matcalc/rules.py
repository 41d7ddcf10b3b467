"""One rule type for everything that rewrites: colon moves, simplifications, op rewrites.

Contract: a `Rule` is a named identity. `name` is the action (``hadamard``,
``sigma-prime``); `latex` is the identity a derivation step cites; `apply(node)` returns
the rewritten node, or None when the rule does not apply there. A rule without `apply`
only names an identity (the derivation's bookkeeping rows: substitute, collect, gradient).
`on`, where given, is the node classes the rule can apply to: a driver may skip it for
others without calling it (it would return None there).
The same rows do the work and print the derivation.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Optional


@dataclass(frozen=True)
class Rule:
    name: str
    latex: str
    apply: Optional[Callable] = None
    on: tuple = ()            # the node classes it applies to (empty: any)

    def __call__(self, node):
        return self.apply(node) if self.apply is not None else None
