"""Early-warning features: the source's follower count (imputed on the training split), features of a cascade's
first reposts, a small logistic model on them, and the k -> 2k task of Cheng et al. (WWW 2014).

Conventions (docs/methods.md#11-early-warning-evaluation):
- times are seconds from the source (the source first at 0, unknown times dropped, negative delays clipped to 0,
  as ``early_warning.share_times``); depth is hops from the source (a direct repost has depth 1);
- the source author's follower count is a snapshot taken when the collection was crawled (after the cascade),
  not a count known before any repost; a missing one is imputed with the median of the training cascades with a
  known count, and flagged;
- features over m reposts r_1 <= ... <= r_m (h = m // 2): log(1 + m) or log(1 + r_k), the log ratio of the mean
  gap of the last m - h reposts to that of the first h (log((g_late + 1 s) / (g_early + 1 s)); 0 under two
  reposts), the greatest depth, the share of reposts at depth 1 (1 with none) and log(1 + source followers);
- the feature model is a statsmodels Logit on features standardised with the training rows' means and
  standard deviations; its score is the fitted probability;
- k -> 2k: a cascade with at least k reposts with known times is scored at the time of its k-th; the outcome is
  a final repost count (records, as in the main task) of at least 2k.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from .metrics import NAT, Forest

__all__ = [
    "FEATURES_AT_TIME", "FEATURES_AT_K", "source_followers", "cascade_events", "features_at_time",
    "features_at_k", "FeatureModel", "feature_predictions", "k_task_scores", "k_task_aucs",
    "with_feature_model", "balanced_k"
]

FEATURES_AT_TIME = ("log_reposts", "gap_ratio", "depth", "depth1_share", "log_source_followers")
FEATURES_AT_K = ("log_time_to_k", "gap_ratio", "depth", "depth1_share", "log_source_followers")


def source_followers(cascades: pd.DataFrame, train) -> tuple[pd.Series, pd.Series]:
    """(follower counts by cascade id as floats, a missing count imputed with the median of the ``train``
    cascades' known counts; a boolean Series, True where imputed). The counts are crawl-time snapshots.

    Parameters
    ----------
    cascades : pandas.DataFrame
        A canonical cascades table (``cascade_id``, ``author_followers``).
    train : iterable of str
        The training cascades' ids; only their known counts make the median.

    Returns
    -------
    followers : pandas.Series
        Follower counts (floats) by cascade id, every cascade of ``cascades``.
    imputed : pandas.Series
        True where the count was missing and imputed.

    Raises
    ------
    ValueError
        No training cascade has a known count.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_features as ef
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c"], "author_followers": [100, None, 300]})
    >>> followers, imputed = ef.source_followers(cascades, train=["a", "c"])
    >>> followers.tolist(), imputed.tolist()
    ([100.0, 200.0, 300.0], [False, True, False])
    """
    roots = cascades.set_index("cascade_id")["author_followers"].astype("Float64")
    known = roots.reindex(list(train)).dropna()
    if known.empty:
        raise ValueError("no training cascade's source has a follower count; these models need them")
    imputed = roots.isna().astype(bool)
    return roots.fillna(float(known.median())).astype(float), imputed


def cascade_events(posts: pd.DataFrame) -> dict:
    """Per cascade id: (times, depths), the source first at (0 s, depth 0), the reposts with known times sorted by
    time (ties kept in row order), negative delays clipped to 0. ``times`` equals ``share_times``'.

    Parameters
    ----------
    posts : pandas.DataFrame
        A canonical posts table.

    Returns
    -------
    dict
        Cascade id -> (times, depths): float seconds from the source and int hops from it (a direct repost
        has depth 1), aligned; reposts without a time are left out.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_features as ef
    >>> events = ef.cascade_events(ws.synthetic_posts(3_000, seed=0))
    >>> times, depths = events["c0"]
    >>> times[:4].round(1).tolist(), depths[:4].tolist()
    ([0.0, 321.8, 382.7, 615.2], [0, 1, 1, 1])
    """
    f = Forest.from_posts(posts)
    rel = np.where(f.times == NAT, np.nan, (f.times - np.repeat(f.root_times, f.sizes_per_cascade)) / 1e9)
    out = {}
    for c, (a, b) in enumerate(zip(f.starts[:-1], f.starts[1:], strict=True)):
        r, d = rel[a + 1 : b], f.depth[a + 1 : b]
        keep = ~np.isnan(r)
        r, d = np.maximum(r[keep], 0.0), d[keep]
        o = np.argsort(r, kind="stable")
        out[f.cascade_ids[c]] = (np.r_[0.0, r[o]], np.r_[0, d[o]].astype(np.int64))
    return out


def _shape(times: np.ndarray, depths: np.ndarray, m: int) -> tuple[float, float, float]:
    """(gap ratio, greatest depth, depth-1 share) over the first ``m`` reposts (times/depths with the source)."""
    r, d = times[1 : m + 1], depths[1 : m + 1]
    if m < 2:
        ratio = 0.0
    else:
        h = m // 2
        early, late = r[h - 1] / h, (r[m - 1] - r[h - 1]) / (m - h)
        ratio = float(np.log((late + 1.0) / (early + 1.0)))
    return ratio, float(d.max()) if m else 0.0, float(np.mean(d == 1)) if m else 1.0


def features_at_time(events: dict, followers: pd.Series, at_s) -> pd.DataFrame:
    """``cascade_id, at_s, observed`` and ``FEATURES_AT_TIME`` from the reposts seen by each time (seconds).

    Parameters
    ----------
    events : dict
        ``cascade_events``' result.
    followers : pandas.Series
        Source follower counts by cascade id (``source_followers``), for every cascade of ``events``.
    at_s : iterable of float
        Observation times, seconds after the source.

    Returns
    -------
    pandas.DataFrame
        One row per cascade and time: ``observed`` is the reposts at or before the time, then the features
        (see the module's conventions).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_features as ef, early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, _, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> followers, imputed = ef.source_followers(c.cascades, train)
    >>> events = ef.cascade_events(c.posts)
    >>> x = ef.features_at_time(events, followers, [600, 3600])
    >>> x[["cascade_id", "at_s", "observed", "log_reposts", "gap_ratio", "depth", "depth1_share"]].head(2).round(2)
      cascade_id    at_s  observed  log_reposts  gap_ratio  depth  depth1_share
    0         c0   600.0         2         1.10      -1.65    1.0          1.00
    1         c0  3600.0         7         2.08       1.21    2.0          0.57
    """
    rows = []
    for cid, (t, d) in events.items():
        lf = float(np.log1p(followers[cid]))
        for at in at_s:
            m = int(np.searchsorted(t, at, side="right") - 1)
            rows.append((cid, float(at), m, float(np.log1p(m)), *_shape(t, d, m), lf))
    return pd.DataFrame(rows, columns=["cascade_id", "at_s", "observed", *FEATURES_AT_TIME])


def features_at_k(events: dict, followers: pd.Series, final: pd.Series, k: int) -> pd.DataFrame:
    """The cascades with at least ``k`` timed reposts, seen at the k-th: ``cascade_id, k, time_to_k_s``,
    ``FEATURES_AT_K`` and ``reached`` (final reposts >= 2k).

    Parameters
    ----------
    events : dict
        ``cascade_events``' result.
    followers : pandas.Series
        Source follower counts by cascade id.
    final : pandas.Series
        Final repost counts by cascade id.
    k : int
        The repost the cascades are seen at, at least 2.

    Returns
    -------
    pandas.DataFrame
        One row per cascade with at least ``k`` timed reposts; ``time_to_k_s`` in seconds.

    Raises
    ------
    ValueError
        ``k`` below 2.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_features as ef, early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, _, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> followers, imputed = ef.source_followers(c.cascades, train)
    >>> events = ef.cascade_events(c.posts)
    >>> x = ef.features_at_k(events, followers, final, 10)
    >>> len(x), x.loc[0, "cascade_id"], round(float(x.loc[0, "time_to_k_s"]), 1), bool(x.loc[0, "reached"])
    (44, 'c0', 44214.1, False)
    """
    if k < 2:
        raise ValueError("k must be at least 2")
    rows = []
    for cid, (t, d) in events.items():
        if t.size - 1 >= k:
            rows.append(
                (
                    cid,
                    k,
                    float(t[k]),
                    float(np.log1p(t[k])),
                    *_shape(t, d, k),
                    float(np.log1p(followers[cid])),
                    bool(final[cid] >= 2 * k),
                )
            )
    return pd.DataFrame(rows, columns=["cascade_id", "k", "time_to_k_s", *FEATURES_AT_K, "reached"])


class FeatureModel:
    """A statsmodels Logit of a 0/1 outcome on standardised features (constant columns dropped); when the
    maximum-likelihood fit fails or separates, an L1-penalised fit (alpha 1) is used and ``penalised`` is True.

    "Separates" means the fit did not converge or a coefficient reached 30 or more in absolute value.

    Parameters
    ----------
    x : pandas.DataFrame
        The training rows' features.
    y : array-like
        Their 0/1 outcomes.
    columns : sequence of str, optional
        The features to use (default: every column of ``x``).

    Raises
    ------
    ValueError
        Fewer than 10 training rows, or a single outcome among them.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_features as ef, early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, _, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> followers, imputed = ef.source_followers(c.cascades, train)
    >>> events = ef.cascade_events(c.posts)
    >>> x = ef.features_at_k(events, followers, final, 10)
    >>> train_rows = x[x["cascade_id"].isin(train)]
    >>> model = ef.FeatureModel(train_rows, train_rows["reached"], ef.FEATURES_AT_K)
    >>> model.penalised, model.columns
    (False, ['log_time_to_k', 'gap_ratio', 'depth', 'depth1_share', 'log_source_followers'])
    """

    def __init__(self, x: pd.DataFrame, y, columns=None):
        import statsmodels.api as sm

        x = x[list(columns or x.columns)].astype(float)
        y = np.asarray(y, float)
        if len(y) < 10 or y.min() == y.max():
            raise ValueError("the feature model needs at least 10 training rows with both outcomes")
        sd = x.std(ddof=0)
        self.columns = [c for c in x.columns if sd[c] > 0]
        self.mean, self.sd = x[self.columns].mean(), sd[self.columns]
        design = sm.add_constant(self._z(x), has_constant="add")
        self.penalised = False
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                fit = sm.Logit(y, design).fit(disp=0, maxiter=200)
                ok = bool(fit.mle_retvals.get("converged", False)) and np.all(np.abs(fit.params) < 30)
            except Exception:  # noqa: BLE001 - singular or separated: fall back to the penalised fit
                ok = False
            if not ok:
                fit, self.penalised = sm.Logit(y, design).fit_regularized(alpha=1.0, disp=0), True
        self.params = pd.Series(np.asarray(fit.params), index=["const", *self.columns])
        self.bse = None if self.penalised else pd.Series(np.asarray(fit.bse), index=self.params.index)

    def _z(self, x: pd.DataFrame) -> pd.DataFrame:
        return (x[self.columns].astype(float) - self.mean) / self.sd

    def predict(self, x: pd.DataFrame) -> np.ndarray:
        """Fitted probabilities for the rows of ``x``.

        Parameters
        ----------
        x : pandas.DataFrame
            Rows with the model's ``columns`` (standardised with the training means and standard deviations).

        Returns
        -------
        numpy.ndarray
            One probability (0-1) per row.

        Examples
        --------
        >>> import wechat_study as ws
        >>> from wechat_study import early_features as ef, early_warning as ew
        >>> c = ws.synthetic_corpus(3_000, seed=0)
        >>> times, _, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
        >>> train, test = ew.split_by_time(c.cascades)
        >>> followers, imputed = ef.source_followers(c.cascades, train)
        >>> events = ef.cascade_events(c.posts)
        >>> x = ef.features_at_k(events, followers, final, 10)
        >>> train_rows = x[x["cascade_id"].isin(train)]
        >>> model = ef.FeatureModel(train_rows, train_rows["reached"], ef.FEATURES_AT_K)
        >>> model.predict(x.head(3)).round(2).tolist()
        [0.4, 0.25, 0.95]
        """
        eta = self.params["const"] + self._z(x).to_numpy() @ self.params[self.columns].to_numpy()
        return 1 / (1 + np.exp(-np.clip(eta, -700, 700)))

    def coefficients(self) -> pd.DataFrame:
        """``feature, coefficient`` (per training standard deviation) and ``se`` (NaN when penalised).

        Returns
        -------
        pandas.DataFrame
            One row for ``const``, then one per feature used.

        Examples
        --------
        >>> import wechat_study as ws
        >>> from wechat_study import early_features as ef, early_warning as ew
        >>> c = ws.synthetic_corpus(3_000, seed=0)
        >>> times, _, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
        >>> train, test = ew.split_by_time(c.cascades)
        >>> followers, imputed = ef.source_followers(c.cascades, train)
        >>> events = ef.cascade_events(c.posts)
        >>> x = ef.features_at_k(events, followers, final, 10)
        >>> train_rows = x[x["cascade_id"].isin(train)]
        >>> model = ef.FeatureModel(train_rows, train_rows["reached"], ef.FEATURES_AT_K)
        >>> model.coefficients()["feature"].tolist()
        ['const', 'log_time_to_k', 'gap_ratio', 'depth', 'depth1_share', 'log_source_followers']
        """
        se = self.bse if self.bse is not None else pd.Series(np.nan, index=self.params.index)
        return pd.DataFrame({"feature": self.params.index, "coefficient": self.params.to_numpy(), "se": se.to_numpy()})


def feature_predictions(
    events: dict, followers: pd.Series, final: pd.Series, train, at_s, threshold: int = 500
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The feature model at each time, fitted on the training cascades still under ``threshold`` (outcome: final
    reposts >= threshold) and applied to every cascade. Returns (predictions ``model, cascade_id, at_s,
    predicted, observed``, coefficients with ``at_s``).

    A time whose training rows are fewer than 10 or have one outcome only is not scored.

    Parameters
    ----------
    events : dict
        ``cascade_events``' result.
    followers : pandas.Series
        Source follower counts by cascade id.
    final : pandas.Series
        Final repost counts by cascade id.
    train : iterable of str
        The training cascades' ids.
    at_s : iterable of float
        Observation times, seconds after the source.
    threshold : int
        The repost threshold.

    Returns
    -------
    predictions : pandas.DataFrame
        ``model`` ("feature_model"), ``cascade_id, at_s, predicted`` (the probability), ``observed``: every
        cascade still under ``threshold`` at each scored time.
    coefficients : pandas.DataFrame
        ``FeatureModel.coefficients`` per scored time, with ``at_s`` and ``penalised``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_features as ef, early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, _, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> followers, imputed = ef.source_followers(c.cascades, train)
    >>> events = ef.cascade_events(c.posts)
    >>> predictions, coefficients = ef.feature_predictions(events, followers, final, train, [600], threshold=20)
    >>> predictions.head(2).round(2)
               model cascade_id   at_s  predicted  observed
    0  feature_model         c0  600.0       0.37         2
    1  feature_model         c1  600.0       0.40         3
    >>> coefficients["penalised"].unique().tolist()
    [False]
    """
    x = features_at_time(events, followers, at_s)
    x = x[x["observed"] < threshold]
    train = set(train)
    frames, coefs = [], []
    for at, g in x.groupby("at_s", sort=True):
        tr = g[g["cascade_id"].isin(train)]
        y = final.reindex(tr["cascade_id"]).to_numpy() >= threshold
        if not _fittable(y):  # too few training rows or one outcome only: this time is not scored
            continue
        model = FeatureModel(tr, y, FEATURES_AT_TIME)
        frames.append(g[["cascade_id", "at_s", "observed"]].assign(predicted=model.predict(g)))
        coefs.append(model.coefficients().assign(at_s=at, penalised=model.penalised))
    cols = ["model", "cascade_id", "at_s", "predicted", "observed"]
    if not frames:
        return pd.DataFrame(columns=cols), pd.DataFrame(columns=["feature", "coefficient", "se", "at_s", "penalised"])
    out = pd.concat(frames, ignore_index=True).assign(model="feature_model")
    return out[cols], pd.concat(coefs, ignore_index=True)


def _fittable(y) -> bool:
    y = np.asarray(y, bool)
    return len(y) >= 10 and 0 < y.sum() < len(y)


def k_task_scores(
    events: dict, followers: pd.Series, final: pd.Series, train, k: int, repost_followers: float, grid=None
) -> pd.DataFrame:
    """Every k -> 2k score for the cascades with at least ``k`` timed reposts (``features_at_k``' rows):
    ``count_speed`` (minus the time to the k-th repost: faster scores higher), ``feature_model`` (fitted on the
    training rows) and ``seismic`` (predicted final size at the k-th repost, n* = gamma x ``repost_followers``
    with gamma from ``grid`` minimising the training rows' median |log((1 + predicted) / (1 + final))|).

    Parameters
    ----------
    events : dict
        ``cascade_events``' result.
    followers : pandas.Series
        Source follower counts by cascade id.
    final : pandas.Series
        Final repost counts by cascade id.
    train : iterable of str
        The training cascades' ids.
    k : int
        The repost the cascades are scored at, at least 2.
    repost_followers : float
        The follower count assumed for every reposter (SEISMIC).
    grid : iterable of float, optional
        Values of gamma tried (default: ``predictors.GAMMA_GRID``).

    Returns
    -------
    pandas.DataFrame
        ``features_at_k``' rows with ``count_speed`` (negative seconds), ``feature_model`` (a probability) and
        ``seismic`` (reposts).

    Raises
    ------
    ValueError
        ``k`` below 2, or too few training rows for the feature model (``FeatureModel``).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_features as ef, early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, _, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> followers, imputed = ef.source_followers(c.cascades, train)
    >>> events = ef.cascade_events(c.posts)
    >>> scores = ef.k_task_scores(events, followers, final, train, 10, repost_followers=100)
    >>> scores[["cascade_id", "reached", "count_speed", "feature_model"]].head(2).round(2)
      cascade_id  reached  count_speed  feature_model
    0         c0    False    -44214.11           0.40
    1         c1    False    -25403.23           0.25
    """
    from .models import predictors, seismic

    x = features_at_k(events, followers, final, k)
    tr = x[x["cascade_id"].isin(set(train))]
    model = FeatureModel(tr, tr["reached"].to_numpy(), FEATURES_AT_K)
    times = {c: events[c][0] for c in x["cascade_id"]}
    fol = {c: np.r_[followers[c], np.full(times[c].size - 1, float(repost_followers))] for c in times}
    at = dict(zip(x["cascade_id"], x["time_to_k_s"], strict=True))
    best, pred = np.inf, None
    for gamma in grid or predictors.GAMMA_GRID:
        p = seismic.predict_at(times, fol, at, n_star=gamma * repost_followers).set_index("cascade_id")["predicted"]
        err = predictors._median_log_error(p.reindex(tr["cascade_id"]), final.reindex(tr["cascade_id"]))
        if err < best:
            best, pred = err, p
    return x.assign(
        count_speed=-x["time_to_k_s"], feature_model=model.predict(x), seismic=pred.reindex(x["cascade_id"]).to_numpy()
    )


def k_task_aucs(
    events: dict,
    followers: pd.Series,
    final: pd.Series,
    train,
    test,
    ks,
    repost_followers: float,
    n_boot: int = 1000,
    seed: int = 0,
    clusters: pd.Series | None = None,
) -> pd.DataFrame:
    """Per k: the test cascades' AUCs for "will it reach 2k?" (``k_task_scores``), with bootstrap 95% intervals and
    the paired difference from ``count_speed``; ``share_reaching`` is the test share that reaches 2k. A k with
    fewer than 10 training cascades, or with one outcome only among them, has no rows. ``clusters`` (cascade id
    -> source author) resamples authors instead of cascades.

    Parameters
    ----------
    events : dict
        ``cascade_events``' result.
    followers : pandas.Series
        Source follower counts by cascade id.
    final : pandas.Series
        Final repost counts by cascade id.
    train, test : iterable of str
        The training and test cascades' ids.
    ks : iterable of int
        The values of k, each at least 2.
    repost_followers : float
        The follower count assumed for every reposter (SEISMIC).
    n_boot, seed : int
        Bootstrap resamples and their seed.
    clusters : pandas.Series, optional
        Cascade id -> source author.

    Returns
    -------
    pandas.DataFrame
        Per k and model (``count_speed``, ``feature_model``, ``seismic``): ``k, model, auc, ci_low, ci_high,
        test_cascades, positives, diff, diff_low, diff_high, share_reaching`` (``early_warning.paired_aucs``).

    Raises
    ------
    ValueError
        A k below 2, or ``clusters`` lacks a test cascade.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_features as ef, early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, _, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> followers, imputed = ef.source_followers(c.cascades, train)
    >>> events = ef.cascade_events(c.posts)
    >>> table = ef.k_task_aucs(events, followers, final, train, test, [10], 100, n_boot=200)
    >>> table[["k", "model", "auc", "test_cascades", "positives", "diff", "share_reaching"]].round(3)
        k          model    auc  test_cascades  positives   diff  share_reaching
    0  10    count_speed  1.000             10          8    NaN             0.8
    1  10  feature_model  0.938             10          8 -0.062             0.8
    2  10        seismic  0.875             10          8 -0.125             0.8
    """
    from .early_warning import cluster_labels, paired_aucs

    rows = []
    for k in ks:
        x = features_at_k(events, followers, final, k)
        if not _fittable(x.loc[x["cascade_id"].isin(set(train)), "reached"]):  # no model to fit at this k
            continue
        s = k_task_scores(events, followers, final, train, k, repost_followers)
        te = s[s["cascade_id"].isin(set(test))].set_index("cascade_id")
        wide = te[["count_speed", "feature_model", "seismic"]]
        for r in paired_aucs(
            wide,
            te["reached"].to_numpy(),
            n_boot,
            seed,
            "count_speed",
            order=("count_speed", "feature_model", "seismic"),
            clusters=None if clusters is None else cluster_labels(clusters, te.index),
        ):
            rows.append({"k": k, **r, "share_reaching": float(te["reached"].mean())})
    return pd.DataFrame(rows)


def with_feature_model(
    predictions: pd.DataFrame,
    fitted: dict,
    events: dict,
    followers: pd.Series,
    final: pd.Series,
    train,
    at_s,
    threshold: int = 500,
) -> pd.DataFrame:
    """``predictions`` (``predictors.all_predictions``) with the feature model's rows added; its coefficients go
    to ``fitted["feature_model"]``.

    Parameters
    ----------
    predictions : pandas.DataFrame
        The other models' predictions; the feature model's rows take its columns.
    fitted : dict
        Updated in place: ``fitted["feature_model"]`` becomes the coefficients (``feature_predictions``).
    events : dict
        ``cascade_events``' result.
    followers : pandas.Series
        Source follower counts by cascade id.
    final : pandas.Series
        Final repost counts by cascade id.
    train : iterable of str
        The training cascades' ids.
    at_s : iterable of float
        Observation times, seconds after the source.
    threshold : int
        The repost threshold.

    Returns
    -------
    pandas.DataFrame
        ``predictions`` then the feature model's rows, a new index.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_features as ef, early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, _, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> followers, imputed = ef.source_followers(c.cascades, train)
    >>> events = ef.cascade_events(c.posts)
    >>> base = ew.count_baseline(times, [600]).assign(model="count_baseline")
    >>> base = base.merge(ew.observed_counts(times, [600]), on=["cascade_id", "at_s"])
    >>> fitted = {}
    >>> both = ef.with_feature_model(base, fitted, events, followers, final, train, [600], threshold=20)
    >>> both["model"].value_counts().to_dict(), list(fitted)
    ({'count_baseline': 75, 'feature_model': 68}, ['feature_model'])
    """
    rows, fitted["feature_model"] = feature_predictions(events, followers, final, train, at_s, threshold)
    return pd.concat([predictions, rows[predictions.columns]], ignore_index=True)


def balanced_k(table: pd.DataFrame) -> int | None:
    """The k of ``k_task_aucs`` whose test share reaching 2k is nearest one half (the task's design point).

    Parameters
    ----------
    table : pandas.DataFrame
        ``k_task_aucs``' table (``k``, ``share_reaching``).

    Returns
    -------
    int or None
        That k (the first on a tie); None for an empty table.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_features as ef
    >>> table = pd.DataFrame({"k": [5, 5, 10, 10, 20], "share_reaching": [0.71, 0.71, 0.58, 0.58, 0.3]})
    >>> ef.balanced_k(table), ef.balanced_k(table.iloc[:0])
    (10, None)
    """
    if table.empty:
        return None
    shares = table.drop_duplicates("k").set_index("k")["share_reaching"]
    return int((shares - 0.5).abs().idxmin())
