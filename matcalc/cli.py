"""The command line: ``matcalc derive|code|check FILE|- --wrt X``.

Contract (DESIGN.md): `derive` prints the derivation and the result; `code` prints a NumPy
module (as is, in a Markdown code block, or in a LaTeX verbatim block; `--backend
jax|torch|array_api` for another array library); with `--jacobian` or `--hessian` both do so
for the Jacobian of the objective (of any shape, numerator layout) or its Hessian instead of
the gradient; `check --claim` says whether a hand-derived gradient is right, and `check`
without `--claim` gives a verdict on every claimed derivative in the file (a whole post),
claimed Hessians included (``\\nabla^2 f = ...``: under a wrong one, "the Hessian: ...").
`--format` is text, latex or markdown for every subcommand. What the reader skipped or
inferred in the document (prose math, claims, fragments it cannot read) is listed on
stderr. Exit status: 0 success, 1 a claim is wrong or ill-formed, 2 bad input (the message,
with line, column and caret, on stderr).
"""
from __future__ import annotations

import argparse
import sys

from . import api, calculus
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
    """The derivative the flags ask for: the gradient, or with --jacobian the Jacobian of
    the objective (any shape), with --hessian the Hessian (``--wrt W,V``: a mixed block)."""
    doc = _read(args.file)
    if getattr(args, "jacobian", False):
        g = calculus.jacobian(doc, args.wrt, of=args.objective)
    elif getattr(args, "hessian", False):
        if args.objective is not None:
            raise MatcalcError("--hessian differentiates the document's objective: "
                               "--objective is for gradients and Jacobians")
        g = calculus.hessian(doc, args.wrt)
    else:
        g = api.gradient(doc, args.wrt, objective=args.objective)
    _print_notes(g.notes)
    return g


def _derive(args, out):
    g = _gradient(args)
    if not args.no_steps:
        out.write(g.derivation(args.format) + "\n\n")
    out.write(g.result(args.format) + "\n")
    return 0


def _code(args, out):
    g = _gradient(args)
    src = g.source(args.backend)
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
        if name == "code":
            p.add_argument("--backend", choices=("numpy", "jax", "torch", "array_api"),
                           default="numpy", help="the array library the module is for")
        if name in ("derive", "code"):
            kind = p.add_mutually_exclusive_group()
            kind.add_argument("--jacobian", action="store_true",
                              help="the Jacobian of the objective (of any shape), numerator "
                                   "layout: entry [a, b] is dF_a/dX_b")
            kind.add_argument("--hessian", action="store_true",
                              help="the Hessian of the objective (--wrt W,V for a mixed block)")
        if name == "derive":
            p.add_argument("--no-steps", action="store_true",
                           help="print only the result, not the derivation")
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
