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

from .thresholds import wilson_interval

__all__ = [
    "ZHU_MINUTES_5_TO_30", "scenario", "ZHU_SCENARIO", "scenario_cdf", "share_if_deleted", "reference_hours",
    "per_cascade", "share_under_scenario", "scenario_grid", "clustered_shares", "scenario_band",
    "incidence_curve", "fixed_delay_outcomes", "SCENARIOS", "LABELS", "scenario_table", "scenario_shares",
    "record_clustered"
]

ZHU_MINUTES_5_TO_30 = 0.30  # Zhu et al. (2013): about 30% of deletions 5-30 minutes after posting


def scenario(by_1h: float = 0.5, by_24h: float = 0.9, by_5min: float = 0.05) -> tuple[tuple[float, float], ...]:
    """The scenario's (hours, share of deletions done) points; checked to be a CDF."""
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
    """The scenario's share of deletions done by ``hours`` (linear in log time between its points)."""
    h, f = np.array([p[0] for p in points]), np.array([p[1] for p in points])
    return np.interp(np.log(np.maximum(np.asarray(hours, float), 1e-9)), np.log(h), f, left=0.0, right=1.0)


def share_if_deleted(durations: pd.DataFrame, delays_h) -> pd.DataFrame:
    """Share of all cascades that had crossed by each fixed deletion delay (hours), Wilson 95% intervals:
    ``delay_h, crossing, share, ci_low, ci_high``. With a ``weight`` column (``counterfactual_tail``) the
    crossings and shares are weighted and the intervals left empty (a sensitivity analysis, not a sample)."""
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
    """The speed-dependent scenario's reference: the (weighted) median time to the threshold of the crossers (h)."""
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
    crossed_i * (1 - q * F_D(tau_i ** (1 - beta) * tau_ref ** beta)): 0 for cascades that never cross."""
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
    share crossing ever. Returns {share, ci_low, ci_high, cascades, prevented}."""
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
    speed_exponent, share, ci_low, ci_high, cascades, prevented``."""
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

    ``quantities``: {name: per-cascade values in [0, 1] aligned with ``durations``} (e.g. ``crossed & (tau <= 1)``
    or ``per_cascade(...)``); ``clusters`` aligned with ``durations`` (e.g. the source's ``author_id``). Columns:
    ``quantity, share, ci_low, ci_high`` (clustered), ``naive_ci_low, naive_ci_high`` (Wilson for 0/1 values, else
    the normal interval of ``share_under_scenario``), ``clusters, design_effect``."""
    from . import clustered

    rows = []
    c = np.asarray(clusters, dtype=object)
    for name, x in quantities.items():
        x = np.asarray(x, float)
        r = clustered.share(x, c, n_boot=n_boot, seed=seed)  # the same draws for every quantity
        if not np.isin(x, (0.0, 1.0)).all():  # naive variance var(x)/n, not the binomial p(1-p)/n
            _, r["naive_ci_low"], r["naive_ci_high"] = _mean_interval(x, np.ones(len(x)), clustered.LEVEL)
            var = x.var(ddof=1)
            r["design_effect"] = r["design_effect"] * r["share"] * (1 - r["share"]) / var if var > 0 else np.nan
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
    are the sensitivity band."""
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


def incidence_curve(
    durations: pd.DataFrame, hours, points=ZHU_SCENARIO, probability: float = 1.0, speed_exponent: float = 0.0
) -> pd.DataFrame:
    """The cumulative incidence of "crossed before deleted" by each hour, deletion a competing risk, exact:
    (1/N) sum over cascades crossing by h of ``per_cascade``. ``hours, crossed_before_deleted``; its limit is
    ``share_under_scenario``. (An Aalen-Johansen estimate from drawn delays estimates the same curve with
    simulation noise; it adds something only where cascades are censored before they could cross.)"""
    tau = durations["duration_h"].to_numpy(float)
    x = per_cascade(durations, points, probability, speed_exponent)
    return pd.DataFrame(
        {"hours": list(hours), "crossed_before_deleted": [float(x[tau <= h].sum() / len(x)) for h in hours]}
    )


def fixed_delay_outcomes(durations: pd.DataFrame, delays_h) -> dict:
    """{``if_deleted_at_<d>h``: crossed by d hours, ..., ``if_never_deleted``: crossed}, per cascade (0/1)."""
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
    ci_low, ci_high`` (authors resampled), ``naive`` (the interval over cascades, as text) and ``prevented``."""
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
    ``clustered_shares`` columns plus ``deletion_probability, speed_exponent, prevented`` (of the crossings)."""
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
    names recorded."""
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
