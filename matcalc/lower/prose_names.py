"""Lowering what a post states in words (`read.prose`): a function named in a sentence,
the formula a sentence gives for it, shapes given in a sentence.

Contract (a part of `document.Lowerer`):
  - `prose_function(kw)` is the function word a sentence binds to the name `kw`
    ("$S$ is softmax function" -> "softmax"), or None. A name the document also declares
    or defines is not bound (then the sentence and the math disagree: `x_Apply` refuses).
  - `apply_prose_function(kw, e, scope)` lowers ``S(\\theta)`` as that function, noting the
    sentence once.
  - `is_prose_formula(st)`: the statement is the formula a function sentence gives
    (``$$g$$ is the sigmoid function : $$1/(1+exp(-x))$$``): part of the sentence, never
    the objective.
  - `declare_prose_shapes(declared)` declares the names whose shape only a sentence gives
    (``where x is dimension (1x5)``) as real matrices of that shape, with a note; a name
    declared in math keeps its declaration.
"""
from __future__ import annotations

import bisect
import dataclasses

from .. import names
from ..notes import offsets
from ..read import syntax as S
from ..read.prose import prose_facts
from .base import LoweringBase


class ProseFunctions(LoweringBase):
    """Functions and shapes a post gives in words."""

    @property
    def prose(self):
        facts = self.__dict__.get("_prose")
        if facts is None:
            facts = self.__dict__["_prose"] = prose_facts(self.src)
        return facts

    def prose_function(self, kw):
        if kw is None or kw not in self.prose.functions:
            return None
        return self.prose.functions[kw][0]

    def apply_prose_function(self, kw, e, scope):
        word, sentence, phrase = self.prose.functions[kw]
        if kw in self.info or kw in self.defsrc:
            raise self.perr(f"{names.latex_of(e.func)} is a variable of the document, but the "
                            f"text says it is the {phrase} function (\"{sentence}\"): two "
                            f"readings of {names.latex_of(e.func)}(...), a product or the "
                            f"function applied", e)
        noted = self.__dict__.setdefault("_prose_noted", set())
        if kw not in noted:
            noted.add(kw)
            self.note(e, f"{names.latex_of(e.func)} is read as the {phrase} function, as the "
                         f"text says: \"{sentence}\"", "inferred")
        return self.call(word, e.args, e, scope, getattr(e.func, "primes", 0))

    def is_prose_formula(self, st) -> bool:
        span = getattr(st, "span", None)
        if not self.prose.formulas or span is None or not span.line:
            return False
        starts = self.__dict__.setdefault("_prose_starts", offsets(self.src))
        if span.line > len(starts):
            return False
        at = starts[span.line - 1] + span.column - 1
        return any(a <= at < b for a, b in self.prose.formulas)

    def declare_prose_shapes(self, declared):
        """Declare each name whose shape only a sentence gives (not in `declared`, the
        keywords declared in math), with a note citing the sentence."""
        for kw, (shape, sentence, name, place) in self.prose.shapes.items():
            if kw in declared or shape is None:
                continue
            span = self._offset_span(place)
            dims = tuple(S.Num(str(d), span=span) for d in shape)
            decl = S.Decl((dataclasses.replace(name, span=span),), S.Space("real", dims, span),
                          span=span)
            self._declare(decl.targets[0], decl.space, decl)
            self.note(span, f"{names.latex_of(name)} is declared {shape[0]}×{shape[1]}, as "
                            f"this sentence says", "inferred")

    def _offset_span(self, place):
        starts = self.__dict__.setdefault("_prose_starts", offsets(self.src))
        def at(i):
            line = max(1, bisect.bisect_right(starts, i) - 1 + 1)
            line = min(line, len(starts))
            return line, i - starts[line - 1] + 1
        (l1, c1), (l2, c2) = at(place[0]), at(place[1])
        return S.Span(l1, c1, l2, c2)
