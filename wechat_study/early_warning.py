"""Early warning: t minutes after the source, will a cascade reach the repost threshold?

Conventions (docs/methods.md#11-early-warning-evaluation):
- the outcome is the observed final repost count (records, size - 1) >= threshold (500 by default);
- cascades are split by source-post time: the earliest ``1 - test_share`` train, the latest test;
- at observation time t only cascades with fewer than ``threshold`` reposts by t are scored (a cascade already
  past the threshold is not a prediction), in training and in test alike;
- each model gives a score per cascade and time; ROC-AUC uses the scores as they are, with a bootstrap 95%
  interval over test cascades (seeded); model differences are paired (the same resamples);
- calibration: a logistic fit of the outcome on log(1 + score) over the training cascades, judged on the test
  cascades (Brier score, reliability table); alarm rules are judged by precision, recall and false-alarm rate;
- follower counts: the source's from the data (a crawl-time snapshot, not a pre-repost measurement; where missing,
  the median of the training cascades with a known count, flagged by ``early_features.source_followers``), every
  reposter's an assumed constant
  (CED records none), a parameter; SEISMIC's n* is tied to it (n* = gamma x the assumed followers, gamma fitted
  on the training split), so when the assumption moves, n* moves with it.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .metrics import NAT, Forest
from .thresholds import wilson_interval

__all__ = [
    "MODELS", "share_times", "split_by_time", "observed_counts", "count_baseline", "source_baseline", "auc",
    "logistic", "eligible", "paired_aucs", "bootstrap_auc", "cluster_labels", "calibrated", "alarm_rules",
    "rule_flags", "calibration", "fit_status", "censors_clock", "follower_sweep", "record", "record_aucs",
    "record_rates", "crossing_hours", "clock_long", "findings_box"
]

MODELS = ("count_baseline", "source_followers", "seismic", "hawkes", "hawkes_pooled", "feature_model")


def share_times(posts: pd.DataFrame, cascades: pd.DataFrame, repost_followers: float,
                train=None) -> tuple[dict, dict, pd.Series]:
    """Per cascade: share times (seconds from the source, source first at 0, sorted; unknown times dropped,
    negative delays clipped to 0), aligned follower counts (source first), and the final repost counts.
    A missing source count is imputed with the median over ``train``'s known counts (all cascades' when
    ``train`` is None: only for data without a split); with no count at all, the followers are NaN."""
    from .early_features import source_followers

    f = Forest.from_posts(posts)
    if cascades["author_followers"].isna().all():  # no counts at all: times only, followers unknown
        roots = pd.Series(np.nan, index=cascades["cascade_id"].to_numpy())
    else:
        roots = source_followers(cascades, cascades["cascade_id"] if train is None else train)[0]
    times, followers = {}, {}
    rel = np.where(f.times == NAT, np.nan, (f.times - np.repeat(f.root_times, f.sizes_per_cascade)) / 1e9)
    for c, (a, b) in enumerate(zip(f.starts[:-1], f.starts[1:], strict=True)):
        cid = f.cascade_ids[c]
        r = rel[a + 1:b]
        r = np.sort(np.maximum(r[~np.isnan(r)], 0.0))
        times[cid] = np.r_[0.0, r]
        followers[cid] = np.r_[roots[cid], np.full(len(r), float(repost_followers))]
    final = pd.Series(f.sizes_per_cascade - 1, index=f.cascade_ids, name="final_reposts")
    return times, followers, final


def split_by_time(cascades: pd.DataFrame, test_share: float = 0.3) -> tuple[list[str], list[str]]:
    """(train ids, test ids): the latest ``test_share`` of cascades by source time are the test set."""
    ordered = cascades.sort_values(["created_at", "cascade_id"])["cascade_id"].tolist()
    cut = round(len(ordered) * (1 - test_share))
    return ordered[:cut], ordered[cut:]


def observed_counts(times: dict, at_s) -> pd.DataFrame:
    """Reposts observed by each time (source excluded): ``cascade_id, at_s, observed``."""
    rows = [(cid, t, int(np.searchsorted(ts, t, side="right") - 1)) for cid, ts in times.items() for t in at_s]
    return pd.DataFrame(rows, columns=["cascade_id", "at_s", "observed"])


def count_baseline(times: dict, at_s) -> pd.DataFrame:
    """The count so far as the score: ``cascade_id, at_s, predicted``."""
    return observed_counts(times, at_s).rename(columns={"observed": "predicted"})


def source_baseline(followers: dict, at_s) -> pd.DataFrame:
    """The source author's follower count alone as the score (the same at every time)."""
    return pd.DataFrame([(cid, t, float(f[0])) for cid, f in followers.items() for t in at_s],
                        columns=["cascade_id", "at_s", "predicted"])


def auc(score, y) -> float:
    """ROC-AUC from ranks (ties count half); NaN without both classes. Infinite scores rank highest."""
    score, y = np.asarray(score, float), np.asarray(y, bool)
    n1, n0 = y.sum(), (~y).sum()
    if n1 == 0 or n0 == 0:
        return float("nan")
    ranks = stats.rankdata(np.nan_to_num(score, nan=-np.inf, posinf=np.finfo(float).max))
    return float((ranks[y].sum() - n1 * (n1 + 1) / 2) / (n1 * n0))


def logistic(x_train, y_train):
    """A one-feature logistic regression fitted by maximum likelihood; returns p(x)."""
    x, y = np.asarray(x_train, float), np.asarray(y_train, float)
    def loss(w):
        return np.sum(np.logaddexp(0, w[0] + w[1] * x) - y * (w[0] + w[1] * x))

    with np.errstate(over="ignore"):
        w = optimize.minimize(loss, np.zeros(2), method="BFGS").x
    return lambda v: 1 / (1 + np.exp(np.clip(-(w[0] + w[1] * np.asarray(v, float)), -700, 700)))


def _feature(pred) -> np.ndarray:
    p = np.asarray(pred, float)
    return np.log1p(np.where(np.isfinite(p), np.maximum(p, 0), 1e7))


def eligible(predictions: pd.DataFrame, threshold: int = 500) -> pd.DataFrame:
    """Rows whose cascade has fewer than ``threshold`` reposts at the row's time (needs ``observed``)."""
    return predictions[predictions["observed"] < threshold]


def _frame(predictions, final, ids, model, at, threshold):
    g = predictions[(predictions["model"] == model) & (predictions["at_s"] == at)].set_index("cascade_id")
    g = g.reindex([c for c in ids if c in g.index])
    return g["predicted"].to_numpy(float), (final.reindex(g.index) >= threshold).to_numpy(), g.index


def _percentiles(values) -> tuple[float, float]:
    """The 2.5th and 97.5th percentiles of the finite values (NaN when there are none)."""
    v = np.asarray(values, float)
    v = v[np.isfinite(v)]
    return tuple(np.percentile(v, [2.5, 97.5])) if v.size else (np.nan, np.nan)


def paired_aucs(wide: pd.DataFrame, y, n_boot: int = 1000, seed: int = 0, baseline: str = "count_baseline",
                order=MODELS, clusters=None) -> list[dict]:
    """One row per score column of ``wide`` (rows: cascades; ``y`` their outcomes): ``model, auc, ci_low, ci_high,
    test_cascades, positives`` and the paired difference from ``baseline`` (``diff, diff_low, diff_high``; NaN on
    the baseline's own row), 95% percentile intervals from ``n_boot`` resamples (the same for every column): of
    rows, or of whole ``clusters`` (one label per row, e.g. the source author; ``clustered.resample_rows``)."""
    from .clustered import resample_rows

    y = np.asarray(y, bool)
    idx = resample_rows(len(y), clusters, n_boot, seed)
    base = wide[baseline].to_numpy(float) if baseline in wide else None
    both = 0 < y.sum() < len(y)          # without both outcomes there is no AUC to resample
    base_boot = np.array([auc(base[i], y[i]) for i in idx]) if both and base is not None else np.nan
    rows = []
    for model in [m for m in order if m in wide] + sorted(set(wide) - set(order)):
        s = wide[model].to_numpy(float)
        boots = np.array([auc(s[i], y[i]) for i in idx]) if both else np.full(2, np.nan)
        row = {"model": model, "auc": auc(s, y), "test_cascades": len(y), "positives": int(y.sum())}
        row["ci_low"], row["ci_high"] = _percentiles(boots)
        if base is not None and model == baseline:  # the reference itself: no gain to state
            row["diff"] = row["diff_low"] = row["diff_high"] = np.nan
        elif base is not None:
            row["diff"] = row["auc"] - auc(base, y)
            row["diff_low"], row["diff_high"] = _percentiles(boots - base_boot)
        rows.append(row)
    return rows


def bootstrap_auc(predictions: pd.DataFrame, final: pd.Series, test, threshold: int = 500, n_boot: int = 1000,
                  seed: int = 0, baseline: str = "count_baseline", clusters: pd.Series | None = None) -> pd.DataFrame:
    """Per model and time, on the eligible test cascades: ``model, at_min, auc, ci_low, ci_high`` and the paired
    difference from ``baseline`` (``diff, diff_low, diff_high``; NaN on the baseline's own rows), 95% percentile
    intervals from ``n_boot`` resamples (the same for every model at a time) of test cascades, or, with
    ``clusters`` (cascade id -> source author), of authors with all their test cascades."""
    rows = []
    for at, g in eligible(predictions, threshold).groupby("at_s", sort=True):
        wide = g[g["cascade_id"].isin(set(test))].pivot(index="cascade_id", columns="model", values="predicted")
        y = (final.reindex(wide.index) >= threshold).to_numpy()
        c = None if clusters is None else cluster_labels(clusters, wide.index)
        rows += [{"at_min": at / 60, **r} for r in paired_aucs(wide, y, n_boot, seed, baseline, clusters=c)]
    cols = ["model", "at_min", "auc", "test_cascades", "positives", "ci_low", "ci_high", "diff", "diff_low",
            "diff_high"]
    return pd.DataFrame(rows).reindex(columns=[c for c in cols if rows and c in rows[0]])


def cluster_labels(clusters: pd.Series, cascade_ids) -> np.ndarray:
    """The cluster label of each of ``cascade_ids`` from ``clusters`` (cascade id -> label), refusing ids it lacks."""
    labels = clusters.reindex(pd.Index(cascade_ids))
    missing = labels.index[~labels.index.isin(clusters.index)]
    if len(missing):
        raise ValueError(f"no cluster label for {len(missing):,} cascade(s), e.g. {missing[0]!r}: "
                         "give clusters for every cascade (cascade id -> source author)")
    return labels.to_numpy(object)


def calibrated(predictions: pd.DataFrame, final: pd.Series, train, test, threshold: int = 500) -> pd.DataFrame:
    """The eligible test rows with ``probability``: a logistic map of log(1 + score) fitted on the eligible
    training rows of the same model and time; and ``crossed``, the outcome."""
    out = []
    for (_model, _at), g in eligible(predictions, threshold).groupby(["model", "at_s"], sort=True):
        tr, te = g[g["cascade_id"].isin(set(train))], g[g["cascade_id"].isin(set(test))]
        prob = logistic(_feature(tr["predicted"]), final.reindex(tr["cascade_id"]).to_numpy() >= threshold)
        out.append(te.assign(probability=prob(_feature(te["predicted"])),
                             crossed=final.reindex(te["cascade_id"]).to_numpy() >= threshold))
    return pd.concat(out, ignore_index=True)


def _clustered_bounds(outcome, clusters, wilson: tuple, n_boot: int, seed: int) -> tuple:
    """The cluster-bootstrap 95% bounds of a share, or ``wilson`` where it has no success or no failure."""
    from .clustered import share

    if not 0 < outcome.sum() < outcome.size:
        return wilson
    r = share(outcome, clusters, n_boot, seed)
    return r["ci_low"], r["ci_high"]


def _rates(flag, y, clusters=None, n_boot: int = 1000, seed: int = 0) -> dict:
    """Counts of alarms, hits and false alarms; precision, recall and false-alarm rate with 95% intervals:
    Wilson, or with ``clusters`` (one label per row) the cluster bootstrap, Wilson kept where a share has no
    success or no failure (resampling clusters cannot bound it)."""
    tp, fp = int((flag & y).sum()), int((flag & ~y).sum())
    (p_lo, r_lo, f_lo), (p_hi, r_hi, f_hi) = wilson_interval([tp, tp, fp], [tp + fp, y.sum(), (~y).sum()])
    if clusters is not None:
        c = np.asarray(clusters, dtype=object)
        p_lo, p_hi = _clustered_bounds(y[flag], c[flag], (p_lo, p_hi), n_boot, seed)
        r_lo, r_hi = _clustered_bounds(flag[y], c[y], (r_lo, r_hi), n_boot, seed)
        f_lo, f_hi = _clustered_bounds(flag[~y], c[~y], (f_lo, f_hi), n_boot, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        return {"alarms": int(flag.sum()), "hits": tp, "false_alarms": fp,
                "precision": tp / (tp + fp) if tp + fp else np.nan, "precision_low": p_lo, "precision_high": p_hi,
                "recall": tp / y.sum() if y.sum() else np.nan, "recall_low": r_lo, "recall_high": r_hi,
                "false_alarm_rate": fp / (~y).sum() if (~y).sum() else np.nan, "far_low": f_lo, "far_high": f_hi}


def alarm_rules(cal: pd.DataFrame, threshold: int = 500, probability: float = 0.5,
                clusters: pd.Series | None = None, n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Every alarm rule at its operating point, on the eligible test cascades: "p >= probability" (the
    training-calibrated probability) for every model, and "predicted >= threshold" for the size models (SEISMIC,
    Hawkes). Columns ``model, at_min, rule`` and ``_rates``' counts and shares with 95% intervals: Wilson, or
    with ``clusters`` (cascade id -> source author) resampling authors."""
    rows = []
    for (model, at), g in cal.groupby(["model", "at_s"], sort=True):
        y = g["crossed"].to_numpy(bool)
        c = None if clusters is None else cluster_labels(clusters, g["cascade_id"])
        rows += [{"model": model, "at_min": at / 60, "rule": r, **_rates(flag, y, c, n_boot, seed)}
                 for r, flag in rule_flags(g, model, threshold, probability).items()]
    return pd.DataFrame(rows)


def rule_flags(g: pd.DataFrame, model: str, threshold: int = 500, probability: float = 0.5) -> dict:
    """The alarm rules of one model at one time (rows of ``calibrated``): {rule: boolean flags}."""
    rules = {f"p >= {probability:g}": g["probability"].to_numpy() >= probability}
    if model.startswith(("seismic", "hawkes")):
        rules[f"predicted >= {threshold}"] = g["predicted"].to_numpy(float) >= threshold
    return rules


def calibration(cal: pd.DataFrame, bins: int = 10) -> pd.DataFrame:
    """Brier score per model and time, and a reliability table: ``model, at_min, bin, predicted, observed,
    cascades, brier``."""
    d = cal.assign(at_min=cal["at_s"] / 60, bin=np.clip((cal["probability"] * bins).astype(int), 0, bins - 1),
                   sq=(cal["probability"] - cal["crossed"]) ** 2)
    brier = d.groupby(["model", "at_min"])["sq"].mean().rename("brier")
    table = d.groupby(["model", "at_min", "bin"]).agg(predicted=("probability", "mean"), observed=("crossed", "mean"),
                                                     cascades=("crossed", "size")).reset_index()
    return table.merge(brier.reset_index(), on=["model", "at_min"])


def fit_status(fits: pd.DataFrame) -> pd.DataFrame:
    """Per-cascade Hawkes fits counted by observation time and status, with the share supercritical among the
    fits with values: ``at_min, status, fits, share``."""
    d = fits.assign(at_min=fits["at_s"] / 60)
    out = d.groupby(["at_min", "status"]).size().rename("fits").reset_index()
    return out.assign(share=out["fits"] / out.groupby("at_min")["fits"].transform("sum"))


def censors_clock(predictions: pd.DataFrame, final: pd.Series, crossing_h: pd.Series, test, hours,
                  threshold: int = 500, clusters: pd.Series | None = None, n_boot: int = 1000,
                  seed: int = 0) -> pd.DataFrame:
    """The alarm "predicted >= threshold" raised at the earliest clock time ``at_s`` in ``predictions`` (one
    model), for the test cascades: by each hour, ``recall`` (crossers flagged before they crossed), ``false_alarm_rate``
    (non-crossers flagged), ``precision`` (flags that were hits), ``crossed`` (crossers already across). Each with
    95% bounds (Wilson, or with ``clusters``, cascade id -> source author, resampling authors). ``crossing_h``:
    hours from the source to the threshold (NaN: never crossed)."""
    test = list(test)
    c = None if clusters is None else cluster_labels(clusters, test)
    y = (final.reindex(test) >= threshold).to_numpy()
    cross_at = crossing_h.reindex(test).to_numpy(float)
    p = predictions[predictions["cascade_id"].isin(set(test)) & (predictions["predicted"] >= threshold)]
    flag_at = (p.groupby("cascade_id")["at_s"].min() / 3600).reindex(test).to_numpy(float)
    warned = np.nan_to_num(flag_at, nan=np.inf) < np.nan_to_num(cross_at, nan=np.inf)   # before crossing
    rows = []
    for h in hours:
        flag = warned & (flag_at <= h)
        crossed = float(np.mean(cross_at[y] <= h)) if y.any() else np.nan
        rows.append({"hours": h, **_rates(flag, y, c, n_boot, seed), "crossed": crossed})
    return pd.DataFrame(rows)


def follower_sweep(times_of, values, final: pd.Series, train, test, at_s: float, threshold: int = 500,
                   n_boot: int = 1000, seed: int = 0, clusters: pd.Series | None = None) -> pd.DataFrame:
    """SEISMIC's test AUC (bootstrap 95% interval) at ``at_s`` under each assumed reposter follower count, n*
    refitted on train under each: ``repost_followers, n_star, auc, ci_low, ci_high``. ``times_of(value)`` returns
    (times, followers) under an assumed value."""
    from .models import predictors

    rows = []
    for v in values:
        times, followers = times_of(v)
        pred, n_star = predictors.seismic_predictions(times, followers, final, train, [at_s], v, threshold)
        b = bootstrap_auc(pred, final, test, threshold, n_boot, seed, baseline="none", clusters=clusters)
        rows.append({"repost_followers": v, "n_star": float(n_star["n_star"].iloc[0]),
                     **b[["auc", "ci_low", "ci_high"]].iloc[0].to_dict()})
    return pd.DataFrame(rows)


def record(name: str, value, tolerance: float = 1e-9, note: str | None = None, interval=None) -> bool:
    """Record a finding (with ``NAME.ci_low``/``NAME.ci_high`` from ``interval``) unless it does not exist: a NaN,
    infinite or None value (e.g. no test cascade reached the threshold; no correct alarm to set false ones
    against) is not recorded, nor is an infinite bound. Returns whether it was."""
    from .findings import record_finding

    if value is None or (isinstance(value, float | np.floating) and not np.isfinite(value)):
        return False
    exact = isinstance(value, int | np.integer)
    record_finding(name, int(value) if exact else float(value), tolerance=None if exact else tolerance, note=note)
    for suffix, bound in zip((".ci_low", ".ci_high"), interval or (), strict=False):
        if bound is not None and np.isfinite(bound):
            record_finding(name + suffix, float(bound), tolerance=tolerance)
    return True


def record_aucs(table: pd.DataFrame, prefix: str, baseline: str = "count_baseline") -> list[str]:
    """Record ``bootstrap_auc`` rows: ``PREFIX.auc.MODEL.Tmin`` and, for the other models, the paired gain over
    the baseline ``PREFIX.auc_gain.MODEL.Tmin``, each with its interval. Returns the names not recorded."""
    missing = []
    for r in table.itertuples():
        t = f"{r.at_min:g}min"
        note = f"ROC-AUC on {r.test_cascades:,} later cascades under the threshold at {t} ({r.positives} cross)"
        name = f"{prefix}.auc.{r.model}.{t}"
        if not record(name, r.auc, note=note, interval=(r.ci_low, r.ci_high)):
            missing.append(name)
        if r.model != baseline and "diff" in table:
            record(f"{prefix}.auc_gain.{r.model}.{t}", r.diff, interval=(r.diff_low, r.diff_high),
                   note=f"AUC minus the {baseline}'s, paired bootstrap")
    return missing


def record_rates(prefix: str, row, note: str | None = None) -> None:
    """Record precision, recall and false-alarm rate of one alarm row (``_rates`` columns) with intervals."""
    for key, lo, hi in (("precision", "precision_low", "precision_high"), ("recall", "recall_low", "recall_high"),
                        ("false_alarm_rate", "far_low", "far_high")):
        record(f"{prefix}.{key}", row[key], interval=(row[lo], row[hi]), note=note)


def crossing_hours(times: dict, threshold: int = 500) -> pd.Series:
    """Hours from the source to the ``threshold``-th repost (NaN when never reached), per cascade."""
    return pd.Series({cid: ts[threshold] / 3600 if ts.size > threshold else np.nan for cid, ts in times.items()},
                     dtype=float)


def clock_long(clock: pd.DataFrame) -> pd.DataFrame:
    """``censors_clock`` (with ``deleted_scenario``) in long form for a chart: ``hours, group, share, ci_low,
    ci_high`` (bands for recall and false-alarm rate only)."""
    parts = [clock[["hours"]].assign(group="flagged before crossing (recall)", share=clock["recall"],
                                     ci_low=clock["recall_low"], ci_high=clock["recall_high"]),
             clock[["hours"]].assign(group="false alarms (share of non-crossers flagged)",
                                     share=clock["false_alarm_rate"], ci_low=clock["far_low"],
                                     ci_high=clock["far_high"]),
             clock[["hours"]].assign(group="already crossed", share=clock["crossed"])]
    if "deleted_scenario" in clock:
        parts.append(clock[["hours"]].assign(group="deleted by then (scenario)", share=clock["deleted_scenario"]))
    return pd.concat(parts, ignore_index=True)


def findings_box(prefix: str, minutes: float, threshold: int, population: str, recorded: set | None = None,
                 k: int | None = None):
    """The report's "What we found" box, at most six sentences: the sentences whose findings were recorded (a
    finding that cannot exist, e.g. an AUC when no cascade crosses, leaves its sentence out). ``population``: the
    cascades scored, in words (``window.population``); ``recorded``: the
    finding names recorded (default: this session's); ``k``: the k of the k -> 2k sentence (without it, the
    censor's clock takes its place). The Hawkes fits' status, SEISMIC's size error and the time-by-time ranking
    are told in the body, beside their tables."""
    from . import narrative as nv

    recorded = set(nv.recorded()) if recorded is None else recorded
    t = f"{minutes:g}min"
    box = nv.FindingsBox(prefix=prefix)
    sentences = [
        (("For {p:text}, scored on the later ones: {t:number} minutes after posting, the count of reposts so "
          "far separates the cascades that will reach {n:count} reposts from the rest with an AUC of "
          "{.auc.count_baseline.T:auc}; the source author's followers alone give {.auc.source_followers.T:auc}."),
         "auc"),
        (("Against that count, SEISMIC's AUC changes by {.auc_gain.seismic.T:difference}, "
          "the pooled Hawkes model's by {.auc_gain.hawkes_pooled.T:difference}, the feature model's by "
          "{.auc_gain.feature_model.T:difference} and the per-cascade Hawkes fit's by "
          "{.auc_gain.hawkes.T:difference} (paired 95% intervals, source authors resampled)."), "auc-table"),
        (("The warning is weaker on rumours (posts Weibo refuted, the kind the law targets): the count's AUC is "
          "{.auc.count_baseline.T.rumour:auc} on rumours and {.auc.count_baseline.T.non_rumour:auc} on "
          "non-rumours."), "by-label"),
        (("SEISMIC's alarm (predicted size at least {n:count}) at {t:number} minutes catches "
          "{.alarm.seismic.size.T.recall:share} of the cascades that go on to cross; "
          "{.alarm.seismic.size.T.precision:share} of its alarms are right and it flags "
          "{.alarm.seismic.size.T.false_alarm_rate:share} of the cascades that never cross."), "alarms"),
        (("That precision rests on the collection's design, in which {.test_prevalence.T:share} of the scored "
          "cascades cross. If the same recall and false-alarm rate held where 1% of cascades crossed, "
          "{.alarm.seismic.size.T.precision.prevalence_1pct:share} of the same alarms would be right "
          "({.alarm.seismic.size.T.false_per_true.prevalence_1pct:number} false alarms for each correct one), "
          "at 0.1% {.alarm.seismic.size.T.precision.prevalence_0_1pct:share}; "
          "a platform's many small posts may be easier to rule out than the collection's non-crossers, so this is a "
          "scenario, not a measurement."),
         "prevalence"),
    ]
    if k is not None:
        sentences.append((("On the task of Cheng et al. (2014), \"will a cascade that has reached {k:count} "
                           "reposts reach twice that?\" ({.k_to_2k.share_reaching.K:share} of the later ones do), the "
                           "time to the k-th repost gives an AUC of {.k_to_2k.count_speed.K:auc}; the feature model "
                           "differs by {.k_to_2k_gain.feature_model.K:difference} and SEISMIC by "
                           "{.k_to_2k_gain.seismic.K:difference}.").replace(".K", f".k{k}"), "k-task"))
    else:
        sentences.append((("By {t:number} minutes after posting, SEISMIC (checked at each clock time) has warned of "
                           "{.censors_clock.T.recall:share} of the cascades that eventually cross, each before it "
                           "crossed, and has flagged {.censors_clock.T.false_alarm_rate:share} of those that never "
                           "do."), "clock"))
    for template, see in sentences:
        template = template.replace(".T", "." + t)
        names = [prefix + m for m in re.findall(r"\{(\.[^:}]+)", template)]
        if all(n in recorded for n in names):
            box.add(template, see=see, t=minutes, n=threshold, k=k, p=population)
    return box
