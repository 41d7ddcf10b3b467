"""A lowered document: inputs, the chain of named definitions, and the objective.

Contract: `Problem` is what `lower` produces and `diff`, `render` and `codegen` consume.
- `inputs`: keyword -> Var, in declaration order (only those the definitions use are kept
  in `used_inputs()`).
- `defs`: keyword -> IR body; `order` lists them so every body refers only to earlier
  names (a topological order that follows the source where it can).
- `objective`: the keyword of the scalar definition being differentiated.
- `latex`: keyword -> LaTeX spelling of every input, definition and dimension.
- `dims`: the dimension symbols the document uses.
- `held`: definitions held constant (their uses are wrapped in StopGrad).
- `notes`: `matcalc.notes.Note`s on what the reader skipped or inferred.
- `unnamed`: definitions the document does not name (the bare final expression, keyword
  f): a printed result writes their value, never the invented name; `written` is the
  syntax of that objective (a bare expression, a minimand, a claim's function), so that a
  claim differentiating it is checked against it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from . import ir


@dataclass
class Problem:
    inputs: dict
    defs: dict
    order: list
    objective: str
    latex: dict
    dims: set = field(default_factory=set)
    held: set = field(default_factory=set)
    source: str = ""
    index_names: dict = field(default_factory=dict)   # keyword -> LaTeX of index names
    families: dict = field(default_factory=dict)      # keyword -> number of family axes
    rows: set = field(default_factory=set)            # definitions whose value is a row vector
    vector_bars: str = "abs"                          # how |v| of a vector was read
    member_rows: str = "column"                       # how X_i of a matrix was read
    notes: list = field(default_factory=list)         # what the reader skipped or inferred
    unnamed: set = field(default_factory=set)         # names the document never writes (a
    #                                                   bare objective's f): printed as their body
    written: object = None                            # the syntax of an unnamed objective (a
    #                                                   minimand, a claimed function): check.py
    index_ranges: dict = field(default_factory=dict)  # LaTeX of a declared index -> its length
    default_wrt: str | None = None                    # the X of \nabla_X around the objective
    #                                                   (lower/operators.py): gradient's wrt
    #                                                   when none is given, and the note
    default_wrt_note: object = None                   # that says so, placed at the X
    symmetric: dict = field(default_factory=dict)     # input -> (line, how the text says it is symmetric)
    symmetric_if: dict = field(default_factory=dict)  # those it only supposes (``if A = A^T``)
    #                                                   -> the word: see `symmetric_inputs`
    positive: dict = field(default_factory=dict)      # keyword of a scalar stated positive
    #                                                   (\sigma > 0, \mathbb{R}_+) -> how
    constants: dict = field(default_factory=dict)     # keyword of a scalar the words call a
    #                                                   constant ("for some constant c") ->
    #                                                   the words: not a variable (api.py)
    conditioned: dict = field(default_factory=dict)   # input a chain of equalities holds
    #                                                   only where it sums to 1, as the words
    #                                                   say -> the words (api.py refuses it
    #                                                   as wrt)
    declared_defs: dict = field(default_factory=dict) # keyword of a definition of a name the
    #                                                   document also declares -> (line of
    #                                                   the declaration, the definition's
    #                                                   span) (vanishing.py)
    arguments: dict = field(default_factory=dict)     # keyword of a name written as an
    #                                                   argument of the objective's left side,
    #                                                   L(\theta) = ... -> its span (arguments.py)
    written_reach: frozenset = frozenset()            # keywords the objective's text writes,
    #                                                   through the definitions it names
    #                                                   (before simplification: arguments.py)

    def symmetric_inputs(self) -> frozenset:
        """The inputs the result takes to be their own transpose (Sᵀ = S, so it reads
        2Σ⁻¹(μ - x)): those the text declares symmetric (``\\mathbb{S}^n``) or states so
        (``A = A^T``), not those it only supposes (``if A = A^T``: the result is then
        written for every matrix). The simplifier (`diff.Tidier`) and the printer use it."""
        return frozenset(k for k in self.symmetric if k not in self.symmetric_if)

    def symmetric_names(self) -> frozenset:
        """The names whose values are their own transpose: `symmetric_inputs`, and the
        definitions symmetric by construction (``K = X X^T + \\sigma^2 I``, so K⁻ᵀ is
        K⁻¹: `symmetric.definitions`). The simplifier and the printer use it."""
        from .symmetric import definitions
        inputs = self.symmetric_inputs()
        # kept for the definitions as they are (a Problem built up later asks again)
        key = (inputs, tuple((n, self.defs[n].uid) for n in self.order if n in self.defs))
        seen = self.__dict__.get("_symmetric_names")
        if seen is None or seen[0] != key:
            seen = self.__dict__["_symmetric_names"] = (key, inputs | definitions(self, inputs))
        return seen[1]

    def shape_of(self, name: str) -> tuple:
        if name in self.defs:
            return self.defs[name].shape
        return self.inputs[name].shape

    def node_of(self, name: str):
        if name in self.defs:
            return ir.Ref(name, self.defs[name].shape)
        return self.inputs[name]

    def needed(self, roots) -> list:
        """Definition names needed to evaluate `roots` (IR nodes), in `order`."""
        need, stack = set(), list(roots)
        while stack:
            node = stack.pop()
            for n in ir.walk(node):
                if isinstance(n, ir.Ref) and n.name not in need:
                    need.add(n.name)
                    stack.append(self.defs[n.name])
        return [name for name in self.order if name in need]
