"""Errors that name the file, the record and the problem, and say what to do next."""

from __future__ import annotations


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
