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
    column twice, or missing columns."""
    with open(path, "rb") as f:
        head = f.read(4096)
    if b"\0" in head:
        kind = "a Parquet file" if head.startswith(b"PAR1") else "binary data"
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
