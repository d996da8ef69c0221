"""Errors that name the file, the record and the problem, and say what to do next."""

from __future__ import annotations

import errno
import os

__all__ = [
    "DISK_ERRNOS", "WechatStudyError", "DataError", "FetchError", "DiskError", "disk_error", "NotPreparedError",
    "OutputExistsError", "PseudonymKeyError", "UnknownDatasetError", "require_columns"
]

#: errno values that mean the disk refused a write: full, over quota, read-only, no permission, file too large.
DISK_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EFBIG})


class WechatStudyError(Exception):
    """Base class of every error the package raises on purpose.

    Examples
    --------
    >>> from wechat_study.errors import DataError, WechatStudyError
    >>> issubclass(DataError, WechatStudyError)
    True
    >>> try:
    ...     raise DataError("posts.csv", "no post_id column")
    ... except WechatStudyError as e:
    ...     print(e)
    posts.csv: no post_id column
    """


class DataError(WechatStudyError, ValueError):
    """Input data that cannot be read as the format promises.

    ``path`` is the file, ``record`` says which record (an index, a key or a line number),
    ``problem`` says what is wrong and ``hint`` what to do about it. It is also a ``ValueError``.

    Parameters
    ----------
    path : str or path
        The file; kept as a string.
    problem : str
        What is wrong.
    record : object, optional
        Which record: an index, a key or a line number.
    hint : str, optional
        What to do about it, shown in parentheses.

    Examples
    --------
    >>> from wechat_study.errors import DataError
    >>> e = DataError("data/raw/x.csv", "no post_id column", record=3, hint="name the column in the sidecar")
    >>> print(e)
    data/raw/x.csv: record 3: no post_id column (name the column in the sidecar)
    >>> e.record, isinstance(e, ValueError)
    (3, True)
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
    """A download, mirror archive or verification failed; ``data/raw/NAME`` was left as it was.

    It is also a ``RuntimeError``.

    Examples
    --------
    >>> from wechat_study.errors import FetchError
    >>> e = FetchError("ced: checksum mismatch")
    >>> isinstance(e, RuntimeError), str(e)
    (True, 'ced: checksum mismatch')
    """


class DiskError(WechatStudyError, OSError):
    """The disk refused a write (full, read-only, no permission); nothing was half-written.

    It is also an ``OSError``; ``disk_error`` builds one from the ``OSError`` a write raised.

    Examples
    --------
    >>> from wechat_study.errors import DiskError
    >>> isinstance(DiskError("out/x.parquet: no space left on device"), OSError)
    True
    """


def disk_error(e: OSError, path) -> DiskError | None:
    """A ``DiskError`` naming ``path`` when ``e`` is a disk problem (by errno, or by its text when a library
    such as pyarrow gives none); None for any other error.

    Parameters
    ----------
    e : OSError
        The error a write raised. It is a disk problem when its ``errno`` is in ``DISK_ERRNOS``, or when
        its message contains the system text of one of them (e.g. "No space left on device").
    path : str or path
        The file being written; named in the message unless ``e.filename`` is set.

    Returns
    -------
    DiskError or None
        The error to raise instead, with ``errno`` set to the matched code; None when ``e`` is not a
        disk problem.

    Examples
    --------
    >>> import errno
    >>> from wechat_study.errors import disk_error
    >>> err = disk_error(OSError(errno.ENOSPC, "No space left on device"), "out/x.parquet")
    >>> print(err)
    out/x.parquet: no space left on device (the disk refused). Free some space ...
    >>> err.errno == errno.ENOSPC
    True
    >>> disk_error(OSError("IOError: No space left on device"), "out/y.parquet").errno == errno.ENOSPC
    True
    >>> disk_error(OSError("Broken pipe"), "out/x.parquet") is None
    True
    """
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
    """A processed table is missing; run ``wechat-study data prepare NAME``.

    It is also a ``FileNotFoundError``.

    Examples
    --------
    >>> from wechat_study.errors import NotPreparedError
    >>> isinstance(NotPreparedError("data/processed/ced/posts.parquet is missing"), FileNotFoundError)
    True
    """


class OutputExistsError(WechatStudyError, FileExistsError):
    """An output folder holds files this command did not write; nothing was changed.

    It is also a ``FileExistsError``.

    Examples
    --------
    >>> from wechat_study.errors import OutputExistsError
    >>> isinstance(OutputExistsError("out/ holds files this command did not write"), FileExistsError)
    True
    """


class PseudonymKeyError(WechatStudyError, ValueError):
    """The pseudonym key is malformed or readable by others.

    It is also a ``ValueError``.

    Examples
    --------
    >>> from wechat_study.errors import PseudonymKeyError
    >>> isinstance(PseudonymKeyError("the pseudonym key is readable by others"), ValueError)
    True
    """


class UnknownDatasetError(WechatStudyError, KeyError):
    """A data set name that is not in the catalog.

    It is also a ``KeyError``, but prints its message as given, without the quotes ``KeyError`` adds.

    Examples
    --------
    >>> from wechat_study.errors import UnknownDatasetError
    >>> e = UnknownDatasetError("no data set 'cde' in the catalog")
    >>> isinstance(e, KeyError), str(e)
    (True, "no data set 'cde' in the catalog")
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


def require_columns(table, needed, who: str, hint: str = "") -> None:
    """A ``ValueError`` naming what ``table`` (a frame, a row or a dict) lacks of ``needed``, else nothing.

    Parameters
    ----------
    table : pandas.DataFrame, pandas.Series or mapping
        What is checked: a frame's columns, a row's index, a mapping's keys.
    needed : iterable of str
        The names it must hold.
    who : str
        The function, for the message ("headlines.monthly").
    hint : str
        What to do, appended after a semicolon (e.g. which function gives such a table).

    Raises
    ------
    ValueError
        "who: the table has no column a, b; hint" when some are missing.

    Examples
    --------
    >>> from wechat_study.errors import require_columns
    >>> require_columns({"a": 1}, ["a"], "mine")
    >>> require_columns({"a": 1}, ["a", "b"], "mine", "give b too")
    Traceback (most recent call last):
    ...
    ValueError: mine: the table has no column b; give b too
    """
    keys = table.index if hasattr(table, "index") and not hasattr(table, "columns") else table
    missing = [c for c in dict.fromkeys(needed) if c not in keys]
    if missing:
        raise ValueError(f"{who}: the table has no column {', '.join(missing)}" + (f"; {hint}" if hint else ""))
