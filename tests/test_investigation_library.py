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
