"""Publication tables: a result table as a reader should see it (great-tables underneath).

``publication(df, title, ...)`` gives readable headers, percentages, thousands separators, intervals
merged into one cell ("29.2% (27.7–30.8)"), no index column, a numbered title ("Table 2. ..."), a source
note, an anchor to link to, and a scroller marked ``ws-table-scroll`` so a wide table scrolls inside
itself on a phone. Tables longer than ``collapse_after`` rows fold into a ``<details>`` element.
The result displays as HTML in Jupyter and in the rendered report (it is plain ``text/html``).
Number formats are those of ``narrative`` (investigations/README.md#writing-a-report).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from . import narrative as nv
from .schema import SCHEMAS
from .words import FIELD_WORDS, dataset_name, plain, word

__all__ = [
    "MISSING", "HEADERS", "CODED", "FIELDS", "ESTIMAND_KINDS", "fields_as_code", "header", "guess_format", "Table",
    "publication", "facts"
]

MISSING = "–"

#: Readable headers for column names the library uses often; others get their underscores turned to spaces.
HEADERS = {
    "n": "count",
    "share": "share",
    "ci_low": "95% interval, low",
    "ci_high": "95% interval, high",
    "median_h": "median (hours)",
    "mean_h": "mean (hours)",
    "hours": "hours after the source",
    "p_value": "p-value",
    "odds_ratio": "odds ratio",
    "auc": "AUC",
    "dataset": "data set",
    "group": "group",
    "size_bin": "cascade size (posts)",
    "reposts": "reposts",
    "crossed": "crossed",
    "reason": "removal reason",
    "median_days": "median (days)",
    "rho": "ρ (share of followers who see a post)",
    "repost_followers": "followers per reposter (assumed)",
    "threshold": "threshold",
    "km_share_at_end": "Kaplan–Meier share at end",
    "km_share_by_horizon": "Kaplan–Meier share by horizon",
    "logrank_p": "log-rank p",
    "non_rumours": "non-rumours",
    "rumours": "rumours",
    "n_rumour": "rumour cascades",
    "n_non_rumour": "non-rumour cascades",
    "median_rumour": "median, rumours",
    "median_non_rumour": "median, non-rumours",
    "estimand": "what it estimates",
    "p90_size": "90th-percentile size",
    "max_size": "largest size",
    "max_depth": "largest depth",
    "followers_q1": "followers, lower quartile",
    "followers_q3": "followers, upper quartile",
    "share_depth_1": "share at depth 1",
}

#: Headers made from a pattern (``median_hours_to_500`` → "median time to 500": its cells may read in minutes).
_PATTERN_HEADERS = ((re.compile(r"median_hours_to_(\d+)"), r"median time to \1"),)

_SUFFIX_UNITS = {
    "_h": "hours",
    "_hours": "hours",
    "_d": "days",
    "_days": "days",
    "_min": "minutes",
    "_minutes": "minutes",
}


#: Columns whose codes are shown as words (``ced`` → "CED (Weibo)", ``author_deleted`` → "deleted by the author").
CODED = {"dataset", "reason", "model", "group", "status", "list", "segment", "outcome"}

#: Column names a reader types (the canonical tables' and the raw files' own): kept, and shown as code.
FIELDS = frozenset({c for s in SCHEMAS.values() for c in s.columns if "_" in c} | {"origin_id"})
_FIELD = re.compile(r"\b(" + "|".join(sorted(FIELDS, key=len, reverse=True)) + r")\b")


def _word(code, column: str = ""):
    if code is None or code is pd.NA or (isinstance(code, float) and np.isnan(code)):
        return code
    if isinstance(code, (bool, np.bool_)):
        return "yes" if code else "no"
    return dataset_name(code) if column == "dataset" else word(code)


def header(column: str) -> str:
    """A readable header for a column name: ``median_h`` → "median (hours)", ``n_rumour`` → "rumour cascades".

    Parameters
    ----------
    column : str
        A column name.

    Returns
    -------
    str
        ``HEADERS[column]`` when listed, or a pattern's words (``median_hours_to_500`` → "median time to 500");
        else the name with underscores as spaces, a unit suffix (``_h``, ``_hours``, ``_d``, ``_days``, ``_min``,
        ``_minutes``) becoming the unit in brackets.

    Examples
    --------
    >>> from wechat_study.tables import header
    >>> header("median_h"), header("n_rumour"), header("wait_days"), header("auc"), header("median_hours_to_100")
    ('median (hours)', 'rumour cascades', 'wait (days)', 'AUC', 'median time to 100')
    """
    if column in HEADERS:
        return HEADERS[column]
    for pattern, words in _PATTERN_HEADERS:
        if pattern.fullmatch(column):
            return pattern.sub(words, column)
    for suffix, unit in _SUFFIX_UNITS.items():
        if column.endswith(suffix):
            return f"{column[: -len(suffix)].replace('_', ' ')} ({unit})"
    return column.replace("_", " ")


def guess_format(column: str, values: pd.Series) -> str:
    """The format a column most likely wants, from its name and dtype.

    Parameters
    ----------
    column : str
        The column name (case is ignored).
    values : pandas.Series
        The column's values.

    Returns
    -------
    str
        A ``narrative.FORMATS`` kind: ``"p"`` for p-value names (``p``, ``p_value...``, ``..._p``); ``"text"``
        for booleans and non-numbers;
        ``"count"`` for integers; ``"share"`` for names with share, fraction, rate, proportion or percent but not
        ratio (and ``ci_low``/``ci_high``) whose values all lie in 0–1 (a rate of 97 posts a month is no share);
        ``"points"`` for ``gap``; ``"hours_number"`` for names ending in ``_h`` or
        ``_hours``;
        ``"count"`` for floats that are all whole with one at least 10; else ``"number"``.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.tables import guess_format
    >>> guess_format("share_crossed", pd.Series([0.1, 0.2])), guess_format("n", pd.Series([1, 2]))
    ('share', 'count')
    >>> guess_format("delay_h", pd.Series([1.5])), guess_format("label", pd.Series(["rumour"]))
    ('hours_number', 'text')
    >>> guess_format("posts_rate", pd.Series([97.4, 18.7])), guess_format("rate_ratio", pd.Series([0.5, 0.9]))
    ('number', 'number')
    """
    name = column.lower()
    if pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values):
        return "text"
    if name in {"p", "p_value", "pvalue"} or name.startswith("p_value") or name.endswith("_p"):
        return "p"
    if pd.api.types.is_integer_dtype(values):
        return "count"
    nonnull = values.dropna()
    within = bool(len(nonnull)) and bool(((nonnull >= 0) & (nonnull <= 1)).all())
    share_word = any(w in name for w in ("share", "fraction", "rate", "proportion", "percent"))
    if within and ((share_word and "ratio" not in name) or name in {"ci_low", "ci_high"}):
        return "share"
    if name == "gap" or name.endswith("_gap"):
        return "points"
    if name.endswith(("_h", "_hours")) or name == "hours":
        return "hours_number"
    if len(nonnull) and np.allclose(nonnull, nonnull.round()) and nonnull.abs().max() >= 10:
        return "count"
    return "number"


def _cell(value, kind: str, lo=None, hi=None) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA:
        return MISSING
    if kind == "hours_number":
        return nv.number(float(value), lo, hi, digits=3)
    if isinstance(value, np.generic):
        value = value.item()
    if kind == "p" and not isinstance(value, (bool, str)):
        return nv.p_value(float(value)).removeprefix("p = ").replace("p < ", "< ")
    if kind in {"text", "p"}:
        if isinstance(value, bool):
            return "yes" if value else "no"
        return plain(str(value), FIELDS)
    text = nv.formatted(value, kind, lo, hi)
    return MISSING if text == nv.NOT_REACHED else text


class Table:
    """A publication table: ``_repr_html_`` for Jupyter and the report; ``data`` holds the formatted cells.

    Parameters
    ----------
    html_text : str
        The table's HTML (``html``).
    data : pandas.DataFrame
        The formatted cells, as strings.
    anchor : str
        The HTML id to link to.
    label : str
        Its numbered label ("Table 2").

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.tables import Table
    >>> t = Table("<p>a table</p>", pd.DataFrame({"n": ["1,200"]}), "sizes", "Table 3")
    >>> t
    <Table 3: sizes, 1 rows>
    >>> t._repr_html_()
    '<p>a table</p>'
    """

    def __init__(self, html_text: str, data: pd.DataFrame, anchor: str, label: str):
        self.html, self.data, self.anchor, self.label = html_text, data, anchor, label

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<{self.label}: {self.anchor}, {len(self.data)} rows>"


#: The unit an ``estimate`` is shown in, by its ``estimand`` (a table mixing odds ratios and differences of shares
#: shows each in its own unit).
ESTIMAND_KINDS = {"difference of shares": "points", "difference in differences of shares": "points",
                  "odds ratio": "ratio", "ratio of odds ratios": "ratio",
                  "ratio of medians": "ratio", "ratio of median ratios": "ratio", "time ratio": "ratio"}


def publication(
    df: pd.DataFrame,
    title: str,
    *,
    anchor: str | None = None,
    source: str | None = None,
    note: str | None = None,
    labels: Mapping[str, str] | None = None,
    formats: Mapping[str, str] | None = None,
    intervals: Mapping[str, tuple[str, str]] | None = None,
    columns: list[str] | None = None,
    collapse_after: int = 15,
) -> Table:
    """A result table for readers.

    Parameters
    ----------
    df : pandas.DataFrame
        The results. The index is never shown; a named index is turned into a column first.
    title : str
        The title, shown after the table's number ("Table 2. ...").
    anchor : str, optional
        The HTML id, lowercase words joined by hyphens (default: a slug of ``title``); it fixes the
        table's number, the first time an anchor is seen.
    source : str, optional
        The source note (e.g. ``charts.source_line("ced")``); "Source: " is put before it unless it
        starts with "Data:" or "Source:".
    note : str, optional
        A footnote.
    labels : mapping of str to str, optional
        Column → header (default: ``HEADERS``, else the name with spaces; see ``header``).
    formats : mapping of str to str, optional
        Column → a ``narrative.FORMATS`` kind (``share``, ``count``, ``hours``, ``p``, ...); others are
        guessed from the name and dtype (see ``guess_format``).
    intervals : mapping of str to (str, str), optional
        Column → (low column, high column), shown in the column's cell as "29.2% (27.7–30.8)"; the two
        bound columns are then hidden. ``ci_low``/``ci_high`` merge into ``share`` by default.
    columns : list of str, optional
        The columns to show, in order (default: all).
    collapse_after : int
        Longer than this many rows: folded into a ``<details>`` element, title as its summary.

    Returns
    -------
    Table
        Its HTML, formatted cells, anchor and label. Codes in the ``CODED`` columns are shown as words, codes
        inside other text too (``words.plain``); the canonical tables' column names (``FIELDS``) as code;
        missing values as "–".

    Raises
    ------
    KeyError
        A column named in ``columns`` or ``intervals`` is not in ``df``.
    ValueError
        ``anchor`` is not lowercase words joined by hyphens, or a format in ``formats`` is unknown.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.tables import publication
    >>> df = pd.DataFrame({"n": [1200, 980], "share": [0.292, 0.25], "ci_low": [0.277, 0.23],
    ...                    "ci_high": [0.308, 0.27]}, index=pd.Index(["rumour", "other"], name="label"))
    >>> t = publication(df, "Crossing shares", source="synthetic data")
    >>> t
    <Table ...: crossing-shares, 2 rows>
    >>> t.data
        label      n              share
    0  rumour  1,200  29.2% (27.7–30.8)
    1   other    980  25.0% (23.0–27.0)
    """
    import great_tables as gt

    data = df.reset_index() if any(n is not None for n in df.index.names) else df.reset_index(drop=True)
    intervals = dict(intervals or {})
    if not intervals and {"ci_low", "ci_high"} <= set(data.columns) and "share" in data.columns:
        intervals["share"] = ("ci_low", "ci_high")
    hidden = {c for pair in intervals.values() for c in pair}
    shown = [c for c in (columns or list(data.columns)) if c not in hidden]
    missing = [c for c in shown + sorted(hidden) if c not in data.columns]
    if missing:
        raise KeyError(f"table {title!r}: no column {missing[0]!r}; the table has {', '.join(map(str, data.columns))}")
    kinds = {c: (formats or {}).get(c) or guess_format(str(c), data[c]) for c in shown}
    data = data.assign(**{c: data[c].map(lambda v, c=c: _word(v, c))
                          for c in shown if c in CODED and kinds[c] == "text"})
    out = pd.DataFrame(index=range(len(data)))
    for c in shown:
        lo_col, hi_col = intervals.get(c, (None, None))
        row_kinds = [kinds[c]] * len(data)
        if c == "estimate" and kinds[c] == "number" and "estimand" in data:  # each row in its estimand's unit
            row_kinds = [ESTIMAND_KINDS.get(str(e), "number") for e in data["estimand"]]
        out[c] = [
            _cell(v, row_kinds[i], data[lo_col].iat[i] if lo_col else None, data[hi_col].iat[i] if hi_col else None)
            for i, v in enumerate(data[c])
        ]
    anchor, label = nv.anchor_for(title, "Table", anchor)
    heads = {c: (labels or {}).get(c) or header(str(c)) for c in shown}
    t = gt.GT(out, id=f"gt-{anchor}")
    t = t.cols_label(**{str(c): heads[c] for c in shown})
    numeric = [str(c) for c in shown if kinds[c] != "text"]
    if numeric:
        t = t.cols_align("right", columns=numeric)
    t = t.tab_options(table_font_size="14px", table_width="100%", column_labels_font_weight="bold")
    body = fields_as_code(_stable(t.as_raw_html()))
    scroller = f'<div class="ws-table-scroll" role="region" tabindex="0" aria-label="{html.escape(title)}">{body}</div>'
    if source and not source.startswith(("Data:", "Source:")):
        source = f"Source: {source}"
    parts = (("ws-note", note), ("ws-source", source))
    notes = "".join(f'<span class="{c}">{fields_as_code(html.escape(plain(t, FIELDS)))}</span>'
                    for c, t in parts if t)
    caption = f"<figcaption>{notes}</figcaption>" if notes else ""
    head = f'<h3 class="ws-table-title">{html.escape(label)}. {html.escape(title)}</h3>'
    if len(out) > collapse_after:
        return Table(f'<figure class="ws-table" id="{anchor}"><details class="ws-collapsed"><summary>{head}'
                     f'<span class="ws-rows">{len(out):,} rows; click to show</span></summary>{scroller}{caption}'
                     "</details></figure>", out, anchor, label)
    return Table(f'<figure class="ws-table" id="{anchor}">{head}{scroller}{caption}</figure>', out, anchor, label)


def fields_as_code(html_text: str) -> str:
    """HTML with the column names in its text (``FIELDS``; never inside a tag) in words, then as ``<code>``.

    Parameters
    ----------
    html_text : str
        Escaped HTML: a fragment of text, or whole elements.

    Returns
    -------
    str
        The same HTML, each column name in a text node as "its words (``<code>name</code>``)"
        (``words.FIELD_WORDS``; a column without words is shown as code alone).

    Examples
    --------
    >>> from wechat_study.tables import fields_as_code
    >>> fields_as_code('<td class="gt_row">no usable time; created_at left null</td>')
    '<td class="gt_row">no usable time; the post time (<code>created_at</code>) left null</td>'
    """
    def one(m: re.Match) -> str:
        name = m.group(1)
        words = html.escape(FIELD_WORDS[name]) if name in FIELD_WORDS else ""
        return f"{words} (<code>{name}</code>)" if words else f"<code>{name}</code>"

    return re.sub(r"(^|>)([^<]+)(?=<|$)", lambda m: m.group(1) + _FIELD.sub(one, m.group(2)), html_text)


def _stable(text: str) -> str:
    """great-tables' HTML with trailing spaces removed (its bytes are otherwise stable for the same input)."""
    return re.sub(r"[ \t]+\n", "\n", text)


def facts(
    mapping: Mapping[str, object],
    title: str,
    *,
    formats: Mapping[str, str] | None = None,
    anchor: str | None = None,
    source: str | None = None,
    note: str | None = None,
    key_title: str = "measure",
    value_title: str = "value",
) -> Table:
    """A two-column table from a dict of named values (never print a dict in a report).

    Parameters
    ----------
    mapping : mapping of str to object
        Name → value; names become headers (``header``), values are formatted as ``formats`` says, else
        integers as counts, floats as numbers and anything else as text (booleans as yes/no).
    title : str
        The title, as for ``publication``.
    formats : mapping of str to str, optional
        Name → a ``narrative.FORMATS`` kind.
    anchor, source, note : str, optional
        As for ``publication``.
    key_title, value_title : str
        The headers of the two columns.

    Returns
    -------
    Table
        One row per entry of ``mapping``, in its order.

    Examples
    --------
    >>> from wechat_study.tables import facts
    >>> t = facts({"cascades": 303, "median_h": 2.5, "labelled": False}, "The data at a glance")
    >>> t
    <Table ...: the-data-at-a-glance, 3 rows>
    >>> t.data
              measure value
    0        cascades   303
    1  median (hours)   2.5
    2        labelled    no
    """
    rows = [(header(str(k)), _cell(v, (formats or {}).get(k) or nv.formatted_kind(v))) for k, v in mapping.items()]
    frame = pd.DataFrame(rows, columns=[key_title, value_title])
    return publication(
        frame,
        title,
        anchor=anchor,
        source=source,
        note=note,
        formats={key_title: "text", value_title: "text"},
        labels={key_title: key_title, value_title: value_title},
    )
