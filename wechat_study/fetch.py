"""Fetch a data set's upstream archive at its pinned commit, extract its files, verify each one.

One code path serves a download and a mirror: the archive is opened from
``https://github.com/OWNER/REPO/archive/COMMIT.tar.gz``, or from
``MIRROR/NAME/REPO-COMMIT.tar.gz`` when a mirror folder is given (``--mirror`` or
``WECHAT_STUDY_MIRROR``). Only the files in the catalog's manifest are extracted, each one
checked for its size and git-blob SHA-1 while it streams, chunk by chunk (a member larger
than the manifest says is refused as soon as it is, never read whole into memory). The new
folder is assembled under a temporary name and renamed into place only when every file has
verified, so a failure leaves ``data/raw/NAME`` exactly as it was. A manifest path whose uid
was replaced by a digest (``Dataset.committed_path``) is matched by computing the same digest of
each member's path; the file keeps its upstream name on disk, and the stamp records which
upstream name each such manifest path was found under.

The stamp ``.verified.json`` records each file's size, mtime and ctime as verified. Before a
verified copy is used, every file is checked against it; a file whose times changed is hashed
again, so an edit, even one that keeps the size, is caught (``RawFileChangedError``); so is a file the
manifest does not list (the loaders read their folders whole, so it would be read as data).
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

from tqdm import tqdm  # a text bar: tqdm.auto would need ipywidgets in JupyterLab

from . import paths
from .atomic import staged_dir, temp_dir, write_text
from .datasets.catalog import GITHUB, Dataset, get
from .errors import FetchError, disk_error

__all__ = [
    "RawFileChangedError", "STAMP", "CHUNK", "TIMEOUT_S", "MAX_HEADER", "MAX_HEADERS", "MAX_UNLISTED_MEMBER",
    "MAX_UNLISTED_BYTES", "MAX_MEMBERS", "hash_file", "is_verified", "check_verified", "fetch", "git_blob_sha1"
]


class RawFileChangedError(FetchError):
    """A file of a verified copy no longer has the content the manifest pins.

    Raised by ``check_verified`` (and so by ``fetch`` without ``force``) when a file of ``data/raw/NAME`` was
    edited after it was verified, or when the folder holds a file the manifest does not list. It is a
    ``FetchError``, so ``except FetchError`` catches it too.

    Examples
    --------
    >>> from wechat_study.errors import FetchError
    >>> from wechat_study.fetch import RawFileChangedError
    >>> issubclass(RawFileChangedError, FetchError)
    True
    >>> try:
    ...     raise RawFileChangedError("mine: data/raw/mine/posts.csv was changed after it was verified")
    ... except FetchError as e:
    ...     print(type(e).__name__)
    RawFileChangedError
    """

STAMP = ".verified.json"
CHUNK = 1 << 20
TIMEOUT_S = 60
MAX_HEADER = 1 << 20  # a pax or GNU long-name header; real ones hold a few names and times
MAX_HEADERS = 16 << 20  # all of an archive's extended headers: tarfile keeps their names and pax keys
MAX_UNLISTED_MEMBER = 100 << 20  # GitHub refuses files over 100 MiB, so an upstream archive has none
MAX_UNLISTED_BYTES = 2 << 30
MAX_MEMBERS = 200_000
_EXTENDED = (tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.SOLARIS_XHDTYPE,
             tarfile.GNUTYPE_LONGNAME, tarfile.GNUTYPE_LONGLINK)


class _OversizedHeader(tarfile.TarError):
    pass


class _BoundedTarInfo(tarfile.TarInfo):
    """A tar header whose extended data (pax, GNU long name) is refused past ``MAX_HEADER`` bytes, unread.

    ``tarfile`` reads such data whole into memory, so an archive could otherwise ask for gigabytes.
    """

    def _proc_member(self, tf):
        if self.type in _EXTENDED:
            if self.size > MAX_HEADER:
                raise _OversizedHeader(f"an extended header of {self.size:,} bytes (at most {MAX_HEADER:,} are read)")
            tf.ws_header_bytes = getattr(tf, "ws_header_bytes", 0) + self.size
            if tf.ws_header_bytes > MAX_HEADERS:
                raise _OversizedHeader(f"more than {MAX_HEADERS:,} bytes of extended headers")
        return super()._proc_member(tf)


def _signature(f: Path) -> list[int]:
    st = f.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def hash_file(f: Path, size: int) -> str:
    """The git-blob SHA-1 of a file, read in chunks (``CHUNK`` bytes at a time).

    Parameters
    ----------
    f : pathlib.Path
        The file.
    size : int
        Its size in bytes, as the manifest gives it. It goes into the blob header as given (the file is not
        measured), so a wrong size gives a different digest, never a match.

    Returns
    -------
    str
        The 40 hex digits ``git hash-object`` gives the file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.fetch import hash_file
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     f = Path(tmp) / "README.md"
    ...     _ = f.write_bytes(b"hello\\n")
    ...     hash_file(f, 6)
    'ce013625030ba8dba906f756967f9e9ca394464a'
    """
    h = hashlib.sha1(b"blob %d\0" % size)
    with open(f, "rb") as fh:
        while chunk := fh.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


def is_verified(ds: Dataset, root: Path | None = None) -> bool:
    """True when ``data/raw/NAME`` holds this manifest's files as verified (see ``check_verified``).

    Unlike ``check_verified``, an edited or added file reads as False instead of raising
    ``RawFileChangedError``.

    Parameters
    ----------
    ds : Dataset
        The catalogued data set (``datasets.catalog.get``).
    root : pathlib.Path, optional
        The folder to check (default: ``data/raw/NAME``).

    Returns
    -------
    bool
        True for a complete, unchanged, verified copy; False otherwise.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets.catalog import get
    >>> from wechat_study.fetch import is_verified
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     is_verified(get("wechatscope"), Path(tmp))
    False
    """
    try:
        return check_verified(ds, root)
    except RawFileChangedError:
        return False


def check_verified(ds: Dataset, root: Path | None = None) -> bool:
    """True when ``data/raw/NAME`` holds this manifest's files as verified.

    Each file is checked against the stamp by size, mtime and ctime; one that changed is
    hashed again. False when the copy is missing or incomplete (fetch it); raises
    ``RawFileChangedError`` when a file's content differs from the manifest's (someone edited it).
    A file hashed again that still matches has its new size and times written to the stamp, so the
    next check is quick.

    Parameters
    ----------
    ds : Dataset
        The catalogued data set (``datasets.catalog.get``).
    root : pathlib.Path, optional
        The folder to check (default: ``data/raw/NAME``).

    Returns
    -------
    bool
        True when every manifest file is there with its pinned content; False when the stamp
        ``.verified.json`` is missing or unreadable, was written for another commit or manifest, or a
        manifest file is missing.

    Raises
    ------
    RawFileChangedError
        A manifest file's size or git-blob SHA-1 no longer matches the manifest, or the folder holds a file or
        folder the manifest does not list.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets.catalog import get
    >>> from wechat_study.fetch import check_verified
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     check_verified(get("wechatscope"), Path(tmp))   # no stamp: never fetched here
    False
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
    on_disk = info.get("paths", {})
    rehashed = {}
    for rel, entry in ds.manifest.items():
        upstream = on_disk.get(rel, rel)
        if ds.committed_path(upstream) != rel:
            return False
        f = root / upstream
        if not f.is_file():
            return False
        sig = _signature(f)
        if sig[0] != entry.size or sig != seen.get(rel):
            if sig[0] == entry.size and hash_file(f, entry.size) == entry.blob_sha1:
                rehashed[rel] = sig
                continue
            raise RawFileChangedError(
                f"{ds.name}: {root / rel} was changed after it was verified (its content no longer matches the "
                f"manifest's git-blob SHA-1 {entry.blob_sha1}); raw data is never edited. Restore it with "
                f"`wechat-study data fetch {ds.name} --force`")
    _refuse_unlisted(ds, root, {on_disk.get(rel, rel) for rel in ds.manifest})
    if rehashed:  # same content, new times (a copy, a touch): remember them so the next check is quick
        info["files"] = {**seen, **rehashed}
        write_text(stamp, json.dumps(info, indent=2) + "\n")
    return True


def _refuse_unlisted(ds: Dataset, root: Path, listed: set[str]) -> None:
    """Raise ``RawFileChangedError`` naming the files under ``root`` the manifest does not list (a loader
    reads its folders whole, so an added file would be read as data)."""
    folders = {str(PurePosixPath(r).parent) for r in listed}
    folders |= {str(p) for r in folders for p in PurePosixPath(r).parents}
    extra = sorted(ds.committed_path(rel) or rel for f in root.rglob("*")
                   if (rel := f.relative_to(root).as_posix()) != STAMP and rel not in listed
                   and (f.is_symlink() or not f.is_dir() or rel not in folders))
    if extra:
        more = f" and {len(extra) - 3} more" if len(extra) > 3 else ""
        raise RawFileChangedError(
            f"{ds.name}: {root} holds {len(extra):,} file(s) or folder(s) the manifest does not list: "
            f"{', '.join(repr(e)[1:-1] for e in extra[:3])}{more}; raw data is fetched, never added to. "
            f"Move them elsewhere, or run `wechat-study data fetch {ds.name} --force` for a clean copy")


def fetch(name: str, mirror: str | os.PathLike | None = None, force: bool = False, base_url: str = GITHUB) -> Path:
    """Make ``data/raw/NAME`` a verified copy of the data set's files and return its path.

    Parameters
    ----------
    name : str
        A catalogued data set.
    mirror : path, optional
        A folder laid out as ``MIRROR/NAME/REPO-COMMIT.tar.gz`` that stands in for the download
        (default: ``WECHAT_STUDY_MIRROR``).
    force : bool
        Fetch again even when a verified copy exists (also the way past ``RawFileChangedError``).
    base_url : str
        Where archives are downloaded from without a mirror: ``base_url/OWNER/REPO/archive/COMMIT.tar.gz``.

    Returns
    -------
    pathlib.Path
        ``data/raw/NAME``, holding exactly the manifest's files.

    Raises
    ------
    FetchError
        Naming the archive or the file at fault; ``data/raw/NAME`` is then left as it was.
    RawFileChangedError
        A file of a verified copy was edited since (unless ``force``).

    Examples
    --------
    >>> import wechat_study as ws
    >>> ws.fetch("wbmsf")                          # doctest: +SKIP
    PosixPath('.../data/raw/wbmsf')
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
            on_disk = _extract_verified(ds, archive, staging)
            stamp = {"dataset": name, "commit": ds.commit, "manifest_sha256": ds.manifest_digest,
                     "source": "mirror" if mirror_root else ds.archive_url(base_url),
                     "files": {rel: _signature(staging / on_disk[rel]) for rel in ds.manifest},
                     "paths": {rel: up for rel, up in on_disk.items() if up != rel}}
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
        if isinstance(e, OSError) and (disk := disk_error(e, dest)) is not None:
            raise disk from e
        raise FetchError(
            f"{ds.name}: could not download {url}: {e}. Check the network, or point "
            f"WECHAT_STUDY_MIRROR (or --mirror) at a folder holding {ds.name}/{ds.archive_name}"
        ) from e
    return dest


def git_blob_sha1(data: bytes) -> str:
    """The SHA-1 git gives a file's content (``git hash-object``).

    Parameters
    ----------
    data : bytes
        The file's content.

    Returns
    -------
    str
        40 hex digits: the SHA-1 of ``b"blob <len>\\0"`` followed by ``data``.

    Examples
    --------
    >>> from wechat_study.fetch import git_blob_sha1
    >>> git_blob_sha1(b"hello\\n")
    'ce013625030ba8dba906f756967f9e9ca394464a'
    >>> git_blob_sha1(b"")
    'e69de29bb2d1d6434b8b29ae775ad8c2e48c5391'
    """
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


def _corrupt(ds: Dataset, archive: Path, current: str, e) -> FetchError:
    upstream = _member_path(ds, current)
    if upstream is not None:  # name a uid-named file by its committed (digested) path
        current = f"{ds.top_folder}/{ds.committed_path(upstream)}"
    return FetchError(f"{ds.name}: archive {archive} is truncated or corrupt (reading {current}): {e}; fetch again")


class _Unlisted:
    """Counts what an archive holds beyond the manifest, and refuses more than an upstream archive can hold."""

    def __init__(self, ds: Dataset, archive: Path):
        self.ds, self.archive, self.members, self.bytes = ds, archive, 0, 0

    def skip(self, member: tarfile.TarInfo) -> None:
        self.members += 1
        self.bytes += member.size + tarfile.BLOCKSIZE
        if member.size > MAX_UNLISTED_MEMBER:
            why = f"{member.name} is {member.size:,} bytes, more than GitHub lets a file be ({MAX_UNLISTED_MEMBER:,})"
        elif self.bytes > MAX_UNLISTED_BYTES:
            why = f"more than {MAX_UNLISTED_BYTES:,} bytes"
        elif self.members > MAX_MEMBERS:
            why = f"more than {MAX_MEMBERS:,} members"
        else:
            return
        raise FetchError(f"{self.ds.name}: archive {self.archive} is not the pinned upstream archive: outside the "
                         f"manifest it holds {why}. Nothing was extracted; check the mirror folder, or fetch again")


def _extract_verified(ds: Dataset, archive: Path, staging: Path) -> dict[str, str]:
    """Extract and verify the manifest's files into ``staging``; return manifest path → upstream path.

    A member is looked up by its committed name (``Dataset.committed_path``) and written under its upstream
    name. Members the manifest does not list are skipped; so is a second member with an already extracted
    committed name (a duplicate, or a digest collision: whichever comes first is checked, strictly).
    """
    manifest = ds.manifest
    seen: dict[str, str] = {}
    current = "the archive's first member"
    budget = _Unlisted(ds, archive)
    try:
        with tarfile.open(archive, mode="r|gz", tarinfo=_BoundedTarInfo) as tf, tqdm(
            total=len(manifest), unit="file", desc=f"verify {ds.name}", disable=None
        ) as bar:
            for member in tf:
                current = member.name
                upstream = _member_path(ds, member.name)
                rel = None if upstream is None else ds.committed_path(upstream)
                if rel is None or rel not in manifest or rel in seen:
                    budget.skip(member)
                    continue
                entry = manifest[rel]
                if not member.isfile():
                    raise FetchError(f"{ds.name}: {rel} in {archive.name} is not a regular file")
                if member.size != entry.size:
                    raise FetchError(
                        f"{ds.name}: {rel}: {member.size:,} bytes in {archive.name}, the manifest says "
                        f"{entry.size:,} (corrupt or tampered archive {archive}); fetch again"
                    )
                _copy_verified(ds, rel, entry, tf.extractfile(member), staging / upstream, archive)
                seen[rel] = upstream
                bar.update(1)
                if len(seen) == len(manifest):
                    break
    except OSError as e:
        if (disk := disk_error(e, staging)) is not None:
            raise disk from e
        raise _corrupt(ds, archive, current, e) from e
    except (tarfile.TarError, EOFError, zlib.error) as e:
        raise _corrupt(ds, archive, current, e) from e
    except RecursionError as e:  # tarfile reads chained extended headers recursively
        raise _corrupt(ds, archive, current, "extended headers chained too deep") from e
    missing = sorted(set(manifest) - set(seen))
    if missing:
        more = f" and {len(missing) - 3} more" if len(missing) > 3 else ""
        raise FetchError(
            f"{ds.name}: archive {archive} lacks {len(missing):,} file(s) of the manifest: "
            f"{', '.join(missing[:3])}{more}"
        )
    return seen
