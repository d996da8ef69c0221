"""SciPy's L-BFGS-B for many small fits: the same compiled routine and the same iterates as
``scipy.optimize.minimize(method="L-BFGS-B", jac=True)``, without its per-evaluation wrappers.

A per-cascade Hawkes fit takes ~36 evaluations of a likelihood that costs a few microseconds; ``minimize``'s
bookkeeping around each one (memoising wrappers, array checks, result objects) cost ~10× the likelihood itself.
``minimize`` drives ``scipy.optimize._lbfgsb.setulb`` by reverse communication; ``minimize`` here runs that
loop directly, with the same defaults and stopping rules, so results are identical to SciPy's, to the bit
(``tests/test_lbfgsb.py`` checks that on every kind of fit the package makes, so a SciPy release that changes the
routine fails there first).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import _lbfgsb
from scipy.optimize._lbfgsb_py import status_messages, task_messages

__all__ = ["minimize"]


def minimize(fun_and_grad, x0, bounds, maxiter: int = 15000, ftol: float = 2.2204460492503131e-09,
             gtol: float = 1e-5, maxcor: int = 10, maxls: int = 20, maxfun: int = 15000):
    """Minimise ``fun_and_grad`` from ``x0`` within finite ``bounds`` by L-BFGS-B, as SciPy's ``minimize``.

    Parameters
    ----------
    fun_and_grad : callable
        ``x -> (f, g)``: the objective (a float) and its gradient (an array like ``x``).
    x0 : array_like
        The starting point; clipped into ``bounds``.
    bounds : sequence of (float, float)
        Finite lower and upper bounds of each coordinate.
    maxiter, ftol, gtol, maxcor, maxls, maxfun
        As SciPy's ``L-BFGS-B`` options of the same names.

    Returns
    -------
    fun : float
        The objective at ``x``.
    x : numpy.ndarray
        The last point.
    success : bool
        Whether the routine converged.
    message : str
        SciPy's message (e.g. ``"CONVERGENCE: RELATIVE REDUCTION OF F <= FACTR*EPSMCH"``).

    Raises
    ------
    ValueError
        When a bound is not finite, a lower bound exceeds its upper one, or the bounds and ``x0`` differ in length.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.models import lbfgsb
    >>> fun, x, ok, message = lbfgsb.minimize(lambda x: ((x - 2) @ (x - 2), 2 * (x - 2)), [0.0, 5.0],
    ...                                        [(-1.0, 1.5), (-10.0, 10.0)])
    >>> np.round(x, 6).tolist(), round(fun, 6), ok
    ([1.5, 2.0], 0.25, True)
    """
    low = np.array([b[0] for b in bounds], dtype=np.float64)
    high = np.array([b[1] for b in bounds], dtype=np.float64)
    if not (np.isfinite(low).all() and np.isfinite(high).all()) or (low > high).any():
        raise ValueError(f"bounds must be finite (low, high) pairs with low <= high, not {list(bounds)}")
    x = np.asarray(x0, dtype=np.float64).ravel()
    n = x.size
    if low.size != n:
        raise ValueError(f"{low.size} bounds for {n} coordinates")
    x = np.clip(x, low, high)
    nbd = np.full(n, 2, dtype=np.int32)   # both bounds finite
    f, g = fun_and_grad(x.copy())
    nfev, seen = 1, x.tolist()
    factr = ftol / np.finfo(float).eps
    wa = np.zeros(2 * maxcor * n + 5 * n + 11 * maxcor * maxcor + 8 * maxcor, np.float64)
    iwa = np.zeros(3 * n, dtype=np.int32)
    task, ln_task = np.zeros(2, dtype=np.int32), np.zeros(2, dtype=np.int32)
    lsave, isave, dsave = np.zeros(4, dtype=np.int32), np.zeros(44, dtype=np.int32), np.zeros(29, np.float64)
    f_in, g_in, iterations = np.array(0.0, dtype=np.float64), np.zeros(n, np.float64), 0
    while True:
        g_in = g_in.astype(np.float64)   # a fresh copy each call, as SciPy's loop passes
        _lbfgsb.setulb(maxcor, x, low, high, nbd, f_in, g_in, factr, gtol, wa, iwa, task, lsave, isave, dsave,
                       maxls, ln_task)
        if task[0] == 3:
            if x.tolist() != seen:   # SciPy memoises the last point too
                f, g = fun_and_grad(x.copy())
                nfev, seen = nfev + 1, x.tolist()
            f_in, g_in = f, np.atleast_1d(np.asarray(g, dtype=np.float64))
        elif task[0] == 1:
            iterations += 1
            if iterations >= maxiter:
                task[0], task[1] = 5, 504
            elif nfev > maxfun:
                task[0], task[1] = 5, 502
        else:
            break
    return float(f), x, bool(task[0] == 4), status_messages[task[0]] + ": " + task_messages[task[1]]
