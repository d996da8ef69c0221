"""Estimates with intervals (dots and bars), distinctive words, views decomposed, the collection's intake,
and the threshold explorer."""

from __future__ import annotations

import json
import textwrap

import altair as alt
import pandas as pd

from .figure import reference
from .theme import PALETTE, _grouped, word

__all__ = [
    "LABEL_WIDTH", "wrapped_labels", "interval_dots", "distinctive_words_chart", "estimates_chart",
    "views_decomposed_chart", "intake_chart", "INSIDE_FROM", "threshold_explorer", "monthly_share_chart",
    "event_study_chart"
]

LABEL_WIDTH = 18  # characters per line of a wrapped axis label


def wrapped_labels(labels, width: int = LABEL_WIDTH) -> str:
    """A Vega label expression that breaks each label longer than ``width`` characters onto lines at spaces
    (so "removed for a rule violation" fits a phone-wide chart's axis instead of being cut short).

    Parameters
    ----------
    labels : iterable
        The axis labels, compared as strings; repeats are handled once.
    width : int
        Characters per line (default ``LABEL_WIDTH``, 18).

    Returns
    -------
    str
        A Vega expression for ``labelExpr``: a label that needs more than one line becomes its list of lines,
        any other stays ``datum.label``.

    Examples
    --------
    >>> from wechat_study.charts.estimates import wrapped_labels
    >>> wrapped_labels(["deleted by the author", "violation"])
    'datum.label === "deleted by the author" ? ["deleted by the", "author"] : datum.label'
    """
    expr = "datum.label"
    for label in dict.fromkeys(str(v) for v in labels):
        lines = textwrap.wrap(label, width)
        if len(lines) > 1:
            label_js, lines_js = (json.dumps(v, ensure_ascii=False) for v in (label, lines))
            expr = f"datum.label === {label_js} ? {lines_js} : {expr}"
    return expr


def interval_dots(table: pd.DataFrame, category: str, value: str, category_title: str, value_title: str,
                  value_format: str = ".1%", colour_by: str | None = None, extra_tooltips=(),
                  axis_format: str | None = None, legend: bool = False) -> alt.LayerChart:
    """One dot per ``category`` at ``value`` with its 95% interval (``ci_low`` to ``ci_high``) as a bar
    through it, categories in table order; codes shown as words, coloured by ``colour_by``'s concept.
    ``value_format`` is for tooltips; the axis uses ``axis_format`` (default: whole percents or plain numbers).

    Parameters
    ----------
    table : pandas.DataFrame
        One row per category: ``category``, ``value``, ``ci_low``, ``ci_high`` (and ``colour_by``).
    category : str
        The column of the categories (the y axis); codes are shown as words (``theme.word``).
    value : str
        The column of the estimates (the x axis).
    category_title, value_title : str
        The axis titles.
    value_format : str
        The d3 format of the tooltips (default ``.1%``).
    colour_by : str, optional
        A column whose concept colours the dots (``theme``); default one colour.
    extra_tooltips : sequence of altair.Tooltip
        More tooltips.
    axis_format : str, optional
        The d3 format of the x axis.
    legend : bool
        Show the legend of ``colour_by`` (off by default: the row names usually say it).

    Returns
    -------
    altair.LayerChart
        The interval bars (rules) and the dots, a row step tall enough for the longest wrapped label.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.estimates import interval_dots
    >>> table = pd.DataFrame({"reason": ["author_deleted", "violation"], "share": [0.42, 0.31],
    ...                       "ci_low": [0.38, 0.27], "ci_high": [0.46, 0.35]})
    >>> chart = interval_dots(table, "reason", "share", "reason", "share of removals")
    >>> [layer.mark.type for layer in chart.layer], chart.data["reason"].tolist()
    (['rule', 'point'], ['deleted by the author', 'removed for a rule violation'])
    """
    axis_format = axis_format or ("%" if value_format.endswith("%") else "~g")
    data = table.assign(**{category: table[category].map(word).astype(str).str.replace("_", " ")})
    enc = alt.value(PALETTE[0])
    if colour_by is not None:
        data, enc = _grouped(data, colour_by, legend=legend)
    expr = wrapped_labels(data[category])
    lines = max((len(textwrap.wrap(str(v), LABEL_WIDTH)) for v in data[category]), default=1)
    y = alt.Y(f"{category}:N", title=category_title, sort=list(data[category]),
              axis=alt.Axis(labelLimit=150, labelExpr=expr, labelOverlap=False, labelBaseline="middle"))
    tips = [alt.Tooltip(f"{category}:N", title=category_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
            alt.Tooltip("ci_low:Q", title="95% interval from", format=value_format),
            alt.Tooltip("ci_high:Q", title="95% interval to", format=value_format), *extra_tooltips]
    base = alt.Chart(data).encode(y=y, color=enc, tooltip=tips)
    rules = base.mark_rule(strokeWidth=2, opacity=0.6).encode(
        x=alt.X("ci_low:Q", title=value_title,
                axis=alt.Axis(format=axis_format, tickCount=alt.ExprRef("width < 320 ? 4 : 6"))),  # fewer on a phone
        x2="ci_high:Q")
    dots = base.mark_point(filled=True, size=70, opacity=1).encode(x=f"{value}:Q")
    step = 24 if lines == 1 else 13 * lines + 10  # room for each line of the longest label
    return alt.layer(rules, dots).properties(height=alt.Step(step))


def distinctive_words_chart(top: pd.DataFrame, reason: str, z_line: float | None = None) -> alt.LayerChart:
    """The distinctive title words of one removal ``reason`` (``titles.record_distinctive`` rows): log-odds
    against the other removals with 95% intervals, words labelled with their English gloss, a line at 0.
    The rows are the ones given (chosen by z, say) drawn from the largest log-odds down, so the dots read
    in order; with ``z_line``, the words past it (on account counts too, when ``top`` has ``z_accounts``) are
    filled dots and the others open, with a legend.

    Parameters
    ----------
    top : pandas.DataFrame
        ``titles.record_distinctive`` rows: ``reason, word, gloss, delta, ci_low, ci_high, titles, accounts, z``.
    reason : str
        The removal reason whose words are drawn.
    z_line : float, optional
        The z a word must pass to stand out after allowing for the many words tested (``titles``'s
        ``z_bonferroni``); None draws every dot alike.

    Returns
    -------
    altair.LayerChart
        ``interval_dots`` of ``delta`` by word (``word (gloss)`` where there is a gloss), with a rule at 0 and,
        with ``z_line``, a layer of dots filled for the words past it.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.estimates import distinctive_words_chart
    >>> top = pd.DataFrame({"reason": ["violation", "violation", "author_deleted"], "word": ["谣言", "政府", "再见"],
    ...                     "gloss": ["rumour", "", "goodbye"], "delta": [1.2, 0.8, 0.9], "ci_low": [0.9, 0.4, 0.5],
    ...                     "ci_high": [1.5, 1.2, 1.3], "titles": [40, 25, 12], "accounts": [30, 20, 10],
    ...                     "z": [7.8, 4.0, 4.4]})
    >>> chart = distinctive_words_chart(top, "violation")
    >>> chart.layer[0].data["word"].tolist()
    ['谣言 (rumour)', '政府']
    >>> marked = distinctive_words_chart(top, "violation", z_line=4.5)
    >>> marked.layer[0].layer[1].data["line"].tolist()
    ['stands out', 'does not stand out']
    """
    rows = top[top["reason"] == reason].sort_values(["delta", "word"], ascending=[False, True], kind="stable")
    label = rows["word"] + rows["gloss"].map(lambda g: f" ({g})" if g else "")
    tips = [alt.Tooltip("titles:Q", title="titles"), alt.Tooltip("accounts:Q", title="accounts"),
            alt.Tooltip("z:Q", title="z (titles)", format=".1f")]
    if "z_accounts" in rows:
        tips.append(alt.Tooltip("z_accounts:Q", title="z (accounts)", format=".1f"))
    dots = interval_dots(rows.assign(word=label), "word", "delta", "word", "log-odds against the other removals",
                         value_format=".2f", extra_tooltips=tips)
    if z_line is not None:
        past, short = "stands out", "does not stand out"
        passes = (rows["z"] > z_line) & (rows["z_accounts"] > z_line if "z_accounts" in rows else True)
        marked = rows.assign(word=label, line=passes.map({True: past, False: short}))
        fill = alt.Fill("line:N", title=None, scale=alt.Scale(domain=[past, short], range=[PALETTE[0], "white"]),
                        legend=alt.Legend(orient="top", symbolStrokeColor=PALETTE[0], symbolStrokeWidth=1.5))
        marks = alt.Chart(marked).mark_point(size=70, filled=True, opacity=1, stroke=PALETTE[0], strokeWidth=1.5)
        full = [alt.Tooltip("word:N", title="word"),
                alt.Tooltip("delta:Q", title="log-odds against the other removals", format=".2f"),
                alt.Tooltip("ci_low:Q", title="95% interval from", format=".2f"),
                alt.Tooltip("ci_high:Q", title="95% interval to", format=".2f"), *tips]
        dots = alt.layer(dots, marks.encode(y=alt.Y("word:N", sort=list(label)), x="delta:Q", fill=fill, tooltip=full))
    return reference(dots, x=0)


def estimates_chart(table: pd.DataFrame, reference: float = 1.0, log_x: bool = True,
                    x_title: str = "odds ratio") -> alt.LayerChart:
    """Crude and adjusted estimates with their 95% intervals, one row per method (``adjust.compare_*`` output),
    with a rule at the no-difference value ``reference``.

    Rows without an estimate are left out; a method's parenthesis (its covariates) is dropped from the row's
    name, and the estimand is added when the table holds more than one.

    Parameters
    ----------
    table : pandas.DataFrame
        A comparison table: ``method, estimand, estimate, ci_low, ci_high, cascades``.
    reference : float
        The no-difference value (1 for ratios, 0 for differences).
    log_x : bool
        A log x axis (used only when every bound and ``reference`` are above 0).
    x_title : str
        The x axis title.

    Returns
    -------
    altair.LayerChart
        The reference rule, the interval bars and the dots, the x domain padded around the intervals; row names
        longer than ``LABEL_WIDTH`` characters wrap onto lines (``wrapped_labels``) rather than being cut.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.estimates import estimates_chart
    >>> table = pd.DataFrame({"method": ["crude", "logistic regression (log_followers)"],
    ...                       "estimand": ["odds ratio"] * 2, "estimate": [0.69, 0.68],
    ...                       "ci_low": [0.35, 0.35], "ci_high": [1.33, 1.33],
    ...                       "cascades": [145, 145]})
    >>> chart = estimates_chart(table)
    >>> chart.layer[1].data["row"].tolist(), chart.to_dict()["layer"][1]["encoding"]["x"]["scale"]["type"]
    (['crude', 'logistic regression'], 'log')
    """
    d = table.dropna(subset=["estimate"]).reset_index(drop=True)
    d = d.assign(method=d["method"].str.replace("_", " "))   # covariate names in words: "log followers"
    short = d["method"].str.replace(r" \(.*\)$", "", regex=True)
    d = d.assign(row=short + (" · " + d["estimand"] if d["estimand"].nunique() > 1 else ""))
    lo, hi = min(d["ci_low"].min(), reference), max(d["ci_high"].max(), reference)
    pad = (hi / lo) ** 0.08 if log_x and lo > 0 else None
    domain = [lo / pad, hi * pad] if pad else [lo - 0.08 * (hi - lo), hi + 0.08 * (hi - lo)]
    scale = alt.Scale(type="log" if pad else "linear", domain=domain, nice=False, zero=False)
    lines = max((len(textwrap.wrap(str(v), LABEL_WIDTH)) for v in d["row"]), default=1)
    axis = alt.Axis(labelLimit=150, labelExpr=wrapped_labels(d["row"]), labelOverlap=False, labelBaseline="middle")
    base = alt.Chart(d).encode(y=alt.Y("row:N", title=None, sort=list(d["row"]), axis=axis))
    bars = base.mark_rule(strokeWidth=2).encode(
        x=alt.X("ci_low:Q", title=x_title, scale=scale, axis=alt.Axis(labelFlush=True)), x2="ci_high:Q")
    dots = base.mark_point(filled=True, size=70).encode(
        x="estimate:Q", tooltip=[alt.Tooltip("method:N", title="method"),
                                 alt.Tooltip("estimand:N", title="estimate of"),
                                 alt.Tooltip("estimate:Q", title="estimate", format=".3~f"),
                                 alt.Tooltip("ci_low:Q", title="95% interval from", format=".3~f"),
                                 alt.Tooltip("ci_high:Q", title="95% interval to", format=".3~f"),
                                 alt.Tooltip("cascades:Q", title="cascades", format=",")])
    rule = alt.Chart(pd.DataFrame({"x": [reference]})).mark_rule(strokeDash=[4, 4], color="gray").encode(x="x:Q")
    return alt.layer(rule, bars, dots).properties(height=alt.Step(28 if lines == 1 else 13 * lines + 10))


def views_decomposed_chart(table: pd.DataFrame, repost_followers: float) -> alt.Chart:
    """Share of cascades reaching the views line from the source's audience alone, and with reposts, across ρ
    (``exposure.decompose`` rows at one assumed ``repost_followers``), stacked.

    Parameters
    ----------
    table : pandas.DataFrame
        ``exposure.decompose`` rows: ``rho``, ``repost_followers``, ``share_source_alone``,
        ``share_needs_reposts`` (shares 0–1).
    repost_followers : float
        The followers per reposter whose rows are drawn.

    Returns
    -------
    altair.Chart
        Stacked bars, one per ρ.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.estimates import views_decomposed_chart
    >>> table = pd.DataFrame({"rho": [0.01, 0.05, 0.01], "repost_followers": [100, 100, 200],
    ...                       "share_source_alone": [0.1, 0.4, 0.1], "share_needs_reposts": [0.05, 0.1, 0.08]})
    >>> chart = views_decomposed_chart(table, 100)
    >>> chart.mark, len(chart.data), chart.data["how"].unique().tolist()
    ('bar', 4, ["from the source's audience alone", 'needs reposts'])
    """
    d = table[table["repost_followers"] == repost_followers]
    long = pd.concat([pd.DataFrame({"rho": d["rho"], "how": how, "share": d[col], "order": i}) for i, (how, col) in
                      enumerate([("from the source's audience alone", "share_source_alone"),
                                 ("needs reposts", "share_needs_reposts")])])
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("rho:O", title="ρ (share of followers who see a post)",
                axis=alt.Axis(labelAngle=0, labelExpr="format(datum.value, '.0%')")),
        order=alt.Order("order:Q", sort="ascending"),
        y=alt.Y("share:Q", title="share of cascades", axis=alt.Axis(format="%"), stack=True),
        color=alt.Color("how:N", title=None, sort=["from the source's audience alone", "needs reposts"]),
        tooltip=[alt.Tooltip("rho:Q", title="ρ", format=".0%"), alt.Tooltip("how:N", title="reaches the views line"),
                 alt.Tooltip("share:Q", title="share of cascades", format=".1%")]
    ).properties(height=260)


def intake_chart(monthly: pd.DataFrame, cut: str = "2013-09", cut_label: str = "interpretation in force"
                 ) -> alt.LayerChart:
    """Source posts per month and label (``periods.monthly_intake``), with a labelled rule at the month ``cut``.

    A month between a label's first and last with no source post is drawn at 0 (the collection holds none),
    so a gap in the collection shows as one rather than as a straight line across it.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``periods.monthly_intake``' table: ``month`` (YYYY-MM), ``label``, ``sources``.
    cut : str
        The month (YYYY-MM) of the dashed rule.
    cut_label : str
        The rule's label, drawn at its top, on the side of the rule with more months.

    Returns
    -------
    altair.LayerChart
        Lines with points, one per label, the rule and its label.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.estimates import intake_chart
    >>> monthly = pd.DataFrame({"month": ["2013-08", "2013-09", "2013-08", "2013-09"],
    ...                         "label": ["rumour", "rumour", "non-rumour", "non-rumour"],
    ...                         "sources": [120, 25, 80, 70]})
    >>> chart = intake_chart(monthly)
    >>> [layer.mark.type for layer in chart.layer], chart.layer[1].data["month"].tolist()
    (['line', 'rule', 'text'], ['2013-09'])
    >>> gap = pd.DataFrame({"month": ["2011-06", "2011-09"], "label": ["rumour"] * 2, "sources": [4, 9]})
    >>> intake_chart(gap).layer[0].data["sources"].tolist()
    [4, 0, 0, 9]
    """
    monthly, color = _grouped(_every_month(monthly), "label")
    bars = alt.Chart(monthly).mark_line(point=True).encode(
        x=alt.X("month:T", title="month of the source post (Beijing time)", timeUnit="yearmonth"),
        y=alt.Y("sources:Q", title="source posts in the collection"), color=color,
        tooltip=[alt.Tooltip("month:T", timeUnit="yearmonth", title="month"), alt.Tooltip("label:N", title="label"),
                 alt.Tooltip("sources:Q", title="source posts", format=",")])
    marker = alt.Chart(pd.DataFrame({"month": [cut], "text": [cut_label]}))
    rule = marker.mark_rule(strokeDash=[4, 4], color="gray").encode(x=alt.X("month:T", timeUnit="yearmonth"))
    months = sorted(monthly["month"].astype(str))
    left = bool(months) and _months(cut) > (_months(months[0]) + _months(months[-1])) / 2
    text = marker.mark_text(align="right" if left else "left", baseline="top", dx=-4 if left else 4, dy=2,
                            color="#555", fontSize=11).encode(
        x=alt.X("month:T", timeUnit="yearmonth"), y=alt.value(0), text="text:N")
    return alt.layer(bars, rule, text).properties(height=280)


def _months(month: str) -> int:
    year, mon = str(month)[:7].split("-")
    return int(year) * 12 + int(mon)


def _every_month(monthly: pd.DataFrame) -> pd.DataFrame:
    """Each label's months from its first to its last, a month missing from the table counted as 0 sources."""
    parts = []
    for label, rows in monthly.groupby("label", sort=False):
        span = pd.period_range(rows["month"].min(), rows["month"].max(), freq="M").strftime("%Y-%m")
        full = rows.set_index("month")["sources"].reindex(span, fill_value=0)
        parts.append(pd.DataFrame({"month": full.index, "label": label, "sources": full.to_numpy()}))
    return pd.concat(parts, ignore_index=True) if parts else monthly


#: Above this share the explorer's value labels sit inside their bars.
INSIDE_FROM = 0.85


def threshold_explorer(data: pd.DataFrame, threshold_reposts: int = 500, threshold_views: int = 5000,
                       rho: float = 0.05, repost_followers: int = 100, max_threshold: int = 1000) -> alt.LayerChart:
    """Sliders for the repost threshold (50 to ``max_threshold``: stop it at the collection's largest
    cascade, ``window.describe``, so that no setting shows the window's edge as a finding), ρ and
    followers per reposter; bars of the share of cascades crossing each line, by group, recomputed in
    the browser (``explorer.threshold_explorer_data``).

    Views follow ρ·(F_source + reposts·F_repost); both lines are inclusive (docs/methods.md#5-views-the-exposure-model).

    Parameters
    ----------
    data : pandas.DataFrame
        ``explorer.threshold_explorer_data``' table: ``group, reposts, source_followers_k, cascades``.
    threshold_reposts : int
        The repost slider's first value.
    threshold_views : int
        The views line (fixed).
    rho : float
        The ρ slider's first value, a share (the slider shows it in percent, 1% to 20%).
    repost_followers : int
        The followers-per-reposter slider's first value (the slider runs from 10 to 1,000).
    max_threshold : int
        The repost slider's top (at least 60).

    Returns
    -------
    altair.LayerChart
        Bars and their labels (inside the bar's end above ``INSIDE_FROM``, so none runs past the plot), with the
        three slider parameters.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.estimates import threshold_explorer
    >>> data = pd.DataFrame({"group": ["rumour", "non-rumour"], "reposts": [3, 120], "source_followers_k": [1.2, 0.4],
    ...                      "cascades": [2, 1]})
    >>> spec = threshold_explorer(data, max_threshold=990).to_dict()
    >>> [(p["name"], p["value"], p["bind"]["max"]) for p in spec["params"]]
    [('repost_threshold', 500, 990), ('rho_percent', 5, 20), ('repost_followers', 100, 1000)]
    """
    t = alt.param(name="repost_threshold", value=threshold_reposts,
                  bind=alt.binding_range(min=50, max=max(60, int(max_threshold)), step=10,
                                           name="Repost threshold "))
    r = alt.param(name="rho_percent", value=round(rho * 100),
                  bind=alt.binding_range(min=1, max=20, step=1, name="ρ, % of followers who see a post "))
    f = alt.param(name="repost_followers", value=repost_followers,
                  bind=alt.binding_range(min=10, max=1000, step=10, name="Followers per reposter (assumed) "))
    grouped, color = _grouped(data)
    views = (f"rho_percent / 100 * (1000 * datum.source_followers_k + datum.reposts * repost_followers) >= "
             f"{int(threshold_views)}")
    base = alt.Chart(grouped).transform_calculate(
        by_reposts="datum.reposts >= repost_threshold ? 1 : 0", by_views=f"{views} ? 1 : 0",
        w_reposts="datum.by_reposts * datum.cascades", w_views="datum.by_views * datum.cascades",
    ).transform_aggregate(
        crossing_reposts="sum(w_reposts)", crossing_views="sum(w_views)", cascades="sum(cascades)", groupby=["group"],
    ).transform_calculate(
        reposts_line="datum.crossing_reposts / datum.cascades", views_line="datum.crossing_views / datum.cascades",
    ).transform_fold(["reposts_line", "views_line"], as_=["line", "share"]).transform_calculate(
        line=f"datum.line == 'reposts_line' ? 'reposts ≥ threshold' : 'views ≥ {threshold_views:,}'")
    y = alt.Y("line:N", title=None, axis=alt.Axis(labelLimit=150))
    bars_ = base.mark_bar().encode(
        y=y, yOffset=alt.YOffset("group:N"), color=color,
        x=alt.X("share:Q", title="share of cascades crossing", scale=alt.Scale(domain=[0, 1]),
                axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip("group:N", title="group"), alt.Tooltip("line:N", title="line"),
                 alt.Tooltip("share:Q", title="share crossing", format=".1%"),
                 alt.Tooltip("cascades:Q", title="cascades", format=",")])
    tips = [alt.Tooltip("group:N", title="group"), alt.Tooltip("share:Q", title="share crossing", format=".1%")]
    text = alt.Text("share:Q", format=".1%")
    outside = base.transform_filter(f"datum.share <= {INSIDE_FROM}").mark_text(align="left", dx=4, fontSize=12).encode(
        y=y, yOffset=alt.YOffset("group:N"), x="share:Q", text=text, tooltip=tips)
    inside = base.transform_filter(f"datum.share > {INSIDE_FROM}").mark_text(
        align="right", dx=-4, fontSize=12, color="white", fontWeight="bold").encode(
        y=y, yOffset=alt.YOffset("group:N"), x="share:Q", text=text, tooltip=tips)
    return alt.layer(bars_, outside, inside).add_params(t, r, f).properties(height=alt.Step(26))


def monthly_share_chart(monthly: pd.DataFrame) -> alt.LayerChart:
    """Share crossing per month counted from the date (``event_study.monthly_series``), by label, with 95%
    bands; months with few cascades (``few``) drawn as hollow points, months observed for less than half a month
    (``short``) left out; a rule at month 0.

    Parameters
    ----------
    monthly : pandas.DataFrame
        ``event_study.monthly_series``' table: ``label, k, month, sources, share, ci_low, ci_high, few`` and
        ``short``; months without a share are left out too.

    Returns
    -------
    altair.LayerChart
        The bands, the lines, the points and the rule at k = 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.estimates import monthly_share_chart
    >>> monthly = pd.DataFrame({"label": ["rumour"] * 3 + ["non-rumour"] * 3, "k": [-1, 0, 1] * 2,
    ...                         "month": ["2013-08-10", "2013-09-10", "2013-10-10"] * 2,
    ...                         "sources": [40, 12, 2, 60, 55, 3], "share": [0.2, 0.25, 0.5, 0.3, 0.31, 0.0],
    ...                         "ci_low": [0.1, 0.09, 0.09, 0.2, 0.2, 0.0],
    ...                         "ci_high": [0.35, 0.53, 0.91, 0.43, 0.44, 0.56],
    ...                         "few": [False, True, True, False, False, True],
    ...                         "short": [False, False, True, False, False, True]})
    >>> chart = monthly_share_chart(monthly)
    >>> len(chart.layer), chart.layer[0].data["k"].tolist()
    (4, [-1, 0, -1, 0])
    """
    keep = ~monthly["short"].astype(bool) if "short" in monthly else slice(None)
    data, color = _grouped(monthly[keep].dropna(subset=["share"]).rename(columns={"label": "group"}))
    x = alt.X("k:Q", title="months from the date (0 = its first month)")
    base = alt.Chart(data).encode(x=x, color=color)
    band = base.mark_area(opacity=0.12).encode(y="ci_low:Q", y2="ci_high:Q")
    line = base.mark_line(strokeWidth=1.5).encode(y=alt.Y("share:Q", title="share crossing", axis=alt.Axis(format="%")))
    dots = base.mark_point(size=45).encode(
        y="share:Q", fill=alt.condition("datum.few", alt.value("white"), color),
        tooltip=[alt.Tooltip("group:N", title="label"), alt.Tooltip("month:N", title="month from"),
                 alt.Tooltip("sources:Q", title="cascades", format=","),
                 alt.Tooltip("share:Q", title="share crossing", format=".1%")])
    rule = alt.Chart(pd.DataFrame({"k": [0]})).mark_rule(strokeDash=[4, 4], color="gray").encode(x="k:Q")
    return alt.layer(band, line, dots, rule).properties(height=300)


def event_study_chart(table: pd.DataFrame, x: str = "mid_month",
                      x_title: str = "months from the date (quarters, at their middle)",
                      highlight: str | None = None, clean: str | None = None) -> alt.LayerChart:
    """Ratios (``estimate`` with ``ci_low``/``ci_high``, log scale) against ``x``, a rule at 1 and one at x = 0;
    rows where ``highlight`` (a boolean column) is true drawn in the second colour, rows where ``thin`` (an
    optional boolean column: too few cascades) is true drawn hollow.

    Parameters
    ----------
    table : pandas.DataFrame
        ``event_study.event_study`` or ``placebo`` rows: ``x``, ``estimate``, ``ci_low``, ``ci_high``; rows
        without an estimate are left out.
    x : str
        The x column: a number of months, or ``date`` (then a time axis, and no rule at x = 0).
    x_title : str
        The x axis title.
    highlight : str, optional
        A boolean column whose true rows are drawn in the second colour.
    clean : str, optional
        A boolean column; the span from the first to the last drawn row where it is true is shaded grey and
        labelled (the placebo dates clear of the real one).

    Returns
    -------
    altair.LayerChart
        The shaded span (with ``clean``), the rule at 1, the interval bars, the dots, and (for a numeric x) the
        rule at 0.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.charts.estimates import event_study_chart
    >>> events = pd.DataFrame({"bin": [-2, -1, 0], "mid_month": [-4.5, -1.5, 1.5], "estimate": [0.33, 1.0, 1.34],
    ...                        "ci_low": [0.08, None, 0.06], "ci_high": [1.42, None, 29.6]})
    >>> len(event_study_chart(events).layer)
    4
    >>> placebos = pd.DataFrame({"date": ["2013-07-10", "2013-09-10"], "estimate": [1.5, 0.8], "ci_low": [0.4, 0.1],
    ...                          "ci_high": [5.9, 7.0], "is_real": [False, True]})
    >>> len(event_study_chart(placebos, "date", "cut date", "is_real").layer)
    3
    >>> len(event_study_chart(placebos.assign(clean=[True, False]), "date", "cut date", "is_real", "clean").layer)
    5
    """
    d = table.dropna(subset=["estimate"])
    hi = alt.condition(f"datum.{highlight}", alt.value(PALETTE[1]), alt.value(PALETTE[0])) if highlight else \
        alt.value(PALETTE[0])
    shade = (d[highlight].astype(bool).map({True: PALETTE[1], False: PALETTE[0]}) if highlight
             else pd.Series(PALETTE[0], index=d.index))
    d = d.assign(_fill=shade.where(~d["thin"].fillna(False).astype(bool), "white") if "thin" in d else shade)
    kind = "T" if x == "date" else "Q"
    axis = alt.Axis(format="%b %Y", labelAngle=0, tickCount=4, labelOverlap=True) if kind == "T" else alt.Axis()
    base = alt.Chart(d).encode(x=alt.X(f"{x}:{kind}", title=x_title, axis=axis), color=hi)
    y_scale = alt.Scale(type="log", nice=False, padding=8)
    bars = base.mark_rule(strokeWidth=2, opacity=0.6).encode(
        y=alt.Y("ci_low:Q", scale=y_scale, title="ratio of odds ratios (log scale)"), y2="ci_high:Q")
    when = alt.Tooltip(f"{x}:{kind}", title=x_title, **({"format": "%d %b %Y"} if kind == "T" else {}))
    fill = alt.Fill("_fill:N", scale=None, legend=None)
    dots = base.mark_point(filled=True, size=60, strokeWidth=2).encode(
        y="estimate:Q", fill=fill, stroke=hi, tooltip=[when,
                                 alt.Tooltip("estimate:Q", title="ratio of odds ratios", format=".2f"),
                                 alt.Tooltip("ci_low:Q", title="95% interval from", format=".2f"),
                                 alt.Tooltip("ci_high:Q", title="95% interval to", format=".2f")])
    one = alt.Chart(pd.DataFrame({"y": [1.0]})).mark_rule(strokeDash=[4, 4], color="gray").encode(y="y:Q")
    layers = [one, bars, dots]
    if clean is not None and d[clean].astype(bool).any():
        inside = d.loc[d[clean].astype(bool), x]
        span = pd.DataFrame({"start": [inside.min()], "end": [inside.max()], "text": ["clear of the real date"]})
        shade = alt.Chart(span).encode(x=alt.X(f"start:{kind}"), x2="end")
        layers = [shade.mark_rect(color="#999999", opacity=0.15),
                  shade.mark_text(align="left", baseline="top", dx=4, dy=4, color="#555555", fontSize=11).encode(
                      text="text:N", y=alt.value(0)), *layers]
    if kind == "Q":
        layers.append(alt.Chart(pd.DataFrame({x: [0]})).mark_rule(color="gray").encode(x=f"{x}:Q"))
    return alt.layer(*layers).properties(height=280)
