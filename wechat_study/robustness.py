"""Robustness of an adjusted comparison: the same estimand under each reasonable specification.

An adjusted headline (``adjust.compare_binary`` / ``compare_continuous``) depends on how reach enters
the model and on which cascades are compared. CED's rumour and non-rumour sources barely overlap in
reach (its top follower decile holds hundreds of non-rumours and a handful of rumours), so each headline
is re-estimated with log followers as a linear term (the headline), as a spline, over the cascades with
common support only, without the year terms, and with intervals clustered by source author. A finding
is worded from the least favourable row: "no clear difference" when any row's interval holds the null
(docs/methods.md#3-comparisons-and-confounders).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import adjust
from .errors import require_columns

__all__ = [
    "LEVEL", "SPLINE_DF", "HEADLINE", "CLUSTERED", "common_support", "binary", "median", "verdict", "record", "clause",
]

LEVEL = 0.95
SPLINE_DF = 4
HEADLINE = "linear in log followers (headline)"
"""The specification of the headline estimate."""
CLUSTERED = "clustered by source author"
"""The headline specification with its interval clustered by source author: the interval the finding states."""


def common_support(
    frame: pd.DataFrame,
    group: str = "label",
    a: str = "rumour",
    b: str = "non-rumour",
    bins: int = 10,
    min_each: int = 10,
) -> pd.Series:
    """True for cascades with known reach in a follower decile holding at least ``min_each`` of each group.

    Deciles are cut over the known-reach cascades of both groups; a decile dominated by one group
    (e.g. CED's largest accounts, nearly all non-rumours) is left out.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade with ``reach_known``, ``followers`` and the ``group`` column
        (``adjust.comparison_frame``).
    group : str
        The column holding the group labels.
    a, b : str
        The two groups compared.
    bins : int
        How many equal-count follower bins (10: deciles); ties in ``followers`` are broken by row order.
    min_each : int
        The fewest cascades of each group a bin must hold to be kept.

    Returns
    -------
    pandas.Series
        Booleans on ``frame``'s index; all False when fewer than ``2 * bins`` cascades of the two groups have a
        known reach.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import robustness as rb
    >>> frame = pd.DataFrame({"followers": np.arange(1, 41) * 100.0, "reach_known": True,
    ...                       "label": ["rumour"] * 10 + ["rumour", "non-rumour"] * 10 + ["non-rumour"] * 10})
    >>> keep = rb.common_support(frame, bins=4, min_each=3)
    >>> int(keep.sum()), int(frame.loc[keep, "followers"].min()), int(frame.loc[keep, "followers"].max())
    (20, 1100, 3000)
    """
    known = frame["reach_known"] & frame["followers"].notna() & frame[group].isin([a, b])
    keep = pd.Series(False, index=frame.index)
    if known.sum() < bins * 2:
        return keep
    decile = pd.qcut(frame.loc[known, "followers"].rank(method="first"), bins, labels=False)
    counts = pd.crosstab(decile, frame.loc[known, group])
    ok = counts.index[(counts.get(a, 0) >= min_each) & (counts.get(b, 0) >= min_each)]
    keep.loc[known] = decile.isin(ok).to_numpy()
    return keep


def _row(spec, estimand, estimate=np.nan, ci=(np.nan, np.nan), n=0, excluded=0, note="") -> dict:
    """``adjust._result`` with the specification in place of the method, and no p-value."""
    r = adjust._result(spec, estimand, estimate, ci, n=n, excluded=excluded, note=note)
    return {"specification": r.pop("method")} | {k: v for k, v in r.items() if k != "p_value"}


def _terms(covs, spline: bool) -> str:
    out = []
    for k in covs:
        if k == "log_followers" and spline:
            out.append(f"bs(log_followers, df={SPLINE_DF})")
        else:
            out.append("C(year)" if k == "year" else k)
    return "".join(f" + {t}" for t in out)


def _specs(known: pd.DataFrame, covs: list[str], support: pd.Series):
    """(name, data, covariates, spline, clustered) for each specification."""
    no_year = [k for k in covs if k != "year"]
    return [
        (HEADLINE, known, covs, False, False),
        (f"spline in log followers ({SPLINE_DF} df)", known, covs, True, False),
        ("common support only", known[support.loc[known.index]], covs, False, False),
        ("without the year terms", known, no_year, False, False),
        (CLUSTERED, known, covs, False, True),
    ]


def _cluster_codes(data: pd.DataFrame, cluster: str) -> np.ndarray:
    from .clustered import cluster_codes

    return cluster_codes(data[cluster].to_numpy())[0]


def binary(
    frame: pd.DataFrame,
    outcome: str,
    group: str = "label",
    a: str = "rumour",
    b: str = "non-rumour",
    covariates=adjust.REACH,
    cluster: str = "author_id",
    level: float = LEVEL,
) -> pd.DataFrame:
    """The adjusted odds ratio (group ``a`` against ``b``, logistic regression) under each specification.

    Columns: ``specification, estimand, estimate, ci_low, ci_high, cascades, excluded, note``; the
    clustered row uses statsmodels' cluster-robust covariance on ``cluster``, the others the model's.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade (``adjust.comparison_frame``): the ``outcome`` and ``group`` columns,
        ``reach_known``, ``followers``, the covariates and the ``cluster`` column.
    outcome : str
        A boolean (or 0/1) column.
    group : str
        The column holding the group labels; rows of other groups are left out.
    a, b : str
        The group whose odds are compared, and the reference group.
    covariates : sequence of str
        The reach covariates (``adjust.REACH``); those that do not vary are dropped.
    cluster : str
        The column whose values are the clusters of the clustered row (the source author).
    level : float
        The confidence level of the intervals (0.95: 95%).

    Returns
    -------
    pandas.DataFrame
        One row per specification, in the order: linear in log followers (the headline), spline in log
        followers, common support only (``common_support``), without the year terms, clustered by source author.
        ``cascades`` counts the cascades in the fit; ``excluded`` those of the two groups left out (unknown
        reach, outside common support); a specification that cannot be fitted has NaN estimates and a ``note``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust, robustness as rb
    >>> c = ws.synthetic_corpus(20_000, seed=0)
    >>> frame = adjust.comparison_frame(c.cascades, ws.cascade_metrics(c.posts))
    >>> table = rb.binary(frame.assign(deep=frame["depth"] >= 3), "deep")
    >>> table["specification"].tolist()
    ['linear in log followers (headline)', 'spline in log followers (4 df)', 'common support only',
     'without the year terms', 'clustered by source author']
    >>> headline = table.iloc[0]
    >>> headline["estimand"], int(headline["cascades"]), round(float(headline["estimate"]), 2)
    ('odds ratio', 532, 1.15)
    """
    import statsmodels.formula.api as smf

    d = frame[frame[group].isin([a, b])]
    known = d[d["reach_known"]]
    covs = adjust.available_covariates(known, covariates)
    rows = []
    for spec, data, cv, spline, clustered in _specs(known, covs, common_support(d, group, a, b)):
        cv = [k for k in cv if data[k].nunique() > 1]
        formula = f"Q('{outcome}') ~ _g" + _terms(cv, spline)
        prepared = data.assign(**{outcome: data[outcome].astype(float)}, _g=(data[group] == a).astype(float))
        kw = {"cov_type": "cluster", "cov_kwds": {"groups": _cluster_codes(data, cluster)}} if clustered else {}
        fit = adjust._fit(lambda f=formula, p=prepared, k=kw: smf.logit(f, p).fit(disp=0, **k))
        if isinstance(fit, str) or prepared["_g"].nunique() < 2:
            rows.append(
                _row(
                    spec,
                    "odds ratio",
                    n=len(data),
                    excluded=len(d) - len(data),
                    note=fit if isinstance(fit, str) else "only one group",
                )
            )
            continue
        lo, hi = fit.conf_int(1 - level).loc["_g"]
        rows.append(
            _row(spec, "odds ratio", np.exp(fit.params["_g"]), np.exp([lo, hi]), int(fit.nobs), len(d) - int(fit.nobs))
        )
    return pd.DataFrame(rows)


def median(
    frame: pd.DataFrame,
    outcome: str,
    group: str = "label",
    a: str = "rumour",
    b: str = "non-rumour",
    covariates=adjust.REACH,
    extra=(),
    log: bool = False,
    cluster: str = "author_id",
    n_boot: int = 200,
    seed: int = 0,
    level: float = LEVEL,
) -> pd.DataFrame:
    """The adjusted difference (or, with ``log=True``, ratio) of medians, median regression, under each
    specification; the clustered row's interval is a cluster bootstrap (``n_boot`` draws of source authors).

    Columns as ``binary``. ``extra`` covariates (e.g. ``log_size``) enter every specification.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per cascade (``adjust.comparison_frame``), as for ``binary``.
    outcome : str
        A numeric column (e.g. ``depth``, ``lifetime_s``); rows where it is missing are left out.
    group : str
        The column holding the group labels; rows of other groups are left out.
    a, b : str
        The group compared, and the reference group.
    covariates : sequence of str
        The reach covariates (``adjust.REACH``); those that do not vary are dropped.
    extra : sequence of str
        Further covariates entering every specification (those that do not vary are dropped).
    log : bool
        Regress the natural log of the outcome (rows where it is not positive are left out) and give the
        ratio of medians, exp of the coefficient.
    cluster : str
        The column whose values are resampled by the cluster bootstrap (the source author).
    n_boot : int
        Bootstrap draws for the clustered row.
    seed : int
        Seed of the bootstrap; the same seed gives the same interval.
    level : float
        The confidence level of the intervals (0.95: 95%).

    Returns
    -------
    pandas.DataFrame
        One row per specification, the columns and order of ``binary``; ``estimand`` is ``"difference of
        medians"`` (in the outcome's unit) or ``"ratio of medians"``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import adjust, robustness as rb
    >>> c = ws.synthetic_corpus(20_000, seed=0)
    >>> frame = adjust.comparison_frame(c.cascades, ws.cascade_metrics(c.posts))
    >>> table = rb.median(frame, "size", log=True, n_boot=20)
    >>> table.loc[4, ["specification", "estimand", "note"]].tolist()
    ['clustered by source author', 'ratio of medians', 'cluster bootstrap, 20 draws of source authors']
    >>> round(float(table.loc[0, "estimate"]), 2)
    0.98
    """
    import statsmodels.formula.api as smf

    from . import clustered as cl

    d = frame[frame[group].isin([a, b])].dropna(subset=[outcome])
    if log:
        d = d[d[outcome] > 0].assign(**{outcome: np.log(d.loc[d[outcome] > 0, outcome])})
    back = np.exp if log else (lambda x: x)
    estimand = "ratio of medians" if log else "difference of medians"
    known = d[d["reach_known"]]
    covs = adjust.available_covariates(known, covariates) + [k for k in extra if known[k].nunique() > 1]

    def coefficient(data, cv, spline):
        formula = f"Q('{outcome}') ~ _g" + _terms(cv, spline)
        return smf.quantreg(formula, data.assign(_g=(data[group] == a).astype(float))).fit(**adjust.MEDIAN_FIT)

    rows = []
    for spec, data, cv, spline, clustered in _specs(known, covs, common_support(d, group, a, b)):
        cv = [k for k in cv if data[k].nunique() > 1]
        if data[group].nunique() < 2:
            rows.append(_row(spec, estimand, n=len(data), excluded=len(d) - len(data), note="only one group"))
            continue
        fit = adjust._fit(lambda data=data, cv=cv, spline=spline: coefficient(data, cv, spline))
        if isinstance(fit, str):
            rows.append(_row(spec, estimand, n=len(data), excluded=len(d) - len(data), note=fit))
            continue
        ci = fit.conf_int(1 - level).loc["_g"].to_numpy()
        note = ""
        if clustered:
            draw = _median_draw(fit, data, group) or (
                lambda sample, cv=cv: np.nan if sample[group].nunique() < 2
                else float(coefficient(sample, cv, False).params["_g"]))
            r = cl.statistic(data, cluster, draw, n_boot=n_boot, seed=seed, level=level)
            ci, note = (r["ci_low"], r["ci_high"]), f"cluster bootstrap, {n_boot} draws of source authors"
        rows.append(
            _row(
                spec,
                estimand,
                back(fit.params["_g"]),
                (back(ci[0]), back(ci[1])),
                int(fit.nobs),
                len(d) - int(fit.nobs),
                note,
            )
        )
    return pd.DataFrame(rows)


def _median_draw(fit, data: pd.DataFrame, group: str):
    """The group coefficient of a resample, refitted on the rows of ``fit``'s design matrix instead of parsing
    the formula again (the parse took most of a draw). A column that is all zero in the resample (a year it
    holds no cascade of) is dropped, as the formula would drop it; the coefficient's column space is the
    formula's, so the draw is the same. None when the design's rows cannot be matched to ``data``'s."""
    from statsmodels.regression.quantile_regression import QuantReg

    labels = pd.Index(fit.model.data.row_labels)
    if not (labels.is_unique and data.index.is_unique and labels.equals(data.index)):
        return None
    y, x = np.asarray(fit.model.endog), np.asarray(fit.model.exog)
    g = list(fit.model.exog_names).index("_g")
    where = pd.Series(np.arange(len(labels)), index=labels)

    def draw(sample: pd.DataFrame) -> float:
        if sample[group].nunique() < 2:
            return np.nan
        rows = where.loc[sample.index].to_numpy()
        xs = x[rows]
        keep = np.flatnonzero(np.any(xs != 0, axis=0) | (np.arange(xs.shape[1]) == g))
        params = QuantReg(y[rows], xs[:, keep]).fit(**adjust.MEDIAN_FIT).params
        return float(params[int(np.flatnonzero(keep == g)[0])])

    return draw


def verdict(table: pd.DataFrame, null: float = 1.0) -> dict:
    """What survives every specification: ``direction`` ("lower", "higher" or "unclear": some row's
    interval holds ``null`` or is missing), ``low``/``high`` (the range of the estimates) and
    ``weakest`` (the specification whose interval comes nearest the null).

    Parameters
    ----------
    table : pandas.DataFrame
        ``binary`` or ``median`` output (``specification``, ``estimate``, ``ci_low``, ``ci_high``).
    null : float
        The value of no difference: 1 for a ratio, 0 for a difference.

    Returns
    -------
    dict
        ``direction`` (str), ``low`` and ``high`` (float, NaN when no row has an estimate) and ``weakest``
        (str): the first row whose interval holds the null if any, else the row whose nearer bound is closest to
        it; ``"a specification not estimable"`` when some row lacks an estimate or interval. When some interval
        holds the null, also ``holding`` (those specifications, in the table's order) and ``of`` (the rows).

    Raises
    ------
    ValueError
        When ``table`` lacks ``specification``, ``estimate``, ``ci_low`` or ``ci_high``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import robustness as rb
    >>> table = pd.DataFrame({"specification": ["linear in log followers (headline)", "common support only"],
    ...                       "estimate": [0.62, 0.70], "ci_low": [0.45, 0.48], "ci_high": [0.85, 0.98]})
    >>> rb.verdict(table)
    {'direction': 'lower', 'low': 0.62, 'high': 0.7, 'weakest': 'common support only'}
    >>> rb.verdict(table.assign(ci_high=[0.85, 1.05]))["direction"]
    'unclear'
    """
    require_columns(table, ("specification", "estimate", "ci_low", "ci_high"), "robustness.verdict",
                    "binary and median give them")
    t = table.dropna(subset=["estimate", "ci_low", "ci_high"])
    if len(t) < len(table) or not len(t):
        return {
            "direction": "unclear",
            "low": t["estimate"].min() if len(t) else np.nan,
            "high": t["estimate"].max() if len(t) else np.nan,
            "weakest": "a specification not estimable",
        }
    below, above = (t["ci_high"] < null).all(), (t["ci_low"] > null).all()
    holding = ((t["ci_low"] <= null) & (t["ci_high"] >= null)).to_numpy()
    gap = np.minimum((t["ci_low"] - null).abs(), (t["ci_high"] - null).abs()).to_numpy(copy=True)
    gap[holding] = -1
    out = {
        "direction": "lower" if below else "higher" if above else "unclear",
        "low": float(t["estimate"].min()),
        "high": float(t["estimate"].max()),
        "weakest": str(t["specification"].iloc[int(gap.argmin())]),
    }
    if holding.any():  # the specifications whose interval holds the null, for the clause
        out["holding"] = [str(x) for x in t["specification"][holding]]
        out["of"] = len(t)
    return out


def record(name: str, table: pd.DataFrame, null: float = 1.0, tolerance: float = 1e-6) -> dict:
    """Findings ``<name>.robustness`` (the table) and ``<name>.robust_direction`` (``verdict``'s word); when the
    table holds the headline and clustered rows, the headline's interval becomes the clustered one, never
    narrower than the naive one (``<name>.ci_low`` / ``.ci_high``, re-recorded: cascades of one author are not
    independent; with few authors a clustered interval can come out too narrow) and the one
    treating cascades as independent is kept as ``<name>.naive_ci_low`` / ``.naive_ci_high``.

    Parameters
    ----------
    name : str
        The findings' prefix, dotted lowercase words (e.g. ``robustness.ced.odds_ratio_reaching_500``).
    table : pandas.DataFrame
        ``binary`` or ``median`` output; its ``specification``, ``estimate``, ``ci_low``, ``ci_high`` and
        ``cascades`` columns are recorded (recorded as not reached when no row has an estimate).
    null : float
        The value of no difference, as for ``verdict``.
    tolerance : float
        The absolute tolerance of the recorded floats.

    Returns
    -------
    dict
        ``verdict(table, null)``.

    Raises
    ------
    ValueError
        When ``table`` lacks ``specification``, ``estimate``, ``ci_low`` or ``ci_high``.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> import pandas as pd
    >>> from wechat_study import robustness as rb
    >>> from wechat_study.findings import read_recorded
    >>> table = pd.DataFrame({"specification": ["linear in log followers (headline)", "common support only"],
    ...                       "estimate": [0.62, 0.70], "ci_low": [0.45, 0.48], "ci_high": [0.85, 0.98],
    ...                       "cascades": [1200, 800]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = os.path.join(tmp, "findings.jsonl")
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": sink}):
    ...         v = rb.record("robustness.mine.odds_ratio", table)
    ...     found = read_recorded(sink)
    >>> v["direction"], found["robustness.mine.odds_ratio.robust_direction"]["value"]
    ('lower', 'lower')
    >>> len(found["robustness.mine.odds_ratio.robustness"]["value"])
    2
    """
    from .findings import record_finding

    v = verdict(table, null)
    estimable = table["estimate"].notna().any()
    record_finding(
        f"{name}.robustness",
        table[["specification", "estimate", "ci_low", "ci_high", "cascades"]] if estimable else None,
        tolerance=tolerance,
        note="the adjusted estimate under each specification",
        reason="no specification could be estimated",
    )
    record_finding(
        f"{name}.robust_direction",
        v["direction"],
        note=f"direction that survives every specification; nearest the null: {v['weakest']}",
    )
    rows = table.set_index("specification")
    both = {HEADLINE, CLUSTERED} <= set(rows.index)
    if both and rows.loc[[HEADLINE, CLUSTERED], ["ci_low", "ci_high"]].notna().all(axis=None):
        for part, widest in (("ci_low", min), ("ci_high", max)):
            how = rows.loc[CLUSTERED, "note"] or "cluster-robust standard errors"
            value = widest(float(rows.loc[CLUSTERED, part]), float(rows.loc[HEADLINE, part]))  # never narrower
            record_finding(f"{name}.{part}", value, tolerance=tolerance,
                           note=f"95% interval of {name}, clustered by source author ({how}), widened to the "
                                "naive one where that is wider (few authors make a clustered interval too narrow)")
            record_finding(f"{name}.naive_{part}", float(rows.loc[HEADLINE, part]), tolerance=tolerance,
                           note=f"95% interval of {name} treating cascades as independent")
    return v


def clause(v: dict, null: float = 1.0, digits: int = 2) -> str:
    """Words for ``verdict`` ``v``, to follow an adjusted estimate: where it stands against ``null``
    under every specification, or that it is not clear (the least favourable row).

    Parameters
    ----------
    v : dict
        ``verdict`` output.
    null : float
        The value of no difference, as given to ``verdict``.
    digits : int
        Decimals of the range of estimates.

    Returns
    -------
    str
        A clause without a capital or a full stop.

    Examples
    --------
    >>> from wechat_study import robustness as rb
    >>> rb.clause({"direction": "lower", "low": 0.62, "high": 0.7, "weakest": "common support only"})
    'below 1 under every specification tried (0.62 to 0.70)'
    >>> rb.clause({"direction": "unclear", "low": 0.62, "high": 0.7, "weakest": "common support only"})
    'below 1 under every specification (0.62 to 0.70) but not clearly: the interval includes 1 under at least
     one (common support only)'
    >>> rb.clause({"direction": "unclear", "low": 0.9, "high": 1.2, "weakest": "no year terms",
    ...            "holding": ["no year terms"], "of": 4})
    'no direction holds: the estimates run from 0.90 to 1.20, and the interval includes 1 under 1 of 4
     specifications (no year terms)'
    """
    span = f"{v['low']:.{digits}f} to {v['high']:.{digits}f}"
    if v["direction"] in ("lower", "higher"):
        side = "below" if v["direction"] == "lower" else "above"
        return f"{side} {null:g} under every specification tried ({span})"
    if v["weakest"] == "a specification not estimable":
        others = f" (estimates of the others {span})" if np.isfinite(v["low"]) else ""
        return f"not established: a specification could not be estimated{others}"
    under = (f"{len(v['holding'])} of {v['of']} specifications ({', '.join(v['holding'])})"
             if v.get("holding") else f"at least one ({v['weakest']})")
    if v["high"] < null or v["low"] > null:  # every estimate on one side, not every interval
        side = "below" if v["high"] < null else "above"
        return f"{side} {null:g} under every specification ({span}) but not clearly: the interval includes " \
               f"{null:g} under {under}"
    return f"no direction holds: the estimates run from {span}, and the interval includes {null:g} under {under}"
