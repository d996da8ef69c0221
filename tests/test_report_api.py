"""The notebook-facing report API: number formats, sentences from findings, publication tables, chart figures."""

from __future__ import annotations

import json
import re

import altair as alt
import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import charts, pages, tables
from wechat_study import narrative as nv


@pytest.fixture
def sink(monkeypatch, tmp_path):
    path = tmp_path / "findings.jsonl"
    monkeypatch.setenv("WECHAT_STUDY_FINDINGS", str(path))
    monkeypatch.setenv("WECHAT_STUDY_NOTEBOOK", "99-test")
    monkeypatch.setattr(nv, "ANCHORS", {})
    return path


def test_number_formats():
    assert nv.share(0.292, 0.2771, 0.3084) == "29.2% (27.7–30.8)"
    assert nv.share(0.0047) == "0.47%" and nv.share(None) == "not reached"
    assert nv.count(1277843) == "1,277,843"
    assert (
        nv.hours(0.083333) == "5 minutes"
        and nv.hours(1.0) == "1 hour"
        and nv.hours(3.24, 2.1, 4.0) == "3.2 hours (2.1–4.0)"
    )
    assert nv.hours(100) == "4.2 days" and nv.days(2.0) == "2 days" and nv.days(1.0) == "1 day"
    assert nv.p_value(1.731707e-69) == "p < 0.001" and nv.p_value(0.0321) == "p = 0.032"
    assert nv.ratio(2.314, 1.8, 2.95) == "2.31 (1.80–2.95)"
    assert nv.points(0.065, -0.01, 0.09) == "+6.5 percentage points (-1.0 to +9.0)"
    assert nv.difference(0.0000446, -0.01398, 0.01281) == "+0.000 (-0.014 to +0.013)"
    assert nv.difference(-0.1123, -0.15, -0.08) == "-0.112 (-0.150 to -0.080)"
    assert nv.number(1288.4) == "1,288" and nv.number(3.307707) == "3.31" and nv.number(float("nan")) == "not reached"
    with pytest.raises(ValueError, match="unknown format"):
        nv.formatted(1, "percent")


def test_intervals_keep_their_estimates_decimals_and_never_collapse():
    assert nv.number(2.5, 1.91, 3.2) == "2.50 (1.91–3.20)"
    assert nv.share(0.05, 0.004, 0.09) == "5.0% (0.4–9.0)"
    assert nv.hours(16.86, 16.54, 17.17) == "16.9 hours (16.5–17.2)"  # not "17 hours (17–17)"
    assert nv.share(0.2921, 0.2919, 0.2923) == "29.21% (29.19–29.23)"
    assert nv.share(0.009999) == "1.0%" and nv.share(0.0042) == "0.42%"


def test_infinite_and_far_numbers_read_as_symbols_and_powers_of_ten():
    assert nv.number(float("inf")) == "∞" and nv.ratio(2.5, 1.2, float("inf")) == "2.50 (1.20–∞)"
    assert nv.count(float("-inf")) == "-∞" and nv.hours(float("inf")) == "∞ hours"
    assert nv.number(1e300) == "1 × 10³⁰⁰" and nv.number(-2.5e-9) == "-2.5 × 10⁻⁹" and nv.count(3e17) == "3 × 10¹⁷"
    with pytest.raises(ValueError, match="from 0 to 1"):
        nv.p_value(-0.2)
    with pytest.raises(ValueError, match="from 0 to 1"):
        nv.p_value(True)
    assert nv.p_value(1 + 1e-12) == "p = 1.0"


def test_a_table_shows_infinite_huge_and_odd_cells_in_words(sink):
    t = tables.publication(pd.DataFrame({
        "odds_ratio": [float("inf"), 2.0], "p": [0.5, 1e-9], "p_value_note": ["a", "< 0.001"],
        "big": [1e300, 1e17], "group": [True, False], "dataset": pd.array(["ced", pd.NA], dtype="string"),
    }), "Odd cells")
    rows = t.data.to_dict("records")
    assert rows[0]["odds_ratio"] == "∞" and rows[0]["big"] == "1 × 10³⁰⁰" and rows[1]["big"] == "1 × 10¹⁷"
    assert [r["p"] for r in rows] == ["0.50", "< 0.001"] and rows[0]["p_value_note"] == "a"
    assert [r["group"] for r in rows] == ["yes", "no"]
    assert rows[0]["dataset"] == "CED (Weibo)" and rows[1]["dataset"] == tables.MISSING


def test_a_users_data_set_keeps_its_name():
    from wechat_study.words import dataset_name

    assert dataset_name("ced") == "CED (Weibo)"
    names = [dataset_name(n) for n in ("failed", "ok", "mine_lxb", "rho_0_01")]
    assert names == ["failed", "ok", "mine lxb", "rho 0 01"]
    frame = pd.DataFrame({"dataset": ["failed", "ced"], "reason": ["violation"] * 2})
    shown = charts.readable(frame, "dataset", "reason")
    assert shown["dataset"].tolist() == ["failed", "CED (Weibo)"]
    assert shown["reason"][0] == "removed for a rule violation"


def test_anchors_made_from_titles_are_unique_and_keep_their_kind(sink):
    long = "Crossing shares by month and label for the cascades of the collection"
    a = tables.publication(pd.DataFrame({"n": [1]}), long + ", first")
    b = tables.publication(pd.DataFrame({"n": [1]}), long + ", second")
    assert a.anchor != b.anchor and a.label != b.label
    c, d = (tables.publication(pd.DataFrame({"n": [1]}), t) for t in ("中文标题", "!!!"))
    assert len({c.anchor, d.anchor}) == 2
    again = tables.publication(pd.DataFrame({"n": [2]}), long + ", first")  # a cell run twice
    assert (again.anchor, again.label) == (a.anchor, a.label)
    charts.figure(alt.Chart(pd.DataFrame({"x": [1]})).mark_point().encode(x="x"), "Sizes")
    assert tables.publication(pd.DataFrame({"n": [1]}), "Sizes").label.startswith("Table")
    with pytest.raises(ValueError, match="already Figure 1; give this table another anchor"):
        tables.publication(pd.DataFrame({"n": [1]}), "Other", anchor="sizes")


def test_ledger_differences_of_shares_read_in_points():
    diff = "thresholds.ced.period.did.difference_of_shares_reaching_500.crude"
    assert pages._ledger_value(diff, -0.146) == "-14.6 percentage points"
    assert pages._ledger_value("censorship.wechatscope.author_deleted_share.change.ci_low", 0.1) == (
        "+10.0 percentage points")
    assert pages._ledger_value("thresholds.ced.share_reaching_500_reposts", 0.292) == "29.2%"
    assert pages._ledger_value("a.ratio", float("inf")) == "∞"
    assert pages.readable_name("views.ced.share_from_source_alone.rho_0_01").endswith("ρ = 1%")


def test_the_ledger_refuses_an_infinite_value_with_what_to_do(sink):
    with pytest.raises(ValueError, match="infinite value.*reason="):
        ws.record_finding("thresholds.mine.odds", float("inf"), tolerance=0)
    with pytest.raises(ValueError, match="infinite value"):
        ws.record_finding("thresholds.mine.table", [{"odds": float("-inf")}], tolerance=0)


def test_the_glossary_skips_comments_attributes_and_its_own_definitions():
    from wechat_study.glossary import annotate

    boxed = annotate('<main><section class="ws-findings"><p>AUC</p></section></main>')
    ids = set(re.findall(r'id="(glossary-[a-z0-9-]+)"', boxed))
    assert set(re.findall(r'href="#(glossary-[a-z0-9-]+)"', boxed)) <= ids  # no link without its entry
    bare = annotate("<p>The AUC</p>")
    assert bare.startswith('<p>The <a class="ws-term" href="#glossary-auc">AUC</a></p>') and bare.endswith("\n")
    commented = annotate("<main><!-- AUC --><p>AUC here</p></main>")
    assert "<!-- AUC -->" in commented and '<p><a class="ws-term" href="#glossary-auc">AUC</a> here' in commented
    assert '<p data-x="a>AUC"><a class="ws-term"' in annotate('<main><p data-x="a>AUC">AUC</p></main>')
    assert "\x000\x00 <a" in annotate("<main><p>\x000\x00 AUC</p></main>")
    assert annotate('<main><!-- <a> --><p>AUC</p></main>').count('class="ws-term"') == 1


def test_the_strip_leaves_out_what_is_not_a_share_inside_its_interval():
    from wechat_study.glance import HEADLINES, summary_strip

    name = HEADLINES[0][0]

    def ledger(v, lo, hi):
        return {name: {"value": v}, f"{name}.ci_low": {"value": lo}, f"{name}.ci_high": {"value": hi}}

    assert summary_strip(ledger(0.3, 0.2, 0.4)).count('class="ws-strip-row"') == 1
    for bad in [(float("nan"), 0.2, 0.4), (True, 0.2, 0.4), (0.3, 0.4, 0.2), (1.2, 0.2, 1.3)]:
        assert summary_strip(ledger(*bad)) == ""


def test_findings_box_fills_from_recorded_findings(sink):
    ws.record_finding("t.ced.share", 0.292, tolerance=1e-9)
    ws.record_finding("t.ced.share.ci_low", 0.277, tolerance=1e-9)
    ws.record_finding("t.ced.share.ci_high", 0.308, tolerance=1e-9)
    ws.record_finding("t.ced.median_h", None, reason="no cascade crosses")
    charts.figure(alt.Chart(pd.DataFrame({"a": [1]})).mark_point().encode(x="a:Q"), "A point", anchor="crossing")
    box = nv.FindingsBox(prefix="t.ced")
    box.add(
        "{.share:share} of <rumour> cascades reach {t:count} reposts; median {.median_h:hours}.", see="crossing", t=500
    )
    page = box._repr_html_()
    assert '<span class="ws-value" data-finding="t.ced.share" data-kind="share">29.2% (27.7–30.8)</span>' in page
    assert "&lt;rumour&gt;" in page and "500 reposts" in page and "not reached" in page
    assert '<a class="ws-see" href="#crossing">Figure 1</a>' in page
    assert nv.sentences_in(page)[0]["template"].startswith("{.share:share}")
    ledger = {"t.ced.share": {"value": 0.5}, "t.ced.median_h": {"value": 30.0}}
    again = nv.render_sentences(nv.sentences_in(page), ledger, link_prefix="03.html")[0]
    assert ">50.0%<" in again and "30 hours" in again and 'href="03.html#crossing"' in again


def test_findings_box_refuses_unknown_findings_and_links(sink):
    box = nv.FindingsBox(prefix="t.ced")
    with pytest.raises(KeyError, match="was not recorded"):
        box.add("{.nothing:share} of cascades")
    with pytest.raises(ValueError, match="no chart or table has anchor"):
        box.add("A sentence.", see="nowhere")
    with pytest.raises(KeyError, match="has no value"):
        nv.say("{t:count} reposts")


def test_heading_from_parameters(sink):
    h = nv.heading("How many cascades reach {t:count} reposts", t=1000)
    assert (
        h._repr_html_() == '<h2 id="how-many-cascades-reach-1-000-reposts">How many cascades reach 1,000 reposts</h2>'
    )


def test_publication_table(sink):
    df = pd.DataFrame(
        {
            "group": ["rumour", "non-rumour"],
            "n": [1538, 1849],
            "share": [0.2919, 0.1],
            "ci_low": [0.277, 0.08],
            "ci_high": [0.308, 0.12],
            "median_h": [3.2, float("nan")],
            "p_value": [1.7e-69, 0.2],
        },
        index=[5, 9],
    )
    t = tables.publication(df, "Share reaching 500 reposts", source="CED", anchor="crossing-table")
    assert list(t.data.columns) == ["group", "n", "share", "median_h", "p_value"]
    assert t.data["share"].tolist() == ["29.2% (27.7–30.8)", "10.0% (8.0–12.0)"]
    assert t.data["n"].tolist() == ["1,538", "1,849"] and t.data["median_h"].iloc[1] == "–"
    assert t.data["p_value"].tolist() == ["< 0.001", "0.20"]
    html = t._repr_html_()
    assert 'id="crossing-table"' in html and "Table 1. Share reaching 500 reposts" in html and "Source: CED" in html
    assert 'class="ws-table-scroll"' in html and "median (hours)" in html and "ci_low" not in html
    assert ">5<" not in html and ">9<" not in html  # no index column
    assert html == tables.publication(df, "Share reaching 500 reposts", source="CED", anchor="crossing-table").html
    long = tables.publication(pd.DataFrame({"k": range(40)}), "Forty rows", collapse_after=15)
    assert long.html.count("<details") == 1 and "40 rows" in long.html
    with pytest.raises(KeyError, match="no column"):
        tables.publication(df, "x", columns=["nope"])


def test_facts_table_replaces_dict_printouts(sink):
    t = tables.facts({"gini": 0.52198, "accounts_for_half": 140}, "Concentration of removals")
    assert t.data.to_dict("list") == {"measure": ["gini", "accounts for half"], "value": ["0.522", "140"]}


def test_figure_carries_title_caption_source_and_anchor(sink):
    chart = charts.share_lines(
        pd.DataFrame({"threshold": [50, 500], "share": [0.5, 0.2], "group": ["rumour"] * 2}),
        "threshold",
        "repost threshold (reposts)",
    )
    fig = charts.figure(
        charts.reference(chart, x=500, label="500 reposts"),
        "Fewer cross at higher lines",
        caption="Share crossing.",
        source=charts.source_line("ced"),
    )
    spec = fig.to_dict()
    meta = spec["usermeta"]["wechat_study"]
    assert meta["anchor"] == "fewer-cross-at-higher-lines" and meta["label"] == "Figure 1"
    assert spec["width"] == "container" and "thunlp/Chinese_Rumor_Dataset at c1178d8" in meta["source"]
    out = charts.report_renderer(spec)["text/html"]
    assert '<figure class="ws-figure" id="fewer-cross-at-higher-lines">' in out and "Figure 1. Fewer cross" in out
    assert "Download the data (CSV)" in out and "Share crossing." in out


def test_one_palette_per_concept():
    a = charts.share_lines(
        pd.DataFrame({"x": [1, 2], "share": [0.1, 0.2], "group": ["non-rumour", "rumour"]}), "x", "x"
    )
    b = charts.survival_chart(
        pd.DataFrame(
            {
                "hours": [1.0, 2.0],
                "survival": [0.9, 0.8],
                "ci_low": [0.8, 0.7],
                "ci_high": [1.0, 0.9],
                "group": ["rumour", "non-rumour"],
            }
        )
    )
    scales = [json.dumps(c.to_dict()) for c in (a, b)]
    for s in scales:
        assert '"#d1495b"' in s and '"#1f5f8b"' in s  # rumour red and non-rumour blue
    reasons = charts.monthly_lines(pd.DataFrame({"month": ["2019-01"], "removals": [3], "reason": ["author_deleted"]}))
    assert "deleted by the author" in json.dumps(reasons.to_dict()) and "author_deleted" not in json.dumps(
        reasons.to_dict()
    )


@pytest.mark.parametrize(
    "hostile", ["<!--<script>", "</script><script>alert(1)</script>", "</SCRIPT>", "a&b", "\u2028"]
)
def test_renderer_escapes_everything_that_could_end_or_hide_a_script(hostile):
    spec = alt.Chart(pd.DataFrame({"v": [hostile], "x": [1]})).mark_text().encode(x="x:Q", text="v:N").to_dict()
    out = charts.report_renderer(spec)["text/html"]
    body = re.search(r'<script type="application/json" id="chart-\d+-spec">(.*?)</script>', out, re.DOTALL).group(1)
    assert "<" not in body and ">" not in body and "&" not in body and "\u2028" not in body
    assert json.loads(body)["datasets"].popitem()[1][0]["v"] == hostile


def test_chart_data_is_extracted_from_the_page_html(tmp_path, sink):
    import nbformat
    from nbformat.v4 import new_code_cell, new_notebook, new_output

    fig = charts.figure(
        alt.Chart(pd.DataFrame({"x": [1, 2], "y": ["<!--", "b"]})).mark_point().encode(x="x:Q"),
        "Two points",
        anchor="two-points",
    )
    cell = new_code_cell("", outputs=[new_output("display_data", data=charts.report_renderer(fig.to_dict()))])
    nbformat.write(new_notebook(cells=[cell]), tmp_path / "x.ipynb")
    (tmp_path / "out" / "99-x").mkdir(parents=True)
    (tmp_path / "out" / "99-x" / "gone.csv").write_text("stale")
    written = pages.write_chart_data(tmp_path / "x.ipynb", "99-x", tmp_path / "out")
    assert [p.name for p in written] == ["two-points.csv"]
    assert (tmp_path / "out" / "99-x" / "two-points.csv").read_text() == "x,y\n1,<!--\n2,b\n"
    assert not (tmp_path / "out" / "99-x" / "gone.csv").exists()


def test_box_moves_after_the_question_and_pages_carry_a_version_line(tmp_path, sink):
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    ws.record_finding("t.ced.n", 12)
    box = nv.FindingsBox().add("{t.ced.n:count} cascades.")
    cells = [
        new_markdown_cell("# Title\n\n**Question.** Why?"),
        new_markdown_cell("## Evidence"),
        new_code_cell('dataset = "ced"', metadata={"tags": ["parameters"]}),
        new_code_cell("", outputs=[new_output("display_data", data={"text/html": box._repr_html_()})]),
    ]
    nbformat.write(new_notebook(cells=cells), tmp_path / "b.ipynb")
    page = pages.render(tmp_path / "b.ipynb", "99-box")
    assert page.index("Why?") < page.index("What we found") < page.index("Evidence")
    line = re.search(r'<footer class="ws-version">(.*?)</footer>', page, re.DOTALL).group(1)
    assert "thunlp/Chinese_Rumor_Dataset at c1178d8cfd4c" in line and "source digest" in line
    assert not re.search(r"20\d\d-\d\d-\d\d", line)


def test_threshold_explorer_data_and_chart():
    from wechat_study.explorer import threshold_explorer_data

    corpus = ws.synthetic_corpus(n_posts=20000, seed=3)
    posts, cascades = corpus.posts, corpus.cascades
    metrics = ws.cascade_metrics(posts)
    labels = cascades.set_index("cascade_id")["label"].reindex(metrics["cascade_id"]).reset_index(drop=True)
    data = threshold_explorer_data(metrics, cascades, labels)
    assert list(data.columns) == ["group", "reposts", "source_followers_k", "cascades"]
    assert data["cascades"].sum() == len(metrics) and "cascade_id" not in data
    spec = charts.threshold_explorer(data).to_dict()
    names = {p["name"] for p in spec["params"]}
    assert names == {"repost_threshold", "rho_percent", "repost_followers"}
    assert all(p["bind"]["input"] == "range" for p in spec["params"])
    assert next(p for p in spec["params"] if p["name"] == "repost_threshold")["bind"]["min"] == 50


def test_grouped_lines_and_their_bands_share_one_legend():
    """A band coloured on another channel with its legend off made Vega drop the lines' legend as well."""
    import pandas as pd

    from wechat_study.charts.lines import share_lines, survival_chart

    table = pd.DataFrame({"group": ["rumour", "non-rumour"] * 2, "threshold": [100, 100, 500, 500],
                          "share": [0.5, 0.6, 0.2, 0.3], "ci_low": [0.4, 0.5, 0.1, 0.2],
                          "ci_high": [0.6, 0.7, 0.3, 0.4]})
    curves = table.rename(columns={"threshold": "hours", "share": "survival"})
    for chart in (share_lines(table, "threshold", "reposts"), survival_chart(curves)):
        layers = chart.to_dict()["layer"]
        channels = [enc for layer in layers for k, enc in layer.get("encoding", {}).items() if k in ("color", "fill")]
        assert channels and all(enc.get("legend", {}) is not None for enc in channels)


def test_red_and_blue_mean_rumour_and_non_rumour_only():
    from wechat_study.charts import theme

    label_colours = {theme.PALETTES["group"]["rumour"], theme.PALETTES["group"]["non-rumour"]}
    assert not label_colours & set(theme.PALETTE)
    for concept, colours in theme.PALETTES.items():
        if concept != "group":
            assert not label_colours & set(colours.values()), concept
