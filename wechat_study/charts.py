"""Altair chart builders and the house theme (the one place that defines how charts look).

Importing this module registers and enables the ``wechat_study`` theme. When notebooks run for
the reports (``WECHAT_STUDY_REPORT=1``), charts render as a ``<div>`` and a ``vegaEmbed`` call
with counter-based ids; the report page carries the Vega libraries once.
"""

from __future__ import annotations

import html
import itertools
import json
import os

import altair as alt
import networkx as nx
import numpy as np
import pandas as pd

from . import narrative as nv
from .graph import repost_graph

THEME = "wechat_study"
FONT = "system-ui, -apple-system, 'Segoe UI', 'Noto Sans', 'Noto Sans CJK SC', sans-serif"
PALETTE = ["#1f5f8b", "#d1495b", "#edae49", "#00798c", "#66a182", "#8d96a3", "#2e4057", "#9b5de5"]
INK, MUTED = "#222222", "#666666"

#: One palette per concept, the same in every chart: code -> colour.
PALETTES: dict[str, dict[str, str]] = {
    "group": {"rumour": "#d1495b", "non-rumour": "#1f5f8b", "false": "#d1495b", "true": "#1f5f8b",
              "unverified": "#edae49", "all": "#555555"},
    "dataset": {"ced": "#2e4057", "wbmsf": "#00798c", "twitter15": "#edae49", "twitter16": "#c77d00",
                "wechatscope": "#66a182", "synthetic": "#8d96a3"},
    "reason": {"author_deleted": "#8d96a3", "violation": "#d1495b", "rule_violation": "#d1495b",
               "account_blocked": "#6a040f", "complaint": "#edae49", "migrated": "#00798c",
               "account_migrated": "#00798c"},
    "model": {"count_baseline": "#8d96a3", "seismic": "#1f5f8b", "hawkes": "#00798c", "hawkes_marked": "#66a182",
              "logistic": "#d1495b", "features": "#edae49"},
}

#: Legend and axis words for the codes the library uses.
WORDS: dict[str, str] = {
    "ced": "CED (Weibo)", "wbmsf": "Wb-MSF (Weibo)", "twitter15": "Twitter15", "twitter16": "Twitter16",
    "wechatscope": "WeChatscope", "citizenlab": "Citizen Lab", "synthetic": "synthetic",
    "author_deleted": "deleted by the author", "violation": "removed for a rule violation",
    "rule_violation": "removed for a rule violation", "account_blocked": "account blocked",
    "complaint": "removed after a complaint", "migrated": "account migrated", "account_migrated": "account migrated",
    "count_baseline": "count baseline", "seismic": "SEISMIC", "hawkes": "Hawkes", "hawkes_marked": "marked Hawkes",
    "logistic": "logistic regression", "rho": "ρ", "non_rumour": "non-rumour",
}


def word(code) -> str:
    """The reader's word for a code (``author_deleted`` → "deleted by the author")."""
    return WORDS.get(str(code), str(code).replace("_", " "))


def readable(table: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """A copy of ``table`` with the codes in ``columns`` replaced by words (for legends and tooltips)."""
    out = table.copy()
    for c in columns:
        out[c] = out[c].map(word)
    return out


def palette(concept: str, codes) -> alt.Scale:
    """A colour scale for ``concept`` over the ``codes`` present (as words), fixed colours per code."""
    colours = PALETTES[concept]
    order = list(colours)
    present = sorted(dict.fromkeys(str(c) for c in codes), key=lambda c: order.index(c) if c in order else len(order))
    extra = iter(c for c in PALETTE if c not in colours.values())
    return alt.Scale(domain=[word(c) for c in present],
                     range=[colours.get(c) or next(extra, "#555555") for c in present])


def colour(field: str, concept: str, codes, title: str | None = None, legend: bool = True) -> alt.Color:
    """Colour by ``field`` (already in words, see ``readable``) with the concept's palette; full-opacity swatches."""
    return alt.Color(f"{field}:N", title=title, scale=palette(concept, codes),
                     legend=alt.Legend(symbolOpacity=1, symbolStrokeWidth=3) if legend else None)


@alt.theme.register(THEME, enable=True)
def house_theme() -> alt.theme.ThemeConfig:
    """Plain, legible defaults: one font, muted palette, light grid, legends on top, full-opacity swatches."""
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
        }
    }


def source_line(*names: str) -> str:
    """"Data: ..." for the data sets ``names``: each with its citation and the pinned upstream commit."""
    from .datasets.catalog import CATALOG

    parts = []
    for name in dict.fromkeys(names):
        d = CATALOG.get(name)
        if d is None:
            parts.append("synthetic data made by ws.synthetic_posts (no real posts)" if name == "synthetic" else name)
        else:
            parts.append(f"{word(name)}: {d.citation}; archive {d.owner}/{d.repo} at {d.commit[:7]}")
    return "Data: " + "; ".join(parts) + "."


def figure(chart: alt.TopLevelMixin, title: str, *, caption: str | None = None, source: str | None = None,
           anchor: str | None = None, data: str | None = None) -> alt.TopLevelMixin:
    """A chart ready for a report: a title that states its point, a caption, a source line and an anchor.

    The report shows the title and caption as HTML above and below the chart (so they wrap on a
    phone), numbered "Figure N", with a button that downloads the chart's data as CSV; the renderer
    also writes that data to ``reports/data/STEM/ANCHOR.csv``. ``data`` names the CSV columns'
    source when the chart holds several data sets (default: the largest). Single and layered charts
    are made as wide as the page (``width="container"``).
    """
    anchor = anchor or nv.slug(title)
    label = nv.register_anchor(anchor, "Figure")
    meta = {"anchor": anchor, "label": label, "title": title, "caption": caption or "", "source": source or ""}
    if data:
        meta["data"] = data
    out = chart.properties(title=alt.TitleParams(f"{label}. {title}", subtitle=caption or alt.Undefined),
                           usermeta={"wechat_study": meta})
    if isinstance(out, alt.Chart | alt.LayerChart) and _fills_width(out.to_dict(validate=False)):
        out = out.properties(width="container")
    return out


def reference(chart: alt.TopLevelMixin, *, x=None, y=None, label: str | None = None,
              side: str = "auto") -> alt.LayerChart:
    """A dashed reference line at ``x`` (vertical) or ``y`` (horizontal), labelled in words (e.g. the threshold).

    The label sits at the top of a vertical line (on its ``side``: "right", "left", or "auto": whichever
    side has room, decided in the browser at the chart's drawn width), or at the left end
    of a horizontal one; keep it short, it must fit a phone-wide chart."""
    if (x is None) == (y is None):
        raise ValueError("give the reference line one position: x=... or y=...")
    where = {"x": alt.datum(x)} if x is not None else {"y": alt.datum(y)}
    rule = alt.Chart().mark_rule(strokeDash=[5, 4], color=MUTED, strokeWidth=1.2).encode(**where)
    layers = [chart, rule]
    if label:
        pos = ({"x": alt.datum(x), "y": alt.value(2)} if x is not None else {"y": alt.datum(y), "x": alt.value(2)})
        align, dx = ("right", -4) if (x is not None and side == "left") else ("left", 4)
        if x is not None and side == "auto" and isinstance(x, int | float):
            right = f"scale('x', {float(x)!r}) > width * 0.6"  # label on the side with room for it
            align, dx = alt.ExprRef(f"{right} ? 'right' : 'left'"), alt.ExprRef(f"{right} ? -4 : 4")
        layers.append(alt.Chart().mark_text(align=align, baseline="top" if x is not None else "bottom", dx=dx,
                                            dy=-2 if y is not None else 0, color=MUTED, fontSize=11)
                      .encode(text=alt.value(label), **pos))
    return alt.layer(*layers)


def diagonal(chart: alt.TopLevelMixin, x: str, y: str, label: str = "perfect calibration",
             start: float = 0.0, end: float = 1.0) -> alt.LayerChart:
    """The line y = x under ``chart`` (fields ``x`` and ``y``), e.g. perfect calibration."""
    line = pd.DataFrame({x: [start, end], y: [start, end], "reference": [label, label]})
    ref = alt.Chart(line).mark_line(strokeDash=[5, 4], color=MUTED, strokeWidth=1.2).encode(
        x=f"{x}:Q", y=f"{y}:Q", tooltip=[alt.Tooltip("reference:N", title="line")])
    return alt.layer(ref, chart)


_chart_ids = itertools.count(1)


def _safe_json(value) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``<``, ``>`` or ``&`` characters at all,
    so no ``</script``, ``<!--`` or ``<script`` in the data can end or hide the element."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _fills_width(spec: dict) -> bool:
    """True for a single or layered view without facets (those can be as wide as their container)."""
    if any(k in spec for k in ("facet", "hconcat", "vconcat", "concat", "repeat")):
        return False
    if "layer" in spec:
        return all(_fills_width(v) for v in spec["layer"])
    return not ({"column", "row", "facet"} & set(spec.get("encoding", {})))


def report_renderer(spec: dict, **kwargs) -> dict:
    """A chart in an offline report: its figure (title, chart, caption, source, data download).

    The spec sits in a ``<script type="application/json">`` element; ``wsChart`` (defined by the report
    template) draws it with vega-embed (SVG) and wires the CSV download.
    """
    div = f"chart-{next(_chart_ids)}"
    spec = dict(spec)
    meta = (spec.pop("usermeta", None) or {}).get("wechat_study") or {}
    if meta:
        spec.pop("title", None)
    if "width" not in spec and _fills_width(spec):
        spec["width"] = "container"
    anchor = html.escape(meta.get("anchor") or f"{div}-figure")
    head = f'<h3 class="ws-figure-title">{html.escape(meta["label"] + ". " + meta["title"])}</h3>' if meta else ""
    notes = " ".join(x for x in (html.escape(meta.get("caption", "")),
                                  f'<span class="ws-source">{html.escape(meta["source"])}</span>' if meta.get("source")
                                  else "") if x)
    download = (f'<button type="button" class="ws-download" data-chart="{div}" data-file="{anchor}.csv"'
                f'{" data-dataset=" + chr(34) + html.escape(meta["data"]) + chr(34) if meta.get("data") else ""}>'
                "Download the data (CSV)</button>")
    html_text = (f'<figure class="ws-figure" id="{anchor}">{head}<div id="{div}" class="ws-chart"></div>'
                 f'<script type="application/json" id="{div}-spec">{_safe_json(spec)}</script>'
                 f'<script>wsChart("{div}");</script><figcaption>{notes} {download}</figcaption></figure>')
    return {"text/html": html_text}


alt.renderers.register("wechat_study_report", report_renderer)
alt.data_transformers.enable("default", max_rows=20_000)  # page weight is what limits a report (tested < 2 MB)
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
    title = f"An example cascade: {g.number_of_nodes():,} posts, {depth} hops deep at most"
    return alt.layer(links, dots).properties(title=title, height=height)


CONCEPTS = ("group", "dataset", "reason", "model")


def concept_of(codes) -> str | None:
    """The palette concept whose codes include every value in ``codes`` (None when no palette fits)."""
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


def ccdf_chart(ccdfs: pd.DataFrame, x_title: str, log_x: bool = True) -> alt.Chart:
    """Complementary CDFs, one line per ``group`` (columns ``value, share, group``), log-log by default."""
    scale = alt.Scale(type="log") if log_x else alt.Scale(zero=False)
    data, color = _grouped(ccdfs)
    return alt.Chart(data).mark_line(interpolate="step-after", strokeWidth=2).encode(
        x=alt.X("value:Q", title=x_title, scale=scale),
        y=alt.Y("share:Q", title="share of cascades at least this large (log scale)", scale=alt.Scale(type="log"),
                axis=alt.Axis(format="~%")),
        color=color,
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip("value:Q", title=x_title, format=",.3~f"),
                 alt.Tooltip("share:Q", title="share at least this large", format=".3~%")],
    ).properties(height=320)


def size_matched_chart(table: pd.DataFrame, groups=("rumour", "non-rumour"),
                       measure_title: str = "structural virality") -> alt.LayerChart:
    """Medians of a measure for two groups within each size bin (``compare.size_matched`` output), side by
    side; point size is the number of cascades behind it (also in the tooltip). Columns
    ``ci_low_<group>``/``ci_high_<group>``, when present, are drawn as 95% interval bars."""
    a, b = (g.replace("-", "_") for g in groups)

    def part(g, s):
        d = {"size_bin": table["size_bin"], "group": g, "median": table[f"median_{s}"], "n": table[f"n_{s}"]}
        if {f"ci_low_{s}", f"ci_high_{s}"} <= set(table.columns):
            d |= {"ci_low": table[f"ci_low_{s}"], "ci_high": table[f"ci_high_{s}"]}
        return pd.DataFrame(d)

    long = pd.concat([part(g, s) for g, s in zip(groups, (a, b), strict=True)]).dropna(subset=["median"])
    order = list(table["size_bin"])
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
    """Kaplan-Meier curves with their 95% bands (``thresholds.kaplan_meier`` curves), log time axis."""
    data, color = _grouped(curves[curves["hours"] > 0])
    _, no_legend = _grouped(curves[curves["hours"] > 0], legend=False)
    base = alt.Chart(data).encode(x=alt.X("hours:Q", title=x_title, scale=alt.Scale(type="log")))
    band = base.mark_area(opacity=0.18, interpolate="step-after").encode(
        y="ci_low:Q", y2="ci_high:Q", fill=_unlisted(no_legend, alt.Fill))
    line = base.mark_line(interpolate="step-after", strokeWidth=2).encode(
        y=alt.Y("survival:Q", title="share not yet at the threshold", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        color=color,
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip("hours:Q", title="hours", format=",.1f"),
                 alt.Tooltip("survival:Q", title="share not yet there", format=".1%")])
    return alt.layer(band, line).properties(height=320)


def share_lines(table: pd.DataFrame, x: str, x_title: str, y: str = "share", y_title: str = "share of cascades",
                log_x: bool = False) -> alt.LayerChart:
    """Shares (with ``ci_low``/``ci_high`` bands when present) against ``x``, one line per ``group``."""
    if "group" in table:
        data, color = _grouped(table)
    else:
        data, color = table.assign(group="all"), alt.Color("group:N", legend=None)
    _, no_legend = _grouped(data, legend=False)
    scale = alt.Scale(type="log") if log_x else alt.Scale()
    base = alt.Chart(data).encode(x=alt.X(f"{x}:Q", title=x_title, scale=scale))
    line = base.mark_line(point=True, strokeWidth=2).encode(
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%")),
        color=color,
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip(f"{x}:Q", title=x_title, format=",.4~g"),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=".1%")])
    if {"ci_low", "ci_high"} <= set(table.columns):
        band = base.mark_area(opacity=0.15).encode(y="ci_low:Q", y2="ci_high:Q", fill=_unlisted(no_legend, alt.Fill))
        return alt.layer(band, line).properties(height=300)
    return alt.layer(line).properties(height=300)


def heatmap(table: pd.DataFrame, x: str, y: str, value: str, x_title: str, y_title: str,
            value_title: str) -> alt.LayerChart:
    """A grid of shares (e.g. the views sweep), labelled with their values; as wide as the page."""
    base = alt.Chart(table).encode(x=alt.X(f"{x}:O", title=x_title, axis=alt.Axis(labelAngle=0)),
                                   y=alt.Y(f"{y}:O", title=y_title, sort="descending"))
    tips = [alt.Tooltip(f"{x}:O", title=x_title), alt.Tooltip(f"{y}:O", title=y_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=".1%")]
    cells = base.mark_rect(stroke="white", strokeWidth=1).encode(
        color=alt.Color(f"{value}:Q", title=value_title, scale=alt.Scale(scheme="blues", domain=[0, 1]),
                        legend=alt.Legend(format="%", orient="top", direction="horizontal", gradientLength=200)),
        tooltip=tips)
    text = base.mark_text(fontSize=12).encode(text=alt.Text(f"{value}:Q", format=".0%"), tooltip=tips,
                                              color=alt.condition(f"datum['{value}'] > 0.55", alt.value("white"),
                                                                  alt.value("black")))
    return alt.layer(cells, text).properties(height=alt.Step(34))


def bars(table: pd.DataFrame, category: str, value: str, category_title: str, value_title: str,
         value_format: str = ",") -> alt.Chart:
    """Horizontal bars, largest first; codes in ``category`` shown as words."""
    data = table.assign(**{category: table[category].map(word)})
    return alt.Chart(data).mark_bar().encode(
        y=alt.Y(f"{category}:N", title=category_title, sort="-x", axis=alt.Axis(labelLimit=180)),
        x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=value_format)]).properties(height=alt.Step(26))


def monthly_lines(table: pd.DataFrame, value: str = "removals", color: str = "reason") -> alt.Chart:
    """Counts per month (``month`` as YYYY-MM), one line per ``color`` value (codes shown as words)."""
    data, enc = _grouped(table, color)
    return alt.Chart(data).mark_line(point=alt.OverlayMarkDef(size=20), strokeWidth=2).encode(
        x=alt.X("month:T", title="month (Beijing time)", timeUnit="yearmonth"),
        y=alt.Y(f"{value}:Q", title=f"{word(value)} per month"), color=enc,
        tooltip=[alt.Tooltip("month:T", timeUnit="yearmonth", title="month"),
                 alt.Tooltip(f"{color}:N", title=word(color)),
                 alt.Tooltip(f"{value}:Q", title=word(value), format=",")],
    ).properties(height=300)


def histogram(values: pd.DataFrame, value: str, group: str, value_title: str,
              max_value: int | None = None) -> alt.Chart:
    """Shares of each whole-number value within each group (e.g. days to removal by reason), bars side by
    side in one view (no facets, so it fits a phone); the last value collects everything from ``max_value`` up."""
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


def threshold_explorer(data: pd.DataFrame, threshold_reposts: int = 500, threshold_views: int = 5000,
                       rho: float = 0.05, repost_followers: int = 100) -> alt.LayerChart:
    """Sliders for the repost threshold (50-1,000), ρ and followers per reposter; bars of the share of
    cascades crossing each line, by group, recomputed in the browser (``explorer.threshold_explorer_data``).

    Views follow ρ·(F_source + reposts·F_repost); both lines are inclusive (docs/methods.md#5-views-the-exposure-model).
    """
    t = alt.param(name="repost_threshold", value=threshold_reposts,
                  bind=alt.binding_range(min=50, max=1000, step=10, name="Repost threshold "))
    r = alt.param(name="rho", value=rho, bind=alt.binding_range(min=0.01, max=0.2, step=0.01,
                                                                name="ρ, share of followers who see a post "))
    f = alt.param(name="repost_followers", value=repost_followers,
                  bind=alt.binding_range(min=10, max=1000, step=10, name="Followers per reposter (assumed) "))
    grouped, color = _grouped(data)
    views = f"rho * (1000 * datum.source_followers_k + datum.reposts * repost_followers) >= {int(threshold_views)}"
    base = alt.Chart(grouped).transform_calculate(
        by_reposts="datum.reposts >= repost_threshold ? 1 : 0", by_views=f"{views} ? 1 : 0",
        w_reposts="datum.by_reposts * datum.cascades", w_views="datum.by_views * datum.cascades",
    ).transform_aggregate(
        crossing_reposts="sum(w_reposts)", crossing_views="sum(w_views)", cascades="sum(cascades)", groupby=["group"],
    ).transform_calculate(
        reposts_line="datum.crossing_reposts / datum.cascades", views_line="datum.crossing_views / datum.cascades",
    ).transform_fold(["reposts_line", "views_line"], as_=["line", "share"]).transform_calculate(
        line=f"datum.line == 'reposts_line' ? 'reposts ≥ threshold' : 'views ≥ {threshold_views:,}'")
    y = alt.Y("line:N", title=None, axis=alt.Axis(labelLimit=150))
    bars_ = base.mark_bar().encode(
        y=y, yOffset=alt.YOffset("group:N"), color=color,
        x=alt.X("share:Q", title="share of cascades crossing", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip("line:N", title="line"),
                 alt.Tooltip("share:Q", title="share crossing", format=".1%"),
                 alt.Tooltip("cascades:Q", title="cascades", format=",")])
    labels = base.mark_text(align="left", dx=4, fontSize=12).encode(
        y=y, yOffset=alt.YOffset("group:N"), x="share:Q", text=alt.Text("share:Q", format=".1%"),
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip("share:Q", title="share crossing", format=".1%")])
    return alt.layer(bars_, labels).add_params(t, r, f).properties(height=alt.Step(26))


# Early warning and deletion counterfactuals (models helper): words and colours for the predictors.
WORDS.setdefault("source_followers", "source's followers")
WORDS.setdefault("hawkes_pooled", "pooled Hawkes")
PALETTES["model"].setdefault("source_followers", "#edae49")
PALETTES["model"].setdefault("hawkes_pooled", "#2e4057")


def auc_lines(table: pd.DataFrame, x: str = "at_min", x_title: str = "minutes after the source post (log scale)",
              y: str = "auc", y_title: str = "ROC-AUC") -> alt.LayerChart:
    """AUC (or any score in [0, 1] that is not a share) with its ``ci_low``/``ci_high`` band, one line per
    ``model``, against observation time on a log axis."""
    data, color = _grouped(table.rename(columns={"model": "group"}))
    base = alt.Chart(data).encode(x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(type="log")))
    band = base.mark_area(opacity=0.15).encode(y="ci_low:Q", y2="ci_high:Q", color=color)  # the same legend
    line = base.mark_line(point=True, strokeWidth=2).encode(
        y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(zero=False)), color=color,
        tooltip=[alt.Tooltip("group:N", title="model"), alt.Tooltip(f"{x}:Q", title=x_title, format=",.4~g"),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=".3f"),
                 alt.Tooltip("ci_low:Q", title="95% interval, low", format=".3f"),
                 alt.Tooltip("ci_high:Q", title="95% interval, high", format=".3f")])
    return alt.layer(band, line).properties(height=320)


def cumulative_lines(table: pd.DataFrame, x: str, x_title: str, group: str = "reason", y: str = "share",
                     y_title: str = "share seen by then") -> alt.Chart:
    """Cumulative shares against a whole-number ``x`` (e.g. days since publication), one stepped line per
    ``group``, coloured by its concept's palette."""
    data, enc = _grouped(table, group)
    return alt.Chart(data).mark_line(interpolate="step-after", point=True).encode(
        x=alt.X(f"{x}:Q", title=x_title, axis=alt.Axis(tickMinStep=1)),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])), color=enc,
        tooltip=[alt.Tooltip(f"{group}:N", title=word(group)), alt.Tooltip(f"{x}:Q", title=x_title),
                 alt.Tooltip(f"{y}:Q", title=y_title, format=".1%")],
    ).properties(height=280)


def interval_dots(table: pd.DataFrame, category: str, value: str, category_title: str, value_title: str,
                  value_format: str = ".1%", colour_by: str | None = None, extra_tooltips=(),
                  axis_format: str | None = None) -> alt.LayerChart:
    """One dot per ``category`` at ``value`` with its 95% interval (``ci_low`` to ``ci_high``) as a bar
    through it, categories in table order; codes shown as words, coloured by ``colour_by``'s concept.
    ``value_format`` is for tooltips; the axis uses ``axis_format`` (default: whole percents or plain numbers)."""
    axis_format = axis_format or ("%" if value_format.endswith("%") else "~g")
    data = table.assign(**{category: table[category].map(word)})
    enc = alt.value(PALETTE[0])
    if colour_by is not None:
        data, enc = _grouped(data, colour_by, legend=False)
    y = alt.Y(f"{category}:N", title=category_title, sort=list(data[category]), axis=alt.Axis(labelLimit=120))
    tips = [alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
            alt.Tooltip("ci_low:Q", title="95% interval from", format=value_format),
            alt.Tooltip("ci_high:Q", title="95% interval to", format=value_format), *extra_tooltips]
    base = alt.Chart(data).encode(y=y, color=enc, tooltip=tips)
    rules = base.mark_rule(strokeWidth=2, opacity=0.6).encode(
        x=alt.X("ci_low:Q", title=value_title, axis=alt.Axis(format=axis_format, tickCount=6)), x2="ci_high:Q")
    dots = base.mark_point(filled=True, size=70, opacity=1).encode(x=f"{value}:Q")
    return alt.layer(rules, dots).properties(height=alt.Step(24))


def distinctive_words_chart(top: pd.DataFrame, reason: str) -> alt.LayerChart:
    """The distinctive title words of one removal ``reason`` (``titles.record_distinctive`` rows): log-odds
    against the other removals with 95% intervals, words labelled with their English gloss, a line at 0."""
    rows = top[top["reason"] == reason]
    label = rows["word"] + rows["gloss"].map(lambda g: f" ({g})" if g else "")
    tips = [alt.Tooltip("titles:Q", title="titles"), alt.Tooltip("accounts:Q", title="accounts"),
            alt.Tooltip("z:Q", title="z", format=".1f")]
    dots = interval_dots(rows.assign(word=label), "word", "delta", "word", "log-odds against the other removals",
                         value_format=".2f", extra_tooltips=tips)
    return reference(dots, x=0)


def estimates_chart(table: pd.DataFrame, reference: float = 1.0, log_x: bool = True,
                    x_title: str = "odds ratio") -> alt.LayerChart:
    """Crude and adjusted estimates with their 95% intervals, one row per method (``adjust.compare_*`` output),
    with a rule at the no-difference value ``reference``."""
    d = table.dropna(subset=["estimate"]).reset_index(drop=True)
    short = d["method"].str.replace(r" \(.*\)$", "", regex=True)
    d = d.assign(row=short + (" · " + d["estimand"] if d["estimand"].nunique() > 1 else ""))
    lo, hi = min(d["ci_low"].min(), reference), max(d["ci_high"].max(), reference)
    pad = (hi / lo) ** 0.08 if log_x and lo > 0 else None
    domain = [lo / pad, hi * pad] if pad else [lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo)]
    scale = alt.Scale(type="log" if pad else "linear", domain=domain, nice=False, zero=False)
    base = alt.Chart(d).encode(y=alt.Y("row:N", title=None, sort=list(d["row"]), axis=alt.Axis(labelLimit=130)))
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title=x_title, scale=scale, axis=alt.Axis(labelFlush=True)), x2="ci_high:Q")
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
    long = pd.concat([pd.DataFrame({"rho": d["rho"], "how": how, "share": d[col], "order": i}) for i, (how, col) in
                      enumerate([("from the source's audience alone", "share_source_alone"),
                                 ("needs reposts", "share_needs_reposts")])])
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("rho:O", title="ρ (share of followers who see a post)", axis=alt.Axis(labelAngle=0)),
        order=alt.Order("order:Q", sort="ascending"),
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


def clock_chart(long: pd.DataFrame, x_title: str = "hours after the source post (log scale)") -> alt.LayerChart:
    """Shares by hour, one line per ``group`` (``early_warning.clock_long``), with 95% bands where a row has
    ``ci_low``/``ci_high``; the legend sits above the plot."""
    groups = list(dict.fromkeys(long["group"]))
    scale = alt.Scale(domain=groups, range=PALETTE[:len(groups)])
    color = alt.Color("group:N", title=None, scale=scale,
                      legend=alt.Legend(orient="top", columns=1, symbolOpacity=1, labelLimit=320))
    base = alt.Chart(long).encode(x=alt.X("hours:Q", title=x_title, scale=alt.Scale(type="log")))
    band = base.transform_filter("isValid(datum.ci_low)").mark_area(opacity=0.15).encode(
        y="ci_low:Q", y2="ci_high:Q", color=color)  # the same legend, so it is kept
    line = base.mark_line(point=True, strokeWidth=2).encode(
        y=alt.Y("share:Q", title="share of cascades", axis=alt.Axis(format="%")), color=color,
        tooltip=[alt.Tooltip("group:N", title="line"), alt.Tooltip("hours:Q", title="hours", format=",.4~g"),
                 alt.Tooltip("share:Q", title="share", format=".1%")])
    return alt.layer(band, line).properties(height=320)
