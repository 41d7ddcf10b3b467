"""The real-world corpus: one entry per document in this folder.

Each `Case` names a document (`NNN_slug.tex`, formulas copied verbatim from the public page
in its `% source:` line), the variable to differentiate (`wrt`), the objective (None: the
one matcalc picks, i.e. the last definition), an independent NumPy `ref`erence of the
objective written by hand from the math (keyword arguments = the Python keywords matcalc
uses, see `Gradient.inputs`), and the current `status`:

  - "right": matcalc derives it and the gradient matches central differences of `ref`;
  - "refused: <construct>": matcalc raises a MatcalcError; `expect` is a piece of its
    message, so the test notices when the reader gets past that construct (and then
    stops elsewhere, or derives);
  - "wrong: <what>": matcalc derives a gradient WITHOUT an error, but the numbers disagree
    with the reference (silently wrong). Tested like "right" and marked xfail(strict);
  - "checked: <what>": a list of identities, each claim of its own function and no
    objective (`gradient` refuses it; `check_all` judges claim by claim). `claims` holds
    one `Claimed` per verdict: the verdict matcalc must give, and for "right" / "wrong"
    a hand-written NumPy reference of that claim's function and of each right-hand side
    it writes, which the test compares by central differences (the numbers must agree
    with the verdict). Counted as answered right only if every claim is right or wrong.

`ref` is None only where the document's objective has no meaning to compute (a matrix-
valued attention output, an undefined set or function). `sample(rng)` builds the inputs
where random normal entries would leave the objective undefined (log det of an indefinite
matrix, a Gaussian of a singular covariance); `mode` picks one of `matcalc.numeric`'s
sampling modes instead. `xfail` marks a known defect, strictly (it must keep failing).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

import numpy as np

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Case:
    file: str
    wrt: str
    ref: Optional[Callable]
    status: str
    field: str
    objective: Optional[str] = None
    expect: Optional[str] = None        # a piece of the refusal message
    sample: Optional[Callable] = None   # rng -> kwargs
    mode: Optional[str] = None          # "normal" | "positive" | "spd"
    xfail: Optional[str] = None
    claims: tuple = ()                  # status "checked": one Claimed per verdict

    @property
    def id(self):
        return self.file.split("_")[0]

    @property
    def text(self):
        return (HERE / self.file).read_text()

    def header(self, key):
        for line in self.text.splitlines():
            if line.startswith(f"% {key}:"):
                return line.split(":", 1)[1].strip()
        return ""


@dataclass(frozen=True)
class Claimed:
    """One claim of a "checked" document: the `line` its verdict is at, the `verdict`
    check_all must give, and (for "right" / "wrong") the claim's function `of` and each
    right-hand side `rhs` it writes, in NumPy, by hand, of the keyword arguments `sample`
    draws; `wrt` the variable's keyword; `transpose` for a derivative by its transpose
    (compared with the transposed gradient). `expect`: a piece of the reason."""
    line: int
    verdict: str
    of: Optional[Callable] = None
    rhs: tuple = ()
    wrt: str = "X"
    transpose: bool = False
    expect: str = ""
    lhs: Optional[Callable] = None      # (gradient G, kwargs) -> the left side, when it
                                        # is an expression in G's entries (a sum over k)

    @property
    def answered(self) -> bool:
        return self.verdict in ("right", "wrong")


def square(*names, n=3):
    """A sampler: each name an n x n matrix with normal entries (invertible a.s.)."""
    return lambda rng: {k: rng.standard_normal((n, n)) for k in names}


def inv_t(X):
    return np.linalg.inv(X).T


def det(M):
    return float(np.linalg.det(M))


def tr(M):
    return float(np.trace(M))


# ------------------------------------------------------------------ helpers
def sig(t):
    return 1.0 / (1.0 + np.exp(-t))


def logdet(m):
    sign, val = np.linalg.slogdet(m)
    assert sign > 0, "log det of a matrix with non-positive determinant"
    return val


def lse(v, axis=None):
    m = np.max(v, axis=axis, keepdims=True)
    out = m + np.log(np.sum(np.exp(v - m), axis=axis, keepdims=True))
    return np.squeeze(out, axis=axis) if axis is not None else float(np.squeeze(out))


def spd(rng, n):
    a = rng.standard_normal((n, n))
    return a @ a.T / n + np.eye(n)


def fro2(m):
    return float(np.sum(m * m))


def lgamma1(y):
    return np.sum([math.lgamma(v + 1.0) for v in np.ravel(y)])


# ------------------------------------------------------------------ samplers
def sample_gauss_CSigmaC(rng):
    n = int(rng.integers(2, 4))
    p = n + int(rng.integers(0, 2))            # C Sigma C^T is n x n of rank min(n, p)
    return dict(x=rng.standard_normal(n), mu=rng.standard_normal(n),
                A=rng.standard_normal((n, n)), C=rng.standard_normal((n, p)),
                Sigma=spd(rng, p))


def sample_gauss_BSigmaB(rng):
    m = int(rng.integers(2, 4))
    n = m + int(rng.integers(0, 2))            # B Sigma B^T is m x m of rank min(m, n)
    return dict(mu=rng.standard_normal(m), A=rng.standard_normal((m, m)),
                B=rng.standard_normal((m, n)), Sigma=spd(rng, n))


def sample_dominant_square(rng):
    n = int(rng.integers(2, 5))
    # det > 0 and well conditioned without being symmetric (a missing transpose shows)
    return dict(X=3.0 * np.eye(n) + rng.standard_normal((n, n)) * 0.5)


def sample_gauss_density(rng):
    k = int(rng.integers(2, 4))
    return dict(x=rng.standard_normal(k), mu=rng.standard_normal(k), Sigma=spd(rng, k))


def sample_gauss_mle(rng):
    n, d = int(rng.integers(2, 5)), int(rng.integers(2, 4))
    return dict(x=rng.standard_normal((n, d)), mu=rng.standard_normal(d), Sigma=spd(rng, d))


def sample_gmm(rng):
    n, m, d = int(rng.integers(3, 6)), int(rng.integers(2, 4)), int(rng.integers(2, 4))
    return dict(x=rng.standard_normal((n, d)), mu=rng.standard_normal((m, d)),
                Sigma=np.array([spd(rng, d) for _ in range(m)]),
                alpha=rng.uniform(0.2, 1.0, m))


def sample_rbf(rng):
    d = int(rng.integers(2, 5))
    return dict(x=rng.standard_normal(d), z=rng.standard_normal(d),
                sigma=float(rng.uniform(1.0, 2.0)))


def sample_gda(rng):
    n, m = int(rng.integers(2, 4)), int(rng.integers(2, 5))
    return dict(x=rng.standard_normal((m, n)), y=rng.uniform(0, 1, m),
                phi=float(rng.uniform(0.2, 0.8)), C=float(rng.standard_normal()),
                mu=rng.standard_normal(n), Sigma=spd(rng, n))


# ------------------------------------------------------------------ references
def ref_lstsq(A, x, b):
    r = A @ x - b
    return float(r @ r)


def ref_logistic_nll(w, x, y):
    s = sig(x @ w)
    return float(-np.sum((1 - y) * np.log(1 - s) + y * np.log(s)))


def ref_kmeans(x, mu, r):
    d = ((x[:, None, :] - mu[None, :, :]) ** 2).sum(-1)
    return float(np.sum(r * d))


def ref_gauss_CSigmaC(x, mu, A, C, Sigma):
    S = C @ Sigma @ C.T
    e = x - A @ mu
    return float(-logdet(S) - e @ np.linalg.solve(S, e))


def ref_gauss_BSigmaB(mu, A, B, Sigma):
    S = B @ Sigma @ B.T
    mm = np.outer(mu, mu)
    Z = mm - mm @ A.T - A @ mm.T + A @ mm @ A.T
    return float(-logdet(S) - np.trace(np.linalg.solve(S, Z)))


def ref_softmax_xent(o, y):
    return float(-np.sum(y * (o - lse(o))))


def ref_gauss_mle(x, mu, Sigma):
    N, D = x.shape
    e = x - mu
    return float(-N * D / 2 * np.log(2 * np.pi) - N / 2 * logdet(Sigma)
                 - 0.5 * np.sum(e * np.linalg.solve(Sigma, e.T).T))


def ref_gauss_density(x, mu, Sigma):
    k = len(x)
    e = x - mu
    return float(np.exp(-0.5 * e @ np.linalg.solve(Sigma, e))
                 / np.sqrt((2 * np.pi) ** k * np.linalg.det(Sigma)))


def ref_gda(x, y, phi, C, mu, Sigma):
    e = x - mu
    m = len(y)
    return float(np.sum(y * np.log(phi) + (1 - y) * np.log(1 - phi)) - m / 2 * logdet(Sigma)
                 + m * C + np.sum(e * np.linalg.solve(Sigma, e.T).T))


def ref_softmax_indicator(W, X, Y):
    Z = W.T @ X                                  # K x N scores w_k^T x_n
    return float(np.sum(Y * (lse(Z, axis=0)[None, :] - Z)))


def ref_mlp_xent(x, W_1, b_1, W_2, b_2, y):
    h = sig(x @ W_1 + b_1)
    t = h @ W_2 + b_2
    return float(-np.sum(y * (t - lse(t))))


def ref_word2vec(v_c, u_o, u):
    return float(-np.log(sig(u_o @ v_c)) - np.sum(np.log(sig(-(u @ v_c)))))


def ref_poisson_linear(beta, X, y):
    lam = X @ beta
    return float(np.sum(-lam + y * np.log(lam)) - lgamma1(y))


def ref_poisson_loglinear(beta, x, y):
    t = x @ beta
    return float(np.sum(y * t - np.exp(t)) - lgamma1(y))


# references for 071-089 (fields beyond statistics / ML: control, portfolio, Gaussian
# processes, signal processing, robotics, physics and chemistry, the Matrix Cookbook)
def ref_kalman_trace(K_k, H, M_hat_k, R):
    # tr(M_k) with the notes' expansion of M_k (the line before their trace line)
    M = (M_hat_k - (K_k @ H @ M_hat_k + M_hat_k @ H.T @ K_k.T)
         + K_k @ (H @ M_hat_k @ H.T + R) @ K_k.T)
    return float(np.trace(M))


def ref_cara(phi, mu, Sigma, R_f, alpha):
    # the answer's own result (mu - R_f 1) - alpha Sigma phi fixes 1/2\alpha as alpha/2
    return float(phi @ (mu - R_f) - 0.5 * alpha * phi @ Sigma @ phi)


def ref_portfolio_ratio(A, B, w_vec, lambda_):
    return float((w_vec @ A @ w_vec) / (w_vec @ B @ w_vec) - lambda_ * (np.sum(w_vec) - 1))


def ref_gp_lml(y, K):
    N = len(y)
    return float(-0.5 * logdet(K) - 0.5 * y @ np.linalg.solve(K, y)
                 - N / 2 * np.log(2 * np.pi))


def ref_gp_lml_noise(y, K_f, sigma):
    return ref_gp_lml(y, K_f + sigma ** 2 * np.eye(len(y)))


def ref_lmmse(a, C_xx, C_xtheta, C_thetatheta):
    # C_{theta x} = C_{x theta}^T, as the notebook states after the formula
    return float(a @ C_xx @ a - a @ C_xtheta - C_xtheta @ a + C_thetatheta)


def ref_array_gain(w, d, Q):
    # real-valued reading (^H as ^T); the page's quantities are complex
    return float((w @ d) ** 2 / (w @ Q @ w))


def ref_reprojection(Delta, x_a, x_b, P):
    # e_i = ||x_i^a - P_i Delta x_i^b||, objective e^2 = sum_i e_i^2
    r = x_a - np.einsum("nij,jk,nk->ni", P, Delta, x_b)
    return float(np.sum(r * r))


def ref_procrustes(A, X, B):
    return float(np.sqrt(fro2(A @ X - B)))


def sample_poisson_linear(rng):
    k, n = int(rng.integers(3, 6)), int(rng.integers(2, 4))
    return dict(X=rng.random((k, n)) + 0.5, beta=rng.random(n) + 0.5,   # lambda_i > 0
                y=rng.integers(0, 6, k).astype(float))       # counts: y_i ! is defined


def sample_poisson_loglinear(rng):
    m, n = int(rng.integers(3, 6)), int(rng.integers(2, 4))
    return dict(x=rng.standard_normal((m, n)) * 0.5, beta=rng.standard_normal(n) * 0.5,
                y=rng.integers(0, 6, m).astype(float))       # counts: y_i ! is defined


def mask01(rng, shape):
    """A 0/1 mask with at least one 1 (the members of a set of indices)."""
    m = (rng.random(shape) < 0.6).astype(float)
    m.flat[int(rng.integers(0, m.size))] = 1.0
    return m


def sample_mf_set_M(rng):
    m, n, r = (int(v) for v in rng.integers(2, 5, 3))
    return dict(M=rng.standard_normal((m, n)), U=rng.standard_normal((m, r)),
                V=rng.standard_normal((n, r)), M_set=mask01(rng, (m, n)))


# ------------------------------------------------------------------ the corpus
# ------------------------------------------------------------------ 090-104: ML layers and losses
def ncdf(t):
    return 0.5 * (1.0 + np.vectorize(math.erf)(np.asarray(t) / math.sqrt(2.0)))


def ref_bn_net(W_1, W_2, W_3, x, y, gamma, beta, alpha, epsilon):
    """091: sum_i ||g_3(W_3 f(g_2(W_2 f(g_1(W_1 x_i))))) - y_i||^2, g_l the batch norm of a
    vector z with mu = alpha 1^T z and sigma = alpha sum_k (z_k - mu)^2 (gamma_l, beta_l
    scalars, as the post defines them)."""
    def g(z, l):
        mu = alpha * np.sum(z)
        var = alpha * np.sum((z - mu) ** 2)
        return gamma[l] * (z - mu) / np.sqrt(var + epsilon) + beta[l]
    total = 0.0
    for x_i, y_i in zip(x, y):
        out = g(W_3 @ sig(g(W_2 @ sig(g(W_1 @ x_i, 0)), 1)), 2)
        total += float(np.sum((out - y_i) ** 2))
    return total


def ref_probit_loglik(beta, x, y):
    P = ncdf(x @ beta)
    return float(np.sum(y * np.log(P) + (1 - y) * np.log(1 - P)))


def ref_gmm_loglik(x, mu, Sigma, alpha):
    """094: sum_n ln sum_m alpha_m N(x_n | mu_m, Sigma_m); mu (M, D), Sigma (M, D, D)."""
    total = 0.0
    for x_n in x:
        total += math.log(sum(a * ref_gauss_density(x_n, m, S)
                              for a, m, S in zip(alpha, mu, Sigma)))
    return total


def ref_elastic_net(y, X, beta, lambda_, alpha):
    r = y - X @ beta
    return float(r @ r + lambda_ * ((1 - alpha) * 0.5 * beta @ beta
                                    + alpha * np.sqrt(beta @ beta)))


def ref_mf_lambda(R, I, U, V, lambda_U, lambda_V):
    """097: rows U_i, V_j; I_{ij} the 0/1 mask of observed ratings."""
    E = R - U @ V.T
    return float(0.5 * np.sum(I * E ** 2) + 0.5 * lambda_U * np.sum(U * U)
                 + 0.5 * lambda_V * np.sum(V * V))


def ref_rbf_net(x, mu, w, lambda_, y):
    """098: S = sum_i (y_i - sum_k w_k exp(-lambda_k ||x_i - mu_k||^2))^2."""
    d2 = ((x[:, None, :] - mu[None, :, :]) ** 2).sum(-1)
    f = np.exp(-d2 * lambda_[None, :]) @ w
    return float(np.sum((y - f) ** 2))


def ref_mahalanobis_sum(Y, X, Pi, Sigma):
    """099: sum_t (Y_t - Pi' X_t)' Sigma^{-1} (Y_t - Pi' X_t); rows Y_t, X_t."""
    E = Y - X @ Pi
    return float(np.sum(E * np.linalg.solve(Sigma, E.T).T))


def ref_gauss_cholesky(x, z, L):
    y = x - z
    return float(logdet(L) + y @ np.linalg.solve(L @ L.T, y))


def sample_cholesky(rng):
    n = int(rng.integers(2, 5))
    return dict(x=rng.standard_normal(n), z=rng.standard_normal(n),
                L=3.0 * np.eye(n) + 0.5 * rng.standard_normal((n, n)))


def ref_mahalanobis_f2(x, mu, Sigma):
    e = x - mu
    return float(-0.5 * e @ np.linalg.solve(Sigma, e))


def ref_pca_affine(a, U, xi):
    """103: sum_{i=1}^{n} ||x^{(i)} - UU^T x^{(i)} - (I - UU^T) a||^2 over n distinct data
    points x^{(i)} (the rows of xi; the sheet sums to n where it gave m points)."""
    P = np.eye(len(a)) - U @ U.T
    return float(sum(np.sum((P @ (x_i - a)) ** 2) for x_i in xi))


def sample_pca_affine(rng):
    n, k = int(rng.integers(3, 5)), 2
    return dict(a=rng.standard_normal(n), U=rng.standard_normal((n, k)),
                xi=rng.standard_normal((n, n)))


def ref_kernel_ridge(y, K, alpha, lambda_):
    r = y - K @ alpha
    return float(r @ r + lambda_ * alpha @ K @ alpha)


# 105-119 (issue 8): NN layers in matrix form, regularised and weighted least squares,
# low-rank and trace losses, Gaussian/Wishart likelihoods, index notation
def ref_sigmoid_lsq(X, w, y):
    """105: f(w) = ||y - sigma(Xw)||^2 (the answer's 1/(1+e^{-Xw}) entrywise)."""
    return float(np.sum((y - sig(X @ w)) ** 2))


def ref_two_layer(alpha, beta, w, x, y):
    """106: sum_i (y^i - sigma(w^T z^i))^2, z^i = (sigma(alpha^T x^i), sigma(beta^T x^i));
    the rows of x are the m inputs x^i, y their outputs."""
    z = np.stack([sig(x @ alpha), sig(x @ beta)], axis=1)
    return float(np.sum((y - sig(z @ w)) ** 2))


def sample_two_layer(rng):
    m, d = 4, 3
    return dict(alpha=rng.standard_normal(d), beta=rng.standard_normal(d),
                w=rng.standard_normal(2), x=rng.standard_normal((m, d)),
                y=rng.standard_normal(m),
                # matcalc's own inputs as it reads the document: one z^i, one y^i, and m
                zi=rng.standard_normal(2), yi=float(rng.standard_normal()), m=float(m))


def ref_softmax_regression(X, W, y):
    """107: -(1/n) sum_i sum_k y_ik log softmax(X_i W)_k, X_i the i-th row of X."""
    Z = X @ W
    logp = Z - lse(Z, axis=1)[:, None]
    return float(-np.sum(y * logp) / X.shape[0])


def ref_l2_logistic_C(w, x, y, C):
    """108: (1/2)||w||^2 + C sum_i log(1 + exp(-y_i w^T x_i)), rows x_i."""
    return float(0.5 * w @ w + C * np.sum(np.logaddexp(0.0, -y * (x @ w))))


def ref_l2_logistic_beta(beta, x, y, lambda_):
    """109: sum_i [y_i beta^T x_i - log(1 + exp(beta^T x_i))] + lambda sum_j beta_j^2."""
    t = x @ beta
    return float(np.sum(y * t - np.logaddexp(0.0, t)) + lambda_ * beta @ beta)


def ref_lowrank_sym(X, Y):
    """110: ||Y - XX^T||_F^2."""
    return fro2(Y - X @ X.T)


def ref_gauss_mle_nabla(x, mu, Sigma):
    """113: sum_i -1/2 ln((2 pi)^d det Sigma) - (x_i - mu)^T Sigma^{-1} (x_i - mu), as the
    post writes the function inside nabla_Sigma (the quadratic term without its 1/2)."""
    d = len(mu)
    e = x - mu
    quad = np.sum(e * np.linalg.solve(Sigma, e.T).T, axis=1)
    return float(np.sum(-0.5 * (d * math.log(2 * math.pi) + logdet(Sigma)) - quad))


def sample_gauss_mle_nabla(rng):
    n, d = 5, 3
    return dict(x=rng.standard_normal((n, d)), mu=rng.standard_normal(d), Sigma=spd(rng, d))


def ref_wishart_lpdf(W, S, nu):
    """114: the log Wishart density of W with nu degrees of freedom and scale S."""
    k = S.shape[0]
    return float(-nu * k / 2 * math.log(2) - k * (k - 1) / 4 * math.log(math.pi)
                 - sum(math.lgamma((nu + 1 - i) / 2) for i in range(1, k + 1))
                 - nu / 2 * logdet(S) + (nu - k - 1) / 2 * logdet(W)
                 - 0.5 * np.trace(np.linalg.solve(S, W)))


def sample_wishart(rng):
    k = 3
    return dict(W=spd(rng, k), S=spd(rng, k), nu=float(k + 2 + rng.random()))


def ref_tikhonov(A, Gamma, x, b):
    """116: ||Ax - b||_2^2 + ||Gamma x||_2^2."""
    return float(np.sum((A @ x - b) ** 2) + np.sum((Gamma @ x) ** 2))


def ref_weighted_lsq_U(X, w, y, U):
    """117: (Xw - y)^T U (Xw - y)."""
    r = X @ w - y
    return float(r @ U @ r)


def ref_weighted_sum_r(x, w, y, r):
    """118: sum_j r_j (y_j - x_j^T w)^2, rows x_j."""
    return float(np.sum(r * (y - x @ w) ** 2))


def ref_irls_phi(X, beta, y, w):
    """119: phi = W:R^2 = sum_i w_i (X beta - y)_i^2 (W = Diag(w), R = Diag(X beta - y))."""
    return float(np.sum(w * (X @ beta - y) ** 2))



# ------------------------------------------------------------------ 120-142: the sample
def ref_det_sigma2(X, Z, G, sigma):
    """123: det[X'(sigma^2 I_n + Z G Z')^{-1} X], X n x p, Z n x q, G q x q."""
    n = X.shape[0]
    return float(np.linalg.det(X.T @ np.linalg.solve(sigma ** 2 * np.eye(n) + Z @ G @ Z.T, X)))


def sample_det_sigma2(rng):
    """123: n > p, so X'(σ²I + ZGZ')^{-1}X (p x p) is not singular; G positive definite."""
    n, p, q = 6, 2, 3
    return {"X": rng.standard_normal((n, p)), "Z": rng.standard_normal((n, q)),
            "G": spd(rng, q), "sigma": float(rng.uniform(0.5, 1.5))}


def ref_tr_XMX_RR_D(X, M, R, D):
    """124: tr((X M X^T - R R^T + D)^T (X M X^T - R R^T + D))."""
    E = X @ M @ X.T - R @ R.T + D
    return float(np.trace(E.T @ E))


def ref_logistic_J_dot(X, w, y):
    """127: -y . ln s - (1 - y) . ln(1 - s), s = sigmoid(X w)."""
    s = sig(X @ w)
    return float(-y @ np.log(s) - (1 - y) @ np.log(1 - s))


def ref_logistic_loglik_theta(theta, x, y):
    """128: sum_i y_i log pi_i + (1 - y_i) log(1 - pi_i), pi_i = sigma(theta^T x_i)."""
    p = sig(x @ theta)
    return float(np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)))


def ref_gauss_logpost(theta, theta_hat, Sigma):
    """133: -k/2 log(2 pi) - 1/2 log|Sigma| - 1/2 (theta - theta_hat)^T Sigma^{-1} (...)."""
    k = len(theta)
    e = theta - theta_hat
    return float(-k / 2 * math.log(2 * math.pi) - 0.5 * logdet(Sigma)
                 - 0.5 * e @ np.linalg.solve(Sigma, e))


def sample_gauss_logpost(rng):
    k = 3
    return dict(theta=rng.standard_normal(k), theta_hat=rng.standard_normal(k), Sigma=spd(rng, k))


def ref_mf_rmse_omega(W, Z, X, Omega):
    """136: 1/|Omega| sum_{(d,n) in Omega} 1/2 (x_dn - (W Z^T)_dn)^2, x_dn the entries of
    X, Omega a 0/1 mask and |Omega| its number of ones."""
    return float(0.5 * np.sum(Omega * (X - W @ Z.T) ** 2) / np.sum(Omega))


def sample_mf_rmse_omega(rng):
    """136: a 0/1 mask with at least one entry (|Omega| > 0)."""
    D, N, K = (int(v) for v in rng.integers(2, 5, 3))
    Omega = mask01(rng, (D, N))
    return dict(X=rng.standard_normal((D, N)), W=rng.standard_normal((D, K)),
                Z=rng.standard_normal((N, K)), Omega=Omega)


def ref_rbf_sklearn(x_i, x_j, l):
    """140: exp(-d(x_i, x_j)^2 / (2 l^2)), d the Euclidean distance."""
    return float(np.exp(-np.sum((x_i - x_j) ** 2) / (2 * l ** 2)))


def sample_rbf_sklearn(rng):
    """140: a length scale of the points' spread, so the kernel is not ~0."""
    n = int(rng.integers(2, 5))
    return dict(x_i=rng.standard_normal(n), x_j=rng.standard_normal(n),
                l=2.0 + abs(float(rng.standard_normal())))


def ref_mahalanobis_sqrt(x, mu, Sigma):
    """142: sqrt((x - mu)^T Sigma^{-1} (x - mu)) (the doc comment writes no transpose)."""
    e = x - mu
    return float(np.sqrt(e @ np.linalg.solve(Sigma, e)))


def sample_mahalanobis_sqrt(rng):
    n = 3
    return dict(x=rng.standard_normal(n), mu=rng.standard_normal(n), Sigma=spd(rng, n))


# references for 150-161 (sample 3: statistics, ML, control, physics, signal processing)
def ref_poisson_multivariate(theta, F, y):
    # l(theta) = sum_t log(exp(-lam_t) lam_t^{y_t} / y_t!), lam_t = sum_k theta_k f_k(t)
    lam = F @ theta
    return float(np.sum(-lam + y * np.log(lam)) - lgamma1(y))


def ref_poisson_glm_ell2(beta, X, Y, c):
    t = X @ beta                              # X_i^T beta, i = 1, 2 (phi = 1)
    return float(np.sum(Y * t - np.exp(t)) + c)


def ref_n_body_potential(R, m, G):
    n = len(m)
    out = 0.0
    for i in range(n):
        for j in range(n):
            if i != j:
                out += -G * m[i] * m[j] / np.linalg.norm(R[i] - R[j])
    return 0.5 * out


def sample_n_body(rng):
    n = 4
    return dict(R=rng.standard_normal((n, 3)), m=rng.random(n) + 0.5, G=1.3)


def ref_kalman_trace_J(K, C, P):
    A = np.eye(K.shape[0]) - K @ C
    return float(np.trace(A @ P @ A.T))


def sample_kalman_trace_J(rng):
    n, q = 4, 3
    return dict(K=rng.standard_normal((n, q)), C=rng.standard_normal((q, n)), P=spd(rng, n))


def ref_softmax_xent_u(u, y):
    return float(-y @ (u - lse(u)))           # -y : log(softmax(u))


def ref_multinomial_J(theta, x, y):
    # J = -1/m sum_i sum_j 1(y_i = j) log softmax(theta x_i)_j, labels 1..k
    z = x @ theta.T
    ls = z - np.log(np.sum(np.exp(z), axis=1, keepdims=True))
    return float(-np.mean(ls[np.arange(len(y)), y.astype(int) - 1]))


def sample_multinomial_J(rng):
    k, n, m = 3, 4, 6
    return dict(theta=rng.standard_normal((k, n)), x=rng.standard_normal((m, n)),
                y=rng.integers(1, k + 1, m).astype(float))


def ref_two_layer_pastebin(x, w_1, w_2, b, y):
    h = sig(x @ w_1 + b)
    return float(0.5 * np.sum((y - sig(h @ w_2 + b)) ** 2))


def ref_mvn_logpdf_L(x, mu, L):
    S = L @ L.T
    r = x - mu
    return float(-0.5 * len(x) * np.log(2 * np.pi) - 0.5 * logdet(S)
                 - 0.5 * r @ np.linalg.solve(S, r))


def ref_lasso_rss_zero_based(theta, x, y, lambda_):
    # theta_0 .. theta_n: the intercept theta_0 is in the fit, not in the L1 penalty
    return float(0.5 * np.sum((y - x @ theta) ** 2) + lambda_ * np.sum(np.abs(theta[1:])))


def ref_contrastive_U(Y, U, V, m):
    D = np.sqrt(np.sum((U - V) ** 2))
    return float(Y * 0.5 * D ** 2 + (1 - Y) * 0.5 * max(0.0, m - D) ** 2)


def sample_contrastive_U(rng):
    # m above D at both points: the live branch of max is the one the note derives
    U, V = rng.standard_normal(4), rng.standard_normal(4)
    return dict(Y=0.3, U=U, V=V, m=float(np.sqrt(np.sum((U - V) ** 2)) + 1.0))


def ref_ridge_summary(X, y, theta, lambda_):
    return float(np.sum((y - X @ theta) ** 2) + lambda_ * np.sum(theta ** 2))


def ref_glm_gaussian_l(y, X, beta, W):
    # as written: -1/2 (y - X^T beta)^T W (y - X^T beta)
    r = y - X.T @ beta
    return float(-0.5 * r @ W @ r)


def ref_nll_pystatsml(w, x, y):
    # x: the family x_i stacked as rows; z_i = w^T x_i
    z = x @ w
    return float(np.sum(np.log1p(np.exp(-z)) + (1 - y) * z))


def ref_trace_inv_logdet(A, X):
    return float(np.trace(A @ np.linalg.inv(X)) - np.linalg.slogdet(X)[1])


def sample_trace_inv_logdet(rng):
    n = int(rng.integers(2, 5))
    return dict(A=rng.standard_normal((n, n)), X=spd(rng, n))


def ref_precision_cholesky(L, x):
    # x: the family x_i, i = 1..N, stacked as rows; f(L) = N log|L| - sum_i x_i^T L L^T x_i
    return float(len(x) * np.linalg.slogdet(L)[1] - np.sum((x @ L) ** 2))


def ref_logistic_map(w, x, y, lambda_):
    # x: the family x_i stacked as rows
    return float(-np.sum(np.log1p(np.exp(-y * (x @ w)))) - lambda_ / 2 * w @ w)


def ref_completion_odot(X, Y, O):
    return 0.5 * fro2(Y - X * O)


R = "right"

def sample_xT_Ainv_x(rng):
    n = int(rng.integers(2, 5))
    # invertible and well conditioned, not symmetric (a missing transpose shows)
    return dict(A=3.0 * np.eye(n) + 0.5 * rng.standard_normal((n, n)),
                x=rng.standard_normal(n))


def sample_tall(rng):
    n = int(rng.integers(2, 4))
    m = n + int(rng.integers(1, 4))
    return dict(X=rng.standard_normal((m, n)))


def ref_softmax_xent_last_layer(wL, hL, t):
    z = wL @ hL
    y = np.exp(z - z.max())
    y = y / y.sum()
    return float(-np.sum(t * np.log(y)))


CASES = [
    Case("001_lstsq_norm.tex", "x", ref_lstsq, R, "least squares"),
    Case("002_lstsq_textbf.tex", "x", lambda A, x, b: 0.5 * ref_lstsq(A, x, b), R,
         "least squares"),
    Case("003_lstsq_frobenius_split.tex", "x", ref_lstsq, R, "least squares", objective="f"),
    Case("004_lstsq_vec_lVert.tex", r"\vec{x}", lambda A, x_vec, b: ref_lstsq(A, x_vec, b), R,
         "least squares"),
    Case("005_lstsq_expanded.tex", "x", ref_lstsq, R,
         "least squares (the implied equation \\Rightarrow\\|r\\|^2 = ... is the objective)"),
    Case("006_logistic_nll_sum.tex", "w", ref_logistic_nll,
         R, "statistics: logistic regression", objective="NLL"),
    Case("007_nmf_question.tex", "W", lambda V, W, H: 0.5 * fro2(V - W @ H), R,
         "matrix factorization"),
    Case("008_nmf_answer_colon.tex", "H", lambda V, W, H: 0.5 * fro2(W @ H - V), R,
         "matrix factorization", objective="f"),
    Case("009_weighted_trace_primes.tex", "U",
         lambda W, A, U, V: fro2(W * (A - U @ V.T)),
         "right", "matrix factorization"),
    Case("010_weighted_trace_answer.tex", "U",
         lambda W, A, U, V: fro2(W * (U @ V.T - A)), R, "matrix factorization",
         objective=r"\phi"),
    Case("011_dw_frobenius_trace.tex", "W", lambda D, W, X: 0.5 * fro2(D @ W - X), R,
         "matrix factorization"),
    Case("012_mf_index_weighted.tex", "W",
         lambda C, Y, W, H: float(np.sum(C * (Y - W @ H.T) ** 2)), R,
         "matrix factorization (index notation)"),
    Case("013_mf_hadamard_norm.tex", "H",
         lambda C, Y, W, H: fro2(C * (Y - W @ H.T)), R, "matrix factorization (Hadamard)"),
    Case("014_gaussian_logdet_CSigmaC.tex", r"\Sigma", ref_gauss_CSigmaC, R,
         "statistics: Gaussian likelihood", sample=sample_gauss_CSigmaC),
    Case("015_gaussian_mle_talkstats.tex", r"\mu", ref_gauss_mle, R,
         "statistics: Gaussian likelihood", sample=sample_gauss_mle),
    Case("016_gaussian_trace_BSigmaB.tex", "A", ref_gauss_BSigmaB, R,
         "statistics: Gaussian likelihood", sample=sample_gauss_BSigmaB),
    Case("017_logdet_diag_exp.tex", r"\Sigma",
         lambda Sigma, mu, C: float(-0.5 * logdet(Sigma)
                                    - np.sum(C * np.exp(-0.5 * mu ** 2 / (1 + np.diag(Sigma))))),
         R, "statistics: log det", mode="spd"),
    Case("018_softmax_xent_index.tex", "o", ref_softmax_xent, R,
         "ML: softmax cross-entropy (index notation)", objective="L"),
    Case("019_softmax_indicator.tex", "W", ref_softmax_indicator,
         r"refused: y_n in the indicator 1\{y_n=k\} is never declared (the post gives only "
         r"the one-hot Y_{K\times N}; its shapes as subscripts, Let X_{M\times N} be the "
         r"attribute matrix, are now read as declarations of X, Y, W; the formula writes "
         r"the vectors \overrightarrow{x}_n, \overrightarrow{w}_k, not X and W); E_{in}(W) "
         r"is read as a name (n is bound by the sum, so {in} is no index pair), and both "
         r"sums count from 0", "ML: softmax cross-entropy",
         expect="unknown name y"),
    Case("020_kmeans_distortion.tex", r"\mu", ref_kmeans, R, "clustering: k-means"),
    Case("021_kmeans_cluster_set.tex", r"\mu", None,
         r"refused: F_i(\mu_i) is a k-vector of costs, not a scalar objective (the sum over "
         r"the set C_i is read, as a mask)", "clustering: k-means",
         expect="the objective F has shape (k), not a scalar"),
    Case("022_attention_unit.tex", "W^Q", None,
         r"refused: the attention output \text{Attention(Q, K, V)} is a matrix (no scalar "
         "objective), so the last definition V is taken", "ML: attention",
         expect="not a scalar"),
    Case("023_nn_hidden_layer.tex", "W_1",
         lambda W_1, W_2, x_vec, y_vec_target: float(np.mean(np.sum(
             (sig(x_vec @ W_1.T) @ W_2.T - y_vec_target) ** 2, axis=1))),
         R, "ML: MLP (g bound by the sentence \"g is the sigmoid function : ...\"; its "
         "formula is part of the sentence)"),
    Case("024_trace_XAX.tex", "X", lambda A, X: float(np.trace(X @ A @ X)),
         "right", "linear algebra: trace"),
    Case("025_trace_XtAXB.tex", "X", lambda X, A, B: float(np.trace(X.T @ A @ X @ B)),
         "right", "linear algebra: trace"),
    Case("026_aTX2a_symmetric.tex", "X", lambda a, X: float(a @ X @ X @ a), R,
         "linear algebra: quadratic form"),
    Case("027_quadratic_form_semicolon.tex", "X", lambda X, A: float(X @ A @ X),
         r"refused: the sum's x_i while the post declares X (capital): x is inferred an "
         r"n-vector from A_{ij} x_j, and \Sigma_{j=0}^n counts from 0",
         "linear algebra: quadratic form", expect="the sum over j runs from 0 to n"),
    Case("028_xTAx_wrt_A.tex", "A", lambda x, A: float(x @ A @ x),
         "right", "linear algebra: quadratic form"),
    Case("029_rayleigh_quotient.tex", "v", lambda v, A: float(v @ A @ v / (v @ v)), R,
         "linear algebra: Rayleigh quotient"),
    Case("030_angle_bracket_quotient.tex", "x",
         lambda A, x: float((A @ x) @ x / np.linalg.norm(x)),
         R, "linear algebra: inner product (<Ax,x> and |x|_2 read; the restatement "
         "f(x) = (x^TA^Tx)/|x|_2 is read and agrees; without the added A, refused: a scalar "
         "A and an n x n matrix A give different values)"),
    Case("031_logsumexp.tex", "x", lambda x: lse(x),
         R, "ML: logsumexp / softmax (the user's definition of the built-in's name is used)",
         objective=r"\mathrm{logsumexp}(\mathbf{x})"),
    Case("032_cs229_superscript_i.tex", r"\theta",
         lambda theta, x, y: 0.5 * float(np.sum((x @ theta - y) ** 2)),
         r"refused: h_{\theta}(x^{(i)}) (the predictor function, named only in prose)",
         "least squares (CS229 notation)", expect="unknown function h_{theta}"),
    Case("033_ising_energy.tex", "s",
         lambda s, h, J, c: float(h @ s + s @ J @ s + c), R, "physics: Ising energy"),
    Case("034_rbf_kernel_gamma.tex", "x",
         lambda x, y, gamma: float(np.exp(-gamma * np.sum((x - y) ** 2))), R,
         "kernels: RBF"),
    Case("035_gaussian_kernel_abs.tex", "x",
         lambda x, z, sigma: float(np.exp(-np.sum((x - z) ** 2) / (2 * sigma ** 2))),
         R, "kernels: RBF", sample=sample_rbf),
    Case("036_gaussian_density_over.tex", r"\mu", ref_gauss_density,
         R, "statistics: Gaussian density", sample=sample_gauss_density),
    Case("037_gaussian_answer_eqalign.tex", r"\Sigma",
         lambda x, mu, Sigma: float((mu - x) @ np.linalg.solve(Sigma, mu - x)), R,
         "statistics: Gaussian density", objective="f"),
    Case("038_gda_loglik_superscript.tex", r"\Sigma", ref_gda, R,
         "statistics: GDA log-likelihood", sample=sample_gda),
    Case("039_gaussian_pdf_blog.tex", r"\mu", ref_gauss_density,
         R, "statistics: Gaussian density", sample=sample_gauss_density),
    Case("040_sigmoid_norm_greg.tex", "x",
         lambda A, x: fro2(A @ sig(x)), R, "ML: sigmoid layer (colon derivation)",
         objective=r"\phi"),
    Case("041_mlp_xent.tex", "x", ref_mlp_xent,
         "refused: \\operatorname{xent}(y, \\hat{y}) (cross-entropy: a function the post names "
         "but never defines; y is never declared; the shapes it gives in prose, x is dimension "
         "(1x5), are now read)", "ML: MLP + softmax",
         expect=r"unknown function \mathrm{xent}"),
    Case("042_nn_softmax_S.tex", "x",
         lambda x, W_1, b_1, W_2, b_2, y: -ref_mlp_xent(x, W_1, b_1, W_2, b_2, y),
         "refused: \\sum_i y \\log\\hat{y}_i (the author's y where y_i is meant: a sum of "
         "vectors, not a scalar; S is read as softmax from \"$S$ is softmax function\")",
         "ML: MLP + softmax", expect="not a scalar"),
    Case("043_hadamard_gamma_gammaT.tex", r"\gamma",
         lambda R, P, gamma: fro2(R - P * (gamma @ gamma.T)),
         "right", "linear algebra: Hadamard"),
    Case("044_phi_generic_greg.tex", "V",
         lambda U, V, X, Y, phi: fro2(U @ phi(V @ X) - Y), "right",
         "ML: layer (colon derivation; \\phi, never defined, is read as an arbitrary function "
         "applied entrywise, since the post writes its derivative G = \\phi'(Z): the checks "
         "put in a random smooth \\phi)", objective=r"{\cal L}"),
    Case("045_masked_mf_endash.tex", "U",
         lambda M, Y, U, V, lambda_u, lambda_v: fro2(M * (Y - U @ V.T))
         + lambda_u * fro2(U @ U.T) + lambda_v * fro2(V @ V.T),
         "right",
         "matrix factorization (masked)"),
    Case("046_mf_sum_over_omega.tex", "U", None,
         r"refused: u_i v_j^T with U, V declared and u, v not (the post says in words that "
         r"u_i, v_j are rows of U, V; read as new vectors the gradient wrt U would miss the "
         r"data term: two readings, refused); \sum_{(i,j)\in\Omega} is read, as a mask",
         "matrix factorization (matrix completion)", expect="u is never declared, but U is a matrix"),
    Case("047_logdet_inverse.tex", "X", lambda X: -logdet(X), R, "statistics: log det",
         sample=sample_dominant_square),
    Case("048_ols_prime_transpose.tex", r"\beta",
         lambda y, W, beta: float(y @ y - 2 * beta @ W.T @ y + beta @ W.T @ W @ beta),
         "right", "least squares (econometrics notation)"),
    Case("049_ols_greg_eT.tex", r"\beta",
         lambda y, W, beta: float(np.sum((W @ beta - y) ** 2)),
         R, "least squares (colon derivation)", objective="S"),
    # e = W beta - y is read from the last line's restatement 2W^Te = 2W^T(W beta - y)
    Case("050_weighted_lsq_yhat.tex", r"\hat{\mathbf{w}}",
         lambda X, w_hat, y, R: 0.5 * float((X @ w_hat - y) @ R @ (X @ w_hat - y)),
         R, "least squares (weighted; X \\hat{w} = \\hat{y} read right to left)",
         objective="L"),
    Case("051_cossim_sqrt_squares.tex", "a",
         lambda a, b: float(a @ b / np.sqrt((a @ a) * (b @ b))),
         r"refused: \sqrt{a^2\cdot{b^2}} (the square of a vector: a \odot a or \|a\|^2?)",
         "ML: cosine similarity", expect="a power of a vector is ambiguous"),
    Case("052_cosine_newcommand_langle.tex", "x",
         lambda x, y: float(x @ y / (np.linalg.norm(x) * np.linalg.norm(y))), R,
         "ML: cosine similarity"),
    Case("053_poisson_factorial.tex", r"\beta", ref_poisson_linear, R,
         r"statistics: Poisson regression (\sum_{i=1}^k - \lambda_i + y_i \ln \lambda_i - "
         r"\ln y_i ! read as one sum: the later terms use i, bound nowhere else)",
         objective="L", sample=sample_poisson_linear),
    Case("054_gaussian_regression_sum.tex", r"\beta",
         lambda y, beta, X: float(np.sum((y - X @ beta) ** 2)), R,
         "least squares (index notation)", objective="L"),
    Case("055_poisson_Sigma_sum.tex", r"\beta", ref_poisson_loglinear, R,
         "statistics: Poisson regression", sample=sample_poisson_loglinear),
    Case("056_pca_underset_sum.tex", "U",
         lambda x, y, U, Lambda: float(np.sum((x - y @ U.T) ** 2)
                                       + np.trace((np.eye(U.shape[1]) - U.T @ U) @ Lambda)),
         r"refused: x_i=Uy_i+\epsilon_i (the declared data x_i in a model equation with the "
         r"noise \epsilon_i declared nowhere: a model equation, or a definition of x with a "
         r"new input \epsilon -- two readings); the word where written in math letters "
         r"between control spaces (\ \ where\ \ ) now separates the clauses, and the set of "
         r"vectors \{x_{1}, ..., x_n\} is read; after it, \Lambda=\Lambda^T (a symmetry "
         r"statement) would be refused as circular",
         "ML: PCA", objective="L", expect="two readings -- a model equation of the data x"),
    Case("057_lqr_stage_cost.tex", "u",
         lambda x, u, Q, R: float(x @ Q @ x + u @ R @ u + 2 * x @ Q @ u),
         "refused: 2 x^T Q u does not fit x in R^n, u in R^m (the page's Q where N is meant)",
         "control: LQR stage cost", expect="inner dimensions n and m differ"),
    Case("058_lq_integral_cost.tex", "u", None,
         r"refused: \int_0^T ... dt (an integral)", "control: LQ cost functional",
         objective="J", expect=r"an integral (\int) is not supported"),
    Case("059_word2vec_negsampling.tex", "v_c", ref_word2vec, R,
         "NLP: word2vec negative sampling"),
    Case("060_word2vec_dot_notation.tex", "u_{w_{I}}",
         lambda u_w_I, v_prime_w_O, v_prime_w: float(
             -np.log(sig(v_prime_w_O @ u_w_I)) - np.sum(np.log(sig(-(v_prime_w @ u_w_I))))), R,
         "NLP: word2vec negative sampling (v_{w_{k}}^{'} in the sum over k read as member k "
         "of a family of vectors v'_{w}, one per negative sample -- read as one name it "
         "made K copies of one term, silently wrong once; the period v.u is the dot "
         "product)"),
    Case("061_ridge_missing_square.tex", "w",
         lambda w, x, y, lambda_: float(np.sum(y - x @ w) + lambda_ * np.sum(w ** 2)), R,
         "statistics: ridge regression (as written, first sum unsquared)"),
    Case("062_ridge_rss_unicode.tex", r"\beta",
         lambda y, X, beta, lambda_: float(np.sum((y - X @ beta) ** 2) + lambda_ * beta @ beta),
         R, "statistics: ridge regression"),
    Case("063_quadratic_potential_q.tex", r"\vec{q}",
         lambda q_vec, V_cal: 0.5 * float(q_vec @ V_cal @ q_vec), R,
         r"physics: quadratic potential (V = \frac{1}{2}\vec{q}^\intercal\mathcal{V}\vec{q}: "
         r"read as one name V would define itself, so \mathcal{V} is a name of its own, "
         r"keyword V_cal, noted)"),
    Case("064_mf_sum_over_set_M.tex", "U",
         lambda M, U, V, M_set: float(np.sum(M_set * (M - U @ V.T) ** 2)),
         R, "matrix factorization (recommender)", sample=sample_mf_set_M),
    Case("065_frobenius_unicode_minus.tex", "H", lambda A, W, H: fro2(A - W @ H), R,
         "matrix factorization"),
    Case("066_masked_frobenius_matlab.tex", "X", lambda X, Y, M: fro2((X - Y) * M),
         r"refused: f is defined twice, differently (\sum_{i,j \in S} over a set S the post "
         r"never gives, then || (X - Y) .* M ||_F^2 with a mask M: equal only if M is S's "
         r"indicator). X, Y, M, never declared, are read with their most general shapes "
         r"(m_X x n_X, issue 8): each line alone derives", "matrix factorization (masked)",
         expect="f is defined twice, differently"),
    Case("067_word2vec_delta_unbalanced.tex", "v_{c}", ref_word2vec,
         r"refused: -\log(\delta(...) - ... (the author's unbalanced parenthesis)",
         "NLP: word2vec negative sampling", objective="J_{neg-sample}(o, v_{c}, U)",
         expect="unclosed '('"),
    Case("068_lennard_jones.tex", "r",
         lambda r, epsilon, sigma: float(4 * epsilon * ((sigma / r) ** 12 - (sigma / r) ** 6)),
         R, "physics: Lennard-Jones potential", mode="positive"),
    Case("069_weighted_lsq_answer.tex", r"\beta",
         lambda y, X, beta, W: float((y - X @ beta) @ W @ (y - X @ beta)), R,
         "least squares (weighted)"),
    Case("070_rbf_kernel_slash_2sigma2.tex", "x",
         lambda x, z, sigma: float(np.exp(-np.sum((x - z) ** 2) / (2 * sigma ** 2))),
         "refused: \\|x-z\\|^2/2\\sigma^2 has two readings, (\\|x-z\\|^2/2)\\,\\sigma^2 and "
         "\\|x-z\\|^2/(2\\sigma^2) (the post's own code divides by 2*sigma**2); once derived "
         "silently wrong as the first", "kernels: RBF", mode="positive",
         expect="has two readings"),
    # ---- 071-089: spread over fields (control, portfolio, GP, signal, robotics, physics)
    Case("071_lqr_lagrange_integral.tex", r"\mathbf{u}", None,
         r"refused: \mathbf{f}(\mathbf{x,u}) (a font command over a comma list, in the "
         r"system's definition), then \int_0^{\tau} ... dt (an integral)",
         "control: LQR cost functional", objective="J",
         expect=r"unexpected ','"),
    Case("072_riccati_hjb_min.tex", "u", None,
         r"refused: \min_{u(t)} \{...\} (a minimum over a function of t, an optimal-control "
         r"problem: the operator is read, its variable u(t) is refused as a function, not an "
         r"array); the minimand also holds \partial V^T/\partial x of a V not given (\Re^n "
         r"is read as R^n)",
         "control: Riccati / HJB", expect="an optimisation over a function of t"),
    Case("073_kalman_trace_expansion.tex", "K_k", ref_kalman_trace, R,
         r"control: Kalman gain, the trace of the error covariance (the last line tr(M_k) = "
         r"tr(\hat{M}_k)+2tr(K_kH\hat{M}_k)+... is an identity about the defined M_k, not a "
         r"definition: named as written, its left side is the objective and its right side, "
         r"with the notes' sign slip +2tr where the expansion gives -2tr, is judged false in "
         r"a note; unnamed it is refused, the two sides being two readings that differ; "
         r"K^T_k (= K_k^T) and M_k (named by its step k like K_k) are read)",
         objective="tr(M_k)"),
    Case("074_portfolio_prime_omega.tex", "x", lambda x, Omega: float(x @ Omega @ x), R,
         "portfolio: variance x'Ωx (prime, unicode Ω)"),
    Case("075_cara_utility_half_alpha.tex", r"\phi", ref_cara, R,
         r"portfolio: CARA mean-variance utility (the objective named as written: the "
         r"function inside \frac{\partial ...}{\partial \phi}; unnamed, it is refused as two "
         r"candidates, that function and the prose mention \phi'(\mu-R_f\mathbf{1}) of its "
         r"first term, which differ)",
         objective=r"\phi'(\mu-R_f\mathbf{1})-1/2\alpha\phi'\Sigma\phi"),
    Case("076_portfolio_ratio_lagrangian.tex", r"\vec{w}", ref_portfolio_ratio, R,
         r"portfolio: variance-ratio Lagrangian (\vec{1} as the ones vector)",
         objective="L"),
    Case("077_gp_marginal_likelihood_yt.tex", "K", ref_gp_lml, R,
         "Gaussian process: log marginal likelihood (y^t: a lower-case t, no name or index "
         "in the document, read as the transpose with a note)"),
    Case("078_gp_marginal_likelihood_Ky.tex", r"\sigma", ref_gp_lml_noise, "right",
         r"Gaussian process: log marginal likelihood (noise variance) (\log2\pi is read as "
         r"\log(2\pi), noted, as densities write it: the other reading, (\log 2)\pi, differs "
         r"by a constant; it was refused as two readings, and once read as the second, with "
         r"the objective's value off by a constant; the left side \log p(y|X, \theta) = and "
         r"K_y = K_f + \sigma^2I, K_y named after the vector y and defined after its use, "
         r"are read)",
         objective=r"\log p(y|X, \theta)"),
    Case("079_wiener_lmmse_C_theta_x.tex", r"\mathbf{a}", ref_lmmse, R,
         r"signal processing: Wiener / LMMSE estimator (the notebook's \mathbf{C}_{_\theta x}, "
         r"a subscript group opening with _ -- a subscript of an empty base, which renders "
         r"as C_{\theta x} -- is read as that one subscript, noted; it was refused as "
         r"'unexpected a subscript'; \mathbf{C}_{\theta x} = \mathbf{C}_{x \theta}^T, "
         r"stated after the formula, defines it)",
         objective=r"MSE(\widehat{\theta})"),
    Case("080_beamformer_array_gain_H.tex", r"\mathbf{w}", ref_array_gain,
         r"refused: \mathbb{C}^N (complex vectors; the post's ^H is the conjugate transpose)",
         "signal processing: beamforming (array gain)",
         expect="complex spaces are not supported"),
    Case("081_sparse_coding_argmin.tex", r"\mathbf{\phi}_{i}", None,
         r"refused: x^{(j)} never declared (the page gives no shapes); \mathbf{\phi}^{*},"
         r"\mathbf{a}^{*} = \text{argmin}_{\mathbf{\phi},\mathbf{a}} is read (the starred "
         r"optima noted as the solution, the minimand the objective); declared, it stops at "
         r"the generic sparsity function S (and a^{(j)}_i in the S term stands outside the "
         r"sum over j)",
         "signal processing: sparse coding", expect="unknown name x^{(j)}"),
    Case("082_total_variation_4d.tex", "f", None,
         r"refused: (\partial_x f_l)_{i,j,k} (finite differences written as \partial_x of a "
         r"4-index image; the page defines their squares entrywise, (\partial_x f_l)^2_{i,j,k} = "
         r"..., which is not read as a name)",
         "signal processing: total variation (4D)", objective=r"\text{TV}(f)",
         expect="partial-derivative operator"),
    Case("083_mass_spring_relaxation.tex", r"\vec{r}_i", None,
         r"refused: l_{ij} (the spring length, defined only in prose as the distance of "
         r"masses i and j; the sum runs over connected pairs given only in code)",
         "physics: mass-spring network energy", objective="U", expect="unknown name l"),
    Case("084_reprojection_error_pmatrix.tex", r"\Delta", ref_reprojection,
         r"refused: x_j^a, the j-th point in frame A (a superscript label, as the prose's "
         r"$x_i^a$ is noted), is read as a power of a name a declared nowhere; the pmatrix "
         r"relation (e_1 ... e_n) = (\|x_1^a-P_1\Delta x_1^b\| ... \|x_n^a-P_n\Delta "
         r"x_n^b\|) is read since as the entrywise definition e_j = \|x_j^a-P_j\Delta "
         r"x_j^b\|, j = 1..n, noted (e was Euler's number, so \min_{\Delta} e^2 did not "
         r"depend on \Delta); behind it the 4x4 literal P_i's focal length f, declared "
         r"nowhere, and e^2 of the vector e (two readings: entrywise, or e^Te)",
         "robotics/vision: reprojection error", expect="unknown name a"),
    Case("085_procrustes_min_text_orthogonal.tex", "X", ref_procrustes,
         R, r"robotics/vision: orthogonal Procrustes (\min_{X \text{ orthogonal}} "
         r"\|AX-B\|_F: the minimand the objective, 'orthogonal' a noted condition, the "
         r"unconstrained gradient; X=UV^T a solution statement, not a definition)"),
    Case("086_molecular_mechanics_energy.tex", "r", None,
         r"refused: \sum_{bonds} K_r (...), a sum over a set named by a word the text does "
         r"not define (its letters b, o, n, d, s have no range; the message names the word, "
         r"where it named the per-bond constant K_r, never declared, before), then "
         r"\sum_{angles}, \sum_{dihedrals}, V_n/2 [...], cos without a backslash; \sum_{i<j} is "
         r"read", "chemistry: molecular mechanics force field",
         objective="V", expect="runs over a set named by the word 'bonds'"),
    Case("087_cookbook_det_linear_forms.tex", r"\mathbf{X}", None,
         r"checked: three claims, each of its own function (det X, det AXB): both "
         r"closed forms right, and the sum over entries \sum_k \partial det X / \partial "
         r"X_{ik} X_{jk} = \delta_{ij} det X right, both sides indexed [i, j] with the "
         r"derived gradient's entries in place of the derivative (with A, B, X declared "
         r"square in the added line; without it every claim is unchecked, naming the "
         r"declaration)",
         "Matrix Cookbook: derivatives of a determinant", sample=square("A", "B", "X"),
         claims=(
             Claimed(10, "right", lambda X: det(X), (lambda X: det(X) * inv_t(X),)),
             Claimed(11, "right", lambda X: det(X), (lambda X: det(X) * np.eye(len(X)),),
                     lhs=lambda G, kw: G @ kw["X"].T),
             Claimed(12, "right", lambda A, X, B: det(A @ X @ B),
                     (lambda A, X, B: det(A @ X @ B) * inv_t(X),
                      lambda A, X, B: det(A @ X @ B) * np.linalg.inv(X.T))),
         )),
    Case("088_harmonic_bond_potential.tex", "r_{ij}",
         lambda ks_ij, r_ij, r0_ij: 0.5 * ks_ij * (r_ij - r0_ij) ** 2, R,
         r"physics/chemistry: harmonic bond potential (V_{bond}^{ij} = read as the name "
         r"V^{ij}_{bond}, k^s_{ij} as the name k^s indexed, r_{ij}^0 as the declared name "
         r"r^0_{ij}, not a power 0)", objective=r"V_{bond}^{ij}"),
    Case("089_variational_braket_energy.tex", "C_j", None,
         r"refused: \psi=\sum_j C_j \phi_j (a wave function expanded in basis functions: "
         r"C_j and \phi_j never declared; \phi is not read with a made-up size, as the "
         r"relation \hat{H}\phi_j =E_j\phi_j, which defines nothing, speaks of it), then the "
         r"bra-ket <\psi\vert\hat{H}\vert\psi> of an operator \hat{H} given only by that "
         r"relation", "physics/chemistry: variational energy (bra-ket)",
         expect=r"unknown name \phi"),

    # 090-104: ML layers and losses, chosen by source before they were tried (issue 8)
    Case("090_softmax_xent_sum_C.tex", "a", lambda a, y: ref_softmax_xent(a, y), R,
         r"ML: softmax cross-entropy (\sum_j^C with only an upper limit; the chained "
         r"= -\sum_j^C \ell_j kept with the equation, not a second definition)",
         objective="L"),
    Case("091_batchnorm_deep_net.tex", "W_1", ref_bn_net,
         r"refused: \gamma_1 -- the layers are now read as families of functions, "
         r"g_\ell(z; \gamma_\ell, \beta_\ell) = ... and f_\ell(z) = ... applied as g_3, f_2, "
         r"..., with the post's own \sigma(z) (a variance, not the sigmoid), 1^T the row of "
         r"ones and z[k] an entry; but the post never declares \gamma_\ell, \beta_\ell "
         r"('g_\ell is parameterized by \gamma_\ell and \beta_\ell', and \alpha, \epsilon "
         r"only in words), and their use does not settle their shapes (a scalar or a "
         r"matrix): refused naming the family's declaration. Declared (scalars), the next "
         r"stop is the author's \sigma(z) = \alpha\sum_{k=1}^m (z[k] - \mu(z))^2 \equiv "
         r"\alpha 1^T[...]: inside g_2 the sum covers m of the p entries, the 1^T form all of "
         r"them -- two readings, refused there",
         "ML: batch normalization (3-layer network)", objective="L",
         expect="(the family g_\\ell) is declared nowhere"),
    Case("092_logistic_nll_mathcal_L.tex", "w", ref_logistic_nll,
         r"refused: -\sum_{i=1}^{N} y_i \log(...) + (1 - y_i) \log(...) (a negated sum whose "
         r"later term uses i: -(a+b) summed or -\sum a + b, two readings, named)",
         "ML: logistic regression (negative log likelihood)", objective=r"\mathcal{L}(w)",
         expect="is multiplied or negated here"),
    Case("093_probit_loglik_Phi.tex", r"\beta", ref_probit_loglik, "right",
         r"statistics: probit regression (y_{i} = \left \{ 0,1 \right \} read as the values "
         r"y_i takes, a declaration; \Phi the standard normal CDF, as the sentence '$\Phi$ "
         r"represents a cumulative normal distribution' says; x_{i}' the transpose of x_i; "
         r"the named objective \text{log}L no longer resolves to the post's own pdf f)",
         objective=r"\text{log}L"),
    Case("094_gmm_loglik_alpha_m.tex", r"\mu_m", ref_gmm_loglik, R,
         "statistics: Gaussian mixture log-likelihood", objective=r"L(X|\Theta)",
         sample=sample_gmm),
    Case("095_infonce_dcl_U_ik.tex", r"\mathbf{z}_i^{(1)}", None,
         r"refused: the objective \mathcal{L}_i^{(k)} is one loss per anchor i and view k "
         r"(read as L entrywise over k, i, shape 2 x N): no single scalar to differentiate. "
         r"All else is read, with the declaration line: \sum_{l \in \{1,2\},\; j \in "
         r"[\![1,N]\!],\; j \neq i} as l = 1..2 and j = 1..N without i, z_i^{(1)} as member "
         r"(1, i) of the family z_i^{(k)}, U_{i,k} entrywise (the losses summed by an added "
         r"line derive right: tests/test_layer_members.py). Without the declaration line, "
         r"the range of i is never given, so j \neq i is not shown to stay within 1..N",
         "ML: contrastive loss (InfoNCE)", objective=r"\mathcal{L}_i^{(k)}",
         expect="defined entrywise over k, i"),
    Case("096_elastic_net_text_in_math.tex", r"\mathbf{\beta}", ref_elastic_net,
         R, r"statistics: elastic net (the \text{ with tuning parameters ...} inside the "
         r"math read as a condition; the page's \|\mathbf{\beta}\| without a subscript, "
         r"which its prose calls the L_1 penalty, is read as written: the 2-norm)",
         objective=r"L(\mathbf{\beta})"),
    Case("097_mf_lambda_U_norms.tex", "U_i", ref_mf_lambda,
         R, "matrix factorization (regularized, masked; wrt the family member U_i; "
         "the post's own claim, with lambda_V U_i and no I_ij, is kept for check; "
         "without the added declaration, refused: U_i is entry i of a vector U or the "
         "i-th of a family of vectors)", objective="E"),
    Case("098_rbf_network_lambda_k.tex", r"\lambda_k", ref_rbf_net,
         "right", "ML: RBF network (f(x_i)=\\sum_{k=1}^n w_k e^{(...)}, a function defined at "
         "the family member x_i, read entrywise: f(x_i) in S is f_i)", objective="S"),
    Case("099_mahalanobis_Pi_prime_sum.tex", r"\Pi", ref_mahalanobis_sum, R,
         r"statistics: Mahalanobis distance (multivariate regression; the matrix literal "
         r"with elided entries \Pi'=\left[\begin{array}{ccc} \mu & ... & \Phi_{1p} \\ ... "
         r"\end{array}\right], whose entries no other formula uses, describes \Pi' and is "
         r"not read, so \Pi' is the transpose of the declared \Pi; \sum_{t=1}^{T} is read, "
         r"its upper limit T once read as a transpose)",
         objective=r"d(\Pi',\Sigma^{-1})"),
    Case("100_gaussian_pdf_boldsymbol.tex", r"\boldsymbol\Sigma", ref_gauss_density, R,
         r"statistics: Gaussian density wrt covariance (\boldsymbol\Sigma, |\Sigma| as det, "
         r"(x-\mu)' as transpose, left side \mathcal{N}(\boldsymbol\mu,\,\boldsymbol\Sigma))",
         objective=r"\mathcal{N}(\boldsymbol\mu,\,\boldsymbol\Sigma)",
         sample=sample_gauss_density),
    Case("101_gaussian_cholesky_phi.tex", "L", ref_gauss_cholesky, R,
         r"statistics: Gaussian log-likelihood wrt a Cholesky factor (\Sigma=LL^{T} read as a "
         r"definition, A^T=A and A^{-1} = L^{-T}L^{-1} noted as relations, \eqalign, "
         r"d\phi lines not read as definitions)", objective=r"\phi", sample=sample_cholesky),
    Case("102_mahalanobis_f2_textbf.tex", r"\boldsymbol\Sigma", ref_mahalanobis_f2,
         "right", "statistics: Mahalanobis distance wrt covariance (\\boldsymbol\\Sigma = "
         "\\begin{pmatrix}s_{11} & \\cdots & s_{1k} ... \\end{pmatrix} read as the layout "
         "of a k x k matrix of named entries, which gives its shape)",
         objective=r"f_2(\boldsymbol\Sigma)"),
    Case("103_pca_affine_norm_macro.tex", "U", ref_pca_affine,
         r"refused: x is declared twice with different shapes -- x \in \R ^n (the argument "
         r"of the projection, in prose) and the data x^{(1)}, \dots , x^{(m)} \in \R ^n (now "
         r"read as a family of m members); then the sheet's sum runs to n over its m points. "
         r"Once silently wrong: x^{(i)} inside the sum was inferred as ONE n-vector and summed "
         r"n times (an undeclared x^{(i)} with i bound is now refused as a family member)",
         "ML: PCA (least-residual affine set)", sample=sample_pca_affine,
         expect="x is declared twice with different shapes"),
    Case("104_kernel_ridge_g_macro.tex", r"\alpha", ref_kernel_ridge,
         r"refused: y_i is never declared (the page gives no shapes); the page's MathJax "
         r"macros are read since, noted: \g (defined nowhere in the text) as a bold font -- "
         r"every use stands before one letter and \g \alpha \in \R^N is declared -- and \H "
         r"as the name of a set (only after \in and as the subscript of \|f\|_{\H}), so the "
         r"first optimisation, over a function f \in \H, no longer stops it and the last "
         r"one, over \g \alpha, is the objective; behind y, K(\g x_j,\g x_i) is a kernel "
         r"function given only in words, and \g \alpha = [\alpha_1, \dots, \alpha_N]^T an "
         r"elided vector", "kernels: kernel ridge regression",
         expect="unknown name y"),

    # 105-119: chosen by source before they were tried (issue 8)
    Case("105_dense_sigmoid_sum_y_hat.tex", "w", ref_sigmoid_lsq, R,
         r"ML: sigmoid layer, squared error (the answer's f(w); \mathbf{\hat{y}} = "
         r"\frac{1}{1+e^{-Xw}}, 1 over a vector, read entrywise and noted)", objective="f(w)"),
    Case("106_two_layer_sigmoid_z_i.tex", r"\alpha", ref_two_layer,
         r"refused: y^i, declared as one name, inside \sum_{i=1}^{m}: the i-th member of a "
         r"family or one name that does not change with i, two readings. Once silently "
         r"wrong: z^i and y^i were read as ONE vector and ONE number (m copies of one term), "
         r"and the entries' definitions z_1^i = \sigma(\alpha^T x^i) were noted as relations "
         r"that define nothing (z^i an input: the gradient wrt \alpha was 0); an entry "
         r"definition z_1 = ... of a declared z is now refused too",
         "ML: 2-layer sigmoid network (squared error)", objective=r"\ell(w,\alpha, \beta)",
         sample=sample_two_layer, expect="is declared as one name, but i is bound here"),
    Case("107_softmax_regression_p_ik.tex", r"\mathbf{W}", ref_softmax_regression,
         "right", r"ML: softmax regression in matrix form (one-hot y; \mathbf{X}_i \mathbf{W}: "
         r"the i-th sample read as a ROW of X, the only reading whose shapes agree, noted)",
         objective=r"\mathcal{L}_{\text{CE}}(\mathbf{W})"),
    Case("108_l2_logistic_C_sum.tex", "w", ref_l2_logistic_C, R,
         r"ML: L2-regularised logistic loss (\frac{1}{2}\|w\|^2 + C \sum_{i=1}^n\log(1 + "
         r"\exp(-y_iw^Tx_i)), x_i a family read from the declaration)", objective="f(w)"),
    Case("109_l2_logistic_Sigma_j_p.tex", r"\boldsymbol{\beta}", ref_l2_logistic_beta,
         r"refused: the author's unbalanced \exp( \boldsymbol{\beta}^T \mathbf{x}_{i} \right) "
         r"in both definitions of \ell ('unclosed ('), located); behind it \lambda "
         r"\Sigma_{j}^{p}\beta_j^2 writes the sum as a capital Sigma",
         "ML: L2-regularised logistic log-likelihood", objective=r"\ell",
         expect="unclosed '('"),
    Case("110_lowrank_Y_XXT_colon.tex", "X", ref_lowrank_sym, R,
         r"low rank: symmetric factorisation (Frobenius; f := \|Y - XX^T\|_F^2 \equiv "
         r"Y - XX^T:Y - XX^T, the colon written without brackets read below + and - as the "
         r"colon style writes it, noted: with the colon binding tighter f is a matrix)",
         objective="f"),
    Case("111_frobenius_PTKV_unicode.tex", "T",
         lambda X, P, T, K, V: fro2(X - P @ T @ K @ V), R,
         r"low rank: Frobenius norm of X - PTKV (the unicode ‖X−PTKV‖^2 noted as a mention; "
         r"f(T)=tr((X-PTKV)^T(X-PTKV)) the objective)", objective="f(T)"),
    Case("112_trace_ULU_rm_tr.tex", "U", lambda U, L: float(np.trace(L @ U @ U.T)), R,
         r"trace: tr(U^TLU) (f = {\rm tr}(LUU^T) = L:UU^T in \eqalign; L^\frac{1}{2} in the "
         r"question skipped as unreadable, the claims noted)", objective="f"),
    Case("113_gaussian_mle_nabla_trace.tex", r"\Sigma", ref_gauss_mle_nabla, "right",
         r"statistics: Gaussian MLE of the covariance (the function only under the "
         r"operator of the stationarity condition 0 = \nabla_\Sigma\sum_{i=1}^n ..., the "
         r"sum going on over the term after it; the prose mentions \nabla_\Sigma, \Sigma "
         r"do not compete with it)", sample=sample_gauss_mle_nabla),
    Case("114_wishart_lpdf_stan.tex", "S", ref_wishart_lpdf, R,
         r"statistics: Wishart log-density (Stan Math docs; \Gamma (\frac{\nu + 1 - i}{2}) "
         r"read as the gamma function -- \Gamma is never declared and only applied -- and "
         r"\log (\Gamma (...)) as log-gamma; the product index i used as the number i; the "
         r"objective is the first right side: the continued line &=& ... (the expanded "
         r"form the reference is written from) is noted, not compared)",
         objective=r"\log (p (W \, |\, \nu, S) )", sample=sample_wishart),
    Case("115_rayleigh_intercal_abs.tex", "x",
         lambda A, x: float(x @ A @ x / (x @ x)), R,
         r"quadratic forms: Rayleigh quotient (x^\intercal, |x|^2 of a vector read as the "
         r"norm, x \in\mathbb{R}^n in prose read as the declaration)", objective="R_A(x)"),
    Case("116_tikhonov_displaystyle_Gamma.tex", r"\mathbf{x}", ref_tikhonov,
         R, r"least squares: Tikhonov regularisation (${\displaystyle \mathcal{L}"
         r"(\mathbf{x}) = ...}$, a {\displaystyle ...} group around the whole formula as "
         r"Wikipedia writes it, is read; the chained \nabla_{\mathbf{x}} claim is kept for "
         r"check)", objective=r"\mathcal{L}(\mathbf{x})"),
    Case("117_weighted_lsq_en_dash.tex", "w", ref_weighted_lsq_U,
         "right", "least squares: weighted (matrix form, en dash; the shapes stated in prose "
         "math, X is an m \\times n input matrix, ..., read as declarations)", objective="J(w)"),
    Case("118_weighted_sum_r_j_paren.tex", "w", ref_weighted_sum_r, R,
         r"least squares: weighted, index notation (r_j(y_j – x_j^Tw)^2 read as a product, the "
         r"en dash as minus, x_j a family)", objective="E(w,x)"),
    Case("119_irls_phi_W_R2_diag.tex", r"\beta", ref_irls_phi,
         R, r"least squares: iteratively reweighted (the answer's \eqalign{..} blocks stand "
         r"outside math delimiters on the page: read as math, noted; the annotation column "
         r"({\rm residual/error\,vector}) is words; W:R^2 with R = {\rm Diag}(r))",
         objective=r"\phi"),
    Case("120_trace_primer_nabla_AB.tex", "A", lambda A, B: float(np.trace(A @ B)), R,
         r"sample q1: trace of a product (the wiki's \nabla_{A} [\text{tr}(AB)] = B^{T} in "
         r"\begin{equation}: the expression under the operator read as the objective, the "
         r"claim kept for check)"),
    Case("121_scrapbox_trace_dollar_lines.tex", "X", None,
         r"checked: five claims about five different functions, tr(X), tr(XA), ..., each "
         r"judged against its own: all right, the derivative by X^\top as the transpose of "
         r"the gradient; the Scrapbox display math, lines that start with '$ ' and have no "
         r"closing dollar, is read (noted)",
         "sample q1: trace derivatives (identity list)", sample=square("A", "X"),
         claims=(
             Claimed(7, "right", lambda X: tr(X), (lambda X: np.eye(len(X)),)),
             Claimed(8, "right", lambda X, A: tr(X @ A), (lambda X, A: A.T,)),
             Claimed(9, "right", lambda X, A: tr(X @ A), (lambda X, A: A,), transpose=True),
             Claimed(10, "right", lambda X, A: tr(A @ X.T), (lambda X, A: A,)),
             Claimed(11, "right", lambda X, A: tr(X @ A @ X.T),
                     (lambda X, A: X @ (A + A.T),)),
         )),
    Case("122_logdet_matrix_function_X_x.tex", "x", None,
         r"refused: X(x), a matrix that is a function of x (said in words), read as the "
         r"product X x: 'cannot multiply a n×n matrix by a column vector of length d' "
         r"(undefined function; the located error names the product reading, not the "
         r"function)", "sample q2: log det of a matrix function",
         expect="cannot multiply a n×n matrix by a column vector of length d"),
    Case("123_det_sigma2_subscript_shapes.tex", r"\sigma^2", ref_det_sigma2, R,
         "sample q2: determinant wrt a variance (issue 8: the derivative wrt \\sigma^2, "
         "\\sigma a scalar by the sentence '$$\\sigma^2$$ is a scalar', the sizes written as "
         "subscripts, \\mathbf X_{p\\times n}' the transpose's, $$\\mathbf I_{n}$$ 'is a "
         "$n\\times n$ identity matrix' the identity)", sample=sample_det_sigma2),
    Case("124_arxiv_html_tr_alttext.tex", "M", ref_tr_XMX_RR_D, R,
         r"sample q3: Frobenius/trace of X M X^T - R R^T + D (arXiv HTML without math "
         r"delimiters: the LaTeX alttext f=\mathrm{tr}(...) between the MathML unicode "
         r"rendering and the MathML words is read as TeX in running text, noted, its '%' a "
         r"lost line break; the unicode rendering, which has no TeX command, stays prose)"),
    Case("125_frobenius_XT_minus_A_dots.tex", r"\mathbf{X}",
         lambda X, A: fro2(X.T - A), R,
         r"sample q3: Frobenius norm of X^T - A (the prose math $(.)^T$ and $||.||_F$, a dot "
         r"as a placeholder argument, skipped and noted; the derivative asked for without a "
         r"value, \frac{\partial ||\mathbf{X}^T -\mathbf{A} ||_F^2}{\partial \mathbf{X}}, "
         r"gives the objective, its numerator)"),
    Case("127_logistic_dot_ln_textbf.tex", "w", ref_logistic_J_dot, R,
         r"sample q5: logistic regression (vector form; s(\textbf{Xw}), one bold group over "
         r"the product of the declared X and w, read as X w, noted; s 'the logistic "
         r"function' from the words after its definition \textbf{s} = s(...), noted; ln "
         r"without a backslash)", objective="J(w)"),
    Case("128_logistic_loglik_lost_subscripts.tex", r"\boldsymbol{\theta}",
         ref_logistic_loglik_theta,
         r"refused: \mathbf{x}i = \sum{j=0}^{p} \theta_j x_{ij}, the page's markdown ate "
         r"the underscores of x_i and \sum_{j=0} (the author's/page's error, caught: "
         r"'unexpected =', and the formula defines z, which the objective uses)",
         "sample q5: logistic log-likelihood", objective=r"\ell(\boldsymbol{\theta})",
         expect="it defines z, which the objective uses"),
    Case("129_quadratic_form_no_delimiters.tex", r"\boldsymbol{x}",
         lambda x, A: float(x @ A @ x), R,
         r"sample q6: quadratic form (no math delimiters: \alpha = \boldsymbol{x}^T"
         r"\boldsymbol{A}\boldsymbol{x},with ... read as TeX in running text, noted; the "
         r"second \alpha, sums from 0 to n-1 over entries numbered 1..n, is noted and not "
         r"used; 'that is \boldsymbol{A}=\boldsymbol{A}^T' is a symmetry statement, not a "
         r"circular definition, and one made under 'If': the result stays (A + A^T) x, "
         r"noted)", objective=r"\alpha"),
    Case("130_xtAx_matrix_function_A_x.tex", "x", None,
         r"refused: $p(x) = x^t A(x) x \in $, the author's dangling \in ('the formula ends "
         r"too early after \in'; author's error, caught); behind it A(x), a matrix function "
         r"of x given only in words (undefined function)",
         "sample q6: x^t A(x) x", objective="p(x)",
         expect=r"the formula ends too early after \in"),
    Case("131_layer_L_f_D_tuple_shapes.tex", "W", lambda W, X, f: f(W @ X), "right",
         r"sample q7: layer D = WX, arbitrary loss (L = f(D), 'f is arbitrary loss function', "
         r"is read as a scalar function of the whole matrix D: the gradient is \nabla f(D) X^T, "
         r"the code takes f's gradient as a callable; the shapes written as tuples, $X = (m, "
         r"n)$, $W = (H, m)$, are read as m×n and H×m, noted)", objective="L"),
    Case("132_layer_dot_L_f_y.tex", "x", lambda x, w, b, f: f(x * w + b), "right",
         r"sample q7: linear layer, arbitrary loss (f, never defined, is read as an arbitrary "
         r"differentiable function, since the post writes its derivative df(y)/dy: dL/dx = "
         r"w f'(y); in the chain L = f(y) = f(y(x)), y(x) has two readings, y as a function of "
         r"x or y times x, so the last member is not read and f(y), the member before, is the "
         r"value, noted; the "
         r"claims dL/dx = df(y)/dy \cdot w are not read as claims)", objective="L"),
    Case("133_gaussian_logpost_theta_hat.tex", r"\theta", ref_gauss_logpost,
         r"refused: The mode is $\hat\theta=\mu$ (the declared \hat\theta set equal to "
         r"the \mu of the prose N(\mu, \Sigma), declared nowhere: a statement about the "
         r"data, or a definition with \mu a new input -- two readings, named); before it "
         r"-\frac{k}{2} \log 2 \pi is read as \log(2\pi), noted (it was refused as two "
         r"readings)", "sample q8: Gaussian log-posterior",
         objective=r"\log P(\theta|y)", sample=sample_gauss_logpost,
         expect=r"defines it through \mu, which is declared nowhere"),
    Case("136_mf_rmse_R_D_x_N.tex", "W", ref_mf_rmse_omega, R,
         r"sample q9: masked matrix factorization (\frac{1}{|\Omega|} read as one over the "
         r"number of entries of the index set of \sum_{(d,n) \in \Omega}, the sum of its "
         r"mask, noted; R^{D x N} with the letter x, no name or size of the post, read as "
         r"D×N, noted; x_{dn}, never declared, the entries of the declared X, noted; "
         r"\big[ ... ])", objective="f(W,Z)", sample=sample_mf_rmse_omega),
    Case("138_ridge_penalty_rd_no_delimiters.tex", "x_j",
         lambda x_j, lambda_: float(lambda_ * x_j ** 2),
         r"refused: the objective p(x_j) = \lambda x_j^2 (a line that is only a formula, "
         r"read as math although the stored text lost its delimiters) is one value per "
         r"entry j of the declared vector x: no single scalar (the page's penalty of one "
         r"parameter)", "sample q10: ridge penalty (R docs)",
         expect="defined entrywise over j"),
    Case("139_rbf_k_SE_rd_exp.tex", "r", lambda r, l: float(np.exp(-r ** 2 / (2 * l ** 2))),
         R, r"sample q11: RBF kernel (R docs; k_{SE}(r)=exp\Big(...\Big), a line that is "
         r"only a formula, read as math although the stored text lost its delimiters, "
         r"noted; exp without a backslash; the two capitals SE, which the definition never "
         r"uses, label the name)"),
    Case("140_rbf_sklearn_distance_d.tex", "x_i", ref_rbf_sklearn, R,
         r"sample q11: RBF kernel (scikit-learn docs; d(x_i, x_j) read as the Euclidean "
         r"distance \|x_i - x_j\|, as the sentence '\(d(\cdot,\cdot)\) is the Euclidean "
         r"distance' says, noted)", sample=sample_rbf_sklearn),
    Case("141_mahalanobis_pairwise_D_ij.tex", "M", None,
         r"refused: $M = A^T A$ (the edit's alternative), a model equation of M or a "
         r"definition with A new, named (two readings); behind it D_{ij}, one entry of a "
         r"matrix D, whose derivative dD/dM the post asks (no scalar objective)",
         "sample q12: pairwise Mahalanobis distance matrix",
         expect="M is declared as a variable and this equation defines it through A"),
    Case("142_mahalanobis_rustdoc_escaped.tex", r"\boldsymbol{x}", ref_mahalanobis_sqrt,
         r"refused: the formula has no transpose, (x - \mu){ \Sigma^{-1} (x - \mu)} "
         r"('cannot multiply a column vector of length n by a column vector of length n'; "
         r"the author's error, caught); the source view's doubled backslashes, \\( ... \\) "
         r"and \\[ ... \\], and its /// comment markers inside the display are read since "
         r"(noted)", "sample q12: Mahalanobis distance (Rust docs)",
         sample=sample_mahalanobis_sqrt,
         expect="cannot multiply a column vector of length n by a column vector of length n"),
    Case("143_cookbook_trace_second_order.tex", r"\mathbf{X}", None,
         r"checked: fifteen claims: six right, Tr(AXX) = A^T X^T B^T + B^T X^T A^T (a "
         r"transcription error: B is not in the function) wrong; eight unchecked: "
         r"\mathbf{B X X}^{T} and the like, a bold group of names with a superscript, have "
         r"two readings ((BXX)^T as TeX groups it, B X X^T as typeset; it was read as the "
         r"first, and five right identities judged wrong), Tr(X \otimes X) an unknown command",
         "Matrix Cookbook: second-order trace derivatives (identity list)",
         sample=square("A", "B", "C", "X"),
         claims=(
             Claimed(10, "right", lambda X: tr(X @ X), (lambda X: 2 * X.T,)),
             Claimed(11, "right", lambda X, B: tr(X @ X @ B), (lambda X, B: (X @ B + B @ X).T,)),
             Claimed(12, "right", lambda X, B: tr(X.T @ B @ X), (lambda X, B: B @ X + B.T @ X,)),
             *(Claimed(k, "unchecked", expect="has two readings") for k in range(13, 18)),
             Claimed(18, "wrong", lambda A, X: tr(A @ X @ X),
                     (lambda A, X, B: A.T @ X.T @ B.T + B.T @ X.T @ A.T,)),
             Claimed(19, "unchecked", expect="has two readings"),
             Claimed(20, "unchecked", expect="has two readings"),
             Claimed(21, "right", lambda X, B, C: tr(X.T @ B @ X @ C),
                     (lambda X, B, C: B @ X @ C + B.T @ X @ C.T,)),
             Claimed(22, "right", lambda A, X, B, C: tr(A @ X @ B @ X.T @ C),
                     (lambda A, X, B, C: A.T @ C.T @ X @ B.T + C @ A @ X @ B,)),
             Claimed(23, "right",
                     lambda A, X, B, C: tr((A @ X @ B + C) @ (A @ X @ B + C).T),
                     (lambda A, X, B, C: 2 * A.T @ (A @ X @ B + C) @ B.T,)),
             Claimed(24, "unchecked", expect="unknown command \\otimes"),
         )),
    Case("144_tensor_notes_trace_derivatives.tex", "X", None,
         r"checked: fourteen verdicts on four trace derivatives worked in index notation: "
         r"tr(XA) = A^T and tr(AXB) = A^T B^T right, the page's tr(X^T A) = ... = A^T found "
         r"wrong (the transpose of the gradient A); the chain-rule steps with derivatives "
         r"unchecked; the index steps, summed by Einstein's convention that the page uses "
         r"but never says (\delta_{jk} \delta_{il} A_{ji} = A_{kl}), ill-formed: an index "
         r"bound nowhere",
         "blog notes: trace derivatives in index notation (identity list)",
         sample=square("A", "B", "X"),
         claims=(
             Claimed(8, "right", lambda X, A: tr(X @ A), (lambda X, A: A.T,)),
             Claimed(14, "unchecked", expect="written with derivatives"),
             Claimed(15, "unchecked", expect="written with derivatives"),
             Claimed(16, "ill-formed", expect="is not bound"),
             Claimed(22, "unchecked", expect="written with derivatives"),
             Claimed(23, "unchecked", expect="written with derivatives"),
             Claimed(24, "ill-formed", expect="is not bound"),
             Claimed(25, "wrong", lambda X, A: tr(X.T @ A), (lambda X, A: A.T,)),
             Claimed(32, "ill-formed", expect="is not bound"),
             Claimed(34, "ill-formed", expect="is not bound"),
             Claimed(35, "right", lambda A, X, B: tr(A @ X @ B), (lambda A, X, B: A.T @ B.T,)),
             Claimed(41, "unchecked", expect="written with derivatives"),
             Claimed(42, "ill-formed", expect="is not bound"),
             Claimed(43, "ill-formed", expect="is not bound"),
         )),
    Case("145_techqa_trace_main_equations.tex", "X", None,
         r"checked: the question's \nabla_X tr(AXB) = BA wrong (the transpose of the "
         r"gradient); the answer's two main equations right; the differential d tr(AXB) of "
         r"an unnamed expression and the bracketed entry proofs [..]_{i,j} = ... unchecked",
         "sample: trace derivatives, question and answer (identity list)",
         sample=square("A", "B", "X"),
         claims=(
             Claimed(7, "wrong", lambda A, X, B: tr(A @ X @ B), (lambda A, X, B: B @ A,)),
             Claimed(9, "unchecked", expect="a differential of an expression"),
             Claimed(12, "right", lambda A, X: tr(A @ X), (lambda A, X: A.T,)),
             Claimed(13, "right", lambda A, X: tr(A @ X.T), (lambda A, X: A,)),
             Claimed(15, "unchecked", expect="no single derivative"),
             Claimed(17, "unchecked", expect="no single derivative"),
         )),
    Case("150_poisson_multivariate_loglik_theta.tex", r"\boldsymbol\theta",
         ref_poisson_multivariate,
         r"refused: \lambda_{\mathbf{t}}(\boldsymbol{\theta}) = \sum_k \theta_k "
         r"f_k(\mathbf{t}) over the points \mathbf{t} of a set T of vectors: t is a point, "
         r"not an index with a range, and f_k are functions on those points, given only in "
         r"words (outside arrays: a careful reader would tabulate F_{tk} = f_k(t) as data)",
         "sample 3 q1: multivariate Poisson log-likelihood",
         expect="index t is used as a number here, but its range is not known"),
    Case("151_poisson_glm_ell2_no_delimiters.tex", r"\beta", ref_poisson_glm_ell2, R,
         r"sample 3 q1: Poisson GLM log-likelihood (rendered text; c of '+ c, for some "
         r"constant c' read as a scalar constant, not a variable, noted; the page lost its "
         r"math delimiters: the declaration Let {\boldsymbol \beta }\in \mathbb {R}^1, a "
         r"run of TeX that opens with a brace group, is read, noted)", objective=r"\ell_2"),
    Case("152_gravitational_potential_P_xyz.tex", "x",
         lambda G, m, M, x, y, z: float(-G * m * M / np.sqrt(x * x + y * y + z * z)), R,
         r"sample 3 q4: gravitational potential energy (\text{.} inside the equation* is "
         r"its full stop)"),
    Case("153_n_body_potential_R_i.tex", "R_i", ref_n_body_potential, R,
         r"sample 3 q4: n-body gravitational potential (V_{ij}, the pair potential, and V, "
         r"the total defined from it, are two quantities: the terms a family of their own, "
         r"noted; the condition (i $\neq$ j) written after the double sum is its inner sum's, "
         r"noted; the answer's \vec{R_{i}} beside the declared R_i is R_i, noted; "
         r"|\vec{R_{i}}-\vec{R_{j}}| the norm, the reading where V is a scalar)",
         objective="V", sample=sample_n_body),
    Case("154_kalman_trace_J_K.tex", "K", ref_kalman_trace_J, R,
         r"sample 3 q6: Kalman gain, tr((I-KC)P(I-KC)^T) (P \in \mathbb{R}^{n \times n} "
         r"\text{ symmetric} read as a symmetric matrix, and I \in \mathbb{R}^{n \times n}$ "
         r"is the identity matrix as the identity, not an input, both noted)",
         objective="J", sample=sample_kalman_trace_J),
    Case("155_softmax_xent_colon_defs.tex", "u", ref_softmax_xent_u,
         r"refused: the chain \ell(y,s) = -y:\log(s) = \lambda y:1 - y:u = \lambda - y:u, "
         r"whose last member holds only for y:1 = 1 (one-hot y), which this copy of the "
         r"answer never states in words (two readings, named, with the sum that would "
         r"settle them: 'where $y$ is one-hot' would make it derive); "
         r"\operatorname{log-sum-exp}(u), an operator name with hyphens, is read since as "
         r"the logsumexp", "sample 3 q8: softmax cross-entropy, colon notation",
         objective=r"\ell(y,s)", expect=r"they agree only where \mathbf{1}^T y = 1"),
    Case("156_multinomial_logistic_J_theta.tex", r"\theta", ref_multinomial_J, R,
         r"sample 3 q8: multinomial logistic loss (the indicator 1(y^{(i)}=j) with "
         r"parentheses read as 1\{y^{(i)}=j\}, noted; \theta_j a family, so \theta is the "
         r"k×n array of its members; the author's attempt, a second J(\theta) = ..., "
         r"cannot be read and is noted)", objective=r"J(\theta)",
         sample=sample_multinomial_J),
    Case("157_convolution_least_squares_h_ast_x.tex", "x", None,
         r"refused: h \ast x, the convolution of h \in R^m and x \in R^n, read as a product "
         r"('cannot multiply a column vector of length m by a column vector of length n'): "
         r"the page never says which convolution (full, valid, same) nor y's length, so a "
         r"careful reader could not compute it either (two readings / shapes never given)",
         "sample 3 q11: least squares of a convolution",
         expect="cannot multiply a column vector of length m by a column vector of length n"),
    Case("158_two_layer_pastebin_raw_tex.tex", "w_1", ref_two_layer_pastebin, R,
         r"sample 3 q12: two-layer network (raw TeX paste: the list markers '- ' opening "
         r"each line, some items only words (- Feed \ forwarding \\), read as bullets, "
         r"noted -- they made - L=... a statement about -L; net_1 = xw_{1}+b, a run of "
         r"letters ending in a subscript on a left side, the name net_1, also in the lines "
         r"that use it; \sum(y-{y}')^{2} with no index over a row: the sum of its squared "
         r"entries, noted)", objective="L"),
    Case("159_gist_loss_correction_y_out.tex", r"y_{out}",
         lambda y_out, y: float(0.5 * np.sum((y_out - y) ** 2)),
         r"refused: \newcommand{argmax}[1]{...} without a backslash (the author's error: "
         r"LaTeX and MathJax refuse it too); behind it L defined twice, the second a "
         r"'Should be' correction of the first (the author's correction: two definitions)",
         "sample 3 q12: squared loss (gist with macros)", objective=r"\mathcal L",
         expect=r"\newcommand must name a command"),
    Case("160_mvn_logpdf_cholesky_L_readme.tex", r"\mathbf{L}", ref_mvn_logpdf_L, R,
         r"sample 3 q13: Gaussian log-density wrt a Cholesky factor (README; \mathbf{L} "
         r"\mathbf{L}^{ \top} = \bm{\Sigma}, a factorisation written right to left, read as "
         r"the definition of \Sigma, declared nowhere, defined nowhere else and used only where "
         r"LL^T would stand, noted; the left side \log{p(...)} is read (its braces) and named "
         r"log p in the claims too; each claim's first row, whose '& =' stands on the next "
         r"source line, is one row with it: the claims by x and \mu are judged right, the "
         r"two by L wrong -- the README's answer is no derivative by L, it lacks the factor L "
         r"and has \Sigma^T\Sigma^T for \Sigma^{-1}...\Sigma^{-1})",
         objective=r"\log{p(\mathbf{x} \mid \bm{\mu}, \mathbf{L})}"),
    Case("161_quantum_density_logdet_expm.tex", r"\boldsymbol{\theta}", None,
         r"refused: L(\boldsymbol \theta), a matrix function of the parameters never "
         r"defined in the post (undefined function); behind it e^{-\beta L} and "
         r"e^{\rho \log \sigma}, matrix exponentials and a matrix logarithm, which were read "
         r"entrywise without a word and are now refused as two readings",
         "sample 3 q13: log det of a matrix exponential (blog post source)",
         expect="unknown function L"),
    Case("170_onelayer_softmax_jacobian_chain.tex", "x", None,
         r"refused: the objective J(\hat{y}) = \sum_i y \log\hat{y}_i is not a scalar as "
         r"written (y without its subscript i and the sign of the cross entropy, the "
         r"author's; with the post's rows, \hat{y}_i is row i of the 1 x K \hat{y}), so the "
         r"post's chain rule of Jacobians by name, \frac{\partial J}{\partial x} = "
         r"\frac{\partial J}{\partial \theta} \cdot \frac{\partial \theta}{\partial h} "
         r"\cdot ..., is not reached (ref None: J has no scalar value to compute)",
         "backprop: a chain rule of Jacobians", objective="J",
         expect="not a scalar"),
    Case("180_logsumexp_rows_in_words.tex", "x",
         lambda A, x, b: float(np.log(np.sum(np.exp(A @ x + b)))),
         r"refused: bi in \exp(a_i^Tx + bi) (the question's b_i without its underscore: "
         r"b times the index i, or b_i -- two readings, named); the second answer's "
         r"sentence 'the notation $a^T_i$ denotes the $i^{th}$ row of the matrix $A$' is "
         r"read (with b_i written, the gradient derives and the question's claimed "
         r"\nabla f(x) = \dfrac{1}{1^Tz}A^Tz, z_i = \exp(a_i^Tx + b_i), is judged right)",
         "optimisation: log-sum-exp of affine functions (rows named in words)",
         objective="f", expect="b_i with its subscript lost"),
    Case("190_gp_lml_theta_K_y.tex", r"\boldsymbol{\theta}", None,
         r"refused: \mathcal{L}(\boldsymbol{\theta}) written as a function of \theta whose "
         r"value never uses \theta (K_y depends on the hyperparameters, the page does not "
         r"say how: undefined function); before, the update step \theta^{(t+1)} = "
         r"\theta^{(t)} + \eta \nabla_\theta \mathcal{L}(\theta^{(t)}) made L a function "
         r"and the objective was 'not defined' without a place, and the formula alone "
         r"derived 0 wrt \theta without a word (ref None: \partial L/\partial\theta needs "
         r"K_y(\theta))", "sample 4 q1: GP log marginal likelihood wrt hyperparameters",
         objective=r"\mathcal{L}(\boldsymbol{\theta})",
         expect="is written as a function of"),
    Case("191_lasso_first_variation_F_beta.tex", r"\beta",
         lambda beta, X, Y: float(np.sum((Y - X @ beta) ** 2) / (2 * Y.shape[0])), R,
         r"sample 4 q2: lasso squared-error term (proof step; \beta declared by the signature "
         r"F: \mathbb{R}^p \to \mathbb{R} of F(\beta), noted -- it was 'unknown name \beta'; "
         r"|Y - X\beta|^2 the norm of a vector; the expansions F(\hat{\beta} + th) = ... "
         r"relations that define nothing)", objective=r"F(\beta)"),
    Case("192_lasso_rss_theta_j_zero_based.tex", r"\theta", ref_lasso_rss_zero_based,
         "right", r"sample 4 q2: lasso cost in CS229 sums (theta_0 .. theta_n): the last "
         r"member of the aligned chain is read -- \sum_{j=0}^{n} over the n+1 entries of "
         r"\theta and x^{(i)} numbers them from 0 (noted), so \sum_{j=1}^{n} |\theta_j| "
         r"leaves the intercept \theta_0 out of the penalty; its first member, "
         r"RSS^{OLS}(\theta) + \lambda \|\theta\|_1, applies a function the answer never "
         r"defines: a restatement, noted; RSS^{lasso}(\theta) read as one name",
         objective=r"RSS^{lasso}(\theta)"),
    Case("193_nmf_obsidian_l_W_H_fro.tex", "W",
         lambda V, W, H: float(np.sum((V - W @ H) ** 2)), R,
         r"sample 4 q5: NMF Frobenius loss (Obsidian note, German; \| V - WH \|_\text{Fro}^2 "
         r"the Frobenius norm; $V = WH$ after the declaration of V, the factorisation sought, "
         r"read as an equation about the data V, noted -- read as V's definition it made the "
         r"loss identically 0, and with \text{Fro} read it derived 0 without a word)",
         objective="l(W, H)"),
    Case("194_arqmath_norm_Lx_squared.tex", "L",
         lambda L, x: float(np.sum((L @ x) ** 2)), R,
         r"sample 4 q6: A = \|Lx\|^2_2 = x^TL^TLx wrt L (the two members agree; the "
         r"question's claim 2Lx^tx kept for check)", objective="A"),
    Case("195_mvo_quantvault_wT_Sigma_w.tex", "w",
         lambda w, Sigma: float(w @ Sigma @ w), R,
         r"sample 4 q9: portfolio variance w^\top \Sigma w (the objective named as written "
         r"in prose math; w^{*} = \Sigma^{-1}(...) a solution statement, noted)",
         objective=r"w^\top \Sigma w"),
    Case("196_triplet_copilot_max_d.tex", "a", None,
         r"refused: d(a, p), 'distance between the anchor and positive' in words only, "
         r"Euclidean or squared (the page's gradients 2(a - p) imply squared): undefined "
         r"function (ref None)", "sample 4 q11: triplet loss (a posted Copilot answer)",
         objective="L", expect="d is not a function"),
    Case("197_contrastive_thirdai_D_ldots.tex", "U", ref_contrastive_U, R,
         r"sample 4 q12: contrastive loss (derivation note; $Y = 1$ for a 'positive' similar "
         r"pair and $Y = 0$ for a 'negative' pair, the label's values in cases the words "
         r"state, noted -- they were two definitions of Y, refused; D = \sqrt{(U_1 - V_1)^2 + "
         r"\ldots + (U_n - V_n)^2}, an elided sum of one pattern, read as \sum_{i=1}^{n} "
         r"(U_i - V_i)^2, noted)", objective="L(Y, U, V)", sample=sample_contrastive_U),
    Case("200_mf_readme_L_R_hat_UVt.tex", "U",
         lambda R, U, V: float(0.5 * np.sum((R - U @ V.T) ** 2)), R,
         r"sample 5 q1: matrix factorization (GitHub README, Markdown; ||R- \hat{R}||^2 of "
         r"the N x M matrix the Frobenius norm, as the README says in words -- 'where "
         r"|| \cdot ||^2 is the sum of the matrix's entries squared' -- noted: it was 'the "
         r"norm of a matrix is ambiguous'; L written again as \frac{1}{2}\sum_{(n, m)} "
         r"(r_{nm} - \hat{r}_{nm})^2, a sum over the pairs (n, m), not read, noted; the "
         r"claims \partial L / \partial U = EV, E = \hat{R} - R, kept for check)",
         objective="L"),
    Case("201_mf_chinese_readme_e_ij_squared.tex", "P", None,
         r"refused: e_{ij}^2, the squared error of one entry (i, j), an objective whose i and "
         r"j are free, and \sum_{k=1}^k (the author's k for K) before it; its derivatives are "
         r"by single entries p_{ik} (ref None: i, j are never fixed)",
         "sample 5 q1: matrix factorization (README in Chinese)", objective="e_{ij}^2",
         expect="unknown name e_{ij}"),
    Case("202_vae_wiki_elbo_lambda.tex", r"\lambda", None,
         r"refused: \text{ELBO}(x;\theta,\lambda) = \mathbb{E}_{q_\lambda(z)}[\log "
         r"p_\theta(x,z)/q_\lambda(z)], an expectation over a distribution q_\lambda that is "
         r"never given (undefined functions p_\theta, q_\lambda; ref None)",
         "sample 5 q3: VAE ELBO (MkDocs notes)",
         objective=r"\text{ELBO}(x; \theta, \lambda)", expect=r"\mathcal{Q}"),
    Case("203_vae_korean_blog_elbo_theta.tex", r"\boldsymbol{\theta}", None,
         r"refused: \mathcal{L}_{\theta, \phi}(x) = \mathbb{E}_{q_\phi(z|x)}[\log "
         r"p_\theta(x, z) - \log q_\phi(z|x)], an expectation of densities never given: "
         r"its subscript q_\phi(z|x) 'cannot be read as an index' (undefined functions; ref "
         r"None); the objective named with its argument was 'not defined (definitions: "
         r"L_{theta,phi})' without a place, and now names the definition",
         "sample 5 q3: VAE ELBO (Jekyll post in Korean)",
         objective=r"\mathcal{L}_{\boldsymbol{\theta}, \boldsymbol{\phi}}(\mathbf{x})",
         expect="cannot read this subscript as an index"),
    Case("204_ridge_summary_md_L_ridge_theta.tex", r"\theta", ref_ridge_summary,
         "right", r"sample 5 q5: ridge regression (Markdown summary, line breaks lost; the "
         r"chain's last member \sum_{i=1}^m (y^{(i)} - \hat{y}^{(i)})^2 + ... writes "
         r"y^{(i)} and \hat{y}^{(i)}, which the summary never introduces: not read, noted, "
         r"and the first member \|y - X\theta\|_2^2 + \lambda \|\theta\|_2^2 is the value; "
         r"the claim \nabla_\theta L = -2X^T (y - X\theta) + 2\lambda \theta = 0 is judged "
         r"right, its = 0 the first-order condition, not judged)",
         objective=r"\mathcal{L}_{\text{Ridge}}(\theta)"),
    Case("205_ridge_ipynb_json_theta_delta.tex", r"\boldsymbol{\theta}",
         lambda theta, X, y, delta: float(np.sum((y - X @ theta) ** 2)
                                          + delta ** 2 * np.sum(theta ** 2)), R,
         r"sample 5 q5: ridge regression (raw Jupyter notebook JSON: each markdown cell a list "
         r"of JSON strings with every backslash doubled, read as a doubled-escape copy whose "
         r"'\n' and '\", \"' joining the strings are blank space, noted -- the quote was an "
         r"'unexpected character'; the function inside \min_{\theta \in \mathbb{R}^d} the "
         r"objective, noted; \delta^2 a scalar from its use, noted)"),
    Case("206_wls_jekyll_glm_primer_beta.tex", r"\beta",
         lambda W, X, y, beta: float((y - X @ beta) @ W @ (y - X @ beta)), R,
         r"sample 5 q11: weighted least squares (al-folio post; the function inside "
         r"\underset{\beta}{\arg \min} \left\{ ... \right\} is the objective, noted; W 'an "
         r"n \times n diagonal matrix' in words; the claim \frac{\partial}{\partial \beta}"
         r"[...] = -2 X^T W (y - X\beta) = 0 a first-order condition)"),
    Case("207_glm_jekyll_escaped_delimiters_l_beta.tex", r"\boldsymbol{\beta}",
         ref_glm_gaussian_l,
         r"refused: X_{ik} = x_{k}^{(i)} with x^{(i)} never declared: entry k of a vector "
         r"x^{(i)} or member k of a family (two readings, named); behind it x_0 \equiv 1 "
         r"(entry 0 of x, or a new name x_0) and l's (y - X^\intercal \beta) with X the "
         r"N x (K+1) data matrix (the author's transpose). \\[ l = ... \\], "
         r"Markdown-escaped delimiters (kramdown renders '\\[' as '\['), are read since "
         r"(noted); before, l was 'not defined', without a place",
         "sample 5 q11: GLM Gaussian log-likelihood (Jekyll post)",
         objective="l", expect="x^{(i)}_{k} has two readings"),
    Case("208_logistic_korean_mkdocs_ell_sigma_i.tex", r"\boldsymbol{\theta}", None,
         r"refused: \ell = -\sum_i [y^{(i)}\log\sigma^{(i)} + ...] writes y^{(i)} and "
         r"\sigma^{(i)} that the section never declares nor ties to \theta (A[i,:] and "
         r"\sigma(A\theta_0) come only later, in words and in the IRLS steps; ref None: "
         r"\ell is no function of \theta as written)",
         "sample 5 q12: logistic regression (MkDocs book in Korean)", objective=r"\ell",
         expect="unknown name y^{(i)}"),
    Case("209_logistic_pystatsml_md_L_nll_w.tex", r"\mathbf{w}", ref_nll_pystatsml,
         r"refused: x_i, y_i given only as the set of pairs \{(x_i, y_i)\}_{i=1}^n, the "
         r"dimension of \mathbf{x}_i and \mathbf{w} never said: x_{i} entry i of a vector or "
         r"member i of a family (two readings, named); behind it \mathcal{L}_{\text{NLL}} "
         r"defined three times, the last with y_i \in \{-1, 1\} though the page says "
         r"y_i \in \{0, 1\} (the author's)", "sample 5 q12: logistic NLL (Markdown notes)",
         objective=r"\mathcal{L}_{\text{NLL}}(\mathbf{w})", expect="two readings"),
    Case("210_trace_inverse_kiwix_g_X.tex", "X", lambda X: float(np.trace(np.linalg.inv(X))),
         R, r"sample 6 q1: trace of the inverse (math.SE mirror; 'Let $X$ be a square "
         r"invertible $n \times n$ matrix', describing words before the size, declares X, "
         r"noted -- X was unknown; d/dX(X^{-1}) = -X^{-1}\otimes X^{-1}, the asker's attempt "
         r"with \otimes defined nowhere, is skipped and noted: a left side that opens with a "
         r"derivative defines nothing -- it was refused as defining X)",
         objective="g", mode="spd"),
    Case("211_trace_inverse_logdet_symmetric_f_X.tex", "X", ref_trace_inv_logdet, R,
         r"sample 6 q1: trace(A X^{-1}) - log|X| (X declared by the signature f: "
         r"\mathbb{R}^{n\times n} \to \mathbb{R}, noted; the Cookbook identities for a "
         r"symmetric X and the chain rule by X^{-1} are claims, noted)",
         objective="f", sample=sample_trace_inv_logdet),
    Case("212_precision_cholesky_techqa_f_L.tex", "L", ref_precision_cholesky, R,
         r"sample 6 q2: precision matrix by its Cholesky factor (f defined twice, f(\Theta) "
         r"and f(L), with LL^T=\Theta read right to left, noted; the asked \partial f(L) / "
         r"\partial L applies f only at the parameters of its definitions, so f stays a "
         r"named value -- it was made a function and the objective was 'not read as one "
         r"name'; the two definitions agree, noted)", objective="f(L)", mode="spd"),
    Case("213_laplace_logistic_map_l_w.tex", r"\mathbf{w}", ref_logistic_map, R,
         r"sample 6 q3: Laplace / MAP logistic regression (the stored text ends inside '$$ "
         r"\begin{aligned} a_{i i} &= ...', read to the end and skipped, noted -- it was an "
         r"unclosed math region; behind it a_{ii} = ... crashed the lowering with an internal "
         r"'repeated output label' (now a located refusal, the definition unused and noted); "
         r"p(y=\pm 1 \mid x, w) = ..., skipped, defines p, not y)", objective="l"),
    Case("214_cox_partial_loglik_stats_pl_beta.tex", r"\beta", None,
         r"refused: {}_{p}\ell(\beta), a name with a left subscript (a prescript on an empty "
         r"base), 'unexpected a subscript'; behind it X_i'\beta and the risk set "
         r"\mathscr{R}(t_i) = : \{X_j: t_j >= t_i\}, a set of the data by a comparison of "
         r"times (ref None: the K events among the n observations are never identified). "
         r"\sum\limits_{l\in \mathscr{R}(t_i)}^{}, whose empty ^{} was 'a bound beside \in', "
         r"is read since (noted)",
         "sample 6 q5: Cox partial log-likelihood (stats.SE)", objective=r"{}_{p}\ell",
         expect="unexpected a subscript"),
    Case("215_cox_lecture_log_pl_delta_beta.tex", r"\boldsymbol{\beta}", None,
         r"refused: \log PL(\boldsymbol{\beta})=p\ell(\boldsymbol{\beta}) & = \sum ..., "
         r"a chain whose first member is no name: p\ell, a middle member, is defined nowhere "
         r"(notation matcalc could learn; was 'not defined' without a place, now located at "
         r"the member); behind it the risk set R(t_i), never defined in the lecture's text "
         r"(ref None)",
         "sample 6 q5: Cox log-partial likelihood (lecture notes)", objective=r"p\ell",
         expect="stands inside the chain of equalities"),
    Case("216_matrix_completion_pr_review_X_odot_O.tex", "X", ref_completion_odot, R,
         r"sample 6 q7: masked matrix completion (pull request review, lecture notes TeX; "
         r"\min_{X\in B_*}: B_* a script star as LaTeX sets it, and X \in B_*, a named "
         r"constraint set, noted and not used -- it was 'expected '{' or a single symbol "
         r"after '_''; the function inside \min the objective, noted)"),
    Case("217_sba_rst_japanese_E_P.tex", r"\mathbf{b}", None,
         r"refused: E(\mathrm{P}) = \begin{align} \sum ... \end{align}, an align environment "
         r"inside the formula (the author's; 'the formula ends too early after ='); behind it "
         r"the projection model Q(a_i, b_j), never given (undefined function; ref None). The "
         r"page's :math:`..` roles and .. math:: directives are read since (noted): they were "
         r"a TeX run whose bmatrix spanning the indented lines was 'never closed'",
         "sample 6 q11: sparse bundle adjustment (reStructuredText docs, Japanese)",
         objective="E", expect="the formula ends too early"),
    Case("218_ba_knowledge_notes_e_ij_h.tex", r"\bold{p}", None,
         r"refused: [\bold{R}|\bold{t}]_k, a pose written as a bracketed block, read as a "
         r"stacked vector; behind it h([R|t]_i, p_j), the observation model, never written "
         r"as a formula (undefined function; ref None)",
         "sample 6 q11: bundle adjustment (Markdown notes)",
         expect="stacked vector"),
    Case("220_trace_xtx_minus_a_techqa_f_X.tex", "X",
         lambda X, A: float(np.trace((X.T @ X - A).T @ (X.T @ X - A))), R,
         r"sample 7 q1: tr((X^TX - A)^T (X^TX - A)) (math.SE mirror; f(X) := ..., written "
         r"with the defining sign, is f's definition, and the answer's f &= \|M\|^2_F = M:M, "
         r"with M never introduced (the answer's name for X^TX - A), a restatement noted -- "
         r"it was 'f is defined twice, and this definition cannot be compared'; the "
         r"answer's 4XX^TX - 2XA - 2XA^T kept for check)", objective="f"),
    Case("221_kron_gauss_newton_techqa_F.tex", "X", None,
         r"refused: \otimes, a Kronecker product, 'unknown command' (two readings named: a "
         r"font or an operator); behind it the sizes of I, A, B, C, never given (ref None: "
         r"(I \otimes X^T)AX fixes none of them)",
         "sample 7 q1: ||(I kron X^T)AX + BX + C||^2 (math.SE mirror, Gauss-Newton)",
         objective=r"F:F", expect=r"unknown command \otimes"),
    Case("222_quadratic_inverse_sum_techqa_f_x.tex", "x", None,
         r"refused: G = A + x_1 B_1 + \ldots + x_p B_p, an elided sum 'only understood in a "
         r"range'; behind it q(x), a function R^n -> R^n never given, only 'its Jacobian is "
         r"known' (undefined function; ref None)",
         "sample 7 q2: q(x)^T G(x)^{-1} q(x) (math.SE mirror)", objective="f",
         expect="elided run"),
    Case("223_xT_Ainv_x_techqa_A.tex", "A",
         lambda A, x: float(x @ np.linalg.solve(A, x)), R,
         r"sample 7 q2: x^T A^{-1} x wrt A (math.SE mirror; the asked { \partial x^TA^{-1}x "
         r"\over \partial A } read as the objective, noted; the Cookbook's (1) kept for check)",
         objective="x^TA^{-1}x", sample=sample_xT_Ainv_x),
    Case("224_det_xtx_kiwix_X.tex", r"\mathbf{X}",
         lambda X: float(np.linalg.det(X.T @ X)), R,
         r"sample 7 q3: det(X^T X) wrt X (math.SE mirror; \frac{d}{d\mathbf{X}} "
         r"|\mathbf{X}^{T} \mathbf{X}| an operator applied to the objective, noted; Minka's "
         r"2|X^TX|(X^TX)^{-1}X^T kept for check -- the transposed layout)",
         objective=r"|\mathbf{X}^{T} \mathbf{X}|", sample=sample_tall),
    Case("225_logdet_omega_vec_arqmath_x.tex", r"\mathbf{x }", None,
         r"refused: the objective \log|\Omega(\mathbf{X })| is written only inside \frac"
         r"{\partial ...}{\partial \mathbf{x }} = ??, and \mathbf{x }=vec(X) (vec in italics, "
         r"defined in words as the vectorization); \Omega(\mathbf{X})_{T\times T} a size as a "
         r"subscript of a function's value (ref None: x = vec(X) of a T x r matrix); the "
         r"refusal had no place, and now points at the objective's text in the derivative",
         "sample 7 q3: log|I_T + XX'| wrt vec(X) (ARQMath, math.SE 2017)",
         objective=r"\log \left\vert \Omega \left( \mathbf{X }\right) \right\vert",
         expect="is written here"),
    Case("226_softmax_xent_last_layer_blog_E_w.tex", r"\mathbf{w}^{(L)}",
         ref_softmax_xent_last_layer, R,
         r"sample 7 q4: softmax cross-entropy by the last layer's weights (blog notes; "
         r"\mathbf{w}^{(L)} \in \mathbb{R}^{i\times j} read with i and j as sizes, t and "
         r"h^{(L)} vectors inferred from their use, noted; t is not assumed one-hot: the "
         r"gradient keeps (t^T 1) y - t)", objective="E"),
    Case("227_softmax_yi_wrt_W_mse_y_i.tex", "W", None,
         r"refused: y_i, entry i of the vector y = softmax(z) with i never fixed, asked as "
         r"\frac{\partial{y_i}}{\partial{W}} (a Jacobian, one matrix per i; ref None); "
         r"'objective y_i is not defined', without a place; now located at y's definition, "
         r"named as an entry with i fixed by nothing",
         "sample 7 q4: an entry of softmax(hW + b) wrt W (math.SE)", objective="y_i",
         expect="is entry i of y"),
    Case("228_bptt_rnn_hugo_escaped_L.tex", r"W\_{h z}", None,
         r"refused: y_{t} in \mathcal{L} = -\sum_{t} y_{t} \log z_{t}, never declared: entry t "
         r"of a vector y or member t of a family (two readings, named; z_t = softmax(alpha_t) "
         r"is a vector per t); behind it h_t defined by h_{t-1}, a recurrence with h_0 never "
         r"given (ref None). Read since, noted: every subscript escaped for Markdown, "
         r"\mathbf{h}\_{t} (Hugo renders '\_' as '_'; it was 'unknown command \_'), and the "
         r"model's three equations stacked in a \begin{array}{l}, the rows of the display "
         r"(it was a matrix, 'unexpected ='); before, L's y and z were inputs and 'wrt is "
         r"not a variable'",
         "sample 7 q5: RNN cross-entropy through time (Hugo notes)",
         objective=r"\mathcal{L}(\mathbf{x}, \mathbf{y})", expect="two readings"),
    Case("229_gmm_loglik_techqa_L_mu_m.tex", r"\mu_m", None,
         r"refused: \Sigma_m, \mu_m, x_n never declared: entry m of a vector or member m of a "
         r"family (two readings, named); behind it \mathcal{N}(x_n|\mu_m, \Sigma_m), a "
         r"density named, not written (ref None)",
         "sample 7 q6: Gaussian mixture log-likelihood wrt a mean (math.SE mirror)",
         objective="L", expect="two readings"),
]
