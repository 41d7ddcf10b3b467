"""What each statement of a post is, before anything is lowered.

Contract: pure functions of the syntax tree. A pasted post mixes the formulas that define
the problem with formulas that only talk about it; `kind_of_def(st, declared, dims,
indices)` (the keywords declared as arrays, written as dimensions, used as indices) tells
them apart:

    "claim"         a claimed derivative: ``\\frac{\\partial f}{\\partial x} = ...``,
                    ``\\frac{d}{dx}(...) = ...``, ``\\nabla_x f = ...``, a definition whose
                    value is a derivative (``\\sigma' = \\frac{d\\sigma}{d\\zeta}``), a
                    continued line ``&= ...``; a claimed second derivative
                    (``\\nabla^2 f = ...``, ``\\frac{\\partial^2 f}{\\partial x \\partial
                    x^T} = ...``, ``H = \\nabla^2 f``: `is_second_derivative`), judged by
                    hessian_claims.py
    "differential"  a differential step ``dX = A\\,d\\alpha``
    "relation"      an identity or relation whose left side is not a name (``A:B = ...``),
                    or a value at a point (``x(0) = x_0``)
    "indices"       a relation between indices (``j = k``)
    "symmetry"      a declared matrix said to equal its transpose (``A = A^T``, "A is
                    symmetric"): a property of an input, not its definition
    "function"      a statement about a known function (``\\sigma' = \\sigma - \\sigma^2``)
    "layout"        a vector written as the stack of its parts (``x = [x_1, ..., x_n]``)
    "dimension"     an equation between dimensions (``N = N_p D_p``)
    "update"        a step of an iteration whose value applies the gradient operator
                    (``\\theta^{(t+1)} = \\theta^{(t)} + \\eta \\nabla_\\theta L(\\theta^{(t)})``):
                    what an optimiser does with the objective, not a definition
    None            a definition

`prose_bare(e)` is True for a bare expression that only mentions something (a name, a
derivative, a function applied to names) and so is never the objective.
"""
from __future__ import annotations

import dataclasses

from .. import names, ops
from ..read import syntax as S
from .base import SIGMA_NAMES, walk_syntax

D_WORDS = ("d", "partial")


def _starts_with_d(e) -> bool:
    """``d``, ``\\partial``, ``d\\sigma``, ``\\partial f(x)``, ``\\partial {f_{ij}}``."""
    while isinstance(e, S.BinOp) and e.op == S.MUL:
        e = e.left
    if isinstance(e, S.Apply):
        e = e.func
    return isinstance(e, S.Sym) and e.name in D_WORDS and e.accent is None


def is_derivative(e) -> bool:
    """``\\frac{\\partial f}{\\partial x}``, ``\\frac{d}{dx}``, ``\\frac{dF}{d\\phi}``."""
    return isinstance(e, S.Frac) and _starts_with_d(e.num) and _starts_with_d(e.den)


def has_derivative(e) -> bool:
    return any(is_derivative(n) for n in walk_syntax(e))


def _head(e):
    """The leftmost factor of a product or application: ``\\frac{\\partial}{\\partial W}``
    of ``\\frac{\\partial}{\\partial W}\\log(...)``."""
    while True:
        if isinstance(e, S.BinOp) and e.op in (S.MUL, S.COLON, S.HADAMARD):
            e = e.left
        elif isinstance(e, S.Apply):
            e = e.func
        else:
            return e


def is_gradient(e) -> bool:
    """``\\nabla``, ``\\nabla_x`` (the gradient operator: what follows is a claim)."""
    if isinstance(e, S.Sub):
        e = e.base
    return isinstance(e, S.Sym) and e.name == "nabla"


def is_second_derivative(e) -> bool:
    """``\\nabla^2 f``, ``\\nabla^2_x f(x)``, ``\\frac{\\partial^2 f}{\\partial x \\partial
    x^T}``, ``\\frac{\\partial^2}{\\partial x^2} f`` (a second-derivative operator at the
    head of `e`: what follows is a claimed Hessian, hessian_claims.py)."""
    def squared(x, words):
        if not (isinstance(x, S.Pow) and isinstance(x.exp, S.Num) and x.exp.value == "2"):
            return False
        b = x.base.base if isinstance(x.base, S.Sub) else x.base
        return isinstance(b, S.Sym) and b.name in words and b.accent is None
    h = _head(e)
    if squared(h, ("nabla",)):
        return True
    if isinstance(h, S.Frac):
        num = h.num
        while isinstance(num, S.BinOp) and num.op == S.MUL:
            num = num.left
        return squared(num, D_WORDS)
    return False


def is_update(st) -> bool:
    """Is the definition `st` a step of an iteration: its left side a name with a layer
    superscript (``\\theta^{(t+1)}``), its value the same name at another step and the
    gradient operator (``\\theta^{(t)} + \\eta \\nabla_\\theta L(\\theta^{(t)})``)? (The
    image gradient of ``TV(f) = \\|\\nabla f\\|_{2,1}`` is no such step.)"""
    t = getattr(st, "target", None)
    t = t.base if isinstance(t, S.Sub) else t
    if not (isinstance(st, S.Def) and isinstance(t, S.Sym) and t.layer):
        return False
    parts = [n for v in (st.value,) + tuple(st.middle) for n in walk_syntax(v)]
    return any(is_gradient(n) for n in parts) and any(
        isinstance(n, S.Sym) and n.name == t.name and n.layer and n.layer != t.layer
        for n in parts)


def is_differential(e) -> bool:
    """``dX``, ``d\\lambda``, ``\\partial L`` (a differential, not a name)."""
    return isinstance(e, S.BinOp) and e.op == S.MUL and isinstance(e.left, S.Sym) and \
        e.left.name in D_WORDS and e.left.accent is None


def is_function_name(e, declared) -> bool:
    """A known function's name (``\\sigma``, ``\\sigma'``, ``\\exp``) not declared as a
    variable of the document."""
    if not isinstance(e, S.Sym) or names.keyword_of(e) in declared:
        return False
    base = S.Sym(e.name, e.accent, e.layer, 0)
    if names.keyword_of(base) in declared:
        return False
    return e.name in SIGMA_NAMES or bool(ops.spelled("command", e.name))


def namelike(e) -> bool:
    return isinstance(e, S.Sym) or (isinstance(e, S.Sub) and isinstance(e.base, S.Sym))


def is_dim_expr(e, dims) -> bool:
    """A dimension expression: numbers and dimension names with + - and products."""
    if isinstance(e, S.Num):
        return e.value.isdigit()
    if namelike(e):
        return names.keyword_of(e) in dims
    if isinstance(e, S.BinOp) and e.op in (S.ADD, S.SUB, S.MUL):
        return is_dim_expr(e.left, dims) and is_dim_expr(e.right, dims)
    return False


def dimension_names(statements) -> set:
    """Keywords written where a dimension stands: in the exponent of a space, an index
    range, the bounds of a sum, the size of a ones vector, the declared naturals."""
    out = set()

    def add(e):
        for n in walk_syntax(e):
            if namelike(n):
                kw = names.keyword_of(n)
                if kw is not None:
                    out.add(kw)

    for st in statements:
        if isinstance(st, S.Decl):
            for d in st.space.dims:
                add(d)
            if st.space.kind == "natural" and not st.space.dims:
                for t in st.targets:
                    add(t)
        elif isinstance(st, S.Range):
            add(st.lower)
            add(st.upper)
        for node in _nodes(st):
            if isinstance(node, S.BigOp):
                for b in (node.lower, node.upper):
                    if b is not None:
                        add(b)
            elif isinstance(node, S.Ones) and node.size is not None:
                add(node.size)
    return out


def index_names(statements) -> set:
    """Keywords used as indices: declared ranges and the indices of sums and products."""
    out = set()
    for st in statements:
        if isinstance(st, S.Range):
            out.add(names.keyword_of(st.index))
        elif isinstance(st, S.Decl) and st.space.kind == "range":
            out.update(names.keyword_of(t) for t in st.targets)
        for node in _nodes(st):
            if isinstance(node, S.BigOp):
                out.update(names.keyword_of(i) for i in node.indices)
    out.discard(None)
    return out


def _nodes(st):
    for f in ("value", "target", "middle"):
        v = getattr(st, f, None)
        for x in (v if isinstance(v, tuple) else (v,)):
            if x is not None and hasattr(x, "__dataclass_fields__"):
                yield from walk_syntax(x)


def is_symmetry(st: S.Def, declared) -> bool:
    """``A = A^T`` (``\\boldsymbol{A}=\\boldsymbol{A}^T``) of a declared A, with nothing else
    in the chain: the statement that A is symmetric."""
    kw = names.keyword_of(st.target)
    return st.params is None and not st.middle and kw is not None and kw in declared and \
        isinstance(st.value, S.Transpose) and names.keyword_of(st.value.arg) == kw


def kind_of_def(st: S.Def, declared, dims, indices) -> str | None:
    """What a `Def` statement is (see the module docstring); None for a definition."""
    t = st.target
    if t is None:
        return "claim"                                   # a continued line: &= ...
    if is_differential(t):
        return "differential"
    if is_derivative(_head(t)) or has_derivative(t) or is_gradient(_head(t)) or \
            is_second_derivative(t):
        return "claim"
    if not namelike(t):
        return "relation"
    if any(has_derivative(v) or is_second_derivative(v) for v in (st.value,) + tuple(st.middle)):
        return "claim"
    if is_update(st):
        return "update"
    if is_symmetry(st, declared):
        return "symmetry"
    if is_function_name(t, declared):
        return "function"
    if st.params is not None and not all(namelike(p) for p in st.params):
        return "relation"                                # a value at a point: x(0) = x_0
    kw = names.keyword_of(t)
    if is_layout(st):
        return "layout"
    if kw in indices and st.params is None and (namelike(st.value) or
                                                isinstance(st.value, S.Num)):
        return "indices"                                 # j = k: a relation between indices
    if kw in dims and kw not in declared and st.params is None and is_dim_expr(st.value, dims) \
            and not isinstance(st.value, S.Num):
        return "dimension"
    return None


def matrix_layout(st: S.Def):
    """``\\Sigma = \\begin{pmatrix} s_{11} & \\cdots & s_{1k} \\\\ \\vdots & \\ddots & \\vdots
    \\\\ s_{k1} & \\cdots & s_{kk} \\end{pmatrix}``: a matrix literal with elided entries, all
    the others entries s_{ij} of one name, the first s_{11}: the layout of a matrix of
    named entries, which gives its shape (the last entry's indices). Returns (the target,
    rows, cols) as syntax, or None."""
    v = st.value
    if not (isinstance(v, S.Stack) and v.grid and v.width > 1 and namelike(st.target)
            and any(isinstance(x, S.Dots) for x in v.items)):
        return None
    named = [x for x in v.items if not isinstance(x, S.Dots)]
    if len(named) < 2 or not all(isinstance(x, S.Sub) and isinstance(x.base, S.Sym) and
                                 _entry_pair(x.subs) for x in named):
        return None
    if len({names.keyword_of(x.base) for x in named}) != 1 or \
            names.keyword_of(named[0].base) in (names.keyword_of(st.target), None):
        return None
    first, last = _entry_pair(named[0].subs), _entry_pair(named[-1].subs)
    if not all(isinstance(d, S.Num) and d.value == "1" for d in first):
        return None
    return st.target, last[0], last[1]


def _entry_pair(subs):
    """The (row, column) of an entry's subscript: ``s_{i,j}``, ``s_{1k}`` (two letters or
    digits written together), ``s_{11}`` (two digits); None otherwise."""
    if len(subs) == 2:
        return tuple(subs)
    if len(subs) != 1:
        return None
    x = subs[0]
    if isinstance(x, S.Num) and x.value.isdigit() and len(x.value) == 2:
        return (S.Num(x.value[0], span=x.span), S.Num(x.value[1], span=x.span))
    if isinstance(x, S.BinOp) and x.op == S.MUL and \
            all(isinstance(y, (S.Num, S.Sym)) for y in (x.left, x.right)):
        return (x.left, x.right)
    return None


def is_layout(st: S.Def) -> bool:
    """``x = [x_1, \\dots, x_N]``: a vector written as the stack of its entries (a
    statement about how x is laid out, not a definition). A matrix literal, and a column
    written as an array environment of other things (``v = \\begin{pmatrix} a \\\\ b
    \\end{pmatrix}``), define their name."""
    v = st.value
    if matrix_layout(st) is not None:
        return True
    if not isinstance(v, S.Stack) or v.width != 1:
        return False
    if not v.grid or any(isinstance(x, S.Dots) for x in v.items):
        return True
    kw = names.keyword_of(st.target) if namelike(st.target) else None
    return any(names.keyword_of(x.base if isinstance(x, S.Sub) else x) == kw
               for x in v.items if namelike(x))


def layout_range(st: S.Def):
    """``x = [x_1, \\dots, x_{N_p}]``: (keyword of x, first, last) as syntax, when the
    stack lists members of x by one index from a first to a last; else None."""
    items = st.value.items if isinstance(st.value, S.Stack) else ()
    kw = names.keyword_of(st.target) if namelike(st.target) else None
    members = [x for x in items if not isinstance(x, S.Dots)]
    if kw is None or len(members) < 2 or not any(isinstance(x, S.Dots) for x in items):
        return None
    for m in members:
        if not (isinstance(m, S.Sub) and len(m.subs) == 1 and
                names.keyword_of(m.base) == kw):
            return None
    return kw, members[0].subs[0], members[-1].subs[0]


def _member(e):
    """(base keyword, the member's index syntax) of ``x_1`` or ``x^{(m)}``; else None."""
    if isinstance(e, S.Sub) and isinstance(e.base, S.Sym) and len(e.subs) == 1 and \
            e.base.layer is None:
        return names.keyword_of(e.base), e.subs[0]
    if isinstance(e, S.Sym) and e.layer:
        plain = dataclasses.replace(e, layer=None)
        idx = S.Num(e.layer, span=e.span) if e.layer.isdigit() else S.Sym(e.layer, span=e.span)
        return names.keyword_of(plain), idx
    return None


def listed_members(stmts) -> dict:
    """``x_1, \\dots, x_m \\in \\mathbb{R}^n`` (or ``x^{(1)}, \\dots, x^{(m)}``, or with
    more members before the dots): the statements split at the commas are the members,
    the dots, then the declaration of the last member. Returns {position of that
    declaration: (base keyword, first index, last index)} as syntax: a family of
    last - first + 1 members, each declared as the last one is."""
    out = {}
    for k, st in enumerate(stmts):
        if not (isinstance(st, S.Decl) and len(st.targets) == 1 and k >= 2):
            continue
        last = _member(st.targets[0])
        if last is None or last[0] is None:
            continue
        j, dots, first = k - 1, False, None
        while j >= 0 and isinstance(stmts[j], S.Bare):
            v = stmts[j].value
            if isinstance(v, S.Dots):
                dots = True
            else:
                m = _member(v)
                if m is None or m[0] != last[0]:
                    break
                first = m
            j -= 1
        if dots and first is not None:
            out[k] = (last[0], first[1], last[1])
    return out


def prose_bare(e) -> bool:
    """A bare expression that only mentions something: a name, a number, dots, a
    derivative or differential, a function applied to names (``\\sigma(\\zeta)``)."""
    if namelike(e) or isinstance(e, (S.Num, S.Dots, S.Ones)):
        return True
    if is_derivative(e) or is_differential(e) or is_derivative(_head(e)) or \
            is_gradient(_head(e)):
        return True
    if isinstance(e, S.Apply) and namelike(e.func):
        return all(namelike(a) or isinstance(a, S.Dots) for a in e.args)
    if isinstance(e, S.Transpose):
        return namelike(e.arg)
    return is_ordinal(e)


# the suffixes of an English ordinal written in math: $i^{th}$, $k^{\text{th}}$, $2^{nd}$
ORDINAL_SUFFIXES = ("th", "st", "nd", "rd")


def is_ordinal(e) -> bool:
    """``i^{th}``, ``n^{\text{th}}``, ``1^{st}``: an ordinal in prose (the i-th), not i to
    the power t h."""
    if not isinstance(e, S.Pow) or e.hadamard:
        return False
    if not (isinstance(e.base, S.Num) or (isinstance(e.base, S.Sym) and len(e.base.name) == 1
                                          and e.base.accent is None and e.base.sup is None)):
        return False
    x, text = e.exp, ""
    while isinstance(x, S.BinOp) and x.op == S.MUL and not x.sign and isinstance(x.right, S.Sym):
        text = x.right.name + text
        x = x.left
    if isinstance(x, S.Sym):
        text = x.name + text
    else:
        return False
    return text in ORDINAL_SUFFIXES
