"""``reports/methods.html``: the project's ``docs/methods.md`` as a page beside the reports, and the links to it.

Report text cites the methods as "docs/methods.md §N" (one or more sections, ranges as "§N–§M"); ``link``
turns each citation into a link to that section of ``methods.html``, so a reader offline can follow it.
Section anchors are the slugs GitHub gives the headings ("## 3. Comparisons and confounders" ->
``3-comparisons-and-confounders``), the same ones the docstrings cite.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from . import paths

__all__ = ["METHODS", "page", "link", "slug", "sections"]

METHODS = paths.CHECKOUT / "docs" / "methods.md"

_CITE = re.compile(r"(?<![\w/.-])docs/methods\.md(?![\w#])"
                   r"(?P<refs>(?:(?:,? ?§\d+(?:–§\d+)?))*)(?:, section (?P<word>\d+))?")
_SKIP = re.compile(r"(<(script|style|a|code)\b.*?</\2>|<[^>]*>)", re.DOTALL | re.IGNORECASE)
_HEADING = re.compile(r"^(#{1,6}) (.+)$", re.MULTILINE)


def slug(heading: str) -> str:
    """The anchor GitHub gives a Markdown heading: lower case, punctuation dropped, spaces as hyphens.

    Parameters
    ----------
    heading : str
        The heading's text, without its leading ``#``.

    Returns
    -------
    str
        The anchor.

    Examples
    --------
    >>> slug("3. Comparisons and confounders")
    '3-comparisons-and-confounders'
    >>> slug("11. Early warning: evaluation")
    '11-early-warning-evaluation'
    """
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def sections(text: str) -> dict[int, str]:
    """The numbered sections of a methods text: number -> anchor.

    Parameters
    ----------
    text : str
        The Markdown of ``docs/methods.md``.

    Returns
    -------
    dict
        Section number -> its anchor (``slug`` of its heading).

    Examples
    --------
    >>> sections("# Methods\\n\\n## 1. Thresholds\\n\\ntext\\n\\n## 2. Cascades and their metrics\\n")
    {1: '1-thresholds', 2: '2-cascades-and-their-metrics'}
    """
    out = {}
    for hashes, heading in _HEADING.findall(text):
        m = re.match(r"(\d+)\.", heading)
        if len(hashes) == 2 and m:
            out[int(m.group(1))] = slug(heading)
    return out


def _anchors() -> dict[int, str]:
    return sections(METHODS.read_text("utf-8")) if METHODS.is_file() else {}


def _section_link(number: int, anchors: dict[int, str], target: str) -> str:
    if number not in anchors:
        raise ValueError(
            f"a report cites docs/methods.md §{number}, which {METHODS} does not have "
            f"(its sections: {', '.join(map(str, sorted(anchors)))}); correct the citation"
        )
    return f'<a href="{target}#{anchors[number]}">§{number}</a>'


def link(page_html: str, target: str = "methods.html", anchors: dict[int, str] | None = None) -> str:
    """Turn each "docs/methods.md §N" citation in a page's text (not its tags' attributes, scripts, styles, code or
    existing links) into links.

    "docs/methods.md §3" becomes "methods §3" with both words linked (the page and the section); a range
    "§9–§11" links its two ends. Without a methods text (an installed package has none) the page is unchanged.

    Parameters
    ----------
    page_html : str
        The page.
    target : str
        The methods page's address, relative to the page.
    anchors : dict, optional
        Section number -> anchor (default: read from ``docs/methods.md``).

    Returns
    -------
    str
        The page with the citations linked.

    Raises
    ------
    ValueError
        When a citation names a section the methods text does not have.

    Examples
    --------
    >>> link("<p>adjusted (docs/methods.md §3, §9–§11).</p>", anchors={3: "3-a", 9: "9-b", 11: "11-c"})
    '<p>adjusted (<a href="methods.html">methods</a> <a href="methods.html#3-a">§3</a>, \
<a href="methods.html#9-b">§9</a>–<a href="methods.html#11-c">§11</a>).</p>'
    """
    anchors = _anchors() if anchors is None else anchors
    if not anchors:
        return page_html

    def one(m: re.Match) -> str:
        refs = m.group("refs") or ""
        if m.group("word"):
            refs = f" §{m.group('word')}"
        body = re.sub(r"§(\d+)", lambda r: _section_link(int(r.group(1)), anchors, target), refs)
        return f'<a href="{target}">methods</a>{body}'

    out, at = [], 0
    for m in _SKIP.finditer(page_html):   # text between tags only: not attributes, scripts, code or links
        out += [_CITE.sub(one, page_html[at:m.start()]), m.group(0)]
        at = m.end()
    return "".join(out + [_CITE.sub(one, page_html[at:])])


def page(text: str | None = None, css: str = "", footer: str = "", script: str = "") -> str:
    """``reports/methods.html``: the methods text as a page, its headings anchored as GitHub anchors them.

    Parameters
    ----------
    text : str, optional
        The Markdown (default: ``docs/methods.md``).
    css : str
        The house stylesheet, inlined.
    footer : str
        The version line.
    script : str
        The house page script, inlined (its scroll cues for wide tables).

    Returns
    -------
    str
        The page's HTML.

    Raises
    ------
    FileNotFoundError
        When no text is given and the checkout has no ``docs/methods.md``.

    Examples
    --------
    >>> p = page("# Methods\\n\\n## 1. Thresholds\\n\\nInclusive: `reposts >= 500`.\\n")
    >>> '<h2 id="1-thresholds">1. Thresholds</h2>' in p, "<code>reposts &gt;= 500</code>" in p
    (True, True)
    """
    import mistune

    if text is None:
        if not METHODS.is_file():
            raise FileNotFoundError(f"{METHODS}: no methods text to render; run from a checkout of the project")
        text = Path(METHODS).read_text("utf-8")

    class Anchored(mistune.HTMLRenderer):
        def heading(self, text: str, level: int, **attrs) -> str:
            plain = re.sub(r"<[^>]+>", "", text)
            return f'<h{level} id="{slug(html.unescape(plain))}">{text}</h{level}>\n'

    body = mistune.create_markdown(renderer=Anchored(escape=True), plugins=["table"])(text)
    body = body.replace("<table>", '<div class="ws-table-scroll" role="region" tabindex="0" aria-label="table">'
                        "<table>").replace("</table>", "</table></div>")   # wide tables scroll, not the page
    toc = "".join(
        f'<li><a href="#{a}">{n}. {html.escape(_title(text, n))}</a></li>' for n, a in sections(text).items()
    )
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
        "<title>wechat_study: methods</title>",
        f"<style>{css}</style>",
        f"<script>{script}</script>" if script else "",
        "</head>",
        "<body>",
        '<main class="ws-methods">',
        '<p><a href="index.html">← All investigations</a></p>',
        body.replace("</h1>", f'</h1>\n<nav aria-label="Sections"><ul class="ws-toc">{toc}</ul></nav>', 1),
        f'<footer class="ws-version">{footer}</footer>' if footer else "",
        "</main>",
        "</body>",
        "</html>",
        "",
    ])


def _title(text: str, number: int) -> str:
    for hashes, heading in _HEADING.findall(text):
        if len(hashes) == 2 and heading.startswith(f"{number}. "):
            return heading[len(f"{number}. "):]
    return ""
