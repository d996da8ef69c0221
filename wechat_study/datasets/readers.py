"""Small readers the loaders share."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import DataError

#: Beijing time is UTC+8 all year (China has had no daylight saving time since 1991).
BEIJING_OFFSET_NS = 8 * 3600 * 10**9


def read_csv(path: Path, shown: str, required, encoding: str = "utf-8") -> pd.DataFrame:
    """A CSV as text columns (empty cells stay ""), with a ``DataError`` for bad files or missing columns."""
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding=encoding)
    except (pd.errors.ParserError, UnicodeDecodeError) as e:
        raise DataError(shown, f"malformed CSV: {e}") from None
    df.columns = [c.strip() for c in df.columns]
    missing = [c for c in required if c not in df.columns]
    if missing:
        raise DataError(shown, f"missing column(s) {', '.join(missing)}; expected {', '.join(required)}")
    return df
