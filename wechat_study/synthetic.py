"""Synthetic repost cascades from a marked branching process, as a canonical posts table.

The model, generation by generation for every cascade at once:

- Cascades start at times drawn uniformly over ``span_days`` from ``start``.
- The source post has K₀ ~ Poisson(Λ) direct reposts, with Λ ~ LogNormal(``root_mu``,
  ``root_sigma``): a few sources reach a large audience, most a small one, which gives
  cascade sizes a heavy tail.
- Every repost has K ~ Poisson(R·W) reposts of its own, with W ~ LogNormal(-σ²/2, σ), mean 1
  (σ = ``influence_sigma``), and R = ``branching`` < 1 the mean number of offspring of a
  repost: a subcritical process, so cascades end, with depth that grows slowly with size.
- Each repost comes a delay after its parent drawn from SEISMIC's human reaction-time
  kernel (Zhao et al. 2015): density c on [0, s0) and c·(s/s0)^-(1+θ) beyond, with
  s0 = 300 s, θ = 0.2314843, c = 6.265725e-4 (so delays follow a power law), its tail
  truncated at ``max_delay_days``.
- Users are drawn from ``n_users`` accounts with Zipf(``user_zipf``) activity.

Generation stops at ``max_depth`` generations. Whole cascades are generated until the total
reaches ``n_posts``; the table has ``n_posts`` rows or slightly more (the last cascade is
kept whole). The same arguments and ``seed`` give the same table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = ["S0", "THETA", "C", "reaction_delays", "synthetic_posts", "SYNTHETIC_USER_KEY", "synthetic_corpus"]

S0 = 300.0
THETA = 0.2314843
C = 6.265725e-4


def reaction_delays(
    rng: np.random.Generator, n: int, max_delay_s: float = np.inf, s0: float = S0, theta: float = THETA, c: float = C
) -> np.ndarray:
    """``n`` delays in seconds from the SEISMIC memory kernel (uniform head, power-law tail),
    the tail truncated at ``max_delay_s``.

    A delay falls in the head, uniform on [0, ``s0``), with chance ``c * s0``; else in the tail,
    ``s0 * (1 - u * m) ** (-1 / theta)`` for u uniform on [0, 1) and m the tail's mass below ``max_delay_s``.

    Parameters
    ----------
    rng : numpy.random.Generator
        The source of randomness; it is advanced.
    n : int
        Delays wanted.
    max_delay_s : float
        Where the tail is cut, in seconds (default: not cut).
    s0 : float
        The end of the uniform head, in seconds (default ``S0``, 300).
    theta : float
        The power-law exponent of the tail (default ``THETA``).
    c : float
        The head's density per second (default ``C``), so the head holds ``c * s0`` of the delays.

    Returns
    -------
    numpy.ndarray
        ``n`` float delays in seconds.

    Examples
    --------
    >>> import numpy as np
    >>> from wechat_study.synthetic import reaction_delays
    >>> delays = reaction_delays(np.random.default_rng(0), 10_000, max_delay_s=86_400.0)
    >>> bool(delays.max() < 86_400), round(float((delays < 300).mean()), 2)
    (True, 0.19)
    """
    head = rng.random(n) < c * s0
    u = rng.random(n)
    tail_mass = 1.0 - (max_delay_s / s0) ** (-theta) if np.isfinite(max_delay_s) else 1.0
    return np.where(head, u * s0, s0 * (1.0 - u * tail_mass) ** (-1.0 / theta))


def synthetic_posts(
    n_posts: int,
    seed: int = 0,
    *,
    root_mu: float = 1.5,
    root_sigma: float = 1.6,
    branching: float = 0.6,
    influence_sigma: float = 1.0,
    max_depth: int = 200,
    max_delay_days: float = 30.0,
    n_users: int | None = None,
    user_zipf: float = 1.6,
    start: str = "2013-09-10",
    span_days: float = 365.0,
    dataset: str = "synthetic",
    id_prefix: str = "",
) -> pd.DataFrame:
    """A canonical posts table of about ``n_posts`` rows from the branching process above.

    Parameters
    ----------
    n_posts : int
        Rows wanted; whole cascades are generated until the total reaches it.
    seed : int
        The same arguments and seed give the same table.
    root_mu, root_sigma : float
        Log-mean and log-sd of Λ, the mean number of direct reposts of a source.
    branching : float
        R, the mean reposts of a repost, in [0, 1).
    influence_sigma : float
        σ of the mean-1 log-normal weight of each repost.
    max_depth : int
        Generations at most.
    max_delay_days : float
        Where the power-law tail of reaction delays is cut.
    n_users : int, optional
        Accounts drawn from (default: a fifth of the posts, at least 100).
    user_zipf : float
        Zipf exponent of account activity.
    start : str
        The first day sources may be posted (UTC).
    span_days : float
        Sources are posted uniformly over this many days.
    dataset : str
        The ``dataset`` column.
    id_prefix : str
        Cascade ids are ``{id_prefix}c<n>`` and post ids ``{id_prefix}p<n>``.

    Returns
    -------
    pandas.DataFrame
        A canonical posts table (``wechat_study.schema``), ``n_posts`` rows or slightly more.

    Raises
    ------
    ValueError
        ``n_posts`` below 1 or ``branching`` outside [0, 1).

    Examples
    --------
    >>> import wechat_study as ws
    >>> posts = ws.synthetic_posts(1_000, seed=0)
    >>> len(posts), posts["cascade_id"].nunique()
    (1085, 50)
    >>> posts.loc[0, ["cascade_id", "post_id", "kind"]].tolist()
    ['c0', 'p0', 'source']
    """
    if n_posts < 1:
        raise ValueError("n_posts must be at least 1")
    if not 0 <= branching < 1:
        raise ValueError("branching (mean reposts per repost) must be in [0, 1) for cascades to end")
    rng = np.random.default_rng(seed)
    mean_size = 1 + np.exp(root_mu + root_sigma**2 / 2) / (1 - branching)
    cascade_parts, parent_parts, time_parts, gen_total = [], [], [], 0
    next_cascade = 0
    while gen_total < n_posts:
        n_casc = max(16, int(1.2 * (n_posts - gen_total) / mean_size))
        c, p, tr = _grow(
            rng, n_casc, root_mu, root_sigma, branching, influence_sigma, max_depth, max_delay_days * 86400.0
        )
        cascade_parts.append(c + next_cascade)
        parent_parts.append(p)
        time_parts.append(tr)
        next_cascade += n_casc
        gen_total += len(c)
    return _table(
        rng, cascade_parts, parent_parts, time_parts, n_posts, n_users, user_zipf, start, span_days, dataset, id_prefix
    )


def _grow(rng, n_casc, root_mu, root_sigma, branching, sigma, max_depth, max_delay_s):
    """``n_casc`` cascades, generation by generation: (cascade, parent row, seconds since the root) per node."""
    cascade, parent, since_root = [np.arange(n_casc)], [np.full(n_casc, -1, np.int64)], [np.zeros(n_casc)]
    frontier, frontier_cascade, frontier_time = np.arange(n_casc), np.arange(n_casc), np.zeros(n_casc)
    count = n_casc
    n_kids = rng.poisson(rng.lognormal(root_mu, root_sigma, n_casc))
    for _ in range(max_depth):
        total = int(n_kids.sum())
        if total == 0:
            break
        kid_parent = np.repeat(frontier, n_kids)
        kid_cascade = np.repeat(frontier_cascade, n_kids)
        kid_time = np.repeat(frontier_time, n_kids) + reaction_delays(rng, total, max_delay_s)
        cascade.append(kid_cascade)
        parent.append(kid_parent)
        since_root.append(kid_time)
        frontier, frontier_cascade, frontier_time = np.arange(count, count + total), kid_cascade, kid_time
        count += total
        n_kids = rng.poisson(branching * rng.lognormal(-(sigma**2) / 2, sigma, total))
    return np.concatenate(cascade), np.concatenate(parent), np.concatenate(since_root)


def _table(
    rng, cascade_parts, parent_parts, time_parts, n_posts, n_users, user_zipf, start, span_days, dataset, id_prefix
):
    sizes = [len(c) for c in cascade_parts]
    base = np.r_[0, np.cumsum(sizes)[:-1]]
    cascade = np.concatenate(cascade_parts)
    parent = np.concatenate([np.where(p >= 0, p + b, -1) for p, b in zip(parent_parts, base, strict=True)])
    n_casc = int(cascade.max()) + 1
    t0 = pd.Timestamp(start, tz="UTC").value + (rng.random(n_casc) * span_days * 86400e9).astype(np.int64)
    t = t0[cascade] + (np.concatenate(time_parts) * 1e9).astype(np.int64)
    roots = parent < 0
    # keep whole cascades up to n_posts, in cascade order
    size_c = np.bincount(cascade, minlength=n_casc)
    keep_c = np.flatnonzero(np.cumsum(size_c) - size_c < n_posts)
    keep = np.isin(cascade, keep_c)
    # canonical order: by cascade, root first, then time
    rows = np.flatnonzero(keep)
    order = rows[np.lexsort((t[rows], ~roots[rows], cascade[rows]))]
    n = len(order)
    new_pos = np.full(len(parent), -1, np.int64)
    new_pos[order] = np.arange(n)
    c_sorted = cascade[order]
    first_row = np.r_[True, c_sorted[1:] != c_sorted[:-1]]
    start_of_row = np.maximum.accumulate(np.where(first_row, np.arange(n), 0))
    par_global = np.where(parent[order] >= 0, new_pos[np.maximum(parent[order], 0)], -1)
    parent_node = np.where(par_global >= 0, par_global - start_of_row, -1).astype(np.int32)
    cascade_no = np.cumsum(first_row) - 1
    post_id = _labels(f"{id_prefix}p", np.arange(n))
    n_users = n_users or max(100, n // 5)
    ranks = np.minimum(rng.zipf(user_zipf, n), n_users) - 1
    users = _user_ids(n_users)
    is_root = par_global < 0
    return pd.DataFrame(
        {
            "dataset": pd.array(
                pa.repeat(pa.scalar(dataset, pa.string()), n), dtype=pd.StringDtype("pyarrow", na_value=np.nan)
            ),
            "cascade_id": _str(_labels(f"{id_prefix}c", cascade_no)),
            "post_id": _str(post_id),
            "parent_id": _str(post_id.take(pa.array(np.where(is_root, 0, par_global), mask=is_root))),
            "parent_node": parent_node,
            "user_id": _str(users.take(pa.array(ranks))),
            "created_at": pd.to_datetime(t[order].view("datetime64[ns]")).tz_localize("UTC"),
            "is_root": is_root,
            "kind": _str(pa.array(np.where(is_root, "source", "repost"))),
            "is_orphan": np.zeros(n, bool),
        }
    )


#: Synthetic users are nobody, so their pseudonym-shaped ids use a public key, not the installation's secret
#: one: synthetic data (and every report made from it) is the same on every installation.
SYNTHETIC_USER_KEY = b"wechat_study/v1!"


def _user_ids(n: int) -> pa.Array:
    from .privacy import keyed_names

    return keyed_names(pc.cast(pa.array(np.arange(n)), pa.string()), SYNTHETIC_USER_KEY, "u")


def _labels(prefix: str, numbers: np.ndarray) -> pa.Array:
    return pc.binary_join_element_wise(prefix, pc.cast(pa.array(numbers), pa.string()), "")


def _str(arr) -> pd.arrays.ArrowStringArray:
    return pd.array(arr, dtype=pd.StringDtype("pyarrow", na_value=np.nan))


def synthetic_corpus(n_posts: int = 200_000, seed: int = 0, rumour_share: float = 0.45):
    """A ``Corpus`` of ``synthetic_posts``, for running every notebook with no data.

    Parameters
    ----------
    n_posts : int
        Posts, as ``synthetic_posts`` takes them.
    seed : int
        The same seed gives the same corpus.
    rumour_share : float
        The chance a cascade is labelled ``rumour``; labels are drawn at random, so they carry no signal
        by construction.

    Returns
    -------
    Corpus
        ``posts``, ``cascades`` (source authors' follower counts from LogNormal(7, 1.5), a median of about
        1,100), and for the censorship notebook ``censorship.synthetic_removals``,
        ``blocking.synthetic_keywords`` and ``synthetic_blocked_urls``.

    Examples
    --------
    >>> import wechat_study as ws
    >>> ws.synthetic_corpus(20_000, seed=0)
    Corpus('synthetic': posts=20,001, cascades=532, removals=3,000, keywords=3, blocked_urls=4)
    """
    from .corpus import Corpus
    from .datasets.trees import cascade_table
    from .quality import QualityReport

    posts = synthetic_posts(n_posts, seed=seed)
    ids = posts.loc[posts["is_root"].to_numpy(), "cascade_id"].to_numpy(object)
    rng = np.random.default_rng(seed + 1)
    labels = np.where(rng.random(len(ids)) < rumour_share, "rumour", "non-rumour")
    followers = np.round(rng.lognormal(7.0, 1.5, len(ids))).astype(np.int64)
    report = QualityReport("synthetic")
    report.fact("posts", len(posts))
    report.fact("cascades", len(ids))
    cascades = cascade_table(
        posts,
        "synthetic",
        label=dict(zip(ids, labels, strict=True)),
        author_followers=dict(zip(ids, followers, strict=True)),
    )
    from .blocking import synthetic_blocked_urls, synthetic_keywords
    from .censorship import synthetic_removals

    return Corpus(
        "synthetic",
        posts=posts,
        cascades=cascades,
        removals=synthetic_removals(seed=seed),
        keywords=synthetic_keywords(),
        blocked_urls=synthetic_blocked_urls(),
        quality=report,
    )
