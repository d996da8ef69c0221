"""Data for the threshold explorer: one row per cascade, small enough to embed in a report.

The explorer (``charts.threshold_explorer``) lets a reader move the repost threshold and the view
assumptions and recomputes, in the browser, the share of cascades crossing each line by group. It
needs per cascade only its group, its observed reposts and its source author's followers (unknown
counts take the median of the known, as in ``exposure.source_followers``); the views follow the
exposure model ρ·(F_source + reposts·F_repost) (docs/methods.md#5-views-the-exposure-model).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .align import same_index
from .exposure import source_followers

__all__ = ["threshold_explorer_data"]


def threshold_explorer_data(
    metrics: pd.DataFrame, cascades: pd.DataFrame, labels: pd.Series | None = None
) -> pd.DataFrame:
    """Columns ``group, reposts, source_followers_k, cascades``: how many cascades of ``metrics`` share each
    (group, reposts, source followers in thousands, to 0.1); the explorer weights by ``cascades``. Follower
    counts are rounded to the nearest hundred so that no exact count, which could single out an author, is
    embedded in a report.

    ``labels`` go with ``metrics`` rows (e.g. rumour / non-rumour); without them every cascade is
    in group "all". Cascade ids are left out: the chart does not need them.

    Parameters
    ----------
    metrics : pandas.DataFrame
        One row per cascade with ``cascade_id`` and ``reposts`` (as from ``cascade_metrics``).
    cascades : pandas.DataFrame
        The cascades table, with ``cascade_id`` and ``author_followers``; unknown follower counts take
        the median of the known. A cascade of ``metrics`` missing from it gets 0 followers.
    labels : pandas.Series, optional
        One group label per ``metrics`` row: a Series with ``metrics``' index (one in another order is
        refused, ``align.same_index``), or an array in row order. Missing labels become "unlabelled".

    Returns
    -------
    pandas.DataFrame
        Columns ``group`` (str), ``reposts`` (int), ``source_followers_k`` (followers in thousands, to
        0.1) and ``cascades`` (how many cascades share the row), sorted by the first three.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.explorer import threshold_explorer_data
    >>> metrics = pd.DataFrame({"cascade_id": ["a", "b", "c"], "reposts": [3, 3, 120]})
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c"], "author_followers": [1234, 1190, None]})
    >>> threshold_explorer_data(metrics, cascades)
      group  reposts  source_followers_k  cascades
    0   all        3                 1.2         2
    1   all      120                 1.2         1
    >>> labels = pd.Series(["rumour", None, "non-rumour"])
    >>> threshold_explorer_data(metrics, cascades, labels)["group"].tolist()
    ['non-rumour', 'rumour', 'unlabelled']
    """
    same_index(metrics, labels=labels)
    followers, _ = source_followers(cascades)
    f = followers.reindex(metrics["cascade_id"]).to_numpy()
    groups = (
        pd.Series(np.asarray(labels, object)).astype("string").fillna("unlabelled")
        if labels is not None
        else pd.Series(["all"] * len(metrics))
    )
    out = pd.DataFrame(
        {
            "group": groups.to_numpy(),
            "reposts": metrics["reposts"].to_numpy().astype(np.int64),
            "source_followers_k": np.round(np.nan_to_num(f, nan=0.0) / 1000.0, 1),
        }
    )
    keys = ["group", "reposts", "source_followers_k"]
    return out.groupby(keys, sort=True).size().rename("cascades").reset_index()
