"""Deletion counterfactuals (wechat_study.counterfactual, counterfactual_tail): fixed delays, the exact scenario
shares (deletion probability, speed dependence), their bands, clustered intervals, and the left-out size tail."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wechat_study import counterfactual as cf
from wechat_study import counterfactual_tail as ct


def durations():
    return pd.DataFrame({"duration_h": [0.5, 2.0, 30.0, 5.0], "crossed": [True, True, True, False]})


def test_share_at_fixed_delays():
    by = cf.share_if_deleted(durations(), [1.0, 24.0])
    assert by["share"].tolist() == [0.25, 0.5]
    assert (by["ci_low"] <= by["share"]).all() and (by["share"] <= by["ci_high"]).all()


def test_scenario_points_follow_zhu_and_the_assumptions():
    assert cf.scenario_cdf([0.5, 1.0, 24.0, 1000.0]).tolist() == pytest.approx([0.35, 0.5, 0.9, 1.0])
    pts = cf.scenario(by_1h=0.6, by_24h=0.95)
    assert cf.scenario_cdf([5 / 60, 0.5], pts).tolist() == pytest.approx([0.05, 0.35])  # 30% in 5-30 min
    with pytest.raises(ValueError, match="by_1h"):
        cf.scenario(by_1h=0.3)  # below the 35% already deleted by 30 minutes


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


def lognormal_durations(n=400, seed=2):
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "cascade_id": [f"c{i}" for i in range(n)],
            "duration_h": rng.lognormal(1.0, 1.5, n),
            "crossed": rng.random(n) < 0.6,
        }
    )


def test_deletion_probability_has_its_closed_form():
    """Deleted with probability q: share = share ever - q * (1/N) sum over crossers of F_D(tau_i), exactly."""
    d = lognormal_durations()
    f = np.where(d["crossed"], cf.scenario_cdf(d["duration_h"]), 0.0)
    ever = d["crossed"].mean()
    for q in (0.0, 0.12, 0.5, 1.0):
        got = cf.share_under_scenario(d, probability=q)
        assert got["share"] == pytest.approx(ever - q * f.mean(), rel=1e-12)
        assert got["prevented"] == pytest.approx(q * f.mean() / ever, rel=1e-12)
    assert cf.share_under_scenario(d, probability=1.0)["share"] == pytest.approx(cf.share_under_scenario(d)["share"])
    assert cf.share_under_scenario(d, probability=0.0)["share"] == pytest.approx(ever)
    with pytest.raises(ValueError, match="probability"):
        cf.per_cascade(d, probability=1.5)


def test_speed_dependence_off_is_the_independent_scenario_and_on_matches_drawn_delays():
    d = lognormal_durations()
    base = cf.per_cascade(d, probability=0.3)
    assert np.array_equal(cf.per_cascade(d, probability=0.3, speed_exponent=0.0), base)
    ref = cf.reference_hours(d)
    assert ref == np.median(d.loc[d["crossed"], "duration_h"])
    # clock in reposts: every crosser has the same chance 1 - q F_D(tau_ref)
    one = cf.per_cascade(d, probability=0.3, speed_exponent=1.0)
    assert np.allclose(one[d["crossed"]], 1 - 0.3 * cf.scenario_cdf([ref])[0])
    # Monte Carlo: D_i = D * (tau_i / ref) ** beta, deleted with probability q
    rng = np.random.default_rng(3)
    pts = cf.ZHU_SCENARIO
    h, f = np.array([p[0] for p in pts]), np.array([p[1] for p in pts])
    i = rng.integers(0, len(d), 200_000)
    tau, crossed = d["duration_h"].to_numpy()[i], d["crossed"].to_numpy()[i]
    delay = np.exp(np.interp(rng.uniform(0, 1, len(i)), f, np.log(h))) * (tau / ref) ** 2.0
    deleted = rng.random(len(i)) < 0.3
    drawn = np.mean(crossed & (~deleted | (tau < delay)))
    assert cf.share_under_scenario(d, probability=0.3, speed_exponent=2.0)["share"] == pytest.approx(drawn, abs=0.005)
    # beta > 1: the fastest crossers are the likeliest to be deleted first
    two = cf.per_cascade(d, speed_exponent=2.0)[d["crossed"]]
    fast = d.loc[d["crossed"], "duration_h"].to_numpy() < ref / 10
    assert two[fast].mean() < two[~fast].mean()


def test_scenario_grid_and_clustered_shares():
    d = lognormal_durations()
    grid = cf.scenario_grid(d, probabilities=(0.12, 1.0), speed_exponents=(0.0, 1.0))
    assert len(grid) == 4 and grid[["deletion_probability", "speed_exponent"]].values.tolist()[1] == [0.12, 1.0]
    assert grid.loc[0, "share"] > grid.loc[2, "share"]  # fewer deletions, more crossings
    # perfectly clustered outcomes (all rows of an author alike) widen the interval; the naive one is as before
    authors = pd.Series(np.repeat(np.arange(40), 10))
    x = cf.per_cascade(d.assign(crossed=np.repeat(np.arange(40) % 2 == 0, 10)))
    tab = cf.clustered_shares(d, authors, {"scenario": x, "crossed": np.repeat(np.arange(40) % 2 == 0, 10)}, n_boot=500)
    assert tab["share"].tolist() == pytest.approx([x.mean(), 0.5])
    r = tab.set_index("quantity")
    assert (r["ci_high"] - r["ci_low"] > r["naive_ci_high"] - r["naive_ci_low"]).all()
    assert (r["design_effect"] > 2).all()
    naive = cf.share_under_scenario(d.assign(crossed=np.repeat(np.arange(40) % 2 == 0, 10)))
    assert r.loc["scenario", "naive_ci_low"] == pytest.approx(naive["ci_low"])


def test_pareto_exponent_recovers_planted_exponents():
    rng = np.random.default_rng(4)
    for alpha in (2.0, 0.5):
        u = rng.random(20_000)
        s = 500 * (1 - u * (1 - 0.5**alpha)) ** (-1 / alpha)  # truncated to [500, 1000)
        fit = ct.pareto_exponent(np.r_[s, 50.0, 5000.0], 500, 1000)  # sizes outside the range are ignored
        assert fit["n"] == 20_000 and fit["ci_low"] < alpha < fit["ci_high"]
        assert fit["alpha"] == pytest.approx(alpha, abs=0.15)
    flat = ct.pareto_exponent(np.exp(rng.uniform(np.log(500), np.log(1000), 20_000)), 500, 1000)
    assert flat["alpha"] == pytest.approx(0.0, abs=0.15)  # log-uniform: alpha = 0
    assert np.isnan(ct.pareto_exponent([600, 700], 500, 1000)["alpha"])
    with pytest.raises(ValueError, match="lower < upper"):
        ct.pareto_exponent([600], 1000, 500)
    assert ct.left_out(100, 1.0, 500, 1000) == pytest.approx(100.0)  # half the tail above 1,000
    assert ct.left_out(100, 1.0, 500, 1000, cap=2000) == pytest.approx(50.0)  # of which half lies below 2,000
    with pytest.raises(ValueError, match="upper <= cap"):
        ct.left_out(100, 1.0, 500, 1000, cap=900)
    with pytest.raises(ValueError, match="positive"):
        ct.left_out(100, 0.0, 500, 1000)


def test_fastest_bin_rows_have_their_closed_form():
    d = pd.DataFrame(
        {
            "cascade_id": list("abcde"),
            "duration_h": [0.5, 3.0, 30.0, 0.8, 1e4],
            "crossed": [True, True, True, True, False],
        }
    )
    size = pd.Series([950, 920, 600, 700, 100], index=list("abcde"))
    ext = ct.with_left_out(d, size, 10.0, 900, 1000)
    assert ext["weight"].sum() == pytest.approx(15.0) and ext["left_out"].sum() == 2
    # by 1 h: c0 and c3 cross in the window, half of the 10 left out (donor a, not b)
    assert cf.share_if_deleted(ext, [1.0])["share"].iloc[0] == pytest.approx((2 + 5) / 15)
    assert np.isnan(cf.share_if_deleted(ext, [1.0])["ci_low"].iloc[0])
    assert cf.share_under_scenario(ext)["share"] == pytest.approx(
        (cf.per_cascade(d).sum() + 5 * cf.per_cascade(d.iloc[[0]])[0] + 5 * cf.per_cascade(d.iloc[[1]])[0]) / 15
    )
    with pytest.raises(ValueError, match="extrapolation"):
        ct.with_left_out(d, size, 10.0, 900, 1000, "linear")


def planted_population(n=30_000, alpha=1.0, seed=5, lo=100, cap=10_000):
    """Self-similar cascades: sizes a power law on [lo, cap]; repost times scale_i * lognormal hours."""
    rng = np.random.default_rng(seed)
    size = np.floor(lo * (1 - rng.random(n) * (1 - (lo / cap) ** alpha)) ** (-1 / alpha)).astype(int)
    scale = rng.lognormal(0.0, 0.5, n)
    times, tau = {}, np.full(n, 1e5)
    for i in np.flatnonzero(size >= 500):
        times[f"c{i}"] = np.r_[0.0, np.sort(rng.lognormal(1.0, 1.5, size[i])) * scale[i] * 3600]
        tau[i] = times[f"c{i}"][500] / 3600
    d = pd.DataFrame({"cascade_id": [f"c{i}" for i in range(n)], "duration_h": tau, "crossed": size >= 500})
    return d, pd.Series(size, index=d["cascade_id"]), times


def test_the_extrapolation_recovers_a_planted_truncated_tail():
    """Cut a self-similar power-law population at 1,000 reposts; the fitted tail and the self-similar
    extrapolation recover the whole population's shares; the fastest bin and the bare window fall short."""
    d, size, times = planted_population()
    truth = {
        "share_ever": d["crossed"].mean(),
        "by_1h": (d["crossed"] & (d["duration_h"] <= 1)).mean(),
        "scenario": cf.share_under_scenario(d)["share"],
    }
    keep = (size < 1000).to_numpy()
    fit = ct.pareto_exponent(size[keep], 500, 1000)
    assert fit["ci_low"] < 1.0 < fit["ci_high"]
    t = ct.sensitivity(
        d[keep].reset_index(drop=True), size, size[keep], {"fitted": fit["alpha"]}, {"scenario": {}}, times=times
    ).set_index("extrapolation")
    for key, tol in (("share_ever", 0.01), ("by_1h", 0.005), ("scenario", 0.005)):
        assert t.loc["self-similar", key] == pytest.approx(truth[key], abs=tol)
        assert t.loc["none", key] < truth[key] - 5 * tol
    assert t.loc["fastest bin", "by_1h"] < truth["by_1h"] / 5  # a lower bound on the bias


def test_window_tables_and_an_empty_window():
    sizes = [950, 960, 995, 999, 999, 120, 1200]
    near = ct.counts_near(sizes)
    assert near["range"].tolist() == ["901–950", "951–990", "991–998", "999", "1,000 or more"]
    assert near["cascades"].tolist() == [1, 1, 1, 2, 1]
    assert ct.size_edges(500, 1000) == (500, 600, 700, 800, 900, 1000)
    assert ct.size_edges(550, 1000)[:2] == (550, 600) and ct.size_edges(5000, 1000) == (5000, 5100)
    d = pd.DataFrame(
        {"cascade_id": list("abcd"), "duration_h": [50.0, 4.0, 0.5, 1e4], "crossed": [True, True, True, False]}
    )
    final = pd.Series([520, 950, 960, 100], index=list("abcd"))
    bins = ct.time_by_final_size(d, final, (500, 900, 1000))
    assert bins["crossers"].tolist() == [1, 2] and bins["median_h"].tolist() == [50.0, 2.25]
    assert bins["by_1h"].tolist() == [0.0, 0.5]
    # a threshold above the window's top: nothing to fit, only the window as observed
    fit, table = ct.tail_analysis(d, final, final.reindex(d["cascade_id"]), {}, 5000, {"s": {}})
    assert np.isnan(fit["alpha"]) and table["extrapolation"].tolist() == ["none"]
    assert all(np.isnan(v) for v in ct.bounds(table, ["by_1h"])["by_1h"])


def test_the_self_similar_check_holds_on_self_similar_cascades():
    """On planted self-similar cascades the lower bins' curves predict the top bin's times to 500."""
    d, size, times = planted_population(n=20_000)
    check = ct.self_similar_check(d, size, times, 500, 900, 1000).set_index("times")
    assert check.loc["observed", "cascades"] > 50 and check.loc["predicted", "cascades"] > 1000
    assert check.loc["predicted", "median_h"] == pytest.approx(check.loc["observed", "median_h"], rel=0.2)
    assert check.loc["predicted", "by_1h"] == pytest.approx(check.loc["observed", "by_1h"], abs=0.05)
