"""The ``wechat-study`` command.

    wechat-study data list
    wechat-study data fetch NAME... [--mirror DIR] [--force]
    wechat-study data prepare NAME... [--mirror DIR] [--force]
    wechat-study audit
    wechat-study reproduce [NOTEBOOK...] [--force] [--mirror DIR]
    wechat-study verify [--mirror DIR]
    wechat-study synth --posts N --out DIR [--seed S]
    wechat-study metrics DIR --out FILE.parquet [--workers K | --scheduler ADDRESS]
"""

from __future__ import annotations

import argparse
import sys
import time

from . import corpus as corpus_mod
from .datasets.catalog import CATALOG, INVESTIGATED
from .errors import WechatStudyError
from .fetch import fetch, is_verified



def _names(values: list[str]) -> list[str]:
    if values == ["all"]:
        return list(INVESTIGATED)
    for v in values:
        if v not in CATALOG:
            raise WechatStudyError(f"unknown data set {v!r}; the catalog has: {', '.join(sorted(CATALOG))}")
    return values


def cmd_list(args) -> None:
    for ds in CATALOG.values():
        state = "prepared" if corpus_mod.is_prepared(ds.name) else ("fetched" if is_verified(ds) else "-")
        print(f"{ds.name:<12} {state:<9} {len(ds.manifest):>5} files  {ds.owner}/{ds.repo}@{ds.commit[:10]}  {ds.licence}")
        print(f"{'':<12} {ds.title}")


def cmd_fetch(args) -> None:
    for name in _names(args.names):
        t = time.perf_counter()
        path = fetch(name, mirror=args.mirror, force=args.force)
        print(f"{name}: {len(CATALOG[name].manifest):,} files verified in {path} ({time.perf_counter() - t:.1f} s)")


def cmd_prepare(args) -> None:
    for name in _names(args.names):
        t = time.perf_counter()
        report = corpus_mod.prepare(name, mirror=args.mirror, force=args.force)
        print(report.format())
        print(f"{name}: prepared in {time.perf_counter() - t:.1f} s\n")


def cmd_audit(args) -> None:
    from .audit import AUDITED, audit

    table = audit({name: corpus_mod.load(name, mirror=getattr(args, "mirror", None)) for name in AUDITED})
    import pandas as pd

    with pd.option_context("display.width", 200, "display.max_colwidth", 60, "display.max_rows", 500):
        print(table.to_string(index=False))


def cmd_reproduce(args) -> None:
    from . import reporting

    runs = reporting.reproduce(args.notebooks or None, force=args.force, mirror=args.mirror)
    print(f"reports/: {len(runs)} report(s), findings.json, index.html")


def cmd_verify(args) -> int:
    from . import reporting

    diff, differing = reporting.verify(mirror=args.mirror)
    if not diff.empty:
        import pandas as pd

        with pd.option_context("display.width", 200, "display.max_colwidth", 60, "display.max_rows", 500):
            print(diff.to_string(index=False))
        print(f"verify: {len(diff)} finding(s) drifted from reports/{reporting.LEDGER.name}", file=sys.stderr)
    if differing:
        print(f"verify: these reports differ from the committed ones: {', '.join(differing)} "
              "(run `wechat-study reproduce` and commit reports/)", file=sys.stderr)
    if diff.empty and not differing:
        print(f"verify: all {len(reporting.load_ledger(reporting.LEDGER))} findings and every report reproduced")
        return 0
    return 1


def cmd_synth(args) -> None:
    from .scaleout import write_synthetic

    t = time.perf_counter()
    files = write_synthetic(args.out, args.posts, seed=args.seed, posts_per_file=args.posts_per_file)
    print(f"{args.out}: {len(files)} Parquet file(s), about {args.posts:,} posts ({time.perf_counter() - t:.1f} s)")


def cmd_metrics(args) -> None:
    from .scaleout import metrics_to_parquet

    t = time.perf_counter()
    table = metrics_to_parquet(args.dir, args.out, workers=args.workers, scheduler=args.scheduler,
                               thresholds=tuple(args.threshold or (500,)))
    print(f"{args.out}: metrics of {len(table):,} cascades, {int(table['size'].sum()):,} posts "
          f"({time.perf_counter() - t:.1f} s)")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="wechat-study", description=__doc__.split("\n\n")[0])
    sub = p.add_subparsers(dest="command", required=True)
    data = sub.add_parser("data", help="fetch and prepare the public data sets").add_subparsers(dest="action", required=True)
    data.add_parser("list", help="the catalog and the state of each data set").set_defaults(func=cmd_list)
    for action, func, what in (("fetch", cmd_fetch, "download (or copy from a mirror) and verify"),
                               ("prepare", cmd_prepare, "build the canonical Parquet tables")):
        a = data.add_parser(action, help=what)
        a.add_argument("names", nargs="+", metavar="NAME", help=f"{', '.join(CATALOG)}, or all")
        a.add_argument("--mirror", help="a folder laid out as MIRROR/NAME/REPO-COMMIT.tar.gz (default: $WECHAT_STUDY_MIRROR)")
        a.add_argument("--force", action="store_true", help="redo it even when a verified copy exists")
        a.set_defaults(func=func)
    sub.add_parser("audit", help="published figures against the loaded data").set_defaults(func=cmd_audit)
    r = sub.add_parser("reproduce", help="fetch and prepare the data, run the notebooks, render reports/")
    r.add_argument("notebooks", nargs="*", metavar="NOTEBOOK", help="notebook names (default: all, in params.yaml order)")
    r.add_argument("--force", action="store_true", help="run notebooks even when their cached run is current")
    r.add_argument("--mirror", help="a mirror folder (default: $WECHAT_STUDY_MIRROR)")
    r.set_defaults(func=cmd_reproduce)
    v = sub.add_parser("verify", help="re-run every notebook and compare its findings with reports/findings.json")
    v.add_argument("--mirror", help="a mirror folder (default: $WECHAT_STUDY_MIRROR)")
    v.set_defaults(func=cmd_verify)
    sy = sub.add_parser("synth", help="write a synthetic corpus as partitioned Parquet (whole cascades per file)")
    sy.add_argument("--posts", type=int, required=True, help="about how many posts")
    sy.add_argument("--out", required=True, help="the folder to write (replaced whole)")
    sy.add_argument("--seed", type=int, default=0)
    sy.add_argument("--posts-per-file", type=int, default=1_000_000)
    sy.set_defaults(func=cmd_synth)
    me = sub.add_parser("metrics", help="cascade metrics of a partitioned Parquet corpus, with Dask")
    me.add_argument("dir", help="a folder of Parquet files, each holding whole cascades")
    me.add_argument("--out", required=True, help="the metrics Parquet file to write")
    me.add_argument("--workers", type=int, help="start a local Dask cluster of this many worker processes")
    me.add_argument("--scheduler", help="the address of an existing Dask scheduler (tcp://host:8786)")
    me.add_argument("--threshold", type=int, action="append", help="repost count N for time_to_N_s (repeatable)")
    me.set_defaults(func=cmd_metrics)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        code = args.func(args)
    except WechatStudyError as e:
        print(f"wechat-study: error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code or 0


if __name__ == "__main__":
    sys.exit(main())
