"""The command line: ``matcalc derive|code|check FILE|- --wrt X``.

Contract (DESIGN.md): `derive` prints the derivation and the result; `code` prints a NumPy
module (as is, in a Markdown code block, or in a LaTeX verbatim block); `check --claim`
says whether a hand-derived gradient is right, and `check` without `--claim` gives a
verdict on every claimed derivative in the file (a whole post). `--format` is text, latex
or markdown for every subcommand. What the reader skipped or inferred in the document (prose math,
claims, fragments it cannot read) is listed on stderr. Exit status: 0 success, 1 a claim
is wrong or ill-formed, 2 bad input (the message, with line, column and caret, on stderr).
"""
from __future__ import annotations

import argparse
import sys

from . import api
from .errors import MatcalcError


def _read(path: str) -> str:
    if path == "-":
        return sys.stdin.read()
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError as err:
        raise MatcalcError(f"cannot read {path}: {err.strerror}") from None


def _print_notes(notes):
    """The reader's notes (what it skipped or inferred), on stderr: stdout stays the
    result alone."""
    if notes:
        print(f"matcalc: {len(notes)} note{'s' if len(notes) != 1 else ''} on the reading "
              f"(skipped or inferred):", file=sys.stderr)
        for n in notes:
            print(f"  {n}", file=sys.stderr)


def _gradient(args):
    g = api.gradient(_read(args.file), args.wrt, objective=args.objective)
    _print_notes(g.notes)
    return g


def _derive(args, out):
    g = _gradient(args)
    out.write(g.derivation(args.format) + "\n\n")
    out.write(g.result(args.format) + "\n")
    return 0


def _code(args, out):
    g = _gradient(args)
    src = g.numpy_source()
    if args.format == "markdown":
        src = f"```python\n{src.rstrip()}\n```\n"
    elif args.format == "latex":
        src = f"\\begin{{verbatim}}\n{src.rstrip()}\n\\end{{verbatim}}\n"
    out.write(src)
    return 0


def _check(args, out):
    """One claim (`--claim`, about `--wrt`), or a verdict on every claimed derivative in the
    file; exit 1 when a claim is wrong or ill-formed."""
    text = _read(args.file)
    if args.claim is None:
        return _check_all(text, args, out)
    if args.wrt is None:
        raise MatcalcError("--claim needs --wrt: the variable the claimed gradient is for")
    result = api.check(text, args.wrt, args.claim, objective=args.objective)
    _print_notes(result.notes)
    out.write(result.report(args.format) + "\n")
    return 0 if result.ok else 1


def _check_all(text, args, out):
    verdicts = api.check_all(text, objective=args.objective, wrt=args.wrt)
    _print_notes(verdicts.notes)
    out.write(verdicts.report(args.format) + "\n")
    return 1 if any(v.status in ("wrong", "ill-formed") for v in verdicts) else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="matcalc",
        description="Gradients of LaTeX formulas: derivation, closed form and NumPy code.")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("derive", "print the derivation and the gradient"),
                           ("code", "print a NumPy module computing the gradient"),
                           ("check", "is a hand-derived gradient right?")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("file", help="a .tex/.txt file with the formulas, or - for stdin")
        p.add_argument("--wrt", required=name != "check",
                       help="the variable (LaTeX name or keyword)" if name != "check" else
                       "the variable of --claim; without --claim, only the claims about it")
        p.add_argument("--objective", default=None,
                       help="the definition to differentiate (default: the last one)")
        p.add_argument("--format", choices=("text", "latex", "markdown"), default="text")
        if name == "check":
            p.add_argument("--claim", default=None,
                           help="the claimed gradient, in LaTeX (default: a verdict on "
                                "every claimed derivative in the file)")
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    run = {"derive": _derive, "code": _code, "check": _check}[args.command]
    try:
        return run(args, sys.stdout)
    except MatcalcError as err:
        print(f"matcalc: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head`
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
