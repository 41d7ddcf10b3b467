r"""Pass 5 of reading, the domain under a sum or product sign, as people write it:
``\sum_{l \in \{1,2\},\; j \in [\![1,N]\!],\; j \neq i}`` is the nested sums it stands for.

Contract: `rewrite(w, t, kind)` is called by `commands._sum_over_set` with the sign `t`
(``\sum`` / ``\prod``; kind "sum" | "prod") just read and ``w.toks[w.i]`` the ``_`` after
it. When the subscript is a domain this module reads, its tokens are replaced by one sign
per binding, in the written order, each with a subscript the grammar reads:

- ``j \in [\![1,N]\!]``, ``j \in \llbracket 1, N \rrbracket``, ``j \in [1..N]``,
  ``j \in [1,N]``, ``j \in [N]``, ``j \in \{1,2\}``, ``j \in \{1,\dots,N\}``,
  ``j \in \{1, 2, \ldots, n\}``: the binding ``j=lo`` ``^{hi}`` (a run of consecutive
  integers; any other literal set is refused). ``i, j \in D``: each of i, j over D.
- ``... \setminus \{i\}``: the binding and the condition ``j \ne i``.
- ``j \neq i``, ``i < j`` (also ``\le``, ``>``, ``\ge``) on an index bound in the same
  subscript: a *condition part*, a sign marked "&" placed right after the binding of the
  last index it names, which `build.bigop` merges into that binding's BigOp (bounds and the
  excluded value or comparison together; lowering reads them, `lower/setsums.py`,
  `lower/sums.py`). On indices the subscript does not bind otherwise, the clause binds its
  first index as before (``\sum_{j \ne i}``, ``\sum_{i<j}``).
- ``i``, ``j`` alone: a binding without bounds; ``k=1`` with the sign's superscript: that
  range; ``j \in C_i``, ``(i,j) \in \Omega``: the set as `_sum_over_set` reads it.

Separators: a comma, a colon or ``\mid`` at the top level, with or without the spacing
``\;`` / ``\,`` / ``\quad`` (dropped). ``i=1,\dots,n`` among them is the binding i over
1..n. The first binding keeps the sign `t`; the others are new sign tokens.
Every sign this module writes has the command value ``MARK + kind + FLAGS + flags``
(`commands._marked_sum` emits it as a BIG token with the flags): "&" for a condition part,
else the domain as written where it was read by a convention (``[N]`` and ``[a,b]`` as
integers), which lowering reports in a note.

Returns True when it rewrote, False to leave the subscript as it is. A domain it
recognises but cannot read honestly is a located ParseError naming it: a literal set that
is not a run of integers, two conditions on one index, a condition beside a named set, a
bound beside a domain, ``\setminus`` of a named set.
"""
from __future__ import annotations

from ..errors import ParseError
from .ahead import group_end, is_char
from .tokens import err

MARK = "\x00"          # a sign this module wrote: MARK + kind + FLAGS + flags
FLAGS = "\x01"
PART = "&"

DOTS = ("dots", "ldots", "cdots")
SEPARATORS = ("SEMISP", "QUAD")
NE = ("ne", "neq")
# comparison commands and characters -> the relation, and each relation flipped
COMPARE = {"<": "<", ">": ">", "lt": "<", "gt": ">", "le": "<=", "leq": "<=",
           "leqslant": "<=", "ge": ">=", "geq": ">=", "geqslant": ">="}
FLIP = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}
REL_TOKEN = {"<": ("char", "<"), ">": ("char", ">"), "<=": ("cmd", "le"), ">=": ("cmd", "ge")}
OPENERS = {("cmd", "{"), ("cmd", "lbrace"), ("cmd", "llbracket"), ("cmd", "langle"),
           ("char", "("), ("char", "["), ("{", "{")}
CLOSERS = {("cmd", "}"), ("cmd", "rbrace"), ("cmd", "rrbracket"), ("cmd", "rangle"),
           ("char", ")"), ("char", "]"), ("}", "}")}


def marked(kind: str, flags: str = "") -> str:
    return MARK + kind + FLAGS + flags


def sign_kind(v) -> str | None:
    """"sum" / "prod" for a sign command value (written or marked), else None."""
    if v in ("sum", "prod"):
        return v
    if isinstance(v, str) and v.startswith(MARK):
        k = v[1:].split(FLAGS, 1)[0]
        return k if k in ("sum", "prod") else None
    return None


def _key(x):
    return (x.kind, x.value)


def _split(toks, at):
    """toks split at the top-level tokens for which at(token) holds (brackets of every
    kind counted, so ``\\{1,2\\}`` and ``[1,N]`` stay whole)."""
    items, cur, depth = [], [], 0
    for x in toks:
        if _key(x) in OPENERS:
            depth += 1
        elif _key(x) in CLOSERS:
            depth -= 1
        elif depth == 0 and at(x):
            items.append(cur)
            cur = []
            continue
        cur.append(x)
    return items + [cur]


def _strip(toks):
    return [x for x in toks if x.kind not in SEPARATORS]


def _is_name(toks) -> bool:
    """One index name: a letter, with a prime or a subscript (``k_2``, ``n_{p}``)."""
    if not toks or toks[0].kind != "letter":
        return False
    rest = toks[1:]
    while rest and is_char(rest[0], "'"):
        rest = rest[1:]
    if not rest:
        return True
    if is_char(rest[0], "_") and len(rest) == 2 and rest[1].kind in ("letter", "num"):
        return True
    return is_char(rest[0], "_") and len(rest) > 2 and rest[1].kind == "{" and \
        group_end(rest, 1) == len(rest) - 1


def _written(toks, source) -> str:
    """The source text from the first to the last token (one line), else ""."""
    a, b = toks[0], toks[-1]
    if a.line != b.end_line:
        return ""
    lines = source.splitlines()
    return lines[a.line - 1][a.col - 1:b.end_col - 1] if 1 <= a.line <= len(lines) else ""


def _int(toks):
    return int(toks[0].value) if len(toks) == 1 and toks[0].kind == "num" and \
        toks[0].value.isdigit() else None


class _Domain:
    """What ``\\in D`` gives: a range lo..hi (token lists) with values taken out, or a
    named set (`named` tokens, for `_sum_over_set`)."""

    def __init__(self, lo=None, hi=None, named=None, out=(), note=""):
        self.lo, self.hi, self.named, self.out, self.note = lo, hi, named, list(out), note


def _literal_set(items, at, source):
    """lo..hi of ``\\{1,2\\}``, ``\\{1,\\dots,N\\}``, ``\\{1, 2, \\ldots, n\\}``."""
    dots = [k for k, it in enumerate(items) if len(it) == 1 and it[0].kind == "cmd"
            and it[0].value in DOTS]
    if any(not it for it in items):
        raise err("an empty entry in this set under a sum", at, source)
    if dots:
        k = dots[0]
        head = [_int(it) for it in items[:k]]
        if len(dots) == 1 and k == len(items) - 2 and head and None not in head and \
                head == list(range(head[0], head[0] + len(head))):
            return items[0], items[-1]
        raise err("a set under a sum is read with \\dots only as a run of integers, "
                  "\\{1, \\dots, N\\} or \\{1, 2, \\ldots, N\\}", at, source)
    values = [_int(it) for it in items]
    if None in values:
        raise err("a sum over a set of values written out is read only over integers "
                  "(\\{1,2\\}): write the terms, or the index range", at, source)
    if values != list(range(values[0], values[0] + len(values))):
        raise err(f"the set \\{{{', '.join(map(str, values))}\\}} under a sum is not a run "
                  f"of consecutive integers: write its terms, or a range with a condition",
                  at, source)
    return items[0], items[-1]


def _domain(toks, source) -> _Domain:
    """The domain after ``\\in``."""
    parts = _split(toks, lambda x: x.kind == "cmd" and x.value == "setminus")
    main, out = parts[0], []
    for rest in parts[1:]:
        if len(rest) < 3 or _key(rest[0]) not in (("cmd", "{"), ("cmd", "lbrace")) or \
                _key(rest[-1]) not in (("cmd", "}"), ("cmd", "rbrace")):
            raise err("\\setminus under a sum is read only before a set of values written "
                      "out, \\setminus \\{i\\}", rest[0] if rest else toks[0], source)
        for item in _split(rest[1:-1], lambda x: is_char(x, ",")):
            if not (_is_name(item) or _int(item) is not None):
                raise err("\\setminus under a sum takes out index names or whole numbers",
                          (item or rest)[0], source)
            out.append(item)
    if not main:
        raise err("a domain is needed before \\setminus", toks[0], source)
    first, last = main[0], main[-1]
    if _key(first) in (("cmd", "{"), ("cmd", "lbrace")) and \
            _key(last) in (("cmd", "}"), ("cmd", "rbrace")) and len(main) > 2:
        lo, hi = _literal_set(_split(main[1:-1], lambda x: is_char(x, ",")), first, source)
        return _Domain(lo, hi, out=out)
    inner = None
    if _key(first) == ("cmd", "llbracket") and _key(last) == ("cmd", "rrbracket"):
        inner = main[1:-1]
    elif len(main) > 4 and is_char(first, "[") and is_char(main[1], "[") and \
            is_char(main[-2], "]") and is_char(last, "]"):
        inner = main[2:-2]                      # [\![1,N]\!] ( \! is dropped: [[1,N]] )
    if inner is not None:
        ends = _split(inner, lambda x: is_char(x, ","))
        if len(ends) != 2 or not all(ends):
            raise err("an integer interval under a sum is read as [\\![lo, hi]\\!]",
                      first, source)
        return _Domain(ends[0], ends[1], out=out)
    if is_char(first, "[") and is_char(last, "]") and len(main) > 2:
        inner = main[1:-1]
        dot = [k for k in range(len(inner) - 1) if is_char(inner[k], ".")
               and is_char(inner[k + 1], ".")]
        if dot:                                  # [1..N]
            k = dot[0]
            if inner[:k] and inner[k + 2:]:
                return _Domain(inner[:k], inner[k + 2:], out=out)
        ends = _split(inner, lambda x: is_char(x, ","))
        note = _written(main, source)
        if len(ends) == 2 and all(ends):         # [1,N]: the integers 1..N under a sum
            return _Domain(ends[0], ends[1], out=out, note=note)
        if len(ends) == 1 and (_is_name(inner) or _int(inner) is not None):
            one = first.at("num", "1")           # [N]: the integers 1..N
            return _Domain([one], inner, out=out, note=note)
        raise err("a bracket under a sum is read as the integers [N] = 1..N, [1,N] or "
                  "[1..N]", first, source)
    if out:
        raise err("\\setminus under a sum is read only after an integer range or a set "
                  "of integers written out, not after a named set", toks[0], source)
    return _Domain(named=toks)


class _Binding:
    """One sign of the rewrite: its subscript tokens, superscript tokens (or None), the
    index names it binds, and at most one condition part after it."""

    def __init__(self, sub, sup=None, binds=(), flags="", cond_ok=True, at=None):
        self.sub, self.sup, self.binds, self.flags = sub, sup, list(binds), flags
        self.cond_ok, self.cond, self.at = cond_ok, None, at


def _name_of(toks) -> str:
    return "".join(str(x.value) for x in toks)


def _clauses(under):
    """The subscript's clauses: split at top-level commas; a spacing command alone between
    two clauses separates them too."""
    out = []
    for item in _split(under, lambda x: is_char(x, ",") or is_char(x, ":") or
                       (x.kind == "cmd" and x.value == "mid")):
        for part in _split(item, lambda x: x.kind in SEPARATORS):
            if part:
                out.append(part)
    return out


def _runs(clauses, rels):
    """``i=1,\\dots,n`` / ``i = 1, 2, \\ldots, n`` among the clauses: one clause ``i=1``
    with its last value as the bound above (clause, relation, bound tokens or None)."""
    out, k = [], 0
    while k < len(clauses):
        c, r = clauses[k], rels[k]
        if r is not None and r[1] == "=" and _int(r[2]) is not None:
            m, first = k + 1, _int(r[2])
            while m < len(clauses) and _int(clauses[m]) == first + (m - k):
                m += 1
            if m + 1 < len(clauses) and len(clauses[m]) == 1 and \
                    clauses[m][0].kind == "cmd" and clauses[m][0].value in DOTS and \
                    rels[m + 1] is None:
                out.append((c, r, clauses[m + 1]))
                k = m + 2
                continue
        out.append((c, r, None))
        k += 1
    return out


def _relation(clause):
    """(left, relation, right) of ``a \\ne b`` / ``a < b`` / ``j \\in D`` / ``k = 1`` at
    the top level, relation one of "in", "ne", "=", or a comparison; None if none."""
    depth = 0
    for k, x in enumerate(clause):
        if _key(x) in OPENERS:
            depth += 1
        elif _key(x) in CLOSERS:
            depth -= 1
        elif depth == 0 and k:
            if x.kind == "cmd" and x.value == "in":
                return clause[:k], "in", clause[k + 1:]
            if x.kind == "cmd" and x.value in NE:
                return clause[:k], "ne", clause[k + 1:]
            if is_char(x, "="):
                return clause[:k], "=", clause[k + 1:]
            if (x.kind == "char" and x.value in "<>") or \
                    (x.kind == "cmd" and x.value in COMPARE and x.value not in "<>"):
                return clause[:k], COMPARE[x.value], clause[k + 1:]
    return None


def _is_new_domain(toks, source) -> bool:
    """Is this the domain of a single-clause subscript that this module reads (an integer
    interval, a literal set, ``\\setminus``)? A named set is `_sum_over_set`'s."""
    try:
        d = _domain(toks, source)
    except ParseError:          # a malformed domain: rewrite reads it again, to raise there
        return True
    return d.named is None


def rewrite(w, t, kind) -> bool:
    toks, i = w.toks, w.i
    end = group_end(toks, i + 1)
    if end is None:
        return False
    under = toks[i + 2:end]
    clauses = _clauses(under)
    if not clauses:
        return False
    rels = [_relation(c) for c in clauses]
    spaced = any(x.kind in SEPARATORS for x in under)
    if len(clauses) == 1:
        r = rels[0]
        if r is None or r[1] != "in" or not _is_new_domain(r[2], w.source):
            return False
    elif all(r is None for r in rels):
        if not spaced:
            return False                                  # \sum_{i,j}: the grammar's
        if all(_is_name(c) for c in clauses):
            w.splice(i + 2, end, _strip(under))           # \sum_{i,\; j}
        return False
    elif all(r is None for r in rels[:-1]) and rels[-1][1] == "in" and \
            not _is_new_domain(rels[-1][2], w.source) and not spaced:
        return False                                      # \sum_{i,j \in S}: pairs in S
    sup_end = None
    if end + 1 < w.n and is_char(toks[end + 1], "^"):
        if end + 2 < w.n and toks[end + 2].kind == "{":
            sup_end = group_end(toks, end + 2)
        if sup_end is None:
            raise err(f"the bound above this \\{kind} must be in braces, ^{{N}}",
                      toks[end + 1], w.source)
    sup = toks[end + 3:sup_end] if sup_end is not None else None
    binds = _bindings(clauses, rels, sup, kind, toks[end + 1] if sup else None, w.source)
    new = []
    for k, b in enumerate(binds):
        for part in ([b] if b.cond is None else [b, b.cond]):
            at = part.at
            if k or part is not b:
                new.append(at.at("cmd", marked(kind, part.flags)))
            new += [at.at("char", "_"), at.at("{", "{"), *part.sub, at.at("}", "}")]
            if part.sup is not None:
                new += [at.at("char", "^"), at.at("{", "{"), *part.sup, at.at("}", "}")]
    t.value = marked(kind, binds[0].flags)
    w.splice(i, (sup_end if sup_end is not None else end) + 1, new)
    return True


def _bindings(clauses, rels, sup, kind, sup_at, source):
    """The signs of a domain, in the written order, conditions attached."""
    binds, pending, bound = [], [], {}          # bound: index name -> its _Binding

    def bind(b):
        binds.append(b)
        for n in b.binds:
            bound[n] = b

    def flush():
        for name in pending:
            bind(_Binding(list(name), binds=[_name_of(name)], at=name[0]))
        pending.clear()

    used_sup = False
    for clause, r, run_end in _runs(clauses, rels):
        at = clause[0]
        if run_end is not None:                 # \sum_{i=1,\dots,n}: i over 1..n
            for name in pending + [r[0]]:
                bind(_Binding([*name, at.at("char", "="), *r[2]], list(run_end),
                              binds=[_name_of(name)], at=name[0]))
            pending = []
            continue
        if r is None:
            if not _is_name(clause):
                raise err(f"cannot read this part of the subscript of \\{kind} (an index, "
                          f"an index \\in a domain, or a condition such as j \\neq i)",
                          at, source)
            pending.append(clause)
            continue
        left, how, right = r
        if how == "in":
            _bind_in(left, right, pending, bind, kind, source)
            pending = []
            continue
        if how == "=":
            if not _is_name(left) or sup is None or used_sup:
                raise err(f"k = lo among the clauses under \\{kind} is read only as the one "
                          f"binding with the bound above the sign (\\{kind}_{{k=1,\\, k \\ne "
                          f"j}}^{{K}}, \\{kind}_{{i,j=1}}^{{n}})", at, source)
            used_sup = True
            for name in pending + [left]:       # \sum_{i,j=1}^{n}: each of i, j over 1..n
                bind(_Binding([*name, at.at("char", "="), *right], list(sup),
                              binds=[_name_of(name)], at=name[0]))
            pending = []
            continue
        flush()
        _condition(left, how, right, bound, bind, kind, at, source)
    flush()
    if sup is not None and not used_sup:
        raise err(f"a bound above \\{kind} beside a domain under it is not supported: write "
                  f"the domain or the bound, not both", sup_at, source)
    return binds


def _bind_in(left, right, pending, bind, kind, source):
    """``i, j \\in D`` (pending i): each over D's range, or the named set as it is."""
    paren = len(left) > 2 and is_char(left[0], "(") and is_char(left[-1], ")")
    if not (_is_name(left) or paren):
        raise err(f"cannot read this as an index of \\{kind}", left[0], source)
    d = _domain(right, source)
    if d.named is not None:
        if any(x.kind in SEPARATORS for x in left + right):
            right = _strip(right)
        sub = []
        for name in pending:
            sub += [*name, name[0].at("char", ",")]
        sub += [*left, left[0].at("cmd", "in"), *right]
        names_ = [_name_of(n) for n in pending] + ([] if paren else [_name_of(left)])
        bind(_Binding(sub, binds=names_, cond_ok=False, at=left[0]))
        return
    if paren:
        raise err(f"(i,j) \\in D under \\{kind} is read only over a named set of pairs",
                  left[0], source)
    for name in pending + [left]:
        at = name[0]
        b = _Binding([*name, at.at("char", "="), *d.lo], list(d.hi), binds=[_name_of(name)],
                     flags=d.note, at=at)
        bind(b)
        for x in d.out:
            if _name_of(x) == _name_of(name):
                raise err(f"{_name_of(name)} \\in ... \\setminus \\{{{_name_of(x)}\\}}: an index "
                          f"taken out of its own domain runs over nothing; write which index "
                          f"the set leaves out (i, j \\in [N],\\; j \\neq i)", x[0], source)
            _attach(b, _Binding([*name, at.at("cmd", "ne"), *x], flags=PART, at=at),
                    _name_of(name), kind, source)


def _attach(b, cond, name, kind, source):
    if not b.cond_ok:
        raise err(f"a condition on {name} beside the set it runs over is not supported: "
                  f"write the set, or the index range with the condition", cond.at, source)
    if b.cond is not None:
        raise err(f"two conditions on {name} under one \\{kind} are not supported: write "
                  f"one, or nested sums", cond.at, source)
    b.cond = cond


def _condition(left, how, right, bound, bind, kind, at, source):
    """``j \\ne i`` / ``i < j``: a condition part on the last-bound index it names, or,
    when neither index is bound here, the clause as its own binding (as before)."""
    a = _name_of(left) if _is_name(left) else None
    b = _name_of(right) if _is_name(right) else None
    if a is None:
        raise err(f"a condition under \\{kind} is read only on an index name, j \\neq i",
                  at, source)
    order = list(bound)
    here = [n for n in (a, b) if n in bound]
    if how == "ne":
        if b is None and _int(right) is None:
            raise err(f"\\neq under \\{kind} is read only before an index name or a whole "
                      f"number", right[0] if right else at, source)
        if a not in bound:
            # \sum_{i, j \ne i}: j over all but i, as \sum_{j \ne i} alone (were the left
            # index an enclosing one, lowering refuses it bound twice)
            bind(_Binding([*left, at.at("cmd", "ne"), *right], binds=[a], cond_ok=False,
                          at=at))
            return
        mine, other = (a, right) if b not in bound or order.index(a) > order.index(b) \
            else (b, left)
        mine_toks = left if mine == a else right
        _attach(bound[mine], _Binding([*mine_toks, at.at("cmd", "ne"), *other], flags=PART,
                                      at=at), mine, kind, source)
        return
    if b is None or len(left) != 1 or len(right) != 1:
        raise err(f"a comparison under \\{kind} is read only between two single-letter "
                  f"indices, i < j", at, source)
    if not here:
        rel = REL_TOKEN[how]
        bind(_Binding([left[0], at.at(*rel), right[0]], binds=[a, b], cond_ok=False, at=at))
        return
    if len(here) == 2:
        mine = a if order.index(a) > order.index(b) else b
    else:
        mine = here[0]
    rel = how if mine == a else FLIP[how]
    mine_t, other_t = (left[0], right[0]) if mine == a else (right[0], left[0])
    _attach(bound[mine], _Binding([mine_t, at.at(*REL_TOKEN[rel]), other_t], flags=PART,
                                  at=at), mine, kind, source)
