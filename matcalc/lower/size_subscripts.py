"""Sizes written as subscripts inside a formula: ``\\mathbf X_{p\\times n}'(\\sigma^2
\\mathbf I_{n} + \\mathbf Z_{n\\times q} \\mathbf G_{q\\times q} \\mathbf Z_{q\\times n}')^{-1}
\\mathbf X_{n\\times p}`` (corpus 123): each name carries its size as a subscript ``a \\times b``.

Contract: `size_subscripts(doc) -> (doc, sizes)` is a pure function of the syntax. Every
``X_{a \\times b}`` (one subscript, a product written with \\times of two plain sizes: names,
numbers, sums of those) becomes the name X (``X_{a\\times b}'`` its transpose, and
``X_{a\\times b}'(...)``, a call to the parser, the product X^T (...)), and `sizes` maps X's keyword to a `Sized`: the
shape it gives X, where, and the words for the note. On a primed name ``X_{a\\times b}'`` the
size is read as that of what is written, X' (so X is b×a), which makes ``X_{p\\times n}'`` and
``X_{n\\times p}`` agree; where that reading disagrees between two places and the size of
the name itself (X is a×b, then transposed) agrees, that one is taken; both agreeing and
different (a primed name only), or neither, raise a ParseError naming the readings. A size
``a \\times 1`` is a column vector. The identity ``I`` keeps its subscript (`naming`), as does
every other subscript. The lowerer declares each name so sized (one declared in math with
another shape is refused there, naming both) and notes it.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import names
from ..errors import ParseError, error_at
from ..read import syntax as S
from ..read.prose_shapes import column


@dataclass(frozen=True)
class Sized:
    """X is `shape` (syntax sizes), as the subscripts at `spans` say (`written`: their text)."""
    name: S.Sym
    shape: tuple
    spans: tuple
    transposed: bool        # the size of a primed X was read as the size of X'


def _plain(e) -> bool:
    if isinstance(e, (S.Num, S.Sym)):
        return True
    return isinstance(e, S.BinOp) and e.op in (S.ADD, S.SUB) and _plain(e.left) and \
        _plain(e.right)


def _sized(e):
    """(base Sym, (a, b)) of ``X_{a \\times b}``, else None."""
    if not (isinstance(e, S.Sub) and isinstance(e.base, S.Sym) and len(e.subs) == 1):
        return None
    sub = e.subs[0]
    if not (isinstance(sub, S.BinOp) and sub.op == S.MUL and sub.sign == "times"):
        return None
    if not (_plain(sub.left) and _plain(sub.right)) or e.base.name == "I" or e.base.primes > 1:
        return None
    return e.base, (sub.left, sub.right)


def _mention(st) -> bool:
    """``Let $$X_{M\\times N}$$ be the attribute matrix``: the sized name alone, a mention
    in prose, which the prose reader reads with its sentence (`read/prose_shapes.py`)."""
    return isinstance(st, S.Bare) and _sized(st.value) is not None


_text = names.size_text


def _key(dims):
    return tuple(_text(d) for d in dims)


def declarations(sizes) -> tuple:
    """One declaration per sized name, ``X \\in \\mathbb{R}^{n \\times p}``, placed at its
    first subscript (a name declared in math with another shape is then refused as
    declared twice, naming both)."""
    return tuple(S.Decl((dataclasses.replace(z.name, span=z.spans[0]),),
                        S.Space("real", tuple(z.shape), z.spans[0]), span=z.spans[0])
                 for z in sizes.values())


def note(z) -> str:
    """What the note on a sized name says."""
    how = f" (the size of the transposed {names.latex_of(z.name)}' where it is written " \
          f"primed)" if z.transposed else ""
    shape = "x".join(_key(z.shape)) if len(z.shape) > 1 else f"a vector of length " \
        f"{_key(z.shape)[0]}"
    return f"{names.latex_of(z.name)} is declared {shape}, as its size subscripts say{how}"


def size_subscripts(doc: S.Document, source: str = ""):
    found = {}                          # keyword -> [(base, (a, b), span)]
    for st in doc.statements:
        if _mention(st):
            continue
        for n in S.walk(st):
            got = _sized(n)
            if got is not None:
                found.setdefault(names.keyword_of(dataclasses.replace(got[0], primes=0)),
                                 []).append((got[0], got[1], n.span))
    if not found:
        return doc, {}
    sizes = {kw: _reading(kw, uses, source) for kw, uses in found.items()}
    try:
        statements = tuple(st if _mention(st) else _stripped(st) for st in doc.statements)
    except RecursionError:
        return doc, {}
    return dataclasses.replace(doc, statements=declarations(sizes) + statements), sizes


def _reading(kw, uses, source):
    """The shape of X the subscripts give (see the module): the size of what is written,
    else of the name itself; refused when that is not one shape."""
    def shape(base, dims, as_written):
        return column(dims[::-1] if base.primes and as_written else dims)
    written = {_key(shape(b, d, True)) for b, d, _ in uses}
    plain = {_key(shape(b, d, False)) for b, d, _ in uses}
    base, dims, span = uses[0]
    name = dataclasses.replace(base, primes=0)
    latex = names.latex_of(name)
    spans = tuple(sorted((s for _, _, s in uses), key=lambda s: (s.line, s.column)))
    primed = any(b.primes for b, _, _ in uses)
    if len(written) == 1 and (len(plain) > 1 or written == plain):
        return Sized(name, shape(base, dims, True), spans, primed)
    if len(plain) == 1 and len(written) > 1:
        return Sized(name, shape(base, dims, False), spans, False)
    if len(written) == 1:
        raise error_at(ParseError, f"the size subscript of {latex}' has two readings: the "
                       f"size of {latex}' (then {latex} is {'x'.join(next(iter(written)))}) or "
                       f"of {latex} itself ({'x'.join(next(iter(plain)))}); declare {latex}",
                       span, source)
    raise error_at(ParseError, f"the size subscripts of {latex} give it two shapes: "
                   f"{' and '.join(sorted('x'.join(k) for k in written))}", span, source)


def _sized_call(node) -> bool:
    return isinstance(node, S.Apply) and _sized(node.func) is not None and len(node.args) == 1


def _stripped(node):
    """`node` with each ``X_{a \\times b}`` written as X and ``X_{a \\times b}'`` as X^T (a
    name with a size is an array: its prime is a transpose), and ``X_{a\\times b}'(...)``,
    which the parser reads as a call, as the product X^T (...)."""
    if _sized_call(node):
        return S.BinOp(S.MUL, _stripped(node.func), _stripped(node.args[0]), span=node.span)
    inner = node.base if isinstance(node, S.Pow) else node.arg \
        if isinstance(node, S.Transpose) else None
    if _sized_call(inner):
        # X_{a\times b}'(A)^{-1}: the power is the parenthesis's, X^T A^{-1}
        factor = dataclasses.replace(node, **{"base" if isinstance(node, S.Pow) else "arg":
                                              _stripped(inner.args[0])})
        return S.BinOp(S.MUL, _stripped(inner.func), S.rebuilt(factor, _stripped),
                       span=node.span)
    got = _sized(node)
    if got is not None:
        plain = dataclasses.replace(got[0], primes=0, span=node.span)
        return S.Transpose(plain, span=node.span) if got[0].primes else plain
    return S.rebuilt(node, _stripped)
