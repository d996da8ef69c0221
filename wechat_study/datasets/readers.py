"""Small readers the loaders share."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd

from ..errors import DataError

__all__ = ["BEIJING_OFFSET_NS", "read_csv"]

#: Beijing time is UTC+8 all year (China has had no daylight saving time since 1991).
BEIJING_OFFSET_NS = 8 * 3600 * 10**9


def read_csv(path: Path, shown: str, required, encoding: str = "utf-8") -> pd.DataFrame:
    """A CSV as text columns (empty cells stay ""), with a ``DataError`` for bad files, a header that names a
    column twice, or missing columns.

    Parameters
    ----------
    path : pathlib.Path
        The CSV file.
    shown : str
        How error messages name the file (e.g. its name inside the data set, not the full local path).
    required : sequence of str
        Columns the file must have; others are kept too.
    encoding : str
        The file's text encoding.

    Returns
    -------
    pandas.DataFrame
        Every column as text (``dtype=str``; empty cells ``""``, never NaN), column names stripped of
        surrounding spaces, rows in the file's order.

    Raises
    ------
    DataError
        When the first 4,096 bytes hold a NUL byte (a Parquet or other binary file), when pandas or the csv module
        cannot parse the file (or it is not valid in ``encoding``), when the header names a column more than once,
        or when a ``required`` column is missing.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets.readers import read_csv
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "posts.csv"
    ...     _ = path.write_text("post_id, created_at\\n1,2019-08-15\\n2,\\n", encoding="utf-8")
    ...     df = read_csv(path, "posts.csv", ["post_id", "created_at"])
    >>> df.to_dict("records")
    [{'post_id': '1', 'created_at': '2019-08-15'}, {'post_id': '2', 'created_at': ''}]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "posts.csv"
    ...     _ = path.write_text("post_id\\n1\\n", encoding="utf-8")
    ...     read_csv(path, "posts.csv", ["post_id", "created_at"])
    Traceback (most recent call last):
    ...
    wechat_study.errors.DataError: posts.csv: missing column(s) created_at; expected post_id, created_at
    """
    with open(path, "rb") as f:
        head = f.read(4096)
    if b"\0" in head:
        kind = ("a Parquet file" if head.startswith(b"PAR1") else "gzip-compressed data" if head[:2] == b"\x1f\x8b"
                else "a zip archive" if head[:4] == b"PK\x03\x04" else "binary data")
        raise DataError(shown, f"not a CSV text file: it holds {kind}", hint="replace it with the CSV it should be")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
        with open(path, newline="", encoding=encoding) as f:
            header = [c.strip() for c in next(csv.reader(f), [])]
    except (pd.errors.ParserError, UnicodeDecodeError, csv.Error) as e:
        raise DataError(shown, f"malformed CSV: {e}") from None
    twice = sorted({c for c in header if header.count(c) > 1})
    if twice:
        raise DataError(shown, f"the header names column(s) {', '.join(twice)} more than once", record="line 1")
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(shown, f"missing column(s) {', '.join(missing)}; expected {', '.join(required)}")
    return df
