"""Early warning (wechat_study.early_warning, wechat_study.models.predictors): the split, eligibility, AUC and
its bootstrap, alarm rules, calibration, SEISMIC's n* tied to the follower assumption, the censor's clock."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import early_warning as ew
from wechat_study.models import predictors


def test_auc_equals_the_pairwise_definition():
    rng = np.random.default_rng(0)
    s, y = rng.integers(0, 5, 60).astype(float), rng.random(60) < 0.4
    pairs = [(1.0 if a > b else 0.5 if a == b else 0.0) for a in s[y] for b in s[~y]]
    assert ew.auc(s, y) == pytest.approx(np.mean(pairs))
    assert np.isnan(ew.auc([1, 2], [True, True]))


def test_time_split_and_count_baseline():
    cascades = pd.DataFrame({"cascade_id": list("abcd"), "created_at": pd.to_datetime(["2020-01-04", "2020-01-01",
                                                                                        "2020-01-03", "2020-01-02"])})
    assert ew.split_by_time(cascades, 0.5) == (["b", "d"], ["c", "a"])
    base = ew.count_baseline({"a": np.array([0.0, 10.0, 700.0])}, [600, 3600])
    assert base["predicted"].tolist() == [1, 2]


def test_share_times_from_a_corpus():
    corpus = ws.synthetic_corpus(5_000, seed=2)
    times, followers, final = ew.share_times(corpus.posts, corpus.cascades, 100)
    cid = corpus.cascades["cascade_id"].iloc[0]
    assert times[cid][0] == 0 and (np.diff(times[cid]) >= 0).all() and len(followers[cid]) == len(times[cid])
    assert final[cid] == len(times[cid]) - 1 and (followers[cid][1:] == 100).all()


def toy(n=400, seed=0):
    """A score that carries signal, a count so far, and outcomes: (predictions, final, train, test)."""
    rng = np.random.default_rng(seed)
    ids = [f"c{i}" for i in range(n)]
    final = pd.Series(rng.lognormal(5.5, 1.2, n).astype(int), index=ids)
    observed = np.minimum((final * rng.uniform(0.05, 0.6, n)).astype(int), final)
    noisy = final * rng.lognormal(0, 1.0, n)
    rows = [pd.DataFrame({"model": m, "cascade_id": ids, "at_s": 3600.0, "predicted": p, "observed": observed})
            for m, p in [("count_baseline", observed), ("seismic", noisy)]]
    return pd.concat(rows, ignore_index=True), final, ids[: n // 2], ids[n // 2:]


def test_cascades_already_across_are_not_scored():
    pred, final, _, test = toy()
    b = ew.bootstrap_auc(pred, final, test, n_boot=50)
    across = int((pred.query("model == 'seismic'").set_index("cascade_id").loc[test, "observed"] >= 500).sum())
    assert across > 0 and (b["test_cascades"] == len(test) - across).all()


def test_bootstrap_intervals_cover_and_are_paired():
    pred, final, _, test = toy()
    b = ew.bootstrap_auc(pred, final, test, n_boot=300, seed=3).set_index("model")
    assert (b["ci_low"] < b["auc"]).all() and (b["auc"] < b["ci_high"]).all()
    assert b.loc["count_baseline", ["diff", "diff_low", "diff_high"]].isna().all(), "no gain over itself"
    s = b.loc["seismic"]
    assert s["diff"] == pytest.approx(s["auc"] - b.loc["count_baseline", "auc"])
    assert s["diff_low"] <= s["diff"] <= s["diff_high"]
    again = ew.bootstrap_auc(pred, final, test, n_boot=300, seed=3).set_index("model")
    pd.testing.assert_frame_equal(b, again)                      # seeded


def test_alarm_rules_count_hits_and_false_alarms():
    pred, final, train, test = toy()
    cal = ew.calibrated(pred, final, train, test)
    assert set(cal["cascade_id"]) <= set(test) and cal["probability"].between(0, 1).all()
    rules = ew.alarm_rules(cal).set_index(["model", "rule"])
    r = rules.loc[("seismic", "predicted ≥ 500")]
    g = cal[cal["model"] == "seismic"]
    flag, y = g["predicted"] >= 500, g["crossed"]
    assert r["hits"] == (flag & y).sum() and r["false_alarms"] == (flag & ~y).sum()
    assert r["false_alarm_rate"] == pytest.approx((flag & ~y).sum() / (~y).sum())
    assert r["precision_low"] <= r["precision"] <= r["precision_high"]
    assert ("count_baseline", "predicted ≥ 500") not in rules.index   # a count under 500 never says 500
    table = ew.calibration(cal)
    assert table.groupby("model")["cascades"].sum().tolist() == [len(g)] * 2


def test_censors_clock_counts_false_alarms_and_only_warnings_before_crossing():
    ids = ["a", "b", "c", "d"]
    final = pd.Series([900, 800, 100, 50], index=ids)
    crossing_h = pd.Series([2.0, 0.5, np.nan, np.nan], index=ids)
    pred = pd.DataFrame({"cascade_id": ["a", "b", "c", "a"], "at_s": [1800.0, 3600.0, 1800.0, 3600.0],
                         "predicted": [600.0, 700.0, 550.0, 800.0]})
    clock = ew.censors_clock(pred, final, crossing_h, ids, [0.5, 1.0]).set_index("hours")
    # a: warned at 0.5 h before crossing at 2 h; b: flagged at 1 h, after it crossed (no warning); c: false alarm
    assert clock.loc[0.5, "hits"] == 1 and clock.loc[0.5, "false_alarms"] == 1
    assert clock.loc[1.0, "recall"] == 0.5 and clock.loc[1.0, "false_alarm_rate"] == 0.5
    assert clock.loc[1.0, "crossed"] == 0.5


def test_seismic_n_star_moves_with_the_follower_assumption():
    corpus = ws.synthetic_corpus(30_000, seed=1)
    train, _ = ew.split_by_time(corpus.cascades, 0.3)
    fitted = {}
    for v in (10, 1000):
        times, followers, final = ew.share_times(corpus.posts, corpus.cascades, v)
        n_star, table = predictors.fit_n_star(times, followers, final, train, 3600.0, v)
        assert n_star in set(table["n_star"]) and set(table["n_star"]) == {g * v for g in predictors.GAMMA_GRID}
        fitted[v] = n_star
    assert fitted[10] != fitted[1000]


def test_clustered_rates_and_aucs_resample_authors_and_refuse_unlabelled_cascades():
    pred, final, train, test = toy()
    ids = final.index
    one_each = pd.Series(ids, index=ids)
    pairs = pd.Series([f"a{i // 40}" for i in range(len(ids))], index=ids)  # ten authors of 40 cascades
    cal = ew.calibrated(pred, final, train, test)
    plain = ew.alarm_rules(cal).set_index(["model", "rule"])
    alone = ew.alarm_rules(cal, clusters=one_each, n_boot=400).set_index(["model", "rule"])
    grouped = ew.alarm_rules(cal, clusters=pairs, n_boot=400).set_index(["model", "rule"])
    pd.testing.assert_series_equal(plain["recall"], grouped["recall"])  # the shares do not move
    width = lambda t: t["recall_high"] - t["recall_low"]  # noqa: E731
    assert (width(alone) - width(plain)).abs().max() < 0.03  # a cluster of one is a row
    b = ew.bootstrap_auc(pred, final, test, n_boot=200, clusters=pairs).set_index("model")
    assert (b["ci_low"] <= b["auc"]).all() and (b["auc"] <= b["ci_high"]).all()
    with pytest.raises(ValueError, match=r"no cluster label for \d+ cascade\(s\), e.g. .c2\d\d."):
        ew.bootstrap_auc(pred, final, test, n_boot=10, clusters=pairs.iloc[:200])


def test_auc_draws_equal_auc_on_each_resample():
    """The vectorised bootstrap AUC equals ``auc`` on each replicate's rows (ties, NaN and inf scores, clusters)."""
    from wechat_study.clustered import resample_counts, resample_rows

    rng = np.random.default_rng(1)
    for trial in range(20):
        n = int(rng.integers(5, 300))
        s = rng.integers(0, 15, n).astype(float)
        s[rng.random(n) < 0.05], s[rng.random(n) < 0.05] = np.nan, np.inf
        y, clusters = rng.random(n) < 0.3, rng.integers(0, max(2, n // 4), n)
        rows, counts = resample_rows(n, clusters, 100, trial), resample_counts(n, clusters, 100, trial)
        np.testing.assert_array_equal(np.stack([np.bincount(i, minlength=n) for i in rows]), counts)
        want = np.array([ew.auc(s[i], y[i]) for i in rows])
        got = ew.auc_draws(s, y, counts)
        assert np.array_equal(np.isnan(want), np.isnan(got))
        np.testing.assert_allclose(got[~np.isnan(got)], want[~np.isnan(want)], rtol=0, atol=1e-12)
