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

from .align import same_index
from .words import dataset_name

__all__ = ["TOP_BANDS", "reported_near_top", "describe", "beyond", "beyond_note", "record", "population", "cap_line"]

#: Bands of reported reposts near the top of CED's window: (first, last) inclusive; None is open.
TOP_BANDS = ((801, 900), (901, 950), (951, 990), (991, 998), (999, 999), (1000, None))


def _band_label(first: int, last: int | None) -> str:
    if last is None:
        return f"{first:,} or more"
    return f"{first:,}" if first == last else f"{first:,}–{last:,}"


def reported_near_top(cascades: pd.DataFrame, bands=TOP_BANDS) -> pd.DataFrame:
    """Sources per band of ``reported_reposts`` near the top: ``band, first, last, sources, per_value``.

    ``per_value`` is sources per repost count in the band (a cap shows as a jump in the last band,
    a window as a thinning and then none); empty when the data set reports no counts.

    Parameters
    ----------
    cascades : pandas.DataFrame
        A cascades table; only ``reported_reposts`` is read (missing counts are dropped).
    bands : sequence of (int, int or None)
        ``(first, last)`` repost counts, both inclusive; ``last`` None is open-ended. Default ``TOP_BANDS``.

    Returns
    -------
    pandas.DataFrame
        One row per band: ``band`` (its label), ``first``, ``last``, ``sources`` (sources whose reported count
        lies in the band) and ``per_value`` (``sources`` over the band's width; NaN for an open band). No rows
        when there is no ``reported_reposts`` column or no count in it.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import window
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"],
    ...                          "reported_reposts": pd.array([40, 120, 950, 999], dtype="Int64")})
    >>> window.reported_near_top(cascades)[["band", "sources", "per_value"]]
                band  sources  per_value
    0        801–900        0       0.00
    1        901–950        1       0.02
    2        951–990        0       0.00
    3        991–998        0       0.00
    4            999        1       1.00
    5  1,000 or more        0        NaN
    """
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
    and ``reported_p01`` (1st percentile per group).

    Parameters
    ----------
    cascades : pandas.DataFrame
        A cascades table: ``cascade_id`` and, where the data set reports them, ``reported_reposts``.
    metrics : pandas.DataFrame
        Cascade metrics (``cascade_metrics``): ``cascade_id`` and ``reposts``, one row per cascade.
    groups : pandas.Series, optional
        A group per row of ``metrics``: a Series with its index (``align.same_index``), or an array in row
        order; gives ``reported_p01`` per group.

    Returns
    -------
    dict
        ``observed_max`` (int, 0 when ``metrics`` is empty) and ``reported`` (bool). When ``reported`` is True,
        also ``reported_max``, ``reported_1000_or_more`` and ``reported_at_max`` (ints),
        ``reported_p05`` (float) and ``reported_p01`` (a dict of group name to float, empty without
        ``groups``), all over the cascades of ``metrics``.

    Raises
    ------
    ValueError
        Some cascade ids of ``metrics`` are not among those of ``cascades`` (checked only when counts are
        reported).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import window
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"],
    ...                          "reported_reposts": pd.array([40, 120, 950, 999], dtype="Int64")})
    >>> metrics = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"], "reposts": [12, 80, 400, 610]})
    >>> edges = window.describe(cascades, metrics, groups=pd.Series(["x", "x", "y", "y"]))
    >>> edges["observed_max"], edges["reported_max"], edges["reported_1000_or_more"], edges["reported_p05"]
    (610, 999, 0, 52.0)
    >>> {k: round(v, 2) for k, v in edges["reported_p01"].items()}
    {'x': 40.8, 'y': 950.49}
    """
    same_index(metrics, groups=groups)
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
        g = pd.Series(np.asarray(groups, object), index=r.index)
        for name, x in r.groupby(g, sort=True):
            out["reported_p01"][str(name)] = float(x.dropna().quantile(0.01))
    return out


def beyond(threshold: int, edges: dict) -> bool:
    """True when no cascade can reach ``threshold`` observed reposts: it lies above the window's top.

    Parameters
    ----------
    threshold : int
        Observed reposts.
    edges : dict
        The window's edges, from ``describe``; only ``observed_max`` is read.

    Returns
    -------
    bool
        True when ``threshold`` is above ``edges["observed_max"]``.

    Examples
    --------
    >>> from wechat_study import window
    >>> edges = {"observed_max": 610, "reported": False}
    >>> window.beyond(1000, edges), window.beyond(500, edges)
    (True, False)
    """
    return threshold > edges["observed_max"]


def beyond_note(threshold: int, edges: dict, dataset: str, selected: bool = True) -> str:
    """A sentence for a page whose threshold lies above the window (empty when it does not).

    Parameters
    ----------
    threshold : int
        Observed reposts.
    edges : dict
        The window's edges, from ``describe``.
    dataset : str
        The data set's code; it is named by ``words.dataset_name``.
    selected : bool
        Whether the collection was selected on its reported counts (``population``); False words the
        note for a researcher's own data set.

    Returns
    -------
    str
        The note, naming the largest observed count (and the largest reported count where there is one);
        ``""`` when ``beyond(threshold, edges)`` is False.

    Examples
    --------
    >>> from wechat_study import window
    >>> edges = {"observed_max": 610, "reported": True, "reported_max": 999}
    >>> print(window.beyond_note(1000, edges, "CED"))
    No cascade of CED has 1,000 observed reposts: the largest has 610; its reported counts stop at 999.
    A share of 0 at this threshold is the edge of the collection, not a finding about posts.
    >>> print(window.beyond_note(1000, edges, "mine", selected=False))
    No cascade of mine has 1,000 observed reposts: the largest has 610 (999 by the platform's count). A share
    of 0 here says the data set holds no cascade that large, not that posts cannot reach the line.
    >>> window.beyond_note(500, edges, "CED")
    ''
    """

    if not beyond(threshold, edges):
        return ""
    if not selected:
        top = f" ({edges['reported_max']:,} by the platform's count)" if edges.get("reported") else ""
        return (f"No cascade of {dataset_name(dataset)} has {threshold:,} observed reposts: the largest has "
                f"{edges['observed_max']:,}{top}. A share of 0 here says the data set holds no cascade that large, "
                "not that posts cannot reach the line.")
    top = f"; its reported counts stop at {edges['reported_max']:,}" if edges.get("reported") else ""
    return (
        f"No cascade of {dataset_name(dataset)} has {threshold:,} observed reposts: the largest has "
        f"{edges['observed_max']:,}{top}. A share of 0 at this threshold is the edge of the collection, not a finding "
        "about posts."
    )


def record(prefix: str, cascades: pd.DataFrame, metrics: pd.DataFrame, groups: pd.Series | None = None,
           selected: bool = True):
    """Findings ``<prefix>.window.*``: the largest observed and reported counts, the sources at 1,000 or
    more (0 for CED), the floor per group and the counts near the top (a table).

    Only ``observed_reposts_max`` is recorded when the data set reports no counts, and only the two largest
    counts when it was not ``selected`` on them (a researcher's own data set: it has no window).

    Parameters
    ----------
    prefix : str
        The findings' prefix, dotted lowercase words (e.g. ``thresholds.ced``).
    cascades : pandas.DataFrame
        A cascades table, as ``describe`` takes it.
    metrics : pandas.DataFrame
        Cascade metrics, as ``describe`` takes them.
    groups : pandas.Series, optional
        A group per row of ``metrics`` (as for ``describe``), for the floor per group.
    selected : bool
        Whether the collection was selected on its reported counts (``population``).

    Returns
    -------
    tuple of (dict, pandas.DataFrame)
        ``describe``'s dict and ``reported_near_top``'s table.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import window
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b"], "reported_reposts": pd.array([40, 999], dtype="Int64")})
    >>> metrics = pd.DataFrame({"cascade_id": ["a", "b"], "reposts": [12, 610]})
    >>> edges, near = window.record("thresholds.mine", cascades, metrics)
    >>> edges["reported_at_max"], int(near["sources"].sum())
    (1, 1)
    """
    from .findings import record_finding, slug

    edges = describe(cascades, metrics, groups)
    near = reported_near_top(cascades)
    record_finding(f"{prefix}.window.observed_reposts_max", edges["observed_max"], note="largest observed reposts")
    if edges["reported"]:
        record_finding(f"{prefix}.window.reported_reposts_max", edges["reported_max"], note="largest reported count")
    if edges["reported"] and selected:
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


def population(edges: dict, dataset: str, selected: bool = True) -> str:
    """The population a threshold share describes, in words: the data set's cascades, and where it
    reports counts and was selected on them, the window they lie in (e.g. "the cascades of CED (Weibo),
    posts with about 100 to 999 reported reposts": the 5th percentile, to the nearest ten, to the largest
    count).

    Parameters
    ----------
    edges : dict
        The window's edges, from ``describe``.
    dataset : str
        The data set's code; it is named by ``words.dataset_name``.
    selected : bool
        Whether the collection was selected on its reported counts (the catalogued ones, docs/methods.md
        §1); a researcher's own data set (False) is named by its largest observed count.

    Returns
    -------
    str
        The population, lower case, to go inside a sentence; without reported counts, or not ``selected``,
        it names the largest observed count instead.

    Examples
    --------
    >>> from wechat_study import window
    >>> window.population({"observed_max": 610, "reported": True, "reported_max": 999, "reported_p05": 52.0}, "ced")
    'the cascades of CED (Weibo), posts with about 50 to 999 reported reposts'
    >>> window.population({"observed_max": 610, "reported": False}, "ced")
    'the cascades of CED (Weibo) (the largest has 610 observed reposts)'
    """

    name = dataset_name(dataset)
    if not edges.get("reported") or not selected:
        return f"the cascades of {name} (the largest has {edges['observed_max']:,} observed reposts)"
    floor = int(round(edges["reported_p05"], -1))
    return f"the cascades of {name}, posts with about {floor:,} to {edges['reported_max']:,} reported reposts"


def cap_line(edges: dict, dataset: str) -> tuple[int | None, str]:
    """Where a size chart's line falls at the top of the collection's window, and a sentence saying so.

    A collection whose reported counts all lie below 1,000 (CED, kept from about 100 to 999 reported
    reposts) has a size distribution that falls at its cap by design; the chart marks it.

    Parameters
    ----------
    edges : dict
        The window's edges, from ``describe``.
    dataset : str
        The data set's code; it is named by ``words.dataset_name``.

    Returns
    -------
    tuple of (int or None, str)
        The cascade size one past the largest reported count (where to draw the line) and a caption
        sentence starting with a space; ``(None, "")`` when the data set reports no counts or some source
        has 1,000 or more.

    Examples
    --------
    >>> from wechat_study import window
    >>> edges = {"observed_max": 610, "reported": True, "reported_max": 999, "reported_p05": 52.0,
    ...          "reported_1000_or_more": 0}
    >>> at, note = window.cap_line(edges, "ced")
    >>> at
    1000
    >>> print(note)
     The dashed line is the top of CED (Weibo)'s window: it holds posts with about 50 to 999 reported reposts,
     so its line falls there by design, not because Weibo cascades stop there.
    >>> window.cap_line({"observed_max": 610, "reported": False}, "ced")
    (None, '')
    """
    if not edges.get("reported") or edges["reported_1000_or_more"] != 0:
        return None, ""
    name = dataset_name(dataset)
    held = population(edges, dataset).removeprefix(f"the cascades of {name}, ")
    return (edges["reported_max"] + 1,
            f" The dashed line is the top of {name}'s window: it holds {held}, so its line falls there by design, "
            "not because Weibo cascades stop there.")
