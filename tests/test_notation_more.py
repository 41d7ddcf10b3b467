"""More notation from the corpus documents 071-089 (issue 8), each read as written and
checked numerically -- the gradient against central finite differences of an independent
NumPy objective written here, float64 (`helpers.check_gradient`) -- or refused with a
located MatcalcError naming the construct (and both readings where there are two).
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_gradient, refused

import matcalc




X_N = r"x \in \mathbb{R}^n" + "\n"


def pairs(x, keep):
    """sum over (i, j) with keep(i, j) of x_i x_j^2."""
    n = len(x)
    return float(sum(x[i] * x[j] ** 2 for i in range(n) for j in range(n) if keep(i, j)))


# ------------------------------------------------------------------ \sum_{i<j} (086)

@pytest.mark.parametrize("under, keep", [
    ("i<j", lambda i, j: i < j),
    (r"i \le j", lambda i, j: i <= j),
    (r"i \leq j", lambda i, j: i <= j),
    ("i > j", lambda i, j: i > j),
    (r"i \ge j", lambda i, j: i >= j),
    (r"i \geq j", lambda i, j: i >= j),
    (r"i \lt j", lambda i, j: i < j),
])
def test_sum_over_an_index_comparison(under, keep):
    doc = X_N + rf"f = \sum_{{{under}}} x_i x_j^2"
    check_gradient(doc, "x", lambda x: pairs(x, keep))


@pytest.mark.parametrize("doc, keep", [
    (r"f = \sum_{i} \sum_{j<i} x_i x_j^2", lambda i, j: j < i),
    (r"f = \sum_{j} \sum_{i \le j} x_i x_j^2", lambda i, j: i <= j),
    (r"f = \sum_{i} \sum_{j > i} x_i x_j^2", lambda i, j: j > i),
])
def test_index_comparison_with_one_index_bound_outside(doc, keep):
    # the enclosing sum binds one index: the comparison is a bound on the other
    check_gradient(X_N + doc, "x", lambda x: pairs(x, keep))


def test_index_comparison_pairwise_distances():
    doc = r"""x_i \in \mathbb{R}^{d}, \ i = 1,\dots,n
f = \sum_{i<j} \|x_i - x_j\|^2"""

    def ref(x):
        n = x.shape[0]
        return float(sum(np.sum((x[i] - x[j]) ** 2) for i in range(n) for j in range(i + 1, n)))
    check_gradient(doc, "x_i", ref)


def test_index_comparison_both_bound_is_refused():
    refused(X_N + r"f = \sum_{i} \sum_{j} \sum_{i<j} x_i x_j", "x", "already bound")


# ------------------------------------------------------------------ \vec{1}, \Re, \mathbb{C}

def test_vec_one_is_the_ones_vector():
    doc = r"""w \in \mathbb{R}^n, \lambda \in \mathbb{R}
L = \vec{w}^T\vec{w} - \lambda(\vec{w}^T\vec{1} - 1)"""
    check_gradient(doc.replace(r"\vec{w}", "w"), "w",
                   lambda w, lambda_: float(w @ w - lambda_ * (np.sum(w) - 1)))
    doc2 = r"""\vec{w} \in \mathbb{R}^n, \lambda \in \mathbb{R}
L = \vec{w}^T\vec{w} - \lambda(\vec{w}^T\vec{1} - 1)"""
    check_gradient(doc2, r"\vec{w}",
                   lambda w_vec, lambda_: float(w_vec @ w_vec - lambda_ * (np.sum(w_vec) - 1)))


def test_Re_after_in_is_the_reals():
    doc = r"""$x \in \Re^n$, $Q \in \Re^{n\times n}$
$$f = x^TQx$$"""
    check_gradient(doc, "x", lambda x, Q: float(x @ Q @ x))


def test_Re_elsewhere_is_refused():
    refused(X_N + r"f = \Re(x^T x)", "x", r"\Re", "real part")


def test_complex_space_is_refused_located():
    refused(r"""w \in \mathbb{C}^N, Q \in \mathbb{C}^{N \times N}
f = w^T Q w""", "w", "complex spaces are not supported")


# ------------------------------------------------------------------ left sides (078, 079)

def test_log_density_left_side_is_the_objective_as_written():
    doc = r"""$y \in \mathbb{R}^n, K \in \mathbb{R}^{n \times n}$
$$\log p(y|X, \theta) = -\frac{1}{2}y^{T} K^{-1}y - \frac{1}{2}\log|K|$$"""

    def ref(y, K):
        return float(-0.5 * y @ np.linalg.solve(K, y) - 0.5 * np.linalg.slogdet(K)[1])
    sample = "spd"
    for objective in (r"\log p(y|X, \theta)", r"\log p(y|X,\theta)"):
        g = matcalc.gradient(doc, "K", objective=objective)
        assert g.wrt is not None
    check_gradient(doc.replace("|X, \\theta", " \\mid X, \\theta"), "y", ref,
                   objective=r"\log p(y \mid X, \theta)", mode=sample)


def test_subscript_naming_a_declared_vector_is_part_of_the_name():
    # K_y = K_f + \sigma^2 I with y a declared vector: the covariance of y, not an entry
    doc = r"""$y \in \mathbb{R}^n, K_f \in \mathbb{R}^{n \times n}, \sigma \in \mathbb{R}$
$$f = y^T K_y y$$ where $K_y = K_f + \sigma^2 I$"""
    check_gradient(doc, r"\sigma",
                   lambda y, K_f, sigma: float(y @ (K_f + sigma ** 2 * np.eye(len(y))) @ y),
                   objective="f")


def test_log_of_a_number_glued_to_pi_is_the_log_of_the_product_noted():
    """\\log 2\\pi is \\log(2\\pi), as densities write it, with a note (it was refused as two
    readings; the other, (\\log 2)\\pi, differs by a constant); glued to a variable it is still
    refused naming both (tests/test_bare_function_scope.py has the rest)."""
    doc = r"""K \in \mathbb{R}^{n \times n}
f = \log\det K - \frac{n}{2}\log2\pi"""

    def ref(K):
        return float(np.linalg.slogdet(K)[1] - K.shape[0] / 2 * np.log(2 * np.pi))
    for written in (r"\log2\pi", r"\ln 2 \pi", r"\log(2\pi)", r"\log{2\pi}"):
        g = check_gradient(doc.replace(r"\log2\pi", written), "K", ref, mode="spd")
        assert any("read as" in str(n) for n in g.notes) == ("(" not in written and
                                                            "{" not in written), g.notes
    refused(doc.replace(r"\log2\pi", r"\ln 2 \pi K_{11}"), "K", r"\ln(2 \pi K_{11})",
            r"(\ln 2 \pi) K_{11}")


def test_multi_letter_name_applied_to_a_hat_is_the_left_side():
    doc = r"""$\mathbf{a} \in \mathbb{R}^N, \mathbf{C} \in \mathbb{R}^{N \times N}$
$$MSE(\widehat{\theta}) = \mathbf{a}^T\mathbf{C}\mathbf{a} - 2\mathbf{a}^T\mathbf{a}$$"""
    check_gradient(doc, r"\mathbf{a}", lambda a, C: float(a @ C @ a - 2 * a @ a),
                   objective=r"MSE(\widehat{\theta})")


def test_unreadable_objective_line_is_pointed_at():
    # the objective's own line cannot be read (the declared matrix C with a subscript,
    # \theta x, that is neither an index pair nor the 079 notebook's C_{\theta x}, which
    # this document does not declare): the error is there, not "not defined in the document"
    doc = r"""$\mathbf{a} \in \mathbb{R}^N, \mathbf{C} \in \mathbb{R}^{N \times N}$
Text.
$$MSE(\widehat{\theta}) = \mathbf{a}^T\mathbf{C}_{_\theta x}\mathbf{a}$$"""
    e = refused(doc, r"\mathbf{a}", "cannot read this subscript", objective=r"MSE(\widehat{\theta})")
    assert e.line == 3


# ------------------------------------------------------------------ K^T_k (073)

KK = r"K_k \in \mathbb{R}^{n \times m}, H \in \mathbb{R}^{m \times m}" + "\n"


@pytest.mark.parametrize("written", [r"K^T_k", r"K^{T}_{k}", r"K_k^T", r"K^\top_k"])
def test_transpose_before_the_subscript(written):
    doc = KK + rf"f = \operatorname{{tr}}(K_k H {written})"
    check_gradient(doc, "K_k", lambda K_k, H: float(np.trace(K_k @ H @ K_k.T)))


def test_power_before_the_subscript():
    doc = r"""x_i \in \mathbb{R}, \ i = 1,\dots,n
f = \sum_{i=1}^{n} (x^2_i + x^{-1}_i)"""
    check_gradient(doc, "x_i", lambda x: float(np.sum(x ** 2 + 1 / x)), mode="positive")


def test_parenthesised_transpose_keeps_its_subscript():
    # (A^T)_{ij} is an entry of the transpose, A_{ji}: not rewritten as A_{ij}^T
    doc = r"""A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n
f = \sum_{i=1}^{n}\sum_{j=1}^{n} x_i (A^T)_{ij} x_j^2"""
    check_gradient(doc, "A", lambda A, x: float(x @ A.T @ (x ** 2)))


def test_step_subscript_names_like_its_siblings():
    # M_k = ... K_k ... \hat{M}_k with K_k, \hat{M}_k declared whole: M_k is a name
    doc = r"""$K_k \in \mathbb{R}^{n \times m}, H \in \mathbb{R}^{m \times n}, \hat{M}_k \in \mathbb{R}^{n \times n}$
$$M_k = \hat{M}_k - K_kH\hat{M}_k$$
$$f = \operatorname{tr}(M_k)$$"""
    check_gradient(doc, "K_k", lambda K_k, H, M_hat_k: float(np.trace(M_hat_k - K_k @ H @ M_hat_k)),
                   objective="f")


# ------------------------------------------------------------------ y^t (077)

YK = r"y \in \mathbb{R}^N, K \in \mathbb{R}^{N \times N}" + "\n"


def test_lowercase_t_is_the_transpose_when_t_is_nothing_else():
    g = check_gradient(YK + r"f = y^tK^{-1}y", "y",
                       lambda y, K: float(y @ np.linalg.solve(K, y)), mode="spd")
    assert any("read as the transpose" in n.reason for n in g.notes)
    check_gradient(YK + r"f = y^t K y", "K", lambda y, K: float(y @ K @ y))


@pytest.mark.parametrize("doc", [
    YK + r"t \in \mathbb{R}" + "\n" + r"f = y^tKy + t",            # t declared
    YK + r"f = y^tKy + \sum_{t=1}^{N} y_t",                         # t an index
    r"$y \in \mathbb{R}^N, K \in \mathbb{R}^{N \times N}$ at time $t$" + "\n"
    + r"$$f = y^tKy$$",                                              # t mentioned in prose
])
def test_lowercase_t_refused_when_t_is_also_a_name(doc):
    refused(doc, "y", "two readings", "transpose y^T", "to the power t")


def test_lowercase_t_on_a_scalar_stays_a_power():
    refused(r"a \in \mathbb{R}" + "\n" + r"f = a^t", "a", "unknown name t")


# ------------------------------------------------------------------ 075: two objectives

AX = r"$x \in \mathbb{R}^n, a \in \mathbb{R}^n$" + "\n"


@pytest.mark.parametrize("claim", [
    r"$$\frac{\partial a^Tx - x^Tx}{\partial x} = a - 2x$$",
    r"$$\frac{\partial}{\partial x}(a^Tx - x^Tx) = a - 2x$$",
    r"$$\frac{\partial (a^Tx - x^Tx)}{\partial x} = a - 2x$$",
])
def test_prose_expression_is_not_silently_the_objective(claim):
    # regression (corpus 075): the prose mention a^Tx was taken as the objective, giving
    # the gradient a, while the post differentiates a^Tx - x^Tx
    doc = AX + r"The first term is the same as $a^Tx$, hence " + claim + " and so on."
    refused(doc, "x", "two candidates for the objective", "a^Tx", "a^Tx - x^Tx", "differ")


def test_prose_expression_restated_by_the_claim_is_the_objective():
    doc = AX + (r"We differentiate $a^Tx - x^Tx$: $$\frac{\partial}{\partial x}(a^Tx - x^Tx)"
                r" = a - 2x$$")
    check_gradient(doc, "x", lambda x, a: float(a @ x - x @ x))


def test_claim_about_a_name_is_no_rival():
    doc = AX + r"Take $$a^Tx - x^Tx$$ and $$\frac{\partial f}{\partial x} = a - 2x$$"
    check_gradient(doc, "x", lambda x, a: float(a @ x - x @ x))


def test_primed_vector_before_a_parenthesis_is_a_transpose():
    doc = r"""\phi, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n \times n}, r \in \mathbb{R}
f = \phi'(\mu - r\mathbf{1}) - \phi'\Sigma\phi"""
    g = check_gradient(doc, r"\phi", lambda phi, mu, Sigma, r: float(phi @ (mu - r) -
                                                                     phi @ Sigma @ phi))
    assert any("transpose" in n.reason for n in g.notes)


def test_primed_matrix_before_a_parenthesis_is_refused_naming_both():
    doc = r"""A \in \mathbb{R}^{n \times n}, x \in \mathbb{R}^n
f = x^T A'(x + x)"""
    refused(doc, "x", "two readings", "derivative A'", "A^T times")


def test_prose_mention_vs_a_claim_naming_the_definition():
    doc = AX + (r"$$L = a^Tx - x^Tx$$ where the first term is the same as $a^Tx$, hence "
                r"$$\frac{\partial L}{\partial x} = a - 2x$$")
    refused(doc, "x", "two candidates for the objective", "a^Tx", "definition of L")
    # named, it is read
    check_gradient(doc, "x", lambda x, a: float(a @ x - x @ x), objective="L")


def test_prose_mention_after_the_last_definition_is_refused():
    doc = AX + r"$$L = a^Tx - x^Tx$$ where the first term is the same as $a^Tx$."
    refused(doc, "x", "two candidates for the objective", "mentioned in the prose", "L")


def test_bare_line_after_a_definition_stays_the_objective():
    # not a prose mention: a = x^Tx then 3a is the objective (issue 8)
    check_gradient(r"""x \in \mathbb{R}^n
a = x^Tx
3a""", "x", lambda x: float(3 * x @ x))


# ------------------------------------------------------ a sum extending over its index (053)

XYC = r"x \in \mathbb{R}^n, y \in \mathbb{R}^n, c \in \mathbb{R}" + "\n"


@pytest.mark.parametrize("doc, ref", [
    (r"f = \sum_{i=1}^n - x_i^2 + y_i x_i - \ln y_i !",
     lambda x, y: float(np.sum(-x ** 2 + y * x) - sum(np.log(float(np.prod(
         np.arange(1, v + 1)))) for v in y))),
    (r"f = c + \sum_{i=1}^n x_i^2 - y_i x_i", lambda x, y, c: float(c + np.sum(x ** 2 - y * x))),
])
def test_sum_body_extends_over_later_terms_using_its_index(doc, ref):
    # the later terms use i, bound nowhere else: the sum goes on over them (noted)
    kw = dict(x=np.array([0.3, -1.2, 0.7]), y=np.array([2.0, 0.0, 3.0]), c=1.5)
    kw = {k: v for k, v in kw.items() if k in ref.__code__.co_varnames}
    g = check_gradient(XYC + doc, "x", ref, kwargs=kw)
    assert any("read as one sum" in n.reason for n in g.notes)


@pytest.mark.parametrize("doc, piece", [
    (r"f = c\sum_{i=1}^n x_i + y_i^2", "two readings"),          # c Σ(a+b) or cΣa + Σb
    (r"f = -\sum_{i=1}^n x_i + y_i^2", "two readings"),
    (r"f = c - \sum_{i=1}^n x_i + y_i^2", "two readings"),
    (r"f = \sum_{i=1}^n x_i^2 + c + y_i x_i", "two readings"),     # is c summed?
    (r"f = \sum_{i=1}^n \sum_{j=1}^n x_i x_j + y_i x_i", "two readings"),  # inner or outer?
])
def test_sum_extension_with_two_readings_is_refused(doc, piece):
    refused(XYC + doc, "x", "used outside the \\sum that binds it", piece)


# ------------------------------------------- a subscript whose letter a sum rebinds (019)

def test_subscript_with_a_letter_the_sum_binds_is_part_of_the_name():
    # E_{in}: as indices, n would be bound twice -- so {in} labels the in-sample error
    doc = r"""x_n \in \mathbb{R}^d, n = 1,\dots,N, \; w \in \mathbb{R}^d
E_{in}(w) = \sum_{n=1}^{N} (w^T x_n)^2"""
    check_gradient(doc, "w", lambda w, x: float(np.sum((x @ w) ** 2)))


def test_subscript_pair_used_free_stays_an_entrywise_definition():
    # K_{ij} uses i and j free: an entrywise definition, not a name
    doc = r"""x \in \mathbb{R}^n, A \in \mathbb{R}^{n \times n}
K_{ij} = x_i x_j A_{ij}
f = \sum_{i}\sum_{j} K_{ij}"""
    check_gradient(doc, "x", lambda x, A: float(x @ A @ x))


def test_subscript_with_one_letter_free_and_one_rebound_is_refused():
    doc = r"""a \in \mathbb{R}^{m \times N}
E_{in} = \sum_{n=1}^{N} a_{in}"""
    refused(doc, "a", "index i")


# ------------------------------------- a control space ends a word; model equations (056)

def test_where_between_control_spaces_separates_two_statements():
    # \ \ where\ \ : the dropped spaces still end the word, so 'where' joins nothing
    doc = r"""$y \in \mathbb{R}^n$
$$a = 2y\ \ where\ \ b=3y$$
$$f = a^Ta + b^Tb$$"""
    check_gradient(doc, "y", lambda y: float(4 * y @ y + 9 * y @ y))


def test_declared_data_in_a_model_equation_with_undeclared_noise_is_refused():
    # x_i = Uy_i + \epsilon_i: x stays data (model) or is defined with a new input epsilon
    doc = r"""$$\{x_{1}, ..., x_n\}\in\mathbb{R}^{D}$$ and $$\{y_1, ..., y_n\}\in\mathbb{R}^d$$
$$U \in \mathbb{R}^{D\times d}$$
$$x_i=Uy_i+\epsilon_i$$
$$L=\sum_{i}\|x_i-Uy_i\|^2$$"""
    refused(doc, "U", "two readings", "model equation", "\\epsilon", objective="L")


def test_declared_then_defined_through_declared_names_is_a_definition():
    # every name declared: the definition reading is the only one
    doc = r"""x \in \mathbb{R}^n, A \in \mathbb{R}^{n \times n}, b \in \mathbb{R}^n
x = Ab
f = x^Tx"""
    check_gradient(doc, "b", lambda A, b: float((A @ b) @ (A @ b)))


# ------------------------------ V_{bond}^{ij}, k^s_{ij}, r_{ij}^0 as names (088)

BOND = r"""$k^s_{ij}, r_{ij}, r_{ij}^0 \in \mathbb{R}$
$$V_{bond}^{ij}=\frac{k^s_{ij}}{2}(r_{ij}-r_{ij}^0)^2$$"""


def test_text_subscripted_name_with_a_letter_superscript_is_defined():
    g = check_gradient(BOND, "r_{ij}",
                       lambda ks_ij, r_ij, r0_ij: 0.5 * ks_ij * (r_ij - r0_ij) ** 2,
                       objective=r"V_{bond}^{ij}")
    assert set(g.inputs) == {"k^s_{ij}", "r_{ij}", "r^0_{ij}"}


def test_superscript_zero_of_an_undeclared_name_is_refused_naming_both():
    # r_{ij}^0: r to the power 0 (= 1), or the reference value r^0 -- never silently 1
    doc = r"""$k, r \in \mathbb{R}$
$$V=\frac{k}{2}(r-r^0)^2$$"""
    refused(doc, "r", "two readings", "power 0", "superscript 0")


def test_superscript_zero_of_a_declared_name_is_that_name():
    doc = r"""$k, r, r^0 \in \mathbb{R}$
$$V=\frac{k}{2}(r-r^0)^2$$"""
    check_gradient(doc, "r", lambda k, r, r0: 0.5 * k * (r - r0) ** 2)


def test_letter_superscript_on_a_declared_name_stays_a_power():
    # x_{max}^{n} with x_{max} and n declared: a power (V^{ij}_{bond} is a name only
    # where it is defined as one)
    doc = r"""$x_{max}, n \in \mathbb{R}$
$$f = x_{max}^{n}$$"""
    check_gradient(doc, "x_{max}", lambda x_max, n: x_max ** n,
                   kwargs=dict(x_max=1.7, n=3.0))


# ------------------------------- a family indexed through a nested subscript (060)

W2V = r"""$u_{w_{I}} \in \mathbb{R}^d, \; v_{w_{O}}^{'} \in \mathbb{R}^d, \; v_{w_{k}}^{'} \in \mathbb{R}^d$
$$E = - \log(\sigma(v_{w_{O}}^{'}.u_{w_{I}})) - \sum_{k=1}^K \log(\sigma(-v_{w_{k}}^{'}.u_{w_{I}}))$$"""


def _sig(t):
    return 1.0 / (1.0 + np.exp(-t))


def w2v(u_w_I, v_prime_w_O, v_prime_w):
    return float(-np.log(_sig(v_prime_w_O @ u_w_I)) - np.sum(np.log(_sig(-(v_prime_w @ u_w_I)))))


@pytest.mark.parametrize("wrt", ["u_{w_{I}}", "v_{w_{O}}^{'}"])
def test_nested_subscript_in_a_sum_is_a_family_member(wrt):
    # one vector per k (K different terms), not one name v'_{w_k} counted K times
    g = check_gradient(W2V, wrt, w2v)
    assert g.inputs.get("v'_{w}") == "v_prime_w"
    assert any("family of vectors" in n.reason for n in g.notes)


def test_nested_subscript_family_gradient_wrt_the_family():
    check_gradient(W2V, "v'_{w}", w2v)


@pytest.mark.parametrize("extra, piece", [
    (r"$w \in \mathbb{R}^K$", "depends on the index k"),          # labels: a lookup
    (r"$v' \in \mathbb{R}^{d \times N}$", "depends on the index k"),  # a vocabulary matrix
])
def test_nested_subscript_with_a_declared_letter_stays_refused(extra, piece):
    refused(extra + "\n" + W2V, "u_{w_{I}}", piece)


def test_a_log_density_left_side_with_braces_is_named_as_written():
    """Corpus 160: `\\log{p(\\mathbf{x} \\mid \\bm{\\mu}, \\mathbf{L})} = ...`, the objective named
    as the README writes it (braces included), is that definition (it was "not defined":
    the left side's span stopped inside the braces)."""
    doc = (r"$\mathbf{x}, \bm{\mu} \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n \times n}$" "\n"
           r"$$\log{p(\mathbf{x} \mid \bm{\mu}, \Sigma)} = -\frac{1}{2}\log{|\Sigma|}"
           r"-\frac{1}{2}(\mathbf{x}-\bm{\mu})^T\Sigma^{-1}(\mathbf{x}-\bm{\mu})$$")

    def ref(x, mu, Sigma):
        r = x - mu
        return float(-0.5 * np.linalg.slogdet(Sigma)[1] - 0.5 * r @ np.linalg.solve(Sigma, r))
    for objective in (r"\log{p(\mathbf{x} \mid \bm{\mu}, \Sigma)}",
                      r"\log{p(\mathbf{x}\mid\bm{\mu},\Sigma)}"):
        check_gradient(doc, r"\bm{\mu}", ref, objective=objective, mode="spd")
