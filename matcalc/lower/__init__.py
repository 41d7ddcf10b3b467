"""Lowering: syntax tree -> Problem (IR), resolving names, scoping indices, checking shapes.

    base.py         the explicit context every lowering reads, dispatch, located errors
    classify.py     what kind of statement a line of a post is
    reversed.py     a definition written right to left (X \\hat{w} = \\hat{y})
    builtin_defs.py a document's own definition of a built-in's name, as the objective
  pass 1, what every name is:
    declarations.py statements collected: definitions, claims, notes, skipped fragments
    relation_roles.py  solution statements, definitions written right to left
    bare_objective.py  which bare expression is the objective, which only mention a name
    spaces.py       declared shapes, families, index ranges, dimensions
    infer.py        shapes from context: undeclared names, sizes of 1 and I, index ranges
    shape_terms.py  its constraints: the shape term of each construct of the definitions
    unify.py        its unifier: dimension variables and either/or constraints
  pass 2, definitions on first use:
    document.py     Lowerer (the shared state of the parts below); lower(); lower_claim()
    definitions.py  define(), settling a name defined twice, finishing the bodies
    objective.py    which definition is the objective
    implied.py      an equation after \\Rightarrow as the objective where nothing else is
    prose_names.py  functions and shapes a post gives in words (read/prose.py)
    skipped.py      whether a skipped fragment is needed, and the error there
  expressions, one construct a module:
    naming.py       which name a written symbol is (inputs, definitions, letter runs)
    indexing.py     subscripts, families, entries, Kronecker deltas
    rows.py         X_i of a matrix: row i as a column or a row vector, as the shapes say
    atoms.py        numbers, transposes, ones and I, powers, norms
    products.py     products, fractions and slashes
    terms.py        sums of terms, Hadamard products and divisions, colon
    colonchain.py   a colon written bare in a sum: its two precedences, settled by shape
    sums.py         sums and products over indices
    numbering.py    the axes the text numbers from 0 (theta_0 .. theta_n), once a document
    calls.py        function calls (through the op registry), user functions

Contract: `lower(doc, objective=None) -> Problem`. Every problem in the document raises a
`ParseError` (unknown name, unbound index, ambiguous notation) or a `ShapeError`
(mismatched dimensions, non-scalar objective), located at the offending syntax node.
Every lowered subexpression is a `values.Val`: an IR node whose axes carry labels (index
names from index notation, or matrix-notation axes). Definitions and inputs store arrays
with index (family) axes first, then matrix axes.
"""
from .document import DefSource, Info, Lowerer, lower, lower_claim

__all__ = ["lower", "lower_claim", "Lowerer", "Info", "DefSource"]
