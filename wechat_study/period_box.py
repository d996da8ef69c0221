"""The findings-box sentences of the 2013 section of report 03 (``event_study.add_to_box``).

Each sentence is added only when the findings it names were recorded; its wording follows them:
- the difference in differences over the full windows (12 months before, what the collection covers after) is
  read against the matched window (the before side cut to the after side's length): where the matched estimate's
  interval covers 1 and the full one's does not, the change "disappears"; where it is nearer 1, it "shrinks";
- the reading against placebo dates follows the clean placebos (windows not containing the real date): with
  fewer than ``placebo.MIN_CLEAN`` of them (or none) the placebos cannot tell, either way; otherwise at least 10% of
  them as far from 1 reads as "not peculiar to the date", fewer as "stands out"; the pooled share is given second.
"""

from __future__ import annotations

import numpy as np

from .placebo import MIN_CELL, too_few_clean

__all__ = ["matched_clause", "placebo_reading", "add_to_box"]

def _value(found: dict, name: str):
    return (found.get(name) or {}).get("value")


def matched_clause(full: tuple, matched: tuple) -> str:
    """How the matched-window estimate reads against the full one, each (estimate, ci_low, ci_high).

    Parameters
    ----------
    full : tuple of float
        The ratio of odds ratios over the full windows and its interval, ``(estimate, ci_low, ci_high)``.
    matched : tuple of float
        The same over the matched window (the before side cut to the after side's length).

    Returns
    -------
    str
        ``"disappears"`` when the matched interval covers 1 and the full one does not; otherwise ``"shrinks"``
        when the matched estimate is nearer 1 on the log scale; otherwise ``"holds"``. Empty when any of the six
        numbers is None or not finite.

    Examples
    --------
    >>> from wechat_study.period_box import matched_clause
    >>> matched_clause((0.6, 0.4, 0.9), (0.8, 0.5, 1.2)), matched_clause((0.6, 0.4, 0.9), (0.7, 0.5, 0.95))
    ('disappears', 'shrinks')
    >>> matched_clause((0.6, 0.4, 0.9), (0.5, 0.3, 0.8)), matched_clause((0.6, 0.4, 0.9), (None, None, None))
    ('holds', '')
    """
    if any(v is None or not np.isfinite(v) for v in (*full, *matched)):
        return ""
    covers = lambda t: t[1] <= 1 <= t[2]  # noqa: E731
    if covers(matched) and not covers(full):
        return "disappears"
    if abs(np.log(matched[0])) < abs(np.log(full[0])):
        return "shrinks"
    return "holds"


def placebo_reading(clean_share, clean_n: int) -> str:
    """The reading of the real date against the clean placebos (``clean_n`` of them, ``clean_share`` as extreme).

    Parameters
    ----------
    clean_share : float or None
        The share 0–1 of the clean placebo dates (windows not containing the real date) whose change is at
        least as far from 1 as the real date's.
    clean_n : int
        How many clean placebo dates could be estimated.

    Returns
    -------
    str
        A clause for the findings box: the placebos cannot tell (no clean placebo or no share); the change is
        not peculiar to the date (a share of at least 0.1, however few the placebos: one as extreme already
        shows the date is not unique); too few to tell (a smaller share from fewer than ``placebo.MIN_CLEAN``,
        which could not reach a 10% rank); else it stands out.

    Examples
    --------
    >>> from wechat_study.period_box import placebo_reading
    >>> placebo_reading(0.25, 12)
    'the change is not peculiar to the date, though that cannot rule out a break at the date as well'
    >>> placebo_reading(0.05, 20)
    "the change stands out among the placebos, though it is still not the law's effect"
    >>> placebo_reading(7 / 8, 8)
    'the change is not peculiar to the date (only 8 placebo windows can be compared), though that cannot rule out a
     break at the date as well'
    >>> placebo_reading(0.0, 3)
    'only 3 placebo windows are clear of the real date and hold enough cascades, too few to tell a break from a drift'
    >>> placebo_reading(None, 0)
    'no placebo window is clear of the real date, so the placebos cannot tell a break from a drift'
    """
    if clean_share is not None and not np.isfinite(clean_share):
        clean_share = None
    if not clean_n or clean_share is None:
        return "no placebo window is clear of the real date, so the placebos cannot tell a break from a drift"
    if clean_share >= 0.1:
        windows = "placebo window" if clean_n == 1 else "placebo windows"
        few = f" (only {clean_n:,} {windows} can be compared)" if too_few_clean(clean_n) else ""
        return ("the change is not peculiar to the date" + few
                + ", though that cannot rule out a break at the date as well")
    if too_few_clean(clean_n):
        return (f"only {clean_n:,} placebo {'window is' if clean_n == 1 else 'windows are'} clear of the real date "
                "and hold enough cascades, "
                "too few to tell a break from a drift")
    return "the change stands out among the placebos, though it is still not the law's effect"



def _narrow_clause(excluding: float | None, n: int) -> str:
    """A sentence when more clean placebos have intervals leaving out 1 than independent chances of 1 in 20 would
    give (one-sided binomial test at 5%). Neighbouring placebo windows share most of their months, so the dates
    are not independent: the sentence says so, and does not read the count as intervals that are too narrow."""
    from scipy import stats

    if not n or excluding is None or not np.isfinite(excluding) or excluding < 1:
        return ""
    if stats.binom.sf(int(excluding) - 1, int(n), 0.05) >= 0.05:
        return ""
    return (". {.period.placebo.clean.excluding_one:count} of those {n:count} placebo dates have 95% intervals that "
            "leave out 1; neighbouring placebo windows share most of their months, so these are not independent "
            "chances of 1 in 20, and they may mark one change in the collection rather than intervals too narrow")


def _did_clause(found: dict, prefix: str, did: str, full: tuple, matched: tuple) -> str:
    """The difference in differences led by the matched-window estimate (the unequal full windows can pull the
    ratio below 1 by a drift inside the long before window), the full-window one second."""
    half = lambda part: _value(found, f"{prefix}.period.non_rumour.{part}_half_before.share_reaching_500")  # noqa: E731
    first, second = half("first"), half("second")
    full_text = ("over the full {.period.window.months_before:number} months before against "
                 "{.period.window.months_after:number} after it is " f"{{{did}:ratio}}")
    if not matched_clause(full, matched):   # no matched estimate: the full windows alone
        return ("Over {.period.window.months_before:number} months before against {.period.window.months_after:number} "
                f"after, rumours' odds of crossing {'fell' if full[0] < 1 else 'rose'} relative to non-rumours' (a "
                f"ratio of odds ratios of {{{did}:ratio}}, adjusted for reach, clustered by author)")
    m, lo, hi = matched
    verb = ("cannot be told apart from no change" if lo <= 1 <= hi
            else f"{'fell' if m < 1 else 'rose'} relative to non-rumours'")
    text = ("With the same time either side of the date (the before window cut to the after window's length), "
            f"rumours' odds of crossing against non-rumours' {verb} (a ratio of odds ratios of "
            f"{{{did}.matched_window:ratio}}, adjusted for reach, clustered by author); " + full_text)
    if full[0] < m and first is not None and second is not None and second > first:
        text += (", a figure a long before window pulls below the matched one when non-rumours' share crossing rises "
                 "within it, as here ("
                 "{.period.non_rumour.first_half_before.share_reaching_500:share} to "
                 "{.period.non_rumour.second_half_before.share_reaching_500:share} across its two halves)")
    return text


def add_to_box(box, threshold: int) -> None:
    """Two sentences: intake per month; the difference in differences, matched window first and the full one
    second, read against the clean placebos (the three-period shares are told beside their table).

    Each sentence is added only when every finding it names was recorded under ``box.prefix + ".period"``
    (``adjust.box_add``); the second needs at least the adjusted difference in differences
    ``.period.did.odds_ratio_reaching_<threshold>.adjusted``. The intake sentence links to the anchor
    ``intake-rates``, the other to ``period-matched``: both must be built before the box.

    Parameters
    ----------
    box : narrative.FindingsBox
        The box to add to; its ``prefix`` names the findings (e.g. ``event.ced``).
    threshold : int
        The repost threshold of the difference in differences.

    Examples
    --------
    With nothing recorded, nothing is added:

    >>> import os, tempfile
    >>> from unittest import mock
    >>> import wechat_study as ws
    >>> from wechat_study import narrative as nv
    >>> from wechat_study.period_box import add_to_box
    >>> box = nv.FindingsBox(prefix="event.mine")
    >>> add_to_box(box, 500)
    >>> box.sentences
    []

    With the windows and the two estimates recorded (and the table ``period-matched`` built):

    >>> did = "event.mine.period.did.odds_ratio_reaching_500.adjusted"
    >>> values = {did: 0.6, did + ".ci_low": 0.4, did + ".ci_high": 0.9, did + ".matched_window": 0.8,
    ...           did + ".matched_window.ci_low": 0.5, did + ".matched_window.ci_high": 1.2}
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(nv.ANCHORS, {"period-matched": "Table 1"}), \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     for name, value in {"event.mine.period.window.months_before": 12,
    ...                         "event.mine.period.window.months_after": 6}.items():
    ...         _ = ws.record_finding(name, value)
    ...     for name, value in values.items():
    ...         _ = ws.record_finding(name, value, tolerance=1e-9)
    ...     add_to_box(box, 500)
    ...     print(nv.say(box.sentences[0]["template"], box.prefix, nv.recorded()))
    With the same time either side of the date (the before window cut to the after window's length), rumours'
    odds of crossing against non-rumours' cannot be told apart from no change (a ratio of odds ratios of 0.80
    (0.50–1.20), adjusted for reach, clustered by author); over the full 12 months before against 6 after it is
    0.60 (0.40–0.90).
    """
    from . import narrative as nv
    from .adjust import box_add

    p, did = f"{box.prefix}.period", f".period.did.odds_ratio_reaching_{threshold}.adjusted"
    before = nv.recorded().get(f"{p}.window.months_before", {}).get("value")
    capped = isinstance(before, int | float) and before >= 12 - 0.1   # 12 calendar months measure 11.99
    cap = "the design's cap" if capped else "what the collection covers"
    box_add(
        box,
        "The collection's rumour intake falls from {.period.rumour.before.sources_per_month:number} source "
        "posts a month to {.period.rumour.after.sources_per_month:number} (a ratio of monthly rates of "
        "{.period.rumour.intake_rate_ratio_overdispersed:ratio}, allowing for months that vary more than Poisson "
        "counts; the windows compared are {.period.window.months_before:number} months before the date, {cap:text}, "
        "and the {.period.window.months_after:number} after that the collection allows), a fact about how the "
        "collection was assembled, not about Weibo or the law.",
        see="intake-rates", cap=cap,
    )
    found = nv.recorded()
    trio = lambda n: tuple(_value(found, box.prefix + n + s) for s in ("", ".ci_low", ".ci_high"))  # noqa: E731
    full, matched = trio(did), trio(did + ".matched_window")
    if full[0] is None:
        return
    text = _did_clause(found, box.prefix, did, full, matched)
    share, n = (
        _value(found, f"{p}.placebo.clean.share_at_least_as_extreme"),
        _value(found, f"{p}.placebo.clean.estimable"),
    )
    if _value(found, f"{p}.placebo.share_at_least_as_extreme") is not None:
        reading = placebo_reading(share, n or 0)
        if n and share is not None:
            sides = ("matched windows of up to {.period.placebo.window_months:number} months either side"
                     if _value(found, f"{p}.placebo.window_months") is not None else "their windows")
            same = ("" if _value(found, f"{p}.placebo.clean.same_direction") is None
                    else ", {.period.placebo.clean.same_direction:count} of them in the real date's direction")
            text += (
                f". Of the {{n:count}} placebo dates, with {sides}, whose windows leave out the real date and hold "
                f"{MIN_CELL:,} cascades or more in each label-period cell, "
                "{.period.placebo.clean.at_least_as_extreme:count} "
                "({.period.placebo.clean.share_at_least_as_extreme:share}) "
                f"give a change at least as far from 1{same}; with the placebos whose windows hold the real date, "
                "{.period.placebo.share_at_least_as_extreme:share} of all placebo dates do, in either direction: "
                f"{reading}"
            )
            text += _narrow_clause(_value(found, f"{p}.placebo.clean.excluding_one"), n)
        else:
            text += f". Among the placebo dates, {reading}"
    box_add(box, text + ".", see="period-matched", n=n)
