"""Benchmark: the committed report pages as a reader's browser meets them. For each page its weight (bytes, and
whether it carries the chart library), its charts, and the time from navigation to every chart drawn, in the
system Chromium (headless, network cut), at full speed and at a 4x CPU slow-down (Chrome DevTools'
Emulation.setCPUThrottlingRate). Targets: a chart-free page <= 400 KB; every chart of 03 drawn in <= 1 s.
Writes benchmarks/results/pages.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = ROOT / "reports"
RESULTS = Path(__file__).resolve().parent / "results" / "pages.md"
DRAWN = "() => Array.from(document.querySelectorAll('.ws-chart')).every(c => c.querySelector('svg'))"
ELAPSED = "() => performance.now()"


def draw_ms(browser, page_path: Path, throttle: float) -> float:
    """Milliseconds from navigation start to the last chart's SVG (0 for a page with no chart)."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:", "blob:"))
                   else r.abort())
        if throttle > 1:
            page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": throttle})
        page.goto(page_path.as_uri(), wait_until="commit")
        page.wait_for_function(DRAWN, timeout=120_000, polling=10)
        return float(page.evaluate(ELAPSED))
    finally:
        page.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="page loads per page and speed (the median is kept)")
    args = parser.parse_args()
    rows = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for path in sorted(REPORTS.glob("*.html")):
            text = path.read_text("utf-8")
            charts = text.count('class="ws-chart"')
            times = {rate: statistics.median(draw_ms(browser, path, rate) for _ in range(args.repeat))
                     if charts else 0.0 for rate in (1, 4)}
            rows.append((path.name, len(path.read_bytes()), "window.vegaEmbed" in text, charts, times[1], times[4]))
        browser.close()
    load = os.getloadavg()[0]
    lines = [
        "# Report-page benchmark",
        "",
        f"Machine: {os.cpu_count()} cores; load average {load:.1f} at the end. Measured {time.strftime('%Y-%m-%d')} by "
        f"`python benchmarks/bench_pages.py --repeat {args.repeat}` (median of {args.repeat} loads; headless "
        "Chromium, network cut, 1280 px). Time: navigation start to every chart's SVG drawn.",
        "",
        "| page | KB | chart library | charts | charts drawn (ms) | at 4x CPU slow-down (ms) |",
        "|---|---|---|---|---|---|",
        *[f"| {n} | {b / 1024:,.0f} | {'yes' if lib else 'no'} | {c} | {t1:,.0f} | {t4:,.0f} |"
          for n, b, lib, c, t1, t4 in rows],
        "",
        "Targets: a page without a chart <= 400 KB; every chart of 03-legal-thresholds drawn in <= 1,000 ms.",
        "",
    ]
    RESULTS.write_text("\n".join(lines), "utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
