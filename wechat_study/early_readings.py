"""Readings of the early-warning results beyond one pooled AUC: by label, without the imputed follower counts,
precision at a stated prevalence, the ranking against the count in words, SEISMIC's relative error.

Conventions (docs/methods.md#11-early-warning-evaluation):
- every interval is a 95% percentile interval over bootstrap resamples of test cascades (seeded);
- precision at prevalence pi: TPR·pi / (TPR·pi + FPR·(1 - pi)), TPR and FPR the rule's recall and
  false-alarm rate on the test cascades; its interval comes from resampling test cascades (TPR and FPR
  recomputed on each resample), so it carries their uncertainty and not that of pi, which is stated;
- "above" / "below" the count: the paired 95% interval of the AUC difference lies wholly above / below 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from . import early_warning as ew

__all__ = [
    "PREVALENCES", "LABEL_NAMES", "label_slug", "aucs_by_group", "precision_at", "precision_at_prevalence",
    "prevalence_slug", "ranking", "ranking_sentences", "relative_error", "record_group_aucs", "known_followers",
    "record_known_followers", "record_prevalence", "record_k_task", "group_dots"
]

PREVALENCES = (0.01, 0.001)  # shares of cascades crossing at which alarms are also read (assumptions)

LABEL_NAMES = {
    "count_baseline": "the count so far",
    "source_followers": "the source's followers",
    "seismic": "SEISMIC",
    "hawkes": "the per-cascade Hawkes fit",
    "hawkes_pooled": "the pooled Hawkes model",
    "feature_model": "the feature model",
}


def label_slug(label: str) -> str:
    """A label as a finding-name part: lower case, non-alphanumerics as underscores ("non-rumour" -> "non_rumour")."""
    out = "".join(ch if ch.isalnum() else "_" for ch in str(label).lower()).strip("_")
    if not out:
        raise ValueError(f"label {label!r} has no letters or digits")
    return out


def aucs_by_group(
    predictions: pd.DataFrame,
    final: pd.Series,
    test,
    groups: pd.Series,
    threshold: int = 500,
    n_boot: int = 1000,
    seed: int = 0,
    clusters: pd.Series | None = None,
) -> pd.DataFrame:
    """``bootstrap_auc`` on the test cascades of each group (``groups``: cascade id -> group, e.g. the label),
    with a ``group`` column; a group whose test cascades lack an outcome class gets NaN AUCs. ``clusters``
    (cascade id -> source author) resamples authors within each group."""
    test = list(test)
    g = groups.reindex(test)
    if g.isna().all():
        raise ValueError("no test cascade has a group")
    parts = [
        ew.bootstrap_auc(
            predictions, final, [c for c, v in zip(test, g, strict=True) if v == name], threshold, n_boot, seed,
            clusters=clusters,
        ).assign(group=name)
        for name in sorted(g.dropna().unique())
    ]
    return pd.concat(parts, ignore_index=True)


def precision_at(tpr, fpr, prevalence):
    """Precision of a rule with recall ``tpr`` and false-alarm rate ``fpr`` where a share ``prevalence`` of cases is
    positive: TPR·pi / (TPR·pi + FPR·(1 - pi)); NaN when the rule never fires."""
    tpr, fpr, pi = np.asarray(tpr, float), np.asarray(fpr, float), np.asarray(prevalence, float)
    if np.any((pi <= 0) | (pi >= 1)):
        raise ValueError("a prevalence must lie strictly between 0 and 1")
    num, den = tpr * pi, tpr * pi + fpr * (1 - pi)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def precision_at_prevalence(
    cal: pd.DataFrame, prevalences, threshold: int = 500, probability: float = 0.5, n_boot: int = 1000, seed: int = 0,
    clusters: pd.Series | None = None,
) -> pd.DataFrame:
    """Every alarm rule (``early_warning.rule_flags``) at each prevalence, and at the test set's own
    (``observed``): ``model, at_min, rule, prevalence, observed, recall, false_alarm_rate, precision,
    precision_low, precision_high, false_per_true`` (false alarms per correct one, with its interval; NaN where
    no alarm is correct, i.e. unbounded). Intervals resample test cascades, or with ``clusters`` (cascade id ->
    source author) authors with all their cascades."""
    from .clustered import resample_rows

    rows = []
    for (model, at), g in cal.groupby(["model", "at_s"], sort=True):
        y = g["crossed"].to_numpy(bool)
        if not 0 < y.sum() < len(y):
            continue
        c = None if clusters is None else ew.cluster_labels(clusters, g["cascade_id"])
        idx = resample_rows(len(y), c, n_boot, seed)
        for rule, flag in ew.rule_flags(g, model, threshold, probability).items():
            tp, pos = np.array([[(flag[i] & y[i]).sum(), y[i].sum()] for i in idx]).T
            fp, neg = np.array([[(flag[i] & ~y[i]).sum(), (~y[i]).sum()] for i in idx]).T
            with np.errstate(invalid="ignore", divide="ignore"):
                tpr_b, fpr_b = tp / pos, fp / neg
            tpr, fpr = (flag & y).sum() / y.sum(), (flag & ~y).sum() / (~y).sum()
            for pi, own in [(float(y.mean()), True)] + [(float(p), False) for p in prevalences]:
                prec, boots = float(precision_at(tpr, fpr, pi)), precision_at(tpr_b, fpr_b, pi)
                lo, hi = ew._percentiles(boots)
                fpt, fpt_lo, fpt_hi = _false_per_true(prec), _false_per_true(hi), _false_per_true(lo)
                rows.append(
                    {
                        "model": model,
                        "at_min": at / 60,
                        "rule": rule,
                        "prevalence": pi,
                        "observed": own,
                        "recall": tpr,
                        "false_alarm_rate": fpr,
                        "precision": prec,
                        "precision_low": lo,
                        "precision_high": hi,
                        "false_per_true": fpt,
                        "false_per_true_low": fpt_lo,
                        "false_per_true_high": fpt_hi,
                    }
                )
    return pd.DataFrame(rows)


def _false_per_true(precision: float) -> float:
    """False alarms per correct one, (1 - precision) / precision; NaN without a correct alarm (unbounded)."""
    return (1 - precision) / precision if precision > 0 else np.nan


def prevalence_slug(pi: float) -> str:
    """A prevalence as a finding-name part: 0.01 -> "1pct", 0.001 -> "0_1pct"."""
    return f"{100 * pi:g}".replace(".", "_") + "pct"


def ranking(aucs: pd.DataFrame, baseline: str = "count_baseline") -> pd.DataFrame:
    """Per time and model (``bootstrap_auc`` rows other than the baseline): ``at_min, model, auc, diff, diff_low,
    diff_high, verdict`` ("above", "below" or "no clear difference" from the baseline by the paired interval),
    ``rank`` (1 = highest AUC at that time, the baseline included)."""
    d = aucs.copy()
    d["rank"] = d.groupby("at_min")["auc"].rank(ascending=False, method="min")
    d = d[(d["model"] != baseline) & d["diff_low"].notna()].copy()
    d["verdict"] = np.select([d["diff_low"] > 0, d["diff_high"] < 0], ["above", "below"], "no clear difference")
    return d[["at_min", "model", "auc", "diff", "diff_low", "diff_high", "verdict", "rank"]].reset_index(drop=True)


def _names(models) -> str:
    names = [LABEL_NAMES.get(m, m) for m in models]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def ranking_sentences(rank: pd.DataFrame, baseline: str = "count_baseline") -> list[str]:
    """One sentence per observation time from ``ranking``: which models are significantly above, below, or not
    clearly different from the baseline (paired 95% intervals), the models in order of AUC."""
    verdicts = {
        "above": "significantly above",
        "no clear difference": "no clear difference",
        "below": "significantly below",
    }
    out = []
    for at, g in rank.sort_values(["at_min", "auc"], ascending=[True, False]).groupby("at_min", sort=True):
        parts = [
            f"{say}: {_names(g.loc[g['verdict'] == v, 'model'])}"
            for v, say in verdicts.items()
            if (g["verdict"] == v).any()
        ]
        out.append(f"At {at:g} minutes, against {LABEL_NAMES.get(baseline, baseline)}, " + "; ".join(parts) + ".")
    return out


def relative_error(
    predictions: pd.DataFrame,
    final: pd.Series,
    test,
    model: str,
    at_s: float,
    threshold: int = 500,
    n_boot: int = 1000,
    seed: int = 0,
    clusters: pd.Series | None = None,
) -> dict:
    """Median |predicted - final| / final over the eligible test cascades with a positive final count (an
    infinite prediction is infinitely wrong), with a bootstrap 95% interval (of cascades, or with ``clusters``,
    cascade id -> source author, of authors): ``median, ci_low, ci_high, cascades``."""
    from .clustered import resample_rows

    g = ew.eligible(predictions, threshold)
    g = g[(g["model"] == model) & (g["at_s"] == at_s) & g["cascade_id"].isin(set(test))]
    f = final.reindex(g["cascade_id"]).to_numpy(float)
    keep = f > 0
    p = g["predicted"].to_numpy(float)[keep]
    err = np.where(np.isfinite(p), np.abs(p - f[keep]) / f[keep], np.inf)
    if err.size == 0:
        return {"median": np.nan, "ci_low": np.nan, "ci_high": np.nan, "cascades": 0}
    c = None if clusters is None else ew.cluster_labels(clusters, g["cascade_id"].to_numpy()[keep])
    lo, hi = np.percentile([np.median(err[i]) for i in resample_rows(err.size, c, n_boot, seed)], [2.5, 97.5],
                           method="nearest")
    return {"median": float(np.median(err)), "ci_low": float(lo), "ci_high": float(hi), "cascades": int(err.size)}


def record_group_aucs(table: pd.DataFrame, prefix: str) -> list[str]:
    """Record ``aucs_by_group`` rows as ``PREFIX.auc.MODEL.Tmin.GROUP`` (group slugged) with intervals. Returns
    the names not recorded (a group with no crossing test cascade has no AUC)."""
    missing = []
    for r in table.itertuples():
        name = f"{prefix}.auc.{r.model}.{r.at_min:g}min.{label_slug(r.group)}"
        note = f"ROC-AUC on the {r.test_cascades:,} later {r.group} cascades under the threshold ({r.positives} cross)"
        if not ew.record(name, r.auc, note=note, interval=(r.ci_low, r.ci_high)):
            missing.append(name)
    return missing


def known_followers(aucs: pd.DataFrame, aucs_known: pd.DataFrame) -> pd.DataFrame:
    """The AUCs with imputed source follower counts (``aucs``) beside those on the test cascades with a known
    count (``aucs_known``): ``model, at_min, auc, ci_low, ci_high, auc_known, known_low, known_high, change``."""
    known = aucs_known[["model", "at_min", "auc", "ci_low", "ci_high", "test_cascades"]].rename(
        columns={"auc": "auc_known", "ci_low": "known_low", "ci_high": "known_high", "test_cascades": "known_cascades"}
    )
    out = aucs[["model", "at_min", "auc", "ci_low", "ci_high", "test_cascades"]].merge(known, on=["model", "at_min"])
    return out.assign(change=out["auc_known"] - out["auc"])


def record_known_followers(table: pd.DataFrame, prefix: str) -> None:
    """``PREFIX.auc_known_followers.MODEL.Tmin`` (with intervals) from ``known_followers``."""
    for r in table.itertuples():
        ew.record(
            f"{prefix}.auc_known_followers.{r.model}.{r.at_min:g}min",
            r.auc_known,
            interval=(r.known_low, r.known_high),
            note=f"ROC-AUC on the {r.known_cascades:,} later cascades whose source has a follower count",
        )


def record_prevalence(table: pd.DataFrame, prefix: str) -> None:
    """``PREFIX.alarm.MODEL.{size|probability}.Tmin.precision.prevalence_P`` and ``...false_per_true...`` (with
    intervals) for the stated prevalences of ``precision_at_prevalence`` (not the observed one)."""
    for r in table[~table["observed"]].itertuples():
        kind = "size" if r.rule.startswith("predicted") else "probability"
        base, p = f"{prefix}.alarm.{r.model}.{kind}.{r.at_min:g}min", prevalence_slug(r.prevalence)
        note = f"at a prevalence of {100 * r.prevalence:g}% crossing; recall and false-alarm rate from the test set"
        ew.record(
            f"{base}.precision.prevalence_{p}", r.precision, interval=(r.precision_low, r.precision_high), note=note
        )
        ew.record(
            f"{base}.false_per_true.prevalence_{p}",
            r.false_per_true,
            interval=(r.false_per_true_low, r.false_per_true_high),
            note="false alarms per correct alarm, " + note,
        )


def record_k_task(table: pd.DataFrame, prefix: str) -> None:
    """``PREFIX.k_to_2k.MODEL.kK`` (AUC), ``PREFIX.k_to_2k_gain.MODEL.kK`` (paired difference from the time to the
    k-th repost) and ``PREFIX.k_to_2k.share_reaching.kK`` from ``early_features.k_task_aucs``."""
    for r in table.itertuples():
        note = f"ROC-AUC, will a cascade at {r.k} reposts reach {2 * r.k}? {r.test_cascades:,} later cascades"
        ew.record(f"{prefix}.k_to_2k.{r.model}.k{r.k}", r.auc, interval=(r.ci_low, r.ci_high), note=note)
        if r.model != "count_speed":
            ew.record(
                f"{prefix}.k_to_2k_gain.{r.model}.k{r.k}",
                r.diff,
                interval=(r.diff_low, r.diff_high),
                note="AUC minus that of the time to the k-th repost, paired bootstrap",
            )
    for k, g in table.groupby("k"):
        ew.record(
            f"{prefix}.k_to_2k.share_reaching.k{k}",
            float(g["share_reaching"].iloc[0]),
            note=f"share of the later cascades at {k} reposts that reach {2 * k}",
        )
        ew.record(f"{prefix}.k_to_2k.test_cascades.k{k}", int(g["test_cascades"].iloc[0]))


def group_dots(table: pd.DataFrame, at_min: float) -> pd.DataFrame:
    """``aucs_by_group`` rows at one time, with a ``category`` "model, group" for an interval-dot chart."""
    from .charts.theme import word

    d = table[(table["at_min"] == at_min) & table["auc"].notna()]
    return d.assign(category=[f"{word(m)}, {g}" for m, g in zip(d["model"], d["group"], strict=True)])
