"""Lowering what a post states in words (`read.prose`): a function named in a sentence,
the formula a sentence gives for it, shapes given in a sentence.

Contract (a part of `document.Lowerer`):
  - `prose_function(kw)` is the function word a sentence binds to the name `kw`
    ("$S$ is softmax function" -> "softmax"), or None. A name the document also declares
    or defines is not bound (then the sentence and the math disagree: `x_Apply` refuses).
  - `apply_prose_function(kw, e, scope)` lowers ``S(\\theta)`` as that function, noting the
    sentence once.
  - `prose_formula(st)` / `check_prose_formula(st, ..)`: the statement is the formula a
    function sentence gives (``$$g$$ is the sigmoid function : $$1/(1+exp(-x))$$``): part
    of the sentence, never the objective; it is compared with the function named at a few
    points, and refused (two readings) where it differs.
  - `declare_prose_shapes(declared)` declares the names whose shape only a sentence gives
    (``where x is dimension (1x5)``) as real matrices of that shape, with a note; a name
    declared in math keeps its declaration.
"""
from __future__ import annotations

import bisect
import dataclasses

import numpy as np

from .. import names
from ..notes import offsets
from ..read import syntax as S
from ..read.prose import FUNCTION_MEANING, prose_facts
from .base import LoweringBase, walk_syntax


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
            meaning = FUNCTION_MEANING.get(word)
            self.note(e, f"{names.latex_of(e.func)} is read as the {phrase} function"
                         f"{f' ({meaning})' if meaning else ''}, as the text says: "
                         f"\"{sentence}\"", "inferred")
        return self.call(word, e.args, e, scope, getattr(e.func, "primes", 0))

    def prose_formula(self, st):
        """(formula text, function word) when `st` is the formula a function sentence
        gives, else None."""
        span = getattr(st, "span", None)
        if not self.prose.formulas or span is None or not span.line:
            return None
        starts = self.__dict__.setdefault("_prose_starts", offsets(self.src))
        if span.line > len(starts):
            return None
        at = starts[span.line - 1] + span.column - 1
        for a, b, formula, word in self.prose.formulas:
            if a <= at < b:
                return formula, word
        return None

    def check_prose_formula(self, st, formula, word):
        """The formula a sentence gives for the function it names must be that function:
        compared at a few points (an elementwise function of its one dummy name). A
        formula that differs is refused, naming both; one that cannot be evaluated so is
        noted as not checked."""
        got = formula_agrees(formula, word, st.value)
        word = {"sigma": "sigmoid"}.get(word, word)
        if got is None:
            self.note(st, f"the formula a sentence gives for the {word} function it names: "
                          f"part of the sentence (not compared with {word})", "prose")
        elif got:
            self.note(st, f"the formula a sentence gives for the {word} function it names: "
                          f"part of the sentence, and equal to {word} at test points", "prose")
        else:
            raise self.perr(f"two readings of the function this sentence names: the {word} "
                            f"function the words say, or the formula written after them, "
                            f"which differs from {word}", st)

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


def _dummies(e):
    """The one-letter names of a formula (its dummy argument)."""
    out = {names.keyword_of(n) for n in walk_syntax(e) if isinstance(n, S.Sym)}
    return out - {None, "e", "pi"}          # e^{-z}, \pi: constants, not the dummy


def formula_agrees(formula: str, word: str, value) -> bool | None:
    """Is `formula` (LaTeX, an expression of one scalar dummy name) equal to the
    elementwise function `word` at a few points? None when that cannot be told (not an
    elementwise function, not exactly one dummy name, or the formula does not derive)."""
    from .. import ops
    from ..api import gradient
    from ..errors import MatcalcError
    if word not in ops.FUNCTIONS:
        return None
    dummy = _dummies(value)
    if len(dummy) != 1:
        return None
    (kw,) = dummy
    name = next(n for n in walk_syntax(value) if isinstance(n, S.Sym)
                and names.keyword_of(n) == kw)
    latex = names.latex_of(name)
    spell = {"sigma": r"\sigma"}.get(word, "\\operatorname{" + word + "}")
    try:
        mine = gradient(f"{latex} \\in \\mathbb{{R}}\nf = {formula}", wrt=latex).objective_numpy()
        theirs = gradient(f"{latex} \\in \\mathbb{{R}}\nf = {spell}({latex})",
                          wrt=latex).objective_numpy()
    except (MatcalcError, RecursionError):
        return None
    key = names.python_name(kw)
    points = np.linspace(-2.3, 2.9, 7)
    with np.errstate(all="ignore"):
        a = np.array([float(mine(**{key: t})) for t in points])
        b = np.array([float(theirs(**{key: t})) for t in points])
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        return None
    return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12))
