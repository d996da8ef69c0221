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

__all__ = ["ccdf", "size_matched", "matched_difference", "summary", "example_cascade"]


def ccdf(values, group: str | None = None, max_points: int = 400) -> pd.DataFrame:
    """The complementary CDF: ``value`` and ``share`` = P(X >= value), one row per distinct value.

    Past ``max_points`` distinct values, a log-spaced subset of them is kept (always the first
    and the last), enough to draw the curve.
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
    medians (first group minus second), and a two-sided Mann-Whitney U test's p-value.
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
    """The size-matched difference: per-bin differences of medians, weighted by the smaller group's count."""
    n = table.filter(like="n_").min(axis=1)
    ok = table["difference"].notna() & (n > 0)
    return float(np.average(table.loc[ok, "difference"], weights=n[ok])) if ok.any() else float("nan")


def _slug(label: str) -> str:
    return label.replace("-", "_")


def summary(metrics: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per data set: cascades, posts, size quantiles, depth and structural virality (``cascade_metrics`` tables)."""
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
    the median structural virality (ties broken by id)."""
    m = metrics.dropna(subset=["structural_virality"]).assign(gap=lambda d: (d["size"] - target_size).abs())
    near = m.sort_values(["gap", "cascade_id"]).head(25).sort_values(["structural_virality", "cascade_id"])
    return str(near["cascade_id"].iloc[len(near) // 2])

