"""The cascades a size window left out: a sensitivity analysis for the deletion counterfactuals.

CED holds posts with roughly 100 to 999 reported reposts: posts with 1,000 or more were left out of the
collection (no pile-up of reported counts at 999, docs/methods.md#12-deletion-counterfactuals). Larger cascades
reach the threshold faster, so every "share crossed by 1 h" computed inside the window is biased downward. This
module bounds that bias under stated assumptions:

- sizes above ``lower`` (the threshold) follow a power law, P(S > s) proportional to s ** -alpha, truncated at
  ``cap`` (both the count of left-out cascades and their sizes); alpha is fitted inside the window
  (``pareto_exponent``, a Pareto truncated to [lower, upper)) or taken from a list. The collection is assumed
  to have kept cascades at or above ``upper`` at the rate it kept those in [lower, upper), so that
  ``left_out`` of them are missing;
- every left-out cascade crosses the threshold (it has at least twice its reposts);
- their times to the threshold are those of the window's fastest bin of final sizes (``"fastest bin"``: a
  lower bound on their speed, since speed rises with size), or the fastest bin's growth curves rescaled
  (``"self-similar"``: a cascade of final size S reaches the threshold when it reaches the fraction
  threshold / S of its final size, as a donor cascade does at the same fraction of its own; an extrapolation).

Sizes are counted in reposts (records and reported counts are treated as one unit; in CED's top bin observed
records are about 96% of reported reposts). Left-out cascades enter as weighted rows (column ``weight``), which
``counterfactual.share_if_deleted`` and ``share_under_scenario`` accept.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from scipy import optimize

from . import counterfactual as cf

__all__ = [
    "pareto_exponent", "left_out", "tail_sizes", "with_left_out", "sensitivity", "window_sizes", "counts_near",
    "size_edges", "time_by_final_size", "bounds", "record_bounds", "tail_analysis", "record_window",
    "self_similar_check", "record_check", "cap_sensitivity", "record_caps"
]


def _log_g(alpha: float, log_r: float) -> float:
    """log of (1 - r ** alpha) / alpha, r = lower / upper < 1 (its limit -log r at alpha = 0)."""
    if abs(alpha) < 1e-9:
        return float(np.log(-log_r))
    return float(np.log(-np.expm1(alpha * log_r) / alpha))


def pareto_exponent(sizes, lower: float, upper: float) -> dict:
    """Maximum-likelihood tail exponent alpha of a power law truncated to [``lower``, ``upper``): density
    alpha * lower**alpha * s**(-alpha-1) / (1 - (lower/upper)**alpha); alpha may be 0 (log-uniform) or negative.
    Sizes outside the range are ignored. Returns {alpha, ci_low, ci_high (Wald, 95%), n}; NaN with under 10.

    Parameters
    ----------
    sizes : array-like
        Cascade sizes (reposts); values that are not numbers are dropped.
    lower, upper : float
        The range fitted, [lower, upper).

    Returns
    -------
    dict
        ``alpha`` (the maximum-likelihood exponent, searched in [-20, 20]), ``ci_low`` and ``ci_high`` (alpha
        -/+ 1.96 standard errors from the observed information) and ``n`` (sizes in range). The first three are
        NaN when ``n`` is under 10.

    Raises
    ------
    ValueError
        Not 0 < ``lower`` < ``upper``.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study import counterfactual_tail as ct
    >>> sizes = 500 * (1 + np.random.default_rng(0).pareto(1.0, 5000))   # P(S > s) = (500 / s) ** 1
    >>> {k: round(v, 2) for k, v in ct.pareto_exponent(sizes, 500, 1000).items()}
    {'alpha': 1.04, 'ci_low': 0.84, 'ci_high': 1.24, 'n': 2501}
    """
    if not 0 < lower < upper:
        raise ValueError(f"need 0 < lower < upper, got {lower}, {upper}")
    s = np.asarray(pd.to_numeric(pd.Series(sizes), errors="coerce").dropna(), float)
    s = s[(s >= lower) & (s < upper)]
    n, log_r, mean_log = len(s), np.log(lower / upper), float(np.mean(np.log(s / lower))) if len(s) else np.nan
    if n < 10:
        return {"alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": n}

    def nll(a):
        return a * mean_log + _log_g(a, log_r)  # minus the log-likelihood per size, up to a constant

    a = optimize.minimize_scalar(nll, bounds=(-20, 20), method="bounded", options={"xatol": 1e-10}).x
    h = 1e-4
    info = n * (nll(a + h) - 2 * nll(a) + nll(a - h)) / h**2
    se = 1 / np.sqrt(info) if info > 0 else np.nan
    return {"alpha": float(a), "ci_low": float(a - 1.96 * se), "ci_high": float(a + 1.96 * se), "n": n}


def left_out(n_window: float, alpha: float, lower: float, upper: float, cap: float = np.inf) -> float:
    """Cascades in [``upper``, ``cap``) that a power law with exponent ``alpha`` implies, given ``n_window`` in
    [``lower``, ``upper``): n * (r_upper - r_cap) / (1 - r_upper), r_x = (lower / x) ** alpha = P(S >= x | S >=
    lower). ``cap`` is the largest size the left-out cascades are given (``tail_sizes``), so count and sizes
    describe one distribution; without it the count runs to infinite sizes.

    Parameters
    ----------
    n_window : float
        Cascades observed in [``lower``, ``upper``).
    alpha : float
        The tail exponent, positive.
    lower, upper : float
        The window the count was made in (sizes in reposts).
    cap : float
        The largest size given to the left-out cascades (default: no cap).

    Returns
    -------
    float
        The expected number of cascades in [``upper``, ``cap``), not rounded.

    Raises
    ------
    ValueError
        ``alpha`` is not finite and positive, or not ``lower`` < ``upper`` <= ``cap``.

    Examples
    --------
    >>> from wechat_study import counterfactual_tail as ct
    >>> ct.left_out(1000, 1.0, 500, 1000), ct.left_out(1000, 1.0, 500, 1000, cap=10_000)
    (1000.0, 900.0)
    """
    if not np.isfinite(alpha) or alpha <= 0:
        raise ValueError(f"a tail exponent must be positive to extrapolate, got {alpha}")
    if not lower < upper <= cap:
        raise ValueError(f"need lower < upper <= cap, got {lower}, {upper}, {cap}")
    r_upper, r_cap = (lower / upper) ** alpha, (lower / cap) ** alpha
    return float(n_window * (r_upper - r_cap) / (1 - r_upper))


def tail_sizes(alpha: float, upper: float, cap: float, k: int = 20) -> np.ndarray:
    """``k`` sizes at the mid-quantiles of the power law with exponent ``alpha`` on [``upper``, ``cap``].

    Parameters
    ----------
    alpha : float
        The tail exponent (not 0).
    upper, cap : float
        The range of sizes, in reposts.
    k : int
        How many sizes.

    Returns
    -------
    numpy.ndarray
        ``k`` increasing sizes (floats, not rounded), at the quantiles (i + 0.5) / k.

    Examples
    --------
    >>> from wechat_study import counterfactual_tail as ct
    >>> ct.tail_sizes(1.0, 1000, 10_000, k=4).round(1).tolist()
    [1126.8, 1509.4, 2285.7, 4705.9]
    """
    u = (np.arange(k) + 0.5) / k
    q = 1 - (upper / cap) ** alpha
    return upper * (1 - u * q) ** (-1 / alpha)


def with_left_out(
    durations: pd.DataFrame,
    final_size: pd.Series,
    n_left_out: float,
    donor_from: float,
    donor_to: float,
    extrapolation: str = "fastest bin",
    times: dict | None = None,
    threshold: int = 500,
    sizes=None,
) -> pd.DataFrame:
    """``durations`` plus weighted rows for ``n_left_out`` left-out cascades (columns ``weight``, ``left_out``).

    Donors: crossers whose ``final_size`` (reposts, indexed by ``cascade_id``) lies in [``donor_from``,
    ``donor_to``). ``"fastest bin"``: each donor's time to the threshold, weight n_left_out / donors.
    ``"self-similar"``: for each donor and each size S of ``sizes`` (e.g. ``tail_sizes``), the donor's time to
    its ceil(threshold * n / S)-th repost (``times``: seconds from the source, source first, as
    ``early_warning.share_times`` gives; n the donor's reposts), weight n_left_out / (donors * len(sizes)).
    No donor: the left-out cascades cannot be placed and the result has NaN durations for them.

    Parameters
    ----------
    durations : pandas.DataFrame
        One row per cascade: ``cascade_id``, ``duration_h`` (hours to the threshold) and ``crossed``.
    final_size : pandas.Series
        Final reposts, indexed by ``cascade_id``.
    n_left_out : float
        How many cascades to add (``left_out``); 0 or less adds none.
    donor_from, donor_to : float
        The donors' range of final sizes, [donor_from, donor_to).
    extrapolation : str
        ``"fastest bin"`` or ``"self-similar"``.
    times : dict, optional
        Cascade id -> seconds from the source of each post, source first; needed for ``"self-similar"``.
    threshold : int
        The threshold in reposts, for ``"self-similar"``.
    sizes : array-like, optional
        The left-out cascades' final sizes, for ``"self-similar"``.

    Returns
    -------
    pandas.DataFrame
        ``durations`` with ``weight`` 1 and ``left_out`` False, then the added rows: ``cascade_id`` "left out",
        ``crossed`` True, their ``duration_h``, ``weight`` and ``left_out`` True; the weights of the added rows
        sum to ``n_left_out``.

    Raises
    ------
    ValueError
        An unknown ``extrapolation``, or ``"self-similar"`` without ``times`` and ``sizes`` (when there are donors).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> size = pd.Series([3, 6, 7, 9, 9, 4, 8, 9, 5, 6, 7, 5, 9, 6], index=list("abcdefghijklmn"))  # final reposts
    >>> times = {c: np.arange(s + 1) * 600.0 * (1 + i % 3) for i, (c, s) in enumerate(size.items())}  # s from source
    >>> durations = pd.DataFrame({"cascade_id": size.index, "crossed": size >= 5,  # the threshold: 5 reposts
    ...                           "duration_h": [t[5] / 3600 if len(t) > 5 else np.nan for t in times.values()]})
    >>> added = ct.with_left_out(durations, size, 3.0, 9, 10)     # donors: the 4 crossers ending at 9 reposts
    >>> added[added["left_out"]][["duration_h", "weight"]].round(3)
        duration_h  weight
    14       0.833    0.75
    15       1.667    0.75
    16       1.667    0.75
    17       0.833    0.75
    >>> added = ct.with_left_out(durations, size, 3.0, 9, 10, "self-similar", times, 5, sizes=[10, 20])
    >>> len(added), round(float(added["weight"].sum()), 6)
    (22, 17.0)
    """
    if extrapolation not in ("fastest bin", "self-similar"):
        raise ValueError(f"extrapolation must be 'fastest bin' or 'self-similar', got {extrapolation!r}")
    base = durations.assign(weight=1.0, left_out=False)
    size = final_size.reindex(durations["cascade_id"]).to_numpy(float)
    donors = durations[durations["crossed"].to_numpy(bool) & (size >= donor_from) & (size < donor_to)]
    if n_left_out <= 0:
        return base
    if donors.empty:
        extra = pd.DataFrame({"cascade_id": ["left out"], "duration_h": [np.nan], "crossed": [True]})
        return pd.concat([base, extra.assign(weight=float(n_left_out), left_out=True)], ignore_index=True)
    if extrapolation == "fastest bin":
        hours = donors["duration_h"].to_numpy(float)
    else:
        if times is None or sizes is None:
            raise ValueError("the self-similar extrapolation needs the donors' repost times and the tail sizes")
        hours = []
        for cid in donors["cascade_id"]:
            ts = times[cid]
            k = np.minimum(np.ceil(threshold * (len(ts) - 1) / np.asarray(sizes, float)).astype(int), len(ts) - 1)
            hours.extend(ts[np.maximum(k, 1)] / 3600)
        hours = np.asarray(hours)
    extra = pd.DataFrame(
        {
            "cascade_id": "left out",
            "duration_h": hours,
            "crossed": True,
            "weight": n_left_out / len(hours),
            "left_out": True,
        }
    )
    return pd.concat([base, extra], ignore_index=True)


def _has_donors(durations, final_size, donor_from, donor_to) -> bool:
    size = final_size.reindex(durations["cascade_id"]).to_numpy(float)
    return bool((durations["crossed"].to_numpy(bool) & (size >= donor_from) & (size < donor_to)).any())


def sensitivity(
    durations: pd.DataFrame,
    final_size: pd.Series,
    window_sizes,
    exponents: dict,
    scenarios: dict,
    lower: float = 500,
    upper: float = 1000,
    donor_from: float = 900,
    cap: float = 10_000,
    times: dict | None = None,
    threshold: int = 500,
    delays_h=(1.0, 24.0),
) -> pd.DataFrame:
    """The counterfactual shares with the left-out cascades added, per tail exponent and extrapolation.

    ``window_sizes``: the size the window was cut on (CED: reported reposts), one per cascade; the cascades in
    [``lower``, ``upper``) are the ones the tail is extrapolated from. ``exponents``: {label: alpha}.
    ``scenarios``: {label: dict of ``share_under_scenario`` keywords (points, probability, speed_exponent)}.
    Rows: the window as observed, then each exponent x extrapolation. Columns: ``tail, tail_exponent,
    extrapolation, left_out, cascades`` (weighted total), ``share_ever``, ``by_<d>h`` per delay, then one
    column per scenario (a speed-dependent one keeps the observed window's reference time). Shares are NaN where
    the fastest bin holds no crosser (no donor), or where the exponent is not positive.

    Parameters
    ----------
    durations : pandas.DataFrame
        One row per cascade of the window: ``cascade_id``, ``duration_h`` (hours to the threshold), ``crossed``.
    final_size : pandas.Series
        Final reposts, indexed by ``cascade_id``.
    window_sizes : array-like
        The size the window was cut on, one per cascade (``window_sizes``).
    exponents : dict
        {label: alpha} of the tails to try.
    scenarios : dict
        {label: keywords of ``counterfactual.share_under_scenario``}.
    lower, upper : float
        The range the tail is extrapolated from, [lower, upper) (the threshold and the window's top).
    donor_from : float
        The fastest bin's lower edge: donors end in [``donor_from``, ``upper``).
    cap : float
        The largest size given to the left-out cascades.
    times : dict, optional
        Cascade id -> seconds from the source of each post, for ``"self-similar"``.
    threshold : int
        The threshold in reposts.
    delays_h : sequence of float
        Fixed deletion delays, in hours.

    Returns
    -------
    pandas.DataFrame
        One row for the window as observed, then two per exponent (``"fastest bin"``, ``"self-similar"``);
        shares on the 0-1 scale, weighted.

    Raises
    ------
    ValueError
        Not ``lower`` < ``upper`` <= ``cap`` while an exponent is positive (from ``left_out``).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> size = pd.Series([3, 6, 7, 9, 9, 4, 8, 9, 5, 6, 7, 5, 9, 6], index=list("abcdefghijklmn"))  # final reposts
    >>> times = {c: np.arange(s + 1) * 600.0 * (1 + i % 3) for i, (c, s) in enumerate(size.items())}  # s from source
    >>> durations = pd.DataFrame({"cascade_id": size.index, "crossed": size >= 5,  # the threshold: 5 reposts
    ...                           "duration_h": [t[5] / 3600 if len(t) > 5 else np.nan for t in times.values()]})
    >>> table = ct.sensitivity(durations, size, size.to_numpy(), {"assumed": 1.0}, {"every post deleted": {}},
    ...                        lower=5, upper=10, donor_from=9, cap=100, times=times, threshold=5)
    >>> table[["extrapolation", "left_out", "share_ever", "by_1h", "every post deleted"]].round(3)
      extrapolation  left_out  share_ever  by_1h  every post deleted
    0          none       0.0       0.857  0.286               0.392
    1   fastest bin      10.8       0.919  0.379               0.434
    2  self-similar      10.8       0.919  0.521               0.484
    """
    w = pd.to_numeric(pd.Series(np.asarray(window_sizes, dtype=object)), errors="coerce").to_numpy(float)
    n_window = int(np.sum((w >= lower) & (w < upper)))
    cases = [("none (the window as observed)", np.nan, "none", 0.0)]
    for label, alpha in exponents.items():
        for how in ("fastest bin", "self-similar"):
            m = left_out(n_window, alpha, lower, upper, cap) if np.isfinite(alpha) and alpha > 0 else np.nan
            cases.append((label, alpha, how, m))
    ref = cf.reference_hours(durations)
    scenarios = {k: ({"reference_h": ref} | kw) if kw.get("speed_exponent") else kw for k, kw in scenarios.items()}
    rows = []
    for label, alpha, how, m in cases:
        row = {"tail": label, "tail_exponent": alpha, "extrapolation": how, "left_out": m}
        if np.isfinite(m) and (m == 0 or _has_donors(durations, final_size, donor_from, upper)):
            grid = tail_sizes(alpha, upper, cap) if how == "self-similar" else None
            d = with_left_out(
                durations,
                final_size,
                m,
                donor_from,
                upper,
                how if how != "none" else "fastest bin",
                times,
                threshold,
                grid,
            )
            by = cf.share_if_deleted(d, list(delays_h))
            row |= {
                "cascades": float(d["weight"].sum()),
                "share_ever": float(cf.share_if_deleted(d, [np.inf])["share"].iloc[0]),
            }
            row |= {f"by_{h:g}h": float(v) for h, v in zip(delays_h, by["share"], strict=True)}
            row |= {name: cf.share_under_scenario(d, **kw)["share"] for name, kw in scenarios.items()}
        rows.append(row)
    return pd.DataFrame(rows)


def window_sizes(cascades: pd.DataFrame, final_size: pd.Series, ids) -> pd.Series:
    """The size a collection's window was cut on, per cascade of ``ids``: the reported repost count where the
    data set has one (CED), else the observed reposts ``final_size`` (e.g. the synthetic set).

    Parameters
    ----------
    cascades : pandas.DataFrame
        A canonical cascades table (``cascade_id``, ``reported_reposts``).
    final_size : pandas.Series
        Observed reposts, indexed by ``cascade_id``.
    ids : sequence of str
        The cascades wanted, in order.

    Returns
    -------
    pandas.Series
        Floats indexed by ``ids``; each missing reported count is replaced by the observed one.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c"], "reported_reposts": [120, None, 990]})
    >>> ct.window_sizes(cascades, pd.Series([118, 6, 951], index=["a", "b", "c"]), ["a", "b", "c"]).tolist()
    [120.0, 6.0, 990.0]
    """
    reported = pd.to_numeric(cascades.set_index("cascade_id")["reported_reposts"], errors="coerce").reindex(ids)
    return reported.fillna(final_size.reindex(ids)).astype(float)


def counts_near(sizes, edges=(901, 951, 991, 999, 1000)) -> pd.DataFrame:
    """Cascades per range of ``sizes`` (inclusive integer ranges between ``edges``, then ``edges[-1]`` and more):
    ``range, cascades``. A collection capped at the top would pile its counts up in the last range below it.

    Parameters
    ----------
    sizes : array-like
        Sizes (reposts) per cascade; values that are not numbers count nowhere.
    edges : sequence of int
        Increasing range edges: ranges [a, b) between consecutive edges, then ``edges[-1]`` or more.

    Returns
    -------
    pandas.DataFrame
        ``range`` (text, e.g. "901–950") and ``cascades`` (counts).

    Examples
    --------
    >>> from wechat_study import counterfactual_tail as ct
    >>> ct.counts_near([950, 960, 995, 999, 999, 120, 1200])
               range  cascades
    0        901–950         1
    1        951–990         1
    2        991–998         1
    3            999         2
    4  1,000 or more         1
    """
    s = pd.to_numeric(pd.Series(np.asarray(sizes, dtype=object)), errors="coerce")
    rows = [
        {"range": f"{a:,}–{b - 1:,}" if b - 1 > a else f"{a:,}", "cascades": int(((s >= a) & (s < b)).sum())}
        for a, b in zip(edges[:-1], edges[1:], strict=False)
    ]
    return pd.DataFrame(rows + [{"range": f"{edges[-1]:,} or more", "cascades": int((s >= edges[-1]).sum())}])


def size_edges(threshold: float, upper: float, step: float = 100) -> tuple:
    """Bins of final size from the threshold to the window's top: threshold, the next multiples of ``step``,
    upper (CED at 500: 500, 600, ..., 1000); a threshold at or above the top gives one bin of width ``step``.

    Parameters
    ----------
    threshold : float
        The threshold in reposts, the first edge.
    upper : float
        The window's top, the last edge.
    step : float
        The bin width.

    Returns
    -------
    tuple
        The edges, for ``time_by_final_size``.

    Examples
    --------
    >>> from wechat_study import counterfactual_tail as ct
    >>> ct.size_edges(500, 1000), ct.size_edges(550, 1000)[:2], ct.size_edges(5000, 1000)
    ((500, 600, 700, 800, 900, 1000), (550, 600), (5000, 5100))
    """
    if threshold >= upper:
        return (threshold, threshold + step)
    inner = np.arange((threshold // step + 1) * step, upper, step)
    return (threshold, *[int(x) for x in inner], upper)


def time_by_final_size(
    durations: pd.DataFrame, final_size: pd.Series, edges=(500, 600, 700, 800, 900, 1000), delays_h=(1.0, 24.0)
) -> pd.DataFrame:
    """Time to the threshold (hours) of the crossers by bin of final size (reposts, [a, b); ``size_edges``):
    ``final_size, crossers, median_h, q25_h, q75_h`` and ``by_<d>h``, the share of the bin's crossers across
    by d hours.

    Parameters
    ----------
    durations : pandas.DataFrame
        One row per cascade: ``cascade_id``, ``duration_h`` (hours to the threshold), ``crossed``.
    final_size : pandas.Series
        Final reposts, indexed by ``cascade_id``.
    edges : sequence of float
        Bin edges of final size (``size_edges``).
    delays_h : sequence of float
        The delays d, in hours.

    Returns
    -------
    pandas.DataFrame
        One row per bin; ``final_size`` is its label ("500–599"); the hours are NaN for a bin with no crosser.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> size = pd.Series([3, 6, 7, 9, 9, 4, 8, 9, 5, 6, 7, 5, 9, 6], index=list("abcdefghijklmn"))  # final reposts
    >>> times = {c: np.arange(s + 1) * 600.0 * (1 + i % 3) for i, (c, s) in enumerate(size.items())}  # s from source
    >>> durations = pd.DataFrame({"cascade_id": size.index, "crossed": size >= 5,  # the threshold: 5 reposts
    ...                           "duration_h": [t[5] / 3600 if len(t) > 5 else np.nan for t in times.values()]})
    >>> ct.time_by_final_size(durations, size, (5, 8, 10)).round(3)
      final_size  crossers  median_h  q25_h  q75_h  by_1h  by_24h
    0        5–7         7     1.667  1.667  2.500  0.143     1.0
    1        8–9         5     0.833  0.833  1.667  0.600     1.0
    """
    size = final_size.reindex(durations["cascade_id"]).to_numpy(float)
    c = durations["crossed"].to_numpy(bool)
    tau = durations["duration_h"].to_numpy(float)
    rows = []
    for a, b in itertools.pairwise(edges):
        t = tau[c & (size >= a) & (size < b)]
        q = np.quantile(t, [0.25, 0.5, 0.75]) if len(t) else [np.nan] * 3
        rows.append(
            {"final_size": f"{a:,}–{b - 1:,}", "crossers": len(t), "median_h": q[1], "q25_h": q[0], "q75_h": q[2]}
            | {f"by_{d:g}h": float(np.mean(t <= d)) if len(t) else np.nan for d in delays_h}
        )
    return pd.DataFrame(rows)


def bounds(table: pd.DataFrame, columns) -> dict:
    """{column: (lowest, highest)} over the rows of ``sensitivity`` that add left-out cascades.

    Parameters
    ----------
    table : pandas.DataFrame
        As ``sensitivity`` gives it.
    columns : sequence of str
        Columns of ``table``.

    Returns
    -------
    dict
        Column -> (min, max) as floats over the rows whose ``extrapolation`` is not ``"none"`` (NaN when there
        are none).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> table = pd.DataFrame({"extrapolation": ["none", "fastest bin", "self-similar"], "by_1h": [0.01, 0.02, 0.05]})
    >>> ct.bounds(table, ["by_1h"])
    {'by_1h': (0.02, 0.05)}
    """
    rows = table[table["extrapolation"] != "none"]
    return {c: (float(rows[c].min()), float(rows[c].max())) for c in columns}


def record_bounds(name: str, low: float, high: float, note: str, cap: float | None = None,
                  tolerance: float = 1e-12) -> None:
    """Record ``name.with_left_out.low`` / ``.high``, or null with ``note`` as the reason when not computable.

    Parameters
    ----------
    name : str
        The finding's name (dotted lowercase words).
    low, high : float
        The bounds (``bounds``); None or a value that is not finite is recorded as null.
    cap : float, optional
        The left-out cascades' largest size the bounds were read at (``cap_sensitivity``): the names end
        ``.with_left_out.cap_N.low`` / ``.high``.
    tolerance : float
        The findings' tolerance.
    note : str
        The findings' note, and the reason for a null.

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from wechat_study.findings import FINDINGS_ENV, read_recorded
    >>> from wechat_study import counterfactual_tail as ct
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {FINDINGS_ENV: f"{tmp}/f.jsonl"}):
    ...     ct.record_bounds("counterfactual.mine.share_by_1h", 0.02, float("nan"), "an assumption")
    ...     found = read_recorded(Path(tmp) / "f.jsonl")
    >>> {name: (f["value"], f.get("reason")) for name, f in found.items()}
    {'counterfactual.mine.share_by_1h.with_left_out.low': (0.02, None),
     'counterfactual.mine.share_by_1h.with_left_out.high': (None, 'not computable here: an assumption')}
    """
    from .findings import record_finding

    at = "" if cap is None else f".cap_{int(cap)}"
    for part, value in (("low", low), ("high", high)):
        ok = value is not None and np.isfinite(value)
        record_finding(
            f"{name}.with_left_out{at}.{part}",
            float(value) if ok else None,
            tolerance=tolerance,
            note=note,
            reason=None if ok else f"not computable here: {note}",
        )


def tail_analysis(
    durations: pd.DataFrame,
    final_size: pd.Series,
    window: pd.Series,
    times: dict,
    threshold: int,
    scenarios: dict | None = None,
    window_upper: float = 1000,
    donor_from: float = 900,
    cap: float = 10_000,
    exponents=(1.0, 1.5, 2.0),
    delays_h=(1.0, 24.0),
) -> tuple[dict, pd.DataFrame]:
    """The fitted tail (``pareto_exponent`` of ``window`` on [threshold, window_upper)) and ``sensitivity`` for
    it and the assumed ``exponents``. A threshold at or above the window's top leaves nothing to extrapolate
    from: the fit is NaN and only the observed row is computed.

    Parameters
    ----------
    durations : pandas.DataFrame
        One row per cascade: ``cascade_id``, ``duration_h`` (hours to the threshold), ``crossed``.
    final_size : pandas.Series
        Final reposts, indexed by ``cascade_id``.
    window : pandas.Series
        The size the window was cut on, one per row of ``durations`` (``window_sizes``).
    times : dict
        Cascade id -> seconds from the source of each post, source first.
    threshold : int
        The threshold in reposts; the tail is fitted on [threshold, ``window_upper``).
    scenarios : dict, optional
        {label: keywords of ``counterfactual.share_under_scenario``}.
    window_upper : float
        The window's top (CED: 1,000 reposts).
    donor_from : float
        The fastest bin's lower edge.
    cap : float
        The largest size given to the left-out cascades.
    exponents : sequence of float
        Assumed tail exponents, beside the fitted one.
    delays_h : sequence of float
        Fixed deletion delays, in hours.

    Returns
    -------
    fit : dict
        ``pareto_exponent``'s result.
    table : pandas.DataFrame
        ``sensitivity``'s table: tails labelled "fitted (α = ...)" and "fitted, low end of its 95% interval
        (α = ...)" (when the fit exists; the flatter end, which adds more cascades) and "assumed (α = ...)".

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> size = pd.Series([3, 6, 7, 9, 9, 4, 8, 9, 5, 6, 7, 5, 9, 6], index=list("abcdefghijklmn"))  # final reposts
    >>> times = {c: np.arange(s + 1) * 600.0 * (1 + i % 3) for i, (c, s) in enumerate(size.items())}  # s from source
    >>> durations = pd.DataFrame({"cascade_id": size.index, "crossed": size >= 5,  # the threshold: 5 reposts
    ...                           "duration_h": [t[5] / 3600 if len(t) > 5 else np.nan for t in times.values()]})
    >>> fit, table = ct.tail_analysis(durations, size, size, times, 5, window_upper=10, donor_from=9, cap=100,
    ...                               exponents=(1.0,))
    >>> fit["n"], table["tail"].unique().tolist()
    (12, ['none (the window as observed)', 'fitted (α = 0.25)', 'assumed (α = 1)'])
    """
    ok = threshold < window_upper
    fit = (
        pareto_exponent(window, threshold, window_upper)
        if ok
        else {"alpha": np.nan, "ci_low": np.nan, "ci_high": np.nan, "n": 0}
    )
    exps = {f"fitted (α = {fit['alpha']:.2f})": fit["alpha"]} if np.isfinite(fit["alpha"]) else {}
    if np.isfinite(fit["alpha"]) and np.isfinite(fit["ci_low"]) and 0 < fit["ci_low"] < fit["alpha"]:
        exps[f"fitted, low end of its 95% interval (α = {fit['ci_low']:.2f})"] = float(fit["ci_low"])
    exps |= {f"assumed (α = {a:g})": float(a) for a in exponents} if ok else {}
    table = sensitivity(
        durations,
        final_size,
        window.to_numpy(),
        exps,
        scenarios or {},
        threshold,
        window_upper,
        donor_from,
        cap,
        times,
        threshold,
        delays_h,
    )
    return fit, table


def cap_sensitivity(durations: pd.DataFrame, final_size: pd.Series, window: pd.Series, times: dict, threshold: int,
                    scenarios: dict, caps, columns, **assumptions) -> pd.DataFrame:
    """``tail_analysis``'s bounds (``bounds``) for each assumed largest size of the left-out cascades.

    The cap is an assumption: no cascade beyond the window's top is observed. A flat tail puts much of its weight
    near the cap, so the bounds are read again at each cap.

    Parameters
    ----------
    durations, final_size, window, times, threshold, scenarios
        As for ``tail_analysis``.
    caps : sequence of float
        The largest sizes tried, in reposts.
    columns : sequence of str
        Columns of ``tail_analysis``'s table to bound (``by_1h`` and the scenarios' labels).
    **assumptions
        ``tail_analysis``'s other keywords (``window_upper``, ``donor_from``, ``exponents``); a ``cap`` among
        them is ignored.

    Returns
    -------
    pandas.DataFrame
        One row per cap: ``cap`` and, per column, ``COLUMN_low`` and ``COLUMN_high`` (shares, 0–1).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> size = pd.Series([3, 6, 7, 9, 9, 4, 8, 9, 5, 6, 7, 5, 9, 6], index=list("abcdefghijklmn"))
    >>> times = {c: np.arange(s + 1) * 600.0 * (1 + i % 3) for i, (c, s) in enumerate(size.items())}
    >>> durations = pd.DataFrame({"cascade_id": size.index, "crossed": size >= 5,
    ...                           "duration_h": [t[5] / 3600 if len(t) > 5 else np.nan for t in times.values()]})
    >>> t = ct.cap_sensitivity(durations, size, size, times, 5, {}, [20, 100], ["by_1h"], window_upper=10,
    ...                        donor_from=9, exponents=(1.0,))
    >>> t["cap"].tolist(), bool((t["by_1h_low"] <= t["by_1h_high"]).all())
    ([20, 100], True)
    """
    rows = []
    kw = {k: v for k, v in assumptions.items() if k != "cap"}
    for cap in caps:
        _, table = tail_analysis(durations, final_size, window, times, threshold, scenarios, cap=cap, **kw)
        b = bounds(table, columns)
        rows.append({"cap": cap, **{f"{c}_{end}": b[c][i] for c in columns for i, end in enumerate(("low", "high"))}})
    return pd.DataFrame(rows)


def record_caps(table: pd.DataFrame, names: dict) -> None:
    """Record ``cap_sensitivity``'s rows: ``NAME.with_left_out.cap_N.low`` / ``.high`` per column (``record_bounds``).

    Parameters
    ----------
    table : pandas.DataFrame
        ``cap_sensitivity``'s table.
    names : dict
        Its column (``by_1h``, a scenario's label) -> the finding's name.

    Examples
    --------
    >>> import os, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> import pandas as pd
    >>> from wechat_study.findings import FINDINGS_ENV, read_recorded
    >>> from wechat_study import counterfactual_tail as ct
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {FINDINGS_ENV: f"{tmp}/f.jsonl"}):
    ...     ct.record_caps(pd.DataFrame({"cap": [5000], "by_1h_low": [0.01], "by_1h_high": [0.2]}), {"by_1h": "x.a"})
    ...     sorted(read_recorded(Path(tmp) / "f.jsonl"))
    ['x.a.with_left_out.cap_5000.high', 'x.a.with_left_out.cap_5000.low']
    """
    for r in table.to_dict("records"):
        for column, name in names.items():
            record_bounds(name, r[f"{column}_low"], r[f"{column}_high"], cap=r["cap"], tolerance=1e-9,
                          note=f"lowest and highest share with left-out cascades up to {r['cap']:,.0f} reposts, over "
                               "the tails and extrapolations")


def record_window(prefix: str, fit: dict, bins: pd.DataFrame, table: pd.DataFrame, names: dict) -> None:
    """Record the fitted tail exponent (``PREFIX.window.tail_exponent``), the median hours to the threshold of
    the lowest and top bins of final size, and for each ``names`` {table column: finding name} its bounds with
    the left-out cascades added (``record_bounds``).

    Parameters
    ----------
    prefix : str
        Finding names start with it (``counterfactual.ced``).
    fit : dict
        ``pareto_exponent``'s result.
    bins : pandas.DataFrame
        ``time_by_final_size``'s table; its first and last rows are recorded.
    table : pandas.DataFrame
        ``sensitivity``'s table.
    names : dict
        {table column: finding name}; a column not in ``table`` is recorded as null.

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from wechat_study.findings import FINDINGS_ENV, read_recorded
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> fit = {"alpha": 1.2, "ci_low": 0.9, "ci_high": 1.5, "n": 300}
    >>> bins = pd.DataFrame({"final_size": ["500–599", "900–999"], "crossers": [40, 12], "median_h": [20.0, 6.5]})
    >>> table = pd.DataFrame({"extrapolation": ["none", "fastest bin", "self-similar"], "by_1h": [0.01, 0.02, 0.05]})
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {FINDINGS_ENV: f"{tmp}/f.jsonl"}):
    ...     ct.record_window("counterfactual.mine", fit, bins, table, {"by_1h": "counterfactual.mine.by_1h"})
    ...     found = read_recorded(Path(tmp) / "f.jsonl")
    >>> {name: f["value"] for name, f in found.items()}
    {'counterfactual.mine.window.tail_exponent': 1.2,
     'counterfactual.mine.window.tail_exponent.ci_low': 0.9,
     'counterfactual.mine.window.tail_exponent.ci_high': 1.5,
     'counterfactual.mine.window.median_hours_to_threshold.lowest_size_bin': 20.0,
     'counterfactual.mine.window.median_hours_to_threshold.top_size_bin': 6.5,
     'counterfactual.mine.by_1h.with_left_out.low': 0.02,
     'counterfactual.mine.by_1h.with_left_out.high': 0.05}
    """
    from .adjust import record_estimate

    record_estimate(
        f"{prefix}.window.tail_exponent",
        fit["alpha"],
        fit["ci_low"],
        fit["ci_high"],
        note=f"power-law exponent of the size tail fitted inside the window ({fit['n']:,} cascades)"
        if np.isfinite(fit["alpha"])
        else "no window to fit the tail in",
    )
    for part, row in (("lowest_size_bin", bins.iloc[0]), ("top_size_bin", bins.iloc[-1])):
        record_estimate(
            f"{prefix}.window.median_hours_to_threshold.{part}",
            row["median_h"],
            np.nan,
            np.nan,
            note=f"median hours to the threshold of the {row['crossers']:,} crossers ending at "
            f"{row['final_size']} reposts"
            if row["crossers"]
            else f"no crosser ends at {row['final_size']}",
        )
    for column, name in names.items():
        low, high = bounds(table, [column])[column] if column in table else (np.nan, np.nan)
        record_bounds(
            name,
            low,
            high,
            "lowest and highest over the tail exponents and extrapolations, the "
            "cascades at or above the window's top that it left out added (an assumption)",
        )


def self_similar_check(
    durations: pd.DataFrame,
    final_size: pd.Series,
    times: dict,
    threshold: int,
    donor_to: float,
    target_to: float,
    delays_h=(1.0,),
) -> pd.DataFrame:
    """The self-similar rule tested inside the window: the top bin's times to the threshold (crossers with final
    size in [``donor_to``, ``target_to``)) predicted from the lower bins' growth curves (crossers in [threshold,
    ``donor_to``)), each donor at the fraction threshold / S for each target size S, against the observed ones.
    Rows ``observed`` and ``predicted``: ``cascades, median_h, by_<d>h``.

    Parameters
    ----------
    durations : pandas.DataFrame
        One row per cascade: ``cascade_id``, ``duration_h`` (hours to the threshold), ``crossed``.
    final_size : pandas.Series
        Final reposts, indexed by ``cascade_id``.
    times : dict
        Cascade id -> seconds from the source of each post, source first (every donor's).
    threshold : int
        The threshold in reposts.
    donor_to : float
        The top bin's lower edge: donors end in [threshold, donor_to).
    target_to : float
        The top bin's upper edge (the window's top).
    delays_h : sequence of float
        The delays d, in hours.

    Returns
    -------
    pandas.DataFrame
        Columns ``times`` (``"observed"``, ``"predicted"``), ``cascades`` (times counted: targets, or donors x
        targets), ``median_h`` and ``by_<d>h``; NaN where there are no times.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> size = pd.Series([3, 6, 7, 9, 9, 4, 8, 9, 5, 6, 7, 5, 9, 6], index=list("abcdefghijklmn"))  # final reposts
    >>> times = {c: np.arange(s + 1) * 600.0 * (1 + i % 3) for i, (c, s) in enumerate(size.items())}  # s from source
    >>> durations = pd.DataFrame({"cascade_id": size.index, "crossed": size >= 5,  # the threshold: 5 reposts
    ...                           "duration_h": [t[5] / 3600 if len(t) > 5 else np.nan for t in times.values()]})
    >>> ct.self_similar_check(durations, size, times, 5, 9, 10).round(3)
           times  cascades  median_h  by_1h
    0   observed         4     1.250   0.50
    1  predicted        32     1.333   0.25
    """
    size = final_size.reindex(durations["cascade_id"]).to_numpy(float)
    c = durations["crossed"].to_numpy(bool)
    target = durations[c & (size >= donor_to) & (size < target_to)]
    donors = durations["cascade_id"][c & (size >= threshold) & (size < donor_to)]
    observed = target["duration_h"].to_numpy(float)
    sizes = final_size.reindex(target["cascade_id"]).to_numpy(float)
    pred = []
    for cid in donors:
        ts = times[cid]
        k = np.minimum(np.ceil(threshold * (len(ts) - 1) / sizes).astype(int), len(ts) - 1)
        pred.extend(ts[np.maximum(k, 1)] / 3600)
    rows = []
    for name, t in (("observed", observed), ("predicted", np.asarray(pred, float))):
        rows.append(
            {"times": name, "cascades": len(t), "median_h": float(np.median(t)) if len(t) else np.nan}
            | {f"by_{d:g}h": float(np.mean(t <= d)) if len(t) else np.nan for d in delays_h}
        )
    return pd.DataFrame(rows)


def record_check(prefix: str, check: pd.DataFrame) -> None:
    """Record ``self_similar_check``: ``PREFIX.window.self_similar_check.{observed,predicted}_{median_h,by_1h}``
    (null with a reason where the window has no crosser to check on).

    Parameters
    ----------
    prefix : str
        Finding names start with it (``counterfactual.ced``).
    check : pandas.DataFrame
        ``self_similar_check``'s table, with its ``by_1h`` column.

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from wechat_study.findings import FINDINGS_ENV, read_recorded
    >>> import pandas as pd
    >>> from wechat_study import counterfactual_tail as ct
    >>> check = pd.DataFrame({"times": ["observed", "predicted"], "cascades": [4, 32], "median_h": [1.25, 1.5],
    ...                       "by_1h": [0.5, 0.25]})
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {FINDINGS_ENV: f"{tmp}/f.jsonl"}):
    ...     ct.record_check("counterfactual.mine", check)
    ...     found = read_recorded(Path(tmp) / "f.jsonl")
    >>> {name.split(".")[-1]: f["value"] for name, f in found.items()}
    {'observed_median_h': 1.25, 'observed_by_1h': 0.5, 'predicted_median_h': 1.5, 'predicted_by_1h': 0.25}
    """
    from .adjust import record_estimate

    for r in check.itertuples():
        for col, what in (("median_h", "median hours to the threshold"), ("by_1h", "share across by 1 h")):
            record_estimate(
                f"{prefix}.window.self_similar_check.{r.times}_{col}",
                getattr(r, col),
                np.nan,
                np.nan,
                note=f"{what} of the window's top bin, {r.times} ({r.cascades:,} times)"
                if r.cascades
                else "no crosser in the window's bins to check the rule on",
            )
