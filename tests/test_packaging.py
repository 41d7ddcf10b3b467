"""The wheel ships every subpackage: pyproject's explicit package list matches the tree (an
editable install hides a missing entry; a plain `pip install .` would not import)."""
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())
                 ["tool"]["setuptools"]["packages"])
    tree = {".".join(p.parent.relative_to(ROOT).parts)
            for p in (ROOT / "matcalc").rglob("__init__.py")}
    assert tree | {"matcalc.grammar"} == listed
