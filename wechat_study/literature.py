"""The findings against the literature: each headline beside the published figure it echoes or contradicts.

Each record in ``COMPARISONS`` pairs one finding of the ledger (``reports/findings.json``, by name) with
a published figure, the population each describes and how the two relate. Only figures read in a source
are written down; what could not be read is named in ``not_checked``, and ``checked`` says where each
figure was read (the address of the abstract, publisher's page, report or, where marked, a secondary
summary). The records are data: nothing here reaches the network.

``table(topic)`` gives one topic's comparisons as a DataFrame for a report; ``markdown()`` renders the
table printed in docs/methods.md §16 (docs/methods.md#16-the-findings-against-the-literature), where a
paragraph per disagreement explains how the populations differ.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, fields

import pandas as pd

from .words import word

__all__ = [
    "TOPICS", "RELATIONS", "CED", "CED_CROSSERS", "CED_TEST", "WECHAT", "GOEL", "GOEL_CHECKED", "JUUL",
    "JUUL_CHECKED", "ZHAO", "ZHAO_CHECKED", "CHENG", "CHENG_CHECKED", "ZHU", "ZHU_CHECKED", "FU", "FU_CHECKED",
    "KING", "KING_CHECKED", "CITIZENLAB_2016", "CITIZENLAB_2016_CHECKED", "CITIZENLAB_2015",
    "CITIZENLAB_2015_CHECKED", "TAI_FU", "TAI_FU_CHECKED", "WECHATSCOPE_2018", "WECHATSCOPE_2018_CHECKED",
    "Comparison", "COMPARISONS", "table", "SHORT", "markdown", "for_report"
]

TOPICS = ("cascades", "thresholds", "censorship", "early_warning", "counterfactual")
RELATIONS = ("echoes", "contradicts", "differs in population", "differs in design", "differs in task")

# Populations of the project's data, as the findings describe them.
CED = (
    "CED: 3,387 Weibo cascades gathered for rumour detection (1,538 rumours from Weibo's refutation reports, "
    "1,849 non-rumours), a window of roughly 100-999 reposts; source posts up to April 2014"
)
CED_CROSSERS = "CED's 989 cascades that reach 500 observed reposts (of the 3,387 in its ~100-999 window)"
CED_TEST = "the later 30% of CED cascades still under 500 reposts one hour after posting (1,010; 330 cross)"
WECHAT = (
    "WeChatscope archive: 17,411 public-account articles removed 2018-07 to 2020-09 (1,852 accounts), as "
    "an hourly scraper of WeChatscope's site saw them; removals only, no articles that stayed up"
)

GOEL = (
    "Goel, Anderson, Hofman & Watts (2016), 'The Structural Virality of Online Diffusion', "
    "Management Science 62(1):180-196, doi:10.1287/mnsc.2015.2158"
)
GOEL_CHECKED = (
    "abstract at https://ideas.repec.org/a/inm/ormnsc/v62y2016i1p180-196.html (IDEAS/RePEc); "
    "article opening at https://studylib.net/doc/13405194/management-science"
)
JUUL = (
    "Juul & Ugander (2021), 'Comparing information diffusion mechanisms by matching on cascade size', "
    "PNAS, doi:10.1073/pnas.2100786118"
)
JUUL_CHECKED = (
    "significance statement and abstract at https://pmc.ncbi.nlm.nih.gov/articles/PMC8609637/ (PubMed Central); "
    "DOI at https://staging.scite.ai/reports/comparing-information-diffusion-mechanisms-by-vJkrzJXv"
)
ZHAO = (
    "Zhao, Erdogdu, He, Rajaraman & Leskovec (2015), 'SEISMIC: A Self-Exciting Point Process Model for "
    "Predicting Tweet Popularity', KDD 2015 (arXiv:1506.02594)"
)
ZHAO_CHECKED = (
    "abstract at https://www.emergentmind.com/articles/1506.02594 (arXiv 1506.02594v1) and the paper's opening "
    "at https://studylib.net/doc/18659122/seismic--a-self-exciting-point-process-model-for-predicting; "
    "data description at http://snap.stanford.edu/seismic/ (the authors' page)"
)
CHENG = (
    "Cheng, Adamic, Dow, Kleinberg & Leskovec (2014), 'Can cascades be predicted?', WWW 2014, "
    "doi:10.1145/2566486.2567997 (arXiv:1403.4608)"
)
CHENG_CHECKED = (
    "abstract at https://pdf.arxiv.org/abs/1403.4608 and "
    "https://research.fb.com/publications/can-cascades-be-predicted/; "
    "introduction at https://de.scribd.com/document/214459591/Can-Cascades-Be-Predicted"
)
ZHU = (
    "Zhu, Phipps, Pridgen, Crandall & Wallach (2013), 'The Velocity of Censorship: High-Fidelity Detection of "
    "Microblog Post Deletions', 22nd USENIX Security Symposium (arXiv:1303.0597)"
)
ZHU_CHECKED = (
    "abstract at https://usenix.org/conference/usenixsecurity13/technical-sessions/paper/zhu (USENIX) and "
    "https://arxiv.boxedpaper.com/abs/1303.0597 (arXiv 1303.0597v2)"
)
FU = (
    "Fu, Chan & Chau (2013), 'Assessing Censorship on Microblogs in China: Discriminatory Keyword Analysis and the "
    "Real-Name Registration Policy', IEEE Internet Computing 17(3):42-50, doi:10.1109/MIC.2013.28"
)
FU_CHECKED = "abstract at http://www.computer.org/csdl/mags/ic/2013/03/mic2013030042-abs.html (IEEE Computer Society)"
KING = (
    "King, Pan & Roberts (2013), 'How Censorship in China Allows Government Criticism but Silences Collective "
    "Expression', American Political Science Review 107(2):326-343, doi:10.1017/S0003055413000014"
)
KING_CHECKED = (
    "abstract and citation at https://dash.harvard.edu/handle/1/11878767 (Harvard DASH); "
    "article opening at https://www.scribd.com/document/527483927/Censored"
)
CITIZENLAB_2016 = (
    "Citizen Lab (November 2016), 'One App, Two Systems: How WeChat uses "
    "one censorship policy in China and another internationally'"
)
CITIZENLAB_2016_CHECKED = "key findings at https://citizenlab.org/2016/11/wechat-china-censorship-one-app-two-systems/"
CITIZENLAB_2015 = (
    "Citizen Lab (Ng, July 2015), 'Politics, Rumors, and Ambiguity: Tracking Censorship on WeChat's Public "
    "Accounts Platform'"
)
CITIZENLAB_2015_CHECKED = (
    "summary at https://citizenlab.ca/2015/07/tracking-censorship-on-wechat-public-accounts-platform/; "
    "author at https://just-tech.ssrc.org/citation/politics-rumors-and-ambiguitytracking-censorship-on-wechats-public-accounts-platform/"
)
TAI_FU = (
    "Tai & Fu (2020), 'Specificity, Conflict, and Focal Point: A Systematic Investigation into Social Media "
    "Censorship in China', Journal of Communication 70(6):842-867"
)
TAI_FU_CHECKED = "abstract and citation at https://repository.hku.hk/handle/10722/293195 (HKU Scholars Hub)"
WECHATSCOPE_2018 = (
    "WeChatscope (Marcus Wang & Stella Fan), report on the censored WeChat topics of 2018, as reported on "
    "15 February 2019"
)
WECHATSCOPE_2018_CHECKED = (
    "news reports at https://www.cnbc.com/2019/02/15/most-controversial-topics-on-tencents-wechat-in-2018-report.html "
    "and https://www.mastermindupdate.com/world-news/"
    "wechats-most-censored-topics-in-2018-include-us-china-trade-war-huawei-cfo-arrest/ "
    "(secondary: the report itself was not read)"
)


@dataclass(frozen=True)
class Comparison:
    """One headline beside one published figure.

    ``our_finding`` is a ledger name; ``headline`` says in words, without its numbers, what that finding
    shows (tables take the numbers from the ledger); ``published`` is the
    figure in words as the source gives it; ``relation`` is one of ``RELATIONS``; ``checked`` says where the
    figure was read; ``not_checked`` names what could not be read (empty when everything was).

    Parameters
    ----------
    topic : str
        One of ``TOPICS``.
    headline : str
        What our finding shows, in words, without its numbers.
    our_finding : str
        The finding's name in the ledger.
    our_population : str
        The population our finding describes.
    published : str
        The published figure in words, as the source gives it.
    their_population : str
        The population the published figure describes.
    relation : str
        One of ``RELATIONS``.
    citation : str
        The source in full.
    checked : str
        Where the figure was read.
    not_checked : str
        What could not be read (empty when everything was).

    Raises
    ------
    ValueError
        ``topic`` is not one of ``TOPICS``, or ``relation`` not one of ``RELATIONS``.

    Examples
    --------
    >>> from wechat_study.literature import COMPARISONS
    >>> c = COMPARISONS[0]
    >>> c.topic, c.relation, c.our_finding
    ('cascades', 'echoes', 'thresholds.ced.share_of_500th_reposts_at_depth_1')
    """

    topic: str
    headline: str
    our_finding: str
    our_population: str
    published: str
    their_population: str
    relation: str
    citation: str
    checked: str
    not_checked: str = ""

    def __post_init__(self) -> None:
        if self.topic not in TOPICS:
            raise ValueError(f"topic {self.topic!r} is not one of {TOPICS}")
        if self.relation not in RELATIONS:
            raise ValueError(f"relation {self.relation!r} is not one of {RELATIONS}")


COMPARISONS: tuple[Comparison, ...] = (
    # --- cascades -------------------------------------------------------------------------------------
    Comparison(
        topic="cascades",
        headline="About half the 500th reposts hang directly off the source post",
        our_finding="thresholds.ced.share_of_500th_reposts_at_depth_1",
        our_population=CED_CROSSERS,
        published=(
            "structural virality is typically low, and remains so independent of size, suggesting that popularity "
            "is largely driven by the size of the largest broadcast; popular events grow by broadcast, by viral "
            "spread and by every combination of the two"
        ),
        their_population="a billion diffusion events on Twitter: news stories, videos, images and petitions",
        relation="echoes",
        citation=GOEL,
        checked=GOEL_CHECKED,
        not_checked="the paper's numeric distributions of structural virality (its figures and tables were not read)",
    ),
    Comparison(
        topic="cascades",
        headline="Weibo cascades in CED are deep; Twitter15's are shallower; Wb-MSF's are stars by construction.",
        our_finding="cascades.ced.mean_structural_virality",
        our_population=CED + "; beside Twitter15's 1,490 trees (mean 2.51)",
        published="structural virality is typically low, across all domains and all sizes of events",
        their_population="a billion diffusion events on Twitter, of every size",
        relation="differs in population",
        citation=GOEL,
        checked=GOEL_CHECKED,
        not_checked="Goel et al.'s mean or median structural virality by size: the values cannot be set side by side",
    ),
    Comparison(
        topic="cascades",
        headline="Size for size, CED's rumour cascades are more chain-like than its non-rumours'",
        our_finding="cascades.ced.size_matched_virality_difference",
        our_population=CED + "; rumours against non-rumours, within size bins",
        published=(
            "previously reported structural differences between the diffusion paths of false and true news on "
            "Twitter disappear when only cascades of the same size are compared; differences between images, "
            "videos, news and petitions persist"
        ),
        their_population=(
            "Twitter cascades of fact-checked true and false news (Vosoughi, Roy & Aral 2018) and Goel et al.'s "
            "Twitter cascades of videos, pictures, news and petitions"
        ),
        relation="differs in population",
        citation=JUUL,
        checked=JUUL_CHECKED,
        not_checked="the sizes of the matched samples and their effect sizes (the article's body was not read)",
    ),
    Comparison(
        topic="cascades",
        headline=(
            "With size, the source's followers, verified status and year held fixed, rumours stay more "
            "chain-like"
        ),
        our_finding="cascades.ced.virality_difference_adjusted",
        our_population=CED + "; 3,300 cascades with a recorded reach",
        published="the same: false- and true-news structural differences disappear at equal size",
        their_population="Twitter cascades of fact-checked true and false news (Vosoughi, Roy & Aral 2018)",
        relation="differs in population",
        citation=JUUL,
        checked=JUUL_CHECKED,
    ),
    # --- thresholds -----------------------------------------------------------------------------------
    Comparison(
        topic="thresholds",
        headline="The share of CED's cascades, a window of roughly 100-999 reposts, that reach 500 reposts",
        our_finding="thresholds.ced.share_reaching_500_reposts",
        our_population=CED,
        published=(
            "large cascades are rare, a widespread property of systems where information is shared (the "
            "introduction's first note of caution, citing earlier work)"
        ),
        their_population="reshare cascades in general (the claim is the literature's, restated by Cheng et al.)",
        relation="differs in population",
        citation=CHENG,
        checked=CHENG_CHECKED,
        not_checked="a published share of Weibo posts that reach 500 reposts (none was found)",
    ),
    Comparison(
        topic="thresholds",
        headline=(
            "Around the 2013 interpretation, CED describes its own collection, not Weibo: its rumour "
            "intake per month falls after 2013-09-10"
        ),
        our_finding="thresholds.ced.period.rumour.intake_rate_ratio_overdispersed",
        our_population=(
            "CED's rumour source posts per month, in the 12.0 months before 2013-09-10 and the 7.0 after (its last "
            "source post is from 2014-04-10)"
        ),
        published=(
            "the real-name registration policy might have stopped some microbloggers from writing about social "
            "and political subjects (a matched case-control design over the same microbloggers' posts)"
        ),
        their_population="111 million microblogs (weibos) collected 1 January to 30 June 2012",
        relation="differs in design",
        citation=FU,
        checked=FU_CHECKED,
        not_checked="the size of the policy's effect and the number of users tracked (the article's body was not read)",
    ),
    # --- censorship -----------------------------------------------------------------------------------
    Comparison(
        topic="censorship",
        headline="The archive watched each article for a few days, so it cannot say how fast censorship is.",
        our_finding="censorship.wechatscope.share_seen_by_day_1.all",
        our_population=WECHAT + "; 17,244 removals seen within 4 days of publication",
        published=(
            "deletions happen most heavily in the first hour after a post is submitted; of original posts' "
            "deletions nearly 30% come 5-30 minutes after posting and nearly 90% within 24 hours"
        ),
        their_population=(
            "2.38 million Weibo posts gathered over about two months of 2012 by repeatedly visiting 'sensitive' "
            "users, deletions seen within minutes (not a random sample of Weibo)"
        ),
        relation="differs in population",
        citation=ZHU,
        checked=ZHU_CHECKED,
    ),
    Comparison(
        topic="censorship",
        headline="No removed title contains a whole keyword of Citizen Lab's blocked lists",
        our_finding="censorship.wechatscope.share_with_blocked_keyword",
        our_population=WECHAT + "; matched against 1,338 keywords",
        published=(
            "keyword filtering on WeChat is enabled only for accounts registered to mainland China phone numbers; "
            "more keywords are blocked in group chat than in one-to-one chat; censorship of chat messages happens "
            "without notice; the list is dynamic, some keywords later permitted and new ones added with the news"
        ),
        their_population="WeChat chat messages (one-to-one and group) sent in controlled tests in 2016",
        relation="differs in population",
        citation=CITIZENLAB_2016,
        checked=CITIZENLAB_2016_CHECKED,
    ),
    Comparison(
        topic="censorship",
        headline="No removed title contains a whole keyword of Citizen Lab's blocked lists",
        our_finding="censorship.wechatscope.share_with_blocked_keyword",
        our_population=WECHAT,
        published=(
            "automatic review filters keep posts with certain blacklisted keywords (六四 'June 4', 太子党 "
            "'princeling', Falun Gong) from being published at all; sensitive keywords are found in a greater "
            "percentage of censored posts than of uncensored ones"
        ),
        their_population="over 36,000 unique WeChat public-account posts, June 2014 to March 2015, followed over time",
        relation="echoes",
        citation=CITIZENLAB_2015,
        checked=CITIZENLAB_2015_CHECKED,
        not_checked="the percentages of censored and uncensored posts holding a sensitive keyword",
    ),
    Comparison(
        topic="censorship",
        headline="Rule-violation titles stand out by current affairs: the United States, Trump, the trade war",
        our_finding="censorship.wechatscope.titles.violation.top_words",
        our_population=WECHAT + "; titles of 4,234 rule-violation removals against other removals' titles",
        published=(
            "with account attributes and topics held fixed, article specificity raises the odds of being "
            "censored; international-trade articles that disclose conflicts are removed, even pro-regime ones"
        ),
        their_population="2,280 pairs of censored WeChat articles and matched articles that remained",
        relation="echoes",
        citation=TAI_FU,
        checked=TAI_FU_CHECKED,
        not_checked="the odds ratio for specificity and the study period (the article's body was not read)",
    ),
    Comparison(
        topic="censorship",
        headline="Rule-violation titles stand out by current affairs; author-deleted titles hardly stand out.",
        our_finding="censorship.wechatscope.titles.violation.top_words",
        our_population=WECHAT + "; titles of 4,234 rule-violation removals against other removals' titles",
        published=(
            "posts with negative, even vitriolic, criticism of the state, its leaders and its policies are not "
            "more likely to be censored; censorship silences comments that represent, reinforce or spur social "
            "mobilization, regardless of content"
        ),
        their_population=(
            "millions of posts from nearly 1,400 social media services across China, censored and not censored, "
            "compared within 85 topic areas"
        ),
        relation="differs in design",
        citation=KING,
        checked=KING_CHECKED,
        not_checked="the share of posts censored in their data",
    ),
    Comparison(
        topic="censorship",
        headline="Most removals are authors deleting their own articles",
        our_finding="censorship.wechatscope.share_of_removals.author_deleted",
        our_population=WECHAT,
        published=(
            "WeChatscope tracked more than 4,000 public accounts covering daily news; by the end of 2018 more than "
            "1.04 million articles were included, of which roughly 11,000 were removed; the trade war, the ZTE "
            "sanctions and the arrest of Huawei's CFO were among 2018's censored topics"
        ),
        their_population="all articles WeChatscope's crawler saw from its 4,000+ accounts in 2018, removed or not",
        relation="differs in population",
        citation=WECHATSCOPE_2018,
        checked=WECHATSCOPE_2018_CHECKED,
        not_checked="any published share of WeChatscope's removals that were authors' own deletions",
    ),
    # --- early warning --------------------------------------------------------------------------------
    Comparison(
        topic="early_warning",
        headline=(
            "SEISMIC's median relative error in the final size an hour after posting, on the later cascades "
            "still under 500"
        ),
        our_finding="early_warning.ced.seismic.median_relative_error.60min",
        our_population=CED_TEST,
        published="15% relative error in predicting the final size of an average cascade after observing it for 1 hour",
        their_population=(
            "166,076 English tweets with at least 50 retweets and no hashtag, from a month of complete Twitter "
            "data (3.2 billion tweets and retweets, 7 October to 7 November 2011)"
        ),
        relation="differs in population",
        citation=ZHAO,
        checked=ZHAO_CHECKED,
        not_checked=(
            "how 'relative error' and 'average cascade' are defined in the paper's evaluation (ours is the median "
            "of |predicted - final| / final, with reposters' followers assumed)"
        ),
    ),
    Comparison(
        topic="early_warning",
        headline=(
            "An hour after posting, the count of reposts so far separates the cascades that will cross; "
            "the source author's followers alone do worse"
        ),
        our_finding="early_warning.ced.auc.count_baseline.60min",
        our_population=CED_TEST,
        published=(
            "strong performance in predicting whether a cascade will continue to grow; relative growth becomes "
            "more predictable as more reshares are observed; temporal and structural features are key predictors; "
            "early on, breadth rather than depth indicates larger cascades. Secondary summaries put the accuracy of "
            "the doubling task (k reshares to 2k, balanced) near 80% (79.5%, AUC 0.877)"
        ),
        their_population="a large sample of photo reshare cascades on Facebook",
        relation="differs in task",
        citation=CHENG,
        checked=(
            CHENG_CHECKED + "; the ~80% accuracy from secondary summaries only: "
            "https://blogs.cornell.edu/info2040/2019/12/04/can-cascades-be-predicted-2/ and "
            "https://guide.fake-news.site/papers/2014-cheng-cascade-prediction/ (which names the venue wrongly)"
        ),
        not_checked="the paper's own table of accuracy and AUC by k (the primary text of its results was not read)",
    ),
    # --- counterfactual -------------------------------------------------------------------------------
    Comparison(
        topic="counterfactual",
        headline=(
            "Deletion within an hour would have kept almost every cascade of CED's window under 500 "
            "(cascades of 1,000 or more reposts, left out of the collection, cross faster)"
        ),
        our_finding="counterfactual.ced.share_reaching_500_if_deleted_at_1h",
        our_population=CED,
        published="deletions happen most heavily in the first hour after a post has been submitted",
        their_population="deleted posts among 2.38 million posts of 'sensitive' Weibo users, 2012, seen within minutes",
        relation="echoes",
        citation=ZHU,
        checked=ZHU_CHECKED,
    ),
    Comparison(
        topic="counterfactual",
        headline=(
            "If every post were deleted at a delay drawn from a scenario calibrated to Zhu et al. "
            "(2013), about one cascade in twenty would still cross before deletion"
        ),
        our_finding="counterfactual.ced.share_reaching_500_if_every_post_deleted",
        our_population=CED + "; every cascade assumed deleted",
        published=(
            "nearly 30% of deletions of original posts come 5-30 minutes after posting and nearly 90% within 24 "
            "hours (the scenario's 24-hour point); among the tracked 'sensitive' users an average of 12.75% of "
            "messages were deleted, 82.25% of the deletions being reposts and comments (secondary summary)"
        ),
        their_population="2.38 million posts of 'sensitive' Weibo users over about two months of 2012",
        relation="differs in design",
        citation=ZHU,
        checked=(
            ZHU_CHECKED + "; the 12.75% and 82.25% from a secondary summary: "
            "https://advox.globalvoices.org/2013/03/18/china-researchers-uncover-microblog-filtering-mechanisms/"
        ),
        not_checked=(
            "the scenario's 50% of deletions within one hour (not stated in the abstract; the package's choice); "
            "the 12.75% in the paper's own text"
        ),
    ),
)


def table(topic: str | None = None) -> pd.DataFrame:
    """The comparisons of ``topic`` (one of ``TOPICS``; None for all) as a DataFrame, one row per comparison
    and one column per field of ``Comparison``, in the order of ``COMPARISONS``.

    See docs/methods.md §16 (docs/methods.md#16-the-findings-against-the-literature) for the table and for
    why the populations differ where the findings disagree.

    Parameters
    ----------
    topic : str, optional
        One of ``TOPICS``; None for every comparison.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic, headline, our_finding, our_population, published, their_population, relation,
        citation, checked, not_checked``.

    Raises
    ------
    ValueError
        ``topic`` is not None and not one of ``TOPICS``.

    Examples
    --------
    >>> from wechat_study import literature
    >>> literature.table("thresholds")[["our_finding", "relation"]]
                                             our_finding               relation
    0          thresholds.ced.share_reaching_500_reposts  differs in population
    1  thresholds.ced.period.rumour.intake_rate_ratio...      differs in design
    """
    if topic is not None and topic not in TOPICS:
        raise ValueError(f"topic {topic!r} is not one of {TOPICS}")
    rows = [asdict(c) for c in COMPARISONS if topic is None or c.topic == topic]
    return pd.DataFrame(rows, columns=[f.name for f in fields(Comparison)])


SHORT = {
    GOEL: "Goel et al. 2016",
    JUUL: "Juul & Ugander 2021",
    ZHAO: "Zhao et al. 2015",
    CHENG: "Cheng et al. 2014",
    ZHU: "Zhu et al. 2013",
    FU: "Fu, Chan & Chau 2013",
    KING: "King, Pan & Roberts 2013",
    CITIZENLAB_2016: "Citizen Lab 2016",
    CITIZENLAB_2015: "Citizen Lab 2015",
    TAI_FU: "Tai & Fu 2020",
    WECHATSCOPE_2018: "WeChatscope 2019",
}


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(findings: dict[str, dict] | None = None) -> str:
    """The table of docs/methods.md §16, each headline with its value from ``findings`` (default: the committed
    ledger, ``reports/findings.json``), then where each row's figure was checked (and what was not), then the
    sources in full.

    Parameters
    ----------
    findings : dict of str to dict, optional
        Recorded findings by name, each with a ``value`` (and optionally ``NAME.ci_low`` / ``NAME.ci_high``
        entries); a comparison whose finding is absent shows "not recorded". Default: the committed ledger.

    Returns
    -------
    str
        Markdown: the table (one row per entry of ``COMPARISONS``, numbered from 1), the numbered list of
        where each figure was read, and the list of sources; it ends with a newline.

    Examples
    --------
    >>> from wechat_study import literature
    >>> text = literature.markdown({})
    >>> text.splitlines()[0]
    '| # | topic | our finding: headline (our population) | published figure (their population) | relation | source |'
    >>> text.count("not recorded") == len(literature.COMPARISONS)
    True
    """
    if findings is None:
        from .findings import load_ledger
        from .reporting import LEDGER

        findings = load_ledger(LEDGER)
    lines = [
        "| # | topic | our finding: headline (our population) | published figure (their population) "
        "| relation | source |",
        "|---|---|---|---|---|---|",
    ]
    for i, c in enumerate(COMPARISONS, 1):
        value = _value(c.our_finding, findings) if c.our_finding in findings else "not recorded"
        ours = f"`{c.our_finding}`: {c.headline.rstrip('.')}: {value} ({c.our_population})"
        theirs = f"{c.published} ({c.their_population})"
        cells = (str(i), c.topic, ours, theirs, c.relation, SHORT.get(c.citation, c.citation))
        lines.append("| " + " | ".join(_cell(x) for x in cells) + " |")
    lines += ["", "Where each row's figure was read:", ""]
    for i, c in enumerate(COMPARISONS, 1):
        line = f"{i}. {SHORT.get(c.citation, c.citation)}: {c.checked}."
        if c.not_checked:
            line += f" Not checked: {c.not_checked}."
        lines.append(line)
    lines += ["", "Sources:", ""]
    for citation in dict.fromkeys(c.citation for c in COMPARISONS):
        lines.append(f"- {citation}.")
    return "\n".join(lines) + "\n"


def for_report(topic: str, findings: dict[str, dict]) -> pd.DataFrame:
    """``table(topic)`` for a page: ``finding`` (the comparison's headline and our value as this run recorded it,
    from ``findings``, the run's recorded findings by name), ``our_population``, ``published``,
    ``their_population``, ``relation`` and ``source`` (the short citation). Comparisons whose finding this run
    did not record are left out.

    Parameters
    ----------
    topic : str
        One of ``TOPICS``.
    findings : dict of str to dict
        The run's recorded findings by name, each a dict with a ``value``; a float value is shown with its
        interval when ``NAME.ci_low`` and ``NAME.ci_high`` are recorded too.

    Returns
    -------
    pandas.DataFrame
        Columns ``finding, our_population, published, their_population, relation, source``, in the order of
        ``COMPARISONS``.

    Examples
    --------
    >>> from wechat_study import literature
    >>> name = "thresholds.ced.share_reaching_500_reposts"
    >>> findings = {name: {"value": 0.0412}, f"{name}.ci_low": {"value": 0.035}, f"{name}.ci_high": {"value": 0.048}}
    >>> row = literature.for_report("thresholds", findings).iloc[0]
    >>> row["finding"], row["relation"], row["source"]
    ("The share of CED's cascades, a window of roughly 100-999 reposts, that reach 500 reposts: 4.1% (3.5–4.8)",
     'differs in population', 'Cheng et al. 2014')
    """
    t = table(topic)
    t = t[t["our_finding"].isin(list(findings))]
    return pd.DataFrame(
        {
            "finding": [_ours(n, h, findings) for n, h in zip(t["our_finding"], t["headline"], strict=True)],
            "our_population": t["our_population"].to_numpy(),
            "published": t["published"].to_numpy(),
            "their_population": t["their_population"].to_numpy(),
            "relation": t["relation"].to_numpy(),
            "source": [SHORT.get(c, c) for c in t["citation"]],
        }
    )


def _ours(name: str, headline: str, findings: dict[str, dict]) -> str:
    """A finding as a page shows it: the comparison's headline, then the value with its interval where recorded."""
    return f"{headline.rstrip('.')}: {_value(name, findings)}"


def _rows(rows: list, name: str = "") -> str:
    """A recorded table in words: its first five words with their glosses (named by the reason whose titles they
    come from, for a ``titles.REASON.top_words`` finding), or its number of rows."""
    words = [r for r in rows if isinstance(r, dict) and r.get("word")]
    if not words:
        return f"{len(rows):,} rows, in the table of that name on this page"
    shown = [f"{r['word']} \u201c{r['gloss']}\u201d" if r.get("gloss") else str(r["word"]) for r in words[:5]]
    reason = re.search(r"\.titles\.([a-z_]+)\.top_words$", name)
    whose = f"the words of \u2018{word(reason.group(1))}\u2019 titles" if reason else "the words"
    return f"{whose}: " + ", ".join(shown) + (" and others" if len(words) > 5 else "")


def _value(name: str, findings: dict[str, dict]) -> str:
    """A recorded finding's value in words, with its interval where recorded."""
    from . import narrative as nv
    from .findings import shown

    value = findings[name]["value"]
    if isinstance(value, list):
        return _rows(value, name)
    if not isinstance(value, float):
        return shown(findings[name])
    lo, hi = (findings.get(f"{name}.{p}", {}).get("value") for p in ("ci_low", "ci_high"))
    kind = ("share" if "share" in name or "relative_error" in name else "auc" if ".auc." in name
            else "ratio" if "ratio" in name else "number")
    return nv.formatted(value, kind, lo, hi)
