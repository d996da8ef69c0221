"""Maximum-likelihood fits of the Hawkes model of ``hawkes`` to one cascade or to many (in worker processes).

docs/methods.md#10-hawkes-processes. log L = sum_{i >= 1, t_i <= T} log lambda(t_i) - int_0^T lambda(s) ds, the
source's time given. L-BFGS-B with analytic gradients in optimiser coordinates ``(log s0, log n0, log theta
[, log c][, beta])``: s0 = kappa0 * mass, the source's expected direct reposts; n0 = kappa * mass, the reposts'
unmarked branching factor (the power law's kappa alone spans dozens of orders of magnitude); from a few fixed
starting points, the best likelihood wins. With ``source="shared"`` (the tutorial's specification, kept to
show its defect) there is no s0: the source excites like a repost.

Every fit has a status: ``ok``; ``boundary`` (a coordinate within ``BOUNDARY_TOL`` of a bound of ``BOUNDS``:
log units for s0, n0, theta, c; beta as is); ``failed`` (no convergence, or no finite likelihood; values kept
where they exist); ``too_few_events`` (fewer than ``MIN_REPOSTS`` reposts in [0, T]; values NaN). A
supercritical fit (n* >= 1) keeps its status and says so in its message. In the marked model with the source's
own excitation, beta is identified only by reposters' marks that differ: when every reposter in [0, T] has the
same mark (CED records none), ``fit`` refuses (kappa * m^beta is one number; fit the unmarked model).
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController, threadpool_limits
from tqdm import tqdm

from . import lbfgsb
from .hawkes import (
    ALPHA,
    HawkesFit,
    _events,
    _kernel,
    exp_core,
    exp_objective,
    exp_recursion_terms,
    expected_final_size,
    power_core,
    power_objective,
)

MIN_REPOSTS = 2               # fewer reposts in [0, T] than this: status too_few_events
BOUNDARY_TOL = 1e-3           # optimiser coordinates (log units; beta as is)
BOUNDS = {                    # natural units
    "s0": (1e-4, 1e6),             # kappa0 * mass: the source's expected direct reposts
    "n0": (1e-6, 1e4),             # kappa * mass: the reposts' unmarked branching factor
    "theta_exp": (1e-7, 10.0),     # 1/s: mean delays from 0.1 s to about 4 months
    "theta_power": (1e-3, 10.0),   # tail exponent 1 + theta
    "c": (1e-2, 1e4),              # seconds
    "beta": (0.0, ALPHA - 1 - 1e-3),
}
COLUMNS = ["cascade_id", "kernel", "marked", "source", "kappa0", "kappa", "theta", "c", "beta", "mean_mark",
           "branching_factor", "source_offspring", "loglik", "n_events", "status", "message",
           "predicted_final_reposts"]

__all__ = ["BOUNDS", "COLUMNS", "MIN_REPOSTS", "fit", "fit_cascades"]


class _Coords:
    """Optimiser coordinates <-> natural parameters and gradients, for one kernel / marks / source set-up."""

    def __init__(self, kernel: str, marked: bool, source: str):
        if source not in ("own", "shared"):
            raise ValueError(f"source must be 'own' or 'shared', not {source!r}")
        self.kernel, self.marked, self.own = _kernel(kernel), marked, source == "own"
        self.fast = kernel == "exp" and not marked and self.own
        names = (["s0"] if self.own else []) + ["n0", f"theta_{kernel}"] + (["c"] if kernel == "power" else [])
        self.names = names + (["beta"] if marked else [])
        self.bounds = [(np.log(BOUNDS[k][0]), np.log(BOUNDS[k][1])) for k in names] + (
            [BOUNDS["beta"]] if marked else [])

    def split(self, x):
        """(log s0 or None, log n0, theta, c or None, beta) from x."""
        i = int(self.own)
        ls0 = x[0] if self.own else None
        c = float(np.exp(x[i + 2])) if self.kernel == "power" else None
        return ls0, x[i], float(np.exp(x[i + 1])), c, (float(x[-1]) if self.marked else 0.0)

    def log_mass(self, theta, c):
        return 0.0 if self.kernel == "exp" else -np.log(theta) - theta * np.log(c)

    def natural(self, x) -> tuple[float, float, float, float | None, float]:
        """(kappa0, kappa, theta, c, beta); with a shared source kappa0 is the source's kappa * m0^beta / m0^beta
        = kappa (its mark enters through the weights)."""
        ls0, ln0, theta, c, beta = self.split(x)
        lm = self.log_mass(theta, c)
        return (float(np.exp((ls0 if self.own else ln0) - lm)), float(np.exp(ln0 - lm)), theta, c, beta)

    def log_weights(self, x, ell) -> np.ndarray:
        ls0, ln0, theta, c, beta = self.split(x)
        lw = ln0 - self.log_mass(theta, c) + beta * ell
        if self.own:
            lw[0] = ls0 - self.log_mass(theta, c)
        return lw

    def value_and_grad(self, x, t, ell, T):
        if self.fast:   # unmarked exponential kernel, own source: the compiled O(n) recursion
            total, g = exp_recursion_terms(np.array([x[0], 0.0, x[1], x[2]]), t, np.array([0, t.size]),
                                           _NO_MARK, float(T))
            return total, g[[0, 2, 3]]
        _, _, theta, c, _ = self.split(x)
        lw = self.log_weights(x, ell)
        if self.kernel == "exp":
            value, (g_ev, g_th) = exp_core(lw, theta, t, T, grad=True)
            g_c = None
        else:
            value, (g_ev, g_th, g_c) = power_core(lw, theta, c, t, T, grad=True)
        total = g_ev.sum()
        reposts = g_ev[1:] if self.own else g_ev
        g = ([g_ev[0]] if self.own else []) + [reposts.sum()]
        if self.kernel == "exp":
            g.append(g_th)
        else:
            g += [g_th + total * (1 + theta * np.log(c)), g_c + total * theta]
        if self.marked:
            g.append(reposts @ (ell[1:] if self.own else ell))
        return value, np.array(g)

    def starts(self, n: int) -> list[np.ndarray]:
        """Fixed starting points: (s0, n0) = (n/2, 0.5) (and (0.9 n, 0.1) for the marked exp kernel), times a kernel
        grid (theta 1/60, 1/600, 1/6000 for exp; theta 0.3, 1.5 x c 5, 100 for power)."""
        pairs = [(0.5 * n, 0.5), (0.9 * n, 0.1)] if self.own else [(None, 0.8), (None, 0.3)]
        if self.own and self.kernel == "exp":
            pairs = pairs[:1]
        grid = ([[th] for th in (1 / 60, 1 / 600, 1 / 6000)] if self.kernel == "exp"
                else [[th, c] for th in (0.3, 1.5) for c in (5.0, 100.0)])
        if self.kernel == "power":
            pairs = pairs[:1]
        out = []
        for s0, n0 in pairs:
            for g in grid:
                x = ([np.log(s0)] if self.own else []) + [np.log(n0)] + [np.log(v) for v in g]
                out.append(np.array(x + ([0.3] if self.marked else [])))
        return out


_CONTROLLER: list = []
_NO_MARK = np.zeros(1)


def _one_blas_thread():
    """A context with one BLAS thread: L-BFGS-B's small BLAS calls spin on every core otherwise (10 ms a step
    under load instead of 0.1 ms)."""
    if not _CONTROLLER:
        _CONTROLLER.append(ThreadpoolController())
    return _CONTROLLER[0].limit(limits=1, user_api="blas")


def _no_values(kernel, marked, source, n_events, status, message) -> HawkesFit:
    nan = float("nan")
    return HawkesFit(kernel, marked, nan, nan, nan, nan if kernel == "power" else None, nan if marked else 0.0,
                     nan if marked else 1.0, nan, n_events, status, message, source)


def fit(times, marks, T, kernel="exp", marked=False, source="own") -> HawkesFit:
    """Maximum-likelihood Hawkes fit of one cascade's events in [0, T] (seconds).

    ``times``: seconds from the source, sorted, the source first at 0 (events after T are ignored);
    ``marks``: follower counts aligned with times (the source's first), used only when ``marked``; then n* uses
    the mean of m^beta over the observed reposters' marks. ``source``: "own" (kappa0 fitted) or "shared".
    Never raises on a bad fit: see the module docstring for the statuses.

    Parameters
    ----------
    times : array_like
        Event times in seconds, as above.
    marks : array_like or None
        Follower counts, as above (None when unmarked).
    T : float
        The end of observation, seconds.
    kernel : {"exp", "power"}
        The kernel.
    marked : bool
        Fit the marked model (beta).
    source : {"own", "shared"}
        The source's excitation: its own kappa0, or the reposts' (the tutorial's specification).

    Returns
    -------
    HawkesFit
        The best fit over the starting points, with its status and message; values NaN for
        ``too_few_events``.

    Raises
    ------
    ValueError
        When every reposter in [0, T] has the same mark in the marked model with the source's own excitation
        (beta is not identified); also for an unknown ``kernel`` or ``source``, or bad times or marks (the checks
        of ``hawkes.log_likelihood``).

    Examples
    --------
    >>> from wechat_study.models import hawkes, hawkes_fit
    >>> t, _ = hawkes.simulate(0.8, 1 / 300, 86_400, kappa0=20, seed=0)
    >>> f = hawkes_fit.fit(t, None, 3600.0)
    >>> f.status, f.n_events, round(f.branching_factor, 3), round(1 / f.theta), round(f.source_offspring, 2)
    ('ok', 183, 0.902, 230, 19.11)
    >>> hawkes_fit.fit(t[:2], None, 3600.0).status
    'too_few_events'
    """
    coords = _Coords(kernel, marked, source)
    t, ell = _events(times, marks, T, marked)
    n = t.size - 1
    if n < MIN_REPOSTS:
        return _no_values(kernel, marked, source, int(t.size), "too_few_events",
                          f"{n} reposts in [0, {T:g}] s, fewer than {MIN_REPOSTS}")
    if marked and coords.own and np.ptp(ell[1:]) == 0:
        raise ValueError("beta is not identified: every reposter in [0, T] has the same mark (kappa * m^beta is "
                         "one number); fit the unmarked model")
    scale = float(t.size)

    def objective(x):
        with np.errstate(all="ignore"):
            value, g = coords.value_and_grad(x, t, ell, T)
        if not np.isfinite(value) or not np.all(np.isfinite(g)):
            return 1e300, np.zeros(len(x))
        return -value / scale, -g / scale

    if coords.fast:   # the same objective, compiled whole
        def objective(x):  # noqa: F811
            return exp_objective(x, t, float(T), scale)
    elif coords.kernel == "power" and coords.own and not marked:
        def objective(x):  # noqa: F811
            return power_objective(x, t, float(T), scale)

    results = []
    with _one_blas_thread():
        for x0 in coords.starts(n):
            fun, x, success, message = lbfgsb.minimize(objective, x0, coords.bounds, maxiter=1000, ftol=1e-12,
                                                       gtol=1e-7)
            results.append((-fun * scale if fun < 1e300 else -np.inf, success, message, x))
    finite = [r for r in results if np.isfinite(r[0])]
    if not finite:
        return _no_values(kernel, marked, source, int(t.size), "failed", "likelihood not finite at any start")
    best = max(finite, key=lambda r: r[0])
    if not best[1]:   # prefer a converged start that reaches the same likelihood
        near = [r for r in finite if r[1] and r[0] >= best[0] - 1e-6 * max(1.0, abs(best[0]))]
        best = max(near, key=lambda r: r[0]) if near else best
    loglik, success, opt_message, x = best
    k0, k, th, c, b = coords.natural(x)
    at = [f"{name.split('_')[0]} at its {side} bound {np.exp(v) if name != 'beta' else v:.3g}"
          for name, xi, (lo, hi) in zip(coords.names, x, coords.bounds, strict=False)
          for side, v in (("lower", lo), ("upper", hi)) if abs(xi - v) < BOUNDARY_TOL]
    if not success:
        status, message = "failed", "; ".join([f"optimiser did not converge: {opt_message}"] + at)
    elif at:
        status, message = "boundary", "; ".join(at)
    else:
        status, message = "ok", f"converged: {opt_message}"
    mean_mark = float(np.mean(np.exp(b * ell[1:]))) if marked else 1.0
    if not coords.own:   # the shared specification: kappa0 carries the source's mark
        k0 = k * float(np.exp(b * ell[0]))
    f = HawkesFit(kernel, marked, k0, k, th, c, b, mean_mark, float(loglik), int(t.size), status, message, source)
    if f.branching_factor >= 1:
        f = replace(f, message=message + f"; supercritical: n* = {f.branching_factor:.4g} >= 1, expected size "
                    "infinite")
    return f


def _fit_row(task) -> dict:
    cid, times, marks, T, kernel, marked, source = task
    f = fit(times, marks, T, kernel, marked, source)
    return {"cascade_id": cid, "kernel": f.kernel, "marked": f.marked, "source": f.source, "kappa0": f.kappa0,
            "kappa": f.kappa, "theta": f.theta, "c": np.nan if f.c is None else f.c, "beta": f.beta,
            "mean_mark": f.mean_mark, "branching_factor": f.branching_factor,
            "source_offspring": f.source_offspring if np.isfinite(f.kappa0) else np.nan, "loglik": f.loglik,
            "n_events": f.n_events, "status": f.status, "message": f.message,
            "predicted_final_reposts": expected_final_size(f, times, marks, T)}


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def _worker_init(parent: int) -> None:
    """One BLAS thread per worker (L-BFGS-B calls BLAS; 2 workers x 2 threads on 2 cores ran 3x slower), and
    exit when the parent process is gone, so that no worker outlives it."""
    threadpool_limits(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def fit_cascades(times_by_cascade: dict, marks_by_cascade: dict | None, T: float, kernel="exp", marked=False,
                 workers: int | None = None, source: str = "own", progress: bool | None = None) -> pd.DataFrame:
    """Fit every cascade (``fit``) and predict its final repost count (``expected_final_size``).

    ``times_by_cascade``: cascade id -> sorted seconds from the source (source first at 0);
    ``marks_by_cascade``: cascade id -> aligned follower counts (may lack ids, or be None, when unmarked).
    One row per cascade, in the input's order, with ``COLUMNS`` (c NaN for the exponential kernel; n_events
    counts the source). ``workers`` processes (default os.cpu_count(); 1 runs here); ``progress``: a tqdm bar
    (None: only on a terminal).

    Parameters
    ----------
    times_by_cascade : dict
        Cascade id -> event times, as above.
    marks_by_cascade : dict or None
        Cascade id -> follower counts, as above.
    T : float
        The end of observation, seconds, the same for every cascade.
    kernel : {"exp", "power"}
        The kernel.
    marked : bool
        Fit the marked model.
    workers : int, optional
        Worker processes; with 1, or a single cascade, the fits run in this process.
    source : {"own", "shared"}
        As for ``fit``.
    progress : bool, optional
        Show a progress bar.

    Returns
    -------
    pandas.DataFrame
        One row per cascade with ``COLUMNS``; ``predicted_final_reposts`` is ``hawkes.expected_final_size``
        (source excluded; inf when supercritical, NaN without values).

    Examples
    --------
    >>> from wechat_study.models import hawkes, hawkes_fit
    >>> t, _ = hawkes.simulate(0.8, 1 / 300, 86_400, kappa0=20, seed=0)
    >>> fits = hawkes_fit.fit_cascades({"c0": t, "c1": t[:2]}, None, 3600.0, workers=1, progress=False)
    >>> fits[["cascade_id", "status", "n_events"]].values.tolist()
    [['c0', 'ok', 183], ['c1', 'too_few_events', 2]]
    >>> round(float(fits.loc[0, "predicted_final_reposts"]), 1)
    195.9
    """
    marks_by_cascade = marks_by_cascade or {}
    tasks = [(cid, np.asarray(times, dtype=float),
              None if marks_by_cascade.get(cid) is None else np.asarray(marks_by_cascade[cid], dtype=float),
              T, kernel, marked, source) for cid, times in times_by_cascade.items()]
    workers = (os.cpu_count() or 1) if workers is None else int(workers)
    bar = {"total": len(tasks), "desc": f"Hawkes fits ({kernel}, T = {T:g} s)",
           "disable": None if progress is None else not progress}
    if workers <= 1 or len(tasks) <= 1:
        rows = [_fit_row(task) for task in tqdm(tasks, **bar)]
    else:
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),))
        try:
            chunks = max(1, len(tasks) // (8 * workers))
            rows = list(tqdm(pool.map(_fit_row, tasks, chunksize=chunks), **bar))
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    return pd.DataFrame(rows, columns=COLUMNS)
