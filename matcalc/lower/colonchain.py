"""A colon product written without brackets inside a sum: ``Y - XX^T : Y - XX^T``.

The grammar gives ``:`` a precedence between ``+ -`` and ``\\odot`` (``A:B + C:D`` is two
colon products added), the common convention. Authors of the colon style (math.SE's greg)
write it with the LOWEST precedence instead: ``Y - XX^T : Y - XX^T`` is ``(Y - XX^T) :
(Y - XX^T)``. The two readings of a sum that holds a written colon are

    tight   the parse: each colon product a term (a scalar) of the sum;
    loose   the colon splits the whole sum: the terms before it are its left operand, the
            terms after it its right (several colons: folded from the left).

Which is meant is decided from shapes (`loose_chain` below):

    tight gives a scalar, loose is not uniform    -> tight (nothing noted)
    tight cannot be read, loose is uniform        -> loose, noted
    tight gives a vector or matrix (a colon product, a scalar, added to an array), loose
      is uniform: where a scalar is required (the objective's value) -> loose, noted;
      elsewhere -> refused, naming both readings
    tight gives a scalar and loose is uniform (every operand a scalar) -> refused
    neither                                       -> tight (its value, or its error)

"Uniform": every term of each operand of the loose reading has one shape, so no scalar is
broadcast into an array, and the colon products of the operands can be formed. An
explicit group, ``(A:B) - C`` or ``\\langle A, B \\rangle - C``, is one term and is never
split (the parser marks a colon written bare with ``sign=":"``).

Contract: `ColonChains` is a part of `document.Lowerer`; `has_bare_colon(e)` says whether
the chain of ``+``/``-`` `e` holds a bare written colon among its terms, and
`colon_chain(e, scope, plus_chain)` lowers it by the rules above (`plus_chain` lowers the
tight reading). Notes of a reading not taken are dropped.
"""
from __future__ import annotations

from .. import ir
from ..errors import MatcalcError
from ..read import syntax as S
from ..values import describe


def chain_terms(e):
    """[(sign, term)] of a chain of + and -, in the order written."""
    terms, node = [], e
    while isinstance(node, S.BinOp) and node.op in ("+", "-"):
        terms.append((node.op, node.right))
        node = node.left
    terms.append(("+", node))
    return terms[::-1]


def bare_colon(t) -> bool:
    return isinstance(t, S.BinOp) and t.op == S.COLON and t.sign == ":"


def colon_operands(t):
    """The operands of a (left-nested) run of bare colons: A : B : C -> [A, B, C]."""
    out = []
    while bare_colon(t):
        out.append(t.right)
        t = t.left
    out.append(t)
    return out[::-1]


def _colon_nodes(t):
    """The colon nodes of a (left-nested) run of bare colons."""
    while bare_colon(t):
        yield t
        t = t.left


def loose_groups(terms):
    """The operands of the loose reading: a list of [(sign, term)] groups."""
    groups = [[]]
    for sign, t in terms:
        ops = colon_operands(t)
        groups[-1].append((sign, ops[0]))
        for o in ops[1:]:
            groups.append([("+", o)])
    return groups


def _numeric(e) -> bool:
    if isinstance(e, S.Num):
        return True
    if isinstance(e, S.Neg):
        return _numeric(e.arg)
    if isinstance(e, S.Frac):
        return _numeric(e.num) and _numeric(e.den)
    if isinstance(e, S.BinOp) and e.op in (S.MUL, S.DIV):
        return _numeric(e.left) and _numeric(e.right)
    return False


def scalar_spine(value):
    """The nodes of a value that are scalars exactly when the value is: the value, under a
    minus sign, a number times it, it over a number."""
    node = value
    while True:
        yield node
        if isinstance(node, S.Neg):
            node = node.arg
        elif isinstance(node, S.Frac) and _numeric(node.den):
            node = node.num
        elif isinstance(node, S.BinOp) and node.op in (S.MUL, S.DIV) and \
                _numeric(node.right):
            node = node.left
        elif isinstance(node, S.BinOp) and node.op == S.MUL and _numeric(node.left):
            node = node.right
        else:
            return


class ColonChains:
    """The two precedences of a bare colon in a sum (see the module docstring)."""

    def has_bare_colon(self, e) -> bool:
        return any(bare_colon(t) for _, t in chain_terms(e))

    def colon_chain(self, e, scope, plus_chain):
        terms = chain_terms(e)
        start = len(self.notes)
        tight, tight_err = None, None
        try:
            tight = self.tentatively(lambda: plus_chain(e, scope))
        except MatcalcError as err:
            tight_err = err
        tight_notes = self.notes[start:]
        del self.notes[start:]
        if tight is not None and tight.kind == "s" and not tight.lazy and \
                not self._all_scalar(terms):
            self.notes.extend(tight_notes)
            return tight
        try:
            loose = self.tentatively(lambda: self._loose(terms, scope, e))
        except MatcalcError:
            loose = None
        if loose is None:
            del self.notes[start:]
            self.notes.extend(tight_notes)
            if tight_err is not None:
                raise tight_err
            return tight
        texts = self._readings_text(terms)
        if tight is not None and (tight.kind == "s" or not self._scalar_wanted(e)):
            del self.notes[start:]
            what = describe(tight)
            raise self.serr(f"`{texts[2]}` has two readings that give different numbers: "
                            f"{texts[0]} (the colon binding tighter than + and -: "
                            f"{what}) and {texts[1]} (the colon below + and -, as the colon "
                            f"style writes it: {describe(loose)}); write the brackets", e)
        why = (f"with the colon binding tighter, it cannot be read "
               f"({getattr(tight_err, 'bare_message', str(tight_err)).splitlines()[0]})"
               if tight is None else
               f"with the colon binding tighter it would be {describe(tight)}, where a "
               f"scalar is required")
        self.note(e, f"read as {texts[1]}: the colon written without brackets is taken "
                     f"below + and - (the colon style); {why}", "inferred")
        return loose

    def _all_scalar(self, terms) -> bool:
        """Is every operand of the colons a scalar (then the loose reading is uniform too)?
        Read from the kinds `terms.colon` recorded as the tight reading was lowered."""
        kinds = self.__dict__.get("colon_kinds", {})
        nodes = [n for _, t in terms if bare_colon(t) for n in _colon_nodes(t)]
        return all(kinds.get(id(n)) == ("s", "s") for n in nodes)

    def _loose(self, terms, scope, e):
        """The loose reading, or None when it is not uniform (a group mixes shapes)."""
        operands = []
        for group in loose_groups(terms):
            vals = [(sign, self.expr(t, scope)) for sign, t in group]
            first = vals[0][1]
            for _, v in vals:
                if v.lazy or v.kind != first.kind or not all(
                        ir.same_dim(x, y) for x, y in zip(v.mat_dims(), first.mat_dims())):
                    return None
            acc = first                 # (a group never starts with a minus sign)
            for sign, v in vals[1:]:
                acc = self.plus(acc, v, sign, e)
            operands.append(acc)
        acc = operands[0]
        for v in operands[1:]:
            acc = self.colon(acc, v, e)
        return acc

    def _scalar_wanted(self, e) -> bool:
        """Is `e` the value of the objective (up to a sign and numeric factors)?"""
        if not self.lowering or self.lowering[-1] not in self.scalar_wanted:
            return False
        ds = self.defsrc.get(self.lowering[-1])
        value = getattr(getattr(ds, "stmt", None), "value", None)
        return value is not None and ds.entry_rank in (None, 0) and not ds.indices and \
            any(node is e for node in scalar_spine(value))

    def _readings_text(self, terms):
        """(tight, loose, as written) in LaTeX-ish source text."""
        def src(t):
            return self._source(t)

        def join(parts):
            out = ""
            for k, (sign, t) in enumerate(parts):
                out += (("- " if sign == "-" else "") if k == 0 else f" {sign} ") + t
            return out

        tight = join([(s, f"({' : '.join(src(o) for o in colon_operands(t))})"
                       if bare_colon(t) else src(t)) for s, t in terms])
        loose = " : ".join(f"({join([(s, src(t)) for s, t in g])})" if len(g) > 1 else
                           src(g[0][1]) for g in loose_groups(terms))
        written = join([(s, " : ".join(src(o) for o in colon_operands(t))) for s, t in terms])
        return tight, loose, written
