"""Hawkes self-exciting point processes for repost cascades.

Rizoiu, Lee, Mishra & Xie, "A tutorial on Hawkes processes for events in social media" (2017), written
from the project's specification of the formulas below, not from the tutorial's (GPL) code.

Model. Event 0 is the source post at t = 0; events 1, 2, ... are its reposts; times are seconds from the
source. Every event i has a mark m_i, its author's follower count (clipped below at 1 so that log m_i >= 0).
The intensity (events per second) is

    lambda(t) = sum_{t_i < t} kappa * m_i^beta * psi(t - t_i)

with the exponential kernel psi(tau) = theta * exp(-theta * tau) (theta in 1/s) or the power-law kernel
psi(tau) = (tau + c)^-(1 + theta) (c in seconds, theta dimensionless). beta = 0 is the unmarked model
(marks are then ignored). Tied timestamps (CED's are whole seconds) are ordered by their index: event i is
excited by every event j < i, as if ties were a split second apart.

Branching factor n* (expected direct offspring of one event): kappa for the exponential kernel,
kappa / (theta * c^theta) for the power law; in the marked model, with follower counts power-law distributed
with exponent alpha = 2.016 (minimum 1), times E[m^beta] = (alpha - 1) / (alpha - 1 - beta), beta < alpha - 1.

Expected final size given the events observed in [0, T]: N_T + A_1 / (1 - n*) EVENTS, where N_T counts the
observed events INCLUDING the source, and A_1 = sum_{t_i <= T} kappa * m_i^beta * int_T^inf psi(s - t_i) ds is
the expected number of direct offspring still to come: kappa * sum m_i^beta * exp(-theta (T - t_i)) for the
exponential kernel, kappa * sum m_i^beta / (theta * (T + c - t_i)^theta) for the power law. The number of
REPOSTS is that minus 1, i.e. (N_T - 1) + A_1 / (1 - n*); ``expected_final_size`` returns reposts. When
n* >= 1 the process is supercritical and the expected size is +inf.

Fitting. Maximum likelihood on the events in [0, T]:
log L = sum_{i >= 1, t_i <= T} log lambda(t_i) - int_0^T lambda(s) ds, the source's time given, not modelled.
The compensator is sum_{t_i <= T} kappa * m_i^beta * Psi(T - t_i) with Psi(tau) = 1 - exp(-theta tau)
(exponential) or (c^-theta - (tau + c)^-theta) / theta (power law). L-BFGS-B with analytic gradients in
(log n0, log theta, log c, beta) within ``BOUNDS``, n0 = kappa * int_0^inf psi being the unmarked branching
factor (the power law's kappa alone spans dozens of orders of magnitude), from a few fixed starting points;
the best likelihood wins. Exponential log-intensities take O(n) (cumulative log-sum-exp), power-law ones
O(n^2) in blocks of at most ``BLOCK`` pairs. Every fit has a status: ``ok``; ``boundary`` (a parameter within
``BOUNDARY_TOL`` of a bound in optimiser coordinates -- log units for n0, theta, c, plain for beta, so beta = 0
of a marked fit counts); ``failed`` (no convergence, or no finite likelihood; values kept where they exist);
``too_few_events`` (fewer than ``MIN_REPOSTS`` reposts in [0, T]; values NaN). A supercritical fit (n* >= 1)
keeps its status and says so in its message.
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import minimize

ALPHA = 2.016                 # exponent of the follower-count power law (marked model)
MIN_REPOSTS = 2               # fewer reposts in [0, T] than this: status too_few_events
BOUNDARY_TOL = 1e-3           # optimiser coordinates (log units for n0, theta, c; beta as is)
BLOCK = 1 << 18               # most pairwise (i, j) entries held at once by the power-law likelihood
BOUNDS = {                    # natural units
    "n0": (1e-6, 1e4),             # kappa * int psi, the unmarked branching factor (kappa itself for exp)
    "theta_exp": (1e-7, 10.0),     # 1/s: mean delays from 0.1 s to about 4 months
    "theta_power": (1e-3, 10.0),   # tail exponent 1 + theta
    "c": (1e-2, 1e4),              # seconds
    "beta": (0.0, ALPHA - 1 - 1e-3),
}
COLUMNS = ["cascade_id", "kernel", "marked", "kappa", "theta", "c", "beta", "branching_factor", "loglik",
           "n_events", "status", "message", "predicted_final_reposts"]

__all__ = ["ALPHA", "BOUNDS", "COLUMNS", "HawkesFit", "branching_factor", "compensator", "expected_final_size",
           "fit", "fit_cascades", "log_likelihood", "pareto_marks", "remaining_offspring", "simulate"]


def branching_factor(kernel: str, kappa: float, theta: float, c: float | None = None, beta: float = 0.0,
                     alpha: float = ALPHA) -> float:
    """n*, the expected number of direct offspring of one event (dimensionless).

    kappa (exp) or kappa / (theta c^theta) (power), times (alpha-1)/(alpha-1-beta) when beta > 0 (the mean of
    m^beta over power-law follower counts with exponent alpha); +inf when beta >= alpha - 1."""
    if kernel not in ("exp", "power"):
        raise ValueError(f"kernel must be 'exp' or 'power', not {kernel!r}")
    n = kappa if kernel == "exp" else kappa / (theta * c ** theta)
    if beta == 0:
        return float(n)
    return float(n * (alpha - 1) / (alpha - 1 - beta)) if beta < alpha - 1 else float("inf")


@dataclass(frozen=True)
class HawkesFit:
    """One fitted cascade. kappa (dimensionless), theta (1/s for "exp", exponent for "power"), c (seconds;
    None for "exp"), beta (0 when unmarked); loglik at the fit (times in seconds); n_events = events observed
    in [0, T] INCLUDING the source; status in ok / boundary / failed / too_few_events."""

    kernel: str
    marked: bool
    kappa: float
    theta: float
    c: float | None
    beta: float
    loglik: float
    n_events: int
    status: str
    message: str

    @property
    def branching_factor(self) -> float:
        """n* of the fitted parameters (NaN when the fit has no values)."""
        if not (np.isfinite(self.kappa) and np.isfinite(self.theta)):
            return float("nan")
        return branching_factor(self.kernel, self.kappa, self.theta, self.c, self.beta if self.marked else 0.0)


def _params(params, kernel: str, marked: bool) -> tuple[float, float, float | None, float]:
    """(kappa, theta, c, beta) from a HawkesFit, a mapping or a sequence (kappa, theta[, c][, beta])."""
    if kernel not in ("exp", "power"):
        raise ValueError(f"kernel must be 'exp' or 'power', not {kernel!r}")
    if isinstance(params, HawkesFit):
        k, th, c, b = params.kappa, params.theta, params.c, params.beta
    elif isinstance(params, Mapping):
        k, th, c, b = params["kappa"], params["theta"], params.get("c"), params.get("beta", 0.0)
    else:
        p = [float(v) for v in params]
        need = 2 + (kernel == "power")
        if len(p) not in (need, need + 1):
            raise ValueError(f"params for kernel {kernel!r}: (kappa, theta{', c' if need == 3 else ''}[, beta])")
        k, th, c, b = p[0], p[1], (p[2] if kernel == "power" else None), (p[need] if len(p) > need else 0.0)
    b = float(b) if marked else 0.0
    if kernel == "power" and (c is None or not c > 0):
        raise ValueError("the power-law kernel needs c > 0")
    if not (k >= 0 and th > 0 and 0 <= b):
        raise ValueError(f"need kappa >= 0, theta > 0, beta >= 0; got {k}, {th}, {b}")
    return float(k), float(th), (float(c) if kernel == "power" else None), b


def _events(times, marks, T: float, marked: bool) -> tuple[np.ndarray, np.ndarray]:
    """Times in [0, T] (seconds) and log-marks log(max(m, 1)) (zeros when unmarked), checked."""
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or t[0] != 0 or not np.all(np.diff(t) >= 0):
        raise ValueError("times must be sorted seconds from the source, the source first at 0")
    if not T >= 0:
        raise ValueError(f"T must be >= 0 seconds, not {T}")
    keep = int(np.searchsorted(t, T, side="right"))
    if marked:
        m = np.asarray(marks, dtype=float)
        if m.shape != t.shape:
            raise ValueError("marks must be aligned with times")
        m = m[:keep]
        if not np.all(np.isfinite(m)):
            raise ValueError("marks must be finite (impute missing follower counts first)")
        ell = np.log(np.maximum(m, 1.0))
    else:
        ell = np.zeros(keep)
    return t[:keep], ell


def _exp_terms(kappa, theta, beta, t, ell, T, grad):
    """log L and its gradient in (log kappa, log theta, beta), O(n), exponential kernel."""
    n = t.size - 1
    w = np.exp(beta * ell)
    decay = np.exp(-theta * (T - t))
    comp = kappa * np.sum(w * -np.expm1(-theta * (T - t)))
    a = theta * t + beta * ell                      # log of w_j * exp(theta t_j)
    lr = np.logaddexp.accumulate(a)[:-1]            # log sum_{j<i} w_j exp(theta t_j), i = 1..n
    loglik = n * np.log(kappa * theta) + np.sum(lr - theta * t[1:]) - comp
    if not grad:
        return loglik, None
    with np.errstate(divide="ignore"):
        lq = np.logaddexp.accumulate(a + np.log(t))[:-1]
        lp = np.logaddexp.accumulate(a + np.log(ell))[:-1]
    mean_lag = t[1:] - np.exp(lq - lr)              # weighted mean of t_i - t_j over the exciting events
    g = [n - comp,
         n - theta * np.sum(mean_lag) - kappa * theta * np.sum(w * (T - t) * decay),
         np.sum(np.exp(lp - lr)) - kappa * np.sum(w * ell * -np.expm1(-theta * (T - t)))]
    return loglik, np.array(g)


def _power_terms(kappa, theta, c, beta, t, ell, T, grad):
    """log L and its gradient in (log kappa, log theta, log c, beta), O(n^2) in blocks, power-law kernel."""
    n = t.size - 1
    lw = beta * ell
    w = np.exp(lw)
    u = np.log1p((T - t) / c)
    e = -np.expm1(-theta * u)
    g_int = c ** -theta * e / theta                 # Psi(T - t_i)
    comp = kappa * np.sum(w * g_int)
    s, s_th, s_c, s_b = (np.empty(n) for _ in range(4))
    rows = max(1, BLOCK // max(n, 1))
    for lo in range(1, n + 1, rows):
        hi = min(n + 1, lo + rows)
        below = np.arange(lo, hi)[:, None] > np.arange(hi - 1)[None, :]
        d = np.where(below, t[lo:hi, None] - t[None, :hi - 1] + c, 1.0)
        logd = np.log(d)
        k = np.where(below, np.exp(lw[None, :hi - 1] - (1 + theta) * logd), 0.0)
        s[lo - 1:hi - 1] = k.sum(axis=1)
        if grad:
            s_th[lo - 1:hi - 1] = (k * logd).sum(axis=1)
            s_c[lo - 1:hi - 1] = (k / d).sum(axis=1)
            s_b[lo - 1:hi - 1] = k @ ell[:hi - 1]
    loglik = n * np.log(kappa) + np.sum(np.log(s)) - comp
    if not grad:
        return loglik, None
    dg_th = (c ** -theta * (-np.log(c) * e + u * np.exp(-theta * u)) - g_int) / theta
    dg_c = (T - t + c) ** (-theta - 1) - c ** (-theta - 1)
    g = [n - comp,
         theta * (-np.sum(s_th / s) - kappa * np.sum(w * dg_th)),
         c * (-(1 + theta) * np.sum(s_c / s) - kappa * np.sum(w * dg_c)),
         np.sum(s_b / s) - kappa * np.sum(w * ell * g_int)]
    return loglik, np.array(g)


def _terms(kernel, kappa, theta, c, beta, t, ell, T, grad=False):
    return (_exp_terms(kappa, theta, beta, t, ell, T, grad) if kernel == "exp"
            else _power_terms(kappa, theta, c, beta, t, ell, T, grad))


def log_likelihood(params, times, marks, T, kernel="exp", marked=False) -> float:
    """log L of the events in [0, T] (times in seconds, sorted, source first at 0; marks = follower counts
    aligned with times, used only when ``marked``). ``params``: a HawkesFit, a mapping with keys kappa, theta,
    c, beta, or a sequence (kappa, theta[, c][, beta]) -- c for the power law only, beta only when marked.
    -inf when the intensity is 0 at an event (kappa = 0)."""
    kappa, theta, c, beta = _params(params, kernel, marked)
    t, ell = _events(times, marks, T, marked)
    with np.errstate(divide="ignore"):
        return float(_terms(kernel, kappa, theta, c, beta, t, ell, T)[0])


def _ages(params, times, marks, T, kernel, marked):
    """theta, c, the weights kappa m_i^beta and the ages T - t_i (s) of the events in [0, T]."""
    kappa, theta, c, beta = _params(params, kernel, marked)
    t, ell = _events(times, marks, T, marked)
    return theta, c, kappa * np.exp(beta * ell), T - t


def compensator(params, times, marks, T, kernel="exp", marked=False) -> float:
    """int_0^T lambda(s) ds, closed form: the expected number of reposts in [0, T] given the events before each
    instant (the time integral of events/s over seconds). Arguments as for ``log_likelihood``."""
    theta, c, w, age = _ages(params, times, marks, T, kernel, marked)
    if kernel == "exp":
        return float(np.sum(w * -np.expm1(-theta * age)))
    return float(np.sum(w * c ** -theta * -np.expm1(-theta * np.log1p(age / c)) / theta))


def remaining_offspring(params, times, marks, T, kernel="exp", marked=False) -> float:
    """A_1 = int_T^inf of the intensity due to the events in [0, T]: the expected number of direct offspring of
    the observed events still to come after T (seconds). Arguments as for ``log_likelihood``."""
    theta, c, w, age = _ages(params, times, marks, T, kernel, marked)
    if kernel == "exp":
        return float(np.sum(w * np.exp(-theta * age)))
    return float(np.sum(w / (theta * (age + c) ** theta)))


def _bounds(kernel: str, marked: bool) -> list[tuple[float, float]]:
    """Bounds in optimiser coordinates: logs of n0, theta, (c), then beta as is."""
    b = [BOUNDS["n0"], BOUNDS[f"theta_{kernel}"]] + ([BOUNDS["c"]] if kernel == "power" else [])
    return [(np.log(lo), np.log(hi)) for lo, hi in b] + ([BOUNDS["beta"]] if marked else [])


def _starts(kernel: str, marked: bool) -> list[list[float]]:
    """Fixed starting points (n0, theta[, c][, beta]): n0 x theta for exp, theta x c at n0 = 0.8 for power."""
    if kernel == "exp":
        pts = [[n0, th] for n0 in (0.5, 1.0) for th in (1 / 60, 1 / 600, 1 / 6000)]
    else:
        pts = [[0.8, th, c] for th in (0.3, 1.5) for c in (5.0, 100.0)]
    return [p + [0.3] if marked else p for p in pts]


def _natural(x, kernel: str, marked: bool) -> tuple[float, float, float | None, float]:
    """(kappa, theta, c, beta) from optimiser coordinates (log n0, log theta[, log c][, beta])."""
    th = float(np.exp(x[1]))
    if kernel == "exp":
        return float(np.exp(x[0])), th, None, (float(x[-1]) if marked else 0.0)
    return float(np.exp(x[0] + x[1] + th * x[2])), th, float(np.exp(x[2])), (float(x[-1]) if marked else 0.0)


def fit(times, marks, T, kernel="exp", marked=False) -> HawkesFit:
    """Maximum-likelihood Hawkes fit of one cascade's events in [0, T] (seconds).

    ``times``: seconds from the source, sorted, the source first at 0 (events after T are ignored);
    ``marks``: follower counts aligned with times (the source's first), used as m^beta only when ``marked``
    (then beta is fitted in [0, alpha - 1); otherwise beta = 0 and marks may be None). Never raises on a bad
    fit: see the module docstring for the statuses."""
    if kernel not in ("exp", "power"):
        raise ValueError(f"kernel must be 'exp' or 'power', not {kernel!r}")
    t, ell = _events(times, marks, T, marked)
    nan = float("nan")
    no_values = (nan, nan, nan if kernel == "power" else None, nan if marked else 0.0, nan, int(t.size))
    if t.size - 1 < MIN_REPOSTS:
        return HawkesFit(kernel, marked, *no_values, "too_few_events",
                         f"{t.size - 1} reposts in [0, {T:g}] s, fewer than {MIN_REPOSTS}")
    bounds = _bounds(kernel, marked)
    scale = float(t.size)

    def objective(x):
        k, th, c, b = _natural(x, kernel, marked)
        with np.errstate(all="ignore"):
            value, g = _terms(kernel, k, th, c, b, t, ell, T, grad=True)
        if kernel == "power":   # log kappa = log n0 + log theta + theta log c
            g = np.array([g[0], g[1] + g[0] * (1 + th * x[2]), g[2] + g[0] * th, g[3]])
        g = g if marked else g[:-1]
        if not np.isfinite(value) or not np.all(np.isfinite(g)):
            return 1e300, np.zeros(len(x))
        return -value / scale, -g / scale

    results = []
    for p0 in _starts(kernel, marked):
        x0 = [np.log(v) for v in (p0[:-1] if marked else p0)] + ([p0[-1]] if marked else [])
        try:
            r = minimize(objective, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                         options={"maxiter": 1000, "ftol": 1e-12, "gtol": 1e-7})
        except (ValueError, FloatingPointError, ArithmeticError) as err:   # pragma: no cover - defensive
            results.append((np.nan, False, f"optimiser error: {err}", np.array(x0)))
            continue
        results.append((-r.fun * scale if r.fun < 1e300 else -np.inf, bool(r.success), str(r.message), r.x))
    finite = [r for r in results if np.isfinite(r[0])]
    if not finite:
        return HawkesFit(kernel, marked, *no_values, "failed", "likelihood not finite at any starting point")
    best = max(finite, key=lambda r: r[0])
    if not best[1]:   # prefer a converged start that reaches the same likelihood
        near = [r for r in finite if r[1] and r[0] >= best[0] - 1e-6 * max(1.0, abs(best[0]))]
        best = max(near, key=lambda r: r[0]) if near else best
    loglik, success, opt_message, x = best
    k, th, c, b = _natural(x, kernel, marked)
    names = ["kappa", "theta"] if kernel == "exp" else ["kappa/(theta c^theta)", "theta", "c"]
    at = [f"{name} at its {side} bound {np.exp(v) if name != 'beta' else v:.3g}"
          for name, xi, (lo, hi) in zip(names + ["beta"], x, bounds)
          for side, v in (("lower", lo), ("upper", hi)) if abs(xi - v) < BOUNDARY_TOL]
    if not success:
        status, message = "failed", "; ".join([f"optimiser did not converge: {opt_message}"] + at)
    elif at:
        status, message = "boundary", "; ".join(at)
    else:
        status, message = "ok", f"converged: {opt_message}"
    n_star = branching_factor(kernel, k, th, c, b)
    if n_star >= 1:
        message += f"; supercritical: n* = {n_star:.4g} >= 1, expected size infinite"
    return HawkesFit(kernel, marked, k, th, c, b, float(loglik), int(t.size), status, message)


def expected_final_size(fit: HawkesFit, times, marks, T, count_source: bool = False) -> float:
    """Expected final number of REPOSTS (source excluded): (N_T - 1) + A_1 / (1 - n*), N_T the events observed in
    [0, T] (seconds) including the source; with ``count_source`` the number of events, source included
    (N_T + A_1 / (1 - n*)). +inf when n* >= 1 (supercritical); NaN when the fit has no values."""
    n_star = fit.branching_factor
    if not np.isfinite(fit.kappa) or np.isnan(n_star):
        return float("nan")
    if n_star >= 1:
        return float("inf")
    t, _ = _events(times, marks, T, fit.marked)
    a1 = remaining_offspring(fit, times, marks, T, fit.kernel, fit.marked)
    return float(t.size - (0 if count_source else 1) + a1 / (1 - n_star))


def _fit_row(task) -> dict:
    cid, times, marks, T, kernel, marked = task
    f = fit(times, marks, T, kernel, marked)
    return {"cascade_id": cid, "kernel": f.kernel, "marked": f.marked, "kappa": f.kappa, "theta": f.theta,
            "c": np.nan if f.c is None else f.c, "beta": f.beta, "branching_factor": f.branching_factor,
            "loglik": f.loglik, "n_events": f.n_events, "status": f.status, "message": f.message,
            "predicted_final_reposts": expected_final_size(f, times, marks, T)}


def _one_blas_thread() -> None:
    """Process-pool initializer: one OpenBLAS thread per worker (as threadpoolctl would). L-BFGS-B calls BLAS;
    with every worker running a thread per core, 2 workers on 2 cores ran 3x slower than one process."""
    try:
        with open("/proc/self/maps") as maps:
            libs = [ctypes.CDLL(p) for p in {line.split()[-1] for line in maps if "openblas" in line.lower()}]
        for lib, prefix, suffix in ((x, p, s) for x in libs for p in ("", "scipy_") for s in ("", "64_")):
            getattr(lib, f"{prefix}openblas_set_num_threads{suffix}", lambda n: None)(1)
    except OSError:   # no /proc (not Linux) or a library that will not load: leave the threads as they are
        pass


def fit_cascades(times_by_cascade: dict, marks_by_cascade: dict, T: float, kernel="exp", marked=False,
                 workers: int | None = None) -> pd.DataFrame:
    """Fit every cascade (``fit``) and predict its final repost count (``expected_final_size``).

    ``times_by_cascade``: cascade id -> sorted seconds from the source (source first at 0);
    ``marks_by_cascade``: cascade id -> aligned follower counts (may lack ids, or be None, when unmarked).
    One row per cascade, in the input's order, with ``COLUMNS`` (c is NaN for the exponential kernel;
    n_events counts the source). ``workers`` processes (default os.cpu_count(); 1 runs in this process)."""
    marks_by_cascade = marks_by_cascade or {}
    tasks = [(cid, np.asarray(times, dtype=float),
              None if marks_by_cascade.get(cid) is None else np.asarray(marks_by_cascade[cid], dtype=float),
              T, kernel, marked) for cid, times in times_by_cascade.items()]
    workers = (os.cpu_count() or 1) if workers is None else int(workers)
    if workers <= 1 or len(tasks) <= 1:
        rows = [_fit_row(task) for task in tasks]
    else:
        with ProcessPoolExecutor(max_workers=workers, initializer=_one_blas_thread) as pool:
            rows = list(pool.map(_fit_row, tasks, chunksize=max(1, len(tasks) // (8 * workers))))
    return pd.DataFrame(rows, columns=COLUMNS)


def pareto_marks(alpha: float = ALPHA, m_min: float = 1.0):
    """A ``marks_sampler`` for ``simulate``: follower counts with density proportional to m^-alpha, m >= m_min."""
    def sample(rng: np.random.Generator, size: int) -> np.ndarray:
        return m_min * (1.0 - rng.random(size)) ** (-1.0 / (alpha - 1.0))
    return sample


def simulate(kappa, theta, T, marks_sampler=None, kernel="exp", c=None, beta=0.0, seed=0,
             max_events: int = 1_000_000) -> tuple[np.ndarray, np.ndarray]:
    """One cascade observed on [0, T] seconds, simulated as a branching process (exact for a Hawkes process).

    Every event with mark m has Poisson(kappa * max(m, 1)^beta * int_0^inf psi) children at delays drawn from
    psi normalised (exponential with rate theta, or Lomax: c * (U^(-1/theta) - 1)); children after T are dropped.
    ``marks_sampler(rng, size)`` returns follower counts (default: all 1). Returns (times, marks), sorted, the
    source first at 0. Raises RuntimeError past ``max_events`` (a supercritical process)."""
    if kernel not in ("exp", "power") or (kernel == "power" and not (c and c > 0)):
        raise ValueError("kernel must be 'exp', or 'power' with c > 0")
    rng = np.random.default_rng(seed)
    sample = marks_sampler or (lambda rng_, size: np.ones(size))
    mass = 1.0 if kernel == "exp" else 1.0 / (theta * c ** theta)
    all_t, all_m = [np.zeros(1)], [np.asarray(sample(rng, 1), dtype=float)]
    while all_t[-1].size:
        parents = np.repeat(all_t[-1], rng.poisson(kappa * np.maximum(all_m[-1], 1.0) ** beta * mass))
        if kernel == "exp":
            children = parents + rng.exponential(1.0 / theta, parents.size)
        else:
            children = parents + c * ((1.0 - rng.random(parents.size)) ** (-1.0 / theta) - 1.0)
        all_t.append(children[children <= T])
        all_m.append(np.asarray(sample(rng, all_t[-1].size), dtype=float))
        if sum(x.size for x in all_t) > max_events:
            raise RuntimeError(f"more than {max_events} events before T: supercritical?")
    t, m = np.concatenate(all_t), np.concatenate(all_m)
    order = np.argsort(t, kind="stable")
    return t[order], m[order]
