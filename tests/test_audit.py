"""The dataset audit: published figures and the measured quirks, reproduced from the loaded data."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from wechat_study.audit import audit


def test_published_figures_that_are_exact_agree(corpora):
    table = audit(corpora).set_index(["dataset", "figure"])
    exact = [
        ("ced", "rumours"), ("ced", "non-rumours"), ("ced", "records, duplicates dropped"),
        ("ced", "duplicate records"),
        ("ced", "dates without a year"), ("ced", '"user": "empty" sources'),
        ("wbmsf", "cascades"), ("wbmsf", '"#repost"'), ("wbmsf", "max cascade size"), ("wbmsf", "min cascade size"),
        ("twitter15", "source tweets"), ("twitter15", "non-rumour labels"), ("twitter15", "false labels"),
        ("twitter15", "true labels"), ("twitter15", "unverified labels"),
        ("wechatscope", "articles"), ("wechatscope", "accounts"), ("wechatscope", "author deleted"),
        ("wechatscope", "rule violation"), ("wechatscope", "account blocked"), ("wechatscope", "complaint"),
        ("wechatscope", "account migrated"),
    ]
    for key in exact:
        row = table.loc[key]
        assert row["measured"] == row["published"], key
    assert table.loc[("wbmsf", "mean cascade size"), "measured"] == pytest.approx(219, abs=0.5)


def test_twitter15_raw_trees_differ_from_the_paper_and_the_audit_shows_both(corpora):
    table = audit(corpora).set_index(["dataset", "figure"])
    assert table.loc[("twitter15", "users"), "measured"] == 480_987
    assert table.loc[("twitter15", "users"), "published"] == 276_663
    assert table.loc[("twitter15", "posts per tree, max"), "measured"] == 2990
    assert not table.loc[("twitter15", "threads"), "agrees"]


def test_ced_counts(corpora):
    c = corpora["ced"]
    assert len(c.cascades) == 3387
    assert len(c.posts) == 1_277_843
    q = c.quality
    assert q.count("records_read") == 1_275_180
    assert q.count("duplicate_records") == 724
    assert "(in 346 files)" in q.quirks["duplicate_records"].action
    assert q.count("dates_without_year_resolved") == 74
    assert q.count("dates_without_year_quarantined") == 0
    assert "(in 42 files)" in q.quirks["dates_without_year_resolved"].action
    assert q.count("source_user_empty") == 87
    assert q.count("orphans") == 0
    assert q.count("kids_references_descendant") == 187_728 and q.count("kids_references_conflict") == 644
    sizes = c.posts.groupby("cascade_id").size()
    assert sizes.max() == 962 and sizes.min() == 4  # 961 / 3 records + the root
    assert c.cascades["reported_reposts"].max() == 999


def test_ced_deepest_tree_reaches_58_hops(corpora):
    posts = corpora["ced"].posts
    index = pd.Index(posts["post_id"])
    parent = index.get_indexer(posts["parent_id"])
    depth = np.where(parent < 0, 0, -1)
    while (depth < 0).any():
        todo = depth < 0
        ready = todo & (depth[np.maximum(parent, 0)] >= 0)
        depth[ready] = depth[parent[ready]] + 1
    assert depth.max() == 58


def test_wbmsf_counts(corpora):
    c = corpora["wbmsf"]
    assert len(c.posts) == 113_631
    assert (c.posts.loc[~c.posts["is_root"], "kind"] == "repost").all()
    assert c.quality.count("files_with_extra_columns") == 62
    # stars: every repost hangs off the root
    roots = c.posts.loc[c.posts["is_root"]].set_index("cascade_id")["post_id"]
    reposts = c.posts.loc[~c.posts["is_root"]]
    assert (reposts["parent_id"].to_numpy() == roots.reindex(reposts["cascade_id"]).to_numpy()).all()


def test_twitter15_counts(corpora):
    q = corpora["twitter15"].quality
    assert q.count("edges_read") == 624_458
    assert q.count("self_loops") == 1218
    assert q.count("root_is_not_file_tweet") == 8
    assert q.count("negative_delays") == 310
    assert q.count("duplicate_records") == 24_044


def test_wechatscope_has_17411_removals_in_five_reasons(corpora):
    r = corpora["wechatscope"].removals
    assert len(r) == 17_411
    assert r["reason"].value_counts().to_dict() == {
        "author_deleted": 12_450, "violation": 4_234, "account_blocked": 455, "complaint": 231, "migrated": 41}
    assert r["account"].nunique() == 1852


def test_citizenlab_keyword_lists(corpora):
    k = corpora["citizenlab"].keywords
    assert k.groupby("list").size().to_dict() == {"709crackdown": 860, "lxb": 60, "ncpc19": 241,
                                                  "one_app_two_systems": 177}
    assert corpora["citizenlab"].quality.count("duplicate_keywords_in_a_list") == 6


def test_ced_kids_references_split_into_descendants_and_true_conflicts(corpora):
    from wechat_study.audit import kids_references

    t = kids_references(corpora["ced"].quality).set_index("kind")
    assert t["references"].to_dict() == {"direct_child": 489_771, "descendant": 187_728, "conflict": 644, "absent": 37}
    assert (t["total"] == 678_180).all() and t["references"].sum() == 678_180
    assert t.loc["conflict", "share"] == pytest.approx(644 / 678_180, abs=1e-15)
    assert kids_references(corpora["wbmsf"].quality).empty


def test_kids_total_missing_is_a_clear_error():
    from wechat_study.audit import kids_references
    from wechat_study.errors import DataError
    from wechat_study.quality import QualityReport

    q = QualityReport("ced")
    q.quirk("kids_references_descendant", 5, "deeper descendant")
    with pytest.raises(DataError, match="total of 'kids' references"):
        kids_references(q)
    q.fact("kids_references", 10)
    assert kids_references(q).set_index("kind").loc["direct_child", "references"] == 5
