"""A chart as a report figure: title, caption, source line, reference lines and the offline report renderer.

When notebooks run for the reports (``WECHAT_STUDY_REPORT=1``), charts render as a ``<div>`` and a ``vegaEmbed``
call with counter-based ids; the report page carries the Vega libraries once.
"""

from __future__ import annotations

import html
import itertools
import json
import os

import altair as alt
import pandas as pd

from .. import narrative as nv
from .theme import MUTED

__all__ = ["source_line", "figure", "reference", "diagonal", "report_renderer"]


def source_line(*datasets) -> str:
    """"Data: ..." for the data sets given (names or ``Corpus`` objects): each with its citation and the
    pinned upstream commit, or, for a researcher's own data, its sidecar's title and citation."""
    from ..corpus import Source

    parts = []
    for d in datasets:
        if isinstance(d, str):
            parts.append(Source.of(d).described if d in _catalog() or d == "synthetic" else d)
        else:
            parts.append(d.source.described if d.source is not None else d.name)
    return "Data: " + "; ".join(dict.fromkeys(parts)) + "."


def _catalog():
    from ..datasets.catalog import CATALOG

    return CATALOG


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
