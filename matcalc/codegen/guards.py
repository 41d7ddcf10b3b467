"""Input guards of generated functions: each input's declared shape is checked at the call.

Contract: `rank_lines(inputs)` are the statements (source lines, unindented) that check
every input's number of axes, run before any dimension is read off a shape;
`shape_lines(inputs, plan, required)` check every axis against its declared dimension
once the dimensions are known (`plan`: [(symbol, code)] from `module.dimension_plan`;
`required`: the dimensions passed as ints). A mismatch raises ``_shape_error(message)``
-- ``matcalc.ShapeError`` where matcalc is importable -- naming the variable, its declared
shape, the values its dimensions have and where each was read, and the shape given:
``W: expected shape (n, d) = (3, 4) (n from x.shape[0], d from W.shape[1]), got (3, 5)``.
The checks read only shapes (static under ``jax.jit``), never values. `out_lines(shapes)`
and `OUT_HELPERS` take a NumPy function's optional ``out=`` (the caller's arrays for the
gradients, checked against their shapes before any work is done).
"""
from __future__ import annotations

import ast
import re

import sympy as sp

from ..names import python_name
from .source import _pyexpr


def _declared(shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def rank_lines(inputs) -> list:
    lines = []
    for v in inputs:
        name = python_name(v.name)
        want = "a scalar" if not v.shape else f"an array of shape {_declared(v.shape)}"
        lines += [f"if {name}.ndim != {len(v.shape)}:",
                  f"    raise _shape_error(f\"{name}: expected {want}, got shape "
                  f"{{tuple({name}.shape)}}\")"]
    return lines


def shape_lines(inputs, plan, required) -> list:
    source = {s: code for s, code in plan}
    for s in required:
        source[s] = "the argument " + python_name(s.name)
    lines = []
    for v in inputs:
        if not v.shape:
            continue
        name = python_name(v.name)
        # an axis whose dimensions the function knows (one nothing needs is not read)
        known = [k for k, d in enumerate(v.shape)
                 if sp.sympify(d).free_symbols <= set(source)
                 and source.get(d) != f"{name}.shape[{k}]"]
        if not known:
            continue  # every axis is where its dimension was read, or is not needed
        cond = " or ".join(f"{name}.shape[{k}] != {_pyexpr(v.shape[k])}" for k in known)
        dims = []
        for k in known:
            for s in sorted(sp.sympify(v.shape[k]).free_symbols, key=str):
                if s not in dims:
                    dims.append(s)
        where = ", ".join(f"{python_name(s.name)} from {source[s]}" for s in dims)
        values = "(" + ", ".join(
            f"{{{_pyexpr(d)}}}" if sp.sympify(d).free_symbols <= set(source) else str(d)
            for d in v.shape) + ("," if len(v.shape) == 1 else "") + ")"
        lines += [f"if {cond}:",
                  f"    raise _shape_error(f\"{name}: expected shape {_declared(v.shape)} = "
                  f"{values} ({where}), got {{tuple({name}.shape)}}\")"]
    return lines


# ---------------------------------------------------------------- out=: the caller's buffers

OUT_HELPERS = {
    "_outs": '''def _outs(out, k):
    """The caller's output arrays as a k-tuple (None where a new array is wanted): `out`
    is one array when the function returns one gradient, else a sequence of k arrays (or
    None entries), one per gradient in wrt order."""
    if out is None:
        return (None,) * k
    if k == 1 and not isinstance(out, (tuple, list)):
        out = (out,)
    if not isinstance(out, (tuple, list)) or len(out) != k:
        raise _shape_error(f"out: expected a sequence of {k} arrays (one per gradient, in "
                           f"wrt order), got {type(out).__name__}"
                           + (f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""))
    for j, o in enumerate(out):
        if o is not None and not isinstance(o, np.ndarray):
            raise TypeError(f"out[{j}]: expected a NumPy array or None, got {type(o).__name__}")
        if o is not None and not o.flags.writeable:
            raise ValueError(f"out[{j}]: the array is read-only")
    return tuple(out)
''',
    "_into": '''def _into(o, value):
    """`value`, or `value` written into the caller's array `o` (NumPy's same_kind casting:
    float64 into float32 is allowed, float into int is refused), which is returned."""
    if o is None or o is value:
        return value
    np.copyto(o, value, casting="same_kind")
    return o
''',
    "_buffer": '''def _buffer(o, dt, inputs):
    """The caller's array `o` if the last operation can write straight into it: given,
    of the computation's dtype `dt` exactly (no cast between the operation and the
    buffer) and sharing no memory with an input (nothing the function still reads can
    change under it); else None (the result is then computed and copied, `_into`)."""
    if o is None or o.dtype != dt:
        return None
    if any(isinstance(a, np.ndarray) and np.may_share_memory(o, a) for a in inputs):
        return None
    return o
''',
}


# the last operation of a result written into the caller's buffer (`in_place`)
_UFUNC = {ast.Mult: "np.multiply", ast.Add: "np.add", ast.Sub: "np.subtract",
          ast.Div: "np.divide", ast.MatMult: "np.matmul"}


def in_place(code: str, j: int, inputs, lines: list):
    """The return expression of result `code` (``np.asarray(X, dtype=_dt)``) for output
    slot `j` written into the caller's array where `_buffer` allows it: an elementwise
    binary, a matrix product or a negation at the top of X as its ufunc with ``out=``
    (np.matmul casts to a float32 buffer as the copy does), or a block array X
    that `lines` create with ``np.empty`` (seed 002's placed blocks) created as the
    caller's array (`lines` is edited). Elsewhere, and when no buffer can be used at
    run time, the plain ``_into`` copy. The values are those of the copy exactly: the
    same operation in the same dtype, only its destination differs."""
    plain = f"_into(_out[{j}], {code})"
    try:
        tree = ast.parse(code, mode="eval").body
    except SyntaxError:
        return plain
    if not (isinstance(tree, ast.Call) and ast.unparse(tree.func) == "np.asarray"
            and len(tree.args) == 1 and [ast.unparse(k) for k in tree.keywords] == ["dtype=_dt"]):
        return plain
    x = tree.args[0]
    ins = "(" + "".join(f"{a}, " for a in inputs) + ")"
    buf = f"_buffer(_out[{j}], _dt, {ins})"
    if isinstance(x, ast.Name):
        made = re.compile(rf"^{re.escape(x.id)} = (np\.empty\(.*, dtype=_dt\))$")
        for k, line in enumerate(lines):
            m = made.match(line)
            if m:
                lines[k] = f"{x.id} = {buf}"
                lines.insert(k + 1, f"if {x.id} is None:")
                lines.insert(k + 2, f"    {x.id} = {m.group(1)}")
                return plain          # `_into` returns the caller's array uncopied
        return plain
    if isinstance(x, ast.BinOp) and type(x.op) in _UFUNC:
        call = f"{_UFUNC[type(x.op)]}({ast.unparse(x.left)}, {ast.unparse(x.right)}, out=_b{j})"
    elif isinstance(x, ast.UnaryOp) and isinstance(x.op, ast.USub):
        call = f"np.negative({ast.unparse(x.operand)}, out=_b{j})"
    else:
        return plain
    return f"({call} if (_b{j} := {buf}) is not None else {plain})"


def out_lines(shapes) -> list:
    """Lines taking ``out=`` for gradients of these shapes: `_out` is the tuple of the
    caller's arrays, each checked against its gradient's shape (dimensions known by now)."""
    k = len(shapes)
    lines = [f"_out = _outs(out, {k})"]
    for j, shape in enumerate(shapes):
        label = "out" if k == 1 else f"out[{j}]"
        want = "(" + ", ".join(_pyexpr(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
        shown = _declared(shape) + " = (" + ", ".join(f"{{{_pyexpr(d)}}}" for d in shape) + \
            ("," if len(shape) == 1 else "") + ")" if shape else "() (a 0-d array)"
        lines += [f"if _out[{j}] is not None and tuple(_out[{j}].shape) != {want}:",
                  f"    raise _shape_error(f\"{label}: expected an array of shape {shown}, "
                  f"got {{tuple(_out[{j}].shape)}}\")"]
    return lines
