"""cascade_metrics against networkx, the closed forms of docs/methods.md §2, and the edge cases."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import wechat_study as ws
from wechat_study.metrics_reference import node_depths, subtree_sizes
from wechat_study.schema import SCHEMAS

T0 = pd.Timestamp("2013-09-10", tz="UTC")


def table(parents: list[list[int]], shuffle_seed: int | None = None, times=None) -> pd.DataFrame:
    """A posts table (no parent_node) from per-cascade parent lists (index of the parent, -1 for the root)."""
    rows = []
    for c, par in enumerate(parents):
        for i, p in enumerate(par):
            t = T0 + pd.Timedelta(seconds=(times[c][i] if times else i * 60))
            rows.append({"cascade_id": f"c{c}", "post_id": f"c{c}-{i}", "parent_id": None if p < 0 else f"c{c}-{p}",
                         "created_at": t, "is_root": p < 0, "is_orphan": False})
    df = pd.DataFrame(rows)
    if shuffle_seed is not None:
        df = df.sample(frac=1, random_state=shuffle_seed).reset_index(drop=True)
    return df


def nx_expected(par: list[int]) -> dict:
    g = nx.Graph()
    g.add_nodes_from(range(len(par)))
    g.add_edges_from((p, i) for i, p in enumerate(par) if p >= 0)
    root = par.index(-1)
    layers = Counter(nx.single_source_shortest_path_length(g, root).values())
    return {
        "size": len(par),
        "depth": max(layers),
        "max_breadth": max(layers.values()),
        "structural_virality": nx.average_shortest_path_length(g) if len(par) > 1 else np.nan,
    }


@st.composite
def forests(draw):
    """Random trees: node i > 0 takes a parent among 0..i-1, then node labels are permuted."""
    out = []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 60))
        attach = [draw(st.integers(0, i - 1)) for i in range(1, n)]
        perm = draw(st.permutations(range(n)))
        par = [-1] * n
        for i, p in enumerate(attach, start=1):
            par[perm[i]] = perm[p]
        out.append(par)
    return out


@given(forests(), st.integers(0, 1000))
def test_random_trees_match_networkx(parents, seed):
    m = ws.cascade_metrics(table(parents, shuffle_seed=seed)).set_index("cascade_id")
    for c, par in enumerate(parents):
        expected = nx_expected(par)
        row = m.loc[f"c{c}"]
        assert row["size"] == expected["size"] and row["reposts"] == expected["size"] - 1
        assert row["depth"] == expected["depth"] and row["max_breadth"] == expected["max_breadth"]
        if expected["size"] > 1:
            assert row["structural_virality"] == pytest.approx(expected["structural_virality"], rel=1e-12)
        else:
            assert np.isnan(row["structural_virality"])


@given(forests())
def test_subtree_sizes_and_depths_match_networkx(parents):
    par = np.concatenate([np.where(np.array(p) < 0, -1, np.array(p) + off)
                          for p, off in zip(parents, np.cumsum([0] + [len(p) for p in parents[:-1]]), strict=True)])
    g = nx.DiGraph((int(p), i) for i, p in enumerate(par) if p >= 0)
    g.add_nodes_from(range(len(par)))
    depth = node_depths(par)
    sizes = subtree_sizes(par, depth)
    for v in range(len(par)):
        assert sizes[v] == len(nx.descendants(g, v)) + 1
        root = v
        while par[root] >= 0:
            root = par[root]
        assert depth[v] == nx.shortest_path_length(g, root, v)


def test_closed_forms():
    pair = [[-1, 0]]
    star = [[-1] + [0] * 9]
    path = [[-1] + list(range(49))]
    m = ws.cascade_metrics(table(pair + star + path)).set_index("cascade_id")
    assert m.loc["c0", "structural_virality"] == 1.0
    assert m.loc["c1", "structural_virality"] == pytest.approx(1.8)  # 2(n-1)/n, n = 10
    assert m.loc["c1", ["depth", "max_breadth"]].tolist() == [1, 9]
    assert m.loc["c2", "structural_virality"] == pytest.approx(51 / 3)  # (n+1)/3, n = 50
    assert m.loc["c2", ["depth", "max_breadth"]].tolist() == [49, 1]


def test_a_million_node_path():
    n = 1_000_000
    parent = np.arange(-1, n - 1)
    depth = node_depths(parent)
    assert depth[-1] == n - 1
    sizes = subtree_sizes(parent, depth)
    assert sizes[0] == n and sizes[-1] == 1
    posts = pd.DataFrame({"cascade_id": pd.array(np.full(n, "p"), dtype="str"), "parent_node": parent.astype(np.int32),
                          "created_at": pd.to_datetime(np.arange(n), unit="s", utc=True), "is_root": parent < 0,
                          "is_orphan": np.zeros(n, bool)})
    m = ws.cascade_metrics(posts).iloc[0]
    assert m["depth"] == n - 1 and m["max_breadth"] == 1
    assert m["structural_virality"] == pytest.approx((n + 1) / 3, rel=1e-9)
    assert m["time_to_500_s"] == 500.0


def test_single_node_cascade():
    m = ws.cascade_metrics(table([[-1]])).iloc[0]
    assert (m["size"], m["reposts"], m["depth"], m["max_breadth"]) == (1, 0, 0, 1)
    assert np.isnan(m["structural_virality"]) and np.isnan(m["time_to_500_s"]) and m["lifetime_s"] == 0


def test_time_to_n_is_in_time_order_and_censored():
    # root at 0 s; reposts at 600, 300, 1200 s; the one at 300 s replies to the one at 600 s
    posts = table([[-1, 0, 1, 0]], times=[[0, 600, 300, 1200]])
    m = ws.cascade_metrics(posts, thresholds=(1, 2, 3, 4), depths=(1, 2, 3)).iloc[0]
    assert (m["time_to_1_s"], m["time_to_2_s"], m["time_to_3_s"]) == (300.0, 600.0, 1200.0)
    assert np.isnan(m["time_to_4_s"])  # never reached: right-censored
    assert (m["time_to_depth_1_s"], m["time_to_depth_2_s"]) == (600.0, 300.0)
    assert np.isnan(m["time_to_depth_3_s"])
    assert m["lifetime_s"] == 1200.0


def test_unknown_times_are_not_counted_towards_n():
    posts = table([[-1, 0, 0]], times=[[0, 60, 120]])
    posts.loc[posts["post_id"] == "c0-1", "created_at"] = pd.NaT
    m = ws.cascade_metrics(posts, thresholds=(1, 2)).iloc[0]
    assert m["time_to_1_s"] == 120.0 and np.isnan(m["time_to_2_s"])


def test_orphans_are_counted(tmp_path):
    path = tmp_path / "e.csv"
    path.write_text("cascade_id,post_id,parent_id,user_id,created_at\n"
                    "c,a,,u1,2020-01-01 00:00\nc,b,gone,u2,2020-01-01 00:01\nc,d,b,u3,2020-01-01 00:02\n")
    m = ws.cascade_metrics(ws.load_edgelist(path).posts).iloc[0]
    assert m["n_orphans"] == 1 and m["depth"] == 2


def test_canonical_and_shuffled_tables_agree_on_real_data(corpora):
    posts = corpora["wbmsf"].posts
    fast = ws.cascade_metrics(posts).set_index("cascade_id").sort_index()
    slow = ws.cascade_metrics(posts.drop(columns="parent_node").sample(frac=1, random_state=3)).set_index(
        "cascade_id").sort_index()
    pd.testing.assert_frame_equal(fast, slow)


@pytest.mark.slow
def test_ced_metrics_match_networkx_on_a_sample(corpora):
    posts = corpora["ced"].posts
    m = ws.cascade_metrics(posts).set_index("cascade_id")
    assert len(m) == 3387 and m["size"].sum() == 1_277_843 and m["depth"].max() == 58
    rng = np.random.default_rng(7)
    for cid in rng.choice(m.index.to_numpy(), 25, replace=False):
        g = ws.repost_graph(posts, cid)
        u = g.to_undirected()
        layers = Counter(nx.single_source_shortest_path_length(u, g.graph["root"]).values())
        row = m.loc[cid]
        assert row["structural_virality"] == pytest.approx(nx.average_shortest_path_length(u), rel=1e-12)
        assert row["depth"] == max(layers) and row["max_breadth"] == max(layers.values())
        assert row["size"] == g.number_of_nodes()


def test_synthetic_posts_are_canonical_deterministic_and_heavy_tailed():
    a = ws.synthetic_posts(50_000, seed=4)
    b = ws.synthetic_posts(50_000, seed=4)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(ws.synthetic_posts(50_000, seed=5))
    SCHEMAS["posts"].validate(a)
    assert 50_000 <= len(a) < 60_000
    m = ws.cascade_metrics(a)
    assert m["size"].max() > 20 * m["size"].median()  # heavy tail
    assert 3 <= m["depth"].max() <= 200
    slow = ws.cascade_metrics(a.drop(columns="parent_node")).set_index("cascade_id").sort_index()
    pd.testing.assert_frame_equal(m.set_index("cascade_id").sort_index(), slow)
    with pytest.raises(ValueError, match="branching"):
        ws.synthetic_posts(10, branching=1.2)


def test_threads_give_the_same_table():
    posts = ws.synthetic_posts(1_200_000, seed=1)
    pd.testing.assert_frame_equal(ws.cascade_metrics(posts, threads=3, depths=(2,)),
                                  ws.cascade_metrics(posts, threads=1, depths=(2,)))


def test_an_empty_table_gives_an_empty_result():
    m = ws.cascade_metrics(table([]).reindex(columns=["cascade_id", "post_id", "parent_id", "created_at", "is_root",
                                                      "is_orphan"]))
    assert len(m) == 0 and "time_to_500_s" in m.columns
