"""matcalc: symbolic matrix calculus for gradients written in LaTeX.

    import matcalc
    g = matcalc.gradient(doc, wrt="W")
    g.latex(); g.steps; g.numpy_source(); g.to_numpy(); g.inputs
    matcalc.check(doc, wrt="W", claim=r"...")
    matcalc.define_function("softsign", derivative=r"(1 + |x|)^{-2}", numpy="x / (1 + np.abs(x))")

Data flow: text -> parse (syntax) -> lower (IR) -> diff -> simplify -> render | codegen.
"""
from .api import DerivationStep, Gradient, Gradients, gradient, parse
from .calculus import HVP, Hessian, Jacobian, hessian, hvp, jacobian
from .check import CheckResult, check
from .errors import MatcalcError, ParseError, ShapeError
from .ops import define_function, undefine_function

__all__ = ["gradient", "check", "parse", "define_function", "undefine_function",
           "jacobian", "hessian", "hvp", "Jacobian", "Hessian", "HVP",
           "Gradient", "Gradients", "CheckResult", "DerivationStep",
           "MatcalcError", "ParseError", "ShapeError"]
__version__ = "0.1.0"
