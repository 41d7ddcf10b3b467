"""Which bare expression of a document is its objective, and which only mention a name
(a part of pass 1, `declarations.DeclarationCollector`).

Contract: `BareObjective._objective_bare(candidates, last_def, forced)` takes the bare
expressions of the document (index in the statement list, statement) and the index of
the last definition. A bare expression is the objective when nothing is defined (the
last one that is more than a mention), when it stands after the last definition and is
more than a mention of a name (``3a`` after ``a = x^Tx``), or when it is the objective
named as written (``objective=``) or the function inside an optimisation operator
(`forced`). Where a name or a function alone on its line after the last definition could
be the objective or a mention, it raises a located `ParseError` naming both readings.
With no definitions the chosen expression becomes the definition of ``f``; otherwise it
is kept as `self.bare`. Every other candidate is noted as defining nothing.
"""
from __future__ import annotations

from .. import names
from ..notes import excerpt
from ..read import syntax as S
from .base import LoweringBase
from .candidates import written
from .classify import _head, is_derivative, is_differential, is_ordinal, namelike, prose_bare


class BareObjective(LoweringBase):
    """The bare expressions of pass 1: the objective, or mentions (see the module
    docstring)."""

    def _names_a_function(self, e) -> bool:
        """Is `e` only the name of a function the document applies (``$\\ell$`` beside
        ``\\ell(U)``)?"""
        if not namelike(e):
            return False
        kw = names.keyword_of(e)
        return any(isinstance(n, S.Apply) and names.keyword_of(n.func) == kw
                   for st in self.doc.statements for n in S.walk(st))

    def _real(self, candidates):
        """The bare expressions that are more than a mention (a name, ``$\\Sigma$``, the
        variable of a derivative operator the document writes)."""
        return [(k, st) for k, st in candidates
                if not prose_bare(st.value) and not self._labelled_mention(st.value)
                and not self._variable_mention(st.value)]

    def _variable_mention(self, e) -> bool:
        """``... do not involve $\\sigma^2$`` after ``\\frac{\\partial}{\\partial \\sigma^2}
        \\det[...]``: an expression written as the variable of a derivative operator of the
        document only mentions that variable (corpus 123); it is not the objective."""
        return any(v is not None and v == e for v in self._operator_vars.values())

    def _labelled_mention(self, e) -> bool:
        """``$x_i^b$`` in prose with b declared nowhere: as a power it has no value, so it
        only mentions a name labelled b (the point in frame B)."""
        if not _labelled(e):
            return False
        kw = names.keyword_of(e.exp)
        return kw not in self.info and kw not in self._dimnames and kw not in self._indices

    def _objective_bare(self, candidates, last_def, forced=None):
        """A bare expression is the objective when nothing is defined (the last one), or
        when it stands after the last definition and is more than a mention of a name
        (``3a`` after ``a = x^Tx``); `forced`, the function inside an optimisation
        operator (lower/optimum.py), wherever it stands. The others define nothing and
        are noted."""
        chosen = None
        real = self._real(candidates)
        want = "".join((getattr(self, "objective_text", None) or "").split())
        for _k, st in candidates:       # the objective named as written: that expression
            if want and written(self.src, st.value.span) == want and not (
                    namelike(st.value) and names.keyword_of(st.value) in self.defsrc):
                forced = st             # (a mention of a defined name, $L$, is not it)
        if forced is not None:
            chosen = forced
        elif not self.defsrc and real:
            chosen = real[-1][1]
        elif not self.defsrc and candidates and not self.skips:
            # only a name: it is the objective, if anything -- but not the name of a
            # function the text applies ("where $\ell$ is a loss function" after
            # $\ell(U)$: the objective was \ell, a scalar, and every gradient 0)
            named = [c for c in candidates if not self._names_a_function(c[1].value)]
            chosen = (named or candidates)[-1][1]
        elif real and real[-1][0] > last_def:
            chosen = real[-1][1]
        if chosen is None and self.defsrc and getattr(self, "objective_text", "") is None \
                and self.objective_by_name is None:
            for k, st in candidates:
                if k > last_def and (_function_of_names(st.value, self.defsrc, self.info)
                                     or self._name_on_its_own_line(st)):
                    # \sigma(\text{lr}) after the last definition: the objective, or a
                    # mention of a function (and the last definition the objective)
                    last = list(self.defsrc)[-1]
                    what = "a name" if namelike(st.value) else "a function"
                    raise self.perr(
                        f"{excerpt(self.src, st.value.span)} after the last definition has two "
                        f"readings: it is the objective, or it mentions {what} and the "
                        f"objective is {self.info[last].latex}; name the objective "
                        f"(objective=... / --objective)", st.value)
        if chosen is not None and id(chosen) in self._scope_readings:
            raise self.perr(self._scope_readings[id(chosen)], chosen)     # \nabla_X a + b
        if chosen is not None and id(chosen) in self._operator_vars:
            self.operator_wrt = self._operator_vars[id(chosen)]
        for _k, st in candidates:
            if st is chosen:
                continue
            self.note(st, "mentions a name with a superscript label declared nowhere (not a "
                          "power): defines nothing" if self._labelled_mention(st.value)
                      else "mentions the variable of a derivative operator: defines nothing"
                      if self._variable_mention(st.value) else _mention(st.value))
        if chosen is None:
            return
        self.written_objective = written(self.src, chosen.value.span)
        if not self.defsrc:
            name = "f"
            scripts = {id(m) for n in S.walk(chosen.value) if isinstance(n, S.Sub)
                       for sub in n.subs for m in S.walk(sub)}     # R_f: no name f
            if any(isinstance(n, S.Sym) and id(n) not in scripts and
                   names.keyword_of(n) == name for n in S.walk(chosen.value)):
                raise self.perr("this expression, the objective, uses the name f, which is "
                                "the name an objective written without one gets: name the "
                                "objective (L = ...)", chosen.value)
            from .declarations import DefSource, Info     # (declarations imports this module)
            self.defsrc[name] = DefSource(name, S.Def(S.Sym("f"), None, chosen.value,
                                                      span=chosen.span), (), ())
            self.info[name] = Info("def", "f", span=chosen.span)
        else:
            self.bare = chosen

    def _name_on_its_own_line(self, st) -> bool:
        """A bare name of the document, not the last definition's, alone on its line (a
        line of a plain document, or a displayed formula): the objective, or a mention
        (``h = \\tanh(\\alpha\\beta)`` then ``\\beta``) -- two readings. A name inside a
        sentence of prose (``... of $\\Sigma$ ...``) is a mention only."""
        if not namelike(st.value) or not self.defsrc:
            return False
        kw = names.keyword_of(st.value)
        if kw is None or kw == list(self.defsrc)[-1] or kw not in self.info:
            return False
        span = st.value.span
        if not span.line or span.line != span.end_line:
            return False
        line = self.src.splitlines()[span.line - 1]
        rest = (line[:span.column - 1] + line[span.end_column - 1:]).strip()
        return rest.strip("$").strip() in ("", "\\[", "\\]", "\\[\\]")


def _labelled(e) -> bool:
    """``x_i^b``, ``x^a``: a name with a one-letter superscript (a power, or a label)."""
    return isinstance(e, S.Pow) and not e.hadamard and namelike(e.base) and \
        isinstance(e.exp, S.Sym) and len(e.exp.name) == 1 and e.exp.accent is None and \
        e.exp.layer is None and not e.exp.primes and e.exp.sup is None


def _mention(e) -> str:
    """Why a bare expression is not used, in words."""
    if is_derivative(e) or is_derivative(_head(e)):
        return "mentions a derivative: defines nothing"
    if is_differential(e):
        return "mentions a differential: defines nothing"
    if is_ordinal(e):
        return "an ordinal in prose (the i-th), not a power: defines nothing"
    if prose_bare(e):
        return "mentions a name: defines nothing"
    return "an expression, not a definition: not used"


def _function_of_names(e, defsrc, info) -> bool:
    """``\\sigma(\\text{lr})``, ``\\alpha^T``: a built-in function of names, or a transpose,
    standing alone -- an objective as much as a mention. A function the document defines or
    declares applied to names (``F(h,\\phi)``) restates it and is a mention only."""
    if isinstance(e, S.Transpose):
        return True
    if not isinstance(e, S.Apply):
        return False
    kw = names.keyword_of(e.func) if isinstance(e.func, (S.Sym, S.Sub)) else None
    return kw is not None and kw not in defsrc and kw not in info
