r"""Functions the document leaves arbitrary (`ops.opaque`, `lower.opaque`): ``L = f(D)`` with
"f is an arbitrary loss function", ``\phi(Z)`` beside ``\phi'(Z)``, ``\sum_i \ell(y_i,
\hat y_i)``. Every gradient is compared with central differences at a random smooth instance
of the function (`numeric.sample_inputs` puts one in), and with a closed form where the
user passes their own callables."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

import matcalc
from matcalc import MatcalcError, numeric
from matcalc.ops import opaque

from helpers import check_gradient, jacobian_fd, refused

LAYER = (r"$X \in \mathbb{R}^{m\times n}, W \in \mathbb{R}^{h\times m}$, $D = WX$ and "
         r"$L = f(D)$, where $f$ is an arbitrary loss function.")
ACTIVATION = (r"$U \in \mathbb{R}^{m \times h}, V \in \mathbb{R}^{h \times d}, X \in "
              r"\mathbb{R}^{d \times n}, Y \in \mathbb{R}^{m \times n}$" "\n"
              r"$$Z = VX,\quad F=\phi(Z),\quad G=\phi'(Z)$$" "\n"
              r"$$\mathcal{L} = \|UF-Y\|_F^2$$")
LOSSES = (r"$X \in \mathbb{R}^{n\times d}, w \in \mathbb{R}^d, y \in \mathbb{R}^n$, "
          r"$\hat y = Xw$ and $L = \sum_{i=1}^n \ell(y_i, \hat y_i)$, where $\ell$ is a "
          r"loss function.")


@pytest.mark.parametrize("wrt", ["W", "X"])
def test_a_loss_of_a_matrix_is_a_scalar_function_with_a_gradient(wrt):
    g = check_gradient(LAYER, wrt)
    assert r"\nabla f" in g.latex()
    assert g.inputs[r"\nabla f"] == "f_grad"
    assert any("arbitrary differentiable function" in n.reason for n in g.notes)
    assert matcalc.check(LAYER, wrt, claim=g.latex()).ok       # the printed form reads back


def test_the_hand_derived_layer_gradient_is_checked():
    assert matcalc.check(LAYER, "W", claim=r"\nabla f(D) X^T").ok
    assert not matcalc.check(LAYER, "W", claim=r"2 \nabla f(D) X^T").ok


def test_the_code_takes_the_users_own_functions():
    """f(D) = ||D||_F^2 given as callables: the gradient is 2 W X X^T."""
    g = matcalc.gradient(LAYER, "W")
    rng = np.random.default_rng(1)
    X, W = rng.standard_normal((3, 5)), rng.standard_normal((4, 3))
    got = g.to_numpy()(X=X, W=W, f_grad=lambda D: 2 * D)
    assert np.allclose(got, 2 * W @ X @ X.T)
    assert "f_grad: callable" in g.numpy_source()


def test_an_activation_with_its_derivative_written_is_entrywise():
    g = check_gradient(ACTIVATION, "V", objective=r"\mathcal{L}")
    assert r"\phi'" in g.latex() or "G" in g.latex()
    claim = r"2\Big(G\odot(U^TUF-U^TY)\Big)X^T"
    assert matcalc.check(ACTIVATION, "V", claim=claim, objective=r"\mathcal{L}").ok
    assert not matcalc.check(ACTIVATION, "V", claim=r"2\Big(F\odot(U^TUF-U^TY)\Big)X^T",
                             objective=r"\mathcal{L}").ok


@pytest.mark.parametrize("wrt", ["w", "y"])
def test_a_sum_of_losses_of_entries_is_entrywise_in_two_arguments(wrt):
    g = check_gradient(LOSSES, wrt)
    assert r"\partial_{" in g.latex()
    assert matcalc.check(LOSSES, wrt, claim=g.latex()).ok


def test_the_hessian_of_an_entrywise_function_uses_its_second_derivative():
    doc = (r"$x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n}$ and $L = \sum_i \phi(x_i) + "
           r"x^T A x$, where $\phi$ is a smooth function.")
    g = check_gradient(doc, "x")
    h = matcalc.hessian(doc, "x")
    assert r"\phi''" in h.latex()
    rng = np.random.default_rng(3)
    kw = numeric.sample_inputs(g.problem, rng)
    want = jacobian_fd(g.to_numpy(), kw, "x")
    assert np.allclose(numeric.call(h.to_numpy(), kw), want, atol=1e-6)


def test_a_scalar_argument_is_the_same_either_way():
    doc = r"$x, w, b \in \mathbb{R}$, $y = xw + b$, $L = f(y)$; $f$ is a differentiable function."
    g = check_gradient(doc, "x")
    assert "f'" in g.latex()


# ------------------------------------------------------------------ refusals

def test_an_unknown_function_without_a_word_is_still_refused():
    refused(r"$X \in \mathbb{R}^{m\times n}$ and $L = f(X)$", "X", "unknown function f",
            "arbitrary")


def test_an_arbitrary_function_of_an_array_whose_kind_is_not_said_is_two_readings():
    refused(r"$Z, Y \in \mathbb{R}^{m\times n}$ and $L = \operatorname{Tr}(Y^T \phi(Z))$, where "
            r"$\phi$ is a differentiable function.", "Z", "two readings", r"\nabla \phi",
            r"\phi'")


def test_one_function_applied_to_a_matrix_and_to_entries_is_refused():
    refused(r"$D \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n$ and $L = f(D) + \sum_i "
            r"f(x_i)$, where $f$ is an arbitrary loss function.", "x", "entrywise in one place")


def test_a_hessian_through_the_gradient_of_a_loss_of_an_array_is_refused():
    with pytest.raises(MatcalcError, match="second derivative of the arbitrary function f"):
        matcalc.hessian(LAYER, "W")


def test_a_definition_applied_to_what_it_depends_on_is_two_readings():
    refused(r"$x, w, b \in \mathbb{R}$, $y = xw + b$, $L = y(x)^2$", "x", "two readings",
            r"y \cdot x")


# ------------------------------------------------------------------ instances

@pytest.mark.parametrize("arity", [1, 2, 3])
def test_an_entrywise_instance_has_consistent_derivatives(arity):
    fn = opaque.Opaque("f", "f", arity)
    calls = opaque.instance(fn, "entrywise", np.random.default_rng(arity))
    x = np.random.default_rng(7).standard_normal(arity)
    eps = 1e-6
    for p in opaque._partials(arity, opaque.MAX_ORDER - 1):
        base = opaque.partial_keyword(fn, p)
        for i in range(arity):
            q = tuple(sorted(p + (i,)))
            up = opaque.partial_keyword(fn, q)
            xp, xm = x.copy(), x.copy()
            xp[i] += eps
            xm[i] -= eps
            fd = (calls[base](*xp) - calls[base](*xm)) / (2 * eps)
            assert abs(fd - calls[up](*x)) < 1e-6


def test_a_scalar_instance_has_its_gradients():
    fn = opaque.Opaque("f", "f", 2)
    calls = opaque.instance(fn, "scalar", np.random.default_rng(0))
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((3, 2)), rng.standard_normal(4)
    kw = {"a": a, "b": b}
    f = lambda a, b: calls["f"](a, b)  # noqa: E731
    assert np.allclose(numeric.central_difference(f, kw, "a"), calls["f_grad1"](a, b), atol=1e-6)
    assert np.allclose(numeric.central_difference(f, kw, "b"), calls["f_grad2"](a, b), atol=1e-6)


# ------------------------------------------------------------------ a property

INNER = [r"WX", r"W X + B", r"\tanh(W X)", r"W (X \odot X)", r"\exp(W) X", r"W X X^T W^T"]


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(INNER), st.sampled_from(["scalar", "entrywise"]),
       st.integers(0, 2 ** 16))
def test_an_arbitrary_function_of_a_random_layer_derives_right(inner, kind, seed):
    """Wrapped in an arbitrary loss (f(D), a scalar function of the matrix) or an arbitrary
    activation summed (1^T \\phi(D) 1, entrywise), every inner expression's gradient wrt W
    matches central differences at a random instance."""
    decl = (r"$W \in \mathbb{R}^{h\times m}, X \in \mathbb{R}^{m\times n}, B \in "
            r"\mathbb{R}^{h\times n}$, ")
    if "X^T W^T" in inner:
        decl = r"$W \in \mathbb{R}^{h\times m}, X \in \mathbb{R}^{m\times n}$, "
    if kind == "scalar":
        doc = decl + rf"$D = {inner}$ and $L = f(D)$, where $f$ is an arbitrary loss function."
    else:
        doc = decl + (rf"$D = {inner}$ and $L = \mathbf{{1}}^T \phi(D) \mathbf{{1}}$, where "
                      r"$\phi$ is a differentiable function applied elementwise.")
    check_gradient(doc, "W", seed=seed)


def test_a_sigma_the_text_calls_an_activation_is_arbitrary_not_the_logistic():
    """σ is the logistic function by default; "$\\sigma$ is an activation function" says
    otherwise: the result is in σ', and the check puts in a random σ (the logistic
    reading's σ(1 - σ) would be one instance only)."""
    doc = (r"$W \in \mathbb{R}^{m\times n}, x \in \mathbb{R}^n, y \in \mathbb{R}^m$, "
           r"$L = y^T \sigma(Wx)$, where $\sigma$ is an activation function.")
    g = check_gradient(doc, "W")
    assert r"\sigma'" in g.latex()
    assert matcalc.check(doc, "W", claim=r"(y \odot \sigma'(Wx)) x^T").ok
    named = doc.replace("an activation function", "the sigmoid function")
    assert r"\sigma'" not in matcalc.gradient(named, "W").latex()


# ------------------------------------------------------------------ found by the fuzzer

def test_the_gradient_and_the_objective_take_the_same_callables():
    """g.inputs lists the callables of the objective too (f beside f_grad), and the objective
    accepts the gradient's: one set of keyword arguments serves both (the fuzzer passes
    g.inputs' keywords to both; the objective refused f_grad, and f was not listed)."""
    g = matcalc.gradient(LAYER, "W")
    assert g.inputs["f"] == "f" and g.inputs[r"\nabla f"] == "f_grad"
    rng = np.random.default_rng(4)
    X, W = rng.standard_normal((3, 5)), rng.standard_normal((4, 3))
    kw = dict(X=X, W=W, f=lambda D: float(np.sum(D ** 3)), f_grad=lambda D: 3 * D ** 2)
    assert set(kw) == set(g.inputs.values())
    value = g.objective_numpy()(**kw)
    assert np.isclose(value, np.sum((W @ X) ** 3))
    got = g.to_numpy()(**kw)
    want = numeric.central_difference(g.objective_numpy(), kw, "W")
    assert np.allclose(got, want, atol=1e-6)
    assert np.allclose(got, 3 * (W @ X) ** 2 @ X.T)


@pytest.mark.parametrize("paren", [r"\big(x\big)", r"\Big(x\Big)", r"\left(x\right)", "(x)"])
def test_a_prime_before_a_sized_parenthesis_is_a_derivative_written(paren):
    """g'\\big(x\\big) writes g's derivative as g'(x) does: g is an arbitrary (entrywise)
    function, no longer "unknown function g"."""
    doc = (r"$x \in \mathbb{R}^n, A \in \mathbb{R}^{n\times n}$" "\n"
           rf"$h = g'{paren}$" "\n" r"$L = \mathbf{1}^T g(A x) + h^T x$")
    g = check_gradient(doc, "x")
    assert any("g'" in n.reason for n in g.notes)
    assert matcalc.check(doc, "x", claim=g.latex()).ok


def test_a_transposed_gradient_reads_back():
    """\\nabla f(D)^T, as the printer writes it (the gradient of a loss of a vector, in a
    product): the postfix applies to the gradient. It read \\nabla as an unknown name."""
    doc = (r"$u \in \mathbb{R}^{n}$" "\n" r"$\ell = f(\operatorname{softmax}(u))$" "\n"
           r"$f$ is a smooth function.")
    g = check_gradient(doc, "u")
    assert matcalc.check(doc, "u", claim=g.latex()).ok
    s = r"\operatorname{softmax}(u)"
    claim = rf"{s} \odot \nabla f({s}) - (\nabla f({s})^T {s}) {s}"
    assert matcalc.check(doc, "u", claim=claim).ok
    assert not matcalc.check(doc, "u", claim=rf"{s} \odot \nabla f({s})").ok
    layer = LAYER.replace(r"$L = f(D)$", r"$L = \operatorname{Tr}(A \nabla f(D)^T) + f(D)$") \
        .replace(r"W \in \mathbb{R}^{h\times m}$", r"W, A \in \mathbb{R}^{h\times m}$") \
        .replace(r"X \in \mathbb{R}^{m\times n}", r"X \in \mathbb{R}^{m\times m}")
    check_gradient(layer, "A")
    assert matcalc.check(layer, "A", claim=r"\nabla f(D)").ok
    assert not matcalc.check(layer, "A", claim=r"\nabla f(D)^T").ok


def test_an_unnamed_objective_beside_a_function_f_is_refused_with_a_place():
    """A bare final expression is the definition f inside: beside the document's function f
    it was 'line 0, column 0: circular definition: f -> f'."""
    doc = (r"$w, p \in \mathbb{R}^{n}$" "\n" r"$f\left(w \odot p\right)$" "\n"
           r"$f$ is a differentiable real-valued function.")
    with pytest.raises(MatcalcError, match=r"line 2, column 2: .*name the objective"):
        matcalc.gradient(doc, "p")
    check_gradient(doc.replace(r"$f\left", r"$L = f\left"), "p")


@pytest.mark.parametrize("wrt", ["u", r"\alpha"])
def test_a_mask_beside_a_derivative_of_an_arbitrary_function_takes_its_length(wrt):
    """(∂₂ℓ(α1_M, u) ⊙ 1_{[2,M]}) and ∂₁ℓ(α1_M, u)^T 1_{[2,M]}, as the gradients of a sum from
    2 print: the mask's length is inferred from the derivative beside it (the inference
    knew neither the application's shape nor the mark before it: 'cannot tell the length
    of this 0/1 vector')."""
    doc = (r"$\alpha \in \mathbb{R}, u \in \mathbb{R}^M$ and $L = \tanh(\sum_{j=2}^{M} "
           r"\ell(\alpha, u_j))$, where $\ell$ is a loss function.")
    g = check_gradient(doc, wrt)
    assert r"\mathbf{1}_{[2,\,M]}" in g.latex()
    assert matcalc.check(doc, wrt, claim=g.latex()).ok


def test_a_derivative_written_in_the_document_holds_in_its_claims():
    """g is arbitrary because the document writes g'(x): a claim that applies g (the printed
    gradient g(u)) is read in that document -- it was 'unknown function g', the claim's own
    text having no g' in it."""
    doc = (r"u \in \mathbb{R}^{m}, \quad x \in \mathbb{R}^{n}, \quad b \in \mathbb{R}^{m}" "\n"
           r"h = g^{\prime}(x)" "\n" r"H = (b^T) g(u) + h^T x" "\n" r"L = H")
    g = check_gradient(doc, "b")
    assert g.latex() == r"g\left(u\right)"
    assert matcalc.check(doc, "b", claim=g.latex()).ok
    assert not matcalc.check(doc, "b", claim=r"2 g(u)").ok


@pytest.mark.parametrize("value", [r"$G = f'(D)$ and $L = A : G$", r"$L = A : f'(D)$"])
def test_a_prime_of_a_loss_of_an_array_is_two_readings(value):
    """"f is a loss function" (a scalar function of D) and f'(D): the gradient of the loss,
    or the derivative of an f applied entrywise -- different numbers; it was read entrywise
    without a word. On scalars, and with the kind said, it still reads."""
    doc = rf"$D, A \in \mathbb{{R}}^{{m\times n}}$, {value}, where $f$ is an arbitrary loss function."
    refused(doc, "D", "two readings", r"\nabla f", "elementwise")
    check_gradient(doc.replace("an arbitrary loss function", "applied elementwise"), "D")
    check_gradient(r"$x, y \in \mathbb{R}$, $L = f'(x y) + f(x)$, where $f$ is a loss function.",
                   "x")


def test_a_derivative_written_with_doubled_escapes_makes_the_function_arbitrary_too():
    """A source view doubles every backslash (`f'\\\\left(x\\\\right)`); the reader reads
    such a post as the original, so the derivative it writes must count as written (found
    by the doubled-escape property of tests/test_lost_delimiters.py: one copy derived, the
    other was 'unknown function f')."""
    doc = (r"Let $x \in \mathbb{R}^{n}, \alpha \in \mathbb{R}$." "\n"
           r"Define $h = f'\left(x\right)$." "\n"
           r"We minimise $$L = \alpha \mathbf{1}^T h$$")
    doubled = doc.replace("\\", "\\\\")
    assert matcalc.gradient(doubled, "x").text() == matcalc.gradient(doc, "x").text()
    check_gradient(doubled, "x")


# ------------------------------------------------------------------ order of the text

# one use of the arbitrary function f per definition: (definition, the objective's term)
USES = {
    "scalars": (r"a_{k} = \sum_i f(y_i)", r"a_{k}"),
    "array": (r"B_{k} = f(Z)", r"A : B_{k}"),
    "prime": (r"G_{k} = f'(Z)", r"A : G_{k}"),
    "grad": (r"H_{k} = \nabla f(Z)", r"A : H_{k}"),
}
SAYS = {"neutral": "$f$ is a differentiable function", "loss": "$f$ is a loss function",
        "elementwise": "$f$ is a differentiable function applied elementwise", "none": ""}


def _kind_doc(uses, order, terms, say, first, whole):
    """A document of `uses` (USES keys), defined in `order`, summed in the objective in the
    order `terms` (or the objective L = f(Z) itself, `whole`, the uses then unused), the
    sentence `say` before or after the formulas."""
    defs = [USES[u][0].replace("{k}", f"{{{k + 1}}}") for k, u in enumerate(uses)]
    objective = r"L = f(Z)" if whole else "L = x^T Z x + " + " + ".join(
        USES[uses[k]][1].replace("{k}", f"{{{k + 1}}}") for k in terms)
    lines = [r"$x \in \mathbb{R}^n, Z, A \in \mathbb{R}^{n\times n}$", "$y = Zx$"] + \
        [f"${defs[k]}$" for k in order] + [f"${objective}$"]
    if SAYS[say]:
        lines.insert(0 if first else len(lines), SAYS[say] + ".")
    return "\n".join(lines)


def _outcome(doc):
    """("derives", gradient at fixed inputs and callables) or ("refused", the refusal's
    class: its type and which kind message, if one)."""
    try:
        g = matcalc.gradient(doc, "Z")
    except MatcalcError as e:
        text = str(e)
        which = next((k for k in ("cannot be both", "two readings") if k in text), "other")
        return "refused", (type(e).__name__, which)
    rng = np.random.default_rng(5)
    kw = numeric.sample_inputs(g.problem, rng, g.objective_numpy())
    return "derives", (tuple(sorted(g.inputs.values())), numeric.call(g.to_numpy(), kw), kw)


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(sorted(USES)), min_size=1, max_size=3),
       st.sampled_from(sorted(SAYS)), st.booleans(), st.booleans(), st.randoms())
def test_the_order_of_the_text_never_changes_an_arbitrary_functions_kind(uses, say, first,
                                                                         whole, rnd):
    """f's kind is decided from all its uses (`lower.kinds`): the definitions in another
    order, the objective's terms in another, the sentence before or after -- the same
    gradient (at the same inputs and callables) or the same refusal. (With a neutral
    sentence, f(Z) derived entrywise when a use on scalars was lowered first and was
    refused otherwise.)"""
    n = len(uses)
    base = _kind_doc(uses, list(range(n)), list(range(n)), say, first, whole)
    order, terms = list(range(n)), list(range(n))
    rnd.shuffle(order)
    rnd.shuffle(terms)
    other = _kind_doc(uses, order, terms, say, not first if rnd.random() < 0.5 else first,
                      whole)
    a, b = _outcome(base), _outcome(other)
    assert a[0] == b[0], (base, a, other, b)
    if a[0] == "refused":
        assert a[1] == b[1], (base, a, other, b)
        return
    assert a[1][0] == b[1][0], (a[1][0], b[1][0])
    g = matcalc.gradient(other, "Z")
    got = numeric.call(g.to_numpy(), a[1][2])
    assert np.allclose(got, a[1][1], rtol=1e-10, atol=1e-12), (base, other)
    check_gradient(other, "Z", seed=3, nontrivial=False)


@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_a_neutral_function_used_on_scalars_is_entrywise_on_arrays_in_either_order(order):
    """"$f$ is a differentiable function", f(y_i) on scalars and f(Z) on a matrix: f is a
    function of scalars, so f(Z) is entrywise -- whichever definition comes first (it was
    refused as two readings when f(Z) was lowered first)."""
    doc = _kind_doc(["scalars", "array"], list(order), list(order), "neutral", False, False)
    g = check_gradient(doc, "Z")
    assert "f'" in g.latex()


def test_a_loss_applied_to_scalars_and_to_a_matrix_names_both_readings():
    doc = _kind_doc(["array", "scalars"], [0, 1], [1, 0], "loss", True, False)
    refused(doc, "Z", "cannot be both", "applied to scalars", "loss function")


# ------------------------------------------------------------------ found by the fuzzer (kinds)

def test_the_name_of_a_loss_in_its_sentence_is_not_the_objective():
    """$\\ell(U)$ then "where $\\ell$ is a loss function": the objective is \\ell(U). The
    bare $\\ell$ of the sentence was taken for the objective (a scalar input), and the
    gradient was 0 without a word -- silently wrong."""
    doc = ("$U^{(2)} \\in \\mathbb{R}^{n\\times d}$\n$\\ell\\left(U^{(2)}\\right)$\n"
           "where $\\ell$ is a loss function.")
    g = check_gradient(doc, "U^{(2)}")
    assert r"\nabla \ell" in g.latex()


def test_an_entrywise_function_of_a_zero_vector_prints_as_a_vector():
    """\\psi(x - x) of a vector is \\psi(0) at every entry: printed \\psi(0) 1_M, it reads
    back as the gradient (printed \\psi(0), it read back as a scalar)."""
    doc = "x, y \\in \\mathbb{R}^M\nh = \\psi'(y)\nf = x^T \\psi(x - x)"
    g = check_gradient(doc, "x")
    assert matcalc.check(doc, "x", claim=g.latex()).ok
