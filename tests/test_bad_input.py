"""Bad input gives a clear error: the precise MatcalcError subclass, a 1-based line and
column pointing at the culprit, and a caret excerpt in the message (DESIGN.md, "Errors").
Never a traceback from inside the engine, never a RecursionError, and input text is never
executed."""
from __future__ import annotations

import os

import numpy as np
import pytest
from helpers import check_gradient

import matcalc
from matcalc import MatcalcError, ParseError, ShapeError

R = r"\mathbb{R}"


def raises(cls, doc, wrt="x"):
    """gradient(doc, wrt) raises exactly `cls` (not a subclass of it we did not ask for,
    not merely a superclass); returns the error."""
    with pytest.raises(MatcalcError) as info:
        matcalc.gradient(doc, wrt=wrt)
    err = info.value
    assert isinstance(err, cls), (type(err), str(err))
    if cls is MatcalcError:
        assert type(err) is MatcalcError, type(err)
    return err


def located(err, line, column):
    """The error carries a 1-based place and its message shows the line with a caret."""
    assert (err.line, err.column) == (line, column), (err.line, err.column, str(err))
    msg = str(err)
    assert f"line {line}, column {column}" in msg, msg
    assert "^" in msg.splitlines()[-1], msg
    return msg


def caret_under(err, doc):
    """The caret points at (line, column) of the original text."""
    msg_lines = str(err).splitlines()
    caret = msg_lines[-1]
    src = msg_lines[-2]
    # excerpt lines are indented by two spaces; columns are 1-based
    pos = caret.index("^") - 2
    text = doc.splitlines()[err.line - 1].replace("\t", " ")
    if src.strip().startswith("..."):       # long lines are cut around the caret
        return
    assert src[2:] == text, (src, text)
    assert pos == err.column - 1, (pos, err.column)


# ---------------------------------------------------------------- syntax

def test_unbalanced_braces():
    doc = f"a, b \\in {R}\nf = \\frac{{a}}{{b"
    err = raises(ParseError, doc, "a")
    msg = located(err, 2, 13)  # the '{' that is never closed
    assert "{" in err.bare_message
    caret_under(err, doc)
    assert msg


def test_unknown_command():
    doc = f"x \\in {R}^n\nf = \\foo x"
    err = raises(ParseError, doc)
    located(err, 2, 5)
    assert r"\foo" in err.bare_message
    caret_under(err, doc)


def test_unknown_command_place_inside_dollars_multiline():
    doc = (f"Let $x \\in {R}^n$ and\n$A \\in {R}^{{n\\times n}}$.\nThen\n"
           f"$$f = x^T \\foo A x$$")
    err = raises(ParseError, doc)
    located(err, 4, 11)
    caret_under(err, doc)


def test_undeclared_name_in_align_has_its_place():
    # |y| with y's shape fixed by nothing: a determinant, an absolute value or a vector's
    # entries or norm (an undeclared \\|y\\|^2 is read, tests/test_fresh_shapes.py)
    doc = ("\\begin{align}\nx &\\in \\mathbb{R}^n \\\\\ng &= \\exp(x) \\\\\n"
           "f &= \\mathbf{1}^T g + |y|\n\\end{align}")
    err = raises(ParseError, doc)
    located(err, 4, 24)
    assert "unknown name y" in err.bare_message
    caret_under(err, doc)


def test_undeclared_name():
    doc = f"x \\in {R}^n\nf = \\exp(\\lambda z)^T \\exp(\\lambda z) + x^T x"
    err = raises(ParseError, doc)
    located(err, 2, 10)
    assert "\\lambda a scalar or a matrix" in err.bare_message and "declare" in err.bare_message


def test_an_undeclared_norm_is_read_with_a_made_up_size():
    # the old refusal of \\|z\\|^2 (z's size fixed by nothing): z is now an n_z-vector,
    # noted, and the gradient by x is unchanged by it
    doc = f"x \\in {R}^n\nf = \\|z\\|^2 + x^T x"
    g = check_gradient(doc, "x", f=lambda x, z: float(z @ z + x @ x))
    assert any(n.text == "z" and "most general shape" in n.reason for n in g.notes)


def test_undeclared_name_with_two_shapes_is_refused_naming_both():
    # x^T A x: A a scalar (A x^T x) or an n x n matrix -- different values
    err = raises(ParseError, f"x \\in {R}^n\nf = x^T A x")
    located(err, 2, 9)
    assert "a scalar or n×n (a matrix)" in err.bare_message


def test_unbound_index_names_it():
    doc = f"x \\in {R}^n\nf = x_i"
    err = raises(ParseError, doc)
    located(err, 2, 7)
    assert "index i" in err.bare_message


def test_circular_definition():
    doc = f"x \\in {R}\na = b + 1\nb = a\nf = a x"
    err = raises(ParseError, doc)
    located(err, 2, 1)
    assert "circular" in err.bare_message
    assert "a" in err.bare_message and "b" in err.bare_message


def test_self_reference_through_objective():
    doc = f"x \\in {R}\na = b + x\nb = a"
    err = raises(ParseError, doc)
    assert "circular" in err.bare_message
    assert err.line is not None and err.column is not None and "^" in str(err)


def test_ones_vector_without_size():
    doc = f"\\alpha \\in {R}\nf = \\alpha \\mathbf{{1}}^T \\mathbf{{1}}"
    err = raises(ParseError, doc, r"\alpha")
    located(err, 2, 5)
    assert r"\mathbf{1}" in err.bare_message


def test_nested_parentheses_5000():
    doc = f"x \\in {R}\nf = " + "(" * 5000 + "x" + ")" * 5000
    err = raises(ParseError, doc)      # not RecursionError
    assert err.line == 2 and err.column is not None
    assert "^" in str(err)


def test_nested_braces_5000():
    doc = f"x \\in {R}\nf = " + "{" * 5000 + "x" + "}" * 5000
    raises(ParseError, doc)


def test_nested_functions_5000():
    doc = f"x \\in {R}\nf = " + r"\exp(" * 5000 + "x" + ")" * 5000
    raises(ParseError, doc)


# ---------------------------------------------------------------- shapes

def test_mismatched_dimensions_names_both_shapes():
    doc = f"A \\in {R}^{{n\\times m}}, x \\in {R}^n\nf = \\|A x\\|^2"
    err = raises(ShapeError, doc)
    located(err, 2, 7)     # the product A x
    msg = err.bare_message
    assert "n×m" in msg or r"n \times m" in msg or "(n, m)" in msg, msg
    assert "length n" in msg or "(n)" in msg or "(n,)" in msg, msg


def test_mismatched_dimensions_in_bilinear_form():
    doc = f"A \\in {R}^{{n\\times m}}, x \\in {R}^n\nf = x^T A x"
    err = raises(ShapeError, doc)
    assert err.line == 2 and "^" in str(err)
    assert "m" in err.bare_message and "n" in err.bare_message


def test_distinct_dimension_symbols_are_distinct():
    doc = f"x \\in {R}^n, y \\in {R}^m\nf = x^T y"
    raises(ShapeError, doc)


def test_non_scalar_objective():
    doc = f"A \\in {R}^{{n\\times n}}, x \\in {R}^n\nf = A x"
    err = raises(ShapeError, doc)
    located(err, 2, 1)
    assert "scalar" in err.bare_message


def test_matrix_objective():
    doc = f"A \\in {R}^{{n\\times n}}\nf = A^T A"
    err = raises(ShapeError, doc, "A")
    assert "scalar" in err.bare_message


# ---------------------------------------------------------------- wrt

def test_wrt_not_in_document_names_inputs():
    doc = f"A \\in {R}^{{n\\times n}}, x \\in {R}^n\nf = x^T A x"
    err = raises(MatcalcError, doc, "W")
    msg = str(err)
    assert "W" in msg and "A" in msg and "x" in msg, msg


@pytest.mark.parametrize("wrt", ["", "   ", "x_", "\\foo", "X"])
def test_bad_wrt_is_matcalc_error(wrt):
    doc = f"x \\in {R}^n\nf = x^T x"
    with pytest.raises(MatcalcError):
        matcalc.gradient(doc, wrt=wrt)


# ---------------------------------------------------------------- never executed

PWNED = "/tmp/matcalc_pwned"
PAYLOAD = "__import__('os').system('echo hacked > /tmp/matcalc_pwned')"


@pytest.fixture
def no_pwned_file():
    if os.path.exists(PWNED):
        os.remove(PWNED)
    yield
    assert not os.path.exists(PWNED), "input text was executed"


def test_python_text_after_the_objective_is_skipped_not_executed(no_pwned_file):
    """A trailing line of Python is a fragment that cannot be read: skipped with a located
    note, as any such line is (it was refused only while its '>' stopped the reader before
    the lines were split; a '>' is now a comparison, issue 8)."""
    g = matcalc.gradient(f"x \\in {R}^n\nf = x^T x\n{PAYLOAD}", wrt="x")
    assert any(n.line == 3 and "cannot be read" in n.reason for n in g.notes)


@pytest.mark.parametrize("doc", [
    PAYLOAD,
    f"x \\in {R}^n\nf = {PAYLOAD}",
    f"x \\in {R}^n\nf = x^T x + {PAYLOAD}",
    f"x \\in {R}^{{{PAYLOAD}}}\nf = x^T x",
    f"$x \\in {R}^n$, $f = \\exp({PAYLOAD})$",
    f"\\def\\p{{{PAYLOAD}}}\nx \\in {R}^n\nf = \\p",
], ids=["alone", "objective", "in-sum", "in-dimension", "in-dollars", "macro"])
def test_python_text_is_not_executed(doc, no_pwned_file):
    err = raises(ParseError, doc)
    assert err.line is not None and err.column is not None
    assert "^" in str(err)


def test_python_text_as_wrt_is_not_executed(no_pwned_file):
    doc = f"x \\in {R}^n\nf = x^T x"
    err = raises(MatcalcError, doc, PAYLOAD)
    assert "x" in str(err)


# ---------------------------------------------------------------- big but valid

def test_flat_sum_5000_terms_is_not_a_crash():
    """The contract's floor: a result or a MatcalcError, never RecursionError."""
    doc = f"x \\in {R}\nf = " + " + ".join(["x"] * 5000)
    try:
        matcalc.gradient(doc, wrt="x")
    except MatcalcError as err:
        assert err.line is not None and "^" in str(err)


def test_flat_sum_5000_terms_differentiates():
    terms = [("x" if k % 2 else "x^2") for k in range(5000)]
    doc = f"x \\in {R}\nf = " + " + ".join(terms)
    g = matcalc.gradient(doc, wrt="x")
    x = 0.7
    got = float(np.asarray(g.to_numpy()(**{k: v for k, v in {"x": x}.items()
                                             if k in g.inputs.values()})))
    assert abs(got - (2500 + 2500 * 2 * x)) < 1e-6 * 5000


def test_a_bare_objective_that_uses_the_name_f_is_refused_at_its_place():
    """``x^Tx + f`` alone: the objective written without a name is called f, so it was
    'circular definition: f -> f' at line 0, column 0 (no place)."""
    with pytest.raises(MatcalcError) as info:
        matcalc.gradient(r"x \in \mathbb{R}^{n} \\ x^Tx + f", "x")
    assert info.value.line == 1 and info.value.column == 25
    assert "name the objective" in str(info.value)
