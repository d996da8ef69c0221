"""Robustness tables and the collection window, on simulated data where the truth is known."""

import numpy as np
import pandas as pd
import pytest

from wechat_study import robustness, window
from wechat_study import thresholds as th


def _confounded(rng, n=3000, log_or=-0.6931471805599453, authors=1500):
    """Rumours have smaller reach; reach raises crossing; rumour shifts it by ``log_or`` (log 0.5) at equal reach."""
    rumour = rng.random(n) < 0.45
    log_f = rng.normal(np.where(rumour, 4.5, 5.8), 0.8)
    year = rng.integers(2011, 2015, n).astype(float)
    logit = -4.0 + 0.7 * log_f + log_or * rumour
    crossed = rng.random(n) < 1 / (1 + np.exp(-logit))
    return pd.DataFrame(
        {
            "cascade_id": [f"c{i}" for i in range(n)],
            "author_id": [f"a{i}" for i in rng.integers(0, authors, n)],
            "label": np.where(rumour, "rumour", "non-rumour"),
            "followers": 10**log_f,
            "log_followers": log_f,
            "verified": (rng.random(n) < 0.3).astype(float),
            "year": year,
            "reach_known": True,
            "crossed": crossed,
        }
    )


def test_every_specification_recovers_a_planted_odds_ratio():
    frame = _confounded(np.random.default_rng(0))
    table = robustness.binary(frame, "crossed")
    assert len(table) == 5 and table["estimate"].notna().all()
    assert (table["ci_low"] < 0.5).all() and (table["ci_high"] > 0.5).all()
    t = pd.crosstab(frame["label"] == "rumour", frame["crossed"])
    crude = t.loc[True, True] * t.loc[False, False] / (t.loc[True, False] * t.loc[False, True])
    assert crude < 0.3  # confounded by reach: the crude figure is far from the truth
    assert robustness.verdict(table)["direction"] == "lower"
    assert "below 1 under every specification" in robustness.clause(robustness.verdict(table))


def test_no_effect_is_worded_unclear():
    unclear = 0
    for seed in range(10):
        frame = _confounded(np.random.default_rng(seed), log_or=0.0)
        unclear += robustness.verdict(robustness.binary(frame, "crossed"))["direction"] == "unclear"
    assert unclear >= 8


def test_median_specifications_and_a_planted_difference():
    rng = np.random.default_rng(3)
    frame = _confounded(rng, n=1200, authors=600)
    frame["hours"] = np.exp(rng.normal(2.0 - 0.1 * frame["log_followers"] + 0.3 * (frame["label"] == "rumour"), 0.5))
    table = robustness.median(frame, "hours", log=True, n_boot=60, seed=0)
    truth = np.exp(0.3)
    assert (table["ci_low"] < truth).all() and (table["ci_high"] > truth).all()
    assert "cluster bootstrap" in table.iloc[-1]["note"]


def test_common_support_drops_deciles_of_one_group():
    frame = _confounded(np.random.default_rng(4))
    keep = robustness.common_support(frame)
    assert 0 < keep.sum() < len(frame)
    top = frame["followers"] >= frame["followers"].quantile(0.95)
    assert keep[top].mean() < keep[~top].mean()


def _cascades(reported):
    n = len(reported)
    return pd.DataFrame(
        {
            "cascade_id": [str(i) for i in range(n)],
            "reported_reposts": pd.array(reported, dtype="Int64"),
            "label": ["rumour"] * n,
        }
    )


def test_window_tells_a_window_from_a_cap():
    rng = np.random.default_rng(5)
    sizes = np.floor(100 * (1 - rng.random(20000)) ** (-1 / 1.2)).astype(int)
    inside = sizes[sizes <= 999]
    capped = np.minimum(sizes, 999)
    metrics = pd.DataFrame({"cascade_id": [str(i) for i in range(len(inside))], "reposts": np.minimum(inside, 961)})
    w = window.describe(_cascades(inside), metrics)
    near = window.reported_near_top(_cascades(inside)).set_index("band")
    cap = window.reported_near_top(_cascades(capped)).set_index("band")
    assert w["reported_1000_or_more"] == 0 and near.loc["1,000 or more", "sources"] == 0
    # a cap piles counts up at 999; a window thins out towards it
    assert cap.loc["999", "per_value"] > 20 * cap.loc["991–998", "per_value"]
    assert near.loc["999", "per_value"] < 3 * near.loc["991–998", "per_value"] + 3
    assert window.beyond(1000, w) and not window.beyond(500, w)
    assert "edge of the collection" in window.beyond_note(1000, w, "ced") and window.beyond_note(500, w, "ced") == ""


def test_clustered_crossing_shares_keep_the_naive_interval_and_refuse_misaligned_groups():
    rng = np.random.default_rng(6)
    reposts = pd.Series(rng.integers(0, 1000, 400))
    groups = pd.Series(np.where(rng.random(400) < 0.5, "a", "b"))
    authors = pd.Series(rng.integers(0, 40, 400).astype(str))
    t = th.share_crossing(reposts, 500, groups, authors, n_boot=300)
    assert {"naive_ci_low", "naive_ci_high"} <= set(t.columns) and list(t["group"]) == ["all", "a", "b"]
    assert (t["ci_low"] <= t["share"]).all() and (t["share"] <= t["ci_high"]).all()
    with pytest.raises(ValueError, match="another index"):
        th.share_crossing(reposts, 500, groups.sample(frac=1, random_state=0), authors)


def test_the_finding_states_the_clustered_interval_and_keeps_the_naive_one(tmp_path, monkeypatch):
    from wechat_study.findings import read_recorded

    sink = tmp_path / "findings.jsonl"
    monkeypatch.setenv("WECHAT_STUDY_FINDINGS", str(sink))
    table = pd.DataFrame({"specification": [robustness.HEADLINE, "common support only", robustness.CLUSTERED],
                          "estimate": [0.7, 0.8, 0.7], "ci_low": [0.55, 0.6, 0.49], "ci_high": [0.9, 1.1, 1.01],
                          "cascades": [900, 500, 900],
                          "note": ["", "", "cluster bootstrap, 200 draws of source authors"]})
    robustness.record("thresholds.mine.time_ratio", table)
    found = read_recorded(sink)
    assert found["thresholds.mine.time_ratio.ci_low"]["value"] == 0.49
    assert found["thresholds.mine.time_ratio.ci_high"]["value"] == 1.01
    assert "clustered by source author (cluster bootstrap" in found["thresholds.mine.time_ratio.ci_low"]["note"]
    assert found["thresholds.mine.time_ratio.naive_ci_low"]["value"] == 0.55
    assert found["thresholds.mine.time_ratio.naive_ci_high"]["value"] == 0.9
    sink.unlink()
    robustness.record("thresholds.mine.time_ratio", table.iloc[:2])  # no clustered row: nothing re-recorded
    assert not any(k.endswith(("ci_low", "ci_high")) for k in read_recorded(sink))


def test_a_clustered_headline_interval_is_never_narrower_than_the_naive_one(tmp_path, monkeypatch):
    """With few authors a clustered interval can come out narrower than the naive one; the recorded one is not."""
    from wechat_study.findings import read_recorded

    sink = tmp_path / "findings.jsonl"
    monkeypatch.setenv("WECHAT_STUDY_FINDINGS", str(sink))
    rb = robustness
    table = pd.DataFrame({"specification": [rb.HEADLINE, rb.CLUSTERED], "estimate": [1.1, 1.1],
                          "ci_low": [0.8, 1.05], "ci_high": [1.6, 1.7], "cascades": [500, 500],
                          "note": ["", "2 authors"]})
    rb.record("robustness.mine.odds_ratio", table)
    found = read_recorded(sink)
    assert found["robustness.mine.odds_ratio.ci_low"]["value"] == 0.8
    assert found["robustness.mine.odds_ratio.ci_high"]["value"] == 1.7


def test_a_nan_placebo_share_cannot_read_as_standing_out():
    from wechat_study import period_box

    assert "cannot tell" in period_box.placebo_reading(float("nan"), 12)
    assert "only 1 placebo window is" in period_box.placebo_reading(0.0, 1)


def test_the_median_bootstrap_refits_the_design_as_the_formula_would():
    """A resample's coefficient from the design's rows equals the formula's, also when it lacks a year (even the
    reference year, whose absence moves the formula's reference level)."""
    import statsmodels.formula.api as smf

    from wechat_study import adjust

    rng = np.random.default_rng(3)
    frame = _confounded(rng, n=400).assign(hours=lambda d: np.exp(rng.normal(2, 1, len(d))))
    formula = "Q('hours') ~ _g + log_followers + verified + C(year)"
    data = frame.assign(_g=(frame["label"] == "rumour").astype(float))
    fit = smf.quantreg(formula, data).fit(**adjust.MEDIAN_FIT)
    draw = robustness._median_draw(fit, frame, "label")
    for dropped in (2011.0, 2013.0, None):
        sample = frame[frame["year"] != dropped].sample(frac=1.0, replace=True, random_state=1)
        want = smf.quantreg(formula, sample.assign(_g=(sample["label"] == "rumour").astype(float)))
        assert draw(sample) == pytest.approx(float(want.fit(**adjust.MEDIAN_FIT).params["_g"]), rel=1e-7, abs=1e-9)
