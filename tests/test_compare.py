"""Crude and reach-adjusted comparisons, checked on simulated data with a known answer first."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wechat_study import adjust as cmp


def confounded(n: int = 6000, log_or: float = 0.0, seed: int = 0) -> pd.DataFrame:
    """Rumours have far fewer followers; followers drive the outcome. The true conditional odds
    ratio of rumour is exp(log_or); the crude one is biased far below it."""
    rng = np.random.default_rng(seed)
    rumour = rng.random(n) < 0.45
    log_f = np.where(rumour, rng.normal(4.6, 0.8, n), rng.normal(6.1, 0.8, n))
    verified = (rng.random(n) < 1 / (1 + np.exp(-(log_f - 5.3)))).astype(float)
    year = rng.integers(2011, 2015, n).astype(float)
    eta = -6.5 + 1.0 * log_f + 0.4 * verified + 0.2 * (year - 2012) + log_or * rumour
    y = rng.random(n) < 1 / (1 + np.exp(-eta))
    followers = np.round(10**log_f - 1)
    cascades = pd.DataFrame(
        {
            "cascade_id": [f"c{i}" for i in range(n)],
            "label": np.where(rumour, "rumour", "non-rumour"),
            "author_followers": pd.array(followers.astype(np.int64), dtype="Int64"),
            "author_verified": pd.array(verified.astype(bool), dtype="boolean"),
            "created_at": pd.to_datetime(year.astype(int).astype(str) + "-06-01", utc=True),
        }
    )
    frame = cmp.reach_covariates(cascades)
    frame["crossed"] = y
    frame["log_size"] = np.log(rng.integers(2, 500, n))
    frame["value"] = 2.0 + 0.5 * log_f + 0.8 * frame["log_size"] + 0.3 * rumour + rng.normal(0, 0.5, n)
    return frame


@pytest.mark.parametrize("log_or", [0.0, np.log(2.0)])
def test_adjustment_recovers_a_known_odds_ratio(log_or):
    table = cmp.compare_binary(confounded(log_or=log_or), "crossed").set_index("method")
    truth = np.exp(log_or)
    crude = table.loc["crude"].query("estimand == 'odds ratio'").iloc[0]
    assert crude["ci_high"] < truth / 3  # badly biased by reach
    logistic = cmp.headline(table.reset_index())
    assert logistic["method"].startswith("logistic regression (log_followers, verified, year)")
    assert logistic["ci_low"] < truth < logistic["ci_high"]
    mh = table.loc["Mantel-Haenszel (follower quintile)"]
    assert abs(np.log(mh["estimate"]) - log_or) < abs(np.log(crude["estimate"]) - log_or) / 3  # most of the bias gone


def test_adjustment_recovers_a_known_difference():
    frame = confounded()
    table = cmp.compare_continuous(frame, "value", extra=("log_size",), strata=("follower_quintile",), n_boot=200)
    rows = table.set_index("method")
    assert rows.loc["crude", "ci_high"] < 0  # crude: rumours look lower
    reg = cmp.headline(table)
    assert reg["method"].startswith("median regression") and reg["ci_low"] < 0.3 < reg["ci_high"]
    ols = table[table["method"].str.startswith("OLS")].iloc[0]
    assert ols["ci_low"] < 0.3 < ols["ci_high"]


def test_crude_rows_match_hand_computations():
    frame = pd.DataFrame(
        {
            "label": ["rumour"] * 10 + ["non-rumour"] * 10,
            "crossed": [True] * 2 + [False] * 8 + [True] * 5 + [False] * 5,
            "reach_known": True,
            "follower_quintile": 1.0,
            "log_followers": np.nan,
            "verified": np.nan,
            "year": np.nan,
        }
    )
    t = cmp.compare_binary(frame, "crossed")
    crude = t[(t["method"] == "crude") & (t["estimand"] == "odds ratio")].iloc[0]
    assert crude["estimate"] == pytest.approx((2 * 5) / (8 * 5))
    diff = t[t["estimand"] == "difference of shares"].iloc[0]
    assert diff["estimate"] == pytest.approx(-0.3) and diff["ci_low"] < -0.3 < diff["ci_high"]
    mh = t[t["method"].str.startswith("Mantel")].iloc[0]
    assert mh["estimate"] == pytest.approx(crude["estimate"])  # one stratum: MH = crude
    assert t[t["method"].str.startswith("logistic")].iloc[0]["method"] == "logistic regression (no covariates)"


def test_an_outcome_nobody_reaches_gives_reasons_not_errors():
    frame = confounded(n=500).assign(crossed=False)
    t = cmp.compare_binary(frame, "crossed")
    ors = t[t["estimand"] == "odds ratio"]
    assert ors["estimate"].isna().all() and (ors["note"] != "").all()
    assert t.loc[t["estimand"] == "difference of shares", "estimate"].tolist() == [0.0]


def test_missing_reach_is_counted_and_excluded():
    cascades = pd.DataFrame(
        {
            "cascade_id": list("abcdef"),
            "label": ["rumour"] * 3 + ["non-rumour"] * 3,
            "author_followers": pd.array([10, None, 30, 40, 50, 60], dtype="Int64"),
            "author_verified": pd.array([True, None, False, True, False, True], dtype="boolean"),
            "created_at": pd.to_datetime(["2013-01-01"] * 6, utc=True),
        }
    )
    r = cmp.reach_covariates(cascades)
    assert r["reach_known"].tolist() == [True, False, True, True, True, True]
    assert r["follower_quintile"].notna().sum() == 5
    frame = r.assign(crossed=[True, False, False, True, True, False])
    t = cmp.compare_binary(frame, "crossed")
    assert t.loc[t["method"] == "crude, known reach", "excluded"].iloc[0] == 1
