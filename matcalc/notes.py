"""Notes: what the reader skipped or inferred, for `Gradient.notes` and the CLI.

Contract: a `Note` has a 1-based `line` and `column` (where the fragment starts in the
original text), a `reason` in words, the fragment's `text` as written (shortened), and a
`kind`: "prose" (math that defines nothing), "unreadable" (skipped: cannot be read, and
nothing the objective uses depends on it), "claim" (a claimed derivative, kept for
`check`), "differential" (a differential step), "relation" (an identity or a relation
between indices), "restated" (a definition given again), "unused" (a definition the
objective does not use, which cannot be lowered), "inferred" (something read from
context: a dimension equation, a layout, a renaming).
"""
from __future__ import annotations

import bisect

from dataclasses import dataclass

MAX_TEXT = 70


@dataclass(frozen=True)
class Note:
    line: int
    column: int
    reason: str
    text: str = ""
    kind: str = "prose"

    def __str__(self):
        what = f" `{self.text}`" if self.text else ""
        return f"line {self.line}, column {self.column}:{what} {self.reason}"


def offsets(source: str):
    """Start offset of every line of `source` (for turning spans into text)."""
    starts = [0]
    for ln in source.splitlines(keepends=True):
        starts.append(starts[-1] + len(ln))
    return starts


def position(starts, i):
    """The 1-based (line, column) of offset `i`, given the line `starts` of `offsets`
    (an offset past the end is on the last line)."""
    nlines = max(1, len(starts) - 1)
    line = max(0, min(bisect.bisect_right(starts, i) - 1, nlines - 1))
    return line + 1, i - starts[line] + 1


def span_text(source: str, span) -> str:
    """The whole source text of `span`, whitespace runs as one space (never shortened, unlike
    `excerpt`: for tests on what was written)."""
    if span is None or not span.line:
        return ""
    starts = offsets(source)
    if not 1 <= span.line <= len(starts) or not 1 <= span.end_line <= len(starts):
        return ""
    a = starts[span.line - 1] + span.column - 1
    b = starts[span.end_line - 1] + span.end_column - 1
    return " ".join(source[a:max(a, b)].split())


def excerpt(source: str, span, starts=None) -> str:
    """The source text of `span` (1-based lines and columns, end exclusive), on one line,
    shortened to about MAX_TEXT characters."""
    if span is None or not span.line:
        return ""
    starts = starts or offsets(source)
    if not 1 <= span.line <= len(starts) or not 1 <= span.end_line <= len(starts):
        return ""
    a = starts[span.line - 1] + span.column - 1
    b = starts[span.end_line - 1] + span.end_column - 1
    text = " ".join(source[a:max(a, b)].split())
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT - 5] + " ..."
    return text


def note_at(source, span, reason, kind="prose", starts=None) -> Note:
    return Note(span.line, span.column, reason, excerpt(source, span, starts), kind)
