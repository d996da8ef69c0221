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
from pathlib import Path

import pandas as pd

from . import paths
from .atomic import staged_dir
from .datasets.catalog import get
from .errors import NotPreparedError
from .fetch import fetch
from .privacy import scheme
from .quality import QualityReport
from .words import dataset_name

__all__ = [
    "STAMP", "LOADER_CODE", "loader_digest", "Source", "Corpus", "file_stamp", "problem", "is_prepared",
    "build", "prepare", "load", "load_many", "folder_problem"]

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


@dataclass(frozen=True)
class Source:
    """Where a data set comes from, for source lines and the end of observation.

    ``described`` is the source line's text (for a catalogued set its name and pinned archive; the citation
    goes in the page's data section); ``observation_end`` an ISO time or ``"latest record"``
    (docs/methods.md#4-censoring-and-time-to-threshold); ``user`` the ``UserData`` of a researcher's own set.

    Examples
    --------
    >>> from wechat_study.corpus import Source
    >>> src = Source.of("synthetic")
    >>> src.described
    'synthetic data made by ws.synthetic_posts (no real posts)'
    >>> src.observation_end
    'latest record'
    """

    name: str
    described: str
    url: str = ""
    observation_end: str = "latest record"
    observation_end_note: str = ""
    user: object = None

    @classmethod
    def of(cls, name: str) -> Source:
        """The source of a catalogued data set (or ``synthetic``)."""
        if name == "synthetic":
            return cls(name, "synthetic data made by ws.synthetic_posts (no real posts)")
        d = get(name)
        return cls(name, f"{dataset_name(name)}, {d.owner}/{d.repo} at {d.commit[:7]}", d.url,
                   d.observation_end or "latest record", d.observation_end_note)


@dataclass
class Corpus:
    """The canonical tables of one data set. Tables the data set lacks are None; ``source`` says where
    it comes from (None for a corpus made by hand).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.corpus import Corpus
    >>> corpus = Corpus("mine", posts=pd.DataFrame({"post_id": ["p0", "p1"]}))
    >>> corpus
    Corpus('mine': posts=2)
    >>> corpus.cascades is None, corpus.source is None
    (True, True)
    """

    name: str
    posts: pd.DataFrame | None = None
    cascades: pd.DataFrame | None = None
    removals: pd.DataFrame | None = None
    keywords: pd.DataFrame | None = None
    blocked_urls: pd.DataFrame | None = None
    quality: QualityReport | None = field(default=None, repr=False)
    source: Source | None = field(default=None, repr=False)

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


def file_stamp(path) -> dict:
    """The size and SHA-256 of a file, as ``prepare`` records them in its stamp.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    dict
        ``{"bytes": size in bytes, "sha256": hex digest}``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.corpus import file_stamp
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "table.parquet"
    ...     _ = path.write_bytes(b"abc")
    ...     stamp = file_stamp(path)
    >>> stamp["bytes"], stamp["sha256"][:16]
    (3, 'ba7816bf8f01cfea')
    """
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

    Parameters
    ----------
    name : str
        A catalogued data set (its canonical name).

    Returns
    -------
    str or None
        ``"not prepared"``, ``"its stamp .prepared.json is unreadable"``, ``"prepared from other data, loader
        code or pseudonym key"``, ``"FILE is missing"`` or ``"FILE differs from what prepare wrote"``; None when
        the folder can be used.

    Examples
    --------
    >>> from wechat_study.corpus import problem
    >>> problem("ced")            # an empty data folder
    'not prepared'
    """
    return folder_problem(paths.processed_dir(name), _stamp(name), _written(name))


def folder_problem(folder: Path, expected: dict, written=None) -> str | None:
    """Why a prepared folder cannot be used as it is, in a few words; None when it can.

    Parameters
    ----------
    folder : pathlib.Path
        The prepared folder, holding ``STAMP``.
    expected : dict
        Keys the stamp must hold with exactly these values (the inputs, loader code and pseudonym scheme).
    written : list of str, optional
        The files the folder must hold; default: every file the stamp lists (at least one).

    Returns
    -------
    str or None
        "not prepared", an unreadable stamp, other inputs, or the first file missing or changed since it was
        stamped (size and SHA-256, ``file_stamp``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.corpus import folder_problem
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder_problem(Path(tmp), {})
    'not prepared'
    """
    try:
        info = json.loads((folder / STAMP).read_text("utf-8"))
    except FileNotFoundError:
        return "not prepared"
    except (OSError, ValueError):
        return f"its stamp {STAMP} is unreadable"
    if not isinstance(info, dict) or {k: info.get(k) for k in expected} != expected:
        return "prepared from other data, loader code or pseudonym key"
    recorded = info.get("files") if isinstance(info.get("files"), dict) else {}
    if not (written if written is not None else recorded):
        return f"its stamp {STAMP} lists no file"
    for fname in written if written is not None else recorded:
        path = folder / fname
        if not path.is_file():
            return f"{fname} is missing"
        if recorded.get(fname) != file_stamp(path):
            return f"{fname} differs from what prepare wrote"
    return None


def is_prepared(name: str) -> bool:
    """True when ``data/processed/NAME`` can be used as it is (``problem`` is None).

    Parameters
    ----------
    name : str
        A catalogued data set (its canonical name).

    Returns
    -------
    bool
        Whether ``load`` can read the folder without preparing it again.

    Examples
    --------
    >>> from wechat_study.corpus import is_prepared
    >>> is_prepared("ced")        # an empty data folder
    False
    """
    return problem(name) is None


def build(name: str, mirror=None) -> tuple[dict[str, pd.DataFrame], QualityReport]:
    """Fetch if needed, then run the loader and validate; returns (tables, quality report).

    Nothing is written: ``prepare`` writes what this returns.

    Parameters
    ----------
    name : str
        A catalogued data set.
    mirror : path, optional
        A local mirror of the upstream archives (default: ``WECHAT_STUDY_MIRROR``, else download).

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        The data set's canonical tables, keyed by table name, each validated against its schema.
    report : QualityReport
        Every quirk the loader met, counted.

    Examples
    --------
    >>> from wechat_study.corpus import build
    >>> tables, report = build("ced")     # doctest: +SKIP
    >>> sorted(tables)                    # doctest: +SKIP
    ['cascades', 'posts']
    """
    from .schema import validate

    ds = get(name)
    root = fetch(name, mirror=mirror)
    loader = importlib.import_module(f"{__package__}.datasets.{ds.loader}")
    tables, report = loader.load(root, name)
    for table, df in tables.items():
        validate(table, df, f"{name}: {table}")
    return tables, report


def prepare(name: str, mirror=None, force: bool = False) -> QualityReport:
    """Write ``data/processed/NAME/*.parquet`` atomically and return the quality report.

    Parameters
    ----------
    name : str
        A catalogued data set.
    mirror : path, optional
        A local mirror of the upstream archives (default: ``WECHAT_STUDY_MIRROR``, else download).
    force : bool
        Rebuild even when the prepared tables are current.

    Returns
    -------
    QualityReport
        Every quirk the loader met, counted.

    Raises
    ------
    UnknownDatasetError
        ``name`` is not in the catalog.
    DataError
        A raw file that breaks its format.

    Examples
    --------
    >>> import wechat_study as ws
    >>> ws.prepare("ced").count("duplicate_records")    # doctest: +SKIP
    724
    """
    name = get(name).name
    target = paths.processed_dir(name)
    if not force and is_prepared(name):
        return QualityReport.from_dict(json.loads((target / "quality.json").read_text("utf-8")))
    tables, report = build(name, mirror=mirror)
    with staged_dir(target) as staging:
        for table, df in tables.items():
            df.to_parquet(staging / f"{table}.parquet", index=False, compression="zstd")
        (staging / "quality.json").write_text(report.to_json(), "utf-8")
        files = {fname: file_stamp(staging / fname) for fname in _written(name)}
        (staging / STAMP).write_text(json.dumps({**_stamp(name), "files": files}, indent=2) + "\n", "utf-8")
    return report


def load(dataset, mirror=None, **options) -> Corpus:
    """The canonical tables of a data set, fetching and preparing first if needed.

    Parameters
    ----------
    dataset : str or path
        A catalogued data set (``"ced"``; see ``CATALOG``), ``"synthetic"`` (``synthetic_corpus()``,
        no data needed), or the path of a researcher's own posts: an edge list (CSV, TSV, Parquet, or
        a folder of parts), a Weibo API JSON file, a Weibo crawler CSV or a Twitter15/16-style folder,
        described by an optional sidecar YAML (docs/methods.md#18-your-own-data).
    mirror : path, optional
        A local mirror of the upstream archives, for a catalogued data set (default:
        ``WECHAT_STUDY_MIRROR``, else download).
    **options
        Sidecar keys for a researcher's own file (``datasets.user.SIDECAR``), overriding its sidecar.

    Returns
    -------
    Corpus
        The tables the data set has (``posts`` and ``cascades``, or ``removals``, ...), its quality
        report and its source.

    Raises
    ------
    DataError
        A file that cannot be read as its format promises, naming the file and the record.
    FetchError
        A download or verification that failed.

    Examples
    --------
    >>> import wechat_study as ws
    >>> corpus = ws.load("examples/weibo-cascades.csv")
    >>> corpus
    Corpus('example_weibo': posts=30,270, cascades=303)
    >>> corpus.quality.count("orphans")
    0
    >>> ced = ws.load("ced")            # doctest: +SKIP
    """
    from .datasets import user

    if user.looks_like_path(dataset):
        return user.load(dataset, **options)
    if options:
        raise TypeError(f"options {', '.join(options)} describe a researcher's own file, not {dataset!r}")
    name = dataset
    if name == "synthetic":
        from .synthetic import synthetic_corpus

        corpus = synthetic_corpus()
        corpus.source = Source.of("synthetic")
        return corpus
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
    corpus.source = Source.of(name)
    return corpus


def load_many(names, mirror=None) -> dict[str, Corpus]:
    """``load`` each of ``names`` (a repeat once), keyed by each corpus's name.

    Parameters
    ----------
    names : iterable of str
        Data sets as ``load`` takes them; a path becomes its data set's name.
    mirror : path, optional
        As for ``load``.

    Returns
    -------
    dict of str to Corpus
        In the order given.

    Raises
    ------
    ValueError
        Two of them share a name.

    Examples
    --------
    >>> import wechat_study as ws
    >>> list(ws.load_many(["examples/weibo-cascades.csv", "examples/weibo-api.json"]))
    ['example_weibo', 'example_weibo_api']
    """
    out: dict[str, Corpus] = {}
    for n in dict.fromkeys(str(x) for x in names):
        corpus = load(n, mirror=mirror)
        if corpus.name in out:
            raise ValueError(f"two data sets are named {corpus.name!r}; give one a name in its sidecar")
        out[corpus.name] = corpus
    return out
