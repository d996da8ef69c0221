"""Benchmark: `import wechat_study` and `wechat-study --help`, each in a fresh process.

Targets (issues 12 and 13): `import wechat_study` <= 0.3 s; `wechat-study --help` <= 0.5 s (the
whole command, interpreter start included). The import is timed inside the process (after the
interpreter has started); best of 7 runs. Writes benchmarks/results/import.md.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "import.md"
RUNS = 7
HEAVY = ("pandas", "pyarrow", "networkx", "dask", "numba", "scipy")


def import_seconds() -> tuple[float, list[str]]:
    code = ("import sys, time; t = time.perf_counter(); import wechat_study\n"
            f"print(time.perf_counter() - t, *[m for m in {HEAVY!r} if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), out[1:]


def command_seconds(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, capture_output=True, check=True)
    return time.perf_counter() - t


def main() -> None:
    load = os.getloadavg()
    imports = [import_seconds() for _ in range(RUNS)]
    heavy = sorted({m for _, mods in imports for m in mods})
    help_s = [command_seconds([sys.executable, "-m", "wechat_study.cli", "--help"]) for _ in range(RUNS)]
    bare = [command_seconds([sys.executable, "-c", "pass"]) for _ in range(RUNS)]
    imp = [s for s, _ in imports]
    lines = ["# Import benchmarks", "",
             (f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}. "
             f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `python benchmarks/bench_import.py`; "
             f"load average {load[0]:.1f} (other work was running on the machine when it is above ~1). "
             f"Best of {RUNS} fresh processes."), "",
             "| what | best (s) | median (s) | target (s) | met |", "|---|---|---|---|---|",
             (f"| `import wechat_study` (inside the process) | {min(imp):.3f} | {sorted(imp)[RUNS // 2]:.3f} | 0.3 | "
             f"{'yes' if min(imp) <= 0.3 else '**no**'} |"),
             (f"| `wechat-study --help` (whole command) | {min(help_s):.3f} | {sorted(help_s)[RUNS // 2]:.3f} | 0.5 | "
             f"{'yes' if min(help_s) <= 0.5 else '**no**'} |"),
             f"| for scale: `python -c pass` | {min(bare):.3f} | {sorted(bare)[RUNS // 2]:.3f} | | |", "",
             (f"Heavy modules loaded by `import wechat_study`: {', '.join(heavy) if heavy else 'none'} "
             f"(checked: {', '.join(HEAVY)})."), ""]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
