"""Fetching: mirror and download take one path; every file is verified; failures leave data/raw as it was."""

from __future__ import annotations

import functools
import http.server
import io
import shutil
import tarfile
import threading
import urllib.request
from pathlib import Path

import pytest

import wechat_study as ws
from wechat_study.datasets.catalog import get
from wechat_study.fetch import STAMP, git_blob_sha1, is_verified

NAME = "wechatscope"  # small: three files, 1.4 MB
DS = get(NAME)


@pytest.fixture(scope="session")
def upstream_archive(mirror, tmp_path_factory) -> Path:
    """The pinned archive: the mirror's copy, or a download from upstream when there is no mirror."""
    if mirror is not None:
        return mirror / NAME / DS.archive_name
    dest = tmp_path_factory.mktemp("upstream") / DS.archive_name
    urllib.request.urlretrieve(DS.url, dest)
    return dest


@pytest.fixture
def server(tmp_path):
    """An HTTP server on 127.0.0.1 laid out like GitHub's archive URLs; yields (base_url, archive path)."""
    root = tmp_path / "www"
    target = root / DS.owner / DS.repo / "archive" / f"{DS.commit}.tar.gz"
    target.parent.mkdir(parents=True)
    handler = functools.partial(QuietHandler, directory=str(root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", target
    finally:
        httpd.shutdown()
        httpd.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def repack(src: Path, dest: Path, change=None, drop: str | None = None) -> None:
    """Copy a .tar.gz, optionally changing one member's bytes (``change(path, data) -> data``) or dropping one."""
    with tarfile.open(src, "r:gz") as tin, tarfile.open(dest, "w:gz") as tout:
        for m in tin:
            data = tin.extractfile(m).read() if m.isfile() else None
            rel = m.name.split("/", 1)[1] if "/" in m.name else ""
            if drop and rel == drop:
                continue
            if data is not None and change:
                data = change(rel, data)
                m.size = len(data)
            tout.addfile(m, io.BytesIO(data) if data is not None else None)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_mirror_fetch_extracts_only_the_manifest_and_verifies_each_file(tmp_data, upstream_archive):
    path = ws.fetch(NAME, mirror=upstream_archive.parent.parent)
    assert path == tmp_data / "raw" / NAME
    files = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
    assert files == set(DS.manifest) | {STAMP}
    for rel, entry in DS.manifest.items():
        data = (path / rel).read_bytes()
        assert len(data) == entry.size and git_blob_sha1(data) == entry.blob_sha1
    assert is_verified(DS)
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temporary folders left


def test_a_verified_copy_is_not_fetched_again(tmp_data, upstream_archive, tmp_path):
    ws.fetch(NAME, mirror=upstream_archive.parent.parent)
    before = (tmp_data / "raw" / NAME / STAMP).stat().st_mtime_ns
    # a mirror that would fail proves nothing is read the second time
    assert ws.fetch(NAME, mirror=tmp_path / "no-such-mirror") == tmp_data / "raw" / NAME
    assert (tmp_data / "raw" / NAME / STAMP).stat().st_mtime_ns == before


def test_download_over_http_gives_the_same_files_as_the_mirror(tmp_data, upstream_archive, server, monkeypatch):
    base, target = server
    shutil.copyfile(upstream_archive, target)
    monkeypatch.delenv("WECHAT_STUDY_MIRROR", raising=False)
    path = ws.fetch(NAME, base_url=base)
    assert snapshot(path).keys() == set(DS.manifest) | {STAMP}
    for rel, entry in DS.manifest.items():
        assert git_blob_sha1((path / rel).read_bytes()) == entry.blob_sha1


def test_one_corrupt_byte_is_named_and_nothing_is_written(tmp_data, upstream_archive, server, monkeypatch):
    base, target = server

    def flip(rel, data):
        if rel != "ceninfo.csv":
            return data
        b = bytearray(data)
        b[1000] ^= 0x01
        return bytes(b)

    repack(upstream_archive, target, change=flip)
    monkeypatch.delenv("WECHAT_STUDY_MIRROR", raising=False)
    with pytest.raises(ws.FetchError) as e:
        ws.fetch(NAME, base_url=base)
    assert str(e.value).startswith(f"{NAME}: ceninfo.csv: git-blob SHA-1 ")
    assert f"differs from the manifest's {DS.manifest['ceninfo.csv'].blob_sha1}" in str(e.value)
    assert not (tmp_data / "raw" / NAME).exists()
    assert not [p for p in (tmp_data / "raw").iterdir()]


def test_a_truncated_download_leaves_the_previous_copy_as_it_was(tmp_data, upstream_archive, server, monkeypatch):
    ws.fetch(NAME, mirror=upstream_archive.parent.parent)
    before = snapshot(tmp_data / "raw" / NAME)
    base, target = server
    target.write_bytes(upstream_archive.read_bytes()[: upstream_archive.stat().st_size // 2])
    monkeypatch.delenv("WECHAT_STUDY_MIRROR", raising=False)
    with pytest.raises(ws.FetchError, match=r"is truncated or corrupt \(reading Wechatscope-65bcd53"):
        ws.fetch(NAME, base_url=base, force=True)
    assert snapshot(tmp_data / "raw" / NAME) == before
    assert sorted(p.name for p in (tmp_data / "raw").iterdir()) == [NAME]


def test_a_flipped_byte_in_the_compressed_stream_is_caught(tmp_data, upstream_archive, server, monkeypatch):
    base, target = server
    data = bytearray(upstream_archive.read_bytes())
    data[len(data) // 2] ^= 0xFF
    target.write_bytes(bytes(data))
    monkeypatch.delenv("WECHAT_STUDY_MIRROR", raising=False)
    with pytest.raises(ws.FetchError) as e:
        ws.fetch(NAME, base_url=base)
    assert "truncated or corrupt" in str(e.value) or "git-blob SHA-1" in str(e.value)
    assert not (tmp_data / "raw" / NAME).exists()


def test_a_missing_file_is_named(tmp_data, upstream_archive, server, monkeypatch):
    base, target = server
    repack(upstream_archive, target, drop="README.md")
    monkeypatch.delenv("WECHAT_STUDY_MIRROR", raising=False)
    with pytest.raises(ws.FetchError, match=r"lacks 1 file\(s\) of the manifest: README.md$"):
        ws.fetch(NAME, base_url=base)
    assert not (tmp_data / "raw" / NAME).exists()


def test_a_failed_download_names_the_url(tmp_data, server, monkeypatch):
    base, _ = server  # nothing served: 404
    monkeypatch.delenv("WECHAT_STUDY_MIRROR", raising=False)
    with pytest.raises(ws.FetchError) as e:
        ws.fetch(NAME, base_url=base)
    assert f"could not download {DS.archive_url(base)}: HTTP Error 404" in str(e.value)
    assert not (tmp_data / "raw" / NAME).exists()


def test_twitter16_has_no_mirrored_files_and_fails_cleanly(tmp_data, mirror):
    if mirror is None:
        pytest.skip("needs the mirror, which has twitter16's manifest but not its files")
    with pytest.raises(ws.FetchError) as e:
        ws.fetch("twitter16")
    assert "the mirror has no" in str(e.value)
    assert get("twitter16").url in str(e.value)
    assert not (tmp_data / "raw" / "twitter16").exists()


def test_twitter16_downloads_from_the_shared_upstream_archive(tmp_data, mirror, server, monkeypatch):
    """Twitter15 and Twitter16 live in one upstream repo; a download of it yields twitter16's files."""
    if mirror is None:
        pytest.skip("builds a stand-in upstream archive from the mirror")
    ds = get("twitter16")
    base, target = server  # the same repo and commit as twitter15, so the same URL
    assert ds.archive_url(base) == get("twitter15").archive_url(base)
    # the served archive holds only twitter15's files: the download is read, and twitter16's
    # files are looked for in it by their manifest paths
    served = target.parents[3] / ds.owner / ds.repo / "archive" / f"{ds.commit}.tar.gz"
    served.parent.mkdir(parents=True)
    shutil.copyfile(mirror / "twitter15" / ds.archive_name, served)
    monkeypatch.delenv("WECHAT_STUDY_MIRROR", raising=False)
    with pytest.raises(ws.FetchError, match=r"lacks 819 file\(s\) of the manifest: twitter16/label.txt, "):
        ws.fetch("twitter16", base_url=base)
    assert not (tmp_data / "raw" / "twitter16").exists()


def test_an_edited_raw_file_is_caught_by_fetch_and_prepare_even_with_its_size_and_mtime_kept(tmp_data, upstream_archive):
    import os
    import subprocess
    import sys

    from wechat_study.fetch import RawFileChangedError

    path = ws.fetch(NAME, mirror=upstream_archive.parent.parent)
    f = path / "ceninfo.csv"
    st = f.stat()
    data = bytearray(f.read_bytes())
    data[1000] ^= 0x01
    f.write_bytes(bytes(data))
    os.utime(f, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only the content differs
    expected = (f"{NAME}: {f} was changed after it was verified (its content no longer matches the manifest's "
                f"git-blob SHA-1 {DS.manifest['ceninfo.csv'].blob_sha1}); raw data is never edited. Restore it with "
                f"`wechat-study data fetch {NAME} --force`")
    with pytest.raises(RawFileChangedError) as e:
        ws.fetch(NAME, mirror=upstream_archive.parent.parent)
    assert str(e.value) == expected
    with pytest.raises(RawFileChangedError):
        ws.prepare(NAME, mirror=upstream_archive.parent.parent, force=True)
    assert not is_verified(DS)
    cli = subprocess.run([sys.executable, "-m", "wechat_study.cli", "data", "fetch", NAME],
                         capture_output=True, text=True, check=False, env={**os.environ, "WECHAT_STUDY_DATA": str(tmp_data)})
    assert cli.returncode == 1 and cli.stderr == f"wechat-study: error: {expected}\n"
    ws.fetch(NAME, mirror=upstream_archive.parent.parent, force=True)
    assert is_verified(DS) and git_blob_sha1(f.read_bytes()) == DS.manifest["ceninfo.csv"].blob_sha1


def test_a_copied_raw_folder_is_hashed_once_and_then_trusted(tmp_data, upstream_archive):
    import json

    path = ws.fetch(NAME, mirror=upstream_archive.parent.parent)
    moved = path.parent / "moved"
    shutil.copytree(path, moved)
    shutil.rmtree(path)
    moved.rename(path)  # new inodes and times, same content
    assert is_verified(DS)
    stamp = json.loads((path / STAMP).read_text("utf-8"))
    assert stamp["files"]["ceninfo.csv"][0] == DS.manifest["ceninfo.csv"].size
    assert stamp["files"]["ceninfo.csv"][3] == (path / "ceninfo.csv").stat().st_ino


def test_an_oversized_member_is_refused_without_reading_it_into_memory(tmp_data, upstream_archive, tmp_path):
    import tracemalloc

    big = 300 << 20  # 300 MiB of zeros: a few hundred kB compressed
    mirror = tmp_path / "mirror"
    (mirror / NAME).mkdir(parents=True)
    archive = mirror / NAME / DS.archive_name
    with tarfile.open(upstream_archive, "r:gz") as tin, tarfile.open(archive, "w:gz", compresslevel=1) as tout:
        for m in tin:
            if m.name.endswith("/ceninfo.csv"):
                m.size = big
                tout.addfile(m, io.BufferedReader(Zeros(big)))
            else:
                tout.addfile(m, tin.extractfile(m) if m.isfile() else None)
    tracemalloc.start()
    try:
        with pytest.raises(ws.FetchError) as e:
            ws.fetch(NAME, mirror=mirror)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert str(e.value) == (f"{NAME}: ceninfo.csv: {big:,} bytes in {DS.archive_name}, the manifest says "
                            f"{DS.manifest['ceninfo.csv'].size:,} (corrupt or tampered archive {archive}); fetch again")
    assert peak < 32 << 20
    assert not (tmp_data / "raw" / NAME).exists()


class Zeros(io.RawIOBase):
    """A readable stream of ``n`` zero bytes, made as read."""

    def __init__(self, n: int):
        self.left = n

    def readable(self):
        return True

    def readinto(self, b):
        k = min(len(b), self.left)
        b[:k] = bytes(k)
        self.left -= k
        return k
