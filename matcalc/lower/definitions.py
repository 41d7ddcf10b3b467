"""Pass 2 of lowering, its definitions: each lowered on first use (so the order of the text
does not matter), a name defined several times settled, and the lowered bodies finished
(constants inlined, held names wrapped in stop-gradients, the order they are used in).

A definition written as a chain ``f = A = B`` has B as its value; the earlier members that
can be read must give B's numbers (`_check_chain`), and when B cannot be read the last
member that can is the value (`_chain_fallback`), noted.

Contract: `DefinitionLowering` is a part of `document.Lowerer` (it reads the context of
`base.LoweringBase`: `info`, `defsrc`, `rivals`, `defs`, `order`, `ranges`, `dims`).
`define(kw)` returns the `Ref` of definition kw, lowering it once; every failure is a
located `ParseError` / `ShapeError`. `tentatively(fn)` runs a lowering that may fail and
forgets, on failure, the names it met.
"""
from __future__ import annotations

import dataclasses

import numpy as np
import sympy as sp

from .. import ir, names, ops
from ..errors import MatcalcError, ParseError
from ..ir import Const, Ref, Var, contract
from ..values import Cell, Val, fmt_shape as _fmt
from ..read import syntax as S
from .base import LoweringBase, short_error, walk_syntax
from .declarations import DefSource, _same_shape
from .definingsign import by_defining_sign


def _position(st) -> str:
    """Which member of its chain the value of `st` is: "last" (``f = A = B``) or "first"
    (``f &= A \\\\ &= B``, rows continuing it: `declarations._continue_chain`)."""
    first = st.value.span
    return "first" if st.middle and all(
        (first.line, first.column) < (m.span.line, m.span.column) for m in st.middle) \
        else "last"


def _why_not(err, span) -> str:
    """Why a member of a chain is not its value, for a note: a member that applies a
    function the document defines nowhere is a restatement (the chain says it equals the
    member that is read), else it cannot be read."""
    msg = getattr(err, "bare_message", "")
    if msg.startswith("unknown function "):
        fn = msg[len("unknown function "):].split(":", 1)[0]
        return (f"applies {fn}, a function the document defines nowhere: a restatement "
                f"of the member that is read (the chain says they are equal), not "
                f"read itself ({short_error(err, span)})")
    if msg.startswith("unknown name "):
        name = msg[len("unknown name "):].split(":", 1)[0]
        return (f"writes {name}, a name the document never introduces: it is not read, "
                f"and not compared with the member that is (the chain says they are "
                f"equal) ({short_error(err, span)})")
    return f"cannot be read ({short_error(err, span)})"


class DefinitionLowering(LoweringBase):
    """Definitions lowered on first use, settled when written twice, finished."""

    # ------------------------------------------------------------ pass 2: definitions
    def define(self, kw):
        """Lower definition `kw` (once), returning its Ref. A name defined several times
        differently is settled here: the definitions that can be lowered must agree."""
        if self.lowering:
            self._deps.setdefault(self.lowering[-1], []).append(kw)
        if kw in self.defs:
            return Ref(kw, self.defs[kw].shape)
        ds = self.defsrc[kw]
        if kw in self.lowering:
            chain = " -> ".join(self.lowering[self.lowering.index(kw):] + [kw])
            where = ds.stmt.target if getattr(ds.stmt.target.span, "line", 0) else ds.stmt.value
            raise self.perr(f"circular definition: {chain}", where)
        self.lowering.append(kw)
        try:
            if kw in self.rivals:
                ds, body = self._settle(kw)
            else:
                try:
                    body = self.tentatively(lambda: self._lower_def(ds)) if ds.stmt.middle \
                        else self._lower_def(ds)
                except MatcalcError as e:
                    taken = self._chain_fallback(kw, ds, e)
                    if taken is None:
                        if isinstance(e, ParseError):
                            raise self._model_equation(kw, ds, e) from e
                        raise
                    ds, body = taken
                self._refuse_inferred_in_model(kw, ds)
                self._check_chain(kw, ds, body)
        finally:
            self.lowering.pop()
        bad = ir.nonfinite(body)
        if bad is not None:
            raise self.perr(f"the definition of {self.info[kw].latex} contains a constant "
                            f"that is not finite ({bad.value}): a division by zero?",
                            ds.stmt.value)
        self.defs[kw] = body
        self.order.append(kw)
        info = self.info[kw]
        info.shape = body.shape
        info.family = len(ds.indices)
        return Ref(kw, body.shape)

    def _model_equation(self, kw, ds, e):
        """The error for a definition of a declared variable that uses a name declared
        nowhere (``x_i=Uy_i+\\epsilon_i`` after ``\\{x_1, ..., x_n\\}\\in\\mathbb{R}^{D}``):
        a model equation of the data, or a definition with a new input -- two readings
        with different gradients. Other errors pass unchanged."""
        info = self.info[kw]
        msg = getattr(e, "bare_message", "")
        if info.decl_shape is None or not msg.startswith("unknown name "):
            return e
        unknown = msg[len("unknown name "):].split(":", 1)[0]
        return self.perr(f"{info.latex} is declared as a variable and this equation defines "
                         f"it through {unknown}, which is declared nowhere: two readings -- "
                         f"a model equation of the data {info.latex} (not a definition: "
                         f"{info.latex} stays an input), or a definition of {info.latex} "
                         f"with {unknown} a new input; they give different gradients "
                         f"(declare {unknown} for the second reading)", ds.stmt)

    def _refuse_inferred_in_model(self, kw, ds):
        """The same two readings when the name declared nowhere got a shape by inference
        (``\\epsilon_i`` beside ``x_i`` and ``Uy_i``): reading the definition would make
        it a new input silently."""
        if self.info[kw].decl_shape is None or self.inferred is None:
            return
        used = {names.keyword_of(n.base if isinstance(n, S.Sub) else n)
                for part in (ds.stmt.value, *ds.stmt.middle) for n in walk_syntax(part)
                if isinstance(n, (S.Sym, S.Sub))}
        for other in sorted(used & set(self.inferred.names)):
            if other != kw and getattr(self.info.get(other), "kind", None) == "input":
                latex = self.info[other].latex
                raise self._model_equation(kw, ds, ParseError(f"unknown name {latex}"))

    def _settle(self, kw):
        """kw has several different definitions (a title restated in the body, a question
        and an answer): lower each; those that cannot be lowered are noted and left out,
        the others must give the same numbers (else: two readings, refused)."""
        got, failed = [], []
        for ds in [self.defsrc[kw]] + self.rivals[kw]:
            try:
                got.append((ds, self.tentatively(lambda: self._lower_def(ds))))
            except MatcalcError as e:
                failed.append((ds, e))
        if not got:
            raise failed[0][1]
        latex = self.info[kw].latex
        first_ds, first = got[0]
        defined = any(by_defining_sign(self.src, ds.stmt) for ds, _ in got)
        for ds, e in failed:
            # a quantity the document never introduces is no notation the reader lacks:
            # that definition may well mean something else, and cannot be compared --
            # unless a readable one is written f := ... (lower/definingsign.py)
            if getattr(e, "bare_message", "").startswith("unknown name") and not (
                    defined and not by_defining_sign(self.src, ds.stmt)):
                raise self.perr(f"{latex} is defined twice, and this definition cannot be "
                                f"compared with the one at line {first_ds.stmt.span.line}: "
                                f"{short_error(e)}", ds.stmt.target) from e
        for ds, body in got[1:]:
            if not self._same_value(first, body):
                raise self.perr(f"{latex} is defined twice, differently (first at line "
                                f"{first_ds.stmt.span.line}): the two give different values",
                                ds.stmt.target)
            self.note(ds.stmt, f"{latex} defined again as at line {first_ds.stmt.span.line}, "
                               f"in other words (the same values)", "restated")
        for ds, e in failed:
            self.note(ds.stmt, f"another definition of {latex}, which cannot be read "
                               f"({short_error(e)}); the one at line {first_ds.stmt.span.line} "
                               f"is used" + (" (written with a defining sign, :=)" if defined
                                            else ""), "unreadable")
        self.defsrc[kw] = first_ds
        return first_ds, first

    def _members(self, kw, st):
        """The earlier members of a chain ``f = A = B`` that can be compared with its value:
        not a chain-rule step, not a restatement of f itself (``f(x) = f([x_1..])``)."""
        from .classify import has_derivative
        return [m for m in st.middle if not has_derivative(m) and not any(
            isinstance(n, (S.Sym, S.Sub)) and names.keyword_of(n) == kw for n in walk_syntax(m))]

    def _chain_fallback(self, kw, ds, err):
        """The last member of ``f = A = B`` cannot be read (`err`): the last earlier member
        that can is f's value (the chain says they are equal), with a note; None when none
        can, or when B fails on a name the document never introduces (it may well mean
        something else)."""
        st = ds.stmt
        members = self._members(kw, st) if not ds.indices else []
        if not members or (getattr(err, "bare_message", "").startswith("unknown name") and
                           self.info[kw].decl_shape is not None):
            return None     # a declared variable's equation with a new name: a model
            #                 equation or a definition (`_model_equation`), two readings
        for k in range(len(members) - 1, -1, -1):
            m = members[k]
            member = DefSource(kw, dataclasses.replace(st, value=m, middle=tuple(members[:k])),
                               (), ())
            start = len(self.notes)
            try:
                body = self.tentatively(lambda: self._lower_def(member))
            except MatcalcError:
                del self.notes[start:]
                continue
            latex = self.info[kw].latex
            self.note(st.value, f"the {_position(st)} member of the chain of equalities that "
                                f"defines {latex} {_why_not(err, st.value.span)}; the member "
                                f"at line {m.span.line}, column {m.span.column} is its value",
                      "unreadable")
            self.defsrc[kw] = member
            return member, body
        return None

    def _check_chain(self, kw, ds, body):
        """``f = A = B``: the value is the last member, B; each earlier member that can be
        read must give B's numbers (else two readings, refused naming both); one that
        cannot be read is noted."""
        st = ds.stmt
        if not st.middle or ds.indices:
            return
        latex = self.info[kw].latex
        for m in self._members(kw, st):
            start = len(self.notes)
            member = DefSource(kw, S.Def(st.target, st.params, m, span=m.span), (), ())
            try:
                got = self.tentatively(lambda: self._lower_def(member))
            except MatcalcError as e:
                del self.notes[start:]
                self.note(m, f"a member of the chain of equalities that defines {latex} "
                             f"{_why_not(e, m.span)}; the member at line "
                             f"{st.value.span.line}, column {st.value.span.column} is the "
                             f"value", "unreadable")
                continue
            del self.notes[start:]
            if not self._same_value(got, body) and not self._same_where_stated(kw, m, got,
                                                                                body):
                raise self.perr(f"{latex} is written as a chain of equalities whose members "
                                f"give different values: this member and the last one "
                                f"(line {st.value.span.line}, column {st.value.span.column}) "
                                f"are two readings of {latex}"
                                + self._unstated_sum(got, body), m)

    def tentatively(self, fn):
        """Run a lowering that may fail; on failure, forget the names it met (a name seen
        only in a formula that cannot be read must stay unknown elsewhere)."""
        info_keys, kinds = set(self.info), {k: v.kind for k, v in self.info.items()}
        dims, ranges = dict(self.dims), dict(self.ranges)
        try:
            return fn()
        except MatcalcError:
            for k in set(self.info) - info_keys:
                if k not in self.defs:
                    del self.info[k]
            for k, kind in kinds.items():
                if k in self.info and k not in self.defs:
                    self.info[k].kind = kind
            self.dims.clear()
            self.dims.update(dims)
            self.ranges.clear()
            self.ranges.update(ranges)
            raise

    def _same_where_stated(self, kw, m, got, body) -> bool:
        """A member `m` of the chain that defines `kw` and its last member give the same
        numbers where a vector input sums to 1, as the words say it does (``where $y$ is
        one-hot``, `read.normalised`): ``\\ell = -y:\\log(s) = \\lambda - y:u`` holds for
        every admissible y. Then the chain is read (its value, as always, the last
        member), noted, and the input is kept in `conditioned` (a gradient with respect to
        it has two readings: api.py). False when no stated input makes them agree."""
        for said in self.prose.normalised.values():
            first = said[0]
            y = names.keyword_of(first.name)
            if self._agree_on_simplex(y, got, body):
                latex, info = self.info[kw].latex, self.info[y]
                self.note(m, f"a member of the chain of equalities that defines {latex}: it "
                             f"equals the last member only where \\mathbf{{1}}^T {info.latex} "
                             f"= 1, which the text states (\"{first.sentence}\"); the last "
                             f"member is the value", "inferred")
                self.conditioned.setdefault(y, first.sentence)
                return True
        return False

    def _agree_on_simplex(self, y, got, body) -> bool:
        """Do `got` and `body` give the same numbers where the vector input `y` sums to 1
        (drawn on the open simplex, `numeric.on_simplex`)?"""
        from .. import numeric
        info = self.info.get(y)
        if info is None or info.kind != "input" or len(info.shape) != 1:
            return False
        key = names.python_name(y)

        def on_simplex(point, rng):
            point[key] = numeric.on_simplex(rng, np.shape(point[key]))
            return point
        return self._same_value(got, body, adjust=on_simplex)

    def _unstated_sum(self, got, body) -> str:
        """The words a refused chain would need: ", which agree only where 1^T y = 1" for
        the first vector input y that makes them agree (the text never says it), else ""."""
        for y, info in list(self.info.items()):
            if self._agree_on_simplex(y, got, body):
                return (f" (they agree only where \\mathbf{{1}}^T {info.latex} = 1, which "
                        f"the text does not state: say so in words, e.g. `where "
                        f"${info.latex}$ is one-hot`, to read the chain)")
        return ""

    def _same_value(self, a, b, adjust=None) -> bool:
        """Do two lowered definitions give the same numbers (at random inputs, each
        point passed through `adjust(point, rng)` when given)?"""
        from ..simplify import simplify
        a, b = simplify(a), simplify(b)
        if a is b:
            return True
        if not _same_shape(a.shape, b.shape):
            return False
        from .. import codegen, numeric
        from ..problem import Problem
        import numpy as np
        defs = {k: simplify(v) for k, v in self.defs.items()}
        defs.update({"__a": a, "__b": b})
        inputs = {k: Var(k, tuple(i.shape)) for k, i in self.info.items()
                  if i.kind in ("input", "natural") and k not in self.defs}
        p = Problem(inputs, defs, list(self.order) + ["__a", "__b"], "__a",
                    {k: i.latex for k, i in self.info.items()}, list(self.dims))
        try:
            fn = codegen.compile_module(codegen.generate(
                p, (Ref("__a", a.shape), Ref("__b", b.shape)), "pair"), "pair")
            compared = 0
            # random inputs, then SPD and positive ones: only entries finite on both sides
            # are compared (a log det of a random matrix is NaN; Stan's Wishart density is
            # written once with log of a product of Γ's, NaN where one is negative, once
            # with log Γ = log|Γ|, finite: they agree on the density's domain), and some must be
            for seed, mode in ((0, None), (1, None), (2, "spd"), (3, "positive")):
                rng = np.random.default_rng(seed)
                kw = numeric.sample_inputs(p, rng, mode=mode)
                if adjust is not None:
                    kw = adjust(kw, rng)
                with np.errstate(all="ignore"):
                    va, vb = (np.asarray(v, dtype=float) for v in numeric.call(fn, kw))
                both = np.isfinite(va) & np.isfinite(vb)
                if not np.allclose(va[both], vb[both], rtol=1e-9, atol=1e-12):
                    return False
                compared += int(np.sum(both))
        except Exception:   # noqa: BLE001 - what cannot be evaluated is not shown equal
            return False
        return compared > 0

    def _axis_hint(self, body, i):
        """The length of the axis an index i of an entrywise definition takes where its body
        subscripts an array of known shape with it (``K_{ik} = \\tanh(\\delta_{ik}
        (1+\\gamma^2)^{H_{ik}})``: H's), or None. Only a hint -- what lowering the body binds
        decides, and a different length there is refused -- for what meets i before that
        array does (a \\delta)."""
        for node in walk_syntax(body):
            if not isinstance(node, S.Sub):
                continue
            info = self.info.get(names.keyword_of(node.base) or "")
            items = self._index_items(node.subs)
            if info is None or not items or i not in items or info.family or \
                    len(items) != len(info.shape):
                continue
            return info.shape[items.index(i)]
        return None

    def _lower_def(self, ds: DefSource):
        twice = [i for n, i in enumerate(ds.indices) if i in ds.indices[:n]]
        if twice:      # a_{ii} = ..: the diagonal only, its other entries never said
            raise self.perr(f"index {twice[0]} stands twice on the left side: the definition "
                            f"gives only the diagonal entries; write diag(...) or the whole "
                            f"array", ds.stmt.target)
        scope = {}
        for i in ds.indices:
            scope[i] = Cell(self._range_dim(i, ds.stmt.target) if i in self.ranges else None,
                            hint=None if i in self.ranges else self._axis_hint(ds.stmt.value, i))
        v = self.expr(ds.stmt.value, scope)
        v = self.materialise(v, ds.stmt.value)
        idx = ds.indices
        # an entrywise definition whose body is a whole matrix: g_{ij} = sigm(f)
        if idx and not any(i in v.labels for i in idx) and len(v.mat) == len(idx) and \
                ds.entry_rank in (None, 0):
            v = Val(v.node, tuple(dict(zip(v.mat, idx)).get(l, l) for l in v.labels), (), False)
        for i in idx:
            if i not in v.labels:
                d = scope[i].dim
                if d is None:
                    raise self.perr(f"cannot tell the range of index {i}: declare it, e.g. "
                                    f"`{i} = 1,\\dots,n`", ds.stmt.target)
                node = ir.broadcast(v.node, v.labels, {**v.dims(), i: d}, v.labels + (i,))
                v = Val(node, v.labels + (i,), v.mat, v.row)
        extra = [l for l in v.index_labels if l not in idx]
        if extra:
            raise self.perr(f"index {extra[0]} is free in the definition of "
                            f"{self.info[ds.name].latex} but not on its left side",
                            ds.stmt.value)
        out = tuple(idx) + tuple(v.mat)
        node = contract([v.node], [v.labels], out) if tuple(v.labels) != out else v.node
        # a row vector is stored as a vector; its uses read it back as a row
        self.info[ds.name].row = bool(v.row and len(v.mat) == 1)
        decl = self.info[ds.name].decl_shape
        if decl is not None and not _same_shape(decl, node.shape):
            if ir.same_dim(sp.Mul(*decl), sp.Mul(*node.shape)) and len(decl) == 1:
                node = ops.Reshape(node, tuple(decl))
            else:
                raise self.serr(f"{self.info[ds.name].latex} is declared with shape "
                                f"{_fmt(decl)} but its definition has shape {_fmt(node.shape)}",
                                ds.stmt.target)
        return node

    def _lower_rest(self):
        """Definitions the objective does not use: lowered if they can be (they may be
        asked for as wrt), else noted and left out."""
        for kw in list(self.defsrc):
            if kw in self.defs:
                continue
            try:
                self.tentatively(lambda: self.define(kw))
            except MatcalcError as e:
                self.note(self.defsrc[kw].stmt, f"defines {self.info[kw].latex}, which the "
                          f"objective does not use, and cannot be lowered ({short_error(e)}): "
                          f"left out", "unused")

    def _source_order(self):
        """The definitions in the order the old one-pass lowering gave: each after what it
        uses, otherwise as the document defines them."""
        order, seen = [], set()

        def visit(k):
            stack = [(k, iter(self._deps.get(k, ())))]
            seen.add(k)
            while stack:
                node, it = stack[-1]
                nxt = next((d for d in it if d in self.defs and d not in seen), None)
                if nxt is None:
                    stack.pop()
                    order.append(node)
                    continue
                seen.add(nxt)
                stack.append((nxt, iter(self._deps.get(nxt, ()))))

        for k in list(self.defsrc) + [k for k in self.order if k not in self.defsrc]:
            if k in self.defs and k not in seen:
                visit(k)
        return order

    def _inline_constants(self, defs):
        """A definition whose value is a constant (J = 1_n 1_m^T) is used as that constant,
        so identities such as (J - F) = (1 - F) are seen."""
        from ..simplify import simplify
        consts = {}
        for kw in self.order:
            body = simplify(defs[kw])
            if isinstance(body, Const):
                consts[Ref(kw, body.shape)] = body
        if not consts:
            return defs
        return {k: simplify(ir.substitute(b, consts)) for k, b in defs.items()}

    def _hold(self, defs):
        if not self.held:
            return defs
        for h in self.held:
            if h in defs:
                continue
            st = self.held_at.get(h)
            name = names.latex_of(st.target) if st is not None else h
            for sk in self.skips:       # its definition is a formula that cannot be read
                if h in sk.defines:
                    raise self._needed_error(sk, h, "which is held constant")
            if h in self.defsrc:        # h = -w^{(2)T}: read, but it cannot be lowered
                try:
                    self.define(h)
                except MatcalcError as e:
                    raise type(e)(f"{e.bare_message} -- this definition cannot be left out: "
                                  f"{name} is held constant", e.line, e.column, e.source,
                                  e.end_column) from e
            if st is not None and getattr(st, "span", None) is not None:
                raise self.perr(f"{name} is held constant but is not defined", st)
            raise ParseError(f"{name} is held constant but is not defined")
        repl = {Ref(h, defs[h].shape): ops.StopGrad(Ref(h, defs[h].shape)) for h in self.held}
        return {k: ir.substitute(b, repl) for k, b in defs.items()}
