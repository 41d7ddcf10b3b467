"""A function's signature declares its argument: ``Define ... $F: \\mathbb{R}^p \\to
\\mathbb{R}$ by $F(\\beta) = \\frac{1}{2n}|Y - X\\beta|^2$`` (corpus 191).

The reader drops a clause with an arrow (a signature or a mapping states no definition,
read/clauses.py), with a note. The signature still says what F's argument is: a point of
R^p. Where the document defines F with one parameter (``F(\\beta) = ...``) that nothing
else declares, the parameter is declared in the signature's domain, noted. Only one domain
space and one parameter: ``f: \\mathbb{R}^n \\times \\mathbb{R}^m \\to \\mathbb{R}`` of f(x, y)
is left as it is (the product of spaces would need splitting), and so is a signature whose
function is never defined with a parameter.

Contract: `SignatureDeclarations` is a part of the `Lowerer`; `declare_signatures()` runs
after the statements are collected (definitions registered in `defsrc`, declarations in
`info`), reads the arrow clauses the reader noted (their source text, from the notes), and
declares each such parameter (`spaces._declare`), with a note.
"""
from __future__ import annotations

import re

from .. import names
from ..notes import offsets
from ..read import syntax as S

ARROW_NOTE = "an arrow (a signature or a mapping)"
SIGNATURE = re.compile(r"\s*(?P<f>\\?[A-Za-z]+)\s*:\s*(?P<dom>\\mathbb\s*\{\s*R\s*\}"
                       r"(?:\s*\^\s*(?:\{[^{}]*\}|\\?[A-Za-z0-9]+))?)\s*"
                       r"(?:\\to|\\rightarrow|\\longrightarrow)\b")


class SignatureDeclarations:
    """Declares a function's parameter from the function's signature."""

    def declare_signatures(self):
        if not self.src:
            return
        starts = offsets(self.src)
        for note in list(self.notes):
            if not note.reason.startswith(ARROW_NOTE) or not 1 <= note.line <= len(starts):
                continue
            got = SIGNATURE.match(self.src, starts[note.line - 1] + note.column - 1)
            if got is None:
                continue
            ds = self.defsrc.get(names.keyword_of(S.Sym(got["f"].lstrip("\\"))))
            params = getattr(getattr(ds, "stmt", None), "params", None)
            if not params or len(params) != 1 or not isinstance(params[0], S.Sym):
                continue
            p = params[0]
            if names.keyword_of(p) in self.info:
                continue
            from ..read.parse import read
            try:
                decl = read(f"${names.latex_of(p)} \\in {got['dom']}$").statements[0]
            except Exception:       # a domain the reader cannot take: not declared here
                continue
            if not isinstance(decl, S.Decl) or decl.space.kind != "real":
                continue
            self._declare(p, decl.space, ds.stmt)
            self.note(p, f"{names.latex_of(p)} declared by the signature of "
                         f"{names.latex_of(ds.stmt.target)}: a point of {got['dom']}",
                      "inferred")
