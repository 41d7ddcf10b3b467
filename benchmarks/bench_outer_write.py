"""Ways to emit an outer-product write, timed against the code matcalc generates (issue 10).

    python benchmarks/bench_outer_write.py [--threads 2] [--repeat 9] [--no-jax]

Two shapes in one process, float64 and float32 each:

* seed 002's gradient, N = M = 5000, K = 64: two matrix-vector products and two broadcast
  products written into the halves of one (N+M)×K array;
* seed 001's gradient, n = d = 3000: one 3000×3000 outer product.

For each, matcalc's generated function (`gradient(...).to_numpy()`) and the same operations
written out with the outer products emitted differently:

* ``multiply``: ``np.multiply(u[:, None], v[None, :], out=…)`` (what the generator emits;
  the control: it should time like ``generated``);
* ``matmul``: ``np.matmul(u[:, None], v[None, :], out=…)``, a BLAS product with inner
  dimension 1 (threaded by BLAS);
* ``outer``: ``np.outer(u, v, out=…)``;
* ``copy then scale`` (002 only): the two row vectors broadcast into the halves, then one
  in-place scaling of the rows by h, ``g *= h[:, None]``;
* ``jax``: ``jax.jit(jax.grad(f))`` of the factored sum (002) or of the layer (001), when
  JAX is installed.

Every form's result is compared with the generated function's: the same dtype, and equal
(exactly in float64; rtol 1e-5 in float32, where the generated code may round a scalar
factor differently; rtol 1e-12 for JAX). Timing: each method's batch calibrated to ≥ 30 ms, then `--repeat`
rounds time one batch of every method, **the order rotated each round** (on this machine
the position in the round alone moves a method by up to 1.6×: an allocation right after
another method freed a large array is cheaper), medians of wall and of CPU time per call
(CPU: `time.process_time`, which does not count waiting for a core); ratios are
÷ ``generated``.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import fmt_time, load_line, machine_line, set_threads_from_argv  # noqa: E402

THREADS = set_threads_from_argv()     # before NumPy / JAX are imported

import numpy as np  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import matcalc  # noqa: E402
from problems import s001_make, s002_make, seed  # noqa: E402


def _forms_002(N, K, dt):
    """{name: fn(h, phi, N)} for seed 002's gradient, outer products emitted each way."""
    def parts(h, phi, N):
        t1, t2 = h[:N], h[N:]
        return t1, t2, phi[N:].T @ t2, phi[:N].T @ t1

    def with_(write):
        def f(h, phi, N):
            t1, t2, t3, t4 = parts(h, phi, N)
            g = np.empty(phi.shape, dtype=dt)
            write(t1, t3, g[:N])
            write(t2, t4, g[N:])
            return g
        return f

    def copy_then_scale(h, phi, N):
        t1, t2, t3, t4 = parts(h, phi, N)
        g = np.empty(phi.shape, dtype=dt)
        g[:N] = t3
        g[N:] = t4
        g *= h[:, None]
        return g
    return {"multiply": with_(lambda u, v, o: np.multiply(u[:, None], v[None, :], out=o)),
            "matmul": with_(lambda u, v, o: np.matmul(u[:, None], v[None, :], out=o)),
            "outer": with_(lambda u, v, o: np.outer(u, v, out=o)),
            "copy then scale": copy_then_scale}


def _sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def _forms_001():
    """{name: fn(W, x, b, w, y)}: the generated code's operations for seed 001, its last
    operation (a new n×d outer product) emitted each way."""
    def with_(outer):
        def f(W, x, b, w, y):
            t1 = _sigmoid(b + W @ x)
            t3 = t1 * (w * (1 - t1))
            return outer(t3, -(y * _sigmoid(-y * w @ t1)) * x)
        return f
    return {"multiply": with_(lambda u, v: np.multiply(u[:, None], v[None, :])),
            "matmul": with_(lambda u, v: np.matmul(u[:, None], v[None, :])),
            "outer": with_(np.outer)}


def _jax_002(N):
    import jax
    return jax.jit(jax.grad(lambda phi, h: (h[:N] @ phi[:N]) @ (h[N:] @ phi[N:])))


def _jax_001():
    import jax
    import jax.numpy as jnp
    return jax.jit(jax.grad(lambda W, x, b, w, y:
                            jnp.logaddexp(0.0, -y * (w @ jax.nn.sigmoid(W @ x + b)))))


def rotated_medians(callables: dict, repeat: int, min_batch: float = 0.03) -> dict:
    """{name: (median wall seconds, median CPU seconds) per call}; round r runs the methods
    starting at the r-th. CPU time (`time.process_time`, all the process's threads) does
    not count waiting for a core: on a loaded machine it is the better guide at one
    thread; at two threads a threaded method's CPU time is the sum over its threads."""
    def batch(fn, number):
        c, t = time.process_time(), time.perf_counter()
        for _ in range(number):
            fn()
        return (time.perf_counter() - t) / number, (time.process_time() - c) / number
    numbers = {}
    for name, fn in callables.items():
        number = 1
        while (t := batch(fn, number)[0] * number) < min_batch and number < 1 << 20:
            number = max(number * 2, int(number * 1.2 * min_batch / max(t, 1e-9)))
        numbers[name] = number
    names = list(callables)
    samples = {name: [] for name in names}
    for r in range(repeat):
        for name in names[r % len(names):] + names[:r % len(names)]:
            samples[name].append(batch(callables[name], numbers[name]))
    return {name: (statistics.median(w for w, _ in v), statistics.median(c for _, c in v))
            for name, v in samples.items()}


def case(title, generated, forms, args, jax_fn, jax_args, repeat) -> int:
    ref = generated()
    bad = 0
    calls = {"generated": generated}
    for name, f in forms.items():
        got = f(*args)
        if got.dtype != ref.dtype or not (np.array_equal(got, ref) if ref.dtype == np.float64
                                          else np.allclose(got, ref, rtol=1e-5, atol=0)):
            print(f"   MISMATCH {name}: dtype {got.dtype}, max diff {np.max(np.abs(got - ref))}")
            bad += 1
        calls[name] = (lambda f=f: f(*args))
    if jax_fn is not None:
        got = np.asarray(jax_fn(*jax_args))
        if not np.allclose(got, ref, rtol=1e-12, atol=0):
            print(f"   MISMATCH jax: max rel diff {np.max(np.abs(got - ref)) / np.max(np.abs(ref))}")
            bad += 1
        calls["jax"] = lambda: jax_fn(*jax_args).block_until_ready()
    med = rotated_medians(calls, repeat)
    print(f"\n## {title}")
    w0, c0 = med["generated"]
    for name, (w, c) in med.items():
        print(f"   {name:16s} wall {fmt_time(w)} ÷ generated {w / w0:5.2f}   "
              f"CPU {fmt_time(c)} ÷ generated {c / c0:5.2f}")
    return bad


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=1, help="BLAS/XLA threads (read before import)")
    ap.add_argument("--repeat", type=int, default=9)
    ap.add_argument("--no-jax", action="store_true")
    args = ap.parse_args(argv)
    use_jax = not args.no_jax
    if use_jax:
        try:
            import jax
            jax.config.update("jax_enable_x64", True)
        except ImportError:
            use_jax = False
    print(f"# bench_outer_write  ({machine_line()}); threads {THREADS}")
    print(f"# {load_line()} at start")
    rng = np.random.default_rng(0)
    g002 = matcalc.gradient(seed("002.tex"), wrt=r"\phi").to_numpy()
    g001 = matcalc.gradient(seed("001_question.tex"), wrt="W").to_numpy()
    bad = 0
    for dt in (np.float64, np.float32):
        name = np.dtype(dt).name
        d = s002_make(rng, 5000, 5000, 64)
        h, phi, N = d["h"].astype(dt), d["phi"].astype(dt), d["N"]
        jax_fn = _jax_002(N) if use_jax and dt == np.float64 else None
        if jax_fn is not None:
            import jax.numpy as jnp
            jargs = (jnp.asarray(phi), jnp.asarray(h))
            jax_fn(*jargs).block_until_ready()
        bad += case(f"002 N=M=5000 K=64, {name}", lambda: g002(h=h, phi=phi, N=N),
                    _forms_002(N, 64, dt), (h, phi, N), jax_fn,
                    jargs if jax_fn is not None else None, args.repeat)
        d = s001_make(rng, 3000, 3000)
        ins = {k: (np.asarray(v, dtype=dt) if k != "y" else v) for k, v in d.items()}
        jax_fn = _jax_001() if use_jax and dt == np.float64 else None
        if jax_fn is not None:
            import jax.numpy as jnp
            jargs = tuple(jnp.asarray(ins[k]) for k in ("W", "x", "b", "w", "y"))
            jax_fn(*jargs).block_until_ready()
        bad += case(f"001 n=d=3000, {name}", lambda: g001(**ins), _forms_001(),
                    tuple(ins[k] for k in ("W", "x", "b", "w", "y")), jax_fn,
                    jargs if jax_fn is not None else None, args.repeat)
    print(f"\n# {load_line()} at end")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
