"""Errors that name the file, the record and the problem, and say what to do next."""

from __future__ import annotations

import errno
import os

__all__ = [
    "DISK_ERRNOS", "WechatStudyError", "DataError", "FetchError", "DiskError", "disk_error", "NotPreparedError",
    "OutputExistsError", "PseudonymKeyError", "UnknownDatasetError"
]

#: errno values that mean the disk refused a write: full, over quota, read-only, no permission, file too large.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG})


class WechatStudyError(Exception):
    """Base class of every error the package raises on purpose."""


class DataError(WechatStudyError, ValueError):
    """Input data that cannot be read as the format promises.

    ``path`` is the file, ``record`` says which record (an index, a key or a line number),
    ``problem`` says what is wrong and ``hint`` what to do about it.
    """

    def __init__(self, path, problem: str, record=None, hint: str | None = None):
        self.path = str(path)
        self.record = record
        self.problem = problem
        self.hint = hint
        where = self.path if record is None else f"{self.path}: record {record}"
        message = f"{where}: {problem}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)

    def __reduce__(self):  # so that an error raised in a worker process reaches the parent intact
        return type(self), (self.path, self.problem, self.record, self.hint)


class FetchError(WechatStudyError, RuntimeError):
    """A download, mirror archive or verification failed; ``data/raw/NAME`` was left as it was."""


class DiskError(WechatStudyError, OSError):
    """The disk refused a write (full, read-only, no permission); nothing was half-written."""


def disk_error(e: OSError, path) -> DiskError | None:
    """A ``DiskError`` naming ``path`` when ``e`` is a disk problem (by errno, or by its text when a library
    such as pyarrow gives none); None for any other error."""
    code = e.errno if e.errno in DISK_ERRNOS else next(
        (c for c in sorted(DISK_ERRNOS) if os.strerror(c).lower() in str(e).lower()), None)
    if code is None:
        return None
    where = getattr(e, "filename", None) or path
    err = DiskError(f"{where}: {os.strerror(code).lower()} (the disk refused). Free some space or make the folder "
                    "writable, or point WECHAT_STUDY_DATA (or --out) at another folder; nothing was half-written")
    err.errno = code
    return err


class NotPreparedError(WechatStudyError, FileNotFoundError):
    """A processed table is missing; run ``wechat-study data prepare NAME``."""


class OutputExistsError(WechatStudyError, FileExistsError):
    """An output folder holds files this command did not write; nothing was changed."""


class PseudonymKeyError(WechatStudyError, ValueError):
    """The pseudonym key is malformed or readable by others."""


class UnknownDatasetError(WechatStudyError, KeyError):
    """A data set name that is not in the catalog."""

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""
