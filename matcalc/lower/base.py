"""What every expression-lowering module shares: the context a lowering works in, the
dispatch from a syntax node to its method, located errors.

Contract: `LoweringBase` is the explicit context. A lowering reads, and the document lowerer
(`document.Lowerer`) provides:

    src        the source text (for carets)
    info       keyword -> `document.Info` (what each name is)
    ranges     index keyword -> (lo, hi) declared by ``i = 1,\\dots,n``
    defsrc     keyword -> `document.DefSource` (the syntax of each definition)
    dims       dimension symbols met so far
    lowering   the keywords of the definitions being lowered, innermost last
    scalar_wanted  keywords whose value must be a scalar (the objective: colonchain.py)
    define(kw) the Ref of definition kw (lowered on first use)
    dim(e, scope)  a dimension expression as SymPy
    _range_dim(i, where)  the length of index i's declared range

`expr(e, scope)` lowers a syntax expression to a `values.Val`; `scope` maps the index names
bound at this point (by an enclosing sum or product, or as the free indices of an
entrywise definition) to a `values.Cell`.
"""
from __future__ import annotations

import dataclasses

from .. import names
from ..errors import ParseError, ShapeError, error_at
from ..read import syntax as S
from ..values import Val

SIGMA_NAMES = {"sigma", "sigm", "sigmoid"}


class UnboundIndex(ParseError):
    """An index used where no sum, product or definition binds it."""

    def __init__(self, message, index, *args):
        super().__init__(message, *args)
        self.index = index


walk_syntax = S.walk     # every syntax node below e (e included)


def substitute_names(e, mapping):
    """The syntax tree e with every name whose keyword is in `mapping` replaced by its
    syntax (a function's parameters by the arguments it is applied to; a parameter may be
    a subscripted name, ``\\gamma_3``); unchanged subtrees are the same objects."""
    if isinstance(e, S.Sym):
        return mapping.get(names.keyword_of(e), e)
    if isinstance(e, S.Sub) and isinstance(e.base, S.Sym):
        kw = names.keyword_of(e)
        if kw is not None and kw in mapping:
            return mapping[kw]
    return S.rebuilt(e, lambda c: substitute_names(c, mapping))


def respan(e, span):
    """The tree e with every node located at `span` (a formula parsed from a table or a
    sentence, placed where it is applied: its errors point there)."""
    if not dataclasses.is_dataclass(e) or isinstance(e, (S.Span, type)):
        return e
    e = S.rebuilt(e, lambda c: respan(c, span))
    if any(f.name == "span" for f in dataclasses.fields(e)):
        e = dataclasses.replace(e, span=span)
    return e


def chain_factors(e):
    """The factors of a product chain, in the order written, and the signs between them
    (signs[k - 1] is written before factors[k])."""
    factors, signs, node = [], [], e
    while isinstance(node, S.BinOp) and node.op == S.MUL:
        factors.append(node.right)
        signs.append(node.sign)
        node = node.left
    factors.append(node)
    return factors[::-1], signs[::-1]


def juxtaposed_factors(e):
    """The factors of a product written by juxtaposition only (``RSS^{lasso}\\theta``),
    in the order written: the chain stops at the first product written with a sign
    (``\\cdot``, ``\\times``), whose left side is then one factor."""
    factors, node = [], e
    while isinstance(node, S.BinOp) and node.op == S.MUL and not node.sign:
        factors.append(node.right)
        node = node.left
    factors.append(node)
    return factors[::-1]


def union(a, b):
    return tuple(dict.fromkeys(tuple(a) + tuple(b)))


def short_error(e, span=None) -> str:
    """An error in a few words, with its place (unless it is where `span` starts)."""
    msg = getattr(e, "bare_message", str(e)).split("\n")[0]
    line, col = getattr(e, "line", None), getattr(e, "column", None)
    if line is None or (span is not None and (span.line, span.column) == (line, col)):
        return msg
    return f"line {line}, column {col}: {msg}"


class LoweringBase:
    """The context of an expression lowering (see the module docstring)."""
    src: str
    info: dict
    ranges: dict
    defsrc: dict
    dims: dict

    def perr(self, msg, node):
        return error_at(ParseError, msg, getattr(node, "span", None), self.src)

    def serr(self, msg, node):
        return error_at(ShapeError, msg, getattr(node, "span", None), self.src)

    def expr(self, e, scope) -> Val:
        method = getattr(self, "x_" + type(e).__name__, None)
        if method is None:
            raise self.perr(f"{type(e).__name__.lower()} is not supported here", e)
        return method(e, scope)

    def _loc(self, node):
        sp_ = getattr(node, "span", None)
        if sp_ is None or sp_.line == 0:
            return ()
        end = sp_.end_column if sp_.end_line == sp_.line else None
        return (sp_.line, sp_.column, self.src, end)
