"""An additive constant written as a word: ``\\ell(\\mu) = -\\tfrac{1}{2}(x-\\mu)^T(x-\\mu)
+ \\text{const}``, as likelihoods are written.

Contract: `additive_constants(toks) -> (toks, dropped)`: the grammar tokens of one clause
with every unnamed additive constant left out, and the (first, last) token pair of each one
left out, for the reader's note. A constant is a `HOLD` word that means "a constant"
(``const``, ``const.``, ``constant``) standing as a whole TERM of the clause's top-level
sum: after ``+``/``-`` and before the end of the clause, another ``+``/``-`` or a relation,
or first after a relation and followed by ``+``/``-``, all outside every bracket. It does not
change a gradient, so dropping it is exact for every derivative; the objective's value is
then given without it (the note says so). Anywhere else -- inside ``\\log(x +
\\text{const})``, a factor ``c\\,\\text{const}`` -- nothing is dropped, and the grammar
refuses the word as it did before. Pure; never raises.
"""
from __future__ import annotations

from .clauses import GROUP_CLOSERS as _CLOSE, GROUP_OPENERS as _OPEN

CONSTANT_WORDS = {"const", "const.", "constant", "constant.", "cst", "cst."}
_SIGNS = {"PLUS", "MINUS"}


def _is_constant(t) -> bool:
    return t.kind == "HOLD" and str(t.value).strip().lower() in CONSTANT_WORDS


def additive_constants(toks: list) -> tuple:
    depth, top = 0, []
    for t in toks:
        if t.kind in _OPEN:
            depth += 1
        elif t.kind in _CLOSE:
            depth -= 1
        top.append(depth == 0 and t.kind not in _CLOSE)
    drop, dropped = set(), []
    n = len(toks)
    for k, t in enumerate(toks):
        if not (_is_constant(t) and top[k]):
            continue
        before = toks[k - 1].kind if k > 0 else None
        after = toks[k + 1].kind if k + 1 < n else None
        if before in _SIGNS and top[k - 1] and (after is None or after in _SIGNS or
                                                after == "REL"):
            # the sign before it goes with it; a term before the sign must exist
            if k >= 2 and toks[k - 2].kind not in ("REL", *_SIGNS):
                drop.update((k - 1, k))
                dropped.append((toks[k - 1], t))
        elif (before is None or before == "REL") and after in _SIGNS and \
                k + 2 < n and toks[k + 2].kind not in ("REL", *_SIGNS):
            drop.add(k)
            if after == "PLUS":
                drop.add(k + 1)
            dropped.append((t, toks[k + 1]))
    if not drop:
        return toks, []
    return [t for k, t in enumerate(toks) if k not in drop], dropped
