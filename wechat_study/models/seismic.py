"""SEISMIC: self-exciting point-process prediction of a cascade's final size.

Zhao, Erdogdu, He, Rajaraman & Leskovec, "SEISMIC: A Self-Exciting Point Process Model for
Predicting Tweet Popularity", KDD 2015. Shares arrive at rate
lambda(t) = p_t * sum_{t_i <= t} n_i * phi(t - t_i): every earlier share i (time t_i in seconds from
the source, n_i followers) keeps exposing its followers with the human-reaction memory kernel phi, and
the post's infectiousness p_t turns exposures into reposts. The model here:

- memory kernel phi(s) = c for 0 <= s < s0 and c * (s / s0)^-(1 + theta) for s >= s0, with
  s0 = 300 s, theta = 0.2314843, c = 6.265725e-4 (it integrates to 1);
- p_t estimated with a triangular kernel over a window w = t / 2 clamped to [300 s, 7200 s], widened
  back to the earliest of the last 6 shares before t when fewer than 5 shares fall in [t - w, t);
- a 95% interval from the chi-square distribution with 2R degrees of freedom (R reposts in the window);
- the final-size prediction N(t) = R_t + p_t * sum_{t_i <= t} n_i * ccdf(t - t_i) / (1 - p_t * n*),
  n* the network's mean out-degree (100 by default), +inf when p_t >= 1/n* (supercritical).

It is written from the project's methods text (docs/methods.md#9-seismic), not from any
code; n* and the reposters' assumed followers are tied as described there. The reference
implementation is the CRAN package ``seismic`` 1.1 (GPL-3); this module has not been run against it:
the tests check the closed forms against numerical quadrature and a literal
loop implementation instead. The paper reports a median relative error of about 15% one hour after the
post on Twitter.

Conventions for every function: times are seconds (floats), ``share_times[0]`` is the source post at 0
and the array is sorted ascending; ``followers`` is aligned with it, the source's first. "Reposts" are
all shares but the source. ``memory_pdf``/``memory_ccdf`` treat a negative elapsed time as 0 (as specified);
inside the infectiousness integral a share exerts nothing before it exists (phi(u) = 0 for u < 0). The
published constants are rounded: the kernel's mass is c*s0*(1 + 1/theta) = 1 - 1.8e-7, and the ccdf's
two pieces meet at s0 to within 1.8e-7, not exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import chi2

from ..align import same_index

S0 = 300.0                    # seconds: end of the constant part of the memory kernel
THETA = 0.2314843             # power-law exponent of the kernel's tail
C = 6.265725e-4               # 1/s: kernel height on [0, s0)
MIN_WINDOW, MAX_WINDOW = 300.0, 7200.0   # seconds: clamp of the window w = t / 2
MIN_COUNT = 5                 # fewer shares than this in [t - w, t) widen the window ...
WIDEN_SHARES = 6              # ... back to the earliest of this many last shares before t
_TAIL = C * S0 ** (1 + THETA)  # phi(s) = _TAIL * s^-(1 + theta) for s >= s0

__all__ = ["infectiousness", "memory_ccdf", "memory_pdf", "predict", "predict_at", "predict_cascades",
           "predict_n_stars"]


def memory_pdf(s) -> np.ndarray:
    """The memory kernel phi(s) (1/s) at elapsed times ``s`` (seconds), vectorised; negative s counts as 0.

    Parameters
    ----------
    s : float or array_like
        Elapsed times since a share, seconds.

    Returns
    -------
    numpy.ndarray
        phi(s): ``C`` below ``S0`` = 300 s, ``C * (s / S0)^-(1 + THETA)`` from there.

    Examples
    --------
    >>> from wechat_study.models import seismic
    >>> seismic.memory_pdf([-10, 0, 299, 3600]).round(8).tolist()
    [0.00062657, 0.00062657, 0.00062657, 2.937e-05]
    """
    s = np.maximum(np.asarray(s, dtype=float), 0.0)
    return np.where(s < S0, C, C * (np.maximum(s, S0) / S0) ** -(1 + THETA))


def memory_ccdf(s) -> np.ndarray:
    """1 - CDF of the memory kernel at elapsed times ``s`` (seconds), vectorised; negative s counts as 0.

    1 - c*s for s <= s0, c * s0^(1+theta) / theta * s^-theta beyond.

    Parameters
    ----------
    s : float or array_like
        Elapsed times since a share, seconds.

    Returns
    -------
    numpy.ndarray
        The share of a share's reaction mass still to come after ``s``, between 0 and 1.

    Examples
    --------
    >>> from wechat_study.models import seismic
    >>> seismic.memory_ccdf([-5, 0, 300, 3600]).round(4).tolist()
    [1.0, 1.0, 0.812, 0.4568]
    """
    s = np.maximum(np.asarray(s, dtype=float), 0.0)
    return np.where(s <= S0, 1 - C * s, _TAIL / THETA * np.maximum(s, S0) ** -THETA)


def _powdiff(u, lo, a):
    """u^a - lo^a for u >= lo > 0, without the cancellation of the naive difference."""
    return lo ** a * np.expm1(a * np.log1p((u - lo) / lo))


def _kernel_integral(d, w):
    """Integral over s in [t - w, t] of phi(s - t_i) * (1 - (t - s) / w), with d = t - t_i > 0, phi(u < 0) = 0.

    With u = s - t_i the kernel is (u - m) / w, m = d - w, on u in [max(m, 0), d]:
    c/(2w) * [(u - m)^2] over the part below s0, and
    c s0^(1+theta) / w * [u^(1-theta) / (1-theta) + m * u^-theta / theta] over the part above s0."""
    m = d - w
    low = np.maximum(m, 0.0)
    lo1, hi1 = np.minimum(low, S0), np.minimum(d, S0)
    flat = C / (2 * w) * (hi1 - lo1) * (hi1 + lo1 - 2 * m)
    lo2, hi2 = np.maximum(low, S0), np.maximum(d, S0)
    tail = _TAIL / w * (_powdiff(hi2, lo2, 1 - THETA) / (1 - THETA) + m * _powdiff(hi2, lo2, -THETA) / THETA)
    return flat + tail


def _check(times, followers) -> tuple[np.ndarray, np.ndarray]:
    if isinstance(times, pd.Series) and isinstance(followers, pd.Series):
        same_index(times, followers=followers)  # two Series in different orders would pair the wrong shares
    t = np.asarray(times, dtype=float)
    n = np.asarray(followers, dtype=float)
    if t.ndim != 1 or t.shape != n.shape or t.size == 0:
        raise ValueError("share_times and followers must be non-empty 1-D arrays of the same length")
    if t[0] != 0 or np.any(np.diff(t) < 0) or not np.all(np.isfinite(t)):
        raise ValueError("share_times must be finite, sorted ascending, with the source first at 0 s")
    return t, n


def _flat_infectiousness(t, n, gid, start, tq):
    """p, p_low, p_high and R per group. Shares ``t``, ``n`` are grouped by ``gid`` (group g occupies
    t[start[g]:start[g+1]], sorted, its source first); group g is evaluated at time tq[g]."""
    g = len(tq)

    def count(mask, weights=None):                     # per-group sum of weights (or of mask) over mask
        return np.bincount(gid, weights=mask if weights is None else np.where(mask, weights, 0.0), minlength=g)

    t_at = tq[gid]
    before = t < t_at
    n_before = count(before).astype(np.int64)
    w = np.clip(tq / 2, MIN_WINDOW, MAX_WINDOW)
    in_window = count(before & (t >= (tq - w)[gid]))
    widen = (in_window < MIN_COUNT) & (n_before > 0)
    first = start[:-1] + np.maximum(n_before - WIDEN_SHARES, 0)   # earliest of the last 6 shares before t
    lo = np.where(widen, t[np.minimum(first, len(t) - 1)], tq - w)   # exactly that share's time when widened
    w = np.where(widen, tq - lo, w)
    w_at = w[gid]
    reposts = before & (t >= lo[gid]) & (np.arange(len(t)) != start[:-1][gid])
    r = count(reposts).astype(np.int64)
    num = count(reposts, 1 - (t_at - t) / w_at)
    d = np.where(before, t_at - t, 1.0)
    den = count(before, n * _kernel_integral(d, w_at))
    with np.errstate(divide="ignore", invalid="ignore"):
        p = np.where(num > 0, num / den, 0.0)
        dof = 2.0 * np.maximum(r, 1)
        low = np.where(r > 0, p * chi2.ppf(0.025, dof) / dof, 0.0)
        high = np.where(r > 0, p * chi2.ppf(0.975, dof) / dof, 0.0)
    return p, low, high, r


def _flat_predict(t, n, gid, start, tq, p, n_star):
    """Predicted final repost counts and reposts observed by tq[g], per group (layout as above)."""
    if not n_star > 0:
        raise ValueError("n_star must be positive")
    return _final(p, n_star, *_exposure(t, n, gid, tq))


def _exposure(t, n, gid, tq):
    """The followers' reaction mass still to come after tq[g], and the reposts observed by then, per group."""
    g = len(tq)
    upto = t <= tq[gid]
    exposure = np.bincount(gid, weights=np.where(upto, n * memory_ccdf(tq[gid] - t), 0.0), minlength=g)
    observed = np.bincount(gid, weights=upto, minlength=g).astype(np.int64) - (tq >= 0)  # the source is no repost
    return exposure, observed


def _final(p, n_star, exposure, observed):
    """Predicted final repost counts from p, n* and ``_exposure``; inf when supercritical."""
    p = np.asarray(p, dtype=float)
    denom = 1 - p * n_star
    with np.errstate(divide="ignore", invalid="ignore"):
        pred = np.where((p >= 1 / n_star) | (denom <= 0), np.inf, observed + p * exposure / denom)
    return pred, observed


def _tiled(times, followers, at):
    """The one cascade repeated once per time in ``at``: the flat layout of the helpers above."""
    t, n = _check(times, followers)
    at = np.atleast_1d(np.asarray(at, dtype=float))
    m = len(at)
    return np.tile(t, m), np.tile(n, m), np.repeat(np.arange(m), len(t)), np.arange(m + 1) * len(t), at


def infectiousness(share_times, followers, at) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """SEISMIC's infectiousness p_t and its 95% chi-square interval, one value per time in ``at`` (seconds).

    ``share_times``: seconds from the source, the source first at 0, sorted ascending; ``followers``:
    aligned, the source's first. Shares with t_i < t count: p_t = sum of the triangular kernel over the
    reposts in [t - w, t) / sum over all earlier shares of n_i * integral of phi(s - t_i) K_t(s) ds.
    p_t is 0 when no repost weighs in (interval (0, 0) when the window holds no repost); at t <= 0 nothing
    precedes t and p_t = 0. A positive numerator over a zero denominator (no followers) gives inf.
    Returns (p, p_low, p_high), arrays of len(at).

    Parameters
    ----------
    share_times : array_like
        Share times in seconds, as above.
    followers : array_like
        Follower counts, one per share in the order of ``share_times``; two Series must share one index
        (``align.same_index``).
    at : float or array_like
        Observation times, seconds from the source.

    Returns
    -------
    p : numpy.ndarray
        p_t at each time (reposts per exposed follower).
    p_low, p_high : numpy.ndarray
        ``p * chi2.ppf(q, 2R) / (2R)`` for q = 0.025 and q = 0.975, R the reposts in the window (the chi-square
        distribution's 2.5% and 97.5% quantiles: a 95% interval); 0 when the window holds no repost.

    Raises
    ------
    ValueError
        When the arrays are empty, not 1-D or not of the same length, or the times are not finite, sorted and
        from the source at 0.

    Examples
    --------
    >>> from wechat_study.models import seismic
    >>> times = [0, 60, 120, 300, 600, 900, 1500, 2400, 3000, 3500]
    >>> followers = [3000, 150, 600, 240, 360, 180, 900, 270, 120, 225]
    >>> p, low, high = seismic.infectiousness(times, followers, [0, 1800, 3600])
    >>> p.round(5).tolist(), low.round(5).tolist(), high.round(5).tolist()
    ([0.0, 0.00221, 0.00377], [0.0, 0.00081, 0.00138], [0.0, 0.0043, 0.00733])
    """
    t, n, gid, start, at = _tiled(share_times, followers, at)
    p, low, high, _ = _flat_infectiousness(t, n, gid, start, at)
    return p, low, high


def predict(share_times, followers, at, p, n_star=100) -> np.ndarray:
    """Predicted final repost counts (the source excluded), one per time in ``at`` (seconds).

    N(t) = R_t + p_t * sum_{t_i <= t} n_i * ccdf(t - t_i) / (1 - p_t * n_star), R_t the reposts with
    t_i <= t (the sum includes the source). ``p`` is aligned with ``at`` (from ``infectiousness``);
    ``n_star`` is the network's mean out-degree. Returns +inf where p_t >= 1/n_star (and wherever
    1 - p_t * n_star rounds to <= 0), where the process is supercritical and the estimate has no finite limit.

    Parameters
    ----------
    share_times, followers : array_like
        As for ``infectiousness``.
    at : float or array_like
        Observation times, seconds from the source.
    p : float or array_like
        p_t at each time of ``at`` (a single value is used at every time).
    n_star : float
        n*, the mean number of followers of a resharer (positive).

    Returns
    -------
    numpy.ndarray
        N(t) at each time of ``at``.

    Raises
    ------
    ValueError
        When ``n_star`` is not positive, or the shares fail the checks of ``infectiousness``.

    Examples
    --------
    >>> from wechat_study.models import seismic
    >>> times = [0, 60, 120, 300, 600, 900, 1500, 2400, 3000, 3500]
    >>> followers = [3000, 150, 600, 240, 360, 180, 900, 270, 120, 225]
    >>> p, _, _ = seismic.infectiousness(times, followers, [1800, 3600])
    >>> seismic.predict(times, followers, [1800, 3600], p).round(1).tolist()
    [15.1, 27.2]
    >>> seismic.predict(times, followers, [3600], p[1], n_star=300).tolist()
    [inf]
    """
    t, n, gid, start, at = _tiled(share_times, followers, at)
    p = np.broadcast_to(np.asarray(p, dtype=float), at.shape)
    return _flat_predict(t, n, gid, start, at, p, n_star)[0]


def predict_cascades(times_by_cascade: dict[str, np.ndarray], followers_by_cascade: dict[str, np.ndarray], at,
                     n_star=100) -> pd.DataFrame:
    """``infectiousness`` and ``predict`` for many cascades at the times ``at`` (seconds), vectorised.

    Each cascade follows the conventions of ``infectiousness`` (times in seconds from its source, sorted,
    source first at 0; followers aligned). All cascades are concatenated and each time in ``at`` is one
    numpy pass over every share. Returns one row per cascade and time (cascades in dict order, then times
    in ``at`` order) with columns cascade_id, at_s, p, p_low, p_high, predicted (final reposts, source
    excluded; inf when supercritical) and observed_so_far (reposts with t_i <= at_s).

    Parameters
    ----------
    times_by_cascade : dict of str to array_like
        Cascade id -> share times in seconds, as above.
    followers_by_cascade : dict of str to array_like
        Cascade id -> follower counts, aligned; the same ids.
    at : float or array_like
        Observation times, seconds from each source.
    n_star : float
        n*, as for ``predict``.

    Returns
    -------
    pandas.DataFrame
        The rows above (an empty frame with those columns when there is no cascade).

    Raises
    ------
    ValueError
        When the two dicts have different ids, a cascade has no share or fewer followers than share times, the
        times break the conventions, or ``n_star`` is not positive.

    Examples
    --------
    >>> from wechat_study.models import seismic
    >>> times = [0, 60, 120, 300, 600, 900, 1500, 2400, 3000, 3500]
    >>> followers = [3000, 150, 600, 240, 360, 180, 900, 270, 120, 225]
    >>> out = seismic.predict_cascades({"a": times, "b": times[:4]}, {"a": followers, "b": followers[:4]},
    ...                                [1800, 3600])
    >>> out[["cascade_id", "at_s", "predicted", "observed_so_far"]].round(2)
      cascade_id    at_s  predicted  observed_so_far
    0          a  1800.0      15.11                6
    1          a  3600.0      27.19                9
    2          b  1800.0       4.05                3
    3          b  3600.0       3.48                3
    """
    ids = list(times_by_cascade)
    if set(ids) != set(followers_by_cascade):
        raise ValueError("times_by_cascade and followers_by_cascade must have the same cascade ids")
    at = np.atleast_1d(np.asarray(at, dtype=float))
    cols = ["cascade_id", "at_s", "p", "p_low", "p_high", "predicted", "observed_so_far"]
    if not ids:
        return pd.DataFrame({c: pd.Series(dtype="str" if c == "cascade_id" else float) for c in cols})
    t, n, gid, start = _stacked(times_by_cascade, followers_by_cascade, ids)
    parts = []
    for a in at:                                       # a few times; each pass is vectorised over the shares so far
        tq = np.full(len(ids), a)
        tt, nn, gg, ss = _upto(t, n, gid, start, a)
        p, low, high, _ = _flat_infectiousness(tt, nn, gg, ss, tq)
        pred, observed = _flat_predict(tt, nn, gg, ss, tq, p, n_star)
        parts.append((p, low, high, pred, observed))
    def stack(j):  # cascade-major, then time
        return np.stack([part[j] for part in parts], axis=1).ravel()

    return pd.DataFrame({"cascade_id": pd.array(np.repeat(ids, len(at)), dtype="str"), "at_s": np.tile(at, len(ids)),
                         "p": stack(0), "p_low": stack(1), "p_high": stack(2), "predicted": stack(3),
                         "observed_so_far": stack(4)})


def _upto(t, n, gid, start, at):
    """The flat layout cut to each group's source and its shares at or before ``at``: the later shares weigh
    nothing at ``at``, so the results are the same, to the bit, with less to sum."""
    keep = t <= at
    keep[start[:-1]] = True
    if keep.all():
        return t, n, gid, start
    gid = gid[keep]
    return t[keep], n[keep], gid, np.concatenate([[0], np.cumsum(np.bincount(gid, minlength=len(start) - 1))])


def predict_n_stars(times_by_cascade: dict, followers_by_cascade: dict, at: float, n_stars) -> np.ndarray:
    """``predict_cascades``' predicted final reposts at one time ``at`` (seconds) for each n* in ``n_stars``,
    computing the infectiousness and the exposure once (only the last step depends on n*).

    Parameters
    ----------
    times_by_cascade, followers_by_cascade : dict
        As for ``predict_cascades``.
    at : float
        The observation time, seconds.
    n_stars : sequence of float
        Positive n* values.

    Returns
    -------
    numpy.ndarray
        Shape ``(len(n_stars), cascades)``, cascades in dict order; equal to ``predict_cascades(...,
        n_star=v)["predicted"]`` for each v.

    Raises
    ------
    ValueError
        As ``predict_cascades``, or for an n* that is not positive.

    Examples
    --------
    >>> from wechat_study.models import seismic
    >>> times = [0, 60, 120, 300, 600, 900, 1500, 2400, 3000, 3500]
    >>> followers = [3000, 150, 600, 240, 360, 180, 900, 270, 120, 225]
    >>> seismic.predict_n_stars({"a": times}, {"a": followers}, 1800, [10, 100]).round(2).tolist()
    [[13.26], [15.11]]
    """
    ids = list(times_by_cascade)
    if set(ids) != set(followers_by_cascade):
        raise ValueError("times_by_cascade and followers_by_cascade must have the same cascade ids")
    if not ids:
        return np.zeros((len(n_stars), 0))
    tq = np.full(len(ids), float(at))
    t, n, gid, start = _upto(*_stacked(times_by_cascade, followers_by_cascade, ids), float(at))
    p = _flat_infectiousness(t, n, gid, start, tq)[0]
    exposure, observed = _exposure(t, n, gid, tq)
    for v in n_stars:
        if not v > 0:
            raise ValueError("n_star must be positive")
    return np.array([_final(p, v, exposure, observed)[0] for v in n_stars])


def _stacked(times_by_cascade, followers_by_cascade, ids):
    """All cascades concatenated (the flat layout of the helpers above), checked: (t, n, gid, start)."""
    t = np.concatenate([np.asarray(times_by_cascade[k], dtype=float) for k in ids])
    n = np.concatenate([np.asarray(followers_by_cascade[k], dtype=float) for k in ids])
    sizes = np.array([len(times_by_cascade[k]) for k in ids])
    if np.any(sizes == 0) or not np.array_equal(sizes, [len(followers_by_cascade[k]) for k in ids]):
        raise ValueError("every cascade needs at least its source, with as many followers as share times")
    start = np.concatenate([[0], np.cumsum(sizes)])
    gid = np.repeat(np.arange(len(ids)), sizes)
    steps = np.diff(t)
    steps[start[1:-1] - 1] = 0.0                       # a cascade's start may lie below the previous one's end
    if np.any(t[start[:-1]] != 0) or np.any(steps < 0) or not np.all(np.isfinite(t)):
        raise ValueError("share_times must be finite, sorted ascending, with the source first at 0 s")
    return t, n, gid, start


def predict_at(times_by_cascade: dict, followers_by_cascade: dict, at_by_cascade: dict, n_star=100) -> pd.DataFrame:
    """``predict_cascades`` with one observation time per cascade (``at_by_cascade``: id -> seconds), e.g. the
    time of each cascade's k-th repost. Returns ``cascade_id, at_s, p, predicted, observed_so_far``.

    Parameters
    ----------
    times_by_cascade, followers_by_cascade : dict
        As for ``predict_cascades``; they must hold every id of ``at_by_cascade`` (more are ignored).
    at_by_cascade : dict
        Cascade id -> its observation time, seconds from its source.
    n_star : float
        n*, as for ``predict``.

    Returns
    -------
    pandas.DataFrame
        One row per id of ``at_by_cascade``, in its order (empty with those columns when it is empty).

    Raises
    ------
    ValueError
        As for ``predict_cascades`` (a missing id raises ``KeyError``).

    Examples
    --------
    >>> from wechat_study.models import seismic
    >>> times = [0, 60, 120, 300, 600, 900, 1500, 2400, 3000, 3500]
    >>> followers = [3000, 150, 600, 240, 360, 180, 900, 270, 120, 225]
    >>> out = seismic.predict_at({"a": times, "b": times[:4]}, {"a": followers, "b": followers[:4]},
    ...                          {"a": 3600.0, "b": 400.0})
    >>> out[["cascade_id", "at_s", "predicted", "observed_so_far"]].round(2)
      cascade_id    at_s  predicted  observed_so_far
    0          a  3600.0      27.19                9
    1          b   400.0      14.43                3
    """
    ids = list(at_by_cascade)
    if not ids:
        return pd.DataFrame(columns=["cascade_id", "at_s", "p", "predicted", "observed_so_far"])
    t, n, gid, start = _stacked(times_by_cascade, followers_by_cascade, ids)
    tq = np.array([at_by_cascade[k] for k in ids], dtype=float)
    p = _flat_infectiousness(t, n, gid, start, tq)[0]
    pred, observed = _flat_predict(t, n, gid, start, tq, p, n_star)
    return pd.DataFrame({"cascade_id": ids, "at_s": tq, "p": p, "predicted": pred, "observed_so_far": observed})
