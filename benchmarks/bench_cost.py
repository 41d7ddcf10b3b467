"""Cost of the whole pipeline against the size of the document, for the families that
used to blow up.

    python benchmarks/bench_cost.py [--only NAME] [--sizes 10,50] [--repeat N]

Each family is a document with a size parameter L. The script times, per L, the whole
pipeline a user runs - ``matcalc.gradient``, ``.steps``, ``.latex()``, ``.text()``,
``.numpy_source()``, ``.to_numpy()`` - reports the output sizes (characters of
``g.text()``, derivation steps, characters of the generated code) and fits log-log
slopes against L (1 = linear). Every generated gradient is checked against central
differences of an independent NumPy evaluator of the objective (float64).

Families (the fuzzing and performance reports that prompted them in brackets):

- ``power``    f = 1ᵀexp((tanh(A) + 2I)^{-L} v) wrt A: X^{-L} is a product of L factors,
               so the derivative has L terms of L factors (quadratic output is inherent).
               [gradient 0.05 s but 110 s in all at L = 12]
- ``shared``   s_k = tanh(s_{k-1}) s_{k-1} + α, f = s_L wrt s_0: each definition used
               twice. [26 s at L = 12: the printed cotangent doubled per level]
- ``hchain-A``, ``hchain-x``  h_k = tanh(A h_{k-1}) + x, f = 1ᵀh_L, wrt A or x: one
               parameter used at every level. [over 60 s at L = 100]
- ``poly``     f = α + 2α² + ... + Lα^L: one sum of L distinct terms. [45 s at L = 2,000]
- ``sigmoid``  h^{(k)} = σ(W^{(k)} h^{(k-1)}), f = cᵀh^{(L)} wrt W^{(1)}. [code generation
               slope 2.4, 4.9 s at L = 200, paid twice by to_numpy()]

Timings are of one process after a warm-up (the grammar is built once per process); the
median of --repeat runs. Derivations past matcalc's size guard are refused with a
MatcalcError; the ``power`` family stops below it.
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
from matcalc import numeric  # noqa: E402

R = r"\mathbb{R}"


# ---------------------------------------------------------------- documents

def power_doc(L):
    return (f"$A \\in {R}^{{n\\times n}}, v \\in {R}^n$\n"
            f"$f = \\mathbf{{1}}_n^T\\exp((\\tanh(A)+2I_n)^{{-{L}}}v)$")


def shared_doc(L):
    lines = [f"$s_0, \\alpha \\in {R}$"]
    lines += [f"$s_{{{k}}} = \\tanh(s_{{{k - 1}}})\\, s_{{{k - 1}}} + \\alpha$"
              for k in range(1, L + 1)]
    return "\n".join(lines + [f"$f = s_{{{L}}}$"])


def hchain_doc(L):
    lines = [f"$h_0, x \\in {R}^n, A \\in {R}^{{n\\times n}}$"]
    lines += [f"$h_{{{k}}} = \\tanh(A h_{{{k - 1}}}) + x$" for k in range(1, L + 1)]
    return "\n".join(lines + [f"$f = \\mathbf{{1}}^T h_{{{L}}}$"])


def poly_doc(L):
    terms = ["\\alpha"] + [f"{k}\\alpha^{{{k}}}" for k in range(2, L + 1)]
    return f"$\\alpha \\in {R}$\n$f = " + " + ".join(terms) + "$"


def sigmoid_doc(L):
    ws = ", ".join(f"W^{{({k})}}" for k in range(1, L + 1))
    lines = [f"${ws} \\in {R}^{{n\\times n}}, h^{{(0)}}, c \\in {R}^n$"]
    lines += [f"$h^{{({k})}} = \\sigma(W^{{({k})}} h^{{({k - 1})}})$" for k in range(1, L + 1)]
    return "\n".join(lines + [f"$f = c^T h^{{({L})}}$"])


# ---------------------------------------------------------------- independent evaluators

def power_f(L):
    def f(A, v):
        B = np.tanh(A) + 2 * np.eye(A.shape[0])
        return float(np.sum(np.exp(np.linalg.matrix_power(np.linalg.inv(B), L) @ v)))
    return f


def shared_f(L):
    def f(s_0, alpha):
        s = s_0
        for _ in range(L):
            s = np.tanh(s) * s + alpha
        return float(s)
    return f


def hchain_f(L):
    def f(h_0, x, A):
        h = h_0
        for _ in range(L):
            h = np.tanh(A @ h) + x
        return float(np.sum(h))
    return f


def poly_f(L):
    def f(alpha):
        return float(sum(k * alpha ** k for k in range(1, L + 1)))
    return f


def sigmoid_f(L):
    def f(**kw):
        h = kw["h0"]
        for k in range(1, L + 1):
            h = 1.0 / (1.0 + np.exp(-(kw[f"W{k}"] @ h)))
        return float(kw["c"] @ h)
    return f


# ---------------------------------------------------------------- inputs

N = 4


def power_inputs(L, rng):
    return {"A": 0.5 * rng.standard_normal((N, N)), "v": rng.standard_normal(N)}


def shared_inputs(L, rng):
    return {"s_0": 0.5, "alpha": 0.8}


def hchain_inputs(L, rng):
    return {"h_0": rng.standard_normal(N), "x": rng.standard_normal(N),
            "A": rng.standard_normal((N, N)) / N}


def poly_inputs(L, rng):
    return {"alpha": 0.5}


def sigmoid_inputs(L, rng):
    # near 4(I - 11ᵀ/n) the pre-activations stay near 0, where σ' = 1/4: the gradient
    # through many layers does not vanish, so the check means something
    P = 4 * (np.eye(N) - np.ones((N, N)) / N)
    kw = {f"W{k}": P + 0.3 * rng.standard_normal((N, N)) for k in range(1, L + 1)}
    return kw | {"h0": rng.standard_normal(N), "c": rng.standard_normal(N)}


FAMILIES = {
    # name: (document, wrt, evaluator, inputs, keyword of wrt, default sizes)
    "power": (power_doc, "A", power_f, power_inputs, "A", "3,6,12,24,36"),
    "shared": (shared_doc, "s_0", shared_f, shared_inputs, "s_0", "10,50,200,400"),
    "hchain-A": (hchain_doc, "A", hchain_f, hchain_inputs, "A", "10,50,200,400"),
    "hchain-x": (hchain_doc, "x", hchain_f, hchain_inputs, "x", "10,50,200,400"),
    "poly": (poly_doc, "alpha", poly_f, poly_inputs, "alpha", "250,500,1000,2000,4000"),
    "sigmoid": (sigmoid_doc, "W1", sigmoid_f, sigmoid_inputs, "W1", "10,50,200,400"),
}

STAGES = ("gradient", "steps", "latex", "text", "numpy_source", "to_numpy")


def pipeline(doc, wrt):
    """The Gradient, its compiled function and the seconds spent in each stage (wall),
    with the process's CPU seconds for the whole pipeline as ``cpu`` (on a loaded shared
    machine the wall time includes waiting for a core; the CPU time does not)."""
    times = {}
    cpu = time.process_time()
    t = time.perf_counter()
    g = matcalc.gradient(doc, wrt=wrt)
    times["gradient"] = time.perf_counter() - t
    fn = None
    for stage in STAGES[1:]:
        t = time.perf_counter()
        out = getattr(g, stage)
        if callable(out):
            out = out()
        times[stage] = time.perf_counter() - t
        if stage == "to_numpy":
            fn = out
    return g, fn, times, time.process_time() - cpu


def central_difference(f, kw, key, eps=1e-6):
    """∂f/∂kw[key] by central differences (f takes every input by keyword)."""
    x0 = np.array(kw[key], dtype=float)
    grad = np.zeros(x0.size)
    for k in range(x0.size):
        h = eps * max(1.0, abs(x0.flat[k]))
        step = np.zeros(x0.size)
        step[k] = h
        up, down = (x0 + s.reshape(x0.shape) for s in (step, -step))
        grad[k] = (f(**{**kw, key: up if x0.shape else float(up)})
                   - f(**{**kw, key: down if x0.shape else float(down)})) / (2 * h)
    return grad.reshape(x0.shape)


def check(fn, f, kw, key) -> bool:
    got = np.asarray(numeric.call(fn, kw), dtype=float)
    want = central_difference(f, kw, key)
    return got.shape == want.shape and numeric.relative_error(got, want) < 1e-6


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--only", default=None, help="families whose name contains TEXT")
    ap.add_argument("--sizes", default=None, help="sizes L for every family chosen")
    ap.add_argument("--repeat", type=int, default=3, help="runs per L (median)")
    args = ap.parse_args(argv)
    print(f"# bench_cost  ({machine_line()})")
    print(f"# {load_line()} at start")
    pipeline(hchain_doc(2), "A")  # warm-up: grammar, caches
    rng = np.random.default_rng(0)
    failures, summary = 0, []
    for name, (make, wrt, evaluator, inputs, key, sizes) in FAMILIES.items():
        if args.only and args.only not in name:
            continue
        Ls = [int(s) for s in (args.sizes or sizes).split(",")]
        print(f"\n## {name} (wrt {wrt})")
        print(f"{'L':>5} | {'total s':>8} | {'cpu s':>7} | " + " | ".join(f"{s:>12}" for s in STAGES)
              + f" | {'len(text)':>9} | {'steps':>5} | {'len(code)':>9} | check")
        rows = []
        for L in Ls:
            doc = make(L)
            runs = [pipeline(doc, wrt) for _ in range(args.repeat)]
            g, fn = runs[-1][0], runs[-1][1]
            med = {s: statistics.median(r[2][s] for r in runs) for s in STAGES}
            total = statistics.median(sum(r[2].values()) for r in runs)
            cpu = statistics.median(r[3] for r in runs)
            ok = check(fn, evaluator(L), inputs(L, rng), key)
            failures += not ok
            sizes_ = (len(g.text()), len(g.steps), len(g.numpy_source()))
            rows.append((L, total, *sizes_, cpu))
            print(f"{L:>5} | {total:8.3f} | {cpu:7.3f} | " + " | ".join(f"{med[s]:12.4f}" for s in STAGES)
                  + f" | {sizes_[0]:>9} | {sizes_[1]:>5} | {sizes_[2]:>9} | "
                  + ("ok" if ok else "WRONG"))
        Lx = [r[0] for r in rows]
        fits = []
        for i, what in [(1, "time"), (5, "cpu"), (2, "len(text)"), (3, "steps"), (4, "len(code)")]:
            ys = [r[i] for r in rows]
            last = loglog_slope(Lx[-2:], ys[-2:]) if len(rows) > 1 else float("nan")
            fits.append(f"{what} {loglog_slope(Lx, ys):.2f} (last {last:.2f})")
        print("log-log slope against L, fit over all L (last: the two largest): " + "; ".join(fits))
        summary.append((name, Lx[-1], rows[-1][1], rows[-1][5], fits[0], fits[1]))
    print("\n## summary: total seconds (wall, cpu) at the largest L, and the slopes")
    for name, L, t, c, fit, fitc in summary:
        print(f"  {name:10s} L = {L:<5} {t:7.3f} s wall {c:7.3f} s cpu   {fit}; {fitc}")
    print(f"# {load_line()} at end")
    if failures:
        print(f"{failures} generated gradient(s) disagree with finite differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
