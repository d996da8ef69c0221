"""Deletion counterfactuals: had each post been deleted some time after posting, would it have crossed?

Conventions (docs/methods.md#12-deletion-counterfactuals):
- a deleted post spreads no further (the assumption), so a cascade deleted at delay d has crossed exactly when
  its observed time to the threshold is at most d; cascades that never crossed stay below at any d;
- shares are of all cascades; times are hours from the source post;
- a deletion-speed scenario is a distribution of delays D, independent of the cascade. The expected share that
  crosses before deletion is exact: (1/N) sum over crossing cascades of P(D > tau_i) = 1 - F_D(tau_i), tau_i the
  cascade's time to the threshold. No delays are drawn.
- two more assumptions, each with its band: only a share q of posts is ever deleted (``probability``; about 12%
  of the watched sensitive users' posts in the press summary of Zhu et al.'s data, a set chosen for being
  censored), and delays may scale with a cascade's speed (``speed_exponent``; ``per_cascade``). With both, the
  share is (1/N) sum over crossers of 1 - q * F_D(tau_i ** (1 - beta) * tau_ref ** beta), still exact;
- intervals: ``clustered_shares`` resamples source authors (docs/methods.md#15-clustered-intervals) and keeps
  the naive interval beside the clustered one;
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

from .align import same_index
from .thresholds import wilson_interval

__all__ = [
    "ZHU_MINUTES_5_TO_30", "scenario", "ZHU_SCENARIO", "scenario_cdf", "share_if_deleted", "reference_hours",
    "per_cascade", "share_under_scenario", "scenario_grid", "clustered_shares", "scenario_band",
    "incidence_curve", "through_last_crossing", "fixed_delay_outcomes", "SCENARIOS", "LABELS", "scenario_table",
    "scenario_shares", "record_clustered"
]

ZHU_MINUTES_5_TO_30 = 0.30  # Zhu et al. (2013): about 30% of deletions 5-30 minutes after posting


def scenario(by_1h: float = 0.5, by_24h: float = 0.9, by_5min: float = 0.05) -> tuple[tuple[float, float], ...]:
    """The scenario's (hours, share of deletions done) points; checked to be a CDF.

    The points are (1 min, 0), (5 min, ``by_5min``), (30 min, ``by_5min`` + 0.30), (1 h, ``by_1h``),
    (24 h, ``by_24h``) and (7 days, 1) (docs/methods.md §12).

    Parameters
    ----------
    by_1h : float
        Share of deletions done 1 hour after posting, 0–1.
    by_24h : float
        Share done by 24 hours, 0–1.
    by_5min : float
        Share done by 5 minutes, 0–1.

    Returns
    -------
    tuple of (float, float)
        Six (hours, share) points.

    Raises
    ------
    ValueError
        The shares do not rise from 0 to 1 (e.g. ``by_1h`` below ``by_5min`` + 0.30 or above ``by_24h``).

    Examples
    --------
    >>> from wechat_study.counterfactual import scenario
    >>> [(round(h, 3), f) for h, f in scenario()]
    [(0.017, 0.0), (0.083, 0.05), (0.5, 0.35), (1.0, 0.5), (24.0, 0.9), (168.0, 1.0)]
    >>> scenario(by_1h=0.3)
    Traceback (most recent call last):
    ...
    ValueError: scenario shares must rise from 0 to 1, got [...]: by_1h must be at least 0.35 and at most by_24h
    """
    pts = (
        (1 / 60, 0.0),
        (5 / 60, by_5min),
        (0.5, by_5min + ZHU_MINUTES_5_TO_30),
        (1.0, by_1h),
        (24.0, by_24h),
        (168.0, 1.0),
    )
    shares = [p[1] for p in pts]
    if not all(0 <= a <= b <= 1 for a, b in itertools.pairwise(shares)):
        raise ValueError(
            f"scenario shares must rise from 0 to 1, got {shares}: by_1h must be at least "
            f"{by_5min + ZHU_MINUTES_5_TO_30:g} and at most by_24h"
        )
    return pts


ZHU_SCENARIO = scenario()


def scenario_cdf(hours, points=ZHU_SCENARIO) -> np.ndarray:
    """The scenario's share of deletions done by ``hours`` (linear in log time between its points).

    Parameters
    ----------
    hours : float or array-like
        Hours after posting.
    points : tuple of (float, float)
        The scenario (``scenario(...)``; default ``ZHU_SCENARIO``).

    Returns
    -------
    numpy.ndarray
        F_D(hours), shares 0–1: 0 before the first point, 1 after the last.

    Examples
    --------
    >>> from wechat_study.counterfactual import scenario_cdf
    >>> scenario_cdf([0.5, 1.0, 5.0, 24.0, 500.0]).round(3).tolist()
    [0.35, 0.5, 0.703, 0.9, 1.0]
    """
    h, f = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    return np.interp(np.log(np.maximum(np.asarray(hours, float), 1e-9)), np.log(h), f, left=0.0, right=1.0)


def share_if_deleted(durations: pd.DataFrame, delays_h) -> pd.DataFrame:
    """Share of all cascades that had crossed by each fixed deletion delay (hours), Wilson 95% intervals:
    ``delay_h, crossing, share, ci_low, ci_high``. With a ``weight`` column (``counterfactual_tail``) the
    crossings and shares are weighted and the intervals left empty (a sensitivity analysis, not a sample).

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``thresholds.crossing_durations``: ``duration_h`` (hours to the threshold, or to censoring)
        and ``crossed``; optionally a ``weight`` column (``counterfactual_tail``).
    delays_h : list of float
        Deletion delays, hours after posting; a cascade crossed by d when its time to the threshold is at
        most d.

    Returns
    -------
    pandas.DataFrame
        One row per delay, in the order given; ``share`` and the bounds 0–1.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> from wechat_study.counterfactual import share_if_deleted
    >>> share_if_deleted(durations, [1, 24]).round(3)
       delay_h  crossing  share  ci_low  ci_high
    0        1         1  0.167   0.030    0.564
    1       24         3  0.500   0.188    0.812
    """
    crossed = durations["crossed"].to_numpy(bool)
    tau, w = durations["duration_h"].to_numpy(float), _weights(durations)
    n = w.sum()
    k = np.array([w[crossed & (tau <= d)].sum() for d in delays_h])
    if "weight" in durations:
        lo = hi = np.full(len(k), np.nan)
    else:
        k = k.astype(int)
        lo, hi = wilson_interval(k, np.full(len(k), int(n)))
    return pd.DataFrame({"delay_h": list(delays_h), "crossing": k, "share": k / n, "ci_low": lo, "ci_high": hi})


def _weights(durations: pd.DataFrame) -> np.ndarray:
    """Row weights: the ``weight`` column when there is one (e.g. ``counterfactual_tail.with_left_out``), else 1."""
    return durations["weight"].to_numpy(float) if "weight" in durations else np.ones(len(durations))


def reference_hours(durations: pd.DataFrame) -> float:
    """The speed-dependent scenario's reference: the (weighted) median time to the threshold of the crossers (h).

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``thresholds.crossing_durations``: ``duration_h`` (hours to the threshold, or to censoring)
        and ``crossed``; optionally a ``weight`` column (``counterfactual_tail``).

    Returns
    -------
    float
        Hours; NaN when no cascade crosses. With weights, the smallest time at which the cumulative weight
        reaches half the total.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> from wechat_study.counterfactual import reference_hours
    >>> reference_hours(durations)
    6.0
    """
    c = durations["crossed"].to_numpy(bool)
    tau, w = durations["duration_h"].to_numpy(float)[c], _weights(durations)[c]
    if not len(tau):
        return np.nan
    if "weight" not in durations:
        return float(np.median(tau))
    order = np.argsort(tau)
    cum = np.cumsum(w[order])
    return float(tau[order][np.searchsorted(cum, cum[-1] / 2)])


def per_cascade(
    durations: pd.DataFrame,
    points=ZHU_SCENARIO,
    probability: float = 1.0,
    speed_exponent: float = 0.0,
    reference_h: float | None = None,
) -> np.ndarray:
    """Per cascade, the probability that it crosses before it is deleted (docs/methods.md#12-deletion-counterfactuals).

    A post is deleted at all with ``probability`` q (independent of the cascade); a deleted one at delay
    D_i = D * (tau_i / tau_ref) ** beta, D from the scenario ``points``, tau_i the cascade's time to the threshold
    (hours), tau_ref ``reference_h`` (default: the crossers' median, ``reference_hours``), beta ``speed_exponent``.
    beta = 0: delays independent of the cascade; beta = 1: the deletion clock runs in reposts (hazard proportional
    to the mean repost rate up to the threshold), so every crosser has the same chance F_D(tau_ref); beta > 1: the
    faster a cascade, the likelier it is deleted before it crosses. Returns
    crossed_i * (1 - q * F_D(tau_i ** (1 - beta) * tau_ref ** beta)): 0 for cascades that never cross.

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``thresholds.crossing_durations``: ``duration_h`` (hours to the threshold, or to censoring)
        and ``crossed``; optionally a ``weight`` column (``counterfactual_tail``).
    points : tuple of (float, float)
        The delay scenario (default ``ZHU_SCENARIO``).
    probability : float
        q, the chance a post is deleted at all, 0–1.
    speed_exponent : float
        beta, at least 0.
    reference_h : float, optional
        tau_ref in hours (default ``reference_hours(durations)``); used only when beta > 0.

    Returns
    -------
    numpy.ndarray
        One probability (0–1) per row of ``durations``.

    Raises
    ------
    ValueError
        ``probability`` outside [0, 1], or ``speed_exponent`` below 0 (or NaN).

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> from wechat_study.counterfactual import per_cascade
    >>> per_cascade(durations).round(3).tolist()
    [0.65, 0.413, 0.21, 0.089, 0.0, 0.0]
    >>> per_cascade(durations, probability=0.12).round(3).tolist()
    [0.958, 0.93, 0.905, 0.891, 0.0, 0.0]
    >>> per_cascade(durations, speed_exponent=1.0).round(3).tolist()
    [0.274, 0.274, 0.274, 0.274, 0.0, 0.0]
    """
    if not 0.0 <= probability <= 1.0:
        raise ValueError(f"deletion probability must lie in [0, 1], got {probability}")
    if not speed_exponent >= 0.0:
        raise ValueError(
            f"speed_exponent must be at least 0 (0: independent, 1: clock in reposts), got {speed_exponent}"
        )
    tau = durations["duration_h"].to_numpy(float)
    crossed = durations["crossed"].to_numpy(bool)
    if speed_exponent > 0:
        ref = reference_hours(durations) if reference_h is None else float(reference_h)
        tau = np.where(crossed, np.maximum(tau, 1e-9) ** (1 - speed_exponent) * ref**speed_exponent, tau)
    return np.where(crossed, 1.0 - probability * scenario_cdf(tau, points), 0.0)


def _survival(durations: pd.DataFrame, points) -> np.ndarray:
    """Per cascade: P(D > tau) for crossers, 0 for the others (every post deleted, delays independent)."""
    return per_cascade(durations, points)


def _mean_interval(x: np.ndarray, w: np.ndarray, level: float) -> tuple[float, float, float]:
    share = float(np.sum(w * x) / np.sum(w)) if len(x) else np.nan
    if len(x) < 2:
        return share, np.nan, np.nan
    half = stats.norm.ppf(0.5 + level / 2) * x.std(ddof=1) / np.sqrt(len(x))
    return share, max(0.0, share - half), min(1.0, share + half)


def share_under_scenario(
    durations: pd.DataFrame,
    points=ZHU_SCENARIO,
    level: float = 0.95,
    probability: float = 1.0,
    speed_exponent: float = 0.0,
    reference_h: float | None = None,
) -> dict:
    """Expected share of all cascades crossing before deletion, exact: the (weighted) mean over cascades of
    ``per_cascade`` (``probability``, ``speed_exponent``, ``reference_h`` as there); with the defaults every
    post is deleted, at a delay independent of the cascade.
    ``ci_low``/``ci_high``: a normal interval for that mean over cascades (unweighted rows only; its values lie
    in [0, 1]). ``prevented``: the share of the crossings (with no deletion) that deletion prevents, 1 - share /
    share crossing ever. Returns {share, ci_low, ci_high, cascades, prevented}.

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``thresholds.crossing_durations``: ``duration_h`` (hours to the threshold, or to censoring)
        and ``crossed``; optionally a ``weight`` column (``counterfactual_tail``).
    points : tuple of (float, float)
        The delay scenario (default ``ZHU_SCENARIO``).
    level : float
        The interval's coverage, 0–1.
    probability, speed_exponent, reference_h
        As in ``per_cascade``.

    Returns
    -------
    dict
        ``share`` (0–1), ``ci_low`` and ``ci_high`` (NaN with weights or fewer than two cascades),
        ``cascades`` (rows) and ``prevented`` (0–1; NaN when no cascade crosses).

    Raises
    ------
    ValueError
        From ``per_cascade``: ``probability`` or ``speed_exponent`` out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> from wechat_study.counterfactual import share_under_scenario
    >>> result = share_under_scenario(durations)
    >>> {k: round(float(v), 3) for k, v in result.items()}
    {'share': 0.227, 'ci_low': 0.02, 'ci_high': 0.434, 'cascades': 6.0, 'prevented': 0.66}
    """
    x, w = per_cascade(durations, points, probability, speed_exponent, reference_h), _weights(durations)
    share, lo, hi = _mean_interval(x, w, level)
    if "weight" in durations:
        lo = hi = np.nan
    ever = float(np.sum(w * durations["crossed"].to_numpy(bool)) / np.sum(w)) if len(x) else np.nan
    prevented = 1.0 - share / ever if ever > 0 else np.nan
    return {"share": share, "ci_low": lo, "ci_high": hi, "cascades": len(x), "prevented": prevented}


def scenario_grid(
    durations: pd.DataFrame, points=ZHU_SCENARIO, probabilities=(1.0,), speed_exponents=(0.0,)
) -> pd.DataFrame:
    """``share_under_scenario`` for every deletion probability and speed exponent: ``deletion_probability,
    speed_exponent, share, ci_low, ci_high, cascades, prevented``.

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``thresholds.crossing_durations``: ``duration_h`` (hours to the threshold, or to censoring)
        and ``crossed``; optionally a ``weight`` column (``counterfactual_tail``).
    points : tuple of (float, float)
        The delay scenario (default ``ZHU_SCENARIO``).
    probabilities : iterable of float
        Deletion probabilities q, 0–1.
    speed_exponents : iterable of float
        Speed exponents beta, at least 0.

    Returns
    -------
    pandas.DataFrame
        One row per (q, beta), q varying slowest.

    Raises
    ------
    ValueError
        From ``per_cascade``: a probability or exponent out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> from wechat_study.counterfactual import scenario_grid
    >>> grid = scenario_grid(durations, probabilities=(0.12, 1.0), speed_exponents=(0.0, 1.0))
    >>> grid[["deletion_probability", "speed_exponent", "share", "prevented"]].round(3)
       deletion_probability  speed_exponent  share  prevented
    0                  0.12             0.0  0.614      0.079
    1                  0.12             1.0  0.609      0.087
    2                  1.00             0.0  0.227      0.660
    3                  1.00             1.0  0.183      0.726
    """
    rows = [
        {
            "deletion_probability": q,
            "speed_exponent": b,
            **share_under_scenario(durations, points, probability=q, speed_exponent=b),
        }
        for q in probabilities
        for b in speed_exponents
    ]
    return pd.DataFrame(rows)


def clustered_shares(
    durations: pd.DataFrame, clusters: pd.Series, quantities: dict, n_boot: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """Author-clustered intervals (``clustered.share``, clusters resampled) for per-cascade quantities.

    ``quantities``: {name: per-cascade values in [0, 1] for the rows of ``durations``} (e.g. ``crossed & (tau <= 1)``
    or ``per_cascade(...)``); ``clusters`` one per row (e.g. the source's ``author_id``). A Series must have
    ``durations``' index (one in another order is refused, ``align.same_index``); an array pairs by position.
    Columns:
    ``quantity, share, ci_low, ci_high`` (clustered), ``naive_ci_low, naive_ci_high`` (Wilson for 0/1 values, else
    the normal interval of ``share_under_scenario``), ``clusters, design_effect``.

    Parameters
    ----------
    durations : pandas.DataFrame
        The cascades the quantities are of (one row each).
    clusters : pandas.Series or array-like
        A cluster per row of ``durations``: a Series with its index, or an array in row order.
    quantities : dict of str to array-like
        Per-cascade values in [0, 1], by name, one per row as for ``clusters``.
    n_boot : int
        Bootstrap draws; every quantity uses the same draws.
    seed : int
        The bootstrap's seed.

    Returns
    -------
    pandas.DataFrame
        One row per quantity, in the order given; shares and bounds 0–1, ``clusters`` the number of
        clusters, ``design_effect`` the clustered variance over the naive one.

    Raises
    ------
    ValueError
        ``clusters`` or a quantity of another length than ``durations``, or a Series with another index.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> authors = pd.Series(["a", "a", "b", "c", "d", "e"])
    >>> from wechat_study.counterfactual import clustered_shares, per_cascade
    >>> quantities = {"if_deleted_at_1h": (durations["crossed"] & (durations["duration_h"] <= 1)).astype(float),
    ...               "if_every_post_deleted": per_cascade(durations)}
    >>> table = clustered_shares(durations, authors, quantities, n_boot=200)
    >>> table[["quantity", "share", "naive_ci_low", "naive_ci_high", "clusters"]].round(3)
                    quantity  share  naive_ci_low  naive_ci_high  clusters
    0       if_deleted_at_1h  0.167          0.03          0.564         5
    1  if_every_post_deleted  0.227          0.02          0.434         5
    """
    from . import clustered

    rows = []
    same_index(durations, clusters=clusters, **{f"quantities[{k!r}]": v for k, v in quantities.items()})
    c = np.asarray(clusters, dtype=object)
    for name, x in quantities.items():
        x = np.asarray(x, float)
        fractions = not np.isin(x, (0.0, 1.0)).all()
        r = clustered.share(x, c, n_boot=n_boot, seed=seed, floor=not fractions)  # the same draws for every quantity
        if fractions:  # naive variance var(x)/n, not the binomial p(1-p)/n; the clustered interval never narrower
            _, r["naive_ci_low"], r["naive_ci_high"] = _mean_interval(x, np.ones(len(x)), clustered.LEVEL)
            var = x.var(ddof=1)
            r["design_effect"] = r["design_effect"] * r["share"] * (1 - r["share"]) / var if var > 0 else np.nan
            r["ci_low"], r["ci_high"] = min(r["ci_low"], r["naive_ci_low"]), max(r["ci_high"], r["naive_ci_high"])
        rows.append(
            {"quantity": name}
            | {
                k: r[k]
                for k in ("share", "ci_low", "ci_high", "naive_ci_low", "naive_ci_high", "clusters", "design_effect")
            }
        )
    return pd.DataFrame(rows)


def scenario_band(
    durations: pd.DataFrame,
    by_1h=(0.4, 0.5, 0.6, 0.7),
    by_24h=(0.85, 0.9, 0.95),
    by_5min: float = 0.05,
    probabilities=(1.0,),
    speed_exponents=(0.0,),
) -> pd.DataFrame:
    """``share_under_scenario`` over a grid of the scenario's assumptions: ``deletion_probability,
    speed_exponent, by_1h, by_24h, share, ci_low, ci_high, cascades, prevented``. Its minimum and maximum share
    are the sensitivity band.

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``thresholds.crossing_durations``: ``duration_h`` (hours to the threshold, or to censoring)
        and ``crossed``; optionally a ``weight`` column (``counterfactual_tail``).
    by_1h : iterable of float
        Shares of deletions done by 1 hour (``scenario``).
    by_24h : iterable of float
        Shares done by 24 hours; pairs with ``by_1h`` above ``by_24h`` are skipped.
    by_5min : float
        Share done by 5 minutes, the same in every scenario.
    probabilities : iterable of float
        Deletion probabilities q, 0–1.
    speed_exponents : iterable of float
        Speed exponents beta, at least 0.

    Returns
    -------
    pandas.DataFrame
        One row per combination.

    Raises
    ------
    ValueError
        From ``scenario`` (a ``by_1h`` below ``by_5min`` + 0.30) or ``per_cascade``.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> from wechat_study.counterfactual import scenario_band
    >>> band = scenario_band(durations)
    >>> len(band), round(float(band["share"].min()), 3), round(float(band["share"].max()), 3)
    (12, 0.176, 0.26)
    """
    rows = [
        {
            "deletion_probability": q,
            "speed_exponent": b,
            "by_1h": a,
            "by_24h": c,
            **share_under_scenario(durations, scenario(a, c, by_5min), probability=q, speed_exponent=b),
        }
        for q in probabilities
        for b in speed_exponents
        for a in by_1h
        for c in by_24h
        if a <= c
    ]
    return pd.DataFrame(rows)


def through_last_crossing(hours, durations: pd.DataFrame) -> list[float]:
    """The hours a curve is read at, doubled past the last one until they reach the slowest crossing.

    A curve that stops before the last crossing hides the part of its rise still to come.

    Parameters
    ----------
    hours : list of float
        The hours asked for.
    durations : pandas.DataFrame
        ``duration_h`` and ``crossed`` (``thresholds.crossing_durations``).

    Returns
    -------
    list of float
        ``hours``, sorted, and the doublings of the largest that it takes to reach the last crossing.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.counterfactual import through_last_crossing
    >>> d = pd.DataFrame({"duration_h": [2.0, 900.0, 5000.0], "crossed": [True, True, False]})
    >>> through_last_crossing([1, 24, 336], d)
    [1.0, 24.0, 336.0, 672.0, 1344.0]
    """
    out = sorted(float(h) for h in hours)
    crossed = durations.loc[durations["crossed"].astype(bool), "duration_h"]
    last = float(crossed.max()) if len(crossed) else 0.0
    while out and out[-1] < last:
        out.append(out[-1] * 2)
    return out


def incidence_curve(
    durations: pd.DataFrame, hours, points=ZHU_SCENARIO, probability: float = 1.0, speed_exponent: float = 0.0
) -> pd.DataFrame:
    """The cumulative incidence of "crossed before deleted" by each hour, deletion a competing risk, exact:
    (1/N) sum over cascades crossing by h of ``per_cascade``. ``hours, crossed_before_deleted``; its limit is
    ``share_under_scenario``. (An Aalen-Johansen estimate from drawn delays estimates the same curve with
    simulation noise; it adds something only where cascades are censored before they could cross.)

    Rows count equally: a ``weight`` column is not used here, so with weights the limit differs from
    ``share_under_scenario``'s weighted share.

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``thresholds.crossing_durations``: ``duration_h`` (hours to the threshold, or to censoring)
        and ``crossed``; optionally a ``weight`` column (``counterfactual_tail``).
    hours : list of float
        The hours after posting at which the curve is read.
    points : tuple of (float, float)
        The delay scenario (default ``ZHU_SCENARIO``).
    probability, speed_exponent : float
        As in ``per_cascade`` (``reference_h`` its default).

    Returns
    -------
    pandas.DataFrame
        ``hours`` and ``crossed_before_deleted`` (a share of all cascades, 0–1).

    Raises
    ------
    ValueError
        From ``per_cascade``: ``probability`` or ``speed_exponent`` out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> from wechat_study.counterfactual import incidence_curve
    >>> incidence_curve(durations, [1, 24, 1000]).round(3)
       hours  crossed_before_deleted
    0      1                   0.108
    1     24                   0.212
    2   1000                   0.227
    """
    tau = durations["duration_h"].to_numpy(float)
    x = per_cascade(durations, points, probability, speed_exponent)
    return pd.DataFrame(
        {"hours": list(hours), "crossed_before_deleted": [float(x[tau <= h].sum() / len(x)) for h in hours]}
    )


def fixed_delay_outcomes(durations: pd.DataFrame, delays_h) -> dict:
    """{``if_deleted_at_<d>h``: crossed by d hours, ..., ``if_never_deleted``: crossed}, per cascade (0/1).

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``thresholds.crossing_durations``: ``duration_h`` (hours to the threshold, or to censoring)
        and ``crossed``; optionally a ``weight`` column (``counterfactual_tail``).
    delays_h : list of float
        Deletion delays in hours; each names its key (``1`` gives ``if_deleted_at_1h``).

    Returns
    -------
    dict of str to numpy.ndarray
        0/1 floats per row of ``durations``, ready for ``clustered_shares``.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> from wechat_study.counterfactual import fixed_delay_outcomes
    >>> {k: v.tolist() for k, v in fixed_delay_outcomes(durations, [1, 24]).items()}
    {'if_deleted_at_1h': [1.0, 0.0, 0.0, 0.0, 0.0, 0.0], 'if_deleted_at_24h': [1.0, 1.0, 1.0, 0.0, 0.0, 0.0],
     'if_never_deleted': [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]}
    """
    tau, crossed = durations["duration_h"].to_numpy(float), durations["crossed"].to_numpy(bool)
    out = {f"if_deleted_at_{d:g}h": (crossed & (tau <= d)).astype(float) for d in delays_h}
    return out | {"if_never_deleted": crossed.astype(float)}


SCENARIOS = ("under_deletion_scenario", "under_speed_dependent_deletion", "if_every_post_deleted")
LABELS = {
    "if_deleted_at_1h": "deleted 1 h after posting",
    "if_deleted_at_24h": "deleted 24 h after posting",
    "if_never_deleted": "never deleted (crossed ever)",
    "under_deletion_scenario": "central scenario (some posts deleted)",
    "under_speed_dependent_deletion": "speed-dependent scenario",
    "if_every_post_deleted": "every post deleted",
}


def scenario_table(shares: pd.DataFrame) -> pd.DataFrame:
    """``scenario_shares`` for a page: ``scenario`` in words, ``deletion_probability, speed_exponent, share,
    ci_low, ci_high`` (authors resampled), ``naive`` (the interval over cascades, as text) and ``prevented``.

    Parameters
    ----------
    shares : pandas.DataFrame
        As from ``scenario_shares``.

    Returns
    -------
    pandas.DataFrame
        The columns above; ``naive`` reads like ``"2.0%–43.4%"``.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> authors = pd.Series(["a", "a", "b", "c", "d", "e"])
    >>> from wechat_study.counterfactual import scenario_shares, scenario_table
    >>> table = scenario_table(scenario_shares(durations, authors, n_boot=200))
    >>> table[["scenario", "share", "naive"]].round(3)
                             scenario  share         naive
    0         under deletion scenario  0.614  ...
    1  under speed dependent deletion  0.609  ...
    2           if every post deleted  0.227   2.0%–43.4%
    """
    return shares.assign(
        scenario=shares["quantity"].str.replace("_", " "),
        naive=[f"{lo:.1%}–{hi:.1%}" for lo, hi in zip(shares["naive_ci_low"], shares["naive_ci_high"], strict=True)],
    )[["scenario", "deletion_probability", "speed_exponent", "share", "ci_low", "ci_high", "naive", "prevented"]]


def scenario_shares(
    durations: pd.DataFrame,
    clusters,
    points=ZHU_SCENARIO,
    probability: float = 0.12,
    speed_exponent: float = 1.0,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """The three scenarios at the delays ``points`` (``SCENARIOS``): a share ``probability`` of posts deleted,
    independently of the cascade; the same with delays scaled by speed (``speed_exponent``); every post deleted.
    ``clustered_shares`` columns plus ``deletion_probability, speed_exponent, prevented`` (of the crossings).

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``thresholds.crossing_durations``: ``duration_h`` and ``crossed``.
    clusters : pandas.Series or array-like
        A cluster per row (e.g. the source's ``author_id``), matched as in ``clustered_shares``.
    points : tuple of (float, float)
        The delay scenario (default ``ZHU_SCENARIO``).
    probability : float
        q of the first two scenarios, 0–1 (default 12%, docs/methods.md §12).
    speed_exponent : float
        beta of the speed-dependent scenario.
    n_boot : int
        Bootstrap draws.
    seed : int
        The bootstrap's seed.

    Returns
    -------
    pandas.DataFrame
        One row per scenario, in ``SCENARIOS`` order.

    Raises
    ------
    ValueError
        From ``per_cascade``: ``probability`` or ``speed_exponent`` out of range.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> authors = pd.Series(["a", "a", "b", "c", "d", "e"])
    >>> from wechat_study.counterfactual import scenario_shares
    >>> table = scenario_shares(durations, authors, n_boot=200)
    >>> table[["quantity", "speed_exponent", "share", "prevented"]].round(3)
                             quantity  speed_exponent  share  prevented
    0         under_deletion_scenario             0.0  0.614      0.079
    1  under_speed_dependent_deletion             1.0  0.609      0.087
    2           if_every_post_deleted             0.0  0.227      0.660
    >>> table["deletion_probability"].tolist()
    [0.12, 0.12, 1.0]
    """
    settings = dict(zip(SCENARIOS, ((probability, 0.0), (probability, speed_exponent), (1.0, 0.0)), strict=True))
    per = {k: per_cascade(durations, points, q, b) for k, (q, b) in settings.items()}
    out = clustered_shares(durations, clusters, per, n_boot, seed)
    return out.assign(
        deletion_probability=[settings[k][0] for k in out["quantity"]],
        speed_exponent=[settings[k][1] for k in out["quantity"]],
        prevented=[
            share_under_scenario(durations, points, probability=q, speed_exponent=b)["prevented"]
            for q, b in settings.values()
        ],
    )


def record_clustered(prefix: str, table: pd.DataFrame, notes: dict | None = None) -> list[str]:
    """Record each ``clustered_shares`` row as ``PREFIX<quantity>`` with its clustered ``.ci_low``/``.ci_high``
    and the naive ``.naive_ci_low``/``.naive_ci_high`` (and ``.prevented`` when the table has it). Returns the
    names recorded.

    A NaN bound is not recorded; a NaN ``prevented`` is recorded as not reached.

    Parameters
    ----------
    prefix : str
        Put before each quantity as it is, so it ends with ``.`` or ``_`` (e.g.
        ``counterfactual.ced.share_reaching_500_``).
    table : pandas.DataFrame
        As from ``clustered_shares`` or ``scenario_shares``.
    notes : dict of str to str, optional
        A note per quantity.

    Returns
    -------
    list of str
        The findings' names, one per row.

    Raises
    ------
    ValueError
        From ``record_finding``: a name that is not dotted lowercase words, or a NaN share.

    Examples
    --------
    >>> import pandas as pd
    >>> durations = pd.DataFrame({"duration_h": [0.5, 2.0, 10.0, 30.0, 240.0, 72.0],
    ...                           "crossed": [True, True, True, True, False, False]})
    >>> authors = pd.Series(["a", "a", "b", "c", "d", "e"])
    >>> from wechat_study.counterfactual import record_clustered, scenario_shares
    >>> record_clustered("counterfactual.mine.share_reaching_500_", scenario_shares(durations, authors, n_boot=200))
    ['counterfactual.mine.share_reaching_500_under_deletion_scenario',
     'counterfactual.mine.share_reaching_500_under_speed_dependent_deletion',
     'counterfactual.mine.share_reaching_500_if_every_post_deleted']
    """
    from .findings import record_finding

    names = []
    for r in table.itertuples():
        name = f"{prefix}{r.quantity}"
        note = (notes or {}).get(r.quantity, "")
        record_finding(
            name,
            float(r.share),
            tolerance=1e-12,
            note=f"{note}; intervals: {r.clusters:,} source authors resampled (design effect "
            f"{r.design_effect:.2f}), naive beside them".lstrip("; "),
        )
        for suffix in ("ci_low", "ci_high", "naive_ci_low", "naive_ci_high", "prevented"):
            value = getattr(r, suffix, np.nan)
            why = "share of the crossings without deletion it prevents" if suffix == "prevented" else None
            if np.isfinite(value):
                record_finding(f"{name}.{suffix}", float(value), tolerance=1e-9, note=why)
            elif suffix == "prevented" and hasattr(r, suffix):
                record_finding(f"{name}.{suffix}", None, note=why, reason="no cascade crosses, so none is prevented")
        names.append(name)
    return names
