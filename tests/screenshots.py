"""Draw screenshots of the committed pages for review: ``tests/artifacts/review/PAGE-WIDTH.png``.

Each page of ``reports/`` is opened in the system Chromium with the network cut, every folded table opened
(except the index's findings ledger, which would make the page ~150,000 px tall), and shot full-page at 1280
and 390 px. The PNGs are reduced to 64 colours. They are for local review and are not committed
(``tests/artifacts/`` is ignored). Run it after re-rendering the reports, and look at what changed::

    .venv/bin/python tests/screenshots.py
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "artifacts" / "review"
WIDTHS = (1280, 390)
CHROMIUM = "/usr/bin/chromium"


def shoot(page, report: Path, width: int) -> bytes:
    """A full-page PNG of ``report`` at ``width`` px, its folds opened and every chart drawn."""
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(report.as_uri())
    page.wait_for_load_state("load")
    page.evaluate("document.querySelectorAll('details:not(.ws-ledger)').forEach(d => d.open = true)")
    page.wait_for_function("[...document.querySelectorAll('.ws-chart')].every(c => c.querySelector('svg, canvas'))",
                           timeout=30_000)
    return page.screenshot(full_page=True)


def small(png: bytes) -> bytes:
    """``png`` reduced to 64 colours and optimised (a 20,000-px page stays near 1 MB)."""
    out = io.BytesIO()
    Image.open(io.BytesIO(png)).convert("RGB").quantize(64).save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    if not Path(CHROMIUM).is_file():
        print(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium)", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        context = browser.new_context()
        context.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file://") else r.abort())
        page = context.new_page()
        for report in sorted((ROOT / "reports").glob("*.html")):
            for width in WIDTHS:
                target = OUT / f"{report.stem}-{width}.png"
                fd, tmp = tempfile.mkstemp(dir=OUT, suffix=".tmp")
                try:
                    with os.fdopen(fd, "wb") as f:
                        f.write(small(shoot(page, report, width)))
                    os.replace(tmp, target)
                finally:
                    Path(tmp).unlink(missing_ok=True)
                print(f"{target.relative_to(ROOT)}: {target.stat().st_size:,} bytes")
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
