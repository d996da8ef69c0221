"""Benchmark: pseudonymising user ids, keyed BLAKE2b (the scheme) against pandas' SipHash (the one it replaced).

Target (issue 19): no speed loss that matters against prepare and load. Ids are Weibo-like 10-digit numbers,
all distinct (each distinct id is hashed once, so this is the cost per distinct id). Timed, best of 5 in one
process after a warm-up call (numba's compiled code is loaded from its cache, or compiled, before timing);
the first call in a fresh process, which loads the compiled code, is timed apart. Writes
benchmarks/results/pseudonyms.md.
"""

from __future__ import annotations

import hashlib
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from wechat_study.blake2b import blake2b_64

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results" / "pseudonyms.md"
RUNS = 5
KEY = bytes(range(16))
SIZES = (100_000, 1_067_141, 5_000_000)  # 1,067,141: CED's distinct user ids


def best(f) -> float:
    out = []
    for _ in range(RUNS):
        t = time.perf_counter()
        f()
        out.append(time.perf_counter() - t)
    return min(out)


def first_call_seconds() -> float:
    code = ("import time, pyarrow as pa; t = time.perf_counter(); from wechat_study.blake2b import blake2b_64; "
            "blake2b_64(pa.array(['1']), bytes(16)); print(time.perf_counter() - t)")
    return float(subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout)


def main() -> None:
    load = os.getloadavg()
    blake2b_64(pa.array(["warm-up"]), KEY)
    rows = []
    for n in SIZES:
        ids = (1_000_000_000 + np.arange(n) * 7919).astype(str)
        arrow = pa.array(ids, pa.string())
        objects = np.array([s.encode() for s in ids], dtype=object)
        siphash = best(lambda objects=objects: pd.util.hash_array(objects, hash_key=KEY.decode("latin-1"),
                                                                  encoding="latin-1", categorize=False))
        compiled = best(lambda arrow=arrow: blake2b_64(arrow, KEY))
        loop = best(lambda objects=objects: b"".join([hashlib.blake2b(v, key=KEY, digest_size=8).digest()
                                                      for v in objects]))
        rows.append(f"| {n:,} | {siphash:.3f} | {compiled:.3f} | {loop:.3f} | {compiled * 1e9 / n:.0f} | "
                    f"{(compiled - siphash):+.3f} |")
    lines = [
        "# Pseudonym benchmarks",
        "",
        (f"Machine: {os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}. "
         f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} by `python benchmarks/bench_pseudonyms.py`; "
         f"load average {load[0]:.1f} (other work was running on the machine when it is above ~1). "
         f"Seconds, best of {RUNS}, all ids distinct."),
        "",
        "| distinct ids | pandas SipHash (replaced) | keyed BLAKE2b, compiled (used) | keyed BLAKE2b, hashlib per id "
        "| used, ns per id | used minus replaced |",
        "|---:|---:|---:|---:|---:|---:|",
        *rows,
        "",
        (f"First call in a fresh process (importing numba and loading the compiled code from its cache): "
         f"{first_call_seconds():.2f} s. Arrays of fewer than 50,000 distinct ids are hashed by hashlib instead, "
         "so small data sets do not pay it. For scale: `wechat-study data prepare ced --force` takes about 9.6 s "
         "(results/prepare.md) and hashes CED's 1,067,141 distinct user ids once."),
        "",
    ]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
