"""NumPy code generation: a whole module for a set of outputs.

Contract: `generate(problem, outputs, fname, doc, backend=None)` returns the source of a
Python module that imports numpy (and the back end's library: `backends`) and defines
`fname(*, <inputs>)`, taking every input array by keyword
(plus any dimension no array's shape determines, as an int) and returning the value of
`outputs` (one node, or a tuple of nodes). The code evaluates the definitions it needs
first, in order, hoists every subexpression used twice into a temporary, writes
contractions as ``@``, broadcasting ``*`` or ``.sum`` where they are that, and as a chain of
pairwise contractions, cheapest first (so a factorisable double sum stays linear),
elsewhere. Diag is never materialised; sigmoid and softplus use stable forms. Before
emission the cheap-form rewrites of `forms` apply, for NumPy (expanded squared distances
where their rounding is harmless, split contractions, the product's gradient through the
product, slices for index sub-ranges, powers from powers). The inputs' declared shapes are
checked at the call (`guards`: a ShapeError naming the variable). Arrays keep a floating
dtype (float32 in, float32 out; integers are computed in float64), scalars and constants
take the arrays' dtype, and each temporary is deleted after its last use. A function that
would evaluate more than MAX_CODE_NODES operations is refused (MatcalcError).
"""
from __future__ import annotations

import re
from collections import Counter

import sympy as sp

from .. import ir, ops
from ..ops import opaque
from ..errors import MatcalcError
from ..ir import Add, Const, Var
from ..names import python_name
from . import backends, guards
from .emit import HELPERS, Emitter
from .forms import ALL_RULES, cheap_forms
from .source import _pyexpr

MAX_CODE_NODES = 100_000   # distinct IR nodes a generated function may evaluate


def dimension_plan(problem, needed_dims):
    """How each dimension is obtained: [(symbol, code)] read off input shapes (an axis
    whose length is the symbol itself first; then axes like N+M solved for their one
    unknown), and the dimensions no shape determines, which are passed as ints."""
    known, plan, required = {}, [], []
    inputs = list(problem.inputs.values())
    dims_order = [d for d in problem.dims if d in needed_dims] + \
        [d for d in needed_dims if d not in problem.dims]
    axes = [(python_name(v.name), k, sp.sympify(d)) for v in inputs for k, d in enumerate(v.shape)]
    for var, k, d in axes:
        if d.is_Symbol and d not in known:
            known[d] = f"{var}.shape[{k}]"
            plan.append((d, known[d]))
    while True:
        progress = False
        for var, k, d in axes:
            free = [s for s in d.free_symbols if s not in known]
            if len(free) != 1:
                continue
            s = free[0]
            axis = sp.Symbol("_axis")
            sol = _solve_for(d, axis, s)
            if len(sol) != 1:
                continue
            expr = sol[0].subs({q: sp.Symbol(python_name(q.name)) for q in known})
            code = _pyexpr(expr).replace("_axis", f"{var}.shape[{k}]")
            known[s] = f"int({code})"
            plan.append((s, known[s]))
            progress = True
        if progress:
            continue
        # a dimension that appears in a shape with another unknown: ask for it
        missing = [s for s in dims_order if s not in known
                   and any(s in d.free_symbols for _, _, d in axes)]
        if not missing:
            break
        required.append(missing[0])
        known[missing[0]] = python_name(missing[0].name)
    for s in dims_order:
        if s not in known:
            required.append(s)
            known[s] = python_name(s.name)
    return plan, required


def _solve_for(d, axis, s) -> list:
    """The solutions s of d = axis: directly where d is linear in s (N + M, 2n: the
    common case, and SymPy's solve costs tens of milliseconds), else by solve."""
    c = sp.diff(d, s)
    if c.is_number and c != 0:
        return [sp.expand((axis - sp.expand(d - c * s)) / c)]
    return sp.solve(sp.Eq(d, axis), s)


def _used_dims(nodes) -> set:
    out = set()
    for root in nodes:
        for n in ir.walk(root):
            for f in n.fields:
                if isinstance(f, sp.Basic):
                    out |= f.free_symbols
                elif isinstance(f, tuple):
                    for x in f:
                        if isinstance(x, sp.Basic):
                            out |= x.free_symbols
            for d in n.shape:
                out |= sp.sympify(d).free_symbols
    out.discard(ir.I0)
    return out


def signature(problem, roots, also=()):
    """What a generated function for `roots` takes: (input Vars, dimension symbols that
    must be passed as ints, the plan [(symbol, code)] reading the others off shapes).
    Inputs that the nodes `also` use are accepted too (a gradient takes every input of its
    objective, so the same keyword arguments serve both)."""
    defs_needed = problem.needed(roots)
    body_nodes = list(roots) + [problem.defs[d] for d in defs_needed]
    extra = list(also) + [problem.defs[d] for d in problem.needed(also)]
    used_vars = {n.name for r in body_nodes + extra for n in ir.walk(r) if isinstance(n, Var)}
    inputs = [v for k, v in problem.inputs.items() if k in used_vars]
    dims = _used_dims(body_nodes + extra)  # a dimension only the objective needs too
    sub_problem = type(problem)(dict((v.name, v) for v in inputs), problem.defs, problem.order,
                                problem.objective, problem.latex, list(problem.dims))
    plan, required = dimension_plan(sub_problem, dims)
    return inputs, required, plan, dims


def callables(problem, roots, also=()):
    """The callables a generated function for `roots` takes (the arbitrary functions the
    document leaves undefined, `ops.opaque`): (those the roots call, those only the nodes
    `also` call -- accepted, as inputs are, and optional)."""
    needed = list(roots) + [problem.defs[d] for d in problem.needed(roots)]
    calls = opaque.callables_in(needed)
    extra = list(also) + [problem.defs[d] for d in problem.needed(also)]
    return calls, [c for c in opaque.callables_in(extra) if c not in calls]


def generate(problem, outputs, fname: str, doc: str = "", also=(), rules=None,
             backend=None, out_from=None) -> str:
    """Source of a module defining `fname` (see the module docstring). `rules`: the
    cheap-form rewrites to apply (`forms.ALL_RULES` when None; ``()`` gives the plain
    forms); `backend` (a name or a `backends.Backend`, default NumPy) spells the code for
    NumPy, JAX, torch or the array API. `out_from`: for NumPy, the function takes an
    optional ``out=`` for the outputs from this position on (the gradients; the value
    before them is not covered): one array if that is one output, else a sequence, each
    checked against its output's shape before any work and written in place (NumPy's
    same_kind casting), the arrays returned. Not offered where an input, definition or
    dimension of the document is named ``out``."""
    bk = backends.get(backend)
    roots = outputs if isinstance(outputs, tuple) else (outputs,)
    defs_needed = problem.needed(roots)
    size = sum(ir.count_nodes(n) for n in list(roots) + [problem.defs[d] for d in defs_needed])
    if size > MAX_CODE_NODES:
        raise MatcalcError(f"the generated code would be too large: it would evaluate "
                           f"{size:,} operations (the limit is {MAX_CODE_NODES:,})")
    reserved = {python_name(k) for k in list(problem.inputs) + list(problem.defs)} | \
        {python_name(str(d)) for d in problem.dims}
    calls, optional = callables(problem, roots, also)
    taken = [c for c in calls + optional if c in reserved]
    if taken:
        raise MatcalcError(f"the generated code takes the function {taken[0]!r} as an "
                           f"argument, but the document also has a variable named so")
    reserved |= set(calls + optional)
    em = Emitter(problem, reserved, bk)
    inputs, required, plan, dims = signature(problem, roots, also)
    rewritten = cheap_forms([problem.defs[d] for d in defs_needed] + list(roots),
                            rules if rules is not None else
                            ALL_RULES if bk.cheap_forms else ())
    bodies = dict(zip(defs_needed, rewritten))
    roots = tuple(rewritten[len(defs_needed):])
    em.count_uses(list(roots) + list(bodies.values()))
    em.lines.extend(guards.rank_lines(inputs))    # before any shape is read
    for s, code in plan:
        em.lines.append(f"{python_name(s.name)} = {code}")
    em.lines.extend(guards.shape_lines(inputs, plan, required))
    shape_end = len(em.lines)     # where the checks of out= go, if it is offered
    for name in defs_needed:
        node = bodies[name]
        em.assign(python_name(name), node)
        em.names[ir.Ref(name, node.shape).uid] = python_name(name)
    args = [python_name(v.name) for v in inputs] + [python_name(s.name) for s in required]
    args += calls
    if out_from is not None and (bk.name != "numpy" or "out" in set(args) | reserved):
        out_from = None
    results = [em.value(r) for r in roots]
    clash = [a for a, c in Counter(args).items() if c > 1]
    if clash:
        raise ir.IRError(f"two inputs are both named {clash[0]!r} in Python")
    taken = [a for a in args if a in bk.reserved]
    if taken:
        raise ir.IRError(f"an input is named {taken[0]!r}, which the {bk.name} code uses")
    shapes = "\n".join(f"        {python_name(v.name)}: "
                       + ("float" if not v.shape else
                          "array of shape (" + ", ".join(str(d) for d in v.shape) + ")")
                       for v in inputs)
    shapes += "".join(f"\n        {python_name(s.name)}: int (dimension {s.name})" for s in required)
    shapes += "".join(f"\n        {c}: callable, {opaque.meaning(c)}"
                      + (" (not used here: may be omitted)" if c in optional else "")
                      for c in calls + optional)
    if out_from is not None:
        em.lines[shape_end:shape_end] = guards.out_lines([r.shape for r in roots[out_from:]])
        em.helpers.update(("_outs", "_into", "_buffer", "_shape_error"))
        what = "an array for the gradient" if len(roots) - out_from == 1 else \
            "a sequence of arrays (or None) for the gradients, in order"
        shapes += f"\n        out: optional, {what}: written in place and returned"
    lines = ["\"\"\"Generated by matcalc. Do not edit: regenerate from the document.\"\"\"",
             *bk.imports, ""]
    sources = {**bk.helper_sources(ops), **HELPERS, **guards.OUT_HELPERS}
    body = "\n".join(em.lines + results)
    em.helpers.update(h for h in bk.module_helpers if h + "(" in body)
    if inputs:
        em.helpers.update(("_asfloat", "_shape_error"))
    for h in sorted(em.helpers, key=lambda h: (h != "_sigmoid", h)):  # _dsigmoid calls _sigmoid
        lines.append(sources[h])
    lines = _dedupe(lines, set(sources.values()))
    lines.append("")
    sig = ", ".join(args + [f"{c}=None" for c in optional] +
                    (["out=None"] if out_from is not None else []))
    lines.append(f"def {fname}(*, {sig}):" if sig else f"def {fname}():")
    doc_lines = doc.strip().splitlines() if doc else []
    lines.append('    """' + (doc_lines[0] if doc_lines else fname))
    for dl in doc_lines[1:]:
        lines.append("    " + dl if dl else "")
    lines.append("")
    lines.append("    Inputs (keyword arguments):")
    lines.append(shapes)
    lines.append('    """')
    for l in bk.prologue([python_name(v.name) for v in inputs if v.shape],
                         [python_name(v.name) for v in inputs if not v.shape]):
        lines.append("    " + l)
    body = "    "
    if em.guarded and bk.quiet:  # a masked sum's excluded terms: computed, then dropped
        lines.append("    " + bk.quiet)
        body = "        "
    fixed = []
    for r, code in zip(roots, results):
        if isinstance(r, Const) or (isinstance(r, Add) and all(isinstance(t, Const) for t in r.terms)):
            shape = ", ".join(_pyexpr(d) for d in r.shape)
            fixed.append(bk.const_result(code, shape + ("," if r.shape else "")))
        else:
            fixed.append(bk.result(code))
    if out_from is not None:
        arrays = [python_name(v.name) for v in inputs if v.shape]
        fixed[out_from:] = [guards.in_place(c, j, arrays, em.lines) if r.rank else
                            f"_into(_out[{j}], {c})"
                            for j, (c, r) in enumerate(zip(fixed[out_from:], roots[out_from:]))]
    dim_names = {python_name(sym.name) for sym, _ in plan} | {"_out"}
    for l in _free_dead(em.lines, " ".join(results), dim_names):
        lines.append(body + l)
    ret = fixed[0] if len(fixed) == 1 else "(" + ", ".join(fixed) + ",)"
    lines.append(f"{body}return {ret}")
    return "\n".join(lines) + "\n"


_ASSIGNED = re.compile(r"^([A-Za-z_]\w*) = ")
_NAME = re.compile(r"[A-Za-z_]\w*")


def _free_dead(body, returned, skip=()):
    """The body's statements with ``del`` after the last use of each array it assigns
    (not those the return line uses), so that a temporary's memory is given back as soon
    as it is dead, as it is in hand-written code where temporaries are expressions."""
    last, assigned = {}, set()
    for k, line in enumerate(body):
        m = _ASSIGNED.match(line)
        rhs = line[m.end():] if m else line
        for name in set(_NAME.findall(rhs)) & assigned:
            last[name] = k
        if m:
            assigned.add(m.group(1))
            last.setdefault(m.group(1), k)
        elif "[" in line:  # a write into part of an array (t[...] += ...) uses it
            for name in set(_NAME.findall(line.split("[", 1)[0])) & assigned:
                last[name] = k
    keep = set(_NAME.findall(returned)) | set(skip)
    after: dict = {}
    for name, k in last.items():
        if name not in keep and k < len(body) - 1:
            after.setdefault(k, []).append(name)
    out = []
    for k, line in enumerate(body):
        out.append(line)
        if k in after:
            out.append("del " + ", ".join(sorted(after[k])))
    return out


def _dedupe(lines, helpers):
    seen, out = set(), []
    for l in lines:
        if l in helpers:
            if l in seen:
                continue
            seen.add(l)
        out.append(l)
    return out


def compile_module(source: str, fname: str):
    """Execute generated source (ours, never user text) and return the function."""
    namespace: dict = {}
    exec(compile(source, "<matcalc-generated>", "exec"), namespace)  # noqa: S102
    return namespace[fname]
