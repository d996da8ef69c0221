"""The README's worked `run` example states what the run gives: its output lines, its findings box, its sweep row."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wechat_study import reporting

pytestmark = pytest.mark.notebooks

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")


def _box_text(page: str) -> str:
    box = re.search(r'<section class="ws-findings".*?</section>', page, re.S).group(0)
    return " ".join(re.sub(r"<[^>]+>", " ", box).split())


def test_the_readme_run_example_is_what_the_run_gives(tmp_path):
    r = reporting.run_one("03", {"threshold_reposts": 750}, out=tmp_path / "run")
    unreached = sum(f["value"] is None for f in r.findings.values())
    said = f" ({unreached} not reached)" if unreached else ""
    assert f"03-legal-thresholds (threshold_reposts=750): ran, {len(r.findings)} findings{said}\n" in README
    quoted = re.search(r'the findings box opens "([^"]+)"', " ".join(README.split())).group(1)
    page = (tmp_path / "run" / "03-legal-thresholds.html").read_text("utf-8")
    assert quoted in _box_text(page).replace(" .", "."), "the README quotes another run"
    share = r.findings["thresholds.ced.share_reaching_750_reposts"]
    row = re.search(r"`thresholds\.ced\.share_reaching_\{threshold_reposts\}_reposts` is one row: (.+?)\. ",
                    " ".join(README.split())).group(1)
    assert f"{share['value']:.4g} at 750" in row
