"""Wb-MSF 5% sample (Wu et al., ICDE 2022): Sina Weibo repost cascades, one CSV per cascade.

Layout: ``data/raw/wbmsf/data/repost_cascades/<id>.csv`` with columns
``origin_id, origin_uid, id, uid, created_at``. The row with an empty ``origin_id`` is the
source post; every repost names the source as its origin, so the trees are stars.

Conventions:
- ``cascade_id`` is the file's stem; ``post_id`` is ``id``.
- ``uid`` (already a hash upstream) is pseudonymised again; ``origin_uid``, a raw Weibo uid,
  is dropped.
- Times are Beijing time (UTC+8). All reposts are ``kind = "repost"``.
- The upstream README's "#repost" (114,152) counts every row plus one per cascade, and its
  cascade sizes count rows + 1; the audit shows both conventions.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import DataError
from ..privacy import pseudonymize
from ..quality import QualityReport
from .readers import BEIJING_OFFSET_NS, read_csv
from .trees import NAT, Rows, assemble_posts, cascade_table

__all__ = ["FOLDER", "COLUMNS", "load"]

FOLDER = "data/repost_cascades"
COLUMNS = ["origin_id", "origin_uid", "id", "uid", "created_at"]


def load(root: Path, name: str = "wbmsf") -> tuple[dict[str, pd.DataFrame], QualityReport]:
    """Read ``data/raw/wbmsf`` into the canonical ``posts`` and ``cascades`` tables.

    Parameters
    ----------
    root : pathlib.Path
        The data set's raw folder (``data/raw/wbmsf``), holding ``FOLDER``.
    name : str
        The ``dataset`` column and the quality report's name.

    Returns
    -------
    tables : dict of str to pandas.DataFrame
        ``posts`` and ``cascades``, canonical (``wechat_study.schema``); times in UTC.
    report : QualityReport
        Files and rows read, and every quirk met (extra columns, empty or sub-second times, reposts whose
        origin is not the source).

    Raises
    ------
    DataError
        No cascade CSV in ``FOLDER``; a file without exactly one source row (empty ``origin_id``) or with an
        empty post id; an unparseable ``created_at``.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study.datasets import wbmsf
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     folder = Path(tmp) / wbmsf.FOLDER
    ...     folder.mkdir(parents=True)
    ...     _ = (folder / "4001.csv").write_text("origin_id,origin_uid,id,uid,created_at\\n"
    ...                                          ",9,4001,a1,2020-01-01 08:00:00\\n"
    ...                                          "4001,9,4002,b2,2020-01-01 08:05:00\\n")
    ...     tables, report = wbmsf.load(Path(tmp))
    >>> tables["posts"][["cascade_id", "post_id", "parent_id", "kind", "created_at"]]
      cascade_id post_id parent_id    kind                created_at
    0       4001    4001       NaN  source 2020-01-01 00:00:00+00:00
    1       4001    4002      4001  repost 2020-01-01 00:05:00+00:00
    >>> report.count("rows_read")
    2
    """
    report = QualityReport(name)
    folder = root / FOLDER
    files = sorted(folder.glob("*.csv"))
    if not files:
        raise DataError(folder, "no cascade CSV files", hint="run `wechat-study data fetch wbmsf`")
    frames, sources, extra_columns = [], [], []
    for k, path in enumerate(files):
        shown = f"{FOLDER}/{path.name}"
        df = read_csv(path, shown, COLUMNS)
        is_source = (df["origin_id"] == "").to_numpy()
        if is_source.sum() != 1:
            raise DataError(shown, f"{int(is_source.sum())} source rows (empty origin_id); expected exactly 1")
        if (df["id"] == "").any():
            raise DataError(shown, "empty post id", record=int(np.flatnonzero((df["id"] == "").to_numpy())[0]) + 2)
        extra = [c for c in df.columns if c not in COLUMNS]
        if extra:
            extra_columns.append(shown)
        frames.append(
            df[COLUMNS].assign(cascade_id=path.stem, source=k, record=np.arange(len(df)) + 2, is_root=is_source)
        )
        sources.append(shown)
    df = pd.concat(frames, ignore_index=True)
    report.fact("files", len(files))
    report.fact("rows_read", len(df))
    report.quirk(
        "files_with_extra_columns",
        len(extra_columns),
        "unnamed index columns before origin_id; ignored",
        extra_columns[:3],
    )

    text = df["created_at"].to_numpy(object)
    empty = text == ""
    t = np.full(len(df), NAT, np.int64)
    try:
        t[~empty] = np.array(text[~empty], dtype="datetime64[ns]").astype(np.int64) - BEIJING_OFFSET_NS
    except ValueError:
        for i in np.flatnonzero(~empty):
            try:
                np.datetime64(text[i], "ns")
            except ValueError:
                raise DataError(
                    sources[df["source"].iat[i]],
                    f"unparseable created_at {text[i]!r}",
                    record=f"line {df['record'].iat[i]}",
                ) from None
    report.quirk("empty_timestamps", int(empty.sum()), "created_at is empty; left null")
    known = t[~empty]
    report.fact("times_on_whole_minutes", int((known % (60 * 10**9) == 0).sum()))
    report.quirk(
        "times_with_fractional_seconds",
        int((known % 10**9 != 0).sum()),
        "sub-second times such as 00:38:55.555555556; kept to the nanosecond",
    )

    root_id = df.loc[df["is_root"], ["cascade_id", "id"]].set_index("cascade_id")["id"]
    origin = df["origin_id"].to_numpy(object)
    to_source = origin == root_id.reindex(df["cascade_id"]).to_numpy(object)
    report.quirk(
        "reposts_not_of_source",
        int((~to_source & ~df["is_root"].to_numpy()).sum()),
        "origin_id names another repost; kept as its parent (or an orphan if absent)",
    )
    rows = Rows(
        cascade_id=df["cascade_id"].to_numpy(object),
        post_id=df["id"].to_numpy(object),
        parent_id=np.where(df["is_root"].to_numpy(), None, origin),
        user_id=pseudonymize(df["uid"].to_numpy(object)),
        created_at=t,
        is_root=df["is_root"].to_numpy(bool),
        kind=np.where(df["is_root"].to_numpy(), "source", "repost").astype(object),
        source=df["source"].to_numpy(),
        record=np.array([f"line {r}" for r in df["record"]], dtype=object),
        sources=sources,
    )
    posts = assemble_posts(rows, name, report)
    cascades = cascade_table(posts, name)
    return {"posts": posts, "cascades": cascades}, report
