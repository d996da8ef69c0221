"""The HTML pages: one self-contained report per executed notebook, and the index.

- ``render(executed, stem)`` turns an executed notebook into a page: no code, no network requests,
  the Vega libraries inlined once, stable bytes for the same inputs.
- ``index_page(ledger)`` is ``reports/index.html``.
"""

from __future__ import annotations

import html
import json
import re
from functools import lru_cache
from pathlib import Path

import nbformat
import pandas as pd

from . import paths
from .atomic import write_text

PACKAGE = paths.PACKAGE
REPORTS = paths.CHECKOUT / "reports"


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script that defines ``window.vegaEmbed``."""
    import altair as alt
    import vl_convert as vlc

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return vlc.javascript_bundle(snippet="window.vegaEmbed = vegaEmbed;", vl_version=version).replace("</script",
                                                                                                  "<\\/script")


def render(executed: Path, stem: str) -> str:
    """The report page for an executed notebook: markdown and outputs, no code, no prompts.

    The findings box ("What we found") moves to just after the question (the first markdown cell),
    wherever the notebook built it; the page ends with its version line (``version_line``).
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="report", extra_template_basedirs=[str(PACKAGE / "templates")],
                            exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)
    nb = findings_first(nbformat.read(executed, as_version=4))
    nb.metadata["title"] = title(nb, stem)
    resources = {"vega_bundle": vega_bundle(), "metadata": {"name": stem},
                 "version_line": version_line(executed_parameters(nb))}
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _has_box(cell) -> bool:
    return cell.cell_type == "code" and any("data-ws-findings" in str(o.get("data", {}).get("text/html", ""))
                                            for o in cell.get("outputs", []))


def findings_first(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with the cell that shows the findings box moved right after the first markdown cell."""
    boxes = [i for i, c in enumerate(nb.cells) if _has_box(c)]
    first_md = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), None)
    if not boxes or first_md is None or boxes[0] == first_md + 1:
        return nb
    cell = nb.cells.pop(boxes[0])
    nb.cells.insert(first_md + 1, cell)
    return nb


def executed_parameters(nb: nbformat.NotebookNode) -> dict:
    """The parameters a notebook ran with: its parameters cell, overridden by papermill's injected cell."""
    import ast

    params: dict = {}
    for tag in ("parameters", "injected-parameters"):
        for cell in nb.cells:
            if tag in cell.metadata.get("tags", []):
                for node in ast.parse(cell.source).body:
                    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                        try:
                            params[node.targets[0].id] = ast.literal_eval(node.value)
                        except ValueError:
                            pass
    return params


def version_line(params: dict) -> str:
    """Which code and data made a page: the data sets' pinned upstream commits and the library's source
    digest (the one the run cache uses). No date and no git commit, so unchanged inputs give the same bytes."""
    from .datasets.catalog import CATALOG
    from .reporting import datasets_used, library_digest

    used = datasets_used(params)
    data = "; ".join(f"{CATALOG[n].owner}/{CATALOG[n].repo} at {CATALOG[n].commit[:12]} ({html.escape(n)})"
                     for n in used) or "synthetic data (no data set)"
    return (f"Made by wechat_study {html.escape(_version())}, library source digest {library_digest()[:16]}, "
            f"from {data}.")


def _version() -> str:
    from . import __version__

    return __version__


def title(nb: nbformat.NotebookNode, stem: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return stem


def _shown(value) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, str):
        return value
    return f"table of {len(value)} rows" if isinstance(value, list) else "table"


def index_page(ledger: dict[str, dict], stems: list[str]) -> str:
    """``reports/index.html``: each investigation, its findings, a link to its report. No scripts."""
    out = ['<!DOCTYPE html>', '<html lang="en">', "<head>", '<meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
           "<title>wechat_study: reports</title>",
           "<style>body{font:15px/1.5 system-ui,-apple-system,'Segoe UI','Noto Sans CJK SC',sans-serif;max-width:980px;"
           "margin:0 auto;padding:1.5em 1em 4em;color:#222}table{border-collapse:collapse;width:100%;margin:.5em 0 2em}"
           "td,th{border-bottom:1px solid #e3e3e3;padding:.3em .5em;text-align:left;vertical-align:top}"
           "td.v{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}code{font-size:13px}</style>",
           "</head>", "<body>", "<h1>wechat_study: reports</h1>",
           "<p>Each investigation below is a notebook run by <code>wechat-study reproduce</code>; its findings are "
           "the ledger (<a href=\"findings.json\">findings.json</a>) that <code>wechat-study verify</code> re-checks.</p>"]
    for stem in stems:
        report = REPORTS / f"{stem}.html"
        mine = {k: v for k, v in sorted(ledger.items()) if v.get("notebook") == stem}
        heading = html.escape(_report_title(report) or stem)
        out.append(f'<h2><a href="{html.escape(stem)}.html">{heading}</a></h2>')
        out.append("<table><thead><tr><th>finding</th><th>value</th><th>note</th></tr></thead><tbody>")
        for name, f in mine.items():
            out.append(f"<tr><td><code>{html.escape(name)}</code></td><td class=\"v\">{html.escape(_shown(f['value']))}"
                       f"</td><td>{html.escape(f.get('note') or '')}</td></tr>")
        out.append("</tbody></table>")
    out += ["</body>", "</html>", ""]
    return "\n".join(out)


def _report_title(report: Path) -> str | None:
    if not report.is_file():
        return None
    text = report.read_text("utf-8")
    a, b = text.find("<title>"), text.find("</title>")
    return html.unescape(text[a + 7:b]) if a >= 0 and b > a else None


_FIGURE = re.compile(r'<figure class="ws-figure" id="([^"]+)">.*?<script type="application/json" id="([^"]+)-spec">'
                     r"(.*?)</script>.*?<button[^>]*class=\"ws-download\"[^>]*?(?:data-dataset=\"([^\"]*)\")?[^>]*>",
                     re.S)


def chart_data(executed: Path) -> dict[str, pd.DataFrame]:
    """The data behind each chart of an executed notebook, by its anchor: the data set the figure names,
    else the largest one in its Vega-Lite spec (the same rows the page's CSV button downloads)."""
    nb = nbformat.read(executed, as_version=4)
    out: dict[str, pd.DataFrame] = {}
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            text = o.get("data", {}).get("text/html", "")
            text = "".join(text) if isinstance(text, list) else text
            for anchor, _div, body, name in _FIGURE.findall(text):
                sets = json.loads(body).get("datasets") or {}
                rows = sets.get(name) if name else None
                if rows is None and sets:
                    rows = max((sets[k] for k in sorted(sets)), key=len)
                out[anchor] = pd.DataFrame(rows or [])
    return out


def write_chart_data(executed: Path, stem: str, folder: Path | None = None) -> list[Path]:
    """Write each chart's data as ``reports/data/STEM/ANCHOR.csv`` (UTF-8, stable bytes); remove CSVs of
    charts the report no longer has. ``reporting.reproduce`` calls this next to ``render``."""
    folder = (folder or REPORTS / "data") / stem
    written = []
    for anchor, frame in chart_data(executed).items():
        path = folder / f"{anchor}.csv"
        write_text(path, frame.to_csv(index=False, lineterminator="\n"))
        written.append(path)
    for old in folder.glob("*.csv") if folder.is_dir() else []:
        if old not in written:
            old.unlink()
    return written
