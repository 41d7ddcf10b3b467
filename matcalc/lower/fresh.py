"""The most general reading of undeclared names: shapes with fresh dimension symbols.

Where the unification of `infer.py` leaves an undeclared name open -- a scalar or an array
whose size nothing fixes (``\\|X - Y\\|_F^2``), or no size at all (``\\sum_{i,j} (X_{ij} -
Y_{ij})^2``) -- the name is read with the most general shape its uses allow: every
construct taken in its array form (a product's inner dimensions equal, the two sides of
``+`` / ``\\odot`` one shape; a scalar only where the document forces one), every dimension
nothing fixes a new symbol (`FreshDim`: ``m_X``, ``n_X``). A scalar reading is then the
1×1 instance of that reading, and its gradient formula gives the scalar's numbers at size 1.

Contract: `general_reading(terms, candidates, latex_of, taken) -> General` takes the shape
terms of a document built with matrix powers recorded, not applied (`shape_terms.Terms`,
general=True), the undeclared names to read (keyword -> first use), how each is spelled,
and the names a made-up dimension must not take. The caller (`infer._general`) offers only
names whose every use the inference models, that no unread equation speaks of
(`spoken_of`), that are not a declared name's accented or primed twin (`accented_twin`)
or a declared capital's lower-case letter, and where no solution fixes a size (a scalar
or n×n keeps its old refusal). It returns the shapes it reads
(FreshDim symbols where nothing fixes a size), and, for the names it must not read, the
refusal naming both readings and the declaration that settles them:

- a power of an array whose squareness only the power itself would force (``X^2``: the
  matrix power of a square X, or of any X entry by entry), bars ``|X|`` and ``diag(X)``
  whose argument's shape is open (a determinant, an absolute value or a norm; a diagonal
  matrix or a diagonal) -- with fresh symbols "is it square" is unknown, not false;
- a reading that is not the general one's instance: a solution of the same constraints
  (a product's scalar factor taken as a scalar, ``\\lambda x``) whose shapes no choice of
  the fresh sizes gives. Not rivals by convention: a scalar broadcast over an undeclared
  array of a sum (``X - Y``: their shapes agree), and a Latin letter (``A``, ``x``) or an
  upper-case Greek letter read as a scalar: a name written so is an array unless declared;
- the conventions that close what is still open: a lower-case name is a column vector
  (its column count 1), an upper-case one a matrix. Where a convention would make an
  upper-case name's size 1, or leaves a lower-case name a scalar, a row or a matrix, the
  name is refused: its uses do not say which of those readings is meant.

The lowering (`infer.InferredShapes.adopt_inferred`) declares the names read, with a note,
and raises the refusals; the ops that branch on squareness ask `undecided_square` so that a
fresh symbol never takes the non-square branch (`matrixfunctions`, `terms.quotient_reading`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

import sympy as sp

from .. import ir, names
from ..ir import FreshDim
from ..read import syntax as S
from .base import walk_syntax
from .classify import has_derivative, is_gradient
from .unify import ONE, Contradiction, TooOpen, Var, solutions

GREEK_UPPER = {"Gamma", "Delta", "Theta", "Lambda", "Xi", "Pi", "Sigma", "Upsilon", "Phi",
               "Psi", "Omega"}


def involves_fresh(*dims) -> bool:
    return any(isinstance(s, FreshDim) for d in dims for s in sp.sympify(d).free_symbols)


def undecided_square(n1, n2) -> bool:
    """Is "n1 = n2" unknown rather than false: different dimensions, one of them made up
    for an undeclared name (whose size the caller passes)?"""
    return not ir.same_dim(n1, n2) and involves_fresh(n1, n2)


def square_refusal(written: str, square: str, other: str) -> str:
    """The message for an op whose reading turns on squareness, of an undeclared array."""
    return (f"{written} has two readings for an array that is never declared: {square} if "
            f"it is square, {other} otherwise; its size is not fixed by the document: "
            f"declare it (e.g. `X \\in \\mathbb{{R}}^{{n \\times n}}` or "
            f"`X \\in \\mathbb{{R}}^{{m \\times n}}`)")


@dataclass
class General:
    """`names`: keyword -> shape tuple; `refusals`: keyword -> message; `sizes`, `ranges`:
    as `infer.Inferred`'s, for the ones the general reading sizes."""
    names: dict = field(default_factory=dict)
    refusals: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)
    ranges: dict = field(default_factory=dict)


def _letter(latex: str) -> str:
    m = re.match(r"\\?(?:(?:mathbf|boldsymbol|bm|mathrm|hat|bar|tilde)\{)*\\?([A-Za-z]+)",
                 latex)
    return m.group(1) if m else latex


def is_lower(latex: str) -> bool:
    name = _letter(latex)
    return name[:1].islower() and name not in GREEK_UPPER


def never_scalar(latex: str) -> bool:
    """A Latin letter, or an upper-case Greek one: an array unless declared a scalar."""
    name = _letter(latex)
    return (len(name) == 1 and name.isascii()) or name in GREEK_UPPER


def accented_twin(lw, e) -> bool:
    """``\\vec{r}`` or ``\\hat{x}`` beside a declared r / x: maybe a quantity related to it
    (the vector whose length is r), never a free array of its most general shape."""
    base = getattr(e, "base", e)
    return isinstance(base, S.Sym) and base.accent is not None and \
        names.keyword_of(S.Sym(base.name)) in lw.info


def spoken_of(lw) -> set:
    """The names an equation of the document speaks of without defining them: ``x = (a,
    b)`` read as a layout, ``L L^T = \\Sigma`` a relation, a skipped fragment that looks
    like it defines or declares them, a differential step (``dq = \\operatorname{Diag}(w)
    ds = D dz``: D is what the step says). Such a name is never read as a free array of
    its most general shape: that would drop what the text says of it. Claimed derivatives
    and gradients say nothing of the kind."""
    out = set()
    for sk in lw.skips:
        out.update(sk.defines or ())
        out.update(sk.declares or ())
    for st in lw.doc.statements:
        target = getattr(st, "target", None)
        if not isinstance(st, S.Def) or target is None:
            continue
        heads = [target, getattr(target, "base", None), getattr(target, "func", None)]
        if any(h is not None and names.keyword_of(h) in lw.defsrc for h in heads) or \
                has_derivative(target) or any(is_gradient(n) for n in walk_syntax(target)):
            continue        # a definition read (p_j = ..., f(X) = ...), or a claim
        for part in (target, st.value):
            for n in walk_syntax(part):
                if isinstance(n, (S.Sym, S.Sub)):
                    kw = names.keyword_of(n)
                    if kw is not None:
                        out.add(kw)
    return out


def _greedy(s):
    """Decide every open product, sum and vector constraint in its array form, in order,
    propagating after each; bars and diagonals stay open."""
    while True:
        s.propagate()
        c = next((c for c in s.deferred if c[0] in ("prod", "same", "vector")), None)
        if c is None:
            return s
        s.deferred = [d for d in s.deferred if d is not c]
        kind, a, b, r = c
        if kind == "vector":
            s.unify_shape(a, b)
        else:
            s.apply(kind, a, b, r)


def _rivals(scalars):
    r"""The alternatives of an open constraint that make rival readings: a product's
    scalar factor only where that factor is a name that may be a scalar (`scalars`: the
    shape terms of such names, by identity: ``\lambda x``); never a sum's broadcast."""
    def choose(solver, c):
        alts = solver.alternatives(c)
        if c[0] == "same":
            return alts[2:]
        if c[0] == "prod":
            keep = [alts[2]]
            if any(c[1] is t for t in scalars):
                keep.append(alts[0])
            if any(c[2] is t for t in scalars):
                keep.append(alts[1])
            return keep
        return alts
    return choose


def _roots(s, t):
    return {s.find(d) for d in t if isinstance(s.find(d), Var)}


def _instance(g, s, dims) -> bool:
    """Is the assignment of solver `s` to `dims` an instance of `g`'s (one substitution
    of g's open dimensions)?"""
    sub = {}
    for d in dims:
        a, b = g.find(d), s.find(d)
        if isinstance(a, Var):
            if a in sub:
                prev = sub[a]
                if isinstance(prev, Var) or isinstance(b, Var):
                    if prev is not b:
                        return False
                elif sp.expand(prev - b) != 0:
                    return False
            else:
                sub[a] = b
        elif isinstance(b, Var) or sp.expand(a - b) != 0:
            return False
    return True


def _words(s, t) -> str:
    """A shape term in words, its open dimensions written m and n."""
    r, c = s.shape(t)
    if r == ONE and c == ONE:
        return "a scalar"
    rs = "m" if isinstance(r, Var) else str(r)
    cs = "n" if isinstance(c, Var) else str(c)
    what = "a column vector" if c == ONE else "a row vector" if r == ONE else "a matrix"
    return f"{what} ({rs}×{cs})"


def general_reading(terms, candidates: dict, latex_of, taken: set) -> General:
    """See the module docstring. `latex_of(kw)` spells a name; `taken`: the names a fresh
    symbol must not take."""
    out = General()
    tg = {kw: terms.targets[kw][0] for kw in candidates if kw in terms.targets}
    if not tg:
        return out
    try:
        g = _greedy(terms.s.copy())
    except Contradiction:
        return out

    def touched(roots):
        return [kw for kw, t in tg.items() if _roots(g, t) & roots]

    def refuse(kws, msg):
        for kw in kws:
            out.refusals.setdefault(kw, msg)
    # powers: the matrix power only where the base is square without the power's say
    for t, e in terms.pows:
        r, c = g.find(t[0]), g.find(t[1])
        if r is c or not (isinstance(r, Var) or isinstance(c, Var)):
            continue
        if r == ONE and c == ONE:
            continue
        names_ = touched({d for d in (r, c) if isinstance(d, Var)})
        refuse(names_, "unknown name {x}: a power of it, an array that is never declared, "
               "has two readings: "
               "the matrix power of a square matrix, or the power of each entry: declare "
               "{x} (e.g. `{x} \\in \\mathbb{{R}}^{{n \\times n}}`), or write the entrywise "
               "power {x}^{{\\circ 2}}")
    try:
        for t, e in terms.pows:
            g.unify(t[0], t[1])
        g = _greedy(g)
    except Contradiction:
        return out
    for kind, a, b, r in g.deferred:            # open bars and diagonals
        names_ = touched(_roots(g, a))
        if kind.startswith("bars-"):
            refuse(names_, "unknown name {x}: bars around it, an array that is never declared "
                   "and whose shape the document leaves open, have three readings: a determinant (a square matrix), an "
                   "absolute value (a scalar), or entrywise absolute values or a norm (a "
                   "vector): declare {x}")
        else:
            refuse(names_, "unknown name {x}: diag of it, an array that is never declared and "
                   "whose shape the document leaves open, has two readings: the diagonal matrix of a vector, or the "
                   "diagonal of a square matrix: declare {x}")
    # rivals: solutions of the same constraints that are no instance of the general one
    base = terms.s.copy()
    try:
        for t, e in terms.pows:
            base.unify(t[0], t[1])
        sols = solutions(base, choose=_rivals(
            [t for kw, t in tg.items() if not never_scalar(latex_of(kw))]))
    except Contradiction:
        sols = []
    except TooOpen:
        refuse(list(tg), "unknown name {x}: it is never declared, and its uses allow too "
               "many shapes to tell which one is meant: declare it")
        sols = []
    dims = [d for t in tg.values() for d in t]
    for s in sols:
        if any(s.scalar(t) and not g.scalar(t) and never_scalar(latex_of(kw))
               for kw, t in tg.items()) or _instance(g, s, dims):
            continue
        odd = next((kw for kw, t in tg.items() if s.scalar(t) and not g.scalar(t)),
                   next((kw for kw, t in tg.items() if not _instance(g, s, list(t))),
                        next(iter(tg))))
        refuse(list(tg), f"unknown name {{x}}: it is never declared, and the document "
               f"allows two readings that give different values: {latex_of(odd)} "
               f"{_words(s, tg[odd])} or {_words(g, tg[odd])} (and the names beside it "
               f"shaped to match): declare {latex_of(odd)}")
        break
    # conventions: a lower-case name a column vector, an upper-case one a matrix
    before = {kw: g.shape(t) for kw, t in tg.items()}
    try:
        for kw, t in tg.items():
            if is_lower(latex_of(kw)) and isinstance(g.find(t[1]), Var) and \
                    isinstance(g.find(t[0]), Var):
                g.unify(t[1], ONE)
                g.propagate()
    except Contradiction:
        refuse(list(tg), "unknown name {x}: it is never declared, and its uses do not fit "
               "a column vector or a matrix: declare it")
        return _finish(out, g, tg, latex_of, taken, terms)
    for kw, t in tg.items():
        r, c = g.shape(t)
        if is_lower(latex_of(kw)):
            if before[kw] == (ONE, ONE):
                continue            # a scalar the uses force (\alpha \mathbf{1})
            if not (r != ONE and c == ONE):
                refuse([kw], "unknown name {x}: it is never declared, and its uses read it "
                       f"as {_words(g, t)}, not a column vector: declare it")
        elif any(isinstance(b, Var) and d == ONE for b, d in zip(before[kw], (r, c))):
            refuse([kw], "unknown name {x}: it is never declared, and its uses make one of "
                   "its sizes 1 only beside a lower-case name read as a column vector: "
                   "declare it")
    return _finish(out, g, tg, latex_of, taken, terms)


def _finish(out, g, tg, latex_of, taken, terms) -> General:
    """Name the open dimensions of the names read (m_X, n_X; n_x for a vector)."""
    symbols: dict = {}
    used = set(taken)

    def symbol(root, letter, kw):
        if root not in symbols:
            base = re.sub(r"\W|_", "", kw) or "x"
            name, k = f"{letter}_{base}", 2
            while name in used:
                name, k = f"{letter}_{base}{k}", k + 1
            used.add(name)
            symbols[root] = FreshDim(name, integer=True, positive=True)
        return symbols[root]
    for kw, t in tg.items():
        if kw in out.refusals:
            continue
        r, c = g.shape(t)
        vector = c == ONE or r == ONE
        dims = []
        for d, letter in ((r, "m"), (c, "n")):
            if isinstance(d, Var):
                d = symbol(d, "n" if vector else letter, kw)
            dims.append(d)
        rows, cols = dims
        shape = () if rows == ONE and cols == ONE else (rows,) if cols == ONE else \
            (rows, cols)
        out.names[kw] = shape
    for table, into in ((terms.sizes, out.sizes), (terms.ranges, out.ranges)):
        for key, n in table.items():
            v = g.find(n)
            if isinstance(v, Var) and v in symbols:
                into[key] = symbols[v]
    for kw, msg in list(out.refusals.items()):
        out.refusals[kw] = msg.replace("{x}", latex_of(kw)).replace("{{", "{") \
            .replace("}}", "}")
    return out
