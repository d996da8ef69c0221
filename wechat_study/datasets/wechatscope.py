"""WeChatscope (HKU JMSC), daily archive: removed WeChat public-account articles, 2018-2020.

Source: ``data/raw/wechatscope/ceninfo.csv`` with columns ``title, nickname, created_at,
archive, censored_date, censored_msg``.

Conventions:
- ``published_on`` is the publication date (day resolution only).
- ``removal_seen_at`` is when the removal was first seen, taken as Beijing / Hong Kong time
  (UTC+8) and stored in UTC.
- ``reason`` maps WeChat's notice (Chinese or English) to ``author_deleted``, ``violation``,
  ``account_blocked``, ``complaint`` or ``migrated``; ``reason_raw`` keeps the notice.
- ``account`` is a pseudonym of the account's name; the ``archive`` column (which carries the
  account's WeChat id) is dropped.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..privacy import pseudonymize
from ..quality import QualityReport
from .readers import BEIJING_OFFSET_NS, read_csv
from .trees import str_array

__all__ = ["FILE", "COLUMNS", "BEIJING_OFFSET", "REASONS", "classify_reason", "load"]

FILE = "ceninfo.csv"
COLUMNS = ["title", "nickname", "created_at", "archive", "censored_date", "censored_msg"]
BEIJING_OFFSET = pd.Timedelta(BEIJING_OFFSET_NS, unit="ns")
REASONS = {
    "该内容已被发布者删除": "author_deleted",
    "The content has been deleted by the author.": "author_deleted",
    "此内容因违规无法查看": "violation",
    "Unable to view this content because it violates regulations": "violation",
    "此帐号已被屏蔽,": "account_blocked",
    "此内容被投诉且经审核涉嫌侵权，无法查看。": "complaint",
    "此内容被多人投诉，相关的内容无法进行查看。": "complaint",
    "该公众号已迁移": "migrated",
}


def classify_reason(message: str) -> str | None:
    """The reason enum for a WeChat removal notice, or None when it is not a known notice.

    Parameters
    ----------
    message : str
        The notice as WeChat showed it (``censored_msg``); surrounding spaces are ignored.

    Returns
    -------
    str or None
        ``REASONS[message]`` when the notice is listed; else ``"account_blocked"`` for a notice that starts with
        此帐号已被屏蔽, ``"complaint"`` for one that starts with 此内容被 and mentions 投诉; else None.

    Examples
    --------
    >>> from wechat_study.datasets.wechatscope import classify_reason
    >>> classify_reason("此内容因违规无法查看")
    'violation'
    >>> classify_reason(" The content has been deleted by the author. ")
    'author_deleted'
    >>> print(classify_reason("not a notice"))
    None
    """
    m = str(message).strip()
    if m in REASONS:
        return REASONS[m]
    if m.startswith("此帐号已被屏蔽"):
        return "account_blocked"
    if m.startswith("此内容被") and "投诉" in m:
        return "complaint"
    return None


def _dates(values: pd.Series, fmt: str, column: str, shown: str) -> pd.Series:
    parsed = pd.to_datetime(values, format=fmt, errors="coerce")
    bad = parsed.isna().to_numpy()
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(shown, f"{column} {values.iat[i]!r} is not a date of the form {fmt}", record=f"line {i + 2}")
    return parsed


def load(root: Path, name: str = "wechatscope") -> tuple[dict[str, pd.DataFrame], QualityReport]:
    """Read ``ceninfo.csv`` into the canonical ``removals`` table.

    Identical rows are dropped (the first kept); the rest follow the module's conventions. Rows are sorted by
    ``removal_seen_at`` then ``title``, ties in the file's order.

    Parameters
    ----------
    root : pathlib.Path
        The folder holding ``ceninfo.csv`` (``data/raw/wechatscope``, the archive's top folder).
    name : str
        The data set's name, for the quality report.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        ``{"removals": ...}`` with columns ``account`` (pseudonym), ``title``, ``published_on`` (date),
        ``removal_seen_at`` (UTC), ``reason`` and ``reason_raw``.
    report : QualityReport
        Facts ``rows_read``, ``removals`` and ``accounts``; quirks ``notices_in_english`` (counted over the rows
        read), ``duplicate_rows``, ``empty_titles`` and ``removal_seen_before_publication``.

    Raises
    ------
    DataError
        When ``ceninfo.csv`` is missing or unreadable or lacks a column (``read_csv``), when a notice is not one of
        the known ones (``classify_reason`` gives None), or when a ``created_at`` is not ``YYYY-MM-DD`` or a
        ``censored_date`` not ``YYYY-MM-DD HH:MM:SS``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets import wechatscope
    >>> row = "标题,账号甲,2019-06-01,x,2019-06-02 09:30:00,此内容因违规无法查看\\n"
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = (Path(tmp) / "ceninfo.csv").write_text(",".join(wechatscope.COLUMNS) + "\\n" + row + row,
    ...                                                encoding="utf-8")
    ...     tables, report = wechatscope.load(Path(tmp))
    >>> tables["removals"][["published_on", "removal_seen_at", "reason"]]
      published_on           removal_seen_at     reason
    0   2019-06-01 2019-06-02 01:30:00+00:00  violation
    >>> report.count("rows_read"), report.count("duplicate_rows")
    (2, 1)
    """
    report = QualityReport(name)
    path = root / FILE
    if not path.is_file():
        raise DataError(FILE, "file is missing", hint="run `wechat-study data fetch wechatscope`")
    df = read_csv(path, FILE, COLUMNS)
    report.fact("rows_read", len(df))
    reason = df["censored_msg"].map(classify_reason)
    unknown = reason.isna().to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise DataError(FILE, f"unknown removal notice {df['censored_msg'].iat[i]!r}", record=f"line {i + 2}",
                        hint="add it to wechat_study.datasets.wechatscope.REASONS")
    english = df["censored_msg"].str.match(r"^[A-Za-z]").to_numpy()
    report.quirk("notices_in_english", int(english.sum()), "notice shown in English; mapped to the same reason")
    dup = df.duplicated(keep="first").to_numpy()
    report.quirk("duplicate_rows", int(dup.sum()), "identical row again; the first is kept",
                 [f"{FILE}: record line {i + 2}" for i in np.flatnonzero(dup)[:3]])
    df, reason = df.loc[~dup].reset_index(drop=True), reason.loc[~dup].reset_index(drop=True)
    report.quirk("empty_titles", int((df["title"] == "").sum()), "article has no title; kept as an empty string")
    published = _dates(df["created_at"], "%Y-%m-%d", "created_at", FILE)
    seen = _dates(df["censored_date"], "%Y-%m-%d %H:%M:%S", "censored_date", FILE)
    early = (seen.dt.normalize() < published).to_numpy()
    report.quirk("removal_seen_before_publication", int(early.sum()),
                 "the removal was seen on a day before the publication date; kept as recorded",
                 [f"{FILE}: record line {i + 2}" for i in np.flatnonzero(early)[:3]])
    removals = pd.DataFrame(
        {
            "account": str_array(pseudonymize(df["nickname"].to_numpy(object), prefix="a")),
            "title": str_array(df["title"].to_numpy(object)),
            "published_on": published.astype("datetime64[ms]"),
            "removal_seen_at": (seen - BEIJING_OFFSET).dt.tz_localize("UTC").astype("datetime64[ns, UTC]"),
            "reason": str_array(reason.to_numpy(object)),
            "reason_raw": str_array(df["censored_msg"].to_numpy(object)),
        }
    )
    # ties keep the file's order: an order by pseudonym would change with the key, and with it every bootstrap
    removals = removals.sort_values(["removal_seen_at", "title"], kind="stable").reset_index(drop=True)
    report.fact("removals", len(removals))
    report.fact("accounts", int(removals["account"].nunique()))
    return {"removals": removals}, report
