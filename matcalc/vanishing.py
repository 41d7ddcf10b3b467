"""A declared array "defined" by an equation that makes the objective a constant.

``Sei V \\in \\mathbb{R}_+^{m \\times n}. Finde eine Lösung der NMF V = WH mit der
Loss-Funktion l(W, H) = \\| V - WH \\|_\\text{Fro}^2`` (corpus 193): V is declared as data and
V = WH is the factorisation sought. Read as the definition of V, the loss is
``\\|WH - WH\\|^2``, identically 0, and every gradient 0 -- printed without a word before
this check. A careful reader never takes a definition that leaves the objective nothing to
vary: both readings are named and refused. (Declaring an intermediate and then defining it,
``h \\in \\mathbb{R}^k``, ``h = \\sigma(Wx)``, is common and stays a definition: the objective
still varies.)

Such a definition is read as an equation about the data, noted (`api._lower` lowers the
document again without it); where that reading fails too, both are named and refused.

Contract: `vanishing_definition(problem)` is (keyword, span of its definition) when the
objective, with its definitions inlined, is a constant and the definition of a name the
document also declares (`Problem.declared_defs`) is what makes it so (read with that name as
an input, the objective varies); None otherwise. `refuse_vanishing_definition(problem)`
raises the two readings for such a problem.
"""
from __future__ import annotations

from . import ir
from .errors import ParseError, error_at


def _inlined(problem, root, keep=frozenset()):
    """`root` with every definition reference replaced by its body (those in `keep` become
    inputs of their shape instead), simplified."""
    from .simplify import simplify
    memo: dict = {}

    def expand(node):
        def fn(n):
            if isinstance(n, ir.Ref) and n.name in problem.defs:
                if n.name in keep:
                    return ir.Var(n.name, tuple(n.shape))
                if n.name not in memo:
                    memo[n.name] = expand(problem.defs[n.name])
                return memo[n.name]
            return n
        return ir.transform(node, fn)

    return simplify(expand(root))


def _constant(node) -> bool:
    return not any(isinstance(n, ir.Var) for n in ir.walk(node))


def vanishing_definition(problem):
    """(keyword, span of its definition) of the declared name whose definition leaves the
    objective a constant, None when there is none (see the module docstring)."""
    declared = [k for k in getattr(problem, "declared_defs", {}) if k in problem.defs]
    if not declared or problem.objective not in problem.defs:
        return None
    root = ir.Ref(problem.objective, tuple(problem.defs[problem.objective].shape))
    try:
        if not _constant(_inlined(problem, root)):
            return None
        culprit = next((k for k in declared
                        if not _constant(_inlined(problem, root, keep=frozenset({k})))), None)
    except Exception:           # a reading that cannot be inlined is not this case
        return None
    return None if culprit is None else (culprit, problem.declared_defs[culprit][1])


def note_reason(problem, kw) -> str:
    x = problem.latex.get(kw, kw)
    return (f"an equation about the data {x} (declared as an array), not its definition: "
            f"read as the definition, it would leave the objective {_shown(problem)} a "
            f"constant, with nothing to vary")


def _shown(problem):
    shown = problem.objective
    if shown in problem.unnamed and isinstance(problem.defs.get(shown), ir.Ref):
        shown = problem.defs[shown].name        # the bare mention l(W, H) of the loss l
    return problem.latex.get(shown, shown)


def refuse_vanishing_definition(problem) -> None:
    """Raise the two readings where `vanishing_definition` finds one (the reading as data
    could not be taken instead)."""
    found = vanishing_definition(problem)
    if found is None:
        return
    culprit, span = found
    x = problem.latex.get(culprit, culprit)
    f = _shown(problem)
    raise error_at(
        ParseError,
        f"{x} is declared and then equated to a formula here: read as "
        f"the definition of {x}, the objective {f} is a constant (it has nothing left to "
        f"vary, every gradient 0); read as an equation about the data {x} (a model, or the "
        f"factorisation sought), {x} is an input -- two readings that give different "
        f"numbers: refused (write the objective with the data's name, or define {x} "
        f"without declaring it as data)", span, problem.source)
