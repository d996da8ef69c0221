"""The legal thresholds (法释〔2013〕21号, Art. 2(1)): crossing shares, crossing times, survival.

Conventions (docs/methods.md#1-thresholds and #4-censoring-and-time-to-threshold):
- thresholds are inclusive (Criminal Law Art. 99: 以上 includes the number): a cascade crosses
  the repost line when ``reposts >= 500``, counted as observed records (``size - 1``);
- a cascade crosses at the time of its 500th repost in time order (``time_to_500_s``);
- a cascade that never reaches 500 is right-censored when observation ended (the data set's
  crawl, ``wechat_study.survival.end_of_observation``), passed as ``followed_h``; censoring at its
  own last post is informative and is kept only to show the difference;
- times are seconds in the tables, hours in the summaries.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .align import same_index

__all__ = [
    "REPOSTS", "VIEWS", "wilson_interval", "share_crossing", "difference_test", "sweep", "within_reach",
    "crossing_durations", "kaplan_meier", "logrank", "nth_repost", "survival_at", "crossing_by_dataset",
    "record_crossing",
]

REPOSTS = 500
VIEWS = 5000


def wilson_interval(k, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion k/n (arrays allowed); NaN where n = 0.

    Parameters
    ----------
    k : int or array-like
        Successes (e.g. cascades crossing).
    n : int or array-like
        Trials (cascades), the same shape as ``k``.
    level : float
        Coverage, 0–1.

    Returns
    -------
    ci_low, ci_high : numpy.ndarray
        The bounds, shares 0–1 (clipped to [0, 1]).

    Examples
    --------
    >>> from wechat_study.thresholds import wilson_interval
    >>> low, high = wilson_interval([3, 0], [10, 0])
    >>> low.round(3).tolist(), high.round(3).tolist()
    ([0.108, nan], [0.603, nan])
    """
    k, n = np.asarray(k, float), np.asarray(n, float)
    z = stats.norm.ppf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return np.clip(centre - half, 0.0, 1.0), np.clip(centre + half, 0.0, 1.0)  # float noise at k = 0 or n


def share_crossing(
    reposts: pd.Series,
    threshold: int = REPOSTS,
    groups: pd.Series | None = None,
    clusters: pd.Series | None = None,
    n_boot: int = 2000,
    seed: int = 0,
) -> pd.DataFrame:
    """Share of cascades with ``reposts >= threshold``, overall and by group, with 95% intervals.

    Columns: ``group, cascades, crossing, share, ci_low, ci_high, interval`` (group ``all`` first;
    ``interval`` names the method of ``ci_*``). Without ``clusters`` the interval is Wilson's; with them
    (e.g. each cascade's source author) it is the cluster bootstrap (``clustered.shares_by_group``,
    ``n_boot`` draws, ``seed``), never narrower than Wilson's, and the Wilson one is kept beside it as
    ``naive_ci_low, naive_ci_high`` (docs/methods.md#15-clustered-intervals).
    ``groups`` and ``clusters`` must have ``reposts``' index (a Series in another order is refused).

    Parameters
    ----------
    reposts : pandas.Series
        Observed reposts per cascade (``size - 1``).
    threshold : int
        The line, inclusive: a cascade crosses when ``reposts >= threshold``.
    groups : pandas.Series, optional
        A group per cascade (e.g. the label); groups follow ``all`` in sorted order.
    clusters : pandas.Series, optional
        A cluster per cascade (e.g. the source author) for the cluster bootstrap.
    n_boot : int
        Bootstrap draws, with ``clusters``.
    seed : int
        The bootstrap's seed: the same seed gives the same interval.

    Returns
    -------
    pandas.DataFrame
        One row per group: ``group, cascades, crossing, share`` (0–1), ``ci_low, ci_high`` (95%),
        ``interval`` (``Wilson``, ``cluster bootstrap``, ...), and with ``clusters`` also ``naive_ci_low,
        naive_ci_high``.

    Raises
    ------
    ValueError
        ``groups`` or ``clusters`` of another length than ``reposts``, or a Series with another index.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.thresholds import share_crossing
    >>> reposts = pd.Series([0, 5, 120, 600, 800, 30, 2, 510])
    >>> groups = pd.Series(["rumour"] * 4 + ["non-rumour"] * 4)
    >>> share_crossing(reposts, 500, groups).round(3)
            group  cascades  crossing  share  ci_low  ci_high interval
    0         all         8         3  0.375   0.137    0.694   Wilson
    1  non-rumour         4         2  0.500   0.150    0.850   Wilson
    2      rumour         4         1  0.250   0.046    0.699   Wilson
    >>> authors = pd.Series(["a", "a", "b", "c", "d", "d", "e", "f"])
    >>> share_crossing(reposts, 500, groups, clusters=authors, n_boot=200).columns.tolist()[-5:]
    ['ci_low', 'ci_high', 'naive_ci_low', 'naive_ci_high', 'interval']
    """
    from .clustered import _aligned

    crossing = reposts >= threshold
    g_values = _aligned(reposts, groups)[1] if groups is not None else None
    frames = [pd.DataFrame({"group": ["all"], "cascades": [len(crossing)], "crossing": [int(crossing.sum())]})]
    if groups is not None:
        g = crossing.groupby(g_values, sort=True)
        frames.append(
            pd.DataFrame(
                {
                    "group": g.size().index.astype(str),
                    "cascades": g.size().to_numpy(),
                    "crossing": g.sum().to_numpy().astype(int),
                }
            )
        )
    out = pd.concat(frames, ignore_index=True)
    out["share"] = out["crossing"] / out["cascades"]
    out["ci_low"], out["ci_high"] = wilson_interval(out["crossing"], out["cascades"])
    method = np.full(len(out), "Wilson", dtype=object)
    if clusters is not None:
        from .clustered import shares_by_group

        gv = g_values if groups is not None else np.full(len(crossing), "all")
        c = shares_by_group(crossing, _aligned(reposts, clusters)[1], gv, n_boot, seed).drop_duplicates("group")
        c = c.set_index("group").reindex(out["group"])
        out["naive_ci_low"], out["naive_ci_high"] = out["ci_low"], out["ci_high"]
        out["ci_low"], out["ci_high"] = c["ci_low"].to_numpy(), c["ci_high"].to_numpy()
        method = c["interval"].to_numpy()
    return out.assign(interval=method)


def difference_test(table: pd.DataFrame, a: str, b: str) -> dict:
    """Two groups of ``share_crossing``: difference of shares (a - b) and Fisher's exact test p-value.

    Parameters
    ----------
    table : pandas.DataFrame
        As from ``share_crossing``: ``group, cascades, crossing, share``.
    a, b : str
        The two groups.

    Returns
    -------
    dict
        ``difference`` (share of ``a`` minus share of ``b``, -1 to 1) and ``p_value`` (two-sided Fisher's
        exact test on the 2x2 table of crossing and not crossing).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.thresholds import difference_test, share_crossing
    >>> reposts = pd.Series([0, 5, 120, 600, 800, 30, 2, 510])
    >>> table = share_crossing(reposts, 500, pd.Series(["rumour"] * 4 + ["non-rumour"] * 4))
    >>> difference_test(table, "rumour", "non-rumour")
    {'difference': -0.25, 'p_value': 1.0}
    """
    ra, rb = table.set_index("group").loc[a], table.set_index("group").loc[b]
    counts = [[ra["crossing"], ra["cascades"] - ra["crossing"]], [rb["crossing"], rb["cascades"] - rb["crossing"]]]
    return {"difference": float(ra["share"] - rb["share"]), "p_value": float(stats.fisher_exact(counts).pvalue)}


def sweep(reposts: pd.Series, thresholds, groups: pd.Series | None = None) -> pd.DataFrame:
    """``share_crossing`` at each threshold.

    Columns: ``threshold, group, cascades, crossing, share, ci_low, ci_high`` (Wilson intervals).

    Parameters
    ----------
    reposts : pandas.Series
        Observed reposts per cascade.
    thresholds : iterable of int
        The lines, each inclusive.
    groups : pandas.Series, optional
        A group per cascade, with ``reposts``' index.

    Returns
    -------
    pandas.DataFrame
        The ``share_crossing`` rows of every threshold, in the order given.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.thresholds import sweep
    >>> reposts = pd.Series([0, 5, 120, 600, 800, 30, 2, 510])
    >>> sweep(reposts, [100, 500])[["threshold", "group", "crossing", "share"]]
       threshold group  crossing  share
    0        100   all         4  0.500
    1        500   all         3  0.375
    """
    return pd.concat([share_crossing(reposts, t, groups).assign(threshold=t) for t in thresholds], ignore_index=True)[
        ["threshold", "group", "cascades", "crossing", "share", "ci_low", "ci_high"]
    ]


def within_reach(thresholds, largest: int) -> list[int]:
    """The thresholds up to the largest cascade, and the first one past it (where the share is none).

    A sweep beyond that repeats a share of 0 and stretches the axis over thresholds the data say nothing about.

    Parameters
    ----------
    thresholds : iterable of int
        The lines, in any order.
    largest : int
        The largest cascade's observed reposts.

    Returns
    -------
    list of int
        The kept thresholds, sorted.

    Examples
    --------
    >>> from wechat_study.thresholds import within_reach
    >>> within_reach([50, 100, 200, 300, 500, 1000], 259)
    [50, 100, 200, 300]
    >>> within_reach([50, 100], 5000)
    [50, 100]
    """
    ordered = sorted(set(int(t) for t in thresholds))
    past = [t for t in ordered if t > largest][:1]
    return [t for t in ordered if t <= largest] + past


def crossing_durations(
    metrics: pd.DataFrame, threshold: int = REPOSTS, followed_h: pd.Series | None = None
) -> pd.DataFrame:
    """Per cascade: ``duration_h`` to the threshold, or to the censoring time, and ``crossed``.

    ``followed_h`` maps ``cascade_id`` to the hours from the source post to the end of observation
    (``survival.followed_hours``); a cascade that never crosses is censored there. Without it, the
    censoring time is the cascade's last observed post: informative censoring (a last post is an
    outcome), which inflates 1 - S(t); use it only to show that bias.

    Parameters
    ----------
    metrics : pandas.DataFrame
        Per cascade ``cascade_id``, ``time_to_<threshold>_s`` (NaN when not crossed) and, without
        ``followed_h``, ``lifetime_s``.
    threshold : int
        The repost line whose crossing time is read.
    followed_h : pandas.Series, optional
        Hours from the source post to the end of observation, by ``cascade_id``.

    Returns
    -------
    pandas.DataFrame
        ``cascade_id``, ``duration_h`` (hours, at least 0) and ``crossed`` (bool), in ``metrics``' order.

    Raises
    ------
    ValueError
        ``followed_h`` lacks a cascade that never crosses.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study.thresholds import crossing_durations
    >>> metrics = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"], "time_to_500_s": [7200.0, np.nan, 36000.0, np.nan],
    ...                         "lifetime_s": [90000.0, 3600.0, 50000.0, 200000.0]})
    >>> followed = pd.Series({"a": 240.0, "b": 240.0, "c": 100.0, "d": 72.0})
    >>> crossing_durations(metrics, followed_h=followed)
      cascade_id  duration_h  crossed
    0          a         2.0     True
    1          b       240.0    False
    2          c        10.0     True
    3          d        72.0    False
    """
    t = metrics[f"time_to_{threshold}_s"]
    crossed = t.notna()
    if followed_h is None:
        until = metrics["lifetime_s"].to_numpy(float)
    else:
        until = followed_h.reindex(metrics["cascade_id"]).to_numpy(float) * 3600.0
        if np.isnan(until[~crossed.to_numpy()]).any():
            raise ValueError("followed_h lacks the end of observation of some cascades that never cross")
    duration = np.where(crossed, t, until) / 3600.0
    return pd.DataFrame(
        {"cascade_id": metrics["cascade_id"], "duration_h": np.maximum(duration, 0.0), "crossed": crossed.to_numpy()}
    )


def kaplan_meier(durations: pd.DataFrame, groups: pd.Series | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Kaplan-Meier estimates (lifelines) of S(t) = P(time to threshold > t), with Greenwood 95% bands.

    Returns (``curves``: group, hours, survival, ci_low, ci_high; ``medians``: group, cascades,
    crossed, median_h, ci_low_h, ci_high_h, survival_at_end). A median is NaN when S(t) never falls
    to 0.5 (fewer than half the cascades cross): it is then not reached.

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``crossing_durations``: ``duration_h`` and ``crossed``.
    groups : pandas.Series, optional
        A group per row, with ``durations``' index; one curve per group (sorted, missing groups left
        out), else one curve ``all``.

    Returns
    -------
    curves : pandas.DataFrame
        ``group, hours, survival, ci_low, ci_high``: S(t) at each event time, from hour 0.
    medians : pandas.DataFrame
        ``group, cascades, crossed, median_h, ci_low_h, ci_high_h, survival_at_end``; hours, NaN where
        not reached.

    Raises
    ------
    ValueError
        ``groups`` of another length or index than ``durations``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.thresholds import kaplan_meier
    >>> durations = pd.DataFrame({"duration_h": [2.0, 240.0, 10.0, 72.0], "crossed": [True, False, True, False]})
    >>> curves, medians = kaplan_meier(durations)
    >>> curves[["hours", "survival"]].round(3).values.tolist()
    [[0.0, 1.0], [2.0, 0.75], [10.0, 0.5], [72.0, 0.5], [240.0, 0.5]]
    >>> medians[["cascades", "crossed", "median_h", "survival_at_end"]]
       cascades  crossed  median_h  survival_at_end
    0         4        2      10.0              0.5
    """
    from lifelines import KaplanMeierFitter
    from lifelines.utils import median_survival_times

    same_index(durations, groups=groups)
    labels = pd.Series("all", index=durations.index) if groups is None else groups
    curves, medians = [], []
    for name in ["all"] if groups is None else sorted(labels.dropna().unique()):
        d = durations[(labels == name).to_numpy()]
        km = KaplanMeierFitter().fit(d["duration_h"], d["crossed"], label="km")
        ci = km.confidence_interval_
        curves.append(
            pd.DataFrame(
                {
                    "group": name,
                    "hours": km.survival_function_.index.to_numpy(),
                    "survival": km.survival_function_["km"].to_numpy(),
                    "ci_low": ci.iloc[:, 0].to_numpy(),
                    "ci_high": ci.iloc[:, 1].to_numpy(),
                }
            )
        )
        med = median_survival_times(ci)
        m = km.median_survival_time_
        medians.append(
            {
                "group": name,
                "cascades": len(d),
                "crossed": int(d["crossed"].sum()),
                "median_h": float(m) if np.isfinite(m) else np.nan,
                "ci_low_h": _finite(med.iloc[0, 0]),
                "ci_high_h": _finite(med.iloc[0, 1]),
                "survival_at_end": float(km.survival_function_["km"].iloc[-1]),
            }
        )
    return pd.concat(curves, ignore_index=True), pd.DataFrame(medians)


def _finite(x) -> float:
    return float(x) if np.isfinite(x) else np.nan


def logrank(durations: pd.DataFrame, groups: pd.Series, a: str, b: str) -> float:
    """p-value of the log-rank test between groups ``a`` and ``b`` (lifelines).

    It tests whether the whole curves of time to threshold differ, and so mixes how many cascades
    cross with how fast the crossers cross; it cannot say "slower" on its own
    (docs/methods.md#4-censoring-and-time-to-threshold).

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``crossing_durations``: ``duration_h`` and ``crossed``.
    groups : pandas.Series
        A group per row, with ``durations``' index.
    a, b : str
        The two groups compared.

    Returns
    -------
    float
        The p-value.

    Raises
    ------
    ValueError
        ``groups`` of another length or index than ``durations``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.thresholds import logrank
    >>> durations = pd.DataFrame({"duration_h": [2.0, 240.0, 10.0, 72.0], "crossed": [True, False, True, False]})
    >>> groups = pd.Series(["rumour", "rumour", "non-rumour", "non-rumour"])
    >>> round(logrank(durations, groups, "rumour", "non-rumour"), 3)
    0.808
    """
    from lifelines.statistics import logrank_test

    same_index(durations, groups=groups)
    da, db = durations[(groups == a).to_numpy()], durations[(groups == b).to_numpy()]
    return float(logrank_test(da["duration_h"], db["duration_h"], da["crossed"], db["crossed"]).p_value)


def nth_repost(posts: pd.DataFrame, n: int = REPOSTS) -> pd.DataFrame:
    """Where and when each cascade's N-th repost (time order) happens: ``cascade_id, hours, depth``.

    Cascades with fewer than N timed reposts are left out.

    Parameters
    ----------
    posts : pandas.DataFrame
        A canonical posts table. Reposts without a time, and orphans, are not counted.
    n : int
        Which repost, counting from 1.

    Returns
    -------
    pandas.DataFrame
        ``cascade_id``, ``hours`` (since the source post) and ``depth`` (of that repost in the tree, 1 = a
        direct repost of the source), in cascade order.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.thresholds import nth_repost
    >>> nth_repost(ws.synthetic_posts(2000, seed=0), 100).head(3).round(2)
      cascade_id   hours  depth
    0         c6   61.81      2
    1        c41   10.17      1
    2        c46  135.04      3
    """
    from .metrics import NAT, Forest

    f = Forest.from_posts(posts)
    known = (f.parent >= 0) & (f.times != NAT)
    rows = np.flatnonzero(known)
    order = rows[np.lexsort((f.times[rows], f.cascade_of[rows]))]
    c = f.cascade_of[order]
    rank = np.arange(len(order)) - np.searchsorted(c, c, side="left")
    pick = order[rank == n - 1]
    cas = f.cascade_of[pick]
    return pd.DataFrame(
        {
            "cascade_id": np.asarray(f.cascade_ids)[cas],
            "hours": (f.times[pick] - f.root_times[cas]) / 3.6e12,
            "depth": f.depth[pick],
        }
    )


def survival_at(curves: pd.DataFrame, hours) -> pd.DataFrame:
    """S(t) of each group's Kaplan-Meier curve at the given hours (step function, right-continuous).

    Parameters
    ----------
    curves : pandas.DataFrame
        As from ``kaplan_meier``: ``group, hours, survival``, sorted by hours within a group.
    hours : list of float
        The times, in hours; a time before a curve's first point reads its first value.

    Returns
    -------
    pandas.DataFrame
        ``group, hours, survival``, groups sorted, hours in the order given.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.thresholds import kaplan_meier, survival_at
    >>> durations = pd.DataFrame({"duration_h": [2.0, 240.0, 10.0, 72.0], "crossed": [True, False, True, False]})
    >>> curves, _ = kaplan_meier(durations)
    >>> survival_at(curves, [1.0, 5.0, 12.0])
      group  hours  survival
    0   all    1.0      1.00
    1   all    5.0      0.75
    2   all   12.0      0.50
    """
    rows = []
    for name, g in curves.groupby("group", sort=True):
        idx = np.searchsorted(g["hours"].to_numpy(), hours, side="right") - 1
        rows += [
            {"group": name, "hours": h, "survival": float(g["survival"].iloc[max(i, 0)])}
            for h, i in zip(hours, idx, strict=True)
        ]
    return pd.DataFrame(rows)


def crossing_by_dataset(
    corpora: dict, metrics: dict, threshold: int = REPOSTS, n_boot: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """``share_crossing`` for every data set, by label where the data set has labels, with intervals
    clustered by source author where authors are known (``naive_ci_*`` beside them).

    Columns: ``dataset, group, cascades, crossing, share, ci_low, ci_high, naive_ci_low, naive_ci_high,
    interval`` (the method of ``ci_*``).

    Parameters
    ----------
    corpora : dict of str to Corpus
        The data sets by name; their ``cascades`` give ``label`` and ``author_id``.
    metrics : dict of str to pandas.DataFrame
        ``cascade_metrics`` of each data set, by the same names; only these data sets are shown.
    threshold : int
        The repost line, inclusive.
    n_boot : int
        Cluster-bootstrap draws.
    seed : int
        The bootstrap's seed.

    Returns
    -------
    pandas.DataFrame
        ``share_crossing``'s rows for each data set. For a data set without authors ``naive_ci_*`` repeat
        the Wilson ``ci_*``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.thresholds import crossing_by_dataset
    >>> corpus = ws.load("examples/weibo-cascades.csv")
    >>> metrics = ws.cascade_metrics(corpus.posts)
    >>> table = crossing_by_dataset({"example_weibo": corpus}, {"example_weibo": metrics}, n_boot=200)
    >>> table[["dataset", "group", "cascades", "crossing", "share", "naive_ci_low", "naive_ci_high"]].round(3)
             dataset group  cascades  crossing  share  naive_ci_low  naive_ci_high
    0  example_weibo   all       303        13  0.043         0.025          0.072
    """
    frames = []
    for name, m in metrics.items():
        by_id = corpora[name].cascades.set_index("cascade_id")
        labels = by_id["label"].reindex(m["cascade_id"])
        groups = labels.set_axis(m.index) if labels.notna().any() else None
        authors = by_id["author_id"].reindex(m["cascade_id"]).set_axis(m.index) if "author_id" in by_id else None
        authors = authors if authors is not None and authors.notna().any() else None
        frames.append(share_crossing(m["reposts"], threshold, groups, authors, n_boot, seed).assign(dataset=name))
    out = pd.concat(frames, ignore_index=True)
    for col in ("naive_ci_low", "naive_ci_high"):  # without authors the interval is Wilson's, the naive one
        out[col] = out[col].fillna(out[col.replace("naive_", "")]) if col in out else out[col.replace("naive_", "")]
    return out[["dataset", "group", "cascades", "crossing", "share", "ci_low", "ci_high", "naive_ci_low",
                "naive_ci_high", "interval"]]


def record_crossing(table: pd.DataFrame, threshold: int, what: str = "reposts", note: str = "") -> None:
    """Findings ``thresholds.<dataset>.share_reaching_<N>_<what>[.<group>]`` (shares, exact to 1e-12), each with
    its 95% interval as ``.ci_low`` / ``.ci_high`` (the note names the table's ``interval`` method; Wilson
    without that column) and, where the table has ``naive_ci_*`` columns, the Wilson interval as
    ``.naive_ci_low`` / ``.naive_ci_high``; the share's note states the raw count.

    Parameters
    ----------
    table : pandas.DataFrame
        As from ``crossing_by_dataset`` (one row per data set and group; ``dataset, group, cascades,
        crossing, share, ci_low, ci_high`` and optionally ``naive_ci_low, naive_ci_high``).
    threshold : int
        N in the names.
    what : str
        What is counted, in the names (``reposts``, ``views``).
    note : str
        Added to each share's note.

    Raises
    ------
    ValueError
        From ``record_finding``: a name that is not dotted lowercase words, or a NaN share or bound.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.thresholds import record_crossing
    >>> table = pd.DataFrame({"dataset": ["mine"], "group": ["all"], "cascades": [303], "crossing": [13],
    ...                       "share": [13 / 303], "ci_low": [0.025], "ci_high": [0.072]})
    >>> record_crossing(table, 500)
    """
    from .findings import record_finding, slug

    for row in table.itertuples(index=False):
        suffix = "" if row.group == "all" else f".{slug(row.group)}"
        name = f"thresholds.{row.dataset}.share_reaching_{threshold}_{what}{suffix}"
        record_finding(
            name,
            float(row.share),
            tolerance=1e-12,
            note=f"{row.crossing:,} of {row.cascades:,} cascades; 95% CI {row.ci_low:.3f}-{row.ci_high:.3f}"
            + (f"; {note}" if note else ""),
        )
        kind = getattr(row, "interval", "Wilson")
        kind = kind.replace("cluster bootstrap", "source-author cluster bootstrap")
        for part in ("ci_low", "ci_high"):
            record_finding(
                f"{name}.{part}", float(getattr(row, part)), tolerance=1e-12, note=f"{kind} 95% interval of {name}"
            )
        if hasattr(row, "naive_ci_low"):
            for part in ("naive_ci_low", "naive_ci_high"):
                record_finding(
                    f"{name}.{part}",
                    float(getattr(row, part)),
                    tolerance=1e-12,
                    note=f"Wilson 95% interval of {name}, cascades treated as independent",
                )
