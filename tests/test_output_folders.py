"""Output folders: nothing a user put there is ever deleted, and a run killed with SIGKILL leaves a
temporary folder that the next run removes, touching nothing else (issue 14, "Data lost")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wechat_study import atomic

CLI = [sys.executable, "-m", "wechat_study.cli"]


def wait_for(pattern_root: Path, pattern: str, proc: subprocess.Popen, timeout: float = 300) -> Path:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        found = sorted(pattern_root.glob(pattern))
        if found:
            return found[0]
        if proc.poll() is not None:
            raise AssertionError(f"the run ended ({proc.returncode}) before {pattern} appeared: {proc.stderr.read()}")
        time.sleep(0.02)
    raise AssertionError(f"{pattern} did not appear in {timeout} s")


def synth(out: Path, posts: int, per_file: int = 100_000, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*CLI, "synth", "--posts", str(posts), "--out", str(out), "--posts-per-file", str(per_file)],
                          capture_output=True, text=True, check=False, **kw)


def test_a_killed_synth_is_cleaned_up_by_the_next_run_and_nothing_else_goes(tmp_path):
    out = tmp_path / "syn"
    (tmp_path / "keep.txt").write_text("mine", "utf-8")
    (tmp_path / ".other.tmp-x1").mkdir()          # another target's temporary folder: not ours to remove
    (tmp_path / ".syn-notes").write_text("mine", "utf-8")
    proc = subprocess.Popen([*CLI, "synth", "--posts", "50000000", "--out", str(out), "--posts-per-file", "100000"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(tmp_path, ".syn.tmp-*/new/part-00001.parquet", proc)
        # while the run lives, its temporary folder is locked and a sweep leaves it alone
        assert atomic.sweep(tmp_path, "syn") == []
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    left = list(tmp_path.glob(".syn.tmp-*"))
    assert len(left) == 1 and any(left[0].rglob("*.parquet")) and not out.exists()

    done = synth(out, 2000, per_file=1000)
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob(".syn.tmp-*"))
    assert sorted(p.name for p in out.iterdir()) == [".wechat_study-output.json", "part-00000.parquet",
                                                      "part-00001.parquet"]
    assert (tmp_path / "keep.txt").read_text("utf-8") == "mine" and (tmp_path / ".syn-notes").is_file()
    assert (tmp_path / ".other.tmp-x1").is_dir()


def test_synth_refuses_a_folder_it_did_not_write_in_one_line(tmp_path):
    out = tmp_path / "v"
    out.mkdir()
    (out / "in.csv").write_text("post_id\n1\n", "utf-8")
    done = synth(out, 2000, per_file=1000)
    assert done.returncode == 1
    assert done.stderr == (f"wechat-study: error: {out}: the folder is not empty and was not written by synth (it "
                           "holds in.csv); give a new or empty folder (nothing was changed)\n")
    assert sorted(p.name for p in out.iterdir()) == ["in.csv"]
    again = tmp_path / "again"
    assert synth(again, 2000, per_file=1000).returncode == 0
    assert synth(again, 3000, per_file=1000).returncode == 0  # its own output: replaced
    assert len(list(again.glob("part-*.parquet"))) == 3


@pytest.mark.slow
def test_a_killed_streaming_load_is_cleaned_up_by_the_next_run(tmp_path):
    import wechat_study as ws

    posts = ws.synthetic_posts(400_000, seed=3)
    df = posts[["cascade_id", "post_id", "parent_id", "user_id", "created_at"]]
    df.to_parquet(tmp_path / "edges.parquet", index=False)
    out = tmp_path / "out"
    code = (f"import wechat_study as ws; ws.load_edgelist({str(tmp_path / 'edges.parquet')!r}, out={str(out)!r}, "
            "rows_per_part=10_000)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        wait_for(tmp_path, ".out.tmp-*/new/posts/part-00001.parquet", proc)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert list(tmp_path.glob(".out.tmp-*")) and not out.exists()
    ws.load_edgelist(tmp_path / "edges.parquet", out=out, rows_per_part=200_000)
    assert not list(tmp_path.glob(".out.tmp-*"))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["edges.parquet", "out"]


@pytest.mark.parametrize("kind", ["tmp", "fetch"])
def test_a_stale_temporary_of_a_file_or_folder_is_swept_and_nothing_else(tmp_path, kind):
    (tmp_path / f".x.{kind}-dead1234").mkdir()
    (tmp_path / f".x.{kind}-dead1234" / ".lock").touch()
    (tmp_path / ".x.tmp-file1234").write_bytes(b"half a file")
    (tmp_path / ".y.tmp-dead1234").mkdir()
    (tmp_path / ".x.tmp-4242-other").mkdir()  # not a name this module makes: someone else's
    (tmp_path / "x").write_text("keep", "utf-8")
    atomic.write_text(tmp_path / "x", "new")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".x.tmp-4242-other", ".y.tmp-dead1234", "x"]
    assert (tmp_path / "x").read_text("utf-8") == "new"
