"""Objectives written only inside an optimisation operator or inside a claimed derivative
(issue 8; read/optimum.py, lower/optimum.py, lower/candidates.py).

Every derived gradient is checked numerically: matcalc's generated gradient against central
finite differences of an independent NumPy objective written here (float64, random inputs,
`helpers.check_gradient`). Refusals are located MatcalcErrors naming the construct.
"""
from __future__ import annotations

import numpy as np
import pytest
from helpers import check_gradient, refused

import matcalc

DECL = r"$A \in \mathbb{R}^{m \times n}, b \in \mathbb{R}^{m}, x \in \mathbb{R}^{n}, "\
       r"\lambda \in \mathbb{R}$" + "\n"


def lstsq(A, b, x):
    r = A @ x - b
    return float(r @ r)


def ridge(A, b, x, lambda_):
    return lstsq(A, b, x) + lambda_ * float(x @ x)


# ------------------------------------------------------------------ every operator form

@pytest.mark.parametrize("op", [
    r"\min_x",
    r"\min_{x}",
    r"\max_{\mathbf{x}}",
    r"\operatorname{argmin}_{x}",
    r"\operatorname*{argmin}_x",
    r"\text{argmin}_x",
    r"\mathrm{argmin}_x",
    r"\arg\min_x",
    r"\arg\max_{x}",
    r"\argmin_x",
    r"\underset{x}{\arg\min}",
    r"\underset{x}{\operatorname{argmin}}",
    r"\underset{x}{\min}",
])
def test_the_minimand_is_the_objective(op):
    doc = DECL + rf"We solve $${op} \|Ax - b\|^2 + \lambda \|x\|^2$$ by gradient descent."
    g = check_gradient(doc, "x", ridge)
    assert any("read as the objective" in n.reason and "optimisation variables: x" in n.reason
               for n in g.notes), g.notes


def test_minimand_in_braces_and_a_declaration_under_the_operator():
    doc = r"$A \in \mathbb{R}^{m \times n}, b \in \mathbb{R}^{m}$" + "\n" + \
        r"$$\min_{x \in \mathbb{R}^n} \{ \|Ax - b\|^2 \}$$"
    check_gradient(doc, "x", lstsq)


def test_minimand_wrt_a_variable_not_optimised():
    # the gradient with respect to any input of the minimand, not only the optimised one
    doc = DECL + r"$$\min_x \|Ax - b\|^2 + \lambda \|x\|^2$$"
    check_gradient(doc, "A", ridge)


def test_a_minimand_naming_a_definition():
    doc = DECL + r"$$L = \|Ax - b\|^2$$ $$r = Ax - b$$ and we solve $$\min_x L$$"
    g = check_gradient(doc, "x", lstsq)
    assert g.problem.objective == "L"


def test_a_definition_after_the_minimand_is_not_the_objective():
    # the last definition (r, a vector) would be the objective without the operator
    doc = DECL + r"$$\min_x \|r\|^2 + \lambda x^Tx$$ where $r = Ax - b$."
    check_gradient(doc, "x", ridge)


# ------------------------------------------------------------------ constraints

@pytest.mark.parametrize("tail", [
    r", \; x \geq 0",
    r"\quad \text{s.t.} \quad Ax = b",
    r"\text{ subject to } x^Tx = 1, \; x \ge 0",
    r", \; \|x\|_1 \le 1",
])
def test_a_constraint_is_noted_never_a_definition(tail):
    doc = DECL + rf"$$\min_x \|Ax - b\|^2 + \lambda \|x\|^2 {tail}$$"
    g = check_gradient(doc, "x", ridge)
    assert any("a constraint of the optimisation" in n.reason for n in g.notes), g.notes


def test_constraints_on_the_row_after_s_t():
    doc = DECL + "$$\\begin{aligned} \\min_x \\; & \\|Ax - b\\|^2 + \\lambda \\|x\\|^2 \\\\ " \
        "\\text{s.t.} \\; & x = b_0 \\end{aligned}$$"
    g = check_gradient(doc, "x", ridge)
    assert any("a constraint of the optimisation" in n.reason for n in g.notes), g.notes


def test_a_where_clause_after_the_constraints_defines_again():
    doc = DECL + r"$$\min_x \|r\|^2 \text{ s.t. } x \geq 0 \text{ where } r = Ax - b$$"
    check_gradient(doc, "x", lstsq)


def test_a_condition_under_the_operator_is_noted():
    doc = r"$A, B \in \mathbb{R}^{n \times n}, X \in \mathbb{R}^{n \times n}$" + "\n" + \
        r"$$ \min_{X \text{ orthogonal}} \|AX-B\|_F. $$"
    g = check_gradient(doc, "X", lambda A, B, X: float(np.linalg.norm(A @ X - B)))
    assert any("a condition under \\min" in n.reason for n in g.notes), g.notes


# ------------------------------------------------------------------ solution statements

def test_a_starred_solution_is_noted_never_a_definition():
    doc = DECL + r"$$x^* = \arg\min_x \|Ax - b\|^2$$ and $x^* = (A^TA)^{-1}A^Tb$."
    g = check_gradient(doc, "x", lstsq)
    assert any("solution" in n.reason for n in g.notes), g.notes


def test_starred_names_before_an_argmin_are_the_solution():
    doc = r"$A \in \mathbb{R}^{m \times n}, b \in \mathbb{R}^{m}, x, y \in \mathbb{R}^{n}$" \
        + "\n" + r"$$\mathbf{x}^{*},\mathbf{y}^{*} = \text{argmin}_{\mathbf{x},\mathbf{y}} " \
        r"\|Ax - b\|^2 + \|x - y\|^2$$"
    f = lambda A, b, x, y: lstsq(A, b, x) + float((x - y) @ (x - y))   # noqa: E731
    g = check_gradient(doc, "y", f)
    assert sum("the solution" in n.reason for n in g.notes) == 2, g.notes


def test_a_solution_of_the_optimised_variable_does_not_redefine_it():
    # X = UV^T is the solution, not a definition of X (U, V are never declared)
    doc = r"$A, B, X \in \mathbb{R}^{n \times n}$" + "\n" + \
        r"$$ \min_{X} \|AX-B\|_F^2 $$ the solution is $X=UV^T$, where $A^TB = U\Sigma V^T$."
    g = check_gradient(doc, "X", lambda A, B, X: float(np.sum((A @ X - B) ** 2)))
    assert any("solution statement of the optimisation variable" in n.reason
               for n in g.notes), g.notes


# ------------------------------------------------------------------ refusals

def test_rival_candidates_are_refused_naming_both():
    doc = DECL + r"The residual is $x^TA^TAx$ here, and we solve $$\min_x \|Ax-b\|^2$$"
    e = refused(doc, "x", "two candidates for the objective", "x^TA^TAx", "\\min_{x}")
    assert e.line == 2


def test_rival_candidates_named_objective_picks():
    doc = DECL + r"The residual is $x^TA^TAx$ here, and we solve $$\min_x \|Ax-b\|^2$$"
    check_gradient(doc, "x", lstsq, objective=r"\|Ax-b\|^2")
    check_gradient(doc, "x", lambda A, b, x: float(x @ A.T @ A @ x), objective="x^TA^TAx")


def test_two_different_minimands_are_refused_naming_both():
    doc = DECL + r"$$\min_x \|Ax-b\|^2$$ or $$\min_x \|x\|^2$$"
    refused(doc, "x", "two candidates for the objective", "\\|Ax-b\\|^2", "\\|x\\|^2")
    check_gradient(doc, "x", lambda A, b, x: float(x @ x), objective=r"\|x\|^2")


@pytest.mark.parametrize("typo, column", [
    (r"\|r\|^2 + \lambda \|x\|^{2", 34),        # an unclosed brace: the region is unreadable
    (r"\|r\|^2 + \lambda \foo x", 28),           # an unknown command
    (r"\|r\|^2 + \lambda x^T x^", 33),            # a clause the grammar cannot read
])
def test_a_minimand_with_a_typo_is_refused_at_the_typo(typo, column):
    # skipping it would make the last definition (r, a vector) the objective
    doc = DECL + "$$r = Ax - b$$\n$$\\min_x " + typo + "$$"
    e = refused(doc, "x", "the function inside the optimisation operator would be the "
                "objective, but it cannot be read")
    assert (e.line, e.column) == (3, column), str(e)


def test_a_minimum_over_a_function_is_refused():
    doc = DECL + r"$$\min_{u(t)} \{x^Tx + u^Tu\}$$"
    refused(doc, "x", "\\min_{u(t)}", "an optimisation over a function of t")


def test_a_minimand_that_does_not_depend_on_its_variable_is_refused():
    # e is defined nowhere the reader can read: e^2 is Euler's number squared
    refused(r"$\Delta \in \mathbb{R}^{n}$" + "\n" + r"$$\min_{\Delta} e^2$$", "\\Delta",
            "does not depend on \\Delta")


def test_max_without_a_subscript_is_the_function():
    # \max(a, b) is the maximum of two numbers, not an optimisation operator
    g = check_gradient(r"a, b \in \mathbb{R}" "\n" r"f = \max(a, b)", "a",
                       lambda a, b: max(a, b), kwargs=dict(a=2.0, b=1.0))
    assert not any("optimisation" in n.reason for n in g.notes), g.notes


# ------------------------------------------------------------------ claimed derivatives

COOKBOOK = "\n".join([
    r"$\mathbf{X} \in \mathbb{R}^{n \times n}, \mathbf{A} \in \mathbb{R}^{n \times n}, "
    r"\mathbf{B} \in \mathbb{R}^{n \times n}$",
    r"$$",
    r"\begin{aligned}",
    r"\frac{\partial \operatorname{det}(\mathbf{X})}{\partial \mathbf{X}} & ="
    r"\operatorname{det}(\mathbf{X})\left(\mathbf{X}^{-1}\right)^{T} \\",
    r"\frac{\partial \operatorname{det}(\mathbf{A} \mathbf{X B})}{\partial \mathbf{X}} & ="
    r"\operatorname{det}(\mathbf{A X B})\left(\mathbf{X}^{-1}\right)^{T}",
    r"\end{aligned}",
    r"$$"])


def _dominant(rng, n=3):
    return 3.0 * np.eye(n) + 0.5 * rng.standard_normal((n, n))


def test_the_claimed_function_is_the_objective_when_nothing_else_is_defined():
    doc = COOKBOOK.split("\n")[0] + "\n" + \
        r"$$\frac{\partial \operatorname{det}(\mathbf{X})}{\partial \mathbf{X}} = " \
        r"\operatorname{det}(\mathbf{X})\left(\mathbf{X}^{-1}\right)^{T}$$"
    rng = np.random.default_rng(0)
    g = check_gradient(doc, r"\mathbf{X}", lambda X: float(np.linalg.det(X)),
                       kwargs=dict(X=_dominant(rng)))
    assert any("the function the claim" in n.reason for n in g.notes), g.notes
    verdicts = matcalc.check_all(doc)
    assert [v.status for v in verdicts] == ["right"], verdicts


def test_two_claimed_functions_are_refused_naming_both_unless_named():
    refused(COOKBOOK, r"\mathbf{X}", "two candidates for the objective",
            r"\operatorname{det}(\mathbf{X})", r"\operatorname{det}(\mathbf{A} \mathbf{X B})")
    rng = np.random.default_rng(1)
    kw = dict(X=_dominant(rng), A=_dominant(rng), B=_dominant(rng))
    check_gradient(COOKBOOK, r"\mathbf{X}", lambda X, A, B: float(np.linalg.det(X)),
                   objective=r"\operatorname{det}(\mathbf{X})", kwargs=kw)
    check_gradient(COOKBOOK, r"\mathbf{X}", lambda X, A, B: float(np.linalg.det(A @ X @ B)),
                   objective=r"\operatorname{det}(\mathbf{A} \mathbf{X B})", kwargs=kw)


def test_check_all_checks_the_claim_on_the_objective_it_was_read_from():
    verdicts = matcalc.check_all(COOKBOOK, objective=r"\operatorname{det}(\mathbf{X})")
    assert verdicts[0].status == "right", verdicts
    wrong = COOKBOOK.replace(r"\left(\mathbf{X}^{-1}\right)^{T} \\", r"\mathbf{X}^{-1} \\")
    verdicts = matcalc.check_all(wrong, objective=r"\operatorname{det}(\mathbf{X})")
    assert verdicts[0].status == "wrong", verdicts


def test_a_claimed_function_named_as_written_beside_a_prose_mention():
    # 075: the prose mentions the first term alone; the claim differentiates the whole
    doc = r"$\phi, \mu \in \mathbb{R}^n, \Sigma \in \mathbb{R}^{n \times n}, " \
        r"\alpha \in \mathbb{R}$" + "\n" + \
        r"The first term is $\phi^T\mu$, hence $$\frac{\partial \phi^T\mu - " \
        r"\alpha\phi^T\Sigma\phi}{\partial \phi} = \mu - 2\alpha\Sigma\phi$$"
    refused(doc, r"\phi", "two candidates for the objective", "they differ")
    check_gradient(doc, r"\phi", lambda phi, mu, Sigma, alpha:
                   float(phi @ mu - alpha * phi @ Sigma @ phi),
                   objective=r"\phi^T\mu - \alpha\phi^T\Sigma\phi")


def test_a_definition_on_a_row_after_the_constraints_is_read():
    doc = DECL + "$$\\begin{aligned} \\min_x \\; & L \\\\ \\text{s.t.} \\; & x \\geq 0 \\\\ " \
        "L & = \\|Ax - b\\|^2 + \\lambda \\|x\\|^2 \\end{aligned}$$"
    g = check_gradient(doc, "x", ridge)
    assert g.problem.objective == "L"
