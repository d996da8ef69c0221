"""The collection's window: which cascade sizes a data set holds at all.

A collection assembled for rumour detection need not hold every size of post. CED's reported repost
counts (the platform's count at crawl time) never reach 1,000 and thin out towards 999 instead of
piling up there: a cap would pile counts up at its value, a window leaves the larger posts out. Every
threshold statistic then describes the window, and a threshold above its top gives nothing by
construction (docs/methods.md#1-thresholds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["TOP_BANDS", "reported_near_top", "describe", "beyond", "beyond_note", "record", "population"]

#: Bands of reported reposts near the top of CED's window: (first, last) inclusive; None is open.
TOP_BANDS = ((801, 900), (901, 950), (951, 990), (991, 998), (999, 999), (1000, None))


def _band_label(first: int, last: int | None) -> str:
    if last is None:
        return f"{first:,} or more"
    return f"{first:,}" if first == last else f"{first:,}–{last:,}"


def reported_near_top(cascades: pd.DataFrame, bands=TOP_BANDS) -> pd.DataFrame:
    """Sources per band of ``reported_reposts`` near the top: ``band, first, last, sources, per_value``.

    ``per_value`` is sources per repost count in the band (a cap shows as a jump in the last band,
    a window as a thinning and then none); empty when the data set reports no counts."""
    r = (
        cascades["reported_reposts"].astype("Float64").dropna().astype(float)
        if "reported_reposts" in cascades
        else None
    )
    if r is None or not len(r):
        return pd.DataFrame(columns=["band", "first", "last", "sources", "per_value"])
    rows = []
    for first, last in bands:
        inside = (r >= first) & (r <= (np.inf if last is None else last))
        n = int(inside.sum())
        width = np.nan if last is None else last - first + 1
        rows.append(
            {"band": _band_label(first, last), "first": first, "last": last, "sources": n, "per_value": n / width}
        )
    return pd.DataFrame(rows)


def describe(cascades: pd.DataFrame, metrics: pd.DataFrame, groups: pd.Series | None = None) -> dict:
    """The window's edges: ``observed_max`` (largest observed reposts, ``size - 1``), and where the
    data set reports counts, ``reported_max``, ``reported_1000_or_more``, ``reported_at_max`` (sources
    at the largest reported count), ``reported_p05`` (5th percentile of all, the window's floor in words)
    and ``reported_p01`` (1st percentile per group)."""
    out = {"observed_max": int(metrics["reposts"].max()) if len(metrics) else 0, "reported": False}
    if "reported_reposts" not in cascades or cascades["reported_reposts"].isna().all():
        return out
    r = cascades.set_index("cascade_id")["reported_reposts"].astype("Float64").astype(float)
    ids = metrics["cascade_id"]
    unknown = ~ids.isin(r.index)
    if unknown.any():
        raise ValueError(f"{int(unknown.sum()):,} of the {len(ids):,} cascade ids of the metrics are not among the "
                         f"cascades' (e.g. {ids[unknown].iloc[0]!r}): give the metrics of these cascades")
    r = r.reindex(ids)
    out |= {
        "reported": True,
        "reported_max": int(r.max()),
        "reported_1000_or_more": int((r >= 1000).sum()),
        "reported_at_max": int((r == r.max()).sum()),
        "reported_p05": float(r.dropna().quantile(0.05)),
        "reported_p01": {},
    }
    if groups is not None:
        g = pd.Series(np.asarray(groups), index=r.index)
        for name, x in r.groupby(g, sort=True):
            out["reported_p01"][str(name)] = float(x.dropna().quantile(0.01))
    return out


def beyond(threshold: int, edges: dict) -> bool:
    """True when no cascade can reach ``threshold`` observed reposts: it lies above the window's top."""
    return threshold > edges["observed_max"]


def beyond_note(threshold: int, edges: dict, dataset: str) -> str:
    """A sentence for a page whose threshold lies above the window (empty when it does not)."""
    if not beyond(threshold, edges):
        return ""
    top = f"; its reported counts stop at {edges['reported_max']:,}" if edges.get("reported") else ""
    return (
        f"No cascade of {dataset} has {threshold:,} observed reposts: the largest has {edges['observed_max']:,}{top}. "
        f"A share of 0 at this threshold is the edge of the collection, not a finding about posts."
    )


def record(prefix: str, cascades: pd.DataFrame, metrics: pd.DataFrame, groups: pd.Series | None = None):
    """Findings ``<prefix>.window.*``: the largest observed and reported counts, the sources at 1,000 or
    more (0 for CED), the floor per group and the counts near the top (a table). Returns
    (``describe``'s dict, ``reported_near_top``'s table)."""
    from .findings import record_finding, slug

    edges = describe(cascades, metrics, groups)
    near = reported_near_top(cascades)
    record_finding(f"{prefix}.window.observed_reposts_max", edges["observed_max"], note="largest observed reposts")
    if edges["reported"]:
        record_finding(f"{prefix}.window.reported_reposts_max", edges["reported_max"], note="largest reported count")
        record_finding(
            f"{prefix}.window.reported_1000_or_more",
            edges["reported_1000_or_more"],
            note="sources with 1,000 or more reported reposts: none means larger posts were left out",
        )
        record_finding(f"{prefix}.window.reported_at_max", edges["reported_at_max"], note="sources at the top count")
        record_finding(f"{prefix}.window.reported_p05", edges["reported_p05"], tolerance=1e-9, note="5th percentile")
        for name, p in edges["reported_p01"].items():
            record_finding(f"{prefix}.window.reported_p01.{slug(name)}", p, tolerance=1e-9, note="1st percentile")
        record_finding(
            f"{prefix}.window.reported_near_top",
            near[["band", "sources"]],
            note="sources per band of reported reposts near 1,000",
        )
    return edges, near


def population(edges: dict, dataset: str) -> str:
    """The population a threshold share describes, in words: the data set's cascades, and where it
    reports counts, the window they lie in (e.g. "the cascades of CED (Weibo), posts with about 100 to
    999 reported reposts": the 5th percentile, to the nearest ten, to the largest count)."""
    from .charts.theme import word

    name = word(dataset)
    if not edges.get("reported"):
        return f"the cascades of {name} (the largest has {edges['observed_max']:,} observed reposts)"
    floor = int(round(edges["reported_p05"], -1))
    return f"the cascades of {name}, posts with about {floor:,} to {edges['reported_max']:,} reported reposts"
