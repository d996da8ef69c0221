"""Runs side by side: one table of parameters and findings across ``wechat-study run`` folders.

A finding's name may carry a parameter's value (``thresholds.ced.share_reaching_200_reposts``). To set runs of
one notebook side by side, each name has the values of the parameters that differ between the runs replaced by
the parameter's name in braces (``thresholds.{dataset}.share_reaching_{threshold_reposts}_reposts``), so one row
holds the same finding from every run. Only whole name parts are replaced (between dots and underscores), and
only for parameters whose values differ, so a number that happens to equal a fixed parameter is left alone.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pandas as pd
import yaml

from .atomic import write_text
from .errors import WechatStudyError
from .findings import slug

__all__ = ["SweepError", "Run", "read_run", "varying", "factored", "side_by_side", "page", "write"]


class SweepError(WechatStudyError, ValueError):
    """Folders that cannot be set side by side (not a run, runs of different notebooks).

    Examples
    --------
    >>> from wechat_study import sweeps
    >>> issubclass(sweeps.SweepError, ValueError)
    True
    """


class Run:
    """One run folder: its ``name`` (the folder's), ``stem``, ``params`` and ``findings`` (the ledger's format).

    Examples
    --------
    >>> from wechat_study import sweeps
    >>> sweeps.Run("t200", "03-legal-thresholds", {"threshold_reposts": 200}, {"x.share": {"value": 0.3}})
    Run('t200', '03-legal-thresholds', 1 findings)
    """

    def __init__(self, name: str, stem: str, params: dict, findings: dict):
        self.name, self.stem, self.params, self.findings = name, stem, params, findings

    def __repr__(self) -> str:
        return f"Run({self.name!r}, {self.stem!r}, {len(self.findings)} findings)"


def read_run(folder) -> Run:
    """A run folder as ``run_one`` writes it: ``params.yaml`` and ``findings.json``.

    Parameters
    ----------
    folder : path
        The folder (``--out`` of ``wechat-study run``).

    Returns
    -------
    Run
        Its notebook, parameters and findings.

    Raises
    ------
    SweepError
        The folder lacks ``params.yaml`` or ``findings.json``, or they are not what a run writes.

    Examples
    --------
    >>> from wechat_study import sweeps
    >>> sweeps.read_run("no/such/run")
    Traceback (most recent call last):
    ...
    wechat_study.sweeps.SweepError: no/such/run: not a run folder (no params.yaml); give folders written by ...
    """
    folder = Path(folder)
    params_file, findings_file = folder / "params.yaml", folder / "findings.json"
    for f in (params_file, findings_file):
        if not f.is_file():
            raise SweepError(f"{folder}: not a run folder (no {f.name}); give folders written by `wechat-study run`")
    try:
        params = yaml.safe_load(params_file.read_text("utf-8"))
        findings = json.loads(findings_file.read_text("utf-8"))
    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as e:
        raise SweepError(f"{folder}: params.yaml or findings.json cannot be read ({e})") from None
    if not (isinstance(params, dict) and len(params) == 1 and isinstance(next(iter(params.values())), dict)):
        raise SweepError(f"{params_file}: expected one notebook's parameters (NOTEBOOK: {{name: value}})")
    if not isinstance(findings, dict):
        raise SweepError(f"{findings_file}: expected a mapping of finding name -> record")
    (stem, values), = params.items()
    return Run(folder.name, stem, values, findings)


def varying(runs: list[Run]) -> list[str]:
    """The parameters whose values are not the same in every run, in the first run's order.

    Parameters
    ----------
    runs : list of Run
        Runs of one notebook.

    Returns
    -------
    list of str
        Parameter names.

    Examples
    --------
    >>> from wechat_study import sweeps
    >>> a = sweeps.Run("a", "03", {"dataset": "ced", "threshold_reposts": 200}, {})
    >>> b = sweeps.Run("b", "03", {"dataset": "ced", "threshold_reposts": 500}, {})
    >>> sweeps.varying([a, b])
    ['threshold_reposts']
    """
    names = list(dict.fromkeys(k for r in runs for k in r.params))
    return [k for k in names if len({json.dumps(r.params.get(k), sort_keys=True) for r in runs}) > 1]


def _tokens(name: str, value) -> list[str]:
    """How ``value`` may be written inside a finding name."""
    if isinstance(value, bool) or value is None:
        return []
    if isinstance(value, int | float):
        return [str(int(value))] if float(value).is_integer() else [str(value), str(value).replace(".", "_")]
    if isinstance(value, str):
        if name == "dataset" and Path(value).is_absolute():
            from .datasets import user

            try:
                return [slug(user.describe(Path(value)).name)]
            except Exception:  # the file has gone since the run: its name's slug is the best guess
                return [slug(Path(value).stem)]
        return [slug(value)]
    return []


def factored(name: str, params: dict, names: list[str]) -> str:
    """``name`` with the values of the parameters ``names`` replaced by ``{parameter}``.

    Parameters
    ----------
    name : str
        A finding's name.
    params : dict
        The run's parameters.
    names : list of str
        The parameters to factor out (those that vary between the runs compared).

    Returns
    -------
    str
        The name with each whole part equal to one of those values (or its ordinal, ``200th``) replaced.

    Examples
    --------
    >>> from wechat_study import sweeps
    >>> sweeps.factored("thresholds.ced.share_reaching_200_reposts", {"threshold_reposts": 200, "dataset": "ced"},
    ...                 ["threshold_reposts", "dataset"])
    'thresholds.{dataset}.share_reaching_{threshold_reposts}_reposts'
    """
    for key in names:
        for token in _tokens(key, params.get(key)):
            name = re.sub(rf"(?<![^._]){re.escape(token)}(st|nd|rd|th)?(?![^._])",
                          lambda m, key=key: "{" + key + "}" + (m[1] or ""), name)
    return name


def side_by_side(folders) -> pd.DataFrame:
    """Parameters and findings of several runs of one notebook, one column per run.

    Parameters
    ----------
    folders : sequence of path
        Run folders (``wechat-study run --out``), at least two, of the same notebook.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``row``: first ``param:NAME`` for every parameter that varies (a string as it is, any other
        value as JSON), then every
        finding by its factored name (``factored``; two findings of one run that would share a factored name keep
        their own), sorted; one column per run (the folder's name) holding the value (a table-valued finding as
        JSON; None where a run has no such finding, or did not reach it).

    Raises
    ------
    SweepError
        Fewer than two folders, two folders of the same name, a folder that is not a run, or runs of
        different notebooks.

    Examples
    --------
    >>> from wechat_study import sweeps
    >>> sweeps.side_by_side(["runs/one"])
    Traceback (most recent call last):
    ...
    wechat_study.sweeps.SweepError: compare needs at least two run folders, not 1
    """
    folders = [Path(f) for f in folders]
    if len(folders) < 2:
        raise SweepError(f"compare needs at least two run folders, not {len(folders)}")
    runs = [read_run(f) for f in folders]
    stems = sorted({r.stem for r in runs})
    if len(stems) > 1:
        raise SweepError(f"compare sets runs of one notebook side by side; these ran {', '.join(stems)}")
    names = [r.name for r in runs]
    if len(set(names)) < len(names):
        raise SweepError(f"two run folders share a name ({', '.join(names)}); give folders with distinct names")
    keys = varying(runs)
    columns: dict[str, dict] = {}
    for r in runs:
        col = {f"param:{k}": _param(r.params.get(k)) for k in keys}
        named = {name: factored(name, r.params, keys) for name in r.findings}
        twice = {f for f in named.values() if list(named.values()).count(f) > 1}
        for name, record in r.findings.items():
            value = record.get("value") if isinstance(record, dict) else None
            col[name if named[name] in twice else named[name]] = (
                json.dumps(value, ensure_ascii=False) if isinstance(value, list | dict) else value)
        columns[r.name] = col
    params = [f"param:{k}" for k in keys]
    rows = params + sorted({k for col in columns.values() for k in col} - set(params))
    table = pd.DataFrame({n: [col.get(k) for k in rows] for n, col in columns.items()}, index=rows, dtype=object)
    table.index.name = "row"
    return table


def _param(value) -> str:
    """A parameter's value as text: a string as it is, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, str) and value[:1] in "[{":
        try:
            rows = json.loads(value)
        except json.JSONDecodeError:
            rows = None
        if isinstance(rows, list):
            return f"a table of {len(rows):,} rows"
    if isinstance(value, float):
        return f"{value:.4g}"
    return html.escape(str(value))


def page(table: pd.DataFrame, title: str = "Runs side by side") -> str:
    """A small self-contained HTML page of ``side_by_side``'s table (no script, no network).

    Parameters
    ----------
    table : pandas.DataFrame
        ``side_by_side``'s output.
    title : str
        The page's title.

    Returns
    -------
    str
        The page; values to four significant figures, a dash where a run has no value.

    Examples
    --------
    >>> import pandas as pd
    >>> from wechat_study import sweeps
    >>> t = pd.DataFrame({"a": ["200", 0.31], "b": ["500", 0.11]}, index=["param:threshold_reposts", "x.share"])
    >>> "<td>0.31</td>" in sweeps.page(t)
    True
    """
    head = "".join(f"<th scope='col'>{html.escape(str(c))}</th>" for c in table.columns)
    body = "\n".join(
        f"<tr{' class=param' if str(i).startswith('param:') else ''}><th scope='row'>{html.escape(str(i))}</th>"
        + "".join(f"<td>{_cell(v)}</td>" for v in row) + "</tr>"
        for i, row in zip(table.index, table.itertuples(index=False), strict=True))
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>body{{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:1100px;padding:0 1em}}
.wrap{{overflow-x:auto}} table{{border-collapse:collapse}} th,td{{padding:.25em .6em;border-bottom:1px solid #ddd;
text-align:right;white-space:nowrap}} th[scope=row]{{text-align:left;font-weight:normal;font-family:monospace}}
tr.param{{background:#fff4e5}} thead th{{position:sticky;top:0;background:#fff}}</style></head>
<body><h1>{html.escape(title)}</h1>
<p>One column per run; the first rows are the parameters that differ between them. A finding whose name holds a
parameter's value shows it as <code>{{parameter}}</code>, so one row holds that finding from every run. A dash: the
run has no such finding, or did not reach it.</p>
<div class="wrap"><table><thead><tr><th scope="col">row</th>{head}</tr></thead>
<tbody>
{body}
</tbody></table></div></body></html>
"""


def write(table: pd.DataFrame, out) -> list[Path]:
    """``table`` as ``OUT.csv`` and ``OUT.html`` (``page``), each written atomically.

    Parameters
    ----------
    table : pandas.DataFrame
        ``side_by_side``'s output.
    out : path
        The files' path without suffix (``runs/sweep`` gives ``runs/sweep.csv`` and ``runs/sweep.html``).

    Returns
    -------
    list of pathlib.Path
        The two files written.

    Examples
    --------
    >>> import tempfile, pandas as pd
    >>> from pathlib import Path
    >>> from wechat_study import sweeps
    >>> t = pd.DataFrame({"a": [0.3], "b": [0.1]}, index=pd.Index(["x.share"], name="row"))
    >>> with tempfile.TemporaryDirectory() as d:
    ...     [p.name for p in sweeps.write(t, Path(d) / "sweep")]
    ['sweep.csv', 'sweep.html']
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    csv, page_file = out.with_name(out.name + ".csv"), out.with_name(out.name + ".html")
    write_text(csv, table.to_csv(lineterminator="\n"))
    write_text(page_file, page(table))
    return [csv, page_file]
