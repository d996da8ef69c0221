"""WeChat removals: the watch window, shares seen by a day (Wilson), concentration with bootstrap intervals,
whole-keyword matches with script unified; on constructed tables and on the real archive."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wechat_study import blocking as bl
from wechat_study import censorship as cz
from wechat_study import titles as tt
from wechat_study.thresholds import wilson_interval


def _removals(days, reasons) -> pd.DataFrame:
    """Removals published on 2019-03-01 and seen at noon Beijing time ``days`` later."""
    n = len(days)
    published = pd.Series(pd.to_datetime(["2019-03-01"] * n)).astype("datetime64[ms]")
    seen = (pd.Timestamp("2019-03-01 12:00", tz="Asia/Shanghai") + pd.to_timedelta(days, unit="D")).tz_convert("UTC")
    return pd.DataFrame(
        {
            "account": [f"a{i % 7}" for i in range(n)],
            "title": ["t"] * n,
            "published_on": published,
            "removal_seen_at": pd.Series(seen).astype("datetime64[ns, UTC]"),
            "reason": reasons,
        }
    )


def test_seen_by_day_counts_within_the_window_and_leaves_later_ones_out():
    r = _removals([0, 1, 1, 2, 3, 9, 0, 2], ["violation"] * 6 + ["author_deleted"] * 2)
    t = cz.seen_by_day(r, within=3, by_day=1).set_index("reason")
    assert t.loc["violation", ["seen_within", "seen_by_day", "seen_later"]].tolist() == [5, 3, 1]
    assert t.loc["author_deleted", ["seen_within", "seen_by_day"]].tolist() == [2, 1]
    assert t.loc["all", ["seen_within", "seen_by_day", "seen_later"]].tolist() == [7, 4, 1]
    lo, hi = wilson_interval(3, 5)
    assert t.loc["violation", "share"] == 0.6 and t.loc["violation", "naive_ci_low"] == pytest.approx(float(lo))
    assert t.loc["violation", "naive_ci_high"] == pytest.approx(float(hi))
    assert t.loc["violation", "ci_low"] <= 0.6 <= t.loc["violation", "ci_high"]
    assert list(t.index) == ["author_deleted", "violation", "all"]


def test_window_is_the_coverage_quantile_of_days():
    days = [0] * 50 + [1] * 30 + [2] * 15 + [3] * 4 + [40]
    r = _removals(days, ["violation"] * 100)
    w = cz.window_days(r, coverage=0.99)
    assert w["days"] == 3 and w["beyond"] == 1 and w["max_days"] == 40 and w["removals"] == 100
    assert w["ci_low"] <= 3 <= w["ci_high"]
    ww = cz.watch_window(r).set_index("reason")
    assert ww.loc["violation", "p50"] == 0 and ww.loc["violation", "p90"] == 2 and ww.loc["all", "max_days"] == 40


def test_quantile_interval_covers_the_true_quantile():
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(400):
        x = rng.exponential(1.0, 200)
        _, lo, hi = cz.quantile_interval(x, 0.9)
        hits += lo <= np.log(10) <= hi
    assert 0.93 <= hits / 400 <= 1.0


def test_shares_by_reason_have_their_denominator_and_an_interval():
    r = _removals([1] * 10, ["violation"] * 3 + ["author_deleted"] * 7)
    t = cz.by_reason(r).set_index("reason")
    assert t.loc["violation", "share"] == 0.3 and t.loc["migrated", "removals"] == 0
    assert t.loc["violation", "ci_low"] < 0.3 < t.loc["violation", "ci_high"]


def test_concentration_intervals_bracket_the_estimate():
    r = pd.DataFrame({"account": ["a"] * 30 + [f"b{i}" for i in range(40)], "reason": "violation"})
    t = cz.concentration_intervals(r, n_boot=200, seed=1).set_index("measure")
    assert t.loc["gini", "value"] == pytest.approx(cz.concentration(r)["gini"])
    assert (t["ci_low"] <= t["value"]).all() and (t["value"] <= t["ci_high"]).all()
    again = cz.concentration_intervals(r, n_boot=200, seed=1)
    pd.testing.assert_frame_equal(t.reset_index(), again)


def test_keyword_matches_unify_script_on_both_sides():
    kw = pd.DataFrame({"keyword": ["學生+會議", "另一"], "list": ["x", "y"]})
    t = bl.keyword_matches(pd.Series(["学生开会议", "无关", "學生會議"]), kw).set_index(["script", "list"])
    assert t.loc[("as written", "x"), "matching"] == 1 and t.loc[("unified", "x"), "matching"] == 2
    assert t.loc[("unified", "all"), "keywords"] == 2 and t.loc[("unified", "all"), "titles"] == 3


def test_synthetic_titles_have_words_and_no_planted_signal():
    r = cz.synthetic_removals()
    tokens = tt.title_words(r["title"])
    assert tokens.map(len).min() >= 1
    assert "学生" in set(tokens.explode())  # 學生 unified
    summary = tt.distinctive_summary(tt.word_table(tokens, r["reason"], r["account"]), min_accounts=5)
    assert summary["words_distinctive"].sum() == 0


def _clustered_archive(seed: int, accounts: int = 300, p_first: float = 0.6, p_last: float = 0.8) -> pd.DataFrame:
    """Removals of ``accounts`` accounts over 2019H1 and 2020H2; each account's own author-deleted share is drawn
    around the half's true share (``p_first``, ``p_last``), so removals cluster by account."""
    rng = np.random.default_rng(seed)
    size = rng.integers(1, 40, accounts)
    frames = []
    for start, p in [("2019-01-01", p_first), ("2020-07-01", p_last)]:
        own = np.repeat(rng.beta(p * 4, (1 - p) * 4, accounts), size)
        days = pd.to_timedelta(rng.integers(0, 180, size.sum()), unit="D")
        seen = pd.Timestamp(start, tz="Asia/Shanghai") + days + pd.Timedelta(hours=12)
        deleted = rng.random(size.sum()) < own
        frames.append(
            pd.DataFrame(
                {
                    "account": np.repeat([f"a{a}" for a in range(accounts)], size),
                    "removal_seen_at": seen.tz_convert("UTC"),
                    "reason": np.where(deleted, "author_deleted", "violation"),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_half_year_shares_resample_accounts_and_cover_the_truth():
    hits, wider = 0, 0
    for seed in range(40):
        t = cz.by_half_year(_clustered_archive(seed), n_boot=400, seed=seed).set_index("half")
        hits += t.loc["2019H1", "ci_low"] <= 0.6 <= t.loc["2019H1", "ci_high"]
        wider += (t["ci_high"] - t["ci_low"] > t["naive_ci_high"] - t["naive_ci_low"]).all()
    assert list(t.index) == ["2019H1", "2020H2"]
    assert hits >= 34 and wider == 40  # the clustered interval covers; the naive one is too narrow here


def test_naive_intervals_are_shown_beside_only_where_they_differ():
    t = pd.DataFrame(
        {
            "share": [0.5, 0.5],
            "ci_low": [0.40, 0.45],
            "ci_high": [0.60, 0.55],
            "naive_ci_low": [0.45, 0.45],
            "naive_ci_high": [0.55, 0.55],
            "design_effect": [4.0, 1.0],
        }
    )
    out = cz.naive_beside(t)
    assert out["naive_ci"].tolist() == ["(45.0–55.0)", "same"] and "naive_ci_low" not in out


@pytest.mark.slow
def test_the_archive_window_and_keywords():
    import wechat_study as ws

    r = ws.load("wechatscope").removals
    w = cz.window_days(r)
    assert (w["days"], w["beyond"], w["max_days"]) == (4, 167, 112)
    t = cz.seen_by_day(r, w["days"], 1).set_index("reason")
    assert t.loc["all", ["seen_within", "seen_by_day"]].tolist() == [17_244, 9_054]
    assert t.loc["violation", ["seen_within", "seen_by_day"]].tolist() == [4_221, 2_537]
    m = bl.keyword_matches(r["title"], ws.load("citizenlab").keywords)
    assert (m["matching"] == 0).all() and (m["titles"] == 17_411).all()


def test_recorded_shares_agree_with_their_counts(monkeypatch, tmp_path):
    import json

    sink = tmp_path / "f.jsonl"
    monkeypatch.setenv("WECHAT_STUDY_FINDINGS", str(sink))
    monkeypatch.setenv("WECHAT_STUDY_NOTEBOOK", "99-test")
    r = cz.synthetic_removals(n=800, seed=3)
    cz.record_reasons(r, "c.s")
    cz.record_window(r, "c.s", coverage=0.95)
    bl.record_keywords(r["title"], bl.synthetic_keywords(), "c.s")
    f = {d["name"]: d["value"] for d in map(json.loads, sink.read_text().splitlines())}
    for reason in ["all", *cz.REASONS]:
        if f"c.s.seen_within_window.{reason}" in f:
            share = f[f"c.s.seen_by_day_1.{reason}"] / f[f"c.s.seen_within_window.{reason}"]
            assert f[f"c.s.share_seen_by_day_1.{reason}"] == pytest.approx(share, abs=1e-9)
            name = f"c.s.share_seen_by_day_1.{reason}"
            assert f[f"{name}.ci_low"] <= share <= f[f"{name}.ci_high"]
    assert sum(f[f"c.s.removals.{r_}"] for r_ in cz.REASONS) == f["c.s.removals.total"] == 800
    assert f["c.s.titles_with_blocked_keyword"] == len(range(0, 800, 97))
    assert f["c.s.window.share_within"] == pytest.approx(1 - f["c.s.window.beyond"] / 800, abs=1e-9)
