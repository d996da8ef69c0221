"""Export shapes researchers have, read into one arrow table of posts (``shape_table``).

Every reader returns a table with the edge list's columns ``post_id, parent_id, user_id, created_at,
cascade_id`` (text) and, where the shape records them, the per-post extras ``followers`` (the author's
follower count), ``verified`` (true/false) and ``reported_reposts`` (the platform's repost count), and
``record``, what messages call the row ("status 3", "row 12"). Screen names and post text are never read;
a value the shape cannot read (a count that is not a whole number, a verified flag outside its words) is
refused with the record it is in, never set to null.

- ``weibo-api``: statuses as Weibo's API returns them (``statuses/repost_timeline`` gives
  ``{"reposts": [...]}``, timelines and search give ``{"statuses": [...]}``; a bare list, and JSON Lines
  with one status per line, are read too). A status's ``retweeted_status`` is its cascade's source
  post, which is added once (the source's own status met after it is counted and skipped); its parent
  is ``pid`` when that status is in the file and in the same cascade, else the source (a ``pid`` in
  another cascade is counted).
  ``created_at`` is Weibo's ``Tue May 31 17:46:55 +0800 2011``.
- ``weibo-csv``: a flat CSV as Weibo crawlers write it, with Chinese headers (``WEIBO_CSV`` names the
  mapping); ``retweet_id`` is the source a repost belongs to, so the trees are stars. Times without
  an offset are Beijing time unless the sidecar says otherwise.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa

from ..errors import DataError
from ..quality import QualityReport

__all__ = ["EXTRAS", "WEIBO_CSV", "WEIBO_CSV_REQUIRED", "VERIFIED_WORDS", "WEIBO_TIME", "weibo_api", "weibo_csv"]

#: The columns a shape may give besides the edge list's own.
EXTRAS = ("followers", "verified", "reported_reposts")

#: Weibo crawler CSV header -> canonical column (the headers of weibo-search and weibo-crawler exports).
#: A column not named here is never read (screen names, text, places).
WEIBO_CSV = {
    "id": "post_id",
    "retweet_id": "parent_id",
    "user_id": "user_id",
    "发布时间": "created_at",
    "转发数": "reported_reposts",
    "粉丝数": "followers",
    "user_authentication": "verified",
}
WEIBO_CSV_REQUIRED = ("id", "retweet_id", "user_id", "发布时间")
#: ``user_authentication`` values: 蓝V (organisation), 黄V (person), 红V and 金V (prominent persons) are verified.
VERIFIED_WORDS = {"蓝v": True, "黄v": True, "红v": True, "金v": True, "普通用户": False}
WEIBO_TIME = "%a %b %d %H:%M:%S %z %Y"


def _text(value) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise TypeError(value)
    return str(value)


def _status_id(status: dict) -> str | None:
    for key in ("idstr", "id", "mid"):
        if status.get(key) not in (None, ""):
            return _text(status[key])
    return None


def _statuses(path: Path) -> list:
    """The list of statuses a Weibo API file holds, in file order."""
    try:
        text = path.read_text("utf-8-sig")
    except UnicodeDecodeError:
        raise DataError(path, "is not UTF-8 text", hint="save the file as UTF-8") from None
    try:
        data = json.loads(text)
    except RecursionError:
        raise DataError(path, "nests its JSON too deep to be Weibo statuses") from None
    except json.JSONDecodeError as e:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) < 2 and not text.lstrip().startswith("{"):
            raise DataError(path, f"is not JSON: {e.msg} at line {e.lineno} column {e.colno}") from None
        data = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                data.append(json.loads(line))
            except json.JSONDecodeError as err:
                raise DataError(path, f"is neither JSON nor JSON Lines: {err.msg}", record=f"line {n}") from None
    if isinstance(data, dict) and "reposts" not in data and "statuses" not in data and _status_id(data):
        data = [data]  # JSON Lines with a single status
    if isinstance(data, dict):
        key = next((k for k in ("reposts", "statuses") if isinstance(data.get(k), list)), None)
        if key is None:
            raise DataError(path, "holds a JSON object without a 'reposts' or 'statuses' list",
                            hint="give the API's response as saved, a list of statuses, or JSON Lines")
        data = data[key]
    if not isinstance(data, list) or not data:
        raise DataError(path, "holds no statuses", hint="a Weibo API file lists statuses under 'reposts' or 'statuses'")
    return data


def _weibo_time(value, path: Path, record: str) -> str | None:
    """Weibo's ``created_at`` as ISO 8601 with its offset; None when missing."""
    import datetime as dt

    if value in (None, ""):
        return None
    try:
        return dt.datetime.strptime(str(value), WEIBO_TIME).isoformat()
    except ValueError:
        raise DataError(path, f"created_at {str(value)[:40]!r} is not Weibo's time format",
                        record=record, hint="Weibo writes 'Tue May 31 17:46:55 +0800 2011'") from None


def weibo_api(path: Path, report: QualityReport) -> pa.Table:
    """The posts of a Weibo API JSON file (see the module's docstring).

    A status whose id came before in the file is set aside and counted (``duplicate_statuses``), and so is a
    source's own status met after its copy in a ``retweeted_status`` (``sources_seen_again``); a ``pid`` naming
    a status of another cascade is counted (``pid_in_another_cascade``) and the parent set to the cascade's
    source. The facts ``statuses_read``, ``sources_from_retweeted_status`` and ``parents_from_pid`` are recorded.

    Parameters
    ----------
    path : pathlib.Path
        The file: an API response (``{"reposts": [...]}`` or ``{"statuses": [...]}``), a list of statuses, or
        JSON Lines, in UTF-8.
    report : QualityReport
        Where the quirk and the facts are recorded.

    Returns
    -------
    pyarrow.Table
        One row per post, each cascade's source first as it was met: ``post_id, parent_id, user_id, created_at``
        (ISO 8601 with its offset), ``cascade_id`` and ``record`` (where it was read: ``status 3`` or
        ``status 3.retweeted_status``) as text, then ``EXTRAS``; ``user_id`` is the raw id, not yet pseudonymized.

    Raises
    ------
    DataError
        Naming the file (and the status): when the file is not UTF-8, not JSON or JSON Lines, nests too deep,
        is an object without a ``reposts`` or ``statuses`` list, or holds no statuses; when a status is not a
        JSON object, has no id (nor its ``retweeted_status``), has an id that is neither text nor a whole number,
        a count that is not a whole number from 0 to 2^53, a ``verified`` that is not true or false, or a
        ``created_at`` not in Weibo's format.

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.datasets.shapes import weibo_api
    >>> from wechat_study.quality import QualityReport
    >>> report = QualityReport("example_weibo_api")
    >>> posts = weibo_api(Path("examples/weibo-api.json"), report)
    >>> posts.num_rows, report.facts["statuses_read"], report.facts["sources_from_retweeted_status"]
    (826, 796, 30)
    >>> posts.select(["post_id", "parent_id", "created_at", "record"]).slice(1, 1).to_pylist()
    [{'post_id': '4300000000000001', 'parent_id': '4300000000000000', 'created_at': '2019-08-15T15:36:41+08:00',
      'record': 'status 0'}]
    """
    statuses = _statuses(path)
    rows: dict[str, dict] = {}
    parents: dict[str, str | None] = {}
    sources_added, seen, repeated, again, gone = 0, set(), [], [], []
    for i, status in enumerate(statuses):
        record = f"status {i}"
        if not isinstance(status, dict):
            raise DataError(path, "is not a JSON object", record=record)
        try:
            post = _row(status, path, record)
            source = status.get("retweeted_status")
            src = _row(source, path, f"{record}.retweeted_status") if isinstance(source, dict) else None
            pid = _text(status.get("pid"))
        except TypeError:
            raise DataError(path, "an id is neither text nor a whole number", record=record) from None
        except DataError:
            raise
        except ValueError as e:
            raise DataError(path, str(e), record=record) from None
        if post["post_id"] is None:
            raise DataError(path, "has no id (idstr, id or mid)", record=record)
        if src is not None and src["post_id"] is None:
            if _deleted(source):  # the source was deleted: its reposts have no cascade to join
                gone.append(f"{path.name}: record {record} ({post['post_id']})")
                continue
            raise DataError(path, "retweeted_status has no id (idstr, id or mid)", record=record,
                            hint="a deleted source is marked \"deleted\": \"1\" by the API; give the source's id")
        if post["post_id"] in seen:
            repeated.append(f"{path.name}: record {record} ({post['post_id']})")
            continue
        seen.add(post["post_id"])
        if src is not None and src["post_id"] not in rows:
            rows[src["post_id"]] = {**src, "cascade_id": src["post_id"], "record": f"{record}.retweeted_status"}
            parents[src["post_id"]] = None
            sources_added += 1
        if post["post_id"] in rows and src is None:  # a source seen first as a retweeted_status
            again.append(f"{path.name}: record {record} ({post['post_id']})")
            continue
        cascade = src["post_id"] if src is not None else post["post_id"]
        parents.setdefault(post["post_id"], (pid if pid not in (None, "0") else None, cascade) if src else None)
        rows.setdefault(post["post_id"], {**post, "cascade_id": cascade, "record": record})
    via_pid, crossed, missing = 0, [], []
    for post_id, link in parents.items():
        if link is None:
            rows[post_id]["parent_id"] = None
            continue
        pid, cascade = link
        known = pid is not None and pid in rows
        inside = known and rows[pid]["cascade_id"] == cascade
        if known and not inside:
            crossed.append(f"{path.name}: record {rows[post_id]['record']} ({post_id})")
        if pid is not None and not known:
            missing.append(f"{path.name}: record {rows[post_id]['record']} ({post_id})")
        via_pid += inside
        rows[post_id]["parent_id"] = pid if inside else cascade
    report.quirk("duplicate_statuses", len(repeated), "a status whose id came before in the file; the first is kept",
                 repeated[:3])
    report.quirk("sources_seen_again", len(again), "a source's own status after its copy in a retweeted_status; "
                 "the copy is kept", again[:3])
    report.quirk("pid_in_another_cascade", len(crossed), "parent set to the cascade's source", crossed[:3])
    report.quirk("pid_not_in_file", len(missing), "the pid names no status of the file (a repost the export "
                 "missed); parent set to the cascade's source, so its tree is flatter than it was", missing[:3])
    report.quirk("reposts_of_deleted_sources", len(gone), "a repost whose retweeted_status is marked deleted; set "
                 "aside", gone[:3])
    report.fact("statuses_read", len(statuses))
    report.fact("sources_from_retweeted_status", sources_added)
    report.fact("parents_from_pid", via_pid)
    return _table(list(rows.values()))


def _deleted(status) -> bool:
    """Whether a status is the API's stand-in for a deleted one (``"deleted": "1"``)."""
    return isinstance(status, dict) and str(status.get("deleted", "")).strip() in ("1", "true", "True")


def _row(status: dict, path: Path, record: str) -> dict:
    user = status.get("user") if isinstance(status.get("user"), dict) else {}
    verified = user.get("verified")
    if verified is not None and not isinstance(verified, bool):
        raise ValueError(f"user.verified {str(verified)[:20]!r} is not true or false")
    return {
        "post_id": _status_id(status),
        "user_id": _text(user.get("idstr") or user.get("id")),
        "created_at": _weibo_time(status.get("created_at"), path, record),
        "followers": _count(user.get("followers_count"), "followers_count"),
        "verified": verified if isinstance(verified, bool) else None,
        "reported_reposts": _count(status.get("reposts_count"), "reposts_count"),
    }


def _count(value, field: str = "a count") -> int | None:
    """A count from the API (a whole number from 0 to 2^53); None when missing; ValueError otherwise."""
    from .columns import count

    try:
        return count(value)
    except ValueError as e:
        raise ValueError(f"{field} {e}") from None


def _table(rows: list[dict]) -> pa.Table:
    cols = ("post_id", "parent_id", "user_id", "created_at", "cascade_id", "record")
    types = {"followers": pa.int64(), "verified": pa.bool_(), "reported_reposts": pa.int64()}
    out = {c: pa.array([r[c] for r in rows], pa.string()) for c in cols}
    out |= {c: pa.array([r[c] for r in rows], types[c]) for c in EXTRAS}
    return pa.table(out)


def weibo_csv(path: Path, report: QualityReport) -> pa.Table:
    """The posts of a Weibo crawler CSV (``WEIBO_CSV`` says which header becomes which column).

    A repost whose source row is not in the file is set aside and counted (``reposts_without_source``).
    A ``retweet_id`` of ``0`` or empty marks a source post; the fact ``file_rows`` is recorded. An ``id``,
    ``retweet_id`` or ``user_id`` written as a whole float (``101.0``, as pandas writes a column with gaps) is
    read as ``101``, as the edge list reads it (``columns.ids``), and counted (``ids_written_as_floats``).

    Parameters
    ----------
    path : pathlib.Path
        The CSV file, with the headers ``WEIBO_CSV_REQUIRED`` at least (a byte-order mark is allowed).
    report : QualityReport
        Where the quirk and the fact are recorded.

    Returns
    -------
    pyarrow.Table
        One row per post kept, in file order: the mapped columns present (``post_id, parent_id, user_id,
        created_at`` as text, times as written; ``followers`` and ``reported_reposts`` as int64, ``verified``
        as booleans from ``VERIFIED_WORDS``), ``cascade_id`` (the source's id: every cascade is a star) and
        ``record`` (``row 1`` for the first data row); ``user_id`` is the raw id, not yet pseudonymized.

    Raises
    ------
    DataError
        Naming the file: when a mapped column appears twice, a required one is missing, there is a header but no
        rows, an id is in exponent notation, a follower or repost count is not a whole number, or a
        ``user_authentication`` value is not one of ``VERIFIED_WORDS``; each with its row.

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.datasets.shapes import weibo_csv
    >>> from wechat_study.quality import QualityReport
    >>> report = QualityReport("example_weibo_crawler")
    >>> posts = weibo_csv(Path("examples/weibo-crawler.csv"), report)
    >>> posts.num_rows, report.facts["file_rows"], report.count("reposts_without_source")
    (1899, 1899, 0)
    >>> posts.select(["post_id", "cascade_id", "created_at", "record", "verified"]).slice(1, 1).to_pylist()
    [{'post_id': '4300000000021650', 'cascade_id': '4300000000021649', 'created_at': '2019-03-21 23:03',
      'record': 'row 2', 'verified': False}]
    """
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    from .edgelist import opened

    with opened(path):
        head = pacsv.open_csv(path, read_options=pacsv.ReadOptions(block_size=1 << 16)).schema.names
    head = [h.lstrip("\ufeff") for h in head]
    twice = [h for h in WEIBO_CSV if head.count(h) > 1]
    if twice:
        raise DataError(path, f"has the column {twice[0]} twice", hint="keep one")
    missing = [c for c in WEIBO_CSV_REQUIRED if c not in head]
    if missing:
        mapping = ", ".join(f"{k} → {WEIBO_CSV[k]}" for k in WEIBO_CSV_REQUIRED)
        raise DataError(path, f"missing column(s) {', '.join(missing)} of the Weibo crawler CSV mapping ({mapping})",
                        hint="rename the columns, or use format: edgelist with post_id, parent_id, user_id, created_at")
    wanted = [c for c in WEIBO_CSV if c in head]
    with opened(path):
        options = pacsv.ReadOptions(block_size=64 << 20, column_names=head, skip_rows=1)
        table = pacsv.read_csv(path, read_options=options,
                               convert_options=pacsv.ConvertOptions(
                                   include_columns=wanted, column_types={c: pa.string() for c in wanted},
                                   null_values=[""], strings_can_be_null=True, quoted_strings_can_be_null=True))
    if table.num_rows == 0:
        raise DataError(path, "has a header but no rows")
    out = {WEIBO_CSV[c]: table[c].combine_chunks() for c in wanted}
    _csv_ids(out, path, report)
    out["parent_id"] = pc.if_else(pc.equal(out["parent_id"], "0"), pa.scalar(None, pa.string()), out["parent_id"])
    out["cascade_id"] = pc.coalesce(out["parent_id"], out["post_id"])
    for c in ("followers", "reported_reposts"):
        if c in out:
            out[c] = _ints(out[c], path, c, report)
    if "verified" in out:
        words = pc.utf8_lower(pc.utf8_trim_whitespace(out["verified"])).to_pylist()
        odd = [i for i, w in enumerate(words) if w not in (None, "") and w not in VERIFIED_WORDS]
        if odd:
            known = ", ".join(VERIFIED_WORDS)
            raise DataError(path, f"user_authentication {words[odd[0]][:20]!r} is not one of {known}",
                            record=f"row {odd[0] + 1}",
                            hint="replace the other values with 普通用户 (not verified) or leave their cells empty")
        out["verified"] = pa.array([VERIFIED_WORDS.get(w) for w in words], pa.bool_())
    out["record"] = pa.array(np.char.add("row ", np.arange(1, table.num_rows + 1).astype(str)), pa.string())
    posts = pa.table(out)
    known = pc.is_in(posts["parent_id"], value_set=posts["post_id"].combine_chunks())
    lost = pc.and_(pc.is_valid(posts["parent_id"]), pc.invert(known))
    n_lost = pc.sum(lost).as_py() or 0
    report.quirk("reposts_without_source", n_lost, "a repost whose retweet_id is not a row of the file; set aside",
                 [f"{path.name}: record row {i + 1}" for i in pc.indices_nonzero(lost).to_pylist()[:3]])
    report.fact("file_rows", table.num_rows)
    return posts.filter(pc.invert(lost)) if n_lost else posts


def _csv_ids(out: dict, path: Path, report: QualityReport) -> None:
    """The id columns as canonical text (``columns.ids``); the rows whose ids lost a ``.0`` are counted."""
    import pyarrow.compute as pc

    from .columns import Rows, ids

    rows = Rows(path, np.arange(1, len(out["post_id"]) + 1))
    changed = np.zeros(len(out["post_id"]), bool)
    examples = []
    for header in ("id", "retweet_id", "user_id"):
        col = WEIBO_CSV[header]
        got = ids(out[col], header, rows)
        diff = pc.fill_null(pc.not_equal(out[col], got), False).to_numpy(zero_copy_only=False)
        examples += [(i, header) for i in np.flatnonzero(diff)[:3]]
        changed |= diff
        out[col] = got
    report.quirk("ids_written_as_floats", int(changed.sum()), "an id written as a float (101.0) read as the id 101",
                 [f"{path.name}: record row {i + 1} ({h})" for i, h in sorted(examples)[:3]])


#: Weibo's abbreviated counts: 1.2万 is 12,000 and 3亿 300,000,000.
_UNITS = {"万": 10_000, "亿": 100_000_000}


def _unabbreviated(values: list) -> tuple[list, list[int]]:
    """Counts written as 1.2万 or 3亿 as whole numbers (rounded), and the rows that were so written."""
    import re

    out, rows = [], []
    for i, v in enumerate(values):
        m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([万亿])\s*", v) if isinstance(v, str) else None
        if m:
            rows.append(i)
            v = str(round(float(m.group(1)) * _UNITS[m.group(2)]))
        out.append(v)
    return out, rows


def _ints(arr: pa.Array, path: Path, column: str, report: QualityReport | None = None) -> pa.Array:

    from .columns import NOT_A_COUNT, counts

    values, short = _unabbreviated(arr.to_pylist())
    if report is not None:
        report.quirk(f"{column}_abbreviated", len(short), "a count written as 1.2万 or 3亿, read as 12,000 or "
                     "300,000,000: the platform rounded it", [f"{path.name}: record row {i + 1}" for i in short[:3]])
    got, bad = counts(values)
    if bad is not None:
        raise DataError(path, f"{column} {str(arr[bad].as_py())[:20]!r} {NOT_A_COUNT}", record=f"row {bad + 1}",
                        hint="write counts as digits (1.2万 and 3亿 are read too), or leave the cell empty")
    return pa.array(got, pa.int64())
