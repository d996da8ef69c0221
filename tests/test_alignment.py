"""Inputs that travel together are paired by label, never silently by position.

Each public function that takes a table and a Series (or two Series) is called three ways: in order; with
the table and its Series permuted together (same labels, other order), which must give the same answer;
and with only the Series permuted, which must be refused (``align.same_index``) or, for the functions that
take a map by cascade id, give the same answer.
"""

import numpy as np
import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import adjust, explorer, titles, window
from wechat_study import counterfactual as cf
from wechat_study import early_readings as er
from wechat_study import early_warning as ew
from wechat_study import thresholds as th
from wechat_study.models import seismic

RNG = np.random.default_rng(24)
N = 60
IDS = [f"c{i:02d}" for i in range(N)]
PERM = RNG.permutation(N)


def _shuffled(obj):
    return obj.iloc[PERM]


def _refused(call):
    with pytest.raises(ValueError, match="another index"):
        call()


def test_share_crossing_pairs_groups_by_index():
    reposts = pd.Series(RNG.integers(0, 1000, N), index=IDS)
    groups = pd.Series(np.where(RNG.random(N) < 0.5, "rumour", "non-rumour"), index=IDS)
    expected = th.share_crossing(reposts, 500, groups)
    pd.testing.assert_frame_equal(th.share_crossing(_shuffled(reposts), 500, _shuffled(groups)), expected)
    _refused(lambda: th.share_crossing(reposts, 500, _shuffled(groups)))


def test_counterfactual_shares_pair_clusters_and_quantities_by_index():
    durations = pd.DataFrame({"cascade_id": IDS, "duration_h": RNG.exponential(20, N), "crossed": RNG.random(N) < 0.7})
    authors = pd.Series(RNG.integers(0, 15, N).astype(str), index=durations.index)
    per = {"by_1h": (durations["crossed"] & (durations["duration_h"] <= 1)).astype(float),
           "every_post": cf.per_cascade(durations)}
    expected = cf.clustered_shares(durations, authors, per, n_boot=100)
    shuffled = {k: _shuffled(pd.Series(v, index=durations.index)) for k, v in per.items()}
    got = cf.clustered_shares(_shuffled(durations), _shuffled(authors), shuffled, n_boot=100)
    pd.testing.assert_frame_equal(got[["quantity", "share", "clusters"]], expected[["quantity", "share", "clusters"]])
    _refused(lambda: cf.clustered_shares(durations, _shuffled(authors), per, n_boot=20))
    _refused(lambda: cf.scenario_shares(durations, _shuffled(authors), n_boot=20))
    by_id = authors.set_axis(durations["cascade_id"])  # a map by cascade id is not the rows' index: refused
    _refused(lambda: cf.clustered_shares(durations, by_id, per, n_boot=20))


def test_auc_and_logistic_pair_two_series_by_index():
    score = pd.Series(RNG.normal(size=N), index=IDS)
    y = pd.Series(score + RNG.normal(size=N) > 0, index=IDS)
    assert ew.auc(_shuffled(score), _shuffled(y)) == ew.auc(score, y)
    _refused(lambda: ew.auc(score, _shuffled(y)))
    p = ew.logistic(score, y)([0.0, 1.0])
    np.testing.assert_allclose(ew.logistic(_shuffled(score), _shuffled(y))([0.0, 1.0]), p, rtol=1e-6)
    _refused(lambda: ew.logistic(score, _shuffled(y)))


def test_paired_aucs_pair_outcomes_and_clusters_with_the_rows():
    wide = pd.DataFrame({"count_baseline": RNG.integers(0, 50, N), "seismic": RNG.normal(size=N)}, index=IDS)
    y = pd.Series(wide["count_baseline"] + RNG.normal(0, 10, N) > 25, index=IDS)
    c = pd.Series(RNG.integers(0, 12, N).astype(str), index=IDS)
    expected = ew.paired_aucs(wide, y, n_boot=50, clusters=c)
    got = ew.paired_aucs(_shuffled(wide), _shuffled(y), n_boot=50, clusters=_shuffled(c))
    assert [r["auc"] for r in got] == [r["auc"] for r in expected]
    _refused(lambda: ew.paired_aucs(wide, _shuffled(y), n_boot=10))
    _refused(lambda: ew.paired_aucs(wide, y, n_boot=10, clusters=_shuffled(c)))


def test_functions_taking_maps_by_cascade_id_ignore_their_order():
    """``final``, ``clusters`` and ``labels`` keyed by cascade id are looked up, so their order cannot matter."""
    at = [600.0, 3600.0]
    predictions = pd.DataFrame({"cascade_id": np.repeat(IDS, 2), "at_s": np.tile(at, N), "model": "count_baseline",
                                "observed": RNG.integers(0, 400, 2 * N)})
    predictions["predicted"] = predictions["observed"] * RNG.uniform(1, 3, 2 * N)
    final = pd.Series(RNG.integers(0, 1500, N), index=IDS)
    authors = pd.Series(RNG.integers(0, 15, N).astype(str), index=IDS)
    labels = pd.Series(np.where(RNG.random(N) < 0.5, "rumour", "non-rumour"), index=IDS)
    test = IDS[::2]
    a = ew.bootstrap_auc(predictions, final, test, n_boot=50, clusters=authors)
    b = ew.bootstrap_auc(predictions, _shuffled(final), test, n_boot=50, clusters=_shuffled(authors))
    pd.testing.assert_frame_equal(a, b)
    a = er.aucs_by_group(predictions, final, test, labels, n_boot=50, clusters=authors)
    b = er.aucs_by_group(predictions, _shuffled(final), test, _shuffled(labels), n_boot=50, clusters=_shuffled(authors))
    pd.testing.assert_frame_equal(a, b)


def test_title_words_pair_groups_and_accounts_by_index():
    titles_ = pd.Series(["美国学生抗议", "中国疫苗", "香港学生", "疫苗抗议"], index=[10, 11, 12, 13])
    tokens = titles.title_words(titles_)
    groups = pd.Series(["violation", "author_deleted", "violation", "author_deleted"], index=titles_.index)
    accounts = pd.Series(["a1", "a2", "a3", "a4"], index=titles_.index)
    table = titles.word_table(tokens, groups, accounts)
    order = [2, 0, 3, 1]
    permuted = titles.word_table(tokens.iloc[order], groups.iloc[order], accounts.iloc[order])
    key = ["account", "group", "word"]
    pd.testing.assert_frame_equal(table[key].sort_values(key, ignore_index=True),
                                  permuted[key].sort_values(key, ignore_index=True))
    _refused(lambda: titles.word_table(tokens, groups.iloc[order], accounts))
    y_a = pd.Series([5.0, 1.0, 3.0], index=["学生", "疫苗", "抗议"])
    y_b = pd.Series([1.0, 4.0, 2.0], index=y_a.index)
    odds = titles.log_odds(y_a, y_b)
    pd.testing.assert_frame_equal(titles.log_odds(y_a.iloc[[2, 0, 1]], y_b.iloc[[2, 0, 1]]), odds.iloc[[2, 0, 1]])
    _refused(lambda: titles.log_odds(y_a, y_b.iloc[[2, 0, 1]]))


def test_explorer_and_window_pair_labels_with_the_metrics_rows():
    corpus = ws.synthetic_corpus(1_500, seed=3)
    metrics = ws.cascade_metrics(corpus.posts)
    frame = adjust.comparison_frame(corpus.cascades, metrics)
    assert frame["cascade_id"].tolist() == metrics["cascade_id"].tolist() and frame.index.equals(metrics.index)
    labels = frame["label"]
    expected = explorer.threshold_explorer_data(metrics, corpus.cascades, labels)
    perm = np.random.default_rng(1).permutation(len(metrics))
    got = explorer.threshold_explorer_data(metrics.iloc[perm], corpus.cascades, labels.iloc[perm])
    pd.testing.assert_frame_equal(got, expected)
    _refused(lambda: explorer.threshold_explorer_data(metrics, corpus.cascades, labels.iloc[perm]))
    cascades = corpus.cascades.assign(reported_reposts=metrics.set_index("cascade_id")["reposts"]
                                      .reindex(corpus.cascades["cascade_id"]).to_numpy() + 7)
    edges = window.describe(cascades, metrics, labels)
    assert window.describe(cascades, metrics.iloc[perm], labels.iloc[perm]) == edges
    _refused(lambda: window.describe(cascades, metrics, labels.iloc[perm]))


def test_crossing_by_dataset_follows_the_metrics_rows_whatever_their_order():
    corpus = ws.synthetic_corpus(1_500, seed=3)
    metrics = ws.cascade_metrics(corpus.posts)
    shuffled = metrics.sample(frac=1, random_state=2)
    a = th.crossing_by_dataset({"s": corpus}, {"s": metrics}, n_boot=50)
    b = th.crossing_by_dataset({"s": corpus}, {"s": shuffled}, n_boot=50)
    cols = ["group", "cascades", "crossing", "share"]
    pd.testing.assert_frame_equal(a[cols], b[cols])


def test_seismic_refuses_followers_in_another_order_than_the_shares():
    times = pd.Series([0.0, 30.0, 200.0, 900.0], index=list("abcd"))
    followers = pd.Series([5000.0, 20.0, 300.0, 80.0], index=list("abcd"))
    p = seismic.predict(times, followers, 1000.0, 1e-4)
    assert np.isfinite(p).all() and p == seismic.predict(times.to_numpy(), followers.to_numpy(), 1000.0, 1e-4)
    _refused(lambda: seismic.predict(times, followers.iloc[::-1], 1000.0, 1e-4))
    _refused(lambda: seismic.infectiousness(times, followers.iloc[::-1], 1000.0))
