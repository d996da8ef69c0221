"""No raw user id or screen name reaches the processed tables; pseudonyms are stable."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import secrets
import subprocess

import numpy as np
import orjson
import pandas as pd
import pyarrow as pa
import pytest

import wechat_study as ws
from wechat_study import paths, privacy
from wechat_study.privacy import pseudonym, pseudonymize, pseudonymize_arrow

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


@pytest.mark.slow
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


def test_pseudonyms_are_stable_and_keyed(raw_ids, monkeypatch):
    a, b = sorted(raw_ids["ced"])[:2]  # real raw ids, read at run time
    ids = [a, a, b, None, ""]
    first = pseudonymize(ids)
    assert list(first) == list(pseudonymize(ids))
    assert first[0] == first[1] != first[2]
    assert first[3] is None and first[4] is None
    assert all(re.fullmatch(r"u[0-9a-f]{16}", v) for v in first[:3])
    monkeypatch.setenv(privacy.ENV, secrets.token_hex(16))
    assert pseudonymize(ids)[0] != first[0]


def test_the_key_is_made_on_first_use_private_and_ignored_by_git(tmp_data, monkeypatch):
    monkeypatch.delenv(privacy.ENV, raising=False)
    key = tmp_data / "pseudonym.key"
    assert not key.exists()
    first = pseudonymize(["someone"])[0]
    assert key.stat().st_mode & 0o777 == 0o600
    assert re.fullmatch(r"[0-9a-f]{32}\n", key.read_text("ascii"))  # 128 bits
    assert pseudonymize(["someone"])[0] == first
    assert privacy.fingerprint() != key.read_text("ascii").strip()[:16]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", "data/pseudonym.key"], cwd=paths.CHECKOUT, check=False
    )
    assert ignored.returncode == 0
    key.chmod(0o644)
    with pytest.raises(ws.WechatStudyError) as e:
        pseudonymize(["someone"])
    assert str(e.value) == f"{key}: the pseudonym key is readable by others (mode 644); run chmod 600 {key}"
    monkeypatch.setenv(privacy.ENV, "not a key")
    with pytest.raises(ws.WechatStudyError) as e:
        pseudonymize(["someone"])
    assert str(e.value) == (
        "WECHAT_STUDY_PSEUDONYM_KEY must be 32 hex digits (a 128-bit key); make one with "
        "python -c 'import secrets; print(secrets.token_hex(16))'"
    )


def test_no_key_is_committed():
    assert not hasattr(privacy, "DEFAULT_KEY")
    tracked = subprocess.run(["git", "ls-files"], cwd=paths.CHECKOUT, capture_output=True, text=True, check=True)
    assert not [f for f in tracked.stdout.split() if f.endswith("pseudonym.key")]


def committed_texts() -> dict[str, str]:
    """Every file git tracks, as text."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=paths.CHECKOUT, capture_output=True, check=True)
    files = [paths.CHECKOUT / f for f in out.stdout.decode().split("\0") if f]
    return {
        f.relative_to(paths.CHECKOUT).as_posix(): f.read_text("utf-8", errors="ignore") for f in files if f.is_file()
    }


def attacker_keys() -> set[str]:
    """Every key an attacker could take from the repository: each 16-character string literal (a 128-bit text
    key) and each run of 32 hex digits (a 128-bit key) in a committed file."""
    keys = set()
    for text in committed_texts().values():
        keys |= set(re.findall(r"[\"']([^\"'\n\\]{16})[\"']", text))
        keys |= set(re.findall(r"\b[0-9a-fA-F]{32}\b", text))
    return keys


def attack(candidates: list[str], key: str) -> set[str]:
    """Pseudonyms of ``candidates`` under ``key``, as the committed-key design computed them (a 16-character
    text key) or as a 128-bit hex key gives them."""
    if len(key) == 32 and re.fullmatch(r"[0-9a-fA-F]{32}", key):
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv(privacy.ENV, key)
            return set(pseudonymize(candidates))
    try:
        key.encode("ascii")
    except UnicodeEncodeError:
        return set()
    values = pd.Series(candidates, dtype=object).to_numpy()
    old = {f"u{h:016x}" for h in pd.util.hash_array(values, hash_key=key, categorize=False).tolist()}
    return old | set(privacy.keyed_names(pa.array(candidates, pa.string()), key.encode("ascii"), "u").to_pylist())


@pytest.mark.slow
def test_a_dictionary_attack_with_everything_committed_reidentifies_no_one(corpora, raw_ids, tmp_path, monkeypatch):
    """The attack of issue 14: hash a list of candidate raw uids under every key the repository offers (and
    the key a fresh clone would use) and look them up among CED's pseudonyms. With a committed key, most match."""
    published = set(corpora["ced"].posts["user_id"].dropna().unique())
    rng = np.random.default_rng(0)
    pool = sorted(raw_ids["ced"])
    candidates = [pool[i] for i in rng.choice(len(pool), size=min(2_000, len(pool)), replace=False)]
    # control: with the installation's own key the attack works, so this test can fail
    assert len(set(pseudonymize(candidates)) & published) > len(candidates) // 2
    keys = attacker_keys()
    assert len(keys) > 10
    hits = {k: len(attack(candidates, k) & published) for k in keys}
    assert not {k: n for k, n in hits.items() if n}, "a committed key re-identifies users"
    monkeypatch.delenv(privacy.ENV, raising=False)
    monkeypatch.setenv("WECHAT_STUDY_DATA", str(tmp_path / "fresh-clone-data"))
    assert not set(pseudonymize(candidates)) & published


def test_prepared_tables_record_the_key_fingerprint_and_are_rebuilt_when_it_changes(tmp_data, monkeypatch, mirror):
    from wechat_study.corpus import STAMP, is_prepared

    monkeypatch.setenv(privacy.ENV, secrets.token_hex(16))
    before = ws.load("wechatscope").removals["account"]
    stamp = json.loads((tmp_data / "processed" / "wechatscope" / STAMP).read_text("utf-8"))
    assert stamp["pseudonyms"] == {"hash": privacy.SCHEME, "key": privacy.fingerprint()}
    assert os.environ[privacy.ENV] not in json.dumps(stamp)
    assert is_prepared("wechatscope")
    monkeypatch.setenv(privacy.ENV, secrets.token_hex(16))
    assert not is_prepared("wechatscope")
    after = ws.load("wechatscope").removals["account"]
    assert is_prepared("wechatscope")
    assert not set(before) & set(after)
    assert before.value_counts().to_numpy().tolist() == after.value_counts().to_numpy().tolist()


def test_no_raw_user_id_anywhere_in_the_repository(raw_ids):
    """``grep`` for every raw id of the data sets (read from the raw files at run time) over every committed
    file, the catalog's manifests included, finds nothing. CED's upstream file names embed the source author's
    uid; the committed manifest names those files by a digest instead (``Dataset.committed_path``)."""
    coded = {i for ids in raw_ids.values() for i in ids if any(ch.isdigit() for ch in i) and len(i) >= 8}
    texts = committed_texts()
    sources = (paths.raw_dir("ced") / "CED_Dataset" / "original-microblog").glob("*.json")
    authors = {f.stem.rsplit("_", 1)[1] for f in sources}
    missed = len({a for a in authors if len(a) >= 8} - coded)
    assert len(authors) > 1000 and not missed, f"{missed} file-name uids are not looked for"
    assert "wechat_study/datasets/manifests/ced.tsv" in texts  # and the manifests are scanned
    found = {}
    for name, text in texts.items():
        if name == "uv.lock":  # generated; package sizes collide with ids
            continue
        leaked = set(TOKEN.findall(text)) & coded
        if leaked:
            found[name] = sorted(leaked)[:3]
    assert not found, f"raw ids in committed files: {found}"


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


@pytest.mark.slow
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
    return {r[i : i + 8] for r in runs for i in range(len(r) - 7) if r[i : i + 8] in blob}


def test_nothing_committed_carries_a_pseudonym():
    """Reports, the ledger, notebooks, docs and tests name no pseudonym, so none depends on the key's value."""
    shaped = re.compile(r"\b[ua][0-9a-f]{16}\b")
    found = {
        name: shaped.findall(text)[:2]
        for name, text in committed_texts().items()
        if name != "uv.lock" and not name.startswith("wechat_study/datasets/manifests/") and shaped.search(text)
    }
    assert not found


def test_row_order_and_clustered_intervals_do_not_depend_on_the_key(monkeypatch):
    from wechat_study import censorship
    from wechat_study.datasets import wechatscope

    runs = []
    for _ in range(2):
        monkeypatch.setenv(privacy.ENV, secrets.token_hex(16))
        runs.append(wechatscope.load(paths.raw_dir("wechatscope"))[0]["removals"])
    a, b = runs
    assert not (a["account"] == b["account"]).any()
    pd.testing.assert_frame_equal(a.drop(columns="account"), b.drop(columns="account"))
    assert (pd.factorize(a["account"])[0] == pd.factorize(b["account"])[0]).all()
    pd.testing.assert_frame_equal(censorship.by_reason(a, n_boot=200), censorship.by_reason(b, n_boot=200))


def test_errors_name_a_user_id_field_but_never_print_its_value(tmp_path):
    from wechat_study.datasets import ced

    base = tmp_path / "CED_Dataset"
    for folder in ("original-microblog", "rumor-repost", "non-rumor-repost"):
        (base / folder).mkdir(parents=True)
    source = {"time": 1_380_000_000, "reposts": 1, "comments": 0, "user": {"followers": 10}}
    (base / "original-microblog" / "0_Root1_111.json").write_text(json.dumps(source), "utf-8")
    record = {"mid": "a1", "uid": 5555512345, "parent": "", "kids": [], "text": "", "date": "2013-09-24 10:00:00"}
    (base / "rumor-repost" / "0_Root1_111.json").write_text(json.dumps([record]), "utf-8")
    for workers in (1, 2):
        with pytest.raises(ws.DataError) as e:
            ced.load(tmp_path, workers=workers)
        assert "5555512345" not in str(e.value) and "111" not in str(e.value)
        assert "field 'uid' is an int (a user id: not shown), not text" in str(e.value)
    edges = pd.DataFrame({"post_id": ["p1", "p2"], "parent_id": [None, "p1"], "user_id": [5123456789.5, 7.0],
                          "created_at": pd.to_datetime(["2020-01-01"] * 2, utc=True)})
    edges.to_parquet(tmp_path / "e.parquet")
    with pytest.raises(ws.DataError) as e:
        ws.load_edgelist(tmp_path / "e.parquet")
    assert "5123456789" not in str(e.value)
    assert "user_id a float (a user id: not shown) is not a whole number" in str(e.value)


def test_pseudonyms_are_keyed_blake2b_hexdigests_with_known_answers(monkeypatch):
    """The scheme, pinned: a library upgrade that changed a pseudonym would fail here."""
    monkeypatch.setenv(privacy.ENV, "000102030405060708090a0b0c0d0e0f")  # a public test key, not an installation's
    known = {"1234567890": "f4290283e237ff70", "人民日报": "a3f9122d6d6f4731"}  # digests, so no pseudonym is committed
    assert pseudonym("1234567890") == "u" + known["1234567890"]
    assert pseudonym("人民日报", prefix="a") == "a" + known["人民日报"]
    key = bytes(range(16))
    for raw in ("1234567890", "人民日报", "x" * 300):
        assert pseudonym(raw) == "u" + hashlib.blake2b(raw.encode(), key=key, digest_size=8).hexdigest()
    many = [str(10**9 + 7919 * i) for i in range(privacy.COMPILED_FROM + 10)]  # the compiled path
    got = pseudonymize_arrow(pa.array(many, pa.string())).to_pylist()
    assert got[:3] + got[-3:] == [pseudonym(v) for v in many[:3] + many[-3:]]


@pytest.mark.parametrize("key_bytes", [1, 16, 64])
def test_the_compiled_hash_equals_hashlib_for_every_length(key_bytes):
    from wechat_study.blake2b import blake2b_64

    rng = np.random.default_rng(key_bytes)
    key = rng.bytes(key_bytes)
    values = [rng.bytes(n) for n in [*range(0, 300), 1000, 4096]] + [rng.bytes(10) for _ in range(1000)]
    expected = [int.from_bytes(hashlib.blake2b(v, key=key, digest_size=8).digest(), "big") for v in values]
    array = pa.array(values, pa.binary())
    assert blake2b_64(array, key).tolist() == expected
    assert blake2b_64(array.slice(7, 500), key).tolist() == expected[7:507]
    assert blake2b_64(pa.array([], pa.binary()), key).tolist() == []
