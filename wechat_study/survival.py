"""Time to a threshold, censored when observation ended: "how often" and "how fast", kept apart.

Conventions (docs/methods.md#4-censoring-and-time-to-threshold):
- a cascade's censoring time is the end of observation of its data set (the crawl; the catalog's
  ``observation_end``), measured from the source post, never its own last post;
- with that rule, the end of each Kaplan-Meier curve is the observed share crossing whenever the
  data set was watched longer than the slowest crossing (``km_end_check`` verifies it);
- "how often" is the share that crosses (Wilson 95% intervals); "how fast" is the time among the
  cascades that cross (median, bootstrap 95% interval, Mann-Whitney U); the log-rank test mixes the
  two and is reported only as a test of the whole curves;
- times are hours after the source post.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from . import thresholds as th
from .align import same_index
from .clustered import cluster_codes, statistic
from .datasets.catalog import CATALOG

__all__ = [
    "end_of_observation", "observation_note", "followed_hours", "durations", "km_end_check", "how_often",
    "bootstrap_median", "how_fast", "crawl_sensitivity", "not_reached", "record_survival", "steps",
    "report_missing"
]


def _source(dataset):
    """The ``corpus.Source`` of a data set given by name or as a ``Corpus`` (None when unknown)."""
    if not isinstance(dataset, str):
        return getattr(dataset, "source", None)
    if dataset in CATALOG or dataset == "synthetic":
        from .corpus import Source

        return Source.of(dataset)
    return None


def end_of_observation(dataset, posts: pd.DataFrame | None = None) -> pd.Timestamp:
    """When observation of a data set ended (UTC), by its source's ``observation_end``.

    ``dataset`` is a catalogued name (with its ``posts``) or a ``Corpus``. ``"latest record"`` (or a
    data set whose source is unknown) takes the latest post time in ``posts``: a lower bound on the crawl.

    Parameters
    ----------
    dataset : str or Corpus
        A catalogued name (or ``"synthetic"``), or a ``Corpus`` whose ``source`` gives the rule.
    posts : pandas.DataFrame, optional
        The posts table (``created_at``, UTC); required with a name, else the corpus's ``posts``.

    Returns
    -------
    pandas.Timestamp
        The end of observation, UTC: the source's ISO time (a time without a zone is read as UTC), or the latest
        ``created_at`` in ``posts``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import survival as sv
    >>> from wechat_study.corpus import Corpus, Source
    >>> posts = pd.DataFrame({"created_at": pd.to_datetime(["2014-01-01 08:00", "2014-01-05 21:30"], utc=True)})
    >>> sv.end_of_observation("synthetic", posts)
    Timestamp('2014-01-05 21:30:00+0000', tz='UTC')
    >>> crawl = Source("mine", "my crawl", observation_end="2014-02-01T00:00:00+08:00")
    >>> sv.end_of_observation(Corpus("mine", posts=posts, source=crawl))
    Timestamp('2014-01-31 16:00:00+0000', tz='UTC')
    """
    src = _source(dataset)
    posts = dataset.posts if posts is None else posts
    rule = src.observation_end if src is not None else "latest record"
    if rule and rule != "latest record":
        return pd.Timestamp(rule).tz_convert("UTC") if pd.Timestamp(rule).tzinfo else pd.Timestamp(rule, tz="UTC")
    return posts["created_at"].max()


def observation_note(dataset) -> str:
    """The sentence saying how the end of observation of a data set (a name or a ``Corpus``) was set.

    Parameters
    ----------
    dataset : str or Corpus
        A catalogued name (or ``"synthetic"``), or a ``Corpus``.

    Returns
    -------
    str
        The source's ``observation_end_note``, or, when it has none (or the source is unknown), a sentence saying
        the end is the latest record, a lower bound.

    Examples
    --------
    >>> from wechat_study import survival as sv
    >>> from wechat_study.corpus import Corpus, Source
    >>> sv.observation_note("mine")
    'No crawl date is known; the end is taken as the latest record in the data set, a lower bound.'
    >>> crawl = Source("mine", "my crawl", observation_end="2014-02-01T00:00:00+08:00",
    ...                observation_end_note="The crawl ended on 1 February 2014, Beijing time.")
    >>> sv.observation_note(Corpus("mine", source=crawl))
    'The crawl ended on 1 February 2014, Beijing time.'
    """
    src = _source(dataset)
    if src is not None and src.observation_end_note:
        return src.observation_end_note
    return "No crawl date is known; the end is taken as the latest record in the data set, a lower bound."


def followed_hours(cascades: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
    """Hours from each source post to ``end``, by ``cascade_id``: the censoring time of a cascade that never crosses.

    Parameters
    ----------
    cascades : pandas.DataFrame
        The cascades table: ``cascade_id`` and ``created_at`` (the source post's time, UTC).
    end : pandas.Timestamp
        The end of observation, UTC (``end_of_observation``).

    Returns
    -------
    pandas.Series
        Float hours indexed by ``cascade_id`` (NaN where the source's time is unknown).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import survival as sv
    >>> days = ["2014-01-01", "2014-01-02", "2014-01-03", "2014-01-01", "2014-01-04", "2014-01-05"]
    >>> cascades = pd.DataFrame({"cascade_id": list("abcdef"), "created_at": pd.to_datetime(days, utc=True),
    ...                          "label": ["rumour"] * 3 + ["non-rumour"] * 3})
    >>> sv.followed_hours(cascades, pd.Timestamp("2014-01-06", tz="UTC")).to_dict()
    {'a': 120.0, 'b': 96.0, 'c': 72.0, 'd': 120.0, 'e': 48.0, 'f': 24.0}
    """
    return ((end - cascades["created_at"]).dt.total_seconds() / 3600.0).set_axis(cascades["cascade_id"].to_numpy())


def durations(
    metrics: pd.DataFrame, cascades: pd.DataFrame, end: pd.Timestamp, threshold: int = th.REPOSTS
) -> pd.DataFrame:
    """``thresholds.crossing_durations`` censored at ``end``: ``cascade_id, duration_h, crossed``.

    A cascade that crosses has its time to the ``threshold``-th repost; one that does not is censored at the
    hours from its source post to ``end`` (``followed_hours``), never at its own last post.

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``cascade_metrics``' table: ``cascade_id`` and ``time_to_<threshold>_s`` (seconds, NaN when not crossed).
    cascades : pandas.DataFrame
        The cascades table: ``cascade_id`` and ``created_at`` (the source post's time, UTC).
    end : pandas.Timestamp
        The end of observation, UTC (``end_of_observation``).
    threshold : int
        The repost line, inclusive (default: ``thresholds.REPOSTS``, 500).

    Returns
    -------
    pandas.DataFrame
        ``cascade_id``, ``duration_h`` (hours, at least 0) and ``crossed`` (bool), in ``metrics``' order.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import survival as sv
    >>> days = ["2014-01-01", "2014-01-02", "2014-01-03", "2014-01-01", "2014-01-04", "2014-01-05"]
    >>> cascades = pd.DataFrame({"cascade_id": list("abcdef"), "created_at": pd.to_datetime(days, utc=True),
    ...                          "label": ["rumour"] * 3 + ["non-rumour"] * 3})
    >>> metrics = pd.DataFrame({"cascade_id": list("abcdef"),
    ...                         "time_to_500_s": [7200, 36000, np.nan, 3600, np.nan, 14400],
    ...                         "lifetime_s": [90000, 86400, 18000, 7200, 3600, 20000]})
    >>> end = pd.Timestamp("2014-01-06", tz="UTC")
    >>> sv.durations(metrics, cascades, end)
      cascade_id  duration_h  crossed
    0          a         2.0     True
    1          b        10.0     True
    2          c        72.0    False
    3          d         1.0     True
    4          e        48.0    False
    5          f         4.0     True
    """
    return th.crossing_durations(metrics, threshold, followed_hours(cascades, end))


def km_end_check(durations: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Per group: the observed share crossing against 1 - S of its Kaplan-Meier curve, at the end and at a horizon.

    Columns: ``group, cascades, crossed, observed_share, km_share_at_end, gap`` (KM minus
    observed), ``censored_before_last_crossing`` (cascades watched for less time than the
    group's slowest crossing: only they can make the two differ; with none, ``gap`` is 0),
    ``horizon_h`` (the shortest follow-up of a cascade that never crosses), and
    ``observed_share_by_horizon`` / ``km_share_by_horizon`` (the share crossing within that
    horizon, which every cascade was watched for: the two are equal by construction).

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``durations``: ``duration_h`` (hours) and ``crossed``, one row per cascade.
    groups : pandas.Series, optional
        A group per row (e.g. the label), with ``durations``' index; None for one group ``all``.

    Returns
    -------
    pandas.DataFrame
        One row per group (as ``thresholds.kaplan_meier`` orders them) with the columns above; shares are 0–1,
        hours are hours after the source post.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import survival as sv
    >>> days = ["2014-01-01", "2014-01-02", "2014-01-03", "2014-01-01", "2014-01-04", "2014-01-05"]
    >>> cascades = pd.DataFrame({"cascade_id": list("abcdef"), "created_at": pd.to_datetime(days, utc=True),
    ...                          "label": ["rumour"] * 3 + ["non-rumour"] * 3})
    >>> metrics = pd.DataFrame({"cascade_id": list("abcdef"),
    ...                         "time_to_500_s": [7200, 36000, np.nan, 3600, np.nan, 14400],
    ...                         "lifetime_s": [90000, 86400, 18000, 7200, 3600, 20000]})
    >>> end = pd.Timestamp("2014-01-06", tz="UTC")
    >>> durations, labels = sv.durations(metrics, cascades, end), cascades["label"]
    >>> check = sv.km_end_check(durations, labels)
    >>> check[["group", "crossed", "observed_share", "km_share_at_end", "gap", "horizon_h"]].round(3)
            group  crossed  observed_share  km_share_at_end  gap  horizon_h
    0  non-rumour        2           0.667            0.667  0.0       48.0
    1      rumour        2           0.667            0.667  0.0       72.0
    """
    curves, medians = th.kaplan_meier(durations, groups)
    labels = pd.Series("all", index=durations.index) if groups is None else groups
    out = medians[["group", "cascades", "crossed"]].copy()
    out["observed_share"] = out["crossed"] / out["cascades"]
    out["km_share_at_end"] = 1.0 - medians["survival_at_end"]
    out["gap"] = (out["km_share_at_end"] - out["observed_share"]).round(12) + 0.0  # float noise shown as 0
    extra = []
    for name in out["group"]:
        d = durations[(labels == name).to_numpy()]
        crossed = d["crossed"].to_numpy(bool)
        last = d.loc[crossed, "duration_h"].max() if crossed.any() else 0.0
        horizon = d.loc[~crossed, "duration_h"].min() if (~crossed).any() else d["duration_h"].max()
        s = th.survival_at(curves[curves["group"] == name], [horizon])["survival"].iloc[0]
        extra.append(
            {
                "censored_before_last_crossing": int((d.loc[~crossed, "duration_h"] < last).sum()),
                "horizon_h": float(horizon),
                "observed_share_by_horizon": float((crossed & (d["duration_h"] <= horizon).to_numpy()).mean()),
                "km_share_by_horizon": 1.0 - float(s),
            }
        )
    return pd.concat([out.reset_index(drop=True), pd.DataFrame(extra)], axis=1)


def how_often(durations: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """The share that crosses, with Wilson 95% intervals (``thresholds.share_crossing`` columns).

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``durations``: ``duration_h`` (hours) and ``crossed``, one row per cascade.
    groups : pandas.Series, optional
        A group per row (e.g. the label), with ``durations``' index; None for one group ``all``.

    Returns
    -------
    pandas.DataFrame
        ``group, cascades, crossing, share, ci_low, ci_high``, group ``all`` first; shares 0–1.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import survival as sv
    >>> days = ["2014-01-01", "2014-01-02", "2014-01-03", "2014-01-01", "2014-01-04", "2014-01-05"]
    >>> cascades = pd.DataFrame({"cascade_id": list("abcdef"), "created_at": pd.to_datetime(days, utc=True),
    ...                          "label": ["rumour"] * 3 + ["non-rumour"] * 3})
    >>> metrics = pd.DataFrame({"cascade_id": list("abcdef"),
    ...                         "time_to_500_s": [7200, 36000, np.nan, 3600, np.nan, 14400],
    ...                         "lifetime_s": [90000, 86400, 18000, 7200, 3600, 20000]})
    >>> end = pd.Timestamp("2014-01-06", tz="UTC")
    >>> durations, labels = sv.durations(metrics, cascades, end), cascades["label"]
    >>> sv.how_often(durations, labels).round(3)
            group  cascades  crossing  share  ci_low  ci_high interval
    0         all         6         4  0.667   0.300    0.903   Wilson
    1  non-rumour         3         2  0.667   0.208    0.939   Wilson
    2      rumour         3         2  0.667   0.208    0.939   Wilson
    """
    return th.share_crossing(durations["crossed"].astype(int), 1, groups)


def bootstrap_median(x, n_boot: int = 2000, seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """Median of ``x`` with a percentile bootstrap interval (NaN when ``x`` is empty).

    Parameters
    ----------
    x : array-like of float
        The sample (e.g. hours to a threshold among the cascades that cross).
    n_boot : int
        Bootstrap draws.
    seed : int
        The seed: the same seed gives the same interval.
    level : float
        Coverage, 0–1.

    Returns
    -------
    median, ci_low, ci_high : float
        The sample's median and the percentile interval of the medians of ``n_boot`` resamples.

    Examples
    --------
    >>> from wechat_study.survival import bootstrap_median
    >>> bootstrap_median([2.0, 10.0, 1.0, 4.0], n_boot=200)
    (3.0, 1.0, 10.0)
    >>> bootstrap_median([])
    (nan, nan, nan)
    """
    x = np.asarray(x, float)
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    rng = np.random.default_rng(seed)
    draws = np.median(rng.choice(x, (n_boot, len(x))), axis=1)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(np.median(x)), float(lo), float(hi)


def _cluster_median(x: np.ndarray, codes: np.ndarray, n_boot: int, seed: int) -> tuple[float, float, float]:
    """Median of ``x`` with ``clustered.statistic``'s interval over resamples of whole clusters (``codes``)."""
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    if len(np.unique(codes)) < 2:  # one cluster: resampling it says nothing about the spread
        return float(np.median(x)), np.nan, np.nan
    r = statistic(pd.DataFrame({"h": x, "c": codes}), "c", lambda d: d["h"].median(), n_boot, seed)
    return r["estimate"], r["ci_low"], r["ci_high"]


def how_fast(
    durations: pd.DataFrame,
    groups: pd.Series | None,
    a: str = "rumour",
    b: str = "non-rumour",
    n_boot: int = 2000,
    seed: int = 0,
    clusters: pd.Series | None = None,
) -> tuple[pd.DataFrame, dict]:
    """Among the cascades that cross: hours to the threshold per group, and group ``a`` against ``b``.

    Returns (per group ``group, crossed, median_h, ci_low_h, ci_high_h``; and a dict with the
    difference of medians (a - b) and its bootstrap interval, the two-sided Mann-Whitney U p-value
    and its effect size ``prob_a_slower`` = P(T_a > T_b) + P(T_a = T_b)/2, the common-language
    effect size; 0.5 means neither is faster). With ``clusters`` (e.g. source authors) the intervals
    resample whole clusters, since one author's cascades are not independent; the Mann-Whitney p-value
    still treats cascades as independent.

    Parameters
    ----------
    durations : pandas.DataFrame
        As from ``durations``: ``duration_h`` (hours) and ``crossed``, one row per cascade.
    groups : pandas.Series or None
        A group per row, with ``durations``' index; None for the row ``all`` only (then no test).
    a, b : str
        The two groups compared.
    n_boot : int
        Bootstrap draws.
    seed : int
        The seed of the bootstraps (group i of the table uses ``seed + i``, the difference ``seed + 1000``).
    clusters : pandas.Series, optional
        A cluster label per row, with ``durations``' index (nulls are clusters of their own); None resamples
        cascades.

    Returns
    -------
    table : pandas.DataFrame
        ``group, crossed, median_h, ci_low_h, ci_high_h``: ``all``, then each group sorted; hours.
    test : dict
        ``difference_h, ci_low_h, ci_high_h, p_value, prob_a_slower`` (NaN unless both groups have a cascade that
        crosses) and ``crossed_a``, ``crossed_b``.

    Raises
    ------
    ValueError
        ``groups`` or ``clusters`` of another length or index than ``durations`` (``align.same_index``).

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import survival as sv
    >>> days = ["2014-01-01", "2014-01-02", "2014-01-03", "2014-01-01", "2014-01-04", "2014-01-05"]
    >>> cascades = pd.DataFrame({"cascade_id": list("abcdef"), "created_at": pd.to_datetime(days, utc=True),
    ...                          "label": ["rumour"] * 3 + ["non-rumour"] * 3})
    >>> metrics = pd.DataFrame({"cascade_id": list("abcdef"),
    ...                         "time_to_500_s": [7200, 36000, np.nan, 3600, np.nan, 14400],
    ...                         "lifetime_s": [90000, 86400, 18000, 7200, 3600, 20000]})
    >>> end = pd.Timestamp("2014-01-06", tz="UTC")
    >>> durations, labels = sv.durations(metrics, cascades, end), cascades["label"]
    >>> table, test = sv.how_fast(durations, labels, n_boot=200)
    >>> table
            group  crossed  median_h  ci_low_h  ci_high_h
    0         all        4       3.0       1.0       10.0
    1  non-rumour        2       2.5       1.0        4.0
    2      rumour        2       6.0       2.0       10.0
    >>> test["difference_h"], round(test["p_value"], 3), test["prob_a_slower"]
    (3.5, 0.667, 0.75)
    >>> by_author, _ = sv.how_fast(durations, labels, n_boot=200, clusters=pd.Series(list("aabbcc")))
    >>> by_author.loc[0, ["median_h", "ci_low_h", "ci_high_h"]].tolist()
    [3.0, 1.0, 6.0]
    """
    same_index(durations, groups=groups, clusters=clusters)
    if n_boot < 2:
        raise ValueError(f"n_boot={n_boot}: give at least 2 bootstrap draws (2000 is the default)")
    crossed = durations["crossed"].to_numpy(bool)
    labels = np.full(len(durations), None, object) if groups is None else np.asarray(groups, dtype=object)
    codes = None if clusters is None else cluster_codes(np.asarray(clusters, dtype=object))[0]
    rows, samples = [], {}
    for i, name in enumerate(["all", *sorted(pd.Series(labels).dropna().unique())]):
        keep = crossed & ((labels == name) if name != "all" else True)
        x = durations.loc[keep, "duration_h"].to_numpy()
        samples[name] = x
        if codes is None:
            m, lo, hi = bootstrap_median(x, n_boot, seed + i)
        else:
            m, lo, hi = _cluster_median(x, codes[keep], n_boot, seed + i)
        rows.append({"group": name, "crossed": len(x), "median_h": m, "ci_low_h": lo, "ci_high_h": hi})
    xa, xb = samples.get(a, np.array([])), samples.get(b, np.array([]))
    test = {
        "difference_h": np.nan,
        "ci_low_h": np.nan,
        "ci_high_h": np.nan,
        "p_value": np.nan,
        "prob_a_slower": np.nan,
        "crossed_a": len(xa),
        "crossed_b": len(xb),
    }
    if len(xa) and len(xb):
        if codes is None:
            rng = np.random.default_rng(seed + 1000)
            draws = np.median(rng.choice(xa, (n_boot, len(xa))), axis=1) - np.median(
                rng.choice(xb, (n_boot, len(xb))), axis=1
            )
            lo, hi = np.quantile(draws, [0.025, 0.975])
        else:
            both = crossed & np.isin(labels, [a, b])
            d = pd.DataFrame({"h": durations.loc[both, "duration_h"].to_numpy(), "a": labels[both] == a,
                              "c": codes[both]})
            r = statistic(d, "c", lambda f: f.loc[f["a"], "h"].median() - f.loc[~f["a"], "h"].median(), n_boot,
                          seed + 1000)
            one_cluster = d[d["a"]]["c"].nunique() < 2 or d[~d["a"]]["c"].nunique() < 2  # no interval then
            lo, hi = (np.nan, np.nan) if one_cluster else (r["ci_low"], r["ci_high"])
        u = stats.mannwhitneyu(xa, xb, alternative="two-sided")
        test.update(
            difference_h=float(np.median(xa) - np.median(xb)),
            ci_low_h=float(lo),
            ci_high_h=float(hi),
            p_value=float(u.pvalue),
            prob_a_slower=float(u.statistic / (len(xa) * len(xb))),
        )
    return pd.DataFrame(rows), test


def crawl_sensitivity(
    metrics: pd.DataFrame,
    cascades: pd.DataFrame,
    ends: dict,
    groups: pd.Series,
    threshold: int = th.REPOSTS,
    a: str = "rumour",
    b: str = "non-rumour",
) -> pd.DataFrame:
    """How the survival results move with the assumed end of observation.

    ``ends`` maps a scenario name to an end time, or to ``None`` for censoring at each cascade's
    last post (the informative rule, shown for contrast). One row per scenario and group:
    ``scenario, group, cascades, crossed, observed_share, km_share_at_end, gap, logrank_p``.

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``cascade_metrics``' table: ``cascade_id`` and ``time_to_<threshold>_s`` (seconds, NaN when not crossed).
        Censoring at the last post (an end of ``None``) also needs ``lifetime_s``.
    cascades : pandas.DataFrame
        The cascades table: ``cascade_id`` and ``created_at`` (the source post's time, UTC).
    ends : dict
        Scenario name -> end of observation (UTC ``Timestamp``), or None for each cascade's last post.
    groups : pandas.Series
        A group per cascade (e.g. the label), with ``metrics``' index.
    threshold : int
        The repost line, inclusive (default: ``thresholds.REPOSTS``, 500).
    a, b : str
        The groups of the log-rank test; ``logrank_p`` is NaN unless both occur in ``groups``.

    Returns
    -------
    pandas.DataFrame
        The rows above, in the order of ``ends``; ``logrank_p`` is the scenario's, repeated on each of its rows.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import survival as sv
    >>> days = ["2014-01-01", "2014-01-02", "2014-01-03", "2014-01-01", "2014-01-04", "2014-01-05"]
    >>> cascades = pd.DataFrame({"cascade_id": list("abcdef"), "created_at": pd.to_datetime(days, utc=True),
    ...                          "label": ["rumour"] * 3 + ["non-rumour"] * 3})
    >>> metrics = pd.DataFrame({"cascade_id": list("abcdef"),
    ...                         "time_to_500_s": [7200, 36000, np.nan, 3600, np.nan, 14400],
    ...                         "lifetime_s": [90000, 86400, 18000, 7200, 3600, 20000]})
    >>> end = pd.Timestamp("2014-01-06", tz="UTC")
    >>> ends = {"latest record": end, "last post": None}
    >>> table = sv.crawl_sensitivity(metrics, cascades, ends, cascades["label"])
    >>> table[["scenario", "group", "km_share_at_end", "gap", "logrank_p"]].round(3)
            scenario       group  km_share_at_end    gap  logrank_p
    0  latest record  non-rumour            0.667  0.000      0.786
    1  latest record      rumour            0.667  0.000      0.786
    2      last post  non-rumour            1.000  0.333      0.259
    3      last post      rumour            1.000  0.333      0.259
    """
    frames = []
    for scenario, end in ends.items():
        d = th.crossing_durations(metrics, threshold) if end is None else durations(metrics, cascades, end, threshold)
        check = km_end_check(d, groups)
        p = th.logrank(d, groups, a, b) if {a, b} <= set(groups.dropna()) else np.nan
        frames.append(check.assign(scenario=scenario, logrank_p=p))
    cols = ["scenario", "group", "cascades", "crossed", "observed_share", "km_share_at_end", "gap", "logrank_p"]
    return pd.concat(frames, ignore_index=True)[cols]


def not_reached(what: str, reason: str) -> str:
    """The sentence printed in place of a finding that cannot exist (e.g. a median when nothing crosses).

    Parameters
    ----------
    what : str
        The finding, in words or by name.
    reason : str
        Why it cannot exist.

    Returns
    -------
    str
        ``"<what>: not reached (<reason>)."``, the form ``report_missing`` picks out.

    Examples
    --------
    >>> from wechat_study.survival import not_reached
    >>> not_reached("median hours to 1,000 reposts", "no cascade crosses")
    'median hours to 1,000 reposts: not reached (no cascade crosses).'
    """
    return f"{what}: not reached ({reason})."


def record_survival(
    dataset: str,
    threshold: int,
    check: pd.DataFrame,
    fast: pd.DataFrame,
    test: dict,
    a: str = "rumour",
    b: str = "non-rumour",
    resampled: str = "cascades",
) -> list[str]:
    """Findings on time to ``threshold``; returns one line per finding, or a "not reached" line for one that
    cannot exist (no cascade crosses).

    - ``thresholds.<ds>.km_share_crossed_at_end[.<group>]``: 1 - S at the end of the curve (the note gives the
      observed count, which it equals wherever every cascade was watched longer than the slowest crossing);
    - ``thresholds.<ds>.median_hours_to_<N>_reposts[.<group>]``: median among the cascades that cross, with its
      bootstrap interval;
    - ``thresholds.<ds>.crossers_median_hours_difference``: ``a`` minus ``b``, bootstrap interval; with the
      Mann-Whitney ``crossers_mann_whitney_p`` and ``crossers_prob_<a>_slower`` (P(T_a > T_b)).

    Floats are recorded within a tolerance of 1e-9; the Mann-Whitney findings only when its p-value exists, and
    the three comparisons only when ``fast`` has both groups ``a`` and ``b``.

    Parameters
    ----------
    dataset : str
        The data set's name, the ``<ds>`` of the finding names.
    threshold : int
        The repost line N, for the names and notes.
    check : pandas.DataFrame
        ``km_end_check``'s table.
    fast : pandas.DataFrame
        ``how_fast``'s table.
    test : dict
        ``how_fast``'s test.
    a, b : str
        The groups compared, as given to ``how_fast``.
    resampled : str
        What ``how_fast``'s bootstrap resampled, for the notes: "cascades", or what its ``clusters`` were
        (e.g. "source authors").

    Returns
    -------
    list of str
        One line per median (``fast``'s rows), one for the difference, and one for the Mann-Whitney test when
        it exists; the ``km_share_crossed_at_end`` findings are recorded without a line.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from wechat_study import survival as sv
    >>> days = ["2014-01-01", "2014-01-02", "2014-01-03", "2014-01-01", "2014-01-04", "2014-01-05"]
    >>> cascades = pd.DataFrame({"cascade_id": list("abcdef"), "created_at": pd.to_datetime(days, utc=True),
    ...                          "label": ["rumour"] * 3 + ["non-rumour"] * 3})
    >>> metrics = pd.DataFrame({"cascade_id": list("abcdef"),
    ...                         "time_to_500_s": [7200, 36000, np.nan, 3600, np.nan, 14400],
    ...                         "lifetime_s": [90000, 86400, 18000, 7200, 3600, 20000]})
    >>> end = pd.Timestamp("2014-01-06", tz="UTC")
    >>> durations, labels = sv.durations(metrics, cascades, end), cascades["label"]
    >>> import os, tempfile
    >>> from unittest import mock
    >>> fast, test = sv.how_fast(durations, labels, n_boot=200)
    >>> with tempfile.TemporaryDirectory() as tmp, \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     lines = sv.record_survival("mine", 500, sv.km_end_check(durations, labels), fast, test)
    >>> print("\\n".join(lines))
    thresholds.mine.median_hours_to_500_reposts = 3 (95% CI 1 to 10)
    thresholds.mine.median_hours_to_500_reposts.non_rumour = 2.5 (95% CI 1 to 4)
    thresholds.mine.median_hours_to_500_reposts.rumour = 6 (95% CI 2 to 10)
    thresholds.mine.crossers_median_hours_difference = 3.5 (95% CI -2 to 9)
    Mann-Whitney p = 0.67; P(rumour slower) = 0.750
    """
    from .adjust import record_estimate
    from .findings import record_finding, slug

    lines = []
    for r in check.itertuples(index=False):
        suffix = "" if r.group == "all" else f".{slug(r.group)}"
        record_finding(
            f"thresholds.{dataset}.km_share_crossed_at_end{suffix}",
            float(r.km_share_at_end),
            tolerance=1e-9,
            note=f"1 - S at the end of the Kaplan-Meier curve, censored at the end of observation; observed: "
            f"{r.crossed:,} of {r.cascades:,} cascades; {r.censored_before_last_crossing:,} watched for less "
            "than the slowest crossing",
        )
    for r in fast.itertuples(index=False):
        suffix = "" if r.group == "all" else f".{slug(r.group)}"
        lines.append(
            record_estimate(
                f"thresholds.{dataset}.median_hours_to_{threshold}_reposts{suffix}",
                r.median_h,
                r.ci_low_h,
                r.ci_high_h,
                f"median hours among the {r.crossed:,} cascades that cross; bootstrap 95% CI resampling {resampled}"
                if r.crossed
                else "no cascade crosses",
            )
        )
    if not {a, b} <= set(fast["group"]):  # no groups to compare: no difference to record, not a missing one
        return lines
    name = f"thresholds.{dataset}.crossers_median_hours_difference"
    why = (
        f"{a} minus {b}, among the {test['crossed_a']:,} and {test['crossed_b']:,} cascades that cross; "
        f"bootstrap 95% CI resampling {resampled}"
        if np.isfinite(test["difference_h"])
        else f"needs cascades that cross in both {a} and {b}"
    )
    lines.append(record_estimate(name, test["difference_h"], test["ci_low_h"], test["ci_high_h"], why))
    if np.isfinite(test["p_value"]):
        record_finding(
            f"thresholds.{dataset}.crossers_mann_whitney_p",
            test["p_value"],
            tolerance=1e-9,
            note=f"two-sided Mann-Whitney U, hours to {threshold} among the cascades that cross, {a} vs {b}",
        )
        record_finding(
            f"thresholds.{dataset}.crossers_prob_{slug(a)}_slower",
            test["prob_a_slower"],
            tolerance=1e-9,
            note=f"P(T_{a} > T_{b}) + P(tie)/2 among crossers (0.5: neither faster); Mann-Whitney effect size",
        )
        lines.append(f"Mann-Whitney p = {test['p_value']:.2g}; P({a} slower) = {test['prob_a_slower']:.3f}")
    return lines


def steps(curves: pd.DataFrame) -> pd.DataFrame:
    """The rows of Kaplan-Meier ``curves`` where a group's curve or band moves, plus each group's first and last:
    the same step functions, drawn with far fewer points (a censoring alone moves neither).

    Parameters
    ----------
    curves : pandas.DataFrame
        As from ``thresholds.kaplan_meier``: ``group, hours, survival, ci_low, ci_high``, each group's rows
        together and sorted by hours.

    Returns
    -------
    pandas.DataFrame
        The rows kept, renumbered from 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.survival import steps
    >>> curves = pd.DataFrame({"group": "all", "hours": [0.0, 2.0, 5.0, 9.0], "survival": [1.0, 0.5, 0.5, 0.5],
    ...                        "ci_low": [1.0, 0.1, 0.1, 0.1], "ci_high": [1.0, 0.9, 0.9, 0.9]})
    >>> steps(curves)["hours"].tolist()     # 5.0 is a censoring alone
    [0.0, 2.0, 9.0]
    """
    g = curves.groupby("group", sort=False)
    moved = (curves[["survival", "ci_low", "ci_high"]] != g[["survival", "ci_low", "ci_high"]].shift()).any(axis=1)
    last = curves.index.isin(g.tail(1).index)
    return curves[moved | last].reset_index(drop=True)


def _in_words(line: str) -> str:
    """``thresholds.ced.median_hours_to_500_reposts.rumour: not reached (no cascade crosses).`` -> "median hours to
    500 reposts, rumour (no cascade crosses)"."""
    name, _, rest = line.partition(": not reached")
    what = name.split(".", 2)[-1].replace(".", ", ").replace("_", " ")
    why = rest.strip().rstrip(".").strip()
    return f"{what} {why}".strip()


def report_missing(lines: list[str]) -> None:
    """Show the "not reached" lines among recorded-finding lines (findings that could not exist), and nothing
    else: as a paragraph of the report in a notebook, printed elsewhere.

    In a notebook the names are put in words (``median hours to 500 reposts, rumour (no cascade crosses)``) and
    joined into one paragraph; elsewhere the lines are printed as they are. Nothing is shown when none is missing.

    Parameters
    ----------
    lines : list of str
        The lines the ``record_*`` functions return.

    Examples
    --------
    >>> from wechat_study.survival import report_missing
    >>> report_missing(["thresholds.mine.median_hours_to_500_reposts = 3 (95% CI 1 to 10)",
    ...                 "thresholds.mine.median_hours_to_1000_reposts: not reached (no cascade crosses)."])
    thresholds.mine.median_hours_to_1000_reposts: not reached (no cascade crosses).
    >>> report_missing(["thresholds.mine.median_hours_to_500_reposts = 3 (95% CI 1 to 10)"])
    """
    from . import narrative as nv

    missing = [x for x in lines if "not reached" in x]
    if not missing:
        return
    if nv._in_ipython():
        from IPython.display import display

        display(nv.paragraph("Not reached here: {m:text}.", m="; ".join(_in_words(x) for x in missing)))
    else:
        print("\n".join(missing))
