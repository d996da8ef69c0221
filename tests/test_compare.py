"""The size-matched comparison of cascades (docs/methods.md §3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wechat_study import compare


def test_the_matched_difference_weighs_each_bin_by_its_smaller_count():
    table = pd.DataFrame({"size_bin": ["[2, 10)", "[10, inf)"], "n_rumour": [40, 10], "n_non_rumour": [30, 90],
                          "median_rumour": [0.5, 3.0], "median_non_rumour": [0.4, 2.0], "difference": [0.1, 1.0]})
    assert compare.matched_difference(table) == pytest.approx((30 * 0.1 + 10 * 1.0) / 40)


def test_size_matched_on_simulated_groups_recovers_a_known_shift():
    rng = np.random.default_rng(0)
    size = rng.integers(2, 500, 4000)
    labels = pd.Series(np.where(np.arange(4000) % 2, "rumour", "non-rumour"), index=[f"c{i}" for i in range(4000)])
    virality = np.log(size) + np.where(labels.to_numpy() == "rumour", 0.3, 0.0) + rng.normal(0, 0.1, 4000)
    m = pd.DataFrame({"cascade_id": labels.index, "size": size, "structural_virality": virality})
    table = compare.size_matched(m, labels, bins=(2, 10, 30, 100, 300, np.inf))
    assert compare.matched_difference(table) == pytest.approx(0.3, abs=0.05)


def test_the_clustered_matched_difference_equals_the_plain_one_and_covers_no_difference():
    rng = np.random.default_rng(3)
    n = 3000
    authors = rng.integers(0, 600, n)
    author_effect = rng.normal(0, 0.5, 600)[authors]   # cascades of one author share a shift
    frame = pd.DataFrame({"cascade_id": [f"c{i}" for i in range(n)], "author_id": authors.astype(str),
                          "label": np.where(authors % 2 == 0, "rumour", "non-rumour"),
                          "size": rng.integers(2, 2000, n)})
    frame["structural_virality"] = 2 + np.log(frame["size"]) / 3 + author_effect + rng.normal(0, 0.2, n)
    bins = (2, 10, 30, 100, 300, 1000, np.inf)
    r = compare.record_matched_difference("cascades.sim.matched", frame, bins, n_boot=300, seed=1)
    plain = compare.matched_difference(compare.size_matched(frame, frame.set_index("cascade_id")["label"], bins=bins))
    assert r["estimate"] == pytest.approx(plain)
    assert r["ci_low"] < 0 < r["ci_high"]   # no true difference
    naive = compare.record_matched_difference("cascades.sim.naive", frame.assign(author_id=frame["cascade_id"]),
                                              bins, n_boot=300, seed=1)
    assert r["ci_high"] - r["ci_low"] > 1.5 * (naive["ci_high"] - naive["ci_low"])  # authors share their shift
    with pytest.raises(ValueError, match="no column author_id"):
        compare.record_matched_difference("cascades.sim.x", frame.drop(columns="author_id"), bins)
