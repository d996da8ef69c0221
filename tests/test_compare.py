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
