"""Fetch a data set's upstream archive at its pinned commit, extract its files, verify each one.

One code path serves a download and a mirror: the archive is opened from
``https://github.com/OWNER/REPO/archive/COMMIT.tar.gz``, or from
``MIRROR/NAME/REPO-COMMIT.tar.gz`` when a mirror folder is given (``--mirror`` or
``WECHAT_STUDY_MIRROR``). Only the files in the catalog's manifest are extracted, each one
checked for its size and git-blob SHA-1 while it streams, chunk by chunk (a member larger
than the manifest says is refused as soon as it is, never read whole into memory). The new
folder is assembled under a temporary name and renamed into place only when every file has
verified, so a failure leaves ``data/raw/NAME`` exactly as it was.

The stamp ``.verified.json`` records each file's size, mtime and ctime as verified. Before a
verified copy is used, every file is checked against it; a file whose times changed is hashed
again, so an edit, even one that keeps the size, is caught (``RawFileChangedError``).
"""

from __future__ import annotations

import hashlib
import json
import os
import tarfile
import urllib.error
import urllib.request
import zlib
from pathlib import Path, PurePosixPath

from tqdm.auto import tqdm

from . import paths
from .atomic import staged_dir, temp_dir, write_text
from .datasets.catalog import GITHUB, Dataset, get
from .errors import FetchError


class RawFileChangedError(FetchError):
    """A file of a verified copy no longer has the content the manifest pins."""

STAMP = ".verified.json"
CHUNK = 1 << 20
TIMEOUT_S = 60


def _signature(f: Path) -> list[int]:
    st = f.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def hash_file(f: Path, size: int) -> str:
    """The git-blob SHA-1 of a file, read in chunks."""
    h = hashlib.sha1(b"blob %d\0" % size)
    with open(f, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def is_verified(ds: Dataset, root: Path | None = None) -> bool:
    """True when ``data/raw/NAME`` holds this manifest's files as verified (see ``check_verified``)."""
    try:
        return check_verified(ds, root)
    except RawFileChangedError:
        return False


def check_verified(ds: Dataset, root: Path | None = None) -> bool:
    """True when ``data/raw/NAME`` holds this manifest's files as verified.

    Each file is checked against the stamp by size, mtime and ctime; one that changed is
    hashed again. False when the copy is missing or incomplete (fetch it); raises
    ``RawFileChangedError`` when a file's content differs from the manifest's (someone edited it).
    """
    root = root or paths.raw_dir(ds.name)
    stamp = root / STAMP
    if not stamp.is_file():
        return False
    try:
        info = json.loads(stamp.read_text("utf-8"))
    except ValueError:
        return False
    if info.get("commit") != ds.commit or info.get("manifest_sha256") != ds.manifest_digest:
        return False
    seen = info.get("files", {})
    rehashed = {}
    for rel, entry in ds.manifest.items():
        f = root / entry.path
        if not f.is_file():
            return False
        sig = _signature(f)
        if sig[0] != entry.size or sig != seen.get(rel):
            if sig[0] == entry.size and hash_file(f, entry.size) == entry.blob_sha1:
                rehashed[rel] = sig
                continue
            raise RawFileChangedError(
                f"{ds.name}: {f} was changed after it was verified (its content no longer matches the manifest's "
                f"git-blob SHA-1 {entry.blob_sha1}); raw data is never edited. Restore it with "
                f"`wechat-study data fetch {ds.name} --force`")
    if rehashed:  # same content, new times (a copy, a touch): remember them so the next check is quick
        info["files"] = {**seen, **rehashed}
        write_text(stamp, json.dumps(info, indent=2) + "\n")
    return True


def fetch(name: str, mirror: str | os.PathLike | None = None, force: bool = False, base_url: str = GITHUB) -> Path:
    """Make ``data/raw/NAME`` a verified copy of the data set's files and return its path.

    A verified copy is kept as it is unless ``force``; a copy with an edited file raises
    ``RawFileChangedError`` unless ``force`` (which fetches it again). Without a mirror the archive is
    downloaded from ``base_url/OWNER/REPO/archive/COMMIT.tar.gz``. Raises ``FetchError``
    naming the archive or the file at fault; ``data/raw/NAME`` is then left as it was.
    """
    ds = get(name)
    target = paths.raw_dir(name)
    if not force and check_verified(ds, target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    mirror_root = paths.mirror_dir(mirror)
    with temp_dir(target.parent, name, kind="fetch") as tmp:
        if mirror_root is not None:
            archive = mirror_root / name / ds.archive_name
            if not archive.is_file():
                raise FetchError(
                    f"{name}: the mirror has no {archive}; the mirror folder must hold "
                    f"{name}/{ds.archive_name}. Without a mirror (unset WECHAT_STUDY_MIRROR, "
                    f"no --mirror) the archive is downloaded from {ds.url}"
                )
        else:
            archive = _download(ds, ds.archive_url(base_url), tmp / ds.archive_name)
        with staged_dir(target) as staging:
            _extract_verified(ds, archive, staging)
            stamp = {"dataset": name, "commit": ds.commit, "manifest_sha256": ds.manifest_digest,
                     "source": "mirror" if mirror_root else ds.archive_url(base_url),
                     "files": {rel: _signature(staging / e.path) for rel, e in ds.manifest.items()}}
            (staging / STAMP).write_text(json.dumps(stamp, indent=2) + "\n", "utf-8")
    return target


def _download(ds: Dataset, url: str, dest: Path) -> Path:
    request = urllib.request.Request(url, headers={"User-Agent": "wechat_study"})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response, open(dest, "wb") as out:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=f"download {ds.name}", disable=None) as bar:
                while chunk := response.read(CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
            if total is not None and dest.stat().st_size != total:
                raise FetchError(
                    f"{ds.name}: download of {url} stopped at {dest.stat().st_size:,} of {total:,} bytes; try again"
                )
    except (urllib.error.URLError, OSError, TimeoutError) as e:
        raise FetchError(
            f"{ds.name}: could not download {url}: {e}. Check the network, or point "
            f"WECHAT_STUDY_MIRROR (or --mirror) at a folder holding {ds.name}/{ds.archive_name}"
        ) from e
    return dest


def git_blob_sha1(data: bytes) -> str:
    """The SHA-1 git gives a file's content (``git hash-object``)."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _member_path(ds: Dataset, member_name: str) -> str | None:
    parts = PurePosixPath(member_name).parts
    if len(parts) < 2 or parts[0] != ds.top_folder:
        return None
    return "/".join(parts[1:])


def _copy_verified(ds: Dataset, rel: str, entry, stream, dest: Path, archive: Path) -> None:
    """Stream one member to ``dest`` in chunks, hashing as it goes; never more than the manifest's size."""
    h = hashlib.sha1(b"blob %d\0" % entry.size)
    got = 0
    dest.parent.mkdir(parents=True, exist_ok=True)
    with open(dest, "wb") as out:
        while chunk := stream.read(min(CHUNK, entry.size + 1 - got)):
            got += len(chunk)
            if got > entry.size:
                raise FetchError(f"{ds.name}: {rel}: more than the manifest's {entry.size:,} bytes "
                                 f"(corrupt or tampered archive {archive}); fetch again")
            h.update(chunk)
            out.write(chunk)
    if got != entry.size:
        raise FetchError(f"{ds.name}: {rel}: {got:,} bytes, the manifest says {entry.size:,} "
                         f"(truncated or corrupt archive {archive}); fetch again")
    sha = h.hexdigest()
    if sha != entry.blob_sha1:
        raise FetchError(f"{ds.name}: {rel}: git-blob SHA-1 {sha} differs from the manifest's "
                         f"{entry.blob_sha1} (corrupt archive {archive}); fetch again")


def _extract_verified(ds: Dataset, archive: Path, staging: Path) -> None:
    manifest = ds.manifest
    seen: set[str] = set()
    current = "the archive's first member"
    try:
        with tarfile.open(archive, mode="r|gz") as tf, tqdm(
            total=len(manifest), unit="file", desc=f"verify {ds.name}", disable=None
        ) as bar:
            for member in tf:
                current = member.name
                rel = _member_path(ds, member.name)
                if rel is None or rel not in manifest:
                    continue
                entry = manifest[rel]
                if not member.isfile():
                    raise FetchError(f"{ds.name}: {rel} in {archive.name} is not a regular file")
                if member.size != entry.size:
                    raise FetchError(
                        f"{ds.name}: {rel}: {member.size:,} bytes in {archive.name}, the manifest says "
                        f"{entry.size:,} (corrupt or tampered archive {archive}); fetch again"
                    )
                _copy_verified(ds, rel, entry, tf.extractfile(member), staging / rel, archive)
                seen.add(rel)
                bar.update(1)
    except (tarfile.TarError, EOFError, zlib.error, OSError) as e:
        raise FetchError(
            f"{ds.name}: archive {archive} is truncated or corrupt (reading {current}): {e}; fetch again"
        ) from e
    missing = sorted(set(manifest) - seen)
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise FetchError(
            f"{ds.name}: archive {archive} lacks {len(missing):,} file(s) of the manifest: "
            f"{', '.join(missing[:3])}{more}"
        )
