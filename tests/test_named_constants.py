"""A scalar named a constant only in the words after a formula (corpus 151: ``... + c, for
some constant c``): read as a real scalar that is not a variable, noted; refused where the
math uses it as an array (``c_i``) or a sentence gives it another shape, and as a variable
to differentiate by. Gradients are compared with central differences of independent NumPy
references (which take c as the scalar it is)."""
from __future__ import annotations

import numpy as np
import pytest

import matcalc
from matcalc import MatcalcError

from helpers import check_gradient

DECL = r"$x \in \mathbb{R}^n, \; A \in \mathbb{R}^{n \times n}$" "\n"


def ref(x, A, c):
    return float(x @ A @ x + c)


@pytest.mark.parametrize("body", [
    r"$$f = x^T A x + c,$$ for some constant $c$.",
    r"$$f = x^T A x + c$$ for some constant c.",
    r"$$f = x^T A x + c$$ where $c$ is a constant.",
    r"$$f = x^T A x + c$$ where c is some real constant.",
    r"$$f = x^T A x + c$$, with c a constant",
    r"$$f = x^T A x + c$$ and $c$ is an arbitrary constant.",
    r"Let \phi = x^T A x + c, for some constant c. Then",     # math without delimiters
])
def test_a_constant_named_in_words_is_a_scalar_input(body):
    g = check_gradient(DECL + body, "x", f=ref)
    assert g.inputs.get("c") == "c"
    noted = [n for n in g.notes if "constant, not a variable" in n.reason]
    assert len(noted) == 1 and noted[0].line == 2


def test_the_region_itself_named_a_constant():
    doc = DECL + "$$f = x^T A x + c$$\n" + r"Here $c$ is a constant."
    # the sentence stands on its own line after the formula: the words are about $c$'s region
    g = check_gradient(doc, "x", f=ref)
    assert any("constant, not a variable" in n.reason for n in g.notes)


def test_a_constant_times_ones_is_the_scalar_times_ones():
    """c\\mathbf{1}: the array made from the scalar constant, as the words say."""
    doc = r"$x \in \mathbb{R}^n$" "\n" r"$$f = \|x - c\mathbf{1}\|^2$$ for some constant $c$."
    check_gradient(doc, "x", f=lambda x, c: float(np.sum((x - c) ** 2)))


def test_a_constant_added_to_a_vector_is_added_to_every_entry():
    doc = r"$x \in \mathbb{R}^n$" "\n" r"$$f = \sum_i \log(x_i^2 + c)$$ where c is a constant"
    check_gradient(doc, "x", f=lambda x, c: float(np.sum(np.log(x ** 2 + c))),
                   mode="positive")


@pytest.mark.parametrize("body", [
    r"$$f = \sum_i x_i c_i$$ for some constant $c$.",
    r"$$f = x^T A x + c_1 x_1$$ where $c$ is a constant.",
])
def test_a_constant_the_math_indexes_is_refused_naming_both(body):
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(DECL + body, wrt="x")
    msg = str(e.value)
    assert "two readings of c" in msg and "constant" in msg and "entry of an array" in msg


def test_a_constant_used_as_a_vector_is_not_silently_a_scalar():
    """c^T x with c named a constant: as a scalar, c^T x is a vector, not an objective."""
    doc = r"$x \in \mathbb{R}^n$" "\n" r"$$f = c^T x$$ for some constant $c$."
    with pytest.raises(MatcalcError):
        matcalc.gradient(doc, wrt="x")


@pytest.mark.parametrize("words", ["a constant vector", "a constant matrix",
                                   "a constant function"])
def test_an_array_constant_is_not_read_as_a_scalar(words):
    from matcalc.read.prose import prose_facts
    assert prose_facts(rf"$$f = x^T A x + c$$ where $c$ is {words}.").constants == {}


def test_a_shape_sentence_that_disagrees_is_refused():
    doc = DECL + r"$$f = x^T A x + c$$ where $c$ is a constant." "\n" \
        r"$c$ is an $n$-dimensional vector"
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="x")
    assert "two readings of c" in str(e.value)


def test_a_name_the_math_declares_keeps_its_declaration():
    doc = r"$x, c \in \mathbb{R}^n$" "\n" r"$$f = c^T x + x^T x$$ where $c$ is a constant."
    g = check_gradient(doc, "x", f=lambda x, c: float(c @ x + x @ x))
    assert not any("constant, not a variable" in n.reason for n in g.notes)


def test_the_constant_is_no_variable_to_differentiate_by():
    doc = DECL + r"$$f = x^T A x + c$$ for some constant $c$."
    with pytest.raises(MatcalcError) as e:
        matcalc.gradient(doc, wrt="c")
    assert "constant" in str(e.value) and "for some constant" in str(e.value)


def test_the_objective_keeps_the_constant():
    """Not dropped like + \\text{const}: the value is the document's, c included."""
    doc = DECL + r"$$f = x^T A x + c$$ for some constant $c$."
    g = matcalc.gradient(doc, wrt="x")
    rng = np.random.default_rng(3)
    kw = dict(x=rng.standard_normal(3), A=rng.standard_normal((3, 3)), c=1.7)
    assert np.isclose(matcalc.numeric.call(g.objective_numpy(), kw), ref(**kw))


def test_a_constant_the_math_never_writes_is_no_input():
    doc = DECL + r"$$f = x^T A x$$ where $k$ is a constant."
    g = check_gradient(doc, "x", f=lambda x, A: float(x @ A @ x))
    assert "k" not in g.inputs


from hypothesis import given, settings, strategies as st  # noqa: E402

PHRASES = [", for some constant {c}.", " for a constant {c}", " where {c} is a constant.",
           ", where {c} is some real constant", " with {c} a constant", ", {c} a constant."]


def _taking(key, h):
    """h(x, A, k) as a function whose third parameter is named `key` (the generated code's
    keyword, which `numeric.call` passes by name)."""
    return {"c": lambda x, A, c: h(x, A, c), "k": lambda x, A, k: h(x, A, k),
            "b": lambda x, A, b: h(x, A, b), "gamma": lambda x, A, gamma: h(x, A, gamma)}[key]


REFS = {r"x^T A x + {c}": lambda x, A, k: float(x @ A @ x + k),
        r"{c} x^T A x": lambda x, A, k: float(k * (x @ A @ x)),
        r"x^T A x - {c}\, \mathbf{{1}}^T x": lambda x, A, k: float(x @ A @ x - k * x.sum())}


@settings(max_examples=15, deadline=None)
@given(st.sampled_from(PHRASES), st.sampled_from(["c", "k", "b", "$c$", r"$\gamma$"]),
       st.sampled_from(sorted(REFS)))
def test_any_phrase_any_name_any_use(phrase, name, body):
    """Whatever the phrase, the name and the (scalar) use: the derived gradient agrees with
    central differences of the reference that takes the constant as a scalar."""
    bare = name.strip("$")
    doc = DECL + "$$f = " + body.format(c=bare) + "$$" + phrase.format(c=name)
    key = "gamma" if bare == r"\gamma" else bare
    g = check_gradient(doc, "x", f=_taking(key, REFS[body]))
    assert key in g.inputs.values()
