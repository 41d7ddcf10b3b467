"""A page's own macros, used but defined nowhere in the text (a MathJax configuration of
the site, a preamble left out of the copy): ``\\g x_i`` and ``\\g \\alpha \\in \\R^N`` where the
page's configuration makes ``\\g`` bold, ``f \\in \\H`` with ``\\H`` the RKHS (corpus 104).

Contract: `page_macros(regions) -> (regions, notes)`. `regions` maps a region's number to
its tokens after `macros.expand`, `layout` and `clean` (a macro the text defines is
expanded, what those passes read is read), just before the word pass; the returned tokens
have each command the word pass does not know (`known_command`) rewritten where one
reading alone fits, and `notes` lists (first use, reason) once per command. Two readings,
each only where it is safe:

- a **font**: every use of the command stands right before one letter (``\\g x``,
  ``\\g \\alpha``), and at least one use is declared -- ``\\g \\alpha \\in \\R^N``, the letter
  (with its scripts) followed by ``\\in`` -- a place where only a name can stand (an
  operator applied to a letter, an expectation ``\\E x``, is not declared a member of a
  set). Each use becomes ``\\boldsymbol``: ``\\g x`` is the name x.
- a **set's name**: every use stands where a set does -- right after ``\\in`` or as a whole
  subscript (``\\|f\\|_{\\H}``), and at least one after ``\\in``, and what follows each use
  can end a set's name (a script, the end of a group, punctuation; never a number or a
  group: ``\\in \\llbracket 1, n \\rrbracket`` is a bracket). Each use becomes the name
  of that set (``\\mathcal{H}`` for one capital letter, else ``\\mathrm{..}``): a set
  membership the reader does not take is then skipped as before, now without the command.

Anything else stays an unknown command (refused by name where it is needed, commands.py).
Pure; never raises.
"""
from __future__ import annotations

from functools import lru_cache

from ..errors import ParseError
from .tokens import GREEK, Tok

SET_BEFORE = ("in", "notin", "subset", "subseteq")


def _letter(t) -> bool:
    return t is not None and (t.kind == "letter" or (t.kind == "cmd" and t.value in GREEK))


def _at(toks, j):
    return toks[j] if 0 <= j < len(toks) else None


def _after_scripts(toks, j):
    """The index after the scripts (``_i``, ``^{(k)}``, a prime) that follow toks[j]."""
    j += 1
    while j < len(toks) and toks[j].kind == "char" and toks[j].value in "_^'":
        if toks[j].value == "'":
            j += 1
            continue
        j += 1
        if j < len(toks) and toks[j].kind == "{":
            depth = 0
            while j < len(toks):
                depth += {"{": 1, "}": -1}.get(toks[j].kind, 0)
                j += 1
                if depth == 0:
                    break
        else:
            j += 1
    return j


def _declared_use(toks, j) -> bool:
    nxt = _at(toks, _after_scripts(toks, j + 1))
    return nxt is not None and nxt.kind == "cmd" and nxt.value == "in"


def _ends_set(t) -> bool:
    """Can a set's name stand before `t`: a script, the end of a group or formula,
    punctuation -- not a number, a letter, a group or a bracket (``\\in \\llbracket 1, n
    \\rrbracket`` is no set's name: what follows it is its inside)?"""
    return t is None or t.kind in ("}", "break") or (
        t.kind == "char" and t.value in "^_,.;:)]") or (t.kind == "cmd" and t.value in (
            "quad", "qquad", "text", "mbox", "|", "rVert", "right", "times", "cup", "cap"))


def _set_use(toks, j) -> str | None:
    """'in' after a set relation, 'sub' as a whole subscript, else None; either only
    where a set's name can end there (`_ends_set`)."""
    if not _ends_set(_at(toks, j + 1)):
        return None
    before = _at(toks, j - 1)
    if before is not None and before.kind == "cmd" and before.value in SET_BEFORE:
        return "in"
    if before is not None and before.kind == "char" and before.value == "_":
        return "sub"
    b2, after = _at(toks, j - 2), _at(toks, j + 1)
    if before is not None and before.kind == "{" and b2 is not None and b2.kind == "char" \
            and b2.value == "_" and after is not None and after.kind == "}":
        return "sub"
    return None


def _set_name(t, v):
    font = "mathcal" if len(v) == 1 and v.isupper() else "mathrm"
    made = [t.at("cmd", font), t.at("{", "{"), *(t.at("letter", c) for c in v), t.at("}", "}")]
    for x in made[1:]:
        x.sp = False        # one word, as written inside the braces
    return made


@lru_cache(maxsize=None)
def known_command(name: str) -> bool:
    """Does the word pass read ``\\name`` (before a letter x)? Decided by the reader's own
    table of command readings (`commands.command`), not a copy of it."""
    from .commands import command
    from .words import WordPass
    t = Tok("cmd", name, 1, 1, 1, 1 + len(name))
    w = WordPass([t, Tok("letter", "x", 1, 3, 1, 4), Tok("break", "$", 1, 4, 1, 5)], "")
    w.i = 1
    try:
        command(w, t)
    except ParseError as e:
        return f"unknown command \\{name}" not in str(e)
    except Exception:       # noqa: BLE001 - a row that needs more context knows the name
        return True
    return True


def page_macros(regions: dict):
    """(regions with the page's macros rewritten, [(first use, reason)] to note)."""
    uses: dict = {}
    for k, toks in regions.items():
        for j, t in enumerate(toks):
            if t.kind == "cmd" and isinstance(t.value, str) and t.value.isalpha() and \
                    not known_command(t.value):
                uses.setdefault(t.value, []).append((k, j))
    plans, notes = {}, []
    for v, at in uses.items():
        first = regions[at[0][0]][at[0][1]]
        sets = [_set_use(regions[k], j) for k, j in at]
        if all(sets) and "in" in sets:
            plans[v] = "set"
            notes.append((first, f"\\{v} is defined nowhere in the text (a macro of the "
                                 f"page) and stands only where a set does (after \\in, or "
                                 f"as a subscript): read as the name of a set"))
            continue
        if all(_letter(_at(regions[k], j + 1)) for k, j in at):
            declared = [(k, j) for k, j in at if _declared_use(regions[k], j)]
            if declared:
                k, j = declared[0]
                nxt = regions[k][j + 1]
                letter = f"\\{nxt.value}" if nxt.kind == "cmd" else nxt.value
                plans[v] = "font"
                notes.append((first, f"\\{v} is defined nowhere in the text (a macro of the "
                                     f"page); every use stands before one letter and "
                                     f"\\{v} {letter} is declared (\\in), where only a name "
                                     f"can stand: read as a bold font, \\{v} {letter} is the "
                                     f"name {letter}"))
    if not plans:
        return regions, []
    out = {}
    for k, toks in regions.items():
        new = []
        for t in toks:
            plan = plans.get(t.value) if t.kind == "cmd" else None
            if plan == "font":
                new.append(t.at("cmd", "boldsymbol"))
            elif plan == "set":
                new.extend(_set_name(t, t.value))
            else:
                new.append(t)
        out[k] = new
    return out, notes
