"""The library under notebooks 03-06: thresholds, survival, exposure, censorship, counterfactuals, early warning."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wechat_study import censorship as cz
from wechat_study import exposure
from wechat_study import thresholds as th


def test_wilson_interval_known_values():
    lo, hi = th.wilson_interval([0, 5], [10, 10])
    assert lo[0] == pytest.approx(0.0, abs=1e-12) and hi[0] == pytest.approx(0.27753, abs=1e-4)
    assert lo[1] == pytest.approx(0.23659, abs=1e-4) and hi[1] == pytest.approx(0.76341, abs=1e-4)


def test_thresholds_are_inclusive():
    t = th.share_crossing(pd.Series([499, 500, 501, 10]), 500, pd.Series(["a", "a", "b", "b"]))
    assert t.set_index("group")["crossing"].to_dict() == {"all": 2, "a": 1, "b": 1}
    assert th.difference_test(t, "a", "b")["difference"] == 0.0


def test_durations_are_censored_at_the_last_post():
    m = pd.DataFrame({"cascade_id": ["x", "y"], "time_to_500_s": [7200.0, np.nan], "lifetime_s": [9000.0, 3600.0]})
    d = th.crossing_durations(m)
    assert d["duration_h"].tolist() == [2.0, 1.0] and d["crossed"].tolist() == [True, False]


def test_kaplan_meier_matches_a_hand_computation():
    d = pd.DataFrame(
        {"cascade_id": list("abcd"), "duration_h": [1.0, 2.0, 3.0, 4.0], "crossed": [True, False, True, True]}
    )
    curves, medians = th.kaplan_meier(d)
    s = th.survival_at(curves, [1.0, 2.5, 3.0, 4.0])["survival"].tolist()
    assert s == pytest.approx([0.75, 0.75, 0.375, 0.0])  # 1 - 1/4, then x(1 - 1/2) at 3 h, then 0
    assert medians["median_h"].iloc[0] == 3.0


def test_nth_repost_position_and_time():
    posts = pd.DataFrame(
        {
            "cascade_id": ["c"] * 4,
            "post_id": list("rabx"),
            "parent_id": [None, "r", "a", "r"],
            "created_at": pd.to_datetime(
                ["2020-01-01 00:00", "2020-01-01 01:00", "2020-01-01 02:00", "2020-01-01 03:00"], utc=True
            ),
            "is_root": [True, False, False, False],
            "is_orphan": [False] * 4,
        }
    )
    n = th.nth_repost(posts, 2).iloc[0]
    assert (n["hours"], n["depth"]) == (2.0, 2)
    assert th.nth_repost(posts, 4).empty


def test_views_model_and_band():
    cascades = pd.DataFrame({"cascade_id": ["a", "b"], "author_followers": pd.array([100_000, None], dtype="Int64")})
    metrics = pd.DataFrame({"cascade_id": ["a", "b"], "reposts": [0, 1000]})
    sweep = exposure.views_sweep(metrics, cascades, [0.05], [10], unknown="impute")
    # a: 0.05 * 100,000 = 5,000 (inclusive); b: median source 100,000 -> 0.05 * (100,000 + 10,000)
    assert sweep["share"].tolist() == [1.0]
    assert exposure.views_sweep(metrics, cascades, [0.05], [10])[["cascades", "excluded"]].values.tolist() == [[1, 1]]
    sweep = exposure.views_sweep(metrics, cascades, [0.01, 0.05], [10], unknown="impute")
    assert exposure.band(sweep)["low"] == 0.0 and exposure.band(sweep)["high"] == 1.0


def test_days_to_removal_uses_the_beijing_date():
    r = pd.DataFrame(
        {
            "published_on": pd.to_datetime(["2019-01-01", "2019-01-01"]).astype("datetime64[ms]"),
            "removal_seen_at": pd.to_datetime(["2019-01-01 15:59:00", "2019-01-01 16:01:00"], utc=True),
        }
    )
    assert cz.days_to_removal(r).tolist() == [0, 1]  # 23:59 and 00:01 in Beijing


def test_keyword_combinations_need_every_part():
    kw = pd.DataFrame({"keyword": ["甲乙", "丙+丁"], "list": ["x", "y"]})
    hits = cz.keyword_hits(pd.Series(["甲乙在此", "只有丙", "丙和丁", "无"]), kw)
    assert hits["any"].tolist() == [True, False, True, False]
    assert hits["y"].tolist() == [False, False, True, False]
    assert hits["any_part"].tolist() == [True, False, False, False]  # single-character parts are too weak


def test_concentration_of_removals():
    r = pd.DataFrame({"account": ["a"] * 6 + ["b", "c", "d", "e"], "reason": ["violation"] * 10})
    c = cz.concentration(r)
    assert c["accounts"] == 5 and c["accounts_for_half"] == 1 and c["share_top_10_accounts"] == 1.0
    assert c["gini"] == pytest.approx(0.4)


def test_a_cluster_bootstrap_is_never_narrower_than_wilson():
    from wechat_study import clustered

    # every cluster holds the overall share, so every resample repeats it: the bootstrap has no width
    y = pd.Series([True] * 5 + [False] * 5 + [True] * 5 + [False] * 5 + [True] * 5 + [False] * 5)
    c = pd.Series(np.repeat(["a", "b", "c"], 10))
    r = clustered.share(y, c, n_boot=300)
    assert (r["ci_low"], r["ci_high"]) == pytest.approx((r["naive_ci_low"], r["naive_ci_high"]))
    assert r["interval"] == "cluster bootstrap, widened to Wilson"
    table = th.share_crossing(pd.Series(np.where(y, 600, 10)), 500, clusters=c, n_boot=300)
    assert table["interval"].tolist() == ["cluster bootstrap, widened to Wilson"]


def test_a_rule_without_false_alarms_still_has_a_precision_interval():
    from wechat_study import early_readings as er

    cal = pd.DataFrame({"model": "count_baseline", "at_s": 600, "cascade_id": [f"c{i}" for i in range(40)],
                        "crossed": [True] * 10 + [False] * 30, "probability": [0.9] * 8 + [0.1] * 32,
                        "predicted": [900] * 8 + [1] * 32})
    table = er.precision_at_prevalence(cal, [0.01], n_boot=200)
    rare = table[~table["observed"]].iloc[0]
    assert rare["precision"] == 1.0
    assert rare["precision_low"] < 0.5 < rare["precision_high"] == 1.0  # 0 of 30 false alarms bounds little at 1%
    assert rare["false_per_true_high"] > 1


def test_the_sweep_stops_past_the_largest_cascade():
    assert th.within_reach([1000, 50, 300, 100, 500], 259) == [50, 100, 300]
    assert th.within_reach([50, 100], 40) == [50]


def test_a_share_of_zero_is_worded_as_an_upper_bound(tmp_path, monkeypatch):
    from wechat_study import narrative as nv
    from wechat_study import thresholds_box

    monkeypatch.setenv("WECHAT_STUDY_FINDINGS", str(tmp_path / "findings.jsonl"))
    monkeypatch.setattr(nv, "ANCHORS", {})
    table = th.share_crossing(pd.Series([3, 60, 259, 40]), 500).assign(dataset="mine")
    th.record_crossing(table, 500)
    nv.register_anchor("crossing-shares", "Table")
    box = nv.FindingsBox(prefix="thresholds.mine")
    thresholds_box.add_to_box(box, 500, 5000, "mine", "the 4 cascades of mine", catalogued=False)
    said = [nv.say(s["template"], s["prefix"], **s["values"]) for s in box.sentences]
    assert said[0].startswith("None of the 4 cascades of mine reach 500 reposts")
    assert "as high as 49.0%" in said[0]
