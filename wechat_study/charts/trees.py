"""A cascade drawn as a tree."""

from __future__ import annotations

import altair as alt
import networkx as nx
import numpy as np
import pandas as pd

from ..graph import repost_graph

__all__ = ["tree_layout", "cascade_tree"]


def tree_layout(g: nx.DiGraph) -> pd.DataFrame:
    """Positions for a tidy tree drawing: ``x`` = depth, ``y`` = leaf order (parents centred on their children).

    Children are ordered by time, so earlier branches are drawn first.

    Parameters
    ----------
    g : networkx.DiGraph
        One cascade, as ``graph.repost_graph`` makes it (node attributes ``created_at`` and ``depth``,
        graph attribute ``root``).

    Returns
    -------
    pandas.DataFrame
        One row per post reachable from the root, in depth-first order: ``post_id``, ``x`` (depth, hops from
        the source) and ``y`` (leaves numbered 0, 1, ... in drawing order; a parent halfway between its
        first and last child).

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.charts.trees import tree_layout
    >>> layout = tree_layout(ws.repost_graph(ws.synthetic_posts(1_000, seed=0), "c0"))
    >>> len(layout), int(layout["x"].max()), float(layout["y"].max())
    (19, 4, 8.0)
    >>> layout.head(3)
      post_id  x    y
    0      p0  0  3.5
    1      p1  1  0.0
    2     p12  2  0.0
    """
    root = g.graph["root"]
    t = {v: (d["created_at"].value if d["created_at"] is not None else np.iinfo(np.int64).max)
         for v, d in g.nodes(data=True)}
    order = list(nx.dfs_preorder_nodes(g, root, sort_neighbors=lambda vs: sorted(vs, key=lambda v: (t[v], v))))
    y: dict = {}
    leaf = 0
    for v in order:
        if g.out_degree(v) == 0:
            y[v] = float(leaf)
            leaf += 1
    for v in reversed(order):
        if v not in y:
            kids = [y[c] for c in g.successors(v)]
            y[v] = (min(kids) + max(kids)) / 2
    return pd.DataFrame({"post_id": order, "x": [g.nodes[v]["depth"] for v in order], "y": [y[v] for v in order]})


def cascade_tree(posts: pd.DataFrame, cascade_id: str, height: int = 420) -> alt.LayerChart:
    """One cascade drawn as a tree: depth across, one row per leaf, posts coloured by hours after the source.

    Tooltips show depth, hours after the source and the kind of post; no user or text is shown.

    Parameters
    ----------
    posts : pandas.DataFrame
        A canonical posts table.
    cascade_id : str
        The cascade to draw.
    height : int
        Chart height in pixels.

    Returns
    -------
    altair.LayerChart
        Grey parent-to-child rules under one dot per post (colour: hours after the source, symlog scale),
        titled with the cascade's size and depth.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study.charts.trees import cascade_tree
    >>> chart = cascade_tree(ws.synthetic_posts(1_000, seed=0), "c0")
    >>> chart.title
    'An example cascade: 19 posts, 4 hops deep at most'
    """
    g = repost_graph(posts, cascade_id)
    nodes = tree_layout(g).set_index("post_id")
    root_t = g.nodes[g.graph["root"]]["created_at"]
    nodes["hours"] = [None if g.nodes[v]["created_at"] is None or root_t is None
                      else round((g.nodes[v]["created_at"] - root_t).total_seconds() / 3600, 2) for v in nodes.index]
    nodes["kind"] = [{"unknown": "not recorded"}.get(g.nodes[v]["kind"], g.nodes[v]["kind"]) for v in nodes.index]
    edges = pd.DataFrame([(nodes.at[a, "x"], nodes.at[a, "y"], nodes.at[b, "x"], nodes.at[b, "y"]) for a, b in g.edges],
                         columns=["x", "y", "x2", "y2"])
    depth = int(nodes["x"].max())
    x = alt.X("x:Q", title="depth (hops from the source)", scale=alt.Scale(domain=[0, max(depth, 1)]),
              axis=alt.Axis(tickMinStep=1))
    y = alt.Y("y:Q", axis=None)
    links = alt.Chart(edges).mark_rule(color="#c8c8c8", strokeWidth=0.6).encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    most = float(nodes["hours"].max()) if nodes["hours"].notna().any() else 0.0
    ticks = [v for v in (0, 10, 100, 1000, 10000) if v <= most] or [0]  # a symlog gradient labels only its ends
    dots = alt.Chart(nodes.reset_index(drop=True)).mark_circle(size=22, opacity=0.9).encode(
        x=x, y=y,
        color=alt.Color("hours:Q", title="hours after the source", scale=alt.Scale(type="symlog", scheme="viridis"),
                        legend=alt.Legend(values=ticks, labelExpr="format(datum.value, ',')", labelOverlap=True)),
        tooltip=[alt.Tooltip("x:Q", title="depth"), alt.Tooltip("hours:Q", title="hours after the source"),
                 *([alt.Tooltip("kind:N", title="post")] if set(nodes["kind"]) != {"not recorded"} else [])],
    )
    title = f"An example cascade: {g.number_of_nodes():,} posts, {depth} hops deep at most"
    return alt.layer(links, dots).properties(title=title, height=height)
