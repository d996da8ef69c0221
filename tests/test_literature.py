"""The literature comparisons: every record names a finding the ledger holds, and the methods' table is theirs.

Reads only reports/findings.json and docs/methods.md: no data set is needed."""

from __future__ import annotations

from dataclasses import FrozenInstanceError, fields

import pytest

from wechat_study import literature, paths, reporting
from wechat_study.findings import load_ledger

METHODS = paths.CHECKOUT / "docs" / "methods.md"


def test_every_comparison_names_a_finding_in_the_ledger():
    ledger = load_ledger(reporting.LEDGER)
    assert ledger, f"no ledger at {reporting.LEDGER}"
    missing = sorted({c.our_finding for c in literature.COMPARISONS} - set(ledger))
    assert not missing, f"findings named in wechat_study.literature but not in {reporting.LEDGER.name}: {missing}"


def test_records_are_complete_and_say_where_they_were_checked():
    assert literature.COMPARISONS
    for c in literature.COMPARISONS:
        assert c.topic in literature.TOPICS
        assert c.relation in literature.RELATIONS
        for f in fields(c):
            if f.name != "not_checked":
                assert getattr(c, f.name).strip(), f"{c.our_finding}: empty {f.name}"
        assert "http" in c.checked, f"{c.our_finding}: 'checked' names no address"
    assert {c.topic for c in literature.COMPARISONS} == set(literature.TOPICS)


def test_records_are_frozen_and_validated():
    c = literature.COMPARISONS[0]
    with pytest.raises(FrozenInstanceError):
        c.topic = "thresholds"
    with pytest.raises(ValueError, match="relation"):
        literature.Comparison(**{**{f.name: getattr(c, f.name) for f in fields(c)}, "relation": "agrees"})
    with pytest.raises(ValueError, match="topic"):
        literature.Comparison(**{**{f.name: getattr(c, f.name) for f in fields(c)}, "topic": "views"})


@pytest.mark.parametrize("topic", literature.TOPICS)
def test_table_holds_one_topic(topic):
    frame = literature.table(topic)
    assert list(frame.columns) == [f.name for f in fields(literature.Comparison)]
    assert len(frame) == sum(c.topic == topic for c in literature.COMPARISONS) > 0
    assert set(frame["topic"]) == {topic}


def test_table_of_everything_and_an_unknown_topic():
    assert len(literature.table()) == len(literature.COMPARISONS)
    with pytest.raises(ValueError, match="not one of"):
        literature.table("views")


def test_methods_section_16_prints_the_table():
    text = METHODS.read_text("utf-8")
    assert "## 16. The findings against the literature" in text
    section = text.split("## 16. The findings against the literature", 1)[1]
    assert literature.markdown() in section, "docs/methods.md §16 is out of date: paste literature.markdown()"
