"""Script letters beside the plain letter: ``\\mathcal{V}`` and ``V`` in one document.

DESIGN.md binds that a font command does not make a different variable (``\\mathbf{x}``
and ``x`` are one name: sloppy posts mix them), so ``\\mathcal{L}`` is the name L (keyword
L) -- in every document that reads well so. A careful reader also knows that a
calligraphic, script, fraktur or blackboard letter (``\\mathcal{V}``, ``{\\cal V}``,
``\\mathscr{V}``, ``\\mathfrak{V}``, ``\\mathbb{V}``) is conventionally another symbol than
the plain one (a loss \\mathcal{L} beside a number of layers L). Where one letter is
spelled both ways (bold counts as plain):

  1. read as one name the document is not well-formed -- a definition of one spelling
     uses the other (``V = \\frac{1}{2} q^T \\mathcal{V} q``: circular as one name), or the
     two spellings are declared with different shapes, or defined with different
     values --: each such letter is a name of its own (`Sym.accent` "cal" | "scr" |
     "frak" | "bb": keyword ``V_cal``, LaTeX ``\\mathcal{V}``), and a note says why;
  2. otherwise, where two spellings are each introduced (declared or defined) and each
     stand in formulas (not only as the name introduced): read as one name or as two, the
     document gives different numbers (``L, \\mathcal{L} \\in \\mathbb{R}^{n \\times n}``,
     ``f = x^T L x + x^T \\mathcal{L} x``) -- refused, naming both readings;
  3. otherwise one name, as DESIGN.md reads it.

Contract: `script_names(statements, source)` -> (statements, notes): the statements with
rule 1's letters renamed, and one `Note` per renamed letter. Raises a located ParseError
for rule 2. A letter's spelling is read from the source just before its span
(``\\mathcal{`` / ``{\\cal `` before the letter), so a name the reader made (no span) or
one spelled through a macro counts as no spelling.
"""
from __future__ import annotations

import dataclasses
import re

from . import syntax as S
from ..errors import ParseError

# the font command written right before a letter -> its spelling (the name's accent)
_SCRIPT_BEFORE = re.compile(r"\\(mathcal|mathscr|mathfrak|mathbb|Bbb|cal)\s*\{?\s*$")
SPELLING = {"mathcal": "cal", "cal": "cal", "mathscr": "scr", "mathfrak": "frak",
            "mathbb": "bb", "Bbb": "bb"}
COMMAND = {"cal": "\\mathcal", "scr": "\\mathscr", "frak": "\\mathfrak", "bb": "\\mathbb"}


class _Spellings:
    """The spelling of each letter occurrence, read from the source."""

    def __init__(self, source):
        self.lines = source.splitlines()

    def of(self, sym) -> str | None:
        """"plain", a script spelling ("cal", ...), or None (no place in the source)."""
        sp = sym.span
        if not sp or not sp.line or sp.line > len(self.lines):
            return None
        # the command is at most a few characters before the letter (``\\mathfrak { ``)
        before = self.lines[sp.line - 1][max(0, sp.column - 25):max(0, sp.column - 1)]
        m = _SCRIPT_BEFORE.search(before)
        return SPELLING[m.group(1)] if m else "plain"


def _name_of(e):
    """The Sym a declaration or definition introduces (``f`` of ``f(x)``, ``K`` of
    ``K_{ij}``), or None."""
    if isinstance(e, S.Apply):
        e = e.func
    if isinstance(e, S.Sub):
        e = e.base
    return e if isinstance(e, S.Sym) else None


def _letter(sym):
    """The key of a letter whatever its spelling (the span does not compare)."""
    return dataclasses.replace(sym, span=S.NOSPAN)


def _introduced(statements, spell):
    """{letter: {spelling: [(kind, statement, target Sym)]}} of the declarations and
    definitions (kind "decl" / "def")."""
    out: dict = {}
    for st in statements:
        pairs = []
        if isinstance(st, S.Decl):
            pairs = [("decl", t) for t in st.targets]
        elif isinstance(st, S.Def) and st.target is not None:
            pairs = [("def", st.target)]
        for kind, t in pairs:
            sym = _name_of(t)
            s = spell.of(sym) if sym is not None else None
            if s is not None:
                out.setdefault(_letter(sym), {}).setdefault(s, []).append((kind, st, sym))
    return out


def _used(statements, spell):
    """{letter: {spelling: first Sym}} of the letters standing in formulas, other than as
    the name a declaration or definition introduces."""
    out: dict = {}
    for st in statements:
        if isinstance(st, S.Unreadable):
            continue
        skip = set()
        if isinstance(st, S.Decl):
            skip = {id(_name_of(t)) for t in st.targets}
        elif isinstance(st, S.Def) and st.target is not None:
            skip = {id(_name_of(st.target))}
        for n in S.walk(st):
            if isinstance(n, S.Sym) and id(n) not in skip:
                s = spell.of(n)
                if s is not None:
                    out.setdefault(_letter(n), {}).setdefault(s, n)
    return out


def _spelled(letter, spelling) -> str:
    from ..names import latex_of
    plain = latex_of(letter)
    return plain if spelling == "plain" else f"{COMMAND[spelling]}{{{plain}}}"


def _ill_formed(letter, intro, spell):
    """Why reading the spellings of `letter` as one name is not well-formed (rule 1), in
    words, or None."""
    for spelling, items in intro.items():
        for kind, st, _ in items:
            if kind != "def":
                continue
            others = {spell.of(n) for part in (st.value,) + tuple(st.middle)
                      for n in S.walk(part) if isinstance(n, S.Sym) and _letter(n) == letter}
            others -= {spelling, None}
            if others:
                other = sorted(others)[0]
                return (f"its definition {_spelled(letter, spelling)} = ... uses "
                        f"{_spelled(letter, other)}, so read as one name it would define "
                        f"itself")
    decls = {s: [st.space for k, st, _ in items if k == "decl"] for s, items in intro.items()}
    defs = {s: [st.value for k, st, _ in items if k == "def"] for s, items in intro.items()}
    for table, what in ((decls, "declared with different shapes"),
                        (defs, "defined differently")):
        seen = [(s, v[0]) for s, v in table.items() if v]
        for (s1, v1), (s2, v2) in zip(seen, seen[1:]):
            if v1 != v2:
                return f"{_spelled(letter, s1)} and {_spelled(letter, s2)} are {what}"
    return None


def _renamed(node, letters, spell):
    """`node` with every occurrence of a letter in `letters` spelled in a script font made
    the name of its own (accent = the spelling, innermost)."""
    if isinstance(node, S.Sym):
        if _letter(node) in letters:
            s = spell.of(node)
            if s not in (None, "plain"):
                return dataclasses.replace(node, accent=s + ("_" + node.accent
                                                             if node.accent else ""))
        return node
    if isinstance(node, tuple):
        return tuple(_renamed(x, letters, spell) for x in node)
    if isinstance(node, S.Document):
        return node
    return S.rebuilt(node, lambda c: _renamed(c, letters, spell))


def script_names(statements, source):
    """See the module docstring."""
    from ..notes import note_at
    spell = _Spellings(source)
    used = _used(statements, spell)
    intro = _introduced(statements, spell)
    letters = {k for table in (used, intro) for k in table
               if len(set(used.get(k, {})) | set(intro.get(k, {}))) > 1}
    rename, notes = set(), []
    for letter in sorted(letters, key=lambda s: (s.name, str(s.accent))):
        why = _ill_formed(letter, intro.get(letter, {}), spell)
        spellings = sorted(set(used.get(letter, {})) | set(intro.get(letter, {})),
                           key=lambda s: (s != "plain", s))
        if why is not None:
            rename.add(letter)
            from ..names import keyword_of
            for s in spellings[1:] if spellings[0] == "plain" else spellings:
                mine = dataclasses.replace(letter, accent=s)
                at = (used.get(letter, {}).get(s) or
                      next(sym for _, _, sym in intro[letter][s]))
                notes.append(note_at(source, at.span,
                                     f"{_spelled(letter, s)} read as a name of its own "
                                     f"(keyword {keyword_of(mine)}), not "
                                     f"{_spelled(letter, 'plain')}: a font command does not "
                                     f"make a different variable, but {why}",
                                     "inferred"))
            continue
        both = sorted(set(used.get(letter, {})) & set(intro.get(letter, {})),
                      key=lambda s: (s != "plain", s))
        if len(both) > 1:
            a, b = both[0], both[1]
            at = used[letter][b]
            raise ParseError(
                f"{_spelled(letter, a)} and {_spelled(letter, b)} both stand in the "
                f"formulas: read as one name (a font command does not make a different "
                f"variable) or as two (a {COMMAND[b][1:]} letter is another symbol), the "
                f"document gives different values: write one spelling, or rename one of "
                f"them", at.span.line, at.span.column, source, at.span.end_column)
    if not rename:
        return list(statements), []
    return [_renamed(st, rename, spell) for st in statements], notes


def as_spelled(expr, source):
    """`expr`, a name read from `source` alone (a ``wrt=`` or ``objective=`` string), with
    a script letter made the name of its own (``{\\cal L}`` -> the Sym keyword L_cal): the
    name to look up first in a document where that letter is one (rule 1)."""
    spell = _Spellings(source)
    return _renamed(expr, {_letter(n) for n in S.walk(expr) if isinstance(n, S.Sym)}, spell)
