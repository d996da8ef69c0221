"""Distinctive words of article titles: which words set one group of titles apart from the others.

Conventions (docs/methods.md#7-censorship-on-wechat):
- script is unified first: every title goes traditional -> simplified (OpenCC ``t2s``), so 學生 and 学生
  are one word;
- titles are segmented into words with jieba (its Rust binding, ``rjieba.cut``); Latin words are lower-cased;
- a token is kept only if it holds at least one CJK ideograph or Latin letter, is not a number (made only of
  Arabic or Chinese numerals, 第, and counting units: 年 月 日 号 岁 元 次 个 点 分 秒 天 届, so a bare 年 left
  by segmenting "2019年" goes too) and is not in ``STOP_WORDS`` (pronouns,
  particles, prepositions, conjunctions, common adverbs and auxiliaries). Punctuation, spaces and emoji go
  with the first rule;
- counts are *title frequencies*: a word counts once per title that holds it (``unit="title"``), or once per
  account whose titles in the group hold it (``unit="account"``, so one prolific account cannot make a word
  distinctive);
- ``log_odds`` is the weighted log-odds ratio with an informative Dirichlet prior of Monroe, Colaresi & Quinn
  (2008, "Fightin' Words", section 3.5): the prior's mean is the pooled frequency of each word, its total
  weight ``prior_tokens`` pseudo-counts; ``z`` is the log-odds over its approximate standard error.
"""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd

from .align import same_index
from .errors import require_columns

__all__ = [
    "STOP_WORDS", "GLOSSARY", "to_simplified", "is_content_word", "words", "title_words", "word_table",
    "word_counts", "log_odds", "distinctive_words", "bonferroni_z", "distinctive_summary", "prior_sensitivity",
    "record_distinctive", "word_list"
]

_STOP_TEXT = """
的 了 是 在 和 与 及 或 也 都 就 还 又 再 才 却 而 但 但是 而且 并 并且 所以 因为 如果 虽然 然后 于是 那么
我 你 您 他 她 它 我们 你们 他们 她们 它们 咱们 自己 大家 别人 人家 谁 什么 怎么 怎样 怎么样 为什么 为何 如何
哪 哪里 哪些 这 那 这个 那个 这些 那些 这样 那样 这么 那么 这里 那里 此 其 之 所 者 等 等等
吗 呢 吧 啊 呀 哦 哈 嘛 啦 么 着 过 得 地 被 把 将 对 对于 从 向 到 给 让 为 为了 以 于 由 比 跟 同 在于
很 太 更 最 非常 特别 真 真的 只 只是 只有 已 已经 正在 曾 曾经 一直 一定 可能 可以 能 能够 会 要 想 应该 必须
不 没 没有 不是 不要 别 有 有些 一些 一下 一个 一种 一样 一起 一次 个 些 种 们
还是 就是 不过 甚至 其实 竟然 居然 终于 到底 究竟 原来 即将 刚刚 今天 明天 昨天 今年 现在 如今
the a an of to in on for and or is are was be with by at as from this that it its
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

#: English glosses of some words, for readers of the reports (a small dictionary, not data; words not here
#: are shown without a gloss).
GLOSSARY = {
    "中国": "China", "中": "China (short form)", "美国": "the United States", "美": "the US (short form)",
    "特朗普": "Trump", "贸易战": "trade war", "疫苗": "vaccine", "崔永元": "Cui Yongyuan (TV host)",
    "任志强": "Ren Zhiqiang (property tycoon)", "教授": "professor", "香港": "Hong Kong", "台湾": "Taiwan",
    "日本": "Japan", "经济": "economy", "黑人": "Black people", "评价": "appraisal", "心服口服": "utterly convinced",
    "双十": "Double Ten (10 October)", "震撼": "shocking", "名单": "list of names", "全球": "global",
    "公布": "announce", "出来": "come out", "逃犯": "fugitive", "判决": "court verdict", "演唱会": "concert",
    "疯": "crazy", "揭露": "expose", "科学": "science", "崔": "Cui (a surname)", "小时": "hour", "一件": "one thing",
    "工作": "work, job", "招聘": "hiring", "求职": "job seeking", "信息": "information", "公众": "public",
    "后": "after", "买": "buy", "身份": "identity", "发现": "discover", "老公": "husband", "离婚": "divorce",
    "回家": "go home", "政府": "government", "警察": "police", "人民": "the people", "官员": "official",
    "腐败": "corruption", "抗议": "protest", "武汉": "Wuhan", "疫情": "epidemic", "肺炎": "pneumonia",
    "病毒": "virus", "共产党": "Communist Party", "党": "the Party", "民主": "democracy", "自由": "freedom",
    "习近平": "Xi Jinping", "学生": "student", "曝光": "exposed", "网友": "netizens", "视频": "video",
    "巴拿马": "Panama", "巴拿馬": "Panama (traditional script)", "可": "can, may",
}

_WORD = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z]")
_NUMBER = re.compile(r"^[0-9０-９.,%．·\-+第〇零一二两三四五六七八九十百千万亿几余年月日号岁元次个点分秒天届]+$")


@cache
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(texts: pd.Series) -> pd.Series:
    """Each text converted from traditional to simplified script (OpenCC ``t2s``); missing becomes ``""``.

    Parameters
    ----------
    texts : pandas.Series
        Texts (titles); values that are not text are converted with ``str``.

    Returns
    -------
    pandas.Series
        The simplified texts, same index.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> titles.to_simplified(pd.Series(["學生在香港", None])).tolist()
    ['学生在香港', '']
    """
    convert = _converter().convert
    return texts.fillna("").astype(str).map(convert)


def is_content_word(token: str) -> bool:
    """The stated rule: a letter or ideograph, not a number, not a stop-word (see the module docstring).

    Parameters
    ----------
    token : str
        One segmented token, already lower-cased.

    Returns
    -------
    bool
        True when the token holds a CJK ideograph or Latin letter, is not a number (digits, Chinese numerals,
        第 and counting units only) and is not in ``STOP_WORDS``.

    Examples
    --------
    >>> from wechat_study import titles
    >>> [titles.is_content_word(t) for t in ("学生", "2019年", "的", "！", "covid")]
    [True, False, False, False, True]
    """
    return bool(_WORD.search(token)) and not _NUMBER.match(token) and token not in STOP_WORDS


def words(title: str) -> list[str]:
    """The content words of one (already simplified) title, in order, repeats kept.

    Parameters
    ----------
    title : str
        A title in simplified script (``to_simplified``).

    Returns
    -------
    list of str
        The tokens of jieba's segmentation (``rjieba.cut``), stripped and lower-cased, that pass
        ``is_content_word``.

    Examples
    --------
    >>> from wechat_study import titles
    >>> titles.words("美国学生在香港抗议2019年")
    ['美国', '学生', '香港', '抗议']
    """
    import rjieba

    return [t for t in (w.strip().lower() for w in rjieba.cut(title)) if t and is_content_word(t)]


def title_words(titles: pd.Series) -> pd.Series:
    """Script-unified, segmented, filtered words of each title (a list per title, same index).

    Parameters
    ----------
    titles : pandas.Series
        Titles in either script; missing titles give an empty list.

    Returns
    -------
    pandas.Series
        ``words(to_simplified(title))`` for each title: a list of words, same index.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> titles.title_words(pd.Series(["美國學生抗議", "中国疫苗"])).tolist()
    [['美国', '学生', '抗议'], ['中国', '疫苗']]
    """
    return to_simplified(titles).map(words)


def word_table(tokens: pd.Series, groups: pd.Series, accounts: pd.Series) -> pd.DataFrame:
    """One row per title and distinct word of it: ``title`` (the title's position), ``group``, ``account``,
    ``word``. Titles without a content word have no row.

    Parameters
    ----------
    tokens : pandas.Series
        The words of each title (``title_words``); a word repeated in one title counts once.
    groups : pandas.Series
        The group of each title (e.g. its removal reason), stored as text: a Series with ``tokens``' index
        (``align.same_index``), or an array in row order.
    accounts : pandas.Series
        The account of each title, as for ``groups``.

    Returns
    -------
    pandas.DataFrame
        Columns ``title`` (0-based position), ``group``, ``account``, ``word``; each title's words sorted.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> tokens = titles.title_words(pd.Series(["美国学生抗议", "中国疫苗"]))
    >>> table = titles.word_table(tokens, pd.Series(["violation", "author_deleted"]), pd.Series(["a1", "a2"]))
    >>> table[["title", "group", "word"]].values.tolist()
    [[0, 'violation', '学生'], [0, 'violation', '抗议'], [0, 'violation', '美国'],
     [1, 'author_deleted', '中国'], [1, 'author_deleted', '疫苗']]
    """
    same_index(tokens, groups=groups, accounts=accounts)
    rows = pd.DataFrame({"title": np.arange(len(tokens)), "group": np.asarray(groups, object).astype(str),
                         "account": np.asarray(accounts, dtype=object),
                         "word": [sorted(set(w)) for w in tokens]})
    return rows.explode("word").dropna(subset=["word"]).reset_index(drop=True)


def word_counts(table: pd.DataFrame, unit: str = "title") -> pd.DataFrame:
    """A words x groups table of counts (from ``word_table``): titles (``unit="title"``) or accounts
    (``unit="account"``) of each group whose titles hold the word.

    Parameters
    ----------
    table : pandas.DataFrame
        ``word_table``'s rows.
    unit : {"title", "account"}
        Count titles, or distinct accounts per group.

    Returns
    -------
    pandas.DataFrame
        Words (sorted) by groups, integer counts, 0 where a group lacks the word.

    Raises
    ------
    ValueError
        When ``unit`` is neither ``"title"`` nor ``"account"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> tokens = titles.title_words(pd.Series(["美国学生", "美国疫苗", "中国疫苗"]))
    >>> table = titles.word_table(tokens, pd.Series(["violation", "violation", "author_deleted"]),
    ...                           pd.Series(["a1", "a1", "a2"]))
    >>> titles.word_counts(table).loc["美国"].to_dict()
    {'author_deleted': 0, 'violation': 2}
    >>> titles.word_counts(table, unit="account").loc["美国"].to_dict()
    {'author_deleted': 0, 'violation': 1}
    """
    if unit not in ("title", "account"):
        raise ValueError(f"unit must be 'title' or 'account', not {unit!r}")
    long = table if unit == "title" else table.drop_duplicates(["group", "account", "word"])
    return long.groupby(["word", "group"]).size().unstack(fill_value=0).sort_index().astype(np.int64)


def _against_rest(table: pd.DataFrame, group: str, unit: str) -> pd.DataFrame:
    """Counts of each word in ``group`` (column ``a``) and in every other group pooled (``b``)."""
    pooled = table.assign(group=np.where(table["group"] == group, "a", "b"))
    return word_counts(pooled, unit).reindex(columns=["a", "b"], fill_value=0)


def log_odds(y_a, y_b, prior_tokens: float = 1000.0) -> pd.DataFrame:
    """Weighted log-odds ratio of each word, group a against group b, with an informative Dirichlet prior.

    ``y_a``, ``y_b``: counts per word (aligned Series or arrays). The prior is ``alpha_w = prior_tokens *
    pi_w`` with ``pi_w`` the pooled share of word w. Returns ``delta`` (log-odds of w in a minus in b; > 0 =
    more typical of a), ``se`` = sqrt(1/(y_a+alpha) + 1/(y_b+alpha)) and ``z = delta / se``.

    Parameters
    ----------
    y_a, y_b : pandas.Series or array_like
        Counts per word in group a and in group b, non-negative: two Series must share one index
        (``align.same_index``), arrays pair by position.
    prior_tokens : float
        The prior's total weight in pseudo-counts (Monroe, Colaresi & Quinn 2008, section 3.5).

    Returns
    -------
    pandas.DataFrame
        ``delta``, ``se`` and ``z`` per word, indexed like ``y_a`` when it is a Series.

    Raises
    ------
    ValueError
        When the two count vectors differ in shape or hold a negative count, or when a word has no count in
        either group.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> a, b = pd.Series([10, 2, 5], index=["x", "y", "z"]), pd.Series([3, 8, 5], index=["x", "y", "z"])
    >>> titles.log_odds(a, b, prior_tokens=10).round(3)
       delta     se      z
    x  1.076  0.465  2.315
    y -1.169  0.538 -2.172
    z -0.054  0.499 -0.109
    """
    index = y_a.index if isinstance(y_a, pd.Series) else None
    same_index(y_a, y_b=y_b)
    a, b = np.asarray(y_a, float), np.asarray(y_b, float)
    if a.shape != b.shape or (a < 0).any() or (b < 0).any():
        raise ValueError("log_odds needs two non-negative count vectors")
    if ((a + b) == 0).any():
        raise ValueError("log_odds needs every word to occur at least once in one of the groups")
    n_a, n_b = a.sum(), b.sum()
    alpha = prior_tokens * (a + b) / (n_a + n_b)
    delta = (np.log((a + alpha) / (n_a + prior_tokens - a - alpha))
             - np.log((b + alpha) / (n_b + prior_tokens - b - alpha)))
    se = np.sqrt(1 / (a + alpha) + 1 / (b + alpha))
    return pd.DataFrame({"delta": delta, "se": se, "z": delta / se}, index=index)


def distinctive_words(table: pd.DataFrame, group: str, prior_tokens: float = 1000.0, min_accounts: int = 5,
                      top: int | None = 15) -> pd.DataFrame:
    """The words most typical of ``group``'s titles against all other titles (``word_table``), by z-score.

    A word is shown only when titles of at least ``min_accounts`` accounts in the group hold it (so no word
    is one account's series name). Columns: ``word``, ``gloss`` (English, from ``GLOSSARY``, else empty),
    ``titles`` (in the group), ``titles_other``, ``accounts``,
    ``delta, ci_low, ci_high`` (95% normal interval of the log-odds), ``z``, and ``z_accounts`` (the same
    estimate on account counts, a check against prolific accounts). ``top=None`` keeps every word.

    Parameters
    ----------
    table : pandas.DataFrame
        ``word_table``'s rows.
    group : str
        The group whose titles are set against all the others pooled.
    prior_tokens : float
        The prior's weight, as for ``log_odds``.
    min_accounts : int
        Accounts of the group whose titles must hold a word for it to be shown.
    top : int or None
        Rows kept, highest z first (ties by word); None keeps every word.

    Returns
    -------
    pandas.DataFrame
        The columns above, sorted by ``z`` descending.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> heads = pd.Series(["美国学生抗议", "美国总统特朗普", "中国经济", "中国疫苗", "美国与中国", "美国疫苗"])
    >>> groups = pd.Series(["violation"] * 2 + ["author_deleted"] * 2 + ["violation"] * 2)
    >>> table = titles.word_table(titles.title_words(heads), groups, pd.Series(["a1", "a2", "a3", "a3", "a4", "a5"]))
    >>> d = titles.distinctive_words(table, "violation", prior_tokens=10, min_accounts=2)
    >>> d[["word", "gloss", "titles", "titles_other", "accounts"]].to_dict("records")
    [{'word': '美国', 'gloss': 'the United States', 'titles': 4, 'titles_other': 0, 'accounts': 4}]
    >>> round(float(d.loc[0, "z"]), 2)
    1.01
    """
    by_title, by_account = _against_rest(table, group, "title"), _against_rest(table, group, "account")
    est = log_odds(by_title["a"], by_title["b"], prior_tokens)
    est_acc = log_odds(by_account["a"], by_account["b"], prior_tokens)
    out = pd.DataFrame({"word": by_title.index.to_numpy(), "titles": by_title["a"].to_numpy(),
                        "titles_other": by_title["b"].to_numpy(),
                        "accounts": by_account["a"].reindex(by_title.index).to_numpy(),
                        **{k: est[k].to_numpy() for k in est.columns}})
    out["z_accounts"] = est_acc["z"].reindex(by_title.index).to_numpy()
    out["ci_low"], out["ci_high"] = out["delta"] - 1.96 * out["se"], out["delta"] + 1.96 * out["se"]
    out["gloss"] = out["word"].map(GLOSSARY).fillna("")
    out = out[out["accounts"] >= min_accounts].sort_values(["z", "word"], ascending=[False, True])
    cols = ["word", "gloss", "titles", "titles_other", "accounts", "delta", "ci_low", "ci_high", "z", "z_accounts"]
    return (out if top is None else out.head(top))[cols].reset_index(drop=True)


def bonferroni_z(vocabulary: int, level: float = 0.05) -> float:
    """The one-sided z a word must pass for its group when ``vocabulary`` words are tested at once.

    Parameters
    ----------
    vocabulary : int
        Words tested; below 1 counts as 1.
    level : float
        The family-wise one-sided level, a share (0.05).

    Returns
    -------
    float
        The standard normal quantile exceeded with probability ``level / vocabulary``.

    Examples
    --------
    >>> from wechat_study import titles
    >>> round(titles.bonferroni_z(1), 3), round(titles.bonferroni_z(100), 3)
    (1.645, 3.291)
    """
    from scipy import stats

    return float(stats.norm.isf(level / max(vocabulary, 1)))


def distinctive_summary(table: pd.DataFrame, prior_tokens: float = 1000.0, min_accounts: int = 5,
                        level: float = 0.05) -> pd.DataFrame:
    """Per group of ``word_table``: ``titles`` (with at least one content word), ``words_tested`` (words held by
    titles of at least ``min_accounts`` of its accounts), ``z_bonferroni`` (the one-sided z for ``level`` over
    those words), ``words_distinctive`` (words past it) and ``words_distinctive_accounts`` (of those, the words
    past it also counting each account once: titles cluster by account, so a word many titles of a few accounts
    share passes on title counts alone).

    Parameters
    ----------
    table : pandas.DataFrame
        ``word_table``'s rows.
    prior_tokens : float
        The prior's weight, as for ``log_odds``.
    min_accounts : int
        As for ``distinctive_words``.
    level : float
        The family-wise one-sided level of ``bonferroni_z``.

    Returns
    -------
    pandas.DataFrame
        One row per group, sorted by name: ``group, titles, words_tested, z_bonferroni, words_distinctive,
        words_distinctive_accounts``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> heads = pd.Series(["美国学生抗议", "美国总统特朗普", "中国经济", "中国疫苗", "美国与中国", "美国疫苗"])
    >>> groups = pd.Series(["violation"] * 2 + ["author_deleted"] * 2 + ["violation"] * 2)
    >>> table = titles.word_table(titles.title_words(heads), groups, pd.Series(["a1", "a2", "a3", "a3", "a4", "a5"]))
    >>> summary = titles.distinctive_summary(table, prior_tokens=10, min_accounts=1).round(3)
    >>> summary.drop(columns="words_distinctive_accounts")
                group  titles  words_tested  z_bonferroni  words_distinctive
    0  author_deleted       2             3         2.128                  0
    1       violation       4             7         2.450                  0
    """
    rows = []
    titles = table.drop_duplicates("title").groupby("group").size()
    for g in sorted(titles.index):
        d = distinctive_words(table, g, prior_tokens, min_accounts, top=None)
        z = bonferroni_z(len(d), level)
        rows.append({"group": g, "titles": int(titles[g]), "words_tested": len(d), "z_bonferroni": z,
                     "words_distinctive": int((d["z"] > z).sum()),
                     "words_distinctive_accounts": int(((d["z"] > z) & (d["z_accounts"] > z)).sum())})
    return pd.DataFrame(rows)


def prior_sensitivity(table: pd.DataFrame, group: str, priors, reference: float = 1000.0, min_accounts: int = 5,
                      top: int = 10) -> pd.DataFrame:
    """How much the top ``top`` words of ``group`` depend on the prior's weight: for each ``prior_tokens`` in
    ``priors``, how many of its top words are among the top words under ``reference``: ``prior_tokens, shared, of``.

    Parameters
    ----------
    table : pandas.DataFrame
        ``word_table``'s rows.
    group : str
        The group, as for ``distinctive_words``.
    priors : iterable of float
        The prior weights (``prior_tokens``) to compare.
    reference : float
        The prior weight the report uses.
    min_accounts : int
        As for ``distinctive_words``.
    top : int
        How many top words are compared.

    Returns
    -------
    pandas.DataFrame
        One row per prior weight: ``prior_tokens``, ``shared`` (top words in common with the reference's) and
        ``of`` (``top``).

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> heads = pd.Series(["美国学生抗议", "美国总统特朗普", "中国经济", "中国疫苗", "美国与中国", "美国疫苗"])
    >>> groups = pd.Series(["violation"] * 2 + ["author_deleted"] * 2 + ["violation"] * 2)
    >>> table = titles.word_table(titles.title_words(heads), groups, pd.Series(["a1", "a2", "a3", "a3", "a4", "a5"]))
    >>> titles.prior_sensitivity(table, "violation", [1, 100], reference=10, min_accounts=1, top=2)
       prior_tokens  shared  of
    0             1       2   2
    1           100       2   2
    """
    ref = set(distinctive_words(table, group, reference, min_accounts, top)["word"])
    return pd.DataFrame([{"prior_tokens": p, "shared": len(ref & set(
        distinctive_words(table, group, p, min_accounts, top)["word"])), "of": top} for p in priors])


def record_distinctive(table: pd.DataFrame, prefix: str, reasons, prior_tokens: float = 1000.0,
                       min_accounts: int = 5, top: int = 10, priors=(100.0, 10_000.0)) -> pd.DataFrame:
    """Findings ``<prefix>.titles.<reason>.top_words`` (the ``top`` distinctive words with log-odds, interval,
    z), ``.words_tested``, ``.words_distinctive`` (past the Bonferroni line), ``.words_distinctive_accounts``
    (past it counting accounts too) and ``.top_words_shared`` (how many of the top words stay the top words
    under each prior weight in ``priors``), for each reason in ``reasons`` that has titles (``word_table``
    grouped by reason). Returns the top words of every reason, stacked.

    A reason with no word tested gets only ``.words_tested``. Findings go to the run's findings file
    (``ws.record_finding``); outside ``wechat-study reproduce`` their names and values are still checked.

    Parameters
    ----------
    table : pandas.DataFrame
        ``word_table``'s rows, grouped by removal reason.
    prefix : str
        The findings' prefix (``censorship.wechatscope``).
    reasons : iterable of str
        The reasons to record, in order; a reason without titles in ``table`` is skipped.
    prior_tokens : float
        The prior's weight, as for ``log_odds``.
    min_accounts : int
        As for ``distinctive_words``.
    top : int
        Top words recorded per reason.
    priors : tuple of float
        Other prior weights for ``.top_words_shared`` (``prior_sensitivity``).

    Returns
    -------
    pandas.DataFrame
        ``reason`` then ``distinctive_words``' columns and ``z_bonferroni``, reason by reason; empty (with those
        columns) when no reason has words.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> heads = pd.Series(["美国学生抗议", "美国总统特朗普", "中国经济", "中国疫苗", "美国与中国", "美国疫苗"])
    >>> groups = pd.Series(["violation"] * 2 + ["author_deleted"] * 2 + ["violation"] * 2)
    >>> table = titles.word_table(titles.title_words(heads), groups, pd.Series(["a1", "a2", "a3", "a3", "a4", "a5"]))
    >>> top = titles.record_distinctive(table, "censorship.mine", ["violation", "complaint"], prior_tokens=10,
    ...                                 min_accounts=1, top=3)
    >>> top[["reason", "word", "titles", "accounts"]].values.tolist()
    [['violation', '美国', 4, 4], ['violation', '学生', 1, 1], ['violation', '总统', 1, 1]]
    """
    from .findings import record_finding

    summary = distinctive_summary(table, prior_tokens, min_accounts).set_index("group")
    frames = []
    for reason in [r for r in reasons if r in summary.index]:
        name, s = f"{prefix}.titles.{reason}", summary.loc[reason]
        record_finding(f"{name}.words_tested", int(s["words_tested"]),
                       note=f"words in titles of at least {min_accounts} accounts with this reason")
        if not s["words_tested"]:
            continue
        words_ = distinctive_words(table, reason, prior_tokens, min_accounts, top)
        record_finding(f"{name}.words_distinctive", int(s["words_distinctive"]),
                       note=f"words with z > {s['z_bonferroni']:.2f} (one-sided 5%, Bonferroni over the words tested)")
        record_finding(f"{name}.words_distinctive_accounts", int(s["words_distinctive_accounts"]),
                       note=f"of the words_distinctive, those with z > {s['z_bonferroni']:.2f} counting each account "
                            "once as well")
        record_finding(f"{name}.top_words", words_.drop(columns=["titles_other"]), tolerance=1e-9,
                       note="log-odds against other removals' titles, informative Dirichlet prior of "
                            f"{prior_tokens:,.0f}")
        shared = prior_sensitivity(table, reason, priors, prior_tokens, min_accounts, top)
        record_finding(f"{name}.top_words_shared", shared, tolerance=0,
                       note=f"of the top {top} words, how many stay the top words under another prior weight")
        frames.append(words_.assign(reason=reason, z_bonferroni=s["z_bonferroni"]))
    if not frames:
        return pd.DataFrame(columns=["reason", "word", "gloss", "titles", "titles_other", "accounts", "delta", "ci_low",
                                     "ci_high", "z", "z_accounts", "z_bonferroni"])
    out = pd.concat(frames, ignore_index=True)
    return out[["reason", *[c for c in out.columns if c != "reason"]]]


def word_list(top: pd.DataFrame, reason: str, n: int = 6, past_line: bool = True) -> str:
    """The first ``n`` words of ``reason`` in ``record_distinctive``'s table, with gloss and z, for a sentence:
    ``中国 'China' (z = 13.6); 美国 'the United States' (z = 9.0)``. Only words past the Bonferroni line when
    ``past_line``; "none" when there are none.

    Parameters
    ----------
    top : pandas.DataFrame
        ``record_distinctive``'s table.
    reason : str
        The reason whose words are listed.
    n : int
        Words at most, in the table's order (highest z first).
    past_line : bool
        Keep only words whose z exceeds the reason's ``z_bonferroni``.

    Returns
    -------
    str
        The words joined by "; ", each with its quoted gloss when it has one and its z to one decimal; "none"
        when no word is left.

    Raises
    ------
    ValueError
        When ``top`` lacks one of its columns.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import titles
    >>> heads = pd.Series(["美国学生抗议", "美国总统特朗普", "中国经济", "中国疫苗", "美国与中国", "美国疫苗"])
    >>> groups = pd.Series(["violation"] * 2 + ["author_deleted"] * 2 + ["violation"] * 2)
    >>> table = titles.word_table(titles.title_words(heads), groups, pd.Series(["a1", "a2", "a3", "a3", "a4", "a5"]))
    >>> top = titles.record_distinctive(table, "censorship.mine", ["violation"], prior_tokens=10, min_accounts=1,
    ...                                 top=3)
    >>> titles.word_list(top, "violation", past_line=False)
    "美国 'the United States' (z = 1.0); 学生 'student' (z = 0.4); 总统 (z = 0.4)"
    >>> titles.word_list(top, "violation")
    'none'
    """
    require_columns(top, ("reason", "word", "gloss", "z", "z_bonferroni"), "titles.word_list",
                    "record_distinctive's table has them")
    rows = top[(top["reason"] == reason) & top["z"].notna() & ((top["z"] > top["z_bonferroni"]) | (not past_line))]
    shown = [f"{r.word}{f' {r.gloss!r}' if isinstance(r.gloss, str) and r.gloss else ''} (z = {r.z:.1f})"
             for r in rows.head(n).itertuples()]
    return "; ".join(shown) or "none"
