"""The ``wechat-study`` command: data, notebooks, reports and the ledger, from a shell.

Every user mistake (an unknown name, a bad value, a missing folder) ends in one line on stderr,
``wechat-study: error: ...``, and exit status 2 (a wrong argument) or 1 (anything else the
package refuses). Heavy modules are imported inside the commands, so ``--help`` is quick.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from . import __version__
from .errors import WechatStudyError, disk_error

__all__ = [
    "DESCRIPTION", "EPILOG", "EXTRAS", "UsageError", "cmd_list", "cmd_fetch", "cmd_prepare", "cmd_check", "cmd_audit",
    "cmd_reproduce", "cmd_run", "cmd_compare", "cmd_verify", "cmd_prune", "cmd_synth", "cmd_metrics", "JOBS_HELP",
    "MIRROR_HELP", "parser", "main"
]


def _catalog_names() -> list[str]:
    """The catalogued data sets' names, for help texts: one manifest each (importing the catalog costs more)."""
    return sorted(p.stem for p in (Path(__file__).parent / "datasets" / "manifests").glob("*.tsv"))


DESCRIPTION = ("Virality and censorship on Chinese social media, against China's 2013 thresholds (500 reposts, "
               "5,000 views): fetch and prepare the public data sets, run the investigation's notebooks, render "
               "the reports and check the findings.")

EPILOG = """examples:
  wechat-study data fetch all          download (or copy from $WECHAT_STUDY_MIRROR) and verify every data set
  wechat-study reproduce               run every notebook and write reports/ (cached runs are reused)
  wechat-study reproduce 03 --force    run notebook 03-legal-thresholds again
  wechat-study run 03 -p threshold_reposts 750
                                       notebook 03 at a 750-repost threshold, into runs/ (reports/ untouched)
  wechat-study run 03 --help           notebook 03's parameters: kind, default, range and meaning
  wechat-study compare runs/A runs/B   two runs of one notebook side by side (CSV and a page)
  wechat-study verify                  re-run every notebook and compare with reports/findings.json
  wechat-study cache prune             delete notebook runs cached for old code, data or parameters

Run `wechat-study COMMAND --help` for a command's options. Data sets: """ + ", ".join(_catalog_names()) + "."


#: The modules each optional extra of the package brings (pyproject.toml's optional-dependencies).
EXTRAS = {**dict.fromkeys(["altair", "nbconvert", "nbformat", "vl_convert", "great_tables"], "reports"),
          **dict.fromkeys(["papermill", "ipykernel", "jupyter_client", "jupyterlab", "nbclient"], "notebooks"),
          **dict.fromkeys(["dask", "distributed"], "scale")}


class UsageError(WechatStudyError):
    """A command line argparse cannot parse: exit status 2.

    The command's parser raises it instead of printing its usage and exiting; ``main`` prints its one line.

    Examples
    --------
    >>> from wechat_study import cli
    >>> cli.parser().parse_args(["synth", "--posts", "ten", "--out", "parts"])
    Traceback (most recent call last):
    ...
    wechat_study.cli.UsageError: argument --posts: expected a whole number, not 'ten' (see `wechat-study synth --help`)
    >>> issubclass(cli.UsageError, cli.WechatStudyError)
    True
    """


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage block
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _count(text: str) -> int:
    """A whole number of at least 1; ``1,000`` and ``1_000`` are fine."""
    try:
        n = int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {n}")
    return n


def _seed(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, not {text!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be 0 or more, not {n}")
    return n


def _folder(text: str) -> str:
    path = Path(text).expanduser()
    if not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: {'is not a folder' if path.exists() else 'no such folder'}")
    return str(path)


def _mirror_from_env(args) -> None:
    """Call out a ``WECHAT_STUDY_MIRROR`` that names no folder, for commands that may fetch."""
    value = os.environ.get("WECHAT_STUDY_MIRROR")
    if hasattr(args, "mirror") and args.mirror is None and value and not Path(value).expanduser().is_dir():
        raise WechatStudyError(f"WECHAT_STUDY_MIRROR={value}: no such folder; point it at a mirror laid out as "
                               "MIRROR/NAME/REPO-COMMIT.tar.gz, or unset it to download from GitHub")


def _names(values: list[str]) -> list[str]:
    """Data-set names, case-folded; ``all`` is every data set the investigation uses."""
    from .datasets.catalog import CATALOG, INVESTIGATED

    names = [v.lower() for v in values]
    if "all" in names:
        return list(INVESTIGATED)
    for v in names:
        if v not in CATALOG:
            raise WechatStudyError(f"unknown data set {v!r}; the catalog has: {', '.join(sorted(CATALOG))}")
    return list(dict.fromkeys(names))


def _shown_path(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def cmd_list(args) -> None:
    """``wechat-study data list``: print each catalogued data set, its state and its title.

    The state is ``prepared`` (its processed tables are current), ``fetched`` (a verified copy, not prepared)
    or ``-``; a line says why processed tables that exist are out of date.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed command line (no options are read).

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study import cli
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"WECHAT_STUDY_DATA": tmp}):
    ...     cli.cmd_list(cli.parser().parse_args(["data", "list"]))
    ced          -          6776 files  thunlp/Chinese_Rumor_Dataset@c1178d8cfd  No licence file upstream; research use
                 CED: 3,387 Sina Weibo source posts (1,538 rumours, 1,849 non-rumours) with their repost/comment trees
    wbmsf        -           524 files  Les1ie/HERI-GCN@82277e8689 ...
    """
    from .corpus import problem
    from .datasets.catalog import CATALOG
    from .fetch import is_verified

    for ds in CATALOG.values():
        why = problem(ds.name)
        state = "prepared" if why is None else ("fetched" if is_verified(ds) else "-")
        print(f"{ds.name:<12} {state:<9} {len(ds.manifest):>5} files  {ds.owner}/{ds.repo}@{ds.commit[:10]}  "
              f"{ds.licence}")
        print(f"{'':<12} {ds.title}")
        if why is not None and why != "not prepared":
            print(f"{'':<12} processed tables: {why}; `wechat-study data prepare {ds.name}` rebuilds them")


def cmd_fetch(args) -> None:
    """``wechat-study data fetch NAME...``: download (or copy from a mirror) and verify each data set named.

    Parameters
    ----------
    args : argparse.Namespace
        ``names`` (data-set names, any case, or ``all``: every data set the investigation uses), ``mirror`` (a
        folder, or None for ``$WECHAT_STUDY_MIRROR`` or GitHub) and ``force`` (fetch again even when a verified
        copy exists).

    Raises
    ------
    WechatStudyError
        When a name is not in the catalog (before anything is fetched), or the fetch fails.

    Examples
    --------
    >>> from wechat_study import cli
    >>> cli.cmd_fetch(cli.parser().parse_args(["data", "fetch", "wechatscope"]))  # doctest: +SKIP
    >>> cli.cmd_fetch(cli.parser().parse_args(["data", "fetch", "nope"]))
    Traceback (most recent call last):
    ...
    wechat_study.errors.WechatStudyError: unknown data set 'nope'; the catalog has: ced, citizenlab, twitter15, ...
    """
    from .datasets.catalog import CATALOG
    from .fetch import fetch

    for name in _names(args.names):
        t = time.perf_counter()
        path = fetch(name, mirror=args.mirror, force=args.force)
        print(f"{name}: {len(CATALOG[name].manifest):,} files verified in {path} ({time.perf_counter() - t:.1f} s)")


def cmd_prepare(args) -> None:
    """``wechat-study data prepare NAME...``: build each named data set's canonical Parquet tables.

    Each data set is fetched first when needed; its quality report and the time taken are printed.

    Parameters
    ----------
    args : argparse.Namespace
        ``names``, ``mirror`` and ``force`` (prepare again even when current), as for ``cmd_fetch``.

    Raises
    ------
    WechatStudyError
        When a name is not in the catalog, or the data cannot be fetched or read.

    Examples
    --------
    >>> from wechat_study import cli
    >>> cli.cmd_prepare(cli.parser().parse_args(["data", "prepare", "wechatscope"]))  # doctest: +SKIP
    >>> cli.cmd_prepare(cli.parser().parse_args(["data", "prepare", "nope"]))
    Traceback (most recent call last):
    ...
    wechat_study.errors.WechatStudyError: unknown data set 'nope'; the catalog has: ced, citizenlab, twitter15, ...
    """
    from .corpus import prepare

    for name in _names(args.names):
        t = time.perf_counter()
        report = prepare(name, mirror=args.mirror, force=args.force)
        print(report.format())
        print(f"{name}: prepared in {time.perf_counter() - t:.1f} s\n")


def cmd_check(args) -> None:
    """``wechat-study data check PATH``: read a researcher's own posts, say what they support, prepare them.

    Prints the quality report, the posts and cascades read, the folder prepared (under ``DATA/processed/``),
    which analyses can run on them and the command that runs notebook 03 on them.

    Parameters
    ----------
    args : argparse.Namespace
        ``path`` (the file or folder); the sidecar overrides ``name``, ``format``, ``timezone``, ``time_unit``,
        ``observation_end``, ``labels``, ``followers``, ``title`` and ``citation`` (None: not given);
        ``write_sidecar`` (save the options as ``PATH.yaml``) and ``force`` (prepare again, and overwrite an
        existing sidecar).

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study import cli
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"WECHAT_STUDY_DATA": tmp}):
    ...     cli.cmd_check(cli.parser().parse_args(["data", "check", "examples/weibo-crawler.csv"]))
    quality report: example_weibo_crawler ...
    example_weibo_crawler: 1,899 posts in 40 cascades, prepared in ...
    run it: wechat-study run 03 -p dataset examples/weibo-crawler.csv
    """
    from . import supports
    from .datasets import user
    from .thresholds import REPOSTS

    options = {k: getattr(args, k) for k in ("name", "format", "timezone", "time_unit", "observation_end", "labels",
                                             "followers", "title", "citation") if getattr(args, k) is not None}
    import shlex

    spec = user.describe(args.path, **options)
    if args.write_sidecar:
        user.check_sidecar_target(spec, force=args.force)
    folder, report = user.prepare(spec, force=args.force)  # the data are read before the sidecar is written
    print(report.format())
    corpus = user.load(args.path, **options)
    if args.write_sidecar:
        print(f"sidecar: {_shown_path(user.write_sidecar(spec, options, force=args.force))}")
    able = supports.for_notebooks(corpus)
    posts, cascades = len(corpus.posts), len(corpus.cascades)
    print(f"\n{spec.name}: {posts:,} post{'s' * (posts != 1)} in {cascades:,} cascade{'s' * (cascades != 1)}, "
          f"prepared in {_shown_path(folder)}; at the notebooks' default line of {REPOSTS:,} reposts:")
    for row in supports.table(able).itertuples(index=False):
        print(f"  {row.runs:<4} {row.analysis}" + (f": {row[2]}" if row.runs == "no" else ""))
    print(f"\nrun it: wechat-study run 03 -p dataset {shlex.quote(args.path)}")


def cmd_audit(args) -> None:
    """``wechat-study audit``: each data set's published headline figures against what the loaded data holds.

    Loads (fetching and preparing when needed) every data set of ``audit.AUDITED`` and prints ``audit``'s table.

    Parameters
    ----------
    args : argparse.Namespace
        ``mirror``, as for ``cmd_fetch``.

    Examples
    --------
    >>> from wechat_study import cli
    >>> cli.cmd_audit(cli.parser().parse_args(["audit"]))  # doctest: +SKIP
    """
    import pandas as pd

    from .audit import AUDITED, audit
    from .corpus import load

    table = audit({name: load(name, mirror=args.mirror) for name in AUDITED})
    with pd.option_context("display.width", 200, "display.max_colwidth", 60, "display.max_rows", 500):
        print(table.to_string(index=False))


def cmd_reproduce(args) -> None:
    """``wechat-study reproduce [NOTEBOOK...]``: run the notebooks and write ``reports/``.

    Parameters
    ----------
    args : argparse.Namespace
        ``notebooks`` (short names such as ``03``; empty: all, in ``params.yaml`` order), ``force`` (run even
        when the cached run is current), ``jobs`` (notebooks at once, None for the default) and ``mirror``.

    Examples
    --------
    >>> from wechat_study import cli
    >>> cli.cmd_reproduce(cli.parser().parse_args(["reproduce", "03"]))  # doctest: +SKIP
    reports/: 1 report(s), findings.json, index.html
    """
    from . import reporting

    runs = reporting.reproduce(args.notebooks or None, force=args.force, mirror=args.mirror, jobs=args.jobs)
    print(f"reports/: {len(runs)} report(s), findings.json, index.html")


class _RunHelp(argparse.Action):
    """``run --help``; after a NOTEBOOK (``run 03 --help``) it lists that notebook's parameters too."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        name = getattr(namespace, "notebook", None)
        listing = "Run `wechat-study run NOTEBOOK --help` to list a notebook's parameters."
        if name:
            from .notebooks import NotebookError, resolve
            from .params_help import text

            try:
                listing = text(resolve(name))
            except NotebookError as e:
                parser.exit(2, f"wechat-study: error: {e}\n")
        parser.print_help()
        print("\n" + listing)
        parser.exit()


def cmd_run(args) -> None:
    """``wechat-study run NOTEBOOK -p NAME VALUE ...``: one notebook with other parameters, into its own folder.

    Prints whether it ran or was cached, its findings (and how many were not reached), and where the report,
    the executed notebook and the findings were written; ``reports/`` and the ledger are not touched.

    Parameters
    ----------
    args : argparse.Namespace
        ``notebook``, ``param`` (pairs of name and YAML value, or None), ``out`` (the folder, None for
        ``runs/NOTEBOOK-NAME-VALUE...``), ``force`` and ``mirror``.

    Raises
    ------
    UsageError
        When a parameter is given twice.

    Examples
    --------
    >>> from wechat_study import cli
    >>> cli.cmd_run(cli.parser().parse_args(["run", "03", "-p", "threshold_reposts", "1000"]))  # doctest: +SKIP
    >>> cli.cmd_run(cli.parser().parse_args(["run", "03", "-p", "seed", "1", "-p", "seed", "2"]))
    Traceback (most recent call last):
    ...
    wechat_study.cli.UsageError: parameter 'seed' is given twice
    """
    from . import notebooks, reporting

    overrides = {}
    for name, text in args.param or []:
        if name in overrides:
            raise UsageError(f"parameter {name!r} is given twice")
        overrides[name] = notebooks.parse_value(text)
    r = reporting.run_one(args.notebook, overrides, out=args.out, force=args.force, mirror=args.mirror)
    out = r.executed.parent
    unreached = sum(1 for f in r.findings.values() if f["value"] is None)
    given = ", ".join(f"{k}={v}" for k, v in overrides.items()) or "default parameters"
    print(f"{r.stem} ({given}): {'cached' if r.cached else 'ran'}, {len(r.findings)} findings"
          f"{f' ({unreached} not reached)' if unreached else ''}")
    print(f"  report:    {_shown_path(out / f'{r.stem}.html')}")
    print(f"  notebook:  {_shown_path(r.executed)}")
    print(f"  findings:  {_shown_path(out / 'findings.json')}")


def cmd_compare(args) -> None:
    """``wechat-study compare DIR DIR ...``: several runs of one notebook side by side, as CSV and a page.

    Parameters
    ----------
    args : argparse.Namespace
        ``runs`` (the run folders) and ``out`` (the files' path without suffix).

    Examples
    --------
    >>> from wechat_study import cli
    >>> cli.cmd_compare(cli.parser().parse_args(["compare", "runs/a", "runs/b"]))  # doctest: +SKIP
    2 runs of 03-legal-thresholds; they differ in threshold_reposts; 160 findings
      table: runs/compare.csv
      page:  runs/compare.html
    """
    from . import sweeps

    table = sweeps.side_by_side(args.runs)
    stem = sweeps.read_run(args.runs[0]).stem
    keys = [r.removeprefix("param:") for r in table.index if r.startswith("param:")]
    written = sweeps.write(table, args.out)
    print(f"{len(table.columns)} runs of {stem}; they differ in {', '.join(keys) or 'no parameter'}; "
          f"{len(table) - len(keys)} findings")
    print(f"  table: {written[0]}\n  page:  {written[1]}")


def cmd_verify(args) -> int:
    """``wechat-study verify``: re-run every notebook; compare its findings with the ledger and its page with the
    committed one.

    Drifted findings are printed as a table, and a line on stderr names them and the reports that differ.

    Parameters
    ----------
    args : argparse.Namespace
        ``mirror`` and ``jobs``, as for ``cmd_reproduce``.

    Returns
    -------
    int
        The exit status: 0 when every finding (within its tolerance) and every report reproduced, else 1.

    Examples
    --------
    >>> from wechat_study import cli
    >>> cli.cmd_verify(cli.parser().parse_args(["verify", "--jobs", "2"]))  # doctest: +SKIP
    0
    """
    import pandas as pd

    from . import reporting

    diff, differing = reporting.verify(mirror=args.mirror, jobs=args.jobs)
    if not diff.empty:
        with pd.option_context("display.width", 200, "display.max_colwidth", 60, "display.max_rows", 500):
            print(diff.to_string(index=False))
        print(f"verify: {len(diff)} finding(s) drifted from reports/{reporting.LEDGER.name}", file=sys.stderr)
    if differing:
        print("verify: these reports differ from the committed ones (run `wechat-study reproduce` and commit "
              "reports/):\n  " + "\n  ".join(differing), file=sys.stderr)
    if diff.empty and not differing:
        print(f"verify: all {len(reporting.load_ledger(reporting.LEDGER))} findings and every report reproduced")
        return 0
    return 1


def cmd_prune(args) -> None:
    """``wechat-study cache prune``: delete every cached notebook run but each notebook's current one.

    Prints each entry removed (or, with ``--dry-run``, that would be) with its size in MB, then the total.

    Parameters
    ----------
    args : argparse.Namespace
        ``dry_run``: only list what would be removed.

    Examples
    --------
    >>> import os, tempfile
    >>> from unittest import mock
    >>> from wechat_study import cli
    >>> with tempfile.TemporaryDirectory() as tmp, mock.patch.dict(os.environ, {"WECHAT_STUDY_DATA": tmp}):
    ...     cli.cmd_prune(cli.parser().parse_args(["cache", "prune", "--dry-run"]))
    cache prune: would remove 0 entries, 0.0 MB; kept the current run of each notebook in .../cache/notebooks
    """
    from . import reporting

    removed = reporting.prune_cache(dry_run=args.dry_run)
    verb = "would remove" if args.dry_run else "removed"
    root = reporting.cache_dir()
    for path, size in removed:
        print(f"{verb} {_shown_path(path)} ({size / 1e6:,.1f} MB)")
    total = sum(size for _, size in removed)
    print(f"cache prune: {verb} {len(removed)} entr{'y' if len(removed) == 1 else 'ies'}, {total / 1e6:,.1f} MB; "
          f"kept the current run of each notebook in {_shown_path(root)}")


def cmd_synth(args) -> None:
    """``wechat-study synth --posts N --out DIR``: write a synthetic corpus as partitioned Parquet.

    Parameters
    ----------
    args : argparse.Namespace
        ``out`` (the folder: new, empty, or an earlier ``synth`` output), ``posts`` (about how many),
        ``seed``, ``posts_per_file`` and ``workers`` (processes), as ``scaleout.write_synthetic`` takes them.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study import cli
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     cli.cmd_synth(cli.parser().parse_args(["synth", "--posts", "2000", "--posts-per-file", "1000",
    ...                                            "--out", str(Path(tmp) / "parts")]))
    /.../parts: 2 Parquet file(s), about 2,000 posts (... s)
    """
    from .scaleout import write_synthetic

    t = time.perf_counter()
    files = write_synthetic(args.out, args.posts, seed=args.seed, posts_per_file=args.posts_per_file,
                            workers=args.workers)
    print(f"{args.out}: {len(files)} Parquet file(s), about {args.posts:,} posts ({time.perf_counter() - t:.1f} s)")


def cmd_metrics(args) -> None:
    """``wechat-study metrics DIR --out FILE|FOLDER``: cascade metrics of a partitioned Parquet corpus, with Dask.

    Parameters
    ----------
    args : argparse.Namespace
        ``dir`` (a folder of Parquet files, each holding whole cascades), ``out`` (a ``.parquet`` file to
        gather the metrics into, or a folder that each task writes its own part into, for corpora of any size),
        ``workers`` (start a local cluster of that many processes) or ``scheduler`` (an existing scheduler's
        address), neither for Dask's local threads; ``threshold`` (repost counts for ``time_to_N_s``, None for
        500).

    Raises
    ------
    UsageError
        When both ``workers`` and ``scheduler`` are given.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from wechat_study import cli
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     _ = cli.main(["synth", "--posts", "2000", "--posts-per-file", "1000", "--out", f"{tmp}/parts"])
    ...     cli.cmd_metrics(cli.parser().parse_args(["metrics", f"{tmp}/parts", "--out", f"{tmp}/metrics.parquet"]))
    ...     cli.cmd_metrics(cli.parser().parse_args(["metrics", f"{tmp}/parts", "--out", f"{tmp}/metrics"]))
    /.../parts: 2 Parquet file(s), about 2,000 posts (... s)
    /.../metrics.parquet: metrics of 28 cascades, 2,110 posts (... s)
    /.../metrics: metrics of 28 cascades, 2,110 posts, in 2 part(s) (... s)
    >>> cli.cmd_metrics(cli.parser().parse_args(["metrics", ".", "--out", "m.parquet", "--workers", "2",
    ...                                          "--scheduler", "tcp://localhost:8786"]))
    Traceback (most recent call last):
    ...
    wechat_study.cli.UsageError: give --workers (a local cluster) or --scheduler (an existing one), not both
    """
    from .scaleout import metrics_to_folder, metrics_to_parquet

    if args.workers and args.scheduler:
        raise UsageError("give --workers (a local cluster) or --scheduler (an existing one), not both")
    t = time.perf_counter()
    where = dict(workers=args.workers, scheduler=args.scheduler, thresholds=tuple(args.threshold or (500,)))
    if str(args.out).endswith(".parquet"):
        table = metrics_to_parquet(args.dir, args.out, **where)
        print(f"{args.out}: metrics of {len(table):,} cascades, {int(table['size'].sum()):,} posts "
              f"({time.perf_counter() - t:.1f} s)")
        return
    parts = metrics_to_folder(args.dir, args.out, **where)
    print(f"{args.out}: metrics of {parts['cascades'].sum():,} cascades, {parts['posts'].sum():,} posts, "
          f"in {len(parts)} part(s) ({time.perf_counter() - t:.1f} s)")


JOBS_HELP = "notebooks to run at once, each in its own kernel (default: one per core, at most 4)"
MIRROR_HELP = "a folder laid out as MIRROR/NAME/REPO-COMMIT.tar.gz (default: $WECHAT_STUDY_MIRROR, else download)"


def parser() -> argparse.ArgumentParser:
    """The ``wechat-study`` argument parser: its commands and their options.

    Each command's parsed arguments carry ``func``, the ``cmd_*`` function that runs it. A line it cannot parse
    raises ``UsageError`` (one line, no usage block) instead of exiting.

    Returns
    -------
    argparse.ArgumentParser
        A new parser.

    Examples
    --------
    >>> from wechat_study import cli
    >>> args = cli.parser().parse_args(["run", "03", "-p", "threshold_reposts", "1000"])
    >>> args.func is cli.cmd_run, args.notebook, args.param, args.out
    (True, '03', [['threshold_reposts', '1000']], None)
    """
    p = _Parser(prog="wechat-study", description=DESCRIPTION, epilog=EPILOG,
                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    data = sub.add_parser("data", help="fetch and prepare the public data sets",
                          description="Fetch, verify and prepare the catalogued public data sets.")
    acts = data.add_subparsers(dest="action", required=True, metavar="ACTION")
    acts.add_parser("list", help="the catalog and the state of each data set",
                    description="The catalog and the state of each data set.").set_defaults(func=cmd_list)
    for action, func, what in (("fetch", cmd_fetch, "download (or copy from a mirror) and verify"),
                               ("prepare", cmd_prepare, "build the canonical Parquet tables")):
        a = acts.add_parser(action, help=what, description=f"{what[0].upper()}{what[1:]}.")
        a.add_argument("names", nargs="+", metavar="NAME", help=f"{', '.join(_catalog_names())}, or all (any case)")
        a.add_argument("--mirror", type=_folder, help=MIRROR_HELP)
        a.add_argument("--force", action="store_true", help="redo it even when a verified copy exists")
        a.set_defaults(func=func)

    ck = acts.add_parser("check", help="read your own posts, say what they support, prepare them",
                         description="Read a researcher's own posts (an edge list, a folder of parts, a Weibo API JSON "
                                     "file, a Weibo crawler CSV or a Twitter15/16-style folder) with its sidecar "
                                     "(PATH.yaml) and the options below, print the quality report and what each "
                                     "notebook can run on it, and prepare it into data/processed/. The options "
                                     "override the sidecar's keys (docs/methods.md section 18).")
    ck.add_argument("path", metavar="PATH", help="the file or folder")
    for flag, what in (("--name", "a short name (lowercase letters, digits, _)"),
                       ("--format", "edgelist, weibo-api, weibo-csv or twitter-trees (default: by the file's name)"),
                       ("--timezone", "the zone of times without an offset (an IANA name such as Asia/Shanghai)"),
                       ("--time-unit", "what numeric times count: s, ms, us or ns"),
                       ("--observation-end", "when collection stopped (ISO time with offset), or 'latest record'"),
                       ("--labels", "a column, or a CSV of cascade_id,label"),
                       ("--followers", "a column, or a CSV of cascade_id,followers"),
                       ("--title", "one line saying what the collection is"), ("--citation", "how to cite it")):
        ck.add_argument(flag, help=what)
    ck.add_argument("--write-sidecar", action="store_true", help="save the options as the sidecar PATH.yaml")
    ck.add_argument("--force", action="store_true", help="prepare again, and overwrite an existing sidecar")
    ck.set_defaults(func=cmd_check)

    au = sub.add_parser("audit", help="published figures against the loaded data",
                        description="Each data set's published headline figures against what the loaded data holds.")
    au.add_argument("--mirror", type=_folder, help=MIRROR_HELP)
    au.set_defaults(func=cmd_audit)

    r = sub.add_parser("reproduce", help="fetch and prepare the data, run the notebooks, render reports/",
                       description="Run every notebook (or those named) with the parameters in "
                                   "investigations/params.yaml and write reports/: the pages, index.html and "
                                   "findings.json. A run whose cache key is unchanged is reused.")
    r.add_argument("notebooks", nargs="*", metavar="NOTEBOOK",
                   help="notebooks to run (default: all, in params.yaml order); short names work: 03, legal-thresholds")
    r.add_argument("--force", action="store_true", help="run notebooks even when their cached run is current")
    r.add_argument("--jobs", type=_count, metavar="N", help=JOBS_HELP)
    r.add_argument("--mirror", type=_folder, help=MIRROR_HELP)
    r.set_defaults(func=cmd_reproduce)

    rn = sub.add_parser("run", help="run one notebook with other parameters, into runs/ (reports/ untouched)",
                        formatter_class=argparse.RawDescriptionHelpFormatter, add_help=False,
                        description="Run one notebook with some parameters changed. The executed notebook, its "
                                    "report and its findings go to a folder of their own; reports/ and the ledger "
                                    "are not touched.",
                        epilog="example:\n  wechat-study run 03 -p threshold_reposts 750\n"
                               "      writes runs/03-legal-thresholds-threshold_reposts-750/"
                               "03-legal-thresholds.html\n"
                               "  wechat-study run early-warning -p observation_minutes '[30, 60]' --out my-run/")
    rn.add_argument("-h", "--help", action=_RunHelp, help="show this help, and with NOTEBOOK before it, the "
                                                          "notebook's parameters (kind, default, range, meaning)")
    rn.add_argument("notebook", metavar="NOTEBOOK", help="the notebook: 03, 03-legal-thresholds or legal-thresholds")
    rn.add_argument("-p", "--param", nargs=2, action="append", metavar=("NAME", "VALUE"),
                    help="set a parameter (repeatable); VALUE is YAML: 1000, 0.5, ced, [10, 60]")
    rn.add_argument("--out", metavar="DIR",
                    help="the folder to write: new, empty, or an earlier run's; missing parent folders are "
                         "created (default: runs/NOTEBOOK-NAME-VALUE...)")
    rn.add_argument("--force", action="store_true", help="run the notebook even when a cached run is current")
    rn.add_argument("--mirror", type=_folder, help=MIRROR_HELP)
    rn.set_defaults(func=cmd_run)

    cp = sub.add_parser("compare", help="runs of one notebook side by side (CSV and a page), for a sensitivity sweep",
                        formatter_class=argparse.RawDescriptionHelpFormatter,
                        description="Set several `wechat-study run` folders of one notebook side by side: one row "
                                    "per parameter that differs and per finding, one column per run. Where a "
                                    "finding's name holds a parameter's value (share_reaching_200_reposts), the "
                                    "value is replaced by {parameter}, so the same finding lines up across runs.",
                        epilog="example:\n  for t in 300 500 750; do wechat-study run 03 -p threshold_reposts $t "
                               "--out runs/t$t; done\n  wechat-study compare runs/t300 runs/t500 runs/t750 "
                               "--out runs/thresholds")
    cp.add_argument("runs", nargs="+", metavar="DIR", help="run folders (at least two) of one notebook")
    cp.add_argument("--out", default="runs/compare", metavar="PATH",
                    help="where to write PATH.csv and PATH.html (default: runs/compare; folders are created)")
    cp.set_defaults(func=cmd_compare)

    v = sub.add_parser("verify", help="re-run every notebook and compare its findings with reports/findings.json",
                       description="Re-run every notebook from scratch; compare each finding with the ledger "
                                   "(within its tolerance) and each page with the committed one. Exit status 1 "
                                   "on any drift.")
    v.add_argument("--jobs", type=_count, metavar="N", help=JOBS_HELP)
    v.add_argument("--mirror", type=_folder, help=MIRROR_HELP)
    v.set_defaults(func=cmd_verify)

    ca = sub.add_parser("cache", help="the cache of executed notebooks (data/cache/notebooks/)",
                        description="The cache of executed notebooks, data/cache/notebooks/NOTEBOOK/KEY/.")
    cacts = ca.add_subparsers(dest="action", required=True, metavar="ACTION")
    pr = cacts.add_parser("prune", help="keep only each notebook's current run; say what was removed",
                          description="Delete every cached run but each notebook's current one (its params.yaml "
                                      "parameters, today's code and data), and leftovers of interrupted runs.")
    pr.add_argument("--dry-run", action="store_true", help="only list what would be removed")
    pr.set_defaults(func=cmd_prune)

    sy = sub.add_parser("synth", help="write a synthetic corpus as partitioned Parquet (whole cascades per file)",
                        description="Write a synthetic corpus (a branching process) as DIR/part-NNNNN.parquet.")
    sy.add_argument("--posts", type=_count, required=True, help="about how many posts (at least 1)")
    sy.add_argument("--out", required=True, metavar="DIR", help="the folder to write")
    sy.add_argument("--seed", type=_seed, default=0,
                    help="the random seed (default 0); the same seed gives the same files")
    sy.add_argument("--posts-per-file", type=_count, default=1_000_000, metavar="N",
                    help="posts per Parquet file (default 1,000,000)")
    sy.add_argument("--workers", type=_count, default=1, metavar="K",
                    help="processes writing files side by side (default 1); the files do not depend on it")
    sy.set_defaults(func=cmd_synth)

    me = sub.add_parser("metrics", help="cascade metrics of a partitioned Parquet corpus, with Dask",
                        description="Cascade metrics of a folder of Parquet files (each holding whole cascades), "
                                    "one Dask task per file, gathered into one Parquet file (--out FILE.parquet) "
                                    "or written part by part into a folder (any other --out), out of core.")
    me.add_argument("dir", type=_folder, metavar="DIR", help="a folder of Parquet files, each holding whole cascades")
    me.add_argument("--out", required=True, metavar="FILE|FOLDER",
                    help="a .parquet file to gather the metrics into, or a folder to write one part per input file")
    me.add_argument("--workers", type=_count, metavar="K",
                    help="start a local Dask cluster of K worker processes (at least 1)")
    me.add_argument("--scheduler", metavar="ADDRESS", help="the address of an existing Dask scheduler (tcp://host:8786)")
    me.add_argument("--threshold", type=_count, action="append", metavar="N",
                    help="repost count N for time_to_N_s (repeatable; default 500)")
    me.set_defaults(func=cmd_metrics)
    return p


def _one_line(e: BaseException) -> str:
    return " ".join(str(e).split())


def main(argv: list[str] | None = None) -> int:
    """Run the command; user mistakes print one line and return 2 (usage) or 1, never a traceback.

    The line, ``wechat-study: error: ...``, goes to stderr. An ``OSError`` that is not a disk problem
    (``errors.disk_error``) is raised as it is.

    Parameters
    ----------
    argv : list of str, optional
        The arguments after the program's name (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: the command's own (0 when it returns nothing), 2 for a usage error, 1 for anything
        else the package refuses or a disk problem, 130 when interrupted.

    Examples
    --------
    >>> import tempfile
    >>> from wechat_study import cli
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     cli.main(["synth", "--posts", "500", "--out", f"{tmp}/parts"])
    /.../parts: 1 Parquet file(s), about 500 posts (... s)
    0
    >>> cli.main(["synth", "--posts", "0", "--out", "parts"]), cli.main(["data", "fetch", "nope"])
    (2, 1)
    """
    try:
        args = parser().parse_args(argv)
        _mirror_from_env(args)
        code = args.func(args)
    except UsageError as e:
        print(f"wechat-study: error: {_one_line(e)}", file=sys.stderr)
        return 2
    except WechatStudyError as e:
        print(f"wechat-study: error: {_one_line(e)}", file=sys.stderr)
        return 1
    except OSError as e:
        err = disk_error(e, "a file")
        if err is None:
            raise
        print(f"wechat-study: error: {_one_line(err)}", file=sys.stderr)
        return 1
    except ModuleNotFoundError as e:
        extra = EXTRAS.get((e.name or "").split(".")[0])
        if extra is None:
            raise
        print(f"wechat-study: error: this command needs {e.name}, from the package's {extra} extra: "
              f"pip install 'wechat_study[{extra}]' (the project's own environment, `make env`, has it)",
              file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("wechat-study: interrupted", file=sys.stderr)
        return 130
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
