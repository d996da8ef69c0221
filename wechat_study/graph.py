"""Repost graphs as networkx objects.

- ``repost_graph``: one cascade as a tree, parent → child, one node per post.
- ``user_graph``: who reposted whom, between users, weighted by the number of reposts.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd

from .metrics import NAT, Forest

__all__ = ["repost_graph", "user_graph"]


def _in_forest_order(posts: pd.DataFrame) -> tuple[pd.DataFrame, Forest]:
    forest = Forest.from_posts(posts)
    rows = posts if forest.order is None else posts.iloc[forest.order]
    return rows, forest


def repost_graph(posts: pd.DataFrame, cascade_id: str) -> nx.DiGraph:
    """The cascade ``cascade_id`` as a ``networkx.DiGraph`` with edges parent → child.

    Parameters
    ----------
    posts : pandas.DataFrame
        A canonical posts table.
    cascade_id : str
        The cascade to draw.

    Returns
    -------
    networkx.DiGraph
        Nodes are ``post_id`` values, with attributes ``created_at`` (UTC ``Timestamp``, or None
        when unknown), ``user_id`` (a pseudonym, or None), ``depth`` (hops from the root, root 0),
        ``is_orphan`` and ``kind``. Edges carry ``delay_s``: seconds from the parent's post to the
        child's (NaN when either time is unknown; negative when the child is timed first). Graph
        attributes: ``cascade_id`` and ``root`` (the root's ``post_id``).

    Raises
    ------
    KeyError
        No cascade ``cascade_id`` in ``posts``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> g = ws.repost_graph(ws.synthetic_posts(1_000, seed=0), "c0")
    >>> g.graph["root"], g.number_of_nodes(), g.number_of_edges()
    ('p0', 19, 18)
    """
    selected = posts.loc[(posts["cascade_id"] == cascade_id).to_numpy()]
    if selected.empty:
        raise KeyError(f"no posts in cascade {cascade_id!r}")
    rows, forest = _in_forest_order(selected)
    ids = rows["post_id"].to_numpy(object)
    users = rows["user_id"].to_numpy(object)
    kinds = rows["kind"].to_numpy(object)
    t, parent = forest.times, forest.parent
    created = pd.to_datetime(t.view("datetime64[ns]")).tz_localize("UTC")
    g = nx.DiGraph(cascade_id=cascade_id, root=ids[0])
    g.add_nodes_from(
        (ids[i], {"created_at": None if t[i] == NAT else created[i], "user_id": None if pd.isna(users[i]) else users[i],
                  "depth": int(forest.depth[i]), "is_orphan": bool(forest.is_orphan[i]), "kind": kinds[i]})
        for i in range(len(ids))
    )
    child = np.flatnonzero(parent >= 0)
    p = parent[child]
    known = (t[child] != NAT) & (t[p] != NAT)
    delay = np.where(known, (t[child] - np.where(known, t[p], 0)) / 1e9, np.nan)
    g.add_edges_from((ids[a], ids[b], {"delay_s": float(d)}) for a, b, d in zip(p, child, delay, strict=True))
    return g


def user_graph(posts: pd.DataFrame, cascade_id: str | None = None) -> nx.DiGraph:
    """Who reposted whom: an edge u → v with ``weight`` = how many times v reposted a post of u's.

    Parameters
    ----------
    posts : pandas.DataFrame
        A canonical posts table.
    cascade_id : str, optional
        One cascade; by default the whole table.

    Returns
    -------
    networkx.DiGraph
        Nodes are user pseudonyms, with attribute ``posts`` (the user's posts in the selection).
        Reposts whose user, or whose parent's user, is unknown are left out; a user reposting their
        own post gives a self-loop.

    Examples
    --------
    >>> import wechat_study as ws
    >>> u = ws.user_graph(ws.synthetic_posts(1_000, seed=0))
    >>> u.number_of_nodes(), u.number_of_edges()
    (78, 261)
    """
    if cascade_id is not None:
        posts = posts.loc[(posts["cascade_id"] == cascade_id).to_numpy()]
    rows, forest = _in_forest_order(posts)
    users = rows["user_id"].to_numpy(object)
    child = np.flatnonzero(forest.parent >= 0)
    pairs = pd.DataFrame({"source": users[forest.parent[child]], "target": users[child]}).dropna()
    weights = pairs.groupby(["source", "target"], sort=True).size()
    g = nx.DiGraph()
    counts = pd.Series(users).dropna().value_counts().sort_index()
    g.add_nodes_from((u, {"posts": int(n)}) for u, n in counts.items())
    g.add_weighted_edges_from((a, b, int(w)) for (a, b), w in weights.items())
    return g
