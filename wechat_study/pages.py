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

__all__ = [
    "PACKAGE", "REPORTS", "vega_bundle", "render", "findings_first", "without_skipped", "executed_parameters",
    "version_line", "title", "QUESTION", "readable_name", "index_page", "chart_data", "write_chart_data"
]

PACKAGE = paths.PACKAGE
REPORTS = paths.CHECKOUT / "reports"


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script that defines ``window.vegaEmbed``."""
    import altair as alt
    import vl_convert as vlc

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return vlc.javascript_bundle(snippet="window.vegaEmbed = vegaEmbed;", vl_version=version).replace(
        "</script", "<\\/script"
    )


def render(executed: Path, stem: str) -> str:
    """The report page for an executed notebook: markdown and outputs, no code, no prompts.

    The findings box ("What we found") moves to just after the question (the first markdown cell),
    wherever the notebook built it; the page ends with its version line (``version_line``).
    """
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(PACKAGE / "templates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb = findings_first(without_skipped(nbformat.read(executed, as_version=4)))
    nb.metadata["title"] = title(nb, stem)
    resources = {
        "vega_bundle": vega_bundle(),
        "metadata": {"name": stem},
        "version_line": version_line(executed_parameters(nb)),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def _has_box(cell) -> bool:
    return cell.cell_type == "code" and any(
        "data-ws-findings" in str(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", [])
    )


def findings_first(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with the cell that shows the findings box moved right after the first markdown cell."""
    boxes = [i for i, c in enumerate(nb.cells) if _has_box(c)]
    first_md = next((i for i, c in enumerate(nb.cells) if c.cell_type == "markdown"), None)
    if not boxes or first_md is None or boxes[0] == first_md + 1:
        return nb
    cell = nb.cells.pop(boxes[0])
    nb.cells.insert(first_md + 1, cell)
    return nb


def without_skipped(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook without the markdown cells tagged ``needs-X`` for an X its run found missing, and
    those tagged ``unless-X`` for an X it had (``supports.section`` and ``supports.summary`` name what
    is missing in their outputs' metadata)."""
    from .supports import MISSING_KEY

    missing = {need for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
               for need in (o.get("metadata") or {}).get(MISSING_KEY, [])}

    def dropped(cell) -> bool:
        tags = cell.metadata.get("tags", []) if cell.cell_type == "markdown" else []
        return any(t.removeprefix("needs-") in missing for t in tags if t.startswith("needs-")) or any(
            t.removeprefix("unless-") not in missing for t in tags if t.startswith("unless-"))

    nb.cells = [c for c in nb.cells if not dropped(c)]
    return nb


def executed_parameters(nb: nbformat.NotebookNode) -> dict:
    """The parameters a notebook ran with: its parameters cell, overridden by papermill's injected cell."""
    import ast

    params: dict = {}
    for tag in ("parameters", "injected-parameters"):
        for cell in nb.cells:
            if tag in cell.metadata.get("tags", []):
                for node in ast.parse(cell.source).body:
                    if (
                        isinstance(node, ast.Assign)
                        and len(node.targets) == 1
                        and isinstance(node.targets[0], ast.Name)
                    ):
                        try:
                            params[node.targets[0].id] = ast.literal_eval(node.value)
                        except ValueError:
                            pass
    return params


def version_line(params: dict) -> str:
    """Which code and data made a page: the data sets' pinned upstream commits and the library's source
    digest (the one the run cache uses). No date and no git commit, so unchanged inputs give the same bytes."""
    from .datasets.catalog import CATALOG
    from .reporting import datasets_used, library_digest, user_paths

    used = datasets_used(params)
    parts = [f"{CATALOG[n].owner}/{CATALOG[n].repo} at {CATALOG[n].commit[:12]} ({html.escape(n)})" for n in used]
    parts += [f"the researcher's {html.escape(Path(p).name)} (SHA-256 {_input_digest(p)[:12]})"
              for p in user_paths(params)]
    data = "; ".join(parts) or "synthetic data (no data set)"
    return (
        f"Made by wechat_study {html.escape(_version())}, library source digest {library_digest()[:16]}, from {data}."
    )


def _input_digest(path: str) -> str:
    """SHA-256 over a researcher's input files (their bytes, in ``user.input_files`` order)."""
    import hashlib

    from .datasets import user

    h = hashlib.sha256()
    for f in user.input_files(user.describe(path)):
        with open(f, "rb") as fh:
            h.update(hashlib.file_digest(fh, "sha256").digest())
    return h.hexdigest()


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


QUESTION = (
    "In 2013 China's Supreme People's Court and Supreme People's Procuratorate made online defamation a "
    "\u201cserious circumstance\u201d once the same post is reposted 500 times or viewed 5,000 times "
    "(\u6cd5\u91ca\u30142013\u301521\u53f7, Art. 2(1)). How often, and how fast, do posts on Sina Weibo and WeChat "
    "cross those lines, could it be seen coming, and what does censorship look like on WeChat? Each "
    "investigation below answers part of that question on public data, with its uncertainty stated."
)


def _css() -> str:
    return (PACKAGE / "templates" / "report" / "report.css").read_text("utf-8")


def _ledger_value(name: str, value) -> str:
    """A ledger value for readers: shares as percentages, p-values as p, counts with separators, tables as tables."""
    from . import narrative as nv

    if isinstance(value, list):
        return _mini_table(value)
    if isinstance(value, dict):
        return _mini_table([value])
    last = name.rsplit(".", 1)[-1]
    if isinstance(value, float) and ("share" in name or last in {"ci_low", "ci_high"} and "share" in name):
        return html.escape(nv.share(value))
    if isinstance(value, float) and (
        last.startswith("p_") or last.endswith("_p") or last in {"p", "p_value"} or "_p_" in last
    ):
        return html.escape(nv.p_value(value).removeprefix("p = ").replace("p < ", "< "))
    if isinstance(value, bool) or value is None:
        return html.escape({True: "yes", False: "no", None: "not reached"}[value])
    if isinstance(value, float):
        return html.escape(nv.number(value, digits=4))
    if isinstance(value, int):
        return html.escape(nv.count(value))
    return html.escape(str(value))


def _mini_table(rows: list) -> str:
    from .tables import header

    rows = [r if isinstance(r, dict) else {"value": r} for r in rows]
    cols = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{html.escape(header(c))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_ledger_value(c, r.get(c))}</td>" for c in cols) + "</tr>" for r in rows)
    table = f'<table class="ws-mini"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<div class="ws-table-scroll">{table}</div>'


def readable_name(name: str) -> str:
    """A finding name for readers: ``thresholds.ced.share_500`` → "thresholds › ced › share 500"."""
    return " \u203a ".join(part.replace("_", " ") for part in name.split("."))


def _citation() -> str:
    """How to cite the project, from ``CITATION.cff`` when the checkout has one."""
    import yaml

    cff = paths.CHECKOUT / "CITATION.cff"
    if not cff.is_file():
        return (
            "<p>Cite the repository and the version line at the foot of this page (the source digest and the "
            "data sets' commits identify exactly what made these reports).</p>"
        )
    meta = yaml.safe_load(cff.read_text("utf-8")) or {}
    people = [
        " ".join(x for x in (a.get("given-names"), a.get("family-names")) if x) or a.get("name", "")
        for a in meta.get("authors") or []
    ]
    parts = [
        ", ".join(p for p in people if p),
        f"({meta['date-released']})" if meta.get("date-released") else "",
        f"<em>{html.escape(str(meta.get('title', 'wechat_study')))}</em>",
        f"version {html.escape(str(meta['version']))}" if meta.get("version") else "",
        html.escape(str(meta.get("repository-code") or meta.get("url") or "")),
    ]
    text = ". ".join(p for p in (html.escape(parts[0]) + " " + parts[1], *parts[2:]) if p.strip())
    return (
        f"<p>{text}.</p><p>The file <code>CITATION.cff</code> in the repository holds this citation in machine-"
        "readable form; cite the data sets below as well.</p>"
    )


def _datasets() -> str:
    from .datasets.catalog import CATALOG, INVESTIGATED

    items = []
    for name in INVESTIGATED:
        d = CATALOG[name]
        url = f"https://github.com/{d.owner}/{d.repo}/tree/{d.commit}"
        items.append(
            f"<li><strong>{html.escape(_word(name))}</strong>: {html.escape(d.title)}. "
            f"<br>Citation: {html.escape(d.citation)}. <br>Licence: {html.escape(d.licence)}. "
            f'<br>Archive: <a href="{html.escape(url)}">{html.escape(d.owner)}/{html.escape(d.repo)}</a> at '
            f"commit <code>{d.commit[:12]}</code>.</li>"
        )
    return '<ul class="ws-datasets">' + "".join(items) + "</ul>"


def _word(name: str) -> str:
    from .charts import word

    return word(name)


def index_page(ledger: dict[str, dict], stems: list[str], reports: Path = REPORTS) -> str:
    """``reports/index.html``, the front page: the question; each investigation's key findings in words
    (its report's findings-box sentences, filled from the ledger), with links; the data sets with their
    citations and licences; how to cite; the version line; the full ledger, collapsed. No scripts."""
    from . import narrative as nv
    from .datasets.catalog import INVESTIGATED

    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        "<title>wechat_study: virality and censorship against China's 2013 thresholds</title>",
        f"<style>{_css()}</style>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>Virality and censorship on Chinese social media, against China\u2019s 2013 thresholds</h1>",
        f'<p class="ws-prose"><strong>Question.</strong> {html.escape(QUESTION)}</p>',
    ]
    for stem in stems:
        report = reports / f"{stem}.html"
        page = report.read_text("utf-8") if report.is_file() else ""
        heading = html.escape(_report_title(report) or stem)
        out.append(f'<section class="ws-investigation" id="{html.escape(stem)}">')
        out.append(f'<h2><a href="{html.escape(stem)}.html">{heading}</a></h2>')
        sentences = nv.sentences_in(page)
        try:
            items = nv.render_sentences(sentences, ledger, link_prefix=f"{stem}.html")
        except KeyError as e:
            raise KeyError(
                f"reports/{stem}.html: a findings-box sentence names a finding the ledger lacks ({e}); "
                "run `wechat-study reproduce` again"
            ) from None
        if items:
            out.append('<ul class="ws-key-findings">' + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
        mine = sum(1 for v in ledger.values() if v.get("notebook") == stem)
        out.append(f'<p><a href="{html.escape(stem)}.html">Read the report</a> ({mine:,} recorded findings).</p>')
        out.append("</section>")
    out += [
        '<h2 id="data">The data sets</h2>',
        "<p>Every data set is fetched from its upstream archive at the pinned commit and verified file by file.</p>",
        _datasets(),
        '<h2 id="cite">How to cite</h2>',
        _citation(),
        '<h2 id="ledger">Every recorded finding</h2>',
        (
            '<details class="ws-ledger"><summary>Show all '
            f"{len(ledger):,} findings (the ledger, <code>findings.json</code>, that <code>wechat-study verify</code> "
            "re-checks)</summary>"
        ),
    ]
    for stem in stems:
        mine = {k: v for k, v in sorted(ledger.items()) if v.get("notebook") == stem}
        if not mine:
            continue
        out.append(f"<h3>{html.escape(_report_title(reports / f'{stem}.html') or stem)}</h3>")
        out.append(
            '<div class="ws-table-scroll"><table class="ws-ledger-table"><thead><tr><th>finding</th>'
            "<th>value</th><th>note</th></tr></thead><tbody>"
        )
        for name, f in mine.items():
            out.append(
                f'<tr><td>{html.escape(readable_name(name))}</td><td class="v">{_ledger_value(name, f["value"])}'
                f"</td><td>{html.escape(f.get('note') or '')}</td></tr>"
            )
        out.append("</tbody></table></div>")
    out += [
        "</details>",
        "</main>",
        f'<footer class="ws-version">{version_line({"dataset": list(INVESTIGATED)})}</footer>',
        "</body>",
        "</html>",
        "",
    ]
    return "\n".join(out)


def _report_title(report: Path) -> str | None:
    if not report.is_file():
        return None
    text = report.read_text("utf-8")
    a, b = text.find("<title>"), text.find("</title>")
    return html.unescape(text[a + 7 : b]) if a >= 0 and b > a else None


_FIGURE = re.compile(
    r'<figure class="ws-figure" id="([^"]+)">.*?<script type="application/json" id="([^"]+)-spec">'
    r"(.*?)</script>.*?<button[^>]*class=\"ws-download\"[^>]*?(?:data-dataset=\"([^\"]*)\")?[^>]*>",
    re.DOTALL,
)


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
