"""Placebo dates for the 2013 difference in differences: the same estimate at a fake date every month.

Conventions (docs/methods.md#6-the-september-2013-interpretation):
- a placebo is *clean* when its window (``months`` either side, clipped to the collection) does not contain the
  real date, so the real date's own before/after change is not inside it; the others (``overlaps_real``) are
  kept and reported, but the reading of the real date against the placebos follows the clean ones;
- "at least as extreme" compares |log ratio of odds ratios| with the real date's.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .intake import window
from .periods import IN_FORCE

__all__ = ["placebo_dates", "overlaps", "placebo", "placebo_summary", "count", "record_placebos"]


def placebo_dates(first: str = "2012-01-10", last: str = "2013-12-10") -> list[str]:
    """One date a month from ``first`` to ``last`` (same day of the month), as YYYY-MM-DD."""
    return [d.strftime("%Y-%m-%d") for d in pd.date_range(first, last, freq=pd.DateOffset(months=1))]


def overlaps(span, dates, real: str = IN_FORCE, months: int = 12) -> np.ndarray:
    """For each of ``dates``: its window (``window(span, date, months)``) contains the cut of ``real`` (and it
    is not ``real`` itself)."""
    cut = window(span, real, months)["cut"]
    out = []
    for d in dates:
        w = window(span, d, months)
        out.append(d != real and w["start"] <= cut < w["end"] and w["start"] < w["end"])
    return np.array(out, dtype=bool)


def placebo(
    frame: pd.DataFrame, span, outcome: str, dates, real: str = IN_FORCE, months: int = 12, **kw
) -> pd.DataFrame:
    """``event_study.did`` at each of ``dates`` (``real`` among them or added): one row per date with ``is_real``
    and ``overlaps_real`` (its window contains the real date), sorted by date."""
    from .event_study import did

    dates = sorted(dict.fromkeys([*dates, real]))
    out = pd.DataFrame([did(frame, span, outcome, d, months, **kw) for d in dates])
    return out.assign(is_real=out["date"] == real, overlaps_real=overlaps(span, out["date"], real, months))


def _extreme(table: pd.DataFrame, x: float, keep) -> tuple[int, int]:
    """(placebos among ``keep`` with an estimate, those with |log estimate| >= x)."""
    fake = np.abs(np.log(table.loc[keep & ~table["is_real"], "estimate"].dropna().to_numpy(float)))
    return len(fake), int((fake >= x).sum()) if np.isfinite(x) else 0


def placebo_summary(table: pd.DataFrame) -> dict:
    """The real date's estimate against the placebos' (on the log scale, by distance from 0): ``estimable``
    placebos, ``rank`` of the real one among all estimable dates (1 = farthest from no change),
    ``at_least_as_extreme`` and ``share_at_least_as_extreme`` (placebos with |log estimate| >= the real one's),
    and the same among the clean placebos (``clean_estimable``, ``clean_at_least_as_extreme``,
    ``clean_share_at_least_as_extreme``); shares are NaN when not estimable (no real estimate, no placebo)."""
    real = table.loc[table["is_real"], "estimate"]
    x = abs(np.log(float(real.iloc[0]))) if len(real) and np.isfinite(real.iloc[0]) else np.nan
    everyone = pd.Series(True, index=table.index)
    n, k = _extreme(table, x, everyone)
    cn, ck = _extreme(table, x, ~table["overlaps_real"].astype(bool))
    ok = np.isfinite(x)
    fake = np.abs(np.log(table.loc[~table["is_real"], "estimate"].dropna().to_numpy(float)))
    return {
        "estimable": n,
        "rank": int((fake > x).sum()) + 1 if ok and n else np.nan,
        "at_least_as_extreme": k if ok and n else np.nan,
        "share_at_least_as_extreme": k / n if ok and n else np.nan,
        "clean_estimable": cn,
        "clean_at_least_as_extreme": ck if ok and cn else np.nan,
        "clean_share_at_least_as_extreme": ck / cn if ok and cn else np.nan,
    }


def count(share: float, n: int) -> str:
    """"k of n" for a share of ``n`` placebo dates ("none of 0" when there are none)."""
    return f"{round(share * n):,} of {n:,}" if n and np.isfinite(share) else f"none of {n:,}"


def record_placebos(base: str, threshold: int, placebos: pd.DataFrame, months: int = 12) -> list[str]:
    """Findings ``<base>.placebo`` (the table), ``.estimable``, ``.rank``, ``.share_at_least_as_extreme`` (all
    placebos) and ``.clean.estimable`` / ``.clean.at_least_as_extreme`` / ``.clean.share_at_least_as_extreme``."""
    from .findings import record_finding

    s = placebo_summary(placebos)
    table = placebos[["date", "is_real", "overlaps_real", "estimate", "ci_low", "ci_high", "cascades", "note"]]
    tol = 1e-6 if any(table[c].dtype.kind == "f" and table[c].notna().any() for c in table) else None
    record_finding(
        f"{base}.placebo",
        table,
        tolerance=tol,
        note=f"ratio of odds ratios of reaching {threshold:,} at each cut date, {months} months either side",
    )
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
    return [
        f"{base}.placebo: rank {s['rank']} of {s['estimable'] + 1}, share at least as extreme "
        f"{s['share_at_least_as_extreme']:.3g}; clean {s['clean_at_least_as_extreme']} of {s['clean_estimable']}"
    ]
