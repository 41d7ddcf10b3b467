"""Further problems for `bench_gradients.py --extra` (the earlier rounds' set, see the
history in README.md): ridge regression, a two-layer tanh MLP, log det X + Tr(AX⁻¹) and
seed 004's answer chain. Same `Problem` fields as `problems.py`."""
from __future__ import annotations

import math

import numpy as np

from problems import Problem, _sig, seed

RIDGE = r"""$X \in \mathbb{R}^{n \times d}, \quad w \in \mathbb{R}^d, \quad y \in \mathbb{R}^n, \quad \lambda \in \mathbb{R}$
$$ f = \|Xw - y\|^2 + \lambda \|w\|^2 $$"""


def ridge_make(rng, n, d):
    return dict(X=rng.standard_normal((n, d)), w=rng.standard_normal(d),
                y=rng.standard_normal(n), lambda_=0.3)


def ridge_forward(X, w, y, lambda_):
    r = X @ w - y
    return float(r @ r + lambda_ * (w @ w))


def ridge_hand(X, w, y, lambda_):
    return (2.0 * (X.T @ (X @ w - y)) + 2.0 * lambda_ * w,)


def ridge_ad(w, X, y, lambda_):       # jax.numpy and torch alike
    r = X @ w - y
    return r @ r + lambda_ * (w @ w)


MLP = r"""$W_1 \in \mathbb{R}^{h \times d}, \quad W_2 \in \mathbb{R}^{c \times h}, \quad X \in \mathbb{R}^{d \times B}, \quad b \in \mathbb{R}^h, \quad Y \in \mathbb{R}^{c \times B}$
\begin{align*}
H &= \tanh(W_1 X + b \mathbf{1}_B^T) \\
f &= \tfrac12 \|W_2 H - Y\|_F^2
\end{align*}"""


def mlp_make(rng, d, h, c, B):
    return dict(W_1=rng.standard_normal((h, d)) / math.sqrt(d),
                W_2=rng.standard_normal((c, h)) / math.sqrt(h),
                X=rng.standard_normal((d, B)), b=rng.standard_normal(h) * 0.1,
                Y=rng.standard_normal((c, B)))


def mlp_forward(W_1, W_2, X, b, Y):
    R = W_2 @ np.tanh(W_1 @ X + b[:, None]) - Y
    return float(0.5 * np.sum(R * R))


def mlp_hand(W_1, W_2, X, b, Y):
    H = np.tanh(W_1 @ X + b[:, None])
    R = W_2 @ H - Y
    GH = W_2.T @ R
    return (((GH * (1.0 - H * H)) @ X.T), R @ H.T)


def mlp_jax(W_1, W_2, X, b, Y):
    import jax.numpy as jnp
    R = W_2 @ jnp.tanh(W_1 @ X + b[:, None]) - Y
    return 0.5 * jnp.sum(R * R)


def mlp_torch(W_1, W_2, X, b, Y):
    import torch
    R = W_2 @ torch.tanh(W_1 @ X + b[:, None]) - Y
    return 0.5 * torch.sum(R * R)


LOGDET = r"""$X, A \in \mathbb{R}^{n \times n}$
$$ f = \log\det X + \operatorname{Tr}(A X^{-1}) $$"""


def logdet_make(rng, n):
    # eigenvalues with positive real parts, so det X > 0
    return dict(X=3.0 * math.sqrt(n) * np.eye(n) + rng.standard_normal((n, n)),
                A=rng.standard_normal((n, n)))


def logdet_forward(X, A):
    return float(np.linalg.slogdet(X)[1] + np.trace(A @ np.linalg.inv(X)))


def logdet_hand(X, A):
    XiT = np.linalg.inv(X).T
    return (XiT - XiT @ A.T @ XiT,)


def logdet_jax(X, A):
    import jax.numpy as jnp
    return jnp.linalg.slogdet(X)[1] + jnp.trace(A @ jnp.linalg.inv(X))


def logdet_torch(X, A):
    import torch
    return torch.linalg.slogdet(X)[1] + torch.trace(A @ torch.linalg.inv(X))


def a004_make(rng, n, m):
    return dict(alpha=-8.0, beta=-4.0, A=rng.uniform(0.5, 1.0, (n, m)),
                D=rng.uniform(0.5, 1.0, (n, m)), y=0.5)


def a004_forward(alpha, beta, A, D, y):
    p = np.prod(1.0 - _sig(alpha * A + beta * D), axis=1)
    return float(0.5 * (A.shape[0] - p.sum() - y) ** 2)


def a004_hand(alpha, beta, A, D, y):
    F = _sig(alpha * A + beta * D)
    p = np.prod(1.0 - F, axis=1)
    c = A.shape[0] - p.sum() - y
    return (c * (p @ np.einsum("ij,ij->i", F, A)), c * (p @ np.einsum("ij,ij->i", F, D)))


def a004_jax(alpha, beta, A, D, y):
    import jax
    import jax.numpy as jnp
    p = jnp.exp(jnp.log(1.0 - jax.nn.sigmoid(alpha * A + beta * D)).sum(axis=1))
    return 0.5 * (A.shape[0] - jnp.sum(p) - y) ** 2


def a004_torch(alpha, beta, A, D, y):
    import torch
    p = torch.exp(torch.log(1.0 - torch.sigmoid(alpha * A + beta * D)).sum(dim=1))
    return 0.5 * (A.shape[0] - torch.sum(p) - y) ** 2


def problems():
    return [
        Problem("ridge ‖Xw−y‖²+λ‖w‖² wrt w", RIDGE, ["w"], ["w"],
                [("X 4000×1000", dict(n=4000, d=1000)), ("quick", dict(n=200, d=50))],
                ridge_make, ridge_forward, ridge_hand, ridge_ad, ridge_ad),
        Problem("2-layer tanh MLP wrt W₁, W₂", MLP, ["W_1", "W_2"], ["W_1", "W_2"],
                [("784-512-10, batch 256", dict(d=784, h=512, c=10, B=256)),
                 ("quick", dict(d=20, h=30, c=5, B=16))],
                mlp_make, mlp_forward, mlp_hand, mlp_jax, mlp_torch),
        Problem("log det X + Tr(AX⁻¹) wrt X", LOGDET, ["X"], ["X"],
                [("X 600×600", dict(n=600)), ("quick", dict(n=30))],
                logdet_make, logdet_forward, logdet_hand, logdet_jax, logdet_torch),
        Problem("004 answer chain wrt α, β", seed("004_answer.tex"), [r"\alpha", r"\beta"],
                ["alpha", "beta"], [("3000×1000", dict(n=3000, m=1000)),
                                    ("quick", dict(n=50, m=20))],
                a004_make, a004_forward, a004_hand, a004_jax, a004_torch),
    ]
