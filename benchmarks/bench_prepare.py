"""Benchmark: preparing CED from raw JSON, against the bound of parsing every raw file with orjson.

Targets (issue 13): `wechat-study data prepare ced --force` <= 3 s, and within 3x of parsing every
raw CED file with orjson in one process (a ratio from one run). Also measured: `ws.load("ced")`
from Parquet. Writes benchmarks/results/prepare.md. Run with `make bench`.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import orjson

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
                   cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def orjson_bound() -> None:
    base = paths.raw_dir("ced") / "CED_Dataset"
    for folder in ("original-microblog", "rumor-repost", "non-rumor-repost"):
        for f in (base / folder).iterdir():
            orjson.loads(f.read_bytes())


def main() -> None:
    load = os.getloadavg()
    ws.prepare("ced")
    prepare_s = [wall(cli_prepare) for _ in range(RUNS)]
    ws.load("ced")
    load_s = [wall(lambda: ws.load("ced")) for _ in range(5)]
    json_s = [wall(orjson_bound) for _ in range(RUNS)]
    rows = [("`wechat-study data prepare ced --force` (whole command, 6,774 files, 185 MB)", prepare_s, 3.0),
            ('`ws.load("ced")` from Parquet (1,277,843 posts, 3,387 cascades)', load_s, 1.0),
            ("bound: orjson parse of every raw CED file, one process", json_s, None)]
    lines = [
        "# Prepare and load benchmarks",
        "",
        (f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, "
        f"{platform.machine()}. Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by "
        f"`python benchmarks/bench_prepare.py`; load average {load[0]:.1f} at the start and "
        f"{os.getloadavg()[0]:.1f} at the end (other work was running on the machine when it is above ~1)."),
        "Times are wall-clock seconds; the best run is compared with the target.",
        "",
        "| what | runs (s) | best (s) | target (s) | met |",
        "|---|---|---|---|---|",
    ]
    for what, times, target in rows:
        runs = ", ".join(f"{t:.2f}" for t in times)
        met = "" if target is None else ("yes" if min(times) <= target else "**no**")
        lines.append(f"| {what} | {runs} | {min(times):.2f} | {'' if target is None else f'{target:g}'} | {met} |")
    lines += ["", (f"Prepare / orjson bound (best runs, one run each): {min(prepare_s) / min(json_s):.1f}x "
              "(target <= 3x)."), ""]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
