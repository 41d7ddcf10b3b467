"""The notebook's code cells run, in order, as a kernel would run them (IPython's display
helpers stubbed when IPython is absent), and results offer Jupyter's LaTeX/Markdown forms."""
import json
import sys
import types
from pathlib import Path

import matcalc

ROOT = Path(__file__).resolve().parent.parent


def test_notebook_cells_run(monkeypatch):
    if "IPython" not in sys.modules:
        try:
            import IPython.display  # noqa: F401
        except ImportError:
            fake = types.ModuleType("IPython")
            fake.display = types.ModuleType("IPython.display")
            fake.display.Markdown = lambda text: text
            fake.display.display = lambda *a: None
            monkeypatch.setitem(sys.modules, "IPython", fake)
            monkeypatch.setitem(sys.modules, "IPython.display", fake.display)
    monkeypatch.chdir(ROOT)
    nb = json.loads((ROOT / "notebooks" / "matcalc_seeds.ipynb").read_text())
    namespace = {}
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            exec(compile("".join(cell["source"]), "notebook", "exec"), namespace)
    assert namespace["g"]._repr_latex_().startswith("$$")


def test_rich_display_forms():
    g = matcalc.gradient("A \\in \\mathbb{R}^{n\\times n}, x \\in \\mathbb{R}^n\nf = x^T A x", "x")
    assert g._repr_latex_().startswith("$$\\frac{\\partial f}{\\partial x}")
    md = g._repr_markdown_()
    assert "$$" in md and "*by" in md
