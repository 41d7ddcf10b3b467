"""NumPy code generation.

Contract: `generate(problem, outputs, fname, doc)` returns the source of a Python module that
imports only numpy and defines `fname(*, <inputs>)`, taking every input array by keyword
(plus any dimension no array's shape determines, as an int) and returning the value of
`outputs` (one node, or a tuple of nodes). The code evaluates the definitions it needs
first, in order, hoists every subexpression used twice into a temporary, writes
contractions as ``@``, broadcasting ``*`` or ``.sum`` where they are that, and as a chain of
pairwise contractions, cheapest first (so a factorisable double sum stays linear),
elsewhere. Diag is never materialised; sigmoid and softplus use stable forms. A function
that would evaluate more than MAX_CODE_NODES operations is refused (MatcalcError).
"""
from __future__ import annotations

import heapq
import itertools
from collections import Counter

import sympy as sp

from . import ir, ops
from .errors import MatcalcError
from .ir import (Add, Const, Dvar, Pow, Ref, Var)
from .names import python_name

HELPERS = {
    "_sigmoid": '''def _sigmoid(x):
    """Logistic function, stable for large |x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
''',
    "_dsigmoid": '''def _dsigmoid(x):
    """Derivative of the logistic function."""
    s = _sigmoid(x)
    return s * (1.0 - s)
''',
    "_prod_except": '''def _prod_except(x, axis):
    """Product of the other entries along axis, by prefix and suffix products (exact
    where an entry is zero: no division)."""
    x = np.moveaxis(x, axis, -1)
    one = np.ones(x.shape[:-1] + (1,))
    left = np.cumprod(np.concatenate([one, x[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([one, x[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return np.moveaxis(left * right, -1, axis)
''',
    "_mask": '''def _mask(n, lo, hi):
    """0/1 vector of length n: 1 where lo <= j <= hi (1-based)."""
    j = np.arange(1, n + 1)
    return ((j >= lo) & (j <= hi)).astype(float)
''',
    "_mask2": '''def _mask2(n, m, lo, hi):
    """0/1 n-by-m matrix: 1 where lo(i) <= j <= hi(i) (1-based)."""
    i = np.arange(1, n + 1)[:, None]
    j = np.arange(1, m + 1)[None, :]
    return ((j >= lo(i)) & (j <= hi(i))).astype(float)
''',
}

LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
MAX_CODE_NODES = 100_000   # distinct IR nodes a generated function may evaluate


def _pyexpr(e) -> str:
    """Python source of a SymPy number or dimension expression."""
    e = sp.sympify(e)
    if e.is_Integer:
        return str(int(e))
    if e.is_Rational:
        return f"({int(e.p)} / {int(e.q)})"
    if e.is_Number:
        return repr(float(e))
    if e == sp.E:
        return "np.e"
    if e == sp.pi:
        return "np.pi"
    code = sp.pycode(e, fully_qualified_modules=False)
    return code if code.isidentifier() else f"({code})"


class Emitter:
    def __init__(self, problem, reserved=()):
        self.problem = problem
        self.reserved = set(reserved)
        self.lines: list[str] = []
        self.helpers: set = set()
        self.names: dict = {}          # node uid -> python variable
        self.counter = itertools.count(1)
        self.uses: dict = {}
        self.code_names: dict = {}     # generated code -> temporary holding it

    # ------------------------------------------------------------ driver
    def count_uses(self, roots):
        for root in roots:
            for node in ir.walk(root):
                for c in ir.operands(node):
                    self.uses[c.uid] = self.uses.get(c.uid, 0) + 1
            self.uses[root.uid] = self.uses.get(root.uid, 0) + 1

    def value(self, node) -> str:
        """A Python expression for node, emitting temporaries as needed."""
        if node.uid in self.names:
            return self.names[node.uid]
        code = self._code(node)
        cheap = isinstance(node, (Var, Ref, Const, Dvar))
        if not cheap and (self.uses.get(node.uid, 0) > 1 or len(code) > 70):
            name = self.temp(code)
            self.names[node.uid] = name
            return name
        return self.code_names.get(code, code)

    def temp(self, code: str) -> str:
        """A temporary holding `code`; the same code twice is computed once."""
        if code in self.code_names:
            return self.code_names[code]
        name = f"t{next(self.counter)}"
        while name in self.reserved:
            name = f"t{next(self.counter)}"
        self.lines.append(f"{name} = {code}")
        self.code_names[code] = name
        return name

    def assign(self, name, node):
        code = self._code(node)
        self.lines.append(f"{name} = {code}")
        self.names[node.uid] = name

    # ------------------------------------------------------------ nodes
    def _code(self, node) -> str:
        return getattr(self, "_c_" + type(node).__name__)(node)

    def _c_Var(self, node):
        return python_name(node.name)

    def _c_Ref(self, node):
        return python_name(node.name)

    def _c_Const(self, node):
        v = _pyexpr(node.value)
        if node.shape == ():
            return v if v.startswith("(") or not v.startswith("-") else f"({v})"
        shape = ", ".join(_pyexpr(d) for d in node.shape)
        return f"np.full(({shape},), {v})"

    def _c_Delta(self, node):
        return f"np.eye({_pyexpr(node.n)})"

    def _c_Mask(self, node):
        if node.rank == 1:
            self.helpers.add("_mask")
            return f"_mask({_pyexpr(node.shape[0])}, {_pyexpr(node.lo)}, {_pyexpr(node.hi)})"
        self.helpers.add("_mask2")
        i = sp.Symbol("i")
        lo = _pyexpr(node.lo.subs(ir.I0, i))
        hi = _pyexpr(node.hi.subs(ir.I0, i))
        return (f"_mask2({_pyexpr(node.shape[0])}, {_pyexpr(node.shape[1])}, "
                f"lambda i: {lo}, lambda i: {hi})")

    def _c_Map(self, node):
        f = ops.FUNCTIONS[node.fn]
        self.helpers.update(f.helpers)
        return f.numpy.format(self.value(node.arg))

    def _c_Pow(self, node):
        b = self.value(node.base)
        if isinstance(node.exp, Const):
            v = node.exp.value
            if v == -1:
                return f"1.0 / {_atom(b)}"
            if v == sp.Rational(1, 2):
                return f"np.sqrt({b})"
            if v == 2:
                return f"np.square({b})"
            return f"{_atom(b)} ** {_pyexpr(v)}"
        return f"{_atom(b)} ** {_atom(self.value(node.exp))}"

    def _c_Add(self, node):
        parts = []
        for t, c in zip(node.terms, node.coeffs):
            if isinstance(t, Const):
                s = _pyexpr(c * t.value)
                if node.shape != () and all(isinstance(x, Const) for x in node.terms):
                    s = self._c_Const(Const(c * t.value, t.shape))
            else:
                s = self.value(t)
                if c == -1:
                    s = f"-{_atom(s)}"
                elif c != 1:
                    s = f"{_pyexpr(c)} * {_atom(s)}"
            parts.append(s)
        out = parts[0]
        for p in parts[1:]:
            out += f" - {p[1:]}" if p.startswith("-") and not p.startswith("-(") else f" + {p}"
        return out

    def _c_ProdAxis(self, node):
        return f"np.prod({self.value(node.arg)}, axis={node.axis})"

    def _c_ProdExcept(self, node):
        self.helpers.add("_prod_except")
        return f"_prod_except({self.value(node.arg)}, {node.axis})"

    def _c_Inv(self, node):
        return f"np.linalg.inv({self.value(node.arg)})"

    def _c_Det(self, node):
        return f"np.linalg.det({self.value(node.arg)})"

    def _c_LogDet(self, node):
        return f"np.linalg.slogdet({self.value(node.arg)})[1]"

    def _c_StopGrad(self, node):
        return self.value(node.arg)

    def _c_Reshape(self, node):
        shape = ", ".join(_pyexpr(d) for d in node.shape)
        return f"np.reshape({self.value(node.arg)}, ({shape},))"

    def _c_Dvar(self, node):
        raise ir.IRError("a differential cannot be evaluated")

    # ------------------------------------------------------------ contractions
    def _c_Contract(self, node):
        dims = node.label_dims()
        scal, tens, bcast = [], [], []
        for op, labels in zip(node.ops, node.idx):
            if op.shape == ():
                scal.append(op)
            elif isinstance(op, Const) and op.value == 1:
                bcast.extend(labels)
            else:
                tens.append((op, tuple(labels)))
        factor = self._scalar_factor(scal)
        # a ones operand summed over an axis nothing else carries counts that axis
        carried = {l for _, ls in tens for l in ls} | set(node.out)
        counted = [dims[l] for l in dict.fromkeys(bcast) if l not in carried]
        if counted:
            count = _pyexpr(sp.Mul(*counted))
            factor = f"{factor} * {count}" if factor else count
        if not tens:
            body, labels = None, ()
        else:
            if factor and len(tens) > 1:
                # scale the smallest operand, not the (larger) result
                k = min(range(len(tens)), key=lambda i: tens[i][0].rank)
                tens = list(tens)
                tens[k] = (("code", f"{factor} * {_atom(self.value(tens[k][0]))}"), tens[k][1])
                factor = ""
            body, labels = self._contract(tens, tuple(l for l in node.out if l not in bcast
                                                      or any(l in ls for _, ls in tens)))
        # broadcast to missing output labels
        if tuple(labels) != tuple(node.out):
            if body is None:
                shape = ", ".join(_pyexpr(dims[l]) for l in node.out)
                body = f"np.ones(({shape},))"
            else:
                body = self._broadcast(body, labels, node.out, dims)
        if body is None:
            return factor or "1.0"
        if factor:
            return f"{factor} * {_atom(body)}"
        return body

    def _scalar_factor(self, scal):
        """Product of scalar operands: a leading -1 as a sign, reciprocals as division."""
        sign, num, den = "", [], []
        for s in scal:
            if isinstance(s, Const) and s.value == -1:
                sign = "-" if not sign else ""
            elif isinstance(s, Pow) and isinstance(s.exp, Const) and s.exp.value == -1:
                den.append(_atom(self.value(s.base)))
            else:
                num.append(_atom(self.value(s)))
        if not num and not den:
            return "-1.0" if sign else ""
        code = " * ".join(num) if num else "1.0"
        for d in den:
            code += f" / {d}"
        return f"{sign}{code}" if not sign or len(num) + len(den) == 1 else f"-({code})"

    def _broadcast(self, code, labels, out, dims):
        present = [l for l in out if l in labels]
        code = self._permute(code, labels, tuple(present))
        index = ", ".join(":" if l in labels else "None" for l in out)
        shape = ", ".join(_pyexpr(dims[l]) for l in out)
        return f"np.broadcast_to({_atom(code)}[{index}], ({shape},))"

    def _permute(self, code, labels, target):
        labels, target = tuple(labels), tuple(target)
        if labels == target:
            return code
        if len(labels) == 2:
            return f"{_atom(code)}.T"
        perm = ", ".join(str(labels.index(l)) for l in target)
        return f"np.transpose({code}, ({perm},))"

    def _contract(self, tens, out):
        """Contract tensors (code, labels) pairwise, cheapest pair first; returns
        (code, labels) with labels == out."""
        items = []
        for op, labels in tens:
            code = op[1] if isinstance(op, tuple) else self.value(op)
            if len(set(labels)) < len(labels):  # a diagonal: take it first
                uniq = tuple(dict.fromkeys(labels))
                code, labels = self._single(code, labels, uniq), uniq
            items.append((code, labels))
        items = dict(enumerate(items))
        for a, b, keep, new in _pair_order([ls for _, ls in items.values()], out):
            code = self._pair(items.pop(a), items.pop(b), keep)
            if items:
                code = self.temp(code)
            items[new] = (code, keep)
        code, labels = items.popitem()[1]
        return self._single(code, labels, out), out

    def _single(self, code, labels, out):
        """One operand: diagonal, sums over axes, then a permutation."""
        if len(set(labels)) < len(labels):
            spec = self._spec([labels], out)
            return f"np.einsum('{spec}', {code})"
        summed = tuple(k for k, l in enumerate(labels) if l not in out)
        if summed:
            if len(summed) == len(labels):
                code = f"np.sum({code})"
            else:
                axis = summed[0] if len(summed) == 1 else summed
                code = f"{_atom(code)}.sum(axis={axis})"
            labels = tuple(l for l in labels if l in out)
        return self._permute(code, labels, out)

    def _pair(self, a, b, keep):
        if keep and keep[0] in b[1] and keep[0] not in a[1]:
            a, b = b, a  # the operand carrying the first output axis goes left
        (ca, la), (cb, lb) = a, b
        # sum away labels only one side has and nothing needs
        ca, la = self._presum(ca, la, keep, lb)
        cb, lb = self._presum(cb, lb, keep, la)
        shared = [l for l in la if l in lb]
        contracted = [l for l in shared if l not in keep]
        batch = [l for l in shared if l in keep]
        if not contracted:
            # broadcasting product
            order = tuple(keep)
            return self._permute(
                f"{self._expand(ca, la, order)} * {self._expand(cb, lb, order)}",
                order, keep)
        if len(contracted) == 1 and not batch and len(la) <= 2 and len(lb) <= 2:
            k = contracted[0]
            fa = [l for l in la if l != k]
            fb = [l for l in lb if l != k]
            left = ca if la[-1] == k else f"{_atom(ca)}.T"
            right = cb if lb[0] == k else f"{_atom(cb)}.T"
            res = tuple(fa + fb)
            return self._permute(f"{_atom(left)} @ {_atom(right)}", res, keep)
        if not batch and set(la) == set(lb) and not keep:
            return f"np.vdot({ca}, {self._permute(cb, lb, la)})"
        if set(la) == set(lb):
            # same axes: multiply entrywise, then sum the contracted ones
            prod = f"{_atom(ca)} * {_atom(self._permute(cb, lb, la))}"
            return self._single(f"({prod})", la, keep)
        spec = self._spec([la, lb], keep)
        return f"np.einsum('{spec}', {ca}, {cb}, optimize=True)"

    def _presum(self, code, labels, keep, other):
        drop = [k for k, l in enumerate(labels) if l not in keep and l not in other]
        if not drop:
            return code, labels
        if len(drop) == len(labels):
            return f"np.sum({code})", ()
        axis = drop[0] if len(drop) == 1 else tuple(drop)
        return f"{_atom(code)}.sum(axis={axis})", tuple(l for l in labels if l in keep or l in other)

    def _expand(self, code, labels, order):
        """code (axes labels) arranged to `order`, with None for missing axes."""
        present = tuple(l for l in order if l in labels)
        code = self._permute(code, labels, present)
        if present == tuple(order):
            return _atom(code)
        if not present:
            return _atom(code)
        index = ", ".join(":" if l in labels else "None" for l in order)
        # leading None axes are implicit in NumPy broadcasting
        return f"{_atom(code)}[{index}]"

    @staticmethod
    def _spec(label_lists, out):
        letters = {}
        for ls in list(label_lists) + [out]:
            for l in ls:
                letters.setdefault(l, LETTERS[len(letters)])
        ins = ",".join("".join(letters[l] for l in ls) for ls in label_lists)
        return f"{ins}->{''.join(letters[l] for l in out)}"


def _atom(code: str) -> str:
    """Parenthesise code unless it is a name, a call, an index or a literal."""
    c = code.strip()
    if c.replace("_", "").replace(".", "").isalnum():
        return c
    depth = 0
    for k, ch in enumerate(c):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch in " +-*/@<>=&|," and not (k == 0 and ch == "-"):
            return f"({c})"
    if c.startswith("-"):
        return f"({c})"
    return c


def _pair_order(labels, out):
    """The order in which to contract operands with axis `labels` (a list) pairwise into
    axes `out`: a list of (a, b, keep, new) merging operands a and b (ids: positions in
    `labels`, then len(labels), len(labels)+1, ... for the results) into `new` with axes
    `keep`. Each step takes the cheapest pair - fewest distinct axes, then fewest kept,
    then most shared; ties to the earliest pair - among pairs sharing an axis (among all
    pairs when none does). Costs live in a heap and only the pairs whose axes' holders
    changed are re-costed, so a chain of k factors costs O(k log k), not O(k^3)."""
    alive = dict(enumerate(tuple(ls) for ls in labels))
    count = Counter(l for ls in alive.values() for l in set(ls))
    holders: dict = {}
    for k, ls in alive.items():
        for l in set(ls):
            holders.setdefault(l, set()).add(k)
    heap, current = [], {}

    def cost(a, b):
        la, lb = alive[a], alive[b]
        sa, sb = set(la), set(lb)
        # a label of the pair stays if another operand carries it too
        keep = tuple(l for l in out if l in sa or l in sb) + tuple(
            l for l in dict.fromkeys(la + lb) if count[l] > (l in sa) + (l in sb) and l not in out)
        return (len(sa | sb), len(keep), -len(sa & sb)), keep

    def push(a, b):
        c, keep = cost(a, b)
        if current.get((a, b), (None,))[0] != c:
            current[(a, b)] = (c, keep)
            heapq.heappush(heap, (c, a, b))

    def push_around(ks):
        """(Re)cost every pair sharing an axis with one of the operands ks."""
        for x in ks:
            for l in set(alive[x]):
                for y in holders[l]:
                    if y != x:
                        push(min(x, y), max(x, y))

    push_around(list(alive))
    steps, new = [], len(alive)
    while len(alive) > 1:
        best = None
        while heap:
            c, a, b = heap[0]
            if a in alive and b in alive and current[(a, b)][0] == c:
                best = (a, b, current[(a, b)][1])
                break
            heapq.heappop(heap)
        if best is None:  # no two operands share an axis: every pair (outer products)
            _, a, b = min((cost(a, b)[0], a, b)
                          for a, b in itertools.combinations(sorted(alive), 2))
            best = (a, b, cost(a, b)[1])
        a, b, keep = best
        changed = set(alive[a]) | set(alive[b])
        for x in (a, b):
            for l in set(alive.pop(x)):
                count[l] -= 1
                holders[l].discard(x)
        alive[new] = keep
        for l in set(keep):
            count[l] += 1
            holders[l].add(new)
        steps.append((a, b, keep, new))
        # only pairs holding an axis whose count changed can cost differently now
        push_around(sorted({y for l in changed for y in holders[l]}))
        new += 1
    return steps


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
            sol = sp.solve(sp.Eq(d, axis), s)
            if len(sol) != 1:
                continue
            expr = sol[0].subs({q: sp.Symbol(python_name(q.name)) for q in known})
            code = sp.pycode(expr, fully_qualified_modules=False).replace(
                "_axis", f"{var}.shape[{k}]")
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
    dims = _used_dims(body_nodes)
    sub_problem = type(problem)(dict((v.name, v) for v in inputs), problem.defs, problem.order,
                                problem.objective, problem.latex, list(problem.dims))
    plan, required = dimension_plan(sub_problem, dims)
    return inputs, required, plan, dims


def generate(problem, outputs, fname: str, doc: str = "", also=()) -> str:
    """Source of a module defining `fname` (see the module docstring)."""
    roots = outputs if isinstance(outputs, tuple) else (outputs,)
    defs_needed = problem.needed(roots)
    size = sum(ir.count_nodes(n) for n in list(roots) + [problem.defs[d] for d in defs_needed])
    if size > MAX_CODE_NODES:
        raise MatcalcError(f"the generated code would be too large: it would evaluate "
                           f"{size:,} operations (the limit is {MAX_CODE_NODES:,})")
    reserved = {python_name(k) for k in list(problem.inputs) + list(problem.defs)} | \
        {python_name(str(d)) for d in problem.dims}
    em = Emitter(problem, reserved)
    em.count_uses(list(roots) + [problem.defs[d] for d in defs_needed])
    inputs, required, plan, dims = signature(problem, roots, also)
    for s, code in plan:
        em.lines.append(f"{python_name(s.name)} = {code}")
    for name in defs_needed:
        node = problem.defs[name]
        em.assign(python_name(name), node)
        em.names[ir.Ref(name, node.shape).uid] = python_name(name)
    results = [em.value(r) for r in roots]
    args = [python_name(v.name) for v in inputs] + [python_name(s.name) for s in required]
    shapes = "\n".join(f"        {python_name(v.name)}: "
                       + ("float" if not v.shape else
                          "array of shape (" + ", ".join(str(d) for d in v.shape) + ")")
                       for v in inputs)
    shapes += "".join(f"\n        {python_name(s.name)}: int (dimension {s.name})" for s in required)
    lines = ["\"\"\"Generated by matcalc. Do not edit: regenerate from the document.\"\"\"",
             "import numpy as np", ""]
    for h in sorted(em.helpers):
        if h == "_dsigmoid":
            lines.append(HELPERS["_sigmoid"])
        lines.append(HELPERS[h])
    lines = _dedupe(lines)
    lines.append("")
    sig = ", ".join(args)
    lines.append(f"def {fname}(*, {sig}):" if sig else f"def {fname}():")
    doc_lines = doc.strip().splitlines() if doc else []
    lines.append('    """' + (doc_lines[0] if doc_lines else fname))
    for dl in doc_lines[1:]:
        lines.append("    " + dl if dl else "")
    lines.append("")
    lines.append("    Inputs (keyword arguments):")
    lines.append(shapes)
    lines.append('    """')
    for v in inputs:
        lines.append(f"    {python_name(v.name)} = np.asarray({python_name(v.name)}, dtype=float)")
    for l in em.lines:
        lines.append("    " + l)
    fixed = []
    for r, code in zip(roots, results):
        if isinstance(r, Const) or (isinstance(r, Add) and all(isinstance(t, Const) for t in r.terms)):
            shape = ", ".join(_pyexpr(d) for d in r.shape)
            fixed.append(f"np.broadcast_to(np.asarray({code}, dtype=float), "
                         f"({shape}{',' if r.shape else ''})).copy()")
        else:
            fixed.append(f"np.asarray({code}, dtype=float)")
    ret = fixed[0] if len(fixed) == 1 else "(" + ", ".join(fixed) + ",)"
    lines.append(f"    return {ret}")
    return "\n".join(lines) + "\n"


def _dedupe(lines):
    seen, out = set(), []
    for l in lines:
        if l in HELPERS.values():
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
