"""The intermediate representation: small, immutable, interned tensor expressions.

Contract:
- Every node is interned: constructing a node equal to an existing one returns that same
  object, so `a is b` is structural equality and common subexpressions are shared for free.
- Every node has a `shape`: a tuple of SymPy expressions (symbolic dimensions); `()` is a
  scalar. Constructors check that their arguments fit and raise `IRError` (an internal bug,
  never a user error: `lower` checks user shapes first and raises `ShapeError`).
- One generalised product, `Contract` (an einsum with integer axis labels), covers matmul,
  Hadamard, outer products, traces, the colon product, Diag, transposes and sums over axes.
  Beside it: `Add` (a linear combination), `Map` (an elementwise function, a key of
  `ops.FUNCTIONS`), `Pow` (elementwise power with a scalar exponent), and the leaves `Var`
  (an input), `Ref` (a named definition, kept by name so the chain is not inlined), `Dvar`
  (a differential, ``dX``), `Const` (a constant-filled tensor), `Delta` (the identity
  matrix) and `Mask` (the 0/1 indicator of an index sub-range). Every other node class is
  an op declared in one block of `ops/` (inverse, determinants, products along an axis,
  softmax, log-sum-exp, stop-gradient, reshape), with all of its facts beside it.
"""
from .build import (ONE, ZERO, add, broadcast, const, contract, filled, fmap, inner, is_const,
                    is_zero, letters, matmul, mul, ones, pow_, scale, transpose, zeros)
from .nodes import (I0, Add, Const, Contract, Delta, Dvar, IRError, Map, Mask, Node, Pow, Ref,
                    Shape, Var, dim_expr, operands, same_dim, walk, FreshDim)
from .transform import count_nodes, nonfinite, rebuild, substitute, transform

__all__ = ["Node", "IRError", "Shape", "Var", "Ref", "Dvar", "Const", "Delta", "Mask", "I0",
           "Contract", "Add", "Map", "Pow", "walk", "operands", "same_dim", "FreshDim", "dim_expr", "const", "zeros",
           "ones", "is_zero", "is_const", "filled", "contract", "letters", "scale", "mul", "add",
           "matmul", "transpose", "inner", "pow_", "fmap", "broadcast", "transform",
           "substitute", "rebuild", "nonfinite", "count_nodes", "ZERO", "ONE"]
