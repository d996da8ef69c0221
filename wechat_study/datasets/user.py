"""A researcher's own data set: a file or folder of posts, described by an optional sidecar, prepared
like a catalogued one.

``describe(path)`` reads the sidecar (``<file>.yaml`` beside a file, ``dataset.yaml`` inside a folder)
and returns a ``UserData``; keyword arguments override it. ``prepare(spec)`` reads the posts once into
``data/processed/<name>-<digest>/`` (the digest covers the input's bytes, the sidecar, the loader code
and the pseudonym key), with the same checks, atomic writes, stamps and pseudonyms as a catalogued data
set; ``load(path)`` returns its ``Corpus``, preparing first when needed. The sidecar's keys are
``SIDECAR`` (docs/methods.md#18-your-own-data).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import warnings
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import DataError
from ..quality import QualityReport

__all__ = [
    "SIDECAR", "FORMATS", "NAME", "SUFFIXES", "LABEL_WORDS", "UserData", "looks_like_path", "sidecar_of",
    "check_sidecar_target", "write_sidecar", "describe", "input_files", "read", "digest", "file_hash", "folder",
    "prepare", "load"
]

#: Sidecar key -> what it says.
SIDECAR = {
    "name": "a short name for headings and finding names (default: the file's name)",
    "title": "one line saying what the collection is",
    "citation": "how to cite it (shown in every source line)",
    "url": "where it comes from",
    "format": "edgelist (CSV, TSV, Parquet or a folder of them), weibo-api (JSON), weibo-csv, or twitter-trees",
    "timezone": "the IANA zone of times written without an offset (default UTC; Asia/Shanghai for weibo-csv)",
    "time_unit": "what numeric times count since 1970 UTC: s, ms, us or ns",
    "observation_end": "when collection stopped (ISO time with offset), or 'latest record' (the default)",
    "labels": "a column giving each cascade's label (read at the source post), or a CSV of cascade_id,label",
    "label_values": "a mapping from the file's label values to rumour / non-rumour / true / false / unverified",
    "followers": "a column with each author's follower count (read at the source post), or a CSV of "
                 "cascade_id,followers",
    "verified": "a column saying whether the author is verified (true/false)",
    "reported_reposts": "a column with the platform's repost count of the source post",
}
FORMATS = ("edgelist", "weibo-api", "weibo-csv", "twitter-trees")
NAME = re.compile(r"[a-z0-9][a-z0-9_]{0,39}")
SUFFIXES = (".csv", ".tsv", ".gz", ".parquet", ".pq", ".json", ".jsonl")
LABEL_WORDS = {"rumour": "rumour", "rumor": "rumour", "non-rumour": "non-rumour", "non-rumor": "non-rumour",
               "true": "true", "false": "false", "unverified": "unverified"}


@dataclass(frozen=True)
class UserData:
    """What a user data set is and how to read it (the sidecar's keys, resolved).

    Made by ``describe``; the fields are the sidecar's keys (``SIDECAR``) plus ``path`` (the file or
    folder, resolved) and ``sidecar`` (the sidecar file, None without one). ``described`` is the source
    line's text.

    Examples
    --------
    >>> from wechat_study.datasets import user
    >>> spec = user.describe("examples/weibo-cascades.csv")
    >>> spec.name, spec.format, spec.followers, spec.sidecar.name
    ('example_weibo', 'edgelist', 'followers', 'weibo-cascades.csv.yaml')
    >>> spec.described
    "Example Weibo-like cascades: 30,270 synthetic posts in 303 cascades, ... (no real posts or accounts)"
    """

    path: Path
    name: str
    format: str
    title: str = ""
    citation: str = ""
    url: str = ""
    timezone: str = "UTC"
    time_unit: str | None = None
    observation_end: str = "latest record"
    labels: str | None = None
    label_values: dict = field(default_factory=dict)
    followers: str | None = None
    verified: str | None = None
    reported_reposts: str | None = None
    sidecar: Path | None = None

    @property
    def described(self) -> str:
        """The source line's words for it: title and citation, or its file name."""
        return "; ".join(x for x in (self.title, self.citation) if x) or f"the researcher's file {self.path.name}"

    def to_dict(self) -> dict:
        """The fields as plain values, for a JSON stamp.

        Returns
        -------
        dict
            Every field by name; ``path`` and ``sidecar`` as strings (``sidecar`` None without one).

        Examples
        --------
        >>> from wechat_study.datasets import user
        >>> d = user.describe("examples/weibo-cascades.csv").to_dict()
        >>> d["name"], d["timezone"], d["path"].endswith("examples/weibo-cascades.csv")
        ('example_weibo', 'Asia/Shanghai', True)
        """
        d = asdict(self)
        d["path"], d["sidecar"] = str(self.path), str(self.sidecar) if self.sidecar else None
        return d


def looks_like_path(text) -> bool:
    """True when a ``dataset`` value names a file or folder rather than a catalogued data set.

    Parameters
    ----------
    text : object
        The value given: a ``Path`` always counts; a string counts when it holds a ``/`` or a backslash, ends
        with one of ``SUFFIXES`` (any case), or names something that exists (relative to the working
        folder). Anything else does not.

    Returns
    -------
    bool

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.datasets.user import looks_like_path
    >>> looks_like_path("ced"), looks_like_path("posts.csv"), looks_like_path("my/posts"), looks_like_path(Path("x"))
    (False, True, True, True)
    """
    if isinstance(text, Path):
        return True
    if not isinstance(text, str):
        return False
    return "/" in text or "\\" in text or text.lower().endswith(SUFFIXES) or Path(text).exists()


def sidecar_of(path: Path) -> Path | None:
    """``dataset.yaml`` in a folder, else ``<file>.yaml`` or ``<stem>.yaml`` beside a file; None if absent.

    For a folder, ``<folder>.yaml`` beside it is the second choice. The stem is the name up to its
    first dot (``posts`` for ``posts.csv.gz``).

    Parameters
    ----------
    path : pathlib.Path
        The data's file or folder.

    Returns
    -------
    pathlib.Path or None
        The first candidate that is a file.

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.datasets.user import sidecar_of
    >>> sidecar_of(Path("examples/weibo-cascades.csv"))
    PosixPath('examples/weibo-cascades.csv.yaml')
    >>> sidecar_of(Path("examples")) is None
    True
    """
    if path.is_dir():
        candidates = [path / "dataset.yaml", path.with_name(path.name + ".yaml")]
    else:
        stem = path.name.split(".")[0]
        candidates = [path.with_name(path.name + ".yaml"), path.with_name(stem + ".yaml")]
    return next((c for c in candidates if c.is_file()), None)


def _repeated_key(node) -> tuple[str, int] | None:
    """The first key a YAML mapping (or one inside it) gives twice, with its line; None when none is."""
    import yaml

    if not isinstance(node, yaml.MappingNode):
        return None
    seen = set()
    for key, value in node.value:
        if key.value in seen:
            return key.value, key.start_mark.line + 1
        seen.add(key.value)
        inner = _repeated_key(value)
        if inner:
            return inner
    return None


def _read_sidecar(path: Path) -> dict:
    import yaml

    text = path.read_text("utf-8")
    try:
        if any(isinstance(e, yaml.AliasEvent) for e in yaml.parse(text)):
            raise DataError(path, "uses a YAML alias (*name)", hint="write each value out")
        twice = _repeated_key(yaml.compose(text))
        if twice:
            raise DataError(path, f"gives the key {twice[0]!r} twice (line {twice[1]})", hint="keep one of them")
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        raise DataError(path, f"is not YAML: {str(e).splitlines()[0]}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DataError(path, "is not a mapping of key: value", hint=f"keys: {', '.join(SIDECAR)}")
    return data


def write_sidecar(spec: UserData, options: dict, force: bool = False) -> Path:
    """Write ``options`` (sidecar keys) as the sidecar of ``spec.path`` (atomically); an existing sidecar is
    refused unless ``force``.

    Parameters
    ----------
    spec : UserData
        The data set, as ``describe`` gives it.
    options : dict
        Sidecar keys and values, written as YAML in the order given, after a comment line saying what
        wrote the file.
    force : bool
        Replace an existing sidecar.

    Returns
    -------
    pathlib.Path
        The file written (``check_sidecar_target``).

    Raises
    ------
    DataError
        A sidecar exists and ``force`` is not given (from ``check_sidecar_target``).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets import user
    >>> with tempfile.TemporaryDirectory() as d:
    ...     data = Path(d) / "posts.csv"
    ...     _ = data.write_text("post_id,parent_id,user_id,created_at\\n")
    ...     written = user.write_sidecar(user.describe(data), {"title": "My posts", "timezone": "Asia/Shanghai"})
    ...     print(written.name, user.describe(data).title)
    posts.csv.yaml My posts
    """
    import yaml

    from ..atomic import write_text

    target = check_sidecar_target(spec, force)
    write_text(target, "# written by `wechat-study data check --write-sidecar` (docs/methods.md section 18)\n"
               + yaml.safe_dump(options, sort_keys=False, allow_unicode=True))
    return target


def check_sidecar_target(spec: UserData, force: bool = False) -> Path:
    """Where ``write_sidecar`` writes; a ``DataError`` when a sidecar exists there (unless ``force``).

    Parameters
    ----------
    spec : UserData
        The data set, as ``describe`` gives it.
    force : bool
        Allow replacing an existing sidecar.

    Returns
    -------
    pathlib.Path
        ``dataset.yaml`` inside a folder, ``<file>.yaml`` beside a file.

    Raises
    ------
    DataError
        ``spec`` was described from a sidecar, or the target exists, and ``force`` is not given.

    Examples
    --------
    >>> from wechat_study.datasets import user
    >>> spec = user.describe("examples/weibo-cascades.csv")
    >>> user.check_sidecar_target(spec, force=True).name
    'weibo-cascades.csv.yaml'
    >>> user.check_sidecar_target(spec)
    Traceback (most recent call last):
    ...
    wechat_study.errors.DataError: ...weibo-cascades.csv.yaml: a sidecar exists already (edit it, or give --force ...)
    """
    target = spec.path / "dataset.yaml" if spec.path.is_dir() else spec.path.with_name(spec.path.name + ".yaml")
    existing = spec.sidecar or (target if target.exists() else None)
    if existing is not None and not force:
        raise DataError(existing, "a sidecar exists already", hint="edit it, or give --force to replace it")
    return target


def _default_format(path: Path) -> str:
    if path.is_dir():
        return "twitter-trees" if (path / "tree").is_dir() else "edgelist"
    return "weibo-api" if path.name.lower().endswith((".json", ".jsonl")) else "edgelist"


def describe(path, **options) -> UserData:
    """What a researcher's file or folder is and how to read it.

    The sidecar (``sidecar_of``) is looked for beside the path as given (a symlink's own name), then beside
    the file it points to; the default name comes from the path as given.

    Parameters
    ----------
    path : path
        The file or folder (or a symlink to it).
    **options
        Sidecar keys (``SIDECAR``), overriding the sidecar's.

    Returns
    -------
    UserData
        The keys resolved: the format from the file's name when not given, the name from the file's,
        the time zone (UTC, or Asia/Shanghai for ``weibo-csv``).

    Raises
    ------
    DataError
        A missing file, an unknown or mistyped key, a name a catalogued set has, an observation end
        without a UTC offset; naming the sidecar.

    Examples
    --------
    >>> from wechat_study.datasets import user
    >>> spec = user.describe("examples/weibo-crawler.csv")
    >>> spec.name, spec.format, spec.timezone
    ('example_weibo_crawler', 'weibo-csv', 'Asia/Shanghai')
    """
    given_path = Path(os.path.abspath(Path(path).expanduser()))  # a symlink stays a symlink
    path = given_path.resolve()
    if not path.exists():
        raise DataError(path, "not found", hint="give the path of an edge list (CSV, Parquet), a folder of them, "
                                                "a Weibo API JSON file, or a catalogued data set's name")
    side = sidecar_of(given_path) or (sidecar_of(path) if path != given_path else None)
    given = {**(_read_sidecar(side) if side else {}), **{k: v for k, v in options.items() if v is not None}}
    where = side or path
    unknown = [k for k in given if k not in SIDECAR]
    if unknown:
        raise DataError(where, f"unknown key {unknown[0]!r}", hint=f"the keys are {', '.join(SIDECAR)}")
    import datetime as dt

    if isinstance(given.get("observation_end"), dt.date):  # YAML reads an unquoted time as a date or datetime
        given["observation_end"] = given["observation_end"].isoformat()
    for key, value in given.items():
        ok = isinstance(value, dict) if key == "label_values" else isinstance(value, str | int | float)
        if not ok or isinstance(value, bool):
            raise DataError(where, f"{key} must be {'a mapping' if key == 'label_values' else 'text'}, "
                                   f"not {type(value).__name__}", hint=f"{key}: {SIDECAR[key]}")
    keys = list((given.get("label_values") or {}).keys())
    odd = [k for k in keys if isinstance(k, bool) or not isinstance(k, str | int)]
    if odd:
        raise DataError(where, f"label_values has the key {odd[0]!r}, not text (YAML reads yes, no, on, off, true and "
                               "false as booleans)",
                        hint="quote each value: {'yes': rumour, 'no': non-rumour}")
    folded = [str(k).strip().lower() for k in keys]
    if len(set(folded)) < len(folded):
        raise DataError(where, "label_values names one value twice (keys are compared without case)",
                        hint="give each value of the file once")
    fmt = str(given.get("format", _default_format(path)))
    if fmt not in FORMATS:
        raise DataError(where, f"unknown format {fmt!r}", hint=f"choose {', '.join(FORMATS)}")
    name = str(given.get("name") or _slug(given_path.name.split(".")[0] if path.is_file() else given_path.name))
    _check_name(name, where)
    text = {k: str(v) for k, v in given.items() if k not in ("label_values", "name", "format")}
    values = {str(k): str(v) for k, v in (given.get("label_values") or {}).items()}
    zone = text.pop("timezone", "Asia/Shanghai" if fmt == "weibo-csv" else "UTC")
    from .columns import check_timezone

    check_timezone(zone, where)
    end = text.get("observation_end", "latest record")
    if end != "latest record":
        try:
            stamp = pd.Timestamp(end)
        except ValueError:
            stamp = None
        if stamp is None or stamp.tzinfo is None:
            raise DataError(where, f"observation_end {end!r} is not a time with a UTC offset",
                            hint="write it as 2020-06-01T00:00:00+08:00, or 'latest record'")
    return UserData(path=path, name=name, format=fmt, timezone=zone, label_values=values, sidecar=side, **text)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")[:40].strip("_") or "custom"


def _check_name(name: str, where) -> None:
    from .catalog import CATALOG

    if not NAME.fullmatch(name):
        raise DataError(where, f"name {name!r} is not a short name",
                        hint="use lowercase letters, digits and _, at most 40, starting with a letter or digit")
    if name in CATALOG or name in ("synthetic", "all"):
        raise DataError(where, f"name {name!r} is taken by a catalogued data set", hint="give the sidecar another name")


# --- reading -------------------------------------------------------------------------------------------

def input_files(spec: UserData) -> list[Path]:
    """The files the data set is read from, in a fixed order (a folder's parts sorted by name).

    A folder's parts are all its files, in subfolders too (``*.txt`` only for ``twitter-trees``), except
    hidden files, YAML files and the per-cascade CSVs the sidecar names.

    Parameters
    ----------
    spec : UserData
        The data set, as ``describe`` gives it.

    Returns
    -------
    list of pathlib.Path
        ``[spec.path]`` for a file.

    Raises
    ------
    DataError
        A folder without a part.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets import user
    >>> with tempfile.TemporaryDirectory() as d:
    ...     for i in (1, 0):
    ...         _ = (Path(d) / f"part-{i}.csv").write_text("post_id,parent_id,user_id,created_at\\n")
    ...     print([f.name for f in user.input_files(user.describe(d))])
    ['part-0.csv', 'part-1.csv']
    """
    if spec.path.is_file():
        return [spec.path]
    pattern = "*.txt" if spec.format == "twitter-trees" else "*"
    side = set(_side_files(spec))
    files = sorted(p for p in spec.path.rglob(pattern) if p.is_file() and not p.name.startswith(".")
                   and p != spec.sidecar and p.suffix != ".yaml" and p.resolve() not in side)
    if not files:
        raise DataError(spec.path, "is an empty folder", hint="put the edge list's parts in it")
    return files


def read(spec: UserData) -> tuple[dict[str, pd.DataFrame], QualityReport]:
    """The ``posts`` and ``cascades`` tables of a user data set and its quality report.

    Reads the files in the sidecar's format, then adds to the cascades the labels, follower counts,
    verified flags and reported repost counts the sidecar names (or the format's own columns give).
    A tree folder (``twitter-trees``) has no columns: its labels come from ``label.txt`` (read through
    ``label_values``), and the other keys, or a labels CSV that replaces ``label.txt``'s, name CSVs of
    ``cascade_id,<key>``. Rows of such a CSV that name no cascade are counted (``<key>_rows_without_cascade``).
    In a folder of parts, messages name the part and its row. Nothing is written; ``prepare`` writes the result.

    Parameters
    ----------
    spec : UserData
        The data set, as ``describe`` gives it.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        ``posts`` and ``cascades``, canonical (``wechat_study.schema``).
    report : QualityReport
        Facts (``files``, ``cascades``, ``cascades_with_label``, ...) and quirks
        (``times_without_offset``: text without an offset, timestamps without a zone, dates; ...).

    Raises
    ------
    DataError
        A folder that mixes Parquet and CSV parts, parts whose columns have different types, an
        ``observation_end`` before the latest post, a label, count or per-cascade CSV that cannot be read
        (naming the CSV and its row when the value came from one), a tree folder's key naming a column,
        and the readers' own errors, each naming the file and record.

    Examples
    --------
    >>> from wechat_study.datasets import user
    >>> tables, report = user.read(user.describe("examples/weibo-cascades.csv"))
    >>> len(tables["posts"]), len(tables["cascades"]), report.count("cascades_with_author_followers")
    (30270, 303, 303)
    """
    from . import shapes
    from .columns import Rows
    from .edgelist import check_columns, from_table, read_table

    report = QualityReport(spec.name)
    if spec.format == "twitter-trees":
        return _trees(spec, report)
    rows = None
    if spec.format in ("weibo-api", "weibo-csv"):
        read_one = shapes.weibo_api if spec.format == "weibo-api" else shapes.weibo_csv
        files = input_files(spec)
        parts = [read_one(f, report) for f in files]
        table = pa.concat_tables(parts)
        labels = np.concatenate([t["record"].to_numpy(zero_copy_only=False).astype(object)
                                 if not spec.path.is_dir() else f"{_part_name(spec, f)} "
                                 + t["record"].to_numpy(zero_copy_only=False).astype(object)
                                 for f, t in zip(files, parts, strict=True)])
        rows = Rows(spec.path, np.arange(1, table.num_rows + 1), labels)
    else:
        parts = input_files(spec)
        from .edgelist import kind

        kinds = {("parquet" if kind(f) == "parquet" else "text") for f in parts}
        if len(kinds) > 1:
            raise DataError(spec.path, "mixes Parquet and CSV parts",
                            hint="keep the parts of one data set in one format")
        extras = [c for c in (spec.labels, spec.followers, spec.verified, spec.reported_reposts)
                  if c and not c.lower().endswith(".csv")]
        tables = [read_table(f, extra=extras) for f in parts]
        for f, t in zip(parts, tables, strict=True):
            check_columns(f, t.column_names, need=[c for c in tables[0].column_names], why="every part needs the first "
                          "part's columns,")
        try:
            table = pa.concat_tables([t.select(tables[0].column_names) for t in tables]) if len(tables) > 1 \
                else tables[0]
        except pa.ArrowInvalid:
            raise DataError(spec.path, "its parts give a column different types (ids as numbers in one, text in "
                                       "another)", hint="write every part with the same column types") from None
        report.fact("files", len(parts))
        if spec.path.is_dir():
            rows = _part_rows(spec, parts, [t.num_rows for t in tables])
    zone_warning = _note_zone(table, spec, report)
    corpus = from_table(table, spec.path, spec.name, spec.timezone, spec.time_unit, report, rows=rows)
    if zone_warning:  # only once the times were read: a later error is not about zones
        warnings.warn(zone_warning, stacklevel=2)
    unknown = int(corpus.posts["user_id"].isna().sum())
    report.quirk("posts_without_user_id", unknown, "kept; each counts as an author of its own")
    _check_end(spec, corpus.posts)
    cascades = _enrich(corpus.cascades, table, spec, report, rows)
    _count_known(cascades, report)
    return {"posts": corpus.posts, "cascades": cascades}, report


def _part_name(spec: UserData, f: Path) -> str:
    return f.relative_to(spec.path).as_posix() if f.is_relative_to(spec.path) else f.name


def _part_rows(spec: UserData, files: list[Path], sizes: list[int]):
    """Rows of a folder's parts, named by part and the row in it (``part-1.csv row 5``)."""
    from .columns import Rows

    numbers = np.concatenate([np.arange(1, n + 1) for n in sizes])
    index = np.repeat(np.arange(len(files)), sizes)
    return Rows(spec.path, numbers, parts=([_part_name(spec, f) for f in files], index))


def _check_end(spec: UserData, posts: pd.DataFrame) -> None:
    """A ``DataError`` when the sidecar's observation_end is before the latest post."""
    if spec.observation_end == "latest record":
        return
    last = posts["created_at"].max()
    if last > pd.Timestamp(spec.observation_end).tz_convert("UTC"):
        raise DataError(spec.sidecar or spec.path, f"observation_end {spec.observation_end} is before the latest "
                                                   f"post ({last:%Y-%m-%d %H:%M} UTC)",
                        hint="give when collection stopped, or 'latest record'")


def _trees(spec: UserData, report: QualityReport):
    from .twitter import load as load_trees

    root = spec.path
    if not (root / "tree").is_dir() or not (root / "label.txt").is_file():
        raise DataError(root, "is not a Twitter15/16-style folder", hint="it needs tree/<id>.txt and label.txt")
    for key in ("labels", "followers", "verified", "reported_reposts"):
        value = getattr(spec, key)
        if value and not value.lower().endswith(".csv"):
            raise DataError(spec.sidecar or root, f"{key}: {value!r} names a column, but tree folders have no columns",
                            hint=f"give a CSV of cascade_id,{key}")
    tables, report = load_trees(root.parent, root.name, dataset=spec.name, label_words=_label_words(spec))
    _check_end(spec, tables["posts"])
    cascades = _enrich(tables["cascades"], pa.table({}), spec, report)
    _count_known(cascades, report)
    return {"posts": tables["posts"], "cascades": cascades}, report


def _note_zone(table: pa.Table, spec: UserData, report: QualityReport) -> str | None:
    """Count the times written without an offset (and the days without a clock time); the warning to give,
    once the table has been read, when they were read as UTC by default."""
    from .columns import note_zone, zone_warning

    source = "as the sidecar says" if spec.sidecar or spec.timezone != "UTC" else "the default; set timezone"
    naive = note_zone(table["created_at"], spec.timezone, source, report)
    if naive and spec.timezone == "UTC" and spec.format == "edgelist":
        return zone_warning(spec.path.name, naive, "timezone: in the sidecar")
    return None


def _side_file(spec: UserData, value: str) -> Path:
    """A per-cascade CSV the sidecar names, relative to the sidecar's folder (or the data's, without one)."""
    base = spec.sidecar.parent if spec.sidecar else (spec.path if spec.path.is_dir() else spec.path.parent)
    return (base / value).resolve()


def _side_files(spec: UserData) -> list[Path]:
    return [_side_file(spec, v) for v in (spec.labels, spec.followers, spec.verified, spec.reported_reposts)
            if v and v.lower().endswith(".csv")]


def _per_cascade(spec: UserData, key: str, value: str, table: pa.Table, cascades: pd.DataFrame,
                 rows=None) -> tuple[pd.Series, tuple[Path, pd.Series] | None]:
    """A column's value at each cascade's source post, or a CSV's, indexed by cascade_id; for a CSV also
    (the file, each cascade's row number in it)."""
    if value.lower().endswith(".csv"):
        return _csv_per_cascade(spec, key, value)
    from .columns import Rows, ids

    rows = rows if rows is not None else Rows(spec.path, np.arange(1, table.num_rows + 1))
    post = ids(table["post_id"], "post_id", rows).to_pandas()
    values = table[value].combine_chunks().to_pandas()
    by_post = pd.Series(values.to_numpy(object), index=post.to_numpy(object))
    by_post = by_post[~by_post.index.duplicated()]
    return pd.Series(by_post.reindex(cascades["root_post_id"].to_numpy(object)).to_numpy(object),
                     index=cascades["cascade_id"].to_numpy(object)), None


def _csv_per_cascade(spec: UserData, key: str, value: str) -> tuple[pd.Series, tuple[Path, pd.Series]]:
    """A CSV of cascade_id,<key>: the values and the row numbers (1 = first data row), by cascade_id."""
    file = _side_file(spec, value)
    if not file.is_file():
        raise DataError(spec.sidecar or spec.path, f"{key}: file {value} not found", hint=f"{key}: {SIDECAR[key]}")
    try:
        df = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (ValueError, UnicodeDecodeError, pd.errors.ParserError) as e:
        first = str(e).splitlines()[0][:120] if str(e) else type(e).__name__
        raise DataError(file, f"cannot be read as a UTF-8 CSV of cascade_id,{key}: {first}") from None
    names = {key, {"labels": "label", "followers": "author_followers", "verified": "author_verified"}.get(key, key)}
    if len(df.columns) < 2 or df.columns[0] != "cascade_id" or df.columns[1] not in names:
        alt = "".join(f" (or cascade_id,{n})" for n in names - {key})
        raise DataError(file, f"the columns must be cascade_id,{key}{alt}, not {','.join(df.columns[:2])}")
    df = df.rename(columns={df.columns[1]: key})
    dup = df["cascade_id"].duplicated()
    if dup.any():
        raise DataError(file, f"cascade {df['cascade_id'][dup].iloc[0]!r} is listed twice",
                        record=f"row {int(np.flatnonzero(dup)[0]) + 1}")
    numbers = pd.Series(np.arange(1, len(df) + 1), index=df["cascade_id"].to_numpy(object))
    return df.set_index("cascade_id")[key].replace("", None), (file, numbers)


def _enrich(cascades: pd.DataFrame, table: pa.Table, spec: UserData, report: QualityReport,
            rows=None) -> pd.DataFrame:
    """The cascades table with the labels, follower counts, verified flags and repost counts the data gives."""
    out = cascades.copy()
    ids = out["cascade_id"].to_numpy(object)
    given = {"label": spec.labels, "author_followers": spec.followers, "author_verified": spec.verified,
             "reported_reposts": spec.reported_reposts}
    for shape_col, col in (("followers", "author_followers"), ("verified", "author_verified"),
                           ("reported_reposts", "reported_reposts")):
        if given[col] is None and shape_col in table.column_names:
            given[col] = shape_col
    for col, source in given.items():
        if source is None:
            continue
        key = {"label": "labels", "author_followers": "followers", "author_verified": "verified"}.get(col, col)
        got, origin = _per_cascade(spec, key, source, table, out, rows)
        if origin is not None:
            _count_strays(key, got, origin, ids, report)
        out[col] = _convert(col, got.reindex(ids), spec, origin)
    return out


def _count_strays(key: str, got: pd.Series, origin: tuple[Path, pd.Series], ids: np.ndarray,
                  report: QualityReport) -> None:
    """Count the rows of a per-cascade CSV whose cascade_id is no cascade of the data."""
    file, numbers = origin
    stray = ~got.index.isin(ids)
    report.quirk(f"{key}_rows_without_cascade", int(stray.sum()), f"a row of {file.name} names no cascade of the "
                 "data; ignored", [f"{file.name}: record row {int(n)}" for n in numbers[stray].iloc[:3]])


def _refuse(spec: UserData, origin, raw: pd.Series, i: int, problem: str, hint: str | None = None):
    """A ``DataError`` for the value at position ``i``: naming the CSV and its row when it came from one."""
    if origin is None:
        raise DataError(spec.sidecar or spec.path, problem, hint=hint)
    file, numbers = origin
    raise DataError(file, problem, record=f"row {int(numbers[raw.index[i]])}", hint=hint)


def _label_words(spec: UserData) -> dict:
    """Label value (lower case) -> the study's label: ``LABEL_WORDS`` and the sidecar's ``label_values``."""
    bad_target = [v for v in spec.label_values.values() if v not in LABEL_WORDS.values()]
    if bad_target:
        raise DataError(spec.sidecar or spec.path, f"label_values maps to {bad_target[0]!r}",
                        hint="map to rumour, non-rumour, true, false or unverified")
    return {**LABEL_WORDS, **{k.strip().lower(): v for k, v in spec.label_values.items()}}


def _convert(col: str, raw: pd.Series, spec: UserData, origin=None):
    known = raw.notna() & (raw.astype(str).str.strip() != "")
    if col == "label":
        words = _label_words(spec)
        text = raw.where(known).astype(object)
        mapped = text.map(lambda v: words.get(str(v).strip().lower()) if v is not None and v == v else None)
        unmapped = known & mapped.isna()
        if unmapped.any():
            first = unmapped.to_numpy().nonzero()[0][0]
            _refuse(spec, origin, raw, first, f"label {str(text.iloc[first])[:40]!r} (cascade {raw.index[first]!r}) "
                    "is not one the study knows", hint="map it in label_values: {VALUE: rumour} (or non-rumour, "
                                                        "true, false, unverified)")
        from .trees import str_array

        return str_array(mapped.to_numpy(object))
    if col == "author_verified":
        words = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
        mapped = raw.map(lambda v: v if isinstance(v, bool) else words.get(str(v).strip().lower()) if v is not None
                         and v == v else None)
        unread = known & mapped.isna()
        if unread.any():
            first = unread.to_numpy().nonzero()[0][0]
            _refuse(spec, origin, raw, first, f"verified {str(raw.iloc[first])[:20]!r} (cascade {raw.index[first]!r}) "
                    "is not true or false", hint="write true/false, yes/no or 1/0, or leave it empty")
        return pd.array(mapped.to_numpy(object), dtype="boolean")
    from .columns import NOT_A_COUNT, counts

    got, first = counts(raw)
    if first is not None:
        _refuse(spec, origin, raw, first, f"{col} {str(raw.iloc[first])[:20]!r} (cascade {raw.index[first]!r}) "
                f"{NOT_A_COUNT}")
    return got


def _count_known(cascades: pd.DataFrame, report: QualityReport) -> None:
    report.fact("cascades", len(cascades))
    for col in ("label", "author_followers", "author_verified", "reported_reposts"):
        report.fact(f"cascades_with_{col}", int(cascades[col].notna().sum()))


# --- prepared folders ----------------------------------------------------------------------------------

def digest(spec: UserData) -> str:
    """SHA-256 over the input's bytes, the sidecar's resolved keys, the loader code and the pseudonym scheme.

    The paths of the data and the sidecar are left out, so a moved copy has the same digest; a part's
    name (relative to the data's folder) is in it. The loader code is ``corpus.loader_digest``, the
    bytes of every file under ``datasets/`` and a few others, so any edit there changes the digest.

    Parameters
    ----------
    spec : UserData
        The data set, as ``describe`` gives it.

    Returns
    -------
    str
        64 hex digits.

    Raises
    ------
    DataError
        A folder without a part (from ``input_files``).

    Examples
    --------
    >>> from wechat_study.datasets import user
    >>> spec = user.describe("examples/weibo-cascades.csv")
    >>> value = user.digest(spec)
    >>> len(value), value == user.digest(user.describe("examples/weibo-cascades.csv", title="Another title"))
    (64, False)
    """
    from ..corpus import loader_digest
    from ..privacy import scheme

    h = hashlib.sha256()
    keys = {k: v for k, v in spec.to_dict().items() if k not in ("path", "sidecar")}
    h.update(json.dumps(keys, sort_keys=True).encode())
    h.update(loader_digest().encode() + json.dumps(scheme(), sort_keys=True).encode())
    base = spec.path if spec.path.is_dir() else spec.path.parent
    for f in input_files(spec) + _side_files(spec):
        h.update((f.relative_to(base).as_posix() if f.is_relative_to(base) else f.name).encode() + b"\0")
        try:
            h.update(file_hash(f))
        except FileNotFoundError:
            h.update(b"-")
    return h.hexdigest()


def file_hash(path: Path) -> bytes:
    """The SHA-256 of a file's bytes, read once per process while its size, mtime, inode and ctime stay the same.

    Parameters
    ----------
    path : pathlib.Path
        The file.

    Returns
    -------
    bytes
        The 32-byte digest.

    Raises
    ------
    FileNotFoundError
        When the file is gone.

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.datasets.user import file_hash
    >>> file_hash(Path("examples/weibo-api.json")).hex() == file_hash(Path("examples/weibo-api.json")).hex()
    True
    """
    st = Path(path).stat()
    return _hash_of(str(Path(path).resolve()), st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


@lru_cache(maxsize=256)
def _hash_of(path: str, size: int, mtime_ns: int, inode: int, ctime_ns: int) -> bytes:
    # ctime too: `cp -p` over a file keeps its size, mtime and inode, but any write sets ctime
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").digest()


def folder(spec: UserData) -> Path:
    """``data/processed/<name>-<first 16 hex digits of the digest>``.

    Parameters
    ----------
    spec : UserData
        The data set, as ``describe`` gives it.

    Returns
    -------
    pathlib.Path
        The processed folder, under the data folder (``WECHAT_STUDY_DATA``); it may not exist yet.

    Examples
    --------
    >>> from wechat_study.datasets import user
    >>> spec = user.describe("examples/weibo-cascades.csv")
    >>> user.folder(spec).name == f"example_weibo-{user.digest(spec)[:16]}", user.folder(spec).parent.name
    (True, 'processed')
    """
    from .. import paths

    return paths.processed_dir(f"{spec.name}-{digest(spec)[:16]}")


def prepare(spec: UserData, force: bool = False) -> tuple[Path, QualityReport]:
    """Read the data set once into its processed folder (atomically); returns (folder, quality report).

    A folder whose stamp (``.prepared.json``) matches its files is used as it is, unless ``force``;
    otherwise the tables are read, validated against the schema and written as
    ``posts.parquet``, ``cascades.parquet`` and ``quality.json``, with the stamp.

    Parameters
    ----------
    spec : UserData
        The data set, as ``describe`` gives it.
    force : bool
        Read and write again even when the folder is usable.

    Returns
    -------
    folder : pathlib.Path
        The processed folder (``folder(spec)``).
    report : QualityReport
        The quality report, read back from ``quality.json`` when the folder was already prepared.

    Raises
    ------
    DataError
        From ``read``, a table that fails the schema, or an input whose bytes changed while it was read.
    DiskError
        The disk refused a write; the folder was left as it was.

    Examples
    --------
    >>> from wechat_study.datasets import user
    >>> target, report = user.prepare(user.describe("examples/weibo-cascades.csv"))
    >>> sorted(p.name for p in target.iterdir())
    ['.prepared.json', 'cascades.parquet', 'posts.parquet', 'quality.json']
    >>> report.count("cascades")
    303
    """
    from ..atomic import staged_dir
    from ..corpus import STAMP, file_stamp
    from ..schema import validate

    target = folder(spec)
    if not force and _usable(target):
        return target, QualityReport.from_dict(json.loads((target / "quality.json").read_text("utf-8")))
    tables, report = read(spec)
    if folder(spec) != target:  # the folder is named for the bytes read: they must be the bytes hashed
        raise DataError(spec.path, "changed while it was being read", hint="prepare it again once it is complete "
                                                                          "(a crawler still writing it?)")
    for table, df in tables.items():
        validate(table, df, f"{spec.path}: {table}")
    with staged_dir(target) as staging:
        for table, df in tables.items():
            df.to_parquet(staging / f"{table}.parquet", index=False, compression="zstd")
        (staging / "quality.json").write_text(report.to_json(), "utf-8")
        files = {f: file_stamp(staging / f) for f in ("posts.parquet", "cascades.parquet", "quality.json")}
        stamp = {"dataset": spec.name, "source": spec.to_dict(), "digest": digest(spec), "files": files}
        (staging / STAMP).write_text(json.dumps(stamp, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return target, report


def _usable(target: Path) -> bool:
    from ..corpus import folder_problem

    return folder_problem(target, {}) is None


def load(path, **options):
    """The ``Corpus`` of a researcher's own data set, preparing it first when needed.

    Parameters
    ----------
    path : path
        The file or folder.
    **options
        Sidecar keys, as ``describe`` takes them.

    Returns
    -------
    Corpus
        ``posts``, ``cascades``, the quality report and the source (for source lines and the end of
        observation).

    Examples
    --------
    >>> from wechat_study.datasets import user
    >>> user.load("examples/weibo-api.json").quality.count("sources_from_retweeted_status")
    30
    """
    from ..corpus import Corpus, Source

    spec = describe(path, **options)
    target, report = prepare(spec)
    corpus = Corpus(spec.name, posts=pd.read_parquet(target / "posts.parquet"),
                    cascades=pd.read_parquet(target / "cascades.parquet"), quality=report)
    corpus.source = Source(spec.name, spec.described, spec.url, spec.observation_end,
                           "The end of observation is the data set's latest record, a lower bound on when collection "
                           "stopped." if spec.observation_end == "latest record" else
                           f"The end of observation is {spec.observation_end}, as the sidecar states.",
                           user=replace(spec))
    return corpus
