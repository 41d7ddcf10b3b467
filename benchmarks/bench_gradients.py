"""Time matcalc's generated NumPy gradients against hand-written NumPy, JAX and PyTorch.

    python benchmarks/bench_gradients.py            # full sizes (a minute or two on 2 cores)
    python benchmarks/bench_gradients.py --quick    # small sizes, a smoke test

For each problem, in one run: the median time per gradient of
  * matcalc   — ``matcalc.gradient(doc, wrt).to_numpy()`` (derivation time not included;
                it is printed separately),
  * hand      — a hand-written NumPy closed form (or hand-written reverse pass),
  * jax       — ``jax.jit(jax.grad(f))`` after warm-up, ``.block_until_ready()``,
  * torch     — PyTorch autograd, forward + backward,
and the ratio of each to matcalc (``> 1`` means slower than matcalc). Before timing, every
method's gradient is checked against matcalc's with ``np.allclose``; a mismatch is printed
and makes the script exit with status 1. Everything is float64. Every library runs on one
thread unless ``--threads N`` is given (see ``_timing.set_threads_from_argv``). JAX and PyTorch are
optional (``pip install -e '.[bench]'``); a missing one is skipped with a note.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

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
    HAVE_JAX = False
    JAX_WHY = f"{type(exc).__name__}: {exc}"

try:
    import torch

    torch.set_default_dtype(torch.float64)
    torch.set_num_threads(THREADS)
    HAVE_TORCH = True
except Exception as exc:  # pragma: no cover - optional
    HAVE_TORCH = False
    TORCH_WHY = f"{type(exc).__name__}: {exc}"


@dataclass
class Problem:
    name: str
    doc: str
    wrt: str                      # matcalc wrt name
    make: Callable[[np.random.Generator, bool], dict]   # -> keyword inputs of the generated fn
    hand: Callable[..., np.ndarray]                      # hand-written NumPy gradient
    jax_f: Callable | None = None   # f(wrt_array, **others) -> scalar, in jax.numpy
    torch_f: Callable | None = None  # f(wrt_tensor, **others) -> scalar, in torch
    size: str = ""
    notes: list[str] = field(default_factory=list)


def _sigmoid_np(x):
    # hand-written: one tanh, stable for any x
    return 0.5 * (1.0 + np.tanh(0.5 * x))


# ---------------------------------------------------------------------------- problems

RIDGE = r"""$X \in \mathbb{R}^{n \times d}, \quad w \in \mathbb{R}^d, \quad y \in \mathbb{R}^n, \quad \lambda \in \mathbb{R}$
$$ f = \|Xw - y\|^2 + \lambda \|w\|^2 $$"""


def ridge_make(rng, quick):
    n, d = (200, 50) if quick else (4000, 1000)
    return dict(X=rng.standard_normal((n, d)), w=rng.standard_normal(d),
                y=rng.standard_normal(n), lambda_=0.3)


def ridge_hand(X, w, y, lambda_):
    return 2.0 * (X.T @ (X @ w - y)) + 2.0 * lambda_ * w


def ridge_jax(w, X, y, lambda_):
    r = X @ w - y
    return r @ r + lambda_ * (w @ w)


def ridge_torch(w, X, y, lambda_):
    r = X @ w - y
    return r @ r + lambda_ * (w @ w)


LOGISTIC = (ROOT / "examples" / "logistic_layer.tex").read_text()


def logistic_make(rng, quick):
    n, d = (60, 40) if quick else (2000, 2000)
    return dict(W=rng.standard_normal((n, d)) / math.sqrt(d), x=rng.standard_normal(d),
                b=rng.standard_normal(n), w=rng.standard_normal(n) / math.sqrt(n), y=1.0)


def logistic_hand(W, x, b, w, y):
    s = _sigmoid_np(W @ x + b)
    coef = -y * _sigmoid_np(-y * (w @ s))
    return np.outer(coef * (s * (1.0 - s) * w), x)


def logistic_jax(W, x, b, w, y):
    s = jax.nn.sigmoid(W @ x + b)
    return jnp.log1p(jnp.exp(-y * (w @ s)))


def logistic_torch(W, x, b, w, y):
    s = torch.sigmoid(W @ x + b)
    return torch.log1p(torch.exp(-y * (w @ s)))


MLP = r"""$W_1 \in \mathbb{R}^{h \times d}, \quad W_2 \in \mathbb{R}^{c \times h}, \quad X \in \mathbb{R}^{d \times B}, \quad b \in \mathbb{R}^h, \quad Y \in \mathbb{R}^{c \times B}$
\begin{align*}
H &= \tanh(W_1 X + b \mathbf{1}_B^T) \\
f &= \tfrac12 \|W_2 H - Y\|_F^2
\end{align*}"""


def mlp_make(rng, quick):
    d, h, c, B = (20, 30, 5, 16) if quick else (784, 512, 10, 256)
    return dict(W_1=rng.standard_normal((h, d)) / math.sqrt(d),
                W_2=rng.standard_normal((c, h)) / math.sqrt(h),
                X=rng.standard_normal((d, B)), b=rng.standard_normal(h) * 0.1,
                Y=rng.standard_normal((c, B)))


def mlp_hand(W_1, W_2, X, b, Y):
    H = np.tanh(W_1 @ X + b[:, None])
    R = W_2 @ H - Y
    return ((W_2.T @ R) * (1.0 - H * H)) @ X.T


def mlp_jax(W_1, W_2, X, b, Y):
    H = jnp.tanh(W_1 @ X + b[:, None])
    R = W_2 @ H - Y
    return 0.5 * jnp.sum(R * R)


def mlp_torch(W_1, W_2, X, b, Y):
    H = torch.tanh(W_1 @ X + b[:, None])
    R = W_2 @ H - Y
    return 0.5 * torch.sum(R * R)


LOGDET = r"""$X, A \in \mathbb{R}^{n \times n}$
$$ f = \log\det X + \operatorname{Tr}(A X^{-1}) $$"""


def logdet_make(rng, quick):
    n = 30 if quick else 600
    # eigenvalues have positive real parts, so det X > 0
    X = 3.0 * math.sqrt(n) * np.eye(n) + rng.standard_normal((n, n))
    return dict(X=X, A=rng.standard_normal((n, n)))


def logdet_hand(X, A):
    Xi = np.linalg.inv(X)
    XiT = Xi.T
    return XiT - XiT @ A.T @ XiT


def logdet_jax(X, A):
    return jnp.linalg.slogdet(X)[1] + jnp.trace(A @ jnp.linalg.inv(X))


def logdet_torch(X, A):
    return torch.linalg.slogdet(X)[1] + torch.trace(A @ torch.linalg.inv(X))


SEED004 = (ROOT / "tests" / "seeds" / "004_answer.tex").read_text()


def s004_make(rng, quick):
    n, m = (50, 20) if quick else (3000, 1000)
    # X = alpha A + beta D in [-12, -6] keeps F small, so p = prod_j (1 - F_ij) is O(0.1),
    # not underflowed to 0 (which would make every gradient trivially equal).
    return dict(A=rng.uniform(0.5, 1.0, (n, m)), D=rng.uniform(0.5, 1.0, (n, m)),
                alpha=-8.0, beta=-4.0, y=0.5)


def s004_hand(A, D, alpha, beta, y):
    X = alpha * A + beta * D
    F = _sigmoid_np(X)
    p = np.exp(-np.logaddexp(0.0, X).sum(axis=1))      # prod_j (1 - sigma(X_ij))
    s = A.shape[0] - p.sum()
    return (s - y) * (p @ np.einsum("ij,ij->i", A, F))


def s004_jax(alpha, A, D, beta, y):
    n, m = A.shape
    X = alpha * A + beta * D
    F = jax.nn.sigmoid(X)
    G = jnp.log(1.0 - F)
    p = jnp.exp(G @ jnp.ones(m))
    s = n - jnp.sum(p)
    return 0.5 * (s - y) ** 2


def s004_torch(alpha, A, D, beta, y):
    n, m = A.shape
    X = alpha * A + beta * D
    F = torch.sigmoid(X)
    G = torch.log(1.0 - F)
    p = torch.exp(G.sum(dim=1))
    s = n - torch.sum(p)
    return 0.5 * (s - y) ** 2


SEED003 = (ROOT / "tests" / "seeds" / "003.tex").read_text()


def s003_make(rng, quick):
    n, K, d = (40, 4, 3) if quick else (4000, 16, 32)
    mu = rng.standard_normal((K, d)) * 2.0
    z = mu[rng.integers(0, K, n)] + rng.standard_normal((n, d))
    return dict(z=z, mu=mu, nu=1.0)


def s003_hand(z, mu, nu):
    """Hand-written reverse pass of the DEC KL loss (p depends on z: no stop-gradient)."""
    D = (z * z).sum(1)[:, None] - 2.0 * (z @ mu.T) + (mu * mu).sum(1)[None, :]
    u = 1.0 + D / nu
    e = -(nu + 1.0) / 2.0
    qhat = u ** e
    S = qhat.sum(1, keepdims=True)
    q = qhat / S
    f = q.sum(0)
    phat = q * q / f
    r = phat.sum(1, keepdims=True)
    p = phat / r
    # backward
    logp, logq = np.log(p), np.log(q)
    gp = logp + 1.0 - logq
    gq = -p / q
    gphat = (gp - (gp * p).sum(1, keepdims=True)) / r
    gq = gq + 2.0 * q / f * gphat - (gphat * phat).sum(0) / f
    gqhat = (gq - (gq * q).sum(1, keepdims=True)) / S
    gD = gqhat * e * qhat / u / nu
    return 2.0 * (gD.sum(1)[:, None] * z - gD @ mu)


def _sqdist_jnp(z, mu):
    return jnp.sum((z[:, None, :] - mu[None, :, :]) ** 2, axis=2)


def s003_jax(z, mu, nu):
    qhat = (1.0 + _sqdist_jnp(z, mu) / nu) ** (-(nu + 1.0) / 2.0)
    q = qhat / qhat.sum(1, keepdims=True)
    phat = q ** 2 / q.sum(0)
    p = phat / phat.sum(1, keepdims=True)
    return jnp.sum(p * jnp.log(p / q))


def s003_torch(z, mu, nu):
    D = ((z[:, None, :] - mu[None, :, :]) ** 2).sum(2)
    qhat = (1.0 + D / nu) ** (-(nu + 1.0) / 2.0)
    q = qhat / qhat.sum(1, keepdim=True)
    phat = q ** 2 / q.sum(0)
    p = phat / phat.sum(1, keepdim=True)
    return torch.sum(p * torch.log(p / q))


PROBLEMS = [
    Problem("ridge ‖Xw−y‖²+λ‖w‖², wrt w", RIDGE, "w", ridge_make, ridge_hand,
            ridge_jax, ridge_torch),
    Problem("logistic layer (examples/), wrt W", LOGISTIC, "W", logistic_make, logistic_hand,
            logistic_jax, logistic_torch),
    Problem("2-layer tanh MLP, batch, wrt W₁", MLP, "W_1", mlp_make, mlp_hand, mlp_jax,
            mlp_torch),
    Problem("log det X + Tr(AX⁻¹), wrt X", LOGDET, "X", logdet_make, logdet_hand, logdet_jax,
            logdet_torch),
    Problem("seed 004 answer chain, wrt α", SEED004, "alpha", s004_make, s004_hand, s004_jax,
            s004_torch),
    Problem("seed 003 DEC KL loss, wrt z", SEED003, "z", s003_make, s003_hand, s003_jax,
            s003_torch),
]


def _describe(inputs: dict) -> str:
    parts = []
    for k, v in inputs.items():
        if isinstance(v, np.ndarray):
            parts.append(f"{k}{tuple(v.shape)}")
    return " ".join(parts)


def _close(a, ref) -> tuple[bool, float]:
    a = np.asarray(a, dtype=float)
    ref = np.asarray(ref, dtype=float)
    if a.shape != ref.shape:
        return False, float("inf")
    scale = float(np.max(np.abs(ref))) if ref.size else 1.0
    err = float(np.max(np.abs(a - ref))) / (scale or 1.0)
    return bool(np.allclose(a, ref, rtol=1e-7, atol=1e-9 * (scale or 1.0))), err


def run(quick: bool, repeat: int, only: str | None) -> int:
    rng = np.random.default_rng(0)
    methods = ["matcalc", "hand"] + (["jax"] if HAVE_JAX else []) + (
        ["torch"] if HAVE_TORCH else [])
    print(f"# bench_gradients  ({machine_line()})")
    print(f"# threads per library: {THREADS} (--threads N to change)"
          + (f", torch {torch.__version__} ({torch.get_num_threads()} threads)" if HAVE_TORCH
             else "")
          + (f", jax {jax.__version__} on {jax.devices()[0].platform}" if HAVE_JAX else ""))
    if not HAVE_JAX:
        print(f"# note: JAX not importable ({JAX_WHY}); jax column skipped")
    if not HAVE_TORCH:
        print(f"# note: PyTorch not importable ({TORCH_WHY}); torch column skipped")
    print(f"# {load_line()} at start")
    print(f"# median of {repeat} interleaved batches per method; ratio = method time / matcalc time "
          "(> 1: matcalc is faster)\n")

    failures = 0
    rows = []
    for prob in PROBLEMS:
        if only and only not in prob.name:
            continue
        t0 = time.perf_counter()
        g = matcalc.gradient(prob.doc, wrt=prob.wrt)
        fn = g.to_numpy()
        t_derive = time.perf_counter() - t0
        inputs = prob.make(rng, quick)
        wrt_kw = prob.wrt                 # the problems use the Python keyword
        assert set(inputs) == set(g.inputs.values()), (set(inputs), g.inputs)
        ref = fn(**inputs)

        callables: dict[str, Callable[[], object]] = {
            "matcalc": lambda fn=fn, kw=inputs: fn(**kw),
            "hand": lambda kw=inputs, h=prob.hand: h(**kw),
        }
        results: dict[str, object] = {}
        others = {k: v for k, v in inputs.items() if k != wrt_kw}
        if HAVE_JAX and prob.jax_f is not None:
            jgrad = jax.jit(jax.grad(prob.jax_f))
            jw = jnp.asarray(inputs[wrt_kw])
            jothers = {k: (jnp.asarray(v) if isinstance(v, np.ndarray) else v)
                       for k, v in others.items()}
            callables["jax"] = lambda jg=jgrad, jw=jw, jo=jothers: jg(jw, **jo).block_until_ready()
        if HAVE_TORCH and prob.torch_f is not None:
            tw0 = torch.as_tensor(inputs[wrt_kw], dtype=torch.float64)
            tothers = {k: (torch.from_numpy(v) if isinstance(v, np.ndarray) else v)
                       for k, v in others.items()}

            def torch_grad(tf=prob.torch_f, tw0=tw0, to=tothers):
                tw = tw0.detach().clone().requires_grad_(True)
                tf(tw, **to).backward()
                return tw.grad

            callables["torch"] = torch_grad

        print(f"## {prob.name}   [{_describe(inputs)}]")
        print(f"   matcalc derivation + codegen: {t_derive * 1e3:.0f} ms (one-off, not timed below)")
        for name, call in callables.items():
            out = call()                     # warm-up (JAX compiles here)
            if name == "torch":
                out = out.detach().numpy()
            ok, err = _close(out, ref)
            results[name] = (ok, err)
            if not ok:
                failures += 1
                print(f"   MISMATCH: {name} differs from matcalc (max rel err {err:.2e})")
        times = interleaved_medians(callables, repeat=repeat)
        for name in methods:
            if name not in times:
                print(f"   {name:8s}  (skipped)")
                continue
            ok, err = results[name]
            ratio = times[name] / times["matcalc"]
            print(f"   {name:8s} {fmt_time(times[name])}   ratio {ratio:6.2f}   "
                  f"{'agrees' if ok else 'DIFFERS'} (max rel diff {err:.1e})")
        rows.append((prob.name, times))
        print()

    print(f"# {load_line()} at end\n")
    # summary table (markdown, for benchmarks/README.md)
    print("| problem | matcalc | " + " | ".join(f"{m} / matcalc" for m in methods[1:]) + " |")
    print("|---|---|" + "---|" * (len(methods) - 1))
    for name, times in rows:
        cells = [f"{times[m] / times['matcalc']:.2f}" if m in times else "—" for m in methods[1:]]
        print(f"| {name} | {fmt_time(times['matcalc']).strip()} | " + " | ".join(cells) + " |")
    if failures:
        print(f"\n{failures} gradient(s) disagree with matcalc's: see MISMATCH lines above")
    return 1 if failures else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes: a smoke test")
    ap.add_argument("--repeat", type=int, default=7, help="timed batches per method (median)")
    ap.add_argument("--threads", type=int, default=1,
                    help="threads for BLAS, XLA and PyTorch (read before import; default 1)")
    ap.add_argument("--only", default=None, help="run problems whose name contains this")
    args = ap.parse_args(argv)
    return run(args.quick, args.repeat, args.only)


if __name__ == "__main__":
    sys.exit(main())
