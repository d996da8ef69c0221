"""No raw user id or screen name reaches the processed tables; pseudonyms are stable."""

from __future__ import annotations

import csv
import json
import re

import orjson
import pandas as pd
import pytest

from wechat_study import paths
from wechat_study.privacy import pseudonymize

TOKEN = re.compile(r"[A-Za-z0-9_\-]{5,}")


def raw_identifiers() -> dict[str, set[str]]:
    """Every raw user id, screen name and account id in the raw files, per data set."""
    ids: dict[str, set[str]] = {}
    ced = paths.raw_dir("ced") / "CED_Dataset"
    s = set()
    for folder in ("rumor-repost", "non-rumor-repost"):
        for f in (ced / folder).glob("*.json"):
            s.add(f.stem.rsplit("_", 1)[1])
            s.update(r["uid"] for r in orjson.loads(f.read_bytes()) if r["uid"])
    ids["ced"] = s
    s = set()
    for f in (paths.raw_dir("wbmsf") / "data" / "repost_cascades").glob("*.csv"):
        df = pd.read_csv(f, dtype=str, keep_default_na=False)
        s.update(df["uid"])
        s.update(v.split(".")[0] for v in df["origin_uid"] if v)
    ids["wbmsf"] = s - {""}
    s = set()
    for f in (paths.raw_dir("twitter15") / "twitter15" / "tree").glob("*.txt"):
        s.update(re.findall(r"\['(\d+)', '\d+', '[-\d.]+'\]", f.read_text("utf-8")))
    ids["twitter15"] = s
    with open(paths.raw_dir("wechatscope") / "ceninfo.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    ids["wechatscope"] = {r["nickname"] for r in rows} | {r["archive"].split("_20")[0] for r in rows}
    return ids


@pytest.fixture(scope="module")
def raw_ids(corpora):
    return raw_identifiers()


def leaks(text_values, ids: set[str], coded: set[str]) -> set[str]:
    """Raw ids found as whole values, or (ids with a digit) as tokens inside longer strings.

    Some Weibo ids are plain words ("again", "count"), so only ids with a digit are looked
    for inside prose.
    """
    values = set(text_values)
    return (values & ids) | ({t for v in values for t in TOKEN.findall(v)} & coded)


@pytest.mark.parametrize("name", ["ced", "wbmsf", "twitter15", "wechatscope"])
def test_no_raw_id_in_processed_tables_or_quality_report(corpora, raw_ids, name):
    ids = raw_ids[name]
    coded = {i for i in ids if any(ch.isdigit() for ch in i) and len(i) >= 5}
    assert len(ids) > 1000
    folder = paths.processed_dir(name)
    for table in folder.glob("*.parquet"):
        df = pd.read_parquet(table)
        for col in df.columns:
            if df[col].dtype == "str" and col not in ("title", "reason_raw"):
                leaked = leaks(df[col].dropna().unique(), ids, coded)
                assert not leaked, f"{name}/{table.name}:{col} carries raw ids, e.g. {sorted(leaked)[:3]}"
    report = (folder / "quality.json").read_text("utf-8")
    assert not set(TOKEN.findall(report)) & coded
    if name == "wechatscope":
        assert not [nick for nick in ids if len(nick) >= 3 and nick in report]


def test_user_ids_are_pseudonyms_everywhere(corpora):
    for name, c in corpora.items():
        for table, col in (("posts", "user_id"), ("cascades", "author_id")):
            df = getattr(c, table)
            if df is not None:
                assert df[col].dropna().str.fullmatch(r"u[0-9a-f]{16}").all(), (name, table)
    assert corpora["wechatscope"].removals["account"].str.fullmatch(r"a[0-9a-f]{16}").all()


def test_pseudonyms_are_stable_and_keyed(monkeypatch):
    ids = ["1700757973", "1700757973", "42", None, ""]
    first = pseudonymize(ids)
    assert list(first) == list(pseudonymize(ids))
    assert first[0] == first[1] != first[2]
    assert first[3] is None and first[4] is None
    assert first[0] == "u" + "%016x" % pd.util.hash_array(pd.Series(["1700757973"], dtype=object).to_numpy(),
                                                          hash_key="wechat_study/v1!", categorize=False)[0]
    monkeypatch.setenv("WECHAT_STUDY_PSEUDONYM_KEY", "a private key")
    assert pseudonymize(ids)[0] != first[0]


def test_texts_are_not_loaded(corpora):
    assert "text" not in corpora["ced"].posts.columns
    quality = json.dumps([c.quality.to_dict() for c in corpora.values()], ensure_ascii=False)
    assert "转发微博" not in quality


COMMITTED = [p for d in ("reports", "investigations") for p in (paths.CHECKOUT / d).rglob("*") if p.is_file()]


def ced_texts() -> str:
    parts = []
    for folder in ("rumor-repost", "non-rumor-repost"):
        for f in (paths.raw_dir("ced") / "CED_Dataset" / folder).glob("*.json"):
            parts += [r["text"] for r in orjson.loads(f.read_bytes()) if r.get("text")]
    return "\n".join(parts)


def test_committed_reports_and_notebooks_carry_no_raw_ids_and_no_repost_text(corpora, raw_ids):
    assert COMMITTED
    coded = {i for ids in raw_ids.values() for i in ids if any(ch.isdigit() for ch in i) and len(i) >= 5}
    nicknames = {n for n in raw_ids["wechatscope"] if len(n) >= 3}
    blob = ced_texts()
    for f in COMMITTED:
        text = f.read_text("utf-8", errors="ignore")
        leaked = set(TOKEN.findall(text)) & coded
        assert not leaked, f"{f.name} carries raw ids, e.g. {sorted(leaked)[:3]}"
        assert not [n for n in nicknames if n in text and not n.isascii()], f"{f.name} names a WeChat account"
        runs = re.findall(r"[^\x00-\x7f]{8,}", text)
        quoted = _windows(blob, runs)
        assert not quoted, f"{f.name} quotes repost text: {sorted(quoted)[:2]}"


def _windows(blob: str, runs: list[str]) -> set[str]:
    """The 8-character pieces of ``runs`` that occur in ``blob``."""
    return {r[i:i + 8] for r in runs for i in range(len(r) - 7) if r[i:i + 8] in blob}
