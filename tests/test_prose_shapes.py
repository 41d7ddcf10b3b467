"""Shapes a post states in sentences whose sizes are math (corpus 117: "Where $X$ is an $m
\\times n$ input matrix, $w$ is an $n \\times 1$ column matrix ..."): each phrase of
`read.prose_shapes.SHAPE_PHRASES` declares its name, with a note quoting the sentence; two
statements that disagree (two sentences, or a sentence and a declaration) are refused,
naming both; ``$c$ is $a \\times b$`` with a, b values of the document is refused (a shape, or
the product)."""
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc
from helpers import check_gradient

LSQ = r"$$f = \|Xw - y\|^2$$" "\n"


def lsq(X, w, y):
    return float(np.sum((X @ w - y) ** 2))


# one sentence per row of the phrase table, each for a matrix X and the vectors w, y
MATRIX = [r"$X$ is an $n \times d$ input matrix", r"$X$ is $n \times d$",
          r"$X$ is a matrix of size $n \times d$", r"$X$ is the $n\times d$ design matrix",
          r"$X$ is a real matrix in $\mathbb{R}^{n \times d}$",
          r"$X$ denotes an $n \times d$ data matrix"]
VECTOR_W = [r"$w$ is a $d$-dimensional vector", r"$w$ is a $d$-vector",
            r"$w$ is a vector of length $d$", r"$w$ is an $d \times 1$ column matrix",
            r"$w$ is a weight vector in $\mathbb{R}^d$", r"$w$ is a $d$-dimensional weight vector"]
VECTOR_Y = [r"$y$ is a vector of size $n$", r"$y$ is an $n \times 1$ matrix",
            r"$y$ is an $n$-vector", r"$y \in \mathbb{R}^n$"]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(x=st.sampled_from(MATRIX), w=st.sampled_from(VECTOR_W), y=st.sampled_from(VECTOR_Y),
       seed=st.integers(0, 3))
def test_every_phrase_declares_its_shape(x, w, y, seed):
    doc = LSQ + f"where {x}, {w} and {y}.\n"
    g = check_gradient(doc, "w", f=lsq, seed=seed)
    shapes = {k: tuple(map(str, v.shape)) for k, v in g.problem.inputs.items()}
    assert shapes == {"X": ("n", "d"), "w": ("d",), "y": ("n",)}
    said = [n.reason for n in g.notes if "as this sentence says" in n.reason]
    assert any("X is declared n×d" in r and x in r for r in said)
    assert any("w is declared a vector of length d" in r for r in said)


def test_corpus_117_shapes_in_prose_math():
    from pathlib import Path
    doc = (Path(__file__).parent / "realworld" / "117_weighted_lsq_en_dash.tex").read_text()
    g = check_gradient(doc, "w", f=lambda X, w, y, U: float((X @ w - y) @ U @ (X @ w - y)),
                       objective="J(w)")
    assert {k: tuple(map(str, v.shape)) for k, v in g.problem.inputs.items()} == \
        {"X": ("m", "n"), "w": ("n",), "y": ("m",), "U": ("m", "m")}
    assert any('"$U$ is an $m \\times m$ diagonal matrix"' in n.reason for n in g.notes)


def test_numbers_as_sizes_and_a_row():
    doc = (r"$$f = \|x W\|_F^2$$ where $x$ is a $1 \times 3$ matrix and $W$ is $3 \times 2$."
           "\n")
    g = check_gradient(doc, "W", f=lambda x, W: float(np.sum((x @ W) ** 2)))
    assert g.problem.inputs["x"].shape == (1, 3)


def test_a_sentence_that_agrees_with_the_declaration_is_taken_quietly():
    doc = r"$X \in \mathbb{R}^{n \times d}$" "\n" + LSQ + \
        r"where $X$ is an $n \times d$ matrix, $w \in \mathbb{R}^d$, $y \in \mathbb{R}^n$."
    g = check_gradient(doc, "w", f=lsq)
    assert not any("X is declared" in n.reason for n in g.notes)


@pytest.mark.parametrize("doc, both", [
    # the declaration and a sentence
    (r"$X \in \mathbb{R}^{n \times d}$" "\n" + LSQ +
     r"where $X$ is an $d \times n$ matrix, $w \in \mathbb{R}^d$, $y \in \mathbb{R}^n$.",
     ("the declaration says n×d", "says d×n")),
    (r"$w \in \mathbb{R}^{d}$" "\n" + LSQ +
     r"where $X$ is an $n \times d$ matrix, $w$ is a $n$-vector, $y \in \mathbb{R}^n$.",
     ("the declaration says a vector of length d", "a vector of length n")),
    # two sentences
    (LSQ + r"where $X$ is an $n \times d$ matrix, $w$ is a $d$-vector, $y$ is an $n$-vector."
     "\n" r"Here $X$ is $d \times n$.", ("(n×d)", "(d×n)")),
    # a row 1 x d is not the column d x 1
    (LSQ + r"where $X$ is an $n \times d$ matrix, $w$ is a $d$-vector, $y$ is an $n$-vector."
     "\n" r"Note $w$ is a $1 \times d$ matrix.", ("a vector of length d", "1×d")),
])
def test_two_shapes_for_one_name_are_refused_naming_both(doc, both):
    with pytest.raises(matcalc.MatcalcError) as err:
        matcalc.gradient(doc, "w")
    msg = str(err.value)
    assert "two shapes" in msg and all(b in msg for b in both), msg
    assert err.value.line is not None


def test_sizes_that_are_values_are_two_readings():
    doc = r"$a, b \in \mathbb{R}$" "\n" r"$$f = \|w\|^2$$ where $w$ is $a \times b$."
    with pytest.raises(matcalc.MatcalcError, match="two readings") as err:
        matcalc.gradient(doc, "w")
    assert "the product of a, b" in str(err.value) and err.value.line == 2


@pytest.mark.parametrize("sentence", [
    r"$c$ is $n$.",                          # c equals n: no shape
    r"$c$ is a $n \times d$ times faster.",  # no noun, not followed by a stop
    r"$c$ is an $m x n$ matrix.",            # m x n is also a product m*x*n
])
def test_what_is_not_a_shape_sentence_declares_nothing(sentence):
    from matcalc.read.prose import prose_facts
    assert "c" not in prose_facts(sentence).shapes


def test_a_shape_written_as_a_subscript_in_prose():
    # corpus 019: "Let $$X_{M\times N}$$ be the attribute matrix"
    doc = (r"Let $$X_{n\times d}$$ be the data matrix, $y$ is an $n$-vector and $w$ is a "
           r"$d$-vector." "\n" r"$$f = \|Xw - y\|^2$$")
    g = check_gradient(doc, "w", f=lsq)
    assert any('"$$X_{n\\times d}$$ be the data matrix"' in n.reason for n in g.notes)


def test_a_subscript_without_a_sentence_saying_matrix_is_no_shape():
    from matcalc.read.prose import prose_facts
    assert prose_facts(r"the sum $S_{m \times n}$ grows").shapes == {}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["$X$", "$$w$$", " is ", " be ", "an ", "the ", "$m \\times n$",
                                 "$n$", " input", " matrix", "-dimensional", " vector", "-vector",
                                 " of length ", " of size ", " in ", "$\\mathbb{R}^n$",
                                 "$X_{M\\times N}$", "$m x n$", "$\\frac{a}{$", ",", ".", "\n",
                                 "(", ")", "$"]), max_size=14))
def test_shape_statements_never_raise(parts):
    from matcalc.read.prose import prose_facts
    facts = prose_facts("".join(parts))
    assert all(1 <= len(s.dims) <= 2 and s.sentence for said in facts.shapes.values()
               for s in said)


# --------------------------------------- a declared I that the words after it call the identity
def _kalman(K, C, P):
    A = np.eye(K.shape[0]) - K @ C
    return float(np.trace(A @ P @ A.T))


@pytest.mark.parametrize("words", ["is the identity matrix.", "is an $n\\times n$ identity matrix",
                                   "denotes the identity"])
def test_a_declared_I_called_the_identity_is_no_input(words):
    """Corpus 154: `$..., \\ I \\in \\mathbb{R}^{n \\times n}$ is the identity matrix.` used to
    declare I an n×n matrix of DATA: the generated code took I as an input and a check drew
    it at random (numbers that are not the page's function). Now I is the identity, noted."""
    doc = (r"$J = \operatorname{Tr}((I-KC)P(I-KC)^T),$ where $K \in \mathbb{R}^{n \times q}, "
           r"\ C \in \mathbb{R}^{q \times n}, \ P \in \mathbb{R}^{n \times n}, \ I \in "
           r"\mathbb{R}^{n \times n}$ " + words)
    g = check_gradient(doc, "K", _kalman, objective="J")
    assert "I" not in g.inputs, g.inputs
    assert any("is the identity" in n.reason for n in g.notes), g.notes


def test_a_declared_I_without_such_words_stays_an_input():
    doc = (r"$K \in \mathbb{R}^{n \times q}, C \in \mathbb{R}^{q \times n}, I \in "
           r"\mathbb{R}^{n \times n}$ is a weight matrix." "\n"
           r"$$J = \operatorname{Tr}(I K C)$$")
    g = check_gradient(doc, "K", lambda K, C, I: float(np.trace(I @ K @ C)))
    assert "I" in g.inputs
