"""The objective written inside an optimisation operator (`syntax.Optimum`, read by
read/optimum.py): ``\\min_x \\|Ax-b\\|^2``, ``\\operatorname{argmin}_{\\phi, a} ...``.

Contract: `OptimumObjective` is a part of `document.Lowerer`.

- `objective_inside(minimands, candidates)` is called by `collect` with the document's
  optimum statements and its bare expressions; it returns the bare statement that is the
  objective when none is named (the minimand), or None when the minimand names a
  definition (``\\min_w L``: then L is the objective, `objective_by_name`). Two different
  minimands are refused naming both, unless the objective is named. The other bare
  expressions that are more than a mention become rivals (`minimand_rivals`).
- `refuse_rival_bares(kw)`: after the minimand was lowered as the objective `kw`, a rival
  bare expression that gives other numbers is refused naming both (one that cannot be
  read is a mention: the operator says which function is optimised).
- `refuse_constant_minimand(kw)`: a minimand that, as read, does not depend on any of its
  optimisation variables is a misreading (a name defined only in a formula the reader
  skipped): refused at the minimand.
- `refuse_unreadable_minimand()`: a minimand that cannot be read (read/optimum.py made it
  an `Unreadable` with `minimand` set) is refused at its place when no objective is named:
  skipping it would make another formula the objective silently.

The optimisation variables are noted (`notes`); ``x = ...`` of one of them is a solution
statement (declarations.py), never a definition. The gradient is the unconstrained one:
conditions and constraints are noted by the reader, not used.
"""
from __future__ import annotations

from .. import ir, names
from ..errors import ParseError, error_at
from ..notes import excerpt
from ..read import syntax as S
from .base import LoweringBase, short_error
from .candidates import written
from .classify import namelike, prose_bare

WORDS = {"min": "\\min", "max": "\\max", "argmin": "\\operatorname{argmin}",
         "argmax": "\\operatorname{argmax}"}


def _written(kind, variables) -> str:
    return f"{WORDS[kind]}_{{{', '.join(names.latex_of(v) for v in variables)}}}"


def _named(e):
    """The keyword a minimand names (``L``, ``f(x)``, ``J(\\theta)``), or None."""
    if isinstance(e, S.Apply) and namelike(e.func) and prose_bare(e):
        e = e.func
    return names.keyword_of(e) if namelike(e) else None


class OptimumObjective(LoweringBase):
    """The minimand as the objective (see the module docstring)."""

    objective_by_name = None
    minimand_rivals: tuple = ()
    minimand_stmt = None

    def objective_inside(self, minimands, candidates):
        named = getattr(self, "objective_text", None) is not None
        distinct = []
        for _k, st in minimands:
            if all(st.value != other.value for other in distinct):
                distinct.append(st)
        if len(distinct) > 1 and not named:
            a, b = distinct[-2], distinct[-1]
            raise self.perr(
                f"two candidates for the objective: the function inside "
                f"{_written(a.kind, a.variables)} at line {a.span.line}, column "
                f"{a.span.column}, {excerpt(self.src, a.value.span)}, and the one inside "
                f"{_written(b.kind, b.variables)} here, {excerpt(self.src, b.value.span)}: "
                f"name the objective", b.value)
        st = distinct[-1]
        want = "".join((getattr(self, "objective_text", None) or "").split())
        for other in distinct:          # the objective named as written picks its minimand
            if want and written(self.src, other.value.span) == want:
                st = other
        for _k, m in minimands:
            self.note(m.value, f"the function inside {_written(m.kind, m.variables)}: "
                               f"read as the objective (optimisation variables: "
                               f"{', '.join(names.latex_of(v) for v in m.variables)}; "
                               f"the gradient is the unconstrained one)", "inferred")
            for sol in m.solution:
                self.note(sol, f"the solution {_written(m.kind, m.variables)} is stated for: "
                               f"noted, not read as a definition", "relation")
        kw = _named(st.value)
        if kw is not None and kw in self.defsrc:
            self.objective_by_name = kw           # \min_w L: the definition L
            return None
        self.minimand_stmt = st
        self.minimand_rivals = tuple(c for _k, c in candidates
                                     if not prose_bare(c.value) and c.value != st.value)
        return S.Bare(st.value, span=st.value.span)

    def refuse_rival_bares(self, kw):
        from .candidates import _rival
        mine = self.defs.get(kw)
        if mine is None or self.minimand_stmt is None:
            return
        m = self.minimand_stmt
        for other in self.minimand_rivals:
            got = _rival(self, mine, other.value, None)
            if got is None or got[1] != "they differ":
                # the same numbers (a restatement), or a mention that cannot be read (``x_i^a``
                # in a sentence): the operator says which function is optimised
                continue
            _theirs, why = got
            raise self.perr(f"two candidates for the objective: the function inside "
                            f"{_written(m.kind, m.variables)} at line {m.span.line}, "
                            f"column {m.span.column}, and the expression "
                            f"{excerpt(self.src, other.value.span)} standing alone here; "
                            f"{why}: name the objective", other)

    def refuse_constant_minimand(self, kw):
        """The minimand, lowered as the objective `kw`, must depend on an optimisation
        variable: ``\\min_{\\Delta} e^2`` where nothing readable defines e (read as Euler's
        number) is a misreading, refused at the minimand."""
        m = self.minimand_stmt
        if m is None or kw not in self.defs:
            return
        wanted = set()
        for v in m.variables:
            for x in (v, v.base if isinstance(v, S.Sub) else None):
                k = names.keyword_of(x) if x is not None else None
                if k is not None:
                    wanted.add(k)
        seen, stack = set(), [kw]
        while stack:
            k = stack.pop()
            if k in seen:
                continue
            seen.add(k)
            for n in ir.walk(self.defs[k]) if k in self.defs else ():
                name = getattr(n, "name", None)
                if isinstance(n, (ir.Ref, ir.Var)) and name not in seen:
                    stack.append(name)
        if wanted & seen:
            return
        shown = ", ".join(names.latex_of(v) for v in m.variables)
        raise self.perr(f"the function inside {_written(m.kind, m.variables)}, "
                        f"{excerpt(self.src, m.value.span)}, does not depend on {shown} as "
                        f"read: what it uses is not defined in a formula the reader can "
                        f"read (a bare e is Euler's number)", m.value)

    def refuse_unreadable_minimand(self):
        for sk in self.skips:
            if not sk.minimand:
                continue
            e = sk.error
            msg = (f"the function inside the optimisation operator would be the objective, "
                   f"but it cannot be read: {getattr(e, 'bare_message', str(e))}; fix it, or "
                   f"name the objective")
            if getattr(e, "line", None) is not None:
                raise ParseError(msg, e.line, e.column, self.src, e.end_column)
            raise error_at(ParseError, msg + f" ({short_error(e)})", sk.span, self.src)
