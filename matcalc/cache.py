"""Where matcalc keeps files that only save time: the LALR tables lark builds from the
grammar (about 0.15-0.6 s on every process start without them).

Contract: `parser_cache_file()` is the path of the parser-table file in the user's cache
directory - ``$MATCALC_CACHE_DIR`` if set (set to the empty string: no cache), else
``$XDG_CACHE_HOME/matcalc``, else ``~/.cache/matcalc`` (``%LOCALAPPDATA%\\matcalc`` on
Windows) - or False when that directory cannot be created. It never raises. Lark checks
the file against a hash of the grammar, its options and the lark and Python versions
before using it, rebuilds the tables when it does not match or cannot be read, and
carries on without saving when the file cannot be written: the cache is never a reason
to fail, and a stale one is never used.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path


def cache_dir():
    """The user's cache directory for matcalc (not created here), or None if disabled."""
    own = os.environ.get("MATCALC_CACHE_DIR")
    if own is not None:
        return Path(own) if own else None
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "matcalc"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "matcalc"


def parser_cache_file():
    """A path for lark's ``cache=`` option, or False (no cache: lark builds the tables)."""
    try:
        where = cache_dir()
        if where is None:
            return False
        where.mkdir(parents=True, exist_ok=True)
        if not os.access(where, os.W_OK | os.R_OK):
            return False
        return str(where / f"parser-tables-py{sys.version_info[0]}{sys.version_info[1]}.lark")
    except (OSError, RuntimeError, ValueError):   # no home, read-only file system, ...
        return False
