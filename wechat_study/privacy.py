"""Pseudonyms for user ids, keyed by a per-installation secret (docs/methods.md#13-pseudonyms-and-privacy).

A pseudonym is a prefix (``u`` for users, ``a`` for accounts) and 16 hex digits: the keyed
BLAKE2b digest (RFC 7693, 8 bytes) of the raw id's UTF-8 text under a 128-bit secret key, so
``"u" + hashlib.blake2b(raw.encode(), key=KEY, digest_size=8).hexdigest()``. The key comes from
``WECHAT_STUDY_PSEUDONYM_KEY`` (32 hex digits) or else from ``DATA/pseudonym.key``, which is
made on first use with 128 random bits, readable by its owner only (mode 0600) and ignored
by git. No key is ever committed: without the key, hashing a list of candidate raw ids gives
nothing to compare with the tables. The same raw id gives the same pseudonym on every run of
one installation and in every data set, so tables can be joined on it; another installation
(or a new key) gives other pseudonyms, so prepared tables record ``scheme()`` (the hash and
the key's ``fingerprint``) and are rebuilt when either changes. Nothing committed may depend on a pseudonym's value.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import secrets
import tempfile
from pathlib import Path

import numpy as np

from .errors import PseudonymKeyError

__all__ = [
    "ENV", "KEY_FILE", "USER_FIELDS", "shown", "key_path", "key", "fingerprint", "SCHEME", "COMPILED_FROM",
    "scheme", "digests", "keyed_names", "pseudonymize", "pseudonymize_arrow", "pseudonym"
]

ENV = "WECHAT_STUDY_PSEUDONYM_KEY"
KEY_FILE = "pseudonym.key"
_HEX32 = re.compile(r"[0-9a-f]{32}")


#: Fields that hold raw user ids or screen names: an error message names the field, never the value.
USER_FIELDS = frozenset({"uid", "user_id", "origin_uid", "cuid", "puid", "nickname", "user"})


def shown(field: str, value) -> str:
    """``value`` as an error message may print it: its repr, or for a user-id field only its type.

    Parameters
    ----------
    field : str
        The field the value came from; those in ``USER_FIELDS`` hold raw user ids or screen names.
    value : object
        The value.

    Returns
    -------
    str
        ``repr(value)``, or for a user-id field a phrase naming only its type.

    Examples
    --------
    >>> from wechat_study.privacy import shown
    >>> shown("reposts", 42), shown("user_id", "1234567"), shown("uid", 1234567)
    ('42', 'a str (a user id: not shown)', 'an int (a user id: not shown)')
    """
    if field not in USER_FIELDS:
        return repr(value)
    kind = type(value).__name__
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind} (a user id: not shown)"


def key_path() -> Path:
    """``DATA/pseudonym.key``: the installation's secret key (git-ignored, mode 0600).

    Returns
    -------
    pathlib.Path
        ``pseudonym.key`` in ``paths.data_dir()``; the file need not exist yet.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from wechat_study import privacy
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_DATA": "/tmp/my-data"}):
    ...     print(privacy.key_path())
    /tmp/my-data/pseudonym.key
    """
    from . import paths

    return paths.data_dir() / KEY_FILE


def key() -> bytes:
    """The 16-byte secret key: from ``WECHAT_STUDY_PSEUDONYM_KEY``, else the key file (made on first use).

    The environment variable (32 hex digits, case and surrounding spaces ignored) wins over the file. A key
    file is made with 128 random bits, mode 0600, when it does not exist; one made by another process at the
    same time is kept.

    Returns
    -------
    bytes
        The 16-byte key.

    Raises
    ------
    PseudonymKeyError
        When ``WECHAT_STUDY_PSEUDONYM_KEY`` is set but is not 32 hex digits, or when the key file is readable
        by its group or others, or does not hold 32 hex digits.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study import privacy
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_PSEUDONYM_KEY": "00112233445566778899AABBCCDDEEFF"}):
    ...     print(privacy.key().hex())
    00112233445566778899aabbccddeeff
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"WECHAT_STUDY_DATA": tmp}):
    ...     _ = os.environ.pop("WECHAT_STUDY_PSEUDONYM_KEY", None)
    ...     made = privacy.key()
    ...     print(len(made), oct(privacy.key_path().stat().st_mode & 0o777), privacy.key() == made)
    16 0o600 True
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_PSEUDONYM_KEY": "not a key"}):
    ...     privacy.key()
    Traceback (most recent call last):
    ...
    wechat_study.errors.PseudonymKeyError: WECHAT_STUDY_PSEUDONYM_KEY must be 32 hex digits (a 128-bit key); ...
    """
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
        text = (secrets.token_hex(16) + "\n").encode()
        if os.write(fd, text) != len(text):  # a short write: the disk is full
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
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
    apart without revealing them.

    Returns
    -------
    str
        16 lowercase hex digits.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from wechat_study import privacy
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_PSEUDONYM_KEY": "00112233445566778899aabbccddeeff"}):
    ...     print(privacy.fingerprint())
    7729d4c20315b0b6
    """
    return hashlib.sha256(b"wechat_study pseudonym key\0" + key()).hexdigest()[:16]


#: What a pseudonym depends on besides the key; recorded with every prepared table.
SCHEME = "BLAKE2b (RFC 7693), keyed, 8-byte digest, of the id's UTF-8 text; prefix + hexdigest"
COMPILED_FROM = 50_000  # distinct ids from which the compiled hash beats hashlib's one call per id


def scheme() -> dict:
    """What the pseudonyms of this installation depend on: the hash (``SCHEME``) and the key's fingerprint.

    Returns
    -------
    dict
        ``{"hash": SCHEME, "key": fingerprint()}``.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from wechat_study import privacy
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_PSEUDONYM_KEY": "00112233445566778899aabbccddeeff"}):
    ...     s = privacy.scheme()
    >>> s["hash"] == privacy.SCHEME, s["key"]
    (True, '7729d4c20315b0b6')
    """
    return {"hash": SCHEME, "key": fingerprint()}


def digests(values, key: bytes) -> np.ndarray:
    """``hashlib.blake2b(v, key=key, digest_size=8)`` of each value of an arrow string or binary array (no
    nulls), as big-endian uint64s: the hex digits of each, most significant first, are its ``hexdigest()``.

    Short arrays are hashed by ``hashlib``; long ones by the compiled ``blake2b.blake2b_64``, which gives the
    same digests (tests/test_privacy.py) several times faster.

    Parameters
    ----------
    values : pyarrow.Array or pyarrow.ChunkedArray
        Strings (hashed as their UTF-8 bytes) or binary values, without nulls.
    key : bytes
        The BLAKE2b key, 1 to 64 bytes.

    Returns
    -------
    numpy.ndarray
        One uint64 digest per value, in order; ``COMPILED_FROM`` values or more go to the compiled hash.

    Examples
    --------
    >>> import hashlib
    >>> import pyarrow as pa
    >>> from wechat_study.privacy import digests
    >>> d = digests(pa.array(["1234567", "42"]), b"secret")
    >>> d.dtype, f"{d[1]:016x}" == hashlib.blake2b(b"42", key=b"secret", digest_size=8).hexdigest()
    (dtype('uint64'), True)
    """
    import pyarrow as pa

    if len(values) >= COMPILED_FROM:
        from .blake2b import blake2b_64

        return blake2b_64(values, key)
    data = values.cast(pa.large_binary()).to_pylist()
    out = b"".join([hashlib.blake2b(v, key=key, digest_size=8).digest() for v in data])
    return np.frombuffer(out, ">u8").astype(np.uint64)


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


def keyed_names(values, key: bytes, prefix: str):
    """``prefix`` + the keyed BLAKE2b hexdigest (8 bytes) of each value of an arrow string array, as an arrow
    string array; ``key`` is 1 to 64 bytes.

    Parameters
    ----------
    values : pyarrow.Array or pyarrow.ChunkedArray
        Strings, without nulls.
    key : bytes
        The BLAKE2b key, 1 to 64 bytes.
    prefix : str
        ASCII text put before the 16 hex digits (``u`` for users, ``a`` for accounts).

    Returns
    -------
    pyarrow.StringArray
        One name per value, in order.

    Examples
    --------
    >>> import hashlib
    >>> import pyarrow as pa
    >>> from wechat_study.privacy import keyed_names
    >>> names = keyed_names(pa.array(["1234567", "42"]), b"secret", "a")
    >>> names.type, names[0].as_py() == "a" + hashlib.blake2b(b"1234567", key=b"secret", digest_size=8).hexdigest()
    (DataType(string), True)
    """
    return _names(digests(values, key), prefix)


def pseudonymize(raw_ids, prefix: str = "u") -> np.ndarray:
    """Pseudonyms for an array of raw ids (compared as text); missing ids (None, NaN, "") stay None.

    Each distinct id is hashed once, so long arrays with repeats are cheap. The key is ``key()``'s.

    Parameters
    ----------
    raw_ids : array-like
        Raw ids of any type; each is hashed as its ``str()`` text, so ``1234567`` and ``"1234567"`` get the
        same pseudonym.
    prefix : str
        ``u`` for users, ``a`` for accounts.

    Returns
    -------
    numpy.ndarray
        An object array of pseudonyms (``prefix`` and 16 hex digits), None where the id is missing.

    Raises
    ------
    PseudonymKeyError
        From ``key()``, when the key is malformed or readable by others.

    Examples
    --------
    >>> import hashlib, os
    >>> from unittest import mock
    >>> from wechat_study import privacy
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_PSEUDONYM_KEY": "00112233445566778899aabbccddeeff"}):
    ...     names = privacy.pseudonymize(["1234567", "", None, 1234567])
    ...     key = privacy.key()
    >>> names[0] == names[3], names[1], names[2], len(names[0])
    (True, None, None, 17)
    >>> names[0] == "u" + hashlib.blake2b(b"1234567", key=key, digest_size=8).hexdigest()
    True
    """
    import pandas as pd
    import pyarrow as pa

    codes, uniques = pd.factorize(pd.Series(raw_ids, dtype=object).replace("", None), use_na_sentinel=True)
    texts = pa.array([str(u) for u in uniques], pa.string())
    names = keyed_names(texts, key(), prefix).to_numpy(zero_copy_only=False)
    return np.append(names, None).astype(object)[codes]


def pseudonymize_arrow(raw_ids, prefix: str = "u"):
    """Pseudonyms for an arrow string array (nulls, and empty ids, come out null), hashing each distinct id once.

    The key is ``key()``'s; a value's pseudonym is the one ``pseudonymize`` gives it.

    Parameters
    ----------
    raw_ids : pyarrow.Array
        Raw ids as strings.
    prefix : str
        ``u`` for users, ``a`` for accounts.

    Returns
    -------
    pyarrow.Array
        Strings, one pseudonym per id, in order (null for a null or empty id).

    Raises
    ------
    PseudonymKeyError
        From ``key()``, when the key is malformed or readable by others.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> import pyarrow as pa
    >>> from wechat_study import privacy
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_PSEUDONYM_KEY": "00112233445566778899aabbccddeeff"}):
    ...     names = privacy.pseudonymize_arrow(pa.array(["1234567", "", None, "1234567"]))
    ...     same = names[0].as_py() == privacy.pseudonymize(["1234567"])[0]
    >>> names.null_count, names[0] == names[3], same
    (2, True, True)
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = pc.if_else(pc.equal(raw_ids, ""), pa.scalar(None, raw_ids.type), raw_ids)
    enc = pc.dictionary_encode(ids)
    return keyed_names(enc.dictionary, key(), prefix).take(enc.indices)


def pseudonym(raw_id: object, prefix: str = "u") -> str:
    """The pseudonym of one raw id.

    Parameters
    ----------
    raw_id : object
        A raw id, hashed as its ``str()`` text.
    prefix : str
        ``u`` for users, ``a`` for accounts.

    Returns
    -------
    str
        ``prefix`` and 16 hex digits, as ``pseudonymize`` gives it (None for a missing id).

    Raises
    ------
    PseudonymKeyError
        From ``key()``, when the key is malformed or readable by others.

    Examples
    --------
    >>> import os
    >>> from unittest import mock
    >>> from wechat_study import privacy
    >>> with mock.patch.dict(os.environ, {"WECHAT_STUDY_PSEUDONYM_KEY": "00112233445566778899aabbccddeeff"}):
    ...     name = privacy.pseudonym("1234567", prefix="a")
    ...     same = name == privacy.pseudonymize([1234567], prefix="a")[0]
    >>> name[0], len(name), same
    ('a', 17, True)
    """
    return pseudonymize([raw_id], prefix)[0]
