"""The views model: none of the public data sets records views, so the 5,000-view test needs one.

Expected views by time t = ρ·(F_root + Σ_{reposts i with t_i ≤ t} F_i), where F is a poster's
follower count and ρ the share of followers who actually see a post (docs/methods.md#5-views-the-exposure-model). CED
records follower counts for source authors only. A cascade whose source count is unknown (CED's 87
``"user": "empty"`` sources, all rumours) is left out of the views shares by default (``unknown="exclude"``,
counted as ``excluded``); ``unknown="impute"`` gives it the median of the known counts instead (flagged
and counted as ``imputed``) and is kept as the sensitivity row. Every repost takes an assumed constant
F_repost. Both ρ and F_repost are swept, and the share of cascades crossing 5,000 views is reported as
a band (the lowest and highest share over the grid), never as one number. ``decompose`` splits it into
cascades that reach the line from the source's own audience alone (ρ·F_root ≥ 5,000, no repost needed)
and those that need reposts to get there. The threshold is inclusive (views >= 5,000).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .thresholds import VIEWS

__all__ = [
    "source_followers", "imputed_sources", "UNKNOWN", "expected_views", "views_sweep", "band", "decompose",
    "imputation_sensitivity", "record_decomposition"
]


def source_followers(cascades: pd.DataFrame) -> tuple[pd.Series, int]:
    """Source authors' follower counts by ``cascade_id``, unknown ones set to the median of the known;
    and how many were unknown (``imputed_sources`` says which).

    Parameters
    ----------
    cascades : pandas.DataFrame
        The cascades table (``cascade_id``, ``author_followers``: the source author's follower count, null when
        unknown).

    Returns
    -------
    followers : pandas.Series
        Float follower counts indexed by ``cascade_id``, unknown ones filled with the median of the known.
    unknown : int
        How many counts were unknown (and filled).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import exposure as ex
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"],
    ...                          "author_followers": pd.array([600_000, 3_000, None, 40_000], dtype="Int64")})
    >>> followers, unknown = ex.source_followers(cascades)
    >>> followers.to_dict(), unknown
    ({'a': 600000.0, 'b': 3000.0, 'c': 40000.0, 'd': 40000.0}, 1)
    """
    f = cascades.set_index("cascade_id")["author_followers"].astype("Float64")
    unknown = int(f.isna().sum())
    return f.fillna(f.median()).astype(float), unknown


def imputed_sources(cascades: pd.DataFrame) -> pd.Series:
    """True, by ``cascade_id``, where the source's follower count is unknown and ``source_followers`` imputes it.

    Parameters
    ----------
    cascades : pandas.DataFrame
        The cascades table (``cascade_id``, ``author_followers``: the source author's follower count, null when
        unknown).

    Returns
    -------
    pandas.Series
        Booleans indexed by ``cascade_id``: True where ``author_followers`` is null.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import exposure as ex
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"],
    ...                          "author_followers": pd.array([600_000, 3_000, None, 40_000], dtype="Int64")})
    >>> ex.imputed_sources(cascades).to_dict()
    {'a': False, 'b': False, 'c': True, 'd': False}
    """
    return cascades.set_index("cascade_id")["author_followers"].isna().astype(bool)


UNKNOWN = ("exclude", "impute")


def _sources(metrics: pd.DataFrame, cascades: pd.DataFrame, unknown: str):
    """(metrics rows kept, their source followers, imputed flags, how many were excluded)."""
    if unknown not in UNKNOWN:
        raise ValueError(f"unknown={unknown!r}: use one of {', '.join(UNKNOWN)}")
    roots, _ = source_followers(cascades)
    ids = metrics["cascade_id"]
    imputed = imputed_sources(cascades).reindex(ids).fillna(False).to_numpy(bool)
    keep = ~imputed if unknown == "exclude" else np.ones(len(ids), bool)
    f_root = roots.reindex(ids).to_numpy()[keep]
    return metrics[keep], f_root, imputed[keep], int((~keep).sum())


def expected_views(reposts: pd.Series, followers_root: pd.Series, rho: float, repost_followers: float) -> pd.Series:
    """Expected final views per cascade: ρ·(F_root + reposts·F_repost).

    Parameters
    ----------
    reposts : pandas.Series or numpy.ndarray
        Reposts per cascade (observed records below the source).
    followers_root : pandas.Series or numpy.ndarray
        The source author's follower count per cascade, aligned with ``reposts``.
    rho : float
        ρ, the share 0–1 of a poster's followers who see the post.
    repost_followers : float
        F_repost, the follower count assumed for every reposter.

    Returns
    -------
    pandas.Series or numpy.ndarray
        Expected views per cascade, of the inputs' type.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.exposure import expected_views
    >>> expected_views(pd.Series([0, 100]), pd.Series([5000.0, 300.0]), rho=0.01, repost_followers=500).tolist()
    [50.0, 503.0]
    """
    return rho * (followers_root + reposts * repost_followers)


def views_sweep(
    metrics: pd.DataFrame,
    cascades: pd.DataFrame,
    rhos,
    repost_followers,
    threshold: int = VIEWS,
    unknown: str = "exclude",
) -> pd.DataFrame:
    """Share of cascades whose expected views reach ``threshold``, for every (ρ, F_repost) pair.

    Columns: ``rho, repost_followers, cascades, crossing, share, excluded`` (sources of unknown reach
    left out; see ``unknown`` above). Reposts are observed records.

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``cascade_metrics``' table (``cascade_id``, ``reposts``: observed records below the source).
    cascades : pandas.DataFrame
        The cascades table (``cascade_id``, ``author_followers``: the source author's follower count, null when
        unknown).
    rhos : iterable of float
        The values of ρ tried, the share 0–1 of a poster's followers who see the post.
    repost_followers : iterable of float
        The values of F_repost tried, the follower count assumed for every reposter.
    threshold : int
        The views line (default: ``thresholds.VIEWS``, 5,000); reached when expected views >= it.
    unknown : {"exclude", "impute"}
        What to do with a source of unknown follower count: leave its cascade out (counted as ``excluded``) or
        give it the median of the known counts.

    Returns
    -------
    pandas.DataFrame
        One row per (ρ, F_repost), ρ outer: ``rho, repost_followers, cascades, crossing, share, excluded``;
        ``share`` is ``crossing / cascades`` (0–1).

    Raises
    ------
    ValueError
        ``unknown`` is not one of ``UNKNOWN``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import exposure as ex
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"],
    ...                          "author_followers": pd.array([600_000, 3_000, None, 40_000], dtype="Int64")})
    >>> metrics = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"], "reposts": [10, 900, 50, 0]})
    >>> ex.views_sweep(metrics, cascades, [0.01, 0.1], [100, 1000]).round(3)
        rho  repost_followers  cascades  crossing  share  excluded
    0  0.01               100         3         1  0.333         1
    1  0.01              1000         3         2  0.667         1
    2  0.10               100         3         2  0.667         1
    3  0.10              1000         3         2  0.667         1
    """
    kept, f_root, _, excluded = _sources(metrics, cascades, unknown)
    reposts = kept["reposts"].to_numpy()
    rows = []
    for rho in rhos:
        for fr in repost_followers:
            crossing = int((expected_views(reposts, f_root, rho, fr) >= threshold).sum())
            rows.append(
                {
                    "rho": rho,
                    "repost_followers": fr,
                    "cascades": len(reposts),
                    "crossing": crossing,
                    "share": crossing / len(reposts),
                    "excluded": excluded,
                }
            )
    return pd.DataFrame(rows)


def band(sweep: pd.DataFrame) -> dict:
    """The low and high share over the sweep, the assumptions that give them, and each end's Wilson 95% interval
    (``low_ci``, ``high_ci``: sampling uncertainty at that assumption, on top of the spread the band shows).

    Where several assumptions give the same lowest (or highest) share, the first row of the sweep is named.

    Parameters
    ----------
    sweep : pandas.DataFrame
        ``views_sweep``'s table.

    Returns
    -------
    dict
        ``low`` and ``high`` (shares 0–1), ``low_ci`` and ``high_ci`` ((low, high) Wilson 95% intervals), and
        ``low_at`` / ``high_at`` (the assumptions, ``"rho=..., F_repost=..."``).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import exposure as ex
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"],
    ...                          "author_followers": pd.array([600_000, 3_000, None, 40_000], dtype="Int64")})
    >>> metrics = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"], "reposts": [10, 900, 50, 0]})
    >>> b = ex.band(ex.views_sweep(metrics, cascades, [0.01, 0.1], [100, 1000]))
    >>> round(b["low"], 3), round(b["high"], 3), b["low_at"], b["high_at"]
    (0.333, 0.667, 'rho=0.01, F_repost=100', 'rho=0.01, F_repost=1000')
    >>> [round(x, 3) for x in b["low_ci"]]
    [0.061, 0.792]
    """
    from .thresholds import wilson_interval

    lo, hi = sweep.loc[sweep["share"].idxmin()], sweep.loc[sweep["share"].idxmax()]
    (l_lo, h_lo), (l_hi, h_hi) = wilson_interval([lo["crossing"], hi["crossing"]], [lo["cascades"], hi["cascades"]])
    return {
        "low": float(lo["share"]),
        "high": float(hi["share"]),
        "low_ci": (float(l_lo), float(l_hi)),
        "high_ci": (float(h_lo), float(h_hi)),
        "low_at": f"rho={lo['rho']:g}, F_repost={lo['repost_followers']:g}",
        "high_at": f"rho={hi['rho']:g}, F_repost={hi['repost_followers']:g}",
    }


def decompose(
    metrics: pd.DataFrame,
    cascades: pd.DataFrame,
    rhos,
    repost_followers,
    threshold: int = VIEWS,
    unknown: str = "exclude",
) -> pd.DataFrame:
    """For every (ρ, F_repost): how the cascades reaching ``threshold`` expected views get there.

    Columns: ``rho, repost_followers, cascades, source_alone`` (ρ·F_root ≥ threshold: the source's
    own audience suffices, no repost needed), ``needs_reposts`` (below it from the source alone,
    at or above it with the reposts), ``not_reached``, their shares (``share_source_alone``,
    ``share_needs_reposts``, ``share_reaching``, with Wilson 95% intervals ``*_ci_low/_ci_high``),
    and the imputed-follower flags: ``imputed`` (sources whose follower count is the median
    stand-in) and ``imputed_source_alone`` / ``imputed_needs_reposts`` (how many of each share
    rest on an imputed count; 0 with ``unknown="exclude"``, the default, which leaves those sources
    out and counts them as ``excluded``). docs/methods.md#5-views-the-exposure-model.

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``cascade_metrics``' table (``cascade_id``, ``reposts``: observed records below the source).
    cascades : pandas.DataFrame
        The cascades table (``cascade_id``, ``author_followers``: the source author's follower count, null when
        unknown).
    rhos : iterable of float
        The values of ρ tried, the share 0–1 of a poster's followers who see the post.
    repost_followers : iterable of float
        The values of F_repost tried, the follower count assumed for every reposter.
    threshold : int
        The views line (default: ``thresholds.VIEWS``, 5,000); reached when expected views >= it.
    unknown : {"exclude", "impute"}
        What to do with a source of unknown follower count: leave its cascade out (counted as ``excluded``) or
        give it the median of the known counts.

    Returns
    -------
    pandas.DataFrame
        One row per (ρ, F_repost), ρ outer, with the columns above and ``excluded``; shares are 0–1.

    Raises
    ------
    ValueError
        ``unknown`` is not one of ``UNKNOWN``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import exposure as ex
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"],
    ...                          "author_followers": pd.array([600_000, 3_000, None, 40_000], dtype="Int64")})
    >>> metrics = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"], "reposts": [10, 900, 50, 0]})
    >>> parts = ex.decompose(metrics, cascades, [0.01, 0.1], [100, 1000])
    >>> parts[["rho", "repost_followers", "source_alone", "needs_reposts", "not_reached", "excluded"]]
        rho  repost_followers  source_alone  needs_reposts  not_reached  excluded
    0  0.01               100             1              0            2         1
    1  0.01              1000             1              1            1         1
    2  0.10               100             1              1            1         1
    3  0.10              1000             1              1            1         1
    >>> round(float(parts["share_reaching"].iloc[1]), 3)
    0.667
    """
    from .thresholds import wilson_interval

    kept, f_root, imputed, excluded = _sources(metrics, cascades, unknown)
    ids = kept["cascade_id"]
    reposts = kept["reposts"].to_numpy()
    rows = []
    for rho in rhos:
        alone = rho * f_root >= threshold
        for fr in repost_followers:
            reach = expected_views(reposts, f_root, rho, fr) >= threshold
            needs = reach & ~alone
            rows.append(
                {
                    "rho": rho,
                    "repost_followers": fr,
                    "cascades": len(ids),
                    "source_alone": int(alone.sum()),
                    "needs_reposts": int(needs.sum()),
                    "not_reached": int((~reach).sum()),
                    "imputed": int(imputed.sum()),
                    "imputed_source_alone": int((alone & imputed).sum()),
                    "imputed_needs_reposts": int((needs & imputed).sum()),
                    "excluded": excluded,
                }
            )
    out = pd.DataFrame(rows)
    for what, col in [("source_alone", "source_alone"), ("needs_reposts", "needs_reposts"), ("reaching", None)]:
        k = out[col] if col else out["source_alone"] + out["needs_reposts"]
        out[f"share_{what}"] = k / out["cascades"]
        out[f"share_{what}_ci_low"], out[f"share_{what}_ci_high"] = wilson_interval(k, out["cascades"])
    return out


def imputation_sensitivity(
    metrics: pd.DataFrame, cascades: pd.DataFrame, rhos, repost_followers, threshold: int = VIEWS
) -> pd.DataFrame:
    """The views band with sources of unknown reach left out (the default) and imputed at the median of
    the known counts: ``unknown_reach, cascades, low, high`` (the band's ends over the same grid).

    Parameters
    ----------
    metrics : pandas.DataFrame
        ``cascade_metrics``' table (``cascade_id``, ``reposts``: observed records below the source).
    cascades : pandas.DataFrame
        The cascades table (``cascade_id``, ``author_followers``: the source author's follower count, null when
        unknown).
    rhos : iterable of float
        The values of ρ tried, the share 0–1 of a poster's followers who see the post.
    repost_followers : iterable of float
        The values of F_repost tried, the follower count assumed for every reposter.
    threshold : int
        The views line (default: ``thresholds.VIEWS``, 5,000); reached when expected views >= it.

    Returns
    -------
    pandas.DataFrame
        Two rows, ``"left out"`` then ``"imputed at the median of the known counts"``; ``low`` and ``high`` are
        shares 0–1 (``band``).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import exposure as ex
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"],
    ...                          "author_followers": pd.array([600_000, 3_000, None, 40_000], dtype="Int64")})
    >>> metrics = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"], "reposts": [10, 900, 50, 0]})
    >>> ex.imputation_sensitivity(metrics, cascades, [0.01, 0.1], [100, 1000]).round(3)
                                   unknown_reach  cascades    low   high
    0                                   left out         3  0.333  0.667
    1  imputed at the median of the known counts         4  0.250  0.750
    """
    rows = []
    for unknown, words in (("exclude", "left out"), ("impute", "imputed at the median of the known counts")):
        sweep = views_sweep(metrics, cascades, rhos, repost_followers, threshold, unknown=unknown)
        b = band(sweep)
        rows.append(
            {"unknown_reach": words, "cascades": int(sweep["cascades"].iloc[0]), "low": b["low"], "high": b["high"]}
        )
    return pd.DataFrame(rows)


def record_decomposition(dataset: str, parts: pd.DataFrame, views: int) -> None:
    """Findings ``views.<dataset>.share_from_source_alone.rho_<ρ>`` (the first row of each ρ of ``decompose``'s
    table, with its Wilson interval) and ``views.<dataset>.decomposed`` (the whole table).

    ρ is written with ``:g`` and its dots as underscores (ρ = 0.01 gives ``rho_0_01``). The table finding keeps
    ``rho, repost_followers, share_source_alone, share_needs_reposts, share_reaching, excluded``, within a
    tolerance of 1e-12; a share that does not exist is recorded as not reached.

    Parameters
    ----------
    dataset : str
        The data set's name, the ``<dataset>`` of the finding names.
    parts : pandas.DataFrame
        ``decompose``'s table.
    views : int
        The views line, for the notes.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import exposure as ex
    >>> cascades = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"],
    ...                          "author_followers": pd.array([600_000, 3_000, None, 40_000], dtype="Int64")})
    >>> metrics = pd.DataFrame({"cascade_id": ["a", "b", "c", "d"], "reposts": [10, 900, 50, 0]})
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study.findings import read_recorded
    >>> parts = ex.decompose(metrics, cascades, [0.01, 0.1], [100, 1000])
    >>> with tempfile.TemporaryDirectory() as tmp, \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     ex.record_decomposition("mine", parts, 5000)
    ...     found = read_recorded(os.path.join(tmp, "findings.jsonl"))
    >>> round(found["views.mine.share_from_source_alone.rho_0_01"]["value"], 3)
    0.333
    >>> len(found["views.mine.decomposed"]["value"])
    4
    """
    from . import narrative as nv
    from .adjust import record_estimate
    from .findings import record_finding

    for rho, r in parts.groupby("rho").first().iterrows():
        record_estimate(f"views.{dataset}.share_from_source_alone.rho_{nv.slug(f'{rho:g}').replace('-', '_')}",
                        r["share_source_alone"], r["share_source_alone_ci_low"], r["share_source_alone_ci_high"],
                        nv.say("{k:count} of {n:count} cascades with a known source follower count reach {v:count} "
                               "expected views with no repost at rho = {rho:text}; {x:count} left out",
                               k=r["source_alone"], n=r["cascades"], v=views, rho=f"{rho:g}", x=r["excluded"]))
    record_finding(f"views.{dataset}.decomposed", parts[["rho", "repost_followers", "share_source_alone",
                                                         "share_needs_reposts", "share_reaching", "excluded"]],
                   tolerance=1e-12, note="cascades reaching the views line from the source alone and with reposts, "
                                         "per assumption")
