"""The catalog pins every data set, and the command line drives fetch, prepare and the audit."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from wechat_study.datasets.catalog import CATALOG, manifest_from_upstream

ROOT = Path(__file__).resolve().parent.parent
CLI = [sys.executable, "-m", "wechat_study.cli"]


def run(*args, env=None):
    return subprocess.run(CLI + list(args), capture_output=True, text=True, cwd=ROOT, env=env or os.environ.copy(),
                          timeout=600)


def test_catalog_has_the_six_data_sets():
    assert set(CATALOG) == {"ced", "wbmsf", "wechatscope", "twitter15", "twitter16", "citizenlab"}
    for ds in CATALOG.values():
        assert len(ds.commit) == 40 and ds.licence and ds.citation and ds.manifest
        assert all(len(e.blob_sha1) == 40 and e.size > 0 for e in ds.manifest.values())
    assert len(CATALOG["ced"].manifest) == 6776 and len(CATALOG["twitter16"].manifest) == 819


def test_catalog_manifests_match_the_mirror(mirror):
    if mirror is None:
        pytest.skip("no mirror to compare with")
    for name, ds in CATALOG.items():
        upstream = (mirror / name / "MANIFEST.tsv").read_text("utf-8")
        assert ds.manifest_text == manifest_from_upstream(upstream, name), name
        if name != "ced":  # only CED's file names embed a uid
            assert ds.manifest_text == upstream, name
    ced = CATALOG["ced"]
    renamed = [line.split("\t", 1)[0] for line in (mirror / "ced" / "MANIFEST.tsv").read_text("utf-8").splitlines()]
    renamed = [p for p in renamed if ced.committed_path(p) != p]
    assert len(renamed) == 6774  # every file but the two READMEs
    for p in renamed[:50]:
        uid = p.rsplit("_", 1)[1].removesuffix(".json")
        assert uid not in ced.committed_path(p) and ced.committed_path(p) in ced.manifest


def test_committed_paths_replace_only_the_uid_and_a_collision_is_an_error(monkeypatch):
    from wechat_study.datasets import catalog

    ced = CATALOG["ced"]
    got = ced.committed_path("CED_Dataset/rumor-repost/12_AbC9_100200300.json")
    assert re.fullmatch(r"CED_Dataset/rumor-repost/12_AbC9_sha256-[0-9a-f]{20}\.json", got)
    assert ced.committed_path("CED_Dataset/README.md") == "CED_Dataset/README.md"
    assert CATALOG["wbmsf"].committed_path("data/global/repost_uids.txt") == "data/global/repost_uids.txt"
    text = "CED_Dataset/rumor-repost/12_AbC9_1.json\t5\tsha\tok\nCED_Dataset/rumor-repost/12_AbC9_2.json\t5\tsha\tok\n"
    assert manifest_from_upstream(text, "ced").count("sha256-") == 2
    monkeypatch.setattr(catalog, "PATH_DIGEST_HEX", 0)  # every digest empty: the two names collide
    with pytest.raises(ValueError, match=r"ced: MANIFEST.tsv line 2: CED_Dataset/rumor-repost/12_AbC9_sha256-.json "
                                         r"is also the committed name of line 1"):
        manifest_from_upstream(text, "ced")


@pytest.mark.slow
def test_cli_prepare_prints_the_quality_report(tmp_data):
    out = run("data", "prepare", "wechatscope")
    assert out.returncode == 0, out.stderr
    assert "quality report: wechatscope" in out.stdout
    assert "notices_in_english" in out.stdout and "3,735" in out.stdout
    assert "wechatscope: prepared in" in out.stdout


def test_cli_errors_are_one_clear_line(tmp_data):
    out = run("data", "fetch", "weibo")
    assert out.returncode == 1
    assert out.stderr.strip() == ("wechat-study: error: unknown data set 'weibo'; the catalog has: "
                                  "ced, citizenlab, twitter15, twitter16, wbmsf, wechatscope")


def test_cli_twitter16_from_the_mirror_fails_cleanly(tmp_data, mirror):
    if mirror is None:
        pytest.skip("needs the mirror")
    out = run("data", "fetch", "twitter16")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert out.stderr.startswith("wechat-study: error: twitter16: the mirror has no ")


@pytest.mark.slow
def test_cli_list_and_audit(corpora, mirror):
    out = run("data", "list")
    assert out.returncode == 0 and "ced" in out.stdout and "prepared" in out.stdout
    out = run("audit", *(["--mirror", str(mirror)] if mirror else []))  # --mirror, as audit's own errors advise
    assert out.returncode == 0, out.stderr
    assert "rumours" in out.stdout and "1538" in out.stdout
