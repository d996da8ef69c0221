"""The findings-box sentences of report 03 (the legal thresholds), but for the 2013 section's
(``event_study.add_to_box``).

The share reaching the repost line always; with rumours and non-rumours to compare, the crude and adjusted odds
ratio of crossing and time ratio among the crossers, each worded from its robustness verdict; without them, the
median time among the crossers. Then the share reaching the views line from the source's audience alone (for a
catalogued collection, read as the views line measuring that audience) and, for a researcher's own data, the
band over every assumption. A sentence is added only when every finding it names was recorded.
"""

from __future__ import annotations

__all__ = ["add_to_box"]


def add_to_box(box, threshold: int, views: int, dataset: str, population: str, catalogued: bool,
               verdicts: tuple | None = None) -> None:
    """Add the sentences to ``box`` (prefix ``thresholds.<dataset>``); ``verdicts`` are the robustness verdicts of
    the adjusted odds ratio and time ratio when the rumour comparison ran, else None."""
    from . import robustness
    from .adjust import box_add

    n = str(threshold)
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
    box_add(box, "At ρ = 1%, {" + views_of + ".share_from_source_alone.rho_0_01:share} of the cascades with a known "
            "source follower count reach {v:count} expected views from the source's followers alone"
            + (": at low ρ the views line measures the source's audience." if catalogued else "."),
            see="views-decomposed", v=views)
    if not catalogued:
        band = f"{views_of}.share_reaching_{views}_views"
        box_add(box, "Over every assumption swept, between {" + band + ".low:share} and {" + band + ".high:share} of "
                "the cascades reach {v:count} expected views.", see="views-band", v=views)
