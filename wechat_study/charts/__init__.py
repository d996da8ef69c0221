"""Altair chart builders and the house theme (``theme`` is the one place that defines how charts look).

Importing this package registers and enables the ``wechat_study`` theme and the report renderer
(``figure``). Builders take tidy tables from the library and return Altair charts; ``figure`` turns a
chart into a report figure with a title that states its point, a caption and a source line.
"""

from .estimates import (
    distinctive_words_chart,
    estimates_chart,
    event_study_chart,
    intake_chart,
    interval_dots,
    monthly_share_chart,
    threshold_explorer,
    views_decomposed_chart,
)
from .figure import diagonal, figure, reference, report_renderer, source_line
from .lines import (
    auc_lines,
    bars,
    bin_words,
    ccdf_chart,
    clock_chart,
    cumulative_lines,
    heatmap,
    histogram,
    monthly_lines,
    share_lines,
    size_matched_chart,
    survival_chart,
    weekly_bars,
    with_gaps,
)
from .theme import PALETTE, PALETTES, WORDS, colour, concept_of, dataset_name, house_theme, palette, readable, word
from .trees import cascade_tree, tree_layout

__all__ = [
    "PALETTE", "PALETTES", "WORDS", "auc_lines", "bars", "bin_words", "cascade_tree", "ccdf_chart", "clock_chart",
    "colour",
    "concept_of", "cumulative_lines", "dataset_name", "diagonal", "distinctive_words_chart", "estimates_chart",
    "figure",
    "heatmap", "histogram", "house_theme", "intake_chart", "interval_dots", "monthly_lines", "palette", "readable",
    "reference", "report_renderer", "share_lines", "size_matched_chart", "source_line", "survival_chart",
    "threshold_explorer", "tree_layout", "views_decomposed_chart", "weekly_bars", "with_gaps", "word",
    "event_study_chart", "monthly_share_chart",
]
