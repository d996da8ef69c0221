"""Hawkes self-exciting point processes for repost cascades: the model, its likelihood and predictions.

Written from the project's methods text (docs/methods.md#10-hawkes-processes), after Rizoiu, Lee, Mishra & Xie,
"A tutorial on Hawkes processes for events in social media" (2017); fitting is in ``hawkes_fit``.

Model. Event 0 is the source post at t = 0; events 1, 2, ... are its reposts; times are seconds from the
source. The intensity (reposts per second) is

    lambda(t) = kappa0 * psi(t) + sum_{1 <= i, t_i < t} kappa * m_i^beta * psi(t - t_i)

The source is the immigrant and is not a repost: it has its own excitation kappa0 (its follower count, where
known, enters kappa0; see ``hawkes_fit.fit_pooled``). Reposts excite with kappa * m_i^beta, m_i the reposter's
follower count (the mark, clipped below at 1); beta = 0 is the unmarked model. Kernels: exponential
psi(tau) = theta * exp(-theta * tau) (theta in 1/s), mass 1; power law psi(tau) = (tau + c)^-(1 + theta)
(c in seconds), mass 1 / (theta * c^theta). Tied timestamps (CED's are whole seconds) are ordered by index:
event i is excited by every event j < i. ``source="shared"`` is the tutorial's specification, kappa0 =
kappa * m_0^beta: kept only to show that it is supercritical by construction (docs/methods.md#10-hawkes-processes).

Branching factor n* (expected direct reposts of one repost) = kappa * mass * E[m^beta], E[m^beta] the mean of
m^beta over the marks the model uses: 1 unmarked; the reposts' own marks when given (a constant mark m gives
m^beta); the power-law mean (alpha - 1) / (alpha - 1 - beta), alpha = 2.016, only when no marks are given.

Expected final number of REPOSTS given the events in [0, T]: (N_T - 1) + A_1 / (1 - n*), N_T the observed
events including the source and A_1 = kappa0 * Psi_inf(T) + sum_{i >= 1} kappa m_i^beta Psi_inf(T - t_i) the
expected direct reposts still to come (Psi_inf(tau) = exp(-theta tau), or 1 / (theta (tau + c)^theta)).
+inf when n* >= 1.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numba
import numpy as np

ALPHA = 2.016  # exponent of the follower-count power law (marks unknown)
KERNELS = ("exp", "power")

__all__ = [
    "ALPHA",
    "HawkesFit",
    "branching_factor",
    "compensator",
    "exp_core",
    "exp_recursion_terms",
    "expected_final_size",
    "kernel_mass",
    "log_likelihood",
    "log_weights",
    "pareto_marks",
    "power_core",
    "power_objective",
    "remaining_offspring",
    "simulate",
]


def _kernel(kernel: str) -> str:
    if kernel not in KERNELS:
        raise ValueError(f"kernel must be 'exp' or 'power', not {kernel!r}")
    return kernel


def kernel_mass(kernel: str, theta: float, c: float | None = None) -> float:
    """int_0^inf psi: 1 for the exponential kernel, 1 / (theta c^theta) for the power law.

    Parameters
    ----------
    kernel : {"exp", "power"}
        The kernel; any other value raises ``ValueError``.
    theta : float
        The exponential kernel's rate (1/s), or the power law's exponent (psi ~ tau^-(1 + theta)).
    c : float, optional
        The power law's offset in seconds; unused by the exponential kernel.

    Returns
    -------
    float
        The kernel's mass (dimensionless).

    Examples
    --------
    >>> from wechat_study.models import hawkes
    >>> hawkes.kernel_mass("exp", 1 / 300)
    1.0
    >>> round(hawkes.kernel_mass("power", 0.5, 10.0), 4)
    0.6325
    """
    return 1.0 if _kernel(kernel) == "exp" else float(1.0 / (theta * c**theta))


def branching_factor(
    kernel: str, kappa: float, theta: float, c: float | None = None, beta: float = 0.0, marks=None, alpha: float = ALPHA
) -> float:
    """n*, expected direct reposts of one repost (dimensionless): kappa * mass * E[m^beta].

    ``marks``: the reposters' follower counts the model uses (a number for a constant mark, or an array whose
    mean of max(m, 1)^beta is taken); None with beta > 0 uses the power-law mean (alpha-1)/(alpha-1-beta)
    (+inf when beta >= alpha - 1). docs/methods.md#10-hawkes-processes.

    Parameters
    ----------
    kernel : {"exp", "power"}
        The kernel.
    kappa : float
        The reposts' excitation.
    theta : float
        The kernel's rate (1/s, ``"exp"``) or exponent (``"power"``).
    c : float, optional
        The power law's offset in seconds.
    beta : float
        The marks' exponent; 0 is the unmarked model (marks are then ignored).
    marks : float or array_like, optional
        The reposters' follower counts, as above.
    alpha : float
        The follower-count power law's exponent, used only when ``marks`` is None and beta > 0.

    Returns
    -------
    float
        n*; +inf as above. n* >= 1 is supercritical.

    Examples
    --------
    >>> from wechat_study.models import hawkes
    >>> hawkes.branching_factor("exp", 0.8, 1 / 300)
    0.8
    >>> round(hawkes.branching_factor("exp", 0.1, 1 / 300, beta=0.5, marks=[1, 100]), 4)
    0.55
    >>> round(hawkes.branching_factor("exp", 0.4, 1 / 300, beta=0.3), 3)
    0.568
    """
    n = kappa * kernel_mass(kernel, theta, c)
    if beta == 0:
        return float(n)
    if marks is not None:
        return float(n * np.mean(np.maximum(np.asarray(marks, dtype=float), 1.0) ** beta))
    return float(n * (alpha - 1) / (alpha - 1 - beta)) if beta < alpha - 1 else float("inf")


@dataclass(frozen=True)
class HawkesFit:
    """One fitted cascade. kappa0: the source's excitation; kappa: the reposts'; theta (1/s for "exp", the
    exponent for "power"); c (seconds; None for "exp"); beta (0 unmarked); mean_mark: E[m^beta] used for n*
    (1 unmarked; NaN: the power-law mean); loglik at the fit (times in seconds); n_events observed in [0, T]
    INCLUDING the source; status in ok / boundary / failed / too_few_events; source "own" or "shared".

    ``message`` says why the status (the optimiser's message, the bound reached, supercritical). The properties
    ``branching_factor`` (n*) and ``source_offspring`` (kappa0 * mass) are derived from the values.

    Examples
    --------
    >>> from wechat_study.models.hawkes import HawkesFit
    >>> f = HawkesFit("exp", False, kappa0=20.0, kappa=0.8, theta=1 / 300, c=None, beta=0.0, mean_mark=1.0,
    ...               loglik=-703.25, n_events=183, status="ok", message="converged")
    >>> f.branching_factor, f.source_offspring
    (0.8, 20.0)
    """

    kernel: str
    marked: bool
    kappa0: float
    kappa: float
    theta: float
    c: float | None
    beta: float
    mean_mark: float
    loglik: float
    n_events: int
    status: str
    message: str
    source: str = "own"

    @property
    def branching_factor(self) -> float:
        """n* of the fitted parameters for the marks used (NaN when the fit has no values)."""
        if not (np.isfinite(self.kappa) and np.isfinite(self.theta)):
            return float("nan")
        beta = self.beta if self.marked else 0.0
        if beta == 0 or np.isnan(self.mean_mark):
            return branching_factor(self.kernel, self.kappa, self.theta, self.c, beta)
        return float(self.kappa * kernel_mass(self.kernel, self.theta, self.c) * self.mean_mark)

    @property
    def source_offspring(self) -> float:
        """Expected direct reposts of the source: kappa0 * mass."""
        return float(self.kappa0 * kernel_mass(self.kernel, self.theta, self.c))


def _params(params, kernel: str, marked: bool) -> tuple[float, float, float, float | None, float]:
    """(kappa0, kappa, theta, c, beta) from a HawkesFit, a mapping or a sequence
    ``(kappa0, kappa, theta[, c][, beta])``."""
    _kernel(kernel)
    if isinstance(params, HawkesFit):
        k0, k, th, c, b = params.kappa0, params.kappa, params.theta, params.c, params.beta
    elif isinstance(params, Mapping):
        k0, k, th, c, b = (params["kappa0"], params["kappa"], params["theta"], params.get("c"), params.get("beta", 0.0))
    else:
        p = [float(v) for v in params]
        need = 3 + (kernel == "power")
        if len(p) not in (need, need + 1):
            raise ValueError(
                f"params for kernel {kernel!r}: (kappa0, kappa, theta{', c' if need == 4 else ''}[, beta])"
            )
        k0, k, th = p[:3]
        c, b = (p[3] if kernel == "power" else None), (p[need] if len(p) > need else 0.0)
    b = float(b) if marked else 0.0
    if kernel == "power" and (c is None or not c > 0):
        raise ValueError("the power-law kernel needs c > 0")
    if not (k0 >= 0 and k >= 0 and th > 0 and b >= 0):
        raise ValueError(f"need kappa0 >= 0, kappa >= 0, theta > 0, beta >= 0; got {k0}, {k}, {th}, {b}")
    return float(k0), float(k), float(th), (float(c) if kernel == "power" else None), b


def _events(times, marks, T: float, marked: bool) -> tuple[np.ndarray, np.ndarray]:
    """Times in [0, T] (seconds) and log-marks log(max(m, 1)) (zeros when unmarked), checked."""
    t = np.asarray(times, dtype=float)
    if t.ndim != 1 or t.size == 0 or t[0] != 0 or not np.all(np.diff(t) >= 0):
        raise ValueError("times must be sorted seconds from the source, the source first at 0")
    if not T >= 0:
        raise ValueError(f"T must be >= 0 seconds, not {T}")
    keep = int(np.searchsorted(t, T, side="right"))
    if not marked:
        return t[:keep], np.zeros(keep)
    m = np.asarray(marks, dtype=float)
    if m.shape != t.shape:
        raise ValueError("marks must be aligned with times")
    if not np.all(np.isfinite(m[:keep])):
        raise ValueError("marks must be finite (impute missing follower counts first)")
    return t[:keep], np.log(np.maximum(m[:keep], 1.0))


def log_weights(kappa0, kappa, beta, ell) -> np.ndarray:
    """log of each event's excitation: log kappa0 for the source, log kappa + beta * log m_i for reposts.

    Parameters
    ----------
    kappa0, kappa, beta : float
        The source's excitation, the reposts' and the marks' exponent.
    ell : numpy.ndarray
        log(max(m_i, 1)) of every event, the source first (its entry is not used); zeros when unmarked.

    Returns
    -------
    numpy.ndarray
        One value per event, aligned with ``ell`` (-inf where an excitation is 0).

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.models import hawkes
    >>> hawkes.log_weights(20.0, 0.8, 0.0, np.zeros(3)).round(3)
    array([ 2.996, -0.223, -0.223])
    """
    with np.errstate(divide="ignore"):
        return np.r_[np.log(kappa0), np.log(kappa) + beta * ell[1:]]


def exp_core(lw, theta, t, T, grad=False):
    """log L of events t (source first) with log-weights lw under psi = theta exp(-theta tau), O(n).

    With ``grad``: (d log L / d lw_j per event, d log L / d log theta).

    Parameters
    ----------
    lw : numpy.ndarray
        Each event's log-excitation (``log_weights``), the source first.
    theta : float
        The kernel's rate, 1/s.
    t : numpy.ndarray
        Event times in [0, T], seconds from the source, sorted, the source first at 0.
    T : float
        The end of observation, seconds.
    grad : bool
        Also return the gradient.

    Returns
    -------
    tuple
        ``(loglik, None)``, or with ``grad`` ``(loglik, (per_event, d_log_theta))``, ``per_event`` aligned with
        ``t``.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.models import hawkes
    >>> t = np.array([0.0, 30.0, 200.0, 900.0])
    >>> loglik, (per_event, d_theta) = hawkes.exp_core(hawkes.log_weights(5.0, 0.5, 0.0, np.zeros(4)), 1 / 300, t,
    ...                                                3600.0, grad=True)
    >>> round(float(loglik), 3) == round(hawkes.log_likelihood((5.0, 0.5, 1 / 300), t, None, 3600.0), 3)
    True
    >>> per_event.shape
    (4,)
    """
    n = t.size - 1
    a = np.exp(lw)
    comp = a * -np.expm1(-theta * (T - t))
    la = lw + theta * t
    lr = np.logaddexp.accumulate(la)[:-1]  # log sum_{j<i} a_j exp(theta t_j), i = 1..n
    loglik = n * np.log(theta) + np.sum(lr - theta * t[1:]) - comp.sum()
    if not grad:
        return loglik, None
    rev = np.logaddexp.accumulate(-lr[::-1])[::-1]  # log sum_{i > j} exp(-lr_i), j = 0..n-1
    per_event = np.exp(la + np.r_[rev, -np.inf]) - comp
    with np.errstate(divide="ignore"):
        lq = np.logaddexp.accumulate(la + np.log(t))[:-1]
    mean_lag = t[1:] - np.exp(lq - lr)
    g_theta = n - theta * np.sum(mean_lag) - theta * np.sum(a * (T - t) * np.exp(-theta * (T - t)))
    return loglik, (per_event, g_theta)


def power_core(lw, theta, c, t, T, grad=False):
    """log L under psi = (tau + c)^-(1 + theta), O(n^2) pairs summed by the compiled ``power_pairs``.

    With ``grad``: (d log L / d lw_j per event, d log L / d log theta, d log L / d log c).

    Parameters
    ----------
    lw : numpy.ndarray
        Each event's log-excitation (``log_weights``), the source first.
    theta : float
        The tail exponent (psi ~ tau^-(1 + theta)).
    c : float
        The offset, seconds.
    t : numpy.ndarray
        Event times in [0, T], seconds from the source, sorted, the source first at 0.
    T : float
        The end of observation, seconds.
    grad : bool
        Also return the gradient.

    Returns
    -------
    tuple
        ``(loglik, None)``, or with ``grad`` ``(loglik, (per_event, d_log_theta, d_log_c))``.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.models import hawkes
    >>> t = np.array([0.0, 30.0, 200.0, 900.0])
    >>> loglik, _ = hawkes.power_core(hawkes.log_weights(5.0, 0.5, 0.0, np.zeros(4)), 0.5, 60.0, t, 3600.0)
    >>> round(float(loglik), 3) == round(hawkes.log_likelihood((5.0, 0.5, 0.5, 60.0), t, None, 3600.0, "power"), 3)
    True
    """
    a = np.exp(lw)
    u = np.log1p((T - t) / c)
    e = -np.expm1(-theta * u)
    g_int = c**-theta * e / theta  # Psi(T - t_j)
    s, s_th, s_c, shares = power_pairs(lw, float(theta), float(c), t, grad)
    per_event = shares - a * g_int
    loglik = np.sum(np.log(s)) - np.sum(a * g_int)
    if not grad:
        return loglik, None
    dg_th = (c**-theta * (-np.log(c) * e + u * np.exp(-theta * u)) - g_int) / theta
    dg_c = (T - t + c) ** (-theta - 1) - c ** (-theta - 1)
    g_theta = theta * (-np.sum(s_th) - np.sum(a * dg_th))
    g_c = c * (-(1 + theta) * np.sum(s_c) - np.sum(a * dg_c))
    return loglik, (per_event, g_theta, g_c)


@numba.njit(cache=False)
def power_pairs(lw, theta, c, t, grad):  # pragma: no cover - compiled
    """The O(n^2) sums of the power-law likelihood over pairs j < i, k_ij = exp(lw_j) (t_i - t_j + c)^-(1 + theta):
    s_i = sum_j k_ij and, with ``grad``, sum_j (k_ij / s_i) log(t_i - t_j + c), sum_j (k_ij / s_i) / (t_i - t_j + c)
    (i = 1..n) and, per event j, sum_i k_ij / s_i. One row's terms are held at a time."""
    n = t.size - 1
    s, s_th, s_c, shares = np.empty(n), np.zeros(n), np.zeros(n), np.zeros(n + 1)
    k, logd = np.empty(n), np.empty(n)
    for i in range(1, n + 1):
        total = 0.0
        for j in range(i):
            ld = np.log(t[i] - t[j] + c)
            logd[j] = ld
            k[j] = np.exp(lw[j] - (1.0 + theta) * ld)
            total += k[j]
        s[i - 1] = total
        if grad:
            th, cc = 0.0, 0.0
            for j in range(i):
                share = k[j] / total
                shares[j] += share
                th += share * logd[j]
                cc += share * np.exp(-logd[j])
            s_th[i - 1], s_c[i - 1] = th, cc
    return s, s_th, s_c, shares


@numba.njit(cache=False)
def power_objective(x, t, T, scale):  # pragma: no cover - compiled
    """One cascade's fit objective in (log s0, log n0, log theta, log c), unmarked power-law kernel, own source:
    ``(-log L / scale, -gradient / scale)``, the same sums as ``power_core`` with ``_Coords``' change of
    coordinates, or ``(1e300, 0)`` where either is not finite."""
    theta, c = np.exp(x[2]), np.exp(x[3])
    lm = -np.log(theta) - theta * np.log(c)
    n = t.size - 1
    lw = np.full(n + 1, x[1] - lm)
    lw[0] = x[0] - lm
    s, s_th, s_c, shares = power_pairs(lw, theta, c, t, True)
    loglik, total, g0, g_rep, sum_th, sum_c = 0.0, 0.0, 0.0, 0.0, 0.0, 0.0
    dg_th_sum, dg_c_sum = 0.0, 0.0
    for i in range(n):
        loglik += np.log(s[i])
        sum_th += s_th[i]
        sum_c += s_c[i]
    for j in range(n + 1):
        a = np.exp(lw[j])
        u = np.log1p((T - t[j]) / c)
        e = -np.expm1(-theta * u)
        g_int = c ** -theta * e / theta
        loglik -= a * g_int
        per = shares[j] - a * g_int
        total += per
        if j == 0:
            g0 = per
        else:
            g_rep += per
        dg_th_sum += a * ((c ** -theta * (-np.log(c) * e + u * np.exp(-theta * u)) - g_int) / theta)
        dg_c_sum += a * ((T - t[j] + c) ** (-theta - 1) - c ** (-theta - 1))
    g_th = theta * (-sum_th - dg_th_sum)
    g_c = c * (-(1 + theta) * sum_c - dg_c_sum)
    g = np.array([g0, g_rep, g_th + total * (1 + theta * np.log(c)), g_c + total * theta])
    if not (np.isfinite(loglik) and np.isfinite(g).all()):
        return 1e300, np.zeros(4)
    return -loglik / scale, -g / scale


@numba.njit(cache=False)
def exp_recursion_terms(x, t, starts, ell0, T):  # pragma: no cover - compiled
    """Unmarked exponential kernel, the source's own excitation kappa0_k = exp(a + beta0 * ell0[k]): the summed
    log L of cascades t[starts[k]:starts[k+1]] (each source first at 0) and its gradient in (a, beta0, log kappa,
    log theta), O(n) by the recursion
    R_i = sum_{j<i} a_j exp(-theta (t_i - t_j)), D_i = sum_{j<i} a_j (t_i - t_j) exp(-theta (t_i - t_j))."""
    a, b0, lk, lth = x[0], x[1], x[2], x[3]
    theta, kappa = np.exp(lth), np.exp(lk)
    total, g = 0.0, np.zeros(4)
    for k in range(starts.size - 1):
        lo, hi = starts[k], starts[k + 1]
        k0 = np.exp(a + b0 * ell0[k])
        r, d, share0, share_r, lag = 0.0, 0.0, 0.0, 0.0, 0.0
        prev_w = k0
        for i in range(lo + 1, hi):
            delta = t[i] - t[i - 1]
            e = np.exp(-theta * delta)
            d = e * (d + delta * (r + prev_w))
            r = e * (r + prev_w)
            if r <= 0.0:
                return -np.inf, g
            total += lth + np.log(r)
            s0 = k0 * np.exp(-theta * t[i]) / r
            share0 += s0
            share_r += 1.0 - s0
            lag += 1.0 / theta - d / r
            prev_w = kappa
        c0 = k0 * -np.expm1(-theta * (T - t[lo]))
        total -= c0
        g[0] += share0 - c0
        g[1] += (share0 - c0) * ell0[k]
        dcomp = k0 * (T - t[lo]) * np.exp(-theta * (T - t[lo]))
        cr = 0.0
        for j in range(lo + 1, hi):
            cr += kappa * -np.expm1(-theta * (T - t[j]))
            dcomp += kappa * (T - t[j]) * np.exp(-theta * (T - t[j]))
        total -= cr
        g[2] += share_r - cr
        g[3] += theta * (lag - dcomp)
    return total, g


@numba.njit(cache=False)
def exp_objective(x, t, T, scale):  # pragma: no cover - compiled
    """One cascade's fit objective in (log s0, log n0, log theta), unmarked exponential kernel, own source:
    ``(-log L / scale, -gradient / scale)`` by ``exp_recursion_terms``, or ``(1e300, 0)`` where either is not
    finite (the optimiser then backs off)."""
    total, g4 = exp_recursion_terms(np.array([x[0], 0.0, x[1], x[2]]), t, np.array([0, t.size]), np.zeros(1), T)
    g = np.array([g4[0], g4[2], g4[3]])
    if not (np.isfinite(total) and np.isfinite(g).all()):
        return 1e300, np.zeros(3)
    return -total / scale, -g / scale


def log_likelihood(params, times, marks, T, kernel="exp", marked=False) -> float:
    """log L of the reposts in [0, T] (times in seconds, sorted, source first at 0, its time given; marks =
    follower counts aligned with times, used only when ``marked``). ``params``: a HawkesFit, a mapping with keys
    kappa0, kappa, theta, c, beta, or a sequence ``(kappa0, kappa, theta[, c][, beta])``. -inf when the intensity is
    0 at a repost.

    Parameters
    ----------
    params : HawkesFit, mapping or sequence
        The parameters, as above (c only for ``"power"``; beta is used only when ``marked``).
    times : array_like
        Event times in seconds from the source, sorted, the source first at 0; events after T are ignored.
    marks : array_like or None
        Follower counts aligned with ``times`` (clipped below at 1), read only when ``marked``.
    T : float
        The end of observation, seconds.
    kernel : {"exp", "power"}
        The kernel.
    marked : bool
        Use the marks (beta > 0 allowed).

    Returns
    -------
    float
        log L of the events in [0, T], the source's time given.

    Raises
    ------
    ValueError
        Raised by the checks it calls: an unknown kernel, parameters of the wrong length or out of range
        (kappa0, kappa, beta >= 0, theta > 0, c > 0 for the power law), times not sorted from 0, T < 0, or marks
        not aligned or not finite.

    Examples
    --------
    >>> from wechat_study.models import hawkes
    >>> t, _ = hawkes.simulate(0.8, 1 / 300, 86_400, kappa0=20, seed=0)
    >>> round(hawkes.log_likelihood((20.0, 0.8, 1 / 300), t, None, 3600.0), 2)
    -703.25
    >>> round(hawkes.log_likelihood({"kappa0": 20.0, "kappa": 0.8, "theta": 1 / 300}, t, None, 3600.0), 2)
    -703.25
    """
    k0, k, th, c, b = _params(params, kernel, marked)
    t, ell = _events(times, marks, T, marked)
    with np.errstate(divide="ignore", invalid="ignore"):
        lw = log_weights(k0, k, b, ell)
        value = exp_core(lw, th, t, T)[0] if kernel == "exp" else power_core(lw, th, c, t, T)[0]
    return float(value) if np.isfinite(value) else float("-inf")


def _ages(params, times, marks, T, kernel, marked):
    """theta, c, each observed event's excitation and its age T - t_i (s)."""
    k0, k, th, c, b = _params(params, kernel, marked)
    t, ell = _events(times, marks, T, marked)
    return th, c, np.r_[k0, k * np.exp(b * ell[1:])], T - t


def compensator(params, times, marks, T, kernel="exp", marked=False) -> float:
    """int_0^T lambda(s) ds, the expected number of reposts in [0, T] given the events before each instant.

    Parameters
    ----------
    params, times, marks, T, kernel, marked
        As for ``log_likelihood``.

    Returns
    -------
    float
        The compensator (a count of reposts); compare it with the reposts observed in [0, T].

    Examples
    --------
    >>> from wechat_study.models import hawkes
    >>> t, _ = hawkes.simulate(0.8, 1 / 300, 86_400, kappa0=20, seed=0)
    >>> round(hawkes.compensator((20.0, 0.8, 1 / 300), t, None, 3600.0), 2), int((t <= 3600).sum()) - 1
    (163.54, 182)
    """
    theta, c, w, age = _ages(params, times, marks, T, kernel, marked)
    if kernel == "exp":
        return float(np.sum(w * -np.expm1(-theta * age)))
    return float(np.sum(w * c**-theta * -np.expm1(-theta * np.log1p(age / c)) / theta))


def remaining_offspring(params, times, marks, T, kernel="exp", marked=False) -> float:
    """A_1: the expected direct reposts of the events in [0, T] still to come after T (source included).

    Parameters
    ----------
    params, times, marks, T, kernel, marked
        As for ``log_likelihood``.

    Returns
    -------
    float
        A_1, a count of reposts (their own offspring not counted).

    Examples
    --------
    >>> from wechat_study.models import hawkes
    >>> t, _ = hawkes.simulate(0.8, 1 / 300, 86_400, kappa0=20, seed=0)
    >>> round(hawkes.remaining_offspring((20.0, 0.8, 1 / 300), t, None, 3600.0), 3)
    2.063
    """
    theta, c, w, age = _ages(params, times, marks, T, kernel, marked)
    if kernel == "exp":
        return float(np.sum(w * np.exp(-theta * age)))
    return float(np.sum(w / (theta * (age + c) ** theta)))


def expected_final_size(fit: HawkesFit, times, marks, T, count_source: bool = False) -> float:
    """Expected final REPOSTS (source excluded): (N_T - 1) + A_1 / (1 - n*), N_T the events in [0, T] (seconds)
    including the source; with ``count_source`` the events, source included. +inf when n* >= 1; NaN when the fit
    has no values. docs/methods.md#10-hawkes-processes.

    Parameters
    ----------
    fit : HawkesFit
        The fitted parameters (its kernel and ``marked`` are used).
    times, marks, T
        As for ``log_likelihood``.
    count_source : bool
        Count the source too (one more).

    Returns
    -------
    float
        The expected final count; +inf or NaN as above.

    Examples
    --------
    >>> from wechat_study.models import hawkes, hawkes_fit
    >>> t, _ = hawkes.simulate(0.8, 1 / 300, 86_400, kappa0=20, seed=0)
    >>> f = hawkes_fit.fit(t, None, 3600.0)
    >>> round(hawkes.expected_final_size(f, t, None, 3600.0), 1), len(t) - 1
    (195.9, 191)
    """
    n_star = fit.branching_factor
    if not np.isfinite(fit.kappa) or np.isnan(n_star):
        return float("nan")
    if n_star >= 1:
        return float("inf")
    t, _ = _events(times, marks, T, fit.marked)
    a1 = remaining_offspring(fit, times, marks, T, fit.kernel, fit.marked)
    return float(t.size - (0 if count_source else 1) + a1 / (1 - n_star))


def pareto_marks(alpha: float = ALPHA, m_min: float = 1.0):
    """A ``marks_sampler`` for ``simulate``: follower counts with density proportional to m^-alpha, m >= m_min.

    Parameters
    ----------
    alpha : float
        The power law's exponent (> 1).
    m_min : float
        The smallest follower count.

    Returns
    -------
    callable
        ``sample(rng, size)``: ``size`` follower counts (floats) drawn with the ``numpy.random.Generator`` ``rng``.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.models import hawkes
    >>> hawkes.pareto_marks()(np.random.default_rng(0), 3).round(2)
    array([2.71, 1.36, 1.04])
    """

    def sample(rng: np.random.Generator, size: int) -> np.ndarray:
        return m_min * (1.0 - rng.random(size)) ** (-1.0 / (alpha - 1.0))

    return sample


def simulate(
    kappa,
    theta,
    T,
    marks_sampler=None,
    kernel="exp",
    c=None,
    beta=0.0,
    seed=0,
    kappa0=None,
    max_events: int = 1_000_000,
) -> tuple[np.ndarray, np.ndarray]:
    """One cascade observed on [0, T] seconds, simulated as a branching process (exact for a Hawkes process).

    The source has Poisson(kappa0 * mass) direct reposts (kappa0 None: kappa * m_0^beta, the shared
    specification); every repost with mark m has Poisson(kappa * max(m, 1)^beta * mass), at delays drawn from
    psi normalised (exponential with rate theta, or Lomax: c * (U^(-1/theta) - 1)); events after T are dropped.
    ``marks_sampler(rng, size)`` returns follower counts (default: all 1). Returns (times, marks), sorted, the
    source first at 0. Raises RuntimeError past ``max_events`` (a supercritical process).

    Parameters
    ----------
    kappa : float
        The reposts' excitation.
    theta : float
        The kernel's rate (1/s, ``"exp"``) or exponent (``"power"``).
    T : float
        The end of observation, seconds.
    marks_sampler : callable, optional
        ``marks_sampler(rng, size)`` gives follower counts (``pareto_marks``); None gives every event the mark 1.
    kernel : {"exp", "power"}
        The kernel.
    c : float, optional
        The power law's offset in seconds (required for ``"power"``).
    beta : float
        The marks' exponent.
    seed : int
        The same arguments and seed give the same cascade.
    kappa0 : float, optional
        The source's own excitation; None is the shared specification.
    max_events : int
        Events at most before giving up.

    Returns
    -------
    times : numpy.ndarray
        Event times in seconds, sorted, the source first at 0.
    marks : numpy.ndarray
        Each event's follower count, aligned.

    Raises
    ------
    ValueError
        When ``kernel`` is not ``"exp"`` or ``"power"``, or the power law has no ``c > 0``.
    RuntimeError
        When the events generated pass ``max_events``.

    Examples
    --------
    >>> from wechat_study.models import hawkes
    >>> t, m = hawkes.simulate(0.8, 1 / 300, 86_400, kappa0=20, seed=0)
    >>> len(t), t[:3].round(1).tolist(), m[:3].tolist()
    (192, [0.0, 0.4, 0.7], [1.0, 1.0, 1.0])
    >>> hawkes.simulate(2.0, 1 / 300, 1e9, max_events=1_000)
    Traceback (most recent call last):
    ...
    RuntimeError: more than 1000 events before T: supercritical?
    """
    if _kernel(kernel) == "power" and not (c and c > 0):
        raise ValueError("the power-law kernel needs c > 0")
    rng = np.random.default_rng(seed)
    sample = marks_sampler or (lambda rng_, size: np.ones(size))
    mass = kernel_mass(kernel, theta, c)
    all_t, all_m = [np.zeros(1)], [np.asarray(sample(rng, 1), dtype=float)]
    while all_t[-1].size:
        rate = kappa * np.maximum(all_m[-1], 1.0) ** beta * mass
        if len(all_t) == 1 and kappa0 is not None:
            rate = np.array([kappa0 * mass])
        parents = np.repeat(all_t[-1], rng.poisson(rate))
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
