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
from . import narrative as nv
from .words import word

__all__ = [
    "PREVALENCES", "LABEL_NAMES", "label_slug", "aucs_by_group", "precision_at", "precision_at_prevalence",
    "prevalence_slug", "ranking", "ranking_sentences", "relative_error", "record_group_aucs", "known_followers",
    "record_imputed", "record_known_followers", "record_prevalence", "record_k_task", "group_dots",
    "missing_points"
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
    """A label as a finding-name part: lower case, non-alphanumerics as underscores ("non-rumour" -> "non_rumour").

    Leading and trailing underscores are stripped.

    Parameters
    ----------
    label : str
        A group label (any object is turned into text first).

    Returns
    -------
    str
        The slug.

    Raises
    ------
    ValueError
        The label has no letter or digit.

    Examples
    --------
    >>> from wechat_study import early_readings as er
    >>> er.label_slug("non-rumour"), er.label_slug("Rumour!")
    ('non_rumour', 'rumour')
    """
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
    (cascade id -> source author) resamples authors within each group.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``model, cascade_id, at_s, predicted, observed``, as for ``early_warning.bootstrap_auc``.
    final : pandas.Series
        Final repost counts by cascade id.
    test : iterable of str
        The test cascades' ids.
    groups : pandas.Series
        Cascade id -> group; test cascades without a group are left out.
    threshold : int
        The repost threshold.
    n_boot, seed : int
        Bootstrap resamples and their seed (the same seed in every group).
    clusters : pandas.Series, optional
        Cascade id -> source author.

    Returns
    -------
    pandas.DataFrame
        ``bootstrap_auc``'s columns and ``group``, the groups in sorted order.

    Raises
    ------
    ValueError
        No test cascade has a group (or ``clusters`` lacks a test cascade).

    Examples
    --------
    >>> import pandas as pd
    >>> import wechat_study as ws
    >>> from wechat_study import early_readings as er, early_warning as ew
    >>> c = ws.synthetic_corpus(3_000, seed=0)
    >>> times, followers, final = ew.share_times(c.posts, c.cascades, repost_followers=100)
    >>> train, test = ew.split_by_time(c.cascades)
    >>> predictions = pd.concat([ew.count_baseline(times, [600]).assign(model="count_baseline"),
    ...                          ew.source_baseline(followers, [600]).assign(model="source_followers")])
    >>> predictions = predictions.merge(ew.observed_counts(times, [600]), on=["cascade_id", "at_s"])
    >>> labels = c.cascades.set_index("cascade_id")["label"]
    >>> table = er.aucs_by_group(predictions, final, test, labels, threshold=20, n_boot=200)
    >>> table[["group", "model", "auc", "test_cascades", "positives"]].round(3)
            group             model    auc  test_cascades  positives
    0  non-rumour    count_baseline  0.975             14          4
    1  non-rumour  source_followers  0.775             14          4
    2      rumour    count_baseline  1.000              6          1
    3      rumour  source_followers  0.600              6          1
    """
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
    positive: TPR·pi / (TPR·pi + FPR·(1 - pi)); NaN when the rule never fires.

    Parameters
    ----------
    tpr : float or array-like
        Recall, a share 0-1.
    fpr : float or array-like
        False-alarm rate, a share 0-1.
    prevalence : float or array-like
        The share of positive cases, strictly between 0 and 1.

    Returns
    -------
    numpy.ndarray
        The precision (0-1), broadcast over the three arguments (a 0-d array for scalars).

    Raises
    ------
    ValueError
        A prevalence at or outside 0 or 1.

    Examples
    --------
    >>> from wechat_study import early_readings as er
    >>> er.precision_at(0.8, 0.1, [0.5, 0.01]).round(4).tolist()
    [0.8889, 0.0748]
    """
    tpr, fpr, pi = np.asarray(tpr, float), np.asarray(fpr, float), np.asarray(prevalence, float)
    if np.any((pi <= 0) | (pi >= 1)):
        raise ValueError("a prevalence must lie strictly between 0 and 1")
    num, den = tpr * pi, tpr * pi + fpr * (1 - pi)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1), np.nan)


def _widened(bounds, flag: np.ndarray, y: np.ndarray, pi: float) -> tuple[float, float]:
    """Precision bounds that a test set with no false alarm (or no correct alarm) cannot pin to 1 (or 0).

    Resamples of a set with no false alarm never show one, so the percentile interval has no width; the
    lower bound then uses the false-alarm rate's Wilson upper bound (0 of the negatives), and likewise the
    upper bound the recall's when no alarm is correct.
    """
    from .thresholds import wilson_interval

    lo, hi = bounds
    tp, pos, fp, neg = (flag & y).sum(), y.sum(), (flag & ~y).sum(), (~y).sum()
    if fp == 0 and tp > 0:
        lo = min(lo, float(precision_at(tp / pos, wilson_interval(0, neg)[1], pi)))
    if tp == 0 and fp > 0:
        hi = max(hi, float(precision_at(wilson_interval(0, pos)[1], fp / neg, pi)))
    return lo, hi


def precision_at_prevalence(
    cal: pd.DataFrame, prevalences, threshold: int = 500, probability: float = 0.5, n_boot: int = 1000, seed: int = 0,
    clusters: pd.Series | None = None,
) -> pd.DataFrame:
    """Every alarm rule (``early_warning.rule_flags``) at each prevalence, and at the test set's own
    (``observed``): ``model, at_min, rule, prevalence, observed, recall, false_alarm_rate, precision,
    precision_low, precision_high, false_per_true`` (false alarms per correct one, with its interval; NaN where
    no alarm is correct, i.e. unbounded). Intervals resample test cascades, or with ``clusters`` (cascade id ->
    source author) authors with all their cascades. A rule with no false alarm on the test set gets the
    lower bound its false-alarm rate's Wilson upper bound gives (the resamples cannot show a false alarm),
    and one with no correct alarm the upper bound from its recall's.

    Parameters
    ----------
    cal : pandas.DataFrame
        ``early_warning.calibrated``'s rows (``model, at_s, cascade_id, crossed, probability, predicted``).
    prevalences : iterable of float
        Stated shares of cascades crossing (e.g. ``PREVALENCES``), each strictly between 0 and 1.
    threshold : int
        The size rule's line (``early_warning.rule_flags``).
    probability : float
        The calibrated rule's line, 0-1.
    n_boot, seed : int
        Bootstrap resamples and their seed.
    clusters : pandas.Series, optional
        Cascade id -> source author.

    Returns
    -------
    pandas.DataFrame
        One row per model, time, rule and prevalence (the observed one first); also
        ``false_per_true_low`` / ``false_per_true_high``. A model and time whose test cascades all cross, or
        none, is left out.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> cal = pd.DataFrame({"model": "count_baseline", "at_s": 600, "cascade_id": [f"c{i}" for i in range(8)],
    ...                     "crossed": [True, True, False, False, False, False, True, False],
    ...                     "probability": [0.9, 0.6, 0.7, 0.1, 0.2, 0.3, 0.4, 0.1],
    ...                     "predicted": [9, 7, 8, 1, 2, 3, 4, 1]})
    >>> table = er.precision_at_prevalence(cal, [0.01], n_boot=200)
    >>> table[["prevalence", "observed", "recall", "false_alarm_rate", "precision", "false_per_true"]].round(3)
       prevalence  observed  recall  false_alarm_rate  precision  false_per_true
    0       0.375      True   0.667               0.2      0.667             0.5
    1       0.010     False   0.667               0.2      0.033            29.7
    """
    from .clustered import resample_counts

    rows = []
    for (model, at), g in cal.groupby(["model", "at_s"], sort=True):
        y = g["crossed"].to_numpy(bool)
        if not 0 < y.sum() < len(y):
            continue
        c = None if clusters is None else ew.cluster_labels(clusters, g["cascade_id"])
        w = resample_counts(len(y), c, n_boot, seed)   # replicate x row: times drawn (exact integer sums below)
        for rule, flag in ew.rule_flags(g, model, threshold, probability).items():
            tp, pos, fp, neg = w @ (flag & y), w @ y, w @ (flag & ~y), w @ ~y
            with np.errstate(invalid="ignore", divide="ignore"):
                tpr_b, fpr_b = tp / pos, fp / neg
            tpr, fpr = (flag & y).sum() / y.sum(), (flag & ~y).sum() / (~y).sum()
            for pi, own in [(float(y.mean()), True)] + [(float(p), False) for p in prevalences]:
                prec, boots = float(precision_at(tpr, fpr, pi)), precision_at(tpr_b, fpr_b, pi)
                lo, hi = _widened(ew._percentiles(boots), flag, y, pi)
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
    """A prevalence as a finding-name part: 0.01 -> "1pct", 0.001 -> "0_1pct".

    Parameters
    ----------
    pi : float
        A share, 0-1.

    Returns
    -------
    str
        The percentage (``%g``), its point as an underscore, then "pct".

    Examples
    --------
    >>> from wechat_study import early_readings as er
    >>> er.prevalence_slug(0.01), er.prevalence_slug(0.001), er.prevalence_slug(0.25)
    ('1pct', '0_1pct', '25pct')
    """
    return f"{100 * pi:g}".replace(".", "_") + "pct"


def ranking(aucs: pd.DataFrame, baseline: str = "count_baseline") -> pd.DataFrame:
    """Per time and model (``bootstrap_auc`` rows other than the baseline): ``at_min, model, auc, diff, diff_low,
    diff_high, verdict`` ("above", "below" or "no clear difference" from the baseline by the paired interval),
    ``rank`` (1 = highest AUC at that time, the baseline included).

    Parameters
    ----------
    aucs : pandas.DataFrame
        ``early_warning.bootstrap_auc``'s table (``model, at_min, auc, diff, diff_low, diff_high``).
    baseline : str
        The model compared with; its rows, and rows without a paired interval, are dropped.

    Returns
    -------
    pandas.DataFrame
        Columns ``at_min, model, auc, diff, diff_low, diff_high, verdict, rank`` (rank a float; ties share the
        lower rank).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> aucs = pd.DataFrame({"model": ["count_baseline", "seismic", "source_followers"], "at_min": 60.0,
    ...                      "auc": [0.85, 0.88, 0.62], "diff": [np.nan, 0.03, -0.23],
    ...                      "diff_low": [np.nan, -0.01, -0.30], "diff_high": [np.nan, 0.07, -0.16]})
    >>> er.ranking(aucs)[["model", "auc", "verdict", "rank"]]
                  model   auc              verdict  rank
    0           seismic  0.88  no clear difference   1.0
    1  source_followers  0.62                below   3.0
    """
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
    clearly different from the baseline (paired 95% intervals), the models in order of AUC.

    Parameters
    ----------
    rank : pandas.DataFrame
        ``ranking``'s table.
    baseline : str
        The model compared with, named in words (``LABEL_NAMES``).

    Returns
    -------
    list of str
        One sentence per ``at_min``, earliest first.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> aucs = pd.DataFrame({"model": ["count_baseline", "seismic", "source_followers"], "at_min": 60.0,
    ...                      "auc": [0.85, 0.88, 0.62], "diff": [np.nan, 0.03, -0.23],
    ...                      "diff_low": [np.nan, -0.01, -0.30], "diff_high": [np.nan, 0.07, -0.16]})
    >>> er.ranking_sentences(er.ranking(aucs))
    ["At 60 minutes, against the count so far, no clear difference: SEISMIC; significantly below: the source's
    followers."]
    """
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
    cascade id -> source author, of authors): ``median, ci_low, ci_high, cascades``.

    Parameters
    ----------
    predictions : pandas.DataFrame
        ``model, cascade_id, at_s, predicted, observed``; only rows still under ``threshold`` are used
        (``early_warning.eligible``).
    final : pandas.Series
        Final repost counts by cascade id.
    test : iterable of str
        The test cascades' ids.
    model : str
        The model whose predictions are read.
    at_s : float
        The observation time, seconds after the source.
    threshold : int
        The repost threshold.
    n_boot, seed : int
        Bootstrap resamples and their seed.
    clusters : pandas.Series, optional
        Cascade id -> source author.

    Returns
    -------
    dict
        ``median`` (a share: 0.15 is 15%), ``ci_low``, ``ci_high`` (nearest-rank 2.5th and 97.5th percentiles;
        infinite when infinite errors dominate) and ``cascades``; NaN and 0 without a cascade.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> predictions = pd.DataFrame({"model": "seismic", "at_s": 3600, "cascade_id": ["a", "b", "c", "d"],
    ...                             "predicted": [150.0, 90.0, np.inf, 40.0], "observed": [50, 60, 10, 30]})
    >>> final = pd.Series([200, 100, 80, 40], index=["a", "b", "c", "d"])
    >>> er.relative_error(predictions, final, ["a", "b", "c", "d"], "seismic", 3600, n_boot=200)
    {'median': 0.175, 'ci_low': 0.0, 'ci_high': inf, 'cascades': 4}
    """
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
    the names not recorded (a group with no crossing test cascade has no AUC).

    Parameters
    ----------
    table : pandas.DataFrame
        ``aucs_by_group``'s table.
    prefix : str
        Finding names start with it (``early_warning.ced``).

    Returns
    -------
    list of str
        The names whose AUC was not recorded (NaN).

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from wechat_study.findings import FINDINGS_ENV, read_recorded
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> table = pd.DataFrame({"model": "seismic", "at_min": 60.0, "group": ["rumour", "non-rumour"],
    ...                       "auc": [0.9, np.nan], "ci_low": [0.8, np.nan], "ci_high": [0.95, np.nan],
    ...                       "test_cascades": [300, 200], "positives": [30, 0]})
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {FINDINGS_ENV: f"{tmp}/f.jsonl"}):
    ...     print(er.record_group_aucs(table, "early_warning.mine"))
    ...     print(sorted(read_recorded(Path(tmp) / "f.jsonl")))
    ['early_warning.mine.auc.seismic.60min.non_rumour']
    ['early_warning.mine.auc.seismic.60min.rumour', 'early_warning.mine.auc.seismic.60min.rumour.ci_high',
     'early_warning.mine.auc.seismic.60min.rumour.ci_low']
    """
    missing = []
    for r in table.itertuples():
        name = f"{prefix}.auc.{r.model}.{r.at_min:g}min.{label_slug(r.group)}"
        note = f"ROC-AUC on the {r.test_cascades:,} later {r.group} cascades under the threshold ({r.positives} cross)"
        if not ew.record(name, r.auc, note=note, interval=(r.ci_low, r.ci_high)):
            missing.append(name)
    return missing


def known_followers(aucs: pd.DataFrame, aucs_known: pd.DataFrame) -> pd.DataFrame:
    """The AUCs with imputed source follower counts (``aucs``) beside those on the test cascades with a known
    count (``aucs_known``): ``model, at_min, auc, ci_low, ci_high, auc_known, known_low, known_high, change``.

    Parameters
    ----------
    aucs : pandas.DataFrame
        ``early_warning.bootstrap_auc``'s table on every test cascade.
    aucs_known : pandas.DataFrame
        The same on the test cascades whose source has a known follower count.

    Returns
    -------
    pandas.DataFrame
        The rows of both (an inner join on ``model, at_min``), with ``test_cascades``, ``known_cascades`` and
        ``change`` = ``auc_known - auc``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> aucs = pd.DataFrame({"model": ["count_baseline", "seismic", "source_followers"], "at_min": 60.0,
    ...                      "auc": [0.85, 0.88, 0.62], "diff": [np.nan, 0.03, -0.23],
    ...                      "diff_low": [np.nan, -0.01, -0.30], "diff_high": [np.nan, 0.07, -0.16]})
    >>> aucs = aucs.assign(ci_low=[0.80, 0.80, 0.55], ci_high=[0.90, 0.92, 0.70], test_cascades=1000)
    >>> known = aucs.assign(auc=[0.84, 0.86, 0.70], test_cascades=700)
    >>> er.known_followers(aucs, known)[["model", "auc", "auc_known", "known_cascades", "change"]].round(2)
                  model   auc  auc_known  known_cascades  change
    0    count_baseline  0.85       0.84             700   -0.01
    1           seismic  0.88       0.86             700   -0.02
    2  source_followers  0.62       0.70             700    0.08
    """
    known = aucs_known[["model", "at_min", "auc", "ci_low", "ci_high", "test_cascades"]].rename(
        columns={"auc": "auc_known", "ci_low": "known_low", "ci_high": "known_high", "test_cascades": "known_cascades"}
    )
    out = aucs[["model", "at_min", "auc", "ci_low", "ci_high", "test_cascades"]].merge(known, on=["model", "at_min"])
    return out.assign(change=out["auc_known"] - out["auc"])


def record_imputed(imputed: pd.Series, train, test, followers: pd.Series, prefix: str) -> None:
    """``PREFIX.imputed_followers.{train,test,value}``: how many cascades' source follower counts were imputed.

    Parameters
    ----------
    imputed : pandas.Series of bool
        By cascade id: True where the source's follower count is imputed.
    train, test : sequence
        The cascade ids of the training and test sets.
    followers : pandas.Series
        The follower counts used, by cascade id (imputed ones included).
    prefix : str
        Finding names start with it (``early_warning.ced``).

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> from wechat_study.findings import FINDINGS_ENV, read_recorded
    >>> imputed = pd.Series([True, False, False], index=["a", "b", "c"])
    >>> followers = pd.Series([120.0, 90.0, 150.0], index=["a", "b", "c"])
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {FINDINGS_ENV: f"{tmp}/f.jsonl"}):
    ...     er.record_imputed(imputed, ["a", "b"], ["c"], followers, "early_warning.mine")
    ...     found = read_recorded(Path(tmp) / "f.jsonl")
    >>> {name: f["value"] for name, f in found.items()}
    {'early_warning.mine.imputed_followers.train': 1, 'early_warning.mine.imputed_followers.test': 0,
     'early_warning.mine.imputed_followers.value': 120.0}
    """
    ew.record(f"{prefix}.imputed_followers.train", int(imputed.reindex(train).sum()),
              note="training cascades whose source's follower count is imputed")
    ew.record(f"{prefix}.imputed_followers.test", int(imputed.reindex(test).sum()),
              note="test cascades whose source's follower count is imputed")
    ew.record(f"{prefix}.imputed_followers.value", float(followers[imputed].iloc[0]) if imputed.any() else None,
              note="the imputed count: median of the training cascades' known counts")


def record_known_followers(table: pd.DataFrame, prefix: str) -> None:
    """``PREFIX.auc_known_followers.MODEL.Tmin`` (with intervals) from ``known_followers``.

    A NaN AUC is not recorded (``early_warning.record``).

    Parameters
    ----------
    table : pandas.DataFrame
        ``known_followers``'s table.
    prefix : str
        Finding names start with it (``early_warning.ced``).

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from wechat_study.findings import FINDINGS_ENV, read_recorded
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> table = pd.DataFrame({"model": ["seismic"], "at_min": [60.0], "auc_known": [0.86], "known_low": [0.8],
    ...                       "known_high": [0.9], "known_cascades": [700]})
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {FINDINGS_ENV: f"{tmp}/f.jsonl"}):
    ...     er.record_known_followers(table, "early_warning.mine")
    ...     found = read_recorded(Path(tmp) / "f.jsonl")
    >>> {name: f["value"] for name, f in found.items()}
    {'early_warning.mine.auc_known_followers.seismic.60min': 0.86,
     'early_warning.mine.auc_known_followers.seismic.60min.ci_low': 0.8,
     'early_warning.mine.auc_known_followers.seismic.60min.ci_high': 0.9}
    """
    for r in table.itertuples():
        ew.record(
            f"{prefix}.auc_known_followers.{r.model}.{r.at_min:g}min",
            r.auc_known,
            interval=(r.known_low, r.known_high),
            note=f"ROC-AUC on the {r.known_cascades:,} later cascades whose source has a follower count",
        )


def record_prevalence(table: pd.DataFrame, prefix: str) -> None:
    """``PREFIX.alarm.MODEL.{size|probability}.Tmin.precision.prevalence_P`` and ``...false_per_true...`` (with
    intervals) for the stated prevalences of ``precision_at_prevalence`` (not the observed one).

    ``size`` is for the rules that start with "predicted", ``probability`` for the others; a NaN value or
    an infinite bound is not recorded (``early_warning.record``).

    Parameters
    ----------
    table : pandas.DataFrame
        ``precision_at_prevalence``'s table.
    prefix : str
        Finding names start with it (``early_warning.ced``).

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from wechat_study.findings import FINDINGS_ENV, read_recorded
    >>> from wechat_study import early_readings as er
    >>> cal = pd.DataFrame({"model": "count_baseline", "at_s": 600, "cascade_id": [f"c{i}" for i in range(8)],
    ...                     "crossed": [True, True, False, False, False, False, True, False],
    ...                     "probability": [0.9, 0.6, 0.7, 0.1, 0.2, 0.3, 0.4, 0.1],
    ...                     "predicted": [9, 7, 8, 1, 2, 3, 4, 1]})
    >>> table = er.precision_at_prevalence(cal, [0.01], n_boot=200)
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {FINDINGS_ENV: f"{tmp}/f.jsonl"}):
    ...     er.record_prevalence(table, "early_warning.mine")
    ...     found = read_recorded(Path(tmp) / "f.jsonl")
    >>> for name in found:
    ...     print(name.removeprefix("early_warning.mine.alarm.count_baseline."))
    probability.10min.precision.prevalence_1pct
    probability.10min.precision.prevalence_1pct.ci_low
    probability.10min.precision.prevalence_1pct.ci_high
    probability.10min.false_per_true.prevalence_1pct
    probability.10min.false_per_true.prevalence_1pct.ci_low
    """
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
    k-th repost) and ``PREFIX.k_to_2k.share_reaching.kK`` from ``early_features.k_task_aucs``.

    Also ``PREFIX.k_to_2k.test_cascades.kK``, exact. The gain is not recorded for ``count_speed``, the model
    the others are compared with.

    Parameters
    ----------
    table : pandas.DataFrame
        ``early_features.k_task_aucs``'s table.
    prefix : str
        Finding names start with it (``early_warning.ced``).

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from wechat_study.findings import FINDINGS_ENV, read_recorded
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> table = pd.DataFrame({"model": ["count_speed", "feature_model"], "k": 10, "auc": [0.7, 0.75],
    ...                       "ci_low": [0.6, 0.66], "ci_high": [0.8, 0.84], "diff": [np.nan, 0.05],
    ...                       "diff_low": [np.nan, 0.01], "diff_high": [np.nan, 0.09], "test_cascades": 120,
    ...                       "share_reaching": 0.4})
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {FINDINGS_ENV: f"{tmp}/f.jsonl"}):
    ...     er.record_k_task(table, "early_warning.mine")
    ...     found = read_recorded(Path(tmp) / "f.jsonl")
    >>> {name: f["value"] for name, f in found.items() if not name.endswith(("ci_low", "ci_high"))}
    {'early_warning.mine.k_to_2k.count_speed.k10': 0.7, 'early_warning.mine.k_to_2k.feature_model.k10': 0.75,
     'early_warning.mine.k_to_2k_gain.feature_model.k10': 0.05, 'early_warning.mine.k_to_2k.share_reaching.k10': 0.4,
     'early_warning.mine.k_to_2k.test_cascades.k10': 120}
    """
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
    """``aucs_by_group`` rows at one time, with a ``category`` "model, group" for an interval-dot chart.

    Parameters
    ----------
    table : pandas.DataFrame
        ``aucs_by_group``'s table.
    at_min : float
        The observation time, minutes after the source.

    Returns
    -------
    pandas.DataFrame
        The rows at ``at_min`` with an AUC (NaN ones dropped), with ``category`` (the model in words, then the
        group).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> table = pd.DataFrame({"model": "seismic", "at_min": 60.0, "group": ["rumour", "non-rumour"],
    ...                       "auc": [0.9, np.nan]})
    >>> er.group_dots(table, 60.0)
         model  at_min   group  auc         category
    0  seismic    60.0  rumour  0.9  SEISMIC, rumour
    """

    d = table[(table["at_min"] == at_min) & table["auc"].notna()]
    return d.assign(category=[f"{word(m)}, {g}" for m, g in zip(d["model"], d["group"], strict=True)])


def missing_points(aucs: pd.DataFrame, pooled: pd.DataFrame | None = None) -> str:
    """A caption sentence naming the models with no AUC at some observation time, and why where known.

    Parameters
    ----------
    aucs : pandas.DataFrame
        ``early_warning.bootstrap_auc``'s rows: ``model``, ``at_min``, ``auc``.
    pooled : pandas.DataFrame, optional
        ``models.predictors.pooled_predictions``'s parameters (``at_s``, ``status``): a time at which the
        pooled fit is supercritical or failed is given that reason.

    Returns
    -------
    str
        " The pooled Hawkes model has no point at 10 minutes: its fit there is supercritical (n* ≥ 1), so
        it cannot rank cascades." (starting with a space), or "" when every model has every time.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import early_readings as er
    >>> aucs = pd.DataFrame({"model": ["count_baseline", "count_baseline", "hawkes_pooled"],
    ...                      "at_min": [10.0, 30.0, 30.0], "auc": [0.7, 0.75, 0.74]})
    >>> er.missing_points(aucs, pd.DataFrame({"at_s": [600, 1800], "status": ["supercritical", "ok"]}))
    ' The pooled Hawkes model has no point at 10 minutes: its fit there is supercritical (n* ≥ 1), so it
    cannot rank cascades.'
    """
    times = sorted(aucs["at_min"].unique())
    why = {}
    if pooled is not None:
        why = {float(r.at_s) / 60: r.status for r in pooled.itertuples() if r.status in ("supercritical", "failed")}
    out = []
    for model in dict.fromkeys(aucs["model"]):
        have = set(aucs.loc[(aucs["model"] == model) & aucs["auc"].notna(), "at_min"])
        gone = [t for t in times if t not in have]
        if not gone:
            continue
        at = " and ".join(nv.minutes(t) for t in gone)
        reason = {why.get(t) for t in gone} if model == "hawkes_pooled" else {None}
        if reason == {"supercritical"}:
            tail = ": its fit there is supercritical (n* ≥ 1), so it cannot rank cascades"
        elif reason == {"failed"}:
            tail = ": its fit there failed"
        else:
            tail = " (no test cascade crossed, or the model could not be fitted then)"
        name = LABEL_NAMES.get(model, word(model))
        out.append(f" {name[0].upper()}{name[1:]} has no point at {at}{tail}.")
    return "".join(out)
