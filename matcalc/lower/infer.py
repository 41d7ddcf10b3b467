"""Shapes from context, by unification: the shapes of names the document uses but never
declares, and the sizes of an unsized ``\\mathbf{1}`` / ``I``.

Contract: `infer_shapes(lowerer, objective, shape=()) -> Inferred` runs after pass 1
(`collect`) and before anything is lowered; `shape` is the objective's (a scalar, or for a
claimed gradient written as a whole array the variable's shape). Every matrix-notation
value of every definition is given
a shape term (rows, cols) whose entries are dimensions -- SymPy expressions where known,
fresh dimension variables where not (a scalar is (1, 1), a column vector (n, 1)); each
construct adds its constraints (``+`` and ``\\odot``: equal shapes, or one side a scalar;
a product: a scalar factor, or inner dimensions equal; ``^T`` swaps; a trace, a
determinant, a power: a square argument; ``A : B``: equal shapes, a scalar; a subscript
``c_{k}`` with k running over 1..K: c has K rows; a declaration: its shape; the objective:
its `shape`). The constraints that say "either ... or ..." wait until one side is known; what
is still open then is settled by trying each alternative (`MAX_BRANCHES` at most for each
group of open constraints that share no dimension variable with the rest), and every
complete solution is kept. A name or size on which all solutions agree is inferred;
where they disagree it is `ambiguous` (the lowering refuses, naming both shapes); where
nothing fixes it, it is left as it is (the lowering says which declaration would settle
it). The inference never raises: a construct it does not know gives an unconstrained
shape, and a contradiction anywhere means nothing is inferred.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .. import ir, names
from ..read import syntax as S
from . import fresh
from .shape_terms import Terms, span_key
from .unify import ONE, Contradiction, Solver, Var, solve


@dataclass
class Inferred:
    """What the inference found. `names`: keyword -> (shape tuple, where it was used);
    `ambiguous`: keyword -> the distinct shapes the solutions give; `sizes`: the span key
    of an unsized ``\\mathbf{1}`` / ``I`` -> its size."""
    names: dict = field(default_factory=dict)
    ambiguous: dict = field(default_factory=dict)
    sizes: dict = field(default_factory=dict)
    ranges: dict = field(default_factory=dict)    # (span key of a sum, index) -> length
    # undeclared names that may be a family's members: x_i with x also consistent as a
    # family of vectors, x^{(i)} with i bound (keyword -> first use); refused, never guessed
    family_readings: dict = field(default_factory=dict)
    fresh: set = field(default_factory=set)       # names read with fresh dimensions
    refusals: dict = field(default_factory=dict)  # keyword -> why its reading is refused


def _shape_of(rows, cols):
    if isinstance(rows, Var) or isinstance(cols, Var):
        return None
    if cols == ONE:
        return () if rows == ONE else (rows,)
    return (rows, cols)


def _terms(lw, objective, shape, members=(), inline=True, general=False):
    """The shape terms and constraints of every definition, or None on a contradiction;
    `members`: undeclared names x read by one bound index x_i as families of vectors;
    `inline`: the applications of the document's functions take their bodies' terms;
    `general`: matrix powers recorded, not applied (`fresh.general_reading`)."""
    terms = Terms(lw, Solver())
    terms.members = set(members)
    terms.inline = inline
    terms.general = general
    try:
        for kw, ds in lw.defsrc.items():
            for d in [ds] + lw.rivals.get(kw, []):
                terms.definition(d, objective, shape)
    except (Contradiction, RecursionError):
        return None
    return terms


def _rival(lw, objective, shape, kw) -> bool:
    """Is the document consistent with the undeclared x of x_i read as a family of vectors
    (x_i \\in R^n, n > 1) as well? ``\\|x_i - a\\|^2`` is then two readings with different
    values (x_i an entry, broadcast against a; or a member, a vector like a). Too open to
    tell counts as consistent: the reading is not proven unique."""
    terms = _terms(lw, objective, shape, members=(kw,))
    if terms is None:
        return False
    try:
        return bool(solve(terms.s))
    except Exception:   # noqa: BLE001 - not decided: not unique either
        return True


def infer_shapes(lw, objective=None, shape=()) -> Inferred:
    """See the module docstring."""
    for inline in (True, False):
        # the functions' bodies inlined where they are applied; where that contradicts
        # (a body the lowering would refuse), the inference as without them
        terms = _terms(lw, objective, shape, inline=inline)
        if terms is None:
            continue
        out = Inferred()
        out.family_readings = dict(terms.bound_layers)
        if not terms.targets and not terms.sizes and not terms.ranges:
            return out
        sols = solve(terms.s)
        if sols:
            break
    else:
        return out if terms is not None else Inferred()
    for kw, (t, e) in terms.targets.items():
        pairs = sols.values(t)
        if pairs is None:                   # its group was too open: nothing known
            continue
        shapes = {_shape_of(*p) for p in pairs}
        if len(shapes) == 1 and None not in shapes:
            out.names[kw] = (shapes.pop(), e)
        elif len(shapes) > 1 and shapes - {None}:
            out.ambiguous[kw] = sorted(shapes - {None}, key=str) + \
                ([None] if None in shapes else [])
    _general(lw, objective, shape, inline, terms, out)
    for kw, e in terms.indexed.items():
        if kw in out.names and _rival(lw, objective, shape, kw):
            del out.names[kw]
            out.family_readings[kw] = e
    for table, into in ((terms.sizes, out.sizes), (terms.ranges, out.ranges)):
        for key, n in table.items():
            vals = sols.values((n,))
            if vals is not None and len(vals) == 1 and not isinstance(next(iter(vals))[0], Var):
                into[key] = vals.pop()[0]
    return out


def _general(lw, objective, shape, inline, terms, out):
    """The names the solutions leave open, read with their most general shapes
    (`fresh.general_reading`): added to `out` with fresh dimensions, or refused."""
    open_ = {kw: e for kw, (t, e) in terms.targets.items()
             if kw not in out.names and kw not in out.family_readings}
    if not open_:
        return
    general = _terms(lw, objective, shape, inline=inline, general=True)
    if general is None:
        return
    # x beside a declared X: its x_{dn} / x_i are X's entries or members (the lowering's
    # `_capital_entry`, `_refuse_member_of_capital`), never a new array
    spoken = fresh.spoken_of(lw)
    open_ = {kw: e for kw, e in open_.items() if kw not in general.opaque and
             kw not in spoken and
             not (kw[:1].islower() and kw[:1].upper() + kw[1:] in lw.info) and
             not getattr(getattr(e, "base", e), "primes", 0) and   # V': maybe V^T
             not fresh.accented_twin(lw, e)}
    latex = {kw: names.latex_of(e) for kw, (t, e) in general.targets.items()}
    taken = {str(d) for d in lw.dims} | set(lw.info) | set(latex)
    got = fresh.general_reading(general, open_, lambda kw: latex.get(kw, kw), taken)
    for kw, shape_ in got.names.items():
        old = out.ambiguous.get(kw, [])
        if any(s for s in old if s is not None):
            continue        # a solution of a size the document fixes (\Sigma: 1 or n×n)
        if not fresh.involves_fresh(*shape_) and shape_ != () and kw in out.ambiguous:
            continue        # a scalar, or what the general reading sizes: two readings
        out.names[kw] = (shape_, open_[kw])
        if fresh.involves_fresh(*shape_):
            out.fresh.add(kw)
        out.ambiguous.pop(kw, None)
    out.refusals.update(got.refusals)
    for table, into in ((got.sizes, out.sizes), (got.ranges, out.ranges)):
        for key, n in table.items():
            into.setdefault(key, n)


class InferredShapes:
    """The lowering's side of the inference (a part of `document.Lowerer`): a name the
    document never declares becomes an input of its inferred shape, with a note, when the
    lowering first meets it; an unsized ``\\mathbf{1}`` / ``I`` gets its inferred size."""
    inferred: Inferred = None

    def run_inference(self, objective, shape=()):
        # the objective written bare after the definitions is f only once it is lowered
        # (`adopt_bare_objective`): its shapes are inferred as that definition's, so the I
        # of `g = A` then `y^T (A - 2I) y` gets A's size (it was 'cannot tell the size')
        bare = objective == "f" and getattr(self, "bare", None) is not None and \
            "f" not in self.defsrc and "f" not in self.info
        if bare:
            self.adopt_bare_objective()
        try:
            self.inferred = infer_shapes(self, objective, shape)
        except Exception:   # noqa: BLE001 - inference is a help: without it, the old refusals
            self.inferred = Inferred()
        finally:
            if bare:
                del self.defsrc["f"], self.info["f"]

    def adopt_inferred(self, kw, e):
        """Declare the undeclared `kw` (written `e`) with its inferred shape and return its
        Info; None when nothing was inferred. Two possible shapes: refused, naming both."""
        from .declarations import Info
        got = self.inferred.names.get(kw) if self.inferred is not None else None
        latex = names.latex_of(e)
        member = self.inferred.family_readings.get(kw) if self.inferred is not None else None
        if got is None and member is not None:
            self._refuse_family_reading(latex, member, e)
        why = self.inferred.refusals.get(kw) if self.inferred is not None else None
        if got is None and why is not None:
            raise self.perr(why, e)
        if got is None:
            amb = self.inferred.ambiguous.get(kw) if self.inferred is not None else None
            if amb:
                readings = " or ".join(_shape_words(s) for s in amb)
                raise self.perr(f"unknown name {latex}: it is never declared, and the "
                                f"document allows two shapes for it, {readings}, which give "
                                f"different values: declare it (e.g. "
                                f"`{_declaration_example(latex, amb)}`)", e)
            return None
        shape, first = got
        self._refuse_member_of_capital(kw, latex, shape, e)
        info = Info("input", latex, tuple(shape), span=getattr(e, "span", None))
        self.info[kw] = info
        noted = self.__dict__.setdefault("_inferred_noted", set())
        if kw not in noted:     # a lowering tried and undone meets the name again
            noted.add(kw)
            at = getattr(first, "span", None)
            where = f" at line {at.line}, column {at.column}" if at is not None and at.line \
                else ""
            if kw in self.inferred.fresh:
                conv = " (a lower-case name is a column vector)" if len(shape) == 1 and \
                    fresh.is_lower(latex) else ""
                self.note(e, f"{latex} is never declared: read as {_shape_words(shape)}, the "
                             f"most general shape its uses allow{conv}; declare it to fix "
                             f"sizes", "inferred")
            else:
                self.note(e, f"{latex}: not declared; inferred {_shape_words(shape)} from "
                             f"its use{where}", "inferred")
        return info

    def _refuse_family_reading(self, latex, member, e):
        """An undeclared name that a bound index may make a family member: refused with
        both readings and the declarations that settle it."""
        def count(i):       # the number of members in the suggested declaration
            return next(k for k in ("m", "K", "N") if k != i)
        if isinstance(member, S.Sym) and member.layer is not None:
            i = member.layer
            raise self.perr(f"unknown name {latex}: it is never declared; with {i} bound "
                            f"here it reads as the {i}-th member of a family (a different "
                            f"vector for each {i}), not one name: declare the family, e.g. "
                            f"`{latex} \\in \\mathbb{{R}}^{{n}}, \\; {i} = 1,\\dots,{count(i)}`", e)
        used = names.latex_of(member)
        i = names.latex_of(member.subs[0]) if isinstance(member, S.Sub) else "i"
        raise self.perr(f"unknown name {latex}: it is never declared, and {used} has two "
                        f"readings that give different values: entry {i} of a vector "
                        f"{latex}, or the {i}-th member of a family of vectors: declare it, "
                        f"`{latex} \\in \\mathbb{{R}}^{{{count(i)}}}` or `{used} \\in "
                        f"\\mathbb{{R}}^{{n}}, \\; {i} = 1,\\dots,{count(i)}`", member)

    def _refuse_member_of_capital(self, kw, latex, shape, e):
        """``u_i v_j^T`` with U, V declared matrices and u, v never declared: u_i may be row
        (or column) i of U, or entry i of a new vector u -- different values, refused."""
        cap = self.info.get(kw[:1].upper() + kw[1:]) if kw[:1].islower() else None
        long = [d for d in shape if not ir.same_dim(d, 1)]
        if cap is None or cap.kind != "input" or len(cap.shape) != 2 or cap.family or \
                len(long) != 1 or not any(ir.same_dim(long[0], d) for d in cap.shape):
            return
        raise self.perr(f"{latex} is never declared, but {cap.latex} is a matrix: "
                        f"{latex}_i may be row or column i of {cap.latex}, or entry i of a new "
                        f"vector {latex} (inferred {_shape_words(shape)}), which give different "
                        f"values: declare {latex}, or write the rows of {cap.latex} by index", e)

    def inferred_range(self, e, kw):
        """The length of index kw of the sum `e`, where only the arrays it indexes say."""
        if self.inferred is None:
            return None
        return self.inferred.ranges.get((span_key(e), kw))

    def inferred_size(self, e):
        if self.inferred is None:
            return None
        return self.inferred.sizes.get(span_key(e))


def _declaration_example(latex, shapes) -> str:
    """A declaration of one of the readings `shapes` (the array one: a scalar is what an
    undeclared name is taken for already), ``\\Sigma \\in \\mathbb{R}^{d \\times d}``."""
    arrays = [s for s in shapes if s]
    if not arrays:
        return f"{latex} \\in \\mathbb{{R}}"
    dims = " \\times ".join(str(d) for d in max(arrays, key=len))
    return f"{latex} \\in \\mathbb{{R}}^{{{dims}}}"


def _shape_words(shape) -> str:
    if shape is None:
        return "an array whose size nothing fixes"
    if len(shape) == 0:
        return "a scalar"
    if len(shape) == 1:
        return f"{shape[0]}×1 (a vector)"
    return f"{shape[0]}×{shape[1]} (a matrix)"
