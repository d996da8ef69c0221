"""Turn rows of (cascade, post, parent, user, time) into the canonical posts table.

Every loader ends here, so every source gets the same checks:
- duplicate ``post_id``: the first record is kept, the rest are counted and set aside;
- a missing parent (``parent_id`` absent from the cascade): the post is attached to the root
  and flagged ``is_orphan``;
- a parent cycle: a ``DataError`` naming the file and the record;
- a child timed before its parent: counted, kept as recorded.

Rows come as a dict of equal-length numpy arrays; user ids must already be pseudonyms
(``privacy.pseudonymize``), which the schema checks.
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..errors import DataError
from ..quality import QualityReport

__all__ = [
    "POST_COLUMNS", "NAT", "Rows", "STRING_FIELDS", "ROW_COLUMNS", "str_array", "constant_str",
    "assemble_posts", "cascade_table"
]

POST_COLUMNS = [
    "dataset",
    "cascade_id",
    "post_id",
    "parent_id",
    "parent_node",
    "user_id",
    "created_at",
    "is_root",
    "kind",
    "is_orphan",
]
NAT = np.iinfo(np.int64).min


@dataclass
class Rows:
    """Raw rows, one per record, in the order read.

    ``parent_id`` None means "hangs off the root". ``created_at`` is int64 nanoseconds since
    the epoch, UTC, with ``NAT`` for unknown. ``source`` indexes ``sources`` (the file names)
    and ``record`` says where in that file the row was read.

    The text fields (``STRING_FIELDS``) may be numpy object arrays or arrow arrays; ``user_id`` holds
    pseudonyms (or None), ``kind`` one of ``schema.KINDS``. Every field but ``sources`` has one value per row.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.datasets.trees import NAT, Rows
    >>> rows = Rows(cascade_id=np.array(["c1", "c1"], object), post_id=np.array(["p1", "p2"], object),
    ...             parent_id=np.array([None, "p1"], object), user_id=np.array(["ann", None], object),
    ...             created_at=np.array([1565854320000000000, NAT]), is_root=np.array([True, False]),
    ...             kind=np.array(["source", "repost"], object), source=np.array([0, 0]),
    ...             record=np.array(["line 2", "line 3"], object), sources=["posts.csv"])
    >>> len(rows.post_id), rows.sources[int(rows.source[1])]
    (2, 'posts.csv')
    """

    cascade_id: np.ndarray
    post_id: np.ndarray
    parent_id: np.ndarray
    user_id: np.ndarray
    created_at: np.ndarray
    is_root: np.ndarray
    kind: np.ndarray
    source: np.ndarray
    record: np.ndarray
    sources: list[str]

    def where(self, i: int) -> tuple[str, str]:
        """(file, record) of row ``i``, for messages.

        Parameters
        ----------
        i : int
            The row's position.

        Returns
        -------
        tuple of (str, str)
            The file's name and the record, followed by the row's ``post_id`` in brackets.

        Examples
        --------
        >>> import numpy as np
        >>> from wechat_study.datasets.trees import NAT, Rows
        >>> rows = Rows(cascade_id=np.array(["c1", "c1"], object), post_id=np.array(["p1", "p2"], object),
        ...             parent_id=np.array([None, "p1"], object), user_id=np.array(["ann", None], object),
        ...             created_at=np.array([1565854320000000000, NAT]), is_root=np.array([True, False]),
        ...             kind=np.array(["source", "repost"], object), source=np.array([0, 0]),
        ...             record=np.array(["line 2", "line 3"], object), sources=["posts.csv"])
        >>> rows.where(1)
        ('posts.csv', 'line 3 (p2)')
        """
        return self.sources[int(self.source[i])], f"{self.record[i]} ({_item(self.post_id, i)})"

    def examples(self, mask: np.ndarray, k: int = 3) -> list[str]:
        """Where the first ``k`` rows flagged in ``mask`` were read, as a quality report's examples.

        Parameters
        ----------
        mask : numpy.ndarray
            One boolean per row.
        k : int
            The most examples given.

        Returns
        -------
        list of str
            ``"<file>: record <record> (<post_id>)"`` for each of the first ``k`` flagged rows, in row order.

        Examples
        --------
        >>> import numpy as np
        >>> from wechat_study.datasets.trees import NAT, Rows
        >>> rows = Rows(cascade_id=np.array(["c1", "c1"], object), post_id=np.array(["p1", "p2"], object),
        ...             parent_id=np.array([None, "p1"], object), user_id=np.array(["ann", None], object),
        ...             created_at=np.array([1565854320000000000, NAT]), is_root=np.array([True, False]),
        ...             kind=np.array(["source", "repost"], object), source=np.array([0, 0]),
        ...             record=np.array(["line 2", "line 3"], object), sources=["posts.csv"])
        >>> rows.examples(np.array([True, True]), k=1)
        ['posts.csv: record line 2 (p1)']
        """
        return ["{}: record {}".format(*self.where(i)) for i in np.flatnonzero(mask)[:k]]

    def take(self, keep: np.ndarray) -> Rows:
        """The rows flagged in ``keep``, in order, with the same ``sources``.

        Parameters
        ----------
        keep : numpy.ndarray
            One boolean per row.

        Returns
        -------
        Rows
            A new ``Rows``; this one is not changed.

        Examples
        --------
        >>> import numpy as np
        >>> from wechat_study.datasets.trees import NAT, Rows
        >>> rows = Rows(cascade_id=np.array(["c1", "c1"], object), post_id=np.array(["p1", "p2"], object),
        ...             parent_id=np.array([None, "p1"], object), user_id=np.array(["ann", None], object),
        ...             created_at=np.array([1565854320000000000, NAT]), is_root=np.array([True, False]),
        ...             kind=np.array(["source", "repost"], object), source=np.array([0, 0]),
        ...             record=np.array(["line 2", "line 3"], object), sources=["posts.csv"])
        >>> kept = rows.take(np.array([False, True]))
        >>> kept.post_id.tolist(), kept.record.tolist()
        (['p2'], ['line 3'])
        """
        return Rows(
            **{f: _subset(getattr(self, f), keep) for f in ROW_COLUMNS},
            sources=self.sources,
        )


STRING_FIELDS = ("cascade_id", "post_id", "parent_id", "user_id", "kind")
ROW_COLUMNS = tuple(f.name for f in fields(Rows) if f.name != "sources")  # one value per row


def _item(values, i: int):
    return values[int(i)].as_py() if isinstance(values, pa.Array) else values[i]


def _subset(values, keep: np.ndarray):
    return values.filter(pa.array(keep)) if isinstance(values, pa.Array) else values[keep]


def _arrow(values) -> pa.Array:
    """Text as one Arrow string array (None and NaN become null), as ``str_array`` reads it."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if isinstance(values, pa.Array):
        return values if values.type == pa.string() else values.cast(pa.string())
    return pa.array(values, type=pa.string(), from_pandas=True)


def _pandas_str(values: pa.Array) -> pd.arrays.ArrowStringArray:
    return pd.array(values, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def str_array(values) -> pd.arrays.ArrowStringArray:
    """Object array of str/None → pandas' ``str`` array, without a slow per-element pass.

    Parameters
    ----------
    values : array-like
        Strings and missing values (None or NaN become missing).

    Returns
    -------
    pandas.arrays.ArrowStringArray
        Arrow-backed strings, missing values as NaN.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.datasets.trees import str_array
    >>> a = str_array(np.array(["c1", None], object))
    >>> str(a.dtype), a[0], a.isna().tolist()
    ('str', 'c1', [False, True])
    """
    return pd.array(
        pa.array(values, type=pa.string(), from_pandas=True), dtype=pd.StringDtype("pyarrow", na_value=np.nan)
    )


def constant_str(value: str, n: int) -> pd.arrays.ArrowStringArray:
    """A ``str`` array of ``n`` copies of ``value``.

    Parameters
    ----------
    value : str
        The text repeated.
    n : int
        The array's length.

    Returns
    -------
    pandas.arrays.ArrowStringArray
        Arrow-backed strings.

    Examples
    --------
    >>> from wechat_study.datasets.trees import constant_str
    >>> constant_str("ced", 3).tolist()
    ['ced', 'ced', 'ced']
    """
    return pd.array(pa.repeat(pa.scalar(value, pa.string()), n), dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def assemble_posts(rows: Rows, dataset: str, report: QualityReport) -> pd.DataFrame:
    """Build the canonical posts table from raw rows, recording every quirk in ``report``.

    The table is sorted by cascade, root first, then time (unknown times last), then the
    order read. ``parent_node`` is the parent's position within its cascade (-1 for the root):
    an integer pointer so that metrics need no lookups by id.

    The quirks recorded are ``duplicate_records`` (a ``post_id`` seen before, anywhere in the rows: the later
    records are set aside), ``orphans`` (a named parent not in the cascade: attached to the root, flagged
    ``is_orphan``), ``child_before_parent`` (kept as recorded) and ``missing_times``; the facts ``posts`` and
    ``cascades``.

    Parameters
    ----------
    rows : Rows
        The raw rows, in the order read.
    dataset : str
        The data set's name, written in the ``dataset`` column.
    report : QualityReport
        Where the quirks and facts are recorded.

    Returns
    -------
    pandas.DataFrame
        The columns ``POST_COLUMNS``: text columns as pandas ``str``, ``parent_node`` int32, ``created_at``
        UTC (NaT when unknown).

    Raises
    ------
    DataError
        Naming the file and the record: when a cascade has two roots, when a cascade has no root, or when
        following some post's parents never leads back to its root (a parent cycle).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from wechat_study.datasets.trees import Rows, assemble_posts
    >>> from wechat_study.quality import QualityReport
    >>> times = pd.to_datetime(["2019-08-15 07:32", "2019-08-15 07:40", "2019-08-15 07:35", "2019-08-15 07:41"],
    ...                        utc=True).as_unit("ns").asi8
    >>> users = np.array(["ann", "ben", "cy", "ben"])
    >>> rows = Rows(cascade_id=np.array(["c1"] * 4, object), post_id=np.array(["p1", "p2", "p3", "p2"], object),
    ...             parent_id=np.array([None, "p1", "p9", "p1"], object), user_id=users.astype(object),
    ...             created_at=times, is_root=np.array([True, False, False, False]),
    ...             kind=np.array(["source", "repost", "repost", "repost"], object), source=np.zeros(4, np.int64),
    ...             record=np.array(["line 2", "line 3", "line 4", "line 5"], object), sources=["posts.csv"])
    >>> report = QualityReport("mine")
    >>> posts = assemble_posts(rows, "mine", report)
    >>> posts[["post_id", "parent_node", "is_orphan"]].to_dict("records")
    [{'post_id': 'p1', 'parent_node': -1, 'is_orphan': False}, {'post_id': 'p3', 'parent_node': 0, 'is_orphan': True},
     {'post_id': 'p2', 'parent_node': 0, 'is_orphan': False}]
    >>> report.count("duplicate_records"), report.count("orphans"), report.quirks["duplicate_records"].examples
    (1, 1, ['posts.csv: record line 5 (p2)'])
    """
    rows = Rows(
        **{f: _arrow(getattr(rows, f)) if f in STRING_FIELDS else getattr(rows, f) for f in ROW_COLUMNS},
        sources=rows.sources,
    )
    codes = _codes(pa.concat_arrays([rows.post_id, rows.parent_id]))
    post_code = codes[: len(rows.post_id)]
    dup = pd.Series(post_code).duplicated(keep="first").to_numpy()
    dup_files = len(np.unique(rows.source[dup]))
    report.quirk(
        "duplicate_records",
        int(dup.sum()),
        f"same post id again in a cascade (in {dup_files:,} file{'' if dup_files == 1 else 's'}); "
        "the first record is kept",
        rows.examples(dup),
    )
    parent_code = codes[len(rows.post_id) :]
    if dup.any():
        rows = rows.take(~dup)
        post_code, parent_code = post_code[~dup], parent_code[~dup]
    n = len(rows.post_id)

    is_root = rows.is_root.astype(bool)
    cascade_code, cascade_names = _sorted_codes(rows.cascade_id)
    root_row = np.full(len(cascade_names), -1, np.int64)
    roots = np.flatnonzero(is_root)
    counts = np.bincount(cascade_code[roots], minlength=len(cascade_names))
    if (counts > 1).any():
        c = int(np.flatnonzero(counts > 1)[0])
        i = int(roots[np.flatnonzero(cascade_code[roots] == c)[1]])
        raise DataError(*_file_record(rows, i, f"a second root in cascade {cascade_names[c]!r}"))
    root_row[cascade_code[roots]] = roots
    if (root_row < 0).any():
        c = int(np.flatnonzero(root_row < 0)[0])
        i = int(np.flatnonzero(cascade_code == c)[0])
        raise DataError(*_file_record(rows, i, f"cascade {cascade_names[c]!r} has no root post"))
    root_of = root_row[cascade_code]

    row_of_code = np.full(codes.max() + 1 if len(codes) else 0, -1, np.int64)  # first records only, after dedup
    row_of_code[post_code] = np.arange(n)
    named = (parent_code >= 0) & ~is_root
    parent = np.where(named, row_of_code[np.maximum(parent_code, 0)], -1)
    orphan = named & ((parent < 0) | (cascade_code[np.maximum(parent, 0)] != cascade_code))
    report.quirk(
        "orphans",
        int(orphan.sum()),
        "parent not in the data; attached to the root and flagged is_orphan",
        rows.examples(orphan),
    )
    parent = np.where(is_root, -1, np.where(named & ~orphan, parent, root_of))
    _check_acyclic(rows, parent, is_root)

    t = rows.created_at.astype(np.int64)
    known = t != NAT
    pt = t[np.maximum(parent, 0)]
    early = (parent >= 0) & known & (pt != NAT) & (t < pt)
    report.quirk(
        "child_before_parent",
        int(early.sum()),
        "a post timed before its parent; kept as recorded",
        rows.examples(early),
    )
    report.quirk("missing_times", int((~known).sum()), "no usable time; created_at left null", rows.examples(~known))

    order = np.lexsort((np.where(known, t, np.iinfo(np.int64).max), ~is_root, cascade_code))
    inverse = np.empty(n, np.int64)
    inverse[order] = np.arange(n)
    parent_sorted = parent[order]
    code_sorted = cascade_code[order]
    first_row = np.r_[True, code_sorted[1:] != code_sorted[:-1]]
    start_of_row = np.maximum.accumulate(np.where(first_row, np.arange(n), 0))
    parent_node = np.where(parent_sorted >= 0, inverse[np.maximum(parent_sorted, 0)] - start_of_row, -1)
    take = pa.array(order)
    posts = pd.DataFrame(
        {
            "dataset": constant_str(dataset, n),
            "cascade_id": _pandas_str(rows.cascade_id.take(take)),
            "post_id": _pandas_str(rows.post_id.take(take)),
            "parent_id": _pandas_str(rows.post_id.take(pa.array(np.maximum(parent_sorted, 0), mask=parent_sorted < 0))),
            "parent_node": parent_node.astype(np.int32),
            "user_id": _pandas_str(rows.user_id.take(take)),
            "created_at": pd.to_datetime(np.where(known, t, NAT)[order].view("datetime64[ns]")).tz_localize("UTC"),
            "is_root": is_root[order],
            "kind": _pandas_str(rows.kind.take(take)),
            "is_orphan": orphan[order],
        }
    )
    report.fact("posts", n)
    report.fact("cascades", len(cascade_names))
    return posts


def _codes(values: pa.Array) -> np.ndarray:
    """Integer codes in order of first appearance, -1 for null (as ``pd.factorize``)."""
    encoded = pc.dictionary_encode(values)
    return pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)


def _sorted_codes(values: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """(codes, names) with names sorted (as ``pd.factorize(sort=True)``; nulls are not expected)."""
    encoded = pc.dictionary_encode(values)
    by_name = pc.sort_indices(encoded.dictionary).to_numpy()
    rank = np.empty(len(by_name), np.int64)
    rank[by_name] = np.arange(len(by_name))
    codes = pc.fill_null(encoded.indices, -1).to_numpy().astype(np.int64)
    return np.where(codes >= 0, rank[np.maximum(codes, 0)], -1), encoded.dictionary.take(pa.array(by_name)).to_numpy(
        zero_copy_only=False
    )


def _file_record(rows: Rows, i: int, problem: str) -> tuple[str, str, str]:
    src, rec = rows.where(i)
    return src, problem, rec


def _check_acyclic(rows: Rows, parent: np.ndarray, is_root: np.ndarray) -> None:
    """Raise a ``DataError`` if following parents from some post never reaches a root."""
    n = len(parent)
    if n == 0:
        return
    up = np.where(parent >= 0, parent, np.arange(n))
    for _ in range(int(np.ceil(np.log2(n + 1))) + 1):
        up = up[up]
    stuck = ~is_root[up]
    if not stuck.any():
        return
    i = int(np.flatnonzero(stuck)[0])
    path, seen = [], set()
    while i not in seen:
        seen.add(i)
        path.append(i)
        i = int(parent[i])
    loop = path[path.index(i) :]
    ids = " -> ".join(str(_item(rows.post_id, j)) for j in loop + [i])
    src, rec = rows.where(loop[0])
    raise DataError(src, f"parent cycle: {ids}", record=rec, hint="every post's parents must lead back to the root")


def cascade_table(
    posts: pd.DataFrame,
    dataset: str,
    label=None,
    reported_reposts=None,
    reported_comments=None,
    author_followers=None,
    author_verified=None,
) -> pd.DataFrame:
    """The canonical cascades table for ``posts``, one row per root, sorted by ``cascade_id``.

    The optional columns are mappings (dict or Series) from ``cascade_id``; absent ids are null.

    Parameters
    ----------
    posts : pandas.DataFrame
        A canonical posts table (``assemble_posts`` output).
    dataset : str
        The data set's name, written in the ``dataset`` column.
    label : mapping, optional
        ``cascade_id`` → label (``schema.LABELS``).
    reported_reposts, reported_comments : mapping, optional
        ``cascade_id`` → the platform's own counts for the source post.
    author_followers : mapping, optional
        ``cascade_id`` → the source author's follower count.
    author_verified : mapping, optional
        ``cascade_id`` → whether the source author is verified.

    Returns
    -------
    pandas.DataFrame
        ``dataset, cascade_id, root_post_id, author_id`` (the root's ``user_id``), ``created_at`` (the root's),
        ``label``, ``reported_reposts``, ``reported_comments``, ``author_followers``, ``author_verified`` and
        ``observed_until`` (the cascade's latest known post time).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.datasets.trees import cascade_table
    >>> posts = ws.synthetic_posts(200, seed=0)
    >>> cascades = cascade_table(posts, "synthetic", label={"c0": "rumour"})
    >>> len(cascades) == int(posts["is_root"].sum()), cascades.loc[0, ["cascade_id", "label"]].tolist()
    (True, ['c0', 'rumour'])
    >>> int(cascades["label"].notna().sum()), cascades.loc[0, "observed_until"] >= cascades.loc[0, "created_at"]
    (1, True)
    """
    roots = posts.loc[posts["is_root"].to_numpy()].set_index("cascade_id").sort_index()
    ids = roots.index.to_numpy(object)
    last = posts.groupby("cascade_id", sort=False)["created_at"].max()

    def column(values, dtype):
        if values is None:
            return (
                pd.array([None] * len(ids), dtype=dtype)
                if dtype != "str"
                else str_array(np.full(len(ids), None, object))
            )
        s = pd.Series(values).reindex(ids)
        return pd.array(s.to_numpy(object), dtype=dtype) if dtype != "str" else str_array(s.to_numpy(object))

    return pd.DataFrame(
        {
            "dataset": constant_str(dataset, len(ids)),
            "cascade_id": str_array(ids),
            "root_post_id": str_array(roots["post_id"].to_numpy(object)),
            "author_id": str_array(roots["user_id"].to_numpy(object)),
            "created_at": roots["created_at"].to_numpy(),
            "label": column(label, "str"),
            "reported_reposts": column(reported_reposts, "Int64"),
            "reported_comments": column(reported_comments, "Int64"),
            "author_followers": column(author_followers, "Int64"),
            "author_verified": column(author_verified, "boolean"),
            "observed_until": last.reindex(ids).to_numpy(),
        }
    )
