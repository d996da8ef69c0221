"""A researcher's own repost data, as a CSV or Parquet edge list, into the canonical tables.

Columns: ``post_id, parent_id, user_id, created_at`` and, optionally, ``cascade_id``.
``parent_id`` is empty for a source post. Without ``cascade_id``, each post's cascade is the
root its parents lead to, and the cascade is named after that root's ``post_id``. Times
without a UTC offset are read in ``timezone``. The rows pass the same checks as the
catalogued data sets (duplicates, orphans, cycles), and user ids become pseudonyms.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..errors import DataError
from ..privacy import pseudonymize
from ..quality import QualityReport
from .trees import Rows, assemble_posts, cascade_table

REQUIRED = ("post_id", "parent_id", "user_id", "created_at")


def _read(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise DataError(path, "file not found")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            df = pd.read_parquet(path)
        elif path.suffix.lower() in (".csv", ".gz", ".tsv"):
            df = pd.read_csv(path, dtype=str, keep_default_na=False, sep="\t" if ".tsv" in path.suffixes else ",")
        else:
            raise DataError(path, f"unknown file type {path.suffix!r}", hint="give a .csv, .tsv or .parquet file")
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, ValueError) as e:
        if isinstance(e, DataError):
            raise
        raise DataError(path, f"cannot be read: {e}") from None
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise DataError(path, f"missing column(s) {', '.join(missing)}; an edge list needs "
                              f"{', '.join(REQUIRED)} and may have cascade_id")
    return df


def _text(values: pd.Series) -> np.ndarray:
    out = values.astype(object).to_numpy()
    blank = pd.isna(out) | (out == "")
    return np.where(blank, None, out.astype(str)).astype(object)


def _times(df: pd.DataFrame, path: Path, timezone: str, row_no: np.ndarray) -> np.ndarray:
    raw = df["created_at"]
    if pd.api.types.is_datetime64_any_dtype(raw):
        parsed = raw
    else:
        text = raw.astype(object).where(raw.astype(str) != "", None)
        parsed = pd.to_datetime(text, errors="coerce", format="mixed", utc=False)
        bad = parsed.isna().to_numpy() & text.notna().to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(path, f"created_at {raw.iat[i]!r} is not a date and time", record=f"row {row_no[i]}")
    if getattr(parsed.dt, "tz", None) is None:
        parsed = parsed.dt.tz_localize(timezone)
    return parsed.dt.tz_convert("UTC").to_numpy("datetime64[ns]").astype(np.int64)


def find_roots(post_id: np.ndarray, parent_id: np.ndarray, source: str) -> np.ndarray:
    """For each post, the ``post_id`` of the root its parents lead to (pointer doubling)."""
    n = len(post_id)
    codes, _ = pd.factorize(np.concatenate([post_id, parent_id]))
    row_of = np.full(codes.max() + 1 if n else 0, -1, np.int64)
    row_of[codes[:n][::-1]] = np.arange(n)[::-1]
    pc = codes[n:]
    parent = np.where(pc >= 0, row_of[np.maximum(pc, 0)], -1)
    absent = (pc >= 0) & (parent < 0)
    if absent.any():
        i = int(np.flatnonzero(absent)[0])
        raise DataError(source, f"post {post_id[i]!r} names parent {parent_id[i]!r}, which is not in the file",
                        record=f"row {i + 1}",
                        hint="add a cascade_id column, so that such posts can be attached to their cascade's root")
    up = np.where(parent >= 0, parent, np.arange(n))
    for _ in range(int(np.ceil(np.log2(n + 1))) + 1):
        up = up[up]
    stuck = parent[up] >= 0
    if stuck.any():
        i = int(np.flatnonzero(stuck)[0])
        raise DataError(source, f"parent cycle through post {post_id[i]!r}", record=f"row {i + 1}",
                        hint="every post's parents must lead back to a source post")
    return post_id[up]


def load_edgelist(path, dataset: str = "custom", timezone: str = "UTC", out=None, rows_per_part: int = 2_000_000):
    """Read an edge list into a ``Corpus`` with ``posts``, ``cascades`` and a ``quality`` report.

    ``path`` is a CSV, TSV or Parquet file with columns ``post_id, parent_id, user_id,
    created_at[, cascade_id]``. Naive times are read in ``timezone`` (an IANA name).

    With ``out``, the file is streamed instead, so it may be larger than memory (it then needs
    ``cascade_id``): rows are spread over parts by a hash of their cascade, each part is checked
    and made canonical on its own, and ``out/`` gets ``posts/part-NNNNN.parquet`` (whole cascades
    per file, ready for ``cascade_metrics_parquet``), ``cascades.parquet`` and ``quality.json``.
    The folder is written atomically; the return value is its path.
    """
    from ..corpus import Corpus

    path = Path(path)
    if out is not None:
        return _stream(path, Path(out), dataset, timezone, rows_per_part)
    df = _read(path)
    report = QualityReport(dataset)
    report.fact("rows_read", len(df))
    posts, cascades = _tables(df, np.arange(1, len(df) + 1), path, dataset, timezone, report)
    return Corpus(dataset, posts=posts, cascades=cascades, quality=report)


def _tables(df: pd.DataFrame, row_no: np.ndarray, path: Path, dataset: str, timezone: str, report: QualityReport):
    """Canonical (posts, cascades) for the rows of ``df``; ``row_no`` numbers them as in the file."""
    from ..schema import validate

    post_id, parent_id = _text(df["post_id"]), _text(df["parent_id"])
    if any(v is None for v in post_id):
        i = next(i for i, v in enumerate(post_id) if v is None)
        raise DataError(path, "empty post_id", record=f"row {row_no[i]}")
    is_root = pd.isna(parent_id)
    if "cascade_id" in df.columns:
        cascade = _text(df["cascade_id"])
        if any(v is None for v in cascade):
            i = next(i for i, v in enumerate(cascade) if v is None)
            raise DataError(path, "empty cascade_id", record=f"row {row_no[i]}")
    else:
        cascade = find_roots(post_id, parent_id, str(path))
    rows = Rows(
        cascade_id=cascade, post_id=post_id, parent_id=parent_id, user_id=pseudonymize(_text(df["user_id"])),
        created_at=_times(df, path, timezone, row_no), is_root=is_root,
        kind=np.where(is_root, "source", "unknown").astype(object), source=np.zeros(len(df), np.int64),
        record=np.array([f"row {r}" for r in row_no], dtype=object), sources=[str(path)],
    )
    posts = assemble_posts(rows, dataset, report)
    validate("posts", posts, path)
    cascades = cascade_table(posts, dataset)
    validate("cascades", cascades, path)
    return posts, cascades


def _batches(path: Path):
    """Record batches of every column as text (CSV/TSV) or as stored (Parquet)."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    if path.suffix.lower() in (".parquet", ".pq"):
        yield from pq.ParquetFile(path).iter_batches(batch_size=500_000)
        return
    delimiter = "\t" if ".tsv" in path.suffixes else ","
    head = pacsv.open_csv(path, parse_options=pacsv.ParseOptions(delimiter=delimiter))
    names = head.schema.names
    reader = pacsv.open_csv(path, parse_options=pacsv.ParseOptions(delimiter=delimiter),
                            read_options=pacsv.ReadOptions(block_size=64 << 20),
                            convert_options=pacsv.ConvertOptions(column_types={n: pa.string() for n in names},
                                                                 strings_can_be_null=False))
    yield from reader


def _stream(path: Path, out: Path, dataset: str, timezone: str, rows_per_part: int) -> Path:
    import pyarrow.parquet as pq

    from ..atomic import staged_dir

    if not path.is_file():
        raise DataError(path, "file not found")
    n_parts = max(1, int(np.ceil(path.stat().st_size / (rows_per_part * 60))))  # about 60 bytes a row
    report = QualityReport(dataset)
    with staged_dir(out) as staging:
        buckets = staging / "buckets"
        buckets.mkdir()
        writers: dict[int, pq.ParquetWriter] = {}
        seen = 0
        for batch in _batches(path):
            names = batch.schema.names
            missing = [c for c in (*REQUIRED, "cascade_id") if c not in names]
            if missing:
                raise DataError(path, f"missing column(s) {', '.join(missing)}; streaming an edge list needs "
                                      f"{', '.join(REQUIRED)} and cascade_id")
            table = pa.Table.from_batches([batch]).append_column("__row", pa.array(np.arange(seen + 1, seen + 1 + len(batch))))
            seen += len(batch)
            part = pd.util.hash_array(table["cascade_id"].to_numpy().astype(object)) % n_parts
            for k in np.unique(part):
                chunk = table.filter(pa.array(part == k))
                if k not in writers:
                    writers[k] = pq.ParquetWriter(buckets / f"{k:05d}.parquet", chunk.schema)
                writers[k].write_table(chunk)
        for w in writers.values():
            w.close()
        report.fact("rows_read", seen)
        (staging / "posts").mkdir()
        cascades, n_posts = [], 0
        for k, bucket in enumerate(sorted(buckets.glob("*.parquet"))):
            df = pd.read_parquet(bucket)
            posts, casc = _tables(df.drop(columns="__row"), df["__row"].to_numpy(), path, dataset, timezone, report)
            posts.to_parquet(staging / "posts" / f"part-{k:05d}.parquet", index=False, compression="zstd")
            cascades.append(casc)
            n_posts += len(posts)
            bucket.unlink()
        buckets.rmdir()
        pd.concat(cascades, ignore_index=True).sort_values("cascade_id").to_parquet(
            staging / "cascades.parquet", index=False, compression="zstd")
        report.fact("parts", len(cascades))
        report.fact("posts", n_posts)
        report.fact("cascades", sum(len(c) for c in cascades))
        (staging / "quality.json").write_text(report.to_json(), "utf-8")
    return out
