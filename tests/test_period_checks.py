"""The checks of the 2013 difference in differences (wechat_study.matched_window, wechat_study.placebo,
wechat_study.period_box) and the intake without the busiest months, on simulated data and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wechat_study import event_study as es
from wechat_study import matched_window as mw
from wechat_study import period_box
from wechat_study import placebo as pl

BJ = "Asia/Shanghai"
CED_LIKE = (es.cut_time("2010-12-02"), es.cut_time("2014-04-11"))


def _bj(*stamps):
    return pd.Series(pd.to_datetime(list(stamps), format="mixed").tz_localize(BJ).tz_convert("UTC"))


def drifting(seed: int, step: float = 3.0, n: int = 9000, authors: int = 1500) -> pd.DataFrame:
    """Cascades from 2012-09-10 to 2014-04-11 (CED's span) where non-rumours' odds of crossing are multiplied by
    ``step`` from 2013-03-10 on (a drift half a year before the date) and nothing changes at 2013-09-10."""
    rng = np.random.default_rng(seed)
    lo, hi = es.cut_time("2012-09-10"), CED_LIKE[1]
    t = pd.Series(lo + pd.to_timedelta(rng.random(n) * (hi - lo).total_seconds(), unit="s"))
    author = rng.integers(0, authors, n)
    rumour = rng.random(authors)[author] < 0.5
    log_f = rng.normal(5.0, 0.8, n)
    eta = -3.0 + 0.4 * log_f - 0.4 * rumour + rng.normal(0, 0.5, authors)[author]
    eta = eta + np.log(step) * (~rumour & (t >= es.cut_time("2013-03-10")).to_numpy())
    return pd.DataFrame(
        {
            "label": np.where(rumour, "rumour", "non-rumour"),
            "created_at": t,
            "author_id": [f"a{i}" for i in author],
            "log_followers": log_f,
            "verified": (rng.random(n) < 0.3).astype(float),
            "reach_known": True,
            "crossed_500": rng.random(n) < 1 / (1 + np.exp(-eta)),
        }
    )


def test_the_matched_window_cuts_the_longer_side_to_the_shorter():
    w = es.window(CED_LIKE, "2013-09-10", 12, matched=True)
    assert w["months_before"] == pytest.approx(w["months_after"]) == pytest.approx(213 / es.MONTH_DAYS)
    assert w["start"] == es.cut_time("2013-09-10") - pd.Timedelta(days=213) and w["end"] == CED_LIKE[1]
    short_before = (es.cut_time("2013-06-10"), es.cut_time("2014-09-10"))
    w = es.window(short_before, "2013-09-10", 12, matched=True)
    assert w["start"] == short_before[0] and w["end"] == es.cut_time("2013-09-10") + pd.Timedelta(days=92)
    assert es.window(CED_LIKE, "2013-09-10", 12)["months_before"] == pytest.approx(365 / es.MONTH_DAYS)


def test_a_drift_before_the_date_passes_for_a_change_in_the_long_window_and_not_in_the_matched_one():
    full, matched = [], []
    for seed in range(6):
        f = drifting(seed)
        full.append(es.did(f, CED_LIKE, "crossed_500"))
        m = mw.matched_changes(f, CED_LIKE, thresholds=(), share_threshold=500)
        assert len(m) == 2 and m["method"].str.contains("clustered by source author").all()
        matched.append(m.iloc[1])
    assert np.mean([d["ci_high"] < 1.0 for d in full]) >= 0.5, [d["estimate"] for d in full]
    assert np.mean([r["ci_low"] <= 1.0 <= r["ci_high"] for r in matched]) >= 5 / 6
    assert np.median([abs(np.log(r["estimate"])) for r in matched]) < np.median(
        [abs(np.log(d["estimate"])) for d in full]
    )
    assert matched[0]["months"] == pytest.approx(213 / es.MONTH_DAYS)


def test_three_periods_split_the_before_window_in_halves_by_hand():
    times = ["2012-10-01"] * 4 + ["2013-04-01"] * 5 + ["2013-10-01"] * 2
    f = pd.DataFrame(
        {"label": "non-rumour", "created_at": _bj(*times), "crossed_500": [1, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1]}
    )
    span = (es.cut_time("2012-01-01"), es.cut_time("2014-04-11"))
    t = mw.three_periods(f, span, "crossed_500").set_index("segment")
    assert list(t.index) == list(mw.SEGMENTS)
    assert t.loc["first_half_before", ["start", "end"]].tolist() == ["2012-09-10", "2013-03-10"]
    assert t["sources"].tolist() == [4, 5, 2] and t["share"].tolist() == [0.25, 0.6, 1.0]
    assert (t["ci_low"] <= t["share"]).all() and (t["share"] <= t["ci_high"]).all()


def test_clean_placebos_are_those_whose_window_does_not_contain_the_real_date():
    dates = ["2012-08-10", "2012-09-10", "2012-10-10", "2013-09-10", "2014-02-10"]
    assert pl.overlaps(CED_LIKE, dates).tolist() == [False, False, True, False, True]
    table = pd.DataFrame(
        {
            "date": dates + ["2012-01-10"],
            "estimate": [0.4, 1.1, 0.45, 0.5, 0.55, np.nan],
            "is_real": [False, False, False, True, False, False],
            "overlaps_real": [False, False, True, False, True, False],
        }
    )
    s = pl.placebo_summary(table)
    assert (s["estimable"], s["at_least_as_extreme"], s["rank"]) == (4, 2, 3)
    assert s["share_at_least_as_extreme"] == 0.5
    assert (s["clean_estimable"], s["clean_at_least_as_extreme"], s["clean_share_at_least_as_extreme"]) == (2, 1, 0.5)
    none_clean = pl.placebo_summary(table.assign(overlaps_real=~table["is_real"]))
    assert none_clean["clean_estimable"] == 0 and np.isnan(none_clean["clean_share_at_least_as_extreme"])
    assert "cannot tell" in period_box.placebo_reading(None, 0)
    assert "not peculiar" in period_box.placebo_reading(0.5, 12)
    few_but_as_far = period_box.placebo_reading(0.5, 2)   # one placebo as far already shows the date is not unique
    assert "not peculiar" in few_but_as_far and "only 2 placebo windows" in few_but_as_far
    assert "stands out" in period_box.placebo_reading(0.0, 20)
    assert "too few" in period_box.placebo_reading(0.0, 3)


def test_the_matched_window_reading_follows_the_estimates():
    assert period_box.matched_clause((0.51, 0.29, 0.91), (0.79, 0.42, 1.47)) == "disappears"
    assert period_box.matched_clause((0.51, 0.29, 0.91), (0.7, 0.5, 0.95)) == "shrinks"
    assert period_box.matched_clause((0.51, 0.29, 0.91), (0.4, 0.2, 0.8)) == "holds"
    assert period_box.matched_clause((0.51, 0.29, 0.91), (np.nan, np.nan, np.nan)) == ""


def test_the_busiest_month_is_dropped_on_both_sides_with_an_overdispersed_interval():
    times = ["2012-10-15"] * 3 + ["2013-04-15"] * 9 + ["2013-06-15"] * 4 + ["2013-11-01"] * 2 + ["2014-03-31"] * 5
    times += ["2013-12-01", "2014-01-20", "2014-04-10 12:00"]
    f = pd.DataFrame({"label": "rumour", "created_at": _bj(*times), "author_id": "a"})
    span = (es.cut_time("2012-09-10"), es.cut_time("2014-04-11"))
    assert es.peak_months(f, span) == ["2013-04", "2014-03"]
    r = es.intake_rates(f, span, drop_month=es.peak_months(f, span)).iloc[0]
    assert (r["before"], r["after"]) == (7, 5)
    assert r["months_before"] == pytest.approx((365 - 30) / es.MONTH_DAYS)
    assert r["months_after"] == pytest.approx((213 - 31) / es.MONTH_DAYS)
    assert np.isfinite(r["quasi_ratio"]) and r["quasi_ci_low"] < r["quasi_ratio"] < r["quasi_ci_high"]
    counts = es.monthly_counts(f, span, "2013-09-10", 12, drop_months=["2013-04", "2014-03"])
    assert counts["days"].sum() == pytest.approx(365 - 30 + 213 - 31)
    assert counts["sources"].sum() == 12
    assert es.peak_months(f[f["created_at"] >= es.cut_time("2013-09-10")], span) == ["", "2014-03"]


def test_a_month_observed_for_a_day_gets_no_rate_and_is_counted_in_a_note():
    times = ["2014-03-15"] * 30 + ["2014-04-10 12:00"] * 6
    f = pd.DataFrame({"label": "rumour", "created_at": _bj(*times), "crossed_500": False})
    span = (es.cut_time("2014-03-10"), es.cut_time("2014-04-11"))
    m = es.monthly_series(f, span, "crossed_500", months_before=0).set_index("month")
    assert m.loc["2014-04-10", "short"] and np.isnan(m.loc["2014-04-10", "sources_per_month"])
    assert not m.loc["2014-03-10", "short"] and m.loc["2014-03-10", "sources_per_month"] > 0
    note = es.short_month_note(m.reset_index())
    assert "1 month" in note and "2014-04-10, 1 day" in note and "6 source posts" in note
    assert es.short_month_note(m.reset_index().iloc[:1]) == ""
