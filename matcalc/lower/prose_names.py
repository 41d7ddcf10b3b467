"""Lowering what a post states in words (`read.prose`): a function named in a sentence,
the formula a sentence gives for it, shapes given in a sentence.

Contract (a part of `document.Lowerer`):
  - `prose_function(kw)` is the function word a sentence binds to the name `kw`
    ("$S$ is softmax function" -> "softmax"), or None. A name the document also declares
    or defines is not bound (then the sentence and the math disagree: `x_Apply` refuses),
    except inside its own definition, ``\\textbf{s} = s(\\textbf{Xw})`` "is shorthand for the
    logistic function": there s times the parenthesis would be circular, so the function
    is the one well-formed reading (noted).
  - `apply_prose_function(kw, e, scope)` lowers ``S(\\theta)`` as that function, noting the
    sentence once.
  - `prose_formula(st)` / `check_prose_formula(st, ..)`: the statement is the formula a
    function sentence gives (``$$g$$ is the sigmoid function : $$1/(1+exp(-x))$$``): part
    of the sentence, never the objective; it is compared with the function named at a few
    points, and refused (two readings) where it differs.
  - `declare_prose_shapes(declared, stmts)` declares the names whose shape only sentences
    give (``where x is dimension (1x5)``, ``$X$ is an $m \\times n$ input matrix``) as real
    arrays of that shape, with a note; a name declared in math keeps its declaration, and
    a sentence that disagrees with it or with another sentence is refused, naming both.
"""
from __future__ import annotations

import bisect
import dataclasses
import functools

import numpy as np

from .. import names
from ..notes import offsets
from ..read import syntax as S
from ..read.prose import FUNCTION_MEANING, PROSE_FORMULAS, prose_facts
from ..read.prose_shapes import BARE, TUPLE, TUPLE_BARE, column
from .base import LoweringBase, chain_factors, respan, substitute_names, walk_syntax


@functools.lru_cache(maxsize=None)
def _prose_formula(text):
    """The syntax of a `PROSE_FORMULAS` formula (parsed on first use)."""
    from ..read.parse import parse
    return parse("f = " + text).statements[-1].value


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
        if phrase.lower().endswith(" function"):       # "the gamma function" is a phrase
            phrase = phrase[:-len(" function")]
        own = bool(self.lowering) and self.lowering[-1] == kw and kw in self.defsrc
        if (kw in self.info or kw in self.defsrc) and not own:
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
                         f"\"{sentence}\""
                         + (f" (inside the definition of {names.latex_of(e.func)} itself, "
                            f"where a product with it would be circular)" if own else ""),
                         "inferred")
        if word in PROSE_FORMULAS:
            return self._prose_formula_call(word, e, scope)
        return self.call(word, e.args, e, scope, getattr(e.func, "primes", 0))

    def _prose_formula_call(self, word, e, scope):
        """``d(x_i, x_j)`` where the text says d is the Euclidean distance: the formula of
        `PROSE_FORMULAS` with its placeholders replaced by the arguments."""
        params, text = PROSE_FORMULAS[word]
        if len(e.args) != len(params) or getattr(e.func, "primes", 0):
            raise self.perr(f"{names.latex_of(e.func)} is the {word.replace('_', ' ')} the "
                            f"text names, a function of {len(params)} arguments: applied "
                            f"here to {len(e.args)}", e)
        body = substitute_names(_prose_formula(text), dict(zip(params, e.args)))
        return self.expr(respan(body, e.span), scope)

    def prose_size(self, st) -> bool:
        """Is `st` the math of a shape sentence's sizes (``$m \\times n$`` in ``$X$ is an
        $m \\times n$ matrix``)? Then it is part of that sentence, never a formula."""
        at = self._offset(st)
        return at is not None and any(
            s.part is not None and s.part[0] <= at < s.part[1]
            for said in self.prose.shapes.values() for s in said)

    def prose_member(self, st) -> bool:
        """Is `st` the math of a member sentence (``$a_i^T$``, ``$i$``, ``$A$`` in "where
        $a_i^T$ is the $i$-th row of $A$")? Then it is part of that sentence."""
        at = self._offset(st)
        return at is not None and any(s.part[0] <= at < s.part[1]
                                      for said in self.prose.members.values() for s in said)

    def stated_member(self, e, base, items, scope):
        """``a_i`` where a sentence says a_i (or a_i^T) is the i-th row (column) of the
        matrix A and a is no name of the document: (the node to index -- A, or A^T for a
        column --, whether the member stands as a row vector, the matrix's LaTeX), noted
        once; None when no sentence says so. Row i of A is a column vector where the
        sentence wrote a_i^T (or said column); where it wrote a_i is the row, the shapes
        orient it (rows.py), as for A_i. A sentence about a name the document also declares
        or defines, or two sentences that disagree, or a matrix the document does not have
        as a matrix, are refused naming the readings."""
        from .. import ir
        from ..ir import Var
        kw = names.keyword_of(base)
        said = self.prose.members.get(kw)
        if not said or len(items) != 1:
            return None
        first = said[0]
        if any((s.axis, s.transposed, names.keyword_of(s.matrix)) !=
               (first.axis, first.transposed, names.keyword_of(first.matrix)) for s in said):
            raise self.perr(f"two sentences say different things of {names.latex_of(base)}: "
                            f"\"{said[0].sentence}\" and \"{said[1].sentence}\"", e)
        mkw = names.keyword_of(first.matrix)
        info = self.info.get(mkw)
        if kw in self.info or kw in self.defsrc:
            raise self.perr(f"{names.latex_of(base)} is a name of the document, but the text "
                            f"says \"{first.sentence}\": two readings of "
                            f"{names.latex_of(e)}, its own value or that {first.axis} of "
                            f"{names.latex_of(first.matrix)}", e)
        if info is None or info.kind not in ("input", "def") or info.family or \
                info.shape is None or len(info.shape) != 2:
            raise self.perr(f"the text says \"{first.sentence}\", but "
                            f"{names.latex_of(first.matrix)} is not a matrix of the document "
                            f"(declare it, e.g. `{names.latex_of(first.matrix)} \\in "
                            f"\\mathbb{{R}}^{{m \\times n}}`)", e)
        node = self.define(mkw) if info.kind == "def" else Var(mkw, tuple(info.shape))
        if first.axis == "column":
            node = ir.transpose(node)
        noted = self.__dict__.setdefault("_members_noted", set())
        if kw not in noted:
            noted.add(kw)
            self.note(e, f"{names.latex_of(e)} is {first.axis} "
                         f"{names.latex_of(e.subs[0])} of {info.latex}"
                         f"{' (a column vector)' if first.transposed or first.axis == 'column' else ''}"
                         f", as the text says: \"{first.sentence}\"", "inferred")
        if first.transposed or first.axis == "column":
            return node, False, info.latex
        return node, self.orient_member(e, info.latex, node.shape), info.latex

    def _offset(self, st):
        span = getattr(st, "span", None)
        if span is None or not span.line:
            return None
        starts = self.__dict__.setdefault("_prose_starts", offsets(self.src))
        if span.line > len(starts):
            return None
        return starts[span.line - 1] + span.column - 1

    def prose_formula(self, st):
        """(formula text, function word) when `st` is the formula a function sentence
        gives, else None."""
        at = self._offset(st) if self.prose.formulas else None
        if at is None:
            return None
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

    def declare_prose_shapes(self, declared, stmts):
        """Declare each name whose shape only sentences give (`declared`: the keywords
        declared in math; `stmts`: the document's statements), with a note citing the
        sentence. Refused, naming both: two sentences that give a name two shapes, a
        sentence that gives a name declared in math another shape, and ``$c$ is $a \\times
        b$`` where a or b is a value of the document (a shape, or the product a b)."""
        math = {names.keyword_of(t): (t, st) for st in stmts if isinstance(st, S.Decl)
                and st.space.kind == "real" for t in st.targets}
        values = set(math) | {names.keyword_of(st.target) for st in stmts
                              if isinstance(st, S.Def)}
        self._take_tuples(stmts)
        for kw, said in list(self.prose.shapes.items()):
            if not said:
                continue
            first = said[0]
            span = self._offset_span(first.place)
            for other in said[1:]:
                if self._sizes(other.dims, span) != self._sizes(first.dims, span):
                    raise self.perr(f"two shapes for {names.latex_of(first.name)}: "
                                    f"\"{first.sentence}\" ({_shape(first.dims)}) and "
                                    f"\"{other.sentence}\" ({_shape(other.dims)})",
                                    respan(other.name, self._offset_span(other.place)))
            if kw in math:
                target, st = math[kw]
                if isinstance(target, S.Sym) and self._sizes(column(st.space.dims), span) \
                        != self._sizes(first.dims, span):
                    raise self.perr(f"two shapes for {names.latex_of(first.name)}: the "
                                    f"declaration says {_shape(st.space.dims)}, and "
                                    f"\"{first.sentence}\" says {_shape(first.dims)}",
                                    respan(first.name, span))
                continue
            if kw in declared:
                continue
            if first.identity:        # the identity written with its size (naming._identity)
                self.note(self._offset_span(first.place), f"{names.latex_of(first.name)} is "
                          f"the identity, as this sentence says: \"{first.sentence}\"",
                          "inferred")
                continue
            if first.phrase in (BARE, TUPLE, TUPLE_BARE):
                used = {names.keyword_of(n) for d in first.dims for n in walk_syntax(d)
                        if isinstance(n, (S.Sym, S.Sub))} & values
                if used and first.phrase != BARE:
                    raise self.perr(f"two readings of {names.latex_of(first.name)} = "
                                    f"({', '.join(_size(d) for d in first.dims)}): "
                                    f"the shape {_shape(first.dims)} of "
                                    f"{names.latex_of(first.name)}, or the vector of the "
                                    f"values {', '.join(sorted(used))} (a value of the "
                                    f"document, not a size)", first.name)
                if used:
                    raise self.perr(f"two readings of \"{first.sentence}\": the shape "
                                    f"{_shape(first.dims)} of {names.latex_of(first.name)}, "
                                    f"or its value, the product of "
                                    f"{', '.join(sorted(used))}", respan(first.name, span))
            dims = tuple(respan(d, span) for d in first.dims)
            decl = S.Decl((dataclasses.replace(first.name, span=span),),
                          S.Space("real", dims, span), span=span)
            self._declare(decl.targets[0], decl.space, decl)
            sign = any(s.positive for s in said)
            if sign:
                self.positive[kw] = f"\"{first.sentence}\""
            self.note(span, f"{names.latex_of(first.name)} is declared "
                            f"{'a positive scalar' if sign else _shape(first.dims)}, as this "
                            f"sentence says: \"{first.sentence}\"", "inferred")

    def declare_prose_constants(self, declared, stmts):
        """Declare each name the words after a formula call a constant (``+ c, for some
        constant c``, `read.constants.named_constants`) a real scalar that is not a variable
        (`self.constants`: the keyword -> the words; a gradient with respect to it is
        refused, api.py), with a note citing the words. A name the math declares or
        defines keeps that (the words add nothing to it), one it never writes is not
        declared; a name a sentence gives a shape
        that is not a scalar, or that the math indexes (``c_i``: an entry of an array),
        is refused, naming both readings."""
        if not self.prose.constants:
            return
        defined = {names.keyword_of(st.target) for st in stmts
                   if isinstance(st, S.Def) and st.target is not None}
        written = {names.keyword_of(n.base if isinstance(n, S.Sub) else n)
                   for st in stmts for n in walk_syntax(st) if isinstance(n, (S.Sym, S.Sub))}
        for kw, said in self.prose.constants.items():
            first = said[0]
            latex = names.latex_of(first.name)
            span = self._offset_span(first.place)
            if kw in declared or kw in defined or kw not in written:
                continue        # the math says what it is, or never writes it
            shaped = self.prose.shapes.get(kw)
            if shaped and column(shaped[0].dims):
                raise self.perr(f"two readings of {latex}: \"{first.sentence}\" calls it a "
                                f"constant (a scalar), and \"{shaped[0].sentence}\" gives it "
                                f"the shape {_shape(shaped[0].dims)}: declare it",
                                respan(first.name, span))
            indexed = _indexed_use(kw, stmts, declared | defined)
            if indexed is not None:
                raise self.perr(f"two readings of {latex}: the words \"{first.sentence}\" "
                                f"call it a constant, a scalar, but the formula writes "
                                f"{names.latex_of(indexed)}, an entry of an array {latex}: "
                                f"declare it (`{latex} \\in \\mathbb{{R}}` or `{latex} "
                                f"\\in \\mathbb{{R}}^{{n}}`)", indexed)
            self.constants[kw] = first.sentence
            if shaped:          # "c is a scalar" too: declared by declare_prose_shapes
                continue
            name = dataclasses.replace(first.name, span=span)
            decl = S.Decl((name,), S.Space("real", (), span), span=span)
            self._declare(name, decl.space, decl)
            self.note(span, f"{latex} is declared a scalar constant, not a variable, as the "
                            f"words after the formula say: \"{first.sentence}\"", "inferred")

    def _take_tuples(self, stmts):
        """``$X = (m, n)$`` with nothing said about it (TUPLE_BARE) is a shape only where a
        formula multiplies it with another name so written whose sizes meet
        (``D = WX`` with ``W = (H, m)``: the m of both); elsewhere it is left a definition
        of the vector (m, n): its statement is dropped. Each tuple statement's name gets
        the span of its region (where its notes and errors point)."""
        tuples = {kw: said[0] for kw, said in self.prose.shapes.items()
                  if said and said[0].phrase in (TUPLE, TUPLE_BARE)}
        if not tuples:
            return
        for kw, first in tuples.items():
            region = self._offset_span(first.part)
            said = self.prose.shapes[kw]
            said[0] = dataclasses.replace(first, name=dataclasses.replace(first.name,
                                                                          span=region))
        bare = {kw for kw, first in tuples.items() if first.phrase == TUPLE_BARE}
        if not bare:
            return
        met = set()
        for st in stmts:
            if isinstance(st, S.Def) and self.prose_size(st):
                continue
            for node in walk_syntax(st):
                if not (isinstance(node, S.BinOp) and node.op == S.MUL and not node.sign):
                    continue
                factors, _ = chain_factors(node)
                for a, b in zip(factors, factors[1:]):
                    ka, kb = names.keyword_of(a), names.keyword_of(b)
                    if isinstance(a, S.Sym) and isinstance(b, S.Sym) and ka in tuples and \
                            kb in tuples and tuples[ka].dims[-1] == tuples[kb].dims[0]:
                        met |= {ka, kb}
        for kw in bare - met:
            del self.prose.shapes[kw]

    def _sizes(self, dims, span):
        return tuple(self.dim(respan(d, span), {}) for d in column(dims))

    def _offset_span(self, place):
        starts = self.__dict__.setdefault("_prose_starts", offsets(self.src))
        def at(i):
            line = max(1, bisect.bisect_right(starts, i) - 1 + 1)
            line = min(line, len(starts))
            return line, i - starts[line - 1] + 1
        (l1, c1), (l2, c2) = at(place[0]), at(place[1])
        return S.Span(l1, c1, l2, c2)


def _indexed_use(kw, stmts, known):
    """The first ``c_i`` of the statements whose base is the name `kw` (and which is
    no name of its own in `known`, as ``c_0`` declared), else None."""
    for st in stmts:
        for n in walk_syntax(st):
            if isinstance(n, S.Sub) and isinstance(n.base, S.Sym) and \
                    names.keyword_of(n.base) == kw and names.keyword_of(n) not in known:
                return n
    return None


def _shape(dims):
    """``m×n``, ``a vector of length n`` as a note writes a stated shape."""
    dims = tuple(_size(d) for d in column(dims))
    if not dims:
        return "a scalar"
    return f"a vector of length {dims[0]}" if len(dims) == 1 else "×".join(dims)


_size = names.size_text


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
