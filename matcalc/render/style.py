"""The printers' vocabulary: precedences, the LaTeX and text tokens, the Greek table,
index letters, and plain-text readings of LaTeX (names and cited identities).

Contract: `LATEX`/`TEXT` map each notation token (⊙, ᵀ, Diag, Tr, ...) to its spelling in
that style; precedences order how tightly forms bind (higher binds tighter);
`identity_text(latex)` is a terminal-readable form of a cited identity.
"""
from __future__ import annotations

import re
import unicodedata

import sympy as sp

from .. import ir, names
from ..ir import Ref, Var

# precedence: higher binds tighter
ADD, COLON, HAD, MUL, NEG, POW, ATOM = 1, 2, 3, 4, 5, 6, 7

LATEX = dict(had=r" \odot ", hdiv=r" \oslash ", colon=" : ", mul=" ", T="^{T}", ones=r"\mathbf{1}",
             eye="I", diag=r"\operatorname{Diag}", diagv=r"\operatorname{diag}",
             tr=r"\operatorname{Tr}", det=r"\det", logdet=r"\log\det", sg=r"\operatorname{sg}",
             lp=r"\left(", rp=r"\right)", sum=r"\sum", prod=r"\prod", inv="^{-1}",
             rowprod=r"\operatorname{rowprod}", vec=r"\operatorname{vec}", cdot=r" \cdot ")
TEXT = dict(had=" ⊙ ", hdiv=" ⊘ ", colon=" : ", mul=" ", T="ᵀ", ones="1", eye="I",
            diag="Diag", diagv="diag", tr="Tr", det="det", logdet="logdet", sg="sg",
            lp="(", rp=")", sum="Σ", prod="Π", inv="⁻¹", rowprod="rowprod", vec="vec",
            cdot=" · ")
TEXT_NAMES = {**names.GREEK, "nabla": "∇", "partial": "∂"}  # ∇_x f: a named gradient
INDEX_LETTERS = "ijklmnpqrstuvwabcdefgh"


class _Eye(str):
    """The printed identity matrix (a str): a matrix chain leaves it out (A I B is A B)."""


def _size(node):
    """Reading order: smaller expressions first, names alphabetically."""
    name = node.name if isinstance(node, (Var, Ref)) else "~"
    return (ir.count_nodes(node), name)


def _neg(c) -> bool:
    """Is the SymPy coefficient c written with a minus sign?"""
    c = sp.sympify(c)
    if c.is_Rational:  # the common case, without SymPy's (slow) assumption system
        return c.p < 0
    # (-ν - 1)/ν: SymPy does not "extract" the sign of such a Mul; its numerator's it does
    num, den = sp.fraction(c)
    return _neg_part(num) != _neg_part(den)


def _neg_part(x) -> bool:
    """A sum is written with a leading minus only when every term is negative (1 - u², not
    -(u² - 1))."""
    if x.is_Add:
        return all(t.could_extract_minus_sign() for t in x.args)
    return bool(x.could_extract_minus_sign())


def _script_letter(m) -> str:
    """\\mathcal{V} -> 𝒱 (\\mathfrak: 𝔙); a letter Unicode lacks is spelled V_cal."""
    style = {"mathcal": "SCRIPT", "mathscr": "SCRIPT", "mathfrak": "FRAKTUR",
             "mathbb": "DOUBLE-STRUCK"}[m.group(1)]
    case = "CAPITAL" if m.group(2).isupper() else "SMALL"
    for name in (f"MATHEMATICAL {style} {case} {m.group(2)}", f"{style} {case} {m.group(2)}",
                 f"BLACK-LETTER {case} {m.group(2)}"):
        try:
            return unicodedata.lookup(name)
        except KeyError:
            pass
    return m.group(2) + "_" + m.group(1)[4:]


def _latex_to_text(latex: str) -> str:
    """A readable plain-text spelling of a LaTeX name (``\\alpha`` -> ``α``,
    ``a^{(2)}`` -> ``a⁽²⁾``... kept simple: ``a^(2)``)."""
    s = re.sub(r"\\(?:mathrm|text)\{([^{}]*)\}", r"\1", latex)   # \bar{\mathrm{out}}: the word
    for k, v in TEXT_NAMES.items():
        s = s.replace("\\" + k, v)
    marks = ((r"\hat", "\u0302"), (r"\bar", "\u0304"), (r"\tilde", "\u0303"),
             (r"\vec", "\u20d7"), (r"\dot", "\u0307"), (r"\check", "\u030c"))
    before = None
    while before != s:          # stacked accents innermost first: \hat{\bar{x}} -> x̄̂
        before = s
        for cmd, mark in marks:
            s = re.sub(re.escape(cmd) + r"\{([^{}]*)\}", lambda m: m.group(1) + mark, s)
    s = re.sub(r"\\(mathcal|mathscr|mathfrak|mathbb)\{([A-Za-z])\}", _script_letter, s)
    s = s.replace(r"\mathrm", "")
    while r"\overline{" in s:  # a named adjoint: a bar on the name's first letter
        start = s.rindex(r"\overline{")  # innermost first
        depth, end = 0, start + len(r"\overline")
        for end in range(end, len(s)):
            depth += {"{": 1, "}": -1}.get(s[end], 0)
            if depth == 0:
                break
        inner = s[start + len(r"\overline{"):end]
        k = next((i for i, c in enumerate(inner) if c not in "{}\\"), len(inner) - 1)
        s = s[:start] + inner[:k + 1] + "\u0305" + inner[k + 1:] + s[end + 1:]
    s = s.replace(r"\mathrm", "").replace("\\", "")
    s = s.replace("{", "").replace("}", "")
    return s


_IDENTITY_TEXT = [
    (r"\left", ""), (r"\right", ""), (r"\Big", ""), (r"\big", ""), (r"\,", " "),
    (r"\;", " "), (r"\quad", "   "), (r"\odot", "⊙"), (r"\oslash", "⊘"), (r"\circ ", "∘"),
    (r"^{T}", "ᵀ"), (r"^{-T}", "⁻ᵀ"), (r"^{-1}", "⁻¹"), (r"^{*}", "*"), (r"\mathbf{1}", "1"),
    (r"\mathcal{C}", "C"), (r"\operatorname{Tr}", "Tr"), (r"\operatorname{Diag}", "Diag"),
    (r"\sum", "Σ"), (r"\prod", "Π"), (r"\tfrac", r"\frac"), (r"\sqrt", "√"),
    (r"\partial", "∂"), (r"\iff", "⇔"), (r"\ne ", "≠ "), (r"\le", "≤"), (r"\det", "det"), (r"\log", "log"),
    (r"\exp", "exp"), (r"\tanh", "tanh"), (r"\text", ""),
]


def identity_text(latex: str) -> str:
    """A plain-text reading of an identity written in LaTeX (for terminal derivations)."""
    s = re.sub(r"\bd\\(?=[A-Za-z])", "d \\\\", latex)  # d\exp -> d \exp
    s = re.sub(r"\\operatorname\{([A-Za-z]+)\}", r"\1", s)   # \operatorname{relu} -> relu
    for cmd, mark in (("bar", "\u0304"), ("hat", "\u0302"), ("tilde", "\u0303")):
        s = re.sub(r"\\" + cmd + r"\{([^{}]*)\}", lambda m, mark=mark: m.group(1) + mark, s)
    for a, b in _IDENTITY_TEXT:
        s = s.replace(a, b)
    s = re.sub(r"\^\{([^{}]*)\}", lambda m: "^" + (m.group(1) if len(m.group(1)) == 1
                                                 else "(" + m.group(1) + ")"), s)
    while True:  # \frac{a}{b} -> (a)/(b), innermost first
        t = re.sub(r"\\frac\{([^{}]*)\}\{([^{}]*)\}", r"(\1)/(\2)", s)
        if t == s:
            break
        s = t
    for k, v in TEXT_NAMES.items():
        s = re.sub(r"\\" + k + r"(?![A-Za-z])", v, s)
    s = s.replace("{", "").replace("}", "").replace("\\", "")
    return re.sub(r" {2,}", "  ", s)
