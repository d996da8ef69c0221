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
    from wechat_study import narrative

    monkeypatch.chdir(ROOT)
    monkeypatch.setattr(narrative, "ANCHORS", {})  # each module's examples number their own figures
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


@pytest.mark.slow
def test_the_docs_build_without_a_warning(tmp_path):
    import os
    import subprocess

    site = tmp_path / "site"
    done = subprocess.run([str(ROOT / ".venv" / "bin" / "mkdocs"), "build", "--strict", "--site-dir", str(site)],
                          cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert done.returncode == 0, done.stderr[-3000:]
    page = (tmp_path / "site" / "api" / "wechat_study.corpus" / "index.html").read_text("utf-8")
    assert "Parameters" in page and "Examples" in page


def _public(name: str):
    """(qualified name, object, needs) for each public function, method and class of one module."""
    import inspect
    import textwrap

    mod = importlib.import_module(name)
    for attr in getattr(mod, "__all__", []):
        obj = getattr(mod, attr)
        if getattr(obj, "__module__", None) != name or not (inspect.isfunction(obj) or inspect.isclass(obj)):
            continue
        items = [(attr, obj)]
        if inspect.isclass(obj):
            items += [(f"{attr}.{k}", getattr(obj, k)) for k, v in vars(obj).items()
                      if not k.startswith("_") and inspect.isfunction(v)]
        for qual, o in items:
            needs = ["Examples"]
            if inspect.isfunction(o):
                sig = inspect.signature(o)
                if [p for p in sig.parameters if p not in ("self", "cls")]:
                    needs.append("Parameters")
                if sig.return_annotation not in (None, "None", inspect.Signature.empty):
                    needs.append("Returns|Yields")
                try:
                    body = textwrap.dedent(inspect.getsource(o))
                except OSError:
                    body = ""
                if "\n    raise " in body or "\n        raise " in body:
                    needs.append("Raises")
            yield qual, o, needs


@pytest.mark.parametrize("name", [m.name for m in pkgutil.walk_packages(wechat_study.__path__, "wechat_study.")])
def test_every_public_function_has_numpydoc_sections(name):
    import inspect

    gaps = []
    for qual, obj, needs in _public(name):
        doc = inspect.getdoc(obj) or ""
        lines = doc.splitlines()
        heads = {lines[i] for i in range(len(lines) - 1) if set(lines[i + 1].strip()) == {"-"}}
        lacking = [n for n in needs if not heads & set(n.split("|"))]
        if lacking:
            gaps.append(f"{qual}: {', '.join(lacking)}")
    assert not gaps, f"{name} lacks numpydoc sections:\n" + "\n".join(gaps)
