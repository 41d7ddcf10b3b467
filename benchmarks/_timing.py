"""Shared timing helpers for the benchmarks (not a benchmark itself)."""
from __future__ import annotations

import os
import platform
import statistics
import timeit


def set_threads_from_argv(default: int = 1) -> int:
    """Pin every library to ``--threads N`` threads (default 1). Must run before NumPy, JAX or
    PyTorch is imported: the BLAS and XLA thread pools read their settings at import.

    One thread is the default because it is the fair and repeatable comparison: each library
    then does the same work on one core, and a shared machine's other load does not turn
    spinning BLAS threads into noise. ``--threads 2`` measures the libraries' own threading.
    """
    import sys

    n = default
    for i, a in enumerate(sys.argv):
        if a == "--threads" and i + 1 < len(sys.argv):
            n = int(sys.argv[i + 1])
        elif a.startswith("--threads="):
            n = int(a.split("=", 1)[1])
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[var] = str(n)
    if n == 1:
        os.environ["XLA_FLAGS"] = (os.environ.get("XLA_FLAGS", "") +
                                   " --xla_cpu_multi_thread_eigen=false"
                                   " intra_op_parallelism_threads=1").strip()
    return n


def interleaved_medians(callables: dict, *, repeat: int = 7,
                        min_batch_seconds: float = 0.05) -> dict:
    """Median seconds per call of each callable, with the batches interleaved.

    Each callable's batch size is calibrated first; then ``repeat`` rounds time one batch of
    every callable in turn. Interleaving means a burst of load from other processes on the
    machine hits all methods alike, so the ratios stay meaningful on a shared machine.
    """
    timers, numbers = {}, {}
    for name, fn in callables.items():
        timer = timeit.Timer(fn)
        number = 1
        while True:
            t = timer.timeit(number)
            if t >= min_batch_seconds or number >= 1 << 20:
                break
            number = max(number * 2, int(number * 1.2 * min_batch_seconds / max(t, 1e-9)))
        timers[name], numbers[name] = timer, number
    samples = {name: [] for name in callables}
    for _ in range(repeat):
        for name, timer in timers.items():
            samples[name].append(timer.timeit(numbers[name]) / numbers[name])
    return {name: statistics.median(v) for name, v in samples.items()}


def load_line() -> str:
    try:
        one, five, _ = os.getloadavg()
        return f"load average {one:.2f} (1 min), {five:.2f} (5 min) on {os.cpu_count()} cores"
    except OSError:  # pragma: no cover
        return "load average unavailable"


def fmt_time(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:8.1f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:8.2f} ms"
    return f"{seconds:8.2f} s "


def machine_line() -> str:
    cpus = os.cpu_count()
    try:
        import numpy as np

        npv = np.__version__
    except Exception:  # pragma: no cover
        npv = "?"
    return (f"{platform.processor() or platform.machine()}, {cpus} CPU cores, "
            f"Python {platform.python_version()}, NumPy {npv}")


def loglog_slope(xs, ys) -> float:
    """Least-squares slope of log(y) against log(x)."""
    import numpy as np

    lx = np.log(np.asarray(xs, dtype=float))
    ly = np.log(np.asarray(ys, dtype=float))
    return float(np.polyfit(lx, ly, 1)[0])
