"""Benchmark: the test tiers. `make check` (target <= 60 s) and `make test` (target <= 10 min from a fresh
clone), each timed end to end as a user runs it; with --fresh, `make test` also in a fresh clone of HEAD
(its own .venv built from the lock, the data fetched from the mirror and prepared). Writes
benchmarks/results/tests.md.

Needs WECHAT_STUDY_MIRROR (or network) like the tests themselves; run it on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "tests.md"


def timed(cmd: list[str], cwd: Path, env: dict) -> tuple[float, str]:
    """Wall seconds of ``cmd`` and pytest's summary line; raises when the command fails."""
    t = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    seconds = time.perf_counter() - t
    if done.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed in {cwd}:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
    summary = re.findall(r"=+ (\d+ passed.*?) =+", done.stdout)
    return seconds, summary[-1] if summary else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fresh", action="store_true", help="also time `make test` in a fresh clone of HEAD")
    args = parser.parse_args()
    env = dict(os.environ)
    if env.get("WECHAT_STUDY_MIRROR"):
        env["WECHAT_STUDY_MIRROR"] = str(Path(env["WECHAT_STUDY_MIRROR"]).resolve())
    rows = []
    check, check_summary = timed(["make", "check"], ROOT, env)
    rows.append(("`make check` (prepared data, built .venv)", check, "<= 60", check_summary))
    test, test_summary = timed(["make", "test"], ROOT, env)
    rows.append(("`make test` (prepared data, built .venv)", test, "", test_summary))
    if args.fresh:
        with tempfile.TemporaryDirectory(prefix="wechat-study-fresh-") as tmp:
            clone = Path(tmp) / "main"
            subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
            fresh, fresh_summary = timed(["make", "test"], clone, env)
        rows.append(("`make test` in a fresh clone (builds .venv, fetches and prepares the data)", fresh, "<= 600",
                     fresh_summary))
    load = os.getloadavg()[0]
    lines = [
        "# Test-suite benchmark",
        "",
        f"Machine: {os.cpu_count()} cores; load average {load:.1f} at the end. Measured {time.strftime('%Y-%m-%d')} "
        "by `python benchmarks/bench_tests.py" + (" --fresh" if args.fresh else "") + "`.",
        "",
        "| what | seconds | target (s) | pytest's summary |",
        "|---|---|---|---|",
        *[f"| {what} | {s:.0f} | {target} | {summary} |" for what, s, target, summary in rows],
        "",
    ]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
