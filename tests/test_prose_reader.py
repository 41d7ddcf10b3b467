"""Constructs read from real posts (issue 8, corpus part B): script-font names, functions
and shapes named in prose, restatements, right-to-left definitions, a period as the dot
product. Every derived gradient is compared with central finite differences of an
independent NumPy objective (`helpers.check_gradient`); every refusal is a MatcalcError."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from helpers import check_gradient


def sig(t):
    return 1.0 / (1.0 + np.exp(-t))


# ------------------------------------------- script fonts name the same variable (DESIGN.md)
def test_mathcal_is_the_same_name_as_the_plain_letter():
    r"""DESIGN.md: font commands do not make a different variable and are dropped from the
    Python keyword; \mathcal{L}, {\cal L} are L."""
    doc = r"x \in \mathbb{R}^n" "\n" r"\mathcal{L} = \sum_i \exp(x_i)"
    for objective in (r"\mathcal{L}", "L", None):
        g = check_gradient(doc, "x", f=lambda x: np.sum(np.exp(x)), objective=objective)
        assert g.problem.objective == "L"
    g = check_gradient(r"x \in \mathbb{R}^n, {\cal V} \in \mathbb{R}^{n \times n}" "\n"
                       r"f = x^T \mathcal{V} x", "x", f=lambda x, V: x @ V @ x)
    assert set(g.inputs.values()) == {"x", "V"}


# the script letter's own keyword where it is a name of its own (read/scripts.py)
SCRIPT_REFS = {
    "L_cal": lambda x, L, L_cal: L * x @ x + x @ L_cal @ x,
    "L_scr": lambda x, L, L_scr: L * x @ x + x @ L_scr @ x,
    "L_frak": lambda x, L, L_frak: L * x @ x + x @ L_frak @ x,
}


@pytest.mark.parametrize("spell, kw", [(r"\mathcal{L}", "L_cal"), (r"{\cal L}", "L_cal"),
                                       (r"\mathscr{L}", "L_scr"), (r"\mathfrak{L}", "L_frak")])
def test_script_letter_declared_with_another_shape_is_a_name_of_its_own(spell, kw):
    r"""L a scalar and \mathcal{L} a matrix: read as one name the two declarations
    conflict, so the only well-formed reading makes the script letter a name of its own
    (read/scripts.py), noted. (Same shapes, both used: refused, tests/test_script_letters.py.)"""
    doc = (r"x \in \mathbb{R}^n, L \in \mathbb{R}, " + spell + r" \in \mathbb{R}^{n \times n}"
           "\n" r"f = L \|x\|^2 + x^T " + spell + " x")
    g = check_gradient(doc, "x", f=SCRIPT_REFS[kw])
    assert set(g.inputs.values()) == {"x", "L", kw}
    assert any("declared with different shapes" in n.reason and kw in n.reason
               for n in g.notes)


# ---------------------------------------------------------------- v.u, the dot product
def test_period_between_two_vectors_is_the_dot_product():
    doc = r"u, v \in \mathbb{R}^d" "\n" r"E = -\log(\sigma(v.u)) + \exp(u.u)"
    check_gradient(doc, "u", f=lambda u, v: -np.log(sig(v @ u)) + np.exp(u @ u))


@pytest.mark.parametrize("body, what", [
    (r"a.x", "a scalar . a column vector"),
    (r"x.Ax", "a product of 3 factors"),
    (r"x.A", "a column vector of length n . a n×n matrix"),
    (r"2 x.x", "a product of 3 factors"),
])
def test_period_between_anything_else_is_refused(body, what):
    doc = r"x \in \mathbb{R}^n, a \in \mathbb{R}, A \in \mathbb{R}^{n \times n}" "\n" "f = " + body
    with pytest.raises(matcalc.ParseError, match="period between two factors") as e:
        matcalc.gradient(doc, "x")
    assert what in str(e.value) and e.value.line == 2


def test_period_with_a_space_is_not_a_product():
    doc = r"x \in \mathbb{R}^n" "\n" r"f = x .x"
    with pytest.raises(matcalc.ParseError, match="period"):
        matcalc.gradient(doc, "x")


# ---------------------------------------------------------------- right-to-left definitions
def test_definition_written_right_to_left():
    doc = (r"X \in \mathbb{R}^{N \times D}, w \in \mathbb{R}^D, y \in \mathbb{R}^N" "\n"
           r"X w = \hat{y}" "\n" r"L = \frac{1}{2} \|\hat{y} - y\|^2")
    g = check_gradient(doc, "w", f=lambda X, w, y: 0.5 * np.sum((X @ w - y) ** 2),
                       objective="L")
    assert any("right to left" in n.reason for n in g.notes)


def test_relation_with_a_declared_right_side_is_not_a_definition():
    # b is declared: A x = b is an equation (a constraint), not b's definition
    doc = (r"A \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m" "\n"
           r"A x = b" "\n" r"f = \|A x - b\|^2")
    g = check_gradient(doc, "x", f=lambda A, x, b: np.sum((A @ x - b) ** 2))
    assert "b" in g.inputs.values()


def test_plain_undeclared_right_side_stays_data():
    # "solve Ax = b": b is the data (turned around, ||Ax - b||^2 would be identically 0)
    doc = (r"$A \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n$" "\n" r"$A x = b$" "\n"
           r"$f = \|A x - b\|^2$")
    with pytest.raises(matcalc.ParseError, match="unknown name b"):   # b's shape: not given
        matcalc.gradient(doc, "x", objective="f")
    g = check_gradient(doc.replace("$A x = b$", "$A x = b$, $b \\in \\mathbb{R}^m$"), "x",
                       f=lambda A, x, b: np.sum((A @ x - b) ** 2), objective="f")
    assert "b" in g.inputs.values()


def test_relation_naming_an_unused_name_is_not_the_objective():
    # c is used nowhere: x^T x = c defines nothing, and f stays the objective
    doc = r"x \in \mathbb{R}^n" "\n" r"f = \sum_i \exp(x_i)" "\n" r"x^T x = \hat c"
    g = check_gradient(doc, "x", f=lambda x: np.sum(np.exp(x)))
    assert g.problem.objective == "f"


# ---------------------------------------------------------------- functions named in prose
W_X = r"$W \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n, y \in \mathbb{R}^m$" "\n"


@pytest.mark.parametrize("sentence, fn", [
    ("$g$ is the sigmoid function", sig),
    ("$g$ is the logistic function", sig),
    ("$g$ is sigmoid", sig),
    ("where $g$ is the tanh activation", np.tanh),
    ("$g$ denotes the hyperbolic tangent", np.tanh),
    ("$g$ is the softplus function", lambda t: np.log1p(np.exp(t))),
    ("$g$ is the ReLU nonlinearity", lambda t: np.maximum(t, 0)),
])
def test_function_named_in_a_sentence(sentence, fn):
    doc = W_X + r"$$f = y^T g(W x)$$" "\n" + sentence + ".\n"
    g = check_gradient(doc, "W", f=lambda W, x, y: y @ fn(W @ x), objective="f")
    assert any("as the text says" in n.reason for n in g.notes)


def test_softmax_named_in_a_sentence():
    doc = W_X + r"$p = S(W x)$, $S$ is softmax function" "\n" r"$L = -y^T \log p$"
    def ref(W, x, y):
        z = W @ x
        return -y @ (z - np.log(np.sum(np.exp(z))))
    check_gradient(doc, "W", f=ref, objective="L")


def test_formula_after_the_sentence_is_part_of_it():
    # as posted on cs.stackexchange (corpus 023): the formula after the colon is g's, with a
    # dummy x; it is not the objective and its x is not a variable
    doc = W_X + r"$$L = \|g(W x) - y\|^2$$" "\n" r"$$g$$ is the sigmoid function : $$1/(1+exp(-x))$$"
    g = check_gradient(doc, "W", f=lambda W, x, y: np.sum((sig(W @ x) - y) ** 2))
    assert g.problem.objective == "L"


@pytest.mark.parametrize("sentence", [
    "$g$ is an exponential function",     # a family of functions, not one
    "$g$ is the sigmoid function. $g$ is the tanh function",   # two sentences disagree
    "the sigmoid function $g$",           # not the form "<name> is <function>"
])
def test_no_binding_without_a_clear_statement(sentence):
    doc = W_X + r"$$f = y^T g(W x)$$" "\n" + sentence + "\n"
    with pytest.raises(matcalc.ParseError, match="unknown function g"):
        matcalc.gradient(doc, "W", objective="f")


def test_a_smooth_function_is_arbitrary_and_its_kind_on_a_vector_unsaid():
    """"$g$ is a smooth function" names no known function: g is arbitrary (ops/opaque.py);
    on the vector Wx the text does not say whether g is a scalar function of it or entrywise
    (two readings, refused naming both); "applied elementwise" says it."""
    doc = W_X + r"$$f = y^T g(W x)$$" "\n"
    with pytest.raises(matcalc.ParseError, match="two readings"):
        matcalc.gradient(doc + "$g$ is a smooth function\n", "W", objective="f")
    g = check_gradient(doc + "$g$ is a smooth function applied elementwise\n", "W", objective="f")
    assert "g'" in g.latex()


def test_a_declared_name_named_a_function_is_refused():
    doc = (r"$W \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n, g \in \mathbb{R}$" "\n"
           r"$$f = \mathbf{1}^T g(W x)$$" "\n" "$g$ is the sigmoid function\n")
    with pytest.raises(matcalc.ParseError, match="two readings"):
        matcalc.gradient(doc, "W", objective="f")


# ---------------------------------------------------------------- a built-in's name defined
def test_users_definition_of_a_builtin_name_is_the_objective():
    # the user's formula is differentiated (here deliberately not the built-in logsumexp)
    doc = (r"$\mathbf{x} \in \mathbb{R}^n$" "\n"
           r"\begin{aligned} \mathrm{logsumexp}(\mathbf{x}) &:= \log\left(\sum_{i}"
           r"\exp(2 x_{i})\right) \end{aligned}")
    g = check_gradient(doc, "x", f=lambda x: np.log(np.sum(np.exp(2 * x))),
                       objective=r"\mathrm{logsumexp}(\mathbf{x})")
    assert any("defines the built-in logsumexp" in n.reason for n in g.notes)


def test_builtin_name_defined_but_another_objective_asked():
    doc = (r"$x \in \mathbb{R}^n$" "\n" r"$\mathrm{logsumexp}(x) := \log \sum_i \exp(x_i)$"
           "\n" r"$f = \mathbf{1}^T \exp(x)$")
    g = check_gradient(doc, "x", f=lambda x: np.sum(np.exp(x)))
    assert g.problem.objective == "f"


# ---------------------------------------------------------------- restatements (corpus 030)
POST_030 = (r"Compute the gradient of $f(x) = \frac{<Ax,x>}{|x|_2}$, where $x\in R^n$, "
            r"$A \in R^{n \times n}$ and $|x|_2$ is Euclid norm." "\n" "$f(x) = {}/|x|_2$")


def test_restatement_in_other_words_is_accepted():
    g = check_gradient(POST_030.replace("{}", "(x^TA^Tx)"), "x",
                       f=lambda A, x: (A @ x) @ x / np.linalg.norm(x))
    assert any("in other words" in n.reason for n in g.notes)


def test_restatement_with_other_values_is_refused():
    with pytest.raises(matcalc.ParseError, match="defined twice, differently"):
        matcalc.gradient(POST_030.replace("{}", "(x^TAAx)"), "x")


def test_undeclared_matrix_of_two_shapes_is_refused_as_posted():
    post = open_corpus("030_angle_bracket_quotient.tex")
    with pytest.raises(matcalc.ParseError, match="a scalar or n×n"):
        matcalc.gradient(post, "x")


def open_corpus(name):
    """The corpus document as its page has it: the declaration line the header says was
    added (the first line after the header) taken out."""
    from pathlib import Path
    text = (Path(__file__).parent / "realworld" / name).read_text()
    lines = text.splitlines(keepends=True)
    if any(line.startswith("% added: declaration line 1") for line in lines):
        first = next(i for i, line in enumerate(lines) if not line.startswith("%"))
        del lines[first]
    return "".join(lines)


# ---------------------------------------------------------------- shapes given in prose
LAYER_041 = (r"$\textbf{a} = \textbf{x}\textbf{W}_{1}+\textbf{b}_{1}$ (where x is dimension "
             r"(1x5), $W_1$ is (5x3) and $b_1$ is (1x3))" "\n")


def test_shapes_given_in_a_sentence():
    doc = LAYER_041 + r"$f = \|\sigma(a)\|_F^2$"
    g = check_gradient(doc, "W_1", f=lambda x, W_1, b_1: np.sum(sig(x @ W_1 + b_1) ** 2))
    assert g.problem.inputs["x"].shape == (1, 5) and g.problem.inputs["W_1"].shape == (5, 3)
    assert sum("as this sentence says" in n.reason for n in g.notes) == 3


def test_a_math_declaration_is_not_redeclared_by_a_sentence():
    doc = r"$x \in \mathbb{R}^{1 \times 5}$" "\n" + LAYER_041 + r"$f = \|\sigma(a)\|_F^2$"
    g = check_gradient(doc, "W_1", f=lambda x, W_1, b_1: np.sum(sig(x @ W_1 + b_1) ** 2))
    assert g.problem.inputs["W_1"].shape == (5, 3)
    assert not any(n.reason.startswith("x is declared") for n in g.notes)


def test_sentences_that_disagree_are_refused_naming_both():
    doc = (r"$a = x W$ (where x is (1x5) and $W$ is (5x3))" "\n"
           r"$b = x$ (where x is (1x4))" "\n" r"$f = \|a\|_F^2$")
    with pytest.raises(matcalc.MatcalcError, match="two shapes for x") as err:
        matcalc.gradient(doc, "W", objective="f")
    assert "(1×5)" in str(err.value) and "(1×4)" in str(err.value) and err.value.line == 2


def test_formula_after_the_sentence_that_differs_is_refused():
    doc = W_X + r"$$L = \|g(W x) - y\|^2$$" "\n" r"$$g$$ is the sigmoid function : $$1/(1+exp(x))$$"
    with pytest.raises(matcalc.ParseError, match="two readings of the function") as e:
        matcalc.gradient(doc, "W")
    assert e.value.line == 3


@pytest.mark.parametrize("formula", [r"\frac{e^{z} - e^{-z}}{e^{z} + e^{-z}}", r"\tanh(z)"])
def test_formula_after_the_sentence_that_agrees_is_noted(formula):
    doc = W_X + r"$$L = \|g(W x) - y\|^2$$" "\n" r"$g$ is the tanh function: $" + formula + "$"
    g = check_gradient(doc, "W", f=lambda W, x, y: np.sum((np.tanh(W @ x) - y) ** 2))
    assert any("equal to tanh at test points" in n.reason for n in g.notes)


# ---------------------------------------------------------------- an implied equation
LSQ = (r"$A \in \mathbb{R}^{m \times n}, x \in \mathbb{R}^n, b \in \mathbb{R}^m$" "\n"
       r"$r=Ax-b$" "\n")


def test_implied_equation_is_the_objective_when_nothing_else_is():
    doc = LSQ + r"$\Rightarrow\|r\|^2=x^TA^TAx-2b^TAx+b^Tb$"
    g = check_gradient(doc, "x", f=lambda A, x, b: np.sum((A @ x - b) ** 2))
    assert any("read as the objective" in n.reason for n in g.notes)


def test_implied_equation_whose_sides_differ_is_refused():
    doc = LSQ + r"$\Rightarrow\|r\|^2=x^TA^TAx+b^Tb$"
    with pytest.raises(matcalc.ShapeError, match="two sides give different values"):
        matcalc.gradient(doc, "x")


def test_two_implied_equations_pick_none():
    doc = LSQ + r"$\Rightarrow\|r\|^2=x^TA^TAx-2b^TAx+b^Tb$" "\n" r"$\Rightarrow r^T r = 3$"
    with pytest.raises(matcalc.ShapeError, match="not a scalar"):
        matcalc.gradient(doc, "x")


def test_implied_equation_is_not_used_when_a_scalar_objective_exists():
    doc = LSQ + r"$f = \mathbf{1}^T r$" "\n" r"$\Rightarrow\|r\|^2=x^TA^TAx-2b^TAx+b^Tb$"
    g = check_gradient(doc, "x", f=lambda A, x, b: np.sum(A @ x - b))
    assert g.problem.objective == "f"


# ---------------------------------------------------------------- the phrase table, at random
from hypothesis import HealthCheck, given, settings      # noqa: E402
from hypothesis import strategies as st                  # noqa: E402

from matcalc.read.prose import FUNCTION_NOUNS, FUNCTION_PHRASES   # noqa: E402

ELEMENTWISE = {"sigma": sig, "tanh": np.tanh, "relu": lambda t: np.maximum(t, 0),
               "softplus": lambda t: np.log1p(np.exp(t))}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(phrase=st.sampled_from(sorted(p for p, w in FUNCTION_PHRASES.items() if w in ELEMENTWISE)),
       verb=st.sampled_from(["is", "denotes", "stands for"]),
       article=st.sampled_from(["", "the ", "a ", "an "]),
       noun=st.sampled_from(("",) + FUNCTION_NOUNS),
       name=st.sampled_from([("g", "g"), (r"\phi", "phi"), ("h_1", "h_1"), (r"\psi", "psi")]),
       seed=st.integers(0, 3))
def test_every_phrase_of_the_table_binds_its_function(phrase, verb, article, noun, name, seed):
    latex, _ = name
    sentence = f"where ${latex}$ {verb} {article}{phrase}" + (f" {noun}" if noun else "") + "."
    doc = W_X + f"$$f = y^T {latex}(W x)$$ " + sentence + "\n"
    fn = ELEMENTWISE[FUNCTION_PHRASES[phrase]]
    g = check_gradient(doc, "W", f=lambda W, x, y: y @ fn(W @ x), objective="f", seed=seed)
    assert any("as the text says" in n.reason for n in g.notes)


def test_period_fixes_an_undeclared_vector_by_inference():
    doc = r"y \in \mathbb{R}^n" "\n" r"f = \exp(x.y)"
    g = check_gradient(doc, "x", f=lambda x, y: np.exp(x @ y))
    assert g.problem.inputs["x"].shape[1:] == () and any("inferred" in n.reason for n in g.notes)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["$g$", "$$S$$", " is ", "the ", "sigmoid", " function",
                                 " : ", "$1/(1+e^{-x})$", "(where x is dimension (1x5)",
                                 ", $W_1$ is (5x3))", ")", "(", "$", "\\(", "\n", "x", "ReLU",
                                 "$\\hat{y}$", " denotes ", "(2x", "3)"]), max_size=14))
def test_prose_facts_never_raises(parts):
    from matcalc.read.prose import prose_facts
    facts = prose_facts("".join(parts))
    assert all(w in set(FUNCTION_PHRASES.values()) for w, _, _ in facts.functions.values())
    assert all(len(said) >= 1 and all(1 <= len(s.dims) <= 2 for s in said)
               for said in facts.shapes.values())


def test_nested_subscript_on_a_bound_index_is_refused():
    # corpus 060: v'_{w_k} inside a sum over k is one vector per k, not one name; read as a
    # name, the sum counted one term K times (silently wrong)
    doc = (r"$u \in \mathbb{R}^d$" "\n"
           r"$$E = - \sum_{k=1}^K \log(\sigma(-v_{w_{k}}^{'}.u))$$")
    with pytest.raises(matcalc.ParseError, match="family of vectors indexed through a nested"):
        matcalc.gradient(doc, "u")


def test_a_subscript_that_is_the_index_itself_is_an_index():
    doc = r"t \in \mathbb{R}^{K_2}" "\n" r"f = \sum_{k_2=1}^{K_2} c_{k_2} \exp(-t_{k_2}^2)"
    check_gradient(doc, "t", f=lambda t, c: np.sum(c * np.exp(-t ** 2)))


# --------------------------------- ordinals and labelled names mentioned in prose (084)
@pytest.mark.parametrize("mention", [r"$i^{th}$", r"$k^{\text{th}}$", r"$2^{nd}$",
                                     r"$x_i^b$"])
def test_prose_ordinal_or_label_after_the_definition_is_no_objective(mention):
    # "the $i^{th}$ point", "$x_i^b$ is the point in frame B": i to the power t h, x_i to
    # the power b have no value (t, h, b are declared nowhere); f stays the objective
    doc = (r"Let $x \in \mathbb{R}^n$ and $$f = x^Tx$$ where " + mention +
           " is the point we mean.")
    g = check_gradient(doc, "x", lambda x: float(x @ x))
    assert any(("ordinal" in n.reason or "superscript label" in n.reason) for n in g.notes)


def test_power_of_a_declared_exponent_after_the_definitions_is_the_objective():
    # s^k with k declared is a power with a value: the bare expression is the objective
    doc = r"""$x \in \mathbb{R}^n, k \in \mathbb{R}$
$$s = x^Tx$$
$$s^k$$"""
    check_gradient(doc, "x", lambda x, k: float((x @ x) ** k),
                   kwargs=dict(x=np.array([0.5, -1.0, 0.3]), k=1.5))
