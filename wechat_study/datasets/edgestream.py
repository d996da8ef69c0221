"""``load_edgelist(path, out=DIR)``: an edge list larger than memory, streamed into partitioned Parquet.

Pass 1 reads the file in batches, makes each batch canonical (ids as text, user ids as
pseudonyms, times in UTC) and appends its rows to scratch files: by a hash of ``cascade_id``
(so that each part holds whole cascades) and, ``post_id`` and row number only, by a hash of
``post_id`` (so that a repeated ``post_id`` is seen whatever the parts). Pass 2 finds the
repeats, keeping each id's first row in the file as the in-memory path does, then assembles
each part on its own. Parts number about ``rows / rows_per_part``; raw user ids never reach
the disk.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..atomic import staged_dir
from ..errors import DataError
from ..quality import QualityReport
from .bulk import assemble
from .columns import Rows, day_only_count, naive_count, note_zone, zone_warning
from .edgelist import (
    BLOCK,
    OPTIONAL,
    OWNER,
    REQUIRED,
    canonical,
    check_columns,
    csv_options,
    duplicates,
    header,
    kind,
    opened,
)

__all__ = ["NEED", "stream"]

NEED = (*REQUIRED, *OPTIONAL)


def _batches(path: Path, rows_per_part: int):
    """(record batch of the wanted columns, estimated rows in the file), batch by batch."""
    import pyarrow.csv as pacsv

    with opened(path):
        if kind(path) == "parquet":
            f = pq.ParquetFile(path)
            for batch in f.iter_batches(batch_size=max(1, min(rows_per_part, 1_000_000)), columns=list(NEED)):
                yield batch, f.metadata.num_rows
            return
        read, parse, convert = csv_options(path, list(NEED))
        size = path.stat().st_size
        estimate = None
        with pacsv.open_csv(path, read_options=read, parse_options=parse, convert_options=convert) as reader:
            for batch in reader:
                if estimate is None:
                    estimate = math.ceil(batch.num_rows * max(1.0, size / BLOCK))
                yield batch, estimate


def _hash(arr: pa.Array) -> np.ndarray:
    """A stable 64-bit hash of each text value (each distinct value hashed once)."""
    enc = pc.dictionary_encode(arr)
    values = enc.dictionary.to_numpy(zero_copy_only=False).astype(object)
    return pd.util.hash_array(values, categorize=False)[enc.indices.to_numpy(zero_copy_only=False)]


class _Spill:
    """Append tables to ``folder/NNNNN.parquet`` by part number."""

    def __init__(self, folder: Path):
        self.folder, self.writers = folder, {}
        folder.mkdir()

    def add(self, table: pa.Table, part: np.ndarray) -> None:
        for k in np.unique(part):
            chunk = table.filter(pa.array(part == k))
            if k not in self.writers:
                self.writers[k] = pq.ParquetWriter(self.folder / f"{k:05d}.parquet", chunk.schema)
            self.writers[k].write_table(chunk)

    def close(self) -> list[Path]:
        for w in self.writers.values():
            w.close()
        return sorted(self.folder.glob("*.parquet"))


def stream(path: Path, out: Path, dataset: str, timezone: str, time_unit: str | None, rows_per_part: int,
           zone_source: str = "as given") -> Path:
    """Stream an edge list into ``out/``: ``posts/part-NNNNN.parquet``, ``cascades.parquet``, ``quality.json``.

    What ``load_edgelist(path, out=...)`` calls; the module's text describes the two passes. Each part holds
    whole cascades; ``out`` appears only when complete (``atomic.staged_dir``) with a marker naming
    ``load_edgelist``.

    Parameters
    ----------
    path : pathlib.Path
        A CSV, TSV (optionally gzipped) or Parquet edge list with ``post_id, parent_id, user_id, created_at,
        cascade_id``.
    out : pathlib.Path
        A new folder, an empty one, or one an earlier ``load_edgelist`` wrote.
    dataset : str
        The tables' ``dataset`` column.
    timezone : str
        The IANA zone of times without an offset.
    time_unit : str or None
        What numeric times count since 1970-01-01 UTC (``"s"``, ``"ms"``, ``"us"``, ``"ns"``), or None.
    rows_per_part : int
        Rows per part: the parts number about the file's rows (estimated from the first batch) over this.
    zone_source : str
        Where ``timezone`` came from, for the quality report; ``"the default; set timezone"`` also warns
        when some times carry no offset.

    Returns
    -------
    pathlib.Path
        ``out``.

    Raises
    ------
    DataError
        ``rows_per_part`` below 1, no such file, a needed column missing, a header but no rows, or (through
        ``Rows.fail`` and the checks the rows pass) an empty ``post_id`` or ``cascade_id`` or another bad row,
        naming the row.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import pandas as pd
    >>> from wechat_study.datasets.edgestream import stream
    >>> with tempfile.TemporaryDirectory() as d:
    ...     edges = Path(d) / "edges.csv"
    ...     _ = edges.write_text("cascade_id,post_id,parent_id,user_id,created_at\\n"
    ...                          "a,1,,ann,2020-01-31T08:05:00Z\\na,2,1,ben,2020-01-31T08:06:00Z\\n"
    ...                          "b,3,,cat,2020-02-01T10:00:00Z\\nb,4,3,ann,2020-02-01T10:30:00Z\\n")
    ...     out = stream(edges, Path(d) / "mine", "mine", "UTC", None, rows_per_part=2)
    ...     print(sorted(f.name for f in (out / "posts").iterdir()), len(pd.read_parquet(out / "cascades.parquet")))
    ['part-00000.parquet', 'part-00001.parquet'] 2
    """
    if rows_per_part < 1:
        raise DataError(path, f"rows_per_part must be at least 1, not {rows_per_part}")
    if not path.is_file():
        raise DataError(path, "file not found")
    names = header(path)
    check_columns(path, names, NEED, "streaming an edge list needs")
    report = QualityReport(dataset)
    with staged_dir(out, owner=OWNER) as staging:
        scratch = staging.parent
        parts, id_parts = _Spill(scratch / "parts"), _Spill(scratch / "ids")
        n_parts, seen, naive, days = None, 0, 0, 0
        for batch, estimate in _batches(path, rows_per_part):
            n_parts = n_parts or max(1, math.ceil(estimate / rows_per_part))
            rows = Rows(path, np.arange(seen + 1, seen + 1 + batch.num_rows))
            seen += batch.num_rows
            cols, created = canonical(pa.Table.from_batches([batch]), rows, timezone, time_unit)
            more = naive_count(batch.column("created_at"))  # None for numeric times: every batch alike
            naive = None if more is None else naive + more
            days += day_only_count(batch.column("created_at"))
            for c in ("post_id", "cascade_id"):
                if cols[c].null_count:
                    rows.fail(int(np.flatnonzero(cols[c].is_null().to_numpy(zero_copy_only=False))[0]), f"empty {c}")
            table = pa.table({**cols, "created_at": created, "row": rows.numbers})
            parts.add(table, _hash(cols["cascade_id"]) % n_parts)
            id_parts.add(table.select(["post_id", "row"]), _hash(cols["post_id"]) % n_parts)
        if seen == 0:
            raise DataError(path, "has a header but no rows", hint="an edge list has one row per post")
        report.fact("rows_read", seen)
        naive = note_zone(None, timezone, zone_source, report, naive=naive, days=days) if naive is not None else 0
        repeated = _repeats(id_parts.close(), path, report)
        (staging / "posts").mkdir()
        cascades, n_posts = [], 0
        for k, part in enumerate(parts.close()):
            t = pq.read_table(part)
            part.unlink()
            numbers = t["row"].to_numpy()
            keep = ~np.isin(numbers, repeated)
            t = t.filter(pa.array(keep))
            cols = {c: t[c].combine_chunks() for c in ("cascade_id", "post_id", "parent_id", "user_id")}
            posts, casc = assemble(
                cols, t["created_at"].to_numpy(), Rows(path, numbers[keep]), dataset, report, dedup=False
            )
            del t, cols
            posts.to_parquet(staging / "posts" / f"part-{k:05d}.parquet", index=False, compression="zstd")
            cascades.append(casc)
            n_posts += len(posts)
        pd.concat(cascades, ignore_index=True).sort_values("cascade_id").to_parquet(
            staging / "cascades.parquet", index=False, compression="zstd"
        )
        report.fact("parts", len(cascades))
        report.fact("posts", n_posts)
        report.fact("cascades", sum(len(c) for c in cascades))
        (staging / "quality.json").write_text(report.to_json(), "utf-8")
    if naive and zone_source.startswith("the default"):
        warnings.warn(zone_warning(path.name, naive, "timezone='Asia/Shanghai' (or the zone they are in)"),
                      stacklevel=3)
    return out


def _repeats(files: list[Path], path: Path, report: QualityReport) -> np.ndarray:
    """Row numbers whose ``post_id`` appeared on an earlier row of the file, counted in ``report``."""
    found = []
    for f in files:
        t = pq.read_table(f)
        f.unlink()
        order = np.argsort(t["row"].to_numpy(), kind="stable")
        t = t.take(pa.array(order))
        dup = duplicates(t["post_id"].combine_chunks())
        found.append(t.filter(pa.array(dup)))
    rep = (
        pa.concat_tables(found)
        if found
        else pa.table({"post_id": pa.array([], pa.string()), "row": pa.array([], pa.int64())})
    )
    rep = rep.take(pc.sort_indices(rep, [("row", "ascending")]))
    examples = [
        f"{path}: record row {r} ({p})"
        for p, r in zip(rep["post_id"].to_pylist()[:3], rep["row"].to_pylist()[:3], strict=True)
    ]
    report.quirk(
        "duplicate_records",
        rep.num_rows,
        "same post id again (anywhere in the file); the first record is kept",
        examples,
    )
    return rep["row"].to_numpy()
