"""Deletion counterfactuals: had each post been deleted some time after posting, would it have crossed?

Conventions (docs/methods.md#12-deletion-counterfactuals):
- a deleted post spreads no further (the assumption), so a cascade deleted at delay d has crossed exactly when
  its observed time to the threshold is at most d; cascades that never crossed stay below at any d;
- shares are of all cascades; times are hours from the source post;
- a deletion-speed scenario is a distribution of delays D, independent of the cascade. The expected share that
  crosses before deletion is exact: (1/N) sum over crossing cascades of P(D > tau_i) = 1 - F_D(tau_i), tau_i the
  cascade's time to the threshold. No delays are drawn.
- the scenario is an ASSUMPTION calibrated to Zhu, Phipps, Pridgen, Crandall & Wallach (USENIX Security 2013),
  who report for Weibo that deletions peak in the first hour, about 30% happen 5-30 minutes after posting and
  about 90% within 24 hours. The package's scenario is a CDF linear in log time through (1 min, 0),
  (5 min, ``by_5min``), (30 min, ``by_5min`` + 0.30), (1 h, ``by_1h``), (24 h, ``by_24h``), (7 days, 1). The
  shares by 5 min and by 1 h and the 7-day end are this package's assumptions; the band over ``by_1h`` and
  ``by_24h`` shows how much they matter.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import stats

from .thresholds import wilson_interval

ZHU_MINUTES_5_TO_30 = 0.30      # Zhu et al. (2013): about 30% of deletions 5-30 minutes after posting


def scenario(by_1h: float = 0.5, by_24h: float = 0.9, by_5min: float = 0.05) -> tuple[tuple[float, float], ...]:
    """The scenario's (hours, share of deletions done) points; checked to be a CDF."""
    pts = ((1 / 60, 0.0), (5 / 60, by_5min), (0.5, by_5min + ZHU_MINUTES_5_TO_30), (1.0, by_1h), (24.0, by_24h),
           (168.0, 1.0))
    shares = [p[1] for p in pts]
    if not all(0 <= a <= b <= 1 for a, b in itertools.pairwise(shares)):
        raise ValueError(f"scenario shares must rise from 0 to 1, got {shares}: by_1h must be at least "
                         f"{by_5min + ZHU_MINUTES_5_TO_30:g} and at most by_24h")
    return pts


ZHU_SCENARIO = scenario()


def scenario_cdf(hours, points=ZHU_SCENARIO) -> np.ndarray:
    """The scenario's share of deletions done by ``hours`` (linear in log time between its points)."""
    h, f = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    return np.interp(np.log(np.maximum(np.asarray(hours, float), 1e-9)), np.log(h), f, left=0.0, right=1.0)


def share_if_deleted(durations: pd.DataFrame, delays_h) -> pd.DataFrame:
    """Share of all cascades that had crossed by each fixed deletion delay (hours), Wilson 95% intervals:
    ``delay_h, crossing, share, ci_low, ci_high``."""
    crossed_at = durations.loc[durations["crossed"], "duration_h"].to_numpy()
    n = len(durations)
    k = np.array([(crossed_at <= d).sum() for d in delays_h])
    lo, hi = wilson_interval(k, np.full(len(k), n))
    return pd.DataFrame({"delay_h": list(delays_h), "crossing": k, "share": k / n, "ci_low": lo, "ci_high": hi})


def _survival(durations: pd.DataFrame, points) -> np.ndarray:
    """Per cascade: P(D > tau) for crossers, 0 for the others."""
    tau = durations["duration_h"].to_numpy(float)
    return np.where(durations["crossed"].to_numpy(bool), 1.0 - scenario_cdf(tau, points), 0.0)


def share_under_scenario(durations: pd.DataFrame, points=ZHU_SCENARIO, level: float = 0.95) -> dict:
    """Expected share of all cascades crossing before deletion when every post is deleted at a delay drawn from
    the scenario, exact: mean over cascades of P(D > tau_i). ``ci_low``/``ci_high``: a normal interval for that
    mean over cascades (its values lie in [0, 1]). Returns {share, ci_low, ci_high, cascades}."""
    x = _survival(durations, points)
    half = stats.norm.ppf(0.5 + level / 2) * x.std(ddof=1) / np.sqrt(len(x)) if len(x) > 1 else np.nan
    share = float(x.mean())
    return {"share": share, "ci_low": max(0.0, share - half), "ci_high": min(1.0, share + half), "cascades": len(x)}


def scenario_band(durations: pd.DataFrame, by_1h=(0.4, 0.5, 0.6, 0.7), by_24h=(0.85, 0.9, 0.95),
                  by_5min: float = 0.05) -> pd.DataFrame:
    """``share_under_scenario`` over a grid of the scenario's assumptions: ``by_1h, by_24h, share, ci_low,
    ci_high``. Its minimum and maximum share are the sensitivity band."""
    rows = [{"by_1h": a, "by_24h": b, **share_under_scenario(durations, scenario(a, b, by_5min))}
            for a in by_1h for b in by_24h if a <= b]
    return pd.DataFrame(rows)


def incidence_curve(durations: pd.DataFrame, hours, points=ZHU_SCENARIO) -> pd.DataFrame:
    """The cumulative incidence of "crossed before deleted" by each hour, deletion a competing risk, exact:
    (1/N) sum over cascades crossing by h of P(D > tau_i). ``hours, crossed_before_deleted``; its limit is
    ``share_under_scenario``. (An Aalen-Johansen estimate from drawn delays estimates the same curve with
    simulation noise; it adds something only where cascades are censored before they could cross.)"""
    tau = durations["duration_h"].to_numpy(float)
    x = _survival(durations, points)
    return pd.DataFrame({"hours": list(hours),
                         "crossed_before_deleted": [float(x[tau <= h].sum() / len(x)) for h in hours]})
