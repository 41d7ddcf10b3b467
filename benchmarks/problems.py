"""The problems of issue 10's table, written from the seed documents (tests/seeds/*.tex, the
formulas as the seeds write them), for `bench_gradients.py` (not a benchmark itself).

Each `Problem` holds the document and its wrt list (LaTeX names, as a user passes them),
the sizes to run, `make(rng, size)` -> the generated function's keyword inputs,
`forward(**inputs)` (NumPy value of the objective; `forward_for(inputs)` gives it where it
depends on the point, as a held p does), `hand(**inputs)` -> a careful
hand-written closed form of every gradient in wrt order (checked against central
differences of `forward` by the harness), and the same objective written for JAX and
PyTorch as a user would write it (`jax_f(*params, **others)`, `torch_f(*params,
**others)`); `static` names inputs that are Python ints (dimensions), closed over rather
than traced. `literal` marks a JAX/PyTorch objective that is the seed's double sum as
written (002).
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "seeds"


def seed(name: str) -> str:
    return (SEEDS / name).read_text()


@dataclass
class Problem:
    name: str
    doc: str
    wrt: list                      # LaTeX names, as a user writes them
    params: list                   # their Python keywords (the generated function's inputs)
    sizes: list                    # [(label, size dict)], the last is the --quick size
    make: Callable
    forward: Callable
    hand: Callable
    jax_f: Callable | None = None
    torch_f: Callable | None = None
    static: tuple = ()
    literal: bool = False
    forward_for: Callable | None = None    # inputs -> the forward at them (p held: 003)
    notes: list = field(default_factory=list)


# ---------------------------------------------------------------- 001: one layer, wrt W

def _sig(x):
    """Stable logistic with one exp and one division."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, e) / (1.0 + e)


def s001_make(rng, n, d):
    return dict(W=rng.standard_normal((n, d)) / math.sqrt(d), x=rng.standard_normal(d),
                b=rng.standard_normal(n), w=rng.standard_normal(n) / math.sqrt(n), y=1.0)


def s001_forward(W, x, b, w, y):
    return float(np.logaddexp(0.0, -y * (w @ _sig(W @ x + b))))


def s001_hand(W, x, b, w, y):
    s = _sig(W @ x + b)
    coef = -y * _sig(-y * (w @ s))
    return (np.outer((coef * w) * (s * (1.0 - s)), x),)


def s001_jax(W, x, b, w, y):
    import jax
    import jax.numpy as jnp
    return jnp.logaddexp(0.0, -y * (w @ jax.nn.sigmoid(W @ x + b)))


def s001_torch(W, x, b, w, y):
    import torch
    return torch.nn.functional.softplus(-y * (w @ torch.sigmoid(W @ x + b)))


# ---------------------------------------------------------------- 004: row products

def s004_make(rng, n, m):
    # X = alpha I + beta D in [-12, -6] keeps F small, so p = prod_j (1 - F_ij) is O(0.1),
    # not underflowed to 0 (which would make every gradient trivially zero).
    return dict(alpha=-8.0 * 1000 / m, beta=-4.0 * 1000 / m, I=rng.uniform(0.5, 1.0, (n, m)),
                D=rng.uniform(0.5, 1.0, (n, m)), y=0.5)


def _s004_parts(alpha, beta, I, D):
    F = _sig(alpha * I + beta * D)
    return F, np.prod(1.0 - F, axis=1)          # p_i = prod_j (1 - sigma(X_ij))


def s004_forward(alpha, beta, I, D, y):
    _, p = _s004_parts(alpha, beta, I, D)
    return 0.5 * (y - (I.shape[0] - p.sum())) ** 2


def s004_hand(alpha, beta, I, D, y):
    """dL/dα = (s - y) Σ_i p_i Σ_j F_ij I_ij (the product's gradient through p itself)."""
    F, p = _s004_parts(alpha, beta, I, D)
    c = I.shape[0] - p.sum() - y
    return (c * (p @ np.einsum("ij,ij->i", F, I)), c * (p @ np.einsum("ij,ij->i", F, D)))


def s004_jax(alpha, beta, I, D, y):
    import jax
    import jax.numpy as jnp
    s = I.shape[0] - jnp.sum(jnp.prod(1 - jax.nn.sigmoid(alpha * I + beta * D), axis=1))
    return 0.5 * (y - s) ** 2


def s004_torch(alpha, beta, I, D, y):
    import torch
    s = I.shape[0] - torch.sum(torch.prod(1 - torch.sigmoid(alpha * I + beta * D), dim=1))
    return 0.5 * (y - s) ** 2


# ---------------------------------------------------------------- 003: DEC KL loss

def s003_make(rng, n, K, d):
    mu = rng.standard_normal((K, d)) * 2.0
    z = mu[rng.integers(0, K, n)] + rng.standard_normal((n, d))
    return dict(z=z, mu=mu, nu=1.0)


def _s003_q(z, mu, nu):
    # ||z_i - mu_j||^2 expanded into matmuls (cancellation is harmless here: D >= 0 is
    # added to 1 before anything else is done with it); clipped at 0
    D = np.maximum((z * z).sum(1)[:, None] - 2.0 * (z @ mu.T) + (mu * mu).sum(1)[None, :], 0)
    u = 1.0 + D / nu
    e = -(nu + 1.0) / 2.0
    qhat = u ** e
    S = qhat.sum(1, keepdims=True)
    return D, u, e, qhat, S, qhat / S


def _s003_p(q):
    f = q.sum(0)
    phat = q * q / f
    r = phat.sum(1, keepdims=True)
    return f, phat, r, phat / r


def s003_forward(z, mu, nu, p_held=None):
    q = _s003_q(z, mu, nu)[-1]
    p = _s003_p(q)[-1] if p_held is None else p_held
    return float(np.sum(p * np.log(p / q)))


def _s003_back_D(gD, z, mu):
    """From ∂/∂D_ij to (∂/∂z, ∂/∂μ): Σ_j G_ij (z_i - μ_j) as two BLAS calls."""
    return (2.0 * (gD.sum(1)[:, None] * z - gD @ mu),
            -2.0 * (gD.T @ z - gD.sum(0)[:, None] * mu))


def s003_hand_full(z, mu, nu):
    """Hand-written reverse pass (p depends on z and μ)."""
    D, u, e, qhat, S, q = _s003_q(z, mu, nu)
    f, phat, r, p = _s003_p(q)
    logr = np.log(p / q)
    gp = logr + 1.0
    gq = -p / q
    gphat = (gp - (gp * p).sum(1, keepdims=True)) / r
    gq = gq + 2.0 * q / f * gphat - (gphat * phat).sum(0) / f
    gqhat = (gq - (gq * q).sum(1, keepdims=True)) / S
    return _s003_back_D(gqhat * e * qhat / u / nu, z, mu)


def s003_hand_held(z, mu, nu):
    """The paper's formula, valid with p held: (ν+1)/ν Σ_j (p_ij - q_ij)/(1 + D_ij/ν) (z_i - μ_j)."""
    D, u, e, qhat, S, q = _s003_q(z, mu, nu)
    p = _s003_p(q)[-1]
    W = (nu + 1.0) / nu * (p - q) / u
    return (W.sum(1)[:, None] * z - W @ mu, -(W.T @ z - W.sum(0)[:, None] * mu))


def _s003_jax(z, mu, nu, held):
    import jax
    import jax.numpy as jnp
    D = jnp.sum((z[:, None, :] - mu[None, :, :]) ** 2, axis=2)
    qhat = (1.0 + D / nu) ** (-(nu + 1.0) / 2.0)
    q = qhat / qhat.sum(1, keepdims=True)
    phat = q ** 2 / q.sum(0)
    p = phat / phat.sum(1, keepdims=True)
    if held:
        p = jax.lax.stop_gradient(p)
    return jnp.sum(p * jnp.log(p / q))


def _s003_torch(z, mu, nu, held):
    import torch
    D = ((z[:, None, :] - mu[None, :, :]) ** 2).sum(2)
    qhat = (1.0 + D / nu) ** (-(nu + 1.0) / 2.0)
    q = qhat / qhat.sum(1, keepdim=True)
    phat = q ** 2 / q.sum(0)
    p = phat / phat.sum(1, keepdim=True)
    if held:
        p = p.detach()
    return torch.sum(p * torch.log(p / q))


# ---------------------------------------------------------------- 000: RBF network

def s000_make(rng, Np, Dp, Dd, K2):
    x = rng.standard_normal((Np, Dp))
    t1 = x[:, None, :] + 0.15 * rng.standard_normal((Np, Dd, Dp))
    a2 = np.exp(-((x[:, None, :] - t1) ** 2).sum(-1)).reshape(-1)
    t2 = a2[None, :] + 0.3 / math.sqrt(Np * Dd) * rng.standard_normal((K2, Np * Dd))
    return dict(x=x, c=rng.standard_normal(K2), t2=t2, t1=t1)


def s000_forward(x, c, t2, t1):
    d1 = t1 - x[:, None, :]
    a2 = np.exp(-np.einsum("ijk,ijk->ij", d1, d1)).reshape(-1)
    d2 = t2 - a2[None, :]
    return float(c @ np.exp(-np.einsum("kl,kl->k", d2, d2)))


def s000_hand(x, c, t2, t1):
    d1 = t1 - x[:, None, :]
    e1 = np.exp(-np.einsum("ijk,ijk->ij", d1, d1))
    d2 = t2 - e1.reshape(-1)[None, :]
    a3 = np.exp(-np.einsum("kl,kl->k", d2, d2))
    ca3 = c * a3
    g_a2 = 2.0 * (ca3 @ d2)                               # ∂f/∂a2
    g_t1 = (-2.0 * e1 * g_a2.reshape(e1.shape))[:, :, None] * d1
    return (g_t1, (-2.0 * ca3)[:, None] * d2, a3)


def s000_jax(t1, t2, c, x):
    import jax.numpy as jnp
    a2 = jnp.exp(-jnp.sum((x[:, None, :] - t1) ** 2, axis=2)).reshape(-1)
    return c @ jnp.exp(-jnp.sum((a2[None, :] - t2) ** 2, axis=1))


def s000_torch(t1, t2, c, x):
    import torch
    a2 = torch.exp(-torch.sum((x[:, None, :] - t1) ** 2, dim=2)).reshape(-1)
    return c @ torch.exp(-torch.sum((a2[None, :] - t2) ** 2, dim=1))


# ---------------------------------------------------------------- 002: pairwise sum

def s002_make(rng, N, M, K):
    return dict(h=rng.integers(0, 2, N + M).astype(float), phi=rng.standard_normal((N + M, K)),
                N=N)


def s002_forward(h, phi, N):
    return float((h[:N] @ phi[:N]) @ (h[N:] @ phi[N:]))


def s002_hand(h, phi, N):
    a, b = h[:N] @ phi[:N], h[N:] @ phi[N:]
    g = np.empty_like(phi)
    np.multiply(h[:N, None], b[None, :], out=g[:N])
    np.multiply(h[N:, None], a[None, :], out=g[N:])
    return (g,)


def s002_jax_literal(phi, h, N):
    """The double sum as written: Σ_{i ≤ N} Σ_{j > N} h_i h_j φ_iᵀφ_j, every pair."""
    import jax.numpy as jnp
    return jnp.sum(jnp.outer(h[:N], h[N:]) * (phi[:N] @ phi[N:].T))


def s002_torch_literal(phi, h, N):
    import torch
    return torch.sum(torch.outer(h[:N], h[N:]) * (phi[:N] @ phi[N:].T))


def s002_jax_factored(phi, h, N):
    """The same sum factored by hand (what a user who saw the closed form would write)."""
    return (h[:N] @ phi[:N]) @ (h[N:] @ phi[N:])


s002_torch_factored = s002_jax_factored


# ---------------------------------------------------------------- the table

HELD = seed("003.tex") + "\n$p \\text{ constant}$\n"


def s003_held_forward(inputs):
    """Seed 003's objective with p held at its value at `inputs` (what "p constant" means)."""
    p = _s003_p(_s003_q(inputs["z"], inputs["mu"], inputs["nu"])[-1])[-1]
    return lambda z, mu, nu: s003_forward(z, mu, nu, p_held=p)


def problems():
    s003_sizes = [("n=10⁴ K=10 d=10", dict(n=10_000, K=10, d=10)),
                  ("n=2000 K=50 d=64", dict(n=2000, K=50, d=64)),
                  ("quick", dict(n=60, K=4, d=3))]
    return [
        Problem("001 layer wrt W", seed("001_question.tex"), ["W"], ["W"],
                [("n=d=1000", dict(n=1000, d=1000)), ("n=d=3000", dict(n=3000, d=3000)),
                 ("quick", dict(n=40, d=30))],
                s001_make, s001_forward, s001_hand, s001_jax, s001_torch),
        Problem("004 row products wrt α, β", seed("004_question.tex"), [r"\alpha", r"\beta"],
                ["alpha", "beta"], [("1000²", dict(n=1000, m=1000)), ("quick", dict(n=30, m=20))],
                s004_make, s004_forward, s004_hand, s004_jax, s004_torch),
        Problem("003 DEC wrt z, μ, p held", HELD, ["z", r"\mu"], ["z", "mu"], s003_sizes,
                s003_make, s003_forward, s003_hand_held,
                lambda z, mu, nu: _s003_jax(z, mu, nu, True),
                lambda z, mu, nu: _s003_torch(z, mu, nu, True),
                forward_for=s003_held_forward),
        Problem("003 DEC wrt z, μ, full", seed("003.tex"), ["z", r"\mu"], ["z", "mu"], s003_sizes,
                s003_make, s003_forward, s003_hand_full,
                lambda z, mu, nu: _s003_jax(z, mu, nu, False),
                lambda z, mu, nu: _s003_torch(z, mu, nu, False)),
        Problem("000 RBF wrt t⁽¹⁾, t⁽²⁾, c", seed("000.tex"), ["t^{(1)}", "t^{(2)}", "c"],
                ["t1", "t2", "c"],
                [("N_p=1000 D_p=32 D_d=16 K_2=100", dict(Np=1000, Dp=32, Dd=16, K2=100)),
                 ("quick", dict(Np=5, Dp=3, Dd=2, K2=4))],
                s000_make, s000_forward, s000_hand, s000_jax, s000_torch),
        Problem("002 pairwise sum wrt φ (JAX/torch: literal sum)", seed("002.tex"), [r"\phi"],
                ["phi"], [("N=M=5000 K=64", dict(N=5000, M=5000, K=64)),
                          ("quick", dict(N=30, M=20, K=5))],
                s002_make, s002_forward, s002_hand, s002_jax_literal, s002_torch_literal,
                static=("N",), literal=True),
        Problem("002 pairwise sum wrt φ (JAX/torch: factored sum)", seed("002.tex"), [r"\phi"],
                ["phi"], [("N=M=5000 K=64", dict(N=5000, M=5000, K=64)),
                          ("quick", dict(N=30, M=20, K=5))],
                s002_make, s002_forward, s002_hand, s002_jax_factored, s002_torch_factored,
                static=("N",)),
    ]
