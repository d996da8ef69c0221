"""Benchmark: how long the command line takes to answer `--help`, `--version` and a mistake (target < 0.5 s),
and what `import wechat_study` and `import wechat_study.cli` load. Writes benchmarks/results/cli.md.

Each figure is the median and the best of N fresh processes (`python -m wechat_study.cli ...`, as the
`wechat-study` script runs it), wall-clock from spawn to exit.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "cli.md"
N = 15
HEAVY = ("pandas", "numpy", "pyarrow", "networkx", "scipy", "dask", "papermill", "nbformat", "altair")


def wall(args: list[str]) -> list[float]:
    times = []
    for _ in range(N):
        t = time.perf_counter()
        subprocess.run([sys.executable, *args], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return times


def loaded(module: str) -> str:
    code = f"import sys; import {module}; print(' '.join(m for m in {HEAVY!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    return out.stdout.strip() or "none of them"


def main() -> None:
    cases = [("`wechat-study --help`", ["-m", "wechat_study.cli", "--help"]),
             ("`wechat-study --version`", ["-m", "wechat_study.cli", "--version"]),
             ("`wechat-study run --help`", ["-m", "wechat_study.cli", "run", "--help"]),
             ("`wechat-study synth --posts 0 --out x` (a mistake)", ["-m", "wechat_study.cli", "synth", "--posts", "0",
                                                                    "--out", "x"]),
             ("`python -c pass` (the interpreter alone)", ["-c", "pass"])]
    rows = []
    for label, args in cases:
        times = wall(args)
        rows.append(f"| {label} | {statistics.median(times):.3f} | {min(times):.3f} | < 0.5 |"
                    if "interpreter" not in label else
                    f"| {label} | {statistics.median(times):.3f} | {min(times):.3f} | |")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    lines = ["# Command-line start-up benchmark", "",
             f"Machine: {os.cpu_count()} cores, load average {load:.1f} when measured. Measured "
             f"{time.strftime('%Y-%m-%d')} by `python benchmarks/bench_cli.py`: {N} fresh processes each.", "",
             "| command | median s | best s | target s |", "|---|---|---|---|", *rows, "",
             "Heavy modules loaded by an import (of " + ", ".join(HEAVY) + "):", "",
             f"- `import wechat_study`: {loaded('wechat_study')}",
             f"- `import wechat_study.cli`: {loaded('wechat_study.cli')}", ""]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
