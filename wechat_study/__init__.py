"""wechat_study: virality and censorship on Chinese social media, against the 2013 thresholds.

>>> import wechat_study as ws
>>> corpus = ws.load("ced")          # doctest: +SKIP

Importing the package is light: the public names below are loaded on first use (PEP 562), so
``import wechat_study`` does not import pandas, pyarrow, networkx, numba or dask.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING

from .errors import DataError, FetchError, NotPreparedError, WechatStudyError


def _version() -> str:
    """The version pyproject.toml declares: from the installed metadata, else from a source checkout's file."""
    from importlib import metadata
    from pathlib import Path

    try:
        return metadata.version("wechat_study")
    except metadata.PackageNotFoundError:
        import tomllib

        with open(Path(__file__).resolve().parent.parent / "pyproject.toml", "rb") as f:
            return tomllib.load(f)["project"]["version"]


__version__ = _version()

# public name -> submodule that defines it
_LAZY = {
    "CATALOG": ".datasets.catalog",
    "Corpus": ".corpus",
    "load": ".corpus",
    "load_many": ".corpus",
    "prepare": ".corpus",
    "load_edgelist": ".datasets.edgelist",
    "fetch": ".fetch",
    "repost_graph": ".graph",
    "user_graph": ".graph",
    "cascade_metrics": ".metrics",
    "cascade_metrics_parquet": ".scaleout",
    "record_finding": ".findings",
    "synthetic_corpus": ".synthetic",
    "synthetic_posts": ".synthetic",
}

__all__ = ["CATALOG", "Corpus", "DataError", "FetchError", "NotPreparedError", "WechatStudyError", "cascade_metrics",
           "cascade_metrics_parquet", "fetch", "load", "load_edgelist", "load_many", "prepare", "record_finding",
           "repost_graph",
           "synthetic_corpus", "synthetic_posts", "user_graph"]

if TYPE_CHECKING:
    from .corpus import Corpus, load, load_many, prepare
    from .datasets.catalog import CATALOG
    from .datasets.edgelist import load_edgelist
    from .fetch import fetch
    from .findings import record_finding
    from .graph import repost_graph, user_graph
    from .metrics import cascade_metrics
    from .scaleout import cascade_metrics_parquet
    from .synthetic import synthetic_corpus, synthetic_posts


class _Package(types.ModuleType):
    """Keeps a public function (``fetch``) from being replaced by its same-named submodule on import."""

    def __setattr__(self, name, value):
        if name in _LAZY and isinstance(value, types.ModuleType) and value.__name__ == f"{__name__}.{name}":
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wechat_study' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*__all__, "__version__"})
