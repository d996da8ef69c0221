"""The canonical posts and cascades tables from arrow columns, in bulk (no per-row Python).

The rules are those of ``trees.assemble_posts`` (see its docstring): the first record of a
``post_id`` is kept and later ones counted; a parent missing from the cascade makes an orphan,
attached to the root; a parent cycle is an error; a child timed before its parent is counted.
Here every step is an arrow kernel or a numpy pass over integer codes, so an edge list of tens
of millions of rows is assembled at close to the speed it is read.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError
from ..quality import QualityReport
from .columns import NAT, Rows

__all__ = [
    "STR", "CYCLE_SHOWN", "first_records", "codes", "examples", "converge", "cycle_error", "roots_by_parents",
    "assemble"
]

STR = pd.StringDtype("pyarrow", na_value=np.nan)
CYCLE_SHOWN = 5


def first_records(post_id: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(mask of each id's first record, the distinct ids in order of first appearance).

    Parameters
    ----------
    post_id : pyarrow.Array
        Each row's post id (strings).

    Returns
    -------
    first : numpy.ndarray
        True at the first row of each id.
    ids : pyarrow.Array
        The distinct ids, in order of first appearance.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.bulk import first_records
    >>> first, ids = first_records(pa.array(["p0", "p1", "p1", "p2"]))
    >>> first.tolist(), ids.to_pylist()
    ([True, True, False, True], ['p0', 'p1', 'p2'])
    """
    enc = pc.dictionary_encode(post_id)
    return _firsts(enc.indices.to_numpy(zero_copy_only=False)), enc.dictionary


def _firsts(code: np.ndarray) -> np.ndarray:
    """Codes numbered in order of first appearance: true where a code appears for the first time."""
    first = np.empty(len(code), bool)
    if len(code):
        top = np.maximum.accumulate(code)
        first[0] = True
        np.greater(top[1:], top[:-1], out=first[1:])
    return first


def codes(post_id: pa.Array, parent_id: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(mask of each post id's first record, each row's parent as the number of the parent's first record
    among first records, -1 when absent), from one hash pass over both columns.

    Parameters
    ----------
    post_id : pyarrow.Array
        Each row's post id (strings).
    parent_id : pyarrow.Array
        Each row's parent's post id, null for a source post.

    Returns
    -------
    first : numpy.ndarray
        True at the first row of each post id.
    parent : numpy.ndarray
        int64: each row's parent as the position of the parent's id among the distinct post ids (in order of
        first appearance), -1 for a source post or a parent that is not in ``post_id``.

    Examples
    --------
    >>> import pyarrow as pa
    >>> from wechat_study.datasets.bulk import codes
    >>> first, parent = codes(pa.array(["p0", "p1", "p1", "p2"]), pa.array([None, "p0", "p0", "p9"]))
    >>> first.tolist(), parent.tolist()
    ([True, True, False, True], [-1, 0, 0, -1])
    """
    n = len(post_id)
    enc = pc.dictionary_encode(pa.concat_arrays([post_id, parent_id])).indices
    post_code = enc.slice(0, n).to_numpy(zero_copy_only=False)
    parent_code = pc.fill_null(enc.slice(n), -1).to_numpy(zero_copy_only=False)
    first = _firsts(post_code)
    known = int(post_code.max()) + 1 if n else 0
    return first, np.where(parent_code < known, parent_code, -1).astype(np.int64)


def examples(rows: Rows, post_id: pa.Array, mask: np.ndarray, k: int = 3) -> list[str]:
    """The first ``k`` rows where ``mask`` is true, named for a quality report's examples.

    Parameters
    ----------
    rows : Rows
        Where the rows came from (``columns.Rows``), for messages.
    post_id : pyarrow.Array
        Each row's post id (strings).
    mask : numpy.ndarray
        The rows to name (booleans, by position).
    k : int
        How many to name at most.

    Returns
    -------
    list of str
        ``"<path>: record <row> (<post id>)"`` for each, in row order.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> from wechat_study.datasets.bulk import examples
    >>> from wechat_study.datasets.columns import Rows
    >>> examples(Rows("posts.csv", np.arange(1, 5)), pa.array(["p0", "p1", "p1", "p2"]), np.array([0, 0, 1, 0], bool))
    ['posts.csv: record row 3 (p1)']
    """
    return [
        f"{rows.path}: record {rows.name(int(i))} ({post_id[int(i)].as_py()})" for i in np.flatnonzero(mask)[:k]
    ]


def converge(parent: np.ndarray) -> np.ndarray:
    """For each row, the row its parents lead to (itself for a root), by pointer doubling.

    Stops once nothing moves; rows on or above a cycle end wherever the cycle left them.

    Parameters
    ----------
    parent : numpy.ndarray
        Each row's parent row, negative for a root.

    Returns
    -------
    numpy.ndarray
        Each row's root (its own position for a root); for a row on or above a cycle, some row of the cycle, which
        the callers tell apart by its having a parent.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.datasets.bulk import converge
    >>> converge(np.array([-1, 0, 1, -1, 3])).tolist()
    [0, 0, 0, 3, 3]
    >>> converge(np.array([-1, 2, 1])).tolist()      # rows 1 and 2 form a cycle
    [0, 1, 2]
    """
    n = len(parent)
    up = np.where(parent >= 0, parent, np.arange(n))
    for _ in range(int(np.ceil(np.log2(n + 1))) + 1):
        nxt = up[up]
        if np.array_equal(nxt, up):
            break
        up = nxt
    return up


def cycle_error(rows: Rows, post_id: pa.Array, parent: np.ndarray, start: int, problem: str, hint: str):
    """Raise a ``DataError`` naming the cycle reached from row ``start``: its first few posts and its length.

    A cycle of up to ``CYCLE_SHOWN`` posts is written out in full, back to its first post; a longer one shows its
    first ``CYCLE_SHOWN`` posts and its length. The error names the row of the cycle's first post.

    Parameters
    ----------
    rows : Rows
        Where the rows came from (``columns.Rows``), for messages.
    post_id : pyarrow.Array
        Each row's post id (strings).
    parent : numpy.ndarray
        Each row's parent row; following it from ``start`` must reach a cycle.
    start : int
        The row (position) to follow from.
    problem : str
        What is wrong, put before the cycle (``"parent cycle"``).
    hint : str
        What to do about it.

    Raises
    ------
    DataError
        Always.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> from wechat_study.datasets.bulk import cycle_error
    >>> from wechat_study.datasets.columns import Rows
    >>> cycle_error(Rows("posts.csv", np.arange(1, 4)), pa.array(["p0", "p1", "p2"]), np.array([-1, 2, 1]), 1,
    ...             "parent cycle", "every post's parents must lead back to the root")
    Traceback (most recent call last):
    ...
    wechat_study.errors.DataError: posts.csv: record row 2: parent cycle: p1 -> p2 -> p1 (every post's parents ...)
    """
    seen: dict[int, int] = {}
    i = start
    while i not in seen:
        seen[i] = len(seen)
        i = int(parent[i])
    loop = list(seen)[seen[i] :]
    shown = [str(post_id[j].as_py()) for j in loop[:CYCLE_SHOWN]]
    names = (
        " -> ".join(shown + [shown[0]])
        if len(loop) <= CYCLE_SHOWN
        else " -> ".join(shown) + f" -> ... ({len(loop):,} posts in the cycle)"
    )
    rows.fail(loop[0], f"{problem}: {names}", hint=hint)


def _refuse_cycles(rows: Rows, post_id: pa.Array, parent: np.ndarray, stuck: np.ndarray, hint: str) -> None:
    """A ``DataError`` naming the first cycle when any row is ``stuck`` (its parents never reach a root)."""
    if stuck.any():
        cycle_error(rows, post_id, parent, int(np.flatnonzero(stuck)[0]), "parent cycle", hint)


def roots_by_parents(rows: Rows, post_id: pa.Array, parent_id: pa.Array, parent: np.ndarray) -> pa.Array:
    """Each post's cascade without a ``cascade_id`` column: the ``post_id`` of the root its parents lead to.

    Parameters
    ----------
    rows : Rows
        Where the rows came from (``columns.Rows``), for messages.
    post_id : pyarrow.Array
        Each row's post id (strings).
    parent_id : pyarrow.Array
        Each row's parent's post id, null for a source post.
    parent : numpy.ndarray
        Each row's parent as a row position, -1 when absent (``codes``, on rows whose post ids are distinct).

    Returns
    -------
    pyarrow.Array
        The root's ``post_id`` for every row.

    Raises
    ------
    DataError
        A post names a parent that is not in the file (without a ``cascade_id`` it cannot be attached to a root),
        or its parents run in a cycle.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> from wechat_study.datasets.bulk import codes, roots_by_parents
    >>> from wechat_study.datasets.columns import Rows
    >>> post_id, parent_id = pa.array(["p0", "p1", "p2", "q0"]), pa.array([None, "p0", "p1", None])
    >>> _, parent = codes(post_id, parent_id)
    >>> roots_by_parents(Rows("posts.csv", np.arange(1, 5)), post_id, parent_id, parent).to_pylist()
    ['p0', 'p0', 'p0', 'q0']
    """
    named = ~np.asarray(parent_id.is_null().to_numpy(zero_copy_only=False))
    absent = named & (parent < 0)
    if absent.any():
        i = int(np.flatnonzero(absent)[0])
        rows.fail(
            i,
            f"post {post_id[i].as_py()!r} names parent {parent_id[i].as_py()!r}, which is not in the file",
            hint="add a cascade_id column, so that such posts can be attached to their cascade's root",
        )
    up = converge(parent)
    _refuse_cycles(rows, post_id, parent, parent[up] >= 0, "every post's parents must lead back to a source post")
    return post_id.take(pa.array(up))


def assemble(
    cols: dict[str, pa.Array],
    created_at: np.ndarray,
    rows: Rows,
    dataset: str,
    report: QualityReport,
    dedup: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(posts, cascades) from canonical columns ``post_id, parent_id, user_id[, cascade_id]`` (arrow
    strings; user ids already pseudonyms) and ``created_at`` (int64 ns UTC, ``NAT`` when unknown).

    ``dedup=False`` when the caller has already set aside repeated post ids.

    Records the quirks ``duplicate_records`` (with ``dedup``), ``orphans``, ``child_before_parent`` and
    ``missing_times`` and the facts ``posts`` and ``cascades`` in ``report``. Without a ``cascade_id`` column each
    post's cascade is named after its root's ``post_id`` (``roots_by_parents``).

    Parameters
    ----------
    cols : dict of str to pyarrow.Array
        ``post_id``, ``parent_id`` (null for a source post), ``user_id`` and optionally ``cascade_id``.
    created_at : numpy.ndarray
        int64 ns since the epoch (UTC) per row, ``NAT`` when unknown.
    rows : Rows
        Where the rows came from (``columns.Rows``), for messages.
    dataset : str
        The ``dataset`` column.
    report : QualityReport
        Where the quirks and facts are recorded.
    dedup : bool
        Keep the first record of a repeated post id and count the rest as ``duplicate_records``.

    Returns
    -------
    posts : pandas.DataFrame
        The canonical posts table: ``dataset, cascade_id, post_id, parent_id, parent_node, user_id, created_at,
        is_root, kind, is_orphan``, each cascade's rows together (cascades sorted by id), the root first, then by
        time (unknown times last).
    cascades : pandas.DataFrame
        One row per cascade: ``dataset, cascade_id, root_post_id, author_id, created_at`` and ``observed_until``
        (the latest known time), with ``label``, the reported counts and the author's followers and verified
        status left null.

    Raises
    ------
    DataError
        An empty ``post_id`` or ``cascade_id``, a cascade with no root or with two, a parent cycle, or (without
        ``cascade_id``) a parent missing from the file.

    Examples
    --------
    >>> import numpy as np, pandas as pd, pyarrow as pa
    >>> from wechat_study.datasets.bulk import assemble
    >>> from wechat_study.datasets.columns import Rows
    >>> from wechat_study.quality import QualityReport
    >>> cols = {"post_id": pa.array(["p0", "p1", "p1", "p2", "q0"]),
    ...         "parent_id": pa.array([None, "p0", "p0", "p9", None]),
    ...         "user_id": pa.array(["u0", "u1", "u1", "u2", "u3"]),
    ...         "cascade_id": pa.array(["c0", "c0", "c0", "c0", "c1"])}
    >>> times = pd.to_datetime(["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:10", "2014-01-01 00:05",
    ...                         "2014-01-02 00:00"], utc=True).as_unit("ns").asi8
    >>> report = QualityReport("mine")
    >>> posts, cascades = assemble(cols, times, Rows("posts.csv", np.arange(1, 6)), "mine", report)
    >>> posts[["cascade_id", "post_id", "parent_id", "parent_node", "is_orphan"]]
      cascade_id post_id parent_id  parent_node  is_orphan
    0         c0      p0       NaN           -1      False
    1         c0      p2        p0            0       True
    2         c0      p1        p0            0      False
    3         c1      q0       NaN           -1      False
    >>> cascades["root_post_id"].tolist(), report.count("duplicate_records"), report.count("orphans")
    (['p0', 'q0'], 1, 1)
    """
    post_id, parent_id = cols["post_id"], cols["parent_id"]
    if post_id.null_count:
        rows.fail(_first_null(post_id), "empty post_id")
    if "cascade_id" in cols and cols["cascade_id"].null_count:
        rows.fail(_first_null(cols["cascade_id"]), "empty cascade_id")
    cascade = cols.get("cascade_id")
    with ThreadPoolExecutor(2) as pool:  # arrow kernels release the GIL
        by_cascade = pool.submit(_cascade_codes, cascade) if cascade is not None else None
        first, found = codes(post_id, parent_id)
        by_cascade = by_cascade.result() if by_cascade is not None else None
    dup = ~first
    if dedup:
        report.quirk(
            "duplicate_records",
            int(dup.sum()),
            "same post id again (anywhere in the file); the first record is kept",
            examples(rows, post_id, dup),
        )
    if dup.any():
        keep = pa.array(first)
        cols = {k: v.filter(keep) for k, v in cols.items()}
        post_id, parent_id = cols["post_id"], cols["parent_id"]
        created_at, rows = created_at[first], rows.subset(first)
        found = found[first]
        cascade = cols.get("cascade_id")
        by_cascade = _cascade_codes(cascade) if cascade is not None else None
    n = len(post_id)
    is_root = np.asarray(parent_id.is_null().to_numpy(zero_copy_only=False))
    if by_cascade is None:
        by_cascade = _cascade_codes(roots_by_parents(rows, post_id, parent_id, found))
    ccode, names = by_cascade

    roots = np.flatnonzero(is_root)
    counts = np.bincount(ccode[roots], minlength=len(names))
    if (counts > 1).any():
        c = int(np.flatnonzero(counts > 1)[0])
        i = int(roots[np.flatnonzero(ccode[roots] == c)[1]])
        _fail_post(rows, post_id, i, f"a second root in cascade {names[c].as_py()!r}")
    if (counts == 0).any():
        c = int(np.flatnonzero(counts == 0)[0])
        i = int(np.flatnonzero(ccode == c)[0])
        _fail_post(rows, post_id, i, f"cascade {names[c].as_py()!r} has no root post")
    root_row = np.empty(len(names), np.int64)
    root_row[ccode[roots]] = roots
    root_of = root_row[ccode]

    named = ~is_root
    orphan = named & ((found < 0) | (ccode[np.maximum(found, 0)] != ccode))
    report.quirk(
        "orphans",
        int(orphan.sum()),
        "parent not in the data; attached to the root and flagged is_orphan",
        examples(rows, post_id, orphan),
    )
    parent = np.where(is_root, -1, np.where(orphan, root_of, found))
    _refuse_cycles(rows, post_id, parent, ~is_root[converge(parent)], "every post's parents must lead back to the root")

    t = created_at
    known = t != NAT
    pt = t[np.maximum(parent, 0)]
    early = (parent >= 0) & known & (pt != NAT) & (t < pt)
    report.quirk(
        "child_before_parent",
        int(early.sum()),
        "a post timed before its parent; kept as recorded",
        examples(rows, post_id, early),
    )
    report.quirk(
        "missing_times", int((~known).sum()), "no usable time; created_at left null", examples(rows, post_id, ~known)
    )

    order = _canonical_order(ccode, is_root, np.where(known, t, np.iinfo(np.int64).max))
    inverse = np.empty(n, np.int64)
    inverse[order] = np.arange(n)
    parent_sorted = parent[order]
    code_sorted = ccode[order]
    first_row = np.r_[True, code_sorted[1:] != code_sorted[:-1]] if n else np.zeros(0, bool)
    start_of_row = np.maximum.accumulate(np.where(first_row, np.arange(n), 0)) if n else np.zeros(0, np.int64)
    has_parent = parent_sorted >= 0
    parent_node = np.where(has_parent, inverse[np.maximum(parent_sorted, 0)] - start_of_row, -1).astype(np.int32)
    take = pa.array(order)
    times_sorted = t[order]
    jobs = {
        "cascade_id": (names, pa.array(code_sorted)),
        "post_id": (post_id, take),
        "parent_id": (post_id, pa.array(np.maximum(parent_sorted, 0), mask=~has_parent)),
        "user_id": (cols["user_id"], take),
    }
    with ThreadPoolExecutor(2) as pool:
        taken = dict(zip(jobs, pool.map(lambda job: _str(job[0].take(job[1])), jobs.values()), strict=True))
    posts = pd.DataFrame(
        {
            "dataset": _str(pa.repeat(pa.scalar(dataset, pa.string()), n)),
            "cascade_id": taken["cascade_id"],
            "post_id": taken["post_id"],
            "parent_id": taken["parent_id"],
            "parent_node": parent_node,
            "user_id": taken["user_id"],
            "created_at": pd.DatetimeIndex(times_sorted.view("datetime64[ns]")).tz_localize("UTC"),
            "is_root": is_root[order],
            "kind": _str(pc.if_else(pa.array(is_root[order]), "source", "unknown")),
            "is_orphan": orphan[order],
        }
    )
    report.fact("posts", n)
    report.fact("cascades", len(names))
    starts = np.flatnonzero(first_row)
    cascades = _cascades(posts, dataset, starts, times_sorted)
    return posts, cascades


def _cascade_codes(cascade: pa.Array) -> tuple[np.ndarray, pa.Array]:
    """(each row's cascade as its rank among the sorted cascade ids, the sorted ids)."""
    enc = pc.dictionary_encode(cascade)
    by_name = pc.array_sort_indices(enc.dictionary).to_numpy(zero_copy_only=False)
    rank = np.empty(len(by_name), np.int64)
    rank[by_name] = np.arange(len(by_name))
    return rank[enc.indices.to_numpy(zero_copy_only=False)], enc.dictionary.take(pa.array(by_name))


def _fail_post(rows: Rows, post_id: pa.Array, i: int, problem: str):
    raise DataError(rows.path, problem, record=f"{rows.name(i)} ({post_id[i].as_py()})")


def _first_null(arr: pa.Array) -> int:
    return int(np.flatnonzero(np.asarray(arr.is_null().to_numpy(zero_copy_only=False)))[0])


def _canonical_order(ccode: np.ndarray, is_root: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Rows by cascade, root first, then time, then the order read (both sorts are stable).

    Files usually come in time order; then one stable sort by cascade is enough.
    """
    key = ccode * 2 + ~is_root
    if np.all(t[1:] >= t[:-1]):
        return np.argsort(key, kind="stable")
    table = pa.table({"c": key, "t": t})
    return pc.sort_indices(table, sort_keys=[("c", "ascending"), ("t", "ascending")]).to_numpy(zero_copy_only=False)


def _str(arr) -> pd.arrays.ArrowStringArray:
    return pd.array(arr, dtype=STR)


def _cascades(posts: pd.DataFrame, dataset: str, starts: np.ndarray, times_sorted: np.ndarray) -> pd.DataFrame:
    """The cascades table (as ``trees.cascade_table`` makes it, without the optional columns)."""
    k = len(starts)
    last = np.maximum.reduceat(times_sorted, starts) if k else np.zeros(0, np.int64)
    take = pa.array(starts)

    def pick(col):
        return _str(pa.array(posts[col].array).take(take))

    def utc(values):
        return pd.DatetimeIndex(values.view("datetime64[ns]")).tz_localize("UTC")

    return pd.DataFrame(
        {
            "dataset": _str(pa.repeat(pa.scalar(dataset, pa.string()), k)),
            "cascade_id": pick("cascade_id"),
            "root_post_id": pick("post_id"),
            "author_id": pick("user_id"),
            "created_at": utc(times_sorted[starts]),
            "label": _str(pa.nulls(k, pa.string())),
            "reported_reposts": pd.array([None] * k, dtype="Int64"),
            "reported_comments": pd.array([None] * k, dtype="Int64"),
            "author_followers": pd.array([None] * k, dtype="Int64"),
            "author_verified": pd.array([None] * k, dtype="boolean"),
            "observed_until": utc(last),
        }
    )
