"""Findings in words: number formats for readers, sentences built from recorded findings, the findings box.

A sentence is a template whose ``{...}`` fields are filled and formatted for readers::

    box = nv.FindingsBox(prefix=f"thresholds.{dataset}")
    box.add("{.share_500.rumour:share} of rumour cascades reach {t:count} reposts.", see="crossing", t=500)
    box

- ``{NAME:KIND}`` with a dotted ``NAME`` is a recorded finding (``ws.record_finding``); a ``NAME`` that
  starts with ``.`` is relative to the box's ``prefix``. Its interval comes from ``NAME.ci_low`` and
  ``NAME.ci_high`` when those were recorded. A null finding reads "not reached".
- ``{key:KIND}`` without a dot is the keyword argument ``key`` (a parameter, e.g. the threshold).
- ``KIND`` is one of ``FORMATS`` (share, count, number, hours, days, p, ratio, auc, points, text);
  without it, integers read as counts and floats as numbers.

``see=`` names the anchor of the chart or table that backs the sentence (``charts.figure(..., anchor=)``,
``tables.publication(..., anchor=)``); a sentence linking to an anchor that was not built yet is an error.
The report renderer moves the box to the top of the page, after the question (``pages.render``); the
index page re-renders the same sentences from the ledger (``render_sentences``). Conventions of the
formats: investigations/README.md#writing-a-report.
"""

from __future__ import annotations

import html
import json
import math
import os
import re
import tempfile
from pathlib import Path

from .findings import FINDINGS_ENV, read_recorded

__all__ = [
    "NOT_REACHED", "FIELD", "ANCHORS", "register_anchor", "slug", "share", "points", "difference", "count",
    "number", "hours", "days", "p_value", "ratio", "auc", "text", "FORMATS", "formatted_kind", "formatted",
    "recorded", "say", "Heading", "heading", "Paragraph", "paragraph", "FindingsBox", "render_sentences",
    "box_html", "sentences_in"
]

NOT_REACHED = "not reached"
FIELD = re.compile(r"\{([A-Za-z0-9_.\-]+)(?::([a-z_]+))?\}")

#: anchor -> label ("Figure 2", "Table 1") of every chart and table built in this kernel, in order.
ANCHORS: dict[str, str] = {}


def register_anchor(anchor: str, kind: str) -> str:
    """Record a chart's or table's anchor and give it its label ("Figure N" / "Table N")."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", anchor):
        raise ValueError(f"anchor {anchor!r}: use lowercase words joined by hyphens, e.g. 'crossing-shares'")
    if anchor not in ANCHORS:
        n = sum(1 for v in ANCHORS.values() if v.startswith(kind)) + 1
        ANCHORS[anchor] = f"{kind} {n}"
    return ANCHORS[anchor]


def slug(text: str) -> str:
    """An anchor from free text: lowercase words joined by hyphens."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:60] or "x"


# ---------------------------------------------------------------------------------------------- formats


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _pct(x: float) -> str:
    v = 100 * x
    if abs(v) < 1e-9:  # a bound that is 0 up to float noise
        return "0.0"
    if abs(v) < 0.01:  # two significant digits, never in exponent form
        return _sig(v, 2, strip=False)
    if abs(v) < 1:
        return f"{v:.2g}"
    return f"{v:.1f}"


def _interval(lo, hi, fmt) -> str:
    if _missing(lo) or _missing(hi):
        return ""
    a, b = fmt(lo), fmt(hi)
    sep = " to " if (lo < 0 or hi < 0) else "–"
    return f" ({a}{sep}{b})"


def share(x, lo=None, hi=None) -> str:
    """A fraction as a percentage with one decimal, and its interval: ``29.2% (27.7–30.8)``."""
    if _missing(x):
        return NOT_REACHED
    return f"{_pct(x)}%" + _interval(lo, hi, _pct)


def points(x, lo=None, hi=None) -> str:
    """A difference of two fractions in percentage points, signed: ``+6.5 percentage points (4.1 to 8.9)``."""
    if _missing(x):
        return NOT_REACHED
    return f"{100 * x:+.1f} percentage points" + _interval(lo, hi, lambda v: f"{100 * v:+.1f}")


def difference(x, lo=None, hi=None) -> str:
    """A signed difference of two scores (e.g. an AUC gain), three decimals: ``+0.005 (-0.002 to +0.011)``."""
    if _missing(x):
        return NOT_REACHED

    def f(v):
        return f"{v:+.3f}".replace("-0.000", "+0.000")

    return f(x) + _interval(lo, hi, f)


def count(n, lo=None, hi=None) -> str:
    """A whole number with thousands separators: ``1,277,843``."""
    if _missing(n):
        return NOT_REACHED
    return f"{round(n):,}" + _interval(lo, hi, lambda v: f"{round(v):,}")


def number(x, lo=None, hi=None, digits: int = 3) -> str:
    """A plain number to ``digits`` significant figures, thousands separated: ``3.31``, ``1,288``."""
    if _missing(x):
        return NOT_REACHED
    return _sig(x, digits) + _interval(lo, hi, lambda v: _sig(v, digits))


def _sig(x: float, digits: int, strip: bool = True) -> str:
    if x == 0:
        return "0"
    decimals = max(0, digits - 1 - math.floor(math.log10(abs(x))))
    text = f"{x:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if strip and "." in text else text


def hours(h, lo=None, hi=None) -> str:
    """A duration given in hours, in the unit a reader expects: ``45 minutes``, ``3.2 hours``, ``4.1 days``."""
    if _missing(h):
        return NOT_REACHED
    if abs(h) < 1:
        unit, f = "minutes", lambda v: _sig(60 * v, 2)
    elif abs(h) < 48:
        unit, f = "hours", lambda v: _sig(v, 2) if abs(v) < 10 else f"{v:,.0f}"
    else:
        unit, f = "days", lambda v: _sig(v / 24, 2) if abs(v / 24) < 10 else f"{v / 24:,.0f}"
    text = f(h)
    if text == "1":
        unit = unit[:-1]
    return f"{text} {unit}" + _interval(lo, hi, f)


def days(d, lo=None, hi=None) -> str:
    """A duration given in days: ``2 days``, ``1.5 days``."""
    if _missing(d):
        return NOT_REACHED
    def f(v):
        return _sig(v, 2) if abs(v) < 10 else f"{v:,.0f}"

    text = f(d)
    return f"{text} {'day' if text == '1' else 'days'}" + _interval(lo, hi, f)


def p_value(p, lo=None, hi=None) -> str:
    """A p-value: ``p = 0.032``, ``p = 0.41``; below 0.001 it reads ``p < 0.001``."""
    if _missing(p):
        return NOT_REACHED
    if p < 0.001:
        return "p < 0.001"
    return f"p = {_sig(p, 2, strip=False)}"


def ratio(x, lo=None, hi=None) -> str:
    """An odds ratio or other ratio, two decimals with its interval: ``2.31 (1.80–2.95)``."""
    if _missing(x):
        return NOT_REACHED
    return f"{x:.2f}" + _interval(lo, hi, lambda v: f"{v:.2f}")


def auc(x, lo=None, hi=None) -> str:
    """An area under the ROC curve (0.5 is chance), two decimals: ``0.77 (0.74–0.80)``."""
    return ratio(x, lo, hi)


def text(x, lo=None, hi=None) -> str:
    return NOT_REACHED if _missing(x) else str(x)


FORMATS = {
    "share": share,
    "points": points,
    "difference": difference,
    "count": count,
    "number": number,
    "hours": hours,
    "days": days,
    "p": p_value,
    "ratio": ratio,
    "auc": auc,
    "text": text,
}


def formatted_kind(value) -> str:
    """The default format of a value: counts for integers, numbers for floats, text otherwise."""
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return "count"
    return "number" if isinstance(value, float) else "text"


def formatted(value, kind: str | None = None, lo=None, hi=None) -> str:
    """``value`` in the format ``kind`` (default: counts for integers, numbers for floats, text otherwise)."""
    kind = kind or formatted_kind(value)
    if kind not in FORMATS:
        raise ValueError(f"unknown format {kind!r}; use one of {', '.join(FORMATS)}")
    return FORMATS[kind](value, lo, hi)


# --------------------------------------------------------------------------------------------- findings

_SESSION_SINK: Path | None = None


def recorded() -> dict[str, dict]:
    """Every finding recorded so far in this kernel, ``{name: {"value", ...}}``.

    Under ``wechat-study reproduce`` they are read back from the run's findings file. In an interactive
    IPython session without one, this module points ``record_finding`` at a temporary file of its own
    (from its import on), so a box built later sees every finding; elsewhere, with no file, it is empty.
    """
    global _SESSION_SINK
    sink = os.environ.get(FINDINGS_ENV)
    if not sink and _in_ipython():
        fd, name = tempfile.mkstemp(prefix="wechat-study-findings-", suffix=".jsonl")
        os.close(fd)
        _SESSION_SINK = Path(name)
        os.environ[FINDINGS_ENV] = sink = name
    return read_recorded(Path(sink)) if sink else {}


def _in_ipython() -> bool:
    import sys

    shell = sys.modules.get("IPython")
    return bool(shell and getattr(shell, "get_ipython", lambda: None)())


recorded()  # an interactive session starts recording at import, so a box made later sees every finding


def _fill(template: str, values: dict, findings: dict[str, dict] | None, prefix: str, escape: bool) -> tuple[str, list]:
    """The template with each field formatted; also the finding names it used."""
    used: list[dict] = []
    esc = html.escape if escape else (lambda s: s)

    def field(m: re.Match) -> str:
        ref, kind = m.group(1), m.group(2)
        if "." not in ref:
            if ref not in values:
                raise KeyError(f"sentence field {{{ref}}} has no value: pass {ref}=... or name a finding (dotted)")
            return esc(formatted(values[ref], kind))
        name = prefix + ref if ref.startswith(".") else ref
        if findings is None or name not in findings:
            raise KeyError(
                f"finding {name!r} was not recorded before this sentence (record it with "
                "ws.record_finding first, or fix the name)"
            )
        v = findings[name]["value"]
        lo = findings.get(f"{name}.ci_low", {}).get("value")
        hi = findings.get(f"{name}.ci_high", {}).get("value")
        shown = formatted(v, kind, lo, hi)
        used.append({"name": name, "kind": kind or "", "value": v, "ci_low": lo, "ci_high": hi, "shown": shown})
        if not escape:
            return shown
        attrs = f'data-finding="{html.escape(name)}" data-kind="{html.escape(kind or "")}"'
        return f'<span class="ws-value" {attrs}>{html.escape(shown)}</span>'

    parts = re.split(r"(\{\{|\}\})", template)
    out = "".join(
        {"{{": "{", "}}": "}"}.get(p) or FIELD.sub(field, p if not escape else _escape_text(p)) for p in parts
    )
    return out, used


def _escape_text(s: str) -> str:
    """Escape everything in a template except its ``{...}`` fields (which are escaped when filled)."""
    pieces, last = [], 0
    for m in FIELD.finditer(s):
        pieces += [html.escape(s[last : m.start()]), m.group(0)]
        last = m.end()
    return "".join(pieces + [html.escape(s[last:])])


def say(template: str, prefix: str = "", findings: dict[str, dict] | None = None, **values) -> str:
    """The sentence as plain text (for captions, titles and headings)."""
    return _fill(template, values, findings if findings is not None else recorded(), prefix, escape=False)[0]


class Heading:
    """A heading whose text names parameters (``{threshold:count}``), displayed as HTML with an anchor."""

    def __init__(self, template: str, level: int = 2, **values):
        self.text = say(template, **values)
        self.level = level

    def _repr_html_(self) -> str:
        return f'<h{self.level} id="{slug(self.text)}">{html.escape(self.text)}</h{self.level}>'

    def _repr_markdown_(self) -> str:
        return f"{'#' * self.level} {self.text}"


def heading(template: str, level: int = 2, **values) -> Heading:
    """A section heading generated from parameters: ``nv.heading("Time to {t:count} reposts", t=threshold)``."""
    return Heading(template, level, **values)


class Paragraph:
    """A paragraph of prose with formatted fields (see the module docstring)."""

    def __init__(self, template: str, prefix: str = "", **values):
        self.html, _ = _fill(template, values, recorded(), prefix, escape=True)

    def _repr_html_(self) -> str:
        return f'<p class="ws-prose">{self.html}</p>'


def paragraph(template: str, prefix: str = "", **values) -> Paragraph:
    """A paragraph whose numbers come from findings and parameters, formatted for readers."""
    return Paragraph(template, prefix, **values)


class FindingsBox:
    """The "What we found" box: three to six sentences, each with its numbers and a link to its evidence."""

    def __init__(self, prefix: str = "", title: str = "What we found"):
        self.prefix, self.title = prefix, title
        self.sentences: list[dict] = []

    def add(self, template: str, see: str | None = None, **values) -> FindingsBox:
        """Add a sentence; ``see`` is the anchor of the chart or table behind it (checked now)."""
        if see is not None and see not in ANCHORS:
            known = ", ".join(ANCHORS) or "none yet"
            raise ValueError(f"no chart or table has anchor {see!r} (built so far: {known}); build it before the box")
        _fill(template, values, recorded(), self.prefix, escape=True)  # fails now if a field is wrong
        self.sentences.append(
            {"template": template, "prefix": self.prefix, "see": see, "label": ANCHORS.get(see), "values": values}
        )
        return self

    def _repr_html_(self) -> str:
        return box_html(self.sentences, recorded(), self.title)


def render_sentences(sentences: list[dict], findings: dict[str, dict], link_prefix: str = "") -> list[str]:
    """Each sentence as HTML ``<li>`` content, filled from ``findings`` (a kernel's record or the ledger)."""
    out = []
    for s in sentences:
        body, _ = _fill(s["template"], s.get("values") or {}, findings, s.get("prefix", ""), escape=True)
        if s.get("see"):
            href = f"{html.escape(link_prefix)}#{html.escape(s['see'])}"
            body += f' <a class="ws-see" href="{href}">{html.escape(s.get("label") or "evidence")}</a>'
        out.append(body)
    return out


def box_html(sentences: list[dict], findings: dict[str, dict], title: str = "What we found") -> str:
    """The box's HTML. It carries its sentences (templates, JSON) so the index can re-render them from the ledger."""
    items = "".join(f"<li>{s}</li>" for s in render_sentences(sentences, findings))
    spec = json.dumps(sentences, sort_keys=True, ensure_ascii=True, separators=(",", ":"), default=_plain)
    return (
        f'<section class="ws-findings" id="what-we-found" data-ws-findings="{html.escape(spec)}">'
        f"<h2>{html.escape(title)}</h2><ul>{items}</ul></section>"
    )


def _plain(v):
    if hasattr(v, "item"):
        return v.item()
    if hasattr(v, "tolist"):
        return v.tolist()
    return str(v)


def sentences_in(page_html: str) -> list[dict]:
    """The sentence templates stored in a page's findings box ([] when it has none)."""
    m = re.search(r"""data-ws-findings=(?:"([^"]*)"|'([^']*)')""", page_html)
    if not m:
        return []
    return json.loads(html.unescape(m.group(1) if m.group(1) is not None else m.group(2)))
