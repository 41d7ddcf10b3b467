"""Pass 2 of lowering a document: each definition lowered on first use, the objective
picked; and a claimed gradient lowered in its document's context (`lower_claim`).

Contract: `lower(doc, objective=None) -> Problem`. Every problem in the document raises a
`ParseError` (unknown name, unbound index, ambiguous notation) or a `ShapeError`
(mismatched dimensions, non-scalar objective), located at the offending syntax node.

How values are carried: every lowered subexpression is a `Val`: an IR node whose axes each
carry a label. Labels that are strings are index names (``i``, ``k_2``) from index notation;
the labels in `mat` (ordered: rows, columns) are the axes seen in matrix notation. So
``\\phi_i^T \\phi_j`` is a node with labels (i, j) and no matrix axes, ``W x`` a node whose
one axis is a matrix axis, and a sum over ``j`` is a contraction of label ``j``.
Definitions and inputs store arrays with index (family) axes first, then matrix axes.
"""
from __future__ import annotations


import sympy as sp

from .. import ir, names, ops
from ..errors import MatcalcError, ParseError, ShapeError, error_at
from ..ir import Const, Ref, Var, contract
from ..notes import excerpt
from ..problem import Problem
from ..read import syntax as S
from ..values import Cell, Val, fmt_shape as _fmt
from .atoms import AtomLowering, read_vector_bars
from .base import walk_syntax
from .declarations import DefSource, DeclarationCollector, Info, _same_shape
from .indexing import IndexLowering
from .products import ProductLowering
from .sums import SumLowering

class Lowerer(DeclarationCollector, IndexLowering, AtomLowering, ProductLowering, SumLowering):
    """Lowers one document: collects its declarations and definitions, lowers each
    definition on first use (so the order of the text does not matter), picks the objective.
    The expression lowering is in the mixins, one job each; this class is their context."""
    def __init__(self, doc: S.Document):
        self.doc = doc
        self.src = doc.source
        self.info: dict[str, Info] = {}
        self.ranges: dict[str, tuple] = {}      # index keyword -> (lo, hi) sympy
        self.defsrc: dict[str, DefSource] = {}
        self.rivals: dict[str, list] = {}       # keyword -> other definitions of it
        self.defs: dict[str, object] = {}
        self.order: list[str] = []
        self.lowering: list[str] = []
        self.held: set = set()
        self.claims: list = []
        self.dim_subst: dict = {}
        self.dims: dict = {}
        self.bare: S.Bare | None = None         # a bare final expression (the objective)
        self.index_latex: dict = {}
        self.notes: list = []
        self.skips: list = []                   # fragments that could not be read
        self.not_defs: list = []                # statements read as no definition
        self.layouts: dict = {}                 # keyword -> (first, last) of its stack
        self.renamed: dict = {}                 # old keyword -> (new keyword, Rename)
        self._deps: dict = {}                   # keyword -> the definitions it uses, in order
        self._declared: set = set()
        self._last_def = None                   # where the last definition stands
        self._starts = None

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
            raise self.perr(f"circular definition: {chain}", ds.stmt.target)
        self.lowering.append(kw)
        try:
            if kw in self.rivals:
                ds, body = self._settle(kw)
            else:
                body = self._lower_def(ds)
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
        for ds, e in failed:
            # a quantity the document never introduces is no notation the reader lacks:
            # that definition may well mean something else, and cannot be compared
            if getattr(e, "bare_message", "").startswith("unknown name"):
                raise self.perr(f"{latex} is defined twice, and this definition cannot be "
                                f"compared with the one at line {first_ds.stmt.span.line}: "
                                f"{_short(e)}", ds.stmt.target) from e
        for ds, body in got[1:]:
            if not self._same_value(first, body):
                raise self.perr(f"{latex} is defined twice, differently (first at line "
                                f"{first_ds.stmt.span.line}): the two give different values",
                                ds.stmt.target)
            self.note(ds.stmt, f"{latex} defined again as at line {first_ds.stmt.span.line}, "
                               f"in other words (the same values)", "restated")
        for ds, e in failed:
            self.note(ds.stmt, f"another definition of {latex}, which cannot be read "
                               f"({_short(e)}); the one at line {first_ds.stmt.span.line} "
                               f"is used", "unreadable")
        self.defsrc[kw] = first_ds
        return first_ds, first

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

    def _same_value(self, a, b) -> bool:
        """Do two lowered definitions give the same numbers (at random inputs)?"""
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
            for seed in (0, 1):
                kw = numeric.sample_inputs(p, np.random.default_rng(seed))
                with np.errstate(all="ignore"):
                    va, vb = numeric.call(fn, kw)
                if not np.allclose(va, vb, rtol=1e-9, atol=1e-12, equal_nan=False):
                    return False
        except Exception:   # noqa: BLE001 - what cannot be evaluated is not shown equal
            return False
        return True

    def _lower_def(self, ds: DefSource):
        scope = {}
        for i in ds.indices:
            scope[i] = Cell(self._range_dim(i, ds.stmt.target) if i in self.ranges else None)
        v = self.expr(ds.stmt.value, scope)
        v = self.materialise(v, ds.stmt.value)
        idx = ds.indices
        # an entrywise definition whose body is a whole matrix: g_{ij} = sigm(f)
        if idx and not any(i in v.labels for i in idx) and len(v.mat) == len(idx):
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

    def run(self, objective=None) -> Problem:
        # |v| of a vector: the entrywise or the norm reading, whichever fits (atoms.py)
        made = []

        def make(reading):
            lw = type(self)(self.doc)
            lw.vector_bars = reading
            made.append(lw)
            return lw
        problem = read_vector_bars(make, lambda lw: lw._run(objective), self.doc)
        self.skips = made[0].skips   # what was skipped is the same whichever reading ran
        return problem

    def _run(self, objective=None) -> Problem:
        self.collect()
        if not self.defsrc:
            self._defines_nothing()
        try:
            obj = self._lower_objective(objective)
        except MatcalcError as err:
            if getattr(err, "fragment", False):      # already at the fragment that matters
                raise
            roots = [k for k in (self._objective_kw(objective, check=False),) if k]
            self._raise_if_needed(self._mentioned(roots or list(self.defsrc)), err)
            raise
        self._lower_rest()
        self._refuse_skipped_inputs(obj)
        for sk in self.skips:
            what = ", ".join(sk.shown)
            verb = "define" if sk.defines else "declare"
            self.note(sk.span, f"cannot be read ({_short(sk.error, sk.span)}); skipped"
                      + (f": the objective does not need the {what} it would {verb}"
                         if what else ""), "unreadable")
        inputs = {}
        for kw, info in self.info.items():
            if info.kind in ("input", "natural") and kw not in self.defs:
                inputs[kw] = Var(kw, tuple(info.shape))
        latex = {kw: info.latex for kw, info in self.info.items()}
        latex.update(self.index_latex)
        from ..simplify import simplify
        defs = self._hold(self._inline_constants({k: simplify(b) for k, b in self.defs.items()}))
        self.order = self._source_order()
        self.notes.sort(key=lambda n: (n.line, n.column))
        problem = Problem(inputs, defs, list(self.order), obj, latex, list(self.dims),
                          set(self.held), self.src, dict(self.index_latex),
                          {kw: i.family for kw, i in self.info.items() if i.family},
                          {kw for kw, i in self.info.items() if i.row and kw in defs},
                          notes=list(self.notes), vector_bars=self.vector_bars)
        return problem

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
                          f"objective does not use, and cannot be lowered ({_short(e)}): "
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
        a dimension) changes what the document means: refused, naming the fragment."""
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

    def _needed_error(self, sk, k, why):
        e = sk.error
        name = sk.latex.get(k, k)
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
        return None

    # ------------------------------------------------------------ the objective
    def _objective_kw(self, objective, check=True):
        if objective is None:
            if self.bare is not None:
                return "f"
            return list(self.defsrc)[-1] if self.defsrc else None
        if objective in self.defsrc:
            return objective
        for k in self.defsrc:
            if self.info[k].latex == objective or names.python_name(k) == objective:
                return k
        kw = _keyword_of_text(objective)        # {\cal L}, \mathrm{KL}: as the reader reads it
        if kw in self.defsrc:
            return kw
        if not check:
            return None
        missing = self.explain_missing(objective)
        if missing is not None:
            raise missing
        for st in self.doc.statements:      # written, but not as the definition of a name
            t = getattr(st, "target", None)
            if isinstance(st, S.Def) and t is not None and \
                    excerpt(self.src, t.span).replace(" ", "") == objective.replace(" ", ""):
                raise self.perr(f"objective {objective!r} is not defined: this left side is "
                                f"not read as one name, so the line defines nothing", t)
        raise ParseError(f"objective {objective!r} is not defined in the document "
                         f"(definitions: {', '.join(self.info[k].latex for k in self.defsrc)})")

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

    def _lower_objective(self, objective):
        if objective is None and self.bare is not None:
            if "f" in self.info:
                raise self.perr("this expression after the last definition would be the "
                                "objective, but f is already defined: write it as a "
                                "definition, or name the objective", self.bare)
            self.defsrc["f"] = DefSource("f", S.Def(S.Sym("f"), None, self.bare.value,
                                                    span=self.bare.span), (), ())
            self.info["f"] = Info("def", "f", span=self.bare.span)
        kw = self._objective_kw(objective)
        if objective is not None and self.bare is not None:
            self.note(self.bare, "an expression, not a definition: not used (the objective "
                                 "is named)")
        if objective is None and self.bare is not None:
            try:
                self._define_deep(kw)
            except MatcalcError as e:
                last = [k for k in self.defsrc if k != "f"][-1]
                raise self.perr(f"this expression after the last definition would be the "
                                f"objective, but it cannot be read ({_short(e)}); if the "
                                f"objective is {self.info[last].latex} (line "
                                f"{self.defsrc[last].stmt.span.line}), name it", self.bare) from e
        self._define_deep(kw)
        if objective is None:
            last = self.defsrc[kw].stmt.span if kw == "f" and self.bare else self._last_def
            for sk in self.skips:
                if last is not None and sk.defines and \
                        (sk.span.line, sk.span.column) > (last.line, last.column) \
                        and not all(k in self.defsrc for k in sk.defines):
                    raise self._needed_error(sk, sk.defines[0], "and it comes after the last "
                                             "definition, so it may be the objective: name "
                                             "the objective to skip it")
            if self.defs[kw].shape != ():
                self._lower_rest()
                used = {n.name for b in self.defs.values() for n in ir.walk(b)
                        if isinstance(n, Ref)}
                roots = [k for k in self.defsrc if k in self.defs and k not in used
                         and self.defs[k].shape == ()]
                if len(roots) == 1:
                    kw = roots[0]
        shape = self.defs[kw].shape
        if shape != ():
            ds = self.defsrc[kw]
            raise error_at(ShapeError, f"the objective {self.info[kw].latex} has shape "
                           f"{_fmt(shape)}, not a scalar: a gradient needs a scalar function",
                           ds.stmt.span, self.src)
        return kw

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
            if h not in defs:
                raise ParseError(f"{h} is held constant but is not defined")
        repl = {Ref(h, defs[h].shape): ops.StopGrad(Ref(h, defs[h].shape)) for h in self.held}
        return {k: ir.substitute(b, repl) for k, b in defs.items()}

def _keyword_of_text(text):
    """The keyword of a name written in LaTeX (``{\\cal L}``), or None."""
    from ..read.parse import parse
    try:
        st = parse(text).statements[-1]
    except (MatcalcError, IndexError):
        return None
    return names.keyword_of(st.value) if isinstance(st, S.Bare) else None


def _short(e, span=None) -> str:
    """An error in a few words, with its place (unless it is where `span` starts)."""
    msg = getattr(e, "bare_message", str(e)).split("\n")[0]
    line, col = getattr(e, "line", None), getattr(e, "column", None)
    if line is None or (span is not None and (span.line, span.column) == (line, col)):
        return msg
    return f"line {line}, column {col}: {msg}"


def lower(doc: S.Document, objective=None) -> Problem:
    return Lowerer(doc).run(objective)


def lower_claim(doc: S.Document, shape: tuple, value, index_syntax, helpers, claim_text: str,
                bars: str | None = None):
    """Lower a claimed gradient in the context of its document: `value` (syntax) is the
    claim, written entrywise in the indices `index_syntax` (``\\frac{\\partial L}{\\partial
    z_i}``: they run over the leading axes of the variable, of shape `shape`) or as a whole
    array; `helpers` are definitions the claim makes (``where S = Diag(s)``). Returns
    (claim node, {name: node} of the definitions it needs beyond the document's, their
    order). Errors are located in `claim_text`."""
    lw = Lowerer(doc)
    # |v| read as the document's lowering read it (`Problem.vector_bars`)
    lw.vector_bars = bars if bars is not None else "abs"
    lw.collect()
    for kw in list(lw.defsrc):      # the document's own definitions, in its own text
        try:
            lw.tentatively(lambda: lw.define(kw))
        except MatcalcError:
            pass                    # not needed by the claim, or it fails again below
    own = set(lw.defsrc)
    for h in helpers:
        lw._collect_def(h)
    indices = tuple(names.keyword_of(i) for i in index_syntax)
    if any(i is None for i in indices):
        raise ParseError("the claim's variable must be subscripted by index names")
    for i, d in zip(indices, shape):
        if i not in lw.ranges:
            lw.ranges[i] = (1, d)
    lw.defsrc["__claim"] = DefSource("__claim", S.Def(S.Sym("__claim"), None, value,
                                                      span=value.span), indices, index_syntax)
    lw.info["__claim"] = Info("def", "claim")
    lw.src = claim_text
    for kw in lw.defsrc:            # the claim and its helpers (the rest is lowered above)
        if kw not in own:
            lw.define(kw)
    return lw.defs["__claim"], lw.defs, list(lw.order)
