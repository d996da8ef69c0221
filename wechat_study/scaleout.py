"""Cascade metrics past one machine's memory: partitioned Parquet, computed with Dask.

A corpus on disk is a folder of Parquet files, each holding whole cascades in the canonical
posts layout (each cascade's rows together, root first, with ``parent_node``). One Dask task
per file reads it and runs ``cascade_metrics`` on it: no shuffle, memory bounded by the
largest file. Without a client the work runs on Dask's local threads; with ``workers`` a
``distributed.LocalCluster`` on 127.0.0.1 is started; with a scheduler address an existing
cluster is used. ``metrics_to_parquet`` gathers the metrics into one file, written once every
task is done; ``metrics_to_folder`` has each task write its own part, so that no process ever
holds more than one file's metrics (out of core, for corpora of any size).
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import math
import multiprocessing
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from .atomic import staged_dir, write_bytes
from .errors import WechatStudyError
from .metrics import cascade_metrics
from .synthetic import synthetic_posts

__all__ = ["COLUMNS", "POSTS_PER_FILE", "write_synthetic", "cascade_metrics_parquet", "cluster", "metrics_to_parquet",
           "metrics_to_folder"]

COLUMNS = ["cascade_id", "parent_node", "created_at", "is_root", "is_orphan"]
POSTS_PER_FILE = 1_000_000


def _synth_file(i: int, size: int, seed: int, folder: str) -> str:
    """Write file ``i`` of ``write_synthetic`` into ``folder``; return its name."""
    part = synthetic_posts(size, seed=int(np.random.SeedSequence([seed, i]).generate_state(1)[0]),
                           id_prefix=f"f{i:05d}-")
    name = f"part-{i:05d}.parquet"
    pq.write_table(pa.Table.from_pandas(part, preserve_index=False), Path(folder) / name, compression="zstd")
    return name


def write_synthetic(out: str | Path, n_posts: int, seed: int = 0, posts_per_file: int = POSTS_PER_FILE,
                    workers: int = 1) -> list[Path]:
    """Write about ``n_posts`` synthetic posts as ``out/part-NNNNN.parquet``, whole cascades per file.

    File i holds ``synthetic_posts(posts_per_file)`` (the last file the remainder) seeded from
    ``numpy.random.SeedSequence([seed, i])``, with its ids prefixed ``fNNNNN-`` so that they are unique
    across files. The folder appears only when complete; ``out`` must be new, empty, or an earlier
    ``synth`` output (``atomic.check_output``), so nothing else is ever deleted.

    Parameters
    ----------
    out : str or pathlib.Path
        The output folder; it is replaced whole (``OutputExistsError`` when it holds files another command wrote).
    n_posts : int
        Posts wanted in all; each file may hold slightly more (its last cascade is kept whole).
    seed : int
        The same arguments and seed give the same files, whatever ``workers`` is.
    posts_per_file : int
        Posts per file (``POSTS_PER_FILE``, a million, by default).
    workers : int
        Processes writing files side by side (1: this process only).

    Returns
    -------
    list of pathlib.Path
        The files written, in order: ``ceil(n_posts / posts_per_file)`` of them (at least one).

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from pathlib import Path
    >>> from wechat_study import scaleout
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     files = scaleout.write_synthetic(Path(tmp) / "parts", 3_000, seed=0, posts_per_file=1_000)
    ...     print([f.name for f in files], pd.read_parquet(files[1])["cascade_id"].iloc[0])
    ['part-00000.parquet', 'part-00001.parquet', 'part-00002.parquet'] f00001-c0
    """
    out = Path(out)
    n_files = max(1, math.ceil(n_posts / posts_per_file))
    sizes = [posts_per_file] * (n_files - 1) + [n_posts - posts_per_file * (n_files - 1)]
    bar = dict(desc="synthetic files", unit="file", total=n_files, disable=None)
    with staged_dir(out, owner="synth") as staging:
        if workers <= 1 or n_files == 1:
            names = [_synth_file(i, size, seed, str(staging)) for i, size in tqdm(enumerate(sizes), **bar)]
        else:
            spawn = multiprocessing.get_context("spawn")
            with concurrent.futures.ProcessPoolExecutor(min(workers, n_files), mp_context=spawn) as pool:
                jobs = pool.map(_synth_file, range(n_files), sizes, [seed] * n_files, [str(staging)] * n_files)
                names = list(tqdm(jobs, **bar))
    return [out / name for name in names]


def _files(path: Path) -> list[Path]:
    path = Path(path)
    files = sorted(path.glob("*.parquet")) if path.is_dir() else [path]
    if not files or not files[0].is_file():
        raise WechatStudyError(f"{path}: no Parquet files; expected a folder of part-*.parquet holding whole cascades")
    return files


def _file_metrics(src: str, thresholds, depths) -> pd.DataFrame:
    """``cascade_metrics`` of one Parquet part; a failure names the file."""
    try:
        missing = [c for c in COLUMNS if c not in pq.read_schema(src).names]
        if missing:
            raise WechatStudyError(f"no column {', '.join(missing)}; a part needs {', '.join(COLUMNS)}, as "
                                   "`wechat-study synth` and `ws.load_edgelist(..., out=DIR)` write them")
        part = pq.read_table(src, columns=COLUMNS).to_pandas()
        return cascade_metrics(part, thresholds=thresholds, depths=depths, threads=1).astype({"cascade_id": "str"})
    except (WechatStudyError, OSError, ValueError, pa.ArrowException) as e:
        raise WechatStudyError(f"{src}: {e}; nothing was written") from e


def _file_metrics_to(src: str, dest: str, thresholds, depths) -> tuple[int, int]:
    """Write the metrics of one part to ``dest``; return its cascades and posts."""
    table = _file_metrics(src, thresholds, depths)
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), dest, compression="zstd")
    return len(table), int(table["size"].sum())


def _run(path, func, args: list[tuple], client, progress: bool) -> list:
    """``func(*a)`` for each ``a`` in ``args`` as Dask tasks (futures on ``client``, else local threads)."""
    import dask

    try:
        if client is None:
            tasks = [dask.delayed(func, pure=False)(*a) for a in args]
            return list(dask.compute(*tasks, scheduler="threads"))
        futures = client.map(func, *zip(*args, strict=True), pure=False)
        if progress:
            from distributed import progress as show

            show(futures)
        return client.gather(futures)
    except WechatStudyError:
        raise
    except Exception as e:  # a worker lost, a task failed: say which and what to do
        raise WechatStudyError(f"{path}: the cascade metrics job failed ({type(e).__name__}: {e}); nothing was "
                               "written. Re-run it; check the workers' logs if it fails again") from e


def cascade_metrics_parquet(path, client=None, thresholds=(500,), depths=(), progress: bool = False) -> pd.DataFrame:
    """``cascade_metrics`` for every cascade of a partitioned Parquet corpus, one Dask task per file.

    Parameters
    ----------
    path : path
        A folder of Parquet parts, each holding whole cascades (as ``load_edgelist(out=...)`` and
        ``wechat-study synth`` write them).
    client : distributed.Client, optional
        Where the tasks run (None: Dask's local threads).
    thresholds, depths : tuple of int
        As for ``cascade_metrics``.
    progress : bool
        Show a progress bar (only with a client).

    Returns
    -------
    pandas.DataFrame
        ``cascade_metrics``' columns, file by file, in each file's cascade order.

    Raises
    ------
    WechatStudyError
        A task failed; the message names the file. Also when ``path`` holds no Parquet file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> import wechat_study as ws
    >>> from wechat_study import scaleout
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = scaleout.write_synthetic(Path(tmp) / "parts", 2_000, seed=0, posts_per_file=1_000)
    ...     m = ws.cascade_metrics_parquet(Path(tmp) / "parts", thresholds=(10,))
    >>> m.iloc[0][["cascade_id", "size", "reposts"]].to_dict()
    {'cascade_id': 'f00000-c0', 'size': 18, 'reposts': 17}
    """
    files = _files(Path(path))
    parts = _run(path, _file_metrics, [(str(f), tuple(thresholds), tuple(depths)) for f in files], client, progress)
    return pd.concat(parts, ignore_index=True)


@contextlib.contextmanager
def cluster(workers: int | None = None, scheduler: str | None = None):
    """A ``distributed.Client``: on a new ``LocalCluster`` of ``workers`` processes on 127.0.0.1,
    or on the scheduler at ``scheduler``; None when neither is given (local threads).

    A context manager: the client (and a local cluster it started) is closed on leaving the block.

    Parameters
    ----------
    workers : int, optional
        Worker processes of a new local cluster, one thread each, no memory limit, no dashboard.
    scheduler : str, optional
        The address of a running scheduler (``tcp://host:8786``); connecting waits up to 30 seconds.

    Yields
    ------
    distributed.Client or None
        The client, or None with neither argument (``cascade_metrics_parquet`` then uses Dask's local threads).

    Raises
    ------
    WechatStudyError
        When both ``workers`` and ``scheduler`` are given.

    Examples
    --------
    >>> from wechat_study import scaleout
    >>> with scaleout.cluster() as client:
    ...     print(client)
    None
    >>> with scaleout.cluster(workers=2, scheduler="tcp://127.0.0.1:8786"):
    ...     pass
    Traceback (most recent call last):
    ...
    wechat_study.errors.WechatStudyError: give --workers or --scheduler, not both
    """
    if workers and scheduler:
        raise WechatStudyError("give --workers or --scheduler, not both")
    if not workers and not scheduler:
        yield None
        return
    from distributed import Client, LocalCluster

    if scheduler:
        with Client(scheduler, timeout="30s") as client:
            yield client
        return
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None, memory_limit=0) as local, Client(local) as client:
        yield client



def _inside(child: Path, parent: Path) -> bool:
    child, parent = child.resolve(), parent.resolve()
    return child == parent or parent in child.parents


def _refuse_inside(corpus: Path, out: Path) -> None:
    """Refuse an output inside the corpus folder: it would be read as input next time, or replace a part."""
    from .errors import OutputExistsError

    if corpus.is_dir() and _inside(out, corpus):
        raise OutputExistsError(f"{out}: is inside the corpus folder {corpus}; write the metrics elsewhere "
                                "(nothing was changed)")


def _check_out_file(corpus: Path, out: Path) -> None:
    """Refuse, before any work, an output file inside the corpus, a folder, or a file ``metrics`` did not write
    (one whose columns are not ``cascade_metrics``')."""
    from .errors import OutputExistsError

    _refuse_inside(corpus, out)
    if out.is_dir():
        raise OutputExistsError(f"{out}: is a folder; give a new .parquet file, or a folder name without "
                                "'.parquet' to write one part per file (nothing was changed)")
    if out.exists():
        try:
            names = pq.read_schema(out).names
        except (OSError, pa.ArrowException):
            names = []
        if names[:3] != ["cascade_id", "size", "reposts"]:
            raise OutputExistsError(f"{out}: exists and is not a metrics file this command wrote; give a new path "
                                    "(nothing was changed)")


def metrics_to_parquet(path, out, workers: int | None = None, scheduler: str | None = None, thresholds=(500,),
                       depths=(), progress: bool = True) -> pd.DataFrame:
    """Compute metrics for a partitioned corpus and write them to ``out`` (atomically).

    Parameters
    ----------
    path : str or pathlib.Path
        A folder of Parquet parts holding whole cascades, as for ``cascade_metrics_parquet``.
    out : str or pathlib.Path
        The Parquet file to write (zstd-compressed); it is written only after every partition was computed.
    workers, scheduler : optional
        Where the work runs, as for ``cluster`` (neither: Dask's local threads).
    thresholds, depths : tuple of int
        As for ``cascade_metrics``.
    progress : bool
        Show a progress bar (only when a client is used).

    Returns
    -------
    pandas.DataFrame
        The metrics written, as ``cascade_metrics_parquet`` returns them.

    Raises
    ------
    OutputExistsError
        Before any work: ``out`` is inside the corpus folder, is a folder, or is a file whose columns are not
        ``cascade_metrics``' (so not an earlier metrics output).
    WechatStudyError
        As for ``cascade_metrics_parquet``.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from pathlib import Path
    >>> from wechat_study import scaleout
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = scaleout.write_synthetic(Path(tmp) / "parts", 2_000, seed=0, posts_per_file=1_000)
    ...     table = scaleout.metrics_to_parquet(Path(tmp) / "parts", Path(tmp) / "metrics.parquet", progress=False)
    ...     print(pd.read_parquet(Path(tmp) / "metrics.parquet").equals(table))
    True
    """
    _check_out_file(Path(path), Path(out))
    with cluster(workers, scheduler) as client:
        table = cascade_metrics_parquet(path, client=client, thresholds=thresholds, depths=depths,
                                        progress=progress and client is not None)
    sink = pa.BufferOutputStream()
    pq.write_table(pa.Table.from_pandas(table, preserve_index=False), sink, compression="zstd")
    write_bytes(Path(out), sink.getvalue().to_pybytes())
    return table


def metrics_to_folder(path, out, workers: int | None = None, scheduler: str | None = None, thresholds=(500,),
                      depths=(), progress: bool = True) -> pd.DataFrame:
    """Compute metrics for a partitioned corpus, each task writing ``out/part-NNNNN.parquet`` itself.

    Part i holds the metrics of the corpus's i-th file (in name order), so no process holds more than one
    file's metrics. The folder appears only when every part is written (``atomic.staged_dir``); ``out``
    must be new, empty, or an earlier ``metrics`` output. With ``scheduler``, ``out``'s parent folder must
    be storage every worker can write to.

    Parameters
    ----------
    path : str or pathlib.Path
        A folder of Parquet parts holding whole cascades, as for ``cascade_metrics_parquet``.
    out : str or pathlib.Path
        The folder to write (replaced whole).
    workers, scheduler : optional
        Where the work runs, as for ``cluster`` (neither: Dask's local threads).
    thresholds, depths : tuple of int
        As for ``cascade_metrics``.
    progress : bool
        Show a progress bar (only when a client is used).

    Returns
    -------
    pandas.DataFrame
        One row per part written: ``file`` (its name), ``cascades`` and ``posts``.

    Raises
    ------
    WechatStudyError
        A task failed (the message names the file; nothing is written), or ``path`` holds no Parquet file.
    OutputExistsError
        ``out`` holds files another command wrote.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from pathlib import Path
    >>> from wechat_study import scaleout
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = scaleout.write_synthetic(Path(tmp) / "parts", 2_000, seed=0, posts_per_file=1_000)
    ...     summary = scaleout.metrics_to_folder(Path(tmp) / "parts", Path(tmp) / "metrics", progress=False)
    ...     whole = pd.read_parquet(Path(tmp) / "metrics")
    >>> summary
                     file  cascades  posts
    0  part-00000.parquet         4   1011
    1  part-00001.parquet        24   1099
    >>> bool(len(whole) == summary["cascades"].sum())
    True
    """
    files = _files(Path(path))
    _refuse_inside(Path(path), Path(out))
    names = [f"part-{i:05d}.parquet" for i in range(len(files))]
    with staged_dir(Path(out), owner="metrics") as staging, cluster(workers, scheduler) as client:
        args = [(str(f), str(staging / n), tuple(thresholds), tuple(depths)) for f, n in zip(files, names, strict=True)]
        counts = _run(path, _file_metrics_to, args, client, progress and client is not None)
    return pd.DataFrame({"file": names, "cascades": [c for c, _ in counts], "posts": [n for _, n in counts]})
