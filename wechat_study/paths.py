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
    """The data folder that holds ``raw/`` and ``processed/``."""
    env = os.environ.get("WECHAT_STUDY_DATA")
    if env:
        return Path(env).expanduser().resolve()
    if (CHECKOUT / "pyproject.toml").is_file() and (CHECKOUT / "data").is_dir():
        return CHECKOUT / "data"
    return Path.cwd() / "data"


def raw_dir(name: str) -> Path:
    """``data/raw/NAME``: the verified upstream files, never modified."""
    return data_dir() / "raw" / name


def processed_dir(name: str) -> Path:
    """``data/processed/NAME``: the canonical Parquet tables."""
    return data_dir() / "processed" / name


def mirror_dir(mirror: str | os.PathLike | None = None) -> Path | None:
    """The mirror folder given, else ``WECHAT_STUDY_MIRROR``, else None (download)."""
    value = mirror if mirror is not None else os.environ.get("WECHAT_STUDY_MIRROR")
    return Path(value).expanduser().resolve() if value else None


PACKAGE = Path(__file__).resolve().parent


def source_digest(files) -> str:
    """SHA-256 over package files, in the order given: each file's path (relative to the package) and bytes."""
    h = hashlib.sha256()
    for f in files:
        h.update(f.relative_to(PACKAGE).as_posix().encode() + b"\0" + f.read_bytes())
    return h.hexdigest()
