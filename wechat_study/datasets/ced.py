"""CED (Song et al. 2018): Sina Weibo source posts and their repost/comment trees.

Layout under ``data/raw/ced/CED_Dataset/``:
- ``original-microblog/<i>_<mid>_<uid>.json``: the source post (no id inside; the mid and the
  author's uid are in the file name).
- ``rumor-repost/`` and ``non-rumor-repost/``, same file names: JSON lists of records
  ``{mid, uid, parent, kids, text, date}``; ``parent == ""`` hangs off the source post.

Conventions:
- ``cascade_id`` and the root's ``post_id`` are the source post's mid.
- Record dates are Beijing time (UTC+8). A date shown without a year (``MM月DD日 HH:MM``) is
  Weibo's form for the crawl's own year. That year is taken as the year after the latest fully
  dated record in the data set; a resolved time earlier than the cascade's root is
  quarantined (left null). Both are counted.
- The data do not tell reposts from comments: ``kind`` is ``unknown``.
- ``parent`` is the tree; ``kids`` is only cross-checked and counted.
- File names embed raw uids, so files are named here with the uid replaced by ``*``.
- Texts are not loaded.
"""

from __future__ import annotations

import os
import re
from concurrent.futures import ProcessPoolExecutor, as_completed
from operator import itemgetter
from pathlib import Path

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .. import privacy
from ..errors import DataError
from ..privacy import pseudonymize, pseudonymize_arrow
from ..quality import QualityReport
from .readers import BEIJING_OFFSET_NS
from .trees import NAT, Rows, assemble_posts, cascade_table

__all__ = ["TOP", "FOLDERS", "NO_YEAR", "FILE_NAME", "RECORD_FIELDS", "shown_name", "CASCADE_FIELDS", "BATCHES", "load"]

TOP = "CED_Dataset"
FOLDERS = {"rumor-repost": "rumour", "non-rumor-repost": "non-rumour"}
NO_YEAR = re.compile(r"^(\d{2})月(\d{2})日 (\d{2}):(\d{2})$")
FILE_NAME = re.compile(r"^(\d+)_([0-9A-Za-z]+)_(\d+)\.json$")
RECORD_FIELDS = ("mid", "uid", "parent", "date")


def shown_name(folder: str, fname: str) -> str:
    """The file's path with its raw uid replaced by ``*`` (a glob that finds it).

    Parameters
    ----------
    folder : str
        The folder under ``CED_Dataset/`` (``original-microblog``, ``rumor-repost``, ...).
    fname : str
        The file name, ``<index>_<mid>_<uid>.json``; any other name is shown as it is.

    Returns
    -------
    str
        ``CED_Dataset/FOLDER/<index>_<mid>_*.json``, the name error messages and the quality report use.

    Examples
    --------
    >>> from wechat_study.datasets.ced import shown_name
    >>> shown_name("rumor-repost", "12_4000000000000000_1000001.json")
    'CED_Dataset/rumor-repost/12_4000000000000000_*.json'
    >>> shown_name("rumor-repost", "notes.txt")
    'CED_Dataset/rumor-repost/notes.txt'
    """
    m = FILE_NAME.match(fname)
    return f"{TOP}/{folder}/{m.group(1)}_{m.group(2)}_*.json" if m else f"{TOP}/{folder}/{fname}"


def _read_json(path: Path, shown: str):
    try:
        return orjson.loads(path.read_bytes())
    except orjson.JSONDecodeError as e:
        raise DataError(shown, f"malformed JSON: {e}") from None


def _source_time(value, shown: str) -> tuple[int | None, bool]:
    """The source post's time as unix seconds, and whether it came as text."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value, False
    if isinstance(value, str):
        try:
            return int(pd.Timestamp(pd.to_datetime(value, format="%a %b %d %H:%M:%S %z %Y")).timestamp()), True
        except ValueError:
            pass
    raise DataError(shown, f"unparseable source time {value!r}", record="time")


def _optional_int(value, shown: str, field: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise DataError(shown, f"{field} is {value!r}, not a count", record=field)


def _optional_bool(value, shown: str, field: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise DataError(shown, f"{field} is {value!r}, not true or false", record=field)


def _texts(records: list, field: str, shown: str) -> list[str]:
    """One field of every record, checked to be text."""
    try:
        values = [r[field] for r in records]
    except (KeyError, TypeError):
        for i, r in enumerate(records):
            if not isinstance(r, dict):
                raise DataError(shown, "not a JSON object", record=i) from None
            if field not in r:
                raise DataError(shown, f"missing field {field!r}", record=i) from None
        raise
    if not all(type(v) is str for v in values):
        i = next(i for i, v in enumerate(values) if type(v) is not str)
        raise DataError(shown, f"field {field!r} is {privacy.shown(field, values[i])}, not text", record=i)
    return values


def _fields(records: list, shown: str) -> list[tuple]:
    """(mid, uid, parent, date) of every record (a clear error naming the record if one is missing).

    That the values are text is checked for the whole batch when it becomes Arrow (``_as_text``)."""
    try:
        return list(map(_RECORD, records))
    except (KeyError, TypeError):
        for field in ("mid", "parent", "uid", "date"):
            _texts(records, field, shown)
        raise


def _as_text(rows: list[tuple], counts: list[int], shown: list[str]) -> list:
    """The four record fields as Arrow string arrays; a ``DataError`` naming file and record for a non-text value."""
    import pyarrow as pa

    columns = list(zip(*rows, strict=True)) if rows else [(), (), (), ()]
    try:
        out = [pa.array(v, pa.string()) for v in columns]
        if not any(a.null_count for a in out):
            return out
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        pass
    start = 0
    for n, where in zip(counts, shown, strict=True):
        for field, k in (("mid", 0), ("parent", 2), ("uid", 1), ("date", 3)):
            for i in range(n):
                if type(rows[start + i][k]) is not str:
                    value = privacy.shown(field, rows[start + i][k])
                    raise DataError(where, f"field {field!r} is {value}, not text", record=i)
        start += n
    raise AssertionError("a non-text value was not found again")


_RECORD = itemgetter(*RECORD_FIELDS)


def _read_files(root: str, items: list[tuple[int, str, str]]) -> dict:
    """Read a batch of cascades (run in worker processes); user ids come back as pseudonyms.

    Record fields come back as Arrow string arrays, which cross processes as flat buffers.
    """
    base = Path(root) / TOP
    cas = {k: [] for k in CASCADE_FIELDS}
    rows, counts, numbers, names = [], [], [], []
    kids = {"total": 0, "absent": 0, "descendant": 0, "conflict": 0}
    for index, folder, fname in items:
        shown = shown_name(folder, fname)
        m = FILE_NAME.match(fname)
        if not m:
            raise DataError(f"{TOP}/{folder}/{fname}", "file name is not <index>_<mid>_<uid>.json")
        _, mid, uid = m.groups()
        src_shown = shown.replace(folder, "original-microblog", 1)
        src_path = base / "original-microblog" / fname
        if not src_path.is_file():
            raise DataError(src_shown, "source post file is missing for this repost file")
        src = _read_json(src_path, src_shown)
        if not isinstance(src, dict):
            raise DataError(src_shown, "expected a JSON object")
        t, as_text = _source_time(src.get("time"), src_shown)
        user = src.get("user")
        cas["cascade_id"].append(mid)
        cas["label"].append(FOLDERS[folder])
        cas["uid"].append(uid)
        cas["time"].append(t)
        cas["time_was_text"].append(as_text)
        cas["reposts"].append(_optional_int(src.get("reposts"), src_shown, "reposts"))
        cas["comments"].append(_optional_int(src.get("comments"), src_shown, "comments"))
        cas["followers"].append(
            _optional_int(user.get("followers"), src_shown, "followers") if isinstance(user, dict) else None
        )
        cas["verified"].append(
            _optional_bool(user.get("verified"), src_shown, "verified") if isinstance(user, dict) else None
        )
        cas["user_empty"].append(user == "empty")
        cas["source"].append(src_shown)

        records = _read_json(base / folder / fname, shown)
        if not isinstance(records, list):
            raise DataError(shown, "expected a JSON list of records")
        fields = _fields(records, shown)
        try:
            parent_of = {r[0]: r[2] for r in fields}
        except TypeError:  # an unhashable mid: report it as not text
            _as_text(fields, [len(fields)], [shown])
            raise
        if "" in parent_of:
            raise DataError(shown, "empty mid", record=next(i for i, r in enumerate(fields) if r[0] == ""))
        rows += fields
        counts.append(len(fields))
        numbers.append(index)
        names.append(shown)
        _count_kids(records, parent_of, kids)
    rec = dict(zip(("mid", "uid", "parent", "date"), _as_text(rows, counts, names), strict=True))
    rec["uid"] = pseudonymize_arrow(rec["uid"])
    counts = np.asarray(counts, np.int64)
    rec["source"] = np.repeat(np.asarray(numbers, np.int64), counts)
    rec["record"] = np.arange(len(rows)) - np.repeat(np.cumsum(counts) - counts, counts)
    rec["cascade_id"] = pa.array(np.repeat(np.asarray(cas["cascade_id"], object), counts), pa.string())
    cas["uid"] = pseudonymize(cas["uid"])
    return {"cascades": cas, "records": rec, "kids": kids}


def _count_kids(records: list[dict], parent_of: dict[str, str], kids: dict[str, int]) -> None:
    """Classify each ``kids`` reference of a file: absent from the file, agreeing with ``parent``, naming a
    deeper descendant of the record (a grandchild listed as a kid), or a true conflict (another branch).

    ``parent_of`` maps each mid of the file to its ``parent`` (the last record wins for a repeated mid)."""
    total = absent = descendant = conflict = 0
    for r in records:
        listed = r.get("kids")
        if not listed:
            continue
        mid = r["mid"]
        for k in listed:
            total += 1
            parent = parent_of.get(k)
            if parent is None:
                absent += 1
            elif parent != mid:
                if _is_ancestor(mid, k, parent_of):
                    descendant += 1
                else:
                    conflict += 1
    kids["total"] += total
    kids["absent"] += absent
    kids["descendant"] += descendant
    kids["conflict"] += conflict


def _is_ancestor(mid: str, node: str, parent_of: dict[str, str]) -> bool:
    """Whether ``mid`` lies on ``node``'s chain of ``parent`` links (cycle-safe, bounded by the file's size)."""
    for _ in range(len(parent_of)):
        node = parent_of.get(node, "")
        if node == "":
            return False
        if node == mid:
            return True
    return False


CASCADE_FIELDS = (
    "cascade_id",
    "label",
    "uid",
    "time",
    "time_was_text",
    "reposts",
    "comments",
    "followers",
    "verified",
    "user_empty",
    "source",
)


def _list_files(root: Path) -> list[tuple[int, str, str]]:
    items = []
    for folder in FOLDERS:
        d = root / TOP / folder
        if not d.is_dir():
            raise DataError(d, "folder is missing", hint="run `wechat-study data fetch ced`")
        items += [
            (len(items) + i, folder, f) for i, f in enumerate(sorted(x for x in os.listdir(d) if x.endswith(".json")))
        ]
    return items


def _parse_dates(rec: dict, roots: pd.Series, sources: list[str], report: QualityReport) -> np.ndarray:
    """Beijing-time record dates → int64 ns UTC; resolve or quarantine dates with no year."""
    dates = rec["date"]
    full = np.asarray(pc.equal(pc.utf8_length(dates), 19).to_numpy(zero_copy_only=False), bool)
    parsed = np.full(len(dates), NAT, np.int64)
    full_text = dates.filter(pa.array(full)).to_numpy(zero_copy_only=False)
    try:
        parsed[full] = np.array(full_text, dtype="datetime64[s]").astype("datetime64[ns]").astype(np.int64)
    except ValueError:
        for i, text in zip(np.flatnonzero(full), full_text, strict=True):
            try:
                np.datetime64(text, "s")
            except ValueError:
                raise DataError(
                    sources[rec["source"][i]],
                    f"unparseable date {text!r}",
                    record=f"{rec['record'][i]} ({rec['mid'][i].as_py()})",
                ) from None
    short = np.flatnonzero(~full)
    dates = np.full(len(full), "", object)
    dates[short] = dates_short = rec["date"].take(pa.array(short, pa.int64())).to_numpy(zero_copy_only=False)
    no_year = np.zeros(len(full), bool)
    no_year[short] = [bool(NO_YEAR.match(d)) for d in dates_short]
    unknown = ~full & ~no_year
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise DataError(
            sources[rec["source"][i]],
            f"unparseable date {dates[i]!r}",
            record=f"{rec['record'][i]} ({rec['mid'][i].as_py()})",
        )
    latest_local = parsed[full].max() if full.any() else NAT
    parsed[full] -= BEIJING_OFFSET_NS
    if not no_year.any():
        report.quirk("dates_without_year_resolved", 0, "none found")
        return parsed
    if latest_local == NAT:
        i = int(np.flatnonzero(no_year)[0])
        raise DataError(
            sources[rec["source"][i]],
            f"date {dates[i]!r} has no year and no record has a full date to place it by",
            record=f"{rec['record'][i]} ({rec['mid'][i].as_py()})",
        )
    crawl_year = int(np.datetime64(int(latest_local), "ns").astype("datetime64[Y]").astype(int) + 1970) + 1
    parts = pd.Series(dates[no_year]).str.extract(NO_YEAR.pattern).astype(int)
    guessed = (
        pd.to_datetime(
            pd.DataFrame(
                {"year": crawl_year, "month": parts[0], "day": parts[1], "hour": parts[2], "minute": parts[3]}
            ),
            errors="coerce",
        )
        .to_numpy("datetime64[ns]")
        .astype(np.int64)
    )
    guessed = np.where(guessed == NAT, NAT, guessed - BEIJING_OFFSET_NS)
    root_time = roots.reindex(rec["cascade_id"].filter(pa.array(no_year)).to_numpy(zero_copy_only=False)).to_numpy(
        np.int64
    )
    ok = (guessed != NAT) & (guessed >= root_time)
    where = np.flatnonzero(no_year)
    files = len(np.unique(rec["source"][no_year]))
    examples = [f"{sources[rec['source'][i]]}: record {rec['record'][i]} ({rec['mid'][i].as_py()})" for i in where[:3]]
    report.quirk(
        "dates_without_year_resolved",
        int(ok.sum()),
        f"Weibo's MM月DD日 form for the crawl's year (in {files:,} file{'' if files == 1 else 's'}), "
        f"taken as {crawl_year} "
        "(the year after the latest dated record)",
        examples,
    )
    report.quirk(
        "dates_without_year_quarantined",
        int((~ok).sum()),
        f"resolving to {crawl_year} would put the post before its source; created_at left null",
        [examples[i] for i in np.flatnonzero(~ok)[:3] if i < len(examples)],
    )
    parsed[no_year] = np.where(ok, guessed, NAT)
    return parsed


BATCHES = 8  # fixed, so the row order (and the quality report's examples) does not depend on the core count


def _read_all(root: Path, items: list[tuple[int, str, str]], workers: int) -> list[dict]:
    """``_read_files`` over fixed batches of files, in ``workers`` processes, with a progress bar."""
    from tqdm import tqdm

    batches = [items[i::BATCHES] for i in range(BATCHES)]
    with tqdm(total=len(items), desc="CED: reading files", unit="file", disable=None, leave=False) as bar:
        if workers <= 1:
            parts = []
            for b in batches:
                parts.append(_read_files(str(root), b))
                bar.update(len(b))
            return parts
        with ProcessPoolExecutor(workers, initializer=_die_with_parent, initargs=(os.getpid(),)) as pool:
            futures = {pool.submit(_read_files, str(root), b): len(b) for b in batches}
            for done in as_completed(futures):
                bar.update(futures[done])
            return [f.result() for f in futures]


def _die_with_parent(parent: int) -> None:
    """Worker initializer: end the worker when its parent dies, even by SIGKILL (Linux: PR_SET_PDEATHSIG;
    elsewhere, and as a backstop, a thread that watches the parent id)."""
    import ctypes
    import signal
    import threading

    try:
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # 1 = PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(0.5)
    os._exit(1)


def _concat(parts: list):
    """One array from the workers' pieces (numpy, or one Arrow string array)."""
    if isinstance(parts[0], np.ndarray):
        return np.concatenate(parts)
    return pa.concat_arrays(parts)


def load(root: Path, name: str = "ced", workers: int | None = None) -> tuple[dict[str, pd.DataFrame], QualityReport]:
    """Read ``data/raw/ced`` into the canonical ``posts`` and ``cascades`` tables.

    Every file of ``rumor-repost/`` and ``non-rumor-repost/`` is a cascade, read with its source post
    from ``original-microblog/``; user ids become pseudonyms (``privacy``). The conventions of the
    module docstring apply (Beijing-time dates, dates without a year, ``kind`` ``unknown``).

    Parameters
    ----------
    root : pathlib.Path
        The data set's raw folder, holding ``CED_Dataset/``.
    name : str
        The ``dataset`` column and the quality report's name.
    workers : int, optional
        Processes reading the files (default: the number of cores, at most 8); 1 reads in this process.
        The files are read in ``BATCHES`` fixed batches, so the result does not depend on it.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        ``posts`` and ``cascades``, canonical (``wechat_study.schema``); ``cascades`` carries ``label``
        (``rumour`` / ``non-rumour``), the reported repost and comment counts and the source author's
        followers and verification.
    report : QualityReport
        Facts (``files``, ``records_read``, ...) and quirks (``dates_without_year_resolved``,
        ``kids_references_conflict``, ...).

    Raises
    ------
    DataError
        A folder or a source post file is missing; a file name is not ``<index>_<mid>_<uid>.json``; a
        file is malformed JSON or not the expected object or list; a record lacks a field, has a non-text
        field or an empty mid; a source time, count or flag cannot be read; or a date cannot be parsed.

    Examples
    --------
    >>> import json
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets.ced import load
    >>> with tempfile.TemporaryDirectory() as d:
    ...     base = Path(d) / "CED_Dataset"
    ...     for folder in ("original-microblog", "rumor-repost", "non-rumor-repost"):
    ...         (base / folder).mkdir(parents=True)
    ...     name = "0_4000000000000000_1000001.json"
    ...     _ = (base / "original-microblog" / name).write_text(json.dumps(
    ...         {"time": 1500000000, "reposts": 2, "comments": 0, "user": {"followers": 300, "verified": False}}))
    ...     _ = (base / "rumor-repost" / name).write_text(json.dumps([
    ...         {"mid": "4000000000000001", "uid": "1000002", "parent": "", "kids": [], "date": "2017-07-14 10:41:00"},
    ...         {"mid": "4000000000000002", "uid": "1000003", "parent": "4000000000000001", "kids": [],
    ...          "date": "07月15日 08:00"}]))
    ...     tables, report = load(Path(d), workers=1)
    >>> tables["posts"]["parent_id"].isna().tolist(), tables["posts"]["kind"].tolist()
    ([True, False, False], ['source', 'unknown', 'unknown'])
    >>> tables["posts"]["created_at"].dt.strftime("%Y-%m-%d %H:%M").tolist()
    ['2017-07-14 02:40', '2017-07-14 02:41', '2018-07-15 00:00']
    >>> cascade = tables["cascades"].iloc[0]
    >>> cascade["label"], int(cascade["reported_reposts"]), int(cascade["author_followers"])
    ('rumour', 2, 300)
    >>> report.count("dates_without_year_resolved")
    1
    """
    report = QualityReport(name)
    items = _list_files(root)
    sources = [shown_name(folder, fname) for _, folder, fname in items]
    parts = _read_all(root, items, workers or min(8, os.cpu_count() or 1))
    cas = pd.DataFrame(
        {k: np.concatenate([np.asarray(p["cascades"][k], dtype=object) for p in parts]) for k in CASCADE_FIELDS}
    )
    rec = {k: _concat([p["records"][k] for p in parts]) for k in parts[0]["records"]}
    kids = {k: sum(p["kids"][k] for p in parts) for k in parts[0]["kids"]}
    cas = cas.sort_values("cascade_id", kind="stable").reset_index(drop=True)

    report.fact("files", 2 * len(cas))
    report.fact("records_read", len(rec["mid"]))
    created = pd.to_datetime(cas["time"].astype(np.int64), unit="s", utc=True).astype("datetime64[ns, UTC]")
    empty = cas["user_empty"].to_numpy(bool)
    report.quirk(
        "source_user_empty",
        int(empty.sum()),
        'source post has "user": "empty"; author_followers and author_verified left null '
        "(the author id comes from the file name)",
        cas.loc[empty, "source"].head(3),
    )
    report.quirk(
        "source_time_as_text",
        int(cas["time_was_text"].sum()),
        "source time given as text with a UTC offset instead of unix seconds; parsed",
    )
    report.quirk(
        "reported_reposts_at_999",
        int((cas["reposts"] == 999).sum()),
        "reported repost count is 999, the top of the collection's window: no source has 1,000 or more and counts "
        "thin out towards 999 instead of piling up there, so posts with more reposts were left out of the "
        "collection, not capped",
    )
    report.quirk(
        "kids_references_absent",
        kids["absent"],
        f"of {kids['total']:,} 'kids' references, these name no record in the file; the tree uses 'parent'",
    )
    report.quirk(
        "kids_references_descendant",
        kids["descendant"],
        "'kids' names a deeper descendant of the record (its 'parent' chain leads back to it), not a direct "
        "child; consistent with the tree, which uses 'parent'",
    )
    report.quirk(
        "kids_references_conflict",
        kids["conflict"],
        "'kids' names a record on another branch: its 'parent' chain does not pass through the record; "
        "the tree uses 'parent'",
    )

    root_ns = created.to_numpy("datetime64[ns]").astype(np.int64)
    roots = pd.Series(root_ns, index=cas["cascade_id"].to_numpy())
    rec_time = _parse_dates(rec, roots, sources, report)
    n_src, n_rec = len(cas), len(rec["mid"])
    report.quirk("records_without_user", rec["uid"].null_count, "record has an empty uid; user_id left null")
    source_names = sources + list(cas["source"])
    source_ids = pa.array(cas["cascade_id"].to_numpy(object), pa.string())
    rows = Rows(
        cascade_id=pa.concat_arrays([source_ids, rec["cascade_id"]]),
        post_id=pa.concat_arrays([source_ids, rec["mid"]]),
        parent_id=pa.concat_arrays(
            [
                pa.nulls(n_src, pa.string()),
                pc.if_else(pc.equal(rec["parent"], ""), pa.scalar(None, pa.string()), rec["parent"]),
            ]
        ),
        user_id=pa.concat_arrays([pa.array(cas["uid"].to_numpy(object), pa.string()), rec["uid"]]),
        created_at=np.concatenate([root_ns, rec_time]),
        is_root=np.concatenate([np.ones(n_src, bool), np.zeros(n_rec, bool)]),
        kind=pa.concat_arrays([pa.repeat(pa.scalar("source"), n_src), pa.repeat(pa.scalar("unknown"), n_rec)]),
        source=np.concatenate([np.arange(len(sources), len(sources) + n_src), rec["source"]]),
        record=np.concatenate([np.full(n_src, "source", object), rec["record"].astype(object)]),
        sources=source_names,
    )
    posts = assemble_posts(rows, name, report)

    by_id = cas.set_index("cascade_id")
    cascades = cascade_table(
        posts,
        name,
        label=by_id["label"],
        reported_reposts=by_id["reposts"],
        reported_comments=by_id["comments"],
        author_followers=by_id["followers"],
        author_verified=by_id["verified"],
    )
    return {"posts": posts, "cascades": cascades}, report
