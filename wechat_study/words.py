"""The reader's words for the codes the library uses (data set names, removal reasons, model names).

One vocabulary for charts, tables and sentences; ``charts.theme`` re-exports it. It imports nothing heavy, so
the data layer and the command line use it without the charting stack.
"""

from __future__ import annotations

__all__ = ["WORDS", "FIELD_WORDS", "PHRASES", "DATASETS", "word", "dataset_name", "plain"]

import re

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
    # Hawkes fit statuses
    "ok": "fitted", "boundary": "at a bound of the fit", "too_few_events": "too few reposts to fit",
    "supercritical": "supercritical (n* ≥ 1)", "failed": "fit failed",
    # Citizen Lab keyword lists
    "lxb": "Liu Xiaobo", "ncpc19": "19th Party Congress", "709crackdown": "709 crackdown",
    "one_app_two_systems": "One App, Two Systems",
    # segments, outcomes and covariates of the threshold models
    "first_half_before": "first half-year before", "second_half_before": "second half-year before",
    "crossed_500": "reached 500 reposts", "hours_to_500": "hours to 500 reposts",
    "hours_to_100": "hours to 100 reposts",
    "log_followers": "log followers", "log_size": "log size", "z_accounts": "z (accounts)",
}

#: The canonical tables' columns in words, shown before the column's name where a note cites it.
FIELD_WORDS: dict[str, str] = {
    "author_followers": "the author's followers", "author_id": "the author's pseudonym",
    "author_verified": "the author's verified mark", "cascade_id": "the cascade", "created_at": "the post time",
    "date_resolution": "the date's resolution", "date_tested": "the test date", "is_orphan": "an orphan",
    "is_root": "the source post", "observed_until": "the end of observation", "origin_id": "the parent column",
    "parent_id": "the parent", "parent_node": "the parent's position", "post_id": "the post",
    "published_on": "the publication date", "reason_raw": "the notice's text", "removal_seen_at": "the removal time",
    "reported_comments": "the platform's comment count", "reported_reposts": "the platform's repost count",
    "root_post_id": "the source post", "user_id": "the author's id",
}

#: The catalogued data sets' names; any other name is a user's and is shown as given.
DATASETS = frozenset({"ced", "wbmsf", "twitter15", "twitter16", "wechatscope", "citizenlab", "synthetic"})

#: Codes inside free text, replaced before single tokens.
PHRASES: dict[str, str] = {
    "n_a*n_b/(n_a+n_b)": "n\u2081n\u2082/(n\u2081 + n\u2082)",
}

#: Codes that only ever end a longer code ("keywords_lxb" → "keywords: Liu Xiaobo").
_SUFFIXES = ("one_app_two_systems", "709crackdown", "ncpc19", "lxb")

_RHO = re.compile(r"rho_(\d+)_(\d+)")
_TOKEN = re.compile(r"(?<![\w.])[0-9a-z]+(?:_[0-9a-z]+)+(?![\w.])")


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
    code = str(code)
    if code in WORDS:
        return WORDS[code]
    if m := _RHO.fullmatch(code):  # rho_0_05: a ρ recorded in a finding's name
        return f"ρ = {float(m.group(1) + '.' + m.group(2)) * 100:g}%"
    for suffix in _SUFFIXES:
        if code.endswith("_" + suffix):
            return f"{word(code[: -len(suffix) - 1])}: {WORDS[suffix]}"
    return code.replace("_", " ")


def dataset_name(name) -> str:
    """A data set's name for readers: a catalogued one in words (``ced`` → "CED (Weibo)"), a user's as given.

    Parameters
    ----------
    name : object
        The data set's name, compared as a string.

    Returns
    -------
    str
        ``WORDS[name]`` for a name in ``DATASETS``; else the name with its underscores as spaces, never
        translated (a user's data set may be called "failed" or "ok").

    Examples
    --------
    >>> from wechat_study.words import dataset_name
    >>> dataset_name("ced"), dataset_name("failed"), dataset_name("my_posts")
    ('CED (Weibo)', 'failed', 'my posts')
    """
    name = str(name)
    return WORDS[name] if name in DATASETS else name.replace("_", " ")


def plain(text: str, keep: frozenset[str] | set[str] = frozenset()) -> str:
    """Free text with the codes in it read as words (``PHRASES``, then every ``snake_case`` token by ``word``).

    Parameters
    ----------
    text : str
        A sentence, note or table cell.
    keep : set of str, optional
        Tokens left as they are (column names a reader types, shown as code by the caller).

    Returns
    -------
    str
        The text; a token with a dot next to it (a dotted finding name, a file name) is left alone.

    Examples
    --------
    >>> from wechat_study.words import plain
    >>> plain("median regression (log_followers, verified); weights n_a*n_b/(n_a+n_b)")
    'median regression (log followers, verified); weights n₁n₂/(n₁ + n₂)'
    >>> plain("no date tested; date_tested left null", keep={"date_tested"})
    'no date tested; date_tested left null'
    """
    for code, words in PHRASES.items():
        text = text.replace(code, words)
    return _TOKEN.sub(lambda m: m.group(0) if m.group(0) in keep else word(m.group(0)), text)
