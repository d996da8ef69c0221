"""Every notebook runs for real under papermill, offline, with dataset="synthetic" (and at an edge: a threshold
no cascade reaches); findings, findings not reached, and the ledger."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

import wechat_study as ws
from wechat_study import pages, reporting
from wechat_study.findings import compare, dump_ledger, matches, shown
from wechat_study.notebooks import NotebookError

pytestmark = pytest.mark.notebooks

SYNTHETIC = {
    "01-data-audit": {"dataset": "synthetic"},
    "02-repost-cascades": {"dataset": "synthetic", "compare": []},
    "03-legal-thresholds": {"dataset": "synthetic", "compare": []},
    "04-wechat-censorship": {"dataset": "synthetic", "keywords": "synthetic"},
    "05-early-warning": {"dataset": "synthetic", "observation_minutes": [60], "follower_sweep": [100],
                         "clock_minutes": [30, 60, 180], "n_boot": 200},
    "06-deletion-counterfactual": {"dataset": "synthetic"},
}


# Parameters at an edge, on synthetic data: a repost threshold no cascade reaches. Findings that cannot exist
# there are recorded as not reached (null, with a reason); names and headings follow the threshold.
EDGE = {
    "03-legal-thresholds": {"threshold_reposts": 100_000},
}


def test_every_notebook_has_a_synthetic_mode():
    assert set(reporting.notebooks()) == set(SYNTHETIC)


def _run_all(tmp_path_factory, params: dict[str, dict]) -> tuple[Path, dict[str, reporting.Run]]:
    """Every notebook of ``params`` run at once (``run_many``), on an empty data folder of their own."""
    data = tmp_path_factory.mktemp("data") / "data"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("WECHAT_STUDY_DATA", str(data))
        runs = reporting.run_many(sorted(params), params, force=True, cache_root=tmp_path_factory.mktemp("cache"))
    return data, {r.stem: r for r in runs}


@pytest.fixture(scope="module")
def synthetic_runs(tmp_path_factory):
    return _run_all(tmp_path_factory, SYNTHETIC)


@pytest.fixture(scope="module")
def edge_runs(tmp_path_factory):
    return _run_all(tmp_path_factory, {stem: {**SYNTHETIC[stem], **EDGE[stem]} for stem in EDGE})


@pytest.mark.parametrize("stem", sorted(SYNTHETIC))
def test_notebook_runs_offline_on_synthetic_data(stem, synthetic_runs):
    data, runs = synthetic_runs
    r = runs[stem]
    assert not r.cached and r.findings
    assert all(f["notebook"] == stem for f in r.findings.values())
    assert not list((data / "raw").glob("*")) if (data / "raw").exists() else True  # no data fetched
    nb = nbformat.read(r.executed, as_version=4)
    assert "papermill" not in nb.metadata
    assert [c.id for c in nb.cells if "injected-parameters" in c.metadata.get("tags", [])] == ["injected-parameters"]
    page = pages.render(r.executed, stem)
    assert page == pages.render(r.executed, stem)
    assert "<script src=" not in page and "cdn" not in page.lower()


def test_running_notebooks_at_once_changes_nothing(synthetic_runs, tmp_path):
    """One at a time (``jobs=1``) gives the findings and pages that running them together gave."""
    _, together = synthetic_runs
    stems = ["01-data-audit", "06-deletion-counterfactual"]
    alone = reporting.run_many(stems, SYNTHETIC, force=True, cache_root=tmp_path, jobs=1)
    for r in alone:
        assert r.findings == together[r.stem].findings
        assert pages.render(r.executed, r.stem) == pages.render(together[r.stem].executed, r.stem)


@pytest.mark.parametrize("stem", sorted(EDGE))
def test_notebook_runs_at_an_edge(stem, edge_runs):
    r = edge_runs[1][stem]
    assert r.findings and all(f["notebook"] == stem for f in r.findings.values())
    unreached = {k: f for k, f in r.findings.items() if f["value"] is None}
    assert all(f.get("reason") for f in unreached.values()), "a finding not reached says why"
    assert not [k for k in r.findings if re.search(r"(?<!\d)500(?!\d)", k)], "finding names follow the threshold"
    # section headings and figure titles (the page's title may quote the law's own lines)
    headings = re.findall(r"<h[2-6][^>]*>(.*?)</h[2-6]>", pages.render(r.executed, stem), flags=re.S)
    assert not [h for h in headings if re.search(r"(?<![\d,])500(?![\d,])", h)], "headings follow the threshold"


def test_a_notebook_that_needs_crossers_refuses_a_threshold_no_cascade_reaches():
    with pytest.raises(NotebookError, match=r"06-deletion-counterfactual cannot run on synthetic: no cascade of "
                                            r"synthetic reaches 100,000 observed reposts \(the largest has "):
        reporting.check_needs("06-deletion-counterfactual", {"dataset": "synthetic", "threshold_reposts": 100_000})


@pytest.mark.parametrize("stem", sorted(SYNTHETIC))
def test_notebook_structure(stem):
    nb = nbformat.read(reporting.INVESTIGATIONS / f"{stem}.ipynb", as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1 and nb.cells[0].cell_type == "markdown" and nb.cells[0].source.startswith("# ")
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "commit notebooks without outputs"
    code = [c.source for c in nb.cells if c.cell_type == "code" and c not in tagged]  # parameters are not logic
    assert max(len(s.splitlines()) for s in code) <= 12, "logic belongs in the library"


def test_record_finding_rules(monkeypatch, tmp_path):
    sink = tmp_path / "f.jsonl"
    monkeypatch.setenv("WECHAT_STUDY_FINDINGS", str(sink))
    monkeypatch.setenv("WECHAT_STUDY_NOTEBOOK", "99-test")
    assert ws.record_finding("t.count", 3) == 3
    ws.record_finding("t.share", 0.25, tolerance=0.001, note="a share")
    with pytest.raises(ValueError, match="state tolerance"):
        ws.record_finding("t.float", 0.5)
    with pytest.raises(ValueError, match="compared exactly"):
        ws.record_finding("t.int", 5, tolerance=0.1)
    with pytest.raises(ValueError, match="dotted lowercase"):
        ws.record_finding("Bad Name", 1)
    lines = [json.loads(x) for x in sink.read_text().splitlines()]
    assert lines[1] == {"name": "t.share", "value": 0.25, "tolerance": 0.001, "note": "a share", "notebook": "99-test"}


def test_a_finding_not_reached(monkeypatch, tmp_path):
    sink = tmp_path / "f.jsonl"
    monkeypatch.setenv("WECHAT_STUDY_FINDINGS", str(sink))
    monkeypatch.setenv("WECHAT_STUDY_NOTEBOOK", "99-test")
    reason = "no cascade reaches 100,000 reposts"
    assert ws.record_finding("t.median_hours", float("nan"), tolerance=0.01, reason=reason) is None
    assert ws.record_finding("t.count", None, reason=reason) is None
    assert ws.record_finding("t.share", 0.5, tolerance=0.01, reason=reason) == 0.5  # reason kept only when missing
    with pytest.raises(ValueError, match="has no value .*reason="):
        ws.record_finding("t.silent", float("nan"), tolerance=0.01)
    recorded = reporting.read_recorded(sink)
    assert recorded["t.median_hours"] == {"value": None, "tolerance": 0.01, "note": None, "notebook": "99-test",
                                          "reason": reason}
    assert recorded["t.count"]["reason"] == reason and "reason" not in recorded["t.share"]
    assert json.loads(dump_ledger(recorded))["t.median_hours"]["value"] is None
    assert shown(recorded["t.median_hours"]) == f"not reached ({reason})"
    assert shown({"value": None}) == "not reached" and shown({"value": 1234}) == "1,234"


def test_compare_findings_not_reached():
    null = {"value": None, "tolerance": 0.01, "reason": "none cross"}
    old = {"a.both_null": null, "a.became_null": {"value": 2.5, "tolerance": 0.01}, "a.became_value": null}
    new = {"a.both_null": {**null, "reason": "worded otherwise"}, "a.became_null": null,
           "a.became_value": {"value": 2.5, "tolerance": 0.01}}
    diff = compare(old, new).set_index("name")["status"].to_dict()
    assert diff == {"a.became_null": "not reached", "a.became_value": "reached"}


def test_compare_ledgers():
    old = {"a.int": {"value": 3, "tolerance": 0}, "a.float": {"value": 0.5, "tolerance": 0.01},
           "a.gone": {"value": "x", "tolerance": 0}, "a.table": {"value": [{"k": 1.0}], "tolerance": 0.1}}
    new = {"a.int": {"value": 3, "tolerance": 0}, "a.float": {"value": 0.505, "tolerance": 0.01},
           "a.new": {"value": 1, "tolerance": 0}, "a.table": {"value": [{"k": 1.2}], "tolerance": 0.1}}
    diff = compare(old, new).set_index("name")["status"].to_dict()
    assert diff == {"a.gone": "missing", "a.new": "new", "a.table": "changed"}
    assert matches(2, 2, 0) and not matches(2, 3, 0) and not matches("a", "b", 0)
    assert dump_ledger(new).index('"a.float"') < dump_ledger(new).index('"a.int"')
    table = {"a.table": {"value": [{"model": "x", "auc": 0.7, "ci_low": 0.6}], "tolerance": 0.1}}
    columns = list(json.loads(dump_ledger(table))["a.table"]["value"][0])
    assert columns == ["model", "auc", "ci_low"], "a table's columns as recorded"


def test_the_committed_ledger_covers_every_notebook():
    ledger = json.loads(Path(reporting.LEDGER).read_text("utf-8"))
    assert {f["notebook"] for f in ledger.values()} == set(reporting.notebooks())
    assert ledger["audit.ced.rumours"]["value"] == 1538
    assert ledger["cascades.ced.posts"]["value"] == 1_277_843


REQUIRED = """thresholds.ced.share_reaching_500_reposts.rumour thresholds.ced.share_reaching_500_reposts.non_rumour
thresholds.ced.median_hours_to_500_reposts thresholds.wbmsf.share_reaching_500_reposts
thresholds.twitter15.share_reaching_500_reposts views.ced.share_reaching_5000_views.low
views.ced.share_reaching_5000_views.high censorship.wechatscope.removals.author_deleted
censorship.wechatscope.removals.violation censorship.wechatscope.removals.account_blocked
censorship.wechatscope.share_seen_by_day_1.violation censorship.wechatscope.share_seen_by_day_1.author_deleted
early_warning.ced.auc.count_baseline.60min early_warning.ced.auc.count_baseline.60min.ci_low
early_warning.ced.auc.count_baseline.60min.ci_high early_warning.ced.auc.seismic.60min
early_warning.ced.auc.hawkes.60min
early_warning.ced.auc_gain.seismic.60min early_warning.ced.hawkes.boundary_share
counterfactual.ced.share_reaching_500_if_deleted_at_1h counterfactual.ced.share_reaching_500_if_deleted_at_1h.ci_low
counterfactual.ced.share_reaching_500_under_deletion_scenario.band_low""".split()


def test_the_ledger_has_every_required_finding():
    ledger = json.loads(Path(reporting.LEDGER).read_text("utf-8"))
    assert not [name for name in REQUIRED if name not in ledger]
    shares = [v["value"] for k, v in ledger.items() if ".share" in k and isinstance(v["value"], float)]
    assert all(0 <= s <= 1 for s in shares)
