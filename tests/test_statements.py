"""Statements in real posts that are not definitions (issue 8): the function written only
under a derivative operator (``0 = \\nabla_\\Sigma ...``), a distribution statement
(``W \\sim \\text{Wishart}_\\nu(S)``), the set of values a name takes (``y_i = \\{0, 1\\}``).
Each is read as what it says, the document around it derives, and the gradient is
compared with central differences of an independent NumPy function; where the statement
has two readings with different numbers it is refused, naming both."""
import math

import numpy as np
import pytest

import matcalc
from matcalc import numeric
from helpers import check_gradient


def _logdet(m):
    sign, val = np.linalg.slogdet(m)
    assert sign > 0
    return val


def _spd(rng, n):
    a = rng.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def _reasons(g):
    return " | ".join(n.reason for n in g.notes)


# ------------------------------------------------------------ 1. under a derivative operator
MLE = r"""$x_i, \mu \in \mathbb{R}^d, \Sigma \in \mathbb{R}^{d \times d}$
\begin{align} 0 &= \nabla_\Sigma \sum_{i=1}^n -\frac12 \ln\det(\Sigma)
 - \frac12 (x_i-\mu)^T\Sigma^{-1}(x_i-\mu) \\
 &= -\frac n2 \Sigma^{-1} + \frac12 \Sigma^{-2} \sum_i (x_i - \mu)(x_i - \mu)^T \end{align}
Here $\nabla_\Sigma$ is the gradient along $\Sigma$"""


def test_stationarity_condition_operand_is_the_objective():
    """``0 = \\nabla_\\Sigma \\sum_i a - b_i``: the function is under the operator; the term
    after the sum uses its index, so it is inside the sum and the operator; the prose
    mentions after it ($\\Sigma$) do not compete."""
    rng = np.random.default_rng(3)
    n, d = 6, 3
    kw = dict(x=rng.standard_normal((n, d)), mu=rng.standard_normal(d), Sigma=_spd(rng, d))

    def f(x, mu, Sigma):
        e = x - mu
        q = np.sum(e * np.linalg.solve(Sigma, e.T).T, axis=1)
        return float(np.sum(-0.5 * _logdet(Sigma) - 0.5 * q))

    g = check_gradient(MLE, r"\Sigma", f=f, kwargs=kw)
    why = _reasons(g)
    assert "stationarity condition" in why and "under the operator too" in why
    assert "mentions a name" in why


@pytest.mark.parametrize("doc, wrt, f", [
    (r"$A, X \in \mathbb{R}^{n \times n}$ $$0 = \nabla_X \operatorname{tr}(XAX)$$ "
     r"where $X$ is the unknown", "X", lambda A, X: float(np.trace(X @ A @ X))),
    (r"$A, X \in \mathbb{R}^{n \times n}$ $$\nabla_X \operatorname{tr}(X^TAX) = 0$$",
     "X", lambda A, X: float(np.trace(X.T @ A @ X))),
    (r"$A \in \mathbb{R}^{n \times n}, x, b \in \mathbb{R}^n$ "
     r"$$\frac{\partial}{\partial x} (x^TAx - b^Tx) = 0$$ solve for $x$",
     "x", lambda A, x, b: float(x @ A @ x - b @ x)),
    (r"$A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n$ "
     r"\begin{align} 0 &= \frac{d}{dx}\left(x^TAx\right) \\ &= (A + A^T) x \end{align}",
     "x", lambda A, x: float(x @ A @ x)),
])
def test_operand_of_a_stationarity_condition(doc, wrt, f):
    g = check_gradient(doc, wrt, f=f)
    assert "stationarity condition" in _reasons(g)


def test_the_operator_variable_is_the_default_wrt():
    """No wrt given: the X of ``\\nabla_X`` / ``\\frac{d}{dX}`` around the objective, noted
    at the X; without such an operator, wrt must be given."""
    g = matcalc.gradient(MLE)
    assert g.wrt == "Sigma" and any("no wrt given" in n.reason for n in g.notes)
    doc = (r"$A, X \in \mathbb{R}^{n \times n}$ "
           r"$$\frac{d}{dX} \operatorname{Tr}(X^T A X)$$")
    assert matcalc.gradient(doc).wrt == "X"
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(r"$x, b \in \mathbb{R}^n$ $$f = b^Tx$$")
    assert "wrt must name a variable" in str(err.value)


def test_operand_agreeing_with_the_definition_is_no_rival():
    for tail in (r"$$0 = \nabla_X \operatorname{tr}(X^TAX)$$", r"$$\nabla_X f = 0$$"):
        doc = r"$A, X \in \mathbb{R}^{n \times n}$ $$f = \operatorname{tr}(X^TAX)$$ " + tail
        check_gradient(doc, "X", f=lambda A, X: float(np.trace(X.T @ A @ X)))


@pytest.mark.parametrize("doc, wrt, pieces", [
    # \nabla_X a + b: the operator on a only, or on a + b
    (r"$A, X \in \mathbb{R}^{n \times n}, \lambda \in \mathbb{R}$ "
     r"$$0 = \nabla_X \operatorname{tr}(XAX) + \lambda \|X\|_F^2$$", "X",
     ("two readings", "(a) + b", "(a + b)")),
    (r"$A, X \in \mathbb{R}^{n \times n}$ $$\nabla_X \operatorname{tr}(XAX) + "
     r"\operatorname{tr}(X)$$", "X", ("two readings",)),
    # the later term does not use the sum's index: inside the sum or outside it
    (r"$x_i, w \in \mathbb{R}^d, \lambda \in \mathbb{R}$ $$0 = \nabla_w \sum_{i=1}^n "
     r"\log(1+\exp(-w^Tx_i)) + \frac{\lambda}{2}\|w\|^2$$", "w", ("two readings",)),
    # two different functions under operators, no definition
    (r"$A, X \in \mathbb{R}^{n \times n}$ $$0 = \nabla_X \operatorname{tr}(XAX)$$ and "
     r"$$0 = \nabla_X \operatorname{tr}(X^TX)$$", "X",
     ("two candidates", r"\operatorname{tr}(XAX)", r"\operatorname{tr}(X^TX)")),
    # a definition, and a stationarity condition of another function
    (r"$A, X \in \mathbb{R}^{n \times n}$ $$f = \operatorname{tr}(X^TAX)$$ "
     r"$$0 = \nabla_X (\operatorname{tr}(X^TAX) + \operatorname{tr}(X))$$", "X",
     ("two candidates", "definition of f", "they differ")),
    (r"$A, X \in \mathbb{R}^{n \times n}$ $$f = \operatorname{tr}(X^TAX)$$ "
     r"$$g = \operatorname{tr}(X)$$ $$\nabla_X f = 0$$", "X",
     ("two candidates", "definition of g", "definition of f")),
])
def test_operator_readings_that_differ_are_refused(doc, wrt, pieces):
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, wrt)
    msg = str(err.value)
    assert err.value.line is not None and err.value.column is not None
    for p in pieces:
        assert p in msg, msg


def test_named_objective_settles_two_operands():
    doc = (r"$A, X \in \mathbb{R}^{n \times n}$ $$0 = \nabla_X \operatorname{tr}(XAX)$$ and "
           r"$$0 = \nabla_X \operatorname{tr}(X^TX)$$")
    check_gradient(doc, "X", f=lambda A, X: float(np.sum(X * X)),
                   objective=r"\operatorname{tr}(X^TX)")


# ------------------------------------------------------------ 2. distribution statements
WISHART = r"""$W, S \in \mathbb{R}^{k \times k}, \nu \in \mathbb{R}$
\begin{eqnarray*} W &\sim& \mbox{\sf{Wishart}}_{\nu} (S) \\
f &=& -\frac{\nu}{2}\log(\det(S)) - \frac{1}{2} \mbox{tr} (S^{-1}W) \end{eqnarray*}"""


def test_distribution_row_is_skipped_and_the_rows_after_it_kept():
    """``W \\sim \\mbox{\\sf{Wishart}}_\\nu(S)`` as the first row of the eqnarray* that
    defines the objective: a statement about W's distribution, noted; the distribution's
    name in text does not split it."""
    rng = np.random.default_rng(5)
    kw = dict(W=_spd(rng, 3), S=_spd(rng, 3), nu=4.5)
    g = check_gradient(WISHART, "S", f=lambda W, S, nu: float(
        -nu / 2 * _logdet(S) - 0.5 * np.trace(np.linalg.solve(S, W))), kwargs=kw)
    notes = [n for n in g.notes if "distribution statement" in n.reason]
    assert len(notes) == 1 and "Wishart" in notes[0].text


@pytest.mark.parametrize("doc", [
    r"$X \in \mathbb{R}^{n \times d}, y \in \mathbb{R}^n, w \in \mathbb{R}^d$ and "
    r"$y \sim \mathcal{N}(Xw, I)$, $$L = \frac12 \|y - Xw\|^2$$",
    r"$X \in \mathbb{R}^{n \times d}, y \in \mathbb{R}^n, w \in \mathbb{R}^d$ "
    r"$$y \sim \mathcal{N}(Xw, I), \quad L = \frac12 \|y - Xw\|^2$$",
    r"$X \in \mathbb{R}^{n \times d}, y \in \mathbb{R}^n, w \in \mathbb{R}^d$ "
    r"$$y \thicksim \text{Normal}(Xw, I) \\ L = \frac12 \|y - Xw\|^2$$",
])
def test_distribution_statement_beside_the_objective(doc):
    g = check_gradient(doc, "w", f=lambda X, y, w: float(0.5 * np.sum((y - X @ w) ** 2)))
    assert any("distribution statement" in n.reason for n in g.notes)


def test_conditioning_bar_after_a_spaced_name():
    """``\\log p (y \\,|\\, X, w) = ...``: a lone bar in the parentheses after a name (with a
    space) is the conditioning bar of its arguments, as ``p(y | X, w)``."""
    doc = (r"$X \in \mathbb{R}^{n \times d}, y \in \mathbb{R}^n, w \in \mathbb{R}^d$ "
           r"$$\log p (y \,|\, X, w) = -\frac12 \|y - Xw\|^2$$")
    for objective in (None, r"\log p (y \,|\, X, w)"):
        check_gradient(doc, "w", f=lambda X, y, w: float(-0.5 * np.sum((y - X @ w) ** 2)),
                       objective=objective)


# ------------------------------------------------------------ 3. the values a name takes
def _ncdf(t):
    return np.vectorize(lambda v: 0.5 * math.erfc(-v / math.sqrt(2.0)), otypes=[float])(t)


def test_set_of_values_written_with_equals_is_a_declaration():
    """``y_{i} = \\left\\{ 0,1 \\right\\}``: the values y_i takes (data), not a definition of y_i
    the objective would need; noted."""
    doc = (r"$w, x_i \in \mathbb{R}^p$ where $y_{i} = \left \{ 0,1 \right \}$ and "
           r"$$L = \sum_{i=1}^n y_i \log \sigma(w^T x_i) + (1 - y_i) \log(1 - \sigma(w^T x_i))$$")

    def f(w, x, y):
        s = 1 / (1 + np.exp(-(x @ w)))
        return float(np.sum(y * np.log(s) + (1 - y) * np.log(1 - s)))

    g = check_gradient(doc, "w", f=f)
    assert "the set of values y_{i} takes" in _reasons(g)


def test_range_of_an_index_written_with_equals():
    doc = (r"$x \in \mathbb{R}^K$, $k = \{1, \dots, K\}$, $$f = \sum_{k} \exp(x_k)$$")
    g = check_gradient(doc, "x", f=lambda x: float(np.sum(np.exp(x))))
    assert "range of an index" in _reasons(g)


def test_a_set_a_sum_runs_over_is_not_the_values_of_a_name():
    """``S = \\{1, 2\\}`` with ``\\sum_{i \\in S}``: S is the set, written out; not read as
    a name taking the values 1 and 2 (the sum reads S as a 0/1 mask, as without it)."""
    doc = r"$x \in \mathbb{R}^n$, $S = \{1, 2\}$, $$f = \sum_{i \in S} x_i^2$$"
    g = check_gradient(doc, "x", f=lambda x, S: float(np.sum(S * x ** 2)))
    assert set(g.inputs) == {"x", "S"}
    assert "written out, which a sum runs over" in _reasons(g)


def test_a_space_after_equals_is_refused():
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(r"$$x = \mathbb{R}^n$$ $$f = x^Tx$$", "x")
    assert err.value.line == 1


PROBIT = r"""$\beta, x_i \in \mathbb{R}^p, y_i \in \mathbb{R}$ where $y_i = \{0, 1\}$ and
$\Phi$ {says} and
$$\log L = \sum_{i=1}^{n} y_{i} \log \Phi ( x_{i}' \beta ) + ( 1 - y_{i}) \log( 1 - \Phi( x_{i}' \beta ))$$"""


@pytest.mark.parametrize("says", [
    "represents a cumulative normal distribution", "is the standard normal CDF",
    "denotes the cumulative distribution function of the standard normal distribution",
])
def test_normal_cdf_named_in_words(says):
    """Φ named the standard normal CDF in a sentence (probit regression); x_{i}' is the
    transpose of the declared x_i."""
    def f(beta, x, y):
        P = _ncdf(x @ beta)
        return float(np.sum(y * np.log(P) + (1 - y) * np.log(1 - P)))

    g = check_gradient(PROBIT.replace("{says}", says), r"\beta", f=f, objective=r"\log L")
    why = _reasons(g)
    assert "standard normal CDF" in why and "transpose of x_{i}" in why


def test_normal_cdf_of_a_matrix_named_phi_is_refused():
    doc = PROBIT.replace("{says}", "is the standard normal CDF").replace(
        r"y_i \in \mathbb{R}$", r"y_i \in \mathbb{R}, \Phi \in \mathbb{R}^{p \times p}$")
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, r"\beta", objective=r"\log L")
    assert "two readings" in str(err.value)


def test_phi_named_nowhere_stays_refused():
    doc = PROBIT.replace("{says}", "is a function")
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, r"\beta", objective=r"\log L")
    assert r"unknown function \Phi" in str(err.value)


KERNEL = r"""$x_i, x_j \in \mathbb{R}^n, l \in \mathbb{R}$
\[k(x_i, x_j) = \exp\left(- \frac{d(x_i, x_j)^2}{2l^2} \right)\]
where \(l\) is the length scale and {name} is the Euclidean distance."""


@pytest.mark.parametrize("name", [r"\(d(\cdot,\cdot)\)", r"$d(\cdot, \cdot)$", "$d$"])
def test_euclidean_distance_named_in_words(name):
    """d named the Euclidean distance in a sentence (the scikit-learn RBF kernel, corpus
    140): d(a, b) is the 2-norm of a - b, noted."""
    def f(x_i, x_j, l):
        return float(np.exp(-np.sum((x_i - x_j) ** 2) / (2 * l ** 2)))
    rng = np.random.default_rng(2)
    kw = dict(x_i=rng.normal(size=3), x_j=rng.normal(size=3), l=2.5)
    g = check_gradient(KERNEL.replace("{name}", name), "x_i", f=f, kwargs=kw)
    assert "Euclidean distance" in _reasons(g)


def test_euclidean_distance_of_one_argument_or_a_declared_d_is_refused():
    one = KERNEL.replace("{name}", "$d$").replace("d(x_i, x_j)^2", "d(x_i)^2")
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(one, "x_i")
    assert "a function of 2 arguments" in str(err.value)
    declared = KERNEL.replace("{name}", "$d$").replace(r"l \in \mathbb{R}$",
                                                       r"l, d \in \mathbb{R}$")
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(declared, "x_i")
    assert "two readings" in str(err.value)


def test_named_objective_is_not_the_documents_own_f():
    """The objective named as written (``\\text{log}L``) is also a claim's function: it
    named the synthetic objective "f", which was the post's own definition f (corpus 093,
    the pdf f(y_i; \\beta)): the gradient of f = a^Tx, a, silently."""
    doc = (r"$x, a \in \mathbb{R}^n$ $$f = a^Tx$$ $$\text{log}L = \log(1 + x^Tx)$$ "
           r"$$\frac{\partial \text{log}L}{\partial x} = \frac{2x}{1+x^Tx}$$")
    check_gradient(doc, "x", f=lambda x, a: float(np.log(1 + x @ x)), objective=r"\text{log}L")


# ------------------------------------------------------------ property: operator = definition
from hypothesis import given, settings, strategies as st  # noqa: E402

TERMS = [r"x^TAx", r"\|Ax - b\|^2", r"\log(1 + \exp(b^Tx))", r"\operatorname{tr}(A)x^Tx",
         r"\sigma(x^Tb)", r"b^Tx"]
WRAPS = [r"$$0 = \nabla_x \left({}\right)$$", r"$$\nabla_x \left({}\right) = 0$$",
         r"$$\frac{{\partial}}{{\partial x}} \left({}\right) = 0$$",
         r"\begin{{align}} 0 &= \frac{{d}}{{dx}} \left({}\right) \end{{align}}"]
DECL = r"$A \in \mathbb{R}^{n \times n}, x, b \in \mathbb{R}^n$ "


@settings(max_examples=25, deadline=None, derandomize=True)
@given(st.lists(st.sampled_from(TERMS), min_size=1, max_size=3, unique=True),
       st.lists(st.sampled_from(["+", "-"]), min_size=3, max_size=3),
       st.sampled_from(WRAPS), st.booleans())
def test_function_under_an_operator_is_read_as_its_definition(terms, signs, wrap, mention):
    """``0 = \\nabla_x (F)`` (any spelling of the operator, a prose mention of x after it or
    not) has the gradient of ``f = F``."""
    F = terms[0] + "".join(f" {s} {t}" for s, t in zip(signs, terms[1:]))
    wrapped = matcalc.gradient(DECL + wrap.format(F) + (" where $x$ is the unknown"
                                                        if mention else ""), "x")
    plain = matcalc.gradient(DECL + f"$$f = {F}$$", "x")
    rng = np.random.default_rng(len(F))
    kw = dict(A=rng.standard_normal((4, 4)), x=rng.standard_normal(4),
              b=rng.standard_normal(4))
    assert np.allclose(numeric.call(wrapped.to_numpy(), kw), numeric.call(plain.to_numpy(), kw),
                       rtol=1e-12)
    assert "stationarity condition" in _reasons(wrapped)


ASKED = r"$X \in \mathbb{R}^{n \times m}, A \in \mathbb{R}^{m \times n}$ What is $$\frac{\partial \|X^T - A\|_F^2}{\partial X}$$ ?"


def test_a_derivative_asked_for_gives_the_objective():
    """A document that defines nothing and asks for a derivative without claiming its
    value (corpus 125): the expression in the numerator is the objective, noted."""
    g = check_gradient(ASKED, "X", f=lambda X, A: float(np.sum((X.T - A) ** 2)))
    assert "a derivative asked for" in _reasons(g)


def test_two_derivatives_asked_for_are_refused_unless_one_is_named():
    doc = (r"$X \in \mathbb{R}^{n \times n}$ What are $\frac{\partial \operatorname{tr}(X^TX)}"
           r"{\partial X}$ and $\frac{\partial \log(1 + \operatorname{tr}(X^TX))}{\partial X}$ ?")
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, "X")
    assert "two candidates for the objective" in str(err.value)
    check_gradient(doc, "X", f=lambda X: float(np.sum(X * X)),
                   objective=r"\operatorname{tr}(X^TX)")
    check_gradient(doc, "X", f=lambda X: float(np.log(1 + np.sum(X * X))),
                   objective=r"\log(1 + \operatorname{tr}(X^TX))")


def test_a_derivative_asked_for_beside_a_definition_defines_nothing():
    """With a definition in the document it is a mention, as before (corpus 099's
    \\frac{\\partial \\Pi'X_{t}}{\\partial \\Pi'})."""
    doc = r"$x \in \mathbb{R}^{n}$ $$f = x^Tx$$ What is $\frac{\partial \log(x^T x)}{\partial x}$ ?"
    g = check_gradient(doc, "x", f=lambda x: float(x @ x))
    assert "mentions a derivative" in _reasons(g)


def test_a_named_objective_is_the_definition_not_a_mention_of_it():
    """objective='L' with the prose mention "the loss $L$" before L = ...: the definition
    (corpus 131's error blamed the mention, "if the objective is L, name it", with L named)."""
    doc = r"$x \in \mathbb{R}^n$. The loss $L$ is" "\n" r"$$L = \log(1 + x^T x)$$"
    check_gradient(doc, "x", f=lambda x: float(np.log(1 + x @ x)), objective="L")
