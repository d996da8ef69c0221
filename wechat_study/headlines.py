"""Chart titles that state the chart's point, worded from the numbers the chart draws.

A title is a claim, so each one here reads its table and says only what the table shows: a direction only when
every interval drawn is on one side of no difference, a count only of what is drawn
(docs/methods.md#3-comparisons-and-confounders).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import narrative as nv

__all__ = ["odds_ratios", "within", "quarters_before", "placebos"]


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
        That the placebo dates cannot judge the real date (none, or fewer than ``period_box.MIN_CLEAN``, clear of
        it), or "K of N placebo dates clear of the real one show a change as large as the real date's".

    Examples
    --------
    >>> from wechat_study import headlines
    >>> headlines.placebos({"clean_estimable": 3, "clean_at_least_as_extreme": 0,
    ...                     "clean_share_at_least_as_extreme": 0.0})
    'Only 3 placebo dates are clear of the real one: too few to judge it'
    >>> headlines.placebos({"clean_estimable": 12, "clean_at_least_as_extreme": 4,
    ...                     "clean_share_at_least_as_extreme": 1 / 3})
    "4 of 12 placebo dates clear of the real one show a change as large as the real date's"
    """
    from .period_box import MIN_CLEAN

    n, k = summary["clean_estimable"], summary["clean_at_least_as_extreme"]
    if not n:
        return "No placebo date is clear of the real one, so the placebo dates cannot judge it"
    if n < MIN_CLEAN:
        return f"Only {nv.count(n)} placebo dates are clear of the real one: too few to judge it"
    if k is None or not np.isfinite(k):
        return "The real date has no estimate to set against the placebo dates"
    verb = "shows" if k == 1 else "show"
    return (f"{nv.count(int(k))} of {nv.count(n)} placebo dates clear of the real one {verb} a change as large as "
            "the real date's")
