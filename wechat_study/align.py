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
    ``reference``, or any argument another length. ``None`` values and plain arrays pass by length.

    Parameters
    ----------
    reference : pandas.DataFrame, pandas.Series or array-like
        The table the others go with. When it is not a pandas object only lengths are compared.
    **others
        The inputs to check, by the name an error message should use; ``None`` values are skipped.

    Raises
    ------
    ValueError
        An input with another length than ``reference``; or, when ``reference`` is a pandas object, a
        pandas input with the same length but another index (other labels or another order).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.align import same_index
    >>> table = pd.DataFrame({"x": [1, 2, 3]}, index=[10, 11, 12])
    >>> same_index(table, groups=pd.Series(["a", "b", "a"], index=[10, 11, 12]), weights=None)
    >>> same_index(table, groups=["a", "b", "a"])
    >>> same_index(table, groups=pd.Series(["a", "b", "a"]))
    Traceback (most recent call last):
    ...
    ValueError: groups has another index than the table it goes with (same length, other labels or order): ...
    >>> same_index(table, groups=["a", "b"])
    Traceback (most recent call last):
    ...
    ValueError: groups has 2 rows, the table it goes with 3: pass one value per row
    """
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
