"""Early-warning features and readings (wechat_study.early_features, wechat_study.early_readings) on simulated
data where the truth is known: training-only imputation, the feature model's recovery of a planted signal, k -> 2k
labels on a hand-built forest, precision at a prevalence against a brute-force population, the ranking wording."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import early_features as ef
from wechat_study import early_readings as er
from wechat_study import early_warning as ew
from wechat_study.models import seismic


def test_missing_followers_are_imputed_from_the_training_split_only():
    cascades = pd.DataFrame(
        {"cascade_id": list("abcde"), "author_followers": pd.array([10, 20, None, 1_000_000, None], dtype="Int64")}
    )
    filled, imputed = ef.source_followers(cascades, ["a", "b", "c"])
    assert filled["c"] == filled["e"] == 15.0  # the training median; the test set's 1,000,000 is not used
    assert imputed.tolist() == [False, False, True, False, True]
    with pytest.raises(ValueError, match="training"):
        ef.source_followers(cascades, ["c"])


def test_events_match_share_times_and_carry_depths():
    corpus = ws.synthetic_corpus(5_000, seed=4)
    times, _, _ = ew.share_times(corpus.posts, corpus.cascades, 100)
    events = ef.cascade_events(corpus.posts)
    depth = ws.cascade_metrics(corpus.posts).set_index("cascade_id")["depth"]
    for cid, (t, d) in events.items():
        assert np.array_equal(t, times[cid]) and d[0] == 0 and (d[1:] >= 1).all()
        assert d.max() <= depth[cid]


def forest():
    """Three hand-built cascades: times (s) and depths, source first, and their final repost counts."""
    events = {
        "fast": (np.r_[0.0, np.arange(1, 9) * 10.0], np.r_[0, 1, 1, 2, 1, 3, 1, 1, 2]),
        "slow": (np.r_[0.0, np.arange(1, 5) * 100.0], np.r_[0, 1, 1, 1, 1]),
        "small": (np.r_[0.0, 5.0], np.r_[0, 1]),
    }
    final = pd.Series({"fast": 9, "slow": 7, "small": 1})
    return events, final, pd.Series({"fast": 99.0, "slow": 0.0, "small": 5.0})


def test_k_to_2k_labels_and_features_on_a_known_forest():
    events, final, followers = forest()
    x = ef.features_at_k(events, followers, final, 4).set_index("cascade_id")
    assert list(x.index) == ["fast", "slow"]  # "small" never reaches 4 reposts
    assert x.loc["fast", "reached"] and not x.loc["slow", "reached"]  # 9 >= 8; 7 < 8
    assert x.loc["slow", "time_to_k_s"] == 400.0 and x.loc["fast", "depth"] == 2
    assert x.loc["fast", "depth1_share"] == 0.75
    # first two reposts at 10, 20 s (mean gap 10), last two at 30, 40 (mean gap 10): ratio log(11/11) = 0
    assert x.loc["fast", "gap_ratio"] == pytest.approx(0.0)
    assert x.loc["fast", "log_source_followers"] == pytest.approx(np.log(100))
    at = ef.features_at_time(events, followers, [25.0]).set_index("cascade_id")
    assert at.loc["fast", "observed"] == 2 and at.loc["slow", "observed"] == 0 and at.loc["slow", "depth1_share"] == 1


def test_the_feature_model_recovers_a_planted_signal():
    rng = np.random.default_rng(0)
    n = 20_000
    x = pd.DataFrame(
        {"a": rng.normal(0, 2, n), "b": rng.normal(5, 1, n), "noise": rng.normal(0, 1, n), "flat": np.ones(n)}
    )
    eta = -0.5 + 0.8 * x["a"] - 1.0 * (x["b"] - 5)
    y = rng.random(n) < 1 / (1 + np.exp(-eta))
    m = ef.FeatureModel(x, y)
    coef = m.coefficients().set_index("feature")["coefficient"]
    assert "flat" not in coef.index  # a constant feature is dropped
    assert coef["a"] / m.sd["a"] == pytest.approx(0.8, abs=0.05)  # per unit of a
    assert coef["b"] / m.sd["b"] == pytest.approx(-1.0, abs=0.06)
    assert abs(coef["noise"]) < 0.06
    assert ew.auc(m.predict(x), y) > 0.8
    with pytest.raises(ValueError, match="both outcomes"):
        ef.FeatureModel(x, np.zeros(n, bool))


def test_seismic_at_per_cascade_times_matches_the_common_time_prediction():
    events, _, _ = forest()
    times = {c: t for c, (t, _) in events.items()}
    fol = {c: np.full(t.size, 50.0) for c, t in times.items()}
    each = seismic.predict_at(times, fol, {"fast": 35.0, "slow": 250.0}, n_star=5).set_index("cascade_id")
    for cid, at in (("fast", 35.0), ("slow", 250.0)):
        common = seismic.predict_cascades({cid: times[cid]}, {cid: fol[cid]}, [at], n_star=5).iloc[0]
        assert each.loc[cid, "predicted"] == pytest.approx(common["predicted"])
        assert each.loc[cid, "observed_so_far"] == common["observed_so_far"]


def test_k_task_on_a_synthetic_corpus():
    corpus = ws.synthetic_corpus(30_000, seed=1)
    train, test = ew.split_by_time(corpus.cascades, 0.3)
    _, _, final = ew.share_times(corpus.posts, corpus.cascades, 100, train)
    events = ef.cascade_events(corpus.posts)
    followers = ef.source_followers(corpus.cascades, train)[0]
    table = ef.k_task_aucs(events, followers, final, train, test, [5], 100, n_boot=50).set_index("model")
    x = ef.features_at_k(events, followers, final, 5)
    te = x[x["cascade_id"].isin(set(test))]
    assert set(table.index) == {"count_speed", "feature_model", "seismic"}
    assert table["test_cascades"].iloc[0] == len(te) and table["share_reaching"].iloc[0] == te["reached"].mean()
    assert table.loc["count_speed", "auc"] == pytest.approx(ew.auc(-te["time_to_k_s"], te["reached"]))


def test_precision_at_a_prevalence_matches_a_brute_force_population():
    rng = np.random.default_rng(1)
    y = rng.random(2_000) < 0.35
    flag = np.where(y, rng.random(y.size) < 0.6, rng.random(y.size) < 0.05)
    tpr, fpr = flag[y].mean(), flag[~y].mean()
    for pi in (0.35, 0.01, 0.001):
        # a population of 2,000,000 with a share pi positive, each case drawn from the observed class's cases
        n = 2_000_000
        pos = rng.random(n) < pi
        drawn = np.where(pos, flag[y][rng.integers(0, y.sum(), n)], flag[~y][rng.integers(0, (~y).sum(), n)])
        brute = (drawn & pos).sum() / drawn.sum()
        assert er.precision_at(tpr, fpr, pi) == pytest.approx(brute, rel=0.05)
    with pytest.raises(ValueError):
        er.precision_at(0.5, 0.1, 0)


def test_precision_at_prevalence_reproduces_the_observed_precision():
    rng = np.random.default_rng(2)
    n = 600
    crossed = rng.random(n) < 0.3
    cal = pd.DataFrame(
        {
            "model": "seismic",
            "at_s": 3600.0,
            "cascade_id": [f"c{i}" for i in range(n)],
            "crossed": crossed,
            "predicted": np.where(crossed, 700, 300) * rng.lognormal(0, 0.4, n),
            "probability": rng.random(n),
        }
    )
    out = er.precision_at_prevalence(cal, [0.01, 0.001], n_boot=200)
    alarms = ew.alarm_rules(cal).set_index("rule")
    own = out[out["observed"]].set_index("rule")
    for rule in alarms.index:
        assert own.loc[rule, "precision"] == pytest.approx(alarms.loc[rule, "precision"])
        assert own.loc[rule, "prevalence"] == pytest.approx(crossed.mean())
    low = out[(out["prevalence"] == 0.001) & (out["rule"] == "predicted ≥ 500")].iloc[0]
    assert low["precision_low"] <= low["precision"] <= low["precision_high"] < own.loc["predicted ≥ 500", "precision"]
    assert low["false_per_true"] == pytest.approx((1 - low["precision"]) / low["precision"])
    assert er.prevalence_slug(0.01) == "1pct" and er.prevalence_slug(0.001) == "0_1pct"


def test_ranking_words_follow_the_paired_intervals():
    aucs = pd.DataFrame(
        {
            "model": ["count_baseline", "seismic", "hawkes", "feature_model"] * 2,
            "at_min": [10.0] * 4 + [180.0] * 4,
            "auc": [0.75, 0.74, 0.60, 0.78, 0.78, 0.76, 0.71, 0.78],
            "diff": [np.nan, -0.01, -0.15, 0.03, np.nan, -0.02, -0.07, 0.0],
            "diff_low": [np.nan, -0.03, -0.2, 0.01, np.nan, -0.03, -0.1, -0.01],
            "diff_high": [np.nan, 0.01, -0.1, 0.05, np.nan, -0.005, -0.04, 0.01],
        }
    )
    r = er.ranking(aucs).set_index(["at_min", "model"])["verdict"]
    assert r[(10.0, "seismic")] == "no clear difference" and r[(180.0, "seismic")] == "below"
    assert r[(10.0, "feature_model")] == "above"
    s = er.ranking_sentences(er.ranking(aucs))
    assert s[0].startswith("At 10 minutes") and "significantly above: the feature model" in s[0]
    assert "significantly below: SEISMIC and the per-cascade Hawkes fit" in s[1]
    assert er.label_slug("non-rumour") == "non_rumour"


def test_relative_error_and_aucs_by_group():
    pred = pd.DataFrame(
        {
            "model": "seismic",
            "cascade_id": list("abcd"),
            "at_s": 60.0,
            "predicted": [110.0, 50.0, np.inf, 300.0],
            "observed": [5, 5, 5, 5],
        }
    )
    final = pd.Series({"a": 100, "b": 100, "c": 100, "d": 200})
    r = er.relative_error(pred, final, list("abcd"), "seismic", 60.0, n_boot=50)
    assert r["median"] == pytest.approx(0.5) and r["cascades"] == 4  # errors 0.1, 0.5, inf, 0.5
    base = pred.assign(model="count_baseline", predicted=[5.0, 1.0, 9.0, 3.0])
    both = pd.concat([pred, base])
    groups = pd.Series({"a": "x", "b": "x", "c": "y", "d": "y"})
    t = er.aucs_by_group(both, final, list("abcd"), groups, threshold=150, n_boot=20)
    assert set(t["group"]) == {"x", "y"} and t.loc[t["group"] == "x", "auc"].isna().all()  # no crosser in x


def test_balanced_k_is_the_share_nearest_one_half():
    table = pd.DataFrame({"k": [50, 50, 200, 300], "share_reaching": [0.95, 0.95, 0.6, 0.3]})
    assert ef.balanced_k(table) == 200 and ef.balanced_k(table.iloc[:0]) is None


def test_infinite_values_are_not_recorded():
    assert not ew.record("early_warning.x.inf", float("inf")) and not ew.record("early_warning.x.nan", np.nan)
