"""The indicator of a comparison: ``\\mathbb{1}(W x > 0)``, ``1[z \\geq 0]``,
``\\mathbb{1}_{z > 0}``, ``1\\{a < b\\}``, as posts write a ReLU's derivative.

Contract: `comparison_indicators(toks) -> toks`, on the grammar tokens of one clause: a one
(``1``, ``\\mathbb{1}``, ``\\mathbf{1}``) followed by a bracket -- ``( )``, ``[ ]``, ``\\{ \\}``,
or a subscript ``_{ }`` -- that holds exactly one comparison (``>``, ``<``, ``\\geq``,
``\\leq`` ...) at its own level, with an expression on each side and no relation or comma,
-- or Iverson's bracket alone, ``[Z_1 > 0]`` (square brackets) -- is rewritten as a step
function (`ops/elementwise.py`: STEP is ``[x > 0]``, STEP0 is ``[x \\geq 0]``):
``[a > b] = step(a - b)``, ``[a < b] = step(b - a)``, ``[a \\geq b] = step0(a - b)``,
``[a \\leq b] = step0(b - a)``, exactly (ties included); each side is read for indicators
of its own. Anything else is left as it is (the grammar then refuses a comparison where
it stands). Pure; never raises.
"""
from __future__ import annotations

from .clauses import GROUP_CLOSERS as _CLOSE, GROUP_OPENERS as _OPEN

_BRACKETS = {"LPAR": "RPAR", "LBRACK": "RBRACK", "LSET": "RSET"}
_COMPARISONS = {">", "<", ">=", "<="}


def _is_one(t) -> bool:
    return t.kind in ("ONES", "NUMBER") and t.value == "1"


def _bracket(toks, k):
    """(first token inside, index of the closer) of the bracket opening at toks[k], or None."""
    t = toks[k]
    if t.kind in _BRACKETS:
        close, first = _BRACKETS[t.kind], k + 1
    elif t.kind == "SUB" and k + 1 < len(toks) and toks[k + 1].kind == "LBRACE":
        close, first = "RBRACE", k + 2
    else:
        return None
    depth = 0
    for j in range(first, len(toks)):
        x = toks[j]
        if depth == 0 and x.kind == close:
            return first, j
        if x.kind in _OPEN:
            depth += 1
        elif x.kind in _CLOSE:
            depth -= 1
            if depth < 0:
                return None
    return None


def _step(t, first, second, tie):
    """Tokens of step(first - second) ([x > 0]), or step0(first - second) ([x >= 0])."""
    return [t.at("FUNC", "step0" if tie else "step"), t.at("LPAR", "("), t.at("LPAR", "("),
            *first, t.at("RPAR", ")"), t.at("MINUS", "-"), t.at("LPAR", "("), *second,
            t.at("RPAR", ")"), t.at("RPAR", ")")]


def comparison_indicators(toks: list) -> list:
    out, k, n = [], 0, len(toks)
    while k < n:
        t = toks[k]
        got = _bracket(toks, k + 1) if _is_one(t) and k + 1 < n else None
        at = t
        if got is None and t.kind == "LBRACK" and not (out and _is_one(out[-1])):
            got = _bracket(toks, k)      # Iverson's bracket alone, [Z_1 > 0]
        if got is not None:
            first, end = got
            inside = toks[first:end]
            depth, cmps, bad = 0, [], False
            for j, x in enumerate(inside):
                if x.kind in _OPEN:
                    depth += 1
                elif x.kind in _CLOSE:
                    depth -= 1
                elif depth == 0 and x.kind == "CMP":
                    cmps.append(j)
                elif depth == 0 and x.kind in ("REL", "COMMA", "IN"):
                    bad = True
            if not bad and len(cmps) == 1 and 0 < cmps[0] < len(inside) - 1 and \
                    inside[cmps[0]].value in _COMPARISONS:
                j = cmps[0]
                # each side may hold indicators of its own: \mathbb{1}(\mathbb{1}(V \geq 0) > 0)
                a, b = comparison_indicators(inside[:j]), comparison_indicators(inside[j + 1:])
                op = inside[j].value
                pos, neg = (a, b) if op in (">", ">=") else (b, a)
                out.extend(_step(at, pos, neg, op in (">=", "<=")))
                k = end + 1
                continue
        out.append(t)
        k += 1
    return out
