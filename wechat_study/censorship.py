"""Removals of WeChat public-account articles (WeChatscope): reasons, the watch window, drift, concentration.

Conventions (docs/methods.md#7-censorship-on-wechat):
- reasons: ``author_deleted`` (the observable trace of self-censorship), ``violation`` (the
  platform's removal for rule violations), ``account_blocked`` (closures), ``complaint``, ``migrated``;
- the archive holds removed articles only, so every share here is a share *of removals*: there is no
  removal rate, and no speed of removal, without the articles that were not removed;
- days to removal = the Beijing-time date the removal was first seen minus the publication date: whole
  days, since publication dates have day resolution (0 = seen on the day of publication, 1 = the next
  calendar day, so up to about 48 hours after publication);
- the archive watched each article for a limited window after publication; a removal is only seen inside
  it. The window is the archive's: a mirror's scraper fetched, every hour, the last three days of the
  removals WeChatscope's site showed (the site showed seven). ``watch_window`` measures it; ``seen_by_day``
  gives, among removals seen within that window, the share seen by a given day;
- removals cluster by account, so every share's 95% interval resamples accounts (the cluster bootstrap,
  ``clustered.share``; docs/methods.md#15-clustered-intervals), with the naive Wilson interval (rows taken as
  independent) beside it as ``naive_ci_low``, ``naive_ci_high``.

The scraper's outages are in ``scraper``; account closures and Citizen Lab's keywords and websites in
``blocking`` (its keyword functions are importable from here too).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import clustered
from .blocking import keyword_hits, keyword_matches, record_keywords, synthetic_keywords  # noqa: F401
from .errors import require_columns
from .thresholds import wilson_interval

__all__ = [
    "REASONS", "SHARE_COLUMNS", "by_reason", "naive_beside", "days_to_removal", "quantile_interval",
    "window_days", "watch_window", "seen_by_day", "by_half_year", "cumulative_days", "monthly", "concentration",
    "MEASURES", "MEASURE_KINDS", "concentration_intervals", "concentration_words", "record_reasons", "record_window",
    "record_half_years",
    "record_concentration", "SYNTHETIC_WORDS", "GAP", "synthetic_removals"
]

REASONS = ("author_deleted", "violation", "account_blocked", "complaint", "migrated")


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    """Rows in the order of ``REASONS`` (reasons absent from the data left out), ``all`` last when present."""
    order = [r for r in (*REASONS, "all") if r in table.index]
    return table.reindex(order)


SHARE_COLUMNS = ["share", "ci_low", "ci_high", "naive_ci_low", "naive_ci_high", "design_effect"]


def by_reason(removals: pd.DataFrame, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Counts and shares of removals by reason: ``reason, removals, share, ci_low, ci_high, naive_ci_low,
    naive_ci_high, design_effect, accounts``.

    ``share`` is of all removals in the table (the denominator is ``len(removals)``); ``ci_low``/``ci_high`` resample
    accounts (``n_boot`` draws from ``seed``), ``naive_*`` is the Wilson interval.

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``account`` (pseudonyms), ``reason``, ``published_on`` (the Beijing date) and
        ``removal_seen_at`` (time-zone aware), as ``synthetic_removals`` and the WeChatscope loader give them.
    n_boot : int
        Bootstrap draws of accounts.
    seed : int
        Seed of the bootstrap; the same seed gives the same intervals.

    Returns
    -------
    pandas.DataFrame
        One row per reason of ``REASONS``, in that order (a reason absent from the data has 0 removals);
        shares 0–1, ``accounts`` the distinct accounts with a removal of that reason.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> table = cs.by_reason(removals, n_boot=200)
    >>> table[["reason", "removals", "accounts"]].head(2).to_dict("records")
    [{'reason': 'author_deleted', 'removals': 188, 'accounts': 23},
     {'reason': 'violation', 'removals': 87, 'accounts': 12}]
    >>> table.loc[0, ["share", "ci_low", "ci_high"]].astype(float).round(3).tolist()
    [0.627, 0.549, 0.754]
    """
    g = removals.groupby("reason")
    out = pd.DataFrame({"removals": g.size(), "accounts": g["account"].nunique()}).reindex(list(REASONS), fill_value=0)
    for r in REASONS:
        s = clustered.share(removals["reason"] == r, removals["account"], n_boot, seed)
        out.loc[r, SHARE_COLUMNS] = [s[c] for c in SHARE_COLUMNS]
    return out.reset_index()[["reason", "removals", *SHARE_COLUMNS, "accounts"]]


def naive_beside(table: pd.DataFrame, value: str = "share", kind: str = "share") -> pd.DataFrame:
    """``table`` with a text column ``naive_ci`` just after ``value``: the naive interval as the page prints it, or
    "same" where it reads the same as the clustered one; the ``naive_*`` and ``design_effect`` columns dropped.

    Parameters
    ----------
    table : pandas.DataFrame
        A table with ``value``, ``ci_low``, ``ci_high``, ``naive_ci_low`` and ``naive_ci_high`` (e.g. ``by_reason``).
    value : str
        The estimate's column.
    kind : str
        Its format (``narrative.FORMATS``): ``share`` prints the interval in percent.

    Returns
    -------
    pandas.DataFrame
        A copy; ``naive_ci`` holds the bracketed interval (``"–"`` when none can be printed) or ``"same"``.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> table = cs.naive_beside(cs.by_reason(removals, n_boot=200))
    >>> table.columns.tolist()
    ['reason', 'removals', 'share', 'naive_ci', 'ci_low', 'ci_high', 'accounts']
    >>> table.loc[0, "naive_ci"]
    '(57.1–67.9)'
    """
    from . import narrative as nv

    def cell(r, lo, hi):
        text = nv.formatted(float(r[value]), kind, float(r[lo]), float(r[hi]))
        return text[text.find("(") :] if "(" in text else "–"

    naive = [cell(r, "naive_ci_low", "naive_ci_high") for _, r in table.iterrows()]
    mine = [cell(r, "ci_low", "ci_high") for _, r in table.iterrows()]
    out = table.drop(columns=["naive_ci_low", "naive_ci_high", "design_effect"], errors="ignore")
    out.insert(
        out.columns.get_loc(value) + 1, "naive_ci", ["same" if a == b else a for a, b in zip(naive, mine, strict=True)]
    )
    return out


def days_to_removal(removals: pd.DataFrame) -> pd.Series:
    """Whole days from publication to the Beijing-time date the removal was seen.

    0 is the day of publication; publication dates have day resolution (docs/methods.md §7).

    Parameters
    ----------
    removals : pandas.DataFrame
        ``published_on`` (naive dates, Beijing) and ``removal_seen_at`` (time-zone aware).

    Returns
    -------
    pandas.Series
        Whole days, on ``removals``' index.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import censorship as cs
    >>> removals = pd.DataFrame({"published_on": pd.to_datetime(["2019-05-01", "2019-05-01"]),
    ...                          "removal_seen_at": pd.to_datetime(["2019-05-01 15:30", "2019-05-01 16:30"], utc=True)})
    >>> cs.days_to_removal(removals).tolist()  # 16:30 UTC is past midnight in Beijing
    [0, 1]
    """
    seen_local = removals["removal_seen_at"].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None).dt.normalize()
    return (seen_local - removals["published_on"]).dt.days


def quantile_interval(values, q: float, level: float = 0.95) -> tuple[float, float, float]:
    """The ``q`` quantile of ``values`` (the lower order statistic, no interpolation) and its distribution-free
    interval: the order statistics whose ranks bracket ``q`` with binomial probability at least ``level``.

    Parameters
    ----------
    values : array-like
        Numbers.
    q : float
        The quantile, 0–1.
    level : float
        The interval's coverage (0.95).

    Returns
    -------
    tuple of float
        ``(quantile, ci_low, ci_high)``, all values of ``values``; NaNs when it is empty.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> cs.quantile_interval(range(1, 11), 0.5)
    (5.0, 2.0, 9.0)
    >>> cs.quantile_interval([], 0.5)
    (nan, nan, nan)
    """
    x = np.sort(np.asarray(values, float))
    n = len(x)
    if n == 0:
        return (np.nan, np.nan, np.nan)
    point = x[min(n - 1, max(0, int(np.ceil(q * n)) - 1))]
    lo = int(stats.binom.ppf((1 - level) / 2, n, q))
    hi = int(stats.binom.ppf(1 - (1 - level) / 2, n, q)) + 1
    return float(point), float(x[max(lo - 1, 0)]), float(x[min(hi - 1, n - 1)])


def window_days(removals: pd.DataFrame, coverage: float = 0.99, level: float = 0.95) -> dict:
    """The archive's watch window, measured: the fewest whole days by which ``coverage`` of all removals were
    seen (the ``coverage`` quantile of days to removal), with its order-statistic interval, and how many
    removals were seen later than that. Keys: ``days, ci_low, ci_high, coverage, removals, beyond, max_days``.

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``account`` (pseudonyms), ``reason``, ``published_on`` (the Beijing date) and
        ``removal_seen_at`` (time-zone aware), as ``synthetic_removals`` and the WeChatscope loader give them.
    coverage : float
        The share 0–1 of removals the window must hold.
    level : float
        The coverage of the quantile's interval (``quantile_interval``).

    Returns
    -------
    dict
        Days as whole numbers (``days_to_removal``); ``removals`` counts all of them.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> cs.window_days(removals)
    {'days': 21, 'ci_low': 20, 'ci_high': 23, 'coverage': 0.99, 'removals': 300, 'beyond': 3, 'max_days': 23}
    """
    days = days_to_removal(removals)
    point, lo, hi = quantile_interval(days, coverage, level)
    return {
        "days": int(point),
        "ci_low": int(lo),
        "ci_high": int(hi),
        "coverage": coverage,
        "removals": len(days),
        "beyond": int((days > point).sum()),
        "max_days": int(days.max()),
    }


def watch_window(removals: pd.DataFrame, quantiles=(0.5, 0.9, 0.95, 0.99)) -> pd.DataFrame:
    """Per reason and for ``all``: removals, quantiles of days to removal (``p50``, ``p90``, ... with the
    lower order statistic), and the maximum. Whole days (day resolution).

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``account`` (pseudonyms), ``reason``, ``published_on`` (the Beijing date) and
        ``removal_seen_at`` (time-zone aware), as ``synthetic_removals`` and the WeChatscope loader give them.
    quantiles : sequence of float
        The quantiles, 0–1; each gives a column ``p<100 q>``.

    Returns
    -------
    pandas.DataFrame
        ``reason, removals, p50, ..., max_days``: the reasons present in ``REASONS`` order, then ``all``.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> window = cs.watch_window(removals)
    >>> window.iloc[[0, -1]].to_dict("records")
    [{'reason': 'author_deleted', 'removals': 188, 'p50': 1.0, 'p90': 4.0, 'p95': 6.0, 'p99': 23.0, 'max_days': 23},
     {'reason': 'all', 'removals': 300, 'p50': 1.0, 'p90': 3.0, 'p95': 5.0, 'p99': 21.0, 'max_days': 23}]
    """
    d = removals.assign(days=days_to_removal(removals))
    frames = {r: g["days"] for r, g in d.groupby("reason")} | {"all": d["days"]}
    rows = {
        r: {
            "removals": len(s),
            **{f"p{round(q * 100)}": quantile_interval(s, q)[0] for q in quantiles},
            "max_days": int(s.max()),
        }
        for r, s in frames.items()
    }
    out = _ordered(pd.DataFrame.from_dict(rows, orient="index"))
    return out.rename_axis("reason").reset_index()


def seen_by_day(
    removals: pd.DataFrame, within: int, by_day: int = 1, n_boot: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """Among removals seen within ``within`` days of publication, the share seen by day ``by_day``.

    Per reason and ``all``: ``reason, seen_within, seen_by_day, share, ci_low, ci_high`` (accounts resampled),
    ``naive_ci_low, naive_ci_high`` (Wilson), ``design_effect, seen_later`` (removals seen after ``within`` days,
    left out of the denominator). This describes the archive's window, not the speed of removal: it says
    nothing of articles that were not removed.

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``account`` (pseudonyms), ``reason``, ``published_on`` (the Beijing date) and
        ``removal_seen_at`` (time-zone aware), as ``synthetic_removals`` and the WeChatscope loader give them.
    within : int
        The window in whole days (e.g. ``window_days(...)["days"]``).
    by_day : int
        The day counted (0 = the publication date).
    n_boot : int
        Bootstrap draws of accounts.
    seed : int
        Seed of the bootstrap; the same seed gives the same intervals.

    Returns
    -------
    pandas.DataFrame
        The reasons present in ``REASONS`` order, then ``all``; shares 0–1.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> seen = cs.seen_by_day(removals, within=3, n_boot=200)
    >>> row = seen.iloc[5]
    >>> row["reason"], int(row["seen_within"]), int(row["seen_by_day"]), int(row["seen_later"])
    ('all', 275, 222, 25)
    >>> round(float(row["share"]), 3)
    0.807
    """
    d = removals.assign(days=days_to_removal(removals))
    inside = d[d["days"] <= within]
    s = clustered.shares_by_group(inside["days"] <= by_day, inside["account"], inside["reason"], n_boot, seed)
    s = _ordered(s.set_index("group").rename_axis("reason"))
    later = pd.concat([d["reason"], pd.Series("all", index=d.index)])[pd.concat([d["days"]] * 2).to_numpy() > within]
    out = s.assign(
        seen_within=s["rows"],
        seen_by_day=s["successes"],
        seen_later=later.value_counts().reindex(s.index, fill_value=0).astype(int),
    )
    return out.reset_index()[["reason", "seen_within", "seen_by_day", *SHARE_COLUMNS, "seen_later"]]


def by_half_year(
    removals: pd.DataFrame, reason: str = "author_deleted", n_boot: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """The share of ``reason`` among removals seen in each half-year (Beijing time; ``2019H1`` = January to June):
    ``half, removals, accounts, share, ci_low, ci_high`` (accounts resampled), ``naive_ci_low, naive_ci_high,
    design_effect``. The first and last halves are partial when the archive's span is.

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``account`` (pseudonyms), ``reason``, ``published_on`` (the Beijing date) and
        ``removal_seen_at`` (time-zone aware), as ``synthetic_removals`` and the WeChatscope loader give them.
    reason : str
        The reason whose share is taken.
    n_boot : int
        Bootstrap draws of accounts.
    seed : int
        Seed of the bootstrap; the same seed gives the same intervals.

    Returns
    -------
    pandas.DataFrame
        One row per half-year in which a removal was seen, in order; shares 0–1.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> halves = cs.by_half_year(removals, n_boot=200)
    >>> halves["half"].tolist()
    ['2018H2', '2019H1', '2019H2', '2020H1', '2020H2']
    >>> first = halves.iloc[0]
    >>> int(first["removals"]), int(first["accounts"]), round(float(first["share"]), 3)
    (67, 14, 0.657)
    """
    local = removals["removal_seen_at"].dt.tz_convert("Asia/Shanghai")
    half = local.dt.year.astype(str) + np.where(local.dt.month <= 6, "H1", "H2")
    s = clustered.shares_by_group(removals["reason"] == reason, removals["account"], half, n_boot, seed)
    s = s[s["group"] != "all"].rename(columns={"group": "half", "rows": "removals", "clusters": "accounts"})
    return s[["half", "removals", "accounts", *SHARE_COLUMNS]].reset_index(drop=True)


def cumulative_days(removals: pd.DataFrame, max_days: int = 10) -> pd.DataFrame:
    """Per reason, the share of its removals seen by each day 0..``max_days`` after publication (of all its
    removals, so the curve flattens where the archive stopped watching): ``reason, day, seen, removals, share``.

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``account`` (pseudonyms), ``reason``, ``published_on`` (the Beijing date) and
        ``removal_seen_at`` (time-zone aware), as ``synthetic_removals`` and the WeChatscope loader give them.
    max_days : int
        The last day, in whole days after publication.

    Returns
    -------
    pandas.DataFrame
        ``max_days + 1`` rows per reason present, in ``REASONS`` order; ``share`` 0–1.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> curve = cs.cumulative_days(removals, max_days=3)
    >>> curve.head(2).round(3).to_dict("records")
    [{'reason': 'author_deleted', 'day': 0, 'seen': 88, 'removals': 188, 'share': 0.468},
     {'reason': 'author_deleted', 'day': 1, 'seen': 137, 'removals': 188, 'share': 0.729}]
    """
    d = removals.assign(days=days_to_removal(removals))
    rows = [
        {"reason": r, "day": day, "seen": int((g["days"] <= day).sum()), "removals": len(g)}
        for r in REASONS
        if len(g := d[d["reason"] == r])
        for day in range(max_days + 1)
    ]
    out = pd.DataFrame(rows, columns=["reason", "day", "seen", "removals"])
    out["share"] = out["seen"] / out["removals"]
    return out


def monthly(removals: pd.DataFrame) -> pd.DataFrame:
    """Removals per calendar month (of the removal, Beijing time) and reason: ``month, reason, removals``.

    Parameters
    ----------
    removals : pandas.DataFrame
        ``removal_seen_at`` (time-zone aware) and ``reason``.

    Returns
    -------
    pandas.DataFrame
        ``month`` as YYYY-MM; only the months and reasons with a removal, sorted by month then reason.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> cs.monthly(removals).head(2).to_dict("records")
    [{'month': '2018-07', 'reason': 'account_blocked', 'removals': 1}, {'month': '2018-07', 'reason': 'author_deleted',
     'removals': 6}]
    """
    month = removals["removal_seen_at"].dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m")
    return removals.assign(month=month).groupby(["month", "reason"]).size().rename("removals").reset_index()


def _concentration(counts: np.ndarray) -> dict:
    """Concentration of removals over accounts, from per-account counts (any order)."""
    counts = np.sort(np.asarray(counts))[::-1]
    n, total = len(counts), counts.sum()
    top1 = max(1, int(np.ceil(0.01 * n)))
    gini = float((2 * np.arange(1, n + 1) - n - 1) @ counts[::-1] / (n * total))
    return {
        "accounts": int(n),
        "removals": int(total),
        "share_top_1pct_accounts": float(counts[:top1].sum() / total),
        "share_top_10_accounts": float(counts[:10].sum() / total),
        "accounts_for_half": int(np.searchsorted(np.cumsum(counts) / total, 0.5) + 1),
        "gini": gini,
    }


def concentration(removals: pd.DataFrame, reason: str = "violation") -> dict:
    """How few accounts carry the removals of one reason: accounts, top-1%/top-10-account shares,
    accounts holding half the removals, and the Gini coefficient over accounts with at least one.

    Parameters
    ----------
    removals : pandas.DataFrame
        ``account`` and ``reason``.
    reason : str
        The reason.

    Returns
    -------
    dict
        ``accounts``, ``removals``, ``share_top_1pct_accounts`` (the largest 1% of accounts, at least one),
        ``share_top_10_accounts`` (shares 0–1), ``accounts_for_half`` (the fewest accounts holding at least half
        the removals) and ``gini``; only ``accounts`` and ``removals``, both 0, when the reason has no removal.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> c = cs.concentration(removals, "violation")
    >>> c["accounts"], c["removals"], c["accounts_for_half"], round(c["gini"], 3)
    (12, 87, 1, 0.716)
    >>> cs.concentration(removals, "no_such_reason")
    {'accounts': 0, 'removals': 0}
    """
    counts = removals.loc[removals["reason"] == reason, "account"].value_counts().to_numpy()
    if len(counts) == 0:
        return {"accounts": 0, "removals": 0}
    return _concentration(counts)


MEASURES = {
    "gini": "Gini coefficient over accounts",
    "share_top_10_accounts": "share carried by the 10 largest accounts",
    "accounts_for_half": "accounts carrying half the removals",
}


def concentration_intervals(
    removals: pd.DataFrame, reason: str = "violation", n_boot: int = 1000, seed: int = 0, level: float = 0.95
) -> pd.DataFrame:
    """``concentration`` with percentile bootstrap intervals, resampling accounts (with their removals) with
    replacement: ``measure, value, ci_low, ci_high`` for the Gini, the top-10 share and the accounts for half
    (``MEASURES`` has them in words).

    Parameters
    ----------
    removals : pandas.DataFrame
        ``account`` and ``reason``.
    reason : str
        The reason.
    n_boot : int
        Bootstrap resamples of accounts.
    seed : int
        Seed of the bootstrap.
    level : float
        The intervals' coverage (0.95).

    Returns
    -------
    pandas.DataFrame
        Three rows (empty when the reason has no removal).

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> table = cs.concentration_intervals(removals, "violation", n_boot=200)
    >>> table.round(3).to_dict("records")[1]
    {'measure': 'share_top_10_accounts', 'value': 0.977, 'ci_low': 0.895, 'ci_high': 0.99}
    """
    counts = removals.loc[removals["reason"] == reason, "account"].value_counts().to_numpy()
    if len(counts) == 0:
        return pd.DataFrame(columns=["measure", "value", "ci_low", "ci_high"])
    point = _concentration(counts)
    rng = np.random.default_rng(seed)
    measures = ["gini", "share_top_10_accounts", "accounts_for_half"]
    boot = np.array([[_concentration(rng.choice(counts, len(counts)))[m] for m in measures] for _ in range(n_boot)])
    lo, hi = np.quantile(boot, [(1 - level) / 2, 1 - (1 - level) / 2], axis=0, method="inverted_cdf")
    return pd.DataFrame({"measure": measures, "value": [point[m] for m in measures], "ci_low": lo, "ci_high": hi})


MEASURE_KINDS = {"gini": "number", "share_top_10_accounts": "share", "accounts_for_half": "count"}


def concentration_words(table: pd.DataFrame) -> pd.DataFrame:
    """``concentration_intervals`` for reading: each measure in words with its value and interval in its own
    unit (the Gini as a number, the top-10 share in percent, the accounts as a count).

    Parameters
    ----------
    table : pandas.DataFrame
        ``concentration_intervals`` output: ``measure, value, ci_low, ci_high``.

    Returns
    -------
    pandas.DataFrame
        ``measure`` (``MEASURES``' words) and ``value`` (text: the estimate with its 95% interval).

    Raises
    ------
    ValueError
        A column is missing, or a measure is not one of ``MEASURE_KINDS``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import censorship as cs
    >>> t = pd.DataFrame({"measure": ["gini", "share_top_10_accounts", "accounts_for_half"],
    ...                   "value": [0.61, 0.38, 54.0], "ci_low": [0.57, 0.33, 41.0], "ci_high": [0.66, 0.44, 70.0]})
    >>> cs.concentration_words(t)["value"].tolist()
    ['0.610 (0.570–0.660)', '38.0% (33.0–44.0)', '54 (41–70)']
    """
    from . import narrative as nv

    require_columns(table, ("measure", "value", "ci_low", "ci_high"), "concentration_words")
    unknown = sorted(set(table["measure"]) - set(MEASURE_KINDS))
    if unknown:
        raise ValueError(f"concentration_words: unknown measure {unknown[0]!r}; known: {', '.join(MEASURE_KINDS)}")
    values = [nv.formatted(r.value, MEASURE_KINDS[r.measure], r.ci_low, r.ci_high) for r in table.itertuples()]
    return pd.DataFrame({"measure": table["measure"].map(MEASURES), "value": values})


def _record_share(name: str, k: int, n: int, note: str) -> None:
    """A share finding ``name`` with its 95% Wilson interval beside it (``name.ci_low``, ``name.ci_high``): for
    shares whose rows do not cluster, or with no success (where resampling clusters cannot give an upper bound)."""
    from .findings import record_finding

    lo, hi = wilson_interval(k, n)
    record_finding(name, k / n if n else float("nan"), tolerance=1e-12, note=f"{k:,} of {n:,}; {note}")
    record_finding(f"{name}.ci_low", float(lo), tolerance=1e-12, note="95% Wilson interval")
    record_finding(f"{name}.ci_high", float(hi), tolerance=1e-12, note="95% Wilson interval")


def _record_clustered(name: str, row, k: int, n: int, note: str) -> None:
    """A share finding ``name`` with its account-clustered interval (``.ci_low``, ``.ci_high``) and the naive
    Wilson one (``.naive_ci_low``, ``.naive_ci_high``); ``row`` holds the ``SHARE_COLUMNS``."""
    from .findings import record_finding

    record_finding(
        name,
        float(row["share"]) if n else float("nan"),
        tolerance=1e-12,
        note=f"{k:,} of {n:,}; {note}",
        reason="no removal in the denominator",
    )
    for part, label in (
        ("ci_low", "95% interval resampling accounts"),
        ("ci_high", "95% interval resampling accounts"),
        ("naive_ci_low", "95% Wilson interval, rows taken as independent"),
        ("naive_ci_high", "95% Wilson interval, rows taken as independent"),
    ):
        if n and np.isfinite(row[part]):
            record_finding(f"{name}.{part}", float(row[part]), tolerance=1e-12, note=label)


def record_reasons(removals: pd.DataFrame, prefix: str, n_boot: int = 2000, seed: int = 0) -> pd.DataFrame:
    """Findings ``<prefix>.removals.<reason>`` (counts), ``.removals.total`` and ``.share_of_removals.<reason>``
    (account-clustered intervals, the naive ones beside them); returns ``by_reason``.

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``account`` (pseudonyms), ``reason``, ``published_on`` (the Beijing date) and
        ``removal_seen_at`` (time-zone aware), as ``synthetic_removals`` and the WeChatscope loader give them.
    prefix : str
        The findings' prefix (e.g. ``censorship.wechatscope``).
    n_boot : int
        Bootstrap draws of accounts.
    seed : int
        Seed of the bootstrap; the same seed gives the same intervals.

    Returns
    -------
    pandas.DataFrame
        ``by_reason(removals, n_boot, seed)``.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study.findings import read_recorded
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = os.path.join(tmp, "findings.jsonl")
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": sink}):
    ...         table = cs.record_reasons(removals, "censorship.mine", n_boot=200)
    ...     found = read_recorded(sink)
    >>> found["censorship.mine.removals.total"]["value"], found["censorship.mine.removals.violation"]["value"]
    (300, 87)
    >>> round(found["censorship.mine.share_of_removals.violation"]["value"], 3)
    0.29
    """
    from .findings import record_finding

    table = by_reason(removals, n_boot, seed)
    record_finding(f"{prefix}.removals.total", len(removals), note="removed articles in the archive")
    for row in table.itertuples():
        record_finding(f"{prefix}.removals.{row.reason}", int(row.removals), note=f"from {row.accounts:,} accounts")
        _record_clustered(
            f"{prefix}.share_of_removals.{row.reason}",
            row._asdict(),
            int(row.removals),
            len(removals),
            "a share of removals, not of published articles",
        )
    return table


def record_window(
    removals: pd.DataFrame, prefix: str, coverage: float = 0.99, by_day: int = 1, n_boot: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """Findings on the archive's watch window: ``<prefix>.window.days`` (with its interval), ``.window.share_within``
    (the share of all removals seen within it), ``.window.beyond``, ``.window.max_days``, ``.window.by_reason``
    (quantiles), and per reason (and ``all``) ``.seen_within_window.<reason>``, ``.seen_by_day_<by_day>.<reason>``
    (counts) and ``.share_seen_by_day_<by_day>.<reason>``. Shares carry account-clustered intervals and the naive
    ones. Returns ``seen_by_day``.

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``account`` (pseudonyms), ``reason``, ``published_on`` (the Beijing date) and
        ``removal_seen_at`` (time-zone aware), as ``synthetic_removals`` and the WeChatscope loader give them.
    prefix : str
        The findings' prefix.
    coverage : float
        As for ``window_days``.
    by_day : int
        As for ``seen_by_day``.
    n_boot : int
        Bootstrap draws of accounts.
    seed : int
        Seed of the bootstrap; the same seed gives the same intervals.

    Returns
    -------
    pandas.DataFrame
        ``seen_by_day(removals, window, by_day, n_boot, seed)``, the window being ``window_days``' ``days``.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study.findings import read_recorded
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = os.path.join(tmp, "findings.jsonl")
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": sink}):
    ...         table = cs.record_window(removals, "censorship.mine", n_boot=200)
    ...     found = read_recorded(sink)
    >>> found["censorship.mine.window.days"]["value"], found["censorship.mine.window.beyond"]["value"]
    (21, 3)
    >>> found["censorship.mine.seen_by_day_1.all"]["value"] == int(table.loc[5, "seen_by_day"])
    True
    """
    from .findings import record_finding

    w = window_days(removals, coverage)
    record_finding(
        f"{prefix}.window.days",
        w["days"],
        note=f"whole days by which {coverage:.0%} of the {w['removals']:,} removals were seen",
    )
    record_finding(f"{prefix}.window.days.ci_low", w["ci_low"], note="distribution-free 95% interval of the quantile")
    record_finding(f"{prefix}.window.days.ci_high", w["ci_high"], note="distribution-free 95% interval of the quantile")
    within = clustered.share(days_to_removal(removals) <= w["days"], removals["account"], n_boot, seed)
    _record_clustered(
        f"{prefix}.window.share_within",
        within,
        w["removals"] - w["beyond"],
        w["removals"],
        f"removals seen within {w['days']} days of publication",
    )
    record_finding(
        f"{prefix}.window.beyond", w["beyond"], note=f"removals seen more than {w['days']} days after publication"
    )
    record_finding(f"{prefix}.window.max_days", w["max_days"], note="the longest publication-to-removal-seen span")
    record_finding(
        f"{prefix}.window.by_reason",
        watch_window(removals),
        tolerance=0,
        note="quantiles of whole days from publication to removal seen (day resolution)",
    )
    table = seen_by_day(removals, w["days"], by_day, n_boot, seed)
    for row in table.itertuples():
        record_finding(
            f"{prefix}.seen_within_window.{row.reason}",
            int(row.seen_within),
            note=f"removals seen within {w['days']} days of publication",
        )
        record_finding(
            f"{prefix}.seen_by_day_{by_day}.{row.reason}",
            int(row.seen_by_day),
            note=f"removals seen by day {by_day} (0 = the publication date)",
        )
        _record_clustered(
            f"{prefix}.share_seen_by_day_{by_day}.{row.reason}",
            row._asdict(),
            int(row.seen_by_day),
            int(row.seen_within),
            f"of removals seen within {w['days']} days; describes the archive's watch, not a speed",
        )
    return table


def record_half_years(
    removals: pd.DataFrame, prefix: str, reason: str = "author_deleted", n_boot: int = 2000, seed: int = 0
) -> pd.DataFrame:
    """Findings ``<prefix>.<reason>_share.<half>`` per half-year (e.g. ``2019h1``) with clustered and naive intervals,
    ``<prefix>.<reason>_share.change`` (last half minus first, accounts resampled), and the same change over
    the accounts with removals in both (``.change_same_accounts``, ``.same_accounts`` of them: the set of
    accounts changes between half-years, and with it the mix of reasons); returns ``by_half_year``.

    The changes are recorded only when there are at least two half-years.

    Parameters
    ----------
    removals : pandas.DataFrame
        The archive's removals: ``account`` (pseudonyms), ``reason``, ``published_on`` (the Beijing date) and
        ``removal_seen_at`` (time-zone aware), as ``synthetic_removals`` and the WeChatscope loader give them.
    prefix : str
        The findings' prefix.
    reason : str
        As for ``by_half_year``.
    n_boot : int
        Bootstrap draws of accounts.
    seed : int
        Seed of the bootstrap; the same seed gives the same intervals.

    Returns
    -------
    pandas.DataFrame
        ``by_half_year(removals, reason, n_boot, seed)``.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study.findings import read_recorded
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = os.path.join(tmp, "findings.jsonl")
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": sink}):
    ...         table = cs.record_half_years(removals, "censorship.mine", n_boot=200)
    ...     found = read_recorded(sink)
    >>> round(found["censorship.mine.author_deleted_share.2018h2"]["value"], 3)
    0.657
    >>> "censorship.mine.author_deleted_share.change" in found
    True
    >>> found["censorship.mine.author_deleted_share.same_accounts"]["value"] > 0
    True
    """
    table = by_half_year(removals, reason, n_boot, seed)
    for row in table.itertuples():
        _record_clustered(
            f"{prefix}.{reason}_share.{row.half.lower()}",
            row._asdict(),
            round(row.share * row.removals),
            int(row.removals),
            f"share of the half-year's removals that were {reason.replace('_', ' ')}",
        )
    if len(table) >= 2:
        from .adjust import record_estimate
        from .findings import record_finding

        local = removals["removal_seen_at"].dt.tz_convert("Asia/Shanghai")
        half = local.dt.year.astype(str) + np.where(local.dt.month <= 6, "H1", "H2")
        first, last = table["half"].iloc[0], table["half"].iloc[-1]
        d = clustered.difference(removals["reason"] == reason, removals["account"], half, last, first, n_boot, seed)
        record_estimate(
            f"{prefix}.{reason}_share.change",
            d["difference"],
            d["ci_low"],
            d["ci_high"],
            f"{last} minus {first}, in share points; 95% interval resampling accounts",
            1e-12,
        )
        same = _same_accounts(removals, half, first, last)
        record_finding(f"{prefix}.{reason}_share.same_accounts", int(removals.loc[same, "account"].nunique()),
                       note=f"accounts with removals in both {first} and {last}")
        d = clustered.difference((removals["reason"] == reason)[same], removals["account"][same], half[same], last,
                                 first, n_boot, seed)
        record_estimate(
            f"{prefix}.{reason}_share.change_same_accounts",
            d["difference"],
            d["ci_low"],
            d["ci_high"],
            f"{last} minus {first}, in share points, over the removals of the accounts with removals in both (so "
            "accounts entering or leaving cannot make the change; shifts of volume among them still can: the "
            "share is pooled over removals); 95% interval resampling those accounts",
            1e-12,
        )
    return table


def _same_accounts(removals: pd.DataFrame, half: pd.Series, first: str, last: str) -> pd.Series:
    """Rows of ``first`` or ``last`` whose account has removals in both."""
    both = set(removals.loc[half == first, "account"]) & set(removals.loc[half == last, "account"])
    return half.isin([first, last]) & removals["account"].isin(both)


def record_concentration(removals: pd.DataFrame, prefix: str, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Findings ``<prefix>.violation.{gini, share_top_10_accounts, accounts_for_half}`` with bootstrap intervals,
    ``.violation.accounts`` and ``.blocked_accounts``; returns ``concentration_intervals``.

    Parameters
    ----------
    removals : pandas.DataFrame
        ``account`` and ``reason``.
    prefix : str
        The findings' prefix.
    n_boot : int
        Bootstrap resamples of accounts.
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    pandas.DataFrame
        ``concentration_intervals(removals, "violation", n_boot, seed)``.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study.findings import read_recorded
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = os.path.join(tmp, "findings.jsonl")
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": sink}):
    ...         table = cs.record_concentration(removals, "censorship.mine", n_boot=200)
    ...     found = read_recorded(sink)
    >>> found["censorship.mine.violation.accounts"]["value"], found["censorship.mine.blocked_accounts"]["value"]
    (12, 4)
    """
    from .findings import record_finding

    table = concentration_intervals(removals, "violation", n_boot, seed)
    accounts = concentration(removals, "violation")["accounts"]
    record_finding(f"{prefix}.violation.accounts", accounts, note="accounts with at least one rule-violation removal")
    for row in table.itertuples():
        integer = row.measure == "accounts_for_half"
        for suffix, v in (("", row.value), (".ci_low", row.ci_low), (".ci_high", row.ci_high)):
            record_finding(
                f"{prefix}.violation.{row.measure}{suffix}",
                int(v) if integer else float(v),
                tolerance=None if integer else 1e-12,
                note=f"of {accounts:,} accounts"
                if not suffix
                else f"95% bootstrap interval over accounts ({n_boot:,} resamples, seed {seed})",
            )
    record_finding(
        f"{prefix}.blocked_accounts",
        concentration(removals, "account_blocked")["accounts"],
        note="accounts whose articles show 'account blocked'",
    )
    return table


SYNTHETIC_WORDS = (
    "经济",
    "学校",
    "医院",
    "政策",
    "城市",
    "环境",
    "历史",
    "科技",
    "文化",
    "健康",
    "旅游",
    "电影",
    "新聞",
    "學生",
    "會議",
    "發展",
    "工作",
    "朋友",
    "孩子",
    "老师",
    "公司",
    "市场",
    "天气",
    "故事",
)


#: A planted scraper outage in ``synthetic_removals``: removals due in it are seen just after it (end exclusive).
GAP = ("2019-03-01", "2019-03-21")


def synthetic_removals(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """A removals table for offline runs: reasons, delays, accounts and title words drawn at random, so no
    reason has distinctive words by construction (a few words are in traditional script, to exercise the
    script unification); every 97th title holds the synthetic keyword ``关键词``; no removal is seen during the
    planted outage ``GAP``.

    Reasons are drawn with chances 0.7, 0.24, 0.03, 0.02 and 0.01 in ``REASONS`` order; publication dates
    are uniform over 800 days from 2018-07-01; accounts are Zipf-distributed numbers pseudonymized under this
    installation's key (``privacy.pseudonymize``, prefix ``a``).

    Parameters
    ----------
    n : int
        Removals.
    seed : int
        The same seed gives the same table (the same accounts under the same key).

    Returns
    -------
    pandas.DataFrame
        ``account, title, published_on`` (naive Beijing dates), ``removal_seen_at`` (UTC), ``reason`` and
        ``reason_raw``.

    Examples
    --------
    >>> from wechat_study import censorship as cs
    >>> removals = cs.synthetic_removals(300, seed=0)
    >>> removals.columns.tolist()
    ['account', 'title', 'published_on', 'removal_seen_at', 'reason', 'reason_raw']
    >>> removals["reason"].value_counts().head(2).to_dict(), int(removals["title"].str.contains("关键词").sum())
    ({'author_deleted': 188, 'violation': 87}, 4)
    """
    from .privacy import pseudonymize

    rng = np.random.default_rng(seed)
    reason = rng.choice(list(REASONS), n, p=[0.7, 0.24, 0.03, 0.02, 0.01])
    published = pd.Timestamp("2018-07-01") + pd.to_timedelta(rng.integers(0, 800, n), unit="D")
    delay_s = rng.geometric(0.5, n) * 86400 - rng.integers(0, 86400, n)
    seen = published.tz_localize("Asia/Shanghai") + pd.to_timedelta(delay_s, unit="s")
    gap = (seen >= pd.Timestamp(GAP[0], tz="Asia/Shanghai")) & (seen < pd.Timestamp(GAP[1], tz="Asia/Shanghai"))
    seen = seen.where(~gap, seen + (pd.Timestamp(GAP[1]) - pd.Timestamp(GAP[0])))  # seen when the scraper is back
    words = rng.choice(list(SYNTHETIC_WORDS), (n, 4))
    titles = ["".join(w) + "：" + str(i) + ("关键词" if i % 97 == 0 else "") for i, w in enumerate(words)]
    return pd.DataFrame(
        {
            "account": pseudonymize(rng.zipf(1.8, n).astype(str), prefix="a"),
            "title": titles,
            "published_on": published.astype("datetime64[ms]"),
            "removal_seen_at": seen.tz_convert("UTC").astype("datetime64[ns, UTC]"),
            "reason": reason,
            "reason_raw": reason,
        }
    )
