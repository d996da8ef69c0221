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
    "REPOSTS", "VIEWS", "wilson_interval", "share_crossing", "difference_test", "sweep", "crossing_durations",
    "kaplan_meier", "logrank", "nth_repost", "survival_at", "crossing_by_dataset", "record_crossing"
]

REPOSTS = 500
VIEWS = 5000


def wilson_interval(k, n, level: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval for a proportion k/n (arrays allowed); NaN where n = 0."""
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

    Columns: ``group, cascades, crossing, share, ci_low, ci_high`` (group ``all`` first). Without
    ``clusters`` the interval is Wilson's; with them (e.g. each cascade's source author) it is the
    cluster bootstrap (``clustered.shares_by_group``, ``n_boot`` draws, ``seed``) and the Wilson one
    is kept beside it as ``naive_ci_low, naive_ci_high`` (docs/methods.md#15-clustered-intervals).
    ``groups`` and ``clusters`` must have ``reposts``' index (a Series in another order is refused).
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
    if clusters is not None:
        from .clustered import shares_by_group

        gv = g_values if groups is not None else np.full(len(crossing), "all")
        c = shares_by_group(crossing, _aligned(reposts, clusters)[1], gv, n_boot, seed).drop_duplicates("group")
        c = c.set_index("group").reindex(out["group"])
        out["naive_ci_low"], out["naive_ci_high"] = out["ci_low"], out["ci_high"]
        out["ci_low"], out["ci_high"] = c["ci_low"].to_numpy(), c["ci_high"].to_numpy()
    return out


def difference_test(table: pd.DataFrame, a: str, b: str) -> dict:
    """Two groups of ``share_crossing``: difference of shares (a - b) and Fisher's exact test p-value."""
    ra, rb = table.set_index("group").loc[a], table.set_index("group").loc[b]
    counts = [[ra["crossing"], ra["cascades"] - ra["crossing"]], [rb["crossing"], rb["cascades"] - rb["crossing"]]]
    return {"difference": float(ra["share"] - rb["share"]), "p_value": float(stats.fisher_exact(counts).pvalue)}


def sweep(reposts: pd.Series, thresholds, groups: pd.Series | None = None) -> pd.DataFrame:
    """``share_crossing`` at each threshold.

    Columns: ``threshold, group, cascades, crossing, share, ci_low, ci_high``."""
    return pd.concat([share_crossing(reposts, t, groups).assign(threshold=t) for t in thresholds], ignore_index=True)[
        ["threshold", "group", "cascades", "crossing", "share", "ci_low", "ci_high"]
    ]


def crossing_durations(
    metrics: pd.DataFrame, threshold: int = REPOSTS, followed_h: pd.Series | None = None
) -> pd.DataFrame:
    """Per cascade: ``duration_h`` to the threshold, or to the censoring time, and ``crossed``.

    ``followed_h`` maps ``cascade_id`` to the hours from the source post to the end of observation
    (``survival.followed_hours``); a cascade that never crosses is censored there. Without it, the
    censoring time is the cascade's last observed post: informative censoring (a last post is an
    outcome), which inflates 1 - S(t); use it only to show that bias.
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
    (docs/methods.md#4-censoring-and-time-to-threshold)."""
    from lifelines.statistics import logrank_test

    same_index(durations, groups=groups)
    da, db = durations[(groups == a).to_numpy()], durations[(groups == b).to_numpy()]
    return float(logrank_test(da["duration_h"], db["duration_h"], da["crossed"], db["crossed"]).p_value)


def nth_repost(posts: pd.DataFrame, n: int = REPOSTS) -> pd.DataFrame:
    """Where and when each cascade's N-th repost (time order) happens: ``cascade_id, hours, depth``.

    Cascades with fewer than N timed reposts are left out.
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
    """S(t) of each group's Kaplan-Meier curve at the given hours (step function, right-continuous)."""
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

    Columns: ``dataset, group, cascades, crossing, share, ci_low, ci_high, naive_ci_low, naive_ci_high``.
    """
    frames = []
    for name, m in metrics.items():
        by_id = corpora[name].cascades.set_index("cascade_id")
        labels = by_id["label"].reindex(m["cascade_id"])
        groups = labels.reset_index(drop=True) if labels.notna().any() else None
        authors = by_id["author_id"].reindex(m["cascade_id"]).reset_index(drop=True) if "author_id" in by_id else None
        authors = authors if authors is not None and authors.notna().any() else None
        frames.append(share_crossing(m["reposts"], threshold, groups, authors, n_boot, seed).assign(dataset=name))
    out = pd.concat(frames, ignore_index=True)
    for col in ("naive_ci_low", "naive_ci_high"):
        out[col] = out[col] if col in out else out[col.replace("naive_", "")]
    return out[
        ["dataset", "group", "cascades", "crossing", "share", "ci_low", "ci_high", "naive_ci_low", "naive_ci_high"]
    ]


def record_crossing(table: pd.DataFrame, threshold: int, what: str = "reposts", note: str = "") -> None:
    """Findings ``thresholds.<dataset>.share_reaching_<N>_<what>[.<group>]`` (shares, exact to 1e-12), each with
    its 95% interval as ``.ci_low`` / ``.ci_high`` (clustered by source author where the table has
    ``naive_ci_*`` columns, which are then recorded as ``.naive_ci_low`` / ``.naive_ci_high``); the note
    states the raw count."""
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
        kind = "author-clustered bootstrap" if hasattr(row, "naive_ci_low") else "Wilson"
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
