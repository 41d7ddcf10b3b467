"""Input guards of generated functions: each input's declared shape is checked at the call.

Contract: `rank_lines(inputs)` are the statements (source lines, unindented) that check
every input's number of axes, run before any dimension is read off a shape;
`shape_lines(inputs, plan, required)` check every axis against its declared dimension
once the dimensions are known (`plan`: [(symbol, code)] from `module.dimension_plan`;
`required`: the dimensions passed as ints). A mismatch raises ``_shape_error(message)``
-- ``matcalc.ShapeError`` where matcalc is importable -- naming the variable, its declared
shape, the values its dimensions have and where each was read, and the shape given:
``W: expected shape (n, d) = (3, 4) (n from x.shape[0], d from W.shape[1]), got (3, 5)``.
The checks read only shapes (static under ``jax.jit``), never values.
"""
from __future__ import annotations

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
