"""Every notebook on every data set its ``dataset`` parameter accepts: it runs, naming that data set and saying
what it skipped, or it is refused before a kernel starts with the reason.

The investigation's own data set (each notebook's default) is run by ``verify`` and ``synthetic`` by
``test_notebooks``; this runs the rest. A data set the mirror does not hold (Twitter16: only its manifest is
mirrored) is skipped with that reason.
"""

from __future__ import annotations

import re

import pytest

from wechat_study import notebooks, reporting
from wechat_study.datasets.catalog import CATALOG
from wechat_study.notebooks import NotebookError

pytestmark = pytest.mark.notebooks

# What a notebook cannot do on a data set, and the sentence its page must give for it.
SKIPS = {
    ("02-repost-cascades", "wbmsf"): ["Depth and structural virality: skipped.</strong> Wb-MSF (Weibo) records every "
                                      "repost as a repost of the source post",
                                      "Rumours and non-rumours: skipped.</strong> Wb-MSF (Weibo) gives no label"],
    ("02-repost-cascades", "twitter15"): ["Rumours and non-rumours: skipped.</strong> Twitter15 labels its cascades"],
    ("03-legal-thresholds", "wbmsf"): ["Views: skipped.</strong> Wb-MSF (Weibo) records the source author's follower "
                                       "count for 0 of 521 cascades",
                                       "Before and after the interpretation: skipped.</strong> Every source post of "
                                       "Wb-MSF (Weibo) is from after 2013-09-10"],
    ("03-legal-thresholds", "twitter15"): ["Views: skipped.</strong> Twitter15 records the source author's follower "
                                           "count for 0 of 1,490 cascades"],
    ("06-deletion-counterfactual", "wbmsf"): ["What the size window leaves out: skipped.</strong> Wb-MSF (Weibo) has "
                                              "no known top to its repost counts"],
    ("06-deletion-counterfactual", "twitter15"): ["What the size window leaves out: skipped.</strong> Twitter15 has no "
                                                  "known top to its repost counts"],
}
REFUSED = {("05-early-warning", "wbmsf"): "follower count for 0 of 521 cascades",
           ("05-early-warning", "twitter15"): "follower count for 0 of 1,490 cascades"}


def _cases():
    for stem in notebooks.stems():
        default = notebooks.defaults(stem)["dataset"]
        for name in notebooks.accepted_datasets(stem):
            if name not in ("synthetic", default):
                yield pytest.param(stem, name, id=f"{stem[:2]}-{name}")


def _mirrored(name: str, mirror) -> bool:
    return mirror is None or (mirror / name / CATALOG[name].archive_name).is_file()


@pytest.mark.parametrize("stem,name", list(_cases()))
def test_every_notebook_runs_or_refuses_every_accepted_data_set(stem, name, mirror, tmp_path):
    if not _mirrored(name, mirror):
        pytest.skip(f"the mirror holds no {name} archive (only its manifest); with network it is downloaded")
    if (stem, name) in REFUSED:
        with pytest.raises(NotebookError, match=rf"{stem} cannot run on .*{re.escape(REFUSED[stem, name])}"):
            reporting.check_needs(stem, {"dataset": name})
        return
    run = reporting.run_one(stem, {"dataset": name}, out=tmp_path / "run")
    page = (tmp_path / "run" / f"{stem}.html").read_text("utf-8")
    assert run.findings and re.search(r'<section class="ws-findings".*?<li>', page, re.S)
    assert "A run with other parameters." in page and f"dataset = {name}" in page
    if stem != "01-data-audit":
        own = [n for n in run.findings if n.split(".")[1] == name]
        assert own, f"{stem} on {name} recorded no finding of {name}"
    for sentence in SKIPS.get((stem, name), []):
        assert sentence in page, sentence


@pytest.mark.parametrize("stem,param,name,table", [
    ("03-legal-thresholds", "dataset", "wechatscope", "posts"),
    ("02-repost-cascades", "compare", ["ced", "citizenlab"], "posts"),
    ("04-wechat-censorship", "dataset", "ced", "removals"),
    ("04-wechat-censorship", "keywords", "wechatscope", "keywords"),
])
def test_a_data_set_without_the_tables_a_notebook_reads_is_refused_by_name(stem, param, name, table):
    with pytest.raises(NotebookError, match=rf"{param}='\w+' gives .*not the {table} this notebook reads; choose "
                                            r"from "):
        notebooks.check(stem, {param: name})


def test_run_help_lists_each_parameter_with_its_range_and_meaning(capsys):
    from wechat_study import cli

    with pytest.raises(SystemExit) as stop:
        cli.main(["run", "03", "--help"])
    assert stop.value.code == 0
    out = capsys.readouterr().out
    assert "parameters of 03-legal-thresholds" in out
    for name in notebooks.defaults("03-legal-thresholds"):
        assert f"\n  {name} = " in out, name
    assert "  threshold_reposts = 500\n      a whole number; at least 1\n      the legal line of reposts" in out
    assert "one of ced, synthetic, twitter15, twitter16, wbmsf, or the path of your own posts" in out
    assert "rules: early_reposts <= threshold_reposts" in out
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", "99", "--help"])
    assert stop.value.code == 2 and "no notebook '99'" in capsys.readouterr().err


def test_every_parameter_says_what_it_means():
    from wechat_study import params_help

    for stem in notebooks.stems():
        silent = [k for k, v in params_help.meanings(stem).items() if not v]
        assert not silent, f"{stem}: give these parameters a comment in the parameters cell: {silent}"
