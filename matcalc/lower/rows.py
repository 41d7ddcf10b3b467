"""``X_i`` of a matrix: row i of X, read as a column vector or as a row vector.

``X_i`` with X an n×d matrix (declared, or defined as one) and one index is row i of X --
the i-th sample, as a design matrix stacks them. Which way it stands is the document's
convention: a column vector of length d (``\\sigma(X_i^T w)``, how matcalc always read it)
or a row vector 1×d (``\\text{softmax}(\\mathbf{X}_i \\mathbf{W})`` with W d×K, corpus 107).
The shapes decide (contract of `read_member_rows`):

  - the document is lowered with every such ``X_i`` a column; where it does not say
    ``X_i`` of a matrix anywhere, that is the only lowering;
  - otherwise it is lowered again with every such ``X_i`` a row (noted in `g.notes`, once
    per matrix, when that reading is the one taken);
  - only one lowers (shapes that agree, a scalar objective): that one; both lower to the
    same function (``\\|X_i\\|^2``): the column reading; both lower to different
    functions (``\\mathrm{tr}(\\sum_i X_i X_i^T A)``: d×d outer products, or scalars):
    refused, naming both readings; neither: the column reading's error.

Of a SQUARE matrix (n×n), ``X_i`` may as well be column i (``A = [a_1 \\cdots a_n]``): the
document is lowered once more with each such ``X_i`` column i, in the orientation taken;
where that gives another function, it is refused naming both (row i, column i); where
the same (``\\sum_i \\|X_i\\|^2``), or where it does not lower, the row reading stands.

One orientation holds for the whole document (a post keeps one convention); a document
that writes ``X_i^T w`` and ``X_i W`` both is refused with the column reading's error.
"""
from __future__ import annotations

from .. import ir, names
from ..errors import MatcalcError
from ..read import syntax as S


class MemberRows:
    """The part of the lowerer that orients ``X_i`` (`indexing.resolve_sub` asks)."""
    member_rows = "column"              # the orientation this lowering uses
    member_axis = "row"                 # the axis X_i indexes: "row" (i) or "column"

    @property
    def rows_seen(self) -> list:
        """The ``X_i`` of a matrix met while lowering: (syntax, the matrix's LaTeX, its
        shape)."""
        return self.__dict__.setdefault("_rows_seen", [])

    def orient_member(self, e, latex, shape) -> bool:
        """``X_i`` (syntax `e`) of the matrix `latex` of `shape`: True when it is read as a
        row vector. Records it, and notes the row reading once per matrix. (Whether it
        indexes the columns, `member_axis`, is `indexing.resolve_sub`'s.)"""
        self.rows_seen.append((e, latex, shape))
        if self.member_rows != "row":
            return False
        noted = self.__dict__.setdefault("_rows_noted", set())
        if latex not in noted:                  # once per matrix, at its first X_i
            noted.add(latex)
            cols = shape[1]
            self.note(e, f"{_written(e, latex)}: row {_index_text(e)} of {latex} read as a "
                         f"row vector (1×{cols}); as a column vector of length {cols}, the "
                         f"document's shapes do not agree", "inferred")
        return True


def _index_text(e):
    subs = getattr(e, "subs", ())
    return ", ".join(s.value if isinstance(s, S.Num) else names.latex_of(s) for s in subs)


def _attempt(lower, *reading):
    """(Problem, None) or (None, the MatcalcError) of one reading."""
    try:
        return lower(*reading), None
    except MatcalcError as err:
        return None, err


def _same(p, q) -> bool:
    """Two lowerings give one function: the same definitions and objective (IR nodes are
    canonical, so equal nodes are the same function)."""
    return (p.defs, p.objective) == (q.defs, q.objective)


def read_member_rows(lower, seen, perr):
    """`lower(orientation, axis)` lowers the document with ``X_i`` of a matrix read so
    (orientation "column" | "row"; axis "row": row i, "column": column i) -- a Problem, or
    a MatcalcError raised; `seen()` is the list of (syntax, matrix LaTeX, shape) of such
    ``X_i`` the lowerings so far met; `perr(msg, node)` makes a located error. Returns the
    Problem of the reading the shapes allow (module docstring)."""
    column, err_column = _attempt(lower, "column", "row")
    met = list(seen())
    if not met:
        if err_column is not None:
            raise err_column
        return column
    row, err_row = _attempt(lower, "row", "row")
    if err_column is None and err_row is None and not _same(column, row):
        e, latex, shape = met[0]
        cols = shape[1]
        raise perr(f"{_written(e, latex)} has two readings here that give different "
                   f"numbers: row {_index_text(e)} of the {shape[0]}×{cols} matrix {latex} "
                   f"as a column vector of length {cols}, or as a row vector 1×{cols}: "
                   f"declare the rows as a family (x_i \\in \\mathbb{{R}}^{{{cols}}}, "
                   f"each a column) and write x_i^T where a row is meant", e)
    if err_column is None:
        problem, orientation = column, "column"
    elif err_row is None:
        problem, orientation = row, "row"
    else:
        raise err_column
    square = [m for m in met if ir.same_dim(*m[2])]
    if not square:
        return problem
    by_columns, err = _attempt(lower, orientation, "column")
    if err is not None or _same(problem, by_columns):
        return problem
    e, latex, shape = square[0]
    raise perr(f"{_written(e, latex)} has two readings here that give different numbers: "
               f"row {_index_text(e)} or column {_index_text(e)} of the square matrix "
               f"{latex} ({shape[0]}×{shape[1]}): declare the vectors meant as a family "
               f"(x_i \\in \\mathbb{{R}}^{{{shape[0]}}}), or write its entries "
               f"{latex}_{{ij}} with a sum", e)


def _written(e, latex):
    return f"{latex}_{{{_index_text(e)}}}"
