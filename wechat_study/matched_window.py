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
    """The cascades of ``frame`` (``periods.cascade_frame``) inside the matched window, with ``period``.

    The matched window is ``intake.window(span, date, months, matched=True)``: ``months`` either side of ``date``
    (00:00 Beijing time), clipped to ``span``, then the longer side cut to the shorter side's length.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade with ``created_at`` (UTC), as ``periods.cascade_frame`` gives it.
    span : tuple of pandas.Timestamp
        The collection's (start, end) in UTC (``intake.collection_span``).
    date : str
        The cut date, ``YYYY-MM-DD`` (default: ``periods.IN_FORCE``, 2013-09-10).
    months : int
        The months either side of ``date`` before clipping and matching.

    Returns
    -------
    pandas.DataFrame
        The rows posted in ``[start, end)`` of the matched window, renumbered from 0, with ``period``
        (``"before"`` for posts before the cut, ``"after"`` from it on).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import matched_window as mw
    >>> from wechat_study.intake import collection_span
    >>> rng = np.random.default_rng(0)
    >>> n, crossed = 400, rng.random(400) < 0.3
    >>> frame = pd.DataFrame({
    ...     "created_at": pd.Timestamp("2012-09-10", tz="UTC") + pd.to_timedelta(rng.uniform(0, 540, n), unit="D"),
    ...     "label": np.where(rng.random(n) < 0.5, "rumour", "non-rumour"),
    ...     "author_id": [f"a{i % 150}" for i in range(n)],
    ...     "log_followers": rng.normal(4, 1, n), "verified": (rng.random(n) < 0.3).astype(float), "reach_known": True,
    ...     "crossed_500": crossed, "hours_to_500": np.where(crossed, rng.lognormal(2, 1, n), np.nan)})
    >>> span = collection_span(frame)     # Beijing midnights: 2012-09-12 to 2014-03-05
    >>> d = mw.matched_frame(frame, span)
    >>> len(d), d["period"].value_counts().to_dict()
    (267, {'before': 140, 'after': 127})
    """
    w = window(span, date, months, matched=True)
    d = frame[(frame["created_at"] >= w["start"]) & (frame["created_at"] < w["end"])].reset_index(drop=True)
    return d.assign(period=np.where(d["created_at"] < w["cut"], "before", "after"))


def matched_changes(
    frame: pd.DataFrame, span, thresholds=(100, 500), share_threshold: int = 500, date: str = IN_FORCE, months: int = 12
) -> pd.DataFrame:
    """The difference in differences on the matched window, crude and adjusted: the ratio of odds ratios of
    ``crossed_<share_threshold>`` and the ratio of median ratios of ``hours_to_N`` for each N. Columns as
    ``periods.period_changes`` plus ``months`` (each side's length).

    Each estimate is the exponentiated rumour × after coefficient (``periods._interaction``) fitted on
    ``matched_frame``: logistic regression for the share crossing (intervals clustered by ``author_id``), median
    regression of log hours for the time to N among the cascades that reach N. The adjusted row adds the reach
    covariates of ``periods.PERIOD_COVARIATES`` that vary among the cascades with known reach
    (``adjust.available_covariates``); when none does, the second row is crude as well.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade (``periods.cascade_frame``): ``created_at``, ``label``, ``author_id``, the reach
        covariates, ``reach_known``, ``crossed_<share_threshold>`` and ``hours_to_<N>`` for each N.
    span : tuple of pandas.Timestamp
        The collection's (start, end) in UTC (``intake.collection_span``).
    thresholds : sequence of int
        The repost counts N whose time ``hours_to_N`` (hours) is compared.
    share_threshold : int
        The repost count whose crossing ``crossed_<share_threshold>`` is compared.
    date : str
        The cut date, ``YYYY-MM-DD`` (default: ``periods.IN_FORCE``, 2013-09-10).
    months : int
        The months either side of ``date`` before clipping and matching.

    Returns
    -------
    pandas.DataFrame
        Two rows per outcome (crude, then adjusted): ``method, estimand, estimate, ci_low, ci_high, p_value,
        cascades, excluded, note, outcome, contrast, months``; ``months`` is the length of each side of the
        matched window, in months.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import matched_window as mw
    >>> from wechat_study.intake import collection_span
    >>> rng = np.random.default_rng(0)
    >>> n, crossed = 400, rng.random(400) < 0.3
    >>> frame = pd.DataFrame({
    ...     "created_at": pd.Timestamp("2012-09-10", tz="UTC") + pd.to_timedelta(rng.uniform(0, 540, n), unit="D"),
    ...     "label": np.where(rng.random(n) < 0.5, "rumour", "non-rumour"),
    ...     "author_id": [f"a{i % 150}" for i in range(n)],
    ...     "log_followers": rng.normal(4, 1, n), "verified": (rng.random(n) < 0.3).astype(float), "reach_known": True,
    ...     "crossed_500": crossed, "hours_to_500": np.where(crossed, rng.lognormal(2, 1, n), np.nan)})
    >>> span = collection_span(frame)     # Beijing midnights: 2012-09-12 to 2014-03-05
    >>> changes = mw.matched_changes(frame, span, thresholds=(500,))
    >>> changes[["outcome", "estimand", "cascades"]].values.tolist()
    [['crossed_500', 'ratio of odds ratios', 267], ['crossed_500', 'ratio of odds ratios', 267],
     ['hours_to_500', 'ratio of median ratios', 74], ['hours_to_500', 'ratio of median ratios', 74]]
    >>> round(float(changes["estimate"].iloc[0]), 2), round(float(changes["months"].iloc[0]), 2)
    (0.54, 5.78)
    """
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
    ``share`` of ``outcome`` with Wilson ``ci_low`` / ``ci_high`` (NaN for an empty segment).

    The window is ``intake.window(span, date, months)`` (not matched). The before side is split at ``months`` // 2
    months before the cut (no earlier than the window's start); each segment runs from ``start`` to ``end``, the
    end excluded.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade with ``label``, ``created_at`` (UTC) and ``outcome`` (``periods.cascade_frame``).
    span : tuple of pandas.Timestamp
        The collection's (start, end) in UTC (``intake.collection_span``).
    outcome : str
        A true/false column, e.g. ``crossed_500``.
    date : str
        The cut date, ``YYYY-MM-DD`` (default: ``periods.IN_FORCE``, 2013-09-10).
    months : int
        The months either side of ``date``, before clipping to ``span``.

    Returns
    -------
    pandas.DataFrame
        One row per label (sorted) and segment: ``label, segment, start, end, sources, crossing, share, ci_low,
        ci_high``; ``share`` is a fraction 0–1 and the interval is 95% Wilson.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import matched_window as mw
    >>> from wechat_study.intake import collection_span
    >>> rng = np.random.default_rng(0)
    >>> n, crossed = 400, rng.random(400) < 0.3
    >>> frame = pd.DataFrame({
    ...     "created_at": pd.Timestamp("2012-09-10", tz="UTC") + pd.to_timedelta(rng.uniform(0, 540, n), unit="D"),
    ...     "label": np.where(rng.random(n) < 0.5, "rumour", "non-rumour"),
    ...     "author_id": [f"a{i % 150}" for i in range(n)],
    ...     "log_followers": rng.normal(4, 1, n), "verified": (rng.random(n) < 0.3).astype(float), "reach_known": True,
    ...     "crossed_500": crossed, "hours_to_500": np.where(crossed, rng.lognormal(2, 1, n), np.nan)})
    >>> span = collection_span(frame)     # Beijing midnights: 2012-09-12 to 2014-03-05
    >>> seg = mw.three_periods(frame, span, "crossed_500")
    >>> seg.loc[seg["label"] == "rumour", ["segment", "start", "end", "sources", "crossing"]].values.tolist()
    [['first_half_before', '2012-09-12', '2013-03-10', 61, 14],
     ['second_half_before', '2013-03-10', '2013-09-10', 67, 23],
     ['after', '2013-09-10', '2014-03-05', 65, 17]]
    >>> round(float(seg["share"].iloc[0]), 3)
    0.239
    """
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
    ``periods.record_periods``, and ``thresholds.<ds>.period.<label>.<segment>.share_reaching_<threshold>``.

    Each is recorded with ``adjust.record_estimate`` (an estimate that does not exist is recorded as not
    reached); the difference in differences within a tolerance of 1e-6, the shares of 1e-9.

    Parameters
    ----------
    dataset : str
        The data set's name, the ``<ds>`` of the finding names.
    threshold : int
        The repost count of the segments' shares, for their names.
    changes : pandas.DataFrame
        ``matched_changes``'s table.
    segments : pandas.DataFrame
        ``three_periods``'s table.

    Returns
    -------
    list of str
        One summary line per finding recorded (``adjust.record_estimate``), in table order.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import matched_window as mw
    >>> from wechat_study.intake import collection_span
    >>> rng = np.random.default_rng(0)
    >>> n, crossed = 400, rng.random(400) < 0.3
    >>> frame = pd.DataFrame({
    ...     "created_at": pd.Timestamp("2012-09-10", tz="UTC") + pd.to_timedelta(rng.uniform(0, 540, n), unit="D"),
    ...     "label": np.where(rng.random(n) < 0.5, "rumour", "non-rumour"),
    ...     "author_id": [f"a{i % 150}" for i in range(n)],
    ...     "log_followers": rng.normal(4, 1, n), "verified": (rng.random(n) < 0.3).astype(float), "reach_known": True,
    ...     "crossed_500": crossed, "hours_to_500": np.where(crossed, rng.lognormal(2, 1, n), np.nan)})
    >>> span = collection_span(frame)     # Beijing midnights: 2012-09-12 to 2014-03-05
    >>> import os, tempfile
    >>> from unittest import mock
    >>> changes, seg = mw.matched_changes(frame, span, thresholds=(500,)), mw.three_periods(frame, span, "crossed_500")
    >>> with tempfile.TemporaryDirectory() as tmp, \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     lines = mw.record_matched("mine", 500, changes, seg)
    >>> len(lines)
    10
    >>> print(lines[0])
    thresholds.mine.period.did.odds_ratio_reaching_500.crude.matched_window = 0.5444 (95% CI 0.164 to 1.808)
    """
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
