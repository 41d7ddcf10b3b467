"""Time matcalc's generated Hessian and Hessian-vector product against JAX and PyTorch, and
its JAX back end against jax.jit(jax.grad).

    python benchmarks/bench_hessian.py            # n=5000, d=1000 (a few minutes on 2 cores)
    python benchmarks/bench_hessian.py --quick    # n=500, d=100, a smoke test
    python benchmarks/bench_hessian.py --only hvp # one row (hessian, hvp, seed003)

Rows, each a median per call in one run (`_timing.interleaved_medians`), float64, one
thread per library unless ``--threads N``:
  1. logistic-regression Hessian (``--n``, ``--d`` to change the size) ``Xᵀ Diag(σ(Xw) ⊙ (1-σ(Xw))) X``: matcalc's generated NumPy
     Hessian (``matcalc.hessian(doc, "w").to_numpy()``), ``jax.jit(jax.hessian(f))`` and
     ``torch.autograd.functional.hessian(f, w)`` (vectorize=False, its default, and
     vectorize=True);
  2. the Hessian-vector product: ``matcalc.hvp(doc, "w").to_numpy()`` and its JAX back end,
     against ``jax.jit(lambda w, v: jax.jvp(jax.grad(f), (w,), (v,))[1])``;
  3. seed 003 (the DEC KL loss) wrt z: matcalc's gradient in its JAX back end
     (``g.to_jax()``, jitted) against ``jax.jit(jax.grad(f))``.
Every method's result is checked against matcalc's first (np.allclose, rtol 1e-7); a
mismatch is printed and the script exits 1. A missing library is skipped with a note.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import set_threads_from_argv  # noqa: E402

THREADS = set_threads_from_argv()     # before NumPy / JAX / PyTorch are imported

import numpy as np  # noqa: E402

from _timing import fmt_time, interleaved_medians, load_line, machine_line  # noqa: E402

import matcalc  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent

try:
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    HAVE_JAX = True
except Exception as exc:  # pragma: no cover - optional
    HAVE_JAX, JAX_WHY = False, f"{type(exc).__name__}: {exc}"

try:
    import torch

    torch.set_num_threads(THREADS)
    HAVE_TORCH = True
except Exception as exc:  # pragma: no cover - optional
    HAVE_TORCH, TORCH_WHY = False, f"{type(exc).__name__}: {exc}"

LOGREG = (r"X \in \mathbb{R}^{n\times d}, y \in \mathbb{R}^n, w \in \mathbb{R}^d \\ "
          r"f = \mathbf{1}^T \operatorname{softplus}(X w) - y^T X w")
SEED003 = (ROOT / "tests" / "seeds" / "003.tex").read_text()
FAILED = []


def check(name, got, want):
    got = np.asarray(got)
    if got.shape != want.shape or not np.allclose(got, want, rtol=1e-7, atol=1e-9):
        err = np.max(np.abs(got - want)) if got.shape == want.shape else "shape"
        print(f"  MISMATCH {name}: {err}")
        FAILED.append(name)


def report(title, times, base):
    print(f"\n{title}")
    for name, t in times.items():
        ratio = t / times[base]
        print(f"  {name:<34} {fmt_time(t)}   {ratio:6.2f}x {base}")


def logreg_inputs(n, d, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d)) / np.sqrt(d)
    w = rng.standard_normal(d)
    y = (rng.random(n) < 1 / (1 + np.exp(-X @ w))).astype(float)
    return dict(X=X, y=y, w=w)


def _once(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def bench_hessian(n, d, repeat):
    kw = logreg_inputs(n, d)
    t0 = time.perf_counter()
    h = matcalc.hessian(LOGREG, "w")
    mc = h.to_numpy()
    print(f"matcalc.hessian + to_numpy: {time.perf_counter() - t0:.2f} s; "
          f"∂²f/∂w² = {h.text()}")
    want = mc(**kw)
    methods = {"matcalc (NumPy)": lambda: mc(**kw)}
    if HAVE_JAX:
        X, y = jnp.asarray(kw["X"]), jnp.asarray(kw["y"])

        def f(w):
            z = X @ w
            return jnp.sum(jnp.logaddexp(0.0, z)) - y @ z
        jh = jax.jit(jax.hessian(f))
        wj = jnp.asarray(kw["w"])
        check("jax.hessian", jh(wj), want)
        methods["jax.jit(jax.hessian)"] = lambda: jh(wj).block_until_ready()
    if HAVE_TORCH:
        Xt, yt = torch.tensor(kw["X"]), torch.tensor(kw["y"])
        wt = torch.tensor(kw["w"])

        def ft(w):
            z = Xt @ w
            return torch.nn.functional.softplus(z).sum() - yt @ z
        slow = {}
        for label, vec in (("torch...hessian", False), ("torch...hessian(vectorize=True)", True)):
            t0 = time.perf_counter()
            ht = torch.autograd.functional.hessian(ft, wt, vectorize=vec)
            once = time.perf_counter() - t0
            check(label, ht.numpy(), want)
            if once > 1:   # d backward passes: the best of a few single calls
                slow[label + " (best of 3 calls)"] = min(
                    [once] + [_once(lambda: torch.autograd.functional.hessian(
                        ft, wt, vectorize=vec)) for _ in range(2)])
            else:
                methods[label] = (lambda vec=vec:
                                  torch.autograd.functional.hessian(ft, wt, vectorize=vec))
    times = interleaved_medians(methods, repeat=repeat)
    if HAVE_TORCH:
        times.update(slow)
    report(f"logistic-regression Hessian, n={n}, d={d}", times, "matcalc (NumPy)")


def bench_hvp(n, d, repeat):
    kw = logreg_inputs(n, d)
    v = np.random.default_rng(1).standard_normal(d)
    hv = matcalc.hvp(LOGREG, "w")
    mc = hv.to_numpy()
    want = mc(**kw, v=v)
    check("matcalc hvp vs Hessian", matcalc.hessian(LOGREG, "w").to_numpy()(**kw) @ v, want)
    methods = {"matcalc hvp (NumPy)": lambda: mc(**kw, v=v)}
    if HAVE_JAX:
        X, y = jnp.asarray(kw["X"]), jnp.asarray(kw["y"])

        def f(w):
            z = X @ w
            return jnp.sum(jnp.logaddexp(0.0, z)) - y @ z
        jvp = jax.jit(lambda w, v: jax.jvp(jax.grad(f), (w,), (v,))[1])
        wj, vj = jnp.asarray(kw["w"]), jnp.asarray(v)
        check("jax.jvp(jax.grad)", jvp(wj, vj), want)
        mj = hv.to_jax()
        args = dict(X=X, y=y, w=wj, v=vj)
        check("matcalc hvp (JAX)", mj(**args), want)
        methods["matcalc hvp (JAX back end)"] = lambda: mj(**args).block_until_ready()
        methods["jax.jit(jax.jvp(jax.grad))"] = lambda: jvp(wj, vj).block_until_ready()

        def fxy(X, y, w):
            z = X @ w
            return jnp.sum(jnp.logaddexp(0.0, z)) - y @ z
        jvp_args = jax.jit(lambda X, y, w, v: jax.jvp(lambda w: jax.grad(fxy, 2)(X, y, w),
                                                      (w,), (v,))[1])
        check("jax.jvp(jax.grad), X an argument", jvp_args(X, y, wj, vj), want)
        methods["  the same, X an argument"] = \
            lambda: jvp_args(X, y, wj, vj).block_until_ready()
    g = matcalc.gradient(LOGREG, "w").to_numpy()
    methods["(the gradient, matcalc NumPy)"] = lambda: g(**kw)
    times = interleaved_medians(methods, repeat=repeat)
    report(f"Hessian-vector product, n={n}, d={d}", times, "matcalc hvp (NumPy)")


def bench_seed003(quick, repeat):
    if not HAVE_JAX:
        return
    n, K, d = (40, 4, 3) if quick else (4000, 16, 32)
    rng = np.random.default_rng(0)
    mu = rng.standard_normal((K, d)) * 2.0
    z = mu[rng.integers(0, K, n)] + rng.standard_normal((n, d))
    g = matcalc.gradient(SEED003, "z")
    want = g.to_numpy()(z=z, mu=mu, nu=1.0)

    def f(z, mu, nu):
        qhat = (1.0 + jnp.sum((z[:, None, :] - mu[None, :, :]) ** 2, axis=2) / nu) \
            ** (-(nu + 1.0) / 2.0)
        q = qhat / qhat.sum(1, keepdims=True)
        phat = q ** 2 / q.sum(0)
        p = phat / phat.sum(1, keepdims=True)
        return jnp.sum(p * jnp.log(p / q))
    jg = jax.jit(jax.grad(f))
    mj = g.to_jax()
    zj, mj_mu = jnp.asarray(z), jnp.asarray(mu)
    check("seed 003 jax.grad", jg(zj, mj_mu, 1.0), want)
    check("seed 003 matcalc JAX", mj(z=zj, mu=mj_mu, nu=1.0), want)
    ng = g.to_numpy()
    times = interleaved_medians({
        "matcalc (JAX back end, jit)": lambda: mj(z=zj, mu=mj_mu, nu=1.0).block_until_ready(),
        "jax.jit(jax.grad(f))": lambda: jg(zj, mj_mu, 1.0).block_until_ready(),
        "matcalc (NumPy)": lambda: ng(z=z, mu=mu, nu=1.0),
    }, repeat=repeat)
    report(f"seed 003 DEC KL loss wrt z, n={n}, K={K}, d={d}", times,
           "matcalc (JAX back end, jit)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--n", type=int, default=None, help="rows of X (default 5000)")
    ap.add_argument("--d", type=int, default=None, help="columns of X (default 1000)")
    ap.add_argument("--only", choices=("hessian", "hvp", "seed003"), default=None,
                    help="run one of the three rows")
    args = ap.parse_args()
    n, d = (500, 100) if args.quick else (5000, 1000)
    n, d = args.n or n, args.d or d
    print(machine_line())
    print(load_line() + f"; {THREADS} thread(s) per library")
    if not HAVE_JAX:
        print(f"jax skipped: {JAX_WHY}")
    if not HAVE_TORCH:
        print(f"torch skipped: {TORCH_WHY}")
    if args.only in (None, "hessian"):
        bench_hessian(n, d, args.repeat)
    if args.only in (None, "hvp"):
        bench_hvp(n, d, args.repeat)
    if args.only in (None, "seed003"):
        bench_seed003(args.quick, args.repeat)
    print("\n" + load_line())
    if FAILED:
        print(f"FAILED: {', '.join(FAILED)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
