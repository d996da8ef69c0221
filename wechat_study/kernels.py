"""Compiled per-cascade kernels (numba) behind ``cascade_metrics``.

One pass per cascade over the canonical forest (docs/methods.md#2-cascades-and-their-metrics):
rows of a cascade are contiguous, the root first; ``parent`` holds each row's parent as a
position within its cascade (``local``) or as a global row number. Scratch memory is a few
int32 arrays the size of the largest cascade of a block, allocated once per block; blocks of
whole cascades run in threads (the kernels release the GIL). Results equal the numpy
reference in ``wechat_study.metrics_reference`` (tests/test_kernels.py).

The compiled code is cached on disk (``cache=True``): next to this module when that folder is
writable, else under ``data/cache/numba`` (``NUMBA_CACHE_DIR``), so a second process loads it
instead of compiling (docs/methods.md#14-performance-conventions).
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["NAT", "BAD_LAYOUT", "CYCLE", "EXACT_WIENER_BELOW", "metrics_block", "runs_match"]

_HERE = Path(__file__).resolve().parent


def _cache_dir() -> None:
    """Point numba's cache at ``data/cache/numba`` when the package folder is read-only."""
    if os.environ.get("NUMBA_CACHE_DIR") or os.access(_HERE / "__pycache__", os.W_OK) or (
            not (_HERE / "__pycache__").exists() and os.access(_HERE, os.W_OK)):
        return
    from .paths import data_dir

    folder = data_dir() / "cache" / "numba"
    folder.mkdir(parents=True, exist_ok=True)
    os.environ["NUMBA_CACHE_DIR"] = str(folder)


_cache_dir()

import numpy as np  # noqa: E402 (after NUMBA_CACHE_DIR is set)
from numba import njit  # noqa: E402

NAT = np.iinfo(np.int64).min
BAD_LAYOUT = -1  # a cascade's pointers do not fit the canonical layout
CYCLE = -2  # some rows of a cascade never reach its root

# column rows of the integer output
DEPTH, BREADTH, ORPHANS = 0, 1, 2
# column rows of the float output (then thresholds, then depths)
VIRALITY, LIFETIME = 0, 1


@njit(nogil=True, cache=True)
def _seconds(t, t_root):
    if t == NAT or t_root == NAT:
        return np.nan
    return (t - t_root) / 1e9


@njit(nogil=True, cache=True)
def _cascade(parent, times, orphan, shift, thresholds, depths, depth, size, level, ints, floats, c):
    """Metrics of one cascade (its rows of ``parent``, ``times``, ``orphan``); results go to column ``c``.

    Two passes when every parent comes before its child (the usual case): forward for depths,
    levels and times, backward for subtree sizes and the Wiener index.
    """
    n = len(parent)
    if parent[0] != -1:
        return BAD_LAYOUT
    t_root = times[0]
    last = t_root
    n_orphans = 1 if orphan[0] else 0
    known = 0
    in_time_order = True  # known repost times non-decreasing, and all before any unknown one
    prev = NAT
    seen_unknown = False
    ordered = True
    max_depth = 0
    depth[0] = 0
    level[0] = 1
    size[0] = 1
    for j in range(1, n):
        p = parent[j] - shift
        if p < 0 or p >= j:
            if p < 0 or p >= n:
                return BAD_LAYOUT
            ordered = False
            p = 0
        d = depth[p] + 1
        depth[j] = d
        if d > max_depth:
            max_depth = d
            level[d] = 0
        level[d] += 1
        size[j] = 1
        t = times[j]
        if t != NAT:
            known += 1
            if t < prev or seen_unknown:
                in_time_order = False
            prev = t
            if t > last or last == NAT:
                last = t
        else:
            seen_unknown = True
        if orphan[j]:
            n_orphans += 1
    if not ordered:
        status = _unordered(parent, n, shift, depth, size, level)
        if status != 0:
            return status
        max_depth = 0
        for j in range(n):
            max_depth = max(max_depth, depth[j])
        for j in range(n):
            size[j] = 1
    breadth = 0
    for d in range(max_depth + 1):
        breadth = max(breadth, level[d])
    if ordered and n < EXACT_WIENER_BELOW:
        w = 0  # sizes and the Wiener index in one backward pass: size[j] is whole once j is reached
        for j in range(n - 1, 0, -1):
            s = size[j]
            w += np.int64(s) * (n - s)
            size[parent[j] - shift] += s
        wiener = float(w)
    else:
        if ordered:
            for j in range(n - 1, 0, -1):
                size[parent[j] - shift] += size[j]
        else:
            _sizes_by_level(parent, n, shift, depth, size, level, max_depth)
        wiener = _wiener(size, n)
    nf = float(n)
    floats[VIRALITY, c] = 2.0 * wiener / (nf * (nf - 1.0)) if n > 1 else np.nan
    floats[LIFETIME, c] = _seconds(last, t_root)
    ints[DEPTH, c] = max_depth
    ints[BREADTH, c] = breadth
    ints[ORPHANS, c] = n_orphans
    if len(thresholds):
        _time_to_nth(times, n, t_root, thresholds, known, in_time_order, floats, c)
    if len(depths):
        _time_to_depth(times, n, t_root, depths, depth, max_depth, floats, c, 2 + len(thresholds))
    return 0


@njit(nogil=True, cache=True)
def _unordered(parent, n, shift, depth, stack, level):
    """Depths and level counts when some parent comes after its child; ``CYCLE`` if a row never reaches the root."""
    for j in range(n):
        depth[j] = -1
    depth[0] = 0
    for j in range(1, n):
        top = 0
        v = j
        while depth[v] < 0:
            if top >= n:
                return CYCLE
            stack[top] = v
            top += 1
            v = parent[v] - shift
        d = depth[v]
        while top > 0:
            top -= 1
            d += 1
            depth[stack[top]] = d
    for j in range(n):
        level[j] = 0
    for j in range(n):
        level[depth[j]] += 1
    return 0


@njit(nogil=True, cache=True)
def _sizes_by_level(parent, n, shift, depth, size, level, max_depth):
    """Subtree sizes, deepest level first, for a cascade not in parent-first order."""
    order = np.empty(n, np.int32)
    at = np.empty(max_depth + 2, np.int64)
    at[0] = 0
    for d in range(max_depth + 1):
        at[d + 1] = at[d] + level[d]
    for j in range(n):
        order[at[depth[j]]] = j
        at[depth[j]] += 1
    for k in range(n - 1, 0, -1):
        j = order[k]
        size[parent[j] - shift] += size[j]


EXACT_WIENER_BELOW = 3_000_000  # W <= n**3/4 fits int64 below this size


@njit(nogil=True, cache=True)
def _wiener(size, n):
    """W = Σ s_v (n - s_v) over non-root nodes, as a float: summed exactly in int64 (then rounded once)
    for cascades under 3M nodes, else compensated (Kahan) in float64."""
    if n < EXACT_WIENER_BELOW:
        w = 0
        for j in range(1, n):
            w += np.int64(size[j]) * (n - size[j])
        return float(w)
    total, carry = 0.0, 0.0
    for j in range(1, n):
        term = float(size[j]) * float(n - size[j]) - carry
        t = total + term
        carry = (t - total) - term
        total = t
    return total


@njit(nogil=True, cache=True)
def _time_to_nth(times, n, t_root, thresholds, known, in_time_order, floats, c):
    """Seconds to the N-th repost in time order (unknown times not counted); NaN when never reached.

    In the canonical layout the reposts are in time order, unknown times last: the N-th is row N.
    """
    for i in range(len(thresholds)):
        floats[2 + i, c] = np.nan
        if in_time_order and thresholds[i] <= known:
            floats[2 + i, c] = _seconds(times[thresholds[i]], t_root)
    if in_time_order:
        return
    timed = np.empty(known, np.int64)
    k = 0
    for j in range(1, n):
        if times[j] != NAT:
            timed[k] = times[j]
            k += 1
    timed.sort()
    for i in range(len(thresholds)):
        if thresholds[i] <= known:
            floats[2 + i, c] = _seconds(timed[thresholds[i] - 1], t_root)


@njit(nogil=True, cache=True)
def _time_to_depth(times, n, t_root, depths, depth, max_depth, floats, c, row0):
    """Seconds to the earliest known time at each depth d; NaN when depth d is never reached or never timed."""
    for i in range(len(depths)):
        d = depths[i]
        first = NAT
        if d <= max_depth:
            for j in range(n):
                t = times[j]
                if depth[j] == d and t != NAT and (first == NAT or t < first):
                    first = t
        floats[row0 + i, c] = _seconds(first, t_root)


@njit(nogil=True, cache=True)
def metrics_block(parent, starts, times, orphan, c0, c1, local, thresholds, depths, ints, floats):
    """Metrics of cascades ``c0..c1-1``; returns 0, or (status, cascade) of the first that failed."""
    biggest = 1
    for c in range(c0, c1):
        biggest = max(biggest, starts[c + 1] - starts[c])
    depth = np.empty(biggest, np.int32)
    size = np.empty(biggest, np.int32)
    level = np.empty(biggest + 1, np.int32)
    for c in range(c0, c1):
        lo, hi = starts[c], starts[c + 1]
        status = _cascade(parent[lo:hi], times[lo:hi], orphan[lo:hi], 0 if local else lo, thresholds, depths, depth,
                          size, level, ints, floats, c)
        if status != 0:
            return status, c
    return 0, -1


@njit(nogil=True, cache=True)
def runs_match(offsets, data, bounds):
    """Whether the strings (arrow ``offsets`` and ``data``) are constant on each run ``bounds[k]..bounds[k+1]-1``
    and change at every inner bound. Inner loops run over slices without branches, so they vectorise."""
    for k in range(len(bounds) - 1):
        i, e = bounds[k], bounds[k + 1]
        a = offsets[i]
        length = offsets[i + 1] - a
        if k > 0 and a - offsets[i - 1] == length and _same_bytes(data[a - length:a], data[a:a + length]):
            return False
        if not _all_lengths(offsets[i + 1:e + 1], offsets[i:e], length):
            return False
        if not _same_bytes(data[a + length:offsets[e]], data[a:offsets[e] - length]):
            return False
    return True


@njit(nogil=True, cache=True)
def _same_bytes(x, y):
    diff = np.uint8(0)
    for k in range(len(x)):
        diff |= x[k] ^ y[k]
    return diff == 0


@njit(nogil=True, cache=True)
def _all_lengths(ends, begins, length):
    diff = 0
    for k in range(len(ends)):
        diff |= (ends[k] - begins[k]) ^ length
    return diff == 0
