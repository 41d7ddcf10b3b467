"""Named probability densities applied as functions: ``\\mathcal{N}(x_n | \\mu_m, \\Sigma_m)``.

A likelihood in a post writes the Gaussian density by its name, never by its formula. When a
document applies the name ``N`` (``\\mathcal{N}``, ``N``: the font does not make another name)
to three arguments -- ``(x | \\mu, \\Sigma)``, ``(x; \\mu, \\Sigma)`` or ``(x, \\mu, \\Sigma)``,
the bar and the semicolon being separators -- and neither defines ``N`` nor declares it as a
variable, the application is the density:

  - a variance (a scalar third argument):   (2π)^{-1/2} s^{-1/2} exp(-(x - μ)² / (2 s)),
  - a covariance (a square matrix):          (2π)^{-k/2} det(S)^{-1/2}
                                             exp(-½ (x - μ)ᵀ S⁻¹ (x - μ)), k the length of x.

The second argument is the mean, the third the variance or covariance -- never the standard
deviation (``\\mathcal{N}(\\mu, \\sigma^2)`` is written with the variance; a post that means
σ writes σ², which is what it passes). A third argument that is a vector, or a mean and a
point of different shapes, is refused (a located `ShapeError` from the formula). Each use is
reported in `g.notes` ("inferred"). With fewer or more arguments the name is not taken for a
density (``\\mathcal{N}(i)``, a neighbourhood, stays an unknown function).

Contract: `NamedDensities.named_density(e, scope) -> Val | None`, a mixin of the document
lowerer; None when `e` is not such an application. The formulas are data (`DENSITIES`),
parsed on first use: no work at import.
"""
from __future__ import annotations

import functools

import sympy as sp

from .. import names
from ..ir import Const, contract
from ..read import syntax as S
from ..values import Val
from .base import LoweringBase, respan, substitute_names

# the density's name -> (what it is called, the formula of a scalar and of a matrix third
# argument, in the placeholders X (the point), M (the mean), S (the (co)variance), each
# replaced at once by the argument's syntax, so a document's own X, M or S cannot be
# captured); the constant factor (2π)^{-k/2} is applied outside the formula, so that a
# document's own \pi (mixture weights) is never taken for the constant
DENSITIES = {
    "N": ("the Gaussian density",
          {"s": r"S^{-\frac{1}{2}} \exp\left(-\frac{(X - M)^{2}}{2 S}\right)",
           "m": r"\left(\det S\right)^{-\frac{1}{2}} "
                r"\exp\left(-\frac{1}{2} (X - M)^{T} S^{-1} (X - M)\right)"}),
}


@functools.lru_cache(maxsize=None)
def _formula(name: str, kind: str):
    """The formula's syntax tree (parsed on first use)."""
    from ..read.parse import parse
    return parse("f = " + DENSITIES[name][1][kind]).statements[-1].value


class NamedDensities(LoweringBase):
    def density_name(self, e) -> str | None:
        """The DENSITIES key `e` (an `S.Apply`) applies, or None."""
        f = e.func
        if not isinstance(f, S.Sym) or f.primes or f.layer is not None or len(e.args) != 3:
            return None
        kw = names.keyword_of(f)
        known = self.info.get(kw)
        if f.name not in DENSITIES or kw in self.defsrc or \
                kw in getattr(self, "functions", {}) or \
                (known is not None and known.kind not in ("dim", "natural")):
            return None         # a dimension N (n = 1,...,N) is no variable: N(...) is free
        return f.name

    def named_density(self, e, scope):
        name = self.density_name(e)
        if name is None:
            return None
        x, mean, cov = e.args
        s = self.materialise(self.expr(cov, scope), cov)
        if s.kind not in ("s", "m"):
            raise self.serr(f"{names.latex_of(e.func)}(x | \\mu, \\Sigma), {DENSITIES[name][0]}: "
                            f"its third argument is a variance (a scalar) or a covariance "
                            f"(a square matrix), not a vector", cov)
        body = substitute_names(_formula(name, s.kind), {"X": x, "M": mean, "S": cov})
        v = self.expr(respan(body, e.span), scope)
        k = 1 if s.kind == "s" else s.mat_dims()[0]
        const = (2 * sp.pi) ** (-sp.sympify(k) / 2)
        self.note(e, f"{names.latex_of(e.func)}(x | \\mu, \\Sigma) read as {DENSITIES[name][0]} "
                     f"of the first argument, with mean the second and "
                     f"{'variance' if s.kind == 's' else 'covariance'} the third",
                  "inferred")
        return Val(contract([v.node, Const(const, ())], [v.labels, ()], v.labels),
                   v.labels, v.mat, v.row)
