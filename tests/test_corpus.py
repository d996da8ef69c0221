"""prepare writes the canonical tables atomically; load reads them back, preparing when needed."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

import wechat_study as ws
from wechat_study import corpus as corpus_mod
from wechat_study.datasets import wechatscope
from wechat_study.schema import SCHEMAS


def snapshot(folder):
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_load_fetches_and_prepares_when_needed(tmp_data):
    corpus = ws.load("citizenlab")
    assert (tmp_data / "raw" / "citizenlab" / ".verified.json").is_file()
    assert sorted(p.name for p in (tmp_data / "processed" / "citizenlab").iterdir()) == [
        ".prepared.json", "blocked_urls.parquet", "keywords.parquet", "quality.json"]
    assert len(corpus.keywords) == 1338 and len(corpus.blocked_urls) == 41 and corpus.posts is None
    assert corpus.quality.count("keywords") == 1338


def test_a_failed_prepare_leaves_the_previous_tables(tmp_data, monkeypatch):
    ws.prepare("wechatscope")
    before = snapshot(tmp_data / "processed" / "wechatscope")

    def broken(root, name):
        raise ws.DataError("ceninfo.csv", "simulated failure half way")

    monkeypatch.setattr(wechatscope, "load", broken)
    with pytest.raises(ws.DataError, match="simulated failure"):
        ws.prepare("wechatscope", force=True)
    assert snapshot(tmp_data / "processed" / "wechatscope") == before
    assert sorted(p.name for p in (tmp_data / "processed").iterdir()) == ["wechatscope"]


def test_prepare_is_deterministic(tmp_data):
    ws.prepare("wechatscope")
    first = snapshot(tmp_data / "processed" / "wechatscope")
    ws.prepare("wechatscope", force=True)
    assert snapshot(tmp_data / "processed" / "wechatscope") == first


def test_stale_tables_are_rebuilt(tmp_data):
    ws.prepare("citizenlab")
    stamp = tmp_data / "processed" / "citizenlab" / ".prepared.json"
    info = json.loads(stamp.read_text())
    info["code"] = "an older loader"
    stamp.write_text(json.dumps(info))
    assert not corpus_mod.is_prepared("citizenlab")
    ws.load("citizenlab")
    assert corpus_mod.is_prepared("citizenlab")


@pytest.mark.parametrize("name", ["ced", "wbmsf", "twitter15"])
def test_posts_are_canonical_trees(corpora, name):
    c = corpora[name]
    posts = c.posts
    SCHEMAS["posts"].validate(posts)
    SCHEMAS["cascades"].validate(c.cascades)
    assert str(posts["created_at"].dtype) == "datetime64[ns, UTC]"
    assert posts["post_id"].is_unique
    assert (posts.groupby("cascade_id")["is_root"].sum() == 1).all()
    # every parent is in the same cascade, and each cascade starts with its root
    where = pd.Index(posts["post_id"]).get_indexer(posts["parent_id"])
    has_parent = ~posts["is_root"].to_numpy()
    assert (where[has_parent] >= 0).all()
    assert (posts["cascade_id"].to_numpy()[where[has_parent]] == posts["cascade_id"].to_numpy()[has_parent]).all()
    first = posts.groupby("cascade_id", sort=False).head(1)
    assert first["is_root"].all() and len(first) == len(c.cascades)
    assert (c.cascades["observed_until"] >= c.cascades["created_at"]).all()


def test_ced_times_are_beijing_time_converted_to_utc(corpora):
    posts = corpora["ced"].posts.set_index("post_id")
    cascades = corpora["ced"].cascades.set_index("cascade_id")
    # the source post 6tsQ7d has unix time 1291262818 (2010-12-02 04:06:58 UTC)
    assert cascades.loc["6tsQ7d", "created_at"] == pd.Timestamp(1291262818, unit="s", tz="UTC")
    assert posts.loc["6tsQ7d", "is_root"]
    # every record date was Beijing time: UTC times are 8 h earlier than the text, so none is after the crawl
    assert posts["created_at"].max() < pd.Timestamp("2016-10-01", tz="UTC")


def test_load_is_fast_enough_to_call_in_every_notebook(corpora):
    corpus = ws.load("ced")
    assert corpus.posts.shape == (1_277_843, 10)
    assert np.isin(corpus.posts["kind"].unique(), ["source", "unknown"]).all()
