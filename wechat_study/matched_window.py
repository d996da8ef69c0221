"""Checks of the 2013 difference in differences against the windows' lengths: the before window cut to the
after window's length, and the before window split in halves.

Conventions (docs/methods.md#6-the-september-2013-interpretation):
- the *matched* window is ``intake.window(..., matched=True)``: the before side cut to the after side's length
  (CED: 7.0 months either side of 2013-09-10), so a drift inside the long before window cannot pass for a
  change at the date; the estimates are those of ``periods.period_changes`` (ratios of odds ratios with
  author-clustered intervals, ratios of median ratios), crude and adjusted for reach;
- the *three periods* are the first and second halves of the before window (``months`` // 2 months each from
  the cut, clipped to the collection) and the after window, with the share crossing per label (Wilson).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import adjust as cmp
from .intake import TZ, window
from .periods import IN_FORCE, PERIOD_COVARIATES, _interaction
from .thresholds import wilson_interval

__all__ = ["SEGMENTS", "matched_frame", "matched_changes", "three_periods", "record_matched"]

SEGMENTS = ("first_half_before", "second_half_before", "after")


def matched_frame(frame: pd.DataFrame, span, date: str = IN_FORCE, months: int = 12) -> pd.DataFrame:
    """The cascades of ``frame`` (``periods.cascade_frame``) inside the matched window, with ``period``."""
    w = window(span, date, months, matched=True)
    d = frame[(frame["created_at"] >= w["start"]) & (frame["created_at"] < w["end"])].reset_index(drop=True)
    return d.assign(period=np.where(d["created_at"] < w["cut"], "before", "after"))


def matched_changes(
    frame: pd.DataFrame, span, thresholds=(100, 500), share_threshold: int = 500, date: str = IN_FORCE, months: int = 12
) -> pd.DataFrame:
    """The difference in differences on the matched window, crude and adjusted: the ratio of odds ratios of
    ``crossed_<share_threshold>`` and the ratio of median ratios of ``hours_to_N`` for each N. Columns as
    ``periods.period_changes`` plus ``months`` (each side's length)."""
    d = matched_frame(frame, span, date, months)
    w = window(span, date, months, matched=True)
    rows = []
    outcomes = [(f"crossed_{share_threshold}", "binary")] + [(f"hours_to_{n}", "time") for n in thresholds]
    covs = cmp.available_covariates(d[d["reach_known"]], PERIOD_COVARIATES) if len(d) else []
    for outcome, kind in outcomes:
        for c in [(), covs]:
            rows.append({**_interaction(d, outcome, kind, list(c)), "outcome": outcome})
    return pd.DataFrame(rows).assign(
        contrast="difference in differences (rumour vs non-rumour), matched window", months=w["months_after"]
    )


def three_periods(frame: pd.DataFrame, span, outcome: str, date: str = IN_FORCE, months: int = 12) -> pd.DataFrame:
    """Per label and segment (``SEGMENTS``): ``start`` / ``end`` (Beijing dates), ``sources``, ``crossing``,
    ``share`` of ``outcome`` with Wilson ``ci_low`` / ``ci_high`` (NaN for an empty segment)."""
    w = window(span, date, months)
    mid = max(w["cut"] - pd.DateOffset(months=months // 2), w["start"])
    edges = dict(zip(SEGMENTS, [(w["start"], mid), (mid, w["cut"]), (w["cut"], w["end"])], strict=True))
    rows = []
    for label, g in frame.groupby("label", sort=True):
        for seg, (a, b) in edges.items():
            y = g.loc[(g["created_at"] >= a) & (g["created_at"] < b), outcome].astype(bool)
            lo, hi = wilson_interval(int(y.sum()), len(y)) if len(y) else (np.nan, np.nan)
            rows.append(
                {
                    "label": label,
                    "segment": seg,
                    "start": a.tz_convert(TZ).strftime("%Y-%m-%d"),
                    "end": b.tz_convert(TZ).strftime("%Y-%m-%d"),
                    "sources": len(y),
                    "crossing": int(y.sum()),
                    "share": y.mean() if len(y) else np.nan,
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                }
            )
    return pd.DataFrame(rows)


def record_matched(dataset: str, threshold: int, changes: pd.DataFrame, segments: pd.DataFrame) -> list[str]:
    """Findings ``thresholds.<ds>.period.did.<outcome>.<crude|adjusted>.matched_window`` (+ interval), named as in
    ``periods.record_periods``, and ``thresholds.<ds>.period.<label>.<segment>.share_reaching_<threshold>``."""
    from .adjust import record_estimate
    from .findings import slug

    base, lines = f"thresholds.{dataset}.period", []
    for r in changes.to_dict("records"):
        n = r["outcome"].split("_")[-1]
        what = f"odds_ratio_reaching_{n}" if r["estimand"] == "ratio of odds ratios" else f"time_ratio_to_{n}"
        kind = "crude" if "no covariates" in r["method"] else "adjusted"
        note = (
            f"{r['contrast']} ({r['months']:.1f} months either side of the date): {r['estimand']}, {r['method']}; "
            f"{r['cascades']:,} cascades, {r['excluded']:,} excluded" + (f"; {r['note']}" if r["note"] else "")
        )
        lines.append(
            record_estimate(
                f"{base}.did.{what}.{kind}.matched_window", r["estimate"], r["ci_low"], r["ci_high"], note, 1e-6
            )
        )
    for r in segments.to_dict("records"):
        lines.append(
            record_estimate(
                f"{base}.{slug(r['label'])}.{r['segment']}.share_reaching_{threshold}",
                r["share"],
                r["ci_low"],
                r["ci_high"],
                f"{r['crossing']:,} of {r['sources']:,} cascades posted {r['start']} to {r['end']} (end excluded); "
                "Wilson 95% CI",
            )
        )
    return lines
