"""SEISMIC (wechat_study.models.seismic): the kernel and the closed-form integral against quadrature,
infectiousness and prediction against a slow literal implementation, and the rules' edge cases."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.stats import chi2

from wechat_study.models import seismic as sm
from wechat_study.models.seismic import infectiousness, memory_ccdf, memory_pdf, predict, predict_cascades

C, S0, THETA = 6.265725e-4, 300.0, 0.2314843
# The published constants are rounded: the kernel's mass is c*s0*(1 + 1/theta) = 1 - 1.8e-7, so identities
# that involve the whole tail hold to that, not to machine precision.
MASS_TOL = 1e-6


def phi(u: float) -> float:
    """The kernel, written out; 0 before the share exists (u < 0)."""
    if u < 0:
        return 0.0
    return C if u < S0 else C * (u / S0) ** -(1 + THETA)


def quad_integral(ti: float, t: float, w: float, lo: float | None = None) -> float:
    """Integral over s in [t - w, t] of phi(s - ti) * (1 - (t - s) / w), by quadrature."""
    a = max(t - w if lo is None else lo, ti)
    if a >= t:
        return 0.0
    points = [p for p in (ti + S0,) if a < p < t]
    val, _ = quad(lambda s: phi(s - ti) * (1 - (t - s) / w), a, t, points=points or None,
                  epsabs=0, epsrel=1e-13, limit=200)
    return val


def slow(times, followers, t, n_star=100):
    """Literal SEISMIC at one time t: loops, quad. Returns (p, low, high, prediction)."""
    w = min(max(t / 2, 300.0), 7200.0)
    lo = t - w
    before = [i for i in range(len(times)) if times[i] < t]
    if sum(1 for i in before if times[i] >= lo) < 5 and before:
        lo = times[before[-6:][0]]
        w = t - lo
    reposts = [i for i in before if i > 0 and times[i] >= lo]
    num = sum(1 - (t - times[i]) / w for i in reposts)
    den = sum(followers[i] * quad_integral(times[i], t, w, lo) for i in before)
    p = num / den if num > 0 else 0.0
    r = len(reposts)
    low = p * chi2.ppf(0.025, 2 * r) / (2 * r) if r else 0.0
    high = p * chi2.ppf(0.975, 2 * r) / (2 * r) if r else 0.0
    seen = [i for i in range(len(times)) if times[i] <= t]
    exposure = 0.0
    for i in seen:
        s = t - times[i]
        exposure += followers[i] * (1 - C * s if s <= S0 else C * S0 ** (1 + THETA) / THETA * s ** -THETA)
    rt = sum(1 for i in seen if i > 0)
    pred = math.inf if p >= 1 / n_star else rt + p * exposure / (1 - p * n_star)
    return p, low, high, pred


def tail_quad(s: float) -> float:
    """Integral of memory_pdf over [s, inf) by quadrature in v = log u (the power-law tail becomes exp(-theta v))."""
    a = math.log(s)     # beyond a + 300 the tail is below exp(-69) of its start
    val, _ = quad(lambda v: float(memory_pdf(math.exp(v))) * math.exp(v), a, a + 300, epsabs=0, epsrel=1e-12, limit=200)
    return val


def close(a, b, rel=1e-9):
    a, b = np.asarray(a, float), np.asarray(b, float)
    assert np.array_equal(np.isinf(a), np.isinf(b)), (a, b)
    fin = np.isfinite(b)
    np.testing.assert_allclose(a[fin], b[fin], rtol=rel, atol=0)


# ---- the memory kernel ----

def test_pdf_integrates_to_one():
    head, _ = quad(lambda s: float(memory_pdf(s)), 0, S0, epsabs=0, epsrel=1e-12)
    tail = tail_quad(S0)
    assert tail == pytest.approx(C * S0 / THETA, rel=1e-9)
    assert head == pytest.approx(C * S0, rel=1e-12)
    assert head + tail == pytest.approx(1.0, abs=MASS_TOL)


@pytest.mark.parametrize("s", [0.0, 1.0, 150.0, 299.0, 300.0, 301.0, 1000.0, 3600.0, 86400.0, 1e6])
def test_ccdf_is_one_minus_integrated_pdf(s):
    integral, _ = quad(lambda u: float(memory_pdf(u)), 0, s, points=[S0] if s > S0 else None,
                       epsabs=0, epsrel=1e-12, limit=200) if s > 0 else (0.0, 0.0)
    tol = 1e-12 if s <= S0 else MASS_TOL
    assert float(memory_ccdf(s)) == pytest.approx(1 - integral, abs=tol)


def test_ccdf_tail_is_exact_tail_integral():
    for s in (301.0, 5000.0, 1e5):
        assert float(memory_ccdf(s)) == pytest.approx(tail_quad(s), rel=1e-9)


def test_kernel_continuous_at_s0():
    eps = 1e-9
    assert float(memory_pdf(S0 - eps)) == pytest.approx(float(memory_pdf(S0)), rel=1e-9)
    assert float(memory_pdf(S0 + eps)) == pytest.approx(float(memory_pdf(S0)), rel=1e-9)
    assert float(memory_pdf(S0)) == C
    assert float(memory_ccdf(S0 - eps)) == pytest.approx(float(memory_ccdf(S0 + eps)), abs=MASS_TOL)


def test_kernel_values_and_negative_times():
    s = np.array([-50.0, -1e-3, 0.0, 100.0, 600.0])
    np.testing.assert_array_equal(memory_pdf(s)[:3], [C, C, C])
    np.testing.assert_array_equal(memory_ccdf(s)[:3], [1.0, 1.0, 1.0])
    assert memory_pdf(600.0) == pytest.approx(C * 2 ** -(1 + THETA), rel=1e-15)
    assert memory_ccdf(100.0) == pytest.approx(1 - 100 * C, rel=1e-15)
    assert memory_pdf(s).shape == s.shape and memory_ccdf(s).shape == s.shape
    assert np.all(np.diff(memory_ccdf(np.linspace(0, 1e5, 1000))) < 0)


# ---- the closed-form integral ----

@pytest.mark.parametrize(("d", "w"), [
    (100.0, 500.0),       # share inside the window, all in the constant part
    (250.0, 100.0),       # share before the window, all in the constant part
    (1000.0, 3000.0),     # share inside the window, straddling s0
    (500.0, 300.0),       # share before the window, window straddling s0
    (300.0, 300.0),       # the window ends exactly at s0
    (20000.0, 7200.0),    # share before the window, all in the power-law part
    (7200.0, 7200.0),     # share at the window's start
    (1e6, 7200.0),        # far before the window
])
def test_closed_form_integral_matches_quad(d, w):
    t = 10000.0 + d
    expected = quad_integral(t - d, t, w)
    assert float(sm._kernel_integral(np.array(d), np.array(w))) == pytest.approx(expected, rel=1e-9)


# ---- infectiousness and prediction ----

def test_hand_computed_case():
    """Source (100 followers) and reposts at 100, 200, 250 s (10 followers each), t = 300 s.

    w = 150 clamped to 300; 4 shares < 5 so the window widens back to the source: w = 300, K(s) = s/300.
    All elapsed times are <= s0, so each integral is c/600 * (300^2 - t_i^2)."""
    times, fol = np.array([0.0, 100.0, 200.0, 250.0]), np.array([100.0, 10.0, 10.0, 10.0])
    p_expect = (550 / 300) / (C * (15000 + 80000 / 60 + 50000 / 60 + 27500 / 60))
    p, low, high = infectiousness(times, fol, [300.0])
    assert p[0] == pytest.approx(p_expect, rel=1e-12)
    assert low[0] == pytest.approx(p_expect * chi2.ppf(0.025, 6) / 6, rel=1e-12)
    assert high[0] == pytest.approx(p_expect * chi2.ppf(0.975, 6) / 6, rel=1e-12)
    exposure = 100 * (1 - 300 * C) + 10 * ((1 - 200 * C) + (1 - 100 * C) + (1 - 50 * C))
    assert predict(times, fol, [300.0], p, n_star=2)[0] == pytest.approx(3 + p_expect * exposure / (1 - 2 * p_expect),
                                                                        rel=1e-12)
    assert np.isinf(predict(times, fol, [300.0], p)[0])      # p ~ 0.17 > 1/100


CASES = {
    "burst": ([0, 5, 12, 30, 31, 45, 90, 200, 280, 400, 650, 700, 1500, 3000, 3100, 3500, 5000, 9000, 12000],
              [5000, 30, 12, 800, 5, 5, 60, 2, 150, 40, 40, 1, 9000, 20, 30, 11, 70, 3, 10]),
    "sparse": ([0, 400, 1000, 9000], [250, 10, 20, 30]),
    "ties": ([0, 0, 0, 600, 600, 600, 600, 3600, 3600], [100, 1, 2, 3, 4, 5, 6, 7, 8]),
}
TIMES = [1.0, 60.0, 300.0, 600.0, 1800.0, 3600.0, 7200.0, 10800.0, 50000.0]


@pytest.mark.parametrize("name", CASES)
def test_against_slow_literal_implementation(name):
    times, fol = map(np.asarray, CASES[name])
    times, fol = times.astype(float), fol.astype(float)
    expected = np.array([slow(times, fol, t, n_star=20) for t in TIMES])
    p, low, high = infectiousness(times, fol, TIMES)
    close(p, expected[:, 0])
    close(low, expected[:, 1])
    close(high, expected[:, 2])
    close(predict(times, fol, TIMES, p, n_star=20), expected[:, 3])


@settings(max_examples=max(5, settings.default.max_examples * 4 // 10))  # each example fits a model
@given(st.lists(st.tuples(st.floats(0, 20000, allow_nan=False), st.integers(0, 5000)), min_size=0, max_size=14),
       st.integers(0, 10000), st.sampled_from([150.0, 600.0, 1800.0, 3600.0, 10800.0, 30000.0]))
def test_random_cascades_against_slow(reposts, source_followers, t):
    reposts = sorted(reposts)
    times = np.array([0.0] + [r[0] for r in reposts])
    fol = np.array([float(source_followers + 1)] + [float(r[1]) for r in reposts])
    p_exp, low_exp, high_exp, pred_exp = slow(times, fol, t)
    p, low, high = infectiousness(times, fol, [t])
    close(p, [p_exp])
    close(low, [low_exp])
    close(high, [high_exp])
    close(predict(times, fol, [t], p), [pred_exp])


def test_window_widens_when_fewer_than_five_shares():
    # t = 10000: w = 5000 holds no share; the last 6 shares before t start at 20 s, so w = 9980.
    times = np.array([0.0, 10, 20, 30, 40, 50, 60, 70])
    fol = np.full(8, 100.0)
    p, low, _ = infectiousness(times, fol, [10000.0])
    num = sum(1 - (10000 - ti) / 9980 for ti in (20, 30, 40, 50, 60, 70))
    den = sum(100 * quad_integral(ti, 10000.0, 9980.0, lo=20.0) for ti in times)
    assert p[0] == pytest.approx(num / den, rel=1e-9)
    assert low[0] / p[0] == pytest.approx(chi2.ppf(0.025, 12) / 12, rel=1e-12)   # R = 6: the share at 20 s counts


def test_window_does_not_widen_at_five_shares_and_counts_the_source():
    fol = np.full(8, 50.0)
    # t = 1000, w = 500: exactly 5 reposts in [500, 1000) -> w stays 500 and the reposts at 100, 200 weigh nothing.
    times = np.array([0.0, 100, 200, 600, 700, 800, 900, 950])
    p, _, _ = infectiousness(times, fol, [1000.0])
    num = sum(1 - (1000 - ti) / 500 for ti in (600, 700, 800, 900, 950))
    den = sum(50 * quad_integral(ti, 1000.0, 500.0) for ti in times)
    assert p[0] == pytest.approx(num / den, rel=1e-9)
    # with 4 in the window it widens to the earliest of the last 6 (the repost at 100 s): w = 900.
    p4, _, _ = infectiousness(times[:-1], fol[:-1], [1000.0])
    num4 = sum(1 - (1000 - ti) / 900 for ti in (100, 200, 600, 700, 800, 900))
    den4 = sum(50 * quad_integral(ti, 1000.0, 900.0, lo=100.0) for ti in times[:-1])
    assert p4[0] == pytest.approx(num4 / den4, rel=1e-9)
    # t = 200, w = 300: the source and 4 reposts make 5 shares in [-100, 200): no widening (w = 300, not 200).
    times = np.array([0.0, 50, 100, 150, 180])
    p, _, _ = infectiousness(times, fol[:5], [200.0])
    num = sum(1 - (200 - ti) / 300 for ti in times[1:])
    den = sum(50 * quad_integral(ti, 200.0, 300.0) for ti in times)
    assert p[0] == pytest.approx(num / den, rel=1e-9)


@pytest.mark.parametrize(("times", "t", "w"), [
    ([0.0, 10, 20, 30, 40, 50], 100.0, 300.0),                               # t/2 = 50 clamped up to 300
    ([0.0, 12000, 12900, 14000, 16000, 18000, 19000], 20000.0, 7200.0),      # t/2 = 10000 clamped down to 7200
    ([0.0, 1000, 2100, 2500, 3000, 3500, 3900], 4000.0, 2000.0),            # t/2 inside the clamp
])
def test_window_is_half_of_t_clamped(times, t, w):
    times = np.asarray(times)
    fol = np.arange(1.0, len(times) + 1) * 10
    p, _, _ = infectiousness(times, fol, [t])
    num = sum(1 - (t - ti) / w for ti in times[1:] if ti >= t - w)
    den = sum(f * quad_integral(ti, t, w) for ti, f in zip(times, fol, strict=True))
    assert p[0] == pytest.approx(num / den, rel=1e-9)


def test_no_reposts_in_window_gives_zero():
    # only the source
    p, low, high = infectiousness([0.0], [1000.0], [60.0, 3600.0])
    assert np.all(p == 0) and np.all(low == 0) and np.all(high == 0)
    np.testing.assert_array_equal(predict([0.0], [1000.0], [60.0, 3600.0], p), [0.0, 0.0])
    # a repost exactly at t: not before t (p = 0, R = 0) but observed by t (R_t = 1)
    p, low, high = infectiousness([0.0, 600.0], [1000.0, 10.0], [600.0])
    assert (p[0], low[0], high[0]) == (0.0, 0.0, 0.0)
    assert predict([0.0, 600.0], [1000.0, 10.0], [600.0], p)[0] == 1.0
    # a repost at the window's very start weighs 0: p = 0 and the interval collapses to (0, 0)
    p, low, high = infectiousness([0.0, 0.0], [1000.0, 10.0], [100.0])
    assert (p[0], low[0], high[0]) == (0.0, 0.0, 0.0)
    assert predict([0.0, 0.0], [1000.0, 10.0], [100.0], p)[0] == 1.0
    # before the source: nothing
    p, _, _ = infectiousness([0.0, 5.0], [10.0, 10.0], [0.0, -5.0])
    np.testing.assert_array_equal(p, [0.0, 0.0])
    np.testing.assert_array_equal(predict([0.0, 5.0], [10.0, 10.0], [0.0, -5.0], p), [0.0, 0.0])


def test_supercritical_is_inf():
    times, fol = np.array([0.0, 100.0, 500.0]), np.array([1000.0, 10.0, 10.0])
    at = [1000.0] * 5
    p = np.array([0.01, 0.02, 0.0099, 0.005, 0.5])
    out = predict(times, fol, at, p, n_star=100)
    assert np.isinf(out[[0, 1, 4]]).all() and np.isfinite(out[[2, 3]]).all()
    exposure = 1000 * float(memory_ccdf(1000.0)) + 10 * float(memory_ccdf(900.0)) + 10 * float(memory_ccdf(500.0))
    assert out[2] == pytest.approx(2 + 0.0099 * exposure / (1 - 0.99), rel=1e-12)
    assert np.isinf(predict(times, fol, [1000.0], [0.1], n_star=10)[0])


def test_bad_input_is_rejected():
    with pytest.raises(ValueError):
        infectiousness([0.0, 10.0, 5.0], [1, 1, 1], [60.0])
    with pytest.raises(ValueError):
        infectiousness([3.0, 10.0], [1, 1], [60.0])
    with pytest.raises(ValueError):
        predict([0.0, 10.0], [1], [60.0], [0.0])
    with pytest.raises(ValueError):
        predict_cascades({"a": np.array([0.0, 5.0, 1.0])}, {"a": np.ones(3)}, [60.0])


def test_predict_cascades_matches_per_cascade():
    rng = np.random.default_rng(7)
    times, fols = {}, {}
    for k in range(30):
        size = int(rng.integers(1, 120))
        t = np.sort(rng.exponential(rng.uniform(100, 5000), size - 1)) if size > 1 else np.array([])
        times[f"c{k}"] = np.concatenate([[0.0], t])
        fols[f"c{k}"] = np.concatenate([[rng.integers(0, 100000)], rng.integers(0, 2000, size - 1)]).astype(float)
    times.update({name: np.asarray(v[0], float) for name, v in CASES.items()})
    fols.update({name: np.asarray(v[1], float) for name, v in CASES.items()})
    at = [600.0, 1800.0, 3600.0, 10800.0]
    df = predict_cascades(times, fols, at, n_star=50)
    assert list(df.columns) == ["cascade_id", "at_s", "p", "p_low", "p_high", "predicted", "observed_so_far"]
    assert len(df) == len(times) * len(at)
    assert list(df["cascade_id"][::len(at)]) == list(times)
    for cid, g in df.groupby("cascade_id", sort=False):
        p, low, high = infectiousness(times[cid], fols[cid], at)
        np.testing.assert_array_equal(g["at_s"], at)
        close(g["p"], p, rel=1e-12)
        close(g["p_low"], low, rel=1e-12)
        close(g["p_high"], high, rel=1e-12)
        close(g["predicted"], predict(times[cid], fols[cid], at, p, n_star=50), rel=1e-12)
        np.testing.assert_array_equal(g["observed_so_far"], [(times[cid][1:] <= a).sum() for a in at])


def test_cutting_to_the_shares_so_far_and_sharing_p_across_n_stars_change_nothing():
    """``predict_cascades`` sums only the shares up to each time, and ``predict_n_stars`` computes p once: both
    equal, to the bit, the full-array computation they replace."""
    import wechat_study as ws
    from wechat_study import early_warning as ew
    from wechat_study.models import seismic as sm

    c = ws.synthetic_corpus(2_000, seed=3)
    times, followers, _ = ew.share_times(c.posts, c.cascades, repost_followers=100)
    ids = list(times)
    t, n, gid, start = sm._stacked(times, followers, ids)
    for at in (0.0, 300.0, 3600.0, 86_400.0, 1e9):
        tq = np.full(len(ids), at)
        p = sm._flat_infectiousness(t, n, gid, start, tq)[0]
        full = [sm._flat_predict(t, n, gid, start, tq, p, v)[0] for v in (1.0, 10.0, 100.0)]
        got = sm.predict_cascades(times, followers, [at], n_star=10.0)
        np.testing.assert_array_equal(got["p"].to_numpy(), p)
        np.testing.assert_array_equal(got["predicted"].to_numpy(), full[1])
        np.testing.assert_array_equal(sm.predict_n_stars(times, followers, at, [1.0, 10.0, 100.0]), np.array(full))
    with pytest.raises(ValueError, match="n_star must be positive"):
        sm.predict_n_stars(times, followers, 60.0, [0.0])
