r"""The LaTeX matcalc prints for each seed's derivation and result compiles with pdflatex
on an A4 page, and no line is wider than the page (no ``Overfull \hbox`` wider than
10 pt). Skipped where pdflatex is not installed."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

import matcalc

SEEDS = Path(__file__).parent / "seeds"
PDFLATEX = shutil.which("pdflatex")
TOLERANCE_PT = 10.0

# (file, wrt, objective): one derivation per seed
CASES = [
    ("000.tex", "t^{(1)}", "f"),
    ("001_question.tex", "W", None),
    ("002.tex", r"\phi", None),
    ("003.tex", "z", None),
    ("004_question.tex", r"\alpha", None),
]

DOCUMENT = r"""\documentclass[a4paper,10pt]{article}
\usepackage{amsmath,amssymb}
\allowdisplaybreaks
\begin{document}
\[
%s
\]
\[
%s
\]
\end{document}
"""


def overfull(log: str) -> list:
    """The widths (pt) of every Overfull \\hbox in a TeX log."""
    return [float(w) for w in re.findall(r"Overfull \\hbox \(([\d.]+)pt too wide\)", log)]


@pytest.mark.skipif(PDFLATEX is None, reason="pdflatex is not installed")
@pytest.mark.parametrize("name, wrt, objective", CASES)
def test_seed_latex_compiles_and_fits_a4(tmp_path, name, wrt, objective):
    g = matcalc.gradient((SEEDS / name).read_text(encoding="utf-8"), wrt, objective=objective)
    tex = tmp_path / "seed.tex"
    tex.write_text(DOCUMENT % (g.derivation("latex"), g.result("latex")), encoding="utf-8")
    run = subprocess.run([PDFLATEX, "-interaction=nonstopmode", "-halt-on-error", tex.name],
                         cwd=tmp_path, capture_output=True, text=True, timeout=300)
    log = (tmp_path / "seed.log").read_text(encoding="utf-8", errors="replace")
    errors = [line for line in log.splitlines() if line.startswith("!")]
    assert run.returncode == 0 and not errors, errors or run.stdout[-2000:]
    wide = [w for w in overfull(log) if w > TOLERANCE_PT]
    assert not wide, f"lines wider than the page by {wide} pt"


def test_overfull_reads_the_log():
    log = "Overfull \\hbox (345.2pt too wide) in paragraph\nOverfull \\hbox (1.5pt too wide)"
    assert overfull(log) == [345.2, 1.5]
