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
    """"Data: ..." for the data sets given (names or ``Corpus`` objects): each by name with its pinned upstream
    archive (the page's data section, ``pages.data_section``, gives the citations), or, for a researcher's own
    data, its sidecar's title and citation.

    Parameters
    ----------
    *datasets : str or Corpus
        Catalogued names (or ``"synthetic"``), or corpora, whose ``source`` describes them (a corpus
        without a source reads as its name). Any other string is used as it is. Repeats are shown once.

    Returns
    -------
    str
        ``"Data: A; B."``

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.charts.figure import source_line
    >>> source_line("ced")
    'Data: CED (Weibo), thunlp/Chinese_Rumor_Dataset at c1178d8.'
    >>> source_line("synthetic", "a survey of my own")
    'Data: synthetic data made by ws.synthetic_posts (no real posts); a survey of my own.'
    >>> print(source_line(ws.load("examples/weibo-cascades.csv")))
    Data: Example Weibo-like cascades: 30,270 synthetic posts in 303 cascades, ... (no real posts or accounts).
    """
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

    Parameters
    ----------
    chart : altair.TopLevelMixin
        The chart.
    title : str
        A title that states the chart's point; shown as "Figure N. title".
    caption : str, optional
        A sentence or two under the chart (the chart's subtitle elsewhere).
    source : str, optional
        The source line (``source_line(...)``).
    anchor : str, optional
        The figure's id, lowercase words joined by hyphens, that sentences link to (default: from the
        title). The first figure built with an anchor is "Figure 1", the next "Figure 2", and so on.
    data : str, optional
        The data set the downloaded CSV comes from, when the chart holds several.

    Returns
    -------
    altair.TopLevelMixin
        The chart with its title and the figure's details in ``usermeta["wechat_study"]``.

    Raises
    ------
    ValueError
        An ``anchor`` that is not lowercase words joined by hyphens (from ``narrative.register_anchor``).

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> from wechat_study.charts.figure import figure
    >>> table = pd.DataFrame({"reposts": [1, 10, 100], "share": [0.9, 0.3, 0.05]})
    >>> chart = alt.Chart(table).mark_line().encode(x="reposts:Q", y="share:Q")
    >>> fig = figure(chart, "Few cascades reach 100 reposts", caption="Share of cascades reaching each count.",
    ...              source="Data: synthetic.")
    >>> spec = fig.to_dict()
    >>> spec["usermeta"]["wechat_study"]["anchor"], spec["width"]
    ('few-cascades-reach-100-reposts', 'container')
    >>> spec["title"]["text"]
    'Figure ... Few cascades reach 100 reposts'
    """
    anchor, label = nv.anchor_for(title, "Figure", anchor)
    meta = {"anchor": anchor, "label": label, "title": title, "caption": caption or "", "source": source or ""}
    if data:
        meta["data"] = data
    out = chart.properties(title=alt.TitleParams(f"{label}. {title}", subtitle=caption or alt.Undefined),
                           usermeta={"wechat_study": meta})
    if isinstance(out, alt.Chart | alt.LayerChart) and _fills_width(out.to_dict(validate=False)):
        out = out.properties(width="container")
    return out


def reference(chart: alt.TopLevelMixin, *, x=None, y=None, label: str | None = None,
              side: str = "auto", end: str = "top") -> alt.LayerChart:
    """A dashed reference line at ``x`` (vertical) or ``y`` (horizontal), labelled in words (e.g. the threshold).

    The label sits at the ``end`` of a vertical line (on its ``side``: "right", "left", or "auto": whichever
    side has room, decided in the browser at the chart's drawn width), or at the left end
    of a horizontal one; keep it short, it must fit a phone-wide chart.

    Parameters
    ----------
    chart : altair.TopLevelMixin
        The chart the line is drawn over.
    x, y : number or str, optional
        The line's position in data units of that axis; give exactly one.
    label : str, optional
        The words beside the line (none without it).
    side : str
        For a vertical line's label: ``"right"``, ``"left"`` or ``"auto"``. ``"auto"`` applies to a numeric
        ``x`` only; otherwise the label goes on the right.
    end : str
        For a vertical line's label: ``"top"`` or ``"bottom"`` of the plot (choose the end the data leave
        empty, e.g. ``"bottom"`` over cumulative curves that end near 100%).

    Returns
    -------
    altair.LayerChart
        ``chart``, the dashed rule and the label, as layers.

    Raises
    ------
    ValueError
        Neither or both of ``x`` and ``y`` given.

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> from wechat_study.charts.figure import reference
    >>> table = pd.DataFrame({"reposts": [1, 10, 100, 1000], "share": [0.9, 0.3, 0.05, 0.01]})
    >>> chart = alt.Chart(table).mark_line().encode(x=alt.X("reposts:Q").scale(type="log"), y="share:Q")
    >>> len(reference(chart, x=100, label="100 reposts").layer)
    3
    >>> reference(chart, x=100, y=0.5)
    Traceback (most recent call last):
    ...
    ValueError: give the reference line one position: x=... or y=...
    """
    if (x is None) == (y is None):
        raise ValueError("give the reference line one position: x=... or y=...")
    if end not in ("top", "bottom"):
        raise ValueError(f"end={end!r}: use 'top' or 'bottom'")
    where = {"x": alt.datum(x)} if x is not None else {"y": alt.datum(y)}
    rule = alt.Chart().mark_rule(strokeDash=[5, 4], color=MUTED, strokeWidth=1.2).encode(**where)
    layers = [chart, rule]
    if label:
        top = end == "top"
        pos = ({"x": alt.datum(x), "y": alt.value(2 if top else {"expr": "height - 2"})} if x is not None
               else {"y": alt.datum(y), "x": alt.value(2)})
        align, dx = ("right", -4) if (x is not None and side == "left") else ("left", 4)
        if x is not None and side == "auto" and isinstance(x, int | float):
            right = f"scale('x', {float(x)!r}) > width * 0.6"  # label on the side with room for it
            align, dx = alt.ExprRef(f"{right} ? 'right' : 'left'"), alt.ExprRef(f"{right} ? -4 : 4")
        layers.append(alt.Chart().mark_text(align=align, baseline="top" if (x is not None and top) else "bottom", dx=dx,
                                            dy=-2 if y is not None else 0, color=MUTED, fontSize=11)
                      .encode(text=alt.value(label), **pos))
    return alt.layer(*layers)


def diagonal(chart: alt.TopLevelMixin, x: str, y: str, label: str = "perfect calibration",
             start: float = 0.0, end: float = 1.0) -> alt.LayerChart:
    """The line y = x under ``chart`` (fields ``x`` and ``y``), e.g. perfect calibration.

    Parameters
    ----------
    chart : altair.TopLevelMixin
        The chart drawn over the line.
    x, y : str
        The quantitative fields of the chart's x and y axes.
    label : str
        What the line is, shown in its tooltip.
    start, end : float
        Where the line starts and ends, in data units of both axes.

    Returns
    -------
    altair.LayerChart
        The dashed line, then ``chart``, as layers.

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> from wechat_study.charts.figure import diagonal
    >>> table = pd.DataFrame({"predicted": [0.1, 0.5, 0.9], "observed": [0.15, 0.45, 0.8]})
    >>> chart = alt.Chart(table).mark_point().encode(x="predicted:Q", y="observed:Q")
    >>> layered = diagonal(chart, "predicted", "observed")
    >>> len(layered.layer), layered.layer[0].data["reference"].tolist()
    (2, ['perfect calibration', 'perfect calibration'])
    """
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
    template) draws it with vega-embed (SVG) and wires the CSV download. Registered with altair as the
    ``wechat_study_report`` renderer, enabled when ``WECHAT_STUDY_REPORT`` is set.

    Parameters
    ----------
    spec : dict
        The chart's Vega-Lite spec; the figure's details, when ``figure`` made it, are read from its
        ``usermeta`` (and its title is then shown as HTML instead).
    **kwargs
        Renderer options altair passes; unused.

    Returns
    -------
    dict
        ``{"text/html": ...}``: a ``<figure>`` with the heading, the chart's ``<div>`` and spec, the
        caption, the source line and the download button. Chart ids count up in the session
        (``chart-1``, ``chart-2``, ...).

    Examples
    --------
    >>> import altair as alt
    >>> import pandas as pd
    >>> from wechat_study.charts.figure import figure, report_renderer
    >>> chart = alt.Chart(pd.DataFrame({"reposts": [1, 10], "share": [0.9, 0.3]})).mark_line().encode(
    ...     x="reposts:Q", y="share:Q")
    >>> out = report_renderer(figure(chart, "Shares fall with reposts", anchor="shares-fall").to_dict())
    >>> print(out["text/html"][:96])
    <figure class="ws-figure" id="shares-fall"><h3 class="ws-figure-title" id="chart-...-title">Figure...
    """
    div = f"chart-{next(_chart_ids)}"
    spec = dict(spec)
    meta = (spec.pop("usermeta", None) or {}).get("wechat_study") or {}
    if meta:
        spec.pop("title", None)
        spec.setdefault("description", " ".join(x for x in (meta["label"] + ". " + meta["title"] + ".",
                                                             meta.get("caption", "")) if x))
    if "width" not in spec and _fills_width(spec):
        spec["width"] = "container"
    anchor = html.escape(meta.get("anchor") or f"{div}-figure")
    head = (f'<h3 class="ws-figure-title" id="{div}-title">{html.escape(meta["label"] + ". " + meta["title"])}</h3>'
            if meta else "")
    notes = " ".join(x for x in (html.escape(meta.get("caption", "")),
                                  f'<span class="ws-source">{html.escape(meta["source"])}</span>' if meta.get("source")
                                  else "") if x)
    download = (f'<button type="button" class="ws-download" data-chart="{div}" data-file="{anchor}.csv"'
                f'{" data-dataset=" + chr(34) + html.escape(meta["data"]) + chr(34) if meta.get("data") else ""}>'
                "Download the data (CSV)</button>")
    html_text = (f'<figure class="ws-figure" id="{anchor}">{head}<div id="{div}" class="ws-chart"></div>'
                 f'<script type="application/json" id="{div}-spec">{_safe_json(spec)}</script>'
                 f'<script>wsChart("{div}");</script>'
                 f'<figcaption id="{div}-caption">{notes} {download}</figcaption></figure>')
    return {"text/html": html_text}


alt.renderers.register("wechat_study_report", report_renderer)
alt.data_transformers.enable("default", max_rows=20_000)  # page weight is what limits a report (tested < 2 MB)
if os.environ.get("WECHAT_STUDY_REPORT"):
    alt.renderers.enable("wechat_study_report")
