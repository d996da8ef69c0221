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
        A malformed name, a float without a tolerance, or a missing value without a reason.

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
    """Findings appended to a ``WECHAT_STUDY_FINDINGS`` file; a name recorded twice keeps the last."""
    out = {}
    if Path(path).is_file():
        for line in Path(path).read_text("utf-8").splitlines():
            if line.strip():
                d = json.loads(line)
                out[d.pop("name")] = d
    return out


def load_ledger(path: Path) -> dict[str, dict]:
    path = Path(path)
    return json.loads(path.read_text("utf-8")) if path.is_file() else {}


def dump_ledger(findings: dict[str, dict]) -> str:
    """The ledger's text: sorted by name, stable, UTF-8. Inside a finding, keys keep the order they were
    recorded in (a table's columns read as the notebook made them, whether the ledger is fresh or read back)."""
    return json.dumps(dict(sorted(findings.items())), ensure_ascii=False, indent=2, allow_nan=False) + "\n"


def write_ledger(path: Path, findings: dict[str, dict]) -> None:
    write_text(path, dump_ledger(findings))


def matches(old, new, tolerance: float) -> bool:
    """True when ``new`` equals ``old``: exactly, or within ``tolerance`` for floats."""
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
    parentheses), counts with thousands separators, floats to ``digits`` significant digits."""
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
    """A finding-name part from free text: lowercase words joined by underscores."""
    s = re.sub(r"[^a-z0-9]+", "_", str(text).lower()).strip("_")
    return s or "x"


def record_rows(prefix: str, table: pd.DataFrame, key: str, columns, tolerance: float = 1e-9, notes=None,
                reason: str = "empty in this row of the table") -> None:
    """Record ``prefix.<row key>.<column>`` for each row and column of ``table`` (floats within ``tolerance``).

    An empty cell (NaN) is recorded as not reached, with ``reason``.
    """
    for _, row in table.iterrows():
        for col in columns:
            value = row[col]
            plain = _plain(value)
            record_finding(f"{prefix}.{slug(row[key])}.{slug(col)}", value,
                           tolerance=tolerance if plain is None or isinstance(plain, float) else None,
                           note=(notes or {}).get(col), reason=reason)
