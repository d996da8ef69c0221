"""Before and after the 2013 interpretation (法释〔2013〕21号, in force 2013-09-10): what CED can show.

Conventions (docs/methods.md#6-the-september-2013-interpretation):
- the cut is 2013-09-10 00:00 Beijing time; "before" is the twelve months up to it, "after" the
  twelve months from it, by the source post's time; CED ends on 2014-04-10, so its "after" covers seven
  months, and counts are compared as rates per month (``event_study``);
- per label and period: source posts, the share crossing (Wilson 95%), and the hours to the 100th
  and to the threshold repost among the cascades that reach them (median, bootstrap 95%);
- after against before within each label, crude and adjusted for reach (log followers, verified;
  not year, which the period is), and a difference in differences of rumours against non-rumours:
  for the share crossing, on the share scale (crude, Wald interval) and as a ratio of odds ratios
  (logistic interaction, crude and adjusted); for times, as a ratio of ratios of medians (median
  regression of log hours, crude and adjusted);
- CED's rumour intake per month falls about fivefold after August 2013; that describes how the
  collection was assembled, not Weibo, so no before/after contrast here is a measure of the law's effect.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import adjust as cmp
from .survival import bootstrap_median
from .thresholds import wilson_interval

__all__ = [
    "IN_FORCE", "PERIOD_COVARIATES", "cut_time", "cascade_frame", "period_frame", "period_summary",
    "period_changes", "monthly_intake", "record_periods"
]

IN_FORCE = "2013-09-10"
PERIOD_COVARIATES = ("log_followers", "verified")


def cut_time(date: str = IN_FORCE) -> pd.Timestamp:
    """``date`` at 00:00 Beijing time, in UTC.

    Parameters
    ----------
    date : str
        A day, ``YYYY-MM-DD`` (default ``IN_FORCE``, 2013-09-10).

    Returns
    -------
    pandas.Timestamp
        The start of that Beijing day, tz-aware in UTC (16:00 UTC the day before).

    Examples
    --------
    >>> from wechat_study import periods
    >>> periods.cut_time()
    Timestamp('2013-09-09 16:00:00+0000', tz='UTC')
    """
    return pd.Timestamp(date, tz="Asia/Shanghai").tz_convert("UTC")


def cascade_frame(metrics: pd.DataFrame, cascades: pd.DataFrame, thresholds=(100, 500)) -> pd.DataFrame:
    """Every cascade: reach covariates, ``created_at``, ``author_id`` (the cluster for intervals), and for each
    N in ``thresholds`` ``crossed_N`` and ``hours_to_N`` (NaN when not reached).

    Parameters
    ----------
    metrics : pandas.DataFrame
        Cascade metrics (``cascade_metrics``) with a ``time_to_N_s`` column (seconds) for each N in
        ``thresholds``; matched to the cascades by ``cascade_id``.
    cascades : pandas.DataFrame
        A cascades table.
    thresholds : sequence of int
        Reposts.

    Returns
    -------
    pandas.DataFrame
        One row per row of ``cascades``, in its order: ``adjust.reach_covariates``' columns, ``created_at``,
        ``author_id``, and per N ``crossed_N`` (bool; False also for a cascade with no metrics row) and
        ``hours_to_N`` (hours from the source post to the Nth repost, NaN when not reached).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import periods
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10, 50))
    >>> frame = periods.cascade_frame(metrics, corpus.cascades, (10, 50))
    >>> len(frame), int(frame["crossed_10"].sum()), round(float(frame["hours_to_10"].median()), 3)
    (145, 79, 0.373)
    """
    frame = cmp.reach_covariates(cascades).assign(
        created_at=cascades["created_at"].to_numpy(), author_id=cascades["author_id"].to_numpy(object)
    )
    m = metrics.set_index("cascade_id").reindex(frame["cascade_id"])
    for n in thresholds:
        t = m[f"time_to_{n}_s"].to_numpy(float)
        frame[f"crossed_{n}"] = ~np.isnan(t)
        frame[f"hours_to_{n}"] = t / 3600.0
    return frame


def period_frame(
    metrics: pd.DataFrame, cascades: pd.DataFrame, thresholds=(100, 500), date: str = IN_FORCE, months: int = 12
) -> pd.DataFrame:
    """``cascade_frame`` restricted to the cascades posted within ``months`` of ``date`` (Beijing midnight), with
    ``period`` (``before`` / ``after``). The after side may be shorter than ``months`` where the collection ends
    (``event_study.window`` gives the lengths covered).

    Parameters
    ----------
    metrics : pandas.DataFrame
        Cascade metrics, as ``cascade_frame`` takes them.
    cascades : pandas.DataFrame
        A cascades table.
    thresholds : sequence of int
        Reposts.
    date : str
        The cut, a day at 00:00 Beijing time (default 2013-09-10).
    months : int
        Calendar months on each side: the source post's time in [cut - months, cut + months).

    Returns
    -------
    pandas.DataFrame
        ``cascade_frame``'s rows inside the window, a fresh index, and ``period``: ``before`` for a source
        posted before the cut, else ``after``.

    Examples
    --------
    The synthetic corpus starts on 2013-09-10, so the example cuts six months later.

    >>> import wechat_study as ws
    >>> from wechat_study import periods
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10, 50))
    >>> frame = periods.period_frame(metrics, corpus.cascades, (10, 50), date="2014-03-10", months=6)
    >>> frame["period"].value_counts().to_dict()
    {'after': 79, 'before': 66}
    """
    cut = cut_time(date)
    frame = cascade_frame(metrics, cascades, thresholds)
    lo, hi = cut - pd.DateOffset(months=months), cut + pd.DateOffset(months=months)
    frame = frame[(frame["created_at"] >= lo) & (frame["created_at"] < hi)].reset_index(drop=True)
    frame["period"] = np.where(frame["created_at"] < cut, "before", "after")
    return frame


def period_summary(
    frame: pd.DataFrame,
    thresholds=(100, 500),
    share_threshold: int = 500,
    n_boot: int = 2000,
    seed: int = 0,
    months: dict | None = None,
) -> pd.DataFrame:
    """Per label and period: ``sources``, ``months`` covered (from ``months``, {"before": .., "after": ..}; NaN
    when not given), ``sources_per_month``, ``crossing``, ``share`` (reaching ``share_threshold``) with Wilson
    ``ci_low``/``ci_high``, and for each N ``reached_N``, ``median_hours_to_N`` with ``_ci_low``/``_ci_high``
    (bootstrap; NaN when no cascade reaches N).

    Parameters
    ----------
    frame : pandas.DataFrame
        ``period_frame``'s table: ``label``, ``period``, ``crossed_<share_threshold>`` and ``hours_to_N``.
    thresholds : sequence of int
        The N whose hours are summarised.
    share_threshold : int
        The N whose crossing share is given.
    n_boot : int
        Bootstrap draws for each median's interval.
    seed : int
        The first group's seed; each later label-period group adds 1.
    months : dict, optional
        Months covered per period, ``{"before": float, "after": float}`` (e.g. from ``event_study.window``).

    Returns
    -------
    pandas.DataFrame
        One row per label and period, sorted by label, ``before`` first. Shares are 0–1, intervals 95%,
        times in hours.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import periods
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10, 50))
    >>> frame = periods.period_frame(metrics, corpus.cascades, (10, 50), date="2014-03-10", months=6)
    >>> summary = periods.period_summary(frame, (10, 50), share_threshold=10, n_boot=200,
    ...                                  months={"before": 5.9, "after": 6.0})
    >>> summary[["label", "period", "sources", "crossing", "share", "median_hours_to_10"]].round(3)
            label  period  sources  crossing  share  median_hours_to_10
    0  non-rumour  before       36        21  0.583               0.456
    1  non-rumour   after       46        27  0.587               0.230
    2      rumour  before       30        16  0.533               1.095
    3      rumour   after       33        15  0.455               0.459
    """
    rows = []
    for i, ((label, period), g) in enumerate(frame.groupby(["label", "period"], sort=True)):
        k = int(g[f"crossed_{share_threshold}"].sum())
        lo, hi = wilson_interval(k, len(g))
        row = {
            "label": label,
            "period": period,
            "sources": len(g),
            "months": (months or {}).get(period, np.nan),
            "sources_per_month": len(g) / (months or {}).get(period, np.nan),
            "crossing": k,
            "share": k / len(g),
            "ci_low": float(lo),
            "ci_high": float(hi),
        }
        for n in thresholds:
            x = g[f"hours_to_{n}"].dropna()
            m, mlo, mhi = bootstrap_median(x, n_boot, seed + i)
            row.update(
                {
                    f"reached_{n}": len(x),
                    f"median_hours_to_{n}": m,
                    f"median_hours_to_{n}_ci_low": mlo,
                    f"median_hours_to_{n}_ci_high": mhi,
                }
            )
        rows.append(row)
    out = pd.DataFrame(rows)
    order = {"before": 0, "after": 1}
    return out.sort_values(
        ["label", "period"], key=lambda s: s.map(order) if s.name == "period" else s, ignore_index=True
    )


def _change_rows(g: pd.DataFrame, outcome: str, kind: str, label: str) -> pd.DataFrame:
    if kind == "binary":
        t = cmp.compare_binary(g, outcome, group="period", a="after", b="before", covariates=PERIOD_COVARIATES)
    else:
        t = cmp.compare_continuous(
            g, outcome, group="period", a="after", b="before", covariates=PERIOD_COVARIATES, log=True, n_boot=500
        )
    keep = t["method"].str.match(r"crude$|logistic|median regression")
    return t[keep].assign(contrast=f"{label}: after vs before", outcome=outcome)


def _interaction(frame: pd.DataFrame, outcome: str, kind: str, covs, level: float = 0.95) -> dict:
    """exp of the rumour x after coefficient: a ratio of odds ratios (binary; intervals clustered by
    ``author_id`` when the frame has it) or of median ratios (log hours; not clustered)."""
    import statsmodels.formula.api as smf

    d = frame.dropna(subset=[outcome])
    if covs:
        d = d.dropna(subset=list(covs))
    if kind == "time":
        d = d[d[outcome] > 0].assign(**{outcome: lambda x: np.log(x[outcome])})
    d = d.assign(
        _r=(d["label"] == "rumour").astype(float),
        _after=(d["period"] == "after").astype(float),
        _y=d[outcome].astype(float),
    )
    formula = "_y ~ _r * _after" + "".join(f" + {k}" for k in covs)
    estimand = "ratio of odds ratios" if kind == "binary" else "ratio of median ratios"
    clustered = kind == "binary" and "author_id" in d
    method = f"{'logistic' if kind == 'binary' else 'median'} regression ({', '.join(covs) or 'no covariates'})"
    method += "; clustered by source author" if clustered else ""
    if d.groupby(["_r", "_after"]).size().shape[0] < 4:
        return cmp._result(method, estimand, n=len(d), note="a label-period cell is empty")
    fit = cmp._fit(
        lambda: (
            smf.logit(formula, d).fit(disp=0, **_cluster_kw(d, clustered))
            if kind == "binary"
            else smf.quantreg(formula, d).fit(**cmp.MEDIAN_FIT)
        )
    )
    if isinstance(fit, str):
        return cmp._result(method, estimand, n=len(d), note=fit)
    excluded = len(frame.dropna(subset=[outcome])) - int(fit.nobs)
    lo, hi = fit.conf_int(1 - level).loc["_r:_after"]
    return cmp._result(
        method,
        estimand,
        np.exp(fit.params["_r:_after"]),
        (np.exp(lo), np.exp(hi)),
        fit.pvalues["_r:_after"],
        int(fit.nobs),
        excluded,
    )


def _cluster_kw(d: pd.DataFrame, clustered: bool) -> dict:
    from .clustered import cluster_codes

    return {"cov_type": "cluster", "cov_kwds": {"groups": cluster_codes(d["author_id"])[0]}} if clustered else {}


def _share_did(frame: pd.DataFrame, outcome: str, level: float = 0.95) -> dict:
    """(rumour after - before) - (non-rumour after - before) of the share, Wald interval."""
    z = stats.norm.ppf(0.5 + level / 2)
    cells = frame.groupby(["label", "period"])[outcome].agg(["sum", "count"])
    if len(cells) < 4:
        return cmp._result(
            "crude", "difference in differences of shares", n=len(frame), note="a label-period cell is empty"
        )
    p = cells["sum"] / cells["count"]
    did = (p["rumour", "after"] - p["rumour", "before"]) - (p["non-rumour", "after"] - p["non-rumour", "before"])
    se = float(np.sqrt((p * (1 - p) / cells["count"]).sum()))
    return cmp._result(
        "crude",
        "difference in differences of shares",
        did,
        (did - z * se, did + z * se),
        2 * stats.norm.sf(abs(did) / se) if se > 0 else np.nan,
        len(frame),
    )


def period_changes(frame: pd.DataFrame, thresholds=(100, 500), share_threshold: int = 500) -> pd.DataFrame:
    """After against before per label, and the difference in differences, crude and adjusted.

    Outcomes: ``crossed_<share_threshold>`` (odds ratios) and ``hours_to_N`` for each N (ratios of
    medians, among the cascades that reach N). Columns: ``contrast, outcome, method, estimand,
    estimate, ci_low, ci_high, p_value, cascades, excluded, note``.

    Parameters
    ----------
    frame : pandas.DataFrame
        ``period_frame``'s table.
    thresholds : sequence of int
        The N whose hours are compared (each a bootstrap of 500 draws per label: the slow part).
    share_threshold : int
        The N whose crossing is compared.

    Returns
    -------
    pandas.DataFrame
        Per label, ``<label>: after vs before`` rows: the crude and logistic rows of
        ``adjust.compare_binary`` for crossing, and the crude and median-regression rows of
        ``adjust.compare_continuous`` (log hours) for each time. Then ``difference in differences (rumour vs
        non-rumour)`` rows: the crude difference in differences of shares (Wald interval), and for each
        outcome the rumour x after interaction without and with the reach covariates (a ratio of odds
        ratios with intervals clustered by ``author_id``, or a ratio of median ratios). An estimate that
        cannot exist is NaN with the reason in ``note``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import periods
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10, 50))
    >>> frame = periods.period_frame(metrics, corpus.cascades, (10, 50), date="2014-03-10", months=6)
    >>> changes = periods.period_changes(frame, (), share_threshold=10)
    >>> changes["contrast"].unique().tolist()
    ['non-rumour: after vs before', 'rumour: after vs before', 'difference in differences (rumour vs non-rumour)']
    >>> for r in changes.tail(2).itertuples():
    ...     print(r.method, round(r.estimate, 3))
    logistic regression (no covariates); clustered by source author 0.718
    logistic regression (log_followers); clustered by source author 0.796
    """
    outcomes = [(f"crossed_{share_threshold}", "binary")] + [(f"hours_to_{n}", "time") for n in thresholds]
    frames = []
    for label, g in frame.groupby("label", sort=True):
        for outcome, kind in outcomes:
            sub = g if kind == "binary" else g.dropna(subset=[outcome])
            frames.append(_change_rows(sub, outcome, kind, label))
    did = []
    for outcome, kind in outcomes:
        if kind == "binary":
            did.append({**_share_did(frame, outcome), "outcome": outcome})
        for covs in [(), cmp.available_covariates(frame[frame["reach_known"]], PERIOD_COVARIATES)]:
            did.append({**_interaction(frame, outcome, kind, list(covs)), "outcome": outcome})
    frames.append(pd.DataFrame(did).assign(contrast="difference in differences (rumour vs non-rumour)"))
    cols = [
        "contrast",
        "outcome",
        "method",
        "estimand",
        "estimate",
        "ci_low",
        "ci_high",
        "p_value",
        "cascades",
        "excluded",
        "note",
    ]
    return pd.concat(frames, ignore_index=True)[cols]


def monthly_intake(cascades: pd.DataFrame) -> pd.DataFrame:
    """Source posts per month (Beijing time) and label: ``month`` (YYYY-MM), ``label``, ``sources``.

    Parameters
    ----------
    cascades : pandas.DataFrame
        A cascades table: ``created_at`` (tz-aware) and ``label``.

    Returns
    -------
    pandas.DataFrame
        One row per month and label that holds a source post, sorted by month then label. Cascades without
        a label or a time are not counted (the group-by drops nulls).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import periods
    >>> times = ["2013-08-31 17:00", "2013-09-02 12:00", "2013-09-03 12:00"]
    >>> cascades = pd.DataFrame({"created_at": pd.to_datetime(times, utc=True),
    ...                          "label": ["rumour", "rumour", "non-rumour"]})
    >>> periods.monthly_intake(cascades)
         month       label  sources
    0  2013-09  non-rumour        1
    1  2013-09      rumour        2
    """
    month = cascades["created_at"].dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m")
    return cascades.assign(month=month).groupby(["month", "label"]).size().rename("sources").reset_index()


def record_periods(dataset: str, summary: pd.DataFrame, changes: pd.DataFrame, threshold: int) -> list[str]:
    """Findings ``thresholds.<ds>.period.*``; returns one line each, "not reached" where one cannot exist.

    Per label and period: ``sources``, ``share_reaching_<N>`` (+ Wilson interval), ``median_hours_to_<M>``
    (+ bootstrap interval) for each time threshold M. Per label, after vs before, and for the difference in
    differences: ``<outcome>.<crude|adjusted>`` (+ interval), named by outcome (``odds_ratio_reaching_<N>``,
    ``time_ratio_to_<M>``, ``difference_of_shares_reaching_<N>``).

    Parameters
    ----------
    dataset : str
        The data set, the second word of every finding's name.
    summary : pandas.DataFrame
        ``period_summary``'s table.
    changes : pandas.DataFrame
        ``period_changes``' table.
    threshold : int
        The N of the share (``share_reaching_<N>``): ``period_summary``'s ``share_threshold``.

    Returns
    -------
    list of str
        One line per estimate, as ``adjust.record_estimate`` returns them (the ``sources`` counts are recorded
        without a line).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import periods
    >>> corpus = ws.synthetic_corpus(5_000, seed=0)
    >>> metrics = ws.cascade_metrics(corpus.posts, thresholds=(10, 50))
    >>> frame = periods.period_frame(metrics, corpus.cascades, (10, 50), date="2014-03-10", months=6)
    >>> summary = periods.period_summary(frame, (10,), share_threshold=10, n_boot=200,
    ...                                  months={"before": 5.9, "after": 6.0})
    >>> changes = periods.period_changes(frame, (), share_threshold=10)
    >>> lines = periods.record_periods("synthetic", summary, changes, 10)
    >>> print(lines[0])
    thresholds.synthetic.period.non_rumour.before.share_reaching_10 = 0.5833 (95% CI 0.422 to 0.7286)
    """
    from .adjust import record_estimate
    from .findings import record_finding, slug

    base = f"thresholds.{dataset}.period"
    lines = []
    for r in summary.to_dict("records"):
        p = f"{base}.{slug(r['label'])}.{r['period']}"
        record_finding(
            f"{p}.sources",
            int(r["sources"]),
            note=f"source posts in the {r['months']:.1f} months the collection covers on this side of the date",
        )
        lines.append(
            record_estimate(
                f"{p}.share_reaching_{threshold}",
                r["share"],
                r["ci_low"],
                r["ci_high"],
                f"{r['crossing']:,} of {r['sources']:,} cascades; Wilson 95% CI",
            )
        )
        for col in [c for c in r if c.startswith("median_hours_to_") and not c.endswith(("_ci_low", "_ci_high"))]:
            n = col.removeprefix("median_hours_to_")
            lines.append(
                record_estimate(
                    f"{p}.{col}",
                    r[col],
                    r[f"{col}_ci_low"],
                    r[f"{col}_ci_high"],
                    f"median among the {r[f'reached_{n}']:,} cascades that reach {int(n):,}; bootstrap 95% CI"
                    if r[f"reached_{n}"]
                    else f"no cascade reaches {int(n):,}",
                )
            )
    for r in changes.to_dict("records"):
        who = (
            "did" if r["contrast"].startswith("difference") else f"{slug(r['contrast'].split(':')[0])}.after_vs_before"
        )
        n = r["outcome"].split("_")[-1]
        what = {
            "odds ratio": f"odds_ratio_reaching_{n}",
            "ratio of odds ratios": f"odds_ratio_reaching_{n}",
            "difference of shares": f"difference_of_shares_reaching_{n}",
            "difference in differences of shares": f"difference_of_shares_reaching_{n}",
            "ratio of medians": f"time_ratio_to_{n}",
            "ratio of median ratios": f"time_ratio_to_{n}",
        }[r["estimand"]]
        kind = "crude" if r["method"] == "crude" or "no covariates" in r["method"] else "adjusted"
        note = (
            f"{r['contrast']}: {r['estimand']}, {r['method']}; {r['cascades']:,} cascades, {r['excluded']:,} excluded"
            + (f"; {r['note']}" if r["note"] else "")
        )
        tolerance = 1e-6 if "regression" in r["method"] else 1e-9
        lines.append(
            record_estimate(f"{base}.{who}.{what}.{kind}", r["estimate"], r["ci_low"], r["ci_high"], note, tolerance)
        )
    return lines
