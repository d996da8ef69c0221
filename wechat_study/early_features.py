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
    cascades' known counts; a boolean Series, True where imputed). The counts are crawl-time snapshots."""
    roots = cascades.set_index("cascade_id")["author_followers"].astype("Float64")
    known = roots.reindex(list(train)).dropna()
    if known.empty:
        raise ValueError("no training cascade's source has a follower count; these models need them")
    imputed = roots.isna().astype(bool)
    return roots.fillna(float(known.median())).astype(float), imputed


def cascade_events(posts: pd.DataFrame) -> dict:
    """Per cascade id: (times, depths), the source first at (0 s, depth 0), the reposts with known times sorted by
    time (ties kept in row order), negative delays clipped to 0. ``times`` equals ``share_times``'."""
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
    """``cascade_id, at_s, observed`` and ``FEATURES_AT_TIME`` from the reposts seen by each time (seconds)."""
    rows = []
    for cid, (t, d) in events.items():
        lf = float(np.log1p(followers[cid]))
        for at in at_s:
            m = int(np.searchsorted(t, at, side="right") - 1)
            rows.append((cid, float(at), m, float(np.log1p(m)), *_shape(t, d, m), lf))
    return pd.DataFrame(rows, columns=["cascade_id", "at_s", "observed", *FEATURES_AT_TIME])


def features_at_k(events: dict, followers: pd.Series, final: pd.Series, k: int) -> pd.DataFrame:
    """The cascades with at least ``k`` timed reposts, seen at the k-th: ``cascade_id, k, time_to_k_s``,
    ``FEATURES_AT_K`` and ``reached`` (final reposts >= 2k)."""
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
    maximum-likelihood fit fails or separates, an L1-penalised fit (alpha 1) is used and ``penalised`` is True."""

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
        """Fitted probabilities for the rows of ``x``."""
        eta = self.params["const"] + self._z(x).to_numpy() @ self.params[self.columns].to_numpy()
        return 1 / (1 + np.exp(-np.clip(eta, -700, 700)))

    def coefficients(self) -> pd.DataFrame:
        """``feature, coefficient`` (per training standard deviation) and ``se`` (NaN when penalised)."""
        se = self.bse if self.bse is not None else pd.Series(np.nan, index=self.params.index)
        return pd.DataFrame({"feature": self.params.index, "coefficient": self.params.to_numpy(), "se": se.to_numpy()})


def feature_predictions(
    events: dict, followers: pd.Series, final: pd.Series, train, at_s, threshold: int = 500
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The feature model at each time, fitted on the training cascades still under ``threshold`` (outcome: final
    reposts >= threshold) and applied to every cascade. Returns (predictions ``model, cascade_id, at_s,
    predicted, observed``, coefficients with ``at_s``)."""
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
    with gamma from ``grid`` minimising the training rows' median |log((1 + predicted) / (1 + final))|)."""
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
    -> source author) resamples authors instead of cascades."""
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
    to ``fitted["feature_model"]``."""
    rows, fitted["feature_model"] = feature_predictions(events, followers, final, train, at_s, threshold)
    return pd.concat([predictions, rows[predictions.columns]], ignore_index=True)


def balanced_k(table: pd.DataFrame) -> int | None:
    """The k of ``k_task_aucs`` whose test share reaching 2k is nearest one half (the task's design point)."""
    if table.empty:
        return None
    shares = table.drop_duplicates("k").set_index("k")["share_reaching"]
    return int((shares - 0.5).abs().idxmin())
