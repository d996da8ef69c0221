"""`wechat-study run`: one notebook, other parameters, its own folder; reports/ and the ledger untouched."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from wechat_study import reporting
from wechat_study.atomic import MARKER
from wechat_study.errors import WechatStudyError

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
PARAMS = {"dataset": "SYNTHETIC", "keywords": "synthetic"}  # 04: the quickest notebook with a data-set parameter


def snapshot(folder: Path) -> dict[str, tuple[int, bytes]]:
    return {p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.read_bytes())
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    """A data folder of this module's own (the synthetic runs need no data), shared by its tests."""
    folder = tmp_path_factory.mktemp("data")
    saved = os.environ.get("WECHAT_STUDY_DATA")
    os.environ["WECHAT_STUDY_DATA"] = str(folder)
    yield folder
    if saved is None:
        os.environ.pop("WECHAT_STUDY_DATA", None)
    else:
        os.environ["WECHAT_STUDY_DATA"] = saved


@pytest.fixture(scope="module")
def one_run(data_dir, tmp_path_factory):
    """A real papermill run of 04 with new parameters into the default folder under runs/."""
    reports_before = snapshot(reporting.REPORTS)
    out = reporting.default_out("04-wechat-censorship", {"dataset": "synthetic", "keywords": "synthetic"})
    existed = out.exists()
    r = reporting.run_one("censorship", PARAMS)
    yield r, out, reports_before
    if not existed:  # the folder is this test's own run, written whole by run_one
        assert json.loads((out / MARKER).read_text("utf-8"))["written_by"] == reporting.RUN_OWNER
        shutil.rmtree(out)


def test_run_writes_its_own_folder(one_run):
    r, out, _ = one_run
    assert out == ROOT / "runs" / "04-wechat-censorship-dataset-synthetic-keywords-synthetic"
    assert r.executed == out / "04-wechat-censorship.ipynb" and r.params["dataset"] == "synthetic"
    names = {p.name for p in out.iterdir()}
    assert names == {"04-wechat-censorship.ipynb", "04-wechat-censorship.html", "findings.json", "params.yaml",
                     "data", MARKER}
    marker = json.loads((out / MARKER).read_text("utf-8"))
    assert marker["written_by"] == "wechat-study run" and "data/04-wechat-censorship" in " ".join(marker["files"])
    findings = json.loads((out / "findings.json").read_text("utf-8"))
    assert findings == r.findings and findings
    assert all(f["notebook"] == "04-wechat-censorship" for f in findings.values())
    params = yaml.safe_load((out / "params.yaml").read_text("utf-8"))
    stem = "04-wechat-censorship"
    assert params == {stem: {**reporting.parameters()[stem], "dataset": "synthetic", "keywords": "synthetic"}}
    page = (out / "04-wechat-censorship.html").read_text("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<script src=" not in page


def test_run_leaves_reports_and_git_status_alone(one_run):
    _, out, reports_before = one_run
    assert snapshot(reporting.REPORTS) == reports_before
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all", "--", "runs"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout
    assert status == "", status
    for inside in ("runs/04-x/04.html", "runs/mine/a/findings.json"):  # any depth: runs are never committed
        ignored = subprocess.run(["git", "check-ignore", "--no-index", "-q", inside], cwd=ROOT, check=False)
        assert ignored.returncode == 0, inside


def test_run_again_from_the_command_line(one_run, data_dir):
    _, out, _ = one_run
    cmd = [sys.executable, "-m", "wechat_study.cli", "run", "04", "-p", "dataset", "synthetic",
           "-p", "keywords", "synthetic"]
    env = {**os.environ, "WECHAT_STUDY_DATA": str(data_dir)}
    (out / "my-notes.txt").write_text("mine")  # a file the run did not write: the folder is refused, the file kept
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600, env=env)
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "holds files wechat-study run did not write (my-notes.txt)" in done.stderr.strip()
        assert (out / "my-notes.txt").read_text() == "mine"
    finally:
        (out / "my-notes.txt").unlink()
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600, env=env)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("04-wechat-censorship (dataset=synthetic, keywords=synthetic): cached, ")
    assert "report:    runs/04-wechat-censorship-dataset-synthetic-keywords-synthetic/04-wechat-censorship.html" \
        in done.stdout


def test_run_into_a_chosen_folder(one_run, tmp_path):
    r = reporting.run_one("04-wechat-censorship", PARAMS, out=tmp_path / "a" / "b")
    assert r.cached  # the same parameters: taken from the cache
    assert (tmp_path / "a" / "b" / "04-wechat-censorship.html").read_bytes() == \
        (one_run[1] / "04-wechat-censorship.html").read_bytes()


def test_the_output_folder_rule(tmp_path):
    """A folder that is neither new, empty, nor run's own is refused before the notebook runs, and left alone."""
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "data.csv").write_text("x")
    (tmp_path / "file").write_text("x")
    (tmp_path / "synth").mkdir()
    (tmp_path / "synth" / MARKER).write_text('{"written_by": "wechat-study synth", "files": []}')
    for folder, message in (("full", "not empty and was not written by wechat-study run"),
                            ("file", "exists and is not a folder"),
                            ("synth", "not empty and was not written by wechat-study run")):
        before = snapshot(tmp_path)
        with pytest.raises(WechatStudyError, match=message):
            reporting.run_one("04", PARAMS, out=tmp_path / folder)
        assert snapshot(tmp_path) == before


def test_default_folder_names():
    assert reporting.default_out("03-legal-thresholds", {"threshold_reposts": 1000}).name == \
        "03-legal-thresholds-threshold_reposts-1000"
    assert reporting.default_out("05-early-warning", {"observation_minutes": [30, 60], "test_share": 0.5}).name == \
        "05-early-warning-observation_minutes-30_60-test_share-0.5"
    assert reporting.default_out("02-repost-cascades", {"compare": []}).name == "02-repost-cascades-compare-none"
    pairs = [(-5000, 5000), ("2013/09/10", "2013 09 10"), ("CED", "ced"), (0.5, "0.5x")]
    for a, b in pairs:  # values the slug alone would merge get folders of their own
        assert reporting.default_out("03", {"v": a}) != reporting.default_out("03", {"v": b}), (a, b)
    long = reporting.default_out("05-early-warning", {"clock_minutes": list(range(100))}).name
    assert long.startswith("05-early-warning-") and len(long) < 40


def test_parameters_are_checked_before_anything_runs(tmp_path):
    with pytest.raises(WechatStudyError, match="has no parameter 'treshold_reposts'.*threshold_reposts=500"):
        reporting.run_one("03", {"treshold_reposts": 1000}, out=tmp_path / "x")
    with pytest.raises(WechatStudyError, match="takes a list of numbers"):
        reporting.run_one("03", {"view_rates": ["high"]}, out=tmp_path / "x")
    assert not (tmp_path / "x").exists()
