"""User-defined elementwise functions: `define_function`, through the built-ins' door.

Contract: `define_function(name, derivative, numpy, latex=None, domain="real")` registers
a `registry.Function` named `name`, which every stage then treats like a built-in:

- `name` is a word of letters; the document spells the function ``\\name``,
  ``\\operatorname{name}``, ``\\mathrm{name}`` or ``name`` (bare). It may not clash with a
  built-in function, an array function (Tr, det, ...) or a Greek letter.
- `derivative` is LaTeX in ``x`` written with functions matcalc knows (``(1 + |x|)^{-2}``);
  it is read by matcalc's own reader and lowered once.
- `numpy` is a NumPy expression in ``x`` (``x / (1 + np.abs(x))``). It is code the caller
  wrote for their own process: it is checked to be an expression using only ``x``,
  numbers and ``np.*`` functions, and is then inserted into generated code AS WRITTEN, as
  the body of a helper function. It is never taken from a document.
- `latex` is the display form (default ``\\operatorname{name}``).

Defining a function checks its derivative against central differences of the NumPy form at
a few points; a mismatch, a derivative that does not parse, a NumPy form that is not an
expression in ``x``, or a name that clashes is a `MatcalcError` at definition time.
Defining the same name again replaces the earlier definition.
"""
from __future__ import annotations

import ast
import re

import numpy as np

from .. import ir, names
from ..errors import MatcalcError
from ..ir import Add, Const, Contract, Map, Pow, Var, add, fmap, mul, ones, pow_
from .registry import CALLS, FUNCTIONS, Function, _spell, spelled, unregister

_GREEK_LIKE = set(names.GREEK) | {"partial", "nabla", "ell"}
_AST_OK = (ast.Expression, ast.BinOp, ast.UnaryOp, ast.Call, ast.Attribute, ast.Name,
           ast.Constant, ast.Load, ast.operator, ast.unaryop, ast.keyword)


def _check_numpy(name, code):
    try:
        tree = ast.parse(code.strip(), mode="eval")
    except SyntaxError as err:
        raise MatcalcError(f"define_function({name!r}): numpy={code!r} is not a Python "
                           f"expression ({err.msg})") from None
    for node in ast.walk(tree):
        if not isinstance(node, _AST_OK):
            raise MatcalcError(f"define_function({name!r}): numpy= may use only x, numbers, "
                               f"arithmetic and np.* functions, not {type(node).__name__}")
        if isinstance(node, ast.Name) and node.id not in ("x", "np"):
            raise MatcalcError(f"define_function({name!r}): numpy= is an expression in x; "
                               f"it names {node.id!r}")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float)) \
                and node.value is not None:
            raise MatcalcError(f"define_function({name!r}): numpy= may not hold "
                               f"{node.value!r}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise MatcalcError(f"define_function({name!r}): numpy= may not use {node.attr}")
        if isinstance(node, ast.Call) and not isinstance(node.func, ast.Attribute):
            raise MatcalcError(f"define_function({name!r}): numpy= may call only np.* "
                               f"functions")
    return code.strip()


def _lift(body, x: Var, arg):
    """The scalar IR `body` (in the scalar input `x`) applied entrywise to `arg`: a node
    of arg's shape."""
    shape = arg.shape

    def full(node):
        return node if node.shape == shape else (
            Const(node.value, shape) if isinstance(node, Const) else mul(node, ones(shape)))

    def lift(node):
        if node is x:
            return arg
        if x not in node.deps():
            return node
        if isinstance(node, Map):
            return fmap(node.fn, lift(node.arg))
        if isinstance(node, Pow):
            if x in node.exp.deps():
                raise ir.IRError("an exponent that depends on x")
            return pow_(lift(node.base), node.exp)
        if isinstance(node, Contract) and all(op.shape == () for op in node.ops):
            return mul(*[lift(op) for op in node.ops])
        if isinstance(node, Add):
            return add([full(lift(t)) for t in node.terms], node.coeffs)
        raise ir.IRError(f"{type(node).__name__} in an elementwise derivative")
    return full(lift(body))


def _lower_derivative(name, derivative):
    from ..api import lower_document  # the reader, lazily: ops is below it
    doc = "x \\in \\mathbb{R} \\\\ \\text{derivative} = " + derivative
    try:
        problem = lower_document(doc)
    except MatcalcError as err:
        raise MatcalcError(f"define_function({name!r}): cannot read derivative="
                           f"{derivative!r}: {err.bare_message}") from None
    return problem.inputs["x"], problem.defs[problem.objective]


def define_function(name: str, derivative: str, numpy: str, latex: str | None = None,
                    domain: str = "real") -> Function:
    """Register an elementwise function (see the module docstring); returns its entry."""
    if not isinstance(name, str) or not re.fullmatch(r"[A-Za-z]{2,}", name):
        raise MatcalcError(f"define_function: the name must be a word of two or more "
                           f"letters, not {name!r}")
    owner = FUNCTIONS.get(name)
    taken = spelled("command", name) or spelled("word", name) or spelled("run", name)
    if (owner is not None and not owner.user) or name in CALLS or name in _GREEK_LIKE or \
            (taken is not None and (taken not in FUNCTIONS or not FUNCTIONS[taken].user)):
        raise MatcalcError(f"define_function: {name!r} is already a built-in name")
    code = _check_numpy(name, numpy)
    x, body = _lower_derivative(name, derivative)
    helper = f"_user_{name}"
    display = latex or rf"\operatorname{{{name}}}"

    def derivative_ir(arg, fx):
        return _lift(body, x, arg)

    entry = Function(
        name, derivative_ir,
        rf"d\,{display}(X) = {display}'(X) \odot dX,\quad {display}'(x) = {derivative}",
        display + r"\left({}\right)", name + "({})", helper + "({})",
        commands=(name,), words=(name,), runs=(name,),
        helpers={helper: f"def {helper}(x):\n    \"\"\"{name}, as defined by the user.\"\"\"\n"
                         f"    return {code}\n"},
        domain=domain, user=True)
    if owner is not None:
        unregister(name)
    FUNCTIONS[name] = entry
    _spell(entry)
    try:
        _check_derivative(entry)
    except MatcalcError:
        unregister(name)
        raise
    return entry


def undefine_function(name: str):
    """Remove a function added by `define_function`."""
    try:
        unregister(name)
    except KeyError:
        raise MatcalcError(f"{name!r} is not a user-defined function") from None


def _check_derivative(entry):
    """The derivative must agree with central differences of the NumPy form."""
    from ..api import gradient
    g = gradient(r"x \in \mathbb{R}^{n} \\ f = \mathbf{1}^T \operatorname{" + entry.name + "}(x)",
                 wrt="x")
    grad, obj = g.to_numpy(), g.objective_numpy()
    rng = np.random.default_rng(0)
    x = rng.uniform(-2, 2, 7) if entry.domain == "real" else rng.uniform(0.1, 0.9, 7)
    h = 1e-6
    with np.errstate(all="ignore"):
        got = np.asarray(grad(x=x), dtype=float)
        want = np.array([(obj(x=x + h * e) - obj(x=x - h * e)) / (2 * h) for e in np.eye(len(x))])
    ok = np.isfinite(want) & np.isfinite(got)
    if not ok.any():
        raise MatcalcError(f"define_function({entry.name!r}): the NumPy form gives no finite "
                           f"values on its domain ({entry.domain})")
    bad = ok & ~np.isclose(got, want, rtol=1e-5, atol=1e-7)
    if bad.any():
        k = int(np.argmax(bad))
        raise MatcalcError(f"define_function({entry.name!r}): derivative= does not match "
                           f"the NumPy form: at x = {x[k]:.4g} it gives {got[k]:.6g}, "
                           f"central differences give {want[k]:.6g}")
