"""Objectives written inside an optimisation operator, and what surrounds them.

Contract: `Optima(parse_expr, source, note)` reads the rows of one math region in order
(`rows(row) -> list`): each item it returns is a clause of tokens to be parsed as usual, or
a statement it made (`syntax.Optimum`, a `syntax.Decl` of a variable declared under the
operator, or `syntax.Unreadable` when the minimand cannot be read: its `minimand` flag set,
so that lowering refuses it when it would be the objective). `note(span, reason, kind)`
is told what is left out. It raises only `ParseError`, for what it refuses: an
optimisation over a function (``\\min_{u(t)}``).

What it reads (OPERATORS; ``\\underset{x}{\\arg\\min}`` arrives as ``\\arg\\min_{x}``, layout.py):
``\\min_x f``, ``\\max_{\\mathbf{w}} f``, ``\\operatorname{argmin}_{x,y} f``, ``\\text{argmin}_x f``,
``\\arg\\min_x f``, ``\\min_{u} \\{ f \\}`` (braces around the minimand dropped):

- the minimand f becomes `Optimum.value`, a candidate for the objective;
- the subscript's names are the optimisation variables; a condition written beside one
  (``X \\text{ orthogonal}``) is noted, a declaration (``x \\in \\mathbb{R}^n``) is kept,
  a membership in a named set (``X \\in B_*``, a norm ball) is a constraint, noted --
  unless the minimand applies the variable (``\\min_{f \\in \\mathcal{H}} .. f(x_i)``: a
  function space), which stays refused as before;
- what stands before it, ``x^* =``, ``\\mathbf{\\phi}^{*},\\mathbf{a}^{*} =`` (starred optima) or
  any left side, is the solution it is stated for: kept in `solution`, never a definition;
- constraints after it are noted and skipped, never read as definitions: the clauses after
  ``\\text{s.t.}`` / ``\\text{subject to}`` (also on the next rows of the region), and a
  clause after a separator (``,\\;``) with a comparison (``\\geq``, ``\\le``) or an equation
  whose left side is no name (``Ax = b``).

A starred name elsewhere (``x^* = (A^TA)^{-1}A^Tb``, ``\\mathbf{\\phi}^{*}`` alone) is a
solution statement: noted, never a definition. ``\\min(a, b)`` (no subscript) is the
function min and is left alone.
"""
from __future__ import annotations

from .. import names
from . import syntax as S
from ..errors import ParseError
from .clauses import CLOSERS, OPENERS
from .tokens import err

# the operator tokens (as `words` makes them) -> the kind of optimum
OPERATORS = {("FUNC", "min"): "min", ("FUNC", "max"): "max",
             ("NAME", ("argmin", None)): "argmin", ("NAME", ("argmax", None)): "argmax"}
CONSTRAINT_WORDS = {"s.t.", "s.t", "st", "s. t.", "subject to", "such that", "s.t.:",
                    "subject to:", "with constraint", "with constraints", "under"}
# separator words that end the constraints (a `where` clause defines again)
ENDS_CONSTRAINTS = {"where", "with", "for", "if", "while"}
BARS = ("NORM_OPEN", "ABS_OPEN")
BAR_ENDS = ("NORM_CLOSE", "ABS_CLOSE")


def _span(a, b):
    return S.Span(a.line, a.col, b.end_line, b.end_col)


def _depths(toks):
    """The bracket depth before each token."""
    out, d = [], 0
    for t in toks:
        if t.kind in CLOSERS or t.kind in BAR_ENDS:
            d -= 1
        out.append(d)
        if t.kind in OPENERS or t.kind in BARS:
            d += 1
    return out


def _match(toks, i):
    """toks[i] opens a bracket: the index of the one closing it (None if none)."""
    d = 0
    for j in range(i, len(toks)):
        if toks[j].kind in OPENERS or toks[j].kind in BARS:
            d += 1
        elif toks[j].kind in CLOSERS or toks[j].kind in BAR_ENDS:
            d -= 1
            if d == 0:
                return j
    return None


def _operator(clause):
    """(first, last, kind) of the optimisation operator at depth 0 of `clause` -- its
    token, with the free braces ``{\\arg\\min}`` of ``\\underset`` around it -- followed by a
    subscript; None when there is none."""
    depth = _depths(clause)
    for p, t in enumerate(clause):
        kind = OPERATORS.get((t.kind, t.value))
        if kind is None:
            continue
        a, b = p, p
        if 0 < p < len(clause) - 1 and clause[p - 1].kind == "LBRACE" and \
                clause[p + 1].kind == "RBRACE":
            a, b = p - 1, p + 1
        if depth[a] == 0 and b + 1 < len(clause) and clause[b + 1].kind == "SUB":
            return a, b, kind
    return None


def _star_end(clause, i):
    """The index after a star superscript ``^*`` / ``^{*}`` at clause[i] (SUP), or None."""
    if i < len(clause) and clause[i].kind == "SUP":
        if i + 1 < len(clause) and clause[i + 1].kind == "MULOP" and clause[i + 1].value == "*":
            return i + 2
        if [x.kind for x in clause[i + 1:i + 4]] == ["LBRACE", "MULOP", "RBRACE"] and \
                clause[i + 2].value == "*":
            return i + 4
    return None


class Optima:
    """Reads the optimisation operators of one math region, row by row (see the module
    docstring)."""

    def __init__(self, parse_expr, source, note):
        self.parse_expr, self.source, self.note = parse_expr, source, note
        self.variables: list = []     # the optimisation variables seen in the region
        self.constraints = False      # after \text{s.t.}: the clauses are constraints

    # ------------------------------------------------------------ names
    def _name(self, toks):
        """The name `toks` spell (a Sym or Sub), or None."""
        if not toks:
            return None
        try:
            st = self.parse_expr(list(toks))
        except (ParseError, IndexError, RecursionError):
            return None
        if isinstance(st, S.Bare) and _namelike(st.value):
            return st.value
        return None

    def _starred(self, clause):
        """(the starred name, the index after its star) of a clause that starts with one
        (``x^*``, ``\\mathbf{\\phi}^{*}``), or None."""
        depth = _depths(clause)
        for i, t in enumerate(clause):
            if t.kind == "SUP" and depth[i] == 0:
                end = _star_end(clause, i)
                if end is None:
                    return None
                name = self._name(clause[:i])
                return (name, end) if name is not None else None
            if depth[i] == 0 and t.kind in ("REL", "IN", "PLUS", "MINUS", "COMMA"):
                return None
        return None

    # ------------------------------------------------------------ rows
    def rows(self, row):
        out, pending = [], []
        for clause in row:
            sep = clause.after
            word = sep.value.strip().lower() if sep is not None and \
                not isinstance(sep, str) and sep.kind == "SEP" else None
            if word in CONSTRAINT_WORDS and (self.variables or self.constraints):
                self.constraints = True
            elif word is not None and word.rstrip(":") in ENDS_CONSTRAINTS:
                self.constraints = False
            if self.variables and self._constraint(clause):
                self.note(_span(clause[0], clause[-1]), "a constraint of the optimisation: "
                          "noted, not read as a definition", "relation")
                continue
            op = _operator(clause)
            star = self._starred(clause)
            if op is None:
                if star is not None and star[1] == len(clause):
                    pending.append((star[0], clause))       # \phi^*, a^* = \arg\min ...
                    continue
                if star is not None and clause[star[1]].kind == "REL":
                    self.note(_span(clause[0], clause[-1]), f"a solution statement (the "
                              f"optimum {_show(star[0])}^*): noted, not read as a "
                              f"definition", "relation")
                    continue
                out.append(clause)
                continue
            got = self._optimum(clause, op, [p[0] for p in pending])
            pending = []
            out.extend(got)
        for name, clause in pending:          # a starred name with no operator after it
            self.note(_span(clause[0], clause[-1]), f"a starred optimum "
                      f"{_show(name)}^*: noted, not read as a name", "relation")
        return out

    def _constraint(self, clause) -> bool:
        """Is `clause` (after an optimum in this region) a constraint?"""
        depth = _depths(clause)
        rels = [k for k, (t, d) in enumerate(zip(clause, depth)) if t.kind == "REL" and d == 0]
        left = clause[:rels[0]] if rels else []
        name = self._name(left) if left else None
        if self.constraints:
            # after \text{s.t.}: every clause, until the definition of a name that is no
            # optimisation variable (``L = ...`` on a later row ends the constraints)
            if name is not None and _show(name) not in {_show(v) for v in self.variables}:
                self.constraints = False
                return False
            return True
        if any(t.kind == "CMP" and d == 0 for t, d in zip(clause, depth)):
            return True
        if clause.after is None or not rels or _operator(clause) is not None:
            return False
        if name is not None:
            return False                     # x = ... : a definition, or a solution statement
        if left and left[-1].kind == "RPAR":
            return False                     # f(x) = ...: a definition with arguments
        try:
            lhs = self.parse_expr(list(left))
        except (ParseError, IndexError, RecursionError):
            return False
        return bool(_names_in(lhs) & {_show(v) for v in self.variables})

    # ------------------------------------------------------------ one optimum
    def _optimum(self, clause, op, solution):
        a, b, kind = op
        opname = _show_tok(clause[b])
        prefix = clause[:a]
        if prefix:
            if prefix[-1].kind != "REL":
                return [clause]              # 2\min_x ...: not an objective we read
            lhs = prefix[:-1]
            star = self._starred(lhs)
            if star is not None and star[1] == len(lhs):
                solution = solution + [star[0]]
            elif lhs:
                try:
                    st = self.parse_expr(list(lhs))
                    if isinstance(st, S.Bare):
                        solution = solution + [st.value]
                except ParseError:
                    pass                     # the left side is only noted
        i = b + 2                            # after SUB
        if i >= len(clause):
            raise err(f"{opname}_ is missing its subscript", clause[b + 1], self.source)
        if clause[i].kind == "LBRACE":
            j = _match(clause, i)
            if j is None:
                raise err(f"unclosed subscript of {opname}", clause[i], self.source)
            group, rest = clause[i + 1:j], clause[j + 1:]
        else:
            group, rest = [clause[i]], clause[i + 1:]
        self._set_members = []
        stmts, variables = self._variables(group, opname, clause[b])
        if rest and rest[0].kind == "LSET" and _match(rest, 0) == len(rest) - 1:
            rest = rest[1:-1]                # \min_{u} \{ ... \}
        if not rest:
            raise err(f"nothing after {opname}_{{...}}: the function to optimise is "
                      f"missing", clause[b], self.source)
        span = _span(clause[0], clause[-1])
        self.variables.extend(variables)
        shown = ", ".join(_show(v) for v in variables)
        try:
            st = self.parse_expr(list(rest))
        except ParseError as e:
            self.note(span, f"the objective inside {opname}_{{{shown}}} cannot be read",
                      "unreadable")
            stmts.append(S.Unreadable(e, (), (), _span(rest[0], rest[-1]), minimand=True))
            return stmts
        if not isinstance(st, S.Bare):
            e = err(f"a relation inside {opname}_{{{shown}}}: the function to optimise "
                    f"must be an expression", rest[0], self.source)
            stmts.append(S.Unreadable(e, (), (), _span(rest[0], rest[-1]), minimand=True))
            return stmts
        value = st.value
        for name, e in self._set_members:
            if _applied(value, name):       # \min_{f \in \mathcal{H}} ... f(x_i): over a
                raise e                     # function space, not a constraint set
        stmts.append(S.Optimum(kind, tuple(variables), value, tuple(solution), span=span))
        return stmts

    def _variables(self, group, opname, at):
        """(declarations made under the operator, the optimisation variables) of its
        subscript, piece by piece between commas."""
        pieces, cur, d = [], [], 0
        for t in group:
            if t.kind in OPENERS or t.kind in BARS:
                d += 1
            elif t.kind in CLOSERS or t.kind in BAR_ENDS:
                d -= 1
            if d == 0 and t.kind == "COMMA":
                pieces.append(cur)
                cur = []
                continue
            cur.append(t)
        pieces.append(cur)
        stmts, variables = [], []
        for piece in pieces:
            if not piece:
                raise err(f"an empty variable under {opname}", at, self.source)
            q = next((k for k, t in enumerate(piece) if t.kind in ("IN", "CMP", "REL")
                      or (t.kind == "NAME" and t.textname)), len(piece))
            head, tail = piece[:q], piece[q:]
            if tail and tail[0].kind == "IN":
                st = self._membership(piece, head)
                if isinstance(st, S.Decl):
                    stmts.append(st)
                    variables.extend(st.targets)
                    continue
            name = self._name(head)
            if name is None:
                what = self._function_of(head)
                if what is not None:
                    f, args = what
                    raise err(f"{opname}_{{{_show(f)}({args})}}: an optimisation over a "
                              f"function of {args} (an optimal-control problem), not over an "
                              f"array: matcalc differentiates with respect to arrays only",
                              piece[0], self.source)
                raise err(f"cannot read the optimisation variable under {opname}",
                          piece[0], self.source)
            variables.append(name)
            if tail:
                kind = "a condition" if tail[0].kind == "NAME" else "a constraint"
                self.note(_span(piece[0], piece[-1]), f"{kind} under {opname}: noted, not "
                          f"used (the gradient is unconstrained)", "relation")
        return stmts, variables

    def _membership(self, piece, head):
        """``x \\in \\mathbb{R}^n`` under the operator: its declaration. ``X \\in B_*``, a
        named constraint set (a norm ball, a feasible set): None when the variable is a
        name, so that the set is noted as a constraint, never read; else the refusal."""
        try:
            return self.parse_expr(list(piece))
        except ParseError as e:
            if self._name(head) is None:
                raise
            self._set_members.append((self._name(head), e))
            return None

    def _function_of(self, toks):
        """(function name, its arguments as written) of ``u(t)``, or None."""
        try:
            st = self.parse_expr(list(toks))
        except (ParseError, IndexError, RecursionError):
            return None
        e = st.value if isinstance(st, S.Bare) else None
        if isinstance(e, S.Apply) and _namelike(e.func):
            return e.func, ", ".join(_show(x) for x in e.args)
        return None


def _applied(e, name) -> bool:
    """Is `name` applied as a function somewhere in the expression `e`?"""
    stack = [e]
    while stack:
        x = stack.pop()
        if isinstance(x, S.Apply) and names.keyword_of(x.func) == names.keyword_of(name):
            return True
        if isinstance(x, tuple):
            stack.extend(x)
        elif hasattr(x, "__dataclass_fields__"):
            stack.extend(getattr(x, f) for f in x.__dataclass_fields__)
    return False


def _namelike(e) -> bool:
    return isinstance(e, S.Sym) or (isinstance(e, S.Sub) and isinstance(e.base, S.Sym))


def _show(e) -> str:
    from .. import names
    try:
        return names.latex_of(e)
    except Exception:           # noqa: BLE001 - a name for a message only
        return "?"


def _show_tok(t) -> str:
    if t.kind == "FUNC":
        return "\\" + str(t.value)
    return "\\operatorname{" + str(t.value[0]) + "}"


def _names_in(e) -> set:
    out, stack = set(), [e]
    while stack:
        n = stack.pop()
        if _namelike(n):
            out.add(_show(n))
            if isinstance(n, S.Sub):
                continue
        stack.extend(S.children(n))
    return out


RAW_WORDS = {"argmin", "argmax"}


def raw_has_operator(raw) -> bool:
    """Do the raw tokens of a fragment that could not be read hold an optimisation
    operator (``\\min_``, ``\\arg\\min``, ``\\operatorname{argmin}``, ``\\text{argmin}``)? Its
    minimand would then be the objective: the fragment is refused, not skipped."""
    for k, t in enumerate(raw):
        nxt = raw[k + 1] if k + 1 < len(raw) else None
        if t.kind == "cmd" and t.value in ("min", "max") and nxt is not None and \
                nxt.kind == "char" and nxt.value == "_":
            return True
        if t.kind == "cmd" and t.value == "arg" and nxt is not None and nxt.kind == "cmd" \
                and nxt.value in ("min", "max"):
            return True
        if t.kind == "cmd" and t.value in RAW_WORDS:
            return True
        if t.kind == "text" and str(t.value).strip() in RAW_WORDS:
            return True
        if t.kind == "cmd" and t.value in ("operatorname", "operatorname*", "mathrm"):
            word = "".join(x.value for x in raw[k + 2:k + 8] if x.kind == "letter")
            if word in RAW_WORDS:
                return True
    return False
