"""Constants: an additive constant written as a word (``\\ell(\\mu) = -\\tfrac{1}{2}
(x-\\mu)^T(x-\\mu) + \\text{const}``, as likelihoods are written), and a name the words
after a formula call a constant (``... + c, for some constant c``). One table of the words
(`CONSTANT_WORDS`) serves both.

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

Contract: `named_constants(text, regs, k, inner, one_name) -> [ConstantStatement]`: see
below (read by `read.prose`, lowered by `lower/prose_names.py`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Tuple

from .clauses import GROUP_CLOSERS as _CLOSE, GROUP_OPENERS as _OPEN
from .prose_shapes import SAID_NAME, masked_line, said_phrases

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


# ------------------------------------------------------------------ a constant named in words
# ``... + c, for some constant c`` (corpus 151), ``where $c$ is a constant``: the prose right
# after a formula names one of its names a constant. Read as the statement that the name is
# a real scalar that is not a variable (lower/prose_names.py declares it, with a note, and
# refuses it where the math uses it as an array). The rows: (how the phrase reads, pattern
# over the prose after a math region, each later math region on the line masked as
# "\x00<j>\x00"; {NAME} is a one-letter name written bare or a masked region). The word
# after "constant" may not make it an array or a function ("a constant vector", "constant
# matrix", "a constant function"): such a phrase is not read.
_CONSTANT = r"(?:" + "|".join(sorted((w.rstrip(".") for w in CONSTANT_WORDS), key=len,
                                     reverse=True)) + r")"
_QUALITY = r"(?:(?:real|fixed|arbitrary|unknown|given|scalar|additive|positive|nonzero)\s+)*"
_DET = r"(?:(?:some|a|an|any|the)\s+)?"
_NAME = SAID_NAME
_NOT_ARRAY = r"(?!\s*(?:[-\w]*\s+)?(?:vectors?|matri(?:x|ces)|arrays?|tensors?|functions?|" \
             r"terms?|offsets?\s+vector)\b)"
NAMED_CONSTANT_PHRASES = (
    ("for some constant <c>",
     r"(?:for|with|plus|and)\s+" + _DET + _QUALITY + _CONSTANT + r"\s+" + _NAME),
    ("where <c> is a constant",
     r"(?:(?:where|with|and|here|in\s+which)\s+)?" + _NAME + r"\s+(?:is|being|denotes)\s+"
     + _DET + _QUALITY + _CONSTANT + r"(?![\w-])" + _NOT_ARRAY),
    ("<c> a constant",
     r"(?:(?:where|with|and)\s+)?" + _NAME + r"\s+(?:some|a|an)\s+" + _QUALITY + _CONSTANT
     + r"(?![\w-])" + _NOT_ARRAY),
)
# the region itself the name: ``$c$ is a constant``
_SELF_PHRASE = ("<c> is a constant", r"(?:is|being|denotes)\s+" + _DET + _QUALITY + _CONSTANT
                + r"(?![\w-])" + _NOT_ARRAY)
_LEAD = re.compile(r"\s*[,;]?\s*")
_COMPILED_CONSTANTS = tuple((how, re.compile(p, re.IGNORECASE))
                            for how, p in NAMED_CONSTANT_PHRASES)
_COMPILED_SELF = (_SELF_PHRASE[0], re.compile(_SELF_PHRASE[1], re.IGNORECASE))


@dataclass(frozen=True)
class ConstantStatement:
    """The prose says `name` (syntax) is a constant: `sentence` (the formula's end and
    the words, as written) at `place` ((start, end) offsets in the text), by the row
    `phrase` of `NAMED_CONSTANT_PHRASES`."""
    name: object
    sentence: str
    place: Tuple[int, int]
    phrase: str


def named_constants(text, regs, k, inner, one_name) -> list:
    """The `ConstantStatement`s the prose right after math region `regs[k]` makes, on its
    line: its first words name a constant (``, for some constant c``, ``where $c$ is a
    constant``), or the region is one name and the words say it is a constant. `inner(text,
    r)` is a region's text between its delimiters (None for math found without them),
    `one_name(src)` the name `src` is, or None. Pure; never raises."""
    r = regs[k]
    eol = text.find("\n", r.end)
    eol = len(text) if eol < 0 else eol
    prose, spans = masked_line(text, regs, k, eol)
    lead = _LEAD.match(prose).end()
    src = inner(text, r)
    own = one_name(src) if src is not None else None
    rows = ((_COMPILED_SELF,) if own is not None else ()) + _COMPILED_CONSTANTS
    for how, name, (start, end) in said_phrases(rows, prose, lead, r, own, text, spans,
                                                inner, one_name):
        return [ConstantStatement(name, text[start:end].strip(), (start, end), how)]
    return []
