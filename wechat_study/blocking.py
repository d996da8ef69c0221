"""WeChat's account closures in the removals archive, and what Citizen Lab found blocked: keywords and websites.

Conventions (docs/methods.md#7-censorship-on-wechat):
- an account is *first seen blocked* on the Beijing day of its first ``account_blocked`` removal; a **wave** is
  a day on which more accounts were first seen blocked than the rate per observed (non-outage, see
  ``scraper``) day makes plausible (Poisson upper tail below ``alpha`` over the number of observed days,
  Bonferroni);
- a keyword with ``+`` matches a title only when every part appears in it;
- the blocked-URL list has no test dates: Citizen Lab's report (November 2016) tested in 2016.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from .scraper import beijing_day
from .thresholds import wilson_interval
from .titles import GLOSSARY

__all__ = [
    "first_blocked", "blocking_days", "blocking_weeks", "largest", "urls_by_category", "PANAMA_TERMS",
    "term_hits", "term_matches", "keyword_hits", "keyword_matches", "by_term", "record_waves",
    "record_blocked_urls", "record_terms", "synthetic_blocked_urls", "record_keywords", "synthetic_keywords"
]

# ------------------------------------------------------------------------------------- account closures


def first_blocked(removals: pd.DataFrame) -> pd.Series:
    """Per account with an ``account_blocked`` removal, the Beijing day it was first seen blocked.

    Parameters
    ----------
    removals : pandas.DataFrame
        The removals table: ``account``, ``reason`` and ``removal_seen_at`` (UTC).

    Returns
    -------
    pandas.Series
        ``first_blocked``: the Beijing calendar day (midnight, no time zone), indexed by account.

    Examples
    --------
    >>> import pandas as pd
    >>> removals = pd.DataFrame({"account": ["a1", "a1", "a2", "a3"],
    ...                          "reason": ["account_blocked", "account_blocked", "account_blocked", "author_deleted"],
    ...                          "removal_seen_at": pd.to_datetime(["2019-03-01 17:00", "2019-03-04 02:00",
    ...                                                             "2019-03-02 01:00", "2019-03-02 03:00"], utc=True)})
    >>> from wechat_study.blocking import first_blocked
    >>> first = first_blocked(removals)
    >>> len(first), first.dt.strftime("%Y-%m-%d").tolist()
    (2, ['2019-03-02', '2019-03-02'])
    """
    blocked = removals[removals["reason"] == "account_blocked"]
    return beijing_day(blocked).groupby(blocked["account"]).min().rename("first_blocked")


def blocking_days(first: pd.Series, outage: pd.Series, alpha: float = 0.05) -> pd.DataFrame:
    """Accounts first seen blocked per day, for days with at least one: ``day, accounts, expected, p, wave,
    after_outage``. ``expected`` is the rate per observed day (accounts over the span's non-outage days);
    ``p`` the Poisson probability of at least that many; ``wave`` is ``p < alpha / observed days``;
    ``after_outage`` marks a day within three days after an outage (a backlog may surface then).

    Parameters
    ----------
    first : pandas.Series
        The day each account was first seen blocked (``first_blocked``).
    outage : pandas.Series
        Bool per day of the span, indexed by day (``scraper.outage_days``): True on outage days.
    alpha : float
        The family-wise level, divided by the number of observed days (Bonferroni).

    Returns
    -------
    pandas.DataFrame
        One row per day with at least one account, most accounts first (ties by day).

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.date_range("2019-03-01", periods=14, freq="D")
    >>> first = pd.Series(pd.to_datetime(["2019-03-02"] * 9 + ["2019-03-05", "2019-03-09", "2019-03-12"]))
    >>> outage = pd.Series(days.isin(pd.to_datetime(["2019-03-07", "2019-03-08"])), index=days)
    >>> from wechat_study.blocking import blocking_days
    >>> table = blocking_days(first, outage)
    >>> table.assign(p=table["p"].round(4))
             day  accounts  expected       p   wave  after_outage
    0 2019-03-02         9       1.0  0.0000   True         False
    1 2019-03-05         1       1.0  0.6321  False         False
    2 2019-03-09         1       1.0  0.6321  False          True
    3 2019-03-12         1       1.0  0.6321  False         False
    """
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
    ``week, accounts, outage_days`` (outage days in that week, so a gap is not read as a calm).

    Parameters
    ----------
    first : pandas.Series
        The day each account was first seen blocked (``first_blocked``); days outside ``outage``'s span
        are not counted.
    outage : pandas.Series
        Bool per day of the span, indexed by day: True on outage days.

    Returns
    -------
    pandas.DataFrame
        One row per week of the span (``week`` its Monday), in order.

    Examples
    --------
    >>> import pandas as pd
    >>> days = pd.date_range("2019-03-01", periods=14, freq="D")
    >>> first = pd.Series(pd.to_datetime(["2019-03-02"] * 9 + ["2019-03-05", "2019-03-09", "2019-03-12"]))
    >>> outage = pd.Series(days.isin(pd.to_datetime(["2019-03-07", "2019-03-08"])), index=days)
    >>> from wechat_study.blocking import blocking_weeks
    >>> blocking_weeks(first, outage)
            week  accounts  outage_days
    0 2019-02-25         9            0
    1 2019-03-04         2            2
    2 2019-03-11         1            0
    """
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
    """The period (``D`` day, ``M`` month) with most accounts first seen blocked, and their number.

    Parameters
    ----------
    first : pandas.Series
        The day each account was first seen blocked (``first_blocked``).
    freq : str
        ``"D"`` or ``"M"``.

    Returns
    -------
    period : str or None
        ``YYYY-MM-DD`` or ``YYYY-MM``, the earliest on a tie; None when ``first`` is empty.
    accounts : int
        Accounts first seen blocked in it (0 when ``first`` is empty).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.blocking import largest
    >>> first = pd.Series(pd.to_datetime(["2019-03-02"] * 9 + ["2019-03-05", "2019-04-09"]))
    >>> largest(first, "D"), largest(first, "M")
    (('2019-03-02', 9), ('2019-03', 10))
    >>> largest(first.iloc[:0], "D")
    (None, 0)
    """
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
    categories counts in both.

    Parameters
    ----------
    blocked_urls : pandas.DataFrame
        The ``blocked_urls`` table: ``domain``, ``category``, ``language``.
    examples : int
        How many domains to name per category.

    Returns
    -------
    pandas.DataFrame
        One row per category, most sites first (ties in the list's order); ``share`` 0–1, ``languages``
        sorted and comma-separated.

    Examples
    --------
    >>> from wechat_study.blocking import synthetic_blocked_urls, urls_by_category
    >>> urls_by_category(synthetic_blocked_urls())[["category", "sites", "share", "examples"]]
                   category  sites  share                        examples
    0        News and Media      2   0.50  news-a.example, news-b.example
    1              Gambling      1   0.25                   games.example
    2  Business and Economy      1   0.25                   games.example
    """
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
    texts as written and converted to simplified script (so 巴拿馬 and 巴拿马 both count).

    Parameters
    ----------
    texts : pandas.Series
        Texts (titles, keywords); missing ones hold nothing.
    term : str
        The term; plain ASCII counts as Latin.

    Returns
    -------
    numpy.ndarray of bool
        One flag per text.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.blocking import term_hits
    >>> texts = pd.Series(["巴拿馬文件", "the panama papers", "天气", None])
    >>> term_hits(texts, "巴拿马").tolist(), term_hits(texts, "Panama").tolist()
    ([True, False, False, False], [False, True, False, False])
    """
    from .titles import to_simplified

    t = texts.fillna("").astype(str)
    if term.isascii():
        return t.str.lower().str.contains(term.lower(), regex=False).to_numpy()
    simple_term = str(to_simplified(pd.Series([term])).iloc[0])
    return (t.str.contains(term, regex=False) | to_simplified(t).str.contains(simple_term, regex=False)).to_numpy()


def term_matches(sources: dict[str, pd.Series], terms=PANAMA_TERMS) -> pd.DataFrame:
    """Texts holding each term, and any of them (``term`` = ``any``), per source: ``source, term, texts,
    matching`` (see ``term_hits``).

    Parameters
    ----------
    sources : dict of str to pandas.Series
        Texts by source name (e.g. ``titles``, ``keywords``).
    terms : sequence of str
        The terms (default ``PANAMA_TERMS``).

    Returns
    -------
    pandas.DataFrame
        One row per source and term, in the order given, each source's ``any`` last.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.blocking import term_matches
    >>> sources = {"titles": pd.Series(["巴拿馬文件", "the panama papers", "天气"]),
    ...            "keywords": pd.Series(["Mossack Fonseca", "关键词"])}
    >>> term_matches(sources, ["巴拿马", "Mossack"])
         source     term  texts  matching
    0    titles      巴拿马      3         1
    1    titles  Mossack      3         0
    2    titles      any      3         1
    3  keywords      巴拿马      2         0
    4  keywords  Mossack      2         1
    5  keywords      any      2         1
    """
    rows = []
    for name, texts in sources.items():
        hits = {term: term_hits(texts, term) for term in terms}
        hits["any"] = np.logical_or.reduce(list(hits.values())) if hits else np.zeros(len(texts), bool)
        rows += [
            {"source": name, "term": term, "texts": len(texts), "matching": int(h.sum())} for term, h in hits.items()
        ]
    return pd.DataFrame(rows, columns=["source", "term", "texts", "matching"])


def keyword_hits(titles: pd.Series, keywords: pd.DataFrame) -> pd.DataFrame:
    """For each title: whether any keyword (all its ``+`` parts) appears, and in which lists.

    Columns: ``any`` (a whole keyword), ``any_part`` (at least one part of two or more characters of
    some keyword: a weak test of topic, not of blocking; not used for claims), and one boolean column per
    keyword list (whole keywords).

    Matching is exact substring matching on the texts as given (see ``keyword_matches`` for unified
    script).

    Parameters
    ----------
    titles : pandas.Series
        The titles; missing ones match nothing.
    keywords : pandas.DataFrame
        The ``keywords`` table: ``keyword`` and ``list``.

    Returns
    -------
    pandas.DataFrame
        Bool columns ``any``, ``any_part`` and one per list (sorted), with ``titles``' index.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.blocking import keyword_hits, synthetic_keywords
    >>> titles = pd.Series(["今天的关键词", "关键的一个词语", "天气很好"])
    >>> keyword_hits(titles, synthetic_keywords())
         any  any_part  synthetic
    0   True      True       True
    1   True      True       True
    2  False     False      False
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


def keyword_matches(titles: pd.Series, keywords: pd.DataFrame) -> pd.DataFrame:
    """Titles holding a whole keyword, as written and with script unified (both sides traditional ->
    simplified), per keyword list and for ``all`` lists: ``list, keywords, script, titles, matching, share,
    ci_low, ci_high`` (95% Wilson interval; the denominator is every title).

    Parameters
    ----------
    titles : pandas.Series
        The titles.
    keywords : pandas.DataFrame
        The ``keywords`` table: ``keyword`` and ``list``.

    Returns
    -------
    pandas.DataFrame
        For each script (``as written``, then ``unified``), one row per list (sorted) and then ``all``;
        ``share`` and the bounds 0–1.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.blocking import keyword_matches, synthetic_keywords
    >>> titles = pd.Series(["今天的关键词", "关键的一个词语", "天气很好", "另一個"])
    >>> keyword_matches(titles, synthetic_keywords()).round(3)
            list  keywords      script  titles  matching  share  ci_low  ci_high
    0  synthetic         3  as written       4         2   0.50   0.150    0.850
    1        all         3  as written       4         2   0.50   0.150    0.850
    2  synthetic         3     unified       4         3   0.75   0.301    0.954
    3        all         3     unified       4         3   0.75   0.301    0.954
    """
    from .titles import to_simplified

    rows = []
    simple_kw = keywords.assign(keyword=to_simplified(keywords["keyword"].astype(str)))
    for script, t, kw in (("as written", titles, keywords), ("unified", to_simplified(titles), simple_kw)):
        hits = keyword_hits(t, kw)
        sizes = kw.groupby("list").size()
        for lst in [*sorted(sizes.index), "all"]:
            col = "any" if lst == "all" else lst
            rows.append(
                {
                    "list": lst,
                    "keywords": int(sizes.sum() if lst == "all" else sizes[lst]),
                    "script": script,
                    "titles": len(hits),
                    "matching": int(hits[col].sum()),
                }
            )
    out = pd.DataFrame(rows)
    out["share"] = out["matching"] / out["titles"]
    out["ci_low"], out["ci_high"] = wilson_interval(out["matching"], out["titles"])
    return out


def by_term(matches: pd.DataFrame) -> pd.DataFrame:
    """``term_matches`` one row per term (in the order searched, ``any`` last), one column of matching texts per
    source (in the order given).

    Parameters
    ----------
    matches : pandas.DataFrame
        As from ``term_matches``.

    Returns
    -------
    pandas.DataFrame
        ``term``, its English ``gloss`` (``titles.GLOSSARY``; empty for a Latin term or ``any``) and one column
        of matching texts per source.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.blocking import by_term, term_matches
    >>> sources = {"titles": pd.Series(["巴拿馬文件", "天气"]), "keywords": pd.Series(["Mossack Fonseca"])}
    >>> by_term(term_matches(sources, ["巴拿马", "Mossack"]))
          term   gloss  titles  keywords
    0      巴拿马  Panama       1         0
    1  Mossack              0         1
    2      any              1         1
    """
    wide = matches.pivot(index="term", columns="source", values="matching")
    terms, sources = list(dict.fromkeys(matches["term"])), list(dict.fromkeys(matches["source"]))
    out = wide.reindex(index=terms, columns=sources).rename_axis(columns=None).reset_index()
    out.insert(1, "gloss", out["term"].map(GLOSSARY).fillna(""))
    return out


# ------------------------------------------------------------------------------------- findings


def record_waves(removals: pd.DataFrame, outage: pd.Series, prefix: str, alpha: float = 0.05) -> pd.DataFrame:
    """Findings ``<prefix>.blocking.waves`` (days past the Bonferroni line), ``.blocking.largest_day`` and
    ``.largest_day_accounts``, ``.blocking.largest_month`` and ``.largest_month_accounts``; returns
    ``blocking_days``.

    Parameters
    ----------
    removals : pandas.DataFrame
        The removals table: ``account``, ``reason``, ``removal_seen_at`` (UTC).
    outage : pandas.Series
        Bool per Beijing day of the span (``scraper.outage_days``).
    prefix : str
        The findings' name prefix, dotted lowercase words (e.g. ``censorship.wechatscope``).
    alpha : float
        The family-wise level of ``blocking_days``.

    Returns
    -------
    pandas.DataFrame
        ``blocking_days(first_blocked(removals), outage, alpha)``.

    Examples
    --------
    >>> import pandas as pd
    >>> removals = pd.DataFrame({"account": ["a1", "a1", "a2", "a3"],
    ...                          "reason": ["account_blocked", "account_blocked", "account_blocked", "author_deleted"],
    ...                          "removal_seen_at": pd.to_datetime(["2019-03-01 17:00", "2019-03-04 02:00",
    ...                                                             "2019-03-02 01:00", "2019-03-02 03:00"], utc=True)})
    >>> from wechat_study.blocking import record_waves
    >>> outage = pd.Series(False, index=pd.date_range("2019-03-01", "2019-03-04", freq="D"))
    >>> record_waves(removals, outage, "censorship.mine")[["accounts", "wave"]]
       accounts   wave
    0         2  False
    """
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
    ``.blocked_urls.lists_icij_org`` (1 when icij.org is listed); returns ``urls_by_category``.

    Parameters
    ----------
    blocked_urls : pandas.DataFrame
        The ``blocked_urls`` table: ``domain``, ``category``, ``language``.
    prefix : str
        The findings' name prefix, dotted lowercase words.

    Returns
    -------
    pandas.DataFrame
        ``urls_by_category(blocked_urls)``.

    Examples
    --------
    >>> from wechat_study.blocking import record_blocked_urls, synthetic_blocked_urls
    >>> record_blocked_urls(synthetic_blocked_urls(), "censorship.synthetic")["sites"].tolist()
    [2, 1, 1]
    """
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
    (e.g. 0 keywords, 0 titles); returns ``term_matches``.

    Parameters
    ----------
    sources : dict of str to pandas.Series
        Texts by source name; a name becomes the last part of its finding's name.
    prefixes : dict of str to str
        The findings' name prefix of each source.
    terms : sequence of str
        The terms (default ``PANAMA_TERMS``).

    Returns
    -------
    pandas.DataFrame
        ``term_matches(sources, terms)``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.blocking import record_terms
    >>> table = record_terms({"titles": pd.Series(["巴拿馬文件", "天气"])}, {"titles": "censorship.mine"})
    >>> table[table["term"] == "any"]
       source term  texts  matching
    4  titles  any      2         1
    """
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
    """A tiny blocked-website table for offline runs (made-up domains under the reserved ``.example`` name).

    Returns
    -------
    pandas.DataFrame
        Four listings (``domain, category, language, list``), one domain under two categories.

    Examples
    --------
    >>> from wechat_study.blocking import synthetic_blocked_urls
    >>> urls = synthetic_blocked_urls()
    >>> len(urls), urls["domain"].nunique(), urls["list"].iloc[0]
    (4, 3, 'synthetic')
    """
    return pd.DataFrame(
        {
            "domain": ["news-a.example", "news-b.example", "games.example", "games.example"],
            "category": ["News and Media", "News and Media", "Gambling", "Business and Economy"],
            "language": ["English", "Chinese", "Chinese", "Chinese"],
            "list": "synthetic",
        }
    )


def record_keywords(titles: pd.Series, keywords: pd.DataFrame, prefix: str) -> pd.DataFrame:
    """Findings ``<prefix>.titles_with_blocked_keyword`` (as written), ``..._unified`` (script unified) and the
    share with its Wilson interval; returns ``keyword_matches``.

    The share finding is ``<prefix>.share_with_blocked_keyword`` (script unified), with ``.ci_low`` and
    ``.ci_high``.

    Parameters
    ----------
    titles : pandas.Series
        The titles.
    keywords : pandas.DataFrame
        The ``keywords`` table: ``keyword`` and ``list``.
    prefix : str
        The findings' name prefix, dotted lowercase words.

    Returns
    -------
    pandas.DataFrame
        ``keyword_matches(titles, keywords)``, with ``script`` before ``list``.

    Raises
    ------
    ValueError
        From ``record_finding``: no titles, so the share is not defined.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.blocking import record_keywords, synthetic_keywords
    >>> titles = pd.Series(["今天的关键词", "关键的一个词语", "天气很好", "另一個"])
    >>> record_keywords(titles, synthetic_keywords(), "censorship.mine")[["script", "list", "matching"]]
           script       list  matching
    0  as written  synthetic         2
    1  as written        all         2
    2     unified  synthetic         3
    3     unified        all         3
    """
    from .censorship import _record_share
    from .findings import record_finding

    table = keyword_matches(titles, keywords).set_index(["script", "list"])
    written, unified = table.loc[("as written", "all")], table.loc[("unified", "all")]
    record_finding(
        f"{prefix}.titles_with_blocked_keyword",
        int(written["matching"]),
        note=f"titles holding a whole keyword of {int(written['keywords']):,}, of {len(titles):,}",
    )
    record_finding(
        f"{prefix}.titles_with_blocked_keyword_unified",
        int(unified["matching"]),
        note="the same with titles and keywords converted to simplified script",
    )
    _record_share(
        f"{prefix}.share_with_blocked_keyword",
        int(unified["matching"]),
        len(titles),
        "script unified; Citizen Lab tested these keywords on chat messages in 2016-17",
    )
    return table.reset_index()


def synthetic_keywords() -> pd.DataFrame:
    """A tiny keyword table for offline runs.

    Returns
    -------
    pandas.DataFrame
        Three made-up keywords, one a ``+`` combination, in list ``synthetic``: ``keyword, translation,
        list, date_tested, date_resolution``.

    Examples
    --------
    >>> from wechat_study.blocking import synthetic_keywords
    >>> synthetic_keywords()["keyword"].tolist()
    ['关键词', '关键+词语', '另一个']
    """
    return pd.DataFrame(
        {
            "keyword": ["关键词", "关键+词语", "另一个"],
            "translation": ["keyword", "key + word", "another"],
            "list": ["synthetic"] * 3,
            "date_tested": pd.to_datetime(["2016-07-01"] * 3),
            "date_resolution": ["day"] * 3,
        }
    )
