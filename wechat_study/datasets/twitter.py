"""Twitter15 and Twitter16 propagation trees (Ma, Gao & Wong, ACL 2017).

Layout: ``data/raw/NAME/NAME/tree/<source_tweet_id>.txt``, one edge a line,
``['parent_uid', 'parent_tweet_id', 'parent_delay_min']->['child_uid', 'child_tweet_id', 'child_delay_min']``,
the first line's parent being ``['ROOT', 'ROOT', '0.0']``; and ``NAME/label.txt``, lines of
``label:source_tweet_id`` (a tree's line repeated is counted; two lines giving it different labels are refused).

Conventions:
- A node is a (user, tweet id) pair: a retweet carries the source tweet's id. Its ``post_id``
  is ``<cascade>:<tweet id>:<user pseudonym>``, since one node can appear in several trees.
- A node whose tweet id is the root's is a retweet (``kind = "repost"``); one with a tweet
  id of its own is a reply (``kind = "comment"``).
- ``cascade_id`` is the file's tweet id. The root is the child of the ``ROOT`` edge, which in a
  few trees is an earlier tweet than the file's (counted).
- The root's time comes from its tweet id (Twitter's snowflake ids carry milliseconds since
  2010-11-04T01:42:54.657Z); every other time is the root's plus the node's delay minus the
  root's delay, in minutes.
- A node listed as a child more than once keeps its first edge; an edge from a node to
  itself is dropped; a negative delay is set to 0 (the source's time). All are counted.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..privacy import pseudonymize
from ..quality import QualityReport
from .trees import Rows, assemble_posts, cascade_table

__all__ = ["EDGE", "LABELS", "SNOWFLAKE_EPOCH_MS", "snowflake_time_ns", "load"]

EDGE = re.compile(r"\['([^']*)', '([^']*)', '([^']*)'\]->\['([^']*)', '([^']*)', '([^']*)'\]")
LABELS = {"non-rumor": "non-rumour", "false": "false", "true": "true", "unverified": "unverified"}
SNOWFLAKE_EPOCH_MS = 1288834974657


def snowflake_time_ns(tweet_id: int) -> int:
    """UTC nanoseconds since the epoch encoded in a snowflake tweet id (ids from late 2010 on).

    Parameters
    ----------
    tweet_id : int
        A snowflake id (anything ``int()`` takes, e.g. its text); its bits above the lowest 22 count
        milliseconds since ``SNOWFLAKE_EPOCH_MS`` (2010-11-04T01:42:54.657Z).

    Returns
    -------
    int
        Nanoseconds since 1970-01-01 UTC, to the millisecond.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study.datasets.twitter import snowflake_time_ns
    >>> ns = snowflake_time_ns("600000000000000000")
    >>> ns, pd.Timestamp(ns, tz="UTC")
    (1431886122117000000, Timestamp('2015-05-17 18:08:42.117000+0000', tz='UTC'))
    """
    return ((int(tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS) * 10**6


def _labels(path: Path, shown: str, report: QualityReport, words: dict | None = None) -> dict[str, str]:
    """``label.txt`` as tweet id -> label; ``words`` (lower-case value -> label) replaces ``LABELS``."""
    if not path.is_file():
        raise DataError(shown, "label file is missing", hint="run `wechat-study data fetch` for this data set")
    labels, lines, repeats = {}, {}, []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip():
            continue
        label, _, tid = line.strip().partition(":")
        word = LABELS.get(label) if words is None else words.get(label.strip().lower())
        if not tid.isdigit() or (word is None and words is None):
            raise DataError(
                shown, f"expected 'label:tweet_id' with a label in {sorted(words or LABELS)}, got {line!r}",
                record=f"line {n}"
            )
        if word is None:
            raise DataError(shown, f"label {label[:40]!r} (tree {tid}) is not one the study knows", record=f"line {n}",
                            hint="map it in label_values: {VALUE: rumour} (or non-rumour, true, false, unverified)")
        if tid in labels and labels[tid] != word:
            raise DataError(shown, f"tree {tid} is labelled {labels[tid]} on line {lines[tid]} and {word} here",
                            record=f"line {n}", hint="keep one line per tree")
        if tid in labels:
            repeats.append(f"{shown}: record line {n}")
            continue
        labels[tid], lines[tid] = word, n
    report.quirk("repeated_label_lines", len(repeats), "a tree's label given again, the same; one line is kept",
                 repeats[:3])
    return labels


def load(root: Path, name: str, dataset: str | None = None,
         label_words: dict | None = None) -> tuple[dict[str, pd.DataFrame], QualityReport]:
    """Read ``data/raw/NAME`` (twitter15 or twitter16) into ``posts`` and ``cascades``; the folder
    ``root/name`` holds ``tree/`` and ``label.txt``, and ``dataset`` (default ``name``) names the tables' rows.

    The conventions are the module's: node ids, kinds, times from the root's snowflake id plus delays in
    minutes, and the quirks counted.

    Parameters
    ----------
    root : pathlib.Path
        The data set's raw folder, ``data/raw/NAME``.
    name : str
        ``twitter15`` or ``twitter16``: the folder inside ``root`` that holds ``tree/`` and ``label.txt``.
    dataset : str, optional
        The tables' ``dataset`` column (default ``name``).
    label_words : dict, optional
        ``label.txt``'s values (lower case) -> the study's labels, instead of ``LABELS`` (a researcher's
        ``label_values``).

    Returns
    -------
    tuple of (dict, QualityReport)
        ``{"posts": ..., "cascades": ...}``, the canonical tables (labels from ``label.txt``, null where a
        tree has none), and the report of facts and quirks.

    Raises
    ------
    DataError
        No ``label.txt``, a malformed line in it or one giving a tree another label than an earlier line, no
        tree files, a line that is not an edge, or a delay
        that is not a number; each names the file and the line.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets import twitter
    >>> with tempfile.TemporaryDirectory() as d:
    ...     tree = Path(d) / "twitter15" / "tree"
    ...     tree.mkdir(parents=True)
    ...     _ = (Path(d) / "twitter15" / "label.txt").write_text("false:600000000000000000\\n")
    ...     _ = (tree / "600000000000000000.txt").write_text(
    ...         "['ROOT', 'ROOT', '0.0']->['1', '600000000000000000', '0.0']\\n"
    ...         "['1', '600000000000000000', '0.0']->['2', '600000000000000000', '5.5']\\n"
    ...         "['2', '600000000000000000', '5.5']->['3', '600000000000000900', '61.0']\\n")
    ...     tables, report = twitter.load(Path(d), "twitter15")
    >>> tables["posts"][["kind", "parent_node", "created_at"]]
          kind  parent_node                    created_at
    0   source           -1 2015-05-17 18:08:42.117+00:00
    1   repost            0 2015-05-17 18:14:12.117+00:00
    2  comment            1 2015-05-17 19:09:42.117+00:00
    >>> tables["cascades"]["label"].tolist(), report.facts["edges_read"]
    (['false'], 3)
    """
    dataset = dataset or name
    report = QualityReport(dataset)
    labels = _labels(root / name / "label.txt", f"{name}/label.txt", report, label_words)
    tree_dir = root / name / "tree"
    files = sorted(tree_dir.glob("*.txt"))
    if not files:
        raise DataError(f"{name}/tree", "no tree files", hint=f"run `wechat-study data fetch {name}`")
    cols = {k: [] for k in ("cascade", "puid", "ptid", "cuid", "ctid", "delay", "line", "source")}
    sources = []
    for k, path in enumerate(files):
        shown = f"{name}/tree/{path.name}"
        sources.append(shown)
        sid = path.stem
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if not line.strip():
                continue
            m = EDGE.fullmatch(line.strip())
            if not m:
                raise DataError(
                    shown,
                    f"not an edge of the form ['uid', 'tweet', 'delay']->[...]: {line[:80]!r}",
                    record=f"line {n}",
                )
            pu, pt, _, cu, ct, cd = m.groups()
            cols["cascade"].append(sid)
            cols["puid"].append(pu)
            cols["ptid"].append(pt)
            cols["cuid"].append(cu)
            cols["ctid"].append(ct)
            cols["delay"].append(cd)
            cols["line"].append(n)
            cols["source"].append(k)
    e = pd.DataFrame(cols)
    report.fact("files", len(files))
    report.fact("edges_read", len(e))
    try:
        delay = e["delay"].astype(float).to_numpy()
    except ValueError:
        bad = pd.to_numeric(e["delay"], errors="coerce").isna().to_numpy()
        i = int(np.flatnonzero(bad)[0])
        raise DataError(
            sources[e["source"].iat[i]],
            f"delay {e['delay'].iat[i]!r} is not a number",
            record=f"line {e['line'].iat[i]}",
        ) from None

    is_root_line = (e["puid"] == "ROOT").to_numpy()
    other_root = is_root_line & (e["ctid"] != e["cascade"]).to_numpy()
    report.quirk(
        "root_is_not_file_tweet",
        int(other_root.sum()),
        "the ROOT edge's child is an earlier tweet than the one the file is named after; it is the root",
        _examples(e, other_root, sources),
    )
    root_delay = pd.Series(delay[is_root_line], index=e.loc[is_root_line, "cascade"]).groupby(level=0).first()
    root_tid = e.loc[is_root_line].groupby("cascade")["ctid"].first()
    delay = delay - root_delay.reindex(e["cascade"]).to_numpy()
    loop_edge = ((e["puid"] == e["cuid"]) & (e["ptid"] == e["ctid"])).to_numpy()
    node = e["cascade"] + ":" + e["ctid"] + ":" + e["cuid"]
    lone = loop_edge & ~node.isin(node[~loop_edge]).to_numpy()
    e.loc[lone, ["puid", "ptid"]] = ["", "missing"]
    self_loop = loop_edge & ~lone
    report.quirk(
        "self_loops",
        int(self_loop.sum()),
        "edge from a node to itself; dropped where the node has another edge, else the node is an orphan",
        _examples(e, self_loop, sources),
    )
    neg = delay < 0
    report.quirk(
        "negative_delays",
        int(neg.sum()),
        "node timed before the root; set to the root's time",
        _examples(e, neg, sources),
    )
    keep = ~self_loop
    e, delay = e.loc[keep].reset_index(drop=True), np.maximum(delay[keep], 0.0)
    is_root_line = is_root_line[keep]

    cu = pseudonymize(e["cuid"].to_numpy(object))
    pu = pseudonymize(np.where(is_root_line, None, e["puid"].to_numpy(object)))
    cascade = e["cascade"].to_numpy(object)
    post_id = _node_ids(cascade, e["ctid"].to_numpy(object), cu)
    parent_id = np.where(is_root_line, None, _node_ids(cascade, e["ptid"].to_numpy(object), pu))
    anchor = {c: snowflake_time_ns(int(t)) for c, t in root_tid.items()}
    root_ns = np.array([anchor[c] for c in cascade], dtype=np.int64)
    t = root_ns + np.round(delay * 60e9).astype(np.int64)
    kind = np.where(
        is_root_line,
        "source",
        np.where(e["ctid"].to_numpy(object) == root_tid.reindex(cascade).to_numpy(object), "repost", "comment"),
    )
    rows = Rows(
        cascade_id=cascade,
        post_id=post_id,
        parent_id=parent_id,
        user_id=cu,
        created_at=t,
        is_root=is_root_line,
        kind=kind.astype(object),
        source=e["source"].to_numpy(),
        record=np.array([f"line {n}" for n in e["line"]], dtype=object),
        sources=sources,
    )
    posts = assemble_posts(rows, dataset, report)

    roots = posts.loc[posts["is_root"].to_numpy()].set_index("cascade_id")
    ids = roots.index.to_numpy(object)
    unlabelled = [i for i in ids if i not in labels]
    report.quirk("trees_without_label", len(unlabelled), "no line in label.txt; label left null", unlabelled[:3])
    report.quirk("labels_without_tree", len(set(labels) - set(ids)), "label.txt names a tweet with no tree file")
    report.fact("users", int(posts["user_id"].nunique()))
    cascades = cascade_table(posts, dataset, label={i: labels.get(i) for i in ids})
    return {"posts": posts, "cascades": cascades}, report


def _examples(e: pd.DataFrame, mask, sources: list[str], k: int = 3) -> list[str]:
    """``FILE: record line N`` for the first ``k`` edges of ``mask``."""
    rows = e.loc[mask, ["source", "line"]].head(k).itertuples(index=False)
    return [f"{sources[s]}: record line {ln}" for s, ln in rows]


def _node_ids(cascade: np.ndarray, tweet: np.ndarray, user: np.ndarray) -> np.ndarray:
    return np.array([f"{c}:{t}:{u}" for c, t, u in zip(cascade, tweet, user, strict=False)], dtype=object)
