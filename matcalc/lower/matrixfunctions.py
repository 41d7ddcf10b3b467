"""Functions of a square matrix: entrywise, or the matrix function?

matcalc applies `\\exp`, `\\log`, `\\sqrt` (and `e^{...}`) entry by entry. On a vector, or a
matrix that is not square, that is the only reading. On a square matrix the same spelling
is also the matrix function -- `\\operatorname{tr}(e^{A})`, `\\log\\det e^{\\rho \\log
\\sigma}`, `\\sqrt{\\Sigma}` in matrix-calculus text mean the matrix exponential, logarithm
and square root, whose values differ from the entrywise ones -- so the text has two
readings that give different numbers, and `refuse_matrix_function` refuses it, naming both
-- unless the argument is written with entrywise notation (``\\log(1 + X \\odot X)``: a
number added, a Hadamard product, an activation's value), or unless a sentence of the document says in words that this function (or functions in
general) applies entrywise (`ENTRYWISE_WORDS`: "elementwise", "entry-wise", "element by
element", ..., beside `FUNCTION_WORDS`: "exp", "the logarithm", "functions"), which is
then the reading taken, noted.

The rule is data (`MATRIX_FUNCTIONS`): the function's keyword -> the matrix function of
the same name. A square matrix is one whose two matrix axes have the same dimension symbol
(`ir.same_dim`); a family of square matrices (`\\Sigma_m`) counts, member by member.
"""
from __future__ import annotations

import re

from .. import ir
from .fresh import square_refusal, undecided_square
from ..read import syntax as S

# keyword of the entrywise function -> the matrix function the same spelling also denotes
MATRIX_FUNCTIONS = {
    "exp": "the matrix exponential",
    "log": "the matrix logarithm",
    "sqrt": "the matrix square root",
}

# functions that texts apply to arrays only entry by entry (activations): of their value,
# exp / log are entrywise too (\\log(\\sigma(A)), the log-sigmoid)
ENTRYWISE_ONLY = frozenset({"sigma", "dsigma", "softplus", "relu", "drelu", "tanh", "abs",
                            "sign", "erf", "normcdf"})

ENTRYWISE_WORDS = re.compile(
    r"\b(?:element|entry|component)[- ]?wise\b|\b(?:element|entry) by (?:element|entry)\b",
    re.IGNORECASE)


# what a sentence saying "elementwise" must be about: this function by name, or functions
# in general -- "$\\sigma$ is applied elementwise" says nothing of exp
FUNCTION_WORDS = {
    "exp": r"\\?exp\b|exponential|e\^",
    "log": r"\\?(?:log|ln)\b|logarithm",
    "sqrt": r"\\?sqrt\b|square root",
}
_GENERAL = r"\bfunctions\b|\ball operations\b|\beverything\b"


def _says_entrywise(lw, fn: str) -> bool:
    """Does a sentence of the document say, in words, that `fn` (or functions in general)
    applies entry by entry?"""
    about = re.compile(FUNCTION_WORDS[fn] + "|" + _GENERAL, re.IGNORECASE)
    for src in (getattr(lw, "src", None), getattr(lw, "document_src", None)):
        for sentence in re.split(r"[.!?](?:\s|$)|\n|\$\$|\\\]", src or ""):
            if ENTRYWISE_WORDS.search(sentence) and about.search(sentence):
                return True
    return False


def entrywise_built(a) -> bool:
    """Is the argument's syntax `a` written with entrywise notation at its top: a number
    added to the matrix (``\\log(1 + X \\odot X)``: a matrix function's argument would add
    the identity, I + M), or a Hadamard product, quotient or power (``\\exp(A \\odot B)``)?
    Then the entrywise reading is the text's own."""
    if isinstance(a, S.Neg):
        return entrywise_built(a.arg)       # \\exp(-X^{\\circ 2}), as the printer writes it
    if isinstance(a, S.Frac) and isinstance(a.den, S.Num):
        return entrywise_built(a.num)       # \\exp(-\\frac{X^{\\circ 2}}{2})
    if isinstance(a, S.BinOp) and a.op == S.MUL and isinstance(a.left, S.Num):
        return entrywise_built(a.right)     # \\exp(2 X \\odot X)
    if isinstance(a, S.BinOp) and a.op in (S.ADD, S.SUB):
        return isinstance(a.left, S.Num) or isinstance(a.right, S.Num)
    if isinstance(a, S.BinOp) and a.op in (S.HADAMARD, S.HDIV):
        return True
    if isinstance(a, S.Call) and a.func in ENTRYWISE_ONLY:
        return True
    if isinstance(a, S.Apply) and isinstance(a.func, S.Sym) and a.func.name in ENTRYWISE_ONLY:
        return True             # \\sigma(...) is read as an application of the name             # \\log(\\sigma(A)): of an activation, applied entrywise
    return isinstance(a, S.Pow) and bool(getattr(a, "hadamard", False))


def refuse_matrix_function(lw, fn: str, v, e, written: str, arg=None) -> None:
    """Refuse `written` (the function `fn` applied to the lowered value `v`, whose syntax is
    `arg`, at syntax node `e`) when `v` is a square matrix, `arg` is not written entrywise
    (`entrywise_built`) and the text does not say the function is entrywise; note the
    entrywise reading where it does. Anything else passes unchanged."""
    if fn not in MATRIX_FUNCTIONS or v.node is None or v.kind != "m":
        return
    if arg is not None and entrywise_built(arg):
        return
    n1, n2 = v.mat_dims()
    if undecided_square(n1, n2):        # an undeclared matrix (lower.fresh): maybe square
        raise lw.perr(square_refusal(written, MATRIX_FUNCTIONS[fn], f"{fn} applied entry "
                                     f"by entry"), e)
    if not ir.same_dim(n1, n2):
        return
    if _says_entrywise(lw, fn):
        lw.note(e, f"{written} of a square matrix is read entrywise, as the text says "
                   f"functions are applied elementwise (not {MATRIX_FUNCTIONS[fn]})",
                "inferred")
        return
    raise lw.perr(f"{written} of a square matrix has two readings: {MATRIX_FUNCTIONS[fn]} "
                  f"(a function of the whole matrix, as in tr(e^A) or det(e^A)), or {fn} "
                  f"applied entry by entry; matcalc reads only the entrywise one: say "
                  f"\"applied elementwise\" in the text if that is meant", e)
