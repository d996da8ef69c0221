"""Deletion counterfactuals: had each post been deleted d after posting, would it have crossed 500?

The assumption (science.md §3, issue brief): a deleted post spreads no further, so a cascade deleted
at delay d has crossed the threshold exactly when its observed time to the threshold is at most d.
Observed timings are used as they are; cascades that never crossed stay below at any d.

The deletion-speed scenario comes from Zhu, Phipps, Pridgen, Crandall & Wallach (USENIX Security 2013)
on Weibo: deletions peak in the first hour, about 30% happen 5-30 minutes after posting and about 90%
within 24 hours. Those are the paper's figures; the points in between (``ZHU_SCENARIO``) are this
package's assumption, a parameter, interpolated linearly in log time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .thresholds import wilson_interval

#: (hours after posting, share of deleted posts deleted by then). 5-30 min: 0.05 -> 0.35 (30%);
#: 24 h: 0.90 (the paper's); the rest are assumptions: half by 1 h, all by 7 days.
ZHU_SCENARIO = ((1 / 60, 0.0), (5 / 60, 0.05), (0.5, 0.35), (1.0, 0.50), (24.0, 0.90), (168.0, 1.0))


def share_if_deleted(durations: pd.DataFrame, delays_h) -> pd.DataFrame:
    """Share of all cascades that had crossed by each deletion delay: ``delay_h, crossing, share, ci_low, ci_high``."""
    crossed_at = durations.loc[durations["crossed"], "duration_h"].to_numpy()
    n = len(durations)
    k = np.array([(crossed_at <= d).sum() for d in delays_h])
    lo, hi = wilson_interval(k, np.full(len(k), n))
    return pd.DataFrame({"delay_h": list(delays_h), "crossing": k, "share": k / n, "ci_low": lo, "ci_high": hi})


def scenario_cdf(hours, scenario=ZHU_SCENARIO) -> np.ndarray:
    """The scenario's share of deletions done by ``hours`` (linear in log time between its points)."""
    h, f = np.array([p[0] for p in scenario]), np.array([p[1] for p in scenario])
    return np.interp(np.log(np.maximum(np.asarray(hours, float), 1e-9)), np.log(h), f, left=0.0, right=1.0)


def share_under_scenario(durations: pd.DataFrame, scenario=ZHU_SCENARIO) -> float:
    """Expected share of all cascades that cross before deletion, if every post were deleted at a
    delay drawn from the scenario: P(T_500 < D) = E[1 - F_D(T_500)] over crossing cascades."""
    crossed_at = durations.loc[durations["crossed"], "duration_h"].to_numpy()
    return float((1.0 - scenario_cdf(crossed_at, scenario)).sum() / len(durations))


def deletion_delays(n: int, scenario=ZHU_SCENARIO, seed: int = 0) -> np.ndarray:
    """``n`` deletion delays in hours drawn from the scenario (inverse CDF, log-linear between points)."""
    h, f = np.array([p[0] for p in scenario]), np.array([p[1] for p in scenario])
    u = np.random.default_rng(seed).uniform(f[0], f[-1], n)
    return np.exp(np.interp(u, f, np.log(h)))


def crossed_before_deleted(durations: pd.DataFrame, deleted_h, hours) -> pd.DataFrame:
    """Aalen-Johansen cumulative incidence (lifelines) of crossing before deletion, deletion being a
    competing risk: each cascade ends at its crossing (event 1), its deletion (event 2) or its last
    observed post (censored), whichever comes first. Columns: ``hours, crossed_before_deleted``."""
    from lifelines import AalenJohansenFitter

    crossing = np.where(durations["crossed"], durations["duration_h"], np.inf)
    censor = np.where(durations["crossed"], np.inf, durations["duration_h"])
    deleted = np.asarray(deleted_h, float)
    end = np.minimum(np.minimum(crossing, deleted), censor)
    event = np.where(end == crossing, 1, np.where(end == deleted, 2, 0))
    aj = AalenJohansenFitter(calculate_variance=False, seed=0).fit(end, event, event_of_interest=1)
    cif = aj.cumulative_density_.iloc[:, 0]
    idx = np.searchsorted(cif.index.to_numpy(), hours, side="right") - 1
    return pd.DataFrame({"hours": list(hours), "crossed_before_deleted": [float(cif.iloc[i]) if i >= 0 else 0.0
                                                                          for i in idx]})
