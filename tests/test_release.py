"""Release habits: one version everywhere, a changelog entry for it, typed, and each module's public API listed."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re
import tomllib
from pathlib import Path

import wechat_study

ROOT = Path(__file__).resolve().parent.parent


def test_the_version_is_defined_once():
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["version"]
    cited = re.search(r'^version: "([^"]+)"$', (ROOT / "CITATION.cff").read_text("utf-8"), re.M).group(1)
    assert wechat_study.__version__ == declared == cited
    assert f"## [{declared}]" in (ROOT / "CHANGELOG.md").read_text("utf-8")
    assert (ROOT / "wechat_study" / "py.typed").is_file()


def test_every_module_lists_its_public_api():
    for info in pkgutil.walk_packages(wechat_study.__path__, "wechat_study."):
        module = importlib.import_module(info.name)
        listed = getattr(module, "__all__", None)
        assert listed is not None, f"{info.name} has no __all__"
        assert len(set(listed)) == len(listed) and all(hasattr(module, n) for n in listed), info.name
        defined = {n for n, obj in vars(module).items() if not n.startswith("_")
                   and (inspect.isfunction(obj) or inspect.isclass(obj)) and obj.__module__ == info.name}
        assert defined <= set(listed), f"{info.name}: public but not in __all__: {sorted(defined - set(listed))}"


def test_the_package_lists_only_its_api():
    assert dir(wechat_study) == sorted({*wechat_study.__all__, "__version__"})
