"""Whole posts: the five seed posts pasted as they are (prose, inline and displayed math,
titles, "N Answers" lines), and the reading rules behind them.

The posts are copied verbatim into tests/posts/ (checked against ../shared/seeds when it is
beside the clone). Each is derived with the objective and wrt the seeds ask for and checked
against central finite differences of the independent NumPy references of test_seeds.py;
the notes must list the fragments that were skipped. Where a post gives its shapes only in
words (001, 003), one declaration line is put in front, as a user would type it.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import matcalc
import test_seeds as seeds
from helpers import check_gradient
from matcalc import MatcalcError, ParseError, numeric

HERE = Path(__file__).parent
POSTS = HERE / "posts"
SHARED = Path(__file__).parents[2] / "shared" / "seeds"
NAMES = {"000": "000_685d3689a78193d2.txt", "001": "001_85f6e870d6e81e4c.txt",
         "002": "002_1fab97c784c49544.txt", "003": "003_c2291b3726c6b572.txt",
         "004": "004_0b8a233455df796a.txt"}

# the one declaration line a user types in front of a post that gives shapes in words
DECL_001 = seeds.LOGISTIC_DECL
DECL_003 = (r"$z_i \in \mathbb{R}^d, \; i = 1,\dots,n$, $\mu_j \in \mathbb{R}^d, \; "
            r"j = 1,\dots,K$, $\nu \in \mathbb{R}$")


def post(seed, decl=None):
    text = (POSTS / NAMES[seed]).read_text()
    return text if decl is None else decl + "\n" + text


def note_texts(g, kind=None):
    return [n.text for n in g.notes if kind is None or n.kind == kind]


def has_note(g, piece, kind=None):
    return any(piece in t for t in note_texts(g, kind))


@pytest.mark.parametrize("seed", sorted(NAMES))
def test_posts_are_the_shared_seeds_verbatim(seed):
    shared = SHARED / NAMES[seed]
    if not shared.exists():
        pytest.skip("../shared/seeds is not beside this clone")
    assert (POSTS / NAMES[seed]).read_bytes() == shared.read_bytes()


# ---------------------------------------------------------------- the five posts

# Seed 000 names c (c_{k_2}, one weight per k_2) but never declares it: its shape comes only
# from the equations -- c_{k_2} with k_2 = 1..K_2 makes it a K_2-vector (shape inference).
def test_post000_as_pasted():
    kw = seeds.rbf_inputs(np.random.default_rng(0))
    g = check_gradient(post("000"), "t^{(1)}", f=seeds.rbf_numpy, objective="f", kwargs=kw,
                       trials=1)
    notes = [n for n in g.notes if n.kind == "inferred" and n.text == "c"]
    assert len(notes) == 1 and "K_2×1" in notes[0].reason and notes[0].line == 1


def test_post000_cli_derives_it_with_the_note():
    r = subprocess.run([sys.executable, "-m", "matcalc", "derive", str(POSTS / NAMES["000"]),
                        "--wrt", "t^{(1)}", "--objective", "f"], capture_output=True,
                       text=True, cwd=HERE.parent, timeout=300)
    assert r.returncode == 0, r.stderr
    assert "c: not declared; inferred K_2×1" in r.stderr


def test_post000_with_c_declared():
    """Everything else in the post is read: the title's restatement (with its k2 typo)
    gives way to the body's f, x = [x_1, ..., x_{N_p}] in R^N with N = N_p D_p is the
    family x_{n_p} in R^{D_p}, theta = {c, t^(2), t^(1)} is skipped."""
    kw = seeds.rbf_inputs(np.random.default_rng(0))
    g = check_gradient(post("000", r"$c \in \mathbb{R}^{K_2}$"), "t^{(1)}", f=seeds.rbf_numpy,
                       objective="f", kwargs=kw, trials=1)
    assert has_note(g, r"\theta = \{ c, t_{k_2}^{(2)}, t^{(1)} \}", "unreadable")
    assert has_note(g, r"z^{(2)}_{k2}", "unreadable")            # the title's f
    assert has_note(g, "N = N_p D_p", "inferred")
    assert has_note(g, r"x = [x_1, ..., x_{N_p}]", "inferred")
    assert has_note(g, r"\frac{\partial f(x) }{\partial t^{(1)}_{i,j}} = \sum", "claim")
    assert has_note(g, r"\theta", "prose")


def test_post001_with_its_declaration_line():
    g = check_gradient(post("001", DECL_001), "W", f=seeds.seed001_numpy, objective=r"\lambda")
    assert g.problem.objective == "lambda_"
    assert has_note(g, r"\odot", "unreadable")                     # "The $\odot$ symbol"
    assert has_note(g, r"\sigma' = (\sigma - \sigma^2)", "relation")
    assert has_note(g, r"\sigma' = \frac{d\sigma}{d\zeta}", "claim")
    assert has_note(g, r"\frac{\partial\lambda}{\partial W} &=", "claim")
    assert has_note(g, r"d\lambda &= e^{-\lambda}\,d\alpha", "differential")
    assert has_note(g, r"\implies dz = dW\,x", "differential")
    assert has_note(g, r"s &= \sigma(z)", "restated")
    assert has_note(g, r"\hat \sigma'", "prose")


def test_post001_answer_formula_checks_out():
    doc = post("001", DECL_001)
    result = matcalc.check(doc, "W", r"-e^{-\lambda}\alpha\gamma\;\left(S-S^2\right){\rm w}x^T"
                           r" \quad S = {\rm Diag}(s)", objective=r"\lambda")
    assert result.ok, result.message


def seed002_inputs():
    rng = np.random.default_rng(2)
    N, M, K = 3, 4, 2
    return dict(h=rng.integers(0, 2, N + M).astype(float) + 0.5,
                phi=rng.standard_normal((N + M, K)), N=N)


def test_post002_as_pasted():
    g = check_gradient(post("002"), r"\phi", f=seeds.seed002_numpy, objective="F",
                       kwargs=seed002_inputs(), trials=1)
    assert has_note(g, r"\frac{\partial {f_{ij}}}{\partial \phi_k}={?}", "unreadable")
    assert has_note(g, "j=k", "relation") and has_note(g, "m=l", "relation")
    assert has_note(g, r"\frac{dF}{d\phi} = 2\sum", "claim")
    assert has_note(g, r"\phi_i=(\phi_{i,1},\dots, \phi_{i,K})", "inferred")
    assert has_note(g, r"\sum_{i=1}^N \sum_{j=N+1}^{N+M} h_i h_j (\phi_i^T \phi_j)", "prose")
    assert any(n.line == 24 and n.kind == "unreadable" for n in g.notes)


def test_post002_accepted_answer_is_wrong():
    claim = (r"\frac{\partial }{\partial \phi_{k,l} }F(h,\phi)= \sum_{i=1}^N"
             r"\sum_{j={N+1}}^{N+M} h_i h_j\phi_{k,l}(\phi_{j,l} + \phi_{i,l})")
    assert not matcalc.check(post("002"), r"\phi", claim, objective="F")


def test_post003_with_its_declaration_line():
    g = check_gradient(post("003", DECL_003), "z", f=seeds.dec_numpy, objective="KL",
                       mode="positive", seed=3)
    assert has_note(g, r"\frac{\partial \text{KL}}{\partial z_i} &=", "claim")
    assert has_note(g, r"\partial \hat{q}_{ij}", "prose")
    assert has_note(g, r"\frac{\partial \hat{q}_{ij}}{\partial z_i} =", "claim")


def test_post003_mu_and_the_paper_formula():
    check_gradient(post("003", DECL_003), r"\mu", f=seeds.dec_numpy, objective="KL",
                   mode="positive", seed=3)
    held = post("003", DECL_003) + "\n$p \\text{ constant}$\n"
    assert matcalc.check(held, "z", seeds.PAPER["z"], objective="KL").ok


# Seed 004 never declares y (the target in L(s) = (y-s)^2/2): a scalar by the equations
# only -- (y - s)^2 with s a scalar and L the (scalar) objective.
def test_post004_as_pasted():
    g = check_gradient(post("004"), r"\alpha", f=seeds.seed004_answer_numpy, objective="L")
    assert any(n.kind == "inferred" and n.text == "y" and "a scalar" in n.reason
               for n in g.notes)


def test_post004_with_y_declared():
    """The question's chain and the answer's both define s and L: the question's s cannot
    be read (an unparenthesised product), the answer's is used; the two L agree. The
    answer's renaming (I -> A, N -> n, E_max -> m) gives A and its dimensions."""
    g = check_gradient(post("004", r"$y \in \mathbb{R}$"), r"\alpha",
                       f=seeds.seed004_answer_numpy, objective="L")
    assert set(g.inputs.values()) >= {"A", "D", "alpha", "beta", "y"}
    assert has_note(g, r"(\log,\exp,{\rm sigma})", "unreadable")
    assert has_note(g, r"(\odot,\oslash)", "unreadable")
    assert has_note(g, r"I\to A", "inferred")
    assert has_note(g, r"s(\alpha, \beta)=N - \sum_{i=1}^{N}\prod", "unreadable")
    assert has_note(g, r"L &= \tfrac 12(s-y)^2", "restated")
    assert has_note(g, r"\grad{L}{\alpha} &= (s-y)\;{\rm Tr}(PFA^T)", "claim")
    assert has_note(g, r"A:B &= B:A", "relation")
    assert matcalc.check(post("004", r"$y \in \mathbb{R}$"), r"\alpha",
                         r"(s-y)\;{\rm Tr}(PFA^T)", objective="L").ok


def test_cli_prints_the_notes_on_stderr():
    r = subprocess.run([sys.executable, "-m", "matcalc", "derive", str(POSTS / NAMES["002"]),
                        "--wrt", r"\phi", "--objective", "F"], capture_output=True, text=True,
                       cwd=HERE.parent, timeout=120)
    assert r.returncode == 0, r.stderr
    assert "∂F/∂φ" in r.stdout
    assert "notes on the reading" in r.stderr
    assert "line 24, column" in r.stderr and "={?}" in r.stderr and "cannot be read" in r.stderr
    assert "={?}" not in r.stdout


def test_cli_error_names_the_fragment_that_matters():
    doc = "Let $x \\in \\mathbb{R}^n$, and $\\odot$ is a product.\n$$g = x \\odot {?}$$\n$f = g^Tx$"
    r = subprocess.run([sys.executable, "-m", "matcalc", "derive", "-", "--wrt", "x"],
                       input=doc, capture_output=True, text=True, cwd=HERE.parent, timeout=120)
    assert r.returncode == 2
    assert "line 2, column 16" in r.stderr and "defines g" in r.stderr


# ---------------------------------------------------------------- classification

R = r"\mathbb{R}"
BASE = f"Let $x \\in {R}^n$ and $A \\in {R}^{{n \\times n}}$.\n$$y = Ax$$\n$$f = y^Ty$$\n"


def grad_at(g, seed=0):
    kw = numeric.sample_inputs(g.problem, np.random.default_rng(seed))
    return np.asarray(numeric.call(g.to_numpy(), kw)), kw


def same_gradient(a, b):
    ga, kw = grad_at(a)
    gb = np.asarray(numeric.call(b.to_numpy(), kw))
    return ga.shape == gb.shape and np.allclose(ga, gb, rtol=1e-10)


@pytest.mark.parametrize("prose", [
    r"The symbols $(\odot,\oslash)$ are products.",
    r"the functions $(\log,\exp,{\rm sigma})$ act elementwise",
    r"The parameters are $\theta = \{c, t\}$.",
    r"$$ \frac{\partial {f_{ij}}}{\partial \phi_k}={?}$$",
    r"The $\odot$ symbol.",
    r"we need $\frac{\partial f}{\partial x}$ and $x$, as $n \to \infty$",
    r"where $A:B = \operatorname{tr}(A^TB)$ and $j = k$",
    r"$$\int_0^1 x\,dt$$ and $\hat{\textbf{y}}$",
])
def test_prose_fragments_are_skipped_and_noted(prose):
    plain = matcalc.gradient(BASE, "x", objective="f")
    doc = BASE.replace("$$f = y^Ty$$\n", prose + "\n$$f = y^Ty$$\n")
    g = matcalc.gradient(doc, "x", objective="f")
    assert same_gradient(plain, g)
    line = doc.splitlines().index(prose) + 1
    assert any(n.line == line for n in g.notes), g.notes
    assert all(n.line >= 1 and n.column >= 1 and n.reason for n in g.notes)


def test_notes_carry_line_column_reason_text_kind():
    doc = BASE + "The symbol $\\odot$ is Hadamard's.\n"
    g = matcalc.gradient(doc, "x", objective="f")
    n = next(n for n in g.notes if n.text == r"\odot")
    assert (n.line, n.column, n.kind) == (4, 13, "unreadable")
    assert "cannot be read" in n.reason and "line 4" in str(n)


def test_claims_are_kept_not_read_as_definitions():
    doc = BASE + (r"$$\frac{\partial f}{\partial x} = 2A^TAx$$" "\n"
                  r"$$\frac{d}{dx}(x^Tx) = 2x$$" "\n" r"$dy = A\,dx \implies df = 2y^Tdy$")
    g = matcalc.gradient(doc, "x")
    assert g.problem.objective == "f"                 # the claims define nothing
    kinds = {n.text: n.kind for n in g.notes}
    assert kinds[r"\frac{\partial f}{\partial x} = 2A^TAx"] == "claim"
    assert kinds[r"\frac{d}{dx}(x^Tx) = 2x"] == "claim"
    assert kinds[r"dy = A\,dx"] == "differential"
    assert kinds[r"\implies df = 2y^Tdy"] == "differential"
    assert matcalc.check(doc, "x", r"2A^TAx").ok


def test_an_unreadable_fragment_that_is_needed_is_the_error():
    doc = (f"Take $x \\in {R}^n$ and the symbol $\\odot$ (Hadamard).\n"
           f"Define $$g = x \\odot {{?}}$$ and then\n$$f = g^Tx$$")
    with pytest.raises(ParseError) as err:
        matcalc.gradient(doc, "x")
    e = err.value
    assert (e.line, e.column) == (2, 23)                 # the '?', not the first prose \odot
    assert "defines g" in str(e) and "^" in str(e).splitlines()[-1]


def test_a_skipped_definition_of_a_declared_name_is_refused():
    # without the fragment, y would silently be an input of its own
    doc = (f"$x, y \\in {R}^n$ and $A \\in {R}^{{n \\times n}}$\n$$y = A x ?$$\n$$f = y^Ty$$")
    with pytest.raises(ParseError) as err:
        matcalc.gradient(doc, "x")
    assert err.value.line == 2 and "would be taken as an input" in str(err.value)


def test_a_named_objective_only_in_an_unreadable_fragment():
    doc = f"$x \\in {R}^n$\n$$g = x^Tx$$\n$$L = \\int_0^1 g\\,dt$$"
    with pytest.raises(ParseError) as err:
        matcalc.gradient(doc, "x", objective="L")
    assert err.value.line == 3 and r"\int" in str(err.value) and "defines L" in str(err.value)


def test_a_trailing_unreadable_definition_may_be_the_objective():
    doc = f"$x \\in {R}^n$\n$$g = x^Tx$$\n$$L = g ? 2$$"
    with pytest.raises(ParseError) as err:
        matcalc.gradient(doc, "x")
    assert err.value.line == 3 and "may be the objective" in str(err.value)
    assert matcalc.gradient(doc, "x", objective="g").problem.objective == "g"


def test_wrt_declared_only_in_an_unreadable_fragment():
    doc = f"$x \\in {R}^n$ and $z \\in \\mathbb{{V}}^n$\n$$f = x^Tx$$"
    with pytest.raises(ParseError) as err:
        matcalc.gradient(doc, "z")
    assert err.value.line == 1 and "declares z" in str(err.value)


def test_restatements():
    same = f"$x \\in {R}^n$: minimise $f = x^Tx$, that is\n$$f = x^Tx$$"
    g = matcalc.gradient(same, "x")
    assert [n.kind for n in g.notes] == ["restated"]
    other_words = f"$x \\in {R}^n$: minimise $f = x^Tx$, that is\n$$f = \\|x\\|^2$$"
    g = matcalc.gradient(other_words, "x")
    assert [n.kind for n in g.notes] == ["restated"] and "same values" in g.notes[0].reason
    differ = f"$x \\in {R}^n$: minimise $f = x^Tx$, that is\n$$f = 2x^Tx$$"
    with pytest.raises(ParseError, match="defined twice, differently"):
        matcalc.gradient(differ, "x")


def test_a_restatement_that_cannot_be_read_gives_way():
    doc = f"Gradient of $f = x^T x_{{2k}}$?\n\n$x \\in {R}^n$\n$$f = x^Tx$$"
    g = matcalc.gradient(doc, "x")
    assert any(n.kind == "unreadable" and n.line == 1 for n in g.notes)
    assert same_gradient(g, matcalc.gradient(f"$x \\in {R}^n$ $f = x^Tx$", "x"))


def test_a_restatement_with_an_unknown_name_is_refused():
    # A is declared nowhere: the second f may mean something else, it cannot be compared
    doc = f"$x \\in {R}^n$: $f = x^Tx$, that is\n$$f = x^TAx$$"
    with pytest.raises(ParseError, match="defined twice, and this definition cannot be compared"):
        matcalc.gradient(doc, "x")


def test_renaming():
    doc = (f"$I \\in {R}^{{N \\times M}}$, $w \\in {R}^M$. Rename $(I \\to A,\\; N \\to n)$.\n"
           f"$$f = \\mathbf{{1}}_n^T A w$$")
    g = matcalc.gradient(doc, "w")
    assert "A" in g.inputs.values() and g.problem.inputs["A"].shape[0].name == "n"


def test_gradient_operator_is_a_claim():
    g = matcalc.gradient(f"Let \\(x \\in {R}^n\\). \\[f = x^Tx\\] so \\[\\nabla_x f = 2x\\]", "x")
    assert [n.kind for n in g.notes] == ["claim"]


def test_a_limit_is_not_a_renaming():
    doc = f"$x \\in {R}^n$, $f = x^Tx$, and as $n \\to \\infty$ or $(n \\to \\infty)$ it grows"
    g = matcalc.gradient(doc, "x")
    assert g.problem.inputs["x"].shape[0].name == "n"
    assert all(n.kind == "prose" for n in g.notes)


def test_a_dimension_equation_is_used_in_values_too():
    doc = (f"Here $x \\in {R}^N$ with $N = P D$, $P$ blocks of $D$ entries, and $u \\in {R}^D$, "
           f"$v \\in {R}^P$. $$f = N x^Tx + \\mathbf{{1}}_P^T v\\, u^T u$$")
    g = matcalc.gradient(doc, "x")
    assert any(n.kind == "inferred" and n.text == "N = P D" for n in g.notes)
    got, kw = grad_at(g)
    assert np.allclose(got, 2 * kw["x"] * kw["x"].size)      # N is P D, the length of x


def test_cli_check_prints_the_notes_too():
    r = subprocess.run([sys.executable, "-m", "matcalc", "check", str(POSTS / NAMES["002"]),
                        "--wrt", r"\phi", "--objective", "F", "--claim",
                        r"\frac{\partial F}{\partial \phi_{k,l}} = \sum_{i=1}^N\sum_{j=N+1}^{N+M}"
                        r" h_i h_j (\delta_{ik}\phi_{j,l} + \delta_{jk}\phi_{i,l})"],
                       capture_output=True, text=True, cwd=HERE.parent, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("correct") and "={?}" in r.stderr


def test_bare_final_expression_is_the_objective():
    # issue 8: a bare final expression after definitions was ignored (3a gave 2x)
    g = matcalc.gradient(f"x \\in {R}^n\na = x^Tx\n3a", "x")
    got, kw = grad_at(g)
    assert np.allclose(got, 6 * kw["x"])
    # a name mentioned in prose after the definitions is not an objective
    g = matcalc.gradient(f"$x \\in {R}^n$ $a = x^Tx$ with respect to $x$", "x")
    assert g.problem.objective == "a"


# ---------------------------------------------------------------- property

DOCS = [   # (declarations, definitions, wrt, objective) of valid documents
    ([f"x \\in {R}^n", f"A \\in {R}^{{n \\times n}}"], ["y = Ax", "f = y^Ty + x^Tx"], "x", "f"),
    ([f"W \\in {R}^{{n \\times d}}", f"x \\in {R}^d", f"w \\in {R}^n"],
     [r"s = \sigma(Wx)", r"L = \log(1 + \exp(-w^Ts))"], "W", "L"),
    ([f"z_i \\in {R}^d, \\; i = 1,\\dots,n", f"c \\in {R}^d"],
     [r"F = \sum_{i=1}^n \|z_i - c\|^2"], "c", "F"),
]
PROSE_MATH = [r"\odot", r"(\log,\exp,{\rm sigma})", r"\theta = \{c, t\}", r"={?}", "x",
              r"\frac{\partial f}{\partial x}", r"\frac{\partial L}{\partial W} = 2W",
              r"\sigma(\zeta)", r"dy = A\,dx", r"A:B = \operatorname{tr}(A^TB)",
              r"n \to \infty", r"\int_0^1 g\,dt", r"\hat{\textbf{y}}", r"W^Q", r"\cdot",
              r"\mathbb{R}^n", r"\{0, 1\}", r"p(y \mid x)", r"\nabla_x", r"?", r"\\",
              r"\eqalign{ a &= {?} \cr }", r"x_i \in S", r"\sum_i"]
WORDS = ["Let", "we", "have", "the", "gradient", "is", "2 Answers", "Asked by", "0", "On",
         "BEST ANSWER", "where", ".", ",", "(", ")", "\n", "\n\n", "# Heading", "-", "5 votes"]


def wrap(math_, how):
    return {"$": f"${math_}$", "$$": f"$${math_}$$", "[": f"\\[{math_}\\]",
            "(": f"\\({math_}\\)", "align": f"\\begin{{align}} {math_} \\end{{align}}"}[how]


@st.composite
def interleaved(draw):
    decls, defs, wrt, objective = draw(st.sampled_from(DOCS))
    hows = st.sampled_from(["$", "$$", "[", "(", "align"])
    base = [wrap(s, draw(hows)) for s in decls + defs]
    extra = draw(st.lists(st.tuples(st.integers(0, len(base)),
                                    st.one_of(st.sampled_from(WORDS),
                                              st.builds(wrap, st.sampled_from(PROSE_MATH),
                                                        hows))), max_size=8))
    parts = list(base)
    for at, piece in sorted(extra, key=lambda p: -p[0]):
        parts.insert(at, piece)
    sep = draw(st.sampled_from([" ", "\n", " and "]))
    return sep.join(base), sep.join(parts), wrt, objective


EXAMPLES = int(os.environ.get("MATCALC_POST_EXAMPLES", "60"))   # more for a long run


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(interleaved())
def test_prose_that_defines_nothing_never_changes_the_gradient(case):
    base, doc, wrt, objective = case
    want = matcalc.gradient(base, wrt, objective=objective)
    got = matcalc.gradient(doc, wrt, objective=objective)
    assert same_gradient(want, got), doc


# prose math that does not even look like a definition or an expression: with the objective
# left to matcalc (the last definition), it may stand anywhere, after the last one too
MENTIONS = [m for m in PROSE_MATH if m not in (r"\theta = \{c, t\}", r"W^Q",
                                               r"\eqalign{ a &= {?} \cr }")]


@st.composite
def interleaved_mentions(draw):
    decls, defs, wrt, objective = draw(st.sampled_from(DOCS))
    base = [f"${s}$" for s in decls + defs]
    parts = list(base)
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(parts)))
        parts.insert(at, draw(st.one_of(st.sampled_from(WORDS),
                                        st.builds(wrap, st.sampled_from(MENTIONS),
                                                  st.sampled_from(["$", "$$", "["])))))
    return " ".join(base), " ".join(parts), wrt, objective


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(interleaved_mentions())
def test_mentions_never_change_the_chosen_objective(case):
    base, doc, wrt, objective = case
    want = matcalc.gradient(base, wrt)
    got = matcalc.gradient(doc, wrt)
    assert got.problem.objective == want.problem.objective == objective
    assert same_gradient(want, got), doc


@settings(max_examples=2 * EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(WORDS),
                          st.builds(wrap, st.sampled_from(PROSE_MATH + [
                              f"x \\in {R}^n", "f = x^Tx", "g = x ?", f"W \\in {R}^{{n}}",
                              "f = 2x^Tx", "y = f", r"(x \to y, n \to m)", "$", "g = f^2",
                              r"\frac{\partial f}{\partial x} = 2x"]),
                              st.sampled_from(["$", "$$", "[", "(", "align"]))),
                max_size=12),
       st.sampled_from(["x", "W", "y", r"\theta"]), st.sampled_from([None, "f", "g"]))
def test_any_post_gives_a_result_or_a_matcalc_error(parts, wrt, objective):
    doc = " ".join(parts)
    try:
        g = matcalc.gradient(doc, wrt, objective=objective)
    except MatcalcError:
        return
    assert isinstance(g.text(), str) and isinstance(g.notes, list)
    g.numpy_source()
