"""The op registry: every operation's facts in one block, looked up by every stage.

Contract. Three kinds of entries, each declared in one block of `ops/`:

- `Function` (an elementwise function: exp, tanh, relu, a user's softsign). Its fields are
  all its facts: spellings (`commands` after a backslash, `words` inside
  ``\\operatorname{..}``/``\\mathrm{..}``/``\\text{..}``, bare letter `runs`, and
  `letters`: a letter's name, ``Gamma``, that is the function only where the document
  gives the letter no other meaning -- never declares, defines or uses it but applied,
  `lower.calls`; `claim_letters` likewise, but only inside a claimed derivative of a
  document whose functions' derivatives are this function: ``\\psi`` beside log Γ), `of` (outer, inner): the function the reader writes for outer(inner(x))
  (``\\log\\Gamma(x)`` is lgamma, not the log of an overflowing Γ), the entrywise
  `derivative(x, fx)` as an IR node, the `identity` a derivation cites, the `latex`,
  `text` and `numpy` forms (templates with ``{}`` for the argument, filled by `fill`, so
  literal braces are safe), NumPy `helpers` (name -> source) the code needs, a
  `stable(arg, em)` NumPy variant that may return better code for a particular argument,
  the SymPy `value` (constant folding, and the tests' reference), its own `rewrites`
  (`rules.Rule` rows) and the `domain` the tests sample it on. Its code in the other back
  ends (JAX, torch, the array API: `codegen.backends`) is its NumPy form in that back end's
  namespace, unless `forms` spells it otherwise (`backend_helpers` likewise for helpers).
- `CallOp` (a function of a whole array written like a function: Tr, det, Diag, softmax):
  spellings, `lower(lowerer, args, e, scope)` and `examples`.
- node ops: IR node classes registered with `@node_op`; the class body holds the op's
  shape rule (`_shape`), differential (`jvp(node, d)`, None if zero), cited `identity`,
  `render(node, r)` -> (text, precedence) for both LaTeX and text, `numpy(node, em)` ->
  code (writing the array namespace as ``em.ns``; a method named after a back end --
  `jax`, `torch`, `array_api` -- where that back end spells the op otherwise, and
  `backend_helpers`), its SymPy entry (`sympy(node, conv, idx)`, for `g.to_sympy()`),
  `helpers`, `rewrites` and `examples` (dict(doc, wrt, f[, grad]): a document using
  the op, an independent NumPy objective and, where the gradient is not f's derivative
  (a stop-gradient), the expected gradient). The registry tests run every example, so
  adding an op adds its tests.

The reader, lowering, differentiator, simplifier, renderer and code generator look ops up
here; no other module dispatches on an op's name. `define_function` (in `user.py`) adds a
`Function` through the same door the built-ins use.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Optional

FUNCTIONS: dict = {}      # name -> Function
CALLS: dict = {}          # name -> CallOp
NODE_OPS: dict = {}       # IR node class -> the same class (its block)
_SPELLINGS = {"command": {}, "word": {}, "operator_word": {}, "run": {}, "letter": {},
              "claim_letter": {}}
_FUSED: dict = {}          # (outer, inner) -> the Function name outer(inner(x)) is


@dataclass(frozen=True)
class Function:
    name: str
    derivative: Callable          # (x, fx) -> f'(x), entrywise, an IR node
    identity: str                 # LaTeX of d f(X), cited by a derivation
    latex: str                    # template: "{}" is the argument
    text: str
    numpy: str
    commands: tuple = ()
    words: tuple = ()
    runs: tuple = ()
    letters: tuple = ()                           # \Gamma: the function where not a variable
    claim_letters: tuple = ()                     # \psi: the function in a claimed derivative
    of: tuple = ()                                # (outer, inner): outer(inner(x)) is this
    helpers: dict = field(default_factory=dict)   # NumPy helper name -> source
    stable: Optional[Callable] = None             # (arg node, emitter) -> code | None
    value: Optional[Callable] = None              # SymPy function of one argument
    rewrites: tuple = ()                          # rules.Rule rows this op owns
    domain: str = "real"                          # "real" | "positive" | "unit" | "nonzero"
    prime: Optional[str] = None                   # the Function that is f' (sigma -> dsigma)
    user: bool = False                            # defined by define_function
    # other back ends: backend name -> template (None: the back end cannot compute it);
    # a back end not listed uses the NumPy form in its own namespace (np.exp -> torch.exp)
    forms: dict = field(default_factory=dict)
    backend_helpers: dict = field(default_factory=dict)   # backend -> {name: source}

    def fill(self, template: str, arg: str) -> str:
        return template.replace("{}", arg)


@dataclass(frozen=True)
class CallOp:
    name: str
    lower: Callable               # (lowerer, args, e, scope) -> Val
    commands: tuple = ()
    words: tuple = ()
    runs: tuple = ()
    examples: tuple = ()          # dict(doc, wrt, f[, grad]): the registry tests run them
    stops_gradient: bool = False  # sg(x): its value, with no derivative through it
    # spelled only as an operator name (\operatorname{vec}): in \text{vec} and \mathrm{vec}
    # the word stays a name a document may declare (\text{vec} \in \{0,1\}^n), as
    # matcalc prints a multi-letter name (\mathrm{vec}), so its answers read back
    operator_words: tuple = ()


def _spell(entry):
    for kind, spellings in (("command", entry.commands), ("word", entry.words),
                            ("operator_word", getattr(entry, "operator_words", ())),
                            ("run", entry.runs), ("letter", getattr(entry, "letters", ())),
                            ("claim_letter", getattr(entry, "claim_letters", ()))):
        for s in spellings:
            _SPELLINGS[kind][s] = entry.name


def function(f: Function) -> Function:
    """Register a built-in elementwise function (one block in `ops/elementwise.py`)."""
    FUNCTIONS[f.name] = f
    _spell(f)
    if f.of:
        _FUSED[tuple(f.of)] = f.name
    return f


def call_op(c: CallOp) -> CallOp:
    CALLS[c.name] = c
    _spell(c)
    return c


def node_op(cls):
    """Class decorator: register an IR node class whose block holds its facts."""
    NODE_OPS[cls] = cls
    return cls


def spelled(kind: str, text: str) -> Optional[str]:
    """The op a spelling names: kind "command" (``\\exp``), "word" (inside a font or
    ``\\operatorname``), "operator_word" (inside ``\\operatorname`` only), "run" (bare
    letters), "letter" (a letter's name that is the function where the document gives it
    no other meaning) or "claim_letter" (the same, inside a claimed derivative); None if
    no op is spelled so."""
    return _SPELLINGS[kind].get(text)


def fused(outer: str, inner: str) -> Optional[str]:
    """The Function that outer(inner(x)) is, as the reader writes it (log, gamma ->
    lgamma), or None."""
    return _FUSED.get((outer, inner))


def unregister(name: str):
    """Remove a user-defined function (tests use this to keep the registry clean)."""
    f = FUNCTIONS.get(name)
    if f is None or not f.user:
        raise KeyError(name)
    del FUNCTIONS[name]
    for key in [k for k, v in _FUSED.items() if v == name]:
        del _FUSED[key]
    for table in _SPELLINGS.values():
        for k in [k for k, v in table.items() if v == name]:
            del table[k]


# ------------------------------------------------------------------ what the stages collect

def rewrites() -> list:
    """Every op's own rewrite rows, node ops first, then functions, in registration order."""
    out = []
    for cls in NODE_OPS.values():
        out.extend(getattr(cls, "rewrites", ()))
    for f in FUNCTIONS.values():
        out.extend(f.rewrites)
    return out


def helper_sources() -> dict:
    out = {}
    for cls in NODE_OPS.values():
        out.update(getattr(cls, "helpers", {}))
    for f in FUNCTIONS.values():
        out.update(f.helpers)
    return out


def not_differentiable(message: str):
    """The `jvp` of an op that is constant where it is differentiable (a factorial, an
    indicator of data): no derivative when its argument does not vary, and a located
    ParseError saying `message` when it does."""
    def jvp(node, d):
        if d(node.arg) is None:
            return None
        from ..errors import ParseError
        raise ParseError(message, *node.where)
    return staticmethod(jvp)
