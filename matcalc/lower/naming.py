"""Lowering names: which declared or defined name a written symbol is.

Contract: `NameLowering` is a part of `document.Lowerer`. `x_Sym` lowers a bare name;
`resolve_name(kw, e, scope)` the value of a keyword (an input, a definition -- lowered on
first use --, a bound index as a scalar); `subscript_is_name` decides whether a subscript
is part of the name (``W_{out}``, ``\\Sigma_x``) or an index; `letter_run` and
`run_named` read a run of letters (``RSS``, ``NLL``) and left sides like
``\\ln p(X|\\theta)`` as one name; `layer_member` reads ``x^{(i)}`` with a bound i as the
family member x_i. An unknown name is a located `ParseError` naming it.
"""
from __future__ import annotations

import re

import dataclasses

import sympy as sp

from .. import ir, names, ops
from ..notes import excerpt
from ..ir import Delta, Var
from ..read import syntax as S
from ..values import Val, fmt_shape, mlabel, scalar
from .base import SIGMA_NAMES, LoweringBase, juxtaposed_factors, walk_syntax

# a function applied to a function's value on a left side names the definition:
# \ln p(X \mid \theta) = ... defines "log p" (the log-likelihood)
NAMING_FUNCTIONS = {"log": "log"}


def log_named(t):
    """The name ``\\ln p(X \\mid \\theta)`` stands for, log p (a Sym spanning `t`), where
    `t` is a naming function applied to one application of a name; else None. The same
    name in a definition's left side (`run_named`) and in a claimed derivative's numerator
    (claims.py)."""
    if isinstance(t, S.Call) and t.func in NAMING_FUNCTIONS and len(t.args) == 1 and \
            isinstance(t.args[0], S.Apply) and isinstance(t.args[0].func, S.Sym) and \
            not t.primes:
        inner = t.args[0]
        return dataclasses.replace(inner.func, name=NAMING_FUNCTIONS[t.func] + inner.func.name,
                                   span=t.span)
    return None


class NameLowering(LoweringBase):
    """Written names -> declared names, definitions, family members."""

    def vec_mark(self, e):
        """``\\vec{R_{i}}`` where only R_i is declared (a vector or a family of vectors) and
        nothing declares or defines \\vec R: the arrow marks the declared vector, as physics
        texts write it (corpus 153), and `e` without it is returned (noted once). None
        otherwise: beside a declared SCALAR R (``r_{ij}`` the distance, ``\\vec{r_{ij}}``
        the vector between) the arrow makes another name, which must be declared."""
        base = e.base if isinstance(e, S.Sub) else e
        if not isinstance(base, S.Sym) or base.accent != "vec":
            return None
        if names.keyword_of(base) in self.info or names.keyword_of(e) in self.info:
            return None
        plain = dataclasses.replace(base, accent=None)
        info = self.info.get(names.keyword_of(plain))
        if info is None or info.kind != "input" or not info.shape:
            return None
        noted = self.__dict__.setdefault("_vec_noted", set())
        if info.latex not in noted:
            noted.add(info.latex)
            self.note(e, f"\\vec{{{info.latex}}} is not declared: read as the declared vector "
                         f"{info.latex} (the arrow marks it as a vector)", "inferred")
        return dataclasses.replace(e, base=plain) if isinstance(e, S.Sub) else plain

    def x_Sym(self, e, scope):
        marked = self.vec_mark(e)
        if marked is not None:
            e = marked
        member = self.layer_member(e, scope)
        if member is not None:
            return self.resolve_sub(member, scope)
        kw = names.keyword_of(e)
        self._refuse_bound_superscript(kw, e, scope)
        return self.resolve_name(kw, e, scope)

    def _refuse_bound_superscript(self, kw, e, scope):
        """``x^i`` or ``x^{(i)}`` declared as one name, used where a sum binds i: the i-th
        member of a family (a different vector for each i), or one name that does not
        change with i (the sum then adds copies of it) -- different values, refused."""
        mark = (e.layer or e.sup) if isinstance(e, S.Sym) else None
        if not mark or mark not in scope or kw in scope:
            return
        info = self.info.get(kw)
        if info is None or info.kind not in ("input", "def") or info.family:
            return
        latex = names.latex_of(e)
        base = names.latex_of(dataclasses.replace(e, layer=None, sup=None))
        raise self.perr(f"{latex} is declared as one name, but {mark} is bound here: it may "
                        f"be the {mark}-th member of a family (a different value for each "
                        f"{mark}) or one name that does not change with {mark} (then the sum "
                        f"adds copies of it) -- different values. For a family, declare it "
                        f"with its range: `{base}^{{({mark})}} \\in \\mathbb{{R}}^{{n}}, \\; "
                        f"{mark} = 1,\\dots,m`", e)

    def declared_name(self, target):
        """A declaration's target as the name it declares: ``x^{(i)}`` with a declared
        index i is the family member x_i; ``W^Q`` (a power in the syntax) is the name W^Q."""
        sup = self.sup_name(target) or self.zero_name(target)
        if sup is not None:
            return sup
        if isinstance(target, S.Sub) and isinstance(target.base, S.Pow):
            named = self.sup_name(target.base)         # k^s_{ij}: the name k^s, indexed
            if isinstance(named, S.Sym):
                return S.Sub(named, target.subs, span=target.span)
        return self.layer_member(target) or target

    @staticmethod
    def sup_name(e):
        """``W^Q`` read as a name with a letter superscript (a Sym with `sup`), or None.
        ``V_{bond}^{ij}`` -- a name with a text subscript and a superscript of letters --
        is the Sub ``V^{ij}_{bond}`` (its base a Sym with `sup` "ij")."""
        if not isinstance(e, S.Pow) or e.hadamard:
            return None
        if isinstance(e.base, S.Sym) and e.base.sup is None and isinstance(e.exp, S.Sym) \
                and e.exp.accent is None and e.exp.layer is None and not e.exp.primes:
            return dataclasses.replace(e.base, sup=e.exp.name, span=e.span)
        base = e.base
        if isinstance(base, S.Sub) and isinstance(base.base, S.Sym) and \
                base.base.sup is None and len(base.subs) == 1 and _text_run(base.subs[0]):
            sup = _letters(e.exp)
            if sup:
                return S.Sub(dataclasses.replace(base.base, sup=sup), base.subs, span=e.span)
        return None

    @staticmethod
    def zero_name(e):
        """``r^0``, ``r_{ij}^0`` as a name with the superscript 0 (a reference value, as
        physics writes it): the Sym/Sub to read, or None when e is no such power."""
        if not (isinstance(e, S.Pow) and not e.hadamard and isinstance(e.exp, S.Num)
                and e.exp.written and e.exp.value == "0"):
            return None
        b = e.base
        if isinstance(b, S.Sym) and b.sup is None:
            return dataclasses.replace(b, sup="0", span=e.span)
        if isinstance(b, S.Sub) and isinstance(b.base, S.Sym) and b.base.sup is None:
            return S.Sub(dataclasses.replace(b.base, sup="0"), b.subs, span=e.span)
        return None

    def sup_named(self, st):
        """``V_{bond}^{ij} = ...``: a left side that is a text-subscripted name with a
        superscript of letters defines that name (as a power it would define nothing: a
        relation). Returns the rewritten Def, or None."""
        named = self.sup_name(st.target)
        if not isinstance(named, S.Sub) or st.params is not None:
            return None
        return dataclasses.replace(st, target=named)

    def subscript_is_name(self, target, st) -> bool:
        """``W_{out} = ...``: a subscript of three or more letters written together (two, where
        the document has a whole name with that subscript: `_named_subscript`), none
        of them a declared index nor used as an index in the definition, is part of the
        name (``K_{ij} = ...x_i...x_j`` stays an entrywise definition); so is a single
        letter that is a declared vector or matrix and no index (``K_y = K_f + \\sigma^2 I``
        with y \\in R^n: the covariance of y); so are two or more letters one of which a
        sum in the definition binds (``E_{in}(W) = \\sum_n ...``: as the definition's own
        indices, n would be bound twice)."""
        if len(target.subs) != 1:
            return False
        sub = target.subs[0]
        if isinstance(sub, S.Sym) and names.keyword_of(sub) not in self.ranges and \
                getattr(self.info.get(names.keyword_of(sub)), "kind", None) == "input" and \
                self.info[names.keyword_of(sub)].shape:
            # K_y = K_f + \sigma^2 I with y a declared vector: y is not an index, it names
            # what K_y is the covariance of -- unless the definition uses it as an index
            letters = [names.keyword_of(sub)]
        elif isinstance(sub, S.Sym) and self._sibling_names(sub, st):
            # M_k = \hat{M}_k - K_k H \hat{M}_k ... with K_k, \hat{M}_k declared as names
            # (not families): k names the time step, as in its siblings
            return True
        elif not isinstance(sub, S.BinOp):
            return False
        else:
            letters = self._juxt_syms(sub)
        if letters is not None and len(letters) >= 2 and self._rebound(letters, st):
            # E_{in}(W) = \sum_{n=0}^{N} ...: as indices, n would be bound twice (the
            # entrywise reading is refused), so {in} is a label ("in-sample")
            return True
        if letters is None:
            return False
        named = len(letters) == 2 and self._named_subscript(letters)
        if not named and any(i in self.ranges for i in letters):
            return False        # (a whole name z_{in} is the name even where i is an index)
        if len(letters) == 2 and not named:
            # k_{SE}(r) = \exp(...): two capitals that the definition never uses label the
            # name (squared exponential); lower-case pairs (A_{ij}) are indices
            return all(i.isupper() and len(i) == 1 and i not in self.info for i in letters) \
                and not (set(letters) & _syms_in(st))
        used = set()
        for part in (st.value, *st.middle):
            for node in walk_syntax(part):
                if isinstance(node, S.Sub) and names.keyword_of(node) not in self.info and \
                        not _identity(node, self.info):     # I_{n}: a size, no index
                    for item in node.subs:     # (the subscript of a whole name: no index)
                        kw = names.keyword_of(item)
                        used |= {kw} if kw else set(self._juxt_syms(item) or ())
                elif isinstance(node, S.BigOp):
                    used |= {names.keyword_of(i) for i in node.indices}
        return not (set(letters) & used)

    def _named_subscript(self, letters) -> bool:
        """Does the document declare or define a whole name with this subscript of letters
        (``z_{in} \\in \\mathbb{R}^n``)? Then ``\\bar{z}_{in} = ...`` (the printed name of
        z_in's cotangent, read back by check) names that, not an entrywise definition over
        two indices i, n."""
        written = "".join(letters)
        return any(info.kind in ("input", "def") and
                   re.search(r"_\{" + re.escape(written) + r"\}", info.latex or "")
                   for info in self.info.values())

    @staticmethod
    def _rebound(letters, st) -> bool:
        """Does a sum or product in the definition bind one of the letters? Then they
        cannot be the definition's own indices (an index is bound once)."""
        return any(isinstance(node, S.BigOp) and
                   {names.keyword_of(i) for i in node.indices} & set(letters)
                   for part in (st.value, *st.middle) for node in walk_syntax(part))

    def _sibling_names(self, sub, st) -> bool:
        """Is the letter `sub` (not an index range) used in the definition only as the
        subscript of names declared whole with it (``K_k \\in R^{n \\times m}``), at least once?"""
        kw = names.keyword_of(sub)
        if kw is None or kw in self.ranges or kw in self.info:
            return False
        siblings = 0
        for part in (st.value, *st.middle):
            for node in walk_syntax(part):
                if isinstance(node, S.Sub) and any(names.keyword_of(i) == kw or
                                                   kw in (self._juxt_syms(i) or ())
                                                   for i in node.subs):
                    info = self.info.get(names.keyword_of(node))
                    if info is None or info.kind != "input" or len(node.subs) != 1 or \
                            names.keyword_of(node.subs[0]) != kw:
                        return False
                    siblings += 1
                elif isinstance(node, S.BigOp) and any(names.keyword_of(i) == kw
                                                       for i in node.indices):
                    return False
        return siblings > 0

    def letter_run(self, e):
        """A product of single letters written together (``NLL``, ``RSS``, ``cossim``: no
        space between them) that names something: none of the letters is a declared array
        or definition and at least one is not declared at all (``Ax`` with A, x declared
        stays the product). Returns the run's text, or None. A run starting with d (a
        differential, ``dS``) is never a name. The last letter may carry a subscript
        (``net_1``, a layer's pre-activation): the run is the name's base, and
        `run_node` puts the subscript back."""
        letters = juxtaposed_factors(e)
        if letters and isinstance(letters[-1], S.Sub):
            letters[-1] = letters[-1].base          # net_1: the run's last letter scripted
        if len(letters) < 2 or not all(isinstance(x, S.Sym) and len(x.name) == 1 and
                                       x.accent is None and x.layer is None and not x.primes
                                       and x.sup is None for x in letters):
            return None
        for a, b in zip(letters, letters[1:]):
            if not (a.span.line == b.span.line == a.span.end_line and
                    a.span.end_column == b.span.column):
                return None
        if letters[0].name == "d":
            return None
        kinds = [getattr(self.info.get(x.name), "kind", None) for x in letters]
        if any(k in ("input", "def") for k in kinds) or all(k is not None for k in kinds):
            return None
        return "".join(x.name for x in letters)

    def run_node(self, e):
        """The name node a letter run `e` spells (`letter_run`): ``Sym("RSS")``, or for
        ``net_1`` the subscripted ``Sub(Sym("net"), 1)``; None when `e` is no such run."""
        name = self.letter_run(e)
        if name is None:
            return None
        last = e.right if isinstance(e, S.BinOp) else e
        if isinstance(last, S.Sub):
            return S.Sub(S.Sym(name, span=e.span), last.subs, span=e.span)
        return S.Sym(name, span=e.span)

    def run_named(self, st):
        """The name a definition's left side defines, where the syntax does not say it
        plainly: ``RSS(\\lambda) = ...``, ``cossim(a,b) = ...``, ``NLL = ...`` (a letter run,
        see `letter_run`), ``\\ln p(X|\\theta) = ...`` (log p), ``J^{(i)} = ...`` with a
        declared index i (entrywise). Returns the rewritten Def, or None."""
        t, params = st.target, st.params
        member = self.layer_member(t) if isinstance(t, (S.Sym, S.Sub)) else None
        if member is not None:               # J^{(i)} = ..., i = 1..n: entrywise over i
            return dataclasses.replace(st, target=member)
        name = log_named(t) if params is None else None
        if name is not None:
            # \ln p(X \mid \mu, \Sigma) = ...: the log-likelihood, named log p
            if names.keyword_of(name) in self.info:
                return None
            return dataclasses.replace(st, target=name, params=tuple(t.args[0].args))
        if isinstance(t, S.BinOp) and t.op == S.MUL and isinstance(t.right, S.Apply) and \
                params is None and isinstance(t.right.func, S.Sym):
            # c o s s i m(a, b): the last letter took the parentheses
            head = S.BinOp(S.MUL, t.left, t.right.func, span=t.left.span.cover(t.right.func.span))
            params = tuple(t.right.args)
            t = head
        labelled = self.labelled_run(t) if isinstance(t, S.BinOp) and params is None else None
        if labelled is not None:        # RSS^{lasso}(\theta) = ...
            return dataclasses.replace(st, target=labelled[0], params=labelled[1])
        node = self.run_node(t) if isinstance(t, S.BinOp) else None
        if node is None:
            return None
        return dataclasses.replace(st, target=node, params=params)

    def labelled_run(self, t):
        """``RSS^{lasso}(\\theta)`` on a left side, parsed as the product R S S^{lasso}
        \\theta: a letter run (`letter_run`) whose last letter carries a superscript word
        (the label of the name, as RSS^{OLS} beside it) and, in parentheses right after it,
        the names the definition depends on. (name Sym with the word as its `sup`,
        parameters or None), or None where the text is not written so."""
        factors = juxtaposed_factors(t)
        k = next((i for i, f in enumerate(factors) if isinstance(f, S.Pow)), None)
        if k is None or k == 0 or factors[k].hadamard:
            return None
        head = factors[:k] + [factors[k].base]
        run = head[0]
        for f in head[1:]:
            run = S.BinOp(S.MUL, run, f, span=run.span.cover(f.span))
        name = self.letter_run(run)
        label = re.fullmatch(r"\{?\s*([A-Za-z]{2,})\s*\}?", excerpt(self.src, factors[k].span)
                             .split("^", 1)[-1]) if name else None
        if label is None:
            return None
        rest = factors[k + 1:]
        after = excerpt(self.src, dataclasses.replace(          # up to the ) after it
            factors[k].span.cover(rest[-1].span), end_column=rest[-1].span.end_column + 1)) \
            if rest else ""
        written = re.fullmatch(r".*\}\s*\((.*)\)", after)
        if rest and (written is None or len(rest) != 1 or not isinstance(rest[0], (S.Sym, S.Sub))):
            return None
        sym = S.Sym(name, span=factors[0].span.cover(factors[k].span), sup=label.group(1))
        return sym, (tuple(rest) if rest else None)

    def layer_member(self, e, scope=None):
        """``x^{(i)}`` whose parenthesised superscript is an index -- declared with a range
        (``i = 1,\\dots,n``) or bound here over a family x -- is the member x_i of the
        family x (the CS229 notes' notation); ``x^{(i)}_j`` is its entry j. Returns the
        `Sub` to read instead, or None (``W^{(1)}``, ``a^{(l)}`` with no index l: a name)."""
        base = e.base if isinstance(e, S.Sub) else e
        if not isinstance(base, S.Sym) or not base.layer:
            return None
        if base.layer.isdigit():
            return self._numbered_member(e, base)
        index = S.Sym(base.layer, span=base.span)
        ikw = names.keyword_of(index)
        if ikw is None or not base.layer.isalpha():
            return None
        plain = dataclasses.replace(base, layer=None)
        bound = scope is not None and ikw in scope and \
            getattr(self.info.get(names.keyword_of(plain)), "family", 0) > 0
        if ikw not in self.ranges and not bound:
            return None
        subs = (index,) + (tuple(e.subs) if isinstance(e, S.Sub) else ())
        return S.Sub(plain, subs, span=e.span)

    def _numbered_member(self, e, base):
        """``z_i^{(1)}`` where the document declares the family ``z_i^{(k)}``, k an index
        (indexed in its layer superscript, `spaces._declare`) and no name z^{(1)}: the
        member (1, i) of that family, noted -- not a new name z^{(1)} whose shape would be
        inferred beside the family. With a number of indices that is not the family's,
        refused. None where the family is not declared so (``W^{(1)}``: a name)."""
        plain = dataclasses.replace(base, layer=None)
        info = self.info.get(names.keyword_of(plain))
        if info is None or not getattr(info, "layer_index", False) or \
                names.keyword_of(base) in self.info or names.keyword_of(base) in self.defsrc:
            return None
        subs = tuple(e.subs) if isinstance(e, S.Sub) else ()
        written = names.latex_of(e) if isinstance(e, S.Sym) or len(subs) == 1 else \
            names.latex_of(base)
        if 1 + len(subs) != info.family:
            raise self.perr(f"{written} is not declared, and the family {info.latex} is, "
                            f"with {info.family} indices (the first in its layer "
                            f"superscript): write the member with all of them", e)
        reason = (f"{written}: member {base.layer} (by its layer superscript) of the family "
                  f"{info.latex} declared with an index there")
        if not any(n.reason == reason for n in self.notes):
            self.note(e, reason, "inferred")
        return S.Sub(plain, (S.Num(base.layer, span=base.span),) + subs, span=e.span)

    def index_value(self, kw, e, scope):
        """An index in scope used as a number (``\\sum_{i=1}^{n} i x_i``): the vector of its
        values 1..n along its own axis (`ops.IndexValue`), a scalar in matrix notation. Its
        range is the one the index has (an array it indexes, a declared range), else the
        upper bound of its sum, else (an entrywise definition's index) the length of an
        input the definition indexes with it, which it then keeps; with none, a located
        error."""
        cell = scope[kw]
        if cell.dim is None and cell.hint is not None:
            cell.dim = cell.hint
        if cell.dim is None and self.lowering:
            # v_i = i x_i: i's range from an input the definition indexes with it
            ds = self.defsrc.get(self.lowering[-1])
            if ds is not None and kw in ds.indices:
                cell.dim = self._range_from_body(kw, ds.stmt.value)
        if cell.dim is None:
            raise self.perr(f"index {kw} is used as a number here, but its range is not known"
                            f" (it indexes no array and its sum gives no upper bound"
                            + (f"; {cell.where}" if cell.where else "") + ")", e)
        if cell.origin == 0:            # numbered from 0 (`numbering`): 0, 1, ..., n - 1
            node = ops.IndexValue(cell.dim)
            return Val(ir.add([node, ir.ones(node.shape)], [1, -1]), (kw,), ())
        cell.valued = True
        return Val(ops.IndexValue(cell.dim), (kw,), ())

    def resolve_name(self, kw, e, scope):
        if kw in scope:
            return self.index_value(kw, e, scope)
        info = self.info.get(kw)
        if info is None and kw in self.functions:
            raise self.perr(f"{names.latex_of(e)} is a function: apply it to an argument, "
                            f"{names.latex_of(e)}(...)", e)
        if info is None and isinstance(e, S.Sym) and e.primes == 1:
            plain = dataclasses.replace(e, primes=0)
            pinfo = self.info.get(names.keyword_of(plain))
            if pinfo is not None and pinfo.kind == "input" and not pinfo.family:
                # y'y with y declared and y' not: the prime is a transpose (econometrics,
                # MATLAB); a y' meant as another quantity must be declared. Not on a
                # defined quantity: S' beside S = Diag(s) is as often its derivative
                # (seed 001: S' = Diag(s')), so there it stays an unknown name
                noted = self.__dict__.setdefault("_primes_noted", set())
                if kw not in noted:
                    noted.add(kw)
                    self.note(e, f"{names.latex_of(e)} is not declared: read as the transpose "
                                 f"of {pinfo.latex}", "inferred")
                return self.x_Transpose(S.Transpose(plain, span=e.span), scope)
        if len(kw) > 1:
            # s(\textbf{Xw}) with X, w declared: the product in bold (lower/boldwords.py)
            product = self.bold_product(kw, e, scope)
            if product is not None:
                return product
        if info is None and kw != "I":
            info = self.adopt_inferred(kw, e)
        if info is None:
            if kw == "e":
                # Euler's number only as the base of a power, e^{x}: a bare e (e^Te, 2e)
                # is more often a vector the text forgot to define
                raise self.perr("unknown name e: declare or define it (e is read as "
                                "Euler's number only in a power, e^{x})", e)
            if kw == "I":
                n = self.inferred_size(e)
                if n is not None:
                    a, b = mlabel(), mlabel()
                    return Val(Delta(n), (a, b), (a, b))
                return Val(None, (), (), lazy="eye")
            if kw == "pi":
                return scalar(sp.pi)
            if isinstance(e, S.Sym) and (e.name in SIGMA_NAMES or ops.spelled("command", e.name)):
                raise self.perr(f"\\{e.name} needs an argument in parentheses", e)
            base = e.base if isinstance(e, S.Sub) else e
            if _size_subscript(e):
                # corpus 123: \mathbf X_{p\times n}'(...)\mathbf X_{n\times p}
                raise self.perr(f"{excerpt(self.src, e.span) or names.latex_of(e)}: a subscript "
                                f"a \\times b on a name is the size written on it, notation "
                                f"matcalc does not read inside a formula: declare the name "
                                f"instead (e.g. "
                                f"`{names.latex_of(dataclasses.replace(base, primes=0))} \\in "
                                f"\\mathbb{{R}}^{{m \\times n}}`)", e)
            if isinstance(base, S.Sym) and base.name == "partial":
                raise self.perr(f"{excerpt(self.src, e.span) or names.latex_of(e)} is a partial-"
                                f"derivative operator applied inside the objective: it is not "
                                f"read (write the differences or derivatives out)", e)
            if isinstance(base, S.Sym) and base.via:
                member = names.latex_of(S.Sub(base, (S.Sym("k"),)))
                raise self.perr(f"unknown name {names.latex_of(e)}: read as a family of "
                                f"vectors indexed through a nested subscript (one per term "
                                f"of the sum), which is never declared: declare a member, "
                                f"e.g. `{member} \\in \\mathbb{{R}}^{{d}}`", e)
            raise self.perr(f"unknown name {names.latex_of(e)}: declare it (e.g. "
                            f"`{names.latex_of(e)} \\in \\mathbb{{R}}^{{n}}`) or define it", e)
        if info.kind in ("dim", "natural"):
            sym = sp.Symbol(kw, integer=True, positive=True)
            if info.kind == "dim":
                self.dims[sym] = None
                return scalar(self.dim_subst.get(sym, sym))   # N = N_p D_p, N \to n
            return Val(Var(kw, ()), (), ())
        node = self.define(kw) if info.kind == "def" else Var(kw, tuple(info.shape))
        if node.rank > 2:
            raise self.serr(f"{info.latex} is an array of order {node.rank} "
                            f"{fmt_shape(node.shape)}: index it, e.g. with subscripts", e)
        labels = tuple(mlabel() for _ in node.shape)
        return Val(node, labels, labels, bool(info.row) and node.rank == 1)


def _size_subscript(e) -> bool:
    """``X_{p\\times n}``: a name whose one subscript is a product written with \\times."""
    return isinstance(e, S.Sub) and isinstance(e.base, S.Sym) and len(e.subs) == 1 and \
        isinstance(e.subs[0], S.BinOp) and e.subs[0].op == S.MUL and e.subs[0].sign == "times"


def _letters(e):
    """The text of a superscript of plain letters written together (``ij``), or None."""
    if isinstance(e, S.Sym) and len(e.name) == 1 and e.accent is None and \
            e.layer is None and not e.primes and e.sup is None:
        return e.name
    if isinstance(e, S.BinOp) and e.op == S.MUL and not e.sign:
        a, b = _letters(e.left), _letters(e.right)
        return a + b if a and b else None
    return None


def _text_run(e):
    """A subscript of three or more letters written together (``bond``, ``out``): text."""
    text = _letters(e)
    return text is not None and len(text) >= 3


def _syms_in(st) -> set:
    """The keywords of every name the definition's right side writes."""
    return {names.keyword_of(n) for part in (st.value, *st.middle) for n in walk_syntax(part)
            if isinstance(n, S.Sym)}


def _identity(node, info) -> bool:
    """``I_{n}``: the identity written with its size (I no name of the document)."""
    return isinstance(node.base, S.Sym) and node.base.name == "I" and not node.base.accent \
        and "I" not in info
