"""Repost graphs, user graphs and the cascade drawing."""

from __future__ import annotations

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import wechat_study as ws
from wechat_study.charts import cascade_tree, tree_layout


def test_repost_graph_on_real_data(corpora):
    posts = corpora["ced"].posts
    cid = "6tsQ7d"
    g = ws.repost_graph(posts, cid)
    rows = posts.loc[posts["cascade_id"] == cid].set_index("post_id")
    assert nx.is_arborescence(g) and g.graph["root"] == cid
    assert g.number_of_nodes() == len(rows)
    depths = nx.single_source_shortest_path_length(g, cid)
    assert all(g.nodes[v]["depth"] == d for v, d in depths.items())
    for a, b, data in g.edges(data=True):
        assert rows.at[b, "parent_id"] == a
        assert data["delay_s"] == (rows.at[b, "created_at"] - rows.at[a, "created_at"]).total_seconds()
    v = next(iter(g.successors(cid)))
    assert g.nodes[v]["user_id"] == rows.at[v, "user_id"] and g.nodes[v]["is_orphan"] is False
    with pytest.raises(KeyError, match="no posts in cascade 'nope'"):
        ws.repost_graph(posts, "nope")


def test_repost_graph_keeps_unknown_times_and_orphans(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("cascade_id,post_id,parent_id,user_id,created_at\n"
                    "c,a,,u1,2020-01-01 00:00\nc,b,a,u2,\nc,d,gone,u3,2020-01-01 00:02\n")
    g = ws.repost_graph(ws.load_edgelist(path).posts, "c")
    assert g.nodes["b"]["created_at"] is None and np.isnan(g.edges["a", "b"]["delay_s"])
    assert g.nodes["d"]["is_orphan"] and g.edges["a", "d"]["delay_s"] == 120.0


def test_user_graph_weights_who_reposted_whom(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("cascade_id,post_id,parent_id,user_id,created_at\n"
                    "c1,a,,alice,2020-01-01 00:00\nc1,b,a,bob,2020-01-01 00:01\nc1,d,b,alice,2020-01-01 00:02\n"
                    "c2,e,,alice,2020-01-02 00:00\nc2,f,e,bob,2020-01-02 00:01\nc2,g,e,,2020-01-02 00:02\n")
    posts = ws.load_edgelist(path).posts
    ids = posts.drop_duplicates("post_id").set_index("post_id")["user_id"]
    alice, bob = ids["a"], ids["b"]
    g = ws.user_graph(posts)
    assert g.edges[alice, bob]["weight"] == 2 and g.edges[bob, alice]["weight"] == 1
    assert g.number_of_edges() == 2 and g.nodes[alice]["posts"] == 3
    one = ws.user_graph(posts, "c2")
    assert list(one.edges(data="weight")) == [(alice, bob, 1)]


def test_cascade_tree_chart(corpora):
    posts = corpora["ced"].posts
    chart = cascade_tree(posts, "6tsQ7d")
    spec = chart.to_dict()
    assert len(spec["layer"]) == 2
    text = json.dumps(spec, ensure_ascii=False)
    users = set(posts.loc[posts["cascade_id"] == "6tsQ7d", "user_id"])
    assert not any(u in text for u in users)
    layout = tree_layout(ws.repost_graph(posts, "6tsQ7d"))
    assert layout["y"].between(0, (layout["x"] >= 0).sum()).all()
    assert layout.loc[layout["post_id"] == "6tsQ7d", "x"].item() == 0


def test_tree_layout_centres_parents_on_their_children():
    posts = pd.DataFrame({"cascade_id": ["c"] * 4, "post_id": ["r", "a", "b", "c1"], "parent_id": [None, "r", "r", "a"],
                          "user_id": [None] * 4, "kind": ["source", "repost", "repost", "repost"],
                          "created_at": pd.to_datetime(["2020-01-01 00:00", "2020-01-01 00:01", "2020-01-01 00:02",
                                                        "2020-01-01 00:03"], utc=True),
                          "is_root": [True, False, False, False], "is_orphan": [False] * 4})
    layout = tree_layout(ws.repost_graph(posts, "c")).set_index("post_id")
    assert layout.loc["c1", "y"] == 0 and layout.loc["b", "y"] == 1
    assert layout.loc["a", "y"] == 0 and layout.loc["r", "y"] == 0.5
