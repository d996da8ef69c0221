"""Prepare a data set into canonical Parquet tables, and load them back.

``prepare(NAME)`` fetches (if needed), runs the data set's loader, validates every table
against its schema and writes ``data/processed/NAME/`` atomically: one ``TABLE.parquet``
per table, ``quality.json`` (the quality report) and ``.prepared.json`` (what it was built
from). ``load(NAME)`` reads them, preparing first when they are missing or stale.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import dataclass, field
from functools import lru_cache

import pandas as pd

from . import paths
from .atomic import staged_dir
from .datasets.catalog import get
from .errors import NotPreparedError
from .fetch import fetch
from .privacy import scheme
from .quality import QualityReport

STAMP = ".prepared.json"
#: The code a processed table depends on; a change to any of it makes ``load`` rebuild.
LOADER_CODE = ("datasets", "schema.py", "privacy.py", "blake2b.py", "quality.py")


@lru_cache(maxsize=1)
def loader_digest() -> str:
    """SHA-256 over the source of the loaders, the schema and the pseudonyms."""
    here = paths.PACKAGE
    return paths.source_digest(
        f
        for entry in LOADER_CODE
        for f in (sorted((here / entry).rglob("*.py")) if (here / entry).is_dir() else [here / entry])
    )


@dataclass
class Corpus:
    """The canonical tables of one data set. Tables the data set lacks are None."""

    name: str
    posts: pd.DataFrame | None = None
    cascades: pd.DataFrame | None = None
    removals: pd.DataFrame | None = None
    keywords: pd.DataFrame | None = None
    blocked_urls: pd.DataFrame | None = None
    quality: QualityReport | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        sizes = ", ".join(
            f"{t}={len(getattr(self, t)):,}"
            for t in ("posts", "cascades", "removals", "keywords", "blocked_urls")
            if getattr(self, t) is not None
        )
        return f"Corpus({self.name!r}: {sizes})"


def _stamp(name: str) -> dict:
    ds = get(name)
    return {
        "dataset": name,
        "commit": ds.commit,
        "manifest_sha256": ds.manifest_digest,
        "code": loader_digest(),
        "pseudonyms": scheme(),
    }


def _file_stamp(path) -> dict:
    with open(path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return {"bytes": path.stat().st_size, "sha256": digest}


def _written(name: str) -> list[str]:
    """The files ``prepare`` writes for a data set: one Parquet file per table, and the quality report."""
    return [f"{table}.parquet" for table in get(name).tables] + ["quality.json"]


def problem(name: str) -> str | None:
    """Why ``data/processed/NAME`` cannot be used as it is, in a few words; None when it can.

    It can when its stamp says it was built from the pinned data by the current loader code with the current
    pseudonym scheme and key (``privacy.scheme()``; docs/methods.md#13-pseudonyms-and-privacy), and every file
    ``prepare`` wrote still has the size and SHA-256 the stamp recorded (a hand edit, a truncated or deleted table is
    caught here; docs/methods.md#17-what-is-checked-before-data-is-used).
    """
    folder = paths.processed_dir(name)
    try:
        info = json.loads((folder / STAMP).read_text("utf-8"))
    except FileNotFoundError:
        return "not prepared"
    except (OSError, ValueError):
        return f"its stamp {STAMP} is unreadable"
    if not isinstance(info, dict) or {k: info.get(k) for k in _stamp(name)} != _stamp(name):
        return "prepared from other data, loader code or pseudonym key"
    recorded = info.get("files") if isinstance(info.get("files"), dict) else {}
    for fname in _written(name):
        path = folder / fname
        if not path.is_file():
            return f"{fname} is missing"
        if recorded.get(fname) != _file_stamp(path):
            return f"{fname} differs from what prepare wrote"
    return None


def is_prepared(name: str) -> bool:
    """True when ``data/processed/NAME`` can be used as it is (``problem`` is None)."""
    return problem(name) is None


def build(name: str, mirror=None) -> tuple[dict[str, pd.DataFrame], QualityReport]:
    """Fetch if needed, then run the loader and validate; returns (tables, quality report)."""
    from .schema import validate

    ds = get(name)
    root = fetch(name, mirror=mirror)
    loader = importlib.import_module(f"{__package__}.datasets.{ds.loader}")
    tables, report = loader.load(root, name)
    for table, df in tables.items():
        validate(table, df, f"{name}: {table}")
    return tables, report


def prepare(name: str, mirror=None, force: bool = False) -> QualityReport:
    """Write ``data/processed/NAME/*.parquet`` atomically and return the quality report."""
    name = get(name).name
    target = paths.processed_dir(name)
    if not force and is_prepared(name):
        return QualityReport.from_dict(json.loads((target / "quality.json").read_text("utf-8")))
    tables, report = build(name, mirror=mirror)
    with staged_dir(target) as staging:
        for table, df in tables.items():
            df.to_parquet(staging / f"{table}.parquet", index=False, compression="zstd")
        (staging / "quality.json").write_text(report.to_json(), "utf-8")
        files = {fname: _file_stamp(staging / fname) for fname in _written(name)}
        (staging / STAMP).write_text(json.dumps({**_stamp(name), "files": files}, indent=2) + "\n", "utf-8")
    return report


def load(name: str, mirror=None) -> Corpus:
    """The canonical tables of a catalogued data set, fetching and preparing first if needed.

    ``"synthetic"`` gives ``synthetic_corpus()`` (no data needed), for offline runs.

    >>> corpus = load("ced")            # doctest: +SKIP
    >>> corpus.posts, corpus.cascades   # doctest: +SKIP
    """
    if name == "synthetic":
        from .synthetic import synthetic_corpus

        return synthetic_corpus()
    ds = get(name)
    name = ds.name
    if not is_prepared(name):
        prepare(name, mirror=mirror)
    folder = paths.processed_dir(name)
    corpus = Corpus(name)
    for table in ds.tables:
        path = folder / f"{table}.parquet"
        if not path.is_file():
            raise NotPreparedError(f"{path} is missing; run `wechat-study data prepare {name} --force`")
        setattr(corpus, table, pd.read_parquet(path))
    corpus.quality = QualityReport.from_dict(json.loads((folder / "quality.json").read_text("utf-8")))
    return corpus
