"""A bold group of letters written over a product: ``s(\\textbf{Xw})`` with X, w declared.

A text-font command around letters (``\\textbf{Xw}``, ``\\textit{Ax}``: the commands
`read.words.MATH_FONT_TEXT`, which the reader already takes as math when they hold an
operator) reaches lower as ONE multi-letter name, ``Xw``. Bold does not make a different
variable (DESIGN.md), so in a post that declares X and w the group is the product X w
written in bold -- as ``\\mathbf{Xw}`` is read.

Contract: `BoldWords.bold_product(kw, e, scope)` is called by `naming.resolve_name` for a
multi-letter name. It returns None unless `e` is written in such a command. Then, with
`splits` the ways to cut the letters into names the document declares or defines (not
sizes, not indices bound here) whose product is well-shaped:

  - the name itself is not declared or defined and one split fits: that product's
    value, noted (a shape inference could give the unknown name would be a guess: the
    declared names its letters spell come first);
  - the name is declared/defined and a split fits, or several splits fit: a located
    `ParseError` naming every reading (different values);
  - splits exist but none is well-shaped and the name is not declared or defined: a
    located `ParseError` (a new name inferred from its use would be a guess);
  - no split: None (the name is read as a name, or is unknown, as before).

A bare ``\\mathrm{Xw}`` / ``\\text{Xw}`` (an upright word is one name) is never split.
"""
from __future__ import annotations

from .. import names
from ..errors import MatcalcError
from ..read import syntax as S
from ..read.words import MATH_FONT_TEXT
from ..notes import excerpt
from .base import short_error

# the kinds of Info a piece of the split may be: a declared array/scalar or a definition
PIECE_KINDS = ("input", "def")


def _font_of(written: str):
    """The text-font command a source excerpt starts with (``\\textbf{Xw}`` -> textbf)."""
    if not written.startswith("\\") or "{" not in written:
        return None
    return written[1:].split("{", 1)[0].strip()


def cuts(word: str, known) -> list:
    """Every way to cut `word` into consecutive pieces that are all in `known`
    (``Xw`` with X, w known -> [("X", "w")]), in the order of the text."""
    if not word:
        return [()]
    out = []
    for k in range(1, len(word) + 1):
        head = word[:k]
        if head in known:
            out.extend((head,) + rest for rest in cuts(word[k:], known))
    return out


class BoldWords:
    """A part of `document.Lowerer`: the product a bold letter group spells."""

    def _bold_written(self, e) -> bool:
        if not (isinstance(e, S.Sym) and len(e.name) > 1 and e.name.isalpha() and
                e.accent is None and e.layer is None and not e.primes and e.sup is None):
            return False
        written = excerpt(self.src, e.span)
        if _font_of(written) not in MATH_FONT_TEXT or not written.endswith("}"):
            return False
        return written[written.index("{") + 1:-1].strip() == e.name    # the letters only

    def _pieces(self, scope):
        return {kw for kw, info in self.info.items()
                if getattr(info, "kind", None) in PIECE_KINDS and not getattr(info, "family", 0)
                and kw not in scope}

    def bold_product(self, kw, e, scope):
        trying = self.__dict__.setdefault("_bold_trying", set())
        if e.span in trying or not self._bold_written(e):
            return None     # a piece of a split being tried (``xy`` of ``xyz``) is a name
        fits, failed = [], []
        trying.add(e.span)
        try:
            for split in cuts(e.name, self._pieces(scope)):
                if len(split) < 2:
                    continue
                prod = S.Sym(split[0], span=e.span)
                for piece in split[1:]:
                    prod = S.BinOp(S.MUL, prod, S.Sym(piece, span=e.span), span=e.span)
                try:
                    fits.append((split, self.expr(prod, scope)))
                except MatcalcError as err:
                    failed.append((split, err))     # not well-shaped: not a reading
        finally:
            trying.discard(e.span)
        written = excerpt(self.src, e.span)
        inferred = self.inferred.names if self.inferred is not None else {}
        if not fits and failed and kw not in self.info and kw not in self.defsrc:
            # its letters are the document's names, but their product does not fit: a new
            # name inferred from its use would be a guess
            split, err = failed[0]
            raise self.perr(f"{written}: its letters are the names "
                            f"{' '.join(names.latex_of(S.Sym(p)) for p in split)} of the "
                            f"document, but their product is not well-shaped "
                            f"({short_error(err)}), and {names.latex_of(e)} is not declared: "
                            f"declare it, or write the product that is meant", e)
        if not fits:
            return None
        readings = [" ".join(names.latex_of(S.Sym(p)) for p in split) for split, _ in fits]
        if (kw in self.info and kw not in inferred) or kw in self.defsrc:
            raise self.perr(f"{written} has two readings: the name {names.latex_of(e)} the "
                            f"document declares or defines, or the product "
                            f"{' or '.join(readings)} of its letters (bold does not make a "
                            f"different variable) -- different values: write the product "
                            f"with a space or rename the name", e)
        if len(fits) > 1:
            raise self.perr(f"{written} splits into names of the document in "
                            f"{len(fits)} well-shaped ways, {', '.join(readings)} -- "
                            f"different values: write the product with spaces", e)
        noted = self.__dict__.setdefault("_bold_noted", set())
        if kw not in noted:
            noted.add(kw)
            self.note(e, f"{written}: the letters are not a name of the document; read as the "
                         f"product {readings[0]} of the declared names (a font around a "
                         f"product)", "inferred")
        return fits[0][1]
