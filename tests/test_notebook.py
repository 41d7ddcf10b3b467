"""The five seed notebooks run with a real Jupyter kernel (nbclient): any cell error fails
the test. Every cell has an id, and nothing is shown twice (a bare `g` shows the closed form;
the derivation is shown once, when asked for). Skipped only when nbclient is absent."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

import matcalc

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SEEDS = ["000", "001", "002", "003", "004"]


def test_one_notebook_per_seed():
    assert sorted(p.name for p in NOTEBOOKS.glob("*.ipynb")) == \
        [f"seed_{s}.ipynb" for s in SEEDS]


def _shown(nb):
    """The text of every rich output (the form Jupyter would show), cell by cell."""
    out = []
    for k, cell in enumerate(nb.cells):
        for o in cell.get("outputs", ()):
            data = o.get("data", {})
            text = o.get("text") or data.get("text/markdown") or data.get("text/latex") \
                or data.get("text/plain") or ""
            out.append((k, text))
    return out


@pytest.mark.parametrize("seed", SEEDS)
def test_notebook_executes(seed):
    nbclient = pytest.importorskip("nbclient")
    import nbformat
    nb = nbformat.read(NOTEBOOKS / f"seed_{seed}.ipynb", as_version=4)
    nbformat.validate(nb)
    assert all(cell.get("id") for cell in nb.cells)
    client = nbclient.NotebookClient(nb, timeout=600, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOKS)}})
    client.execute(env=dict(os.environ, PYTHONPATH=str(ROOT)))   # raises on a cell error
    shown = _shown(nb)
    assert not any(o.get("output_type") == "error" for c in nb.cells
                   for o in c.get("outputs", ()))
    derivations = [k for k, text in shown if "*by " in text]
    assert len(derivations) == 1, "the derivation is shown more than once"
    results = [k for k, text in shown if text.startswith("$$\\frac{\\partial")]
    assert len(results) == 1, "the closed form is shown more than once"
    verdicts = [text for _, text in shown if text.startswith("- **line ")]
    assert verdicts and "claims (derivatives and differential steps)" in verdicts[0]
    assert any("largest difference from central differences" in text for _, text in shown)


def test_rich_display_forms_show_the_same():
    g = matcalc.gradient("A \\in \\mathbb{R}^{n\\times n}, x \\in \\mathbb{R}^n\nf = x^T A x", "x")
    assert g._repr_latex_().startswith("$$\\frac{\\partial f}{\\partial x}")
    # whichever form the front end picks, it shows the result, not the derivation
    assert g._repr_markdown_() == g._repr_latex_()
    assert "*by" in g.derivation("markdown")
    right = matcalc.check("A \\in \\mathbb{R}^{n\\times n}, x \\in \\mathbb{R}^n\nf = x^T A x",
                          "x", claim="(A + A^T) x")
    assert right._repr_markdown_().startswith("**correct**")
