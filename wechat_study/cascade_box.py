"""The findings-box sentences of report 02 (repost cascades).

With rumours and non-rumours to compare (``box_rumours``): the reach of their sources, then the crude and
adjusted differences in structural virality and depth, each worded from its robustness verdict. Without them
(``box_shape``, a researcher's own data without labels): the cascades' size and shape. A sentence is added only
when every finding it names was recorded.
"""

from __future__ import annotations

from .words import dataset_name

__all__ = ["box_rumours", "box_shape", "example_title", "distribution_title", "example_caption", "ccdf_caption"]


def box_rumours(box, population: str, virality_verdict, depth_verdict) -> None:
    """Reach, virality and depth of rumours against non-rumours, in ``population`` (``window.population``).

    Adds up to three sentences to ``box``: the median source followers of each group, then the crude and adjusted
    differences in median structural virality and in depth (rumour minus non-rumour), each followed by the words of
    its robustness verdict (``robustness.clause`` against a null of 0). A sentence is added only when every
    finding it names was recorded with a value (``adjust.box_add``).

    Parameters
    ----------
    box : narrative.FindingsBox
        The box to add to; its ``prefix`` (``cascades.<dataset>``) is put before the relative finding names
        ``.median_source_followers.rumour``, ``.median_source_followers.non_rumour``, ``.virality_difference``,
        ``.virality_difference_adjusted``, ``.depth_difference`` and ``.depth_difference_adjusted``.
    population : str
        The cascades compared, in words (``window.population``).
    virality_verdict : dict
        The robustness verdict of the adjusted virality difference (``robustness.record``): ``direction``,
        ``low``, ``high`` and ``weakest``.
    depth_verdict : dict
        The robustness verdict of the adjusted depth difference, in the same form.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> import wechat_study as ws
    >>> from wechat_study import cascade_box, narrative as nv
    >>> verdict = {"direction": "higher", "low": 0.12, "high": 0.30, "weakest": "common support"}
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(nv.ANCHORS), \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     _ = ws.record_finding("cascades.mine.median_source_followers.rumour", 41000)
    ...     _ = ws.record_finding("cascades.mine.median_source_followers.non_rumour", 1200000)
    ...     _ = nv.register_anchor("reach", "Figure")
    ...     box = nv.FindingsBox(prefix="cascades.mine")
    ...     cascade_box.box_rumours(box, "the cascades of my data", verdict, verdict)
    ...     print([nv.say(s["template"], s["prefix"], **s["values"]) for s in box.sentences])
    ['In the cascades of my data, rumour sources have far smaller audiences: a median of 41,000 followers,
      against 1,200,000 for non-rumours.']
    """
    from . import robustness
    from .adjust import box_add

    box_add(box, "In {p:text}, rumour sources have far smaller audiences: a median of "
            "{.median_source_followers.rumour:count} followers, against {.median_source_followers.non_rumour:count} "
            "for non-rumours.", see="reach", p=population)
    box_add(box, "Crude, rumour cascades are more chain-like: median structural virality {.virality_difference:number} "
            "higher. With size, the source's reach and year held fixed the gap shrinks to "
            "{.virality_difference_adjusted:number}, {c:text}.", see="virality-robustness",
            c=robustness.clause(virality_verdict, null=0.0))
    box_add(box, "Depth: rumour cascades are {.depth_difference:number} hops deeper crude, "
            "{.depth_difference_adjusted:number} adjusted for size, reach and year, {c:text}.", see="depth-robustness",
            c=robustness.clause(depth_verdict, null=0.0))


def box_shape(box, name: str) -> None:
    """How many cascades data set ``name`` holds, how large, and how deep (``cascades.<name>.*`` findings).

    Adds up to two sentences to ``box``: the counts of cascades and posts with the median and largest size
    (nodes, the root included), then the share of stars (depth 1), the greatest depth (hops) and the mean
    structural virality. A sentence is added only when every finding it names was recorded with a value.

    Parameters
    ----------
    box : narrative.FindingsBox
        The box to add to; its ``prefix`` is put before the relative finding names ``.cascades``, ``.posts``,
        ``.median_size``, ``.max_size``, ``.share_depth_1``, ``.max_depth`` and ``.mean_structural_virality``.
    name : str
        The data set's name, shown by ``words.dataset_name``.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> import wechat_study as ws
    >>> from wechat_study import cascade_box, narrative as nv
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(nv.ANCHORS), \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     _ = ws.record_finding("cascades.mine.cascades", 303)
    ...     _ = ws.record_finding("cascades.mine.posts", 30270)
    ...     _ = ws.record_finding("cascades.mine.median_size", 41.0, tolerance=1e-9)
    ...     _ = ws.record_finding("cascades.mine.max_size", 900)
    ...     _ = nv.register_anchor("at-a-glance", "Table")
    ...     box = nv.FindingsBox(prefix="cascades.mine")
    ...     cascade_box.box_shape(box, "mine")
    ...     print([nv.say(s["template"], s["prefix"], **s["values"]) for s in box.sentences])
    ['Mine holds 303 cascades of 30,270 posts; half have at most 41 nodes and the largest has 900.']
    """
    from .adjust import box_add

    box_add(box, "{p:text} holds {.cascades:count} cascades of {.posts:count} posts; half have at most "
            "{.median_size:number} nodes and the largest has {.max_size:count}.", see="at-a-glance",
            p=dataset_name(name)[:1].upper() + dataset_name(name)[1:])
    box_add(box, "{.share_depth_1:share} of the cascades are stars (every repost hangs off the source); the deepest "
            "runs {.max_depth:count} hops, and the mean structural virality is {.mean_structural_virality:number}.",
            see="ccdf-depth")


def example_title(posts, cascade_id: str) -> str:
    """The title of the drawn cascade, stating how its reposts hang together.

    Parameters
    ----------
    posts : pandas.DataFrame
        The canonical posts table (``cascade_id``, ``is_root``, ``parent_node``).
    cascade_id : str
        The cascade drawn.

    Returns
    -------
    str
        "In this cascade of 148 posts, 62.1% of the reposts come straight from the source", with the number of
        posts, the root included; "every repost" or "no repost" at the ends.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import cascade_box
    >>> posts = pd.DataFrame({"cascade_id": ["c"] * 5, "is_root": [True, False, False, False, False],
    ...                       "parent_node": [-1, 0, 0, 1, 3]})
    >>> cascade_box.example_title(posts, "c")
    'In this cascade of 5 posts, 50.0% of the reposts come straight from the source'
    """
    from .narrative import share

    one = posts[posts["cascade_id"] == cascade_id]
    hops = one.loc[~one["is_root"].astype(bool), "parent_node"]
    direct = float((hops == 0).mean()) if len(hops) else float("nan")
    n = f"In this cascade of {len(one):,} posts"
    if direct == 1:
        return f"{n}, every repost comes straight from the source"
    if direct == 0:
        return f"{n}, no repost comes straight from the source"
    return f"{n}, {share(direct)} of the reposts come straight from the source"


#: How each measure is worded in a distribution chart's title: (the half, the top).
_MEASURE_WORDS = {
    "size": ("half the cascades have at most {m} posts", "the largest has {x}"),
    "depth": ("half the cascades run at most {m} hops deep", "the deepest runs {x}"),
    "structural_virality": ("half the cascades have a structural virality of at most {m}", "the highest is {x}"),
}


def distribution_title(values, measure: str, name: str | None = None) -> str:
    """The title of a distribution chart, stating its median and its top.

    Parameters
    ----------
    values : pandas.Series
        The measure per cascade of the data set the title is about.
    measure : str
        ``size``, ``depth`` or ``structural_virality``.
    name : str, optional
        The data set's code, named (``words.dataset_name``) when the chart shows several.

    Returns
    -------
    str
        "Half the cascades have at most 19 nodes; the largest has 114", with "In CED (Weibo), " before it
        when ``name`` is given; a plain title when there is no value.

    Raises
    ------
    ValueError
        ``measure`` is not one of the three.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import cascade_box
    >>> cascade_box.distribution_title(pd.Series([3, 19, 19, 40, 114]), "size")
    'Half the cascades have at most 19 posts; the largest has 114'
    >>> cascade_box.distribution_title(pd.Series([2.0, 2.46, 3.1]), "structural_virality", "ced")
    'In CED (Weibo), half the cascades have a structural virality of at most 2.46; the highest is 3.1'
    >>> cascade_box.distribution_title(pd.Series([1, 1, 2]), "depth")
    'Half the cascades run at most 1 hop deep; the deepest runs 2'
    """
    from .narrative import number

    v = values.dropna()
    if measure not in _MEASURE_WORDS:
        raise ValueError(f"distribution_title: measure must be one of {', '.join(_MEASURE_WORDS)}, not {measure!r}")
    if v.empty:
        return f"{measure.replace('_', ' ').capitalize()}: no cascade to describe"
    half, top = _MEASURE_WORDS[measure]

    def shown(x):
        return f"{int(x):,}" if float(x).is_integer() else number(float(x))

    m = shown(v.median())
    half = half.replace("posts", "post").replace("hops", "hop") if m == "1" else half
    text = f"{half.format(m=m)}; {top.format(x=shown(v.max()))}"
    return f"In {dataset_name(name)}, {text}" if name else text[0].upper() + text[1:]


def example_caption(metrics, target: int) -> tuple[int, str]:
    """The size to draw a typical cascade at, and the caption saying how it was chosen.

    ``compare.example_cascade`` takes the 25 cascades nearest the size; when no cascade is that large the
    largest cascades stand in, and with fewer than 25 the caption says how many there are.

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``cascade_metrics`` output of the data set (``size``, ``structural_virality``).
    target : int
        The size asked for, in nodes.

    Returns
    -------
    size : int
        The size to pass to ``compare.example_cascade``: ``target``, or the largest cascade's size.
    caption : str
        The caption's first sentence.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import cascade_box
    >>> m = pd.DataFrame({"size": [3, 19, 40, 114], "structural_virality": [1.3, 2.0, 2.5, 3.0]})
    >>> cascade_box.example_caption(m, 150)
    (114, 'Of the 4 largest cascades (none reaches 150 posts), the one with the median structural virality.')
    """
    drawable = metrics.dropna(subset=["structural_virality"])
    n, top = min(25, len(drawable)), int(drawable["size"].max())
    chosen = "the one with the median structural virality."
    if top < target:
        return top, f"Of the {n:,} largest cascades (none reaches {target:,} posts), {chosen}"
    return target, f"Of the {n:,} cascades nearest {target:,} posts in size, {chosen}"



def ccdf_caption(metrics: dict, measure: str, title: str, cap: str = "") -> str:
    """The caption of a CCDF chart of ``measure``, naming the data sets whose cascades all share one value
    (their curve is a single point, easy to miss).

    Parameters
    ----------
    metrics : dict of str to pandas.DataFrame
        ``cascade_metrics`` tables by data set code, as drawn.
    measure : str
        The column drawn.
    title : str
        The measure in words, as on the axis ("depth (hops)").
    cap : str
        A sentence about the collection's cap to end with (``window.cap_line``), or "".

    Returns
    -------
    str
        "Share of cascades with at least this depth (hops), per data set. Every Wb-MSF (Weibo) cascade has the
        same value (1): its curve is one point."

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import cascade_box
    >>> m = {"ced": pd.DataFrame({"depth": [1, 3, 5]}), "wbmsf": pd.DataFrame({"depth": [1, 1]})}
    >>> cascade_box.ccdf_caption(m, "depth", "depth (hops)")
    'Share of cascades with at least this depth (hops), per data set. Every Wb-MSF (Weibo) cascade has the same
     value (1): its curve is one point.'
    """
    text = f"Share of cascades with at least this {title}" + (", per data set." if len(metrics) > 1 else ".")
    for name, m in metrics.items():
        values = m[measure].dropna()
        if len(metrics) > 1 and len(values) and values.nunique() == 1:
            one = values.iloc[0]
            shown = f"{int(one):,}" if float(one).is_integer() else f"{float(one):g}"
            text += f" Every {dataset_name(name)} cascade has the same value ({shown}): its curve is one point."
    return text + cap
