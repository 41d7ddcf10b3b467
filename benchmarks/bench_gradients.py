"""Time matcalc's generated gradients (all parameters at once) against a hand-written closed
form, JAX ``jit(grad)`` and PyTorch autograd, on the problems of issue 10's table.

    python benchmarks/bench_gradients.py                # full sizes, one thread per library
    python benchmarks/bench_gradients.py --threads 2    # the libraries' own threading
    python benchmarks/bench_gradients.py --quick        # small sizes, a smoke test
    python benchmarks/bench_gradients.py --extra        # also ridge, MLP, log det, 004 answer

The problems are in `problems.py`, written from the seed documents. For each problem and
size, in one process:

* every method's gradients are computed once and compared: the hand-written closed form
  against central differences of the NumPy forward (a random direction per parameter),
  then matcalc, JAX and PyTorch against the hand-written one (``np.allclose``, rtol 1e-7);
  a disagreement is printed and makes the script exit 1;
* the forward pass (NumPy), the hand-written gradient, matcalc's generated function
  (``gradient(doc, wrt=[...]).to_numpy()``, derivation time printed apart), JAX
  ``jit(grad(f, argnums=...))`` (compile time, i.e. the first call, printed apart; every
  call ends in ``block_until_ready``) and PyTorch autograd (fresh leaf tensors and a fresh
  graph per call) are timed interleaved (`_timing.interleaved_medians`, medians);
* the peak memory of one call of the NumPy methods (tracemalloc: NumPy reports its
  buffers to it) is measured, as a multiple of the hand-written code's.

Ratios are **matcalc's time ÷ the other's** (issue 10's convention: < 1 means matcalc is
faster). Float64 everywhere. ``--json FILE`` writes the numbers for RESULTS.md.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import set_threads_from_argv  # noqa: E402

THREADS = set_threads_from_argv()     # before NumPy / JAX / PyTorch are imported

import numpy as np  # noqa: E402

from _timing import fmt_time, interleaved_medians, load_line, machine_line  # noqa: E402
import problems_extra  # noqa: E402
from problems import problems  # noqa: E402

import matcalc  # noqa: E402

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


def _tuple(x):
    return tuple(x) if isinstance(x, (tuple, list)) else (x,)


def _close(a, ref):
    a, ref = np.asarray(a, dtype=float), np.asarray(ref, dtype=float)
    if a.shape != ref.shape:
        return False, float("inf")
    scale = float(np.max(np.abs(ref))) if ref.size else 1.0
    err = float(np.max(np.abs(a - ref))) / (scale or 1.0)
    return bool(np.allclose(a, ref, rtol=1e-7, atol=1e-9 * (scale or 1.0))), err


def fd_check(forward, inputs, params, grads, rng):
    """Relative error of each gradient's projection on a random ±1 direction against the
    central difference of `forward` along it (the worst over the parameters; for each, the
    best of three step sizes, so that neither truncation at a large step nor rounding at a
    small one decides)."""
    worst = 0.0
    for name, g in zip(params, grads):
        x = np.asarray(inputs[name], dtype=float)
        v = rng.choice([-1.0, 1.0], size=x.shape) if x.shape else np.float64(1.0)
        an = float(np.sum(np.asarray(g) * v))
        best = float("inf")
        for scale in (1e-5, 1e-6, 1e-7):
            h = scale * max(1.0, float(np.sqrt(np.mean(x * x))))
            up = forward(**{**inputs, name: x + h * v})
            down = forward(**{**inputs, name: x - h * v})
            fd = (up - down) / (2 * h)
            best = min(best, abs(fd - an) / max(abs(an), abs(fd), 1e-12))
        worst = max(worst, best)
    return worst


def peak_bytes(call) -> int:
    """Peak of memory newly allocated during one call (tracemalloc; NumPy reports its
    buffers to it)."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def jax_method(prob, inputs):
    k = len(prob.params)
    others = [n for n in inputs if n not in prob.params and n not in prob.static]
    static = {n: inputs[n] for n in prob.static}

    def f(*args):
        return prob.jax_f(*args[:k], **dict(zip(others, args[k:])), **static)

    jg = jax.jit(jax.grad(f, argnums=tuple(range(k))))
    args = [jnp.asarray(inputs[n]) for n in prob.params] + [jnp.asarray(inputs[n]) for n in others]

    def call():
        out = jg(*args)
        jax.block_until_ready(out)
        return out

    t = time.perf_counter()
    call()
    return call, time.perf_counter() - t


def torch_method(prob, inputs):
    others = {n: (torch.from_numpy(v) if isinstance(v, np.ndarray) else v)
              for n, v in inputs.items() if n not in prob.params}
    leaves = [torch.as_tensor(np.asarray(inputs[n], dtype=np.float64)) for n in prob.params]

    def call():
        ps = [x.detach().clone().requires_grad_(True) for x in leaves]
        return torch.autograd.grad(prob.torch_f(*ps, **others), ps)

    return call


def run_one(prob, label, size, rng, repeat):
    """Check and time one problem at one size; returns a result row (dict)."""
    t = time.perf_counter()
    g = matcalc.gradient(prob.doc, wrt=prob.wrt if len(prob.wrt) > 1 else prob.wrt[0])
    fn = g.to_numpy()
    t_derive = time.perf_counter() - t
    inputs = prob.make(rng, **size)
    assert set(inputs) == set(g.inputs.values()), (set(inputs), g.inputs)
    forward = prob.forward_for(inputs) if prob.forward_for else prob.forward
    calls = {"forward": lambda: prob.forward(**inputs),
             "hand": lambda: prob.hand(**inputs),
             "matcalc": lambda: fn(**inputs)}
    compile_s = None
    if HAVE_JAX and prob.jax_f is not None:
        calls["jax"], compile_s = jax_method(prob, inputs)
    if HAVE_TORCH and prob.torch_f is not None:
        calls["torch"] = torch_method(prob, inputs)
    hand = _tuple(calls["hand"]())
    fd_err = fd_check(forward, inputs, prob.params, hand, rng)
    row = dict(problem=prob.name, size=label, derive_s=t_derive, jax_compile_s=compile_s,
               fd_err=fd_err, agree={}, failures=0)
    if fd_err > 1e-5:
        row["failures"] += 1
        print(f"   MISMATCH: hand-written gradient vs finite differences: rel err {fd_err:.1e}")
    for name in [n for n in calls if n not in ("forward", "hand")]:
        out = _tuple(calls[name]())
        out = [np.asarray(o.detach().numpy() if hasattr(o, "detach") else o) for o in out]
        errs = [_close(o, h) for o, h in zip(out, hand)]
        ok = len(out) == len(hand) and all(e[0] for e in errs)
        row["agree"][name] = max((e[1] for e in errs), default=0.0)
        if not ok:
            row["failures"] += 1
            print(f"   MISMATCH: {name} differs from the hand-written gradient "
                  f"(max rel diff {row['agree'][name]:.1e})")
    row["times"] = interleaved_medians(calls, repeat=repeat)
    row["peak"] = {n: peak_bytes(calls[n]) for n in ("forward", "hand", "matcalc")}
    return row


def print_row(row):
    t = row["times"]
    print(f"   derivation + codegen {row['derive_s'] * 1e3:.0f} ms"
          + (f"; JAX compile (first call) {row['jax_compile_s'] * 1e3:.0f} ms"
             if row["jax_compile_s"] is not None else "")
          + f"; hand vs finite differences: rel err {row['fd_err']:.1e}")
    for name, sec in t.items():
        extra = "" if name not in row["agree"] else f"   max rel diff to hand {row['agree'][name]:.1e}"
        print(f"   {name:8s} {fmt_time(sec)}   matcalc ÷ {name}: {t['matcalc'] / sec:6.2f}{extra}")
    pk = row["peak"]
    print(f"   peak memory: forward {pk['forward'] / 2**20:.1f} MB, hand {pk['hand'] / 2**20:.1f} MB,"
          f" matcalc {pk['matcalc'] / 2**20:.1f} MB (matcalc ÷ hand {pk['matcalc'] / pk['hand']:.2f})")


def summary(rows):
    print("| problem | size | matcalc | × hand | × JAX | × torch | × forward | hand × forward "
          "| peak × hand |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        t = r["times"]
        cell = lambda n: f"{t['matcalc'] / t[n]:.2f}" if n in t else "—"  # noqa: E731
        print(f"| {r['problem']} | {r['size']} | {fmt_time(t['matcalc']).strip()} | "
              f"{cell('hand')} | {cell('jax')} | {cell('torch')} | {cell('forward')} | "
              f"{t['hand'] / t['forward']:.2f} | {r['peak']['matcalc'] / r['peak']['hand']:.2f} |")


def run(quick, repeat, only, json_path, extra=False):
    rng = np.random.default_rng(0)
    print(f"# bench_gradients  ({machine_line()})")
    print(f"# threads per library: {THREADS}"
          + (f"; torch {torch.__version__} ({torch.get_num_threads()} threads)" if HAVE_TORCH else "")
          + (f"; jax {jax.__version__} on {jax.devices()[0].platform}" if HAVE_JAX else ""))
    if not HAVE_JAX:
        print(f"# note: JAX not importable ({JAX_WHY}); skipped")
    if not HAVE_TORCH:
        print(f"# note: PyTorch not importable ({TORCH_WHY}); skipped")
    print(f"# {load_line()} at start")
    print(f"# median of {repeat} interleaved batches; ratio = matcalc's time ÷ the other's\n")
    rows = []
    for prob in problems() + (problems_extra.problems() if extra else []):
        if only and only not in prob.name:
            continue
        for label, size in (prob.sizes[-1:] if quick else prob.sizes[:-1]):
            print(f"## {prob.name}, {label}")
            row = run_one(prob, label, size, rng, repeat)
            print_row(row)
            rows.append(row)
            print()
    print(f"# {load_line()} at end\n")
    summary(rows)
    if json_path:
        Path(json_path).write_text(json.dumps(dict(threads=THREADS, load=load_line(),
                                                   rows=rows), indent=1))
    failures = sum(r["failures"] for r in rows)
    if failures:
        print(f"\n{failures} disagreement(s): see MISMATCH lines above")
    return 1 if failures else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    ap.add_argument("--repeat", type=int, default=7, help="timed batches per method (median)")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads for BLAS, XLA and PyTorch (read before import; default 1)")
    ap.add_argument("--only", default=None, help="run problems whose name contains this")
    ap.add_argument("--json", default=None, help="write the results to this file")
    ap.add_argument("--extra", action="store_true",
                    help="also the earlier rounds' problems (problems_extra.py)")
    args = ap.parse_args(argv)
    return run(args.quick, args.repeat, args.only, args.json, args.extra)


if __name__ == "__main__":
    sys.exit(main())
