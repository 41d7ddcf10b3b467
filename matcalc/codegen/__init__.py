"""Code generation: IR -> a module for NumPy, JAX, torch or the array API.

    plan.py      the contraction-order planner
    forms.py     cheap forms: algebraic rewrites of the IR before emission (named rules)
    emit.py      the emitter: one expression per node, temporaries, ops by their blocks
    contract.py  contractions as @, broadcasting, sums, einsum
    module.py    the module: signature, dimensions read off shapes, generate, compile
    backends.py  NumPy, JAX, torch, array API: how each spells what is not an op
    guards.py    the input-shape checks at the call
    sympy_form.py  the closed form as a SymPy expression (g.to_sympy())
"""
from .emit import Emitter
from .module import callables, compile_module, dimension_plan, generate, signature
from .plan import pair_order

__all__ = ["generate", "compile_module", "signature", "callables", "dimension_plan", "Emitter", "pair_order"]
