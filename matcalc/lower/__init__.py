"""Lowering: syntax tree -> Problem (IR), resolving names, scoping indices, checking shapes.

    base.py      the explicit context every lowering reads, dispatch, located errors
    document.py  Lowerer: declarations, definitions, the objective; lower(); lower_claim()
    indexing.py  names, subscripts, families, entries, Kronecker deltas
    atoms.py     numbers, transposes, ones and I, powers, norms
    products.py  products, Hadamard products and divisions, colon, fractions, sums of terms
    sums.py      sums and products over indices; function calls (through the op registry)

Contract: `lower(doc, objective=None) -> Problem`. Every problem in the document raises a
`ParseError` (unknown name, unbound index, ambiguous notation) or a `ShapeError`
(mismatched dimensions, non-scalar objective), located at the offending syntax node.
Every lowered subexpression is a `values.Val`: an IR node whose axes carry labels (index
names from index notation, or matrix-notation axes). Definitions and inputs store arrays
with index (family) axes first, then matrix axes.
"""
from .document import DefSource, Info, Lowerer, lower, lower_claim

__all__ = ["lower", "lower_claim", "Lowerer", "Info", "DefSource"]
