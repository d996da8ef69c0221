"""Partitioned Parquet corpora and Dask: the same metrics as in memory, on a real LocalCluster."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import scaleout

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("corpus") / "syn"
    scaleout.write_synthetic(out, 1_200_000, seed=5, posts_per_file=100_000)
    return out


@pytest.fixture(scope="module")
def in_memory(corpus_dir) -> pd.DataFrame:
    posts = pd.concat([pd.read_parquet(f) for f in sorted(corpus_dir.glob("*.parquet"))], ignore_index=True)
    return ws.cascade_metrics(posts).set_index("cascade_id").sort_index()


def same(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(result.set_index("cascade_id").sort_index(), expected)


def test_synthetic_files_hold_whole_cascades(corpus_dir):
    files = sorted(corpus_dir.glob("*.parquet"))
    assert len(files) == 12
    seen: set[str] = set()
    for f in files:
        part = pd.read_parquet(f, columns=["cascade_id", "is_root", "parent_node"])
        ids = set(part["cascade_id"])
        assert not ids & seen
        seen |= ids
        assert part.groupby("cascade_id")["is_root"].sum().eq(1).all()
    assert not [p for p in corpus_dir.parent.iterdir() if p.name.startswith(".")]


def test_local_threads_match_in_memory(corpus_dir, in_memory):
    same(ws.cascade_metrics_parquet(corpus_dir), in_memory)


def test_a_local_cluster_of_two_workers_matches_in_memory(corpus_dir, in_memory, tmp_path):
    out = tmp_path / "m.parquet"
    scaleout.metrics_to_parquet(corpus_dir, out, workers=2, progress=False)
    same(pd.read_parquet(out), in_memory)


def test_an_existing_scheduler_by_address(corpus_dir, in_memory, tmp_path):
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster:
        table = scaleout.metrics_to_parquet(
            corpus_dir, tmp_path / "m.parquet", scheduler=cluster.scheduler_address, progress=False
        )
    same(table, in_memory)


def test_killing_a_worker_mid_run_still_gives_the_right_answer_or_a_clear_error(corpus_dir, in_memory, tmp_path):
    from distributed import Client, LocalCluster

    out = tmp_path / "m.parquet"
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        pids = client.run(os.getpid)
        victim = sorted(pids.values())[0]
        killed = threading.Event()

        def kill_when_busy():
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not killed.is_set():
                if any(client.processing().values()):
                    os.kill(victim, signal.SIGKILL)
                    killed.set()
                    return
                time.sleep(0.01)

        killer = threading.Thread(target=kill_when_busy)
        killer.start()
        try:
            table = scaleout.metrics_to_parquet(corpus_dir, out, scheduler=cluster.scheduler_address, progress=False)
        except ws.WechatStudyError as e:
            assert "nothing was written" in str(e)
            assert not out.exists()
        else:
            same(table, in_memory)
            same(pd.read_parquet(out), in_memory)
        finally:
            killed.set()
            killer.join()
    assert killed.is_set()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_bad_input_is_named_and_writes_nothing(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(ws.WechatStudyError, match="no Parquet files"):
        scaleout.metrics_to_parquet(tmp_path / "empty", tmp_path / "m.parquet")
    with pytest.raises(ws.WechatStudyError, match="not both"):
        scaleout.metrics_to_parquet(tmp_path / "empty", tmp_path / "m.parquet", workers=2, scheduler="tcp://x:1")
    assert not (tmp_path / "m.parquet").exists()


def test_the_command_line(tmp_path):
    env = {**os.environ}
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "wechat_study.cli",
            "synth",
            "--posts",
            "300000",
            "--out",
            str(tmp_path / "c"),
            "--posts-per-file",
            "100000",
        ],
        capture_output=True,
        text=True,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "wechat_study.cli",
            "metrics",
            str(tmp_path / "c"),
            "--out",
            str(tmp_path / "m.parquet"),
            "--workers",
            "2",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    assert "metrics of" in out.stdout
    posts = pd.concat([pd.read_parquet(f) for f in sorted((tmp_path / "c").glob("*.parquet"))], ignore_index=True)
    same(pd.read_parquet(tmp_path / "m.parquet"), ws.cascade_metrics(posts).set_index("cascade_id").sort_index())


def test_streaming_an_edge_list_larger_than_a_part(tmp_path):
    posts = ws.synthetic_posts(200_000, seed=9)
    df = posts[["cascade_id", "post_id", "parent_id", "user_id", "created_at"]].copy()
    df["created_at"] = df["created_at"].dt.strftime("%Y-%m-%d %H:%M:%S.%f")
    df.to_csv(tmp_path / "edges.csv", index=False)
    out = ws.load_edgelist(tmp_path / "edges.csv", out=tmp_path / "out", rows_per_part=40_000)
    parts = sorted((out / "posts").glob("*.parquet"))
    assert len(parts) > 1
    memory = ws.load_edgelist(tmp_path / "edges.csv")
    same(
        ws.cascade_metrics_parquet(out / "posts"), ws.cascade_metrics(memory.posts).set_index("cascade_id").sort_index()
    )
    assert len(pd.read_parquet(out / "cascades.parquet")) == len(memory.cascades)
    with pytest.raises(ws.DataError, match="streaming an edge list needs"):
        df.drop(columns="cascade_id").to_csv(tmp_path / "no_cascade.csv", index=False)
        ws.load_edgelist(tmp_path / "no_cascade.csv", out=tmp_path / "out2")
    assert not (tmp_path / "out2").exists()


def test_synthetic_files_do_not_depend_on_the_number_of_writers(corpus_dir, tmp_path):
    out = tmp_path / "syn2"
    scaleout.write_synthetic(out, 1_200_000, seed=5, posts_per_file=100_000, workers=2)
    for mine, theirs in zip(sorted(out.glob("*.parquet")), sorted(corpus_dir.glob("*.parquet")), strict=True):
        pd.testing.assert_frame_equal(pd.read_parquet(mine), pd.read_parquet(theirs))


def test_a_metrics_folder_holds_one_part_per_file_equal_to_in_memory(corpus_dir, in_memory, tmp_path):
    out = tmp_path / "metrics"
    summary = scaleout.metrics_to_folder(corpus_dir, out, workers=2, progress=False)
    parts = sorted(out.glob("part-*.parquet"))
    assert [p.name for p in parts] == list(summary["file"]) and len(parts) == 12
    same(pd.concat([pd.read_parquet(p) for p in parts], ignore_index=True), in_memory)
    assert summary["cascades"].sum() == len(in_memory) and summary["posts"].sum() == in_memory["size"].sum()
    first = pd.read_parquet(sorted(corpus_dir.glob("*.parquet"))[0])
    same(pd.read_parquet(parts[0]), ws.cascade_metrics(first).set_index("cascade_id").sort_index())


def test_a_failed_part_names_its_file_and_leaves_no_folder(corpus_dir, tmp_path):
    bad = tmp_path / "bad"
    bad.mkdir()
    for f in sorted(corpus_dir.glob("*.parquet"))[:2]:
        (bad / f.name).write_bytes(f.read_bytes())
    pd.read_parquet(bad / "part-00001.parquet").drop(columns="parent_node").to_parquet(bad / "part-00001.parquet")
    with pytest.raises(ws.WechatStudyError, match="part-00001.parquet"):
        scaleout.metrics_to_folder(bad, tmp_path / "metrics", progress=False)
    assert not (tmp_path / "metrics").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_a_metrics_file_never_replaces_an_input_part_or_a_file_it_did_not_write(corpus_dir, tmp_path):
    part = sorted(corpus_dir.glob("*.parquet"))[0]
    before = part.read_bytes()
    with pytest.raises(ws.WechatStudyError, match="inside the corpus folder"):
        scaleout.metrics_to_parquet(corpus_dir, part, progress=False)
    assert part.read_bytes() == before
    notes = tmp_path / "notes.parquet"
    pd.DataFrame({"a": [1]}).to_parquet(notes)
    with pytest.raises(ws.WechatStudyError, match="not a metrics file"):
        scaleout.metrics_to_parquet(corpus_dir, notes, progress=False)
    (tmp_path / "dir.parquet").mkdir()
    with pytest.raises(ws.WechatStudyError, match="is a folder"):
        scaleout.metrics_to_parquet(corpus_dir, tmp_path / "dir.parquet", progress=False)
    with pytest.raises(ws.WechatStudyError, match="inside the corpus folder"):
        scaleout.metrics_to_folder(corpus_dir, corpus_dir / "metrics", progress=False)
    out = tmp_path / "m.parquet"
    scaleout.metrics_to_parquet(corpus_dir, out, progress=False)
    scaleout.metrics_to_parquet(corpus_dir, out, progress=False)  # an earlier metrics file may be replaced
