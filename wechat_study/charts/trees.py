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
    """
    g = repost_graph(posts, cascade_id)
    nodes = tree_layout(g).set_index("post_id")
    root_t = g.nodes[g.graph["root"]]["created_at"]
    nodes["hours"] = [None if g.nodes[v]["created_at"] is None or root_t is None
                      else round((g.nodes[v]["created_at"] - root_t).total_seconds() / 3600, 2) for v in nodes.index]
    nodes["kind"] = [g.nodes[v]["kind"] for v in nodes.index]
    edges = pd.DataFrame([(nodes.at[a, "x"], nodes.at[a, "y"], nodes.at[b, "x"], nodes.at[b, "y"]) for a, b in g.edges],
                         columns=["x", "y", "x2", "y2"])
    depth = int(nodes["x"].max())
    x = alt.X("x:Q", title="depth (hops from the source)", scale=alt.Scale(domain=[0, max(depth, 1)]),
              axis=alt.Axis(tickMinStep=1))
    y = alt.Y("y:Q", axis=None)
    links = alt.Chart(edges).mark_rule(color="#c8c8c8", strokeWidth=0.6).encode(x=x, y=y, x2="x2:Q", y2="y2:Q")
    dots = alt.Chart(nodes.reset_index(drop=True)).mark_circle(size=22, opacity=0.9).encode(
        x=x, y=y,
        color=alt.Color("hours:Q", title="hours after the source", scale=alt.Scale(type="symlog", scheme="viridis")),
        tooltip=[alt.Tooltip("x:Q", title="depth"), alt.Tooltip("hours:Q", title="hours after the source"),
                 alt.Tooltip("kind:N", title="kind")],
    )
    title = f"An example cascade: {g.number_of_nodes():,} posts, {depth} hops deep at most"
    return alt.layer(links, dots).properties(title=title, height=height)
