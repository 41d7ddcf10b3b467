"""The five founding problems (../shared/seeds), read from tests/seeds/*.tex, whose
formulas are copied from the seed text as written. Every gradient is checked against
central finite differences at random float64 inputs (in a regime where it is not ~0);
hand-derived or published formulas are checked with matcalc.check."""
from pathlib import Path

import numpy as np
import pytest

import matcalc
from matcalc import numeric
from helpers import check_gradient

SEEDS = Path(__file__).parent / "seeds"


def read(name):
    return (SEEDS / name).read_text()


# ---------------------------------------------------------------- seed 000
def rbf_inputs(rng, Np=3, Dp=2, Dd=2, K2=3, spread=0.3):
    """Inputs where the two RBF layers are awake: centres near their inputs."""
    x = rng.standard_normal((Np, Dp))
    t1 = x[:, None, :] + spread * rng.standard_normal((Np, Dd, Dp))
    a2 = np.exp(-((x[:, None, :] - t1) ** 2).sum(-1)).reshape(-1)
    t2 = a2[None, :] + spread * rng.standard_normal((K2, Np * Dd))
    c = rng.standard_normal(K2)
    return dict(x=x, t1=t1, t2=t2, c=c)


def rbf_numpy(x, t1, t2, c):
    z1 = ((x[:, None, :] - t1) ** 2).sum(-1)
    a2 = np.exp(-z1).reshape(-1)
    z2 = ((a2[None, :] - t2) ** 2).sum(-1)
    return c @ np.exp(-z2)


@pytest.mark.parametrize("wrt", ["t1", "t^{(1)}", "t2", "c"])
def test_seed000_rbf_network(wrt):
    kw = rbf_inputs(np.random.default_rng(0))
    g = check_gradient(read("000.tex"), wrt, f=rbf_numpy, objective="f", kwargs=kw, trials=1)
    assert np.shape(g.to_numpy()(**{k: v for k, v in kw.items() if k in g.inputs.values()})) == \
        np.shape(kw[g.wrt])


def test_seed000_objective_is_f_without_naming_it():
    # f is the only scalar definition nothing else uses
    assert matcalc.gradient(read("000.tex"), "c").problem.objective == "f"


FIRST = (r"\frac{\partial f(x) }{\partial t^{(1)}_{i,j}} = \sum^{K_2}_{k_2 = 1} c_{k_2} "
         r"(- \exp(-z^{(2)}_{k_2}))(2(a^{(2)}_{i,j} - [t^{(2)}_{k_2}]_{i,j}))"
         r"(-\exp(-z^{(1)}_{i,j}))2(x_i - t^{(1)}_{i,j})(-1)")
LAST = (r"\frac{\partial f(x) }{\partial t^{(1)}_{i,j}} = (2(x_i -t^{(1)}_{i,j})(-1)) \left( "
        r"\sum^{K_2}_{k_2=1} c_{k_2} ( -\exp(z^{(2)})) 2(a^{(2)}_{i,j} - [t_{k_2}^{(2)}]_{i,j})(1)"
        r" \right) (-\exp(-z^{(1)}_{i,j}))")


def test_seed000_first_displayed_formula_is_right():
    """The question's first displayed result is in fact correct (a^{(2)}_{i,j} read as the
    stacked vector's entry (i, j))."""
    result = matcalc.check(read("000.tex"), "t1", FIRST, objective="f")
    assert result.ok, result.message


def test_seed000_final_derivation_line_is_wrong():
    # as written, exp(z^{(2)}) is the whole K_2-vector: an ill-formed product
    with pytest.raises(matcalc.ShapeError, match="column vector of length K_2"):
        matcalc.check(read("000.tex"), "t1", LAST, objective="f")
    # with the index restored, the sign error in the exponent is caught
    fixed = LAST.replace(r"\exp(z^{(2)})", r"\exp(z^{(2)}_{k_2})")
    result = matcalc.check(read("000.tex"), "t1", fixed, objective="f")
    assert not result.ok and result.error > 0.1


# ---------------------------------------------------------------- seed 001
LOGISTIC_DECL = (r"$W \in \mathbb{R}^{n \times d}, \quad x \in \mathbb{R}^d, \quad "
                 r"b \in \mathbb{R}^n, \quad \mathbf w \in \mathbb{R}^n, \quad y \in \mathbb{R}$")


def seed001_numpy(W, x, b, w, y):
    s = 1 / (1 + np.exp(-(W @ x + b)))
    return np.log(1 + np.exp(-y * (w @ s)))


def test_seed001_question_formula():
    doc = read("001_question.tex")
    g = check_gradient(doc, "W", f=seed001_numpy)
    assert g.problem.shape_of("W") == g.node.shape


def test_seed001_answer_chain_matches_answer():
    """The answer's chain gives -e^{-λ}αγ (S - S²) w xᵀ, with e^{-λ} = 1/(1+α)."""
    doc = read("001_answer.tex")
    check_gradient(doc, "W", f=seed001_numpy)
    result = matcalc.check(doc, "W",
                           r"-e^{-\lambda}\alpha\gamma\;\left(S-S^2\right){\rm w}x^T"
                           r" \quad S = {\rm Diag}(s)")
    assert result.ok, result.message


def test_seed001_renders_sigma_not_exponentials():
    g = matcalc.gradient(read("001_answer.tex"), "W")
    assert r"\sigma" in matcalc.gradient(read("001_question.tex"), "W").latex()
    assert r"\exp" not in g.latex()


# ---------------------------------------------------------------- seed 002
def seed002_numpy(h, phi, N):
    M = len(h) - N
    return sum(h[i] * h[j] * phi[i] @ phi[j] for i in range(N) for j in range(N, N + M))


def test_seed002_gradient():
    rng = np.random.default_rng(2)
    N, M, K = 3, 4, 2
    kw = dict(h=rng.integers(0, 2, N + M).astype(float) + 0.5, phi=rng.standard_normal((N + M, K)), N=N)
    g = check_gradient(read("002.tex"), r"\phi", f=seed002_numpy, kwargs=kw, trials=1)
    assert g.inputs == {"h": "h", r"\phi": "phi", "N": "N"}
    # matrix notation: no index-notation fallback
    assert "sum" not in g.latex()


def test_seed002_accepted_answer_is_wrong():
    claim = (r"\frac{\partial }{\partial \phi_{k,l} }F(h,\phi)= \sum_{i=1}^N\sum_{j={N+1}}^{N+M}"
             r" h_i h_j\phi_{k,l}(\phi_{j,l} + \phi_{i,l})")
    assert not matcalc.check(read("002.tex"), r"\phi", claim)


def test_seed002_right_answer_passes():
    claim = (r"\frac{\partial F}{\partial \phi_{k,l}} = \sum_{i=1}^N\sum_{j=N+1}^{N+M}"
             r" h_i h_j (\delta_{ik}\phi_{j,l} + \delta_{jk}\phi_{i,l})")
    result = matcalc.check(read("002.tex"), r"\phi", claim)
    assert result.ok, result.message


# ---------------------------------------------------------------- seed 003
def dec_parts(z, mu, nu):
    u = 1 + ((z[:, None, :] - mu[None, :, :]) ** 2).sum(-1) / nu
    qh = u ** (-(nu + 1) / 2)
    q = qh / qh.sum(1, keepdims=True)
    ph = q ** 2 / q.sum(0, keepdims=True)
    p = ph / ph.sum(1, keepdims=True)
    return u, q, p


def dec_numpy(z, mu, nu):
    _, q, p = dec_parts(z, mu, nu)
    return (p * np.log(p / q)).sum()


@pytest.mark.parametrize("wrt", ["z", r"\mu"])
def test_seed003_full_gradient(wrt):
    check_gradient(read("003.tex"), wrt, f=dec_numpy, mode="positive", seed=3)


PAPER = {
    "z": r"\frac{\partial \text{KL}}{\partial z_i} = \frac{\nu + 1}{\nu}\sum_j(1 + ||z_i-\mu_j||^2 / \nu)^{-1}(p_{ij} - q_{ij})(z_i - \mu_j)",
    "mu": r"\frac{\partial \text{KL}}{\partial \mu_j} = -\frac{\nu + 1}{\nu}\sum_i(1 + ||z_i-\mu_j||^2 / \nu)^{-1}(p_{ij} - q_{ij})(z_i - \mu_j)",
}
HELD = read("003.tex") + "\n$p \\text{ constant}$\n"


@pytest.mark.parametrize("wrt", ["z", "mu"])
def test_seed003_held_constant_matches_finite_differences_with_p_frozen(wrt):
    rng = np.random.default_rng(4)
    z, mu, nu = rng.standard_normal((4, 2)), rng.standard_normal((3, 2)), 1.7
    _, _, p = dec_parts(z, mu, nu)

    def kl_p_frozen(z, mu, nu):
        _, q, _ = dec_parts(z, mu, nu)
        return (p * np.log(p / q)).sum()

    g = matcalc.gradient(HELD, wrt)
    got = g.to_numpy()(z=z, mu=mu, nu=nu)
    want = numeric.central_difference(kl_p_frozen, dict(z=z, mu=mu, nu=nu), wrt)
    assert np.max(np.abs(want)) > 1e-3
    assert numeric.relative_error(got, want) < 1e-6


@pytest.mark.parametrize("wrt", ["z", "mu"])
def test_seed003_paper_formula_holds_only_with_p_constant(wrt):
    assert matcalc.check(HELD, wrt, PAPER[wrt]).ok
    assert not matcalc.check(read("003.tex"), wrt, PAPER[wrt]).ok


def test_seed003_held_result_in_index_notation():
    g = matcalc.gradient(HELD, "z")
    assert r"\sum_{" in g.latex()  # order-3 intermediates: shown in index notation


# ---------------------------------------------------------------- seed 004
def seed004_question_numpy(I, D, alpha, beta, y):
    F = 1 / (1 + np.exp(-(alpha * I + beta * D)))
    s = I.shape[0] - np.prod(1 - F, axis=1).sum()
    return 0.5 * (y - s) ** 2


@pytest.mark.parametrize("wrt", [r"\alpha", "beta"])
def test_seed004_question(wrt):
    check_gradient(read("004_question.tex"), wrt, f=seed004_question_numpy)


def test_seed004_unparenthesised_product_is_a_clear_error():
    with pytest.raises(matcalc.ParseError) as err:
        matcalc.gradient(read("004_question_unparenthesised.tex"), "alpha")
    e = err.value
    assert "index j" in str(e) and r"\prod_{j=1}^{E_{max}} (1-sigm(" in str(e)
    assert e.line == 4 and e.column > 1 and "^" in str(e)


def seed004_answer_numpy(A, D, alpha, beta, y):
    F = 1 / (1 + np.exp(-(alpha * A + beta * D)))
    p = np.exp(np.log(1 - F).sum(axis=1))
    s = A.shape[0] - p.sum()
    return 0.5 * (s - y) ** 2


@pytest.mark.parametrize("wrt", ["alpha", "beta"])
def test_seed004_answer_chain(wrt):
    check_gradient(read("004_answer.tex"), wrt, f=seed004_answer_numpy)


def test_seed004_answer_formula():
    assert matcalc.check(read("004_answer.tex"), "alpha", r"(s-y)\;{\rm Tr}(PFA^T)").ok
    assert matcalc.check(read("004_answer.tex"), "beta", r"(s-y)\;{\rm Tr}(PFD^T)").ok
