"""One glossary for every page: the jargon the reports use, in plain words.

``annotate(page)`` links the first use of each term in a page's text to its entry, adds a "The words in plain
language" section listing the terms the page uses, and puts under a findings box the plain meaning of the
terms its sentences use. Scripts, styles, code, headings, links and buttons are left as they are.
Definitions follow the project's methods notes (docs/methods.md).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["Term", "TERMS", "terms_in", "annotate"]


@dataclass(frozen=True)
class Term:
    """A glossary entry.

    Parameters
    ----------
    key : str
        Its id (``glossary-<key>`` on the page).
    name : str
        The term as its entry shows it.
    pattern : str
        A regular expression for its uses in text (case-sensitive).
    meaning : str
        One or two plain sentences.

    Examples
    --------
    >>> from wechat_study.glossary import Term
    >>> Term("auc", "AUC", r"\\bAUCs?\\b", "A score.").anchor
    'glossary-auc'
    """

    key: str
    name: str
    pattern: str
    meaning: str

    @property
    def anchor(self) -> str:
        return f"glossary-{self.key}"


TERMS: tuple[Term, ...] = (
    Term("ced", "CED", r"\bCED\b",
         "A public collection of Weibo rumours and non-rumours with their repost trees (Song et al., 2018); "
         "the rumours are posts Weibo's own reporting system judged false."),
    Term("wbmsf", "Wb-MSF", r"\bWb-MSF\b",
         "A public collection of Weibo repost trees gathered for a study of how information spreads."),
    Term("wechatscope", "WeChatscope", r"\bWeChatscope\b",
         "A public record of WeChat public-account articles that were removed after publication, with the "
         "notice shown in their place (deleted by the author, removed for a rule violation, and so on)."),
    Term("citizenlab", "Citizen Lab", r"\bCitizen Lab\b",
         "A research lab at the University of Toronto; its published lists are keywords and web addresses "
         "found censored in Chinese apps."),
    Term("twitter15", "Twitter15 and Twitter16", r"\bTwitter1[56]\b",
         "Two public collections of Twitter repost trees labelled true, false, unverified or non-rumour, used "
         "here as a non-Chinese comparison."),
    Term("cascade", "cascade", r"\bcascades?\b",
         "A post and all the reposts that descend from it, as a tree."),
    Term("interval", "95% interval", r"95% (?:confidence )?intervals?",
         "The range of values the data are consistent with: computed the same way on many samples, such "
         "a range would contain the true value 95 times in 100."),
    Term("bootstrap", "bootstrap", r"\bbootstrap\b",
         "Re-drawing the data many times with replacement to see how much an estimate moves; resampling "
         "whole source authors keeps each author's posts together."),
    Term("p-value", "p-value", r"\bp-values?\b",
         "How often a difference at least this large would appear by chance if there were no real "
         "difference; small values mean chance is an unlikely explanation."),
    Term("odds-ratio", "odds ratio", r"\bodds ratios?\b",
         "The odds of an outcome in one group divided by its odds in another: 1 means no difference, below "
         "1 means the first group is less likely to have it."),
    Term("mantel-haenszel", "Mantel–Haenszel", r"\bMantel[–-]Haenszel\b",
         "A way of combining a comparison across bands (here of follower counts), so that it is made within "
         "each band rather than across them."),
    Term("censored", "censored (in survival analysis)", r"\bcensor(?:ed|ing)(?= (?:at|when|before|each)\b)",
         "A cascade whose observation ended before it crossed the line: we know only that it had not crossed "
         "by then. This is a statistical term, not censorship."),
    Term("kaplan-meier", "Kaplan–Meier", r"\bKaplan[–-]Meier\b",
         "An estimate of the share of cascades still below the line at each time, counting each cascade for "
         "as long as it was watched."),
    Term("one-minus-s", "1 − S(t)", r"1 [−-] S\(t\)|1 [−-] S\b",
         "The share of cascades that have crossed by time t: one minus the Kaplan–Meier curve S."),
    Term("log-rank", "log-rank test", r"\b[Ll]og-rank\b",
         "A test of whether two survival curves differ anywhere along their length; it mixes how many cross "
         "with how fast."),
    Term("median-regression", "median regression", r"\bmedian regressions?\b",
         "A regression for the middle value rather than the mean, so a few very slow or very large cascades do "
         "not pull it."),
    Term("ratio-of-odds-ratios", "ratio of odds ratios", r"\bratios? of odds ratios\b",
         "The odds ratio after a date divided by the odds ratio before it: 1 means the gap between the two "
         "groups did not change, below 1 that it widened against the first group."),
    Term("bonferroni", "Bonferroni line", r"\bBonferroni\b",
         "A stricter cut-off used when many things are tested at once (here thousands of words), so that a few "
         "do not pass by chance alone."),
    Term("z-score", "z (z-score)", r"(?<![\w.])z(?= = |\b score)",
         "How many standard errors a value lies from zero; beyond about 2 it is unlikely to be chance alone."),
    Term("did", "difference in differences", r"\bdifferences? in differences\b",
         "The change in one group minus the change in another over the same dates, so that what changed for "
         "both (the collection, the platform) cancels out."),
    Term("placebo", "placebo date", r"\bplacebo\b",
         "A date when nothing happened, analysed as if it were the real one: a change as large at placebo "
         "dates means the real date's change is not peculiar to it."),
    Term("structural-virality", "structural virality", r"\bstructural virality\b",
         "The average distance between two posts in a cascade's tree (Goel et al., 2016): low for a broadcast "
         "from one account, high for a long chain of person-to-person sharing."),
    Term("gini", "Gini coefficient", r"\bGini\b",
         "How unequal a set of counts is, from 0 (all equal) to 1 (one holds everything)."),
    Term("ccdf", "complementary CDF", r"\bcomplementary (?:CDF|cumulative distribution)\b|\bCCDF\b",
         "For each size, the share of cascades at least that large."),
    Term("rho", "ρ (rho)", r"(?<!\w)ρ(?!\w)",
         "The assumed share of a poster's followers who see a post; views are estimated as ρ times the "
         "followers of everyone in the cascade."),
    Term("hawkes", "Hawkes process", r"\bHawkes\b",
         "A model in which each repost raises the rate of further reposts for a while after it."),
    Term("n-star", "n* (branching number)", r"\bn\*",
         "In the Hawkes model, the average number of direct reposts each post brings; at 1 or more the model "
         "expects the cascade to grow without end (supercritical)."),
    Term("seismic", "SEISMIC", r"\bSEISMIC\b",
         "A published predictor of a cascade's final size from its early reposts and its posters' followers "
         "(Zhao et al., 2015)."),
    Term("auc", "AUC", r"\bAUCs?\b",
         "The chance that a random cascade that will cross the line is ranked above a random one that will "
         "not: 0.5 is a coin toss, 1 is perfect."),
    Term("precision", "precision", r"\bprecision\b",
         "Of the cascades a rule flags, the share that do go on to cross."),
    Term("recall", "recall", r"\brecall\b",
         "Of the cascades that cross, the share a rule flagged in time."),
    Term("false-alarm", "false alarm", r"\bfalse alarms?\b",
         "A cascade a rule flags that does not go on to cross."),
    Term("log-odds", "log-odds (of a word)", r"\blog-odds\b",
         "How much more often a word appears in one group's titles than another's, on a log scale, pulled "
         "towards zero (by the prior) when the word is rare, so that rare words do not top the list by chance."),
    Term("design-effect", "design effect", r"\bdesign effects?\b",
         "How much wider an interval becomes when cascades by the same author are resampled together rather than "
         "treated as independent (the ratio of the two variances); above 1, the naive interval was too narrow."),
    Term("cumulative-incidence", "cumulative incidence", r"\b[Cc]umulative incidence\b",
         "The share of cascades that have crossed, by a given time, before anything else ended them (here, "
         "before deletion)."),
    Term("competing-risk", "competing risk", r"\bcompeting risks?\b",
         "An event that, once it happens, stops the one being counted: a deleted post can no longer cross a "
         "threshold, so deletion competes with crossing."),
    Term("wilson", "Wilson interval", r"\bWilson\b",
         "A 95% interval for a share that stays sensible near 0% and 100% and with small counts."),
    Term("clustered", "clustered interval", r"\b(?:author-)?clustered\b",
         "An interval computed by resampling source authors rather than single cascades, because one author's "
         "cascades are alike; it is wider, and honest about that."),
    Term("logistic-regression", "logistic regression", r"\blogistic regression\b",
         "A regression for a yes/no outcome (here, crossing the line) that estimates how each covariate changes "
         "the odds of a yes."),
    Term("ols", "OLS (ordinary least squares)", r"\bOLS\b",
         "The usual regression: it fits the mean of an outcome given the covariates, so a few very large "
         "cascades can pull it; shown beside median regression for comparison."),
    Term("spline", "spline", r"\bsplines?\b",
         "A smooth curve of joined pieces, used in a regression so that an effect (of follower counts, say) can "
         "bend rather than follow a straight line."),
    Term("common-support", "common support", r"\bcommon support\b",
         "The range of follower counts where both groups have cascades; restricting to it keeps either group "
         "from being compared with cascades it has no counterpart for."),
    Term("mann-whitney", "Mann–Whitney test", r"\bMann[–-]Whitney\b",
         "A test of whether values in one group tend to be larger than in the other, using only their ranks, "
         "so a few huge cascades do not dominate it."),
    Term("event-study", "event study", r"\bevent study\b",
         "Each period before and after a date estimated against a reference period, to see whether a change "
         "starts at the date or was already under way."),
    Term("poisson", "Poisson (counts)", r"\bPoisson\b",
         "A model for counts of events that happen independently at a steady rate; an overdispersed interval "
         "widens it when monthly counts vary more than that."),
    Term("power-law", "power law", r"\bpower[- ]law\b",
         "A distribution whose chance of a value falls off as a power of it, so very large values, though rare, "
         "are far more common than under a bell curve."),
    Term("self-similar", "self-similar growth", r"\bself-similar\b",
         "The assumption that larger cascades grow like smaller ones, only scaled up; it is what lets the study "
         "extend timings past the collection's window."),
    Term("roc", "ROC", r"\bROC\b",
         "The curve of the share of crossers caught against the share of the others wrongly flagged, as the "
         "alarm level moves; the AUC is the area under it."),
    Term("brier", "Brier score", r"\bBrier\b",
         "The mean squared gap between predicted probabilities and what happened (1 crossed, 0 did not); lower "
         "is better."),
)

_SKIP = {"script", "style", "code", "pre", "a", "h1", "h2", "h3", "h4", "h5", "h6", "button", "summary", "svg",
         "title", "head", "label", "select", "option", "textarea", "dt"}
_BLOCKS = re.compile(r"<!--.*?-->|<(script|style)\b.*?</\1>|\x00", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"""<(/?)([a-zA-Z][a-zA-Z0-9-]*)(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>""")
_VOID = {"br", "img", "hr", "meta", "link", "input", "wbr", "source", "col", "area", "base", "embed", "track"}
_COMPILED = tuple((t, re.compile(t.pattern)) for t in TERMS)


def terms_in(text: str) -> list[Term]:
    """The glossary terms a text uses, in ``TERMS`` order.

    Parameters
    ----------
    text : str
        Plain text (no tags).

    Returns
    -------
    list of Term
        Each term whose pattern occurs in the text.

    Examples
    --------
    >>> from wechat_study.glossary import terms_in
    >>> [t.name for t in terms_in("The AUC of SEISMIC is 0.71 (95% interval 0.68–0.74).")]
    ['95% interval', 'SEISMIC', 'AUC']
    """
    return [t for t, rx in _COMPILED if rx.search(text)]


def _text_nodes(page: str):
    """(start, end, skipped) for each run of text in ``page`` outside scripts and styles."""
    stack: list[str] = []
    pos = 0
    for m in _TAG.finditer(page):
        if m.start() > pos:
            yield pos, m.start(), bool(stack)
        closing, name, selfclose = m.group(1), m.group(2).lower(), m.group(3)
        if name in _SKIP and not selfclose and name not in _VOID:
            if closing:
                if name in stack:
                    del stack[len(stack) - 1 - stack[::-1].index(name):]
            else:
                stack.append(name)
        pos = m.end()
    if pos < len(page):
        yield pos, len(page), bool(stack)


def _link_text(text: str, seen: set[str]) -> str:
    """A text node with the first use of each term not in ``seen`` linked to its entry."""
    segments = [(text, True)]
    for term, rx in _COMPILED:
        if term.key in seen:
            continue
        for i, (seg, free) in enumerate(segments):
            m = rx.search(seg) if free else None
            if m:
                seen.add(term.key)
                link = f'<a class="ws-term" href="#{term.anchor}">{m.group(0)}</a>'
                segments[i:i + 1] = [(seg[:m.start()], True), (link, False), (seg[m.end():], True)]
                break
    return "".join(seg for seg, _ in segments)


def _link_first_uses(fragment: str, seen: set[str]) -> str:
    """The fragment (scripts and styles held out) with the first use of each term linked."""
    out, pos = [], 0
    for start, end, skipped in _text_nodes(fragment):
        out.append(fragment[pos:start])
        text = fragment[start:end]
        out.append(text if skipped or not text.strip() else _link_text(text, seen))
        pos = end
    out.append(fragment[pos:])
    return "".join(out)


def _visible(fragment: str) -> str:
    parts = [fragment[s:e] for s, e, skipped in _text_nodes(_BLOCKS.sub(" ", fragment)) if not skipped]
    return html.unescape(" ".join(parts))


def _section(terms: list[Term]) -> str:
    items = "".join(f'<dt id="{t.anchor}">{html.escape(t.name)}</dt><dd>{html.escape(t.meaning)}</dd>' for t in terms)
    return (f'<section class="ws-glossary" id="glossary"><h2>The words in plain language</h2>'
            f'<dl>{items}</dl></section>\n')


def _box_meanings(box: str) -> str:
    terms = [t for t in terms_in(_visible(box)) if t.key not in _DATA_SETS]
    if not terms:
        return ""
    said = " ".join(f"<strong>{html.escape(t.name)}</strong>: {html.escape(t.meaning)}" for t in terms)
    return f'<p class="ws-plain">In plain words. {said}</p>'


_DATA_SETS = {"ced", "wbmsf", "wechatscope", "citizenlab", "twitter15", "cascade"}


def annotate(page: str) -> str:
    """A page with its jargon explained: first uses linked, a glossary section, meanings under the findings box.

    Parameters
    ----------
    page : str
        A whole HTML page with a ``<footer class="ws-version">`` (the section goes just before it) or a
        ``</main>``; with neither, the section goes at the end.

    Returns
    -------
    str
        The page; unchanged if it uses no term. Text inside scripts, styles, code, headings, links, buttons,
        summaries, comments and charts is never changed.

    Examples
    --------
    >>> from wechat_study.glossary import annotate
    >>> page = annotate("<main><p>The AUC is 0.71; an AUC of 0.5 is chance.</p></main>")
    >>> page.count('href="#glossary-auc"'), 'id="glossary-auc"' in page
    (1, True)
    """
    blocks = {}

    def hold(text: str) -> str:
        blocks[len(blocks)] = text
        return f"\x00{len(blocks) - 1}\x00"

    held = _BLOCKS.sub(lambda m: hold(m.group(0)), page)
    body_at = held.find("<main")
    if body_at < 0:
        body_at = 0
    used = terms_in(_visible(held[body_at:]))
    if not used:
        return page
    box = re.search(r'(<section class="ws-findings".*?)(</section>)', held, re.DOTALL)
    if box:
        meanings = hold(_box_meanings(box.group(1)))  # defined, not linked again
        held = held[: box.start()] + box.group(1) + meanings + box.group(2) + held[box.end():]
    end = held.find('<footer class="ws-version"')
    if end < 0:
        end = held.rfind("</main>")
    if end < 0:
        end = len(held)
    seen: set[str] = set()
    held = held[:body_at] + _link_first_uses(held[body_at:end], seen) + _section(used) + held[end:]
    return re.sub(r"\x00(\d+)\x00", lambda m: blocks[int(m.group(1))], held)
