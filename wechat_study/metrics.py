"""Cascade metrics: one row per cascade, computed by compiled per-cascade kernels.

Conventions (docs/methods.md#2-cascades-and-their-metrics):
- a node is a post; the root is the source post. ``size`` counts nodes, root included;
  ``reposts`` = size - 1 (every non-root record, whatever its ``kind``).
- ``depth``: the greatest number of hops from the root (a star has depth 1).
- ``max_breadth``: the greatest number of nodes at any one depth (the root's level counts).
- ``structural_virality``: the mean distance over all pairs of nodes of the undirected tree,
  2·W/(n(n-1)) with W the Wiener index, computed as W = Σ s_v(n - s_v) over non-root nodes
  (s_v: nodes in v's subtree), summed in row order. NaN for a single-node cascade.
- times are seconds from the root's ``created_at``. ``time_to_<N>_s``: to the N-th repost in
  time order (NaN when the cascade never has N reposts with a known time: right-censored).
  ``time_to_depth_<d>_s``: to the earliest known time at depth d. ``lifetime_s``: to the last
  post with a known time. Any of them is NaN when the root's time is unknown.
- ``n_orphans``: posts whose parent is missing from the data and which hang off the root.

How it runs (docs/methods.md#14-performance-conventions): a canonical table (each cascade's
rows contiguous, root first, ``parent_node`` pointers, as ``prepare`` writes it) is read in
place, without copies; any other table is regrouped by cascade and its parents found by id
first. ``wechat_study.kernels`` then makes one pass per cascade, in threads over blocks of
whole cascades. The numpy implementation in ``wechat_study.metrics_reference`` is the
reference it is tested against.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd

from .metrics_reference import (
    NAT,
    Forest,
    cascade_metrics_reference,
    node_depths,
    pointers_by_id,
    subtree_sizes,
)

__all__ = ["NAT", "Forest", "cascade_metrics", "cascade_metrics_reference", "node_depths", "subtree_sizes"]

THREADED_FROM = 200_000  # fewer nodes than this: one thread


def cascade_metrics(posts: pd.DataFrame, thresholds=(500,), depths=(), threads: int | None = None) -> pd.DataFrame:
    """One row per cascade: size, reposts, depth, max_breadth, structural_virality, times.

    Parameters
    ----------
    posts : pandas.DataFrame
        A canonical posts table (see ``wechat_study.schema``); any other row order works too, only slower.
    thresholds : tuple of int
        Repost counts N for the columns ``time_to_<N>_s`` (inclusive: the time of the N-th repost).
    depths : tuple of int
        Depths d for the columns ``time_to_depth_<d>_s``.
    threads : int, optional
        Threads running blocks of whole cascades (default: one per core); the result does not depend on it.

    Returns
    -------
    pandas.DataFrame
        One row per cascade, in the order the cascades first appear in ``posts``: ``cascade_id``,
        ``size`` (nodes, the source included), ``reposts`` (size - 1), ``depth`` (hops), ``max_breadth``,
        ``structural_virality`` (mean distance between pairs of nodes), ``lifetime_s``, ``n_orphans`` and the
        times asked for, in seconds after the source post (NaN when not reached).

    Raises
    ------
    ValueError
        When a repost threshold is below 1 or a depth below 0, or when some posts' parents never lead back to
        their cascade's root (a cycle).

    Examples
    --------
    >>> import wechat_study as ws
    >>> m = ws.cascade_metrics(ws.synthetic_posts(1_000, seed=0), thresholds=(10,))
    >>> m.iloc[0][["cascade_id", "size", "reposts", "depth"]].to_dict()
    {'cascade_id': 'c0', 'size': 19, 'reposts': 18, 'depth': 4}
    >>> print(f"{m.loc[0, 'time_to_10_s'] / 3600:.1f} hours")
    6.6 hours
    """
    thresholds = _whole_numbers(thresholds, 1, "a repost threshold must be at least 1")
    depths = _whole_numbers(depths, 0, "a depth must be at least 0")
    threads = threads or os.cpu_count() or 1
    layout = _canonical(posts)
    if layout is not None:
        out = _run(*layout, True, thresholds, depths, threads)
        if out is not None:
            return _frame(posts["cascade_id"], layout[1][:-1], *out, thresholds, depths)
    parent, starts, order = (
        pointers_by_id(posts) if len(posts) else (np.zeros(0, np.int64), np.zeros(1, np.int64), None)
    )
    times = _nanoseconds(posts["created_at"])
    orphan = _orphans(posts)
    if order is not None:
        times, orphan = times[order], orphan[order]
    out = _run(parent, starts, times, orphan, False, thresholds, depths, threads)
    if out is None:
        raise ValueError("some posts' parents never lead back to their cascade's root (a cycle)")
    first_rows = starts[:-1] if order is None else order[starts[:-1]]
    return _frame(posts["cascade_id"], first_rows, *out, thresholds, depths)


def _whole_numbers(values, least: int, message: str) -> np.ndarray:
    out = np.asarray([int(v) for v in values], np.int64)
    if (out < least).any():
        raise ValueError(message)
    return out


def _nanoseconds(created: pd.Series) -> np.ndarray:
    """int64 ns since the epoch (NAT when unknown), a view of the column when it is already ns."""
    arr = created.array
    if isinstance(arr, pd.arrays.DatetimeArray) and arr.unit == "ns":
        return arr._ndarray.view(np.int64)
    return created.to_numpy("datetime64[ns]").view(np.int64)


def _orphans(posts: pd.DataFrame) -> np.ndarray:
    return posts["is_orphan"].to_numpy(bool) if "is_orphan" in posts else np.zeros(len(posts), bool)


def _canonical(posts: pd.DataFrame):
    """(parent_node, starts, times, orphan) read in place when rows are in the canonical layout, else None."""
    if "parent_node" not in posts or not len(posts):
        return None
    is_root = posts["is_root"].to_numpy(bool)
    roots = np.flatnonzero(is_root)
    if not len(roots) or roots[0] != 0 or not _runs_match(posts["cascade_id"], roots):
        return None
    parent = posts["parent_node"].to_numpy()
    if parent.dtype.kind not in "iu":
        return None
    return parent, np.r_[roots, len(posts)], _nanoseconds(posts["created_at"]), _orphans(posts)


def _runs_match(cascade_id: pd.Series, roots: np.ndarray) -> bool:
    """Whether ``cascade_id`` changes exactly at the rows ``roots`` (each cascade contiguous, root first)."""
    import pyarrow as pa

    from .kernels import runs_match

    arr = cascade_id.array
    chunks = arr._pa_array.chunks if hasattr(arr, "_pa_array") else None
    if chunks is None or any(c.null_count or c.type not in (pa.string(), pa.large_string()) for c in chunks):
        values = cascade_id.to_numpy(object)
        change = np.zeros(len(values), bool)
        change[roots] = True
        return bool(np.array_equal(values[1:] != values[:-1], change[1:]))
    first, previous = 0, None
    for chunk in chunks:
        m = len(chunk)
        if not m:
            continue
        starts_here = np.searchsorted(roots, first) < len(roots) and roots[np.searchsorted(roots, first)] == first
        if previous is not None and (chunk[0].as_py() != previous) != starts_here:
            return False
        inner = roots[np.searchsorted(roots, first + 1) : np.searchsorted(roots, first + m)] - first
        _, offsets, data = chunk.buffers()
        width = np.int64 if chunk.type == pa.large_string() else np.int32
        offs = np.frombuffer(offsets, width)[chunk.offset : chunk.offset + m + 1]
        raw = np.frombuffer(data, np.uint8) if data is not None else np.zeros(1, np.uint8)
        if not runs_match(offs, raw, np.r_[0, inner, m]):
            return False
        first += m
        previous = chunk[m - 1].as_py()
    return True


def _run(parent, starts, times, orphan, local, thresholds, depths, threads):
    """(sizes, ints, floats) from the kernels, or None when a cascade does not fit the layout."""
    from .kernels import metrics_block

    c = len(starts) - 1
    ints = np.zeros((3, c), np.int64)
    floats = np.full((2 + len(thresholds) + len(depths), c), np.nan)
    n = len(parent)
    k = 1 if n < THREADED_FROM else max(1, min(threads, c))
    bounds = np.unique(np.r_[0, np.searchsorted(starts, np.linspace(0, n, k + 1)[1:-1]), c]) if c else np.r_[0, 0]

    def block(lo_hi):
        return metrics_block(parent, starts, times, orphan, lo_hi[0], lo_hi[1], local, thresholds, depths, ints, floats)

    pairs = list(itertools.pairwise(bounds))
    if len(pairs) == 1:
        statuses = [block(pairs[0])]
    else:
        with ThreadPoolExecutor(len(pairs)) as pool:
            statuses = list(pool.map(block, pairs))
    if any(s != 0 for s, _ in statuses):
        return None
    return np.diff(starts), ints, floats


def _take(values: pd.Series, rows) -> pd.api.extensions.ExtensionArray | np.ndarray:
    """``values`` at ``rows``: arrow-backed strings stay arrow (no Python objects), else an object array."""
    if isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow":
        return values.array.take(rows)
    return values.iloc[rows].to_numpy()


def _frame(cascade_id: pd.Series, first_rows, size, ints, floats, thresholds, depths) -> pd.DataFrame:
    out = {
        "cascade_id": _take(cascade_id, first_rows),
        "size": size,
        "reposts": size - 1,
        "depth": ints[0].astype(np.int32),
        "max_breadth": ints[1],
        "structural_virality": floats[0],
        "lifetime_s": floats[1],
        "n_orphans": ints[2],
    }
    for i, n_reposts in enumerate(thresholds):
        out[f"time_to_{int(n_reposts)}_s"] = floats[2 + i]
    for i, d in enumerate(depths):
        out[f"time_to_depth_{int(d)}_s"] = floats[2 + len(thresholds) + i]
    return pd.DataFrame(out)
