"""The notebook cache: an entry appears only when its run finished; a killed run changes nothing; prune."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from wechat_study import cli, reporting

ROOT = Path(__file__).resolve().parent.parent
STEM = "01-data-audit"
OVERRIDES = {STEM: {"dataset": "synthetic"}}

SCRIPT = """
import json, sys
from pathlib import Path
from wechat_study import reporting
cache, reports, force = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3] == "force"
runs = reporting.reproduce(["01"], force=force, reports=reports, overrides=json.loads(sys.argv[4]), cache_root=cache)
print(json.dumps({"cached": runs[0].cached, "findings": len(runs[0].findings)}))
"""


def reproduce(cache: Path, reports: Path, force: bool) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", SCRIPT, str(cache), str(reports), "force" if force else "-",
                             json.dumps(OVERRIDES)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, start_new_session=True)


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the Jupyter kernel runs in a session of its own)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to find the kernel process")
def test_sigkill_during_reproduce_force_leaves_cache_and_reports_alone(tmp_path):
    cache, reports = tmp_path / "cache", tmp_path / "reports"
    first = reproduce(cache, reports, force=False)
    out, _ = first.communicate(timeout=900)
    assert first.returncode == 0 and json.loads(out.strip().splitlines()[-1])["cached"] is False
    entry = next((cache / STEM).iterdir())
    before_cache, before_reports = snapshot(cache), snapshot(reports)
    assert {"executed.ipynb", "findings.jsonl"} <= {Path(k).name for k in before_cache}
    assert {f"{STEM}.html", "findings.json", "index.html"} <= set(before_reports)

    second = reproduce(cache, reports, force=True)
    deadline = time.monotonic() + 600
    while not list((cache / STEM).glob(".*.tmp-*/executing.ipynb")):  # papermill has started on the cells
        assert second.poll() is None and time.monotonic() < deadline, "the forced run ended before it could be killed"
        time.sleep(0.2)
    below = descendants(second.pid)
    os.kill(second.pid, signal.SIGKILL)
    second.wait(timeout=60)
    for pid in below:
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert second.returncode == -signal.SIGKILL

    assert snapshot(reports) == before_reports  # not one byte, not one mtime
    assert {k: v for k, v in snapshot(cache).items() if not k.split("/")[1].startswith(".")} == before_cache
    assert entry.is_dir()

    third = reproduce(cache, reports, force=False)
    out, _ = third.communicate(timeout=900)
    assert third.returncode == 0
    recorded = reporting.read_recorded(entry / "findings.jsonl")
    assert json.loads(out.strip().splitlines()[-1]) == {"cached": True, "findings": len(recorded)}
    assert not list((cache / STEM).glob(".*.tmp-*")), "the killed run's temporary folder is cleaned up"
    assert json.loads((reports / "findings.json").read_text()) == json.loads(before_reports["findings.json"][1])


def test_prune_keeps_only_current_entries(tmp_data, capsys):
    root = reporting.cache_dir()
    params = reporting.parameters()
    keep = {stem: root / stem / reporting.cache_key(stem, params[stem]) for stem in params}
    for folder in keep.values():
        folder.mkdir(parents=True)
        (folder / "executed.ipynb").write_text("{}")
    old = root / STEM / "0123456789abcdef0123"
    old.mkdir()
    (old / "executed.ipynb").write_bytes(b"x" * 2_000_000)
    gone = root / "00-removed-notebook" / "fedcba9876543210fedc"
    gone.mkdir(parents=True)
    dead = root / STEM / ".0123456789abcdef0123.tmp-999999999-abc"  # a killed run's leftovers (no such pid)
    dead.mkdir()
    live = root / STEM / f".0123456789abcdef0123.tmp-{os.getpid()}-abc"  # a run in progress
    live.mkdir()
    failed = root / STEM / "0123456789abcdef0123.failed.ipynb"
    failed.write_text("{}")

    assert cli.main(["cache", "prune", "--dry-run"]) == 0
    assert "would remove 4 entries" in capsys.readouterr().out and old.is_dir()
    assert cli.main(["cache", "prune"]) == 0
    out = capsys.readouterr().out
    assert f"removed {old.relative_to(Path.cwd()) if old.is_relative_to(Path.cwd()) else old} (2.0 MB)" in out
    assert "cache prune: removed 4 entries, 2.0 MB" in out
    assert all(f.is_dir() for f in keep.values()) and live.is_dir()
    assert not old.exists() and not gone.parent.exists() and not dead.exists() and not failed.exists()
    assert reporting.prune_cache() == []


def test_an_entry_moved_aside_by_a_killed_run_comes_back(tmp_path):
    stem_dir = tmp_path / STEM
    aside = stem_dir / ".0123456789abcdef0123.old-999999999-abc"  # killed between the two renames
    aside.mkdir(parents=True)
    (aside / "executed.ipynb").write_text("{}")
    (aside / "findings.jsonl").write_text("")
    reporting._remove_stale_staging(stem_dir)
    assert [p.name for p in stem_dir.iterdir()] == ["0123456789abcdef0123"]
    assert (stem_dir / "0123456789abcdef0123" / "executed.ipynb").read_text() == "{}"
