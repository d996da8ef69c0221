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
    """(date, resolution) for the forms the lists use; (None, None) when it is none of them.

    Parameters
    ----------
    value : str
        A "date tested" cell: ``MM/YYYY`` (a month), ``YYYY-MM-DD`` or ``M/D/YYYY`` (a day); surrounding
        spaces are ignored.

    Returns
    -------
    tuple of (pandas.Timestamp or None, str or None)
        The date (the first of the month for a month), and ``"month"`` or ``"day"``.

    Examples
    --------
    >>> from wechat_study.datasets.citizenlab import parse_date_tested
    >>> parse_date_tested("07/2016")
    (Timestamp('2016-07-01 00:00:00'), 'month')
    >>> parse_date_tested(" 7/13/2017 ")
    (Timestamp('2017-07-13 00:00:00'), 'day')
    >>> parse_date_tested("July 2017")
    (None, None)
    """
    for fmt, resolution in FORMATS:
        try:
            return pd.to_datetime(value.strip(), format=fmt), resolution
        except ValueError:
            continue
    return None, None


def load(root: Path, name: str = "citizenlab") -> tuple[dict[str, pd.DataFrame], QualityReport]:
    """Read the four keyword lists into the canonical ``keywords`` table.

    Keywords are stripped of spaces; rows without a keyword are skipped and a keyword repeated within a
    list keeps its first row (both counted as quirks). A keyword in two lists keeps a row in each.

    Parameters
    ----------
    root : pathlib.Path
        The data set's raw folder (``data/raw/citizenlab``), holding the files of ``LISTS`` and ``URLS``.
    name : str
        The data set's name, for the quality report.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        ``keywords`` (``keyword, translation, list, date_tested, date_resolution``; an undated keyword has
        a null ``date_tested``) and ``blocked_urls`` (from ``load_urls``).
    report : QualityReport
        Facts (``keywords``, ``keywords_LIST``, ...) and quirks (``empty_keywords``,
        ``duplicate_keywords_in_a_list``, ``undated_keywords``, ...).

    Raises
    ------
    DataError
        A list's file is missing, cannot be read or lacks its columns (``read_csv``), or holds a date
        tested in none of the forms ``parse_date_tested`` reads; also the errors of ``load_urls``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets.citizenlab import LISTS, URLS, load
    >>> with tempfile.TemporaryDirectory() as d:
    ...     root = Path(d)
    ...     for rel, kw, tr, date in LISTS.values():
    ...         (root / rel).parent.mkdir(parents=True, exist_ok=True)
    ...         _ = (root / rel).write_text(f"{kw},{tr},{date}\\n示例,example,07/2017\\n甲+乙,A + B,\\n", "utf-8")
    ...     _ = (root / URLS[0]).write_text("URLs,Categorization,Language\\nExample.org,News,English\\n", "utf-8")
    ...     tables, report = load(root)
    >>> tables["keywords"].loc[0, ["list", "date_tested", "date_resolution"]].tolist()
    ['709crackdown', Timestamp('2017-07-01 00:00:00'), 'month']
    >>> len(tables["keywords"]), report.count("undated_keywords"), tables["blocked_urls"]["domain"].tolist()
    (8, 4, ['example.org'])
    """
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
    """The ``blocked_urls`` table from One App, Two Systems' URL list (see the module docstring).

    Parameters
    ----------
    root : pathlib.Path
        The data set's raw folder, holding ``URLS[0]``.
    report : QualityReport
        The report the facts (``blocked_url_rows_read``, ``blocked_urls``, ``blocked_domains``) and the
        ``domains_in_two_categories`` quirk are added to.

    Returns
    -------
    pandas.DataFrame
        ``domain`` (lower case), ``category``, ``language`` (null when blank) and ``list``, one row per
        listing.

    Raises
    ------
    DataError
        The file is missing or cannot be read (``read_csv``); a row has an empty domain, a domain with a
        ``/`` or a space (a URL rather than a host name) or no category; or a domain is listed twice
        under the same category.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets.citizenlab import URLS, load_urls
    >>> from wechat_study.quality import QualityReport
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = Path(d) / URLS[0]
    ...     path.parent.mkdir(parents=True)
    ...     _ = path.write_text("URLs,Categorization,Language\\nExample.org,News,English\\nexample.org,Blog,\\n")
    ...     report = QualityReport("citizenlab")
    ...     urls = load_urls(Path(d), report)
    >>> urls[["domain", "category"]].values.tolist(), report.count("domains_in_two_categories")
    ([['example.org', 'News'], ['example.org', 'Blog']], 1)
    """
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
