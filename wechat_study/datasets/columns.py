"""Canonical id and time columns from whatever types a CSV or Parquet edge list holds.

- Ids are compared as text, whatever their type: integers become their decimal text, a float
  id must be a whole number (``12.0`` is the id ``12``) that a float holds exactly, and a text
  id written as a float (``"12.0"``) is read as ``"12"``. Empty text is missing.
- Times are nanoseconds since the epoch, UTC, inside 1677-09-21 .. 2262-04-11 (what a 64-bit
  nanosecond count holds); anything outside is an error, never a wrapped-around date. Text
  times are ISO 8601; a per-row UTC offset (``Z``, ``+08:00``, ``-0500``) is honoured, and a
  naive time is read in the given IANA time zone, where a time that falls in a daylight-saving
  gap or happens twice is an error naming the row. Numeric times need an explicit unit.

See docs/methods.md#13-pseudonyms-and-privacy for the pseudonyms the user ids become.
"""

from __future__ import annotations

import re
import time

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError
from ..privacy import shown

__all__ = ["NAT", "RANGE", "UNITS", "ISO", "FLOAT_EXACT", "Rows", "flat", "ids", "count", "counts", "check_timezone",
           "times", "naive_count", "day_only_count", "note_zone", "zone_warning"]

NAT = np.iinfo(np.int64).min
NS_MIN, NS_MAX = pd.Timestamp.min.value, pd.Timestamp.max.value
RANGE = "1677-09-21 .. 2262-04-11"
FUTURE_GRACE_NS = 86_400 * 10**9  # a day: clocks and zones differ
UNITS = {"s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}
ISO = "write ISO 8601, e.g. 2020-01-31 08:05:00 or 2020-01-31T08:05:00+08:00"
FLOAT_EXACT = 2**53
_OFFSET = r"\d[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$"


class Rows:
    """Where rows came from, for messages: the file and each row's number in it (1 = first data row).

    Parameters
    ----------
    path : str or path
        The file, kept as a string (``path``).
    numbers : numpy.ndarray
        The row number of each row, by position (``numbers``); 1 is the first row after the header.
    labels : numpy.ndarray, optional
        What to call each row instead of "row N", by position (``labels``): e.g. "status 3" for the fourth
        status of a JSON file.
    parts : tuple of (list of str, numpy.ndarray), optional
        For a folder of parts: the parts' names and, by position, the index of each row's part (``parts``);
        a row is then "<part> row N", N its row number in that part.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.datasets.columns import Rows
    >>> rows = Rows("posts.csv", np.arange(1, 4))
    >>> rows.path, int(rows.numbers[-1])
    ('posts.csv', 3)
    >>> Rows("posts", np.array([1, 2, 1]), parts=(["a.csv", "b.csv"], np.array([0, 0, 1]))).name(2)
    'b.csv row 1'
    """

    def __init__(self, path, numbers: np.ndarray, labels: np.ndarray | None = None, parts=None):
        self.path, self.numbers, self.labels, self.parts = str(path), numbers, labels, parts

    def name(self, i: int) -> str:
        """What messages call the row at position ``i``.

        Parameters
        ----------
        i : int
            The row's position (0 for the first).

        Returns
        -------
        str
            Its label, else "row N" with N its row number (after its part's name, with ``parts``).

        Examples
        --------
        >>> import numpy as np
        >>> from wechat_study.datasets.columns import Rows
        >>> Rows("posts.csv", np.arange(1, 4)).name(2), Rows("a.json", np.arange(3), np.array(["status 0"] * 3)).name(1)
        ('row 3', 'status 0')
        """
        if self.labels is not None:
            return str(self.labels[i])
        part = "" if self.parts is None else f"{self.parts[0][int(self.parts[1][i])]} "
        return f"{part}row {int(self.numbers[i])}"

    def subset(self, keep) -> Rows:
        """The rows at positions (or the mask) ``keep``, with their numbers and labels.

        Parameters
        ----------
        keep : numpy.ndarray
            Positions or a boolean mask.

        Returns
        -------
        Rows
            The same file, those rows only.

        Examples
        --------
        >>> import numpy as np
        >>> from wechat_study.datasets.columns import Rows
        >>> Rows("posts.csv", np.arange(1, 4)).subset(np.array([2])).name(0)
        'row 3'
        """
        parts = None if self.parts is None else (self.parts[0], self.parts[1][keep])
        return Rows(self.path, self.numbers[keep], None if self.labels is None else self.labels[keep], parts)

    def fail(self, i: int, problem: str, hint: str | None = None):
        """Raise a ``DataError`` naming the file and the row at position ``i``.

        Parameters
        ----------
        i : int
            The row's position in ``numbers`` (0 for the first), not its row number.
        problem : str
            What is wrong.
        hint : str, optional
            What to do about it.

        Raises
        ------
        DataError
            Always: ``path``, ``record`` (``name(i)``: "row N", N the row's number) and ``problem``.

        Examples
        --------
        >>> import numpy as np
        >>> import wechat_study as ws
        >>> from wechat_study.datasets.columns import Rows
        >>> try:
        ...     Rows("posts.csv", np.arange(1, 4)).fail(1, "empty post_id", hint="give every post an id")
        ... except ws.DataError as e:
        ...     print(e)
        posts.csv: record row 2: empty post_id (give every post an id)
        """
        raise DataError(self.path, problem, record=self.name(i), hint=hint)


_WHOLE = re.compile(r"\d+(\.0*)?")
NOT_A_COUNT = "is not a whole number from 0 to 2^53"


def count(value) -> int | None:
    """One count (a follower or repost count): a whole number from 0 to 2^53, as an integer, a whole float or
    text of digits (``"149"``, ``"149.0"``); None when missing or empty.

    Parameters
    ----------
    value : object
        The value as read.

    Returns
    -------
    int or None
        The count.

    Raises
    ------
    ValueError
        For anything else (a negative or fractional number, a boolean, other text), with ``NOT_A_COUNT``.

    Examples
    --------
    >>> from wechat_study.datasets.columns import count
    >>> count("149"), count(149.0), count(" "), count(None)
    (149, 149, None, None)
    >>> count("-3")
    Traceback (most recent call last):
    ...
    ValueError: '-3' is not a whole number from 0 to 2^53
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return None
    if isinstance(value, str) and not value.strip():
        return None
    n = None
    if isinstance(value, bool | np.bool_):
        n = None
    elif isinstance(value, int | np.integer):
        n = int(value)
    elif isinstance(value, float | np.floating):
        n = int(value) if float(value).is_integer() else None
    elif isinstance(value, str) and _WHOLE.fullmatch(value.strip()):
        n = int(value.strip().split(".")[0])
    if n is None or not 0 <= n < FLOAT_EXACT:
        raise ValueError(f"{str(value)[:20]!r} {NOT_A_COUNT}")
    return n


def counts(values) -> tuple[pd.api.extensions.ExtensionArray, int | None]:
    """``count`` of every value: the counts as pandas ``Int64`` (missing as ``<NA>``) and the position of the
    first value that is not a count (None when every one is).

    Parameters
    ----------
    values : sequence
        The values as read (a pandas Series, a list, a pyarrow array's ``to_pylist()``).

    Returns
    -------
    tuple of (pandas.arrays.IntegerArray, int or None)
        The counts, and where the first bad value is (its position, 0 for the first).

    Examples
    --------
    >>> from wechat_study.datasets.columns import counts
    >>> got, bad = counts(["3", None, "12.0", "x"])
    >>> got.tolist()[:3], bad
    ([3, <NA>, 12], 3)
    """
    out: list = []
    for i, v in enumerate(pd.Series(values, dtype=object).tolist()):
        try:
            out.append(count(v))
        except ValueError:
            return pd.array(out + [None] * (len(values) - i), dtype="Int64"), i
    return pd.array(out, dtype="Int64"), None


def flat(arr) -> pa.Array:
    """One contiguous array (dictionary-decoded) from an array or a chunked array.

    Parameters
    ----------
    arr : pyarrow.Array or pyarrow.ChunkedArray
        A column.

    Returns
    -------
    pyarrow.Array
        Its chunks combined (a single chunk is returned as it is), dictionary values decoded.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.columns import flat
    >>> flat(pa.chunked_array([["a"], ["b", "a"]])).to_pylist()
    ['a', 'b', 'a']
    >>> flat(pa.array(["x", "y", "x"]).dictionary_encode()).type
    DataType(string)
    """
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks() if arr.num_chunks != 1 else arr.chunk(0)
    if pa.types.is_dictionary(arr.type):
        arr = arr.dictionary_decode()
    return arr


def _first(mask) -> int:
    """Index of the first true value of a boolean arrow array (nulls are false)."""
    return int(np.flatnonzero(pc.fill_null(mask, False).to_numpy(zero_copy_only=False))[0])


def ids(arr, column: str, rows: Rows) -> pa.Array:
    """The column as canonical id text (``pa.string()``), missing ids as nulls.

    Integers become their decimal text; a float must be a whole number a float holds exactly (below 2**53
    in size); text written as a whole float (``"12.0"``) loses its ``.0``; empty text and NaN are missing.

    Parameters
    ----------
    arr : pyarrow.Array or pyarrow.ChunkedArray
        The id column: text, integers or floats.
    column : str
        Its name, for messages.
    rows : Rows
        Where each row came from, for messages.

    Returns
    -------
    pyarrow.Array
        ``pa.string()`` ids, one per row.

    Raises
    ------
    DataError
        The column is neither text nor numbers; also (through ``rows.fail``) a text id in exponent notation,
        or a float id that is not whole or too large to be exact, naming the first such row.

    Examples
    --------
    >>> import numpy as np
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.columns import Rows, ids
    >>> rows = Rows("posts.csv", np.arange(1, 4))
    >>> ids(pa.array([12, 13, None]), "post_id", rows).to_pylist()
    ['12', '13', None]
    >>> ids(pa.array(["12.0", "", "a7"]), "post_id", rows).to_pylist()
    ['12', None, 'a7']
    >>> ids(pa.array([12.5, 13.0, 1.0]), "post_id", rows)
    Traceback (most recent call last):
    ...
    wechat_study.errors.DataError: posts.csv: record row 1: post_id 12.5 is not a whole number (...)
    """
    arr = flat(arr)
    t = arr.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        arr = arr.cast(pa.string())
        arr = _blank_to_null(arr)
        if pc.any(pc.match_substring(arr, ".")).as_py():
            expo = pc.match_substring_regex(arr, r"^-?\d+(\.\d+)?[eE][+-]\d+$")
            if pc.any(expo).as_py():
                i = _first(expo)
                value = shown(column, arr[i].as_py())
                rows.fail(i, f"{column} {value} is a number in exponent notation, which has lost digits",
                          hint="write ids as text or whole numbers")
            arr = pc.replace_substring_regex(arr, r"^(-?\d+)\.0+$", r"\1")
        return arr
    if pa.types.is_integer(t):
        return arr.cast(pa.string())
    if pa.types.is_floating(t):
        x = arr.cast(pa.float64()).to_numpy(zero_copy_only=False)
        known = ~np.isnan(x)
        bad = known & ((np.floor(x) != x) | (np.abs(x) > FLOAT_EXACT))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            why = "is not a whole number" if np.floor(x[i]) != x[i] else "is too large for a float to hold exactly"
            rows.fail(i, f"{column} {shown(column, float(x[i]))} {why}", hint="write ids as text or whole numbers")
        whole = pa.array(np.where(known, x, 0).astype(np.int64), mask=~known)
        return whole.cast(pa.string())
    raise DataError(rows.path, f"column {column} holds {t} values; ids must be text or whole numbers")


def _blank_to_null(arr: pa.Array) -> pa.Array:
    """Empty text as null (the length check reads only the offsets)."""
    if len(arr) and pc.min(pc.binary_length(arr)).as_py() == 0:
        return pc.if_else(pc.equal(arr, ""), pa.scalar(None, pa.string()), arr)
    return arr


def check_timezone(timezone: str, path) -> None:
    """A ``DataError`` unless ``timezone`` is a name in the time-zone database.

    Parameters
    ----------
    timezone : str
        An IANA time-zone name, e.g. ``"Asia/Shanghai"`` or ``"UTC"``.
    path : str or path
        What the error names as its file.

    Raises
    ------
    DataError
        ``timezone`` is not a name pyarrow's time-zone database knows.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.datasets.columns import check_timezone
    >>> check_timezone("Asia/Shanghai", "posts.csv")
    >>> try:
    ...     check_timezone("Asia/Beijing", "posts.csv")
    ... except ws.DataError as e:
    ...     print(e)
    posts.csv: unknown time zone 'Asia/Beijing' (give an IANA name such as 'Asia/Shanghai' or 'UTC')
    """
    try:
        pc.assume_timezone(pa.array([0], pa.timestamp("s")), timezone)
    except (pa.ArrowInvalid, TypeError):
        raise DataError(path, f"unknown time zone {timezone!r}",
                        hint="give an IANA name such as 'Asia/Shanghai' or 'UTC'") from None


def times(arr, rows: Rows, timezone: str = "UTC", time_unit: str | None = None) -> np.ndarray:
    """int64 nanoseconds since the epoch, UTC, with ``NAT`` for a missing time.

    Parameters
    ----------
    arr : pyarrow.Array or pyarrow.ChunkedArray
        The ``created_at`` column: ISO 8601 text, numbers, dates or timestamps.
    rows : Rows
        Where each row came from, for messages.
    timezone : str
        The IANA zone of times without a UTC offset (text, and timestamps without a zone).
    time_unit : str, optional
        What numbers count since 1970-01-01 UTC: ``"s"``, ``"ms"``, ``"us"`` or ``"ns"``; with it, text
        times are read as numbers too. Numbers are refused without it.

    Returns
    -------
    numpy.ndarray
        int64 nanoseconds since 1970-01-01 UTC, one per row, ``NAT`` (the smallest int64) where missing.

    Raises
    ------
    DataError
        An unknown ``time_unit``, numbers without a ``time_unit``, or a column of another type; also
        (through ``rows.fail``) the first row that is not a time, lies outside 1677-09-21 .. 2262-04-11,
        lies more than a day after the moment the file is read, or falls in a daylight-saving gap or overlap of
        ``timezone``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.columns import Rows, times
    >>> rows = Rows("posts.csv", np.arange(1, 4))
    >>> ns = times(pa.array(["2019-08-15 15:32:06", "2019-08-15T15:32:06+08:00", None]), rows, "Asia/Shanghai")
    >>> pd.to_datetime(ns[:2], utc=True).tolist()
    [Timestamp('2019-08-15 07:32:06+0000', tz='UTC'), Timestamp('2019-08-15 07:32:06+0000', tz='UTC')]
    >>> times(pa.array([1565854326, None, 0]), rows, time_unit="s").tolist()
    [1565854326000000000, -9223372036854775808, 0]
    >>> times(pa.array(["2099-01-01T00:00:00+08:00"]), rows)
    Traceback (most recent call last):
    ...
    wechat_study.errors.DataError: posts.csv: record row 1: created_at '2099-01-01T00:00:00+08:00' is after the time
    this file was read (...)...
    """
    out = _parsed(arr, rows, timezone, time_unit)
    late = out > time.time_ns() + FUTURE_GRACE_NS
    if late.any():
        i = int(np.flatnonzero(late)[0])
        now = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
        rows.fail(i, f"created_at {_show(flat(arr)[i])} is after the time this file was read ({now}), so it cannot be "
                     "a post's time", hint="correct the record or drop it; a post from the future would stretch its "
                     "cascade's observation to that date")
    return out


def _parsed(arr, rows: Rows, timezone: str, time_unit: str | None) -> np.ndarray:
    """``times`` before its check for times in the future."""
    arr = flat(arr)
    t = arr.type
    if time_unit is not None and time_unit not in UNITS:
        raise DataError(rows.path, f"unknown time_unit {time_unit!r}", hint="give 's', 'ms', 'us' or 'ns'")
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        arr = _blank_to_null(arr.cast(pa.string()))
        return _numbers(_numeric_text(arr, rows), rows, time_unit) if time_unit else _text(arr, rows, timezone)
    if pa.types.is_integer(t) or pa.types.is_floating(t):
        if time_unit is None:
            raise DataError(rows.path, f"created_at holds numbers ({t}), and a number is not a time until its unit "
                                       "is known", hint="say what they count: time_unit='s' (or 'ms', 'us', 'ns')")
        return _numbers(arr, rows, time_unit)
    if pa.types.is_date(t):
        arr, t = arr.cast(pa.timestamp("s")), pa.timestamp("s")
    if pa.types.is_timestamp(t):
        _in_range(arr.cast(pa.int64()).to_numpy(zero_copy_only=False), UNITS[t.unit], arr, rows)
        if t.tz is not None:
            return _ints(arr.cast(pa.timestamp("ns", "UTC")))
        return _localize(arr.cast(pa.timestamp("ns")), rows, timezone, shown=arr)
    raise DataError(rows.path, f"created_at holds {t} values, not times", hint=ISO)


def _ints(ts: pa.Array) -> np.ndarray:
    return pc.fill_null(ts.cast(pa.int64()), NAT).to_numpy(zero_copy_only=False)


def _in_range(values: np.ndarray, factor: int, shown: pa.Array, rows: Rows) -> None:
    valid = ~np.asarray(shown.is_null().to_numpy(zero_copy_only=False))
    bad = valid & ((values < -(-NS_MIN // factor)) | (values > NS_MAX // factor))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        rows.fail(i, f"created_at {_show(shown[i])} is outside the times this package can hold ({RANGE})")


def _show(scalar) -> str:
    v = scalar.as_py()
    return repr(v if isinstance(v, (str, int, float)) else str(v))


def _numeric_text(arr: pa.Array, rows: Rows) -> pa.Array:
    for typ in (pa.int64(), pa.float64()):
        try:
            return arr.cast(typ)
        except pa.ArrowInvalid:
            continue
    i = _first_failure(arr, lambda a: a.cast(pa.float64()))
    rows.fail(i, f"created_at {arr[i].as_py()!r} is not a number", hint="with time_unit, times are numbers")


def _numbers(arr: pa.Array, rows: Rows, unit: str) -> np.ndarray:
    factor = UNITS[unit]
    if pa.types.is_integer(arr.type):
        v = pc.fill_null(arr.cast(pa.int64()), 0).to_numpy(zero_copy_only=False)
        _in_range(v, factor, arr, rows)
        out = v * factor
    else:
        x = pc.fill_null(arr.cast(pa.float64()), np.nan).to_numpy(zero_copy_only=False) * factor
        bad = ~np.isnan(x) & ((x < NS_MIN) | (x > NS_MAX) | np.isinf(x))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            rows.fail(i, f"created_at {arr[i].as_py()!r} {unit} is outside the times this package can hold ({RANGE})")
        out = np.where(np.isnan(x), 0, np.round(x)).astype(np.int64)
    return np.where(np.asarray(arr.is_null().to_numpy(zero_copy_only=False)) | _nan(arr), NAT, out)


def _nan(arr: pa.Array) -> np.ndarray:
    if pa.types.is_floating(arr.type):
        return pc.fill_null(pc.is_nan(arr), False).to_numpy(zero_copy_only=False)
    return np.zeros(len(arr), bool)


def _text(arr: pa.Array, rows: Rows, timezone: str) -> np.ndarray:
    """Text times: one arrow cast when a sample of the values agrees on having an offset or not (a
    failed cast costs as much as the whole column), else split by a regular expression."""
    import re

    valid = arr.drop_null()
    if not len(valid):
        return np.full(len(arr), NAT, np.int64)
    step = max(1, len(valid) // 997)
    sample = valid.slice(0, 1).to_pylist() + valid[::step].to_pylist()[:1000] + valid.slice(len(valid) - 1).to_pylist()
    offset = re.compile(_OFFSET)
    kinds = {bool(offset.search(v)) for v in sample}
    if len(kinds) == 1:
        typ = pa.timestamp("ns", "UTC") if kinds.pop() else pa.timestamp("ns")
        try:
            parsed = arr.cast(typ)
        except pa.ArrowInvalid:
            pass
        else:
            return _ints(parsed) if typ.tz else _localize(parsed, rows, timezone, shown=arr)
    aware = pc.fill_null(pc.match_substring_regex(arr, _OFFSET), False).to_numpy(zero_copy_only=False)
    out = np.full(len(arr), NAT, np.int64)
    for mask, typ in ((aware, pa.timestamp("ns", "UTC")), (~aware, pa.timestamp("ns"))):
        idx = np.flatnonzero(mask)
        part = arr.take(pa.array(idx))
        sub = rows.subset(idx)
        try:
            parsed = part.cast(typ)
        except pa.ArrowInvalid:
            j = _first_failure(part, lambda a, typ=typ: a.cast(typ))
            _bad_time(part[j].as_py(), sub, j)
        out[idx] = _ints(parsed) if typ.tz else _localize(parsed, sub, timezone, shown=part)
    return out


def _bad_time(value: str, rows: Rows, i: int):
    """Raise the right error for a text time arrow could not read as nanoseconds."""
    import re

    if re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
        rows.fail(i, f"created_at {value!r} is a number, and a number is not a time until its unit is known",
                  hint="say what it counts: time_unit='s' (or 'ms', 'us', 'ns')")
    for typ in (pa.timestamp("us"), pa.timestamp("us", "UTC")):
        try:
            pa.array([value]).cast(typ)
        except pa.ArrowInvalid:
            continue
        rows.fail(i, f"created_at {value!r} is outside the times this package can hold ({RANGE})")
    rows.fail(i, f"created_at {value!r} is not a date and time", hint=ISO)


def _first_failure(arr: pa.Array, fn, chunk: int = 1 << 14) -> int:
    """The index of the first element for which ``fn`` (an arrow conversion) fails: the first failing
    chunk, then bisection inside it (a failing conversion is slow, so it is tried on little)."""
    lo = 0
    while lo + chunk < len(arr):
        try:
            fn(arr.slice(lo, chunk))
        except pa.ArrowInvalid:
            break
        lo += chunk
    hi = min(len(arr), lo + chunk)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        try:
            fn(arr.slice(lo, mid - lo))
            lo = mid
        except pa.ArrowInvalid:
            hi = mid
    return lo


def _localize(naive: pa.Array, rows: Rows, timezone: str, shown: pa.Array) -> np.ndarray:
    """Naive wall-clock times read in ``timezone``; a gap or an ambiguous time is an error naming the row."""
    if timezone == "UTC":
        return _ints(naive)
    try:
        return _ints(pc.assume_timezone(naive, timezone))
    except pa.ArrowInvalid:
        pass
    early = pc.assume_timezone(naive, timezone, ambiguous="earliest", nonexistent="earliest")
    late = pc.assume_timezone(naive, timezone, ambiguous="latest", nonexistent="latest")
    i = _first(pc.not_equal(early, late))
    hint = "give the UTC offset, e.g. 2021-03-14T02:30:00-05:00, or the times in UTC with timezone='UTC'"
    try:
        pc.assume_timezone(naive.slice(i, 1), timezone, ambiguous="earliest")
    except pa.ArrowInvalid:
        rows.fail(i, f"created_at {_show(shown[i])} does not exist in {timezone} (the clocks skipped it for "
                     "daylight saving)", hint=hint)
    rows.fail(i, f"created_at {_show(shown[i])} is ambiguous in {timezone} (it happened twice as the clocks went "
                 "back)", hint=hint)


def naive_count(col) -> int | None:
    """How many times carry no zone: text without a UTC offset, naive timestamps, dates; None for numbers.

    Parameters
    ----------
    col : pyarrow.Array or pyarrow.ChunkedArray
        A ``created_at`` column as read.

    Returns
    -------
    int or None
        The count, or None when the column holds numbers (which count from 1970-01-01 UTC).

    Examples
    --------
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.columns import naive_count
    >>> naive_count(pa.array(["2019-08-01 08:00:00", "2019-08-01T08:00:00+08:00", "2019-08-01", None]))
    2
    """
    col = flat(col)
    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t):
        text = pc.utf8_trim_whitespace(col)  # an offset follows a clock time: "2019-08-01" ends in a day, not -01
        offset = pc.match_substring_regex(text, r"\d:\d\d(:\d\d(\.\d+)?)?\s*(Z|[+-]\d\d(:?\d\d)?)$")
        return int(pc.sum(pc.and_(pc.is_valid(text), pc.invert(pc.fill_null(offset, True)))).as_py() or 0)
    if pa.types.is_date(t) or (pa.types.is_timestamp(t) and t.tz is None):
        return len(col) - col.null_count
    return None


def day_only_count(col) -> int:
    """How many times are a day with no clock time (text ``2019-08-01``, or a date column).

    Parameters
    ----------
    col : pyarrow.Array or pyarrow.ChunkedArray
        The time column as read.

    Returns
    -------
    int
        The number of non-missing values that are a calendar day only (0 for numbers and timestamps).

    Examples
    --------
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.columns import day_only_count
    >>> day_only_count(pa.array(["2019-08-01", " 2019-08-02 ", "2019-08-01 08:00:00", None]))
    2
    """
    col = flat(col)
    if pa.types.is_date(col.type):
        return len(col) - col.null_count
    if pa.types.is_string(col.type) or pa.types.is_large_string(col.type):
        day = pc.match_substring_regex(pc.utf8_trim_whitespace(col), r"^\d{4}-\d\d-\d\d$")
        return int(pc.sum(pc.fill_null(day, False)).as_py() or 0)
    return 0


def note_zone(col, timezone: str, source: str, report, naive: int | None = None, days: int | None = None) -> int:
    """Count, in ``report``, the times read in ``timezone`` for want of an offset, and the days without a clock
    time (quirks ``times_without_offset`` and ``times_without_a_clock_time``).

    Parameters
    ----------
    col : pyarrow.Array or pyarrow.ChunkedArray or None
        The ``created_at`` column as read; None when ``naive`` and ``days`` are given (counted in parts).
    timezone : str
        The zone naive times were read in.
    source : str
        Where that zone came from, for the report ("the default; set timezone", "as given").
    report : QualityReport
        The report to add the two quirks to.
    naive, days : int, optional
        The counts, when already made (``naive_count``, ``day_only_count``).

    Returns
    -------
    int
        The number of times without an offset (0 for numeric times).

    Examples
    --------
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.columns import note_zone
    >>> from wechat_study.quality import QualityReport
    >>> report = QualityReport("mine")
    >>> note_zone(pa.array(["2019-08-01 08:00:00", "2019-08-01"]), "UTC", "the default; set timezone", report)
    2
    >>> report.quirks["times_without_offset"].action
    'read as UTC (the default; set timezone)'
    """
    naive = naive_count(col) if naive is None else naive
    if naive is None:
        return 0
    days = day_only_count(col) if days is None else days
    report.quirk("times_without_offset", naive,
                 f"read as {timezone} ({source})" if naive else "none: every time carries its UTC offset")
    report.quirk("times_without_a_clock_time", days, f"a day alone, read as its midnight in {timezone}: times "
                 "to the threshold within the day are not known")
    return naive


def zone_warning(name: str, naive: int, how: str) -> str:
    """The warning for ``naive`` times read as UTC by default, saying ``how`` to give their zone.

    Parameters
    ----------
    name : str
        The file or data set the times came from, as the message names it.
    naive : int
        How many times carried no UTC offset.
    how : str
        The argument or flag that sets the zone, e.g. ``"timezone='Asia/Shanghai'"`` or ``"--timezone"``.

    Returns
    -------
    str
        One sentence for ``warnings.warn``.

    Examples
    --------
    >>> from wechat_study.datasets.columns import zone_warning
    >>> print(zone_warning("edges.csv", 1200, "timezone='Asia/Shanghai'"))
    edges.csv: 1,200 times carry no UTC offset and were read as UTC; if they are local times (Beijing:
    Asia/Shanghai), say so with timezone='Asia/Shanghai'
    """
    return (f"{name}: {naive:,} times carry no UTC offset and were read as UTC; if they are local times (Beijing: "
            f"Asia/Shanghai), say so with {how}")
