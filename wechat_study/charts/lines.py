"""Distributions and shares over time or size: CCDFs, survival curves, share lines, counts by month, AUC and
the censor's clock."""

from __future__ import annotations

import re

import altair as alt
import pandas as pd

from ..errors import require_columns
from .theme import PALETTE, _grouped, _unlisted, word

__all__ = [
    "ccdf_chart", "bin_words", "size_matched_chart", "survival_chart", "share_lines", "heatmap", "bars",
    "monthly_lines", "histogram", "auc_lines", "cumulative_lines", "clock_chart", "with_gaps", "weekly_bars"
]


def ccdf_chart(ccdfs: pd.DataFrame, x_title: str, log_x: bool = True) -> alt.Chart:
    """Complementary CDFs, one line per ``group`` (columns ``value, share, group``), log-log by default.

    Parameters
    ----------
    ccdfs : pandas.DataFrame
        ``compare.ccdf`` tables stacked: ``value``, ``share`` (0–1) and ``group`` (codes, shown as words).
    x_title : str
        The x axis's title (what ``value`` measures).
    log_x : bool
        A log x axis; otherwise linear, not starting at zero. The y axis is always log.

    Returns
    -------
    altair.Chart or altair.LayerChart
        Stepped lines coloured by the group's palette; a group of one row (a curve that is one point, which a
        line cannot draw) is layered on as a dot.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import compare
    >>> from wechat_study.charts.lines import ccdf_chart
    >>> ccdfs = pd.concat([compare.ccdf([1, 2, 2, 5], group="rumour"), compare.ccdf([1, 1, 3], group="non-rumour")])
    >>> chart = ccdf_chart(ccdfs, "reposts")
    >>> chart.mark.type, chart.data["group"].unique().tolist(), chart.to_dict()["encoding"]["x"]["scale"]
    ('line', ['rumour', 'non-rumour'], {'type': 'log'})
    """
    scale = alt.Scale(type="log") if log_x else alt.Scale(zero=False)
    data, color = _grouped(ccdfs)
    line = alt.Chart(data).mark_line(interpolate="step-after", strokeWidth=2).encode(
        x=alt.X("value:Q", title=x_title, scale=scale),
        y=alt.Y("share:Q", title="share of cascades at least this large (log scale)", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~%")),
        color=color,
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip("value:Q", title=x_title, format=",.3~f"),
                 alt.Tooltip("share:Q", title="share at least this large", format=".3~%")],
    ).properties(height=320)
    rows = data.groupby("group", observed=True)["value"].transform("size")
    if not (rows == 1).any():
        return line
    single = line.transform_joinaggregate(n="count()", groupby=["group"]).transform_filter(alt.datum.n == 1)
    return alt.layer(line, single.mark_point(filled=True, size=80, opacity=1))  # a one-row curve draws no line



def _log_span(values: pd.Series) -> alt.Scale:
    """A log scale over the positive values' own span, not widened to whole powers of ten."""
    v = pd.to_numeric(values, errors="coerce")
    v = v[v > 0]
    if v.empty:
        return alt.Scale(type="log")
    return alt.Scale(type="log", domain=[float(v.min()), float(v.max())], nice=False)


def bin_words(interval: str) -> str:
    """A bin of whole numbers ``"[lo, hi)"`` as readers write it: ``"30–99"``, or ``"300+"`` for ``hi`` = inf.

    Parameters
    ----------
    interval : str
        ``"[lo, hi)"`` with integer ``lo`` and ``hi`` (or ``inf``), as ``compare.size_matched`` names its bins;
        other text is returned as it is.

    Returns
    -------
    str
        The inclusive range, with thousands separators.

    Examples
    --------
    >>> from wechat_study.charts.lines import bin_words
    >>> bin_words("[30, 100)"), bin_words("[1000, inf)"), bin_words("[2, 3)"), bin_words("other")
    ('30–99', '1,000+', '2', 'other')
    """
    m = re.fullmatch(r"\[(\d+(?:\.0)?), (\d+(?:\.0)?|inf)\)", str(interval).strip())
    if not m:
        return interval
    lo = int(float(m.group(1)))
    if m.group(2) == "inf":
        return f"{lo:,}+"
    hi = int(float(m.group(2))) - 1
    return f"{lo:,}" if hi == lo else f"{lo:,}\u2013{hi:,}"


def size_matched_chart(table: pd.DataFrame, groups=("rumour", "non-rumour"),
                       measure_title: str = "structural virality") -> alt.LayerChart:
    """Medians of a measure for two groups within each size bin (``compare.size_matched`` output), side by
    side; point size is the number of cascades behind it (also in the tooltip). Columns
    ``ci_low_<group>``/``ci_high_<group>``, when present, are drawn as 95% interval bars.

    Parameters
    ----------
    table : pandas.DataFrame
        ``compare.size_matched`` output: ``size_bin``, ``n_<group>`` and ``median_<group>`` for each group
        (hyphens as underscores); bins where a group's median is missing are not drawn for it.
    groups : tuple of str
        The two groups, as in ``compare.size_matched``.
    measure_title : str
        What the medians measure, for the y axis's title ("median <measure_title>").

    Returns
    -------
    altair.LayerChart
        The points, under them the interval bars when the table has them.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import size_matched_chart
    >>> table = pd.DataFrame({"size_bin": ["[2, 10)", "[10, inf)"], "n_rumour": [2, 1], "n_non_rumour": [1, 2],
    ...                       "median_rumour": [1.35, 2.4], "median_non_rumour": [1.5, 3.0]})
    >>> chart = size_matched_chart(table)
    >>> len(chart.layer), chart.data[["size_bin", "group", "median"]].to_dict("records")[:2]
    (1, [{'size_bin': '2–9', 'group': 'rumour', 'median': 1.35}, {'size_bin': '10+', 'group': 'rumour',
     'median': 2.4}])
    """
    a, b = (g.replace("-", "_") for g in groups)

    def part(g, s):
        d = {"size_bin": table["size_bin"], "group": g, "median": table[f"median_{s}"], "n": table[f"n_{s}"]}
        if {f"ci_low_{s}", f"ci_high_{s}"} <= set(table.columns):
            d |= {"ci_low": table[f"ci_low_{s}"], "ci_high": table[f"ci_high_{s}"]}
        return pd.DataFrame(d)

    long = pd.concat([part(g, s) for g, s in zip(groups, (a, b), strict=True)]).dropna(subset=["median"])
    long["size_bin"] = long["size_bin"].map(bin_words)
    order = [bin_words(b) for b in table["size_bin"]]
    data, color = _grouped(long)
    _, no_legend = _grouped(long, legend=False)
    x = alt.X("size_bin:N", title="cascade size (posts), size bin", sort=order, axis=alt.Axis(labelAngle=0))
    points = alt.Chart(data).mark_point(filled=True, opacity=1).encode(
        x=x, xOffset=alt.XOffset("group:N"),
        y=alt.Y("median:Q", title=f"median {measure_title}"),
        size=alt.Size("n:Q", title="cascades in the bin", scale=alt.Scale(range=[30, 300]),
                      legend=alt.Legend(symbolFillColor="#888888", symbolStrokeColor="#888888")),
        color=color,
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip("size_bin:N", title="size bin (posts)"),
                 alt.Tooltip("n:Q", title="cascades", format=","),
                 alt.Tooltip("median:Q", title="median", format=".3f")],
    )
    layers = [points]
    if "ci_low" in data:
        layers.insert(0, alt.Chart(data).mark_rule(strokeWidth=2).encode(
            x=x, xOffset=alt.XOffset("group:N"), y="ci_low:Q", y2="ci_high:Q", stroke=_unlisted(no_legend, alt.Stroke)))
    return alt.layer(*layers).properties(height=300)


def survival_chart(curves: pd.DataFrame, x_title: str = "hours after the source post (log scale)") -> alt.LayerChart:
    """Kaplan-Meier curves with their 95% bands (``thresholds.kaplan_meier`` curves), log time axis.

    Parameters
    ----------
    curves : pandas.DataFrame
        ``group``, ``hours`` (after the source post), ``survival`` (the share 0–1 not yet at the threshold),
        ``ci_low`` and ``ci_high``; rows at 0 hours are left out (the axis is log).
    x_title : str
        The x axis's title.

    Returns
    -------
    altair.LayerChart
        The bands, then the stepped lines.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import survival_chart
    >>> curves = pd.DataFrame({"group": ["rumour"] * 3 + ["non-rumour"] * 3, "hours": [0, 1, 10] * 2,
    ...                        "survival": [1, 0.8, 0.5, 1, 0.9, 0.7], "ci_low": [1, 0.7, 0.4, 1, 0.85, 0.6],
    ...                        "ci_high": [1, 0.9, 0.6, 1, 0.95, 0.8]})
    >>> chart = survival_chart(curves)
    >>> len(chart.layer), len(chart.data)
    (2, 4)
    """
    data, color = _grouped(curves[curves["hours"] > 0])
    base = alt.Chart(data).encode(x=alt.X("hours:Q", title=x_title, scale=alt.Scale(type="log")))
    band = base.mark_area(opacity=0.18, interpolate="step-after").encode(
        y="ci_low:Q", y2="ci_high:Q", color=color)  # the lines' own legend: a fill without one disabled it
    line = base.mark_line(interpolate="step-after", strokeWidth=2).encode(
        y=alt.Y("survival:Q", title="share not yet at the threshold", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=color,
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip("hours:Q", title="hours", format=",.1f"),
                 alt.Tooltip("survival:Q", title="share not yet there", format=".1%")])
    return alt.layer(band, line).properties(height=320)


def share_lines(table: pd.DataFrame, x: str, x_title: str, y: str = "share", y_title: str = "share of cascades",
                log_x: bool = False) -> alt.LayerChart:
    """Shares (with ``ci_low``/``ci_high`` bands when present) against ``x``, one line per ``group``.

    Parameters
    ----------
    table : pandas.DataFrame
        The ``x`` and ``y`` columns, optionally ``group`` (without it, one line, ``all``, and no legend) and
        ``ci_low``/``ci_high``.
    x : str
        The numeric column on the x axis.
    x_title : str
        The x axis's title.
    y : str
        The column of shares 0–1.
    y_title : str
        The y axis's title.
    log_x : bool
        A log x axis.

    Returns
    -------
    altair.LayerChart
        The lines with points, over the bands when present.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import share_lines
    >>> table = pd.DataFrame({"threshold": [10, 100, 1000], "share": [0.4, 0.1, 0.01]})
    >>> len(share_lines(table, "threshold", "reposts", log_x=True).layer)
    1
    >>> len(share_lines(table.assign(ci_low=[0.3, 0.05, 0.0], ci_high=[0.5, 0.15, 0.03]), "threshold", "reposts").layer)
    2
    """
    if "group" in table:
        data, color = _grouped(table, legend=table["group"].nunique() > 1)   # one line needs no legend
    else:
        data, color = table.assign(group="all"), alt.Color("group:N", legend=None)
    scale = _log_span(data[x]) if log_x else alt.Scale()
    base = alt.Chart(data).encode(x=alt.X(f"{x}:Q", title=x_title, scale=scale))
    line = base.mark_line(point=True, strokeWidth=2).encode(
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%")),
        color=color,
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip(f"{x}:Q", title=x_title, format=",.4~r"),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=".1%")])
    if {"ci_low", "ci_high"} <= set(table.columns):
        band = base.mark_area(opacity=0.15).encode(y="ci_low:Q", y2="ci_high:Q", color=color)  # the same legend
        return alt.layer(band, line).properties(height=300)
    return alt.layer(line).properties(height=300)


#: A d3-format specifier: [[fill]align][sign][symbol][0][width][,][.precision][~][type].
_D3_FORMAT = re.compile(r"(?:.?[<>=^])?[-+( ]?[$#]?0?\d*,?(?:\.\d+)?~?[eEfgGrsp%bcdoxXn]?")


def heatmap(table: pd.DataFrame, x: str, y: str, value: str, x_title: str, y_title: str,
            value_title: str, y_format: str | None = None) -> alt.LayerChart:
    """A grid of shares (e.g. the views sweep), labelled with their values; as wide as the page.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per cell: the ``x``, ``y`` and ``value`` columns.
    x, y : str
        The columns on the x axis and the y axis (ordinal; y descending).
    value : str
        The column of shares 0–1 that colours the cells (a blue scale over 0–1) and labels them in percent.
    x_title, y_title, value_title : str
        The axes' and the legend's titles.
    y_format : str, optional
        A d3 format for the y values on the axis and in the tooltips (e.g. ``".0%"`` for shares such as ρ).

    Returns
    -------
    altair.LayerChart
        The cells, then their labels (white on cells above 55%).

    Raises
    ------
    ValueError
        A column is missing, or ``y_format`` is not a d3 number format.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import heatmap
    >>> table = pd.DataFrame({"views": [100, 100, 1000, 1000], "hours": [1, 24, 1, 24], "share": [0.2, 0.5, 0.6, 0.9]})
    >>> chart = heatmap(table, "hours", "views", "share", "hours", "views", "share crossing")
    >>> [layer.mark.type for layer in chart.layer]
    ['rect', 'text']
    """
    require_columns(table, (x, y, value), "heatmap")
    if y_format is not None and not _D3_FORMAT.fullmatch(y_format):
        raise ValueError(f"heatmap: y_format {y_format!r} is not a d3 number format (e.g. '.0%', ',.2f')")
    y_axis = alt.Axis(labelExpr=f"format(datum.value, '{y_format}')") if y_format else alt.Axis()
    base = alt.Chart(table).encode(x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
                                   y=alt.Y(f"{y}:O", title=y_title, sort="descending", axis=y_axis))
    y_tip = alt.Tooltip(f"{y}:Q", title=y_title, format=y_format) if y_format else alt.Tooltip(f"{y}:O", title=y_title)
    tips = [alt.Tooltip(f"{x}:O", title=x_title), y_tip,
            alt.Tooltip(f"{value}:Q", title=value_title, format=".1%")]
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="greys", domain=[0, 1]),
                        legend=alt.Legend(format="%", orient="top", direction="horizontal", gradientLength=200)),
        tooltip=tips)
    text = base.mark_text(fontSize=12).encode(text=alt.Text(f"{value}:Q", format=".0%"), tooltip=tips,
                                              color=alt.condition(f"datum['{value}'] > 0.55", alt.value("white"),
                                                                  alt.value("black")))
    return alt.layer(cells, text).properties(height=alt.Step(34))


def bars(table: pd.DataFrame, category: str, value: str, category_title: str, value_title: str,
         value_format: str = ",") -> alt.Chart:
    """Horizontal bars, largest first; codes in ``category`` shown as words.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per bar: the ``category`` and ``value`` columns.
    category : str
        The column of codes, one bar each.
    value : str
        The column of bar lengths.
    category_title, value_title : str
        The axes' titles.
    value_format : str
        The d3 format of the values on the axis and in the tooltip (``","``: thousands separated).

    Returns
    -------
    altair.Chart
        The bars.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import bars
    >>> table = pd.DataFrame({"reason": ["violation", "author_deleted"], "removals": [120, 300]})
    >>> bars(table, "reason", "removals", "reason", "removals").data["reason"].tolist()
    ['removed for a rule violation', 'deleted by the author']
    """
    data = table.assign(**{category: table[category].map(word)})
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y(f"{category}:N", title=category_title, sort="-x", axis=alt.Axis(labelLimit=180)),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=value_format)]).properties(height=alt.Step(26))


def monthly_lines(table: pd.DataFrame, value: str = "removals", color: str = "reason",
                  y_title: str | None = None) -> alt.Chart:
    """Counts per month (``month`` as YYYY-MM), one line per ``color`` value (codes shown as words).

    Parameters
    ----------
    table : pandas.DataFrame
        ``month`` (YYYY-MM, Beijing time), the ``value`` and ``color`` columns.
    value : str
        The column of counts.
    color : str
        The column of codes, one line each, coloured by its concept's palette.
    y_title : str, optional
        The y axis's title (default: "<value as a word> per month").

    Returns
    -------
    altair.Chart
        The lines with points.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import monthly_lines
    >>> table = pd.DataFrame({"month": ["2018-01", "2018-02"] * 2, "reason": ["violation"] * 2 + ["complaint"] * 2,
    ...                       "removals": [5, 8, 2, 3]})
    >>> chart = monthly_lines(table)
    >>> chart.data["reason"].unique().tolist(), chart.to_dict()["encoding"]["y"]["title"]
    (['removed for a rule violation', 'removed after a complaint'], 'removals per month')
    """
    data, enc = _grouped(table, color)
    return alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=20), strokeWidth=2).encode(
        x=alt.X("month:T", title="month (Beijing time)", timeUnit="yearmonth"),
        y=alt.Y(f"{value}:Q", title=y_title or f"{word(value)} per month"), color=enc,
        tooltip=[alt.Tooltip("month:T", timeUnit="yearmonth", title="month"),
                 alt.Tooltip(f"{color}:N", title=word(color)),
                 alt.Tooltip(f"{value}:Q", title=word(value), format=",.3~r")],
    ).properties(height=300)


def histogram(values: pd.DataFrame, value: str, group: str, value_title: str,
              max_value: int | None = None) -> alt.Chart:
    """Shares of each whole-number value within each group (e.g. days to removal by reason), bars side by
    side in one view (no facets, so it fits a phone); the last value collects everything from ``max_value`` up.

    Parameters
    ----------
    values : pandas.DataFrame
        One row per observation: the ``value`` and ``group`` columns.
    value : str
        The column of whole numbers.
    group : str
        The column of codes; shares are within each group (each group's bars sum to 1).
    value_title : str
        The x axis's title.
    max_value : int, optional
        Values above it are counted at it.

    Returns
    -------
    altair.Chart
        The bars; its data holds ``n`` and ``share`` per group and value.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import histogram
    >>> values = pd.DataFrame({"days": [0, 1, 1, 5, 9, 0], "reason": ["violation"] * 3 + ["complaint"] * 3})
    >>> chart = histogram(values, "days", "reason", "days to removal", max_value=7)
    >>> chart.data[["reason", "days", "n"]].to_dict("records")[:3]
    [{'reason': 'removed after a complaint', 'days': 0, 'n': 1}, {'reason': 'removed after a complaint', 'days': 5,
     'n': 1}, {'reason': 'removed after a complaint', 'days': 7, 'n': 1}]
    """
    d = values[[value, group]].copy()
    if max_value is not None:
        d[value] = d[value].clip(upper=max_value)
    counts = d.groupby([group, value]).size().rename("n").reset_index()
    counts["share"] = counts["n"] / counts.groupby(group)["n"].transform("sum")
    data, enc = _grouped(counts, group)
    return alt.Chart(data).mark_bar().encode(
        x=alt.X(f"{value}:O", title=value_title, axis=alt.Axis(labelAngle=0)), xOffset=alt.XOffset(f"{group}:N"),
        y=alt.Y("share:Q", title="share within its group", axis=alt.Axis(format="%")), color=enc,
        tooltip=[alt.Tooltip(f"{group}:N", title=word(group)), alt.Tooltip(f"{value}:O", title=value_title),
                 alt.Tooltip("n:Q", title="count", format=","), alt.Tooltip("share:Q", title="share", format=".1%")],
    ).properties(height=260)


def auc_lines(table: pd.DataFrame, x: str = "at_min", x_title: str = "minutes after the source post (log scale)",
              y: str = "auc", y_title: str = "ROC-AUC", banded: str | None = "count_baseline") -> alt.LayerChart:
    """AUC (or any score in [0, 1] that is not a share), one line per ``model``, against observation time on a
    log axis ticked at the times observed; the ``ci_low``/``ci_high`` band is drawn for the ``banded`` model
    (every model's interval is in the tooltips), so that the other lines can be read against it.

    Parameters
    ----------
    table : pandas.DataFrame
        ``model`` (codes), the ``x`` and ``y`` columns, ``ci_low`` and ``ci_high``.
    x : str
        The column of observation times (minutes after the source post by default).
    x_title : str
        The x axis's title.
    y : str
        The column of scores.
    y_title : str
        The y axis's title.
    banded : str, optional
        The model whose band is drawn (a code of ``model``); None draws every model's band.

    Returns
    -------
    altair.LayerChart
        The band, then the lines with points, coloured by the model palette; the x axis spans the observation
        times given and is ticked at each.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import auc_lines
    >>> table = pd.DataFrame({"model": ["seismic"] * 2 + ["count_baseline"] * 2, "at_min": [10, 60] * 2,
    ...                       "auc": [0.8, 0.9, 0.75, 0.85], "ci_low": [0.7, 0.8, 0.65, 0.75],
    ...                       "ci_high": [0.9, 0.95, 0.85, 0.92]})
    >>> chart = auc_lines(table)
    >>> len(chart.layer), chart.data["group"].unique().tolist()
    (2, ['SEISMIC', 'count baseline'])
    """
    data, color = _grouped(table.rename(columns={"model": "group"}))
    ticks = sorted(float(t) for t in data[x].unique())
    scale = alt.Scale(type="log", domain=[ticks[0], ticks[-1]], nice=False)  # stops where the times stop
    base = alt.Chart(data).encode(x=alt.X(f"{x}:Q", title=x_title, scale=scale, axis=alt.Axis(values=ticks)))
    shaded = base if banded is None else base.transform_filter(alt.datum.group == word(banded))
    band = shaded.mark_area(opacity=0.18).encode(y="ci_low:Q", y2="ci_high:Q", color=color)  # the same legend
    line = base.mark_line(point=True, strokeWidth=2).encode(
        y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)), color=color,
        tooltip=[alt.Tooltip("group:N", title="model"), alt.Tooltip(f"{x}:Q", title=x_title, format=",.4~r"),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=".3f"),
                 alt.Tooltip("ci_low:Q", title="95% interval, low", format=".3f"),
                 alt.Tooltip("ci_high:Q", title="95% interval, high", format=".3f")])
    return alt.layer(band, line).properties(height=320)


def cumulative_lines(table: pd.DataFrame, x: str, x_title: str, group: str = "reason", y: str = "share",
                     y_title: str = "share seen by then") -> alt.Chart:
    """Cumulative shares against a whole-number ``x`` (e.g. days since publication), one stepped line per
    ``group``, coloured by its concept's palette.

    Parameters
    ----------
    table : pandas.DataFrame
        The ``x``, ``group`` and ``y`` columns.
    x : str
        The column of whole numbers on the x axis.
    x_title : str
        The x axis's title.
    group : str
        The column of codes, one line each.
    y : str
        The column of cumulative shares 0–1.
    y_title : str
        The y axis's title.

    Returns
    -------
    altair.Chart
        The stepped lines with points.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import cumulative_lines
    >>> table = pd.DataFrame({"day": [0, 1, 2] * 2, "reason": ["violation"] * 3 + ["complaint"] * 3,
    ...                       "share": [0.5, 0.8, 1.0, 0.2, 0.6, 1.0]})
    >>> chart = cumulative_lines(table, "day", "days since publication")
    >>> chart.mark.type, chart.data["reason"].unique().tolist()
    ('line', ['removed for a rule violation', 'removed after a complaint'])
    """
    data, enc = _grouped(table, group)
    return alt.Chart(data).mark_line(interpolate="step-after", point=True).encode(
        x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(tickMinStep=1)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])), color=enc,
        tooltip=[alt.Tooltip(f"{group}:N", title=word(group)), alt.Tooltip(f"{x}:Q", title=x_title),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=".1%")],
    ).properties(height=280)


def clock_chart(long: pd.DataFrame, x_title: str = "hours after the source post (log scale)") -> alt.LayerChart:
    """Shares by hour, one line per ``group`` (``early_warning.clock_long``), with 95% bands where a row has
    ``ci_low``/``ci_high``; the legend sits above the plot.

    Parameters
    ----------
    long : pandas.DataFrame
        ``group`` (labels, shown as they are), ``hours`` (after the source post), ``share`` (0–1), and
        ``ci_low``/``ci_high`` (null where a line has no band).
    x_title : str
        The x axis's title.

    Returns
    -------
    altair.LayerChart
        The bands, then the lines with points; the groups take the ``PALETTE`` colours in order of appearance.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import clock_chart
    >>> long = pd.DataFrame({"group": ["removed"] * 2 + ["crossed"] * 2, "hours": [1, 10] * 2,
    ...                      "share": [0.1, 0.4, 0.05, 0.2], "ci_low": [0.05, 0.3, None, None],
    ...                      "ci_high": [0.15, 0.5, None, None]})
    >>> chart = clock_chart(long)
    >>> len(chart.layer), chart.to_dict()["layer"][1]["encoding"]["color"]["scale"]
    (2, {'domain': ['removed', 'crossed'], 'range': ['#2e4057', '#e07b00']})
    """
    groups = list(dict.fromkeys(long["group"]))
    scale = alt.Scale(domain=groups, range=PALETTE[:len(groups)])
    color = alt.Color("group:N", title=None, scale=scale,
                      legend=alt.Legend(orient="top", columns=1, symbolOpacity=1, labelLimit=320))
    base = alt.Chart(long).encode(x=alt.X("hours:Q", title=x_title, scale=_log_span(long["hours"])))
    band = base.transform_filter("isValid(datum.ci_low)").mark_area(opacity=0.15).encode(
        y="ci_low:Q", y2="ci_high:Q", color=color)  # the same legend, so it is kept
    line = base.mark_line(point=True, strokeWidth=2).encode(
        y=alt.Y("share:Q", title="share of cascades", axis=alt.Axis(format="%")), color=color,
        tooltip=[alt.Tooltip("group:N", title="line"), alt.Tooltip("hours:Q", title="hours", format=",.2~r"),
                 alt.Tooltip("share:Q", title="share", format=".1%")])
    return alt.layer(band, line).properties(height=320)


def with_gaps(chart: alt.TopLevelMixin, spans: pd.DataFrame, label: str = "scraper outage") -> alt.LayerChart:
    """``chart`` (temporal x axis) under grey bands over each ``start``-``end`` span of ``spans`` (end exclusive),
    so that a gap in the data is not read as a fall (e.g. days the archive's scraper did not run).

    Parameters
    ----------
    chart : altair chart
        A chart with a temporal x axis.
    spans : pandas.DataFrame
        ``start`` and ``end`` timestamps, one row per band (e.g. ``scraper.outage_spans``).
    label : str
        What a band is, in its tooltip.

    Returns
    -------
    altair.LayerChart
        The bands, then ``chart``.

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import with_gaps
    >>> daily = pd.DataFrame({"day": pd.date_range("2018-01-01", periods=3), "posts": [5, 0, 7]})
    >>> chart = alt.Chart(daily).mark_line().encode(x="day:T", y="posts:Q")
    >>> spans = pd.DataFrame({"start": [pd.Timestamp("2018-01-02")], "end": [pd.Timestamp("2018-01-03")]})
    >>> layered = with_gaps(chart, spans)
    >>> len(layered.layer), layered.layer[0].data["what"].tolist()
    (2, ['scraper outage'])
    """
    data = spans.assign(what=label)
    bands = alt.Chart(data).mark_rect(color="#999999", opacity=0.3).encode(
        x="start:T", x2="end:T",
        tooltip=[alt.Tooltip("what:N", title="band"), alt.Tooltip("start:T", title="from", format="%Y-%m-%d"),
                 alt.Tooltip("end:T", title="until", format="%Y-%m-%d")])
    return alt.layer(bands, chart)


def weekly_bars(table: pd.DataFrame, value: str, value_title: str, week: str = "week") -> alt.Chart:
    """Counts per week as bars on a time axis (``week`` the Monday a week starts).

    Parameters
    ----------
    table : pandas.DataFrame
        The ``week`` column (timestamps) and the ``value`` column.
    value : str
        The column of counts.
    value_title : str
        The y axis's title.
    week : str
        The column of the weeks' first days; each bar spans 7 days from it.

    Returns
    -------
    altair.Chart
        The bars, from zero.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.lines import weekly_bars
    >>> table = pd.DataFrame({"week": pd.to_datetime(["2018-01-01", "2018-01-08"]), "posts": [12, 30]})
    >>> weekly_bars(table, "posts", "posts per week").data["week_end"].dt.strftime("%Y-%m-%d").tolist()
    ['2018-01-08', '2018-01-15']
    """
    data = table.assign(week_end=table[week] + pd.Timedelta(days=7))
    return alt.Chart(data).mark_bar(color=PALETTE[0]).encode(
        x=alt.X(f"{week}:T", title="week (Beijing time)", axis=alt.Axis(format="%b %Y")), x2="week_end:T",
        y=alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(tickMinStep=1), scale=alt.Scale(domainMin=0)),
        y2=alt.datum(0),
        tooltip=[alt.Tooltip(f"{week}:T", title="week from", format="%Y-%m-%d"),
                 alt.Tooltip(f"{value}:Q", title=value_title)]).properties(height=240)
