"""`wechat-study verify`: every notebook re-run on the real data gives the committed ledger and pages.

The slowest test (every notebook once, minutes); ``make check`` leaves it out (marker ``verify``).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.verify


def test_verify_reproduces_every_finding_and_report():
    out = subprocess.run(
        [sys.executable, "-m", "wechat_study.cli", "verify"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
        timeout=900,
    )
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-3000:]
    assert "findings and every report reproduced" in out.stdout
