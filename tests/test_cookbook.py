"""Matrix-Cookbook identities, asserted numerically, plus a reviewed golden file of forms.

Each row of CASES is (id, Matrix Cookbook equation, doc, wrt, f, mode):
  - `doc` is the identity written the way people write it (LaTeX, `$...$` where there is prose),
  - `f` is an independent hand-written NumPy objective (keyword args = python names),
  - `mode` picks the random inputs: None (normal entries), "positive", "spd" (helpers), or
    "dominant" (drawn here: every square matrix is c*I + a non-symmetric normal matrix, so
    det > 0 and it is well conditioned, *without* being symmetric -- spd inputs would hide
    a missing transpose in X^{-T}, A + A^T and the like).
Equation numbers are those of the Matrix Cookbook, version of November 15, 2012.

`test_identity` compares matcalc's generated gradient with central differences of `f`.
`test_golden` compares `g.text()` with tests/golden/cookbook.txt -- the only string equality
in the suite, against a file reviewed by eye. After an intended change of the printed forms,
regenerate it and review the diff:

    MATCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_cookbook.py -q
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import matcalc
from matcalc import numeric
from matcalc.names import python_name

from helpers import check_gradient

GOLDEN = Path(__file__).parent / "golden" / "cookbook.txt"
UPDATE = bool(os.environ.get("MATCALC_UPDATE_GOLDEN"))

inv = np.linalg.inv
det = np.linalg.det
tr = np.trace


def sig(t):
    return 1.0 / (1.0 + np.exp(-t))


def softplus(t):
    return np.logaddexp(0.0, t)


def dsig(t):
    s = sig(t)
    return s * (1.0 - s)


def logdet(m):
    sign, val = np.linalg.slogdet(m)
    assert sign > 0
    return val


SQ = r"X \in \mathbb{R}^{n\times n}"


def row(id, mc, doc, wrt, f, mode=None, dims=None, xfail=None):
    """One table row; `xfail` (a one-line reason) marks a known engine bug, strictly."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(id, mc, doc, wrt, f, mode, dims, id=id, marks=marks)


CASES = [
    # ------------------------------------------------------------------ traces
    row("tr_X", "MC (99)", SQ + r"\\ f = \operatorname{Tr}(X)", "X",
        lambda X: tr(X)),
    row("tr_XA", "MC (100)",
        r"$X \in \mathbb{R}^{n\times m}, A \in \mathbb{R}^{m\times n}$ $f = \operatorname{Tr}(XA)$",
        "X", lambda X, A: tr(X @ A)),
    row("tr_AX", "MC (100)",
        r"$A \in \mathbb{R}^{n\times m}, X \in \mathbb{R}^{m\times n}$ $f = \mathrm{tr}(AX)$",
        "X", lambda A, X: tr(A @ X)),
    row("tr_AXB", "MC (101)",
        r"$A \in \mathbb{R}^{p\times n}, X \in \mathbb{R}^{n\times m}, B \in \mathbb{R}^{m\times p}$"
        r" $f = \operatorname{Tr}(A X B)$", "X", lambda A, X, B: tr(A @ X @ B)),
    row("tr_AXtB", "MC (102)",
        r"$A \in \mathbb{R}^{p\times m}, X \in \mathbb{R}^{n\times m}, B \in \mathbb{R}^{n\times p}$"
        r" $f = \operatorname{Tr}(A X^T B)$", "X", lambda A, X, B: tr(A @ X.T @ B)),
    row("tr_XtA", "MC (103)",
        r"$X, A \in \mathbb{R}^{n\times m}$ $f = \mathrm{tr}(X^\top A)$", "X",
        lambda X, A: tr(X.T @ A)),
    row("tr_AXt_rm", "MC (104)",
        r"$X, A \in \mathbb{R}^{n\times m}$ $f = {\rm Tr}(A X^{\mathsf T})$", "X",
        lambda X, A: tr(A @ X.T)),
    row("tr_X2", "MC (106)", SQ + r"\\ f = \operatorname{Tr}(X^2)", "X",
        lambda X: tr(X @ X)),
    row("tr_XtBX", "MC (108)",
        r"$X \in \mathbb{R}^{n\times m}, B \in \mathbb{R}^{n\times n}$ $f = \operatorname{Tr}(X^T B X)$",
        "X", lambda X, B: tr(X.T @ B @ X)),
    row("tr_XBXt", "MC (111)",
        r"$X \in \mathbb{R}^{n\times m}, B \in \mathbb{R}^{m\times m}$ $f = \operatorname{Tr}(X B X^T)$",
        "X", lambda X, B: tr(X @ B @ X.T)),
    row("tr_AXBX", "MC (114)",
        r"$X \in \mathbb{R}^{n\times m}, A \in \mathbb{R}^{m\times n}, B \in \mathbb{R}^{m\times n}$"
        r" $f = \operatorname{Tr}(A X B X)$", "X", lambda X, A, B: tr(A @ X @ B @ X)),
    row("tr_XtX", "MC (115)",
        r"$X \in \mathbb{R}^{n\times m}$ $f = \operatorname{Tr}(X^T X)$", "X",
        lambda X: tr(X.T @ X)),
    row("tr_AXBC_sq", "MC (119)",
        r"$A \in \mathbb{R}^{p\times n}, X \in \mathbb{R}^{n\times m}, B \in \mathbb{R}^{m\times q},"
        r" C \in \mathbb{R}^{p\times q}$"
        r" $f = \operatorname{Tr}\left((A X B + C)(A X B + C)^T\right)$", "X",
        lambda A, X, B, C: tr((A @ X @ B + C) @ (A @ X @ B + C).T)),
    row("tr_X3", "MC (121)", SQ + r"\\ f = \operatorname{Tr}(X^3)", "X",
        lambda X: tr(X @ X @ X)),
    # ------------------------------------------------- linear and quadratic forms
    row("lin_atx", "MC (69)", r"$a, x \in \mathbb{R}^n$ $f = a^T x$", "x",
        lambda a, x: a @ x),
    row("bil_aXb", "MC (70)",
        r"$a \in \mathbb{R}^n, b \in \mathbb{R}^m, X \in \mathbb{R}^{n\times m}$ $f = a^T X b$", "X",
        lambda a, X, b: a @ X @ b),
    row("bil_aXtb", "MC (71)",
        r"$a \in \mathbb{R}^n, b \in \mathbb{R}^m, X \in \mathbb{R}^{m\times n}$ $f = a^T X^T b$", "X",
        lambda a, X, b: a @ X.T @ b),
    row("quad_xAx", "MC (81)",
        r"$A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n$ $f = x^T A x$", "x",
        lambda A, x: x @ A @ x),
    row("quad_xAx_wrtA", "MC (72)",
        r"$A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n$ $f = x^T A x$", "A",
        lambda A, x: x @ A @ x),
    row("bil_xAy_wrtA", "MC (70)",
        r"$A \in \mathbb{R}^{n\times m}, x \in \mathbb{R}^n, y \in \mathbb{R}^m$ $f = x^T A y$", "A",
        lambda A, x, y: x @ A @ y),
    row("affine_quad", "MC (78)",
        r"$x \in \mathbb{R}^n, A \in \mathbb{R}^{p\times n}, b \in \mathbb{R}^p,"
        r" C \in \mathbb{R}^{p\times q}, D \in \mathbb{R}^{q\times n}, e \in \mathbb{R}^q$"
        r" $f = (A x + b)^T C (D x + e)$", "x",
        lambda x, A, b, C, D, e: (A @ x + b) @ C @ (D @ x + e)),
    row("bXtXc", "MC (77)",
        r"$X \in \mathbb{R}^{n\times m}, b, c \in \mathbb{R}^m$ $f = b^T X^T X c$", "X",
        lambda X, b, c: b @ X.T @ X @ c),
    row("Xbc_D_Xbc", "MC (83)",
        r"$X \in \mathbb{R}^{n\times m}, b \in \mathbb{R}^m, c \in \mathbb{R}^n, D \in \mathbb{R}^{n\times n}$"
        r" $f = (X b + c)^T D (X b + c)$", "X",
        lambda X, b, c, D: (X @ b + c) @ D @ (X @ b + c)),
    row("wls_s", "MC (84)",
        r"$x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times m}, s \in \mathbb{R}^m, W \in \mathbb{R}^{n\times n}$"
        r" $f = (x - A s)^T W (x - A s)$", "s",
        lambda x, A, s, W: (x - A @ s) @ W @ (x - A @ s)),
    # ------------------------------------------------------------------- norms
    row("norm2_sq", "MC (131)", r"$x \in \mathbb{R}^n$ $f = \|x\|_2^2$", "x",
        lambda x: x @ x),
    row("norm2_xa", "MC (129)", r"$x, a \in \mathbb{R}^n$ $f = \|x - a\|$", "x",
        lambda x, a: np.linalg.norm(x - a)),
    row("norm2_sub", "MC (129)", r"$x \in \mathbb{R}^n$ $f = \|x\|_2$", "x",
        lambda x: np.linalg.norm(x)),
    row("norm_bars", "MC (129)", r"$x \in \mathbb{R}^n$ $f = ||x||$", "x",
        lambda x: np.linalg.norm(x)),
    row("lsq_x", None,
        r"$A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m$ $f = \|A x - b\|^2$",
        "x", lambda A, x, b: np.sum((A @ x - b) ** 2)),
    row("lsq_A", None,
        r"$A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m$ $f = \|A x - b\|_2^2$",
        "A", lambda A, x, b: np.sum((A @ x - b) ** 2)),
    row("fro_sq", "MC (132)", r"$X \in \mathbb{R}^{n\times m}$ $f = \|X\|_F^2$", "X",
        lambda X: np.sum(X * X)),
    row("fro", None, r"$X \in \mathbb{R}^{n\times m}$ $f = \|X\|_F$", "X",
        lambda X: np.sqrt(np.sum(X * X))),
    # ---------------------------------------------------------------- inverses
    row("inv_aXb", "MC (61)",
        r"$a, b \in \mathbb{R}^n, X \in \mathbb{R}^{n\times n}$ $f = a^T X^{-1} b$", "X",
        lambda a, X, b: a @ inv(X) @ b, "dominant"),
    row("inv_trAXinv", None,
        r"$A, X \in \mathbb{R}^{n\times n}$ $f = \operatorname{Tr}(A X^{-1})$", "X",
        lambda A, X: tr(A @ inv(X)), "dominant"),
    row("inv_trAXinvB", "MC (63)",
        r"$A \in \mathbb{R}^{m\times n}, X \in \mathbb{R}^{n\times n}, B \in \mathbb{R}^{n\times m}$"
        r" $f = \operatorname{Tr}(A X^{-1} B)$", "X",
        lambda A, X, B: tr(A @ inv(X) @ B), "dominant"),
    row("inv_tr", None, SQ + r"\\ f = \operatorname{Tr}(X^{-1})", "X",
        lambda X: tr(inv(X)), "dominant"),
    # ------------------------------------------------------------ determinants
    row("det", "MC (49)", SQ + r"\\ f = \det X", "X", lambda X: det(X), "dominant"),
    row("det_AXB", "MC (51)",
        r"$A, X, B \in \mathbb{R}^{n\times n}$ $f = \det(A X B)$", "X",
        lambda A, X, B: det(A @ X @ B), "dominant"),
    row("det_inv", "MC (62)", SQ + r"\\ f = \det(X^{-1})", "X",
        lambda X: 1.0 / det(X), "dominant"),
    row("logdet", "MC (57)", SQ + r"\\ f = \log\det X", "X", lambda X: logdet(X), "dominant"),
    row("logdet_paren", "MC (57)", SQ + r"\\ f = \log\det(X)", "X",
        lambda X: logdet(X), "dominant"),
    row("logdet_spd", "MC (57)", r"$\Sigma \in \mathbb{R}^{n\times n}$ $f = \log\det\Sigma$",
        r"\Sigma", lambda Sigma: logdet(Sigma), "spd"),
    row("logdet_XtX", "MC (55)",
        r"$X \in \mathbb{R}^{n\times m}$ $f = \log\det(X^T X)$", "X",
        lambda X: logdet(X.T @ X), None, {"n": 5, "m": 3}),
    # ---------------------------------------------------- Hadamard, Diag, colon
    row("had_odot", None, r"$a, x \in \mathbb{R}^n$ $f = x^T (a \odot x)$", "x",
        lambda a, x: x @ (a * x)),
    row("had_circ", None, r"$a, x \in \mathbb{R}^n$ $f = x^T (a \circ x)$", "x",
        lambda a, x: x @ (a * x)),
    row("had_trAXX", None,
        r"$A \in \mathbb{R}^{m\times n}, X \in \mathbb{R}^{n\times m}$"
        r" $f = \operatorname{Tr}(A (X \odot X))$", "X",
        lambda A, X: tr(A @ (X * X))),
    row("had_colon", None, r"$x, y, z \in \mathbb{R}^n$ $f = (x \odot y) : z$", "x",
        lambda x, y, z: np.sum(x * y * z)),
    row("oslash", None, r"$a, x, y \in \mathbb{R}^n$ $f = a^T (x \oslash y)$", "y",
        lambda a, x, y: a @ (x / y), "positive"),
    row("diag_op", None,
        r"$a, b, x \in \mathbb{R}^n$ $f = a^T \operatorname{Diag}(x) b$", "x",
        lambda a, b, x: a @ np.diag(x) @ b),
    row("diag_rm", None, r"$a, b, x \in \mathbb{R}^n$ $f = a^T {\rm Diag}(x) b$", "x",
        lambda a, b, x: a @ np.diag(x) @ b),
    row("diag_lower_vec", None,
        r"$a, b, x \in \mathbb{R}^n$ $f = a^T \operatorname{diag}(x) b$", "x",
        lambda a, b, x: a @ np.diag(x) @ b),
    row("diag_of_matrix", None,
        r"$X \in \mathbb{R}^{n\times n}, a \in \mathbb{R}^n$ $f = a^T \operatorname{diag}(X)$",
        "X", lambda X, a: a @ np.diag(X)),
    row("diag_quad", None,
        r"$x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n}$ $f = x^T \operatorname{Diag}(x) A x$",
        "x", lambda x, A: x @ np.diag(x) @ A @ x),
    row("colon_AX", None, r"$A, X \in \mathbb{R}^{n\times m}$ $f = A : X$", "X",
        lambda A, X: np.sum(A * X)),
    row("colon_AXB", None,
        r"$A \in \mathbb{R}^{n\times p}, X \in \mathbb{R}^{n\times m}, B \in \mathbb{R}^{m\times p}$"
        r" $f = A : X B$", "X", lambda A, X, B: np.sum(A * (X @ B))),
    # --------------------------------------------------- elementwise functions
    row("ones_exp", None, r"$x \in \mathbb{R}^n$ $f = \mathbf{1}^T \exp(x)$", "x",
        lambda x: np.sum(np.exp(x))),
    row("ones_log", None, r"$x \in \mathbb{R}^n$ $f = \mathbf{1}^T \log(x)$", "x",
        lambda x: np.sum(np.log(x)), "positive"),
    row("ones_sigma_Ax", None,
        r"$A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n$ $f = \mathbf{1}^T \sigma(A x)$", "A",
        lambda A, x: np.sum(sig(A @ x))),
    row("ones_tanh", None,
        r"$W \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n$ $f = \mathbf{1}_m^T \tanh(W x)$", "W",
        lambda W, x: np.sum(np.tanh(W @ x))),
    row("ones_sqrt", None, r"$x \in \mathbb{R}^n$ $f = \mathbf{1}^T \sqrt{x}$", "x",
        lambda x: np.sum(np.sqrt(x)), "positive"),
    row("ones_softplus", None,
        r"$A \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n$"
        r" $f = \mathbf{1}^T \operatorname{softplus}(A x)$", "x",
        lambda A, x: np.sum(softplus(A @ x))),
    row("ones_dsigma", None, r"$x \in \mathbb{R}^n$ $f = \mathbf{1}^T \sigma'(x)$", "x",
        lambda x: np.sum(dsig(x))),
    row("rayleigh_frac", None,
        r"$A \in \mathbb{R}^{n\times n}, x \in \mathbb{R}^n$ $f = \frac{x^T A x}{x^T x}$", "x",
        lambda A, x: (x @ A @ x) / (x @ x)),
    row("scalar_power", None, r"$a, x \in \mathbb{R}^n$ $f = (a^T x)^3$", "x",
        lambda a, x: (a @ x) ** 3),
    row("gauss_exp", None, r"$x, \mu \in \mathbb{R}^n$ $f = e^{-\frac{1}{2}\|x - \mu\|^2}$",
        r"\mu", lambda x, mu: np.exp(-0.5 * np.sum((x - mu) ** 2))),
    row("half_sq", None, r"$x \in \mathbb{R}^n$ $f = \frac{1}{2} x^T x$", "x",
        lambda x: 0.5 * x @ x),
    # --------------------------------------------------------- composite losses
    row("ridge_w", None,
        r"$X \in \mathbb{R}^{n\times d}, \mathbf{w} \in \mathbb{R}^d, y \in \mathbb{R}^n,"
        r" \lambda \in \mathbb{R}$ $L = \|X\mathbf{w} - y\|^2 + \lambda \|\mathbf{w}\|^2$", "w",
        lambda X, w, y, lambda_: np.sum((X @ w - y) ** 2) + lambda_ * w @ w),
    row("ridge_lambda", None,
        r"$X \in \mathbb{R}^{n\times d}, \mathbf{w} \in \mathbb{R}^d, y \in \mathbb{R}^n,"
        r" \lambda \in \mathbb{R}$ $L = \|X\mathbf{w} - y\|^2 + \lambda \|\mathbf{w}\|^2$",
        r"\lambda", lambda X, w, y, lambda_: np.sum((X @ w - y) ** 2) + lambda_ * w @ w),
    row("logistic", None,
        r"Logistic regression with labels in {-1, 1}."
        r" $X \in \mathbb{R}^{n\times d}, w \in \mathbb{R}^d, y \in \mathbb{R}^n$"
        r" $$L = \mathbf{1}^T \log(\mathbf{1} + \exp(-y \odot X w))$$", "w",
        lambda X, w, y: np.sum(np.log1p(np.exp(-y * (X @ w))))),
    row("logistic_pm1_labels", None,
        r"$X \in \mathbb{R}^{n\times d}, w \in \mathbb{R}^d, y \in \{-1,1\}^n$"
        r" $L = \mathbf{1}^T \log(\mathbf{1} + \exp(-y \odot X w))$", "w",
        lambda X, w, y: np.sum(np.log1p(np.exp(-y * (X @ w))))),
    row("logistic_softplus", None,
        r"$X \in \mathbb{R}^{n\times d}, w \in \mathbb{R}^d, y \in \mathbb{R}^n$"
        r" $L = \mathbf{1}^T \operatorname{softplus}(-y \odot X w)$", "w",
        lambda X, w, y: np.sum(softplus(-y * (X @ w)))),
]

MLP_DECL = (r"$x \in \mathbb{R}^d, W^{(1)} \in \mathbb{R}^{h\times d}, b^{(1)} \in \mathbb{R}^h,"
            r" W^{(2)} \in \mathbb{R}^{k\times h}, y \in \mathbb{R}^k$ ")
MLP = MLP_DECL + r"$L = \frac{1}{2}\|W^{(2)} \tanh(W^{(1)} x + b^{(1)}) - y\|^2$"


def mlp_f(x, W1, b1, W2, y):
    return 0.5 * np.sum((W2 @ np.tanh(W1 @ x + b1) - y) ** 2)


MLP_CHAIN = (r"A two-layer network. "
             r"$x \in \mathbb{R}^d, W^{(1)} \in \mathbb{R}^{h\times d}, b \in \mathbb{R}^h,"
             r" W^{(2)} \in \mathbb{R}^{k\times h}, y \in \mathbb{R}^k$" "\n"
             r"$$z = W^{(1)} x + b$$" "\n"
             r"$$a = \tanh(z)$$" "\n"
             r"$$L = \frac{1}{2}\|W^{(2)} a - y\|^2$$")


def mlp_chain_f(x, W1, b, W2, y):
    return 0.5 * np.sum((W2 @ np.tanh(W1 @ x + b) - y) ** 2)


MLP_SUB = (r"$x \in \mathbb{R}^d, W_1 \in \mathbb{R}^{h\times d}, W_2 \in \mathbb{R}^{k\times h},"
           r" y \in \mathbb{R}^k$ $L = \frac{1}{2}\|W_2 \tanh(W_1 x) - y\|^2$")


def mlp_sub_f(x, W_1, W_2, y):
    return 0.5 * np.sum((W_2 @ np.tanh(W_1 @ x) - y) ** 2)


CASES += [
    row("mlp_W1", None, MLP, "W^{(1)}", mlp_f),
    row("mlp_b1", None, MLP, "b^{(1)}", mlp_f),
    row("mlp_W2", None, MLP, "W^{(2)}", mlp_f),
    row("mlp_chain_W1", None, MLP_CHAIN, "W^{(1)}", mlp_chain_f),
    row("mlp_chain_b", None, MLP_CHAIN, "b", mlp_chain_f),
    row("mlp_chain_W2", None, MLP_CHAIN, "W^{(2)}", mlp_chain_f),
    row("mlp_sub_W1", None, MLP_SUB, "W_1", mlp_sub_f),
    row("mlp_sub_W2", None, MLP_SUB, "W_2", mlp_sub_f),
]


# ---------------------------------------------------------------- inputs

def _dominant_inputs(doc, wrt, rng, dims=None):
    """Keyword arguments where every square matrix is c*I + E (E normal, not symmetric, with
    ||E|| < c almost surely): invertible, det > 0, well conditioned, and not symmetric."""
    g = matcalc.gradient(doc, wrt)
    dvals = numeric.dimension_values(g.problem, rng)
    if dims:
        dvals = {s: dims.get(s.name, v) for s, v in dvals.items()}
    kw = {}
    for name, var in g.problem.inputs.items():
        shp = numeric._shape(var.shape, dvals)
        a = rng.standard_normal(shp) if shp else float(rng.standard_normal())
        if len(shp) == 2 and shp[0] == shp[1]:
            a = a + (3.0 * np.sqrt(shp[0]) + 1.0) * np.eye(shp[0])
        kw[python_name(name)] = a
    for s, v in dvals.items():
        kw.setdefault(python_name(s.name), v)
    return kw


@pytest.mark.parametrize("id, mc, doc, wrt, f, mode, dims", CASES)
def test_identity(id, mc, doc, wrt, f, mode, dims):
    if mode == "dominant":
        rng = np.random.default_rng(0)
        for _ in range(2):
            check_gradient(doc, wrt, f=f, kwargs=_dominant_inputs(doc, wrt, rng, dims),
                           trials=1)
    else:
        check_gradient(doc, wrt, f=f, mode=mode, dims=dims)


# ---------------------------------------------------------------- round trip

# rows whose printed gradient check() cannot confirm, each with the reason (strict xfails)
ROUND_TRIP_XFAIL = {
    # none today: logdet_XtX was one while check() compared at n < m, where X^T X is
    # singular and log det(X^T X) still finite in floating point (numeric._steady)
}


def _round_trip_rows():
    for p in CASES:
        id, mc, doc, wrt, *_ = p.values
        marks = list(p.marks)
        if id in ROUND_TRIP_XFAIL:
            marks.append(pytest.mark.xfail(strict=True, reason=ROUND_TRIP_XFAIL[id]))
        yield pytest.param(doc, wrt, id=id, marks=marks)


@pytest.mark.parametrize("doc, wrt", list(_round_trip_rows()))
def test_round_trip(doc, wrt):
    """What matcalc prints it reads back with the same meaning: the gradient's LaTeX,
    given to check() as a claim, is right."""
    g = matcalc.gradient(doc, wrt)
    res = matcalc.check(doc, wrt, claim=g.latex())
    assert res.ok, (g.latex(), res.message)


# ---------------------------------------------------------------- golden forms

def _form(doc, wrt) -> str:
    try:
        return matcalc.gradient(doc, wrt).text()
    except Exception as err:  # recorded, so an engine failure is visible in the review
        msg = str(err).splitlines()[0] if str(err) else ""
        return f"<{type(err).__name__}: {msg}>"


def _case_rows():
    for p in CASES:
        id, mc, doc, wrt, *_ = p.values
        yield id, mc, doc, wrt


def read_golden() -> dict:
    out, key = {}, None
    for line in GOLDEN.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            key = line[3:].split("  ")[0].strip()
        elif line.startswith("   ") and key is not None and key not in out:
            out[key] = line[3:]
    return out


def write_golden() -> None:
    lines = ["# Closed forms matcalc prints (g.text()) for tests/test_cookbook.py.",
             "# Reviewed by eye; regenerate with",
             "#   MATCALC_UPDATE_GOLDEN=1 python -m pytest tests/test_cookbook.py -q",
             "# and review the diff. Format: '## id  [MC eq]  d/d wrt', then the form.", ""]
    for id, mc, doc, wrt in _case_rows():
        lines.append(f"## {id}  [{mc or '-'}]  d/d {wrt}")
        lines.append("   " + _form(doc, wrt))
    GOLDEN.parent.mkdir(exist_ok=True)
    GOLDEN.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.fixture(scope="module")
def golden():
    if UPDATE:
        write_golden()
    return read_golden()


@pytest.mark.parametrize("id, doc, wrt",
                         [pytest.param(i, d, w, id=i) for i, _, d, w in _case_rows()])
def test_golden(golden, id, doc, wrt):
    assert id in golden, f"{id} has no golden entry; run with MATCALC_UPDATE_GOLDEN=1"
    assert _form(doc, wrt) == golden[id]


def test_table_size():
    assert len(CASES) >= 40
    assert len({p.values[0] for p in CASES}) == len(CASES), "duplicate ids"


if __name__ == "__main__":
    write_golden()
