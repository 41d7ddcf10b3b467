"""Beyond the gradient: Jacobians, Hessians and Hessian-vector products.

    identity.py   replacing a symbolic cotangent by the identity (a VJP -> the Jacobian)
    jacobian.py   jacobian(doc, wrt, of=None): the reverse sweep of U : F, then U = I
    hessian.py    hessian(doc, wrt), hvp(doc, wrt): sweeps over the gradient's definitions
    results.py    Jacobian, Hessian, HVP: printed forms, derivation, generated code
"""
from .hessian import hessian, hvp
from .jacobian import LAYOUT, jacobian
from .results import HVP, Hessian, Jacobian

__all__ = ["jacobian", "hessian", "hvp", "Jacobian", "Hessian", "HVP", "LAYOUT"]
