"""The command line, run as a user runs it (`python -m matcalc`, a subprocess)."""
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

from matcalc import numeric

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "logistic_layer.tex"
GOLDEN = Path(__file__).parent / "golden" / "derive_logistic_layer.txt"


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "matcalc", *args], input=stdin,
                          capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_derive_prints_each_step_with_its_identity():
    r = run("derive", str(EXAMPLE), "--wrt", "W")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    steps = [l for l in lines if l[:4].strip().rstrip(".").isdigit()]
    named = [l for l in lines if l.strip().startswith("by ")]
    assert len(steps) >= 5 and len(steps) == len(named)
    assert all(":" in l for l in named)  # "by <rule>: <identity>"
    # reviewed derivation text
    if os.environ.get("MATCALC_UPDATE_GOLDEN"):
        GOLDEN.write_text(r.stdout)
    assert r.stdout == GOLDEN.read_text()


def test_derive_latex_and_markdown():
    r = run("derive", str(EXAMPLE), "--wrt", "W", "--format", "latex")
    assert r.returncode == 0 and r"\begin{aligned}" in r.stdout and r"\frac{\partial" in r.stdout
    r = run("derive", str(EXAMPLE), "--wrt", "W", "--format", "markdown")
    assert r.returncode == 0 and "$$" in r.stdout


def test_code_runs_and_agrees_with_finite_differences():
    r = run("code", str(EXAMPLE), "--wrt", "W")
    assert r.returncode == 0, r.stderr
    namespace = {}
    exec(compile(r.stdout, "generated", "exec"), namespace)  # the module matcalc printed
    grad = namespace["grad_W"]
    assert grad.__doc__ and "(n, d)" in grad.__doc__
    rng = np.random.default_rng(0)
    kw = dict(W=rng.standard_normal((4, 3)), x=rng.standard_normal(3),
              b=rng.standard_normal(4), w=rng.standard_normal(4), y=0.7)

    def f(W, x, b, w, y):
        s = 1 / (1 + np.exp(-(W @ x + b)))
        return np.log1p(np.exp(-y * (w @ s)))

    want = numeric.central_difference(f, kw, "W")
    assert numeric.relative_error(grad(**kw), want) < 1e-7


def test_check_exit_codes():
    right = r"-y\,\sigma(-y w^T s)\,(s \odot (1-s) \odot w) x^T"
    assert run("check", str(EXAMPLE), "--wrt", "W", "--claim", right).returncode == 0
    r = run("check", str(EXAMPLE), "--wrt", "W", "--claim", right.lstrip("-"))
    assert r.returncode == 1 and "wrong sign" in r.stdout


def test_bad_input_exit_2_with_caret_on_stderr():
    r = run("derive", "-", "--wrt", "a", stdin="f = \\frac{a}{b\n")
    assert r.returncode == 2 and r.stdout == ""
    assert "line 1, column" in r.stderr and "^" in r.stderr and "Traceback" not in r.stderr
    r = run("derive", str(EXAMPLE), "--wrt", "Q")
    assert r.returncode == 2 and "not a variable" in r.stderr
    r = run("derive", "no/such/file.tex", "--wrt", "W")
    assert r.returncode == 2 and "cannot read" in r.stderr


def test_console_script_is_installed():
    r = subprocess.run(["matcalc", "derive", str(EXAMPLE), "--wrt", "b"],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "∂λ/∂b" in r.stdout


POST_002 = ROOT / "tests" / "posts" / "002_1fab97c784c49544.txt"


def test_check_without_claim_gives_a_verdict_on_every_claim():
    r = run("check", str(POST_002), "--objective", "F")
    assert r.returncode == 1, r.stderr                 # the accepted answer is wrong
    out = r.stdout
    assert "line 26, column 144: wrong" in out and "entries differ" in out
    assert "line 13, column 338: ill-formed" in out and "index i is already bound" in out
    assert out.rstrip().splitlines()[-1].startswith("9 claims (derivatives and differential steps): 0 right, 1 wrong")
    assert "notes on the reading" in r.stderr and "Traceback" not in r.stderr
    # only the claims about one variable: every claim of 002 is about phi, none about h
    r = run("check", str(POST_002), "--objective", "F", "--wrt", "h")
    assert r.returncode == 0 and r.stdout.startswith("0 claims")


def test_check_all_right_exits_0_and_honours_format():
    doc = ("$x \\in \\mathbb{R}^n$, $A \\in \\mathbb{R}^{n \\times n}$, $f = x^TAx$ so "
           "$$\\frac{\\partial f}{\\partial x} = (A + A^T)x$$")
    r = run("check", "-", stdin=doc)
    assert r.returncode == 0 and "line 1, column" in r.stdout and ": right" in r.stdout
    r = run("check", "-", "--format", "markdown", stdin=doc)
    assert r.returncode == 0 and r.stdout.startswith("- **line 1") and "$$" in r.stdout
    r = run("check", "-", "--format", "latex", stdin=doc)
    assert r.returncode == 0 and r"\begin{description}" in r.stdout and r"\item[" in r.stdout


def test_check_claim_honours_format():
    wrong = r"y\,\sigma(-y w^T s)\,(s \odot (1-s) \odot w) x^T"
    r = run("check", str(EXAMPLE), "--wrt", "W", "--claim", wrong, "--format", "latex")
    assert r.returncode == 1 and r"\textbf{wrong}" in r.stdout and r"\[" in r.stdout
    assert "∂" not in r.stdout                         # LaTeX, not the terminal's text
    r = run("check", str(EXAMPLE), "--wrt", "W", "--claim", wrong, "--format", "markdown")
    assert r.returncode == 1 and r.stdout.startswith("**wrong**") and "$$" in r.stdout
    r = run("check", str(EXAMPLE), "--claim", wrong)
    assert r.returncode == 2 and "--wrt" in r.stderr


def test_code_honours_format():
    plain = run("code", str(EXAMPLE), "--wrt", "W").stdout
    md = run("code", str(EXAMPLE), "--wrt", "W", "--format", "markdown")
    assert md.returncode == 0 and md.stdout == f"```python\n{plain.rstrip()}\n```\n"
    tex = run("code", str(EXAMPLE), "--wrt", "W", "--format", "latex")
    assert tex.returncode == 0 and tex.stdout.startswith("\\begin{verbatim}\n")
    assert plain.rstrip() in tex.stdout


def test_derive_no_steps_prints_only_the_result(capsys):
    from matcalc.cli import main
    assert main(["derive", "examples/logistic_layer.tex", "--wrt", "W", "--no-steps"]) == 0
    out = capsys.readouterr().out
    assert "by " not in out and out.strip().startswith("∂λ/∂W =")
