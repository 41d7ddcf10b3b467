"""Markdown's escapes inside math: ``\\_`` written for a subscript's ``_``.

Markdown processors (kramdown, Hugo's Goldmark, Jekyll) read ``_`` as emphasis, so posts
that write TeX in Markdown escape it: ``\\mathbf{h}\\_{t} = \\tanh(W\\_{h h} ...)``, which the
page renders as ``\\mathbf{h}_{t}``. In TeX math ``\\_`` sets a literal underscore glyph, a
reading no formula means before a script operand; so the reader takes the escape as the
subscript the page shows, and notes it once per region.

Contract: `escaped_script(text, j)` -- whether the ``\\_`` whose name ends at offset `j`
(the character after the underscore) is followed by a script operand: a braced group, a
letter or a digit (blank space between is allowed, as after ``_``). Anything else (``\\_``
at the end, before an operator or a relation) stays the command ``\\_``, which the reader
refuses as unknown, located. `ESCAPE_NOTE` is the note's reason.
"""
from __future__ import annotations

ESCAPE_NOTE = ("'\\_' read as the subscript '_' it renders as: Markdown's escape of the "
               "underscore (kramdown, Hugo and Jekyll posts write it so that '_' does not "
               "open emphasis)")


def escaped_script(text: str, j: int) -> bool:
    """Whether ``\\_`` ending before offset `j` of `text` stands before a script operand."""
    n = len(text)
    while j < n and text[j] in " \t":
        j += 1
    return j < n and (text[j] == "{" or (text[j].isascii() and text[j].isalnum())
                      or text[j] == "\\" and j + 1 < n and text[j + 1].isalpha())
