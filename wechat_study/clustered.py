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
    "LEVEL", "cluster_codes", "bootstrap_weights", "resample_rows", "resample_counts", "share", "shares_by_group",
    "difference", "statistic"
]

LEVEL = 0.95


def _aligned(*series) -> list[np.ndarray]:
    """The values of ``series`` as arrays, refusing Series whose indexes differ (``align.same_index``)."""
    if series:
        same_index(series[0], **{f"argument {i + 1}": s for i, s in enumerate(series[1:])})
    return [s.to_numpy() if isinstance(s, pd.Series) else np.asarray(s) for s in series]


def cluster_codes(clusters) -> tuple[np.ndarray, int]:
    """Integer codes 0..C-1 for ``clusters``; each null becomes a cluster of its own.

    Parameters
    ----------
    clusters : array-like
        One cluster label per row.

    Returns
    -------
    codes : numpy.ndarray of int64
        The code of each row: labels in order of first appearance, then one new code per null row.
    n_clusters : int
        C, the number of clusters (distinct labels plus null rows).

    Examples
    --------
    >>> from wechat_study.clustered import cluster_codes
    >>> codes, n = cluster_codes(["a", "b", None, "a", None])
    >>> codes.tolist(), n
    ([0, 1, 2, 0, 3], 4)
    """
    values = pd.Series(np.asarray(clusters, dtype=object))
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    missing = codes < 0
    codes[missing] = len(uniques) + np.arange(int(missing.sum()))
    return codes.astype(np.int64), len(uniques) + int(missing.sum())


def bootstrap_weights(n_clusters: int, n_boot: int = 2000, seed: int = 0) -> np.ndarray:
    """``(n_boot, n_clusters)`` counts: how often each cluster is drawn in each bootstrap replicate.

    Parameters
    ----------
    n_clusters : int
        Clusters; each replicate draws this many, with replacement and equal chances.
    n_boot : int
        Bootstrap replicates.
    seed : int
        Seed of ``numpy.random.default_rng``; the same seed gives the same counts.

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(n_boot, n_clusters)``; each row sums to ``n_clusters``.

    Examples
    --------
    >>> from wechat_study.clustered import bootstrap_weights
    >>> w = bootstrap_weights(3, n_boot=4, seed=0)
    >>> w.shape, w.sum(axis=1).tolist()
    ((4, 3), [3.0, 3.0, 3.0, 3.0])
    """
    rng = np.random.default_rng(seed)
    return rng.multinomial(n_clusters, np.full(n_clusters, 1.0 / n_clusters), size=n_boot).astype(np.float64)


def _row_codes(n_rows: int, clusters) -> tuple[np.ndarray, int]:
    """``cluster_codes``, refusing labels that are not one per row."""
    codes, n_c = cluster_codes(clusters)
    if len(codes) != n_rows:
        raise ValueError(f"{len(codes)} cluster labels for {n_rows} rows: give one label per row")
    return codes, n_c


def resample_rows(n_rows: int, clusters=None, n_boot: int = 1000, seed: int = 0) -> list[np.ndarray]:
    """Row indices of ``n_boot`` bootstrap replicates of ``n_rows`` rows: rows drawn with replacement when
    ``clusters`` is None, else whole clusters (``clusters``: one label per row; a cluster drawn twice gives
    its rows twice, so replicates differ in length). Draws come from ``numpy.random.default_rng(seed)``.

    Parameters
    ----------
    n_rows : int
        Rows in the sample.
    clusters : array-like, optional
        One cluster label per row (nulls are clusters of their own, ``cluster_codes``); None to draw rows.
    n_boot : int
        Bootstrap replicates.
    seed : int
        The same seed gives the same replicates.

    Returns
    -------
    list of numpy.ndarray
        ``n_boot`` arrays of positional row indices (0 to ``n_rows - 1``), for ``DataFrame.iloc``.

    Raises
    ------
    ValueError
        ``clusters`` does not give one label per row.

    Examples
    --------
    >>> from wechat_study.clustered import resample_rows
    >>> [r.tolist() for r in resample_rows(4, n_boot=2, seed=0)]
    [[3, 2, 2, 1], [1, 0, 0, 0]]
    >>> [r.tolist() for r in resample_rows(4, ["a", "a", "b", "c"], n_boot=2, seed=0)]
    [[3, 2, 2], [0, 1, 0, 1, 0, 1]]
    """
    rng = np.random.default_rng(seed)
    if clusters is None:
        return list(rng.integers(0, n_rows, (n_boot, n_rows)))
    codes, n_c = _row_codes(n_rows, clusters)
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


def resample_counts(n_rows: int, clusters=None, n_boot: int = 1000, seed: int = 0) -> np.ndarray:
    """``resample_rows``' replicates as counts: ``(n_boot, n_rows)``, how often each row is in each replicate
    (the same draws for the same seed, so a statistic weighted by these counts equals it on those rows).

    Parameters
    ----------
    n_rows : int
        Rows.
    clusters : array_like, optional
        One cluster label per row, as for ``resample_rows``.
    n_boot : int
        Bootstrap replicates.
    seed : int
        The seed, as for ``resample_rows``.

    Returns
    -------
    numpy.ndarray of float64
        Shape ``(n_boot, n_rows)``.

    Raises
    ------
    ValueError
        ``clusters`` does not give one label per row.

    Examples
    --------
    >>> from wechat_study.clustered import resample_counts
    >>> resample_counts(4, ["a", "a", "b", "c"], n_boot=2, seed=0).tolist()
    [[0.0, 0.0, 2.0, 1.0], [3.0, 3.0, 0.0, 0.0]]
    """
    rng = np.random.default_rng(seed)
    if clusters is None:
        drawn, n_units, codes = rng.integers(0, n_rows, (n_boot, n_rows)), n_rows, None
    else:
        codes, n_units = _row_codes(n_rows, clusters)
        drawn = rng.integers(0, n_units, (n_boot, n_units)) if n_units else np.zeros((n_boot, 0), np.int64)
    flat = (drawn + np.arange(n_boot)[:, None] * n_units).ravel()
    counts = np.bincount(flat, minlength=n_boot * n_units).reshape(n_boot, n_units).astype(np.float64)
    return counts if codes is None else counts[:, codes]


def share(outcome, clusters, n_boot: int = 2000, seed: int = 0, level: float = LEVEL, floor: bool = True) -> dict:
    """A share with its cluster-bootstrap interval and, beside it, the naive Wilson interval.

    Parameters
    ----------
    outcome : pandas.Series or array-like of bool or 0/1
        One outcome per row.
    clusters : pandas.Series or array-like
        One cluster label per row, on the same index as ``outcome``.
    n_boot : int
        Bootstrap replicates.
    seed : int
        The same seed gives the same interval.
    level : float
        Coverage of both intervals, a share (0.95).
    floor : bool
        Widen a bootstrap bound that lies inside Wilson's to it (the default). False keeps the percentile
        interval as drawn, for a caller with a naive interval of its own (a mean of fractions).

    Returns
    -------
    dict
        ``share, ci_low, ci_high`` (clustered percentile interval), ``naive_ci_low, naive_ci_high``
        (Wilson, rows independent), ``rows``, ``clusters``, ``design_effect`` (the clustered variance of
        the share over the binomial one; 1 when clusters do not matter) and ``interval``, which interval
        ``ci_*`` is. A bound of the bootstrap inside Wilson's is widened to it ("cluster bootstrap, widened
        to Wilson"): with few or unequal clusters the percentile interval under-covers. With a single
        cluster, or a share of 0 or 1 (every resample repeats it), the clustered interval is the Wilson one
        and ``design_effect`` is NaN; with no rows every value but the counts is NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.clustered import share
    >>> crossed = pd.Series([True, True, False, False, True, False, True, False])
    >>> author = pd.Series(["a", "a", "b", "b", "c", "c", "d", "d"])
    >>> r = share(crossed, author, n_boot=500)
    >>> r["share"], r["clusters"], round(r["ci_low"], 3), round(r["ci_high"], 3)
    (0.5, 4, 0.125, 0.875)
    >>> round(r["naive_ci_low"], 3), round(r["naive_ci_high"], 3)
    (0.215, 0.785)
    """
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
        ) | {"interval": "none (no rows)"}
    p = float(y.mean())
    wl, wh = wilson_interval(y.sum(), len(y), level)
    if n_c < 2 or p in (0.0, 1.0):  # one cluster, or no variation: every draw is p, the naive interval stands
        why = "Wilson (one cluster)" if n_c < 2 else "Wilson (a share of 0 or 1)"
        return out | {"share": p, "ci_low": float(wl), "ci_high": float(wh), "naive_ci_low": float(wl),
                      "naive_ci_high": float(wh), "design_effect": np.nan, "interval": why}
    w = bootstrap_weights(n_c, n_boot, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        draws = (w @ k) / (w @ n)
    lo, hi = _percentile(draws, level)
    binomial = p * (1 - p) / len(y)
    deff = float(np.nanvar(draws) / binomial) if binomial > 0 else np.nan
    widened = floor and (lo > wl or hi < wh)  # few or unequal clusters: the bootstrap under-covers
    return out | {
        "share": p,
        "ci_low": float(min(lo, wl) if floor else lo),
        "ci_high": float(max(hi, wh) if floor else hi),
        "naive_ci_low": float(wl),
        "naive_ci_high": float(wh),
        "design_effect": deff,
        "interval": "cluster bootstrap, widened to Wilson" if widened else "cluster bootstrap",
    }


def shares_by_group(outcome, clusters, groups, n_boot: int = 2000, seed: int = 0, level: float = LEVEL) -> pd.DataFrame:
    """``share`` overall (group ``all``) and per group.

    Each row is ``share`` on that group's rows alone: clusters are resampled within the group (a cluster
    spanning two groups is drawn separately in each), with seed ``seed`` for ``all`` and ``seed + i`` for
    the i-th group in sorted order.

    Parameters
    ----------
    outcome : pandas.Series or array-like of bool or 0/1
        One outcome per row.
    clusters : pandas.Series or array-like
        One cluster label per row, on the same index.
    groups : pandas.Series or array-like
        One group label per row, on the same index; rows with a null group count only in ``all``.
    n_boot : int
        Bootstrap replicates per group.
    seed : int
        The same seed gives the same intervals.
    level : float
        Coverage of the intervals, a share (0.95).

    Returns
    -------
    pandas.DataFrame
        Columns ``group, rows, clusters, successes, share, ci_low, ci_high, naive_ci_low,
        naive_ci_high, design_effect, interval`` (``share``'s); the row ``all`` first, then the groups in sorted order.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.clustered import shares_by_group
    >>> crossed = pd.Series([True, True, False, False, True, False, True, False])
    >>> author = pd.Series(["a", "a", "b", "b", "c", "c", "d", "d"])
    >>> label = pd.Series(["rumour"] * 4 + ["non-rumour"] * 4)
    >>> shares_by_group(crossed, author, label, n_boot=500)[["group", "rows", "clusters", "share"]]
            group  rows  clusters  share
    0         all     8         4    0.5
    1  non-rumour     4         2    0.5
    2      rumour     4         2    0.5
    """
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
        "interval",
    ]
    return pd.DataFrame(rows)[cols]


def difference(outcome, clusters, groups, a, b, n_boot: int = 2000, seed: int = 0, level: float = LEVEL) -> dict:
    """Share in group ``a`` minus share in group ``b``, with a cluster-bootstrap interval.

    The same cluster draws weight both groups (a cluster with rows in both moves both).

    Parameters
    ----------
    outcome : pandas.Series or array-like of bool or 0/1
        One outcome per row.
    clusters : pandas.Series or array-like
        One cluster label per row, on the same index.
    groups : pandas.Series or array-like
        One group label per row, on the same index; rows in neither ``a`` nor ``b`` are dropped.
    a, b : object
        The two group labels compared.
    n_boot : int
        Bootstrap replicates.
    seed : int
        The same seed gives the same interval.
    level : float
        Coverage of the interval, a share (0.95).

    Returns
    -------
    dict
        ``difference`` (share in ``a`` minus share in ``b``, on the 0-1 scale), ``ci_low, ci_high`` (the
        percentile interval; NaN with fewer than two clusters) and ``clusters`` (in the two groups). Every
        value but ``clusters`` is NaN when a group is empty.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.clustered import difference
    >>> crossed = pd.Series([True, True, False, False, True, True, True, False])
    >>> author = pd.Series(["a", "a", "b", "b", "c", "c", "d", "d"])
    >>> label = pd.Series(["rumour"] * 4 + ["non-rumour"] * 4)
    >>> r = difference(crossed, author, label, "non-rumour", "rumour", n_boot=500)
    >>> r["difference"], r["clusters"]
    (0.25, 4)
    """
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
    model coefficients.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit (a cascade, a removal).
    cluster : str
        The column of cluster labels.
    fn : callable
        ``fn(frame) -> float``; called on ``frame`` itself for the estimate and on each replicate.
    n_boot : int
        Bootstrap replicates.
    seed : int
        The same seed gives the same interval.
    level : float
        Coverage of the interval, a share (0.95).

    Returns
    -------
    dict
        ``estimate`` (``fn(frame)``), ``ci_low, ci_high`` (percentile interval), ``clusters`` and
        ``failed`` (replicates where ``fn`` gave a value that is not finite or raised ``ValueError``,
        left out of the interval).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.clustered import statistic
    >>> cascades = pd.DataFrame({"author": list("aabbccdd"), "size": [1, 3, 2, 8, 5, 5, 2, 9]})
    >>> statistic(cascades, "author", lambda d: d["size"].median(), n_boot=200)
    {'estimate': 4.0, 'ci_low': 2.5, 'ci_high': 5.0, 'clusters': 4, 'failed': 0}
    """
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
