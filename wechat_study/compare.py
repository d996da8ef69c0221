"""Comparing cascade structure between groups: distributions, and size-matched differences.

Size alone drives most structural differences between cascades (Juul & Ugander, PNAS 2021), so
groups (rumour vs non-rumour) are compared within bins of equal size
(docs/methods.md#2-cascades-and-their-metrics); comparisons adjusted for the source's reach are in
``wechat_study.adjust`` (docs/methods.md#3-comparisons-and-confounders).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .errors import require_columns

__all__ = ["ccdf", "size_matched", "matched_difference", "record_matched_difference", "summary", "example_cascade"]


def ccdf(values, group: str | None = None, max_points: int = 400) -> pd.DataFrame:
    """The complementary CDF: ``value`` and ``share`` = P(X >= value), one row per distinct value.

    Past ``max_points`` distinct values, a log-spaced subset of them is kept (always the first
    and the last), enough to draw the curve.

    Parameters
    ----------
    values : array-like
        The observations (e.g. cascade sizes); missing values are dropped first.
    group : str, optional
        When given, a ``group`` column holding it, so several groups' curves can be stacked.
    max_points : int
        The most distinct values kept.

    Returns
    -------
    pandas.DataFrame
        ``value`` (ascending) and ``share``, the share 0–1 of the observations at least that value (the first
        row's share is 1); ``group`` too when given. Empty when there are no observations.

    Examples
    --------
    >>> from wechat_study import compare
    >>> compare.ccdf([1, 2, 2, 5, None], group="rumour").to_dict("records")
    [{'value': 1.0, 'share': 1.0, 'group': 'rumour'}, {'value': 2.0, 'share': 0.75, 'group': 'rumour'},
     {'value': 5.0, 'share': 0.25, 'group': 'rumour'}]
    """
    v = pd.Series(values).dropna().to_numpy()
    if len(v) == 0:
        return pd.DataFrame({"value": [], "share": []})
    distinct, counts = np.unique(v, return_counts=True)
    at_least = counts[::-1].cumsum()[::-1] / len(v)
    if len(distinct) > max_points:
        keep = np.unique(np.r_[np.geomspace(1, len(distinct), max_points).astype(int) - 1, len(distinct) - 1])
        distinct, at_least = distinct[keep], at_least[keep]
    out = pd.DataFrame({"value": distinct, "share": at_least})
    if group is not None:
        out["group"] = group
    return out


def size_matched(metrics: pd.DataFrame, labels: pd.Series, groups=("rumour", "non-rumour"),
                 bins=(2, 10, 30, 100, 300, 1000, np.inf), measure: str = "structural_virality") -> pd.DataFrame:
    """``measure`` for two groups of cascades within size bins.

    ``metrics`` is ``cascade_metrics`` output; ``labels`` maps ``cascade_id`` to a group. Bins are
    [lo, hi) in nodes. One row per bin: the counts and medians of each group, the difference of
    medians (first group minus second), and a two-sided Mann-Whitney U test's p-value
    (docs/methods.md §2).

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``cascade_metrics`` output: ``cascade_id``, ``size`` and the ``measure`` column.
    labels : pandas.Series
        Group labels indexed by ``cascade_id``; cascades without a label, or with a label outside ``groups``,
        are left out.
    groups : tuple of str
        The two groups compared, first minus second.
    bins : sequence of float
        Edges of the size bins in nodes (the source included), each bin [lo, hi).
    measure : str
        The ``metrics`` column compared; its missing values are dropped.

    Returns
    -------
    pandas.DataFrame
        One row per bin, in order: ``size_bin`` (``"[lo, hi)"``), ``n_<group>`` and ``median_<group>`` for each
        group (hyphens in a group's name become underscores), ``difference`` (first group's median minus the
        second's) and ``p_value``; the last two are NaN when a group is empty in the bin.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import compare
    >>> m = pd.DataFrame({"cascade_id": list("abcdef"), "size": [3, 4, 12, 15, 3, 20],
    ...                   "structural_virality": [1.3, 1.5, 2.4, 2.9, 1.4, 3.1]})
    >>> labels = pd.Series(["rumour", "non-rumour"] * 3, index=list("abcdef"))
    >>> t = compare.size_matched(m, labels, bins=(2, 10, np.inf))
    >>> t[["size_bin", "n_rumour", "n_non_rumour", "difference"]].round(3).to_dict("records")
    [{'size_bin': '[2, 10)', 'n_rumour': 2, 'n_non_rumour': 1, 'difference': -0.15},
     {'size_bin': '[10, inf)', 'n_rumour': 1, 'n_non_rumour': 2, 'difference': -0.6}]
    """
    a, b = groups
    m = metrics.assign(group=labels.reindex(metrics["cascade_id"]).to_numpy())
    m = m[m["group"].isin(groups)]
    edges = np.asarray(bins, dtype=float)
    m = m.assign(bin=pd.cut(m["size"], edges, right=False))
    rows = []
    for interval, g in m.groupby("bin", observed=False, sort=True):
        xa = g.loc[g["group"] == a, measure].dropna().to_numpy()
        xb = g.loc[g["group"] == b, measure].dropna().to_numpy()
        p = stats.mannwhitneyu(xa, xb, alternative="two-sided").pvalue if len(xa) and len(xb) else np.nan
        hi = "inf" if np.isinf(interval.right) else f"{int(interval.right)}"
        rows.append({"size_bin": f"[{int(interval.left)}, {hi})", f"n_{_slug(a)}": len(xa), f"n_{_slug(b)}": len(xb),
                     f"median_{_slug(a)}": np.median(xa) if len(xa) else np.nan,
                     f"median_{_slug(b)}": np.median(xb) if len(xb) else np.nan,
                     "difference": (np.median(xa) - np.median(xb)) if len(xa) and len(xb) else np.nan,
                     "p_value": p})
    return pd.DataFrame(rows)


def matched_difference(table: pd.DataFrame) -> float:
    """The size-matched difference: per-bin differences of medians, weighted by the smaller group's count.

    Parameters
    ----------
    table : pandas.DataFrame
        ``size_matched`` output.

    Returns
    -------
    float
        The weighted mean of the bins' ``difference``, over the bins where it is known and the weight is
        positive; NaN when there is no such bin. The weight of a bin is the smaller of its two counts (the
        columns whose names start with ``n_``).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import compare
    >>> m = pd.DataFrame({"cascade_id": list("abcdef"), "size": [3, 4, 12, 15, 3, 20],
    ...                   "structural_virality": [1.3, 1.5, 2.4, 2.9, 1.4, 3.1]})
    >>> labels = pd.Series(["rumour", "non-rumour"] * 3, index=list("abcdef"))
    >>> round(compare.matched_difference(compare.size_matched(m, labels, bins=(2, 10, np.inf))), 3)
    -0.375
    """
    n = table.filter(regex=r"^n_").min(axis=1)
    ok = table["difference"].notna() & (n > 0)
    return float(np.average(table.loc[ok, "difference"], weights=n[ok])) if ok.any() else float("nan")


def record_matched_difference(name: str, frame: pd.DataFrame, bins, groups=("rumour", "non-rumour"),
                              measure: str = "structural_virality", n_boot: int = 500, seed: int = 0) -> dict:
    """Record ``name`` = the size-matched difference of ``measure`` (``matched_difference``) with a 95% interval
    resampling source authors (``clustered.statistic`` on ``author_id``), as ``name.ci_low`` / ``name.ci_high``.

    Parameters
    ----------
    name : str
        The finding's name (dotted lowercase words).
    frame : pandas.DataFrame
        One row per cascade: ``cascade_id``, ``author_id``, ``label``, ``size`` and ``measure``.
    bins : sequence of float
        Size bins, as for ``size_matched``.
    groups : tuple of str
        The two labels compared, first minus second.
    measure : str
        The column compared.
    n_boot : int
        Bootstrap replicates (replicates where no bin holds both groups are left out).
    seed : int
        The same seed gives the same interval.

    Returns
    -------
    dict
        ``clustered.statistic``'s: ``estimate``, ``ci_low``, ``ci_high``, ``clusters`` and ``failed``.

    Raises
    ------
    ValueError
        When ``frame`` lacks one of the columns, or a cascade has no ``author_id``. With fewer than 2 authors the
        interval is recorded as not estimable.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import compare
    >>> frame = pd.DataFrame({"cascade_id": list("abcdefgh"), "author_id": list("aabbccdd"),
    ...                       "label": ["rumour", "non-rumour"] * 4, "size": [3, 4, 12, 15, 3, 20, 5, 6],
    ...                       "structural_virality": [1.3, 1.5, 2.4, 2.9, 1.4, 3.1, 1.9, 1.2]})
    >>> r = compare.record_matched_difference("cascades.mine.matched", frame, bins=(2, 10, 100), n_boot=50)
    >>> round(r["estimate"], 3), r["clusters"], r["ci_low"] <= r["estimate"] <= r["ci_high"]
    (-0.167, 4, True)
    """
    from .clustered import statistic
    from .findings import record_finding

    need = ["cascade_id", "author_id", "label", "size", measure]
    require_columns(frame, need, "record_matched_difference",
                    f"it needs {', '.join(need)} (adjust.comparison_frame gives them)")
    rows = frame.loc[frame["label"].isin(groups) & frame[measure].notna(), need].reset_index(drop=True)
    rows = rows.assign(bin=np.digitize(rows["size"], np.asarray(bins, float)) - 1, first=rows["label"] == groups[0])
    rows = rows[(rows["bin"] >= 0) & (rows["bin"] < len(bins) - 1)]

    def fn(d: pd.DataFrame) -> float:  # matched_difference of size_matched, without its tests
        med = d.groupby(["bin", "first"])[measure].median().unstack()
        n = d.groupby(["bin", "first"]).size().unstack().reindex(columns=[True, False]).fillna(0).min(axis=1)
        diff = med.reindex(columns=[True, False])
        diff = (diff[True] - diff[False])[n > 0].dropna()
        return float(np.average(diff, weights=n[diff.index])) if len(diff) else float("nan")

    if rows["author_id"].isna().any():
        raise ValueError("record_matched_difference: some cascades have no author_id; the interval resamples "
                         "authors, so every cascade needs one")
    r = statistic(rows, "author_id", fn, n_boot=n_boot, seed=seed) if len(rows) else {
        "estimate": float("nan"), "ci_low": float("nan"), "ci_high": float("nan"), "clusters": 0, "failed": 0}
    if r["clusters"] < 2:  # one author: resampling authors cannot give an interval
        r = {**r, "ci_low": float("nan"), "ci_high": float("nan")}
    what = f"{groups[0]} minus {groups[1]} median {measure.replace('_', ' ')}, weighted over size bins"
    record_finding(name, r["estimate"], tolerance=1e-9, reason="no size bin holds both groups",
                   note=f"{what} (size held fixed, reach not)")
    why = "fewer than 2 source authors" if r["clusters"] < 2 else "no replicate held both groups in a bin"
    for end in ("ci_low", "ci_high"):
        record_finding(f"{name}.{end}", r[end], tolerance=1e-9, reason=why,
                       note=f"95% interval, cluster bootstrap over {r['clusters']:,} source authors ({n_boot:,} draws)")
    return r


def _slug(label: str) -> str:
    return label.replace("-", "_")


def summary(metrics: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per data set: cascades, posts, size quantiles, depth and structural virality (``cascade_metrics`` tables).

    Parameters
    ----------
    metrics : dict of str to pandas.DataFrame
        Each data set's name and its ``cascade_metrics`` table (``size``, ``depth``, ``structural_virality``).

    Returns
    -------
    pandas.DataFrame
        One row per data set, in the dict's order: ``dataset``, ``cascades``, ``posts`` (the sum of sizes),
        ``median_size``, ``p90_size``, ``max_size`` (nodes), ``median_depth``, ``max_depth`` (hops),
        ``mean_structural_virality`` and ``share_depth_1`` (the share 0–1 of cascades of depth 1).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import compare
    >>> m = pd.DataFrame({"size": [3, 4, 12, 15, 3, 20], "depth": [1, 2, 3, 4, 1, 5],
    ...                   "structural_virality": [1.3, 1.5, 2.4, 2.9, 1.4, 3.1]})
    >>> row = compare.summary({"mine": m}).iloc[0]
    >>> row[["cascades", "posts", "median_size", "max_depth"]].to_dict(), round(float(row["share_depth_1"]), 3)
    ({'cascades': 6, 'posts': 57, 'median_size': 8.0, 'max_depth': 5}, 0.333)
    """
    rows = []
    for name, m in metrics.items():
        rows.append({"dataset": name, "cascades": len(m), "posts": int(m["size"].sum()),
                     "median_size": float(m["size"].median()), "p90_size": float(m["size"].quantile(0.9)),
                     "max_size": int(m["size"].max()), "median_depth": float(m["depth"].median()),
                     "max_depth": int(m["depth"].max()),
                     "mean_structural_virality": float(m["structural_virality"].mean()),
                     "share_depth_1": float((m["depth"] == 1).mean())})
    return pd.DataFrame(rows)


def example_cascade(metrics: pd.DataFrame, target_size: int = 150) -> str:
    """A typical cascade to draw: among the 25 closest in size to ``target_size``, the one with
    the median structural virality (ties broken by id).

    Cascades whose structural virality is missing (single posts) are left out; with an even number of
    candidates the upper of the two middle ones is taken.

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``cascade_metrics`` output: ``cascade_id``, ``size`` and ``structural_virality``.
    target_size : int
        The size sought, in nodes (the source included).

    Returns
    -------
    str
        The chosen ``cascade_id``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import compare
    >>> m = pd.DataFrame({"cascade_id": list("abcdef"), "size": [3, 4, 12, 15, 3, 20],
    ...                   "structural_virality": [1.3, 1.5, 2.4, 2.9, 1.4, 3.1]})
    >>> compare.example_cascade(m, target_size=10)
    'c'
    """
    m = metrics.dropna(subset=["structural_virality"]).assign(gap=lambda d: (d["size"] - target_size).abs())
    near = m.sort_values(["gap", "cascade_id"]).head(25).sort_values(["structural_virality", "cascade_id"])
    return str(near["cascade_id"].iloc[len(near) // 2])

