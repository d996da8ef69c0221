"""Pseudonyms for user ids, keyed by a per-installation secret (docs/methods.md#13-pseudonyms-and-privacy).

A pseudonym is a prefix (``u`` for users, ``a`` for accounts) and 16 hex digits: the 64-bit
SipHash-2-4 of the raw id's UTF-8 text under a 128-bit secret key. The key comes from
``WECHAT_STUDY_PSEUDONYM_KEY`` (32 hex digits) or else from ``DATA/pseudonym.key``, which is
made on first use with 128 random bits, readable by its owner only (mode 0600) and ignored
by git. No key is ever committed: without the key, hashing a list of candidate raw ids gives
nothing to compare with the tables. The same raw id gives the same pseudonym on every run of
one installation and in every data set, so tables can be joined on it; another installation
(or a new key) gives other pseudonyms, so prepared tables record the key's ``fingerprint``
and are rebuilt when it changes. Nothing committed may depend on a pseudonym's value.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path

import numpy as np

from .errors import PseudonymKeyError

ENV = "WECHAT_STUDY_PSEUDONYM_KEY"
KEY_FILE = "pseudonym.key"
_HEX32 = re.compile(r"[0-9a-f]{32}")


#: Fields that hold raw user ids or screen names: an error message names the field, never the value.
USER_FIELDS = frozenset({"uid", "user_id", "origin_uid", "cuid", "puid", "nickname", "user"})


def shown(field: str, value) -> str:
    """``value`` as an error message may print it: its repr, or for a user-id field only its type."""
    if field not in USER_FIELDS:
        return repr(value)
    kind = type(value).__name__
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} (a user id: not shown)"


def key_path() -> Path:
    """``DATA/pseudonym.key``: the installation's secret key (git-ignored, mode 0600)."""
    from . import paths

    return paths.data_dir() / KEY_FILE


def key() -> bytes:
    """The 16-byte secret key: from ``WECHAT_STUDY_PSEUDONYM_KEY``, else the key file (made on first use)."""
    env = os.environ.get(ENV)
    if env is not None:
        text = env.strip().lower()
        if not _HEX32.fullmatch(text):
            raise PseudonymKeyError(
                f"{ENV} must be 32 hex digits (a 128-bit key); make one with "
                "python -c 'import secrets; print(secrets.token_hex(16))'"
            )
        return bytes.fromhex(text)
    path = key_path()
    if not path.exists():
        _create(path)
    return _read(path)


def _create(path: Path) -> None:
    """Write a new random key to ``path`` (mode 0600); if another process got there first, keep theirs."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.tmp-", dir=path.parent)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (secrets.token_hex(16) + "\n").encode())
        os.fsync(fd)
        os.close(fd)
        try:
            os.link(tmp, path)  # fails if the file exists: never replaces a key
        except FileExistsError:
            pass
    finally:
        Path(tmp).unlink(missing_ok=True)


def _read(path: Path) -> bytes:
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise PseudonymKeyError(
            f"{path}: the pseudonym key is readable by others (mode {mode:o}); run chmod 600 {path}"
        )
    text = path.read_text("ascii", errors="replace").strip()
    if not _HEX32.fullmatch(text):
        raise PseudonymKeyError(
            f"{path}: not a pseudonym key (32 hex digits); restore it from your backup, or delete it to "
            "make a new one (every prepared table is then rebuilt with new pseudonyms)"
        )
    return bytes.fromhex(text)


def fingerprint() -> str:
    """A short public fingerprint of the key (SHA-256 of a label and the key, 16 hex digits): it tells keys
    apart without revealing them."""
    return hashlib.sha256(b"wechat_study pseudonym key\0" + key()).hexdigest()[:16]


def _hash(texts: list[str]) -> np.ndarray:
    """SipHash-2-4 of each text's UTF-8 bytes under the 128-bit key."""
    data = np.empty(len(texts), dtype=object)
    data[:] = [t.encode("utf-8") for t in texts]
    return _hash_bytes(data)


def _hash_bytes(data: np.ndarray) -> np.ndarray:
    """SipHash-2-4 of each ``bytes`` object of ``data`` (an object array) under the 128-bit key."""
    import pandas as pd

    if not len(data):
        return np.array([], np.uint64)
    # bytes are hashed as they are; latin-1 carries all 16 key bytes through pandas' str key
    return pd.util.hash_array(data, hash_key=key().decode("latin-1"), encoding="latin-1", categorize=False)


_HEX = np.frombuffer(b"0123456789abcdef", np.uint8)
_NIBBLES = np.arange(60, -1, -4, dtype=np.uint64)


def _names(hashes: np.ndarray, prefix: str):
    """``prefix`` and the 16 lowercase hex digits of each 64-bit hash, as an arrow string array (built in numpy)."""
    import pyarrow as pa

    n, head = len(hashes), np.frombuffer(prefix.encode("ascii"), np.uint8)
    chars = np.empty((n, len(head) + 16), np.uint8)
    chars[:, : len(head)] = head
    chars[:, len(head) :] = _HEX[(hashes.astype(np.uint64)[:, None] >> _NIBBLES) & np.uint64(15)]
    offsets = np.arange(0, (n + 1) * chars.shape[1], chars.shape[1], dtype=np.int32)
    return pa.StringArray.from_buffers(n, pa.py_buffer(offsets), pa.py_buffer(chars.tobytes()))


def pseudonymize(raw_ids, prefix: str = "u") -> np.ndarray:
    """Pseudonyms for an array of raw ids (compared as text); missing ids (None, NaN, "") stay None.

    Each distinct id is hashed once, so long arrays with repeats are cheap.
    """
    import pandas as pd

    codes, uniques = pd.factorize(pd.Series(raw_ids, dtype=object).replace("", None), use_na_sentinel=True)
    names = _names(_hash([str(u) for u in uniques]), prefix).to_numpy(zero_copy_only=False)
    return np.append(names, None).astype(object)[codes]


def pseudonymize_arrow(raw_ids, prefix: str = "u"):
    """Pseudonyms for an arrow string array (nulls, and empty ids, come out null), hashing each distinct id once."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pc.if_else(pc.equal(raw_ids, ""), pa.scalar(None, raw_ids.type), raw_ids)
    enc = pc.dictionary_encode(ids)
    hashes = _hash_bytes(enc.dictionary.cast(pa.binary()).to_numpy(zero_copy_only=False))
    return _names(hashes, prefix).take(enc.indices)


def pseudonym(raw_id: object, prefix: str = "u") -> str:
    """The pseudonym of one raw id."""
    return pseudonymize([raw_id], prefix)[0]
