"""Where raw and processed data live.

``WECHAT_STUDY_DATA`` names the data folder. Without it, a source checkout uses its own
``data/`` folder and an installed package uses ``./data`` under the working directory.
``WECHAT_STUDY_MIRROR`` names a local mirror of the upstream archives (see ``fetch``).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

__all__ = ["CHECKOUT", "data_dir", "raw_dir", "processed_dir", "mirror_dir", "PACKAGE", "source_digest"]

CHECKOUT = Path(__file__).resolve().parent.parent


def data_dir() -> Path:
    """The data folder that holds ``raw/`` and ``processed/``.

    Returns
    -------
    pathlib.Path
        ``WECHAT_STUDY_DATA`` (user folder expanded, made absolute) when it is set; else the checkout's own
        ``data/`` folder when the package runs from a source checkout that has one; else ``./data`` under the
        working directory. The folder need not exist yet.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from wechat_study import paths
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_DATA": "/tmp/my-data"}):
    ...     print(paths.data_dir())
    /tmp/my-data
    """
    env = os.environ.get("WECHAT_STUDY_DATA")
    if env:
        return Path(env).expanduser().resolve()
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "data").is_dir():
        return CHECKOUT / "data"
    return Path.cwd() / "data"


def raw_dir(name: str) -> Path:
    """``data/raw/NAME``: the verified upstream files, never modified.

    Parameters
    ----------
    name : str
        The data set's name (``"ced"``).

    Returns
    -------
    pathlib.Path
        ``data_dir() / "raw" / name`` (not created here).

    Examples
    --------
    >>> from wechat_study import paths
    >>> paths.raw_dir("ced").relative_to(paths.data_dir()).as_posix()
    'raw/ced'
    """
    return data_dir() / "raw" / name


def processed_dir(name: str) -> Path:
    """``data/processed/NAME``: the canonical Parquet tables.

    Parameters
    ----------
    name : str
        The data set's name (``"ced"``).

    Returns
    -------
    pathlib.Path
        ``data_dir() / "processed" / name`` (not created here).

    Examples
    --------
    >>> from wechat_study import paths
    >>> paths.processed_dir("ced").relative_to(paths.data_dir()).as_posix()
    'processed/ced'
    """
    return data_dir() / "processed" / name


def mirror_dir(mirror: str | os.PathLike | None = None) -> Path | None:
    """The mirror folder given, else ``WECHAT_STUDY_MIRROR``, else None (download).

    Parameters
    ----------
    mirror : str or os.PathLike, optional
        A local mirror of the upstream archives; None reads ``WECHAT_STUDY_MIRROR``.

    Returns
    -------
    pathlib.Path or None
        The folder (user folder expanded, made absolute), or None when neither is given (an empty value counts
        as not given): fetch then downloads from upstream.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from wechat_study import paths
    >>> print(paths.mirror_dir("/srv/mirror"))
    /srv/mirror
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_MIRROR": ""}):
    ...     print(paths.mirror_dir())
    None
    """
    value = mirror if mirror is not None else os.environ.get("WECHAT_STUDY_MIRROR")
    return Path(value).expanduser().resolve() if value else None


PACKAGE = Path(__file__).resolve().parent


def source_digest(files) -> str:
    """SHA-256 over package files, in the order given: each file's path (relative to the package) and bytes.

    Parameters
    ----------
    files : iterable of pathlib.Path
        Files under ``PACKAGE``; each contributes its path relative to the package (POSIX form), a NUL byte
        and its bytes. A file outside the package raises ``ValueError`` (from ``Path.relative_to``).

    Returns
    -------
    str
        The digest, 64 hex digits; the same files in the same order give the same digest.

    Examples
    --------
    >>> from wechat_study import paths
    >>> digest = paths.source_digest([paths.PACKAGE / "paths.py"])
    >>> len(digest), digest == paths.source_digest([paths.PACKAGE / "paths.py"])
    (64, True)
    """
    h = hashlib.sha256()
    for f in files:
        h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()
