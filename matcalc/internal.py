"""The engine's internal exceptions, and the one place where they become `MatcalcError`.

Contract: inside `reported(what)`, a `DiffError`, `MoveError`, `ir.IRError` or
`RecursionError` leaves the block as ``MatcalcError(f"{what}: {err}")`` (its traceback
suppressed); a `MatcalcError` and every other exception pass through unchanged. The public
functions wrap each stage (lowering, differentiation, code generation) in it, so a user never
sees a traceback from inside the engine for what the engine cannot do.
"""

from __future__ import annotations

from contextlib import contextmanager

from .colon import MoveError
from .diff import DiffError
from .errors import MatcalcError
from .ir import IRError

INTERNAL = (DiffError, MoveError, IRError, RecursionError)


@contextmanager
def reported(what: str):
    """Run the block; an internal exception leaves it as a MatcalcError that starts `what`."""
    try:
        yield
    except MatcalcError:
        raise
    except INTERNAL as err:
        raise MatcalcError(f"{what}: {err}") from None
