"""The findings-box sentences of report 02 (repost cascades).

With rumours and non-rumours to compare (``box_rumours``): the reach of their sources, then the crude and
adjusted differences in structural virality and depth, each worded from its robustness verdict. Without them
(``box_shape``, a researcher's own data without labels): the cascades' size and shape. A sentence is added only
when every finding it names was recorded.
"""

from __future__ import annotations

__all__ = ["box_rumours", "box_shape"]


def box_rumours(box, population: str, virality_verdict, depth_verdict) -> None:
    """Reach, virality and depth of rumours against non-rumours, in ``population`` (``window.population``)."""
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
    """How many cascades data set ``name`` holds, how large, and how deep (``cascades.<name>.*`` findings)."""
    from .adjust import box_add
    from .charts.theme import word

    box_add(box, "{p:text} holds {.cascades:count} cascades of {.posts:count} posts; half have at most "
            "{.median_size:number} nodes and the largest has {.max_size:count}.", see="at-a-glance", p=word(name))
    box_add(box, "{.share_depth_1:share} of the cascades are stars (every repost hangs off the source); the deepest "
            "runs {.max_depth:count} hops, and the mean structural virality is {.mean_structural_virality:number}.",
            see="ccdf-depth")
