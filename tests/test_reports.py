"""The committed reports: read in a real browser offline, private (`test_verify.py` reproduces them).

The browser tests drive the system Chromium through Playwright with every non-file request aborted.
They check what a reader meets: every chart draws, no chart text overlaps other chart text, nothing
scrolls sideways at 390 px except inside marked table scrollers, each report opens with a findings box
whose numbers equal the ledger, tooltips appear on hover, and the threshold explorer answers its sliders.
Screenshots at 1280 and 390 px are kept in ``tests/artifacts/`` (git-ignored).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pytest

from wechat_study import narrative as nv
from wechat_study import pages, reporting
from wechat_study.findings import load_ledger

ROOT = Path(__file__).resolve().parent.parent
REPORTS = sorted(p for p in (ROOT / "reports").glob("*.html"))
NOTEBOOK_REPORTS = [p for p in REPORTS if p.stem not in {"index", "methods"}]
#: The pages written for readers who do not code (methods.html is the technical text, with its formulas and names).
READER_PAGES = [p for p in REPORTS if p.stem != "methods"]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = next(
    (
        c
        for c in ("/usr/bin/chromium", shutil.which("chromium") or "", shutil.which("chromium-browser") or "")
        if c and Path(c).is_file()
    ),
    None,
)
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
]
MAX_BYTES = 2 * 1024 * 1024
CHART_FREE_BYTES = 400 * 1024
WIDTHS = (1280, 390)


def test_reports_exist_for_every_notebook():
    assert {p.stem for p in REPORTS} == set(reporting.notebooks()) | {"index", "methods"}


def test_every_methods_citation_links_to_its_section():
    """A page's "methods §N" links land on section N of methods.html, which is docs/methods.md as a page."""
    methods = (ROOT / "reports" / "methods.html").read_text("utf-8")
    ids = set(re.findall(r'id="([^"]+)"', methods))
    heads = re.findall(r"^## (\d+)\. ", (ROOT / "docs" / "methods.md").read_text("utf-8"), flags=re.MULTILINE)
    assert len(re.findall(r'<h2 id="\d+-', methods)) == len(heads) >= 18
    for report in REPORTS:
        text = re.sub(r"<(script|style)\b.*?</\1>", "", report.read_text("utf-8"), flags=re.DOTALL)
        assert "docs/methods.md" not in visible_text(text), f"{report.name} cites methods without a link"
        for target in re.findall(r'href="methods\.html#([^"]+)"', text):
            assert target in ids, f"{report.name} links to methods.html#{target}, which is not there"


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_reports_are_self_contained_and_light(report):
    text = report.read_text("utf-8")
    assert len(report.read_bytes()) < MAX_BYTES, f"{report.name} weighs {len(report.read_bytes()):,} bytes"
    assert not re.search(r"<script[^>]*\bsrc=", text)
    assert not re.search(r"<(link|img|iframe|source|video|audio)[^>]*\b(href|src)=[\"']?(https?:)?//", text)
    assert not re.search(r"url\((['\"]?)(https?:)?//", text) and "@import" not in text
    assert text.count("window.vegaEmbed") <= 1
    if 'class="ws-chart"' not in text:
        assert "window.vegaEmbed" not in text, f"{report.name} has no chart but embeds the chart library"
        assert len(report.read_bytes()) <= CHART_FREE_BYTES, f"{report.name}: {len(report.read_bytes()):,} bytes"


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_every_page_says_which_code_and_data_made_it(report):
    text = report.read_text("utf-8")
    line = re.search(r'<footer class="ws-version">(.*?)</footer>', text, re.DOTALL)
    assert line, f"{report.name} has no version line"
    assert re.search(r"source digest [0-9a-f]{16}", line.group(1))
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", line.group(1)), "a wall-clock date in the version line"


@pytest.mark.parametrize("report", NOTEBOOK_REPORTS, ids=lambda p: p.name)
def test_no_raw_notebook_output_reaches_a_report(report):
    """Readers meet publication tables and figures, not DataFrame reprs, printed dicts, text or warnings."""
    text = report.read_text("utf-8")
    assert 'class="dataframe' not in text, "a raw DataFrame: show it with tables.publication"
    assert not re.search(r'class="[^"]*jp-RenderedText', text), "printed text or a repr (a dict, a list, a warning)"
    assert not re.search(r"\b\w+Warning\b", re.sub(r"<script.*?</script>", "", text, flags=re.DOTALL))
    assert text.count('<div class="ws-chart"') == text.count('class="ws-figure-title"'), (
        "every chart goes through charts.figure (title, caption, source)"
    )


def visible_text(page_html: str) -> str:
    """What a reader sees as prose: no scripts, styles, version line or code, tags dropped, entities read."""
    import html as html_lib

    t = re.sub(r"<(script|style|footer|code)\b.*?</\1>", " ", page_html, flags=re.DOTALL)
    return re.sub(r"\s+", " ", html_lib.unescape(re.sub(r"<[^>]+>", " ", t)))


#: Codes that mean nothing to a reader (``words.WORDS`` gives their words).
READER_CODES = re.compile(
    r"\b(lxb|ncpc19|709crackdown|wbmsf|too_few_events|supercritical_fit|p >= |p = p)\b|>(true|false)<"
)
#: A finding name with its dots is allowed (the ledger's references); a time's nanoseconds too.
SNAKE = re.compile(r"(?<![\w.])[0-9a-z]+(?:_[0-9a-z]+)+(?![\w.])")


@pytest.mark.parametrize("report", READER_PAGES, ids=lambda p: p.name)
def test_no_code_reaches_a_reader(report):
    """Codes are words (``words.plain``); column names a reader types are shown as code."""
    text = visible_text(report.read_text("utf-8"))
    snake = sorted(set(SNAKE.findall(text)) - {"wechat_study"})
    assert not snake, f"{report.name} shows codes as text: {snake[:10]}"
    codes = sorted({m.group(0) for m in READER_CODES.finditer(text)})
    assert not codes, f"{report.name} shows {codes}"


@pytest.mark.parametrize("report", READER_PAGES, ids=lambda p: p.name)
def test_no_number_is_printed_as_a_long_decimal(report):
    """p-values read "< 0.001", tiny values use powers of ten, no number runs past six decimals."""
    text = re.sub(r"\d\d:\d\d:\d\d\.\d+", "", visible_text(report.read_text("utf-8")))
    text = re.sub(r"arXiv:\d{4}\.\d{4,5}", "", text)
    long = sorted(set(re.findall(r"(?<![\d.])\d+\.(?:0000\d*|\d{7,})", text)))
    assert not long, f"{report.name} prints {long[:8]}"


# ------------------------------------------------------------------------------------------------- browser


@pytest.fixture(scope="module")
def browser():
    if CHROMIUM is None:
        pytest.skip(
            "SKIPPED LOUDLY: no chromium on this machine, so no report was read in a browser "
            "(`make test` installs Debian's chromium where it can; or `apt-get install chromium`)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield b
        b.close()


def _offline(route):
    if route.request.url.startswith(("file:", "data:", "blob:")):
        route.continue_()
    else:
        route.abort()


def open_page(browser, path: Path, width: int):
    """A page at ``width`` px with every non-file request aborted; errors collected in ``page.errors``."""
    page = browser.new_page(viewport={"width": width, "height": 900})
    page.errors = []
    page.requests = []
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.requests.append(r.url))
    page.route("**/*", _offline)
    page.goto(path.as_uri())
    page.wait_for_function(
        """() => Array.from(document.querySelectorAll('.ws-chart'))
                              .every(c => c.querySelector('svg'))""",
        timeout=30000,
    )
    page.wait_for_timeout(300)
    return page


CHART_PROBLEMS = """() => {
  const out = [];
  const visible = (t) => {
    if (!t.textContent.trim()) return false;
    for (let e = t; e && e.tagName !== 'svg'; e = e.parentElement) {
      const s = getComputedStyle(e);
      if (e.getAttribute('opacity') === '0' || s.opacity === '0' || s.visibility === 'hidden' || s.display === 'none'
          || e.getAttribute('fill-opacity') === '0') return false;
    }
    const r = t.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  document.querySelectorAll('.ws-chart').forEach((chart) => {
    const svg = chart.querySelector('svg');
    if (!svg) { out.push(chart.id + ': no svg'); return; }
    const marks = svg.querySelectorAll('g.role-mark path, g.role-mark line, g.role-mark text, g.role-mark rect');
    if (marks.length === 0) out.push(chart.id + ': no marks drawn');
    const r = svg.getBoundingClientRect();
    if (r.width < 200) out.push(chart.id + ': only ' + Math.round(r.width) + ' px wide');
    const named = document.getElementById(svg.getAttribute('aria-labelledby') || '');
    if (svg.getAttribute('role') !== 'img' || !(named && named.textContent.trim()))
      out.push(chart.id + ': no accessible name');
    const texts = Array.from(svg.querySelectorAll('text')).filter(visible).map((t) => [t, t.getBoundingClientRect()]);
    texts.forEach(([t, b]) => {
      if (t.textContent.endsWith('\u2026')) out.push(chart.id + ': "' + t.textContent + '" is cut short');
      if (b.left < r.left - 1 || b.right > r.right + 1 || b.top < r.top - 1 || b.bottom > r.bottom + 1)
        out.push(chart.id + ': "' + t.textContent + '" is cut at the chart edge');
    });
    for (let i = 0; i < texts.length; i++) for (let j = i + 1; j < texts.length; j++) {
      const a = texts[i][1], b = texts[j][1];
      const dx = Math.min(a.right, b.right) - Math.max(a.left, b.left);
      const dy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
      if (dx > 1.5 && dy > 1.5) out.push(chart.id + ': "' + texts[i][0].textContent + '" overlaps "'
                                         + texts[j][0].textContent + '"');
    }
  });
  return out;
}"""

SIDEWAYS = """() => {
  const w = document.documentElement.clientWidth, out = [];
  const sw = document.documentElement.scrollWidth;
  if (sw > w + 1) out.push('page scrolls sideways: ' + sw + ' px');
  document.querySelectorAll('body *').forEach((e) => {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.right <= w + 1) return;
    if (e.closest('.ws-table-scroll') || e.closest('details:not([open])')) return;
    const name = e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + '.' + e.className;
    out.push(name + ' reaches ' + Math.round(r.right) + ' px');
  });
  return out.slice(0, 10);
}"""


def _screenshot(page, name: str, width: int) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("report", NOTEBOOK_REPORTS, ids=lambda p: p.name)
def test_report_reads_well_in_a_real_browser_offline(browser, report, width):
    page = open_page(browser, report, width)
    try:
        _screenshot(page, report.stem, width)
        assert not page.errors, page.errors
        assert page.locator(".report-script-error").count() == 0, page.locator(".report-script-error").all_inner_texts()
        assert not [u for u in page.requests if not u.startswith(("file:", "data:", "blob:"))]
        assert page.locator(".ws-chart").count() > 0 or report.stem == "01-data-audit"
        assert page.evaluate(CHART_PROBLEMS) == []
        assert page.evaluate(SIDEWAYS) == []
        for figure in page.locator("figure.ws-figure").all():
            assert figure.locator(".ws-figure-title").count() == 1, "a chart without a title"
            assert figure.locator(".ws-download").count() == 1, "a chart without a data download"
    finally:
        page.close()


@pytest.mark.parametrize("report", NOTEBOOK_REPORTS, ids=lambda p: p.name)
def test_each_report_opens_with_findings_whose_numbers_equal_the_ledger(browser, report):
    ledger = load_ledger(ROOT / "reports" / "findings.json")
    page = open_page(browser, report, 1280)
    try:
        box = page.locator("section.ws-findings")
        assert box.count() == 1, f"{report.name} has no 'What we found' box"
        first_h2 = page.locator("h2").first
        assert first_h2.inner_text().strip() == "What we found", "the findings box must come before the evidence"
        sentences = box.locator("li").all()
        assert 3 <= len(sentences) <= 6, f"{report.name}: {len(sentences)} sentences in the findings box"
        for li in sentences:
            assert li.locator(".ws-value").count() >= 1, f"a sentence without a number: {li.inner_text()}"
            see = li.locator("a.ws-see:not(.ws-method)")
            assert see.count() == 1, f"a sentence without its evidence: {li.inner_text()}"
            method = li.locator("a.ws-method")
            assert method.count() == 1, f"a sentence without its method link: {li.inner_text()}"
            for link in (see, method):
                target = link.get_attribute("href").split("#", 1)[1]
                assert page.locator(f"#{target}").count() == 1, f"link to #{target} has no target"
        for value in box.locator(".ws-value").all():
            name, kind = value.get_attribute("data-finding"), value.get_attribute("data-kind") or None
            assert name in ledger, f"{report.name}: {name} is not in the ledger"
            lo, hi = (ledger.get(f"{name}.{b}", {}).get("value") for b in ("ci_low", "ci_high"))
            assert value.inner_text() == nv.formatted(ledger[name]["value"], kind, lo, hi), name
    finally:
        page.close()


HOVER_POINTS = """(id) => {
  const pts = [];
  document.querySelectorAll('#' + id + ' svg g.role-mark').forEach((g) => {
    const kind = (g.getAttribute('class').match(/mark-(\\w+)/) || [])[1];
    if (kind === 'text') return;
    Array.from(g.querySelectorAll('path, rect, line')).slice(0, 12).forEach((el) => {
      if (['line', 'area', 'rule', 'trail'].includes(kind) && el.getTotalLength) {
        const m = el.getScreenCTM(), len = el.getTotalLength();
        [0.2, 0.5, 0.8].forEach((f) => {
          const p = el.getPointAtLength(f * len);
          pts.push([p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f]);
        });
      } else {
        const r = el.getBoundingClientRect();
        if (r.width * r.height > 0) pts.push([r.left + r.width / 2, r.top + r.height / 2]);
      }
    });
  });
  return pts.slice(0, 60);
}"""


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("report", NOTEBOOK_REPORTS, ids=lambda p: p.name)
def test_tooltips_appear_on_hover_inside_the_screen(browser, report, width):
    page = open_page(browser, report, width)
    try:
        charts = [c.get_attribute("id") for c in page.locator(".ws-chart").all()]
        for chart in [c for c in charts if '"tooltip"' in page.locator(f"#{c}-spec").inner_text()]:
            page.locator(f"#{chart}").scroll_into_view_if_needed()
            shown = False
            for x, y in page.evaluate(HOVER_POINTS, chart):
                page.mouse.move(x, y)
                page.wait_for_timeout(40)
                tip = page.locator("#vg-tooltip-element.visible")
                if tip.count() and tip.inner_text().strip():
                    shown = True
                    page.wait_for_timeout(40)
                    box = tip.bounding_box()
                    assert box["x"] >= 0 and box["x"] + box["width"] <= width, (
                        f"{report.name}: the tooltip on {chart} runs off the {width} px screen: {box}")
                    break
            assert shown, f"{report.name}: no tooltip on {chart}"
    finally:
        page.close()


def test_threshold_explorer_answers_its_sliders(browser):
    page = open_page(browser, ROOT / "reports" / "03-legal-thresholds.html", 1280)
    try:
        explorer = page.locator("figure#threshold-explorer")
        assert explorer.count() == 1, "03 has no threshold explorer"
        sliders = explorer.locator("input[type=range]")
        assert sliders.count() >= 3
        announced = explorer.locator(".vega-bind input + span[aria-live=polite]")
        assert announced.count() == sliders.count(), "slider values not announced"
        before = explorer.locator("svg").inner_html()
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            slider.evaluate("(e) => { e.value = e.max; e.dispatchEvent(new Event('input', {bubbles: true})); }")
            page.wait_for_timeout(200)
            after = explorer.locator("svg").inner_html()
            assert after != before, f"moving slider {i} changed nothing"
            before = after
    finally:
        page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_index_is_a_front_page(browser, width):
    index = ROOT / "reports" / "index.html"
    ledger = load_ledger(ROOT / "reports" / "findings.json")
    page = open_page(browser, index, width)
    try:
        _screenshot(page, "index", width)
        assert not page.errors and page.evaluate(SIDEWAYS) == []
        for stem in reporting.notebooks():
            assert page.locator(f'a[href="{stem}.html"]').count() >= 1
        values = page.locator(".ws-key-findings .ws-value").all()
        assert values, "the index states no finding in words"
        for value in values:
            name, kind = value.get_attribute("data-finding"), value.get_attribute("data-kind") or None
            lo, hi = (ledger.get(f"{name}.{b}", {}).get("value") for b in ("ci_low", "ci_high"))
            assert value.inner_text() == nv.formatted(ledger[name]["value"], kind, lo, hi), name
        scale = page.evaluate("""() => {
            const track = document.querySelector('.ws-strip-track').getBoundingClientRect();
            const axis = document.querySelector('.ws-strip-scale').getBoundingClientRect();
            return [track.left, track.right, axis.left, axis.right];
        }""")
        assert abs(scale[0] - scale[2]) < 1 and abs(scale[1] - scale[3]) < 1, f"strip axis off its dots: {scale}"
        ledger_section = page.locator("details.ws-ledger")
        assert ledger_section.count() == 1 and ledger_section.get_attribute("open") is None
        datasets = page.locator(".ws-datasets li").all_inner_texts()
        assert len(datasets) >= 5 and all("Citation:" in d and "Licence:" in d for d in datasets)
        assert page.locator("h2#cite").count() == 1 and page.locator("h2#cite + p").inner_text().strip()
    finally:
        page.close()


def test_hostile_chart_values_do_not_blank_later_charts(browser, tmp_path):
    import altair as alt
    import pandas as pd
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from wechat_study import charts

    cells = [new_markdown_cell("# Hostile values")]
    for i, value in enumerate(["<!--<script>", "</script><script>document.title='owned'</script>", "ok"]):
        chart = (
            alt.Chart(pd.DataFrame({"x": [1, 2], "label": [value, "b"]}))
            .mark_point()
            .encode(x="x:Q", tooltip="label:N")
        )
        spec = charts.figure(chart, f"Chart {i}", anchor=f"hostile-{i}").to_dict()
        cells.append(new_code_cell("", outputs=[new_output("display_data", data=charts.report_renderer(spec))]))
    nbformat.write(new_notebook(cells=cells), tmp_path / "h.ipynb")
    (tmp_path / "h.html").write_text(pages.render(tmp_path / "h.ipynb", "99-hostile"), "utf-8")
    page = open_page(browser, tmp_path / "h.html", 1280)
    try:
        assert page.locator(".ws-chart svg").count() == 3 and page.title() != "owned"
        assert page.evaluate(CHART_PROBLEMS) == []
    finally:
        page.close()


def test_chart_data_files_sit_next_to_the_reports():
    for report in NOTEBOOK_REPORTS:
        anchors = re.findall(r'<figure class="ws-figure" id="([^"]+)">', report.read_text("utf-8"))
        for anchor in anchors:
            csv = ROOT / "reports" / "data" / report.stem / f"{anchor}.csv"
            assert csv.is_file(), f"{report.name}: no {csv.relative_to(ROOT)}"
            assert csv.read_text("utf-8").count("\n") >= 2


def test_report_pages_are_stable_for_the_same_notebook(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Same")])
    nbformat.write(nb, tmp_path / "s.ipynb")
    assert pages.render(tmp_path / "s.ipynb", "99-same") == pages.render(tmp_path / "s.ipynb", "99-same")


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_axe_finds_no_serious_accessibility_issue(browser, report):
    """axe-core (bundled by axe-playwright-python) on the page at 1280 px: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, report, 1280)
    try:
        found = Axe().run(page).response["violations"]
        bad = [(v["id"], v["impact"], v["nodes"][0]["target"]) for v in found if v["impact"] in ("serious", "critical")]
        assert bad == [], bad
    finally:
        page.close()


OVERFLOWING_TABLES = """() => {
  const out = [];
  document.querySelectorAll('.ws-table-scroll').forEach((s) => {
    const r = s.getBoundingClientRect();
    if (r.width === 0 || s.scrollWidth <= s.clientWidth + 1) return;
    const name = (s.closest('figure') || s).id || s.getAttribute('aria-label') || 'a table';
    const cue = s.previousElementSibling;
    if (!(cue && cue.classList.contains('ws-scroll-cue') && !cue.hidden && cue.getBoundingClientRect().height > 0))
      out.push(name + ': hides columns with no cue');
    const first = s.querySelector('tbody tr td:first-child');
    if (first && getComputedStyle(first).position !== 'sticky') out.push(name + ': first column scrolls away');
  });
  return out;
}"""


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_a_table_wider_than_a_phone_says_so_and_keeps_its_first_column(browser, report):
    page = open_page(browser, report, 390)
    try:
        page.evaluate("() => document.querySelectorAll('details').forEach((d) => { d.open = true; })")
        page.wait_for_timeout(200)
        assert page.evaluate(OVERFLOWING_TABLES) == []
    finally:
        page.close()


FOLDED_TARGETS = """() => Array.from(document.querySelectorAll('a[href^="#"]'))
    .map((a) => a.getAttribute('href').slice(1))
    .filter((id) => { const e = document.getElementById(id); return e && e.querySelector('details:not([open])'); })"""


def test_links_and_addresses_open_folded_tables(browser):
    """A finding's link to a folded table opens it; so does an address ending in the table's anchor."""
    report = ROOT / "reports" / "05-early-warning.html"
    page = open_page(browser, report, 1280)
    try:
        folded = page.evaluate(FOLDED_TARGETS)
        assert folded, "05 links to no folded table"
        page.locator(f'a[href="#{folded[0]}"]').first.click()
        assert page.locator(f"#{folded[0]} details").get_attribute("open") is not None
        target = page.evaluate(
            "() => document.querySelector('figure.ws-table details:not([open])').closest('figure').id"
        )
    finally:
        page.close()
    page = browser.new_page(viewport={"width": 390, "height": 900})
    try:
        page.route("**/*", _offline)
        page.goto(report.as_uri() + "#" + target)
        page.wait_for_timeout(300)
        assert page.locator(f"#{target} details").get_attribute("open") is not None
    finally:
        page.close()


def test_skip_links_lead_to_the_findings_and_the_explorer(browser):
    page = open_page(browser, ROOT / "reports" / "03-legal-thresholds.html", 1280)
    try:
        page.keyboard.press("Tab")
        first = page.evaluate("() => [document.activeElement.className, document.activeElement.getAttribute('href')]")
        assert first == ["", "#what-we-found"] and page.locator("#what-we-found").count() == 1
        page.keyboard.press("Tab")
        assert page.evaluate("() => document.activeElement.getAttribute('href')") == "#threshold-explorer"
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        inside = page.evaluate("() => !!document.activeElement.closest('#threshold-explorer')")
        assert inside, "after the skip link, Tab does not reach the explorer's first slider"
    finally:
        page.close()


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_dark_scheme_reads_and_print_opens_every_fold(browser, report):
    """Dark: axe-core's colour contrast holds; print: every fold open, no buttons or sliders; both kept as artifacts."""
    from axe_playwright_python.sync_playwright import Axe

    page = open_page(browser, report, 1280)
    try:
        page.emulate_media(color_scheme="dark")
        page.wait_for_timeout(100)
        _screenshot(page, report.stem + "-dark", 1280)
        found = Axe().run(page, options={"runOnly": ["color-contrast"]}).response["violations"]
        bad = [(v["id"], v["nodes"][0]["target"], v["nodes"][0].get("failureSummary", "")[:160]) for v in found
               if v["impact"] in ("serious", "critical")]
        assert bad == [], bad
        page.emulate_media(media="print", color_scheme="light")
        page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
        assert page.locator("details:not([open])").count() == 0, "a fold prints closed"
        for hidden in (".ws-download", ".vega-bindings", ".report-nav"):
            assert all(not e.is_visible() for e in page.locator(hidden).all()), f"{hidden} prints"
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.pdf(path=str(ARTIFACTS / f"{report.stem}-print.pdf"), format="A4")
    finally:
        page.close()
