"""Pseudonyms for user ids.

A pseudonym is a prefix (``u`` for users, ``a`` for accounts) and 16 hex digits: the keyed
SipHash-2-4 of the raw id's text (``pandas.util.hash_array``). The same raw id gives the same
pseudonym on every run and in every data set, so tables can be joined on it. The default key
is public, so a pseudonym hides an id from a reader of the reports, not from someone who holds
the raw data (the data sets here are public anyway). For private data, set
``WECHAT_STUDY_PSEUDONYM_KEY`` to a secret before preparing it.
"""

from __future__ import annotations

import hashlib
import os

import numpy as np
import pandas as pd

DEFAULT_KEY = "wechat_study/v1!"  # SipHash takes a 16-byte key


def _key() -> str:
    env = os.environ.get("WECHAT_STUDY_PSEUDONYM_KEY")
    return hashlib.sha256(env.encode("utf-8")).hexdigest()[:16] if env else DEFAULT_KEY


def pseudonymize(raw_ids, prefix: str = "u") -> np.ndarray:
    """Pseudonyms for an array of raw ids (compared as text); missing ids (None, NaN, "") stay None.

    Each distinct id is hashed once, so long arrays with repeats are cheap.
    """
    codes, uniques = pd.factorize(pd.Series(raw_ids, dtype=object).replace("", None), use_na_sentinel=True)
    text = np.array([str(u) for u in uniques], dtype=object)
    hashes = pd.util.hash_array(text, hash_key=_key(), categorize=False) if len(text) else np.array([], np.uint64)
    table = np.array([f"{prefix}{h:016x}" for h in hashes.tolist()] + [None], dtype=object)
    return table[codes]


def pseudonym(raw_id: object, prefix: str = "u") -> str:
    """The pseudonym of one raw id."""
    return pseudonymize([raw_id], prefix)[0]
