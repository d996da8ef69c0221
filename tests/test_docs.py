"""The documentation: every example in a docstring runs, and the API reference builds without a warning."""

from __future__ import annotations

import doctest
import importlib
import pkgutil
from pathlib import Path

import pytest

import wechat_study

ROOT = Path(__file__).resolve().parent.parent


def _modules() -> list[str]:
    names = ["wechat_study"] + [m.name for m in pkgutil.walk_packages(wechat_study.__path__, "wechat_study.")]
    return [n for n in names if ">>>" in (Path(importlib.util.find_spec(n).origin).read_text("utf-8"))]


@pytest.mark.parametrize("name", _modules())
def test_the_docstring_examples_run(name, tmp_data, monkeypatch):
    monkeypatch.chdir(ROOT)
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE,
                             verbose=False)
    assert result.failed == 0, f"{name}: {result.failed} of {result.attempted} examples failed (run it with -s)"


def test_every_module_has_an_api_page():
    import importlib.util as iu

    spec = iu.spec_from_file_location("gen_api", ROOT / "docs" / "gen_api.py")
    gen = iu.module_from_spec(spec)
    spec.loader.exec_module(gen)
    pages = {p.stem: p.read_text("utf-8") for p in (ROOT / "docs" / "pages" / "api").glob("*.md")}
    assert pages == {name: gen.page(name) for name in gen.modules()}, "run .venv/bin/python docs/gen_api.py"


def test_the_docs_build_without_a_warning(tmp_path):
    import os
    import subprocess

    site = tmp_path / "site"
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "site" / "api" / "wechat_study.corpus" / "index.html").read_text("utf-8")
    assert "Parameters" in page and "Examples" in page
