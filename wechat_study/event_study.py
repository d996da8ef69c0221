"""An event study and placebo dates around the 2013 interpretation, and the findings of the section.

Conventions (docs/methods.md#6-the-september-2013-interpretation):
- months are counted from the cut as in ``intake`` (whose window and rate functions are re-exported here);
  a *bin* is ``bin_months`` relative months (quarters by default);
- the difference in differences is the ratio of odds ratios of crossing (rumour against non-rumour, after
  against before), from a logistic regression with reach covariates, intervals clustered by source author;
- none of this is the law's effect: it describes how CED's cascades, and its intake, change around a date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import adjust as cmp
from .intake import (
    LEVEL,
    MONTH_DAYS,
    TZ,
    _month_start,
    _months,
    collection_span,
    coverage_sentence,
    cut_time,
    intake_rates,
    month_profile,
    monthly_counts,
    overdispersed_rate_ratio,
    peak_month,
    peak_months,
    poisson_rate,
    rate_ratio,
    relative_month,
    window,
    without_month,
)
from .period_box import add_to_box
from .periods import IN_FORCE, PERIOD_COVARIATES
from .placebo import MIN_CELL, placebo, placebo_dates, placebo_summary, record_placebos, summary_facts
from .thresholds import wilson_interval

SHORT_MONTH = 0.5  # a month observed for less than this share of a month gets no rate

__all__ = [
    "MIN_CELL",
    "MONTH_DAYS",
    "TZ",
    "add_to_box",
    "collection_span",
    "coverage_sentence",
    "cut_time",
    "did",
    "event_study",
    "intake_rates",
    "month_profile",
    "monthly_counts",
    "monthly_series",
    "overdispersed_rate_ratio",
    "peak_month",
    "peak_months",
    "placebo",
    "placebo_dates",
    "placebo_summary",
    "poisson_rate",
    "rate_ratio",
    "record_event_study",
    "relative_month",
    "short_month_note",
    "summary_facts",
    "window",
    "without_month",
]


def monthly_series(
    frame: pd.DataFrame, span, outcome: str, date: str = IN_FORCE, months_before: int = 18, min_cascades: int = 20
) -> pd.DataFrame:
    """Per relative month and label: ``k``, ``month`` (its first day, Beijing), ``days`` observed, ``sources``,
    ``sources_per_month`` (Garwood interval), ``crossing`` and ``share`` of ``outcome`` (Wilson interval), and
    the flags ``few`` (under ``min_cascades`` source posts), ``partial`` (fewer days than a full month) and
    ``short`` (under ``SHORT_MONTH`` of a month observed: its rate is left NaN, as a day or two scaled up to a
    month says nothing; ``short_month_note`` counts what was left out).

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade (``periods.cascade_frame``): ``label``, ``created_at`` and ``outcome``.
    span : tuple of pandas.Timestamp
        (start, end) in UTC, as ``collection_span`` gives it.
    outcome : str
        A boolean column, e.g. ``crossed_500``.
    date : str
        The cut, a day at 00:00 Beijing time (default 2013-09-10); month k = 0 starts there.
    months_before : int
        Relative months before the cut to start from (clipped to ``span``).
    min_cascades : int
        A month with fewer source posts is flagged ``few``.

    Returns
    -------
    pandas.DataFrame
        One row per label and relative month ``k`` from ``monthly_counts``: ``label, k, month, days, sources,
        sources_per_month, rate_ci_low, rate_ci_high, crossing, share, ci_low, ci_high, few, partial, short``.
        Rates are per month of 365.25 / 12 days, shares 0–1, intervals 95%.

    Examples
    --------
    The synthetic corpus starts on 2013-09-10, so the example cuts six months later.

    >>> import wechat_study as ws
    >>> from wechat_study import event_study as es, periods
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> frame = periods.cascade_frame(ws.cascade_metrics(corpus.posts, thresholds=(10,)), corpus.cascades, (10,))
    >>> span = es.collection_span(corpus.cascades)
    >>> monthly = es.monthly_series(frame, span, "crossed_10", "2014-03-10", months_before=6)
    >>> monthly[["label", "k", "month", "days", "sources", "share"]].head(3).round(3)
            label  k       month  days  sources  share
    0  non-rumour -6  2013-09-10  29.0        5  0.800
    1  non-rumour -5  2013-10-10  31.0        3  0.333
    2  non-rumour -4  2013-11-10  30.0        5  0.600
    """
    rows = []
    for label, g in frame.groupby("label", sort=True):
        counts = monthly_counts(g, span, date, months_before, label)
        k = pd.Series(relative_month(g["created_at"], date), index=g.index)
        crossing = g[outcome].astype(bool).groupby(k).sum()
        for r in counts.to_dict("records"):
            n, c = r["sources"], int(crossing.get(r["k"], 0))
            short = r["days"] < SHORT_MONTH * MONTH_DAYS
            rate, rlo, rhi = (np.nan,) * 3 if short else poisson_rate(n, r["days"] / MONTH_DAYS)
            lo, hi = wilson_interval(c, n) if n else (np.nan, np.nan)
            rows.append(
                {
                    "label": label,
                    "k": r["k"],
                    "month": r["start"].tz_convert(TZ).strftime("%Y-%m-%d"),
                    "days": r["days"],
                    "sources": n,
                    "sources_per_month": rate,
                    "rate_ci_low": rlo,
                    "rate_ci_high": rhi,
                    "crossing": c,
                    "share": c / n if n else np.nan,
                    "ci_low": float(lo),
                    "ci_high": float(hi),
                    "few": n < min_cascades,
                    "partial": r["days"] < (_month_start(date, r["k"] + 1) - _month_start(date, r["k"])).days,
                    "short": short,
                }
            )
    return pd.DataFrame(rows)


def short_month_note(monthly: pd.DataFrame) -> str:
    """One sentence: how many months of ``monthly_series`` are ``short`` (left out of the rates and the plotted
    shares) and the source posts they hold; "" when none is.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``monthly_series``' table (``month``, ``days``, ``sources``, ``short``); without a ``short`` column no
        month is short.

    Returns
    -------
    str
        The sentence, naming each short month with its days observed and the source posts of every label in
        them; ``""`` when no month is short.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import event_study as es
    >>> monthly = pd.DataFrame({"label": ["non-rumour", "rumour", "non-rumour", "rumour"],
    ...                         "month": ["2014-03-10", "2014-03-10", "2014-04-10", "2014-04-10"],
    ...                         "days": [31.0, 31.0, 2.0, 2.0], "sources": [9, 8, 3, 1],
    ...                         "short": [False, False, True, True]})
    >>> print(es.short_month_note(monthly))
    1 month observed for less than half a month (from 2014-04-10, 2 days; 4 source posts) is left out of the
    monthly rates and of the plotted shares.
    >>> es.short_month_note(monthly[~monthly["short"]])
    ''
    """
    s = monthly[monthly["short"]] if "short" in monthly else monthly.iloc[:0]
    if s.empty:
        return ""
    months = sorted(s["month"].unique())
    days = s.groupby("month")["days"].first()
    held = ", ".join(f"{m}, {days[m]:.0f} day{'' if round(days[m]) == 1 else 's'}" for m in months)
    return (
        f"{len(months)} month{'s' if len(months) > 1 else ''} observed for less than half a month (from {held}; "
        f"{int(s['sources'].sum()):,} source posts) {'are' if len(months) > 1 else 'is'} left out of the monthly "
        "rates and of the plotted shares."
    )


def _clustered_logit(d: pd.DataFrame, formula: str, cluster: str | None):
    """A logistic fit of ``formula`` on ``d``, intervals clustered by ``cluster`` (when a column), or a reason."""
    import statsmodels.formula.api as smf

    from .clustered import cluster_codes

    kw = {}
    if cluster and cluster in d:
        kw = {"cov_type": "cluster", "cov_kwds": {"groups": cluster_codes(d[cluster])[0]}}
    return cmp._fit(lambda: smf.logit(formula, d).fit(disp=0, **kw))


def _model_rows(frame: pd.DataFrame, outcome: str, covariates) -> tuple[pd.DataFrame, list[str]]:
    covs = list(covariates)
    if covs:
        covs = cmp.available_covariates(frame[frame["reach_known"]], covs)
    d = frame.dropna(subset=[outcome, *covs]).copy()
    d["_y"], d["_r"] = d[outcome].astype(float), (d["label"] == "rumour").astype(float)
    return d, covs


def did(
    frame: pd.DataFrame,
    span,
    outcome: str,
    date: str = IN_FORCE,
    months: int = 12,
    covariates=PERIOD_COVARIATES,
    cluster: str | None = "author_id",
    level: float = LEVEL,
    matched: bool = False,
) -> dict:
    """Ratio of odds ratios of ``outcome``: (rumour vs non-rumour) after against before ``date``, within the
    ``months`` either side (clipped to ``span``); logistic regression on rumour x after plus ``covariates``,
    intervals clustered by ``cluster``. Returns ``adjust._result`` fields plus ``date`` and the cell counts.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade (``periods.cascade_frame``): ``label``, ``created_at``, ``reach_known``,
        ``outcome`` and the covariates.
    span : tuple of pandas.Timestamp
        (start, end) in UTC, as ``collection_span`` gives it.
    outcome : str
        A boolean column, e.g. ``crossed_500``.
    date : str
        The cut, a day at 00:00 Beijing time (default 2013-09-10).
    months : int
        Calendar months on each side (``window``).
    covariates : sequence of str
        Reach covariates; only those that vary among the cascades of known reach are used
        (``adjust.available_covariates``). Default ``PERIOD_COVARIATES``.
    cluster : str or None
        The column whose values cluster the intervals (default ``author_id``); None, or a column the frame
        lacks, gives unclustered intervals.
    level : float
        Interval coverage, 0–1.
    matched : bool
        Cut the longer side to the shorter one's length (``window(matched=True)``), so that a drift inside a
        long before window cannot pass for a change at the date.

    Returns
    -------
    dict
        ``date``, ``months_before``, ``months_after``, the cascades per cell (``rumours_before``,
        ``rumours_after``, ``non_rumours_before``, ``non_rumours_after``; a cell with none is absent) and
        ``method, estimand, estimate, ci_low, ci_high, p_value, cascades, excluded, note``. The estimate is
        NaN with the reason in ``note`` when a cell is empty or has no variation in the outcome, or the model
        cannot be fitted.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import event_study as es, periods
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> frame = periods.cascade_frame(ws.cascade_metrics(corpus.posts, thresholds=(10,)), corpus.cascades, (10,))
    >>> span = es.collection_span(corpus.cascades)
    >>> result = es.did(frame, span, "crossed_10", "2014-03-10", months=6)
    >>> result["method"], round(result["estimate"], 3), result["rumours_after"]
    ('logistic regression (log_followers; clustered by author_id)', 0.796, 33)
    """
    w = window(span, date, months, matched)
    inside = frame[(frame["created_at"] >= w["start"]) & (frame["created_at"] < w["end"])]
    d, covs = _model_rows(inside, outcome, covariates)
    d["_after"] = (d["created_at"] >= w["cut"]).astype(float)
    cells = d.groupby(["_r", "_after"])["_y"].agg(["sum", "count"])
    counts = {
        f"{'rumours' if r else 'non_rumours'}_{'after' if a else 'before'}": int(n)
        for (r, a), n in cells["count"].items()
    }
    method = f"logistic regression ({', '.join(covs) or 'no covariates'}; clustered by {cluster or 'nothing'})"
    base = {"date": date, "months_before": w["months_before"], "months_after": w["months_after"], **counts}
    if len(cells) < 4 or (cells["sum"] == 0).any() or (cells["sum"] == cells["count"]).any():
        return {
            **base,
            **cmp._result(
                method,
                "ratio of odds ratios",
                n=len(d),
                note="a label-period cell is empty or has no variation in the outcome",
            ),
        }
    fit = _clustered_logit(d, "_y ~ _r * _after" + "".join(f" + {k}" for k in covs), cluster)
    if isinstance(fit, str):
        return {**base, **cmp._result(method, "ratio of odds ratios", n=len(d), note=fit)}
    lo, hi = fit.conf_int(1 - level).loc["_r:_after"]
    b = fit.params["_r:_after"]
    return {
        **base,
        **cmp._result(
            method,
            "ratio of odds ratios",
            np.exp(b),
            (np.exp(lo), np.exp(hi)),
            fit.pvalues["_r:_after"],
            int(fit.nobs),
            len(inside) - int(fit.nobs),  # no recorded reach
        ),
    }


def event_study(
    frame: pd.DataFrame,
    span,
    outcome: str,
    date: str = IN_FORCE,
    months_before: int = 18,
    bin_months: int = 3,
    reference: int = -1,
    covariates=PERIOD_COVARIATES,
    cluster: str | None = "author_id",
    level: float = LEVEL,
) -> pd.DataFrame:
    """The rumour-vs-non-rumour odds ratio of ``outcome`` in each bin of ``bin_months`` relative months, relative
    to the bin ``reference`` (the last before the cut): exp of the rumour x bin coefficients of one logistic
    regression with bin indicators and ``covariates``, intervals clustered by ``cluster``. Rows per bin: ``bin``,
    ``first_month`` (k), ``mid_month``, ``start`` (Beijing date), ``rumours``, ``non_rumours``, ``estimate``,
    ``ci_low``, ``ci_high`` (1 with no interval at the reference), ``note``. A bin where a label has no cascade, or no
    variation in the outcome, is left out of the fit and says so.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade (``periods.cascade_frame``).
    span : tuple of pandas.Timestamp
        (start, end) in UTC; cascades from ``months_before`` before the cut (or the span's start, if later) to
        the span's end are used.
    outcome : str
        A boolean column, e.g. ``crossed_500``.
    date : str
        The cut, a day at 00:00 Beijing time (default 2013-09-10).
    months_before : int
        Calendar months before the cut to start from.
    bin_months : int
        Relative months per bin (3: quarters); bin b holds months b·bin_months to (b + 1)·bin_months - 1.
    reference : int
        The bin every odds ratio is relative to (-1: the last before the cut).
    covariates : sequence of str
        Reach covariates, used where they vary (``adjust.available_covariates``).
    cluster : str or None
        The column whose values cluster the intervals (default ``author_id``).
    level : float
        Interval coverage, 0–1.

    Returns
    -------
    pandas.DataFrame
        One row per bin holding a cascade: ``bin, first_month, mid_month, start, rumours, non_rumours,
        estimate, ci_low, ci_high, note``, ``months`` (of data in the bin: the last may be short, and ``note``
        says so) and ``thin`` (fewer than ``placebo.MIN_CELL`` cascades of a label: estimated, but ``note``
        asks for care). When the reference bin cannot be estimated, or fewer than two bins can, every
        estimate is NaN and ``note`` says why; when the model cannot be fitted, ``note`` holds the reason.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import event_study as es, periods
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> frame = periods.cascade_frame(ws.cascade_metrics(corpus.posts, thresholds=(10,)), corpus.cascades, (10,))
    >>> span = es.collection_span(corpus.cascades)
    >>> events = es.event_study(frame, span, "crossed_10", "2014-03-10", months_before=6)
    >>> events[["bin", "start", "rumours", "non_rumours", "estimate", "months", "thin"]].round(3)
       bin       start  rumours  non_rumours  estimate  months  thin
    0   -2  2013-09-10       12           13     0.333     3.0  True
    1   -1  2013-12-10       18           23     1.000     3.0  True
    2    0  2014-03-10       18           27     1.338     3.0  True
    3    1  2014-06-10       15           19     0.122     3.0  True
    """
    lo_t = max(cut_time(date) - pd.DateOffset(months=months_before), span[0])
    d, covs = _model_rows(frame[(frame["created_at"] >= lo_t) & (frame["created_at"] < span[1])], outcome, covariates)
    d["_bin"] = np.floor_divide(relative_month(d["created_at"], date), bin_months)
    cells = d.groupby(["_bin", "_r"])["_y"].agg(["sum", "count"]).unstack("_r")
    ok = [
        b
        for b, r in cells.iterrows()
        if (r["count"].fillna(0) > 0).all() and (r["sum"] > 0).all() and (r["sum"] < r["count"]).all()
    ]
    rows = [
        {
            "bin": int(b),
            "first_month": int(b) * bin_months,
            "mid_month": (int(b) + 0.5) * bin_months,
            "start": _month_start(date, int(b) * bin_months).tz_convert(TZ).strftime("%Y-%m-%d"),
            "rumours": int(np.nan_to_num(cells.loc[b, ("count", 1.0)])) if ("count", 1.0) in cells else 0,
            "non_rumours": int(np.nan_to_num(cells.loc[b, ("count", 0.0)])) if ("count", 0.0) in cells else 0,
            "estimate": np.nan,
            "ci_low": np.nan,
            "ci_high": np.nan,
            "note": "" if b in ok else "left out: a label has no cascade or no variation",
        }
        for b in cells.index
    ]
    out = pd.DataFrame(rows)
    ends = [min(_month_start(date, (int(b) + 1) * bin_months), span[1]) for b in out["bin"]]
    starts = [_month_start(date, int(b) * bin_months) for b in out["bin"]]
    out["months"] = [round((e - s0).days / MONTH_DAYS, 1) for s0, e in zip(starts, ends, strict=True)]
    out["thin"] = (out[["rumours", "non_rumours"]].min(axis=1) < MIN_CELL).to_numpy()
    short = out["months"] < bin_months - 0.5
    out.loc[short & (out["note"] == ""), "note"] = [f"{m:g} month{'' if m == 1 else 's'} of data only" for m in out.loc[
        short & (out["note"] == ""), "months"]]
    thin_note = f"fewer than {MIN_CELL} cascades of a label: read with care"
    out.loc[out["thin"] & (out["note"] == ""), "note"] = thin_note
    out.loc[out["thin"] & ~out["note"].isin(["", thin_note]) & ~out["note"].str.startswith("left out"), "note"] += (
        f"; {thin_note}")
    if reference not in ok or len(ok) < 2:
        return out.assign(note=np.where(out["note"] == "", "the reference bin cannot be estimated", out["note"]))
    d = d[d["_bin"].isin(ok)]
    fit = _clustered_logit(
        d, f"_y ~ C(_bin, Treatment(reference={reference})) * _r" + "".join(f" + {k}" for k in covs), cluster
    )
    if isinstance(fit, str):
        return out.assign(note=fit)
    ci = fit.conf_int(1 - level)
    for i, b in out["bin"].items():
        term = f"C(_bin, Treatment(reference={reference}))[T.{b}]:_r"
        if b == reference:
            out.loc[i, ["estimate", "note"]] = [1.0, "reference"]
        elif term in fit.params:
            out.loc[i, ["estimate", "ci_low", "ci_high"]] = np.exp([fit.params[term], *ci.loc[term]])
    return out


def record_event_study(
    dataset: str,
    threshold: int,
    span,
    intake: pd.DataFrame,
    intake_peak: pd.DataFrame,
    peak: str,
    peak_did: dict,
    placebos: pd.DataFrame,
    events: pd.DataFrame,
    monthly: pd.DataFrame,
) -> list[str]:
    """Findings ``thresholds.<ds>.period.*``: the window covered, intake per month and its before / after
    ratio (with and without the ``peak`` months, the busiest before and after the date, ``peak_months``), the
    difference in differences without them, the placebo dates and their summary (``placebo.record_placebos``),
    the event study and the monthly series (short months without a rate); one line each.

    Parameters
    ----------
    dataset : str
        The data set, the second word of every finding's name.
    threshold : int
        The N of the outcome (``crossed_<N>``), for names and notes.
    span : tuple of pandas.Timestamp
        (start, end) in UTC, as ``collection_span`` gives it.
    intake : pandas.DataFrame
        ``intake_rates``' table; its ``attrs["date"]`` (default 2013-09-10) is the cut of the window lengths.
    intake_peak : pandas.DataFrame
        ``intake_rates`` with ``drop_month`` the peak months.
    peak : str or sequence of str
        One month (YYYY-MM, taken as the after side's, as ``peak_month`` gives it) or ``peak_months``' pair.
    peak_did : dict
        ``did`` on the cascades without the peak months.
    placebos : pandas.DataFrame
        ``placebo``'s table.
    events : pandas.DataFrame
        ``event_study``'s table.
    monthly : pandas.DataFrame
        ``monthly_series``' table.

    Returns
    -------
    list of str
        One line per estimate, as ``adjust.record_estimate`` returns them; the counts, months and tables are
        recorded without a line.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import event_study as es, periods
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> frame = periods.cascade_frame(ws.cascade_metrics(corpus.posts, thresholds=(10,)), corpus.cascades, (10,))
    >>> span = es.collection_span(corpus.cascades)
    >>> date, outcome = "2014-03-10", "crossed_10"
    >>> intake = es.intake_rates(frame, span, date, months=6)
    >>> peaks = es.peak_months(frame, span, date, months=6)
    >>> intake_peak = es.intake_rates(frame, span, date, months=6, drop_month=peaks)
    >>> peak_did = es.did(es.without_month(frame, peaks), span, outcome, date, months=6)
    >>> placebos = es.placebo(frame, span, outcome, ["2014-01-10", "2014-05-10"], date)
    >>> events = es.event_study(frame, span, outcome, date, months_before=6)
    >>> monthly = es.monthly_series(frame, span, outcome, date, months_before=6)
    >>> lines = es.record_event_study("synthetic", 10, span, intake, intake_peak, peaks, peak_did, placebos,
    ...                               events, monthly)
    >>> print(lines[0])
    thresholds.synthetic.period.non_rumour.before.sources_per_month = 6.088 (95% CI 4.264 to 8.428)
    """
    from .adjust import record_estimate
    from .findings import record_finding, slug

    base, lines = f"thresholds.{dataset}.period", []
    record_finding(
        f"{base}.collection_end",
        f"{span[1].tz_convert(TZ):%Y-%m-%d}",
        note="Beijing midnight after the last source post: the end of every after window",
    )
    w = window(span, str(intake.attrs.get("date", IN_FORCE)))
    for side in ("before", "after"):
        record_finding(
            f"{base}.window.months_{side}",
            float(w[f"months_{side}"]),
            tolerance=1e-9,
            note=f"months (of 365.25 / 12 days) of the window {side} the date: what the collection covers, "
            "capped at 12",
        )
    for r in intake.to_dict("records"):
        p = f"{base}.{slug(r['label'])}"
        for side in ("before", "after"):
            lines.append(
                record_estimate(
                    f"{p}.{side}.sources_per_month",
                    r[f"rate_{side}"],
                    r[f"rate_{side}_ci_low"],
                    r[f"rate_{side}_ci_high"],
                    f"{r[side]:,} source posts over {r[f'months_{side}']:.1f} months; quasi-Poisson 95% CI (the "
                    f"exact Poisson interval widened by the months' dispersion, {r['quasi_dispersion']:.1f})"
                    if np.isfinite(r["quasi_dispersion"]) else
                    f"{r[side]:,} source posts over {r[f'months_{side}']:.1f} months; Poisson (Garwood) 95% CI",
                )
            )
        lines.append(
            record_estimate(
                f"{p}.intake_rate_ratio",
                r["ratio"],
                r["ci_low"],
                r["ci_high"],
                f"source posts per month before the date over per month after: {r['before']:,} in "
                f"{r['months_before']:.1f} months against {r['after']:,} in {r['months_after']:.1f}; "
                "Poisson conditional (Wilson) 95% CI",
            )
        )
        lines.append(
            record_estimate(
                f"{p}.intake_rate_ratio_overdispersed",
                r["quasi_ratio"],
                r["quasi_ci_low"],
                r["quasi_ci_high"],
                f"the same ratio from a quasi-Poisson regression on monthly counts "
                f"(dispersion {r['quasi_dispersion']:.1f}); 95% CI"
                if np.isfinite(r["quasi_ratio"])
                else "not estimable: a side of the date has no month or no source post",
                1e-6,
            )
        )
    months = ", ".join(_months(peak)) or "no month"
    for r in intake_peak.to_dict("records"):
        p = f"{base}.{slug(r['label'])}"
        counts = f"{r['before']:,} in {r['months_before']:.1f} months against {r['after']:,} in {r['months_after']:.1f}"
        lines.append(
            record_estimate(
                f"{p}.intake_rate_ratio.without_peak_months",
                r["ratio"],
                r["ci_low"],
                r["ci_high"],
                f"as intake_rate_ratio without {months} (the busiest month on each side): {counts}",
            )
        )
        lines.append(
            record_estimate(
                f"{p}.intake_rate_ratio_overdispersed.without_peak_months",
                r["quasi_ratio"],
                r["quasi_ci_low"],
                r["quasi_ci_high"],
                f"as intake_rate_ratio_overdispersed without {months} (the busiest month on each side): {counts}; "
                f"dispersion {r['quasi_dispersion']:.1f}",
                1e-6,
            )
        )
    for side, month in zip(("before", "after"), _peak_sides(peak), strict=True):
        record_finding(
            f"{base}.peak_month" + ("" if side == "after" else "_before"),
            month or None,
            reason=None if month else f"no source post {side} the date",
            note=f"the calendar month {side} the date with the most source posts",
        )
    name = f"{base}.did.odds_ratio_reaching_{threshold}.adjusted.without_peak_months"
    lines.append(
        record_estimate(
            name,
            peak_did["estimate"],
            peak_did["ci_low"],
            peak_did["ci_high"],
            f"ratio of odds ratios without {months}; {peak_did['method']}; {peak_did['cascades']:,} cascades"
            + (f"; {peak_did['note']}" if peak_did["note"] else ""),
            1e-6,
        )
    )
    lines += record_placebos(base, threshold, placebos)
    record_finding(
        f"{base}.event_study",
        events,
        tolerance=_tolerance(events, 1e-6),
        note="rumour vs non-rumour odds ratio of crossing by bin, relative to the last bin before the date",
    )
    for label, g in monthly.groupby("label", sort=True):
        cols = ["month", "days", "sources", "sources_per_month", "share", "ci_low", "ci_high", "few", "short"]
        record_finding(
            f"{base}.monthly.{slug(label)}",
            g[cols],
            tolerance=1e-9,
            note="source posts, per month, and share crossing by month counted from the date",
        )
    return lines


def _peak_sides(peak) -> tuple[str, str]:
    """(before, after) from ``peak``: one month (the after side's, as ``peak_month``) or ``peak_months``."""
    return ("", peak) if isinstance(peak, str) else (str(peak[0]), str(peak[1]))


def _tolerance(table: pd.DataFrame, tol: float) -> float | None:
    """``tol`` for a table holding a float; None when every float column is empty (then it holds no floats)."""
    return tol if any(table[c].dtype.kind == "f" and table[c].notna().any() for c in table) else None
