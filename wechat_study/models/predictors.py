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
    minimising the median |log((1 + predicted) / (1 + final))|. Returns (n*, the grid with its errors).

    An infinite prediction (supercritical) counts as infinitely wrong. Ties go to the first gamma of the grid.

    Parameters
    ----------
    times : dict of str to numpy.ndarray
        Cascade id -> share times in seconds from the source, sorted, the source first at 0
        (``early_warning.share_times``).
    followers : dict of str to numpy.ndarray
        Cascade id -> follower counts aligned with ``times``, the source's first.
    final : pandas.Series
        Final repost counts (source excluded) by cascade id.
    train : sequence of str
        The training cascades' ids (``early_warning.split_by_time``).
    at_s : float
        The observation time, seconds from each source.
    repost_followers : float
        The follower count assumed for every reposter; n* = gamma x ``repost_followers``.
    threshold : int
        The repost count; only training cascades with fewer reposts than this by the observation time are fitted on.
    grid : sequence of float, optional
        The gammas tried (default: ``GAMMA_GRID``).

    Returns
    -------
    n_star : float
        The fitted n*.
    table : pandas.DataFrame
        One row per gamma: ``gamma, n_star, median_log_error, supercritical`` (the share 0–1 of the fitted
        cascades whose prediction is infinite).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> from wechat_study.models import predictors as pr
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> n_star, table = pr.fit_n_star(times, followers, final, train, 600, repost_followers=100)
    >>> n_star
    10.0
    >>> table.round(3).values.tolist()[:3]
    [[0.01, 1.0, 0.631, 0.0], [0.03, 3.0, 0.601, 0.0], [0.1, 10.0, 0.522, 0.0]]
    """
    counts = _counts({c: times[c] for c in train}, at_s)
    ids = [c for c in train if counts[c] < threshold]
    t, f = {c: times[c] for c in ids}, {c: followers[c] for c in ids}
    rows = []
    grid = tuple(grid or GAMMA_GRID)
    by_gamma = seismic.predict_n_stars(t, f, at_s, [gamma * repost_followers for gamma in grid])
    for gamma, pred in zip(grid, by_gamma, strict=True):
        n_star = gamma * repost_followers
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
    ``at_s, n_star, gamma, median_log_error, supercritical``).

    Parameters
    ----------
    times : dict of str to numpy.ndarray
        Cascade id -> share times in seconds from the source, sorted, the source first at 0
        (``early_warning.share_times``).
    followers : dict of str to numpy.ndarray
        Cascade id -> follower counts aligned with ``times``, the source's first.
    final : pandas.Series
        Final repost counts (source excluded) by cascade id.
    train : sequence of str
        The training cascades' ids (``early_warning.split_by_time``).
    at_s : iterable of float
        Observation times, seconds from each source.
    repost_followers : float
        The follower count assumed for every reposter; n* = gamma x ``repost_followers``.
    threshold : int
        The repost count; only training cascades with fewer reposts than this by the observation time are fitted on.

    Returns
    -------
    predictions : pandas.DataFrame
        ``cascade_id, at_s, predicted, observed, model`` for every cascade and time (``model`` is ``"seismic"``;
        ``predicted`` is the expected final repost count, inf when supercritical).
    fitted : pandas.DataFrame
        The chosen row of ``fit_n_star``'s grid for each time: ``gamma, n_star, median_log_error, supercritical,
        at_s``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> from wechat_study.models import predictors as pr
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> predictions, fitted = pr.seismic_predictions(times, followers, final, train, [600, 3600], 100)
    >>> fitted[["at_s", "gamma", "n_star"]].values.tolist()
    [[600.0, 0.1, 10.0], [3600.0, 0.01, 1.0]]
    >>> predictions.head(2).round(2)
      cascade_id   at_s  predicted  observed    model
    0         c0  600.0       8.64         2  seismic
    1         c1  600.0      10.60         3  seismic
    """
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
    count so far. Keeps the fit columns (status, branching_factor, ...).

    Parameters
    ----------
    times : dict of str to numpy.ndarray
        Cascade id -> share times in seconds from the source, sorted, the source first at 0
        (``early_warning.share_times``).
    at_s : iterable of float
        Observation times, seconds; each fit sees the events at or before that time.
    workers : int, optional
        Worker processes for ``hawkes_fit.fit_cascades`` (default: ``os.cpu_count()``; 1 runs here).
    kernel : {"exp", "power"}
        The excitation kernel.

    Returns
    -------
    pandas.DataFrame
        One row per cascade and time: ``hawkes_fit.COLUMNS``, then ``at_s``, ``predicted`` (expected final
        reposts, source excluded; inf when supercritical), ``observed`` (reposts by ``at_s``) and ``model``
        (``"hawkes"``).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> from wechat_study.models import predictors as pr
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> fits = pr.hawkes_predictions(times, [3600], workers=1)
    >>> fits[["cascade_id", "at_s", "observed", "status"]].head(2).values.tolist()
    [['c0', 3600, 7, 'boundary'], ['c1', 3600, 6, 'boundary']]
    >>> round(float(fits["predicted"].iloc[0]), 2)
    7.79
    """
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
    parameters per time).

    The model uses each cascade's source follower count (the first of its ``followers``), which must be finite.

    Parameters
    ----------
    times : dict of str to numpy.ndarray
        Cascade id -> share times in seconds from the source, sorted, the source first at 0
        (``early_warning.share_times``).
    followers : dict of str to numpy.ndarray
        Cascade id -> follower counts aligned with ``times``, the source's first.
    train : sequence of str
        The training cascades' ids (``early_warning.split_by_time``).
    at_s : iterable of float
        Observation times, seconds from each source.
    threshold : int
        The repost count; only training cascades with fewer reposts than this by the observation time are fitted on.

    Returns
    -------
    predictions : pandas.DataFrame
        ``cascade_id, at_s, predicted, observed, model`` (``model`` is ``"hawkes_pooled"``; ``predicted`` the
        expected final repost count, ``observed`` the reposts by ``at_s``), for the times that were scored.
    params : pandas.DataFrame
        One row per time: ``at_s, a, beta0, kappa, theta, loglik, cascades, events, status, message``;
        ``status`` is ``"supercritical"`` when the fitted n* (``kappa``) is 1 or more.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> from wechat_study.models import predictors as pr
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> predictions, params = pr.pooled_predictions(times, followers, train, [600, 3600])
    >>> params[["at_s", "status", "cascades"]].values.tolist()
    [[600, 'supercritical', 52], [3600, 'ok', 52]]
    >>> sorted(predictions["at_s"].unique().tolist()), round(float(params["kappa"].iloc[1]), 2)
    ([3600], 0.82)
    """
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
    fitted pieces: {"seismic_n_star", "hawkes_fits", "hawkes_pooled"}).

    The models are the count so far (``count_baseline``), the source's followers (``source_followers``),
    SEISMIC (``seismic_predictions``), per-cascade Hawkes fits (``hawkes_predictions``, exponential kernel)
    and the pooled Hawkes model (``pooled_predictions``).

    Parameters
    ----------
    times : dict of str to numpy.ndarray
        Cascade id -> share times in seconds from the source, sorted, the source first at 0
        (``early_warning.share_times``).
    followers : dict of str to numpy.ndarray
        Cascade id -> follower counts aligned with ``times``, the source's first.
    final : pandas.Series
        Final repost counts (source excluded) by cascade id.
    train : sequence of str
        The training cascades' ids (``early_warning.split_by_time``).
    at_s : iterable of float
        Observation times, seconds from each source.
    repost_followers : float
        The follower count assumed for every reposter; n* = gamma x ``repost_followers``.
    threshold : int
        The repost count; only training cascades with fewer reposts than this by the observation time are fitted on.
    workers : int, optional
        Worker processes for the per-cascade Hawkes fits (default: ``os.cpu_count()``; 1 runs here).

    Returns
    -------
    predictions : pandas.DataFrame
        ``model, cascade_id, at_s, predicted, observed`` for every model, cascade and time scored.
    fitted : dict
        ``"seismic_n_star"``: ``seismic_predictions``'s fitted n* per time; ``"hawkes_fits"``:
        ``hawkes_predictions``'s table; ``"hawkes_pooled"``: ``pooled_predictions``'s parameters per time.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import early_warning as ew
    >>> from wechat_study.models import predictors as pr
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> predictions, fitted = pr.all_predictions(times, followers, final, train, [3600], 100, workers=1)
    >>> predictions.groupby("model").size().to_dict()
    {'count_baseline': 75, 'hawkes': 75, 'hawkes_pooled': 75, 'seismic': 75, 'source_followers': 75}
    >>> sorted(fitted)
    ['hawkes_fits', 'hawkes_pooled', 'seismic_n_star']
    """
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
