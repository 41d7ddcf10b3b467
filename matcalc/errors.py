"""The errors matcalc raises, and the caret excerpts that locate them in the input.

Contract: every failure caused by the user's document or arguments is a `MatcalcError`
(a `ValueError`). `ParseError` and `ShapeError` carry a 1-based `.line` and `.column`
(None when the problem has no place in the text, e.g. an unknown ``wrt``) and their
message ends with the offending source line and a caret under the place.
"""
from __future__ import annotations


class MatcalcError(ValueError):
    """Base class of every error caused by user input."""

    def __init__(self, message: str, line: int | None = None, column: int | None = None,
                 source: str | None = None, end_column: int | None = None):
        self.bare_message = message
        self.line = line
        self.column = column
        self.source, self.end_column = source, end_column   # to re-raise it with more said
        full = message
        if line is not None and column is not None:
            full = f"line {line}, column {column}: {message}"
            if source is not None:
                full += "\n" + caret_excerpt(source, line, column, end_column)
        super().__init__(full)


class ParseError(MatcalcError):
    """The text cannot be read: bad syntax, unknown command, unbound index, ..."""


class ShapeError(MatcalcError):
    """Shapes do not fit: mismatched dimensions, non-scalar objective, ..."""


def caret_excerpt(source: str, line: int, column: int, end_column: int | None = None) -> str:
    """The source line `line` (1-based) and a caret line under columns column..end_column."""
    lines = source.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return ""
    text = lines[line - 1].replace("\t", " ")
    width = 1
    if end_column is not None and end_column > column:
        width = min(end_column - column, max(1, len(text) - column + 1))
    # Long lines are cut around the caret so the excerpt stays readable.
    start = 0
    if len(text) > 100 and column > 60:
        start = column - 40
        text = "..." + text[start:]
        start -= 3
    return f"  {text}\n  {' ' * (column - 1 - start)}{'^' * width}"


def error_at(cls, message: str, span, source: str | None):
    """Build an error of class `cls` located at syntax span `span` (may be None)."""
    if span is None:
        return cls(message)
    end = span.end_column if span.end_line == span.line else None
    return cls(message, span.line, span.column, source, end)
