"""Differential steps checked: ``dL = (s-y)\\,ds``, ``&= (y-s)\\,\\mathbf{1}:dp``, ``dX = A\\,d\\alpha``.

Contract: `DifferentialJudge(document, problem, varying)` decides whether a claimed
differential step ``dY = E`` holds, E linear in the differentials ``dX`` of the document's
quantities (inputs or definitions). Both sides are exact directional derivatives: every
definition's total differential is linearised symbolically (`diff.linearise`, each op's own
rule) down to the differentials of the inputs in `varying` (the others are held constant,
as a post does when it writes only ``d\alpha``); those get random directions, and both
sides are evaluated at random points and compared as `check.Judge` compares a gradient. `verdict(
left, value, src)` returns (status, reason, the step's right side as read, LaTeX) with
status "right", "wrong", "ill-formed" (the step cannot be read in the document's context)
or "unchecked".

How a step is read: in every product chain a ``d`` (or ``\\partial``) followed by a name is
that name's differential; it is lowered as a stop-gradient of the name (a marker no post
writes: a step that writes ``\\operatorname{sg}`` itself is not checked) and then replaced
by the name's total differential.
"""
from __future__ import annotations

import dataclasses

import numpy as np

from . import codegen, ir, names, numeric, ops
from .check import TOLERANCE, diagnose
from .diff import DiffError, linearise
from .errors import MatcalcError
from .lower import lower_claim
from .lower.base import walk_syntax
from .problem import Problem
from .render import Renderer
from .read import syntax as S

D_WORDS = ("d", "partial")


def _is_d(e) -> bool:
    return isinstance(e, S.Sym) and e.name in D_WORDS and e.accent is None and not e.primes


def _factors(e) -> list:
    if isinstance(e, S.BinOp) and e.op == S.MUL:
        return _factors(e.left) + _factors(e.right)
    return [e]


def _namelike(e) -> bool:
    return isinstance(e, (S.Sym, S.Sub)) and names.keyword_of(
        e.base if isinstance(e, S.Sub) else e) is not None


def marked(e):
    """`e` with every ``d X`` of a product chain written ``\\operatorname{sg}(X)``; the
    names marked, as keywords."""
    found = []

    def walk(node):
        if isinstance(node, S.BinOp) and node.op == S.MUL:
            fs = [walk(f) for f in _factors(node)]
            out, k = [], 0
            while k < len(fs):
                if _is_d(fs[k]) and k + 1 < len(fs) and _namelike(fs[k + 1]):
                    found.append(names.keyword_of(fs[k + 1]))
                    out.append(S.Call("sg", (fs[k + 1],), span=fs[k + 1].span))
                    k += 2
                else:
                    out.append(fs[k])
                    k += 1
            acc = out[0]
            for f in out[1:]:
                acc = S.BinOp(S.MUL, acc, f, span=node.span)
            return acc
        return S.rebuilt(node, walk)

    return walk(e), found


def _direction(kw: str) -> str:
    return f"__dir_{names.python_name(kw)}"


class DifferentialJudge:
    """The total differential of every quantity of `problem`, at random points and
    random directions; claimed steps are compared with it (see the module docstring)."""

    def __init__(self, document, problem, varying=None, seed: int = 0, trials: int = 3):
        self.document, self.problem = document, problem
        self.varying = set(problem.inputs) if not varying else set(varying)
        self.total = self._totals()
        dirs = {_direction(k): ir.Var(_direction(k), v.shape) for k, v in problem.inputs.items()
                if k in self.varying}
        self.full = Problem(dict(problem.inputs, **dirs), dict(problem.defs),
                            list(problem.order), problem.objective, problem.latex,
                            problem.dims)
        rng = np.random.default_rng(seed)
        self.points = [numeric.sample_inputs(self.full, rng) for _ in range(trials)]

    def _totals(self) -> dict:
        """keyword -> its total differential (IR) in the input directions."""
        p = self.problem
        total = {k: ir.Var(_direction(k), v.shape) if k in self.varying else ir.zeros(v.shape)
                 for k, v in p.inputs.items()}
        for kw in p.order:
            lin = linearise(p.defs[kw], lambda leaf: True)
            if lin is None:
                total[kw] = ir.zeros(p.defs[kw].shape)
                continue
            repl = {d: total[d.name] for d in _dvars(lin) if d.name in total}
            total[kw] = ir.substitute(lin, repl)
        return total

    def _values(self, node) -> list:
        fn = codegen.compile_module(codegen.generate(self.full, node, "step"), "step")
        out = []
        for kw in self.points:
            with np.errstate(all="ignore"):
                out.append(np.asarray(numeric.call(fn, kw), dtype=float))
        return out

    def verdict(self, left_kw: str, value, src: str):
        """(status, reason, the step as read) of ``d<left_kw> = value`` (syntax)."""
        if any(isinstance(n, S.Call) and getattr(ops.CALLS.get(n.func), "stops_gradient", False)
               for n in walk_syntax(value)):
            return "unchecked", "it writes a stop-gradient itself: not checked", ""
        if left_kw not in self.total:
            return "ill-formed", f"${left_kw}$ is not a quantity of the document", ""
        body, found = marked(value)
        missing = [k for k in found if k not in self.total]
        if missing:
            return "ill-formed", f"${missing[0]}$ is not a quantity of the document", ""
        try:
            node, *_ = lower_claim(self.document, (), body, (), [], src,
                                     bars=getattr(self.problem, "vector_bars", None),
                                     rows=getattr(self.problem, "member_rows", None),
                                     objective=self.problem.objective)
            repl, shown, latex = {}, {}, dict(self.problem.latex)
            for n in ir.walk(node):
                if isinstance(n, ops.StopGrad) and isinstance(n.arg, (ir.Ref, ir.Var)):
                    name = n.arg.name
                    repl[n] = self.total[name]
                    shown[n] = ir.Var(f"__d_{name}", n.shape)
                    latex[f"__d_{name}"] = "d" + latex.get(name, name)
            read = Renderer(dataclasses.replace(self.full, latex=latex)).expr(
                ir.substitute(node, shown))
            got = self._values(ir.substitute(node, repl))
            want = self._values(self.total[left_kw])
        except MatcalcError as err:
            where = (f" (line {err.line}, column {err.column})"
                     if err.line is not None and err.column is not None else "")
            return "ill-formed", f"{err.bare_message}{where}", ""
        except (ir.IRError, DiffError, RecursionError) as err:
            return "ill-formed", f"cannot read the step: {err}", ""
        return self._compare(got, want) + (read,)

    def _compare(self, got, want):
        pairs, worst = [], 0.0
        for a, b in zip(got, want):
            if a.shape != b.shape:
                return "wrong", f"the step has shape {a.shape} but the differential has " \
                                f"shape {b.shape}"
            fa, fb = np.isfinite(a), np.isfinite(b)
            if np.any(fa != fb):
                return "wrong", "it is not finite where the differential is, or the reverse"
            a, b = np.where(fa, a, 0.0), np.where(fb, b, 0.0)
            scale = max(float(np.max(np.abs(a), initial=0.0)),
                        float(np.max(np.abs(b), initial=0.0)), 1e-300)
            worst = max(worst, float(np.max(np.abs(a - b), initial=0.0)) / scale)
            pairs.append((a, b))
        if worst < TOLERANCE:
            return "right", "equals the differential in every direction tried"
        return "wrong", f"it differs from the differential (max relative error {worst:.2g}); " \
                        f"{diagnose(pairs)}"


def _dvars(node) -> set:
    return {n for n in ir.walk(node) if isinstance(n, ir.Dvar)}
