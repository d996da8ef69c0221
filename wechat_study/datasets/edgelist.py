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

import gzip
import re
import warnings
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..errors import DataError
from ..privacy import pseudonymize_arrow
from ..quality import QualityReport
from .bulk import assemble, first_records
from .columns import Rows, check_timezone, ids, note_zone, times, zone_warning

__all__ = [
    "REQUIRED", "OPTIONAL", "PARQUET", "BLOCK", "OWNER", "load_edgelist", "from_table", "canonical", "short",
    "check_columns", "kind", "csv_options", "header", "opened", "read_table", "duplicates"
]

REQUIRED = ("post_id", "parent_id", "user_id", "created_at")
OPTIONAL = ("cascade_id",)
PARQUET = (".parquet", ".pq")
BLOCK = 64 << 20
OWNER = "load_edgelist"


def load_edgelist(path, dataset: str = "custom", timezone: str | None = None, out=None, rows_per_part: int = 2_000_000,
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
    timezone : str, optional
        The IANA zone of times without an offset. Left out, they are read as UTC, with a warning naming how
        many there are; either way the quality report counts them (``times_without_offset``).
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
    zone = timezone or "UTC"
    check_timezone(zone, path)
    source = "the default; set timezone" if timezone is None else "as given"
    if out is not None:
        from .edgestream import stream

        return stream(path, Path(out), dataset, zone, time_unit, rows_per_part, zone_source=source)
    table = read_table(path)
    report = QualityReport(dataset)
    naive = note_zone(table["created_at"], zone, source, report) if "created_at" in table.column_names else 0
    corpus = from_table(table, path, dataset, zone, time_unit, report)
    if naive and timezone is None:  # only once the times were read: a later error is not about zones
        warnings.warn(zone_warning(path.name, naive, "timezone='Asia/Shanghai' (or the zone they are in)"),
                      stacklevel=2)
    return corpus


def from_table(table: pa.Table, path, dataset: str, timezone: str = "UTC", time_unit: str | None = None,
               report: QualityReport | None = None, rows: Rows | None = None):
    """``load_edgelist`` on a table already read (the edge list's columns; others are ignored).

    Errors name ``path`` and the data row (1 for the first row after the header).

    Parameters
    ----------
    table : pyarrow.Table
        Columns ``post_id, parent_id, user_id, created_at`` and optionally ``cascade_id``, one row per post.
    path : str or path
        The file the table was read from, for messages.
    dataset : str
        The tables' ``dataset`` column.
    timezone : str
        The IANA zone of times without an offset.
    time_unit : str, optional
        What numeric times count since 1970-01-01 UTC: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``.
    report : QualityReport, optional
        A report to add to (default: a new one for ``dataset``); it gets ``rows_read`` and the checks' counts.
    rows : Rows, optional
        What messages call each row (default: "row N", N from 1), e.g. the status of a JSON file it came from.

    Returns
    -------
    Corpus
        ``posts``, ``cascades`` and ``quality``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.edgelist import from_table
    >>> table = pa.table({"post_id": ["1", "2", "3"], "parent_id": [None, "1", "2"],
    ...                   "user_id": ["ann", "ben", "cat"],
    ...                   "created_at": ["2020-01-31 08:05:00", "2020-01-31 08:06:00", "2020-01-31 09:00:00"]})
    >>> mine = from_table(table, "mine.csv", "mine", timezone="Asia/Shanghai")
    >>> mine
    Corpus('mine': posts=3, cascades=1)
    >>> mine.posts[["post_id", "parent_node", "created_at"]]
      post_id  parent_node                created_at
    0       1           -1 2020-01-31 00:05:00+00:00
    1       2            0 2020-01-31 00:06:00+00:00
    2       3            1 2020-01-31 01:00:00+00:00
    """
    from ..corpus import Corpus

    report = report if report is not None else QualityReport(dataset)
    report.fact("rows_read", table.num_rows)
    rows = rows if rows is not None else Rows(Path(path), np.arange(1, table.num_rows + 1))
    cols, created = canonical(table, rows, timezone, time_unit)
    posts, cascades = assemble(cols, created, rows, dataset, report)
    return Corpus(dataset, posts=posts, cascades=cascades, quality=report)


def canonical(table: pa.Table, rows: Rows, timezone: str, time_unit: str | None) -> tuple[dict, np.ndarray]:
    """The id columns as canonical text (user ids as pseudonyms) and ``created_at`` as int64 ns UTC.

    Parameters
    ----------
    table : pyarrow.Table
        The edge list: ``post_id, parent_id, user_id, created_at`` and optionally ``cascade_id``.
    rows : Rows
        Where each row came from, for messages.
    timezone : str
        The IANA zone of times without an offset.
    time_unit : str, optional
        What numeric times count since 1970-01-01 UTC.

    Returns
    -------
    tuple of (dict, numpy.ndarray)
        The columns ``post_id``, ``parent_id``, ``user_id`` (pseudonyms) and, when the table has it,
        ``cascade_id``, as ``pa.string()`` arrays (``columns.ids``); and ``created_at`` as int64 nanoseconds
        since the epoch, UTC, ``NAT`` where missing (``columns.times``).

    Examples
    --------
    >>> import numpy as np
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.columns import Rows
    >>> from wechat_study.datasets.edgelist import canonical
    >>> table = pa.table({"post_id": [1, 2], "parent_id": [None, 1], "user_id": ["ann", "ben"],
    ...                   "created_at": ["2020-01-31T08:05:00+08:00", "2020-01-31T08:06:00+08:00"]})
    >>> cols, created = canonical(table, Rows("mine.csv", np.arange(1, 3)), "UTC", None)
    >>> sorted(cols), cols["parent_id"].to_pylist(), created.tolist()
    (['parent_id', 'post_id', 'user_id'], [None, '1'], [1580429100000000000, 1580429160000000000])
    """
    from concurrent.futures import ThreadPoolExecutor

    names = [c for c in ("post_id", "parent_id", *OPTIONAL) if c in table.column_names]
    with ThreadPoolExecutor(2) as pool:  # arrow kernels release the GIL
        when = pool.submit(times, table["created_at"], rows, timezone, time_unit)
        users = pool.submit(lambda: pseudonymize_arrow(ids(table["user_id"], "user_id", rows)))
        cols = {c: ids(table[c], c, rows) for c in names}
        cols["user_id"] = users.result()
        return cols, when.result()


def short(e: Exception) -> str:
    """The first line of an error's message, at most 200 characters.

    Parameters
    ----------
    e : Exception
        Any error.

    Returns
    -------
    str
        The first line of ``str(e)``, cut to 197 characters and ``...`` when longer; the error's class
        name when its message is empty.

    Examples
    --------
    >>> from wechat_study.datasets.edgelist import short
    >>> short(ValueError("bad row\\nthe row itself")), short(KeyError())
    ('bad row', 'KeyError')
    """
    text = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
    return text if len(text) <= 200 else text[:197] + "..."


def check_columns(path: Path, names, need=REQUIRED, why: str = "an edge list needs") -> None:
    """A ``DataError`` unless every column of ``need`` is among ``names``.

    Parameters
    ----------
    path : path
        What the error names as its file.
    names : sequence of str
        The file's columns.
    need : sequence of str
        The columns that must be there (default ``REQUIRED``).
    why : str
        The words before the list of needed columns in the message.

    Raises
    ------
    DataError
        Some of ``need`` are missing (the message names them and everything ``need`` holds), or one is there
        twice.

    Examples
    --------
    >>> from pathlib import Path
    >>> import wechat_study as ws
    >>> from wechat_study.datasets.edgelist import check_columns
    >>> check_columns(Path("mine.csv"), ["post_id", "parent_id", "user_id", "created_at"])
    >>> try:
    ...     check_columns(Path("mine.csv"), ["post_id", "user_id"])
    ... except ws.DataError as e:
    ...     print(e)
    mine.csv: missing column(s) parent_id, created_at; an edge list needs post_id, parent_id, user_id, created_at
    and may have cascade_id
    """
    missing = [c for c in need if c not in names]
    if missing:
        extra = " and may have cascade_id" if tuple(need) == REQUIRED else ""
        raise DataError(path, f"missing column(s) {', '.join(missing)}; {why} {', '.join(need)}{extra}")
    twice = [c for c in dict.fromkeys(need) if list(names).count(c) > 1]
    if twice:
        raise DataError(path, f"has the column {twice[0]} twice", hint="keep one")


def kind(path: Path) -> str:
    """``"parquet"``, ``"csv"`` or ``"tsv"`` by the file's name; a ``DataError`` for anything else.

    Parameters
    ----------
    path : pathlib.Path
        The file; only its name is read (case does not matter).

    Returns
    -------
    str
        ``"parquet"`` for a last suffix ``.parquet`` or ``.pq``; ``"tsv"`` when any suffix is ``.tsv``;
        ``"csv"`` when one is ``.csv`` or the last is ``.gz``.

    Raises
    ------
    DataError
        Any other name.

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.datasets.edgelist import kind
    >>> kind(Path("posts.csv.gz")), kind(Path("posts.tsv")), kind(Path("posts.PQ"))
    ('csv', 'tsv', 'parquet')
    >>> kind(Path("posts.xlsx"))
    Traceback (most recent call last):
    ...
    wechat_study.errors.DataError: posts.xlsx: unknown file type '.xlsx' (give a .csv, .tsv or .parquet file)
    """
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in PARQUET:
        return "parquet"
    if ".tsv" in suffixes:
        return "tsv"
    if ".csv" in suffixes or (suffixes and suffixes[-1] == ".gz"):
        return "csv"
    raise DataError(path, f"unknown file type {path.suffix!r}", hint="give a .csv, .tsv or .parquet file")


def csv_options(path: Path, names=None):
    """pyarrow CSV options: every wanted column as text, empty cells as nulls.

    Parameters
    ----------
    path : pathlib.Path
        The file: a tab delimiter for a TSV (``kind``), else a comma.
    names : sequence of str, optional
        The columns to read, all as text; None reads every column, with pyarrow's type inference.

    Returns
    -------
    tuple of (pyarrow.csv.ReadOptions, pyarrow.csv.ParseOptions, pyarrow.csv.ConvertOptions)
        Read options with blocks of ``BLOCK`` bytes (64 MiB), the parse options and the convert options.

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.datasets.edgelist import csv_options
    >>> read, parse, convert = csv_options(Path("posts.tsv"), ["post_id"])
    >>> parse.delimiter, convert.column_types, convert.null_values
    ('\\t', {'post_id': DataType(string)}, [''])
    """
    import pyarrow.csv as pacsv

    parse = pacsv.ParseOptions(delimiter="\t" if kind(path) == "tsv" else ",")
    read = pacsv.ReadOptions(block_size=BLOCK)
    convert = pacsv.ConvertOptions(column_types={n: pa.string() for n in names or ()}, include_columns=names,
                                   null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True)
    return read, parse, convert


def header(path: Path) -> list[str]:
    """The column names of a CSV/TSV or Parquet file.

    Parameters
    ----------
    path : pathlib.Path
        The file (see ``kind``).

    Returns
    -------
    list of str
        Its columns, in the file's order.

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.datasets.edgelist import header
    >>> header(Path("examples/weibo-cascades.csv"))
    ['post_id', 'parent_id', 'user_id', 'created_at', 'followers']
    """
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    with opened(path):
        if kind(path) == "parquet":
            return pq.ParquetFile(path).schema_arrow.names
        _, parse, _ = csv_options(path)
        with pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 16), parse_options=parse) as r:
            return r.schema.names


class opened:
    """Turn what the readers raise on a bad file into one-line ``DataError``s naming it.

    A context manager. Entering it raises a ``DataError`` when ``path`` is not a file. On the way out, an
    arrow, OS, value, Unicode or end-of-file error becomes a ``DataError``: not UTF-8, empty, a ragged CSV
    row (named by its line, the row itself not shown), or cannot be read as CSV or Parquet. Other errors
    pass through unchanged.

    Parameters
    ----------
    path : pathlib.Path
        The file being read.

    Examples
    --------
    >>> from pathlib import Path
    >>> import wechat_study as ws
    >>> from wechat_study.datasets.edgelist import opened
    >>> try:
    ...     with opened(Path("no-such-file.csv")):
    ...         pass
    ... except ws.DataError as e:
    ...     print(e)
    no-such-file.csv: file not found
    """

    def __init__(self, path: Path):
        self.path = path

    def __enter__(self):
        if not self.path.is_file():
            raise DataError(self.path, "file not found")
        if kind(self.path) != "parquet":
            with open(self.path, "rb") as f:
                start = f.read(4096)
            if start[:2] == b"\x1f\x8b":
                if self.path.suffix.lower() != ".gz":
                    raise DataError(self.path, "is gzip-compressed but not named .gz",
                                    hint=f"rename it {self.path.name}.gz, or decompress it")
                try:
                    with gzip.open(self.path, "rb") as f:
                        start = f.read(4096)
                except (EOFError, OSError) as e:   # truncated, or junk after the gzip header
                    raise DataError(self.path, f"is a damaged gzip file ({e})",
                                    hint="compress the CSV again, or give it uncompressed") from None
            if start[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in start:  # UTF-16, or not text at all
                what = "UTF-16 text" if start[:2] in (b"\xff\xfe", b"\xfe\xff") else "binary (it holds NUL bytes)"
                raise DataError(self.path, f"is not UTF-8 text: it is {what}", hint="save the file as UTF-8 CSV")
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
    to read, each of which must be there.

    Parameters
    ----------
    path : pathlib.Path
        A CSV, TSV (optionally gzipped) or Parquet edge list.
    extra : sequence of str
        More columns to read (e.g. those a sidecar names).

    Returns
    -------
    pyarrow.Table
        ``REQUIRED``, ``cascade_id`` when the file has it, and ``extra``, in that order; CSV columns as text
        with empty cells null, Parquet columns in their own types.

    Raises
    ------
    DataError
        A required or ``extra`` column is missing, a wanted column appears twice, the file has no data
        rows, or (through ``opened``) it is missing or unreadable.

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.datasets.edgelist import read_table
    >>> table = read_table(Path("examples/weibo-cascades.csv"), extra=["followers"])
    >>> table.num_rows, table.column_names
    (30270, ['post_id', 'parent_id', 'user_id', 'created_at', 'followers'])
    """
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
    """Mask of the rows whose ``post_id`` appeared on an earlier row.

    Parameters
    ----------
    post_id : pyarrow.Array
        Post ids, as text.

    Returns
    -------
    numpy.ndarray
        Booleans, one per row: True where the id is a repeat (its first row is False).

    Examples
    --------
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.edgelist import duplicates
    >>> duplicates(pa.array(["a", "b", "a", "c", "b"])).tolist()
    [False, False, True, False, True]
    """
    return ~first_records(post_id)[0]
