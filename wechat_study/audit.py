"""The data-set audit: published figures next to what the loaded data give.

Each row is one figure from a data set's paper or README (``PUBLISHED``), the value measured
on the pinned raw data, the convention used to measure it, and whether the two agree. Every figure
is a count over the complete files (a census, not a sample), so it is exact; a share is always shown
with its denominator. CED's ``kids`` references are split into direct children, deeper descendants,
true conflicts and absent records (``kids_references``). See docs/methods.md#8-the-data-audit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from .corpus import Corpus
from .errors import DataError
from .quality import QualityReport

__all__ = [
    "Figure", "SONG", "WU", "MA", "WCS", "PUBLISHED", "AUDITED", "audit", "corpora_for", "quality_table",
    "record_audit", "KIDS_KINDS", "kids_references", "record_kids", "findings_box"
]


@dataclass(frozen=True)
class Figure:
    """One published figure of a data set and how to measure it on the loaded data.

    ``dataset`` is the catalogued name, ``figure`` what is counted (in words), ``published`` the value the
    ``source`` (a paper or README) gives, ``measure`` a function from the ``Corpus`` to the measured value,
    and ``convention`` how it is measured (empty when the figure says it all).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.audit import Figure
    >>> fig = Figure("mine", "cascades", 303, "my paper", lambda c: len(c.cascades), "one per source post")
    >>> fig.measure(ws.load("examples/weibo-cascades.csv")) == fig.published
    True
    """

    dataset: str
    figure: str
    published: float
    source: str
    measure: Callable[[Corpus], float]
    convention: str


def _sizes(c: Corpus) -> pd.Series:
    return c.posts.groupby("cascade_id", sort=False).size()


def _label(name: str) -> Callable[[Corpus], int]:
    return lambda c: int((c.cascades["label"] == name).sum())


def _hours(c: Corpus) -> float:
    span = c.cascades["observed_until"] - c.cascades["created_at"]
    return float(span.dt.total_seconds().mean() / 3600)


def _reason(name: str) -> Callable[[Corpus], int]:
    return lambda c: int((c.removals["reason"] == name).sum())


SONG = "Song et al. 2018"
WU = "Wb-MSF sample README"
MA = "Ma et al. 2017, Table 1"
WCS = "WeChatscope archive"
LABEL_LINES = "lines of the label file (label.txt)"

PUBLISHED = [
    Figure("ced", "rumours", 1538, SONG, _label("rumour"), "cascades in rumor-repost/"),
    Figure("ced", "non-rumours", 1849, SONG, _label("non-rumour"), "cascades in non-rumor-repost/"),
    Figure("ced", "records, duplicates dropped", 1_274_456, "data README", lambda c: int((~c.posts["is_root"]).sum()),
           "repost and comment records, the first of each post id (mid)"),
    Figure("ced", "duplicate records", 724, "data README", lambda c: c.quality.count("duplicate_records"),
           "a post id (mid) seen again in its file"),
    Figure("ced", "dates without a year", 74, "data README",
           lambda c: c.quality.count("dates_without_year_resolved") + c.quality.count("dates_without_year_quarantined"),
           "dates written as month, day and time (MM月DD日 HH:MM)"),
    Figure("ced", '"user": "empty" sources', 87, "data README", lambda c: c.quality.count("source_user_empty"), ""),
    Figure("wbmsf", "cascades", 521, WU, lambda c: len(c.cascades), "one CSV per cascade"),
    Figure("wbmsf", '"#repost"', 114_152, WU, lambda c: len(c.posts) + len(c.cascades),
           "rows plus 1 per cascade for its source (the README's convention); rows alone: see posts"),
    Figure("wbmsf", "max cascade size", 5254, WU, lambda c: int(_sizes(c).max()) + 1, "rows plus the source"),
    Figure("wbmsf", "min cascade size", 52, WU, lambda c: int(_sizes(c).min()) + 1, "rows plus the source"),
    Figure("wbmsf", "mean cascade size", 219, WU, lambda c: round(float(_sizes(c).mean()) + 1, 1),
           "rows plus the source"),
    Figure("twitter15", "source tweets", 1490, MA, lambda c: len(c.cascades), "tree files"),
    Figure("twitter15", "users", 276_663, MA, lambda c: int(c.posts["user_id"].nunique()),
           "distinct users in the raw trees"),
    Figure("twitter15", "threads", 331_612, MA, lambda c: int((~c.posts["is_root"]).sum()),
           "distinct (user, tweet) nodes other than the root; the raw trees have more than the paper"),
    Figure("twitter15", "average time length (h)", 1337, MA, lambda c: round(_hours(c), 1),
           "mean time from the source to its last reply or retweet"),
    Figure("twitter15", "posts per tree, average", 223, MA, lambda c: round(float(_sizes(c).mean()), 1),
           "distinct nodes, root included"),
    Figure("twitter15", "posts per tree, max", 1768, MA, lambda c: int(_sizes(c).max()),
           "distinct nodes, root included"),
    Figure("twitter15", "posts per tree, min", 55, MA, lambda c: int(_sizes(c).min()), "distinct nodes, root included"),
    Figure("twitter15", "non-rumour labels", 374, MA, _label("non-rumour"), LABEL_LINES),
    Figure("twitter15", "false labels", 370, MA, _label("false"), LABEL_LINES),
    Figure("twitter15", "true labels", 372, MA, _label("true"), LABEL_LINES),
    Figure("twitter15", "unverified labels", 374, MA, _label("unverified"), LABEL_LINES),
    Figure("wechatscope", "articles", 17_411, WCS, lambda c: len(c.removals),
           "rows of the archive's article list (ceninfo.csv)"),
    Figure("wechatscope", "accounts", 1852, WCS, lambda c: int(c.removals["account"].nunique()),
           "distinct account names"),
    Figure("wechatscope", "author deleted", 12_450, "data README", _reason("author_deleted"),
           "Chinese + English notices"),
    Figure("wechatscope", "rule violation", 4234, "data README", _reason("violation"), "Chinese + English notices"),
    Figure("wechatscope", "account blocked", 455, "data README", _reason("account_blocked"), ""),
    Figure("wechatscope", "complaint", 231, "data README", _reason("complaint"), "both complaint notices"),
    Figure("wechatscope", "account migrated", 41, "data README", _reason("migrated"), ""),
]

AUDITED = tuple(dict.fromkeys(f.dataset for f in PUBLISHED))


def audit(corpora: dict[str, Corpus]) -> pd.DataFrame:
    """One row per published figure: ``dataset, figure, published, measured, agrees, source, convention``.

    ``agrees`` is the measured value, rounded to a whole number, equal to the published one.

    Parameters
    ----------
    corpora : dict of str to Corpus
        Loaded data sets by catalogued name; the figures of ``PUBLISHED`` whose data set is absent are
        left out.

    Returns
    -------
    pandas.DataFrame
        In ``PUBLISHED`` order; ``measured`` as an object column (counts stay integers).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.corpus import Corpus
    >>> from wechat_study.quality import QualityReport
    >>> report = QualityReport("ced")
    >>> report.quirk("kids_references_absent", 2, "of 10 'kids' references, these name no record in the file")
    >>> report.quirk("kids_references_descendant", 3, "'kids' names a deeper descendant")
    >>> report.quirk("kids_references_conflict", 1, "'kids' names a record on another branch")
    >>> ced = Corpus("ced", posts=pd.DataFrame({"cascade_id": ["1", "1", "2"], "is_root": [True, False, True]}),
    ...              cascades=pd.DataFrame({"cascade_id": ["1", "2"], "label": ["rumour", "non-rumour"]}),
    ...              quality=report)
    >>> from wechat_study.audit import audit
    >>> audit({"ced": ced})[["figure", "published", "measured", "agrees"]].head(3)
                            figure  published measured  agrees
    0                      rumours       1538        1   False
    1                  non-rumours       1849        1   False
    2  records, duplicates dropped    1274456        1   False
    """
    rows = []
    for f in PUBLISHED:
        if f.dataset not in corpora:
            continue
        measured = f.measure(corpora[f.dataset])
        rows.append({"dataset": f.dataset, "figure": f.figure, "published": f.published, "measured": measured,
                     "agrees": bool(round(float(measured)) == f.published), "source": f.source,
                     "convention": f.convention})
    table = pd.DataFrame(rows, columns=["dataset", "figure", "published", "measured", "agrees", "source", "convention"])
    table["measured"] = pd.Series([r["measured"] for r in rows], dtype=object)
    return table


def corpora_for(dataset: str) -> dict[str, Corpus]:
    """The corpora an audit reads: every investigated data set for ``"all"``, else just ``dataset``.

    Each is loaded with ``corpus.load``, so it is fetched and prepared first when needed.

    Parameters
    ----------
    dataset : str
        ``"all"``, a catalogued name, or anything else ``load`` takes (such as a path).

    Returns
    -------
    dict of str to Corpus
        By the names given (``catalog.INVESTIGATED`` for ``"all"``).

    Examples
    --------
    >>> from wechat_study.audit import corpora_for
    >>> corpora_for("examples/weibo-cascades.csv")
    {'examples/weibo-cascades.csv': Corpus('example_weibo': posts=30,270, cascades=303)}
    >>> corpora = corpora_for("all")      # doctest: +SKIP
    """
    from .corpus import load
    from .datasets.catalog import INVESTIGATED

    names = INVESTIGATED if dataset == "all" else (dataset,)
    return {name: load(name) for name in names}


def quality_table(corpora: dict[str, Corpus]) -> pd.DataFrame:
    """Every fact and quirk of every corpus: ``dataset, item, count, what was done``.

    Parameters
    ----------
    corpora : dict of str to Corpus
        Loaded data sets by name, each with its quality report.

    Returns
    -------
    pandas.DataFrame
        Per data set its facts (sorted by name; ``what was done`` empty), then its quirks (sorted, with
        their action).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.audit import quality_table
    >>> table = quality_table({"example_weibo": ws.load("examples/weibo-cascades.csv")})
    >>> table.head(2)[["dataset", "item", "count"]]
             dataset                            item  count
    0  example_weibo                        cascades    303
    1  example_weibo  cascades_with_author_followers    303
    >>> len(table)
    15
    """
    rows = []
    for name, c in corpora.items():
        q = c.quality
        rows += [{"dataset": name, "item": k, "count": v, "what was done": ""} for k, v in sorted(q.facts.items())]
        rows += [{"dataset": name, "item": k, "count": x.count, "what was done": x.action}
                 for k, x in sorted(q.quirks.items())]
    return pd.DataFrame(rows, columns=["dataset", "item", "count", "what was done"])


def record_audit(table: pd.DataFrame, quality: pd.DataFrame) -> None:
    """Findings ``audit.<dataset>.<figure>`` (measured values) and ``quality.<dataset>.<item>`` (counts).

    Figure and item names are turned into finding words by ``findings.slug``.

    Parameters
    ----------
    table : pandas.DataFrame
        As from ``audit``.
    quality : pandas.DataFrame
        As from ``quality_table``.

    Raises
    ------
    ValueError
        From ``record_finding``: a name that does not make dotted lowercase words.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.audit import audit, quality_table, record_audit
    >>> corpora = {"example_weibo": ws.load("examples/weibo-cascades.csv")}
    >>> record_audit(audit(corpora), quality_table(corpora))
    """
    from .findings import record_finding, slug

    for row in table.itertuples(index=False):
        value = row.measured
        record_finding(f"audit.{row.dataset}.{slug(row.figure)}", value,
                       tolerance=1e-9 if isinstance(value, float) else None,
                       note=f"published: {row.published:,} ({row.source}); measured as {row.convention or row.figure}")
    for row in quality.itertuples(index=False):
        record_finding(f"quality.{row.dataset}.{slug(row.item)}", int(row.count), note=row[3] or None)


KIDS_KINDS = {
    "direct_child": "names a record whose 'parent' is this record: agrees with the tree",
    "descendant": "names a deeper descendant (a grandchild or further): consistent with the tree, not a conflict",
    "conflict": "names a record on another branch: a true conflict with 'parent' (the tree follows 'parent')",
    "absent": "names no record in the file",
}


def _kids_total(quality: QualityReport) -> int:
    """All ``kids`` references the loader checked: the fact ``kids_references`` when recorded, else the total
    the ``kids_references_absent`` quirk states (``of N 'kids' references``)."""
    if "kids_references" in quality.facts:
        return quality.facts["kids_references"]
    quirk = quality.quirks.get("kids_references_absent")
    found = re.search(r"of ([\d,]+) 'kids' references", quirk.action if quirk else "")
    if not found:
        raise DataError(f"data/processed/{quality.dataset}/quality.json",
                        "the total of 'kids' references is not recorded", record="kids_references_absent",
                        hint="prepare the data set again with this version (`wechat-study data prepare ced --force`)")
    return int(found.group(1).replace(",", ""))


def kids_references(quality: QualityReport) -> pd.DataFrame:
    """CED's ``kids`` references by kind: ``kind, references, total, share, meaning`` (``share`` of ``total``,
    every reference the loader checked; exact counts). Empty when the data set has no ``kids`` field.

    ``direct_child`` is the total less the descendants, conflicts and absent records the loader counted.

    Parameters
    ----------
    quality : QualityReport
        The data set's quality report (CED's has the ``kids_references_*`` quirks).

    Returns
    -------
    pandas.DataFrame
        One row per kind of ``KIDS_KINDS``, in its order; ``share`` 0–1.

    Raises
    ------
    DataError
        The report has the kids quirks but not their total (neither the fact ``kids_references`` nor the
        total in the ``kids_references_absent`` quirk's action): prepared by an older version.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.corpus import Corpus
    >>> from wechat_study.quality import QualityReport
    >>> report = QualityReport("ced")
    >>> report.quirk("kids_references_absent", 2, "of 10 'kids' references, these name no record in the file")
    >>> report.quirk("kids_references_descendant", 3, "'kids' names a deeper descendant")
    >>> report.quirk("kids_references_conflict", 1, "'kids' names a record on another branch")
    >>> from wechat_study.audit import kids_references
    >>> kids_references(report)[["kind", "references", "total", "share"]]
               kind  references  total  share
    0  direct_child           4     10    0.4
    1    descendant           3     10    0.3
    2      conflict           1     10    0.1
    3        absent           2     10    0.2
    """
    columns = ["kind", "references", "total", "share", "meaning"]
    if "kids_references_descendant" not in quality.quirks:
        return pd.DataFrame(columns=columns)
    total = _kids_total(quality)
    counts = {k: quality.count(f"kids_references_{k}") for k in ("descendant", "conflict", "absent")}
    counts = {"direct_child": total - sum(counts.values()), **counts}
    rows = [{"kind": k, "references": n, "total": total, "share": n / total, "meaning": KIDS_KINDS[k]}
            for k, n in counts.items()]
    return pd.DataFrame(rows, columns=columns)


def record_kids(corpora: dict[str, Corpus]) -> pd.DataFrame:
    """Findings ``audit.<dataset>.kids_references.<kind>`` (exact counts), ``.<kind>.share`` (of ``.total``) and
    ``.total``; returns the table.

    Parameters
    ----------
    corpora : dict of str to Corpus
        Loaded data sets by name; those without ``kids`` references are skipped.

    Returns
    -------
    pandas.DataFrame
        ``dataset, kind, references, total, share, meaning``: the ``kids_references`` rows of each data set
        (no rows when none has them).

    Raises
    ------
    DataError
        From ``kids_references``: a report without the total of references.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.corpus import Corpus
    >>> from wechat_study.quality import QualityReport
    >>> report = QualityReport("ced")
    >>> report.quirk("kids_references_absent", 2, "of 10 'kids' references, these name no record in the file")
    >>> report.quirk("kids_references_descendant", 3, "'kids' names a deeper descendant")
    >>> report.quirk("kids_references_conflict", 1, "'kids' names a record on another branch")
    >>> from wechat_study.audit import record_kids
    >>> record_kids({"ced": Corpus("ced", quality=report)})[["dataset", "kind", "references"]]
      dataset          kind  references
    0     ced  direct_child           4
    1     ced    descendant           3
    2     ced      conflict           1
    3     ced        absent           2
    """
    from .findings import record_finding

    tables = []
    for name, c in corpora.items():
        t = kids_references(c.quality)
        if t.empty:
            continue
        record_finding(f"audit.{name}.kids_references.total", int(t["total"].iloc[0]),
                       note="every 'kids' reference checked against the 'parent' links")
        for row in t.itertuples(index=False):
            record_finding(f"audit.{name}.kids_references.{row.kind}", int(row.references),
                           note=f"{row.share:.2%} of {row.total:,} references; {row.meaning}")
            record_finding(f"audit.{name}.kids_references.{row.kind}.share", row.references / row.total,
                           tolerance=1e-12, note=f"{row.references:,} of {row.total:,} references (exact counts)")
        tables.append(t.assign(dataset=name))
    if not tables:
        return pd.DataFrame(columns=["dataset", "kind", "references", "total", "share", "meaning"])
    return pd.concat(tables, ignore_index=True)[["dataset", "kind", "references", "total", "share", "meaning"]]


def _published(dataset: str, figure: str) -> float:
    return next(f.published for f in PUBLISHED if (f.dataset, f.figure) == (dataset, figure))


def findings_box(corpora: dict[str, Corpus], published_anchor: str = "published", kids_anchor: str = "kids",
                 quirks_anchor: str = "quirks"):
    """The report's "What we found" box: one sentence per audited data set present in ``corpora`` (a plain
    count sentence for a data set with no published figures, e.g. ``synthetic``). Every number is an exact
    count from the findings; a share is given with its denominator.

    The findings the sentences name (``record_audit``, ``record_kids``) must be recorded, and the charts
    or tables of the anchors built, before the box.

    Parameters
    ----------
    corpora : dict of str to Corpus
        The data sets audited, by name.
    published_anchor, kids_anchor, quirks_anchor : str
        Anchors of the tables the sentences link to: published figures, ``kids`` references, quirks.

    Returns
    -------
    narrative.FindingsBox
        The box, its sentences in the order above.

    Raises
    ------
    KeyError
        A sentence names a finding that was not recorded.
    ValueError
        An anchor that no chart or table has yet.

    Examples
    --------
    >>> import os
    >>> import tempfile
    >>> from unittest import mock
    >>> import wechat_study as ws
    >>> from wechat_study import narrative as nv
    >>> from wechat_study.audit import audit, findings_box, quality_table, record_audit
    >>> corpora = {"example_weibo": ws.load("examples/weibo-cascades.csv")}
    >>> with tempfile.TemporaryDirectory() as d, mock.patch.dict(nv.ANCHORS, {"quirks": "Table 1"}):
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(d, "findings.jsonl")}):
    ...         record_audit(audit(corpora), quality_table(corpora))
    ...         box = findings_box(corpora)
    >>> print(box.sentences[0]["template"])
    The example_weibo corpus holds {quality.example_weibo.posts:count} posts in ... no published figure applies to it.
    """
    from . import narrative as nv

    box = nv.FindingsBox(prefix="audit")
    if {"ced", "wbmsf", "wechatscope"} <= set(corpora):
        box.add("The published headline counts reproduce exactly: CED's {.ced.rumours:count} rumours and "
                "{.ced.non_rumours:count} non-rumours, the Wb-MSF sample's {.wbmsf.cascades:count} cascades and "
                "{.wbmsf.repost:count} reposts (rows plus one per cascade, as its README counts), and WeChatscope's "
                "{.wechatscope.articles:count} removed articles from {.wechatscope.accounts:count} accounts.",
                see=published_anchor)
    if "ced" in corpora:
        box.add("Of CED's {quality.ced.records_read:count} repost/comment records, "
                "{quality.ced.duplicate_records:count} repeat a post id already in the same file and "
                "{quality.ced.dates_without_year_resolved:count} carry a date without a year; "
                "{quality.ced.source_user_empty:count} of its {quality.ced.cascades:count} source posts have no user "
                "record.", see=quirks_anchor)
        box.add("CED's \"kids\" lists hardly contradict its \"parent\" links: of {.ced.kids_references.total:count} "
                "references, {.ced.kids_references.descendant:count} ({.ced.kids_references.descendant.share:share}) "
                "name a deeper descendant, which is consistent with the tree, and only "
                "{.ced.kids_references.conflict:count} ({.ced.kids_references.conflict.share:share}) a record on "
                "another branch.", see=kids_anchor)
    if "twitter15" in corpora:
        box.add("Twitter15's raw trees are not its paper's: {.twitter15.users:count} distinct users "
                "(published: {u:count}) and {.twitter15.threads:count} non-root nodes (published: {t:count} "
                "threads); its four label counts match exactly.", see=published_anchor,
                u=_published("twitter15", "users"), t=_published("twitter15", "threads"))
    if "wbmsf" in corpora and not {"ced", "wechatscope"} <= set(corpora):
        box.add("The Wb-MSF sample's published counts reproduce exactly: {.wbmsf.cascades:count} cascades and "
                "{.wbmsf.repost:count} reposts (rows plus one per cascade, as its README counts).",
                see=published_anchor)
    if "citizenlab" in corpora:
        box.add("Citizen Lab's lists hold {quality.citizenlab.keywords:count} keywords found blocked in WeChat's "
                "tests ({quality.citizenlab.duplicate_keywords_in_a_list:count} repeated within a list, kept once) "
                "and {quality.citizenlab.blocked_domains:count} blocked websites; no published count is checked "
                "against them.", see=quirks_anchor)
    if "wechatscope" in corpora:
        box.add("WeChatscope's reasons reproduce the data README exactly: {.wechatscope.author_deleted:count} of "
                "{.wechatscope.articles:count} removals were deleted by the author and "
                "{.wechatscope.rule_violation:count} removed for violating regulations.", see=published_anchor)
    unaudited = [n for n in set(corpora) - set(AUDITED) if {"posts", "cascades"} <= set(corpora[n].quality.facts)]
    for name in sorted(unaudited):
        box.add(f"The {name} corpus holds {{quality.{name}.posts:count}} posts in {{quality.{name}.cascades:count}} "
                "cascades; no published figure applies to it.", see=quirks_anchor)
    return box
