"""Chart titles that state the chart's point, worded from the numbers the chart draws.

A title is a claim, so each one here reads its table and says only what the table shows: a direction only when
every interval drawn is on one side of no difference, a count only of what is drawn
(docs/methods.md#3-comparisons-and-confounders).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from . import narrative as nv
from .errors import require_columns
from .placebo import too_few_clean
from .words import word

__all__ = ["odds_ratios", "within", "quarters_before", "placebos", "distinctive_words", "monthly",
           "half_years", "size_matched", "intake", "group_aucs", "clock", "top_reason", "busiest_week",
           "still_under", "calibration"]


def _columns(name: str, table, *needed: str) -> None:
    require_columns(table, needed, f"headlines.{name}")


def _whole_share(p: float) -> str:
    """A share as a whole percentage that never rounds a few to none or nearly all to all."""
    if 0 < p and f"{p:.0%}" == "0%":
        return "under 1%"
    if p < 1 and f"{p:.0%}" == "100%":
        return "over 99%"
    return f"{p:.0%}"


def odds_ratios(table: pd.DataFrame, threshold: int) -> str:
    """The title of a chart of rumour-against-non-rumour odds ratios of reaching ``threshold`` reposts.

    Parameters
    ----------
    table : pandas.DataFrame
        The odds-ratio rows drawn (``adjust.compare_binary``: ``estimate``, ``ci_low``, ``ci_high``); rows without
        an estimate are not drawn and not read.
    threshold : int
        The repost threshold.

    Returns
    -------
    str
        "Rumours are less (more) likely ... crude and with reach held fixed" when every drawn interval lies below
        (above) 1; that the models do not agree on a clear difference; or, with no row estimated, that none could be.

    Raises
    ------
    ValueError
        When ``table`` lacks a column, or an interval runs backwards.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> t = pd.DataFrame({"estimate": [0.45, 0.61], "ci_low": [0.39, 0.50], "ci_high": [0.53, 0.74]})
    >>> headlines.odds_ratios(t, 500)
    'Rumours are less likely than non-rumours to reach 500 reposts, crude and with reach held fixed'
    >>> headlines.odds_ratios(t.assign(ci_high=[0.53, 1.2]), 500)
    'Rumours against non-rumours: not every model shows a clear difference in reaching 500 reposts'
    """
    _columns("odds_ratios", table, "estimate", "ci_low", "ci_high")
    t = table.dropna(subset=["estimate", "ci_low", "ci_high"])
    n = nv.count(threshold)
    if (t["ci_low"] > t["ci_high"]).any():
        raise ValueError("headlines.odds_ratios: an interval runs backwards (ci_low above ci_high)")
    if not len(t):
        return f"Rumours against non-rumours: the odds of reaching {n} reposts could not be compared"
    if (t["ci_high"] < 1).all():
        return f"Rumours are less likely than non-rumours to reach {n} reposts, crude and with reach held fixed"
    if (t["ci_low"] > 1).all():
        return f"Rumours are more likely than non-rumours to reach {n} reposts, crude and with reach held fixed"
    return f"Rumours against non-rumours: not every model shows a clear difference in reaching {n} reposts"


def within(durations: pd.DataFrame, hours: float = 24) -> str:
    """The title of a time-to-threshold chart: the share of the crossers that crossed within ``hours``.

    Parameters
    ----------
    durations : pandas.DataFrame
        ``thresholds.crossing_durations``: ``duration_h`` (hours to the threshold, or to censoring) and
        ``crossed``.
    hours : float
        The time read, hours.

    Returns
    -------
    str
        "N% of the cascades that cross do so within a day" (or the hours; "under 1%" and "over 99%" rather than
        a rounded 0% or 100%); a plain title when none cross. Rows without a duration, or whose ``crossed`` is
        missing, are not read.

    Raises
    ------
    ValueError
        When ``durations`` lacks ``duration_h`` or ``crossed``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> d = pd.DataFrame({"duration_h": [2.0, 10.0, 30.0, 400.0, 50.0], "crossed": [True, True, True, False, True]})
    >>> headlines.within(d)
    '50% of the cascades that cross do so within a day'
    >>> headlines.within(d, hours=6)
    '25% of the cascades that cross do so within 6 hours'
    """
    _columns("within", durations, "duration_h", "crossed")
    crossed = durations["crossed"].astype("boolean").fillna(False).astype(bool)
    c = durations.loc[crossed, "duration_h"].dropna().to_numpy(float)
    when = "a day" if hours == 24 else nv.hours(hours)
    if not len(c):
        return "No cascade crosses the threshold"
    return f"{_whole_share(float(np.mean(c <= hours)))} of the cascades that cross do so within {when}"


def quarters_before(events: pd.DataFrame) -> str:
    """The title of an event-study chart: how many quarters before the date already differ from the reference.

    Parameters
    ----------
    events : pandas.DataFrame
        ``event_study.event_study``: ``bin`` (negative before the date), ``estimate``, ``ci_low``, ``ci_high``,
        ``note`` ("reference" for the reference bin).

    Returns
    -------
    str
        "K of N quarters before the date differ from the quarter before it (each alone, no joint test)", that
        none does, or that none could be compared.

    Raises
    ------
    ValueError
        When ``events`` lacks a column, or an interval runs backwards.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> e = pd.DataFrame({"bin": [-3, -2, -1, 0], "estimate": [2.2, 1.1, 1.0, 0.8], "ci_low": [1.1, 0.6, 1.0, 0.4],
    ...                   "ci_high": [4.4, 2.0, 1.0, 1.5], "note": ["", "", "reference", ""]})
    >>> headlines.quarters_before(e)
    '1 of 2 quarters before the date differs from the quarter just before it, each taken alone'
    """
    _columns("quarters_before", events, "bin", "ci_low", "ci_high", "note")
    before = events[(events["bin"] < 0) & (events["note"] != "reference")].dropna(subset=["ci_low", "ci_high"])
    if (before["ci_low"] > before["ci_high"]).any():
        raise ValueError("headlines.quarters_before: an interval runs backwards (ci_low above ci_high)")
    if before.empty:
        return "No quarter before the date could be compared with the quarter before it"
    k = int(((before["ci_low"] > 1) | (before["ci_high"] < 1)).sum())
    if not k:
        return "No quarter before the date differs clearly from the quarter before it"
    verb = "differs" if k == 1 else "differ"
    return (f"{nv.count(k)} of {nv.count(len(before))} quarters before the date {verb} from the quarter just "
            "before it, each taken alone")


def placebos(summary: dict) -> str:
    """The title of the placebo-date chart, from ``placebo.placebo_summary``, read as
    ``period_box.placebo_reading`` reads it: too few clean placebo dates cannot tell either way.

    Parameters
    ----------
    summary : dict
        ``placebo_summary``: ``clean_estimable``, ``clean_at_least_as_extreme`` and
        ``clean_share_at_least_as_extreme``.

    Returns
    -------
    str
        That the placebo dates cannot judge the real date (none clear of it, or fewer than ``placebo.MIN_CLEAN``
        with under 10% as extreme: ``period_box.placebo_reading``'s rule), or "K of N placebo dates clear of the
        real one show a change as large as the real date's".

    Raises
    ------
    ValueError
        When ``summary`` lacks ``clean_estimable`` or ``clean_at_least_as_extreme``.

    Examples
    --------
    >>> from wechat_study import headlines
    >>> headlines.placebos({"clean_estimable": 3, "clean_at_least_as_extreme": 0,
    ...                     "clean_share_at_least_as_extreme": 0.0})
    'Only 3 placebo dates clear of the real one could be estimated: too few to judge it'
    >>> headlines.placebos({"clean_estimable": 8, "clean_at_least_as_extreme": 7,
    ...                     "clean_share_at_least_as_extreme": 7 / 8})
    "7 of 8 placebo dates clear of the real one show a change as large as the real date's"
    >>> headlines.placebos({"clean_estimable": 12, "clean_at_least_as_extreme": 4,
    ...                     "clean_share_at_least_as_extreme": 1 / 3, "clean_same_direction": 3})
    "4 of 12 placebo dates clear of the real one show a change as large as the real date's (3 in its direction)"
    """
    _columns("placebos", summary, "clean_estimable", "clean_at_least_as_extreme")
    n, k = summary["clean_estimable"], summary["clean_at_least_as_extreme"]
    if not n:
        return "No placebo date clear of the real one could be estimated, so the placebo dates cannot judge it"
    if k is None or not np.isfinite(k):
        return "The real date has no estimate to set against the placebo dates"
    if too_few_clean(n) and k / n < 0.1:
        return (f"Only {nv.count(n)} placebo {'date' if n == 1 else 'dates'} clear of the real one could be estimated: "
                "too few to judge it")
    verb = "shows" if k == 1 else "show"
    same = summary.get("clean_same_direction")
    side = (f" ({nv.count(int(same))} in its direction)" if same is not None and np.isfinite(same) and k else "")
    return (f"{nv.count(int(k))} of {nv.count(n)} placebo dates clear of the real one {verb} a change as large as "
            f"the real date's{side}")


def distinctive_words(row, reason: str) -> str:
    """The title of a reason's distinctive-words chart, from its ``titles.distinctive_summary`` row: how many
    words pass the Bonferroni line, and how many of them pass it counting each account once too.

    Parameters
    ----------
    row : mapping or None
        ``words_distinctive`` and ``words_distinctive_accounts`` (None: the reason has no title tested).
    reason : str
        The reason in words (e.g. "author deleted").

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When ``row`` lacks ``words_distinctive`` or ``words_distinctive_accounts``.

    Examples
    --------
    >>> from wechat_study import headlines
    >>> headlines.distinctive_words({"words_distinctive": 50, "words_distinctive_accounts": 39}, "rule violation")
    "39 words stand out in 'rule violation' titles counting accounts as well as titles (50 on titles alone)"
    >>> headlines.distinctive_words({"words_distinctive": 1, "words_distinctive_accounts": 0}, "author deleted")
    "No word stands out in 'author deleted' titles counting accounts as well as titles (1 on titles alone)"
    >>> headlines.distinctive_words({"words_distinctive": 0, "words_distinctive_accounts": 0}, "author deleted")
    "No word stands out in 'author deleted' titles, allowing for the many words tested"
    """
    if row is not None:
        _columns("distinctive_words", row, "words_distinctive", "words_distinctive_accounts")
    if row is not None and any(nv.formatted(row[c], "count") == nv.NOT_REACHED
                               for c in ("words_distinctive", "words_distinctive_accounts")):
        return f"Distinctive words in '{reason}' titles could not be counted"
    k = int(row["words_distinctive"]) if row is not None else 0
    both = int(row["words_distinctive_accounts"]) if row is not None else 0
    if not k:
        return f"No word stands out in '{reason}' titles, allowing for the many words tested"
    if both == k:
        verb = "word stands" if k == 1 else "words stand"
        return f"{nv.count(k)} {verb} out in '{reason}' titles, by titles and by accounts"
    lead = f"{nv.count(both)} {'word stands' if both == 1 else 'words stand'}" if both else "No word stands"
    return f"{lead} out in '{reason}' titles counting accounts as well as titles ({nv.count(k)} on titles alone)"


def monthly(table: pd.DataFrame, threshold: int) -> str:
    """The title of the monthly share chart: in how many months rumours' share crossing was below non-rumours'.

    Parameters
    ----------
    table : pandas.DataFrame
        ``event_study.monthly_series``: ``month``, ``label`` (or ``group``: "rumour", "non-rumour") and
        ``share``, optionally ``few`` (True for a month with too few cascades of a label: left out).
    threshold : int
        The repost threshold.

    Returns
    -------
    str
        "Rumours' share reaching 500 reposts was below non-rumours' in K of the M months" (months holding both
        labels, not ``few``), or a plain title when no month holds both.

    Raises
    ------
    ValueError
        When ``table`` lacks ``month``, the label column or ``share``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> table = pd.DataFrame({"month": ["2013-01-10"] * 2 + ["2013-02-10"] * 2 + ["2013-03-10"],
    ...                       "group": ["rumour", "non-rumour"] * 2 + ["rumour"], "share": [0.1, 0.3, 0.4, 0.2, 0.5]})
    >>> headlines.monthly(table, 500)
    "Rumours' share reaching 500 reposts was below non-rumours' in 1 of the 2 months"
    """
    by = "group" if "group" in table else "label"
    _columns("monthly", table, "month", by, "share")
    thin = table["few"].fillna(False).astype(bool) if "few" in table else pd.Series(False, index=table.index)
    wide = table[~thin].pivot_table(index="month", columns=by, values="share").dropna()
    if not {"rumour", "non-rumour"} <= set(wide.columns) or wide.empty:
        return f"Share reaching {nv.count(threshold)} reposts, month by month"
    below = int((wide["rumour"] < wide["non-rumour"]).sum())
    enough = " with enough cascades of each" if thin.any() else ""
    return (f"Rumours' share reaching {nv.count(threshold)} reposts was below non-rumours' in {nv.count(below)} of "
            f"the {nv.count(len(wide))} months{enough}")


def half_years(table: pd.DataFrame, reason: str = "author-deleted") -> str:
    """The title of the half-year share chart: the share in the first half-year and in the last.

    Parameters
    ----------
    table : pandas.DataFrame
        ``censorship.by_half_year``: ``half`` (e.g. ``2018H2``) and ``share``, in time order.
    reason : str
        The reason in words.

    Returns
    -------
    str

    Raises
    ------
    ValueError
        When ``table`` lacks ``half`` or ``share``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> headlines.half_years(pd.DataFrame({"half": ["2018H2", "2019H1"], "share": [0.682, 0.618]}))
    'The author-deleted share went from 68.2% in 2018 H2 to 61.8% in 2019 H1'
    """
    _columns("half_years", table, "half", "share")
    if table.empty:
        return f"The {reason} share by half-year"
    (h0, a), (h1, b) = table[["half", "share"]].iloc[0], table[["half", "share"]].iloc[-1]
    return (f"The {reason} share went from {nv.share(a)} in {h0.replace('H', ' H')} to {nv.share(b)} in "
            f"{h1.replace('H', ' H')}")


def size_matched(table: pd.DataFrame, measure: str = "structural virality") -> str:
    """The title of the size-matched chart: in how many size bins rumours' median is the higher.

    Parameters
    ----------
    table : pandas.DataFrame
        ``compare.size_matched``: ``difference`` (rumours' median minus non-rumours'), NaN where a bin lacks a
        group (not read).
    measure : str
        The measure's name in words.

    Returns
    -------
    str
        "Size for size, rumours' median structural virality is higher in K of the M size bins", or a plain
        title when no bin holds both groups.

    Raises
    ------
    ValueError
        When ``table`` has no ``difference`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> headlines.size_matched(pd.DataFrame({"difference": [0.5, 0.2, -0.1, None]}))
    "Size for size, rumours' median structural virality is higher in 2 of the 3 size bins holding both"
    """
    _columns("size_matched", table, "difference")
    d = table["difference"].dropna()
    if d.empty:
        return f"Median {measure} of rumours and non-rumours, size for size"
    return (f"Size for size, rumours' median {measure} is higher in {nv.count(int((d > 0).sum()))} of the "
            f"{nv.count(len(d))} size bins holding both")


def intake(rates: pd.DataFrame, label: str = "rumour") -> str:
    """The title of the monthly intake chart: ``label``'s source posts per month before the date and after.

    Parameters
    ----------
    rates : pandas.DataFrame
        ``intake.intake_rates``: ``label``, ``rate_before`` and ``rate_after`` (source posts per month).
    label : str
        The label read.

    Returns
    -------
    str
        "The collection holds 97.4 rumours a month before the date and 18.7 after", or a plain title when the
        label or a rate is missing.

    Raises
    ------
    ValueError
        When ``rates`` lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> headlines.intake(pd.DataFrame({"label": ["rumour"], "rate_before": [97.38], "rate_after": [18.7]}))
    'The collection holds 97.4 rumours a month before the date and 18.7 after'
    """
    _columns("intake", rates, "label", "rate_before", "rate_after")
    row = rates[rates["label"] == label]
    if row.empty or row[["rate_before", "rate_after"]].isna().any(axis=None):
        return "What the collection holds: source posts per month"
    r = row.iloc[0]
    return (f"The collection holds {nv.number(r['rate_before'])} {label}s a month before the date and "
            f"{nv.number(r['rate_after'])} after")


def group_aucs(table: pd.DataFrame, minutes: float, model: str = "count_baseline") -> str:
    """The title of the AUC-by-label chart: ``model``'s AUC on rumours and on non-rumours at ``minutes``.

    Parameters
    ----------
    table : pandas.DataFrame
        ``early_readings.aucs_by_group``: ``model``, ``at_min``, ``group`` and ``auc``.
    minutes : float
        The observation time, minutes after posting.
    model : str
        The model read (the count of reposts so far by default).

    Returns
    -------
    str
        "At 60 minutes the count of reposts scores an AUC of 0.61 on rumours and 0.81 on non-rumours", or a
        plain title when either is missing.

    Raises
    ------
    ValueError
        When ``table`` lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> t = pd.DataFrame({"model": "count_baseline", "at_min": 60.0, "group": ["rumour", "non-rumour"],
    ...                   "auc": [0.611, 0.808]})
    >>> headlines.group_aucs(t, 60)
    'At 60 minutes the count of reposts scores an AUC of 0.61 on rumours and 0.81 on non-rumours'
    """
    _columns("group_aucs", table, "model", "at_min", "group", "auc")
    d = table[(table["model"] == model) & (table["at_min"] == minutes)].set_index("group")["auc"]
    who = "the count of reposts" if model == "count_baseline" else model.replace("_", " ")
    if not {"rumour", "non-rumour"} <= set(d.dropna().index):
        return nv.say("ROC-AUC by label at {t:minutes}", t=minutes)
    return nv.say("At {t:minutes} {w:text} scores an AUC of {r:auc} on rumours and {n:auc} on non-rumours",
                  t=minutes, w=who, r=d["rumour"], n=d["non-rumour"])


def clock(row, minutes: float) -> str:
    """The title of the censor's-clock chart: what the rule has warned of, and falsely flagged, by ``minutes``.

    Parameters
    ----------
    row : mapping
        ``early_warning.censors_clock``'s row at that time: ``recall`` and ``false_alarm_rate`` (0–1).
    minutes : float
        The time, minutes after posting.

    Returns
    -------
    str
        "By 60 minutes SEISMIC's rule has warned of 57% of the cascades that will cross, and flagged 15% of
        those that never do", or a plain title when either share is missing.

    Examples
    --------
    >>> from wechat_study import headlines
    >>> headlines.clock({"recall": 0.574, "false_alarm_rate": 0.154}, 60)
    "By 60 minutes SEISMIC's rule has warned of 57% of the cascades that will cross, and flagged 15% of those
     that never do"
    """
    recall, false = row.get("recall"), row.get("false_alarm_rate")
    if nv.formatted(recall, "share") == nv.NOT_REACHED or nv.formatted(false, "share") == nv.NOT_REACHED:
        return "SEISMIC's alarms hour by hour: warnings, false alarms and crossings"
    return (nv.say("By {t:minutes} SEISMIC's rule has warned of ", t=minutes)
            + f"{_whole_share(float(recall))} of the cascades that will cross, and flagged "
            f"{_whole_share(float(false))} of those that never do")


def top_reason(rates: pd.DataFrame, value: str = "per_observed_day") -> str:
    """The title of the monthly removals chart: the reason with the most removals in most months.

    Parameters
    ----------
    rates : pandas.DataFrame
        ``scraper.monthly_rates``: ``month``, ``reason`` (a code) and ``value``; months where ``value`` is NaN
        (no observed day) are not read.
    value : str
        The column compared.

    Returns
    -------
    str
        "Deletions by the author lead every other reason in K of the M observed months", or a plain title.

    Raises
    ------
    ValueError
        When ``rates`` lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> r = pd.DataFrame({"month": ["2019-01"] * 2 + ["2019-02"] * 2, "reason": ["author_deleted", "violation"] * 2,
    ...                   "per_observed_day": [5.0, 1.0, 2.0, 3.0]})
    >>> headlines.top_reason(r)
    'Deleted by the author and removed for a rule violation each lead in 1 of the 2 observed months'
    """

    _columns("top_reason", rates, "month", "reason", value)
    wide = rates.pivot_table(index="month", columns="reason", values=value).dropna(how="all")
    if wide.empty:
        return "Removals seen per observed day, by month and reason"
    sole = wide.eq(wide.max(axis=1), axis=0).sum(axis=1) == 1   # a month two reasons tie in has no leader
    top = wide[sole].idxmax(axis=1).value_counts()
    n = len(wide)
    if top.empty:
        return "Removals seen per observed day, by month and reason: no reason leads in any month"
    k = int(top.iloc[0])
    if len(top) > 1 and int(top.iloc[1]) == k:
        return (f"{word(top.index[0]).capitalize()} and {word(top.index[1])} each lead in {nv.count(k)} of the "
                f"{nv.count(n)} observed months")
    months = ("the one observed month" if n == 1 else f"all {nv.count(n)} observed months" if k == n
              else f"{nv.count(k)} of the {nv.count(n)} observed months")
    return f"{word(top.index[0]).capitalize()}: the most frequent reason in {months}"


def busiest_week(weeks: pd.DataFrame, what: str = "accounts first seen blocked") -> str:
    """The title of a weekly bar chart: the busiest week's share of the total.

    Parameters
    ----------
    weeks : pandas.DataFrame
        ``blocking.blocking_weeks``: ``week`` (its Monday) and ``accounts``.
    what : str
        What is counted, in words.

    Returns
    -------
    str
        "11 of the 80 accounts first seen blocked fall in one week, from 2018-12-17", or a plain title when
        none is counted.

    Raises
    ------
    ValueError
        When ``weeks`` lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> w = pd.DataFrame({"week": pd.to_datetime(["2019-01-07", "2019-01-14"]), "accounts": [2, 9]})
    >>> headlines.busiest_week(w)
    '9 of the 11 accounts first seen blocked fall in one week, from 2019-01-14'
    """
    _columns("busiest_week", weeks, "week", "accounts")
    total = int(weeks["accounts"].sum())
    if not total:
        return f"{what.capitalize()}, week by week"
    top = weeks.loc[weeks["accounts"].idxmax()]
    return (f"{nv.count(int(top['accounts']))} of the {nv.count(total)} {what} fall in one week, from "
            f"{pd.Timestamp(top['week']):%Y-%m-%d}")


def still_under(curves: pd.DataFrame, threshold: int, hours: float = 24) -> str:
    """The title of a Kaplan–Meier chart: each group's share still under ``threshold`` reposts at ``hours``.

    Parameters
    ----------
    curves : pandas.DataFrame
        ``thresholds.kaplan_meier``'s curves: ``group``, ``hours`` and ``survival`` (S(t), a step function
        from hour 0).
    threshold : int
        The repost threshold.
    hours : float
        The time read (a day by default).

    Returns
    -------
    str
        "A day after posting, 81% of rumours and 67% of non-rumours are still under 500 reposts" (groups in
        the table's order), or a plain title when the table is empty.

    Raises
    ------
    ValueError
        When ``curves`` lacks a column, or a share lies outside 0–1.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> c = pd.DataFrame({"group": ["rumour"] * 3 + ["non-rumour"] * 3, "hours": [0, 10, 30] * 2,
    ...                   "survival": [1.0, 0.9, 0.7, 1.0, 0.8, 0.5]})
    >>> headlines.still_under(c, 500)
    'A day after posting, 90% of rumours and 80% of non-rumours are still under 500 reposts'
    """
    _columns("still_under", curves, "group", "hours", "survival")
    when = "A day" if hours == 24 else nv.hours(hours)
    parts = []
    for group, g in curves.groupby("group", sort=False):
        seen = g[g["hours"] <= hours].dropna(subset=["survival"]).sort_values("hours")
        if ((seen["survival"] < 0) | (seen["survival"] > 1)).any():
            raise ValueError("headlines.still_under: a survival share lies outside 0–1")
        if not seen.empty:
            share = _whole_share(float(seen["survival"].iloc[-1]))
            parts.append(f"{share} of {group}s" if group in ("rumour", "non-rumour")
                         else f"{share} of cascades" if group == "all" else f"{share} in {group}")
    if not parts:
        return f"Time to {nv.count(threshold)} reposts"
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    verb = "are"   # "of rumours", "of cascades": plural
    return f"{when} after posting, {listed} {verb} still under {nv.count(threshold)} reposts"


def calibration(reliability: pd.DataFrame, minutes: float, least: int = 20) -> str:
    """The title of the calibration chart: how far the calibrated probabilities miss the share that crossed.

    The Brier scores are not ranked here: they come without intervals and differ little.

    Parameters
    ----------
    reliability : pandas.DataFrame
        ``early_warning.calibration``: ``model``, ``at_min``, ``predicted``, ``observed``, ``cascades``.
    minutes : float
        The observation time, minutes after posting.
    least : int
        Bins with fewer cascades are not drawn, so they do not count.

    Returns
    -------
    str
        "At 60 minutes the calibrated probabilities understate crossing: for each of the 2 models the bin
        furthest from the diagonal crossed more often than predicted, by up to 31 points", "... miss the
        share that crossed by up to N points" when the models differ in direction, or a plain title when no
        bin is drawn.

    Raises
    ------
    ValueError
        When ``reliability`` lacks a column.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> r = pd.DataFrame({"model": ["seismic", "seismic", "count_baseline"], "at_min": 60.0,
    ...                   "predicted": [0.1, 0.44, 0.52], "observed": [0.15, 0.75, 0.60], "cascades": [40, 30, 90]})
    >>> headlines.calibration(r, 60)
    'At 60 minutes the calibrated probabilities understate crossing: for each of the 2 models the bin furthest
     from the diagonal crossed more often than predicted, by up to 31 points'
    """
    _columns("calibration", reliability, "model", "at_min", "predicted", "observed", "cascades")
    d = reliability[(reliability["at_min"] == minutes) & (reliability["cascades"] >= least)]
    d = d.dropna(subset=["predicted", "observed"])
    if d.empty:
        return nv.say("Calibration at {t:minutes}", t=minutes)
    gap = d["observed"] - d["predicted"]
    worst = gap.abs().groupby(d["model"]).idxmax()
    signs = np.sign(gap.loc[worst.to_numpy()])
    points = math.ceil(round(100 * float(gap.abs().max()), 6))
    if (signs != 0).all() and signs.nunique() == 1:
        how = "understate" if signs.iloc[0] > 0 else "overstate"
        often = "more" if signs.iloc[0] > 0 else "less"
        whom = "the one model" if len(worst) == 1 else f"each of the {nv.count(len(worst))} models"
        return nv.say("At {t:minutes} the calibrated probabilities {h:text} crossing: for {w:text} the bin furthest "
                      "from the diagonal crossed {o:text} often than predicted, by up to {g:count} points",
                      t=minutes, h=how, w=whom, o=often, g=points)
    return nv.say("At {t:minutes} the calibrated probabilities miss the share that crossed by up to {g:count} points",
                  t=minutes, g=points)
