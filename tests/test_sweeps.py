"""`wechat-study compare`: real runs of one notebook at two thresholds, set side by side by finding."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from wechat_study import cli, reporting, sweeps

pytestmark = pytest.mark.notebooks


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("sweep")
    for t in (200, 300):
        reporting.run_one("06", {"dataset": "synthetic", "threshold_reposts": t}, out=root / f"t{t}")
    return root


def test_compare_lines_up_each_finding_across_thresholds(two_runs, capsys):
    out = two_runs / "thresholds"
    assert cli.main(["compare", str(two_runs / "t200"), str(two_runs / "t300"), "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "2 runs of 06-deletion-counterfactual; they differ in threshold_reposts;" in said
    table = pd.read_csv(out.with_suffix(".csv"), index_col="row")
    assert list(table.columns) == ["t200", "t300"]
    assert table.loc["param:threshold_reposts"].astype(float).tolist() == [200, 300]
    for t in (200, 300):
        findings = json.loads((two_runs / f"t{t}" / "findings.json").read_text())
        name = f"counterfactual.synthetic.share_reaching_{t}_if_deleted_at_1h"
        assert table.loc["counterfactual.synthetic.share_reaching_{threshold_reposts}_if_deleted_at_1h",
                         f"t{t}"] == pytest.approx(findings[name]["value"])
    assert not any("_200_" in r or "_300_" in r for r in table.index), "every threshold is factored out"
    page = out.with_suffix(".html").read_text()
    assert "<title>Runs side by side</title>" in page and "{threshold_reposts}" in page


def test_compare_refuses_what_it_cannot_set_side_by_side(two_runs, tmp_path, capsys):
    assert cli.main(["compare", str(two_runs / "t200")]) == 1
    assert "at least two run folders" in capsys.readouterr().err
    assert cli.main(["compare", str(two_runs / "t200"), str(tmp_path)]) == 1
    assert "not a run folder (no params.yaml)" in capsys.readouterr().err
    other = tmp_path / "other"
    other.mkdir()
    (other / "params.yaml").write_text("03-legal-thresholds:\n  dataset: synthetic\n")
    (other / "findings.json").write_text("{}")
    with pytest.raises(sweeps.SweepError, match="these ran 03-legal-thresholds, 06-deletion-counterfactual"):
        sweeps.side_by_side([two_runs / "t200", other])


def test_a_run_page_names_its_parameters(two_runs):
    page = (two_runs / "t200" / "06-deletion-counterfactual.html").read_text()
    assert "A run with other parameters." in page
    assert "threshold_reposts = 200 (the investigation uses 500)" in page and "dataset = synthetic" in page
    assert "with dataset = synthetic, threshold_reposts = 200 (every other parameter the investigation" in page
