"""Cold start: `import matcalc`, and the first derivation in a fresh process.

    python benchmarks/bench_startup.py [--repeat N]

In fresh interpreters (median of --repeat runs each):

* ``import matcalc``: wall time of ``python -c "import matcalc"`` minus that of
  ``python -c "pass"``, and ``python -X importtime`` (self and cumulative µs of matcalc,
  sympy, lark, numpy as the import tree reports them);
* for every seed document: ``gradient(doc, wrt=[...])`` then ``.to_numpy()`` right after
  the import (the first derivation pays for what the import left for later: the grammar,
  SymPy), and the same for a second document in the same process (warm).

* the first derivation of seed 001 split into its phases (CPU ms, median): importing
  NumPy, SymPy and lark, matcalc's own modules, lark's tables, ``gradient()``,
  ``to_numpy()`` - once with bytecode and once with every module's source compiled.

The child processes import the tree this script sits in (PYTHONPATH is set to it), or the
one --tree names. The parser-table cache (matcalc/cache.py) is used as a user would have
it: the first run of this script writes it, so run it twice to see the cached start.

Bytecode: an installed package has its ``.pyc`` files (pip compiles them at install; an
editable install writes them at the first import). With ``PYTHONDONTWRITEBYTECODE`` set,
as it is on some shared machines, every process compiles matcalc's ~100 modules from
source (~0.1 s CPU). The children import a copy of the tree's ``matcalc`` package in a
temporary directory (so nothing is written into the tree): by default the copy has its
bytecode, written by one unmeasured child first, as a user's install has it;
``--source-compiled`` measures every table with a copy without bytecode and
``PYTHONDONTWRITEBYTECODE=1``. The phase split reports both either way. (NumPy's, SymPy's
and lark's bytecode is the installed one in both.)
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _timing import load_line, machine_line  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "tests" / "seeds"
DOCS = [("000.tex", ["t^{(1)}", "t^{(2)}", "c"]), ("001_question.tex", ["W"]),
        ("002.tex", [r"\phi"]), ("003.tex", ["z", r"\mu"]),
        ("004_question.tex", [r"\alpha", r"\beta"])]

CHILD = r"""
import json, sys, time
c0, t0 = time.process_time(), time.perf_counter()
import matcalc
c1, t1 = time.process_time(), time.perf_counter()
first, second = sys.argv[1:3]
out = {"import": t1 - t0, "import_cpu": c1 - c0}
for label, (name, wrt) in (("first", json.loads(first)), ("second", json.loads(second))):
    doc = open(name).read()
    c, t = time.process_time(), time.perf_counter()
    g = matcalc.gradient(doc, wrt=wrt if len(wrt) > 1 else wrt[0])
    t2 = time.perf_counter()
    g.to_numpy()
    t3 = time.perf_counter()
    out[label] = {"gradient": t2 - t, "to_numpy": t3 - t2, "cpu": time.process_time() - c}
out["file"] = matcalc.__file__
out["modules"] = sorted(m for m in ("sympy", "lark", "matcalc.read.parse", "matcalc.codegen")
                        if m in sys.modules)
print(json.dumps(out))
"""


PHASES = r"""
import json, sys, time
P = time.process_time
c = [P()]
import numpy; c.append(P())
import sympy; c.append(P())
import lark; c.append(P())
import matcalc; matcalc.gradient; c.append(P())
from matcalc.read import parse
parse._parser(); c.append(P())
name, wrt = json.loads(sys.argv[1])
g = matcalc.gradient(open(name).read(), wrt=wrt if len(wrt) > 1 else wrt[0]); c.append(P())
g.to_numpy(); c.append(P())
print(json.dumps([b - a for a, b in zip(c, c[1:])] + [c[-1] - c[0]]))
"""
PHASE_NAMES = ["NumPy", "SymPy", "lark", "matcalc's modules", "lark's tables",
               "gradient()", "to_numpy()", "total"]

TREE = [ROOT]       # the tree whose matcalc the children import (--tree)
BYTECODE = [True]   # the tables' children use bytecode (--source-compiled: they do not)
COPIES = {}         # bytecode? -> a temporary directory holding a copy of TREE's matcalc


def _copies(where: Path) -> None:
    """Two copies of TREE[0]/matcalc without __pycache__; the bytecode one compiled once."""
    for bytecode in (True, False):
        root = where / ("bytecode" if bytecode else "source")
        shutil.copytree(TREE[0] / "matcalc", root / "matcalc",
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        COPIES[bytecode] = root
    _run(PHASES, json.dumps([str(SEEDS / DOCS[1][0]), DOCS[1][1]]), bytecode=True)


def _run(*args, bytecode=None, flags=()):
    """`python [flags] -c args...` importing the copy (cwd is the copy, not the tree: `-c`
    puts the working directory first on sys.path); the finished process."""
    bytecode = BYTECODE[0] if bytecode is None else bytecode
    env = dict(os.environ)
    env["PYTHONPATH"] = str(COPIES[bytecode])
    if bytecode:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
    else:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
    p = subprocess.run([sys.executable, *flags, "-c", *args], capture_output=True, text=True,
                       env=env, cwd=COPIES[bytecode], check=True)
    return p


def wall(code: str, repeat: int) -> tuple:
    """Median (wall seconds, CPU seconds) of a fresh `python -c code`."""
    import time
    ts, cs = [], []
    for _ in range(repeat):
        c = os.times()
        t = time.perf_counter()
        _run(code)
        ts.append(time.perf_counter() - t)
        c2 = os.times()
        cs.append(c2.children_user + c2.children_system - c.children_user - c.children_system)
    return statistics.median(ts), statistics.median(cs)


def importtime(repeat: int) -> dict:
    """Cumulative µs per top-level package in `-X importtime` (median over runs)."""
    runs = []
    for _ in range(repeat):
        p = _run("import matcalc", flags=("-X", "importtime"))
        cum = {}
        for line in p.stderr.splitlines():
            if not line.startswith("import time:") or "|" not in line:
                continue
            parts = [x.strip() for x in line[len("import time:"):].split("|")]
            try:
                cumulative = int(parts[1])
            except ValueError:
                continue
            name = parts[2]
            if name in ("matcalc", "sympy", "lark", "numpy"):
                cum[name] = cumulative
        runs.append(cum)
    keys = set().union(*runs)
    return {k: statistics.median(r.get(k, 0) for r in runs) for k in sorted(keys)}


def first_derivations(repeat: int) -> list:
    rows = []
    for k, doc in enumerate(DOCS):
        other = DOCS[(k + 1) % len(DOCS)]
        outs = []
        for _ in range(repeat):
            p = _run(CHILD, json.dumps([str(SEEDS / doc[0]), doc[1]]),
                     json.dumps([str(SEEDS / other[0]), other[1]]))
            outs.append(json.loads(p.stdout))
        med = lambda f: statistics.median(f(o) for o in outs)  # noqa: E731
        assert all(o["file"].startswith(str(COPIES[BYTECODE[0]])) for o in outs), outs[0]["file"]
        rows.append(dict(doc=doc[0], wrt=doc[1], modules=outs[-1]["modules"],
                         import_s=med(lambda o: o["import"]),
                         import_cpu=med(lambda o: o["import_cpu"]),
                         first_cpu=med(lambda o: o["first"]["cpu"]),
                         warm_cpu=med(lambda o: o["second"]["cpu"]),
                         first_gradient=med(lambda o: o["first"]["gradient"]),
                         first_to_numpy=med(lambda o: o["first"]["to_numpy"]),
                         warm_doc=other[0],
                         warm_gradient=med(lambda o: o["second"]["gradient"]),
                         warm_to_numpy=med(lambda o: o["second"]["to_numpy"])))
    return rows


def phases(repeat: int) -> dict:
    """CPU seconds of each phase of seed 001's first derivation, median of `repeat` fresh
    processes, with bytecode and with source compiled, the two alternated."""
    name, wrt = DOCS[1]
    arg = json.dumps([str(SEEDS / name), wrt])
    runs = {True: [], False: []}
    for _ in range(repeat):
        for bytecode in (True, False):
            p = _run(PHASES, arg, bytecode=bytecode)
            runs[bytecode].append(json.loads(p.stdout))
    return {k: [statistics.median(r[i] for r in v) for i in range(len(PHASE_NAMES))]
            for k, v in runs.items()}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", default=None)
    ap.add_argument("--tree", default=None, help="import matcalc from this tree (e.g. an "
                    "older commit's, to compare); default: the tree this script is in")
    ap.add_argument("--source-compiled", action="store_true", help="keep "
                    "PYTHONDONTWRITEBYTECODE as the environment has it (default: children "
                    "use bytecode, as an installed package does)")
    args = ap.parse_args(argv)
    if args.tree:
        TREE[0] = Path(args.tree).resolve()
    BYTECODE[0] = not args.source_compiled
    with tempfile.TemporaryDirectory(prefix="matcalc-startup-") as where:
        _copies(Path(where))
        return _measure(args)


def _measure(args) -> int:
    print(f"# matcalc from {TREE[0]}; bytecode: "
          f"{'used' if BYTECODE[0] else 'none (source compiled in every process)'}")
    print(f"# bench_startup  ({machine_line()})")
    print(f"# {load_line()} at start")
    base = wall("pass", args.repeat)
    imp = wall("import matcalc", args.repeat)
    numpy_only = wall("import numpy", args.repeat)
    it = importtime(args.repeat)
    print(f"\npython -c 'import matcalc' minus python -c 'pass': {1e3 * (imp[0] - base[0]):.0f} ms "
          f"wall, {1e3 * (imp[1] - base[1]):.0f} ms CPU (import numpy alone: "
          f"{1e3 * (numpy_only[0] - base[0]):.0f} ms wall, {1e3 * (numpy_only[1] - base[1]):.0f} ms CPU)")
    print("-X importtime, cumulative: " + ", ".join(f"{k} {v / 1e3:.0f} ms" for k, v in it.items()))
    rows = first_derivations(args.repeat)
    print("\n(wall ms, and in brackets the process's CPU ms: on a loaded machine the wall "
          "time includes waiting for a core)")
    print("\n| document | import | first gradient() | first to_numpy() | first total "
          "| warm: document | warm gradient() + to_numpy() |")
    print("|---|---:|---:|---:|---:|---|---:|")
    for r in rows:
        print(f"| {r['doc']} | {r['import_s'] * 1e3:.0f} ({r['import_cpu'] * 1e3:.0f}) | "
              f"{r['first_gradient'] * 1e3:.0f} | {r['first_to_numpy'] * 1e3:.0f} | "
              f"{(r['first_gradient'] + r['first_to_numpy']) * 1e3:.0f} "
              f"({r['first_cpu'] * 1e3:.0f}) | {r['warm_doc']} | "
              f"{(r['warm_gradient'] + r['warm_to_numpy']) * 1e3:.0f} ({r['warm_cpu'] * 1e3:.0f}) |")
    print(f"\nmodules loaded after `import matcalc` and the derivations: {rows[-1]['modules']}")
    ph = phases(max(args.repeat, 7))
    print(f"\nseed 001's first derivation by phase, CPU ms, median of {max(args.repeat, 7)} "
          "fresh processes each (alternated):\n")
    print("| | " + " | ".join(PHASE_NAMES) + " |")
    print("|---|" + "---:|" * len(PHASE_NAMES))
    for k, label in ((True, "bytecode"), (False, "source compiled")):
        print(f"| {label} | " + " | ".join(f"{1e3 * v:.0f}" for v in ph[k]) + " |")
    print(f"# {load_line()} at end")
    if args.json:
        Path(args.json).write_text(json.dumps(dict(
            import_s=imp[0] - base[0], import_cpu=imp[1] - base[1], importtime=it,
            numpy_s=numpy_only[0] - base[0], numpy_cpu=numpy_only[1] - base[1], rows=rows,
            phases={"bytecode" if k else "source compiled": dict(zip(PHASE_NAMES, v))
                    for k, v in ph.items()}),
            indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
