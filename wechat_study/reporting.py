"""Run the investigation notebooks with papermill, keep the ledger, and run one notebook with new parameters.

- ``run(stem)`` executes ``investigations/STEM.ipynb`` with its parameters from
  ``investigations/params.yaml`` (overridable), in a kernel of the running Python, and gathers
  the findings it records. An executed notebook is cached under ``data/cache/notebooks/STEM/KEY/``
  by a key over everything that can change it (see ``cache_key``), and is not run again unless
  ``force``. A cache entry appears only once its run has finished (it is built in a temporary
  folder and renamed into place), so an interrupted run leaves the previous entry as it was.
- ``pages.render(executed)`` turns it into a self-contained HTML page (see ``pages``).
- ``reproduce()`` runs every notebook first, then writes ``reports/`` (the pages, ``index.html``
  and the ledger ``findings.json``); ``verify()`` re-runs everything and compares the findings
  with the committed ledger.
- ``run_one(name, params, out=DIR)`` runs one notebook with other parameters into a folder of
  its own (default ``runs/STEM-NAME-VALUE...``), never touching ``reports/``.
- ``prune_cache()`` deletes every cache entry but the current one of each notebook.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import paths
from .atomic import check_output, staged_dir, write_text
from .datasets.catalog import CATALOG, INVESTIGATED
from .errors import WechatStudyError
from .findings import FINDINGS_ENV, NOTEBOOK_ENV, compare, dump_ledger, load_ledger, read_recorded
from .methods_page import METHODS
from .notebooks import INVESTIGATIONS, NotebookError, check, check_ranges, defaults, parameters, ranges, resolve, stems

__all__ = [
    "PACKAGE", "REPORTS", "LEDGER", "KERNEL", "RUN_OWNER", "NotebookFailed", "Run", "notebooks",
    "datasets_used", "library_digest", "cache_dir", "cache_key", "check_needs", "user_paths", "run",
    "default_jobs", "run_many", "clean", "reproduce", "verify", "runs_dir", "default_out", "run_one",
    "prune_cache", "first_difference"
]

PACKAGE = paths.PACKAGE
REPORTS = paths.CHECKOUT / "reports"
LEDGER = REPORTS / "findings.json"
KERNEL = "python3"  # the running Python's own kernel (jupyter_client maps it to sys.executable)
RUN_OWNER = "wechat-study run"  # the owner named in the marker of a folder ``run_one`` wrote (see ``atomic``)


class NotebookFailed(WechatStudyError, RuntimeError):
    """A notebook stopped with an error; the message names the cell, the error and the partial notebook.

    It is also a ``RuntimeError``.

    Examples
    --------
    >>> from wechat_study import WechatStudyError
    >>> from wechat_study.reporting import NotebookFailed
    >>> issubclass(NotebookFailed, WechatStudyError), issubclass(NotebookFailed, RuntimeError)
    (True, True)
    """


@dataclass
class Run:
    """One executed notebook: where it is, what it recorded, and whether it came from the cache.

    Parameters
    ----------
    stem : str
        The notebook's stem.
    executed : pathlib.Path
        The executed notebook (in the cache, or in ``run_one``'s folder).
    findings : dict
        What it recorded: finding name -> ``{"value", "tolerance", "note", "notebook", ...}``.
    cached : bool
        True when it came from the cache without running.
    params : dict, optional
        The parameters it ran with (``params.yaml``'s, updated with the overrides).

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study.reporting import Run
    >>> r = Run("03-legal-thresholds", Path("executed.ipynb"), {}, cached=True)
    >>> r.stem, r.cached, r.params
    ('03-legal-thresholds', True, None)
    """

    stem: str
    executed: Path
    findings: dict[str, dict]
    cached: bool
    params: dict | None = None


def notebooks() -> list[str]:
    """Notebook stems in run order: the keys of ``investigations/params.yaml``.

    Returns
    -------
    list of str
        ``notebooks.stems()``.

    Examples
    --------
    >>> from wechat_study import reporting
    >>> reporting.notebooks()[0]
    '01-data-audit'
    """
    return stems()


def datasets_used(params: dict) -> list[str]:
    """The catalogued data sets a notebook's parameters name (``"all"``: every investigated one).

    Parameters
    ----------
    params : dict
        A notebook's parameters; every string value, and every string in a list value, is looked at.

    Returns
    -------
    list of str
        The names of ``CATALOG`` found (``"all"`` adding ``INVESTIGATED``), each once, in order of appearance.
        ``synthetic`` and paths are not catalogued, so not listed.

    Examples
    --------
    >>> from wechat_study import reporting
    >>> reporting.datasets_used({"dataset": "ced", "compare": ["wbmsf", "twitter15"], "threshold_reposts": 500})
    ['ced', 'wbmsf', 'twitter15']
    >>> reporting.datasets_used({"dataset": "synthetic", "compare": []})
    []
    """
    names: list[str] = []
    for value in params.values():
        for v in value if isinstance(value, list) else [value]:
            if v == "all":
                names += INVESTIGATED
            elif isinstance(v, str) and v in CATALOG:
                names.append(v)
    return list(dict.fromkeys(names))


@lru_cache(maxsize=1)
def library_digest() -> str:
    """SHA-256 (hex) over the package's ``.py``, ``.j2``, ``.json`` and ``.tsv`` files, computed once per process.

    Returns
    -------
    str
        ``paths.source_digest`` of those files, sorted by path.

    Examples
    --------
    >>> from wechat_study import reporting
    >>> len(reporting.library_digest())
    64
    """
    suffixes = {".py", ".j2", ".json", ".tsv"}
    return paths.source_digest(sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in suffixes))


def cache_dir() -> Path:
    """``data/cache/notebooks``: one folder per notebook, one sub-folder per cache key.

    Returns
    -------
    pathlib.Path
        ``cache/notebooks`` under ``paths.data_dir()`` (which ``WECHAT_STUDY_DATA`` sets).

    Examples
    --------
    >>> from wechat_study import paths, reporting
    >>> reporting.cache_dir().relative_to(paths.data_dir()).as_posix()
    'cache/notebooks'
    """
    return paths.data_dir() / "cache" / "notebooks"


def cache_key(stem: str, params: dict) -> str:
    """SHA-256 over the notebook's bytes, its parameters, the library's source and templates,
    ``uv.lock``, and the ``.prepared.json`` stamp of every data set it reads.

    A researcher's own data set (an absolute path among the parameters) adds its path and ``user.digest``.

    Parameters
    ----------
    stem : str
        The notebook's stem.
    params : dict
        Every parameter of the run, as ``run`` passes them (compared as sorted JSON).

    Returns
    -------
    str
        The digest's first 20 hex characters.

    Examples
    --------
    >>> from wechat_study import reporting
    >>> params = reporting.parameters()["03-legal-thresholds"]
    >>> key = reporting.cache_key("03-legal-thresholds", params)
    >>> len(key), key == reporting.cache_key("03-legal-thresholds", {**params, "threshold_reposts": 1000})
    (20, False)
    """
    h = hashlib.sha256()
    h.update((INVESTIGATIONS / f"{stem}.ipynb").read_bytes())
    h.update(json.dumps(params, sort_keys=True).encode())
    h.update(library_digest().encode())
    lock = paths.CHECKOUT / "uv.lock"
    if lock.is_file():
        h.update(lock.read_bytes())
    for name in datasets_used(params):
        stamp = paths.processed_dir(name) / ".prepared.json"
        h.update(name.encode() + (stamp.read_bytes() if stamp.is_file() else b"-"))
    for path in user_paths(params):
        from .datasets import user

        h.update(path.encode() + user.digest(user.describe(path)).encode())
    return h.hexdigest()[:20]


def check_needs(stem: str, params: dict, mirror=None) -> None:
    """Refuse, before a kernel starts, a main data set that lacks what the notebook ``needs``
    (``investigations/ranges.yaml``), with the reason ``supports.of`` gives.

    Nothing is loaded when the notebook needs nothing or ``dataset`` is not one name (e.g. ``all``); else the
    data set is loaded (prepared if need be) and its repost counts computed.

    Parameters
    ----------
    stem : str
        The notebook's stem.
    params : dict
        The run's parameters: ``dataset`` and, where given, ``threshold_reposts`` (else the notebook's default).
    mirror : path, optional
        A local mirror to fetch from, as ``corpus.load`` takes it.

    Raises
    ------
    NotebookError
        The data set lacks one of the needs; the message gives the reason and what to do.

    Examples
    --------
    >>> from pathlib import Path
    >>> from wechat_study import reporting
    >>> mine = str(Path("examples/weibo-cascades.csv").resolve())
    >>> reporting.check_needs("05-early-warning", {"dataset": mine, "threshold_reposts": 50})
    >>> reporting.check_needs("05-early-warning", {"dataset": mine, "threshold_reposts": 5000})
    Traceback (most recent call last):
    ...
    wechat_study.notebooks.NotebookError: 05-early-warning cannot run on example weibo: 0 cascades of example weibo
    reach 5,000 observed reposts; ...
    """
    needs = (ranges().get(stem) or {}).get("needs") or []
    dataset = params.get("dataset")
    if not needs or not isinstance(dataset, str) or dataset in ("all",):
        return
    from . import supports
    from .corpus import load
    from .metrics import cascade_metrics

    corpus = load(dataset, mirror=mirror)
    threshold = params.get("threshold_reposts", defaults(stem).get("threshold_reposts"))
    reposts = cascade_metrics(corpus.posts, thresholds=())["reposts"] if threshold is not None else None
    able = supports.of(corpus, threshold=threshold, reposts=reposts)
    for need in needs:
        if getattr(able, need) is not None:
            hint = {"followers": "give the follower counts in the sidecar's followers:, or choose another data set"}
            raise NotebookError(f"{stem} cannot run on {able.name}: {getattr(able, need)} "
                                f"({hint.get(need, 'choose another data set or parameter')})")


def user_paths(params: dict) -> list[str]:
    """The researcher's own data sets a notebook's parameters name (absolute paths, as ``check`` leaves them).

    Parameters
    ----------
    params : dict
        A notebook's parameters; every string value, and every string in a list value, is looked at.

    Returns
    -------
    list of str
        The absolute paths among them, each once, in order of appearance.

    Examples
    --------
    >>> from wechat_study import reporting
    >>> reporting.user_paths({"dataset": "/home/me/posts.csv", "compare": ["ced", "/home/me/posts.csv"]})
    ['/home/me/posts.csv']
    """
    found = [v for value in params.values() for v in (value if isinstance(value, list) else [value])
             if isinstance(v, str) and os.path.isabs(v)]
    return list(dict.fromkeys(found))


def run(stem: str, overrides: dict | None = None, force: bool = False, cache_root: Path | None = None,
        mirror=None) -> Run:
    """Execute one notebook (or take it from the cache) and return what it recorded.

    The run happens in a temporary folder beside the cache entry; only a finished run replaces
    the entry (by renaming), so a run that is interrupted or fails leaves the old entry whole.

    Before the kernel starts, the parameters are checked against their ranges, the catalogued data sets they
    name are fetched and prepared, the researcher's own are prepared, and ``check_needs`` is passed.

    Parameters
    ----------
    stem : str
        The notebook's stem (not a short name; see ``notebooks.resolve``).
    overrides : dict, optional
        Parameters to change from ``params.yaml``'s (not checked for type; ``run_one`` checks them).
    force : bool
        Run even when the cache holds an entry for the key.
    cache_root : pathlib.Path, optional
        The cache folder (default ``cache_dir()``).
    mirror : path, optional
        A local mirror to fetch data sets from.

    Returns
    -------
    Run
        The executed notebook in the cache and its findings.

    Raises
    ------
    NotebookError
        A parameter out of range, a data set that lacks what the notebook needs, or two of the researcher's
        data sets with the same name.
    NotebookFailed
        A cell raised an error; the notebook as far as it ran is kept as ``KEY.failed.ipynb`` beside the entry.

    Examples
    --------
    Running needs a Jupyter kernel:

    >>> from wechat_study import reporting
    >>> r = reporting.run("03-legal-thresholds", {"dataset": "synthetic", "compare": []})  # doctest: +SKIP
    >>> r.cached, len(r.findings)  # doctest: +SKIP
    (False, ...)

    An entry already in the cache under the run's key is returned without running; here one is made by hand:

    >>> import json
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study import reporting
    >>> stem, synthetic = "03-legal-thresholds", {"dataset": "synthetic", "compare": []}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     entry = Path(d) / stem / reporting.cache_key(stem, {**reporting.parameters()[stem], **synthetic})
    ...     entry.mkdir(parents=True)
    ...     _ = (entry / "executed.ipynb").write_text("{}")
    ...     _ = (entry / "findings.jsonl").write_text(json.dumps({"name": "thresholds.synthetic.x", "value": 1}))
    ...     r = reporting.run(stem, synthetic, cache_root=Path(d))
    >>> r.cached, r.findings
    (True, {'thresholds.synthetic.x': {'value': 1}})
    """
    from .corpus import prepare

    params = {**parameters().get(stem, {}), **(overrides or {})}
    check_ranges(stem, {**defaults(stem), **params})
    for name in datasets_used(params):
        prepare(name, mirror=mirror)
    named: dict[str, str] = {}
    for path in user_paths(params):
        from .datasets import user

        spec = user.describe(path)
        if named.setdefault(spec.name, path) != path:
            raise NotebookError(f"{named[spec.name]} and {path} are both named {spec.name!r}; give one another "
                                "name in its sidecar (name: ...)")
        user.prepare(spec)
    check_needs(stem, params, mirror)
    key = cache_key(stem, params)
    folder = Path(cache_root or cache_dir()) / stem / key
    _remove_stale_staging(folder.parent)
    if (folder / "executed.ipynb").is_file() and (folder / "findings.jsonl").is_file() and not force:
        return Run(stem, folder / "executed.ipynb", read_recorded(folder / "findings.jsonl"), cached=True,
                   params=params)
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{key}.tmp-{os.getpid()}-", dir=folder.parent))
    try:
        _execute(stem, params, staging)
        _swap_into_place(staging, folder)
    except Exception as e:
        if type(e).__name__ != "PapermillExecutionError":
            raise
        partial = folder.parent / f"{key}.failed.ipynb"
        if (staging / "executing.ipynb").is_file():
            os.replace(staging / "executing.ipynb", partial)
        evalue = " ".join(str(e.evalue).split())
        raise NotebookFailed(f"{stem} stopped at cell [{e.exec_count}] with {e.ename}: {evalue[:500]} "
                             f"(parameters {json.dumps(overrides or {}, ensure_ascii=False)}; the notebook as far "
                             f"as it ran: {partial})") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Run(stem, folder / "executed.ipynb", read_recorded(folder / "findings.jsonl"), cached=False, params=params)


def default_jobs() -> int:
    """Notebooks run at once by default: one per core, at most 4 (each holds a data set in memory).

    Returns
    -------
    int
        1 to 4: the cores this process may use (``os.sched_getaffinity``, else ``os.cpu_count``).

    Examples
    --------
    >>> from wechat_study import reporting
    >>> 1 <= reporting.default_jobs() <= 4
    True
    """
    return max(1, min(4, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1))


def _timed_run(*args) -> tuple[Run, float]:
    import time

    start = time.monotonic()
    return run(*args), time.monotonic() - start


def run_many(stems: list[str], overrides: dict[str, dict] | None = None, force: bool = False,
             cache_root: Path | None = None, mirror=None, jobs: int | None = None) -> list[Run]:
    """``run`` for each of ``stems``, ``jobs`` notebooks at a time (default ``default_jobs()``); the runs
    come back in ``stems`` order. Each notebook runs in a kernel of its own, so its findings and page
    do not depend on ``jobs``.

    The data sets are fetched and prepared first, one at a time. One line is printed per notebook as it
    ends. When a notebook fails, those not yet started are not run, and its error is raised once the
    ones already running have ended.

    Parameters
    ----------
    stems : list of str
        The notebooks' stems.
    overrides : dict, optional
        Stem -> parameters to change, as ``run`` takes them.
    force : bool
        Run even what the cache holds.
    cache_root : pathlib.Path, optional
        The cache folder (default ``cache_dir()``).
    mirror : path, optional
        A local mirror to fetch data sets from.
    jobs : int, optional
        Notebooks at a time (at most ``len(stems)``); above 1 each runs in a process of its own.

    Returns
    -------
    list of Run
        One per stem, in ``stems`` order.

    Examples
    --------
    Running needs a Jupyter kernel:

    >>> from wechat_study import reporting
    >>> runs = reporting.run_many(["01", "03-legal-thresholds"], jobs=2)  # doctest: +SKIP

    With an entry already in the cache (made by hand here) nothing runs:

    >>> import json
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study import reporting
    >>> stem, synthetic = "03-legal-thresholds", {"dataset": "synthetic", "compare": []}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     entry = Path(d) / stem / reporting.cache_key(stem, {**reporting.parameters()[stem], **synthetic})
    ...     entry.mkdir(parents=True)
    ...     _ = (entry / "executed.ipynb").write_text("{}")
    ...     _ = (entry / "findings.jsonl").write_text(json.dumps({"name": "thresholds.synthetic.x", "value": 1}))
    ...     runs = reporting.run_many([stem], {stem: synthetic}, cache_root=Path(d), jobs=1)
    [1/1] 03-legal-thresholds: cached, 1 findings
    >>> [r.cached for r in runs]
    [True]
    """
    import concurrent.futures as cf
    import multiprocessing

    from .corpus import prepare

    overrides = overrides or {}
    for name in dict.fromkeys(n for stem in stems
                              for n in datasets_used({**parameters().get(stem, {}), **overrides.get(stem, {})})):
        prepare(name, mirror=mirror)
    jobs = max(1, min(jobs or default_jobs(), len(stems)))
    done: dict[str, Run] = {}

    def report(stem: str, r: Run, seconds: float) -> None:
        done[stem] = r
        how = "cached" if r.cached else f"ran in {seconds:.0f} s"
        print(f"[{len(done)}/{len(stems)}] {stem}: {how}, {len(r.findings)} findings", flush=True)

    if jobs == 1:
        for stem in stems:
            report(stem, *_timed_run(stem, overrides.get(stem), force, cache_root, mirror))
        return [done[s] for s in stems]
    print(f"{len(stems)} notebooks, {jobs} at a time", flush=True)
    with cf.ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("spawn")) as pool:
        futures = {pool.submit(_timed_run, stem, overrides.get(stem), force, cache_root, mirror): stem
                   for stem in stems}
        try:
            for f in cf.as_completed(futures):
                report(futures[f], *f.result())
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    return [done[s] for s in stems]


def _ipc_kernel_manager():
    """A kernel manager that talks to its kernel over local sockets (IPC), not TCP: nothing listens on a port,
    and the kernel does not warn of unencrypted TCP among the progress bars."""
    import uuid

    from jupyter_client.manager import AsyncKernelManager
    from jupyter_core.paths import jupyter_runtime_dir

    class IPCKernelManager(AsyncKernelManager):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.transport = "ipc"
            # sockets of their own (the default, "kernel-ipc" in the working folder, is shared by parallel runs)
            Path(jupyter_runtime_dir()).mkdir(parents=True, exist_ok=True)
            self.ip = str(Path(jupyter_runtime_dir()) / f"ws-{uuid.uuid4().hex[:16]}-ipc")

    return IPCKernelManager


def _execute(stem: str, params: dict, staging: Path) -> None:
    """Run the notebook by papermill into ``staging/executed.ipynb`` and ``staging/findings.jsonl``."""
    import nbformat
    import papermill

    recorded = staging / "findings.jsonl"
    recorded.touch()
    env = {FINDINGS_ENV: str(recorded), NOTEBOOK_ENV: stem, "WECHAT_STUDY_REPORT": "1", "PYTHONHASHSEED": "0",
           # one BLAS thread: the same sums in the same order however loaded the machine is
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        tmp = staging / "executing.ipynb"
        papermill.execute_notebook(str(INVESTIGATIONS / f"{stem}.ipynb"), str(tmp), parameters=params,
                                   kernel_name=KERNEL, cwd=str(INVESTIGATIONS), progress_bar=True, log_output=False,
                                   kernel_manager_class=_ipc_kernel_manager())
        nb = clean(nbformat.read(tmp, as_version=4))
        write_text(staging / "executed.ipynb", nbformat.writes(nb))
        tmp.unlink()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def _swap_into_place(staging: Path, folder: Path) -> None:
    """Rename ``staging`` to ``folder``, moving an old ``folder`` aside first and deleting it after.

    Between the two renames there is no entry at all (a cache miss), never a partial one; a run killed
    there leaves the old entry aside, and the next run puts it back (``_remove_stale_staging``).
    """
    old = folder.parent / f".{folder.name}.old-{os.getpid()}-{staging.name.rsplit('-', 1)[-1]}"
    try:
        os.replace(folder, old)
    except FileNotFoundError:
        old = None
    try:
        os.replace(staging, folder)
    except OSError:
        if not (folder / "executed.ipynb").is_file():
            raise
        # a concurrent run of the same key has just put its entry in place: keep that one
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _stale(entry: Path) -> bool:
    """A ``.KEY.tmp-PID-*`` or ``.KEY.old-PID`` folder whose process is gone."""
    parts = entry.name.split(".")
    if not entry.name.startswith(".") or len(parts) < 3 or not parts[2].startswith(("tmp-", "old-")):
        return False
    pid = parts[2].split("-")[1]
    return pid.isdigit() and not _alive(int(pid))


def _remove_stale_staging(stem_dir: Path) -> list[Path]:
    """Delete what killed runs left in ``stem_dir``; an old entry moved aside and never replaced goes back."""
    gone = [p for p in stem_dir.iterdir() if p.is_dir() and _stale(p)] if stem_dir.is_dir() else []
    for p in gone:
        entry = stem_dir / p.name.split(".")[1]
        if ".old-" in p.name and not entry.exists():
            os.replace(p, entry)
        else:
            shutil.rmtree(p, ignore_errors=True)
    return gone


def clean(nb):
    """Drop what changes from run to run: timings, papermill's metadata, random cell ids, stderr.

    Parameters
    ----------
    nb : nbformat.NotebookNode
        An executed notebook; it is not changed.

    Returns
    -------
    nbformat.NotebookNode
        A copy without papermill's and widget metadata, the Python version, cells' papermill and execution
        metadata or stderr output. The injected-parameters cell gets the id ``injected-parameters``, a cell
        without an id ``cell-N``.

    Examples
    --------
    >>> import nbformat
    >>> from wechat_study.reporting import clean
    >>> nb = nbformat.v4.new_notebook(metadata={"papermill": {"duration": 3.2}})
    >>> cell = nbformat.v4.new_code_cell("print(1)", metadata={"execution": {"iopub.status.busy": "..."}})
    >>> cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\\n"),
    ...                 nbformat.v4.new_output("stream", name="stderr", text="a warning\\n")]
    >>> nb.cells.append(cell)
    >>> out = clean(nb)
    >>> "papermill" in out.metadata, dict(out.cells[0].metadata), [o.name for o in out.cells[0].outputs]
    (False, {}, ['stdout'])
    """
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    nb.metadata.pop("widgets", None)
    nb.metadata.get("language_info", {}).pop("version", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        cell["id"] = "injected-parameters" if "injected-parameters" in cell.metadata.get("tags", []) else cell.get(
            "id", f"cell-{i}")
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if not (o.output_type == "stream" and o.name == "stderr")]
    return nb


def reproduce(stems: list[str] | None = None, force: bool = False, mirror=None, reports: Path | None = None,
              overrides: dict[str, dict] | None = None, cache_root: Path | None = None,
              jobs: int | None = None) -> list[Run]:
    """Run (or take from the cache) each notebook, ``jobs`` at a time (see ``run_many``); then write its
    report, the ledger and the index.

    Names may be short (see ``notebooks.resolve``). Nothing under ``reports/`` is written until
    every notebook has run, so an interrupted or failed reproduce leaves the reports as they were.
    ``reports``, ``overrides`` (stem -> parameters) and ``cache_root`` exist for tests.

    The ledger keeps the findings of the notebooks not run and replaces those of the ones run.

    Parameters
    ----------
    stems : list of str, optional
        The notebooks, short names allowed (default: all, in run order).
    force : bool
        Run even what the cache holds.
    mirror : path, optional
        A local mirror to fetch data sets from.
    reports : pathlib.Path, optional
        The folder to write (default ``REPORTS``, the checkout's ``reports/``).
    overrides : dict, optional
        Stem -> parameters to change.
    cache_root : pathlib.Path, optional
        The cache folder (default ``cache_dir()``).
    jobs : int, optional
        Notebooks at a time (``run_many``).

    Returns
    -------
    list of Run
        One per notebook, in run order.

    Examples
    --------
    It runs notebooks in a Jupyter kernel (and fetches the catalogued data sets they read):

    >>> import tempfile
    >>> from wechat_study import reporting
    >>> offline = {"03-legal-thresholds": {"dataset": "synthetic", "compare": []}}
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     runs = reporting.reproduce(["03"], reports=d, overrides=offline)
    """
    from .pages import index_page, methods, render, write_chart_data

    reports = Path(reports or REPORTS)
    stems = list(dict.fromkeys(resolve(s) for s in stems)) if stems else notebooks()
    runs = run_many(stems, overrides, force=force, cache_root=cache_root, mirror=mirror, jobs=jobs)
    pages = {r.stem: render(r.executed, r.stem) for r in runs}
    ledger_path = reports / LEDGER.name
    ledger = {k: v for k, v in load_ledger(ledger_path).items() if v.get("notebook") not in stems}
    for r in runs:
        ledger.update(r.findings)
    for r in runs:
        write_text(reports / f"{r.stem}.html", pages[r.stem])
        write_chart_data(r.executed, r.stem, reports / "data")
    write_text(ledger_path, dump_ledger(ledger))
    write_text(reports / "index.html", index_page(ledger, notebooks(), reports))
    if METHODS.is_file():
        write_text(reports / "methods.html", methods())
    return runs


def verify(mirror=None, jobs: int | None = None):
    """Re-run every notebook from scratch (``jobs`` at a time, see ``run_many``); compare its findings with
    ``reports/findings.json`` and its rendered page with the committed one.

    Returns (``findings.compare`` table of what drifted, names of reports whose bytes differ).

    The runs go to a temporary cache, so the real cache is neither read nor changed.

    Parameters
    ----------
    mirror : path, optional
        A local mirror to fetch data sets from.
    jobs : int, optional
        Notebooks at a time (``run_many``).

    Returns
    -------
    tuple of (pandas.DataFrame, list of str)
        The drift (empty when none) and the ``STEM.html`` names whose rendering differs from ``reports/``.

    Examples
    --------
    It re-runs every notebook on the catalogued data sets, which takes a long time:

    >>> from wechat_study import reporting
    >>> drift, pages = reporting.verify(jobs=2)  # doctest: +SKIP
    >>> drift.empty, pages  # doctest: +SKIP
    (True, [])
    """
    from .pages import render

    fresh: dict[str, dict] = {}
    differing = []
    with tempfile.TemporaryDirectory(prefix="wechat-study-verify-") as tmp:
        for r in run_many(notebooks(), force=True, cache_root=Path(tmp), mirror=mirror, jobs=jobs):
            fresh.update(r.findings)
            committed, page = REPORTS / f"{r.stem}.html", render(r.executed, r.stem)
            old = committed.read_text("utf-8") if committed.is_file() else ""
            if old != page:
                differing.append(f"{r.stem}.html: {first_difference(old, page)}")
    return compare(load_ledger(LEDGER), fresh), differing


def first_difference(old: str, new: str, width: int = 80) -> str:
    """Where two texts first differ: the character offset and ``width`` characters of each from a little before.

    Parameters
    ----------
    old, new : str
        The committed text and the fresh one.
    width : int
        Characters shown of each.

    Returns
    -------
    str
        ``"from character N: committed '…' / fresh '…'"``, or ``"identical"``.

    Examples
    --------
    >>> from wechat_study.reporting import first_difference
    >>> first_difference("the share is 0.291 of all", "the share is 0.292 of all", width=12)
    "from character 17: committed '0.291 of all' / fresh '0.292 of all'"
    """
    if old == new:
        return "identical"
    at = next((i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b), min(len(old), len(new)))
    start = max(0, at - width // 3)
    return f"from character {at}: committed {old[start:start + width]!r} / fresh {new[start:start + width]!r}"


# --- one notebook, other parameters ---------------------------------------------------------------

def runs_dir() -> Path:
    """``runs/`` in a source checkout (git-ignores itself), else ``./runs``.

    Returns
    -------
    pathlib.Path
        The checkout's ``runs`` folder when ``pyproject.toml`` is beside the package, else ``runs`` under the
        working directory.

    Examples
    --------
    >>> from wechat_study import paths, reporting
    >>> reporting.runs_dir().relative_to(paths.CHECKOUT).as_posix()
    'runs'
    """
    return paths.CHECKOUT / "runs" if (paths.CHECKOUT / "pyproject.toml").is_file() else Path.cwd() / "runs"


def _slug_value(value) -> str:
    """``value`` as a folder-name part; where the slug drops characters (``-5000``, ``2013/09/10``) a short
    digest of the exact value is added, so that two values never share a folder."""
    if isinstance(value, list):
        return "_".join(_slug_value(v) for v in value) or "none"
    text = json.dumps(value) if isinstance(value, bool) else str(value)
    text = Path(text).name if isinstance(value, str) and os.path.isabs(value) else text
    slug = re.sub(r"[^a-z0-9.]+", "_", text.lower()).strip("_") or "x"
    if slug != str(value):
        slug += "_" + hashlib.sha256(json.dumps(value, default=str).encode()).hexdigest()[:6]
    return slug


def default_out(stem: str, overrides: dict) -> Path:
    """``runs/STEM`` plus ``-NAME-VALUE`` for each override (``runs/03-legal-thresholds-threshold_reposts-1000``).

    Overrides are taken in name order. A value is lower-cased with runs of other characters than letters,
    digits and dots turned to ``_`` (a path by its file name, a list joined by ``_``, an empty one ``none``);
    where that changes it, six hex characters of its digest are added. A name over 120 characters becomes
    ``STEM-`` and a 12-character digest of the overrides.

    Parameters
    ----------
    stem : str
        The notebook's stem.
    overrides : dict
        The changed parameters.

    Returns
    -------
    pathlib.Path
        The folder under ``runs_dir()``.

    Examples
    --------
    >>> from wechat_study import reporting
    >>> reporting.default_out("03-legal-thresholds", {"threshold_reposts": 1000}).name
    '03-legal-thresholds-threshold_reposts-1000'
    >>> reporting.default_out("03-legal-thresholds", {"interpretation_date": "2013-09-10", "compare": []}).name
    '03-legal-thresholds-compare-none-interpretation_date-2013_09_10_efb3eb'
    """
    name = "-".join([stem] + [f"{k}-{_slug_value(v)}" for k, v in sorted(overrides.items())])
    if len(name) > 120:
        name = f"{stem}-{hashlib.sha256(json.dumps(overrides, sort_keys=True).encode()).hexdigest()[:12]}"
    return runs_dir() / name


def run_one(notebook: str, params: dict | None = None, out: str | os.PathLike | None = None, force: bool = False,
            mirror=None) -> Run:
    """Run one notebook with ``params`` overriding its defaults, into its own folder.

    ``notebook`` may be short (``03``, ``legal-thresholds``). ``params`` are checked against
    the notebook's parameters (``notebooks.check``). ``out`` (default ``default_out``) must be
    new, empty, or written by an earlier ``run_one`` and holding only what that wrote
    (``atomic.check_output``, checked before the run starts); once the run is complete it is
    replaced whole by ``STEM.ipynb`` (executed), ``STEM.html`` (the report), ``data/STEM/*.csv``
    (each chart's data), ``findings.json`` (its findings, in the ledger's format), ``params.yaml``
    (every parameter of the run) and the marker ``atomic.MARKER``. ``reports/`` is never
    touched; the run is cached like any other.

    Parameters
    ----------
    notebook : str
        The notebook, a short name allowed.
    params : dict, optional
        Parameters to change (checked and normalised by ``notebooks.check``).
    out : path, optional
        The folder to write (default ``default_out``).
    force : bool
        Run even when the cache holds an entry.
    mirror : path, optional
        A local mirror to fetch data sets from.

    Returns
    -------
    Run
        The run, its ``executed`` pointing at ``out/STEM.ipynb``.

    Examples
    --------
    It runs the notebook in a Jupyter kernel:

    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study import reporting
    >>> with tempfile.TemporaryDirectory() as d:  # doctest: +SKIP
    ...     r = reporting.run_one("03", {"dataset": "synthetic", "threshold_reposts": 100}, out=Path(d) / "run")
    ...     sorted(p.name for p in (Path(d) / "run").iterdir())
    ['.wechat_study-output.json', '03-legal-thresholds.html', '03-legal-thresholds.ipynb', 'data', 'findings.json',
     'params.yaml']
    """
    import yaml

    from .pages import render, write_chart_data

    stem = resolve(notebook)
    overrides = check(stem, params or {})
    out = Path(out) if out is not None else default_out(stem, overrides)
    check_output(out, RUN_OWNER)
    r = run(stem, overrides=overrides, force=force, mirror=mirror)
    with staged_dir(out, owner=RUN_OWNER) as staging:
        write_text(staging / f"{stem}.ipynb", r.executed.read_text("utf-8"))
        write_text(staging / f"{stem}.html", render(r.executed, stem, index=False))
        write_text(staging / "findings.json", dump_ledger(r.findings))
        write_text(staging / "params.yaml", yaml.safe_dump({stem: r.params}, sort_keys=False, allow_unicode=True))
        write_chart_data(r.executed, stem, staging / "data")
    r.executed = out / f"{stem}.ipynb"
    return r


# --- the cache -------------------------------------------------------------------------------------

def _size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.is_dir() else path.stat().st_size


def prune_cache(root: Path | None = None, dry_run: bool = False) -> list[tuple[Path, int]]:
    """Delete every cache entry but the current key of each notebook (its ``params.yaml`` parameters),
    and leftovers of interrupted runs. Returns (path, bytes) of what was (or would be) removed.

    A folder of a notebook no longer in ``params.yaml`` goes whole; a ``.KEY.tmp-PID-*`` folder whose process
    is still alive is a run in progress, and stays.

    Parameters
    ----------
    root : pathlib.Path, optional
        The cache folder (default ``cache_dir()``).
    dry_run : bool
        Only list what would be removed.

    Returns
    -------
    list of (pathlib.Path, int)
        Each entry removed (or to remove) and its size in bytes; empty when ``root`` is not a folder.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study import reporting
    >>> stem = "03-legal-thresholds"
    >>> with tempfile.TemporaryDirectory() as d:
    ...     current = Path(d) / stem / reporting.cache_key(stem, reporting.parameters()[stem])
    ...     old = Path(d) / stem / "0123456789abcdef0123"
    ...     for entry in (current, old):
    ...         entry.mkdir(parents=True)
    ...         _ = (entry / "executed.ipynb").write_text("{}")
    ...     removed = reporting.prune_cache(Path(d))
    ...     print([(p.name, size) for p, size in removed], current.exists(), old.exists())
    [('0123456789abcdef0123', 2)] True False
    """
    root = Path(root or cache_dir())
    if not root.is_dir():
        return []
    params = parameters()
    keep = {stem: cache_key(stem, params[stem]) for stem in params}
    doomed = []
    for stem_dir in sorted(p for p in root.iterdir()):
        if stem_dir.name not in keep:
            doomed.append(stem_dir)
            continue
        for entry in sorted(stem_dir.iterdir()):
            if entry.name == keep[stem_dir.name]:
                continue
            if entry.name.startswith(".") and ".tmp-" in entry.name and not _stale(entry):
                continue  # a run in progress
            doomed.append(entry)
    removed = [(p, _size(p)) for p in doomed]
    if not dry_run:
        for p in doomed:
            shutil.rmtree(p) if p.is_dir() else p.unlink()
    return removed
