"""wechat_study: virality and censorship on Chinese social media, against the 2013 thresholds.

>>> import wechat_study as ws
>>> corpus = ws.load("ced")          # doctest: +SKIP
"""

from .corpus import Corpus, load, prepare
from .datasets.edgelist import load_edgelist
from .datasets.catalog import CATALOG
from .errors import DataError, FetchError, NotPreparedError, WechatStudyError
from .fetch import fetch
from .graph import repost_graph, user_graph
from .metrics import cascade_metrics
from .scaleout import cascade_metrics_parquet
from .findings import record_finding
from .synthetic import synthetic_corpus, synthetic_posts

__version__ = "0.1.0"
__all__ = ["CATALOG", "Corpus", "DataError", "FetchError", "NotPreparedError", "WechatStudyError", "cascade_metrics",
           "cascade_metrics_parquet",
           "fetch", "load", "load_edgelist", "prepare", "record_finding", "repost_graph", "synthetic_corpus", "synthetic_posts",
           "user_graph"]
