"""The words of report 03 (the legal thresholds): its findings-box sentences, except the 2013 section's
(``event_study.add_to_box``), and the titles its data decide.

The share reaching the repost line always; with rumours and non-rumours to compare, the crude and adjusted odds
ratio of crossing and time ratio among the crossers, each worded from its robustness verdict; without them, the
median time among the crossers. Then the share reaching the views line from the source's audience alone (for a
catalogued collection, read as the views line measuring that audience) and, for a researcher's own data, the
band over every assumption. A sentence is added only when every finding it names was recorded.
"""

from __future__ import annotations

__all__ = ["crossing_table", "add_to_box", "sweep_title"]


def add_to_box(box, threshold: int, views: int, dataset: str, population: str, catalogued: bool,
               verdicts: tuple | None = None) -> None:
    """Add the sentences to ``box`` (prefix ``thresholds.<dataset>``); ``verdicts`` are the robustness verdicts of
    the adjusted odds ratio and time ratio when the rumour comparison ran, else None.

    Each sentence goes through ``adjust.box_add``: it is added only when every finding it names was recorded
    with a value, and the chart or table it links to (``see``) must have been built by then.

    Parameters
    ----------
    box : narrative.FindingsBox
        The report's box, with prefix ``thresholds.<dataset>``; changed in place.
    threshold : int
        The repost line N (500): the findings read are ``.share_reaching_<N>_reposts`` and
        ``.median_hours_to_<N>_reposts``.
    views : int
        The views line V (5,000), for the views sentences.
    dataset : str
        The data set's name; the views findings are read under ``views.<dataset>``.
    population : str
        The cascades every share is a share of, in words (``window.population``).
    catalogued : bool
        True for a catalogued collection: the views sentence then says that at low ρ the views line measures the
        source's audience; False for a researcher's own data, which also gets the sentence on the band over every
        assumption swept.
    verdicts : tuple, optional
        ``(odds_verdict, time_verdict)``, the robustness verdicts (``robustness.clause``) of the adjusted odds ratio
        and time ratio, when rumours were compared; None words the median time among the crossers instead.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> import wechat_study as ws
    >>> from wechat_study import narrative as nv, thresholds_box
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(nv.ANCHORS, clear=True), \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     _ = ws.record_finding("thresholds.mine.share_reaching_500_reposts", 0.043, tolerance=1e-9)
    ...     _ = nv.register_anchor("crossing-shares", "Figure")
    ...     box = nv.FindingsBox(prefix="thresholds.mine")
    ...     thresholds_box.add_to_box(box, 500, 5000, "mine", "the cascades of my data", catalogued=False)
    ...     print([nv.say(s["template"], s["prefix"], **s["values"]) for s in box.sentences])
    ['Of the cascades of my data, 4.3% reach 500 reposts.']
    """
    from . import robustness
    from .adjust import box_add
    from .narrative import recorded

    n = str(threshold)
    share = recorded().get(f"{box.prefix}.share_reaching_{n}_reposts", {}).get("value")
    if share == 0:  # a 0 is an upper bound, not a share to read
        box_add(box, "None of {p:text} reach {n:count} reposts; with this many cascades the share among posts like "
                "them could still be as high as {.share_reaching_" + n + "_reposts.ci_high:share} (the upper 95% "
                "bound).", see="crossing-shares", n=threshold, p=population)
    else:
        box_add(box, "Of {p:text}, {.share_reaching_" + n + "_reposts:share} reach {n:count} reposts.",
                see="crossing-shares", n=threshold, p=population)
    if verdicts is not None:
        odds, time = verdicts
        box_add(box, "The odds ratio of crossing, rumour against non-rumour, is {.rumour_odds_ratio:ratio} crude and "
                "{.rumour_odds_ratio_adjusted:ratio} with the source's followers, verified status and year held fixed: "
                "{c:text}.", see="odds-robustness", c=robustness.clause(odds))
        box_add(box, "Among the cascades that cross, the median time is {.median_hours_to_" + n + "_reposts:hours}; "
                "rumour crossers take {.crossers_time_ratio:ratio} times as long crude and "
                "{.crossers_time_ratio_adjusted:ratio} with reach held fixed, {c:text}.", see="timing-robustness",
                c=robustness.clause(time))
    else:
        box_add(box, "Among the cascades that cross, the median time to the threshold is {.median_hours_to_" + n
                + "_reposts:hours}.", see="how-fast")
    views_of = f"views.{dataset}"
    alone = f"{views_of}.share_from_source_alone.rho_0_01"
    if recorded().get(alone, {}).get("value") == 0:  # no source has V / rho followers: zero by construction
        box_add(box, "At ρ = 1%, no cascade reaches {v:count} expected views from its source's followers alone: no "
                "source has the {f:count} followers that would take.", see="views-decomposed", v=views, f=views * 100)
    else:
        box_add(box, "At ρ = 1%, {" + alone + ":share} of the cascades with a known source follower count reach "
                "{v:count} expected views from the source's followers alone"
                + (": at low ρ the views line measures the source's audience." if catalogued else "."),
                see="views-decomposed", v=views)
    if not catalogued:
        band = f"{views_of}.share_reaching_{views}_views"
        box_add(box, "Over every assumption swept, between {" + band + ".low:share} and {" + band + ".high:share} of "
                "the cascades reach {v:count} expected views (Wilson intervals).", see="views-band", v=views)


def sweep_title(moving, line: int | None = None) -> str:
    """The title of the threshold-sweep chart: the shares at the legal ``line`` by label when the chart draws
    both labels there, else what the data do between the lowest and highest threshold.

    Parameters
    ----------
    moving : pandas.DataFrame
        ``thresholds.sweep`` output: one row per threshold and group, the group ``all`` among them.
    line : int, optional
        The legal line (e.g. 500), one of the thresholds swept.

    Returns
    -------
    str
        "At 500 reposts, 36.0% of non-rumours and 20.6% of rumours cross"; without labels or the line, "The
        share crossing falls from 28.0% at 50 reposts to 1.3% at 1,000", or "stays at …" when the share at
        the two ends is the same ("none" stands for a share of 0).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import thresholds as th, thresholds_box
    >>> reposts = pd.Series([3, 60, 120, 400, 900, 1200, 40, 10])
    >>> thresholds_box.sweep_title(th.sweep(reposts, [50, 500, 2000]))
    'The share crossing falls from 62.5% at 50 reposts to none at 2,000'
    >>> thresholds_box.sweep_title(th.sweep(reposts, [2000, 5000]))
    'The share crossing stays at none from 2,000 to 5,000 reposts'
    >>> labels = pd.Series(["rumour", "non-rumour"] * 4)
    >>> thresholds_box.sweep_title(th.sweep(reposts, [50, 500, 2000], labels), 500)
    'At 500 reposts, 25.0% of non-rumours and 25.0% of rumours cross'
    """
    from .narrative import share

    def words(x):
        return "none" if x == 0 else share(x)

    at = moving[moving["threshold"] == line].set_index("group")["share"].to_dict() if line is not None else {}
    if {"rumour", "non-rumour"} <= set(at):
        return (f"At {int(line):,} reposts, {words(at['non-rumour'])} of non-rumours and {words(at['rumour'])} of "
                "rumours cross")
    rows = moving[moving["group"] == "all"].sort_values("threshold")
    (lo, a), (hi, b) = rows[["threshold", "share"]].iloc[0], rows[["threshold", "share"]].iloc[-1]
    if a == b:
        return f"The share crossing stays at {words(a)} from {int(lo):,} to {int(hi):,} reposts"
    verb = "falls" if b < a else "rises"
    return f"The share crossing {verb} from {words(a)} at {int(lo):,} reposts to {words(b)} at {int(hi):,}"


def crossing_table(shares, title: str, anchor: str, source: str, counted: str = "Reposts are observed records "
                   "(size − 1).") -> object:
    """The table of shares crossing a line (``thresholds.crossing_by_dataset`` or ``share_crossing``), for readers.

    The data set column is shown only for more than one data set, the group column only when a data set
    has groups; the title gains ", by data set" and ", by label" to match. The note names each interval
    method the rows use (``interval``): a cluster bootstrap over source authors, widened to Wilson's where
    narrower, or Wilson's alone.

    Parameters
    ----------
    shares : pandas.DataFrame
        ``dataset`` (optional), ``group, cascades, crossing, share, ci_low, ci_high``, and optionally
        ``naive_ci_low, naive_ci_high, interval``.
    title : str
        The title without the "by ..." ending.
    anchor, source : str
        As ``tables.publication`` takes them.
    counted : str
        The note's first sentence: what a repost is here.

    Returns
    -------
    tables.Table
        The table.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import thresholds as th, thresholds_box
    >>> shares = th.share_crossing(pd.Series([3, 600, 120, 900]), 500)
    >>> t = thresholds_box.crossing_table(shares, "Share reaching 500 reposts", "shares-example", "Data: mine")
    >>> list(t.data.columns)
    ['cascades', 'crossing', 'share']
    """
    from .tables import publication

    many = "dataset" in shares and shares["dataset"].nunique() > 1
    grouped = (shares["group"] != "all").any()
    methods = set(shares["interval"]) if "interval" in shares else {"Wilson"}
    clustered = any(m.startswith("cluster bootstrap") for m in methods)
    naive = clustered and "naive_ci_low" in shares
    columns = [*(["dataset"] if many else []), *(["group"] if grouped else []), "cascades", "crossing", "share",
               *(["naive"] if naive else [])]
    title += (", by data set" if many else "") + (" and label" if many and grouped else ", by label" if grouped else "")
    if clustered:
        how = "95% intervals resample source authors (a cluster bootstrap)"
        how += ", widened to Wilson's where that is wider" if any("widened" in m for m in methods) else ""
        how += "; naive: Wilson intervals that treat cascades as independent" if naive else ""
        how += "; data sets without authors have Wilson intervals" if "Wilson" in methods else ""
        how += "; a share of 0 or 1 has Wilson's" if any(m.startswith("Wilson (") for m in methods) else ""
    else:
        how = "95% Wilson intervals"
    frame = shares.assign(naive=shares["share"]) if naive else shares
    return publication(frame, title, anchor=anchor, source=source, columns=columns, labels={"naive": "naive interval"},
                       formats={"naive": "share"},
                       intervals={"share": ("ci_low", "ci_high")}
                       | ({"naive": ("naive_ci_low", "naive_ci_high")} if naive else {}),
                       note=f"{counted} {how}.")

