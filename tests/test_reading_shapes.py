"""What a document says about shapes, read as it is written. An undeclared name read by a
bound index may be a family's members: refused with both readings, never guessed (corpus
103 was silently wrong: x^{(i)} in a sum over i was one vector added m times); a family
declared by listing its members, x_1, \\dots, x_m \\in R^n, is read as one; an elided matrix
of named entries gives its matrix's shape; a left side's decorated arguments name it."""
import numpy as np
import pytest

import matcalc
from helpers import check_gradient


@pytest.mark.parametrize("doc, says", [
    (r"$a \in \mathbb{R}^n, U \in \mathbb{R}^{n \times k}$ "
     r"$f = \sum_{i = 1}^{m} \|x^{(i)} - UU^\top x^{(i)} - a\|^2$", "member of a family"),
    (r"$a \in \mathbb{R}^n$ $f = \sum_{i = 1}^{m} \|x_i - a\|^2$", "two readings"),
])
def test_undeclared_member_is_refused_with_both_readings(doc, says):
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, "a")
    assert says in str(err.value) and "declare" in str(err.value)
    assert err.value.line == 1


@pytest.mark.parametrize("doc, f", [
    # x_i an entry: the scalar reading is the only one that gives a scalar objective
    (r"$a \in \mathbb{R}^n$ $f = \sum_{i = 1}^{n} c_i a_i$", lambda a, c: c @ a),
    (r"$a \in \mathbb{R}^n$ $f = \sum_{k = 1}^{K} c_k \exp(-a^T a)$",
     lambda a, c: np.sum(c) * np.exp(-a @ a)),
])
def test_undeclared_entries_still_inferred_where_unique(doc, f):
    check_gradient(doc, "a", f=f)


LISTS = [
    r"$x_1, \dots, x_m \in \mathbb{R}^n$, $a \in \mathbb{R}^n$ "
    r"$f = \sum_{i = 1}^{m} \|x_i - a\|^2$",
    r"$x^{(1)}, \dots, x^{(m)} \in \mathbb{R}^n$, $a \in \mathbb{R}^n$ "
    r"$f = \sum_{i = 1}^{m} \|x^{(i)} - a\|^2$",
    r"Given $x^{(1)}, \dots , x^{(m)} \in \mathbb{R} ^n$, and $a \in \mathbb{R}^n$ "
    r"$$f = \sum_{i = 1}^{m} \|x^{(i)} - a\|^2$$",
    r"$x_1, x_2, \ldots, x_m \in \mathbb{R}^n$, $a \in \mathbb{R}^n$ "
    r"$f = \sum_{i} \|x_i - a\|^2$",
]


@pytest.mark.parametrize("doc", LISTS)
def test_a_family_declared_by_listing_its_members(doc):
    g = check_gradient(doc, "a", f=lambda x, a: float(np.sum((x - a) ** 2)))
    assert g.problem.shape_of("x")[0].name == "m"
    assert any("family of m members" in n.reason for n in g.notes)
    assert matcalc.check(doc, "a", claim=g.latex()).ok
    assert not matcalc.check(doc, "a", claim=r"2 (a - x^T \mathbf{1}_m)").ok


ELIDED = r"""$\mathbf{x}, \mu \in \mathbb{R}^k$, the covariance
$\Sigma = \begin{pmatrix}s_{11} & \cdots & s_{1k}\\ \vdots & \ddots & \vdots \\ s_{k1} & \cdots & s_{kk}\end{pmatrix}$
$$f = -\frac12(\mathbf{x}-\mu)^T\Sigma^{-1}(\mathbf{x}-\mu)$$"""


def test_an_elided_matrix_of_named_entries_gives_the_shape():
    """Σ = (s_11 ⋯ s_1k; ⋮ ⋱ ⋮; s_k1 ⋯ s_kk): the layout of a k×k matrix of named entries
    (corpus 102), not a value; a literal of other entries stays refused."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((3, 3))
    kw = dict(x=rng.standard_normal(3), mu=rng.standard_normal(3), Sigma=a @ a.T + 3 * np.eye(3))
    g = check_gradient(ELIDED, r"\Sigma", kwargs=kw, f=lambda x, mu, Sigma: float(
        -0.5 * (x - mu) @ np.linalg.solve(Sigma, x - mu)))
    assert [str(d) for d in g.problem.shape_of("Sigma")] == ["k", "k"]
    other = ELIDED.replace(r"s_{k1} & \cdots & s_{kk}", r"\mu_1 & \cdots & 0")
    with pytest.raises(matcalc.MatcalcError, match="elided run"):
        matcalc.gradient(other, r"\Sigma")


def test_a_left_side_with_decorated_arguments_names_its_objective():
    """d(\\Pi', \\Sigma^{-1}) = ...: the arguments say what d depends on (corpus 099)."""
    doc = r"x, y \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n \times n}" "\n" \
          r"d(x, \Sigma^{-1}) = (y - x)^T \Sigma^{-1} (y - x)"
    rng = np.random.default_rng(2)
    a = rng.standard_normal((3, 3))
    kw = dict(x=rng.standard_normal(3), y=rng.standard_normal(3), Sigma=a @ a.T + 3 * np.eye(3))
    check_gradient(doc, "x", kwargs=kw, objective=r"d(x, \Sigma^{-1})",
                   f=lambda x, y, Sigma: float((y - x) @ np.linalg.solve(Sigma, y - x)))


RBF = r"""$x_i, \mu_k \in \mathbb{R}^d, w_k, \lambda_k, y_i \in \mathbb{R}$
$$f(x_i)=\sum_{k=1}^n w_k e^{(-\lambda_k||x_i - \mu_k||^2)}$$
$$S=\sum_{i=1}^p(y_i - f(x_i))^2$$"""


def rbf(x, mu, w, lambda_, y):
    d2 = ((x[:, None, :] - mu[None, :, :]) ** 2).sum(-1)
    return float(np.sum((y - np.exp(-d2 * lambda_[None, :]) @ w) ** 2))


@pytest.mark.parametrize("wrt", [r"\lambda", "w", r"\mu"])
def test_a_function_defined_at_a_family_member_is_read_entrywise(wrt):
    """f(x_i) = ... (corpus 098): f_i, its value at x_i; f(x_i) in S is f_i."""
    check_gradient(RBF, wrt, f=rbf, objective="S")


def test_a_function_defined_at_a_member_applied_elsewhere_is_refused():
    doc = RBF.replace(r"f(x_i))^2", r"f(\mu_i))^2")
    with pytest.raises(matcalc.MatcalcError, match="two readings"):
        matcalc.gradient(doc, "w", objective="S")


@pytest.mark.parametrize("doc", [
    # corpus 106: y^i, x^i declared as names, used inside the sum over i
    r"$w, x^i \in \mathbb{R}^2, y^i \in \mathbb{R}$ $$J = \sum_{i=1}^{m} ( y^i - w^Tx^i )^2$$",
])
def test_a_declared_name_whose_superscript_is_bound_is_refused(doc):
    with pytest.raises(matcalc.MatcalcError, match="is declared as one name, but i is bound"):
        matcalc.gradient(doc, "w")


LAYER_FAMILY = r"$w, x^{(i)} \in \mathbb{R}^2, y^{(i)} \in \mathbb{R}$ " \
               r"$$J = \sum_{i=1}^{m} ( y^{(i)} - w^Tx^{(i)} )^2$$"


def test_a_layer_declared_family_takes_the_range_of_its_sums():
    """x^{(i)} \\in R^2 with no range, summed over i = 1..m: the family of m members (as
    x_i \\in R^2 is), with a note -- it was one vector added m times."""
    g = check_gradient(LAYER_FAMILY, "w",
                       f=lambda w, x, y: float(np.sum((y - x @ w) ** 2)))
    assert any("range of i is not declared" in n.reason for n in g.notes)


def test_an_entry_definition_of_a_declared_vector_is_refused():
    """z_1 = ... with z \\in R^2 declared: entry 1 of z, or a new name z_1 (then z is a
    free input and the gradient through it is 0, silently: corpus 106)."""
    doc = r"$x, \alpha, w, z \in \mathbb{R}^2$ $$\ell(w,\alpha) := w^Tz$$ where " \
          r"$z_1 = \sigma(\alpha^T x)$ and $z_2 = \sigma(x^T x)$"
    with pytest.raises(matcalc.MatcalcError, match="two readings") as err:
        matcalc.gradient(doc, r"\alpha")
    assert err.value.line == 1 and "entry 1" in str(err.value)


def test_a_displaystyle_group_around_a_formula_is_the_formula():
    """{\\displaystyle ...} around a whole formula (Wikipedia's markup, corpus 116)."""
    doc = r"$x, b \in \mathbb{R}^n$ $${\displaystyle f = \|x - b\|^{2}}$$"
    check_gradient(doc, "x", f=lambda x, b: float(np.sum((x - b) ** 2)))


def test_a_squared_name_declared_a_number_declares_the_name():
    """``\\sigma^2 \\in \\mathbb{R}`` (the variance declared, as statistics posts write it):
    \\sigma is a number, noted; a squared name declared a vector stays refused."""
    doc = (r"$x \in \mathbb{R}^n, \sigma^2 \in \mathbb{R}$ "
           r"$$f = -\frac{n}{2}\log \sigma^2 - \frac{x^Tx}{2\sigma^2}$$")
    g = check_gradient(doc, r"\sigma", lambda x, sigma: float(
        -len(x) / 2 * np.log(sigma ** 2) - x @ x / (2 * sigma ** 2)))
    assert any("declared a number" in n.reason for n in g.notes)
    with pytest.raises(matcalc.MatcalcError):
        matcalc.gradient(doc.replace(r"\sigma^2 \in \mathbb{R}$", r"\sigma^2 \in \mathbb{R}^n$"),
                         r"\sigma")
