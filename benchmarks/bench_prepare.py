"""Benchmark: preparing CED from raw JSON, and loading it back from Parquet.

Targets (issue: foundation): `wechat-study data prepare ced` <= 10 s; `ws.load("ced")` <= 1 s.
Also measured for reference: parsing every CED JSON file with the standard `json` module in
one process. Writes benchmarks/results/prepare.md. Run with `make bench`.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

import wechat_study as ws
from wechat_study import paths

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "prepare.md"
RUNS = 3


def wall(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def cli_prepare() -> None:
    subprocess.run([sys.executable, "-m", "wechat_study.cli", "data", "prepare", "ced", "--force"], check=True,
                   cwd=ROOT, stdout=subprocess.DEVNULL)


def json_baseline() -> None:
    base = paths.raw_dir("ced") / "CED_Dataset"
    for folder in ("original-microblog", "rumor-repost", "non-rumor-repost"):
        for f in (base / folder).iterdir():
            json.loads(f.read_bytes())


def main() -> None:
    ws.fetch("ced")
    ws.prepare("ced")
    rows = []
    prepare_s = [wall(cli_prepare) for _ in range(RUNS)]
    rows.append(("`wechat-study data prepare ced --force` (whole command, 6,776 files, 185 MB)", prepare_s, 10.0))
    ws.load("ced")
    load_s = [wall(lambda: ws.load("ced")) for _ in range(5)]
    rows.append(('`ws.load("ced")` from Parquet (1,277,843 posts, 3,387 cascades)', load_s, 1.0))
    json_s = [wall(json_baseline) for _ in range(RUNS)]
    rows.append(("reference: standard `json` parse of every CED file, one process", json_s, None))

    lines = [
        "# Prepare and load benchmarks",
        "",
        f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}. Measured {time.strftime('%Y-%m-%d')} by `make bench` (`benchmarks/bench_prepare.py`).",
        "Times are wall-clock seconds; the median of the runs is compared with the target.",
        "",
        "| what | runs (s) | median (s) | target (s) | met |",
        "|---|---|---|---|---|",
    ]
    for what, times, target in rows:
        med = statistics.median(times)
        runs = ", ".join(f"{t:.2f}" for t in times)
        met = "" if target is None else ("yes" if med <= target else "**no**")
        lines.append(f"| {what} | {runs} | {med:.2f} | {'' if target is None else f'{target:.0f}'} | {met} |")
    RESULTS.write_text("\n".join(lines) + "\n", "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
