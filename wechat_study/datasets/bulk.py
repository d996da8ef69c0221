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
    """(mask of each id's first record, the distinct ids in order of first appearance)."""
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
    among first records, -1 when absent), from one hash pass over both columns."""
    n = len(post_id)
    enc = pc.dictionary_encode(pa.concat_arrays([post_id, parent_id])).indices
    post_code = enc.slice(0, n).to_numpy(zero_copy_only=False)
    parent_code = pc.fill_null(enc.slice(n), -1).to_numpy(zero_copy_only=False)
    first = _firsts(post_code)
    known = int(post_code.max()) + 1 if n else 0
    return first, np.where(parent_code < known, parent_code, -1).astype(np.int64)


def examples(rows: Rows, post_id: pa.Array, mask: np.ndarray, k: int = 3) -> list[str]:
    return [
        f"{rows.path}: record row {int(rows.numbers[i])} ({post_id[int(i)].as_py()})" for i in np.flatnonzero(mask)[:k]
    ]


def converge(parent: np.ndarray) -> np.ndarray:
    """For each row, the row its parents lead to (itself for a root), by pointer doubling.

    Stops once nothing moves; rows on or above a cycle end wherever the cycle left them.
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
    """Raise a ``DataError`` naming the cycle reached from row ``start``: its first few posts and its length."""
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
    """Each post's cascade without a ``cascade_id`` column: the ``post_id`` of the root its parents lead to."""
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
            f"same post id again in a cascade ({int(dup.any()):,} files); the first record is kept",
            examples(rows, post_id, dup),
        )
    if dup.any():
        keep = pa.array(first)
        cols = {k: v.filter(keep) for k, v in cols.items()}
        post_id, parent_id = cols["post_id"], cols["parent_id"]
        created_at, rows = created_at[first], Rows(rows.path, rows.numbers[first])
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
    raise DataError(rows.path, problem, record=f"row {int(rows.numbers[i])} ({post_id[i].as_py()})")


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
