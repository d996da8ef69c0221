"""CED's intake around a date as rates per month, over the windows the collection actually covers.

Conventions (docs/methods.md#6-the-september-2013-interpretation):
- times are Beijing time; a *relative month* k runs from the cut + k months to the cut + k + 1 months
  (the 10th to the 10th for 2013-09-10);
- the collection runs from the start of its first source post's day to the end of its last one's
  (``collection_span``); a window is clipped to it and its length is stated in months of 365.25 / 12 days;
- a rate has a Poisson (Garwood) interval; the ratio of two rates the Wilson interval of one count's share of
  the total, conditional on the total; beside it a quasi-Poisson regression on the monthly counts, whose
  interval widens for months that vary more than Poisson counts would.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .periods import IN_FORCE, cut_time
from .thresholds import wilson_interval

__all__ = [
    "TZ", "MONTH_DAYS", "LEVEL", "collection_span", "window", "coverage_sentence", "relative_month",
    "poisson_rate", "quasi_rate", "rate_ratio", "monthly_counts", "overdispersed_rate_ratio", "peak_month",
    "peak_months",
    "without_month", "intake_rates", "month_profile"
]

TZ = "Asia/Shanghai"
MONTH_DAYS = 365.25 / 12
LEVEL = 0.95


def collection_span(cascades: pd.DataFrame) -> tuple[pd.Timestamp, pd.Timestamp]:
    """(start, end) in UTC: Beijing midnight before the first source post and after the last one.

    Parameters
    ----------
    cascades : pandas.DataFrame
        One row per cascade, with ``created_at`` (the source post's time, tz-aware).

    Returns
    -------
    start, end : pandas.Timestamp
        The start of the first source post's Beijing day and the end of the last one's, in UTC.

    Raises
    ------
    ValueError
        No source post has a time.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> cascades = pd.DataFrame({"created_at": pd.to_datetime(["2013-03-01 02:00", "2014-03-31 12:00"], utc=True)})
    >>> intake.collection_span(cascades)
    (Timestamp('2013-02-28 16:00:00+0000', tz='UTC'), Timestamp('2014-03-31 16:00:00+0000', tz='UTC'))
    """
    t = cascades["created_at"].dt.tz_convert(TZ)
    if t.isna().all():
        raise ValueError("no source post has a time: the collection has no span")
    return t.min().normalize().tz_convert("UTC"), (t.max().normalize() + pd.Timedelta(days=1)).tz_convert("UTC")


def window(span, date: str = IN_FORCE, months: int = 12, matched: bool = False) -> dict:
    """The ``months`` either side of ``date``, clipped to ``span``: ``start``, ``cut``, ``end`` (UTC) and the
    lengths ``months_before`` / ``months_after`` actually covered (0 when a side lies outside the span). With
    ``matched``, the longer side is cut to the shorter side's length (the same time either side of the cut).

    The lengths are measured from the cut, so they are the covered lengths when ``date`` lies inside the span;
    for a date after the span's end, ``months_before`` also counts the time between the end and the cut (and
    for a date before its start, ``months_after`` the time between the cut and the start).

    Parameters
    ----------
    span : tuple of pandas.Timestamp
        (start, end) in UTC, as ``collection_span`` gives it.
    date : str
        The cut, a day at 00:00 Beijing time (default: the interpretation's day, 2013-09-10).
    months : int
        Calendar months wanted on each side.
    matched : bool
        Cut the longer side to the shorter one's length.

    Returns
    -------
    dict
        ``start``, ``cut``, ``end`` (UTC timestamps) and ``months_before``, ``months_after`` (floats, in months
        of 365.25 / 12 days).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> t = pd.date_range("2013-03-01", "2013-09-08", periods=80, tz="UTC").append(
    ...     pd.date_range("2013-09-12", "2014-03-31", periods=40, tz="UTC"))
    >>> cascades = pd.DataFrame({"created_at": t, "label": ["rumour", "non-rumour"] * 60})
    >>> span = intake.collection_span(cascades)
    >>> w = intake.window(span)
    >>> w["cut"], round(w["months_before"], 2), round(w["months_after"], 2)
    (Timestamp('2013-09-09 16:00:00+0000', tz='UTC'), 6.34, 6.67)
    >>> w = intake.window(span, matched=True)
    >>> w["end"], round(w["months_after"], 2)
    (Timestamp('2014-03-21 16:00:00+0000', tz='UTC'), 6.34)
    """
    cut = cut_time(date)
    start = max(cut - pd.DateOffset(months=months), span[0])
    end = min(cut + pd.DateOffset(months=months), span[1])
    if matched:
        half = max(min(cut - start, end - cut), pd.Timedelta(0))
        start, end = cut - half, cut + half
    length = lambda a, b: max((b - a) / pd.Timedelta(days=1), 0.0) / MONTH_DAYS  # noqa: E731
    return {
        "start": start,
        "cut": cut,
        "end": end,
        "months_before": length(start, cut),
        "months_after": length(cut, end),
    }


def coverage_sentence(span, date: str = IN_FORCE, months: int = 12) -> str:
    """One sentence: the collection's last source-post day and the months the windows cover on each side of
    ``date`` (at most ``months``, the design's cap, which the sentence names when it binds), saying so when a side
    is empty (then no before/after estimate exists).

    Parameters
    ----------
    span : tuple of pandas.Timestamp
        (start, end) in UTC, as ``collection_span`` gives it.
    date : str
        The cut (default 2013-09-10).
    months : int
        Calendar months wanted on each side (``window``).

    Returns
    -------
    str
        The sentence, months to one decimal.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> t = pd.date_range("2013-03-01", "2013-09-08", periods=80, tz="UTC").append(
    ...     pd.date_range("2013-09-12", "2014-03-31", periods=40, tz="UTC"))
    >>> cascades = pd.DataFrame({"created_at": t, "label": ["rumour", "non-rumour"] * 60})
    >>> span = intake.collection_span(cascades)
    >>> print(intake.coverage_sentence(span))
    The collection's last source post is from 2014-03-31: the windows cover 6.3 months before 2013-09-10 and 6.7
    after.
    >>> print(intake.coverage_sentence((pd.Timestamp("2010-12-01", tz="UTC"), pd.Timestamp("2014-04-11", tz="UTC"))))
    The collection's last source post is from 2014-04-10: the windows cover 12.0 months before 2013-09-10 (the cap
    of 12; the collection starts earlier, on 2010-12-01) and 7.0 after.
    """
    w = window(span, date, months)
    last = (span[1].tz_convert(TZ) - pd.Timedelta(days=1)).strftime("%Y-%m-%d")
    first = span[0].tz_convert(TZ).strftime("%Y-%m-%d")
    capped = f" (the cap of {months}; the collection starts earlier, on {first})" if w["start"] > span[0] else ""
    text = (
        f"The collection's last source post is from {last}: the windows cover {w['months_before']:.1f} months "
        f"before {date}{capped} and {w['months_after']:.1f} after."
    )
    if min(w["months_before"], w["months_after"]) == 0:
        text += " One side of the date holds no source post, so the before/after estimates below are not reached."
    return text


def relative_month(times: pd.Series, date: str = IN_FORCE) -> np.ndarray:
    """k such that cut + k months <= t < cut + (k + 1) months, in Beijing calendar months (the cut's day <= 28).

    Parameters
    ----------
    times : pandas.Series
        Tz-aware times.
    date : str
        The cut, a day at 00:00 Beijing time (default 2013-09-10).

    Returns
    -------
    numpy.ndarray of int
        The relative month of each time: 0 for the month from the cut on, -1 for the month before it.

    Raises
    ------
    ValueError
        The cut's day of the month is after the 28th.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> times = pd.Series(pd.to_datetime(["2013-09-09 15:59", "2013-09-09 16:00", "2013-10-09 16:00"], utc=True))
    >>> intake.relative_month(times, "2013-09-10").tolist()      # 2013-09-10 00:00 Beijing is 16:00 UTC the day before
    [-1, 0, 1]
    """
    cut = cut_time(date).tz_convert(TZ)
    if cut.day > 28:
        raise ValueError(f"the cut's day of the month must be at most 28, not {cut.day}")
    t = times.dt.tz_convert(TZ)
    k = (t.dt.year - cut.year) * 12 + (t.dt.month - cut.month)
    into = t - (t.dt.normalize() - pd.to_timedelta(t.dt.day - 1, unit="D"))
    cut_into = cut - (cut.normalize() - pd.Timedelta(days=cut.day - 1))
    return (k - (into < cut_into).astype(int)).to_numpy(int)


def _month_start(date: str, k: int) -> pd.Timestamp:
    return cut_time(date) + pd.DateOffset(months=int(k))


def quasi_rate(k: int, months: float, dispersion: float, level: float = LEVEL) -> tuple[float, float, float]:
    """``k`` events over ``months`` whose monthly counts vary ``dispersion`` times more than Poisson counts: the
    rate per month and a quasi-Poisson interval, rate × exp(±z·√(φ/k)) with φ the dispersion; the exact
    Poisson interval (``poisson_rate``) when the dispersion is unknown or at most 1, or k = 0.

    Parameters
    ----------
    k : int
        Events counted.
    months : float
        Exposure in months; 0 or less gives NaN.
    dispersion : float
        Pearson chi-squared over its degrees of freedom of a Poisson fit to the monthly counts
        (``overdispersed_rate_ratio``'s ``dispersion``); NaN for unknown.
    level : float
        Coverage of the interval, a share (0.95).

    Returns
    -------
    rate, ci_low, ci_high : float
        Events per month and the interval's bounds; 0 to infinity when the dispersion is infinite.

    Raises
    ------
    ValueError
        When ``k`` is negative.

    Examples
    --------
    >>> from wechat_study import intake
    >>> [round(float(x), 1) for x in intake.quasi_rate(1168, 12.0, 17.0)]
    [97.3, 76.8, 123.3]
    >>> [round(float(x), 3) for x in intake.quasi_rate(12, 6.0, float("nan"))] == [
    ...     round(float(x), 3) for x in intake.poisson_rate(12, 6.0)]
    True
    """
    if isinstance(k, bool) or not np.isfinite(k) or k < 0 or k != int(k):
        raise ValueError(f"quasi_rate: a count of events is a whole number, at least 0; got {k!r}")
    if not 0 < level < 1:
        raise ValueError(f"quasi_rate: level is a share between 0 and 1 (0.95); got {level!r}")
    if months <= 0:
        return np.nan, np.nan, np.nan
    if k > 0 and dispersion == np.inf:
        return k / months, 0.0, np.inf
    if k == 0 or not np.isfinite(dispersion) or dispersion <= 1:
        return poisson_rate(k, months, level)
    half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(float(dispersion) / k)
    rate = k / months
    _, lo, hi = poisson_rate(k, months, level)   # never narrower than the exact Poisson interval
    return rate, min(lo, rate * np.exp(-half)), max(hi, rate * np.exp(half))


def poisson_rate(k: int, months: float, level: float = LEVEL) -> tuple[float, float, float]:
    """``k`` events over ``months``: the rate per month and its exact (Garwood) interval; NaN when months = 0.

    Parameters
    ----------
    k : int
        Events counted.
    months : float
        Exposure in months; 0 or less gives NaN.
    level : float
        Coverage of the interval, a share (0.95).

    Returns
    -------
    rate, ci_low, ci_high : float
        Events per month and the interval's bounds (the lower bound is 0 when ``k`` is 0).

    Examples
    --------
    >>> from wechat_study import intake
    >>> [round(float(x), 3) for x in intake.poisson_rate(12, 6.0)]
    [2.0, 1.033, 3.494]
    """
    if months <= 0:
        return np.nan, np.nan, np.nan
    a = 1 - level
    lo = stats.chi2.ppf(a / 2, 2 * k) / 2 if k > 0 else 0.0
    hi = stats.chi2.ppf(1 - a / 2, 2 * k + 2) / 2
    return k / months, lo / months, hi / months


def rate_ratio(k1: int, t1: float, k2: int, t2: float, level: float = LEVEL) -> dict:
    """(k1 / t1) / (k2 / t2) for two Poisson counts over exposures t1, t2 (months). Given n = k1 + k2, k1 is
    Binomial(n, p) with p = t1·R / (t1·R + t2), so the Wilson interval of p maps to R = p / (1 - p) · t2 / t1.
    Parameters
    ----------
    k1, k2 : int
        The two counts.
    t1, t2 : float
        Their exposures, in months.
    level : float
        Coverage of the interval, a share (0.95).

    Returns
    -------
    dict
        ``ratio, ci_low, ci_high`` (NaN when a count or an exposure is 0).

    Examples
    --------
    >>> from wechat_study import intake
    >>> {k: round(v, 3) for k, v in intake.rate_ratio(80, 6.3, 40, 6.6).items()}
    {'ratio': 2.095, 'ci_low': 1.437, 'ci_high': 3.056}
    """
    if min(k1, k2) <= 0 or min(t1, t2) <= 0:
        return {"ratio": np.nan, "ci_low": np.nan, "ci_high": np.nan}
    lo, hi = (float(v) for v in wilson_interval(k1, k1 + k2, level))
    scale = t2 / t1
    return {"ratio": (k1 / t1) / (k2 / t2), "ci_low": lo / (1 - lo) * scale, "ci_high": hi / (1 - hi) * scale}


def monthly_counts(
    frame: pd.DataFrame, span, date: str, months_before: int, label: str | None = None, drop_months=()
) -> pd.DataFrame:
    """Source posts per relative month from ``months_before`` before ``date`` to the end of ``span``:
    ``k``, ``start`` (UTC), ``days`` observed, ``sources`` (of ``label``, or all). The Beijing calendar months
    ``drop_months`` (YYYY-MM) are left out: their posts and their days (a relative month left with none goes).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade, with ``created_at`` (and ``label`` when ``label`` is given).
    span : tuple of pandas.Timestamp
        (start, end) in UTC; the first and last months are clipped to it.
    date : str
        The cut (relative month 0 starts at it).
    months_before : int
        Calendar months before ``date`` to start at (clipped to the span).
    label : str, optional
        Count only cascades with this ``label``.
    drop_months : str or sequence of str
        Beijing calendar months (YYYY-MM) to leave out.

    Returns
    -------
    pandas.DataFrame
        One row per relative month with days observed: ``k``, ``start`` (the month's start, UTC, not clipped),
        ``days`` (observed, clipped to the span, without dropped days) and ``sources``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> t = pd.date_range("2013-03-01", "2013-09-08", periods=80, tz="UTC").append(
    ...     pd.date_range("2013-09-12", "2014-03-31", periods=40, tz="UTC"))
    >>> cascades = pd.DataFrame({"created_at": t, "label": ["rumour", "non-rumour"] * 60})
    >>> span = intake.collection_span(cascades)
    >>> intake.monthly_counts(cascades, span, "2013-09-10", 12).iloc[[0, 1, 7]]
       k                     start  days  sources
    0 -7 2013-02-09 16:00:00+00:00   9.0        4
    1 -6 2013-03-09 16:00:00+00:00  31.0       13
    7  0 2013-09-09 16:00:00+00:00  30.0        6
    """
    cut = cut_time(date)
    first = max(cut - pd.DateOffset(months=months_before), span[0])
    k0, k1 = int(relative_month(pd.Series([first]), date)[0]), int(relative_month(pd.Series([span[1]]), date)[0])
    rows = []
    for k in range(k0, k1 + 1):
        a, b = max(_month_start(date, k), span[0]), min(_month_start(date, k + 1), span[1])
        days = (b - a) / pd.Timedelta(days=1) - sum(_month_days(m, a, b) * MONTH_DAYS for m in _months(drop_months))
        if days > 1e-9:
            rows.append({"k": k, "start": _month_start(date, k), "days": days})
    out = pd.DataFrame(rows, columns=["k", "start", "days"])
    sub = frame if label is None else frame[frame["label"] == label]
    sub = without_month(sub, drop_months)
    counts = pd.Series(relative_month(sub["created_at"], date)).value_counts()
    return out.assign(sources=out["k"].map(counts).fillna(0).astype(int))


def overdispersed_rate_ratio(counts: pd.DataFrame, level: float = LEVEL) -> dict:
    """Before / after rate ratio from a quasi-Poisson regression of monthly ``sources`` on ``after`` (k >= 0),
    offset log(days / MONTH_DAYS), scale = Pearson chi-squared / df: ``ratio, ci_low, ci_high, dispersion``.

    Parameters
    ----------
    counts : pandas.DataFrame
        Monthly counts as ``monthly_counts`` gives them (``k``, ``days``, ``sources``).
    level : float
        Coverage of the interval, a share (0.95).

    Returns
    -------
    dict
        ``ratio`` (rate before over rate after), ``ci_low, ci_high`` and ``dispersion`` (the fitted scale; 1 for
        Poisson counts). All NaN with fewer than 3 months, months on one side only, or no source post on a side.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> t = pd.date_range("2013-03-01", "2013-09-08", periods=80, tz="UTC").append(
    ...     pd.date_range("2013-09-12", "2014-03-31", periods=40, tz="UTC"))
    >>> cascades = pd.DataFrame({"created_at": t, "label": ["rumour", "non-rumour"] * 60})
    >>> span = intake.collection_span(cascades)
    >>> r = intake.overdispersed_rate_ratio(intake.monthly_counts(cascades, span, "2013-09-10", 12))
    >>> round(r["ratio"], 2), round(r["ci_low"], 2), round(r["ci_high"], 2)
    (2.1, 1.98, 2.23)
    """
    import statsmodels.api as sm

    nan = {"ratio": np.nan, "ci_low": np.nan, "ci_high": np.nan, "dispersion": np.nan}
    after = (counts["k"] >= 0).astype(float)
    if after.nunique() < 2 or len(counts) < 3 or counts.groupby(after)["sources"].sum().min() == 0:
        return nan
    x = sm.add_constant(after.to_numpy())
    fit = sm.GLM(
        counts["sources"].to_numpy(float),
        x,
        family=sm.families.Poisson(),
        offset=np.log(counts["days"].to_numpy(float) / MONTH_DAYS),
    ).fit(scale="X2")
    lo, hi = fit.conf_int(1 - level)[1]
    return {
        "ratio": float(np.exp(-fit.params[1])),
        "ci_low": float(np.exp(-hi)),
        "ci_high": float(np.exp(-lo)),
        "dispersion": float(fit.scale),
    }


def _months(months) -> list[str]:
    """``months`` (one YYYY-MM, or several) as a list without empty strings."""
    return [m for m in ([months] if isinstance(months, str) else list(months)) if m]


def peak_month(frame: pd.DataFrame, span, date: str = IN_FORCE, side: str = "after", months: int = 12) -> str:
    """The Beijing calendar month (YYYY-MM) with the most source posts on ``side`` (``after`` / ``before``) of
    ``date``, within the window of ``months`` clipped to the span; "" when that side holds no source post.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade, with ``created_at``.
    span : tuple of pandas.Timestamp
        (start, end) in UTC.
    date : str
        The cut (default 2013-09-10).
    side : str
        ``"after"``, or anything else for before.
    months : int
        Calendar months on each side (``window``).

    Returns
    -------
    str
        YYYY-MM; the earliest month on a tie.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> t = pd.date_range("2013-03-01", "2013-09-08", periods=80, tz="UTC").append(
    ...     pd.date_range("2013-09-12", "2014-03-31", periods=40, tz="UTC"))
    >>> cascades = pd.DataFrame({"created_at": t, "label": ["rumour", "non-rumour"] * 60})
    >>> span = intake.collection_span(cascades)
    >>> intake.peak_month(cascades, span), intake.peak_month(cascades, span, side="before")
    ('2013-10', '2013-03')
    """
    w = window(span, date, months)
    lo, hi = (w["cut"], w["end"]) if side == "after" else (w["start"], w["cut"])
    t = frame.loc[(frame["created_at"] >= lo) & (frame["created_at"] < hi), "created_at"]
    if t.empty:
        return ""
    return str(t.dt.tz_convert(TZ).dt.strftime("%Y-%m").value_counts().sort_index().idxmax())


def peak_months(frame: pd.DataFrame, span, date: str = IN_FORCE, months: int = 12) -> list[str]:
    """[the busiest calendar month before ``date``, the busiest after] (``peak_month``; "" for an empty side).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade, with ``created_at``.
    span : tuple of pandas.Timestamp
        (start, end) in UTC.
    date : str
        The cut (default 2013-09-10).
    months : int
        Calendar months on each side.

    Returns
    -------
    list of str
        Two YYYY-MM months, before then after.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> t = pd.date_range("2013-03-01", "2013-09-08", periods=80, tz="UTC").append(
    ...     pd.date_range("2013-09-12", "2014-03-31", periods=40, tz="UTC"))
    >>> cascades = pd.DataFrame({"created_at": t, "label": ["rumour", "non-rumour"] * 60})
    >>> span = intake.collection_span(cascades)
    >>> intake.peak_months(cascades, span)
    ['2013-03', '2013-10']
    """
    return [peak_month(frame, span, date, side, months) for side in ("before", "after")]


def without_month(frame: pd.DataFrame, month) -> pd.DataFrame:
    """``frame`` without the source posts of the Beijing calendar month ``month`` (YYYY-MM; or several).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade, with ``created_at``.
    month : str or sequence of str
        YYYY-MM months, Beijing time; empty strings are ignored.

    Returns
    -------
    pandas.DataFrame
        The other rows, index kept.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> t = pd.date_range("2013-03-01", "2013-09-08", periods=80, tz="UTC").append(
    ...     pd.date_range("2013-09-12", "2014-03-31", periods=40, tz="UTC"))
    >>> cascades = pd.DataFrame({"created_at": t, "label": ["rumour", "non-rumour"] * 60})
    >>> span = intake.collection_span(cascades)
    >>> len(intake.without_month(cascades, "2013-05")), len(intake.without_month(cascades, ["2013-05", "2013-06"]))
    (108, 95)
    """
    return frame[~frame["created_at"].dt.tz_convert(TZ).dt.strftime("%Y-%m").isin(_months(month))]


def _month_days(month: str, lo: pd.Timestamp, hi: pd.Timestamp) -> float:
    """Days of the Beijing calendar month ``month`` inside [lo, hi), in months."""
    a = pd.Timestamp(f"{month}-01", tz=TZ).tz_convert("UTC")
    b = a.tz_convert(TZ) + pd.DateOffset(months=1)
    return max((min(b.tz_convert("UTC"), hi) - max(a, lo)) / pd.Timedelta(days=1), 0.0) / MONTH_DAYS


def intake_rates(frame: pd.DataFrame, span, date: str = IN_FORCE, months: int = 12, drop_month="") -> pd.DataFrame:
    """Per label: source posts before and after ``date`` over the covered window, each as a rate per month
    (Garwood interval), and the before / after ratio of the rates (conditional Wilson, and quasi-Poisson on the
    monthly counts). With ``drop_month`` (a YYYY-MM, or several) those months' posts and days are left out.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade, with ``created_at`` and ``label``.
    span : tuple of pandas.Timestamp
        (start, end) in UTC, as ``collection_span`` gives it.
    date : str
        The cut (default 2013-09-10).
    months : int
        Calendar months on each side (``window``).
    drop_month : str or sequence of str
        Beijing calendar months (YYYY-MM) to leave out.

    Returns
    -------
    pandas.DataFrame
        One row per label, sorted: ``label``, ``before``, ``after`` (counts), ``months_before``,
        ``months_after``, ``rate_before`` and ``rate_after`` (per month) with their ``_ci_low`` / ``_ci_high``
        (``quasi_rate``: the exact Poisson interval widened by the months' dispersion),
        ``ratio, ci_low, ci_high`` (``rate_ratio``, before over after) and ``quasi_ratio, quasi_ci_low,
        quasi_ci_high, quasi_dispersion`` (``overdispersed_rate_ratio``). ``attrs["date"]`` is ``date``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> t = pd.date_range("2013-03-01", "2013-09-08", periods=80, tz="UTC").append(
    ...     pd.date_range("2013-09-12", "2014-03-31", periods=40, tz="UTC"))
    >>> cascades = pd.DataFrame({"created_at": t, "label": ["rumour", "non-rumour"] * 60})
    >>> span = intake.collection_span(cascades)
    >>> rates = intake.intake_rates(cascades, span)
    >>> rates[["label", "before", "after", "ratio"]].round(2)
            label  before  after  ratio
    0  non-rumour      40     20    2.1
    1      rumour      40     20    2.1
    """
    w = window(span, date, months)
    d = frame[(frame["created_at"] >= w["start"]) & (frame["created_at"] < w["end"])]
    mb, ma = w["months_before"], w["months_after"]
    for m in _months(drop_month):
        d = without_month(d, m)
        mb, ma = mb - _month_days(m, w["start"], w["cut"]), ma - _month_days(m, w["cut"], w["end"])
    rows = []
    for label, g in d.groupby("label", sort=True):
        before, after = int((g["created_at"] < w["cut"]).sum()), int((g["created_at"] >= w["cut"]).sum())
        counts = monthly_counts(g, (w["start"], w["end"]), date, months, drop_months=_months(drop_month))
        q = overdispersed_rate_ratio(counts)
        rb, ra = quasi_rate(before, mb, q["dispersion"]), quasi_rate(after, ma, q["dispersion"])
        rr = rate_ratio(before, mb, after, ma)
        rows.append(
            {
                "label": label,
                "before": before,
                "after": after,
                "months_before": mb,
                "months_after": ma,
                "rate_before": rb[0],
                "rate_before_ci_low": rb[1],
                "rate_before_ci_high": rb[2],
                "rate_after": ra[0],
                "rate_after_ci_low": ra[1],
                "rate_after_ci_high": ra[2],
                **rr,
                **{f"quasi_{k}": v for k, v in q.items()},
            }
        )
    out = pd.DataFrame(rows)
    out.attrs["date"] = date
    return out


def month_profile(frame: pd.DataFrame, month: str) -> pd.DataFrame:
    """What the collection holds in the Beijing calendar month ``month``: per label ``sources``, the busiest
    ``day`` (YYYY-MM-DD) and ``on_busiest_day``, and ``authors`` (distinct source authors).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade, with ``created_at``, ``label`` and ``author_id``.
    month : str
        YYYY-MM, Beijing time.

    Returns
    -------
    pandas.DataFrame
        Columns ``label, month, sources, day, on_busiest_day, authors``, one row per label, sorted; the
        earliest day on a tie.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import intake
    >>> t = pd.date_range("2013-03-01", "2013-09-08", periods=80, tz="UTC").append(
    ...     pd.date_range("2013-09-12", "2014-03-31", periods=40, tz="UTC"))
    >>> cascades = pd.DataFrame({"created_at": t, "label": ["rumour", "non-rumour"] * 60})
    >>> span = intake.collection_span(cascades)
    >>> cascades["author_id"] = [f"a{i % 7}" for i in range(120)]
    >>> intake.month_profile(cascades, "2013-05")
            label    month  sources         day  on_busiest_day  authors
    0  non-rumour  2013-05        6  2013-05-05               1        6
    1      rumour  2013-05        6  2013-05-03               1        6
    """
    t = frame["created_at"].dt.tz_convert(TZ)
    d = frame.assign(_day=t.dt.strftime("%Y-%m-%d"))[t.dt.strftime("%Y-%m") == month]
    rows = []
    for label, g in d.groupby("label", sort=True):
        days = g["_day"].value_counts().sort_index()
        rows.append(
            {
                "label": label,
                "month": month,
                "sources": len(g),
                "day": days.idxmax(),
                "on_busiest_day": int(days.max()),
                "authors": int(g["author_id"].nunique()),
            }
        )
    return pd.DataFrame(rows, columns=["label", "month", "sources", "day", "on_busiest_day", "authors"])
