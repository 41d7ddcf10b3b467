"""matcalc: symbolic matrix calculus for gradients written in LaTeX.

    import matcalc
    g = matcalc.gradient(doc, wrt="W")
    g.latex(); g.steps; g.numpy_source(); g.to_numpy(); g.inputs
    matcalc.check(doc, wrt="W", claim=r"...")

Data flow: text -> parse (syntax) -> lower (IR) -> diff -> simplify -> render | codegen.
"""
from .api import CheckResult, DerivationStep, Gradient, check, gradient, parse
from .errors import MatcalcError, ParseError, ShapeError

__all__ = ["gradient", "check", "parse", "Gradient", "CheckResult", "DerivationStep",
           "MatcalcError", "ParseError", "ShapeError"]
__version__ = "0.1.0"
