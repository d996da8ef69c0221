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

__all__ = [
    "MIN_PER_GROUP", "MIN_CASCADES", "WINDOWED", "MISSING_KEY", "Supports", "of", "table", "Skipped", "section",
    "summary"
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
    """Why each analysis cannot run on a data set (None: it can)."""

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

    def missing(self) -> list[str]:
        """The analyses that cannot run."""
        return [k for k, v in asdict(self).items() if k not in ("name", "cascades") and v is not None]


def of(corpus, interpretation_date: str | None = None, threshold: int | None = None, reposts=None) -> Supports:
    """What ``corpus`` supports.

    Parameters
    ----------
    corpus : Corpus
        A data set with ``cascades``.
    interpretation_date : str, optional
        A day (Beijing time) for the before-and-after analysis.

    Returns
    -------
    Supports
        For each analysis, None when the data support it, else the sentence saying why not: cascades
        enough for intervals, rumour and non-rumour labels, source follower counts, the platform's repost
        counts, labelled cascades on both sides of ``interpretation_date``, a known top to the repost
        counts, and a catalogued collection (for the literature).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import supports
    >>> able = supports.of(ws.load("examples/weibo-cascades.csv"))
    >>> able.followers is None, able.labels
    (True, 'example weibo gives no label per cascade, so there is no rumour against non-rumour comparison')
    """
    from .charts.theme import word
    from .datasets.catalog import CATALOG

    c, name = corpus.cascades, word(corpus.name)
    n = len(c)
    few = (f"{name} holds {n:,} cascades, fewer than the {MIN_CASCADES} an interval needs to mean something"
           if n < MIN_CASCADES else None)
    counts = c["label"].value_counts()
    rumours, others = int(counts.get("rumour", 0)), int(counts.get("non-rumour", 0))
    if c["label"].isna().all():
        labels = f"{name} gives no label per cascade, so there is no rumour against non-rumour comparison"
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
        if min(before, after) < MIN_PER_GROUP:
            span = f"{c['created_at'].min():%Y-%m} to {c['created_at'].max():%Y-%m}" if n else "no date"
            period = (f"{name}'s source posts run from {span}, with {before:,} cascades before {interpretation_date} "
                      f"and {after:,} from it on; a before-and-after comparison needs at least {MIN_PER_GROUP} on "
                      "each side")
    catalogued = (None if corpus.name in CATALOG or corpus.name == "synthetic" else
                  f"the published figures describe the catalogued collections, not {name}")
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
    return Supports(name, n, few, labels, followers, reported, period, window, catalogued, crossers, enough)


def table(s: Supports, rows=None) -> pd.DataFrame:
    """One row per analysis (those named in ``rows``, default all): whether it runs, and if not, why."""
    words = {"intervals": "intervals and comparisons", "labels": "rumour against non-rumour",
             "followers": "the views line and reach adjustment", "reported": "the platform's own repost count",
             "period": "before and after the interpretation date", "window": "the bound for left-out large cascades",
             "catalogued": "comparison with the literature", "crossers": "times to the threshold",
             "enough_crossers": "early warnings of crossing"}
    keys = [k for k in words if rows is None or k in rows]
    return pd.DataFrame([{"analysis": words[k], "runs": "yes" if getattr(s, k) is None else "no",
                          "reason": (lambda r: r[:1].upper() + r[1:] + ".")(getattr(s, k)) if getattr(s, k) else ""}
                         for k in keys])


class Skipped:
    """A "Skipped" note in a report; its output metadata names what was missing."""

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
    section ``title`` is skipped and returns False."""
    from IPython.display import display

    for need in needs:
        reason = getattr(s, need)
        if reason is not None:
            display(Skipped(title, reason, need))
            return False
    return True


def summary(s: Supports, *rows: str):
    """When something is missing: a table of what runs and what does not (the analyses ``rows``, default all),
    carrying the marker the report reads (every missing analysis). None when the data support everything."""
    from . import tables
    from .charts.theme import word

    if not s.missing():
        return None
    shown = tables.publication(table(s, rows or None), f"What {word(s.name)} supports", anchor="supports",
                               note="What the data cannot support is skipped where it would be, with the reason.")
    return _Marked(shown, s.missing())


class _Marked:
    def __init__(self, inner, missing: list[str]):
        self.inner, self.missing = inner, missing

    def _repr_mimebundle_(self, include=None, exclude=None):
        inner = self.inner._repr_html_()
        return {"text/html": inner, "text/plain": f"missing: {', '.join(self.missing) or 'nothing'}"}, {
            MISSING_KEY: self.missing}
