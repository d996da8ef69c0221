"""Every early-warning predictor, scored per cascade and observation time (docs/methods.md#11-early-warning-evaluation).

Inputs as ``early_warning.share_times`` builds them: ``times`` (id -> seconds from the source, source first),
``followers`` (id -> aligned follower counts, the source's first, every reposter an assumed constant). Every
output has ``model, cascade_id, at_s, predicted, observed`` (observed: reposts by at_s, source excluded).
Parameters beyond a cascade's own events (SEISMIC's n*, the pooled Hawkes parameters) are fitted on ``train``
only, on the cascades not yet past the threshold at that time.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import hawkes_fit, hawkes_pooled, seismic

GAMMA_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)  # SEISMIC n* / assumed reposter followers, fitted on train

__all__ = [
    "GAMMA_GRID",
    "all_predictions",
    "fit_n_star",
    "hawkes_predictions",
    "pooled_predictions",
    "seismic_predictions",
]


def _observed(times: dict, t: float) -> dict:
    return {cid: ts[: int(np.searchsorted(ts, t, side="right"))] for cid, ts in times.items()}


def _counts(times: dict, t: float) -> pd.Series:
    return pd.Series({cid: int(np.searchsorted(ts, t, side="right") - 1) for cid, ts in times.items()})


def _median_log_error(pred, final) -> float:
    """Median |log((1 + predicted) / (1 + final))|; an infinite prediction is infinitely wrong."""
    p = np.asarray(pred, float)
    err = np.where(np.isfinite(p), np.abs(np.log1p(np.maximum(p, 0)) - np.log1p(np.asarray(final, float))), np.inf)
    return float(np.median(err))


def fit_n_star(
    times: dict,
    followers: dict,
    final: pd.Series,
    train,
    at_s: float,
    repost_followers: float,
    threshold: int = 500,
    grid=None,
) -> tuple[float, pd.DataFrame]:
    """SEISMIC's n* at one time, fitted on the training cascades not yet past ``threshold``: n* = gamma x
    ``repost_followers`` (the mean out-degree if every reposter has that many followers), gamma from ``grid``
    minimising the median |log((1 + predicted) / (1 + final))|. Returns (n*, the grid with its errors)."""
    counts = _counts({c: times[c] for c in train}, at_s)
    ids = [c for c in train if counts[c] < threshold]
    t, f = {c: times[c] for c in ids}, {c: followers[c] for c in ids}
    rows = []
    for gamma in grid or GAMMA_GRID:
        n_star = gamma * repost_followers
        pred = seismic.predict_cascades(t, f, [at_s], n_star=n_star)["predicted"]
        rows.append(
            {
                "gamma": gamma,
                "n_star": n_star,
                "median_log_error": _median_log_error(pred, final.reindex(ids)),
                "supercritical": float(np.isinf(pred).mean()),
            }
        )
    table = pd.DataFrame(rows)
    return float(table.loc[table["median_log_error"].idxmin(), "n_star"]), table


def seismic_predictions(
    times: dict, followers: dict, final: pd.Series, train, at_s, repost_followers: float, threshold: int = 500
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """SEISMIC at each time with n* fitted on train (``fit_n_star``). Returns (predictions, fitted n* per time:
    ``at_s, n_star, gamma, median_log_error, supercritical``)."""
    frames, fitted = [], []
    for t in at_s:
        n_star, table = fit_n_star(times, followers, final, train, t, repost_followers, threshold)
        fitted.append(table[table["n_star"] == n_star].assign(at_s=t))
        p = seismic.predict_cascades(times, followers, [t], n_star=n_star)
        frames.append(
            p.rename(columns={"observed_so_far": "observed"})[["cascade_id", "at_s", "predicted", "observed"]]
        )
    return pd.concat(frames, ignore_index=True).assign(model="seismic"), pd.concat(fitted, ignore_index=True)


def hawkes_predictions(times: dict, at_s, workers: int | None = None, kernel: str = "exp") -> pd.DataFrame:
    """Per-cascade Hawkes fits (the source's own excitation, unmarked) on each cascade's events up to each
    time. ``predicted`` is the expected final size; where a fit has no values (fewer than 2 reposts) it is the
    count so far. Keeps the fit columns (status, branching_factor, ...)."""
    frames = []
    for t in at_s:
        fits = hawkes_fit.fit_cascades(_observed(times, t), None, float(t), kernel=kernel, workers=workers)
        observed = fits["n_events"] - 1
        pred = fits["predicted_final_reposts"].where(fits["predicted_final_reposts"].notna(), observed)
        frames.append(fits.assign(at_s=t, predicted=pred, observed=observed))
    return pd.concat(frames, ignore_index=True).assign(model="hawkes")


def pooled_predictions(times: dict, followers: dict, train, at_s, threshold: int = 500):
    """The pooled Hawkes model fitted at each time on the training cascades not yet past ``threshold``, then
    applied to every cascade; a time whose fit failed, or is supercritical (n* >= 1, every expected size
    infinite), gets no predictions. Returns (predictions, the fitted
    parameters per time)."""
    frames, params = [], []
    source = {cid: float(f[0]) for cid, f in followers.items()}
    for t in at_s:
        obs = _observed(times, t)
        fit_on = {c: obs[c] for c in train if obs[c].size - 1 < threshold}
        model = hawkes_pooled.fit_pooled(fit_on, source, float(t))
        params.append(
            {
                "at_s": t,
                **{
                    k: getattr(model, k)
                    for k in ("a", "beta0", "kappa", "theta", "loglik", "cascades", "events", "status", "message")
                },
            }
        )
        if model.status != "failed" and model.kappa >= 1:  # every cascade's expected size is infinite: no ranking
            params[-1] |= {"status": "supercritical", "message": f"n* = {model.kappa:.3g} >= 1: every expected size "
                           "is infinite, so the model cannot rank cascades and is not scored"}
        if params[-1]["status"] in ("failed", "supercritical"):  # nothing to score with (the table says why)
            continue
        pred = hawkes_pooled.predict_pooled(model, obs, source, float(t))
        frames.append(
            pd.DataFrame(
                {
                    "cascade_id": pred.index,
                    "at_s": t,
                    "predicted": pred.to_numpy(),
                    "observed": [obs[c].size - 1 for c in pred.index],
                }
            )
        )
    cols = ["cascade_id", "at_s", "predicted", "observed"]
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)
    return out.assign(model="hawkes_pooled"), pd.DataFrame(params)


def all_predictions(
    times: dict,
    followers: dict,
    final: pd.Series,
    train,
    at_s,
    repost_followers: float,
    threshold: int = 500,
    workers: int | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Every model at every time: (predictions ``model, cascade_id, at_s, predicted, observed``, and the
    fitted pieces: {"seismic_n_star", "hawkes_fits", "hawkes_pooled"})."""
    from ..early_warning import count_baseline, source_baseline

    observed = count_baseline(times, at_s).rename(columns={"predicted": "observed"})
    base = count_baseline(times, at_s).merge(observed, on=["cascade_id", "at_s"]).assign(model="count_baseline")
    src = source_baseline(followers, at_s).merge(observed, on=["cascade_id", "at_s"]).assign(model="source_followers")
    sm, n_star = seismic_predictions(times, followers, final, train, at_s, repost_followers, threshold)
    hk = hawkes_predictions(times, at_s, workers)
    pooled, params = pooled_predictions(times, followers, train, at_s, threshold)
    cols = ["model", "cascade_id", "at_s", "predicted", "observed"]
    predictions = pd.concat([base[cols], src[cols], sm[cols], hk[cols], pooled[cols]], ignore_index=True)
    return predictions, {"seismic_n_star": n_star, "hawkes_fits": hk, "hawkes_pooled": params}
