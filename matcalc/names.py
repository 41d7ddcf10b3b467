"""Names: from a syntax-tree name to its Python keyword and its LaTeX form.

Contract (DESIGN.md): Greek letters by name (``\\alpha`` -> ``alpha``), font commands
dropped (the parser already did), accents as suffixes (``\\hat q`` -> ``q_hat``), layer
superscripts appended (``W^{(1)}`` -> ``W1``), multi-letter subscripts kept
(``E_{max}`` -> ``E_max``), primes as ``_prime``, a Python keyword gets a trailing ``_``
(``\\lambda`` -> ``lambda_``).
"""
from __future__ import annotations

import dataclasses

import builtins
import keyword
import unicodedata

from .read import syntax as S

# The one table of Greek letters: LaTeX command -> the character a text rendering prints.
GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "varkappa": "ϰ", "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "omicron": "ο", "pi": "π",
    "varpi": "ϖ", "rho": "ρ", "varrho": "ϱ", "sigma": "σ", "varsigma": "ς", "tau": "τ",
    "upsilon": "υ", "phi": "φ", "varphi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω",
    "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ", "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π",
    "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω",
}


# letters written as commands that are not Greek (read/tokens.py SYMBOL_NAMES): \ell
LETTER_COMMANDS = {"ell", "hbar", "imath", "jmath"}


def _base_keyword(sym: S.Sym) -> str:
    name = sym.name
    if sym.accent:
        name += "_" + sym.accent
    if sym.layer:
        name += sym.layer
    if sym.sup:
        name += sym.sup
    name += "_prime" * sym.primes
    if sym.via:
        name += "_" + sym.via           # v'_{w_k}: the family v'_w
    return name


# The script fonts a name may carry (`Sym.accent`, set by read/scripts.py where a script
# letter is a name of its own beside the plain one): accent -> its LaTeX command.
SCRIPT_COMMAND = {"cal": "mathcal", "scr": "mathscr", "frak": "mathfrak", "bb": "mathbb"}


def _base_latex(sym: S.Sym) -> str:
    name = sym.name
    if name in GREEK or name in LETTER_COMMANDS:
        name = "\\" + name
    elif len(name) > 1:
        name = r"\mathrm{" + name + "}"
    for k, accent in enumerate(sym.accent.split("_") if sym.accent else ()):
        if accent == "term":
            continue        # the per-term family L_i beside the whole L (lower/termfamily.py)
        # stacked accents innermost first (hat_bar: an adjoint's bar over \hat{y}, written
        # \overline{\hat{y}}; bar_hat: \hat{\bar{x}})
        cmd = "overline" if k and accent == "bar" else SCRIPT_COMMAND.get(accent, accent)
        name = "\\" + cmd + "{" + name + "}"
    name += "'" * sym.primes
    if sym.layer:
        name += "^{(" + sym.layer + ")}"
    if sym.sup:
        sup = _base_latex(S.Sym(sym.sup))
        name += "^" + sup if len(sup) == 1 else "^{" + sup + "}"
    if sym.via:
        name += "_{" + _base_latex(S.Sym(sym.via)) + "}"
    return name


def sub_text(expr) -> str | None:
    """The text of a subscript item that could be part of a name: ``2``, ``max``, ``p``,
    ``n_p``; None if it is not name-like."""
    if isinstance(expr, S.Num):
        return expr.value if expr.value.isdigit() else None
    if isinstance(expr, S.Sym):
        return _base_keyword(expr)
    if isinstance(expr, S.BinOp) and expr.op == S.MUL:
        a, b = sub_text(expr.left), sub_text(expr.right)
        return a + b if a is not None and b is not None else None
    if isinstance(expr, S.Sub) and len(expr.subs) == 1:
        a, b = sub_text(expr.base), sub_text(expr.subs[0])
        return a + "_" + b if a is not None and b is not None else None
    return None


def keyword_of(expr) -> str | None:
    """Python keyword of a name-like expression (Sym, or Sym with a name-like subscript)."""
    if isinstance(expr, S.Sym):
        kw = _base_keyword(expr)
    elif isinstance(expr, S.Sub) and isinstance(expr.base, S.Sym) and len(expr.subs) == 1:
        tail = sub_text(expr.subs[0])
        if tail is None:
            return None
        kw = _base_keyword(expr.base) + "_" + tail
    else:
        return None
    kw = unicodedata.normalize("NFKC", kw)  # Python reads identifiers NFKC-normalised
    return kw + "_" if keyword.iskeyword(kw) else kw


def latex_of(expr) -> str:
    """LaTeX of a name-like expression, as the document spells it (fonts dropped)."""
    if isinstance(expr, S.Sym):
        return _base_latex(expr)
    if isinstance(expr, S.Sub) and isinstance(expr.base, S.Sym) and len(expr.subs) == 1:
        tail = (sub_text(expr.subs[0]) or "?").replace("_prime", "'")
        if expr.base.via:               # v'_{w_{k}}: member k of the family v'_{w}
            base = _base_latex(dataclasses.replace(expr.base, via=None))
            return base + "_{" + _base_latex(S.Sym(expr.base.via)) + "_{" + tail + "}}"
        return _base_latex(expr.base) + "_{" + tail + "}"
    return "?"



def printed_latex(latex: str) -> str:
    """The LaTeX a printed result writes for a document name spelled `latex`: a name with
    characters outside ASCII as the document wrote them (é, x², 𝑥) goes in \\text, which
    reads back as that name where the bare character is no LaTeX (``\\mathrm{é}`` ->
    ``\\text{é}``); any other spelling unchanged."""
    if latex.isascii():
        return latex
    if "\\" not in latex and "{" not in latex:
        return rf"\text{{{latex}}}"
    if latex.startswith("\\mathrm{") and latex.endswith("}") and latex.count("{") == 1:
        return r"\text" + latex[len("\\mathrm"):]
    return latex


# names the generated code needs for itself: a variable may not shadow them
RESERVED = frozenset({"np"} | {b for b in dir(builtins) if not b.startswith("_")})


def python_name(kw: str) -> str:
    """`kw` made a valid Python identifier that shadows nothing the generated code uses:
    NFKC-normalised as Python itself normalises identifiers (``ﬁ`` is ``fi``, ``x²`` is
    ``x2``), other characters replaced by ``_``, and keywords, builtins and ``np`` given
    a trailing underscore (``\\lambda`` -> ``lambda_``, ``float`` -> ``float_``)."""
    kw = unicodedata.normalize("NFKC", kw)
    kw = "".join(c if ("_" + c).isidentifier() else "_" for c in kw)
    if not kw or kw[0].isdigit():
        kw = "_" + kw
    return kw + "_" if keyword.iskeyword(kw) or kw in RESERVED else kw


def size_text(d) -> str:
    """A size as written (a number, a name, a sum or product of those): ``n``, ``2``,
    ``n+1``, ``N_p``."""
    if isinstance(d, S.Num):
        return d.value
    if isinstance(d, S.BinOp):
        return f"{size_text(d.left)}{d.op}{size_text(d.right)}"
    return latex_of(d)
