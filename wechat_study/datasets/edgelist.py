"""A researcher's own repost data, as a CSV or Parquet edge list, into the canonical tables.

Columns: ``post_id, parent_id, user_id, created_at`` and, optionally, ``cascade_id``.
``parent_id`` is empty for a source post. Without ``cascade_id``, each post's cascade is the
root its parents lead to, and the cascade is named after that root's ``post_id``. Ids are
compared as text whatever their type, and times are read as ``columns`` describes (UTC
offsets honoured, naive times in ``timezone``, numbers only with a ``time_unit``). The rows
pass the same checks as the catalogued data sets (duplicates, orphans, cycles), and user ids
become pseudonyms. The file is read with pyarrow's CSV or Parquet reader and assembled in
bulk (``bulk``).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..errors import DataError
from ..privacy import pseudonymize_arrow
from ..quality import QualityReport
from .bulk import assemble, first_records
from .columns import Rows, check_timezone, ids, times

__all__ = [
    "REQUIRED", "OPTIONAL", "PARQUET", "BLOCK", "OWNER", "load_edgelist", "from_table", "canonical", "short",
    "check_columns", "kind", "csv_options", "header", "opened", "read_table", "duplicates"
]

REQUIRED = ("post_id", "parent_id", "user_id", "created_at")
OPTIONAL = ("cascade_id",)
PARQUET = (".parquet", ".pq")
BLOCK = 64 << 20
OWNER = "load_edgelist"


def load_edgelist(path, dataset: str = "custom", timezone: str = "UTC", out=None, rows_per_part: int = 2_000_000,
                  time_unit: str | None = None):
    """Read an edge list into a ``Corpus`` with ``posts``, ``cascades`` and a ``quality`` report.

    ``ws.load(path)`` does the same with a sidecar, prepared once; this reads the file every time.

    Parameters
    ----------
    path : path
        A CSV, TSV (optionally gzipped) or Parquet file with columns ``post_id, parent_id, user_id,
        created_at[, cascade_id]``; ``parent_id`` is empty for a source post.
    dataset : str
        The tables' ``dataset`` column.
    timezone : str
        The IANA zone of times without an offset.
    out : path, optional
        Stream the file instead, so it may be larger than memory (it then needs ``cascade_id``): rows
        are spread over about ``rows/rows_per_part`` parts by a hash of their cascade, repeated
        ``post_id``s are set aside across the whole file, each part is checked and made canonical on its
        own, and ``out/`` gets ``posts/part-NNNNN.parquet`` (whole cascades per file, ready for
        ``cascade_metrics_parquet``), ``cascades.parquet`` and ``quality.json``. ``out`` must be a new
        folder, an empty one, or one an earlier ``load_edgelist`` wrote; it appears only when complete.
    rows_per_part : int
        Rows per part when streaming.
    time_unit : str, optional
        What numeric times count since 1970-01-01 UTC: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``; numeric
        times are refused without it.

    Returns
    -------
    Corpus or pathlib.Path
        The corpus; with ``out``, the folder's path.

    Raises
    ------
    DataError
        Naming the file, the data row (1 is the first after the header) and the problem.

    Examples
    --------
    >>> import wechat_study as ws
    >>> mine = ws.load_edgelist("examples/weibo-cascades.csv", dataset="mine", timezone="Asia/Shanghai")
    >>> mine
    Corpus('mine': posts=30,270, cascades=303)
    """
    path = Path(path)
    check_timezone(timezone, path)
    if out is not None:
        from .edgestream import stream

        return stream(path, Path(out), dataset, timezone, time_unit, rows_per_part)
    return from_table(read_table(path), path, dataset, timezone, time_unit)


def from_table(table: pa.Table, path, dataset: str, timezone: str = "UTC", time_unit: str | None = None,
               report: QualityReport | None = None):
    """``load_edgelist`` on a table already read (the edge list's columns; others are ignored).

    Errors name ``path`` and the data row (1 for the first row after the header).
    """
    from ..corpus import Corpus

    report = report if report is not None else QualityReport(dataset)
    report.fact("rows_read", table.num_rows)
    rows = Rows(Path(path), np.arange(1, table.num_rows + 1))
    cols, created = canonical(table, rows, timezone, time_unit)
    posts, cascades = assemble(cols, created, rows, dataset, report)
    return Corpus(dataset, posts=posts, cascades=cascades, quality=report)


def canonical(table: pa.Table, rows: Rows, timezone: str, time_unit: str | None) -> tuple[dict, np.ndarray]:
    """The id columns as canonical text (user ids as pseudonyms) and ``created_at`` as int64 ns UTC."""
    from concurrent.futures import ThreadPoolExecutor

    names = [c for c in ("post_id", "parent_id", *OPTIONAL) if c in table.column_names]
    with ThreadPoolExecutor(2) as pool:  # arrow kernels release the GIL
        when = pool.submit(times, table["created_at"], rows, timezone, time_unit)
        users = pool.submit(lambda: pseudonymize_arrow(ids(table["user_id"], "user_id", rows)))
        cols = {c: ids(table[c], c, rows) for c in names}
        cols["user_id"] = users.result()
        return cols, when.result()


def short(e: Exception) -> str:
    """The first line of an error's message, at most 200 characters."""
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def check_columns(path: Path, names, need=REQUIRED, why: str = "an edge list needs") -> None:
    missing = [c for c in need if c not in names]
    if missing:
        extra = " and may have cascade_id" if tuple(need) == REQUIRED else ""
        raise DataError(path, f"missing column(s) {', '.join(missing)}; {why} {', '.join(need)}{extra}")


def kind(path: Path) -> str:
    """``"parquet"``, ``"csv"`` or ``"tsv"`` by the file's name; a ``DataError`` for anything else."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in PARQUET:
        return "parquet"
    if ".tsv" in suffixes:
        return "tsv"
    if ".csv" in suffixes or (suffixes and suffixes[-1] == ".gz"):
        return "csv"
    raise DataError(path, f"unknown file type {path.suffix!r}", hint="give a .csv, .tsv or .parquet file")


def csv_options(path: Path, names=None):
    """pyarrow CSV options: every wanted column as text, empty cells as nulls."""
    import pyarrow.csv as pacsv

    parse = pacsv.ParseOptions(delimiter="\t" if kind(path) == "tsv" else ",")
    read = pacsv.ReadOptions(block_size=BLOCK)
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names or ()}, include_columns=names,
                                   null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True)
    return read, parse, convert


def header(path: Path) -> list[str]:
    """The column names of a CSV/TSV or Parquet file."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    with opened(path):
        if kind(path) == "parquet":
            return pq.ParquetFile(path).schema_arrow.names
        _, parse, _ = csv_options(path)
        with pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 16), parse_options=parse) as r:
            return r.schema.names


class opened:
    """Turn what the readers raise on a bad file into one-line ``DataError``s naming it."""

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        if not self.path.is_file():
            raise DataError(self.path, "file not found")
        return self

    def __exit__(self, typ, e, tb):
        if e is None or isinstance(e, DataError) or not isinstance(e, (pa.ArrowException, OSError, ValueError,
                                                                         UnicodeDecodeError, EOFError)):
            return False
        text = short(e)
        if "UTF8" in text or "UTF-8" in text or isinstance(e, UnicodeDecodeError):
            raise DataError(self.path, "is not UTF-8 text", hint="save the file as UTF-8") from None
        if "Empty CSV file" in text:
            raise DataError(self.path, "is empty", hint="an edge list has a header line and one row per post") from None
        m = re.match(r"CSV parse error: (Expected \d+ columns, got \d+)", text)
        if m:  # arrow's message ends with the row itself, which may hold user ids: name its line instead
            raise DataError(self.path, f"cannot be read as CSV: {m.group(1).lower()} (the row is not shown)",
                            record=_ragged_line(self.path)) from None
        what = "Parquet" if kind(self.path) == "parquet" else "CSV"
        raise DataError(self.path, f"cannot be read as {what}: {text}") from None


def _ragged_line(path: Path) -> str | None:
    """``line N``: the first line whose number of fields differs from the header's (None if none is found)."""
    import csv

    with open(path, newline="", encoding="utf-8", errors="replace") as f:
        rows = csv.reader(f)
        width = len(next(rows, []))
        for row in rows:
            if row and len(row) != width:
                return f"line {rows.line_num}"
    return None


def read_table(path: Path, extra=()) -> pa.Table:
    """The wanted columns of the whole file, as read (CSV columns as text); ``extra`` names more columns
    to read, each of which must be there."""
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    names = header(path)
    check_columns(path, names)
    check_columns(path, names, need=list(extra), why="the sidecar names")
    twice = [c for c in dict.fromkeys((*REQUIRED, *OPTIONAL, *extra)) if names.count(c) > 1]
    if twice:
        raise DataError(path, f"has the column {twice[0]} twice", hint="keep one")
    wanted = list(dict.fromkeys(c for c in (*REQUIRED, *OPTIONAL, *extra) if c in names))
    with opened(path):
        if kind(path) == "parquet":
            table = pq.read_table(path, columns=wanted)
        else:
            read, parse, convert = csv_options(path, wanted)
            table = pacsv.read_csv(path, read_options=read, parse_options=parse, convert_options=convert)
    if table.num_rows == 0:
        raise DataError(path, "has a header but no rows", hint="an edge list has one row per post")
    return table


def duplicates(post_id: pa.Array) -> np.ndarray:
    """Mask of the rows whose ``post_id`` appeared on an earlier row."""
    return ~first_records(post_id)[0]
