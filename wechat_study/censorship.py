"""Removals of WeChat public-account articles (WeChatscope), and Citizen Lab's blocked keywords.

Conventions (science.md §8):
- reasons: ``author_deleted`` (the observable trace of self-censorship), ``violation`` (the
  platform's removal for rule violations), ``account_blocked`` (closures), ``complaint``, ``migrated``;
- days to removal = the Beijing-time date the removal was first seen minus the publication date: whole
  days, since publication dates have day resolution (0 = seen the day it was published);
- a keyword with ``+`` matches a title only when every part appears in it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

REASONS = ("author_deleted", "violation", "account_blocked", "complaint", "migrated")


def by_reason(removals: pd.DataFrame) -> pd.DataFrame:
    """Counts and shares by reason: ``reason, removals, share, accounts``."""
    g = removals.groupby("reason")
    out = pd.DataFrame({"removals": g.size(), "accounts": g["account"].nunique()}).reindex(list(REASONS), fill_value=0)
    out["share"] = out["removals"] / len(removals)
    return out.reset_index()[["reason", "removals", "share", "accounts"]]


def days_to_removal(removals: pd.DataFrame) -> pd.Series:
    """Whole days from publication to the Beijing-time date the removal was seen."""
    seen_local = removals["removal_seen_at"].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None).dt.normalize()
    return (seen_local - removals["published_on"]).dt.days


def days_summary(removals: pd.DataFrame) -> pd.DataFrame:
    """Per reason: removals, median and 90th-percentile days, share seen on the day of publication."""
    d = removals.assign(days=days_to_removal(removals))
    g = d.groupby("reason")["days"]
    out = pd.DataFrame({"removals": g.size(), "median_days": g.median(), "p90_days": g.quantile(0.9),
                        "share_same_day": g.apply(lambda s: float((s <= 0).mean()))})
    return out.reindex([r for r in REASONS if r in out.index]).reset_index()


def monthly(removals: pd.DataFrame) -> pd.DataFrame:
    """Removals per calendar month (of the removal, Beijing time) and reason: ``month, reason, removals``."""
    month = removals["removal_seen_at"].dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m")
    return removals.assign(month=month).groupby(["month", "reason"]).size().rename("removals").reset_index()


def concentration(removals: pd.DataFrame, reason: str = "violation") -> dict:
    """How few accounts carry the removals of one reason: accounts, top-1%/top-10-account shares,
    accounts holding half the removals, and the Gini coefficient over accounts with at least one."""
    counts = removals.loc[removals["reason"] == reason, "account"].value_counts().to_numpy()
    if len(counts) == 0:
        return {"accounts": 0, "removals": 0}
    total = counts.sum()
    top1 = max(1, int(np.ceil(0.01 * len(counts))))
    cum = np.cumsum(counts) / total
    sorted_asc = np.sort(counts)
    n = len(counts)
    gini = float((2 * np.arange(1, n + 1) - n - 1) @ sorted_asc / (n * total))
    return {"accounts": int(n), "removals": int(total), "share_top_1pct_accounts": float(counts[:top1].sum() / total),
            "share_top_10_accounts": float(counts[:10].sum() / total),
            "accounts_for_half": int(np.searchsorted(cum, 0.5) + 1), "gini": gini}


def keyword_hits(titles: pd.Series, keywords: pd.DataFrame) -> pd.DataFrame:
    """For each title: whether any keyword (all its ``+`` parts) appears, and in which lists.

    Columns: ``any`` (a whole keyword), ``any_part`` (at least one part of two or more characters of
    some keyword: a weaker test), and one boolean column per keyword list (whole keywords).
    """
    titles = titles.fillna("").astype(str)
    part_hit: dict[str, np.ndarray] = {}
    out = {"any": np.zeros(len(titles), bool), "any_part": np.zeros(len(titles), bool)}
    for lst, group in keywords.groupby("list", sort=True):
        hit = np.zeros(len(titles), bool)
        for kw in group["keyword"]:
            parts = [p.strip() for p in str(kw).split("+") if p.strip()]
            if not parts:
                continue
            m = np.ones(len(titles), bool)
            for p in parts:
                if p not in part_hit:
                    part_hit[p] = titles.str.contains(p, regex=False).to_numpy()
                m &= part_hit[p]
                if len(p) >= 2:
                    out["any_part"] |= part_hit[p]
            hit |= m
        out[lst] = hit
        out["any"] |= hit
    return pd.DataFrame(out, index=titles.index)


def keywords_by_reason(removals: pd.DataFrame, hits: pd.DataFrame, column: str = "any") -> tuple[pd.DataFrame, float]:
    """Share of titles with a blocked keyword (``column`` of ``keyword_hits``), by reason, and the
    chi-square test p-value of independence between reason and a hit (NaN when no title has one)."""
    d = pd.DataFrame({"reason": removals["reason"].to_numpy(), "hit": hits[column].to_numpy()})
    g = d.groupby("reason")["hit"]
    table = pd.DataFrame({"removals": g.size(), "with_keyword": g.sum().astype(int)})
    table = table.reindex([r for r in REASONS if r in table.index])
    table["share"] = table["with_keyword"] / table["removals"]
    contingency = np.c_[table["with_keyword"], table["removals"] - table["with_keyword"]]
    p = float(stats.chi2_contingency(contingency).pvalue) if (contingency.sum(axis=0) > 0).all() else float("nan")
    return table.reset_index(), p


def synthetic_removals(n: int = 3000, seed: int = 0) -> pd.DataFrame:
    """A removals table for offline runs: reasons, delays and accounts drawn at random (no signal)."""
    from .privacy import pseudonymize

    rng = np.random.default_rng(seed)
    reason = rng.choice(list(REASONS), n, p=[0.7, 0.24, 0.03, 0.02, 0.01])
    published = pd.Timestamp("2018-07-01") + pd.to_timedelta(rng.integers(0, 800, n), unit="D")
    seen = published.tz_localize("Asia/Shanghai") + pd.to_timedelta(rng.geometric(0.5, n) * 86400 - rng.integers(0, 86400, n), unit="s")
    return pd.DataFrame({
        "account": pseudonymize(rng.zipf(1.8, n).astype(str), prefix="a"),
        "title": [f"synthetic title {i} {'关键词' if i % 97 == 0 else ''}" for i in range(n)],
        "published_on": published.astype("datetime64[ms]"),
        "removal_seen_at": seen.tz_convert("UTC").astype("datetime64[ns, UTC]"),
        "reason": reason, "reason_raw": reason,
    })


def synthetic_keywords() -> pd.DataFrame:
    """A tiny keyword table for offline runs."""
    return pd.DataFrame({"keyword": ["关键词", "关键+词语", "另一个"], "translation": ["keyword", "key + word", "another"],
                         "list": ["synthetic"] * 3, "date_tested": pd.to_datetime(["2016-07-01"] * 3),
                         "date_resolution": ["day"] * 3})
