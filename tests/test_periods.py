"""Rates per month, the event study and placebo dates (wechat_study.event_study), on simulated data where the
truth is known, and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import event_study as es
from wechat_study import periods

BJ = "Asia/Shanghai"


def _bj(*stamps):
    return pd.Series(pd.to_datetime(list(stamps), format="mixed").tz_localize(BJ).tz_convert("UTC"))


def simulate(seed: int, effect: float = 1.0, n: int = 6000, authors: int = 800) -> pd.DataFrame:
    """Cascades over 2011-09-10 to 2014-09-10 with a common monthly trend, an author random effect (sd 0.8) and
    reach; the rumours' odds of crossing are multiplied by ``effect`` from 2013-09-10 on (1: no effect)."""
    rng = np.random.default_rng(seed)
    lo, hi = es.cut_time("2011-09-10"), es.cut_time("2014-09-10")
    t = lo + pd.to_timedelta(rng.random(n) * (hi - lo).total_seconds(), unit="s")
    author = rng.integers(0, authors, n)
    rumour = rng.random(authors)[author] < 0.5
    a_eff = rng.normal(0, 0.8, authors)[author]
    log_f = np.where(rumour, rng.normal(4.6, 0.8, n), rng.normal(6.1, 0.8, n))
    k = es.relative_month(pd.Series(t), "2013-09-10")
    trend = 0.3 * np.sin(k / 4.0)
    after = t >= es.cut_time("2013-09-10")
    eta = -3.0 + 0.5 * log_f - 0.4 * rumour + trend + a_eff + np.log(effect) * (rumour & after)
    return pd.DataFrame(
        {
            "label": np.where(rumour, "rumour", "non-rumour"),
            "created_at": pd.Series(t),
            "author_id": [f"a{i}" for i in author],
            "log_followers": log_f,
            "verified": (rng.random(n) < 0.3).astype(float),
            "reach_known": True,
            "crossed_500": rng.random(n) < 1 / (1 + np.exp(-eta)),
        }
    )


def _span(frame):
    return es.collection_span(frame)


def test_relative_months_run_from_the_tenth_to_the_tenth_in_beijing_time():
    t = _bj(
        "2013-09-09 23:59",
        "2013-09-10 00:00",
        "2013-10-09 23:00",
        "2013-10-10 00:00",
        "2012-09-10 08:00",
        "2014-03-31 12:00",
    )
    assert list(es.relative_month(t, "2013-09-10")) == [-1, 0, 0, 1, -12, 6]
    with pytest.raises(ValueError, match="at most 28"):
        es.relative_month(t, "2013-09-30")


def test_the_window_states_how_much_of_each_side_the_collection_covers():
    span = (es.cut_time("2010-12-02"), es.cut_time("2014-04-11"))  # CED: the last source post is on 2014-04-10
    w = es.window(span, "2013-09-10", 12)
    assert w["months_before"] == pytest.approx(365 / es.MONTH_DAYS)
    assert w["months_after"] == pytest.approx(213 / es.MONTH_DAYS) and 6.99 < w["months_after"] < 7.0
    late = es.window(span, "2014-06-10", 12)
    assert late["months_after"] == 0.0


def test_rates_per_month_by_hand():
    rate, lo, hi = es.poisson_rate(10, 2.0)
    assert rate == 5.0 and lo == pytest.approx(4.7954 / 2, abs=1e-3) and hi == pytest.approx(18.3904 / 2, abs=1e-3)
    assert es.poisson_rate(0, 1.0)[1] == 0.0 and np.isnan(es.poisson_rate(3, 0.0)[0])
    r = es.rate_ratio(120, 12.0, 35, 7.0)
    assert r["ratio"] == pytest.approx((120 / 12) / (35 / 7)) and r["ci_low"] < r["ratio"] < r["ci_high"]
    assert np.isnan(es.rate_ratio(0, 12.0, 5, 7.0)["ratio"])


def test_the_rate_ratio_covers_at_its_nominal_rate_over_unequal_windows():
    rng = np.random.default_rng(0)
    truth, covered = (30.0 / 12.0) / (8.0 / 7.0), 0
    reps = 4000
    for _ in range(reps):
        r = es.rate_ratio(rng.poisson(30.0), 12.0, rng.poisson(8.0), 7.0)
        covered += r["ci_low"] <= truth <= r["ci_high"]
    assert 0.93 <= covered / reps <= 0.975, covered / reps
    # the ratio of raw counts is biased by the unequal windows; the ratio of rates is not
    assert abs(np.log(30.0 / 8.0) - np.log(truth)) > 0.5


def test_the_quasi_poisson_ratio_widens_for_overdispersed_months_and_still_covers():
    rng = np.random.default_rng(1)
    truth, poisson_hits, quasi_hits, reps = 2.0, 0, 0, 300
    for _ in range(reps):
        months = np.arange(-12, 7)
        mean = np.where(months < 0, 40.0, 20.0)
        counts = rng.negative_binomial(4, 4 / (4 + mean))  # variance = mean + mean^2 / 4
        frame = pd.DataFrame({"k": months, "days": es.MONTH_DAYS, "sources": counts})
        q = es.overdispersed_rate_ratio(frame)
        p = es.rate_ratio(int(counts[months < 0].sum()), 12.0, int(counts[months >= 0].sum()), 7.0)
        quasi_hits += q["ci_low"] <= truth <= q["ci_high"]
        poisson_hits += p["ci_low"] <= truth <= p["ci_high"]
    assert quasi_hits / reps >= 0.9 and poisson_hits / reps < 0.7, (quasi_hits, poisson_hits)



def test_the_quasi_poisson_monthly_rate_covers_where_the_poisson_one_does_not():
    from wechat_study import intake

    rng = np.random.default_rng(2)
    truth, poisson_hits, quasi_hits, reps = 40.0, 0, 0, 400
    for _ in range(reps):
        counts = rng.negative_binomial(4, 4 / (4 + truth), size=12)  # variance = mean + mean^2 / 4: dispersion ~11
        months = np.arange(-12, 0)
        q = es.overdispersed_rate_ratio(pd.DataFrame({"k": np.r_[months, 0], "days": es.MONTH_DAYS,
                                                      "sources": np.r_[counts, round(truth)]}))
        _, lo, hi = intake.quasi_rate(int(counts.sum()), 12.0, q["dispersion"])
        _, plo, phi = intake.poisson_rate(int(counts.sum()), 12.0)
        quasi_hits += lo <= truth <= hi
        poisson_hits += plo <= truth <= phi
    assert quasi_hits / reps >= 0.88 and poisson_hits / reps < 0.6, (quasi_hits, poisson_hits)


def test_intake_rates_and_the_peak_month_by_hand():
    times = ["2013-03-15"] * 12 + ["2013-10-01"] * 3 + ["2014-03-31"] * 4 + ["2014-04-10 12:00"]
    frame = pd.DataFrame({"label": "rumour", "created_at": _bj(*times), "author_id": [f"a{i}" for i in range(20)]})
    span = es.collection_span(frame)
    assert span[1] == es.cut_time("2014-04-11")
    assert es.peak_month(frame, span) == "2014-03" and len(es.without_month(frame, "2014-03")) == 16
    r = es.intake_rates(frame, span).iloc[0]
    assert (r["before"], r["after"]) == (12, 8)
    assert r["months_before"] == pytest.approx((es.cut_time("2013-09-10") - span[0]).days / es.MONTH_DAYS)
    assert r["rate_after"] == pytest.approx(8 / (213 / es.MONTH_DAYS))
    drop = es.intake_rates(frame, span, drop_month="2014-03").iloc[0]
    assert drop["after"] == 4 and drop["months_after"] == pytest.approx((213 - 31) / es.MONTH_DAYS)
    profile = es.month_profile(frame, "2014-03").iloc[0]
    assert (profile["sources"], profile["day"], profile["on_busiest_day"]) == (4, "2014-03-31", 4)


def test_with_no_effect_the_difference_in_differences_covers_one_at_its_nominal_rate():
    dates = es.placebo_dates("2012-09-10", "2013-12-10")
    hits = []
    for seed in range(30):
        f = simulate(seed)
        d = es.did(f, _span(f), "crossed_500", dates[seed % len(dates)])
        hits.append(d["ci_low"] <= 1.0 <= d["ci_high"])
    assert np.mean(hits) >= 0.87, np.mean(hits)


def test_with_no_effect_the_real_date_looks_like_the_placebos():
    f = simulate(3)
    table = es.placebo(f, _span(f), "crossed_500", es.placebo_dates())
    assert len(table) == 24 and table["is_real"].sum() == 1
    covers = (table["ci_low"] <= 1.0) & (1.0 <= table["ci_high"])
    assert covers.mean() >= 0.8
    events = es.event_study(f, _span(f), "crossed_500")
    est = events[events["note"] != "reference"]
    assert ((est["ci_low"] <= 1.0) & (1.0 <= est["ci_high"])).mean() >= 0.8


def test_a_planted_effect_is_found_at_the_real_date_and_not_before_it():
    f = simulate(5, effect=0.4, n=9000)
    span = _span(f)
    real = es.did(f, span, "crossed_500")
    assert real["ci_low"] <= 0.4 <= real["ci_high"] and real["ci_high"] < 1.0
    assert "clustered by author_id" in real["method"]
    table = es.placebo(f, span, "crossed_500", es.placebo_dates())
    summary = es.placebo_summary(table)
    assert summary["rank"] == 1 and summary["share_at_least_as_extreme"] == 0.0
    clean = table[~table["is_real"] & ~table["overlaps_real"]]  # windows that end before the effect starts
    assert ((clean["ci_low"] <= 1.0) & (1.0 <= clean["ci_high"])).mean() >= 0.8
    events = es.event_study(f, span, "crossed_500").set_index("bin")
    after, before = events.loc[events.index >= 0], events.loc[(events.index < -1)]
    assert (after["ci_high"] < 1.0).mean() >= 0.75 and ((after["ci_low"] <= 0.4) & (0.4 <= after["ci_high"])).all()
    assert ((before["ci_low"] <= 1.0) & (1.0 <= before["ci_high"])).mean() >= 0.75


def test_clustered_intervals_are_wider_than_naive_ones_when_authors_differ():
    f = simulate(7)
    span = _span(f)
    clustered, naive = es.did(f, span, "crossed_500"), es.did(f, span, "crossed_500", cluster=None)
    assert clustered["estimate"] == pytest.approx(naive["estimate"])
    assert (clustered["ci_high"] / clustered["ci_low"]) > (naive["ci_high"] / naive["ci_low"])


def test_monthly_series_flags_months_with_few_cascades():
    f = simulate(2, n=1500)
    monthly = es.monthly_series(f, _span(f), "crossed_500", min_cascades=25)
    assert set(monthly["label"]) == {"rumour", "non-rumour"}
    assert (monthly["few"] == (monthly["sources"] < 25)).all()
    assert monthly.groupby("label")["sources"].sum().sum() == (f["created_at"] >= es.cut_time("2012-03-10")).sum()
    full = monthly[~monthly["partial"]]
    assert ((full["share"] >= full["ci_low"]) & (full["share"] <= full["ci_high"])).all()


def test_with_no_cascade_before_the_date_nothing_crashes_and_each_gap_says_why():
    c = ws.synthetic_corpus(20_000, seed=1)  # every source post is from 2013-09-10 on
    m = ws.cascade_metrics(c.posts, thresholds=(100, 500))
    f = periods.cascade_frame(m, c.cascades, (100, 500))
    span = es.collection_span(c.cascades)
    d = es.did(f, span, "crossed_500")
    assert np.isnan(d["estimate"]) and d["note"]
    events = es.event_study(f, span, "crossed_500")
    assert events["estimate"].isna().all() and (events["note"] != "").all()
    assert es.intake_rates(f, span)["ratio"].isna().all()
    table = es.placebo(f, span, "crossed_500", es.placebo_dates())
    assert np.isnan(es.placebo_summary(table)["rank"])


def test_the_coverage_sentence_states_each_side_and_an_empty_one():
    ced_like = (es.cut_time("2010-12-02"), es.cut_time("2014-04-11"))
    assert es.coverage_sentence(ced_like) == (
        "The collection's last source post is from 2014-04-10: the windows cover 12.0 months before 2013-09-10 "
        "(the cap of 12; the collection starts earlier, on 2010-12-02) and 7.0 after."
    )
    after_only = (es.cut_time("2013-09-10"), es.cut_time("2014-09-10"))
    assert "not reached" in es.coverage_sentence(after_only)


def test_a_placebo_with_a_thin_cell_is_left_out_and_says_which_cell():
    f = simulate(4)
    span = _span(f)
    cells = ["rumours_before", "rumours_after", "non_rumours_before", "non_rumours_after"]
    early = f[~((f["label"] == "rumour") & (f["created_at"] < es.cut_time("2012-06-10")))]  # no early rumours
    table = es.placebo(early, span, "crossed_500", es.placebo_dates(), min_cell=50)
    thin = table[table["thin"]]
    assert len(thin) and not thin["is_real"].any() and thin["estimate"].isna().all()
    assert (thin[cells].min(axis=1) < 50).all()
    assert thin["note"].str.startswith("fewer than 50 cascades in a label-period cell (").all()
    kept = table[~table["thin"]]
    assert (kept[cells].min(axis=1) >= 50).all()
    assert kept["estimate"].notna().all()
    assert es.placebo_summary(table)["estimable"] == (~table["is_real"] & ~table["thin"]).sum()
