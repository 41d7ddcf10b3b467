"""Cold start: `import matcalc`, and the first derivation in a fresh process.

    python benchmarks/bench_startup.py [--repeat N]

In fresh interpreters (median of --repeat runs each):

* ``import matcalc``: wall time of ``python -c "import matcalc"`` minus that of
  ``python -c "pass"``, and ``python -X importtime`` (self and cumulative µs of matcalc,
  sympy, lark, numpy as the import tree reports them);
* for every seed document: ``gradient(doc, wrt=[...])`` then ``.to_numpy()`` right after
  the import (the first derivation pays for what the import left for later: the grammar,
  SymPy), and the same for a second document in the same process (warm).

The child processes import the tree this script sits in (PYTHONPATH is set to it), or the
one --tree names. The parser-table cache (matcalc/cache.py) is used as a user would have
it: the first run of this script writes it, so run it twice to see the cached start.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
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
out["modules"] = sorted(m for m in ("sympy", "lark", "matcalc.read.parse", "matcalc.codegen")
                        if m in sys.modules)
print(json.dumps(out))
"""


TREE = [ROOT]   # the tree the children import (--tree)


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(TREE[0])
    return env


def wall(code: str, repeat: int) -> tuple:
    """Median (wall seconds, CPU seconds) of a fresh `python -c code`."""
    import time
    ts, cs = [], []
    for _ in range(repeat):
        c = os.times()
        t = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True, env=_env(), cwd=TREE[0])
        ts.append(time.perf_counter() - t)
        c2 = os.times()
        cs.append(c2.children_user + c2.children_system - c.children_user - c.children_system)
    return statistics.median(ts), statistics.median(cs)


def importtime(repeat: int) -> dict:
    """Cumulative µs per top-level package in `-X importtime` (median over runs)."""
    runs = []
    for _ in range(repeat):
        p = subprocess.run([sys.executable, "-X", "importtime", "-c", "import matcalc"],
                           capture_output=True, text=True, env=_env(), cwd=TREE[0], check=True)
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
            p = subprocess.run(
                [sys.executable, "-c", CHILD,
                 json.dumps([str(SEEDS / doc[0]), doc[1]]),
                 json.dumps([str(SEEDS / other[0]), other[1]])],
                capture_output=True, text=True, env=_env(), cwd=TREE[0], check=True)
            outs.append(json.loads(p.stdout))
        med = lambda f: statistics.median(f(o) for o in outs)  # noqa: E731
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json", default=None)
    ap.add_argument("--tree", default=None, help="import matcalc from this tree (e.g. an "
                    "older commit's, to compare); default: the tree this script is in")
    args = ap.parse_args(argv)
    if args.tree:
        TREE[0] = Path(args.tree).resolve()
    print(f"# matcalc from {TREE[0]}")
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
    print(f"# {load_line()} at end")
    if args.json:
        Path(args.json).write_text(json.dumps(dict(
            import_s=imp[0] - base[0], import_cpu=imp[1] - base[1], importtime=it,
            numpy_s=numpy_only[0] - base[0], numpy_cpu=numpy_only[1] - base[1], rows=rows),
            indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
