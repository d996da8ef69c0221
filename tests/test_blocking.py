"""The archive's gaps, blocking waves and Citizen Lab's blocked websites: detectors checked on simulated
archives with planted outages and a planted wave, the URL loader against the raw file."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import blocking as bl
from wechat_study import paths
from wechat_study import scraper as sc
from wechat_study.errors import DataError


def _archive(daily: np.ndarray, start: str = "2019-01-01", blocked: dict[int, int] | None = None) -> pd.DataFrame:
    """Removals seen at noon Beijing time, ``daily[i]`` on day ``i``; ``blocked[i]`` of them (on day i) are
    the first ``account_blocked`` removals of as many new accounts."""
    days = pd.Timestamp(start) + pd.to_timedelta(np.repeat(np.arange(len(daily)), daily), unit="D")
    seen = (days + pd.Timedelta(hours=12)).tz_localize("Asia/Shanghai").tz_convert("UTC")
    reason = np.full(len(days), "author_deleted", dtype=object)
    account = np.array([f"a{i % 50}" for i in range(len(days))], dtype=object)
    offsets = np.concatenate([[0], np.cumsum(daily)])
    for i, n in (blocked or {}).items():
        rows = np.arange(offsets[i], offsets[i] + n)
        reason[rows], account[rows] = "account_blocked", [f"b{i}-{j}" for j in range(n)]
    return pd.DataFrame(
        {
            "account": account,
            "title": "t",
            "published_on": days.astype("datetime64[ms]"),
            "removal_seen_at": pd.Series(seen).astype("datetime64[ns, UTC]"),
            "reason": reason,
        }
    )


def test_outage_detection_finds_the_planted_gaps_and_only_them():
    rng = np.random.default_rng(0)
    daily = rng.poisson(20, 600)
    planted = [(100, 29), (300, 3), (450, 1)]
    for s, n in planted:
        daily[s : s + n] = 0
    counts = sc.daily_counts(_archive(daily))
    runs = sc.gaps(counts)
    found = {(int((r.start - counts.index[0]).days), r.days) for r in runs[runs["outage"]].itertuples()}
    assert found == set(planted)
    c = sc.coverage(counts, runs)
    assert (c["outage_days"], c["longest_run_days"], c["outage_runs"]) == (33, 29, 3)
    assert c["longest_run_start"] == (counts.index[0] + pd.Timedelta(days=100)).strftime("%Y-%m-%d")
    assert sc.outage_days(counts, runs).sum() == 33


def test_quiet_days_at_a_low_rate_are_not_called_outages():
    rng = np.random.default_rng(1)
    daily = rng.poisson(3, 800)
    daily[0] = daily[-1] = 3  # the span runs from the first to the last day with a removal
    counts = sc.daily_counts(_archive(daily))
    runs = sc.gaps(counts)
    assert (counts == 0).sum() > 20  # chance zero days exist ...
    assert not runs["outage"].any()  # ... and none is improbable at the local rate


def test_monthly_rates_count_per_observed_day():
    daily = np.full(90, 10)
    daily[40:50] = 0  # ten days of February lost
    r = _archive(daily)
    counts = sc.daily_counts(r)
    outage = sc.outage_days(counts, sc.gaps(counts))
    m = sc.monthly_rates(r, outage).set_index("month")
    assert m.loc["2019-02", "outage_days"] == 10 and m.loc["2019-02", "days_observed"] == 18
    assert m["per_observed_day"].tolist() == pytest.approx([10.0, 10.0, 10.0])


def test_wave_detection_finds_a_planted_wave():
    rng = np.random.default_rng(2)
    daily = rng.poisson(20, 700)
    blocked = {int(d): 1 for d in rng.choice(700, 70, replace=False)}
    blocked[333] = 11
    daily[[*blocked]] = np.maximum(daily[[*blocked]], 11)
    daily[500:520] = 0
    blocked = {d: n for d, n in blocked.items() if not 500 <= d < 520}
    r = _archive(daily, blocked=blocked)
    counts = sc.daily_counts(r)
    outage = sc.outage_days(counts, sc.gaps(counts))
    first = bl.first_blocked(r)
    days = bl.blocking_days(first, outage)
    assert days.loc[days["wave"], "day"].tolist() == [counts.index[333]]
    assert days["accounts"].iloc[0] == 11 and len(first) == sum(blocked.values())
    assert bl.largest(first, "D") == (counts.index[333].strftime("%Y-%m-%d"), 11)
    weeks = bl.blocking_weeks(first, outage)
    assert weeks["accounts"].sum() == len(first) and weeks["outage_days"].sum() == 20
    assert (weeks["week"].dt.day_of_week == 0).all()


def test_terms_are_found_in_either_script_and_any_case():
    t = bl.term_matches({"x": pd.Series(["巴拿馬文件", "the PANAMA papers", "无关", None])}).set_index("term")
    assert t.loc["巴拿马", "matching"] == 1 and t.loc["巴拿馬", "matching"] == 1
    assert t.loc["Panama", "matching"] == 1 and t.loc["Mossack", "matching"] == 0
    assert t.loc["any", "matching"] == 2 and t.loc["any", "texts"] == 4


def test_blocked_urls_by_category_count_listings():
    t = bl.urls_by_category(bl.synthetic_blocked_urls()).set_index("category")
    assert t.loc["News and Media", "sites"] == 2 and t["share"].sum() == pytest.approx(1.0)


def test_the_blocked_url_list_is_loaded_whole():
    urls = ws.load("citizenlab").blocked_urls
    raw = paths.raw_dir("citizenlab") / "wechat/one_app_two_systems/wechat_blocked_urls.csv"
    with raw.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(urls) == len(rows) == 41
    assert urls["domain"].nunique() == len({r["URLs"].strip().lower() for r in rows}) == 40
    assert urls.loc[urls["domain"] == "icij.org", "category"].tolist() == ["News and Media"]
    assert (
        urls["category"].value_counts().to_dict()
        == pd.Series([r["Categorization"] for r in rows]).value_counts().to_dict()
    )


def test_a_bad_url_row_is_refused(tmp_path):
    from wechat_study.datasets import citizenlab
    from wechat_study.quality import QualityReport

    folder = tmp_path / "wechat/one_app_two_systems"
    folder.mkdir(parents=True)
    (folder / "wechat_blocked_urls.csv").write_text("URLs,Categorization,Language\nhttp://a.com/x,News,English\n")
    with pytest.raises(DataError, match="line 2"):
        citizenlab.load_urls(tmp_path, QualityReport("t"))
    (folder / "wechat_blocked_urls.csv").write_text("URLs,Category\na.com,News\n")
    with pytest.raises(DataError, match="Categorization"):
        citizenlab.load_urls(tmp_path, QualityReport("t"))


def test_the_real_archive_gaps_and_waves():
    r = ws.load("wechatscope").removals
    counts = sc.daily_counts(r)
    runs = sc.gaps(counts)
    c = sc.coverage(counts, runs)
    assert (c["span_days"], c["days_without_removal"]) == (807, 45)
    assert (c["longest_run_days"], c["longest_run_start"]) == (29, "2018-08-29")
    first = bl.first_blocked(r)
    assert (
        len(first) == 80 and bl.largest(first, "D") == ("2018-11-13", 11) and bl.largest(first, "M") == ("2018-11", 19)
    )


def test_the_synthetic_archive_has_its_planted_outage_and_no_other():
    from wechat_study import censorship as cz

    counts = sc.daily_counts(cz.synthetic_removals())
    runs = sc.gaps(counts)
    outages = runs[runs["outage"]]
    assert len(outages) == 1 and outages["start"].iloc[0] == pd.Timestamp(cz.GAP[0])
    assert outages["end"].iloc[0] == pd.Timestamp(cz.GAP[1]) - pd.Timedelta(days=1)


def test_term_tables_keep_the_search_order_and_dates_read_as_days():
    m = bl.term_matches({"b": pd.Series(["Panama"]), "a": pd.Series(["无"])}, terms=("Panama", "巴拿马"))
    wide = bl.by_term(m)
    assert wide["term"].tolist() == ["Panama", "巴拿马", "any"] and list(wide.columns) == ["term", "gloss", "b", "a"]
    assert wide["b"].tolist() == [1, 0, 1]
    t = sc.dated(pd.DataFrame({"start": [pd.Timestamp("2018-08-29")]}), "start")
    assert t["start"].tolist() == ["2018-08-29"]
