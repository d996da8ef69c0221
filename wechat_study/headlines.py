"""Chart titles that state the chart's point, worded from the numbers the chart draws.

A title is a claim, so each one here reads its table and says only what the table shows: a direction only when
every interval drawn is on one side of no difference, a count only of what is drawn
(docs/methods.md#3-comparisons-and-confounders).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import narrative as nv
from .placebo import too_few_clean

__all__ = ["odds_ratios", "within", "quarters_before", "placebos", "distinctive_words", "monthly",
           "half_years"]


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
        (above) 1; else that the models do not agree on a clear difference.

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
    t = table.dropna(subset=["estimate", "ci_low", "ci_high"])
    n = nv.count(threshold)
    if len(t) and (t["ci_high"] < 1).all():
        return f"Rumours are less likely than non-rumours to reach {n} reposts, crude and with reach held fixed"
    if len(t) and (t["ci_low"] > 1).all():
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
        "N% of the cascades that cross do so within a day" (or the hours); a plain title when none cross.

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
    c = durations.loc[durations["crossed"].astype(bool), "duration_h"].to_numpy(float)
    when = "a day" if hours == 24 else nv.hours(hours)
    if not len(c):
        return "No cascade crosses the threshold"
    return f"{float(np.mean(c <= hours)):.0%} of the cascades that cross do so within {when}"


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
        "K of N quarters before the date differ from the quarter before it (each alone, no joint test)", or that
        none does.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> e = pd.DataFrame({"bin": [-3, -2, -1, 0], "estimate": [2.2, 1.1, 1.0, 0.8], "ci_low": [1.1, 0.6, 1.0, 0.4],
    ...                   "ci_high": [4.4, 2.0, 1.0, 1.5], "note": ["", "", "reference", ""]})
    >>> headlines.quarters_before(e)
    '1 of 2 quarters before the date differs from the quarter just before it, each taken alone'
    """
    before = events[(events["bin"] < 0) & (events["note"] != "reference")].dropna(subset=["ci_low", "ci_high"])
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
    ...                     "clean_share_at_least_as_extreme": 1 / 3})
    "4 of 12 placebo dates clear of the real one show a change as large as the real date's"
    """
    n, k = summary["clean_estimable"], summary["clean_at_least_as_extreme"]
    if not n:
        return "No placebo date clear of the real one could be estimated, so the placebo dates cannot judge it"
    if k is None or not np.isfinite(k):
        return "The real date has no estimate to set against the placebo dates"
    if too_few_clean(n) and k / n < 0.1:
        return (f"Only {nv.count(n)} placebo {'date' if n == 1 else 'dates'} clear of the real one could be estimated: "
                "too few to judge it")
    verb = "shows" if k == 1 else "show"
    return (f"{nv.count(int(k))} of {nv.count(n)} placebo dates clear of the real one {verb} a change as large as "
            "the real date's")


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
        ``share``.
    threshold : int
        The repost threshold.

    Returns
    -------
    str
        "Rumours' share reaching 500 reposts was below non-rumours' in K of M months" (months holding both
        labels), or a plain title when no month holds both.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> table = pd.DataFrame({"month": ["2013-01-10"] * 2 + ["2013-02-10"] * 2 + ["2013-03-10"],
    ...                       "group": ["rumour", "non-rumour"] * 2 + ["rumour"], "share": [0.1, 0.3, 0.4, 0.2, 0.5]})
    >>> headlines.monthly(table, 500)
    "Rumours' share reaching 500 reposts was below non-rumours' in 1 of 2 months"
    """
    by = "group" if "group" in table else "label"
    wide = table.pivot_table(index="month", columns=by, values="share").dropna()
    if not {"rumour", "non-rumour"} <= set(wide.columns) or wide.empty:
        return f"Share reaching {nv.count(threshold)} reposts, month by month"
    below = int((wide["rumour"] < wide["non-rumour"]).sum())
    return (f"Rumours' share reaching {nv.count(threshold)} reposts was below non-rumours' in {nv.count(below)} of "
            f"{nv.count(len(wide))} months")


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

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import headlines
    >>> headlines.half_years(pd.DataFrame({"half": ["2018H2", "2019H1"], "share": [0.682, 0.618]}))
    'The author-deleted share went from 68.2% in 2018 H2 to 61.8% in 2019 H1'
    """
    if table.empty:
        return f"The {reason} share by half-year"
    (h0, a), (h1, b) = table[["half", "share"]].iloc[0], table[["half", "share"]].iloc[-1]
    return (f"The {reason} share went from {nv.share(a)} in {h0.replace('H', ' H')} to {nv.share(b)} in "
            f"{h1.replace('H', ' H')}")
