"""Pass 2 of lowering, the objective: the name the user asks for (as a keyword, its LaTeX
or its Python name), else the bare expression after the last definition, else the last
definition -- or the one scalar definition nothing uses, when the last is not a scalar.

Contract: `ObjectiveChoice` is a part of `document.Lowerer`. `_lower_objective(objective)`
lowers the objective's definition (and what it uses, deepest first, without recursion)
and returns its keyword; it raises a located error when the objective is not defined, not
readable, or not a scalar.
"""
from __future__ import annotations

import re

from .. import ir, names
from ..errors import MatcalcError, ParseError, ShapeError, error_at
from ..ir import Ref
from ..notes import excerpt
from ..read import syntax as S
from ..values import fmt_shape as _fmt
from .base import LoweringBase, short_error, walk_syntax
from .builtin_defs import objective_of_call
from .candidates import (refuse_prose_mention, refuse_rival_claims,
                         refuse_rival_stationarity)
from .declarations import DefSource, Info
from .unwritten import locate



_DERIVATIVE_LEFT = re.compile(r"^\s*\$*\s*(\\frac\s*\{\s*(\\partial|d\b|d\s*\\|d[A-Za-z])|\\nabla|"
                              r"\\partial|\\dfrac|\\tfrac\s*\{\s*\\partial)")


def claim_like(text: str) -> bool:
    """Does a fragment's left side (before its first ``=``) read as a derivative, a claim
    (``\\frac{\\partial L}{\\partial W} = ...``, ``\\nabla_x f = ...``)? Such a fragment,
    unreadable, is a claim that could not be read, never a definition the objective would be."""
    left = text.split("=", 1)[0]
    return _DERIVATIVE_LEFT.match(left) is not None and (
        "\\partial" in left or "\\nabla" in left or re.search(r"\{\s*d", left) is not None)


class ObjectiveChoice(LoweringBase):
    """Which definition is the objective, lowered."""

    # ------------------------------------------------------------ the objective
    def _objective_kw(self, objective, check=True):
        if objective is None:
            if self.bare is not None:
                return "f"
            if self.objective_by_name is not None:     # \min_w L (lower/optimum.py)
                return self.objective_by_name
            return self._last_formula()
        if objective in self.defsrc:
            return objective
        if "f" in self.defsrc and self._written_objective(objective) and \
                not self.defsrc["f"].stmt.target.span.line:
            # the unnamed objective, named as written -- not the document's own f (corpus
            # 093: \text{log}L, also a claim's function, named the pdf f(y_i; \beta))
            return "f"
        for k in self.defsrc:
            if self.info[k].latex == objective or names.python_name(k) == objective:
                return k
        kw = _keyword_of_text(objective, self.defsrc)  # {\cal L}, \mathrm{KL}: as read
        if kw in self.defsrc:
            return kw
        kw = objective_of_call(objective)       # \mathrm{logsumexp}(\mathbf{x}) defined
        if kw in self.defsrc:
            return kw
        kw = self._objective_as_written(objective)
        if kw is not None:
            return kw
        kw = self._objective_as_entry(objective)
        if kw is not None:
            return kw
        if not check:
            return None
        missing = self.explain_missing(objective)
        if missing is not None:
            raise missing
        want = "".join(objective.split())
        for st in self.doc.statements:      # written, but not as the definition of a name
            t = getattr(st, "target", None)
            if not (isinstance(st, S.Def) and t is not None):
                continue
            lhs = excerpt(self.src, st.span).split("=", 1)[0].rstrip(":")
            if "".join(excerpt(self.src, t.span).split()) == want or \
                    "".join(lhs.split()) == want:
                raise self.perr(f"objective {objective!r} is not defined: this left side is "
                                f"not read as one name (a name, or a name with names as "
                                f"its arguments, f(W, H)), so the line defines nothing", t)
        member = _middle_member(self.src, self.doc.statements, want)
        if member is not None:
            st, m = member
            raise self.perr(f"objective {objective!r} is not defined: it stands inside the "
                            f"chain of equalities at line {st.span.line}, whose first member "
                            f"{excerpt(self.src, st.target.span)} is no name, and a chain "
                            f"defines its first member only; write {objective} on the left, "
                            f"{objective}(...) = ...", m)
        located = locate(self.src, objective, {
            k: (self.info[k].latex, getattr(self.defsrc[k].stmt.target, "span", None)
                if getattr(self.defsrc[k].stmt, "target", None) is not None else None)
            for k in self.defsrc})
        if located is not None:
            raise located
        raise ParseError(f"objective {objective!r} is not defined in the document "
                         f"(definitions: {', '.join(self._defined_as(k) for k in self.defsrc)})")

    def _last_formula(self):
        """The last definition that is not a number (``we set \\lambda = 0.1``: a
        parameter's value, which is no objective -- its gradient is 0 whatever the text
        differentiates); the last definition when all are numbers; None when none."""
        keys = list(self.defsrc)
        live = [k for k in keys if not _number_valued(self.defsrc[k])]
        return (live or keys or [None])[-1]

    def _refuse_undelimited_rival(self, kw):
        """The last definition `kw`, taken as the objective by the rule, read from TeX
        outside math delimiters in running text (``(see \\alpha = b^T A x in the notes)``),
        while a definition in math delimiters that it does not use stands elsewhere: the
        page's own formula or a mention in its prose -- two candidates, refused naming
        both. (A page that lost all its delimiters has no such rival.)"""
        runs = getattr(self.doc, "undelimited", ())

        def undelimited(span):
            at = (span.line, span.column)
            return any((r.line, r.column) <= at < (r.end_line, r.end_column) for r in runs)
        st = self.defsrc[kw].stmt
        if not runs or not undelimited(st.span):
            return
        used, todo = {kw}, [kw]
        while todo:
            ds = self.defsrc[todo.pop()]
            for part in (ds.stmt.value, *ds.stmt.middle):
                for n in walk_syntax(part):
                    k = names.keyword_of(n.base if isinstance(n, S.Sub) else n) \
                        if isinstance(n, (S.Sym, S.Sub)) else None
                    if k in self.defsrc and k not in used:
                        used.add(k)
                        todo.append(k)
        for k, ds in self.defsrc.items():
            if k not in used and not undelimited(ds.stmt.span) and \
                    not _number_valued(ds):
                raise self.perr(
                    f"two candidates for the objective: {self.info[kw].latex} here, the last "
                    f"definition, read from TeX outside math delimiters in running text, and "
                    f"{self.info[k].latex}, defined in math delimiters at line "
                    f"{ds.stmt.span.line}, which it does not use: name the objective", st)

    def _defined_as(self, kw) -> str:
        """A definition's name as its left side has it: an entrywise definition with its
        indices (``\\mathcal{L}_i^{(k)} = ...`` defines L^{(k)} entrywise over i: listed
        ``L^{(k)}_{i}``, never as the bare L^{(k)}, which would hide the index)."""
        idx = self.defsrc[kw].indices
        latex = self.info[kw].latex
        return f"{latex}_{{{','.join(idx)}}}" if idx else latex

    def _objective_as_entry(self, objective):
        """The entrywise definition whose left side is `objective` read as a name with its
        subscript: ``\\mathcal{L}_i^{(k)}`` names the definition of L^{(k)} entrywise over
        i (its value one entry per i; the scalar check then says so). Compared as read,
        not as written, so a font around the name (whose span starts inside it) does not
        hide it. None if none."""
        from ..read.parse import parse
        try:
            st = parse(objective).statements[-1]
        except (MatcalcError, IndexError):
            return None
        v = getattr(st, "value", None) if isinstance(st, S.Bare) else None
        if isinstance(v, S.Apply) and isinstance(v.func, S.Sub):
            # \mathcal{L}_{\theta, \phi}(\mathbf{x}): the name with its subscript, written
            # with the arguments of its left side (a definition with no parameters has
            # none to compare)
            params = [getattr(self.defsrc[k].stmt, "params", None) or ()
                      for k in self.defsrc]
            if any(len(p) not in (0, len(v.args)) for p in params if p):
                return None
            v = v.func
        if not isinstance(v, S.Sub):
            return None
        read = self.layer_member(v) or v
        for k, ds in self.defsrc.items():
            # the left side as read (spans aside): \mathcal{L}_i^{(k)} with k a declared
            # index defines L entrywise over k and i (naming.layer_member)
            if ds.indices and ds.stmt.target in (v, read):
                return k
        base = names.keyword_of(v.base)
        ds = self.defsrc.get(base)
        if ds is None or not ds.indices:
            return None
        t = ds.stmt.target
        if isinstance(t, S.Sub) and names.keyword_of(t.base) == base and \
                tuple(map(names.keyword_of, t.subs)) == tuple(map(names.keyword_of, v.subs)):
            return base
        written = tuple(names.keyword_of(x) for x in v.subs)
        if written == tuple(ds.indices):
            return base
        return None

    def _refuse_skipped_last_definition(self, kw):
        r"""The objective taken by default is the last definition; a fragment after it that
        would define a name the reader cannot even tell (\ell(x) = ... with a character it
        does not know, after h = ...) would have been the last one: taking kw instead is a
        different objective, so the error is that fragment's, naming both."""
        at = getattr(self.defsrc[kw].stmt, "span", None) if kw in self.defsrc else None
        if at is None or not at.line:
            return
        for sk in self.skips:
            later = sk.span is not None and (sk.span.line, sk.span.column) > \
                (at.line, at.column)
            # (one whose name is known is the trailing-definition rule's, in `define`)
            text = excerpt(self.src, sk.span)
            if later and not sk.defines and "=" in text and not claim_like(text):
                raise self._needed_error(sk, "a name", f"after the last definition, so it "
                                         f"would be the objective; without it the objective "
                                         f"would be {self.info[kw].latex} (name that one to "
                                         f"take it)")

    def _refuse_skipped_bare_objective(self, kw):
        """The objective taken by default, the last definition kw, is no scalar, and a
        formula after it that defines and declares nothing could not be read (``$h = b^T$``
        then ``$\\sigma(... 𝑥 ...)$``): that formula is the objective the text writes, so
        its error is the one to show, not 'the objective h is not a scalar'."""
        at = getattr(self.defsrc[kw].stmt, "span", None) if kw in self.defsrc else None
        if at is None or not at.line:
            return
        for sk in self.skips:
            if sk.span is None or sk.defines or sk.declares or \
                    (sk.span.line, sk.span.column) <= (at.line, at.column):
                continue
            e = sk.error
            out = type(e)(f"{e.bare_message} -- this formula cannot be skipped: it comes "
                          f"after the last definition, so it would be the objective; without "
                          f"it the objective would be {self.info[kw].latex}, which is not a "
                          f"scalar", e.line, e.column, e.source, e.end_column)
            out.fragment = True
            raise out

    def _objective_as_written(self, objective):
        """The definition whose left side is written as `objective` (spaces aside):
        ``\\log p(y|X, \\theta)`` names the definition read as log p. None if none."""
        want = objective.replace(" ", "")
        k = self._written_target(want)
        if k is not None:
            return k
        # \log{p(x \mid \mu)}: a target's span may stop inside the braces written around
        # an argument; compared without braces, one definition alone must match
        bare = [k for k, got in self._written_targets() if _unbraced(got) == _unbraced(want)]
        return bare[0] if len(bare) == 1 else None

    def _written_targets(self):
        """(key, the left side as written, spaces removed) of each definition."""
        for k, ds in self.defsrc.items():
            t = getattr(ds.stmt, "target", None)
            if t is not None:
                yield k, excerpt(self.src, t.span).replace(" ", "")

    def _written_target(self, want):
        for k, ds in self.defsrc.items():
            t = getattr(ds.stmt, "target", None)
            if t is None:
                continue
            got = excerpt(self.src, t.span).replace(" ", "")
            if got == want:
                return k
            params = getattr(ds.stmt, "params", None) or ()
            head, paren, rest = want.partition("(")
            if params and paren and head == got and rest.endswith(")") and \
                    rest.count(",") == len(params) - 1:
                return k                  # MSE(\widehat{\theta}) = ...: the name with its arguments
        return None

    def _define_deep(self, kw):
        """define(kw), lowering the definitions it uses first, deepest first and without
        recursion, so that a chain of a thousand definitions never nests a thousand
        `define` calls."""
        order, seen, path, stack = [], set(), set(), [(kw, False)]
        while stack:
            k, done = stack.pop()
            if done:
                path.discard(k)
                order.append(k)
                continue
            if k in path:  # a cycle: define() says where, as it reads the text
                order = []
                break
            if k in seen or k not in self.defsrc or k in self.defs:
                continue
            seen.add(k)
            path.add(k)
            stack.append((k, True))
            for node in walk_syntax(self.defsrc[k].stmt.value):
                if isinstance(node, (S.Sym, S.Sub)):
                    for dep in (names.keyword_of(node),
                                names.keyword_of(node.base) if isinstance(node, S.Sub) else None):
                        if dep in self.defsrc and dep not in self.defs:
                            stack.append((dep, False))
        for k in order:
            self.define(k)
        self.define(kw)

    def _written_objective(self, objective) -> bool:
        """Is `objective` the unnamed objective (a bare expression, a minimand, a claimed
        function) as written, white space aside?"""
        w = getattr(self, "written_objective", None)
        return bool(w) and objective is not None and "".join(objective.split()) == w

    def refuse_unnamed_beside_function_f(self, st):
        """An unnamed objective is the definition f inside: where it applies the document's
        arbitrary function f (``$f(w \\odot p)$``) the two would be one name (it was
        'circular definition: f -> f' at line 0): refused, asking for a name."""
        applies_f = any(isinstance(n, S.Apply) and isinstance(n.func, S.Sym) and
                        n.func.name == "f" for n in walk_syntax(st.value))
        if applies_f and "f" not in self.info and \
                self.arbitrary_function(S.Sym("f")) is not None:
            raise self.perr("this expression is the objective, written without a name, and "
                            "the document applies a function f: name the objective "
                            "(L = ...)", st)

    def adopt_bare_objective(self):
        """The expression after the last definition (`bare`) as the definition f."""
        if "f" in self.info:
            raise self.perr("this expression after the last definition would be the "
                            "objective, but f is already defined: write it as a "
                            "definition, or name the objective", self.bare)
        self.refuse_unnamed_beside_function_f(self.bare)
        self.defsrc["f"] = DefSource("f", S.Def(S.Sym("f"), None, self.bare.value,
                                                span=self.bare.span), (), ())
        self.info["f"] = Info("def", "f", span=self.bare.span)

    def _lower_objective(self, objective):
        if objective is None:
            self.refuse_unreadable_minimand()
        named = objective is not None
        as_written = self.bare is not None and self._written_objective(objective) and \
            "f" not in self.info
        if as_written:
            objective = None            # named as written: that expression, "f"
        if objective is None and self.bare is not None:
            self.adopt_bare_objective()
        kw = self._objective_kw(objective)
        self.scalar_wanted.add(kw)          # its value must be a scalar (colonchain.py)
        if not named and self.bare is None and self.objective_by_name is None:
            self._refuse_skipped_last_definition(kw)
            self._refuse_undelimited_rival(kw)
            for k in list(self.defsrc)[list(self.defsrc).index(kw) + 1:]:
                self.note(self.defsrc[k].stmt, f"a number given to {self.info[k].latex}: a "
                          f"parameter's value, not the objective (the objective is the last "
                          f"definition that is not a number, {self.info[kw].latex})",
                          "inferred")
        if objective is not None and self.bare is not None:
            self.note(self.bare, "an expression, not a definition: not used (the objective "
                                 "is named)")
        if objective is None and self.bare is not None:
            try:
                self._define_deep(kw)
            except MatcalcError as e:
                last = [k for k in self.defsrc if k != "f"][-1]
                raise self.perr(f"this expression after the last definition would be the "
                                f"objective, but it cannot be read ({short_error(e)}); if the "
                                f"objective is {self.info[last].latex} (line "
                                f"{self.defsrc[last].stmt.span.line}), name it", self.bare) from e
        self._define_deep(kw)
        if kw == "f":
            self.judge_identity(kw)                 # tr(M_k) = ...: its right side judged
        if not named:
            refuse_rival_stationarity(self, kw)     # f = ... vs 0 = \nabla_X F
        if not named and kw == "f" and not self.defsrc["f"].stmt.target.span.line:
            refuse_rival_claims(self, "f")      # a bare expression vs a claimed function
            refuse_prose_mention(self, "f")     # ... vs the last definition
            self.refuse_rival_bares("f")        # the minimand vs another bare expression
        if kw == "f":
            self.refuse_constant_minimand("f")  # \min_{\Delta} e^2 with e never read
        if objective is None:
            last = self.defsrc[kw].stmt.span if kw == "f" and self.bare else self._last_def
            for sk in self.skips:
                if last is not None and sk.defines and \
                        (sk.span.line, sk.span.column) > (last.line, last.column) \
                        and not all(k in self.defsrc for k in sk.defines):
                    raise self._needed_error(sk, sk.defines[0], "and it comes after the last "
                                             "definition, so it may be the objective: name "
                                             "the objective to skip it")
                if last is not None and kw != "f" and not sk.defines and not sk.declares \
                        and "unknown command" in str(sk.error) \
                        and (sk.span.line, sk.span.column) > (last.line, last.column) \
                        and not claim_like(excerpt(self.src, sk.span)):
                    # an expression after the last definition with a command not known (a
                    # macro \o never expanded) may be the objective: taking the last
                    # definition instead would be silently wrong (a bare symbol, a set or
                    # a tuple in prose is a mention, test_posts)
                    raise error_at(ParseError, f"this formula after the last definition cannot "
                                   f"be read ({short_error(sk.error)}), and it may be the "
                                   f"objective: fix it, or name the objective "
                                   f"({self.info[kw].latex}?) to skip it", sk.span, self.src)
            if self.defs[kw].shape != ():
                self._lower_rest()
                used = {n.name for b in self.defs.values() for n in ir.walk(b)
                        if isinstance(n, Ref)}
                roots = [k for k in self.defsrc if k in self.defs and k not in used
                         and self.defs[k].shape == ()]
                if len(roots) == 1:
                    kw = roots[0]
        why = None
        if objective is None and self.defs[kw].shape != ():
            implied, why = self.implied_objective(kw)     # \Rightarrow \|r\|^2 = ...
            kw = implied or kw
        shape = self.defs[kw].shape
        if shape != () and objective is None:
            self._refuse_skipped_bare_objective(kw)
        if shape != ():
            ds = self.defsrc[kw]
            per = ""
            if ds.indices:      # \mathcal{L}_i = ...: one value per i, not one scalar
                idx = ", ".join(ds.indices)
                per = (f" (defined entrywise over {idx}: {self._defined_as(kw)} is one value "
                       f"for each {idx}, and no single scalar; define the objective, e.g. "
                       f"a sum or mean over {idx})")
            raise error_at(ShapeError, f"the objective {self.info[kw].latex} has shape "
                           f"{_fmt(shape)}, not a scalar: a gradient needs a scalar function"
                           + (f" ({why})" if why else "") + per, ds.stmt.span, self.src)
        return kw


def _middle_member(src, statements, want):
    """(the Def, its member) of a chain ``\\log PL(\\beta) = p\\ell(\\beta) = ...`` whose first
    member is no name and one of whose middle members is written `want` (with or without
    its arguments), or None."""
    for st in statements:
        if not (isinstance(st, S.Def) and st.middle and st.target is not None
                and getattr(st.target, "span", None)):
            continue
        for m in st.middle:
            text = "".join(excerpt(src, m.span).split()) if getattr(m, "span", None) else ""
            if want and (text == want or text.startswith(want + "(")
                         or text.startswith(want + "\\left(")):
                return st, m
    return None


def _keyword_of_text(text, known=()):
    """The keyword of a name written in LaTeX (``{\\cal L}``), or None; a script letter's
    own keyword (L_cal, read/scripts.py) where it is in `known`."""
    from ..read.parse import parse
    from ..read.scripts import as_spelled
    try:
        st = parse(text).statements[-1]
    except (MatcalcError, IndexError):
        return None
    if not isinstance(st, S.Bare):
        return None
    value = st.value.func if isinstance(st.value, S.Apply) else st.value
    # \text{TV}(f), as a definition TV(f) = ... names it
    own = names.keyword_of(as_spelled(value, text))
    return own if own in known else names.keyword_of(value)


def _number_valued(ds) -> bool:
    """A definition whose value is a number: no name, index or parameter in it."""
    st = ds.stmt
    if ds.indices or getattr(st, "params", None) or getattr(st, "middle", ()):
        return False
    return not any(isinstance(n, (S.Sym, S.Sub)) for n in walk_syntax(st.value))


def _unbraced(written: str) -> str:
    return written.replace("{", "").replace("}", "")
