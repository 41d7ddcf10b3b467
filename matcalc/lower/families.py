"""Families of functions: a function defined once with its index, applied as its members.

A deep network is written so: ``f_\\ell(z) = \\tanh(W_\\ell z + b_\\ell)`` (or
``h^{(l)}(z) = ...``, ``g_\\ell(z; \\gamma_\\ell, \\beta_\\ell) = ...``) defines one function
for each value of the index, and ``f_2(f_1(x))`` applies members 1 and 2. Member k is the
definition with the index replaced by k everywhere in it -- ``W_\\ell`` becomes ``W_2``,
``W^{(l)}`` becomes ``W^{(2)}``, the name the document declares for that layer -- and its
parameters then replaced by the arguments written, as for any function (`calls.py`).

Contract (a part of `document.Lowerer`):
  - `collect_families()` (pass 1, from `collect_functions`): a definition with parameters
    whose name carries one index (a subscript that is a letter, or a layer superscript
    ``^{(l)}``) and whose members the document applies with another index (``g_3(...)``)
    becomes a `Family`: it leaves the definitions. A member that is also defined or
    declared in its own right (``g_3(z) = ...``, ``g_3 \\in \\mathbb{R}^n``), or a family
    name beside a function of its bare name (``g(z) = ...``), has two readings and is
    refused, naming both; so is a member outside the index's declared range.
  - `family_member(func)` -> (Family, index syntax) for an applied name that is a member.
  - `family_body(fam, index, e)` -> (params, value, middle, (param, argument) pairs) of
    the member, the index replaced (a wrong number of arguments: a located error);
    `apply_family(fam, index, e, scope)` lowers an application (its compound arguments
    once, `calls.bind_arguments`); an own name of the member that is never declared and
    not inferred is refused naming the family's declaration. Parameters written
    after a ``;`` in the definition are its own (``\\gamma_\\ell``): an application may give
    only the arguments before the ``;`` (they stay the member's own names, ``\\gamma_3``,
    with a note) or all of them.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from .. import names
from ..errors import MatcalcError
from ..read import syntax as S
from ..notes import excerpt as written
from .base import LoweringBase, substitute_names, walk_syntax


@dataclass(frozen=True)
class Family:
    base: str           # keyword of the name without its index (g)
    index: str          # keyword of the index (ell)
    layer: bool         # written h^{(l)} (a layer superscript), not g_\ell
    ds: object          # the DefSource of the definition
    latex: str          # the family's name as written, g_{\ell}

    @property
    def stmt(self):
        return self.ds.stmt


def family_name(t):
    """(base keyword, index keyword, layer?) of a left side that names a family of
    functions -- ``g_\\ell``, ``f_k``, ``h^{(l)}`` -- or None."""
    if isinstance(t, S.Sub) and isinstance(t.base, S.Sym) and len(t.subs) == 1 and \
            isinstance(t.subs[0], S.Sym) and t.base.layer is None and \
            t.subs[0].layer is None and not t.subs[0].primes and t.subs[0].accent is None:
        return names.keyword_of(t.base), names.keyword_of(t.subs[0]), False
    if isinstance(t, S.Sym) and t.layer and t.layer.isalpha():
        plain = dataclasses.replace(t, layer=None)
        return names.keyword_of(plain), names.keyword_of(S.Sym(t.layer)), True
    return None


def member_of(func):
    """(base keyword, index syntax, layer?) of an applied name written with one index:
    ``g_3``, ``g_{\\ell}``, ``h^{(2)}``; None otherwise (the index of a layer superscript
    must be a number or a letter: ``h^{(l+1)}`` is not read as a member)."""
    if isinstance(func, S.Sub) and isinstance(func.base, S.Sym) and len(func.subs) == 1 \
            and func.base.layer is None and isinstance(func.subs[0], (S.Num, S.Sym)):
        return names.keyword_of(func.base), func.subs[0], False
    if isinstance(func, S.Sym) and func.layer:
        plain = dataclasses.replace(func, layer=None)
        lay = func.layer
        if lay.isdigit():
            return names.keyword_of(plain), S.Num(lay, span=func.span), True
        if lay.isalpha():
            return names.keyword_of(plain), S.Sym(lay, span=func.span), True
    return None


def _index_text(x) -> str:
    """The index as a layer superscript spells it: 3, l, ell."""
    return x.value if isinstance(x, S.Num) else names.keyword_of(x)


def replace_index(e, index: str, value):
    """e with the index `index` (a keyword) replaced by `value` (Num or Sym syntax): as a
    name (``\\gamma_\\ell`` -> ``\\gamma_3``, ``\\ell`` alone -> 3) and as a layer
    superscript (``W^{(l)}`` -> ``W^{(3)}``). Spans stay those of the definition."""
    if isinstance(e, S.Sym):
        if e.layer is not None and e.layer == index or \
                (e.layer is not None and names.keyword_of(S.Sym(e.layer)) == index):
            return dataclasses.replace(e, layer=_index_text(value))
        if not e.accent and not e.primes and e.layer is None and e.sup is None and \
                names.keyword_of(e) == index:
            return dataclasses.replace(value, span=e.span)
        return e
    return S.rebuilt(e, lambda c: replace_index(c, index, value))


def _member_latex(fam: Family, index) -> str:
    base = fam.latex.split("_")[0].split("^")[0]
    return f"{base}^{{({_index_text(index)})}}" if fam.layer else \
        f"{base}_{{{names.latex_of(index) if isinstance(index, S.Sym) else index.value}}}"


class FamilyFunctions(LoweringBase):
    """Families of functions (module docstring)."""

    @property
    def families(self) -> dict:
        """base keyword -> `Family`."""
        return self.__dict__.setdefault("_families", {})

    def collect_families(self, applied_nodes):
        """Move each definition that names a family and whose members are applied with
        another index out of the definitions (`applied_nodes`: every application in the
        document, as syntax)."""
        members: dict = {}
        for node in applied_nodes:
            got = member_of(node.func)
            if got is not None:
                members.setdefault((got[0], got[2]), []).append((node, got[1]))
        for kw, ds in list(self.defsrc.items()):
            st = ds.stmt
            if st.params is None or st.set_params:
                continue
            target = st.target
            got = family_name(target)
            if got is None:
                continue
            base, index, layer = got
            uses = members.get((base, layer), [])
            if all(isinstance(i, S.Sym) and names.keyword_of(i) == index for _n, i in uses):
                continue            # applied only with its own index (or never): as before
            fam = Family(base, index, layer, ds, written(self.src, target.span))
            self._refuse_rival_readings(fam, uses)
            self.families[base] = fam
            del self.defsrc[kw]
            info = self.info.pop(kw, None)
            if info is not None and info.decl_shape is not None:
                self.info[kw] = dataclasses.replace(info, kind="input", shape=info.decl_shape)
            ell = self._index_latex(fam)
            self.note(st.target, f"{fam.latex} is read as a family of functions, one for each "
                                 f"value of {ell}: {_member_latex(fam, uses[0][1])}(...) is "
                                 f"the definition with {ell} replaced by "
                                 f"{_index_text(uses[0][1])} throughout", "inferred")

    def _index_latex(self, fam: Family) -> str:
        """The family's index as written (\\ell, l, k)."""
        t = fam.stmt.target
        if isinstance(t, S.Sub):
            return written(self.src, t.subs[0].span) or names.latex_of(t.subs[0])
        return t.layer if len(t.layer) == 1 else "\\" + t.layer

    def _refuse_rival_readings(self, fam: Family, uses):
        line = fam.stmt.span.line
        other = self.defsrc.get(fam.base) or self.functions.get(fam.base)
        base_info = self.info.get(fam.base)
        if not fam.layer and base_info is not None and base_info.kind == "input":
            node = uses[0][0]
            raise self.perr(
                f"{names.latex_of(node.func)}(...) has two readings: member "
                f"{_index_text(uses[0][1])} of the family {fam.latex} defined at line "
                f"{line}, or entry {_index_text(uses[0][1])} of the declared "
                f"{base_info.latex} times the parenthesis: rename one of them", node.func)
        if not fam.layer and other is not None and other is not fam.ds:
            node = uses[0][0]
            raise self.perr(
                f"{names.latex_of(node.func)}(...) has two readings: member "
                f"{_index_text(uses[0][1])} of the family {fam.latex} defined at line {line}, "
                f"or entry {_index_text(uses[0][1])} of {names.latex_of(other.stmt.target)} "
                f"defined at line {other.stmt.span.line}: rename one of them", node.func)
        for node, index in uses:
            kw = names.keyword_of(node.func)
            other = self.defsrc.get(kw) or self.functions.get(kw)
            if other is not None and other is not fam.ds:
                other = other.stmt
                raise self.perr(
                    f"{names.latex_of(node.func)}(...) has two readings: member "
                    f"{_index_text(index)} of the family {fam.latex} defined at line {line}, "
                    f"or {names.latex_of(node.func)} defined on its own at line "
                    f"{other.span.line}: rename one of them", node.func)
            word = self.prose_function(kw)
            if word is not None:            # "$g_3$ is the softmax function"
                raise self.perr(
                    f"{names.latex_of(node.func)}(...) has two readings: member "
                    f"{_index_text(index)} of the family {fam.latex} defined at line {line}, "
                    f"or the {word} function a sentence names it (\"{self.prose.functions[kw][1]}\"): "
                    f"rename one of them", node.func)
            info = self.info.get(kw)
            if info is not None and info.kind == "input":
                raise self.perr(
                    f"{names.latex_of(node.func)}(...) has two readings: member "
                    f"{_index_text(index)} of the family {fam.latex} defined at line {line}, "
                    f"or the declared variable {info.latex} times the parenthesis: rename "
                    f"one of them", node.func)
            rng = self.ranges.get(fam.index)
            if rng is not None and isinstance(index, S.Num) and index.value.isdigit():
                lo, hi = rng
                k = int(index.value)
                try:
                    outside = bool(k < lo) or bool(k > hi)
                except TypeError:
                    outside = False
                if outside:
                    raise self.perr(
                        f"{names.latex_of(node.func)}: the family {fam.latex} (line {line}) "
                        f"has members {self._index_latex(fam)} = {lo}..{hi}, and "
                        f"{k} is not one of them", node.func)

    def family_member(self, func):
        """(Family, index syntax) when `func` names a member of a family, else None."""
        got = member_of(func)
        if got is None:
            return None
        fam = self.families.get(got[0])
        if fam is None or fam.layer != got[2]:
            return None
        return fam, got[1]

    def family_body(self, fam: Family, index, e, note=True):
        """(params, value, middle) of the member `index` applied at `e`, and the number of
        its arguments an application gives (all, or those before a ``;``)."""
        st = fam.stmt
        params = tuple(replace_index(p, fam.index, index) for p in st.params)
        value = replace_index(st.value, fam.index, index)
        middle = tuple(replace_index(m, fam.index, index) for m in st.middle)
        lead = st.lead if st.lead is not None else len(params)
        n = len(e.args)
        member = _member_latex(fam, index)
        if n not in (len(params), lead):
            counts = f"{len(params)}" if lead == len(params) else \
                f"{lead} (the arguments before ';') or {len(params)}"
            raise self.perr(f"{member} (the family {fam.latex}, line {st.span.line}) takes "
                            f"{counts} argument{'s' if len(params) != 1 else ''}, not {n}", e)
        for p in params[:n]:
            if not (isinstance(p, S.Sym) or (isinstance(p, S.Sub) and
                                             isinstance(p.base, S.Sym))):
                raise self.perr("a function's parameters must be names", p)
        if n < len(params) and note:
            noted = self.__dict__.setdefault("_own_params_noted", set())
            key = (fam.base, _index_text(index))
            if key not in noted:
                noted.add(key)
                own = ", ".join(names.latex_of(p) for p in params[n:])
                self.note(e, f"{member} is given its arguments before ';' only: its other "
                             f"parameters are the member's own names, {own}", "inferred")
        return params, value, middle, list(zip(params, e.args))

    def apply_family(self, fam: Family, index, e, scope):
        """An application of a member: its body with the index and the arguments put in,
        lowered where it is applied."""
        from .calls import MAX_NESTING
        params, value, middle, pairs = self.family_body(fam, index, e)
        member = _member_latex(fam, index)
        key = (fam.base, _index_text(index))
        active = self.__dict__.setdefault("_applying", [])
        if active.count(key) > MAX_NESTING:     # f_1(f_1(x)) is fine
            raise self.perr(f"{member} is defined in terms of itself", e)
        active.append(key)
        self.__dict__.setdefault("applying_members", []).append(member)
        try:
            mapping = self.bind_arguments([p for p, _a in pairs], [a for _p, a in pairs], scope)
            body = substitute_names(value, mapping)
            try:
                v = self.expr(body, scope)
            except MatcalcError as err:
                raise self._member_unknown(fam, index, body, err) from err
            self.check_function_chain(member, [substitute_names(m, mapping) for m in middle],
                                      v, scope, e)
            return v
        finally:
            active.pop()
            self.applying_members.pop()

    def _member_unknown(self, fam: Family, index, body, err):
        """An unknown name of the member's own (``\\gamma_3``, made from ``\\gamma_\\ell``):
        the error says whose it is and which declaration settles it; others pass."""
        msg = getattr(err, "bare_message", "")
        if not msg.startswith("unknown name ") or getattr(err, "_member_named", False):
            return err
        own = {}
        for n in walk_syntax(fam.stmt.value):
            if isinstance(n, (S.Sym, S.Sub)) and n is not fam.stmt.target and \
                    names.keyword_of(replace_index(n, fam.index, index)) != \
                    names.keyword_of(n):
                own.setdefault(names.latex_of(replace_index(n, fam.index, index)), n)
        for latex, n in own.items():
            if msg.startswith(f"unknown name {latex}:") or msg == f"unknown name {latex}":
                general = written(self.src, n.span) or names.latex_of(n)
                ell = self._index_latex(fam)
                rng = self.ranges.get(fam.index)
                top = rng[1] if rng is not None else "K"
                new = self.perr(f"unknown name {latex}: {general} of {_member_latex(fam, index)} "
                                f"(the family {fam.latex}) is declared nowhere, and its use "
                                f"does not settle its shape: declare it, e.g. `{general} \\in "
                                f"\\mathbb{{R}}, \\; {ell} = 1, \\dots, {top}` for a scalar "
                                f"per member", n)
                new._member_named = True
                return new
        return err


def applications(doc_statements):
    """Every application (`S.Apply`) in the statements."""
    return [n for st in doc_statements for n in walk_syntax(st) if isinstance(n, S.Apply)]
