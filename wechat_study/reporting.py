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
from .notebooks import INVESTIGATIONS, NotebookError, check, check_ranges, defaults, parameters, ranges, resolve, stems

__all__ = [
    "PACKAGE", "REPORTS", "LEDGER", "KERNEL", "RUN_OWNER", "NotebookFailed", "Run", "notebooks",
    "datasets_used", "library_digest", "cache_dir", "cache_key", "check_needs", "user_paths", "run",
    "default_jobs", "run_many", "clean", "reproduce", "verify", "runs_dir", "default_out", "run_one",
    "prune_cache"
]

PACKAGE = paths.PACKAGE
REPORTS = paths.CHECKOUT / "reports"
LEDGER = REPORTS / "findings.json"
KERNEL = "python3"  # the running Python's own kernel (jupyter_client maps it to sys.executable)
RUN_OWNER = "wechat-study run"  # the owner named in the marker of a folder ``run_one`` wrote (see ``atomic``)


class NotebookFailed(WechatStudyError, RuntimeError):
    """A notebook stopped with an error; the message names the cell, the error and the partial notebook."""


@dataclass
class Run:
    """One executed notebook: where it is, what it recorded, and whether it came from the cache."""

    stem: str
    executed: Path
    findings: dict[str, dict]
    cached: bool
    params: dict | None = None


def notebooks() -> list[str]:
    """Notebook stems in run order: the keys of ``investigations/params.yaml``."""
    return stems()


def datasets_used(params: dict) -> list[str]:
    """The catalogued data sets a notebook's parameters name (``"all"``: every investigated one)."""
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
    suffixes = {".py", ".j2", ".json", ".tsv"}
    return paths.source_digest(sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in suffixes))


def cache_dir() -> Path:
    """``data/cache/notebooks``: one folder per notebook, one sub-folder per cache key."""
    return paths.data_dir() / "cache" / "notebooks"


def cache_key(stem: str, params: dict) -> str:
    """SHA-256 over the notebook's bytes, its parameters, the library's source and templates,
    ``uv.lock``, and the ``.prepared.json`` stamp of every data set it reads."""
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
    (``investigations/ranges.yaml``), with the reason ``supports.of`` gives."""
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
    """The researcher's own data sets a notebook's parameters name (absolute paths, as ``check`` leaves them)."""
    found = [v for value in params.values() for v in (value if isinstance(value, list) else [value])
             if isinstance(v, str) and os.path.isabs(v)]
    return list(dict.fromkeys(found))


def run(stem: str, overrides: dict | None = None, force: bool = False, cache_root: Path | None = None,
        mirror=None) -> Run:
    """Execute one notebook (or take it from the cache) and return what it recorded.

    The run happens in a temporary folder beside the cache entry; only a finished run replaces
    the entry (by renaming), so a run that is interrupted or fails leaves the old entry whole.
    """
    from .corpus import prepare

    params = {**parameters().get(stem, {}), **(overrides or {})}
    check_ranges(stem, {**defaults(stem), **params})
    for name in datasets_used(params):
        prepare(name, mirror=mirror)
    for path in user_paths(params):
        from .datasets import user

        user.prepare(user.describe(path))
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
    """Notebooks run at once by default: one per core, at most 4 (each holds a data set in memory)."""
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


def _execute(stem: str, params: dict, staging: Path) -> None:
    """Run the notebook by papermill into ``staging/executed.ipynb`` and ``staging/findings.jsonl``."""
    import nbformat
    import papermill

    recorded = staging / "findings.jsonl"
    recorded.touch()
    env = {FINDINGS_ENV: str(recorded), NOTEBOOK_ENV: stem, "WECHAT_STUDY_REPORT": "1", "PYTHONHASHSEED": "0"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        tmp = staging / "executing.ipynb"
        papermill.execute_notebook(str(INVESTIGATIONS / f"{stem}.ipynb"), str(tmp), parameters=params,
                                   kernel_name=KERNEL, cwd=str(INVESTIGATIONS), progress_bar=True, log_output=False)
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
    """Drop what changes from run to run: timings, papermill's metadata, random cell ids, stderr."""
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
    """
    from .pages import index_page, render, write_chart_data

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
    return runs


def verify(mirror=None, jobs: int | None = None):
    """Re-run every notebook from scratch (``jobs`` at a time, see ``run_many``); compare its findings with
    ``reports/findings.json`` and its rendered page with the committed one.

    Returns (``findings.compare`` table of what drifted, names of reports whose bytes differ).
    """
    from .pages import render

    fresh: dict[str, dict] = {}
    differing = []
    with tempfile.TemporaryDirectory(prefix="wechat-study-verify-") as tmp:
        for r in run_many(notebooks(), force=True, cache_root=Path(tmp), mirror=mirror, jobs=jobs):
            fresh.update(r.findings)
            committed = REPORTS / f"{r.stem}.html"
            if not committed.is_file() or committed.read_text("utf-8") != render(r.executed, r.stem):
                differing.append(f"{r.stem}.html")
    return compare(load_ledger(LEDGER), fresh), differing


# --- one notebook, other parameters ---------------------------------------------------------------

def runs_dir() -> Path:
    """``runs/`` in a source checkout (git-ignores itself), else ``./runs``."""
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
    """``runs/STEM`` plus ``-NAME-VALUE`` for each override (``runs/03-legal-thresholds-threshold_reposts-1000``)."""
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
        write_text(staging / f"{stem}.html", render(r.executed, stem))
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
    and leftovers of interrupted runs. Returns (path, bytes) of what was (or would be) removed."""
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
