"""Parser tests: syntax-tree structure (spans are compare=False), the seed formulas as
written, error locations, and fuzzing (any input gives a Document or a MatcalcError)."""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcalc.read import syntax as S
from matcalc.errors import MatcalcError, ParseError
from matcalc.read.parse import parse


# ---------------------------------------------------------------- tree helpers

def sym(name, accent=None, layer=None, primes=0):
    return S.Sym(name, accent, layer, primes)


def E(x):
    """Shorthand: str -> Sym, int -> Num, node -> node."""
    if isinstance(x, str):
        return sym(x)
    if isinstance(x, int):
        return S.Num(str(x))
    return x


def sub(base, *subs):
    return S.Sub(E(base), tuple(E(s) for s in subs))


def mul(*xs):
    out = E(xs[0])
    for x in xs[1:]:
        out = S.BinOp(S.MUL, out, E(x))
    return out


def binop(op, a, b):
    return S.BinOp(op, E(a), E(b))


def add(a, b):
    return binop(S.ADD, a, b)


def minus(a, b):
    return binop(S.SUB, a, b)


def call(f, *args, primes=0):
    return S.Call(f, tuple(E(a) for a in args), primes)


def apply(f, *args):
    return S.Apply(E(f), tuple(E(a) for a in args))


def pw(b, e):
    return S.Pow(E(b), E(e))


def tr(x):
    return S.Transpose(E(x))


def neg(x):
    return S.Neg(E(x))


def frac(a, b):
    return S.Frac(E(a), E(b))


def Def(target, value, params=None, middle=()):
    return S.Def(None if target is None else E(target),
                 None if params is None else tuple(E(p) for p in params),
                 E(value), tuple(E(m) for m in middle))


def stmts(text):
    return list(parse(text).statements)


def one(text):
    got = stmts(text)
    assert len(got) == 1, got
    return got[0]


def expr(text):
    st = one(text)
    assert isinstance(st, S.Bare), st
    return st.value


def k2():
    return sub("k", 2)


# ---------------------------------------------------------------- basics

def test_precedence_and_products():
    assert expr("a + b c") == add("a", mul("b", "c"))
    assert expr("a b / c") == binop(S.DIV, mul("a", "b"), "c")
    assert expr(r"-\gamma w^T s") == neg(mul("gamma", tr("w"), "s"))
    assert expr(r"A : B \odot C + D") == add(binop(S.COLON, "A", binop(S.HADAMARD, "B", "C")), "D")
    assert expr(r"a \oslash b") == binop(S.HDIV, "a", "b")
    assert expr(r"a \cdot b * c \times d") == mul("a", "b", "c", "d")
    assert expr("ab") == mul("a", "b")
    assert expr("2(x)(y)") == mul(2, "x", "y")


def test_postfix():
    assert expr("X^{-1}") == pw("X", neg(1))
    assert expr(r"x^T + x^\top + x^{\mathsf T} + x^\intercal") == \
        add(add(add(tr("x"), tr("x")), tr("x")), tr("x"))
    assert expr("e^\\beta") == pw("e", "beta")
    assert expr("x_12") == mul(sub("x", 1), 2)
    assert expr(r"\frac12 + \tfrac 12 + \dfrac{a}{b}") == add(add(frac(1, 2), frac(1, 2)), frac("a", "b"))
    assert expr("A_{ij}") == sub("A", mul("i", "j"))
    assert expr("A_{i,j}") == sub("A", "i", "j")
    assert expr("E_{max}") == sub("E", mul("m", "a", "x"))


def test_names():
    assert expr(r"\hat q + \hat{q}_{ij'}") == add(
        sym("q", "hat"), sub(sym("q", "hat"), mul("i", sym("j", primes=1))))
    assert expr(r"a^{(2)}") == sym("a", layer="2")
    assert expr(r"t_{k_2}^{(2)}") == sub(sym("t", layer="2"), k2())
    assert expr(r"t^{(1)}_{n_p,k}") == sub(sym("t", layer="1"), sub("n", "p"), "k")
    assert expr(r"[t_{k_2}^{(2)}]_{i,j}") == sub(sub(sym("t", layer="2"), k2()), "i", "j")
    assert expr(r"{S'}_{ik}") == sub(sym("S", primes=1), mul("i", "k"))
    assert expr(r"{\rm w}_k + \mathbf{w} + \mathbf w + \boldsymbol{\mu} + \bm x") == \
        add(add(add(add(sub("w", "k"), "w"), "w"), "mu"), "x")
    assert expr(r"\bar x \tilde y \vec z") == mul(sym("x", "bar"), sym("y", "tilde"), sym("z", "vec"))
    assert expr(r"\text{KL}") == sym("KL")
    assert expr(r"α + σ") == add("alpha", "sigma")


def test_functions():
    assert expr(r"\log x") == call("log", "x")
    assert expr(r"\det X^{-1}") == call("det", pw("X", neg(1)))
    assert expr(r"\exp(-z)^2") == pw(call("exp", neg("z")), 2)
    assert expr(r"\log\det X") == call("logdet", "X")
    assert expr(r"\log\frac{p}{q}") == call("log", frac("p", "q"))
    assert expr("sigm(f)") == call("sigma", "f")
    assert expr(r"{\rm sigma}(X) + {\rm Trace}(A) + \operatorname{Tr}(A) + \mathrm{tr}(A)") == \
        add(add(add(call("sigma", "X"), call("tr", "A")), call("tr", "A")), call("tr", "A"))
    assert expr(r"\operatorname{softplus}(x) + \operatorname{sg}(p) + {\rm Diag}(s) + \operatorname{diag}(s)") == \
        add(add(add(call("softplus", "x"), call("sg", "p")), call("Diag", "s")), call("diag", "s"))
    assert expr(r"\sqrt{x}^2") == pw(call("sqrt", "x"), 2)
    assert expr(r"\sigma(z)") == apply("sigma", "z")
    assert expr(r"\sigma'(z)") == apply(sym("sigma", primes=1), "z")
    assert expr(r"\hat\sigma(z)") == apply(sym("sigma", "hat"), "z")
    assert expr(r"\sigma") == sym("sigma")
    assert expr(r"\operatorname{foo}(x)") == apply("foo", "x")
    assert expr("W(x+b)") == apply("W", add("x", "b"))
    assert expr(r"g_{i,j}(f)") == apply(sub("g", "i", "j"), "f")
    assert expr(r"e^{x}") == pw("e", "x")
    assert expr(r"\log(J-F)") == call("log", minus("J", "F"))


def test_norms_and_ones():
    assert expr(r"\|x\|") == S.Norm(E("x"))
    assert expr(r"\|x\|_2^2") == pw(S.Norm(E("x"), S.Num("2")), 2)
    assert expr(r"\|X\|_F") == S.Norm(E("X"), E("F"))
    assert expr(r"||z_i-\mu_j||^2 / \nu") == binop(
        S.DIV, pw(S.Norm(minus(sub("z", "i"), sub("mu", "j"))), 2), "nu")
    assert expr(r"\lVert x\rVert + \left\| y \right\|") == add(S.Norm(E("x")), S.Norm(E("y")))
    assert expr("|x|") == S.Norm(E("x"), None, "abs")
    assert expr(r"\mathbf{1} + \mathbf{1}_n + 1_n") == add(add(S.Ones(), S.Ones(E("n"))), S.Ones(E("n")))
    assert expr(r"\big(x\big) \left(y\right) \Big[z\Big]") == mul("x", "y", "z")


def test_left_right_bars_pair_by_left_right():
    """A bar after \\left or \\right is paired by its \\left/\\right wherever it stands
    (issue 6: the printer writes |u_j δ_jp| |u_j δ_jq| as \\left|..\\right| \\left|..\\right|,
    read as one \\| between them); plain bars pair as before, and |a||b| stays refused."""
    a, b = S.Norm(E("a"), None, "abs"), S.Norm(E("b"), None, "abs")
    for text in (r"\left|a\right| \left|b\right|", r"\left|a\right|\left|b\right|",
                 r"\bigl|a\bigr|\bigl|b\bigr|", r"\left|a\right||b|", r"|a|\left|b\right|",
                 "|a| |b|"):
        assert expr(text) == mul(a, b), text
    assert expr(r"\left||a|\right|") == S.Norm(a, None, "abs")
    assert expr(r"|\left|a\right||") == S.Norm(a, None, "abs")
    assert expr(r"\left\|a\right\|\left\|b\right\|") == mul(S.Norm(E("a")), S.Norm(E("b")))
    assert where("x = |a||b|") == (1, 10, "unclosed '|'")


def test_accent_over_an_accented_letter_is_one_name():
    """\\overline{\\bar{x}} (matcalc's name for the cotangent of x̄), \\hat{\\bar{x}}: one
    name, accents innermost first, distinct from x̄ and from each other (issue 6)."""
    assert expr(r"\overline{\bar{x}}") == sym("x", "bar_bar")
    assert expr(r"\bar{\bar{x}}") == sym("x", "bar_bar")
    assert expr(r"\hat{\bar{x}}") == sym("x", "bar_hat")
    assert expr(r"\overline{\hat{y}}") == sym("y", "hat_bar")
    assert expr(r"\overline{\overline{\bar{x}}}^{(1)}") == sym("x", "bar_bar_bar", "1")
    assert expr(r"\overline{\bar{x}'}") == sym("x", "bar_bar", primes=1)
    assert expr(r"\overline{\hat{y}}_{i}") == expr(r"\overline{\hat{y}_{i}}") == \
        sub(sym("y", "hat_bar"), "i")
    for text in (r"x = \overline{\overline{\overline{\overline{\bar{y}}}}}",   # past four
                 r"x = \hat{\bar{y} + z}", r"x = \hat{\mathrm{out}}"):
        assert "must be put on a single letter" in where(text)[2], text


def test_big_operators():
    assert expr(r"\sum_{i=1}^{n} x_i") == S.BigOp("sum", (E("i"),), E(1), E("n"), sub("x", "i"))
    assert expr(r"\sum^{K_2}_{k_2=1} c_{k_2}") == S.BigOp("sum", (k2(),), E(1), sub("K", 2), sub("c", k2()))
    assert expr(r"\sum_{i,j} a") == S.BigOp("sum", (E("i"), E("j")), None, None, E("a"))
    assert expr(r"\sum_{j'} a") == S.BigOp("sum", (sym("j", primes=1),), None, None, E("a"))
    assert expr(r"\prod_j a") == S.BigOp("prod", (E("j"),), None, None, E("a"))
    assert expr(r"\sum_{k=1}^d a") == S.BigOp("sum", (E("k"),), E(1), E("d"), E("a"))
    # the body is the product term, through Hadamard, up to + - :
    body = binop(S.HADAMARD, mul("a", "b"), "c")
    assert expr(r"\sum_i a b \odot c + d") == add(S.BigOp("sum", (E("i"),), None, None, body), "d")
    assert expr(r"2\sum_i a : b") == binop(S.COLON, mul(2, S.BigOp("sum", (E("i"),), None, None, E("a"))), "b")
    assert expr(r"\sum_i \sum_j a_{ij}") == S.BigOp(
        "sum", (E("i"),), None, None, S.BigOp("sum", (E("j"),), None, None, sub("a", mul("i", "j"))))
    assert expr(r"\hat{q}_{ij}/\sum_{j'}\hat{q}_{ij'}") == binop(
        S.DIV, sub(sym("q", "hat"), mul("i", "j")),
        S.BigOp("sum", (sym("j", primes=1),), None, None,
                sub(sym("q", "hat"), mul("i", sym("j", primes=1)))))


def test_stacks():
    assert expr("[x_1, ..., x_{N_p}]") == S.Stack((sub("x", 1), S.Dots(), sub("x", sub("N", "p"))))
    assert expr("[a + b]") == add("a", "b")
    arr = r"\left( \begin{array}{c} a_{1}\\ \vdots \\ a_{n}\\ \end{array} \right)"
    assert expr(arr) == S.Stack((sub("a", 1), S.Dots(), sub("a", "n")))


# ---------------------------------------------------------------- statements

def test_wrappers_and_separators():
    want = [Def("a", "b"), Def("c", "d")]
    for text in ["a = b \\\\ c = d", "a = b\nc = d", "$a = b$ and $c = d$", "$$a = b, c = d$$",
                 r"\[a = b \quad c = d\]", r"\begin{align} a &= b \\ c &= d \end{align}",
                 r"\begin{align*} a &= b \\ c &= d \end{align*}", r"$$\eqalign{a &= b \\ c &= d}$$",
                 r"\begin{equation} a = b \text{ and } c = d \end{equation}",
                 r"a = b \;\; c = d", r"a = b \ ,\ c = d", "a = b % comment\nc = d",
                 r"a = b {\rm where} c = d", r"a = b \text{where} c = d",
                 r"\begin{gather} a = b \\ c = d \end{gather}",
                 r"\begin{eqnarray} a &=& b \\ c &=& d \end{eqnarray}"]:
        assert stmts(text) == want, text


def test_continuations():
    assert stmts("a = b +\n c") == [Def("a", add("b", "c"))]
    assert stmts("a = b\n + c") == [Def("a", add("b", "c"))]
    assert stmts("a = (b\n c)") == [Def("a", mul("b", "c"))]
    assert stmts(r"\begin{align} L &= a \\ &= b \end{align}") == [Def("L", "a"), Def(None, "b")]
    assert stmts(r"z &= Wx \quad&\implies dz = dW\,x \\ s &= z") == [
        Def("z", mul("W", "x")), Def("s", "z")]


def test_definitions():
    assert one("f(X) = X") == Def("f", "X", params=["X"])
    assert one(r"f_{i,j}(\alpha,\beta) := sigm(\alpha)") == Def(
        sub("f", "i", "j"), call("sigma", "alpha"), params=["alpha", "beta"])
    assert one(r"F(h;\phi) = h") == Def("F", "h", params=["h", "phi"])
    assert one(r"x \coloneqq y") == Def("x", "y")
    assert one(r"x \triangleq y") == Def("x", "y")
    assert one(r"ds &= {\rm Diag}(s')\,dz \;=\; S'\,dz") == Def(
        mul("d", "s"), mul(sym("S", primes=1), "d", "z"),
        middle=[mul(call("Diag", sym("s", primes=1)), "d", "z")])
    assert one(r"\text{KL}(P||Q) &= a") == Def("KL", "a")
    assert one(r"p \text{ constant}") == S.Hold(E("p"))


def test_declarations():
    R = lambda *d: S.Space("real", tuple(E(x) for x in d))
    assert one(r"W \in \mathbb{R}^{n \times d}") == S.Decl((E("W"),), R("n", "d"))
    assert one(r"\phi_k \in R^K") == S.Decl((sub("phi", "k"),), R("K"))
    assert one(r"\alpha, \beta \in \mathbb{R}") == S.Decl((E("alpha"), E("beta")), R())
    assert one(r"I, D \in \mathbb R^{N\times E_{max}}") == S.Decl(
        (E("I"), E("D")), R("N", sub("E", mul("m", "a", "x"))))
    assert one(r"X \in \mathbb{R}^{a \cdot b}") == S.Decl((E("X"),), R("a", "b"))
    assert one(r"x \in ℝ^n") == S.Decl((E("x"),), R("n"))
    nat = S.Space("natural", ())
    for t in [r"N \in \mathbb{N}_0", r"N \in \mathbb{N_0}", r"N \in \mathbb{N}"]:
        assert one(t) == S.Decl((E("N"),), nat)
    assert one(r"y \in \{0,1\}^n") == S.Decl((E("y"),), S.Space("binary", (E("n"),)))
    assert one(r"h_t \in \{0,1\}") == S.Decl((sub("h", "t"),), S.Space("binary", ()))
    assert one(r"k_2 \in \{1, ..., K_2\}") == S.Decl((k2(),), S.Space("range", (E(1), sub("K", 2))))
    assert stmts(r"z_i \in \mathbb{R}^d,\ i = 1,\dots,n") == [
        S.Decl((sub("z", "i"),), R("d")), S.Range(E("i"), E(1), E("n"))]


def test_macros():
    text = (r"$\def\o{{\large\tt1}} \def\p{{\partial}} \def\grad#1#2{\frac{\p #1}{\p #2}}"
            r"\def\l{\big(} \def\r{\big)} \def\D{{\rm Diag}}$ text "
            r"$$\eqalign{ P &= \D(p) \\ s &= n - \o_n:p \\"
            r"\grad{L}{\alpha} &= \l p\o_m^T\r \\ }$$")
    assert stmts(text) == [
        Def("P", call("Diag", "p")),
        Def("s", minus("n", binop(S.COLON, S.Ones(E("n")), "p"))),
        Def(frac(mul("partial", "L"), mul("partial", "alpha")), mul("p", tr(S.Ones(E("m"))))),
    ]
    assert stmts(r"\newcommand{\x}{y} \newcommand{\f}[2]{#1+#2} a = \f{\x}{b}") == [
        Def("a", add("y", "b"))]
    assert stmts(r"\newcommand\x{y} \renewcommand{\x}{z} a = \x") == [Def("a", "z")]


def test_spans_are_original_coordinates():
    st = one("a = b\n").value
    assert (st.span.line, st.span.column) == (1, 5)
    doc = parse("x = 1\n\ny = \\hat q + z")
    v = doc.statements[1].value
    assert (v.left.span.line, v.left.span.column) == (3, 5)
    assert (v.right.span.line, v.right.span.column) == (3, 14)
    doc = parse(r"\def\g{q_2} a = \g")                   # a macro's output: the call's span
    assert doc.statements[0].value.span.column == 17


# ---------------------------------------------------------------- seeds, as written

SEEDS = {
    "000": [
        r"$$f(x) = f([x_1, ..., x_{N_p}])= \sum^{K_2}_{k_2=1}c_{k_2} \exp(-z^{(2)}_{k_2})$$",
        r"$$ a^{(3)}_{k_2} = \exp(-z^{(2)}_{k_2}) \ , \ k_2 \in \{ 1, ..., K_2 \} $$",
        r"$$ z^{(2)}_{k_2} = \| a^{(2)} - t_{k_2}^{(2)} \|^2 \ , \ \ k_2 \in \{ 1, ..., K_2 \}$$",
        r"$$ a^{(2)}_{n_p,k} = \exp(-z^{(1)}_{n_p,k}) \ , \ n_p \in \{1,...,N_p\} \ , \ k \in \{1,...,D_d\} $$",
        r"$$ z^{(1)}_{n_p, k} = \| a^{(1)}_{n_p} - t^{(1)}_{n_p, k} \|^2 \ , \ n_p \in \{1,...,N_p\} \ , \ k \in \{1,...,D_d\}$$",
        r"$$ a^{(1)}_{n_p} = x_{n_p} \ , \ n_p \in \{1,...,N_p\} $$",
        r"$a^{(2)} \in \mathbb{R}^{K_1}$",
        r"$t^{(2)}_{k_2} \in \mathbb{R}^{K_1} $",
        r"$ t^{(1)}_{n_p, k} \in \mathbb{R}^{D_p}$",
        r"$a^{(1)}_{n_p} = x_{n_p} \in \mathbb{R}^{D_p}$",
        r"$x = [x_1, ..., x_{N_p}] \in \mathbb{R}^N$",
        r"$$ \frac{\partial f(x) }{\partial t^{(1)}_{i,j}} = \sum^{K_2}_{k_2 = 1} c_{k_2} (- \exp(-z^{(2)}_{k_2}))(2(a^{(2)}_{i,j} - [t^{(2)}_{k_2}]_{i,j}))(-\exp(-z^{(1)}_{i,j}))2(x_i - t^{(1)}_{i,j})(-1)$$",
        r"$$ a^{(2)} = \left( \begin{array}{c} a^{(2)}_{1,1}\\ \vdots \\ a^{(2)}_{1,D_d}\\ \vdots \\ a^{(2)}_{n_p,1}\\ \vdots \\ a^{(2)}_{n_p,D_d}\\ \vdots \\ a^{(2)}_{N_p,1}\\ \vdots \\ a^{(2)}_{N_p,D_d}\\ \end{array} \right) $$",
        r"$$ \frac{\partial f(x) }{ \partial t^{(1)}_{i,j} } = \frac{\partial f(x) }{ \partial z^{(1)}_{i,j} } \frac{\partial z^{(1)}_{i,j}}{ \partial t^{(1)}_{i,j} } = \left( \frac{\partial f(x) }{ \partial a^{(2)}_{i,j} } \frac{\partial a^{(2)}_{i,j} }{ \partial z^{(1)}_{i,j} } \right) \frac{\partial z^{(1)}_{i,j}}{ \partial t^{(1)}_{i,j} } $$",
        r"$$ \frac{\partial f(x) }{ \partial a^{(2)}_{i,j} } = \sum^{K_2}_{k_2=1} c_{k_2} ( -\exp(z^{(2)})) 2(a^{(2)}_{i,j} - [t_{k_2}^{(2)}]_{i,j})(1) $$",
    ],
    "001": [
        r"$$ \frac{\partial}{\partial W_{ij}}\log(1 + \exp(-y\mathbf w^T \hat \sigma (W \mathbf x + \mathbf b))) = \\ (1 + \exp(-y\mathbf w^T \hat \sigma (W \mathbf x + \mathbf b)))^{-1} \frac{\partial}{\partial W_{ij}}(1 + \exp(-y\mathbf w^T \hat \sigma (W \mathbf x + \mathbf b))), $$",
        r"$$ \frac{\partial}{\partial W_{ij}}(-y\mathbf w^T \hat \sigma (W \mathbf x + \mathbf b)) = -y\mathbf w^T \hat \sigma' (W \mathbf x + \mathbf b)\frac{\partial}{\partial W_{ij}}(W \mathbf x + \mathbf b),\\ \frac{\partial}{\partial W_{ij}}(W \mathbf x + \mathbf b) = x_j. $$",
        r"$$\eqalign{ \sigma' = \frac{d\sigma}{d\zeta} \\ }$$",
        r"$$s=\sigma(z),\qquad s'=\sigma'(z)$$",
        r"$$\eqalign{ ds &= s'\odot dz \\ }$$",
        r"$$\eqalign{ ds &= {\rm Diag}(s')\,dz \;=\; S'\,dz \\ }$$",
        r"$$\eqalign{ \gamma &= y \\ z &= Wx+b \quad&\implies dz = dW\,x \\ s &= \sigma(z) \\ s' &= \sigma'(z) &\implies ds = S'\,dz \\ \beta &= -\gamma{\rm w}^Ts &\implies d\beta = -\gamma{\rm w}^Tds \\ \alpha &= e^\beta &\implies d\alpha = \alpha\,d\beta \\ }$$",
        r"$$\eqalign{ \lambda &= \log(1+\alpha) \\ d\lambda &= e^{-\lambda}\,d\alpha \\ &= e^{-\lambda}\alpha\,d\beta \\ &= -e^{-\lambda}\alpha\gamma\;{\rm w}^Tds \\ &= -e^{-\lambda}\alpha\gamma\;{\rm w}^TS'\,dz \\ &= -e^{-\lambda}\alpha\gamma\;{\rm w}^TS'\,dW\,x \\ &= -e^{-\lambda}\alpha\gamma\; {\rm Trace}\big({\rm w}^TS'\,dW\,x\big) \\ &= -e^{-\lambda}\alpha\gamma\; {\rm Trace}\big(x{\rm w}^TS'\,dW\big) \\ \frac{\partial\lambda}{\partial W} &= -e^{-\lambda}\alpha\gamma\;\big(x{\rm w}^TS'\big)^T \\ &= -e^{-\lambda}\alpha\gamma\;S'{\rm w}x^T \\ }$$",
        r"$$\eqalign{ \frac{\partial\lambda}{\partial W_{ij}} &= -e^{-\lambda}\alpha\gamma\;\sum_{k=1}^d {S'}_{ik}{\rm w}_kx_j \\ &= -e^{-\lambda}\alpha\gamma\;\sigma'(z_i){\rm w}_ix_j \\ &= -e^{-\lambda}\alpha\gamma\; \sigma'\!\left(\sum_{k=1}^dW_{ik}x_k+b_i\right){\rm w}_ix_j \\ }$$",
        r"$\,\sigma' = (\sigma - \sigma^2).\,$",
        r"$$\eqalign{ \frac{\partial\lambda}{\partial W} = &-e^{-\lambda}\alpha\gamma\;\left(S-S^2\right){\rm w}x^T \\ &{\rm where}\;\; S = {\rm Diag}(s) \\ }$$",
    ],
    "002": [
        r"$$ F(h;\phi) = \sum_{i=1}^N \sum_{j=N+1}^{N+M} h_i h_j (\phi_i^T \phi_j)$$",
        r"with $h_t \in \{0,1\}$ for $t = 1,\dots , N+M, $",
        r"$h_t \in \{0,1\} for t = 1,\dots , N+M, $",
        r"$\phi_k \in R^K$",
        r"\begin{align} \frac{dF}{d\phi_i} &= \sum_{i=1}^N \sum_{j=N+1}^{N+M} h_i h_j \phi_j \\ \frac{dF}{d\phi_j} &= \sum_{i=1}^N \sum_{j=N+1}^{N+M} h_i h_j \phi_i^T \end{align}",
        r"$$ \frac{dF}{d\phi} = 2\sum_{i=1}^N \sum_{j=N+1}^{N+M} h_i h_j \phi_i^T + 2\sum_{i=1}^N \sum_{j=N+1}^{N+M} h_i h_j \phi_j$$",
        r"$$ f_{ij}(\phi) = \sum_{m=1}^K \phi_{i,m}\phi_{j,m} $$",
        r"$$\frac{\partial \phi_{i,m}}{\partial \phi_{k,l} }= \delta_{ik}\delta_{ml},\qquad\frac{\partial \phi_{j,m}}{\partial \phi_{k,l} }= \delta_{jk}\delta_{ml}.$$",
        r"$$ \frac{\partial }{\partial \phi_{k,l} }F(h,\phi)= \sum_{i=1}^N\sum_{j={N+1}}^{N+M} h_i h_j\phi_{k,l}(\phi_{j,l} + \phi_{i,l}). $$",
    ],
    "003": [
        r"\begin{align} \hat{q}_{ij} &= (1 + ||z_i-\mu_j||^2 / \nu) ^ {-\frac{\nu+1}{2}} \\ q_{ij} &= \hat{q}_{ij}/\sum_{j'}\hat{q}_{ij'} \\ \hat{p}_{ij} &= q_{ij}^2 / \sum_{i'} q_{i'j} \\ p_{ij} &= \hat{p}_{ij}/\sum_{j'}\hat{p}_{ij'} \\ \text{KL}(P||Q) &= \sum_{i,j}p_{ij}\log\frac{p_{ij}}{q_{ij}} \end{align}",
        r"\begin{align} \frac{\partial \text{KL}}{\partial z_i} &= \frac{\nu + 1}{\nu}\sum_j(1 + ||z_i-\mu_j||^2 / \nu)^{-1}(p_{ij} - q_{ij})(z_i - \mu_j) \\ \frac{\partial \text{KL}}{\partial \mu_j} &= -\frac{\nu + 1}{\nu}\sum_i(1 + ||z_i-\mu_j||^2 / \nu)^{-1}(p_{ij} - q_{ij})(z_i - \mu_j) \end{align}",
        r"$$\frac{\partial \hat{q}_{ij}}{\partial z_i} = -\frac{\nu+1}{\nu} (1 + ||z_i - \mu_j||^2 / \nu) ^ {-\frac{\nu+3}{2}} \cdot (z_i - \mu_j)$$",
        r"\begin{align} N_{ij} &= 1 + ||z_i - \mu_j||^2/\nu \\ \frac{\partial q_{ij}}{\partial z_i} &= \frac{-\frac{v+1}{v}N_{ij}^{-\frac{v+1}{2}}\cdot\left((z_i-\mu_j)\cdot\sum_{j'}N_{ij'}^{-\frac{v+1}{2}}\cdot N_{ij}^{-1} + \sum_{j'}\left(-(z_i-\mu_{j'})N_{ij'}^{-\frac{v+3}{2}}\right)\right)}{\left(\sum_{j'}N_{ij'}^{-\frac{v+1}{2}}\right)^2} \end{align}",
    ],
    "004": [
        r"$$ s(\alpha, \beta)=N - \sum_{i=1}^{N}\prod_{j=1}^{E_{max}}1-sigm(\alpha*I_{i,j}+\beta*D_{i,j}) \\ ´\\ \text{with: } N, E_{max} \in \mathbb{N_0}, \\ \alpha, \beta \in \mathbb{R}\\ I, D \in \mathbb{R}^{N\times E_{max}} $$",
        r"$$ s(\alpha, \beta)=N - \sum_{i=1}^{N}\prod_{j=1}^{E_{max}}(1-sigm(\alpha*I_{i,j}+\beta*D_{i,j}))$$",
        r"$$ f_{i,j}(\alpha,\beta) := sigm(\alpha*I_{i,j}+\beta*D_{i,j})\\ g_{i,j}(f):=sigm(f)\\ m_i(g):= \prod_{j=1}^{E_{max}}1-g_{i,j} \\ s(m):= N-\sum_{i=1}^{N}m_i\\ L(s):= \frac{1}{2}*(y-s)^2 $$",
        r"$\frac{dL}{ds}=-(y-s)$",
        r"$\frac{ds}{dm}=[-1, \dots, -1]$",
    ],
}

SEED004_ANSWER = r"""$ \def\o{{\large\tt1}} \def\p{{\partial}} \def\grad#1#2{\frac{\p #1}{\p #2}} \def\l{\big(} \def\r{\big)} \def\D{{\rm Diag}} $Rename some existing variables $\big(I\to A,\;N\to n,\;E_{max}\to m\big)$ and define some new variables $$\eqalign{ X &= \alpha A+\beta D \quad&\implies\quad dX = A\,d\alpha \\ F &= {\rm sigma}(X) \quad&\implies\quad dF = (J-F)\odot F\odot dX \\ G &= \log(J-F) \quad&\implies\quad dG = dF\oslash(F-J) \\ p &= \exp(G\o_m) \quad&\implies\quad dp = p\odot(dG\,\o_m) \\ P &= \D(p) \\ }$$ where $\o_n\in{\mathbb R}^{n}$ is the all-ones vector, $\,J=\o_n\o_m^T$ is the all-ones matrix.

Write the remaining variables in terms of the new variables $$\eqalign{ s &= n - \o_n:p \quad&\implies\quad ds = -\o_n:dp \\ L &= \tfrac 12(s-y)^2 \quad&\implies\quad dL = (s-y)\,ds \qquad\qquad \\ }$$ Now it's just a matter of backsubstitution. $$\eqalign{ dL &= (s-y)\,ds \\ &= (y-s)\;\o_n:dp \\ &= (y-s)\;\o_n:p\odot(dG\,\o_m) \\ &= (y-s)\;p\o_m^T:dG \\ &= (y-s)\;p\o_m^T:dF\oslash(F-J) \\ &= (y-s)\,\l p\o_m^T\r\oslash(F-J):dF \\ &= (y-s)\,\l p\o_m^T\r\oslash(F-J):(J-F)\odot F\odot(A\,d\alpha) \\ &= (s-y)\,\l p\o_m^T\r\odot F:A\,d\alpha \\ &= (s-y)\;PF:A\,d\alpha \\ &= (s-y)\;{\rm Tr}(PFA^T)\,d\alpha \\ \grad{L}{\alpha} &= (s-y)\;{\rm Tr}(PFA^T) \\ }$$ where a colon is being used"""


@pytest.mark.parametrize("text", [t for v in SEEDS.values() for t in v])
def test_seed_formulas_parse(text):
    doc = parse(text)
    assert doc.statements
    assert doc.source == text


def test_seed000_tree():
    st = stmts(SEEDS["000"][0])
    x = S.Stack((sub("x", 1), S.Dots(), sub("x", sub("N", "p"))))
    body = mul(sub("c", k2()), call("exp", neg(sub(sym("z", layer="2"), k2()))))
    assert st == [Def("f", S.BigOp("sum", (k2(),), E(1), sub("K", 2), body), params=["x"],
                      middle=[apply("f", x)])]
    st = stmts(SEEDS["000"][2])
    rng = S.Decl((k2(),), S.Space("range", (E(1), sub("K", 2))))
    norm = S.Norm(minus(sym("a", layer="2"), sub(sym("t", layer="2"), k2())))
    assert st == [Def(sub(sym("z", layer="2"), k2()), pw(norm, 2)), rng]
    st = one(SEEDS["000"][12])
    assert isinstance(st.value, S.Stack) and len(st.value.items) == 11
    st = one(SEEDS["000"][11])
    assert isinstance(st.target, S.Frac) and isinstance(st.value, S.BigOp)


def test_seed001_tree():
    st = stmts(SEEDS["001"][6])
    w = "w"
    assert st == [
        Def("gamma", "y"),
        Def("z", add(mul("W", "x"), "b")),
        Def("s", apply("sigma", "z")),
        Def(sym("s", primes=1), apply(sym("sigma", primes=1), "z")),
        Def("beta", neg(mul("gamma", tr(w), "s"))),
        Def("alpha", pw("e", "beta")),
    ]
    st = stmts(SEEDS["001"][-1])
    assert st[1] == Def("S", call("Diag", "s"))
    assert isinstance(st[0].target, S.Frac)
    e = expr(r"\log(1 + \exp(-y\mathbf w^T \hat \sigma (W \mathbf x + \mathbf b)))")
    inner = neg(mul("y", tr("w"), apply(sym("sigma", "hat"), add(mul("W", "x"), "b"))))
    assert e == call("log", add(1, call("exp", inner)))
    rows = stmts(SEEDS["001"][7])
    assert rows[6] == Def(None, neg(mul(pw("e", neg("lambda")), "alpha", "gamma",
                                        call("tr", mul(tr("w"), sym("S", primes=1), "d", "W", "x")))))


def test_seed002_tree():
    st = stmts(SEEDS["002"][1])
    assert st == [S.Decl((sub("h", "t"),), S.Space("binary", ())),
                  S.Range(E("t"), E(1), add("N", "M"))]
    assert stmts(SEEDS["002"][2]) == st
    st = one(SEEDS["002"][0])
    assert st.params == (E("h"), E("phi"))
    outer = st.value
    assert outer.kind == "sum" and outer.lower == E(1) and outer.upper == E("N")
    inner = outer.body
    assert inner.lower == add("N", 1) and inner.upper == add("N", "M")


def test_seed003_tree():
    st = stmts(SEEDS["003"][0])
    assert len(st) == 5
    qhat = sub(sym("q", "hat"), mul("i", "j"))
    base = add(1, binop(S.DIV, pw(S.Norm(minus(sub("z", "i"), sub("mu", "j"))), 2), "nu"))
    assert st[0] == Def(qhat, pw(base, neg(frac(add("nu", 1), 2))))
    assert st[4] == Def("KL", S.BigOp("sum", (E("i"), E("j")), None, None,
                                      mul(sub("p", mul("i", "j")),
                                          call("log", frac(sub("p", mul("i", "j")),
                                                           sub("q", mul("i", "j")))))))


def test_seed004_tree():
    st = stmts(SEEDS["004"][0])
    I = lambda b: sub(b, "i", "j")
    sig = call("sigma", add(mul("alpha", I("I")), mul("beta", I("D"))))
    emax = sub("E", mul("m", "a", "x"))
    prod = S.BigOp("prod", (E("j"),), E(1), emax, E(1))
    sm = S.BigOp("sum", (E("i"),), E(1), E("N"), prod)
    assert st == [
        Def("s", minus(minus("N", sm), sig), params=["alpha", "beta"]),
        S.Decl((E("N"), emax), S.Space("natural", ())),
        S.Decl((E("alpha"), E("beta")), S.Space("real", ())),
        S.Decl((E("I"), E("D")), S.Space("real", (E("N"), emax))),
    ]
    st = one(SEEDS["004"][1])
    assert st.value.right.body == S.BigOp("prod", (E("j"),), E(1), emax, minus(1, sig))
    st = stmts(SEEDS["004"][2])
    assert st[0] == Def(sub("f", "i", "j"), sig, params=["alpha", "beta"])
    assert st[4] == Def("L", mul(frac(1, 2), pw(minus("y", "s"), 2)), params=["s"])


def test_seed004_answer():
    st = stmts(SEED004_ANSWER)
    one_ = lambda n: S.Ones(E(n))
    assert st[:5] == [
        Def("X", add(mul("alpha", "A"), mul("beta", "D"))),
        Def("F", call("sigma", "X")),
        Def("G", call("log", minus("J", "F"))),
        Def("p", call("exp", mul("G", one_("m")))),
        Def("P", call("Diag", "p")),
    ]
    assert Def("s", minus("n", binop(S.COLON, one_("n"), "p"))) in st
    assert Def("L", mul(frac(1, 2), pw(minus("s", "y"), 2))) in st
    hd = binop(S.HDIV, mul(minus("y", "s"), mul("p", tr(one_("m")))), minus("F", "J"))
    assert Def(None, binop(S.COLON, hd, mul("d", "F"))) in st
    grad = frac(mul("partial", "L"), mul("partial", "alpha"))
    assert st[-1] == Def(grad, mul(minus("s", "y"), call("tr", mul("P", "F", tr("A")))))


# ---------------------------------------------------------------- errors

def where(text):
    with pytest.raises(ParseError) as ei:
        parse(text)
    e = ei.value
    assert e.line is not None and e.column is not None
    assert "^" in str(e)
    return e.line, e.column, e.bare_message


@pytest.mark.parametrize("text, line, column, words", [
    ("(a + b", 1, 1, "unclosed '('"),
    ("a + b)", 1, 6, "unmatched ')'"),
    ("x = [a, b", 1, 5, "unclosed '['"),
    ("a = {b", 1, 5, "unclosed '{'"),
    (r"a = \foo x", 1, 5, "unknown command \\foo"),
    (r"\def\a{\a} x = \a", 1, 16, "macro expansion"),
    (r"\def\a{\a\a} x = \a", 1, 18, "macro expansion"),
    ("__import__('os')", 1, 2, ""),
    ("x = y +", 1, 7, "expected an expression"),
    ("a = 1\nb = (c\n + d", 2, 5, "unclosed '('"),
    ("a = 1\n\nb = c ? d", 3, 7, "unexpected '?'"),
    ("% comment\n$a = 1$ and $b = = 2$", 2, 18, "unexpected '='"),
    ("$x", 1, 1, "unclosed math region"),
    (r"\begin{foo} x \end{foo}", 1, 1, "unsupported environment"),
    (r"\sqrt[3]{x}", 1, 1, "square roots"),
    ("x = a b c d e f g h #", 1, 21, "unexpected"),
    ("x = 1 ¤ 2", 1, 7, "unexpected character"),
    (r"\|x + y", 1, 1, "unclosed"),
    ("x^", 1, 2, "missing"),
    (r"\frac{a}", 1, 1, "\\frac"),
    ("a \\in", 1, 3, "expected"),
    (r"\def\f#1{(#1}" + "\nx = 1\ny = \\f{2}", 3, 5, "unclosed '('"),
])
def test_errors(text, line, column, words):
    got = where(text)
    assert got[:2] == (line, column), got
    assert words in got[2]


@pytest.mark.parametrize("text", ["", "   \n  ", "% only a comment", "$ $", r"$\def\x{y}$"])
def test_empty_document(text):
    with pytest.raises(ParseError) as ei:
        parse(text)
    assert "empty" in ei.value.bare_message


def test_deep_nesting_is_an_error_not_a_crash():
    with pytest.raises(ParseError) as ei:
        parse("(" * 5000 + "x" + ")" * 5000)
    assert "nested too deeply" in ei.value.bare_message
    # a flat sum is not nesting: it is read iteratively downstream
    assert parse("+".join(["x"] * 5000)).statements
    with pytest.raises(ParseError):
        parse("x" * 5000)
    # moderately long chains are fine
    assert parse("+".join(["x"] * 300)).statements


def test_errors_point_at_original_text_through_macros_and_wrappers():
    text = "$$\\def\\b{(} a = 1 \\\\\n c = \\b d $$"
    line, column, _ = where(text)
    assert (line, column) == (2, 6)
    line, column, msg = where("\\begin{align}\n a &= 1 \\\\\n b &= \\nope \n\\end{align}")
    assert (line, column) == (3, 7) and "\\nope" in msg


# ---------------------------------------------------------------- fuzzing

LATEX_ALPHABET = [
    r"\frac", "{", "}", "(", ")", "[", "]", "^", "_", r"\sum", r"\prod", "x", "y", "A", "1", "2",
    r"\|", "|", "||", "&", r"\\", "=", r"\in", r"\mathbb{R}", ",", "+", "-", "*", "/", ":",
    ":=", r"\cdot", r"\odot", r"\oslash", r"\left(", r"\right)", r"\big(", r"\big)", r"\exp",
    r"\log", r"\det", "sigm", r"\sigma", r"\alpha", "'", "T", r"\top", r"\{", r"\}", r"\dots",
    "...", r"\quad", r"\;", r"\,", r"\text{and}", r"\text{KL}", r"\rm", r"\mathbf", r"\hat",
    r"\def", r"\o", "#1", r"\newcommand", r"\begin{align}", r"\end{align}", r"\eqalign",
    r"\begin{array}{c}", r"\end{array}", "$", "$$", "%", "\n", " ", r"\implies", r"\sqrt",
    r"\operatorname{Tr}", r"\text{ constant}", r"\vdots", "´", "α", "ᵀ", r"\tfrac", "12", ";",
    ".", r"\mathbb{N}_0", r"\lVert", r"\rVert", r"\foo", "@",
]


def _check(text):
    try:
        doc = parse(text)
    except MatcalcError:
        return
    assert isinstance(doc, S.Document) and doc.statements


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LATEX_ALPHABET), max_size=40))
def test_fuzz_latex_tokens(parts):
    _check("".join(parts))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(LATEX_ALPHABET), max_size=30))
def test_fuzz_latex_tokens_spaced(parts):
    _check(" ".join(parts))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_fuzz_unicode(text):
    _check(text)


@settings(max_examples=200, deadline=None)
@given(st.sampled_from([t for v in SEEDS.values() for t in v]), st.data())
def test_fuzz_mutated_seeds(text, data):
    i = data.draw(st.integers(0, len(text)))
    j = data.draw(st.integers(i, min(len(text), i + 8)))
    ins = data.draw(st.sampled_from(LATEX_ALPHABET))
    _check(text[:i] + ins + text[j:])
