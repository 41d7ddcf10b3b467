"""Derivation time and output size against the length of a definition chain.

    python benchmarks/bench_derivation.py

The document is a chain of L tanh layers,

    z⁽¹⁾ = tanh(W⁽¹⁾ x),  z⁽ᵏ⁺¹⁾ = tanh(W⁽ᵏ⁺¹⁾ z⁽ᵏ⁾),  f = ‖z⁽ᴸ⁾‖²,   gradient wrt W⁽¹⁾,

for L = 2, 4, 8, 16, 32. Inlining the chain would make the expression grow with every
layer (and a naive simplifier worse than that); keeping the definitions, as matcalc does,
makes derivation time and output size grow linearly in L. The script prints, per L, the
median time of ``matcalc.gradient`` + ``latex()`` + ``numpy_source()``, the length of
``g.latex()``, the number of derivation steps and the lines of generated NumPy, and the
log-log slope of each against L (≈ 1 is linear). Each generated gradient is also checked
against a hand-written backward pass on small random arrays.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import load_line, loglog_slope, machine_line  # noqa: E402

import matcalc  # noqa: E402


def chain_doc(L: int) -> str:
    decl = ", \\quad ".join(f"W^{{({k})}}" for k in range(1, L + 1))
    lines = [f"${decl} \\in \\mathbb{{R}}^{{n \\times n}}, \\quad x \\in \\mathbb{{R}}^n$",
             "\\begin{align*}",
             "z^{(1)} &= \\tanh(W^{(1)} x) \\\\"]
    for k in range(1, L):
        lines.append(f"z^{{({k + 1})}} &= \\tanh(W^{{({k + 1})}} z^{{({k})}}) \\\\")
    lines.append(f"f &= \\|z^{{({L})}}\\|^2")
    lines.append("\\end{align*}")
    return "\n".join(lines)


def hand_grad_W1(Ws, x):
    """Backward pass written by hand: ∂‖z_L‖²/∂W_1."""
    zs, a = [], x
    for W in Ws:
        a = np.tanh(W @ a)
        zs.append(a)
    g = 2.0 * zs[-1]                      # ∂f/∂z_L
    for k in range(len(Ws) - 1, 0, -1):
        g = Ws[k].T @ ((1.0 - zs[k] ** 2) * g)
    return np.outer((1.0 - zs[0] ** 2) * g, x)


def derive(doc: str):
    """Returns g, latex, numpy source and the seconds spent in each of the three calls."""
    t0 = time.perf_counter()
    g = matcalc.gradient(doc, wrt="W1")
    t1 = time.perf_counter()
    latex = g.latex()
    t2 = time.perf_counter()
    src = g.numpy_source()
    t3 = time.perf_counter()
    return g, latex, src, (t1 - t0, t2 - t1, t3 - t2)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lengths", default="2,4,8,16,32")
    ap.add_argument("--repeat", type=int, default=3, help="derivations per L (median)")
    args = ap.parse_args(argv)
    Ls = [int(s) for s in args.lengths.split(",")]

    print(f"# bench_derivation  ({machine_line()})")
    print(f"# {load_line()} at start")
    derive(chain_doc(2))                  # warm-up: grammar load, caches
    rng = np.random.default_rng(0)
    rows, failures = [], 0
    print(f"\n{'L':>4} | {'total (ms)':>10} | {'ms / L':>7} | {'gradient()':>10} | "
          f"{'latex()':>7} | {'numpy_source()':>14} | {'len(latex)':>10} | "
          f"{'steps':>5} | {'numpy lines':>11} | check")
    print("-" * 116)
    for L in Ls:
        doc = chain_doc(L)
        parts = []
        for _ in range(args.repeat):
            g, latex, src, p = derive(doc)
            parts.append(p)
        tg, tl, ts = (statistics.median(p[i] for p in parts) for i in range(3))
        t = statistics.median(sum(p) for p in parts)
        n = 6
        Ws = [rng.standard_normal((n, n)) / np.sqrt(n) for _ in range(L)]
        x = rng.standard_normal(n)
        kw = {f"W{k + 1}": W for k, W in enumerate(Ws)} | {"x": x}
        ok = np.allclose(g.to_numpy()(**kw), hand_grad_W1(Ws, x), rtol=1e-9, atol=1e-12)
        failures += not ok
        nlines = len(src.splitlines())
        rows.append((L, t, len(latex), len(g.steps), nlines, tg, ts))
        print(f"{L:>4} | {t * 1e3:10.1f} | {t * 1e3 / L:7.2f} | {tg * 1e3:10.1f} | "
              f"{tl * 1e3:7.1f} | {ts * 1e3:14.1f} | {len(latex):>10} | "
              f"{len(g.steps):>5} | {nlines:>11} | {'ok' if ok else 'WRONG'}")

    Ls_ = [r[0] for r in rows]
    print("\nlog-log slopes against L (1 = linear). 'fit' is the least-squares slope over all L;"
          "\n'last' is between the two largest L (constant offsets, e.g. steps = 2L + 3, pull"
          "\nthe fit below 1 at small L, so 'last' is the better guide to the growth rate):")
    print(f"  {'':24s} {'fit':>6} {'last':>6}")
    for i, what in [(1, "derivation time (total)"), (5, "  gradient()"),
                    (6, "  numpy_source()"), (2, "len(g.latex())"), (3, "number of steps"),
                    (4, "lines of numpy_source")]:
        ys = [r[i] for r in rows]
        last = loglog_slope(Ls_[-2:], ys[-2:]) if len(rows) >= 2 else float("nan")
        print(f"  {what:24s} {loglog_slope(Ls_, ys):6.2f} {last:6.2f}")
    print(f"# {load_line()} at end")
    if failures:
        print(f"{failures} generated gradient(s) disagree with the hand-written backward pass")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
