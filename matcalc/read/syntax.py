"""The syntax tree: what `parse` returns and `lower` consumes.

Contract: nodes are frozen dataclasses; every node has a `span` (1-based line/column of the
original text, before macro expansion; a node produced by a macro carries the span of the
macro call). The tree records what was written, resolving nothing: whether `x_i` is an entry
or a name, whether `\\sigma` is the logistic function or a declared scalar, whether `W(x+b)`
is a product or a call, whether `X^{-1}` is an inverse or a reciprocal — all of that is
decided by `lower`, which knows the declarations.

Names: font commands (``\\mathbf{w}``, ``{\\rm w}``, ``\\boldsymbol``) are dropped, so
``\\mathbf w`` and ``w`` are the same `Sym`. Greek letters keep their command name without
the backslash (``\\alpha`` -> ``"alpha"``); ``\\text{KL}`` gives ``"KL"``.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Optional, Tuple, Union


@dataclass(frozen=True)
class Span:
    line: int
    column: int
    end_line: int
    end_column: int  # exclusive

    def cover(self, other: "Span") -> "Span":
        a = min((self.line, self.column), (other.line, other.column))
        b = max((self.end_line, self.end_column), (other.end_line, other.end_column))
        return Span(a[0], a[1], b[0], b[1])


NOSPAN = Span(0, 0, 0, 0)


# ---------------------------------------------------------------- expressions

@dataclass(frozen=True)
class Num:
    """A numeric literal as written: "2", "0.5". `written` is False for a number put in
    place of a sum's index when the sum is unrolled (``X^{k}`` at k = 0 is the power 0,
    never the name X^0)."""
    value: str
    span: Span = field(default=NOSPAN, compare=False)
    written: bool = field(default=True, compare=False)


@dataclass(frozen=True)
class Sym:
    """A name. `name` is a letter ("x"), a Greek command without backslash ("alpha"), or a
    word from ``\\text{KL}`` / ``\\operatorname{foo}`` that is not a known function.
    `accent` is "hat" | "bar" | "tilde" | "dot" | "vec" | "check" | None, or a script font
    "cal" | "scr" | "frak" | "bb" where read/scripts.py makes ``\\mathcal{V}`` a name of its
    own beside ``V`` (elsewhere a script letter is the plain name, DESIGN.md).
    `layer` is the text of a parenthesised superscript, ``a^{(2)}`` -> "2".
    `primes` counts trailing primes: ``s'`` -> 1.
    `sup` is a letter superscript that is part of the name, ``W^Q`` -> "Q": the parser
    writes ``W^Q`` as a power; lower makes it a name where it cannot be one (a declaration's
    target, or a use of a name so declared).
    `via` is the letter of a nested subscript a family is indexed through: lower reads
    ``v'_{w_k}`` in a sum over k as member k of the family ``Sym("v", primes=1, via="w")``
    (`lower/viafamily.py`); the parser never sets it."""
    name: str
    accent: Optional[str] = None
    layer: Optional[str] = None
    primes: int = 0
    span: Span = field(default=NOSPAN, compare=False)
    sup: Optional[str] = None
    via: Optional[str] = None


@dataclass(frozen=True)
class Sub:
    """A subscripted expression: ``x_i``, ``A_{ij}``, ``A_{i,j}``, ``k_2``, ``E_{max}``,
    ``[t_k]_{i,j}``, ``S'_{ik}``, ``\\delta_{ik}``. `subs` has one item per top-level comma
    of the subscript; ``{ij}`` and ``{max}`` are each ONE item, a `Mul` chain of `Sym`s
    (lower decides whether that is two indices or part of a name)."""
    base: "Expr"
    subs: Tuple["Expr", ...]
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Ones:
    """The all-ones vector ``\\mathbf{1}``, ``\\mathbf{1}_n``, ``1_n``; `size` is the
    subscript (None when absent: the size is inferred)."""
    size: Optional["Expr"] = None
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Neg:
    arg: "Expr"
    span: Span = field(default=NOSPAN, compare=False)


# BinOp.op values
ADD, SUB, MUL, HADAMARD, HDIV, COLON, DIV = "+", "-", "mul", "hadamard", "hdiv", "colon", "/"


@dataclass(frozen=True)
class BinOp:
    """`op` is one of: "+", "-", "mul" (juxtaposition, ``*``, ``\\cdot``, ``\\times``
    between operands), "hadamard" (``\\odot``, ``\\circ``), "hdiv" (``\\oslash``),
    "colon" (``A : B``, and the inner product ``\\langle a, b \\rangle``), "/" (a slash).
    `sign` is the product sign written for "mul": "cdot", "times", "*", or "" for
    juxtaposition (``a \\cdot b`` of two vectors is their dot product); for "colon" it is
    ":" for a colon written bare (a sum around it may be split: lower/colonchain.py),
    "()" for one in brackets of its own, "" for ``\\langle a, b \\rangle``."""
    op: str
    left: "Expr"
    right: "Expr"
    span: Span = field(default=NOSPAN, compare=False)
    sign: str = field(default="", compare=False)


@dataclass(frozen=True)
class Frac:
    """``\\frac{a}{b}``, ``\\tfrac``, ``\\dfrac``, ``\\frac12``."""
    num: "Expr"
    den: "Expr"
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Pow:
    """``x^2``, ``X^{-1}``, ``e^{-\\lambda}``, ``(1+u)^{-\\frac{\\nu+1}{2}}``; `hadamard` for
    the entrywise power ``X^{\\circ p}``. Transposes and layer superscripts are NOT Pow."""
    base: "Expr"
    exp: "Expr"
    hadamard: bool = False
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Transpose:
    """``^T``, ``^\\top``, ``^{\\mathsf T}``, ``^\\intercal``, ``^{T}``."""
    arg: "Expr"
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Call:
    """A known function applied to arguments. `func` is a canonical function word:
    "exp", "log", "sigma" (``\\sigma``, ``sigm``, ``sigmoid``, ``\\hat\\sigma``), "tanh",
    "sqrt", "softplus", "softmax", "tr" (Tr, tr, Trace, trace), "det", "logdet"
    (``\\log\\det`` written together), "Diag" (capital: vector -> diagonal matrix),
    "diag" (lower case, as written), "sg" (stop-gradient), "abs".
    `primes` is the derivative order written (``\\sigma'`` -> 1).
    `accent` keeps ``\\hat\\sigma`` -> "hat" (same function, recorded for rendering).
    Functions written without parentheses (``\\log x``, ``\\det X``, ``\\exp(-z)``,
    ``\\log\\frac{p}{q}``) take the next factor (an atom with its postfixes) as argument.
    ``\\sigma`` alone is NOT a Call: it is a `Sym` or an `Apply` (it may be a variable).
    `bare` says the argument was written without parentheses of the function's own;
    `glued` that it is a number with \\pi glued after it, taken whole (``\\log 2\\pi``, noted)."""
    func: str
    args: Tuple["Expr", ...]
    primes: int = 0
    accent: Optional[str] = None
    span: Span = field(default=NOSPAN, compare=False)
    bare: bool = field(default=False, compare=False)
    glued: bool = field(default=False, compare=False)   # \log 2\pi: the product taken


@dataclass(frozen=True)
class Apply:
    """A name directly followed by a parenthesised argument list: ``\\sigma(z)``,
    ``f(X)``, ``W(x+b)``, ``g_{i,j}(f)``. `func` is a Sym or Sub. Lower decides between a
    call and a product. `lead` is the number of arguments written before a ``;``
    (``g(z; \\gamma, \\beta)``: 1), None when the list has no ``;``."""
    func: "Expr"
    args: Tuple["Expr", ...]
    span: Span = field(default=NOSPAN, compare=False)
    lead: Optional[int] = field(default=None, compare=False)


@dataclass(frozen=True)
class SetOf:
    """``\\{W_\\ell, \\gamma_\\ell\\}_{\\ell=1}^3``, a set of names written as the argument of
    an application, ``L(\\{W_\\ell, \\gamma_\\ell\\}_{\\ell=1}^3)``. On a left side it lists
    the names the definition depends on (`Def.params` holds its items); anywhere else lower
    refuses it. `index`, `lower`, `upper` are the range written after it, if any."""
    items: Tuple["Expr", ...]
    index: Optional["Expr"] = None
    lower: Optional["Expr"] = None
    upper: Optional["Expr"] = None
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Norm:
    """``\\|x\\|``, ``||x||``, ``\\|X\\|_F``, ``\\|x\\|_2`` (kind "norm"), ``|x|`` (kind
    "abs"). `sub` is the written subscript (Num 2, Sym F) or None. A power after the
    closing bar (``\\|x\\|^2``, ``\\|x\\|_2^2``) is a Pow around the Norm."""
    arg: "Expr"
    sub: Optional["Expr"] = None
    kind: str = "norm"
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class BigOp:
    """``\\sum`` / ``\\prod`` (kind "sum" | "prod") over `indices` with optional bounds.
    ``\\sum_{i=1}^{n}`` -> indices (i,), lower Num 1, upper n. ``\\sum_{i,j}`` -> (i, j),
    no bounds. ``\\sum_{j'}`` -> (Sym j primes=1,). ``\\sum^{K_2}_{k_2=1}`` (either order).
    ``\\sum_{j=N+1}^{N+M}``. Indices are Sym or Sub (``k_2``, ``n_p``). ``\\sum_{i<j}`` ->
    indices (i,), compare ("<", j).
    `body` is the product term that follows, up to the next top-level + or - (or ``:``,
    closing bracket, end). `over` is the set the indices run over, as written
    (``\\sum_{j \\in C_i}``: Sub C_i; ``\\sum_{(i,j)\\in\\Omega}``: indices (i, j) over Omega);
    `excluded` is the value the one index skips (``\\sum_{j \\ne i}``: Sym i). Neither has
    bounds. What a set is, lower decides (`lower/setsums.py`)."""
    kind: str
    indices: Tuple["Expr", ...]
    lower: Optional["Expr"]
    upper: Optional["Expr"]
    body: "Expr"
    span: Span = field(default=NOSPAN, compare=False)
    written: str = field(default="", compare=False)   # "Sigma": written \Sigma_{i=0}^n
    over: Optional["Expr"] = None
    excluded: Optional["Expr"] = None
    # \sum_{i<j}: (relation "<" | "<=" | ">" | ">=", the other index's expression), the
    # index in `indices` on the left; lowering reads it as a pair of sums or a bound
    compare: Optional[tuple] = field(default=None, compare=False)
    # a condition part of a domain (read/sumdomain.py), merged by build into its binding
    part: bool = field(default=False, compare=False)
    # the domain as written where a convention read it (``j \\in [N]``: 1..N), for a note
    domain: str = field(default="", compare=False)


@dataclass(frozen=True)
class Stack:
    """A bracketed list ``[x_1, ..., x_{N_p}]`` or a one-column ``array`` environment:
    items stacked into a vector. `Dots` items stand for the elided run. A matrix literal
    (``\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}``) has `width` > 1: its items are
    the entries row by row, `width` to a row (one row: a row vector)."""
    items: Tuple["Expr", ...]
    span: Span = field(default=NOSPAN, compare=False)
    width: int = 1
    grid: bool = field(default=False, compare=False)   # an array environment, not [a, b]


@dataclass(frozen=True)
class Dots:
    """``\\dots``, ``\\ldots``, ``\\cdots``, ``\\vdots``, ``...``."""
    span: Span = field(default=NOSPAN, compare=False)


Expr = Union[Num, Sym, Sub, Ones, Neg, BinOp, Frac, Pow, Transpose, Call, Apply, SetOf, Norm,
             BigOp, Stack, Dots]


# ---------------------------------------------------------------- statements

@dataclass(frozen=True)
class Space:
    """The set after ``\\in``. kind: "real" (``\\mathbb{R}``, ``R``), "natural"
    (``\\mathbb{N}``, ``\\mathbb{N}_0``, ``\\mathbb{N_0}``, ``\\mathbb{Z}``), "binary"
    (``\\{0,1\\}``), "range" (``\\{1, ..., K\\}``: then `dims` is (lower, upper)).
    For the others `dims` are the factors of the exponent: ``R^{n \\times d}`` -> (n, d),
    ``R^K`` -> (K,), ``R`` -> ()."""
    kind: str
    dims: Tuple[Expr, ...]
    span: Span = field(default=NOSPAN, compare=False)
    # the positive reals, \mathbb{R}_+ / \mathbb{R}^+ (a sign: the shape is that of R)
    positive: bool = field(default=False, compare=False)
    # the symmetric matrices, \mathbb{S}^n (also _+, _{++}): read as R^{n x n}, symmetric
    symmetric: bool = field(default=False, compare=False)


@dataclass(frozen=True)
class Decl:
    """``W \\in \\mathbb{R}^{n\\times d}``; ``\\alpha, \\beta \\in \\mathbb{R}``;
    ``z_i \\in \\mathbb{R}^d`` (a family member: target is a Sub); ``k_2 \\in \\{1,...,K_2\\}``
    (an index range: space.kind == "range"). `relation` "=" for the set of values written
    with '=' (``y_i = \\{0, 1\\}``)."""
    targets: Tuple[Expr, ...]
    space: Space
    span: Span = field(default=NOSPAN, compare=False)
    relation: str = field(default="in", compare=False)


@dataclass(frozen=True)
class Sign:
    """``\\sigma > 0``, ``\\alpha, \\beta \\geq 0``: the names are positive (`relation` ">"
    or ">="). A sign, not a declaration: the shape comes from elsewhere (lower reads it)."""
    targets: Tuple[Expr, ...]
    relation: str
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Range:
    """``i = 1,\\dots,n`` (and ``i = 1, ..., n``): index `index` runs lower..upper."""
    index: Expr
    lower: Expr
    upper: Expr
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Def:
    """``name = expr``, ``name := expr``, ``f(X) = expr``, ``K_{ij} = ...``,
    ``f_{i,j}(\\alpha,\\beta) := ...``, ``\\text{KL}(P||Q) = ...``.
    `target` is the left side as written with any parameter list split off into `params`
    (None when there was none). Chained equalities ``f(x) = f([x_1..]) = \\sum ...`` keep
    the first side as target, the last as value and the middle ones in `middle`.
    A row that starts with ``&=`` (a continuation of the previous derivation line) has
    target None. `set_params` marks parameters written as a set of names,
    ``L(\\{W_\\ell, b_\\ell\\}_{\\ell=1}^3) := ...`` (they have no order). `lead`: the
    number of parameters before a ``;`` (``g_\\ell(z; \\gamma_\\ell, \\beta_\\ell)``: 1, the
    arguments; those after it are the definition's own parameters), None without one. Left sides such as ``d\\lambda`` or ``\\frac{\\partial L}{\\partial W}``
    are kept as written (lower treats them as claims, not definitions)."""
    target: Optional[Expr]
    params: Optional[Tuple[Expr, ...]]
    value: Expr
    middle: Tuple[Expr, ...] = ()
    span: Span = field(default=NOSPAN, compare=False)
    set_params: bool = field(default=False, compare=False)
    lead: Optional[int] = field(default=None, compare=False)


@dataclass(frozen=True)
class Bare:
    """An expression standing alone (e.g. the objective written last)."""
    value: Expr
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Hold:
    """``p \\text{ constant}`` (also ``\\text{const}``, ``\\text{is constant}``): p is held
    constant (no gradient flows through it)."""
    target: Expr
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Rename:
    """``\\big(I \\to A, N \\to n\\big)`` ("rename some variables"): from here on `new` names
    what `old` named (its declaration, or the dimension)."""
    old: Expr
    new: Expr
    span: Span = field(default=NOSPAN, compare=False)


@dataclass(frozen=True)
class Unreadable:
    """A fragment of a post (a math region, or one clause of it) that cannot be read:
    its `error` (a ParseError), and the names it looks like it defines or declares (read
    from the text before its first ``=`` or ``\\in``), so that lowering can tell whether the
    document needs it. Only `matcalc.read.parse.read` makes these; `parse` raises."""
    error: object = field(compare=False)
    defines: Tuple[Expr, ...] = ()
    declares: Tuple[Expr, ...] = ()
    span: Span = field(default=NOSPAN, compare=False)
    # the function inside an optimisation operator (read/optimum.py): the objective, if
    # none is named, so it is refused rather than skipped
    minimand: bool = False


@dataclass(frozen=True)
class Optimum:
    """An objective written inside an optimisation operator: ``\\min_{x} f``,
    ``\\max_{\\mathbf{w}} f``, ``\\min_{X \\text{ orthogonal}} f``, ``\\operatorname{argmin}_{x,y} f``,
    ``x^* = \\arg\\min_x f`` (read/optimum.py). `kind` is "min" | "max" | "argmin" |
    "argmax", `variables` the optimisation variables (names, as written under the
    operator), `value` the minimand (or maximand), `solution` what the optimum is stated
    for (``x^*``, the starred names, or the left side written before ``=``): never a
    definition. Conditions under the operator and constraints after it are notes."""
    kind: str
    variables: Tuple[Expr, ...]
    value: Expr
    solution: Tuple[Expr, ...] = ()
    span: Span = field(default=NOSPAN, compare=False)


Stmt = Union[Decl, Sign, Range, Def, Bare, Hold, Rename, Unreadable, Optimum]


@dataclass(frozen=True)
class Document:
    """A parsed document: statements in source order, the original source text (for
    error excerpts), `notes` (`matcalc.notes.Note`) on what the reader left out, and
    `implied`: equations stated after ``\\Rightarrow`` (`read.implied`), not statements.
    `undelimited`: the spans of the TeX read as math in running text (read/lost.py)."""
    statements: Tuple[Stmt, ...]
    source: str = field(default="", compare=False, repr=False)
    notes: tuple = field(default=(), compare=False, repr=False)
    implied: tuple = field(default=(), compare=False, repr=False)
    undelimited: tuple = field(default=(), compare=False, repr=False)


# ---------------------------------------------------------------- walking a tree

def walk(node):
    """Every syntax node below `node` (included), depth first; spans are not nodes."""
    stack = [node]
    while stack:
        n = stack.pop()
        yield n
        for f in getattr(n, "__dataclass_fields__", {}):
            v = getattr(n, f)
            if isinstance(v, tuple):
                stack.extend(x for x in v if hasattr(x, "__dataclass_fields__"))
            elif hasattr(v, "__dataclass_fields__") and not isinstance(v, Span):
                stack.append(v)


def children(node):
    """The syntax nodes directly below `node`, in field order (spans are not nodes)."""
    for f in dataclasses.fields(node):
        v = getattr(node, f.name)
        for x in (v if isinstance(v, tuple) else (v,)):
            if dataclasses.is_dataclass(x) and not isinstance(x, Span):
                yield x


def rebuilt(node, fn):
    """`node` with each child c (see `children`) replaced by fn(c); `node` itself, not a
    copy, when fn returns every child unchanged (by identity)."""
    if not dataclasses.is_dataclass(node) or isinstance(node, Span):
        return node
    changes = {}
    for f in dataclasses.fields(node):
        v = getattr(node, f.name)
        if isinstance(v, tuple):
            nv = tuple(fn(x) if dataclasses.is_dataclass(x) and not isinstance(x, Span)
                       else x for x in v)
            if any(a is not b for a, b in zip(nv, v)):
                changes[f.name] = nv
        elif dataclasses.is_dataclass(v) and not isinstance(v, Span):
            nv = fn(v)
            if nv is not v:
                changes[f.name] = nv
    return dataclasses.replace(node, **changes) if changes else node
