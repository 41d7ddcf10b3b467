"""Where a wrong claim goes wrong: the smallest sub-expression one local edit of which makes
the claim right.

Contract: `locate(judge, value, index_syntax, helpers, src)` tries, on the claim's syntax
tree, innermost sub-expressions first and in source order, a few local edits (a term
negated; the argument of a function negated; a term of a sum left out; inside a sum over
k, a vector or family written without its index given the index k, alone or with the
argument negated). Each edited claim is evaluated by the `check.Judge` at the same random
points; the first edit that makes the claim right is reported, with the place of the
sub-expression in the source (``it goes wrong at $\\exp(z^{(2)})$ (line 53, column 150):
right if its argument is negated and $z^{(2)}$ is indexed by $k_2$``; LaTeX between $).
Only an edit verified right is reported; '' when none is found within `budget`
evaluations. The claim's own text is never changed.
"""
from __future__ import annotations

import re

import dataclasses

from . import names
from .errors import MatcalcError
from .read import syntax as S

BUDGET = 60


def _replace(tree, old, new):
    """`tree` with the node `old` (by identity) replaced by `new`."""
    if tree is old:
        return new
    return S.rebuilt(tree, lambda c: _replace(c, old, new))


def _post_order(node, sums=(), parent=None):
    """(node, indices of the sums around it, its parent), innermost first, in source
    order; indices and bounds are not visited."""
    inner = sums + tuple(node.indices) if isinstance(node, S.BigOp) else sums
    for c in S.children(node):
        if isinstance(node, S.BigOp) and any(c is x for x in
                                             node.indices + (node.lower, node.upper)):
            continue
        if isinstance(node, S.Sub) and c is not node.base:
            continue
        yield from _post_order(c, inner, node)
    yield node, sums, parent


def _bare_names(node, known):
    """Names in `node` written without a subscript whose keyword is an array (`known`)."""
    out = []

    def walk(e, subscripted):
        if isinstance(e, S.Sym) and not subscripted and names.keyword_of(e) in known:
            out.append(e)
            return
        for c in S.children(e):
            walk(c, isinstance(e, S.Sub) and c is e.base)
    walk(node, False)
    return out


def _edits(value, known):
    """(node pointed at, node replaced, its replacement, words) for every local edit,
    innermost first. Negating a factor of a product, or the argument of a transpose, a
    negation or a function, is said at that product or node instead (the sign of a term,
    not of one of its factors)."""
    for node, sums, parent in _post_order(value):
        if isinstance(node, (S.Dots, S.Ones)):
            continue
        if isinstance(node, (S.Call, S.Apply)) and len(node.args) == 1:
            yield node, node, dataclasses.replace(node, args=(S.Neg(node.args[0]),)), \
                "its argument is negated"
        if node is not value and not isinstance(node, S.Neg) and not _factor(parent):
            yield node, node, S.Neg(node), "it is negated"
        if isinstance(parent, S.BinOp) and parent.op in (S.ADD, S.SUB):
            other = parent.left if node is parent.right else parent.right
            yield node, parent, other if node is parent.right or parent.op == S.ADD \
                else S.Neg(other), "it is left out (a term too many)"
        for k in sums[-1:]:
            bare = _bare_names(node, known)
            if not bare:
                continue
            indexed = node
            for n in bare:
                indexed = _replace(indexed, n, S.Sub(n, (k,)))
            what = ", ".join(dict.fromkeys(names.latex_of(n) for n in bare))
            how = f"${what}$ is indexed by ${names.latex_of(k)}$"
            yield node, node, indexed, how
            if isinstance(indexed, (S.Call, S.Apply)) and len(indexed.args) == 1:
                yield node, node, dataclasses.replace(indexed,
                                                      args=(S.Neg(indexed.args[0]),)), \
                    f"its argument is negated and {how}"


def _factor(parent) -> bool:
    """Is a child of `parent` a factor (its sign is the sign of `parent`)?"""
    return isinstance(parent, (S.Transpose, S.Neg, S.Call, S.Apply, S.Frac)) or \
        (isinstance(parent, S.BinOp) and parent.op in (S.MUL, S.HADAMARD, S.HDIV, S.DIV,
                                                      S.COLON))


_CLOSE = re.compile(r"\s*(?:\\(?:right|[bB]igg?r?)\s*)?(\)|\]|\\\}|\})")
_PAIRS = {")": "(", "]": "[", "}": "{", "\\}": "\\{"}


def _unclosed(text, closer) -> int:
    opener = _PAIRS[closer]
    return text.count(opener) - text.count(closer) if closer != "}" else \
        text.count("{") - text.count("\\{") - (text.count("}") - text.count("\\}"))


def _text(src, span):
    """The source of `span` (one line), with the closing brackets that follow it where the
    span opened them: a parenthesised last factor's span ends before its ``)``."""
    if span is None or not span.line:
        return ""
    lines = src.splitlines()
    if span.line != span.end_line or span.line > len(lines):
        return ""
    line = lines[span.line - 1]
    end = span.end_column - 1
    text = line[span.column - 1:end]
    while True:
        m = _CLOSE.match(line, end)
        if m is None or _unclosed(text, m.group(1)) <= 0:
            break
        end = m.end()
        text = line[span.column - 1:end]
    return " ".join(text.split())


def locate(judge, value, index_syntax, helpers, src, budget: int = BUDGET) -> str:
    """Where the wrong claim `value` goes wrong (see the module docstring), or ''."""
    problem = judge.g.problem
    known = {k for k in list(problem.inputs) + list(problem.defs)
             if problem.shape_of(k) != ()}
    tried = 0
    for node, old, new, how in _edits(value, known):
        if tried >= budget:
            break
        tried += 1
        try:
            _, got = judge.evaluate(_replace(value, old, new), index_syntax, helpers, src)
        except MatcalcError:
            continue
        if judge.compare(got).ok:
            span = node.span
            at = _text(src, span)
            where = f" (line {span.line}, column {span.column})" if span.line else ""
            at = f"${at}$" if at else "a sub-expression"
            return f"it goes wrong at {at}{where}: right if {how}"
    return ""
