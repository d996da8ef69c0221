"""Citizen Lab's chat-censorship: keywords and websites found blocked in WeChat tests, 2016-2017.

Four lists under ``data/raw/citizenlab/wechat/``, each a CSV with its own columns:
``709crackdown/all-keywords.csv``, ``lxb/liu_xiaobo_keywords_wechat.csv``,
``ncpc19/ncpc19_wechat.csv`` and ``one_app_two_systems/wechat_blocked_keywords.csv``.
A keyword with ``+`` is a combination: it was blocked when all its parts appeared together.

Conventions: ``list`` is the list's folder name; ``date_tested`` is the first day of the
period tested, with ``date_resolution`` ``month`` (``07/2016``) or ``day``.

The ``blocked_urls`` table is One App, Two Systems' ``wechat_blocked_urls.csv``: websites WeChat's
built-in browser blocked for accounts registered to mainland China phone numbers (the report, of
November 2016, found them open to international accounts). Columns map explicitly: ``URLs`` ->
``domain`` (lower case, as listed: host names, no scheme), ``Categorization`` -> ``category``,
``Language`` -> ``language``; ``list`` is the folder name. The file has no test date or other column.
One row per listing: a domain listed under two categories keeps both rows (a quirk counts them).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..quality import QualityReport
from .readers import read_csv
from .trees import str_array

__all__ = ["LISTS", "URLS", "FORMATS", "parse_date_tested", "load", "load_urls"]

LISTS = {
    "709crackdown": ("wechat/709crackdown/all-keywords.csv", "Keyword", "Translation", "Date Tested"),
    "lxb": ("wechat/lxb/liu_xiaobo_keywords_wechat.csv", "Keyword", "English Translation", "Date Tested"),
    "ncpc19": ("wechat/ncpc19/ncpc19_wechat.csv", "keyword", "translation", "date_tested"),
    "one_app_two_systems": (
        "wechat/one_app_two_systems/wechat_blocked_keywords.csv",
        "Keyword",
        "Translation",
        "Date Tested",
    ),
}
URLS = ("wechat/one_app_two_systems/wechat_blocked_urls.csv", "URLs", "Categorization", "Language")
FORMATS = (("%m/%Y", "month"), ("%Y-%m-%d", "day"), ("%m/%d/%Y", "day"))


def parse_date_tested(value: str) -> tuple[pd.Timestamp | None, str | None]:
    """(date, resolution) for the forms the lists use; (None, None) when it is none of them."""
    for fmt, resolution in FORMATS:
        try:
            return pd.to_datetime(value.strip(), format=fmt), resolution
        except ValueError:
            continue
    return None, None


def load(root: Path, name: str = "citizenlab") -> tuple[dict[str, pd.DataFrame], QualityReport]:
    """Read the four keyword lists into the canonical ``keywords`` table."""
    report = QualityReport(name)
    frames = []
    for list_name, (rel, kw, tr, date) in LISTS.items():
        path = root / rel
        if not path.is_file():
            raise DataError(rel, "file is missing", hint="run `wechat-study data fetch citizenlab`")
        df = read_csv(path, rel, (kw, tr, date), encoding="utf-8-sig")
        dates, resolutions = [], []
        for i, v in enumerate(df[date]):
            d, res = parse_date_tested(v) if v.strip() else (None, "day")
            if v.strip() and d is None:
                raise DataError(
                    rel, f"date tested {v!r} is not MM/YYYY, YYYY-MM-DD or M/D/YYYY", record=f"line {i + 2}"
                )
            dates.append(d)
            resolutions.append(res)
        keyword = df[kw].str.strip()
        empty = (keyword == "").to_numpy()
        report.quirk(
            "empty_keywords",
            int(empty.sum()),
            "row with no keyword; skipped",
            [f"{rel}: record line {i + 2}" for i in np.flatnonzero(empty)[:3]],
        )
        out = pd.DataFrame(
            {
                "keyword": keyword,
                "translation": df[tr].str.strip().replace("", None),
                "list": list_name,
                "date_tested": dates,
                "date_resolution": resolutions,
            }
        ).loc[~empty]
        dup = out.duplicated(["keyword"], keep="first").to_numpy()
        report.quirk(
            "duplicate_keywords_in_a_list",
            int(dup.sum()),
            "keyword listed again in the same list; the first is kept",
            [f"{rel}: {k}" for k in out.loc[dup, "keyword"].head(3)],
        )
        frames.append(out.loc[~dup])
        report.fact(f"keywords_{list_name}", int((~dup).sum()))
    kw = pd.concat(frames, ignore_index=True)
    report.quirk("undated_keywords", int(kw["date_tested"].isna().sum()), "no date tested; date_tested left null")
    keywords = pd.DataFrame(
        {
            "keyword": str_array(kw["keyword"].to_numpy(object)),
            "translation": str_array(kw["translation"].to_numpy(object)),
            "list": str_array(kw["list"].to_numpy(object)),
            "date_tested": pd.to_datetime(kw["date_tested"]).astype("datetime64[ms]"),
            "date_resolution": str_array(kw["date_resolution"].to_numpy(object)),
        }
    )
    report.fact("keywords", len(keywords))
    return {"keywords": keywords, "blocked_urls": load_urls(root, report)}, report


def load_urls(root: Path, report: QualityReport) -> pd.DataFrame:
    """The ``blocked_urls`` table from One App, Two Systems' URL list (see the module docstring)."""
    rel, url, category, language = URLS
    path = root / rel
    if not path.is_file():
        raise DataError(rel, "file is missing", hint="run `wechat-study data fetch citizenlab`")
    df = read_csv(path, rel, (url, category, language), encoding="utf-8-sig")
    report.fact("blocked_url_rows_read", len(df))
    domain = df[url].str.strip().str.lower()
    bad = (domain == "") | domain.str.contains(r"[/\s]", regex=True) | (df[category].str.strip() == "")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(rel, f"{df[url].iat[i]!r} is not a listed domain with a category", record=f"line {i + 2}")
    out = pd.DataFrame(
        {
            "domain": domain,
            "category": df[category].str.strip(),
            "language": df[language].str.strip().replace("", None),
            "list": "one_app_two_systems",
        }
    )
    dup = out.duplicated(["domain", "category"]).to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise DataError(
            rel, f"{out['domain'].iat[i]} is listed twice under {out['category'].iat[i]!r}", record=f"line {i + 2}"
        )
    twice = out["domain"].duplicated(keep=False).to_numpy()
    report.quirk(
        "domains_in_two_categories",
        int(out.loc[twice, "domain"].nunique()),
        "domain listed under more than one category; one row per listing is kept",
        [f"{rel}: record line {i + 2}" for i in np.flatnonzero(twice)[:3]],
    )
    report.fact("blocked_urls", len(out))
    report.fact("blocked_domains", int(out["domain"].nunique()))
    return pd.DataFrame({c: str_array(out[c].to_numpy(object)) for c in ["domain", "category", "language", "list"]})
