"""Pass 2 of lowering, what a skipped fragment means: a formula of a post that could not be
read is left out unless the objective needs what it would define or declare; then the
error points at that fragment.

Contract: `SkippedFragments` is a part of `document.Lowerer`; `self.skips` holds the
document's `declarations.Skip`s. Every method either returns or raises the skipped
fragment's own error (its place, with why it cannot be skipped: `fragment = True`).
"""
from __future__ import annotations

import re

import sympy as sp

from .. import ir, names
from ..errors import ParseError
from ..ir import Ref, Var
from ..notes import excerpt
from ..read import syntax as S
from .base import LoweringBase, walk_syntax


class SkippedFragments(LoweringBase):
    """Whether, and where, a skipped fragment is needed."""

    def _defines_nothing(self):
        msg = ("the document defines nothing to differentiate: write the objective as "
               "`f = ...` or as an expression on the last line")
        for sk in self.skips:      # the definition may be in a formula that cannot be read
            if sk.defines:
                raise self._needed_error(sk, sk.defines[0], "and nothing else defines "
                                         "anything to differentiate")
        if self.not_defs:  # say where the nearest thing to a definition is, and why not
            first = self.not_defs[0]
            target = first.target if first.target is not None else first.value
            raise self.perr(msg + "; this line is read as a statement about a derivative "
                            "or a known function, not as a definition", target)
        if self.skips:
            raise self.skips[0].error
        stmts = [st for st in self.doc.statements if getattr(st, "span", None)]
        if stmts:
            raise self.perr(msg, stmts[-1])
        raise ParseError(msg)

    # ------------------------------------------------------------ skipped fragments
    def _mentioned(self, roots) -> set:
        """Every name the definitions of `roots` mention, through the definitions they
        use (syntactically: it is asked when lowering failed), with their dimensions."""
        out, stack, seen = set(roots), list(roots), set()
        while stack:
            kw = stack.pop()
            if kw in seen or kw not in self.defsrc:
                continue
            seen.add(kw)
            for ds in [self.defsrc[kw]] + self.rivals.get(kw, []):
                for part in (ds.stmt.value,) + tuple(ds.stmt.middle):
                    for node in walk_syntax(part):
                        for x in (node, node.base if isinstance(node, S.Sub) else None):
                            k = names.keyword_of(x) if x is not None else None
                            if k is not None and k not in out:
                                out.add(k)
                                stack.append(k)
        for k in list(out):
            info = self.info.get(k)
            if info is not None:
                out |= {str(s) for d in info.shape for s in sp.sympify(d).free_symbols}
        return out

    def _raise_if_needed(self, mentioned, err):
        """Lowering failed: if a skipped fragment defines (first) or declares a name the
        objective's formulas mention that nothing readable defines, the error is there."""
        for sk in self.skips:
            for k in sk.defines:
                if k in mentioned and k not in self.defsrc:
                    raise self._needed_error(sk, k, "which the objective uses") from err
        for sk in self.skips:
            for k in sk.declares:
                if k in mentioned and k not in self.defsrc and k not in self._declared:
                    raise self._needed_error(sk, k, "which the objective uses") from err

    def _refuse_skipped_inputs(self, obj):
        """A skipped fragment that would define a name the objective takes as an input (or
        a dimension), or declare one that nothing readable declares, changes what the
        document means: refused, naming the fragment."""
        used, stack = set(), [obj]
        while stack:
            k = stack.pop()
            if k in used:
                continue
            used.add(k)
            for n in ir.walk(self.defs[k]):
                if isinstance(n, Ref):
                    stack.append(n.name)
                elif isinstance(n, Var):
                    used.add(n.name)
                for d in n.shape:
                    used |= {str(s) for s in sp.sympify(d).free_symbols}
        for sk in self.skips:
            for k in sk.defines:
                if k in used and k not in self.defsrc:
                    raise self._needed_error(sk, k, f"which the objective uses: without it "
                                             f"{sk.latex.get(k, k)} would be taken as an input")
            for k in sorted(used):       # out_1 of a skipped family out_k = ...
                base = k.split("_")[0]
                if "_" in k and base in sk.defines and len(sk.defines) > 1 and \
                        k not in self.defsrc and k not in self._declared:
                    tex = self.info[k].latex if k in self.info else k
                    raise self._needed_error(sk, base, f"which the objective uses as {tex}: "
                                             f"without it {tex} would be taken as an input")
        for sk in self.skips:     # what it defines could not be told: its left side names
            if sk.defines or sk.declares:   # an input the objective's inputs were inferred
                continue
            lhs = _written_lhs(excerpt(self.src, sk.span))
            for k in sorted(used):
                if lhs and k not in self.defsrc and k not in self._declared and \
                        _spelled_in(k, lhs):
                    tex = self.info[k].latex if k in self.info else k
                    raise self._needed_error(sk, k, "which the objective uses: without it "
                                             f"{tex} would be taken as an input", tex)
        # a name the objective's formulas mention counts even where it was read as
        # something else without its declaration: \pi the constant, where \pi \in R is lost
        mentioned = self._mentioned([obj])
        for sk in self.skips:    # its shape would be inferred, perhaps not as declared
            for k in sk.declares:
                if (k in used or k in mentioned) and k not in self.defsrc and \
                        k not in self._declared:
                    lost = (f"{sk.latex.get(k, k)} would be read as the constant"
                            if k in ("pi", "e") and k not in used else
                            f"the shape of {sk.latex.get(k, k)} would be inferred, not read")
                    raise self._needed_error(sk, k, f"which the objective uses: without it "
                                             f"{lost}")

    def _needed_error(self, sk, k, why, name=None):
        e = sk.error
        name = name or sk.latex.get(k, k)
        verb = "declares" if k in sk.declares and k not in sk.defines else "defines"
        out = type(e)(f"{e.bare_message} -- this formula cannot be skipped: it {verb} "
                      f"{name}, {why}", e.line, e.column, e.source, e.end_column)
        out.fragment = True
        return out

    def explain_missing(self, name):
        """The error of a skipped fragment that would define or declare `name` (a keyword
        or its LaTeX), or None: why a wrt or an objective the user names is missing."""
        for sk in self.skips:
            for k in sk.defines + sk.declares:
                if name in (k, sk.latex.get(k)) or names.python_name(k) == name:
                    return self._needed_error(sk, k, "which you asked for")
        want = name.replace(" ", "")
        for sk in self.skips:        # \log p(y|X, \theta) = ... written as the objective is
            text = excerpt(self.src, sk.span).replace(" ", "")
            for wrap in ("{", "\\displaystyle", "\\textstyle"):    # {\displaystyle L = ...}
                while want and text.startswith(wrap) and not want.startswith(wrap):
                    text = text[len(wrap):]
            rest = text[len(want):] if want and text.startswith(want) else None
            # ... or with its arguments, L\left(\{W_\ell, ...\}\right) := ...
            if rest is not None and (rest[:1] in ("=", "&", ":") or (
                    rest.startswith(("(", "\\left(")) and "=" in rest)):
                out = self._needed_error(sk, name, "which you asked for")
                out.fragment = True
                return out
        return None


# a left side that opens with a derivative operator (``d/dX(X^{-1}) = ...``, ``\\frac{\\partial
# f}{\\partial X} = ...``, ``\\nabla_x f =``) is a claimed derivative: it defines nothing
DERIVATIVE_LHS = re.compile(r"\s*(?:\\[dt]?frac\s*\{\s*(?:d|\\partial|\\mathrm\s*\{\s*d\s*\})"
                            r"(?![A-Za-z])|d\s*/\s*d|\\partial\s*/\s*\\partial|\\nabla(?![A-Za-z]))")


def _written_lhs(text: str) -> str:
    """The text of a skipped fragment before its first relation (``=``, ``:=``, ``\\equiv``,
    ``\\triangleq``), or "" when it has none or is a derivative (`DERIVATIVE_LHS`): what it
    would define."""
    cut = [i for i in (text.find("="), text.find("\\equiv"), text.find("\\triangleq"))
           if i >= 0]
    lhs = text[:min(cut)] if cut else ""
    return "" if DERIVATIVE_LHS.match(lhs) else _without_arguments(lhs)


def _without_arguments(lhs: str) -> str:
    """The left side without the parenthesised arguments of an application: ``p(y`` of
    ``p(y=\\pm 1 \\mid x)=..`` names p (what it defines), never y; ``(a, b)`` alone stays."""
    out, depth = [], 0
    for k, c in enumerate(lhs):
        if c == "(" and (depth or (k and (lhs[k - 1].isalpha() or lhs[k - 1] in "}_)"))):
            depth += 1
            continue
        if depth:
            depth += (c == "(") - (c == ")")
            continue
        out.append(c)
    return "".join(out)


def _spelled_in(keyword: str, lhs: str) -> bool:
    """Whether the letters of a name's keyword (``out``, ``W_out``, ``x``) occur in `lhs`
    as a word of their own (not inside a longer run of letters or a command)."""
    base = keyword.split("_")[0]
    if not base.isalpha():
        return False
    return re.search(rf"(?<![A-Za-z\\]){re.escape(base)}(?![A-Za-z])", lhs) is not None
