"""The WeChat archive's gaps, its waves of account closures, and Citizen Lab's blocked websites.

Conventions (docs/methods.md#7-censorship-on-wechat):
- days are Beijing calendar days of ``removal_seen_at``; the archive's span runs from the first to the last
  day on which a removal was seen;
- the archive was gathered by a mirror's scraper that fetched, every hour, the last three days of the
  removals WeChatscope's site showed (the site showed seven): a day with no removal seen is either a quiet
  day or a day the scraper did not run. ``gaps`` tells them apart by the local rate: for each run of
  consecutive days with none seen, the expected removals are the mean count of the ``k`` days on each side
  of the run, per day of the run; the run is an **outage** when seeing none has Poisson probability below
  ``alpha`` (per run, not corrected for the number of runs);
- an account is *first seen blocked* on the day of its first ``account_blocked`` removal; a **wave** is a
  day on which more accounts were first seen blocked than the rate per observed (non-outage) day makes
  plausible (Poisson upper tail below ``alpha`` over the number of observed days, Bonferroni);
- the blocked-URL list has no test dates: Citizen Lab's report (November 2016) tested in 2016.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats


def _day(removals: pd.DataFrame, column: str = "removal_seen_at") -> pd.Series:
    return removals[column].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None).dt.normalize()


def daily_counts(removals: pd.DataFrame) -> pd.Series:
    """Removals seen per Beijing day over the archive's span, days with none included (index: the days)."""
    if removals.empty:
        raise ValueError("no removals: the archive's span is undefined")
    days = _day(removals)
    span = pd.date_range(days.min(), days.max(), freq="D", name="day")
    return days.value_counts().reindex(span, fill_value=0).rename("removals")


def _runs(flags: np.ndarray) -> list[tuple[int, int]]:
    """(start, length) of each run of True in ``flags``."""
    edges = np.diff(np.concatenate([[0], flags.astype(np.int8), [0]]))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    return list(zip(starts.tolist(), (ends - starts).tolist(), strict=True))


def gaps(counts: pd.Series, k: int = 14, alpha: float = 1e-3) -> pd.DataFrame:
    """Runs of consecutive days with no removal seen, from ``daily_counts``.

    Columns: ``start, end, days, expected`` (removals expected over the run at the local rate, see the module
    docstring), ``p_none`` (Poisson probability of seeing none), ``outage`` (``p_none < alpha``). Longest first,
    then by date."""
    values = counts.to_numpy()
    rows = []
    for start, length in _runs(values == 0):
        around = np.concatenate([values[max(0, start - k) : start], values[start + length : start + length + k]])
        rate = float(around.mean())
        expected = rate * length
        rows.append(
            {
                "start": counts.index[start],
                "end": counts.index[start + length - 1],
                "days": length,
                "expected": expected,
                "p_none": float(np.exp(-expected)),
                "outage": bool(np.exp(-expected) < alpha),
            }
        )
    out = pd.DataFrame(rows, columns=["start", "end", "days", "expected", "p_none", "outage"])
    return out.sort_values(["days", "start"], ascending=[False, True], kind="stable").reset_index(drop=True)


def outage_days(counts: pd.Series, runs: pd.DataFrame) -> pd.Series:
    """Boolean per day of ``counts``: True on days inside a run flagged as an outage."""
    out = pd.Series(False, index=counts.index, name="outage")
    for r in runs[runs["outage"]].itertuples():
        out.loc[r.start : r.end] = True
    return out


def coverage(counts: pd.Series, runs: pd.DataFrame) -> dict:
    """The scraper's coverage: ``span_days, first_day, last_day, days_without_removal, outage_days, outage_runs,
    longest_run_days, longest_run_start`` (dates as YYYY-MM-DD; the longest run among the outages)."""
    outages = runs[runs["outage"]]
    longest = outages.iloc[0] if len(outages) else None
    return {
        "span_days": len(counts),
        "first_day": counts.index[0].strftime("%Y-%m-%d"),
        "last_day": counts.index[-1].strftime("%Y-%m-%d"),
        "days_without_removal": int((counts == 0).sum()),
        "outage_days": int(outages["days"].sum()),
        "outage_runs": len(outages),
        "longest_run_days": int(longest["days"]) if longest is not None else 0,
        "longest_run_start": longest["start"].strftime("%Y-%m-%d") if longest is not None else None,
    }


def monthly_rates(removals: pd.DataFrame, outage: pd.Series) -> pd.DataFrame:
    """Per month (Beijing time) and reason: ``month, reason, removals, days_observed, outage_days,
    per_observed_day`` (removals over the days of the month in the span that were not outage days)."""
    days = pd.DataFrame({"month": outage.index.strftime("%Y-%m"), "outage": outage.to_numpy()})
    per_month = days.groupby("month")["outage"].agg(days="size", outage_days="sum")
    per_month["days_observed"] = per_month["days"] - per_month["outage_days"]
    month = _day(removals).dt.strftime("%Y-%m")
    counts = removals.assign(month=month).groupby(["month", "reason"]).size().unstack(fill_value=0)
    counts = counts.reindex(per_month.index, fill_value=0).stack().rename("removals").reset_index()
    out = counts.merge(per_month[["days_observed", "outage_days"]].reset_index(), on="month")
    with np.errstate(invalid="ignore", divide="ignore"):
        out["per_observed_day"] = out["removals"] / out["days_observed"].replace(0, np.nan)
    out["outage_days"] = out["outage_days"].astype(int)
    return out[["month", "reason", "removals", "days_observed", "outage_days", "per_observed_day"]]


def outage_spans(runs: pd.DataFrame) -> pd.DataFrame:
    """``start, end`` (end exclusive: the day after the last) of each outage, for shading a time axis."""
    o = runs[runs["outage"]]
    return pd.DataFrame({"start": o["start"], "end": o["end"] + pd.Timedelta(days=1)}).sort_values("start")


# ------------------------------------------------------------------------------------- account closures


def first_blocked(removals: pd.DataFrame) -> pd.Series:
    """Per account with an ``account_blocked`` removal, the Beijing day it was first seen blocked."""
    blocked = removals[removals["reason"] == "account_blocked"]
    return _day(blocked).groupby(blocked["account"]).min().rename("first_blocked")


def blocking_days(first: pd.Series, outage: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """Accounts first seen blocked per day, for days with at least one: ``day, accounts, expected, p, wave,
    after_outage``. ``expected`` is the rate per observed day (accounts over the span's non-outage days);
    ``p`` the Poisson probability of at least that many; ``wave`` is ``p < alpha / observed days``;
    ``after_outage`` marks a day within three days after an outage (a backlog may surface then)."""
    observed = int((~outage).sum())
    rate = len(first) / observed if observed else np.nan
    counts = first.value_counts().sort_index()
    out = pd.DataFrame({"day": counts.index, "accounts": counts.to_numpy()})
    out["expected"] = rate
    out["p"] = stats.poisson.sf(out["accounts"] - 1, rate)
    out["wave"] = out["p"] < alpha / max(observed, 1)
    ends = outage.index[outage.to_numpy() & ~np.append(outage.to_numpy()[1:], False)]
    out["after_outage"] = [bool(((d - ends).days.isin([1, 2, 3])).any()) for d in out["day"]]
    return out.sort_values(["accounts", "day"], ascending=[False, True], kind="stable").reset_index(drop=True)


def blocking_weeks(first: pd.Series, outage: pd.Series) -> pd.DataFrame:
    """Accounts first seen blocked per week (weeks start on Monday) over the span, every week listed:
    ``week, accounts, outage_days`` (outage days in that week, so a gap is not read as a calm)."""
    week = outage.index.to_period("W-SUN").start_time
    frame = pd.DataFrame({"week": week, "outage": outage.to_numpy()}).groupby("week")["outage"].sum()
    counts = first.dt.to_period("W-SUN").dt.start_time.value_counts()
    out = pd.DataFrame(
        {
            "week": frame.index,
            "accounts": counts.reindex(frame.index, fill_value=0).to_numpy(),
            "outage_days": frame.to_numpy().astype(int),
        }
    )
    return out


def largest(first: pd.Series, freq: str) -> tuple[str | None, int]:
    """The period (``D`` day, ``M`` month) with most accounts first seen blocked, and their number."""
    if first.empty:
        return None, 0
    fmt = {"D": "%Y-%m-%d", "M": "%Y-%m"}[freq]
    counts = first.dt.strftime(fmt).value_counts()
    top = counts[counts == counts.max()].sort_index()
    return str(top.index[0]), int(top.iloc[0])


# ------------------------------------------------------------------------------------- blocked websites


def urls_by_category(blocked_urls: pd.DataFrame, examples: int = 4) -> pd.DataFrame:
    """Websites per category: ``category, sites, share, languages, examples`` (the first ``examples`` domains
    in the list's order). ``share`` is of the list's listings, not of the web; a domain listed under two
    categories counts in both."""
    g = blocked_urls.groupby("category", sort=False)
    out = pd.DataFrame(
        {
            "sites": g.size(),
            "languages": g["language"].agg(lambda s: ", ".join(sorted(s.dropna().unique()))),
            "examples": g["domain"].agg(lambda s: ", ".join(s.head(examples))),
        }
    )
    out["share"] = out["sites"] / len(blocked_urls)
    out = out.sort_values(["sites"], ascending=False, kind="stable").reset_index()
    return out[["category", "sites", "share", "languages", "examples"]]


PANAMA_TERMS = ("巴拿马", "巴拿馬", "Panama", "Mossack")


def term_hits(texts: pd.Series, term: str) -> np.ndarray:
    """Whether each text holds ``term``: case-insensitive for a Latin term; a Chinese term is looked for in the
    texts as written and converted to simplified script (so 巴拿馬 and 巴拿马 both count)."""
    from .titles import to_simplified

    t = texts.fillna("").astype(str)
    if term.isascii():
        return t.str.lower().str.contains(term.lower(), regex=False).to_numpy()
    simple_term = str(to_simplified(pd.Series([term])).iloc[0])
    return (t.str.contains(term, regex=False) | to_simplified(t).str.contains(simple_term, regex=False)).to_numpy()


def term_matches(sources: dict[str, pd.Series], terms=PANAMA_TERMS) -> pd.DataFrame:
    """Texts holding each term, and any of them (``term`` = ``any``), per source: ``source, term, texts,
    matching`` (see ``term_hits``)."""
    rows = []
    for name, texts in sources.items():
        hits = {term: term_hits(texts, term) for term in terms}
        hits["any"] = np.logical_or.reduce(list(hits.values())) if hits else np.zeros(len(texts), bool)
        rows += [
            {"source": name, "term": term, "texts": len(texts), "matching": int(h.sum())} for term, h in hits.items()
        ]
    return pd.DataFrame(rows, columns=["source", "term", "texts", "matching"])


# ------------------------------------------------------------------------------------- findings


def record_gaps(
    removals: pd.DataFrame, prefix: str, k: int = 14, alpha: float = 1e-3
) -> tuple[pd.DataFrame, pd.Series]:
    """Findings ``<prefix>.span_days``, ``.days_without_removal``, ``.outage_days``, ``.outage.runs``,
    ``.outage.longest_run_days`` and ``.outage.longest_run_start``; returns (``gaps``, ``outage_days``)."""
    from .findings import record_finding

    counts = daily_counts(removals)
    runs = gaps(counts, k, alpha)
    c = coverage(counts, runs)
    record_finding(f"{prefix}.span_days", c["span_days"], note=f"Beijing days from {c['first_day']} to {c['last_day']}")
    record_finding(
        f"{prefix}.days_without_removal", c["days_without_removal"], note="days in the span with no removal seen"
    )
    record_finding(
        f"{prefix}.outage_days",
        c["outage_days"],
        note=f"days without removal in runs where none has Poisson probability below {alpha:g} "
        "at the local rate: the scraper did not run",
    )
    record_finding(f"{prefix}.outage.runs", c["outage_runs"], note="runs of consecutive outage days")
    record_finding(f"{prefix}.outage.longest_run_days", c["longest_run_days"], note="the longest outage, in days")
    if c["longest_run_start"] is None:
        record_finding(f"{prefix}.outage.longest_run_start", None, reason="no outage detected")
    else:
        record_finding(f"{prefix}.outage.longest_run_start", c["longest_run_start"], note="its first day (Beijing)")
    return runs, outage_days(counts, runs)


def record_waves(removals: pd.DataFrame, outage: pd.Series, prefix: str, alpha: float = 0.05) -> pd.DataFrame:
    """Findings ``<prefix>.blocking.waves`` (days past the Bonferroni line), ``.blocking.largest_day`` and
    ``.largest_day_accounts``, ``.blocking.largest_month`` and ``.largest_month_accounts``; returns
    ``blocking_days``."""
    from .findings import record_finding

    first = first_blocked(removals)
    days = blocking_days(first, outage, alpha)
    record_finding(
        f"{prefix}.blocking.waves",
        int(days["wave"].sum()),
        note=f"days with more accounts first seen blocked than the rate per observed day allows "
        f"(Poisson, {alpha:g} Bonferroni over the observed days)",
    )
    for freq, label in (("D", "day"), ("M", "month")):
        period, n = largest(first, freq)
        if period is None:
            record_finding(f"{prefix}.blocking.largest_{label}", None, reason="no account was blocked")
        else:
            record_finding(
                f"{prefix}.blocking.largest_{label}", period, note=f"the {label} most accounts were first seen blocked"
            )
        record_finding(f"{prefix}.blocking.largest_{label}_accounts", n, note=f"of {len(first):,} blocked accounts")
    return days


def record_blocked_urls(blocked_urls: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Findings ``<prefix>.blocked_urls.listings``, ``.sites`` (distinct domains), ``.blocked_urls.<category>``
    (listings, category in snake case) and
    ``.blocked_urls.lists_icij_org`` (1 when icij.org is listed); returns ``urls_by_category``."""
    import re

    from .findings import record_finding

    table = urls_by_category(blocked_urls)
    record_finding(f"{prefix}.blocked_urls.listings", len(blocked_urls), note="rows of the list (domain and category)")
    record_finding(
        f"{prefix}.blocked_urls.sites",
        int(blocked_urls["domain"].nunique()),
        note="websites WeChat's browser blocked for China-registered accounts in 2016",
    )
    for row in table.itertuples():
        slug = re.sub(r"[^a-z]+", "_", row.category.lower()).strip("_")
        record_finding(f"{prefix}.blocked_urls.{slug}", int(row.sites), note=f"listed as {row.category}")
    record_finding(
        f"{prefix}.blocked_urls.lists_icij_org",
        int((blocked_urls["domain"] == "icij.org").any()),
        note="1 when icij.org, the publisher of the Panama Papers, is on the list",
    )
    return table


def record_terms(sources: dict[str, pd.Series], prefixes: dict[str, str], terms=PANAMA_TERMS) -> pd.DataFrame:
    """Findings ``<prefixes[source]>.panama_terms.<source>``: texts of each source holding any of ``terms``
    (e.g. 0 keywords, 0 titles); returns ``term_matches``."""
    from .findings import record_finding

    table = term_matches(sources, terms)
    for row in table[table["term"] == "any"].itertuples():
        record_finding(
            f"{prefixes[row.source]}.panama_terms.{row.source}",
            int(row.matching),
            note=f"of {row.texts:,} texts holding {' / '.join(terms)} (script unified)",
        )
    return table


def synthetic_blocked_urls() -> pd.DataFrame:
    """A tiny blocked-website table for offline runs (made-up domains under the reserved ``.example`` name)."""
    return pd.DataFrame(
        {
            "domain": ["news-a.example", "news-b.example", "games.example", "games.example"],
            "category": ["News and Media", "News and Media", "Gambling", "Business and Economy"],
            "language": ["English", "Chinese", "Chinese", "Chinese"],
            "list": "synthetic",
        }
    )
