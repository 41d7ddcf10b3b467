"""matcalc: symbolic matrix calculus for gradients written in LaTeX.

    import matcalc
    g = matcalc.gradient(doc, wrt="W")
    g.latex(); g.steps; g.numpy_source(); g.to_numpy(); g.inputs
    matcalc.check(doc, wrt="W", claim=r"...")
    matcalc.check_all(post)          # a verdict on every claimed derivative in a post
    matcalc.define_function("softsign", derivative=r"(1 + |x|)^{-2}", numpy="x / (1 + np.abs(x))")

Data flow: text -> parse (syntax) -> lower (IR) -> diff -> simplify -> render | codegen.
"""
from .api import DerivationStep, Gradient, Gradients, gradient, parse
from .check import CheckResult, check
from .claims import Verdict, check_all
from .errors import MatcalcError, ParseError, ShapeError
from .ops import define_function, undefine_function

__all__ = ["gradient", "check", "check_all", "parse", "define_function", "undefine_function",
           "Gradient", "Gradients", "CheckResult", "Verdict", "DerivationStep",
           "MatcalcError", "ParseError", "ShapeError"]
__version__ = "0.1.0"
