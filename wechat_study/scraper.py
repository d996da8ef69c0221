"""The gaps of the WeChat removals archive: days its scraper did not run.

Conventions (docs/methods.md#7-censorship-on-wechat):
- days are Beijing calendar days of ``removal_seen_at``; the archive's span runs from the first to the last
  day on which a removal was seen;
- the archive was gathered by a mirror's scraper that fetched, every hour, the last three days of the
  removals WeChatscope's site showed (the site showed seven): a day with no removal seen is either a quiet
  day or a day the scraper did not run. ``gaps`` tells them apart by the local rate: for each run of
  consecutive days with none seen, the expected removals are the mean count of the ``k`` days on each side
  of the run, per day of the run; the run is an **outage** when seeing none has Poisson probability below
  ``alpha`` (per run, not corrected for the number of runs);
- time series of removals are given per observed (non-outage) day, so an outage is not read as a drop.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "beijing_day", "daily_counts", "gaps", "outage_days", "coverage", "monthly_rates", "outage_spans",
    "record_gaps", "dated"
]


def beijing_day(removals: pd.DataFrame, column: str = "removal_seen_at") -> pd.Series:
    """The Beijing calendar day (midnight, no time zone) of ``column``."""
    return removals[column].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None).dt.normalize()


def daily_counts(removals: pd.DataFrame) -> pd.Series:
    """Removals seen per Beijing day over the archive's span, days with none included (index: the days)."""
    if removals.empty:
        raise ValueError("no removals: the archive's span is undefined")
    days = beijing_day(removals)
    span = pd.date_range(days.min(), days.max(), freq="D", name="day")
    return days.value_counts().reindex(span, fill_value=0).rename("removals")


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each run of True in ``flags``."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), (ends - starts).tolist(), strict=True))


def gaps(counts: pd.Series, k: int = 14, alpha: float = 1e-3) -> pd.DataFrame:
    """Runs of consecutive days with no removal seen, from ``daily_counts``.

    Columns: ``start, end, days, expected`` (removals expected over the run at the local rate, see the module
    docstring), ``p_none`` (Poisson probability of seeing none), ``outage`` (``p_none < alpha``). Longest first,
    then by date."""
    values = counts.to_numpy()
    rows = []
    for start, length in _runs(values == 0):
        around = np.concatenate([values[max(0, start - k) : start], values[start + length : start + length + k]])
        rate = float(around.mean())
        expected = rate * length
        rows.append(
            {
                "start": counts.index[start],
                "end": counts.index[start + length - 1],
                "days": length,
                "expected": expected,
                "p_none": float(np.exp(-expected)),
                "outage": bool(np.exp(-expected) < alpha),
            }
        )
    out = pd.DataFrame(rows, columns=["start", "end", "days", "expected", "p_none", "outage"])
    return out.sort_values(["days", "start"], ascending=[False, True], kind="stable").reset_index(drop=True)


def outage_days(counts: pd.Series, runs: pd.DataFrame) -> pd.Series:
    """Boolean per day of ``counts``: True on days inside a run flagged as an outage."""
    out = pd.Series(False, index=counts.index, name="outage")
    for r in runs[runs["outage"]].itertuples():
        out.loc[r.start : r.end] = True
    return out


def coverage(counts: pd.Series, runs: pd.DataFrame) -> dict:
    """The scraper's coverage: ``span_days, first_day, last_day, days_without_removal, outage_days, outage_runs,
    longest_run_days, longest_run_start`` (dates as YYYY-MM-DD; the longest run among the outages)."""
    outages = runs[runs["outage"]]
    longest = outages.iloc[0] if len(outages) else None
    return {
        "span_days": len(counts),
        "first_day": counts.index[0].strftime("%Y-%m-%d"),
        "last_day": counts.index[-1].strftime("%Y-%m-%d"),
        "days_without_removal": int((counts == 0).sum()),
        "outage_days": int(outages["days"].sum()),
        "outage_runs": len(outages),
        "longest_run_days": int(longest["days"]) if longest is not None else 0,
        "longest_run_start": longest["start"].strftime("%Y-%m-%d") if longest is not None else None,
    }


def monthly_rates(removals: pd.DataFrame, outage: pd.Series) -> pd.DataFrame:
    """Per month (Beijing time) and reason: ``month, reason, removals, days_observed, outage_days,
    per_observed_day`` (removals over the days of the month in the span that were not outage days)."""
    days = pd.DataFrame({"month": outage.index.strftime("%Y-%m"), "outage": outage.to_numpy()})
    per_month = days.groupby("month")["outage"].agg(days="size", outage_days="sum")
    per_month["days_observed"] = per_month["days"] - per_month["outage_days"]
    month = beijing_day(removals).dt.strftime("%Y-%m")
    counts = removals.assign(month=month).groupby(["month", "reason"]).size().unstack(fill_value=0)
    counts = counts.reindex(per_month.index, fill_value=0).stack().rename("removals").reset_index()
    out = counts.merge(per_month[["days_observed", "outage_days"]].reset_index(), on="month")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["per_observed_day"] = out["removals"] / out["days_observed"].replace(0, np.nan)
    out["outage_days"] = out["outage_days"].astype(int)
    return out[["month", "reason", "removals", "days_observed", "outage_days", "per_observed_day"]]


def outage_spans(runs: pd.DataFrame) -> pd.DataFrame:
    """``start, end`` (end exclusive: the day after the last) of each outage, for shading a time axis."""
    o = runs[runs["outage"]]
    return pd.DataFrame({"start": o["start"], "end": o["end"] + pd.Timedelta(days=1)}).sort_values("start")


def record_gaps(
    removals: pd.DataFrame, prefix: str, k: int = 14, alpha: float = 1e-3
) -> tuple[pd.DataFrame, pd.Series]:
    """Findings ``<prefix>.span_days``, ``.days_without_removal``, ``.outage_days``, ``.outage.runs``,
    ``.outage.longest_run_days`` and ``.outage.longest_run_start``; returns (``gaps``, ``outage_days``)."""
    from .findings import record_finding

    counts = daily_counts(removals)
    runs = gaps(counts, k, alpha)
    c = coverage(counts, runs)
    record_finding(f"{prefix}.span_days", c["span_days"], note=f"Beijing days from {c['first_day']} to {c['last_day']}")
    record_finding(
        f"{prefix}.days_without_removal", c["days_without_removal"], note="days in the span with no removal seen"
    )
    record_finding(
        f"{prefix}.outage_days",
        c["outage_days"],
        note=f"days without removal in runs where none has Poisson probability below {alpha:g} "
        "at the local rate: the scraper did not run",
    )
    record_finding(f"{prefix}.outage.runs", c["outage_runs"], note="runs of consecutive outage days")
    record_finding(f"{prefix}.outage.longest_run_days", c["longest_run_days"], note="the longest outage, in days")
    if c["longest_run_start"] is None:
        record_finding(f"{prefix}.outage.longest_run_start", None, reason="no outage detected")
    else:
        record_finding(f"{prefix}.outage.longest_run_start", c["longest_run_start"], note="its first day (Beijing)")
    return runs, outage_days(counts, runs)


def dated(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """``table`` with each of ``columns`` (timestamps) written as YYYY-MM-DD, for reading."""
    return table.assign(**{c: pd.to_datetime(table[c]).dt.strftime("%Y-%m-%d") for c in columns})
