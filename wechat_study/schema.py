"""The canonical tables, declared as pandera schemas, and their validation.

- ``posts``: one row per post or repost, roots included. ``post_id`` is unique within a data
  set; ``parent_id`` is null exactly for the root; ``created_at`` is UTC (null only where a
  time could not be recovered, which the quality report counts); ``user_id`` is a pseudonym.
- ``cascades``: one row per source post.
- ``removals``: one row per removed WeChat article (WeChatscope).
- ``keywords``: one row per keyword of a Citizen Lab list.
- ``blocked_urls``: one row per listing of Citizen Lab's blocked-website list (domain and category).
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from .errors import DataError

__all__ = [
    "UTC_NS", "KINDS", "LABELS", "REASONS", "POSTS", "CASCADES", "REMOVALS", "KEYWORDS", "BLOCKED_URLS",
    "SCHEMAS", "validate"
]

UTC_NS = pd.DatetimeTZDtype("ns", "UTC")
KINDS = ("source", "repost", "comment", "unknown")
LABELS = ("rumour", "non-rumour", "true", "false", "unverified")
REASONS = ("author_deleted", "violation", "account_blocked", "complaint", "migrated")


def _pseudonyms(s: pd.Series) -> pd.Series:
    return s.isna() | ((s.str.len() == 17) & s.str.startswith("u"))


def _account_pseudonyms(s: pd.Series) -> pd.Series:
    return (s.str.len() == 17) & s.str.startswith("a")


POSTS = pa.DataFrameSchema(
    {
        "dataset": pa.Column("str"),
        "cascade_id": pa.Column("str"),
        "post_id": pa.Column("str", unique=True),
        "parent_id": pa.Column("str", nullable=True),
        "parent_node": pa.Column("int32", checks=pa.Check.ge(-1)),
        "user_id": pa.Column("str", nullable=True, checks=pa.Check(_pseudonyms, error="not a pseudonym")),
        "created_at": pa.Column(UTC_NS, nullable=True),
        "is_root": pa.Column(bool),
        "kind": pa.Column("str", checks=pa.Check.isin(KINDS)),
        "is_orphan": pa.Column(bool),
    },
    checks=[
        pa.Check(lambda df: df["parent_id"].isna() == df["is_root"], error="parent_id must be null exactly for roots"),
        pa.Check(
            lambda df: (df["parent_node"] == -1) == df["is_root"], error="parent_node must be -1 exactly for roots"
        ),
    ],
    strict=True,
    ordered=True,
    name="posts",
)

CASCADES = pa.DataFrameSchema(
    {
        "dataset": pa.Column("str"),
        "cascade_id": pa.Column("str", unique=True),
        "root_post_id": pa.Column("str", unique=True),
        "author_id": pa.Column("str", nullable=True, checks=pa.Check(_pseudonyms, error="not a pseudonym")),
        "created_at": pa.Column(UTC_NS, nullable=True),
        "label": pa.Column("str", nullable=True, checks=pa.Check.isin(LABELS)),
        "reported_reposts": pa.Column("Int64", nullable=True, checks=pa.Check.ge(0)),
        "reported_comments": pa.Column("Int64", nullable=True, checks=pa.Check.ge(0)),
        "author_followers": pa.Column("Int64", nullable=True, checks=pa.Check.ge(0)),
        "author_verified": pa.Column("boolean", nullable=True),
        "observed_until": pa.Column(UTC_NS, nullable=True),
    },
    strict=True,
    ordered=True,
    name="cascades",
)

REMOVALS = pa.DataFrameSchema(
    {
        "account": pa.Column("str", checks=pa.Check(_account_pseudonyms, error="not an account pseudonym")),
        "title": pa.Column("str"),
        "published_on": pa.Column("datetime64[ms]"),
        "removal_seen_at": pa.Column(UTC_NS),
        "reason": pa.Column("str", checks=pa.Check.isin(REASONS)),
        "reason_raw": pa.Column("str"),
    },
    strict=True,
    ordered=True,
    name="removals",
)

KEYWORDS = pa.DataFrameSchema(
    {
        "keyword": pa.Column("str"),
        "translation": pa.Column("str", nullable=True),
        "list": pa.Column("str"),
        "date_tested": pa.Column("datetime64[ms]", nullable=True),
        "date_resolution": pa.Column("str", checks=pa.Check.isin(("day", "month"))),
    },
    strict=True,
    ordered=True,
    name="keywords",
)

BLOCKED_URLS = pa.DataFrameSchema(
    {
        "domain": pa.Column("str", checks=pa.Check.str_matches(r"^[a-z0-9][a-z0-9.\-]*\.[a-z]{2,}$")),
        "category": pa.Column("str"),
        "language": pa.Column("str", nullable=True),
        "list": pa.Column("str"),
    },
    unique=["domain", "category"],
    strict=True,
    ordered=True,
    name="blocked_urls",
)

SCHEMAS = {"posts": POSTS, "cascades": CASCADES, "removals": REMOVALS, "keywords": KEYWORDS,
           "blocked_urls": BLOCKED_URLS}


def validate(table: str, df: pd.DataFrame, source) -> pd.DataFrame:
    """Validate ``df`` as the canonical ``table``; a failure is a ``DataError`` naming ``source``.

    The error names the first failing row and the rule it breaks.

    Parameters
    ----------
    table : str
        A key of ``SCHEMAS``: ``posts``, ``cascades``, ``removals``, ``keywords`` or ``blocked_urls``.
    df : pandas.DataFrame
        The table to check: its columns, in order and nothing else (the schemas are strict and ordered).
    source : str or path
        What the error names as its file: the raw file or data set the table came from.

    Returns
    -------
    pandas.DataFrame
        ``df`` as pandera returns it after validation (the schemas coerce nothing).

    Raises
    ------
    DataError
        ``df`` breaks the schema; its ``record`` is the index of the first failing row, when pandera reports one.

    Examples
    --------
    >>> import wechat_study as ws
    >>> from wechat_study import schema
    >>> posts = ws.synthetic_posts(100, seed=0)
    >>> len(schema.validate("posts", posts, "synthetic"))
    152
    >>> try:
    ...     schema.validate("posts", posts.assign(kind="share"), "my-posts.csv")
    ... except ws.DataError as e:
    ...     print(e)
    my-posts.csv: record 0: the posts table breaks its schema: Column 'kind' failed element-wise validator ...
    """
    try:
        return SCHEMAS[table].validate(df)
    except pa.errors.SchemaError as e:
        cases = e.failure_cases
        record = None
        if isinstance(cases, pd.DataFrame) and "index" in cases and len(cases):
            record = cases["index"].iloc[0]
        first = e.args[0].splitlines()[0] if e.args else str(e)
        raise DataError(source, f"the {table} table breaks its schema: {first}", record=record) from None
