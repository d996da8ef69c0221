"""Findings: named values a notebook records, and the ledger that CI re-checks.

``record_finding(name, value, tolerance=..., note=...)`` is called in a notebook. A value is
an integer or a string (compared exactly), a float (compared within its stated absolute
``tolerance``), or a short table (a list of records, or a DataFrame; floats in it are
compared within the tolerance). When the notebook runs under ``wechat-study reproduce`` the
finding is appended to the file named by ``WECHAT_STUDY_FINDINGS``; the runner gathers them
into ``reports/findings.json``, a JSON object that maps each name to
``{"value", "tolerance", "note", "notebook"}``, sorted and stable.

A finding can be *not reached* by nature: the median time to a threshold no cascade crosses,
a share among an empty group. Record it with the value it has (None or NaN) and a ``reason``:
``record_finding("thresholds.ced.median_hours_to_1000_reposts", median, tolerance=0.01,
reason="no cascade reaches 1,000 reposts")``. The ledger then holds ``"value": null`` and the
reason (a ``"reason"`` key appears only on such entries); ``compare`` treats null as a value of
its own (null against null is no drift; a value that became null, or null that became a value,
is). ``shown(entry)`` writes a ledger entry for readers: ``"not reached"`` for null. A missing
value without a reason is an error, so nothing goes missing silently. Pass the ``reason``
whenever a value may be missing: it is stored only when it is.
"""

from __future__ import annotations

import json
import math
import os
import re
from numbers import Integral, Real
from pathlib import Path

import numpy as np
import pandas as pd

from .atomic import write_text

__all__ = [
    "FINDINGS_ENV", "NOTEBOOK_ENV", "NAME", "MAX_TABLE_ROWS", "record_finding", "read_recorded", "load_ledger",
    "dump_ledger", "write_ledger", "matches", "compare", "shown", "slug", "record_rows"
]

FINDINGS_ENV = "WECHAT_STUDY_FINDINGS"
NOTEBOOK_ENV = "WECHAT_STUDY_NOTEBOOK"
NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]*(\.[a-z0-9][a-z0-9_\-]*)+$")
MAX_TABLE_ROWS = 50


def _finite(plain) -> bool:
    """No infinite float anywhere in a JSON-ready value."""
    if isinstance(plain, dict):
        return all(_finite(v) for v in plain.values())
    if isinstance(plain, list):
        return all(_finite(v) for v in plain)
    return not (isinstance(plain, float) and math.isinf(plain))


def _plain(value):
    """A JSON-ready copy of ``value``: Python ints, floats, strings, lists and dicts only."""
    if isinstance(value, pd.DataFrame):
        return [_plain(r) for r in value.to_dict(orient="records")]
    if isinstance(value, pd.Series):
        return _plain(value.to_dict())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    if value is None or (isinstance(value, float | np.floating) and math.isnan(value)) or value is pd.NA:
        return None
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        return float(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"a finding holds numbers, strings and short tables, not {type(value).__name__}")


def _has_float(value) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    return False


def record_finding(name: str, value, tolerance: float | None = None, note: str | None = None,
                   reason: str | None = None):
    """Record a finding and return its value (as stored).

    Parameters
    ----------
    name : str
        Dotted lowercase words, ``topic.dataset.what`` (``thresholds.ced.share_reaching_500_reposts``).
    value : number, str, list, dict or pandas.DataFrame
        The finding; a frame is stored as rows (at most 50).
    tolerance : float, optional
        Absolute, and required for floats (0 means exact); integers and strings are always exact.
    note : str, optional
        A short sentence for readers.
    reason : str, optional
        Why the value is missing (None or NaN reads "not reached"); required for a missing value and
        stored only then.

    Returns
    -------
    object
        The value as stored (plain Python types).

    Raises
    ------
    ValueError
        A malformed name, a float without a tolerance, an infinite value, or a missing value without a reason.

    Examples
    --------
    >>> import wechat_study as ws
    >>> ws.record_finding("thresholds.mine.share_reaching_500_reposts", 0.043, tolerance=1e-9)
    0.043
    """
    if not NAME.match(name):
        raise ValueError(f"finding name {name!r} must be dotted lowercase words, e.g. thresholds.ced.share")
    plain = _plain(value)
    if isinstance(plain, list) and len(plain) > MAX_TABLE_ROWS:
        raise ValueError(f"finding {name!r} is a table of {len(plain)} rows; keep findings to {MAX_TABLE_ROWS} rows")
    if plain is None:
        if not reason:
            raise ValueError(f"finding {name!r} has no value (None or NaN); if that can happen by nature, say why "
                             "with reason=\"...\" and it is recorded as not reached")
        if tolerance is not None and tolerance < 0:
            raise ValueError(f"finding {name!r}: tolerance must be 0 or more")
    elif _has_float(plain):
        if not _finite(plain):
            raise ValueError(f"finding {name!r} holds an infinite value; the ledger keeps finite numbers only: record "
                             "None with reason=\"...\" (e.g. \"not estimable: separation\") instead")
        if tolerance is None or tolerance < 0:
            raise ValueError(f"finding {name!r} holds floats: state tolerance= (absolute, 0 for exact)")
    elif tolerance:
        raise ValueError(f"finding {name!r} holds no floats; counts and strings are compared exactly")
    entry = {"value": plain, "tolerance": float(tolerance or 0) if plain is None or _has_float(plain) else 0,
             "note": note, "notebook": os.environ.get(NOTEBOOK_ENV)}
    if plain is None:
        entry["reason"] = str(reason)
    sink = os.environ.get(FINDINGS_ENV)
    if sink:
        with open(sink, "a", encoding="utf-8") as f:
            f.write(json.dumps({"name": name, **entry}, ensure_ascii=False, allow_nan=False) + "\n")
    return plain


def read_recorded(path: Path) -> dict[str, dict]:
    """Findings appended to a ``WECHAT_STUDY_FINDINGS`` file; a name recorded twice keeps the last.

    Parameters
    ----------
    path : pathlib.Path
        The file: one JSON object per line, as ``record_finding`` appends them; blank lines are skipped.

    Returns
    -------
    dict
        Name -> ``{"value", "tolerance", "note", "notebook"}`` (and ``"reason"`` for a value not reached), in
        the order first recorded; empty when the file does not exist.

    Examples
    --------
    >>> import os, tempfile
    >>> from pathlib import Path
    >>> from unittest import mock
    >>> from wechat_study.findings import read_recorded, record_finding
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = Path(tmp) / "findings.jsonl"
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": str(sink)}):
    ...         _ = record_finding("cascades.mine.posts", 120)
    ...         _ = record_finding("cascades.mine.posts", 121)
    ...     read_recorded(sink)
    {'cascades.mine.posts': {'value': 121, 'tolerance': 0, 'note': None, 'notebook': None}}
    """
    out = {}
    if Path(path).is_file():
        for line in Path(path).read_text("utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out[d.pop("name")] = d
    return out


def load_ledger(path: Path) -> dict[str, dict]:
    """The ledger ``reports/findings.json`` (or another ledger file) as a dict.

    Parameters
    ----------
    path : pathlib.Path
        The ledger's file.

    Returns
    -------
    dict
        Name -> ``{"value", "tolerance", "note", "notebook"}`` as the file holds it; empty when the file does not
        exist.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.findings import load_ledger
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     ledger = Path(tmp) / "findings.json"
    ...     missing = load_ledger(ledger)
    ...     _ = ledger.write_text('{"cascades.mine.posts": {"value": 120, "tolerance": 0}}', "utf-8")
    ...     missing, load_ledger(ledger)
    ({}, {'cascades.mine.posts': {'value': 120, 'tolerance': 0}})
    """
    path = Path(path)
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def dump_ledger(findings: dict[str, dict]) -> str:
    """The ledger's text: sorted by name, stable, UTF-8. Inside a finding, keys keep the order they were
    recorded in (a table's columns read as the notebook made them, whether the ledger is fresh or read back).

    Parameters
    ----------
    findings : dict
        Name -> entry, as ``read_recorded`` or ``load_ledger`` gives them.

    Returns
    -------
    str
        Indented JSON (2 spaces, non-ASCII kept), ending with a newline.

    Raises
    ------
    ValueError
        A value is NaN or infinite (``allow_nan=False``); ``record_finding`` never stores one.

    Examples
    --------
    >>> from wechat_study.findings import dump_ledger
    >>> print(dump_ledger({"b.mine.x": {"value": 2, "tolerance": 0}, "a.mine.y": {"value": 0.5, "tolerance": 0.01}}))
    {
      "a.mine.y": {
        "value": 0.5,
        "tolerance": 0.01
      },
      "b.mine.x": {
        "value": 2,
        "tolerance": 0
      }
    }
    <BLANKLINE>
    """
    return json.dumps(dict(sorted(findings.items())), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_ledger(path: Path, findings: dict[str, dict]) -> None:
    """Write ``dump_ledger(findings)`` to ``path`` atomically (``atomic.write_text``).

    Parameters
    ----------
    path : pathlib.Path
        The ledger's file, written or replaced.
    findings : dict
        Name -> entry.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.findings import load_ledger, write_ledger
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     ledger = Path(tmp) / "findings.json"
    ...     write_ledger(ledger, {"cascades.mine.posts": {"value": 120, "tolerance": 0}})
    ...     load_ledger(ledger)
    {'cascades.mine.posts': {'value': 120, 'tolerance': 0}}
    """
    write_text(path, dump_ledger(findings))


def matches(old, new, tolerance: float) -> bool:
    """True when ``new`` equals ``old``: exactly, or within ``tolerance`` for floats.

    A float against None or a string never matches; lists match element by element (same length), dicts key by
    key (same keys), each within the same ``tolerance``.

    Parameters
    ----------
    old, new : object
        Two finding values (plain JSON types: numbers, strings, None, lists, dicts).
    tolerance : float
        The largest absolute difference allowed between two numbers when either is a float.

    Returns
    -------
    bool
        Whether the values match.

    Examples
    --------
    >>> from wechat_study.findings import matches
    >>> matches(0.291, 0.2915, tolerance=0.001), matches(0.291, 0.30, tolerance=0.001)
    (True, False)
    >>> matches([{"share": 0.5}], [{"share": 0.5000001}], 1e-6), matches(3, 4, 10)
    (True, False)
    """
    if isinstance(old, float) or isinstance(new, float):
        if old is None or new is None or isinstance(old, str) or isinstance(new, str):
            return False
        return abs(float(old) - float(new)) <= tolerance
    if isinstance(old, list) and isinstance(new, list):
        return len(old) == len(new) and all(matches(a, b, tolerance) for a, b in zip(old, new, strict=True))
    if isinstance(old, dict) and isinstance(new, dict):
        return old.keys() == new.keys() and all(matches(old[k], new[k], tolerance) for k in old)
    return old == new


def compare(committed: dict[str, dict], fresh: dict[str, dict]) -> pd.DataFrame:
    """What differs between two ledgers: ``name, status, committed, fresh, tolerance``.

    ``status`` is ``changed``, ``missing`` (in the committed ledger, not recorded now),
    ``new`` (recorded now, not committed), ``not reached`` (a committed value is now null) or
    ``reached`` (a committed null now has a value). Null against null is no drift. An empty
    table means no drift.

    Parameters
    ----------
    committed : dict
        The committed ledger (``load_ledger``): name -> entry with ``value`` and ``tolerance``.
    fresh : dict
        The findings recorded now, in the same form.

    Returns
    -------
    pandas.DataFrame
        One row per name that drifted, sorted by name; ``tolerance`` is the committed entry's (the fresh one's
        for ``new``).

    Examples
    --------
    >>> from wechat_study.findings import compare
    >>> committed = {"a.mine.share": {"value": 0.29, "tolerance": 0.001}, "a.mine.n": {"value": 10, "tolerance": 0}}
    >>> fresh = {"a.mine.share": {"value": 0.31, "tolerance": 0.001}, "a.mine.new": {"value": 1, "tolerance": 0}}
    >>> compare(committed, fresh)
               name   status  committed  fresh  tolerance
    0      a.mine.n  missing      10.00    NaN      0.000
    1    a.mine.new      new        NaN   1.00      0.000
    2  a.mine.share  changed       0.29   0.31      0.001
    >>> compare(committed, committed).empty
    True
    """
    rows = []
    for name in sorted(set(committed) | set(fresh)):
        old, new = committed.get(name), fresh.get(name)
        if new is None:
            rows.append((name, "missing", old["value"], None, old["tolerance"]))
        elif old is None:
            rows.append((name, "new", None, new["value"], new["tolerance"]))
        elif (old["value"] is None) != (new["value"] is None):
            status = "not reached" if new["value"] is None else "reached"
            rows.append((name, status, old["value"], new["value"], old["tolerance"]))
        elif not matches(old["value"], new["value"], old["tolerance"]):
            rows.append((name, "changed", old["value"], new["value"], old["tolerance"]))
    return pd.DataFrame(rows, columns=["name", "status", "committed", "fresh", "tolerance"])


def shown(entry: dict, digits: int = 4) -> str:
    """A ledger entry's value for readers: ``"not reached"`` for null (with the reason, if any, in
    parentheses), counts with thousands separators, floats to ``digits`` significant digits.

    Booleans read ``true`` / ``false``, strings as they are, and a table ``table of N rows``.

    Parameters
    ----------
    entry : dict
        A ledger entry (``value``, and ``reason`` for a value not reached).
    digits : int
        Significant digits of a float.

    Returns
    -------
    str
        The value in words.

    Examples
    --------
    >>> from wechat_study.findings import shown
    >>> shown({"value": 1277843}), shown({"value": 0.291666}), shown({"value": [{"a": 1}, {"a": 2}]})
    ('1,277,843', '0.2917', 'table of 2 rows')
    >>> shown({"value": None, "reason": "no cascade reaches 1,000 reposts"})
    'not reached (no cascade reaches 1,000 reposts)'
    """
    value = entry.get("value")
    if value is None:
        return f"not reached ({entry['reason']})" if entry.get("reason") else "not reached"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.{digits}g}"
    if isinstance(value, str):
        return value
    return f"table of {len(value)} rows" if isinstance(value, list) else "table"


def slug(text: str) -> str:
    """A finding-name part from free text: lowercase words joined by underscores.

    Every run of characters other than ``a-z`` and ``0-9`` (after lowercasing) becomes one underscore, and
    underscores at either end are dropped.

    Parameters
    ----------
    text : str
        Any text (converted with ``str``).

    Returns
    -------
    str
        The slug; ``"x"`` when nothing is left.

    Examples
    --------
    >>> from wechat_study.findings import slug
    >>> slug("Non-rumour"), slug("Deleted by the author!"), slug("—")
    ('non_rumour', 'deleted_by_the_author', 'x')
    """
    s = re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")
    return s or "x"


def record_rows(prefix: str, table: pd.DataFrame, key: str, columns, tolerance: float = 1e-9, notes=None,
                reason: str = "empty in this row of the table") -> None:
    """Record ``prefix.<row key>.<column>`` for each row and column of ``table`` (floats within ``tolerance``).

    An empty cell (NaN) is recorded as not reached, with ``reason``.

    Parameters
    ----------
    prefix : str
        The dotted start of every name (``thresholds.mine``).
    table : pandas.DataFrame
        The table to record.
    key : str
        The column whose value, slugged (``slug``), names each row.
    columns : iterable of str
        The columns to record, each slugged into the name.
    tolerance : float
        The absolute tolerance of float cells; integer and string cells are exact.
    notes : dict, optional
        Column -> note for its findings.
    reason : str
        Why an empty cell has no value.

    Raises
    ------
    ValueError
        A name ``record_finding`` refuses (e.g. a ``prefix`` that is not dotted lowercase words).

    Examples
    --------
    >>> import os, tempfile
    >>> import pandas as pd
    >>> from unittest import mock
    >>> from wechat_study.findings import read_recorded, record_rows
    >>> table = pd.DataFrame({"label": ["rumour", "non-rumour"], "cascades": [12, 30], "share": [0.25, float("nan")]})
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     sink = os.path.join(tmp, "findings.jsonl")
    ...     with mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": sink}):
    ...         record_rows("thresholds.mine", table, "label", ["cascades", "share"])
    ...     found = read_recorded(sink)
    >>> {name: entry["value"] for name, entry in found.items()}
    {'thresholds.mine.rumour.cascades': 12, 'thresholds.mine.rumour.share': 0.25,
     'thresholds.mine.non_rumour.cascades': 30, 'thresholds.mine.non_rumour.share': None}
    """
    for _, row in table.iterrows():
        for col in columns:
            value = row[col]
            plain = _plain(value)
            record_finding(f"{prefix}.{slug(row[key])}.{slug(col)}", value,
                           tolerance=tolerance if plain is None or isinstance(plain, float) else None,
                           note=(notes or {}).get(col), reason=reason)
