"""The committed reports: reproduced by `wechat-study verify`, rendered in a real browser offline, private."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from wechat_study import reporting

ROOT = Path(__file__).resolve().parent.parent
REPORTS = sorted(p for p in (ROOT / "reports").glob("*.html"))
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND", "--virtual-time-budget=15000"]


def test_verify_reproduces_every_finding_and_report(corpora):
    out = subprocess.run([sys.executable, "-m", "wechat_study.cli", "verify"], capture_output=True, text=True,
                         cwd=ROOT, timeout=900)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "findings and every report reproduced" in out.stdout


def test_reports_exist_for_every_notebook():
    assert {p.stem for p in REPORTS} == set(reporting.notebooks()) | {"index"}


@pytest.mark.parametrize("report", REPORTS, ids=lambda p: p.name)
def test_reports_make_no_network_requests(report):
    text = report.read_text("utf-8")
    assert len(report.read_bytes()) <= 5 * 1024 * 1024
    assert not re.search(r"<script[^>]*\bsrc=", text)
    assert not re.search(r"<(link|img|iframe|source|video|audio)[^>]*\b(href|src)=[\"']?(https?:)?//", text)
    assert not re.search(r"url\((['\"]?)(https?:)?//", text) and "@import" not in text
    assert text.count("window.vegaEmbed") <= 1


def dom(report: Path, tmp_path: Path) -> str:
    if CHROMIUM is None:
        pytest.skip("SKIPPED LOUDLY: no chromium on this machine (`make test` installs Debian's chromium where it "
                    "can; install it with `apt-get install chromium`)")
    cmd = [CHROMIUM, *FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom", report.as_uri()]
    if shutil.which("unshare"):
        probe = subprocess.run(["unshare", "--net", "true"], capture_output=True)
        if probe.returncode == 0:
            cmd = ["unshare", "--net", *cmd]  # no network at all, beyond the flags above
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    return out.stdout


@pytest.mark.parametrize("report", [p for p in REPORTS if p.stem != "index"], ids=lambda p: p.name)
def test_every_chart_renders_in_a_real_browser_offline(report, tmp_path):
    page = dom(report, tmp_path)
    expected = re.findall(r'<div class="ws-chart" id="(chart-\d+)"', report.read_text("utf-8"))
    assert expected or report.stem == "01-data-audit"
    for chart_id in expected:
        start = page.index(f'id="{chart_id}"')
        end = page.find("<script", start)
        drawn = page[start:end if end > 0 else len(page)]
        assert "<svg" in drawn and 'class="marks"' in drawn, f"{report.name}: {chart_id} did not render"
    assert 'class="report-script-error"' not in page, "a script error was written into the page"


def test_index_lists_every_report_and_renders(tmp_path):
    page = dom(ROOT / "reports" / "index.html", tmp_path)
    for stem in reporting.notebooks():
        assert f'href="{stem}.html"' in page
    assert "audit.ced.rumours" in page
