"""Altair chart builders and the house theme (the one place that defines how charts look).

Importing this module registers and enables the ``wechat_study`` theme. When notebooks run for
the reports (``WECHAT_STUDY_REPORT=1``), charts render as a ``<div>`` and a ``vegaEmbed`` call
with counter-based ids; the report page carries the Vega libraries once.
"""

from __future__ import annotations

import itertools
import json
import os

import altair as alt
import networkx as nx
import numpy as np
import pandas as pd

from .graph import repost_graph

THEME = "wechat_study"
PALETTE = ["#1f5f8b", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d96a3", "#2e4057"]


@alt.theme.register(THEME, enable=True)
def house_theme() -> alt.theme.ThemeConfig:
    """Plain, legible defaults: one font, a muted palette, light grid, 640 px wide."""
    font = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', sans-serif"
    return {
        "config": {
            "font": font,
            "view": {"continuousWidth": 640, "continuousHeight": 360, "stroke": None},
            "range": {"category": PALETTE},
            "axis": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal", "gridColor": "#e6e6e6",
                     "domainColor": "#888888", "tickColor": "#888888"},
            "legend": {"labelFontSize": 11, "titleFontSize": 12, "titleFontWeight": "normal"},
            "title": {"fontSize": 14, "fontWeight": "normal", "anchor": "start"},
            "mark": {"color": PALETTE[0]},
        }
    }


_chart_ids = itertools.count(1)


def report_renderer(spec: dict, **kwargs) -> dict:
    """Render a chart for an offline report: a div and a ``vegaEmbed`` call, SVG, no actions menu."""
    div = f"chart-{next(_chart_ids)}"
    body = json.dumps(spec, sort_keys=True, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
    html = (f'<div id="{div}" class="ws-chart"></div>\n<script>vegaEmbed("#{div}", {body}, '
            '{"actions": false, "renderer": "svg"});</script>')
    return {"text/html": html}


alt.renderers.register("wechat_study_report", report_renderer)
if os.environ.get("WECHAT_STUDY_REPORT"):
    alt.renderers.enable("wechat_study_report")


def tree_layout(g: nx.DiGraph) -> pd.DataFrame:
    """Positions for a tidy tree drawing: ``x`` = depth, ``y`` = leaf order (parents centred on their children).

    Children are ordered by time, so earlier branches are drawn first.
    """
    root = g.graph["root"]
    t = {v: (d["created_at"].value if d["created_at"] is not None else np.iinfo(np.int64).max)
         for v, d in g.nodes(data=True)}
    order = list(nx.dfs_preorder_nodes(g, root, sort_neighbors=lambda vs: sorted(vs, key=lambda v: (t[v], v))))
    y: dict = {}
    leaf = 0
    for v in order:
        if g.out_degree(v) == 0:
            y[v] = float(leaf)
            leaf += 1
    for v in reversed(order):
        if v not in y:
            kids = [y[c] for c in g.successors(v)]
            y[v] = (min(kids) + max(kids)) / 2
    return pd.DataFrame({"post_id": order, "x": [g.nodes[v]["depth"] for v in order], "y": [y[v] for v in order]})


def cascade_tree(posts: pd.DataFrame, cascade_id: str, height: int = 420) -> alt.LayerChart:
    """One cascade drawn as a tree: depth across, one row per leaf, posts coloured by hours after the source.

    Tooltips show depth, hours after the source and the kind of post; no user or text is shown.
    """
    g = repost_graph(posts, cascade_id)
    nodes = tree_layout(g).set_index("post_id")
    root_t = g.nodes[g.graph["root"]]["created_at"]
    nodes["hours"] = [None if g.nodes[v]["created_at"] is None or root_t is None
                      else round((g.nodes[v]["created_at"] - root_t).total_seconds() / 3600, 2) for v in nodes.index]
    nodes["kind"] = [g.nodes[v]["kind"] for v in nodes.index]
    edges = pd.DataFrame([(nodes.at[a, "x"], nodes.at[a, "y"], nodes.at[b, "x"], nodes.at[b, "y"]) for a, b in g.edges],
                         columns=["x", "y", "x2", "y2"])
    depth = int(nodes["x"].max())
    x = alt.X("x:Q", title="depth (hops from the source)", scale=alt.Scale(domain=[0, max(depth, 1)]),
              axis=alt.Axis(tickMinStep=1))
    y = alt.Y("y:Q", axis=None)
    links = alt.Chart(edges).mark_rule(color="#c8c8c8", strokeWidth=0.6).encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    dots = alt.Chart(nodes.reset_index(drop=True)).mark_circle(size=22, opacity=0.9).encode(
        x=x, y=y,
        color=alt.Color("hours:Q", title="hours after the source", scale=alt.Scale(type="symlog", scheme="viridis")),
        tooltip=[alt.Tooltip("x:Q", title="depth"), alt.Tooltip("hours:Q", title="hours after the source"),
                 alt.Tooltip("kind:N", title="kind")],
    )
    title = f"Cascade {cascade_id}: {g.number_of_nodes():,} posts, depth {depth}"
    return alt.layer(links, dots).properties(title=title, height=height)


def ccdf_chart(ccdfs: pd.DataFrame, x_title: str, log_x: bool = True) -> alt.Chart:
    """Complementary CDFs, one line per ``group`` (columns ``value, share, group``), log-log by default."""
    scale = alt.Scale(type="log") if log_x else alt.Scale(zero=False)
    return alt.Chart(ccdfs).mark_line(interpolate="step-after", strokeWidth=1.6).encode(
        x=alt.X("value:Q", title=x_title, scale=scale),
        y=alt.Y("share:Q", title="share of cascades with at least this value", scale=alt.Scale(type="log")),
        color=alt.Color("group:N", title=None),
        tooltip=[alt.Tooltip("group:N"), alt.Tooltip("value:Q", title=x_title, format=",.3~f"),
                 alt.Tooltip("share:Q", title="share at least", format=".3~%")],
    ).properties(height=320)


def size_matched_chart(table: pd.DataFrame, groups=("rumour", "non-rumour"), measure_title: str = "structural virality") -> alt.Chart:
    """Medians of a measure for two groups within each size bin (``compare.size_matched`` output)."""
    a, b = (g.replace("-", "_") for g in groups)
    long = pd.concat([
        pd.DataFrame({"size_bin": table["size_bin"], "group": g, "median": table[f"median_{s}"], "n": table[f"n_{s}"]})
        for g, s in zip(groups, (a, b), strict=True)
    ]).dropna(subset=["median"])
    order = list(table["size_bin"])
    return alt.Chart(long).mark_point(filled=True, size=70).encode(
        x=alt.X("size_bin:N", title="cascade size (nodes)", sort=order),
        y=alt.Y("median:Q", title=f"median {measure_title}"),
        color=alt.Color("group:N", title=None),
        tooltip=[alt.Tooltip("group:N"), alt.Tooltip("size_bin:N", title="size"), alt.Tooltip("n:Q", title="cascades"),
                 alt.Tooltip("median:Q", format=".3f")],
    ).properties(height=300)


def survival_chart(curves: pd.DataFrame, x_title: str = "hours after the source post") -> alt.LayerChart:
    """Kaplan-Meier curves with their 95% bands (``thresholds.kaplan_meier`` curves), log time axis."""
    d = curves[curves["hours"] > 0]
    base = alt.Chart(d).encode(x=alt.X("hours:Q", title=x_title, scale=alt.Scale(type="log")),
                               color=alt.Color("group:N", title=None))
    band = base.mark_area(opacity=0.18, interpolate="step-after").encode(y="ci_low:Q", y2="ci_high:Q")
    line = base.mark_line(interpolate="step-after").encode(
        y=alt.Y("survival:Q", title="share not yet at the threshold", scale=alt.Scale(domain=[0, 1])),
        tooltip=[alt.Tooltip("group:N"), alt.Tooltip("hours:Q", format=",.1f"), alt.Tooltip("survival:Q", format=".3f")])
    return alt.layer(band, line).properties(height=320)


def share_lines(table: pd.DataFrame, x: str, x_title: str, y: str = "share", y_title: str = "share of cascades",
                log_x: bool = False) -> alt.LayerChart:
    """Shares (with ``ci_low``/``ci_high`` bands when present) against ``x``, one line per ``group``."""
    base = alt.Chart(table).encode(x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(type="log") if log_x else alt.Scale()),
                                   color=alt.Color("group:N", title=None))
    line = base.mark_line(point=True).encode(
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("group:N"), alt.Tooltip(f"{x}:Q", title=x_title, format=",.4~g"),
                 alt.Tooltip(f"{y}:Q", format=".1%")])
    if {"ci_low", "ci_high"} <= set(table.columns):
        return alt.layer(base.mark_area(opacity=0.15).encode(y="ci_low:Q", y2="ci_high:Q"), line).properties(height=300)
    return alt.layer(line).properties(height=300)


def heatmap(table: pd.DataFrame, x: str, y: str, value: str, x_title: str, y_title: str, value_title: str) -> alt.LayerChart:
    """A grid of shares (e.g. the views sweep), labelled with their values."""
    base = alt.Chart(table).encode(x=alt.X(f"{x}:O", title=x_title), y=alt.Y(f"{y}:O", title=y_title, sort="descending"))
    cells = base.mark_rect().encode(color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues"),
                                                    legend=alt.Legend(format="%")),
                                    tooltip=[f"{x}:O", f"{y}:O", alt.Tooltip(f"{value}:Q", format=".1%")])
    text = base.mark_text(fontSize=11).encode(text=alt.Text(f"{value}:Q", format=".0%"),
                                              color=alt.condition(f"datum.{value} > 0.6", alt.value("white"),
                                                                  alt.value("black")))
    return alt.layer(cells, text).properties(height=220)


def bars(table: pd.DataFrame, category: str, value: str, category_title: str, value_title: str,
         value_format: str = ",") -> alt.Chart:
    """Horizontal bars, largest first."""
    return alt.Chart(table).mark_bar().encode(
        y=alt.Y(f"{category}:N", title=category_title, sort="-x"), x=alt.X(f"{value}:Q", title=value_title),
        tooltip=[f"{category}:N", alt.Tooltip(f"{value}:Q", format=value_format)]).properties(height=alt.Step(22))


def monthly_lines(table: pd.DataFrame, value: str = "removals", color: str = "reason") -> alt.Chart:
    """Counts per month (``month`` as YYYY-MM), one line per ``color`` value."""
    return alt.Chart(table).mark_line(point=True).encode(
        x=alt.X("month:T", title="month (Beijing time)", timeUnit="yearmonth"),
        y=alt.Y(f"{value}:Q", title=value), color=alt.Color(f"{color}:N", title=None),
        tooltip=[alt.Tooltip("month:T", timeUnit="yearmonth", title="month"), f"{color}:N", f"{value}:Q"],
    ).properties(height=300)


def histogram(values: pd.DataFrame, value: str, group: str, value_title: str, max_value: int | None = None) -> alt.Chart:
    """Shares of each whole-number value within each group (e.g. days to removal by reason)."""
    d = values[[value, group]].copy()
    if max_value is not None:
        d[value] = d[value].clip(upper=max_value)
    counts = d.groupby([group, value]).size().rename("n").reset_index()
    counts["share"] = counts["n"] / counts.groupby(group)["n"].transform("sum")
    return alt.Chart(counts).mark_bar().encode(
        x=alt.X(f"{value}:O", title=value_title), y=alt.Y("share:Q", title="share", axis=alt.Axis(format="%")),
        color=alt.Color(f"{group}:N", title=None, legend=None), column=alt.Column(f"{group}:N", title=None),
        tooltip=[f"{group}:N", f"{value}:O", "n:Q", alt.Tooltip("share:Q", format=".1%")],
    ).properties(width=110, height=180)


def estimates_chart(table: pd.DataFrame, reference: float = 1.0, log_x: bool = True, x_title: str = "odds ratio") -> alt.LayerChart:
    """Crude and adjusted estimates with their 95% intervals, one row per method (``adjust.compare_*`` output),
    with a rule at the no-difference value ``reference``."""
    d = table.dropna(subset=["estimate"]).reset_index(drop=True)
    d = d.assign(row=d["method"] + " · " + d["estimand"])
    scale = alt.Scale(type="log") if log_x else alt.Scale(zero=False)
    base = alt.Chart(d).encode(y=alt.Y("row:N", title=None, sort=list(d["row"])))
    bars = base.mark_rule(strokeWidth=2).encode(x=alt.X("ci_low:Q", title=x_title, scale=scale), x2="ci_high:Q")
    dots = base.mark_point(filled=True, size=70).encode(
        x="estimate:Q", tooltip=["method:N", "estimand:N", alt.Tooltip("estimate:Q", format=".3f"),
                                 alt.Tooltip("ci_low:Q", format=".3f"), alt.Tooltip("ci_high:Q", format=".3f"),
                                 alt.Tooltip("cascades:Q", format=",")])
    rule = alt.Chart(pd.DataFrame({"x": [reference]})).mark_rule(strokeDash=[4, 4], color="gray").encode(x="x:Q")
    return alt.layer(rule, bars, dots).properties(height=alt.Step(28))


def views_decomposed_chart(table: pd.DataFrame, repost_followers: float) -> alt.Chart:
    """Share of cascades reaching the views line from the source's audience alone, and with reposts, across ρ
    (``exposure.decompose`` rows at one assumed ``repost_followers``), stacked."""
    d = table[table["repost_followers"] == repost_followers]
    long = pd.concat([pd.DataFrame({"rho": d["rho"], "how": how, "share": d[col]}) for how, col in
                      [("from the source's audience alone", "share_source_alone"),
                       ("needs reposts", "share_needs_reposts")]])
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("rho:O", title="rho (share of followers who see a post)"),
        y=alt.Y("share:Q", title="share of cascades", axis=alt.Axis(format="%"), stack=True),
        color=alt.Color("how:N", title=None, sort=["from the source's audience alone", "needs reposts"]),
        tooltip=["rho:O", "how:N", alt.Tooltip("share:Q", format=".1%")]).properties(height=260)


def intake_chart(monthly: pd.DataFrame, cut: str = "2013-09") -> alt.LayerChart:
    """Source posts per month and label (``periods.monthly_intake``), with a rule at the month ``cut``."""
    bars = alt.Chart(monthly).mark_line(point=True).encode(
        x=alt.X("month:T", title="month of the source post (Beijing time)", timeUnit="yearmonth"),
        y=alt.Y("sources:Q", title="source posts in the collection"), color=alt.Color("label:N", title=None),
        tooltip=[alt.Tooltip("month:T", timeUnit="yearmonth", title="month"), "label:N", "sources:Q"])
    rule = alt.Chart(pd.DataFrame({"month": [cut]})).mark_rule(strokeDash=[4, 4], color="gray").encode(
        x=alt.X("month:T", timeUnit="yearmonth"))
    return alt.layer(bars, rule).properties(height=280)
