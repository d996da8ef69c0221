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
    status ok / boundary / failed with a message."""

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
        """kappa0 of a source with ``source_followers`` followers."""
        return float(np.exp(self.a + self.beta0 * np.log(max(float(source_followers), 1.0))))

    def for_cascade(self, source_followers: float) -> HawkesFit:
        """The ``HawkesFit`` of one cascade under the shared parameters (n* = kappa)."""
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
    the source author's follower count. L-BFGS-B with analytic gradients in (a, beta0, log kappa, log theta)."""
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
    shared parameters: (N_T - 1) + A_1 / (1 - kappa); +inf when kappa >= 1. Indexed by cascade id."""
    T = model.T if T is None else float(T)
    out = {cid: expected_final_size(model.for_cascade(source_followers[cid]), times, None, T)
           for cid, times in times_by_cascade.items()}
    return pd.Series(out, name="predicted", dtype=float)
