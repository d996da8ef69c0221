"""Censoring at the end of observation, how often vs how fast, views decomposed, before/after 2013."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import exposure, periods, reporting
from wechat_study import survival as sv
from wechat_study import thresholds as th


def test_censoring_uses_the_end_of_observation_not_the_last_post():
    m = pd.DataFrame({"cascade_id": ["x", "y"], "time_to_500_s": [7200.0, np.nan], "lifetime_s": [9000.0, 3600.0]})
    cascades = pd.DataFrame(
        {"cascade_id": ["x", "y"], "created_at": pd.to_datetime(["2013-01-01 00:00", "2013-01-02 00:00"], utc=True)}
    )
    d = sv.durations(m, cascades, pd.Timestamp("2013-01-03", tz="UTC"))
    assert d["duration_h"].tolist() == [2.0, 24.0] and d["crossed"].tolist() == [True, False]
    assert th.crossing_durations(m)["duration_h"].tolist() == [2.0, 1.0]  # the informative rule, kept for contrast


def test_km_ends_at_the_observed_share_on_simulated_cascades():
    c = ws.synthetic_corpus(60_000, seed=3)
    m = ws.cascade_metrics(c.posts, thresholds=(50,))
    labels = c.cascades.set_index("cascade_id")["label"].reindex(m["cascade_id"]).reset_index(drop=True)
    end = sv.end_of_observation("synthetic", c.posts)
    check = sv.km_end_check(sv.durations(m, c.cascades, end, 50), labels)
    assert check["crossed"].gt(0).all() and (check["gap"].abs() < 1e-12).all()
    last_post = sv.km_end_check(th.crossing_durations(m, 50), labels)
    assert (last_post["gap"] >= -1e-12).all()  # censoring at the last post can only inflate 1 - S


def test_how_fast_keeps_to_the_crossers():
    d = pd.DataFrame(
        {
            "duration_h": [1.0, 2.0, 3.0, 50.0, 4.0, 5.0, 6.0, 99.0],
            "crossed": [True] * 3 + [False] + [True] * 3 + [False],
        }
    )
    groups = pd.Series(["a"] * 4 + ["b"] * 4)
    per, test = sv.how_fast(d, groups, "a", "b", n_boot=200)
    assert per.set_index("group").loc["a", "median_h"] == 2.0 and per.set_index("group").loc["b", "median_h"] == 5.0
    assert test["difference_h"] == -3.0 and test["prob_a_slower"] == 0.0 and test["crossed_a"] == 3
    assert test["ci_low_h"] <= -3.0 <= test["ci_high_h"]
    often = sv.how_often(d, groups).set_index("group")
    assert often.loc["a", "share"] == 0.75 and often.loc["a", "ci_low"] < 0.75 < often.loc["a", "ci_high"]


def test_how_fast_resampling_authors_covers_where_resampling_cascades_does_not():
    """Authors whose cascades share one speed: resampling cascades treats 800 crossings as independent and gives
    an interval too narrow to cover the population median of author speeds (1 h) at its nominal rate."""
    rng = np.random.default_rng(1)
    covered = {"cascades": 0, "authors": 0}
    for rep in range(40):
        speed = rng.lognormal(0.0, 1.0, 40)  # median 1 h over authors
        authors = np.repeat(np.arange(40), 20)
        d = pd.DataFrame({"duration_h": speed[authors] * rng.lognormal(0.0, 0.05, 800), "crossed": True})
        for how, clusters in (("cascades", None), ("authors", pd.Series(authors))):
            row = sv.how_fast(d, None, n_boot=300, seed=rep, clusters=clusters)[0].iloc[0]
            covered[how] += row["ci_low_h"] <= 1.0 <= row["ci_high_h"]
    assert covered["authors"] >= 34 and covered["cascades"] <= 20, covered
    with pytest.raises(ValueError, match="clusters has another index"):
        sv.how_fast(d, None, n_boot=10, clusters=pd.Series(authors, index=np.arange(800)[::-1]))


def test_views_decomposed_with_imputed_sources_flagged():
    cascades = pd.DataFrame(
        {"cascade_id": list("abc"), "author_followers": pd.array([600_000, 1_000, None], dtype="Int64")}
    )
    metrics = pd.DataFrame({"cascade_id": list("abc"), "reposts": [0, 500, 0]})
    d = exposure.decompose(metrics, cascades, [0.01], [1000], unknown="impute").iloc[0]
    # a: 6,000 from the source alone; b: 0.01 * (1,000 + 500 * 1,000) = 5,010;
    # c: imputed median 300,500 -> 3,005, not reached
    assert (d["source_alone"], d["needs_reposts"], d["not_reached"], d["imputed"]) == (1, 1, 1, 1)
    assert d["share_reaching"] == pytest.approx(2 / 3) and d["imputed_source_alone"] == 0
    # by default the source of unknown reach is left out and counted
    e = exposure.decompose(metrics, cascades, [0.01], [1000]).iloc[0]
    assert (e["cascades"], e["excluded"], e["imputed"], e["share_reaching"]) == (2, 1, 0, 1.0)
    with pytest.raises(ValueError, match="unknown="):
        exposure.decompose(metrics, cascades, [0.01], [1000], unknown="drop")


def test_difference_in_differences_of_shares_by_hand():
    rows = []
    for label, period, k, n in [
        ("rumour", "before", 2, 10),
        ("rumour", "after", 1, 10),
        ("non-rumour", "before", 3, 10),
        ("non-rumour", "after", 6, 10),
    ]:
        rows += [{"label": label, "period": period, "crossed_500": i < k} for i in range(n)]
    did = periods._share_did(pd.DataFrame(rows), "crossed_500")
    assert did["estimate"] == pytest.approx((0.1 - 0.2) - (0.6 - 0.3))
    assert did["ci_low"] < did["estimate"] < did["ci_high"]


def test_periods_on_simulated_cascades_do_not_crash_when_a_period_is_empty():
    c = ws.synthetic_corpus(20_000, seed=1)  # every source post is from 2013-09-10 on
    m = ws.cascade_metrics(c.posts, thresholds=(100, 500))
    frame = periods.period_frame(m, c.cascades)
    assert set(frame["period"]) == {"after"}
    changes = periods.period_changes(frame)
    assert changes["estimate"].isna().any() and (changes.loc[changes["estimate"].isna(), "note"] != "").all()


# --- on the real data sets ---


@pytest.mark.parametrize("name", ["ced", "wbmsf", "twitter15"])
def test_every_km_curve_ends_at_the_observed_share(corpora, name):
    c = corpora[name]
    m = ws.cascade_metrics(c.posts, thresholds=(500,))
    labels = c.cascades.set_index("cascade_id")["label"].reindex(m["cascade_id"]).reset_index(drop=True)
    groups = labels if labels.notna().any() else None
    check = sv.km_end_check(sv.durations(m, c.cascades, sv.end_of_observation(name, c.posts)), groups)
    # within the follow-up every cascade had, KM and the observed share agree exactly ...
    assert (check["km_share_by_horizon"] - check["observed_share_by_horizon"]).abs().max() < 1e-9, check
    # ... and at the end of the curve too, wherever no cascade was watched for less than the slowest crossing
    full = check["censored_before_last_crossing"] == 0
    assert (check.loc[full, "gap"].abs() < 1e-9).all(), check
    assert (check.loc[~full, "gap"] > -1e-9).all(), check
    if name == "ced":
        assert full.all()
    if name == "ced":  # the old rule, censoring at the last post, overstates the share crossing
        assert (sv.km_end_check(th.crossing_durations(m), groups)["gap"] > 0.02).all()


SHARE = re.compile(
    r"^thresholds\.(?P<ds>[a-z0-9]+)\.share_reaching_(?P<n>\d+)_(?P<what>reposts|reported_reposts)"
    r"(?:\.(?P<group>[a-z_]+))?$"
)


def test_every_threshold_share_finding_agrees_with_the_raw_count(corpora):
    ledger = json.loads(Path(reporting.LEDGER).read_text("utf-8"))
    checked = 0
    for name, f in ledger.items():
        if (
            not name.startswith("thresholds.")
            or ".share" not in name
            or not isinstance(f["value"], float)
            or name.endswith(("ci_low", "ci_high"))  # intervals, clustered or naive
            or "difference" in name
        ):
            continue  # a difference of shares is not a count over a count
        counted = re.search(r"([\d,]+) of ([\d,]+)", f["note"] or "")
        assert counted, f"{name}: the note does not state its count"
        k, n = (int(x.replace(",", "")) for x in counted.groups())
        assert abs(f["value"] - k / n) <= 1e-9, name
        hit = SHARE.match(name)
        if hit and hit["ds"] in corpora:
            c = corpora[hit["ds"]]
            if hit["what"] == "reposts":
                counts = c.posts.groupby("cascade_id").size() - 1
            else:
                counts = c.cascades.set_index("cascade_id")["reported_reposts"].astype("Float64").fillna(-1)
            labels = c.cascades.set_index("cascade_id")["label"].reindex(counts.index)
            if hit["group"]:
                counts = counts[labels.map(lambda s: str(s).replace("-", "_")) == hit["group"]]
            assert abs(f["value"] - float((counts >= int(hit["n"])).mean())) <= 1e-9, name
        checked += 1
    assert checked >= 5


def test_difference_in_differences_recovers_known_interactions():
    rng = np.random.default_rng(
        0
    )  # over 20 seeds the 95% intervals cover the truth 19 times (time) and the estimate is unbiased
    n = 8000
    rumour, after = rng.random(n) < 0.5, rng.random(n) < 0.5
    log_f = np.where(rumour, rng.normal(4.6, 0.8, n), rng.normal(6.1, 0.8, n))
    verified = (rng.random(n) < 0.5).astype(float)
    eta = -5.0 + 0.8 * log_f + 0.3 * after + np.log(0.5) * (rumour & after)
    hours = np.exp(1.0 - 0.2 * log_f + 0.1 * after + np.log(0.6) * (rumour & after) + rng.normal(0, 0.7, n))
    frame = pd.DataFrame(
        {
            "label": np.where(rumour, "rumour", "non-rumour"),
            "period": np.where(after, "after", "before"),
            "log_followers": log_f,
            "verified": verified,
            "reach_known": True,
            "follower_quintile": pd.qcut(log_f, 5, labels=False) + 1.0,
            "crossed_500": rng.random(n) < 1 / (1 + np.exp(-eta)),
            "hours_to_100": hours,
            "hours_to_500": np.nan,
        }
    )
    odds = periods._interaction(frame, "crossed_500", "binary", ["log_followers", "verified"])
    assert odds["ci_low"] < 0.5 < odds["ci_high"]
    time = periods._interaction(frame, "hours_to_100", "time", ["log_followers", "verified"])
    assert time["ci_low"] < 0.6 < time["ci_high"]
    changes = periods.period_changes(frame, thresholds=(100, 500))
    assert (
        changes.loc[changes["outcome"] == "hours_to_500", "estimate"].isna().all()
    )  # nothing reaches 500: reasons, no crash
