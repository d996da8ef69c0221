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
import numbers
import os
import re
import tempfile
from pathlib import Path

from .findings import FINDINGS_ENV, read_recorded

__all__ = [
    "NOT_REACHED", "FIELD", "ANCHORS", "register_anchor", "anchor_for", "slug", "share", "scientific", "points",
    "difference", "count",
    "number", "hours", "days", "p_value", "ratio", "auc", "minutes", "text", "FORMATS", "formatted_kind", "formatted",
    "recorded", "say", "Heading", "heading", "Paragraph", "paragraph", "FindingsBox", "render_sentences",
    "box_html", "sentences_in"
]

NOT_REACHED = "not reached"
FIELD = re.compile(r"\{([A-Za-z0-9_.\-]+)(?::([a-z_]+))?\}")

#: anchor -> label ("Figure 2", "Table 1") of every chart and table built in this kernel, in order.
ANCHORS: dict[str, str] = {}


def register_anchor(anchor: str, kind: str) -> str:
    """Record a chart's or table's anchor and give it its label ("Figure N" / "Table N").

    Labels are numbered per kind in the order anchors are first registered in this kernel (``ANCHORS``); an
    anchor registered again keeps its label.

    Parameters
    ----------
    anchor : str
        Lowercase letters and digits in words joined by hyphens (``crossing-shares``).
    kind : str
        ``"Figure"`` or ``"Table"``.

    Returns
    -------
    str
        The label, e.g. ``"Figure 2"``.

    Raises
    ------
    ValueError
        ``anchor`` is not lowercase words joined by hyphens.

    Examples
    --------
    >>> from unittest import mock
    >>> from wechat_study import narrative as nv
    >>> with mock.patch.dict(nv.ANCHORS, clear=True):
    ...     [nv.register_anchor(a, k) for a, k in [("crossing", "Figure"), ("crossing-table", "Table"),
    ...                                            ("timing", "Figure"), ("crossing", "Figure")]]
    ['Figure 1', 'Table 1', 'Figure 2', 'Figure 1']
    """
    if not re.fullmatch(r"[a-z0-9][a-z0-9\-]*", anchor):
        raise ValueError(f"anchor {anchor!r}: use lowercase words joined by hyphens, e.g. 'crossing-shares'")
    if anchor in ANCHORS and not ANCHORS[anchor].startswith(f"{kind} "):
        raise ValueError(f"anchor {anchor!r} is already {ANCHORS[anchor]}; give this {kind.lower()} another anchor")
    if anchor not in ANCHORS:
        n = sum(1 for v in ANCHORS.values() if v.startswith(kind)) + 1
        ANCHORS[anchor] = f"{kind} {n}"
    return ANCHORS[anchor]


_TITLES: dict[str, str] = {}  # anchor -> the title it was made from (read only while the anchor is in ANCHORS)


def anchor_for(title: str, kind: str, anchor: str | None = None) -> tuple[str, str]:
    """The anchor and label of a chart or table: ``anchor`` if given, else one made from its title.

    A made anchor is ``slug(title)``; when another title (or another kind) already holds that anchor, ``-2``,
    ``-3``, ... is added, so two tables whose titles share their first 60 characters get two ids and two numbers.
    The same title built again (a cell run twice) keeps its anchor and label.

    Parameters
    ----------
    title : str
        The chart's or table's title.
    kind : str
        ``"Figure"`` or ``"Table"``.
    anchor : str, optional
        An explicit anchor (``register_anchor`` checks it).

    Returns
    -------
    tuple of str
        ``(anchor, label)``.

    Raises
    ------
    ValueError
        An explicit ``anchor`` is malformed or already names the other kind.

    Examples
    --------
    >>> from unittest import mock
    >>> from wechat_study import narrative as nv
    >>> with mock.patch.dict(nv.ANCHORS, clear=True):
    ...     [nv.anchor_for(t, "Table") for t in ("中文", "Sizes", "标题", "Sizes")]
    [('x', 'Table 1'), ('sizes', 'Table 2'), ('x-2', 'Table 3'), ('sizes', 'Table 2')]
    """
    if anchor is not None:
        return anchor, register_anchor(anchor, kind)
    base = candidate = slug(title)
    n = 1
    while candidate in ANCHORS and (_TITLES.get(candidate) != title or not ANCHORS[candidate].startswith(f"{kind} ")):
        n += 1
        candidate = f"{base}-{n}"
    _TITLES[candidate] = title
    return candidate, register_anchor(candidate, kind)


def slug(text: str) -> str:
    """An anchor from free text: lowercase words joined by hyphens.

    Parameters
    ----------
    text : str
        Any text (converted with ``str``).

    Returns
    -------
    str
        Runs of characters other than ``a-z`` and ``0-9`` (after lowercasing) become one hyphen, with none at
        either end, cut to 60 characters; ``"x"`` when nothing is left.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.slug("Time to 1,000 reposts!"), nv.slug("***")
    ('time-to-1-000-reposts', 'x')
    """
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-")[:60] or "x"


# ---------------------------------------------------------------------------------------------- formats


def _missing(x) -> bool:
    if x is None or type(x).__name__ in ("NAType", "NaTType"):
        return True
    try:
        return math.isnan(x)   # also numpy floats of every width (np.float32 is not a float)
    except (TypeError, ValueError):
        return False


def _is_boolean(x) -> bool:
    """True for Python's and numpy's booleans (numpy's are no ``bool``; numpy 2 names the type ``bool``)."""
    return isinstance(x, bool) or (type(x).__module__ == "numpy" and type(x).__name__ in ("bool", "bool_"))


def _infinite(x) -> str | None:
    """"∞" or "-∞" for an infinite value (a ratio under separation, an unbounded interval), else None."""
    if isinstance(x, numbers.Real) and not _is_boolean(x) and math.isinf(x):
        return "∞" if x > 0 else "-∞"
    return None


def _check(kind: str, x, lo, hi, low: float | None = None, high: float | None = None) -> None:
    """A ``ValueError`` naming the value when it is a boolean, lies outside [low, high] (beyond float noise) or
    its interval runs backwards: such a number is a bug upstream, not something to print."""
    if _is_boolean(x):
        raise ValueError(f"a {kind} is a number, not the boolean {bool(x)!r}")
    values = [v for v in (x, lo, hi) if not _missing(v)]
    if low is not None and any(v < low - 1e-9 or v > high + 1e-9 for v in values):
        raise ValueError(f"a {kind} lies from {low:g} to {high:g}; got {', '.join(repr(float(v)) for v in values)}")
    if not (_missing(lo) or _missing(hi)) and lo > hi + 1e-12 * max(1.0, abs(hi)):
        raise ValueError(f"the {kind}'s interval runs backwards: from {float(lo)!r} to {float(hi)!r}")


def _decimals(x: float, digits: int) -> int:
    """How many decimals show ``x`` to ``digits`` significant figures (0 for a zero)."""
    if x == 0 or not math.isfinite(x):
        return 0
    return max(0, digits - 1 - math.floor(math.log10(abs(x))))


def scientific(x: float) -> str:
    """A number far from 1 as "1.34 × 10⁻⁴"; below 10⁻¹² it is float noise and reads "0".

    Parameters
    ----------
    x : float
        The number, finite.

    Returns
    -------
    str
        Three significant digits (trailing zeros dropped) times a power of ten in superscript digits.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.scientific(0.000134), nv.scientific(2.5e17), nv.scientific(1e-15)
    ('1.34 × 10⁻⁴', '2.5 × 10¹⁷', '0')
    """
    if abs(x) < 1e-12:
        return "0"
    mantissa, exponent = f"{x:.2e}".split("e")
    return f"{float(mantissa):g} \u00d7 10{str(int(exponent)).translate(_SUPERSCRIPT)}"


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def _with_interval(x, lo, hi, fmt, decimals: int, unit: str = "") -> str:
    """``fmt(x, d)`` and its interval, every number with the estimate's ``d`` decimals.

    When the interval's ends would read alike although they differ, one more decimal is shown (up to three more),
    so an interval never reads "(17–17)".
    """
    def one(v, d):
        return _infinite(v) or fmt(v, d)

    if _missing(lo) or _missing(hi):
        return one(x, decimals) + unit
    d = decimals
    while d < decimals + 3 and lo != hi and one(lo, d) == one(hi, d):
        d += 1
    sep = " to " if (lo < 0 or hi < 0 or one(lo, d).startswith("+")) else "\u2013"   # never "+6.0–+18.6"
    return f"{one(x, d)}{unit} ({one(lo, d)}{sep}{one(hi, d)})"


def _pct_decimals(x: float) -> int:
    v = 100 * x
    if 0.99 < x < 1:   # near 100%: enough decimals that the gap to 100% shows (99.96%, not 100.0%)
        return max(1, _decimals(100 - v, 1))
    if not math.isfinite(v) or abs(v) < 1e-9 or abs(float(f"{v:.2g}")) >= 1:
        return 1
    return _decimals(v, 2)


def _pct(x: float, d: int | None = None) -> str:
    v = 100 * x
    if abs(v) < 1e-9:  # 0 up to float noise
        v = 0.0
    return f"{v:.{_pct_decimals(x) if d is None else d}f}"


def share(x, lo=None, hi=None) -> str:
    """A fraction as a percentage with one decimal, and its interval: ``29.2% (27.7–30.8)``.

    Below 1% the percentage has two significant digits (``0.42%``, ``0.0040%``); the interval's bounds keep the
    estimate's decimals (one more when they would otherwise read alike); a bound within float noise of 0 reads
    ``0.0``. A share of exactly 0 reads ``0%`` and its interval takes the decimals of its upper bound
    and its unit (``0% (0–0.022%)``), so the bound that carries the information is neither rounded away nor misread.

    Parameters
    ----------
    x : float
        A share, 0–1.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Raises
    ------
    ValueError
        ``x`` or a bound is a boolean or lies outside 0–1, or the interval runs backwards.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.share(0.292, 0.277, 0.308), nv.share(0.0042), nv.share(float("nan")), nv.share(0.009999)
    ('29.2% (27.7–30.8)', '0.42%', 'not reached', '1.0%')
    >>> nv.share(0.05, 0.004, 0.09), nv.share(0.2921, 0.2919, 0.2923)
    ('5.0% (0.4–9.0)', '29.21% (29.19–29.23)')
    >>> nv.share(0.0, 0.0, 0.00022058), nv.share(0.0, 0.0, 0.0436)
    ('0% (0–0.022%)', '0% (0–4.4%)')
    >>> nv.share(0.9996), nv.share(0.995), nv.share(1.0)
    ('99.96%', '99.5%', '100.0%')
    >>> import numpy as np
    >>> nv.share(np.bool_(True))
    Traceback (most recent call last):
    ...
    ValueError: a share is a number, not the boolean True
    """
    if _missing(x):
        return NOT_REACHED
    _check("share", x, lo, hi, 0.0, 1.0)
    if x == 0 and not (_missing(lo) or _missing(hi)) and math.isfinite(hi) and hi > 0:  # none seen: the bound counts
        text = _with_interval(x, lo, hi, lambda v, d: "0" if v == 0 else _pct(v, d), _pct_decimals(hi), unit="%")
        return text[:-1] + "%)" if text.endswith(")") else text
    return _with_interval(x, lo, hi, _pct, _pct_decimals(x), unit="%")


def points(x, lo=None, hi=None) -> str:
    """A difference of two fractions in percentage points, signed: ``+6.5 percentage points (+4.1 to +8.9)``.

    The bounds are signed too and joined with an en dash, or with "to" when either is negative.

    Parameters
    ----------
    x : float
        A difference of two shares (each 0–1), so -1 to 1.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Raises
    ------
    ValueError
        A value lies outside -1 to 1, or the interval runs backwards.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.points(0.065, 0.041, 0.089), nv.points(-0.012, -0.03, 0.006)
    ('+6.5 percentage points (+4.1 to +8.9)', '-1.2 percentage points (-3.0 to +0.6)')
    """
    if _missing(x):
        return NOT_REACHED
    _check("difference of shares", x, lo, hi, -1.0, 1.0)
    return _with_interval(x, lo, hi, lambda v, d: f"{100 * v:+.{d}f}", 1, unit=" percentage points")


def difference(x, lo=None, hi=None) -> str:
    """A signed difference of two scores (e.g. an AUC gain), three decimals: ``+0.005 (-0.002 to +0.011)``.

    A value that rounds to zero reads ``+0.000``, never ``-0.000``.

    Parameters
    ----------
    x : float
        The difference.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Raises
    ------
    ValueError
        ``x`` is a boolean, or the interval runs backwards.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.difference(0.005, -0.002, 0.011), nv.difference(-0.0001)
    ('+0.005 (-0.002 to +0.011)', '+0.000')
    """
    if _missing(x):
        return NOT_REACHED
    _check("difference", x, lo, hi)

    def f(v, d):
        text = f"{v:+.{d}f}"
        return "+" + text[1:] if text.startswith("-") and float(text) == 0 else text

    return _with_interval(x, lo, hi, f, 3)


def count(n, lo=None, hi=None) -> str:
    """A whole number with thousands separators: ``1,277,843``.

    Parameters
    ----------
    n : int or float
        The count; a float is rounded to the nearest whole number.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Raises
    ------
    ValueError
        ``n`` is a boolean, or the interval runs backwards.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.count(1277843), nv.count(12.6, 10, 15.2)
    ('1,277,843', '13 (10–15)')
    """
    if _missing(n):
        return NOT_REACHED
    _check("count", n, lo, hi)
    if not _infinite(n) and abs(n) >= 1e15:
        return scientific(n)
    return _with_interval(n, lo, hi, lambda v, d: f"{v:,.{d}f}" if d else f"{_half_up(v):,}", 0)


def _half_up(v: float) -> int:
    """The nearest whole number, halves away from zero (``round`` takes halves to even: 2.5 would read 2)."""
    return int(math.copysign(math.floor(abs(v) + 0.5), v))


def number(x, lo=None, hi=None, digits: int = 3) -> str:
    """A plain number to ``digits`` significant figures, thousands separated: ``3.31``, ``1,288``.

    Alone, trailing zeros after the decimal point are dropped (``2.5``, not ``2.50``); with an interval, the
    bounds keep the estimate's decimals (``2.50 (1.91–3.20)``) and an exact 0 reads ``0``. Beyond 10¹⁵ or below
    10⁻⁶ a number reads in powers of ten (``scientific``).

    Parameters
    ----------
    x : float
        The number.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Raises
    ------
    ValueError
        ``x`` is a boolean, or the interval runs backwards.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.number(3.3137), nv.number(1288.4), nv.number(2.5, 1.91, 3.2), nv.number(0.0012345, digits=2)
    ('3.31', '1,288', '2.50 (1.91–3.20)', '0.0012')
    >>> nv.number(float("inf")), nv.number(1e300), nv.number(2.0, 1.5, float("inf")), nv.number(0.0571, 0, 0.1675)
    ('∞', '1 × 10³⁰⁰', '2.00 (1.50–∞)', '0.0571 (0–0.1675)')
    """
    if _missing(x):
        return NOT_REACHED
    _check("number", x, lo, hi)
    if _infinite(x) or _far(x):
        return _infinite(x) or scientific(x)
    if _missing(lo) or _missing(hi):
        return _sig(x, digits)
    return _with_interval(x, lo, hi, lambda v, d: "0" if v == 0 else scientific(v) if _far(v) else f"{v:,.{d}f}",
                          _decimals(x, digits))


def _far(x: float) -> bool:
    return math.isfinite(x) and x != 0 and not 1e-6 <= abs(x) < 1e15


def _sig(x: float, digits: int, strip: bool = True) -> str:
    if x == 0:
        return "0"
    if _infinite(x) or _far(x):
        return _infinite(x) or scientific(x)
    decimals = _decimals(x, digits)
    text = f"{x:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if strip and "." in text else text


def hours(h, lo=None, hi=None) -> str:
    """A duration given in hours, in the unit a reader expects: ``45 minutes``, ``3.2 hours``, ``4.1 days``.

    Under 1 hour it reads in minutes, under 48 hours in hours, else in days; two significant digits below 10 of the
    unit, three below 100 (a whole value stays whole), whole numbers above. The interval is shown in the value's
    unit, without the unit's name, and with the estimate's decimals (one more when its ends would otherwise read
    alike).

    Parameters
    ----------
    h : float
        The duration, hours.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.hours(0.75), nv.hours(1.0), nv.hours(3.2, 2.1, 5.0), nv.hours(98.4)
    ('45 minutes', '1 hour', '3.2 hours (2.1–5.0)', '4.1 days')
    >>> nv.hours(16.86, 16.54, 17.17), nv.hours(13.7, 12.8, 15.3), nv.hours(24.0)
    ('16.9 hours (16.5–17.2)', '13.7 hours (12.8–15.3)', '24 hours')
    >>> nv.hours(59.99 / 60), nv.hours(47.99), nv.hours(9.999)
    ('1 hour', '2 days', '10 hours')
    """
    if _missing(h):
        return NOT_REACHED
    if _infinite(h):
        return f"{_infinite(h)} hours"
    scale, unit = (60, "minutes") if abs(h) < 1 else (1, "hours") if abs(h) < 48 else (1 / 24, "days")
    if unit == "minutes" and abs(_rounded(h * 60)) >= 60:   # 59.99 minutes reads 1 hour, not 60.0 minutes
        scale, unit = 1, "hours"
    if unit == "hours" and abs(_rounded(h)) >= 48:
        scale, unit = 1 / 24, "days"
    return _duration(h * scale, None if _missing(lo) else lo * scale, None if _missing(hi) else hi * scale, unit)


def _duration_decimals(v: float) -> int:
    """Two significant digits below 10, three below 100 (whole values stay whole), whole numbers above; decided
    on the rounded value, so that 9.99 reads 10 and 99.99 reads 100."""
    decimals = _decimals(v, 2) if abs(v) < 10 else 1 if abs(v) < 100 and not float(v).is_integer() else 0
    r = round(float(v), decimals)
    if (abs(v) < 10 <= abs(r)) or (abs(v) < 100 <= abs(r)):
        return _duration_decimals(r)
    return decimals


def _rounded(v: float) -> float:
    return round(float(v), _duration_decimals(v))


def _duration(v, lo, hi, unit: str) -> str:
    """``v`` of ``unit`` to ``_duration_decimals``; the interval with its decimals."""
    _check("duration", v, lo, hi)
    decimals = _duration_decimals(v)
    if lo is None or hi is None:
        text = _sig(v, 2) if abs(_rounded(v)) < 10 else f"{v:,.{decimals}f}"
        return f"{text} {unit[:-1] if text == '1' else unit}"
    return _with_interval(v, lo, hi, lambda x, d: f"{x:,.{d}f}", decimals, unit=f" {unit}")


def days(d, lo=None, hi=None) -> str:
    """A duration given in days: ``2 days``, ``1.5 days``.

    Two significant digits below 10 days, three below 100 (a whole value stays whole), whole days above.

    Parameters
    ----------
    d : float
        The duration, days.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.days(2), nv.days(1.5), nv.days(1), nv.days(12.3), nv.days(4.1, 3, 5.25), nv.days(99.99)
    ('2 days', '1.5 days', '1 day', '12.3 days', '4.1 days (3.0–5.2)', '100 days')
    """
    if _missing(d):
        return NOT_REACHED
    if _infinite(d):
        return f"{_infinite(d)} days"
    return _duration(d, None if _missing(lo) else lo, None if _missing(hi) else hi, "days")


def p_value(p, lo=None, hi=None) -> str:
    """A p-value: ``p = 0.032``, ``p = 0.41``; below 0.001 it reads ``p < 0.001``.

    Two significant digits, trailing zeros kept (``p = 0.10``). ``lo`` and ``hi`` are accepted, as by every format,
    and ignored.

    Parameters
    ----------
    p : float
        The p-value, 0–1.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Raises
    ------
    ValueError
        ``p`` is a boolean or lies outside 0–1 (beyond float noise).

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.p_value(0.032), nv.p_value(0.1), nv.p_value(0.0004)
    ('p = 0.032', 'p = 0.10', 'p < 0.001')
    >>> import numpy as np
    >>> nv.p_value(np.bool_(True))
    Traceback (most recent call last):
    ...
    ValueError: a p-value is a number from 0 to 1, not np.True_
    """
    if _missing(p):
        return NOT_REACHED
    if _is_boolean(p) or not -1e-9 <= p <= 1 + 1e-9:
        raise ValueError(f"a p-value is a number from 0 to 1, not {p!r}")
    if p < 0.001:
        return "p < 0.001"
    return f"p = {_sig(min(p, 1.0), 2, strip=False)}"


def ratio(x, lo=None, hi=None) -> str:
    """An odds ratio or other ratio, two decimals with its interval: ``2.31 (1.80–2.95)``; below 0.01, two
    significant figures (``0.0012``), so a small ratio never reads 0.00.

    Parameters
    ----------
    x : float
        The ratio.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Raises
    ------
    ValueError
        ``x`` is a boolean, or the interval runs backwards.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.ratio(2.314, 1.8, 2.95), nv.ratio(float("nan")), nv.ratio(0.0012, 0.0005, 0.003)
    ('2.31 (1.80–2.95)', 'not reached', '0.0012 (0.0005–0.0030)')
    """
    if _missing(x):
        return NOT_REACHED
    _check("ratio", x, lo, hi)
    small = x != 0 and not _infinite(x) and abs(x) < 0.01
    return _with_interval(x, lo, hi, lambda v, d: f"{v:,.{d}f}", _decimals(x, 2) if small else 2)


def minutes(x, lo=None, hi=None) -> str:
    """A number of minutes in words, singular for one: ``1 minute``, ``60 minutes``, ``12.5 minutes (10.1–14.0)``.

    Parameters
    ----------
    x : float
        Minutes.
    lo, hi : float, optional
        The interval's bounds, in minutes.

    Returns
    -------
    str
        ``number`` of ``x`` and the unit after the estimate; ``NOT_REACHED`` when ``x`` is None or NaN.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.minutes(1), nv.minutes(60), nv.minutes(12.5, 10.1, 14.0)
    ('1 minute', '60 minutes', '12.5 minutes (10.1–14.0)')
    """
    if _missing(x):
        return NOT_REACHED
    text = number(x, lo, hi)
    head, _, rest = text.partition(" ")
    unit = "minute" if head == "1" else "minutes"
    return f"{head} {unit}" + (f" {rest}" if rest else "")


def auc(x, lo=None, hi=None) -> str:
    """An area under the ROC curve (0.5 is chance), two decimals: ``0.77 (0.74–0.80)``.

    Parameters
    ----------
    x : float
        The AUC, 0–1.
    lo, hi : float, optional
        The interval's bounds, in the same unit; the interval is shown only when both are given and not NaN.

    Returns
    -------
    str
        The text; ``NOT_REACHED`` ("not reached") when the value is None or NaN.

    Raises
    ------
    ValueError
        A value lies outside 0–1, or the interval runs backwards.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.auc(0.7712, 0.74, 0.80)
    '0.77 (0.74–0.80)'
    """
    if _missing(x):
        return NOT_REACHED
    _check("AUC", x, lo, hi, 0.0, 1.0)
    return _with_interval(x, lo, hi, lambda v, d: f"{v:,.{d}f}", 2)


def text(x, lo=None, hi=None) -> str:
    """Any value as it is (``str``), for words such as a data set's name or a group.

    Parameters
    ----------
    x : object
        The value.
    lo, hi : optional
        Accepted, as by every format, and ignored.

    Returns
    -------
    str
        ``str(x)``; ``NOT_REACHED`` ("not reached") when ``x`` is None or NaN.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.text("the cascades of my data"), nv.text(None)
    ('the cascades of my data', 'not reached')
    """
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
    "minutes": minutes,
    "text": text,
}


def formatted_kind(value) -> str:
    """The default format of a value: counts for integers, numbers for floats, text otherwise.

    Booleans are text (``True``), not counts.

    Parameters
    ----------
    value : object
        The value to format.

    Returns
    -------
    str
        A key of ``FORMATS``: ``"count"``, ``"number"`` or ``"text"``.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.formatted_kind(3), nv.formatted_kind(3.0), nv.formatted_kind(True), nv.formatted_kind("rumour")
    ('count', 'number', 'text', 'text')
    """
    if isinstance(value, bool):
        return "text"
    if isinstance(value, int):
        return "count"
    return "number" if isinstance(value, float) else "text"


def formatted(value, kind: str | None = None, lo=None, hi=None) -> str:
    """``value`` in the format ``kind`` (default: counts for integers, numbers for floats, text otherwise).

    Parameters
    ----------
    value : object
        The value.
    kind : str, optional
        A key of ``FORMATS`` (default: ``formatted_kind(value)``).
    lo, hi : float, optional
        The interval's bounds, for the formats that show one.

    Returns
    -------
    str
        The value for readers.

    Raises
    ------
    ValueError
        ``kind`` is not a key of ``FORMATS``.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.formatted(1500), nv.formatted(0.25, "share", 0.2, 0.3)
    ('1,500', '25.0% (20.0–30.0)')
    >>> nv.formatted(1, "percent")
    Traceback (most recent call last):
    ...
    ValueError: unknown format 'percent'; use one of share, points, difference, count, number, hours, days, p, ...
    """
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

    Returns
    -------
    dict
        Name -> ``{"value", "tolerance", "note", "notebook"}`` (``findings.read_recorded``).

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> import wechat_study as ws
    >>> from wechat_study import narrative as nv
    >>> with tempfile.TemporaryDirectory() as tmp, \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     _ = ws.record_finding("cascades.mine.posts", 120)
    ...     nv.recorded()
    {'cascades.mine.posts': {'value': 120, 'tolerance': 0, 'note': None, 'notebook': None}}
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
    """The sentence as plain text (for captions, titles and headings).

    Fields are filled as in the module docstring, without HTML; ``{{`` and ``}}`` give literal braces.

    Parameters
    ----------
    template : str
        The sentence with ``{NAME:KIND}`` fields.
    prefix : str
        Put before a finding name that starts with ``.``.
    findings : dict, optional
        Name -> entry to read findings from (default: ``recorded()``).
    **values
        The values of the fields without a dot.

    Returns
    -------
    str
        The sentence.

    Raises
    ------
    KeyError
        A field names a finding that was not recorded, or a keyword that was not passed.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.say("Time to {t:count} reposts", t=1000)
    'Time to 1,000 reposts'
    >>> found = {"thresholds.mine.share_500": {"value": 0.292}, "thresholds.mine.share_500.ci_low": {"value": 0.277},
    ...          "thresholds.mine.share_500.ci_high": {"value": 0.308}}
    >>> nv.say("{.share_500:share} of cascades reach 500 reposts.", prefix="thresholds.mine", findings=found)
    '29.2% (27.7–30.8) of cascades reach 500 reposts.'
    """
    return _fill(template, values, findings if findings is not None else recorded(), prefix, escape=False)[0]


class Heading:
    """A heading whose text names parameters (``{threshold:count}``), displayed as HTML with an anchor.

    ``text`` is the filled template (``say``); the HTML heading's ``id`` is ``slug(text)``.

    Parameters
    ----------
    template : str
        The heading with ``{NAME:KIND}`` fields (as for ``say``).
    level : int
        The HTML heading level (2 for ``<h2>``) and the number of ``#`` in Markdown.
    **values
        The values of the fields without a dot.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> h = nv.Heading("Time to {t:count} reposts", level=3, t=500)
    >>> h.text, h._repr_html_(), h._repr_markdown_()
    ('Time to 500 reposts', '<h3 id="time-to-500-reposts">Time to 500 reposts</h3>', '### Time to 500 reposts')
    """

    def __init__(self, template: str, level: int = 2, **values):
        self.text = say(template, **values)
        self.level = level

    def _repr_html_(self) -> str:
        return f'<h{self.level} id="{slug(self.text)}">{html.escape(self.text)}</h{self.level}>'

    def _repr_markdown_(self) -> str:
        return f"{'#' * self.level} {self.text}"


def heading(template: str, level: int = 2, **values) -> Heading:
    """A section heading generated from parameters: ``nv.heading("Time to {t:count} reposts", t=threshold)``.

    Parameters
    ----------
    template : str
        The heading with ``{NAME:KIND}`` fields (as for ``say``).
    level : int
        The heading level.
    **values
        The values of the fields without a dot.

    Returns
    -------
    Heading
        Displayed as HTML in a notebook.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.heading("Time to {t:count} reposts", t=1000)._repr_html_()
    '<h2 id="time-to-1-000-reposts">Time to 1,000 reposts</h2>'
    """
    return Heading(template, level, **values)


class Paragraph:
    """A paragraph of prose with formatted fields (see the module docstring).

    The fields are filled when it is made, from the findings recorded so far (``recorded()``); the text is escaped
    for HTML and each finding is wrapped in a ``ws-value`` span.

    Parameters
    ----------
    template : str
        The paragraph with ``{NAME:KIND}`` fields.
    prefix : str
        Put before a finding name that starts with ``.``.
    **values
        The values of the fields without a dot.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.Paragraph("Cascades are followed until {end:text} & after.", end="the crawl")._repr_html_()
    '<p class="ws-prose">Cascades are followed until the crawl &amp; after.</p>'
    """

    def __init__(self, template: str, prefix: str = "", **values):
        self.html, _ = _fill(template, values, recorded(), prefix, escape=True)

    def _repr_html_(self) -> str:
        return f'<p class="ws-prose">{self.html}</p>'


def paragraph(template: str, prefix: str = "", **values) -> Paragraph:
    """A paragraph whose numbers come from findings and parameters, formatted for readers.

    Parameters
    ----------
    template : str
        The paragraph with ``{NAME:KIND}`` fields.
    prefix : str
        Put before a finding name that starts with ``.``.
    **values
        The values of the fields without a dot.

    Returns
    -------
    Paragraph
        Displayed as HTML in a notebook.

    Raises
    ------
    KeyError
        A field names a finding that was not recorded, or a keyword that was not passed.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> nv.paragraph("{n:count} cascades were followed for {h:hours}.", n=3387, h=0.5).html
    '3,387 cascades were followed for 30 minutes.'
    """
    return Paragraph(template, prefix, **values)


class FindingsBox:
    """The "What we found" box: three to six sentences, each with its numbers and a link to its evidence.

    ``sentences`` holds each sentence added (template, prefix, anchor, label and values); the box displays itself
    as HTML (``box_html``) from the findings recorded when it is shown.

    Parameters
    ----------
    prefix : str
        Put before every finding name that starts with ``.`` (``thresholds.<dataset>``).
    title : str
        The box's heading.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> import wechat_study as ws
    >>> from wechat_study import narrative as nv
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(nv.ANCHORS, clear=True), \\
    ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
    ...     _ = ws.record_finding("thresholds.mine.share_500", 0.292, tolerance=1e-9)
    ...     _ = nv.register_anchor("crossing-shares", "Figure")
    ...     box = nv.FindingsBox(prefix="thresholds.mine")
    ...     _ = box.add("{.share_500:share} of cascades reach {t:count} reposts.", see="crossing-shares", t=500)
    ...     html = box._repr_html_()
    >>> len(box.sentences), box.sentences[0]["label"], "29.2%" in html
    (1, 'Figure 1', True)
    """

    def __init__(self, prefix: str = "", title: str = "What we found"):
        self.prefix, self.title = prefix, title
        self.sentences: list[dict] = []

    def add(self, template: str, see: str | None = None, **values) -> FindingsBox:
        """Add a sentence; ``see`` is the anchor of the chart or table behind it (checked now).

        The template is also filled now from the findings recorded so far, so a wrong field fails here, not when
        the box is shown.

        Parameters
        ----------
        template : str
            The sentence with ``{NAME:KIND}`` fields.
        see : str, optional
            The anchor of the chart or table behind it, already registered (``register_anchor``).
        **values
            The values of the fields without a dot.

        Returns
        -------
        FindingsBox
            The box itself, so calls can be chained.

        Raises
        ------
        ValueError
            ``see`` names an anchor that was not built yet.
        KeyError
            A field names a finding that was not recorded, or a keyword that was not passed.

        Examples
        --------
        >>> import os, tempfile
        >>> from unittest import mock
        >>> import wechat_study as ws
        >>> from wechat_study import narrative as nv
        >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(nv.ANCHORS, clear=True), \\
        ...         mock.patch.dict(os.environ, {"WECHAT_STUDY_FINDINGS": os.path.join(tmp, "findings.jsonl")}):
        ...     _ = ws.record_finding("thresholds.mine.share_500", 0.292, tolerance=1e-9)
        ...     _ = nv.register_anchor("crossing-shares", "Figure")
        ...     box = nv.FindingsBox(prefix="thresholds.mine")
        ...     box.add("{.share_500:share} of cascades reach {t:count} reposts.", see="crossing-shares", t=500) is box
        ...     box.add("Later.", see="timing")
        Traceback (most recent call last):
        ...
        ValueError: no chart or table has anchor 'timing' (built so far: crossing-shares); build it before the box
        >>> box.sentences[0]["see"], box.sentences[0]["values"]
        ('crossing-shares', {'t': 500})
        """
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
    """Each sentence as HTML ``<li>`` content, filled from ``findings`` (a kernel's record or the ledger).

    A sentence with an anchor ends with a link ``<a class="ws-see" href="<link_prefix>#<anchor>">`` labelled with
    its figure or table (or "evidence" when it has no label); every sentence then links to the page's method
    section (``#method``: "Method, conventions and caveats").

    Parameters
    ----------
    sentences : list of dict
        As ``FindingsBox.sentences`` holds them (``template``, and optionally ``values``, ``prefix``, ``see``,
        ``label``).
    findings : dict
        Name -> entry with ``value``, to fill the finding fields from.
    link_prefix : str
        Put before ``#<anchor>`` in each link (the report's page, from the index).

    Returns
    -------
    list of str
        The HTML of each sentence, in order.

    Raises
    ------
    KeyError
        A sentence names a finding that is not in ``findings``.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> sentences = [{"template": "{.share_500:share} cross.", "prefix": "thresholds.mine", "see": "crossing",
    ...               "label": "Figure 1"}]
    >>> nv.render_sentences(sentences, {"thresholds.mine.share_500": {"value": 0.292}}, link_prefix="03.html")
    ['<span class="ws-value" data-finding="thresholds.mine.share_500" data-kind="share">29.2%</span> cross.
      <a class="ws-see" href="03.html#crossing">Figure 1</a>
      <a class="ws-see ws-method" href="03.html#method">method</a>']
    """
    out = []
    for s in sentences:
        body, _ = _fill(s["template"], s.get("values") or {}, findings, s.get("prefix", ""), escape=True)
        if s.get("see"):
            href = f"{html.escape(link_prefix)}#{html.escape(s['see'])}"
            body += f' <a class="ws-see" href="{href}">{html.escape(s.get("label") or "evidence")}</a>'
        body += f' <a class="ws-see ws-method" href="{html.escape(link_prefix)}#method">method</a>'
        out.append(body)
    return out


def box_html(sentences: list[dict], findings: dict[str, dict], title: str = "What we found") -> str:
    """The box's HTML. It carries its sentences (templates, JSON) so the index can re-render them from the ledger.

    Parameters
    ----------
    sentences : list of dict
        As ``FindingsBox.sentences`` holds them.
    findings : dict
        Name -> entry with ``value``, to fill the finding fields from.
    title : str
        The box's heading.

    Returns
    -------
    str
        A ``<section class="ws-findings" id="what-we-found">`` whose ``data-ws-findings`` attribute holds the
        sentences as JSON, with an ``<h2>`` title and one ``<li>`` per sentence (``render_sentences``).

    Raises
    ------
    KeyError
        A sentence names a finding that is not in ``findings``.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> html = nv.box_html([{"template": "{n:count} cascades.", "values": {"n": 3387}}], {})
    >>> print(html)
    <section class="ws-findings" id="what-we-found" data-ws-findings="[{&quot;template&quot;:...}]">...</section>
    >>> html[html.index("<h2>"):]
    '<h2>What we found</h2><ul><li>3,387 cascades.
     <a class="ws-see ws-method" href="#method">method</a></li></ul></section>'
    """
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
    """The sentence templates stored in a page's findings box ([] when it has none).

    Parameters
    ----------
    page_html : str
        A report page's HTML.

    Returns
    -------
    list of dict
        The sentences of the first ``data-ws-findings`` attribute, as ``box_html`` stored them.

    Examples
    --------
    >>> from wechat_study import narrative as nv
    >>> page = "<main>" + nv.box_html([{"template": "{n:count} cascades.", "values": {"n": 3387}}], {}) + "</main>"
    >>> nv.sentences_in(page), nv.sentences_in("<p>no box</p>")
    ([{'template': '{n:count} cascades.', 'values': {'n': 3387}}], [])
    """
    m = re.search(r"""data-ws-findings=(?:"([^"]*)"|'([^']*)')""", page_html)
    if not m:
        return []
    return json.loads(html.unescape(m.group(1) if m.group(1) is not None else m.group(2)))
