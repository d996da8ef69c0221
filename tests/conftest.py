"""Shared fixtures. Tests read the real data sets: from ``WECHAT_STUDY_MIRROR`` when it is set
(CI sets it to the local mirror), else by downloading from upstream."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import wechat_study as ws
from wechat_study.datasets.catalog import INVESTIGATED

ROOT = Path(__file__).resolve().parent.parent

if os.environ.get("WECHAT_STUDY_MIRROR"):
    os.environ["WECHAT_STUDY_MIRROR"] = str(Path(os.environ["WECHAT_STUDY_MIRROR"]).resolve())


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
