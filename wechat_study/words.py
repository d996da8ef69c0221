"""The reader's words for the codes the library uses (data set names, removal reasons, model names).

One vocabulary for charts, tables and sentences; ``charts.theme`` re-exports it. It imports nothing heavy, so
the data layer and the command line use it without the charting stack.
"""

from __future__ import annotations

__all__ = ["WORDS", "word"]

#: Legend and axis words for the codes the library uses.
WORDS: dict[str, str] = {
    "ced": "CED (Weibo)", "wbmsf": "Wb-MSF (Weibo)", "twitter15": "Twitter15", "twitter16": "Twitter16",
    "wechatscope": "WeChatscope", "citizenlab": "Citizen Lab", "synthetic": "synthetic",
    "author_deleted": "deleted by the author", "violation": "removed for a rule violation",
    "rule_violation": "removed for a rule violation", "account_blocked": "account blocked",
    "complaint": "removed after a complaint", "migrated": "account migrated", "account_migrated": "account migrated",
    "count_baseline": "count baseline", "seismic": "SEISMIC", "hawkes": "Hawkes", "hawkes_marked": "marked Hawkes",
    "logistic": "logistic regression", "rho": "ρ", "non_rumour": "non-rumour",
    "source_followers": "source's followers", "hawkes_pooled": "pooled Hawkes",
    "feature_model": "feature model", "count_speed": "time to the k-th repost",
}


def word(code) -> str:
    """The reader's word for a code (``author_deleted`` → "deleted by the author").

    Parameters
    ----------
    code : object
        A code, compared as a string.

    Returns
    -------
    str
        Its word in ``WORDS``; a code not listed there has its underscores turned to spaces.

    Examples
    --------
    >>> from wechat_study.words import word
    >>> word("author_deleted"), word("wbmsf"), word("time_to_500")
    ('deleted by the author', 'Wb-MSF (Weibo)', 'time to 500')
    """
    return WORDS.get(str(code), str(code).replace("_", " "))
