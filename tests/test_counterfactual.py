"""Deletion counterfactuals (wechat_study.counterfactual): fixed delays, the exact scenario share, its band."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wechat_study import counterfactual as cf


def durations():
    return pd.DataFrame({"duration_h": [0.5, 2.0, 30.0, 5.0], "crossed": [True, True, True, False]})


def test_share_at_fixed_delays():
    by = cf.share_if_deleted(durations(), [1.0, 24.0])
    assert by["share"].tolist() == [0.25, 0.5]
    assert (by["ci_low"] <= by["share"]).all() and (by["share"] <= by["ci_high"]).all()


def test_scenario_points_follow_zhu_and_the_assumptions():
    assert cf.scenario_cdf([0.5, 1.0, 24.0, 1000.0]).tolist() == pytest.approx([0.35, 0.5, 0.9, 1.0])
    pts = cf.scenario(by_1h=0.6, by_24h=0.95)
    assert cf.scenario_cdf([5 / 60, 0.5], pts).tolist() == pytest.approx([0.05, 0.35])   # 30% in 5-30 min
    with pytest.raises(ValueError, match="by_1h"):
        cf.scenario(by_1h=0.3)          # below the 35% already deleted by 30 minutes


def test_scenario_share_is_exact():
    d = durations()
    expected = ((1 - 0.35) + (1 - cf.scenario_cdf([2.0])[0]) + (1 - cf.scenario_cdf([30.0])[0])) / 4
    got = cf.share_under_scenario(d)
    assert got["share"] == pytest.approx(expected, rel=1e-14)
    assert got["ci_low"] <= got["share"] <= got["ci_high"] and got["cascades"] == 4


def test_scenario_share_equals_the_mean_over_drawn_delays():
    """The exact share is what drawing delays would estimate: 200,000 draws by inverse CDF agree to 0.005."""
    rng = np.random.default_rng(1)
    d = pd.DataFrame({"duration_h": rng.lognormal(1.0, 1.5, 400), "crossed": rng.random(400) < 0.6})
    pts = cf.ZHU_SCENARIO
    h, f = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    delays = np.exp(np.interp(rng.uniform(0, 1, 200_000), f, np.log(h)))
    tau = np.where(d["crossed"], d["duration_h"], np.inf)
    drawn = np.mean(tau[rng.integers(0, 400, 200_000)] < delays)
    assert cf.share_under_scenario(d)["share"] == pytest.approx(drawn, abs=0.005)


def test_band_and_incidence_curve():
    d = durations()
    band = cf.scenario_band(d, by_1h=(0.4, 0.7), by_24h=(0.85, 0.95))
    assert len(band) == 4
    # deleting faster leaves fewer crossings: the band's extremes are its slowest and fastest scenarios
    slow = band[(band["by_1h"] == 0.4) & (band["by_24h"] == 0.85)]["share"].item()
    fast = band[(band["by_1h"] == 0.7) & (band["by_24h"] == 0.95)]["share"].item()
    assert band["share"].max() == slow and band["share"].min() == fast
    curve = cf.incidence_curve(d, [0.25, 1.0, 10.0, 100.0])
    assert curve["crossed_before_deleted"].iloc[0] == 0.0
    assert curve["crossed_before_deleted"].iloc[1] == pytest.approx((1 - 0.35) / 4)
    assert curve["crossed_before_deleted"].iloc[-1] == pytest.approx(cf.share_under_scenario(d)["share"])
