"""Crude and reach-adjusted group comparisons (rumour vs non-rumour, after vs before).

CED's rumours come from Weibo's rumour-refutation reports: their sources have far fewer followers
than its non-rumours', and few are small. A crude difference between the groups is confounded by that
reach, so every comparison is given crude and adjusted for the source author's reach (log10(1 +
followers), verified status) and the year of the source post: by stratification (Mantel-Haenszel over
follower quintiles for a binary outcome; weighted within-stratum differences of medians for a
continuous one) and by regression (logistic; median regression and OLS), each with a 95% interval.
Sources whose reach is unknown (CED's 87 ``"user": "empty"`` sources, all rumours) are excluded from
the adjusted estimates and counted. docs/methods.md#3-comparisons-and-confounders.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "REACH", "LEVEL", "reach_covariates", "available_covariates", "newcombe_difference", "compare_binary",
    "compare_continuous", "headline", "comparison_frame", "reach_missing", "record_estimate", "record_row",
    "side_by_side", "reach_table", "record_reach", "box_add"
]

#: The source author's reach and the period: what a rumour vs non-rumour comparison is adjusted for.
REACH = ("log_followers", "verified", "year")
LEVEL = 0.95
# Median regression (statsmodels QuantReg, iteratively reweighted least squares) run to convergence: at its
# default p_tol of 1e-6 a change of 1e-15 in the data moved an adjusted CED estimate by 0.3%.
MEDIAN_FIT = {"q": 0.5, "max_iter": 20_000, "p_tol": 1e-10}


def reach_covariates(cascades: pd.DataFrame, min_year_share: float = 0.01) -> pd.DataFrame:
    """One row per cascade: the confounders a group comparison adjusts for.

    Columns: ``cascade_id``, ``author_id`` (the source author's pseudonym: the cluster of clustered
    intervals), ``label``, ``followers`` (raw, may be null), ``log_followers``
    (log10(1 + followers)), ``verified`` (1.0 / 0.0, NaN when unknown), ``year`` (UTC year of the
    source post; years at either end holding under ``min_year_share`` of the cascades are pooled
    with their neighbour), ``reach_known`` (every available reach covariate is known) and
    ``follower_quintile`` (1-5 over the cascades with known reach, null otherwise).

    A covariate the data set does not record at all (all null, e.g. ``verified`` outside CED)
    is left NaN and dropped from the models by ``available_covariates``; a covariate that is
    recorded but missing for some cascades makes those cascades ``reach_known = False``: they
    are excluded from the adjusted estimates and counted (``excluded`` in every result).

    Parameters
    ----------
    cascades : pandas.DataFrame
        A cascades table: ``cascade_id``, ``label``, ``author_followers``, ``created_at`` and, where present,
        ``author_verified`` and ``author_id``.
    min_year_share : float
        The share (0–1) of cascades below which an end year is pooled: years are clipped to the
        ``min_year_share`` and ``1 - min_year_share`` quantiles.

    Returns
    -------
    pandas.DataFrame
        One row per cascade, in the table's order, with the columns above. Quintiles are made only when at
        least five cascades have a known reach.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> covariates = adjust.reach_covariates(corpus.cascades)
    >>> covariates[["label", "followers", "log_followers", "year", "reach_known", "follower_quintile"]].head(3).round(3)
            label  followers  log_followers    year  reach_known  follower_quintile
    0  non-rumour     2362.0          3.373  2014.0         True                4.0
    1  non-rumour      583.0          2.766  2014.0         True                2.0
    2  non-rumour      610.0          2.786  2014.0         True                3.0
    """
    c = cascades.reset_index(drop=True)
    followers = c["author_followers"].astype("Float64").astype(float)
    verified = (
        c["author_verified"].astype("Float64").astype(float)
        if "author_verified" in c
        else pd.Series(np.nan, index=c.index)
    )
    year = c["created_at"].dt.year.astype(float)
    known_years = year.dropna()
    if len(known_years):
        lo, hi = known_years.quantile(min_year_share), known_years.quantile(1 - min_year_share)
        year = year.clip(lo, hi)
    out = pd.DataFrame(
        {
            "cascade_id": c["cascade_id"].astype(str),
            "author_id": c["author_id"] if "author_id" in c else pd.Series(pd.NA, index=c.index, dtype="string"),
            "label": c["label"],
            "followers": followers,
            "log_followers": np.log10(1 + followers),
            "verified": verified,
            "year": year,
        }
    )
    recorded = [k for k in REACH if out[k].notna().any()]
    out["reach_known"] = out[recorded].notna().all(axis=1) if recorded else False
    out["follower_quintile"] = np.nan
    known = out["reach_known"] & out["followers"].notna()
    if known.sum() >= 5:
        out.loc[known, "follower_quintile"] = (
            pd.qcut(out.loc[known, "followers"].rank(method="first"), 5, labels=False) + 1
        )
    return out


def available_covariates(frame: pd.DataFrame, covariates=REACH) -> list[str]:
    """The covariates that vary in ``frame`` (a constant or unrecorded one cannot be adjusted for).

    Parameters
    ----------
    frame : pandas.DataFrame
        Usually the cascades of known reach (``reach_covariates``' table, or one merged with it).
    covariates : sequence of str
        The candidates, in order (default ``REACH``).

    Returns
    -------
    list of str
        Those that are columns of ``frame`` with more than one distinct non-null value, in the order given.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> adjust.available_covariates(adjust.reach_covariates(corpus.cascades))
    ['log_followers', 'year']
    """
    return [k for k in covariates if k in frame and frame[k].nunique(dropna=True) > 1]


def _term(k: str) -> str:
    return "C(year)" if k == "year" else k


def _result(method, estimand, estimate=np.nan, ci=(np.nan, np.nan), p=np.nan, n=0, excluded=0, note="") -> dict:
    return {
        "method": method,
        "estimand": estimand,
        "estimate": float(estimate),
        "ci_low": float(ci[0]),
        "ci_high": float(ci[1]),
        "p_value": float(p),
        "cascades": int(n),
        "excluded": int(excluded),
        "note": note,
    }


def newcombe_difference(k1, n1, k2, n2, level: float = LEVEL) -> tuple[float, float, float]:
    """Difference of two proportions k1/n1 - k2/n2 with Newcombe's hybrid-score interval (from Wilson intervals).

    Parameters
    ----------
    k1, n1 : int
        Successes and trials of the first group.
    k2, n2 : int
        Successes and trials of the second group.
    level : float
        Interval coverage, 0–1 (default 0.95).

    Returns
    -------
    difference, ci_low, ci_high : float
        k1/n1 - k2/n2 and its interval, on the share scale (-1 to 1).

    Examples
    --------
    >>> from wechat_study import adjust
    >>> [round(float(x), 4) for x in adjust.newcombe_difference(30, 100, 20, 100)]
    [0.1, -0.0202, 0.2167]
    """
    from .thresholds import wilson_interval

    p1, p2 = k1 / n1, k2 / n2
    (l1, l2), (u1, u2) = wilson_interval([k1, k2], [n1, n2], level)
    d = p1 - p2
    return d, d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2), d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)


def _two_by_two(y: np.ndarray, g: np.ndarray) -> np.ndarray:
    return np.array([[np.sum(y & g), np.sum(~y & g)], [np.sum(y & ~g), np.sum(~y & ~g)]], dtype=float)


def compare_binary(
    frame: pd.DataFrame,
    outcome: str,
    group: str = "label",
    a: str = "rumour",
    b: str = "non-rumour",
    covariates=REACH,
    strata=("follower_quintile",),
    level: float = LEVEL,
) -> pd.DataFrame:
    """Group ``a`` against group ``b`` on a binary ``outcome``: crude and adjusted, with 95% intervals.

    ``frame`` holds the outcome, the group and the covariates (``reach_covariates`` merged with
    the outcome). Rows (``method, estimand, estimate, ci_low, ci_high, p_value, cascades,
    excluded, note``):

    - ``crude``: odds ratio (Woolf interval, Fisher's exact p) and difference of shares (a - b,
      Newcombe interval), over every cascade of the two groups;
    - ``crude, known reach``: the same odds ratio over the cascades the adjusted rows use;
    - ``Mantel-Haenszel``: the odds ratio pooled over the ``strata`` cells (follower quintiles by
      default; statsmodels ``StratifiedTable``, Robins-Breslow-Greenland interval);
    - ``logistic regression``: exp of the group coefficient with the covariates that vary
      (``available_covariates``; ``year`` as categories), Wald interval.

    An estimate that cannot exist (no cascade crosses in a group, a model that does not
    converge) is NaN with the reason in ``note``. docs/methods.md#3-comparisons-and-confounders.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade: ``outcome``, ``group``, ``reach_known``, the ``strata`` and the covariates.
    outcome : str
        A boolean column (e.g. crossed the threshold).
    group : str
        The column that names the groups.
    a, b : str
        The group compared and the one it is compared against; other groups are left out.
    covariates : sequence of str
        Covariates of the logistic regression, used where they vary (``available_covariates``).
    strata : sequence of str
        Columns whose combinations make the Mantel-Haenszel strata.
    level : float
        Interval coverage, 0–1.

    Returns
    -------
    pandas.DataFrame
        Five rows (one per estimate above), columns ``method, estimand, estimate, ci_low, ci_high, p_value,
        cascades, excluded, note``; the crude difference of shares is left out when a group is empty.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10,))
    >>> frame = adjust.comparison_frame(corpus.cascades, metrics).assign(crossed=lambda d: d["time_to_10_s"].notna())
    >>> table = adjust.compare_binary(frame, "crossed")
    >>> table[["method", "estimand", "estimate"]].round(3)
                                          method              estimand  estimate
    0                                      crude            odds ratio     0.686
    1                                      crude  difference of shares    -0.093
    2                         crude, known reach            odds ratio     0.686
    3        Mantel-Haenszel (follower quintile)            odds ratio     0.648
    4  logistic regression (log_followers, year)            odds ratio     0.680
    """
    import statsmodels.api as sm
    import statsmodels.formula.api as smf
    from scipy import stats as st

    d = frame[frame[group].isin([a, b])]
    z = st.norm.ppf(0.5 + level / 2)
    rows = []
    for label, sub in [("crude", d), ("crude, known reach", d[d["reach_known"]])]:
        t = _two_by_two(sub[outcome].to_numpy(bool), (sub[group] == a).to_numpy())
        if (t == 0).any():
            rows.append(
                _result(
                    label, "odds ratio", n=len(sub), excluded=len(d) - len(sub), note="a cell of the 2x2 table is empty"
                )
            )
        else:
            lor, se = np.log(t[0, 0] * t[1, 1] / (t[0, 1] * t[1, 0])), np.sqrt((1 / t).sum())
            rows.append(
                _result(
                    label,
                    "odds ratio",
                    np.exp(lor),
                    np.exp([lor - z * se, lor + z * se]),
                    st.fisher_exact(t).pvalue,
                    len(sub),
                    len(d) - len(sub),
                )
            )
        if label == "crude" and t.sum(axis=1).min() > 0:
            diff = newcombe_difference(t[0, 0], t[0].sum(), t[1, 0], t[1].sum(), level)
            rows.append(_result(label, "difference of shares", diff[0], diff[1:], st.fisher_exact(t).pvalue, len(d)))
    known = d[d["reach_known"]]
    excluded = len(d) - len(known)
    cells = known.dropna(subset=list(strata))
    tables = [
        _two_by_two(s[outcome].to_numpy(bool), (s[group] == a).to_numpy())
        for _, s in cells.groupby(list(strata), sort=True)
    ]
    tables = [x for x in tables if x[0].sum() > 0 and x[1].sum() > 0]
    name = f"Mantel-Haenszel ({', '.join(s.replace('_', ' ') for s in strata)})"
    if tables and sum(x[:, 0].sum() for x in tables) > 0 and sum(x[:, 1].sum() for x in tables) > 0:
        st_table = sm.stats.StratifiedTable([x.astype(float) for x in tables])
        rows.append(
            _result(
                name,
                "odds ratio",
                st_table.oddsratio_pooled,
                st_table.oddsratio_pooled_confint(1 - level),
                st_table.test_null_odds().pvalue,
                sum(x.sum() for x in tables),
                len(d) - sum(x.sum() for x in tables),
                f"{len(tables)} strata with both groups",
            )
        )
    else:
        rows.append(_result(name, "odds ratio", n=len(cells), excluded=excluded, note="no stratum has both outcomes"))
    covs = available_covariates(known, covariates)
    name = f"logistic regression ({', '.join(covs) or 'no covariates'})"
    fit = _fit(
        lambda: smf.logit(
            _formula(outcome, covs),
            known.assign(**{outcome: known[outcome].astype(float)}, _g=(known[group] == a).astype(float)),
        ).fit(disp=0)
    )
    if isinstance(fit, str):
        rows.append(_result(name, "odds ratio", n=len(known), excluded=excluded, note=fit))
    else:
        lo, hi = fit.conf_int(1 - level).loc["_g"]
        rows.append(
            _result(
                name,
                "odds ratio",
                np.exp(fit.params["_g"]),
                (np.exp(lo), np.exp(hi)),
                fit.pvalues["_g"],
                int(fit.nobs),
                excluded,
            )
        )
    return pd.DataFrame(rows)


def _formula(outcome: str, covs) -> str:
    return f"Q('{outcome}') ~ _g" + "".join(f" + {_term(k)}" for k in covs)


def _fit(build):
    """A fitted statsmodels model, or the reason it could not be fitted."""
    import warnings

    from statsmodels.tools.sm_exceptions import (
        ConvergenceWarning,
        PerfectSeparationError,
        PerfectSeparationWarning,
    )

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", ConvergenceWarning)
            warnings.simplefilter("error", PerfectSeparationWarning)
            fit = build()
    except (
        PerfectSeparationError,
        PerfectSeparationWarning,
        np.linalg.LinAlgError,
        ConvergenceWarning,
        ValueError,
        ZeroDivisionError,
    ) as e:
        return f"not estimable: {_why(e)}"
    if not np.all(np.isfinite(fit.params)) or not np.all(np.isfinite(fit.bse)):
        return "not estimable: infinite coefficient (separation)"
    return fit


def _why(error: Exception) -> str:
    """Why a fit failed, in words (the exception's type is for the log, not the reader)."""
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, PerfectSeparationError, PerfectSeparationWarning

    if isinstance(error, (PerfectSeparationError, PerfectSeparationWarning)):
        return "one group always or never crosses (separation)"
    if isinstance(error, np.linalg.LinAlgError):
        return "the covariates are collinear or constant"
    if isinstance(error, ConvergenceWarning):
        return "the fit did not converge"
    if isinstance(error, ZeroDivisionError):
        return "too few clusters for a clustered interval"
    return "the fit failed" + (f" ({str(error).splitlines()[0][:120]})" if str(error) else "")


def compare_continuous(
    frame: pd.DataFrame,
    outcome: str,
    group: str = "label",
    a: str = "rumour",
    b: str = "non-rumour",
    covariates=REACH,
    extra=(),
    strata=("follower_quintile",),
    log: bool = False,
    level: float = LEVEL,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Group ``a`` against group ``b`` on a continuous ``outcome``: crude and adjusted, with 95% intervals.

    The estimand is the difference of medians (a - b); with ``log=True`` the outcome is logged
    first and the estimate is the ratio of medians (a / b). ``extra`` are further covariates
    (e.g. ``log_size`` for structural virality) added to the regressions and, cut into the
    ``strata`` given, to the stratification. Rows as ``compare_binary``:

    - ``crude``: the sample difference of medians, bootstrap interval, Mann-Whitney U p-value;
    - ``crude, known reach``: the same over the cascades the adjusted rows use;
    - ``stratified``: the per-stratum differences of medians, averaged with weights
      n_a·n_b/(n_a + n_b), with a stratified bootstrap interval (``n_boot`` draws, ``seed``);
    - ``median regression`` (statsmodels ``QuantReg``, q = 0.5) and ``OLS`` (difference of
      means, HC3 interval), each with the covariates that vary.

    docs/methods.md#3-comparisons-and-confounders.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade: ``outcome``, ``group``, ``reach_known``, the ``strata``, the covariates and
        ``extra``. Rows with no ``outcome`` are left out (and, with ``log``, those not above 0).
    outcome : str
        A numeric column (e.g. hours to the threshold).
    group : str
        The column that names the groups.
    a, b : str
        The group compared and the one it is compared against; other groups are left out.
    covariates : sequence of str
        Reach covariates of the regressions, used where they vary (``available_covariates``).
    extra : sequence of str
        Further covariates of the regressions, used where they vary.
    strata : sequence of str
        Columns whose combinations make the strata of the stratified estimate.
    log : bool
        Log the outcome: estimates become ratios (``ratio of medians``; ``ratio of geometric means`` for OLS).
    level : float
        Interval coverage, 0–1.
    n_boot : int
        Bootstrap draws of the crude and stratified intervals.
    seed : int
        Seed of the bootstraps.

    Returns
    -------
    pandas.DataFrame
        Up to five rows (one per estimate above; no OLS row when the cascades of known reach hold one group),
        columns as ``compare_binary``'s.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10,))
    >>> frame = adjust.comparison_frame(corpus.cascades, metrics).assign(crossed=lambda d: d["time_to_10_s"].notna())
    >>> table = adjust.compare_continuous(frame, "structural_virality", n_boot=200)
    >>> table[["method", "estimand", "estimate"]].round(3)
                                        method               estimand  estimate
    0                                    crude  difference of medians    -0.076
    1                       crude, known reach  difference of medians    -0.076
    2           stratified (follower quintile)  difference of medians    -0.120
    3  median regression (log_followers, year)  difference of medians    -0.053
    4                OLS (log_followers, year)    difference of means    -0.193
    """
    import statsmodels.formula.api as smf

    d = frame[frame[group].isin([a, b])].dropna(subset=[outcome])
    if log:
        d = d[d[outcome] > 0].assign(**{outcome: np.log(d.loc[d[outcome] > 0, outcome])})
    back = np.exp if log else (lambda x: x)
    estimand = "ratio of medians" if log else "difference of medians"
    known = d[d["reach_known"]]
    excluded = len(d) - len(known)
    rows = []

    def qr(data, covs, label, est=estimand):
        if data[group].nunique() < 2:
            return _result(label, est, n=len(data), excluded=len(d) - len(data), note="only one group present")
        fit = _fit(
            lambda: smf.quantreg(_formula(outcome, covs), data.assign(_g=(data[group] == a).astype(float))).fit(
                **MEDIAN_FIT
            )
        )
        if isinstance(fit, str):
            return _result(label, est, n=len(data), excluded=len(d) - len(data), note=fit)
        lo, hi = fit.conf_int(1 - level).loc["_g"]
        return _result(
            label,
            est,
            back(fit.params["_g"]),
            (back(lo), back(hi)),
            fit.pvalues["_g"],
            int(fit.nobs),
            len(d) - len(data),
        )

    rows.append(_crude_medians(d, outcome, group, a, "crude", estimand, back, level, n_boot, seed, 0))
    rows.append(
        _crude_medians(known, outcome, group, a, "crude, known reach", estimand, back, level, n_boot, seed, excluded)
    )
    rows.append(
        _stratified_medians(known, outcome, group, a, list(strata), estimand, back, level, n_boot, seed, excluded)
    )
    covs = available_covariates(known, covariates) + [k for k in extra if known[k].nunique() > 1]
    rows.append(qr(known, covs, f"median regression ({', '.join(covs) or 'no covariates'})"))
    if known[group].nunique() == 2:
        fit = _fit(
            lambda: smf.ols(_formula(outcome, covs), known.assign(_g=(known[group] == a).astype(float))).fit(
                cov_type="HC3"
            )
        )
        est = "ratio of geometric means" if log else "difference of means"
        if isinstance(fit, str):
            rows.append(_result(f"OLS ({', '.join(covs)})", est, n=len(known), excluded=excluded, note=fit))
        else:
            lo, hi = fit.conf_int(1 - level).loc["_g"]
            rows.append(
                _result(
                    f"OLS ({', '.join(covs) or 'no covariates'})",
                    est,
                    back(fit.params["_g"]),
                    (back(lo), back(hi)),
                    fit.pvalues["_g"],
                    int(fit.nobs),
                    excluded,
                )
            )
    return pd.DataFrame(rows)


def _crude_medians(d, outcome, group, a, name, estimand, back, level, n_boot, seed, excluded) -> dict:
    from scipy import stats as st

    xa, xb = d.loc[d[group] == a, outcome].to_numpy(float), d.loc[d[group] != a, outcome].to_numpy(float)
    if not len(xa) or not len(xb):
        return _result(name, estimand, n=len(d), excluded=excluded, note="only one group present")
    rng = np.random.default_rng(seed)
    draws = np.median(rng.choice(xa, (n_boot, len(xa))), axis=1) - np.median(rng.choice(xb, (n_boot, len(xb))), axis=1)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    p = st.mannwhitneyu(xa, xb, alternative="two-sided").pvalue
    return _result(
        name,
        estimand,
        back(np.median(xa) - np.median(xb)),
        (back(lo), back(hi)),
        p,
        len(d),
        excluded,
        f"bootstrap interval, {n_boot} draws; Mann-Whitney U p",
    )


def _stratified_medians(d, outcome, group, a, strata, estimand, back, level, n_boot, seed, excluded) -> dict:
    name = f"stratified ({', '.join(s.replace('_', ' ') for s in strata)})"
    cells = []
    for _, s in d.dropna(subset=strata).groupby(strata, sort=True):
        xa, xb = s.loc[s[group] == a, outcome].to_numpy(), s.loc[s[group] != a, outcome].to_numpy()
        if len(xa) and len(xb):
            cells.append((xa, xb))
    if not cells:
        return _result(name, estimand, n=len(d), excluded=excluded, note="no stratum has both groups")
    w = np.array([len(xa) * len(xb) / (len(xa) + len(xb)) for xa, xb in cells])
    w = w / w.sum()

    def estimate(pairs):
        return float(np.sum(w * [np.median(xa) - np.median(xb) for xa, xb in pairs]))

    rng = np.random.default_rng(seed)
    draws = [estimate([(rng.choice(xa, len(xa)), rng.choice(xb, len(xb))) for xa, xb in cells]) for _ in range(n_boot)]
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    n = sum(len(xa) + len(xb) for xa, xb in cells)
    return _result(
        name,
        estimand,
        back(estimate(cells)),
        (back(lo), back(hi)),
        np.nan,
        n,
        excluded + len(d) - n,
        f"{len(cells)} strata with both groups; weights n_a*n_b/(n_a+n_b); {n_boot} bootstrap draws",
    )


def headline(table: pd.DataFrame, prefer: str = "regression") -> pd.Series:
    """The row of a comparison table the wording follows: the first regression row that has an estimate
    (``median regression`` before ``OLS``; ``logistic regression`` for a binary outcome).

    Parameters
    ----------
    table : pandas.DataFrame
        A comparison table (``compare_binary``, ``compare_continuous``).
    prefer : str
        Text the row's ``method`` contains (default ``regression``).

    Returns
    -------
    pandas.Series
        The first row whose method contains ``prefer`` and whose estimate is not NaN; when none has an
        estimate, the first whose method contains ``prefer`` (an ``IndexError`` when there is none).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10,))
    >>> frame = adjust.comparison_frame(corpus.cascades, metrics).assign(crossed=lambda d: d["time_to_10_s"].notna())
    >>> row = adjust.headline(adjust.compare_binary(frame, "crossed"))
    >>> row["method"], round(float(row["estimate"]), 3)
    ('logistic regression (log_followers, year)', 0.68)
    """
    ok = table[table["method"].str.contains(prefer) & table["estimate"].notna()]
    return ok.iloc[0] if len(ok) else table[table["method"].str.contains(prefer)].iloc[0]


def comparison_frame(cascades: pd.DataFrame, metrics: pd.DataFrame) -> pd.DataFrame:
    """``reach_covariates`` joined with each cascade's measures (``cascade_metrics`` columns), plus ``log_size``
    (natural log of nodes) and a ``size_bin`` (nodes: [2, 10), [10, 30), [30, 100), [100, 300), [300, 1000), 1000+).

    Parameters
    ----------
    cascades : pandas.DataFrame
        A cascades table, as ``reach_covariates`` takes it.
    metrics : pandas.DataFrame
        Cascade metrics (``cascade_metrics``), one row per cascade.

    Returns
    -------
    pandas.DataFrame
        One row per cascade present in both tables (an inner join on ``cascade_id``; a repeated id is a
        ``pandas.errors.MergeError``), in the order and with the index of ``metrics``. ``size_bin`` is the
        bin's number, 0 to 5 as listed above, NaN for a cascade of one node.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> frame = adjust.comparison_frame(corpus.cascades, ws.cascade_metrics(corpus.posts))
    >>> frame[["cascade_id", "size", "log_size", "size_bin"]].head(3).round(3)
      cascade_id  size  log_size  size_bin
    0         c0    11     2.398       1.0
    1         c1     3     1.099       0.0
    2         c2    13     2.565       1.0
    """
    frame = reach_covariates(cascades).merge(metrics, on="cascade_id", how="inner", validate="one_to_one")
    at = pd.Index(metrics["cascade_id"]).get_indexer(frame["cascade_id"])
    order = np.argsort(at, kind="stable")  # metrics' rows and index, so that its Series pair with the frame's
    frame = frame.iloc[order].set_axis(metrics.index[at[order]])
    frame["log_size"] = np.log(frame["size"].astype(float))
    frame["size_bin"] = pd.cut(frame["size"], [2, 10, 30, 100, 300, 1000, np.inf], right=False, labels=False)
    return frame


def reach_missing(frame: pd.DataFrame, group: str = "label") -> pd.DataFrame:
    """How many cascades lack a reach covariate, by group: ``group, cascades, reach_unknown``.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``reach_covariates``' table, or one merged with it (``group`` and ``reach_known``).
    group : str
        The column that names the groups.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted: the group, ``cascades`` and ``reach_unknown`` (cascades with
        ``reach_known`` False).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> adjust.reach_missing(adjust.reach_covariates(corpus.cascades))
            label  cascades  reach_unknown
    0  non-rumour        82              0
    1      rumour        63              0
    """
    g = frame.groupby(group, sort=True)
    return pd.DataFrame(
        {"cascades": g.size(), "reach_unknown": g["reach_known"].apply(lambda s: int((~s).sum()))}
    ).reset_index()


def record_estimate(name: str, estimate, ci_low, ci_high, note: str, tolerance: float = 1e-9) -> str:
    """Record ``name`` with ``name.ci_low`` / ``name.ci_high`` and return a one-line summary.

    An estimate that does not exist (NaN: nothing crossed, a model not estimable) is recorded as not
    reached (null, with ``note`` as its reason, and no interval); the returned line says so.

    Parameters
    ----------
    name : str
        The finding's name, dotted lowercase words.
    estimate : float or None
        The estimate.
    ci_low, ci_high : float or None
        Its interval; a bound that is None or not finite is not recorded.
    note : str
        A short sentence for readers (and the reason, when the estimate is missing).
    tolerance : float
        The findings' absolute tolerance.

    Returns
    -------
    str
        ``name = estimate (95% CI low to high)``, four significant digits; or ``name: not reached (note).``

    Examples
    --------
    >>> from wechat_study import adjust
    >>> adjust.record_estimate("thresholds.mine.share", 0.25, 0.2, 0.3, "made up")
    'thresholds.mine.share = 0.25 (95% CI 0.2 to 0.3)'
    >>> adjust.record_estimate("thresholds.mine.odds", float("nan"), None, None, "no cascade crosses")
    'thresholds.mine.odds: not reached (no cascade crosses).'
    """
    from .findings import record_finding

    if estimate is None or not np.isfinite(estimate):
        record_finding(name, None, tolerance=tolerance, note=note, reason=note)
        return f"{name}: not reached ({note})."
    record_finding(name, float(estimate), tolerance=tolerance, note=note)
    for part, value in (("ci_low", ci_low), ("ci_high", ci_high)):
        if value is not None and np.isfinite(value):
            record_finding(f"{name}.{part}", float(value), tolerance=tolerance, note=f"95% interval of {name}")
    return f"{name} = {estimate:.4g} (95% CI {ci_low:.4g} to {ci_high:.4g})"


def record_row(name: str, table: pd.DataFrame, method: str, note: str = "", estimand: str | None = None) -> str:
    """``record_estimate`` for the first row of a comparison table whose method starts with ``method``
    (and whose estimand is ``estimand``, when given); the note names the method and the population.

    The tolerance is 1e-6 for regression and OLS rows (iterative fits) and 1e-9 otherwise.

    Parameters
    ----------
    name : str
        The finding's name, dotted lowercase words.
    table : pandas.DataFrame
        A comparison table (``compare_binary``, ``compare_continuous``).
    method : str
        The start of the row's ``method`` (e.g. ``crude``, ``logistic``).
    note : str
        Words added to the finding's note.
    estimand : str, optional
        The row's ``estimand`` too (e.g. ``odds ratio``).

    Returns
    -------
    str
        ``record_estimate``'s line. No matching row is an ``IndexError``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10,))
    >>> frame = adjust.comparison_frame(corpus.cascades, metrics).assign(crossed=lambda d: d["time_to_10_s"].notna())
    >>> adjust.record_row("thresholds.mine.rumour_odds_ratio", adjust.compare_binary(frame, "crossed"), "logistic")
    'thresholds.mine.rumour_odds_ratio = 0.6797 (95% CI 0.3484 to 1.326)'
    """
    rows = table[table["method"].str.startswith(method)]
    if estimand is not None:
        rows = rows[rows["estimand"] == estimand]
    r = rows.iloc[0]
    text = (
        f"{r['estimand']}, {r['method']}; {r['cascades']:,} cascades, {r['excluded']:,} excluded"
        + (f"; {note}" if note else "")
        + (f"; {r['note']}" if r["note"] else "")
    )
    # iterative fits (regressions) are reproducible to about 1e-6, closed forms and seeded bootstraps exactly
    tolerance = 1e-6 if ("regression" in r["method"] or "OLS" in r["method"]) else 1e-9
    return record_estimate(name, r["estimate"], r["ci_low"], r["ci_high"], text, tolerance)


def side_by_side(table: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """A comparison table for reading: one row per method, the estimate with its interval as text.

    Parameters
    ----------
    table : pandas.DataFrame
        A comparison table (``compare_binary``, ``compare_continuous``).
    digits : int
        Significant digits of the estimate and its bounds.

    Returns
    -------
    pandas.DataFrame
        ``method``, ``estimand``, ``estimate (95% CI)`` (``not estimable (note)`` for a NaN estimate), ``p``
        (two significant digits, empty when NaN), ``cascades`` and ``excluded``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10,))
    >>> frame = adjust.comparison_frame(corpus.cascades, metrics).assign(crossed=lambda d: d["time_to_10_s"].notna())
    >>> adjust.side_by_side(adjust.compare_binary(frame, "crossed"))[["estimand", "estimate (95% CI)", "p"]]
                   estimand           estimate (95% CI)     p
    0            odds ratio       0.686 (0.354 to 1.33)  0.31
    1  difference of shares  -0.0933 (-0.249 to 0.0684)  0.31
    2            odds ratio       0.686 (0.354 to 1.33)  0.31
    3            odds ratio       0.648 (0.326 to 1.29)  0.22
    4            odds ratio        0.68 (0.348 to 1.33)  0.26
    """

    def fmt(r):
        if not np.isfinite(r["estimate"]):
            return f"not estimable ({r['note']})"
        return f"{r['estimate']:.{digits}g} ({r['ci_low']:.{digits}g} to {r['ci_high']:.{digits}g})"

    return pd.DataFrame(
        {
            "method": table["method"],
            "estimand": table["estimand"],
            "estimate (95% CI)": table.apply(fmt, axis=1),
            "p": table["p_value"].map(lambda p: f"{p:.2g}" if np.isfinite(p) else ""),
            "cascades": table["cascades"],
            "excluded": table["excluded"],
        }
    )


def reach_table(frame: pd.DataFrame, group: str = "label") -> pd.DataFrame:
    """Who the groups are: per group, ``cascades``, ``reach_unknown`` (excluded from adjusted estimates),
    ``median_followers`` with its quartiles, ``share_verified`` (of those known) and the source posts' years.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``reach_covariates``' table, or one merged with it.
    group : str
        The column that names the groups.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted: the group, ``cascades``, ``reach_unknown``, ``median_followers``,
        ``followers_q1``, ``followers_q3``, ``share_verified`` (0–1, NaN when unrecorded) and ``years``
        (``first-last`` of the pooled years, empty when unknown).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> adjust.reach_table(adjust.reach_covariates(corpus.cascades))[["label", "cascades", "median_followers", "years"]]
            label  cascades  median_followers      years
    0  non-rumour        82             866.0  2013-2014
    1      rumour        63             898.0  2013-2014
    """
    g = frame.groupby(group, sort=True)
    return pd.DataFrame(
        {
            "cascades": g.size(),
            "reach_unknown": g["reach_known"].apply(lambda s: int((~s).sum())),
            "median_followers": g["followers"].median(),
            "followers_q1": g["followers"].quantile(0.25),
            "followers_q3": g["followers"].quantile(0.75),
            "share_verified": g["verified"].mean(),
            "years": g["year"].agg(lambda s: f"{int(s.min())}-{int(s.max())}" if s.notna().any() else ""),
        }
    ).reset_index()


def record_reach(prefix: str, frame: pd.DataFrame, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """``reach_table`` plus, per group, ``<prefix>.median_source_followers.<group>`` (the median over source posts)
    with a 95% interval resampling source authors (``clustered.statistic`` on ``author_id``, rows resampled when
    the frame has none) and ``<prefix>.sources_without_reach`` (the count excluded from adjusted estimates).

    The groups are those of the ``label`` column.

    Parameters
    ----------
    prefix : str
        The findings' prefix, dotted lowercase words.
    frame : pandas.DataFrame
        ``reach_covariates``' table, or one merged with it.
    n_boot : int
        Bootstrap draws of each median's interval.
    seed : int
        The first group's seed; each later group adds 1.

    Returns
    -------
    pandas.DataFrame
        ``reach_table(frame)``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> table = adjust.record_reach("thresholds.mine", adjust.reach_covariates(corpus.cascades), n_boot=200)
    >>> table[["label", "cascades", "reach_unknown"]]
            label  cascades  reach_unknown
    0  non-rumour        82              0
    1      rumour        63              0
    """
    from .clustered import statistic
    from .findings import record_finding, slug

    table = reach_table(frame)
    for i, r in enumerate(table.itertuples(index=False)):
        x = frame.loc[(frame["label"] == r.label) & frame["followers"].notna()]
        x = x.assign(_cluster=x["author_id"] if "author_id" in x else np.arange(len(x)))
        est = statistic(x, "_cluster", lambda d: float(np.median(d["followers"])) if len(d) else np.nan, n_boot,
                        seed + i)
        record_estimate(
            f"{prefix}.median_source_followers.{slug(r.label)}",
            est["estimate"] if len(x) else np.nan,
            est["ci_low"],
            est["ci_high"],
            f"median follower count of the sources of the {len(x):,} {r.label} cascades with a known count "
            f"({est['clusters']:,} authors); 95% interval resampling authors",
        )
    record_finding(
        f"{prefix}.sources_without_reach",
        int(table["reach_unknown"].sum()),
        note="sources with no follower count or verified status; excluded from adjusted estimates",
    )
    return table


def box_add(box, template: str, see: str | None = None, **values) -> bool:
    """Add a sentence to a ``narrative.FindingsBox`` only if every finding it names was recorded with a value
    (a run with a threshold nothing reaches has findings that are not reached); returns whether it was added.

    Parameters
    ----------
    box : narrative.FindingsBox
        The box; a field ``{.name}`` is read as ``box.prefix + ".name"``.
    template : str
        The sentence, with fields as ``narrative`` reads them.
    see : str, optional
        The anchor of the chart or table behind the sentence.
    **values
        Values of the fields that are not findings.

    Returns
    -------
    bool
        True when the sentence was added; False when a finding it names is missing or null.

    Examples
    --------
    Findings are read back from the ``WECHAT_STUDY_FINDINGS`` file, so the example points it at a
    temporary one.

    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study import adjust
    >>> from wechat_study import narrative as nv
    >>> with tempfile.TemporaryDirectory() as d:
    ...     os.environ["WECHAT_STUDY_FINDINGS"] = str(Path(d) / "findings.jsonl")
    ...     try:
    ...         _ = adjust.record_estimate("thresholds.mine.share", 0.25, 0.2, 0.3, "made up")
    ...         _ = adjust.record_estimate("thresholds.mine.odds", float("nan"), None, None, "not estimable")
    ...         box = nv.FindingsBox(prefix="thresholds.mine")
    ...         added = adjust.box_add(box, "A share of {.share:share}."), adjust.box_add(box, "Odds {.odds:number}.")
    ...     finally:
    ...         del os.environ["WECHAT_STUDY_FINDINGS"]
    >>> added, len(box.sentences)
    ((True, False), 1)
    """
    from . import narrative as nv

    found = nv.recorded()
    names = [
        box.prefix + n if n.startswith(".") else n for m in nv.FIELD.finditer(template) if "." in (n := m.group(1))
    ]
    if all(n in found and found[n]["value"] is not None for n in names):
        box.add(template, see=see, **values)
        return True
    return False
