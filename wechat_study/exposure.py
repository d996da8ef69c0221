"""The views model: none of the public data sets records views, so the 5,000-view test needs one.

Expected views by time t = ρ·(F_root + Σ_{reposts i with t_i ≤ t} F_i) (science.md §4), where F is a
poster's follower count and ρ the share of followers who actually see a post. CED records follower
counts for source authors only: an unknown source count takes the median of the known ones, and every
repost takes an assumed constant F_repost. Both ρ and F_repost are swept, and the share of cascades
crossing 5,000 views is reported as a band (the lowest and highest share over the grid), never as one
number. The threshold is inclusive (views >= 5,000).
"""

from __future__ import annotations

import pandas as pd

from .thresholds import VIEWS


def source_followers(cascades: pd.DataFrame) -> tuple[pd.Series, int]:
    """Source authors' follower counts by ``cascade_id``, unknown ones set to the median of the known;
    and how many were unknown."""
    f = cascades.set_index("cascade_id")["author_followers"].astype("Float64")
    unknown = int(f.isna().sum())
    return f.fillna(f.median()).astype(float), unknown


def expected_views(reposts: pd.Series, followers_root: pd.Series, rho: float, repost_followers: float) -> pd.Series:
    """Expected final views per cascade: ρ·(F_root + reposts·F_repost)."""
    return rho * (followers_root + reposts * repost_followers)


def views_sweep(metrics: pd.DataFrame, cascades: pd.DataFrame, rhos, repost_followers, threshold: int = VIEWS) -> pd.DataFrame:
    """Share of cascades whose expected views reach ``threshold``, for every (ρ, F_repost) pair.

    Columns: ``rho, repost_followers, cascades, crossing, share``. Reposts are observed records.
    """
    roots, _ = source_followers(cascades)
    f_root = roots.reindex(metrics["cascade_id"]).to_numpy()
    reposts = metrics["reposts"].to_numpy()
    rows = []
    for rho in rhos:
        for fr in repost_followers:
            crossing = int((expected_views(reposts, f_root, rho, fr) >= threshold).sum())
            rows.append({"rho": rho, "repost_followers": fr, "cascades": len(reposts), "crossing": crossing,
                         "share": crossing / len(reposts)})
    return pd.DataFrame(rows)


def band(sweep: pd.DataFrame) -> dict:
    """The low and high share over the sweep, and the assumptions that give them."""
    lo, hi = sweep.loc[sweep["share"].idxmin()], sweep.loc[sweep["share"].idxmax()]
    return {"low": float(lo["share"]), "high": float(hi["share"]),
            "low_at": f"rho={lo['rho']:g}, F_repost={lo['repost_followers']:g}",
            "high_at": f"rho={hi['rho']:g}, F_repost={hi['repost_followers']:g}"}
