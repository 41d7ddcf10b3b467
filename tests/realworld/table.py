"""The corpus table of tests/realworld/README.md, made from cases.py and the documents'
headers, so that the README says what the tests say.

    python tests/realworld/table.py           # print the table
    python tests/realworld/table.py --write   # rewrite the README's "## Table" section

`tests/test_realworld.py::test_readme_table_is_current` fails when the README's table
differs from this one.
"""
from __future__ import annotations

import re
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

HERE = Path(__file__).parent
README = HERE / "README.md"
START, END = "## Table\n", "\n## "


def _cases():
    sys.path.insert(0, str(HERE.parent))
    from realworld.cases import CASES
    return CASES


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table() -> str:
    """The "## Table" section: the counts, then one row per document."""
    cases = _cases()
    counts = Counter(c.status.split(":")[0] for c in cases)
    # a list of identities counts as answered right only when every claim got a verdict,
    # right or wrong, that the test confirms by the numbers (none unchecked or ill-formed)
    whole = sum(c.status.startswith("checked") and all(cl.answered for cl in c.claims)
                for c in cases)
    answered = counts["right"] + whole
    head = (f"{len(cases)} documents: {counts['right']} right, {counts['refused']} refused, "
            f"{counts['wrong']} silently wrong, {counts['checked']} checked claim by claim "
            f"({whole} with every claim judged) ({answered / len(cases):.0%} answered right). "
            f"Made by `python tests/realworld/table.py --write` from `cases.py`.")
    rows = ["| file | source | field | status |", "| --- | --- | --- | --- |"]
    for c in cases:
        url = c.header("source")
        host = urlparse(url).netloc or url
        status = c.status if c.status == "right" else \
            re.sub(r"^(refused|wrong|checked): ", r"\1: ", c.status)
        rows.append(f"| `{c.file}` | [{host}]({url}) | {_cell(c.field)} | {_cell(status)} |")
    return START + "\n" + head + "\n\n" + "\n".join(rows) + "\n"


def readme_table(text: str) -> str:
    """The README's current "## Table" section."""
    a = text.index(START)
    b = text.find(END, a + len(START))
    return text[a:] if b < 0 else text[a:b + 1]


def main(argv):
    new = table()
    if "--write" in argv:
        text = README.read_text()
        README.write_text(text.replace(readme_table(text), new))
    else:
        print(new)


if __name__ == "__main__":
    main(sys.argv[1:])
