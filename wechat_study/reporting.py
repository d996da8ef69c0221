"""Run the investigation notebooks with papermill, render offline HTML reports, keep the ledger.

- ``run(stem)`` executes ``investigations/STEM.ipynb`` with its parameters from
  ``investigations/params.yaml`` (overridable), in a kernel of the running Python, and gathers
  the findings it records. An executed notebook is cached under ``data/cache/notebooks/`` by a
  key over everything that can change it (see ``cache_key``), and is not run again unless
  ``force``.
- ``pages.render(executed)`` turns it into a self-contained HTML page (see ``pages``).
- ``reproduce()`` does both for every notebook and writes ``reports/`` (the pages, ``index.html``
  and the ledger ``findings.json``); ``verify()`` re-runs everything and compares the findings
  with the committed ledger.
"""

from __future__ import annotations

import copy
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from . import paths
from .atomic import write_text
from .datasets.catalog import CATALOG, INVESTIGATED
from .pages import index_page, render
from .findings import FINDINGS_ENV, NOTEBOOK_ENV, compare, dump_ledger, load_ledger, read_recorded

PACKAGE = paths.PACKAGE
INVESTIGATIONS = paths.CHECKOUT / "investigations"
REPORTS = paths.CHECKOUT / "reports"
LEDGER = REPORTS / "findings.json"
KERNEL = "python3"  # the running Python's own kernel (jupyter_client maps it to sys.executable)


@dataclass
class Run:
    """One executed notebook: where it is, what it recorded, and whether it came from the cache."""

    stem: str
    executed: Path
    findings: dict[str, dict]
    cached: bool


def notebooks() -> list[str]:
    """Notebook stems in run order: the keys of ``investigations/params.yaml``."""
    return list(parameters())


def parameters() -> dict[str, dict]:
    return yaml.safe_load((INVESTIGATIONS / "params.yaml").read_text("utf-8")) or {}


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
    return paths.source_digest(sorted(p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in {".py", ".j2", ".json", ".tsv"}))


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
    return h.hexdigest()[:20]


def run(stem: str, overrides: dict | None = None, force: bool = False, cache_root: Path | None = None,
        mirror=None) -> Run:
    """Execute one notebook (or take it from the cache) and return what it recorded."""
    import papermill

    from .corpus import prepare

    params = {**parameters().get(stem, {}), **(overrides or {})}
    for name in datasets_used(params):
        prepare(name, mirror=mirror)
    key = cache_key(stem, params)
    folder = (cache_root or paths.data_dir() / "cache" / "notebooks") / stem / key
    executed, recorded = folder / "executed.ipynb", folder / "findings.jsonl"
    if executed.is_file() and not force:
        return Run(stem, executed, read_recorded(recorded), cached=True)
    folder.mkdir(parents=True, exist_ok=True)
    recorded.unlink(missing_ok=True)
    env = {FINDINGS_ENV: str(recorded), NOTEBOOK_ENV: stem, "WECHAT_STUDY_REPORT": "1", "PYTHONHASHSEED": "0"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    try:
        tmp = folder / "executing.ipynb"
        papermill.execute_notebook(str(INVESTIGATIONS / f"{stem}.ipynb"), str(tmp), parameters=params,
                                   kernel_name=KERNEL, cwd=str(INVESTIGATIONS), progress_bar=True, log_output=False)
        nb = clean(nbformat.read(tmp, as_version=4))
        write_text(executed, nbformat.writes(nb))
        tmp.unlink()
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return Run(stem, executed, read_recorded(recorded), cached=False)


def clean(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
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


def reproduce(stems: list[str] | None = None, force: bool = False, mirror=None) -> list[Run]:
    """Run (or take from the cache) each notebook, write its report, the ledger and the index."""
    stems = stems or notebooks()
    unknown = [s for s in stems if s not in parameters()]
    if unknown:
        raise KeyError(f"no notebook {unknown[0]!r} in investigations/params.yaml; known: {', '.join(notebooks())}")
    runs = []
    for i, stem in enumerate(stems, 1):
        print(f"[{i}/{len(stems)}] {stem}", flush=True)
        r = run(stem, force=force, mirror=mirror)
        print(f"    {'cached' if r.cached else 'ran'}: {len(r.findings)} findings -> reports/{stem}.html", flush=True)
        write_text(REPORTS / f"{stem}.html", render(r.executed, stem))
        runs.append(r)
    ledger = {k: v for k, v in load_ledger(LEDGER).items() if v.get("notebook") not in stems}
    for r in runs:
        ledger.update(r.findings)
    write_text(LEDGER, dump_ledger(ledger))
    write_text(REPORTS / "index.html", index_page(ledger, notebooks()))
    return runs


def verify(mirror=None) -> tuple[pd.DataFrame, list[str]]:
    """Re-run every notebook from scratch; compare its findings with ``reports/findings.json`` and
    its rendered page with the committed one.

    Returns (``findings.compare`` table of what drifted, names of reports whose bytes differ).
    """
    fresh: dict[str, dict] = {}
    differing = []
    with tempfile.TemporaryDirectory(prefix="wechat-study-verify-") as tmp:
        for i, stem in enumerate(notebooks(), 1):
            print(f"[{i}/{len(notebooks())}] {stem}", flush=True)
            r = run(stem, force=True, cache_root=Path(tmp), mirror=mirror)
            fresh.update(r.findings)
            committed = REPORTS / f"{stem}.html"
            if not committed.is_file() or committed.read_text("utf-8") != render(r.executed, stem):
                differing.append(f"{stem}.html")
    return compare(load_ledger(LEDGER), fresh), differing
