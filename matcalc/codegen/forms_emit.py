"""Emitting the codegen-only nodes of `forms` (a mixin of `emit.Emitter`): shared
products, powers from powers, slices, and blocks written into place.

Contract: `FormsEmission._c_<Node>(node)` returns Python source, using the emitter's
`value`, `temp` and `lines`; `HELPERS` holds the NumPy helper the code may call.
"""
from __future__ import annotations

import sympy as sp

from .source import _atom, _pyexpr

HELPERS = {
    "_pow_from": '''def _pow_from(q, b, e1, k, d):
    """b ** e1 from q = b ** e where e1 = k e + d: q**k * b**d where b > 0 (exact there),
    b ** e1 itself where b <= 0."""
    r = q if k == 1 else q * q if k == 2 else q * q * q
    if d:
        with np.errstate(divide="ignore", invalid="ignore"):
            r = r * b if d == 1 else r / b
    bad = b <= 0
    if bad.any():
        r = np.where(bad, np.power(b, e1), r)
    return r
''',
}


class FormsEmission:
    """Mixin of `emit.Emitter`: the nodes of `forms`."""

    def _c_PowFrom(self, node):
        self.helpers.add("_pow_from")
        return (f"_pow_from({self.value(node.q)}, {self.value(node.base)}, "
                f"{_atom(self.value(node.exp))}, {node.k}, {node.d})")

    def _c_Shared(self, node):
        return self.value(node.arg)

    def _c_Slice(self, node):
        return f"{_atom(self.value(node.arg))}[{_range_index(node.axis, node.lo, node.hi, node.arg.shape[node.axis])}]"

    def _c_Place(self, node):
        return self._placed([node], [1])

    def _placed(self, places, coeffs):
        """Blocks written into one array along their common axis: each computed straight
        into its place in an empty array when they tile it, else added into zeros."""
        axis, n = places[0].axis, places[0].n
        shape = ", ".join(_pyexpr(d) for d in places[0].shape)
        order = sorted(range(len(places)), key=lambda k: _sort_key(places[k].lo))
        tiles = _tiles(places, order, n)
        blocks = [self._scaled(self.value(p.arg), c) for p, c in zip(places, coeffs)]
        name = self.temp(f"np.{'empty' if tiles else 'zeros'}(({shape},), dtype=_dt)")
        self.code_names.pop(f"np.{'empty' if tiles else 'zeros'}(({shape},), dtype=_dt)")
        for p, b in zip(places, blocks):
            target = f"{name}[{_range_index(axis, p.lo, p.hi, n)}]"
            if not tiles:
                self.lines.append(f"{target} += {b}")
            elif _product(b) is not None:
                self.lines.append(f"np.multiply({', '.join(_product(b))}, out={target})")
            else:
                self.lines.append(f"{target} = {b}")
        return name

    @staticmethod
    def _scaled(code, c):
        if c == 1:
            return code
        if c == -1:
            return f"-{_atom(code)}"
        return f"{_pyexpr(c)} * {_atom(code)}"



def _range_index(axis, lo, hi, n):
    """NumPy index of entries lo..hi (1-based, inclusive) along `axis`."""
    start = "" if sp.expand(lo - 1) == 0 else _pyexpr(sp.expand(lo - 1))
    stop = "" if sp.expand(hi - n) == 0 else _pyexpr(hi)
    return ", ".join([":"] * axis + [f"{start}:{stop}"])


def _product(code):
    """(a, b) if code is exactly one product a * b at top level, else None."""
    depth, cut = 0, None
    for k, ch in enumerate(code):
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch in "+-/@,<>=&|" and k > 0:
            return None
        elif depth == 0 and code.startswith(" * ", k):
            if cut is not None:
                return None
            cut = k
    if cut is None or code.startswith("-"):
        return None
    return code[:cut], code[cut + 3:]


def _sort_key(e):
    e = sp.sympify(e)
    return (0, int(e)) if e.is_Integer else (1, str(e))


def _tiles(places, order, n) -> bool:
    """Do the places, in `order`, cover 1..n exactly, one after the other?"""
    nxt = sp.Integer(1)
    for k in order:
        if sp.expand(places[k].lo - nxt) != 0:
            return False
        nxt = places[k].hi + 1
    return sp.expand(nxt - n - 1) == 0
