"""The HTML pages: one self-contained report per executed notebook, and the index.

- ``render(executed, stem)`` turns an executed notebook into a page: no code, no network requests,
  the Vega libraries inlined once, stable bytes for the same inputs.
- ``index_page(ledger)`` is ``reports/index.html``.
"""

from __future__ import annotations

import html
import json
import math
import re
from functools import lru_cache
from pathlib import Path

import nbformat
import pandas as pd

from . import glance, glossary, methods_page, paths, run_notes
from .atomic import write_text
from .tables import FIELDS, fields_as_code
from .words import dataset_name, plain, word

__all__ = [
    "PACKAGE", "REPORTS", "SKIP_LINKS", "vega_bundle", "render", "findings_first", "without_skipped",
    "executed_parameters", "version_line", "data_section", "title", "QUESTION", "readable_name", "index_page",
    "methods", "chart_data", "write_chart_data"
]

PACKAGE = paths.PACKAGE
REPORTS = paths.CHECKOUT / "reports"

#: The page parts a keyboard reader can jump to from the top: (element id, words after "Skip to").
SKIP_LINKS = (("what-we-found", "the findings"), ("threshold-explorer", "the threshold explorer"))


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """Vega, Vega-Lite and vega-embed as one script that defines ``window.vegaEmbed``."""
    import altair as alt
    import vl_convert as vlc

    version = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return vlc.javascript_bundle(snippet="window.vegaEmbed = vegaEmbed;", vl_version=version).replace(
        "</script", "<\\/script"
    )


_NOTEBOOK_FOCUS = re.compile(r'(<div class="(?:jp-Cell-inputWrapper|jp-RenderedHTMLCommon jp-RenderedHTML '
                             r'jp-OutputArea-output[^"]*)"[^>]*?) tabindex="0"')


def render(executed: Path, stem: str, index: bool = True) -> str:
    """The report page for an executed notebook: markdown and outputs, no code, no prompts.

    The findings box ("What we found") moves to just after the question (the first markdown cell),
    wherever the notebook built it; the method section ("Method, conventions and caveats") is ``#method``, which
    every finding links to; the page ends with its glossary (``glossary.annotate``: the first use of
    each term linked to it, the terms of the findings box explained under it) and its version line
    (``version_line``).

    Markdown cells a run skipped (``without_skipped``) are left out. The page uses the package's ``report``
    template, with the Vega libraries inlined (``vega_bundle``) when it has a chart, and skip links
    (``SKIP_LINKS``) to the parts it has. Beside the front page, its "docs/methods.md §N" citations link to
    ``methods.html`` (``methods_page.link``).

    Parameters
    ----------
    executed : pathlib.Path
        The executed notebook (``.ipynb``).
    stem : str
        The notebook's name without ``.ipynb`` (``"03-legal-thresholds"``): the page's name, and its title when
        no markdown cell has a ``# `` heading.
    index : bool
        Whether the page sits beside the front page (``reports/``), so it links back to ``index.html``; a single
        run's folder has no front page.

    Returns
    -------
    str
        The page's HTML.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import nbformat
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    >>> from wechat_study import pages
    >>> nb = new_notebook(cells=[new_markdown_cell("# A small report\\n\\nThe question."),
    ...                          new_code_cell("1 + 1", outputs=[new_output("execute_result", {"text/plain": "2"})])])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(nb, Path(tmp) / "small.ipynb")
    ...     page = pages.render(Path(tmp) / "small.ipynb", "small")
    >>> "<title>A small report</title>" in page, "1 + 1" in page, "Made by wechat_study" in page
    (True, False, True)
    """
    from nbconvert import HTMLExporter

    from .reporting import datasets_used

    exporter = HTMLExporter(
        template_name="report",
        extra_template_basedirs=[str(PACKAGE / "templates")],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb = findings_first(without_skipped(nbformat.read(executed, as_version=4)))
    params = executed_parameters(nb)
    nb.metadata["title"] = _retitle(nb, stem, params)
    outputs = "".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells for o in c.get("outputs", []))
    resources = {
        "vega_bundle": vega_bundle() if 'class="ws-chart"' in outputs else "",
        "skip_links": [(target, words) for target, words in SKIP_LINKS if f'id="{target}"' in outputs],
        "data_section": data_section(datasets_used(params)),
        "metadata": {"name": stem},
        "index_link": index,
        "run_banner": run_notes.banner(stem, params),
        "version_line": version_line(params, stem),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    body = _NOTEBOOK_FOCUS.sub(r"\1", body)   # nbconvert makes every cell a Tab stop; a report's reader wants links
    body = body.replace(f'id="{_METHOD_ID}"', 'id="method"').replace(f'href="#{_METHOD_ID}"', 'href="#method"')
    if resources["data_section"]:
        body = body.replace('<span class="ws-source">Data: ', '<span class="ws-source"><a href="#data">Data</a>: ')
    body = glossary.annotate(body)
    return methods_page.link(body) if index else body


_METHOD_ID = "Method,-conventions-and-caveats"  # nbconvert's id for the method section's heading


def _retitle(nb: nbformat.NotebookNode, stem: str, params: dict) -> str:
    """The page's title for the run's parameters (``run_notes.retitled``), set in its ``# `` heading too."""
    old = title(nb, stem)
    new = run_notes.retitled(old, stem, params)
    if new != old:
        for cell in nb.cells:
            if cell.cell_type == "markdown" and f"# {old}" in cell.source:
                cell.source = cell.source.replace(f"# {old}", f"# {new}", 1)
                break
    return new


def _has_box(cell) -> bool:
    return cell.cell_type == "code" and any(
        "data-ws-findings" in str(o.get("data", {}).get("text/html", "")) for o in cell.get("outputs", [])
    )


def findings_first(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """The notebook with the cell that shows the findings box moved right after the first markdown cell.

    The box cell is the first code cell with an HTML output carrying ``data-ws-findings``
    (``narrative.box_html``). A notebook without one, or without a markdown cell, is returned as it is.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook; changed in place.

    Returns
    -------
    nbformat.NotebookNode
        ``nb``.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    >>> from wechat_study import pages
    >>> box = new_output("display_data", {"text/html": '<section data-ws-findings="[]"></section>'})
    >>> nb = new_notebook(cells=[new_markdown_cell("# Question"), new_code_cell("x = 1"),
    ...                          new_code_cell("box", outputs=[box])])
    >>> [c.source for c in pages.findings_first(nb).cells]
    ['# Question', 'box', 'x = 1']
    """
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
    is missing in their outputs' metadata).

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook; its cell list is replaced.

    Returns
    -------
    nbformat.NotebookNode
        ``nb`` without those cells; code cells are always kept.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output
    >>> from wechat_study import pages
    >>> from wechat_study.supports import MISSING_KEY
    >>> summary = new_output("display_data", {"text/plain": ""}, metadata={MISSING_KEY: ["labels"]})
    >>> nb = new_notebook(cells=[new_code_cell("supports.summary(able)", outputs=[summary]),
    ...                          new_markdown_cell("Rumours against the rest.", metadata={"tags": ["needs-labels"]}),
    ...                          new_markdown_cell("No labels to compare.", metadata={"tags": ["unless-labels"]})])
    >>> [c.source for c in pages.without_skipped(nb).cells if c.cell_type == "markdown"]
    ['No labels to compare.']
    """
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
    """The parameters a notebook ran with: its parameters cell, overridden by papermill's injected cell.

    Only plain assignments ``name = literal`` are read; a value that is not a Python literal is skipped.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        A notebook whose cells are tagged ``parameters`` and (after papermill) ``injected-parameters``.

    Returns
    -------
    dict
        Parameter name -> value.

    Examples
    --------
    >>> from nbformat.v4 import new_code_cell, new_notebook
    >>> from wechat_study import pages
    >>> nb = new_notebook(cells=[
    ...     new_code_cell('dataset = "ced"\\nthreshold_reposts = 500', metadata={"tags": ["parameters"]}),
    ...     new_code_cell('dataset = "wbmsf"\\nseed = make_seed()', metadata={"tags": ["injected-parameters"]})])
    >>> pages.executed_parameters(nb)
    {'dataset': 'wbmsf', 'threshold_reposts': 500}
    """
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


def version_line(params: dict, stem: str | None = None) -> str:
    """Which code, data and parameters made a page: the data sets' pinned upstream commits, the library's source
    digest (the one the run cache uses) and, given ``stem``, the parameters changed from the notebook's defaults
    (``run_notes.clause``). No date and no git commit, so unchanged inputs give the same bytes.

    Parameters
    ----------
    params : dict
        The notebook's parameters (``executed_parameters``): catalogued names (or ``"all"``) name data sets, and
        absolute paths name a researcher's own data, shown by file name and SHA-256 of its input files.
    stem : str, optional
        The notebook whose defaults ``params`` are set against; without it, parameters are not mentioned.

    Returns
    -------
    str
        One sentence (HTML-escaped where it names data).

    Examples
    --------
    >>> from wechat_study import pages
    >>> pages.version_line({"dataset": "ced", "compare": ["wbmsf"]})
    'Made by wechat_study ..., library source digest ..., from CED (Weibo): thunlp/Chinese_Rumor_Dataset at
     c1178d8cfd4c; Wb-MSF (Weibo): Les1ie/HERI-GCN at 82277e86891f.'
    >>> pages.version_line({"dataset": "synthetic"})
    'Made by wechat_study ..., from synthetic data (no data set).'
    >>> print(pages.version_line({"dataset": "ced", "threshold_reposts": 200}, "03-legal-thresholds"))
    Made by wechat_study ..., from CED (Weibo): thunlp/Chinese_Rumor_Dataset at c1178d8cfd4c, with
    threshold_reposts = 200 (every other parameter the investigation's).
    """
    from .datasets.catalog import CATALOG
    from .reporting import datasets_used, library_digest, user_paths

    used = datasets_used(params)
    parts = [f"{html.escape(dataset_name(n))}: {CATALOG[n].owner}/{CATALOG[n].repo} at {CATALOG[n].commit[:12]}"
             for n in used]
    parts += [f"the researcher's {html.escape(Path(p).name)} (SHA-256 {_input_digest(p)[:12]})"
              for p in user_paths(params)]
    data = "; ".join(parts) or "synthetic data (no data set)"
    with_params = f", {html.escape(run_notes.clause(stem, params), quote=False)}" if stem else ""
    return (f"Made by wechat_study {html.escape(_version())}, library source digest {library_digest()[:16]}, "
            f"from {data}{with_params}.")


def _input_digest(path: str) -> str:
    """SHA-256 over a researcher's input files (their bytes, in ``user.input_files`` order)."""
    import hashlib

    from .datasets import user

    h = hashlib.sha256()
    for f in user.input_files(user.describe(path)):
        h.update(user.file_hash(f))
    return h.hexdigest()


def _version() -> str:
    from . import __version__

    return __version__


def title(nb: nbformat.NotebookNode, stem: str) -> str:
    """A page's title: the first ``# `` heading of the notebook's markdown cells, else ``stem``.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        The notebook.
    stem : str
        The notebook's name, the fallback.

    Returns
    -------
    str
        The heading's text, stripped.

    Examples
    --------
    >>> from nbformat.v4 import new_markdown_cell, new_notebook
    >>> from wechat_study import pages
    >>> pages.title(new_notebook(cells=[new_markdown_cell("Intro\\n# Legal thresholds")]), "03-legal-thresholds")
    'Legal thresholds'
    >>> pages.title(new_notebook(), "03-legal-thresholds")
    '03-legal-thresholds'
    """
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


def _page_script() -> str:
    return (PACKAGE / "templates" / "report" / "ws_page.js").read_text("utf-8")


def _ledger_value(name: str, value) -> str:
    """A ledger value for readers: shares as percentages, p-values as p, counts with separators, tables as tables."""
    from . import narrative as nv

    if isinstance(value, list):
        return _mini_table(value)
    if isinstance(value, dict):
        return _mini_table([value])
    last = name.rsplit(".", 1)[-1]
    if isinstance(value, float) and not math.isfinite(value):
        return html.escape(nv.number(value))
    base = name.removesuffix(".ci_low").removesuffix(".ci_high")
    if isinstance(value, float) and "share" in name and ("difference" in name or base.endswith(".change")):
        return html.escape(nv.points(value))
    if isinstance(value, float) and "share" in name:
        return html.escape(nv.share(value))
    if isinstance(value, float) and (
        last.startswith("p_") or last.endswith("_p") or last in {"p", "p_value"} or "_p_" in last
    ):
        return html.escape(nv.p_value(value).removeprefix("p = ").replace("p < ", "< "))
    if isinstance(value, bool) or value is None:
        return html.escape({True: "yes", False: "no", None: "not reached"}[value])
    if isinstance(value, float) and value != 0 and abs(value) < 1e-3:
        return nv.scientific(value)
    if isinstance(value, float):
        return html.escape(nv.number(value, digits=4))
    if isinstance(value, int):
        return html.escape(nv.count(value))
    return _ledger_text(str(value))


_DOTTED = re.compile(r"\b[a-z][a-z0-9_]*(?:\.[a-z0-9_]+){2,}\b")


def _ledger_text(text: str) -> str:
    """A ledger note or text value: codes as words, dotted finding names readable, column names as code."""
    text = _DOTTED.sub(lambda m: readable_name(m.group(0)), text)
    return fields_as_code(html.escape(plain(text, FIELDS)))


def _mini_table(rows: list) -> str:
    from .tables import header

    rows = [r if isinstance(r, dict) else {"value": r} for r in rows]
    cols = list(dict.fromkeys(k for r in rows for k in r))
    head = "".join(f"<th>{html.escape(header(c))}</th>" for c in cols)
    body = "".join("<tr>" + "".join(f"<td>{_ledger_value(c, r.get(c))}</td>" for c in cols) + "</tr>" for r in rows)
    table = f'<table class="ws-mini"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
    return f'<div class="ws-table-scroll">{table}</div>'


def readable_name(name: str) -> str:
    """A finding name for readers: ``thresholds.ced.share_500`` → "thresholds › CED (Weibo) › share 500".

    Parameters
    ----------
    name : str
        A dotted finding name.

    Returns
    -------
    str
        Its parts joined by " › ", each read as words (``words.word``: codes in the vocabulary as their words,
        underscores as spaces).

    Examples
    --------
    >>> from wechat_study import pages
    >>> pages.readable_name("thresholds.ced.share_reaching_500_reposts")
    'thresholds › CED (Weibo) › share reaching 500 reposts'
    """
    return " \u203a ".join(word(part) for part in name.split("."))


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
    who = " ".join(p for p in (html.escape(parts[0]), parts[1]) if p)
    text = ". ".join(p for p in (who, *parts[2:]) if p.strip())
    return (
        f"<p>{text}.</p><p>The file <code>CITATION.cff</code> in the repository holds this citation in machine-"
        "readable form; cite the data sets named on this page as well.</p>"
    )


def _datasets(names=None) -> str:
    from .datasets.catalog import CATALOG, INVESTIGATED

    items = []
    for name in INVESTIGATED if names is None else names:
        d = CATALOG[name]
        url = f"https://github.com/{d.owner}/{d.repo}/tree/{d.commit}"
        items.append(
            f"<li><strong>{html.escape(dataset_name(name))}</strong>: {html.escape(d.title)}. "
            f"<br>Citation: {html.escape(d.citation)}. <br>Licence: {html.escape(d.licence)}. "
            f'<br>Archive: <a href="{html.escape(url)}">{html.escape(d.owner)}/{html.escape(d.repo)}</a> at '
            f"commit <code>{d.commit[:12]}</code>.</li>"
        )
    return '<ul class="ws-datasets">' + "".join(items) + "</ul>"


def data_section(names: list[str]) -> str:
    """The page's "The data" section (``id="data"``): each catalogued data set it uses, with its title, citation,
    licence and pinned archive; the figures' and tables' source lines link to it.

    Parameters
    ----------
    names : list of str
        Catalogued data set names (others are left out).

    Returns
    -------
    str
        The section's HTML; empty when no name is catalogued.

    Examples
    --------
    >>> from wechat_study import pages
    >>> section = pages.data_section(["ced"])
    >>> section.startswith('<section class="ws-data" id="data">'), "Credible Early Detection" in section
    (True, True)
    >>> pages.data_section(["mine"])
    ''
    """
    from .datasets.catalog import CATALOG

    known = [n for n in names if n in CATALOG]
    if not known:
        return ""
    return f'<section class="ws-data" id="data"><h2>The data</h2>{_datasets(known)}</section>'


def index_page(ledger: dict[str, dict], stems: list[str], reports: Path = REPORTS) -> str:
    """``reports/index.html``, the front page: the question; the data sets in one line each and the headline
    shares at a glance (``glance``); each investigation's key findings in words
    (its report's findings-box sentences, filled from the ledger), with links; the data sets with their
    citations and licences; how to cite; the version line; the full ledger, collapsed. No scripts.

    Parameters
    ----------
    ledger : dict
        ``reports/findings.json``: finding name -> ``{"value", "note", "notebook", ...}``.
    stems : list of str
        The investigations, in page order; a stem without a report in ``reports`` is still listed (titled by
        its stem, with no key findings).
    reports : pathlib.Path
        The folder of the report pages, read for their titles and findings-box sentences.

    Returns
    -------
    str
        The page's HTML.

    Raises
    ------
    KeyError
        When a report's findings-box sentence names a finding the ledger lacks.

    Examples
    --------
    >>> import re, tempfile
    >>> from pathlib import Path
    >>> from wechat_study import pages
    >>> ledger = {"thresholds.ced.share_reaching_500_reposts": {"value": 0.292, "tolerance": 1e-9,
    ...           "note": "share of cascades", "notebook": "03-legal-thresholds"}}
    >>> with tempfile.TemporaryDirectory() as reports:
    ...     page = pages.index_page(ledger, ["03-legal-thresholds"], Path(reports))
    >>> re.findall(r"<td[^>]*>(.*?)</td>", page)
    ['thresholds › CED (Weibo) › share reaching 500 reposts', '29.2%', 'share of cascades']
    """
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
        f"<script>{_page_script()}</script>",
        "</head>",
        "<body>",
        "<main>",
        "<h1>Virality and censorship on Chinese social media, against China\u2019s 2013 thresholds</h1>",
        f'<p class="ws-prose"><strong>Question.</strong> {html.escape(QUESTION)}</p>',
        glance.datasets_in_brief(),
        glance.summary_strip(ledger),
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
                f"</td><td>{_ledger_text(f.get('note') or '')}</td></tr>"
            )
        out.append("</tbody></table></div>")
    out += [
        "</details>",
        f'<footer class="ws-version">{version_line({"dataset": list(INVESTIGATED)})}</footer>',
        "</main>",
        "</body>",
        "</html>",
        "",
    ]
    return methods_page.link(glossary.annotate("\n".join(out)))


def methods() -> str:
    """``reports/methods.html``: the methods text (``docs/methods.md``) in the house style, with the version line.

    Returns
    -------
    str
        The page's HTML.

    Raises
    ------
    FileNotFoundError
        When the checkout has no ``docs/methods.md``.

    Examples
    --------
    >>> from wechat_study import pages
    >>> '<h2 id="3-comparisons-and-confounders">' in pages.methods()
    True
    """
    from .datasets.catalog import INVESTIGATED

    return methods_page.page(css=_css(), footer=version_line({"dataset": list(INVESTIGATED)}),
                             script=_page_script())


def _report_title(report: Path) -> str | None:
    if not report.is_file():
        return None
    text = report.read_text("utf-8")
    a, b = text.find("<title>"), text.find("</title>")
    return html.unescape(text[a + 7 : b]) if a >= 0 and b > a else None


_FIGURE = re.compile(
    r'<figure class="ws-figure" id="([^"]+)">.*?<script type="application/json" id="([^"]+)-spec">'
    r"(.*?)</script>.*?<button[^>]*class=\"ws-download\"(?:[^>]*?data-dataset=\"([^\"]*)\")?[^>]*>",
    re.DOTALL,
)


def chart_data(executed: Path) -> dict[str, pd.DataFrame]:
    """The data behind each chart of an executed notebook, by its anchor: the data set the figure names,
    else the largest one in its Vega-Lite spec (the same rows the page's CSV button downloads).

    A figure's button names its data set in ``data-dataset``; without it the largest is taken (ties: the first
    by name).

    Parameters
    ----------
    executed : pathlib.Path
        The executed notebook, with figures as ``charts.figure`` renders them for reports.

    Returns
    -------
    dict of str to pandas.DataFrame
        Figure anchor -> its rows (an empty frame for a figure without data).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import nbformat
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> from wechat_study import pages
    >>> figure = ('<figure class="ws-figure" id="crossing-shares"><script type="application/json" id="chart-1-spec">'
    ...           '{"datasets": {"d1": [{"n": 100, "share": 0.5}, {"n": 500, "share": 0.3}]}}</script>'
    ...           '<button type="button" class="ws-download" data-chart="chart-1" data-file="crossing-shares.csv">')
    >>> nb = new_notebook(cells=[new_code_cell("chart", outputs=[new_output("display_data", {"text/html": figure})])])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(nb, Path(tmp) / "run.ipynb")
    ...     data = pages.chart_data(Path(tmp) / "run.ipynb")
    >>> data["crossing-shares"].to_dict("records")
    [{'n': 100, 'share': 0.5}, {'n': 500, 'share': 0.3}]
    >>> named = figure.replace('"d1"', '"d0": [{"n": 1}], "d1"').replace('.csv">', '.csv" data-dataset="d0">')
    >>> nb.cells[0].outputs[0]["data"]["text/html"] = named
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(nb, Path(tmp) / "run.ipynb")
    ...     pages.chart_data(Path(tmp) / "run.ipynb")["crossing-shares"].to_dict("records")
    [{'n': 1}]
    """
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
    charts the report no longer has. ``reporting.reproduce`` calls this next to ``render``.

    Parameters
    ----------
    executed : pathlib.Path
        The executed notebook.
    stem : str
        The notebook's name: the sub-folder.
    folder : pathlib.Path, optional
        Where the sub-folder goes (default ``reports/data``).

    Returns
    -------
    list of pathlib.Path
        The CSV files written, one per chart (``chart_data``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import nbformat
    >>> from nbformat.v4 import new_code_cell, new_notebook, new_output
    >>> from wechat_study import pages
    >>> figure = ('<figure class="ws-figure" id="crossing-shares"><script type="application/json" id="chart-1-spec">'
    ...           '{"datasets": {"d1": [{"n": 100, "share": 0.5}]}}</script><button class="ws-download">')
    >>> nb = new_notebook(cells=[new_code_cell("chart", outputs=[new_output("display_data", {"text/html": figure})])])
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     nbformat.write(nb, Path(tmp) / "run.ipynb")
    ...     written = pages.write_chart_data(Path(tmp) / "run.ipynb", "03-legal-thresholds", Path(tmp) / "data")
    ...     print([p.relative_to(tmp).as_posix() for p in written], written[0].read_text())
    ['data/03-legal-thresholds/crossing-shares.csv'] n,share
    100,0.5
    """
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
