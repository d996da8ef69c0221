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
    """The Beijing calendar day (midnight, no time zone) of ``column``.

    Parameters
    ----------
    removals : pandas.DataFrame
        A table with a time-zone-aware timestamp column.
    column : str
        The column (``removal_seen_at``: when the archive first saw the removal).

    Returns
    -------
    pandas.Series
        Naive timestamps at midnight, on ``removals``' index.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import scraper
    >>> removals = pd.DataFrame({"removal_seen_at": pd.to_datetime(["2018-03-01 17:30", "2018-03-01 15:59"], utc=True)})
    >>> scraper.beijing_day(removals).dt.strftime("%Y-%m-%d").tolist()
    ['2018-03-02', '2018-03-01']
    """
    return removals[column].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None).dt.normalize()


def daily_counts(removals: pd.DataFrame) -> pd.Series:
    """Removals seen per Beijing day over the archive's span, days with none included (index: the days).

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals, with ``removal_seen_at`` (time-zone aware).

    Returns
    -------
    pandas.Series
        ``removals``: the count per day, indexed by ``day`` (Beijing days, naive, from the first to the last
        day a removal was seen).

    Raises
    ------
    ValueError
        When ``removals`` is empty (the span is undefined).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import scraper
    >>> seen = pd.date_range("2018-03-01 12:00", periods=30, freq="D", tz="Asia/Shanghai").repeat(4)
    >>> removals = pd.DataFrame({"removal_seen_at": seen, "reason": ["violation", "author_deleted"] * 60})
    >>> removals = removals[~removals["removal_seen_at"].dt.day.isin([10, 11, 12, 20])]  # none seen on 4 days
    >>> counts = scraper.daily_counts(removals)
    >>> len(counts), counts["2018-03-09":"2018-03-13"].tolist()
    (30, [4, 0, 0, 0, 4])
    """
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
    then by date.

    Parameters
    ----------
    counts : pandas.Series
        ``daily_counts`` output.
    k : int
        Days on each side of a run whose mean count is the local rate (fewer at the span's ends; the days
        taken may include other days with none seen).
    alpha : float
        A run is an outage when its ``p_none`` is below it (per run, not corrected for the number of runs).

    Returns
    -------
    pandas.DataFrame
        One row per run; ``start`` and ``end`` are its first and last days (inclusive), ``days`` its length.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import scraper
    >>> seen = pd.date_range("2018-03-01 12:00", periods=30, freq="D", tz="Asia/Shanghai").repeat(4)
    >>> removals = pd.DataFrame({"removal_seen_at": seen, "reason": ["violation", "author_deleted"] * 60})
    >>> removals = removals[~removals["removal_seen_at"].dt.day.isin([10, 11, 12, 20])]  # none seen on 4 days
    >>> runs = scraper.gaps(scraper.daily_counts(removals))
    >>> runs[["days", "outage"]].to_dict("records"), round(float(runs.loc[1, "p_none"]), 3)
    ([{'days': 3, 'outage': True}, {'days': 1, 'outage': False}], 0.03)
    """
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
    """Boolean per day of ``counts``: True on days inside a run flagged as an outage.

    Parameters
    ----------
    counts : pandas.Series
        ``daily_counts`` output.
    runs : pandas.DataFrame
        ``gaps`` output for those counts.

    Returns
    -------
    pandas.Series
        ``outage``, on the index of ``counts``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import scraper
    >>> seen = pd.date_range("2018-03-01 12:00", periods=30, freq="D", tz="Asia/Shanghai").repeat(4)
    >>> removals = pd.DataFrame({"removal_seen_at": seen, "reason": ["violation", "author_deleted"] * 60})
    >>> removals = removals[~removals["removal_seen_at"].dt.day.isin([10, 11, 12, 20])]  # none seen on 4 days
    >>> counts = scraper.daily_counts(removals)
    >>> runs = scraper.gaps(counts)
    >>> outage = scraper.outage_days(counts, runs)
    >>> outage[outage].index.strftime("%m-%d").tolist()
    ['03-10', '03-11', '03-12']
    """
    out = pd.Series(False, index=counts.index, name="outage")
    for r in runs[runs["outage"]].itertuples():
        out.loc[r.start : r.end] = True
    return out


def coverage(counts: pd.Series, runs: pd.DataFrame) -> dict:
    """The scraper's coverage: ``span_days, first_day, last_day, days_without_removal, outage_days, outage_runs,
    longest_run_days, longest_run_start`` (dates as YYYY-MM-DD; the longest run among the outages).

    Parameters
    ----------
    counts : pandas.Series
        ``daily_counts`` output.
    runs : pandas.DataFrame
        ``gaps`` output for those counts (longest first).

    Returns
    -------
    dict
        The keys above; counts in days. With no outage, ``longest_run_days`` is 0 and ``longest_run_start`` None.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import scraper
    >>> seen = pd.date_range("2018-03-01 12:00", periods=30, freq="D", tz="Asia/Shanghai").repeat(4)
    >>> removals = pd.DataFrame({"removal_seen_at": seen, "reason": ["violation", "author_deleted"] * 60})
    >>> removals = removals[~removals["removal_seen_at"].dt.day.isin([10, 11, 12, 20])]  # none seen on 4 days
    >>> counts = scraper.daily_counts(removals)
    >>> runs = scraper.gaps(counts)
    >>> scraper.coverage(counts, runs)
    {'span_days': 30, 'first_day': '2018-03-01', 'last_day': '2018-03-30', 'days_without_removal': 4,
     'outage_days': 3, 'outage_runs': 1, 'longest_run_days': 3, 'longest_run_start': '2018-03-10'}
    """
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
    per_observed_day`` (removals over the days of the month in the span that were not outage days).

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``removal_seen_at`` and ``reason``.
    outage : pandas.Series
        ``outage_days`` output: one boolean per day of the span.

    Returns
    -------
    pandas.DataFrame
        One row per month of the span (YYYY-MM) and reason, a reason with no removal in a month counted 0;
        ``per_observed_day`` is NaN for a month with no observed day.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import scraper
    >>> seen = pd.date_range("2018-03-01 12:00", periods=30, freq="D", tz="Asia/Shanghai").repeat(4)
    >>> removals = pd.DataFrame({"removal_seen_at": seen, "reason": ["violation", "author_deleted"] * 60})
    >>> removals = removals[~removals["removal_seen_at"].dt.day.isin([10, 11, 12, 20])]  # none seen on 4 days
    >>> counts = scraper.daily_counts(removals)
    >>> runs = scraper.gaps(counts)
    >>> rates = scraper.monthly_rates(removals, scraper.outage_days(counts, runs))
    >>> rates.round(3).to_dict("records")[0]
    {'month': '2018-03', 'reason': 'author_deleted', 'removals': 52, 'days_observed': 27, 'outage_days': 3,
     'per_observed_day': 1.926}
    """
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
    """``start, end`` (end exclusive: the day after the last) of each outage, for shading a time axis.

    Parameters
    ----------
    runs : pandas.DataFrame
        ``gaps`` output.

    Returns
    -------
    pandas.DataFrame
        One row per outage, by start (e.g. for ``charts.with_gaps``).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import scraper
    >>> seen = pd.date_range("2018-03-01 12:00", periods=30, freq="D", tz="Asia/Shanghai").repeat(4)
    >>> removals = pd.DataFrame({"removal_seen_at": seen, "reason": ["violation", "author_deleted"] * 60})
    >>> removals = removals[~removals["removal_seen_at"].dt.day.isin([10, 11, 12, 20])]  # none seen on 4 days
    >>> counts = scraper.daily_counts(removals)
    >>> runs = scraper.gaps(counts)
    >>> scraper.dated(scraper.outage_spans(runs), "start", "end").to_dict("records")
    [{'start': '2018-03-10', 'end': '2018-03-13'}]
    """
    o = runs[runs["outage"]]
    return pd.DataFrame({"start": o["start"], "end": o["end"] + pd.Timedelta(days=1)}).sort_values("start")


def record_gaps(
    removals: pd.DataFrame, prefix: str, k: int = 14, alpha: float = 1e-3
) -> tuple[pd.DataFrame, pd.Series]:
    """Findings ``<prefix>.span_days``, ``.days_without_removal``, ``.outage_days``, ``.outage.runs``,
    ``.outage.longest_run_days`` and ``.outage.longest_run_start``; returns (``gaps``, ``outage_days``).

    ``.outage.longest_run_start`` is recorded as not reached when no outage is detected.

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals, with ``removal_seen_at``.
    prefix : str
        The findings' prefix (e.g. ``censorship.wechatscope.scraper``).
    k : int
        As for ``gaps``.
    alpha : float
        As for ``gaps``.

    Returns
    -------
    tuple of (pandas.DataFrame, pandas.Series)
        ``gaps(daily_counts(removals), k, alpha)`` and the ``outage_days`` of those runs.

    Raises
    ------
    ValueError
        From ``daily_counts``, when ``removals`` is empty.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study.findings import read_recorded
    >>> import pandas as pd
    >>> from wechat_study import scraper
    >>> seen = pd.date_range("2018-03-01 12:00", periods=30, freq="D", tz="Asia/Shanghai").repeat(4)
    >>> removals = pd.DataFrame({"removal_seen_at": seen, "reason": ["violation", "author_deleted"] * 60})
    >>> removals = removals[~removals["removal_seen_at"].dt.day.isin([10, 11, 12, 20])]  # none seen on 4 days
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = os.path.join(tmp, "findings.jsonl")
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": sink}):
    ...         runs, outage = scraper.record_gaps(removals, "censorship.mine.scraper")
    ...     found = read_recorded(sink)
    >>> found["censorship.mine.scraper.outage_days"]["value"], int(outage.sum()), len(runs)
    (3, 3, 2)
    """
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
    """``table`` with each of ``columns`` (timestamps) written as YYYY-MM-DD, for reading.

    Parameters
    ----------
    table : pandas.DataFrame
        Any table; it is not changed.
    *columns : str
        Columns of timestamps (or anything ``pandas.to_datetime`` reads).

    Returns
    -------
    pandas.DataFrame
        A copy with those columns as strings.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import scraper
    >>> table = pd.DataFrame({"start": pd.to_datetime(["2018-03-10"]), "days": [3]})
    >>> scraper.dated(table, "start").to_dict("records")
    [{'start': '2018-03-10', 'days': 3}]
    """
    return table.assign(**{c: pd.to_datetime(table[c]).dt.strftime("%Y-%m-%d") for c in columns})
