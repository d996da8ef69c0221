"""Hawkes processes (wechat_study.models.hawkes): closed forms against numerical integration and literal
loops, parameter recovery on simulated cascades, and the fit statuses. Times are seconds throughout."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings, strategies as st
from scipy.integrate import quad
from scipy.optimize import check_grad, minimize

from wechat_study.models import hawkes as h

ALPHA = 2.016
CASES = [("exp", False), ("exp", True), ("power", False), ("power", True)]
PARAMS = {"exp": {"kappa": 0.5, "theta": 1 / 300, "beta": 0.4},       # n* 0.5 unmarked, 0.82 marked
          "power": {"kappa": 2.5, "theta": 0.6, "c": 30.0, "beta": 0.4}}  # n* 0.54 unmarked, 0.89 marked


def cascade(seed=3, n=25, T=3600.0):
    """A fixed irregular cascade: n reposts in [0, T] plus a few events after T; follower counts 0 to 1e6."""
    rng = np.random.default_rng(seed)
    t = np.concatenate([[0.0], np.sort(rng.uniform(0, T, n)), T + np.array([10.0, 500.0])])
    m = np.concatenate([[2e5], rng.integers(0, 1_000_000, t.size - 1)]).astype(float)
    return t, m


def psi(kernel, tau, theta, c=None):
    return theta * math.exp(-theta * tau) if kernel == "exp" else (tau + c) ** -(1 + theta)


def literal_intensity(s, t, m, kernel, p, marked):
    """lambda(s) summed over the events strictly before s, one term at a time."""
    beta = p["beta"] if marked else 0.0
    return sum(p["kappa"] * max(mi, 1.0) ** beta * psi(kernel, s - ti, p["theta"], p.get("c"))
               for ti, mi in zip(t, m) if ti < s)


def literal_loglik(t, m, T, kernel, p, marked):
    """O(n^2) loop: event i is excited by every event j < i (ties by index, as the module documents)."""
    beta = p["beta"] if marked else 0.0
    w = [p["kappa"] * max(mi, 1.0) ** beta for mi in m]
    obs = [ti for ti in t if ti <= T]
    total = 0.0
    for i in range(1, len(obs)):
        total += math.log(sum(w[j] * psi(kernel, obs[i] - obs[j], p["theta"], p.get("c")) for j in range(i)))
    comp = sum(quad(lambda s: literal_intensity(s, t, m, kernel, p, marked), a, b, limit=200)[0]
               for a, b in zip(obs, obs[1:] + [T]) if b > a)
    return total - comp


def params_of(kernel, marked):
    p = dict(PARAMS[kernel])
    if not marked:
        p["beta"] = 0.0
    return p


@pytest.mark.parametrize("kernel,marked", CASES)
def test_compensator_equals_piecewise_quadrature(kernel, marked):
    t, m = cascade()
    T = 3600.0
    p = params_of(kernel, marked)
    obs = list(t[t <= T])
    numeric = sum(quad(lambda s: literal_intensity(s, t, m, kernel, p, marked), a, b, limit=200)[0]
                  for a, b in zip(obs, obs[1:] + [T]) if b > a)
    assert h.compensator(p, t, m, T, kernel, marked) == pytest.approx(numeric, rel=1e-8)


@pytest.mark.parametrize("kernel,marked", CASES)
def test_log_likelihood_equals_literal_loop(kernel, marked):
    t, m = cascade()
    p = params_of(kernel, marked)
    assert h.log_likelihood(p, t, m, 3600.0, kernel, marked) == pytest.approx(
        literal_loglik(t, m, 3600.0, kernel, p, marked), rel=1e-9)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4000), min_size=1, max_size=40), st.floats(0.05, 3.0),
       st.floats(1e-4, 0.5), st.floats(0.0, 1.0), st.lists(st.integers(0, 10**7), min_size=41, max_size=41))
def test_exp_log_likelihood_is_the_quadratic_sum(steps, kappa, theta, beta, followers):
    """The O(n) recursion against the O(n^2) sum, ties (whole seconds) included; closed-form compensator."""
    t = np.concatenate([[0.0], np.sort(np.array(steps, dtype=float))])
    m = np.array(followers[:t.size], dtype=float)
    T = 3000.0
    obs = t[t <= T]
    w = kappa * np.maximum(m[:obs.size], 1.0) ** beta
    direct = 0.0
    for i in range(1, obs.size):   # log sum_j w_j theta exp(-theta (t_i - t_j)), shifted by its largest term
        logs = [math.log(w[j] * theta) - theta * (obs[i] - obs[j]) for j in range(i)]
        top = max(logs)
        direct += top + math.log(sum(math.exp(x - top) for x in logs))
    direct -= sum(w[j] * (1 - math.exp(-theta * (T - obs[j]))) for j in range(obs.size))
    got = h.log_likelihood((kappa, theta, beta), t, m, T, "exp", marked=True)
    assert got == pytest.approx(direct, rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("kernel,marked", CASES)
def test_analytic_gradient_matches_finite_differences(kernel, marked):
    t, m = cascade(n=60)
    t, ell = h._events(t, m, 3600.0, marked)
    beta = 0.4 if marked else 0.0
    if kernel == "exp":
        f = lambda x: h._terms("exp", np.exp(x[0]), np.exp(x[1]), None, x[2], t, ell, 3600.0)[0]
        g = lambda x: h._terms("exp", np.exp(x[0]), np.exp(x[1]), None, x[2], t, ell, 3600.0, grad=True)[1]
        x0 = np.array([np.log(0.7), np.log(1 / 300), beta])
    else:
        f = lambda x: h._terms("power", *np.exp(x[:3]), x[3], t, ell, 3600.0)[0]
        g = lambda x: h._terms("power", *np.exp(x[:3]), x[3], t, ell, 3600.0, grad=True)[1]
        x0 = np.array([np.log(0.5), np.log(0.6), np.log(30.0), beta])
    assert check_grad(f, g, x0, epsilon=1e-6) < 1e-4 * max(1.0, np.abs(g(x0)).max())


def test_branching_factors():
    assert h.branching_factor("exp", 0.8, 1 / 600) == 0.8
    kappa, theta, c = 0.5, 0.6, 30.0
    closed = h.branching_factor("power", kappa, theta, c)
    assert closed == pytest.approx(kappa / (theta * c ** theta), rel=1e-14)
    assert closed == pytest.approx(kappa * quad(lambda x: (x + c) ** -(1 + theta), 0, np.inf)[0], rel=1e-8)
    # marked: times E[m^beta] over follower counts with density (alpha-1) m^-alpha on [1, inf)
    for beta in (0.2, 0.5, 0.9):
        mean_mark = quad(lambda x: x ** beta * (ALPHA - 1) * x ** -ALPHA, 1, np.inf, limit=500)[0]
        assert (ALPHA - 1) / (ALPHA - 1 - beta) == pytest.approx(mean_mark, rel=1e-6)
        assert h.branching_factor("exp", 0.3, 0.01, beta=beta) == pytest.approx(0.3 * mean_mark, rel=1e-6)
        assert h.branching_factor("power", kappa, theta, c, beta) == pytest.approx(closed * mean_mark, rel=1e-6)
    assert h.branching_factor("exp", 0.3, 0.01, beta=ALPHA - 1) == np.inf
    fitted = h.HawkesFit("power", True, kappa, theta, c, 0.5, -1.0, 3, "ok", "")
    assert fitted.branching_factor == pytest.approx(closed * (ALPHA - 1) / (ALPHA - 1.5))
    unmarked = h.HawkesFit("exp", False, 0.8, 0.01, None, 0.0, -1.0, 3, "ok", "")
    assert unmarked.branching_factor == 0.8


@pytest.mark.parametrize("kernel,marked", CASES)
def test_remaining_offspring_and_expected_size(kernel, marked):
    t, m = cascade()
    T = 3600.0
    p = params_of(kernel, marked)
    obs_t, obs_m = t[t <= T], m[t <= T]
    # A_1: the observed events' intensity after T, integrated numerically to infinity
    tail = sum(quad(lambda s, ti=ti, mi=mi: p["kappa"] * max(mi, 1.0) ** p["beta"] * psi(kernel, s - ti, p["theta"],
                                                                                          p.get("c")),
                    T, np.inf, limit=500)[0] for ti, mi in zip(obs_t, obs_m))
    a1 = h.remaining_offspring(p, t, m, T, kernel, marked)
    assert a1 == pytest.approx(tail, rel=1e-6)
    fitted = h.HawkesFit(kernel, marked, p["kappa"], p["theta"], p.get("c"), p["beta"], -1.0, obs_t.size, "ok", "")
    n_star = fitted.branching_factor
    assert n_star < 1
    reposts = h.expected_final_size(fitted, t, m, T)
    assert reposts == pytest.approx(obs_t.size - 1 + tail / (1 - n_star), rel=1e-6)
    assert h.expected_final_size(fitted, t, m, T, count_source=True) == pytest.approx(reposts + 1)
    hot = h.HawkesFit(kernel, marked, p["kappa"] * 1.01 / n_star, p["theta"], p.get("c"), p["beta"], -1.0, 3, "ok", "")
    assert hot.branching_factor >= 1 and h.expected_final_size(hot, t, m, T) == np.inf


def test_expected_size_matches_simulated_mean():
    """With only the source observed (T = 0), E[reposts] = kappa / (1 - kappa); 20,000 simulated cascades
    (total progeny SD 10 for kappa = 0.8, so the mean's SE is 0.07; tolerance 0.3)."""
    fitted = h.HawkesFit("exp", False, 0.8, 1 / 600, None, 0.0, 0.0, 1, "ok", "")
    expected = h.expected_final_size(fitted, [0.0], None, 0.0)
    assert expected == pytest.approx(4.0)
    sizes = [h.simulate(0.8, 1 / 600, 1e9, seed=s)[0].size - 1 for s in range(20_000)]
    assert np.mean(sizes) == pytest.approx(expected, abs=0.3)


def test_pooled_likelihood_recovers_parameters():
    """kappa = 0.8, theta = 1/600 from 1,000 unmarked cascades (about 4,000 reposts) observed 10^5 s, by
    maximising the summed log_likelihood: both within 10%."""
    T = 1e5
    cascades = [h.simulate(0.8, 1 / 600, T, seed=s)[0] for s in range(1000)]
    cascades = [c for c in cascades if c.size > 1]
    n_lone = 1000 - len(cascades)   # lone sources: -kappa (1 - exp(-theta T)) each

    def nll(x):
        k, th = np.exp(x)
        return -(sum(h.log_likelihood((k, th), c, None, T) for c in cascades) - n_lone * k * -np.expm1(-th * T))

    r = minimize(nll, [np.log(0.5), np.log(1 / 300)], method="Nelder-Mead", options={"xatol": 1e-4, "fatol": 1e-3})
    kappa, theta = np.exp(r.x)
    assert kappa == pytest.approx(0.8, rel=0.10)
    assert theta == pytest.approx(1 / 600, rel=0.10)


def big_source(m0=1e6):
    """Marks sampler: the source has m0 followers, every repost 1 (so kappa is identified by the reposts)."""
    state = {"first": True}

    def sample(rng, size):
        out = np.ones(size)
        if state["first"] and size:
            out[0], state["first"] = m0, False
        return out
    return sample


def test_fit_recovers_parameters_on_simulated_cascades():
    """Marked exp model, kappa = 0.8, theta = 1/600, beta = 0.5, source with 10^6 followers (about 800 direct
    reposts, 4,000 in all over 10 h): over 10 cascades the mean kappa within 10%, beta within 0.05, the
    median theta within 25% (one cascade's theta has an SD near 25%), and every fit converged."""
    T = 36000.0
    fits = [h.fit(*h.simulate(0.8, 1 / 600, T, big_source(), beta=0.5, seed=100 + s), T, marked=True)
            for s in range(10)]
    assert {f.status for f in fits} == {"ok"}
    assert np.mean([f.kappa for f in fits]) == pytest.approx(0.8, rel=0.10)
    assert np.mean([f.beta for f in fits]) == pytest.approx(0.5, abs=0.05)
    assert np.median([f.theta for f in fits]) == pytest.approx(1 / 600, rel=0.25)


@pytest.mark.parametrize("kernel", ["exp", "power"])
def test_fit_reaches_the_likelihood_maximum(kernel):
    """fit's optimum is at least as good as Nelder-Mead on log_likelihood from the true values, and its loglik
    is log_likelihood at its parameters."""
    T = 7200.0
    kappa = 0.8 * 0.6 * 20.0 ** 0.6 if kernel == "power" else 0.8    # n* = 0.8 for the reposts
    t, m = h.simulate(kappa, 0.6 if kernel == "power" else 1 / 300, T, big_source(3e3), kernel=kernel,
                      c=20.0 if kernel == "power" else None, beta=0.5, seed=7)
    assert t.size > 30
    f = h.fit(t, m, T, kernel, marked=False)
    assert f.status == "ok" and f.n_events == t.size
    params = (f.kappa, f.theta) + ((f.c,) if kernel == "power" else ())
    assert f.loglik == pytest.approx(h.log_likelihood(params, t, m, T, kernel), rel=1e-10)
    start = [np.log(1.0), np.log(params[1])] + ([np.log(20.0)] if kernel == "power" else [])

    def nll(x):
        th, k = np.exp(x[1]), np.exp(x[0])
        if kernel == "exp":
            return -h.log_likelihood((k, th), t, m, T)
        c = np.exp(x[2])
        return -h.log_likelihood((k * th * c ** th, th, c), t, m, T, "power")   # x[0]: log n0

    r = minimize(nll, start, method="Nelder-Mead", options={"xatol": 1e-8, "fatol": 1e-10, "maxiter": 5000})
    assert f.loglik >= -r.fun - 1e-6


def test_boundary_fits_are_flagged():
    f = h.fit([0.0, 0.0, 0.0, 0.0], None, 3600.0)   # every repost in the source's second: theta -> infinity
    assert f.status == "boundary" and "theta at its upper bound" in f.message
    assert f.theta == pytest.approx(h.BOUNDS["theta_exp"][1], rel=1e-2) and np.isfinite(f.loglik)


def test_too_few_events_are_flagged_with_no_values():
    f = h.fit([0.0, 10.0, 4000.0], None, 3600.0)   # one repost in [0, T]
    assert f.status == "too_few_events" and f.n_events == 2
    assert np.isnan(f.kappa) and np.isnan(f.loglik) and np.isnan(f.branching_factor)
    assert np.isnan(h.expected_final_size(f, [0.0, 10.0, 4000.0], None, 3600.0))
    assert h.fit([0.0], None, 3600.0, "power").status == "too_few_events"


def test_failed_optimiser_is_reported(monkeypatch):
    real = h.minimize

    def failing(*args, **kwargs):
        r = real(*args, **kwargs)
        r.success, r.message = False, "ABNORMAL: test"
        return r

    monkeypatch.setattr(h, "minimize", failing)
    t, m = h.simulate(0.8, 1 / 60, 3600.0, big_source(1e3), beta=0.5, seed=1)
    f = h.fit(t, m, 3600.0)
    assert f.status == "failed" and "ABNORMAL: test" in f.message and np.isfinite(f.kappa)


def test_supercritical_fit_says_so():
    t = np.concatenate([[0.0], np.arange(1.0, 400.0)])   # a steady stream: the unmarked model needs n* >= 1
    f = h.fit(t, None, 400.0)
    assert f.branching_factor >= 1 and "supercritical" in f.message
    assert h.expected_final_size(f, t, None, 400.0) == np.inf


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        h.fit([0.0, 20.0, 10.0], None, 3600.0)           # unsorted
    with pytest.raises(ValueError):
        h.fit([5.0, 20.0, 30.0], None, 3600.0)           # the source is not at 0
    with pytest.raises(ValueError):
        h.fit([0.0, 20.0, 30.0], [1.0, np.nan, 2.0], 3600.0, marked=True)
    with pytest.raises(ValueError):
        h.fit([0.0, 20.0, 30.0], None, 3600.0, kernel="weibull")
    with pytest.raises(ValueError):
        h.log_likelihood((0.5, 0.1), [0.0, 1.0], None, 10.0, "power")   # power needs c


def test_fit_cascades_rows_order_and_sequential_equality():
    T = 3600.0
    times, marks = {}, {}
    for i, seed in enumerate([5, 1, 9, 3, 7, 2]):
        t, m = h.simulate(0.9, 1 / 300, T, big_source(1e4), beta=0.5, seed=seed)
        times[f"z{9 - i}"], marks[f"z{9 - i}"] = t, m
    times["lone"], marks["lone"] = np.array([0.0]), np.array([50.0])
    for kernel, marked in [("exp", False), ("power", False), ("exp", True)]:
        df = h.fit_cascades(times, marks, T, kernel, marked, workers=2)
        assert list(df.columns) == h.COLUMNS == [
            "cascade_id", "kernel", "marked", "kappa", "theta", "c", "beta", "branching_factor", "loglik",
            "n_events", "status", "message", "predicted_final_reposts"]
        assert list(df["cascade_id"]) == list(times)
        rows = []
        for cid in times:
            f = h.fit(times[cid], marks[cid], T, kernel, marked)
            rows.append({"cascade_id": cid, "kernel": kernel, "marked": marked, "kappa": f.kappa,
                         "theta": f.theta, "c": np.nan if f.c is None else f.c, "beta": f.beta,
                         "branching_factor": f.branching_factor, "loglik": f.loglik, "n_events": f.n_events,
                         "status": f.status, "message": f.message,
                         "predicted_final_reposts": h.expected_final_size(f, times[cid], marks[cid], T)})
        pd.testing.assert_frame_equal(df, pd.DataFrame(rows, columns=h.COLUMNS), check_exact=True)
        assert df.loc[df["cascade_id"] == "lone", "status"].item() == "too_few_events"
        pd.testing.assert_frame_equal(df, h.fit_cascades(times, marks, T, kernel, marked, workers=1))


def test_simulate_is_seeded_and_sorted():
    a = h.simulate(0.9, 0.5, 3600.0, h.pareto_marks(), kernel="power", c=10.0, beta=0.3, seed=4)
    b = h.simulate(0.9, 0.5, 3600.0, h.pareto_marks(), kernel="power", c=10.0, beta=0.3, seed=4)
    np.testing.assert_array_equal(a[0], b[0])
    assert a[0][0] == 0 and np.all(np.diff(a[0]) >= 0) and a[0][-1] <= 3600.0 and a[1].min() >= 1
    with pytest.raises(RuntimeError):
        h.simulate(3.0, 1.0, 1e6, max_events=10_000)
