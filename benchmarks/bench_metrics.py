"""Benchmark: ws.cascade_metrics (compiled kernels), end to end DataFrame -> DataFrame.

Targets (issue 13, "Speed near the hardware"):
- one thread, on all of CED and on the 10M-node synthetic forest: >= 50M nodes/s;
- CPU per node at 30M within 1.3x of that at 1M (linear);
- scratch memory inside cascade_metrics <= 16 bytes per node;
- the kernels' first-call compile time is recorded separately (a fresh process with an empty
  numba cache), as is the time to load them from the on-disk cache.

Each figure is the best of R runs (wall-clock and the calling thread's CPU time, measured
separately; with threads, CPU is the whole process's). Memory: tracemalloc's peak (numpy and
Python allocations) and the growth of the process's peak resident set (VmHWM, reset through
/proc/self/clear_refs), which also sees numba's own allocations; both divided by nodes.
Usage: python benchmarks/bench_metrics.py [--runs R] [--sizes 1 3 10 30]. Writes results/metrics.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

import wechat_study as ws
from wechat_study.metrics import cascade_metrics_reference

RESULTS = Path(__file__).resolve().parent / "results" / "metrics.md"
CORES = os.cpu_count() or 1


def best(fn, runs: int, clock=time.thread_time) -> tuple[float, float]:
    """(best wall seconds, best CPU seconds) over ``runs`` calls."""
    walls, cpus = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), clock()
        fn()
        cpus.append(clock() - c)
        walls.append(time.perf_counter() - w)
    return min(walls), min(cpus)


def _hwm_kib() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def scratch_bytes(fn) -> tuple[float, float]:
    """(tracemalloc peak, growth of peak RSS) in bytes while ``fn`` runs."""
    tracemalloc.start()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = float("nan")
    try:
        Path("/proc/self/clear_refs").write_text("5")
        before = _hwm_kib()
        fn()
        rss = (_hwm_kib() - before) * 1024.0
    except OSError:
        pass
    return float(peak), rss


def compile_times() -> tuple[float, float]:
    """(first call with an empty cache, first call loading the cache) in fresh processes, seconds."""
    code = ("import time, wechat_study as ws; p = ws.synthetic_posts(1000, seed=0); from wechat_study import kernels\n"
            "t = time.perf_counter(); ws.cascade_metrics(p, depths=(1,)); print(time.perf_counter() - t)")
    with tempfile.TemporaryDirectory() as cache:
        env = os.environ | {"NUMBA_CACHE_DIR": cache}
        cold = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                    check=True).stdout)
        warm = float(subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                                    check=True).stdout)
    return cold, warm


def row(label: str, posts: pd.DataFrame, runs: int) -> str:
    n = len(posts)
    ws.cascade_metrics(posts, threads=1)
    w1, c1 = best(lambda: ws.cascade_metrics(posts, threads=1), runs)
    wa, ca = best(lambda: ws.cascade_metrics(posts, threads=CORES), runs, clock=time.process_time)
    peak, rss = scratch_bytes(lambda: ws.cascade_metrics(posts, threads=1))
    return (f"| {label} | {n:,} | {n / w1 / 1e6:.1f} | {c1 / n * 1e9:.1f} | {n / wa / 1e6:.1f} | {ca / n * 1e9:.1f} | "
            f"{peak / n:.1f} | {rss / n:.1f} |")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--sizes", type=int, nargs="+", default=[1, 3, 10, 30], help="synthetic sizes, millions of nodes")
    args = ap.parse_args()
    load = os.getloadavg()
    cold, warm = compile_times()
    header = [("| data | nodes | one thread: M nodes/s | one thread: CPU ns/node | "
              f"{CORES} threads: M nodes/s | {CORES} threads: CPU ns/node | tracemalloc peak B/node | "
              "peak RSS growth B/node |"), "|---|---|---|---|---|---|---|---|"]
    ced = ws.load("ced").posts
    rows = [row("CED (3,387 cascades)", ced, args.runs)]
    t = time.perf_counter()
    reference = cascade_metrics_reference(ced, threads=1)
    ref_s = time.perf_counter() - t
    pd.testing.assert_frame_equal(ws.cascade_metrics(ced), reference, check_exact=True)
    for millions in args.sizes:
        syn = ws.synthetic_posts(millions * 1_000_000, seed=0)
        rows.append(row(f"synthetic {millions}M (seed 0)", syn, args.runs if millions < 30 else max(2, args.runs // 2)))
        del syn
    n = 1_000_000
    parent = np.arange(-1, n - 1)
    path = pd.DataFrame({"cascade_id": pd.array(np.full(n, "p"), dtype="str"), "parent_node": parent.astype(np.int32),
                         "created_at": pd.to_datetime(np.arange(n), unit="s", utc=True).astype("datetime64[ns, UTC]"),
                         "is_root": parent < 0, "is_orphan": np.zeros(n, bool)})
    rows.append(row("a 1,000,000-node path", path, args.runs))
    end_load = os.getloadavg()
    lines = ["# Cascade metrics benchmarks", "",
             (f"Machine: {CORES} cores ({platform.processor() or platform.machine()}), "
             f"{platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}. "
             f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `python benchmarks/bench_metrics.py`; "
             f"load average {load[0]:.1f} at the start, {end_load[0]:.1f} at the end "
             "(other work was running on the machine when the load is above ~1)."), "",
             ("End to end: a posts DataFrame in, the metrics DataFrame out (default columns). Best of "
             f"{args.runs} runs; wall-clock rate, and CPU time per node (the calling thread for one thread, the "
             "process for all threads)."), "", *header, *rows, "",
             (f"Kernel compile time, first call in a fresh process with an empty cache: {cold:.2f} s; "
             f"first call loading the on-disk cache: {warm:.2f} s."),
             (f"The numpy reference (`metrics_reference.cascade_metrics_reference`, one thread) on CED: {ref_s:.3f} s "
             f"({len(ced) / ref_s / 1e6:.1f}M nodes/s); the kernels' result equals it exactly."), "",
             ("Targets: >= 50M nodes/s on one thread on CED and on 10M; CPU/node at 30M within 1.3x of 1M; "
             "scratch <= 16 B/node."), ""]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
