"""The compiled cascade kernels against the numpy reference and networkx, column by column.

Floats: the kernels sum the Wiener index W = Σ s(n - s) exactly in integers and round once; the
reference sums it in float64. Below W = 2**53 every partial sum of the reference is an exact integer
too, so both agree to the last bit and are compared exactly (all of CED: W < 2e8). Only the 1M-node
path (W ≈ 1.7e17) differs: there the reference is off by ~3e-9 and the kernels are exact.
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import wechat_study as ws
from wechat_study.metrics import cascade_metrics, cascade_metrics_reference

T0 = pd.Timestamp("2013-09-10", tz="UTC")
ROOT = Path(__file__).resolve().parent.parent
THRESHOLDS, DEPTHS = (1, 2, 3, 5, 500), (0, 1, 2, 4)


def canonical(parents, times, orphans) -> pd.DataFrame:
    """A posts table in the canonical layout (root first, ``parent_node``), rows otherwise as given."""
    rows = []
    for c, (par, ts, orph) in enumerate(zip(parents, times, orphans, strict=True)):
        root = par.index(-1)
        order = [root] + [i for i in range(len(par)) if i != root]
        where = {v: k for k, v in enumerate(order)}
        for i in order:
            p = par[i]
            rows.append({"cascade_id": f"c{c}", "post_id": f"c{c}-{i}", "parent_id": None if p < 0 else f"c{c}-{p}",
                         "parent_node": -1 if p < 0 else where[p],
                         "created_at": pd.NaT if ts[i] is None else T0 + pd.Timedelta(seconds=ts[i]),
                         "is_root": p < 0, "is_orphan": bool(orph[i]) and p >= 0})
    cols = ["cascade_id", "post_id", "parent_id", "parent_node", "created_at", "is_root", "is_orphan"]
    df = pd.DataFrame(rows, columns=cols)
    df["created_at"] = pd.to_datetime(df["created_at"], utc=True).astype("datetime64[ns, UTC]")
    df["parent_node"] = df["parent_node"].astype(np.int32)
    return df


def oracle(par, ts, orph) -> dict:
    """Every column from networkx and plain Python, independently of the package."""
    g = nx.Graph()
    g.add_nodes_from(range(len(par)))
    g.add_edges_from((p, i) for i, p in enumerate(par) if p >= 0)
    root = par.index(-1)
    dist = nx.single_source_shortest_path_length(g, root)
    layers = Counter(dist.values())
    t_root = ts[root]

    def since(t):
        return np.nan if t is None or t_root is None else float(t - t_root)

    timed = sorted(t for i, t in enumerate(ts) if i != root and t is not None)
    out = {"size": len(par), "reposts": len(par) - 1, "depth": max(layers), "max_breadth": max(layers.values()),
           "structural_virality": nx.average_shortest_path_length(g) if len(par) > 1 else np.nan,
           "lifetime_s": since(max((t for t in ts if t is not None), default=None)),
           "n_orphans": sum(bool(o) for i, o in enumerate(orph) if par[i] >= 0)}
    for n in THRESHOLDS:
        out[f"time_to_{n}_s"] = since(timed[n - 1]) if len(timed) >= n else np.nan
    for d in DEPTHS:
        at = [ts[v] for v, k in dist.items() if k == d and ts[v] is not None]
        out[f"time_to_depth_{d}_s"] = since(min(at)) if at else np.nan
    return out


@st.composite
def forests(draw):
    """Random trees with node labels permuted (so parents may come after children), times in whole
    seconds with some unknown (the root's too), and some rows flagged as orphans."""
    parents, times, orphans = [], [], []
    for _ in range(draw(st.integers(1, 4))):
        n = draw(st.integers(1, 40))
        attach = [draw(st.integers(0, i - 1)) for i in range(1, n)]
        perm = draw(st.permutations(range(n)))
        par = [-1] * n
        for i, p in enumerate(attach, start=1):
            par[perm[i]] = perm[p]
        parents.append(par)
        times.append(draw(st.lists(st.one_of(st.none(), st.integers(-100, 10_000)), min_size=n, max_size=n)))
        orphans.append(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    return parents, times, orphans


def both(posts, **kw):
    kw = {"thresholds": THRESHOLDS, "depths": DEPTHS} | kw
    return cascade_metrics(posts, **kw), cascade_metrics_reference(posts, **kw)


@given(forests(), st.integers(0, 1000))
def test_kernels_equal_reference_and_networkx(forest, seed):
    parents, times, orphans = forest
    posts = canonical(parents, times, orphans)
    fast, ref = both(posts)
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)
    shuffled = posts.drop(columns="parent_node").sample(frac=1, random_state=seed).reset_index(drop=True)
    slow, slow_ref = both(shuffled)
    pd.testing.assert_frame_equal(slow, slow_ref, check_exact=True)
    m = fast.set_index("cascade_id")
    for c, (par, ts, orph) in enumerate(zip(*forest, strict=True)):
        row = m.loc[f"c{c}"]
        for column, value in oracle(par, ts, orph).items():
            if column == "structural_virality" and not np.isnan(value):
                assert row[column] == pytest.approx(value, rel=1e-12), column  # nx sums float distances
            else:
                assert row[column] == value or (np.isnan(row[column]) and np.isnan(value)), column


def test_single_node():
    fast, ref = both(canonical([[-1]], [[0]], [[False]]))
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)
    row = fast.iloc[0]
    assert (row["size"], row["depth"], row["max_breadth"], row["n_orphans"]) == (1, 0, 1, 0)
    assert np.isnan(row["structural_virality"]) and row["time_to_depth_0_s"] == 0 and np.isnan(row["time_to_1_s"])


def test_star_and_orphans_and_unknown_times():
    n = 2001
    times = [[None] + [i for i in range(1, n)]]  # the root's time unknown: every time column NaN
    fast, ref = both(canonical([[-1] + [0] * (n - 1)], times, [[i % 3 == 0 for i in range(n)]]))
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)
    row = fast.iloc[0]
    assert (row["depth"], row["max_breadth"], row["n_orphans"]) == (1, n - 1, 666)
    assert row["structural_virality"] == pytest.approx(2 * (n - 1) / n, rel=1e-15)
    assert np.isnan(row["lifetime_s"]) and np.isnan(row["time_to_500_s"]) and np.isnan(row["time_to_depth_1_s"])


def test_unknown_times_anywhere_are_not_counted():
    times = [[0, None, 50, None, 20, 70]]  # out of time order with gaps: the kernel sorts this cascade
    fast, ref = both(canonical([[-1, 0, 0, 1, 1, 2]], times, [[False] * 6]))
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)
    row = fast.iloc[0]
    assert (row["time_to_1_s"], row["time_to_2_s"], row["time_to_3_s"]) == (20.0, 50.0, 70.0)
    assert np.isnan(row["time_to_5_s"]) and row["time_to_depth_2_s"] == 20.0 and row["lifetime_s"] == 70.0


@pytest.mark.parametrize("reverse", [False, True])
def test_a_million_node_path(reverse):
    """Parents before children, and (reverse) every parent after its child: both linear, same result."""
    n = 1_000_000
    parent = np.arange(-1, n - 1)
    if reverse:  # rows 1..n-1 hold the path from the deepest node up
        node = np.r_[0, np.arange(n - 1, 0, -1)]
        row_of = np.empty(n, np.int64)
        row_of[node] = np.arange(n)
        parent = np.where(node == 0, -1, row_of[np.maximum(node - 1, 0)])
    else:
        node = np.arange(n)
    posts = pd.DataFrame({"cascade_id": pd.array(np.full(n, "p"), dtype="str"), "parent_node": parent.astype(np.int32),
                          "created_at": pd.to_datetime(node, unit="s", utc=True).astype("datetime64[ns, UTC]"),
                          "is_root": parent < 0, "is_orphan": np.zeros(n, bool)})
    fast, ref = both(posts, depths=(1, n - 1))
    pd.testing.assert_frame_equal(fast.drop(columns="structural_virality"), ref.drop(columns="structural_virality"),
                                  check_exact=True)
    # W ≈ n³/6 > 2**53: the reference's float sum drifts (~3e-9); the kernels' integer sum is exact
    assert fast["structural_virality"][0] == pytest.approx(ref["structural_virality"][0], rel=1e-8)
    assert fast["structural_virality"][0] == pytest.approx((n + 1) / 3, rel=1e-15)
    row = fast.iloc[0]
    assert row["depth"] == n - 1 and row["max_breadth"] == 1 and row["time_to_500_s"] == 500.0
    assert row["time_to_depth_999999_s"] == n - 1


def test_stale_pointers_are_not_trusted():
    """Rows moved between cascades (root-first runs broken): the id path is used, and agrees."""
    posts = canonical([[-1, 0, 1], [-1, 0, 0]], [[0, 1, 2], [0, 3, 4]], [[False] * 3] * 2)
    swapped = posts.iloc[[0, 1, 5, 3, 4, 2]].reset_index(drop=True)
    fast, ref = both(swapped)
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)
    assert fast["depth"].tolist() == [2, 1] and fast["size"].tolist() == [3, 3]


def test_a_cycle_is_an_error():
    posts = canonical([[-1, 2, 1]], [[0, 1, 2]], [[False] * 3]).drop(columns="parent_node")
    with pytest.raises(ValueError, match="cycle"):
        cascade_metrics(posts)


def test_threads_and_blocks_give_the_same_table():
    posts = ws.synthetic_posts(600_000, seed=2)
    one = cascade_metrics(posts, threads=1, depths=(3,))
    pd.testing.assert_frame_equal(cascade_metrics(posts, threads=5, depths=(3,)), one, check_exact=True)
    pd.testing.assert_frame_equal(cascade_metrics_reference(posts, threads=1, depths=(3,)), one, check_exact=True)


@pytest.mark.slow
def test_all_of_ced_every_column(corpora):
    """Kernels = reference on every CED cascade (exact); depth, breadth, size and first arrivals = networkx BFS."""
    posts = corpora["ced"].posts
    fast, ref = both(posts)
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)
    assert len(fast) == 3387 and fast["size"].sum() == len(posts)
    m = fast.set_index("cascade_id")
    cid = posts["cascade_id"].to_numpy(object)
    starts = np.r_[np.flatnonzero(posts["is_root"].to_numpy()), len(posts)]
    pn = posts["parent_node"].to_numpy()
    t = posts["created_at"].to_numpy("datetime64[ns]").view(np.int64)
    for a, b in itertools.pairwise(starts):
        g = nx.DiGraph((int(p), i) for i, p in enumerate(pn[a + 1:b], start=1))
        g.add_node(0)
        dist = nx.single_source_shortest_path_length(g, 0)
        layers = Counter(dist.values())
        row = m.loc[cid[a]]
        assert (row["size"], row["depth"], row["max_breadth"]) == (b - a, max(layers), max(layers.values()))
        at = [t[a + v] for v, k in dist.items() if k == 1 and t[a + v] != np.iinfo(np.int64).min]
        expected = (min(at) - t[a]) / 1e9 if at else np.nan
        assert row["time_to_depth_1_s"] == expected or (np.isnan(expected) and np.isnan(row["time_to_depth_1_s"]))


def run_python(code: str, **env) -> str:
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True,
                         env=os.environ | env)
    return out.stdout.strip()


def test_import_is_light():
    heavy = run_python("import sys, wechat_study as ws; import wechat_study.errors\n"
                       "print(sorted(m for m in ('pandas', 'pyarrow', 'networkx', 'dask', 'numba', 'scipy') "
                       "if m in sys.modules))")
    assert heavy == "[]"
    names = run_python("import wechat_study as ws, wechat_study.fetch, inspect\n"
                       "from wechat_study import load, cascade_metrics, record_finding\n"
                       "print(all(inspect.isfunction(getattr(ws, n)) for n in ('fetch', 'load', 'cascade_metrics', "
                       "'record_finding', 'synthetic_posts', 'load_edgelist')), sorted(ws.__all__) == sorted(dir(ws)) "
                       "or set(ws.__all__) <= set(dir(ws)))")
    assert names == "True True"


@pytest.mark.slow
def test_a_second_process_loads_the_kernels_from_the_cache():
    code = ("import wechat_study as ws\nfrom wechat_study import kernels\n"
            "ws.cascade_metrics(ws.synthetic_posts(2000, seed=1))\n"
            "print(sum(kernels.metrics_block.stats.cache_misses.values()), "
            "sum(kernels.metrics_block.stats.cache_hits.values()))")
    run_python(code)
    misses, hits = run_python(code).split()
    assert (misses, int(hits) >= 1) == ("0", True)
