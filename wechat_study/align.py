"""One rule for inputs that travel together: Series and frames passed side by side share one index.

A statistic that pairs a table with a Series of groups (labels, clusters) by position would silently
give a wrong answer if the Series came in another order. ``same_index`` refuses that instead: align
first (``groups.reindex(table.index)``) or pass plain arrays of the same length.
"""

from __future__ import annotations

import pandas as pd

__all__ = ["same_index"]


def same_index(reference, **others) -> None:
    """Raise ``ValueError`` when a pandas argument in ``others`` (name=value) has another index than
    ``reference``, or any argument another length. ``None`` values and plain arrays pass by length."""
    n = len(reference)
    ref_index = reference.index if isinstance(reference, pd.Series | pd.DataFrame) else None
    for name, value in others.items():
        if value is None:
            continue
        if len(value) != n:
            raise ValueError(f"{name} has {len(value):,} rows, the table it goes with {n:,}: pass one value per row")
        if ref_index is not None and isinstance(value, pd.Series | pd.DataFrame) and not value.index.equals(ref_index):
            raise ValueError(
                f"{name} has another index than the table it goes with (same length, other labels or order): "
                f"align it first, e.g. {name}.reindex(table.index), or pass its values as an array"
            )
