"""A family of functions defined once with its index and applied as its members
(``f_\\ell(z) = \\tanh(W_\\ell z + b_\\ell)`` then ``f_2(f_1(x))``; ``h^{(l)}(z) = ...``;
``g_\\ell(z; \\gamma_\\ell, \\beta_\\ell) = ...``), and what corpus 091 (a batch-normalised
network) needed beside it: a document's own ``\\sigma(z) = ...``, ``1^T`` as the row of ones,
``z[k]`` as an entry, a function applied inside another function's body. Gradients are
compared with central differences of hand-written NumPy references."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc
from helpers import check_gradient

MLP = (r"$x \in \mathbb{R}^n$, $y \in \mathbb{R}^p$, $W_1 \in \mathbb{R}^{m \times n}$, "
       r"$b_1 \in \mathbb{R}^m$, $W_2 \in \mathbb{R}^{p \times m}$, $b_2 \in \mathbb{R}^p$" "\n"
       r"$f_\ell(z) = \tanh(W_\ell z + b_\ell)$" "\n"
       r"$L = \|f_2(f_1(x)) - y\|^2$")


def mlp(x, y, W_1, b_1, W_2, b_2):
    out = np.tanh(W_2 @ np.tanh(W_1 @ x + b_1) + b_2)
    return float(np.sum((out - y) ** 2))


@pytest.mark.parametrize("wrt", ["W_1", "b_1", "W_2", "b_2", "x"])
def test_two_layer_mlp_written_as_a_family(wrt):
    g = check_gradient(MLP, wrt, f=mlp)
    assert any("family of functions" in n.reason for n in g.notes)


def test_a_member_applied_twice():
    doc = (r"$x \in \mathbb{R}^n$, $W_1 \in \mathbb{R}^{n \times n}$" "\n"
           r"$f_k(z) = \tanh(W_k z)$" "\n"
           r"$L = \|f_1(f_1(x))\|^2$")
    check_gradient(doc, "W_1", f=lambda x, W_1: float(np.sum(
        np.tanh(W_1 @ np.tanh(W_1 @ x)) ** 2)))


def test_a_function_applied_to_itself_is_not_recursion():
    doc = (r"$x \in \mathbb{R}^n$" "\n" r"$g(z) = \tanh(z) + z$" "\n" r"$L = 1^T g(g(x))$")
    check_gradient(doc, "x", f=lambda x: float(np.sum(np.tanh(np.tanh(x) + x) + np.tanh(x) + x)))


def test_index_as_a_layer_superscript():
    doc = (r"$x \in \mathbb{R}^n$, $W^{(1)} \in \mathbb{R}^{m \times n}$, "
           r"$W^{(2)} \in \mathbb{R}^{p \times m}$" "\n"
           r"$h^{(l)}(z) = \sigma(W^{(l)} z)$" "\n"
           r"$L = 1^T h^{(2)}(h^{(1)}(x))$")
    sig = lambda t: 1 / (1 + np.exp(-t))
    ref = lambda x, W1, W2: float(np.sum(sig(W2 @ sig(W1 @ x))))
    for wrt in ("W^{(1)}", "W^{(2)}"):
        g = check_gradient(doc, wrt, f=ref)
    assert set(g.inputs.values()) == {"x", "W1", "W2"}


def test_parameters_after_a_semicolon_are_the_members_own():
    doc = (r"$x \in \mathbb{R}^n$, $a_1, a_2, c \in \mathbb{R}^n$" "\n"
           r"$g_\ell(z; a_\ell) = a_\ell \odot \tanh(z)$" "\n"
           r"$L = 1^T g_2(g_1(x)) + 1^T g_1(x; c)$")
    ref = lambda x, a_1, a_2, c: float(np.sum(a_2 * np.tanh(a_1 * np.tanh(x)))
                                       + np.sum(c * np.tanh(x)))
    g = check_gradient(doc, "a_1", f=ref)
    check_gradient(doc, "c", f=ref)
    assert any("its other parameters are the member's own names" in n.reason for n in g.notes)


def test_a_family_in_a_sum_over_data():
    doc = (r"$x_i \in \mathbb{R}^n$, $y_i \in \mathbb{R}^p$, $i = 1, \dots, N$, "
           r"$W_1 \in \mathbb{R}^{m \times n}$, $W_2 \in \mathbb{R}^{p \times m}$" "\n"
           r"$f_\ell(z) = \frac{1}{1 + \exp(-W_\ell z)}$" "\n"
           r"$L = \sum_{i=1}^N \|f_2(f_1(x_i)) - y_i\|_2^2$")
    sig = lambda t: 1 / (1 + np.exp(-t))

    def ref(x, y, W_1, W_2):
        return float(sum(np.sum((sig(W_2 @ sig(W_1 @ a)) - b) ** 2) for a, b in zip(x, y)))
    check_gradient(doc, "W_1", f=ref)


# ------------------------------------------------------------------ batch normalisation
BN = (r"$x_i \in \mathbb{R}^n$, $y_i \in \mathbb{R}^m$, $i = 1, \dots, N$, "
      r"$W_1 \in \mathbb{R}^{m \times n}$" "\n"
      r"$\alpha, \epsilon \in \mathbb{R}$, $\gamma_\ell, \beta_\ell \in \mathbb{R}, \; "
      r"\ell = 1, \dots, 3$" "\n"
      r"$\mu(z) = \alpha 1^T z$" "\n"
      r"$\sigma(z) = \alpha \sum_{k=1}^m \left( z[k] - \mu(z) \right)^2 \equiv "
      r"\alpha 1^T \left[ \left( z- \mu(z) \right) \odot \left(z - \mu(z) \right) \right]$" "\n"
      r"$g_\ell(z; \gamma_\ell, \beta_\ell) = \gamma_\ell \frac{\left( z- \mu(z) \right)}"
      r"{\left( \sigma(z) + \epsilon \right)^{1/2}} + \beta_\ell$" "\n")


def bn_ref(x, y, W_1, alpha, epsilon, gamma, beta):
    total = 0.0
    for a, b in zip(x, y):
        z = W_1 @ a
        mu = alpha * np.sum(z)
        var = alpha * np.sum((z - mu) ** 2)
        out = gamma[0] * (z - mu) / np.sqrt(var + epsilon) + beta[0]
        total += float(np.sum((out - b) ** 2))
    return total


def test_batch_norm_layer_with_its_own_sigma_and_mu():
    doc = BN + r"$L = \sum_{i=1}^N \| g_1(W_1 x_i) - y_i \|_2^2$"
    g = check_gradient(doc, "W_1", f=bn_ref, mode="positive")
    check_gradient(doc, r"\gamma", f=bn_ref, mode="positive")
    reasons = " ".join(n.reason for n in g.notes)
    assert "the document's own function \\sigma, not the logistic sigmoid" in reasons
    assert "1^T read as the row of ones" in reasons
    assert "plus or minus a scalar" in reasons      # z - \mu(z): broadcast, noted


def test_a_chain_that_sums_to_another_layers_width_is_refused_there():
    # \sum_{k=1}^m sums m entries of the second layer's p-vector, 1^T all p: two readings
    doc = BN.replace(r"$y_i \in \mathbb{R}^m$", r"$y_i \in \mathbb{R}^p$, "
                     r"$W_2 \in \mathbb{R}^{p \times m}$") + \
        r"$L = \sum_{i=1}^N \| g_2(W_2 g_1(W_1 x_i)) - y_i \|_2^2$"
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, "W_1")
    msg = str(err.value)
    assert "chain of equalities" in msg and "inside g_{2}(...)" in msg and err.value.line


def test_undeclared_own_names_of_a_member_are_refused_naming_the_declaration():
    doc = (r"$x \in \mathbb{R}^n$, $W_1 \in \mathbb{R}^{n \times n}$" "\n"
           r"$g_\ell(z; \gamma_\ell) = \gamma_\ell z$" "\n"
           r"$L = \|g_1(W_1 x)\|^2$")
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, "W_1")
    msg = str(err.value)
    assert "of g_{1} (the family g_\\ell)" in msg and "\\gamma_\\ell \\in \\mathbb{R}" in msg
    assert err.value.line == 2


@pytest.mark.parametrize("doc, says", [
    # a member also defined on its own
    (r"$x \in \mathbb{R}^n$ $f_\ell(z) = \tanh(z)$ $f_2(z) = z$ $L = 1^T f_2(f_1(x))$",
     "two readings"),
    # a member that is also a declared variable
    (r"$x, g_3 \in \mathbb{R}^n$ $g_\ell(z) = \tanh(z)$ $L = 1^T g_3(g_1(x))$",
     "declared variable"),
    # a family beside a function of its bare name: member 1, or entry 1 of g(...)
    (r"$x \in \mathbb{R}^n$ $g(z) = z$ $g_\ell(z) = \tanh(z)$ $L = 1^T g_1(g(x))$",
     "entry 1 of g"),
    # a family beside a declared vector of its bare name: member 3, or entry 3 of g times (...)
    (r"$x, g \in \mathbb{R}^n$ $g_\ell(z) = \tanh(z)$ $L = 1^T g_3(g_1(x))$",
     "entry 3 of the declared g"),
    # a member that a sentence names a function
    (r"$x \in \mathbb{R}^n$ $g_\ell(z) = \tanh(z)$ $L = 1^T g_3(g_1(x))$ where $g_3$ is "
     r"the softmax function.", "the softmax function a sentence names it"),
    # a member outside the family's declared range
    (r"$x \in \mathbb{R}^n$, $\ell = 1, \dots, 2$ $f_\ell(z) = \tanh(z)$ "
     r"$L = 1^T f_3(f_1(x))$", "is not one of them"),
    # a wrong number of arguments
    (r"$x \in \mathbb{R}^n$ $f_\ell(z, w) = z \odot w$ $L = 1^T f_2(f_1(x, x))$",
     "takes 2 arguments, not 1"),
])
def test_family_refusals_are_located(doc, says):
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, "x")
    assert says in str(err.value), str(err.value)
    assert err.value.line == 1 and err.value.column


# ------------------------------------------------------------------ readings beside it
def test_a_sigma_defined_as_the_logistic_stays_the_builtin():
    doc = r"$x \in \mathbb{R}^n$ $\sigma(z) = \frac{1}{1+e^{-z}}$ $L = 1^T \sigma(x)$"
    g = check_gradient(doc, "x", f=lambda x: float(np.sum(1 / (1 + np.exp(-x)))))
    assert "\\sigma" in g.latex() and not any("document's own function" in n.reason for n in g.notes)


def test_a_sigma_defined_otherwise_is_the_documents_own():
    doc = r"$x \in \mathbb{R}^n$ $\sigma(z) = z \odot z + z$ $L = 1^T \sigma(x)$"
    g = check_gradient(doc, "x", f=lambda x: float(np.sum(x * x + x)))
    assert any("own function \\sigma" in n.reason for n in g.notes)


def test_one_transposed_is_the_row_of_ones():
    doc = r"$x \in \mathbb{R}^n$, $\alpha \in \mathbb{R}$ $\mu(z) = \alpha 1^T z$ " \
          r"$f = \|x - \mu(x)\|^2$"
    check_gradient(doc, "x", f=lambda x, alpha: float(np.sum((x - alpha * np.sum(x)) ** 2)))


def test_an_entry_written_in_square_brackets():
    doc = r"$x \in \mathbb{R}^n$, $W \in \mathbb{R}^{n \times n}$ " \
          r"$f = \sum_{k=1}^n (x[k] - 1)^2 + x^T W [x]$"
    check_gradient(doc, "x", f=lambda x, W: float(np.sum((x - 1) ** 2) + x @ W @ x))


ACTS = {r"\tanh": np.tanh, r"\sigma": lambda t: 1 / (1 + np.exp(-t)),
        r"\exp": np.exp}


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(depth=st.integers(1, 3), act=st.sampled_from(sorted(ACTS)),
       superscript=st.booleans(), wrt=st.integers(1, 3))
def test_property_deep_networks_as_families(depth, act, superscript, wrt):
    """A network of `depth` layers written as one family (subscript or layer superscript)
    has the gradient of the same network written out."""
    wrt = min(wrt, depth)
    name = (lambda k: f"W^{{({k})}}") if superscript else (lambda k: f"W_{k}")
    fam = (lambda k: f"h^{{({k})}}") if superscript else (lambda k: f"h_{k}")
    decls = ", ".join(f"${name(k)} \\in \\mathbb{{R}}^{{n \\times n}}$" for k in range(1, depth + 1))
    inner = "x"
    for k in range(1, depth + 1):
        inner = f"{fam(k)}({inner})"
    letter = "l" if superscript else r"\ell"
    doc = (f"$x \\in \\mathbb{{R}}^n$, {decls}\n"
           f"${fam(letter)}(z) = 0.5 {act}({name(letter)} z)$\n"
           f"$L = 1^T {inner}$")
    keys = [f"W{k}" if superscript else f"W_{k}" for k in range(1, depth + 1)]

    def net(x, *W):
        v = x
        for w in W:
            v = 0.5 * ACTS[act](w @ v)
        return float(np.sum(v))
    # a reference whose keywords are the inputs' (the helpers pass them by name)
    ref = eval(f"lambda x, {', '.join(keys)}: net(x, {', '.join(keys)})", {"net": net})
    check_gradient(doc, name(wrt), f=ref)


def test_a_deep_family_is_lowered_once_per_application():
    """Each compound argument is lowered once, not once per use of the parameter: six
    nested members whose body uses z four times (through \\mu) stay fast (exponential
    before: five layers took ~17 s)."""
    depth = 6
    decls = ", ".join(f"$W_{k} \\in \\mathbb{{R}}^{{n \\times n}}$" for k in range(1, depth + 1))
    inner = "x"
    for k in range(1, depth + 1):
        inner = f"g_{k}({inner})"
    doc = (f"$x \\in \\mathbb{{R}}^n$, $\\alpha \\in \\mathbb{{R}}$, {decls}\n"
           r"$\mu(z) = \alpha 1^T z$" "\n"
           r"$g_\ell(z) = z + \tanh(0.3 W_\ell (z - \mu(z)))$" "\n"
           f"$L = 1^T {inner}$")
    keys = [f"W_{k}" for k in range(1, depth + 1)]

    def net(x, alpha, *W):
        v = x
        for w in W:
            v = v + np.tanh(0.3 * w @ (v - alpha * np.sum(v)))
        return float(np.sum(v))
    ref = eval(f"lambda x, alpha, {', '.join(keys)}: net(x, alpha, {', '.join(keys)})",
               {"net": net})
    check_gradient(doc, "W_1", f=ref)


def test_corpus_091_with_its_shapes_declared_stops_at_the_authors_sum_to_m():
    """091 as posted never declares \\gamma_\\ell, \\beta_\\ell (the corpus case: refused,
    naming the declaration); declared here (a scratch copy), its layers read as families
    and \\sigma as the post's own, it stops where the post's \\sigma(z) = \\alpha
    \\sum_{k=1}^m ... \\equiv \\alpha 1^T[...] sums m entries of the second layer's p."""
    from pathlib import Path
    text = (Path(__file__).parent / "realworld" / "091_batchnorm_deep_net.tex").read_text()
    text += ("\n$\\gamma_\\ell, \\beta_\\ell \\in \\mathbb{R}, \\; \\ell = 1, \\dots, 3$, "
             "$\\alpha, \\epsilon \\in \\mathbb{R}$\n")
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(text, "W_1", objective="L")
    msg = str(err.value)
    assert "chain of equalities" in msg and "inside g_{2}(...)" in msg
