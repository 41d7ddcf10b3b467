"""Shapes a post states in a sentence instead of a declaration.

Contract: `shape_statements(text, regs, k)` -> the statements (`ShapeStatement`) the prose
right after math region `regs[k]` makes about the name in that region; a pure function
that never raises. Two kinds of sentence are read, each from phrases kept as data below:

  - an ASIDE in parentheses (corpus 041): ``(where x is dimension (1x5), $W_1$ is (5x3)
    and $b_1$ is (1x3))`` -- each ``<name> is [dimension] (<a>x<b>)`` with a one-letter
    name or a name in math and whole-number sizes;
  - a SUBSCRIPT shape: a region holding a name subscripted by its shape, then a phrase
    of `SUBSCRIPT_PHRASES` (``Let $$X_{M\\times N}$$ be the attribute matrix``, corpus
    019): the shape of the name without the subscript;
  - a SENTENCE whose sizes are math (corpus 117): the region holds one name, and the prose
    after it, on the same line, is one of `SHAPE_PHRASES`, where ``{SIZE}`` is a math
    region holding sizes as a declaration writes them after ``\\mathbb{R}^`` (``$m \\times
    n$``, ``$n$``, ``$5$``, ``$d+1$``) and ``{SPACE}`` a region holding a space
    (``$\\mathbb{R}^{m}$``): ``$X$ is an $m \\times n$ input matrix``, ``$X$ is $n \\times
    d$``, ``$y$ is an $m$-dimensional vector``, ``$y$ is an $m$-vector``, ``$y$ is a
    vector of length $m$``, ``$X$ is a matrix of size $m \\times n$``, ``$y$ is a vector
    in $\\mathbb{R}^m$``. A size written ``m x n`` in math is not read (``x`` may be a
    name: ``m x n`` is also a product);
  - a TUPLE (corpus 131): ``$X = (m, n)$ input matrix with $m$ features`` -- a name set
    equal to a pair of sizes (`_tuple`, which says what supports the reading).

A shape <a> x 1 is a column: it is stated as the vector of length <a> (``$w$ is an $n \\times
1$ column matrix``); 1 x <a> stays a 1 x <a> matrix (a row). The lowerer
(`lower/prose_names.py`) declares the names, refuses two statements that disagree, and
notes each shape it takes.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional, Tuple

from ..errors import ParseError
from . import syntax as S

_WORD = r"[A-Za-z][A-Za-z-]*"
_ARTICLE = r"(?:an?\s+|the\s+)?"
_VERB = r"(?:is|be|denotes|represents)\s+"
# (how the phrase reads, pattern over the prose with each math region replaced by
#  "\x00<j>\x00", how many sizes the phrase wants: 2 = a matrix, 1 = a vector, 0 = either)
# up to 3 describing words before the size (``a square invertible $n \times n$ matrix``);
# a function word among them (``the first row of the $n \times n$ matrix``) is no description
_FUNCTION_WORDS = r"(?:of|from|in|on|at|with|to|by|for|and|or|not|the|an?|its|their)\b"
_DESCRIBING = r"(?:(?!" + _FUNCTION_WORDS + r")" + _WORD + r"\s+){0,3}"
SHAPE_PHRASES = (
    ("an [words] <a x b> [words] matrix",
     _VERB + _ARTICLE + _DESCRIBING + r"{SIZE}\s+(?:" + _WORD + r"\s+){0,3}"
     r"matri(?:x|ces)(?![\w-])", 2),
    ("<a x b>", _VERB + r"{SIZE}(?=\s*(?:[,;.)]|and\b|$))", 2),
    ("an <a>-dimensional [words] vector",
     _VERB + _ARTICLE + r"{SIZE}\s*-\s*dimensional\s+(?:" + _WORD + r"\s+){0,2}vector\b", 1),
    ("an <a>-vector", _VERB + _ARTICLE + r"{SIZE}\s*-\s*vector\b", 1),
    ("a [words] vector of length|size|dimension <a>",
     _VERB + _ARTICLE + r"(?:" + _WORD + r"\s+){0,2}vector\s+of\s+"
     r"(?:length|size|dimension|dimensionality)\s+{SIZE}", 1),
    ("a [words] matrix of size|shape|dimension[s] <a x b>",
     _VERB + _ARTICLE + r"(?:" + _WORD + r"\s+){0,2}matrix\s+of\s+"
     r"(?:size|shape|dimensions?|order)\s+{SIZE}", 2),
    ("a [words] vector|matrix in <space>",
     _VERB + _ARTICLE + r"(?:" + _WORD + r"\s+){0,2}(?:vector|matrix|point|element)\s+"
     r"(?:in|of)\s+{SPACE}", 0),
)
# a sentence that says a name, or a power of it by a whole number, is one number (corpus
# 123: "where $$\sigma^2$$ is a scalar"): the name is a real scalar (the power of a vector
# or a matrix is none); "positive" is kept as the name's sign only when the region holds
# the name itself (sigma^2 > 0 says nothing of the sign of sigma)
SCALAR_PHRASE = "a [real|positive] scalar|number"
_SCALAR = re.compile(_VERB + _ARTICLE + r"(?P<sign>(?:(?:real|positive|nonnegative|"
                     r"non-negative|strictly\s+positive)\s+){0,2})(?:scalar|number)\b",
                     re.IGNORECASE)
# a region holding a name with its shape as a subscript, then a phrase that says what it is
# (corpus 019: "Let $$X_{M\times N}$$ be the attribute matrix"): the subscript is the shape
SUBSCRIPT_PHRASES = (
    ("<X_{a x b}> is the [words] matrix",
     _VERB + _ARTICLE + r"(?:" + _WORD + r"\s+){0,4}matri(?:x|ces)(?![\w-])"),
)
_SUBSCRIPT_SHAPE = re.compile(r"^\s*(?P<name>[^_]+)_\{(?P<size>[^{}]*\\times[^{}]*)\}\s*$")
# the row whose sizes could also be a product stated in words ("$c$ is $a \times b$"):
# read as a shape only when no size is a value of the document (lower/prose_names.py)
BARE = "<a x b>"
# a shape written as a tuple, ``$X = (m, n)$ input matrix`` (corpus 131): the rows lower
# reads (`_tuple`): supported by the words beside it, or by nothing said
TUPLE = "<X = (a, b)> [words] matrix"
TUPLE_BARE = "<X = (a, b)>"
_TUPLE_SOURCE = re.compile(r"^\s*[^=]+=\s*(?:\\left\s*)?\(")
# (never "vector": ``$x = (a, b)$ vector`` is the vector of entries a, b, not a×b)
_TUPLE_AFTER = re.compile(r"\s*(?:" + _WORD + r"\s+){0,3}(?:matri(?:x|ces)|arrays?|tensors?)"
                          r"(?![\w-])", re.IGNORECASE)
_TUPLE_AFTER_WORD = re.compile(r"\s*\(?\s*(?:of\s+)?(?:shape|dimensions?|dims|size)\b",
                               re.IGNORECASE)
_TUPLE_BEFORE = re.compile(r"\b(?:shapes?|dimensions?|dims|sizes?)\s*(?:is|are|of|=|:)?\s*$",
                           re.IGNORECASE)
_SUBSCRIPTS = tuple((how, re.compile(p, re.IGNORECASE)) for how, p in SUBSCRIPT_PHRASES)
_COMPILED = tuple((how, re.compile(p.replace("{SIZE}", r"\x00(?P<size>\d+)\x00")
                                     .replace("{SPACE}", r"\x00(?P<space>\d+)\x00"),
                                   re.IGNORECASE), n) for how, p, n in SHAPE_PHRASES)

# one "<name> is [dimension|of dimension|of size] (<a> x <b>)" inside parentheses
_SIZE = r"\(\s*(\d+)\s*[x×\*]\s*(\d+)\s*\)"
_SHAPE_ITEM = re.compile(
    r"(?:^|[\s,(])(?:(?P<letter>[A-Za-z])|\$(?P<math>[^$]+)\$)\s+is\s+"
    r"(?:(?:of\s+)?(?:dimension|dimensions|size|shape)\s+)?" + _SIZE)


@dataclass(frozen=True)
class ShapeStatement:
    """`name` (syntax) has the sizes `dims` (syntax, one per axis), as `sentence` (the
    words as written) says at `place` ((start, end) offsets in the text); `phrase` is the
    row of `SHAPE_PHRASES` it matched (or "aside"); `part` the (start, end) offsets of
    the math region holding the sizes (part of the sentence, never a formula), or None."""
    name: object
    dims: Tuple[object, ...]
    sentence: str
    place: Tuple[int, int]
    phrase: str
    part: Optional[Tuple[int, int]] = None
    positive: bool = False          # the words say the (scalar) name is positive
    identity: bool = False          # "$I_n$ is the n x n identity matrix": no input


def column(dims):
    """<a> x 1 is the column vector of length <a>."""
    if len(dims) == 2 and isinstance(dims[1], S.Num) and dims[1].value == "1":
        return dims[:1]
    return tuple(dims)


def _plain_size(e) -> bool:
    """A size as a sentence writes one: a number, a name, a sum of those (never a
    juxtaposition, ``m x n`` is also the product m*x*n)."""
    if isinstance(e, (S.Num, S.Sym, S.Sub)):
        return True
    return isinstance(e, S.BinOp) and e.op in ("+", "-") and _plain_size(e.left) \
        and _plain_size(e.right)


def _space_of(src: str, sized: bool) -> Optional[tuple]:
    """The sizes `src` states: a space (``\\mathbb{R}^{m}``) or, when `sized`, the
    exponent of one (``m \\times n``); None when it is neither."""
    from .parse import parse          # the reader's own parser (a cycle at import time)
    text = "Z \\in " + ("\\mathbb{R}^{" + src + "}" if sized else src)
    try:
        doc = parse(text)
    except (ParseError, RecursionError, IndexError):       # as `prose._one_name`
        return None
    if len(doc.statements) != 1 or not isinstance(doc.statements[0], S.Decl):
        return None
    space = doc.statements[0].space
    if space.kind != "real" or not space.dims or not all(_plain_size(d) for d in space.dims):
        return None
    return tuple(space.dims)


def shape_statements(text, regs, k, inner, one_name):
    """The statements of the prose after region `regs[k]` (`inner(text, r)` is a region's
    text between its delimiters, `one_name(src)` the name `src` is or None)."""
    r = regs[k]
    eol = text.find("\n", r.end)
    eol = len(text) if eol < 0 else eol
    out = list(_aside(text[r.end:eol], r.end, one_name))
    src = inner(text, r) or ""
    tupled = _tuple(text, r, src, eol)
    if tupled is not None:
        return out + [tupled]
    if _SUBSCRIPT_SHAPE.match(src):
        return out + _subscript(text, r, src, eol, one_name)
    name = one_name(src)
    scalar = _scalar_statement(text, r, src, eol, name, one_name)
    if scalar is not None:
        return out + [scalar]
    if name is None:
        return out
    prose, spans = masked_line(text, regs, k, eol)
    lead = re.match(r"\s*", prose).end()
    for how, pattern, want in _COMPILED:
        m = pattern.match(prose, lead)
        if not m:
            continue
        j = int(m.group("size") if "size" in pattern.groupindex else m.group("space"))
        src = inner(text, spans[j])
        dims = _space_of(src, "size" in pattern.groupindex) if src is not None else None
        if dims is None:
            continue
        if want and len(dims) != want:
            continue          # "$X$ is $n$": X equals n, not a shape
        dims = column(dims)
        end = len(unmask(prose[:m.end()], text, spans)) + r.end
        sentence = text[r.start:end].strip()
        out.append(ShapeStatement(name, dims, sentence, (r.start, end), how,
                                  (spans[j].start, spans[j].end),
                                  identity=_identity(name, sentence)))
        break
    return out


def lone_statement(src: str, kind):
    """The one statement the math `src` holds when it is one statement of `kind` (S.Bare,
    S.Def), else None (it does not parse, or holds more)."""
    from .parse import parse          # the reader's own parser (a cycle at import time)
    try:
        doc = parse(src)
    except (ParseError, RecursionError, IndexError):
        return None
    if len(doc.statements) != 1 or not isinstance(doc.statements[0], kind):
        return None
    return doc.statements[0]


def _tuple(text, r, src, eol):
    """``$X = (m, n)$ input matrix``: a region holding one name set equal to a parenthesised
    pair of sizes (numbers, names, sums of those), a shape written as a tuple; the region
    is the statement's `part` (a sentence, not a definition). `phrase` says what supports
    the shape reading: TUPLE where the words beside it do (an array word after it --
    ``matrix``, ``array``, ``tensor``, never ``vector``: ``$x = (a, b)$ vector`` is the
    vector of a, b --, ``shape``/``dimension``/``size`` right after it or right before
    it, ``shape $X = (m, n)$``), TUPLE_BARE where nothing does (lower takes it only where formulas use
    the name as a matrix in a product whose inner sizes agree). None for anything else."""
    m = _TUPLE_SOURCE.match(src)
    st = lone_statement(src, S.Def) if m else None
    if st is None:
        return None
    value = st.value
    if st.params is not None or st.middle or not isinstance(st.target, S.Sym) or \
            not isinstance(value, S.Stack) or value.width != 1 or len(value.items) != 2 or \
            not all(_plain_size(d) for d in value.items):
        return None
    bol = text.rfind("\n", 0, r.start) + 1
    after, before = text[r.end:eol], text[bol:r.start]
    said = _TUPLE_AFTER.match(after) or _TUPLE_AFTER_WORD.match(after) or \
        _TUPLE_BEFORE.search(before)
    end = r.end + (said.end() if said and said.string is after else 0)
    sentence = text[r.start:end].strip()
    return ShapeStatement(st.target, column(value.items), sentence, (r.start, end),
                          TUPLE if said else TUPLE_BARE, (r.start, r.end))


def _identity(name, sentence) -> bool:
    """``$$\\mathbf I_{n}$$ is a $n\\times n$ identity matrix`` (corpus 123): the identity
    written with its size, I_{n}, which is no input to declare (it was declared an n×n
    matrix of data, and the gradient taken with a random I_n in place of the identity);
    the statement is kept (its sizes are part of the sentence, never a formula)."""
    base = name.base if isinstance(name, S.Sub) else name
    return isinstance(base, S.Sym) and base.name == "I" and base.accent is None and \
        re.search(r"\bidentity\b", sentence, re.IGNORECASE) is not None


def _scalar_statement(text, r, src, eol, name, one_name):
    """``$\\sigma^2$ is a scalar``, ``$\\lambda$ is a positive number``: the statement
    that the name is a real scalar (`positive` set when the region holds the name and the
    words say positive), or None."""
    power = None
    if name is None:
        m = re.match(r"^\s*(?P<base>.+?)\s*\^\s*(?:\{\s*(?P<k>\d+)\s*\}|(?P<d>\d))\s*$", src)
        power = one_name(m.group("base")) if m else None
        if power is None:
            return None
    prose = text[r.end:eol]
    said = _SCALAR.match(prose, re.match(r"\s*", prose).end())
    if not said:
        return None
    end = r.end + said.end()
    positive = power is None and "positive" in said.group("sign").lower() and \
        "non" not in said.group("sign").lower()
    return ShapeStatement(power if power is not None else name, (), text[r.start:end].strip(),
                          (r.start, end), SCALAR_PHRASE, positive=positive)


def _subscript(text, r, src, eol, one_name):
    """``$$X_{M\\times N}$$ be the attribute matrix``: the shape M×N of X."""
    m = _SUBSCRIPT_SHAPE.match(src)
    name = one_name(m.group("name")) if m else None
    dims = _space_of(m.group("size"), True) if name is not None else None
    if dims is None or len(dims) != 2:
        return []
    prose = text[r.end:eol]
    for how, pattern in _SUBSCRIPTS:
        said = pattern.match(prose, re.match(r"\s*", prose).end())
        if said:
            end = r.end + said.end()
            return [ShapeStatement(name, column(dims), text[r.start:end].strip(),
                                   (r.start, end), how, (r.start, r.end))]
    return []


# a name in a sentence of a masked line (`masked_line`): one letter written in the words, or
# a math region (masked as NUL, its number, NUL) -- the group `letter` or `region`
SAID_NAME = r"(?:(?<![\\\w])(?P<letter>[A-Za-z])(?![\w'])|\x00(?P<region>\d+)\x00)"


def said_name(m, own, text, spans, inner, one_name):
    """The name a phrase matched on a masked line speaks of: `own` (the region's own name)
    where the phrase has no `SAID_NAME` in it, else the letter it wrote or the name of the
    math region it masked (`spans`: the masked regions). None where that is no one name."""
    if "letter" not in m.re.groupindex:
        return own
    if m.group("letter"):
        return one_name(m.group("letter"))
    body = inner(text, spans[int(m.group("region"))])
    return one_name(body) if body is not None else None


def said_phrases(rows, prose, lead, r, own, text, spans, inner, one_name):
    """Each row (how, compiled pattern) of `rows` that matches the masked line `prose` at
    `lead` and speaks of one name (`said_name`), in order: (how, name, (start, end)) with the
    sentence's offsets in `text` -- from the region `r` itself where the phrase speaks of the
    region's own name, else from the words after it."""
    for how, pattern in rows:
        m = pattern.match(prose, lead)
        name = said_name(m, own, text, spans, inner, one_name) if m else None
        if name is None:
            continue
        end = r.end + len(unmask(prose[:m.end()], text, spans))
        start = r.start if "letter" not in pattern.groupindex else \
            r.end + len(unmask(prose[:lead], text, spans))
        yield how, name, (start, end)


def masked_line(text, regs, k, eol):
    """(the prose after region `regs[k]` up to `eol`, each later region on it replaced by
    "\\x00<j>\\x00"; {j: that region}): the form the phrase tables match (also
    `constants.named_constants`, `normalised.normalised_statements`)."""
    masked, at, spans = [], regs[k].end, {}
    for j in range(k + 1, len(regs)):        # the regions on the same line, as tokens
        q = regs[j]
        if q.start >= eol or q.end is None or q.end > eol:
            break
        masked.append(text[at:q.start] + f"\x00{j}\x00")
        spans[j] = q
        at = q.end
    masked.append(text[at:eol])
    return "".join(masked), spans


def unmask(masked, text, spans):
    """`masked` (a prefix of a `masked_line`) with its regions written back."""
    return re.sub("\x00(\\d+)\x00", lambda m: text[spans[int(m.group(1))].start:
                                                  spans[int(m.group(1))].end], masked)



def _aside(prose: str, at: int, one_name):
    """``(where x is dimension (1x5), $W_1$ is (5x3) and $b_1$ is (1x3))`` right after a
    region: the shapes it states."""
    m = re.match(r"\s*\(\s*(?:where|with)?\s*", prose)
    if not m:
        return
    depth, end = 0, None
    for j in range(m.start(), len(prose)):       # the parenthesis that opens the aside
        c = prose[j]
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                end = j + 1
                break
    if end is None:
        return
    aside = prose[m.start():end]
    for item in _SHAPE_ITEM.finditer(aside):
        name = S.Sym(item.group("letter")) if item.group("letter") else \
            one_name(item.group("math"))
        if name is None:
            continue
        dims = column((S.Num(item.group(3)), S.Num(item.group(4))))
        yield ShapeStatement(name, dims, aside.strip(), (at + m.start(), at + end), "aside")
