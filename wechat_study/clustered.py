"""Cluster-robust intervals: resample whole clusters (source authors, accounts), not rows.

Cascades of one source author, or removals of one WeChat account, are not independent: an
interval that treats them as independent rows is too narrow when clusters differ. Each function
here resamples clusters with replacement (the cluster bootstrap; Cameron, Gelbach & Miller 2008)
and returns the percentile interval beside the naive one it replaces, so that a report can show
both where they differ (docs/methods.md#15-clustered-intervals).

Conventions:
- ``outcome`` is a boolean (or 0/1) Series, ``clusters`` and ``groups`` Series of labels; all the
  Series a function takes must share one index (same labels, any order is refused: align first,
  ``clusters.reindex(outcome.index)``), or be plain arrays of one length;
- rows whose cluster is null form clusters of their own (one row each);
- with a single cluster nothing can be resampled: ``share`` keeps the naive interval, the others give NaN;
- draws are multinomial cluster counts from ``numpy.random.default_rng(seed)``: the same seed
  gives the same interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .align import same_index

__all__ = [
    "LEVEL", "cluster_codes", "bootstrap_weights", "resample_rows", "share", "shares_by_group", "difference",
    "statistic"
]

LEVEL = 0.95


def _aligned(*series) -> list[np.ndarray]:
    """The values of ``series`` as arrays, refusing Series whose indexes differ (``align.same_index``)."""
    if series:
        same_index(series[0], **{f"argument {i + 1}": s for i, s in enumerate(series[1:])})
    return [s.to_numpy() if isinstance(s, pd.Series) else np.asarray(s) for s in series]


def cluster_codes(clusters) -> tuple[np.ndarray, int]:
    """Integer codes 0..C-1 for ``clusters``; each null becomes a cluster of its own."""
    values = pd.Series(np.asarray(clusters, dtype=object))
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    missing = codes < 0
    codes[missing] = len(uniques) + np.arange(int(missing.sum()))
    return codes.astype(np.int64), len(uniques) + int(missing.sum())


def bootstrap_weights(n_clusters: int, n_boot: int = 2000, seed: int = 0) -> np.ndarray:
    """``(n_boot, n_clusters)`` counts: how often each cluster is drawn in each bootstrap replicate."""
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters), size=n_boot).astype(np.float64)


def resample_rows(n_rows: int, clusters=None, n_boot: int = 1000, seed: int = 0) -> list[np.ndarray]:
    """Row indices of ``n_boot`` bootstrap replicates of ``n_rows`` rows: rows drawn with replacement when
    ``clusters`` is None, else whole clusters (``clusters``: one label per row; a cluster drawn twice gives
    its rows twice, so replicates differ in length). Draws come from ``numpy.random.default_rng(seed)``."""
    rng = np.random.default_rng(seed)
    if clusters is None:
        return list(rng.integers(0, n_rows, (n_boot, n_rows)))
    codes, n_c = cluster_codes(clusters)
    if len(codes) != n_rows:
        raise ValueError(f"{len(codes)} cluster labels for {n_rows} rows: give one label per row")
    order = np.argsort(codes, kind="stable")
    starts = np.searchsorted(codes[order], np.arange(n_c + 1))
    blocks = [order[starts[j] : starts[j + 1]] for j in range(n_c)]
    return [np.concatenate([blocks[j] for j in rng.integers(0, n_c, n_c)]) if n_c else order for _ in range(n_boot)]


def _percentile(draws: np.ndarray, level: float) -> tuple[float, float]:
    draws = draws[np.isfinite(draws)]
    if not len(draws):
        return np.nan, np.nan
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(lo), float(hi)


def share(outcome, clusters, n_boot: int = 2000, seed: int = 0, level: float = LEVEL) -> dict:
    """A share with its cluster-bootstrap interval and, beside it, the naive Wilson interval.

    Returns ``share, ci_low, ci_high`` (clustered), ``naive_ci_low, naive_ci_high`` (Wilson, rows
    independent), ``rows``, ``clusters`` and ``design_effect`` (the clustered variance of the
    share over the binomial one; 1 when clusters do not matter)."""
    from .thresholds import wilson_interval

    y, c = _aligned(outcome, clusters)
    y = y.astype(float)
    codes, n_c = cluster_codes(c)
    k = np.bincount(codes, weights=y, minlength=n_c)
    n = np.bincount(codes, minlength=n_c).astype(float)
    out = {"rows": int(len(y)), "clusters": int(n_c)}
    if not len(y):
        return out | dict.fromkeys(
            ["share", "ci_low", "ci_high", "naive_ci_low", "naive_ci_high", "design_effect"], np.nan
        )
    p = float(y.mean())
    wl, wh = wilson_interval(y.sum(), len(y), level)
    if n_c < 2:  # one cluster resamples to itself: no interval, the naive one stands
        return out | {"share": p, "ci_low": float(wl), "ci_high": float(wh), "naive_ci_low": float(wl),
                      "naive_ci_high": float(wh), "design_effect": np.nan}
    w = bootstrap_weights(n_c, n_boot, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = (w @ k) / (w @ n)
    lo, hi = _percentile(draws, level)
    binomial = p * (1 - p) / len(y)
    deff = float(np.nanvar(draws) / binomial) if binomial > 0 else np.nan
    return out | {
        "share": p,
        "ci_low": lo,
        "ci_high": hi,
        "naive_ci_low": float(wl),
        "naive_ci_high": float(wh),
        "design_effect": deff,
    }


def shares_by_group(outcome, clusters, groups, n_boot: int = 2000, seed: int = 0, level: float = LEVEL) -> pd.DataFrame:
    """``share`` overall (group ``all``) and per group, clusters resampled within the whole sample.

    Columns: ``group, rows, clusters, successes, share, ci_low, ci_high, naive_ci_low,
    naive_ci_high, design_effect``. Each group's draws use the same cluster weights, so a cluster
    spanning two groups moves both."""
    y, c, g = _aligned(outcome, clusters, groups)
    rows = []
    for i, name in enumerate(["all", *sorted(pd.Series(g).dropna().unique())]):
        keep = np.ones(len(y), bool) if name == "all" else (g == name)
        r = share(y[keep], c[keep], n_boot, seed + i, level)
        rows.append({"group": str(name), "successes": int(y[keep].astype(float).sum())} | r)
    cols = [
        "group",
        "rows",
        "clusters",
        "successes",
        "share",
        "ci_low",
        "ci_high",
        "naive_ci_low",
        "naive_ci_high",
        "design_effect",
    ]
    return pd.DataFrame(rows)[cols]


def difference(outcome, clusters, groups, a, b, n_boot: int = 2000, seed: int = 0, level: float = LEVEL) -> dict:
    """Share in group ``a`` minus share in group ``b``, with a cluster-bootstrap interval.

    The same cluster draws weight both groups (a cluster with rows in both moves both). Returns
    ``difference, ci_low, ci_high, clusters``; NaN when a group is empty."""
    y, c, g = _aligned(outcome, clusters, groups)
    keep = (g == a) | (g == b)
    y, c, g = y[keep].astype(float), c[keep], g[keep]
    codes, n_c = cluster_codes(c)
    if not (g == a).any() or not (g == b).any():
        return {"difference": np.nan, "ci_low": np.nan, "ci_high": np.nan, "clusters": int(n_c)}

    def per(mask):
        return (
            np.bincount(codes, weights=y * mask, minlength=n_c),
            np.bincount(codes, weights=1.0 * mask, minlength=n_c),
        )

    (ka, na), (kb, nb) = per(g == a), per(g == b)
    w = bootstrap_weights(n_c, n_boot, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = (w @ ka) / (w @ na) - (w @ kb) / (w @ nb)
    lo, hi = _percentile(draws, level) if n_c >= 2 else (np.nan, np.nan)
    return {
        "difference": float(ka.sum() / na.sum() - kb.sum() / nb.sum()),
        "ci_low": lo,
        "ci_high": hi,
        "clusters": int(n_c),
    }


def statistic(frame: pd.DataFrame, cluster: str, fn, n_boot: int = 500, seed: int = 0, level: float = LEVEL) -> dict:
    """Any statistic ``fn(frame) -> float`` with a cluster-bootstrap percentile interval.

    Each replicate draws clusters of column ``cluster`` with replacement and stacks their rows (a
    cluster drawn twice appears twice). Slower than ``share``: use it for medians, ratios and
    model coefficients. Returns ``estimate, ci_low, ci_high, clusters, failed`` (replicates where
    ``fn`` gave NaN or raised ``ValueError``, left out of the interval)."""
    n_c = cluster_codes(frame[cluster].to_numpy())[1]
    draws, failed = np.full(n_boot, np.nan), 0
    for i, rows in enumerate(resample_rows(len(frame), frame[cluster].to_numpy(), n_boot, seed)):
        try:
            draws[i] = fn(frame.iloc[rows])
        except ValueError:
            pass
        failed += int(not np.isfinite(draws[i]))
    lo, hi = _percentile(draws, level)
    return {"estimate": float(fn(frame)), "ci_low": lo, "ci_high": hi, "clusters": int(n_c), "failed": failed}
