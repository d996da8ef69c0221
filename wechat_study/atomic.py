"""Atomic writes: build under a temporary name in the same folder, then rename into place.

Temporary names are ``.NAME.tmp-XXXX`` (and ``.NAME.fetch-XXXX`` for downloads) beside the
target ``NAME``. A process holds an exclusive ``flock`` on each of its temporaries while it
works; one left behind by a killed run has no live holder, and the next write of the same
target removes it. Nothing else in the folder is touched.

Output folders a command writes for a user (``staged_dir(target, owner=...)``) carry a marker
file, ``.wechat_study-output.json``, naming the command and the files it wrote. Such a folder
is written only if it is new, empty, or marked by the same command and holding nothing but
the files the marker lists; anything else is refused with ``OutputExistsError`` and left as it was.
"""

from __future__ import annotations

import fcntl
import glob
import json
import os
import re
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputExistsError, disk_error

__all__ = ["MARKER", "KINDS", "sweep", "temp_dir", "check_output", "staged_dir", "write_bytes", "write_text"]

MARKER = ".wechat_study-output.json"
KINDS = ("tmp", "fetch")
_LOCK = ".lock"
_GRACE_S = 60  # a temporary folder without its lock file yet may be brand new


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


def sweep(parent: Path, name: str) -> list[Path]:
    """Remove ``.NAME.tmp-*`` / ``.NAME.fetch-*`` left in ``parent`` by runs that died; return what went.

    A temporary counts as left behind when no process holds its lock (a file temporary is its own lock,
    a folder's is its ``.lock`` file); a folder without a lock file is removed only once it is over a
    minute old. Only names of the shape ``mkstemp``/``mkdtemp`` give (8 characters after the dash) are
    considered, and symlinks never.

    Parameters
    ----------
    parent : pathlib.Path
        The folder to look in; a missing folder gives an empty list.
    name : str
        The target's file or folder name, ``NAME`` above.

    Returns
    -------
    list of pathlib.Path
        The temporaries removed.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.atomic import sweep
    >>> with tempfile.TemporaryDirectory() as d:
    ...     _ = (Path(d) / ".posts.csv.tmp-abcd1234").write_text("half written")
    ...     _ = (Path(d) / "posts.csv").write_text("kept")
    ...     print([p.name for p in sweep(Path(d), "posts.csv")], sorted(p.name for p in Path(d).iterdir()))
    ['.posts.csv.tmp-abcd1234'] ['posts.csv']
    """
    gone = []
    if not parent.is_dir():
        return gone
    ours = re.compile(rf"\.{re.escape(name)}\.({'|'.join(KINDS)})-[a-z0-9_]{{8}}")  # mkdtemp/mkstemp names only
    for kind in KINDS:
        for p in parent.glob(f".{glob.escape(name)}.{kind}-*"):
            if p.is_symlink() or not ours.fullmatch(p.name):
                continue
            lock = p / _LOCK if p.is_dir() else p
            try:
                fd = os.open(lock, os.O_RDONLY)
            except FileNotFoundError:
                if p.is_dir() and time.time() - p.stat().st_mtime > _GRACE_S:
                    shutil.rmtree(p, ignore_errors=True)
                    gone.append(p)
                continue
            except OSError:
                continue
            try:
                if _try_lock(fd):
                    if p.is_dir():
                        shutil.rmtree(p, ignore_errors=True)
                    else:
                        p.unlink(missing_ok=True)
                    gone.append(p)
            finally:
                os.close(fd)
    return gone


@contextmanager
def temp_dir(parent: Path, name: str, kind: str = "tmp"):
    """A new locked folder ``parent/.NAME.KIND-XXXX``, removed on exit; stale ones of ``name`` are swept first.

    Parameters
    ----------
    parent : pathlib.Path
        Where the folder is made (created if missing); the same folder as the target, so a rename
        into place is atomic.
    name : str
        The target's name.
    kind : str
        ``"tmp"`` or ``"fetch"`` (see ``KINDS``).

    Yields
    ------
    pathlib.Path
        The folder, holding only its ``.lock`` file, locked by this process until exit.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.atomic import temp_dir
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with temp_dir(Path(d), "report") as tmp:
    ...         print(tmp.name.startswith(".report.tmp-"), [p.name for p in tmp.iterdir()])
    ...     print(list(Path(d).iterdir()))
    True ['.lock']
    []
    """
    parent = Path(parent)
    parent.mkdir(parents=True, exist_ok=True)
    sweep(parent, name)
    path = Path(tempfile.mkdtemp(prefix=f".{name}.{kind}-", dir=parent))
    fd = os.open(path / _LOCK, os.O_CREAT | os.O_RDWR, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)
        os.close(fd)


def check_output(target: Path, owner: str) -> None:
    """Refuse (``OutputExistsError``) unless ``target`` is absent, empty, or ``owner``'s own output.

    ``owner``'s own output is a folder whose marker file (``MARKER``) names ``owner`` and which holds
    nothing but the files the marker lists.

    Parameters
    ----------
    target : pathlib.Path
        The output folder a command means to write.
    owner : str
        The command's name, as written in the marker (e.g. ``"wechat-study report"``).

    Raises
    ------
    OutputExistsError
        ``target`` cannot be made because a path above it is a file; ``target`` exists and is not a folder
        (or is a symlink); it is not empty and its marker is missing, unreadable or names another command;
        or it holds files its marker does not list.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.atomic import check_output
    >>> with tempfile.TemporaryDirectory() as d:
    ...     check_output(Path(d) / "new", "wechat-study report")
    ...     _ = (Path(d) / "notes.txt").write_text("mine")
    ...     check_output(Path(d), "wechat-study report")
    Traceback (most recent call last):
    ...
    wechat_study.errors.OutputExistsError: ...: the folder is not empty and was not written by wechat-study report ...
    """
    if not target.exists() and not target.is_symlink():
        above = next((p for p in target.parents if p.exists()), None)
        if above is not None and not above.is_dir():
            raise OutputExistsError(f"{target}: cannot be made, {above} is a file and not a folder; give another "
                                    "folder for the output (nothing was changed)")
        return
    if not target.is_dir() or target.is_symlink():
        raise OutputExistsError(f"{target}: exists and is not a folder; give a new folder for the output "
                                "(nothing was changed)")
    present = sorted(p.relative_to(target).as_posix() for p in target.rglob("*") if not p.is_dir())
    if not present and not any(target.iterdir()):
        return
    try:
        marker = json.loads((target / MARKER).read_text("utf-8"))
    except (OSError, ValueError):
        marker = None
    if not isinstance(marker, dict) or marker.get("written_by") != owner:
        raise OutputExistsError(f"{target}: the folder is not empty and was not written by {owner} (it holds "
                                f"{_some(present or [p.name for p in target.iterdir()])}); give a new or empty "
                                "folder (nothing was changed)")
    listed = set(marker.get("files", [])) | {MARKER}
    extra = [p for p in present if p not in listed]
    if extra:
        raise OutputExistsError(f"{target}: holds files {owner} did not write ({_some(extra)}); move them away "
                                "or give another folder (nothing was changed)")


def _some(names: list[str]) -> str:
    more = f" and {len(names) - 3:,} more" if len(names) > 3 else ""
    return ", ".join(names[:3]) + more


@contextmanager
def staged_dir(target: Path, owner: str | None = None):
    """Yield an empty folder; on success it replaces ``target`` whole, on error it vanishes.

    The old ``target`` stays in place until the new one is complete. With ``owner`` (the
    command's name), ``target`` must pass ``check_output`` first and gets a marker file. The
    staging folder's parent is scratch space of the same run, removed with it.

    Parameters
    ----------
    target : pathlib.Path
        The folder to write (replaced whole).
    owner : str, optional
        The command's name. With it, ``target`` is checked before and again after writing, and the
        marker file listing the files written is added.

    Yields
    ------
    pathlib.Path
        An empty staging folder to write into.

    Raises
    ------
    OutputExistsError
        With ``owner``, ``target`` fails ``check_output`` (before or after writing).
    DiskError
        The disk refused a write (full, read-only, no permission).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.atomic import staged_dir
    >>> with tempfile.TemporaryDirectory() as d:
    ...     with staged_dir(Path(d) / "report", owner="wechat-study report") as out:
    ...         _ = (out / "index.html").write_text("<p>done</p>")
    ...     print(sorted(p.name for p in (Path(d) / "report").iterdir()))
    ['.wechat_study-output.json', 'index.html']
    """
    target = Path(target)
    if owner is not None:
        check_output(target, owner)
    with _disk(target), temp_dir(target.parent, target.name) as tmp:
        staging = tmp / "new"
        staging.mkdir()
        yield staging
        if owner is not None:
            files = sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if not p.is_dir())
            (staging / MARKER).write_text(json.dumps({"written_by": owner, "files": files}, indent=1) + "\n",
                                          "utf-8")
            check_output(target, owner)  # again: someone may have written there meanwhile
        old = tmp / "old"
        if target.exists():
            os.replace(target, old)
        try:
            os.replace(staging, target)
        except OSError:
            if old.exists():
                os.replace(old, target)
            raise


@contextmanager
def _disk(target: Path):
    """Turn a disk's refusal to write (full, read-only) into a one-line ``DiskError`` naming ``target``."""
    try:
        yield
    except OSError as e:
        err = disk_error(e, target)
        if err is None:
            raise
        raise err from e


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically.

    The bytes go to a locked temporary beside ``path`` that is renamed into place, so a reader sees the
    old file or the new, never a part. Missing parent folders are created; the file gets the usual
    permissions (0o666 less the umask).

    Parameters
    ----------
    path : pathlib.Path
        The file to write or replace.
    data : bytes
        Its new content.

    Raises
    ------
    DiskError
        The disk refused the write (full, read-only, no permission); ``path`` was left as it was.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.atomic import write_bytes
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_bytes(Path(d) / "sub" / "blob.bin", b"PAR1")
    ...     print((Path(d) / "sub" / "blob.bin").read_bytes())
    b'PAR1'
    """
    with _disk(path):
        _write_bytes(Path(path), data)


def _write_bytes(path: Path, data: bytes) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    sweep(path.parent, path.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.chmod(tmp, 0o666 & ~_umask())
            os.replace(tmp, path)  # while still locked, so no sweep takes it for a dead run's
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically (see ``write_bytes``).

    Parameters
    ----------
    path : pathlib.Path
        The file to write or replace.
    text : str
        Its new content, encoded as UTF-8.

    Raises
    ------
    DiskError
        The disk refused the write; ``path`` was left as it was.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.atomic import write_text
    >>> with tempfile.TemporaryDirectory() as d:
    ...     write_text(Path(d) / "note.txt", "转发 100")
    ...     print(sorted(p.name for p in Path(d).iterdir()), (Path(d) / "note.txt").read_text("utf-8"))
    ['note.txt'] 转发 100
    """
    write_bytes(path, text.encode("utf-8"))
