"""The house theme: fonts, palettes per concept, the words for codes; registered and enabled on import."""

from __future__ import annotations

import altair as alt
import pandas as pd

from ..words import WORDS, dataset_name, word

__all__ = [
    "THEME", "FONT", "PALETTE", "PALETTES", "WORDS", "word", "dataset_name", "readable", "palette", "colour",
    "house_theme",
    "CONCEPTS", "concept_of"
]

THEME = "wechat_study"
FONT = ("system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', 'PingFang SC', 'Microsoft YaHei', "
        "sans-serif")
#: Colours for series that are not labels. Red and blue are kept for rumours and non-rumours alone
#: (``PALETTES["group"]``), so that they mean one thing on every page.
PALETTE = ["#2e4057", "#e07b00", "#4d9a3a", "#8d96a3", "#7b4fa0", "#a6761d", "#00798c", "#c9a227"]
INK, MUTED = "#222222", "#666666"

#: One palette per concept, the same in every chart: code -> colour.
PALETTES: dict[str, dict[str, str]] = {
    "group": {"rumour": "#d1495b", "non-rumour": "#1f5f8b", "false": "#d1495b", "true": "#1f5f8b",
              "unverified": "#edae49", "all": "#555555"},
    "dataset": {"ced": "#2e4057", "wbmsf": "#7b4fa0", "twitter15": "#edae49", "twitter16": "#c77d00",
                "wechatscope": "#66a182", "synthetic": "#8d96a3"},
    "reason": {"author_deleted": "#8d96a3", "violation": "#e07b00", "rule_violation": "#e07b00",
               "account_blocked": "#7b4fa0", "complaint": "#4d9a3a", "migrated": "#a6761d",
               "account_migrated": "#a6761d"},
    # models: hues far apart (purple, green, orange, brown, yellow) around a dark grey baseline; no red or blue
    "model": {"count_baseline": "#444444", "seismic": "#7b4fa0", "hawkes": "#4d9a3a", "hawkes_marked": "#b07aa1",
              "logistic": "#e07b00", "features": "#c9a227",
              "source_followers": "#c9a227", "hawkes_pooled": "#a6761d", "feature_model": "#e07b00",
              "count_speed": "#8d96a3"},
}

def readable(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy of ``table`` with the codes in ``columns`` replaced by words (for legends and tooltips).

    Parameters
    ----------
    table : pandas.DataFrame
        Any table; it is not changed.
    *columns : str
        The columns whose values are codes, each value replaced by ``word(value)`` (a ``dataset`` column's by
        ``dataset_name``, so a user's data set keeps its name).

    Returns
    -------
    pandas.DataFrame
        The copy.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts import theme
    >>> table = pd.DataFrame({"reason": ["violation", "complaint"], "removals": [3, 1]})
    >>> theme.readable(table, "reason").to_dict("records")
    [{'reason': 'removed for a rule violation', 'removals': 3}, {'reason': 'removed after a complaint', 'removals': 1}]
    """
    out = table.copy()
    for c in columns:
        out[c] = out[c].map(dataset_name if c == "dataset" else word)
    return out


def palette(concept: str, codes) -> alt.Scale:
    """A colour scale for ``concept`` over the ``codes`` present (as words), fixed colours per code.

    Parameters
    ----------
    concept : str
        A key of ``PALETTES``: ``group``, ``dataset``, ``reason`` or ``model``.
    codes : iterable
        The codes present (repeats are ignored), as codes, not words.

    Returns
    -------
    altair.Scale
        Domain: the codes' words, in the palette's order (codes not in the palette last, in order of
        appearance); range: each code's fixed colour, and for a code not in the palette the next ``PALETTE``
        colour the concept does not use (grey once they run out).

    Examples
    --------
    >>> from wechat_study.charts import theme
    >>> theme.palette("group", ["non-rumour", "rumour", "rumour"]).to_dict()
    {'domain': ['rumour', 'non-rumour'], 'range': ['#d1495b', '#1f5f8b']}
    >>> theme.palette("reason", ["author_deleted"]).to_dict()
    {'domain': ['deleted by the author'], 'range': ['#8d96a3']}
    """
    colours = PALETTES[concept]
    order = list(colours)
    present = sorted(dict.fromkeys(str(c) for c in codes), key=lambda c: order.index(c) if c in order else len(order))
    extra = iter(c for c in PALETTE if c not in colours.values())
    return alt.Scale(domain=[word(c) for c in present],
                     range=[colours.get(c) or next(extra, "#555555") for c in present])


def colour(field: str, concept: str, codes, title: str | None = None, legend: bool = True) -> alt.Color:
    """Colour by ``field`` (already in words, see ``readable``) with the concept's palette; full-opacity swatches.

    Parameters
    ----------
    field : str
        The column to colour by, a nominal field holding words.
    concept : str
        The palette's concept (a key of ``PALETTES``).
    codes : iterable
        The codes present, as codes (``palette``).
    title : str, optional
        The legend's title (none by default).
    legend : bool
        Whether to draw a legend.

    Returns
    -------
    altair.Color
        The colour encoding.

    Examples
    --------
    >>> from wechat_study.charts import theme
    >>> enc = theme.colour("group", "group", ["rumour", "non-rumour"]).to_dict()
    >>> enc["field"], enc["type"], enc["scale"]["range"], enc["legend"]
    ('group', 'nominal', ['#d1495b', '#1f5f8b'], {'symbolOpacity': 1, 'symbolStrokeWidth': 3})
    """
    return alt.Color(f"{field}:N", title=title, scale=palette(concept, codes),
                     legend=alt.Legend(symbolOpacity=1, symbolStrokeWidth=3) if legend else None)


@alt.theme.register(THEME, enable=True)
def house_theme() -> alt.theme.ThemeConfig:
    """Plain, legible defaults: one font, muted palette, light grid, legends on top, full-opacity swatches.

    Registered with Altair as the theme ``THEME`` and enabled when this module is imported.

    Returns
    -------
    dict
        The Vega-Lite ``config``: font, default view size (600 × 320 px), the category palette ``PALETTE``,
        axis, legend, title and mark defaults.

    Examples
    --------
    >>> import altair as alt
    >>> from wechat_study.charts import theme
    >>> alt.theme.active
    'wechat_study'
    >>> config = theme.house_theme()["config"]
    >>> config["view"]["continuousWidth"], config["legend"]["orient"], config["range"]["category"][0]
    (600, 'top', '#2e4057')
    """
    return {
        "config": {
            "font": FONT,
            "view": {"continuousWidth": 600, "continuousHeight": 320, "stroke": None},
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal", "gridColor": "#ececec",
                     "domainColor": "#888888", "tickColor": "#888888", "labelColor": INK, "titleColor": INK,
                     "labelOverlap": "greedy", "labelLimit": 160, "titlePadding": 8},
            "axisQuantitative": {"tickCount": 6},
            "axisX": {"labelFlush": True, "labelPadding": 4},
            "legend": {"labelFontSize": 12, "titleFontSize": 12, "titleFontWeight": "normal", "orient": "top",
                       "direction": "horizontal", "columns": {"expr": "width < 520 ? 1 : 3"},  # one per line on a phone
                       "symbolOpacity": 1, "labelLimit": 220, "labelColor": INK},
            "title": {"fontSize": 15, "fontWeight": "bold", "anchor": "start", "color": INK,
                      "subtitleColor": MUTED, "subtitleFontSize": 12},
            "header": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": INK},
            "text": {"font": FONT, "fontSize": 12},
            "mark": {"color": PALETTE[0]},
            "rule": {"aria": False},  # reference lines and interval whiskers: the chart's description covers them
        }
    }


CONCEPTS = ("group", "dataset", "reason", "model")


def concept_of(codes) -> str | None:
    """The palette concept whose codes include every value in ``codes`` (None when no palette fits).

    Parameters
    ----------
    codes : iterable
        Values as codes or as their words (``word``), compared as strings.

    Returns
    -------
    str or None
        The first of ``CONCEPTS`` (``group``, ``dataset``, ``reason``, ``model``) that fits; with no codes at all,
        ``group``.

    Examples
    --------
    >>> from wechat_study.charts import theme
    >>> theme.concept_of(["rumour", "non-rumour"]), theme.concept_of(["seismic", "count baseline"])
    ('group', 'model')
    >>> print(theme.concept_of(["rumour", "ced"]))
    None
    """
    present = {str(c) for c in codes}
    for concept in CONCEPTS:
        if present <= set(PALETTES[concept]) | {word(c) for c in PALETTES[concept]}:
            return concept
    return None


def _grouped(table: pd.DataFrame, field: str = "group", legend: bool = True):
    """``table`` with codes in ``field`` turned to words, and the colour encoding of its concept."""
    codes = list(dict.fromkeys(table[field].astype(str)))
    back = {word(c): c for concept in CONCEPTS for c in PALETTES[concept]}
    codes = [back.get(c, c) for c in codes]
    concept = concept_of(codes)
    data = table.assign(**{field: table[field].astype(str).map(lambda c: word(back.get(c, c)))})
    if concept is None:
        return data, alt.Color(f"{field}:N", title=None, legend=alt.Legend(symbolOpacity=1) if legend else None)
    return data, colour(field, concept, codes, legend=legend)


def _unlisted(color: alt.Color, channel):
    """The same colours on another channel (``alt.Fill`` for bands, ``alt.Stroke`` for interval bars), with
    no legend of its own: the lines' legend stays the only one, drawn at full opacity."""
    spec = {k: v for k, v in color.to_dict().items() if k != "legend"}
    return channel(**spec, legend=None)
