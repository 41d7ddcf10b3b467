"""Rendering: IR -> LaTeX or text, in matrix notation where the expression has one.

    style.py    precedences, LaTeX/text tokens, the Greek table, identity_text
    present.py  a value arranged for reading (-(y - s) x as (s - y) x)
    contract.py a contraction: norms, scalar factors and fractions, regrouped pairs
    matrix.py   matrix notation recovered from a contraction (chains, ⊙, Diag, Tr, :)
    entries.py  index notation, the fallback
    printer.py  Renderer: each node printed once, core nodes here, ops by their blocks
"""
from .present import present
from .printer import Renderer, latex, text
from .style import identity_text

__all__ = ["Renderer", "latex", "text", "present", "identity_text"]
