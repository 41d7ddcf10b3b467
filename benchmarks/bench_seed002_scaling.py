"""How the generated gradient of seed 002 scales with N+M: linear, not O(N·M·K).

    python benchmarks/bench_seed002_scaling.py

Seed 002 is F(h; φ) = Σ_{i=1}^{N} Σ_{j=N+1}^{N+M} h_i h_j φ_iᵀφ_j, gradient wrt φ. Evaluated
literally the double sum costs O(N·M·K); matcalc's closed form
(h⊙1[N+1..N+M])(h⊙1[1..N])ᵀφ + (h⊙1[1..N])(h⊙1[N+1..N+M])ᵀφ, with the outer products
never formed, is O((N+M)·K). This script times the generated function for N+M from 10³ to
10⁶ (K = 16, N = M), prints time and time/(N+M), and fits the log-log slope (≈ 1 is linear).
At the small sizes it also times a literal O(N·M·K) NumPy evaluation of the double sum
(``np.einsum`` without path optimisation) and checks both give the same gradient.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import set_threads_from_argv  # noqa: E402

THREADS = set_threads_from_argv()     # before NumPy is imported (BLAS reads it at import)

import numpy as np  # noqa: E402

from _timing import fmt_time, interleaved_medians, load_line, loglog_slope, machine_line  # noqa: E402

import matcalc  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
K = 16


def literal_grad(h, phi, N):
    """The double sum as written, differentiated entry by entry: O(N·M·K) work.

    ∂F/∂φ_k = Σ_i Σ_j h_i h_j (δ_ik φ_j + δ_jk φ_i): for k ≤ N the inner sum over j runs
    over every (k, j) pair; for k > N the sum over i runs over every (i, k) pair.
    """
    h1, h2 = h[:N], h[N:]
    p1, p2 = phi[:N], phi[N:]
    g = np.empty_like(phi)
    # 'i,j,jk->ik' without path optimisation loops over all (i, j, k): N·M·K multiply-adds
    g[:N] = np.einsum("i,j,jk->ik", h1, h2, p2, optimize=False)
    g[N:] = np.einsum("j,i,ik->jk", h2, h1, p1, optimize=False)
    return g


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-exp", type=float, default=6.0, help="largest N+M is 10**max_exp")
    ap.add_argument("--points", type=int, default=7, help="sizes in the geometric range")
    ap.add_argument("--literal-max", type=int, default=10_000,
                    help="time the literal O(N·M·K) sum only up to this N+M")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1, help="BLAS threads (default 1)")
    args = ap.parse_args(argv)

    doc = (ROOT / "tests" / "seeds" / "002.tex").read_text()
    g = matcalc.gradient(doc, wrt="phi")
    fn = g.to_numpy()
    rng = np.random.default_rng(0)

    print(f"# bench_seed002_scaling  ({machine_line()})")
    print(f"# {load_line()} at start")
    print(f"# generated gradient: {g.latex()}")
    print(f"# K = {K}, N = M = (N+M)/2, h ∈ {{0,1}}, median of {args.repeat} interleaved batches, "
          f"{THREADS} BLAS thread(s)\n")
    print(f"{'N+M':>9} | {'matcalc':>11} | {'ns / (N+M)':>11} | {'literal O(NMK)':>14} | literal/matcalc")
    print("-" * 72)

    sizes = np.unique((np.geomspace(1e3, 10 ** args.max_exp, args.points) / 2).round().astype(int) * 2)
    ts, failures = [], 0
    for size in sizes:
        N = int(size // 2)
        h = rng.integers(0, 2, size).astype(float)
        phi = rng.standard_normal((size, K))
        callables = {"matcalc": lambda h=h, phi=phi, N=N: fn(h=h, phi=phi, N=N)}
        lit = ""
        if size <= args.literal_max:
            if not np.allclose(literal_grad(h, phi, N), fn(h=h, phi=phi, N=N)):
                failures += 1
                print(f"MISMATCH at N+M = {size}: literal sum and matcalc differ")
            callables["literal"] = lambda h=h, phi=phi, N=N: literal_grad(h, phi, N)
        t = interleaved_medians(callables, repeat=args.repeat)
        ts.append(t["matcalc"])
        if "literal" in t:
            lit = f"{fmt_time(t['literal']):>14} | {t['literal'] / t['matcalc']:10.0f}x"
        print(f"{size:>9} | {fmt_time(t['matcalc']):>11} | {t['matcalc'] / size * 1e9:11.1f} | {lit}")

    slope_all = loglog_slope(sizes, ts)
    big = sizes >= 10_000
    print(f"\nlog-log slope of matcalc time vs N+M, all sizes:    {slope_all:.2f}")
    if big.sum() >= 2:
        slope_big = loglog_slope(sizes[big], np.asarray(ts)[big])
        print(f"log-log slope of matcalc time vs N+M, N+M ≥ 10⁴:     {slope_big:.2f}"
              "   (below 10⁴ a call is dominated by fixed per-call overhead)")
    print("(1 = linear; the literal double sum is 2: quadratic in N+M at fixed K)")
    print(f"# {load_line()} at end")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
