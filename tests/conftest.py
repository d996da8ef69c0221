"""Shared fixtures. Tests read the real data sets: from ``WECHAT_STUDY_MIRROR`` when it is set
(CI sets it to the local mirror), else by downloading from upstream."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

import wechat_study as ws
from wechat_study.datasets.catalog import INVESTIGATED

ROOT = Path(__file__).resolve().parent.parent

if os.environ.get("WECHAT_STUDY_MIRROR"):
    os.environ["WECHAT_STUDY_MIRROR"] = str(Path(os.environ["WECHAT_STUDY_MIRROR"]).resolve())

# HYPOTHESIS_PROFILE: "ci" (the default; `make test`), "check" (`make check`), "thorough" (ten times "ci").
# Examples are drawn from a fixed seed, so a run is repeatable; "thorough" draws afresh.
_common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow], "print_blob": True}
settings.register_profile("ci", max_examples=100, derandomize=True, **_common)
settings.register_profile("check", max_examples=20, derandomize=True, **_common)
settings.register_profile("thorough", max_examples=1000, **_common)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects
def pytest_collection_modifyitems(config, items):
    """Tests that use the ``browser`` fixture carry the ``browser`` marker, so ``-m "not browser"`` leaves them out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


def pytest_configure(config):
    """With pytest-xdist, prepare every investigated data set once, here, before the workers start, so that
    no two workers build the same tables at the same time."""
    if hasattr(config, "workerinput") or not getattr(config.option, "numprocesses", None):
        return
    if config.option.collectonly:
        return
    for name in INVESTIGATED:
        ws.prepare(name)


@pytest.fixture(scope="session")
def mirror() -> Path | None:
    value = os.environ.get("WECHAT_STUDY_MIRROR")
    return Path(value) if value else None


@pytest.fixture(scope="session")
def corpora() -> dict[str, ws.Corpus]:
    """Every investigated data set, prepared once in the project's data folder."""
    return {name: ws.load(name) for name in INVESTIGATED}


@pytest.fixture
def tmp_data(tmp_path, monkeypatch) -> Path:
    """An empty data folder of the test's own."""
    monkeypatch.setenv("WECHAT_STUDY_DATA", str(tmp_path / "data"))
    return tmp_path / "data"
