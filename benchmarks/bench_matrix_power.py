"""Generated gradients of matrix powers, this tree against another (e.g. before the
compact derivative of ops/matpow.py), interleaved in one process.

    python benchmarks/bench_matrix_power.py --old /path/to/other/tree [--sizes 4,100,400]

Each tree generates the NumPy gradient source of the same documents (in a subprocess with
PYTHONPATH set to that tree); both sources are exec'd side by side and timed in turn (9
batches each, CPU time, one BLAS thread); the script prints new ÷ old per document, power
and n, and the relative difference of the two results (they must agree).

Documents: aᵀ X^p b and Tr(A X^p) wrt X, and the `power` family of bench_cost.py,
1ᵀexp((tanh(A) + 2I)^{-p} v) wrt A.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

R = r"\mathbb{R}"
DOCS = {
    "bilinear": (lambda p: f"$X \\in {R}^{{n\\times n}}, a, b \\in {R}^n$\n$f = a^T X^{{{p}}} b$", "X"),
    "trace": (lambda p: f"$X \\in {R}^{{n\\times n}}, A \\in {R}^{{n\\times n}}$\n"
                        f"$f = \\operatorname{{Tr}}(A X^{{{p}}})$", "X"),
    "power": (lambda p: f"$A \\in {R}^{{n\\times n}}, v \\in {R}^n$\n"
                        f"$f = \\mathbf{{1}}_n^T\\exp((\\tanh(A)+2I_n)^{{-{p}}}v)$", "A"),
}
POWERS = {"bilinear": (4, 7, 24, -4, -7), "trace": (4, 7, 24, -4, -7), "power": (4, 12, 24)}

_GENERATE = """
import json, sys, matcalc
docs = json.loads(sys.argv[1])
print(json.dumps({k: matcalc.gradient(d, w).numpy_source() for k, (d, w) in docs.items()}))
"""


def sources(tree) -> dict:
    docs = {f"{name} {p}": (make(p), wrt) for name, (make, wrt) in DOCS.items()
            for p in POWERS[name]}
    env = dict(os.environ, PYTHONPATH=str(tree))
    out = subprocess.run([sys.executable, "-c", _GENERATE, json.dumps(docs)], env=env,
                         capture_output=True, text=True, check=True, cwd=str(tree))
    return json.loads(out.stdout)


def function(src):
    ns: dict = {}
    exec(compile(src, "<generated>", "exec"), ns)
    return next(v for k, v in ns.items() if k.startswith("grad_"))


def inputs(name, n, rng):
    import numpy as np
    X = np.eye(n) + 0.3 * rng.standard_normal((n, n)) / np.sqrt(n)
    if name == "bilinear":
        return dict(X=X, a=rng.standard_normal(n), b=rng.standard_normal(n))
    if name == "trace":
        return dict(X=X, A=rng.standard_normal((n, n)))
    return dict(A=0.5 * rng.standard_normal((n, n)) / np.sqrt(n), v=rng.standard_normal(n))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--old", required=True, help="the other source tree (a directory)")
    ap.add_argument("--sizes", default="4,100,400")
    args = ap.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    import numpy as np
    here = Path(__file__).resolve().parent.parent
    old, new = sources(Path(args.old).resolve()), sources(here)
    for key in old:
        name = key.split()[0]
        fo, fn = function(old[key]), function(new[key])
        for n in (int(s) for s in args.sizes.split(",")):
            kw = inputs(name, n, np.random.default_rng(0))
            a, b = fo(**kw), fn(**kw)
            diff = np.abs(a - b).max() / max(1e-300, np.abs(a).max())
            t = time.perf_counter()
            fo(**kw)
            reps = max(1, int(0.01 / (time.perf_counter() - t)))
            to, tn = [], []
            for _ in range(9):
                for f, acc in ((fo, to), (fn, tn)):
                    t = time.process_time()
                    for _ in range(reps):
                        f(**kw)
                    acc.append((time.process_time() - t) / reps)
            mo, mn = statistics.median(to), statistics.median(tn)
            print(f"{key:12s} n={n:<4d} old {mo * 1e6:10.1f} us  new {mn * 1e6:10.1f} us  "
                  f"new/old {mn / mo:5.2f}  rel. diff {diff:.1e}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
