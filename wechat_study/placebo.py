"""Placebo dates for the 2013 difference in differences: the same estimate at a fake date every month.

Conventions (docs/methods.md#6-the-september-2013-interpretation):
- a placebo is *clean* when its window (``months`` either side, clipped to the collection) does not contain the
  real date, so the real date's own before/after change is not inside it; the others (``overlaps_real``) are
  kept and reported, but the reading of the real date against the placebos follows the clean ones;
- a placebo with fewer than ``MIN_CELL`` cascades in any of its four label-period cells (rumour or not, before
  or after) is *thin*: its estimate rests on a handful of cascades, so it is left out of the comparison (NaN,
  with the reason in ``note``); the real date is kept as estimated;
- "at least as extreme" compares |log ratio of odds ratios| with the real date's; with fewer than ``MIN_CLEAN``
  clean placebos (``too_few_clean``) the placebos cannot tell, either way.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .errors import require_columns
from .intake import window
from .periods import IN_FORCE

__all__ = [
    "MIN_CELL", "MIN_CLEAN", "CELLS", "too_few_clean", "placebo_dates", "overlaps", "placebo", "placebo_summary",
    "count", "record_placebos", "summary_facts",
]

MIN_CELL = 50
"""Fewest cascades a placebo needs in each label-period cell to be compared with the real date."""

MIN_CLEAN = 10
"""Fewest clean placebo dates for the real date to be read as standing out among them, or not."""

CELLS = ("rumours_before", "rumours_after", "non_rumours_before", "non_rumours_after")
"""The label-period cells of ``event_study.did`` (a missing cell holds no cascade)."""


def too_few_clean(clean_n) -> bool:
    """Whether ``clean_n`` clean placebo dates are too few to read the real date as standing out among them (none,
    or fewer than ``MIN_CLEAN``: with 9, even a real date beyond all of them ranks only 1 in 10).

    Parameters
    ----------
    clean_n : int or None
        How many clean placebo dates could be estimated.

    Returns
    -------
    bool

    Examples
    --------
    >>> from wechat_study.placebo import too_few_clean
    >>> too_few_clean(3), too_few_clean(10), too_few_clean(None)
    (True, False, True)
    """
    return not clean_n or clean_n < MIN_CLEAN


def placebo_dates(first: str = "2012-01-10", last: str = "2013-12-10") -> list[str]:
    """One date a month from ``first`` to ``last`` (same day of the month), as YYYY-MM-DD.

    Parameters
    ----------
    first : str
        The first date, YYYY-MM-DD.
    last : str
        The last date, included when it falls on a step.

    Returns
    -------
    list of str
        The dates, in order.

    Examples
    --------
    >>> from wechat_study.placebo import placebo_dates
    >>> placebo_dates("2013-01-10", "2013-04-10")
    ['2013-01-10', '2013-02-10', '2013-03-10', '2013-04-10']
    >>> len(placebo_dates())
    24
    """
    return [d.strftime("%Y-%m-%d") for d in pd.date_range(first, last, freq=pd.DateOffset(months=1))]


def overlaps(span, dates, real: str = IN_FORCE, months: int = 12) -> np.ndarray:
    """For each of ``dates``: its window (``window(span, date, months)``) contains the cut of ``real`` (and it
    is not ``real`` itself).

    Parameters
    ----------
    span : tuple of pandas.Timestamp
        (first, end) of the collection, UTC; windows are clipped to it.
    dates : list of str
        Cut dates, YYYY-MM-DD (00:00 Beijing time).
    real : str
        The real date (default the 2013 interpretation's, ``periods.IN_FORCE``).
    months : int
        Window length either side of each date, in calendar months.

    Returns
    -------
    numpy.ndarray of bool
        One flag per date: True when its (non-empty) window, start included and end excluded, contains the
        real date's cut. ``real`` itself is False.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.placebo import overlaps
    >>> span = (pd.Timestamp("2012-09-10", tz="UTC"), pd.Timestamp("2014-09-10", tz="UTC"))
    >>> overlaps(span, ["2013-03-10", "2013-09-10", "2014-03-10"]).tolist()
    [True, False, True]
    >>> overlaps(span, ["2013-03-10", "2013-09-10", "2014-03-10"], months=3).tolist()
    [False, False, False]
    """
    cut = window(span, real, months)["cut"]
    out = []
    for d in dates:
        w = window(span, d, months)
        out.append(d != real and w["start"] <= cut < w["end"] and w["start"] < w["end"])
    return np.array(out, dtype=bool)


def placebo(
    frame: pd.DataFrame,
    span,
    outcome: str,
    dates,
    real: str = IN_FORCE,
    months: int = 12,
    min_cell: int = MIN_CELL,
    **kw,
) -> pd.DataFrame:
    """``event_study.did`` at each of ``dates`` (``real`` among them or added): one row per date with ``is_real``,
    ``overlaps_real`` (its window contains the real date) and ``thin`` (a placebo with fewer than ``min_cell``
    cascades in a label-period cell, left unestimated), sorted by date.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade, as ``event_study.did`` reads it: ``created_at`` (UTC), ``label`` ("rumour" or
        not), the ``outcome`` column, the covariates and the cluster column.
    span : tuple of pandas.Timestamp
        (first, end) of the collection, UTC; windows are clipped to it.
    outcome : str
        The 0/1 column modelled, e.g. ``crossed_100``.
    dates : list of str
        Placebo dates, YYYY-MM-DD (e.g. ``placebo_dates()``); duplicates are dropped.
    real : str
        The real date, added when missing (default ``periods.IN_FORCE``).
    months : int
        Window length either side of each date, in calendar months.
    min_cell : int
        Fewest cascades a placebo needs in each of its four label-period cells (default ``MIN_CELL``); a thin
        placebo's estimate, interval and p-value are NaN, with the cell and its count in ``note``. The real
        date is never thinned.
    **kw
        Passed on to ``event_study.did`` (``covariates``, ``cluster``, ``level``, ``matched``: with
        ``matched=True`` every date's longer side is cut to its shorter side's length, so the real date near the
        collection's end is compared like for like with placebos of equal sides).

    Returns
    -------
    pandas.DataFrame
        ``event_study.did``'s fields per date (``date``, ``estimate``: the ratio of odds ratios, ``ci_low``,
        ``ci_high``, ``cascades``, the cell counts, ``note``, ...), plus ``is_real``, ``overlaps_real``,
        ``thin`` (bool), ``window_months`` (``months``), ``matched`` and ``clean`` (a placebo whose windows leave
        out the real date).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study.placebo import placebo
    >>> rng = np.random.default_rng(0)
    >>> t = pd.Timestamp("2012-09-10", tz="UTC") + pd.to_timedelta(rng.random(4000) * 730, unit="D")
    >>> rumour = rng.random(4000) < 0.5
    >>> after = t >= pd.Timestamp("2013-09-10", tz="Asia/Shanghai")
    >>> frame = pd.DataFrame({"created_at": t, "label": np.where(rumour, "rumour", "non-rumour"),
    ...                       "crossed_100": rng.random(4000) < 0.2 + 0.15 * (rumour & after),
    ...                       "author_id": rng.integers(0, 800, 4000)})
    >>> span = (pd.Timestamp("2012-09-10", tz="UTC"), pd.Timestamp("2014-09-10", tz="UTC"))
    >>> table = placebo(frame, span, "crossed_100", ["2013-03-10", "2013-07-10", "2014-03-10"], months=3,
    ...                 covariates=())
    >>> table[["date", "estimate", "is_real", "overlaps_real", "thin"]].round(2)
             date  estimate  is_real  overlaps_real   thin
    0  2013-03-10      1.15    False          False  False
    1  2013-07-10      1.87    False           True  False
    2  2013-09-10      2.16     True          False  False
    3  2014-03-10      1.09    False          False  False
    >>> thin = placebo(frame, span, "crossed_100", ["2013-03-10"], months=3, min_cell=300, covariates=())
    >>> thin.loc[0, "note"]
    'fewer than 300 cascades in a label-period cell (rumours before: 235)'
    """
    from .event_study import did

    dates = sorted(dict.fromkeys([*dates, real]))
    out = pd.DataFrame([did(frame, span, outcome, d, months, **kw) for d in dates])
    for c in CELLS:
        out[c] = out[c].fillna(0).astype(int) if c in out else 0
    fewest = out[list(CELLS)].min(axis=1)
    thin = (out["date"] != real) & (fewest < min_cell)
    cell = out[list(CELLS)].idxmin(axis=1).str.replace("_", " ")
    out.loc[thin, ["estimate", "ci_low", "ci_high", "p_value"]] = np.nan
    out.loc[thin, "note"] = [f"fewer than {min_cell:,} cascades in a label-period cell ({c}: {n:,})"
                             for c, n in zip(cell[thin], fewest[thin], strict=True)]
    out = out.assign(is_real=out["date"] == real, overlaps_real=overlaps(span, out["date"], real, months), thin=thin,
                     window_months=months, matched=bool(kw.get("matched", False)))
    return out.assign(clean=~out["overlaps_real"] & ~out["is_real"])


def _extreme(table: pd.DataFrame, x: float, keep) -> tuple[int, int]:
    """(placebos among ``keep`` with an estimate, those with |log estimate| >= x)."""
    fake = np.abs(np.log(table.loc[keep & ~table["is_real"], "estimate"].dropna().to_numpy(float)))
    return len(fake), int((fake >= x).sum()) if np.isfinite(x) else 0


def placebo_summary(table: pd.DataFrame) -> dict:
    """The real date's estimate against the placebos' (on the log scale, by distance from 0): ``estimable``
    placebos, ``rank`` of the real one among all estimable dates (1 = farthest from no change),
    ``at_least_as_extreme`` and ``share_at_least_as_extreme`` (placebos with |log estimate| >= the real one's),
    and the same among the clean placebos (``clean_estimable``, ``clean_at_least_as_extreme``,
    ``clean_share_at_least_as_extreme``, ``clean_same_direction``: those at least as extreme on the real
    estimate's side of 1, and ``clean_excluding_one``: those whose 95% interval leaves out 1, about 1 in 20 if the
    intervals are right and nothing happened); shares are NaN when not estimable (no real estimate, no placebo).

    Parameters
    ----------
    table : pandas.DataFrame
        As from ``placebo``: ``estimate`` (a ratio, NaN when not estimable), ``is_real`` and
        ``overlaps_real``.

    Returns
    -------
    dict
        ``estimable``, ``rank``, ``at_least_as_extreme``, ``share_at_least_as_extreme`` (0–1),
        ``clean_estimable``, ``clean_at_least_as_extreme``, ``clean_share_at_least_as_extreme`` (0–1) and
        ``clean_same_direction``. ``rank`` and the counts and shares at least as extreme are NaN when the real
        estimate or every placebo (every clean one, for the ``clean_`` keys) is not estimable.

    Raises
    ------
    ValueError
        When ``table`` lacks ``estimate``, ``is_real`` or ``overlaps_real``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study.placebo import placebo_summary
    >>> table = pd.DataFrame({"estimate": [1.2, 0.4, 2.0, np.nan], "is_real": [False, False, True, False],
    ...                       "overlaps_real": [False, True, False, False]})
    >>> placebo_summary(table)
    {'estimable': 2, 'rank': 2, 'at_least_as_extreme': 1, 'share_at_least_as_extreme': 0.5,
     'clean_estimable': 1, 'clean_at_least_as_extreme': 0, 'clean_share_at_least_as_extreme': 0.0,
     'clean_same_direction': 0, 'clean_excluding_one': nan}
    """
    require_columns(table, ("estimate", "is_real", "overlaps_real"), "placebo_summary", "placebo's table has them")
    real = table.loc[table["is_real"], "estimate"]
    x = abs(np.log(float(real.iloc[0]))) if len(real) and np.isfinite(real.iloc[0]) else np.nan
    everyone = pd.Series(True, index=table.index)
    n, k = _extreme(table, x, everyone)
    cn, ck = _extreme(table, x, ~table["overlaps_real"].astype(bool))
    ok = np.isfinite(x)
    fake = np.abs(np.log(table.loc[~table["is_real"], "estimate"].dropna().to_numpy(float)))
    clean = np.log(table.loc[~table["overlaps_real"].astype(bool) & ~table["is_real"], "estimate"].dropna()
                   .to_numpy(float))
    side = np.sign(np.log(float(real.iloc[0]))) if ok else np.nan
    return {
        "estimable": n,
        "rank": int((fake > x).sum()) + 1 if ok and n else np.nan,
        "at_least_as_extreme": k if ok and n else np.nan,
        "share_at_least_as_extreme": k / n if ok and n else np.nan,
        "clean_estimable": cn,
        "clean_at_least_as_extreme": ck if ok and cn else np.nan,
        "clean_share_at_least_as_extreme": ck / cn if ok and cn else np.nan,
        "clean_same_direction": int(((np.sign(clean) == side) & (np.abs(clean) >= x)).sum()) if ok and cn else np.nan,
        "clean_excluding_one": _excluding_one(table, ~table["overlaps_real"].astype(bool) & ~table["is_real"]),
    }


def _excluding_one(table: pd.DataFrame, keep) -> float:
    """How many of the placebos ``keep`` (with an estimate) have a 95% interval that leaves out 1; NaN without
    intervals."""
    if not {"ci_low", "ci_high"} <= set(table):
        return np.nan
    t = table[keep].dropna(subset=["estimate", "ci_low", "ci_high"])
    return int(((t["ci_low"] > 1) | (t["ci_high"] < 1)).sum())


def count(share: float, n: int) -> str:
    """"k of n" for a share of ``n`` placebo dates ("none of 0" when there are none).

    Parameters
    ----------
    share : float
        A share, 0–1; NaN reads "none of n".
    n : int
        How many placebo dates the share is of.

    Returns
    -------
    str
        ``"k of n"``, k = share·n rounded, with thousands separators.

    Examples
    --------
    >>> from wechat_study.placebo import count
    >>> count(0.25, 4), count(float("nan"), 0)
    ('1 of 4', 'none of 0')
    """
    return f"{round(share * n):,} of {n:,}" if n and np.isfinite(share) else f"none of {n:,}"


def record_placebos(base: str, threshold: int, placebos: pd.DataFrame, months: int | None = None) -> list[str]:
    """Findings ``<base>.placebo`` (the table), ``.window_months``, ``.estimable``, ``.rank``,
    ``.share_at_least_as_extreme`` (all placebos), ``.thin`` (placebos left out for thin cells, when the table
    says) and ``.clean.estimable`` / ``.clean.at_least_as_extreme`` / ``.clean.share_at_least_as_extreme`` /
    ``.clean.same_direction`` / ``.clean.excluding_one``.

    Parameters
    ----------
    base : str
        The findings' name prefix, dotted lowercase words (e.g. ``periods.ced.reach_100``).
    threshold : int
        The repost threshold of the outcome, for the notes.
    placebos : pandas.DataFrame
        As from ``placebo``; its columns ``date, is_real, overlaps_real, estimate, ci_low, ci_high,
        cascades, note`` are recorded (at most 50 rows).
    months : int, optional
        The window either side, for the notes (default: the table's ``window_months``, else 12).

    Returns
    -------
    list of str
        One line summarising what was recorded.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study.placebo import record_placebos
    >>> table = pd.DataFrame({"date": ["2013-03-10", "2013-07-10", "2013-09-10"], "is_real": [False, False, True],
    ...                       "overlaps_real": [False, True, False], "estimate": [1.2, 0.4, 2.0],
    ...                       "ci_low": [0.8, 0.2, 1.4], "ci_high": [1.8, 0.8, 2.9], "cascades": [900, 950, 1000],
    ...                       "note": [None, None, None]})
    >>> record_placebos("periods.mine.reach_100", 100, table, months=3)
    ['periods.mine.reach_100.placebo: rank 2 of 3, share at least as extreme 0.5; clean 0 of 1']
    """
    from .findings import record_finding

    s = placebo_summary(placebos)
    if months is None:
        months = int(placebos["window_months"].iloc[0]) if "window_months" in placebos and len(placebos) else 12
    sides = "matched sides of at most " if "matched" in placebos and placebos["matched"].any() else ""
    table = placebos[["date", "is_real", "overlaps_real", "estimate", "ci_low", "ci_high", "cascades", "note"]]
    tol = 1e-6 if any(table[c].dtype.kind == "f" and table[c].notna().any() for c in table) else None
    record_finding(
        f"{base}.placebo",
        table,
        tolerance=tol,
        note=f"ratio of odds ratios of reaching {threshold:,} at each cut date, {sides}{months} months either side",
    )
    record_finding(f"{base}.placebo.window_months", int(months),
                   note="months asked for either side of each cut date, clipped to the collection"
                   + ("; the longer side then cut to the shorter's length" if sides else ""))
    why = "the real date's estimate or every placebo is not estimable"
    value = lambda v, cast=int: None if np.isnan(v) else cast(v)  # noqa: E731
    record_finding(f"{base}.placebo.estimable", int(s["estimable"]), note="placebo dates with an estimate")
    record_finding(
        f"{base}.placebo.rank",
        value(s["rank"]),
        reason=why,
        note="the real date's rank among all estimable dates by |log ratio of odds ratios| (1 = largest)",
    )
    record_finding(
        f"{base}.placebo.share_at_least_as_extreme",
        value(s["share_at_least_as_extreme"], float),
        tolerance=1e-12,
        reason=why,
        note=f"{count(s['share_at_least_as_extreme'], s['estimable'])} placebo dates (windows containing the real "
        "date or not) have |log estimate| at least the real date's",
    )
    if "thin" in placebos:
        record_finding(
            f"{base}.placebo.thin",
            int(placebos["thin"].sum()),
            note=f"placebo dates left out: fewer than {MIN_CELL} cascades in a label-period cell",
        )
    clean = "placebo dates whose window does not contain the real date"
    record_finding(f"{base}.placebo.clean.estimable", int(s["clean_estimable"]), note=f"{clean}, with an estimate")
    record_finding(
        f"{base}.placebo.clean.at_least_as_extreme",
        value(s["clean_at_least_as_extreme"]),
        reason=why if s["clean_estimable"] else f"no {clean}",
        note=f"{clean} whose |log estimate| is at least the real date's",
    )
    record_finding(
        f"{base}.placebo.clean.share_at_least_as_extreme",
        value(s["clean_share_at_least_as_extreme"], float),
        tolerance=1e-12,
        reason=why if s["clean_estimable"] else f"no {clean}",
        note=f"{count(s['clean_share_at_least_as_extreme'], s['clean_estimable'])} {clean} have |log estimate| "
        "at least the real date's",
    )
    record_finding(
        f"{base}.placebo.clean.excluding_one",
        value(s["clean_excluding_one"]),
        reason="the placebo table has no intervals" if s["clean_estimable"] else f"no {clean}",
        note=f"{clean} whose 95% interval leaves out 1 (about 1 in 20 expected by chance if the intervals are right)",
    )
    record_finding(
        f"{base}.placebo.clean.same_direction",
        value(s["clean_same_direction"]),
        reason=why if s["clean_estimable"] else f"no {clean}",
        note=f"{clean} whose estimate is at least as far from 1 as the real date's and on the same side of 1",
    )
    return [
        f"{base}.placebo: rank {s['rank']} of {s['estimable'] + 1}, share at least as extreme "
        f"{s['share_at_least_as_extreme']:.3g}; clean {s['clean_at_least_as_extreme']} of {s['clean_estimable']}"
    ]


def summary_facts(summary: dict, placebos: pd.DataFrame) -> dict:
    """The real date among the placebos, in words for a facts table: ``placebo_summary``'s counts and shares.

    Parameters
    ----------
    summary : dict
        ``placebo_summary(placebos)``.
    placebos : pandas.DataFrame
        ``placebo``'s table (its ``thin`` column counts the dates left out).

    Returns
    -------
    dict
        Words → values (shares as text), in reading order.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.placebo import placebo_summary, summary_facts
    >>> table = pd.DataFrame({"estimate": [1.2, 0.4, 2.0], "is_real": [False, False, True],
    ...                       "overlaps_real": [False, True, False], "thin": [False, False, False]})
    >>> summary_facts(placebo_summary(table), table)["of them at least as far from 1"]
    0
    """
    from . import narrative as nv

    thin = int(placebos["thin"].sum()) if "thin" in placebos else 0
    return {
        f"placebo dates left out (fewer than {MIN_CELL} cascades in a cell)": thin,
        "placebo dates clear of the real date with an estimate": summary["clean_estimable"],
        "of them at least as far from 1": summary["clean_at_least_as_extreme"],
        "of those, on the real date's side of 1": summary["clean_same_direction"],
        "share of those at least as far from 1": nv.share(summary["clean_share_at_least_as_extreme"]),
        "all placebo dates estimable": summary["estimable"],
        "rank of the real date among all (1 = farthest from 1)": summary["rank"],
        "share of all placebos at least as far from 1": nv.share(summary["share_at_least_as_extreme"]),
    }
