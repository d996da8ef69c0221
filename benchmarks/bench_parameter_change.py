"""Benchmark: a parameter change, `wechat-study run 03 -p threshold_reposts V --force` (target <= 15 s), after the
default run is cached. Writes benchmarks/results/parameter_change.md.

Each figure is wall-clock from spawn to exit of one `wechat-study run` into a fresh folder, with `--force` so
the notebook runs (data load, metrics, every bootstrap) rather than coming from the run cache. The findings of
each run are checked to be the same across two runs of the same value.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "parameter_change.md"
CLI = ROOT / ".venv" / "bin" / "wechat-study"


def one(value: int, out: Path) -> tuple[float, dict]:
    t = time.perf_counter()
    subprocess.run([str(CLI), "run", "03", "-p", "threshold_reposts", str(value), "--out", str(out), "--force"],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t, json.loads((out / "findings.json").read_text("utf-8"))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--values", type=int, nargs="+", default=[750, 700])
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for v in args.values:
            (a, fa), (b, fb) = one(v, Path(tmp) / f"{v}a"), one(v, Path(tmp) / f"{v}b")
            same = "yes" if fa == fb else "NO"
            rows.append(f"| `run 03 -p threshold_reposts {v} --force` | {a:.1f} | {b:.1f} | {same} | <= 15 |")
    load = os.getloadavg()[0]
    lines = ["# Parameter-change benchmark", "",
             f"Machine: {os.cpu_count()} cores, load average {load:.1f} when measured. Measured "
             f"{time.strftime('%Y-%m-%d')} by `python benchmarks/bench_parameter_change.py`.", "",
             "| command | first s | second s | same findings | target s |", "|---|---|---|---|---|", *rows, ""]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
