"""Python source for numbers, dimensions and sub-expressions of generated code.

Contract: `_pyexpr(e)` is the source of a SymPy number or dimension expression (numbers as
literals, anything symbolic through SymPy's NumPy printer, so the module needs only numpy;
a constant that is not a finite real is an `ir.IRError`); `_atom(code)` parenthesises
code unless it is a name, a call, an index or a literal.
"""
from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import NumPyPrinter

from .. import ir
from ..names import python_name


def _pyexpr(e) -> str:
    """Python source of a SymPy number or dimension expression: numbers as literals,
    anything symbolic through SymPy's NumPy printer (``np.sqrt(d)``, ``np.e``), so the
    generated module needs nothing but numpy. A number that is not a finite real (a
    division by zero, 0^-1) is an error here, never a ``zoo`` in the code."""
    e = sp.sympify(e)
    if e.is_Symbol:   # the common case; the printer is slow
        return python_name(e.name)
    if e.is_Integer:
        return str(int(e))
    if e.is_Rational:
        return f"({int(e.p)} / {int(e.q)})"
    if e.is_number:
        v = complex(e.evalf())
        if e.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or v.imag != 0 or v.real != v.real:
            raise ir.IRError(f"the constant {e} is not a finite real number")
        return repr(v.real)
    if e.is_Mul or e.is_Pow or e.is_Add:
        # a ratio of polynomials in the dimensions in lowest terms: (d - 1)/(1 - d) is -1,
        # not a ZeroDivisionError at d = 1 (where the term it scales is empty)
        e = sp.cancel(e) if e.is_rational_function() else e
        if e.is_Integer or e.is_Rational:
            return _pyexpr(e)
    # dimensions by their Python names (a dimension `eval` is the variable eval_)
    e = e.xreplace({s: sp.Symbol(python_name(s.name), **s.assumptions0)
                    for s in e.free_symbols if python_name(s.name) != s.name})
    code = _NUMPY_PRINTER.doprint(e).replace("numpy.", "np.")
    return code if code.isidentifier() else f"({code})"


_NUMPY_PRINTER = NumPyPrinter({"fully_qualified_modules": True})


def _atom(code: str) -> str:
    """Parenthesise code unless it is a name, a call, an index or a literal."""
    c = code.strip()
    if c.replace("_", "").replace(".", "").isalnum():
        return c
    depth = 0
    for k, ch in enumerate(c):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch in " +-*/@<>=&|," and not (k == 0 and ch == "-"):
            return f"({c})"
    if c.startswith("-"):
        return f"({c})"
    return c
