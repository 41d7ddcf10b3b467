"""Derivatives with respect to a power of a scalar, as statistics posts ask them (issue 8):
``\\frac{\\partial \\ell}{\\partial \\sigma^2}``, ``wrt="\\sigma^2"``, where the document writes
the standard deviation σ (σ², σ^{-2}, σ⁴, log σ) and the variable is the variance v = σ².

Every result is compared with central finite differences IN THE VARIABLE v = σ^k: v is
perturbed and σ recovered from it (σ = √v for a square, the positive root), so a result
that were ∂f/∂σ, or (∂f/∂σ)/(2σ) with a wrong sign, would fail. The generated function
takes the document's σ, as every other gradient of the document does."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc
from matcalc import numeric

ROOT = Path(__file__).resolve().parent.parent

GAUSS = r"""$y, \mu \in \mathbb{R}^n$, $\sigma \in \mathbb{R}$
$$\ell = -\frac{n}{2}\log(2\pi\sigma^2) - \frac{1}{2\sigma^2}(y-\mu)^T(y-\mu)$$
"""


def gauss(y, mu, sigma):
    n = y.shape[0]
    return float(-n / 2 * np.log(2 * np.pi * sigma ** 2) - (y - mu) @ (y - mu) / (2 * sigma ** 2))


def root(v, k):
    """x with x^k = v: the positive root for an even k (x > 0), the real root for an odd k."""
    return np.sign(v) * np.abs(v) ** (1.0 / k) if k % 2 else v ** (1.0 / k)


def fd_in_power(f, kw, key, k, eps=1e-6):
    """∂f/∂v at v = kw[key]^k by central differences in v, with kw[key] = root(v, k)."""
    x = float(kw[key])
    v = x ** k
    h = eps * max(1.0, abs(v))
    fp = numeric.call(f, {**kw, key: float(root(v + h, k))})
    fm = numeric.call(f, {**kw, key: float(root(v - h, k))})
    return (float(fp) - float(fm)) / (2 * h)


def check_power(doc, wrt, f, key, k, points=3, sigma=(0.4, 1.9), signs=(1,), seed=0):
    """Derive ∂f/∂(key^k) and compare it with finite differences of `f` in v = key^k at a few
    random points (σ drawn in `sigma`, times each sign in `signs`)."""
    g = matcalc.gradient(doc, wrt)
    grad = g.to_numpy()
    rng = np.random.default_rng(seed)
    for j in range(points):
        kw = numeric.sample_inputs(g.problem, rng, g.objective_numpy())
        kw[key] = float(signs[j % len(signs)] * rng.uniform(*sigma))
        got = float(numeric.call(grad, kw))
        want = fd_in_power(f, kw, key, k)
        assert abs(want) > 1e-6, "the derivative vanishes at the test point: proves nothing"
        assert numeric.relative_error(got, want) < 1e-6, (got, want, g.text())
    return g


# ---------------------------------------------------------------- the variance of a Gaussian

def test_gaussian_log_likelihood_wrt_the_variance_reads_in_powers_of_sigma():
    g = check_power(GAUSS, r"\sigma^2", gauss, "sigma", 2, signs=(1, -1))
    # -n/(2σ²) + ‖y-μ‖²/(2σ⁴): written in σ² and σ⁴, as a person writes it, not
    # (‖y-μ‖²/σ³ - n/σ)/(2σ); and it reads back as the right claim
    assert g.latex() == (r"\frac{\left\|y - \mu\right\|^{2}}{2 \sigma^{4}} - "
                         r"\frac{n}{2 \sigma^{2}}")
    assert g.text() == "‖y - μ‖²/(2 σ^4) - n/(2 σ^2)"
    assert matcalc.check(GAUSS, r"\sigma^2", g.latex()).ok
    assert matcalc.check(GAUSS, r"\sigma^2", g.text()).ok
    assert g.lhs_latex == r"\frac{\partial \ell}{\partial \sigma^{2}}"
    assert g.lhs_text == "∂ell/∂σ^2"
    # the derivation: the gradient of σ, then the change of variable, naming its identity
    assert [s.rule for s in g.steps][-2:] == ["gradient", "power-variable"]
    assert r"\partial \sigma}" in g.steps[-2].latex and r"\sigma^{2}}" in g.steps[-1].latex


@pytest.mark.parametrize("spelled", [r"\sigma^2", r"\sigma^{2}", "sigma^2", "σ^2", "σ²",
                                     "sigma_sq"])
def test_every_spelling_of_the_square_is_the_same_variable(spelled):
    g = matcalc.gradient(GAUSS, spelled)
    assert g.key == "sigma_sq" and g.function_name == "grad_sigma_sq"
    assert g.wrt == "sigma" and g.inputs == {"y": "y", r"\mu": "mu", r"\sigma": "sigma"}
    assert "def grad_sigma_sq(" in g.numpy_source()
    kw = {"y": np.array([1.0, -2.0, 0.5]), "mu": np.array([0.3, 0.1, -0.2]), "sigma": 1.3}
    assert np.isclose(g.to_numpy()(**kw), fd_in_power(gauss, kw, "sigma", 2), rtol=1e-6)


def test_the_variance_beside_the_mean_in_one_function():
    gs = matcalc.gradient(GAUSS, [r"\mu", r"\sigma^2"])
    assert gs.function_name == "grad_mu_sigma_sq"
    assert gs["sigma_sq"] is gs[1] and gs[r"\mu"] is gs[0] and gs[r"\sigma^{2}"] is gs[1]
    kw = {"y": np.array([1.0, -2.0, 0.5]), "mu": np.array([0.3, 0.1, -0.2]), "sigma": 0.8}
    value, g_mu, g_v = gs.to_numpy(value=True)(**kw)
    assert np.isclose(value, gauss(**kw))
    assert np.allclose(g_mu, numeric.central_difference(gauss, kw, "mu"), rtol=1e-6)
    assert np.isclose(g_v, fd_in_power(gauss, kw, "sigma", 2), rtol=1e-6)


def test_the_derivative_wrt_sigma_is_unchanged():
    g = matcalc.gradient(GAUSS, r"\sigma")
    kw = {"y": np.array([1.0, -2.0]), "mu": np.array([0.3, 0.1]), "sigma": 0.7}
    assert g.power is None and g.key == "sigma"
    assert np.isclose(g.to_numpy()(**kw), numeric.central_difference(gauss, kw, "sigma"))


# ---------------------------------------------------------------- the determinant of 123

DET = r"""$X \in \mathbb{R}^{n \times p}$, $Z \in \mathbb{R}^{n \times q}$,
$G \in \mathbb{R}^{q \times q}$, where $$\sigma^2$$ is a scalar.
$$\frac{\partial}{\partial\sigma^2}\det[X^T(\sigma^2 I_{n}+ZGZ^T)^{-1}X]$$
Note that X, Z and G do not involve $$\sigma^2$$.
"""


def det_ref(X, Z, G, sigma):
    n = X.shape[0]
    return float(np.linalg.det(X.T @ np.linalg.solve(sigma ** 2 * np.eye(n) + Z @ G @ Z.T, X)))


def test_determinant_wrt_a_variance_asked_under_the_operator():
    """The math of corpus 123 with its shapes declared: the operator's variable σ² is the
    default wrt; the sentence makes σ a scalar (not the sigmoid), and the later mention
    $$\\sigma^2$$ is the variable, not the objective."""
    g = matcalc.gradient(DET)
    assert g.key == "sigma_sq"
    notes = " ".join(n.reason for n in g.notes)
    assert "as this sentence says" in notes and "variable of a derivative operator" in notes
    rng = np.random.default_rng(3)
    for _ in range(2):
        n, p, q = 5, 2, 3
        kw = {"X": rng.standard_normal((n, p)), "Z": rng.standard_normal((n, q)),
              "G": np.eye(q) + 0.1 * rng.standard_normal((q, q)),
              "sigma": float(rng.uniform(0.5, 1.5)) * rng.choice([-1, 1])}
        got = float(g.to_numpy()(**kw))
        want = fd_in_power(det_ref, kw, "sigma", 2)
        assert numeric.relative_error(got, want) < 1e-6, (got, want)
    # written in σ² (the cancelled 2σ of d(σ²) = 2σ dσ leaves no σ outside σ²)
    assert r"\frac{1}{2 \sigma}" not in g.latex() and r"\sigma^{2}" in g.latex()


# ---------------------------------------------------------------- a positive σ; other powers

@pytest.mark.parametrize("said", [r"$\sigma \in \mathbb{R}_+$", r"$\sigma \in \mathbb{R}^{+}$",
                                  r"Here $\sigma$ is a positive scalar.", r"$\sigma > 0$",
                                  r"$\sigma \in \mathbb{R}$, $\sigma \geq 0$",
                                  r"$\alpha, \sigma>0$"])
def test_odd_powers_of_sigma_need_and_take_a_positive_sigma(said):
    doc = said + "\n" + r"$x \in \mathbb{R}^n$" + "\n" + \
        r"$$f = \log(\sigma) + \sigma \|x\|^2 - \frac{\|x\|^2}{2\sigma^2}$$"

    def f(x, sigma):
        return float(np.log(sigma) + sigma * x @ x - x @ x / (2 * sigma ** 2))
    g = check_power(doc, r"\sigma^2", f, "sigma", 2)
    assert "positive" in g.power.how


def test_a_sign_declares_no_shape():
    """``x \\geq 0`` of a declared vector is its sign only (no scalar declared over it); a
    comparison other than a sign is skipped, noted."""
    doc = (r"$x \in \mathbb{R}^n$, $x \geq 0$, $\sigma \in \mathbb{R}$, $\sigma^2 > 0$, "
           r"$x \leq 1$" "\n" r"$$f = \sigma^2 \mathbf{1}^T x + \frac{\|x\|^2}{\sigma^2}$$")

    def f(x, sigma):
        return float(sigma ** 2 * np.sum(x) + x @ x / sigma ** 2)
    g = check_power(doc, r"\sigma^2", f, "sigma", 2, signs=(1, -1))
    assert tuple(map(str, g.problem.inputs["x"].shape)) == ("n",)
    reasons = " ".join(n.reason for n in g.notes)
    assert "x is nonnegative" in reasons and "read only as the sign of a name" in reasons
    with pytest.raises(matcalc.MatcalcError, match="two readings"):   # σ² > 0: no sign of σ
        matcalc.gradient(doc.replace(r"\mathbf{1}^T x", r"\sigma \mathbf{1}^T x"), r"\sigma^2")


def test_an_odd_power_of_sigma_is_refused_without_a_sign():
    doc = r"$\sigma \in \mathbb{R}$, $x \in \mathbb{R}^n$" "\n" r"$$f = \sigma \|x\|^2$$"
    with pytest.raises(matcalc.MatcalcError, match="two readings") as info:
        matcalc.gradient(doc, r"\sigma^2")
    assert r"\mathbb{R}_+" in str(info.value)
    # a sentence about σ² says nothing of the sign of σ
    doc2 = r"$$\sigma^2$$ is a positive scalar, $x \in \mathbb{R}^n$" "\n" r"$$f = \sigma \|x\|^2$$"
    with pytest.raises(matcalc.MatcalcError, match="two readings"):
        matcalc.gradient(doc2, r"\sigma^2")


@pytest.mark.parametrize("wrt,k", [(r"\sigma^3", 3), (r"\sigma^{-2}", -2), (r"\sigma^4", 4)])
def test_other_powers(wrt, k):
    """σ³ determines σ (any sign); σ^{-2} (a precision) and σ⁴ where σ appears only in even
    powers. FD in u = σ^k."""
    signs = (1, -1)
    g = check_power(GAUSS, wrt, gauss, "sigma", k, signs=signs)
    assert g.power.k == k


@pytest.mark.parametrize("doc,wrt,piece", [
    (GAUSS, r"\mu^2", "not a scalar"),
    (GAUSS, r"\sigma^0", "not a variable of its own"),
    (r"$s, t \in \mathbb{R}$" "\n" r"$$\tau = s^2$$" "\n" r"$$L = t \tau$$", r"\tau^2",
     "defined by the document"),
    (GAUSS, r"\tau^2", "not a variable of the document"),
])
def test_powers_that_are_no_variable_are_refused(doc, wrt, piece):
    with pytest.raises(matcalc.MatcalcError, match=piece):
        matcalc.gradient(doc, wrt)


# ---------------------------------------------------------------- claims

def test_check_a_claimed_derivative_wrt_the_variance():
    right = r"-\frac{n}{2\sigma^2} + \frac{(y-\mu)^T(y-\mu)}{2\sigma^4}"
    assert matcalc.check(GAUSS, r"\sigma^2", right).ok
    assert matcalc.check(GAUSS, r"\sigma^2", r"\frac{\partial \ell}{\partial \sigma^2} = " + right).ok
    wrong = matcalc.check(GAUSS, r"\sigma^2", right.replace("2\\sigma^4", "\\sigma^4"))
    assert not wrong.ok and "∂ell/∂σ^2" in wrong.message
    # the derivative wrt σ is not the derivative wrt σ²
    assert not matcalc.check(GAUSS, r"\sigma^2", r"-\frac{n}{\sigma} + "
                             r"\frac{(y-\mu)^T(y-\mu)}{\sigma^3}").ok


def test_check_all_reads_the_variance_in_a_claims_denominator():
    doc = GAUSS + (r"so $$\frac{\partial \ell}{\partial \sigma^2} = -\frac{n}{2\sigma^2} + "
                   r"\frac{(y-\mu)^T(y-\mu)}{2\sigma^4}$$" "\n"
                   r"and $$\frac{\partial \ell}{\partial \sigma^2} = -\frac{n}{2\sigma^2} + "
                   r"\frac{(y-\mu)^T(y-\mu)}{\sigma^4}$$" "\n")
    assert [v.status for v in matcalc.check_all(doc)] == ["right", "wrong"]


def test_cli_derives_wrt_the_variance():
    r = subprocess.run([sys.executable, "-m", "matcalc", "derive", "-", "--wrt", r"\sigma^2"],
                       input=GAUSS, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "∂ell/∂σ^2 =" in r.stdout and "power-variable" in r.stdout
    r = subprocess.run([sys.executable, "-m", "matcalc", "derive", "-", "--wrt", r"\mu^2"],
                       input=GAUSS, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 2 and "not a scalar" in r.stderr


# ---------------------------------------------------------------- property

# scalar terms in σ as a document writes them, with NumPy of the same (s is σ); the
# even ones are functions of σ², the others need σ > 0
EVEN = [(r"\sigma^2", lambda s, x: s ** 2), (r"\frac{1}{\sigma^2}", lambda s, x: s ** -2.0),
        (r"\log(\sigma^2)", lambda s, x: np.log(s ** 2)),
        (r"\exp(-\sigma^2)", lambda s, x: np.exp(-s ** 2)),
        (r"\frac{\|x\|^2}{\sigma^4}", lambda s, x: x @ x / s ** 4),
        (r"\sqrt{1 + \sigma^2}", lambda s, x: np.sqrt(1 + s ** 2)),
        (r"x^T x \sigma^{6}", lambda s, x: x @ x * s ** 6),
        (r"|\sigma| \|x\|^2", lambda s, x: abs(s) * (x @ x)),
        (r"\sqrt{\sigma^2}", lambda s, x: np.sqrt(s ** 2))]
ODD = [(r"\sigma", lambda s, x: s), (r"\log \sigma", lambda s, x: np.log(s)),
       (r"\sigma^3 \|x\|^2", lambda s, x: s ** 3 * (x @ x)),
       (r"\frac{1}{\sigma}", lambda s, x: 1 / s)]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(terms=st.lists(st.tuples(st.sampled_from(range(len(EVEN) + len(ODD))),
                                st.sampled_from([1, 2, -1, -3])), min_size=1, max_size=4),
       seed=st.integers(0, 5))
def test_property_derivative_wrt_the_square_is_the_fd_in_the_variance(terms, seed):
    table = EVEN + ODD
    odd = any(j >= len(EVEN) for j, _ in terms)
    body = " ".join(f"{'+' if c > 0 else '-'} {abs(c)} {table[j][0]}" for j, c in terms)
    sign = r"\sigma \in \mathbb{R}_+" if odd else r"\sigma \in \mathbb{R}"
    doc = f"${sign}$, $x \\in \\mathbb{{R}}^n$\n$$f = {body}$$"

    def f(x, sigma):
        return float(sum(c * table[j][1](sigma, x) for j, c in terms))
    rng = np.random.default_rng(seed)
    g = matcalc.gradient(doc, r"\sigma^2")
    kw = {"x": rng.standard_normal(3), "sigma": float(rng.uniform(0.5, 1.5))}
    if not odd:
        kw["sigma"] *= rng.choice([-1.0, 1.0])
    got = float(numeric.call(g.to_numpy(), kw))
    want = fd_in_power(f, kw, "sigma", 2)
    assert abs(got - want) <= 1e-6 * max(1.0, abs(want)), (doc, got, want, g.text())
