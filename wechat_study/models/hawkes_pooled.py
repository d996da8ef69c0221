"""One Hawkes model for many cascades: parameters shared over a training set, the source's excitation set by
its author's follower count. docs/methods.md#10-hawkes-processes.

Exponential kernel. Cascade k's intensity is kappa0_k * psi(t) + sum_{i >= 1} kappa * psi(t - t_i), with
kappa0_k = exp(a + beta0 * log max(m0_k, 1)), m0_k the source author's followers, and (a, beta0, kappa, theta)
shared by every cascade. The joint log-likelihood is the sum over cascades of ``hawkes`` log-likelihoods of the
events in [0, T] (lone sources included: they say the source excited nothing). A single cascade cannot tell
the source's excitation from the reposts' (the profile likelihood in kappa is flat); pooling identifies it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

from .hawkes import HawkesFit, _events, exp_recursion_terms, expected_final_size
from .hawkes_fit import BOUNDARY_TOL, BOUNDS, _one_blas_thread

POOLED_BOUNDS = {"a": (np.log(1e-6), np.log(1e6)), "beta0": (-1.0, 2.0)}

__all__ = ["PooledHawkes", "fit_pooled", "predict_pooled"]


@dataclass(frozen=True)
class PooledHawkes:
    """Shared parameters: a, beta0 (source excitation kappa0 = exp(a) * m0^beta0), kappa (the reposts'
    branching factor n*), theta (1/s); T the observation time (s) they were fitted at; cascades and events used;
    status ok / boundary / failed with a message.

    ``fit_pooled`` makes one; ``loglik`` is the joint log-likelihood at the fit.

    Examples
    --------
    >>> from wechat_study.models.hawkes_pooled import PooledHawkes
    >>> m = PooledHawkes(a=0.0, beta0=0.5, kappa=0.4, theta=1 / 3600, T=21600.0, loglik=-100.0, cascades=2,
    ...                  events=10, status="ok", message="converged")
    >>> round(m.source_kappa(100), 6)
    10.0
    """

    a: float
    beta0: float
    kappa: float
    theta: float
    T: float
    loglik: float
    cascades: int
    events: int
    status: str
    message: str

    def source_kappa(self, source_followers: float) -> float:
        """kappa0 of a source with ``source_followers`` followers.

        Parameters
        ----------
        source_followers : float
            The source author's follower count; counts below 1 count as 1.

        Returns
        -------
        float
            exp(a + beta0 * log max(m0, 1)): the expected number of direct reposts of the source.

        Examples
        --------
        >>> from wechat_study.models.hawkes_pooled import PooledHawkes
        >>> m = PooledHawkes(0.0, 0.5, 0.4, 1 / 3600, 21600.0, -100.0, 2, 10, "ok", "converged")
        >>> round(m.source_kappa(100), 6), m.source_kappa(0)
        (10.0, 1.0)
        """
        return float(np.exp(self.a + self.beta0 * np.log(max(float(source_followers), 1.0))))

    def for_cascade(self, source_followers: float) -> HawkesFit:
        """The ``HawkesFit`` of one cascade under the shared parameters (n* = kappa).

        Parameters
        ----------
        source_followers : float
            The source author's follower count.

        Returns
        -------
        HawkesFit
            Exponential kernel, unmarked: ``kappa0`` from ``source_kappa``, the shared ``kappa`` and ``theta``,
            and the pooled fit's ``loglik``, ``status`` and ``message`` (``n_events`` 0).

        Examples
        --------
        >>> from wechat_study.models.hawkes_pooled import PooledHawkes
        >>> m = PooledHawkes(0.0, 0.5, 0.4, 1 / 3600, 21600.0, -100.0, 2, 10, "ok", "converged")
        >>> fit = m.for_cascade(400)
        >>> fit.kernel, round(fit.kappa0, 6), fit.kappa
        ('exp', 20.0, 0.4)
        """
        return HawkesFit("exp", False, self.source_kappa(source_followers), self.kappa, self.theta, None, 0.0, 1.0,
                         self.loglik, 0, self.status, self.message, "own")


def _prepared(times_by_cascade: dict, source_followers: dict, T: float):
    """All cascades' events in [0, T] concatenated: times, cascade starts (with the end), log source marks."""
    parts, ell0 = [], []
    for cid, times in times_by_cascade.items():
        parts.append(_events(times, None, T, False)[0])
        m0 = float(source_followers[cid])
        if not np.isfinite(m0):
            raise ValueError(f"cascade {cid}: the source's follower count must be finite (impute it first)")
        ell0.append(np.log(max(m0, 1.0)))
    if not parts:
        raise ValueError("fit_pooled needs at least one cascade")
    starts = np.r_[0, np.cumsum([p.size for p in parts])]
    return np.concatenate(parts), starts, np.array(ell0)


def fit_pooled(times_by_cascade: dict, source_followers: dict, T: float) -> PooledHawkes:
    """Maximum likelihood of the shared parameters from every cascade's events in [0, T] (seconds).

    ``times_by_cascade``: id -> sorted seconds from the source, source first at 0; ``source_followers``: id ->
    the source author's follower count. L-BFGS-B with analytic gradients in (a, beta0, log kappa, log theta),
    from four starting points (the best kept).

    Parameters
    ----------
    times_by_cascade : dict
        Cascade id -> sorted event times in seconds from the source, the source first at 0.
    source_followers : dict
        Cascade id -> the source author's follower count (finite; every id of ``times_by_cascade``).
    T : float
        The observation time in seconds; events after it are ignored.

    Returns
    -------
    PooledHawkes
        The shared parameters, the joint log-likelihood, the cascades and events used, and ``status``:
        ``"ok"``, ``"boundary"`` (a parameter at a bound, named in ``message``) or ``"failed"``.

    Raises
    ------
    ValueError
        No cascades, or a source follower count that is not finite.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.models.hawkes_pooled import fit_pooled
    >>> rng = np.random.default_rng(0)
    >>> times = {f"c{i}": np.r_[0.0, np.sort(rng.exponential(3600, n))] for i, n in enumerate(rng.integers(0, 30, 20))}
    >>> followers = {cid: float(m) for cid, m in zip(times, rng.integers(10, 10_000, 20))}
    >>> model = fit_pooled(times, followers, T=6 * 3600)
    >>> model.status, model.cascades, 0 < model.kappa < 1
    ('ok', 20, True)
    """
    t, starts, ell0 = _prepared(times_by_cascade, source_followers, T)
    bounds = [POOLED_BOUNDS["a"], POOLED_BOUNDS["beta0"], tuple(np.log(BOUNDS["n0"])),
              tuple(np.log(BOUNDS["theta_exp"]))]
    events = int(t.size)

    def objective(x):
        total, g = exp_recursion_terms(np.asarray(x, dtype=float), t, starts, ell0, float(T))
        if not np.isfinite(total) or not np.all(np.isfinite(g)):
            return 1e300, np.zeros(4)
        return -total / events, -g / events

    x0s = [[np.log(events / (starts.size - 1)), 0.0, np.log(k), np.log(th)]
           for k in (0.2, 0.6) for th in (1 / 600, 1 / 6000)]
    best = None
    for x0 in x0s:
        with _one_blas_thread():
            r = minimize(objective, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                         options={"maxiter": 2000, "ftol": 1e-13, "gtol": 1e-8})
        if best is None or r.fun < best.fun:
            best = r
    names = ["a", "beta0", "kappa", "theta"]
    at = [f"{n} at its {side} bound" for n, xi, (lo, hi) in zip(names, best.x, bounds, strict=False)
          for side, v in (("lower", lo), ("upper", hi)) if abs(xi - v) < BOUNDARY_TOL]
    status = "failed" if not best.success or best.fun >= 1e300 else "boundary" if at else "ok"
    message = "; ".join(([str(best.message)] if status != "ok" else []) + at) or f"converged: {best.message}"
    a, b0, lk, lth = best.x
    return PooledHawkes(float(a), float(b0), float(np.exp(lk)), float(np.exp(lth)), float(T),
                        float(-best.fun * events), int(starts.size - 1), events, status, message)


def predict_pooled(model: PooledHawkes, times_by_cascade: dict, source_followers: dict,
                   T: float | None = None) -> pd.Series:
    """Expected final repost count of each cascade from its events in [0, T] (default: the model's T) under the
    shared parameters: (N_T - 1) + A_1 / (1 - kappa); +inf when kappa >= 1. Indexed by cascade id.

    Parameters
    ----------
    model : PooledHawkes
        The shared parameters (``fit_pooled``).
    times_by_cascade : dict
        Cascade id -> sorted event times in seconds from the source, the source first at 0.
    source_followers : dict
        Cascade id -> the source author's follower count.
    T : float, optional
        Seconds observed (default: ``model.T``).

    Returns
    -------
    pandas.Series
        ``predicted``: the expected final repost count (the source not counted), one per cascade id.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.models.hawkes_pooled import PooledHawkes, predict_pooled
    >>> m = PooledHawkes(0.0, 0.5, 0.0, 1 / 3600, 3600.0, -100.0, 1, 3, "ok", "converged")
    >>> # kappa = 0: the 2 reposts seen plus the source's expected reposts after T, 10 * exp(-1)
    >>> predict_pooled(m, {"c0": np.array([0.0, 60.0, 600.0])}, {"c0": 100}).round(2)
    c0    5.68
    Name: predicted, dtype: float64
    """
    T = model.T if T is None else float(T)
    out = {cid: expected_final_size(model.for_cascade(source_followers[cid]), times, None, T)
           for cid, times in times_by_cascade.items()}
    return pd.Series(out, name="predicted", dtype=float)
