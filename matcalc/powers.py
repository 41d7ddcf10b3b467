"""The derivative with respect to a power of a scalar: ``\\frac{\\partial \\ell}{\\partial
\\sigma^2}``, the variance as the variable where the document writes the standard deviation.

Contract:
  - `split_power(wrt)` -> (the base as written, k) for a wrt written as a power of a name by a
    whole number (``\\sigma^2``, ``\\sigma^{2}``, ``sigma^2``, ``σ²``, the keyword ``sigma_sq``),
    else None. Nothing is resolved here.
  - `power_variable(problem, kw, k, asked)` -> a `PowerOf` for the scalar input `kw` to the
    power k, or a MatcalcError saying why the power is no variable: a base that is not a
    scalar input (a vector's σ² would be entrywise, a definition's square no variable of
    the document), k of 0 or 1, and an even k where σ could be negative and the objective
    uses σ other than in even powers (then σ = +√(σ²) and σ = -√(σ²) give two derivatives
    of different values: the document must state σ > 0 (or ≥ 0), σ ∈ \\mathbb{R}_+ or
    "$\\sigma$ is a positive scalar").
  - `chain(node, base, k)` -> ∂f/∂(x^k) = (∂f/∂x) / (k x^{k-1}) from the gradient node of x,
    the factor distributed over a sum's terms, so the tidied result reads in powers of x
    (-n/(2σ²) + ‖r‖²/(2σ⁴), not (‖r‖²/σ³ - n/σ)/(2σ)).

Why the change of variable is well-defined: for k odd, x -> x^k is one-to-one, so f is a
function of u = x^k everywhere; for k even it is one-to-one on x > 0 (x declared positive),
and where f uses x only in even powers f is a function of x² = (x^k)^{2/k} whatever the
sign of x. In
every case d(x^k) = k x^{k-1} dx, so ∂f/∂u = (∂f/∂x)/(k x^{k-1}) at x ≠ 0.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

import sympy as sp

from . import ir, names
from .errors import MatcalcError
from .rules import Rule

POWER = Rule("power-variable", r"\frac{\partial f}{\partial (x^{k})} = \frac{1}{k x^{k-1}}\,"
                               r"\frac{\partial f}{\partial x} \text{ (} d(x^{k}) = k x^{k-1}"
                               r"\, dx\text{)}")

_SUPERSCRIPTS = {"²": 2, "³": 3, "⁴": 4}
# base ^ k, base ^{k}, base ^{-k}; a parenthesised superscript (a layer, W^{(2)}) is no power
_POWER = re.compile(r"^(?P<base>.+?)\s*\^\s*(?:\{\s*(?P<braced>-?\s*\d+)\s*\}|(?P<digit>\d))\s*$")
_KEYWORD = re.compile(r"^(?P<base>[A-Za-z_][A-Za-z0-9_]*?)_(?:sq|pow(?P<k>m?\d+))$")


@dataclass(frozen=True)
class PowerOf:
    """The variable x^k: `base` the keyword of the scalar input x, `k` a whole number other
    than 0 and 1, `latex` x^{k} as printed, `keyword` its Python keyword (x_sq for k = 2,
    x_pow3, x_powm2), `how` the reason it is well-defined (for the notes)."""
    base: str
    k: int
    latex: str
    keyword: str
    how: str


def split_power(wrt):
    """(base text, k) of a wrt written as a power of a name by a whole number, else None."""
    if not isinstance(wrt, str):
        return None
    text = wrt.strip()
    if text and text[-1] in _SUPERSCRIPTS:
        return text[:-1].strip(), _SUPERSCRIPTS[text[-1]]
    m = _POWER.match(text)
    if m:
        k = int((m.group("braced") or m.group("digit")).replace(" ", ""))
        return m.group("base").strip(), k
    m = _KEYWORD.match(text)
    if m:
        k = m.group("k")
        return m.group("base"), 2 if k is None else int(k.replace("m", "-"))
    return None


def keyword(base: str, k: int) -> str:
    """The Python keyword of x^k: x_sq, x_pow3, x_powm2."""
    return f"{names.python_name(base)}_sq" if k == 2 else \
        f"{names.python_name(base)}_pow{'m' if k < 0 else ''}{abs(k)}"


def power_latex(base_latex: str, k: int) -> str:
    return f"{base_latex}^{{{k}}}"


def power_variable(problem, kw: str, k: int, asked: str) -> PowerOf:
    """The variable kw^k, or a MatcalcError saying why it is none (see the module)."""
    latex = problem.latex.get(kw, kw)
    what = power_latex(latex, k)
    if k in (0, 1):
        raise MatcalcError(f"wrt={asked!r}: {what} is {'1' if k == 0 else latex}, not a "
                           f"variable of its own" + ("" if k == 0 else f" (ask wrt={latex!r})"))
    if kw not in problem.inputs:
        raise MatcalcError(f"wrt={asked!r}: {latex} is defined by the document, not an input: "
                           f"a derivative with respect to {what} is taken only for a scalar "
                           f"input {latex}")
    shape = problem.shape_of(kw)
    if shape:
        raise MatcalcError(f"wrt={asked!r}: {latex} is not a scalar (shape "
                           f"{'x'.join(str(d) for d in shape)}), so {what} is no variable: a "
                           f"derivative with respect to a power is taken only for a scalar "
                           f"(the entrywise power of an array is not read as one)")
    if k % 2:
        how = f"{what} (k odd) determines {latex}"
    elif kw in getattr(problem, "positive", {}):
        how = f"{latex} is positive ({problem.positive[kw]}), so {latex} = ({what})^{{1/{k}}}"
    elif even_in(problem, kw):
        how = f"the objective uses {latex} only in even powers, a function of {what}"
    else:
        raise MatcalcError(
            f"wrt={asked!r} has two readings: the objective uses {latex} other than in even "
            f"powers, and {latex} = +({what})^{{1/{k}}} or {latex} = -({what})^{{1/{k}}} give "
            f"derivatives with respect to {what} of different values; state that {latex} "
            f"is positive: {latex} > 0, {latex} \\in \\mathbb{{R}}_+, or a sentence "
            f"\"${latex}$ is a positive scalar\"")
    return PowerOf(kw, k, what, keyword(kw, k), how)


def even_in(problem, kw: str) -> bool:
    """Does the objective use the input kw only as the base of even powers (or in |kw|),
    so that it is a function of kw², hence of kw^k for any even k (kw² = (kw^k)^{2/k}),
    whatever the sign of kw?"""
    roots = [problem.defs[n] for n in problem.needed([problem.node_of(problem.objective)])]
    for root in roots:
        if isinstance(root, ir.Var) and root.name == kw:
            return False
        for node in ir.walk(root):
            for op in ir.operands(node):
                if not (isinstance(op, ir.Var) and op.name == kw):
                    continue
                if not (isinstance(node, ir.Pow) and node.base is op and
                        isinstance(node.exp, ir.Const) and _even(node.exp.value)) and \
                        not (isinstance(node, ir.Map) and node.fn == "abs"):    # |σ| = √σ²
                    return False
    return True


def _even(value) -> bool:
    v = sp.sympify(value)
    return bool(v.is_integer) and v % 2 == 0


def chain(node, base, k: int):
    """(∂f/∂x) / (k x^{k-1}) for the gradient node of the scalar x (Var `base`), with the
    factor taken into each term of a sum."""
    factor = ir.pow_(base, 1 - k)
    if isinstance(node, ir.Add):
        return ir.add([ir.mul(t, factor) for t in node.terms],
                      [sp.Rational(1, k) * c for c in node.coeffs])
    return ir.scale(sp.Rational(1, k), ir.mul(node, factor))
