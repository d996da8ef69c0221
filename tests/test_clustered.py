"""Cluster-bootstrap intervals on simulated clustered data where the truth is known."""

import numpy as np
import pandas as pd
import pytest

from wechat_study import clustered
from wechat_study import thresholds as th


def _clustered_sample(rng, n_clusters=150, mean_size=6, p=0.3, spread=2.0):
    """Binary outcomes whose probability varies by cluster (a logit-normal random effect)."""
    sizes = rng.geometric(1 / mean_size, n_clusters)
    logit = np.log(p / (1 - p)) + rng.normal(0, spread, n_clusters)
    probs = 1 / (1 + np.exp(-logit))
    cl = np.repeat(np.arange(n_clusters), sizes)
    y = rng.random(len(cl)) < probs[cl]
    return y, cl


def _true_share(p=0.3, spread=2.0, mean_size=6):
    # the population share: size-weighted mean of cluster probabilities (sizes independent of probability)
    rng = np.random.default_rng(12345)
    logit = np.log(p / (1 - p)) + rng.normal(0, spread, 2_000_000)
    return float(np.mean(1 / (1 + np.exp(-logit))))


def test_cluster_interval_covers_at_its_nominal_rate_where_wilson_does_not():
    truth = _true_share()
    rng = np.random.default_rng(0)
    covered = naive = 0
    sims = 200
    for s in range(sims):
        y, cl = _clustered_sample(rng)
        r = clustered.share(y, cl, n_boot=400, seed=s)
        covered += r["ci_low"] <= truth <= r["ci_high"]
        naive += r["naive_ci_low"] <= truth <= r["naive_ci_high"]
        assert r["design_effect"] > 1
    assert 0.90 <= covered / sims <= 0.99
    assert naive / sims < 0.85  # rows treated as independent: far too narrow


def test_without_clustering_the_two_intervals_agree():
    rng = np.random.default_rng(1)
    y = rng.random(2000) < 0.3
    r = clustered.share(y, np.arange(2000), n_boot=2000, seed=0)
    assert r["ci_low"] == pytest.approx(r["naive_ci_low"], abs=0.006)
    assert r["ci_high"] == pytest.approx(r["naive_ci_high"], abs=0.006)
    assert 0.8 < r["design_effect"] < 1.2


def test_difference_and_groups_share_the_draws_and_are_seeded():
    rng = np.random.default_rng(2)
    y, cl = _clustered_sample(rng)
    g = np.where(rng.random(len(y)) < 0.5, "a", "b")
    d1 = clustered.difference(y, cl, g, "a", "b", n_boot=300, seed=7)
    d2 = clustered.difference(y, cl, g, "a", "b", n_boot=300, seed=7)
    assert d1 == d2 and d1["ci_low"] <= d1["difference"] <= d1["ci_high"]
    t = clustered.shares_by_group(y, cl, g, n_boot=300)
    assert list(t["group"]) == ["all", "a", "b"] and t["rows"].tolist()[0] == len(y)


def test_statistic_resamples_whole_clusters():
    frame = pd.DataFrame({"c": np.repeat(np.arange(40), 5), "x": np.repeat(np.arange(40.0), 5)})
    r = clustered.statistic(frame, "c", lambda f: float(f["x"].median()), n_boot=200, seed=0)
    assert r["estimate"] == 19.5 and r["clusters"] == 40 and r["failed"] == 0
    assert r["ci_low"] < 19.5 < r["ci_high"]


def test_series_with_other_indexes_are_refused_not_reordered():
    y = pd.Series([True, False, True], index=["x", "y", "z"], name="crossed")
    c = pd.Series(["a", "a", "b"], index=["z", "y", "x"], name="author")
    with pytest.raises(ValueError, match="another index"):
        clustered.share(y, c)
    r = clustered.share(y, c.reindex(y.index), n_boot=50)
    assert r["rows"] == 3 and r["clusters"] == 2


def test_null_clusters_are_singletons():
    codes, n = clustered.cluster_codes(np.array(["a", None, "a", None], dtype=object))
    assert n == 3 and codes[0] == codes[2] and codes[1] != codes[3]


def test_group_statistics_refuse_groups_in_another_order():
    """A Series of groups with the table's labels in another order is refused, not matched by position."""
    from wechat_study import survival as sv
    from wechat_study import thresholds as th

    d = pd.DataFrame({"duration_h": [1.0, 2.0, 3.0, 4.0], "crossed": [True, False, True, True]}, index=list("abcd"))
    g = pd.Series(["x", "x", "y", "y"], index=list("abcd"))
    for call in (
        lambda gg: th.kaplan_meier(d, gg),
        lambda gg: th.logrank(d, gg, "x", "y"),
        lambda gg: sv.how_fast(d, gg, "x", "y", n_boot=20),
        lambda gg: sv.km_end_check(d, gg),
    ):
        call(g)
        with pytest.raises(ValueError, match="another index"):
            call(g.iloc[::-1])


def test_resample_rows_draws_whole_clusters_reproducibly():
    labels = np.array(["a", "a", "b", "c", "c", "c", None])
    draws = clustered.resample_rows(len(labels), labels, n_boot=50, seed=4)
    assert [list(d) for d in draws] == [list(d) for d in clustered.resample_rows(len(labels), labels, 50, 4)]
    for d in draws:
        counts = pd.Series(labels[d]).value_counts(dropna=False)
        assert counts.get("a", 0) % 2 == 0 and counts.get("c", 0) % 3 == 0  # a cluster comes whole or not at all
    plain = clustered.resample_rows(5, None, 3, 1)
    assert (np.stack(plain) == np.random.default_rng(1).integers(0, 5, (3, 5))).all()
    with pytest.raises(ValueError, match="one label per row"):
        clustered.resample_rows(3, ["a", "b"], 2, 0)


def _clustered_auc_sample(rng, authors: int, per: int):
    """Cascades of ``authors`` authors, ``per`` each, whose scores and outcomes share an author effect."""
    u = np.repeat(rng.normal(0, 1.5, authors), per)
    score = u + rng.normal(0, 1, u.size)
    y = (u + rng.normal(0, 1, u.size)) > 0.5
    return pd.DataFrame({"count_baseline": score}), y, np.repeat(np.arange(authors), per)


@pytest.mark.slow
def test_auc_intervals_resampling_authors_cover_where_cascade_resampling_does_not():
    from wechat_study import early_warning as ew

    rng = np.random.default_rng(11)
    wide, y, _ = _clustered_auc_sample(rng, 20000, 1)
    truth = ew.auc(wide["count_baseline"].to_numpy(), y)  # independent cascades: the population AUC
    covered = {"authors": 0, "cascades": 0}
    for _ in range(40):
        wide, y, authors = _clustered_auc_sample(rng, 40, 10)
        for how, c in [("authors", authors), ("cascades", None)]:
            r = ew.paired_aucs(wide, y, n_boot=200, seed=0, clusters=c)[0]
            covered[how] += r["ci_low"] <= truth <= r["ci_high"]
    assert covered["authors"] >= 34, covered  # about 95% of 40
    assert covered["cascades"] < covered["authors"], covered


def test_a_single_cluster_keeps_the_naive_interval_instead_of_a_zero_width_one():
    r = clustered.share(pd.Series([1, 0, 1, 0]), pd.Series(["a"] * 4), n_boot=100)
    assert r["clusters"] == 1 and r["ci_low"] < 0.5 < r["ci_high"]
    assert (r["ci_low"], r["ci_high"]) == (r["naive_ci_low"], r["naive_ci_high"])
    d = clustered.difference(pd.Series([1, 0, 1, 0]), pd.Series(["a"] * 4), pd.Series(list("xyxy")), "x", "y")
    assert d["difference"] == 1 and np.isnan(d["ci_low"]) and np.isnan(d["ci_high"])


def test_a_share_of_none_or_all_keeps_the_wilson_interval_instead_of_zero_width():
    authors = pd.Series([f"a{i // 2}" for i in range(40)])
    none = clustered.share(pd.Series([0] * 40), authors, n_boot=200)
    assert none["share"] == 0 and none["ci_low"] == 0 and 0.08 < none["ci_high"] < 0.09
    every = clustered.share(pd.Series([1] * 40), authors, n_boot=200)
    assert every["ci_high"] == 1 and 0.91 < every["ci_low"] < 0.92
    table = th.share_crossing(pd.Series(range(40)), 500, clusters=authors, n_boot=200)
    assert table.loc[0, "ci_high"] == table.loc[0, "naive_ci_high"] > 0
