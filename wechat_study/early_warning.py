"""Early warning: at t minutes after the source, will a cascade reach 500 reposts?

Conventions (science.md §7):
- the outcome is the observed final repost count (records, size - 1) >= 500;
- cascades are split by source-post time: the earliest ``1 - test_share`` train, the latest test;
- each model gives a score per cascade and time (its predicted final repost count); ROC-AUC uses
  the scores as they are; precision and recall are at the operating point "predicted >= 500";
  calibration maps log(1 + score) to a probability with a logistic fit on the training cascades and
  reports the Brier score and a reliability table on the test cascades;
- follower counts: the source's from the data (the median where missing), every reposter's an assumed
  constant (CED does not record them), a parameter whose effect is shown.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .metrics import NAT, Forest


def share_times(posts: pd.DataFrame, cascades: pd.DataFrame, repost_followers: float) -> tuple[dict, dict, pd.Series]:
    """Per cascade: share times (seconds from the source, source first at 0, sorted; unknown times and
    negative delays dropped/clipped), aligned follower counts, and the final repost counts."""
    f = Forest.from_posts(posts)
    roots = cascades.set_index("cascade_id")["author_followers"].astype("Float64")
    if roots.notna().sum() == 0:
        raise ValueError("no source author has a follower count; these models need them (CED records them)")
    roots = roots.fillna(roots.median()).astype(float)
    times, followers = {}, {}
    rel = np.where(f.times == NAT, np.nan, (f.times - np.repeat(f.root_times, f.sizes_per_cascade)) / 1e9)
    for c, (a, b) in enumerate(zip(f.starts[:-1], f.starts[1:], strict=True)):
        cid = f.cascade_ids[c]
        r = rel[a + 1:b]
        r = np.sort(np.maximum(r[~np.isnan(r)], 0.0))
        times[cid] = np.r_[0.0, r]
        followers[cid] = np.r_[roots.get(cid, roots.median()), np.full(len(r), float(repost_followers))]
    final = pd.Series(f.sizes_per_cascade - 1, index=f.cascade_ids, name="final_reposts")
    return times, followers, final


def split_by_time(cascades: pd.DataFrame, test_share: float = 0.3) -> tuple[list[str], list[str]]:
    """(train ids, test ids): the latest ``test_share`` of cascades by source time are the test set."""
    ordered = cascades.sort_values(["created_at", "cascade_id"])["cascade_id"].tolist()
    cut = int(round(len(ordered) * (1 - test_share)))
    return ordered[:cut], ordered[cut:]


def count_baseline(times: dict, at_s) -> pd.DataFrame:
    """The count so far as the prediction: ``cascade_id, at_s, predicted``."""
    rows = [(cid, t, int(np.searchsorted(ts, t, side="right") - 1)) for cid, ts in times.items() for t in at_s]
    return pd.DataFrame(rows, columns=["cascade_id", "at_s", "predicted"])


def auc(score, y) -> float:
    """ROC-AUC from ranks (ties count half); NaN without both classes. Infinite scores rank highest."""
    score, y = np.asarray(score, float), np.asarray(y, bool)
    n1, n0 = y.sum(), (~y).sum()
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = stats.rankdata(np.nan_to_num(score, nan=-np.inf, posinf=np.finfo(float).max))
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def logistic(x_train, y_train):
    """A one-feature logistic regression fitted by maximum likelihood; returns p(x)."""
    x, y = np.asarray(x_train, float), np.asarray(y_train, float)

    def loss(w):
        z = w[0] + w[1] * x
        return np.sum(np.logaddexp(0, z) - y * z)

    w = optimize.minimize(loss, np.zeros(2), method="BFGS").x
    return lambda v: 1 / (1 + np.exp(-(w[0] + w[1] * np.asarray(v, float))))


def _feature(pred) -> np.ndarray:
    p = np.asarray(pred, float)
    return np.log1p(np.where(np.isfinite(p), np.maximum(p, 0), 1e7))


def evaluate(predictions: pd.DataFrame, final: pd.Series, train, test, threshold: int = 500) -> pd.DataFrame:
    """Per model and time: ``model, at_min, auc, precision, recall, brier, test_cascades, positives``.

    ``predictions`` has ``model, cascade_id, at_s, predicted``.
    """
    rows = []
    reached = final >= threshold
    for (model, at), g in predictions.groupby(["model", "at_s"], sort=True):
        g = g.set_index("cascade_id")
        tr, te = g.reindex(train), g.reindex(test)
        y_tr, y_te = reached.reindex(train).to_numpy(), reached.reindex(test).to_numpy()
        flag = te["predicted"].to_numpy() >= threshold
        tp = int((flag & y_te).sum())
        prob = logistic(_feature(tr["predicted"]), y_tr)(_feature(te["predicted"]))
        rows.append({"model": model, "at_min": at / 60, "auc": auc(te["predicted"], y_te),
                     "precision": tp / flag.sum() if flag.sum() else np.nan, "recall": tp / y_te.sum() if y_te.sum() else np.nan,
                     "brier": float(np.mean((prob - y_te) ** 2)), "test_cascades": len(te), "positives": int(y_te.sum())})
    return pd.DataFrame(rows)


def reliability(predictions: pd.DataFrame, final: pd.Series, train, test, model: str, at_s: float,
                threshold: int = 500, bins: int = 10) -> pd.DataFrame:
    """Calibration on the test set for one model and time: ``bin, predicted, observed, cascades``."""
    g = predictions[(predictions["model"] == model) & (predictions["at_s"] == at_s)].set_index("cascade_id")
    reached = final >= threshold
    prob = logistic(_feature(g.reindex(train)["predicted"]), reached.reindex(train))(_feature(g.reindex(test)["predicted"]))
    y = reached.reindex(test).to_numpy()
    edges = np.linspace(0, 1, bins + 1)
    which = np.clip(np.digitize(prob, edges) - 1, 0, bins - 1)
    d = pd.DataFrame({"bin": which, "predicted": prob, "observed": y})
    out = d.groupby("bin").agg(predicted=("predicted", "mean"), observed=("observed", "mean"), cascades=("observed", "size"))
    return out.reset_index()


def censors_clock(predictions: pd.DataFrame, durations: pd.DataFrame, model: str, test, hours, threshold: int = 500) -> pd.DataFrame:
    """For test cascades that cross: by each hour after posting, the share already flagged by ``model``
    (predicted >= threshold at some observed time up to then) and the share already crossed.

    Columns: ``hours, flagged, crossed``.
    """
    d = durations.set_index("cascade_id").reindex(test)
    crossers = d.index[d["crossed"].to_numpy(bool)]
    p = predictions[(predictions["model"] == model) & predictions["cascade_id"].isin(crossers)]
    first_flag = p[p["predicted"] >= threshold].groupby("cascade_id")["at_s"].min() / 3600
    flag_at = first_flag.reindex(crossers).to_numpy()
    cross_at = d.loc[crossers, "duration_h"].to_numpy()
    return pd.DataFrame({"hours": list(hours),
                         "flagged": [float(np.mean(np.nan_to_num(flag_at, nan=np.inf) <= h)) for h in hours],
                         "crossed": [float(np.mean(cross_at <= h)) for h in hours]})


def _observed(times: dict, followers: dict, t: float) -> tuple[dict, dict]:
    cut = {cid: int(np.searchsorted(ts, t, side="right")) for cid, ts in times.items()}
    return ({cid: ts[:cut[cid]] for cid, ts in times.items()}, {cid: f[:cut[cid]] for cid, f in followers.items()})


def hawkes_predictions(times: dict, followers: dict, at_s, kernel: str = "exp", marked: bool = False,
                       workers: int | None = None) -> pd.DataFrame:
    """Hawkes fits on each cascade's events up to each time in ``at_s``:
    ``cascade_id, at_s, predicted, status, n_events, branching_factor``."""
    from .models import hawkes

    frames = []
    for t in at_s:
        obs_t, obs_f = _observed(times, followers, t)
        fits = hawkes.fit_cascades(obs_t, obs_f, float(t), kernel=kernel, marked=marked, workers=workers)
        frames.append(fits.assign(at_s=t).rename(columns={"predicted_final_reposts": "predicted"}))
    return pd.concat(frames, ignore_index=True)[["cascade_id", "at_s", "predicted", "status", "n_events",
                                                 "branching_factor"]]


def fit_status(fits: pd.DataFrame) -> pd.DataFrame:
    """Hawkes fits counted by observation time and status: ``at_min, status, fits``."""
    return fits.assign(at_min=(fits["at_s"] // 60).astype(int)).groupby(["at_min", "status"]).size().rename("fits").reset_index()


def follower_sweep(times_of, values, at_s: float, final: pd.Series, test, n_star: float = 100) -> pd.DataFrame:
    """ROC-AUC on the test cascades at ``at_s`` of SEISMIC and of the marked exponential Hawkes model
    under each assumed reposter follower count: ``repost_followers, model, auc``. ``times_of(value)``
    returns (times, followers) for an assumed value."""
    from .models import seismic

    rows = []
    reached = (final >= 500).reindex(test).to_numpy()
    for v in values:
        times, followers = times_of(v)
        times, followers = {c: times[c] for c in test}, {c: followers[c] for c in test}  # AUC needs the test set only
        s = seismic.predict_cascades(times, followers, [at_s], n_star=n_star).set_index("cascade_id")
        h = hawkes_predictions(times, followers, [at_s], kernel="exp", marked=True).set_index("cascade_id")
        rows += [{"repost_followers": v, "model": "seismic", "auc": auc(s["predicted"].reindex(test), reached)},
                 {"repost_followers": v, "model": "hawkes_marked", "auc": auc(h["predicted"].reindex(test), reached)}]
    return pd.DataFrame(rows)


def all_predictions(times: dict, followers: dict, at_s, n_star: float = 100) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The three predictors at each time: (``model, cascade_id, at_s, predicted`` for ``count_baseline``,
    ``seismic`` and ``hawkes`` (exponential, unmarked), and the Hawkes fits with their statuses)."""
    from .models import seismic

    fits = hawkes_predictions(times, followers, at_s, kernel="exp", marked=False)
    cols = ["cascade_id", "at_s", "predicted"]
    predictions = pd.concat([count_baseline(times, at_s).assign(model="count_baseline"),
                             seismic.predict_cascades(times, followers, at_s, n_star=n_star)[cols].assign(model="seismic"),
                             fits[cols].assign(model="hawkes")], ignore_index=True)
    return predictions[["model", *cols]], fits
