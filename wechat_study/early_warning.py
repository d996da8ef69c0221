"""Early warning: t minutes after the source, will a cascade reach the repost threshold?

Conventions (docs/methods.md#11-early-warning-evaluation):
- the outcome is the observed final repost count (records, size - 1) >= threshold (500 by default);
- cascades are split by source-post time: the earliest ``1 - test_share`` train, the latest test;
- at observation time t only cascades with fewer than ``threshold`` reposts by t are scored (a cascade already
  past the threshold is not a prediction), in training and in test alike;
- each model gives a score per cascade and time; ROC-AUC uses the scores as they are, with a bootstrap 95%
  interval over test cascades (seeded); model differences are paired (the same resamples);
- calibration: a logistic fit of the outcome on log(1 + score) over the training cascades, judged on the test
  cascades (Brier score, reliability table); alarm rules are judged by precision, recall and false-alarm rate;
- follower counts: the source's from the data (a crawl-time snapshot, not a pre-repost measurement; where missing,
  the median of the training cascades with a known count, flagged by ``early_features.source_followers``), every
  reposter's an assumed constant
  (CED records none), a parameter; SEISMIC's n* is tied to it (n* = gamma x the assumed followers, gamma fitted
  on the training split), so when the assumption moves, n* moves with it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .align import same_index
from .metrics import NAT, Forest
from .thresholds import wilson_interval

__all__ = [
    "MODELS", "share_times", "split_by_time", "observed_counts", "count_baseline", "source_baseline", "auc",
    "auc_draws",
    "logistic", "eligible", "paired_aucs", "bootstrap_auc", "cluster_labels", "calibrated", "alarm_rules",
    "rule_flags", "calibration", "fit_status", "censors_clock", "follower_sweep", "record", "record_aucs",
    "record_rates", "crossing_hours", "clock_long", "findings_box"
]

MODELS = ("count_baseline", "source_followers", "seismic", "hawkes", "hawkes_pooled", "feature_model")


def share_times(posts: pd.DataFrame, cascades: pd.DataFrame, repost_followers: float,
                train=None) -> tuple[dict, dict, pd.Series]:
    """Per cascade: share times (seconds from the source, source first at 0, sorted; unknown times dropped,
    negative delays clipped to 0), aligned follower counts (source first), and the final repost counts.
    A missing source count is imputed with the median over ``train``'s known counts (all cascades' when
    ``train`` is None: only for data without a split); with no count at all, the followers are NaN.

    Parameters
    ----------
    posts : pandas.DataFrame
        A canonical posts table.
    cascades : pandas.DataFrame
        Its cascades table (``cascade_id``, ``author_followers``).
    repost_followers : float
        The follower count assumed for every reposter.
    train : sequence of str, optional
        The training cascades' ids, whose known source counts give the median that fills missing ones.

    Returns
    -------
    times : dict of str to numpy.ndarray
        Cascade id -> share times in seconds, as above.
    followers : dict of str to numpy.ndarray
        Cascade id -> follower counts aligned with ``times``: the source's, then ``repost_followers`` per repost.
    final : pandas.Series
        ``final_reposts`` by cascade id: the cascade's records minus the source (reposts of unknown time
        included).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> times["c0"][:3].round(1).tolist(), followers["c0"][:3].tolist(), int(final["c0"])
    ([0.0, 321.8, 382.7], [1604.0, 100.0, 100.0], 14)
    """
    from .early_features import source_followers

    f = Forest.from_posts(posts)
    if cascades["author_followers"].isna().all():  # no counts at all: times only, followers unknown
        roots = pd.Series(np.nan, index=cascades["cascade_id"].to_numpy())
    else:
        roots = source_followers(cascades, cascades["cascade_id"] if train is None else train)[0]
    times, followers = {}, {}
    rel = np.where(f.times == NAT, np.nan, (f.times - np.repeat(f.root_times, f.sizes_per_cascade)) / 1e9)
    for c, (a, b) in enumerate(zip(f.starts[:-1], f.starts[1:], strict=True)):
        cid = f.cascade_ids[c]
        r = rel[a + 1:b]
        r = np.sort(np.maximum(r[~np.isnan(r)], 0.0))
        times[cid] = np.r_[0.0, r]
        followers[cid] = np.r_[roots[cid], np.full(len(r), float(repost_followers))]
    final = pd.Series(f.sizes_per_cascade - 1, index=f.cascade_ids, name="final_reposts")
    return times, followers, final


def split_by_time(cascades: pd.DataFrame, test_share: float = 0.3) -> tuple[list[str], list[str]]:
    """(train ids, test ids): the latest ``test_share`` of cascades by source time are the test set.

    Parameters
    ----------
    cascades : pandas.DataFrame
        A cascades table (``cascade_id``, ``created_at``); ties in time are ordered by id.
    test_share : float
        The share of cascades in the test set, 0-1; the training set has ``round(n * (1 - test_share))``.

    Returns
    -------
    train : list of str
        The earliest cascades' ids, in time order.
    test : list of str
        The latest cascades' ids, in time order.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_warning as ew
    >>> created = pd.to_datetime(["2014-01-03", "2014-01-01", "2014-01-04", "2014-01-02"])
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"], "created_at": created})
    >>> ew.split_by_time(cascades, test_share=0.25)
    (['b', 'd', 'a'], ['c'])
    """
    ordered = cascades.sort_values(["created_at", "cascade_id"])["cascade_id"].tolist()
    cut = round(len(ordered) * (1 - test_share))
    return ordered[:cut], ordered[cut:]


def observed_counts(times: dict, at_s) -> pd.DataFrame:
    """Reposts observed by each time (source excluded): ``cascade_id, at_s, observed``.

    Parameters
    ----------
    times : dict of str to numpy.ndarray
        Cascade id -> sorted share times in seconds, the source first (``share_times``).
    at_s : iterable of float
        Observation times, seconds from the source; a repost at exactly ``at_s`` counts.

    Returns
    -------
    pandas.DataFrame
        One row per cascade and time, cascade by cascade.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study import early_warning as ew
    >>> times = {"a": np.array([0.0, 30, 90, 4000]), "b": np.array([0.0, 700])}
    >>> ew.observed_counts(times, [60, 3600])
      cascade_id  at_s  observed
    0          a    60         1
    1          a  3600         2
    2          b    60         0
    3          b  3600         1
    """
    rows = [(cid, t, int(np.searchsorted(ts, t, side="right") - 1)) for cid, ts in times.items() for t in at_s]
    return pd.DataFrame(rows, columns=["cascade_id", "at_s", "observed"])


def count_baseline(times: dict, at_s) -> pd.DataFrame:
    """The count so far as the score: ``cascade_id, at_s, predicted``.

    Parameters
    ----------
    times : dict of str to numpy.ndarray
        As for ``observed_counts``.
    at_s : iterable of float
        Observation times, seconds.

    Returns
    -------
    pandas.DataFrame
        ``observed_counts`` with ``observed`` named ``predicted``.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study import early_warning as ew
    >>> ew.count_baseline({"a": np.array([0.0, 30, 90, 4000]), "b": np.array([0.0, 700])}, [600])
      cascade_id  at_s  predicted
    0          a   600          2
    1          b   600          0
    """
    return observed_counts(times, at_s).rename(columns={"observed": "predicted"})


def source_baseline(followers: dict, at_s) -> pd.DataFrame:
    """The source author's follower count alone as the score (the same at every time).

    Parameters
    ----------
    followers : dict of str to numpy.ndarray
        Cascade id -> follower counts, the source's first (``share_times``).
    at_s : iterable of float
        Observation times, seconds.

    Returns
    -------
    pandas.DataFrame
        ``cascade_id, at_s, predicted`` (the source's count as a float, NaN when unknown).

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study import early_warning as ew
    >>> ew.source_baseline({"a": np.array([5000.0, 100, 100]), "b": np.array([80.0, 100])}, [600])
      cascade_id  at_s  predicted
    0          a   600     5000.0
    1          b   600       80.0
    """
    return pd.DataFrame([(cid, t, float(f[0])) for cid, f in followers.items() for t in at_s],
                        columns=["cascade_id", "at_s", "predicted"])


def auc(score, y) -> float:
    """ROC-AUC from ranks (ties count half); NaN without both classes. Infinite scores rank highest.

    A NaN score ranks lowest.

    Parameters
    ----------
    score : array_like of float
        One score per case; higher means more likely to cross.
    y : array_like of bool
        The outcomes, one per score: two Series must share one index (``align.same_index``), anything
        else pairs by position.

    Returns
    -------
    float
        The AUC, 0-1 (0.5 is chance), or NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study import early_warning as ew
    >>> ew.auc([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1])
    0.75
    >>> ew.auc([np.inf, 1, np.nan, 2], [1, 0, 0, 1]), ew.auc([1, 2], [1, 1])
    (1.0, nan)
    """
    same_index(score, y=y)
    score, y = np.asarray(score, float), np.asarray(y, bool)
    n1, n0 = y.sum(), (~y).sum()
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = stats.rankdata(np.nan_to_num(score, nan=-np.inf, posinf=np.finfo(float).max))
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def auc_draws(score, y, counts: np.ndarray) -> np.ndarray:
    """``auc`` on each bootstrap replicate given as row counts (``clustered.resample_counts``), all at once:
    the Mann–Whitney form, each case weighted by how often it is drawn, ties counting half.

    Parameters
    ----------
    score : array_like of float
        One score per row, as for ``auc`` (NaN lowest, infinite highest).
    y : array_like of bool
        The outcomes, one per row.
    counts : numpy.ndarray
        ``(n_boot, rows)``: how often each row is in each replicate.

    Returns
    -------
    numpy.ndarray
        One AUC per replicate (NaN for a replicate without both outcomes); equal, up to rounding, to ``auc``
        on the replicate's rows.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study import early_warning as ew
    >>> ew.auc_draws([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1], np.array([[1, 1, 1, 1], [2, 0, 1, 0], [0, 0, 1, 3]]))
    array([0.75, 1.  ,  nan])
    """
    s = np.nan_to_num(np.asarray(score, float), nan=-np.inf, posinf=np.finfo(float).max)
    y = np.asarray(y, bool)
    order = np.argsort(s, kind="stable")
    ranked = s[order]
    starts = np.flatnonzero(np.r_[True, ranked[1:] != ranked[:-1]]) if len(s) else np.zeros(0, np.int64)
    w = np.asarray(counts, float)[:, order]
    if not len(s):
        return np.full(len(w), np.nan)
    pos = np.add.reduceat(w * y[order], starts, axis=1)     # drawn positives at each distinct score
    neg = np.add.reduceat(w * ~y[order], starts, axis=1)
    n1, n0 = pos.sum(axis=1), neg.sum(axis=1)
    wins = (pos * (np.cumsum(neg, axis=1) - neg + 0.5 * neg)).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where((n1 > 0) & (n0 > 0), wins / (n1 * n0), np.nan)


def logistic(x_train, y_train):
    """A one-feature logistic regression fitted by maximum likelihood; returns p(x).

    Parameters
    ----------
    x_train : array_like of float
        The feature (e.g. log(1 + score)).
    y_train : array_like of bool or float
        The outcomes, 0 or 1, one per feature: two Series must share one index, else by position.

    Returns
    -------
    callable
        ``p(x)``: the fitted probability for an array of features.

    Examples
    --------
    >>> from wechat_study import early_warning as ew
    >>> p = ew.logistic([0, 1, 2, 3, 4, 5], [0, 0, 1, 0, 1, 1])
    >>> p([0, 2.5, 5]).round(3).tolist()
    [0.046, 0.5, 0.954]
    """
    same_index(x_train, y_train=y_train)
    x, y = np.asarray(x_train, float), np.asarray(y_train, float)
    def loss(w):
        return np.sum(np.logaddexp(0, w[0] + w[1] * x) - y * (w[0] + w[1] * x))

    with np.errstate(over="ignore"):
        w = optimize.minimize(loss, np.zeros(2), method="BFGS").x
    return lambda v: 1 / (1 + np.exp(np.clip(-(w[0] + w[1] * np.asarray(v, float)), -700, 700)))


def _feature(pred) -> np.ndarray:
    p = np.asarray(pred, float)
    return np.log1p(np.where(np.isfinite(p), np.maximum(p, 0), 1e7))


def eligible(predictions: pd.DataFrame, threshold: int = 500) -> pd.DataFrame:
    """Rows whose cascade has fewer than ``threshold`` reposts at the row's time (needs ``observed``).

    Parameters
    ----------
    predictions : pandas.DataFrame
        Rows with an ``observed`` column (reposts by the row's time).
    threshold : int
        The repost threshold.

    Returns
    -------
    pandas.DataFrame
        Those rows, index kept.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_warning as ew
    >>> predictions = pd.DataFrame({"cascade_id": ["a", "b", "a", "b"], "at_s": [600, 600, 3600, 3600],
    ...                             "predicted": [12.0, 3.0, 25.0, 4.0], "observed": [12, 3, 25, 4]})
    >>> ew.eligible(predictions, threshold=20)
      cascade_id  at_s  predicted  observed
    0          a   600       12.0        12
    1          b   600        3.0         3
    3          b  3600        4.0         4
    """
    return predictions[predictions["observed"] < threshold]


def _frame(predictions, final, ids, model, at, threshold):
    g = predictions[(predictions["model"] == model) & (predictions["at_s"] == at)].set_index("cascade_id")
    g = g.reindex([c for c in ids if c in g.index])
    return g["predicted"].to_numpy(float), (final.reindex(g.index) >= threshold).to_numpy(), g.index


def _percentiles(values) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of the finite values (NaN when there are none)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    return tuple(np.percentile(v, [2.5, 97.5])) if v.size else (np.nan, np.nan)


def paired_aucs(wide: pd.DataFrame, y, n_boot: int = 1000, seed: int = 0, baseline: str = "count_baseline",
                order=MODELS, clusters=None) -> list[dict]:
    """One row per score column of ``wide`` (rows: cascades; ``y`` their outcomes): ``model, auc, ci_low, ci_high,
    test_cascades, positives`` and the paired difference from ``baseline`` (``diff, diff_low, diff_high``; NaN on
    the baseline's own row), 95% percentile intervals from ``n_boot`` resamples (the same for every column): of
    rows, or of whole ``clusters`` (one label per row, e.g. the source author; ``clustered.resample_rows``).

    Parameters
    ----------
    wide : pandas.DataFrame
        One score column per model, one row per cascade.
    y : array_like of bool
        The outcomes, one per row: a Series with ``wide``'s index (``align.same_index``), or an array in
        row order.
    n_boot : int
        Bootstrap resamples.
    seed : int
        The resamples' seed.
    baseline : str
        The reference column; when ``wide`` lacks it, there are no ``diff`` columns.
    order : sequence of str
        Row order of the models; columns not in it follow, sorted.
    clusters : array_like, optional
        One cluster label per row, resampled whole; as for ``y``.

    Returns
    -------
    list of dict
        One row per model. Without both outcomes every AUC and bound is NaN.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_warning as ew
    >>> wide = pd.DataFrame({"count_baseline": [0, 2, 5, 9, 3, 12, 7, 1], "seismic": [0.5, 3, 9, 20, 2, 30, 6, 1]})
    >>> rows = ew.paired_aucs(wide, [0, 0, 1, 1, 0, 1, 0, 0], n_boot=200, seed=0)
    >>> pd.DataFrame(rows)[["model", "auc", "ci_low", "ci_high", "diff"]].round(3)
                model    auc  ci_low  ci_high   diff
    0  count_baseline  0.933   0.708      1.0    NaN
    1         seismic  1.000   1.000      1.0  0.067
    """
    from .clustered import resample_counts

    same_index(wide, y=y, clusters=clusters)
    y, clusters = np.asarray(y, bool), None if clusters is None else np.asarray(clusters, object)
    counts = resample_counts(len(y), clusters, n_boot, seed)
    base = wide[baseline].to_numpy(float) if baseline in wide else None
    both = 0 < y.sum() < len(y)          # without both outcomes there is no AUC to resample
    base_boot = auc_draws(base, y, counts) if both and base is not None else np.nan
    rows = []
    for model in [m for m in order if m in wide] + sorted(set(wide) - set(order)):
        s = wide[model].to_numpy(float)
        boots = auc_draws(s, y, counts) if both else np.full(2, np.nan)
        row = {"model": model, "auc": auc(s, y), "test_cascades": len(y), "positives": int(y.sum())}
        row["ci_low"], row["ci_high"] = _percentiles(boots)
        if base is not None and model == baseline:  # the reference itself: no gain to state
            row["diff"] = row["diff_low"] = row["diff_high"] = np.nan
        elif base is not None:
            row["diff"] = row["auc"] - auc(base, y)
            row["diff_low"], row["diff_high"] = _percentiles(boots - base_boot)
        rows.append(row)
    return rows


def bootstrap_auc(predictions: pd.DataFrame, final: pd.Series, test, threshold: int = 500, n_boot: int = 1000,
                  seed: int = 0, baseline: str = "count_baseline", clusters: pd.Series | None = None) -> pd.DataFrame:
    """Per model and time, on the eligible test cascades: ``model, at_min, auc, ci_low, ci_high`` and the paired
    difference from ``baseline`` (``diff, diff_low, diff_high``; NaN on the baseline's own rows), 95% percentile
    intervals from ``n_boot`` resamples (the same for every model at a time) of test cascades, or, with
    ``clusters`` (cascade id -> source author), of authors with all their test cascades.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``model, cascade_id, at_s, predicted, observed``, one row per model, cascade and time.
    final : pandas.Series
        Final repost counts by cascade id (the outcome is ``final >= threshold``).
    test : iterable of str
        The test cascades' ids.
    threshold : int
        The repost threshold.
    n_boot, seed : int
        Bootstrap resamples and their seed.
    baseline : str
        The model the others are compared with (a name no model has gives no ``diff`` columns).
    clusters : pandas.Series, optional
        Cascade id -> source author, for resampling authors.

    Returns
    -------
    pandas.DataFrame
        ``model, at_min`` (minutes), ``auc, test_cascades, positives, ci_low, ci_high`` and, with a baseline,
        ``diff, diff_low, diff_high``.

    Raises
    ------
    ValueError
        When ``clusters`` lacks a test cascade (``cluster_labels``).

    Examples
    --------
    >>> import pandas as pd
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> predictions = pd.concat([ew.count_baseline(times, [600]).assign(model="count_baseline"),
    ...                          ew.source_baseline(followers, [600]).assign(model="source_followers")])
    >>> predictions = predictions.merge(ew.observed_counts(times, [600]), on=["cascade_id", "at_s"])
    >>> table = ew.bootstrap_auc(predictions, final, test, threshold=20, n_boot=200, seed=0)
    >>> table[["model", "at_min", "auc", "ci_low", "ci_high", "diff"]].round(3)
                  model  at_min    auc  ci_low  ci_high   diff
    0    count_baseline    10.0  0.987   0.921      1.0    NaN
    1  source_followers    10.0  0.720   0.341      1.0 -0.267
    """
    rows = []
    for at, g in eligible(predictions, threshold).groupby("at_s", sort=True):
        wide = g[g["cascade_id"].isin(set(test))].pivot(index="cascade_id", columns="model", values="predicted")
        y = (final.reindex(wide.index) >= threshold).to_numpy()
        c = None if clusters is None else cluster_labels(clusters, wide.index)
        rows += [{"at_min": at / 60, **r} for r in paired_aucs(wide, y, n_boot, seed, baseline, clusters=c)]
    cols = ["model", "at_min", "auc", "test_cascades", "positives", "ci_low", "ci_high", "diff", "diff_low",
            "diff_high"]
    return pd.DataFrame(rows).reindex(columns=[c for c in cols if rows and c in rows[0]])


def cluster_labels(clusters: pd.Series, cascade_ids) -> np.ndarray:
    """The cluster label of each of ``cascade_ids`` from ``clusters`` (cascade id -> label), refusing ids it lacks.

    Parameters
    ----------
    clusters : pandas.Series
        Cascade id -> cluster label (e.g. the source author).
    cascade_ids : iterable of str
        The cascades, in the order wanted.

    Returns
    -------
    numpy.ndarray
        The labels, an object array aligned with ``cascade_ids``.

    Raises
    ------
    ValueError
        When some of ``cascade_ids`` are not in ``clusters``' index.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_warning as ew
    >>> authors = pd.Series(["u1", "u1", "u2"], index=["c0", "c1", "c2"])
    >>> ew.cluster_labels(authors, ["c2", "c0"]).tolist()
    ['u2', 'u1']
    >>> ew.cluster_labels(authors, ["c0", "c9"])
    Traceback (most recent call last):
    ...
    ValueError: no cluster label for 1 cascade(s), e.g. 'c9': give clusters for every cascade ...
    """
    labels = clusters.reindex(pd.Index(cascade_ids))
    missing = labels.index[~labels.index.isin(clusters.index)]
    if len(missing):
        raise ValueError(f"no cluster label for {len(missing):,} cascade(s), e.g. {missing[0]!r}: "
                         "give clusters for every cascade (cascade id -> source author)")
    return labels.to_numpy(object)


def calibrated(predictions: pd.DataFrame, final: pd.Series, train, test, threshold: int = 500) -> pd.DataFrame:
    """The eligible test rows with ``probability``: a logistic map of log(1 + score) fitted on the eligible
    training rows of the same model and time; and ``crossed``, the outcome.

    Parameters
    ----------
    predictions : pandas.DataFrame
        As for ``bootstrap_auc``.
    final : pandas.Series
        Final repost counts by cascade id.
    train, test : iterable of str
        The training and test cascades' ids.
    threshold : int
        The repost threshold.

    Returns
    -------
    pandas.DataFrame
        The eligible test rows of every model and time, with ``probability`` (0-1) and ``crossed`` (bool).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> predictions = ew.count_baseline(times, [600]).assign(model="count_baseline")
    >>> predictions["observed"] = predictions["predicted"]
    >>> cal = ew.calibrated(predictions, final, train, test, threshold=20)
    >>> cal[["cascade_id", "predicted", "probability", "crossed"]].head(3).round(3)
      cascade_id  predicted  probability  crossed
    0         c3          4        0.796    False
    1         c6          6        0.940     True
    2         c8          0        0.005    False
    """
    out = []
    for (_model, _at), g in eligible(predictions, threshold).groupby(["model", "at_s"], sort=True):
        tr, te = g[g["cascade_id"].isin(set(train))], g[g["cascade_id"].isin(set(test))]
        prob = logistic(_feature(tr["predicted"]), final.reindex(tr["cascade_id"]).to_numpy() >= threshold)
        out.append(te.assign(probability=prob(_feature(te["predicted"])),
                             crossed=final.reindex(te["cascade_id"]).to_numpy() >= threshold))
    return pd.concat(out, ignore_index=True)


def _clustered_bounds(outcome, clusters, wilson: tuple, n_boot: int, seed: int) -> tuple:
    """The cluster-bootstrap 95% bounds of a share, or ``wilson`` where it has no success or no failure."""
    from .clustered import share

    if not 0 < outcome.sum() < outcome.size:
        return wilson
    r = share(outcome, clusters, n_boot, seed)
    return r["ci_low"], r["ci_high"]


def _rates(flag, y, clusters=None, n_boot: int = 1000, seed: int = 0) -> dict:
    """Counts of alarms, hits and false alarms; precision, recall and false-alarm rate with 95% intervals:
    Wilson, or with ``clusters`` (one label per row) the cluster bootstrap, Wilson kept where a share has no
    success or no failure (resampling clusters cannot bound it)."""
    tp, fp = int((flag & y).sum()), int((flag & ~y).sum())
    (p_lo, r_lo, f_lo), (p_hi, r_hi, f_hi) = wilson_interval([tp, tp, fp], [tp + fp, y.sum(), (~y).sum()])
    if clusters is not None:
        c = np.asarray(clusters, dtype=object)
        p_lo, p_hi = _clustered_bounds(y[flag], c[flag], (p_lo, p_hi), n_boot, seed)
        r_lo, r_hi = _clustered_bounds(flag[y], c[y], (r_lo, r_hi), n_boot, seed)
        f_lo, f_hi = _clustered_bounds(flag[~y], c[~y], (f_lo, f_hi), n_boot, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"alarms": int(flag.sum()), "hits": tp, "false_alarms": fp,
                "precision": tp / (tp + fp) if tp + fp else np.nan, "precision_low": p_lo, "precision_high": p_hi,
                "recall": tp / y.sum() if y.sum() else np.nan, "recall_low": r_lo, "recall_high": r_hi,
                "false_alarm_rate": fp / (~y).sum() if (~y).sum() else np.nan, "far_low": f_lo, "far_high": f_hi}


def alarm_rules(cal: pd.DataFrame, threshold: int = 500, probability: float = 0.5,
                clusters: pd.Series | None = None, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Every alarm rule at its operating point, on the eligible test cascades: "p >= probability" (the
    training-calibrated probability) for every model, and "predicted >= threshold" for the size models (SEISMIC,
    Hawkes). Columns ``model, at_min, rule`` and ``_rates``' counts and shares with 95% intervals: Wilson, or
    with ``clusters`` (cascade id -> source author) resampling authors.

    Parameters
    ----------
    cal : pandas.DataFrame
        ``calibrated``'s rows.
    threshold : int
        The repost threshold (the outcome was computed with it; here it sets the size rule).
    probability : float
        The probability a calibrated alarm needs, 0-1.
    clusters : pandas.Series, optional
        Cascade id -> source author, for cluster-bootstrap intervals.
    n_boot, seed : int
        Bootstrap resamples and their seed (used only with ``clusters``).

    Returns
    -------
    pandas.DataFrame
        One row per model, time and rule: ``model, at_min, rule, alarms, hits, false_alarms, precision,
        precision_low, precision_high, recall, recall_low, recall_high, false_alarm_rate, far_low, far_high``
        (shares 0-1; NaN where undefined, e.g. precision without alarms).

    Raises
    ------
    ValueError
        When ``clusters`` lacks a cascade of ``cal`` (``cluster_labels``).

    Examples
    --------
    >>> import pandas as pd
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> from wechat_study.models import predictors
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> seismic, _ = predictors.seismic_predictions(times, followers, final, train, [600], 100, threshold=20)
    >>> rules = ew.alarm_rules(ew.calibrated(seismic, final, train, test, threshold=20), threshold=20)
    >>> rules[["model", "rule", "alarms", "hits", "precision", "recall", "false_alarm_rate"]].round(3)
         model             rule  alarms  hits  precision  recall  false_alarm_rate
    0  seismic          p ≥ 0.5       6     5      0.833     1.0             0.067
    1  seismic   predicted ≥ 20       5     4      0.800     0.8             0.067
    """
    rows = []
    for (model, at), g in cal.groupby(["model", "at_s"], sort=True):
        y = g["crossed"].to_numpy(bool)
        c = None if clusters is None else cluster_labels(clusters, g["cascade_id"])
        rows += [{"model": model, "at_min": at / 60, "rule": r, **_rates(flag, y, c, n_boot, seed)}
                 for r, flag in rule_flags(g, model, threshold, probability).items()]
    return pd.DataFrame(rows)


def rule_flags(g: pd.DataFrame, model: str, threshold: int = 500, probability: float = 0.5) -> dict:
    """The alarm rules of one model at one time (rows of ``calibrated``): {rule: boolean flags}.

    Parameters
    ----------
    g : pandas.DataFrame
        ``calibrated``'s rows of one model and time (``probability``, ``predicted``).
    model : str
        The model; one whose name starts with ``seismic`` or ``hawkes`` predicts a size and also gets the
        size rule.
    threshold : int
        The size rule's line.
    probability : float
        The calibrated rule's line, 0-1.

    Returns
    -------
    dict of str to numpy.ndarray
        ``"p ≥ PROBABILITY"`` and, for size models, ``"predicted ≥ THRESHOLD"``: one flag per row.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_warning as ew
    >>> g = pd.DataFrame({"probability": [0.2, 0.7, 0.9], "predicted": [30.0, 8.0, 700.0]})
    >>> {rule: flags.tolist() for rule, flags in ew.rule_flags(g, "seismic", threshold=500).items()}
    {'p ≥ 0.5': [False, True, True], 'predicted ≥ 500': [False, False, True]}
    """
    rules = {f"p ≥ {probability:g}": g["probability"].to_numpy() >= probability}
    if model.startswith(("seismic", "hawkes")):
        rules[f"predicted ≥ {threshold}"] = g["predicted"].to_numpy(float) >= threshold
    return rules


def calibration(cal: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """Brier score per model and time, and a reliability table: ``model, at_min, bin, predicted, observed,
    cascades, brier``.

    Parameters
    ----------
    cal : pandas.DataFrame
        ``calibrated``'s rows.
    bins : int
        Equal-width probability bins; bin ``b`` holds probabilities in [b / bins, (b + 1) / bins), 1 in the last.

    Returns
    -------
    pandas.DataFrame
        One row per model, time and non-empty bin: mean probability (``predicted``), share crossed
        (``observed``), rows (``cascades``) and the Brier score of the model at that time (``brier``).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_warning as ew
    >>> cal = pd.DataFrame({"model": "seismic", "at_s": 600, "probability": [0.1, 0.15, 0.8, 0.9],
    ...                     "crossed": [False, True, True, True]})
    >>> ew.calibration(cal, bins=2)
         model  at_min  bin  predicted  observed  cascades     brier
    0  seismic    10.0    0      0.125       0.5         2  0.195625
    1  seismic    10.0    1      0.850       1.0         2  0.195625
    """
    d = cal.assign(at_min=cal["at_s"] / 60, bin=np.clip((cal["probability"] * bins).astype(int), 0, bins - 1),
                   sq=(cal["probability"] - cal["crossed"]) ** 2)
    brier = d.groupby(["model", "at_min"])["sq"].mean().rename("brier")
    table = d.groupby(["model", "at_min", "bin"]).agg(predicted=("probability", "mean"), observed=("crossed", "mean"),
                                                     cascades=("crossed", "size")).reset_index()
    return table.merge(brier.reset_index(), on=["model", "at_min"])


def fit_status(fits: pd.DataFrame) -> pd.DataFrame:
    """Per-cascade Hawkes fits counted by observation time and status: ``at_min, status, fits, share``.

    ``share`` is each status's share of all the fits at that time (no share of supercritical fits is computed
    here).

    Parameters
    ----------
    fits : pandas.DataFrame
        One row per cascade and time with ``at_s`` and ``status`` (``predictors.hawkes_predictions``).

    Returns
    -------
    pandas.DataFrame
        One row per time (minutes) and status.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_warning as ew
    >>> fits = pd.DataFrame({"at_s": [600, 600, 600, 3600], "status": ["ok", "ok", "too_few_events", "boundary"]})
    >>> ew.fit_status(fits).round(3)
       at_min          status  fits  share
    0    10.0              ok     2  0.667
    1    10.0  too_few_events     1  0.333
    2    60.0        boundary     1  1.000
    """
    d = fits.assign(at_min=fits["at_s"] / 60)
    out = d.groupby(["at_min", "status"]).size().rename("fits").reset_index()
    return out.assign(share=out["fits"] / out.groupby("at_min")["fits"].transform("sum"))


def censors_clock(predictions: pd.DataFrame, final: pd.Series, crossing_h: pd.Series, test, hours,
                  threshold: int = 500, clusters: pd.Series | None = None, n_boot: int = 1000,
                  seed: int = 0) -> pd.DataFrame:
    """The alarm "predicted >= threshold" raised at the earliest clock time ``at_s`` in ``predictions`` (one
    model), for the test cascades: by each hour, ``recall`` (crossers flagged before they crossed), ``false_alarm_rate``
    (non-crossers flagged), ``precision`` (flags that were hits), ``crossed`` (crossers already across). Each with
    95% bounds (Wilson, or with ``clusters``, cascade id -> source author, resampling authors). ``crossing_h``:
    hours from the source to the threshold (NaN: never crossed).

    A flag counts for a crosser only when it came before the crossing.

    Parameters
    ----------
    predictions : pandas.DataFrame
        One model's ``cascade_id, at_s, predicted`` at several clock times (seconds).
    final : pandas.Series
        Final repost counts by cascade id.
    crossing_h : pandas.Series
        Hours to the threshold by cascade id (``crossing_hours``).
    test : iterable of str
        The test cascades' ids.
    hours : iterable of float
        The hours after the source at which to read the rates.
    threshold : int
        The repost threshold.
    clusters : pandas.Series, optional
        Cascade id -> source author, for cluster-bootstrap intervals.
    n_boot, seed : int
        Bootstrap resamples and their seed (used only with ``clusters``).

    Returns
    -------
    pandas.DataFrame
        One row per hour: ``hours``, ``alarm_rules``' counts and rates, and ``crossed``.

    Raises
    ------
    ValueError
        When ``clusters`` lacks a test cascade (``cluster_labels``).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> from wechat_study.models import predictors
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> seismic, _ = predictors.seismic_predictions(times, followers, final, train, [600, 3600], 100, threshold=20)
    >>> clock = ew.censors_clock(seismic, final, ew.crossing_hours(times, 20), test, [1, 24], threshold=20)
    >>> clock[["hours", "alarms", "recall", "false_alarm_rate", "crossed"]].round(3)
       hours  alarms  recall  false_alarm_rate  crossed
    0      1       5     0.5             0.067    0.625
    1     24       5     0.5             0.067    0.875
    """
    test = list(test)
    c = None if clusters is None else cluster_labels(clusters, test)
    y = (final.reindex(test) >= threshold).to_numpy()
    cross_at = crossing_h.reindex(test).to_numpy(float)
    p = predictions[predictions["cascade_id"].isin(set(test)) & (predictions["predicted"] >= threshold)]
    flag_at = (p.groupby("cascade_id")["at_s"].min() / 3600).reindex(test).to_numpy(float)
    warned = np.nan_to_num(flag_at, nan=np.inf) < np.nan_to_num(cross_at, nan=np.inf)   # before crossing
    rows = []
    for h in hours:
        flag = warned & (flag_at <= h)
        crossed = float(np.mean(cross_at[y] <= h)) if y.any() else np.nan
        rows.append({"hours": h, **_rates(flag, y, c, n_boot, seed), "crossed": crossed})
    return pd.DataFrame(rows)


def follower_sweep(times_of, values, final: pd.Series, train, test, at_s: float, threshold: int = 500,
                   n_boot: int = 1000, seed: int = 0, clusters: pd.Series | None = None) -> pd.DataFrame:
    """SEISMIC's test AUC (bootstrap 95% interval) at ``at_s`` under each assumed reposter follower count, n*
    refitted on train under each: ``repost_followers, n_star, auc, ci_low, ci_high``. ``times_of(value)`` returns
    (times, followers) under an assumed value.

    Parameters
    ----------
    times_of : callable
        ``times_of(value)`` -> (times, followers), as ``share_times`` gives them under that assumption.
    values : iterable of float
        The assumed reposter follower counts.
    final : pandas.Series
        Final repost counts by cascade id.
    train, test : iterable of str
        The training and test cascades' ids.
    at_s : float
        The observation time, seconds.
    threshold : int
        The repost threshold.
    n_boot, seed : int
        Bootstrap resamples and their seed.
    clusters : pandas.Series, optional
        Cascade id -> source author, for resampling authors.

    Returns
    -------
    pandas.DataFrame
        One row per value.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> def times_of(value):
    ...     times, followers, _ = ew.share_times(c.posts, c.cascades, value, train)
    ...     return times, followers
    >>> final = ew.share_times(c.posts, c.cascades, 100, train)[2]
    >>> ew.follower_sweep(times_of, [50, 200], final, train, test, 3600, threshold=20, n_boot=200).round(3)
       repost_followers  n_star    auc  ci_low  ci_high
    0                50     5.0  0.956   0.812      1.0
    1               200     2.0  0.956   0.812      1.0
    """
    from .models import predictors

    rows = []
    for v in values:
        times, followers = times_of(v)
        pred, n_star = predictors.seismic_predictions(times, followers, final, train, [at_s], v, threshold)
        b = bootstrap_auc(pred, final, test, threshold, n_boot, seed, baseline="none", clusters=clusters)
        rows.append({"repost_followers": v, "n_star": float(n_star["n_star"].iloc[0]),
                     **b[["auc", "ci_low", "ci_high"]].iloc[0].to_dict()})
    return pd.DataFrame(rows)


def record(name: str, value, tolerance: float = 1e-9, note: str | None = None, interval=None) -> bool:
    """Record a finding (with ``NAME.ci_low``/``NAME.ci_high`` from ``interval``) unless it does not exist: a NaN,
    infinite or None value (e.g. no test cascade reached the threshold; no correct alarm to set false ones
    against) is not recorded, nor is an infinite bound. Returns whether it was.

    Parameters
    ----------
    name : str
        The finding's name (dotted lowercase words).
    value : int, float or None
        The value; integers are recorded exactly, other numbers as floats within ``tolerance``.
    tolerance : float
        The absolute tolerance of a float value and of its bounds.
    note : str, optional
        A short sentence for readers.
    interval : tuple of float, optional
        ``(low, high)``, recorded as ``NAME.ci_low`` and ``NAME.ci_high``; a None or infinite bound is skipped.

    Returns
    -------
    bool
        Whether the value was recorded.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study import early_warning as ew
    >>> from wechat_study.findings import read_recorded
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = os.path.join(tmp, "findings.jsonl")
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": sink}):
    ...         print(ew.record("early_warning.mine.auc.count_baseline.10min", 0.912, interval=(0.85, float("inf"))),
    ...               ew.record("early_warning.mine.auc.seismic.10min", float("nan")))
    ...     print(sorted(read_recorded(sink)))
    True False
    ['early_warning.mine.auc.count_baseline.10min', 'early_warning.mine.auc.count_baseline.10min.ci_low']
    """
    from .findings import record_finding

    if value is None or (isinstance(value, float | np.floating) and not np.isfinite(value)):
        return False
    exact = isinstance(value, int | np.integer)
    record_finding(name, int(value) if exact else float(value), tolerance=None if exact else tolerance, note=note)
    for suffix, bound in zip((".ci_low", ".ci_high"), interval or (), strict=False):
        if bound is not None and np.isfinite(bound):
            record_finding(name + suffix, float(bound), tolerance=tolerance)
    return True


def record_aucs(table: pd.DataFrame, prefix: str, baseline: str = "count_baseline") -> list[str]:
    """Record ``bootstrap_auc`` rows: ``PREFIX.auc.MODEL.Tmin`` and, for the other models, the paired gain over
    the baseline ``PREFIX.auc_gain.MODEL.Tmin``, each with its interval. Returns the names not recorded.

    Parameters
    ----------
    table : pandas.DataFrame
        ``bootstrap_auc``'s rows.
    prefix : str
        The findings' prefix (``early_warning.ced``).
    baseline : str
        The model whose gain is not recorded.

    Returns
    -------
    list of str
        The AUC names that were not recorded (a NaN AUC, e.g. no test cascade crossed).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_warning as ew
    >>> nan = float("nan")
    >>> table = pd.DataFrame({"model": ["count_baseline", "seismic"], "at_min": [10.0, 10.0], "auc": [0.93, nan],
    ...                       "test_cascades": 20, "positives": 5, "ci_low": [0.8, nan], "ci_high": [1.0, nan]})
    >>> ew.record_aucs(table, "early_warning.mine")
    ['early_warning.mine.auc.seismic.10min']
    """
    missing = []
    for r in table.itertuples():
        t = f"{r.at_min:g}min"
        note = f"ROC-AUC on {r.test_cascades:,} later cascades under the threshold at {t} ({r.positives} cross)"
        name = f"{prefix}.auc.{r.model}.{t}"
        if not record(name, r.auc, note=note, interval=(r.ci_low, r.ci_high)):
            missing.append(name)
        if r.model != baseline and "diff" in table:
            record(f"{prefix}.auc_gain.{r.model}.{t}", r.diff, interval=(r.diff_low, r.diff_high),
                   note=f"AUC minus the {baseline}'s, paired bootstrap")
    return missing


def record_rates(prefix: str, row, note: str | None = None) -> None:
    """Record precision, recall and false-alarm rate of one alarm row (``_rates`` columns) with intervals.

    The findings are ``PREFIX.precision``, ``PREFIX.recall`` and ``PREFIX.false_alarm_rate`` (``record``: a NaN
    rate is not recorded).

    Parameters
    ----------
    prefix : str
        The findings' prefix (``early_warning.ced.alarm.seismic.size.10min``).
    row : mapping
        One row of ``alarm_rules`` or ``censors_clock``.
    note : str, optional
        A short sentence for readers, on each finding.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study import early_warning as ew
    >>> from wechat_study.findings import read_recorded
    >>> row = {"precision": 0.8, "precision_low": 0.38, "precision_high": 0.96, "recall": 0.5, "recall_low": 0.22,
    ...        "recall_high": 0.79, "false_alarm_rate": float("nan"), "far_low": 0.0, "far_high": 0.2}
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = os.path.join(tmp, "findings.jsonl")
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": sink}):
    ...         ew.record_rates("early_warning.mine.alarm.seismic.size.10min", row)
    ...     print(sorted(name.split("10min.")[1] for name in read_recorded(sink)))
    ['precision', 'precision.ci_high', 'precision.ci_low', 'recall', 'recall.ci_high', 'recall.ci_low']
    """
    for key, lo, hi in (("precision", "precision_low", "precision_high"), ("recall", "recall_low", "recall_high"),
                        ("false_alarm_rate", "far_low", "far_high")):
        record(f"{prefix}.{key}", row[key], interval=(row[lo], row[hi]), note=note)


def crossing_hours(times: dict, threshold: int = 500) -> pd.Series:
    """Hours from the source to the ``threshold``-th repost (NaN when never reached), per cascade.

    Parameters
    ----------
    times : dict of str to numpy.ndarray
        Cascade id -> share times in seconds, the source first (``share_times``).
    threshold : int
        The repost count N (at least 1).

    Returns
    -------
    pandas.Series
        Hours by cascade id.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study import early_warning as ew
    >>> ew.crossing_hours({"a": np.array([0.0, 600, 5400]), "b": np.array([0.0, 60])}, threshold=2).tolist()
    [1.5, nan]
    """
    return pd.Series({cid: ts[threshold] / 3600 if ts.size > threshold else np.nan for cid, ts in times.items()},
                     dtype=float)


def clock_long(clock: pd.DataFrame) -> pd.DataFrame:
    """``censors_clock`` (with ``deleted_scenario``) in long form for a chart: ``hours, group, share, ci_low,
    ci_high`` (bands for recall and false-alarm rate only).

    Parameters
    ----------
    clock : pandas.DataFrame
        ``censors_clock``'s table, optionally with ``deleted_scenario`` (a share per hour).

    Returns
    -------
    pandas.DataFrame
        Groups "flagged before crossing (recall)", "false alarms (share of non-crossers flagged)", "already
        crossed" and, with ``deleted_scenario``, "deleted by then (scenario)", each over every hour.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_warning as ew
    >>> clock = pd.DataFrame({"hours": [1, 24], "recall": [0.5, 0.6], "recall_low": [0.2, 0.3],
    ...                       "recall_high": [0.8, 0.85], "false_alarm_rate": [0.07, 0.1], "far_low": [0.01, 0.03],
    ...                       "far_high": [0.3, 0.33], "crossed": [0.62, 0.88]})
    >>> ew.clock_long(clock)[["hours", "group", "share"]]
       hours                                         group  share
    0      1              flagged before crossing (recall)   0.50
    1     24              flagged before crossing (recall)   0.60
    2      1  false alarms (share of non-crossers flagged)   0.07
    3     24  false alarms (share of non-crossers flagged)   0.10
    4      1                               already crossed   0.62
    5     24                               already crossed   0.88
    """
    parts = [clock[["hours"]].assign(group="flagged before crossing (recall)", share=clock["recall"],
                                     ci_low=clock["recall_low"], ci_high=clock["recall_high"]),
             clock[["hours"]].assign(group="false alarms (share of non-crossers flagged)",
                                     share=clock["false_alarm_rate"], ci_low=clock["far_low"],
                                     ci_high=clock["far_high"]),
             clock[["hours"]].assign(group="already crossed", share=clock["crossed"])]
    if "deleted_scenario" in clock:
        parts.append(clock[["hours"]].assign(group="deleted by then (scenario)", share=clock["deleted_scenario"]))
    return pd.concat(parts, ignore_index=True)


def _prevalence_sentence(catalogued: bool, no_false_alarm: bool) -> str:
    """The box's sentence on SEISMIC's precision where crossing is rare (``findings_box``)."""
    where = ("That precision rests on the collection's design, in which {.test_prevalence.T:share} of the scored "
             "cascades cross." if catalogued else "That precision holds where {.test_prevalence.T:share} of the "
             "scored cascades cross, as among this data set's later ones.")
    if no_false_alarm:  # a precision of 100% at any prevalence: only its lower bound says anything
        rare = (" It raised no false alarm among them, so its precision reads 100% at any share crossing; but so "
                "few cascades that never cross bound its false alarms loosely: where 1% of cascades crossed, the "
                "share of its alarms that are right could be as low as "
                "{.alarm.seismic.size.T.precision.prevalence_1pct.ci_low:share}, and at 0.1% as low as "
                "{.alarm.seismic.size.T.precision.prevalence_0_1pct.ci_low:share}")
    else:
        rare = (" If the same recall and false-alarm rate held where 1% of cascades crossed, "
                "{.alarm.seismic.size.T.precision.prevalence_1pct:share} of the same alarms would be right "
                "({.alarm.seismic.size.T.false_per_true.prevalence_1pct:number} false alarms for each correct one), "
                "at 0.1% {.alarm.seismic.size.T.precision.prevalence_0_1pct:share}")
    rest = "the collection's non-crossers" if catalogued else "this data set's non-crossers"
    return (where + rare + f"; a platform's many small posts may be easier to rule out than {rest}, so this is a "
            "scenario, not a measurement.")


def findings_box(prefix: str, minutes: float, threshold: int, population: str, recorded: set | None = None,
                 k: int | None = None, catalogued: bool = True):
    """The report's "What we found" box, at most six sentences: the sentences whose findings were recorded (a
    finding that cannot exist, e.g. an AUC when no cascade crosses, leaves its sentence out). ``population``: the
    cascades scored, in words (``window.population``); ``recorded``: the
    finding names recorded (default: this session's); ``k``: the k of the k -> 2k sentence (without it, the
    censor's clock takes its place). The Hawkes fits' status, SEISMIC's size error and the time-by-time ranking
    are told in the body, beside their tables.

    Each sentence links to its evidence (anchors ``auc``, ``auc-table``, ``by-label``, ``alarms``,
    ``prevalence``, and ``k-task`` or ``clock``), which must have been built before the box.

    Parameters
    ----------
    prefix : str
        The findings' prefix (``early_warning.ced``).
    minutes : float
        The observation time of the sentences, minutes (the ``.Tmin`` of the finding names).
    threshold : int
        The repost threshold.
    population : str
        The cascades scored, in words.
    recorded : set of str, optional
        The finding names recorded (default: this session's, ``narrative.recorded``).
    k : int, optional
        The k of the k -> 2k task.
    catalogued : bool
        Whether the data set is a catalogued collection, whose crossing share its design sets; False words
        the prevalence sentence for a researcher's own data.

    Returns
    -------
    narrative.FindingsBox
        The box, with the sentences whose findings were all recorded.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew, narrative as nv
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(nv.ANCHORS), \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     _ = ws.record_finding("early_warning.mine.auc.count_baseline.10min", 0.91, tolerance=1e-9)
    ...     _ = ws.record_finding("early_warning.mine.auc.source_followers.10min", 0.62, tolerance=1e-9)
    ...     _ = nv.register_anchor("auc", "Figure")
    ...     box = ew.findings_box("early_warning.mine", 10, 500, "the cascades of my data")
    ...     print(nv.say(box.sentences[0]["template"], box.prefix, **box.sentences[0]["values"]))
    For the cascades of my data, scored on the later ones: 10 minutes after posting, the count of reposts so far
    separates the cascades that will reach 500 reposts from the rest with an AUC of 0.91; the source author's
    followers alone give 0.62.
    >>> len(ew.findings_box("early_warning.mine", 10, 500, "the cascades", recorded=set()).sentences)
    0
    """
    from . import narrative as nv

    values = nv.recorded() if recorded is None else {}
    recorded = set(values) if recorded is None else recorded
    t = f"{minutes:g}min"
    no_false_alarm = values.get(f"{prefix}.alarm.seismic.size.{t}.false_alarm_rate", {}).get("value") == 0
    box = nv.FindingsBox(prefix=prefix)
    sentences = [
        (("For {p:text}, scored on the later ones: {t:minutes} after posting, the count of reposts so "
          "far separates the cascades that will reach {n:count} reposts from the rest with an AUC of "
          "{.auc.count_baseline.T:auc}; the source author's followers alone give {.auc.source_followers.T:auc}."),
         "auc"),
        (("Against that count, SEISMIC's AUC changes by {.auc_gain.seismic.T:difference}, "
          "the pooled Hawkes model's by {.auc_gain.hawkes_pooled.T:difference}, the feature model's by "
          "{.auc_gain.feature_model.T:difference} and the per-cascade Hawkes fit's by "
          "{.auc_gain.hawkes.T:difference} (paired 95% intervals, source authors resampled)."), "auc-table"),
        (("The warning is weaker on rumours (posts Weibo refuted, the kind the law targets, not posts judged "
          "defamatory): the count's AUC is {.auc.count_baseline.T.rumour:auc} on rumours and "
          "{.auc.count_baseline.T.non_rumour:auc} on non-rumours, a crude comparison: rumours' sources have far "
          "fewer followers."), "by-label"),
        (("SEISMIC's alarm (predicted size at least {n:count}) at {t:minutes} catches "
          "{.alarm.seismic.size.T.recall:share} of the cascades that go on to cross; "
          "{.alarm.seismic.size.T.precision:share} of its alarms are right and it flags "
          "{.alarm.seismic.size.T.false_alarm_rate:share} of the cascades that never cross."), "alarms"),
        (_prevalence_sentence(catalogued, no_false_alarm), "prevalence"),
    ]
    if k is not None:
        sentences.append((("On the task of Cheng et al. (2014), \"will a cascade that has reached {k:count} "
                           "reposts reach twice that?\" ({.k_to_2k.share_reaching.K:share} of the later ones do), the "
                           "time to the k-th repost gives an AUC of {.k_to_2k.count_speed.K:auc}; the feature model "
                           "differs by {.k_to_2k_gain.feature_model.K:difference} and SEISMIC by "
                           "{.k_to_2k_gain.seismic.K:difference}.").replace(".K", f".k{k}"), "k-task"))
    else:
        sentences.append((("By {t:minutes} after posting, SEISMIC (checked at each clock time) has warned of "
                           "{.censors_clock.T.recall:share} of the cascades that eventually cross, each before it "
                           "crossed, and has flagged {.censors_clock.T.false_alarm_rate:share} of those that never "
                           "do."), "clock"))
    for template, see in sentences:
        template = template.replace(".T", "." + t)
        names = [prefix + m for m in re.findall(r"\{(\.[^:}]+)", template)]
        if all(n in recorded for n in names):
            box.add(template, see=see, t=minutes, n=threshold, k=k, p=population)
    return box
