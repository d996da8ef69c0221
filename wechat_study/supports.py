"""What a data set can support, so that a notebook runs on any data set and says what it skips.

``of(corpus)`` gives a ``Supports``: for each analysis a notebook may run, None when the data
support it, else the sentence saying why not. ``section(reason, title)`` is the guard a notebook
puts on a section: it returns True when ``reason`` is None, and otherwise shows "Skipped: ...",
tagged so that the report drops the section's prose too (markdown cells tagged ``needs-<what>``;
docs/methods.md#18-your-own-data).
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass

import pandas as pd

from .words import dataset_name

__all__ = [
    "MIN_PER_GROUP", "MIN_CASCADES", "WINDOWED", "MISSING_KEY", "Supports", "of", "for_notebooks", "table",
    "Skipped", "section", "summary"
]

#: Fewer cascades than this in a group, and a comparison or an interval would mislead.
MIN_PER_GROUP = 20
#: Fewer cascades than this in all, and the notebooks report counts only.
MIN_CASCADES = 30
#: Collections known to stop below a repost count (docs/methods.md §1), for the left-out-tail bound.
WINDOWED = ("ced", "synthetic")
#: Output metadata key under which a notebook says what its data lack (read by ``pages``).
MISSING_KEY = "wechat_study_missing"


@dataclass(frozen=True)
class Supports:
    """Why each analysis cannot run on a data set (None: it can).

    ``name`` is the data set's display name and ``cascades`` its number of cascades; ``authors`` is the number
    of distinct source authors and ``top_author`` the cascades of the most prolific one (an unknown author counts
    as one of their own). Every other field is None when the analysis can run, else the sentence saying why not
    (``of`` fills them in).

    Examples
    --------
    >>> from wechat_study.supports import Supports
    >>> able = Supports("mine", 100, labels="mine gives no label per cascade")
    >>> able.labels, able.followers
    ('mine gives no label per cascade', None)
    """

    name: str
    cascades: int
    intervals: str | None = None
    labels: str | None = None
    followers: str | None = None
    reported: str | None = None
    period: str | None = None
    window: str | None = None
    catalogued: str | None = None
    crossers: str | None = None
    enough_crossers: str | None = None
    structure: str | None = None
    spread: str | None = None
    authors: int | None = None
    top_author: int | None = None

    def missing(self) -> list[str]:
        """The analyses that cannot run.

        Returns
        -------
        list of str
            The names of the fields that hold a reason (not ``name``, ``cascades``, ``authors`` or
            ``top_author``), in field order.

        Examples
        --------
        >>> from wechat_study.supports import Supports
        >>> Supports("mine", 100, labels="no labels", window="no top").missing()
        ['labels', 'window']
        """
        return [k for k, v in asdict(self).items()
                if k not in ("name", "cascades", "authors", "top_author") and v is not None]


def of(corpus, interpretation_date: str | None = None, threshold: int | None = None, reposts=None) -> Supports:
    """What ``corpus`` supports.

    Parameters
    ----------
    corpus : Corpus
        A data set with ``cascades``.
    interpretation_date : str, optional
        A day (Beijing time) for the before-and-after analysis.
    threshold : int, optional
        A repost count, for the analyses of cascades that reach it (``crossers``, ``enough_crossers``).
    reposts : sequence of int, optional
        Observed reposts per cascade, compared with ``threshold``; both must be given for those two checks.

    Returns
    -------
    Supports
        For each analysis, None when the data support it, else the sentence saying why not: cascades
        enough for intervals, rumour and non-rumour labels, source follower counts, the platform's repost
        counts, labelled cascades on both sides of ``interpretation_date``, a known top to the repost
        counts, a catalogued collection (for the literature), and at least one (``crossers``) and at least
        ``MIN_PER_GROUP`` (``enough_crossers``) cascades with ``reposts`` at or above ``threshold``, and a
        record of who reposted from whom (``structure``: an export that hangs every repost off the source
        makes every cascade a star, so depth and structural virality describe the export, not the spread), and at
        least one repost (``spread``).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import supports
    >>> able = supports.of(ws.load("examples/weibo-cascades.csv"))
    >>> able.followers is None, able.labels
    (True, 'example weibo gives no label per cascade, so there is no rumour against non-rumour comparison')
    >>> supports.of(ws.load("examples/weibo-crawler.csv")).structure
    'example weibo crawler records every repost as a repost of the source post, ...'
    """
    from .datasets.catalog import CATALOG

    c, name = corpus.cascades, dataset_name(corpus.name)
    n = len(c)
    few = (f"{name} holds {n:,} cascade{'s' * (n != 1)}, fewer than the {MIN_CASCADES} an interval needs to mean "
           "something" if n < MIN_CASCADES else None)
    counts = c["label"].value_counts()
    rumours, others = int(counts.get("rumour", 0)), int(counts.get("non-rumour", 0))
    if c["label"].isna().all():
        labels = f"{name} gives no label per cascade, so there is no rumour against non-rumour comparison"
    elif min(rumours, others) < MIN_PER_GROUP and rumours == 0 and len(counts) > 1:
        kinds = ", ".join(f"{label} ({k:,})" for label, k in counts.items())
        labels = (f"{name} labels its cascades {kinds}, with no label \"rumour\"; the rumour against non-rumour "
                  f"comparison reads those two labels only")
    elif min(rumours, others) < MIN_PER_GROUP:
        labels = (f"{name} has {rumours:,} rumour and {others:,} non-rumour cascades; a comparison needs at least "
                  f"{MIN_PER_GROUP} of each")
    else:
        labels = None
    known = int(c["author_followers"].notna().sum())
    followers = (f"{name} records the source author's follower count for {known:,} of {n:,} cascades; the views model "
                 f"and the models that use reach need at least {MIN_PER_GROUP}" if known < MIN_PER_GROUP else None)
    reported = None if c["reported_reposts"].notna().any() else f"{name} gives no platform repost count"
    period = labels
    if interpretation_date is not None:
        cut = pd.Timestamp(interpretation_date, tz="Asia/Shanghai")
        before, after = int((c["created_at"] < cut).sum()), int((c["created_at"] >= cut).sum())
        if min(before, after) < MIN_PER_GROUP and n and min(before, after) == 0:
            side = "after" if before == 0 else "before"
            period = (f"every source post of {name} is from {side} {interpretation_date} "
                      f"({c['created_at'].min():%Y-%m} to {c['created_at'].max():%Y-%m}), so there is no before and "
                      "after to compare")
        elif min(before, after) < MIN_PER_GROUP:
            span = f"{c['created_at'].min():%Y-%m} to {c['created_at'].max():%Y-%m}" if n else "no date"
            period = (f"{name}'s source posts run from {span}, with {before:,} cascades before {interpretation_date} "
                      f"and {after:,} from it on; a before-and-after comparison needs at least {MIN_PER_GROUP} on "
                      "each side")
    catalogued = (None if corpus.name in CATALOG or corpus.name == "synthetic" else
                  f"the published figures it would set these findings beside describe other collections (CED, "
                  f"Twitter15 and the like), not {name}")
    window = (None if corpus.name in WINDOWED else f"{name} has no known top to its repost counts, so there is no "
              "bound for the large cascades a collection may have left out")
    crossers = None
    if threshold is not None and reposts is not None and not (pd.Series(reposts) >= threshold).any():
        crossers = (f"no cascade of {name} reaches {threshold:,} observed reposts (the largest has "
                    f"{int(pd.Series(reposts).max()) if len(reposts) else 0:,})")
    enough = None
    if threshold is not None and reposts is not None:
        k = int((pd.Series(reposts) >= threshold).sum())
        if k < MIN_PER_GROUP:
            enough = (f"{k:,} cascades of {name} reach {threshold:,} observed reposts; scoring warnings of them needs "
                      f"at least {MIN_PER_GROUP}, or every interval rests on a handful")
    p = corpus.posts
    hops = p.loc[~p["is_root"].astype(bool), "parent_node"]
    structure = None
    spread = None if len(hops) else f"no cascade of {name} has a repost, so there is no spread to describe"
    if len(hops) and bool((hops == 0).all()):
        structure = (f"{name} records every repost as a repost of the source post, so all {n:,} cascades are stars: "
                     "depth and structural virality would describe the export, not how posts spread")
    per_author = c["author_id"].value_counts()
    singles = int(c["author_id"].isna().sum())
    authors, top = len(per_author) + singles, int(per_author.max()) if len(per_author) else min(singles, 1)
    return Supports(name, n, few, labels, followers, reported, period, window, catalogued, crossers, enough, structure,
                    spread, authors, top)


def for_notebooks(corpus, threshold: int | None = None) -> Supports:
    """What ``corpus`` supports in the notebooks at ``threshold`` reposts (default: their default line, 500):
    ``of`` with each cascade's observed reposts, and early warnings also needing source follower counts, as
    notebook 05 does.

    Parameters
    ----------
    corpus : Corpus
        A data set with ``posts`` and ``cascades``.
    threshold : int, optional
        The repost line (default ``thresholds.REPOSTS``).

    Returns
    -------
    Supports
        As ``of``; ``enough_crossers`` gives the follower reason first when follower counts are missing.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import supports
    >>> able = supports.for_notebooks(ws.load("examples/weibo-cascades.csv"))
    >>> able.crossers is None, able.enough_crossers
    (True, '13 cascades of example weibo reach 500 observed reposts; scoring warnings of them needs at least 20, or
    every interval rests on a handful')
    """
    from dataclasses import replace

    from .metrics import cascade_metrics
    from .thresholds import REPOSTS

    threshold = REPOSTS if threshold is None else threshold
    able = of(corpus, threshold=threshold, reposts=cascade_metrics(corpus.posts)["reposts"].to_numpy())
    if able.followers is not None:
        able = replace(able, enough_crossers=able.followers)
    return able


def table(s: Supports, rows=None) -> pd.DataFrame:
    """One row per analysis (those named in ``rows``, default all): whether it runs, and if not, why.

    Parameters
    ----------
    s : Supports
        What a data set supports.
    rows : collection of str, optional
        ``Supports`` fields to show (default: every analysis); the order is always the table's own.

    Returns
    -------
    pandas.DataFrame
        Columns ``analysis`` (in words), ``runs`` (``"yes"`` or ``"no"``) and ``why not`` (the sentence,
        capitalised and ending in a full stop; empty when it runs).

    Examples
    --------
    >>> from wechat_study.supports import Supports, table
    >>> t = table(Supports("mine", 100, labels="mine gives no label per cascade"), ["labels", "followers"])
    >>> t["runs"].tolist()
    ['no', 'yes']
    >>> t.loc[0, "why not"]
    'Mine gives no label per cascade.'
    """
    words = {"intervals": "intervals and comparisons", "labels": "rumour against non-rumour",
             "followers": "the views line and reach adjustment", "reported": "the platform's own repost count",
             "period": "before and after the interpretation date", "window": "the bound for left-out large cascades",
             "catalogued": "comparison with the literature", "crossers": "times to the threshold",
             "enough_crossers": "early warnings of crossing", "structure": "depth and structural virality"}
    keys = [k for k in words if rows is None or k in rows]
    return pd.DataFrame([{"analysis": words[k], "runs": "yes" if getattr(s, k) is None else "no",
                          "why not": (lambda r: r[:1].upper() + r[1:] + ".")(getattr(s, k)) if getattr(s, k) else ""}
                         for k in keys])


class Skipped:
    """A "Skipped" note in a report; its output metadata names what was missing.

    Parameters
    ----------
    title : str
        The section skipped.
    reason : str
        Why, as a ``Supports`` field gives it (it is capitalised and given a full stop when shown).
    need : str
        The ``Supports`` field that is missing, written to the output metadata under ``MISSING_KEY``.

    Examples
    --------
    >>> from wechat_study.supports import Skipped
    >>> data, metadata = Skipped("Rumours", "there are no labels", "labels")._repr_mimebundle_()
    >>> data["text/plain"]
    'Rumours: skipped. There are no labels.'
    >>> metadata
    {'wechat_study_missing': ['labels']}
    """

    def __init__(self, title: str, reason: str, need: str):
        self.title, self.reason, self.need = title, reason, need

    def _repr_html_(self):
        return (f'<p class="ws-skipped"><strong>{html.escape(self.title)}: skipped.</strong> '
                f"{html.escape(self.reason[:1].upper() + self.reason[1:])}.</p>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self._repr_html_(), "text/plain": f"{self.title}: skipped. {self.reason[:1].upper()}"
                f"{self.reason[1:]}."}, {
            MISSING_KEY: [self.need]}


def section(s: Supports, *needs: str, title: str) -> bool:
    """True when every one of ``needs`` (``Supports`` fields) is supported; otherwise displays why the
    section ``title`` is skipped and returns False.

    Parameters
    ----------
    s : Supports
        What the data set supports.
    *needs : str
        ``Supports`` fields the section needs; the first that holds a reason is the one shown.
    title : str
        The section's title, for the "Skipped" note.

    Returns
    -------
    bool
        True when the section can run.

    Examples
    --------
    >>> from wechat_study.supports import Supports, section
    >>> able = Supports("mine", 100, labels="mine gives no label per cascade")
    >>> section(able, "followers", title="Reach")
    True
    >>> section(able, "followers", "labels", title="Rumours")   # outside a notebook the note shows as its repr
    <wechat_study.supports.Skipped object at ...>
    False
    """
    from IPython.display import display

    for need in needs:
        reason = getattr(s, need)
        if reason is not None:
            display(Skipped(title, reason, need))
            return False
    return True


def summary(s: Supports, *rows: str):
    """When something is missing: a table of what runs and what does not (the analyses ``rows``, default all),
    carrying the marker the report reads (every missing analysis). None when the data support everything.

    Parameters
    ----------
    s : Supports
        What the data set supports.
    *rows : str
        ``Supports`` fields to show in the table (default: all); the marker lists every missing analysis
        whether shown or not.

    Returns
    -------
    object or None
        A displayable table (``tables.publication``) whose output metadata lists ``s.missing()`` under
        ``MISSING_KEY``, its note giving the source authors when ``s.authors`` is known; None when nothing
        is missing.

    Examples
    --------
    >>> from wechat_study.supports import Supports, summary
    >>> summary(Supports("mine", 100)) is None
    True
    >>> shown = summary(Supports("mine", 100, labels="no labels", window="no top"), "labels")
    >>> shown._repr_mimebundle_()[1]
    {'wechat_study_missing': ['labels', 'window']}
    """
    from . import tables

    if not s.missing():
        return None
    note = "What the data cannot support is skipped where it would be, with the reason."
    if s.authors and s.cascades:
        note = (f"The {s.cascades:,} cascades come from {s.authors:,} source authors; the most prolific has "
                f"{s.top_author:,} ({100 * s.top_author / s.cascades:.1f}%). Where a caption says so, intervals "
                f"resample whole authors; elsewhere they are Wilson's, which take cascades as independent. {note}")
    shown = tables.publication(table(s, rows or None), f"What {dataset_name(s.name)} supports", anchor="supports",
                               note=note)
    return _Marked(shown, s.missing())


class _Marked:
    def __init__(self, inner, missing: list[str]):
        self.inner, self.missing = inner, missing

    def _repr_mimebundle_(self, include=None, exclude=None):
        inner = self.inner._repr_html_()
        return {"text/html": inner, "text/plain": f"missing: {', '.join(self.missing) or 'nothing'}"}, {
            MISSING_KEY: self.missing}
