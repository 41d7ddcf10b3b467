"""Writes the five seed notebooks (seed_000.ipynb ... seed_004.ipynb) and runs them.

The notebooks are the readable form; this script is how they are kept alike: each reads
its seed post as pasted (tests/posts/), shows it, derives the gradient the asker wanted,
shows the derivation once and the closed form, gives a verdict on every claimed derivative
in the post, and compares the generated NumPy code with central finite differences.

    python notebooks/make_notebooks.py            # write, execute, save with outputs
    python notebooks/make_notebooks.py --no-run   # write the cells only

tests/test_notebook.py executes the notebooks with a real kernel (nbclient).
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

SEEDS = {
    "000": dict(
        file="000_685d3689a78193d2.txt", wrt="t^{(1)}", objective="f",
        title="a two-layer RBF network, wrt the deepest centres t^{(1)}",
        decl=r"$c \in \mathbb{R}^{K_2}$",
        why=("The post never declares $c$: only its use $\\sum_{k_2} c_{k_2}\\exp(\\dots)$ "
             "says it is a $K_2$-vector, and matcalc does not yet infer shapes from use. "
             "We add the one declaration a user would type.")),
    "001": dict(
        file="001_85f6e870d6e81e4c.txt", wrt="W", objective=r"\lambda",
        title="log(1 + exp(-y wᵀσ(Wx + b))) wrt W",
        decl=(r"$W \in \mathbb{R}^{n \times d}, \quad x \in \mathbb{R}^d, \quad "
              r"b \in \mathbb{R}^n, \quad \mathbf w \in \mathbb{R}^n, \quad y \in \mathbb{R}$"),
        why=("The post gives the shapes in words (an exercise sheet it links to); we add "
             "them as one declaration line.")),
    "002": dict(
        file="002_1fab97c784c49544.txt", wrt=r"\phi", objective="F",
        title="Σ_i Σ_j h_i h_j φ_iᵀφ_j over two sub-ranges, wrt φ",
        extra=[("md", "The Kronecker-delta form of the gradient, which the answer's own steps "
                      "lead to, checked as a claim:"),
               ("code", 'delta = (r"\\frac{\\partial F}{\\partial \\phi_{k,l}} = '
                        '\\sum_{i=1}^N\\sum_{j=N+1}^{N+M}"\n'
                        '         r" h_i h_j (\\delta_{ik}\\phi_{j,l} + '
                        '\\delta_{jk}\\phi_{i,l})")\n'
                        'matcalc.check(doc, wrt=r"\\phi", claim=delta, objective="F")')]),
    "003": dict(
        file="003_c2291b3726c6b572.txt", wrt="z", objective="KL",
        title="the Deep Embedded Clustering KL loss, wrt z_i",
        decl=(r"$z_i \in \mathbb{R}^d, \; i = 1,\dots,n$, $\mu_j \in \mathbb{R}^d, \; "
              r"j = 1,\dots,K$, $\nu \in \mathbb{R}$"),
        why="The post gives the shapes in words; we add them as one declaration line.",
        extra=[("md", "The paper's formulas hold when the target distribution $p$ is held "
                      "constant (a stop-gradient), as the DEC paper does: with "
                      "`p \\text{ constant}` added they are right."),
               ("code", 'matcalc.check_all(doc + "\\n$p \\\\text{ constant}$", '
                        'objective="KL")')]),
    "004": dict(
        file="004_0b8a233455df796a.txt", wrt=r"\alpha", objective="L",
        title="L = ½(y − s)², s = N − Σ_i Π_j (1 − σ(αI_ij + βD_ij)), wrt α",
        decl=r"$y \in \mathbb{R}$",
        why=("The post never declares the target $y$: only $(y-s)^2$ says it is a "
             "scalar, and matcalc does not yet infer shapes from use. We add the one "
             "declaration a user would type.")),
}

IMPORTS = """\
from pathlib import Path
import numpy as np
from IPython.display import Markdown, display
import matcalc
from matcalc import names, numeric

post = (Path("..") / "tests" / "posts" / {file!r}).read_text()"""


def cells(seed: str, spec: dict) -> list:
    """(kind, source) of every cell of one seed's notebook."""
    wrt, obj = spec["wrt"], spec["objective"]
    args = f'wrt=r"{wrt}", objective=r"{obj}"'
    out = [("md", f"# Seed {seed}: {spec['title']}\n\n"
                  f"The question and its answers as posted (`tests/posts/{spec['file']}`), "
                  f"pasted whole into matcalc: it reads every formula, derives the gradient "
                  f"the asker wanted, and gives a verdict on every derivative the post "
                  f"claims."),
           ("code", IMPORTS.format(file=spec["file"])),
           ("md", "## The problem as posted"),
           ("code", "display(Markdown(post))")]
    if "decl" in spec:
        out += [("md", "## Reading it\n\n" + spec["why"]),
                ("code", f"try:\n    matcalc.gradient(post, {args})\n"
                         f"    print('read as pasted')\nexcept matcalc.MatcalcError as err:\n"
                         f"    print('refused as pasted:', err)\n"
                         f"doc = post + \"\\n\" + r\"{spec['decl']}\"")]
    else:
        out += [("md", "## Reading it\n\nThe post is read as pasted."), ("code", "doc = post")]
    out += [("md", "## The derivation\n\nWhat the reader skipped or inferred, then each step "
                   "with the identity it used."),
            ("code", f"g = matcalc.gradient(doc, {args})\n"
                     f"print(f\"{{len(g.notes)}} notes on the reading; the first five:\")\n"
                     f"for note in g.notes[:5]:\n    print(' ', note)\n"
                     f"display(Markdown(g.derivation(\"markdown\")))"),
            ("md", "## The closed form"),
            ("code", "g"),
            ("md", "## A verdict on every claim in the post"),
            ("code", f"matcalc.check_all(doc, objective=r\"{obj}\")")]
    for kind, src in spec.get("extra", ()):
        out.append((kind, src))
    out += [("md", "## The generated code against finite differences"),
            ("code", "print(g.numpy_source())"),
            ("code", "objective = g.objective_numpy()\n"
                     "kw = numeric.sample_inputs(g.problem, np.random.default_rng(0), objective)\n"
                     "got = numeric.call(g.to_numpy(), kw)\n"
                     "want = numeric.central_difference(objective, kw, "
                     "names.python_name(g.wrt))\n"
                     "error = numeric.relative_error(got, want)\n"
                     "print(f\"largest difference from central differences: {error:.1e}\")\n"
                     "assert error < 1e-5")]
    return out


def notebook(seed: str, spec: dict):
    import nbformat
    from nbformat import v4
    nb = v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    for kind, src in cells(seed, spec):
        nb.cells.append(v4.new_markdown_cell(src) if kind == "md" else v4.new_code_cell(src))
    nbformat.validate(nb)
    return nb


def main(argv) -> int:
    import nbformat
    run = "--no-run" not in argv
    for seed, spec in SEEDS.items():
        nb = notebook(seed, spec)
        if run:
            from nbclient import NotebookClient
            env = dict(os.environ, PYTHONPATH=str(HERE.parent))
            NotebookClient(nb, timeout=600, kernel_name="python3",
                           resources={"metadata": {"path": str(HERE)}}).execute(env=env)
        nbformat.write(nb, HERE / f"seed_{seed}.ipynb")
        print(f"wrote notebooks/seed_{seed}.ipynb")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
