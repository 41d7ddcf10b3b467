"""Names and shapes as real posts write them (issue 8; corpus 127, 131, 136).

- A bold text group over letters that are declared names is their product
  (``s(\\textbf{Xw})``, 127); a declared name of those letters beside the split, or two
  splits that fit, are refused naming the readings; an upright word stays one name.
- A definition ``v = f(x)`` followed by "is shorthand for the logistic function" binds f.
- A shape written as a tuple (``$X = (m, n)$ input matrix``, 131): a shape where words on
  its line or a product of such names supports it, a vector elsewhere; sizes that are
  values of the document are refused, naming both readings.
- ``|\\Omega|`` for the index set of ``\\sum_{(i,j) \\in \\Omega}`` is the number of its
  entries, the sum of the mask (136); ``\\mathbb{R}^{D x N}`` with an unused letter x is
  D×N, noted.
Every derivation is compared with central differences of an independent NumPy reference.
"""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc
from helpers import check_gradient, refused


def sig(z):
    return 1 / (1 + np.exp(-z))


DECL = r"$X \in \mathbb{R}^{n \times d}, w \in \mathbb{R}^d, y \in \mathbb{R}^n$" "\n"


# ---------------------------------------------------------------- bold groups over products

@pytest.mark.parametrize("font", ["textbf", "textit", "textsf"])
def test_bold_group_over_declared_letters_is_their_product(font):
    doc = DECL + rf"$f = y^T \{font}{{Xw}} + \frac12 w^T w$"
    g = check_gradient(doc, "w", f=lambda X, w, y: float(y @ X @ w + 0.5 * w @ w))
    assert any(f"\\{font}{{Xw}}" in n.reason and "product X w" in n.reason for n in g.notes)


def test_bold_group_inside_a_function_and_a_norm():
    doc = DECL + r"$f = \| \sigma(\textbf{Xw}) - y \|^2$"
    check_gradient(doc, "w", f=lambda X, w, y: float(np.sum((sig(X @ w) - y) ** 2)))


def test_bold_group_of_three_letters_is_the_chain():
    doc = (r"$A \in \mathbb{R}^{n \times m}, B \in \mathbb{R}^{m \times k}, "
           r"x \in \mathbb{R}^k, y \in \mathbb{R}^n$" "\n" r"$f = y^T \textbf{ABx}$")
    check_gradient(doc, "B", f=lambda A, B, x, y: float(y @ A @ B @ x))


def test_a_split_that_is_not_well_shaped_is_no_reading():
    # w X (a d-vector times an n x d matrix) is ill-shaped: refused, never a new name wX
    refused(DECL + r"$f = y^T \textbf{wX}$", "w", r"\textbf{wX}", "not well-shaped", "w X")


def test_declared_name_beside_the_split_is_refused_naming_both():
    doc = (r"$X \in \mathbb{R}^{n \times d}, w \in \mathbb{R}^d, y \in \mathbb{R}^n, "
           r"\textbf{Xw} \in \mathbb{R}^n$" "\n" r"$f = y^T \textbf{Xw}$")
    refused(doc, "w", "two readings", r"the name \mathrm{Xw}", "product X w")


def test_two_splits_are_refused_naming_both():
    doc = (r"$x, y, z \in \mathbb{R}, \mathrm{xy} \in \mathbb{R}$" "\n"
           r"$f = \textbf{xyz}^2$")
    refused(doc, "x", "2 well-shaped ways", "x y z", r"\mathrm{xy} z")


@pytest.mark.parametrize("written", [r"\mathrm{Xw}", r"\text{Xw}"])
def test_an_upright_word_is_never_split(written):
    # an upright word is one name (\mathrm{KL}): here an undeclared vector, inferred, noted
    g = matcalc.gradient(DECL + rf"$f = y^T {written} + w^T w$", "w")
    assert any("not declared; inferred" in n.reason for n in g.notes)
    assert not any("product X w" in n.reason for n in g.notes)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(letters=st.permutations("ABC"), seed=st.integers(0, 3))
def test_bold_chain_property(letters, seed):
    # every order of three square matrices written as one bold group is that product
    doc = (r"$A, B, C \in \mathbb{R}^{n \times n}, u, v \in \mathbb{R}^n$" "\n"
           rf"$f = u^T \textbf{{{''.join(letters)}}} v$")

    def ref(A, B, C, u, v):
        m = {"A": A, "B": B, "C": C}
        return float(u @ m[letters[0]] @ m[letters[1]] @ m[letters[2]] @ v)
    check_gradient(doc, "B", f=ref, seed=seed)


# ------------------------------------------------------- a function named after its definition

@pytest.mark.parametrize("words", ["is shorthand for the logistic function",
                                   "is short for the sigmoid function"])
def test_definition_then_shorthand_sentence_binds_the_applied_function(words):
    doc = DECL + (r"$$J = -y^T \log s - (\mathbf{1} - y)^T \log(\mathbf{1} - s)$$, where "
                  rf"$$s = s(Xw)$$ {words}.")

    def ref(X, w, y):
        p = sig(X @ w)
        return float(-y @ np.log(p) - (1 - y) @ np.log(1 - p))
    g = check_gradient(doc, "w", f=ref)
    assert any("read as the" in n.reason and "circular" in n.reason for n in g.notes)


def test_shorthand_function_applied_elsewhere_to_a_variable_of_that_name_is_refused():
    # s is the vector defined by the sentence's formula; s(...) elsewhere is two readings
    doc = DECL + (r"$$s = s(Xw)$$ is shorthand for the logistic function. "
                  r"$$J = y^T s(w) $$")
    refused(doc, "w", "two readings", objective="J")


# ------------------------------------------------------------------ shapes written as tuples

LAYER = ("- $X = (m, n)$ input matrix with $m$ features and $n$ samples\n"
         "- $W = (H, m)$ weight matrix with $H$ neurons\n"
         "- $D = WX$\n")


def fro_WX(W, X):
    return float(np.sum((W @ X) ** 2))


def test_tuple_shapes_said_to_be_matrices():
    g = check_gradient(LAYER + r"- $L = \|D\|_F^2$" "\n", "W", f=fro_WX)
    shapes = {k: tuple(map(str, v.shape)) for k, v in g.problem.inputs.items()}
    assert shapes == {"X": ("m", "n"), "W": ("H", "m")}
    assert any("X is declared m×n" in n.reason for n in g.notes)


@pytest.mark.parametrize("doc", [
    # nothing said, but the product W X meets at m: the shape reading is the well-shaped one
    "$X = (m, n)$, $W = (H, m)$\n" r"$L = \|WX\|_F^2$",
    # the word 'shapes' on the line
    "The shapes: $X = (m, n)$, $W = (H, m)$.\n" r"$L = \|WX\|_F^2$",
    r"$X = \left(m, n\right)$ data matrix, $W = (H, m)$ weights matrix" "\n"
    r"$L = \|W X\|_F^2$",
])
def test_tuple_shapes_supported_by_words_or_a_product(doc):
    check_gradient(doc, "W", f=fro_WX)


def test_tuple_of_values_without_support_is_not_a_shape():
    # nothing says x = (a, b) is a shape: it is left as the reader took it before (a
    # tuple, which matcalc does not read as a vector: x stays unknown), never a×b
    doc = r"$a, b \in \mathbb{R}$, $x = (a, b)$" "\n" r"$f = x^T x + a b$"
    refused(doc, "a", "unknown name x")


def test_tuple_whose_sizes_are_values_is_refused_naming_both():
    doc = r"$a, b \in \mathbb{R}$, $x = (a, b)$ matrix" "\n" r"$f = \|x\|_F^2$"
    refused(doc, "a", "two readings", "shape a×b", "values a, b")


@pytest.mark.parametrize("doc", [
    # 'vector' after a pair is the vector of its entries, never a shape a×b
    "$x = (m, n)$ vector\n" r"$f = x^T x$",
    # a size word elsewhere on the line is no support
    "$x = (m, n)$ is the point; its size is small.\n" r"$f = x^T x$",
])
def test_tuple_without_support_is_never_a_shape(doc):
    try:
        g = matcalc.gradient(doc, "m")
    except matcalc.MatcalcError:
        return
    assert not any("is declared" in n.reason for n in g.notes)


def test_tuple_shape_word_right_before_or_after():
    for doc in ["with shape $X = (m, n)$, and\n$W = (H, m)$ of shape.\n" r"$L = \|X\|_F^2 + \|W\|_F^2$",
                "$X = (m, n)$ (shape), $W = (H, m)$ (shape)\n" r"$L = \|X\|_F^2 + \|W\|_F^2$"]:
        g = check_gradient(doc, "W", f=lambda X, W: float(np.sum(X ** 2) + np.sum(W ** 2)))
        assert tuple(map(str, g.problem.shape_of("W"))) == ("H", "m")


def test_tuple_without_a_meeting_product_stays_a_definition():
    # X W does not meet (n vs H): no shape is read, and the vector (m, n) of unknown m, n
    # is refused as before, never a guessed shape
    doc = "$X = (m, n)$, $W = (H, m)$\n" r"$L = \|XW\|_F^2$"
    with pytest.raises(matcalc.MatcalcError):
        matcalc.gradient(doc, "W")


def test_tuple_shape_against_a_declaration_is_refused():
    doc = (r"$X \in \mathbb{R}^{n \times m}, W \in \mathbb{R}^{H \times m}$" "\n" + LAYER +
           r"$L = \|D\|_F^2$")
    refused(doc, "W", "two shapes for X")


# ------------------------------------------------ the size of an index set, R^{D x N}

MF = (r"$X\in R^{D x N}$, $W\in R^{D x K}$, $Z\in R^{N x K}$" "\n"
      r"$f = \frac{1}{|\Omega|} \sum_{(d,n) \in \Omega} \frac{1}{2} \big[ X_{dn}-(WZ^T)_{dn}]^2$")


def sample_mask(shape, rng):
    m = (rng.random(shape) < 0.6).astype(float)
    m.flat[0] = 1.0                     # never empty
    return m


def test_size_of_the_set_a_sum_runs_over_is_the_mask_sum():
    rng = np.random.default_rng(1)
    D, N, K = 4, 5, 3
    kw = {"X": rng.normal(size=(D, N)), "W": rng.normal(size=(D, K)),
          "Z": rng.normal(size=(N, K)), "Omega": sample_mask((D, N), rng)}

    def ref(X, W, Z, Omega):
        return float(0.5 * np.sum(Omega * (X - W @ Z.T) ** 2) / np.sum(Omega))
    g = check_gradient(MF, "W", f=ref, kwargs=kw)
    reasons = " | ".join(n.reason for n in g.notes)
    assert r"|\Omega|: the number of entries" in reasons and "D×N" in reasons
    assert "bold" not in reasons
    assert set(g.inputs.values()) == {"X", "W", "Z", "Omega"}      # one mask, not two


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 50), squared=st.booleans())
def test_size_of_a_subscripted_set_property(seed, squared):
    # k-means: the mean squared distance within each cluster C_i, 1/|C_i| (or 1/|C_i|^2)
    doc = (r"$x_j \in \mathbb{R}^d, j = 1, \dots, n$, $\mu_i \in \mathbb{R}^d, i = 1, \dots, K$"
           "\n" r"$f = \sum_{i=1}^{K} \frac{1}{|C_i|" + ("^2" if squared else "") +
           r"} \sum_{j \in C_i} \|x_j - \mu_i\|^2$")
    rng = np.random.default_rng(seed)
    n, K, d = 6, 3, 2
    C = sample_mask((K, n), rng)
    C[:, 0] = 1.0
    kw = {"x": rng.normal(size=(n, d)), "mu": rng.normal(size=(K, d)), "C": C}

    def ref(x, mu, C):
        dist = np.sum((x[None, :, :] - mu[:, None, :]) ** 2, axis=2)
        size = C.sum(axis=1) ** (2 if squared else 1)
        return float(np.sum(np.sum(C * dist, axis=1) / size))
    check_gradient(doc, r"\mu", f=ref, kwargs=kw)


def test_bars_around_a_set_no_sum_runs_over_stay_unknown():
    refused(r"$f = \frac{1}{|\Omega|}$", "f", r"unknown name \Omega")


@pytest.mark.parametrize("size", ["n x m", "nxm", r"n \times m"])
def test_times_letter_reads_as_times(size):
    doc = rf"$A \in R^{{{size}}}, u \in R^{{m}}$" "\n" r"$f = \|A u\|^2$"
    g = check_gradient(doc, "u", f=lambda A, u: float(np.sum((A @ u) ** 2)))
    assert tuple(map(str, g.problem.shape_of("A"))) == ("n", "m")


@pytest.mark.parametrize("other", [r"x \in \mathbb{R}^{n}", r"x \in \mathbb{N}",
                                   r"i = 1, \dots, x"])
def test_times_letter_is_not_read_where_x_is_a_name_or_size(other):
    doc = rf"$A \in R^{{n x m}}, u \in R^{{m}}, {other}$" "\n" r"$f = u^T u$"
    try:
        g = matcalc.gradient(doc, "u")
    except matcalc.MatcalcError:
        return
    assert not any("times sign" in n.reason for n in g.notes)
    assert len(g.problem.shape_of("A")) != 2


# ------------------------------------------------ x_{dn}, the entries of a declared X

MFX = r"$X \in \mathbb{R}^{D \times N}, W \in \mathbb{R}^{D \times K}, Z \in \mathbb{R}^{N \times K}$" "\n"


@pytest.mark.parametrize("body", [r"$f = \sum_{d,n} (x_{dn} - (WZ^T)_{dn})^2$",
                                  r"$f = \sum_{d=1}^{D}\sum_{n=1}^{N} (x_{dn} - (WZ^T)_{dn})^2$",
                                  r"$f = \sum_{d,n} (x_{d,n} - (WZ^T)_{d,n})^2$"])
def test_lowercase_entries_of_a_declared_matrix(body):
    g = check_gradient(MFX + body, "W", f=lambda X, W, Z: float(np.sum((X - W @ Z.T) ** 2)))
    assert set(g.inputs.values()) == {"X", "W", "Z"}       # never a new matrix x beside X
    assert any("entry X_{dn}" in n.reason or "entry X_{d,n}" in n.reason for n in g.notes)


def test_lowercase_entries_transposed_are_refused():
    with pytest.raises(matcalc.MatcalcError):
        matcalc.gradient(MFX + r"$f = \sum_{d,n} x_{nd} (WZ^T)_{dn}$", "W")


def test_a_declared_lowercase_matrix_is_itself():
    doc = MFX.replace(r"X \in", r"X, x \in") + r"$f = \sum_{d,n} x_{dn} (WZ^T)_{dn}$"
    g = check_gradient(doc, "W", f=lambda X, x, W, Z: float(np.sum(x * (W @ Z.T))))
    assert not any("lowercase" in n.reason for n in g.notes)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.permutations(["m", "n", "H", "k"]), word=st.sampled_from(
    ["input matrix", "data matrix", "matrix of inputs", "", "(shape)"]), seed=st.integers(0, 3))
def test_tuple_shapes_property(sizes, word, seed):
    # any three distinct sizes; with or without words, the product W X that meets decides
    a, b, c = sizes[:3]
    doc = (f"$X = ({a}, {b})$ {word}\n$W = ({c}, {a})$ weight matrix\n"
           r"$L = \|W X\|_F^2$")
    g = check_gradient(doc, "W", f=fro_WX, seed=seed)
    assert tuple(map(str, g.problem.shape_of("X"))) == (a, b)


# ------------------------------------------------ \vec over a declared vector (corpus 153)
@pytest.mark.parametrize("written", [r"\vec{x_{i}}", r"\vec{x}_i", r"\overrightarrow{x_i}"])
def test_an_arrow_over_a_declared_vector_is_that_vector(written):
    """Physics texts mark vectors with an arrow: with only x_i declared, `\\vec{x_{i}}` is x_i
    (noted); it was 'unknown name \\vec{x}'."""
    doc = (r"$x_i \in \mathbb{R}^3, m_i \in \mathbb{R}, i = 1,\dots,n$" "\n"
           rf"$$U = \sum_{{i=1}}^{{n}} m_i \|{written}\|^2 + \sum_{{i=1}}^n x_i^T x_i$$")
    g = check_gradient(doc, "x_i", lambda x, m: float(np.sum(m * np.sum(x * x, 1))
                                                      + np.sum(x * x)))
    assert any("the arrow marks it as a vector" in n.reason for n in g.notes), g.notes


def test_an_arrow_over_a_declared_scalar_is_another_name():
    """Beside a declared scalar r (a distance), `\\vec{r}` is the vector, another name: never
    read as r."""
    with pytest.raises(matcalc.MatcalcError, match=r"unknown name \\vec\{r\}"):
        matcalc.gradient(r"$r, a \in \mathbb{R}$ $$f = \vec{r}^T\vec{r} + r a$$", "r")


def test_an_arrow_name_declared_is_its_own_name():
    doc = (r"$\vec{x}, x \in \mathbb{R}^3$" "\n" r"$$f = \vec{x}^T \vec{x} + 3 x^T \vec{x}$$")
    check_gradient(doc, "x", lambda x, x_vec: float(x_vec @ x_vec + 3 * x @ x_vec))
