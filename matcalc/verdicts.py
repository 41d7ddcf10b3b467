"""Verdicts on claims, and how they are printed (text, Markdown, LaTeX).

Contract: a `Verdict` is one claimed right-hand side's verdict: its place, the claim as
written and as read, a status of STATUSES and the reason in words, with the LaTeX pieces of
the reason between $...$ (`plain` drops them for a terminal, `latex_text` escapes the rest
for LaTeX text mode). `Verdicts` is the list `check_all` returns; its `report(fmt)` prints
every verdict and a summary line naming the first wrong claim.
"""
from __future__ import annotations

from dataclasses import dataclass

from .check import latex_text, plain

STATUSES = ("right", "wrong", "ill-formed", "unchecked")
SHOWN = 400     # a longer gradient is not repeated under each wrong claim
LONG = "(the gradient is long: `matcalc derive` prints it)"


@dataclass(frozen=True)
class Verdict:
    """The verdict on one claimed right-hand side: where it starts (`line`, `column`,
    1-based), the claim as written (`claim`, LaTeX; `lhs`, the derivative it claims),
    `status` (one of STATUSES) and `reason` in words (LaTeX pieces between $...$). For a
    claim checked against a gradient, `gradient` is that gradient as ``∂f/∂x = ...`` (text)
    and `gradient_latex` in LaTeX (a claimed Hessian's: the Hessian, ``∂²f/∂x² = ...``);
    `read` is the claim as matcalc read it (LaTeX), so a misreading can be seen. `ok` is
    True only when right."""
    line: int
    column: int
    claim: str
    lhs: str
    status: str
    reason: str
    gradient: str = ""
    gradient_latex: str = ""
    wrt: str = ""             # the keyword of the variable, when the document has it
    read: str = ""            # the claim as matcalc read it (LaTeX), when it was read

    @property
    def ok(self) -> bool:
        return self.status == "right"

    @property
    def _shown(self) -> str:
        """What `gradient` holds, as the report labels it: a claimed Hessian's is the
        Hessian (``∂²f/∂x² = ...``, hessian_claims.py)."""
        return "the Hessian" if self.gradient.startswith("∂²") else "the gradient"

    def __str__(self):
        return f"line {self.line}, column {self.column}: {self.status}: {plain(self.reason)}"

    def report(self, fmt: str = "text") -> str:
        """This verdict in `fmt` (text, markdown or latex): its place, the claim, the
        verdict with its reason, and for a wrong claim the gradient."""
        where = f"line {self.line}, column {self.column}"
        show = self.status == "wrong" and self.gradient and len(self.gradient) <= SHOWN
        long = self.status == "wrong" and len(self.gradient) > SHOWN
        if fmt == "markdown":
            out = f"- **{where}: {self.status}** — {self.reason}  \n  `{self.claim}`"
            if self.read:
                out += f"  \n  read as $${self.read}$$"
            if show:
                out += f"  \n  {self._shown}: $${self.gradient_latex}$$"
            return out + (f"  \n  {LONG}" if long else "")
        if fmt == "latex":
            out = (f"\\item[{where}] \\textbf{{{self.status}}}: {latex_text(self.reason)}\n"
                   f"  \\texttt{{{latex_text(self.claim.replace('$', ''))}}}")
            if self.read:
                out += f"\n  read as \\[ {self.read} \\]"
            if show:
                out += f"\n  {self._shown}: \\[ {self.gradient_latex} \\]"
            return out + (f"\n  {latex_text(LONG)}" if long else "")
        out = f"{where}: {self.status}\n    {self.claim}\n    {plain(self.reason)}"
        if self.read:
            out += f"\n    read as: {self.read}"
        if show:
            out += f"\n    {self._shown}: {self.gradient}"
        return out + (f"\n    {plain(LONG)}" if long else "")


class Verdicts(list):
    """The verdicts of `check_all`, a list; `report(fmt)` prints them all with a summary
    line, and Jupyter shows them as Markdown. `notes`: what the reader skipped or inferred
    in the document (as `Gradient.notes`)."""

    notes = ()

    def counts(self) -> dict:
        return {s: sum(v.status == s for v in self) for s in STATUSES}

    def summary(self) -> str:
        c = self.counts()
        n = len(self)
        first = next((v for v in self if v.status == "wrong"), None)
        return (f"{n} claim{'s' if n != 1 else ''} (derivatives and differential steps): " +
                ", ".join(f"{c[s]} {s}" for s in STATUSES) +
                (f"; the first wrong one at line {first.line}, column {first.column}"
                 if first is not None else ""))

    def report(self, fmt: str = "text") -> str:
        rows = [v.report(fmt) for v in self]
        if fmt == "latex":
            body = "\n".join(rows)
            return (f"{self.summary()}\n\\begin{{description}}\n{body}\n\\end{{description}}"
                    if rows else self.summary())
        return "\n".join(rows + ["", self.summary()]) if rows else self.summary()

    def _repr_markdown_(self):
        return self.report("markdown")

    def __repr__(self):
        return self.report("text")
