"""The lean L-BFGS-B driver gives SciPy's ``minimize`` results to the bit, on plain problems and on every kind of
Hawkes fit the package makes; the compiled objective equals the one it replaces."""

from dataclasses import astuple

import numpy as np
import pytest
from scipy.optimize import minimize as scipy_minimize

from wechat_study.models import hawkes as h
from wechat_study.models import hawkes_fit as hf
from wechat_study.models import lbfgsb


def _scipy(fun_and_grad, x0, bounds, maxiter=15000, ftol=2.2204460492503131e-09, gtol=1e-5):
    r = scipy_minimize(fun_and_grad, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                       options={"maxiter": maxiter, "ftol": ftol, "gtol": gtol})
    return float(r.fun), r.x, bool(r.success), str(r.message)


def _same(a, b):
    assert a[0] == b[0] and a[2] == b[2] and a[3] == b[3]
    np.testing.assert_array_equal(a[1], b[1])


@pytest.mark.parametrize("seed", range(5))
def test_a_bounded_rosenbrock_gives_scipys_result_to_the_bit(seed):
    x0 = np.random.default_rng(seed).uniform(-2, 2, 4)
    bounds = [(-1.5, 1.5), (-0.5, 2.0), (0.2, 3.0), (-3.0, 0.9)]

    def rosen(x):
        f = float(np.sum(100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2))
        g = np.zeros_like(x)
        g[:-1] += -400 * x[:-1] * (x[1:] - x[:-1] ** 2) - 2 * (1 - x[:-1])
        g[1:] += 200 * (x[1:] - x[:-1] ** 2)
        return f, g

    _same(lbfgsb.minimize(rosen, x0, bounds), _scipy(rosen, x0, bounds))
    _same(lbfgsb.minimize(rosen, x0, bounds, maxiter=3), _scipy(rosen, x0, bounds, maxiter=3))


def test_bad_bounds_are_refused_with_what_is_wrong():
    with pytest.raises(ValueError, match="finite"):
        lbfgsb.minimize(lambda x: (float(x @ x), 2 * x), [0.0], [(-np.inf, 1.0)])
    with pytest.raises(ValueError, match="2 bounds for 1 coordinates"):
        lbfgsb.minimize(lambda x: (float(x @ x), 2 * x), [0.0], [(-1.0, 1.0), (0.0, 1.0)])


def _python_objective(x, t, T, scale):
    """The objective as it was before it was compiled whole."""
    with np.errstate(all="ignore"):
        value, g = hf._Coords("exp", False, "own").value_and_grad(x, t, None, T)
    if not np.isfinite(value) or not np.all(np.isfinite(g)):
        return 1e300, np.zeros(len(x))
    return -value / scale, -g / scale


CASES = [
    dict(kernel="exp", marked=False, source="own"),
    dict(kernel="exp", marked=True, source="own"),
    dict(kernel="exp", marked=False, source="shared"),
    dict(kernel="power", marked=False, source="own"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: "-".join(f"{v}" for v in c.values()))
@pytest.mark.parametrize("seed", range(3))
def test_hawkes_fits_equal_the_scipy_driven_ones(case, seed, monkeypatch):
    kernel = case["kernel"]
    t, m = h.simulate(0.7, 1 / 300 if kernel == "exp" else 0.5, 7200.0, h.pareto_marks(), kernel=kernel,
                      c=None if kernel == "exp" else 30.0, seed=seed, kappa0=15)
    ours = hf.fit(t, m, 3600.0, **case)
    monkeypatch.setattr(hf.lbfgsb, "minimize", _scipy)
    monkeypatch.setattr(hf, "exp_objective", _python_objective)
    reference = hf.fit(t, m, 3600.0, **case)
    assert ours.status == reference.status
    np.testing.assert_array_equal(np.array(astuple(ours)[2:10], dtype=float),
                                  np.array(astuple(reference)[2:10], dtype=float))


@pytest.mark.parametrize("seed", range(3))
def test_the_compiled_objective_equals_the_python_one(seed):
    t, _ = h.simulate(0.8, 1 / 300, 86_400, kappa0=20, seed=seed)
    t = t[t <= 3600.0]
    rng = np.random.default_rng(seed)
    for x in rng.normal([np.log(10), np.log(0.5), np.log(1 / 300)], 1.0, (20, 3)):
        f, grad = h.exp_objective(x, t, 3600.0, float(t.size))
        f_ref, grad_ref = _python_objective(x, t, 3600.0, float(t.size))
        assert f == f_ref
        np.testing.assert_array_equal(grad, grad_ref)
