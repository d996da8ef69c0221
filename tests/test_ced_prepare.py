"""CED prepare: its process pool dies with its parent, and its output does not depend on the core count."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from wechat_study import paths
from wechat_study.datasets import ced

ROOT = Path(__file__).resolve().parent.parent


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def running(pid: int) -> bool:
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_sigkill_of_prepare_leaves_no_worker_running():
    """A real `wechat-study data prepare ced --force`, killed with SIGKILL while its workers read."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "wechat_study.cli", "data", "prepare", "ced", "--force"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=os.environ | {"PYTHONUNBUFFERED": "1"},
    )
    workers, deadline = [], time.monotonic() + 180
    while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
        workers = children(proc.pid)
    assert len(workers) >= 2, "prepare never started its worker processes"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 10
    while any(running(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(running(w) for w in workers), "workers outlived their killed parent"


@pytest.mark.slow
def test_one_or_two_workers_give_the_same_tables_and_quality():
    root = paths.raw_dir("ced")
    one, q1 = ced.load(root, "ced", workers=1)
    two, q2 = ced.load(root, "ced", workers=2)
    for table in one:
        pd.testing.assert_frame_equal(one[table], two[table], check_exact=True)
    assert q1.to_json() == q2.to_json()
