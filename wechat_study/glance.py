"""The front page's opening: the data sets in one line each, and the headline shares at a glance.

``summary_strip(ledger)`` draws the headline shares of ``HEADLINES`` as dots with their 95% intervals on one
0–100% scale, in HTML and CSS (no chart library, so the front page stays light), each row naming the
population its share describes and linking to the report that makes it. ``datasets_in_brief()`` lists the
data sets with the glossary's one-line description of each.
"""

from __future__ import annotations

import html

from . import narrative as nv
from .glossary import TERMS

__all__ = ["HEADLINES", "summary_strip", "datasets_in_brief"]

#: (finding, the population and outcome in words, the report that makes it), in the order drawn.
HEADLINES: tuple[tuple[str, str, str], ...] = (
    ("thresholds.ced.share_reaching_500_reposts", "CED cascades (100–999 reported reposts) reaching 500 reposts",
     "03-legal-thresholds"),
    ("thresholds.ced.share_reaching_500_reposts.rumour", "… of its rumours", "03-legal-thresholds"),
    ("thresholds.ced.share_reaching_500_reposts.non_rumour", "… of its non-rumours", "03-legal-thresholds"),
    ("thresholds.wbmsf.share_reaching_500_reposts", "Wb-MSF cascades reaching 500 reposts", "03-legal-thresholds"),
    ("thresholds.twitter15.share_reaching_500_reposts", "Twitter15 cascades reaching 500 reposts",
     "03-legal-thresholds"),
    ("views.ced.share_from_source_alone.rho_0_01",
     "CED cascades at 5,000 views from the source's followers alone (ρ = 1%)", "03-legal-thresholds"),
    ("early_warning.ced.alarm.seismic.size.60min.recall",
     "CED crossers flagged by SEISMIC's alarm at 60 minutes", "05-early-warning"),
    ("early_warning.ced.alarm.seismic.size.60min.precision", "… of its alarms that were right",
     "05-early-warning"),
    ("censorship.wechatscope.share_of_removals.author_deleted",
     "WeChatscope's removed articles deleted by their authors", "04-wechat-censorship"),
    ("censorship.wechatscope.share_of_removals.violation", "… removed for a rule violation",
     "04-wechat-censorship"),
)


def _pct(x: float) -> str:
    return f"{100 * min(max(x, 0.0), 1.0):.2f}%"


def summary_strip(ledger: dict[str, dict]) -> str:
    """The headline shares as a dot-and-interval strip, or "" when the ledger holds none of them.

    Parameters
    ----------
    ledger : dict
        ``reports/findings.json``: finding name -> ``{"value", ...}``; a headline without its value or its
        ``ci_low``/``ci_high``, or whose numbers are not a share (0–1) inside its interval, is left out.

    Returns
    -------
    str
        A ``<figure class="ws-strip">``: a title, one row per headline (its words linked to its report, the
        drawn dot and interval with a text alternative, the value in words), a 0–100% scale and a caption.

    Examples
    --------
    >>> from wechat_study.glance import summary_strip
    >>> ledger = {"thresholds.ced.share_reaching_500_reposts": {"value": 0.292},
    ...           "thresholds.ced.share_reaching_500_reposts.ci_low": {"value": 0.272},
    ...           "thresholds.ced.share_reaching_500_reposts.ci_high": {"value": 0.311}}
    >>> strip = summary_strip(ledger)
    >>> strip.count('class="ws-strip-row"'), "29.2% (27.2–31.1)" in strip, 'style="left:29.20%"' in strip
    (1, True, True)
    >>> summary_strip({})
    ''
    """
    rows = []
    for name, words, stem in HEADLINES:
        got = [ledger.get(k, {}).get("value") for k in (name, f"{name}.ci_low", f"{name}.ci_high")]
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in got):
            continue
        value, lo, hi = (float(v) for v in got)
        if not (0 <= lo <= value <= hi <= 1):  # NaN, or not a share with its interval around it
            continue
        said = nv.share(value, lo, hi)
        alt = f"{said}, 95% interval"
        rows.append(
            '<div class="ws-strip-row">'
            f'<a class="ws-strip-label" href="{stem}.html">{html.escape(words)}</a>'
            f'<span class="ws-strip-track" role="img" aria-label="{html.escape(alt)}">'
            f'<span class="ws-strip-ci" style="left:{_pct(lo)};width:{_pct(max(hi - lo, 0.0))}"></span>'
            f'<span class="ws-strip-dot" style="left:{_pct(value)}"></span></span>'
            f'<span class="ws-strip-value">{html.escape(said)}</span></div>'
        )
    if not rows:
        return ""
    scale = "".join(f'<span style="left:{p}%">{p}%</span>' for p in (0, 25, 50, 75, 100))
    return (
        '<figure class="ws-strip" id="at-a-glance"><h2>At a glance: the headline shares</h2>'
        f'<div class="ws-strip-rows">{"".join(rows)}'
        f'<div class="ws-strip-row ws-strip-axis" aria-hidden="true"><span></span><span class="ws-strip-scale">'
        f"{scale}</span><span></span></div></div>"
        "<figcaption>Each dot is a share, each bar its 95% interval, on one scale from 0% to 100%. Each share "
        "describes the population its row names (a collection, not a platform); the reports give the "
        "comparisons adjusted for reach and the caveats.</figcaption></figure>"
    )


def datasets_in_brief() -> str:
    """The data sets in one line each (the glossary's words), linking to their full entries in ``#data``.

    Returns
    -------
    str
        A section with one list item per data set the glossary describes.

    Examples
    --------
    >>> from wechat_study.glance import datasets_in_brief
    >>> brief = datasets_in_brief()
    >>> brief.count("<li>"), "WeChatscope" in brief
    (5, True)
    """
    keys = ("ced", "wbmsf", "twitter15", "wechatscope", "citizenlab")
    terms = {t.key: t for t in TERMS}
    items = "".join(f"<li><strong>{html.escape(terms[k].name)}</strong>: {html.escape(terms[k].meaning)}</li>"
                    for k in keys)
    return ('<section class="ws-brief" id="data-in-brief"><h2>The data, in one line each</h2>'
            f'<ul>{items}</ul><p><a href="#data">Citations, licences and pinned archives</a></p></section>')
