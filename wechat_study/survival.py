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
    """
    src = _source(dataset)
    posts = dataset.posts if posts is None else posts
    rule = src.observation_end if src is not None else "latest record"
    if rule and rule != "latest record":
        return pd.Timestamp(rule).tz_convert("UTC") if pd.Timestamp(rule).tzinfo else pd.Timestamp(rule, tz="UTC")
    return posts["created_at"].max()


def observation_note(dataset) -> str:
    """The sentence saying how the end of observation of a data set (a name or a ``Corpus``) was set."""
    src = _source(dataset)
    if src is not None and src.observation_end_note:
        return src.observation_end_note
    return "No crawl date is known; the end is taken as the latest record in the data set, a lower bound."


def followed_hours(cascades: pd.DataFrame, end: pd.Timestamp) -> pd.Series:
    """Hours from each source post to ``end``, by ``cascade_id``: the censoring time of a cascade that never crosses."""
    return ((end - cascades["created_at"]).dt.total_seconds() / 3600.0).set_axis(cascades["cascade_id"].to_numpy())


def durations(
    metrics: pd.DataFrame, cascades: pd.DataFrame, end: pd.Timestamp, threshold: int = th.REPOSTS
) -> pd.DataFrame:
    """``thresholds.crossing_durations`` censored at ``end``: ``cascade_id, duration_h, crossed``."""
    return th.crossing_durations(metrics, threshold, followed_hours(cascades, end))


def km_end_check(durations: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Per group: the observed share crossing against 1 - S of its Kaplan-Meier curve, at the end and at a horizon.

    Columns: ``group, cascades, crossed, observed_share, km_share_at_end, gap`` (KM minus
    observed), ``censored_before_last_crossing`` (cascades watched for less time than the
    group's slowest crossing: only they can make the two differ; with none, ``gap`` is 0),
    ``horizon_h`` (the shortest follow-up of a cascade that never crosses), and
    ``observed_share_by_horizon`` / ``km_share_by_horizon`` (the share crossing within that
    horizon, which every cascade was watched for: the two are equal by construction).
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
    """The share that crosses, with Wilson 95% intervals (``thresholds.share_crossing`` columns)."""
    return th.share_crossing(durations["crossed"].astype(int), 1, groups)


def bootstrap_median(x, n_boot: int = 2000, seed: int = 0, level: float = 0.95) -> tuple[float, float, float]:
    """Median of ``x`` with a percentile bootstrap interval (NaN when ``x`` is empty)."""
    x = np.asarray(x, float)
    if len(x) == 0:
        return np.nan, np.nan, np.nan
    rng = np.random.default_rng(seed)
    draws = np.median(rng.choice(x, (n_boot, len(x))), axis=1)
    lo, hi = np.quantile(draws, [(1 - level) / 2, (1 + level) / 2])
    return float(np.median(x)), float(lo), float(hi)


def how_fast(
    durations: pd.DataFrame,
    groups: pd.Series | None,
    a: str = "rumour",
    b: str = "non-rumour",
    n_boot: int = 2000,
    seed: int = 0,
) -> tuple[pd.DataFrame, dict]:
    """Among the cascades that cross: hours to the threshold per group, and group ``a`` against ``b``.

    Returns (per group ``group, crossed, median_h, ci_low_h, ci_high_h``; and a dict with the
    difference of medians (a - b) and its bootstrap interval, the two-sided Mann-Whitney U p-value
    and its effect size ``prob_a_slower`` = P(T_a > T_b) + P(T_a = T_b)/2, the common-language
    effect size; 0.5 means neither is faster).
    """
    same_index(durations, groups=groups)
    crossed = durations["crossed"].to_numpy(bool)
    labels = np.full(len(durations), None, object) if groups is None else groups.to_numpy()
    rows, samples = [], {}
    for i, name in enumerate(["all", *sorted(pd.Series(labels).dropna().unique())]):
        x = durations.loc[crossed & ((labels == name) if name != "all" else True), "duration_h"].to_numpy()
        samples[name] = x
        m, lo, hi = bootstrap_median(x, n_boot, seed + i)
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
        rng = np.random.default_rng(seed + 1000)
        draws = np.median(rng.choice(xa, (n_boot, len(xa))), axis=1) - np.median(
            rng.choice(xb, (n_boot, len(xb))), axis=1
        )
        u = stats.mannwhitneyu(xa, xb, alternative="two-sided")
        test.update(
            difference_h=float(np.median(xa) - np.median(xb)),
            ci_low_h=float(np.quantile(draws, 0.025)),
            ci_high_h=float(np.quantile(draws, 0.975)),
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
    """The sentence printed in place of a finding that cannot exist (e.g. a median when nothing crosses)."""
    return f"{what}: not reached ({reason})."


def record_survival(
    dataset: str,
    threshold: int,
    check: pd.DataFrame,
    fast: pd.DataFrame,
    test: dict,
    a: str = "rumour",
    b: str = "non-rumour",
) -> list[str]:
    """Findings on time to ``threshold``; returns one line per finding, or a "not reached" line for one that
    cannot exist (no cascade crosses).

    - ``thresholds.<ds>.km_share_crossed_at_end[.<group>]``: 1 - S at the end of the curve (the note gives the
      observed count, which it equals wherever every cascade was watched longer than the slowest crossing);
    - ``thresholds.<ds>.median_hours_to_<N>_reposts[.<group>]``: median among the cascades that cross, with its
      bootstrap interval;
    - ``thresholds.<ds>.crossers_median_hours_difference``: ``a`` minus ``b``, bootstrap interval; with the
      Mann-Whitney ``crossers_mann_whitney_p`` and ``crossers_prob_<a>_slower`` (P(T_a > T_b)).
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
                f"median hours among the {r.crossed:,} cascades that cross; bootstrap 95% CI"
                if r.crossed
                else "no cascade crosses",
            )
        )
    name = f"thresholds.{dataset}.crossers_median_hours_difference"
    why = (
        f"{a} minus {b}, among the {test['crossed_a']:,} and {test['crossed_b']:,} cascades that cross; "
        "bootstrap 95% CI"
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
    the same step functions, drawn with far fewer points (a censoring alone moves neither)."""
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
    else: as a paragraph of the report in a notebook, printed elsewhere."""
    from . import narrative as nv

    missing = [x for x in lines if "not reached" in x]
    if not missing:
        return
    if nv._in_ipython():
        from IPython.display import display

        display(nv.paragraph("Not reached here: {m:text}.", m="; ".join(_in_words(x) for x in missing)))
    else:
        print("\n".join(missing))
