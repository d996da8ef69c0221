"""The numpy reference implementation of the cascade metrics, and the ``Forest`` layout.

``cascade_metrics_reference`` is what the compiled kernels (``wechat_study.kernels``) are tested
against, column by column; ``Forest`` is the array forest other modules build on.

Conventions (docs/methods.md#2-cascades-and-their-metrics):
- a node is a post; the root is the source post. ``size`` counts nodes, root included;
  ``reposts`` = size - 1 (every non-root record, whatever its ``kind``).
- ``depth``: the greatest number of hops from the root (a star has depth 1).
- ``max_breadth``: the greatest number of nodes at any one depth (the root's level counts).
- ``structural_virality``: the mean distance over all pairs of nodes of the undirected tree,
  2·W/(n(n-1)) with W the Wiener index, computed as W = Σ s_v(n - s_v) over non-root nodes
  (s_v: nodes in v's subtree). NaN for a single-node cascade.
- times are seconds from the root's ``created_at``. ``time_to_<N>_s``: to the N-th repost in
  time order (NaN when the cascade never has N reposts with a known time: right-censored).
  ``time_to_depth_<d>_s``: to the earliest node at depth d. ``lifetime_s``: to the last
  post with a known time.
- ``n_orphans``: posts whose parent is missing from the data and which hang off the root.

Everything is vectorised with numpy over all cascades at once; there is no Python loop over
nodes or cascades. Large tables are cut into a few blocks of whole cascades, computed in
threads of one process. Depth uses pointer jumping; subtree sizes are accumulated bottom-up over
the depths of branching nodes only, after chains of single-child nodes are collapsed, so a
path of any length costs no more passes than a star.
"""

from __future__ import annotations

import itertools
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "NAT", "cascade_metrics_reference", "THREADED_FROM", "Forest", "node_depths", "subtree_sizes",
    "pointers_by_id"
]

NAT = np.iinfo(np.int64).min


def cascade_metrics_reference(
    posts: pd.DataFrame, thresholds=(500,), depths=(), threads: int | None = None
) -> pd.DataFrame:
    """The numpy reference of ``cascade_metrics``: one row per cascade: size, reposts, depth, max_breadth,
    structural_virality, times.

    ``posts`` is a canonical posts table (see ``wechat_study.schema``); any other row order
    works too, only slower. ``thresholds`` are repost counts N for ``time_to_<N>_s``;
    ``depths`` are depths d for ``time_to_depth_<d>_s``. Rows come in the order the cascades
    first appear in ``posts``. Large tables are cut at cascade boundaries and computed in
    ``threads`` threads (default: one per core; numpy releases the GIL), in one process.

    Parameters
    ----------
    posts : pandas.DataFrame
        A posts table: ``cascade_id``, ``post_id``, ``parent_id``, ``is_root``, ``created_at`` (UTC), and
        optionally ``parent_node`` and ``is_orphan``.
    thresholds : iterable of int
        Repost counts N (at least 1) for the columns ``time_to_<N>_s``.
    depths : iterable of int
        Depths d for the columns ``time_to_depth_<d>_s``.
    threads : int, optional
        Threads for a table of ``THREADED_FROM`` rows or more (default: ``os.cpu_count()``).

    Returns
    -------
    pandas.DataFrame
        ``cascade_id, size, reposts, depth, max_breadth, structural_virality, lifetime_s, n_orphans``, then
        ``time_to_<N>_s`` for each N and ``time_to_depth_<d>_s`` for each d; times in seconds after the root,
        NaN where unknown or not reached.

    Raises
    ------
    ValueError
        A threshold below 1, or (rows not in the canonical layout) a post whose parent is not in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import metrics_reference as mr
    >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
    >>> posts = pd.DataFrame({
    ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
    ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
    ...     "created_at": pd.to_datetime(times, utc=True)})
    >>> m = mr.cascade_metrics_reference(posts, thresholds=(2,), depths=(2,))
    >>> m[["cascade_id", "size", "depth", "max_breadth", "structural_virality"]].round(3)
      cascade_id  size  depth  max_breadth  structural_virality
    0         c0     4      2            2                1.667
    1         c1     1      0            1                  NaN
    >>> m[["lifetime_s", "time_to_2_s", "time_to_depth_2_s"]].values.tolist()
    [[3600.0, 1800.0, 3600.0], [0.0, nan, nan]]
    """
    forest = Forest.from_posts(posts, structure=False)
    threads = threads or os.cpu_count() or 1
    if threads == 1 or forest.n < THREADED_FROM:
        return _metrics(forest.build(), thresholds, depths)
    parts = forest.split(threads)
    with ThreadPoolExecutor(len(parts)) as pool:
        frames = list(pool.map(lambda f: _metrics(f.build(), thresholds, depths), parts))
    return pd.concat(frames, ignore_index=True)


THREADED_FROM = 1_000_000


def _metrics(f: Forest, thresholds, depths) -> pd.DataFrame:
    size = f.sizes_per_cascade
    out = {
        "cascade_id": f.cascade_ids,
        "size": size,
        "reposts": size - 1,
        "depth": f.max_depth,
        "max_breadth": f.max_breadth(),
        "structural_virality": f.structural_virality(),
        "lifetime_s": _seconds(_reduce_known(np.maximum, f.times, f.starts, NAT), f.root_times),
        "n_orphans": np.add.reduceat(f.is_orphan.astype(np.int64), f.starts[:-1]) if f.n else size * 0,
    }
    for n_reposts in thresholds:
        out[f"time_to_{int(n_reposts)}_s"] = f.time_to_nth_repost(int(n_reposts))
    for d in depths:
        out[f"time_to_depth_{int(d)}_s"] = f.time_to_depth(int(d))
    return pd.DataFrame(out)


def _seconds(t: np.ndarray, t_root: np.ndarray) -> np.ndarray:
    ok = (t != NAT) & (t_root != NAT)
    return np.where(ok, (t - np.where(ok, t_root, 0)) / 1e9, np.nan)


def _reduce_known(ufunc, t: np.ndarray, starts: np.ndarray, missing: int) -> np.ndarray:
    """Per-cascade reduction of times, ignoring unknown times (NAT)."""
    if len(t) == 0:
        return np.zeros(0, np.int64)
    return ufunc.reduceat(np.where(t == NAT, missing, t), starts[:-1])


class Forest:
    """Cascades as one array forest: rows grouped by cascade, each cascade's root first.

    ``parent``: global row index of each row's parent (-1 for roots). ``starts``: offsets of
    the cascades (length C + 1). ``times``: int64 ns since the epoch, ``NAT`` when unknown.

    Parameters
    ----------
    parent : array-like of int
        Each row's parent row (global index), -1 for a root.
    starts : array-like of int
        Offsets of the cascades' first rows, with the number of rows last (length C + 1).
    times : array-like of int
        Each row's time, ns since the epoch (UTC), ``NAT`` when unknown.
    is_orphan : array-like of bool
        Rows whose parent was missing from the data (attached to the root).
    cascade_ids : numpy.ndarray
        The C cascade ids, in forest order.
    order : numpy.ndarray, optional
        The source table's rows in forest order (None: in the order they were).
    structure : bool
        Compute depths and the per-cascade layout now (``build``).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import metrics_reference as mr
    >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
    >>> posts = pd.DataFrame({
    ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
    ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
    ...     "created_at": pd.to_datetime(times, utc=True)})
    >>> forest = mr.Forest.from_posts(posts)
    >>> forest.parent.tolist(), forest.starts.tolist(), forest.cascade_ids.tolist()
    ([-1, 0, 0, 1, -1], [0, 4, 5], ['c0', 'c1'])
    >>> forest.depth.tolist(), forest.max_depth.tolist(), forest.subtree_sizes.tolist()
    ([0, 1, 1, 2, 0], [2, 0], [4, 2, 1, 1, 1])
    """

    def __init__(self, parent, starts, times, is_orphan, cascade_ids, order=None, structure=True):
        self.parent = np.asarray(parent, np.int64)
        self.starts = np.asarray(starts, np.int64)
        self.times = np.asarray(times, np.int64)
        self.is_orphan = np.asarray(is_orphan, bool)
        self.cascade_ids = cascade_ids
        self.order = order  # rows of the source table in forest order (None: as they were)
        self.n = len(self.parent)
        if structure:
            self.build()

    def build(self) -> Forest:
        """Compute depths and per-cascade layout (done once).

        Sets ``sizes_per_cascade``, ``cascade_of`` (each row's cascade number), ``depth`` (hops from the root),
        ``max_depth`` and ``root_times``; a second call changes nothing.

        Returns
        -------
        Forest
            The forest itself.

        Examples
        --------
        >>> import pandas as pd
        >>> from wechat_study import metrics_reference as mr
        >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
        >>> posts = pd.DataFrame({
        ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
        ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
        ...     "created_at": pd.to_datetime(times, utc=True)})
        >>> forest = mr.Forest.from_posts(posts, structure=False)
        >>> hasattr(forest, "depth"), forest.build() is forest, forest.sizes_per_cascade.tolist()
        (False, True, [4, 1])
        """
        if not hasattr(self, "depth"):
            self.sizes_per_cascade = np.diff(self.starts)
            self.cascade_of = np.repeat(np.arange(len(self.sizes_per_cascade)), self.sizes_per_cascade)
            self.depth = node_depths(self.parent)
            self.max_depth = np.maximum.reduceat(self.depth, self.starts[:-1]) if self.n else np.zeros(0, np.int32)
            self.root_times = self.times[self.starts[:-1]]
            self._levels = None
        return self

    def split(self, k: int) -> list[Forest]:
        """Up to ``k`` forests of about equal rows, cut at cascade boundaries.

        Parameters
        ----------
        k : int
            The most parts wanted.

        Returns
        -------
        list of Forest
            The parts, in order, each with its own row numbering (parents and starts from 0) and not yet built.

        Examples
        --------
        >>> import pandas as pd
        >>> from wechat_study import metrics_reference as mr
        >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
        >>> posts = pd.DataFrame({
        ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
        ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
        ...     "created_at": pd.to_datetime(times, utc=True)})
        >>> forest = mr.Forest.from_posts(posts)
        >>> [part.cascade_ids.tolist() for part in forest.split(2)]
        [['c0'], ['c1']]
        """
        c = len(self.starts) - 1
        cuts = np.unique(np.searchsorted(self.starts, np.linspace(0, self.n, k + 1).astype(np.int64)[1:-1]))
        bounds = np.r_[0, cuts[(cuts > 0) & (cuts < c)], c]
        parts = []
        for a, b in itertools.pairwise(bounds):
            lo, hi = self.starts[a], self.starts[b]
            p = self.parent[lo:hi]
            parts.append(
                Forest(
                    np.where(p >= 0, p - lo, -1),
                    self.starts[a : b + 1] - lo,
                    self.times[lo:hi],
                    self.is_orphan[lo:hi],
                    self.cascade_ids[a:b],
                    structure=False,
                )
            )
        return parts

    @classmethod
    def from_posts(cls, posts: pd.DataFrame, structure: bool = True) -> Forest:
        """Use the table's ``parent_node`` pointers when its layout allows; else rebuild them from ids.

        Parameters
        ----------
        posts : pandas.DataFrame
            A posts table, as for ``cascade_metrics_reference``.
        structure : bool
            Compute depths and the per-cascade layout now (``build``).

        Returns
        -------
        Forest
            The forest; its ``order`` is None when the table's own row order was used.

        Raises
        ------
        ValueError
            A post whose parent is not in the table (``pointers_by_id``).

        Examples
        --------
        >>> import pandas as pd
        >>> from wechat_study import metrics_reference as mr
        >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
        >>> posts = pd.DataFrame({
        ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
        ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
        ...     "created_at": pd.to_datetime(times, utc=True)})
        >>> forest = mr.Forest.from_posts(posts)
        >>> forest.n, forest.order.tolist()       # no parent_node column: regrouped by id
        (5, [0, 1, 2, 3, 4])
        """
        parent, starts, order = _pointers(posts)
        t = posts["created_at"].to_numpy("datetime64[ns]").view(np.int64)
        orphan = posts["is_orphan"].to_numpy(bool) if "is_orphan" in posts else np.zeros(len(posts), bool)
        cid = posts["cascade_id"]
        if order is not None:
            t, orphan, cid = t[order], orphan[order], cid.iloc[order]
        ids = cid.iloc[starts[:-1]].to_numpy() if len(cid) else np.array([], object)
        return cls(parent, starts, t, orphan, ids, order, structure)

    # -- structure -----------------------------------------------------------------------
    @property
    def subtree_sizes(self) -> np.ndarray:
        if not hasattr(self, "_sizes"):
            self._sizes = subtree_sizes(self.parent, self.depth)
        return self._sizes

    def levels(self):
        """(base, key): level (cascade c, depth d) is number base[c] + d; key is each row's level.

        Computed once and kept. ``base`` has C + 1 entries, its last the number of levels.

        Returns
        -------
        base : numpy.ndarray
            The number of each cascade's level 0, then the total.
        key : numpy.ndarray
            Each row's level number.

        Examples
        --------
        >>> import pandas as pd
        >>> from wechat_study import metrics_reference as mr
        >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
        >>> posts = pd.DataFrame({
        ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
        ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
        ...     "created_at": pd.to_datetime(times, utc=True)})
        >>> forest = mr.Forest.from_posts(posts)
        >>> base, key = forest.levels()
        >>> base.tolist(), key.tolist()
        ([0, 3, 4], [0, 1, 1, 2, 3])
        """
        if self._levels is None:
            base = np.zeros(len(self.max_depth) + 1, np.int64)
            np.cumsum(self.max_depth.astype(np.int64) + 1, out=base[1:])
            key = base[self.cascade_of] + self.depth
            self._levels = (base, key)
        return self._levels

    def max_breadth(self) -> np.ndarray:
        """The greatest number of nodes at any one depth of each cascade, the root's level included.

        Returns
        -------
        numpy.ndarray
            One count per cascade (1 for a lone root).

        Examples
        --------
        >>> import pandas as pd
        >>> from wechat_study import metrics_reference as mr
        >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
        >>> posts = pd.DataFrame({
        ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
        ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
        ...     "created_at": pd.to_datetime(times, utc=True)})
        >>> forest = mr.Forest.from_posts(posts)
        >>> forest.max_breadth().tolist()
        [2, 1]
        """
        base, key = self.levels()
        counts = np.bincount(key, minlength=base[-1])
        return np.maximum.reduceat(counts, base[:-1]) if len(counts) else counts

    def structural_virality(self) -> np.ndarray:
        """The mean distance over all pairs of distinct nodes of each cascade's undirected tree.

        2·W/(n(n-1)), with the Wiener index W = Σ s_v(n - s_v) over non-root nodes v (s_v: nodes in v's subtree),
        summed in float64 (docs/methods.md §2).

        Returns
        -------
        numpy.ndarray
            One float per cascade; NaN for a single-node cascade.

        Examples
        --------
        >>> import pandas as pd
        >>> from wechat_study import metrics_reference as mr
        >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
        >>> posts = pd.DataFrame({
        ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
        ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
        ...     "created_at": pd.to_datetime(times, utc=True)})
        >>> forest = mr.Forest.from_posts(posts)
        >>> forest.structural_virality().round(3).tolist()
        [1.667, nan]
        """
        n_c = self.sizes_per_cascade.astype(np.float64)
        s = self.subtree_sizes.astype(np.float64)
        nonroot = self.parent >= 0
        c = self.cascade_of[nonroot]
        w = np.bincount(c, weights=s[nonroot] * (n_c[c] - s[nonroot]), minlength=len(n_c))
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(n_c > 1, 2.0 * w / (n_c * (n_c - 1)), np.nan)

    # -- time ----------------------------------------------------------------------------
    def time_to_nth_repost(self, n_reposts: int) -> np.ndarray:
        """Seconds from the root to the N-th repost in time order; NaN when there is none.

        Only reposts with a known time count; NaN also when the root's time is unknown.

        Parameters
        ----------
        n_reposts : int
            N, at least 1.

        Returns
        -------
        numpy.ndarray
            Seconds per cascade (negative when the N-th repost is timed before its source).

        Raises
        ------
        ValueError
            ``n_reposts`` below 1.

        Examples
        --------
        >>> import pandas as pd
        >>> from wechat_study import metrics_reference as mr
        >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
        >>> posts = pd.DataFrame({
        ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
        ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
        ...     "created_at": pd.to_datetime(times, utc=True)})
        >>> forest = mr.Forest.from_posts(posts)
        >>> forest.time_to_nth_repost(1).tolist(), forest.time_to_nth_repost(3).tolist()
        ([600.0, nan], [3600.0, nan])
        """
        t = self.times
        known = (self.parent >= 0) & (t != NAT)
        n_known = np.bincount(self.cascade_of[known], minlength=len(self.starts) - 1)
        reached = n_known >= n_reposts
        if n_reposts < 1:
            raise ValueError("a repost threshold must be at least 1")
        if not reached.any():
            return np.full(len(n_known), np.nan)
        rt, rc = t[known], self.cascade_of[known]
        if not _sorted_within(rt, rc):  # canonical tables are already in time order
            rt = rt[np.lexsort((rt, rc))]
        first = np.zeros(len(n_known) + 1, np.int64)
        np.cumsum(n_known, out=first[1:])
        nth = np.where(reached, rt[np.where(reached, first[:-1] + n_reposts - 1, 0)], NAT)
        return _seconds(nth, self.root_times)

    def time_to_depth(self, d: int) -> np.ndarray:
        """Seconds from the root to the earliest arrival at depth ``d``; NaN when never reached.

        NaN also when no node at depth ``d`` has a known time, or the root's time is unknown.

        Parameters
        ----------
        d : int
            The depth, in hops from the root.

        Returns
        -------
        numpy.ndarray
            Seconds per cascade.

        Examples
        --------
        >>> import pandas as pd
        >>> from wechat_study import metrics_reference as mr
        >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
        >>> posts = pd.DataFrame({
        ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
        ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
        ...     "created_at": pd.to_datetime(times, utc=True)})
        >>> forest = mr.Forest.from_posts(posts)
        >>> forest.time_to_depth(1).tolist(), forest.time_to_depth(2).tolist()
        ([600.0, nan], [3600.0, nan])
        """
        base, key = self.levels()
        never = np.iinfo(np.int64).max
        first = np.full(base[-1], never, np.int64)
        known = self.times != NAT
        np.minimum.at(first, key[known], self.times[known])
        has = self.max_depth >= d
        at = np.where(has, first[np.where(has, base[:-1] + d, 0)], NAT) if len(first) else np.zeros(0, np.int64)
        return _seconds(np.where(at == never, NAT, at), self.root_times)


def _sorted_within(t: np.ndarray, group: np.ndarray) -> bool:
    if len(t) < 2:
        return True
    same = group[1:] == group[:-1]
    return bool(np.all(~same | (t[1:] >= t[:-1])))


def node_depths(parent: np.ndarray) -> np.ndarray:
    """Hops from each node to its root (pointer jumping: O(n log depth) work, vectorised).

    Parameters
    ----------
    parent : numpy.ndarray
        Each node's parent index, negative for a root; the pointers must not form a cycle.

    Returns
    -------
    numpy.ndarray
        int32 depths, 0 for a root.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.metrics_reference import node_depths
    >>> node_depths(np.array([-1, 0, 0, 1, -1])).tolist()
    [0, 1, 1, 2, 0]
    """
    n = len(parent)
    is_root = parent < 0
    depth = (~is_root).astype(np.int32)
    up = np.where(is_root, np.arange(n), parent)
    active = np.flatnonzero(~is_root[up])
    while len(active):
        nxt = up[active]
        depth[active] += depth[nxt]
        up[active] = up[nxt]
        active = active[~is_root[up[active]]]
    return depth


def subtree_sizes(parent: np.ndarray, depth: np.ndarray) -> np.ndarray:
    """Nodes in each node's subtree, itself included.

    Leaves add 1 to their parent in one pass. Chains of single-child nodes are collapsed
    (pointer jumping down the chain). The other children of branching nodes are summed
    bottom-up, one vectorised pass per distinct depth of a branching node, and a chain node's
    size follows from the branching node or leaf below it. A path of any length therefore
    costs no more passes than a star.

    Parameters
    ----------
    parent : numpy.ndarray
        Each node's parent index, negative for a root.
    depth : numpy.ndarray
        Each node's depth (``node_depths``).

    Returns
    -------
    numpy.ndarray
        int64 subtree sizes (1 for a leaf; a root's is its cascade's size).

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.metrics_reference import node_depths, subtree_sizes
    >>> parent = np.array([-1, 0, 0, 1, -1])
    >>> subtree_sizes(parent, node_depths(parent)).tolist()
    [4, 2, 1, 1, 1]
    """
    n = len(parent)
    child = np.flatnonzero(parent >= 0)
    up = parent[child]
    n_children = np.bincount(up, minlength=n)
    size = np.ones(n, np.int64)
    to_leaf = n_children[child] == 0
    size += np.bincount(up[to_leaf], minlength=n)
    single = n_children == 1
    bottom = np.arange(n)
    in_chain = single[up]
    bottom[up[in_chain]] = child[in_chain]
    active = np.flatnonzero(single[bottom] & single)
    while len(active):
        bottom[active] = bottom[bottom[active]]
        active = active[single[bottom[active]]]
    inner = ~to_leaf & (n_children[up] >= 2)
    edges, heads = child[inner], up[inner]
    if len(edges):
        level = depth[heads]
        order = np.argsort(level.astype(np.uint16) if level.max() < 65535 else level, kind="stable")
        edges, heads, level = edges[order], heads[order], level[order]
        cuts = np.r_[0, np.flatnonzero(level[1:] != level[:-1]) + 1, len(edges)]
        for k in range(len(cuts) - 2, -1, -1):
            e = edges[cuts[k] : cuts[k + 1]]
            b = bottom[e]
            np.add.at(size, heads[cuts[k] : cuts[k + 1]], size[b] + depth[b] - depth[e])
    chain = np.flatnonzero(single)
    b = bottom[chain]
    size[chain] = size[b] + depth[b] - depth[chain]
    return size


def _pointers(posts: pd.DataFrame):
    """(parent, starts, order): global parent row per row, cascade offsets, and the row order used.

    The fast path reads ``parent_node`` (the parent's position within its cascade) when each
    cascade's rows are contiguous and start with its root, as ``prepare`` writes them;
    ``order`` is then None. Otherwise rows are regrouped by cascade and parents are found by id.
    """
    n = len(posts)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(1, np.int64), None
    is_root = posts["is_root"].to_numpy(bool)
    if "parent_node" in posts:
        cid = pa.array(posts["cascade_id"].array)
        change = np.asarray(pc.not_equal(cid[1:], cid[:-1]).to_numpy(zero_copy_only=False), bool)
        starts = np.r_[0, np.flatnonzero(change) + 1, n]
        pn = posts["parent_node"].to_numpy(np.int64)
        run_len = np.diff(starts)
        run_of = np.repeat(np.arange(len(run_len)), run_len)
        if (
            is_root[starts[:-1]].all()
            and is_root.sum() == len(run_len)
            and (pn[is_root] == -1).all()
            and (pn[~is_root] >= 0).all()
            and (pn < run_len[run_of]).all()
        ):
            return np.where(pn < 0, -1, starts[run_of] + pn), starts, None
    return pointers_by_id(posts)


def pointers_by_id(posts: pd.DataFrame):
    """(parent, starts, order) for any row order: rows grouped by cascade (first appearance), root first,
    the rest in the order given; parents found by ``post_id``.

    Parameters
    ----------
    posts : pandas.DataFrame
        ``cascade_id``, ``post_id``, ``parent_id`` (null for a root) and ``is_root``; ``post_id`` values unique.

    Returns
    -------
    parent : numpy.ndarray
        Each row's parent row in the new order, -1 for a root.
    starts : numpy.ndarray
        The cascades' offsets, with the number of rows last.
    order : numpy.ndarray
        The rows of ``posts`` in the new order.

    Raises
    ------
    ValueError
        A post that is not a root names a parent that is not in the table.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import metrics_reference as mr
    >>> times = ["2014-01-01 00:00", "2014-01-01 00:10", "2014-01-01 00:30", "2014-01-01 01:00", "2014-01-02 00:00"]
    >>> posts = pd.DataFrame({
    ...     "cascade_id": ["c0"] * 4 + ["c1"], "post_id": ["p0", "p1", "p2", "p3", "q0"],
    ...     "parent_id": [None, "p0", "p0", "p1", None], "is_root": [True, False, False, False, True],
    ...     "created_at": pd.to_datetime(times, utc=True)})
    >>> parent, starts, order = mr.pointers_by_id(posts.iloc[[4, 3, 0, 1, 2]])
    >>> parent.tolist(), starts.tolist(), order.tolist()
    ([-1, -1, 3, 1, 1], [0, 1, 5], [0, 2, 1, 3, 4])
    """
    n = len(posts)
    is_root = posts["is_root"].to_numpy(bool)
    codes, _ = pd.factorize(posts["cascade_id"], sort=False)
    order = np.lexsort((~is_root, codes))
    codes = codes[order]
    starts = np.r_[0, np.flatnonzero(codes[1:] != codes[:-1]) + 1, n]
    ids = posts["post_id"].to_numpy(object)[order]
    pids = posts["parent_id"].to_numpy(object)[order]
    where = pd.Index(ids).get_indexer(pids)
    parent = np.where(pd.isna(pids), -1, where)
    if (parent[~is_root[order]] < 0).any():
        i = int(np.flatnonzero(parent[~is_root[order]] < 0)[0])
        raise ValueError(
            f"post {ids[~is_root[order]][i]!r} names a parent that is not in the table; "
            "load data with wechat_study.load or load_edgelist, which attach orphans to the root"
        )
    return parent, starts, order
