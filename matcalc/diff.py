"""Differentiation: linearise, then transpose across the colon product.

The objective L is defined through a chain of named definitions. Reverse mode over that
chain, done symbolically: the derivation keeps a form ``dL = Σ G_u : du`` over a frontier of
differentials. It repeatedly takes the latest definition v on the frontier, substitutes its
differential ``dv = lin(body_v)`` (each op's differential comes from its block in `ops`), and moves
every linear map across the colon (``G : 𝓛(dX) = 𝓛*(G) : dX``), one named identity per
move, until only differentials of earlier names remain. When the frontier holds only
``dX`` for the variable X, its cotangent is the gradient.

Contract: `differentiate(problem, wrt)` returns `(gradient_node, steps, adjoints)`; the
gradient has the shape of `wrt`, entry [i, j] = ∂L/∂X_ij. Steps are `Step` values holding
IR, rendered by `render`. `adjoints` lists the cotangents that were given a name,
``v̄ = ∂L/∂v``, as (keyword, body, LaTeX) in the order they were made (a body refers to
definitions and to earlier adjoints); `with_adjoints` makes them definitions of the
problem, which is where the gradient and steps look them up.

Named adjoints keep the cost linear. A cotangent that a definition uses more than once
(``s_k = tanh(s_{k-1}) s_{k-1}``, or a layer that feeds both the next layer and the
variable) would otherwise be copied into every use, doubling per level; and a cotangent
that only grows (a product over a chain of layers) would be rebuilt at every level.
Both are named once they are large (SHARED_NAME_SIZE, NAME_SIZE), so small derivations
read exactly as before. The part of a cotangent collected so far is named too when it is
large and stays on the frontier (the variable's does), since every step would print it.

A derivation whose differentials would be too large (MAX_DERIVATION_SIZE, estimated from
the definitions before any is expanded) raises DiffError saying where and why.
"""
from __future__ import annotations

import dataclasses
import functools
import re
from dataclasses import dataclass
from typing import Optional

from . import colon, ir, names, ops
from .ir import Add, Const, Contract, Delta, Dvar, Ref, Var, add, ones
from .rules import Rule
from .refold import in_document_names
from .simplify import simplify, strip_stop_gradients


# The colon moves are rows in colon.MOVES; these rows only name the derivation's own steps.
SUBSTITUTE = Rule("substitute", r"dv = \text{differential of } v\text{'s definition}")
COLLECT = Rule("collect", r"A : dX + B : dX = (A + B) : dX")
RESULT = Rule("gradient", r"dL = G : dX \iff \partial L / \partial X = G")
ADJOINT = Rule("adjoint", r"\bar{v} = \partial L / \partial v \text{ (a name for the cotangent)}")
INNER = Rule("inner-adjoint", r"\bar{v}^{[k]} = \text{the cotangent of a part of the "
             r"definition of } v \text{ that the rest uses twice}")
PARTIAL = Rule("partial-adjoint", r"\bar{v}^{[k]} = \text{the part of } \partial L / \partial v "
               r"\text{ collected so far}")

# A cotangent gets a name from NAME_SIZE distinct IR nodes, or, if the definition uses it
# more than once, from SHARED_NAME_SIZE nodes written out (counted once per use). Every
# derivation of the test corpus and the seeds stays below both (largest: 36 and 79).
NAME_SIZE = 48
SHARED_NAME_SIZE = 96
# ... and, for a result in the document's names, a cotangent that would be written out
# with WRITTEN_NAME_SIZE nodes or more (a shared node once per use) is named too: the
# seed answers' chain of named adjoints (\bar{q} = ..., then ∂KL/∂z in terms of it)
WRITTEN_NAME_SIZE = 64
# The size guard: refuse a derivation whose differentials would be larger than this (see
# `_differential_size`). A product of 36 factors that all vary (size 49,000, 1.5 s in all)
# is about the widest it lets through (a matrix power X^p from |p| = 4 on is one node,
# ops/matpow.py, and counts 1); otherwise a document needs some 50,000 nodes that depend
# on the variable (tens of seconds) to reach it.
MAX_DERIVATION_SIZE = 50_000




def _simplified(fired) -> Rule:
    """The step that shows a simplification: named by the rewrite rules that fired."""
    return Rule("simplify: " + ", ".join(r.name for r in fired),
                r",\quad ".join(r.latex for r in fired))


def _collected(fired) -> Rule:
    """The step that adds the terms of one differential: collect, and the rewrite rules
    that then fired on the sum."""
    if not fired:
        return COLLECT
    return Rule("collect, simplify: " + ", ".join(r.name for r in fired),
                r",\quad ".join([COLLECT.latex] + [r.latex for r in fired]))


@dataclass(frozen=True)
class Step:
    """One line of a derivation: `form` is the current ``dL = Σ G : lin`` as a tuple of
    (cotangent, linear-differential) IR pairs; `rule` names the identity used to reach it;
    `subject` names the definition or variable the step is about (None if none);
    `identities` lists further LaTeX identities used (the differential rules of the ops
    in a substituted definition, the rewrite rules that fired in a simplification);
    `moves` records each colon move the step made as (rule, (g, lin), parts): the row
    that fired, what it was applied to and what it gave (so the step can be replayed)."""
    rule: Rule
    form: tuple
    subject: Optional[str] = None
    identities: tuple = ()
    moves: tuple = ()


class DiffError(Exception):
    """The differentiator met something it has no rule for (raised as MatcalcError by api)."""


def _active_refs(problem, wrt: str) -> set:
    """Names of definitions whose value depends on the variable `wrt` (not through a
    StopGrad)."""
    active = set()
    for name in problem.order:
        body = problem.defs[name]
        if _depends(body, wrt, active):
            active.add(name)
    return active


def _depends(node, wrt, active) -> bool:
    for n in node.deps():
        if (isinstance(n, Var) and n.name == wrt) or (isinstance(n, Ref) and n.name in active):
            if _reachable(node, n):
                return True
    return False


def _reachable(root, target) -> bool:
    """Is `target` below `root` through a path without StopGrad?"""
    stack, seen = [root], set()
    while stack:
        n = stack.pop()
        if n is target:
            return True
        if n.uid in seen or isinstance(n, ops.StopGrad):
            continue
        seen.add(n.uid)
        stack.extend(ir.operands(n))
    return False


def linearise(body, is_active):
    """The differential of `body`: a node linear in Dvar leaves (None if zero).
    `is_active(leaf)` says whether a Var/Ref leaf varies."""
    memo = {}

    def d(node):
        if node.uid in memo:
            return memo[node.uid]
        if isinstance(node, (Var, Ref)):
            out = Dvar(node.name, node.shape) if is_active(node) else None
        elif isinstance(node, (Const, Delta, ir.Mask, Dvar)):
            out = None
        else:
            rule = ops.jvp_rule(node)
            if rule is None:
                raise DiffError(f"no differential rule for {type(node).__name__}")
            out = rule(node, d)
            if out is not None and ir.is_zero(out):
                out = None
        memo[node.uid] = out
        return out

    # children first, iteratively, so deep expressions cannot overflow the stack
    for node in ir.walk(body):
        d(node)
    return d(body)


class Tidier:
    """The simplification context of one differentiation of one problem: the table of
    definition bodies to fold back onto their names, the nodes known to hold none of
    them, and the cotangents already tidied. It lives as long as the differentiation
    that made it (nothing is stored on the Problem, nothing is process-wide)."""

    def __init__(self, problem):
        self.problem = problem
        self.table = {}
        for name in problem.order:
            body = problem.defs[name]
            if not isinstance(body, (Var, Ref, Const)):
                self.table.setdefault(body, Ref(name, body.shape))
        self.done: set = set()       # uids of nodes with nothing to fold below them
        self.tidied: dict = {}       # (uid, inline) -> the tidied node
        self.rewritten: dict = {}    # the simplifier's rewrites, shared by every call
        # the inputs the document declares symmetric (\Sigma \in \mathbb{S}^n, A = A^T) and
        # its definitions symmetric by construction (K = X X^T + \sigma^2 I): Sᵀ = S for
        # them, so the result reads 2Σ⁻¹(μ - x), not (Σ⁻¹ + Σ⁻ᵀ)(μ - x)
        self.symmetric = problem.symmetric_names()

    def simplify(self, node, log=None):
        """`simplify.simplify` in this context: its memo and the symmetric inputs."""
        return simplify(node, log=log, memo=self.rewritten, symmetric=self.symmetric)

    def fold(self, node):
        """Write subexpressions that equal a definition's body as that definition's
        name, so results and steps read in the document's own variables."""
        if not self.table:
            return node
        table, done = self.table, self.done

        def stop(n):
            return n.uid in done and n not in table
        out = ir.transform(node, mapping=table, stop=stop)
        done.update(n.uid for n in ir.walk(out, stop))
        return out

    def tidy(self, node, inline=True, log=None):
        """Simplify `node` over the definition names and, if `inline`, also with the
        definitions inlined (where normalisations and cancellations become visible),
        fold both back onto the document's names, and keep the smaller. Inlining costs
        time linear in the chain, so the derivation does it once, for the result, not at
        every step. A cotangent that did not change is not tidied again."""
        if isinstance(node, (Const, Var, Ref)):
            return node  # nothing to simplify, nothing to fold
        key = (node.uid, inline)
        if key not in self.tidied or log is not None:
            self.tidied[key] = self._tidy(node, inline, log)
        return self.tidied[key]

    def _tidy(self, node, inline, log=None):
        node = strip_stop_gradients(node)
        a = self.fold(self.simplify(self.fold(node), log=log))
        if not inline:
            return a
        try:
            b = self.fold(self.simplify(strip_stop_gradients(inline_refs(self.problem, node))))
        except ir.IRError:
            return a
        # compared as written (a shared node once per use): the inlined form may have
        # fewer distinct nodes and still print as a far longer formula than the one in
        # the document's names
        return b if _written_size(b) < _written_size(a) else a


def inline_refs(problem, node):
    """`node` with every definition name replaced by its body (recursively)."""
    table = {}
    for name in problem.order:
        body = problem.defs[name]
        table[Ref(name, body.shape)] = ir.substitute(body, table) if table else body
    return ir.substitute(node, table)


def tidy(problem, node, inline=True, log=None):
    """`Tidier(problem).tidy(node, ...)`: one node tidied in a context of its own."""
    return Tidier(problem).tidy(node, inline, log)


def differentiate(problem, wrt: str, record_steps: bool = True):
    """Reverse sweep over problem's definitions; see the module docstring."""
    objective = problem.objective
    ctx = Tidier(problem)
    wrt_is_def = wrt in problem.defs
    active = _active_refs(problem, wrt) if not wrt_is_def else \
        _active_refs_through(problem, wrt)
    obj_shape = problem.defs[objective].shape

    def is_active(leaf):
        if isinstance(leaf, Var):
            return leaf.name == wrt
        return leaf.name in active

    steps, adjoints = [], []
    if objective == wrt:
        g = ones(obj_shape)
        return g, [Step(RESULT, ((g, Dvar(wrt, obj_shape)),), wrt)], adjoints
    if objective not in active:
        shape = problem.shape_of(wrt)
        g = ir.zeros(shape)
        return g, [Step(RESULT, ((g, Dvar(wrt, shape)),), wrt)], adjoints

    # frontier: ordered dict name -> cotangent
    frontier = {objective: ones(obj_shape)}
    total = 0  # the differentials' size so far (the size guard)
    position = {name: i for i, name in enumerate(problem.order)}

    def form():
        return tuple((frontier[n], Dvar(n, problem.shape_of(n))) for n in
                     sorted(frontier, key=lambda n: -position.get(n, -1)))

    while True:
        pending = [n for n in frontier if n != wrt]
        if not pending:
            break
        v = max(pending, key=lambda n: position[n])
        g = frontier.pop(v)
        size, widest = _differential_size(problem.defs[v], is_active)
        total += size
        if total > MAX_DERIVATION_SIZE:
            raise DiffError(_too_large(problem, v, wrt, total, widest))
        lin = linearise(problem.defs[v], is_active)
        if lin is None:
            continue
        if _worth_naming(g, _copies(lin)) or (_reshaped(lin) and not isinstance(g, (Const, Ref, Var))):
            name, latex = _adjoint_name(problem, v, adjoints)
            adjoints.append((name, g, latex))
            g = Ref(name, g.shape)
            if record_steps:
                steps.append(Step(ADJOINT, _with(form(), [(g, Dvar(v, g.shape))]), name))
        terms = [(g, ctx.fold(lin))]
        if record_steps:
            ids = tuple(dict.fromkeys(i for n in ir.walk(problem.defs[v])
                                      if (i := ops.jvp_identity(n)) and _is_active_node(n, is_active)))
            steps.append(Step(SUBSTITUTE, _with(form(), terms), v, ids))
        # move the colon until every term is (cotangent, Dvar)
        while any(not isinstance(lin_, Dvar) for _, lin_ in terms):
            raw, new_terms, moves, fired = [], [], [], []
            for g_, lin_ in terms:
                moved = colon.move(g_, lin_)
                if moved is None:
                    raw.append((g_, lin_))
                    new_terms.append((g_, lin_))
                else:
                    rule, parts = moved
                    moves.append((rule, (g_, lin_), tuple(parts)))
                    log = [] if record_steps else None
                    raw.extend(parts)
                    new_terms.extend((ctx.tidy(gg, inline=False, log=log), ll)
                                     for gg, ll in parts)
                    fired.extend(log or ())
            terms = _merged(new_terms)
            for k, (g_, lin_) in enumerate(terms):
                # a sum of cotangents that the rest of the body copies again (T² inside
                # T²): named, so that it is written once, not once per copy
                if isinstance(g_, Add) and not isinstance(lin_, Dvar) and \
                        len(g_.shape) <= 2 and _worth_naming(g_, _copies(lin_) + 1):
                    kw, latex = _partial_name(problem, v, adjoints)
                    adjoints.append((kw, g_, latex))
                    terms[k] = (Ref(kw, g_.shape), lin_)
                    if record_steps:
                        steps.append(Step(INNER, _with(form(), terms), kw))
            rules = [m[0] for m in moves]
            if record_steps and set(r.name for r in rules) != {"linearity"}:
                rule = rules[0] if len(set(rules)) == 1 else Rule(
                    "+".join(dict.fromkeys(r.name for r in rules)),
                    r",\quad ".join(dict.fromkeys(r.latex for r in rules)))
                fired = list(dict.fromkeys(fired))
                # the move as it came out of its row, then the rewrites that tidied it
                steps.append(Step(rule, _with(form(), raw if fired else terms), v,
                                  moves=tuple(moves)))
                if fired:
                    steps.append(Step(_simplified(fired), _with(form(), terms), v,
                                      moves=tuple((r, None, None) for r in fired)))
        incoming = {}
        for g_, dv in terms:
            incoming.setdefault(dv.name, []).append(g_)
        for name, gs in incoming.items():
            # one sum per name: adding the terms one at a time is quadratic in their number
            gs = [frontier[name]] + gs if name in frontier else gs
            frontier[name] = add(gs) if len(gs) > 1 else gs[0]
        log = [] if record_steps and len(terms) > 1 else None
        for name in list(frontier):
            frontier[name] = ctx.tidy(frontier[name], inline=False, log=log)
        if log is not None:
            # the terms added, then what that let the simplifier do (Xᵀa - Xᵀb = Xᵀ(a - b))
            fired = list(dict.fromkeys(log))
            steps.append(Step(_collected(fired), form(), v,
                              moves=tuple((r, None, None) for r in fired)))
        # a large cotangent that stays on the frontier (the variable's, above all) would be
        # printed in every step from here on: name the part collected so far
        upcoming = max((n for n in frontier if n != wrt), key=position.get, default=None)
        for name in incoming if upcoming is not None else ():
            # (a cotangent of more than two axes, a family's, has no matrix form to print
            # in a where-clause that reads back: it stays written out where it is used)
            if name != upcoming and len(frontier[name].shape) <= 2 and \
                    _worth_naming(frontier[name], 1):
                kw, latex = _partial_name(problem, name, adjoints)
                adjoints.append((kw, frontier[name], latex))
                frontier[name] = Ref(kw, frontier[name].shape)
                if record_steps:
                    steps.append(Step(PARTIAL, form(), kw))
    g = frontier.get(wrt, ir.zeros(problem.shape_of(wrt)))
    if isinstance(g, Ref) and adjoints and adjoints[-1][0] == g.name:
        g = adjoints[-1][1]  # the result is the last partial sum: write it out
    g = ctx.tidy(g)
    g, through = in_document_names(problem, g, ctx)
    if record_steps and through:
        steps.append(Step(_through_rule(problem, through),
                          ((g, Dvar(wrt, problem.shape_of(wrt))),), wrt))
    if record_steps:
        steps.append(Step(RESULT, ((g, Dvar(wrt, problem.shape_of(wrt))),), wrt))
    return g, steps, adjoints


def _merged(terms) -> list:
    """Terms G₁ : 𝓛(dX), G₂ : 𝓛(dX) on the same linear differential (one node: the IR is
    hash-consed) as one term (G₁ + G₂) : 𝓛(dX), in the place of the first. A differential
    used twice in a body (dY Y + Y dY of Y = T², with dT inside dY) would otherwise carry
    each cotangent down the rest of the chain separately: the terms, and the result
    written out, doubling at every such level inside one definition. Terms on a bare dX
    are left to the collect step, which shows the sum."""
    if len({lin.uid for _, lin in terms}) == len(terms):
        return terms
    order, gs = {}, {}
    for k, (g, lin) in enumerate(terms):
        key = ("dX", k) if isinstance(lin, Dvar) else lin.uid    # dX: the collect step's
        order.setdefault(key, lin)
        gs.setdefault(key, []).append(g)
    return [(add(gs[u]) if len(gs[u]) > 1 else gs[u][0], lin) for u, lin in order.items()]


def _through_rule(problem, names) -> Rule:
    """The step that wrote the result through the document's definitions `names`."""
    spelled = r",\ ".join(problem.latex.get(n, n) for n in names)
    return Rule("definitions", rf"{spelled} \text{{as the document defines them}}")


def _differential_size(body, is_active) -> tuple:
    """(size, widest product) of the differential of `body`, before it is built. The
    product rule turns a product of k factors, a of which vary, into a terms of k
    factors, and moving the colon across each and reading it back in matrix notation
    costs time growing with k: such a product counts a·k²; any other varying node, 1.
    The widest product is (k, a) of the one that counts most (None if none)."""
    active, size, widest = {}, 0, None
    for n in ir.walk(body):
        if isinstance(n, (Var, Ref)):
            active[n.uid] = is_active(n)
        elif isinstance(n, ops.StopGrad):
            active[n.uid] = False
        else:
            active[n.uid] = any(active[c.uid] for c in ir.operands(n))
        if not active[n.uid]:
            continue
        if isinstance(n, Contract):
            k, a = len(n.ops), sum(active[c.uid] for c in n.ops)
            size += a * k * k
            if widest is None or a * k * k > widest[1] * widest[0] ** 2:
                widest = (k, a)
        else:
            size += 1
    return size, widest


def _too_large(problem, v, wrt, total, widest) -> str:
    name = problem.latex.get(v, v)
    msg = (f"this derivation is too large: by the definition of {name} its differentials "
           f"would have size {total:,} (the limit is {MAX_DERIVATION_SIZE:,}; a product of k "
           f"factors, a of which depend on {problem.latex.get(wrt, wrt)}, counts a·k², since "
           f"the product rule makes a terms of k factors)")
    if widest is not None and widest[1] * widest[0] ** 2 > MAX_DERIVATION_SIZE // 10:
        k, a = widest
        return msg + (f"; {name} holds a product of {k} factors, {a} of which vary. Split "
                      f"the product into named definitions (or write a repeated factor as a "
                      f"matrix power X^p, whose derivative is one term).")
    return msg + ". The document is too large to derive at once."


def _copies(lin) -> int:
    """How many colon terms moving every linear map of `lin` across the colon makes: the
    number of times the cotangent is copied into the next terms."""
    count = {}
    for n in ir.walk(lin):
        if isinstance(n, Dvar):
            count[n.uid] = 1
        elif isinstance(n, (Add, Contract)) or hasattr(ops.NODE_OPS.get(type(n)), "adjoint"):
            count[n.uid] = sum(count[c.uid] for c in ir.operands(n))
        else:
            count[n.uid] = 0
    return count[lin.uid]


def _worth_naming(g, copies: int) -> bool:
    """Would writing the cotangent `g` out swell the derivation (see the module
    docstring)? A leaf or a constant never does."""
    if isinstance(g, (Const, Ref, Var)):
        return False
    written = _written_size(g)
    return ir.count_nodes(g) >= NAME_SIZE or written >= WRITTEN_NAME_SIZE or \
        (copies > 1 and written >= SHARED_NAME_SIZE)


def _reshaped(lin) -> bool:
    """Does the differential reshape (a vector read by two indices, a_{i,j})? Its cotangent
    is then named, so that the entries of the result read ā_{i,j}, not vec(…)_{ij}."""
    return any(isinstance(n, ops.Reshape) for n in ir.walk(lin))


def _written_size(node) -> int:
    """The number of nodes of `node` written out as a tree (a shared node once per use).
    Kept on each node it sizes (nodes never change), so sizing a result that shares
    subtrees with one sized before walks only the new nodes."""
    def known(n):
        return "_written" in n.__dict__
    if not known(node):
        for n in ir.walk(node, known):
            if not known(n):
                n.__dict__["_written"] = 1 + sum(c.__dict__["_written"] for c in ir.operands(n))
    return node.__dict__["_written"]


def _adjoint_name(problem, v: str, adjoints) -> tuple:
    """(keyword, LaTeX) of the adjoint v̄ = ∂L/∂v: a bar on the first letter of v's name
    (``\\bar{h}_{3}``), over the whole name where that reads badly or is taken."""
    taken_kw = set(problem.inputs) | set(problem.defs) | {a[0] for a in adjoints} | \
        {str(d) for d in problem.dims}
    taken = _taken_names(problem, adjoints)
    kw = v + "_bar"
    while kw in taken_kw:
        kw += "_"
    # 𝑥 as printed (\text{𝑥}): a bar over the bare character would not read back
    latex = names.printed_latex(problem.latex.get(v, v))
    m = re.fullmatch(r"(\\[A-Za-z]+|[A-Za-z])((?:[_^'].*)?)", latex)
    if m and not m.group(1).startswith(("\\mathrm", "\\hat", "\\bar", "\\tilde")):
        bar = rf"\bar{{{m.group(1)}}}{m.group(2)}"
    else:
        bar = rf"\overline{{{latex}}}"
    while taken(bar):
        bar = rf"\overline{{{bar}}}"
    return kw, bar


def _partial_name(problem, u: str, adjoints) -> tuple:
    """(keyword, LaTeX) of the k-th partial sum of u's cotangent, ``{\\bar{A}}^{[k]}``."""
    k = 1 + sum(1 for a in adjoints if re.fullmatch(re.escape(u) + r"_bar\d+_*", a[0]))
    taken_kw = set(problem.inputs) | set(problem.defs) | {a[0] for a in adjoints}
    kw = f"{u}_bar{k}"
    while kw in taken_kw:
        kw += "_"
    # a name the reader reads back (a check of the printed result): \bar{A}^{(k)}, or
    # \bar{W}^{(1)}_{k} where the name has a superscript already; {\bar{A}}^{[k]} if neither
    base = _adjoint_name(problem, u, [])[1]
    taken = _taken_names(problem, adjoints)
    if "^" not in base:
        latex = rf"{base}^{{({k})}}"
    elif "_" not in base:
        latex = rf"{base}_{{{k}}}"
    else:
        latex = rf"{{{base}}}^{{[{k}]}}"
    while taken(latex):
        latex += "'"
    return kw, latex


def _taken_names(problem, adjoints):
    """Is a LaTeX name taken for a new adjoint? It is when it is spelled as a name of the
    document or an adjoint already made, or when the reader reads it as one of them: the
    printed where-clause is read back by check() (``\\bar{A}^{(1)}'`` is the document's
    ``\\bar{A}'^{(1)}``), and a name read as the document's would redefine it there."""
    spelled = set(problem.latex.values()) | {a[2] for a in adjoints}
    meant = set(problem.latex) | set(problem.inputs) | set(problem.defs) | \
        {str(d) for d in problem.dims} | {_read_back(a[2]) for a in adjoints}
    meant.discard(None)
    return lambda latex: latex in spelled or _read_back(latex) in meant


@functools.lru_cache(maxsize=4096)
def _read_back(latex: str):
    """The keyword of the one name `latex` reads as (``\\overline{\\bar{x}}`` -> x_bar_bar),
    or None when it does not read as a name. Pure, so remembered."""
    from .errors import MatcalcError
    from .read import syntax as S
    from .read.parse import parse        # the reader, imported only when a name is made
    try:
        stmts = parse(latex + " = 0").statements
    except MatcalcError:
        return None
    if len(stmts) != 1 or not isinstance(stmts[0], S.Def) or stmts[0].params is not None:
        return None
    return names.keyword_of(stmts[0].target)


def with_adjoints(problem, adjoints):
    """`problem` with the named adjoints as definitions after its own (so rendering
    prints their names and code generation computes them, in order)."""
    if not adjoints:
        return problem
    defs, order, latex = dict(problem.defs), list(problem.order), dict(problem.latex)
    for name, body, tex in adjoints:
        defs[name] = body
        order.append(name)
        latex[name] = tex
    extended = dataclasses.replace(problem, defs=defs, order=order, latex=latex)
    extended.adjoints = [a[0] for a in adjoints]
    return extended


def _with(form, terms):
    return tuple(terms) + tuple(form)


def _is_active_node(node, is_active) -> bool:
    return any((isinstance(n, (Var, Ref)) and is_active(n)) for n in node.deps())


def _active_refs_through(problem, wrt_def: str) -> set:
    """Active definitions when differentiating wrt a definition (treated as a leaf)."""
    active = {wrt_def}
    for name in problem.order:
        if name == wrt_def:
            continue
        body = problem.defs[name]
        if any(isinstance(n, Ref) and n.name in active and _reachable(body, n) for n in body.deps()):
            active.add(name)
    return active
