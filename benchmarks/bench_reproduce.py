"""Benchmark: `wechat-study reproduce` from prepared data, every notebook run (target <= 3 minutes),
and again with every run taken from the cache. Writes benchmarks/results/reproduce.md."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import wechat_study as ws
from wechat_study.datasets.catalog import INVESTIGATED

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "reproduce.md"


def wall(*args: str) -> float:
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "wechat_study.cli", "reproduce", *args],
        check=True,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def main() -> None:
    for name in INVESTIGATED:
        ws.prepare(name)
    forced = wall("--force")
    cached = wall()
    lines = [
        "# Reproduce benchmark",
        "",
        f"Machine: {os.cpu_count()} cores. Measured {time.strftime('%Y-%m-%d')} "
        "by `python benchmarks/bench_reproduce.py`,"
        " from prepared data.",
        "",
        "| what | seconds | target |",
        "|---|---|---|",
        f"| `wechat-study reproduce --force` (every notebook run, reports rendered) | {forced:.1f} | <= 180 |",
        f"| `wechat-study reproduce` (every run from the cache, reports rendered) | {cached:.1f} | |",
        "",
    ]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
